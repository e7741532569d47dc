package commands

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// pqsort must leave positions lo..hi exactly as a full sort would, for
// every range, with many equal keys, and sort everything when the range is
// the whole slice.
func TestPQSortRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 2000; trial++ {
		n := 1 + rng.IntN(120)
		keys := make([]int, n)
		for i := range keys {
			keys[i] = rng.IntN(1 + n/3)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		lo := rng.IntN(n)
		hi := lo + rng.IntN(n-lo)
		got := slices.Clone(keys)
		pqsort(n, func(i, j int) int { return got[i] - got[j] }, func(i, j int) { got[i], got[j] = got[j], got[i] }, lo, hi)
		if !slices.Equal(got[lo:hi+1], want[lo:hi+1]) {
			t.Fatalf("n=%d range %d..%d: %v, want %v (input %v)", n, lo, hi, got[lo:hi+1], want[lo:hi+1], keys)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("pqsort lost or duplicated elements of %v", keys)
		}
		full := slices.Clone(keys)
		pqsort(n, func(i, j int) int { return full[i] - full[j] }, func(i, j int) { full[i], full[j] = full[j], full[i] }, 0, n-1)
		if !slices.Equal(full, want) {
			t.Fatalf("full range did not sort %v: %v", keys, full)
		}
	}
}
