package keyspace

import (
	"math/rand/v2"
	"time"
)

// DB is one keyspace: a dense list of the entries that gives O(1) random
// sampling (RANDOMKEY, eviction) and a SCAN cursor that survives growth
// and deletion, a key → entry index over it (slots hold list positions),
// and an index of the keys with a TTL over the same list (sampled by
// active expiry).
type DB struct {
	Name string
	// ID is the numeric index for numbered keyspaces, -1 for named ones.
	ID       int
	dict     index
	keys     keyList
	volatile index
	store    *Store
	mem      dbMem  // what the index and key lists are charged (memory.go)
	snap     dbSnap // the open snapshot's marks (snapshot.go)
}

// Store holds every keyspace of a server.
type Store struct {
	numbered []*DB
	named    map[string]*DB
	// OnExpire is called when a key is removed because its TTL passed,
	// after it is gone from the keyspace, so the caller can propagate a DEL
	// and send notifications.
	OnExpire func(db *DB, key string)
	// OnDelete is called for every key removed or overwritten with a new
	// value, so the caller can drop auxiliary state (e.g. blocked waiters).
	OnDelete func(db *DB, key string)
	// OnAdd is called for every key created (Redis's dbAdd), so the
	// caller can send the "new" keyspace notification.
	OnAdd func(db *DB, key string)
	// NoLazyExpire keeps expired keys visible (used while loading data, as
	// Redis does not expire keys during AOF replay).
	NoLazyExpire bool
	snap         *snapshotState
	epoch        uint32
	// NewAccess gives a new key its initial access stamp (the LRU clock or
	// the initial LFU counter), as Redis's createObject sets robj.lru.
	NewAccess func() uint32
	mem       memAccount
}

// NewStore creates a store with n numbered keyspaces named "0".."n-1".
func NewStore(n int) *Store {
	s := &Store{named: make(map[string]*DB)}
	for i := 0; i < n; i++ {
		s.numbered = append(s.numbered, s.newDB(itoa(i), i))
	}
	return s
}

func (s *Store) newDB(name string, id int) *DB {
	return &DB{Name: name, ID: id, store: s}
}

// Numbered returns keyspace i, or nil when out of range.
func (s *Store) Numbered(i int) *DB {
	if i < 0 || i >= len(s.numbered) {
		return nil
	}
	return s.numbered[i]
}

// NumNumbered is the count of numbered keyspaces (the databases directive).
func (s *Store) NumNumbered() int { return len(s.numbered) }

// Named returns the named keyspace, creating it when create is set.
func (s *Store) Named(name string, create bool) *DB {
	db := s.named[name]
	if db == nil && create {
		db = s.newDB(name, -1)
		s.named[name] = db
	}
	return db
}

// All returns every keyspace: numbered first, then named ones in
// unspecified order.
func (s *Store) All() []*DB {
	all := make([]*DB, 0, len(s.numbered)+len(s.named))
	all = append(all, s.numbered...)
	for _, db := range s.named {
		all = append(all, db)
	}
	return all
}

// ByName finds a keyspace by its file name: numbered ones are "0".."n-1".
func (s *Store) ByName(name string, create bool) *DB {
	for _, db := range s.numbered {
		if db.Name == name {
			return db
		}
	}
	return s.Named(name, create)
}

// Swap exchanges the contents of two keyspaces, as SWAPDB does: clients
// that selected a and b keep their selection and see the other's data.
func (s *Store) Swap(a, b *DB) {
	a.captureAll()
	b.captureAll()
	a.dict, b.dict = b.dict, a.dict
	a.keys, b.keys = b.keys, a.keys
	a.volatile, b.volatile = b.volatile, a.volatile
	a.mem, b.mem = b.mem, a.mem
	a.snap, b.snap = b.snap, a.snap
	// Big values waiting to be re-measured now belong to the other keyspace.
	for e, mark := range s.mem.dirty {
		switch mark.db {
		case a:
			mark.db = b
		case b:
			mark.db = a
		}
		s.mem.dirty[e] = mark
	}
}

// Rehash moves keys of growing key indexes to their new tables until the
// deadline passes (writes move them too, a few at a time), as Redis's
// active rehashing in its cron. It reports whether work remains.
func (s *Store) Rehash(deadline time.Time) bool {
	left := false
	s.EachDB(func(db *DB) {
		for _, x := range [...]*index{&db.dict, &db.volatile} {
			for x.migrating() && time.Now().Before(deadline) {
				x.migrate(&db.keys, 1024)
			}
			left = left || x.migrating()
		}
	})
	return left
}

// Len is the number of keys, expired-but-not-yet-reclaimed ones included.
func (db *DB) Len() int { return db.dict.Len() }

// Expires is the number of keys with a TTL.
func (db *DB) Expires() int { return db.volatile.Len() }

// Peek returns the entry without checking expiry or touching access time.
func (db *DB) Peek(key []byte) *Entry {
	e := db.dict.get(&db.keys, key)
	if e != nil {
		db.capture(e)
	}
	return e
}

// Lookup returns the live entry for key, removing it first if it expired.
func (db *DB) Lookup(key []byte, now int64) *Entry {
	e := db.dict.get(&db.keys, key)
	if e == nil {
		return nil
	}
	db.capture(e)
	if e.Expire != 0 && e.Expire <= now && db.store.expireAllowed() {
		db.expire(e)
		return nil
	}
	return e
}

// Expired reports whether e's TTL has passed at now.
func (e *Entry) Expired(now int64) bool { return e.Expire != 0 && e.Expire <= now }

func (s *Store) expireAllowed() bool { return !s.NoLazyExpire }

// expire removes an expired entry and reports it.
func (db *DB) expire(e *Entry) {
	db.remove(e)
	if db.store.OnExpire != nil {
		db.store.OnExpire(db, e.Key)
	}
}

// Set stores v under key with no TTL, replacing any value, and returns the
// entry. keepTTL keeps an existing expiry (SET KEEPTTL).
func (db *DB) Set(key []byte, v Value, keepTTL bool) *Entry {
	if e := db.dict.get(&db.keys, key); e != nil {
		db.capture(e)
		if db.store.OnDelete != nil && e.Value.Kind() != v.Kind() {
			db.store.OnDelete(db, e.Key)
		}
		e.Value = v
		db.charge(e)
		if !keepTTL {
			db.setExpire(e, 0)
		}
		return e
	}
	return db.add(newEntry(key), v)
}

// SetString is Set with NewString(val), except that a string value already
// at key whose buffer fits val as NewString would size it is overwritten in
// place (its pointer stays the same) rather than replaced: SET over a
// string allocates nothing.
func (db *DB) SetString(key, val []byte, keepTTL bool) *Entry {
	if e := db.dict.get(&db.keys, key); e != nil {
		if s, ok := e.Value.(*String); ok {
			db.capture(e)
			if s.overwrite(val) {
				db.charge(e)
				if !keepTTL {
					db.setExpire(e, 0)
				}
				return e
			}
		}
	}
	return db.Set(key, NewString(val), keepTTL)
}

// Add inserts a new key, which must not exist.
func (db *DB) Add(key string, v Value) *Entry { return db.add(newEntry(key), v) }

func (db *DB) add(e *Entry, v Value) *Entry {
	e.Value = v
	if db.store.NewAccess != nil {
		e.Access = db.store.NewAccess()
	}
	db.keys.push(e)
	db.dict.add(&db.keys, e)
	db.snapAdded(e) // created after a snapshot began: not part of it
	db.memAdd(e)
	if db.store.OnAdd != nil {
		db.store.OnAdd(db, e.Key)
	}
	return e
}

// Delete removes key and reports whether it existed (expired keys count as
// absent: they are reclaimed and reported as expired).
func (db *DB) Delete(key []byte, now int64) bool {
	e := db.Lookup(key, now)
	if e == nil {
		return false
	}
	db.remove(e)
	return true
}

// Remove deletes an entry the caller already holds.
func (db *DB) Remove(e *Entry) { db.remove(e) }

func (db *DB) remove(e *Entry) {
	db.capture(e)
	db.dict.remove(&db.keys, e)
	db.setExpire(e, 0)
	db.memRemove(e)
	db.unlist(e)
	db.memLists()
	if db.store.OnDelete != nil {
		db.store.OnDelete(db, e.Key)
	}
}

// unlist takes e, already out of the indexes, out of the key list: the
// last entry moves into its place, with its charge and snapshot mark, and
// the indexes holding it are told its new position.
func (db *DB) unlist(e *Entry) {
	i, last := int(e.idx), db.keys.Len()-1
	db.snapMoved(last, i)
	db.keys.swapRemove(i)
	if i == last {
		return
	}
	moved := db.keys.at(i)
	db.dict.move(moved, last)
	if moved.Expire != 0 {
		db.volatile.move(moved, last)
	}
}

// SetExpire sets (ms > 0) or clears (ms == 0) the absolute expiry of e.
func (db *DB) SetExpire(e *Entry, ms int64) { db.setExpire(e, ms) }

func (db *DB) setExpire(e *Entry, ms int64) {
	db.capture(e)
	had := e.Expire != 0
	e.Expire = ms
	switch {
	case ms != 0 && !had:
		db.volatile.add(&db.keys, e)
		db.memLists()
	case ms == 0 && had:
		db.volatile.remove(&db.keys, e)
		db.memLists()
	}
}

// Rename moves e to newKey, replacing whatever newKey held. The entry keeps
// its value and expiry.
func (db *DB) Rename(e *Entry, newKey []byte, now int64) *Entry {
	if old := db.dict.get(&db.keys, newKey); old != nil && old != e {
		db.remove(old)
	}
	v, exp := e.Value, e.Expire
	db.remove(e)
	ne := db.Add(string(newKey), v)
	db.setExpire(ne, exp)
	return ne
}

// Flush removes every key and returns how many there were.
func (db *DB) Flush() int {
	db.captureAll()
	n := db.dict.Len()
	db.memFlush()
	if db.store.OnDelete != nil {
		db.keys.each(func(e *Entry) bool {
			db.store.OnDelete(db, e.Key)
			return true
		})
	}
	db.dict = index{}
	db.keys = keyList{}
	db.volatile = index{}
	db.snapFlushed()
	return n
}

// RandomEntry returns a uniformly chosen entry, or nil if empty. Expired
// keys may be returned; callers check.
func (db *DB) RandomEntry() *Entry {
	if db.keys.Len() == 0 {
		return nil
	}
	return db.keys.at(rand.IntN(db.keys.Len()))
}

// RandomVolatile returns a random entry that has a TTL, or nil. (Keys
// after a run of free slots of the TTL index are likelier picks, as with
// Redis's bucket sampling.)
func (db *DB) RandomVolatile() *Entry { return db.volatile.random(&db.keys) }

// Scan visits entries for a SCAN cursor. Cursor 0 starts an iteration; the
// returned cursor continues it and is 0 when done. Keys are walked from the
// end of the dense list towards its start: a new key is appended past the
// cursor and a deletion moves the last key (already visited) into the
// hole, so every key present for the whole iteration is returned.
func (db *DB) Scan(cursor uint64, count int, fn func(e *Entry)) uint64 {
	pos := uint64(db.keys.Len())
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	if count < 1 {
		count = 1
	}
	for ; pos > 0 && count > 0; count-- {
		pos--
		fn(db.keys.at(int(pos)))
	}
	return pos
}

// Each calls fn for every entry until it returns false. fn must not add or
// remove keys.
func (db *DB) Each(fn func(e *Entry) bool) { db.keys.each(fn) }

// ExpireCycle is one pass of active expiry over db, as Redis's
// activeExpireCycle: sample keys with a TTL, delete the expired ones, and go
// on while more than a quarter of a sample was expired and budget remains.
// It returns the number of keys reclaimed and the number sampled.
func (db *DB) ExpireCycle(now int64, samples int, budget func() bool) (expired, sampled int) {
	for db.volatile.Len() > 0 {
		n := min(samples, db.volatile.Len())
		hit := 0
		for i := 0; i < n && db.volatile.Len() > 0; i++ {
			e := db.volatile.random(&db.keys)
			sampled++
			if e.Expire <= now {
				db.expire(e)
				hit++
			}
		}
		expired += hit
		if hit*4 <= n || !budget() {
			break
		}
	}
	return expired, sampled
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b[p:])
}

// RandomVolatileSample returns the average remaining TTL (ms) of up to n
// sampled keys with a TTL, as INFO keyspace's avg_ttl estimate.
func (db *DB) RandomVolatileSample(n int, now int64) int64 {
	if db.volatile.Len() == 0 {
		return 0
	}
	var sum, cnt int64
	for i := 0; i < n; i++ {
		e := db.volatile.random(&db.keys)
		if ttl := e.Expire - now; ttl > 0 {
			sum += ttl
			cnt++
		}
	}
	if cnt == 0 {
		return 0
	}
	return sum / cnt
}
