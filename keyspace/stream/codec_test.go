package stream

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// richStream builds a stream with tombstones, partly trimmed nodes, odd
// IDs, groups, consumers and pending entries.
func richStream(t testing.TB, seed int64, n int) *Stream {
	r := rand.New(rand.NewSource(seed))
	s := New()
	for i := 0; i < n; i++ {
		var fields [][]byte
		for p := r.Intn(3); p >= 0; p-- {
			fields = append(fields, []byte(fmt.Sprint("f", r.Intn(3))), bytes.Repeat([]byte{byte('a' + r.Intn(26))}, r.Intn(90)))
		}
		a := AddID{ID: ID{uint64(i / 3), 0}, AutoSeq: true}
		if i == n-1 {
			a = AddID{ID: ID{1 << 63, 1<<64 - 2}}
		}
		if _, err := s.Add(AddArgs{ID: a, Fields: fields}, 0); err != nil {
			t.Fatal(err)
		}
		if r.Intn(4) == 0 {
			s.Delete(ID{uint64(r.Intn(i/3 + 1)), uint64(r.Intn(3))})
		}
	}
	s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: s.Len() - min(s.Len(), uint64(n/20))})
	for _, name := range []string{"g2", "g1", "empty"} {
		g, _ := s.CreateGroup(name, MinID, -1)
		if name == "empty" {
			continue
		}
		for _, cn := range []string{"zed", "amy", "bo"} {
			c := g.TouchConsumer(cn, int64(r.Intn(1000)))
			s.ReadGroup(g, c, 1+r.Intn(n/10+1), false, int64(r.Intn(1000)-500))
		}
		g.Ack(ID{100, 0}, ID{101, 1})
		g.TouchConsumer("idle", 7)
	}
	s.SetID(SetIDArgs{ID: MaxID, EntriesAdded: -1, MaxDeletedID: ID{1 << 63, 5}})
	return s
}

// checkInvariants verifies the internal consistency Decode promises.
func checkInvariants(t testing.TB, s *Stream) {
	t.Helper()
	var length uint64
	var prev ID
	first := true
	if len(s.keys) != len(s.nodes) {
		t.Fatalf("%d node keys for %d nodes", len(s.keys), len(s.nodes))
	}
	for i, n := range s.live() {
		if len(n.entries) == 0 {
			t.Fatal("empty node")
		}
		if s.keys[s.head+i] != n.master() {
			t.Fatalf("node key %v, master %v", s.keys[s.head+i], n.master())
		}
		live := 0
		body := masterSize(n.entries[0].fields)
		for i, e := range n.entries {
			if !first && !prev.Less(e.id) {
				t.Fatalf("IDs out of order: %v after %v", e.id, prev)
			}
			prev, first = e.id, false
			if !e.deleted {
				live++
			}
			body += entrySize(n.master(), e.id, e.fields, i == 0 || sameFieldNames(n.entries[0].fields, e.fields))
		}
		if live != n.live || body != n.body {
			t.Fatalf("node counters: live %d/%d body %d/%d", n.live, live, n.body, body)
		}
		length += uint64(live)
	}
	if length != s.length || (!first && s.lastID.Less(prev)) {
		t.Fatalf("length %d/%d, last %v below %v", s.length, length, s.lastID, prev)
	}
	for _, g := range s.groups {
		total := 0
		for _, c := range g.consumers {
			total += c.pel.Len()
			c.pel.Ascend(MinID, func(id ID, n *nack) bool {
				if gn, ok := g.pel.Get(id); !ok || gn != n || n.consumer != c {
					t.Fatalf("consumer PEL entry %v not shared with the group", id)
				}
				return true
			})
		}
		if total != g.pel.Len() {
			t.Fatalf("group PEL %d, consumers' %d", g.pel.Len(), total)
		}
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		s := richStream(t, seed, 700)
		checkInvariants(t, s)
		enc := s.AppendBinary([]byte("prefix"))[len("prefix"):]
		d, err := Decode(enc)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkInvariants(t, d)
		if !bytes.Equal(d.AppendBinary(nil), enc) {
			t.Fatalf("seed %d: re-encoding differs", seed)
		}
		if fmt.Sprint(d.Info()) != fmt.Sprint(s.Info()) || d.FirstID() != s.FirstID() {
			t.Fatalf("seed %d: info %+v, want %+v", seed, d.Info(), s.Info())
		}
		if fmt.Sprint(d.Entries(MinID, MaxID, 0, false)) != fmt.Sprint(s.Entries(MinID, MaxID, 0, false)) {
			t.Fatalf("seed %d: entries differ", seed)
		}
		// The same operations give the same results on both: node boundaries
		// and group state survived.
		for _, x := range []*Stream{s, d} {
			x.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: x.Len() / 2, Approx: true})
			g := x.Group("g1")
			x.AutoClaim(g, "new", MinID, 0, 15, false, 5000)
			x.ReadHistory(g.Consumer("amy"), MinID, 0, 6000)
		}
		if !bytes.Equal(d.AppendBinary(nil), s.AppendBinary(nil)) {
			t.Fatalf("seed %d: states diverge after the same operations", seed)
		}
	}
	empty, err := Decode(New().AppendBinary(nil))
	if err != nil || empty.Len() != 0 || empty.Info().RadixTreeNodes != 1 {
		t.Fatalf("empty stream round trip: %v", err)
	}
}

func TestDecodeRejectsDamage(t *testing.T) {
	enc := richStream(t, 9, 700).AppendBinary(nil)
	for n := 0; n < len(enc); n++ {
		if n > 300 && n < len(enc)-300 && n%61 != 0 {
			continue // every cut near the ends, a sample in between
		}
		if _, err := Decode(enc[:n]); err == nil {
			t.Fatalf("prefix of %d/%d bytes decoded", n, len(enc))
		}
	}
	if _, err := Decode(append(enc[:len(enc):len(enc)], 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	r := rand.New(rand.NewSource(3))
	damaged := make([]byte, len(enc))
	accepted := 0
	for i := 0; i < 600; i++ {
		copy(damaged, enc)
		for k := 1 + r.Intn(3); k > 0; k-- {
			damaged[r.Intn(len(damaged))] ^= byte(1 + r.Intn(255))
		}
		s, err := Decode(damaged)
		if err != nil {
			continue
		}
		accepted++
		checkInvariants(t, s)
		// Whatever was accepted must be usable.
		s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 10, Approx: true})
		for _, g := range s.Groups() {
			s.AutoClaim(g, "x", MinID, 0, 100, false, 1)
		}
	}
	t.Logf("%d of 600 damaged inputs decoded to valid streams", accepted)
	bad := [][]byte{nil, {0}, {2}, {1, 0}}
	for _, b := range bad {
		if _, err := Decode(b); err == nil {
			t.Errorf("Decode(%v) succeeded", b)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(New().AppendBinary(nil))
	f.Add(richStream(f, 1, 12).AppendBinary(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err != nil {
			return
		}
		checkInvariants(t, s)
		if !bytes.Equal(s.AppendBinary(nil), b) {
			// Decode accepts non-minimal varints, so an accepted input can
			// differ from its re-encoding; that one must decode too.
			if _, err := Decode(s.AppendBinary(nil)); err != nil {
				t.Fatalf("re-encoding of an accepted input does not decode: %v", err)
			}
		}
	})
}
