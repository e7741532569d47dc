package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func fromStrings(vals ...string) *List {
	l := New()
	for _, v := range vals {
		l.PushBack([]byte(v))
	}
	return l
}

func strs(l *List) []string {
	var out []string
	l.Range(0, l.Len()-1, func(v []byte) bool {
		out = append(out, string(v))
		return true
	})
	return out
}

func TestPushPopBothEnds(t *testing.T) {
	var l List // the zero value works
	if _, ok := l.PopFront(); ok {
		t.Fatal("pop from empty list")
	}
	l.PushBack([]byte("b"))
	l.PushFront([]byte("a"))
	l.PushBack([]byte("c"))
	if got := strs(&l); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("list %q", got)
	}
	if v, _ := l.PopBack(); string(v) != "c" {
		t.Fatalf("PopBack %q", v)
	}
	if v, _ := l.PopFront(); string(v) != "a" {
		t.Fatalf("PopFront %q", v)
	}
	if v, _ := l.PopFront(); string(v) != "b" || l.Len() != 0 || l.ring != nil {
		t.Fatalf("last pop %q, len %d, ring %d", v, l.Len(), len(l.ring))
	}
	l.PushFront(nil)
	if v, ok := l.PopBack(); !ok || v == nil || len(v) != 0 {
		t.Fatalf("empty value popped as %v %v", v, ok)
	}
}

// Lengths around the varint boundaries and beyond a chunk.
func TestValueSizes(t *testing.T) {
	sizes := []int{0, 1, 127, 128, 129, 16383, 16384, 70000, 1 << 21}
	l := New()
	for i, n := range sizes {
		v := bytes.Repeat([]byte{byte('a' + i)}, n)
		if i%2 == 0 {
			l.PushBack(v)
		} else {
			l.PushFront(v)
		}
	}
	checkInvariants(t, l)
	for i, n := range sizes {
		want := bytes.Repeat([]byte{byte('a' + i)}, n)
		pos := l.Pos(want[:min(n, 1)], 1, 0, 0)
		found := false
		l.Iterate(false, func(_ int, v []byte) bool {
			found = found || bytes.Equal(v, want)
			return !found
		})
		if !found {
			t.Fatalf("value of %d bytes lost (pos %v)", n, pos)
		}
	}
	for l.Len() > 0 {
		v, _ := l.PopBack()
		if len(v) > 0 && bytes.Count(v, v[:1]) != len(v) {
			t.Fatalf("value of %d bytes corrupted", len(v))
		}
	}
}

func TestIndexNegativeAndCapped(t *testing.T) {
	l := fromStrings("a", "b", "c")
	for i, want := range map[int]string{0: "a", 2: "c", -1: "c", -3: "a"} {
		if v, ok := l.Index(i); !ok || string(v) != want {
			t.Errorf("Index(%d) = %q %v, want %q", i, v, ok, want)
		}
	}
	for _, i := range []int{3, -4, 1 << 62, -1 << 62} {
		if _, ok := l.Index(i); ok {
			t.Errorf("Index(%d) in range", i)
		}
		if l.Set(i, []byte("x")) {
			t.Errorf("Set(%d) in range", i)
		}
	}
	// Appending to a returned value must not write into the next one.
	v, _ := l.Index(0)
	_ = append(v, 'Z')
	if got := strs(l); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("append to Index result changed the list: %q", got)
	}
	if !l.Set(-2, []byte("BB")) || !slices.Equal(strs(l), []string{"a", "BB", "c"}) {
		t.Fatalf("Set(-2): %q", strs(l))
	}
}

// Expected results were taken from redis-server 7.0.15 on the list 0..9.
func TestTrimLikeRedis(t *testing.T) {
	cases := []struct {
		start, stop int
		want        string
	}{
		{0, -1, "0123456789"},
		{2, 5, "2345"},
		{-3, -1, "789"},
		{5, 2, ""},
		{-100, 100, "0123456789"},
		{10, 20, ""},
		{-1, -1, "9"},
		{9, 100, "9"},
		{-11, 0, "0"},
		{0, -11, ""},
		{3, 3, "3"},
		{-5, -6, ""},
	}
	for _, c := range cases {
		l := fromStrings(strings.Split("0123456789", "")...)
		l.Trim(c.start, c.stop)
		if got := strings.Join(strs(l), ""); got != c.want {
			t.Errorf("Trim(%d, %d) = %q, want %q", c.start, c.stop, got, c.want)
		}
		checkInvariants(t, l)
	}
}

// Expected results were taken from redis-server 7.0.15.
func TestPosRemoveInsertLikeRedis(t *testing.T) {
	l := fromStrings("a", "b", "c", "a", "b", "c", "a")
	if got := l.Pos([]byte("a"), -1, 0, 0); !slices.Equal(got, []int{6, 3, 0}) {
		t.Errorf("LPOS a RANK -1 COUNT 0 = %v", got)
	}
	if got := l.Pos([]byte("a"), 2, 2, 4); !slices.Equal(got, []int{3}) {
		t.Errorf("LPOS a RANK 2 COUNT 2 MAXLEN 4 = %v", got)
	}
	if got := l.Pos([]byte("c"), -2, 0, 5); !slices.Equal(got, []int{2}) {
		t.Errorf("LPOS c RANK -2 MAXLEN 5 COUNT 0 = %v", got)
	}
	if got := l.Pos([]byte("a"), 1, 1, 0); !slices.Equal(got, []int{0}) {
		t.Errorf("LPOS a = %v", got)
	}
	if got := l.Pos([]byte("a"), -1<<63, 0, 0); got != nil {
		t.Errorf("LPOS with the lowest rank = %v", got)
	}
	if n := l.Remove(-2, []byte("a")); n != 2 || strings.Join(strs(l), "") != "abcbc" {
		t.Errorf("LREM -2 a = %d, list %q", n, strs(l))
	}
	if n := l.Insert([]byte("c"), true, []byte("X")); n != 6 || strings.Join(strs(l), "") != "abcXbc" {
		t.Errorf("LINSERT AFTER c X = %d, list %q", n, strs(l))
	}
	if n := l.Insert([]byte("Q"), false, []byte("X")); n != -1 {
		t.Errorf("LINSERT with missing pivot = %d", n)
	}
	if n := l.Remove(-1<<63, []byte("b")); n != 2 || strings.Join(strs(l), "") != "acXc" {
		t.Errorf("LREM with the lowest count = %d, list %q", n, strs(l))
	}
}

// TestRandomManyChunks runs the model test on lists of thousands of
// small values, so inserts, sets and removals land in middle chunks and
// chunks split and merge.
func TestRandomManyChunks(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			l := New()
			var m [][]byte
			for i := 0; i < 30000; i++ {
				v := []byte(fmt.Sprintf("%c%d", "abcde"[rng.IntN(5)], rng.IntN(3)))
				l.PushBack(v)
				m = append(m, v)
			}
			checkInvariants(t, l)
			if l.chunks < 10 {
				t.Fatalf("only %d chunks", l.chunks)
			}
			for step := 0; step < 3000; step++ {
				op := rng.IntN(4)
				if len(m) == 0 {
					op = 3
				}
				switch op {
				case 0: // set in the middle, growing values so chunks split
					i := rng.IntN(len(m))
					v := bytes.Repeat([]byte{'s'}, rng.IntN(200))
					l.Set(i, v)
					m[i] = v
				case 1: // remove a value everywhere, so chunks merge
					v := []byte(fmt.Sprintf("%c%d", "abcde"[rng.IntN(5)], rng.IntN(3)))
					l.Remove(0, v)
					m = slices.DeleteFunc(m, func(x []byte) bool { return bytes.Equal(x, v) })
				case 2: // insert next to a value that may sit in any chunk
					pivot := bytes.Clone(m[rng.IntN(len(m))])
					after := rng.IntN(2) == 0
					got := l.Insert(pivot, after, []byte("ins"))
					i := slices.IndexFunc(m, func(x []byte) bool { return bytes.Equal(x, pivot) })
					if after {
						i++
					}
					m = slices.Insert(m, i, []byte("ins"))
					if got != len(m) {
						t.Fatalf("Insert = %d, want %d", got, len(m))
					}
				default:
					v := []byte(fmt.Sprintf("%c%d", "abcde"[rng.IntN(5)], rng.IntN(3)))
					l.PushFront(v)
					m = slices.Insert(m, 0, v)
				}
				if step%100 == 0 {
					checkInvariants(t, l)
					sameValues(t, fmt.Sprintf("step %d", step), all(l), m)
				}
			}
		})
	}
}

func TestCloneIndependent(t *testing.T) {
	l := New()
	for i := 0; i < 5000; i++ {
		l.PushBack([]byte(fmt.Sprint(i)))
	}
	c := l.Clone()
	checkInvariants(t, c)
	c.Set(100, []byte("changed"))
	c.PopFront()
	c.Remove(0, []byte("4999"))
	if v, _ := l.Index(100); string(v) != "100" || l.Len() != 5000 {
		t.Fatalf("original changed through the clone: %q, len %d", v, l.Len())
	}
	if New().Clone().Len() != 0 {
		t.Fatal("clone of empty list")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestMemoryUsage(t *testing.T) {
	const n = 200000
	before := heapInUse()
	l := New()
	for i := 0; i < n; i++ {
		l.PushBack([]byte(fmt.Sprintf("%08d", i))) // 8 bytes, 10 encoded
	}
	used := int(heapInUse() - before)
	est := l.MemoryUsage()
	if est < used*7/10 || est > used*13/10 {
		t.Fatalf("MemoryUsage %d, heap grew by %d", est, used)
	}
	if per := float64(est) / n; per > 14 {
		t.Fatalf("%.1f bytes per 8-byte value", per)
	}
	runtime.KeepAlive(l)
	l.Trim(0, 9)
	if got := l.MemoryUsage(); got > 1024 {
		t.Fatalf("MemoryUsage %d after trimming to 10 values", got)
	}
}
