package tau

import (
	"math"
	"unsafe"
)

// frozen is a complete node of the history's version tree, packed: its
// rectangles in columns sorted by from, with no per-entry pointers or
// slack.
//
// Valid times are uint32 offsets from base when the node spans less than
// 2^32 ns (narrow), else full uint64s. Versions are relative to the node:
// every rectangle of the node at level l with versions from vbase has
// vbase <= born < vbase+half <= died-1 < vbase+2·half, half = 2^l. Up to
// level 15 born and died fit in 16 bits each and share one word of lives;
// above, they take two words, absolute.
//
// A search for t reads the fences first (one cache line for a node of 256
// rectangles), then one cache line of the from column.
//
// sums is a skip index for scans looking for rectangles alive at a version
// (rangeAt): sums[0][g] is the minimum over entries 32g..32g+31 of the
// summary (born, ^died) as in btree, sums[k][g] the minimum over
// sums[k-1][32g..32g+31]. The last level has at most 32 entries; nodes of
// up to 32 rectangles have none.
type frozen struct {
	base         uint64
	from32, to32 []uint32 // narrow: offsets from base
	from64, to64 []uint64 // wide
	lives        []uint32
	fence32      []uint32 // narrow: every fenceStep32-th from offset
	fence64      []uint64 // wide: every fenceStep64-th from
	sums         [][]uint64
	vbase, half  uint32
	n            int
}

const (
	skipBits = 5
	// A group of fenceStep64 uint64 is one cache line.
	fenceStep64 = 8
	skipFan     = 1 << skipBits

	// packedLifeMax is the largest half whose versions fit in 16 bits.
	packedLifeMax = 1 << 15
)

// newFrozen packs the open node o of level l.
func newFrozen(l int, o *openNode) *frozen {
	f := &frozen{n: o.tree.count, half: 1 << l, vbase: uint32(o.prefix) << (l + 1)}
	var c cursor
	lo, hi := uint64(math.MaxUint64), uint64(0)
	for ok := c.seekGE(&o.tree, 0); ok; ok = c.next() {
		lo = min(lo, c.key())
		hi = max(hi, o.rec.to[c.val()])
	}
	if f.n > 0 && hi-lo <= math.MaxUint32 {
		f.base = lo
		f.from32, f.to32 = make([]uint32, 0, f.n), make([]uint32, 0, f.n)
	} else {
		f.from64, f.to64 = make([]uint64, 0, f.n), make([]uint64, 0, f.n)
	}
	if f.half <= packedLifeMax {
		f.lives = make([]uint32, 0, f.n)
	} else {
		f.lives = make([]uint32, 0, 2*f.n)
	}
	for ok := c.seekGE(&o.tree, 0); ok; ok = c.next() {
		r := c.val()
		from, to, born, died := c.key(), o.rec.to[r], o.rec.born[r], o.rec.died[r]
		if f.from32 != nil {
			f.from32 = append(f.from32, uint32(from-f.base))
			f.to32 = append(f.to32, uint32(to-f.base))
		} else {
			f.from64 = append(f.from64, from)
			f.to64 = append(f.to64, to)
		}
		if f.half <= packedLifeMax {
			f.lives = append(f.lives, (born-f.vbase)<<16|(died-f.vbase-f.half))
		} else {
			f.lives = append(f.lives, born, died)
		}
	}
	f.buildFences()
	f.buildSums()
	return f
}

func (f *frozen) buildFences() {
	if f.from32 != nil {
		f.fence32 = fence32(f.from32)
	}
	if f.from64 != nil && f.n > fenceStep64 {
		f.fence64 = make([]uint64, 0, (f.n+fenceStep64-1)/fenceStep64)
		for i := 0; i < f.n; i += fenceStep64 {
			f.fence64 = append(f.fence64, f.from64[i])
		}
	}
}

func (f *frozen) buildSums() {
	count := f.n
	sum := f.sumOf
	for count > skipFan {
		groups := (count + skipFan - 1) / skipFan
		s := make([]uint64, groups)
		for g := range s {
			acc := uint64(emptySum)
			for i := g * skipFan; i < min(count, (g+1)*skipFan); i++ {
				acc = minSum(acc, sum(i))
			}
			s[g] = acc
		}
		f.sums = append(f.sums, s)
		sum = func(i int) uint64 { return s[i] }
		count = groups
	}
}

func (f *frozen) bytes() int {
	b := int(unsafe.Sizeof(*f)) + (cap(f.from32)+cap(f.to32)+cap(f.lives)+cap(f.fence32))*4 +
		(cap(f.from64)+cap(f.to64)+cap(f.fence64))*8
	for _, s := range f.sums {
		b += 24 + cap(s)*8
	}
	return b
}

func (f *frozen) fromAt(i int) uint64 {
	if f.from32 != nil {
		return f.base + uint64(f.from32[i])
	}
	return f.from64[i]
}

func (f *frozen) to(i int) uint64 {
	if f.to32 != nil {
		return f.base + uint64(f.to32[i])
	}
	return f.to64[i]
}

// life returns rectangle i's born and died.
func (f *frozen) life(i int) (born, died uint32) {
	if f.half <= packedLifeMax {
		w := f.lives[i]
		return f.vbase + w>>16, f.vbase + f.half + w&0xFFFF
	}
	return f.lives[2*i], f.lives[2*i+1]
}

func (f *frozen) sumOf(i int) uint64 {
	born, died := f.life(i)
	return uint64(born)<<32 | uint64(^died)
}

// seekLE returns the last rectangle with from <= t, or -1.
func (f *frozen) seekLE(t uint64) int {
	if f.from32 == nil {
		lo, hi := 0, f.n
		if f.fence64 != nil {
			g := upperBound(f.fence64, t) - 1
			if g < 0 {
				return -1
			}
			lo, hi = g*fenceStep64, min(f.n, (g+1)*fenceStep64)
		}
		return lo + upperBound(f.from64[lo:hi], t) - 1
	}
	if t < f.base {
		return -1
	}
	// Every offset is at most MaxUint32, so a larger t counts as that.
	d := uint32(min(t-f.base, math.MaxUint32))
	return lastLE32(f.from32, f.fence32, d)
}

// seekWhere returns the first rectangle at or after i whose summary passes
// (hiMax, loMax) (see passes), or f.n.
func (f *frozen) seekWhere(i int, hiMax, loMax uint32) int {
	// Level 0 holds the rectangles, level k >= 1 holds sums[k-1]. Climb
	// while the rest of the current group fails, then descend into the
	// first passing group.
	k := 0
	for {
		count := f.n
		if k > 0 {
			count = len(f.sums[k-1])
		}
		end := count
		if k < len(f.sums) {
			end = min(count, (i|(skipFan-1))+1)
		}
		for ; i < end; i++ {
			if passes(f.sumAt(k, i), hiMax, loMax) {
				return f.descendWhere(k, i, hiMax, loMax)
			}
		}
		if end == count {
			return f.n
		}
		// i is at the end of a group: at the level above, the group's
		// successor.
		k++
		i >>= skipBits
	}
}

func (f *frozen) sumAt(k, i int) uint64 {
	if k == 0 {
		return f.sumOf(i)
	}
	return f.sums[k-1][i]
}

// descendWhere returns the first passing rectangle under item i of level
// k, which passes.
func (f *frozen) descendWhere(k, i int, hiMax, loMax uint32) int {
	for ; k > 0; k-- {
		i <<= skipBits
		count := f.n
		if k > 1 {
			count = len(f.sums[k-2])
		}
		end := min(count, i+skipFan)
		for i < end-1 && !passes(f.sumAt(k-1, i), hiMax, loMax) {
			i++
		}
	}
	return i
}
