package list

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var benchSizes = []int{1e3, 1e4, 1e5, 1e6}

// benchLists caches one list per size, built once; each benchmark leaves
// its list as it found it.
var benchLists = map[int]*List{}

var benchValue = []byte("value:0123456789") // 16 bytes

func benchList(n int) *List {
	if l, ok := benchLists[n]; ok {
		return l
	}
	l := New()
	for i := 0; i < n; i++ {
		l.PushBack([]byte(fmt.Sprintf("value:%010d", i)))
	}
	benchLists[n] = l
	return l
}

func forSizes(b *testing.B, fn func(b *testing.B, l *List, n int)) {
	for _, n := range benchSizes {
		l := benchList(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			fn(b, l, n)
		})
	}
}

func BenchmarkPushBack(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		for i := 0; i < b.N; i++ {
			l.PushBack(benchValue)
		}
		b.StopTimer()
		l.Trim(0, n-1)
	})
}

func BenchmarkPushFront(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		for i := 0; i < b.N; i++ {
			l.PushFront(benchValue)
		}
		b.StopTimer()
		l.Trim(-n, -1)
	})
}

// BenchmarkPopFront pops in batches of up to half the list and pushes
// each batch back with the timer stopped. A pop returns a copy, hence one
// allocation.
func BenchmarkPopFront(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		b.StopTimer()
		for done := 0; done < b.N; {
			k := min(n/2, b.N-done)
			popped := make([][]byte, 0, k)
			b.StartTimer()
			for i := 0; i < k; i++ {
				v, _ := l.PopFront()
				popped = append(popped, v)
			}
			b.StopTimer()
			for i := k - 1; i >= 0; i-- {
				l.PushFront(popped[i])
			}
			done += k
		}
	})
}

// BenchmarkRotate is RPOPLPUSH on one list: pop the tail, push the head.
func BenchmarkRotate(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		for i := 0; i < b.N; i++ {
			v, _ := l.PopBack()
			l.PushFront(v)
		}
	})
}

// BenchmarkIndexRandom is LINDEX at random positions: like Redis it walks
// chunks from the nearer end, so it grows with n / values per chunk.
func BenchmarkIndexRandom(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		for i := 0; i < b.N; i++ {
			if _, ok := l.Index(rand.IntN(n)); !ok {
				b.Fatal("index out of range")
			}
		}
	})
}

// BenchmarkIndexEnds is LINDEX within 100 of either end.
func BenchmarkIndexEnds(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		for i := 0; i < b.N; i++ {
			j := rand.IntN(100)
			if i%2 == 0 {
				j = -1 - j
			}
			if _, ok := l.Index(j); !ok {
				b.Fatal("index out of range")
			}
		}
	})
}

// BenchmarkRangeHead is LRANGE key 0 9.
func BenchmarkRangeHead(b *testing.B) {
	forSizes(b, func(b *testing.B, l *List, n int) {
		total := 0
		for i := 0; i < b.N; i++ {
			l.Range(0, 9, func(v []byte) bool { total += len(v); return true })
		}
		if total != b.N*160 {
			b.Fatalf("read %d bytes", total)
		}
	})
}
