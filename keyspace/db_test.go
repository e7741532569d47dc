package keyspace

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// checkDB verifies a keyspace against a model of its keys (key → has a
// TTL) and its own bookkeeping: positions, charges, the TTL index and the
// memory account.
func checkDB(t *testing.T, db *DB, model map[string]bool) {
	t.Helper()
	if db.Len() != len(model) || db.keys.Len() != len(model) {
		t.Fatalf("Len %d, keys %d, model %d", db.Len(), db.keys.Len(), len(model))
	}
	ttls := 0
	for k, ttl := range model {
		e := db.Peek([]byte(k))
		if e == nil || e.Key != k {
			t.Fatalf("Peek(%q) = %v", k, e)
		}
		if !db.Holds(e) || (e.Expire != 0) != ttl {
			t.Fatalf("%q: held %v, expire %d, model TTL %v", k, db.Holds(e), e.Expire, ttl)
		}
		if ttl {
			ttls++
			if db.volatile.get(&db.keys, []byte(k)) != e {
				t.Fatalf("%q has a TTL but is not in the TTL index", k)
			}
		} else if db.volatile.get(&db.keys, []byte(k)) != nil {
			t.Fatalf("%q has no TTL but is in the TTL index", k)
		}
	}
	if db.Expires() != ttls {
		t.Fatalf("Expires %d, model %d", db.Expires(), ttls)
	}
	for i := 0; i < db.keys.Len(); i++ {
		if e := db.keys.at(i); int(e.idx) != i {
			t.Fatalf("keys[%d] says it is at %d", i, e.idx)
		}
	}
	if ttls > 0 {
		for i := 0; i < 20; i++ {
			if e := db.RandomVolatile(); e == nil || e.Expire == 0 || !db.Holds(e) {
				t.Fatalf("RandomVolatile returned %v", e)
			}
		}
	}
	used := db.store.UsedMemory()
	if want := db.store.Recount(); used != want {
		t.Fatalf("account %d, recount %d", used, want)
	}
}

// Random adds, overwrites, TTL changes, deletions, renames and flushes,
// checked against a model.
func TestDBModel(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		s := NewStore(2)
		db, other := s.Numbered(0), s.Numbered(1)
		model, otherModel := map[string]bool{}, map[string]bool{}
		for i := 0; i < 50; i++ {
			other.Add(fmt.Sprint("other:", i), NewString([]byte("x")))
			otherModel[fmt.Sprint("other:", i)] = false
		}
		key := func() string { return fmt.Sprintf("key:%d", rng.IntN(3000)) }
		for step := 0; step < 20000; step++ {
			k := key()
			e := db.Peek([]byte(k))
			switch r := rng.IntN(20); {
			case r < 8:
				v := NewString(make([]byte, rng.IntN(100)))
				if rng.IntN(2) == 0 || e != nil {
					keep := rng.IntN(2) == 0
					db.Set([]byte(k), v, keep)
					model[k] = keep && model[k] // a new key has no TTL
				} else {
					db.Add(k, v)
					model[k] = false
				}
			case r < 12 && e != nil:
				ms := int64(0)
				if rng.IntN(3) > 0 {
					ms = 1e15 + int64(rng.IntN(1000))
				}
				db.SetExpire(e, ms)
				model[k] = ms != 0
			case r < 17 && e != nil:
				db.Remove(e)
				delete(model, k)
			case r < 19 && e != nil:
				nk := key()
				ttl := model[k]
				delete(model, k)
				db.Rename(e, []byte(nk), 0)
				model[nk] = ttl
			case r == 19 && rng.IntN(50) == 0:
				db.Flush()
				clear(model)
			case r == 19 && rng.IntN(20) == 0:
				// The other keyspace's contents come here and the
				// model's go there.
				s.Swap(db, other)
				model, otherModel = otherModel, model
				checkDB(t, other, otherModel)
			}
			if step%1000 == 0 {
				checkDB(t, db, model)
			}
		}
		checkDB(t, db, model)
	}
}

// Active expiry reclaims keys through the TTL index and leaves the rest.
func TestExpireCycle(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	expired := 0
	s.OnExpire = func(*DB, string) { expired++ }
	for i := 0; i < 5000; i++ {
		e := db.Add(fmt.Sprint(i), NewString([]byte("v")))
		switch i % 3 {
		case 0:
			db.SetExpire(e, 100) // due
		case 1:
			db.SetExpire(e, 1e15)
		}
	}
	for db.Expires() > 1667 {
		db.ExpireCycle(1000, 20, func() bool { return true })
	}
	if expired != 1667 || db.Len() != 5000-1667 {
		t.Fatalf("expired %d, %d keys left", expired, db.Len())
	}
	model := map[string]bool{}
	for i := 0; i < 5000; i++ {
		if i%3 != 0 {
			model[fmt.Sprint(i)] = i%3 == 1
		}
	}
	checkDB(t, db, model)
}

// Deletions while both indexes migrate: each moves the last entry of the
// key list, whose slots in the key index and (with a TTL) the TTL index
// must follow it. Checked after every deletion, against a map.
func TestDBMovesDuringMigration(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	model := map[string]bool{}
	rng := rand.New(rand.NewPCG(5, 6))
	next, during := 0, 0
	add := func() {
		k := fmt.Sprint("key:", next)
		next++
		e := db.Add(k, NewString([]byte("v")))
		model[k] = rng.IntN(2) == 0
		if model[k] {
			db.SetExpire(e, 1e15)
		}
	}
	for db.dict.cur.n < 1<<14 {
		// Grow until the key index starts a migration, then delete (and
		// add a little) until it is over.
		for !db.dict.migrating() {
			add()
		}
		for db.dict.migrating() || db.volatile.migrating() {
			if rng.IntN(4) == 0 {
				add()
				continue
			}
			last := db.keys.at(db.keys.Len() - 1)
			e := db.keys.at(rng.IntN(db.keys.Len()))
			k := e.Key
			db.Remove(e)
			delete(model, k)
			if db.Peek([]byte(k)) != nil {
				t.Fatalf("%q found after its removal", k)
			}
			if last != e {
				if db.Peek([]byte(last.Key)) != last {
					t.Fatalf("%q not found after it moved to %d", last.Key, last.idx)
				}
				if inTTL := db.volatile.get(&db.keys, []byte(last.Key)) == last; inTTL != model[last.Key] {
					t.Fatalf("%q moved: in the TTL index %v, has a TTL %v", last.Key, inTTL, model[last.Key])
				}
			}
			if db.dict.migrating() {
				during++
			}
		}
		checkDB(t, db, model)
	}
	if during < 200 {
		t.Fatalf("only %d deletions during a migration", during)
	}
}

// SCAN returns every key present for the whole iteration, once the
// iteration is over, however keys come and go (and indexes migrate) in
// between; it returns no key that was never there.
func TestDBScanComplete(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		s := NewStore(1)
		db := s.Numbered(0)
		everAdded := map[string]bool{}
		next := 0
		add := func() {
			k := fmt.Sprint("k", next)
			next++
			e := db.Add(k, NewString(nil))
			if rng.IntN(3) == 0 {
				db.SetExpire(e, 1e15)
			}
			everAdded[k] = true
		}
		for i := 0; i < 3000; i++ {
			add()
		}
		// Keys present at the start and never deleted must all be seen.
		stable := map[string]bool{}
		db.Each(func(e *Entry) bool {
			stable[e.Key] = true
			return true
		})
		seen := map[string]bool{}
		cursor, steps := uint64(0), 0
		for {
			cursor = db.Scan(cursor, 1+rng.IntN(20), func(e *Entry) {
				if !everAdded[e.Key] {
					t.Fatalf("SCAN returned %q, never added", e.Key)
				}
				seen[e.Key] = true
			})
			steps++
			// Churn: more additions than deletions, so the index grows
			// and migrates while the iteration runs.
			for j := rng.IntN(12); j > 0; j-- {
				if rng.IntN(3) > 0 {
					add()
				} else if db.Len() > 0 {
					e := db.RandomEntry()
					delete(stable, e.Key)
					db.Remove(e)
				}
			}
			if cursor == 0 {
				break
			}
		}
		for k := range stable {
			if !seen[k] {
				t.Fatalf("seed %d: %q was present throughout but SCAN missed it (%d steps)", seed, k, steps)
			}
		}
		if len(stable) < 1000 {
			t.Fatalf("only %d keys stayed throughout", len(stable))
		}
		model := map[string]bool{}
		db.Each(func(e *Entry) bool {
			model[e.Key] = e.Expire != 0
			return true
		})
		checkDB(t, db, model)
	}
}
