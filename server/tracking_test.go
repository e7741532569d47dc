package server_test

import (
	"strings"
	"testing"
)

// Client-side caching: CLIENT TRACKING modes and the invalidation
// messages they produce, compared byte for byte with redis-server.
func TestDiffTracking(t *testing.T) {
	diffSessions(t, []session{
		S("resp3 invalidation",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"B: SET k 2",
			"A?",
			"A: GET k",
			"A: SET k 3",
			"A: SET k 4"),
		S("own write invalidates after the reply",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: MGET a b c",
			"A: MSET a 1 c 2",
			"A: DEL b"),
		S("reads of missing keys are tracked",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET nokey",
			"A: EXISTS e1 e2",
			"A: STRLEN s",
			"B: SET nokey 1",
			"B: SET e2 1",
			"B: SET s x",
			"A?"),
		S("writes are not tracked",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: SET k 1",
			"A: INCR n",
			"B: SET k 2",
			"B: SET n 5",
			"A?"),
		S("keys are tracked across keyspaces",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: SELECT 3",
			"B: SET k 1",
			"A?"),
		S("invalidations inside exec come after it",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: SET k 1",
			"A: GET k",
			"A=1: MULTI",
			"A=1: SET k 2",
			"A=1: GET k",
			"A=1: SET k 3",
			"A=1: EXEC",
			"A?"),
		S("flush invalidates everything",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: FLUSHALL",
			"A?",
			"A: GET k",
			"A: FLUSHDB",
			"B: SET k 1",
			"A?"),
		S("expiry invalidates",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: DEBUG SET-ACTIVE-EXPIRE 0",
			"A: SET k v PX 30",
			"A: GET k",
			"@sleep 80",
			"A: GET k",
			"A: GET k",
			"A: DEBUG SET-ACTIVE-EXPIRE 1"),
		S("noloop",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on NOLOOP",
			"A: GET k",
			"A: SET k 1",
			"A: GET k",
			"B: SET k 2",
			"A?"),
		S("optin",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on OPTIN",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"A=1: CLIENT CACHING yes",
			"A=1: GET k",
			"B: SET k 2",
			"A?",
			"A=1: CLIENT CACHING yes",
			"A=1: CLIENT GETREDIR",
			"A=1: GET k",
			"B: SET k 3",
			"A?",
			"A=1: CLIENT CACHING yes",
			"A=1: PING",
			"A=1: GET k",
			"B: SET k 4",
			"A?"),
		S("optin caching covers a transaction",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on OPTIN",
			"A=1: CLIENT CACHING yes",
			"A=1: MULTI",
			"A=1: GET a",
			"A=1: GET b",
			"A=1: EXEC",
			"B: MSET a 1 b 2",
			"A?"),
		S("optout",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on OPTOUT",
			"A=1: CLIENT CACHING no",
			"A=1: GET k",
			"B: SET k 1",
			"A?",
			"A: GET k",
			"B: SET k 2",
			"A?"),
		S("bcast",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on BCAST",
			"B: SET x 1",
			"A?",
			"B: MSET z 1 a 2 m 3 a 4",
			"A?",
			// Redis announces BCAST keys once per event-loop turn: keep
			// the sentinel out of the turn that runs the write.
			"A=1: SET own 1",
			"@sleep 20",
			"A?"),
		S("bcast prefixes",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on BCAST PREFIX user: PREFIX job:",
			"B: MSET user:2 a job:1 b other c user:1 d",
			"A?",
			"B: SET other 1",
			"A?",
			"A: CLIENT TRACKING on BCAST PREFIX item:",
			"%A: CLIENT TRACKINGINFO",
			"B: SET item:1 x",
			"A?"),
		S("bcast noloop",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on BCAST NOLOOP",
			"A: SET k 1",
			"B: SET k 2",
			"A?",
			"A: MSET k 3 j 4",
			"A?"),
		S("bcast two clients",
			"%A: HELLO 3",
			"%B: HELLO 3",
			"A: CLIENT TRACKING on BCAST PREFIX p",
			"B: CLIENT TRACKING on BCAST PREFIX p NOLOOP",
			"C: SET p1 x",
			"A?",
			"B?",
			"B: SET p2 y",
			"A?",
			"B?"),
		S("redirect to a subscriber",
			"B: SUBSCRIBE __redis__:invalidate",
			"A: CLIENT TRACKING on REDIRECT {B}",
			"A: GET k",
			"C: SET k 1",
			"B?",
			"A: GET k",
			"A: SET k 2",
			"A?",
			"B?",
			"A: GET j",
			"C: FLUSHALL",
			"B?",
			"%A: CLIENT GETREDIR"),
		S("redirect to a client not subscribed",
			"A: CLIENT TRACKING on REDIRECT {B}",
			"A: GET k",
			"C: SET k 1",
			"B?",
			"A?"),
		S("redirect with bcast",
			"B: SUBSCRIBE __redis__:invalidate",
			"A: CLIENT TRACKING on BCAST PREFIX k REDIRECT {B}",
			"C: MSET k1 1 k2 2",
			"B?"),
		S("redirect broken",
			"%B: CLIENT ID",
			"A: CLIENT TRACKING on REDIRECT {B}",
			"A: GET k",
			"B=1: QUIT",
			"@sleep 50",
			"C: SET k 1",
			"%A?",
			"%A: CLIENT TRACKINGINFO"),
		S("tracking off and on again",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"A: CLIENT TRACKING off",
			"B: SET j 1",
			"A: GET j",
			"A: CLIENT TRACKING on",
			"B: SET k 1",
			"B: SET j 2",
			"A?"),
		S("reset turns tracking off",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"A: RESET",
			"%A: HELLO 3",
			"A: CLIENT TRACKINGINFO",
			"B: SET k 1",
			"A?"),
		S("resp2 without redirect gets nothing",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"A: FLUSHALL",
			"A?"),
		S("invalidations and notifications together",
			"%A: HELLO 3",
			"A: CONFIG SET notify-keyspace-events KEA",
			"A: CLIENT TRACKING on",
			"A: PSUBSCRIBE __keyspace@0__:*",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"A: GET k",
			"A: SET k 2",
			"A: GET k",
			"B: DEL k",
			"A?"),
		S("tracking errors",
			"A: CLIENT TRACKING",
			"A: CLIENT TRACKING maybe",
			"A: CLIENT TRACKING on FOO",
			"A: CLIENT TRACKING on REDIRECT",
			"A: CLIENT TRACKING on REDIRECT abc",
			"A: CLIENT TRACKING on REDIRECT 0",
			"A: CLIENT TRACKING on REDIRECT 999999999",
			"A: CLIENT TRACKING on REDIRECT {A} REDIRECT {A}",
			"A: CLIENT TRACKING on PREFIX a",
			"A: CLIENT TRACKING on BCAST OPTIN",
			"A: CLIENT TRACKING on OPTIN OPTOUT",
			"A: CLIENT TRACKING on BCAST PREFIX ab PREFIX a",
			"A: CLIENT TRACKING on BCAST PREFIX x PREFIX ab PREFIX a",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on BCAST PREFIX abc",
			"A: CLIENT TRACKING on",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on OPTIN",
			"A: CLIENT TRACKING on OPTOUT",
			"A: CLIENT TRACKING on BCAST",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING off"),
		S("caching errors",
			"A: CLIENT CACHING yes",
			"A: CLIENT CACHING",
			"A: CLIENT TRACKING on",
			"A: CLIENT CACHING yes",
			"A: CLIENT CACHING no",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on OPTIN",
			"A: CLIENT CACHING no",
			"A: CLIENT CACHING maybe",
			"A: CLIENT CACHING yes x"),
		S("trackinginfo and getredir",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT GETREDIR",
			"A: CLIENT TRACKING on NOLOOP",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT GETREDIR",
			"A: CLIENT TRACKING on OPTIN",
			"A=1: CLIENT CACHING yes",
			"A=1: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on OPTOUT NOLOOP",
			"A=1: CLIENT CACHING no",
			"A=1: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on REDIRECT {B}",
			"%A: CLIENT TRACKINGINFO",
			"%A: CLIENT GETREDIR",
			"A: CLIENT TRACKINGINFO x",
			"A: CLIENT GETREDIR x"),
	})
}

// CLIENT LIST shows tracking (t), a broken redirection (R) and BCAST (B)
// among the flags, in Redis's order.
func TestTrackingClientListFlags(t *testing.T) {
	s := startWith(t)
	a := dial(t, s.Addr, 2)
	b := dial(t, s.Addr, 2)
	id := strings.TrimSuffix(strings.TrimPrefix(mustReply(t, b, "CLIENT", "ID"), ":"), "\r\n")
	expect(t, a, "+OK\r\n", "CLIENT", "TRACKING", "on", "REDIRECT", id)
	expect(t, a, "$-1\r\n", "GET", "k")
	expect(t, b, "+OK\r\n", "QUIT")
	waitFor(t, func() bool { return s.Engine.NumClients() == 1 })
	expect(t, a, "+OK\r\n", "SET", "k", "1")
	if l := mustReply(t, a, "CLIENT", "INFO"); !strings.Contains(l, " flags=tR ") || !strings.Contains(l, " redir="+id+" ") {
		t.Fatalf("CLIENT INFO %q: want flags=tR redir=%s", l, id)
	}
	expect(t, a, "+OK\r\n", "CLIENT", "TRACKING", "off")
	expect(t, a, "+OK\r\n", "CLIENT", "TRACKING", "on", "BCAST")
	if l := mustReply(t, a, "CLIENT", "INFO"); !strings.Contains(l, " flags=tB ") || !strings.Contains(l, " redir=0 ") {
		t.Fatalf("CLIENT INFO %q: want flags=tB redir=0", l)
	}
}

func mustReply(t *testing.T, c interface {
	Do(...string) (string, error)
}, args ...string) string {
	t.Helper()
	r, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return r
}

// With tracking-table-max-keys set, the table stays within it by
// invalidating keys clients may hold.
func TestTrackingTableLimit(t *testing.T) {
	s := startWith(t)
	a := dial(t, s.Addr, 3)
	expect(t, a, "+OK\r\n", "CONFIG", "SET", "tracking-table-max-keys", "2")
	expect(t, a, "+OK\r\n", "CLIENT", "TRACKING", "on")
	for _, k := range []string{"k1", "k2", "k3", "k4"} {
		a.Send("GET", k)
	}
	a.Send("PING", "end")
	// Each read past the limit invalidated a key the client may cache.
	var nulls, invalidated int
	for {
		out, err := a.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		if out == "$3\r\nend\r\n" {
			break
		}
		switch {
		case out == "_\r\n":
			nulls++
		case strings.HasPrefix(out, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk"):
			invalidated++
		default:
			t.Fatalf("unexpected %q", out)
		}
	}
	if nulls != 4 || invalidated != 2 {
		t.Fatalf("%d replies and %d invalidations, want 4 and 2", nulls, invalidated)
	}
	s.Engine.Mu.Lock()
	defer s.Engine.Mu.Unlock()
	keys, items, _ := s.Engine.TrackingStats()
	if keys != 2 || items != 2 {
		t.Fatalf("table holds %d keys, %d items; want 2, 2", keys, items)
	}
}
