package stream

import (
	"encoding/binary"
	"errors"
)

// The binary form holds everything: the nodes with their tombstones (so
// that node boundaries, and with them approximate trimming, survive a
// round trip), the counters, and the groups with consumers and PELs.
//
//	version                    byte (1)
//	last ID, max deleted ID    uvarint ms, uvarint seq
//	entries added              uvarint
//	node count                 uvarint
//	  entry count              uvarint (>= 1)
//	    flags                  byte (bit 0: deleted)
//	    ID                     delta-coded, see appendID
//	    pair count             uvarint (>= 1), then field and value strings
//	group count                uvarint
//	  name                     string
//	  last delivered ID        uvarint ms, uvarint seq
//	  entries read             varint (-1: unknown)
//	  consumer count           uvarint, then name string and varint seen time
//	  PEL size                 uvarint
//	    ID                     delta-coded
//	    delivery time          varint
//	    delivery count         uvarint
//	    consumer index         uvarint
//
// Strings are a uvarint length and the bytes.

const codecVersion = 1

// ErrCorrupt is returned by Decode for input that is not a valid stream.
var ErrCorrupt = errors.New("stream: corrupt serialized stream")

// AppendBinary appends the stream's binary form to b.
func (s *Stream) AppendBinary(b []byte) []byte {
	b = append(b, codecVersion)
	b = appendRawID(b, s.lastID)
	b = appendRawID(b, s.maxDeletedID)
	b = binary.AppendUvarint(b, s.entriesAdded)
	live := s.live()
	b = binary.AppendUvarint(b, uint64(len(live)))
	var prev ID
	havePrev := false
	for _, n := range live {
		b = binary.AppendUvarint(b, uint64(len(n.entries)))
		for i := range n.entries {
			e := &n.entries[i]
			var flags byte
			if e.deleted {
				flags = lpFlagDeleted
			}
			b = append(b, flags)
			b = appendID(b, prev, e.id, havePrev)
			prev, havePrev = e.id, true
			b = binary.AppendUvarint(b, uint64(len(e.fields)/2))
			for _, f := range e.fields {
				b = appendString(b, f)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(s.groups)))
	for _, g := range s.groups {
		b = g.appendBinary(b)
	}
	return b
}

func (g *Group) appendBinary(b []byte) []byte {
	b = appendString(b, []byte(g.name))
	b = appendRawID(b, g.lastID)
	b = binary.AppendVarint(b, g.entriesRead)
	b = binary.AppendUvarint(b, uint64(len(g.consumers)))
	index := make(map[*Consumer]uint64, len(g.consumers))
	for i, c := range g.consumers {
		index[c] = uint64(i)
		b = appendString(b, []byte(c.name))
		b = binary.AppendVarint(b, c.seenTime)
	}
	b = binary.AppendUvarint(b, uint64(g.pel.Len()))
	var prev ID
	havePrev := false
	g.pel.Ascend(MinID, func(id ID, n *nack) bool {
		b = appendID(b, prev, id, havePrev)
		prev, havePrev = id, true
		b = binary.AppendVarint(b, n.deliveryTime)
		b = binary.AppendUvarint(b, n.deliveryCount)
		b = binary.AppendUvarint(b, index[n.consumer])
		return true
	})
	return b
}

func appendRawID(b []byte, id ID) []byte {
	b = binary.AppendUvarint(b, id.Ms)
	return binary.AppendUvarint(b, id.Seq)
}

// appendID writes an ID of an increasing sequence: the first one whole,
// then the growth of ms and either the growth of seq (same ms) or seq.
func appendID(b []byte, prev, id ID, havePrev bool) []byte {
	if !havePrev {
		return appendRawID(b, id)
	}
	b = binary.AppendUvarint(b, id.Ms-prev.Ms)
	if id.Ms == prev.Ms {
		return binary.AppendUvarint(b, id.Seq-prev.Seq)
	}
	return binary.AppendUvarint(b, id.Seq)
}

func appendString(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the binary form; the first error sticks.
type decoder struct {
	b   []byte
	err bool
}

func (d *decoder) byte() byte {
	if d.err || len(d.b) == 0 {
		d.err = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items that each take at least one byte, so a
// corrupt count cannot make Decode allocate more than the input's size.
func (d *decoder) count() int {
	v := d.uvarint()
	if v > uint64(len(d.b)) {
		d.err = true
		return 0
	}
	return int(v)
}

func (d *decoder) bytes() []byte {
	n := d.count()
	if d.err {
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) rawID() ID {
	ms := d.uvarint()
	return ID{ms, d.uvarint()}
}

// id reads an ID that must be greater than prev (when there is one).
func (d *decoder) id(prev ID, havePrev bool) ID {
	if !havePrev {
		return d.rawID()
	}
	dms, x := d.uvarint(), d.uvarint()
	if d.err {
		return ID{}
	}
	ms := prev.Ms + dms
	if ms < prev.Ms {
		d.err = true
		return ID{}
	}
	if dms == 0 {
		seq := prev.Seq + x
		if x == 0 || seq < prev.Seq {
			d.err = true
		}
		return ID{ms, seq}
	}
	return ID{ms, x}
}

// Decode rebuilds a stream from AppendBinary's output. It checks the input
// fully and returns ErrCorrupt for anything inconsistent.
func Decode(b []byte) (*Stream, error) {
	d := &decoder{b: b}
	if d.byte() != codecVersion {
		return nil, ErrCorrupt
	}
	s := &Stream{}
	s.lastID = d.rawID()
	s.maxDeletedID = d.rawID()
	s.entriesAdded = d.uvarint()
	if !d.decodeNodes(s) {
		return nil, ErrCorrupt
	}
	ngroups := d.count()
	s.groups = make([]*Group, 0, ngroups)
	for i := 0; i < ngroups && !d.err; i++ {
		g := d.decodeGroup()
		if g == nil || (i > 0 && s.groups[i-1].name >= g.name) {
			return nil, ErrCorrupt
		}
		s.groups = append(s.groups, g)
	}
	if d.err || len(d.b) != 0 {
		return nil, ErrCorrupt
	}
	return s, nil
}

func (d *decoder) decodeNodes(s *Stream) bool {
	nnodes := d.count()
	s.nodes = make([]*node, 0, nnodes)
	s.keys = make([]ID, 0, nnodes)
	var prev ID
	havePrev := false
	for i := 0; i < nnodes && !d.err; i++ {
		nentries := d.count()
		if nentries == 0 {
			return false
		}
		n := &node{entries: make([]entry, 0, nentries)}
		for j := 0; j < nentries && !d.err; j++ {
			flags := d.byte()
			id := d.id(prev, havePrev)
			prev, havePrev = id, true
			fields := d.fields()
			if d.err || flags&^lpFlagDeleted != 0 {
				return false
			}
			if j == 0 {
				n.body = masterSize(fields) + entrySize(id, id, fields, true)
			} else {
				same := sameFieldNames(n.entries[0].fields, fields)
				n.body += entrySize(n.master(), id, fields, same)
			}
			deleted := flags&lpFlagDeleted != 0
			if !deleted {
				n.live++
			}
			n.entries = append(n.entries, entry{id: id, fields: fields, deleted: deleted})
		}
		s.length += uint64(n.live)
		s.pushNode(n, n.master())
	}
	if d.err || (havePrev && s.lastID.Less(prev)) || s.length > s.entriesAdded {
		return false
	}
	if s.length > 0 {
		s.firstID = s.EdgeID(true, true)
	}
	return true
}

// fields reads an entry's field list into one allocation.
func (d *decoder) fields() [][]byte {
	pairs := d.count()
	if d.err || pairs == 0 {
		d.err = true
		return nil
	}
	raw := make([][]byte, 0, 2*pairs)
	total := 0
	for k := 0; k < 2*pairs && !d.err; k++ {
		f := d.bytes()
		total += len(f)
		raw = append(raw, f)
	}
	if d.err {
		return nil
	}
	return copyFields(raw, total)
}

func (d *decoder) decodeGroup() *Group {
	g := &Group{name: string(d.bytes())}
	g.lastID = d.rawID()
	g.entriesRead = d.varint()
	if g.entriesRead < invalidEntriesRead {
		return nil
	}
	nconsumers := d.count()
	g.consumers = make([]*Consumer, 0, nconsumers)
	for i := 0; i < nconsumers && !d.err; i++ {
		c := &Consumer{name: string(d.bytes())}
		c.seenTime = d.varint()
		if i > 0 && g.consumers[i-1].name >= c.name {
			return nil
		}
		g.consumers = append(g.consumers, c)
	}
	npel := d.count()
	var prev ID
	for i := 0; i < npel && !d.err; i++ {
		id := d.id(prev, i > 0)
		prev = id
		n := &nack{deliveryTime: d.varint(), deliveryCount: d.uvarint()}
		owner := d.uvarint()
		if d.err || owner >= uint64(len(g.consumers)) {
			return nil
		}
		n.consumer = g.consumers[owner]
		g.pel.Set(id, n)
		n.consumer.pel.Set(id, n)
	}
	if d.err {
		return nil
	}
	return g
}
