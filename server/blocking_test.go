package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Blocking list commands with several concurrent clients. Each scenario
// runs against sundial and, when installed, against redis-server with the
// same expectations, so the expectations are Redis's own behaviour.

// blTarget is a server a scenario runs against.
type blTarget struct {
	name string
	addr string
	// blocked reports how many clients are parked in blocking commands.
	blocked func(t *testing.T, c *testserver.Conn) int
}

func blTargets(t *testing.T) []blTarget {
	ts := []blTarget{{name: "sundial", addr: sundial.Addr, blocked: blBlockedCount}}
	if redis != nil {
		ts = append(ts, blTarget{name: "redis", addr: redis.Addr, blocked: blBlockedCount})
	} else if testserver.RequireRedis() {
		t.Fatal("SUNDIAL_REQUIRE_REDIS=1 but redis-server is not available")
	}
	return ts
}

// blockedCount reads blocked_clients from INFO clients.
func blBlockedCount(t *testing.T, c *testserver.Conn) int {
	t.Helper()
	raw := blDo(t, c, "INFO", "clients")
	i := strings.Index(raw, "blocked_clients:")
	if i < 0 {
		t.Fatalf("no blocked_clients in INFO: %q", raw)
	}
	var n int
	fmt.Sscanf(raw[i+len("blocked_clients:"):], "%d", &n)
	return n
}

// eachTarget runs fn against every blTarget on a flushed server.
func blEach(t *testing.T, fn func(t *testing.T, tg blTarget, ctl *testserver.Conn)) {
	for _, tg := range blTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			ctl := blDial(t, tg.addr, 2)
			blDo(t, ctl, "FLUSHALL")
			blWait(t, tg, ctl, 0)
			fn(t, tg, ctl)
		})
	}
}

func blDial(t *testing.T, addr string, proto int) *testserver.Conn {
	t.Helper()
	c, err := testserver.Dial(addr, proto)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func blDo(t *testing.T, c *testserver.Conn, args ...string) string {
	t.Helper()
	r, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return r
}

func blSend(t *testing.T, c *testserver.Conn, args ...string) {
	t.Helper()
	if err := c.Send(args...); err != nil {
		t.Fatalf("send %v: %v", args, err)
	}
}

func blRead(t *testing.T, c *testserver.Conn) string {
	t.Helper()
	r, err := c.ReadRaw()
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return r
}

// waitBlocked waits until exactly n clients are blocked.
func blWait(t *testing.T, tg blTarget, ctl *testserver.Conn, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := tg.blocked(t, ctl)
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d blocked clients, want %d", tg.name, got, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// block sends a blocking command on a new connection and waits until the
// server has parked it.
func blBlock(t *testing.T, tg blTarget, ctl *testserver.Conn, want int, args ...string) *testserver.Conn {
	t.Helper()
	c := blDial(t, tg.addr, 2)
	blSend(t, c, args...)
	blWait(t, tg, ctl, want)
	return c
}

func blArray(items ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(items))
	for _, s := range items {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(s), s)
	}
	return b.String()
}

func blExpect(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

// blTimeout is a blocking command expected to time out after about min.
type blTimeout struct {
	args []string
	min  time.Duration
}

// blExpectTimeouts runs each command on a new connection and checks that
// it answers a null array after its timeout (within 900 ms more).
func blExpectTimeouts(t *testing.T, tg blTarget, cases []blTimeout) {
	t.Helper()
	for _, tc := range cases {
		c := blDial(t, tg.addr, 2)
		start := time.Now()
		got := blDo(t, c, tc.args...)
		took := time.Since(start)
		blExpect(t, strings.Join(tc.args, " "), got, "*-1\r\n")
		if took < tc.min || took > tc.min+900*time.Millisecond {
			t.Errorf("%v timed out after %v, want about %v", tc.args, took, tc.min)
		}
	}
}

// blReadAll reads one reply from each connection concurrently (blocked
// waiters served in any order); the returned function waits for them all
// and gives the replies in connection order.
func blReadAll(t *testing.T, conns []*testserver.Conn) func() []string {
	var wg sync.WaitGroup
	got := make([]string, len(conns))
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := c.ReadRaw()
			if err != nil {
				t.Errorf("waiter %d: %v", i, err)
			}
			got[i] = r
		}()
	}
	return func() []string {
		wg.Wait()
		return got
	}
}

func TestBlockingFIFO(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		var waiters []*testserver.Conn
		for i := 0; i < 3; i++ {
			waiters = append(waiters, blBlock(t, tg, ctl, i+1, "BLPOP", "k", "0"))
		}
		blExpect(t, "rpush", blDo(t, ctl, "RPUSH", "k", "a", "b"), ":2\r\n")
		blExpect(t, "first waiter", blRead(t, waiters[0]), blArray("k", "a"))
		blExpect(t, "second waiter", blRead(t, waiters[1]), blArray("k", "b"))
		// Both values went to waiters before anyone else could see them.
		blExpect(t, "llen", blDo(t, ctl, "LLEN", "k"), ":0\r\n")
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "LPUSH", "k", "c")
		blExpect(t, "third waiter", blRead(t, waiters[2]), blArray("k", "c"))
		blWait(t, tg, ctl, 0)
	})
}

func TestBlockingFIFOAcrossCommands(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		a := blBlock(t, tg, ctl, 1, "BRPOP", "k", "0")
		b := blBlock(t, tg, ctl, 2, "BLMPOP", "0", "1", "k", "LEFT", "COUNT", "5")
		c := blBlock(t, tg, ctl, 3, "BLMOVE", "k", "dst", "LEFT", "RIGHT", "0")
		blDo(t, ctl, "RPUSH", "k", "1", "2", "3", "4")
		blExpect(t, "brpop", blRead(t, a), blArray("k", "4"))
		blExpect(t, "blmpop", blRead(t, b), "*2\r\n$1\r\nk\r\n"+blArray("1", "2", "3"))
		blExpect(t, "exists", blDo(t, ctl, "EXISTS", "k"), ":0\r\n")
		blDo(t, ctl, "RPUSH", "k", "5")
		blExpect(t, "blmove", blRead(t, c), "$1\r\n5\r\n")
		blExpect(t, "dst", blDo(t, ctl, "LRANGE", "dst", "0", "-1"), blArray("5"))
	})
}

func TestBlockingTimeouts(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		blExpectTimeouts(t, tg, []blTimeout{
			{[]string{"BLPOP", "k", "0.1"}, 100 * time.Millisecond},
			{[]string{"BRPOP", "a", "b", "0.05"}, 50 * time.Millisecond},
			{[]string{"BLMOVE", "k", "d", "LEFT", "LEFT", ".2"}, 200 * time.Millisecond},
			{[]string{"BRPOPLPUSH", "k", "d", "0.1"}, 100 * time.Millisecond},
			{[]string{"BLMPOP", "0.1", "2", "a", "b", "RIGHT"}, 100 * time.Millisecond},
			{[]string{"BLPOP", "k", "1"}, time.Second},
			{[]string{"BLPOP", "k", "0.0001"}, 0},
			{[]string{"BLPOP", "k", "1e-30"}, 0},
		})
		// RESP3 timeouts are nulls.
		c3 := blDial(t, tg.addr, 3)
		blExpect(t, "resp3 timeout", blDo(t, c3, "BLPOP", "k", "0.01"), "_\r\n")
		blWait(t, tg, ctl, 0)
	})
}

// A negative timeout above -1ms rounds up to 0 and waits for ever, as
// does one so far away that Redis's deadline arithmetic overflows.
func TestBlockingTinyAndHugeTimeouts(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		for i, timeout := range []string{"-0.0001", "-0.0009", "-0.001", "9223372036854775"} {
			c := blBlock(t, tg, ctl, 1, "BLPOP", "k", timeout)
			time.Sleep(50 * time.Millisecond)
			blWait(t, tg, ctl, 1)
			blDo(t, ctl, "RPUSH", "k", fmt.Sprint(i))
			blExpect(t, "served "+timeout, blRead(t, c), blArray("k", fmt.Sprint(i)))
		}
	})
}

func TestBlockingServedByOtherClient(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BLPOP", "missing", "k", "0")
		blExpect(t, "push other key", blDo(t, ctl, "RPUSH", "other", "x"), ":1\r\n")
		time.Sleep(20 * time.Millisecond)
		blWait(t, tg, ctl, 1)
		blExpect(t, "push", blDo(t, ctl, "LPUSH", "k", "v1", "v2"), ":2\r\n")
		blExpect(t, "served", blRead(t, w), blArray("k", "v2"))
		blExpect(t, "rest", blDo(t, ctl, "LRANGE", "k", "0", "-1"), blArray("v1"))
		// The waiter's connection works normally afterwards.
		blExpect(t, "after", blDo(t, w, "PING"), "+PONG\r\n")
	})
}

// Keys made ready by one transaction are served in the order they were
// signalled, each from its own key.
func TestBlockingServesSignalledKey(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BLPOP", "k1", "k2", "0")
		blDo(t, ctl, "MULTI")
		blDo(t, ctl, "RPUSH", "k2", "x")
		blDo(t, ctl, "RPUSH", "k1", "y")
		blExpect(t, "exec", blDo(t, ctl, "EXEC"), "*2\r\n:1\r\n:1\r\n")
		blExpect(t, "served from k2", blRead(t, w), blArray("k2", "x"))
		blExpect(t, "k1 kept", blDo(t, ctl, "LRANGE", "k1", "0", "-1"), blArray("y"))
	})
}

// Inside MULTI the pushed value is visible to the transaction; the
// waiter gets it once EXEC is done, before any other client runs.
func TestBlockingAfterMulti(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BRPOP", "k", "0")
		blDo(t, ctl, "MULTI")
		blDo(t, ctl, "RPUSH", "k", "a")
		blDo(t, ctl, "LLEN", "k")
		blExpect(t, "exec", blDo(t, ctl, "EXEC"), "*2\r\n:1\r\n:1\r\n")
		blExpect(t, "llen after", blDo(t, ctl, "LLEN", "k"), ":0\r\n")
		blExpect(t, "served", blRead(t, w), blArray("k", "a"))
		// A blocking command inside MULTI acts as its non-blocking form.
		blDo(t, ctl, "MULTI")
		blDo(t, ctl, "BLPOP", "k", "0")
		blDo(t, ctl, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
		blExpect(t, "exec blocking", blDo(t, ctl, "EXEC"), "*2\r\n*-1\r\n$-1\r\n")
	})
}

// A value pushed and popped again in one transaction never reaches the
// waiter.
func TestBlockingPushPopInMulti(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BLPOP", "k", "0")
		blDo(t, ctl, "MULTI")
		blDo(t, ctl, "RPUSH", "k", "a")
		blDo(t, ctl, "LPOP", "k")
		blDo(t, ctl, "EXEC")
		time.Sleep(20 * time.Millisecond)
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "RPUSH", "k", "b")
		blExpect(t, "served", blRead(t, w), blArray("k", "b"))
	})
}

func TestBlockingChainedMove(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		mover := blBlock(t, tg, ctl, 1, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
		popper := blBlock(t, tg, ctl, 2, "BLPOP", "dst", "0")
		blDo(t, ctl, "RPUSH", "src", "v")
		blExpect(t, "mover", blRead(t, mover), "$1\r\nv\r\n")
		blExpect(t, "popper", blRead(t, popper), blArray("dst", "v"))
		blExpect(t, "all gone", blDo(t, ctl, "EXISTS", "src", "dst"), ":0\r\n")
	})
}

func TestBlockingMoveWrongTypeDestination(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
		blDo(t, ctl, "SET", "dst", "string")
		blDo(t, ctl, "RPUSH", "src", "v")
		blExpect(t, "waiter", blRead(t, w), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
		blExpect(t, "src kept", blDo(t, ctl, "LRANGE", "src", "0", "-1"), blArray("v"))
		blWait(t, tg, ctl, 0)
	})
}

// A waiter whose key became another type keeps waiting.
func TestBlockingKeyOfOtherType(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BLPOP", "k", "0")
		blDo(t, ctl, "SET", "k", "v")
		blDo(t, ctl, "DEL", "k")
		blDo(t, ctl, "SADD", "k", "m")
		time.Sleep(20 * time.Millisecond)
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "DEL", "k")
		blDo(t, ctl, "RPUSH", "k", "x")
		blExpect(t, "served", blRead(t, w), blArray("k", "x"))
	})
}

// A client that disconnects while blocked leaves no trace: a later push
// is not consumed by it.
func TestBlockingDisconnect(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		gone := blBlock(t, tg, ctl, 1, "BLPOP", "k", "0")
		stay := blBlock(t, tg, ctl, 2, "BLPOP", "k", "0")
		gone.Close()
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "RPUSH", "k", "a", "b")
		blExpect(t, "remaining waiter", blRead(t, stay), blArray("k", "a"))
		blExpect(t, "left in list", blDo(t, ctl, "LRANGE", "k", "0", "-1"), blArray("b"))
	})
}

func TestBlockingClientKill(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		victim := blDial(t, tg.addr, 2)
		id := strings.TrimSpace(strings.TrimPrefix(blDo(t, victim, "CLIENT", "ID"), ":"))
		blSend(t, victim, "BLMOVE", "k", "d", "LEFT", "LEFT", "0")
		blWait(t, tg, ctl, 1)
		blExpect(t, "kill", blDo(t, ctl, "CLIENT", "KILL", "ID", id), ":1\r\n")
		blWait(t, tg, ctl, 0)
		blDo(t, ctl, "RPUSH", "k", "a")
		blExpect(t, "value kept", blDo(t, ctl, "LRANGE", "k", "0", "-1"), blArray("a"))
		blExpect(t, "nothing moved", blDo(t, ctl, "EXISTS", "d"), ":0\r\n")
	})
}

func TestBlockingClientUnblock(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		for _, tc := range []struct {
			cmd  []string
			how  []string
			want string
		}{
			{[]string{"BLPOP", "k", "0"}, nil, "*-1\r\n"},
			{[]string{"BLPOP", "k", "0"}, []string{"TIMEOUT"}, "*-1\r\n"},
			{[]string{"BRPOP", "k", "0"}, []string{"ERROR"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
			{[]string{"BLMOVE", "k", "d", "LEFT", "LEFT", "0"}, []string{"timeout"}, "*-1\r\n"},
			{[]string{"BRPOPLPUSH", "k", "d", "0"}, []string{"error"}, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
			{[]string{"BLMPOP", "0", "1", "k", "LEFT"}, nil, "*-1\r\n"},
		} {
			w := blDial(t, tg.addr, 2)
			id := strings.TrimSpace(strings.TrimPrefix(blDo(t, w, "CLIENT", "ID"), ":"))
			blSend(t, w, tc.cmd...)
			blWait(t, tg, ctl, 1)
			blExpect(t, "unblock", blDo(t, ctl, append([]string{"CLIENT", "UNBLOCK", id}, tc.how...)...), ":1\r\n")
			blExpect(t, strings.Join(tc.cmd, " "), blRead(t, w), tc.want)
			blWait(t, tg, ctl, 0)
			blExpect(t, "unblock again", blDo(t, ctl, "CLIENT", "UNBLOCK", id), ":0\r\n")
			blExpect(t, "ping after", blDo(t, w, "PING"), "+PONG\r\n")
		}
	})
}

// Pipelined commands sent behind a blocking one run after it is served.
func TestBlockingPipelined(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blDial(t, tg.addr, 2)
		blSend(t, w, "BLPOP", "k", "0")
		blSend(t, w, "RPUSH", "k", "own")
		blSend(t, w, "LRANGE", "k", "0", "-1")
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "RPUSH", "k", "x")
		blExpect(t, "served", blRead(t, w), blArray("k", "x"))
		blExpect(t, "next", blRead(t, w), ":1\r\n")
		blExpect(t, "then", blRead(t, w), blArray("own"))
	})
}

// Many clients wait on one key while many values arrive: every value is
// delivered exactly once and nothing is left behind.
func TestBlockingManyWaiters(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		const n = 20
		var conns []*testserver.Conn
		for i := 0; i < n; i++ {
			conns = append(conns, blBlock(t, tg, ctl, i+1, "BRPOP", "q", "0"))
		}
		replies := blReadAll(t, conns)
		for i := 0; i < n; i++ {
			blDo(t, ctl, "LPUSH", "q", fmt.Sprint(i))
		}
		got := replies()
		for i, r := range got {
			blExpect(t, fmt.Sprint("waiter ", i), r, blArray("q", fmt.Sprint(i)))
		}
		blExpect(t, "empty", blDo(t, ctl, "EXISTS", "q"), ":0\r\n")
	})
}

// Writes are propagated in their deterministic, non-blocking forms.
func TestListSetHashPropagation(t *testing.T) {
	rec, tg, ctl := propagationTarget(t)
	w := blBlock(t, tg, ctl, 1, "BLPOP", "k", "0")
	blDo(t, ctl, "RPUSH", "k", "a", "b")
	blRead(t, w)
	rec.expect(t, "blpop served", "RPUSH k a b", "LPOP k")
	blDo(t, ctl, "BRPOP", "k", "0")
	rec.expect(t, "brpop immediate", "RPOP k")
	w = blBlock(t, tg, ctl, 1, "BLMOVE", "s", "d", "left", "right", "0")
	blDo(t, ctl, "RPUSH", "s", "x")
	blRead(t, w)
	rec.expect(t, "blmove served", "RPUSH s x", "LMOVE s d left right")
	w = blBlock(t, tg, ctl, 1, "BRPOPLPUSH", "s", "d", "0")
	blDo(t, ctl, "RPUSH", "s", "y")
	blRead(t, w)
	rec.expect(t, "brpoplpush served", "RPUSH s y", "RPOPLPUSH s d")
	w = blBlock(t, tg, ctl, 1, "BLMPOP", "0", "1", "m", "RIGHT", "COUNT", "5")
	blDo(t, ctl, "RPUSH", "m", "1", "2")
	blRead(t, w)
	rec.expect(t, "blmpop served", "RPUSH m 1 2", "RPOP m 2")
	blDo(t, ctl, "RPUSH", "m", "1", "2", "3")
	blDo(t, ctl, "LMPOP", "1", "m", "LEFT", "COUNT", "2")
	rec.expect(t, "lmpop", "RPUSH m 1 2 3", "LPOP m 2")
	blDo(t, ctl, "LPOP", "nokey")
	blDo(t, ctl, "LTRIM", "m", "0", "-1")
	blDo(t, ctl, "SREM", "nokey", "a")
	rec.expect(t, "no-op writes propagate nothing")
	blDo(t, ctl, "SADD", "set", "1")
	r := blDo(t, ctl, "SPOP", "set")
	rec.expect(t, "spop", "SADD set 1", "SREM set "+strings.Split(r, "\r\n")[1])
	blDo(t, ctl, "SADD", "set", "1", "2", "3")
	blDo(t, ctl, "SPOP", "set", "5")
	rec.expect(t, "spop whole", "SADD set 1 2 3", "DEL set")
	blDo(t, ctl, "SADD", "set", "a", "b", "c")
	r = blDo(t, ctl, "SPOP", "set", "2")
	lines := strings.Split(r, "\r\n")
	rec.expect(t, "spop count", "SADD set a b c", "SREM set "+lines[2]+" "+lines[4])
	blDo(t, ctl, "HINCRBYFLOAT", "h", "f", "10.5")
	blDo(t, ctl, "HINCRBYFLOAT", "h", "f", "0.1")
	rec.expect(t, "hincrbyfloat", "HSET h f 10.5", "HSET h f 10.6")
}

// propagationTarget starts a sundial whose propagated writes (what its
// AOF would get) are recorded, with a control connection to drive it.
func propagationTarget(t *testing.T) (*propRecorder, blTarget, *testserver.Conn) {
	s := startWith(t)
	rec := &propRecorder{}
	s.Engine.Mu.Lock()
	s.Engine.Propagate = rec.record
	s.Engine.Mu.Unlock()
	return rec, blTarget{name: "sundial", addr: s.Addr, blocked: blBlockedCount}, blDial(t, s.Addr, 2)
}

// expect checks the writes propagated since the last take, in order.
func (r *propRecorder) expect(t *testing.T, step string, want ...string) {
	t.Helper()
	got := r.take()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: propagated\n%s\nwant\n%s", step, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
