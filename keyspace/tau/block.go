package tau

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"unsafe"
)

// blockPaint is the timeline that one block of W consecutive Taus (W the
// window, aligned to multiples of W) paints on its own, the last of them
// winning where they overlap: pieces sorted by start, each shown until the
// next one starts. tau is the Tau's position in the block, or noTau for a
// gap; the last piece is always a gap. Starts are uint32 offsets from base
// when the block's Taus span less than 2^32 ns (narrow).
//
// It answers "which of these W Taus is the last to contain t" with one
// search instead of a scan of W validities, which is what a query at a
// past version spent most of its time on when few of the recent Taus
// contain t.
type blockPaint struct {
	base   uint64
	from32 []uint32 // narrow
	fence  []uint32 // fence32(from32)
	from64 []uint64 // wide
	tau    []uint8  // empty until the block is complete
}

const noTau = 0xFF

func (p *blockPaint) complete() bool { return len(p.tau) > 0 }

func (p *blockPaint) bytes() int {
	return (cap(p.from32)+cap(p.fence))*4 + cap(p.from64)*8 + cap(p.tau)
}

// at returns the position of the last Tau of the block that contains t,
// or -1.
func (p *blockPaint) at(t uint64) int {
	var i int
	if p.from32 != nil {
		if t < p.base {
			return -1
		}
		// Every start is at most MaxUint32 from base, so a larger t
		// counts as that: it falls in the last piece, a gap.
		i = lastLE32(p.from32, p.fence, uint32(min(t-p.base, math.MaxUint32)))
	} else {
		i = upperBound(p.from64, t) - 1
	}
	if i < 0 || p.tau[i] == noTau {
		return -1
	}
	return int(p.tau[i])
}

// paintBlock returns the painting of Taus a..a+w-1 of chunk c (w <= 128).
// scratch is reused for the sweep's events and returned, possibly grown.
func paintBlock(c *chunk, a, w int, scratch []uint64) (blockPaint, []uint64) {
	lo, hi := uint64(math.MaxUint64), uint64(0)
	for k := range w {
		lo, hi = min(lo, c.validAt(a+k)), max(hi, c.expiryAt(a+k))
	}
	var froms []uint64
	var taus []uint8
	if hi-lo <= math.MaxUint32 {
		// Each event in one word, sorted as such: its position less lo,
		// whether it is a start, the Tau's position in the block.
		evs := scratch[:0]
		for k := range w {
			evs = append(evs, (c.validAt(a+k)-lo)<<8|1<<7|uint64(k), (c.expiryAt(a+k)-lo)<<8|uint64(k))
		}
		slices.Sort(evs)
		froms, taus = sweep(len(evs), func(i int) (uint64, int, bool) {
			e := evs[i]
			return lo + e>>8, int(e & 0x7F), e&0x80 != 0
		})
		scratch = evs
	} else {
		type event struct {
			at    uint64
			k     int
			start bool
		}
		evs := make([]event, 0, 2*w)
		for k := range w {
			evs = append(evs, event{c.validAt(a + k), k, true}, event{c.expiryAt(a + k), k, false})
		}
		slices.SortFunc(evs, func(x, y event) int { return cmp.Compare(x.at, y.at) })
		froms, taus = sweep(len(evs), func(i int) (uint64, int, bool) { return evs[i].at, evs[i].k, evs[i].start })
	}
	p := blockPaint{tau: slices.Clip(taus)}
	if hi-lo <= math.MaxUint32 {
		p.base = lo
		p.from32 = make([]uint32, len(froms))
		for i, f := range froms {
			p.from32[i] = uint32(f - lo)
		}
		p.fence = fence32(p.from32)
	} else {
		p.from64 = slices.Clip(froms)
	}
	return p, scratch
}

// sweep turns n events sorted by position (ev returns the position, the
// Tau's position in the block and whether the event is its start) into the
// pieces of a block painting: starts and the Tau shown, the last in effect
// winning.
func sweep(n int, ev func(int) (uint64, int, bool)) ([]uint64, []uint8) {
	var on [2]uint64 // positions in effect
	var froms []uint64
	var taus []uint8
	for i := 0; i < n; {
		at, _, _ := ev(i)
		for ; i < n; i++ {
			x, k, start := ev(i)
			if x != at {
				break
			}
			if start {
				on[k/64] |= 1 << (k % 64)
			} else {
				on[k/64] &^= 1 << (k % 64)
			}
		}
		latest := uint8(noTau)
		if on[1] != 0 {
			latest = uint8(64 + bits.Len64(on[1]) - 1)
		} else if on[0] != 0 {
			latest = uint8(bits.Len64(on[0]) - 1)
		}
		if len(taus) > 0 && taus[len(taus)-1] == latest {
			continue
		}
		froms = append(froms, at)
		taus = append(taus, latest)
	}
	return froms, taus
}

// blocksBytes is the memory of a chunk's block paintings.
func blocksBytes(blocks []blockPaint) int {
	b := cap(blocks) * int(unsafe.Sizeof(blockPaint{}))
	for i := range blocks {
		b += blocks[i].bytes()
	}
	return b
}

// recent returns the last Tau up to m that contains t among Taus
// W·(m/W-1)..m, which include the last W up to m: the painting of m's
// block tells whether any of its Taus contains t and, when the last that
// does is at most m, which one (else a scan of the block up to m does);
// the painting of the block before answers for it. all reports that the
// Taus searched reach back to the first.
func (s *Schedule) recent(t uint64, m int) (x uint32, ok, all bool) {
	w := s.window()
	start := m &^ (w - 1)
	c, base := s.chunks[m>>chunkBits], m&^chunkMask
	scan := true
	if p := &c.blocks[(start-base)/w]; p.complete() {
		k := p.at(t)
		if k >= 0 && start+k <= m {
			return uint32(start + k), true, false
		}
		scan = k >= 0
	}
	if scan {
		if j := c.lastContaining(t, start-base, m-base); j >= 0 {
			return uint32(base + j), true, false
		}
	}
	if start == 0 {
		return 0, false, true
	}
	prev := start - w
	c, base = s.chunks[prev>>chunkBits], prev&^chunkMask
	if k := c.blocks[(prev-base)/w].at(t); k >= 0 {
		return uint32(prev + k), true, false
	}
	return 0, false, prev == 0
}
