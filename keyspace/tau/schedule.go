// Package tau implements the schedule behind sundial's tau type: an
// append-only list of Taus, each an immutable value valid over a half-open
// interval of valid time [valid, expiry) and stamped with a transaction time
// tx. Where Taus overlap in valid time the one appended later wins, so a
// schedule answers "what is the value at valid time t" and, bitemporally,
// "what did the schedule say about t as of transaction time x".
//
// # Layout
//
// Taus live in columns (tx, valid, expiry, data end offset) cut into chunks
// of 512, each chunk with its own data arena; full chunks never change and
// are packed into 32-bit offsets where the values allow (see chunk). On top
// of them:
//
//   - the painting: the current resolved timeline as a B+ tree from the start
//     of each visible piece to the index of the Tau it shows. A piece ends at
//     the next piece's start or at its Tau's expiry, whichever is first, so
//     gaps need no entries. Appending paints [valid, expiry) over whatever was
//     there.
//   - the history: every piece that an append paints over becomes a rectangle
//     in (valid time × version) space: [from, to) × [born, died), where born is
//     the index of the Tau shown and died the index of the Tau that covered it.
//     Rectangles that lived for more than W = 128 versions are kept in an
//     interval tree over versions: a rectangle goes to the node of the highest
//     bit in which born and died-1 differ, so all rectangles of one node were
//     visible at the same version and are disjoint in valid time. A node
//     receives rectangles only while the last version is in its range, so
//     one node per level is open (a B+ tree keyed by from); the others are
//     complete, packed into sorted columns. Short-lived rectangles are not
//     kept: a query at version m looks at the last W Taus up to m directly
//     instead, through the block paintings.
//   - block paintings: for every aligned block of W Taus, the timeline its
//     Taus paint on their own, built when the block completes. A query at
//     version m searches the painting of m's block (when the last of its
//     Taus to contain t is at most m, that is the answer; when none does,
//     none of them up to m does either; else it scans the block up to m)
//     and that of the block before: at least the last W Taus up to m.
//
// # Costs
//
// n is the number of Taus, k the number of results, W the window (128), h
// the number of version tree levels holding rectangles (at most 33, about
// log2(n/W) in practice).
//
//   - Append: amortised O(log n). It inserts at most two painting entries
//     and removes those it covers; each removed entry or trimmed neighbour
//     becomes at most one rectangle, so at most 3n rectangles ever exist.
//   - At: O(log n).
//   - AtAsOf: O(log n) to find the version and search two block
//     paintings, plus a scan of at most W-1 Taus when the version's block
//     shows a later Tau at t; when the answer is older, a search of the
//     painting and, if it was painted over since, one search per level in
//     use, in the node on the version's path (nearest middles first, so
//     usually two or three): O(log n + W + h·log n) at worst.
//   - AtAll: the first result as AtAsOf, then each further one O(W) or, when
//     it lies more than W appends before the previous one, O(W + h·log n):
//     at most O(log n + k·(W + h·log n)), much less when results are dense.
//   - Range: O(log n + k). With ASOF: O(W + h·log n) to start, then
//     O(h + log n) per piece merged (amortised over skipped entries). Pieces
//     merged equal k unless Taus appended after the ASOF version cut a
//     result's Tau into several pieces, which are joined again.
//   - History: O(k) in append order; with a valid-time range O(n), a scan of
//     the valid/expiry columns.
//
// Memory: 32 bytes of columns per Tau plus its data (16 in a complete chunk
// of Taus appended within about four seconds of each other and valid
// within about four seconds of each other), about 16 per painting
// entry (at most 2n; few when Taus overlap heavily, about n for back-to-back
// readings) and per kept rectangle (about two per Tau when Taus overlap
// heavily and are painted over a few hundred appends later, about two per
// correction of data more than W appends old) 12 bytes in a complete node
// whose rectangles span less than 2^32 ns of valid time and versions less
// than 2^16 apart, up to 24 in other complete nodes and about 36 in the open
// ones. A block painting takes about 5 bytes per piece (9 when its Taus span
// 2^32 ns or more), at most 2W+1 pieces, about two per Tau when Taus rarely
// overlap within W appends.
//
// Data slices handed out by queries alias the schedule's storage: callers
// must not modify them. Taus are immutable, so the slices stay valid for as
// long as they are referenced, whatever is appended later.
//
// A Schedule is not safe for concurrent use by writers; any number of readers
// may share it when nobody appends.
package tau

import (
	"errors"
	"math"
	"slices"
	"unsafe"
)

// Inf is the open-ended expiry (+inf): 2^64-1.
const Inf = math.MaxUint64

// Latest, given as ASOF, includes every Tau.
const Latest = math.MaxUint64

// MaxTaus is the most Taus a schedule holds.
const MaxTaus = 1<<30 - 1

// defaultWindow is how many recent Taus a query at a past version looks at
// directly (see recent); history rectangles that lived for no more versions
// are not kept. A larger window keeps fewer rectangles (memory) at the price
// of larger block paintings and a longer scan of a partial block. Tests use
// smaller windows to exercise the history with small schedules. A window
// is a power of two that divides chunkSize, at most 128.
const (
	defaultWindow = 128
	maxWindow     = 128
)

const (
	chunkBits = 9
	chunkSize = 1 << chunkBits
	chunkMask = chunkSize - 1
)

// Errors returned by Append.
var (
	ErrInterval = errors.New("tau: expiry must be greater than valid")
	ErrTxOrder  = errors.New("tau: tx must be greater than the last tx")
	ErrFull     = errors.New("tau: schedule is full")
)

// Schedule is a tau value. The zero value is an empty schedule ready to use.
type Schedule struct {
	chunks    []*chunk
	n         int
	minValid  uint64
	maxExpiry uint64

	paint   btree // current timeline: piece start -> Tau index
	painted bool  // paint initialised

	hist    *history // kept rectangles; nil until the first
	chunkTx []uint64 // tx of each chunk's first Tau, for ASOF lookups

	colBytes int      // bytes held by chunks and their arenas
	scratch  []uint64 // reused by Append
	win      int      // window; 0 means defaultWindow
}

func (s *Schedule) window() int {
	if s.win == 0 {
		return defaultWindow
	}
	return s.win
}

// New returns an empty schedule.
func New() *Schedule { return &Schedule{} }

// Len returns the number of Taus.
func (s *Schedule) Len() int { return s.n }

// LastTx returns the tx of the last Tau, or 0 when the schedule is empty.
// A new Tau needs a greater one.
func (s *Schedule) LastTx() uint64 {
	if s.n == 0 {
		return 0
	}
	return s.tx(uint32(s.n - 1))
}

func (s *Schedule) col(i uint32) (*chunk, uint32) {
	return s.chunks[i>>chunkBits], i & chunkMask
}

func (s *Schedule) tx(i uint32) uint64 {
	c, j := s.col(i)
	return c.tx.at(int(j))
}

func (s *Schedule) expiry(i uint32) uint64 {
	c, j := s.col(i)
	return c.expiryAt(int(j))
}

// data returns Tau i's data. The slice is capped so that appending to it
// cannot overwrite a neighbour; its contents must not be modified.
func (s *Schedule) data(i uint32) []byte {
	c, j := s.col(i)
	return c.data(int(j))
}

// Append adds a Tau valid over [valid, expiry) with transaction time tx,
// which must be greater than every tx already in the schedule. The data is
// copied.
func (s *Schedule) Append(tx, valid, expiry uint64, data []byte) error {
	if expiry <= valid {
		return ErrInterval
	}
	if s.n > 0 && tx <= s.LastTx() {
		return ErrTxOrder
	}
	if s.n >= MaxTaus {
		return ErrFull
	}
	if !s.painted {
		s.paint = newBtree(nil)
		s.painted = true
	}
	s.paintOver(valid, expiry, uint32(s.n))
	s.push(tx, valid, expiry, data)
	if s.n == 1 || valid < s.minValid {
		s.minValid = valid
	}
	if expiry > s.maxExpiry {
		s.maxExpiry = expiry
	}
	return nil
}

// push stores Tau s.n in the columns.
func (s *Schedule) push(tx, valid, expiry uint64, data []byte) {
	if s.n&chunkMask == 0 {
		c := &chunk{blocks: make([]blockPaint, chunkSize/s.window())}
		s.chunks = append(s.chunks, c)
		s.chunkTx = append(s.chunkTx, tx)
		s.colBytes += c.bytes()
	}
	c := s.chunks[len(s.chunks)-1]
	before := c.bytes()
	c.push(tx, valid, expiry, data)
	if w := s.window(); c.n%w == 0 {
		c.blocks[c.n/w-1], s.scratch = paintBlock(c, c.n-w, w, s.scratch)
	}
	s.colBytes += c.bytes() - before
	s.n++
}

// paintOver paints Tau j over [v, e) in the current timeline and keeps the
// long-lived pieces it covers as history rectangles.
func (s *Schedule) paintOver(v, e uint64, j uint32) {
	p := &s.paint
	var c cursor

	// The piece that straddles e continues after it: it needs its own entry.
	var cont uint32
	hasCont := false
	if c.seekLE(p, e) {
		if f, x := c.key(), c.val(); f < e && s.expiry(x) > e {
			cont, hasCont = x, true
		}
	}

	dead := s.scratch[:0]
	ok := c.seekLE(p, v)
	if !ok {
		ok = c.seekGE(p, v)
	}
	for ok {
		f, x := c.key(), c.val()
		if f >= e {
			break
		}
		ok = c.next()
		to := s.expiry(x)
		if ok && c.key() < to {
			to = c.key()
		}
		from := max(f, v)
		if to > e {
			to = e
		}
		if from < to && int(j-x) > s.window() {
			if s.hist == nil {
				s.hist = &history{}
			}
			s.hist.keep(from, to, x, j)
		}
		if f >= v {
			dead = append(dead, f)
		}
	}
	for _, f := range dead {
		p.delete(f)
	}
	if cap(dead) <= 1024 {
		s.scratch = dead[:0] // keep a small buffer, not one a huge append grew
	}
	p.insert(v, j)
	if hasCont {
		p.insert(e, cont)
	}
}

// current returns the Tau in effect at t now.
func (s *Schedule) current(t uint64) (uint32, bool) {
	if s.n == 0 {
		return 0, false
	}
	var c cursor
	if !c.seekLE(&s.paint, t) {
		return 0, false
	}
	x := c.val()
	return x, t < s.expiry(x)
}

// At returns the data of the Tau in effect at valid time t: the one
// appended last among those with valid <= t < expiry.
func (s *Schedule) At(t uint64) ([]byte, bool) {
	x, ok := s.current(t)
	if !ok {
		return nil, false
	}
	return s.data(x), true
}

// AtAsOf is At counting only the Taus with tx <= asof.
func (s *Schedule) AtAsOf(t, asof uint64) ([]byte, bool) {
	x, ok := s.locate(t, s.version(asof))
	if !ok {
		return nil, false
	}
	return s.data(x), true
}

// version returns the index of the last Tau with tx <= asof, or -1.
func (s *Schedule) version(asof uint64) int {
	if s.n == 0 {
		return -1
	}
	if asof >= s.tx(uint32(s.n-1)) {
		return s.n - 1
	}
	// The last chunk starting at or before asof, then the last Tau in it.
	// Transaction times mostly grow at a steady pace, so both searches
	// start where interpolation puts asof.
	ci := upperBoundNear(s.chunkTx, asof) - 1
	if ci < 0 {
		return -1
	}
	return ci<<chunkBits + s.chunks[ci].tx.upperBoundNear(asof) - 1
}

// locate returns the Tau in effect at valid time t at version m (counting
// Taus 0..m only). The answer is exactly one of: one of the recent Taus up
// to m (the block paintings, see recent), an older Tau whose piece at t is
// still in effect now (the painting), or an older one whose piece was
// painted over after m (a kept rectangle). They are tried in that order:
// the recent Taus are the likeliest to answer when Taus overlap heavily,
// and the painting tells cheaply when nothing ever covered t.
func (s *Schedule) locate(t uint64, m int) (uint32, bool) {
	if m < 0 {
		return 0, false
	}
	if m == s.n-1 {
		return s.current(t)
	}
	if x, ok, all := s.recent(t, m); ok || all {
		return x, ok
	}
	x, ok := s.current(t)
	if !ok {
		return 0, false // nothing ever covered t
	}
	if int(x) <= m {
		return x, true
	}
	return s.kept(t, m)
}

// locateBelow is locate for a t whose current Tau is later than m. It
// scans the last W Taus up to m rather than searching block paintings:
// AtAll calls it for each further result, and results that lie close
// together are found within a few Taus.
func (s *Schedule) locateBelow(t uint64, m int) (uint32, bool) {
	lo := max(0, m-s.window()+1)
	for hi := m; hi >= lo; {
		base := hi &^ chunkMask
		if j := s.chunks[hi>>chunkBits].lastContaining(t, max(lo-base, 0), hi-base); j >= 0 {
			return uint32(base + j), true
		}
		hi = base - 1
	}
	if lo == 0 {
		return 0, false
	}
	return s.kept(t, m)
}

// kept returns the Tau in effect at t at version m when it lies at or
// before m-window and its piece at t was painted over after m: the
// rectangle showing it lived more than window versions and was kept.
func (s *Schedule) kept(t uint64, m int) (uint32, bool) {
	if s.hist == nil {
		return 0, false
	}
	return s.hist.find(t, uint32(m))
}

// AtAll appends to dst the data of every Tau with valid <= t < expiry and
// tx <= asof (Latest for all), in append order, and returns the result.
func (s *Schedule) AtAll(t, asof uint64, dst [][]byte) [][]byte {
	m := s.version(asof)
	first := len(dst)
	x, ok := s.locate(t, m)
	for ok {
		dst = append(dst, s.data(x))
		if x == 0 {
			break
		}
		x, ok = s.locateBelow(t, int(x)-1)
	}
	slices.Reverse(dst[first:])
	return dst
}

// Range calls fn for the resolved timeline over [start, end) as of asof
// (Latest for now): in ascending valid time, each maximal interval in which
// one Tau is in effect, clipped to [start, end), gaps left out. Neighbouring
// intervals are merged only when they show the same Tau. At most limit
// intervals are reported (limit < 0: no limit); fn returning false stops.
func (s *Schedule) Range(start, end, asof uint64, limit int, fn func(from, to uint64, data []byte) bool) {
	if start >= end || limit == 0 || s.n == 0 {
		return
	}
	m := s.version(asof)
	switch {
	case m < 0:
		return
	case m == s.n-1:
		s.rangeNow(start, end, limit, fn)
	default:
		s.rangeAt(start, end, m, limit, fn)
	}
}

func (s *Schedule) rangeNow(start, end uint64, limit int, fn func(from, to uint64, data []byte) bool) {
	var c cursor
	ok := c.seekLE(&s.paint, start)
	if !ok {
		ok = c.seekGE(&s.paint, start)
	}
	for ok {
		f, x := c.key(), c.val()
		if f >= end {
			return
		}
		ok = c.next()
		to := s.expiry(x)
		if ok && c.key() < to {
			to = c.key()
		}
		from := max(f, start)
		to = min(to, end)
		if from >= to {
			continue
		}
		if !fn(from, to, s.data(x)) {
			return
		}
		if limit--; limit == 0 {
			return
		}
	}
}

// piece is one interval of a timeline.
type piece struct {
	from, to uint64
	tau      uint32
}

// Info describes a schedule.
type Info struct {
	Taus        int
	FirstValid  uint64 // smallest valid
	LastExpiry  uint64 // largest expiry
	FirstTx     uint64
	LastTx      uint64
	MemoryBytes int
}

// Info returns the schedule's summary; all times are 0 when it is empty.
func (s *Schedule) Info() Info {
	in := Info{Taus: s.n, MemoryBytes: s.MemoryUsage()}
	if s.n > 0 {
		in.FirstValid = s.minValid
		in.LastExpiry = s.maxExpiry
		in.FirstTx = s.tx(0)
		in.LastTx = s.tx(uint32(s.n - 1))
	}
	return in
}

// History calls fn for the raw Taus in append order; with hasRange, only
// for those whose validity overlaps [start, end). At most limit Taus are
// reported (limit < 0: no limit); fn returning false stops.
func (s *Schedule) History(start, end uint64, hasRange bool, limit int, fn func(tx, valid, expiry uint64, data []byte) bool) {
	if limit == 0 || (hasRange && start >= end) {
		return
	}
	for _, c := range s.chunks {
		for j := range c.n {
			valid, expiry := c.validAt(j), c.expiryAt(j)
			if hasRange && (valid >= end || expiry <= start) {
				continue
			}
			if !fn(c.tx.at(j), valid, expiry, c.data(j)) {
				return
			}
			if limit--; limit == 0 {
				return
			}
		}
	}
}

// MemoryUsage returns the bytes the schedule holds on the heap.
func (s *Schedule) MemoryUsage() int {
	b := int(unsafe.Sizeof(*s)) + s.colBytes + cap(s.chunks)*8 + cap(s.scratch)*8
	if s.painted {
		b += s.paint.bytes
	}
	if s.hist != nil {
		b += s.hist.memoryUsage()
	}
	return b + cap(s.chunkTx)*8
}

// Clone returns a copy that shares no mutable state with s: appending to
// either never shows in the other. Complete chunks are immutable and shared.
func (s *Schedule) Clone() *Schedule {
	c := &Schedule{
		n:         s.n,
		minValid:  s.minValid,
		maxExpiry: s.maxExpiry,
		painted:   s.painted,
		colBytes:  s.colBytes,
		win:       s.win,
	}
	c.chunks = make([]*chunk, len(s.chunks), cap(s.chunks))
	copy(c.chunks, s.chunks)
	if k := len(c.chunks); k > 0 && c.chunks[k-1].n < chunkSize {
		last := c.chunks[k-1]
		c.chunks[k-1] = last.clone()
		c.colBytes += c.chunks[k-1].bytes() - last.bytes()
	}
	if s.painted {
		c.paint = s.paint.clone(nil)
	}
	if s.hist != nil {
		c.hist = s.hist.clone()
	}
	c.chunkTx = slices.Clip(slices.Clone(s.chunkTx))
	return c
}
