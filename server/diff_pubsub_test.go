package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/config"
	"sundial/internal/testserver"
)

// A session drives several raw connections (named A, B, C …) on sundial
// and on redis-server in lockstep, and compares step by step the exact
// bytes each connection receives, messages pushed by other clients
// included. Step syntax:
//
//	A: CMD args     send on A, then read everything A received up to a
//	                sentinel PING sent after it
//	A=N: CMD args   send on A and read exactly N replies (inside MULTI,
//	                or where a PING would change state, e.g. CLIENT CACHING)
//	A?              read what A received since its last step (sentinel)
//	@sleep N        pause N milliseconds
//
// In commands, {A} stands for connection A's client ID on that server. A
// step whose name starts with % (%A: …) shows client IDs in its output as
// {A}, so replies that contain them compare equal.
type session struct {
	name  string
	lines []string
}

// S builds a session.
func S(name string, lines ...string) session { return session{name, lines} }

// diffSessions runs every session with all its connections in RESP2 and
// then in RESP3.
func diffSessions(t *testing.T, cases []session) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.name, proto), func(t *testing.T) {
				runSession(t, tc, proto)
			})
		}
	}
}

// side is one server's half of a session.
type side struct {
	name  string
	addr  string
	proto int
	conns map[string]*testserver.Conn
	ids   map[string]string
	sync  int
}

func (s *side) conn(t *testing.T, name string) *testserver.Conn {
	if c := s.conns[name]; c != nil {
		return c
	}
	c, err := testserver.Dial(s.addr, s.proto)
	if err != nil {
		t.Fatalf("%s: dial: %v", s.name, err)
	}
	id, err := c.Do("CLIENT", "ID")
	if err != nil || !strings.HasPrefix(id, ":") {
		t.Fatalf("%s: client id: %q %v", s.name, id, err)
	}
	s.conns[name] = c
	s.ids[name] = strings.TrimSuffix(id[1:], "\r\n")
	return c
}

func (s *side) close() {
	for _, c := range s.conns {
		c.Close()
	}
}

// expand replaces {X} by connection X's client ID.
func (s *side) expand(t *testing.T, line string) string {
	for {
		i := strings.IndexByte(line, '{')
		if i < 0 || i+2 >= len(line) || line[i+2] != '}' {
			return line
		}
		name := line[i+1 : i+2]
		s.conn(t, name)
		line = line[:i] + s.ids[name] + line[i+3:]
	}
}

// normalize writes the client IDs in integer replies as {X}.
func (s *side) normalize(out string) string {
	for name, id := range s.ids {
		out = strings.ReplaceAll(out, ":"+id+"\r\n", ":{"+name+"}\r\n")
	}
	return out
}

// readN reads n complete replies.
func readN(c *testserver.Conn, n int) (string, error) {
	var b strings.Builder
	for i := 0; i < n; i++ {
		r, err := c.ReadRaw()
		if err != nil {
			return b.String(), err
		}
		b.WriteString(r)
	}
	return b.String(), nil
}

// readToSentinel sends PING <token> and returns everything read before its
// reply (a bulk, or ["pong", token] in RESP2 subscriber mode).
func (s *side) readToSentinel(c *testserver.Conn) (string, error) {
	s.sync++
	tok := "sync-" + strconv.Itoa(s.sync)
	if err := c.Send("PING", tok); err != nil {
		return "", err
	}
	plain := fmt.Sprintf("$%d\r\n%s\r\n", len(tok), tok)
	sub := "*2\r\n$4\r\npong\r\n" + plain
	var b strings.Builder
	for {
		r, err := c.ReadRaw()
		if err != nil {
			return b.String(), err
		}
		if r == plain || r == sub {
			return b.String(), nil
		}
		b.WriteString(r)
	}
}

// step runs one script line on this side and returns what was read.
func (s *side) step(t *testing.T, conn string, n int, cmd string, norm bool) string {
	c := s.conn(t, conn)
	if cmd != "" {
		args, ok := config.SplitArgs(s.expand(t, cmd))
		if !ok || len(args) == 0 {
			t.Fatalf("bad command %q", cmd)
		}
		if err := c.Send(args...); err != nil {
			t.Fatalf("%s: send %q: %v", s.name, cmd, err)
		}
	}
	var out string
	var err error
	if n > 0 {
		out, err = readN(c, n)
	} else {
		out, err = s.readToSentinel(c)
	}
	if err != nil {
		t.Fatalf("%s: %s %q: read: %v (got %q)", s.name, conn, cmd, err, out)
	}
	if norm {
		out = s.normalize(out)
	}
	return out
}

// parseStep splits "A: CMD", "%A=2: CMD" or "A?".
func parseStep(t *testing.T, line string) (conn string, n int, cmd string, norm bool) {
	if strings.HasPrefix(line, "%") {
		norm, line = true, line[1:]
	}
	if len(line) == 2 && line[1] == '?' {
		return line[:1], 0, "", norm
	}
	head, cmd, ok := strings.Cut(line, ": ")
	if !ok || len(head) == 0 {
		t.Fatalf("bad step %q", line)
	}
	conn = head[:1]
	if rest, found := strings.CutPrefix(head[1:], "="); found {
		v, err := strconv.Atoi(rest)
		if err != nil || v <= 0 {
			t.Fatalf("bad step %q", line)
		}
		n = v
	}
	return conn, n, cmd, norm
}

func runSession(t *testing.T, tc session, proto int) {
	panicsBefore := sundial.Panics()
	sides := []*side{
		{name: "sundial", addr: sundial.Addr},
		{name: "redis", addr: redis.Addr},
	}
	for _, s := range sides {
		s.proto = proto
		s.conns = map[string]*testserver.Conn{}
		s.ids = map[string]string{}
		resetServer(t, s.addr)
		defer s.close()
	}
	defer func() {
		for _, s := range sides {
			resetServer(t, s.addr)
		}
	}()
	for i, line := range tc.lines {
		if ms, ok := strings.CutPrefix(line, "@sleep "); ok {
			d, _ := strconv.Atoi(ms)
			time.Sleep(time.Duration(d) * time.Millisecond)
			continue
		}
		conn, n, cmd, norm := parseStep(t, line)
		got := sides[0].step(t, conn, n, cmd, norm)
		want := sides[1].step(t, conn, n, cmd, norm)
		if got != want {
			t.Errorf("step %d %q:\nsundial: %s\nredis:   %s", i+1, line, testserver.Show(got), testserver.Show(want))
		}
	}
	if n := sundial.Panics() - panicsBefore; n > 0 {
		t.Errorf("sundial recovered %d panic(s) running this session", n)
	}
}

// resetServer flushes a server and restores the settings sessions change.
func resetServer(t *testing.T, addr string) {
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	defer c.Close()
	for _, cmd := range [][]string{
		{"FLUSHALL"},
		{"CONFIG", "SET", "notify-keyspace-events", ""},
	} {
		if r, err := c.Do(cmd...); err != nil || r != "+OK\r\n" {
			t.Fatalf("%s %v: %q %v", addr, cmd, r, err)
		}
	}
}

// Pub/sub replies and messages, byte for byte: subscription
// confirmations, message order and formats, counts, PUBSUB introspection,
// subscriber mode.
func TestDiffPubSub(t *testing.T) {
	diffSessions(t, []session{
		S("subscribe publish",
			"A: SUBSCRIBE ch",
			"B: PUBLISH ch hello",
			"A?",
			"B: PUBLISH other x",
			"A?",
			`B: PUBLISH ch ""`,
			`B: PUBLISH ch "\x00\xff\r\n"`,
			"A?"),
		S("subscribe several and duplicates",
			"A: SUBSCRIBE a b a c",
			"A: SUBSCRIBE b",
			"B: PUBLISH b 1",
			"B: PUBLISH c 2",
			"B: PUBLISH a 3",
			"A?"),
		S("message order across publishers",
			"A: SUBSCRIBE ch",
			"B: PUBLISH ch 1",
			"C: PUBLISH ch 2",
			"B: PUBLISH ch 3",
			"A?"),
		S("several subscribers in order",
			"A: SUBSCRIBE ch",
			"B: SUBSCRIBE ch",
			"C: PUBLISH ch m",
			"A?",
			"B?"),
		S("unsubscribe forms",
			"A: UNSUBSCRIBE",
			"A: UNSUBSCRIBE nope",
			"A: SUBSCRIBE a b",
			"A: UNSUBSCRIBE a zz",
			"B: PUBLISH a 1",
			"B: PUBLISH b 2",
			"A?",
			"A: UNSUBSCRIBE",
			"A: PING",
			"B: PUBLISH b 3",
			"A?"),
		// With several subscriptions Redis answers "unsubscribe all" in
		// its hash order, which changes from run to run.
		S("unsubscribe all of one",
			"A: SUBSCRIBE x",
			"A: PSUBSCRIBE p1*",
			"A: UNSUBSCRIBE",
			"A: PUNSUBSCRIBE",
			"A: PUNSUBSCRIBE"),
		S("patterns",
			"A: PSUBSCRIBE news.*",
			"B: PUBLISH news.tech hi",
			"B: PUBLISH news hi",
			"B: PUBLISH news.a.b deep",
			"A?",
			"A: PSUBSCRIBE h?llo [xy]z",
			"B: PUBLISH hello 1",
			"B: PUBLISH yz 2",
			"B: PUBLISH zz 3",
			"A?",
			"A: PUNSUBSCRIBE news.* nope",
			"B: PUBLISH news.tech gone",
			"A?"),
		S("channel and pattern both match",
			"A: SUBSCRIBE ch",
			"A: PSUBSCRIBE c*",
			"B: PUBLISH ch both",
			"A?"),
		S("pattern escapes",
			`A: PSUBSCRIBE "a\\*b"`,
			"B: PUBLISH a*b lit",
			"B: PUBLISH axb no",
			"A?"),
		S("shard channels",
			"A: SUNSUBSCRIBE",
			"A: SSUBSCRIBE s1 s2 s1",
			"B: SPUBLISH s1 hi",
			"B: PUBLISH s1 plain",
			"B: SPUBLISH nobody x",
			"A?",
			"A: SUNSUBSCRIBE s1",
			"A: SUNSUBSCRIBE",
			"A: SUNSUBSCRIBE"),
		S("shard does not match patterns",
			"A: PSUBSCRIBE *",
			"B: SPUBLISH s x",
			"A?"),
		S("subscriber mode",
			"A: SUBSCRIBE ch",
			"A: GET k",
			"A: SET k v",
			"A: PING",
			"A: PING hi",
			"A: ECHO x",
			"%A: CLIENT ID",
			"A: EXEC",
			"A: DISCARD",
			"A=1: MULTI",
			"A=1: WATCH k",
			"A=1: DISCARD",
			"A: UNSUBSCRIBE ch",
			"A: GET k"),
		S("subscriber mode ends only with every kind",
			"A: SUBSCRIBE c",
			"A: PSUBSCRIBE p",
			"A: SSUBSCRIBE s",
			"A: UNSUBSCRIBE",
			"A: PUNSUBSCRIBE",
			"A: PING",
			"A: SUNSUBSCRIBE",
			"A: PING"),
		S("reset leaves subscriber mode",
			"A: SUBSCRIBE ch",
			"A: RESET",
			"A: PING",
			"B: PUBLISH ch x",
			"A?"),
		S("publish to self",
			"%A: HELLO 3",
			"A: SUBSCRIBE me",
			"A: PUBLISH me hi",
			"A: GET x",
			"A: PSUBSCRIBE m*",
			"A: PUBLISH me twice"),
		S("subscribers of both protocols",
			"A: SUBSCRIBE ch",
			"%B: HELLO 3",
			"B: SUBSCRIBE ch",
			"B: PSUBSCRIBE c*",
			"C: PUBLISH ch mixed",
			"A?",
			"B?",
			"A: PSUBSCRIBE *",
			"C: SPUBLISH ch shard",
			"C: PUBLISH other x",
			"A?",
			"B?"),
		S("many channels at once",
			"A: SUBSCRIBE c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12",
			"B: PUBLISH c7 x",
			"B: PUBLISH c12 y",
			"A?",
			"A: UNSUBSCRIBE c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11"),
		S("big message",
			"A: SUBSCRIBE big",
			"B: PUBLISH big "+strings.Repeat("0123456789", 20000),
			"A?"),
		S("publish counts",
			"A: SUBSCRIBE ch",
			"B: SUBSCRIBE ch",
			"B: PSUBSCRIBE c?",
			"C: PUBLISH ch n",
			"C: PUBLISH cx n",
			"C: PUBLISH none n",
			"A?",
			"B?"),
		S("pubsub introspection",
			"A: SUBSCRIBE c1 c2",
			"B: SUBSCRIBE c2",
			"A: PSUBSCRIBE p* q*",
			"B: PSUBSCRIBE p*",
			"B: SSUBSCRIBE s1",
			"C: PUBSUB NUMSUB c1 c2 c3",
			"C: PUBSUB NUMSUB",
			"C: PUBSUB NUMPAT",
			"C: PUBSUB CHANNELS c1",
			"C: PUBSUB CHANNELS x*",
			"C: PUBSUB SHARDCHANNELS",
			"C: PUBSUB SHARDCHANNELS s?",
			"C: PUBSUB SHARDNUMSUB s1 s2",
			"C: PUBSUB SHARDNUMSUB",
			"A: UNSUBSCRIBE c2",
			"C: PUBSUB NUMSUB c2",
			"A: PUNSUBSCRIBE",
			"C: PUBSUB NUMPAT"),
		S("pubsub errors and help",
			"A: PUBSUB",
			"A: PUBSUB FOO",
			"A: PUBSUB HELP",
			"A: PUBSUB NUMPAT x",
			"A: PUBSUB CHANNELS a b",
			"A: PUBLISH ch",
			"A: SPUBLISH ch",
			"A: SUBSCRIBE",
			"A: PSUBSCRIBE",
			"A: SSUBSCRIBE"),
		S("subscribe inside multi",
			"A=1: MULTI",
			"A=1: SUBSCRIBE ch",
			"A=1: SSUBSCRIBE sh",
			"A=1: PING",
			"A=1: EXEC",
			"B: PUBLISH ch x",
			"A?",
			"A: UNSUBSCRIBE"),
		S("disconnected subscriber is forgotten",
			"A: SUBSCRIBE gone",
			"A=1: QUIT",
			"@sleep 50",
			"B: PUBSUB NUMSUB gone",
			"B: PUBLISH gone x"),
	})
}

// PUBSUB CHANNELS order is a hash order in Redis: compare it as a set.
func TestDiffPubSubChannelsUnordered(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	for _, addr := range []string{sundial.Addr, redis.Addr} {
		resetServer(t, addr)
	}
	var got [2]string
	for i, addr := range []string{sundial.Addr, redis.Addr} {
		a, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, err := readAfter(a, 5, "SUBSCRIBE", "x1", "x2", "y1", "x3", "z"); err != nil {
			t.Fatal(err)
		}
		b, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		r, err := b.Do("PUBSUB", "CHANNELS", "x*")
		if err != nil {
			t.Fatal(err)
		}
		got[i] = testserver.Unordered(r)
	}
	if got[0] != got[1] {
		t.Errorf("PUBSUB CHANNELS x*:\nsundial: %q\nredis:   %q", got[0], got[1])
	}
}

// readAfter sends a command and reads n replies.
func readAfter(c *testserver.Conn, n int, args ...string) (string, error) {
	if err := c.Send(args...); err != nil {
		return "", err
	}
	return readN(c, n)
}
