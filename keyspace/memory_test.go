package keyspace

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// Entry stays in the 48-byte size class, and an entry with its key costs
// what entryAlloc says.
func TestEntryFitsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Entry{}); n != entryBytes {
		t.Fatalf("Entry is %d bytes, accounted as %d", n, entryBytes)
	}
	for _, c := range []struct {
		n    int
		want uintptr
	}{{1, unsafe.Sizeof(entry16{})}, {16, unsafe.Sizeof(entry16{})}, {17, unsafe.Sizeof(entry32{})},
		{48, unsafe.Sizeof(entry48{})}, {64, unsafe.Sizeof(entry64{})}, {80, unsafe.Sizeof(entry80{})}} {
		if got := entryAlloc(c.n); got != AllocSize(int(c.want)) {
			t.Errorf("entryAlloc(%d) = %d, want %d", c.n, got, AllocSize(int(c.want)))
		}
	}
}

// Keys of every length round-trip through their entries, inline or not.
func TestNewEntryKeys(t *testing.T) {
	for n := 0; n <= 200; n++ {
		k := make([]byte, n)
		for i := range k {
			k[i] = byte(n + i)
		}
		a, b := newEntry(k), newEntry(string(k))
		if a.Key != string(k) || b.Key != string(k) {
			t.Fatalf("%d-byte key stored as %q / %q", n, a.Key, b.Key)
		}
		if n > 0 {
			k[0]++ // the entry holds a copy
			if a.Key == string(k) {
				t.Fatalf("%d-byte key shares the caller's buffer", n)
			}
		}
	}
}

func TestAllocSize(t *testing.T) {
	for _, c := range []struct{ n, want int }{
		{0, 0}, {1, 8}, {8, 8}, {9, 16}, {33, 48}, {1025, 1152}, {32768, 32768}, {32769, 40960},
	} {
		if got := AllocSize(c.n); got != int64(c.want) {
			t.Errorf("AllocSize(%d) = %d, want %d", c.n, got, c.want)
		}
	}
	// The table for small sizes agrees with the search.
	for n := 1; n <= 2048; n++ {
		if got, want := AllocSize(n), searchClass(n); got != want || got < int64(n) {
			t.Fatalf("AllocSize(%d) = %d, search says %d", n, got, want)
		}
	}
}

// The running total always equals a full recount, whatever happens to keys.
func TestAccountMatchesRecount(t *testing.T) {
	s := NewStore(2)
	db := s.Numbered(0)
	check := func(step string) {
		t.Helper()
		got := s.UsedMemory()
		if want := s.Recount(); got != want {
			t.Fatalf("%s: running total %d, recount %d", step, got, want)
		}
	}
	for i := 0; i < 100; i++ {
		db.Add(fmt.Sprintf("k%d", i), NewString(make([]byte, i)))
	}
	check("add")
	db.Set([]byte("k1"), NewString(make([]byte, 500)), false)
	check("overwrite")
	for i := 0; i < 50; i += 3 {
		db.SetExpire(db.Peek([]byte(fmt.Sprintf("k%d", i))), 1e15)
	}
	check("expire")
	db.Delete([]byte("k3"), 0)
	db.Delete([]byte("k4"), 0)
	check("delete")
	db.Rename(db.Peek([]byte("k5")), []byte("k6"), 0)
	check("rename")
	s.Swap(db, s.Numbered(1))
	check("swap")
	s.Numbered(1).Flush()
	check("flush")
	if s.UsedMemory() != 0 {
		t.Fatalf("empty store charged %d", s.UsedMemory())
	}
}

// A string grown in place is re-measured at once.
func TestModifiedString(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	e := db.Add("k", NewString([]byte("ab")))
	before := s.UsedMemory()
	str := e.Value.(*String)
	str.B = append(str.B, make([]byte, 1000)...)
	if db.Modified([]byte("k")) != e {
		t.Fatal("Modified did not return the entry")
	}
	if grew := s.UsedMemory() - before; grew < 1000 {
		t.Fatalf("account grew by %d after appending 1000 bytes", grew)
	}
	if db.Modified([]byte("missing")) != nil {
		t.Fatal("Modified found a missing key")
	}
}

// A big collection is re-measured within a bounded number of changes, and
// pending re-measures are drained by RemeasureDirty.
func TestModifiedBigValueAmortised(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	h := &Hash{}
	for i := 0; i < 2000; i++ {
		h.Set([]byte(fmt.Sprintf("field:%d", i)), []byte("value"))
	}
	e := db.Add("h", h)
	charged := s.UsedMemory()
	h.Set([]byte("one-more-field"), make([]byte, 100))
	db.Modified([]byte("h"))
	if s.UsedMemory() != charged {
		t.Fatalf("big value re-measured on its first change")
	}
	if mark := s.mem.dirty[e]; mark.touches != 1 || mark.db != db {
		t.Fatal("big value not queued for re-measure")
	}
	if left := s.RemeasureDirty(time.Now().Add(time.Second)); left != 0 {
		t.Fatalf("%d entries left dirty", left)
	}
	if s.UsedMemory() <= charged {
		t.Fatal("RemeasureDirty did not charge the growth")
	}
	if got, want := s.UsedMemory(), s.Recount(); got != want {
		t.Fatalf("total %d, recount %d", got, want)
	}
	// Enough changes trigger a re-measure without the periodic task.
	size := db.charged(e)
	touches := int(size/remeasureBytesPerTouch) + 1
	for i := 0; i < touches; i++ {
		h.Set([]byte(fmt.Sprintf("more:%d", i)), []byte("v"))
		db.Modified([]byte("h"))
	}
	if db.charged(e) <= size {
		t.Fatalf("value not re-measured after %d changes", touches)
	}
	db.Delete([]byte("h"), 0)
	main, _ := db.Overhead()
	if len(s.mem.dirty) != 0 || s.UsedMemory() != main {
		t.Fatalf("deleted entry left %d dirty, %d bytes charged for an empty keyspace of %d", len(s.mem.dirty), s.UsedMemory(), main)
	}
}

// The account follows the Go heap for many small string keys, whatever
// phase of its growth the key map is in.
func TestAccountTracksHeap(t *testing.T) {
	for _, n := range []int{20000, 150000, 400000} {
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s := NewStore(1)
		db := s.Numbered(0)
		for i := 0; i < n; i++ {
			e := db.Add(fmt.Sprintf("key:%08d", i), NewString([]byte(fmt.Sprintf("value-%d", i))))
			if i%4 == 0 {
				db.SetExpire(e, 1e15)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		used := s.UsedMemory()
		ratio := float64(used) / float64(heap)
		t.Logf("%d keys: account %d bytes, heap grew by %d (ratio %.3f, %.1f bytes a key)", n, used, heap, ratio, float64(heap)/float64(n))
		if ratio < 0.95 || ratio > 1.05 {
			t.Errorf("%d keys: account %d bytes, heap grew by %d (ratio %.3f)", n, used, heap, ratio)
		}
		runtime.KeepAlive(s)
	}
}

func BenchmarkModifiedString(b *testing.B) {
	s := NewStore(1)
	db := s.Numbered(0)
	db.Add("k", NewString([]byte("value")))
	key := []byte("k")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		db.Modified(key)
	}
}

// MapBytes follows what Go maps of keyspace shape really take.
func TestMapBytesModel(t *testing.T) {
	for _, n := range []int{100, 700, 5000, 50000, 300000} {
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("key:%08d", i)
		}
		e := &Entry{}
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m := map[string]*Entry{}
		for _, k := range keys {
			m[k] = e
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		real := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		model := MapBytes(n, 16+8)
		if r := float64(model) / float64(real); r < 0.9 || r > 1.1 {
			t.Errorf("%d keys: model %d bytes, map took %d", n, model, real)
		}
		runtime.KeepAlive(m)
		runtime.KeepAlive(keys)
	}
}

// Sets and hashes are measured with their strings and maps.
func TestCollectionBytes(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's allocator sizes small objects differently")
	}
	const n = 20000
	for _, kind := range []string{"set", "intset", "hash", "bighash"} {
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		vals := make([]Value, n)
		for i := range vals {
			switch kind {
			case "set":
				s := NewSetFor([]byte("red"))
				for _, m := range []string{"red", "green", "blue", fmt.Sprintf("member-%d", i)} {
					s.Add([]byte(m), 512)
				}
				vals[i] = s
			case "intset":
				s := NewIntSet()
				for j := 0; j < 10; j++ {
					s.Add([]byte(fmt.Sprint(i*10+j)), 512)
				}
				vals[i] = s
			case "hash":
				h := NewHash()
				h.Set([]byte("name"), []byte(fmt.Sprintf("user-%d", i)))
				h.Set([]byte("city"), []byte("Lisbon"))
				vals[i] = h
			case "bighash":
				if i >= n/100 {
					continue
				}
				h := NewHash()
				for j := 0; j < 100; j++ {
					h.Set([]byte(fmt.Sprintf("field-%d", j)), []byte(fmt.Sprintf("value-%d-%d", i, j)))
				}
				vals[i] = h
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		real := int64(after.HeapAlloc) - int64(before.HeapAlloc) - int64(AllocSize(n*16))
		var model int64
		for _, v := range vals {
			if v != nil {
				model += ValueMemory(v)
			}
		}
		if r := float64(model) / float64(real); r < 0.9 || r > 1.1 {
			t.Errorf("%s: model %d bytes, heap grew by %d (%.3f)", kind, model, real, r)
		}
		runtime.KeepAlive(vals)
	}
}

// settle collects twice, so sync.Pool caches (fmt's buffers) left by
// earlier work are gone before a heap measurement starts.
func settle() {
	runtime.GC()
	runtime.GC()
}
