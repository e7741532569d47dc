package keyspace

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// hashModel is what a Hash must behave like: a map plus, while compact,
// the insertion order HGETALL reports.
type hashModel struct {
	vals  map[string]string
	order []string
}

func (m *hashModel) set(f, v string) {
	if _, ok := m.vals[f]; !ok {
		m.order = append(m.order, f)
	}
	m.vals[f] = v
}

func (m *hashModel) del(f string) {
	if _, ok := m.vals[f]; ok {
		delete(m.vals, f)
		m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == f })
	}
}

func checkHash(t *testing.T, h *Hash, m *hashModel, step int) {
	t.Helper()
	if h.Len() != len(m.vals) {
		t.Fatalf("step %d: Len %d, model %d", step, h.Len(), len(m.vals))
	}
	seen := map[string]bool{}
	for i := 0; i < h.Len(); i++ {
		f, v := h.At(i)
		if m.vals[f] != v || seen[f] {
			t.Fatalf("step %d: At(%d) = %q=%q, model %q (dup %v)", step, i, f, v, m.vals[f], seen[f])
		}
		seen[f] = true
		if !h.IsTable() && m.order[i] != f {
			t.Fatalf("step %d: compact order at %d is %q, want %q", step, i, f, m.order[i])
		}
	}
	for f, v := range m.vals {
		if got, ok := h.Get([]byte(f)); !ok || got != v {
			t.Fatalf("step %d: Get(%q) = %q %v, want %q", step, f, got, ok, v)
		}
	}
}

func TestHashModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, convertAt := range []int{-1, 0, 300, 1500} {
		h := NewHash()
		m := &hashModel{vals: map[string]string{}}
		for step := 0; step < 3000; step++ {
			if step == convertAt {
				h.ConvertToTable()
			}
			f := fmt.Sprintf("f%d", rng.IntN(200))
			switch rng.IntN(4) {
			case 0, 1:
				v := fmt.Sprintf("v%d", step)
				created := h.Set([]byte(f), []byte(v))
				if _, had := m.vals[f]; created == had {
					t.Fatalf("step %d: Set created=%v, model had=%v", step, created, had)
				}
				m.set(f, v)
			case 2:
				_, had := m.vals[f]
				if h.Delete([]byte(f)) != had {
					t.Fatalf("step %d: Delete(%q) disagrees with model", step, f)
				}
				m.del(f)
			case 3:
				if _, had := m.vals[f]; h.Has([]byte(f)) != had {
					t.Fatalf("step %d: Has(%q) disagrees with model", step, f)
				}
			}
			if step%50 == 0 {
				checkHash(t, h, m, step)
			}
		}
		checkHash(t, h, m, -1)
	}
}

// The hash converts once it outgrows either limit, and never converts back.
func TestHashFits(t *testing.T) {
	h := NewHash()
	for i := 0; i < 4; i++ {
		h.Set([]byte(fmt.Sprint(i)), []byte("v"))
		h.Fits(4, 8, 1, 1)
	}
	if h.IsTable() || h.Encoding() != "listpack" {
		t.Fatal("4 short fields should stay compact")
	}
	h.Set([]byte("x"), []byte("v"))
	h.Fits(4, 8, 1, 1)
	if !h.IsTable() || h.Encoding() != "hashtable" {
		t.Fatal("5 fields over a limit of 4 should convert")
	}
	h2 := NewHash()
	h2.Set([]byte("f"), []byte("123456789"))
	h2.Fits(4, 8, 1, 9)
	if !h2.IsTable() {
		t.Fatal("a 9-byte value over a limit of 8 should convert")
	}
	h2.Delete([]byte("f"))
	if !h2.IsTable() {
		t.Fatal("conversion must not revert")
	}
}

// Every field present for a whole HSCAN iteration is returned, however
// fields come and go between calls.
func TestHashScanGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	h := NewHash()
	h.ConvertToTable()
	for i := 0; i < 2000; i++ {
		h.Set([]byte(fmt.Sprintf("stay%d", i)), []byte("v"))
		h.Set([]byte(fmt.Sprintf("go%d", i)), []byte("v"))
	}
	seen := map[string]bool{}
	cursor, calls := uint64(0), 0
	for {
		cursor = h.Scan(cursor, 1+rng.IntN(20), func(f, _ string) { seen[f] = true })
		calls++
		// Churn between calls: drop transient fields, add new ones.
		for k := 0; k < 5; k++ {
			h.Delete([]byte(fmt.Sprintf("go%d", rng.IntN(2000))))
			h.Set([]byte(fmt.Sprintf("new%d-%d", calls, k)), []byte("v"))
		}
		if cursor == 0 {
			break
		}
		if calls > 100000 {
			t.Fatal("scan does not terminate")
		}
	}
	for i := 0; i < 2000; i++ {
		if f := fmt.Sprintf("stay%d", i); !seen[f] {
			t.Fatalf("field %q present throughout was not returned", f)
		}
	}
	// A compact hash is returned whole, with cursor 0.
	small := NewHash()
	small.Set([]byte("a"), []byte("1"))
	small.Set([]byte("b"), []byte("2"))
	n := 0
	if next := small.Scan(0, 1, func(string, string) { n++ }); next != 0 || n != 2 {
		t.Fatalf("compact scan: cursor %d, %d fields", next, n)
	}
}

func TestHashBinaryRoundTrip(t *testing.T) {
	for _, table := range []bool{false, true} {
		h := NewHash()
		for i := 0; i < 100; i++ {
			h.Set([]byte(fmt.Sprintf("f\x00%d", i)), []byte(fmt.Sprintf("\xff%d", i*i)))
		}
		h.Set([]byte(""), []byte(""))
		if table {
			h.ConvertToTable()
		}
		b := h.AppendBinary(nil)
		v, err := DecodeValue(KindHash, b)
		if err != nil {
			t.Fatal(err)
		}
		got := v.(*Hash)
		if got.IsTable() != table || got.Len() != h.Len() {
			t.Fatalf("decoded table=%v len=%d", got.IsTable(), got.Len())
		}
		for i := 0; i < h.Len(); i++ {
			f, val := h.At(i)
			gf, gv := got.At(i)
			if f != gf || val != gv {
				t.Fatalf("entry %d: %q=%q, want %q=%q", i, gf, gv, f, val)
			}
		}
		corruptInputs(t, KindHash, b)
	}
}

// corruptInputs decodes truncations and bit flips of a valid encoding: a
// decoder may reject them or accept them, but never panic.
func corruptInputs(t *testing.T, k Kind, b []byte) {
	t.Helper()
	for n := 0; n < len(b); n += 1 + n/8 {
		DecodeValue(k, b[:n])
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		c := slices.Clone(b)
		c[rng.IntN(len(c))] ^= byte(1 << rng.IntN(8))
		DecodeValue(k, c)
	}
	if _, err := DecodeValue(k, append(slices.Clone(b), 0)); err == nil {
		t.Fatalf("trailing byte accepted for kind %v", k)
	}
	DecodeValue(k, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
}

func TestHashCloneIndependent(t *testing.T) {
	h := NewHash()
	for i := 0; i < 20; i++ {
		h.Set([]byte(fmt.Sprint(i)), []byte("v"))
	}
	c := h.Clone().(*Hash)
	c.Set([]byte("new"), []byte("x"))
	c.Delete([]byte("3"))
	if h.Len() != 20 || !h.Has([]byte("3")) || h.Has([]byte("new")) {
		t.Fatal("clone shares state with the original")
	}
}

var benchHashSizes = []int{1e3, 1e4, 1e5, 1e6}

func benchHash(n int) (*Hash, [][]byte) {
	h := NewHash()
	h.ConvertToTable()
	fields := make([][]byte, n)
	for i := range fields {
		fields[i] = []byte(fmt.Sprintf("field:%010d", i))
		h.Set(fields[i], []byte("value:0123456789"))
	}
	return h, fields
}

// The per-operation cost of a table hash does not grow with its size (it
// rises with cache misses once the hash outgrows the CPU caches).
func BenchmarkHashOps(b *testing.B) {
	for _, n := range benchHashSizes {
		h, fields := benchHash(n)
		b.Run(fmt.Sprintf("Get/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				h.Get(fields[i%n])
			}
		})
		b.Run(fmt.Sprintf("SetExisting/n=%d", n), func(b *testing.B) {
			v := []byte("value:9876543210")
			for i := 0; i < b.N; i++ {
				h.Set(fields[i%n], v)
			}
		})
		b.Run(fmt.Sprintf("DeleteAdd/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f := fields[i%n]
				h.Delete(f)
				h.Set(f, f)
			}
		})
		b.Run(fmt.Sprintf("Random/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				h.At(h.Random())
			}
		})
	}
}

// BenchmarkHashMemory reports the heap bytes a table hash holds per field
// with 16-byte fields and values (Redis spends about 80: dictEntry, two
// sds and the bucket).
func BenchmarkHashMemory(b *testing.B) {
	const n = 100000
	fields := make([][]byte, n)
	for i := range fields {
		fields[i] = []byte(fmt.Sprintf("field:%010d", i))
	}
	value := []byte("value:0123456789")
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := NewHash()
		h.ConvertToTable()
		for _, f := range fields {
			h.Set(f, value)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/field")
		runtime.KeepAlive(h)
	}
}
