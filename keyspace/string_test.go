package keyspace

import (
	"bytes"
	"runtime"
	"testing"
	"unsafe"
)

// The inline length field fits String's padding: String stays 32 bytes.
func TestStringHeaderSize(t *testing.T) {
	if n := unsafe.Sizeof(String{}); n != stringHeaderBytes {
		t.Fatalf("String is %d bytes, accounted as %d", n, stringHeaderBytes)
	}
}

// NewString copies the bytes, keeps short values in its own allocation
// and sizes the buffer as stringCap says.
func TestNewStringLayout(t *testing.T) {
	for n := 0; n <= 200; n++ {
		b := bytes.Repeat([]byte{byte(n)}, n)
		s := NewString(b)
		if !bytes.Equal(s.B, b) || cap(s.B) != stringCap(n) {
			t.Fatalf("%d bytes: got %d bytes, cap %d, want cap %d", n, len(s.B), cap(s.B), stringCap(n))
		}
		if inline := n > 8 && n <= maxInlineString; s.inlineBytes() != inline {
			t.Fatalf("%d bytes: inline %v", n, s.inlineBytes())
		}
		if n > 0 {
			b[0]++
			if s.B[0] == b[0] {
				t.Fatalf("%d bytes: value shares the caller's buffer", n)
			}
		}
		if c := s.Clone().(*String); !bytes.Equal(c.B, s.B) || (n > 0 && &c.B[0] == &s.B[0]) {
			t.Fatalf("%d bytes: clone %q shares or differs", n, c.B)
		}
	}
}

// A value grown past its inline buffer is charged for both allocations.
func TestStringLeavesInlineBuffer(t *testing.T) {
	s := NewString([]byte("0123456789"))
	if got := ValueMemory(s); got != 48 {
		t.Fatalf("10-byte string charged %d, want 48", got)
	}
	s.B = append(s.B, "abcdef"...) // 16: still fits
	if !s.inlineBytes() || ValueMemory(s) != 48 {
		t.Fatalf("16 bytes: inline %v, charged %d", s.inlineBytes(), ValueMemory(s))
	}
	s.B = append(s.B, '!')
	if s.inlineBytes() || ValueMemory(s) != 48+AllocSize(cap(s.B)) {
		t.Fatalf("17 bytes: inline %v, charged %d", s.inlineBytes(), ValueMemory(s))
	}
}

// The model follows the heap for strings of every inline size and beyond.
func TestStringMemoryModel(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's allocator sizes small objects differently")
	}
	for _, size := range []int{1, 10, 16, 20, 40, 64, 65, 100, 300} {
		const n = 20000
		src := make([]byte, size)
		vals := make([]*String, n)
		settle()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i := range vals {
			vals[i] = NewString(src)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		var model int64
		for _, v := range vals {
			model += ValueMemory(v)
		}
		if r := float64(model) / float64(heap); r < 0.98 || r > 1.02 {
			t.Errorf("%d-byte strings: model %d, heap grew by %d", size, model, heap)
		}
		runtime.KeepAlive(vals)
	}
}

// SetString overwrites a string whose buffer fits in place, after an open
// snapshot captured the old bytes, and replaces it otherwise.
func TestSetStringInPlace(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	e := db.SetString([]byte("k"), []byte("first"), false)
	v := e.Value.(*String)
	v.Raw, v.NoInt = true, true
	db.SetExpire(e, 1e15)
	var captured string
	s.BeginSnapshot(func(_ *DB, e *Entry) { captured = string(e.Value.(*String).B) })
	if db.SetString([]byte("k"), []byte("second"), true) != e || e.Value != Value(v) {
		t.Fatal("same-size SET replaced the value")
	}
	s.EndSnapshot()
	if captured != "first" || string(v.B) != "second" || v.Raw || v.NoInt || e.Expire == 0 {
		t.Fatalf("captured %q, value %q raw %v noint %v expire %d", captured, v.B, v.Raw, v.NoInt, e.Expire)
	}
	db.SetString([]byte("k"), []byte("third"), false)
	if e.Expire != 0 || db.Expires() != 0 {
		t.Fatal("SetString without keepTTL kept the TTL")
	}
	// Bigger than the buffer, or far smaller than a big one: a new value.
	db.SetString([]byte("k"), bytes.Repeat([]byte("x"), 40), false)
	if e.Value == Value(v) || string(v.B) != "third" {
		t.Fatal("a 40-byte value was written into a 16-byte buffer")
	}
	big := e.Value.(*String)
	db.SetString([]byte("k"), []byte("y"), false)
	if e.Value == Value(big) {
		t.Fatal("a 1-byte value kept a 48-byte buffer")
	}
	// Over another type, and on a new key.
	db.Set([]byte("h"), NewHash(), false)
	if h := db.SetString([]byte("h"), []byte("v"), false); string(h.Value.(*String).B) != "v" {
		t.Fatal("SetString over a hash")
	}
	if n := db.SetString([]byte("new"), []byte("v"), false); n == nil || db.Len() != 3 {
		t.Fatal("SetString of a new key")
	}
	if got, want := s.UsedMemory(), s.Recount(); got != want {
		t.Fatalf("account %d, recount %d", got, want)
	}
}

// SET over an existing string allocates nothing.
func TestSetStringDoesNotAllocate(t *testing.T) {
	db := NewStore(1).Numbered(0)
	key, val := []byte("key:1"), []byte("value")
	db.SetString(key, val, false)
	if n := testing.AllocsPerRun(100, func() { db.SetString(key, val, false) }); n != 0 {
		t.Fatalf("SetString allocates %.1f times", n)
	}
}
