package commands

import (
	"encoding/binary"
	"math"

	"sundial/keyspace"
	"sundial/keyspace/stream"
)

// DUMP's value serialisation: Redis 7.0's rdbSaveObjectType followed by
// rdbSaveObject, choosing the RDB type from the encoding OBJECT ENCODING
// reports. Compact encodings are written as the listpack or intset Redis
// would hold for the same contents, so payloads are byte-identical where
// Redis's own bytes depend only on the contents; hashtable encodings are
// written in sundial's order (Redis writes its dict order).

// RDB object types (rdb.h).
const (
	rdbTypeString          = 0
	rdbTypeList            = 1
	rdbTypeSet             = 2
	rdbTypeZSet            = 3
	rdbTypeHash            = 4
	rdbTypeZSet2           = 5
	rdbTypeModule          = 6
	rdbTypeModule2         = 7
	rdbTypeHashZipmap      = 9
	rdbTypeListZiplist     = 10
	rdbTypeSetIntset       = 11
	rdbTypeZSetZiplist     = 12
	rdbTypeHashZiplist     = 13
	rdbTypeListQuicklist   = 14
	rdbTypeStreamListpacks = 15
	rdbTypeHashListpack    = 16
	rdbTypeZSetListpack    = 17
	rdbTypeListQuicklist2  = 18
	rdbTypeStreamListpack2 = 19
)

// Quicklist node containers (quicklist.h).
const (
	qlContainerPlain  = 1
	qlContainerPacked = 2
)

// rdbSaveOptions are the settings DUMP's output depends on.
type rdbSaveOptions struct {
	compress bool  // rdbcompression
	listFill int64 // list-max-listpack-size
}

// dumpOptions reads the settings from the configuration.
func (c *Client) dumpOptions() rdbSaveOptions {
	comp, _ := c.e.Cfg.Get("rdbcompression")
	return rdbSaveOptions{compress: comp != "no", listFill: c.e.Cfg.ListMaxListpackSize}
}

// appendRDBObject appends v's RDB type byte and serialisation. A value
// Redis has no type for (tau) gets sundial's own form behind a kind byte
// Redis refuses (see dumpKindBase).
func appendRDBObject(b []byte, v keyspace.Value, o rdbSaveOptions) []byte {
	switch x := v.(type) {
	case *keyspace.String:
		return appendRDBRaw(append(b, rdbTypeString), x.B, o.compress)
	case *keyspace.List:
		return appendRDBQuicklist(append(b, rdbTypeListQuicklist2), x, o)
	case *keyspace.Set:
		return appendRDBSet(b, x, o)
	case *keyspace.ZSet:
		return appendRDBZSet(b, x, o)
	case *keyspace.Hash:
		return appendRDBHash(b, x, o)
	case *keyspace.Stream:
		return appendRDBStream(append(b, rdbTypeStreamListpack2), x.Stream, o)
	}
	b = append(b, dumpKindBase+byte(v.Kind()))
	return v.AppendBinary(b)
}

// appendRDBBlob appends a container's bytes (listpack, intset, stream
// node key) as rdbSaveRawString does.
func appendRDBBlob(b, s []byte, o rdbSaveOptions) []byte { return appendRDBRaw(b, s, o.compress) }

func appendRDBSet(b []byte, s *keyspace.Set, o rdbSaveOptions) []byte {
	var buf [24]byte
	if s.IsIntset() {
		vs := make([]int64, 0, s.Len())
		s.Each(func(m []byte) bool {
			v, _ := keyspace.ParseInt(m)
			vs = append(vs, v)
			return true
		})
		b = append(b, rdbTypeSetIntset)
		return appendRDBBlob(b, appendIntset(nil, vs), o)
	}
	b = append(b, rdbTypeSet)
	b = appendRDBLen(b, uint64(s.Len()))
	for i := 0; i < s.Len(); i++ {
		b = appendRDBRaw(b, s.At(i, buf[:0]), o.compress)
	}
	return b
}

func appendRDBHash(b []byte, h *keyspace.Hash, o rdbSaveOptions) []byte {
	if !h.IsTable() {
		lp := newListpack()
		for i := 0; i < h.Len(); i++ {
			f, v := h.At(i)
			lp.appendString(keyBytes(f))
			lp.appendString(keyBytes(v))
		}
		b = append(b, rdbTypeHashListpack)
		return appendRDBBlob(b, lp.finish(), o)
	}
	b = append(b, rdbTypeHash)
	b = appendRDBLen(b, uint64(h.Len()))
	for i := 0; i < h.Len(); i++ {
		f, v := h.At(i)
		b = appendRDBRaw(b, keyBytes(f), o.compress)
		b = appendRDBRaw(b, keyBytes(v), o.compress)
	}
	return b
}

func appendRDBZSet(b []byte, z *keyspace.ZSet, o rdbSaveOptions) []byte {
	if z.IsListpack() {
		lp := newListpack()
		var buf [32]byte
		z.Range(func(m string, score float64) bool {
			lp.appendString(keyBytes(m))
			if v, ok := double2ll(score); ok {
				lp.appendInt(v)
			} else {
				lp.appendString(AppendDouble(buf[:0], score))
			}
			return true
		})
		b = append(b, rdbTypeZSetListpack)
		return appendRDBBlob(b, lp.finish(), o)
	}
	// A skip list is written from the highest score down, so that loading
	// inserts each member at the head.
	b = append(b, rdbTypeZSet2)
	b = appendRDBLen(b, uint64(z.Len()))
	z.ByRank(0, z.Len()-1, true, func(m string, score float64) bool {
		b = appendRDBRaw(b, keyBytes(m), o.compress)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(score))
		return true
	})
	return b
}

// double2ll is Redis's double2ll: a score that is a whole number within
// ±LLONG_MAX/2 is stored in a listpack as an integer (-0 as 0).
func double2ll(d float64) (int64, bool) {
	const limit = float64(math.MaxInt64 / 2)
	if d < -limit || d > limit || d != math.Trunc(d) {
		return 0, false
	}
	return int64(d), true
}

// Quicklist node limits of Redis 7.0 (quicklist.c).
const (
	qlSizeSafetyLimit  = 8192
	qlPackedThreshold  = 1 << 30
	qlFillMax          = 1<<15 - 1
	qlMinFill          = -5
	qlOptimizationBase = 4096
)

// qlSizeEstimateOverhead is what Redis 7.0 adds to an element's length to
// estimate its listpack entry (SIZE_ESTIMATE_OVERHEAD).
const qlSizeEstimateOverhead = 8

// qlAllowInsert is Redis 7.0's _quicklistNodeAllowInsert: whether an
// element of sz bytes still goes into a node of nodeSize bytes holding
// count elements, under fill (list-max-listpack-size): a negative fill
// limits the node's estimated size to 4 KiB << (-fill-1), a positive one
// its count, within an 8 KiB safety limit.
func qlAllowInsert(nodeSize, count, sz int, fill int64) bool {
	newSize := nodeSize + sz + qlSizeEstimateOverhead
	if fill < 0 && newSize <= qlOptimizationBase<<(-fill-1) {
		return true
	}
	if newSize > qlSizeSafetyLimit {
		return false
	}
	return int64(count) < fill
}

// appendRDBQuicklist writes a list as Redis 7.0's quicklist holding the
// same elements pushed to its tail would be laid out: listpack nodes
// filled up to list-max-listpack-size, an element of 1 GiB or more alone
// in a plain node.
func appendRDBQuicklist(b []byte, l *keyspace.List, o rdbSaveOptions) []byte {
	fill := min(max(o.listFill, qlMinFill), qlFillMax)
	var nodes [][]byte
	var plain []bool
	cur, open := newListpack(), false
	flush := func() {
		if open {
			nodes = append(nodes, cur.finish())
			plain = append(plain, false)
			cur, open = newListpack(), false
		}
	}
	l.Iterate(false, func(_ int, v []byte) bool {
		if len(v) >= qlPackedThreshold {
			flush()
			nodes = append(nodes, v)
			plain = append(plain, true)
			return true
		}
		if open && !qlAllowInsert(cur.size(), cur.n, len(v), fill) {
			flush()
		}
		cur.appendString(v)
		open = true
		return true
	})
	flush()
	b = appendRDBLen(b, uint64(len(nodes)))
	for i, n := range nodes {
		container := uint64(qlContainerPacked)
		if plain[i] {
			container = qlContainerPlain
		}
		b = appendRDBLen(b, container)
		b = appendRDBBlob(b, n, o)
	}
	return b
}

// Stream listpack entry flags (t_stream.c).
const (
	streamFlagDeleted    = 1
	streamFlagSameFields = 2
)

// appendRDBStream writes a stream as RDB_TYPE_STREAM_LISTPACKS_2: each
// node as its 128-bit master ID and the listpack Redis keeps for it, the
// counters, then every group with its PEL and consumers.
func appendRDBStream(b []byte, s *stream.Stream, o rdbSaveOptions) []byte {
	var nodes [][]byte
	s.Nodes(func(entries []stream.NodeEntry) bool {
		nodes = append(nodes, streamNodeKey(nil, entries[0].ID), streamListpack(entries))
		return true
	})
	b = appendRDBLen(b, uint64(len(nodes)/2))
	for i := 0; i < len(nodes); i += 2 {
		b = appendRDBBlob(b, nodes[i], o)
		b = appendRDBBlob(b, nodes[i+1], o)
	}
	b = appendRDBLen(b, s.Len())
	b = appendRDBID(b, s.LastID())
	b = appendRDBID(b, s.FirstID())
	b = appendRDBID(b, s.MaxDeletedID())
	b = appendRDBLen(b, s.EntriesAdded())
	groups := s.Groups()
	b = appendRDBLen(b, uint64(len(groups)))
	for _, g := range groups {
		b = appendRDBRaw(b, []byte(g.Name()), o.compress)
		b = appendRDBID(b, g.LastID())
		// -1 (unknown) is written as the 64-bit length it casts to.
		b = appendRDBLen(b, uint64(g.EntriesRead()))
		pel := g.Pending(0)
		b = appendRDBLen(b, uint64(len(pel)))
		for _, p := range pel {
			b = streamNodeKey(b, p.ID)
			b = binary.LittleEndian.AppendUint64(b, uint64(p.DeliveryTime))
			b = appendRDBLen(b, p.DeliveryCount)
		}
		consumers := g.Consumers()
		b = appendRDBLen(b, uint64(len(consumers)))
		for _, c := range consumers {
			b = appendRDBRaw(b, []byte(c.Name()), o.compress)
			b = binary.LittleEndian.AppendUint64(b, uint64(c.SeenTime()))
			own := c.Pending(0)
			b = appendRDBLen(b, uint64(len(own)))
			for _, p := range own {
				b = streamNodeKey(b, p.ID)
			}
		}
	}
	return b
}

// appendRDBID appends a stream ID as two RDB lengths.
func appendRDBID(b []byte, id stream.ID) []byte {
	return appendRDBLen(appendRDBLen(b, id.Ms), id.Seq)
}

// streamNodeKey appends id as Redis's 128-bit big-endian radix tree key.
func streamNodeKey(b []byte, id stream.ID) []byte {
	b = binary.BigEndian.AppendUint64(b, id.Ms)
	return binary.BigEndian.AppendUint64(b, id.Seq)
}

// streamListpack builds the listpack of a stream node: the master entry
// (live and deleted counts, the first entry's field names, a 0
// terminator), then each entry as flags, ID deltas from the master,
// fields (only values when the names match the master's) and its element
// count.
func streamListpack(entries []stream.NodeEntry) []byte {
	lp := newListpack()
	master := entries[0]
	live := 0
	for _, e := range entries {
		if !e.Deleted {
			live++
		}
	}
	lp.appendInt(int64(live))
	lp.appendInt(int64(len(entries) - live))
	lp.appendInt(int64(len(master.Fields) / 2))
	for i := 0; i < len(master.Fields); i += 2 {
		lp.appendString(master.Fields[i])
	}
	lp.appendInt(0)
	for _, e := range entries {
		same := sameStreamFields(master.Fields, e.Fields)
		flags := int64(0)
		if e.Deleted {
			flags |= streamFlagDeleted
		}
		if same {
			flags |= streamFlagSameFields
		}
		lp.appendInt(flags)
		lp.appendInt(int64(e.ID.Ms - master.ID.Ms))
		lp.appendInt(int64(e.ID.Seq - master.ID.Seq))
		pairs := len(e.Fields) / 2
		if !same {
			lp.appendInt(int64(pairs))
		}
		for i := 0; i < len(e.Fields); i += 2 {
			if !same {
				lp.appendString(e.Fields[i])
			}
			lp.appendString(e.Fields[i+1])
		}
		count := int64(pairs + 3)
		if !same {
			count += int64(pairs + 1)
		}
		lp.appendInt(count)
	}
	return lp.finish()
}

// sameStreamFields reports whether an entry's field names are the master
// entry's, in order.
func sameStreamFields(master, fields [][]byte) bool {
	if len(master) != len(fields) {
		return false
	}
	for i := 0; i < len(fields); i += 2 {
		if string(master[i]) != string(fields[i]) {
			return false
		}
	}
	return true
}
