package zset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var benchSizes = []int{1e3, 1e4, 1e5, 1e6}

// benchSets caches one set per size, built once for all benchmarks; each
// benchmark leaves its set as it found it.
var benchSets = map[int]*ZSet{}

func benchMember(i int) string { return fmt.Sprintf("member:%09d", i) }

func benchSet(n int) *ZSet {
	if z, ok := benchSets[n]; ok {
		return z
	}
	z := New()
	rng := rand.New(rand.NewPCG(uint64(n), 1))
	for i := 0; i < n; i++ {
		z.Add(benchMember(i), float64(rng.IntN(n)))
	}
	benchSets[n] = z
	return z
}

func forSizes(b *testing.B, fn func(b *testing.B, z *ZSet, n int)) {
	for _, n := range benchSizes {
		z := benchSet(n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { fn(b, z, n) })
	}
}

// randomNames returns k existing member names in random order.
func randomNames(n, k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = benchMember(rand.IntN(n))
	}
	return names
}

func BenchmarkAdd(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		names := make([]string, b.N)
		for i := range names {
			names[i] = fmt.Sprintf("new:%09d", i)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			z.Add(names[i], float64(rand.IntN(n)))
		}
		b.StopTimer()
		for _, m := range names {
			z.Remove(m)
		}
	})
}

func BenchmarkUpdateScore(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		names := randomNames(n, b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			z.Add(names[i], float64(rand.IntN(n)))
		}
	})
}

func BenchmarkRank(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		names := randomNames(n, 4096)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, ok := z.Rank(names[i%len(names)], false); !ok {
				b.Fatal("member missing")
			}
		}
	})
}

// BenchmarkRangeByScoreLimit is ZRANGEBYSCORE key min +inf LIMIT 100 10.
func BenchmarkRangeByScoreLimit(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		got := 0
		fn := func(string, float64) bool { got++; return true }
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			lo := float64(rand.IntN(n / 2))
			z.ByScore(ScoreRange{Min: lo, Max: float64(n)}, false, 100, 10, fn)
		}
		if got != 10*b.N {
			b.Fatalf("got %d members, want %d", got, 10*b.N)
		}
	})
}

func BenchmarkCountScore(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		for i := 0; i < b.N; i++ {
			lo := float64(rand.IntN(n / 2))
			z.CountScore(ScoreRange{Min: lo, Max: lo + float64(n/4)})
		}
	})
}

// BenchmarkRemove removes members in batches of up to half the set,
// putting each batch back with the timer stopped.
func BenchmarkRemove(b *testing.B) {
	forSizes(b, func(b *testing.B, z *ZSet, n int) {
		b.StopTimer()
		perm := rand.Perm(n)
		for done := 0; done < b.N; {
			k := min(n/2, b.N-done)
			batch := make([]Entry, k)
			for i := range batch {
				m := benchMember(perm[(done+i)%n])
				s, _ := z.Score(m)
				batch[i] = Entry{m, s}
			}
			b.StartTimer()
			for _, e := range batch {
				if !z.Remove(e.Member) {
					b.Fatal("member missing")
				}
			}
			b.StopTimer()
			for _, e := range batch {
				z.Add(e.Member, e.Score)
			}
			done += k
		}
	})
}
