package zset

import (
	"math"
	"strings"
)

// ScoreRange is Redis's score interval: Min and Max with optional
// exclusive ends, as written "(1.5" or "[2" (the default) in commands.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r ScoreRange) empty() bool {
	return math.IsNaN(r.Min) || math.IsNaN(r.Max) ||
		r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

func (r ScoreRange) gteMin(x *node) bool {
	if r.MinEx {
		return x.score > r.Min
	}
	return x.score >= r.Min
}

func (r ScoreRange) lteMax(x *node) bool {
	if r.MaxEx {
		return x.score < r.Max
	}
	return x.score <= r.Max
}

// LexBound is one end of a lexicographic range: a member value, or one of
// the infinities "-" (Inf < 0, below every string) and "+" (Inf > 0,
// above every string). Ex marks an exclusive end, written "(x" rather
// than "[x".
type LexBound struct {
	Value string
	Inf   int8
	Ex    bool
}

// LexRange is Redis's lexicographic interval used by ZRANGEBYLEX and
// friends. Either end may be either infinity: "+" as Min or "-" as Max
// simply gives an empty range.
type LexRange struct {
	Min, Max LexBound
}

// cmpLex orders two bounds the way Redis's sdscmplex does: "-" below every
// string, "+" above, equal infinities equal.
func cmpLex(a, b LexBound) int {
	if a.Inf == 0 && b.Inf == 0 {
		return strings.Compare(a.Value, b.Value)
	}
	switch {
	case a.Inf == b.Inf:
		return 0
	case a.Inf < 0 || b.Inf > 0:
		return -1
	default:
		return 1
	}
}

func (r LexRange) empty() bool {
	c := cmpLex(r.Min, r.Max)
	return c > 0 || (c == 0 && (r.Min.Ex || r.Max.Ex))
}

func (r LexRange) gteMin(x *node) bool {
	switch {
	case r.Min.Inf < 0:
		return true
	case r.Min.Inf > 0:
		return false
	}
	c := strings.Compare(x.member, r.Min.Value)
	return c > 0 || (c == 0 && !r.Min.Ex)
}

func (r LexRange) lteMax(x *node) bool {
	switch {
	case r.Max.Inf > 0:
		return true
	case r.Max.Inf < 0:
		return false
	}
	c := strings.Compare(x.member, r.Max.Value)
	return c < 0 || (c == 0 && !r.Max.Ex)
}

// bounds is what the range walks need from a score or lex range.
type bounds interface {
	empty() bool
	gteMin(x *node) bool
	lteMax(x *node) bool
}

// uniform reports whether all members share one score. Lex ranges are only
// meaningful then; otherwise the walks below scan linearly from the ends,
// which is what Redis does for its small (listpack) sets, so mixed-score
// sets still answer deterministically.
func (z *ZSet) uniform() bool {
	return z.length == 0 || z.head.lvl()[0].next.score == z.tail.score
}

// inRange rejects ranges that can hold nothing: empty ones, and ones that
// end before the first member or start after the last.
func inRange[B bounds](z *ZSet, b B) bool {
	if z.length == 0 || b.empty() {
		return false
	}
	return b.gteMin(z.tail) && b.lteMax(z.head.lvl()[0].next)
}

// first returns the first node in range and its 0-based rank. With linear
// set it scans from the lowest member instead of descending.
func first[B bounds](z *ZSet, b B, linear bool) (*node, int) {
	if !inRange(z, b) {
		return nil, 0
	}
	if linear {
		r := 0
		for x := z.head.lvl()[0].next; x != nil; x, r = x.lvl()[0].next, r+1 {
			if b.gteMin(x) {
				if b.lteMax(x) {
					return x, r
				}
				return nil, 0
			}
		}
		return nil, 0
	}
	x := z.head
	r := 0
	for i := z.level - 1; i >= 0; i-- {
		for l := x.at(i); l.next != nil && !b.gteMin(l.next); l = x.at(i) {
			r += l.span
			x = l.next
		}
	}
	x = x.lvl()[0].next
	if x == nil || !b.lteMax(x) {
		return nil, 0
	}
	return x, r
}

// last returns the last node in range and its 0-based rank.
func last[B bounds](z *ZSet, b B, linear bool) (*node, int) {
	if !inRange(z, b) {
		return nil, 0
	}
	if linear {
		r := z.length - 1
		for x := z.tail; x != nil; x, r = x.prev, r-1 {
			if b.lteMax(x) {
				if b.gteMin(x) {
					return x, r
				}
				return nil, 0
			}
		}
		return nil, 0
	}
	x := z.head
	r := 0
	for i := z.level - 1; i >= 0; i-- {
		for l := x.at(i); l.next != nil && b.lteMax(l.next); l = x.at(i) {
			r += l.span
			x = l.next
		}
	}
	if x == z.head || !b.gteMin(x) {
		return nil, 0
	}
	return x, r - 1
}

// walk implements ByScore and ByLex: it finds the first (or, reversed, the
// last) member in range, skips offset members by rank, then reports up
// to count members (all when count < 0) while they stay in range.
func walk[B bounds](z *ZSet, b B, linear, reverse bool, offset, count int, fn func(string, float64) bool) {
	if offset < 0 || count == 0 {
		return
	}
	if !reverse {
		x, r := first(z, b, linear)
		if x == nil {
			return
		}
		if offset > 0 {
			x = z.nodeAt(r + offset)
		}
		for ; x != nil && count != 0 && b.lteMax(x); x = x.lvl()[0].next {
			if !fn(x.member, x.score) {
				return
			}
			if count > 0 {
				count--
			}
		}
		return
	}
	x, r := last(z, b, linear)
	if x == nil {
		return
	}
	if offset > 0 {
		x = z.nodeAt(r - offset)
	}
	for ; x != nil && count != 0 && b.gteMin(x); x = x.prev {
		if !fn(x.member, x.score) {
			return
		}
		if count > 0 {
			count--
		}
	}
}

// countRange counts the run of members in range that starts at the first
// one, in O(log n) when the set is ordered by the range's key.
func countRange[B bounds](z *ZSet, b B, linear bool) int {
	x, fr := first(z, b, linear)
	if x == nil {
		return 0
	}
	if !linear {
		_, lr := last(z, b, false)
		return lr - fr + 1
	}
	n := 0
	for ; x != nil && b.lteMax(x); x = x.lvl()[0].next {
		n++
	}
	return n
}

func removeRange[B bounds](z *ZSet, b B, linear bool, fn func(string, float64)) int {
	x, r := first(z, b, linear)
	if x == nil {
		return 0
	}
	return z.deleteFrom(r, -1, b.lteMax, fn)
}

// ByScore calls fn for the members whose scores are in r, lowest first, or
// highest first when reverse is set, after skipping offset of them and for
// at most count (all when count < 0), as ZRANGEBYSCORE ... LIMIT does. A
// negative offset yields nothing, as in Redis. Iteration stops early when
// fn returns false. O(log n + k).
func (z *ZSet) ByScore(r ScoreRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	walk(z, r, false, reverse, offset, count, fn)
}

// CountScore returns how many members have scores in r. O(log n).
func (z *ZSet) CountScore(r ScoreRange) int {
	return countRange(z, r, false)
}

// RemoveRangeByScore deletes the members whose scores are in r and
// returns how many it removed; fn, when not nil, sees each one.
func (z *ZSet) RemoveRangeByScore(r ScoreRange, fn func(member string, score float64)) int {
	return removeRange(z, r, false, fn)
}

// ByLex is ByScore for a lexicographic range. It is meant for sets whose
// members all share one score, where it costs O(log n + k); on mixed
// scores it answers as Redis does for small sets, scanning from the ends.
func (z *ZSet) ByLex(r LexRange, reverse bool, offset, count int, fn func(member string, score float64) bool) {
	walk(z, r, !z.uniform(), reverse, offset, count, fn)
}

// CountLex returns how many members are in r (see ByLex for mixed scores).
func (z *ZSet) CountLex(r LexRange) int {
	return countRange(z, r, !z.uniform())
}

// RemoveRangeByLex deletes the members in r and returns how many it
// removed; fn, when not nil, sees each one.
func (z *ZSet) RemoveRangeByLex(r LexRange, fn func(member string, score float64)) int {
	return removeRange(z, r, !z.uniform(), fn)
}
