package zset

import (
	"math/rand/v2"
	"unsafe"
)

// The skip list follows the one Redis uses for sorted sets: nodes are
// ordered by (score, member bytes), every forward pointer carries a span
// (how many level-0 steps it jumps) so ranks come out of the same descent
// that finds a node, and level-0 nodes keep a backward pointer for reverse
// walks.

const (
	maxLevel = 32 // enough for 4^32 elements, as in Redis
	// levelThreshold is the chance, out of 1<<32, that a node grows one
	// more level: p = 0.25.
	levelThreshold = 1 << 30
)

type level struct {
	next *node
	span int // level-0 steps from this node to next (to the end when next is nil)
}

// node is one member. Its levels are stored inline, right after the
// node's fixed fields in the same allocation (see newNode), so a descent
// reads a node's score and its forward pointer from one or two adjacent
// cache lines, and a one-level node (three in four) is 64 bytes.
type node struct {
	score  float64
	prev   *node // level-0 predecessor; nil for the first node
	member string
	height int
	l0     level // levels 1..height-1 follow in memory
}

// lvl returns the node's levels. The slice aliases the allocation newNode
// made, which has room for height levels.
func (n *node) lvl() []level {
	return unsafe.Slice(&n.l0, n.height)
}

// at returns level i of the node without a bounds check: a descent at
// level i only ever reaches nodes with more than i levels.
func (n *node) at(i int) *level {
	return (*level)(unsafe.Add(unsafe.Pointer(&n.l0), uintptr(i)*unsafe.Sizeof(level{})))
}

// Nodes come in a few sizes with room for their levels. With p = 0.25,
// 99.6% of nodes have at most four levels.
type (
	node2 struct {
		n node
		l [1]level
	}
	node3 struct {
		n node
		l [2]level
	}
	node4 struct {
		n node
		l [3]level
	}
	node8 struct {
		n node
		l [7]level
	}
	node16 struct {
		n node
		l [15]level
	}
	node32 struct {
		n node
		l [maxLevel - 1]level
	}
)

// roomFor returns the node size class for lv levels: its index in
// allocNode's switch and the levels it has room for.
func roomFor(lv int) (class, room int) {
	switch {
	case lv <= 4:
		return lv, max(lv, 1)
	case lv <= 8:
		return 5, 8
	case lv <= 16:
		return 6, 16
	}
	return 7, maxLevel
}

// allocNode returns a zeroed node with room for at least lv levels, and
// that room.
func allocNode(lv int) (*node, int) {
	class, room := roomFor(lv)
	switch class {
	case 0, 1:
		return new(node), room
	case 2:
		return &new(node2).n, room
	case 3:
		return &new(node3).n, room
	case 4:
		return &new(node4).n, room
	case 5:
		return &new(node8).n, room
	case 6:
		return &new(node16).n, room
	}
	return &new(node32).n, room
}

func newNode(lv int, member string, score float64) *node {
	n, _ := allocNode(lv)
	n.height = lv
	n.member = member
	n.score = score
	return n
}

func randomLevel() int {
	lv := 1
	for lv < maxLevel && rand.Uint32() < levelThreshold {
		lv++
	}
	return lv
}

// before reports whether (score, member) sorts before node x.
func before(score float64, member string, x *node) bool {
	return score < x.score || (score == x.score && member < x.member)
}

// after reports whether node x sorts before (score, member).
func after(x *node, score float64, member string) bool {
	return x.score < score || (x.score == score && x.member < member)
}

// path is the per-level predecessors of a position in the list, with the
// 0-based rank of each predecessor plus one (0 for the head).
type path struct {
	update [maxLevel]*node
	rank   [maxLevel]int
}

// findPath fills p with the predecessors of the position where
// (score, member) belongs.
func (z *ZSet) findPath(p *path, score float64, member string) {
	x := z.head
	for i := z.level - 1; i >= 0; i-- {
		if i == z.level-1 {
			p.rank[i] = 0
		} else {
			p.rank[i] = p.rank[i+1]
		}
		for l := x.at(i); l.next != nil && after(l.next, score, member); l = x.at(i) {
			p.rank[i] += l.span
			x = l.next
		}
		p.update[i] = x
	}
}

// pathToRank fills p.update with the predecessors of the node at 0-based
// rank r (r may equal the length: the position after the tail).
func (z *ZSet) pathToRank(p *path, r int) {
	x := z.head
	traversed := 0
	for i := z.level - 1; i >= 0; i-- {
		for l := x.at(i); l.next != nil && traversed+l.span <= r; l = x.at(i) {
			traversed += l.span
			x = l.next
		}
		p.update[i] = x
	}
}

// link inserts n, whose level array is already sized, at its place.
func (z *ZSet) link(n *node) {
	var p path
	z.findPath(&p, n.score, n.member)
	oldHead := z.head
	lv := n.height
	if lv > z.level {
		for i := z.level; i < lv; i++ {
			p.rank[i] = 0
		}
		z.raise(lv)
		for i := 0; i < lv; i++ {
			// raise may have moved the head: refresh the predecessors
			// that were it.
			if p.update[i] == nil || p.update[i] == oldHead {
				p.update[i] = z.head
			}
		}
	}
	for i := 0; i < lv; i++ {
		u := p.update[i]
		n.lvl()[i].next = u.lvl()[i].next
		u.lvl()[i].next = n
		n.lvl()[i].span = u.lvl()[i].span - (p.rank[0] - p.rank[i])
		u.lvl()[i].span = p.rank[0] - p.rank[i] + 1
	}
	for i := lv; i < z.level; i++ {
		p.update[i].lvl()[i].span++
	}
	if p.update[0] != z.head {
		n.prev = p.update[0]
	} else {
		n.prev = nil
	}
	if n.lvl()[0].next != nil {
		n.lvl()[0].next.prev = n
	} else {
		z.tail = n
	}
	z.length++
}

// unlink removes x given the predecessors of its position. The path stays
// valid for the node that followed x, which lets range deletions unlink a
// run of nodes with a single descent.
func (z *ZSet) unlink(x *node, update *[maxLevel]*node) {
	for i := 0; i < z.level; i++ {
		u := update[i]
		if u.lvl()[i].next == x {
			u.lvl()[i].span += x.lvl()[i].span - 1
			u.lvl()[i].next = x.lvl()[i].next
		} else {
			u.lvl()[i].span--
		}
	}
	if x.lvl()[0].next != nil {
		x.lvl()[0].next.prev = x.prev
	} else {
		z.tail = x.prev
	}
	for z.level > 1 && z.head.lvl()[z.level-1].next == nil {
		z.level--
	}
	z.head.height = z.level
	z.length--
}

// removeNode unlinks x, which must be in the list.
func (z *ZSet) removeNode(x *node) {
	var p path
	z.findPath(&p, x.score, x.member)
	z.unlink(x, &p.update)
}

// rankOf returns the 0-based rank of x, which must be in the list.
func (z *ZSet) rankOf(x *node) int {
	n := z.head
	r := 0
	for i := z.level - 1; i >= 0; i-- {
		for l := n.at(i); l.next != nil && !before(x.score, x.member, l.next); l = n.at(i) {
			r += l.span
			n = l.next
		}
		if n == x {
			return r - 1
		}
	}
	return -1 // not reached for a member of the list
}

// nodeAt returns the node at 0-based rank r, or nil when out of range.
func (z *ZSet) nodeAt(r int) *node {
	if r < 0 || r >= z.length {
		return nil
	}
	x := z.head
	traversed := 0
	target := r + 1
	for i := z.level - 1; i >= 0; i-- {
		for l := x.at(i); l.next != nil && traversed+l.span <= target; l = x.at(i) {
			traversed += l.span
			x = l.next
		}
		if traversed == target {
			return x
		}
	}
	return nil
}

// deleteFrom unlinks up to limit nodes (all when limit < 0) starting at
// 0-based rank r, stopping early at the first node for which keep returns
// false. Every unlinked member is passed to fn when fn is not nil. It
// returns how many were removed.
func (z *ZSet) deleteFrom(r, limit int, keep func(*node) bool, fn func(member string, score float64)) int {
	if r < 0 || r >= z.length || limit == 0 {
		return 0
	}
	var p path
	z.pathToRank(&p, r)
	x := p.update[0].lvl()[0].next
	removed := 0
	for x != nil && removed != limit {
		if keep != nil && !keep(x) {
			break
		}
		next := x.lvl()[0].next
		z.unlink(x, &p.update)
		delete(z.dict, x.member)
		z.nodeBytes -= footprint(x)
		if fn != nil {
			fn(x.member, x.score)
		}
		removed++
		x = next
	}
	z.shrink()
	return removed
}

// raise grows the list to lv levels (more than it has): the head's new
// levels span the whole list. A head without room for them is replaced
// by a larger copy; nothing but the ZSet points at the head.
func (z *ZSet) raise(lv int) {
	if lv > z.headCap {
		h, room := allocNode(lv)
		copy(unsafe.Slice(&h.l0, z.level), z.head.lvl())
		z.head, z.headCap = h, room
	}
	z.head.height = lv
	hl := z.head.lvl()
	for i := z.level; i < lv; i++ {
		hl[i] = level{nil, z.length}
	}
	z.level = lv
}
