package keyspace

// Point-in-time snapshots without stopping the server (Go cannot fork):
// while a snapshot is open, every entry that existed when it began is
// handed to the capture function exactly once, with the value it had at
// that instant — either by the snapshot's own walk (SnapshotStep), or just
// before anything reads, modifies, expires or deletes it. Entries created
// after the start are never captured. This is Dragonfly's per-entry
// versioned copy-on-write, done at key granularity.

type snapshotState struct {
	epoch   uint32
	capture func(db *DB, e *Entry)
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
}

// EndSnapshot closes the view opened by BeginSnapshot.
func (s *Store) EndSnapshot() { s.snap = nil }

// SnapshotActive reports whether a snapshot is open.
func (s *Store) SnapshotActive() bool { return s.snap != nil }

// SnapshotStep captures up to n not-yet-captured entries of db, walking
// from cursor towards the start of the dense key slice (a deletion moves
// the last, already visited, entry into the hole). Start with cursor -1;
// the returned cursor is 0 when db is done.
func (db *DB) SnapshotStep(cursor, n int) int {
	if cursor < 0 || cursor > len(db.keys) {
		cursor = len(db.keys)
	}
	for ; cursor > 0 && n > 0; n-- {
		cursor--
		db.capture(db.keys[cursor])
	}
	return cursor
}

// capture hands e to an open snapshot if it has not been captured yet.
func (db *DB) capture(e *Entry) {
	s := db.store.snap
	if s == nil || e.snap == s.epoch {
		return
	}
	e.snap = s.epoch
	s.capture(db, e)
}

// captureAll captures every remaining entry of db (before FLUSHDB or
// SWAPDB change what the keyspace holds wholesale).
func (db *DB) captureAll() {
	if db.store.snap == nil {
		return
	}
	for _, e := range db.keys {
		db.capture(e)
	}
}
