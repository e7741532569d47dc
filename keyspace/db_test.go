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
