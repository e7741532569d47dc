package commands

import (
	"bytes"
	"encoding/binary"
	"math"

	"sundial/keyspace"
	"sundial/keyspace/stream"
	"sundial/keyspace/zset"
)

// RESTORE's value decoding: every object type Redis 7.0's rdbLoadObject
// reads, from the strings, lists, sets, sorted sets and hashes of old RDB
// versions (linked lists, zipmaps, ziplists) to listpacks and streams.
// The value gets the encoding Redis would give it under this server's
// thresholds. Every length is checked against the input and nothing is
// allocated for a count the input cannot hold, so a damaged payload is
// refused ("Bad data format") and never panics.

// rdbLimits are the encoding thresholds a restored value is fitted to.
type rdbLimits struct {
	hashEntries, hashValue int64
	setIntset              int64
	zsetEntries, zsetValue int64
}

// restoreLimits reads the thresholds from the configuration.
func (c *Client) restoreLimits() rdbLimits {
	cfg := c.e.Cfg
	return rdbLimits{cfg.HashMaxListpackEntries, cfg.HashMaxListpackValue, cfg.SetMaxIntsetEntries,
		cfg.ZSetMaxListpackEntries, cfg.ZSetMaxListpackValue}
}

// lpSafetySize is Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack holding
// more bytes of elements is converted to the big encoding on load.
const lpSafetySize = 1 << 30

// rdbReader reads an RDB object; the first problem sets bad, and reads
// after it return zero values.
type rdbReader struct {
	b   []byte
	pos int
	bad bool
}

// length reads an RDB length. An encoded-value marker in a length's place
// reads as its 6-bit value, as Redis's rdbLoadLen does when it is not
// reading a string.
func (r *rdbReader) length() uint64 {
	if r.bad {
		return 0
	}
	n, _, next, ok := readRDBLen(r.b, r.pos)
	if !ok {
		r.bad = true
		return 0
	}
	r.pos = next
	return n
}

// count reads a number of items that each take at least minBytes of the
// input, refusing one the rest of the input cannot hold.
func (r *rdbReader) count(minBytes int) int {
	n := r.length()
	if n > uint64((len(r.b)-r.pos)/minBytes) {
		r.bad = true
		return 0
	}
	return int(n)
}

// str reads an RDB string (raw, integer or LZF). A raw one aliases the
// input.
func (r *rdbReader) str() []byte {
	if r.bad {
		return nil
	}
	s, next, ok := readRDBString(r.b, r.pos)
	if !ok {
		r.bad = true
		return nil
	}
	r.pos = next
	return s
}

// raw reads n bytes as they are.
func (r *rdbReader) raw(n int) []byte {
	if r.bad || n > len(r.b)-r.pos {
		r.bad = true
		return nil
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s
}

// int64le reads 8 little-endian bytes (millisecond times).
func (r *rdbReader) int64le() int64 {
	if d := r.raw(8); d != nil {
		return int64(binary.LittleEndian.Uint64(d))
	}
	return 0
}

// decodeRDBValue rebuilds the value of a verified DUMP payload body: its
// type byte and serialisation. Bytes after the object are ignored, as
// Redis ignores them.
func decodeRDBValue(body []byte, lim rdbLimits) (keyspace.Value, bool) {
	if len(body) == 0 {
		return nil, false
	}
	if body[0] >= dumpKindBase {
		return decodeDumpValue(body)
	}
	r := &rdbReader{b: body, pos: 1}
	var v keyspace.Value
	switch t := body[0]; t {
	case rdbTypeString:
		if s := r.str(); !r.bad {
			v = keyspace.NewString(s)
		}
	case rdbTypeList:
		v = loadLinkedList(r)
	case rdbTypeSet:
		v = loadSet(r, lim)
	case rdbTypeZSet, rdbTypeZSet2:
		v = loadZSet(r, lim, t == rdbTypeZSet2)
	case rdbTypeHash:
		v = loadHash(r, lim)
	case rdbTypeListQuicklist, rdbTypeListQuicklist2:
		v = loadQuicklist(r, t == rdbTypeListQuicklist2)
	case rdbTypeHashZipmap, rdbTypeListZiplist, rdbTypeSetIntset, rdbTypeZSetZiplist,
		rdbTypeZSetListpack, rdbTypeHashZiplist, rdbTypeHashListpack:
		if blob := r.str(); !r.bad {
			v = loadBlob(t, blob, lim)
		}
	case rdbTypeStreamListpacks, rdbTypeStreamListpack2:
		if s := loadStream(r, t == rdbTypeStreamListpack2); s != nil {
			v = &keyspace.Stream{Stream: s}
		}
	}
	// Module values (types 6 and 7) need a module sundial cannot have;
	// other type bytes are not object types: both are refused.
	if r.bad || v == nil {
		return nil, false
	}
	return v, true
}

// loadLinkedList reads RDB_TYPE_LIST: a count and the elements.
func loadLinkedList(r *rdbReader) keyspace.Value {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	l := keyspace.NewList()
	for i := 0; i < n && !r.bad; i++ {
		l.PushBack(r.str())
	}
	return l
}

// loadSet reads RDB_TYPE_SET: an intset while the members are integers
// and few enough, else a hashtable; a repeated member is refused.
func loadSet(r *rdbReader, lim rdbLimits) keyspace.Value {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	maxIntset := min(lim.setIntset, 1<<30)
	s := keyspace.NewIntSet()
	if int64(n) > maxIntset {
		s = keyspace.NewSetFor(nil)
	}
	for i := 0; i < n; i++ {
		m := r.str()
		if r.bad || !s.Add(m, maxIntset) {
			return nil
		}
	}
	return s
}

// loadZSet reads RDB_TYPE_ZSET (scores as text) or RDB_TYPE_ZSET_2
// (binary scores), then converts a set within the listpack limits, as
// Redis does after loading one.
func loadZSet(r *rdbReader, lim rdbLimits, binaryScores bool) keyspace.Value {
	n := r.count(2)
	if n == 0 {
		return nil
	}
	z := keyspace.NewZSet(false)
	maxLen, total := 0, 0
	for i := 0; i < n; i++ {
		m := r.str()
		var score float64
		if binaryScores {
			if d := r.raw(8); d != nil {
				score = math.Float64frombits(binary.LittleEndian.Uint64(d))
			}
		} else {
			score = r.textScore()
		}
		if r.bad || math.IsNaN(score) {
			return nil
		}
		if added, _ := z.Add(string(m), score); !added {
			return nil
		}
		maxLen = max(maxLen, len(m))
		total += len(m)
	}
	if int64(z.Len()) <= lim.zsetEntries && int64(maxLen) <= lim.zsetValue && total <= lpSafetySize {
		z.FitListpack(lim.zsetEntries, lim.zsetValue, maxLen)
	}
	return z
}

// textScore reads a score as rdbLoadDoubleValue: a length byte (253 NaN,
// 254 +inf, 255 -inf) and the number as text.
func (r *rdbReader) textScore() float64 {
	d := r.raw(1)
	if d == nil {
		return 0
	}
	switch d[0] {
	case 253:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 255:
		return math.Inf(-1)
	}
	text := r.raw(int(d[0]))
	if r.bad {
		return 0
	}
	f, ok := parseRDBDouble(text)
	if !ok {
		r.bad = true
	}
	return f
}

// parseRDBDouble reads a number stored as text (a C string).
func parseRDBDouble(text []byte) (float64, bool) {
	if i := bytes.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	if len(text) == 0 || text[0] == '(' {
		return 0, false
	}
	f, excl, ok := zset.ParseScoreBound(text)
	return f, ok && !excl
}

// loadHash reads RDB_TYPE_HASH: a listpack-encoded hash while it is within
// the limits, converted to a hashtable when a field or value is too long
// or there are too many; a repeated field is refused.
func loadHash(r *rdbReader, lim rdbLimits) keyspace.Value {
	n := r.count(2)
	if n == 0 {
		return nil
	}
	h := keyspace.NewHash()
	if int64(n) > lim.hashEntries {
		h.ConvertToTable()
	}
	total := 0
	for i := 0; i < n; i++ {
		f, v := r.str(), r.str()
		if r.bad || !h.Set(f, v) {
			return nil
		}
		total += len(f) + len(v)
		if int64(len(f)) > lim.hashValue || int64(len(v)) > lim.hashValue || total > lpSafetySize {
			h.ConvertToTable()
		}
	}
	return h
}

// loadQuicklist reads a quicklist: nodes holding ziplists
// (RDB_TYPE_LIST_QUICKLIST) or, in version 2, a container kind and a
// listpack or a plain element. Empty nodes are skipped; a list that ends
// up empty is refused.
func loadQuicklist(r *rdbReader, v2 bool) keyspace.Value {
	n := r.count(2)
	if n == 0 {
		return nil
	}
	l := keyspace.NewList()
	var buf [24]byte
	push := func(e packElem) bool {
		l.PushBack(e.bytes(buf[:0]))
		return true
	}
	for i := 0; i < n; i++ {
		container := uint64(qlContainerPacked)
		if v2 {
			container = r.length()
			if container != qlContainerPacked && container != qlContainerPlain {
				return nil
			}
		}
		data := r.str()
		if r.bad || len(data) == 0 {
			return nil
		}
		switch {
		case container == qlContainerPlain:
			l.PushBack(data)
		case v2 && !eachListpack(data, push):
			return nil
		case !v2 && !eachZiplist(data, push):
			return nil
		}
	}
	if l.Len() == 0 {
		return nil
	}
	return l
}

// loadBlob reads the types serialised as one string: a zipmap, ziplist,
// intset or listpack.
func loadBlob(t byte, blob []byte, lim rdbLimits) keyspace.Value {
	switch t {
	case rdbTypeHashZipmap:
		return loadZipmap(blob, lim)
	case rdbTypeListZiplist:
		l := keyspace.NewList()
		var buf [24]byte
		if !eachZiplist(blob, func(e packElem) bool { l.PushBack(e.bytes(buf[:0])); return true }) || l.Len() == 0 {
			return nil
		}
		return l
	case rdbTypeSetIntset:
		vs, ok := readIntset(blob)
		if !ok {
			return nil
		}
		s := keyspace.NewIntSet()
		var buf [24]byte
		for _, v := range vs {
			s.Add(appendInt(buf[:0], v), math.MaxInt64)
		}
		s.FitIntset(lim.setIntset)
		return s
	case rdbTypeZSetZiplist, rdbTypeZSetListpack:
		return loadPackedZSet(blob, t == rdbTypeZSetListpack, lim)
	}
	return loadPackedHash(blob, t == rdbTypeHashListpack, lim)
}

// appendInt formats v in base 10.
func appendInt(b []byte, v int64) []byte {
	var tmp [20]byte
	i := len(tmp)
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	for {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if v < 0 {
		b = append(b, '-')
	}
	return append(b, tmp[i:]...)
}

// eachPacked walks a listpack or a ziplist.
func eachPacked(blob []byte, isListpack bool, fn func(e packElem) bool) bool {
	if isListpack {
		return eachListpack(blob, fn)
	}
	return eachZiplist(blob, fn)
}

// loadPackedHash reads a hash stored as a ziplist or listpack of fields
// and values: it stays a listpack unless it has too many fields.
func loadPackedHash(blob []byte, isListpack bool, lim rdbLimits) keyspace.Value {
	h := keyspace.NewHash()
	var field []byte
	var fbuf, vbuf [24]byte
	odd := false
	ok := eachPacked(blob, isListpack, func(e packElem) bool {
		if !odd {
			field = e.bytes(fbuf[:0])
			odd = true
			return true
		}
		odd = false
		return h.Set(field, e.bytes(vbuf[:0]))
	})
	if !ok || odd || h.Len() == 0 {
		return nil
	}
	if int64(h.Len()) > lim.hashEntries {
		h.ConvertToTable()
	}
	return h
}

// loadZipmap reads a Redis 2.x zipmap hash, converted to a hashtable when
// it has too many fields or a field or value too long.
func loadZipmap(blob []byte, lim rdbLimits) keyspace.Value {
	h := keyspace.NewHash()
	maxLen := 0
	if !eachZipmap(blob, func(f, v []byte) bool {
		maxLen = max(maxLen, len(f), len(v))
		return h.Set(f, v)
	}) {
		return nil
	}
	if int64(h.Len()) > lim.hashEntries || int64(maxLen) > lim.hashValue {
		h.ConvertToTable()
	}
	return h
}

// loadPackedZSet reads a sorted set stored as a ziplist or listpack of
// members and scores: it stays a listpack unless it has too many members.
func loadPackedZSet(blob []byte, isListpack bool, lim rdbLimits) keyspace.Value {
	z := keyspace.NewZSet(true)
	var member []byte
	var mbuf [24]byte
	odd := false
	ok := eachPacked(blob, isListpack, func(e packElem) bool {
		if !odd {
			member = e.bytes(mbuf[:0])
			odd = true
			return true
		}
		odd = false
		score := float64(e.v)
		if !e.isInt {
			f, ok := parseRDBDouble(e.s)
			if !ok || math.IsNaN(f) {
				return false
			}
			score = f
		}
		added, _ := z.Add(string(member), z.StoredScore(score))
		return added
	})
	if !ok || odd || z.Len() == 0 {
		return nil
	}
	if int64(z.Len()) > lim.zsetEntries {
		z.ConvertToSkiplist()
	}
	return z
}

// loadStream reads RDB_TYPE_STREAM_LISTPACKS (v1) or its version 2 with
// the first ID, maximal deleted ID, entries added and the groups' read
// counters.
func loadStream(r *rdbReader, v2 bool) *stream.Stream {
	s := stream.New()
	nodes := r.count(2)
	for i := 0; i < nodes; i++ {
		key := r.str()
		lp := r.str()
		if r.bad || len(key) != 16 {
			return nil
		}
		entries, ok := readStreamNode(lp, readStreamID(key))
		if !ok || !s.AppendNode(entries) {
			return nil
		}
	}
	length := r.length()
	lastID := stream.ID{Ms: r.length(), Seq: r.length()}
	var maxDeleted stream.ID
	entriesAdded := length
	if v2 {
		r.length() // the first ID, derived again from the entries
		r.length()
		maxDeleted = stream.ID{Ms: r.length(), Seq: r.length()}
		entriesAdded = r.length()
	}
	if r.bad || length != s.Len() || !s.SetCounters(lastID, maxDeleted, entriesAdded) {
		return nil
	}
	groups := r.count(1)
	for i := 0; i < groups; i++ {
		if !loadStreamGroup(r, s, v2) {
			return nil
		}
	}
	if r.bad {
		return nil
	}
	return s
}

// loadStreamGroup reads a consumer group: name, last delivered ID, read
// counter (version 2), the group's PEL with delivery times and counts,
// then each consumer with its seen time and the IDs it owns.
func loadStreamGroup(r *rdbReader, s *stream.Stream, v2 bool) bool {
	name := r.str()
	lastID := stream.ID{Ms: r.length(), Seq: r.length()}
	var entriesRead int64
	if v2 {
		entriesRead = int64(r.length())
	} else {
		entriesRead = s.EstimateEntriesRead(lastID)
	}
	if r.bad || entriesRead < -1 {
		return false
	}
	g, err := s.CreateGroup(string(name), lastID, entriesRead)
	if err != nil {
		return false
	}
	pel := r.count(17)
	for i := 0; i < pel; i++ {
		id := readStreamID(r.raw(16))
		when := r.int64le()
		count := r.length()
		if r.bad || !g.AddPending(id, when, count) {
			return false
		}
	}
	consumers := r.count(9)
	for i := 0; i < consumers; i++ {
		cname := r.str()
		seen := r.int64le()
		if r.bad {
			return false
		}
		c, created := g.CreateConsumer(string(cname), seen)
		if !created {
			return false
		}
		owned := r.count(16)
		for j := 0; j < owned; j++ {
			id := readStreamID(r.raw(16))
			if r.bad || !g.AssignPending(c, id) {
				return false
			}
		}
	}
	return !r.bad && g.PendingOwned()
}

// readStreamID reads a 128-bit big-endian stream ID (zero if b is short).
func readStreamID(b []byte) stream.ID {
	if len(b) < 16 {
		return stream.ID{}
	}
	return stream.ID{Ms: binary.BigEndian.Uint64(b), Seq: binary.BigEndian.Uint64(b[8:])}
}

// readStreamNode decodes a stream node's listpack (see streamListpack)
// whose master ID is master: every entry with its fields and deleted
// flag. The counts of the master entry and each entry's element count
// must agree with the entries.
func readStreamNode(lp []byte, master stream.ID) ([]stream.NodeEntry, bool) {
	var elems []packElem
	if !eachListpack(lp, func(e packElem) bool { elems = append(elems, e); return true }) {
		return nil, false
	}
	p := &packCursor{elems: elems}
	live, deleted, nfields := p.int(), p.int(), p.int()
	if p.bad || nfields <= 0 || nfields > p.left() {
		return nil, false
	}
	names := make([][]byte, nfields)
	for i := range names {
		names[i] = p.str()
	}
	if p.int() != 0 || p.bad {
		return nil, false
	}
	var entries []stream.NodeEntry
	gotLive := int64(0)
	for p.left() > 0 {
		flags, dms, dseq := p.int(), p.int(), p.int()
		if p.bad || flags < 0 || flags > streamFlagDeleted|streamFlagSameFields {
			return nil, false
		}
		e := stream.NodeEntry{
			ID:      stream.ID{Ms: master.Ms + uint64(dms), Seq: master.Seq + uint64(dseq)},
			Deleted: flags&streamFlagDeleted != 0,
		}
		var want int64
		if flags&streamFlagSameFields != 0 {
			if nfields > p.left() {
				return nil, false
			}
			e.Fields = make([][]byte, 0, 2*nfields)
			for _, name := range names {
				e.Fields = append(e.Fields, name, p.str())
			}
			want = nfields + 3
		} else {
			n := p.int()
			if p.bad || n <= 0 || n > p.left()/2 {
				return nil, false
			}
			e.Fields = make([][]byte, 0, 2*n)
			for j := int64(0); j < 2*n; j++ {
				e.Fields = append(e.Fields, p.str())
			}
			want = 2*n + 4
		}
		if p.int() != want || p.bad {
			return nil, false
		}
		if !e.Deleted {
			gotLive++
		}
		entries = append(entries, e)
	}
	if len(entries) == 0 || live != gotLive || deleted != int64(len(entries))-gotLive {
		return nil, false
	}
	return entries, true
}

// packCursor reads a decoded listpack's elements in order.
type packCursor struct {
	elems []packElem
	i     int
	bad   bool
}

func (p *packCursor) left() int64 { return int64(len(p.elems) - p.i) }

func (p *packCursor) next() (packElem, bool) {
	if p.bad || p.i >= len(p.elems) {
		p.bad = true
		return packElem{}, false
	}
	p.i++
	return p.elems[p.i-1], true
}

// int reads an integer element.
func (p *packCursor) int() int64 {
	e, ok := p.next()
	if !ok {
		return 0
	}
	v, ok := e.integer()
	if !ok {
		p.bad = true
	}
	return v
}

// str reads an element as bytes (integers formatted).
func (p *packCursor) str() []byte {
	e, ok := p.next()
	if !ok {
		return nil
	}
	if e.isInt {
		return appendInt(nil, e.v)
	}
	return e.s
}
