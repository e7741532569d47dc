package stream

// Access for Redis's RDB form of a stream (DUMP, RESTORE): the nodes as
// Redis's listpacks hold them, tombstones included, and the pieces of a
// stream and its groups to rebuild one from that form.

// NodeEntry is an entry stored in a node, deleted or not.
type NodeEntry struct {
	ID      ID
	Fields  [][]byte // field, value, …; shared with the stream, read only
	Deleted bool
}

// Nodes calls fn for every node in ID order with its stored entries, the
// first of which is the node's master entry, until fn returns false. The
// slice is reused between calls.
func (s *Stream) Nodes(fn func(entries []NodeEntry) bool) {
	var buf []NodeEntry
	for _, n := range s.live() {
		buf = buf[:0]
		for i := range n.entries {
			e := &n.entries[i]
			buf = append(buf, NodeEntry{e.id, e.fields, e.deleted})
		}
		if !fn(buf) {
			return
		}
	}
}

// AppendNode adds a node holding entries after every stored entry, as a
// stream is rebuilt from Redis's listpacks, one node each. The entries
// must have increasing IDs above those stored and a non-empty, even field
// list each (copied); otherwise nothing is added and it returns false.
func (s *Stream) AppendNode(entries []NodeEntry) bool {
	if len(entries) == 0 {
		return false
	}
	last, have := ID{}, false
	if live := s.live(); len(live) > 0 {
		last, have = live[len(live)-1].lastID(), true
	}
	for _, e := range entries {
		if (have && !last.Less(e.ID)) || len(e.Fields) == 0 || len(e.Fields)%2 != 0 {
			return false
		}
		last, have = e.ID, true
	}
	n := &node{entries: make([]entry, 0, len(entries))}
	for j, e := range entries {
		total := 0
		for _, f := range e.Fields {
			total += len(f)
		}
		fields := copyFields(e.Fields, total)
		if j == 0 {
			n.body = masterSize(fields) + entrySize(e.ID, e.ID, fields, true)
		} else {
			n.body += entrySize(n.master(), e.ID, fields, sameFieldNames(n.entries[0].fields, fields))
		}
		if !e.Deleted {
			n.live++
		}
		n.entries = append(n.entries, entry{id: e.ID, fields: fields, deleted: e.Deleted})
	}
	s.length += uint64(n.live)
	s.pushNode(n, n.master())
	return true
}

// SetCounters gives a stream rebuilt with AppendNode its last generated
// ID, maximal deleted ID and entries-added counter, and derives its first
// entry ID. It returns false, changing nothing, when they contradict the
// entries: a last ID below a live entry (XSETID may leave it below a
// tombstone), or fewer entries ever added than there are now.
func (s *Stream) SetCounters(lastID, maxDeletedID ID, entriesAdded uint64) bool {
	if lastID.Less(s.LastValidID()) || entriesAdded < s.length {
		return false
	}
	s.lastID, s.maxDeletedID, s.entriesAdded = lastID, maxDeletedID, entriesAdded
	s.firstID = ID{}
	if s.length > 0 {
		s.firstID = s.EdgeID(true, true)
	}
	return true
}

// EstimateEntriesRead is the logical read counter Redis derives for a
// group whose last delivered ID is id when the form it loads has none
// (streamEstimateDistanceFromFirstEverEntry); -1 when unknown.
func (s *Stream) EstimateEntriesRead(id ID) int64 { return s.estimateEntriesRead(id) }

// AddPending adds an entry to the group's PEL with no owner yet: Redis's
// RDB form lists the group's PEL first and each consumer's share after
// (see AssignPending). It returns false if id is already pending.
func (g *Group) AddPending(id ID, deliveryTime int64, deliveryCount uint64) bool {
	if _, ok := g.pel.Get(id); ok {
		return false
	}
	g.pel.Set(id, &nack{deliveryTime: deliveryTime, deliveryCount: deliveryCount})
	return true
}

// AssignPending makes c, a consumer of g, the owner of pending entry id.
// It returns false if id is not pending in g or already has an owner.
func (g *Group) AssignPending(c *Consumer, id ID) bool {
	n, ok := g.pel.Get(id)
	if !ok || n.consumer != nil {
		return false
	}
	n.consumer = c
	c.pel.Set(id, n)
	return true
}

// PendingOwned reports whether every pending entry of g has an owner; a
// group rebuilt from an RDB form must, before the stream is used.
func (g *Group) PendingOwned() bool {
	owned := true
	g.pel.Ascend(MinID, func(_ ID, n *nack) bool {
		owned = n.consumer != nil
		return owned
	})
	return owned
}
