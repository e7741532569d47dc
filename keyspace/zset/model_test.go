package zset

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// model is the naive reference: a slice kept sorted by (score, member).
type model []Entry

func cmpEntry(a, b Entry) int {
	switch {
	case a.Score < b.Score:
		return -1
	case a.Score > b.Score:
		return 1
	}
	return strings.Compare(a.Member, b.Member)
}

func (m model) find(member string) int {
	for i, e := range m {
		if e.Member == member {
			return i
		}
	}
	return -1
}

func (m *model) add(member string, score float64) (added, updated bool) {
	if math.IsNaN(score) {
		return false, false
	}
	if i := m.find(member); i >= 0 {
		if (*m)[i].Score == score {
			return false, false
		}
		*m = slices.Delete(*m, i, i+1)
		updated = true
	} else {
		added = true
	}
	e := Entry{member, score}
	i, _ := slices.BinarySearchFunc(*m, e, cmpEntry)
	*m = slices.Insert(*m, i, e)
	return added, updated
}

func (m *model) remove(member string) bool {
	i := m.find(member)
	if i < 0 {
		return false
	}
	*m = slices.Delete(*m, i, i+1)
	return true
}

func inScore(r ScoreRange, s float64) bool {
	lo := s > r.Min || (!r.MinEx && s == r.Min)
	hi := s < r.Max || (!r.MaxEx && s == r.Max)
	return lo && hi
}

func lexGte(r LexRange, s string) bool {
	if r.Min.Inf != 0 {
		return r.Min.Inf < 0
	}
	return s > r.Min.Value || (!r.Min.Ex && s == r.Min.Value)
}

func lexLte(r LexRange, s string) bool {
	if r.Max.Inf != 0 {
		return r.Max.Inf > 0
	}
	return s < r.Max.Value || (!r.Max.Ex && s == r.Max.Value)
}

// byScore filters the whole model: the set is sorted by score, so the
// members in range are one run.
func (m model) byScore(r ScoreRange, reverse bool, offset, count int) []Entry {
	var in []Entry
	for _, e := range m {
		if inScore(r, e.Score) {
			in = append(in, e)
		}
	}
	return limit(in, reverse, offset, count)
}

func limit(in []Entry, reverse bool, offset, count int) []Entry {
	if reverse {
		in = slices.Clone(in)
		slices.Reverse(in)
	}
	if offset < 0 || offset >= len(in) || count == 0 {
		return nil
	}
	in = in[offset:]
	if count > 0 && count < len(in) {
		in = in[:count]
	}
	return in
}

func lexEmpty(r LexRange) bool {
	key := func(b LexBound) (int, string) { return int(b.Inf), b.Value }
	ai, av := key(r.Min)
	bi, bv := key(r.Max)
	c := 0
	switch {
	case ai != bi:
		c = ai - bi
	case ai == 0:
		c = strings.Compare(av, bv)
	}
	return c > 0 || (c == 0 && (r.Min.Ex || r.Max.Ex))
}

// lexRun returns the members a lex range selects, in walk order. On a set
// with one score that is every member in range; on mixed scores it follows
// Redis's listpack scan: from the first member at or above Min, the run of
// members up to Max (mirrored when reversed).
func (m model) lexRun(r LexRange, reverse bool) []Entry {
	if len(m) == 0 || lexEmpty(r) {
		return nil
	}
	if m[0].Score == m[len(m)-1].Score {
		var in []Entry
		for _, e := range m {
			if lexGte(r, e.Member) && lexLte(r, e.Member) {
				in = append(in, e)
			}
		}
		if reverse {
			slices.Reverse(in)
		}
		return in
	}
	if !lexGte(r, m[len(m)-1].Member) || !lexLte(r, m[0].Member) {
		return nil
	}
	var out []Entry
	if !reverse {
		i := 0
		for i < len(m) && !lexGte(r, m[i].Member) {
			i++
		}
		for ; i < len(m) && lexLte(r, m[i].Member); i++ {
			out = append(out, m[i])
		}
		return out
	}
	i := len(m) - 1
	for i >= 0 && !lexLte(r, m[i].Member) {
		i--
	}
	for ; i >= 0 && lexGte(r, m[i].Member); i-- {
		out = append(out, m[i])
	}
	return out
}

// byLex applies LIMIT to the walk: the offset skips members by position
// from the first one in range, whether or not they are in range.
func (m model) byLex(r LexRange, reverse bool, offset, count int) []Entry {
	run := m.lexRun(r, reverse)
	if len(run) == 0 || offset < 0 || count == 0 {
		return nil
	}
	if m[0].Score == m[len(m)-1].Score {
		return limit(run, false, offset, count)
	}
	start := m.find(run[0].Member)
	var out []Entry
	if !reverse {
		for i := start + offset; i < len(m) && count != 0 && lexLte(r, m[i].Member); i++ {
			out = append(out, m[i])
			count--
		}
		return out
	}
	for i := start - offset; i >= 0 && i < len(m) && count != 0 && lexGte(r, m[i].Member); i-- {
		out = append(out, m[i])
		count--
	}
	return out
}

func collect(f func(fn func(string, float64) bool)) []Entry {
	var out []Entry
	f(func(m string, s float64) bool {
		out = append(out, Entry{m, s})
		return true
	})
	return out
}

func sameEntries(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// Compare scores by bits so -0 and 0 are told apart.
		if a[i].Member != b[i].Member || math.Float64bits(a[i].Score) != math.Float64bits(b[i].Score) {
			return false
		}
	}
	return true
}

// checkInvariants verifies the skip list against its own definition:
// order, backward links, spans, levels, the map and the size counter.
func checkInvariants(t *testing.T, z *ZSet) {
	t.Helper()
	if z.level < 1 || z.level > maxLevel || z.head.height != z.level || z.headCap < z.level {
		t.Fatalf("level %d, head levels %d", z.level, z.head.height)
	}
	rank := map[*node]int{z.head: 0}
	var prev *node
	n, bytes := 0, 0
	for x := z.head.lvl()[0].next; x != nil; x = x.lvl()[0].next {
		n++
		rank[x] = n
		if x.prev != prev {
			t.Fatalf("member %q: backward link wrong", x.member)
		}
		if prev != nil && !after(prev, x.score, x.member) {
			t.Fatalf("order broken at %q", x.member)
		}
		if x.height > z.level {
			t.Fatalf("member %q has %d levels, set %d", x.member, x.height, z.level)
		}
		if z.dict[x.member] != x {
			t.Fatalf("map does not point at node %q", x.member)
		}
		if math.IsNaN(x.score) {
			t.Fatalf("NaN stored for %q", x.member)
		}
		bytes += footprint(x)
		prev = x
	}
	if n != z.length || len(z.dict) != n || z.tail != prev {
		t.Fatalf("length %d, counted %d, map %d, tail ok %v", z.length, n, len(z.dict), z.tail == prev)
	}
	if bytes != z.nodeBytes {
		t.Fatalf("nodeBytes %d, recomputed %d", z.nodeBytes, bytes)
	}
	if z.level > 1 && z.head.lvl()[z.level-1].next == nil {
		t.Fatalf("top level %d is empty", z.level)
	}
	for i := 0; i < z.level; i++ {
		for x := z.head; x.lvl()[i].next != nil; x = x.lvl()[i].next {
			next := x.lvl()[i].next
			if next.height <= i {
				t.Fatalf("level %d links to a node of %d levels", i, next.height)
			}
			if got, want := x.lvl()[i].span, rank[next]-rank[x]; got != want {
				t.Fatalf("level %d span from rank %d: %d, want %d", i, rank[x], got, want)
			}
		}
	}
}

var scorePool = []float64{math.Inf(-1), -2.5, -1, math.Copysign(0, -1), 0, 0.5, 1, 2, 3, math.Inf(1)}

func randScore(rng *rand.Rand) float64 {
	if rng.IntN(4) == 0 {
		return math.Round(rng.NormFloat64()*1000) / 100
	}
	return scorePool[rng.IntN(len(scorePool))]
}

func randMember(rng *rand.Rand, pool int) string {
	specials := []string{"", "a", "ab", "b", "\x00", "\xff", "a\x00", "A", "zz"}
	i := rng.IntN(pool)
	if i < len(specials) {
		return specials[i]
	}
	return fmt.Sprintf("m%03d", i)
}

func randScoreRange(rng *rand.Rand) ScoreRange {
	r := ScoreRange{Min: randScore(rng), Max: randScore(rng), MinEx: rng.IntN(2) == 0, MaxEx: rng.IntN(2) == 0}
	if rng.IntN(3) > 0 && r.Min > r.Max {
		r.Min, r.Max = r.Max, r.Min
	}
	return r
}

func randLexBound(rng *rand.Rand, pool int) LexBound {
	switch rng.IntN(8) {
	case 0:
		return LexBound{Inf: -1, Ex: true}
	case 1:
		return LexBound{Inf: 1, Ex: true}
	}
	return LexBound{Value: randMember(rng, pool), Ex: rng.IntN(2) == 0}
}

func randLexRange(rng *rand.Rand, pool int) LexRange {
	r := LexRange{Min: randLexBound(rng, pool), Max: randLexBound(rng, pool)}
	if rng.IntN(3) > 0 && cmpLex(r.Min, r.Max) > 0 {
		r.Min, r.Max = r.Max, r.Min
	}
	return r
}

func TestRandomAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, seed*7919))
			pool := 20 + rng.IntN(300)
			uniformLex := seed%3 == 0 // some runs keep one score for lex tests
			z := New()
			var m model
			for step := 0; step < 4000; step++ {
				runOp(t, rng, z, &m, pool, uniformLex)
				if step%97 == 0 {
					checkInvariants(t, z)
				}
			}
			checkInvariants(t, z)
		})
	}
}

func runOp(t *testing.T, rng *rand.Rand, z *ZSet, m *model, pool int, uniformLex bool) {
	t.Helper()
	score := randScore(rng)
	if uniformLex {
		score = 7
	}
	op := rng.IntN(100)
	switch {
	case op < 35:
		mem := randMember(rng, pool)
		a1, u1 := z.Add(mem, score)
		a2, u2 := m.add(mem, score)
		if a1 != a2 || u1 != u2 {
			t.Fatalf("Add(%q, %v) = %v,%v; model %v,%v", mem, score, a1, u1, a2, u2)
		}
	case op < 45:
		mem := randMember(rng, pool)
		if got, want := z.Remove(mem), m.remove(mem); got != want {
			t.Fatalf("Remove(%q) = %v, want %v", mem, got, want)
		}
	case op < 52:
		mem := randMember(rng, pool)
		rev := rng.IntN(2) == 0
		got, ok := z.Rank(mem, rev)
		want := m.find(mem)
		if want >= 0 && rev {
			want = len(*m) - 1 - want
		}
		if ok != (want >= 0) || (ok && got != want) {
			t.Fatalf("Rank(%q, %v) = %d,%v; want %d", mem, rev, got, ok, want)
		}
		s, ok := z.Score(mem)
		if i := m.find(mem); ok != (i >= 0) || (ok && s != (*m)[i].Score) {
			t.Fatalf("Score(%q) = %v,%v", mem, s, ok)
		}
	case op < 58:
		n := len(*m) + 2
		start, stop := rng.IntN(n+1)-1, rng.IntN(n+1)-1
		rev := rng.IntN(2) == 0
		got := collect(func(fn func(string, float64) bool) { z.ByRank(start, stop, rev, fn) })
		var want []Entry
		src := slices.Clone(*m)
		if rev {
			slices.Reverse(src)
		}
		for i := max(start, 0); i <= stop && i < len(src); i++ {
			want = append(want, src[i])
		}
		if !sameEntries(got, want) {
			t.Fatalf("ByRank(%d,%d,%v) = %v, want %v", start, stop, rev, got, want)
		}
		r := rng.IntN(n+1) - 1
		mem, s, ok := z.At(r)
		if ok != (r >= 0 && r < len(*m)) || (ok && (Entry{mem, s}) != (*m)[r]) {
			t.Fatalf("At(%d) = %q,%v,%v", r, mem, s, ok)
		}
	case op < 68:
		r := randScoreRange(rng)
		rev := rng.IntN(2) == 0
		offset, count := rng.IntN(6)-1, rng.IntN(8)-2
		got := collect(func(fn func(string, float64) bool) { z.ByScore(r, rev, offset, count, fn) })
		if want := m.byScore(r, rev, offset, count); !sameEntries(got, want) {
			t.Fatalf("ByScore(%+v,%v,%d,%d) = %v, want %v", r, rev, offset, count, got, want)
		}
		if got, want := z.CountScore(r), len(m.byScore(r, false, 0, -1)); got != want {
			t.Fatalf("CountScore(%+v) = %d, want %d", r, got, want)
		}
	case op < 78:
		r := randLexRange(rng, pool)
		rev := rng.IntN(2) == 0
		offset, count := rng.IntN(6)-1, rng.IntN(8)-2
		got := collect(func(fn func(string, float64) bool) { z.ByLex(r, rev, offset, count, fn) })
		if want := m.byLex(r, rev, offset, count); !sameEntries(got, want) {
			t.Fatalf("ByLex(%+v,%v,%d,%d) = %v, want %v\nset %v", r, rev, offset, count, got, want, *m)
		}
		if got, want := z.CountLex(r), len(m.lexRun(r, false)); got != want {
			t.Fatalf("CountLex(%+v) = %d, want %d", r, got, want)
		}
	case op < 81:
		n := len(*m) + 2
		start, stop := rng.IntN(n+1)-1, rng.IntN(n+1)-1
		var removed []Entry
		got := z.RemoveRangeByRank(start, stop, func(mem string, s float64) { removed = append(removed, Entry{mem, s}) })
		var want []Entry
		for i := max(start, 0); i <= stop && i < len(*m); i++ {
			want = append(want, (*m)[i])
		}
		checkRemoved(t, "RemoveRangeByRank", got, removed, want, m)
	case op < 84:
		r := randScoreRange(rng)
		var removed []Entry
		got := z.RemoveRangeByScore(r, func(mem string, s float64) { removed = append(removed, Entry{mem, s}) })
		checkRemoved(t, "RemoveRangeByScore", got, removed, m.byScore(r, false, 0, -1), m)
	case op < 87:
		r := randLexRange(rng, pool)
		var removed []Entry
		got := z.RemoveRangeByLex(r, func(mem string, s float64) { removed = append(removed, Entry{mem, s}) })
		checkRemoved(t, "RemoveRangeByLex", got, removed, m.lexRun(r, false), m)
	case op < 90:
		n := rng.IntN(4) - 1
		maxSide := rng.IntN(2) == 0
		var got []Entry
		if maxSide {
			got = z.PopMax(n)
		} else {
			got = z.PopMin(n)
		}
		k := min(max(n, 0), len(*m))
		var want []Entry
		if maxSide {
			want = slices.Clone((*m)[len(*m)-k:])
			slices.Reverse(want)
			*m = (*m)[:len(*m)-k]
		} else {
			want = slices.Clone((*m)[:k])
			*m = slices.Delete(*m, 0, k)
		}
		if !sameEntries(got, want) {
			t.Fatalf("Pop(max=%v, %d) = %v, want %v", maxSide, n, got, want)
		}
	case op < 92:
		c := z.Clone()
		checkInvariants(t, c)
		if got := collect(c.Range); !sameEntries(got, *m) {
			t.Fatalf("Clone = %v, want %v", got, *m)
		}
		// The copy must not share structure with the original.
		c.Add("clone-only", 1)
		c.PopMin(1)
		if got := collect(z.Range); !sameEntries(got, *m) {
			t.Fatalf("original changed through its clone")
		}
	default:
		if got := collect(z.Range); !sameEntries(got, *m) {
			t.Fatalf("Range = %v, want %v", got, *m)
		}
		if z.Len() != len(*m) {
			t.Fatalf("Len = %d, want %d", z.Len(), len(*m))
		}
	}
}

func checkRemoved(t *testing.T, op string, got int, removed, want []Entry, m *model) {
	t.Helper()
	if got != len(want) || !sameEntries(removed, want) {
		t.Fatalf("%s removed %d %v, want %v", op, got, removed, want)
	}
	for _, e := range want {
		m.remove(e.Member)
	}
}
