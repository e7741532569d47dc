// Package hll implements Redis's HyperLogLog (PFADD, PFCOUNT, PFMERGE) on
// Redis-compatible string values, byte for byte as Redis 7.0 stores them.
//
// A value starts with a 16-byte header:
//
//	"HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cached cardinality
//
// The cached cardinality is a little-endian uint64 whose top bit (bit 7 of
// byte 15) marks the cache as stale. The registers follow: the dense form
// packs 16384 6-bit registers LSB first into 12288 bytes; the sparse form is
// a run-length code of ZERO (00xxxxxx), XZERO (01xxxxxx yyyyyyyy) and VAL
// (1vvvvvxx) opcodes.
//
// The functions work on the caller's slices the way Redis works on the key's
// string: they may modify a value in place, so the caller must own it (not
// share it with another key or a reply still being written) and must keep
// the returned slice in place of the one passed in.
//
// A nil value means "the key does not exist". An existing empty string must
// be passed as a non-nil empty slice, so that it is rejected as Redis rejects
// it.
package hll

import "errors"

// Layout constants, as in Redis's hyperloglog.c.
const (
	HeaderSize = 16                         // magic, encoding, 3 unused, cached cardinality
	P          = 14                         // bits of the hash that pick a register
	Registers  = 1 << P                     // 16384 registers
	DenseSize  = HeaderSize + Registers*6/8 // 12304: the exact length of a dense value

	q          = 64 - P        // hash bits left for the run of zeroes
	regMask    = Registers - 1 // selects the register index from a hash
	encDense   = 0             // encoding byte of the dense form
	encSparse  = 1             // encoding byte of the sparse form
	cacheByte  = 15            // header byte holding the stale flag
	staleFlag  = 0x80          // top bit of the cached cardinality
	murmurSeed = 0xadc83b19    // seed Redis passes to MurmurHash64A
	histoSize  = 64            // histogram slots: a 6-bit register is at most 63
	magic      = "HYLL"        // first four bytes of every value
)

// DefaultSparseMaxBytes is Redis's default hll-sparse-max-bytes: a sparse value
// that would grow past this many bytes (header included) becomes dense.
const DefaultSparseMaxBytes = 3000

// Errors with the text Redis replies (without the leading '-').
var (
	// ErrWrongType: the string is not an HLL (isHLLObjectOrReply failed).
	ErrWrongType = errors.New("WRONGTYPE Key is not a valid HyperLogLog string value.")
	// ErrInvalid: a sparse HLL's opcodes do not describe exactly 16384 registers.
	ErrInvalid = errors.New("INVALIDOBJ Corrupted HLL object detected")
)

// Options carries the hll-sparse-max-bytes setting. The zero value promotes a
// sparse value to dense on its first growth, as Redis does with the setting 0.
type Options struct {
	SparseMaxBytes int
}

// defaults is the configuration the package-level functions use.
var defaults = Options{SparseMaxBytes: DefaultSparseMaxBytes}

// New returns an empty HLL exactly as Redis's createHLLObject builds it:
// sparse, one XZERO opcode covering all registers, cached cardinality 0 (valid).
func New() []byte {
	b := make([]byte, HeaderSize+2, 64)
	copy(b, magic)
	b[4] = encSparse
	putXZero(b[HeaderSize:], Registers)
	return b
}

// IsValid reports whether b passes Redis's isHLLObjectOrReply checks: at least
// a header, the "HYLL" magic, a known encoding, and for the dense encoding the
// exact dense length. The sparse opcodes are only checked when used.
func IsValid(b []byte) bool {
	if len(b) < HeaderSize || string(b[:4]) != magic {
		return false
	}
	switch b[4] {
	case encDense:
		return len(b) == DenseSize
	case encSparse:
		return true
	}
	return false
}

// IsDense reports whether a valid HLL uses the dense encoding.
func IsDense(b []byte) bool { return len(b) > 4 && b[4] == encDense }

// Add is PFADD with the default hll-sparse-max-bytes.
func Add(b []byte, elements ...[]byte) (nb []byte, changed bool, err error) {
	return defaults.Add(b, elements...)
}

// Add is PFADD. b is the key's current value, nil when the key does not exist
// (a new HLL is created and changed is true, as PFADD replies 1 then). changed
// reports whether any register grew, that is whether PFADD replies 1.
//
// On ErrInvalid, nb still holds the value as Redis leaves it: elements before
// the corrupt spot were applied in place, and Redis keeps those changes.
func (o Options) Add(b []byte, elements ...[]byte) (nb []byte, changed bool, err error) {
	if b == nil {
		b = New()
		changed = true
	} else if !IsValid(b) {
		return b, false, ErrWrongType
	}
	w := work{b: b}
	for _, e := range elements {
		index, count := patLen(e)
		switch o.set(&w, index, count) {
		case -1:
			return w.b, changed, ErrInvalid
		case 1:
			changed = true
		}
	}
	if changed {
		w.b[cacheByte] |= staleFlag
	}
	return w.b, changed, nil
}

// set raises register index to count if it is lower, in whichever encoding b
// uses. It returns 1 when the register changed, 0 when not, -1 on corruption.
func (o Options) set(w *work, index int, count uint8) int {
	if w.b[4] == encDense {
		return denseSet(w.b[HeaderSize:], index, count)
	}
	return sparseSet(w, index, count, o.SparseMaxBytes)
}

// Count is PFCOUNT. With one key it returns the cached cardinality when the
// cache is valid; otherwise it computes the estimate and writes it into the
// header of bs[0] in place, reporting cacheWritten so the caller can treat the
// key as modified (Redis propagates that write). With several keys it counts
// the union of their registers and modifies nothing. A nil value counts as an
// empty HLL.
func Count(bs ...[]byte) (card uint64, cacheWritten bool, err error) {
	switch len(bs) {
	case 0:
		return 0, false, nil
	case 1:
		return countOne(bs[0])
	}
	var regs [Registers]uint8
	for _, b := range bs {
		if b == nil {
			continue
		}
		if !IsValid(b) {
			return 0, false, ErrWrongType
		}
		if !mergeInto(&regs, b) {
			return 0, false, ErrInvalid
		}
	}
	var histo [histoSize]int
	for _, r := range regs {
		histo[r]++
	}
	return estimate(&histo), false, nil
}

// countOne is the single-key PFCOUNT path, using and refreshing the cache.
func countOne(b []byte) (uint64, bool, error) {
	if b == nil {
		return 0, false, nil
	}
	if !IsValid(b) {
		return 0, false, ErrWrongType
	}
	if b[cacheByte]&staleFlag == 0 {
		return getCard(b), false, nil
	}
	var histo [histoSize]int
	if b[4] == encDense {
		denseHisto(b[HeaderSize:], &histo)
	} else if !sparseHisto(b[HeaderSize:], &histo) {
		return 0, false, ErrInvalid
	}
	card := estimate(&histo)
	putCard(b, card)
	return card, true, nil
}

// Merge is PFMERGE with the default hll-sparse-max-bytes.
func Merge(dst []byte, srcs ...[]byte) ([]byte, error) {
	return defaults.Merge(dst, srcs...)
}

// Merge is PFMERGE: dst (nil when the destination key does not exist) takes,
// register by register, the maximum of itself and every source. As in Redis
// 7.0 the destination becomes dense when any input (dst included) is dense,
// and otherwise stays sparse, growing register by register with the usual
// promotion rules. The cached cardinality is always marked stale. Nil sources
// are skipped. The sources are never modified.
func (o Options) Merge(dst []byte, srcs ...[]byte) ([]byte, error) {
	var regs [Registers]uint8
	useDense := false
	// Redis's loop runs over argv[1:], so the destination is an input too.
	for i := -1; i < len(srcs); i++ {
		b := dst
		if i >= 0 {
			b = srcs[i]
		}
		if b == nil {
			continue
		}
		if !IsValid(b) {
			return dst, ErrWrongType
		}
		if b[4] == encDense {
			useDense = true
		}
		if !mergeInto(&regs, b) {
			return dst, ErrInvalid
		}
	}
	w := work{b: dst}
	if w.b == nil {
		w.b = New()
	}
	if useDense {
		d, ok := sparseToDense(w.b, 0)
		if !ok {
			return dst, ErrInvalid
		}
		w.b = d
	}
	for j, v := range regs {
		if v != 0 {
			// Redis ignores the result: every input was validated above.
			o.set(&w, j, v)
		}
	}
	w.b[cacheByte] |= staleFlag
	return w.b, nil
}

// mergeInto raises regs to the registers of b (Redis's hllMerge). It reports
// false when b is a corrupt sparse value.
func mergeInto(regs *[Registers]uint8, b []byte) bool {
	if b[4] == encDense {
		r := b[HeaderSize:]
		for i := range regs {
			if v := denseGet(r, i); v > regs[i] {
				regs[i] = v
			}
		}
		return true
	}
	return sparseMerge(regs, b[HeaderSize:])
}

// getCard reads the cached cardinality (stale flag included, as Redis does).
func getCard(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[8+i])
	}
	return v
}

// putCard stores card as the cached cardinality, little endian.
func putCard(b []byte, card uint64) {
	for i := 0; i < 8; i++ {
		b[8+i] = byte(card >> (8 * i))
	}
}

// patLen hashes an element to its register index and the length of the run
// of zeroes (plus the final one) in the remaining hash bits: Redis's hllPatLen.
func patLen(e []byte) (index int, count uint8) {
	h := murmurHash64A(e, murmurSeed)
	index = int(h & regMask)
	h >>= P
	h |= 1 << q // bounds the count at q+1
	count = 1
	for h&1 == 0 {
		count++
		h >>= 1
	}
	return index, count
}
