package keyspace

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"
)

// The chunked list against a slice doing the same swap-removes, across
// chunk boundaries both ways.
func TestKeyListModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var l keyList
	var model []*Entry
	peak := 0
	for step := 0; step < 60000; step++ {
		// Growing for the first half, shrinking for the second.
		grow := 70
		if step >= 30000 {
			grow = 30
		}
		if len(model) == 0 || rng.IntN(100) < grow {
			e := &Entry{}
			l.push(e)
			*l.charge(int(e.idx)) = uint32(step)
			model = append(model, e)
		} else {
			i := rng.IntN(len(model))
			want := *l.charge(len(model) - 1)
			l.swapRemove(i)
			model[i] = model[len(model)-1]
			model = model[:len(model)-1]
			if i < len(model) && *l.charge(i) != want {
				t.Fatalf("step %d: moved entry's charge %d, want %d", step, *l.charge(i), want)
			}
		}
		if l.Len() != len(model) {
			t.Fatalf("step %d: Len %d, model %d", step, l.Len(), len(model))
		}
		peak = max(peak, len(model))
		if step%500 == 0 {
			for i, e := range model {
				if l.at(i) != e || int(e.idx) != i {
					t.Fatalf("step %d: position %d holds %p (idx %d), want %p", step, i, l.at(i), e.idx, e)
				}
			}
		}
	}
	if peak < 2*chunkSize || len(model) > chunkSize {
		t.Fatalf("the list peaked at %d and ended at %d entries: chunk boundaries not crossed both ways", peak, len(model))
	}
}

// What the list says it holds is what the heap holds, within 2%. Small
// lists are built many times over, so that the heap's own noise (a few
// hundred bytes) averages out.
func TestKeyListBytes(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's allocator sizes small objects differently")
	}
	for _, n := range []int{5, 700, 5000, 300000} {
		reps := max(1, 100000/n)
		es := make([]Entry, n*reps)
		lists := make([]keyList, reps)
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for r := range lists {
			for i := range n {
				lists[r].push(&es[r*n+i])
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(reps)
		if d := lists[0].bytes() - heap; d < -heap/50 || d > heap/50 {
			t.Errorf("%d keys: list says %d bytes, heap grew by %d a list", n, lists[0].bytes(), heap)
		}
		runtime.KeepAlive(lists)
	}
}

// A block is one cache line.
func TestKeyBlockSize(t *testing.T) {
	if n := unsafe.Sizeof(keyBlock{}); n != keyBlockBytes || keyBlockBytes%64 != 0 {
		t.Fatalf("keyBlock is %d bytes", n)
	}
}
