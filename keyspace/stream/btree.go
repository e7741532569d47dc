package stream

// idTree is an ordered map from ID to V, kept as a B-tree so that a pending
// entries list of any size has O(log n) lookup, insertion and removal and
// can be walked in ID order from any point.
type idTree[V any] struct {
	root *btNode[V]
	n    int
}

const (
	btMaxItems = 31 // items per node; a full node splits into 15 + 1 + 15
	btMinItems = btMaxItems / 2
)

type btNode[V any] struct {
	keys     []ID
	vals     []V
	children []*btNode[V] // nil for a leaf, else len(keys)+1 entries
}

// Len returns the number of keys.
func (t *idTree[V]) Len() int { return t.n }

// find returns the index of the first key >= id and whether it equals id.
func (n *btNode[V]) find(id ID) (int, bool) {
	lo, hi := 0, len(n.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.keys[m].Less(id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(n.keys) && n.keys[lo] == id
}

func (n *btNode[V]) leaf() bool { return n.children == nil }

// Get returns the value stored under id.
func (t *idTree[V]) Get(id ID) (V, bool) {
	n := t.root
	for n != nil {
		i, found := n.find(id)
		if found {
			return n.vals[i], true
		}
		if n.leaf() {
			break
		}
		n = n.children[i]
	}
	var zero V
	return zero, false
}

// Set stores v under id and reports whether id was new.
func (t *idTree[V]) Set(id ID, v V) bool {
	if t.root == nil {
		t.root = &btNode[V]{keys: []ID{id}, vals: []V{v}}
		t.n = 1
		return true
	}
	if len(t.root.keys) >= btMaxItems {
		mid, midVal, right := t.root.split()
		t.root = &btNode[V]{
			keys:     []ID{mid},
			vals:     []V{midVal},
			children: []*btNode[V]{t.root, right},
		}
	}
	if t.root.insert(id, v) {
		t.n++
		return true
	}
	return false
}

// split moves the upper half of a full node into a new node and returns the
// middle item, which the caller puts into the parent.
func (n *btNode[V]) split() (ID, V, *btNode[V]) {
	m := len(n.keys) / 2
	right := &btNode[V]{
		keys: append(make([]ID, 0, btMaxItems), n.keys[m+1:]...),
		vals: append(make([]V, 0, btMaxItems), n.vals[m+1:]...),
	}
	if !n.leaf() {
		right.children = append(make([]*btNode[V], 0, btMaxItems+1), n.children[m+1:]...)
		clear(n.children[m+1:])
		n.children = n.children[:m+1]
	}
	midKey, midVal := n.keys[m], n.vals[m]
	var zero V
	for i := m; i < len(n.vals); i++ {
		n.vals[i] = zero
	}
	n.keys = n.keys[:m]
	n.vals = n.vals[:m]
	return midKey, midVal, right
}

// insert adds or replaces id in a node that is not full.
func (n *btNode[V]) insert(id ID, v V) bool {
	for {
		i, found := n.find(id)
		if found {
			n.vals[i] = v
			return false
		}
		if n.leaf() {
			n.keys = insertAt(n.keys, i, id)
			n.vals = insertAt(n.vals, i, v)
			return true
		}
		if len(n.children[i].keys) >= btMaxItems {
			mid, midVal, right := n.children[i].split()
			n.keys = insertAt(n.keys, i, mid)
			n.vals = insertAt(n.vals, i, midVal)
			n.children = insertAt(n.children, i+1, right)
			switch c := id.Compare(mid); {
			case c == 0:
				n.vals[i] = v
				return false
			case c > 0:
				i++
			}
		}
		n = n.children[i]
	}
}

func insertAt[T any](s []T, i int, v T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func removeAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

// Delete removes id and returns its value.
func (t *idTree[V]) Delete(id ID) (V, bool) {
	var zero V
	if t.root == nil {
		return zero, false
	}
	v, ok := t.root.remove(id)
	if len(t.root.keys) == 0 {
		if t.root.leaf() {
			t.root = nil
		} else {
			t.root = t.root.children[0]
		}
	}
	if ok {
		t.n--
	}
	return v, ok
}

// remove deletes id from the subtree. Before descending it makes sure the
// child has more than the minimum number of items, so that a removal never
// has to walk back up.
func (n *btNode[V]) remove(id ID) (V, bool) {
	for {
		i, found := n.find(id)
		if n.leaf() {
			if !found {
				var zero V
				return zero, false
			}
			v := n.vals[i]
			n.keys = removeAt(n.keys, i)
			n.vals = removeAt(n.vals, i)
			return v, true
		}
		if len(n.children[i].keys) <= btMinItems {
			n.growChild(i)
			continue // the items moved: search this node again
		}
		if found {
			v := n.vals[i]
			n.keys[i], n.vals[i] = n.children[i].removeMax()
			return v, true
		}
		n = n.children[i]
	}
}

// removeMax deletes and returns the largest item of a subtree whose root
// has more than the minimum number of items.
func (n *btNode[V]) removeMax() (ID, V) {
	for !n.leaf() {
		i := len(n.children) - 1
		if len(n.children[i].keys) <= btMinItems {
			n.growChild(i)
			continue
		}
		n = n.children[i]
	}
	last := len(n.keys) - 1
	k, v := n.keys[last], n.vals[last]
	n.keys = removeAt(n.keys, last)
	n.vals = removeAt(n.vals, last)
	return k, v
}

// growChild gives child i more than the minimum number of items by taking
// one from a sibling or by merging it with a sibling.
func (n *btNode[V]) growChild(i int) {
	child := n.children[i]
	switch {
	case i > 0 && len(n.children[i-1].keys) > btMinItems:
		left := n.children[i-1]
		lk, lv := left.keys[len(left.keys)-1], left.vals[len(left.vals)-1]
		left.keys = removeAt(left.keys, len(left.keys)-1)
		left.vals = removeAt(left.vals, len(left.vals)-1)
		child.keys = insertAt(child.keys, 0, n.keys[i-1])
		child.vals = insertAt(child.vals, 0, n.vals[i-1])
		n.keys[i-1], n.vals[i-1] = lk, lv
		if !left.leaf() {
			lc := left.children[len(left.children)-1]
			left.children = removeAt(left.children, len(left.children)-1)
			child.children = insertAt(child.children, 0, lc)
		}
	case i < len(n.keys) && len(n.children[i+1].keys) > btMinItems:
		right := n.children[i+1]
		child.keys = append(child.keys, n.keys[i])
		child.vals = append(child.vals, n.vals[i])
		n.keys[i], n.vals[i] = right.keys[0], right.vals[0]
		right.keys = removeAt(right.keys, 0)
		right.vals = removeAt(right.vals, 0)
		if !right.leaf() {
			child.children = append(child.children, right.children[0])
			right.children = removeAt(right.children, 0)
		}
	default:
		if i >= len(n.keys) {
			i--
		}
		left, right := n.children[i], n.children[i+1]
		left.keys = append(left.keys, n.keys[i])
		left.vals = append(left.vals, n.vals[i])
		left.keys = append(left.keys, right.keys...)
		left.vals = append(left.vals, right.vals...)
		if !left.leaf() {
			left.children = append(left.children, right.children...)
		}
		n.keys = removeAt(n.keys, i)
		n.vals = removeAt(n.vals, i)
		n.children = removeAt(n.children, i+1)
	}
}

// Ascend calls fn for every key >= from in ascending order until fn
// returns false.
func (t *idTree[V]) Ascend(from ID, fn func(ID, V) bool) {
	if t.root != nil {
		t.root.ascend(from, fn)
	}
}

func (n *btNode[V]) ascend(from ID, fn func(ID, V) bool) bool {
	i, _ := n.find(from)
	for ; i < len(n.keys); i++ {
		if !n.leaf() && !n.children[i].ascend(from, fn) {
			return false
		}
		if !fn(n.keys[i], n.vals[i]) {
			return false
		}
	}
	if !n.leaf() {
		return n.children[i].ascend(from, fn)
	}
	return true
}

// Min returns the smallest key.
func (t *idTree[V]) Min() (ID, bool) {
	n := t.root
	if n == nil {
		return ID{}, false
	}
	for !n.leaf() {
		n = n.children[0]
	}
	return n.keys[0], true
}

// Max returns the largest key.
func (t *idTree[V]) Max() (ID, bool) {
	n := t.root
	if n == nil {
		return ID{}, false
	}
	for !n.leaf() {
		n = n.children[len(n.children)-1]
	}
	return n.keys[len(n.keys)-1], true
}
