package stream

import (
	"math"
	"sort"
)

// Group is a consumer group.
type Group struct {
	name        string
	lastID      ID
	entriesRead int64         // -1 when unknown
	pel         idTree[*nack] // every pending entry of the group
	consumers   []*Consumer   // sorted by name
}

// Consumer is a consumer of a group.
type Consumer struct {
	name     string
	seenTime int64
	pel      idTree[*nack] // the subset of the group's PEL owned by this consumer
}

// nack is a pending (delivered, not acknowledged) entry. It is shared by
// the group's PEL and its owner's PEL.
type nack struct {
	deliveryTime  int64
	deliveryCount uint64
	consumer      *Consumer
}

// Name returns the group name.
func (g *Group) Name() string { return g.name }

// LastID returns the last delivered ID.
func (g *Group) LastID() ID { return g.lastID }

// EntriesRead returns the group's logical read counter, or -1 when unknown
// (XINFO shows nil).
func (g *Group) EntriesRead() int64 { return g.entriesRead }

// PendingCount returns the size of the group's PEL.
func (g *Group) PendingCount() int { return g.pel.Len() }

// SetID moves the last delivered ID (XGROUP SETID); entriesRead is -1 when
// not given.
func (g *Group) SetID(id ID, entriesRead int64) {
	g.lastID = id
	g.entriesRead = entriesRead
}

// Name returns the consumer name.
func (c *Consumer) Name() string { return c.name }

// SeenTime returns when the consumer last read or claimed, in ms.
func (c *Consumer) SeenTime() int64 { return c.seenTime }

// PendingCount returns the number of entries pending for the consumer.
func (c *Consumer) PendingCount() int { return c.pel.Len() }

func searchGroups(gs []*Group, name string) int {
	return sort.Search(len(gs), func(i int) bool { return gs[i].name >= name })
}

// Group returns the group with the given name, or nil.
func (s *Stream) Group(name string) *Group {
	i := searchGroups(s.groups, name)
	if i < len(s.groups) && s.groups[i].name == name {
		return s.groups[i]
	}
	return nil
}

// Groups returns the groups in name order. The slice must not be modified.
func (s *Stream) Groups() []*Group { return s.groups }

// CreateGroup adds a group (XGROUP CREATE) whose last delivered ID is id;
// entriesRead is -1 when not given. It fails with ErrBusyGroup when the
// name is taken.
func (s *Stream) CreateGroup(name string, id ID, entriesRead int64) (*Group, error) {
	i := searchGroups(s.groups, name)
	if i < len(s.groups) && s.groups[i].name == name {
		return nil, ErrBusyGroup
	}
	g := &Group{name: name, lastID: id, entriesRead: entriesRead}
	s.groups = insertAt(s.groups, i, g)
	return g, nil
}

// DestroyGroup removes a group (XGROUP DESTROY) and reports whether it
// existed.
func (s *Stream) DestroyGroup(name string) bool {
	i := searchGroups(s.groups, name)
	if i < len(s.groups) && s.groups[i].name == name {
		s.groups = removeAt(s.groups, i)
		return true
	}
	return false
}

func (g *Group) searchConsumers(name string) int {
	return sort.Search(len(g.consumers), func(i int) bool { return g.consumers[i].name >= name })
}

// Consumer returns the named consumer, or nil.
func (g *Group) Consumer(name string) *Consumer {
	i := g.searchConsumers(name)
	if i < len(g.consumers) && g.consumers[i].name == name {
		return g.consumers[i]
	}
	return nil
}

// Consumers returns the consumers in name order. The slice must not be
// modified.
func (g *Group) Consumers() []*Consumer { return g.consumers }

// CreateConsumer adds a consumer seen at now (XGROUP CREATECONSUMER) and
// reports whether it was created; an existing one is returned untouched.
func (g *Group) CreateConsumer(name string, now int64) (*Consumer, bool) {
	i := g.searchConsumers(name)
	if i < len(g.consumers) && g.consumers[i].name == name {
		return g.consumers[i], false
	}
	c := &Consumer{name: name, seenTime: now}
	g.consumers = insertAt(g.consumers, i, c)
	return c, true
}

// TouchConsumer returns the named consumer, creating it if needed, and
// records that it was seen at now, as XREADGROUP, XCLAIM and XAUTOCLAIM do.
func (g *Group) TouchConsumer(name string, now int64) *Consumer {
	c, _ := g.CreateConsumer(name, now)
	c.seenTime = now
	return c
}

// DeleteConsumer removes a consumer and its pending entries (XGROUP
// DELCONSUMER) and returns how many entries it had pending, or -1 if there
// was no such consumer.
func (g *Group) DeleteConsumer(name string) int {
	i := g.searchConsumers(name)
	if i == len(g.consumers) || g.consumers[i].name != name {
		return -1
	}
	c := g.consumers[i]
	pending := c.pel.Len()
	c.pel.Ascend(MinID, func(id ID, _ *nack) bool {
		g.pel.Delete(id)
		return true
	})
	g.consumers = removeAt(g.consumers, i)
	return pending
}

// Ack removes the given IDs from the PEL (XACK) and returns how many were
// pending.
func (g *Group) Ack(ids ...ID) int {
	acked := 0
	for _, id := range ids {
		if n, ok := g.pel.Delete(id); ok {
			n.consumer.pel.Delete(id)
			acked++
		}
	}
	return acked
}

// Pending is an entry of a pending entries list.
type Pending struct {
	ID            ID
	Consumer      string
	DeliveryTime  int64 // ms
	DeliveryCount uint64
}

// PendingEntry returns the group's pending entry for id, for instance to
// propagate the state a claim left.
func (g *Group) PendingEntry(id ID) (Pending, bool) {
	n, ok := g.pel.Get(id)
	if !ok {
		return Pending{}, false
	}
	return Pending{id, n.consumer.name, n.deliveryTime, n.deliveryCount}, true
}

// Idle returns how long ago the entry was delivered, never below 0, as
// XPENDING reports it.
func (p Pending) Idle(now int64) int64 {
	if d := now - p.DeliveryTime; d > 0 {
		return d
	}
	return 0
}

// ConsumerPending is a line of XPENDING's summary.
type ConsumerPending struct {
	Name  string
	Count int
}

// PendingSummary is the reply of XPENDING key group.
type PendingSummary struct {
	Count     int
	Min, Max  ID // meaningful when Count > 0
	Consumers []ConsumerPending
}

// PendingSummary lists the PEL's size, smallest and largest ID, and the
// consumers with pending entries in name order.
func (g *Group) PendingSummary() PendingSummary {
	ps := PendingSummary{Count: g.pel.Len()}
	if ps.Count == 0 {
		return ps
	}
	ps.Min, _ = g.pel.Min()
	ps.Max, _ = g.pel.Max()
	for _, c := range g.consumers {
		if n := c.pel.Len(); n > 0 {
			ps.Consumers = append(ps.Consumers, ConsumerPending{c.name, n})
		}
	}
	return ps
}

// PendingRangeArgs are the options of the extended XPENDING form.
type PendingRangeArgs struct {
	Start, End ID
	Count      int       // at most this many; <= 0 returns nothing
	Consumer   *Consumer // nil for the whole group
	MinIdle    int64     // 0: no idle filter
}

// PendingRange lists pending entries with Start <= ID <= End in ID order,
// from the group or from one consumer, skipping those delivered less than
// MinIdle ms before now.
func (g *Group) PendingRange(a PendingRangeArgs, now int64) []Pending {
	var out []Pending
	pel := &g.pel
	if a.Consumer != nil {
		pel = &a.Consumer.pel
	}
	count := a.Count
	if count <= 0 {
		return nil
	}
	pel.Ascend(a.Start, func(id ID, n *nack) bool {
		if a.End.Less(id) {
			return false
		}
		if a.MinIdle != 0 && now-n.deliveryTime < a.MinIdle {
			return true
		}
		out = append(out, Pending{id, n.consumer.name, n.deliveryTime, n.deliveryCount})
		count--
		return count > 0
	})
	return out
}

// ConsumerPending lists up to count (<= 0: all) pending entries of a
// consumer in ID order, as XINFO STREAM FULL shows them.
func (c *Consumer) Pending(count int) []Pending {
	return walkPending(&c.pel, count)
}

// Pending lists up to count (<= 0: all) pending entries of the group in ID
// order.
func (g *Group) Pending(count int) []Pending {
	return walkPending(&g.pel, count)
}

func walkPending(pel *idTree[*nack], count int) []Pending {
	var out []Pending
	pel.Ascend(MinID, func(id ID, n *nack) bool {
		out = append(out, Pending{id, n.consumer.name, n.deliveryTime, n.deliveryCount})
		return count <= 0 || len(out) < count
	})
	return out
}

// Lag returns the number of entries the group has yet to read, computed as
// Redis 7.0's XINFO does; ok is false when deletions make it unknown (XINFO
// shows nil).
func (s *Stream) Lag(g *Group) (lag int64, ok bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.entriesRead != invalidEntriesRead && !s.rangeHasTombstones(g.lastID, MaxID) {
		return int64(s.entriesAdded) - g.entriesRead, true
	}
	read := s.estimateEntriesRead(g.lastID)
	if read == invalidEntriesRead {
		return 0, false
	}
	return int64(s.entriesAdded) - read, true
}

// ReadGroup delivers new entries, those after the group's last delivered
// ID, to consumer c (XREADGROUP with ">"): up to count (<= 0: no limit).
// Each delivered entry moves the group's last delivered ID and read
// counter, and unless noAck is set becomes pending for c with delivery
// time now and delivery count 1, taken over from another consumer if the
// group had it pending already.
func (s *Stream) ReadGroup(g *Group, c *Consumer, count int, noAck bool, now int64) []Entry {
	start, ok := g.lastID.Next()
	if !ok {
		return nil
	}
	var out []Entry
	s.Range(start, MaxID, count, false, func(e Entry) bool {
		out = append(out, e)
		s.advanceGroup(g, e.ID)
		if !noAck {
			s.deliver(g, c, e.ID, now)
		}
		return true
	})
	return out
}

// advanceGroup moves the group's last delivered ID to id and keeps its
// read counter as Redis does: counting on while no tombstone lies ahead,
// else estimating it afresh.
func (s *Stream) advanceGroup(g *Group, id ID) {
	if !g.lastID.Less(id) {
		return
	}
	if g.entriesRead != invalidEntriesRead && !s.rangeHasTombstones(id, MaxID) {
		g.entriesRead++
	} else if s.entriesAdded != 0 {
		g.entriesRead = s.estimateEntriesRead(id)
	}
	g.lastID = id
}

// deliver makes id pending for c, as a first delivery.
func (s *Stream) deliver(g *Group, c *Consumer, id ID, now int64) {
	n, ok := g.pel.Get(id)
	if !ok {
		n = &nack{consumer: c}
		g.pel.Set(id, n)
	} else if n.consumer != c {
		n.consumer.pel.Delete(id)
		n.consumer = c
	}
	n.deliveryTime = now
	n.deliveryCount = 1
	c.pel.Set(id, n)
}

// ReadHistory serves XREADGROUP with an explicit ID: the entries pending
// for c with IDs > after, up to count (<= 0: no limit). Each one counts as
// a new delivery. An entry that was deleted from the stream is returned
// with nil Fields (Redis replies with a null array for it). Redis stores
// ">" as MaxID, so an explicit maximal ID must be served as ">" too.
func (s *Stream) ReadHistory(c *Consumer, after ID, count int, now int64) []Entry {
	start, ok := after.Next()
	if !ok {
		return nil
	}
	var out []Entry
	c.pel.Ascend(start, func(id ID, n *nack) bool {
		e, found := s.Get(id)
		if found {
			n.deliveryTime = now
			n.deliveryCount++
		} else {
			e = Entry{ID: id}
		}
		out = append(out, e)
		return count <= 0 || len(out) < count
	})
	return out
}

// ClaimArgs are the options of XCLAIM.
type ClaimArgs struct {
	MinIdle int64 // min-idle-time; below 0 counts as 0
	// DeliveryTime is the new delivery time from IDLE (now-idle) or TIME;
	// -1 when neither was given. Values below 0 or after now become now.
	DeliveryTime int64
	RetryCount   int64 // new delivery count; -1 when not given
	Force        bool
	JustID       bool
	LastID       ID // the group's last delivered ID moves up to it
}

// ClaimResult is the outcome of XCLAIM.
type ClaimResult struct {
	// Claimed holds the claimed entries in argument order; with JustID
	// their Fields are nil.
	Claimed []Entry
	// Deleted holds pending IDs whose entries no longer exist; they were
	// removed from the PEL.
	Deleted []ID
}

// Claim gives the pending entries ids to the named consumer (XCLAIM). The
// consumer is created, and seen, only if something is claimed.
func (s *Stream) Claim(g *Group, consumer string, ids []ID, a ClaimArgs, now int64) ClaimResult {
	if g.lastID.Less(a.LastID) {
		g.lastID = a.LastID
	}
	minIdle := max(a.MinIdle, 0)
	when := a.DeliveryTime
	if when < 0 || when > now {
		when = now
	}
	var res ClaimResult
	var c *Consumer
	for _, id := range ids {
		n, pending := g.pel.Get(id)
		e, exists := s.Get(id)
		if !exists {
			if pending {
				g.pel.Delete(id)
				n.consumer.pel.Delete(id)
				res.Deleted = append(res.Deleted, id)
			}
			continue
		}
		if !pending {
			if !a.Force {
				continue
			}
			n = &nack{}
			g.pel.Set(id, n)
		}
		if n.consumer != nil && minIdle > 0 && now-n.deliveryTime < minIdle {
			continue
		}
		if c == nil {
			c = g.TouchConsumer(consumer, now)
		}
		n.deliveryTime = when
		switch {
		case a.RetryCount >= 0:
			n.deliveryCount = uint64(a.RetryCount)
		case !a.JustID:
			n.deliveryCount++
		}
		s.assign(n, c, id)
		if a.JustID {
			e.Fields = nil
		}
		res.Claimed = append(res.Claimed, e)
	}
	return res
}

// assign moves a pending entry to consumer c.
func (s *Stream) assign(n *nack, c *Consumer, id ID) {
	if n.consumer == c {
		return
	}
	if n.consumer != nil {
		n.consumer.pel.Delete(id)
	}
	n.consumer = c
	c.pel.Set(id, n)
}

// AutoClaimResult is the reply of XAUTOCLAIM.
type AutoClaimResult struct {
	Next    ID      // cursor for the next call, 0-0 at the end
	Claimed []Entry // with JustID their Fields are nil
	Deleted []ID    // pending IDs whose entries were gone, now removed
}

// AutoClaim walks the group's PEL from start and gives the entries idle
// for at least minIdle ms to the named consumer (XAUTOCLAIM). count limits
// the reply (claimed plus deleted) and the walk looks at no more than
// 10*count entries, as in Redis.
func (s *Stream) AutoClaim(g *Group, consumer string, start ID, minIdle, count int64, justID bool, now int64) AutoClaimResult {
	minIdle = max(minIdle, 0)
	count = min(max(count, 1), math.MaxInt64/10)
	attempts := count * 10
	var res AutoClaimResult
	// Decide while walking, change the PEL afterwards: the walk must not
	// see the tree change under it.
	type step struct {
		id   ID
		gone bool // the entry was deleted: drop it from the PEL
	}
	var steps []step
	g.pel.Ascend(start, func(id ID, n *nack) bool {
		if attempts == 0 || count == 0 {
			res.Next = id
			return false
		}
		attempts--
		switch {
		case !s.Exists(id):
			steps = append(steps, step{id, true})
		case minIdle > 0 && now-n.deliveryTime < minIdle:
			return true
		default:
			steps = append(steps, step{id, false})
		}
		count--
		return true
	})
	var c *Consumer
	for _, st := range steps {
		n, _ := g.pel.Get(st.id)
		if st.gone {
			g.pel.Delete(st.id)
			n.consumer.pel.Delete(st.id)
			res.Deleted = append(res.Deleted, st.id)
			continue
		}
		if c == nil {
			c = g.TouchConsumer(consumer, now)
		}
		n.deliveryTime = now
		if !justID {
			n.deliveryCount++
		}
		s.assign(n, c, st.id)
		e, _ := s.Get(st.id)
		if justID {
			e.Fields = nil
		}
		res.Claimed = append(res.Claimed, e)
	}
	return res
}

// HasNewFor reports whether the stream holds an entry after the group's
// last delivered ID, the condition under which XREADGROUP with ">" serves
// the group at once (and creates the consumer) instead of blocking or
// replying nil.
func (s *Stream) HasNewFor(g *Group) bool {
	return s.length > 0 && g.lastID.Less(s.LastValidID())
}
