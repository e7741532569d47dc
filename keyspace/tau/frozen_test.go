package tau

import (
	"math"
	"math/rand/v2"
	"testing"
)

// rect is a history rectangle for the packed-node tests.
type rect struct {
	from, to   uint64
	born, died uint32
}

// randomNode fills an open node of level l and prefix p with n disjoint
// rectangles whose lives straddle the node's middle, spread over span
// nanoseconds of valid time from base.
func randomNode(rng *rand.Rand, l, p, n int, base, span uint64) (*openNode, []rect) {
	o := newOpenNode(p)
	vbase, half := uint32(p)<<(l+1), uint32(1)<<l
	step := span / uint64(n)
	var rs []rect
	for i := 0; i < n; i++ {
		from := base + uint64(i)*step + rng.Uint64N(step/2)
		to := from + 1 + rng.Uint64N(step/2)
		if rng.IntN(4) == 0 && i+1 < n {
			to = base + uint64(i+1)*step // touching the next one
		}
		r := rect{from, to, vbase + rng.Uint32N(half), vbase + half + 1 + rng.Uint32N(half)}
		rs = append(rs, r)
	}
	for _, i := range rng.Perm(n) { // insertion order does not matter
		r := rs[i]
		id := uint32(len(o.rec.to))
		o.rec.to = append(o.rec.to, r.to)
		o.rec.born = append(o.rec.born, r.born)
		o.rec.died = append(o.rec.died, r.died)
		o.tree.insert(r.from, id)
	}
	return o, rs
}

func TestFrozenNode(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	for _, c := range []struct {
		l, p, n    int
		base, span uint64
	}{
		{0, 5, 1, 100, 10},
		{3, 1, 31, 0, 1000},
		{7, 9, 33, 1e12, 1e6},
		{9, 2, 1100, 1e12, 1e7},             // two skip levels
		{15, 1, 500, 0, math.MaxUint32},     // last level with packed lives
		{16, 3, 700, 5, math.MaxUint32 + 1}, // lives in two words, wide times
		{20, 0, 40, math.MaxUint64 - 1e15, 1e15},
		{29, 0, 200, 0, math.MaxUint64 - 1},
	} {
		o, rs := randomNode(rng, c.l, c.p, c.n, c.base, c.span)
		f := newFrozen(c.l, o)
		if f.n != c.n {
			t.Fatalf("level %d: %d rectangles, want %d", c.l, f.n, c.n)
		}
		if narrow := rs[c.n-1].to-rs[0].from <= math.MaxUint32; narrow != (f.from32 != nil) {
			t.Errorf("level %d: narrow %v, packed narrow %v", c.l, narrow, f.from32 != nil)
		}
		if got, want := f.bytes(), frozenBytes(f); got != want {
			t.Errorf("level %d: bytes %d, counted %d", c.l, got, want)
		}
		for i, r := range rs {
			born, died := f.life(i)
			if f.fromAt(i) != r.from || f.to(i) != r.to || born != r.born || died != r.died {
				t.Fatalf("level %d: rectangle %d is [%d,%d)x[%d,%d), want %+v", c.l, i, f.fromAt(i), f.to(i), born, died, r)
			}
		}
		// seekLE at, around and between the endpoints.
		probe := func(x uint64) {
			want := -1
			for i, r := range rs {
				if r.from <= x {
					want = i
				}
			}
			if got := f.seekLE(x); got != want {
				t.Fatalf("level %d: seekLE(%d) = %d, want %d", c.l, x, got, want)
			}
		}
		probe(0)
		probe(math.MaxUint64)
		for _, r := range rs {
			probe(r.from)
			probe(r.from - 1)
			probe(r.to)
			probe(r.to - 1)
		}
		// seekWhere by born (versions before the middle) and by died
		// (from the middle on), from every start.
		vbase, half := uint32(c.p)<<(c.l+1), uint32(1)<<c.l
		for q := 0; q < 40; q++ {
			m := vbase + rng.Uint32N(2*half)
			hiMax, loMax := uint32(lowMask), uint32(lowMask)
			if m < vbase+half {
				hiMax = m
			} else {
				loMax = ^(m + 1)
			}
			for i := 0; i <= c.n; i += 1 + rng.IntN(7) {
				want := c.n
				for j := i; j < c.n; j++ {
					if rs[j].born <= m && m < rs[j].died {
						want = j
						break
					}
				}
				if got := f.seekWhere(i, hiMax, loMax); got != want {
					t.Fatalf("level %d: seekWhere(%d) alive at %d = %d, want %d", c.l, i, m, got, want)
				}
			}
		}
	}
}

func frozenBytes(f *frozen) int {
	b := 8 + 7*24 + 24 + 4 + 4 + 8 // base, seven slices, sums header, vbase, half, n
	b += (len(f.from32)+len(f.to32)+len(f.lives)+len(f.fence32))*4 + (len(f.from64)+len(f.to64)+len(f.fence64))*8
	for _, s := range f.sums {
		b += 24 + len(s)*8
	}
	return b
}
