// Package keyspace is sundial's in-memory store: named keyspaces of keys,
// their values and expiry times. It knows nothing of the network or files.
package keyspace

// Kind identifies a value type as TYPE reports it.
type Kind uint8

const (
	KindString Kind = iota
	KindList
	KindSet
	KindZSet
	KindHash
	KindStream
	KindTau
)

var kindNames = [...]string{"string", "list", "set", "zset", "hash", "stream", "tau"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "none"
}

// Value is what a key holds. Every value type implements it.
type Value interface {
	Kind() Kind
	// Encoding is the name OBJECT ENCODING reports, following Redis's
	// thresholds for compact encodings.
	Encoding() string
	// Clone returns an independent deep copy (COPY, snapshots).
	Clone() Value
	// MemoryUsage approximates the bytes the value holds, for MEMORY USAGE
	// and the used_memory account.
	MemoryUsage() int
}

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
