package zset

import "math/rand/v2"

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

type node struct {
	member string
	score  float64
	prev   *node // level-0 predecessor; nil for the first node
	lvl    []level
}

// Nodes of the common low levels carry their level array inline, so a
// member costs a single allocation. With p = 0.25, 99.6% of nodes have at
// most four levels.
type (
	node1 struct {
		n node
		l [1]level
	}
	node2 struct {
		n node
		l [2]level
	}
	node3 struct {
		n node
		l [3]level
	}
	node4 struct {
		n node
		l [4]level
	}
)

func newNode(lv int, member string, score float64) *node {
	var n *node
	switch lv {
	case 1:
		b := new(node1)
		b.n.lvl = b.l[:]
		n = &b.n
	case 2:
		b := new(node2)
		b.n.lvl = b.l[:]
		n = &b.n
	case 3:
		b := new(node3)
		b.n.lvl = b.l[:]
		n = &b.n
	case 4:
		b := new(node4)
		b.n.lvl = b.l[:]
		n = &b.n
	default:
		n = &node{lvl: make([]level, lv)}
	}
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
	x := &z.head
	for i := z.level - 1; i >= 0; i-- {
		if i == z.level-1 {
			p.rank[i] = 0
		} else {
			p.rank[i] = p.rank[i+1]
		}
		for x.lvl[i].next != nil && after(x.lvl[i].next, score, member) {
			p.rank[i] += x.lvl[i].span
			x = x.lvl[i].next
		}
		p.update[i] = x
	}
}

// pathToRank fills p.update with the predecessors of the node at 0-based
// rank r (r may equal the length: the position after the tail).
func (z *ZSet) pathToRank(p *path, r int) {
	x := &z.head
	traversed := 0
	for i := z.level - 1; i >= 0; i-- {
		for x.lvl[i].next != nil && traversed+x.lvl[i].span <= r {
			traversed += x.lvl[i].span
			x = x.lvl[i].next
		}
		p.update[i] = x
	}
}

// link inserts n, whose level array is already sized, at its place.
func (z *ZSet) link(n *node) {
	var p path
	z.findPath(&p, n.score, n.member)
	lv := len(n.lvl)
	if lv > z.level {
		for i := z.level; i < lv; i++ {
			p.rank[i] = 0
			p.update[i] = &z.head
			if i < len(z.head.lvl) {
				z.head.lvl[i] = level{nil, z.length}
			} else {
				z.head.lvl = append(z.head.lvl, level{nil, z.length})
			}
		}
		z.level = lv
	}
	for i := 0; i < lv; i++ {
		u := p.update[i]
		n.lvl[i].next = u.lvl[i].next
		u.lvl[i].next = n
		n.lvl[i].span = u.lvl[i].span - (p.rank[0] - p.rank[i])
		u.lvl[i].span = p.rank[0] - p.rank[i] + 1
	}
	for i := lv; i < z.level; i++ {
		p.update[i].lvl[i].span++
	}
	if p.update[0] != &z.head {
		n.prev = p.update[0]
	} else {
		n.prev = nil
	}
	if n.lvl[0].next != nil {
		n.lvl[0].next.prev = n
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
		if u.lvl[i].next == x {
			u.lvl[i].span += x.lvl[i].span - 1
			u.lvl[i].next = x.lvl[i].next
		} else {
			u.lvl[i].span--
		}
	}
	if x.lvl[0].next != nil {
		x.lvl[0].next.prev = x.prev
	} else {
		z.tail = x.prev
	}
	for z.level > 1 && z.head.lvl[z.level-1].next == nil {
		z.level--
	}
	z.head.lvl = z.head.lvl[:z.level]
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
	n := &z.head
	r := 0
	for i := z.level - 1; i >= 0; i-- {
		for n.lvl[i].next != nil && !before(x.score, x.member, n.lvl[i].next) {
			r += n.lvl[i].span
			n = n.lvl[i].next
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
	x := &z.head
	traversed := 0
	target := r + 1
	for i := z.level - 1; i >= 0; i-- {
		for x.lvl[i].next != nil && traversed+x.lvl[i].span <= target {
			traversed += x.lvl[i].span
			x = x.lvl[i].next
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
	x := p.update[0].lvl[0].next
	removed := 0
	for x != nil && removed != limit {
		if keep != nil && !keep(x) {
			break
		}
		next := x.lvl[0].next
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
