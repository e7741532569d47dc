package keyspace

// index is a keyspace's key → entry table: open addressing with linear
// probing and Robin Hood placement. A slot holds the entry's position in
// the keyspace's key list (DB.keys), not a pointer, and 2 bytes of
// metadata: 6 bytes a slot, 7 to 14 bytes a key at the loads the table
// runs at, where 8-byte pointers cost 10 a slot and a Go map[string]*Entry
// 27 to 55 a key. Holding no pointers, the table is not scanned by the
// garbage collector either. The TTL index (DB.volatile) is a second index
// over the same key list.
//
// Metadata: the low byte is the slot's distance from its key's home slot
// plus one (0 for an empty slot), the high byte is 8 bits of the key's
// hash. Lookups compare the tag before reading the entry through the key
// list, and stop at the first slot whose distance is shorter than the
// probe's (Robin Hood keeps the keys of a run sorted by home slot), so
// misses are short too. Deletion shifts the rest of the run back one
// slot: no tombstones. A slot's metadata and position sit side by side,
// so a probe usually reads one cache line of the table.
//
// When an entry moves in the key list (a deletion moves the last entry
// into the hole), the keyspace tells its indexes (move): the slot holding
// the old position is found by probing from the entry's home for it.
//
// Growth is incremental, as Redis's rehashing: past 7/8 full a table of
// twice the size takes over, new keys go there, and every insertion or
// deletion moves a few slots of the old table across, so no single
// command pays for rehashing the whole keyspace. Migration moves the old
// table's slots in order and empties them; a key whose home slot was
// emptied is looked for from the first slot not yet moved.

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"runtime/debug"
)

const (
	indexMinSlots = 8
	// indexMaxLoad is the load (in eighths) past which the table grows.
	indexMaxLoad = 7
	// indexMaxDist bounds a slot's distance from home (it is kept in a
	// byte); reaching it forces an immediate rebuild.
	indexMaxDist = 250
	// migrateSlots is how many occupied old slots each insertion or
	// deletion moves: a migration is over after 1/16 as many writes as
	// the old table held keys, long before the new table can fill.
	migrateSlots = 16
	// slotBytes is unsafe.Sizeof(slot{}).
	slotBytes = 6
)

var hashSeed = maphash.MakeSeed()

func keyHash(b []byte) uint64       { return maphash.Bytes(hashSeed, b) }
func keyHashString(s string) uint64 { return maphash.String(hashSeed, s) }

// slot is one entry's place in a table: its metadata and its position in
// the key list, kept as two halves so a slot is 6 bytes, not 8.
type slot struct {
	meta   uint16
	lo, hi uint16
}

func (s slot) pos() int { return int(uint32(s.lo) | uint32(s.hi)<<16) }

func makeSlot(m uint16, pos int) slot {
	return slot{meta: m, lo: uint16(pos), hi: uint16(uint32(pos) >> 16)}
}

// table is one open-addressing array of slots.
type table struct {
	slots []slot
	n     int // len(slots)
	count int
}

type index struct {
	cur table
	// old is the table being migrated into cur (no slots when none):
	// migrating started at slot migStart, migNext is the next slot to move
	// and migLeft how many slots remain.
	old      table
	migStart int
	migNext  int
	migLeft  int
}

func metaOf(h uint64, dist int) uint16 { return uint16(uint8(h))<<8 | uint16(dist+1) }
func metaDist(m uint16) int            { return int(m&0xff) - 1 }

func newTable(slots int) table {
	return table{slots: make([]slot, slots), n: slots}
}

// home is the slot a hash starts probing from (multiply-shift over the
// hash's high bits; the tag uses its low byte).
func (t *table) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(t.n))
	return int(hi)
}

// find returns the entry for key, probing from slot i at distance d from
// the key's home, or nil.
func (t *table) find(l *keyList, i, d int, h uint64, key []byte) *Entry {
	tag := uint8(h)
	for ; ; d++ {
		s := &t.slots[i]
		if s.meta == 0 || metaDist(s.meta) < d {
			return nil
		}
		if uint8(s.meta>>8) == tag {
			if e := l.at(s.pos()); e.Key == string(key) {
				return e
			}
		}
		if i++; i == t.n {
			i = 0
		}
	}
}

// slotOf returns the slot holding position pos of a key with hash h,
// probing from slot i at distance d from its home, or -1.
func (t *table) slotOf(i, d int, h uint64, pos int) int {
	tag := uint8(h)
	for ; ; d++ {
		s := &t.slots[i]
		if s.meta == 0 || metaDist(s.meta) < d {
			return -1
		}
		if uint8(s.meta>>8) == tag && s.pos() == pos {
			return i
		}
		if i++; i == t.n {
			i = 0
		}
	}
}

// insert places position pos of a key with hash h (absent from t). If
// some position would end up too far from home it stops and returns that
// position, which is then in no slot; otherwise it returns -1.
func (t *table) insert(h uint64, pos int) (homeless int) {
	i := t.home(h)
	in := makeSlot(metaOf(h, 0), pos)
	for {
		s := &t.slots[i]
		if s.meta == 0 {
			*s = in
			t.count++
			return -1
		}
		if metaDist(s.meta) < metaDist(in.meta) {
			// Robin Hood: the slot nearer its home yields its place.
			*s, in = in, *s
		}
		if metaDist(in.meta) >= indexMaxDist {
			return in.pos()
		}
		in.meta++
		if i++; i == t.n {
			i = 0
		}
	}
}

// removeAt empties slot i and shifts the rest of its run back.
func (t *table) removeAt(i int) {
	for {
		j := i + 1
		if j == t.n {
			j = 0
		}
		m := t.slots[j].meta
		if m == 0 || metaDist(m) == 0 {
			break
		}
		t.slots[i] = t.slots[j]
		t.slots[i].meta--
		i = j
	}
	t.slots[i] = slot{}
	t.count--
}

// Len is the number of keys indexed.
func (x *index) Len() int { return x.cur.count + x.old.count }

// get returns the entry of l for key, or nil. It never allocates.
func (x *index) get(l *keyList, key []byte) *Entry {
	h := keyHash(key)
	if x.cur.count != 0 {
		if e := x.cur.find(l, x.cur.home(h), 0, h, key); e != nil {
			return e
		}
	}
	if x.old.count == 0 {
		return nil
	}
	i, d := x.oldStart(h)
	return x.old.find(l, i, d, h, key)
}

// oldStart is where a probe of the old table starts for hash h: at the
// home slot, unless migration has emptied it, in which case at the first
// slot not yet moved (the rest of the key's run may still be there).
func (x *index) oldStart(h uint64) (i, d int) {
	n := x.old.n
	home := x.old.home(h)
	if (home-x.migStart+n)%n < n-x.migLeft {
		return x.migNext, (x.migNext - home + n) % n
	}
	return home, 0
}

// locate returns the table and slot holding position pos of a key with
// hash h, or a nil table.
func (x *index) locate(h uint64, pos int) (*table, int) {
	if x.cur.count != 0 {
		if i := x.cur.slotOf(x.cur.home(h), 0, h, pos); i >= 0 {
			return &x.cur, i
		}
	}
	if x.old.count != 0 {
		start, d := x.oldStart(h)
		if i := x.old.slotOf(start, d, h, pos); i >= 0 {
			return &x.old, i
		}
	}
	return nil, -1
}

// add indexes e, an entry of l (at e.idx) whose key must be absent.
func (x *index) add(l *keyList, e *Entry) {
	x.migrate(l, migrateSlots)
	if (x.cur.count+1)*8 > x.cur.n*indexMaxLoad {
		x.grow(l)
	}
	if homeless := x.cur.insert(keyHashString(e.Key), int(e.idx)); homeless >= 0 {
		x.rebuild(l, homeless)
	}
}

// remove unindexes e, an entry of l, and reports whether it was there.
// It must run before e leaves l.
func (x *index) remove(l *keyList, e *Entry) bool {
	pos := int(e.idx)
	if pos < 0 || pos >= l.Len() || l.at(pos) != e {
		return false
	}
	t, i := x.locate(keyHashString(e.Key), pos)
	if t != nil {
		t.removeAt(i)
	}
	x.migrate(l, migrateSlots)
	return t != nil
}

// move records that e, an indexed entry, moved in the key list from
// position from to e.idx, and reports whether its slot was found.
func (x *index) move(e *Entry, from int) bool {
	t, i := x.locate(keyHashString(e.Key), from)
	if t == nil {
		return false
	}
	t.slots[i] = makeSlot(t.slots[i].meta, int(e.idx))
	return true
}

// grow starts migrating into a table twice the size, first finishing any
// migration under way.
func (x *index) grow(l *keyList) {
	x.migrate(l, x.migLeft)
	size := max(x.cur.n*2, indexMinSlots)
	if x.cur.count == 0 {
		x.cur = newTable(size)
		return
	}
	x.old, x.cur = x.cur, newTable(size)
	// Start at a run boundary (an empty slot, or one at its home): no run
	// of the keys not yet moved then continues into the moved slots,
	// except the one migration is in the middle of (see oldStart).
	start := 0
	for m := x.old.slots[start].meta; m != 0 && metaDist(m) != 0; m = x.old.slots[start].meta {
		start++
	}
	x.migStart, x.migNext, x.migLeft = start, start, x.old.n
}

// migrate moves up to n occupied slots of the old table across, looking
// at no more than 4n slots.
func (x *index) migrate(l *keyList, n int) {
	if x.migLeft == 0 {
		return
	}
	o := &x.old
	for moved, scanned := 0, 0; moved < n && scanned < 4*n; scanned++ {
		i := x.migNext
		if s := o.slots[i]; s.meta != 0 {
			o.slots[i] = slot{}
			o.count--
			pos := s.pos()
			if homeless := x.cur.insert(keyHashString(l.at(pos).Key), pos); homeless >= 0 {
				x.rebuild(l, homeless)
				return
			}
			moved++
		}
		if x.migNext++; x.migNext == o.n {
			x.migNext = 0
		}
		if x.migLeft--; x.migLeft == 0 {
			x.dropOld()
			return
		}
	}
}

// migrating reports whether a migration is under way.
func (x *index) migrating() bool { return x.migLeft != 0 }

// releaseBytes is the size from which a dropped table's memory is handed
// back to the operating system at once. Go keeps freed pages for reuse:
// after a bulk load ends, the last table migrated away would stay
// resident (6 MiB at a million keys), where a C allocator would unmap it.
var releaseBytes int64 = 4 << 20

// releaseMemory returns free heap memory to the operating system, in the
// background: debug.FreeOSMemory runs a collection first, which takes a
// while on a big heap, and nothing waits for it.
var releaseMemory = func() { go debug.FreeOSMemory() }

// dropOld forgets the table a finished migration emptied.
func (x *index) dropOld() {
	big := tableBytes(x.old.n) >= releaseBytes
	x.old = table{}
	if big {
		releaseMemory()
	}
}

// rebuild rehashes every indexed position, and extra (one a failed
// insertion left out, or -1), into a new table at least twice the current
// size. It only runs if keys cluster pathologically (a slot would sit more
// than indexMaxDist from home), which a seeded hash makes vanishingly rare.
func (x *index) rebuild(l *keyList, extra int) {
	all := make([]int, 0, x.Len()+1)
	for _, t := range []*table{&x.cur, &x.old} {
		for i := range t.slots {
			if t.slots[i].meta != 0 {
				all = append(all, t.slots[i].pos())
			}
		}
	}
	if extra >= 0 {
		all = append(all, extra)
	}
	for size := max(x.cur.n*2, indexMinSlots); ; size *= 2 {
		t := newTable(size)
		ok := true
		for _, pos := range all {
			if t.insert(keyHashString(l.at(pos).Key), pos) >= 0 {
				ok = false
				break
			}
		}
		if ok {
			x.cur, x.old, x.migStart, x.migNext, x.migLeft = t, table{}, 0, 0, 0
			return
		}
	}
}

// random returns an indexed entry of l picked at random, or nil if there
// are none: a random slot, then the first occupied one from there
// (entries after free slots are likelier picks).
func (x *index) random(l *keyList) *Entry {
	n := x.Len()
	if n == 0 {
		return nil
	}
	t := &x.cur
	if rand.IntN(n) < x.old.count {
		t = &x.old
	}
	for i := rand.IntN(t.n); ; {
		if s := &t.slots[i]; s.meta != 0 {
			return l.at(s.pos())
		}
		if i++; i == t.n {
			i = 0
		}
	}
}

// bytes is what the index is charged: its current table. A table being
// migrated away is transient and is not charged, so the charge only grows
// with the keyspace, as the Go map's did; it does not drop when a
// migration ends, which would let in keys maxmemory had no room for.
func (x *index) bytes() int64 { return tableBytes(x.cur.n) }

// tableBytes is the allocation of a table of the given slots (which hold
// no pointers: no allocation header).
func tableBytes(slots int) int64 { return AllocSize(slots * slotBytes) }
