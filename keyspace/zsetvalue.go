package keyspace

import (
	"encoding/binary"
	"math"
	"unsafe"

	"sundial/keyspace/zset"
)

// ZSet is a sorted set value: the skip list of package zset plus the
// encoding Redis would report for it. Redis keeps a small sorted set as a
// listpack and converts it to a skip list once it holds more than
// zset-max-listpack-entries members or a member longer than
// zset-max-listpack-value bytes, and never converts it back (except for
// sets a command builds whole, see FitListpack). Both encodings order
// members the same way, so only OBJECT ENCODING and ZSCAN's reply shape
// depend on the flag.
type ZSet struct {
	*zset.ZSet
	listpack bool
}

// NewZSet returns an empty sorted set with the listpack encoding, or the
// skiplist encoding when listpack is false.
func NewZSet(listpack bool) *ZSet { return &ZSet{ZSet: zset.New(), listpack: listpack} }

func (z *ZSet) Kind() Kind { return KindZSet }

// Encoding is "listpack" or "skiplist".
func (z *ZSet) Encoding() string {
	if z.listpack {
		return "listpack"
	}
	return "skiplist"
}

// IsListpack reports whether the set has the compact encoding.
func (z *ZSet) IsListpack() bool { return z.listpack }

// ConvertToSkiplist switches the set to the skiplist encoding for good
// (Redis's zsetConvert, also done by SORT).
func (z *ZSet) ConvertToSkiplist() { z.listpack = false }

// Fits converts a listpack set that outgrew the limits after a member of
// memberLen bytes was added, as Redis's zsetAdd does before inserting.
func (z *ZSet) Fits(maxEntries, maxValue int64, memberLen int) {
	if z.listpack && (int64(z.Len()) > maxEntries || int64(memberLen) > maxValue) {
		z.listpack = false
	}
}

// FitListpack gives a set built whole by a command (ZUNIONSTORE,
// ZRANGESTORE, GEOSEARCHSTORE …) the encoding Redis ends with: listpack
// when it has at most maxEntries members of at most maxValue bytes
// (maxMemberLen is the longest one), as zsetConvertToListpackIfNeeded.
func (z *ZSet) FitListpack(maxEntries, maxValue int64, maxMemberLen int) {
	z.listpack = int64(z.Len()) <= maxEntries && int64(maxMemberLen) <= maxValue
	if !z.listpack {
		return
	}
	// A listpack keeps scores as text, where -0 is written "0".
	var negZero []string
	z.Range(func(m string, s float64) bool {
		if s == 0 && math.Signbit(s) {
			negZero = append(negZero, m)
		}
		return true
	})
	for _, m := range negZero {
		z.Remove(m)
		z.Add(m, 0)
	}
}

// StoredScore is the score the set keeps for s: a listpack holds scores
// as text, which turns -0 into 0; a skip list keeps -0.
func (z *ZSet) StoredScore(s float64) float64 {
	if z.listpack && s == 0 {
		return 0
	}
	return s
}

// Redis's default zset-max-listpack-entries and zset-max-listpack-value.
const (
	DefaultZSetListpackEntries = 128
	DefaultZSetListpackValue   = 64
)

// Refit gives the set the encoding Redis derives when it loads a sorted
// set stored as a skip list (RESTORE, a restart): listpack when it fits
// the limits, else skiplist, whatever it had before.
func (z *ZSet) Refit(maxEntries, maxValue int64) {
	maxLen := 0
	if int64(z.Len()) <= maxEntries {
		z.Range(func(m string, _ float64) bool {
			maxLen = max(maxLen, len(m))
			return true
		})
	}
	z.FitListpack(maxEntries, maxValue, maxLen)
}

// Clone returns an independent copy with the same encoding.
func (z *ZSet) Clone() Value { return &ZSet{ZSet: z.ZSet.Clone(), listpack: z.listpack} }

// MemoryUsage estimates the bytes held by the skip list, its map and the
// members.
func (z *ZSet) MemoryUsage() int { return int(unsafe.Sizeof(*z)) + z.ZSet.MemoryUsage() }

// AppendBinary writes: encoding byte (0 listpack, 1 skiplist), uvarint
// member count, then, lowest score first, each member as uvarint length +
// bytes followed by its score as 8 little-endian bytes of IEEE 754 bits.
// A decoded set keeps a listpack encoding within the entry limit and
// refits a skiplist one, as Redis's loading.
func (z *ZSet) AppendBinary(b []byte) []byte {
	enc := byte(1)
	if z.listpack {
		enc = 0
	}
	b = append(b, enc)
	b = binary.AppendUvarint(b, uint64(z.Len()))
	z.Range(func(m string, s float64) bool {
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s))
		return true
	})
	return b
}

// decodeZSet reads AppendBinary's form. It refuses NaN scores, duplicate
// members and counts the input cannot hold, so damaged input gives an
// error rather than a panic or a huge allocation. Like Redis loading a
// sorted set, it derives the encoding from the contents, with the default
// limits (callers that know the configured ones call Refit).
func decodeZSet(b []byte) (Value, error) {
	if len(b) == 0 || b[0] > 1 {
		return nil, ErrCorruptValue
	}
	listpack := b[0] == 0
	z := NewZSet(listpack)
	b = b[1:]
	n, k := binary.Uvarint(b)
	// Each member takes at least 9 bytes: a length byte and a score.
	if k <= 0 || n > uint64(len(b)-k)/9 {
		return nil, ErrCorruptValue
	}
	b = b[k:]
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(b)
		if k <= 0 || l > uint64(len(b)-k) || uint64(len(b)-k)-l < 8 {
			return nil, ErrCorruptValue
		}
		m := string(b[k : k+int(l)])
		b = b[k+int(l):]
		s := math.Float64frombits(binary.LittleEndian.Uint64(b))
		b = b[8:]
		if math.IsNaN(s) {
			return nil, ErrCorruptValue
		}
		if added, _ := z.Add(m, s); !added {
			return nil, ErrCorruptValue
		}
	}
	if len(b) != 0 {
		return nil, ErrCorruptValue
	}
	// As Redis loads a sorted set: a listpack stays one unless it has
	// too many members (long ones are kept); a skip list small enough
	// becomes a listpack.
	if !listpack || z.Len() > DefaultZSetListpackEntries {
		z.Refit(DefaultZSetListpackEntries, DefaultZSetListpackValue)
	}
	return z, nil
}

func init() { RegisterDecoder(KindZSet, decodeZSet) }
