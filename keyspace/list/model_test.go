package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// checkInvariants walks every chunk both ways and checks it against the
// counts the list keeps.
func checkInvariants(t *testing.T, l *List) {
	t.Helper()
	if l.chunks > len(l.ring) || (len(l.ring)&(len(l.ring)-1)) != 0 {
		t.Fatalf("ring of %d slots holds %d chunks", len(l.ring), l.chunks)
	}
	total := 0
	for ci := 0; ci < l.chunks; ci++ {
		c := l.at(ci)
		if c.n == 0 {
			t.Fatalf("chunk %d is empty", ci)
		}
		if c.lo < 0 || c.lo > c.hi || c.hi > len(c.buf) {
			t.Fatalf("chunk %d: lo %d hi %d buf %d", ci, c.lo, c.hi, len(c.buf))
		}
		var starts []int
		for p := c.lo; p < c.hi; p = c.next(p) {
			starts = append(starts, p)
		}
		if len(starts) != c.n {
			t.Fatalf("chunk %d: %d entries forward, n %d", ci, len(starts), c.n)
		}
		for i, e := len(starts)-1, c.hi; i >= 0; i-- {
			e = c.prev(e)
			if e != starts[i] {
				t.Fatalf("chunk %d: backward walk disagrees at entry %d", ci, i)
			}
		}
		if c.used() > chunkMax && c.n > 1 {
			t.Fatalf("chunk %d: %d bytes in %d entries", ci, c.used(), c.n)
		}
		total += c.n
	}
	if total != l.length {
		t.Fatalf("chunks hold %d entries, length %d", total, l.length)
	}
}

func sameValues(t *testing.T, what string, got, want [][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%s: value %d is %q, want %q", what, i, short(got[i]), short(want[i]))
		}
	}
}

func short(b []byte) string {
	if len(b) > 20 {
		return fmt.Sprintf("%s...(%d bytes)", b[:20], len(b))
	}
	return string(b)
}

func all(l *List) [][]byte {
	var out [][]byte
	l.Range(0, l.Len()-1, func(v []byte) bool {
		out = append(out, bytes.Clone(v))
		return true
	})
	return out
}

// randValue favours a few short values, so that pivots and LREM find
// matches, with lengths around the one- and two-byte varint boundaries and
// now and then a value bigger than a chunk.
func randValue(rng *rand.Rand) []byte {
	switch k := rng.IntN(20); {
	case k < 12:
		return []byte{"abcde"[rng.IntN(5)]}
	case k == 12:
		return []byte{}
	case k == 13:
		return bytes.Repeat([]byte{'x'}, 126+rng.IntN(4))
	case k == 14 && rng.IntN(10) == 0:
		return bytes.Repeat([]byte{'B'}, chunkMax+rng.IntN(3000))
	default:
		v := make([]byte, rng.IntN(400))
		for i := range v {
			v[i] = byte(rng.IntN(256))
		}
		return v
	}
}

func modelPos(m [][]byte, v []byte, rank, count, maxlen int) []int {
	var out []int
	if rank == 0 {
		return nil
	}
	skip := rank - 1
	step, i := 1, 0
	if rank < 0 {
		skip, step, i = -rank-1, -1, len(m)-1
	}
	for compared := 0; i >= 0 && i < len(m); i += step {
		if maxlen > 0 && compared == maxlen {
			break
		}
		compared++
		if !bytes.Equal(m[i], v) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, i)
		if count > 0 && len(out) == count {
			break
		}
	}
	return out
}

func TestRandomAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 99))
			l := New()
			var m [][]byte
			// Runs alternate between growing phases and shrinking ones so
			// lists pass through many sizes and chunk counts.
			for step := 0; step < 6000; step++ {
				grow := (step/500)%2 == 0
				m = runOp(t, rng, l, m, grow)
				if step%50 == 0 {
					checkInvariants(t, l)
					sameValues(t, fmt.Sprintf("after step %d", step), all(l), m)
				}
			}
			checkInvariants(t, l)
			sameValues(t, "final", all(l), m)
		})
	}
}

func runOp(t *testing.T, rng *rand.Rand, l *List, m [][]byte, grow bool) [][]byte {
	t.Helper()
	n := len(m)
	op := rng.IntN(100)
	if !grow && op < 30 {
		op += 30 // fewer pushes while shrinking
	}
	switch {
	case op < 30:
		v := randValue(rng)
		if rng.IntN(2) == 0 {
			l.PushFront(v)
			m = slices.Insert(m, 0, bytes.Clone(v))
		} else {
			l.PushBack(v)
			m = append(m, bytes.Clone(v))
		}
		if len(v) > 0 { // the list must have copied the caller's buffer
			v[0] ^= 0xff
		}
	case op < 45:
		front := rng.IntN(2) == 0
		var v []byte
		var ok bool
		if front {
			v, ok = l.PopFront()
		} else {
			v, ok = l.PopBack()
		}
		if ok != (n > 0) {
			t.Fatalf("pop on %d values: ok %v", n, ok)
		}
		if ok {
			want := m[n-1]
			if front {
				want = m[0]
				m = m[1:]
			} else {
				m = m[:n-1]
			}
			if !bytes.Equal(v, want) || v == nil {
				t.Fatalf("pop front=%v = %q, want %q", front, short(v), short(want))
			}
		}
	case op < 52:
		i := rng.IntN(2*n+3) - n - 1
		v, ok := l.Index(i)
		j := i
		if j < 0 {
			j += n
		}
		if ok != (j >= 0 && j < n) || (ok && !bytes.Equal(v, m[j])) {
			t.Fatalf("Index(%d) of %d = %q %v", i, n, short(v), ok)
		}
	case op < 58:
		i := rng.IntN(2*n+3) - n - 1
		v := randValue(rng)
		// Sometimes write back a value read from the list itself.
		if n > 0 && rng.IntN(4) == 0 {
			v, _ = l.Index(rng.IntN(n))
		}
		want := bytes.Clone(v)
		ok := l.Set(i, v)
		j := i
		if j < 0 {
			j += n
		}
		if ok != (j >= 0 && j < n) {
			t.Fatalf("Set(%d) of %d = %v", i, n, ok)
		}
		if ok {
			m[j] = want
		}
	case op < 64:
		pivot := []byte{"abcdef"[rng.IntN(6)]}
		after := rng.IntN(2) == 0
		v := randValue(rng)
		if n > 0 && rng.IntN(4) == 0 {
			v, _ = l.Index(rng.IntN(n))
		}
		want := bytes.Clone(v)
		got := l.Insert(pivot, after, v)
		at := slices.IndexFunc(m, func(x []byte) bool { return bytes.Equal(x, pivot) })
		if at < 0 {
			if got != -1 {
				t.Fatalf("Insert without pivot = %d", got)
			}
			break
		}
		if after {
			at++
		}
		m = slices.Insert(m, at, want)
		if got != len(m) {
			t.Fatalf("Insert = %d, want %d", got, len(m))
		}
	case op < 72:
		v := []byte{"abcdef"[rng.IntN(6)]}
		if n > 0 && rng.IntN(4) == 0 {
			v, _ = l.Index(rng.IntN(n)) // may alias list memory
		}
		v0 := bytes.Clone(v)
		count := rng.IntN(7) - 3
		got := l.Remove(count, v)
		want := 0
		if count >= 0 {
			for i := 0; i < len(m); i++ {
				if bytes.Equal(m[i], v0) && (count == 0 || want < count) {
					m = slices.Delete(m, i, i+1)
					i--
					want++
				}
			}
		} else {
			for i := len(m) - 1; i >= 0; i-- {
				if bytes.Equal(m[i], v0) && want < -count {
					m = slices.Delete(m, i, i+1)
					want++
				}
			}
		}
		if got != want {
			t.Fatalf("Remove(%d, %q) = %d, want %d", count, v0, got, want)
		}
	case op < 76:
		start, stop := rng.IntN(2*n+5)-n-2, rng.IntN(2*n+5)-n-2
		if grow && rng.IntN(2) == 0 {
			start, stop = rng.IntN(3), -1-rng.IntN(3) // trim only the ends
		}
		l.Trim(start, stop)
		s, e := start, stop
		if s < 0 {
			s = max(s+n, 0)
		}
		if e < 0 {
			e += n
		}
		if s > e || s >= n {
			m = nil
		} else {
			m = m[s : min(e, n-1)+1]
		}
	case op < 84:
		start, stop := rng.IntN(n+3)-1, rng.IntN(n+3)-1
		var got [][]byte
		limit := rng.IntN(n + 2)
		l.Range(start, stop, func(v []byte) bool {
			got = append(got, v)
			return len(got) < limit
		})
		var want [][]byte
		for i := max(start, 0); i <= min(stop, n-1) && len(want) < max(limit, 1); i++ {
			want = append(want, m[i])
		}
		sameValues(t, fmt.Sprintf("Range(%d,%d) limit %d", start, stop, limit), got, want)
	case op < 90:
		v := []byte{"abcdef"[rng.IntN(6)]}
		rank := rng.IntN(9) - 4
		count, maxlen := rng.IntN(4), rng.IntN(2)*rng.IntN(n+2)
		got := l.Pos(v, rank, count, maxlen)
		if want := modelPos(m, v, rank, count, maxlen); !slices.Equal(got, want) {
			t.Fatalf("Pos(%q, %d, %d, %d) = %v, want %v", v, rank, count, maxlen, got, want)
		}
	case op < 93:
		fromTail := rng.IntN(2) == 0
		i := 0
		l.Iterate(fromTail, func(idx int, v []byte) bool {
			want := i
			if fromTail {
				want = n - 1 - i
			}
			if idx != want || !bytes.Equal(v, m[idx]) {
				t.Fatalf("Iterate(%v) step %d: index %d", fromTail, i, idx)
			}
			i++
			return true
		})
		if i != n {
			t.Fatalf("Iterate visited %d of %d", i, n)
		}
	case op < 95:
		c := l.Clone()
		checkInvariants(t, c)
		sameValues(t, "Clone", all(c), m)
		c.PushFront([]byte("clone only"))
		c.Set(-1, []byte("changed"))
		sameValues(t, "original after clone change", all(l), m)
	default:
		if l.Len() != n {
			t.Fatalf("Len = %d, want %d", l.Len(), n)
		}
	}
	return m
}
