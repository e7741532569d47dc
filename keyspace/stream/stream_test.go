package stream

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

func fv(kv ...string) [][]byte {
	out := make([][]byte, len(kv))
	for i, s := range kv {
		out[i] = []byte(s)
	}
	return out
}

func mustAdd(t *testing.T, s *Stream, id ID, kv ...string) {
	t.Helper()
	if _, err := s.Add(AddArgs{ID: AddID{ID: id}, Fields: fv(kv...)}, 0); err != nil {
		t.Fatalf("Add(%v): %v", id, err)
	}
}

func ids(es []Entry) []ID {
	out := make([]ID, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func TestAddIDForms(t *testing.T) {
	s := New()
	add := func(a AddID, now int64) (ID, error) {
		return s.Add(AddArgs{ID: a, Fields: fv("f", "v")}, now)
	}
	steps := []struct {
		a    AddID
		now  int64
		want ID
		err  error
	}{
		{AddID{}, 100, ID{}, ErrIDZero},
		{AddID{ID: ID{0, 0}, AutoSeq: true}, 0, ID{0, 1}, nil}, // 0-* on an empty stream
		{AddID{Auto: true}, 100, ID{100, 0}, nil},
		{AddID{Auto: true}, 100, ID{100, 1}, nil}, // same ms: next seq
		{AddID{Auto: true}, 50, ID{100, 2}, nil},  // clock went back: never backwards
		{AddID{ID: ID{100, 2}}, 0, ID{}, ErrIDTooSmall},
		{AddID{ID: ID{100, 3}}, 0, ID{100, 3}, nil},
		{AddID{ID: ID{100, 0}, AutoSeq: true}, 0, ID{100, 4}, nil},
		{AddID{ID: ID{99, 0}, AutoSeq: true}, 0, ID{}, ErrIDTooSmall},
		{AddID{ID: ID{200, 0}, AutoSeq: true}, 0, ID{200, 0}, nil},
		{AddID{ID: ID{200, max64}}, 0, ID{200, max64}, nil},
		{AddID{ID: ID{200, 0}, AutoSeq: true}, 0, ID{}, ErrIDTooSmall}, // no seq left in ms 200
		{AddID{Auto: true}, 150, ID{201, 0}, nil},                      // seq wraps into the next ms
		{AddID{ID: MaxID}, 0, MaxID, nil},
		{AddID{Auto: true}, 0, ID{}, ErrExhausted},
		{AddID{ID: ID{300, 0}}, 0, ID{}, ErrExhausted},
	}
	for i, st := range steps {
		got, err := add(st.a, st.now)
		if err != st.err || got != st.want {
			t.Fatalf("step %d: Add(%+v, %d) = %v, %v; want %v, %v", i, st.a, st.now, got, err, st.want, st.err)
		}
	}
	if s.Len() != 10 || s.EntriesAdded() != 10 || s.LastID() != MaxID || s.FirstID() != (ID{0, 1}) {
		t.Fatalf("len %d added %d last %v first %v", s.Len(), s.EntriesAdded(), s.LastID(), s.FirstID())
	}
	if _, err := s.Add(AddArgs{ID: AddID{Auto: true}, Fields: fv("odd")}, 0); err != ErrFields {
		t.Fatalf("odd field list: %v", err)
	}
}

func TestAddCopiesFields(t *testing.T) {
	s := New()
	buf := []byte("value")
	if _, err := s.Add(AddArgs{ID: AddID{ID: ID{1, 0}}, Fields: [][]byte{[]byte("f"), buf}}, 0); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	e, _ := s.Get(ID{1, 0})
	if string(e.Fields[1]) != "value" {
		t.Fatalf("entry changed with the caller's buffer: %q", e.Fields[1])
	}
	// Appending to a returned field must not overwrite the next one.
	_ = append(e.Fields[0], "zz"...)
	if string(e.Fields[1]) != "value" {
		t.Fatalf("append to a field clobbered the value: %q", e.Fields[1])
	}
}

func TestRangeAndDelete(t *testing.T) {
	s := New()
	for i := uint64(1); i <= 250; i++ {
		mustAdd(t, s, ID{i, 0}, "n", fmt.Sprint(i))
	}
	got := ids(s.Entries(ID{10, 0}, ID{14, 0}, 0, false))
	if fmt.Sprint(got) != "[10-0 11-0 12-0 13-0 14-0]" {
		t.Fatalf("range 10..14: %v", got)
	}
	got = ids(s.Entries(ID{98, 0}, ID{250, 0}, 4, true))
	if fmt.Sprint(got) != "[250-0 249-0 248-0 247-0]" {
		t.Fatalf("rev range count 4: %v", got)
	}
	if n := s.Delete(ID{100, 0}, ID{101, 0}, ID{101, 0}, ID{999, 0}); n != 2 {
		t.Fatalf("Delete = %d, want 2", n)
	}
	got = ids(s.Entries(ID{99, 0}, ID{102, 0}, 0, false))
	if fmt.Sprint(got) != "[99-0 102-0]" {
		t.Fatalf("range over deleted: %v", got)
	}
	got = ids(s.Entries(ID{99, 0}, ID{102, 0}, 0, true))
	if fmt.Sprint(got) != "[102-0 99-0]" {
		t.Fatalf("rev range over deleted: %v", got)
	}
	if s.Len() != 248 || s.MaxDeletedID() != (ID{101, 0}) || s.FirstID() != (ID{1, 0}) {
		t.Fatalf("after delete: len %d maxdel %v first %v", s.Len(), s.MaxDeletedID(), s.FirstID())
	}
	if s.Exists(ID{100, 0}) || !s.Exists(ID{99, 0}) {
		t.Fatal("Exists wrong after delete")
	}
	// Deleting the first entry moves the recorded first ID.
	s.Delete(ID{1, 0}, ID{2, 0})
	if s.FirstID() != (ID{3, 0}) || s.MaxDeletedID() != (ID{101, 0}) {
		t.Fatalf("first %v maxdel %v", s.FirstID(), s.MaxDeletedID())
	}
	if e, ok := s.FirstEntry(); !ok || e.ID != (ID{3, 0}) || string(e.Fields[1]) != "3" {
		t.Fatalf("FirstEntry %v %v", e, ok)
	}
	if s.EdgeID(true, false) != (ID{1, 0}) {
		t.Fatalf("EdgeID with tombstones = %v, want 1-0 (node 1 still holds it)", s.EdgeID(true, false))
	}
	// Empty ranges.
	if len(s.Entries(ID{5, 0}, ID{4, 0}, 0, false)) != 0 || len(s.Entries(ID{300, 0}, MaxID, 0, false)) != 0 {
		t.Fatal("empty range returned entries")
	}
	if len(s.Entries(MinID, ID{0, 5}, 0, true)) != 0 {
		t.Fatal("reverse range below the first node returned entries")
	}
	// Deleting everything leaves an empty stream with 0-0 as first ID.
	var all []ID
	s.Range(MinID, MaxID, 0, false, func(e Entry) bool { all = append(all, e.ID); return true })
	if n := s.Delete(all...); n != len(all) || s.Len() != 0 {
		t.Fatalf("delete all: %d of %d, len %d", n, len(all), s.Len())
	}
	if s.FirstID() != (ID{}) || s.Info().RadixTreeKeys != 0 || s.MaxDeletedID() != (ID{250, 0}) {
		t.Fatalf("empty: first %v keys %d maxdel %v", s.FirstID(), s.Info().RadixTreeKeys, s.MaxDeletedID())
	}
	if _, ok := s.LastEntry(); ok {
		t.Fatal("LastEntry on empty stream")
	}
	if s.EdgeID(true, true) != MaxID || s.EdgeID(false, true) != MinID {
		t.Fatal("EdgeID of empty stream")
	}
}

func TestNodeSplitting(t *testing.T) {
	s := New()
	for i := uint64(1); i <= 250; i++ {
		mustAdd(t, s, ID{i, 0}, "f", "v")
	}
	if k := s.Info().RadixTreeKeys; k != 3 {
		t.Fatalf("250 small entries in %d nodes, want 3 (100 per node)", k)
	}
	// Big values split by bytes: each 3000-byte entry leaves no room for another.
	b := New()
	big := strings.Repeat("x", 3000)
	for i := uint64(1); i <= 5; i++ {
		mustAdd(t, b, ID{i, 0}, "f", big)
	}
	if k := b.Info().RadixTreeKeys; k != 5 {
		t.Fatalf("5 entries of 3000 bytes in %d nodes, want 5", k)
	}
	// Custom limits.
	c := New()
	lim := &NodeLimits{MaxEntries: 7}
	for i := uint64(1); i <= 20; i++ {
		if _, err := c.Add(AddArgs{ID: AddID{ID: ID{i, 0}}, Fields: fv("f", "v"), Limits: lim}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if k := c.Info().RadixTreeKeys; k != 3 {
		t.Fatalf("20 entries with 7 per node in %d nodes, want 3", k)
	}
}

func TestTrim(t *testing.T) {
	fill := func() *Stream {
		s := New()
		for i := uint64(1); i <= 250; i++ {
			mustAdd(t, s, ID{i, 0}, "f", "v")
		}
		return s
	}
	s := fill()
	if n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 120, Approx: true}); n != 100 || s.Len() != 150 {
		t.Fatalf("MAXLEN ~ 120: removed %d, len %d; want 100, 150", n, s.Len())
	}
	if s.FirstID() != (ID{101, 0}) {
		t.Fatalf("first after trim %v", s.FirstID())
	}
	if n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 120}); n != 30 || s.Len() != 120 {
		t.Fatalf("MAXLEN 120: removed %d, len %d", n, s.Len())
	}
	if s.FirstID() != (ID{131, 0}) || s.EdgeID(true, false) != (ID{101, 0}) {
		t.Fatalf("exact trim: first %v, first stored %v", s.FirstID(), s.EdgeID(true, false))
	}
	if s.MaxDeletedID() != (ID{}) {
		t.Fatal("trimming changed the maximal deleted ID")
	}
	// The next approximate trim removes the partly trimmed node whole.
	if n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 50, Approx: true}); n != 70 || s.Len() != 50 {
		t.Fatalf("MAXLEN ~ 50: removed %d, len %d", n, s.Len())
	}

	s = fill()
	if n := s.Trim(TrimArgs{Strategy: TrimMinID, MinID: ID{150, 0}, Approx: true}); n != 100 {
		t.Fatalf("MINID ~ 150: removed %d", n)
	}
	if n := s.Trim(TrimArgs{Strategy: TrimMinID, MinID: ID{150, 0}}); n != 49 || s.FirstID() != (ID{150, 0}) {
		t.Fatalf("MINID 150: removed %d, first %v", n, s.FirstID())
	}
	s = fill()
	if n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 0, Approx: true, Limit: 150}); n != 100 {
		t.Fatalf("MAXLEN ~ 0 LIMIT 150: removed %d, want one node", n)
	}
	if n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 0}); n != 150 || s.Len() != 0 || s.FirstID() != (ID{}) {
		t.Fatalf("MAXLEN 0: removed %d len %d first %v", n, s.Len(), s.FirstID())
	}
	if n := s.Trim(TrimArgs{}); n != 0 {
		t.Fatal("TrimNone removed entries")
	}
}

func TestSetID(t *testing.T) {
	s := New()
	if err := s.SetID(SetIDArgs{ID: ID{5, 0}, EntriesAdded: 3, MaxDeletedID: ID{4, 0}}); err != nil {
		t.Fatal(err)
	}
	if s.LastID() != (ID{5, 0}) || s.EntriesAdded() != 3 || s.MaxDeletedID() != (ID{4, 0}) {
		t.Fatalf("after SetID: %+v", s.Info())
	}
	mustAdd(t, s, ID{6, 0}, "f", "v")
	mustAdd(t, s, ID{7, 0}, "f", "v")
	cases := []struct {
		a   SetIDArgs
		err error
	}{
		{SetIDArgs{ID: ID{6, 5}, EntriesAdded: -1}, ErrSetIDBelowTop},
		{SetIDArgs{ID: ID{8, 0}, EntriesAdded: 1}, ErrSetIDEntriesAdded},
		{SetIDArgs{ID: ID{8, 0}, EntriesAdded: -1, MaxDeletedID: ID{9, 0}}, ErrSetIDBelowGivenMaxDeleted},
		{SetIDArgs{ID: ID{8, 0}, EntriesAdded: -5}, ErrSetIDEntriesAddedNegative},
		{SetIDArgs{ID: ID{7, 0}, EntriesAdded: 2}, nil},
	}
	for _, c := range cases {
		if err := s.SetID(c.a); err != c.err {
			t.Errorf("SetID(%+v) = %v, want %v", c.a, err, c.err)
		}
	}
	if _, err := s.Add(AddArgs{ID: AddID{ID: ID{7, 0}}, Fields: fv("f", "v")}, 0); err != ErrIDTooSmall {
		t.Fatalf("Add at the last ID: %v", err)
	}
}

func TestRadixTreeNodes(t *testing.T) {
	s := New()
	if n := s.Info().RadixTreeNodes; n != 1 {
		t.Fatalf("empty: %d nodes, want 1", n)
	}
	mustAdd(t, s, ID{1, 1}, "a", "1")
	if n := s.Info().RadixTreeNodes; n != 2 {
		t.Fatalf("one key: %d nodes, want 2", n)
	}
	// Two keys that differ in the last byte: compressed prefix, branch, two leaves.
	big := strings.Repeat("x", 4090)
	mustAdd(t, s, ID{1, 2}, "a", big)
	if k, n := s.Info().RadixTreeKeys, s.Info().RadixTreeNodes; k != 2 || n != 4 {
		t.Fatalf("two keys: %d keys %d nodes, want 2 and 4", k, n)
	}
}

// modelStream is the simplest possible stream: a sorted slice.
type modelStream struct {
	ids    []ID
	vals   map[ID]string
	maxDel ID
}

func (m *modelStream) rangeIDs(start, end ID, count int, rev bool) []ID {
	var out []ID
	if rev {
		for i := len(m.ids) - 1; i >= 0; i-- {
			if id := m.ids[i]; !id.Less(start) && !end.Less(id) {
				out = append(out, id)
			}
		}
	} else {
		for _, id := range m.ids {
			if !id.Less(start) && !end.Less(id) {
				out = append(out, id)
			}
		}
	}
	if count > 0 && len(out) > count {
		out = out[:count]
	}
	return out
}

// TestRandomAgainstModel checks adds, deletes, exact trims and ranges
// against modelStream, and that approximate trims keep a suffix of at
// least the requested size.
func TestRandomAgainstModel(t *testing.T) {
	r := rand.New(rand.NewSource(42))
	s := New()
	m := &modelStream{vals: map[ID]string{}}
	ms := uint64(1)
	randID := func() ID { return ID{uint64(r.Intn(int(ms) + 2)), uint64(r.Intn(5))} }
	for step := 0; step < 40000; step++ {
		switch op := r.Intn(100); {
		case op < 60:
			if r.Intn(3) == 0 {
				ms++
			}
			val := strings.Repeat("v", r.Intn(80))
			id, err := s.Add(AddArgs{ID: AddID{ID: ID{Ms: ms}, AutoSeq: true}, Fields: fv("f", val)}, 0)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			m.ids = append(m.ids, id)
			m.vals[id] = val
		case op < 80:
			id := randID()
			want := 0
			if _, ok := m.vals[id]; ok {
				want = 1
				delete(m.vals, id)
				for i, x := range m.ids {
					if x == id {
						m.ids = append(m.ids[:i], m.ids[i+1:]...)
						break
					}
				}
				if m.maxDel.Less(id) {
					m.maxDel = id
				}
			}
			if got := s.Delete(id); got != want {
				t.Fatalf("step %d: Delete(%v) = %d, want %d", step, id, got, want)
			}
		case op < 83:
			maxLen := uint64(r.Intn(400))
			approx := r.Intn(2) == 0
			before := len(m.ids)
			n := s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: maxLen, Approx: approx})
			keep := before - int(n)
			if !approx && keep != min(before, int(maxLen)) || approx && keep < min(before, int(maxLen)) {
				t.Fatalf("step %d: MAXLEN %v %d kept %d of %d", step, approx, maxLen, keep, before)
			}
			for _, id := range m.ids[:before-keep] {
				delete(m.vals, id)
			}
			m.ids = m.ids[before-keep:]
		case op < 85:
			minID := randID()
			approx := r.Intn(2) == 0
			n := s.Trim(TrimArgs{Strategy: TrimMinID, MinID: minID, Approx: approx})
			cut := 0
			for cut < len(m.ids) && m.ids[cut].Less(minID) {
				cut++
			}
			if !approx && int(n) != cut || approx && int(n) > cut {
				t.Fatalf("step %d: MINID %v %v removed %d, %d below", step, approx, minID, n, cut)
			}
			for _, id := range m.ids[:n] {
				delete(m.vals, id)
			}
			m.ids = m.ids[n:]
		default:
			a, b := randID(), randID()
			count := r.Intn(6)
			rev := r.Intn(2) == 0
			got := s.Entries(a, b, count, rev)
			want := m.rangeIDs(a, b, count, rev)
			if fmt.Sprint(ids(got)) != fmt.Sprint(want) {
				t.Fatalf("step %d: range %v %v %d %v = %v, want %v", step, a, b, count, rev, ids(got), want)
			}
			for _, e := range got {
				if string(e.Fields[1]) != m.vals[e.ID] {
					t.Fatalf("step %d: value of %v", step, e.ID)
				}
			}
		}
		if s.Len() != uint64(len(m.ids)) {
			t.Fatalf("step %d: len %d, want %d", step, s.Len(), len(m.ids))
		}
		wantFirst := ID{}
		if len(m.ids) > 0 {
			wantFirst = m.ids[0]
		}
		if s.FirstID() != wantFirst || s.MaxDeletedID() != m.maxDel {
			t.Fatalf("step %d: first %v maxdel %v, want %v %v", step, s.FirstID(), s.MaxDeletedID(), wantFirst, m.maxDel)
		}
	}
}

func TestCloneIsIndependent(t *testing.T) {
	s := New()
	for i := uint64(1); i <= 150; i++ {
		mustAdd(t, s, ID{i, 0}, "f", "v")
	}
	g, _ := s.CreateGroup("g", MinID, -1)
	c := g.TouchConsumer("alice", 10)
	s.ReadGroup(g, c, 5, false, 10)
	before := s.AppendBinary(nil)

	cl := s.Clone()
	if string(cl.AppendBinary(nil)) != string(before) {
		t.Fatal("clone differs from the original")
	}
	s.Delete(ID{1, 0})
	s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 10})
	g.Ack(ID{2, 0})
	s.ReadGroup(g, g.TouchConsumer("bob", 20), 0, false, 20)
	mustAdd(t, s, ID{500, 0}, "f", "v")
	if string(cl.AppendBinary(nil)) != string(before) {
		t.Fatal("changing the original changed the clone")
	}
	cg := cl.Group("g")
	if cg.PendingCount() != 5 || cg.Consumer("alice").PendingCount() != 5 || cg.Consumer("bob") != nil {
		t.Fatal("clone's group state wrong")
	}
}

func TestMemoryUsageGrows(t *testing.T) {
	s := New()
	prev := s.MemoryUsage()
	for i := uint64(1); i <= 300; i++ {
		mustAdd(t, s, ID{i, 0}, "field", strings.Repeat("x", 100))
		if i%100 == 0 {
			cur := s.MemoryUsage()
			if cur < prev+100*100 {
				t.Fatalf("after %d entries of 100 bytes usage grew from %d to %d only", i, prev, cur)
			}
			prev = cur
		}
	}
}
