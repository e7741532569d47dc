package keyspace

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
}

// embstrLimit is Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
const embstrLimit = 44

// NewString returns a string value holding a copy of b, encoded as Redis's
// tryObjectEncoding would encode it (SET, MSET, RESTORE …).
func NewString(b []byte) *String {
	return &String{B: append([]byte(nil), b...)}
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
	return &String{B: append([]byte(nil), s.B...), Raw: s.Raw, NoInt: s.NoInt}
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
