package keyspace

// index is a keyspace's key → entry table: open addressing with linear
// probing and Robin Hood placement, one 8-byte slot per entry pointer (the
// key is read from the entry) and 2 bytes of metadata per slot, so a key
// costs 10 bytes a slot, 11 to 23 bytes at the loads the table runs at,
// where a Go map[string]*Entry costs 27 to 55.
//
// Metadata: the low byte is the slot's distance from its key's home slot
// plus one (0 for an empty slot), the high byte is 8 bits of the key's
// hash. Lookups compare the tag before reading the entry, and stop at the
// first slot whose distance is shorter than the probe's (Robin Hood keeps
// the keys of a run sorted by home slot), so misses are short too.
// Deletion shifts the rest of the run back one slot: no tombstones. Slots
// are stored in groups of 8 with their metadata, so a probe usually reads
// one cache line of the table.
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
	// indexGroupBytes is a group of 8 slots with their metadata.
	indexGroupBytes = 8*8 + 8*2
)

var hashSeed = maphash.MakeSeed()

func keyHash(b []byte) uint64       { return maphash.Bytes(hashSeed, b) }
func keyHashString(s string) uint64 { return maphash.String(hashSeed, s) }

// group is 8 slots and their metadata, side by side in memory.
type group struct {
	meta  [8]uint16
	slots [8]*Entry
}

// table is one open-addressing array of 8 × len(groups) slots.
type table struct {
	groups []group
	n      int // slots
	count  int
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
	return table{groups: make([]group, slots/8), n: slots}
}

func (t *table) meta(i int) uint16 { return t.groups[i>>3].meta[i&7] }
func (t *table) slot(i int) *Entry { return t.groups[i>>3].slots[i&7] }
func (t *table) set(i int, e *Entry, m uint16) {
	g := &t.groups[i>>3]
	g.slots[i&7], g.meta[i&7] = e, m
}

// home is the slot a hash starts probing from (multiply-shift over the
// hash's high bits; the tag uses its low byte).
func (t *table) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(t.n))
	return int(hi)
}

// find returns the entry for key, probing from slot i at distance d from
// the key's home, or nil.
func (t *table) find(i, d int, h uint64, key []byte) *Entry {
	tag := uint8(h)
	for ; ; d++ {
		g := &t.groups[i>>3]
		m := g.meta[i&7]
		if m == 0 || metaDist(m) < d {
			return nil
		}
		if uint8(m>>8) == tag {
			if e := g.slots[i&7]; e.Key == string(key) {
				return e
			}
		}
		if i++; i == t.n {
			i = 0
		}
	}
}

// slotOf returns the slot holding e, probing from slot i at distance d
// from its home, or -1.
func (t *table) slotOf(i, d int, e *Entry) int {
	for ; ; d++ {
		m := t.meta(i)
		if m == 0 || metaDist(m) < d {
			return -1
		}
		if t.slot(i) == e {
			return i
		}
		if i++; i == t.n {
			i = 0
		}
	}
}

// insert places e (absent from t). If some entry would end up too far
// from home it stops and returns that entry, which is then in no slot.
func (t *table) insert(h uint64, e *Entry) (homeless *Entry) {
	i := t.home(h)
	m := metaOf(h, 0)
	for {
		cur := t.meta(i)
		if cur == 0 {
			t.set(i, e, m)
			t.count++
			return nil
		}
		if metaDist(cur) < metaDist(m) {
			// Robin Hood: the entry nearer its home yields the slot.
			out := t.slot(i)
			t.set(i, e, m)
			e, m = out, cur
		}
		if metaDist(m) >= indexMaxDist {
			return e
		}
		m++
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
		m := t.meta(j)
		if m == 0 || metaDist(m) == 0 {
			break
		}
		t.set(i, t.slot(j), m-1)
		i = j
	}
	t.set(i, nil, 0)
	t.count--
}

// Len is the number of keys indexed.
func (x *index) Len() int { return x.cur.count + x.old.count }

// get returns the entry for key, or nil. It never allocates.
func (x *index) get(key []byte) *Entry {
	h := keyHash(key)
	if x.cur.count != 0 {
		if e := x.cur.find(x.cur.home(h), 0, h, key); e != nil {
			return e
		}
	}
	if x.old.count == 0 {
		return nil
	}
	i, d := x.oldStart(h)
	return x.old.find(i, d, h, key)
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

// add indexes e, whose key must be absent.
func (x *index) add(e *Entry) {
	x.migrate(migrateSlots)
	if (x.cur.count+1)*8 > x.cur.n*indexMaxLoad {
		x.grow()
	}
	if homeless := x.cur.insert(keyHashString(e.Key), e); homeless != nil {
		x.rebuild(homeless)
	}
}

// remove unindexes e and reports whether it was there.
func (x *index) remove(e *Entry) bool {
	h := keyHashString(e.Key)
	found := false
	if x.cur.count != 0 {
		if i := x.cur.slotOf(x.cur.home(h), 0, e); i >= 0 {
			x.cur.removeAt(i)
			found = true
		}
	}
	if !found && x.old.count != 0 {
		start, d := x.oldStart(h)
		if i := x.old.slotOf(start, d, e); i >= 0 {
			x.old.removeAt(i)
			found = true
		}
	}
	x.migrate(migrateSlots)
	return found
}

// grow starts migrating into a table twice the size, first finishing any
// migration under way.
func (x *index) grow() {
	x.migrate(x.migLeft)
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
	for m := x.old.meta(start); m != 0 && metaDist(m) != 0; m = x.old.meta(start) {
		start++
	}
	x.migStart, x.migNext, x.migLeft = start, start, x.old.n
}

// migrate moves up to n occupied slots of the old table across, looking
// at no more than 4n slots.
func (x *index) migrate(n int) {
	if x.migLeft == 0 {
		return
	}
	o := &x.old
	for moved, scanned := 0, 0; moved < n && scanned < 4*n; scanned++ {
		i := x.migNext
		if o.meta(i) != 0 {
			e := o.slot(i)
			o.set(i, nil, 0)
			o.count--
			if homeless := x.cur.insert(keyHashString(e.Key), e); homeless != nil {
				x.rebuild(homeless)
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
// resident (10 MiB at a million keys), where a C allocator would unmap it.
var releaseBytes int64 = 8 << 20

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

// rebuild rehashes every indexed entry, and extra (an entry a failed
// insertion left out), into a new table at least twice the current size.
// It only runs if keys cluster pathologically (a slot would sit more than
// indexMaxDist from home), which a seeded hash makes vanishingly rare.
func (x *index) rebuild(extra *Entry) {
	all := make([]*Entry, 0, x.Len()+1)
	for _, t := range []*table{&x.cur, &x.old} {
		for g := range t.groups {
			for _, e := range t.groups[g].slots {
				if e != nil {
					all = append(all, e)
				}
			}
		}
	}
	if extra != nil {
		all = append(all, extra)
	}
	for size := max(x.cur.n*2, indexMinSlots); ; size *= 2 {
		t := newTable(size)
		ok := true
		for _, e := range all {
			if t.insert(keyHashString(e.Key), e) != nil {
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

// random returns an indexed entry picked at random, or nil if there are
// none: a random slot, then the first occupied one from there (entries
// after free slots are likelier picks).
func (x *index) random() *Entry {
	n := x.Len()
	if n == 0 {
		return nil
	}
	t := &x.cur
	if rand.IntN(n) < x.old.count {
		t = &x.old
	}
	for i := rand.IntN(t.n); ; {
		if e := t.slot(i); e != nil {
			return e
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

func tableBytes(slots int) int64 { return allocSizePointers(slots / 8 * indexGroupBytes) }
