package keyspace

import (
	"fmt"
	"runtime"
	"testing"
	"time"
	"unsafe"
)

// The accounting fields must not push Entry past its 64-byte size class.
func TestEntryFitsSizeClass(t *testing.T) {
	if n := unsafe.Sizeof(Entry{}); n > entryBytes {
		t.Fatalf("Entry is %d bytes, accounted as %d", n, entryBytes)
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
	if e.memTouch != 1 || s.mem.dirty[e] != db {
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
	size := int64(e.mem) * memUnit
	touches := int(size/remeasureBytesPerTouch) + 1
	for i := 0; i < touches; i++ {
		h.Set([]byte(fmt.Sprintf("more:%d", i)), []byte("v"))
		db.Modified([]byte("h"))
	}
	if int64(e.mem)*memUnit <= size {
		t.Fatalf("value not re-measured after %d changes", touches)
	}
	db.Delete([]byte("h"), 0)
	if len(s.mem.dirty) != 0 || s.UsedMemory() != 0 {
		t.Fatalf("deleted entry left %d dirty, %d bytes", len(s.mem.dirty), s.UsedMemory())
	}
}

// The account follows the Go heap for many small string keys.
func TestAccountTracksHeap(t *testing.T) {
	const n = 200000
	runtime.GC()
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
	if ratio := float64(used) / float64(heap); ratio < 0.9 || ratio > 1.1 {
		t.Fatalf("account %d bytes, heap grew by %d (ratio %.3f)", used, heap, ratio)
	}
	t.Logf("account %d bytes, heap grew by %d (%.1f bytes a key)", used, heap, float64(heap)/n)
	runtime.KeepAlive(s)
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
