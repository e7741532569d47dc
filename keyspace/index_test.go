package keyspace

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// checkIndex verifies the index against a model map, and its own
// invariants: counts, distances and Robin Hood order within runs.
func checkIndex(t *testing.T, x *index, model map[string]*Entry) {
	t.Helper()
	if x.Len() != len(model) {
		t.Fatalf("Len %d, model %d", x.Len(), len(model))
	}
	for k, e := range model {
		if got := x.get([]byte(k)); got != e {
			t.Fatalf("get(%q) = %p, want %p", k, got, e)
		}
	}
	for _, tb := range []*table{&x.cur, &x.old} {
		n := 0
		for i := 0; i < tb.n; i++ {
			e, m := tb.slot(i), tb.meta(i)
			if (e == nil) != (m == 0) {
				t.Fatalf("slot %d: entry %v, meta %#x", i, e != nil, m)
			}
			if e == nil {
				continue
			}
			n++
			h := keyHashString(e.Key)
			if d := (i - tb.home(h) + tb.n) % tb.n; d != metaDist(m) || uint8(m>>8) != uint8(h) {
				t.Fatalf("slot %d: distance %d tag %#x, meta %#x", i, d, uint8(h), m)
			}
			if model[e.Key] != e {
				t.Fatalf("slot %d holds %q, not in the model", i, e.Key)
			}
		}
		if n != tb.count {
			t.Fatalf("table counts %d, holds %d", tb.count, n)
		}
	}
}

// Random adds, removes and lookups through many growths, checked against
// a map at every step while a migration is under way and between them.
func TestIndexModel(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var x index
		model := map[string]*Entry{}
		keys := make([]string, 0, 6000)
		midway := 0
		for step := 0; step < 30000; step++ {
			switch r := rng.IntN(10); {
			case r < 6 || len(keys) == 0:
				k := fmt.Sprintf("key:%d", rng.IntN(8000))
				if model[k] != nil {
					continue
				}
				e := &Entry{Key: k}
				x.add(e)
				model[k] = e
				keys = append(keys, k)
			case r < 9:
				i := rng.IntN(len(keys))
				k := keys[i]
				keys[i] = keys[len(keys)-1]
				keys = keys[:len(keys)-1]
				if !x.remove(model[k]) {
					t.Fatalf("remove(%q) found nothing", k)
				}
				delete(model, k)
				if x.get([]byte(k)) != nil {
					t.Fatalf("%q still found after remove", k)
				}
			default:
				k := fmt.Sprintf("key:%d", rng.IntN(8000))
				if got := x.get([]byte(k)); got != model[k] {
					t.Fatalf("get(%q) = %p, want %p", k, got, model[k])
				}
			}
			if step%997 == 0 || x.old.count > 0 && step%13 == 0 {
				checkIndex(t, &x, model)
				if x.old.count > 0 {
					midway++
				}
			}
		}
		checkIndex(t, &x, model)
		if midway < 10 {
			t.Fatalf("only %d checks during a migration", midway)
		}
		if x.remove(&Entry{Key: "key:1"}) {
			t.Fatal("removed an entry that was never indexed")
		}
	}
}

// A table grows by migration spread over later writes: no single add
// moves more than a few runs' worth of slots, however big the table.
func TestIndexMigratesIncrementally(t *testing.T) {
	var x index
	most, migrating := 0, 0
	for i := 0; i < 200000; i++ {
		before := x.old.count
		x.add(&Entry{Key: fmt.Sprint(i)})
		if before > 0 {
			migrating++
			most = max(most, before-x.old.count)
		}
	}
	t.Logf("most slots moved by one add: %d; adds during a migration: %d", most, migrating)
	if most > 128 {
		t.Fatalf("an add moved %d slots at once", most)
	}
	if migrating < 200000/(4*migrateSlots) {
		t.Fatalf("only %d adds ran during a migration", migrating)
	}
	if x.Len() != 200000 {
		t.Fatalf("Len %d", x.Len())
	}
}

// The pathological path: an entry that cannot be placed near its home
// forces a rebuild that keeps every key.
func TestIndexRebuild(t *testing.T) {
	var x index
	model := map[string]*Entry{}
	for i := 0; i < 1000; i++ {
		e := &Entry{Key: fmt.Sprint(i)}
		x.add(e)
		model[e.Key] = e
	}
	x.rebuild(nil)
	checkIndex(t, &x, model)
	e := &Entry{Key: "extra"}
	model[e.Key] = e
	x.rebuild(e)
	checkIndex(t, &x, model)
}

func TestIndexGetDoesNotAllocate(t *testing.T) {
	var x index
	for i := 0; i < 1000; i++ {
		x.add(&Entry{Key: fmt.Sprintf("key:%d", i)})
	}
	hit, miss := []byte("key:500"), []byte("nope")
	if n := testing.AllocsPerRun(100, func() {
		if x.get(hit) == nil || x.get(miss) != nil {
			panic("wrong lookup")
		}
	}); n != 0 {
		t.Fatalf("get allocates %.1f times", n)
	}
}

func benchKeys(n int) ([]*Entry, [][]byte) {
	es := make([]*Entry, n)
	ks := make([][]byte, n)
	for i := range es {
		es[i] = &Entry{Key: fmt.Sprintf("key:%08d", i)}
		ks[i] = []byte(es[i].Key)
	}
	return es, ks
}

// Lookups of present keys in a 1,000,000-key index and the Go map it
// replaces, in random order (cache misses dominate, as in a server).
func BenchmarkIndexGet(b *testing.B) {
	es, ks := benchKeys(1000000)
	order := rand.Perm(len(ks))
	b.Run("index", func(b *testing.B) {
		var x index
		for _, e := range es {
			x.add(e)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if e := x.get(ks[order[i%len(order)]]); e == nil || e.Expire != 0 {
				b.Fatal("missing")
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		m := make(map[string]*Entry)
		for _, e := range es {
			m[e.Key] = e
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// The server reads the entry after finding it: so does this.
			if e := m[string(ks[order[i%len(order)]])]; e == nil || e.Expire != 0 {
				b.Fatal("missing")
			}
		}
	})
}

// Building a 1,000,000-key index from empty (growth included), against
// the Go map.
func BenchmarkIndexAdd(b *testing.B) {
	es, _ := benchKeys(1000000)
	b.Run("index", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var x index
			for _, e := range es {
				x.add(e)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			m := make(map[string]*Entry)
			for _, e := range es {
				m[e.Key] = e
			}
		}
	})
}

// Store.Rehash finishes migrations without writes.
func TestRehashFinishesMigration(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	for i := 0; db.Len() < 1000 || !db.dict.migrating(); i++ {
		db.Add(fmt.Sprint(i), NewString(nil))
	}
	for s.Rehash(time.Now().Add(time.Second)) {
	}
	if db.dict.migrating() || db.dict.old.n != 0 {
		t.Fatalf("migration left: %d slots", db.dict.migLeft)
	}
	model := map[string]bool{}
	db.Each(func(e *Entry) bool {
		model[e.Key] = false
		return true
	})
	checkDB(t, db, model)
}

// A big table is handed back to the operating system when its migration
// ends; small ones are not.
func TestIndexReleasesBigTables(t *testing.T) {
	defer func(b int64, f func()) { releaseBytes, releaseMemory = b, f }(releaseBytes, releaseMemory)
	released := 0
	releaseMemory = func() { released++ }
	releaseBytes = tableBytes(2048)
	var x index
	for i := 0; i < 20000; i++ {
		x.add(&Entry{Key: fmt.Sprint(i)})
	}
	x.migrate(x.migLeft)
	// Tables of 2048, 4096, 8192 and 16384 slots were migrated away.
	if released != 4 {
		t.Fatalf("%d releases, want 4", released)
	}
}
