package keyspace

import (
	"encoding/binary"
	"math/rand/v2"
	"unsafe"
)

// Hash is a hash value: fields mapped to values.
//
// Fields live in a dense slice, so a random field (HRANDFIELD) is O(1)
// and HSCAN can walk positions; an index map finds a field in O(1) once
// the hash has more than a few fields. While the hash is compact (what
// Redis keeps as a listpack) the slice stays in insertion order and a
// deletion closes the gap, so HGETALL answers in Redis's listpack order.
// After conversion to a table (Redis's hashtable encoding), which never
// reverts, a deletion moves the last field into the gap in O(1).
type Hash struct {
	entries []hashEntry
	index   map[string]int32 // nil while the hash has few fields
	table   bool
}

type hashEntry struct {
	field, value string
}

// hashLinearMax is the size up to which fields are found by a linear scan
// instead of the index map: comparing a handful of strings is faster than
// hashing, and small hashes save the map's memory.
const hashLinearMax = 8

// NewHash returns an empty compact hash.
func NewHash() *Hash { return &Hash{} }

func (h *Hash) Kind() Kind { return KindHash }

// Encoding is "listpack" until the hash was converted, then "hashtable".
func (h *Hash) Encoding() string {
	if h.table {
		return "hashtable"
	}
	return "listpack"
}

// Len is the number of fields.
func (h *Hash) Len() int { return len(h.entries) }

// IsTable reports whether the hash has the hashtable encoding.
func (h *Hash) IsTable() bool { return h.table }

// ConvertToTable switches the hash to the hashtable encoding for good.
func (h *Hash) ConvertToTable() { h.table = true }

// Fits converts the hash to a table when it outgrew the compact limits
// (Redis's hash-max-listpack-entries and -value), as Redis does after a
// write. fieldLen and valueLen are the sizes just written.
func (h *Hash) Fits(maxEntries, maxValue int64, fieldLen, valueLen int) {
	if h.table {
		return
	}
	if int64(fieldLen) > maxValue || int64(valueLen) > maxValue || int64(len(h.entries)) > maxEntries {
		h.table = true
	}
}

// find returns the position of field, or -1.
func (h *Hash) find(field []byte) int {
	if h.index != nil {
		if i, ok := h.index[string(field)]; ok {
			return int(i)
		}
		return -1
	}
	for i := range h.entries {
		if h.entries[i].field == string(field) {
			return i
		}
	}
	return -1
}

// Get returns the value of field.
func (h *Hash) Get(field []byte) (string, bool) {
	if i := h.find(field); i >= 0 {
		return h.entries[i].value, true
	}
	return "", false
}

// Has reports whether field exists.
func (h *Hash) Has(field []byte) bool { return h.find(field) >= 0 }

// Set stores value under field and reports whether the field is new.
func (h *Hash) Set(field, value []byte) bool {
	if i := h.find(field); i >= 0 {
		h.entries[i].value = string(value)
		return false
	}
	h.add(string(field), string(value))
	return true
}

// SetString is Set with a value the caller gives up (e.g. a formatted
// number), saving a copy.
func (h *Hash) SetString(field []byte, value string) bool {
	if i := h.find(field); i >= 0 {
		h.entries[i].value = value
		return false
	}
	h.add(string(field), value)
	return true
}

func (h *Hash) add(field, value string) {
	h.entries = append(h.entries, hashEntry{field, value})
	switch {
	case h.index != nil:
		h.index[field] = int32(len(h.entries) - 1)
	case len(h.entries) > hashLinearMax:
		h.index = make(map[string]int32, len(h.entries)*2)
		for i, e := range h.entries {
			h.index[e.field] = int32(i)
		}
	}
}

// Delete removes field and reports whether it existed.
func (h *Hash) Delete(field []byte) bool {
	i := h.find(field)
	if i < 0 {
		return false
	}
	if h.index != nil {
		delete(h.index, h.entries[i].field)
	}
	last := len(h.entries) - 1
	if h.table {
		if i != last {
			h.entries[i] = h.entries[last]
			if h.index != nil {
				h.index[h.entries[i].field] = int32(i)
			}
		}
	} else {
		// Keep insertion order: the compact form is Redis's listpack.
		copy(h.entries[i:], h.entries[i+1:])
		if h.index != nil {
			for j := i; j < last; j++ {
				h.index[h.entries[j].field] = int32(j)
			}
		}
	}
	h.entries[last] = hashEntry{}
	h.entries = h.entries[:last]
	if cap(h.entries) > 64 && len(h.entries) < cap(h.entries)/4 {
		h.entries = append([]hashEntry(nil), h.entries...)
	}
	return true
}

// At returns the field and value at position i (0 <= i < Len), in the
// order HGETALL lists them.
func (h *Hash) At(i int) (field, value string) {
	e := &h.entries[i]
	return e.field, e.value
}

// Random returns the position of a uniformly chosen field; the hash must
// not be empty.
func (h *Hash) Random() int { return rand.IntN(len(h.entries)) }

// Scan visits fields for an HSCAN cursor and returns the next cursor (0
// when done). A compact hash is returned whole, as Redis does for a
// listpack. A table is walked from the end of the dense slice towards its
// start: fields added later land past the cursor and a deletion moves an
// already visited field into the hole, so every field present for the
// whole iteration is visited.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string)) uint64 {
	if !h.table {
		for _, e := range h.entries {
			fn(e.field, e.value)
		}
		return 0
	}
	pos := uint64(len(h.entries))
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	for count = max(count, 1); pos > 0 && count > 0; count-- {
		pos--
		e := &h.entries[pos]
		fn(e.field, e.value)
	}
	return pos
}

// Clone returns an independent copy with the same encoding.
func (h *Hash) Clone() Value {
	c := &Hash{entries: append([]hashEntry(nil), h.entries...), table: h.table}
	if h.index != nil {
		c.index = make(map[string]int32, len(h.index))
		for k, v := range h.index {
			c.index[k] = v
		}
	}
	return c
}

// MemoryUsage estimates the bytes held: the strings, the slice and, when
// present, the index map (about 48 bytes a field with its spare slots).
func (h *Hash) MemoryUsage() int {
	n := int(unsafe.Sizeof(*h)) + cap(h.entries)*int(unsafe.Sizeof(hashEntry{}))
	for _, e := range h.entries {
		n += len(e.field) + len(e.value)
	}
	if h.index != nil {
		n += len(h.index) * 48
	}
	return n
}

// AppendBinary writes: encoding byte (0 compact, 1 table), uvarint field
// count, then each field and value as uvarint length + bytes.
func (h *Hash) AppendBinary(b []byte) []byte {
	enc := byte(0)
	if h.table {
		enc = 1
	}
	b = append(b, enc)
	b = binary.AppendUvarint(b, uint64(len(h.entries)))
	for _, e := range h.entries {
		b = appendCollString(b, e.field)
		b = appendCollString(b, e.value)
	}
	return b
}

func decodeHash(b []byte) (Value, error) {
	r := collReader{b: b}
	enc := r.byte()
	n := r.count(2)
	if r.bad || enc > 1 {
		return nil, ErrCorruptValue
	}
	h := &Hash{table: enc == 1}
	h.entries = make([]hashEntry, 0, n)
	seen := make(map[string]struct{}, n)
	for i := 0; i < n; i++ {
		f, v := r.string(), r.string()
		if r.bad {
			return nil, ErrCorruptValue
		}
		if _, dup := seen[f]; dup {
			return nil, ErrCorruptValue
		}
		seen[f] = struct{}{}
		h.add(f, v)
	}
	if !r.done() {
		return nil, ErrCorruptValue
	}
	return h, nil
}

func init() { RegisterDecoder(KindHash, decodeHash) }
