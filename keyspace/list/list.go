// Package list is the deque behind sundial's list commands: values packed
// into byte chunks of up to 8 KiB (as Redis's quicklist packs listpacks),
// the chunks held in a ring, so pushes and pops at both ends are O(1) and
// a small value costs its bytes plus two or so.
//
// Indexes count from 0 at the head. Values passed in are copied. Values
// handed out by Index, Range and Iterate point into the list and stay
// valid only until the list is next modified; PopFront and PopBack return
// copies. A List is not safe for concurrent use.
package list

import (
	"bytes"
	"unsafe"
)

// List is a list of byte strings. The zero value is an empty list.
type List struct {
	ring   []chunk // circular; len(ring) is zero or a power of two
	first  int     // ring slot of the first chunk
	chunks int     // chunks in use; none of them is empty
	length int     // entries
}

// New returns an empty list.
func New() *List { return &List{} }

// Len returns the number of values.
func (l *List) Len() int { return l.length }

// at returns chunk i, counted from the head.
func (l *List) at(i int) *chunk {
	return &l.ring[(l.first+i)&(len(l.ring)-1)]
}

func (l *List) resizeRing(n int) {
	ring := make([]chunk, n)
	for i := 0; i < l.chunks; i++ {
		ring[i] = *l.at(i)
	}
	l.ring, l.first = ring, 0
}

// insertChunk makes an empty chunk at position i (0..chunks), shifting the
// shorter side of the ring, and returns it.
func (l *List) insertChunk(i int) *chunk {
	if l.chunks == len(l.ring) {
		l.resizeRing(max(1, 2*len(l.ring)))
	}
	if i < l.chunks/2 {
		l.first = (l.first - 1) & (len(l.ring) - 1)
		for j := 0; j < i; j++ {
			*l.at(j) = *l.at(j + 1)
		}
	} else {
		for j := l.chunks; j > i; j-- {
			*l.at(j) = *l.at(j - 1)
		}
	}
	l.chunks++
	c := l.at(i)
	*c = chunk{}
	return c
}

// removeChunk drops chunk i, shifting the shorter side of the ring.
func (l *List) removeChunk(i int) {
	if i < l.chunks/2 {
		for j := i; j > 0; j-- {
			*l.at(j) = *l.at(j - 1)
		}
		*l.at(0) = chunk{}
		l.first = (l.first + 1) & (len(l.ring) - 1)
	} else {
		for j := i; j < l.chunks-1; j++ {
			*l.at(j) = *l.at(j + 1)
		}
		*l.at(l.chunks - 1) = chunk{}
	}
	l.chunks--
	switch {
	case l.chunks == 0:
		l.ring, l.first = nil, 0
	case len(l.ring) >= 8 && l.chunks*4 <= len(l.ring):
		l.resizeRing(len(l.ring) / 2)
	}
}

// PushBack appends v at the tail.
func (l *List) PushBack(v []byte) {
	var c *chunk
	if l.chunks > 0 {
		c = l.at(l.chunks - 1)
		if c.used()+entryLen(len(v)) > chunkMax {
			c = nil
		}
	}
	if c == nil {
		c = l.insertChunk(l.chunks)
	}
	c.put(c.hi, c.hi, v, gapBack)
	c.n++
	l.length++
}

// PushFront inserts v at the head.
func (l *List) PushFront(v []byte) {
	var c *chunk
	if l.chunks > 0 {
		c = l.at(0)
		if c.used()+entryLen(len(v)) > chunkMax {
			c = nil
		}
	}
	if c == nil {
		c = l.insertChunk(0)
	}
	c.put(c.lo, c.lo, v, gapFront)
	c.n++
	l.length++
}

// PopFront removes and returns the head value.
func (l *List) PopFront() ([]byte, bool) {
	if l.length == 0 {
		return nil, false
	}
	c := l.at(0)
	v, next := c.value(c.lo)
	out := append([]byte{}, v...)
	c.lo = next
	l.dropped(0, 1, gapFront)
	return out, true
}

// PopBack removes and returns the tail value.
func (l *List) PopBack() ([]byte, bool) {
	if l.length == 0 {
		return nil, false
	}
	c := l.at(l.chunks - 1)
	p := c.prev(c.hi)
	v, _ := c.value(p)
	out := append([]byte{}, v...)
	c.hi = p
	l.dropped(l.chunks-1, 1, gapBack)
	return out, true
}

// dropped books k entries just cut from an end of chunk ci: it drops the
// chunk when empty and, while the list is a single chunk, gives back
// memory. In longer lists the end chunks are left alone: they are about
// to be refilled or freed, and their slack is bounded by two chunks.
func (l *List) dropped(ci, k, gap int) {
	c := l.at(ci)
	c.n -= k
	l.length -= k
	switch {
	case c.n == 0:
		l.removeChunk(ci)
	case l.chunks == 1:
		c.shrink(gap)
	}
}

// index turns a Redis index (negative counts from the tail) into a
// position from the head.
func (l *List) index(i int) (int, bool) {
	if i < 0 {
		i += l.length
	}
	return i, i >= 0 && i < l.length
}

// seek returns the chunk holding entry i (0 <= i < length) and where the
// entry starts, walking from the nearer end of the list.
func (l *List) seek(i int) (ci, p int) {
	if i < l.length/2 {
		for ci = 0; i >= l.at(ci).n; ci++ {
			i -= l.at(ci).n
		}
	} else {
		j := l.length - 1 - i // position from the tail
		for ci = l.chunks - 1; j >= l.at(ci).n; ci-- {
			j -= l.at(ci).n
		}
		i = l.at(ci).n - 1 - j
	}
	return ci, l.at(ci).offset(i)
}

// Index returns the value at index i; negative indexes count from the
// tail (-1 is the last value).
func (l *List) Index(i int) ([]byte, bool) {
	i, ok := l.index(i)
	if !ok {
		return nil, false
	}
	ci, p := l.seek(i)
	v, _ := l.at(ci).value(p)
	return v, true
}

// Set replaces the value at index i (negative from the tail) and reports
// whether the index was in range.
func (l *List) Set(i int, v []byte) bool {
	i, ok := l.index(i)
	if !ok {
		return false
	}
	ci, p := l.seek(i)
	c := l.at(ci)
	c.put(p, c.next(p), v, gapBoth)
	l.fit(ci)
	return true
}

// Insert puts v before (or, with after set, after) the first value equal
// to pivot, as LINSERT does, and returns the new length, or -1 when no
// value equals pivot.
func (l *List) Insert(pivot []byte, after bool, v []byte) int {
	for ci := 0; ci < l.chunks; ci++ {
		c := l.at(ci)
		for p := c.lo; p < c.hi; {
			val, next := c.value(p)
			if bytes.Equal(val, pivot) {
				if after {
					p = next
				}
				c.put(p, p, v, gapBoth)
				c.n++
				l.length++
				l.fit(ci)
				return l.length
			}
			p = next
		}
	}
	return -1
}

// fit splits chunk ci in halves, recursively, until every piece is
// within chunkMax or holds a single value.
func (l *List) fit(ci int) {
	c := l.at(ci)
	if c.used() <= chunkMax || c.n < 2 {
		return
	}
	// Cut after the entry that crosses the middle, keeping both sides
	// non-empty.
	half := c.lo + c.used()/2
	p, k := c.lo, 0
	for k < c.n-1 && (k == 0 || p < half) {
		p = c.next(p)
		k++
	}
	rest := c.hi - p
	nb := make([]byte, bufSize(rest+rest/2))
	lo := (len(nb) - rest) / 2
	copy(nb[lo:], c.buf[p:c.hi])
	right := chunk{buf: nb, lo: lo, hi: lo + rest, n: c.n - k}
	c.hi, c.n = p, k
	c.shrink(gapBoth)
	*l.insertChunk(ci + 1) = right
	l.fit(ci + 1)
	l.fit(ci)
}

// Remove deletes values equal to v, as LREM does: the first count of them
// from the head when count > 0, the last -count from the tail when
// count < 0, all when count is 0. It returns how many it removed.
func (l *List) Remove(count int, v []byte) int {
	if l.owns(v) {
		v = append([]byte(nil), v...) // compaction moves list memory
	}
	limit := count // how many may still go; -1 for all
	if count == 0 {
		limit = -1
	} else if count < 0 {
		limit = l.length // -count might overflow; the list bounds it anyway
		if count > -l.length {
			limit = -count
		}
	}
	removed := 0
	if count >= 0 {
		for ci := 0; ci < l.chunks && limit != 0; ci++ {
			k := l.at(ci).removeFront(v, limit)
			removed += k
			if limit > 0 {
				limit -= k
			}
		}
	} else {
		for ci := l.chunks - 1; ci >= 0 && limit != 0; ci-- {
			k := l.at(ci).removeBack(v, limit)
			removed += k
			limit -= k
		}
	}
	if removed > 0 {
		l.length -= removed
		l.compact()
	}
	return removed
}

// removeFront deletes up to limit (all when negative) entries equal to v,
// scanning from the head, and slides the survivors towards the head.
func (c *chunk) removeFront(v []byte, limit int) int {
	removed := 0
	w := c.lo
	p := c.lo
	for p < c.hi && removed != limit {
		val, next := c.value(p)
		if bytes.Equal(val, v) {
			removed++
		} else {
			w += copy(c.buf[w:], c.buf[p:next])
		}
		p = next
	}
	w += copy(c.buf[w:], c.buf[p:c.hi])
	c.hi = w
	c.n -= removed
	return removed
}

// removeBack is removeFront scanning from the tail.
func (c *chunk) removeBack(v []byte, limit int) int {
	removed := 0
	w := c.hi
	e := c.hi
	for e > c.lo && removed != limit {
		s := c.prev(e)
		if val, _ := c.value(s); bytes.Equal(val, v) {
			removed++
		} else {
			w -= e - s
			copy(c.buf[w:], c.buf[s:e])
		}
		e = s
	}
	w -= e - c.lo
	copy(c.buf[w:], c.buf[c.lo:e])
	c.lo = w
	c.n -= removed
	return removed
}

// compact drops empty chunks, merges neighbours that together fill less
// than half a chunk, and shrinks mostly empty buffers, so deletions in
// the middle leave no trail of tiny chunks. O(chunks + bytes moved).
func (l *List) compact() {
	for ci := 0; ci < l.chunks; {
		c := l.at(ci)
		if c.n == 0 {
			l.removeChunk(ci)
			continue
		}
		if ci > 0 {
			prev := l.at(ci - 1)
			if prev.used()+c.used() <= chunkMax/2 {
				pos := prev.makeRoom(prev.hi, prev.hi, c.used(), gapBack)
				copy(prev.buf[pos:], c.buf[c.lo:c.hi])
				prev.n += c.n
				l.removeChunk(ci)
				continue
			}
		}
		c.shrink(gapBoth)
		ci++
	}
}

// Trim keeps only the values from start to stop inclusive, as LTRIM does:
// negative indexes count from the tail, and a range that selects nothing
// empties the list.
func (l *List) Trim(start, stop int) {
	n := l.length
	if start < 0 {
		start = max(start+n, 0)
	}
	if stop < 0 {
		stop += n
	}
	if start > stop || start >= n {
		l.dropFront(n)
		return
	}
	stop = min(stop, n-1)
	l.dropFront(start)
	l.dropBack(n - 1 - stop)
}

// dropFront removes k values from the head: whole chunks, then a cut
// inside the chunk where the kept values begin.
func (l *List) dropFront(k int) {
	for k > 0 && l.chunks > 0 {
		c := l.at(0)
		if c.n <= k {
			k -= c.n
			l.length -= c.n
			l.removeChunk(0)
			continue
		}
		c.lo = c.offset(k)
		c.n -= k
		l.length -= k
		c.shrink(gapFront)
		return
	}
}

// dropBack removes k values from the tail.
func (l *List) dropBack(k int) {
	for k > 0 && l.chunks > 0 {
		c := l.at(l.chunks - 1)
		if c.n <= k {
			k -= c.n
			l.length -= c.n
			l.removeChunk(l.chunks - 1)
			continue
		}
		c.hi = c.offset(c.n - k)
		c.n -= k
		l.length -= k
		c.shrink(gapBack)
		return
	}
}

// Range calls fn for the values from index start to stop inclusive, in
// order, stopping early when fn returns false. Indexes are expected
// normalised (0 <= start <= stop); they are clamped to the list. Finding
// start walks from the nearer end, chunk by chunk: O(min(start, n-start)
// / values per chunk + values per chunk + k).
func (l *List) Range(start, stop int, fn func(v []byte) bool) {
	start = max(start, 0)
	stop = min(stop, l.length-1)
	if start > stop {
		return
	}
	ci, p := l.seek(start)
	for k := stop - start + 1; k > 0; {
		c := l.at(ci)
		for ; p < c.hi && k > 0; k-- {
			v, next := c.value(p)
			if !fn(v) {
				return
			}
			p = next
		}
		if ci++; ci < l.chunks {
			p = l.at(ci).lo
		}
	}
}

// Iterate calls fn with each value and its index from the head, walking
// from the head, or from the tail when fromTail is set, until fn returns
// false.
func (l *List) Iterate(fromTail bool, fn func(i int, v []byte) bool) {
	if !fromTail {
		i := 0
		for ci := 0; ci < l.chunks; ci++ {
			c := l.at(ci)
			for p := c.lo; p < c.hi; i++ {
				v, next := c.value(p)
				if !fn(i, v) {
					return
				}
				p = next
			}
		}
		return
	}
	i := l.length - 1
	for ci := l.chunks - 1; ci >= 0; ci-- {
		c := l.at(ci)
		for e := c.hi; e > c.lo; i-- {
			s := c.prev(e)
			v, _ := c.value(s)
			if !fn(i, v) {
				return
			}
			e = s
		}
	}
}

// Pos returns the indexes (from the head) of values equal to v, as LPOS
// does: rank 1 starts with the first match from the head, rank 2 with
// the second, rank -1 with the first from the tail and so on; count
// caps the matches returned (0 for all); maxlen caps how many values are
// compared (0 for all). Rank 0 matches nothing.
func (l *List) Pos(v []byte, rank, count, maxlen int) []int {
	if rank == 0 || count < 0 || maxlen < 0 {
		return nil
	}
	skip := rank - 1
	if rank < 0 {
		skip = l.length // -rank might overflow; any skip past the list is the same
		if rank >= -l.length {
			skip = -rank - 1
		}
	}
	var out []int
	compared := 0
	l.Iterate(rank < 0, func(i int, val []byte) bool {
		if maxlen > 0 && compared == maxlen {
			return false
		}
		compared++
		if !bytes.Equal(val, v) {
			return true
		}
		if skip > 0 {
			skip--
			return true
		}
		out = append(out, i)
		return count == 0 || len(out) < count
	})
	return out
}

// owns reports whether v points into the list's memory.
func (l *List) owns(v []byte) bool {
	for ci := 0; ci < l.chunks; ci++ {
		if overlaps(v, l.at(ci).buf) {
			return true
		}
	}
	return false
}

// Clone returns an independent copy with compact chunks.
func (l *List) Clone() *List {
	c := &List{chunks: l.chunks, length: l.length}
	if l.chunks == 0 {
		return c
	}
	size := 1
	for size < l.chunks {
		size *= 2
	}
	c.ring = make([]chunk, size)
	for i := 0; i < l.chunks; i++ {
		c.ring[i] = l.at(i).clone()
	}
	return c
}

// MemoryUsage returns an estimate of the bytes the list holds: its chunk
// buffers, the ring and the list itself, rounded to the Go allocator's
// size classes. O(chunks).
func (l *List) MemoryUsage() int {
	total := int(unsafe.Sizeof(*l)) + allocSize(len(l.ring)*int(unsafe.Sizeof(chunk{})))
	for i := 0; i < l.chunks; i++ {
		total += allocSize(len(l.at(i).buf))
	}
	return total
}

var sizeClasses = [...]int{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}

// allocSize rounds n up to the Go allocator's size classes; larger objects
// take whole 8 KiB pages.
func allocSize(n int) int {
	if n <= 0 {
		return 0
	}
	if n > sizeClasses[len(sizeClasses)-1] {
		return (n + 8191) &^ 8191
	}
	for _, s := range sizeClasses {
		if s >= n {
			return s
		}
	}
	return n
}
