package stream

import "unsafe"

// Info holds the scalar fields of XINFO STREAM.
type Info struct {
	Length               uint64
	RadixTreeKeys        int
	RadixTreeNodes       int
	LastGeneratedID      ID
	MaxDeletedEntryID    ID
	EntriesAdded         uint64
	RecordedFirstEntryID ID
	Groups               int
}

// Info returns the fields XINFO STREAM reports besides the entries.
func (s *Stream) Info() Info {
	return Info{
		Length:               s.length,
		RadixTreeKeys:        len(s.live()),
		RadixTreeNodes:       s.radixTreeNodes(),
		LastGeneratedID:      s.lastID,
		MaxDeletedEntryID:    s.maxDeletedID,
		EntriesAdded:         s.entriesAdded,
		RecordedFirstEntryID: s.firstID,
		Groups:               len(s.groups),
	}
}

// radixTreeNodes counts the nodes Redis's radix tree would have for the
// node keys (16-byte big-endian master IDs): one per compressed run of
// shared bytes, one per branching point and one per key end. It matches
// Redis for trees built by insertion; after removals Redis's tree can
// differ slightly.
func (s *Stream) radixTreeNodes() int {
	nodes := s.live()
	if len(nodes) == 0 {
		return 1
	}
	keys := make([][16]byte, len(nodes))
	for i, n := range nodes {
		keys[i] = encodeKey(n.master())
	}
	return raxCount(keys, 0)
}

func encodeKey(id ID) [16]byte {
	var k [16]byte
	for i := 0; i < 8; i++ {
		k[i] = byte(id.Ms >> (56 - 8*i))
		k[8+i] = byte(id.Seq >> (56 - 8*i))
	}
	return k
}

// raxCount counts the radix tree nodes for sorted, distinct keys that
// share their first depth bytes, starting with the node at that depth.
func raxCount(keys [][16]byte, depth int) int {
	if len(keys) == 1 {
		if depth == 16 {
			return 1
		}
		return 2 // a run holding the rest of the key, then the key's end
	}
	// Keys are sorted, so the first and last share the common prefix.
	first, last := &keys[0], &keys[len(keys)-1]
	d := depth
	for d < 16 && first[d] == last[d] {
		d++
	}
	count := 1 // the branching node at d
	if d > depth {
		count++ // a compressed run leading to it
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][d] == keys[i][d] {
			j++
		}
		count += raxCount(keys[i:j], d+1)
		i = j
	}
	return count
}

// Clone returns a deep copy of the stream. Entry contents are immutable
// and shared.
func (s *Stream) Clone() *Stream {
	c := &Stream{
		length:       s.length,
		lastID:       s.lastID,
		firstID:      s.firstID,
		maxDeletedID: s.maxDeletedID,
		entriesAdded: s.entriesAdded,
	}
	live := s.live()
	c.nodes = make([]*node, 0, len(live))
	c.keys = make([]ID, 0, len(live))
	for _, n := range live {
		cn := *n
		cn.entries = append(make([]entry, 0, cap(n.entries)), n.entries...)
		c.pushNode(&cn, n.master())
	}
	c.groups = make([]*Group, len(s.groups))
	for i, g := range s.groups {
		c.groups[i] = g.clone()
	}
	return c
}

func (g *Group) clone() *Group {
	c := &Group{name: g.name, lastID: g.lastID, entriesRead: g.entriesRead}
	c.consumers = make([]*Consumer, len(g.consumers))
	owners := make(map[*Consumer]*Consumer, len(g.consumers))
	for i, old := range g.consumers {
		nc := &Consumer{name: old.name, seenTime: old.seenTime}
		c.consumers[i] = nc
		owners[old] = nc
	}
	g.pel.Ascend(MinID, func(id ID, n *nack) bool {
		cn := &nack{deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount, consumer: owners[n.consumer]}
		c.pel.Set(id, cn)
		cn.consumer.pel.Set(id, cn)
		return true
	})
	return c
}

// Approximate sizes of the Go structures, for MemoryUsage.
const (
	sizeStream   = int(unsafe.Sizeof(Stream{}))
	sizeNode     = int(unsafe.Sizeof(node{})) + 8 // and its pointer
	sizeEntry    = int(unsafe.Sizeof(entry{}))
	sizeSlice    = int(unsafe.Sizeof([]byte(nil)))
	sizeGroup    = int(unsafe.Sizeof(Group{})) + 8
	sizeConsumer = int(unsafe.Sizeof(Consumer{})) + 8
	sizeNack     = int(unsafe.Sizeof(nack{}))
	sizePELItem  = 16 + 8 // key and pointer in a B-tree node
)

// MemoryUsage estimates the bytes the stream holds in memory.
func (s *Stream) MemoryUsage() int {
	total := sizeStream + cap(s.nodes)*8 + cap(s.keys)*16
	for _, n := range s.live() {
		total += sizeNode + cap(n.entries)*sizeEntry
		for i := range n.entries {
			f := n.entries[i].fields
			total += cap(f) * sizeSlice
			for _, b := range f {
				total += len(b)
			}
		}
	}
	for _, g := range s.groups {
		total += sizeGroup + len(g.name) + cap(g.consumers)*8
		total += g.pel.Len() * (sizeNack + 2*sizePELItem)
		for _, c := range g.consumers {
			total += sizeConsumer + len(c.name)
		}
	}
	return total
}
