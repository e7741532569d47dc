package tau

import "math/bits"

// upperBound returns the first index i with a[i] > k. It probes powers of
// two without a data-dependent branch, so it costs no mispredictions.
func upperBound[T uint32 | uint64](a []T, k T) int {
	n := len(a)
	if n == 0 {
		return 0
	}
	// The count c of values <= k lies in [i, i+2·step] before each probe.
	step := 1 << (bits.Len(uint(n)) - 1)
	i := 0
	if a[step-1] <= k {
		i = n - step
	}
	for step >>= 1; step > 0; step >>= 1 {
		// The borrow of k - a[i+step-1] is 1 when that value is > k.
		_, gt := bits.Sub64(uint64(k), uint64(a[i+step-1]), 0)
		i += step & int(gt-1)
	}
	if a[i] <= k {
		i++
	}
	return i
}

// upperBound32 is upperBound for uint32s, with a cheaper comparison.
func upperBound32(a []uint32, k uint32) int {
	n := len(a)
	if n == 0 {
		return 0
	}
	step := 1 << (bits.Len(uint(n)) - 1)
	i := 0
	if a[step-1] <= k {
		i = n - step
	}
	for step >>= 1; step > 0; step >>= 1 {
		i += step & le32(a[i+step-1], k)
	}
	if a[i] <= k {
		i++
	}
	return i
}

// le32 returns all ones when x <= k, else zero.
func le32(x, k uint32) int { return int((int64(x) - int64(k) - 1) >> 63) }

// fenceStep32 uint32s make one cache line.
const fenceStep32 = 16

// fence32 returns every fenceStep32-th value of vals, or nil when there
// are no more than fenceStep32 of them.
func fence32(vals []uint32) []uint32 {
	if len(vals) <= fenceStep32 {
		return nil
	}
	f := make([]uint32, 0, (len(vals)+fenceStep32-1)/fenceStep32)
	for i := 0; i < len(vals); i += fenceStep32 {
		f = append(f, vals[i])
	}
	return f
}

// lastLE32 returns the index of the last of the sorted vals that is <= k,
// or -1. fence is fence32(vals): the search reads it, then one cache line
// of vals.
func lastLE32(vals, fence []uint32, k uint32) int {
	lo, hi := 0, len(vals)
	if fence != nil {
		g := upperBound32(fence, k) - 1
		if g < 0 {
			return -1
		}
		lo, hi = g*fenceStep32, min(hi, (g+1)*fenceStep32)
		if hi-lo == fenceStep32 {
			return lo + lastLE16((*[fenceStep32]uint32)(vals[lo:hi]), k)
		}
	}
	return lo + upperBound32(vals[lo:hi], k) - 1
}

// lastLE16 returns the index of the last of 16 sorted values that is <= k,
// given that the first is: four probes, without branches.
func lastLE16(a *[16]uint32, k uint32) int {
	i := 8 & le32(a[8], k)
	i += 4 & le32(a[(i+4)&15], k)
	i += 2 & le32(a[(i+2)&15], k)
	i += 1 & le32(a[(i+1)&15], k)
	return i
}

// upperBoundNear is upperBound for a sorted a, starting at the index
// linear interpolation between a's ends gives for k: it gallops from there
// in doubling steps until it brackets the answer, then searches the
// bracket. O(log d) for a guess d places off, so O(1) when the values grow
// at a steady pace and O(log n) at worst.
func upperBoundNear[T uint32 | uint64](a []T, k T) int {
	n := len(a)
	if n == 0 {
		return 0
	}
	first, last := a[0], a[n-1]
	switch {
	case k < first:
		return 0
	case k >= last:
		return n
	}
	// (k-first)/(last-first) of the way through, in 128 bits. The high
	// word is below the divisor as k-first < last-first and n < 2^63.
	h, l := bits.Mul64(uint64(k-first), uint64(n-1))
	q, _ := bits.Div64(h, l, uint64(last-first))
	g := int(q)
	if a[g] <= k {
		// The answer is in (g, n); probe g+1, g+2, g+4, ...
		lo, step := g+1, 1
		for {
			p := lo + step - 1
			if p >= n {
				return lo + upperBound(a[lo:n], k)
			}
			if a[p] > k {
				return lo + upperBound(a[lo:p], k)
			}
			lo, step = p+1, step*2
		}
	}
	// The answer is in [0, g]; probe g-1, g-2, g-4, ...
	hi, step := g, 1
	for {
		p := hi - step
		if p < 0 {
			return upperBound(a[:hi], k)
		}
		if a[p] <= k {
			return p + 1 + upperBound(a[p+1:hi], k)
		}
		hi, step = p, step*2
	}
}
