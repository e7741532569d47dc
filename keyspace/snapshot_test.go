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
