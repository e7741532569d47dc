package tau

import "math/bits"

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
	var recent recentSweep
	recent.init(s, start, end, w0, m)
	var streams [1 + versionLevels]stream
	ns := 0
	if w0 > 0 {
		lastOld := uint32(w0 - 1)
		streams[ns] = stream{kind: paintStream, tree: &s.paint, hiMax: lastOld, loMax: lowMask}
		ns++
		h := s.hist
		for l := 0; h != nil && l < versionLevels; l++ {
			if h.levels[l] == 0 {
				continue
			}
			st := stream{kind: keptStream, lastOld: lastOld}
			o, f := h.node(l, uint32(m))
			switch {
			case o != nil:
				st.tree = &o.tree
			case f != nil:
				st.kind, st.frozen = frozenStream, f
			default:
				continue
			}
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

	rcur, rok := recent.next()
	var pend piece
	has := false
	for {
		best := -1
		for i := range streams[:ns] {
			if streams[i].ok && (best < 0 || streams[i].cur.from < streams[best].cur.from) {
				best = i
			}
		}
		var p piece
		switch {
		case rok && (best < 0 || rcur.from < streams[best].cur.from):
			p = rcur
			rcur, rok = recent.next()
		case best >= 0:
			p = streams[best].cur
			streams[best].advance(s)
		default:
			p.from = end // all sets exhausted
		}
		if p.from >= end {
			break
		}
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
	paintStream  = iota
	keptStream   // an open history node
	frozenStream // a complete history node
)

// stream yields, in order of start, the pieces of live or kept rectangles
// for rangeAt.
type stream struct {
	kind         int
	tree         *btree
	c            cursor
	frozen       *frozen
	idx          int    // position in frozen
	hiMax, loMax uint32 // filter on the entries' summaries
	lastOld      uint32 // kept rectangles must show a Tau <= lastOld
	cur          piece
	ok           bool
}

// start positions the stream at its first piece ending after t.
func (st *stream) start(s *Schedule, t uint64) {
	if st.kind == frozenStream {
		st.idx = max(0, st.frozen.seekLE(t))
	} else if !st.c.seekLE(st.tree, t) && !st.c.seekGE(st.tree, t) {
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
	if st.kind == frozenStream {
		st.idx++
	} else if !st.c.next() {
		st.ok = false
		return
	}
	st.load(s)
}

// load makes the current or next passing entry the stream's piece.
func (st *stream) load(s *Schedule) {
	switch st.kind {
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
			if born := st.tree.rec.born[r]; born <= st.lastOld {
				st.cur = piece{from: st.c.key(), to: st.tree.rec.to[r], tau: born}
				return
			}
			if !st.c.next() {
				st.ok = false
				return
			}
		}
	case frozenStream:
		f := st.frozen
		for {
			st.idx = f.seekWhere(st.idx, st.hiMax, st.loMax)
			if st.ok = st.idx < f.n; !st.ok {
				return
			}
			if born, _ := f.life(st.idx); born <= st.lastOld {
				st.cur = piece{from: f.fromAt(st.idx), to: f.to(st.idx), tau: born}
				return
			}
			st.idx++
		}
	}
}

// recentSweep yields, in order, the timeline that Taus w0..m alone paint
// over [start, end): a sweep over their clipped endpoints, kept in a
// min-heap, with the set of Taus in effect as a bitset whose highest bit is
// the latest. Lazy, so a Range with a small LIMIT pays O(W) to set up and
// O(log W) per endpoint it passes, not a sort of all of them. Pieces of one
// Tau may come cut at endpoints of others; rangeAt joins them.
type recentSweep struct {
	w0   int
	pos  uint64
	on   [maxWindow / 64]uint64
	n    int // events in heap
	heap [2 * maxWindow]event
}

// event is a Tau's start (bit >= 0) or end (bit < 0, Tau -1-bit) in the
// sweep; bit counts from w0.
type event struct {
	at  uint64
	bit int
}

func (r *recentSweep) init(s *Schedule, start, end uint64, w0, m int) {
	r.w0, r.pos = w0, start
	for i := w0; i <= m; i++ {
		c, j := s.col(uint32(i))
		v, e := max(c.validAt(int(j)), start), min(c.expiryAt(int(j)), end)
		if v >= e {
			continue
		}
		if b := i - w0; v == start {
			r.on[b/64] |= 1 << (b % 64)
		} else {
			r.heap[r.n] = event{v, b}
			r.n++
		}
		r.heap[r.n] = event{e, -1 - (i - w0)}
		r.n++
	}
	for k := r.n/2 - 1; k >= 0; k-- {
		r.down(k)
	}
}

func (r *recentSweep) next() (piece, bool) {
	for r.n > 0 {
		latest := -1
		for w := len(r.on) - 1; w >= 0; w-- {
			if r.on[w] != 0 {
				latest = w*64 + bits.Len64(r.on[w]) - 1
				break
			}
		}
		from, at := r.pos, r.heap[0].at
		for r.n > 0 && r.heap[0].at == at {
			if b := r.heap[0].bit; b >= 0 {
				r.on[b/64] |= 1 << (b % 64)
			} else {
				b = -1 - b
				r.on[b/64] &^= 1 << (b % 64)
			}
			r.n--
			r.heap[0] = r.heap[r.n]
			r.down(0)
		}
		r.pos = at
		if latest >= 0 && from < at {
			return piece{from: from, to: at, tau: uint32(r.w0 + latest)}, true
		}
	}
	return piece{}, false
}

func (r *recentSweep) down(k int) {
	h := r.heap[:r.n]
	for {
		c := 2*k + 1
		if c >= len(h) {
			return
		}
		if c+1 < len(h) && h[c+1].at < h[c].at {
			c++
		}
		if h[k].at <= h[c].at {
			return
		}
		h[k], h[c] = h[c], h[k]
		k = c
	}
}
