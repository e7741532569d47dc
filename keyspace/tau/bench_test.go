package tau

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// workload draws overlapping Taus in random valid-time order: starts
// uniform over a space of 1e12, lengths log-uniform from 1 to 1e12, so every
// point is covered many times over and short Taus survive long enough to be
// painted over much later.
type workload struct {
	rng *rand.Rand
	tx  uint64
	buf [16]byte
}

func newWorkload(seed uint64) *workload {
	return &workload{rng: rand.New(rand.NewPCG(seed, 42)), tx: 1_700_000_000_000_000_000}
}

const benchSpace = 1_000_000_000_000

func (w *workload) next() (tx, valid, expiry uint64, data []byte) {
	w.tx += 1 + w.rng.Uint64N(1000)
	valid = w.rng.Uint64N(benchSpace)
	length := uint64(1) << w.rng.IntN(40)
	length += w.rng.Uint64N(length)
	for i := range w.buf {
		w.buf[i] = byte(w.rng.Uint32())
	}
	return w.tx, valid, valid + length, w.buf[:]
}

func build(n int, seed uint64) (*Schedule, []uint64) {
	w := newWorkload(seed)
	s := New()
	txs := make([]uint64, 0, n)
	for i := 0; i < n; i++ {
		tx, v, e, d := w.next()
		if err := s.Append(tx, v, e, d); err != nil {
			panic(err)
		}
		txs = append(txs, tx)
	}
	return s, txs
}

var benchSizes = []int{1_000, 10_000, 100_000, 1_000_000}

type built struct {
	s   *Schedule
	txs []uint64
}

var (
	benchMu    sync.Mutex
	benchCache = map[int]built{}
)

func cached(n int) built {
	benchMu.Lock()
	defer benchMu.Unlock()
	if b, ok := benchCache[n]; ok {
		return b
	}
	s, txs := build(n, 1)
	benchCache[n] = built{s, txs}
	return benchCache[n]
}

func BenchmarkAppend(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			base := cached(n)
			w := newWorkload(2)
			w.tx = base.txs[len(base.txs)-1]
			s := base.s.Clone()
			added := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// Stay within [n, 1.25n] so the size is what the name says.
				if added == n/4 {
					b.StopTimer()
					s, added = base.s.Clone(), 0
					b.StartTimer()
				}
				tx, v, e, d := w.next()
				if err := s.Append(tx, v, e, d); err != nil {
					b.Fatal(err)
				}
				added++
			}
		})
	}
}

func BenchmarkAt(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			s := cached(n).s
			rng := rand.New(rand.NewPCG(3, 3))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.At(rng.Uint64N(benchSpace))
			}
		})
	}
}

func BenchmarkAtAsOf(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			bt := cached(n)
			rng := rand.New(rand.NewPCG(4, 4))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bt.s.AtAsOf(rng.Uint64N(benchSpace), bt.txs[rng.IntN(n)])
			}
		})
	}
}

func BenchmarkAtAll(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			bt := cached(n)
			rng := rand.New(rand.NewPCG(5, 5))
			var dst [][]byte
			k := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				dst = bt.s.AtAll(rng.Uint64N(benchSpace), Latest, dst[:0])
				k += len(dst)
			}
			b.ReportMetric(float64(k)/float64(b.N), "results/op")
		})
	}
}

func benchRange(b *testing.B, asof bool) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			bt := cached(n)
			rng := rand.New(rand.NewPCG(6, 6))
			k := 0
			fn := func(from, to uint64, data []byte) bool { k++; return true }
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				at := uint64(Latest)
				if asof {
					at = bt.txs[rng.IntN(n)]
				}
				bt.s.Range(rng.Uint64N(benchSpace), Inf, at, 10, fn)
			}
			b.ReportMetric(float64(k)/float64(b.N), "results/op")
		})
	}
}

func BenchmarkRange10(b *testing.B)     { benchRange(b, false) }
func BenchmarkRangeAsOf10(b *testing.B) { benchRange(b, true) }

// TestMemoryPerTau measures the heap held by schedules of 10^6 Taus
// against the budget of len(data) + 64 bytes per Tau, and checks
// MemoryUsage's estimate.
func TestMemoryPerTau(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 10^6 Taus")
	}
	const n = 1_000_000
	for _, c := range []struct {
		name     string
		make     func() (tx, valid, expiry uint64, data []byte)
		dataSize int
	}{
		{"overlapping", newWorkload(9).next, 16},
		{"readings", readings(), 16},
		{"bench-tau", benchTauWorkload(n, 9), 8},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := New()
		for i := 0; i < n; i++ {
			tx, v, e, d := c.make()
			if err := s.Append(tx, v, e, d); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int(after.HeapAlloc) - int(before.HeapAlloc)
		perTau := float64(heap)/n - float64(c.dataSize)
		est := s.MemoryUsage()
		kept := 0
		if s.hist != nil {
			for _, c := range s.hist.levels {
				kept += c
			}
		}
		t.Logf("%s: %.1f bytes per Tau beyond its data (heap %d, MemoryUsage %d, painting %d entries, %d history rectangles)",
			c.name, perTau, heap, est, s.paint.count, kept)
		if perTau > 64 {
			t.Errorf("%s: %.1f bytes per Tau beyond its data, budget 64", c.name, perTau)
		}
		if d := float64(est-heap) / float64(heap); d < -0.1 || d > 0.1 {
			t.Errorf("%s: MemoryUsage %d is %.0f%% off the measured %d", c.name, est, 100*d, heap)
		}
		runtime.KeepAlive(s)
	}
}

// readings is the common sensor case: back-to-back Taus in order, every
// tenth one corrected a little later.
func readings() func() (tx, valid, expiry uint64, data []byte) {
	rng := rand.New(rand.NewPCG(8, 8))
	var tx, at uint64
	var buf [16]byte
	return func() (uint64, uint64, uint64, []byte) {
		tx++
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		if rng.IntN(10) == 0 && at > 100 {
			v := at - 1 - rng.Uint64N(100)
			return tx, v, v + 1, buf[:]
		}
		at++
		return tx, at - 1, at, buf[:]
	}
}

// benchTauWorkload is the schedule scripts/bench-tau builds: n Taus in
// random valid-time order, each valid over [v, v+d) with v uniform in
// [10^12, 10^12+n) and d uniform in 1..10,000, so about 5,000 Taus cover
// each instant and most pieces are painted over a few hundred appends
// later; 8 bytes of data each.
func benchTauWorkload(n int, seed uint64) func() (tx, valid, expiry uint64, data []byte) {
	rng := rand.New(rand.NewPCG(seed, 10))
	tx := uint64(1_700_000_000_000_000_000)
	var buf [8]byte
	return func() (uint64, uint64, uint64, []byte) {
		tx += 1 + rng.Uint64N(5000)
		v := 1_000_000_000_000 + rng.Uint64N(uint64(n))
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		return tx, v, v + 1 + rng.Uint64N(10_000), buf[:]
	}
}

var (
	benchTauOnce  sync.Once
	benchTauSched *Schedule
	benchTauTxs   []uint64
)

// benchTau builds the bench-tau schedule of 10^6 Taus once.
func benchTau() (*Schedule, []uint64) {
	benchTauOnce.Do(func() {
		const n = 1_000_000
		next := benchTauWorkload(n, 1)
		s := New()
		txs := make([]uint64, 0, n)
		for i := 0; i < n; i++ {
			tx, v, e, d := next()
			if err := s.Append(tx, v, e, d); err != nil {
				panic(err)
			}
			txs = append(txs, tx)
		}
		benchTauSched, benchTauTxs = s, txs
	})
	return benchTauSched, benchTauTxs
}

// BenchmarkBenchTau is TAU.AT on scripts/bench-tau's schedule: now, as of
// the middle of the appends (what the script asks), and as of random
// versions.
func BenchmarkBenchTau(b *testing.B) {
	s, txs := benchTau()
	rng := rand.New(rand.NewPCG(12, 12))
	t := func() uint64 { return 1_000_000_000_000 + rng.Uint64N(1_000_000) }
	b.Run("At", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.At(t())
		}
	})
	b.Run("AtAsOfMiddle", func(b *testing.B) {
		asof := txs[len(txs)/2]
		for i := 0; i < b.N; i++ {
			s.AtAsOf(t(), asof)
		}
	})
	b.Run("AtAsOfRandom", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s.AtAsOf(t(), txs[rng.IntN(len(txs))])
		}
	})
}
