package keyspace

import (
	"encoding/binary"
	"unsafe"

	"sundial/keyspace/list"
)

// List is a list value: a chunked deque (package list) with O(1) pushes
// and pops at both ends. Redis 7.0 keeps every list as a quicklist, and so
// OBJECT ENCODING always says.
type List struct {
	*list.List
}

// NewList returns an empty list value.
func NewList() *List { return &List{List: list.New()} }

func (l *List) Kind() Kind { return KindList }

// Encoding is "quicklist": Redis 7.0 has no other list encoding.
func (l *List) Encoding() string { return "quicklist" }

func (l *List) Clone() Value { return &List{List: l.List.Clone()} }

func (l *List) MemoryUsage() int { return int(unsafe.Sizeof(*l)) + l.List.MemoryUsage() }

// AppendBinary writes the uvarint count, then each value as uvarint
// length + bytes, head first.
func (l *List) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(l.Len()))
	l.Iterate(false, func(_ int, v []byte) bool {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
		return true
	})
	return b
}

func decodeList(b []byte) (Value, error) {
	r := collReader{b: b}
	n := r.count(1)
	l := NewList()
	for i := 0; i < n && !r.bad; i++ {
		l.PushBack(r.bytes())
	}
	if r.bad || !r.done() {
		return nil, ErrCorruptValue
	}
	return l, nil
}

func init() { RegisterDecoder(KindList, decodeList) }

// appendCollString appends s as uvarint length + bytes, the element form
// of the list, set and hash encodings.
func appendCollString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// collReader reads the list, set and hash encodings. Any malformed input
// sets bad; reads after that return zero values, so a decoder checks bad
// once per element and never panics or over-allocates.
type collReader struct {
	b   []byte
	bad bool
}

func (r *collReader) byte() byte {
	if r.bad || len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *collReader) uvarint() uint64 {
	if r.bad {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *collReader) varint() int64 {
	if r.bad {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads an element count, rejecting one that the remaining input
// cannot hold at minBytes an element.
func (r *collReader) count(minBytes int) int {
	n := r.uvarint()
	if n > uint64(len(r.b)/minBytes) {
		r.bad = true
		return 0
	}
	return int(n)
}

// bytes reads a length-prefixed element; the result aliases the input.
func (r *collReader) bytes() []byte {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *collReader) string() string { return string(r.bytes()) }

func (r *collReader) done() bool { return !r.bad && len(r.b) == 0 }
