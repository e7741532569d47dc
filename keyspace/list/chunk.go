package list

import (
	"encoding/binary"
	"unsafe"
)

// A chunk packs entries back to back in one byte buffer, like a Redis
// listpack: each entry is uvarint(len) + value + the same uvarint bytes
// reversed, so the list can be walked both ways. Entries live in
// buf[lo:hi]; the free space on both sides lets pushes at either end run
// in amortised O(1).
type chunk struct {
	buf    []byte
	lo, hi int
	n      int // entries
}

const (
	// chunkMax is how many bytes of entries a chunk holds before a new one
	// is started, the 8 KiB of Redis's default list-max-listpack-size -2.
	// A single larger value gets a chunk of its own.
	chunkMax = 8192
	// chunkMin is the smallest buffer a chunk allocates.
	chunkMin = 32
)

func uvarintLen(n int) int {
	k := 1
	for n >= 0x80 {
		n >>= 7
		k++
	}
	return k
}

// entryLen is the encoded size of a value of n bytes.
func entryLen(n int) int { return 2*uvarintLen(n) + n }

// putEntry encodes v into dst, which is exactly entryLen(len(v)) bytes.
func putEntry(dst, v []byte) {
	h := binary.PutUvarint(dst, uint64(len(v)))
	copy(dst[h:], v)
	t := dst[h+len(v):]
	for i := 0; i < h; i++ {
		t[i] = dst[h-1-i]
	}
}

// value returns the value of the entry starting at p and where the next
// entry starts. The result is capped so appending to it cannot overwrite
// the next entry.
func (c *chunk) value(p int) (v []byte, next int) {
	n, h := binary.Uvarint(c.buf[p:c.hi])
	start := p + h
	end := start + int(n)
	return c.buf[start:end:end], end + h
}

// prev returns where the entry that ends at e starts.
func (c *chunk) prev(e int) int {
	var n, shift, h int
	for {
		b := c.buf[e-1-h]
		n |= int(b&0x7f) << shift
		h++
		if b < 0x80 {
			break
		}
		shift += 7
	}
	return e - 2*h - n
}

// next returns where the entry after the one at p starts.
func (c *chunk) next(p int) int {
	n, h := binary.Uvarint(c.buf[p:c.hi])
	return p + 2*h + int(n)
}

func (c *chunk) used() int { return c.hi - c.lo }

// offset returns where entry i of the chunk starts, walking from the
// nearer end.
func (c *chunk) offset(i int) int {
	if i <= c.n/2 {
		p := c.lo
		for ; i > 0; i-- {
			p = c.next(p)
		}
		return p
	}
	e := c.hi
	for k := c.n - i; k > 0; k-- {
		e = c.prev(e)
	}
	return e
}

// bufSize picks a buffer size for need bytes: powers of two from chunkMin
// (so growth is geometric) up to chunkMax, exact beyond.
func bufSize(need int) int {
	if need > chunkMax {
		return need
	}
	size := chunkMin
	for size < need {
		size *= 2
	}
	return size
}

// Where a re-allocated buffer leaves its free space.
const (
	gapBack  = iota // after the entries: the chunk grows at its back
	gapFront        // before the entries: the chunk grows at its front
	gapBoth         // split between both sides: the chunk grows inside
)

// put replaces the bytes [a, b) of the chunk with an encoding of v. Entry
// counts are the caller's business.
func (c *chunk) put(a, b int, v []byte, gap int) {
	if overlaps(v, c.buf) {
		v = append([]byte(nil), v...) // moving entries could clobber v
	}
	size := entryLen(len(v))
	pos := c.makeRoom(a, b, size, gap)
	putEntry(c.buf[pos:pos+size], v)
}

// makeRoom turns [a, b) into a hole of size bytes and returns where the
// hole starts. It moves the shorter side of the hole into the free space
// next to it. At an end of the chunk the shorter side is empty and the
// move free; when that end is full the entries are laid out again in a
// buffer with at least half their size free on the growing side, which
// keeps pushes amortised O(1). Inside the chunk, it moves whichever side
// has room, as a listpack insert would.
func (c *chunk) makeRoom(a, b, size, gap int) int {
	delta := size - (b - a)
	left, right := a-c.lo, c.hi-b
	if delta <= 0 {
		if left < right {
			copy(c.buf[c.lo-delta:], c.buf[c.lo:a])
			c.lo -= delta
			return a - delta
		}
		copy(c.buf[a+size:], c.buf[b:c.hi])
		c.hi += delta
		return a
	}
	frontRoom := c.lo >= delta
	backRoom := len(c.buf)-c.hi >= delta
	inside := left > 0 && right > 0
	switch {
	case frontRoom && (left <= right || (inside && !backRoom)):
		copy(c.buf[c.lo-delta:], c.buf[c.lo:a])
		c.lo -= delta
		return a - delta
	case backRoom && (right <= left || inside):
		copy(c.buf[b+delta:], c.buf[b:c.hi])
		c.hi += delta
		return a
	}
	used := c.used() + delta
	target := used + used/2
	if target > chunkMax {
		target = max(used, chunkMax)
	}
	nb := make([]byte, bufSize(target))
	lo := 0
	switch gap {
	case gapFront:
		lo = len(nb) - used
	case gapBoth:
		lo = (len(nb) - used) / 2
	}
	copy(nb[lo:], c.buf[c.lo:a])
	pos := lo + left
	copy(nb[pos+size:], c.buf[b:c.hi])
	c.buf, c.lo, c.hi = nb, lo, lo+used
	return pos
}

// shrink gives back a buffer that is less than a quarter used, keeping the
// free space on the side given. Halving at a quarter keeps re-allocation
// amortised O(1) however pushes and pops alternate.
func (c *chunk) shrink(gap int) {
	if len(c.buf) <= chunkMin || c.used()*4 >= len(c.buf) {
		return
	}
	used := c.used()
	nb := make([]byte, bufSize(used*2))
	lo := 0
	switch gap {
	case gapFront:
		lo = len(nb) - used
	case gapBoth:
		lo = (len(nb) - used) / 2
	}
	copy(nb[lo:], c.buf[c.lo:c.hi])
	c.buf, c.lo, c.hi = nb, lo, lo+used
}

// clone returns a compact copy.
func (c *chunk) clone() chunk {
	nb := make([]byte, c.used())
	copy(nb, c.buf[c.lo:c.hi])
	return chunk{buf: nb, lo: 0, hi: len(nb), n: c.n}
}

// overlaps reports whether a and b share memory. A value read from the list
// (Index, Range) and written back into it would otherwise be moved under
// its own feet.
func overlaps(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	a0 := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
	b0 := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return a0 < b0+uintptr(len(b)) && b0 < a0+uintptr(len(a))
}
