package zset

import "math/rand/v2"

// RandomMember returns a uniformly chosen member, or ok false when the set
// is empty. O(log n).
func (z *ZSet) RandomMember() (member string, score float64, ok bool) {
	if z.length == 0 {
		return "", 0, false
	}
	return z.At(rand.IntN(z.length))
}

// Sample calls fn for count distinct members chosen uniformly at random,
// in random order (fewer when the set is smaller), as ZRANDMEMBER with a
// positive count needs. It is a partial Fisher-Yates shuffle over ranks:
// O(count log n) time and O(count) extra memory whatever the set size.
// Iteration stops early when fn returns false.
func (z *ZSet) Sample(count int, fn func(member string, score float64) bool) {
	count = min(count, z.length)
	if count <= 0 {
		return
	}
	// moved[i] is the rank now at shuffle position i, for the positions
	// the shuffle has touched; untouched positions hold their own rank.
	moved := make(map[int]int, count)
	at := func(i int) int {
		if r, ok := moved[i]; ok {
			return r
		}
		return i
	}
	for i := 0; i < count; i++ {
		j := i + rand.IntN(z.length-i)
		ri, rj := at(i), at(j)
		moved[j] = ri
		moved[i] = rj
		x := z.nodeAt(rj)
		if !fn(x.member, x.score) {
			return
		}
	}
}
