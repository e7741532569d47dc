package persistence

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type rawValue []byte

func (v rawValue) AppendBinary(b []byte) []byte { return append(b, v...) }

func TestEntryQueueRoundTrip(t *testing.T) {
	q := NewEntryQueue()
	var got []Entry
	done := make(chan error, 1)
	go func() {
		done <- q.Source()(func(e Entry) error {
			got = append(got, Entry{Type: e.Type, Key: append([]byte(nil), e.Key...),
				ExpireAt: e.ExpireAt, Value: append([]byte(nil), e.Value...)})
			return nil
		})
	}()
	const n = 5000
	for i := 0; i < n; i++ {
		val := make([]byte, i%300)
		for j := range val {
			val[j] = byte(i + j)
		}
		q.Add(byte(i%7), fmt.Sprintf("key:%d", i), int64(i*3), rawValue(val))
		if i%1000 == 0 {
			q.WaitBelow(1 << 10)
		}
	}
	q.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(got) != n || q.Added() != n {
		t.Fatalf("got %d entries, added %d, want %d", len(got), q.Added(), n)
	}
	for i, e := range got {
		if e.Type != byte(i%7) || string(e.Key) != fmt.Sprintf("key:%d", i) || e.ExpireAt != int64(i*3) || len(e.Value) != i%300 {
			t.Fatalf("entry %d = %+v", i, e)
		}
		for j, c := range e.Value {
			if c != byte(i+j) {
				t.Fatalf("entry %d value byte %d = %d", i, j, c)
			}
		}
	}
}

func TestEntryQueueConsumerError(t *testing.T) {
	q := NewEntryQueue()
	boom := errors.New("disk full")
	done := make(chan error, 1)
	go func() { done <- q.Source()(func(Entry) error { return boom }) }()
	q.Add(1, "a", 0, rawValue("x"))
	if err := <-done; err != boom {
		t.Fatalf("Source returned %v, want %v", err, boom)
	}
	// The producer must not wait for a consumer that is gone, and further
	// entries are dropped.
	waited := make(chan struct{})
	go func() {
		q.Add(1, "b", 0, rawValue(make([]byte, 1<<16)))
		q.WaitBelow(0)
		close(waited)
	}()
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("WaitBelow blocked after the consumer failed")
	}
	if q.Buffered() != 0 {
		t.Fatalf("buffered %d bytes after abort", q.Buffered())
	}
}

func TestEntryQueueAbortBeforeConsumer(t *testing.T) {
	q := NewEntryQueue()
	q.Add(1, "a", 0, rawValue("x"))
	q.Abort()
	if err := q.Source()(func(Entry) error { return nil }); err == nil {
		t.Fatal("Source of an aborted queue returned nil")
	}
}

// A rewrite fed from a queue while another goroutine keeps adding produces
// a snapshot with exactly the entries added before Close.
func TestEntryQueueFeedsRewrite(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(50)
	r, err := h.st.StartRewrite()
	if err != nil {
		t.Fatal(err)
	}
	q := NewEntryQueue()
	var wg sync.WaitGroup
	wg.Add(1)
	var ferr error
	go func() {
		defer wg.Done()
		ferr = r.Finish(q.Source())
	}()
	for i := 0; i < 2000; i++ {
		q.Add('s', fmt.Sprintf("k%d", i), 0, rawValue(fmt.Sprint(i)))
	}
	q.Close()
	wg.Wait()
	if ferr != nil {
		t.Fatal(ferr)
	}
	sr, err := OpenSnapshot(filepath.Join(h.dir, SnapshotName("ks")))
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	n := 0
	for {
		e, err := sr.Next()
		if err != nil {
			break
		}
		if string(e.Value) != fmt.Sprint(n) {
			t.Fatalf("entry %d value %q", n, e.Value)
		}
		n++
	}
	if n != 2000 {
		t.Fatalf("snapshot holds %d entries, want 2000", n)
	}
}

func TestAOFSetPolicy(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenAOF(filepath.Join(dir, "x.aof"), FsyncNo)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	seq, _ := a.Append(argv("SET", "a", "1"))
	if err := a.WaitDurable(seq); err != nil {
		t.Fatal(err)
	}
	a.SetPolicy(FsyncAlways)
	if a.Policy() != FsyncAlways || a.Stats().Policy != FsyncAlways {
		t.Fatalf("policy %v after SetPolicy(always)", a.Policy())
	}
	seq, _ = a.Append(argv("SET", "a", "2"))
	if err := a.WaitDurable(seq); err != nil {
		t.Fatal(err)
	}
	if d := a.DurableSeq(); d < seq {
		t.Fatalf("durable %d < %d after WaitDurable with always", d, seq)
	}
	if a.Stats().Fsyncs == 0 {
		t.Fatal("no fsync after switching to always")
	}
}
