package keyspace

// Memory accounting: the store keeps a running total of the bytes its keys
// and values hold, updated as keys come and go, so used_memory and the
// maxmemory check cost nothing per command. Each keyspace remembers what
// each entry was charged (in its key list) so it can be refunded exactly when it
// goes; each keyspace is charged separately for its key index and key
// lists, following how they grow (they never shrink).
//
// Values changed in place (HSET on an existing hash, RPUSH, APPEND …) are
// re-measured when the engine reports the key modified (Modified). Measuring
// a collection walks it, so big values are re-measured on a budget: a value
// of S bytes is re-measured once every S/remeasureBytesPerTouch
// modifications (amortised constant work per write, error bounded to a few
// percent of the value), and in between it waits in a dirty set that the
// periodic task drains (RemeasureDirty).

import (
	"math/bits"
	"time"
	"unsafe"
)

const (
	// stringHeaderBytes is the allocation of a String struct.
	stringHeaderBytes = 32
	// ptrBytes is a slot of DB.keys.
	ptrBytes = 8
	// dictShareBytes is a key's average share of its keyspace's index,
	// for MEMORY USAGE (the account charges the index as a whole): 6-byte
	// slots at loads from 7/16 to 7/8.
	dictShareBytes = 10
	// smallValueBytes: values charged up to this are re-measured on every
	// modification.
	smallValueBytes = 2048
	// remeasureBytesPerTouch sets how often a big value is re-measured.
	remeasureBytesPerTouch = 256
	// memUnit is the granularity of the charges (uint32s): 8 bytes, so one
	// entry may be charged up to 32 GiB.
	memUnit = 8
)

// memAccount is the store's running total and its pending re-measures.
type memAccount struct {
	used      int64
	dirty     map[*Entry]dirtyMark
	lastAdded *Entry
}

// dirtyMark is a big value waiting to be re-measured: its keyspace and
// the modifications since it was last measured.
type dirtyMark struct {
	db      *DB
	touches uint32
}

// dbMem is what a keyspace is charged for its structure.
type dbMem struct {
	dict     int64 // bytes charged for the key index
	volatile int64 // bytes charged for the TTL index
	keys     int64 // bytes charged for the key list
}

func (m *dbMem) total() int64 { return m.dict + m.volatile + m.keys }

// UsedMemory is the bytes held by every keyspace's keys and values, by
// sundial's own account.
func (s *Store) UsedMemory() int64 { return s.mem.used }

// LastAdded is the entry most recently created since ResetLastAdded: the
// engine uses it to tell a key created by the current command (whose
// access stamp is fresh) from one it modified.
func (s *Store) LastAdded() *Entry { return s.mem.lastAdded }

// ResetLastAdded forgets the last created entry (at each command's start).
func (s *Store) ResetLastAdded() { s.mem.lastAdded = nil }

// EntryMemory is what a key costs: its entry, name and value, and its
// share of the keyspace's index and key lists (MEMORY USAGE).
func EntryMemory(e *Entry) int64 { return entryCost(e) + dictShareBytes + ptrBytes + 4 }

// Overhead is what db costs beyond its keys' names and values: the entries,
// the index and the key lists (main), and the index of keys with a TTL.
func (db *DB) Overhead() (main, expires int64) {
	m := &db.mem
	return int64(db.keys.Len())*entryBytes + m.total() - m.volatile, m.volatile
}

func entryCost(e *Entry) int64 {
	return entryAlloc(len(e.Key)) + ValueMemory(e.Value)
}

// MapBytes models a Go map (swiss table) that holds n entries whose key and
// value take slotBytes together: groups of 8 slots and 8 control bytes; up
// to 8 entries a single group; up to 1024 slots one table grown by doubling
// at 7/8 load; beyond that tables of 1024 slots that split as they fill,
// about all at once (keys hash uniformly), so their number is the power of
// two that keeps each under 896 entries.
func MapBytes(n, slotBytes int) int64 {
	const (
		maxSlots   = 1024
		maxEntries = maxSlots * 7 / 8
		mapHeader  = 48
		tableBytes = 48
	)
	slotBytes = (slotBytes + 7) &^ 7
	groupBytes := 8 + 8*slotBytes
	switch {
	case n <= 0:
		return mapHeader
	case n <= 8:
		return mapHeader + AllocSize(groupBytes)
	case n <= maxEntries:
		slots := 1 << bits.Len(uint((n*8+6)/7-1))
		return mapHeader + tableBytes + AllocSize(slots/8*groupBytes)
	}
	tables := 1 << bits.Len(uint((n+maxEntries-1)/maxEntries-1))
	return mapHeader + AllocSize(tables*ptrBytes) + int64(tables)*(tableBytes+AllocSize(maxSlots/8*groupBytes))
}

// setBytes: the struct, then the sorted integers, or the member slice,
// the members' bytes (shared with the index map's keys) and the index.
func setBytes(v *Set) int64 {
	n := AllocSize(int(unsafe.Sizeof(*v)))
	if !v.table {
		return n + AllocSize(8*cap(v.ints))
	}
	n += AllocSize(16*cap(v.members)) + MapBytes(len(v.index), 16+4)
	for _, m := range v.members {
		n += StringBytes(len(m))
	}
	return n
}

// hashBytes: the struct, the field/value pairs and their bytes, and the
// index map once the hash has one.
func hashBytes(v *Hash) int64 {
	n := AllocSize(int(unsafe.Sizeof(*v))) + AllocSize(cap(v.entries)*int(unsafe.Sizeof(hashEntry{})))
	for _, e := range v.entries {
		n += StringBytes(len(e.field)) + StringBytes(len(e.value))
	}
	if v.index != nil {
		n += MapBytes(len(v.index), 16+4)
	}
	return n
}

// StringBytes is the allocation behind a string of n bytes.
func StringBytes(n int) int64 { return AllocSize(n) }

// ValueMemory is the bytes a value holds. Strings, sets and hashes are
// measured here, counting the allocator's size classes and what Go maps
// really cost (their own MemoryUsage estimates run ~20% low on small
// sets); other types report their own.
func ValueMemory(v Value) int64 {
	switch v := v.(type) {
	case nil:
		return 0
	case *String:
		n := AllocSize(stringHeaderBytes + int(v.inline))
		if !v.inlineBytes() {
			n += AllocSize(cap(v.B))
		}
		return n
	case *Set:
		return setBytes(v)
	case *Hash:
		return hashBytes(v)
	default:
		return int64(v.MemoryUsage())
	}
}

// charge re-measures e, an entry of db, and updates the account.
func (db *DB) charge(e *Entry) {
	c := entryCost(e)
	units := (c + memUnit - 1) / memUnit
	if units > 1<<32-1 {
		units = 1<<32 - 1
	}
	p := db.keys.charge(int(e.idx))
	db.store.mem.used += units*memUnit - int64(*p)*memUnit
	*p = uint32(units)
}

// charged is what e, an entry of db, is charged now.
func (db *DB) charged(e *Entry) int64 { return int64(*db.keys.charge(int(e.idx))) * memUnit }

// memAdd charges a new entry and whatever its keyspace grew by.
func (db *DB) memAdd(e *Entry) {
	db.charge(e)
	db.store.mem.lastAdded = e
	db.memLists()
}

// memLists charges growth of the key indexes and lists.
func (db *DB) memLists() {
	m := &db.mem
	old := m.total()
	m.dict, m.volatile = db.dict.bytes(), db.volatile.bytes()
	m.keys = db.keys.bytes()
	db.store.mem.used += m.total() - old
}

// memRemove refunds e, an entry of db that is being removed.
func (db *DB) memRemove(e *Entry) {
	s := db.store
	s.mem.used -= db.charged(e)
	*db.keys.charge(int(e.idx)) = 0
	if len(s.mem.dirty) != 0 {
		delete(s.mem.dirty, e)
	}
	if s.mem.lastAdded == e {
		s.mem.lastAdded = nil
	}
}

// memFlush refunds every entry of db and its structure, which FLUSHDB
// replaces with empty ones.
func (db *DB) memFlush() {
	db.keys.each(func(e *Entry) bool {
		db.memRemove(e)
		return true
	})
	db.store.mem.used -= db.mem.total()
	db.mem = dbMem{}
}

// Modified re-measures key's entry after an in-place change (cheaply, see
// the package notes above) and returns it, or nil if the key is gone.
func (db *DB) Modified(key []byte) *Entry {
	e := db.dict.get(&db.keys, key)
	if e == nil {
		return nil
	}
	s := db.store
	if _, str := e.Value.(*String); str || db.charged(e) <= smallValueBytes {
		db.charge(e)
		return e
	}
	mark := s.mem.dirty[e]
	mark.touches++
	if int64(mark.touches)*remeasureBytesPerTouch >= db.charged(e) {
		db.charge(e)
		delete(s.mem.dirty, e)
		return e
	}
	if s.mem.dirty == nil {
		s.mem.dirty = make(map[*Entry]dirtyMark)
	}
	mark.db = db
	s.mem.dirty[e] = mark
	return e
}

// RemeasureDirty re-measures big values modified since their last
// measure, until the deadline passes. It returns how many remain.
func (s *Store) RemeasureDirty(deadline time.Time) int {
	n := 0
	for e, mark := range s.mem.dirty {
		mark.db.charge(e)
		delete(s.mem.dirty, e)
		n++
		if n%16 == 0 && time.Now().After(deadline) {
			break
		}
	}
	return len(s.mem.dirty)
}

// Recount recomputes the total from scratch (tests, and a safety net for
// changes that bypassed Modified). O(keys × value size).
func (s *Store) Recount() int64 {
	s.mem.used = 0
	s.mem.dirty = nil
	s.EachDB(func(db *DB) {
		db.keys.each(func(e *Entry) bool {
			*db.keys.charge(int(e.idx)) = 0
			db.charge(e)
			return true
		})
		db.mem = dbMem{}
		db.memLists()
	})
	return s.mem.used
}

// Holds reports whether e is still the entry of its key in db (an
// eviction candidate may have been deleted, or replaced by a new key of the
// same name, since it was sampled).
// A removed entry is in no key list, so checking its slot is enough (and
// cheaper than an index lookup).
func (db *DB) Holds(e *Entry) bool {
	return e.idx >= 0 && int(e.idx) < db.keys.Len() && db.keys.at(int(e.idx)) == e
}

// EachDB calls fn for every keyspace, numbered first, without allocating.
func (s *Store) EachDB(fn func(db *DB)) {
	for _, db := range s.numbered {
		fn(db)
	}
	for _, db := range s.named {
		fn(db)
	}
}

// sizeClasses are the Go allocator's small-object size classes.
var sizeClasses = [...]int32{
	8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224,
	240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768,
	896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200,
	3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240,
	10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576,
	27264, 28672, 32768,
}

// allocSizePointers is AllocSize for an object that holds pointers: from
// 513 bytes up to the small-object limit the allocator puts an 8-byte
// header recording its type in front of it.
func allocSizePointers(n int) int64 {
	if n > 512 && n <= 32768-8 {
		return AllocSize(n + 8)
	}
	return AllocSize(n)
}

// smallClasses maps a size of up to 1024 bytes, rounded up to 8, to its
// size class (every class up to 1024 is a multiple of 8): charging a key
// looks sizes up on every write, and a table beats the binary search.
var smallClasses = func() (t [1024/8 + 1]uint16) {
	for i := range t {
		t[i] = uint16(searchClass(i * 8))
	}
	return t
}()

// AllocSize is the bytes the Go allocator hands out for a request of n:
// the size class for small objects, whole 8 KiB pages for large ones.
func AllocSize(n int) int64 {
	switch {
	case n <= 0:
		return 0
	case n <= 1024:
		return int64(smallClasses[(n+7)>>3])
	case n > 32768:
		return int64((n + 8191) &^ 8191)
	}
	return searchClass(n)
}

// searchClass is the smallest size class of at least n bytes (n <= 32768).
func searchClass(n int) int64 {
	lo, hi := 0, len(sizeClasses)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if int(sizeClasses[mid]) >= n {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return int64(sizeClasses[lo])
}
