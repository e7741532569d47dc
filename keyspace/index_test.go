package keyspace

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// indexed is an index over its own key list, kept as a keyspace keeps
// them: entries join the list before the index and leave the index before
// the list, and the index is told when the list moves an entry.
type indexed struct {
	x index
	l keyList
}

func (ix *indexed) add(e *Entry) {
	ix.l.push(e)
	ix.x.add(&ix.l, e)
}

// remove takes e out of the index and the list and reports whether the
// index held it; it fails t if the entry the list moved had no slot.
func (ix *indexed) remove(t testing.TB, e *Entry) bool {
	t.Helper()
	if !ix.x.remove(&ix.l, e) {
		return false
	}
	i, last := int(e.idx), ix.l.Len()-1
	ix.l.swapRemove(i)
	if i != last {
		if moved := ix.l.at(i); !ix.x.move(moved, last) {
			t.Fatalf("%q moved from %d to %d: no slot held %d", moved.Key, last, i, last)
		}
	}
	return true
}

func (ix *indexed) get(key string) *Entry { return ix.x.get(&ix.l, []byte(key)) }

// checkIndex verifies the index against a model map, and its own
// invariants: counts, distances, tags and Robin Hood order within runs,
// and that every slot holds a distinct, current position of the key list.
func checkIndex(t *testing.T, ix *indexed, model map[string]*Entry) {
	t.Helper()
	x := &ix.x
	if x.Len() != len(model) {
		t.Fatalf("Len %d, model %d", x.Len(), len(model))
	}
	for k, e := range model {
		if got := ix.get(k); got != e {
			t.Fatalf("get(%q) = %p, want %p", k, got, e)
		}
		// What move and remove look for: the slot holding its position.
		if tb, i := x.locate(keyHashString(k), int(e.idx)); tb == nil || tb.slots[i].pos() != int(e.idx) {
			t.Fatalf("%q: no slot found for position %d", k, e.idx)
		}
	}
	seen := map[int]bool{}
	for _, tb := range []*table{&x.cur, &x.old} {
		n := 0
		for i := 0; i < tb.n; i++ {
			s := tb.slots[i]
			if s.meta == 0 {
				if s != (slot{}) {
					t.Fatalf("empty slot %d holds %v", i, s)
				}
				continue
			}
			n++
			pos := s.pos()
			if pos >= ix.l.Len() || seen[pos] {
				t.Fatalf("slot %d: position %d (list of %d, seen before %v)", i, pos, ix.l.Len(), seen[pos])
			}
			seen[pos] = true
			e := ix.l.at(pos)
			h := keyHashString(e.Key)
			if d := (i - tb.home(h) + tb.n) % tb.n; d != metaDist(s.meta) || uint8(s.meta>>8) != uint8(h) {
				t.Fatalf("slot %d: distance %d tag %#x, meta %#x", i, d, uint8(h), s.meta)
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
// Every removal but the last entry's moves another entry in the list,
// whose slot must follow it.
func TestIndexModel(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		var ix indexed
		model := map[string]*Entry{}
		keys := make([]string, 0, 6000)
		midway, movedMidway := 0, 0
		for step := 0; step < 30000; step++ {
			switch r := rng.IntN(10); {
			case r < 6 || len(keys) == 0:
				k := fmt.Sprintf("key:%d", rng.IntN(8000))
				if model[k] != nil {
					continue
				}
				e := &Entry{Key: k}
				ix.add(e)
				model[k] = e
				keys = append(keys, k)
			case r < 9:
				i := rng.IntN(len(keys))
				k := keys[i]
				keys[i] = keys[len(keys)-1]
				keys = keys[:len(keys)-1]
				last := ix.l.at(ix.l.Len() - 1)
				if !ix.remove(t, model[k]) {
					t.Fatalf("remove(%q) found nothing", k)
				}
				delete(model, k)
				if ix.get(k) != nil {
					t.Fatalf("%q still found after remove", k)
				}
				if last.Key != k {
					if ix.get(last.Key) != last {
						t.Fatalf("%q not found after it moved", last.Key)
					}
					if ix.x.migrating() {
						movedMidway++
					}
				}
			default:
				k := fmt.Sprintf("key:%d", rng.IntN(8000))
				if got := ix.get(k); got != model[k] {
					t.Fatalf("get(%q) = %p, want %p", k, got, model[k])
				}
			}
			if step%997 == 0 || ix.x.old.count > 0 && step%13 == 0 {
				checkIndex(t, &ix, model)
				if ix.x.old.count > 0 {
					midway++
				}
			}
		}
		checkIndex(t, &ix, model)
		if midway < 10 || movedMidway < 20 {
			t.Fatalf("only %d checks and %d moves during a migration", midway, movedMidway)
		}
		stranger := &Entry{Key: "key:1", idx: 0}
		if ix.x.remove(&ix.l, stranger) {
			t.Fatal("removed an entry that was never indexed")
		}
	}
}

// Moves find their slot in the old table too, before and after the
// migration passed it: start a migration by hand with every entry in the
// old table, then remove entries (each moving the last one, often still
// in the old table) while it is under way, checking everything after
// every removal.
func TestIndexMoveDuringMigration(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		var ix indexed
		model := map[string]*Entry{}
		for i := 0; i < 1500; i++ {
			e := &Entry{Key: fmt.Sprint("k", i)}
			ix.add(e)
			model[e.Key] = e
		}
		ix.x.migrate(&ix.l, ix.x.migLeft)
		ix.x.grow(&ix.l)
		rng := rand.New(rand.NewPCG(seed, 2))
		inOld, midRun := 0, 0
		for ix.x.migrating() {
			last := ix.l.at(ix.l.Len() - 1)
			if tb, _ := ix.x.locate(keyHashString(last.Key), int(last.idx)); tb == &ix.x.old {
				inOld++
			}
			if m := ix.x.old.slots[ix.x.migNext].meta; m != 0 && metaDist(m) > 0 {
				midRun++ // the rest of a run whose start was moved is left
			}
			e := ix.l.at(rng.IntN(ix.l.Len() - 1))
			ix.remove(t, e)
			delete(model, e.Key)
			checkIndex(t, &ix, model)
		}
		if inOld < 20 || midRun < 5 {
			t.Fatalf("only %d entries of the old table moved, %d removals in the middle of a run", inOld, midRun)
		}
	}
}

// A table grows by migration spread over later writes: no single add
// moves more than a few runs' worth of slots, however big the table.
func TestIndexMigratesIncrementally(t *testing.T) {
	var ix indexed
	most, migrating := 0, 0
	for i := 0; i < 200000; i++ {
		before := ix.x.old.count
		ix.add(&Entry{Key: fmt.Sprint(i)})
		if before > 0 {
			migrating++
			most = max(most, before-ix.x.old.count)
		}
	}
	t.Logf("most slots moved by one add: %d; adds during a migration: %d", most, migrating)
	if most > 128 {
		t.Fatalf("an add moved %d slots at once", most)
	}
	if migrating < 200000/(4*migrateSlots) {
		t.Fatalf("only %d adds ran during a migration", migrating)
	}
	if ix.x.Len() != 200000 {
		t.Fatalf("Len %d", ix.x.Len())
	}
}

// The pathological path: a position that cannot be placed near its home
// forces a rebuild that keeps every key.
func TestIndexRebuild(t *testing.T) {
	var ix indexed
	model := map[string]*Entry{}
	for i := 0; i < 1000; i++ {
		e := &Entry{Key: fmt.Sprint(i)}
		ix.add(e)
		model[e.Key] = e
	}
	ix.x.rebuild(&ix.l, -1)
	checkIndex(t, &ix, model)
	e := &Entry{Key: "extra"}
	model[e.Key] = e
	ix.l.push(e) // in the list, in no slot: as a failed insertion leaves it
	ix.x.rebuild(&ix.l, int(e.idx))
	checkIndex(t, &ix, model)
}

// Positions above 65535 survive being split into a slot's two halves.
func TestSlotPositions(t *testing.T) {
	for _, pos := range []int{0, 1, 65535, 65536, 1<<24 + 3, 1<<31 - 1} {
		if got := makeSlot(0x1234, pos).pos(); got != pos {
			t.Fatalf("position %d reads back as %d", pos, got)
		}
	}
}

func TestIndexGetDoesNotAllocate(t *testing.T) {
	var ix indexed
	for i := 0; i < 1000; i++ {
		ix.add(&Entry{Key: fmt.Sprintf("key:%d", i)})
	}
	hit, miss := []byte("key:500"), []byte("nope")
	if n := testing.AllocsPerRun(100, func() {
		if ix.x.get(&ix.l, hit) == nil || ix.x.get(&ix.l, miss) != nil {
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
		var ix indexed
		for _, e := range es {
			ix.add(e)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if e := ix.x.get(&ix.l, ks[order[i%len(order)]]); e == nil || e.Expire != 0 {
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

// Building a 1,000,000-key index and its key list from empty (growth
// included), against the Go map.
func BenchmarkIndexAdd(b *testing.B) {
	es, _ := benchKeys(1000000)
	b.Run("index", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			var ix indexed
			for _, e := range es {
				ix.add(e)
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
	var ix indexed
	for i := 0; i < 20000; i++ {
		ix.add(&Entry{Key: fmt.Sprint(i)})
	}
	ix.x.migrate(&ix.l, ix.x.migLeft)
	// Tables of 2048, 4096, 8192 and 16384 slots were migrated away.
	if released != 4 {
		t.Fatalf("%d releases, want 4", released)
	}
}

// The table a million-key load last migrated away (1,048,576 slots) is
// big enough to be handed back.
func TestReleaseThreshold(t *testing.T) {
	if tableBytes(1<<20) < releaseBytes || tableBytes(1<<19) >= releaseBytes {
		t.Fatalf("tables of %d and %d bytes against a threshold of %d", tableBytes(1<<20), tableBytes(1<<19), releaseBytes)
	}
}
