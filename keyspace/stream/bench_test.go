package stream

import (
	"fmt"
	"math/rand"
	"testing"
)

var benchSizes = []int{1e3, 1e4, 1e5, 1e6}

func benchStream(b *testing.B, n int) *Stream {
	b.Helper()
	s := New()
	fields := fv("sensor", "42", "reading", "12345.678")
	for i := 1; i <= n; i++ {
		if _, err := s.Add(AddArgs{ID: AddID{ID: ID{uint64(i), 0}}, Fields: fields}, 0); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkAdd appends to streams of growing size: the cost must not grow
// with the size (amortised O(1)).
func BenchmarkAdd(b *testing.B) {
	fields := fv("sensor", "42", "reading", "12345.678")
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			s := benchStream(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Add(AddArgs{ID: AddID{Auto: true}, Fields: fields}, int64(n+i+1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRangeCount10 reads 10 entries from a random point (XRANGE
// start + COUNT 10): O(log n + 10).
func BenchmarkRangeCount10(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			s := benchStream(b, n)
			r := rand.New(rand.NewSource(1))
			b.ReportAllocs()
			b.ResetTimer()
			got := 0
			for i := 0; i < b.N; i++ {
				start := ID{uint64(r.Intn(n-10) + 1), 0}
				s.Range(start, MaxID, 10, i%2 == 1, func(Entry) bool { got++; return true })
			}
			if got == 0 {
				b.Fatal("nothing read")
			}
		})
	}
}

// BenchmarkPendingAck delivers one entry and acknowledges a random pending
// one while the PEL holds n entries: O(log n) per operation.
func BenchmarkPendingAck(b *testing.B) {
	for _, n := range []int{1e3, 1e4, 1e5} {
		b.Run(fmt.Sprint("pel=", n), func(b *testing.B) {
			s := benchStream(b, n+b.N+1)
			g, _ := s.CreateGroup("g", MinID, -1)
			c := g.TouchConsumer("c", 0)
			pending := make([]ID, 0, n+1)
			for _, e := range s.ReadGroup(g, c, n, false, 0) {
				pending = append(pending, e.ID)
			}
			r := rand.New(rand.NewSource(1))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e := s.ReadGroup(g, c, 1, false, int64(i))
				pending = append(pending, e[0].ID)
				k := r.Intn(len(pending))
				if g.Ack(pending[k]) != 1 {
					b.Fatal("ack missed")
				}
				pending[k] = pending[len(pending)-1]
				pending = pending[:len(pending)-1]
			}
		})
	}
}
