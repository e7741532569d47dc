package tau

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func mustAppend(t *testing.T, s *Schedule, tx, valid, expiry uint64, data string) {
	t.Helper()
	if err := s.Append(tx, valid, expiry, []byte(data)); err != nil {
		t.Fatalf("Append(%d, %d, %d, %q): %v", tx, valid, expiry, data, err)
	}
}

func atString(s *Schedule, t uint64) string {
	d, ok := s.At(t)
	if !ok {
		return "<nil>"
	}
	return string(d)
}

func TestEmptySchedule(t *testing.T) {
	for _, s := range []*Schedule{New(), {}, New().Clone()} {
		if s.Len() != 0 || s.LastTx() != 0 {
			t.Fatalf("Len %d LastTx %d", s.Len(), s.LastTx())
		}
		for _, tt := range []uint64{0, 1, Inf} {
			if _, ok := s.At(tt); ok {
				t.Fatalf("At(%d) found something", tt)
			}
			if _, ok := s.AtAsOf(tt, 5); ok {
				t.Fatalf("AtAsOf(%d) found something", tt)
			}
			if got := s.AtAll(tt, Latest, nil); len(got) != 0 {
				t.Fatalf("AtAll(%d) = %q", tt, got)
			}
		}
		if got := collectRange(s, 0, Inf, Latest, -1); len(got) != 0 {
			t.Fatalf("Range = %v", got)
		}
		if got := collectHistory(s, 0, 0, false, -1); len(got) != 0 {
			t.Fatalf("History = %v", got)
		}
		if in := s.Info(); in != (Info{MemoryBytes: in.MemoryBytes}) || in.MemoryBytes <= 0 {
			t.Fatalf("Info = %+v", in)
		}
		d, err := Decode(s.AppendBinary(nil))
		if err != nil || d.Len() != 0 {
			t.Fatalf("round trip of empty: %v, %d Taus", err, d.Len())
		}
	}
}

func TestBoundaries(t *testing.T) {
	s := New()
	mustAppend(t, s, 10, 0, 5, "a")        // valid = 0
	mustAppend(t, s, 20, 5, 10, "b")       // shares the boundary 5
	mustAppend(t, s, 30, 100, Inf, "open") // open ended
	mustAppend(t, s, 40, Inf-1, Inf, "top")
	cases := []struct {
		t    uint64
		want string
	}{
		{0, "a"}, {4, "a"}, {5, "b"}, {9, "b"}, {10, "<nil>"}, {99, "<nil>"},
		{100, "open"}, {1 << 63, "open"}, {Inf - 2, "open"}, {Inf - 1, "top"},
		{Inf, "<nil>"}, // no Tau contains 2^64-1: expiries are exclusive
	}
	for _, c := range cases {
		if got := atString(s, c.t); got != c.want {
			t.Errorf("At(%d) = %s, want %s", c.t, got, c.want)
		}
	}
	// As of tx 35 the last Tau does not exist yet.
	if d, _ := s.AtAsOf(Inf-1, 35); string(d) != "open" {
		t.Errorf("AtAsOf(Inf-1, 35) = %q", d)
	}
	// Before the first tx there is nothing.
	if _, ok := s.AtAsOf(0, 9); ok {
		t.Errorf("AtAsOf before the first tx found something")
	}
	if d, _ := s.AtAsOf(0, 10); string(d) != "a" {
		t.Errorf("AtAsOf at exactly the first tx = %q", d)
	}
	want := []span{{0, 5, []byte("a")}, {5, 10, []byte("b")}, {100, Inf - 1, []byte("open")}, {Inf - 1, Inf, []byte("top")}}
	if got := collectRange(s, 0, Inf, Latest, -1); !spansEqual(got, want) {
		t.Errorf("Range = %v", got)
	}
	if got := collectRange(s, 3, 7, Latest, -1); !spansEqual(got, []span{{3, 5, []byte("a")}, {5, 7, []byte("b")}}) {
		t.Errorf("clipped Range = %v", got)
	}
	if got := collectRange(s, 7, 7, Latest, -1); len(got) != 0 {
		t.Errorf("Range with start == end = %v", got)
	}
	if got := collectRange(s, 8, 2, Latest, -1); len(got) != 0 {
		t.Errorf("Range with start > end = %v", got)
	}
	if got := collectRange(s, 0, Inf, Latest, 0); len(got) != 0 {
		t.Errorf("Range with limit 0 = %v", got)
	}
	in := s.Info()
	if in.Taus != 4 || in.FirstValid != 0 || in.LastExpiry != Inf || in.FirstTx != 10 || in.LastTx != 40 {
		t.Errorf("Info = %+v", in)
	}
}

func TestLaterWinsAndMerging(t *testing.T) {
	s := New()
	mustAppend(t, s, 1, 0, 100, "x")
	mustAppend(t, s, 2, 40, 60, "y")
	mustAppend(t, s, 3, 60, 80, "x") // equal data, different Tau: no merge
	want := []span{{0, 40, []byte("x")}, {40, 60, []byte("y")}, {60, 80, []byte("x")}, {80, 100, []byte("x")}}
	if got := collectRange(s, 0, Inf, Latest, -1); !spansEqual(got, want) {
		t.Fatalf("Range = %v", got)
	}
	// Cover y with many small Taus; as of tx 2 the timeline is still three
	// intervals even though the first Tau's piece is now cut in many.
	for i := uint64(0); i < 3*defaultWindow; i++ {
		mustAppend(t, s, 10+i, i, i+1, "z")
	}
	want = []span{{0, 40, []byte("x")}, {40, 60, []byte("y")}, {60, 100, []byte("x")}}
	if got := collectRange(s, 0, Inf, 2, -1); !spansEqual(got, want) {
		t.Fatalf("Range as of 2 = %v", got)
	}
	if got := s.AtAll(65, Latest, nil); !slices.EqualFunc(got, [][]byte{[]byte("x"), []byte("x"), []byte("z")}, bytes.Equal) {
		t.Fatalf("AtAll(65) = %q", got)
	}
	if got := s.AtAll(65, 3, nil); !slices.EqualFunc(got, [][]byte{[]byte("x"), []byte("x")}, bytes.Equal) {
		t.Fatalf("AtAll(65) as of 3 = %q", got)
	}
}

func TestAppendErrors(t *testing.T) {
	s := New()
	mustAppend(t, s, 10, 5, 6, "a")
	for _, c := range []struct {
		tx, valid, expiry uint64
		err               error
	}{
		{11, 5, 5, ErrInterval},
		{11, 6, 5, ErrInterval},
		{11, Inf, Inf, ErrInterval},
		{10, 1, 2, ErrTxOrder},
		{9, 1, 2, ErrTxOrder},
	} {
		if err := s.Append(c.tx, c.valid, c.expiry, []byte("b")); !errors.Is(err, c.err) {
			t.Errorf("Append(%d, %d, %d) = %v, want %v", c.tx, c.valid, c.expiry, err, c.err)
		}
	}
	if s.Len() != 1 || atString(s, 5) != "a" || s.Info().LastTx != 10 || s.LastTx() != 10 {
		t.Fatalf("a rejected append changed the schedule")
	}
	mustAppend(t, s, 11, 5, 6, "b")
	if atString(s, 5) != "b" {
		t.Fatalf("append after errors not applied")
	}
}

func TestDataIsCopiedAndCapped(t *testing.T) {
	s := New()
	buf := []byte("first")
	mustAppend(t, s, 1, 0, 10, string(buf))
	if err := s.Append(2, 10, 20, buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	mustAppend(t, s, 3, 20, 30, "third")
	d, _ := s.At(10)
	if string(d) != "first" {
		t.Fatalf("Append kept the caller's buffer: %q", d)
	}
	_ = append(d, "!!!!!"...) // must not clobber the next Tau's data
	if atString(s, 20) != "third" {
		t.Fatalf("appending to returned data overwrote a neighbour: %q", atString(s, 20))
	}
}

func TestCallbacksStop(t *testing.T) {
	s := New()
	for i := uint64(0); i < 100; i++ {
		mustAppend(t, s, i+1, 2*i, 2*i+1, "v")
	}
	for _, asof := range []uint64{Latest, 50} {
		calls := 0
		s.Range(0, Inf, asof, -1, func(from, to uint64, data []byte) bool {
			calls++
			return calls < 3
		})
		if calls != 3 {
			t.Errorf("Range asof %d: %d calls after stopping at 3", asof, calls)
		}
	}
	calls := 0
	s.History(0, 0, false, -1, func(tx, valid, expiry uint64, data []byte) bool {
		calls++
		return calls < 4
	})
	if calls != 4 {
		t.Errorf("History: %d calls after stopping at 4", calls)
	}
	if got := collectHistory(s, 10, 20, true, 2); len(got) != 2 || got[0].valid != 10 || got[1].valid != 12 {
		t.Errorf("History range limit 2 = %v", got)
	}
}

func TestDecodeRejectsGarbage(t *testing.T) {
	s := New()
	g := newGen(4)
	for i := 0; i < 200; i++ {
		tx, v, e, d := g.next()
		if err := s.Append(tx, v, e, d); err != nil {
			t.Fatal(err)
		}
	}
	enc := s.AppendBinary([]byte("prefix"))[len("prefix"):]
	if _, err := Decode(enc); err != nil {
		t.Fatalf("Decode of a good encoding: %v", err)
	}
	for i := range enc {
		if _, err := Decode(enc[:i]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Decode of %d-byte prefix: %v", i, err)
		}
	}
	if _, err := Decode(append(slices.Clone(enc), 0)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("trailing byte accepted: %v", err)
	}
	bad := slices.Clone(enc)
	bad[0] = 2
	if _, err := Decode(bad); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unknown version accepted: %v", err)
	}
	for _, b := range [][]byte{
		{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // huge count
		{1, 2, 5, 1, 1, 0, 0, 1, 1, 0},                                  // second tx delta 0
		{1, 1, 5, 1, 0, 0},                                              // empty interval
		{1, 1, 5, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0}, // expiry overflows
		{1, 1, 5, 1, 1, 9, 'a'}, // data past the end
	} {
		if _, err := Decode(b); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("Decode(%x) = %v", b, err)
		}
	}
	// Random damage must never panic; whatever decodes must be consistent.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		b := slices.Clone(enc)
		for k := 0; k < 1+rng.IntN(4); k++ {
			b[rng.IntN(len(b))] = byte(rng.Uint32())
		}
		if d, err := Decode(b); err == nil {
			if again := d.AppendBinary(nil); !bytes.Equal(again, b) {
				t.Fatalf("a damaged encoding decoded but does not re-encode to itself")
			}
		}
		junk := make([]byte, rng.IntN(64))
		for k := range junk {
			junk[k] = byte(rng.Uint32())
		}
		Decode(junk)
	}
}

// TestCloneSharesSafely appends to a schedule while other goroutines read
// its clone, and reads a schedule from several goroutines at once: complete
// chunks and the history columns are shared, so under -race this shows that
// sharing is free of data races, and reading writes nothing.
func TestCloneSharesSafely(t *testing.T) {
	s := &Schedule{win: 8}
	g := newGen(21)
	m := &model{}
	for i := 0; i < 3000; i++ {
		tx, v, e, d := g.next()
		if err := s.Append(tx, v, e, d); err != nil {
			t.Fatal(err)
		}
		m.append(tx, v, e, d)
	}
	c := s.Clone()
	wantRange := collectRange(c, 0, Inf, m.taus[1500].tx, -1)
	done := make(chan bool)
	go func() {
		for i := 0; i < 2000; i++ {
			tx, v, e, d := g.next()
			if err := s.Append(tx, v, e, d); err != nil {
				t.Error(err)
			}
		}
		done <- true
	}()
	for r := 0; r < 3; r++ {
		go func(r int) {
			ok := true
			for i := 0; i < 30 && ok; i++ {
				tq := uint64(i * 17 % 400)
				asof := m.taus[(r*1000+i*97)%len(m.taus)].tx
				d, found := c.AtAsOf(tq, asof)
				if w := m.at(tq, asof); found != (w >= 0) || (found && !bytes.Equal(d, m.taus[w].data)) {
					t.Errorf("clone AtAsOf(%d, %d) wrong while the original grows", tq, asof)
					ok = false
				}
				c.AtAll(tq, asof, nil)
				if !spansEqual(collectRange(c, 0, Inf, m.taus[1500].tx, -1), wantRange) {
					t.Errorf("clone Range changed while the original grows")
					ok = false
				}
			}
			done <- true
		}(r)
	}
	for i := 0; i < 4; i++ {
		<-done
	}
}
