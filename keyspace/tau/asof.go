package tau

import (
	"cmp"
	"math/bits"
	"slices"
)

// rangeAt is Range at a past version m (0 <= m < n-1).
//
// The timeline at version m is the disjoint union of three sets of pieces:
//   - what the recent Taus w0..m (w0 = m-window+1) show: painted directly;
//   - live pieces of Taus before w0: never painted over since, so shown at
//     every version from their Tau on;
//   - kept rectangles of Taus before w0 alive at m: covered only after m,
//     more than window versions after their Tau, so they were kept, each in
//     the version tree node on m's path at its level.
//
// Each set comes sorted by start, so the timeline is their merge; pieces of
// one Tau that touch are joined.
func (s *Schedule) rangeAt(start, end uint64, m, limit int, fn func(from, to uint64, data []byte) bool) {
	w0 := max(0, m-s.window()+1)
	var recentBuf [2*maxWindow + 1]piece
	var streams [2 + len(s.levels)]stream
	ns := 0

	streams[ns] = stream{kind: recentStream, list: s.paintRecent(start, end, w0, m, recentBuf[:0])}
	ns++
	if w0 > 0 {
		lastOld := uint32(w0 - 1)
		streams[ns] = stream{kind: paintStream, tree: &s.paint, hiMax: lastOld, loMax: lowMask}
		ns++
		for l := range s.levels {
			if s.levels[l] == 0 {
				continue
			}
			tr := s.nodes[nodeKey(l, uint32(m))]
			if tr == nil {
				continue
			}
			st := stream{kind: keptStream, tree: tr, lastOld: lastOld}
			if uint32(m)&(1<<l) == 0 {
				// m is before the node's split version: everything in the
				// node dies after m, so alive means born <= m.
				st.hiMax, st.loMax = lastOld, lowMask
			} else {
				// m is at or after the split: everything in the node was
				// born before m, so alive means died > m.
				st.hiMax, st.loMax = lowMask, ^uint32(m+1)
			}
			streams[ns] = st
			ns++
		}
	}
	for i := range streams[:ns] {
		streams[i].start(s, start)
	}

	var pend piece
	has := false
	for {
		best := -1
		for i := range streams[:ns] {
			if streams[i].ok && (best < 0 || streams[i].cur.from < streams[best].cur.from) {
				best = i
			}
		}
		if best < 0 || streams[best].cur.from >= end {
			break
		}
		p := streams[best].cur
		streams[best].advance(s)
		p.from = max(p.from, start)
		p.to = min(p.to, end)
		if p.from >= p.to {
			continue
		}
		if has && pend.tau == p.tau && pend.to == p.from {
			pend.to = p.to
			continue
		}
		if has {
			if !fn(pend.from, pend.to, s.data(pend.tau)) {
				return
			}
			if limit--; limit == 0 {
				return
			}
		}
		pend, has = p, true
	}
	if has {
		fn(pend.from, pend.to, s.data(pend.tau))
	}
}

const (
	recentStream = iota
	paintStream
	keptStream
)

// stream yields, in order of start, the pieces of one of rangeAt's sets.
type stream struct {
	kind         int
	tree         *btree
	c            cursor
	hiMax, loMax uint32 // filter on the entries' summaries
	lastOld      uint32 // kept rectangles must show a Tau <= lastOld
	list         []piece
	i            int
	cur          piece
	ok           bool
}

// start positions the stream at its first piece ending after t.
func (st *stream) start(s *Schedule, t uint64) {
	if st.kind == recentStream {
		st.i = 0
		st.load(s)
		return
	}
	if !st.c.seekLE(st.tree, t) && !st.c.seekGE(st.tree, t) {
		st.ok = false
		return
	}
	st.load(s)
	// Only the piece starting at or before t can end too early.
	if st.ok && st.cur.to <= t {
		st.advance(s)
	}
}

func (st *stream) advance(s *Schedule) {
	if st.kind == recentStream {
		st.i++
	} else if !st.c.next() {
		st.ok = false
		return
	}
	st.load(s)
}

// load makes the current or next passing entry the stream's piece.
func (st *stream) load(s *Schedule) {
	switch st.kind {
	case recentStream:
		st.ok = st.i < len(st.list)
		if st.ok {
			st.cur = st.list[st.i]
		}
	case paintStream:
		if st.ok = st.c.seekWhere(st.tree, st.hiMax, st.loMax); !st.ok {
			return
		}
		x := st.c.val()
		st.cur = piece{from: st.c.key(), to: s.expiry(x), tau: x}
		nx := st.c
		if nx.next() && nx.key() < st.cur.to {
			st.cur.to = nx.key()
		}
	case keptStream:
		for {
			if st.ok = st.c.seekWhere(st.tree, st.hiMax, st.loMax); !st.ok {
				return
			}
			r := st.c.val()
			if born := s.rec.born[r]; born <= st.lastOld {
				st.cur = piece{from: st.c.key(), to: s.rec.to[r], tau: born}
				return
			}
			if !st.c.next() {
				st.ok = false
				return
			}
		}
	}
}

// paintRecent appends to out the timeline over [start, end) that Taus
// w0..m alone paint, in order, gaps left out. It sweeps their clipped
// endpoints in order keeping the set of Taus in effect as a bitset, whose
// highest bit is the latest: O(W log W).
func (s *Schedule) paintRecent(start, end uint64, w0, m int, out []piece) []piece {
	type event struct {
		at  uint64
		bit int // Tau w0+bit; negative (-1-bit) for its end
	}
	var evBuf [2 * maxWindow]event
	ev := evBuf[:0]
	for i := w0; i <= m; i++ {
		c, j := s.col(uint32(i))
		v, e := max(c.valid[j], start), min(c.expiry[j], end)
		if v < e {
			ev = append(ev, event{v, i - w0}, event{e, -1 - (i - w0)})
		}
	}
	slices.SortFunc(ev, func(a, b event) int { return cmp.Compare(a.at, b.at) })
	var on [maxWindow / 64]uint64
	for k := 0; k < len(ev); {
		at := ev[k].at
		for ; k < len(ev) && ev[k].at == at; k++ {
			if b := ev[k].bit; b >= 0 {
				on[b/64] |= 1 << (b % 64)
			} else {
				b = -1 - b
				on[b/64] &^= 1 << (b % 64)
			}
		}
		if k == len(ev) {
			break
		}
		latest := -1
		for w := len(on) - 1; w >= 0; w-- {
			if on[w] != 0 {
				latest = w*64 + bits.Len64(on[w]) - 1
				break
			}
		}
		if latest < 0 {
			continue
		}
		tau, next := uint32(w0+latest), ev[k].at
		if n := len(out); n > 0 && out[n-1].tau == tau && out[n-1].to == at {
			out[n-1].to = next
		} else {
			out = append(out, piece{from: at, to: next, tau: tau})
		}
	}
	return out
}
