package stream

import (
	"math/rand"
	"sort"
	"testing"
)

// TestIDTreeModel runs random insertions, replacements and removals on an
// idTree and a map, checking lookups, order, Min, Max and Ascend from
// random points along the way.
func TestIDTreeModel(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var tree idTree[int]
	model := map[ID]int{}
	randKey := func() ID { return ID{uint64(r.Intn(60)), uint64(r.Intn(60))} }
	check := func(step int) {
		if tree.Len() != len(model) {
			t.Fatalf("step %d: Len %d, want %d", step, tree.Len(), len(model))
		}
		keys := make([]ID, 0, len(model))
		for k := range model {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i].Less(keys[j]) })
		from := randKey()
		i := sort.Search(len(keys), func(i int) bool { return !keys[i].Less(from) })
		tree.Ascend(from, func(k ID, v int) bool {
			if i >= len(keys) || keys[i] != k || model[k] != v {
				t.Fatalf("step %d: Ascend(%v) gave %v=%d at %d", step, from, k, v, i)
			}
			i++
			return true
		})
		if i != len(keys) {
			t.Fatalf("step %d: Ascend(%v) stopped at %d of %d", step, from, i, len(keys))
		}
		mn, ok1 := tree.Min()
		mx, ok2 := tree.Max()
		if len(keys) > 0 && (!ok1 || !ok2 || mn != keys[0] || mx != keys[len(keys)-1]) {
			t.Fatalf("step %d: Min/Max %v %v, want %v %v", step, mn, mx, keys[0], keys[len(keys)-1])
		}
		if len(keys) == 0 && (ok1 || ok2) {
			t.Fatalf("step %d: Min/Max on empty tree", step)
		}
	}
	for step := 0; step < 60000; step++ {
		k := randKey()
		switch op := r.Intn(10); {
		case op < 5:
			_, existed := model[k]
			if added := tree.Set(k, step); added == existed {
				t.Fatalf("step %d: Set(%v) added=%v, existed=%v", step, k, added, existed)
			}
			model[k] = step
		case op < 9:
			v, ok := tree.Delete(k)
			mv, mok := model[k]
			if ok != mok || v != mv {
				t.Fatalf("step %d: Delete(%v) = %d %v, want %d %v", step, k, v, ok, mv, mok)
			}
			delete(model, k)
		default:
			v, ok := tree.Get(k)
			mv, mok := model[k]
			if ok != mok || v != mv {
				t.Fatalf("step %d: Get(%v) = %d %v, want %d %v", step, k, v, ok, mv, mok)
			}
		}
		if step%997 == 0 {
			check(step)
		}
	}
	check(-1)
	// Drain in random order down to an empty tree.
	for k := range model {
		if _, ok := tree.Delete(k); !ok {
			t.Fatalf("drain: %v missing", k)
		}
	}
	if tree.Len() != 0 || tree.root != nil {
		t.Fatalf("drained tree not empty: len %d", tree.Len())
	}
}

func TestIDTreeAscendStops(t *testing.T) {
	var tree idTree[int]
	for i := 0; i < 1000; i++ {
		tree.Set(ID{uint64(i), 0}, i)
	}
	var seen []int
	tree.Ascend(ID{500, 1}, func(_ ID, v int) bool {
		seen = append(seen, v)
		return len(seen) < 3
	})
	if len(seen) != 3 || seen[0] != 501 || seen[2] != 503 {
		t.Fatalf("Ascend from 500-1 with stop after 3 gave %v", seen)
	}
}
