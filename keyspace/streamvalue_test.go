package keyspace

import (
	"fmt"
	"reflect"
	"testing"

	"sundial/keyspace/stream"
)

// streamState is everything observable about a stream value, for
// comparing a stream with its copies.
type streamState struct {
	Info    stream.Info
	Entries []stream.Entry
	Groups  []groupState
}

type groupState struct {
	Name        string
	LastID      stream.ID
	EntriesRead int64
	Lag         int64
	LagKnown    bool
	Pending     []stream.Pending
	Consumers   []consumerState
}

type consumerState struct {
	Name    string
	Seen    int64
	Pending []stream.Pending
}

func stateOf(s *Stream) streamState {
	st := streamState{Info: s.Info(), Entries: s.Entries(stream.MinID, stream.MaxID, 0, false)}
	for _, g := range s.Groups() {
		lag, ok := s.Lag(g)
		gs := groupState{Name: g.Name(), LastID: g.LastID(), EntriesRead: g.EntriesRead(), Lag: lag, LagKnown: ok, Pending: g.Pending(0)}
		for _, c := range g.Consumers() {
			gs.Consumers = append(gs.Consumers, consumerState{c.Name(), c.SeenTime(), c.Pending(0)})
		}
		st.Groups = append(st.Groups, gs)
	}
	return st
}

// sampleStream builds a stream with tombstones, several nodes, groups,
// consumers and pending entries.
func sampleStream(t *testing.T) *Stream {
	t.Helper()
	s := NewStream()
	for i := 1; i <= 230; i++ {
		f := [][]byte{[]byte("k"), []byte(fmt.Sprint(i))}
		if i%5 == 0 {
			f = append(f, []byte("extra"), []byte("\x00\xff"))
		}
		if _, err := s.Add(stream.AddArgs{ID: stream.AddID{ID: stream.ID{Ms: 1000 + uint64(i/3), Seq: uint64(i % 3)}}, Fields: f}, 0); err != nil {
			t.Fatal(err)
		}
	}
	s.Delete(stream.ID{Ms: 1010, Seq: 1}, stream.ID{Ms: 1050, Seq: 0})
	g, _ := s.CreateGroup("g1", stream.ID{}, -1)
	s.ReadGroup(g, g.TouchConsumer("alice", 5000), 12, false, 5000)
	s.ReadGroup(g, g.TouchConsumer("bob", 6000), 4, false, 6000)
	g.Ack(stream.ID{Ms: 1001, Seq: 1})
	g2, _ := s.CreateGroup("g0", stream.ID{Ms: 1030}, 90)
	s.ReadGroup(g2, g2.TouchConsumer("carol", 7000), 3, true, 7000)
	g2.CreateConsumer("dave", 8000)
	return s
}

func TestStreamValueRoundTrip(t *testing.T) {
	s := sampleStream(t)
	if s.Kind() != KindStream || s.Encoding() != "stream" {
		t.Fatalf("kind %v encoding %q", s.Kind(), s.Encoding())
	}
	b := s.AppendBinary([]byte("prefix"))
	v, err := DecodeValue(KindStream, b[len("prefix"):])
	if err != nil {
		t.Fatal(err)
	}
	got, ok := v.(*Stream)
	if !ok {
		t.Fatalf("decoded %T", v)
	}
	if want, have := stateOf(s), stateOf(got); !reflect.DeepEqual(want, have) {
		t.Errorf("round trip differs:\nwant %+v\n got %+v", want, have)
	}
	// The decoded stream is independent of the encoded bytes.
	for i := range b {
		b[i] = 0
	}
	if stateOf(got).Entries[0].Fields[0][0] != 'k' {
		t.Error("decoded stream aliases its input")
	}
}

func TestStreamValueClone(t *testing.T) {
	s := sampleStream(t)
	before := stateOf(s)
	c := s.Clone().(*Stream)
	if !reflect.DeepEqual(before, stateOf(c)) {
		t.Fatal("clone differs")
	}
	c.Add(stream.AddArgs{ID: stream.AddID{Auto: true}, Fields: [][]byte{[]byte("a"), []byte("b")}}, 99999)
	c.Group("g1").Ack(stream.ID{Ms: 1002, Seq: 0})
	c.DestroyGroup("g0")
	if !reflect.DeepEqual(before, stateOf(s)) {
		t.Error("changing the clone changed the original")
	}
	if s.MemoryUsage() <= 0 || c.MemoryUsage() <= 0 {
		t.Error("memory usage not positive")
	}
}

func TestStreamValueCorrupt(t *testing.T) {
	b := sampleStream(t).AppendBinary(nil)
	if _, err := DecodeValue(KindStream, nil); err != ErrCorruptValue {
		t.Errorf("empty input: %v", err)
	}
	if _, err := DecodeValue(KindStream, b[:len(b)-1]); err != ErrCorruptValue {
		t.Errorf("truncated input: %v", err)
	}
	if _, err := DecodeValue(KindStream, append(append([]byte(nil), b...), 0)); err != ErrCorruptValue {
		t.Errorf("trailing byte: %v", err)
	}
	// Every single-byte change either decodes to some valid stream or is
	// refused; none may panic.
	for i := 0; i < len(b); i += 7 {
		bad := append([]byte(nil), b...)
		bad[i] ^= 0x5a
		if v, err := DecodeValue(KindStream, bad); err == nil {
			stateOf(v.(*Stream))
		}
	}
}
