package tau

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestColumnPacking checks packed and unpacked columns against their
// values, and upperBound against a linear count.
func TestColumnPacking(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	for _, c := range []struct {
		base, span uint64
		packed     bool
	}{
		{0, 10, true},
		{1e18, math.MaxUint32, true},
		{1e18, math.MaxUint32 + 1, false},
		{math.MaxUint64 - 1000, 1000, true},
		{0, math.MaxUint64, false},
	} {
		vals := []uint64{c.base, c.base + c.span}
		for range 100 {
			vals = append(vals, c.base+rng.Uint64N(c.span)+1)
		}
		sorted := slices.Sorted(slices.Values(vals))
		col := column{w64: append([]uint64(nil), sorted...)}
		col.pack()
		if (col.w32 != nil) != c.packed {
			t.Fatalf("span %d: packed %v, want %v", c.span, col.w32 != nil, c.packed)
		}
		if want := len(sorted) * 4; c.packed && col.bytes() != want {
			t.Fatalf("span %d: %d bytes, want %d", c.span, col.bytes(), want)
		}
		for j, v := range sorted {
			if col.at(j) != v {
				t.Fatalf("span %d: at(%d) = %d, want %d", c.span, j, col.at(j), v)
			}
		}
		probes := []uint64{0, math.MaxUint64, c.base - 1, c.base + c.span + 1}
		for _, v := range sorted {
			probes = append(probes, v-1, v, v+1)
		}
		for _, k := range probes {
			want := 0
			for _, v := range sorted {
				if v <= k {
					want++
				}
			}
			if got := col.upperBoundNear(k); got != want {
				t.Fatalf("span %d: upperBoundNear(%d) = %d, want %d", c.span, k, got, want)
			}
		}
	}
}

// TestChunkPacksWhenComplete checks that a complete chunk packs what fits,
// keeps what does not, and still answers the same.
func TestChunkPacksWhenComplete(t *testing.T) {
	for _, wide := range []bool{false, true} {
		s := New()
		for i := range chunkSize + 1 {
			valid := uint64(1e15 + i*1000)
			expiry := valid + 5000
			if wide && i == 7 {
				expiry = Inf
			}
			mustAppend(t, s, uint64(1e18+i), valid, expiry, string(rune('a'+i%26)))
		}
		c := s.chunks[0]
		if c.tx.w32 == nil || c.end.w32 == nil || (c.valid32 == nil) != wide {
			t.Fatalf("wide %v: packed tx %v validities %v end %v", wide, c.tx.w32 != nil, c.valid32 != nil, c.end.w32 != nil)
		}
		if s.chunks[1].tx.w32 != nil {
			t.Fatalf("the filling chunk is packed")
		}
		for i := range chunkSize + 1 {
			valid := uint64(1e15 + i*1000)
			// At valid+999 the Tau i and its predecessors up to 4 back
			// overlap; the last one wins.
			if got := atString(s, valid+999); got != string(rune('a'+i%26)) {
				t.Fatalf("wide %v: At(%d) = %q", wide, valid+999, got)
			}
			if d, ok := s.AtAsOf(valid, uint64(1e18+i)); !ok || string(d) != string(rune('a'+i%26)) {
				t.Fatalf("wide %v: AtAsOf(%d, Tau %d) = %q %v", wide, valid, i, d, ok)
			}
		}
	}
}
