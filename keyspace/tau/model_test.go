package tau

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// model is the reference: SPEC §6 read literally, every query a scan over
// all Taus.
type model struct {
	taus []mtau
}

type mtau struct {
	tx, valid, expiry uint64
	data              []byte
}

type span struct {
	from, to uint64
	data     []byte
}

type hist struct {
	tx, valid, expiry uint64
	data              []byte
}

func (m *model) append(tx, valid, expiry uint64, data []byte) {
	m.taus = append(m.taus, mtau{tx, valid, expiry, slices.Clone(data)})
}

// version is the index of the last Tau with tx <= asof, or -1.
func (m *model) version(asof uint64) int {
	v := -1
	for i, x := range m.taus {
		if x.tx <= asof {
			v = i
		}
	}
	return v
}

func (m *model) at(t, asof uint64) int {
	for i := m.version(asof); i >= 0; i-- {
		if m.taus[i].valid <= t && t < m.taus[i].expiry {
			return i
		}
	}
	return -1
}

func (m *model) atAll(t, asof uint64) [][]byte {
	var out [][]byte
	for i := 0; i <= m.version(asof); i++ {
		if m.taus[i].valid <= t && t < m.taus[i].expiry {
			out = append(out, m.taus[i].data)
		}
	}
	return out
}

func (m *model) rangeOf(start, end, asof uint64, limit int) []span {
	if start >= end || limit == 0 {
		return nil
	}
	ver := m.version(asof)
	pts := []uint64{start, end}
	for i := 0; i <= ver; i++ {
		for _, p := range []uint64{m.taus[i].valid, m.taus[i].expiry} {
			if p > start && p < end {
				pts = append(pts, p)
			}
		}
	}
	slices.Sort(pts)
	pts = slices.Compact(pts)
	var out []span
	last := -1
	for k := 0; k+1 < len(pts); k++ {
		i := m.at(pts[k], asof)
		if i < 0 {
			last = -1
			continue
		}
		if i == last && out[len(out)-1].to == pts[k] {
			out[len(out)-1].to = pts[k+1]
			continue
		}
		out = append(out, span{pts[k], pts[k+1], m.taus[i].data})
		last = i
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func (m *model) history(start, end uint64, hasRange bool, limit int) []hist {
	var out []hist
	if limit == 0 || (hasRange && start >= end) {
		return nil // an empty range overlaps nothing
	}
	for _, x := range m.taus {
		if hasRange && !(x.valid < end && start < x.expiry) {
			continue
		}
		out = append(out, hist{x.tx, x.valid, x.expiry, x.data})
		if len(out) == limit {
			break
		}
	}
	return out
}

func collectRange(s *Schedule, start, end, asof uint64, limit int) []span {
	var out []span
	s.Range(start, end, asof, limit, func(from, to uint64, data []byte) bool {
		out = append(out, span{from, to, slices.Clone(data)})
		return true
	})
	return out
}

func collectHistory(s *Schedule, start, end uint64, hasRange bool, limit int) []hist {
	var out []hist
	s.History(start, end, hasRange, limit, func(tx, valid, expiry uint64, data []byte) bool {
		out = append(out, hist{tx, valid, expiry, slices.Clone(data)})
		return true
	})
	return out
}

func spansEqual(a, b []span) bool {
	return slices.EqualFunc(a, b, func(x, y span) bool {
		return x.from == y.from && x.to == y.to && bytes.Equal(x.data, y.data)
	})
}

func histEqual(a, b []hist) bool {
	return slices.EqualFunc(a, b, func(x, y hist) bool {
		return x.tx == y.tx && x.valid == y.valid && x.expiry == y.expiry && bytes.Equal(x.data, y.data)
	})
}

// gen produces Taus for one randomized schedule.
type gen struct {
	rng     *rand.Rand
	profile int
	space   uint64
	tx      uint64
	seq     uint64
	points  []uint64 // endpoints used so far, for picking query times
	ndata   int
	win     int // the schedule's window
}

const nearTop = ^uint64(0) - 60

func newGen(seed uint64) *gen {
	rng := rand.New(rand.NewPCG(seed, 0x7a0))
	g := &gen{rng: rng, profile: int(seed % 5), tx: rng.Uint64N(1000)}
	g.space = []uint64{40, 1000, 300, 60, 200}[g.profile]
	// Small windows make small schedules keep plenty of history.
	g.win = []int{4, 8, 16, defaultWindow}[(seed/5)%4]
	g.ndata = 1 << 30
	if seed%4 == 1 {
		g.ndata = 3 // equal data on different Taus must not merge
	}
	return g
}

func (g *gen) next() (tx, valid, expiry uint64, data []byte) {
	r := g.rng
	g.tx += 1 + r.Uint64N(3)
	switch g.profile {
	case 0: // dense: anything overlaps anything
		valid = r.Uint64N(g.space)
		expiry = valid + 1 + r.Uint64N(g.space)
	case 1: // mostly tiny Taus, now and then a wide one covering many
		valid = r.Uint64N(g.space)
		if r.IntN(20) == 0 {
			expiry = valid + 1 + r.Uint64N(g.space/2)
		} else {
			expiry = valid + 1 + r.Uint64N(8)
		}
	case 2: // readings in order, with late corrections
		if r.IntN(4) > 0 {
			valid = g.seq
			g.seq += 1 + r.Uint64N(3)
			expiry = valid + 1 + r.Uint64N(4)
		} else {
			valid = r.Uint64N(g.seq + 1)
			expiry = valid + 1 + r.Uint64N(6)
		}
	case 3: // near the top of the range, with open ends
		valid = nearTop + r.Uint64N(g.space) // at most Inf-1
		if r.IntN(3) == 0 {
			expiry = Inf
		} else {
			expiry = valid + 1 + min(r.Uint64N(20), Inf-valid-1)
		}
	default: // mixed: open ends, zero starts, wide and narrow
		switch r.IntN(6) {
		case 0:
			valid = 0
			expiry = 1 + r.Uint64N(g.space)
		case 1:
			valid = r.Uint64N(g.space)
			expiry = Inf
		case 2:
			valid = r.Uint64N(g.space)
			expiry = valid + 1
		default:
			valid = r.Uint64N(g.space)
			expiry = valid + 1 + r.Uint64N(g.space/4)
		}
	}
	g.points = append(g.points, valid, expiry)
	data = fmt.Appendf(nil, "d%d", r.IntN(g.ndata))
	if r.IntN(25) == 0 {
		data = nil
	}
	return g.tx, valid, expiry, data
}

// time picks a query time: often an endpoint or next to one.
func (g *gen) time() uint64 {
	r := g.rng
	switch r.IntN(6) {
	case 0:
		return 0
	case 1:
		return Inf - r.Uint64N(2)
	case 2, 3:
		if len(g.points) == 0 {
			return 0
		}
		p := g.points[r.IntN(len(g.points))]
		switch r.IntN(3) {
		case 0:
			if p > 0 {
				return p - 1
			}
		case 1:
			if p < Inf {
				return p + 1
			}
		}
		return p
	}
	if g.profile == 3 {
		return nearTop + r.Uint64N(g.space+40)
	}
	return r.Uint64N(g.space + g.seq + 10)
}

func (g *gen) asof(m *model) uint64 {
	r := g.rng
	switch {
	case r.IntN(5) == 0 || len(m.taus) == 0:
		return Latest
	case r.IntN(12) == 0:
		return r.Uint64N(m.taus[0].tx + 1) // before or at the first
	}
	i := r.IntN(len(m.taus))
	// Near the end is where the recent window matters; spread the rest.
	if r.IntN(3) == 0 {
		i = max(0, len(m.taus)-1-r.IntN(3*g.win))
	}
	return m.taus[i].tx + r.Uint64N(2) // at a tx or between two
}

func (g *gen) limit() int {
	return []int{-1, -1, -1, 0, 1, 2, 3, 7}[g.rng.IntN(8)]
}

// compare runs random queries against s and the model.
func compare(t *testing.T, label string, s *Schedule, m *model, g *gen, queries int) {
	t.Helper()
	if s.Len() != len(m.taus) {
		t.Fatalf("%s: Len %d, want %d", label, s.Len(), len(m.taus))
	}
	var all [][]byte
	for q := 0; q < queries; q++ {
		tq := g.time()
		asof := g.asof(m)
		want := m.at(tq, asof)

		d, ok := s.AtAsOf(tq, asof)
		if ok != (want >= 0) || (ok && !bytes.Equal(d, m.taus[want].data)) {
			t.Fatalf("%s: AtAsOf(%d, %d) = %q %v, want index %d", label, tq, asof, d, ok, want)
		}
		if asof == Latest {
			d, ok = s.At(tq)
			if ok != (want >= 0) || (ok && !bytes.Equal(d, m.taus[want].data)) {
				t.Fatalf("%s: At(%d) = %q %v, want index %d", label, tq, d, ok, want)
			}
		}

		all = s.AtAll(tq, asof, all[:0])
		if wantAll := m.atAll(tq, asof); !slices.EqualFunc(all, wantAll, bytes.Equal) {
			t.Fatalf("%s: AtAll(%d, %d) = %q, want %q", label, tq, asof, all, wantAll)
		}

		a, b := g.time(), g.time()
		if g.rng.IntN(4) > 0 && a > b {
			a, b = b, a
		}
		limit := g.limit()
		got, wantR := collectRange(s, a, b, asof, limit), m.rangeOf(a, b, asof, limit)
		if !spansEqual(got, wantR) {
			t.Fatalf("%s: Range(%d, %d, asof %d, limit %d)\n got %v\nwant %v", label, a, b, asof, limit, got, wantR)
		}

		if q%8 == 0 {
			has := g.rng.IntN(2) == 0
			limit := g.limit()
			if gh, wh := collectHistory(s, a, b, has, limit), m.history(a, b, has, limit); !histEqual(gh, wh) {
				t.Fatalf("%s: History(%d, %d, %v, %d) = %v, want %v", label, a, b, has, limit, gh, wh)
			}
		}
	}
	in := s.Info()
	if in.Taus != len(m.taus) {
		t.Fatalf("%s: Info.Taus %d", label, in.Taus)
	}
	if len(m.taus) > 0 {
		minV, maxE := m.taus[0].valid, m.taus[0].expiry
		for _, x := range m.taus {
			minV, maxE = min(minV, x.valid), max(maxE, x.expiry)
		}
		if in.FirstValid != minV || in.LastExpiry != maxE || in.FirstTx != m.taus[0].tx || in.LastTx != m.taus[len(m.taus)-1].tx {
			t.Fatalf("%s: Info %+v", label, in)
		}
	}
	if in.MemoryBytes != s.MemoryUsage() || in.MemoryBytes <= 0 {
		t.Fatalf("%s: memory %d vs %d", label, in.MemoryBytes, s.MemoryUsage())
	}
}

// checkHistoryIndex verifies the internal history: every kept rectangle
// really shows its Tau over its whole extent for its whole life, sits in
// the right node, and the trees and packed nodes are structurally sound.
func checkHistoryIndex(t *testing.T, s *Schedule, m *model) {
	t.Helper()
	if s.painted {
		checkTree(t, &s.paint)
	}
	if s.hist == nil {
		return
	}
	h := s.hist
	total := 0
	for l, level := range h.nodes {
		for p, f := range level {
			if f == nil {
				continue
			}
			if o := h.open[l]; o != nil && o.prefix <= p {
				t.Fatalf("level %d: open node %d not after complete node %d", l, o.prefix, p)
			}
			total += checkFrozen(t, s, m, l, p, f)
		}
	}
	for l, o := range h.open {
		if o == nil {
			continue
		}
		checkTree(t, &o.tree)
		if len(o.rec.to) != o.tree.count {
			t.Fatalf("open node %d/%d: %d records, tree holds %d", l, o.prefix, len(o.rec.to), o.tree.count)
		}
		var c cursor
		for ok := c.seekGE(&o.tree, 0); ok; ok = c.next() {
			r := c.val()
			checkRect(t, s, m, l, o.prefix, c.key(), o.rec.to[r], o.rec.born[r], o.rec.died[r])
			total++
		}
	}
	sum := 0
	for _, c := range h.levels {
		sum += c
	}
	if sum != total {
		t.Fatalf("level counts %d, nodes hold %d", sum, total)
	}
}

// checkFrozen checks a packed node: sorted, disjoint rectangles, each in
// its place, and exact skip summaries.
func checkFrozen(t *testing.T, s *Schedule, m *model, l, p int, f *frozen) int {
	t.Helper()
	if f.n == 0 || f.half != 1<<l || f.vbase != uint32(p)<<(l+1) {
		t.Fatalf("node %d/%d: n %d half %d vbase %d", l, p, f.n, f.half, f.vbase)
	}
	for i := 0; i < f.n; i++ {
		from, to := f.fromAt(i), f.to(i)
		if i > 0 && from < f.to(i-1) {
			t.Fatalf("node %d/%d: rectangle %d starts at %d before the previous ends at %d", l, p, i, from, f.to(i-1))
		}
		born, died := f.life(i)
		checkRect(t, s, m, l, p, from, to, born, died)
	}
	count := f.n
	sum := f.sumOf
	for k, sums := range f.sums {
		if want := (count + skipFan - 1) / skipFan; len(sums) != want {
			t.Fatalf("node %d/%d: skip level %d has %d entries, want %d", l, p, k, len(sums), want)
		}
		for g := range sums {
			acc := uint64(emptySum)
			for i := g * skipFan; i < min(count, (g+1)*skipFan); i++ {
				acc = minSum(acc, sum(i))
			}
			if sums[g] != acc {
				t.Fatalf("node %d/%d: skip summary %d/%d is %x, want %x", l, p, k, g, sums[g], acc)
			}
		}
		sum = func(i int) uint64 { return sums[i] }
		count = len(sums)
	}
	if count > skipFan {
		t.Fatalf("node %d/%d: top skip level has %d entries", l, p, count)
	}
	return f.n
}

func checkRect(t *testing.T, s *Schedule, m *model, l, p int, from, to uint64, born, died uint32) {
	t.Helper()
	if gl, gp := nodeOf(born, died-1); gl != l || gp != p {
		t.Fatalf("rectangle in node %d/%d, belongs in %d/%d", l, p, gl, gp)
	}
	if int(died-born) <= s.window() || from >= to {
		t.Fatalf("bad rectangle [%d,%d)x[%d,%d)", from, to, born, died)
	}
	for _, tt := range []uint64{from, to - 1} {
		for _, v := range []uint32{born, died - 1} {
			if got := m.at(tt, m.taus[v].tx); got != int(born) {
				t.Fatalf("rectangle [%d,%d)x[%d,%d): model shows %d at (%d,%d)", from, to, born, died, got, tt, v)
			}
		}
		if got := m.at(tt, m.taus[died].tx); got == int(born) {
			t.Fatalf("rectangle [%d,%d)x[%d,%d) still shown at its death", from, to, born, died)
		}
	}
}

func TestRandomAgainstModel(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 15
	}
	for seed := range uint64(seeds) {
		g := newGen(seed)
		s := &Schedule{win: g.win}
		m := &model{}
		n := 40 + g.rng.IntN(600)
		if g.win == defaultWindow {
			n += 300
		}
		checkAt := map[int]bool{n / 7: true, n / 2: true, n - 1: true, g.win: true, g.win + 1: true}
		for i := 0; i < n; i++ {
			tx, v, e, d := g.next()
			if err := s.Append(tx, v, e, d); err != nil {
				t.Fatalf("seed %d: Append: %v", seed, err)
			}
			m.append(tx, v, e, d)
			if checkAt[i] {
				compare(t, fmt.Sprintf("seed %d after %d", seed, i+1), s, m, g, 150)
			}
		}
		checkHistoryIndex(t, s, m)

		// A clone and the original diverge independently.
		c := s.Clone()
		mc := &model{taus: slices.Clone(m.taus)}
		gc := newGen(seed + 1000)
		gc.tx, gc.seq, gc.points, gc.win = g.tx, g.seq, slices.Clone(g.points), g.win
		for i := 0; i < 100; i++ {
			tx, v, e, d := g.next()
			if err := s.Append(tx, v, e, d); err != nil {
				t.Fatal(err)
			}
			m.append(tx, v, e, d)
			tx, v, e, d = gc.next()
			if err := c.Append(tx, v, e, d); err != nil {
				t.Fatal(err)
			}
			mc.append(tx, v, e, d)
		}
		compare(t, fmt.Sprintf("seed %d original after clone", seed), s, m, g, 150)
		compare(t, fmt.Sprintf("seed %d clone", seed), c, mc, gc, 150)
		checkHistoryIndex(t, c, mc)

		// A round trip through the encoding answers the same (with the
		// default window: the history is rebuilt, not copied).
		d, err := Decode(s.AppendBinary(nil))
		if err != nil {
			t.Fatalf("seed %d: Decode: %v", seed, err)
		}
		if d.win != 0 {
			t.Fatalf("decoded schedule has window %d", d.win)
		}
		compare(t, fmt.Sprintf("seed %d decoded", seed), d, m, g, 150)
		checkHistoryIndex(t, d, m)
	}
}
