package keyspace

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

func setMembers(s *Set) []string {
	var out []string
	s.Each(func(m []byte) bool {
		out = append(out, string(m))
		return true
	})
	return out
}

func checkSet(t *testing.T, s *Set, model map[string]bool, step int) {
	t.Helper()
	if s.Len() != len(model) {
		t.Fatalf("step %d: Len %d, model %d", step, s.Len(), len(model))
	}
	members := setMembers(s)
	for _, m := range members {
		if !model[m] {
			t.Fatalf("step %d: member %q not in model", step, m)
		}
	}
	if s.IsIntset() {
		// An intset lists its members in ascending numeric order.
		ints := make([]int64, len(members))
		for i, m := range members {
			ints[i], _ = strconv.ParseInt(m, 10, 64)
		}
		if !slices.IsSorted(ints) {
			t.Fatalf("step %d: intset out of order: %v", step, members)
		}
	}
	for m := range model {
		if !s.Has([]byte(m)) || !s.HasString(m) {
			t.Fatalf("step %d: member %q missing", step, m)
		}
	}
}

func TestSetModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, strings := range []bool{false, true} {
		s := NewIntSet()
		model := map[string]bool{}
		for step := 0; step < 4000; step++ {
			m := strconv.Itoa(rng.IntN(300) - 150)
			if strings && rng.IntN(50) == 0 {
				m = "s" + m
			}
			switch rng.IntN(5) {
			case 0, 1:
				if s.Add([]byte(m), 512) == model[m] {
					t.Fatalf("step %d: Add(%q) disagrees with model", step, m)
				}
				model[m] = true
			case 2:
				if s.Remove([]byte(m)) != model[m] {
					t.Fatalf("step %d: Remove(%q) disagrees with model", step, m)
				}
				delete(model, m)
			case 3:
				if s.Len() > 0 {
					got := s.PopAt(s.Random())
					if !model[got] {
						t.Fatalf("step %d: popped %q not in model", step, got)
					}
					delete(model, got)
				}
			case 4:
				if s.Has([]byte(m)) != model[m] {
					t.Fatalf("step %d: Has(%q) disagrees with model", step, m)
				}
			}
			if step%40 == 0 {
				checkSet(t, s, model, step)
			}
		}
		checkSet(t, s, model, -1)
		if strings == s.IsIntset() {
			t.Fatalf("strings=%v but intset=%v", strings, s.IsIntset())
		}
	}
}

func TestSetEncodings(t *testing.T) {
	if NewSetFor([]byte("12")).Encoding() != "intset" || NewSetFor([]byte("a")).Encoding() != "hashtable" {
		t.Fatal("NewSetFor picks the wrong encoding")
	}
	for _, m := range []string{"01", "+1", "-0", " 1", "1 ", "1.0", "9223372036854775808", "-9223372036854775809", ""} {
		if _, ok := ParseSetInt([]byte(m)); ok {
			t.Errorf("%q parsed as an intset integer", m)
		}
	}
	for _, m := range []string{"0", "-1", "9223372036854775807", "-9223372036854775808"} {
		if _, ok := ParseSetInt([]byte(m)); !ok {
			t.Errorf("%q not parsed as an intset integer", m)
		}
	}
	s := NewIntSet()
	for i := 0; i < 3; i++ {
		s.Add([]byte(strconv.Itoa(i)), 3)
	}
	if !s.IsIntset() {
		t.Fatal("3 integers over a limit of 3 should stay an intset")
	}
	s.Add([]byte("3"), 3)
	if s.IsIntset() {
		t.Fatal("a 4th integer over a limit of 3 should convert")
	}
	for i := 0; i < 4; i++ {
		s.Remove([]byte(strconv.Itoa(i)))
	}
	s.Add([]byte("1"), 3)
	if s.IsIntset() {
		t.Fatal("conversion must not revert")
	}
}

// Every member present for a whole SSCAN iteration is returned.
func TestSetScanGuarantee(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	s := NewSetFor([]byte("x"))
	for i := 0; i < 3000; i++ {
		s.Add([]byte(fmt.Sprintf("stay%d", i)), 512)
		s.Add([]byte(fmt.Sprintf("go%d", i)), 512)
	}
	seen := map[string]bool{}
	cursor, calls := uint64(0), 0
	for {
		cursor = s.Scan(cursor, 1+rng.IntN(30), func(m []byte) { seen[string(m)] = true })
		calls++
		for k := 0; k < 7; k++ {
			s.Remove([]byte(fmt.Sprintf("go%d", rng.IntN(3000))))
			s.Add([]byte(fmt.Sprintf("new%d-%d", calls, k)), 512)
		}
		if cursor == 0 {
			break
		}
		if calls > 100000 {
			t.Fatal("scan does not terminate")
		}
	}
	for i := 0; i < 3000; i++ {
		if m := fmt.Sprintf("stay%d", i); !seen[m] {
			t.Fatalf("member %q present throughout was not returned", m)
		}
	}
}

func TestSetBinaryRoundTrip(t *testing.T) {
	ints := NewIntSet()
	for _, v := range []int64{-1 << 63, -5, 0, 7, 1<<63 - 1} {
		ints.Add([]byte(strconv.FormatInt(v, 10)), 512)
	}
	table := NewSetFor([]byte("a"))
	for i := 0; i < 100; i++ {
		table.Add([]byte(fmt.Sprintf("m\x00\xff%d", i)), 512)
	}
	table.Add([]byte(""), 512)
	for _, s := range []*Set{ints, table} {
		b := s.AppendBinary(nil)
		v, err := DecodeValue(KindSet, b)
		if err != nil {
			t.Fatal(err)
		}
		got := v.(*Set)
		if got.Encoding() != s.Encoding() || !slices.Equal(setMembers(got), setMembers(s)) {
			t.Fatalf("round trip of %s set changed it", s.Encoding())
		}
		corruptInputs(t, KindSet, b)
	}
	// An intset whose integers are not strictly ascending is corrupt.
	bad := []byte{0, 2, 4, 2}
	if _, err := DecodeValue(KindSet, bad); err == nil {
		t.Fatal("unsorted intset accepted")
	}
}

func TestListBinaryRoundTrip(t *testing.T) {
	l := NewList()
	for i := 0; i < 3000; i++ {
		l.PushBack([]byte(fmt.Sprintf("v\x00%d", i)))
	}
	l.PushFront(nil)
	b := l.AppendBinary(nil)
	v, err := DecodeValue(KindList, b)
	if err != nil {
		t.Fatal(err)
	}
	got := v.(*List)
	if got.Len() != l.Len() {
		t.Fatalf("decoded %d values, want %d", got.Len(), l.Len())
	}
	for i := 0; i < l.Len(); i += 97 {
		a, _ := l.Index(i)
		g, _ := got.Index(i)
		if string(a) != string(g) {
			t.Fatalf("value %d: %q, want %q", i, g, a)
		}
	}
	if got.Encoding() != "quicklist" {
		t.Fatalf("list encoding %q", got.Encoding())
	}
	corruptInputs(t, KindList, b)
}

func TestSetCloneIndependent(t *testing.T) {
	for _, first := range []string{"1", "a"} {
		s := NewSetFor([]byte(first))
		for i := 0; i < 20; i++ {
			s.Add([]byte(strconv.Itoa(i)), 512)
		}
		c := s.Clone().(*Set)
		c.Add([]byte("new"), 512)
		c.Remove([]byte("3"))
		if s.Len() != 20 || !s.Has([]byte("3")) || s.Has([]byte("new")) {
			t.Fatal("clone shares state with the original")
		}
	}
}

func benchSet(n int) (*Set, [][]byte) {
	s := NewSetFor([]byte("x"))
	members := make([][]byte, n)
	for i := range members {
		members[i] = []byte(fmt.Sprintf("member:%09d", i))
		s.Add(members[i], 512)
	}
	return s, members
}

// The per-operation cost of a table set does not grow with its size (it
// rises with cache misses once the set outgrows the CPU caches).
func BenchmarkSetOps(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5, 1e6} {
		s, members := benchSet(n)
		b.Run(fmt.Sprintf("Has/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s.Has(members[i%n])
			}
		})
		b.Run(fmt.Sprintf("RemoveAdd/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m := members[i%n]
				s.Remove(m)
				s.Add(m, 512)
			}
		})
		b.Run(fmt.Sprintf("PopRandomAdd/n=%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				m := s.PopAt(s.Random())
				s.addString(m)
			}
		})
	}
}

// An intset insert is O(n) like Redis's, bounded by set-max-intset-entries.
func BenchmarkIntsetAdd(b *testing.B) {
	for _, n := range []int{64, 512} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := NewIntSet()
			for i := 0; i < n; i++ {
				s.Add([]byte(strconv.Itoa(2*i)), int64(n+1))
			}
			m := []byte(strconv.Itoa(n - 1)) // odd: lands in the middle
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Add(m, int64(n+1))
				s.Remove(m)
			}
		})
	}
}

// BenchmarkSetMemory reports heap bytes per member of a table set with
// 16-byte members (Redis spends about 24 for the dictEntry, 24 for the
// sds and 8 for the bucket).
func BenchmarkSetMemory(b *testing.B) {
	const n = 100000
	members := make([][]byte, n)
	for i := range members {
		members[i] = []byte(fmt.Sprintf("member:%09d", i))
	}
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := NewSetFor([]byte("x"))
		for _, m := range members {
			s.Add(m, 512)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/member")
		runtime.KeepAlive(s)
	}
}
