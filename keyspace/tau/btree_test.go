package tau

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// checkTree verifies the structural invariants of t and returns its keys in
// order.
func checkTree(tb testing.TB, t *btree) []uint64 {
	tb.Helper()
	var keys []uint64
	bytes := 0
	var walk func(n *bnode, depth int, lo, hi uint64, hasLo, hasHi bool)
	walk = func(n *bnode, depth int, lo, hi uint64, hasLo, hasHi bool) {
		bytes += nodeBytes(n)
		if n.isLeaf() {
			if depth != t.depth {
				tb.Fatalf("leaf at depth %d, want %d", depth, t.depth)
			}
			if len(n.keys) != len(n.vals) || cap(n.keys) > leafMax {
				tb.Fatalf("leaf shape: %d keys %d vals cap %d", len(n.keys), len(n.vals), cap(n.keys))
			}
			if n != t.root && len(n.keys) == 0 {
				tb.Fatalf("empty non-root leaf")
			}
			for _, k := range n.keys {
				if (hasLo && k < lo) || (hasHi && k >= hi) {
					tb.Fatalf("key %d outside separator bounds [%d,%d)", k, lo, hi)
				}
				keys = append(keys, k)
			}
			return
		}
		if len(n.keys) != len(n.kids) || len(n.sums) != len(n.kids) || len(n.kids) == 0 || cap(n.kids) > innerMax {
			tb.Fatalf("inner shape: %d keys %d kids %d sums", len(n.keys), len(n.kids), len(n.sums))
		}
		if n == t.root && len(n.kids) < 2 {
			tb.Fatalf("inner root with %d kids", len(n.kids))
		}
		for i, kid := range n.kids {
			if got, want := n.sums[i], t.nodeSum(kid); got != want {
				tb.Fatalf("summary %x, want %x", got, want)
			}
			clo, chasLo := lo, hasLo
			if i > 0 {
				clo, chasLo = n.keys[i], true
			}
			chi, chasHi := hi, hasHi
			if i+1 < len(n.kids) {
				chi, chasHi = n.keys[i+1], true
			}
			walk(kid, depth+1, clo, chi, chasLo, chasHi)
		}
	}
	walk(t.root, 0, 0, 0, false, false)
	if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		tb.Fatalf("keys not strictly increasing")
	}
	if len(keys) != t.count {
		tb.Fatalf("count %d, have %d keys", t.count, len(keys))
	}
	if bytes != t.bytes {
		tb.Fatalf("bytes %d, counted %d", t.bytes, bytes)
	}
	return keys
}

func TestBtreeRandom(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 99))
		tr := newBtree(nil)
		model := map[uint64]uint32{}
		space := uint64(50 + rng.IntN(5000))
		ops := 3000 + rng.IntN(6000)
		for op := 0; op < ops; op++ {
			k := rng.Uint64N(space)
			switch r := rng.IntN(10); {
			case r < 5 || (seed%3 == 0 && r < 7):
				v := rng.Uint32N(1000)
				tr.insert(k, v)
				model[k] = v
			case r < 9:
				_, had := model[k]
				if got := tr.delete(k); got != had {
					t.Fatalf("delete(%d) = %v, want %v", k, got, had)
				}
				delete(model, k)
			default:
				// Ascending and descending runs exercise the edge splits.
				for i := uint64(0); i < 200; i++ {
					kk := space + uint64(op)*1000 + i
					if seed%2 == 0 {
						kk = ^kk
					}
					tr.insert(kk, uint32(i))
					model[kk] = uint32(i)
				}
			}
			if op%500 == 0 {
				checkTree(t, &tr)
			}
		}
		keys := checkTree(t, &tr)
		want := make([]uint64, 0, len(model))
		for k := range model {
			want = append(want, k)
		}
		slices.Sort(want)
		if !slices.Equal(keys, want) {
			t.Fatalf("seed %d: keys differ from model", seed)
		}
		checkCursor(t, &tr, want, model, rng)
		cl := tr.clone(nil)
		checkTree(t, &cl)
		for _, k := range want[:len(want)/2] {
			cl.delete(k)
		}
		if got := checkTree(t, &tr); !slices.Equal(got, want) {
			t.Fatalf("clone changes leaked into original")
		}
		for _, k := range want {
			tr.delete(k)
		}
		checkTree(t, &tr)
		if tr.count != 0 || tr.depth != 0 {
			t.Fatalf("emptied tree: count %d depth %d", tr.count, tr.depth)
		}
	}
}

func checkCursor(t *testing.T, tr *btree, keys []uint64, model map[uint64]uint32, rng *rand.Rand) {
	t.Helper()
	var c cursor
	// Full forward and backward iteration.
	i := 0
	for ok := c.seekGE(tr, 0); ok; ok = c.next() {
		if c.key() != keys[i] || c.val() != model[keys[i]] {
			t.Fatalf("forward %d: got %d", i, c.key())
		}
		i++
	}
	if i != len(keys) {
		t.Fatalf("forward saw %d of %d", i, len(keys))
	}
	i = len(keys) - 1
	for ok := c.seekLE(tr, ^uint64(0)); ok; ok = c.prev() {
		if c.key() != keys[i] {
			t.Fatalf("backward %d: got %d", i, c.key())
		}
		i--
	}
	if i != -1 {
		t.Fatalf("backward stopped at %d", i)
	}
	for q := 0; q < 300; q++ {
		k := rng.Uint64N(keys[len(keys)-1] + 10)
		if q%7 == 0 {
			k = ^rng.Uint64N(1 << 20)
		}
		ge, _ := slices.BinarySearch(keys, k)
		if ok := c.seekGE(tr, k); ok != (ge < len(keys)) || (ok && c.key() != keys[ge]) {
			t.Fatalf("seekGE(%d) wrong", k)
		}
		le := ge - 1
		if ge < len(keys) && keys[ge] == k {
			le = ge
		}
		if ok := c.seekLE(tr, k); ok != (le >= 0) || (ok && c.key() != keys[le]) {
			t.Fatalf("seekLE(%d) wrong", k)
		}
		bound := rng.Uint32N(1000)
		want := -1
		for j := max(ge, 0); j < len(keys); j++ {
			if model[keys[j]] <= bound {
				want = j
				break
			}
		}
		ok := c.seekGE(tr, k) && c.seekWhere(tr, bound, lowMask)
		if ok != (want >= 0) || (ok && c.key() != keys[want]) {
			t.Fatalf("seekWhere(%d, %d): ok %v want index %d", k, bound, ok, want)
		}
	}
}

// TestBtreeRecordSummaries checks seekWhere on both summary components of a
// history tree.
func TestBtreeRecordSummaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var rec records
	tr := newBtree(&rec)
	var keys []uint64
	for i := 0; i < 20000; i++ {
		k := rng.Uint64()
		rec.to = append(rec.to, 0)
		rec.born = append(rec.born, rng.Uint32N(1<<20))
		rec.died = append(rec.died, rng.Uint32N(1<<20))
		tr.insert(k, uint32(i))
		keys = append(keys, k)
	}
	slices.Sort(keys)
	checkTree(t, &tr)
	var c cursor
	for q := 0; q < 200; q++ {
		m := rng.Uint32N(1 << 20)
		useBorn := q%2 == 0
		k := rng.Uint64()
		ok := c.seekGE(&tr, k)
		if useBorn {
			ok = ok && c.seekWhere(&tr, m, lowMask)
		} else {
			ok = ok && c.seekWhere(&tr, lowMask, ^(m+1))
		}
		i, _ := slices.BinarySearch(keys, k)
		want := -1
		for c2 := i; c2 < len(keys); c2++ {
			var cc cursor
			cc.seekGE(&tr, keys[c2])
			r := cc.val()
			if (useBorn && rec.born[r] <= m) || (!useBorn && rec.died[r] > m) {
				want = c2
				break
			}
		}
		if ok != (want >= 0) || (ok && c.key() != keys[want]) {
			t.Fatalf("query %d: ok %v want %d", q, ok, want)
		}
	}
}

// TestBtreeLarge grows a tree several levels deep and shrinks it in random
// order, so inner nodes merge and share children too.
func TestBtreeLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tr := newBtree(nil)
	keys := make([]uint64, 0, 300000)
	for i := 0; i < cap(keys); i++ {
		k := rng.Uint64()
		tr.insert(k, rng.Uint32N(1<<20))
		keys = append(keys, k)
	}
	if tr.depth < 3 {
		t.Fatalf("depth %d: not deep enough to test inner rebalancing", tr.depth)
	}
	checkTree(t, &tr)
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	for i, k := range keys {
		if !tr.delete(k) {
			t.Fatalf("delete %d failed", k)
		}
		if i%20000 == 0 {
			checkTree(t, &tr)
		}
	}
	checkTree(t, &tr)
	if tr.count != 0 || tr.depth != 0 || tr.bytes != nodeBytes(tr.root) {
		t.Fatalf("emptied: count %d depth %d bytes %d", tr.count, tr.depth, tr.bytes)
	}
}

// TestBtreeAscending fills a tree in ascending order (full nodes on the
// left, a thin right spine) and empties it from the right, which makes thin
// right nodes borrow from full left siblings.
func TestBtreeAscending(t *testing.T) {
	tr := newBtree(nil)
	const n = 200000
	for k := uint64(0); k < n; k++ {
		tr.insert(k*3, uint32(k))
	}
	checkTree(t, &tr)
	// Ascending inserts leave full leaves: about 12 bytes per entry.
	if per := float64(tr.bytes) / n; per > 13 {
		t.Errorf("ascending fill: %.1f bytes per entry", per)
	}
	for k := uint64(n); k > 0; k-- {
		tr.delete((k - 1) * 3)
		if k%10007 == 0 {
			checkTree(t, &tr)
		}
	}
	checkTree(t, &tr)
	if tr.count != 0 {
		t.Fatalf("count %d", tr.count)
	}
}
