package keyspace

// String is a string value. Bytes may be modified in place by the string
// commands (APPEND, SETRANGE, SETBIT), so it is never shared between keys.
type String struct {
	B []byte
	// Raw is set once the value was modified in place, so OBJECT ENCODING
	// reports "raw" as Redis does after APPEND or SETRANGE.
	Raw bool
}

// NewString returns a string value holding a copy of b.
func NewString(b []byte) *String {
	return &String{B: append([]byte(nil), b...)}
}

func (s *String) Kind() Kind { return KindString }

// Encoding mirrors Redis: int for canonical 64-bit integers, embstr for
// short strings, raw otherwise.
func (s *String) Encoding() string {
	if len(s.B) <= 20 && isCanonicalInt(s.B) {
		return "int"
	}
	if !s.Raw && len(s.B) <= 44 {
		return "embstr"
	}
	return "raw"
}

func (s *String) Clone() Value { return &String{B: append([]byte(nil), s.B...), Raw: s.Raw} }

func (s *String) MemoryUsage() int { return 16 + cap(s.B) }

// AppendBinary: a string serialises as its bytes.
func (s *String) AppendBinary(b []byte) []byte { return append(b, s.B...) }

func init() {
	RegisterDecoder(KindString, func(b []byte) (Value, error) { return NewString(b), nil })
}

// isCanonicalInt reports whether b is a base-10 int64 with no sign or
// leading-zero ambiguity, the strings Redis stores with the int encoding.
func isCanonicalInt(b []byte) bool {
	if len(b) == 0 || len(b) > 20 {
		return false
	}
	i := 0
	if b[0] == '-' {
		i = 1
		if len(b) == 1 {
			return false
		}
	}
	if b[i] == '0' && len(b) > i+1 {
		return false
	}
	if b[i] == '0' && i == 1 {
		return false // "-0"
	}
	var n uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return false
		}
		d := uint64(c - '0')
		if n > (1<<64-1-d)/10 {
			return false
		}
		n = n*10 + d
	}
	if b[0] == '-' {
		return n <= 1<<63
	}
	return n <= 1<<63-1
}
