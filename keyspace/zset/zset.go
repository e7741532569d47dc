// Package zset is the sorted set behind sundial's Z* and GEO commands: a
// skip list with spans, ordered by (score, member bytes) exactly as Redis
// orders it, plus a member → node map for O(1) score lookups.
//
// Ranks are 0-based everywhere. Scores are float64 and NaN is never
// stored. A ZSet is not safe for concurrent use.
package zset

import "math"

// ZSet is a sorted set. The zero value is not usable; call New.
type ZSet struct {
	head    *node // sentinel; its height is level, its room headCap
	headCap int
	tail    *node
	level   int // levels in use, at least 1
	length  int
	dict    map[string]*node
	// nodeBytes is the estimated size of all nodes and member strings.
	nodeBytes int
	// peak is the most members the map has held: Go maps keep their
	// buckets when entries go, so the map's size follows peak, and
	// shrink rebuilds it once it is mostly empty.
	peak int
}

// Entry is one member of a sorted set with its score.
type Entry struct {
	Member string
	Score  float64
}

// New returns an empty sorted set.
func New() *ZSet {
	z := &ZSet{dict: make(map[string]*node)}
	z.head, z.headCap = allocNode(4)
	z.head.height, z.level = 1, 1
	return z
}

// Len returns the number of members.
func (z *ZSet) Len() int { return z.length }

// Score returns the score of member.
func (z *ZSet) Score(member string) (float64, bool) {
	n, ok := z.dict[member]
	if !ok {
		return 0, false
	}
	return n.score, true
}

// Add sets the score of member, inserting it when absent. added reports a
// new member; updated reports an existing member whose score changed
// (scores compare with ==, so -0 and 0 count as the same, as in Redis). A
// NaN score is refused: nothing changes and both results are false.
func (z *ZSet) Add(member string, score float64) (added, updated bool) {
	if math.IsNaN(score) {
		return false, false
	}
	if n, ok := z.dict[member]; ok {
		if n.score == score {
			return false, false
		}
		z.updateScore(n, score)
		return false, true
	}
	n := newNode(randomLevel(), member, score)
	z.link(n)
	z.dict[n.member] = n
	z.nodeBytes += footprint(n)
	z.peak = max(z.peak, z.length)
	return true, false
}

// updateScore moves n to the place of its new score, reusing the node.
func (z *ZSet) updateScore(n *node, score float64) {
	// When the node keeps its position, only the score changes.
	if (n.prev == nil || after(n.prev, score, n.member)) &&
		(n.lvl()[0].next == nil || before(score, n.member, n.lvl()[0].next)) {
		n.score = score
		return
	}
	z.removeNode(n)
	n.score = score
	n.prev = nil
	z.link(n)
}

// shrink rebuilds the map once it holds under an eighth of its peak, so a
// set that grew and then emptied gives its memory back. The rebuild costs
// O(n) after at least 7n deletions.
func (z *ZSet) shrink() {
	if z.peak <= 64 || z.length*8 >= z.peak {
		return
	}
	d := make(map[string]*node, z.length)
	for x := z.head.lvl()[0].next; x != nil; x = x.lvl()[0].next {
		d[x.member] = x
	}
	z.dict = d
	z.peak = z.length
}

// Remove deletes member and reports whether it was present.
func (z *ZSet) Remove(member string) bool {
	n, ok := z.dict[member]
	if !ok {
		return false
	}
	z.removeNode(n)
	delete(z.dict, member)
	z.nodeBytes -= footprint(n)
	z.shrink()
	return true
}

// Rank returns the 0-based rank of member, counted from the lowest score,
// or from the highest when reverse is set. O(log n).
func (z *ZSet) Rank(member string, reverse bool) (int, bool) {
	n, ok := z.dict[member]
	if !ok {
		return 0, false
	}
	r := z.rankOf(n)
	if reverse {
		r = z.length - 1 - r
	}
	return r, true
}

// At returns the member at 0-based rank r counted from the lowest score.
// O(log n).
func (z *ZSet) At(r int) (member string, score float64, ok bool) {
	n := z.nodeAt(r)
	if n == nil {
		return "", 0, false
	}
	return n.member, n.score, true
}

// ByRank calls fn for the members with ranks start..stop inclusive, in
// rank order; ranks count from the highest score when reverse is set.
// Indexes are expected normalised (0 <= start <= stop); they are clamped
// to the set, and an empty range calls nothing. Iteration stops early
// when fn returns false. O(log n + k).
func (z *ZSet) ByRank(start, stop int, reverse bool, fn func(member string, score float64) bool) {
	if start < 0 {
		start = 0
	}
	if stop >= z.length {
		stop = z.length - 1
	}
	if start > stop {
		return
	}
	k := stop - start + 1
	if reverse {
		for x := z.nodeAt(z.length - 1 - start); x != nil && k > 0; x, k = x.prev, k-1 {
			if !fn(x.member, x.score) {
				return
			}
		}
		return
	}
	for x := z.nodeAt(start); x != nil && k > 0; x, k = x.lvl()[0].next, k-1 {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// Range calls fn for every member from the lowest score to the highest,
// stopping early when fn returns false.
func (z *ZSet) Range(fn func(member string, score float64) bool) {
	for x := z.head.lvl()[0].next; x != nil; x = x.lvl()[0].next {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// RemoveRangeByRank deletes the members with ranks start..stop inclusive
// (counted from the lowest score, clamped like ByRank) and returns how
// many it removed. fn, when not nil, sees each removed member in order.
func (z *ZSet) RemoveRangeByRank(start, stop int, fn func(member string, score float64)) int {
	if start < 0 {
		start = 0
	}
	if stop >= z.length {
		stop = z.length - 1
	}
	if start > stop {
		return 0
	}
	return z.deleteFrom(start, stop-start+1, nil, fn)
}

// PopMin removes and returns up to n members with the lowest scores,
// lowest first.
func (z *ZSet) PopMin(n int) []Entry {
	if n <= 0 || z.length == 0 {
		return nil
	}
	n = min(n, z.length)
	out := make([]Entry, 0, n)
	z.deleteFrom(0, n, nil, func(m string, s float64) {
		out = append(out, Entry{m, s})
	})
	return out
}

// PopMax removes and returns up to n members with the highest scores,
// highest first.
func (z *ZSet) PopMax(n int) []Entry {
	if n <= 0 || z.length == 0 {
		return nil
	}
	n = min(n, z.length)
	out := make([]Entry, 0, n)
	z.deleteFrom(z.length-n, n, nil, func(m string, s float64) {
		out = append(out, Entry{m, s})
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// Clone returns an independent copy. It builds the copy in one ordered
// pass, without searching.
func (z *ZSet) Clone() *ZSet {
	c := New()
	c.dict = make(map[string]*node, z.length)
	var last [maxLevel]*node // rightmost node at each level so far; nil: the head
	for x := z.head.lvl()[0].next; x != nil; x = x.lvl()[0].next {
		lv := randomLevel()
		n := newNode(lv, x.member, x.score)
		if c.level < lv {
			c.raise(lv)
		}
		// Spans are filled in by fixSpans once every node is linked.
		for i := 0; i < lv; i++ {
			if last[i] == nil {
				c.head.lvl()[i].next = n
			} else {
				last[i].lvl()[i].next = n
			}
			last[i] = n
		}
		if c.length > 0 {
			n.prev = c.tail
		}
		c.tail = n
		c.length++
		c.dict[n.member] = n
		c.nodeBytes += footprint(n)
	}
	c.peak = c.length
	c.fixSpans()
	return c
}

// fixSpans recomputes every span from the level-0 order, in one pass.
func (z *ZSet) fixSpans() {
	var last [maxLevel]*node
	var lastRank [maxLevel]int
	for i := 0; i < z.level; i++ {
		last[i] = z.head
	}
	r := 0
	for x := z.head.lvl()[0].next; x != nil; x = x.lvl()[0].next {
		r++
		for i := range x.lvl() {
			last[i].lvl()[i].span = r - lastRank[i]
			last[i], lastRank[i] = x, r
		}
	}
	for i := 0; i < z.level; i++ {
		last[i].lvl()[i].next = nil
		last[i].lvl()[i].span = z.length - lastRank[i]
	}
}
