package tau

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSearches checks upperBound and upperBoundNear against a linear count
// on steady, bursty and repeated-looking value sets of every small size.
func TestSearches(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 15))
	for n := 0; n <= 140; n++ {
		for shape := range 3 {
			a := make([]uint64, n)
			var v uint64
			for i := range a {
				switch shape {
				case 0:
					v += 100
				case 1:
					v += 1 + rng.Uint64N(3)
					if rng.IntN(10) == 0 {
						v += 1 << 40 // a burst far away
					}
				default:
					v = math.MaxUint64 - uint64(n-i)
				}
				a[i] = v
			}
			a32 := make([]uint32, n)
			for i, x := range a {
				a32[i] = uint32(x)
			}
			sorted32 := slices.IsSorted(a32)
			probes := []uint64{0, math.MaxUint64}
			for _, x := range a {
				probes = append(probes, x-1, x, x+1)
			}
			for _, k := range probes {
				want := 0
				for _, x := range a {
					if x <= k {
						want++
					}
				}
				if got := upperBound(a, k); got != want {
					t.Fatalf("n %d shape %d: upperBound(%d) = %d, want %d", n, shape, k, got, want)
				}
				if got := upperBoundNear(a, k); got != want {
					t.Fatalf("n %d shape %d: upperBoundNear(%d) = %d, want %d", n, shape, k, got, want)
				}
				if !sorted32 {
					continue
				}
				k32, want32 := uint32(k), 0
				for _, x := range a32 {
					if x <= k32 {
						want32++
					}
				}
				if got := upperBound(a32, k32); got != want32 {
					t.Fatalf("n %d shape %d: upperBound32(%d) = %d, want %d", n, shape, k32, got, want32)
				}
				if got := upperBoundNear(a32, k32); got != want32 {
					t.Fatalf("n %d shape %d: upperBoundNear32(%d) = %d, want %d", n, shape, k32, got, want32)
				}
				if got := upperBound32(a32, k32); got != want32 {
					t.Fatalf("n %d shape %d: upperBound32(%d) = %d, want %d", n, shape, k32, got, want32)
				}
				if got := lastLE32(a32, fence32(a32), k32); got != want32-1 {
					t.Fatalf("n %d shape %d: lastLE32(%d) = %d, want %d", n, shape, k32, got, want32-1)
				}
			}
		}
	}
}
