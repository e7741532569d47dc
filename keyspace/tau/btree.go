package tau

import "math"

// btree is a B+ tree from unique uint64 keys to uint32 values, stored as
// chunked sorted arrays (no node per entry, few pointers for the GC to scan).
//
// Every inner node keeps, for each child, a summary of the values below it:
// two uint32 components packed in a uint64, each the minimum over the
// subtree. That lets a cursor skip whole subtrees when looking for the next
// entry whose value passes a bound (seekWhere). What a value's summary is
// depends on the tree: the painting uses the value itself (a Tau index), the
// history trees look the value up in the record columns (birth, ^death).
//
// Separator keys in inner nodes are lower bounds: for i >= 1 every key under
// kids[i] is >= keys[i] and every key under kids[i-1] is < keys[i]. keys[0]
// carries no meaning (a key below every separator goes to kids[0]) and is
// set from the parent's separator whenever a node's children move.
type btree struct {
	root  *bnode
	depth int // number of inner levels above the leaves; 0: the root is a leaf
	count int
	rec   *records // nil: a value's summary is the value itself
	bytes int      // heap bytes held by the nodes, kept up to date
}

type bnode struct {
	keys []uint64
	vals []uint32 // leaves only
	kids []*bnode // inner nodes only
	sums []uint64 // inner nodes only: summary of each child
}

const (
	leafMax  = 128
	leafMin  = leafMax / 4
	innerMax = 64
	innerMin = innerMax / 4
	maxDepth = 12 // 2^32 entries need at most 8 levels with these fan-outs

	lowMask  = 0xFFFFFFFF
	emptySum = math.MaxUint64

	// bnodeBytes is the size of a bnode struct (four slice headers).
	bnodeBytes = 4 * 24
)

func (n *bnode) isLeaf() bool { return n.kids == nil }

func nodeBytes(n *bnode) int {
	return bnodeBytes + cap(n.keys)*8 + cap(n.vals)*4 + cap(n.kids)*8 + cap(n.sums)*8
}

func newBtree(rec *records) btree {
	root := &bnode{}
	return btree{root: root, rec: rec, bytes: nodeBytes(root)}
}

// sumOf is the summary of one value.
func (t *btree) sumOf(v uint32) uint64 {
	if t.rec == nil {
		return uint64(v)<<32 | lowMask
	}
	return uint64(t.rec.born[v])<<32 | uint64(^t.rec.died[v])
}

// minSum combines two summaries component by component.
func minSum(a, b uint64) uint64 {
	hi, lo := a>>32, a&lowMask
	if b>>32 < hi {
		hi = b >> 32
	}
	if b&lowMask < lo {
		lo = b & lowMask
	}
	return hi<<32 | lo
}

// passes reports whether a summary may contain a value within the bound:
// high component <= hiMax and low component <= loMax. Callers restrict one
// component only (the other bound is lowMask), which makes the summary test
// exact: a subtree passes if and only if one of its values does.
func passes(sum uint64, hiMax, loMax uint32) bool {
	return uint32(sum>>32) <= hiMax && uint32(sum) <= loMax
}

func (t *btree) nodeSum(n *bnode) uint64 {
	s := uint64(emptySum)
	if n.isLeaf() {
		if t.rec == nil {
			// Fast path for the painting: the minimum value.
			m := uint32(lowMask)
			for _, v := range n.vals {
				if v < m {
					m = v
				}
			}
			if len(n.vals) == 0 {
				return emptySum
			}
			return uint64(m)<<32 | lowMask
		}
		for _, v := range n.vals {
			s = minSum(s, t.sumOf(v))
		}
		return s
	}
	for _, x := range n.sums {
		s = minSum(s, x)
	}
	return s
}

// lowerBound returns the first index i with keys[i] >= k.
func lowerBound(keys []uint64, k uint64) int {
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if keys[m] < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// childFor returns the child of inner node n that may hold key k.
func childFor(n *bnode, k uint64) int {
	// First i >= 1 with keys[i] > k, minus one.
	lo, hi := 1, len(n.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.keys[m] <= k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo - 1
}

func growCap(c, need, max int) int {
	n := c * 2
	if n < 4 {
		n = 4
	}
	if n < need {
		n = need
	}
	if n > max {
		n = max
	}
	return n
}

// reserveLeaf makes room for extra more entries in leaf n.
func (t *btree) reserveLeaf(n *bnode, extra int) {
	need := len(n.keys) + extra
	if need <= cap(n.keys) {
		return
	}
	c := growCap(cap(n.keys), need, leafMax)
	keys := make([]uint64, len(n.keys), c)
	vals := make([]uint32, len(n.vals), c)
	copy(keys, n.keys)
	copy(vals, n.vals)
	t.bytes += (c - cap(n.keys)) * 8
	t.bytes += (c - cap(n.vals)) * 4
	n.keys, n.vals = keys, vals
}

// reserveInner makes room for extra more children in inner node n.
func (t *btree) reserveInner(n *bnode, extra int) {
	need := len(n.kids) + extra
	if need <= cap(n.kids) {
		return
	}
	c := growCap(cap(n.kids), need, innerMax)
	keys := make([]uint64, len(n.keys), c)
	kids := make([]*bnode, len(n.kids), c)
	sums := make([]uint64, len(n.sums), c)
	copy(keys, n.keys)
	copy(kids, n.kids)
	copy(sums, n.sums)
	t.bytes += (c-cap(n.keys))*8 + (c-cap(n.kids))*8 + (c-cap(n.sums))*8
	n.keys, n.kids, n.sums = keys, kids, sums
}

func (t *btree) leafInsert(n *bnode, i int, k uint64, v uint32) {
	t.reserveLeaf(n, 1)
	n.keys = n.keys[:len(n.keys)+1]
	n.vals = n.vals[:len(n.vals)+1]
	copy(n.keys[i+1:], n.keys[i:])
	copy(n.vals[i+1:], n.vals[i:])
	n.keys[i], n.vals[i] = k, v
}

func (t *btree) innerInsert(n *bnode, i int, k uint64, kid *bnode, sum uint64) {
	t.reserveInner(n, 1)
	n.keys = n.keys[:len(n.keys)+1]
	n.kids = n.kids[:len(n.kids)+1]
	n.sums = n.sums[:len(n.sums)+1]
	copy(n.keys[i+1:], n.keys[i:])
	copy(n.kids[i+1:], n.kids[i:])
	copy(n.sums[i+1:], n.sums[i:])
	n.keys[i], n.kids[i], n.sums[i] = k, kid, sum
}

func (t *btree) newLeaf(keys []uint64, vals []uint32) *bnode {
	c := growCap(0, len(keys), leafMax)
	n := &bnode{keys: make([]uint64, len(keys), c), vals: make([]uint32, len(vals), c)}
	copy(n.keys, keys)
	copy(n.vals, vals)
	t.bytes += nodeBytes(n)
	return n
}

func (t *btree) newInner(keys []uint64, kids []*bnode, sums []uint64) *bnode {
	c := growCap(0, len(kids), innerMax)
	n := &bnode{
		keys: make([]uint64, len(keys), c),
		kids: make([]*bnode, len(kids), c),
		sums: make([]uint64, len(sums), c),
	}
	copy(n.keys, keys)
	copy(n.kids, kids)
	copy(n.sums, sums)
	t.bytes += nodeBytes(n)
	return n
}

// splitLeafInsert inserts (k, v) at position i of the full leaf n by
// splitting it. It returns the new right sibling and its separator. An
// insertion past the last key of the tree (rightmost) or before its first
// (leftmost) keeps the old entries together, so ascending or descending
// appends leave full leaves behind them.
func (t *btree) splitLeafInsert(n *bnode, i int, k uint64, v uint32, rightmost, leftmost bool) (*bnode, uint64) {
	switch {
	case i == len(n.keys) && rightmost:
		r := t.newLeaf([]uint64{k}, []uint32{v})
		return r, k
	case i == 0 && leftmost:
		r := t.newLeaf(n.keys, n.vals)
		n.keys, n.vals = n.keys[:0], n.vals[:0]
		t.leafInsert(n, 0, k, v)
		return r, r.keys[0]
	}
	h := len(n.keys) / 2
	r := t.newLeaf(n.keys[h:], n.vals[h:])
	n.keys, n.vals = n.keys[:h], n.vals[:h]
	if i <= h {
		t.leafInsert(n, i, k, v)
	} else {
		t.leafInsert(r, i-h, k, v)
	}
	return r, r.keys[0]
}

// splitInnerInsert inserts child kid with separator k at position i (>= 1)
// of the full inner node n by splitting it, like splitLeafInsert.
func (t *btree) splitInnerInsert(n *bnode, i int, k uint64, kid *bnode, sum uint64, rightmost bool) (*bnode, uint64) {
	if i == len(n.kids) && rightmost {
		r := t.newInner([]uint64{k}, []*bnode{kid}, []uint64{sum})
		return r, k
	}
	h := len(n.kids) / 2
	r := t.newInner(n.keys[h:], n.kids[h:], n.sums[h:])
	clear(n.kids[h:]) // drop references held beyond len
	n.keys, n.kids, n.sums = n.keys[:h], n.kids[:h], n.sums[:h]
	if i <= h {
		t.innerInsert(n, i, k, kid, sum)
	} else {
		t.innerInsert(r, i-h, k, kid, sum)
	}
	return r, r.keys[0]
}

// insert sets key k to value v, adding the entry if it is absent.
func (t *btree) insert(k uint64, v uint32) {
	var c cursor
	c.descend(t, k)
	d := t.depth
	leaf := c.nodes[d]
	i := c.idx[d]
	if i < len(leaf.keys) && leaf.keys[i] == k {
		leaf.vals[i] = v
		t.fixPath(&c, d)
		return
	}
	t.count++
	if len(leaf.keys) < leafMax {
		t.leafInsert(leaf, i, k, v)
		t.fixPath(&c, d)
		return
	}
	right, sep := t.splitLeafInsert(leaf, i, k, v, c.rightmost(d), c.leftmost0(d))
	for d--; d >= 0; d-- {
		p, pos := c.nodes[d], c.idx[d]
		p.sums[pos] = t.nodeSum(p.kids[pos])
		rsum := t.nodeSum(right)
		if len(p.kids) < innerMax {
			t.innerInsert(p, pos+1, sep, right, rsum)
			t.fixPath(&c, d)
			return
		}
		right, sep = t.splitInnerInsert(p, pos+1, sep, right, rsum, c.rightmost(d))
	}
	// The root split: grow the tree by one level.
	old := t.root
	t.root = t.newInner([]uint64{0, sep}, []*bnode{old, right}, []uint64{t.nodeSum(old), t.nodeSum(right)})
	t.depth++
}

// fixPath recomputes the summaries on the cursor's path above level d.
func (t *btree) fixPath(c *cursor, d int) {
	for ; d > 0; d-- {
		p := c.nodes[d-1]
		p.sums[c.idx[d-1]] = t.nodeSum(c.nodes[d])
	}
}

// delete removes key k and reports whether it was present.
func (t *btree) delete(k uint64) bool {
	var c cursor
	c.descend(t, k)
	d := t.depth
	leaf := c.nodes[d]
	i := c.idx[d]
	if i >= len(leaf.keys) || leaf.keys[i] != k {
		return false
	}
	copy(leaf.keys[i:], leaf.keys[i+1:])
	copy(leaf.vals[i:], leaf.vals[i+1:])
	leaf.keys = leaf.keys[:len(leaf.keys)-1]
	leaf.vals = leaf.vals[:len(leaf.vals)-1]
	t.count--
	for ; d > 0; d-- {
		n, p, pi := c.nodes[d], c.nodes[d-1], c.idx[d-1]
		if (n.isLeaf() && len(n.keys) < leafMin) || (!n.isLeaf() && len(n.kids) < innerMin) {
			t.rebalance(p, pi)
		} else {
			p.sums[pi] = t.nodeSum(n)
		}
	}
	for t.depth > 0 && len(t.root.kids) == 1 {
		old := t.root
		t.root = old.kids[0]
		t.depth--
		t.bytes -= nodeBytes(old)
	}
	return true
}

// rebalance fixes the underfull child i of p by merging it with a sibling
// or, when both together are too many for one node, sharing evenly.
func (t *btree) rebalance(p *bnode, i int) {
	a := i
	if a+1 >= len(p.kids) {
		a = i - 1
	}
	if a < 0 {
		p.sums[i] = t.nodeSum(p.kids[i])
		return
	}
	l, r := p.kids[a], p.kids[a+1]
	merged := false
	if l.isLeaf() {
		merged = t.balanceLeaves(l, r)
		if !merged {
			p.keys[a+1] = r.keys[0]
		}
	} else {
		r.keys[0] = p.keys[a+1]
		merged = t.balanceInner(l, r)
		if !merged {
			p.keys[a+1] = r.keys[0]
		}
	}
	p.sums[a] = t.nodeSum(l)
	if merged {
		t.bytes -= nodeBytes(r)
		copy(p.keys[a+1:], p.keys[a+2:])
		copy(p.kids[a+1:], p.kids[a+2:])
		copy(p.sums[a+1:], p.sums[a+2:])
		p.kids[len(p.kids)-1] = nil
		p.keys = p.keys[:len(p.keys)-1]
		p.kids = p.kids[:len(p.kids)-1]
		p.sums = p.sums[:len(p.sums)-1]
		return
	}
	p.sums[a+1] = t.nodeSum(r)
}

// balanceLeaves merges r into l if they fit in one leaf (reporting true),
// or else shares their entries evenly.
func (t *btree) balanceLeaves(l, r *bnode) bool {
	total := len(l.keys) + len(r.keys)
	if total <= leafMax {
		t.reserveLeaf(l, len(r.keys))
		l.keys = append(l.keys, r.keys...)
		l.vals = append(l.vals, r.vals...)
		return true
	}
	want := total / 2
	if len(l.keys) < want {
		m := want - len(l.keys)
		t.reserveLeaf(l, m)
		l.keys = append(l.keys, r.keys[:m]...)
		l.vals = append(l.vals, r.vals[:m]...)
		copy(r.keys, r.keys[m:])
		copy(r.vals, r.vals[m:])
		r.keys, r.vals = r.keys[:len(r.keys)-m], r.vals[:len(r.vals)-m]
		return false
	}
	m := len(l.keys) - want
	t.reserveLeaf(r, m)
	r.keys = r.keys[:len(r.keys)+m]
	r.vals = r.vals[:len(r.vals)+m]
	copy(r.keys[m:], r.keys)
	copy(r.vals[m:], r.vals)
	copy(r.keys, l.keys[want:])
	copy(r.vals, l.vals[want:])
	l.keys, l.vals = l.keys[:want], l.vals[:want]
	return false
}

// balanceInner is balanceLeaves for inner nodes; r.keys[0] must already
// hold the parent's separator for r.
func (t *btree) balanceInner(l, r *bnode) bool {
	total := len(l.kids) + len(r.kids)
	if total <= innerMax {
		t.reserveInner(l, len(r.kids))
		l.keys = append(l.keys, r.keys...)
		l.kids = append(l.kids, r.kids...)
		l.sums = append(l.sums, r.sums...)
		return true
	}
	want := total / 2
	if len(l.kids) < want {
		m := want - len(l.kids)
		t.reserveInner(l, m)
		l.keys = append(l.keys, r.keys[:m]...)
		l.kids = append(l.kids, r.kids[:m]...)
		l.sums = append(l.sums, r.sums[:m]...)
		copy(r.keys, r.keys[m:])
		copy(r.kids, r.kids[m:])
		copy(r.sums, r.sums[m:])
		clear(r.kids[len(r.kids)-m:])
		r.keys = r.keys[:len(r.keys)-m]
		r.kids = r.kids[:len(r.kids)-m]
		r.sums = r.sums[:len(r.sums)-m]
		return false
	}
	m := len(l.kids) - want
	t.reserveInner(r, m)
	r.keys = r.keys[:len(r.keys)+m]
	r.kids = r.kids[:len(r.kids)+m]
	r.sums = r.sums[:len(r.sums)+m]
	copy(r.keys[m:], r.keys)
	copy(r.kids[m:], r.kids)
	copy(r.sums[m:], r.sums)
	copy(r.keys, l.keys[want:])
	copy(r.kids, l.kids[want:])
	copy(r.sums, l.sums[want:])
	clear(l.kids[want:])
	l.keys, l.kids, l.sums = l.keys[:want], l.kids[:want], l.sums[:want]
	return false
}

// clone returns a deep copy whose summaries read rec.
func (t *btree) clone(rec *records) btree {
	return btree{root: cloneNode(t.root), depth: t.depth, count: t.count, rec: rec, bytes: t.bytes}
}

func cloneNode(n *bnode) *bnode {
	c := &bnode{keys: make([]uint64, len(n.keys), cap(n.keys))}
	copy(c.keys, n.keys)
	if n.isLeaf() {
		c.vals = make([]uint32, len(n.vals), cap(n.vals))
		copy(c.vals, n.vals)
		return c
	}
	c.kids = make([]*bnode, len(n.kids), cap(n.kids))
	c.sums = make([]uint64, len(n.sums), cap(n.sums))
	copy(c.sums, n.sums)
	for i, k := range n.kids {
		c.kids[i] = cloneNode(k)
	}
	return c
}

// cursor is a position in a btree: the path from the root to a leaf entry.
// It is a plain value (no allocation) and is invalidated by any change to
// the tree.
type cursor struct {
	depth int
	nodes [maxDepth + 1]*bnode
	idx   [maxDepth + 1]int
}

// descend positions c at the first entry >= k within the leaf that would
// hold k; that may be one past the leaf's last entry.
func (c *cursor) descend(t *btree, k uint64) {
	c.depth = t.depth
	n := t.root
	for d := 0; d < t.depth; d++ {
		i := childFor(n, k)
		c.nodes[d], c.idx[d] = n, i
		n = n.kids[i]
	}
	c.nodes[t.depth] = n
	c.idx[t.depth] = lowerBound(n.keys, k)
}

// rightmost reports whether the node at level d of the path is the last
// one of its level.
func (c *cursor) rightmost(d int) bool {
	for u := 0; u < d; u++ {
		if c.idx[u] != len(c.nodes[u].kids)-1 {
			return false
		}
	}
	return true
}

// leftmost0 reports whether the node at level d of the path is the first
// one of its level.
func (c *cursor) leftmost0(d int) bool {
	for u := 0; u < d; u++ {
		if c.idx[u] != 0 {
			return false
		}
	}
	return true
}

func (c *cursor) valid() bool {
	i := c.idx[c.depth]
	return i >= 0 && i < len(c.nodes[c.depth].keys)
}

func (c *cursor) key() uint64 { return c.nodes[c.depth].keys[c.idx[c.depth]] }
func (c *cursor) val() uint32 { return c.nodes[c.depth].vals[c.idx[c.depth]] }

// settle moves a position one past the end of a leaf to the first entry of
// the next leaf, if there is one.
func (c *cursor) settle() bool {
	if c.idx[c.depth] < len(c.nodes[c.depth].keys) {
		return true
	}
	for d := c.depth - 1; d >= 0; d-- {
		if c.idx[d]+1 < len(c.nodes[d].kids) {
			c.idx[d]++
			c.leftmost(d + 1)
			return true
		}
	}
	return false
}

// leftmost positions levels d.. at the first entry below nodes[d-1]'s
// current child.
func (c *cursor) leftmost(d int) {
	n := c.nodes[d-1].kids[c.idx[d-1]]
	for ; d < c.depth; d++ {
		c.nodes[d], c.idx[d] = n, 0
		n = n.kids[0]
	}
	c.nodes[c.depth], c.idx[c.depth] = n, 0
}

// seekGE positions c at the first entry with key >= k.
func (c *cursor) seekGE(t *btree, k uint64) bool {
	c.descend(t, k)
	return c.settle()
}

// seekLE positions c at the last entry with key <= k.
func (c *cursor) seekLE(t *btree, k uint64) bool {
	c.descend(t, k)
	if c.valid() && c.key() == k {
		return true
	}
	return c.prev()
}

func (c *cursor) next() bool {
	c.idx[c.depth]++
	return c.settle()
}

func (c *cursor) prev() bool {
	if c.idx[c.depth] > 0 {
		c.idx[c.depth]--
		return true
	}
	for d := c.depth - 1; d >= 0; d-- {
		if c.idx[d] > 0 {
			c.idx[d]--
			n := c.nodes[d].kids[c.idx[d]]
			for d++; d < c.depth; d++ {
				c.nodes[d], c.idx[d] = n, len(n.kids)-1
				n = n.kids[len(n.kids)-1]
			}
			c.nodes[c.depth], c.idx[c.depth] = n, len(n.keys)-1
			return true
		}
	}
	c.idx[c.depth] = -1
	return false
}

// seekWhere moves c forward, starting at its current entry, to the first
// entry whose value's summary passes (hiMax, loMax); see passes.
func (c *cursor) seekWhere(t *btree, hiMax, loMax uint32) bool {
	if c.idx[c.depth] < 0 {
		return false
	}
	leaf := c.nodes[c.depth]
	for i := c.idx[c.depth]; i < len(leaf.keys); i++ {
		if passes(t.sumOf(leaf.vals[i]), hiMax, loMax) {
			c.idx[c.depth] = i
			return true
		}
	}
	for d := c.depth - 1; d >= 0; d-- {
		n := c.nodes[d]
		for k := c.idx[d] + 1; k < len(n.kids); k++ {
			if passes(n.sums[k], hiMax, loMax) {
				c.idx[d] = k
				return c.descendWhere(t, d+1, hiMax, loMax)
			}
		}
	}
	c.idx[c.depth] = len(leaf.keys)
	return false
}

// descendWhere positions levels d.. at the first passing entry below
// nodes[d-1]'s current child, which is known to hold one.
func (c *cursor) descendWhere(t *btree, d int, hiMax, loMax uint32) bool {
	n := c.nodes[d-1].kids[c.idx[d-1]]
	for ; d < c.depth; d++ {
		k := 0
		for k < len(n.kids)-1 && !passes(n.sums[k], hiMax, loMax) {
			k++
		}
		c.nodes[d], c.idx[d] = n, k
		n = n.kids[k]
	}
	c.nodes[c.depth] = n
	for i := range n.vals {
		if passes(t.sumOf(n.vals[i]), hiMax, loMax) {
			c.idx[c.depth] = i
			return true
		}
	}
	// Unreachable while summaries are exact; fail safe rather than loop.
	c.idx[c.depth] = len(n.keys)
	return false
}
