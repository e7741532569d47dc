package tau

import (
	"math"
	"slices"
	"unsafe"
)

// chunk holds up to chunkSize consecutive Taus in columns. Only the
// schedule's last chunk fills; its columns are full uint64s. A complete
// chunk never changes again, and is packed where the values allow: tx and
// data ends as uint32 offsets from the smallest value when they span less
// than 2^32, valid and expiry as uint32 offsets from the smallest valid
// when every expiry lies less than 2^32 past it. Taus appended within
// about four seconds of each other, valid within about four seconds of
// each other, take 16 bytes each instead of 32.
type chunk struct {
	n             int
	tx            column
	valid, expiry []uint64 // filling, or not packed
	span          uint64   // packed: valid = span + valid32, expiry = span + expiry32
	valid32       []uint32
	expiry32      []uint32
	end           column // end of each Tau's data in buf
	buf           []byte
	blocks        []blockPaint // chunkSize/W paintings, filled as blocks complete
}

// column is one column of a chunk: full values in w64, or base plus the
// offsets in w32.
type column struct {
	base uint64
	w32  []uint32
	w64  []uint64
}

func (c *column) at(j int) uint64 {
	if c.w32 != nil {
		return c.base + uint64(c.w32[j])
	}
	return c.w64[j]
}

func (c *column) bytes() int { return cap(c.w32)*4 + cap(c.w64)*8 }

// pack stores the column as offsets if they fit in 32 bits.
func (c *column) pack() {
	if len(c.w64) == 0 {
		return
	}
	lo, hi := slices.Min(c.w64), slices.Max(c.w64)
	if hi-lo > math.MaxUint32 {
		return
	}
	w := make([]uint32, len(c.w64))
	for j, v := range c.w64 {
		w[j] = uint32(v - lo)
	}
	c.base, c.w32, c.w64 = lo, w, nil
}

// upperBoundNear returns the first j with at(j) > k; the column must be
// sorted. See upperBoundNear.
func (c *column) upperBoundNear(k uint64) int {
	if c.w32 == nil {
		return upperBoundNear(c.w64, k)
	}
	if k < c.base {
		return 0
	}
	return upperBoundNear(c.w32, uint32(min(k-c.base, math.MaxUint32)))
}

func (c *column) clone() column {
	return column{base: c.base, w32: slices.Clip(slices.Clone(c.w32)), w64: slices.Clip(slices.Clone(c.w64))}
}

func (c *chunk) bytes() int {
	return int(unsafe.Sizeof(*c)) + c.tx.bytes() + (cap(c.valid)+cap(c.expiry))*8 +
		(cap(c.valid32)+cap(c.expiry32))*4 + c.end.bytes() + cap(c.buf) + blocksBytes(c.blocks)
}

func (c *chunk) validAt(j int) uint64 {
	if c.valid32 != nil {
		return c.span + uint64(c.valid32[j])
	}
	return c.valid[j]
}

func (c *chunk) expiryAt(j int) uint64 {
	if c.valid32 != nil {
		return c.span + uint64(c.expiry32[j])
	}
	return c.expiry[j]
}

// packValidity stores the validities as offsets if they fit in 32 bits.
func (c *chunk) packValidity() {
	lo, hi := slices.Min(c.valid), slices.Max(c.expiry)
	if hi-lo > math.MaxUint32 {
		return
	}
	c.span = lo
	c.valid32 = make([]uint32, c.n)
	c.expiry32 = make([]uint32, c.n)
	for j := range c.n {
		c.valid32[j] = uint32(c.valid[j] - lo)
		c.expiry32[j] = uint32(c.expiry[j] - lo)
	}
	c.valid, c.expiry = nil, nil
}

// push appends one Tau to a chunk that is not complete.
func (c *chunk) push(tx, valid, expiry uint64, data []byte) {
	if c.n == cap(c.tx.w64) {
		nc := growCap(cap(c.tx.w64), c.n+1, chunkSize)
		c.tx.w64 = resize(c.tx.w64, nc)
		c.valid = resize(c.valid, nc)
		c.expiry = resize(c.expiry, nc)
		c.end.w64 = resize(c.end.w64, nc)
	}
	c.buf = append(c.buf, data...)
	c.tx.w64 = append(c.tx.w64, tx)
	c.valid = append(c.valid, valid)
	c.expiry = append(c.expiry, expiry)
	c.end.w64 = append(c.end.w64, uint64(len(c.buf)))
	c.n++
	if c.n == chunkSize {
		// Complete: it will never grow, so pack it and drop the arena's
		// slack.
		c.tx.pack()
		c.packValidity()
		c.end.pack()
		if cap(c.buf) > len(c.buf) {
			c.buf = append([]byte(nil), c.buf...)
		}
	}
}

// resize returns a copy of a with capacity exactly c.
func resize(a []uint64, c int) []uint64 {
	b := make([]uint64, len(a), c)
	copy(b, a)
	return b
}

// data returns Tau j's data, capped so that appending to it cannot
// overwrite a neighbour.
func (c *chunk) data(j int) []byte {
	var lo uint64
	if j > 0 {
		lo = c.end.at(j - 1)
	}
	hi := c.end.at(j)
	return c.buf[lo:hi:hi]
}

// lastContaining returns the last of Taus a..b (chunk positions) whose
// validity contains t, or -1.
func (c *chunk) lastContaining(t uint64, a, b int) int {
	// valid <= t < expiry as one unsigned comparison, t - valid <
	// expiry - valid: predictable, unlike two.
	if c.valid32 == nil {
		vs := c.valid[a : b+1]
		es := c.expiry[a : b+1]
		es = es[:len(vs)]
		for j := len(vs) - 1; j >= 0; j-- {
			if t-vs[j] < es[j]-vs[j] {
				return a + j
			}
		}
		return -1
	}
	if t < c.span || t-c.span > math.MaxUint32 {
		return -1 // before every valid or at or after every expiry
	}
	// In 32 bits: x - valid wraps to at least 2^32 - valid > expiry - valid
	// when x < valid, since expiry < 2^32.
	x := uint32(t - c.span)
	vs := c.valid32[a : b+1]
	es := c.expiry32[a : b+1]
	es = es[:len(vs)]
	j := len(vs)
	// Four at a time: the loop's own work is a good part of the cost.
	for ; j >= 4; j -= 4 {
		v, e := vs[j-4:j:j], es[j-4:j:j]
		if x-v[3] < e[3]-v[3] {
			return a + j - 1
		}
		if x-v[2] < e[2]-v[2] {
			return a + j - 2
		}
		if x-v[1] < e[1]-v[1] {
			return a + j - 3
		}
		if x-v[0] < e[0]-v[0] {
			return a + j - 4
		}
	}
	for j--; j >= 0; j-- {
		if x-vs[j] < es[j]-vs[j] {
			return a + j
		}
	}
	return -1
}

// clone returns a copy of a chunk that is not complete (not packed).
func (c *chunk) clone() *chunk {
	return &chunk{
		n:      c.n,
		tx:     c.tx.clone(),
		valid:  slices.Clip(slices.Clone(c.valid)),
		expiry: slices.Clip(slices.Clone(c.expiry)),
		end:    c.end.clone(),
		buf:    slices.Clip(slices.Clone(c.buf)),
		// Paintings of complete blocks never change: shared.
		blocks: append(make([]blockPaint, 0, len(c.blocks)), c.blocks...),
	}
}
