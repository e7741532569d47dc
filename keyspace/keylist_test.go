package keyspace

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// The chunked list against a slice doing the same swap-removes, across
// chunk boundaries both ways.
func TestKeyListModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var l keyList
	var model []*Entry
	for step := 0; step < 40000; step++ {
		if len(model) == 0 || rng.IntN(100) < 55 {
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
		if step%500 == 0 {
			for i, e := range model {
				if l.at(i) != e || int(e.idx) != i {
					t.Fatalf("step %d: position %d holds %p (idx %d), want %p", step, i, l.at(i), e.idx, e)
				}
			}
		}
	}
}

// What the list says it holds is what the heap holds (within 2%, or the
// list's own 64-byte header for tiny lists).
func TestKeyListBytes(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's allocator sizes small objects differently")
	}
	for _, n := range []int{5, 700, 5000, 300000} {
		es := make([]Entry, n)
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var l keyList
		for i := range es {
			l.push(&es[i])
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		if d := l.bytes() - heap; d < -64 && d < -heap/50 || d > 64 && d > heap/50 {
			t.Errorf("%d keys: list says %d bytes, heap grew by %d", n, l.bytes(), heap)
		}
		runtime.KeepAlive(&l)
	}
}
