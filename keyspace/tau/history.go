package tau

import (
	"math/bits"
	"slices"
	"unsafe"
)

// history keeps the rectangles [from, to) × [born, died) of valid time ×
// version that lived for more versions than the window: pieces of Tau born
// that were in effect from version born until Tau died painted over them.
// (A query at version m scans Taus m-W+1..m itself; any answer older than
// that shows through a rectangle born <= m-W that dies after m, so lived
// more than W versions.)
//
// It is an interval tree over versions: a rectangle goes to the node of the
// highest bit in which born and died-1 differ, so every rectangle of a node
// was in effect at the same version (the node's middle) and they are
// disjoint in valid time.
//
// A rectangle is kept when it dies, at the append of Tau died, so a node
// receives rectangles only while the schedule's last version lies in its
// range of versions: one node per level is open, and every node before it
// is complete and never changes again. An open node is a B+ tree from a
// rectangle's from to its record; when the next node of its level opens it
// is frozen into packed sorted columns (see frozen), about a third of the
// size and faster to search.
type history struct {
	open   [versionLevels]*openNode
	nodes  [versionLevels][]*frozen // level -> prefix -> complete node, or nil
	levels [versionLevels]int       // rectangles per level
	used   uint64                   // bit l set when level l holds rectangles
	bytes  int                      // bytes held by complete nodes and the node lists
}

// versionLevels is the number of levels of the version tree: one per bit
// of a version, plus one.
const versionLevels = 33

// openNode is the node of one level that still receives rectangles: a B+
// tree keyed by from whose values are ids in rec. The tree's summaries
// (born, ^died) let a scan skip rectangles not alive at a given version.
type openNode struct {
	prefix int // version >> (level+1) of the node's versions
	rec    records
	tree   btree
}

// records are the rectangles of an open node, by id.
type records struct {
	to   []uint64
	born []uint32
	died []uint32
}

func newOpenNode(prefix int) *openNode {
	o := &openNode{prefix: prefix}
	o.tree = newBtree(&o.rec)
	return o
}

func (o *openNode) bytes() int {
	return int(unsafe.Sizeof(*o)) + o.tree.bytes + cap(o.rec.to)*8 + (cap(o.rec.born)+cap(o.rec.died))*4
}

// keep stores the rectangle [from, to) × [born, died).
func (h *history) keep(from, to uint64, born, died uint32) {
	l, p := nodeOf(born, died-1)
	o := h.open[l]
	if o != nil && o.prefix != p {
		h.freeze(l)
		o = nil
	}
	if o == nil {
		o = newOpenNode(p)
		h.open[l] = o
	}
	id := uint32(len(o.rec.to))
	o.rec.to = append(o.rec.to, to)
	o.rec.born = append(o.rec.born, born)
	o.rec.died = append(o.rec.died, died)
	o.tree.insert(from, id)
	h.levels[l]++
	h.used |= 1 << l
}

// freeze replaces the open node of level l by its packed form.
func (h *history) freeze(l int) {
	o := h.open[l]
	h.open[l] = nil
	f := newFrozen(l, o)
	if o.prefix >= len(h.nodes[l]) {
		before := cap(h.nodes[l])
		h.nodes[l] = append(h.nodes[l], make([]*frozen, o.prefix+1-len(h.nodes[l]))...)
		h.bytes += (cap(h.nodes[l]) - before) * 8
	}
	h.nodes[l][o.prefix] = f
	h.bytes += f.bytes()
}

// nodeOf returns the node holding a rectangle alive at versions a..b
// (a < b): the level of the highest bit in which they differ, and the
// prefix above it.
func nodeOf(a, b uint32) (int, int) {
	l := bits.Len32(a^b) - 1
	return l, int(a >> (l + 1))
}

// node returns the level l node whose versions include m: an open node or
// a complete one (at most one of them non-nil).
func (h *history) node(l int, m uint32) (*openNode, *frozen) {
	p := int(m >> (l + 1))
	if o := h.open[l]; o != nil && o.prefix == p {
		return o, nil
	}
	if p < len(h.nodes[l]) {
		return nil, h.nodes[l][p]
	}
	return nil, nil
}

// find returns the Tau of the kept rectangle containing (t, m), if any:
// one search per level in use, in the node on m's path, stopping at the
// first hit.
//
// Every rectangle of a node is alive at the node's middle version, so one
// alive at m spans from the middle to m: the nearer m lies to a node's
// middle, the likelier that node holds the answer. Levels are searched in
// that order, which on a schedule of heavily overlapping Taus finds the
// answer in two or three searches rather than four or five from the
// bottom up. The order needs no sort: among the levels whose bit is set in
// m the distance is m's bits below the level, and among the others the
// level's size less those bits, both growing with the level; the two
// ascending sequences are merged.
func (h *history) find(t uint64, m uint32) (uint32, bool) {
	above := h.used & uint64(m)  // levels whose middle is at or before m
	below := h.used &^ uint64(m) // levels whose middle is after m
	for above|below != 0 {
		var l int
		switch {
		case below == 0:
			l = bits.TrailingZeros64(above)
		case above == 0:
			l = bits.TrailingZeros64(below)
		default:
			la, lb := bits.TrailingZeros64(above), bits.TrailingZeros64(below)
			l = la
			if distance(m, lb) < distance(m, la) {
				l = lb
			}
		}
		above &^= 1 << l
		below &^= 1 << l
		if x, ok := h.findIn(t, m, l); ok {
			return x, true
		}
	}
	return 0, false
}

// findIn returns the Tau of the rectangle containing (t, m) in the level l
// node on m's path, if any.
func (h *history) findIn(t uint64, m uint32, l int) (uint32, bool) {
	o, f := h.node(l, m)
	if f != nil {
		i := f.seekLE(t)
		if i < 0 || t >= f.to(i) {
			return 0, false
		}
		if born, died := f.life(i); born <= m && m < died {
			return born, true
		}
		return 0, false
	}
	if o == nil {
		return 0, false
	}
	var c cursor
	if !c.seekLE(&o.tree, t) {
		return 0, false
	}
	r := c.val()
	if t < o.rec.to[r] && o.rec.born[r] <= m && m < o.rec.died[r] {
		return o.rec.born[r], true
	}
	return 0, false
}

// distance returns how many versions m lies from the middle of its node at
// level l.
func distance(m uint32, l int) uint64 {
	half := uint64(1) << l
	r := uint64(m) & (half - 1)
	if uint64(m)&half != 0 {
		return r // m is at or after the middle
	}
	return half - r
}

func (h *history) memoryUsage() int {
	b := int(unsafe.Sizeof(*h)) + h.bytes
	for _, o := range h.open {
		if o != nil {
			b += o.bytes()
		}
	}
	return b
}

// clone returns a copy that shares no mutable state with h. Complete nodes
// never change, so the copy shares them; open nodes are copied.
func (h *history) clone() *history {
	c := &history{levels: h.levels, used: h.used, bytes: h.bytes}
	for l, level := range h.nodes {
		if level != nil {
			c.nodes[l] = make([]*frozen, len(level), cap(level))
			copy(c.nodes[l], level)
		}
	}
	for l, o := range h.open {
		if o == nil {
			continue
		}
		co := &openNode{prefix: o.prefix}
		co.rec = records{
			to:   slices.Clip(slices.Clone(o.rec.to)),
			born: slices.Clip(slices.Clone(o.rec.born)),
			died: slices.Clip(slices.Clone(o.rec.died)),
		}
		co.tree = o.tree.clone(&co.rec)
		c.open[l] = co
	}
	return c
}
