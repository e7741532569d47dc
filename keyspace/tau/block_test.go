package tau

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBlockPaint checks block paintings against a direct scan of the
// block's Taus, narrow and wide, at and around every endpoint.
func TestBlockPaint(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	for _, c := range []struct {
		w           int
		base, space uint64
		narrow      bool
	}{
		{128, 1e12, 1e6, true},
		{128, 0, 50, true},
		{16, 1e18, math.MaxUint32 / 2, true},
		{64, 0, math.MaxUint64 / 2, false},
		{4, math.MaxUint64 - 100, 50, true},
	} {
		s := &Schedule{win: c.w}
		for i := range chunkSize {
			v := c.base + rng.Uint64N(c.space)
			e := v + 1 + rng.Uint64N(min(c.space/4+1, math.MaxUint64-v))
			if c.base == math.MaxUint64-100 && rng.IntN(5) == 0 {
				e = Inf
			}
			if err := s.Append(uint64(i+1), v, e, []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		ch := s.chunks[0]
		for b := range chunkSize / c.w {
			p := &ch.blocks[b]
			if !p.complete() || (p.from32 != nil) != c.narrow {
				t.Fatalf("w %d block %d: complete %v narrow %v", c.w, b, p.complete(), p.from32 != nil)
			}
			var probes []uint64
			for k := b * c.w; k < (b+1)*c.w; k++ {
				for _, x := range []uint64{ch.validAt(k), ch.expiryAt(k)} {
					probes = append(probes, x-1, x, x+1)
				}
			}
			probes = append(probes, 0, math.MaxUint64)
			for _, x := range probes {
				want := -1
				for k := (b+1)*c.w - 1; k >= b*c.w; k-- {
					if ch.validAt(k) <= x && x < ch.expiryAt(k) {
						want = k - b*c.w
						break
					}
				}
				if got := p.at(x); got != want {
					t.Fatalf("w %d block %d: at(%d) = %d, want %d", c.w, b, x, got, want)
				}
			}
			for i := 1; i < len(p.tau); i++ {
				if p.tau[i] == p.tau[i-1] {
					t.Fatalf("w %d block %d: pieces %d and %d show the same Tau", c.w, b, i-1, i)
				}
			}
			if p.tau[len(p.tau)-1] != noTau {
				t.Fatalf("w %d block %d: last piece is not a gap", c.w, b)
			}
		}
	}
}
