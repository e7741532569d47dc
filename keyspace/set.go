package keyspace

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"unsafe"
)

// Set is a set value. Like Redis 7.0 it has two encodings:
//
//   - intset: every member is a canonical 64-bit integer and there are at
//     most set-max-intset-entries of them. Members are kept sorted in a
//     slice of int64, as Redis's intset, so SMEMBERS answers in the same
//     ascending order; lookups are binary searches and inserts O(n).
//   - hashtable: members in a dense slice plus an index map, so add,
//     remove, lookup and random picks are O(1) and SSCAN can walk
//     positions. A removal moves the last member into the hole.
//
// A set converted to a hashtable never goes back to an intset.
type Set struct {
	ints    []int64
	members []string
	index   map[string]int32
	table   bool
}

// NewSetFor returns an empty set of the encoding Redis picks for a set
// about to receive first (setTypeCreate): an intset when first is an
// integer, a hashtable otherwise.
func NewSetFor(first []byte) *Set {
	if _, ok := ParseSetInt(first); ok {
		return &Set{}
	}
	return newTableSet(0)
}

// NewIntSet returns an empty set with the intset encoding.
func NewIntSet() *Set { return &Set{} }

func newTableSet(n int) *Set {
	return &Set{table: true, index: make(map[string]int32, n), members: make([]string, 0, n)}
}

func (s *Set) Kind() Kind { return KindSet }

// Encoding is "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.table {
		return "hashtable"
	}
	return "intset"
}

// IsIntset reports whether the set has the intset encoding.
func (s *Set) IsIntset() bool { return !s.table }

// Len is the number of members.
func (s *Set) Len() int {
	if s.table {
		return len(s.members)
	}
	return len(s.ints)
}

// ParseSetInt parses b as Redis's string2ll does for intset members: a
// canonical base-10 int64 with no sign, spaces or leading zeros to spare.
func ParseSetInt(b []byte) (int64, bool) {
	if !isCanonicalInt(b) {
		return 0, false
	}
	n, err := strconv.ParseInt(unsafe.String(unsafe.SliceData(b), len(b)), 10, 64)
	return n, err == nil
}

// FitIntset converts an intset holding more than maxIntset members to
// the hashtable encoding, as Redis does when it loads or restores one
// under a lower set-max-intset-entries.
func (s *Set) FitIntset(maxIntset int64) {
	if !s.table && int64(len(s.ints)) > maxIntset {
		s.convert()
	}
}

// convert switches an intset to the hashtable encoding.
func (s *Set) convert() {
	if s.table {
		return
	}
	t := newTableSet(len(s.ints))
	var buf [24]byte
	for _, v := range s.ints {
		t.addString(string(strconv.AppendInt(buf[:0], v, 10)))
	}
	*s = *t
}

// Add inserts m and reports whether it was new. An intset converts when m
// is not an integer or when it grows past maxIntset members.
func (s *Set) Add(m []byte, maxIntset int64) bool {
	if !s.table {
		if v, ok := ParseSetInt(m); ok {
			i, found := slices.BinarySearch(s.ints, v)
			if found {
				return false
			}
			s.ints = slices.Insert(s.ints, i, v)
			if int64(len(s.ints)) > maxIntset {
				s.convert()
			}
			return true
		}
		s.convert()
	}
	if _, ok := s.index[string(m)]; ok {
		return false
	}
	s.addString(string(m))
	return true
}

func (s *Set) addString(m string) {
	s.index[m] = int32(len(s.members))
	s.members = append(s.members, m)
}

// Remove deletes m and reports whether it was a member.
func (s *Set) Remove(m []byte) bool {
	if !s.table {
		v, ok := ParseSetInt(m)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(s.ints, v)
		if !found {
			return false
		}
		s.removeAt(i)
		return true
	}
	i, ok := s.index[string(m)]
	if !ok {
		return false
	}
	s.removeAt(int(i))
	return true
}

// removeAt deletes the member at position i.
func (s *Set) removeAt(i int) {
	if !s.table {
		s.ints = slices.Delete(s.ints, i, i+1)
		if cap(s.ints) > 64 && len(s.ints) < cap(s.ints)/4 {
			s.ints = slices.Clip(s.ints)
		}
		return
	}
	delete(s.index, s.members[i])
	last := len(s.members) - 1
	if i != last {
		s.members[i] = s.members[last]
		s.index[s.members[i]] = int32(i)
	}
	s.members[last] = ""
	s.members = s.members[:last]
	if cap(s.members) > 64 && len(s.members) < cap(s.members)/4 {
		s.members = append([]string(nil), s.members...)
	}
}

// Has reports whether m is a member.
func (s *Set) Has(m []byte) bool {
	if !s.table {
		v, ok := ParseSetInt(m)
		if !ok {
			return false
		}
		_, found := slices.BinarySearch(s.ints, v)
		return found
	}
	_, ok := s.index[string(m)]
	return ok
}

// HasString is Has for a string.
func (s *Set) HasString(m string) bool {
	return s.Has(unsafe.Slice(unsafe.StringData(m), len(m)))
}

// At returns the member at position i (0 <= i < Len): intsets in
// ascending order, tables in slot order. buf is scratch space for the
// formatting of an integer; the result may point into it.
func (s *Set) At(i int, buf []byte) []byte {
	if !s.table {
		return strconv.AppendInt(buf[:0], s.ints[i], 10)
	}
	m := s.members[i]
	return unsafe.Slice(unsafe.StringData(m), len(m))
}

// Random returns the position of a uniformly chosen member; the set must
// not be empty.
func (s *Set) Random() int { return rand.IntN(s.Len()) }

// PopAt removes the member at position i and returns it.
func (s *Set) PopAt(i int) string {
	var m string
	if !s.table {
		m = strconv.FormatInt(s.ints[i], 10)
	} else {
		m = s.members[i]
	}
	s.removeAt(i)
	return m
}

// Each calls fn with every member in the order At uses, until fn returns
// false. The slice is valid only during the call and must not be
// modified, nor the set changed.
func (s *Set) Each(fn func(m []byte) bool) {
	var buf [24]byte
	for i, n := 0, s.Len(); i < n; i++ {
		if !fn(s.At(i, buf[:0])) {
			return
		}
	}
}

// Scan visits members for an SSCAN cursor and returns the next cursor (0
// when done). An intset is returned whole, as Redis does. A table is
// walked from the end of its dense slice towards the start, so every
// member present for the whole iteration is visited (see Hash.Scan).
func (s *Set) Scan(cursor uint64, count int, fn func(m []byte)) uint64 {
	var buf [24]byte
	if !s.table {
		for i := range s.ints {
			fn(s.At(i, buf[:0]))
		}
		return 0
	}
	pos := uint64(len(s.members))
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	for count = max(count, 1); pos > 0 && count > 0; count-- {
		pos--
		fn(s.At(int(pos), buf[:0]))
	}
	return pos
}

// Clone returns an independent copy with the same encoding.
func (s *Set) Clone() Value {
	if !s.table {
		return &Set{ints: slices.Clone(s.ints)}
	}
	c := newTableSet(len(s.members))
	for _, m := range s.members {
		c.addString(m)
	}
	return c
}

// MemoryUsage estimates the bytes held: 8 per integer for an intset; for
// a table the strings, the slice and about 40 bytes a member of map.
func (s *Set) MemoryUsage() int {
	n := int(unsafe.Sizeof(*s))
	if !s.table {
		return n + 8*cap(s.ints)
	}
	n += 16 * cap(s.members)
	for _, m := range s.members {
		n += len(m) + 40
	}
	return n
}

// AppendBinary writes: encoding byte (0 intset, 1 table), uvarint count,
// then the integers as varints in ascending order or the members as
// uvarint length + bytes.
func (s *Set) AppendBinary(b []byte) []byte {
	if !s.table {
		b = append(b, 0)
		b = binary.AppendUvarint(b, uint64(len(s.ints)))
		for _, v := range s.ints {
			b = binary.AppendVarint(b, v)
		}
		return b
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(s.members)))
	for _, m := range s.members {
		b = appendCollString(b, m)
	}
	return b
}

func decodeSet(b []byte) (Value, error) {
	r := collReader{b: b}
	enc := r.byte()
	n := r.count(1)
	if r.bad || enc > 1 {
		return nil, ErrCorruptValue
	}
	if enc == 0 {
		s := &Set{ints: make([]int64, 0, n)}
		for i := 0; i < n; i++ {
			v := r.varint()
			if r.bad || (i > 0 && v <= s.ints[i-1]) {
				return nil, ErrCorruptValue
			}
			s.ints = append(s.ints, v)
		}
		if !r.done() {
			return nil, ErrCorruptValue
		}
		return s, nil
	}
	s := newTableSet(n)
	for i := 0; i < n; i++ {
		m := r.string()
		if r.bad {
			return nil, ErrCorruptValue
		}
		if _, dup := s.index[m]; dup {
			return nil, ErrCorruptValue
		}
		s.addString(m)
	}
	if !r.done() {
		return nil, ErrCorruptValue
	}
	return s, nil
}

func init() { RegisterDecoder(KindSet, decodeSet) }
