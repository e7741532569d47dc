// Package keyspace is sundial's in-memory store: named keyspaces of keys,
// their values and expiry times. It knows nothing of the network or files.
package keyspace

import "errors"

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
	// AppendBinary appends the value's serialised form (snapshots, DUMP,
	// AOF compaction); the decoder registered for its Kind reads it back.
	AppendBinary(b []byte) []byte
}

var decoders [16]func([]byte) (Value, error)

// RegisterDecoder installs the decoder of a value type's AppendBinary
// form. Each type registers itself in an init function.
func RegisterDecoder(k Kind, dec func([]byte) (Value, error)) { decoders[k] = dec }

// ErrCorruptValue is returned for a serialised value that cannot be read.
var ErrCorruptValue = errors.New("corrupt serialised value")

// DecodeValue rebuilds a value of kind k from its AppendBinary form.
func DecodeValue(k Kind, b []byte) (Value, error) {
	if int(k) >= len(decoders) || decoders[k] == nil {
		return nil, ErrCorruptValue
	}
	return decoders[k](b)
}
