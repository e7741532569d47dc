package keyspace

// Point-in-time snapshots without stopping the server (Go cannot fork):
// while a snapshot is open, every entry that existed when it began is
// handed to the capture function exactly once, with the value it had at
// that instant — either by the snapshot's own walk (SnapshotStep), or just
// before anything reads, modifies, expires or deletes it. Entries created
// after the start are never captured. This is Dragonfly's per-entry
// versioned copy-on-write, done at key granularity.
//
// Which entries are done is a bitmap per keyspace, parallel to DB.keys
// (an entry's mark moves with it when a deletion moves it), that exists
// only while a snapshot is open: one bit a key, and nothing in Entry.

type snapshotState struct {
	epoch   uint32
	capture func(db *DB, e *Entry)
}

// dbSnap is a keyspace's part of the open snapshot: bit i of done is set
// once keys[i] has been captured, or was created after the start. epoch
// says which snapshot the bitmap belongs to (a keyspace created during a
// snapshot has none, and nothing to capture).
type dbSnap struct {
	epoch uint32
	done  []uint64
}

// BeginSnapshot opens a point-in-time view of the whole store. capture
// must serialise the entry's current value (it will change afterwards).
// The caller holds the engine lock and must walk every keyspace with
// SnapshotStep, then call EndSnapshot.
func (s *Store) BeginSnapshot(capture func(db *DB, e *Entry)) {
	s.epoch++
	if s.epoch == 0 {
		s.epoch = 1
	}
	s.snap = &snapshotState{epoch: s.epoch, capture: capture}
	s.EachDB(func(db *DB) {
		db.snap = dbSnap{epoch: s.epoch, done: make([]uint64, (db.keys.Len()+63)/64)}
	})
}

// EndSnapshot closes the view opened by BeginSnapshot.
func (s *Store) EndSnapshot() {
	s.snap = nil
	s.EachDB(func(db *DB) { db.snap = dbSnap{} })
}

// SnapshotActive reports whether a snapshot is open.
func (s *Store) SnapshotActive() bool { return s.snap != nil }

// SnapshotStep captures up to n not-yet-captured entries of db, walking
// from cursor towards the start of the dense key slice (a deletion moves
// the last, already visited, entry into the hole). Start with cursor -1;
// the returned cursor is 0 when db is done.
func (db *DB) SnapshotStep(cursor, n int) int {
	if cursor < 0 || cursor > db.keys.Len() {
		cursor = db.keys.Len()
	}
	for ; cursor > 0 && n > 0; n-- {
		cursor--
		db.capture(db.keys.at(cursor))
	}
	return cursor
}

// capture hands e to an open snapshot if it has not been captured yet.
func (db *DB) capture(e *Entry) {
	s := db.store.snap
	if s == nil || db.snap.epoch != s.epoch || !db.Holds(e) {
		return
	}
	w, bit := &db.snap.done[e.idx>>6], uint64(1)<<(e.idx&63)
	if *w&bit != 0 {
		return
	}
	*w |= bit
	s.capture(db, e)
}

// snapOpen reports whether db has marks for an open snapshot.
func (db *DB) snapOpen() bool {
	s := db.store.snap
	return s != nil && db.snap.epoch == s.epoch
}

// snapAdded marks a new entry (the last of db.keys) as not part of an open
// snapshot.
func (db *DB) snapAdded(e *Entry) {
	if !db.snapOpen() {
		return
	}
	i := int(e.idx)
	for i>>6 >= len(db.snap.done) {
		db.snap.done = append(db.snap.done, 0)
	}
	db.snap.done[i>>6] |= 1 << (i & 63)
}

// snapMoved moves the mark of keys[from] to keys[to] (a deletion moving
// the last entry into a hole) and clears it at from.
func (db *DB) snapMoved(from, to int) {
	if !db.snapOpen() {
		return
	}
	d := db.snap.done
	set := d[from>>6]&(1<<(from&63)) != 0
	d[from>>6] &^= 1 << (from & 63)
	if set {
		d[to>>6] |= 1 << (to & 63)
	} else {
		d[to>>6] &^= 1 << (to & 63)
	}
}

// snapFlushed forgets the marks of a keyspace just emptied (every entry
// was captured first).
func (db *DB) snapFlushed() {
	if db.snapOpen() {
		db.snap.done = db.snap.done[:0]
	}
}

// captureAll captures every remaining entry of db (before FLUSHDB or
// SWAPDB change what the keyspace holds wholesale).
func (db *DB) captureAll() {
	if db.store.snap == nil {
		return
	}
	db.keys.each(func(e *Entry) bool {
		db.capture(e)
		return true
	})
}
