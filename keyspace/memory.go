package keyspace

// Memory accounting: the store keeps a running total of the bytes its keys
// and values hold, updated as keys come and go, so used_memory and the
// maxmemory check cost nothing per command. Each entry remembers what it
// was charged (Entry.mem) so it can be refunded exactly when it goes.
//
// Values changed in place (HSET on an existing hash, RPUSH, APPEND …) are
// re-measured when the engine reports the key modified (Modified). Measuring
// a collection walks it, so big values are re-measured on a budget: a value
// of S bytes is re-measured once every S/remeasureBytesPerTouch
// modifications (amortised constant work per write, error bounded to a few
// percent of the value), and in between it waits in a dirty set that the
// periodic task drains (RemeasureDirty).

import "time"

const (
	// entryBytes is what the allocator hands out for an Entry.
	entryBytes = 64
	// dictSlotBytes is the main map's cost per key: a Go swiss-table slot
	// (16-byte string header + 8-byte pointer, plus a control byte) at the
	// table's average load between growths, about two thirds.
	dictSlotBytes = 38
	// sliceSlotBytes is a pointer in DB.keys or DB.volatile, with the
	// append growth slack.
	sliceSlotBytes = 9
	// stringHeaderBytes is the allocation of a String struct.
	stringHeaderBytes = 32
	// smallValueBytes: values charged up to this are re-measured on every
	// modification.
	smallValueBytes = 2048
	// remeasureBytesPerTouch sets how often a big value is re-measured.
	remeasureBytesPerTouch = 256
	// memUnit is the granularity of Entry.mem (a uint32): 8 bytes, so one
	// entry may be charged up to 32 GiB.
	memUnit = 8
)

// memAccount is the store's running total and its pending re-measures.
type memAccount struct {
	used      int64
	dirty     map[*Entry]*DB
	lastAdded *Entry
}

// UsedMemory is the bytes held by every keyspace's keys and values, by
// sundial's own account.
func (s *Store) UsedMemory() int64 { return s.mem.used }

// LastAdded is the entry most recently created since ResetLastAdded: the
// engine uses it to tell a key created by the current command (whose
// access stamp is fresh) from one it modified.
func (s *Store) LastAdded() *Entry { return s.mem.lastAdded }

// ResetLastAdded forgets the last created entry (at each command's start).
func (s *Store) ResetLastAdded() { s.mem.lastAdded = nil }

// EntryMemory is what e is charged: its key, value and the keyspace's
// per-key overhead (MEMORY USAGE).
func EntryMemory(e *Entry) int64 { return entryCost(e) }

// PerKeyOverhead is the fixed cost of a key in a keyspace beyond its name
// and value: the entry, its map slot and its slot in the key list.
func PerKeyOverhead() int64 { return entryBytes + dictSlotBytes + sliceSlotBytes }

// VolatileOverhead is the extra cost of a key with a TTL.
func VolatileOverhead() int64 { return sliceSlotBytes }

func entryCost(e *Entry) int64 {
	return PerKeyOverhead() + AllocSize(len(e.Key)) + ValueMemory(e.Value)
}

// ValueMemory is the bytes a value holds. Strings are measured here to
// include the allocator's rounding; other types report their own.
func ValueMemory(v Value) int64 {
	switch v := v.(type) {
	case nil:
		return 0
	case *String:
		return stringHeaderBytes + AllocSize(cap(v.B))
	default:
		return int64(v.MemoryUsage())
	}
}

func (s *Store) charge(e *Entry) {
	c := entryCost(e)
	units := (c + memUnit - 1) / memUnit
	if units > 1<<32-1 {
		units = 1<<32 - 1
	}
	s.mem.used += units*memUnit - int64(e.mem)*memUnit
	e.mem = uint32(units)
}

// memAdd charges a new entry.
func (s *Store) memAdd(e *Entry) {
	s.charge(e)
	s.mem.lastAdded = e
}

// memRemove refunds a removed entry.
func (s *Store) memRemove(e *Entry) {
	s.mem.used -= int64(e.mem) * memUnit
	e.mem = 0
	if e.memTouch != 0 {
		delete(s.mem.dirty, e)
		e.memTouch = 0
	}
	if s.mem.lastAdded == e {
		s.mem.lastAdded = nil
	}
}

// memVolatile charges (+1) or refunds (-1) a key's slot in the TTL list.
func (s *Store) memVolatile(delta int64) { s.mem.used += delta * sliceSlotBytes }

// memFlush refunds every entry of db (FLUSHDB).
func (s *Store) memFlush(db *DB) {
	for _, e := range db.keys {
		s.memRemove(e)
	}
	s.mem.used -= int64(len(db.volatile)) * sliceSlotBytes
}

// Modified re-measures key's entry after an in-place change (cheaply, see
// the package notes above) and returns it, or nil if the key is gone.
func (db *DB) Modified(key []byte) *Entry {
	e := db.dict[string(key)]
	if e == nil {
		return nil
	}
	s := db.store
	if _, str := e.Value.(*String); str || int64(e.mem)*memUnit <= smallValueBytes {
		s.charge(e)
		return e
	}
	e.memTouch++
	if int64(e.memTouch)*remeasureBytesPerTouch >= int64(e.mem)*memUnit {
		s.charge(e)
		delete(s.mem.dirty, e)
		e.memTouch = 0
		return e
	}
	if e.memTouch == 1 {
		if s.mem.dirty == nil {
			s.mem.dirty = make(map[*Entry]*DB)
		}
		s.mem.dirty[e] = db
	}
	return e
}

// RemeasureDirty re-measures big values modified since their last
// measure, until the deadline passes. It returns how many remain.
func (s *Store) RemeasureDirty(deadline time.Time) int {
	n := 0
	for e := range s.mem.dirty {
		s.charge(e)
		e.memTouch = 0
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
		for _, e := range db.keys {
			e.mem, e.memTouch = 0, 0
			s.charge(e)
		}
		s.mem.used += int64(len(db.volatile)) * sliceSlotBytes
	})
	return s.mem.used
}

// Holds reports whether e is still the entry of its key in db (an
// eviction candidate may have been deleted, or replaced by a new key of the
// same name, since it was sampled).
// A removed entry is in no key list, so checking its slot is enough (and
// cheaper than a map lookup).
func (db *DB) Holds(e *Entry) bool {
	return e.idx >= 0 && int(e.idx) < len(db.keys) && db.keys[e.idx] == e
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

// AllocSize is the bytes the Go allocator hands out for a request of n:
// the size class for small objects, whole 8 KiB pages for large ones.
func AllocSize(n int) int64 {
	if n <= 0 {
		return 0
	}
	if n > 32768 {
		return int64((n + 8191) &^ 8191)
	}
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
