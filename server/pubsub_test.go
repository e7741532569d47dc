package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
)

// A subscriber that never reads is disconnected once its pending output
// passes the pubsub hard limit; the publisher never waits for it and the
// other subscribers receive every message, in order.
func TestSlowSubscriberHardLimit(t *testing.T) {
	s := startWith(t)
	admin := dial(t, s.Addr, 2)
	expect(t, admin, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0")

	slow := dial(t, s.Addr, 2)
	expect(t, slow, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "SUBSCRIBE", "ch")
	fast := startReader(t, s.Addr, "ch")

	payload := strings.Repeat("x", 16<<10)
	pub := dial(t, s.Addr, 2)
	sent := 0
	// Publish until the slow subscriber is gone (the kernel buffers a few
	// MB of its output first), then a few more.
	for extra := -1; extra < 20; sent++ {
		if sent > 8192 {
			t.Fatal("slow subscriber still connected after 128 MB of messages")
		}
		// Keep the fast subscriber close behind: its output must stay
		// small while the slow one's grows.
		fast.wait(t, sent-8)
		r, err := pub.Do("PUBLISH", "ch", fmt.Sprintf("%06d%s", sent, payload))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r == ":1\r\n" && extra < 0:
			extra = 0 // only the fast subscriber is left
		case r == ":1\r\n":
			extra++
		case r != ":2\r\n" || extra >= 0:
			t.Fatalf("PUBLISH %d = %q", sent, r)
		}
	}
	t.Logf("slow subscriber dropped after %d messages of 16 kB", sent-20)
	expect(t, admin, "*2\r\n$2\r\nch\r\n:1\r\n", "PUBSUB", "NUMSUB", "ch")
	if got := fast.wait(t, sent); got != sent {
		t.Fatalf("fast subscriber got %d of %d messages", got, sent)
	}
	// The slow connection was closed by the server: after whatever the
	// kernel held, it reads end of stream.
	slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, slow.R); err != nil && !isReset(err) {
		t.Fatalf("slow subscriber: %v, want EOF", err)
	}
}

// Past the soft limit for longer than its seconds, a subscriber is
// disconnected too.
func TestSlowSubscriberSoftLimit(t *testing.T) {
	s := startWith(t)
	admin := dial(t, s.Addr, 2)
	expect(t, admin, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 64kb 1")
	slow := dial(t, s.Addr, 2)
	expect(t, slow, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", "SUBSCRIBE", "ch")
	fast := startReader(t, s.Addr, "ch")
	pub := dial(t, s.Addr, 2)
	// Messages well below the soft limit: a subscriber that keeps up
	// never stays above it.
	payload := strings.Repeat("y", 4<<10)
	deadline := time.Now().Add(20 * time.Second)
	sent := 0
	for {
		fast.wait(t, sent-8)
		r, err := pub.Do("PUBLISH", "ch", fmt.Sprintf("%06d%s", sent, payload))
		if err != nil {
			t.Fatal(err)
		}
		sent++
		if r == ":1\r\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("slow subscriber not disconnected by the soft limit")
		}
		if sent > 4000 {
			time.Sleep(5 * time.Millisecond) // buffers are full: let time pass
		}
	}
	if got := fast.wait(t, sent); got != sent {
		t.Fatalf("fast subscriber got %d of %d messages", got, sent)
	}
}

// reader is a subscriber that checks it receives numbered messages in
// order.
type reader struct {
	mu   sync.Mutex
	n    int
	err  error
	more chan struct{}
}

func startReader(t *testing.T, addr, channel string) *reader {
	c := dial(t, addr, 2)
	if _, err := readAfter(c, 1, "SUBSCRIBE", channel); err != nil {
		t.Fatal(err)
	}
	r := &reader{more: make(chan struct{}, 1)}
	go func() {
		for {
			c.SetReadDeadline(time.Now().Add(30 * time.Second))
			m, err := testserver.ReadRaw(c.R)
			r.mu.Lock()
			if err == nil {
				var body string
				if parts := strings.Split(m, "\r\n"); len(parts) > 6 {
					body = parts[6]
				}
				if want := fmt.Sprintf("%06d", r.n); !strings.HasPrefix(body, want) {
					err = fmt.Errorf("message %d out of order: %.40q", r.n, m)
				}
				r.n++
			}
			r.err = err
			r.mu.Unlock()
			select {
			case r.more <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

// wait returns the number of messages read once n arrived (or reading
// stopped).
func (r *reader) wait(t *testing.T, n int) int {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		got, err := r.n, r.err
		r.mu.Unlock()
		if got >= n {
			return got
		}
		if err != nil {
			t.Fatalf("subscriber: %v", err)
		}
		select {
		case <-r.more:
		case <-timeout:
			return got
		}
	}
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "reset by peer") || errors.Is(err, io.EOF))
}

// A RESP3 subscriber keeps running commands; pushes and replies arrive
// in the order the server produced them.
func TestRESP3SubscriberRunsCommands(t *testing.T) {
	s := startWith(t)
	a := dial(t, s.Addr, 3)
	b := dial(t, s.Addr, 2)
	expect(t, a, ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n", "SUBSCRIBE", "c")
	expect(t, a, "+OK\r\n", "SET", "k", "v")
	expect(t, b, ":1\r\n", "PUBLISH", "c", "m1")
	expect(t, a, ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nm1\r\n", "GET", "k")
	if r, err := a.ReadRaw(); err != nil || r != "$1\r\nv\r\n" {
		t.Fatalf("GET reply %q, %v", r, err)
	}
}

// go-redis v9 pub/sub (RESP3 after HELLO 3) against sundial.
func TestGoRedisPubSub(t *testing.T) {
	s := startWith(t)
	ctx := context.Background()
	rdb := goredis.NewClient(&goredis.Options{Addr: s.Addr})
	defer rdb.Close()
	ps := rdb.Subscribe(ctx, "news")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := ps.PSubscribe(ctx, "n*"); err != nil {
		t.Fatal(err)
	}
	n, err := rdb.Publish(ctx, "news", "hello").Result()
	if err != nil || n != 2 {
		t.Fatalf("PUBLISH = %d, %v; want 2", n, err)
	}
	ch := ps.Channel()
	for _, want := range []string{"news||hello", "news|n*|hello"} {
		select {
		case m := <-ch:
			if got := m.Channel + "|" + m.Pattern + "|" + m.Payload; got != want {
				t.Fatalf("message %q, want %q", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no message %q", want)
		}
	}
	subs, err := rdb.PubSubNumSub(ctx, "news").Result()
	if err != nil || subs["news"] != 1 {
		t.Fatalf("NUMSUB = %v, %v", subs, err)
	}
}
