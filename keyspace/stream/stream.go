package stream

// Entry is a stream entry. Fields alternates field names and values. The
// byte slices are shared with the stream and must not be modified.
type Entry struct {
	ID     ID
	Fields [][]byte
}

type entry struct {
	id      ID
	fields  [][]byte
	deleted bool
}

// node mirrors one listpack of Redis's radix tree: a run of entries in ID
// order, deleted ones included, keyed by its first (master) entry's ID.
type node struct {
	entries []entry
	live    int // entries not deleted: the listpack's count element
	body    int // listpack bytes without the count and deleted elements
	// data and hdrs are slabs the appended entries' field bytes and slice
	// headers are cut from, so that an XADD allocates nothing most of the
	// time. A full slab is replaced by one twice its size (up to a limit),
	// never grown in place: the entries cut from it keep it.
	data []byte
	hdrs [][]byte
}

// Slab size limits: a node holds 100 entries or 4 KiB by default.
const (
	maxDataSlab = 4096
	maxHdrSlab  = 256
)

// storeFields copies an entry's fields into the node's slabs.
func (n *node) storeFields(fields [][]byte, total int) [][]byte {
	if cap(n.data)-len(n.data) < total {
		n.data = make([]byte, 0, max(total, min(2*cap(n.data), maxDataSlab)))
	}
	if cap(n.hdrs)-len(n.hdrs) < len(fields) {
		n.hdrs = make([][]byte, 0, max(len(fields), min(2*cap(n.hdrs), maxHdrSlab)))
	}
	start := len(n.hdrs)
	for _, f := range fields {
		off := len(n.data)
		n.data = append(n.data, f...)
		end := len(n.data)
		n.hdrs = append(n.hdrs, n.data[off:end:end])
	}
	end := len(n.hdrs)
	return n.hdrs[start:end:end]
}

func (n *node) master() ID { return n.entries[0].id }

func (n *node) lastID() ID { return n.entries[len(n.entries)-1].id }

// lpBytes is the size Redis's listpack for this node would have.
func (n *node) lpBytes() int {
	return n.body + lpIntSize(int64(n.live)) + lpIntSize(int64(len(n.entries)-n.live))
}

// search returns the index of the first entry with an ID >= id.
func (n *node) search(id ID) int {
	lo, hi := 0, len(n.entries)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.entries[m].id.Less(id) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Stream is a Redis stream.
type Stream struct {
	nodes        []*node // nodes[head:] hold the entries, in ID order
	keys         []ID    // keys[i] is nodes[i]'s master ID, for cache-friendly seeks
	head         int     // nodes removed from the front, reclaimed lazily
	length       uint64
	lastID       ID
	firstID      ID
	maxDeletedID ID
	entriesAdded uint64
	groups       []*Group // sorted by name
}

// New returns an empty stream.
func New() *Stream { return &Stream{} }

// Len returns the number of entries (XLEN).
func (s *Stream) Len() uint64 { return s.length }

// LastID returns the last generated ID (last-generated-id).
func (s *Stream) LastID() ID { return s.lastID }

// FirstID returns the recorded first entry ID (recorded-first-entry-id):
// the first entry's ID, or 0-0 when the stream is empty.
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID returns the largest ID ever deleted by XDEL
// (max-deleted-entry-id).
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded returns the number of entries ever added (entries-added).
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

func (s *Stream) live() []*node { return s.nodes[s.head:] }

// AddArgs describes one XADD.
type AddArgs struct {
	ID     AddID
	Fields [][]byte // field, value, field, value ...; copied by Add
	// Limits decide when a new node starts; nil means DefaultNodeLimits.
	Limits *NodeLimits
}

// Add appends an entry, as XADD does after its argument parsing, and
// returns its ID. now is the current time in milliseconds, used for "*".
// The checks run in Redis's order: a 0-0 ID, an exhausted stream, an ID
// not above the last one, elements too large. Redis rejects 0-0 before it
// creates the key; for the other errors on a key XADD just created, Redis
// keeps the empty stream.
func (s *Stream) Add(a AddArgs, now int64) (ID, error) {
	if len(a.Fields) == 0 || len(a.Fields)%2 != 0 {
		return ID{}, ErrFields
	}
	if !a.ID.Auto && !a.ID.AutoSeq && a.ID.ID.IsZero() {
		return ID{}, ErrIDZero
	}
	if s.lastID == MaxID {
		return ID{}, ErrExhausted
	}
	id, err := s.nextID(a.ID, now)
	if err != nil {
		return ID{}, err
	}
	total := 0
	for _, f := range a.Fields {
		total += len(f)
		if total > listpackMaxSize {
			return ID{}, ErrTooLarge
		}
	}
	limits := DefaultNodeLimits
	if a.Limits != nil {
		limits = *a.Limits
	}
	s.appendEntry(id, a.Fields, total, limits)
	return id, nil
}

// nextID works out the new entry's ID as streamAppendItem does.
func (s *Stream) nextID(a AddID, now int64) (ID, error) {
	var id ID
	switch {
	case a.Auto:
		ms := uint64(0)
		if now > 0 {
			ms = uint64(now)
		}
		if ms > s.lastID.Ms {
			id = ID{ms, 0}
		} else {
			id, _ = s.lastID.Next()
		}
	case a.AutoSeq:
		id = ID{a.ID.Ms, 0}
		if a.ID.Ms == s.lastID.Ms {
			next, ok := s.lastID.Next()
			if !ok || next.Ms != s.lastID.Ms {
				return ID{}, ErrIDTooSmall
			}
			id = next
		}
	default:
		id = a.ID
	}
	if id.Compare(s.lastID) <= 0 {
		return ID{}, ErrIDTooSmall
	}
	return id, nil
}

// copyFields copies the field list into one allocation, so that the stream
// never aliases the caller's buffers.
func copyFields(fields [][]byte, total int) [][]byte {
	buf := make([]byte, 0, total)
	out := make([][]byte, len(fields))
	for i, f := range fields {
		start := len(buf)
		buf = append(buf, f...)
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out
}

// appendEntry adds an entry with a valid new ID (its fields are copied),
// starting a new node when
// Redis would: when the tail listpack plus the new elements would reach
// the byte limit, or the tail holds the maximum number of entries (deleted
// ones included).
func (s *Stream) appendEntry(id ID, fields [][]byte, total int, limits NodeLimits) {
	var tail *node
	if len(s.nodes) > s.head {
		tail = s.nodes[len(s.nodes)-1]
		maxBytes := limits.MaxBytes
		if maxBytes <= 0 || maxBytes > listpackMaxSize {
			maxBytes = listpackMaxSize
		}
		switch {
		case int64(tail.lpBytes())+int64(total) >= maxBytes:
			tail = nil
		case limits.MaxEntries > 0 && int64(len(tail.entries)) >= limits.MaxEntries:
			tail = nil
		}
	}
	if tail == nil {
		tail = &node{body: masterSize(fields)}
		// Room for a few entries: a node fills 1, 2, 4 … at first.
		tail.entries = make([]entry, 0, 8)
		s.pushNode(tail, id)
	}
	fields = tail.storeFields(fields, total)
	if len(tail.entries) == 0 {
		tail.body += entrySize(id, id, fields, true)
	} else {
		same := sameFieldNames(tail.entries[0].fields, fields)
		tail.body += entrySize(tail.master(), id, fields, same)
	}
	tail.entries = append(tail.entries, entry{id: id, fields: fields})
	tail.live++
	s.length++
	s.entriesAdded++
	s.lastID = id
	if s.length == 1 {
		s.firstID = id
	}
}

// pushNode appends a node whose master ID is key.
func (s *Stream) pushNode(n *node, key ID) {
	s.nodes = append(s.nodes, n)
	s.keys = append(s.keys, key)
}

// seekNode returns the index in s.nodes of the last node whose master ID
// is <= id, or -1 if there is none.
func (s *Stream) seekNode(id ID) int {
	keys := s.keys[s.head:]
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if id.Less(keys[m]) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	i := lo
	if i == 0 {
		return -1
	}
	return s.head + i - 1
}

// lookup finds the entry with the given ID, deleted or not.
func (s *Stream) lookup(id ID) (ni, ei int, ok bool) {
	ni = s.seekNode(id)
	if ni < 0 {
		return 0, 0, false
	}
	n := s.nodes[ni]
	ei = n.search(id)
	if ei < len(n.entries) && n.entries[ei].id == id {
		return ni, ei, true
	}
	return 0, 0, false
}

// Get returns the entry with the given ID, if it exists and is not deleted.
func (s *Stream) Get(id ID) (Entry, bool) {
	ni, ei, ok := s.lookup(id)
	if !ok || s.nodes[ni].entries[ei].deleted {
		return Entry{}, false
	}
	e := &s.nodes[ni].entries[ei]
	return Entry{e.id, e.fields}, true
}

// Exists reports whether an entry with the given ID exists.
func (s *Stream) Exists(id ID) bool {
	_, ok := s.Get(id)
	return ok
}

// Range calls fn for the entries with start <= ID <= end, in ascending
// order, or descending when rev is set, until fn returns false or count
// entries were visited (count <= 0: no limit). It takes O(log n + k).
func (s *Stream) Range(start, end ID, count int, rev bool, fn func(Entry) bool) {
	if end.Less(start) {
		return
	}
	emitted := 0
	visit := func(e *entry) bool {
		if e.deleted {
			return true
		}
		emitted++
		return fn(Entry{e.id, e.fields}) && (count <= 0 || emitted < count)
	}
	if rev {
		s.walkBackward(start, end, visit)
	} else {
		s.walkForward(start, end, visit)
	}
}

// Entries returns the entries in the range, as Range visits them.
func (s *Stream) Entries(start, end ID, count int, rev bool) []Entry {
	var out []Entry
	s.Range(start, end, count, rev, func(e Entry) bool {
		out = append(out, e)
		return true
	})
	return out
}

// walkForward visits every stored entry (tombstones too) with
// start <= ID <= end in ascending order.
func (s *Stream) walkForward(start, end ID, fn func(*entry) bool) {
	ni := s.seekNode(start)
	if ni < 0 {
		ni = s.head
	}
	first := true
	for ; ni < len(s.nodes); ni++ {
		n := s.nodes[ni]
		ei := 0
		if first {
			ei = n.search(start)
			first = false
		}
		for ; ei < len(n.entries); ei++ {
			e := &n.entries[ei]
			if end.Less(e.id) {
				return
			}
			if !fn(e) {
				return
			}
		}
	}
}

// walkBackward visits every stored entry with start <= ID <= end in
// descending order.
func (s *Stream) walkBackward(start, end ID, fn func(*entry) bool) {
	ni := s.seekNode(end)
	first := true
	for ; ni >= s.head; ni-- {
		n := s.nodes[ni]
		ei := len(n.entries) - 1
		if first {
			ei = n.search(end)
			if ei == len(n.entries) || n.entries[ei].id != end {
				ei--
			}
			first = false
		}
		for ; ei >= 0; ei-- {
			e := &n.entries[ei]
			if e.id.Less(start) {
				return
			}
			if !fn(e) {
				return
			}
		}
	}
}

// FirstEntry returns the first entry that is not deleted.
func (s *Stream) FirstEntry() (Entry, bool) {
	var out Entry
	found := false
	s.Range(MinID, MaxID, 1, false, func(e Entry) bool { out, found = e, true; return false })
	return out, found
}

// LastEntry returns the last entry that is not deleted.
func (s *Stream) LastEntry() (Entry, bool) {
	var out Entry
	found := false
	s.Range(MinID, MaxID, 1, true, func(e Entry) bool { out, found = e, true; return false })
	return out, found
}

// EdgeID is Redis's streamGetEdgeID: the first or last stored entry's ID,
// tombstones included unless skipTombstones is set. For a stream with no
// such entry it returns MaxID for the first and 0-0 for the last.
func (s *Stream) EdgeID(first, skipTombstones bool) ID {
	var id ID
	found := false
	visit := func(e *entry) bool {
		if skipTombstones && e.deleted {
			return true
		}
		id, found = e.id, true
		return false
	}
	if first {
		s.walkForward(MinID, MaxID, visit)
	} else {
		s.walkBackward(MinID, MaxID, visit)
	}
	if !found {
		if first {
			return MaxID
		}
		return MinID
	}
	return id
}

// LastValidID is Redis's streamLastValidID: the ID of the last entry that
// is not deleted, or 0-0.
func (s *Stream) LastValidID() ID { return s.EdgeID(false, true) }

// Delete marks the entries with the given IDs deleted, as XDEL does, and
// returns how many existed. A node whose last live entry goes is removed.
func (s *Stream) Delete(ids ...ID) int {
	deleted := 0
	firstGone := false
	for _, id := range ids {
		if !s.deleteOne(id) {
			continue
		}
		deleted++
		if id == s.firstID {
			firstGone = true
		}
		if s.maxDeletedID.Less(id) {
			s.maxDeletedID = id
		}
	}
	if deleted > 0 {
		if s.length == 0 {
			s.firstID = ID{}
		} else if firstGone {
			s.firstID = s.EdgeID(true, true)
		}
	}
	return deleted
}

func (s *Stream) deleteOne(id ID) bool {
	ni, ei, ok := s.lookup(id)
	if !ok {
		return false
	}
	n := s.nodes[ni]
	if n.entries[ei].deleted {
		return false
	}
	s.length--
	if n.live == 1 {
		s.removeNode(ni)
		return true
	}
	n.entries[ei].deleted = true
	n.live--
	return true
}

// removeNode drops s.nodes[i]. Dropping the head node is O(1): the slot is
// reclaimed when at least half of the slice is unused.
func (s *Stream) removeNode(i int) {
	if i == s.head {
		s.nodes[i] = nil
		s.head++
		if s.head == len(s.nodes) {
			s.nodes, s.keys = s.nodes[:0], s.keys[:0]
			s.head = 0
		} else if s.head >= 16 && s.head*2 >= len(s.nodes) {
			n := copy(s.nodes, s.nodes[s.head:])
			copy(s.keys, s.keys[s.head:])
			clear(s.nodes[n:])
			s.nodes, s.keys = s.nodes[:n], s.keys[:n]
			s.head = 0
		}
		return
	}
	copy(s.nodes[i:], s.nodes[i+1:])
	copy(s.keys[i:], s.keys[i+1:])
	s.nodes[len(s.nodes)-1] = nil
	s.nodes, s.keys = s.nodes[:len(s.nodes)-1], s.keys[:len(s.keys)-1]
}

// TrimStrategy selects how Trim picks the entries to remove.
type TrimStrategy int

// Trim strategies.
const (
	TrimNone   TrimStrategy = iota
	TrimMaxLen              // keep at most MaxLen entries
	TrimMinID               // remove the entries below MinID
)

// TrimArgs are the trimming options of XADD and XTRIM.
type TrimArgs struct {
	Strategy TrimStrategy
	MaxLen   uint64
	MinID    ID
	Approx   bool  // "~": only remove whole nodes
	Limit    int64 // most entries to remove, 0 for no limit (see DefaultTrimLimit)
}

// Trim removes entries from the head of the stream as streamTrim does and
// returns how many it removed. Whole nodes go first; with Approx it stops
// at the first node it cannot remove whole, otherwise it marks that node's
// entries deleted one by one. Trimming never touches the maximal deleted
// ID, nor the consumer groups' pending entries.
func (s *Stream) Trim(t TrimArgs) int64 {
	if t.Strategy != TrimMaxLen && t.Strategy != TrimMinID {
		return 0
	}
	var deleted int64
	for len(s.nodes) > s.head {
		if t.Strategy == TrimMaxLen && s.length <= t.MaxLen {
			break
		}
		n := s.nodes[s.head]
		entries := int64(n.live)
		if t.Limit > 0 && deleted+entries > t.Limit {
			break
		}
		var removeNode bool
		if t.Strategy == TrimMaxLen {
			removeNode = s.length-uint64(entries) >= t.MaxLen
		} else {
			removeNode = n.lastID().Less(t.MinID)
		}
		if removeNode {
			s.removeNode(s.head)
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if t.Approx {
			break
		}
		deleted += s.trimInside(n, t)
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else {
		s.firstID = s.EdgeID(true, true)
	}
	return deleted
}

// trimInside marks entries of the head node deleted until the trimming
// condition holds. The node stays, even if nothing in it is left alive.
func (s *Stream) trimInside(n *node, t TrimArgs) int64 {
	var deleted int64
	for i := range n.entries {
		e := &n.entries[i]
		if t.Strategy == TrimMaxLen {
			if s.length <= t.MaxLen {
				break
			}
		} else if !e.id.Less(t.MinID) {
			break
		}
		if !e.deleted {
			e.deleted = true
			n.live--
			s.length--
			deleted++
		}
	}
	return deleted
}

// SetIDArgs are the arguments of XSETID.
type SetIDArgs struct {
	ID           ID
	EntriesAdded int64 // -1 when not given
	MaxDeletedID ID    // 0-0 when not given
}

// SetID changes the last generated ID and optionally the entries-added
// counter and the maximal deleted ID, with XSETID's checks in its order.
// Like Redis 7.0 it does not compare the ID with the current maximal
// deleted ID.
func (s *Stream) SetID(a SetIDArgs) error {
	if a.EntriesAdded < -1 {
		return ErrSetIDEntriesAddedNegative
	}
	if a.ID.Less(a.MaxDeletedID) {
		return ErrSetIDBelowGivenMaxDeleted
	}
	if s.length > 0 {
		if a.ID.Less(s.LastValidID()) {
			return ErrSetIDBelowTop
		}
		if a.EntriesAdded != -1 && s.length > uint64(a.EntriesAdded) {
			return ErrSetIDEntriesAdded
		}
	}
	s.lastID = a.ID
	if a.EntriesAdded != -1 {
		s.entriesAdded = uint64(a.EntriesAdded)
	}
	if !a.MaxDeletedID.IsZero() {
		s.maxDeletedID = a.MaxDeletedID
	}
	return nil
}

// rangeHasTombstones is Redis's streamRangeHasTombstones: whether the
// maximal deleted ID, if it is still inside the stream, lies in
// [start, end].
func (s *Stream) rangeHasTombstones(start, end ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() {
		return false
	}
	if s.maxDeletedID.Less(s.firstID) {
		return false
	}
	return !s.maxDeletedID.Less(start) && !end.Less(s.maxDeletedID)
}

// invalidEntriesRead marks an unknown entries-read counter (Redis's
// SCG_INVALID_ENTRIES_READ).
const invalidEntriesRead = -1

// estimateEntriesRead is Redis's streamEstimateDistanceFromFirstEverEntry:
// the logical read counter of id, that is how many entries ever added are
// <= id, or -1 when deletions make it unknowable.
func (s *Stream) estimateEntriesRead(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) <= 0 {
		return int64(s.entriesAdded)
	}
	switch id.Compare(s.lastID) {
	case 0:
		return int64(s.entriesAdded)
	case 1:
		return invalidEntriesRead
	}
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Less(s.firstID) {
		switch id.Compare(s.firstID) {
		case -1:
			return int64(s.entriesAdded - s.length)
		case 0:
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return invalidEntriesRead
}
