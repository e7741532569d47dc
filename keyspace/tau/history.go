package tau

import (
	"math/bits"
	"unsafe"
)

// history keeps the rectangles [from, to) × [born, died) of valid time ×
// version that lived for more versions than the window: pieces of Tau born
// that were in effect from version born until Tau died painted over them.
// (A query at version m scans Taus m-W+1..m itself; any answer older than
// that shows through a rectangle born <= m-W that dies after m, so lived
// more than W versions.) It is an
// interval tree over versions: a rectangle goes to the node of the highest
// bit in which born and died-1 differ, so every rectangle of a node was in
// effect at the same version (the node's middle) and they are disjoint in
// valid time. Each node is a B+ tree from a rectangle's from to its id; the
// tree's summaries (born, ^died) let a scan skip rectangles not alive at a
// given version.
type history struct {
	rec    records
	nodes  [versionLevels][]*btree // level -> prefix (version >> (level+1)) -> node
	levels [versionLevels]int      // rectangles per level
	bytes  int                     // bytes held by nodes
}

// versionLevels is the number of levels of the version tree: one per bit
// of a version, plus one.
const versionLevels = 33

// records are the kept rectangles, by id.
type records struct {
	to   []uint64
	born []uint32
	died []uint32
}

// keep stores the rectangle [from, to) × [born, died).
func (h *history) keep(from, to uint64, born, died uint32) {
	id := uint32(len(h.rec.to))
	h.rec.to = append(h.rec.to, to)
	h.rec.born = append(h.rec.born, born)
	h.rec.died = append(h.rec.died, died)
	l, p := nodeOf(born, died-1)
	if p >= len(h.nodes[l]) {
		before := cap(h.nodes[l])
		h.nodes[l] = append(h.nodes[l], make([]*btree, p+1-len(h.nodes[l]))...)
		h.bytes += (cap(h.nodes[l]) - before) * 8
	}
	t := h.nodes[l][p]
	if t == nil {
		nt := newBtree(&h.rec)
		t = &nt
		h.nodes[l][p] = t
		h.bytes += t.bytes + int(unsafe.Sizeof(btree{}))
	}
	before := t.bytes
	t.insert(from, id)
	h.bytes += t.bytes - before
	h.levels[l]++
}

// nodeOf returns the node holding a rectangle alive at versions a..b
// (a < b): the level of the highest bit in which they differ, and the
// prefix above it.
func nodeOf(a, b uint32) (int, int) {
	l := bits.Len32(a^b) - 1
	return l, int(a >> (l + 1))
}

// node returns the level l node whose versions include m, or nil.
func (h *history) node(l int, m uint32) *btree {
	if p := int(m >> (l + 1)); p < len(h.nodes[l]) {
		return h.nodes[l][p]
	}
	return nil
}

// find returns the Tau of the kept rectangle containing (t, m), if any:
// one search per level in use, in the node on m's path.
func (h *history) find(t uint64, m uint32) (uint32, bool) {
	var c cursor
	for l := range h.levels {
		if h.levels[l] == 0 {
			continue
		}
		tr := h.node(l, m)
		if tr == nil || !c.seekLE(tr, t) {
			continue
		}
		r := c.val()
		if t < h.rec.to[r] && h.rec.born[r] <= m && m < h.rec.died[r] {
			return h.rec.born[r], true
		}
	}
	return 0, false
}

func (h *history) memoryUsage() int {
	return int(unsafe.Sizeof(*h)) + h.bytes + cap(h.rec.to)*8 + (cap(h.rec.born)+cap(h.rec.died))*4
}

// clone returns a deep copy. The record columns are append-only, so the
// copy shares them, capped so that its own appends reallocate.
func (h *history) clone() *history {
	c := &history{levels: h.levels, bytes: h.bytes}
	c.rec = records{
		to:   h.rec.to[:len(h.rec.to):len(h.rec.to)],
		born: h.rec.born[:len(h.rec.born):len(h.rec.born)],
		died: h.rec.died[:len(h.rec.died):len(h.rec.died)],
	}
	for l, level := range h.nodes {
		if level == nil {
			continue
		}
		c.nodes[l] = make([]*btree, len(level), cap(level))
		for p, t := range level {
			if t != nil {
				nt := t.clone(&c.rec)
				c.nodes[l][p] = &nt
			}
		}
	}
	return c
}
