package keyspace

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// A snapshot taken while keys are overwritten, modified in place, expired,
// deleted, renamed and added captures exactly the state at its start.
func TestSnapshotIsPointInTime(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		s := NewStore(2)
		db := s.Numbered(0)
		want := map[string]string{}
		for i := 0; i < 500; i++ {
			k := fmt.Sprintf("k%d", i)
			db.Add(k, NewString([]byte("v"+k)))
			want[k] = "v" + k
		}
		got := map[string]string{}
		s.BeginSnapshot(func(d *DB, e *Entry) {
			if _, dup := got[e.Key]; dup {
				t.Fatalf("seed %d: %s captured twice", seed, e.Key)
			}
			got[e.Key] = string(e.Value.(*String).B)
		})
		cursor := -1
		for step := 0; ; step++ {
			cursor = db.SnapshotStep(cursor, 7)
			for j := 0; j < 5; j++ {
				k := []byte(fmt.Sprintf("k%d", rng.IntN(700)))
				switch rng.IntN(5) {
				case 0:
					db.Set(k, NewString([]byte("new")), false)
				case 1:
					if e := db.Lookup(k, 0); e != nil {
						if sv, ok := e.Value.(*String); ok {
							sv.B = append(sv.B, "-appended"...)
						}
					}
				case 2:
					db.Delete(k, 0)
				case 3:
					if e := db.Lookup(k, 0); e != nil {
						db.Rename(e, []byte(fmt.Sprintf("r%d", rng.IntN(50))), 0)
					}
				case 4:
					if e := db.Lookup(k, 0); e != nil {
						db.SetExpire(e, 1)
						db.Lookup(k, 10) // expires it
					}
				}
			}
			if cursor == 0 {
				break
			}
		}
		s.EndSnapshot()
		if len(got) != len(want) {
			t.Fatalf("seed %d: captured %d entries, want %d", seed, len(got), len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("seed %d: %s captured as %q, want %q", seed, k, got[k], v)
			}
		}
	}
}

func TestSnapshotFlushAndSwapCaptureFirst(t *testing.T) {
	s := NewStore(2)
	a, b := s.Numbered(0), s.Numbered(1)
	a.Add("x", NewString([]byte("1")))
	b.Add("y", NewString([]byte("2")))
	got := map[string]string{}
	s.BeginSnapshot(func(d *DB, e *Entry) { got[d.Name+"/"+e.Key] = string(e.Value.(*String).B) })
	s.Swap(a, b)
	a.Flush()
	for _, d := range []*DB{a, b} {
		for c := -1; ; {
			if c = d.SnapshotStep(c, 10); c == 0 {
				break
			}
		}
	}
	s.EndSnapshot()
	if len(got) != 2 || got["0/x"] != "1" || got["1/y"] != "2" {
		t.Fatalf("captured %v", got)
	}
}

// A snapshot abandoned half way leaves no marks behind: the next one
// captures every key once.
func TestSnapshotAfterAbandonedOne(t *testing.T) {
	s := NewStore(1)
	db := s.Numbered(0)
	for i := 0; i < 300; i++ {
		db.Add(fmt.Sprint(i), NewString([]byte("v")))
	}
	s.BeginSnapshot(func(*DB, *Entry) {})
	db.SnapshotStep(-1, 100)
	db.Peek([]byte("5"))
	s.EndSnapshot()
	got := map[string]int{}
	s.BeginSnapshot(func(d *DB, e *Entry) { got[e.Key]++ })
	for c := -1; ; {
		if c = db.SnapshotStep(c, 64); c == 0 {
			break
		}
	}
	s.EndSnapshot()
	if len(got) != 300 {
		t.Fatalf("captured %d keys, want 300", len(got))
	}
	for k, n := range got {
		if n != 1 {
			t.Fatalf("%s captured %d times", k, n)
		}
	}
}

// Keys of a keyspace created during a snapshot, and keys added after it
// began, are not part of it; SWAPDB of keyspaces of different sizes moves
// their marks along.
func TestSnapshotNewKeyspaceAndSwap(t *testing.T) {
	s := NewStore(2)
	a, b := s.Numbered(0), s.Numbered(1)
	for i := 0; i < 200; i++ {
		a.Add(fmt.Sprint("a", i), NewString([]byte("1")))
	}
	b.Add("b", NewString([]byte("2")))
	got := map[string]bool{}
	s.BeginSnapshot(func(d *DB, e *Entry) {
		if got[e.Key] {
			t.Fatalf("%s captured twice", e.Key)
		}
		got[e.Key] = true
	})
	named := s.Named("late", true)
	named.Add("late-key", NewString([]byte("x")))
	named.Peek([]byte("late-key"))
	a.Add("a-late", NewString([]byte("x")))
	s.Swap(a, b)
	b.Add("b-late", NewString([]byte("x")))
	for i := 0; i < 200; i += 7 {
		b.Delete([]byte(fmt.Sprint("a", i)), 0)
	}
	for _, d := range []*DB{a, b, named} {
		for c := -1; ; {
			if c = d.SnapshotStep(c, 16); c == 0 {
				break
			}
		}
	}
	s.EndSnapshot()
	if len(got) != 201 || !got["b"] || !got["a0"] || got["late-key"] || got["a-late"] || got["b-late"] {
		t.Fatalf("captured %d keys: %v", len(got), got)
	}
}
