package keyspace

import "unsafe"

// String is a string value. Bytes may be modified in place by the string
// commands (APPEND, SETRANGE, SETBIT, PFADD), so it is never shared between
// keys.
type String struct {
	B []byte
	// Raw is set when Redis would hold the value with the raw encoding
	// whatever its content: it was modified in place (APPEND, SETRANGE,
	// SETBIT) or created as a raw buffer (BITOP, PFADD).
	Raw bool
	// NoInt is set for values Redis stores without trying the int
	// encoding (INCRBYFLOAT's result): they report embstr or raw by length.
	NoInt bool
	// Unshared is set on a copy (COPY) of a small integer: Redis copies
	// its shared integer objects into a private one (refcount 1) until
	// the value is next replaced.
	Unshared bool
	// inline is the size of the buffer allocated right after the String
	// (0 for none), where B starts out, as Redis's embstr keeps the bytes
	// with the object header: one allocation instead of two, and a read
	// of the value touches one object. B may later leave it (an APPEND
	// past its end); the buffer then stays unused.
	inline uint16
}

// embstrLimit is Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
const embstrLimit = 44

// Strings with their bytes in the same allocation. A 32-byte String and a
// buffer of 16·k bytes fill the same size classes as the two separate
// allocations would (48, 64, 80, 96). Values of up to 8 bytes stay apart
// (32 + 8 is less than 48).
type (
	string16 struct {
		String
		b [16]byte
	}
	string32 struct {
		String
		b [32]byte
	}
	string48 struct {
		String
		b [48]byte
	}
	string64 struct {
		String
		b [64]byte
	}
)

// maxInlineString is the longest value NewString keeps inline.
const maxInlineString = 64

// NewString returns a string value holding a copy of b, encoded as Redis's
// tryObjectEncoding would encode it (SET, MSET, RESTORE …).
func NewString(b []byte) *String {
	var s *String
	var buf []byte
	switch n := len(b); {
	case n == 0:
		return &String{}
	case n <= 8:
		// 32 + 8 bytes apart; together they would take 48.
		return &String{B: append([]byte(nil), b...)}
	case n <= 16:
		x := new(string16)
		s, buf = &x.String, x.b[:]
	case n <= 32:
		x := new(string32)
		s, buf = &x.String, x.b[:]
	case n <= 48:
		x := new(string48)
		s, buf = &x.String, x.b[:]
	case n <= maxInlineString:
		x := new(string64)
		s, buf = &x.String, x.b[:]
	default:
		return &String{B: append([]byte(nil), b...)}
	}
	s.inline = uint16(len(buf))
	s.B = buf[:copy(buf, b)]
	return s
}

// stringCap is the capacity NewString gives a value of n bytes.
func stringCap(n int) int {
	switch {
	case n == 0:
		return 0
	case n <= 8:
		return 8
	case n <= maxInlineString:
		return (n + 15) &^ 15
	}
	return int(AllocSize(n))
}

// inlineBytes reports whether B is still in the buffer allocated with s.
func (s *String) inlineBytes() bool {
	return s.inline != 0 && cap(s.B) != 0 &&
		unsafe.Pointer(unsafe.SliceData(s.B)) == unsafe.Add(unsafe.Pointer(s), unsafe.Sizeof(String{}))
}

// overwrite replaces s's bytes with a copy of b, as NewString(b) would
// hold them, if s's buffer is the one NewString(b) would allocate (so the
// value costs the same): SET over a string then allocates nothing.
func (s *String) overwrite(b []byte) bool {
	if len(b) > cap(s.B) || cap(s.B) > stringCap(len(b)) || len(b) == 0 {
		return false
	}
	s.B = append(s.B[:0], b...)
	s.Raw, s.NoInt, s.Unshared = false, false, false
	return true
}

// NewRawString returns a raw-encoded string value that takes ownership of
// b (BITOP, PFADD, SETRANGE on a new key).
func NewRawString(b []byte) *String {
	return &String{B: b, Raw: true}
}

func (s *String) Kind() Kind { return KindString }

// Encoding mirrors Redis: int for canonical 64-bit integers, embstr for
// short strings, raw otherwise or once modified in place.
func (s *String) Encoding() string {
	switch {
	case s.Raw:
		return "raw"
	case !s.NoInt && IsCanonicalInt(s.B):
		return "int"
	case len(s.B) <= embstrLimit:
		return "embstr"
	}
	return "raw"
}

// Int returns the value as an int64 when it is held with the int encoding.
func (s *String) Int() (int64, bool) {
	if s.Raw || s.NoInt {
		return 0, false
	}
	return ParseInt(s.B)
}

func (s *String) Clone() Value {
	c := NewString(s.B)
	c.Raw, c.NoInt = s.Raw, s.NoInt
	return c
}

func (s *String) MemoryUsage() int { return 16 + cap(s.B) }

// AppendBinary: a string serialises as its bytes.
func (s *String) AppendBinary(b []byte) []byte { return append(b, s.B...) }

func init() {
	RegisterDecoder(KindString, func(b []byte) (Value, error) { return NewString(b), nil })
}

// IsCanonicalInt reports whether b is a base-10 int64 with no sign or
// leading-zero ambiguity, the strings Redis stores with the int encoding.
func IsCanonicalInt(b []byte) bool {
	_, ok := ParseInt(b)
	return ok
}

// isCanonicalInt is kept for callers inside the package.
func isCanonicalInt(b []byte) bool { return IsCanonicalInt(b) }

// ParseInt parses b exactly as Redis's string2ll: an optional '-', no '+',
// no leading zeros, no "-0", at most 20 bytes, within int64.
func ParseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	i, neg := 0, false
	if b[0] == '-' {
		neg = true
		i = 1
		if len(b) == 1 {
			return 0, false
		}
	}
	if b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (1<<64-1)/10 || v*10 > 1<<64-1-d {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}
