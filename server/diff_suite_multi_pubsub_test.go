package server_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Scenarios of Redis's own test suite (tests/unit/multi.tcl, pubsub.tcl,
// pubsubshard.tcl and tracking.tcl) replayed against sundial and
// redis-server: single-connection scenarios as differential cases, the
// ones with several clients as sessions comparing what every connection
// receives. Replication-stream checks and timing-bound waits are left out.

func TestDiffSuiteMultiPubsubMulti(t *testing.T) {
	diff(t, []testserver.Case{
		C("MULTI / EXEC basics", "DEL mylist", "RPUSH mylist a", "RPUSH mylist b", "RPUSH mylist c",
			"MULTI", "LRANGE mylist 0 -1", "PING", "EXEC"),
		C("DISCARD", "DEL mylist", "RPUSH mylist a", "RPUSH mylist b", "RPUSH mylist c",
			"MULTI", "DEL mylist", "DISCARD", "LRANGE mylist 0 -1"),
		C("Nested MULTI are not allowed", "MULTI", "MULTI", "EXEC"),
		C("MULTI where commands alter argc/argv", "SADD myset a", "MULTI", "SPOP myset", "EXEC", "EXISTS myset"),
		C("WATCH inside MULTI is not allowed", "MULTI", "WATCH x", "EXEC"),
		C("EXEC fails if there are errors while queueing commands #1", "DEL foo1{t} foo2{t}", "MULTI", "SET foo1{t} bar1",
			"non-existing-command", "SET foo2{t} bar2", "EXEC", "EXISTS foo1{t}", "EXISTS foo2{t}"),
		C("If EXEC aborts, the client MULTI state is cleared", "DEL foo1{t} foo2{t}", "MULTI", "SET foo1{t} bar1",
			"non-existing-command", "SET foo2{t} bar2", "EXEC", "PING"),
		C("EXEC works on WATCHed key not modified", "WATCH x{t} y{t} z{t}", "WATCH k{t}", "MULTI", "PING", "EXEC"),
		C("EXEC fail on WATCHed key modified (1 key of 1 watched)", "SET x 30", "WATCH x", "SET x 40", "MULTI", "PING", "EXEC"),
		C("EXEC fail on WATCHed key modified (1 key of 5 watched)", "SET x{t} 30", "WATCH a{t} b{t} x{t} k{t} z{t}",
			"SET x{t} 40", "MULTI", "PING", "EXEC"),
		C("EXEC fail on WATCHed key modified by SORT with STORE even if the result is empty", "FLUSHDB", "LPUSH foo bar",
			"WATCH foo", "SORT emptylist STORE foo", "MULTI", "PING", "EXEC"),
		C("EXEC fail on lazy expired WATCHed key", "DEL key", "DEBUG SET-ACTIVE-EXPIRE 0", "SET key 1 PX 20", "WATCH key",
			"@sleep 40", "MULTI", "INCR key", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("WATCH stale keys should not fail EXEC", "DEL x", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1", "@sleep 10",
			"WATCH x", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("Delete WATCHed stale keys should not fail EXEC", "DEL x", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1", "@sleep 10",
			"WATCH x", "EXISTS x", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("FLUSHDB while watching stale keys should not fail EXEC", "DEL x", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1",
			"@sleep 10", "WATCH x", "FLUSHDB", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("After successful EXEC key is no longer watched", "SET x 30", "WATCH x", "MULTI", "PING", "EXEC",
			"SET x 40", "MULTI", "PING", "EXEC"),
		C("After failed EXEC key is no longer watched", "SET x 30", "WATCH x", "SET x 40", "MULTI", "PING", "EXEC",
			"SET x 40", "MULTI", "PING", "EXEC"),
		C("It is possible to UNWATCH", "SET x 30", "WATCH x", "SET x 40", "UNWATCH", "MULTI", "PING", "EXEC"),
		C("UNWATCH when there is nothing watched works as expected", "UNWATCH"),
		C("FLUSHALL is able to touch the watched keys", "SET x 30", "WATCH x", "FLUSHALL", "MULTI", "PING", "EXEC"),
		C("FLUSHALL does not touch non affected keys", "DEL x", "WATCH x", "FLUSHALL", "MULTI", "PING", "EXEC"),
		C("FLUSHDB is able to touch the watched keys", "SET x 30", "WATCH x", "FLUSHDB", "MULTI", "PING", "EXEC"),
		C("FLUSHDB does not touch non affected keys", "DEL x", "WATCH x", "FLUSHDB", "MULTI", "PING", "EXEC"),
		C("SWAPDB is able to touch the watched keys that exist", "FLUSHALL", "SELECT 0", "SET x 30", "WATCH x",
			"SWAPDB 0 1", "MULTI", "PING", "EXEC"),
		C("SWAPDB is able to touch the watched keys that do not exist", "FLUSHALL", "SELECT 1", "SET x 30", "SELECT 0",
			"WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC"),
		C("SWAPDB does not touch watched stale keys", "FLUSHALL", "SELECT 1", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1",
			"@sleep 10", "WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("SWAPDB does not touch non-existing key replaced with stale key", "FLUSHALL", "SELECT 0", "DEBUG SET-ACTIVE-EXPIRE 0",
			"SET x foo PX 1", "@sleep 10", "SELECT 1", "WATCH x", "SWAPDB 0 1", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("SWAPDB does not touch stale key replaced with another stale key", "FLUSHALL", "DEBUG SET-ACTIVE-EXPIRE 0",
			"SELECT 1", "SET x foo PX 1", "SELECT 0", "SET x bar PX 1", "@sleep 10", "SELECT 1", "WATCH x", "SWAPDB 0 1",
			"MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("WATCH is able to remember the DB a key belongs to", "SELECT 5", "SET x 30", "WATCH x", "SELECT 1", "SET x 10",
			"SELECT 5", "MULTI", "PING", "EXEC", "SELECT 9"),
		C("WATCH will consider touched keys target of EXPIRE", "DEL x", "SET x foo", "WATCH x", "EXPIRE x 10",
			"MULTI", "PING", "EXEC"),
		C("WATCH will consider touched expired keys", "FLUSHALL", "DEL x", "SET x foo", "PEXPIRE x 20", "WATCH x",
			"@sleep 250", "DBSIZE", "MULTI", "PING", "EXEC"),
		C("DISCARD should clear the WATCH dirty flag on the client", "WATCH x", "SET x 10", "MULTI", "DISCARD",
			"MULTI", "INCR x", "EXEC"),
		C("DISCARD should UNWATCH all the keys", "WATCH x", "SET x 10", "MULTI", "DISCARD", "SET x 10",
			"MULTI", "INCR x", "EXEC"),
		C("MULTI / EXEC with several writes and reads", "MULTI", "SET foo{t} bar", "GET foo{t}", "SET foo2{t} bar2",
			"GET foo2{t}", "SET foo3{t} bar3", "GET foo3{t}", "EXEC"),
		C("MULTI / EXEC with SELECT", "MULTI", "SELECT 1", "SET foo{t} bar", "GET foo{t}", "SELECT 2", "SET foo2{t} bar2",
			"GET foo2{t}", "SELECT 3", "SET foo3{t} bar3", "GET foo3{t}", "EXEC", "GET foo3{t}", "SELECT 0"),
		C("MULTI / EXEC empty and read-only transactions", "MULTI", "EXEC", "SET foo value1", "MULTI", "GET foo", "EXEC",
			"MULTI", "DEL nofoo", "EXEC", "INCR foo"),
		C("Blocking commands ignores the timeout", "XGROUP CREATE s{t} g $ MKSTREAM", "MULTI",
			"BLPOP empty_list{t} 0", "BRPOP empty_list{t} 0", "BRPOPLPUSH empty_list1{t} empty_list2{t} 0",
			"BLMOVE empty_list1{t} empty_list2{t} LEFT LEFT 0", "BZPOPMIN empty_zset{t} 0", "BZPOPMAX empty_zset{t} 0",
			"XREAD BLOCK 0 STREAMS s{t} $", "XREADGROUP GROUP g c BLOCK 0 STREAMS s{t} >", "EXEC"),
		C("MULTI with PUBLISH", "MULTI", "PUBLISH bla bla", "EXEC"),
		C("MULTI with SCRIPT LOAD", "MULTI", "SCRIPT LOAD \"redis.call('set', KEYS[1], 'foo')\"", "SET foo bar", "EXEC",
			"EVALSHA 6844138fe6beadc51f1eaa0e206c5698ec2c132d 1 x", "GET x"),
		C("MULTI with EVAL", "MULTI", "EVAL \"redis.call('set', KEYS[1], 'bar')\" 1 bar", "EXEC", "GET bar"),
		C("MULTI with SCRIPT FLUSH", "SCRIPT LOAD \"return 1\"", "MULTI", "SCRIPT FLUSH", "SET foo bar", "EXEC",
			"SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db"),
		C("MULTI with XREADGROUP", "XADD mystream 1-1 foo bar", "XADD mystream 2-1 foo2 bar2", "XADD mystream 3-1 foo3 bar3",
			"XGROUP CREATE mystream mygroup 0", "MULTI", "XREADGROUP GROUP mygroup consumer1 COUNT 2 STREAMS mystream >",
			"XREADGROUP GROUP mygroup consumer1 STREAMS mystream >", "EXEC", "XPENDING mystream mygroup"),
		C("MULTI with SAVE", "DEL foo", "MULTI", "SET foo bar", "SAVE", "EXEC", "GET foo"),
		C("MULTI with SHUTDOWN", "DEL foo", "MULTI", "SET foo bar", "SHUTDOWN", "EXEC", "GET foo"),
		C("MULTI with config error", "MULTI", "SET foo bar", "CONFIG SET maxmemory bla", "EXEC", "GET foo"),
		C("Flushall while watching several keys by one client", "FLUSHALL", "MSET a{t} a b{t} b", "WATCH b{t} a{t}",
			"FLUSHALL", "PING", "MULTI", "PING", "EXEC"),
		C("MULTI with FLUSHALL", "MULTI", "SET foo bar", "FLUSHALL", "EXEC", "GET foo"),
	})
}

// mpRestore puts back the settings these scenarios change, so a failed
// scenario does not leak maxmemory 1 or a short table limit into others.
func mpRestore(t *testing.T) {
	for _, addr := range []string{sundial.Addr, redis.Addr} {
		c, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Errorf("dial %s: %v", addr, err)
			continue
		}
		for _, kv := range [][2]string{
			{"maxmemory", "0"}, {"maxmemory-policy", "noeviction"}, {"lua-time-limit", "5000"},
			{"tracking-table-max-keys", "1000000"}, {"notify-keyspace-events", ""},
			{"min-replicas-to-write", "0"}, {"slowlog-log-slower-than", "10000"},
		} {
			if r, err := c.Do("CONFIG", "SET", kv[0], kv[1]); err != nil || r != "+OK\r\n" {
				t.Errorf("%s: CONFIG SET %s %s: %q %v", addr, kv[0], kv[1], r, err)
			}
		}
		c.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		c.Close()
	}
}

// mpSessions runs sessions as diffSessions does, restoring the changed
// settings after each one.
func mpSessions(t *testing.T, cases []session) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.name, proto), func(t *testing.T) {
				t.Cleanup(func() { mpRestore(t) })
				runSession(t, tc, proto)
			})
		}
	}
}

// mpRun is one server's side of a scripted scenario whose steps need
// more freedom than a session gives (commands left blocked, replies read
// later, values computed from INFO). Everything the scenario observes is
// written to out, which must then be the same on both servers.
type mpRun struct {
	t     *testing.T
	name  string
	addr  string
	proto int
	conns map[string]*testserver.Conn
	ids   map[string]string
	out   strings.Builder
	// normIDs makes read show client IDs in integer replies as {X}; off
	// by default, since small counts may equal a client ID.
	normIDs bool
}

// conn returns the named connection, opening it on first use.
func (r *mpRun) conn(name string) *testserver.Conn {
	if c := r.conns[name]; c != nil {
		return c
	}
	c, err := testserver.Dial(r.addr, r.proto)
	if err != nil {
		r.t.Fatalf("%s: dial: %v", r.name, err)
	}
	id, err := c.Do("CLIENT", "ID")
	if err != nil || !strings.HasPrefix(id, ":") {
		r.t.Fatalf("%s: client id: %q %v", r.name, id, err)
	}
	r.conns[name] = c
	r.ids[name] = strings.TrimSuffix(id[1:], "\r\n")
	return c
}

// id is the named connection's client ID.
func (r *mpRun) id(name string) string {
	r.conn(name)
	return r.ids[name]
}

// norm writes client IDs in integer replies as {X} when normIDs is on.
func (r *mpRun) norm(s string) string {
	if !r.normIDs {
		return s
	}
	for name, id := range r.ids {
		s = strings.ReplaceAll(s, ":"+id+"\r\n", ":{"+name+"}\r\n")
	}
	return s
}

// note records an observation.
func (r *mpRun) note(format string, args ...any) {
	fmt.Fprintf(&r.out, format+"\n", args...)
}

func (r *mpRun) send(name string, args ...string) {
	if err := r.conn(name).Send(args...); err != nil {
		r.t.Fatalf("%s: %s %v: send: %v", r.name, name, args, err)
	}
}

// raw reads one reply without recording it.
func (r *mpRun) raw(name string) string {
	s, err := r.conn(name).ReadRaw()
	if err != nil {
		r.t.Fatalf("%s: %s: read: %v (transcript so far:\n%s)", r.name, name, err, r.out.String())
	}
	return s
}

// read reads and records one reply.
func (r *mpRun) read(name string) string {
	s := r.raw(name)
	r.note("%s< %q", name, r.norm(s))
	return s
}

// do sends a command and records its reply.
func (r *mpRun) do(name string, args ...string) string {
	r.send(name, args...)
	shown := append([]string(nil), args...)
	for i := 1; i < len(shown); i++ {
		if p := strings.ToUpper(shown[i-1]); p != "REDIRECT" && p != "ID" {
			continue
		}
		for n, id := range r.ids {
			if shown[i] == id {
				shown[i] = "{" + n + "}"
			}
		}
	}
	r.note("%s> %s", name, strings.Join(shown, " "))
	return r.read(name)
}

// quiet sends a command and returns its reply without recording it.
func (r *mpRun) quiet(name string, args ...string) string {
	r.send(name, args...)
	return r.raw(name)
}

// info returns one field of INFO.
func (r *mpRun) info(field string) string {
	s := r.quiet("_info", "INFO", "everything")
	i := strings.Index(s, "\r\n"+field+":")
	if i < 0 {
		r.t.Fatalf("%s: no %s in INFO", r.name, field)
	}
	v := s[i+len(field)+3:]
	return v[:strings.Index(v, "\r\n")]
}

// mpScenario runs fn against sundial and redis-server in RESP2 and
// RESP3 and compares what each observed.
func mpScenario(t *testing.T, name string, fn func(r *mpRun)) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("%s/resp%d", name, proto), func(t *testing.T) {
			t.Cleanup(func() { mpRestore(t) })
			panicsBefore := sundial.Panics()
			var got [2]string
			for i, srv := range [][2]string{{"sundial", sundial.Addr}, {"redis", redis.Addr}} {
				resetServer(t, srv[1])
				r := &mpRun{t: t, name: srv[0], addr: srv[1], proto: proto,
					conns: map[string]*testserver.Conn{}, ids: map[string]string{}}
				func() {
					defer func() {
						for _, c := range r.conns {
							c.Close()
						}
					}()
					fn(r)
				}()
				got[i] = r.out.String()
			}
			if got[0] != got[1] {
				t.Errorf("transcripts differ\nsundial:\n%s\nredis:\n%s", got[0], got[1])
			}
			if n := sundial.Panics() - panicsBefore; n > 0 {
				t.Errorf("sundial recovered %d panic(s)", n)
			}
		})
	}
}

// MULTI scenarios where a second client changes the server's state
// (maxmemory) between queueing and EXEC.
func TestDiffSuiteMultiPubsubMultiOOM(t *testing.T) {
	mpSessions(t, []session{
		S("EXEC fails if there are errors while queueing commands #2",
			"A: DEL foo1 foo2",
			"A=1: MULTI",
			"A=1: SET foo1 bar1",
			"B: CONFIG SET maxmemory 1",
			"A=1: LPUSH mylist myvalue",
			"B: CONFIG SET maxmemory 0",
			"A=1: SET foo2 bar2",
			"A=1: EXEC",
			"A: EXISTS foo1",
			"A: EXISTS foo2"),
		S("DISCARD should not fail during OOM",
			"B: CONFIG SET maxmemory 1",
			"A=1: MULTI",
			"A=1: SET x 1",
			"A=1: DISCARD",
			"B: CONFIG SET maxmemory 0",
			"A: PING"),
		S("EXEC with only read commands should not be rejected when OOM",
			"A: SET x value",
			"A=1: MULTI",
			"A=1: GET x",
			"A=1: PING",
			"B: CONFIG SET maxmemory 1",
			"A=1: EXEC",
			"B: CONFIG SET maxmemory 0"),
		S("EXEC with at least one use-memory command should fail",
			"A=1: MULTI",
			"A=1: SET x 1",
			"A=1: GET x",
			"B: CONFIG SET maxmemory 1",
			"A=1: EXEC",
			"B: CONFIG SET maxmemory 0",
			"A: EXISTS x"),
		S("MULTI with config set and config error",
			"A=1: MULTI",
			"A=1: SET foo bar",
			"A=1: CONFIG SET maxmemory bla",
			"A=1: CONFIG SET lua-time-limit 4000",
			"A=1: EXEC",
			"A: CONFIG GET lua-time-limit"),
	})
}

// The script-timeout scenarios of multi.tcl: a client's transaction meets
// a script that runs past lua-time-limit.
func TestDiffSuiteMultiPubsubMultiBusyScript(t *testing.T) {
	const loop = "while true do end"
	// finish kills the script and checks nothing of the transaction ran
	// and that the transaction client left MULTI.
	finish := func(r *mpRun, killed bool) {
		if !killed {
			r.do("A", "SCRIPT", "KILL")
		}
		r.read("S")
		r.do("A", "GET", "xx")
		r.do("B", "PING", "asdf")
	}
	start := func(r *mpRun) {
		r.do("A", "CONFIG", "SET", "lua-time-limit", "10")
		r.do("A", "SET", "xx", "1")
		r.conn("B")
		r.conn("S")
	}
	busy := func(r *mpRun) {
		r.send("S", "EVAL", loop, "0")
		time.Sleep(100 * time.Millisecond)
	}
	mpScenario(t, "MULTI and script timeout", func(r *mpRun) {
		start(r)
		busy(r)
		r.do("B", "MULTI")
		r.do("B", "INCR", "xx")
		r.do("A", "SCRIPT", "KILL")
		time.Sleep(100 * time.Millisecond)
		r.do("B", "INCR", "xx")
		r.do("B", "EXEC")
		finish(r, true)
	})
	mpScenario(t, "EXEC and script timeout", func(r *mpRun) {
		start(r)
		r.do("B", "MULTI")
		r.do("B", "INCR", "xx")
		busy(r)
		r.do("B", "INCR", "xx")
		r.do("B", "EXEC")
		finish(r, false)
	})
	mpScenario(t, "MULTI-EXEC body and script timeout", func(r *mpRun) {
		start(r)
		r.do("B", "MULTI")
		r.do("B", "INCR", "xx")
		busy(r)
		r.do("B", "INCR", "xx")
		r.do("A", "SCRIPT", "KILL")
		time.Sleep(100 * time.Millisecond)
		r.do("B", "EXEC")
		finish(r, true)
	})
	mpScenario(t, "just EXEC and script timeout", func(r *mpRun) {
		start(r)
		r.do("B", "MULTI")
		r.do("B", "INCR", "xx")
		busy(r)
		r.do("B", "EXEC")
		finish(r, false)
	})
}

// readUnordered reads n replies and records them sorted: Redis sends
// "unsubscribe from all" confirmations in its hash-table order.
func (r *mpRun) readUnordered(name string, n int) {
	// The remaining-count sequence is fixed; only which channel comes
	// when may differ.
	var shapes, channels []string
	for i := 0; i < n; i++ {
		parts := strings.Split(r.norm(r.raw(name)), "\r\n")
		if len(parts) > 4 {
			channels = append(channels, parts[4])
			parts[3], parts[4] = "$?", "?"
		}
		shapes = append(shapes, strings.Join(parts, "\r\n"))
	}
	sort.Strings(channels)
	r.note("%s< %q, channels in any order %q", name, shapes, channels)
}

func TestDiffSuiteMultiPubsubPubsub(t *testing.T) {
	mpSessions(t, []session{
		S("Pub/Sub PING",
			"A: SUBSCRIBE somechannel",
			"A=1: PING",
			"A=1: PING foo",
			"A: UNSUBSCRIBE somechannel",
			"A=1: PING"),
		S("Pub/Sub PING on RESP3",
			"%A: HELLO 3",
			"A: SUBSCRIBE somechannel",
			"A=1: PING",
			"A=1: PING foo",
			"A: UNSUBSCRIBE somechannel",
			"A=1: PING"),
		S("PUBLISH/SUBSCRIBE basics",
			"A: SUBSCRIBE chan1 chan2",
			"B: PUBLISH chan1 hello",
			"B: PUBLISH chan2 world",
			"A?",
			"A: UNSUBSCRIBE chan1",
			"B: PUBLISH chan1 hello",
			"B: PUBLISH chan2 world",
			"A?",
			"A: UNSUBSCRIBE chan2",
			"B: PUBLISH chan1 hello",
			"B: PUBLISH chan2 world",
			"A?"),
		S("PUBLISH/SUBSCRIBE with two clients",
			"A: SUBSCRIBE chan1",
			"C: SUBSCRIBE chan1",
			"B: PUBLISH chan1 hello",
			"A?",
			"C?"),
		S("SUBSCRIBE to one channel more than once",
			"A: SUBSCRIBE chan1 chan1 chan1",
			"B: PUBLISH chan1 hello",
			"A?"),
		S("UNSUBSCRIBE from non-subscribed channels",
			"A: UNSUBSCRIBE foo bar quux"),
		S("PUBLISH/PSUBSCRIBE basics",
			"A: PSUBSCRIBE foo.* bar.*",
			"B: PUBLISH foo.1 hello",
			"B: PUBLISH bar.1 hello",
			"B: PUBLISH foo1 hello",
			"B: PUBLISH barfoo.1 hello",
			"B: PUBLISH qux.1 hello",
			"A?",
			"A: PUNSUBSCRIBE foo.*",
			"B: PUBLISH foo.1 hello",
			"B: PUBLISH bar.1 hello",
			"A?",
			"A: PUNSUBSCRIBE bar.*",
			"B: PUBLISH foo.1 hello",
			"B: PUBLISH bar.1 hello",
			"A?"),
		S("PUBLISH/PSUBSCRIBE with two clients",
			"A: PSUBSCRIBE chan.*",
			"C: PSUBSCRIBE chan.*",
			"B: PUBLISH chan.foo hello",
			"A?",
			"C?"),
		S("PUNSUBSCRIBE from non-subscribed channels",
			"A: PUNSUBSCRIBE foo.* bar.* quux.*"),
		S("NUMSUB returns numbers, not strings (#1561)",
			"A: PUBSUB NUMSUB abc def"),
		S("Mix SUBSCRIBE and PSUBSCRIBE",
			"A: SUBSCRIBE foo.bar",
			"A: PSUBSCRIBE foo.*",
			"B: PUBLISH foo.bar hello",
			"A?"),
		S("PUNSUBSCRIBE and UNSUBSCRIBE should always reply",
			"A: PUNSUBSCRIBE",
			"A: UNSUBSCRIBE",
			"A: PUNSUBSCRIBE",
			"A: UNSUBSCRIBE"),
		S("publish to self inside multi",
			"%A: HELLO 3",
			"A: SUBSCRIBE foo",
			"A=1: MULTI",
			"A=1: PING abc",
			"A=1: PUBLISH foo bar",
			"A=1: PUBLISH foo vaz",
			"A=1: PING def",
			"A=3: EXEC",
			"A?"),
		S("publish to self inside script",
			"%A: HELLO 3",
			"A: SUBSCRIBE foo",
			`A=3: EVAL "redis.call('ping','abc') redis.call('publish','foo','bar') redis.call('publish','foo','vaz') redis.call('ping','def') return 'bla'" 0`,
			"A?"),
		S("unsubscribe inside multi, and publish to self",
			"%A: HELLO 3",
			"A: SUBSCRIBE foo bar baz",
			"A=1: MULTI",
			"A=1: PING abc",
			"A=1: UNSUBSCRIBE bar",
			"A=1: UNSUBSCRIBE baz",
			"A=1: PING def",
			"A=1: EXEC",
			"A?",
			"A: PUBLISH foo vaz"),
	})
	mpScenario(t, "PUBLISH/SUBSCRIBE after UNSUBSCRIBE without arguments", func(r *mpRun) {
		r.send("A", "SUBSCRIBE", "chan1", "chan2", "chan3")
		for i := 0; i < 3; i++ {
			r.read("A")
		}
		r.send("A", "UNSUBSCRIBE")
		r.readUnordered("A", 3)
		for _, ch := range []string{"chan1", "chan2", "chan3"} {
			r.do("B", "PUBLISH", ch, "hello")
		}
		r.do("A", "PING")
	})
	mpScenario(t, "PUBLISH/PSUBSCRIBE after PUNSUBSCRIBE without arguments", func(r *mpRun) {
		r.send("A", "PSUBSCRIBE", "chan1.*", "chan2.*", "chan3.*")
		for i := 0; i < 3; i++ {
			r.read("A")
		}
		r.send("A", "PUNSUBSCRIBE")
		r.readUnordered("A", 3)
		for _, ch := range []string{"chan1.hi", "chan2.hi", "chan3.hi"} {
			r.do("B", "PUBLISH", ch, "hello")
		}
		r.do("A", "PING")
	})
}

// readUntil reads and records replies up to and including want.
func (r *mpRun) readUntil(name, want string) {
	for i := 0; i < 50; i++ {
		if r.read(name) == want {
			return
		}
	}
	r.t.Fatalf("%s: %s: %q never came", r.name, name, want)
}

func TestDiffSuiteMultiPubsubShard(t *testing.T) {
	mpSessions(t, []session{
		S("SPUBLISH/SSUBSCRIBE basics",
			"A: SSUBSCRIBE chan1",
			"A: SSUBSCRIBE chan2",
			"B: SPUBLISH chan1 hello",
			"B: SPUBLISH chan2 world",
			"A?",
			"A: SUNSUBSCRIBE chan1",
			"B: SPUBLISH chan1 hello",
			"B: SPUBLISH chan2 world",
			"A?",
			"A: SUNSUBSCRIBE chan2",
			"B: SPUBLISH chan1 hello",
			"B: SPUBLISH chan2 world",
			"A?"),
		S("SPUBLISH/SSUBSCRIBE with two clients",
			"A: SSUBSCRIBE chan1",
			"C: SSUBSCRIBE chan1",
			"B: SPUBLISH chan1 hello",
			"A?",
			"C?",
			"B: PUBSUB SHARDNUMSUB chan1",
			"B: PUBSUB SHARDCHANNELS"),
		S("SSUBSCRIBE to one channel more than once",
			"A: SSUBSCRIBE chan1 chan1 chan1",
			"B: SPUBLISH chan1 hello",
			"A?"),
		S("SUNSUBSCRIBE from non-subscribed channels",
			"A: SUNSUBSCRIBE foo",
			"A: SUNSUBSCRIBE bar",
			"A: SUNSUBSCRIBE quux"),
		S("PUBSUB command basics",
			"A: PUBSUB SHARDNUMSUB abc def"),
		S("SPUBLISH/SSUBSCRIBE with PUBLISH/SUBSCRIBE",
			"A: SSUBSCRIBE chan1",
			"C: SUBSCRIBE chan1",
			"B: SPUBLISH chan1 hello",
			"B: PUBLISH chan1 hello",
			"A?",
			"C?",
			"B: PUBSUB SHARDNUMSUB chan1",
			"B: PUBSUB NUMSUB chan1",
			"B: PUBSUB SHARDCHANNELS",
			"B: PUBSUB CHANNELS"),
	})
	mpScenario(t, "SPUBLISH/SSUBSCRIBE after UNSUBSCRIBE without arguments", func(r *mpRun) {
		for _, ch := range []string{"chan1", "chan2", "chan3"} {
			r.send("A", "SSUBSCRIBE", ch)
			r.read("A")
		}
		r.send("A", "SUNSUBSCRIBE")
		r.readUnordered("A", 3)
		for _, ch := range []string{"chan1", "chan2", "chan3"} {
			r.do("B", "SPUBLISH", ch, "hello")
		}
	})
	mpScenario(t, "CLIENT REPLY ON answers OK", func(r *mpRun) {
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "PING")
		r.do("A", "CLIENT", "REPLY", "ON")
		r.do("A", "PING", "x")
	})
	mpScenario(t, "pushes from other clients reach a client with CLIENT REPLY OFF", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.do("A", "SSUBSCRIBE", "channel")
		r.do("A", "CLIENT", "TRACKING", "on")
		r.do("A", "GET", "k")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "PING")
		r.do("B", "SPUBLISH", "channel", "hello")
		r.do("B", "SET", "k", "1")
		r.read("A")
		r.read("A")
	})

}

// A command's own pushes are sent under CLIENT REPLY OFF (Redis's
// CLIENT_PUSHING).
func TestDiffSuiteMultiPubsubShardReplyOff(t *testing.T) {
	mpScenario(t, "PubSubShard with CLIENT REPLY OFF", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "PING")
		r.send("A", "SSUBSCRIBE", "channel")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "PING")
		r.do("B", "SPUBLISH", "channel", "hello")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "PING")
		r.send("A", "SUNSUBSCRIBE", "channel")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
	})
	mpScenario(t, "PubSub messages with CLIENT REPLY OFF", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "SUBSCRIBE", "channel")
		r.read("A")
		r.send("A", "PSUBSCRIBE", "ch*")
		r.read("A")
		r.do("B", "PUBLISH", "channel", "hello")
		r.read("A")
		r.read("A")
		r.send("A", "UNSUBSCRIBE", "channel")
		r.read("A")
		r.send("A", "PUNSUBSCRIBE", "ch*")
		r.read("A")
	})
}

// CLIENT REPLY OFF/SKIP corners: subscription confirmations of every
// kind are sent in RESP2 too (they are pushes for Redis whatever the
// protocol), unsubscribing from nothing as well; inside EXEC only the
// pushes of the commands it ran are sent, not EXEC's own array.
func TestDiffSuiteMultiPubsubReplyOffPushes(t *testing.T) {
	mpScenario(t, "confirmations under CLIENT REPLY OFF", func(r *mpRun) {
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "GET", "k")
		// One channel of each kind: Redis unsubscribes from all in its
		// hash table's order.
		r.send("A", "SUBSCRIBE", "a")
		r.send("A", "PSUBSCRIBE", "p*")
		r.send("A", "UNSUBSCRIBE")
		r.send("A", "PUNSUBSCRIBE")
		r.send("A", "UNSUBSCRIBE")
		r.send("A", "SSUBSCRIBE", "s")
		r.send("A", "SUNSUBSCRIBE")
		r.send("A", "SUNSUBSCRIBE")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
	})
	mpScenario(t, "confirmations under CLIENT REPLY SKIP", func(r *mpRun) {
		r.send("A", "CLIENT", "REPLY", "SKIP")
		r.send("A", "SUBSCRIBE", "a")
		r.send("A", "UNSUBSCRIBE", "a")
		r.send("A", "CLIENT", "REPLY", "SKIP")
		r.send("A", "PING", "skipped")
		r.send("A", "PING", "shown")
		r.readUntil("A", "$5\r\nshown\r\n")
	})
	mpScenario(t, "EXEC under CLIENT REPLY OFF", func(r *mpRun) {
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "MULTI")
		r.send("A", "SET", "k", "v")
		r.send("A", "SUBSCRIBE", "a")
		r.send("A", "EXEC")
		r.send("A", "UNSUBSCRIBE")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
	})
	// RESP3: messages to itself, its own invalidations (also of a
	// FLUSHALL), keyspace notifications of its own writes and DEBUG
	// PROTOCOL's push are sent.
	mpScenario(t, "own pushes under CLIENT REPLY OFF in RESP3", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.quiet("A", "CONFIG", "SET", "notify-keyspace-events", "KEA")
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.send("A", "SUBSCRIBE", "ch", "__keyspace@0__:x")
		r.send("A", "PUBLISH", "ch", "self")
		r.send("A", "CLIENT", "TRACKING", "on")
		r.send("A", "GET", "k")
		r.send("A", "SET", "k", "1")
		r.send("A", "SET", "x", "1")
		r.send("A", "DEBUG", "PROTOCOL", "push")
		r.send("A", "MULTI")
		r.send("A", "PUBLISH", "ch", "inside")
		r.send("A", "GET", "k")
		r.send("A", "EXEC")
		r.send("A", "FLUSHALL")
		r.send("A", "CLIENT", "REPLY", "ON")
		r.readUntil("A", "+OK\r\n")
	})
}

// The keyspace-notification tests of pubsub.tcl: A listens on every
// channel, B runs the commands.
func TestDiffSuiteMultiPubsubNotify(t *testing.T) {
	mpSessions(t, []session{
		notifySession("Keyspace notifications: we receive keyspace notifications", "KA", "SET foo bar"),
		notifySession("Keyspace notifications: we receive keyevent notifications", "EA", "SET foo bar"),
		notifySession("Keyspace notifications: we can receive both kind of events", "KEA", "SET foo bar"),
		notifySession("Keyspace notifications: we are able to mask events", "KEl", "DEL mylist", "SET foo bar", "LPUSH mylist a"),
		notifySession("Keyspace notifications: general events test", "KEg", "SET foo bar", "EXPIRE foo 1", "DEL foo"),
		notifySession("Keyspace notifications: list events test", "KEl", "DEL mylist", "LPUSH mylist a", "RPUSH mylist a", "RPOP mylist"),
		notifySession("Keyspace notifications: set events test", "Ks", "DEL myset", "SADD myset a b c d", "SREM myset x",
			"SADD myset x y z", "SREM myset x"),
		notifySession("Keyspace notifications: zset events test", "Kz", "DEL myzset", "ZADD myzset 1 a 2 b", "ZREM myzset x",
			"ZADD myzset 3 x 4 y 5 z", "ZREM myzset x"),
		notifySession("Keyspace notifications: hash events test", "Kh", "DEL myhash", "HMSET myhash yes 1 no 0",
			"HINCRBY myhash yes 10"),
		notifySession("Keyspace notifications: stream events test", "Kt", "DEL mystream",
			"XGROUP CREATE mystream mygroup $ MKSTREAM", "XGROUP CREATECONSUMER mystream mygroup Bob",
			"XADD mystream 1 field1 A", "XREADGROUP GROUP mygroup Alice STREAMS mystream >",
			"XCLAIM mystream mygroup Mike 0 1-0 FORCE", "XGROUP DELCONSUMER mystream mygroup Lee",
			"XGROUP DELCONSUMER mystream mygroup Bob", "XAUTOCLAIM mystream mygroup Bob 0 1-0",
			"XGROUP DESTROY mystream mygroup"),
		notifySession("Keyspace notifications: expired events (triggered expire)", "Ex", "DEL foo", "PSETEX foo 100 1",
			"@sleep 150", "EXISTS foo"),
		notifySession("Keyspace notifications: expired events (background expire)", "Ex", "DEL foo", "PSETEX foo 50 1",
			"@sleep 400"),
		notifySession("Keyspace notifications: evicted events", "Ee", "CONFIG SET maxmemory-policy allkeys-lru", "FLUSHDB",
			"SET foo bar", "CONFIG SET maxmemory 1", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory-policy noeviction"),
		notifySession("Keyspace notifications: new key test", "En", "SET foo bar", "SET foo baz", "SET bar bar"),
		S("Keyspace notifications: test CONFIG GET/SET of event flags",
			"A: CONFIG SET notify-keyspace-events gKE",
			"A: CONFIG GET notify-keyspace-events",
			"A: CONFIG SET notify-keyspace-events $lshzxeKE",
			"A: CONFIG GET notify-keyspace-events",
			"A: CONFIG SET notify-keyspace-events KA",
			"A: CONFIG GET notify-keyspace-events",
			"A: CONFIG SET notify-keyspace-events EA",
			"A: CONFIG GET notify-keyspace-events"),
	})
}

// notify-keyspace-events text as Redis prints it.
func TestDiffSuiteMultiPubsubNotifyText(t *testing.T) {
	mpSessions(t, []session{
		S("notify flags text",
			"A: CONFIG SET notify-keyspace-events tmdn",
			"A: CONFIG GET notify-keyspace-events",
			"A: CONFIG SET notify-keyspace-events KEw",
			"A: CONFIG SET notify-keyspace-events AKEmn",
			"A: CONFIG GET notify-keyspace-events",
			"B: PSUBSCRIBE *new*",
			"A: SET newkey v",
			"B?"),
	})
}

// mpRedir starts a session with R subscribed to __redis__:invalidate.
func mpRedir(name string, lines ...string) session {
	return S(name, append([]string{"R: SUBSCRIBE __redis__:invalidate"}, lines...)...)
}

// The client-side caching scenarios of tracking.tcl: A is the tracking
// client, R the redirection target, B writes, C is a second tracking
// client.
func TestDiffSuiteMultiPubsubTracking(t *testing.T) {
	mpSessions(t, []session{
		mpRedir("The other connection is able to get invalidations",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"A: SET a 1",
			"A: SET b 1",
			"A: GET a",
			"A: INCR b",
			"A: INCR a",
			"R?",
			"A: MGET a b c d e f g",
			"A: CLIENT TRACKING off",
			"B: MSET a 1 b 2",
			"R?"),
		mpRedir("The connection gets invalidation messages about all the keys",
			"A: CLIENT TRACKING on BCAST REDIRECT {R}",
			"A: MSET a 1 b 2 c 3",
			"R?"),
		mpRedir("Clients can enable the BCAST mode with prefixes",
			"A: CLIENT TRACKING on BCAST REDIRECT {R} PREFIX a: PREFIX b:",
			"A=1: MULTI",
			"A=1: INCR a:1",
			"A=1: INCR a:2",
			"A=1: INCR b:1",
			"A=1: INCR b:2",
			"A=1: INCR c:1",
			"A=1: EXEC",
			"R?",
			"A: CLIENT TRACKING on BCAST REDIRECT {R} PREFIX c:",
			"A: INCR c:1234",
			"R?"),
		mpRedir("Tracking NOLOOP mode in standard mode works",
			"A: CLIENT TRACKING on REDIRECT {R} NOLOOP",
			"A: MGET otherkey1 loopkey otherkey2",
			"B: SET otherkey1 1",
			"A: SET loopkey 1",
			"B: SET otherkey2 1",
			"R?"),
		mpRedir("Tracking NOLOOP mode in BCAST mode works",
			"A: CLIENT TRACKING on BCAST REDIRECT {R} NOLOOP",
			"B: SET otherkey1 1",
			"A: SET loopkey 1",
			"B: SET otherkey2 1",
			"R?"),
		mpRedir("Tracking gets notification of expired keys",
			"A: CLIENT TRACKING on BCAST REDIRECT {R} NOLOOP",
			"A: SET mykey myval PX 1",
			"A: SET mykeyotherkey myval",
			"@sleep 400",
			"R?"),
		S("HELLO 3 reply is correct and HELLO without protover",
			"%A: HELLO 3",
			"%A: HELLO",
			"%A: HELLO 2",
			"%A: HELLO",
			"%A: HELLO 3"),
		S("RESP3 based basic invalidation",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"B: SET key1 1",
			"A: GET key1",
			"B: SET key1 2",
			"A?"),
		mpRedir("RESP3 tracking redirection",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: SET key1 2",
			"R?",
			"A?"),
		mpRedir("Invalidations of previous keys can be redirected after switching to RESP3",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"%A: HELLO 2",
			"B: SET key1 1",
			"A: GET key1",
			"%A: HELLO 3",
			"B: SET key1 2",
			"R?",
			"A?",
			"B: SET key1 1",
			"A: GET key1",
			"B: SET key1 2",
			"R?",
			"A?"),
		S("Tracking only occurs for scripts when a command calls a read-only command",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"B: MSET key2 1 key2 1",
			`A: EVAL "redis.call('set', 'key3', 'bar')" 2 key1 key2`,
			"B: MSET key2 2 key1 2",
			"A?",
			`A: EVAL "redis.call('get', 'key3')" 2 key1 key2`,
			"B: MSET key2 2 key1 2",
			"A?",
			`A: EVAL_RO "redis.call('ping')" 2 key1 key2`,
			"B: MSET key2 2 key1 2",
			"A?",
			`A: EVAL_RO "redis.call('get', 'key1')" 2 key1 key2`,
			"B: MSET key2 3 key1 3",
			"A?",
			"A: PING"),
		S("Tracking should not occur for scripts in NOLOOP mode",
			"A: CLIENT TRACKING on NOLOOP",
			"%A: HELLO 3",
			"A: SET key1 1",
			"A: GET key1",
			`A: EVAL "return redis.call('set', 'key1', '2')" 0`,
			"A: GET key1"),
		mpRedir("RESP3 Client gets tracking-redir-broken push message after cached key changed when redirection client is terminated",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"R=1: QUIT",
			"@sleep 50",
			"B: SET key1 2",
			"%A: PING",
			"%A: CLIENT TRACKINGINFO"),
		mpRedir("Different clients can redirect to the same connection",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"C: CLIENT TRACKING on REDIRECT {R}",
			"B: MSET key1 1 key2 1",
			"A: GET key1",
			"C: GET key2",
			"B: INCR key1",
			"B: INCR key2",
			"R?"),
		mpRedir("Different clients using different protocols can track the same key",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"%C: HELLO 3",
			"C: CLIENT TRACKING on",
			"B: SET key1 1",
			"A: GET key1",
			"C: GET key1",
			"B: INCR key1",
			"R?",
			"C: PING"),
		mpRedir("No invalidation message when using OPTIN option",
			"A: CLIENT TRACKING on OPTIN REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: SET key1 2",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key2 1",
			"A: GET key2",
			"B: SET key2 2",
			"R?"),
		mpRedir("Invalidation message sent when using OPTIN option with CLIENT CACHING yes",
			"A: CLIENT TRACKING on OPTIN REDIRECT {R}",
			"B: SET key1 3",
			"A=1: CLIENT CACHING yes",
			"A=1: GET key1",
			"B: SET key1 4",
			"R?"),
		mpRedir("Invalidation message sent when using OPTOUT option",
			"A: CLIENT TRACKING on OPTOUT REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: SET key1 2",
			"R?"),
		mpRedir("No invalidation message when using OPTOUT option with CLIENT CACHING no",
			"A: CLIENT TRACKING on OPTOUT REDIRECT {R}",
			"B: SET key1 1",
			"A=1: CLIENT CACHING no",
			"A=1: GET key1",
			"B: SET key1 2",
			"B: SET key2 1",
			"A: GET key2",
			"B: SET key2 2",
			"R?"),
		mpRedir("Able to redirect to a RESP3 client",
			"R: UNSUBSCRIBE __redis__:invalidate",
			"%R: HELLO 3",
			"R: SUBSCRIBE __redis__:invalidate",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: INCR key1",
			"R?",
			"%R: HELLO 2"),
		S("After switching from normal tracking to BCAST mode, no invalidation message is produced for pre-BCAST keys",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"B: SET key1 1",
			"A: GET key1",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on BCAST",
			"B: INCR key1",
			"A: PING"),
		S("BCAST with prefix collisions throw errors",
			"A: CLIENT TRACKING ON BCAST PREFIX FOOBAR PREFIX FOO",
			"A: CLIENT TRACKING ON BCAST PREFIX FOO PREFIX FOOBAR",
			"A: CLIENT TRACKING ON BCAST PREFIX FOO PREFIX BAR",
			"A: CLIENT TRACKING ON BCAST PREFIX FO",
			"A: CLIENT TRACKING ON BCAST PREFIX BARB",
			"A: CLIENT TRACKING OFF"),
		S("hdel deliver invalidate message after response in the same connection",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: HSET myhash f 1",
			"A: HGET myhash f",
			"A=2: HDEL myhash f"),
		S("Tracking invalidation message is not interleaved with multiple keys response",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: DEBUG SET-ACTIVE-EXPIRE 0",
			"A=1: MULTI",
			"A=1: MSET x 1 y 2",
			"A=1: PEXPIRE y 100",
			"A=1: GET y",
			"A=1: EXEC",
			"@sleep 110",
			"A: MGET x y",
			"A: DEBUG SET-ACTIVE-EXPIRE 1"),
		S("Tracking invalidation message is not interleaved with transaction response",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: MSET a 1 b 2",
			"A: GET a",
			"A=1: MULTI",
			"A=1: INCR a",
			"A=1: GET b",
			"A=2: EXEC"),
		mpRedir("Invalidation message received for flushall",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: FLUSHALL",
			"R?"),
		mpRedir("Invalidation message received for flushdb",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"B: FLUSHDB",
			"R?"),
		mpRedir("Invalidation message received for flushall async",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"A: GET key1",
			"A: GET key2",
			"B: FLUSHALL ASYNC",
			"R?"),
		S("flushdb tracking invalidation message is not interleaved with transaction response",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: SET a 1",
			"A: GET a",
			"A=1: MULTI",
			"A=1: FLUSHDB",
			"A=2: EXEC"),
		mpRedir("CLIENT GETREDIR provides correct client id",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"%A: CLIENT GETREDIR",
			"A: CLIENT TRACKING off",
			"A: CLIENT GETREDIR",
			"A: CLIENT TRACKING on",
			"A: CLIENT GETREDIR"),
		mpRedir("CLIENT TRACKINGINFO provides reasonable results",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on REDIRECT {R} noloop",
			"%A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on optin",
			"A: CLIENT TRACKINGINFO",
			"A=1: CLIENT CACHING yes",
			"A=1: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on optout",
			"A: CLIENT TRACKINGINFO",
			"A=1: CLIENT CACHING no",
			"A=1: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on BCAST PREFIX foo PREFIX bar",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on BCAST",
			"A: CLIENT TRACKINGINFO"),
		mpRedir("CLIENT TRACKINGINFO provides reasonable results when tracking redir broken",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"B: SET key1 1",
			"A: GET key1",
			"R=1: QUIT",
			"@sleep 50",
			"B: SET key1 2",
			"%A?",
			"%A: CLIENT TRACKINGINFO"),
	})
}

// Commands inside EXEC see the time EXEC started.
func TestDiffSuiteMultiPubsubTrackingExecTime(t *testing.T) {
	mpSessions(t, []session{
		mpRedir("Tracking gets notification of lazy expired keys",
			"A: CLIENT TRACKING on BCAST REDIRECT {R} NOLOOP",
			"A=1: MULTI",
			"A=1: SET mykey myval PX 1",
			"A=1: SET mykeyotherkey myval",
			"A=1: DEBUG SLEEP 0.1",
			"A=1: GET mykey",
			"A=1: EXEC",
			"R?"),
		S("a script's own reads are not tracked, only its declared keys",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			`A: EVAL "return redis.call('get', 'zz')" 1 k1`,
			"B: MSET k1 1 zz 2",
			"A?"),
		S("keys do not expire in the middle of a transaction",
			"A=1: MULTI",
			"A=1: SET k v PX 50",
			"A=1: DEBUG SLEEP 0.1",
			"A=1: GET k",
			"A=1: PTTL k",
			"A=1: EXEC"),
	})
}

// Tracking of script reads and NOLOOP around scripts and expiry, beyond
// tracking.tcl.
func TestDiffSuiteMultiPubsubTrackingScripts(t *testing.T) {
	lib := "#!lua name=mplib\n" +
		"redis.register_function('rd', function(keys, args) return redis.call('get', 'zz') end)\n" +
		"redis.register_function{function_name='rdro', callback=function(keys, args) return redis.call('get', 'zz') end, flags={'no-writes'}}\n" +
		"redis.register_function{function_name='pingro', callback=function(keys, args) return redis.call('ping') end, flags={'no-writes'}}"
	mpSessions(t, []session{
		S("function reads track the declared keys",
			"%A: HELLO 3",
			"A: FUNCTION LOAD REPLACE \""+lib+"\"",
			"A: CLIENT TRACKING on",
			"A: FCALL rd 2 k1 k2",
			"B: MSET k1 1 k2 2",
			"A?",
			"A: FCALL_RO pingro 2 k1 k2",
			"B: MSET k1 1 k2 2",
			"A?",
			"A: FCALL_RO rdro 1 k2",
			"B: MSET k1 1 k2 2",
			"A?",
			"A: FUNCTION FLUSH"),
		S("script reads in a transaction",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A=1: MULTI",
			`A=1: EVAL "return redis.call('get', 'zz')" 1 k1`,
			"A=1: GET k3",
			"A=1: EXEC",
			"B: MSET k1 1 k3 2",
			"A?"),
		S("script reads with optin",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on OPTIN",
			`A: EVAL "return redis.call('get', 'zz')" 1 k1`,
			"B: SET k1 1",
			"A?",
			"A=1: CLIENT CACHING yes",
			`A=1: EVAL "return redis.call('get', 'zz')" 1 k1`,
			"B: SET k1 2",
			"A?"),
		S("noloop with a script writing a tracked key",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on NOLOOP",
			"A: GET k",
			`A: EVAL "return redis.call('set', KEYS[1], 'x')" 1 k`,
			"A: GET k",
			"B: SET k y",
			"A?"),
		mpRedir("bcast noloop with a script",
			"A: CLIENT TRACKING on BCAST NOLOOP REDIRECT {R}",
			`A: EVAL "return redis.call('set', KEYS[1], 'x')" 1 k`,
			"B: SET j 1",
			"R?"),
		mpRedir("noloop and lazy expiry in own command",
			"A: DEBUG SET-ACTIVE-EXPIRE 0",
			"A: CLIENT TRACKING on NOLOOP REDIRECT {R}",
			"A: SET k v PX 10",
			"A: GET k",
			"@sleep 30",
			"A: GET k",
			"R?",
			"A: SET j v PX 10",
			"A: GET j",
			"@sleep 30",
			"B: GET j",
			"R?",
			"A: DEBUG SET-ACTIVE-EXPIRE 1"),
		mpRedir("bcast noloop and lazy expiry in own command",
			"A: DEBUG SET-ACTIVE-EXPIRE 0",
			"A: CLIENT TRACKING on BCAST NOLOOP REDIRECT {R}",
			"A: SET k v PX 10",
			"@sleep 30",
			"A: GET k",
			"R?",
			"A: DEBUG SET-ACTIVE-EXPIRE 1"),
	})
}

// tracking.tcl scenarios that block, read INFO or evict tracked keys in
// an order Redis picks at random.
func TestDiffSuiteMultiPubsubTrackingScenarios(t *testing.T) {
	mpScenario(t, "Tracking gets notification on tracking table key eviction", func(r *mpRun) {
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"), "NOLOOP")
		r.do("A", "MSET", "key1", "1", "key2", "2")
		r.do("A", "MGET", "key1", "key2")
		r.do("A", "CONFIG", "SET", "tracking-table-max-keys", "1")
		// Which key goes is Redis's random pick.
		got := r.raw("R")
		got = strings.Replace(strings.Replace(got, "key1", "key?", 1), "key2", "key?", 1)
		r.note("R< %q", got)
		r.do("A", "CONFIG", "SET", "tracking-table-max-keys", "1000000")
		r.note("tracking_total_keys %s", r.info("tracking_total_keys"))
	})
	mpScenario(t, "Server is able to evacuate enough keys when num of keys surpasses limit by more than defined initial effort", func(r *mpRun) {
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		const n = 250
		for i := 0; i < n; i++ {
			k := fmt.Sprint("key", i)
			r.quiet("B", "SET", k, fmt.Sprint(i))
			r.quiet("A", "GET", k)
		}
		r.do("A", "CONFIG", "SET", "tracking-table-max-keys", "1")
		seen := map[string]bool{}
		for i := 0; i < n-1; i++ {
			msg := r.raw("R")
			j := strings.LastIndex(msg[:len(msg)-2], "\r\n")
			seen[msg[j+2:len(msg)-2]] = true
		}
		r.note("%d distinct keys invalidated", len(seen))
		r.do("R", "PING")
		r.note("tracking_total_keys %s", r.info("tracking_total_keys"))
	})
	mpScenario(t, "Tracking info is correct", func(r *mpRun) {
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		r.do("B", "SET", "key1", "1")
		r.do("B", "SET", "key2", "2")
		r.do("A", "GET", "key1")
		r.do("A", "GET", "key2")
		r.quiet("C", "HELLO", "2")
		r.do("C", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "prefix:")
		r.do("B", "SET", "prefix:key1", "1")
		r.do("B", "SET", "prefix:key2", "2")
		for _, f := range []string{"tracking_total_items", "tracking_total_keys", "tracking_total_prefixes", "tracking_clients"} {
			r.note("%s %s", f, r.info(f))
		}
		r.do("A", "CLIENT", "TRACKING", "off")
		r.do("C", "CLIENT", "TRACKING", "off")
		for _, f := range []string{"tracking_total_prefixes", "tracking_clients"} {
			r.note("%s %s", f, r.info(f))
		}
	})
	mpScenario(t, "Test ASYNC flushall", func(r *mpRun) {
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		r.do("A", "GET", "key1")
		r.do("A", "GET", "key2")
		r.note("tracking_total_keys %s", r.info("tracking_total_keys"))
		r.do("B", "FLUSHALL", "ASYNC")
		r.note("tracking_total_keys %s", r.info("tracking_total_keys"))
		r.read("R")
	})
	mpScenario(t, "Tracking invalidation message of eviction keys should be before response", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.do("A", "CLIENT", "TRACKING", "on")
		var used int64
		fmt.Sscan(r.info("used_memory"), &used)
		r.quiet("A", "CONFIG", "SET", "maxmemory", fmt.Sprint(used+100*1024))
		r.do("A", "CONFIG", "SET", "maxmemory-policy", "volatile-random")
		r.do("A", "SETEX", "volatile-key", "10000", "x")
		r.do("A", "GET", "volatile-key")
		r.do("A", "SETBIT", "big-key", "1600000", "0")
		r.do("A", "GETBIT", "big-key", "0")
		r.do("A", "CONFIG", "SET", "maxmemory-policy", "noeviction")
		r.do("A", "CONFIG", "SET", "maxmemory", "0")
	})
}

// A served blocked client's own invalidation comes after its reply.
func TestDiffSuiteMultiPubsubTrackingServedWaiter(t *testing.T) {
	mpScenario(t, "Unblocked BLMOVE gets notification after response", func(r *mpRun) {
		r.do("A", "RPUSH", "list2", "a")
		r.quiet("C", "HELLO", "3")
		r.do("C", "CLIENT", "TRACKING", "on")
		r.do("C", "LRANGE", "list2", "0", "-1")
		r.send("C", "BLMOVE", "list1", "list2", "left", "left", "0")
		mpWaitBlocked(r, 1)
		r.do("A", "RPUSH", "list1", "foo")
		r.read("C")
		r.read("C")
	})
	// The waiter tracks both keys: the source it pops from (changed by
	// the pusher, then by itself) and the destination; NOLOOP leaves out
	// what it changed itself once served.
	for _, noloop := range []bool{false, true} {
		mpScenario(t, fmt.Sprintf("served BLMOVE tracking both keys noloop=%v", noloop), func(r *mpRun) {
			r.do("A", "RPUSH", "list2", "a")
			r.do("A", "RPUSH", "list1", "x")
			r.quiet("C", "HELLO", "3")
			if noloop {
				r.do("C", "CLIENT", "TRACKING", "on", "NOLOOP")
			} else {
				r.do("C", "CLIENT", "TRACKING", "on")
			}
			r.do("C", "LRANGE", "list2", "0", "-1")
			r.do("C", "LPOP", "list1")
			r.do("C", "LRANGE", "list1", "0", "-1")
			r.send("C", "BLMOVE", "list1", "list2", "left", "left", "0")
			mpWaitBlocked(r, 1)
			r.do("A", "RPUSH", "list1", "foo")
			r.do("C", "PING", "end")
			r.readUntil("C", "$3\r\nend\r\n")
		})
	}
	// A BCAST client sees the keys the pusher and the served waiter
	// changed.
	mpScenario(t, "served BLMOVE and a BCAST client", func(r *mpRun) {
		r.quiet("D", "HELLO", "3")
		r.do("D", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "list")
		r.send("C", "BLMOVE", "list1", "list2", "left", "left", "0")
		mpWaitBlocked(r, 1)
		r.do("A", "RPUSH", "list1", "foo")
		r.read("C")
		r.do("D", "PING", "end")
		r.readUntil("D", "$3\r\nend\r\n")
	})
}

// mpWaitBlocked waits until n clients are blocked.
func mpWaitBlocked(r *mpRun, n int) {
	want := fmt.Sprint(n)
	for i := 0; i < 500; i++ {
		if r.info("blocked_clients") == want {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	r.t.Fatalf("%s: blocked_clients never reached %d", r.name, n)
}

// WATCH against each kind of write, beyond multi.tcl: EXEC must fail
// exactly when Redis signals the key as modified (and not for writes that
// change nothing).
func TestDiffSuiteMultiPubsubWatchMatrix(t *testing.T) {
	type w struct{ setup, cmd string }
	writes := []w{
		{"SET k v", "SET k v"}, {"SET k v", "SET k v NX"}, {"", "SET k v XX"}, {"SET k v", "APPEND k x"},
		{"SET k 1", "INCR k"}, {"SET k v", "SETRANGE k 0 \"\""}, {"SET k v", "GETDEL k"}, {"SET k v", "GETEX k"},
		{"SET k v", "GETEX k PERSIST"}, {"SET k v EX 100", "GETEX k PERSIST"}, {"SET k v", "GETEX k EX 100"},
		{"SET k v", "EXPIRE k 100"}, {"SET k v", "EXPIRE k 100 XX"}, {"SET k v EX 100", "PERSIST k"}, {"SET k v", "PERSIST k"},
		{"SET k v", "DEL k"}, {"", "DEL k"}, {"SET k v", "UNLINK k"}, {"SET k v", "RENAME k j"}, {"SET j v", "RENAME j k"},
		{"SET j v", "COPY j k"}, {"SET k v", "MOVE k 1"}, {"SET k v", "OBJECT FREQ k"}, {"SET k v", "GET k"},
		{"SET k v", "TOUCH k"}, {"", "LPUSHX k a"}, {"", "LPUSH k a"}, {"RPUSH k a", "LPOP k"}, {"RPUSH k a b", "LREM k 0 z"},
		{"RPUSH k a b", "LTRIM k 0 -1"}, {"RPUSH k a b", "LSET k 0 a"}, {"RPUSH k a b", "LINSERT k BEFORE z x"},
		{"SADD k a", "SADD k a"}, {"SADD k a", "SREM k z"}, {"SADD k a", "SPOP k 0"}, {"SADD j a", "SMOVE j k a"},
		{"SADD j a", "SINTERSTORE k j nokey"}, {"", "SUNIONSTORE k nokey"}, {"HSET k f v", "HSET k f v"},
		{"HSET k f v", "HSETNX k f v"}, {"HSET k f v", "HDEL k z"}, {"HSET k f 1", "HINCRBY k f 0"},
		{"ZADD k 1 a", "ZADD k 1 a"}, {"ZADD k 1 a", "ZADD k NX 2 a"}, {"ZADD k 1 a", "ZINCRBY k 0 a"}, {"ZADD k 1 a", "ZREM k z"},
		{"ZADD k 1 a", "ZREMRANGEBYSCORE k 5 6"}, {"", "ZUNIONSTORE k 1 nokey"}, {"ZADD j 1 a", "ZRANGESTORE k j 5 6"},
		{"", "XADD k 1-1 f v"}, {"XADD k 1-1 f v", "XTRIM k MAXLEN 5"}, {"XADD k 1-1 f v", "XDEL k 9-9"},
		{"XADD k 1-1 f v", "XGROUP CREATE k g 0"}, {"XADD k 1-1 f v", "XSETID k 1-1"}, {"", "PFADD k a"}, {"PFADD k a", "PFADD k a"},
		{"", "SETBIT k 0 0"}, {"SET k a", "BITOP AND k k"}, {"", "BITFIELD k GET u8 0"}, {"", "BITFIELD k SET u8 0 0"},
		{"", "GEOADD k 0 0 a"}, {"RPUSH j a", "SORT j STORE k"}, {"SET k v", "RESTORE k 0 \"\\x00\\x01v\\t\\x00\\xf6\\x8a\\xb6z\\x85\\x87rM\" REPLACE"},
		{"SET k v", "EVAL \"return redis.call('get', KEYS[1])\" 1 k"}, {"SET k v", "EVAL \"return redis.call('set', KEYS[1], 'v')\" 1 k"},
		{"RPUSH j a", "LMOVE j k LEFT LEFT"}, {"RPUSH k a", "LMPOP 1 k LEFT COUNT 5"}, {"ZADD k 1 a", "ZMPOP 1 k MIN"},
	}
	var cases []testserver.Case
	for i, x := range writes {
		lines := []string{}
		if x.setup != "" {
			lines = append(lines, x.setup)
		}
		lines = append(lines, "WATCH k", x.cmd, "MULTI", "PING", "EXEC")
		cases = append(cases, C(fmt.Sprintf("%02d %s", i, x.cmd), lines...))
	}
	diff(t, cases)
}

// Pub/sub corners around the pubsub.tcl scenarios.
func TestDiffSuiteMultiPubsubPubsubEdges(t *testing.T) {
	mpSessions(t, []session{
		S("subscription counts of each kind",
			"A: SUBSCRIBE a",
			"A: PSUBSCRIBE p*",
			"A: SSUBSCRIBE s",
			"A: SSUBSCRIBE s2",
			"A: SUBSCRIBE b",
			"A: UNSUBSCRIBE a",
			"A: PUNSUBSCRIBE p*",
			"A: SUNSUBSCRIBE s",
			"A: UNSUBSCRIBE b",
			"A: PING",
			"A: SUNSUBSCRIBE s2",
			"A: PING"),
		S("numsub numpat with repeats",
			"A: SUBSCRIBE c c",
			"B: SUBSCRIBE c",
			"A: PSUBSCRIBE p* p*",
			"B: PSUBSCRIBE p*",
			"C: PUBSUB NUMSUB c c nope",
			"C: PUBSUB NUMPAT",
			"C: PUBLISH c x",
			"C: PUBLISH px y",
			"A?",
			"B?",
			"B: PUNSUBSCRIBE p*",
			"C: PUBSUB NUMPAT",
			"A: PUNSUBSCRIBE",
			"C: PUBSUB NUMPAT"),
		S("pattern syntax",
			`A: PSUBSCRIBE "h\\?llo" "[^a]x" "[a-c]y" "[c-a]z" "\\\\w" "[" "a[bc"`,
			"B: PUBLISH h?llo 1",
			"B: PUBLISH hello 2",
			"B: PUBLISH bx 3",
			"B: PUBLISH ax 4",
			"B: PUBLISH by 5",
			"B: PUBLISH bz 6",
			`B: PUBLISH "\\w" 7`,
			"B: PUBLISH [ 8",
			"B: PUBLISH ab 9",
			"A?"),
		S("binary and empty channels",
			`A: SUBSCRIBE "" "\x00\xff"`,
			`A: PSUBSCRIBE "\x00*"`,
			`B: PUBLISH "" e`,
			`B: PUBLISH "\x00\xff" bin`,
			"A?",
			`C: PUBSUB NUMSUB "" "\x00\xff"`,
			`A: UNSUBSCRIBE ""`),
		S("publish from a script and a transaction to others",
			"A: SUBSCRIBE ch",
			`B: EVAL "return redis.call('publish', 'ch', 'fromlua')" 0`,
			"B=1: MULTI",
			"B=1: PUBLISH ch m1",
			"B=1: PUBLISH ch m2",
			"B=1: EXEC",
			"A?"),
		S("subscribe refused in scripts",
			`A: EVAL "return redis.call('subscribe', 'ch')" 0`,
			`A: EVAL "return redis.call('psubscribe', 'ch')" 0`,
			`A: EVAL "return redis.call('ssubscribe', 'ch')" 0`,
			`A: EVAL "return redis.pcall('unsubscribe')" 0`),
		S("killed subscriber",
			"%A: CLIENT ID",
			"A: SUBSCRIBE k1",
			"B: CLIENT KILL ID {A}",
			"@sleep 50",
			"B: PUBSUB NUMSUB k1",
			"B: PUBLISH k1 x"),
		S("reset on a subscriber",
			"A: SUBSCRIBE ch",
			"A: PSUBSCRIBE p*",
			"A: RESET",
			"B: PUBSUB NUMSUB ch",
			"B: PUBSUB NUMPAT",
			"B: PUBLISH ch x",
			"A?"),
		S("hello while subscribed",
			"A: SUBSCRIBE ch",
			"%A: HELLO 2",
			"%A: HELLO 3",
			"B: PUBLISH ch x",
			"A?",
			"%A: HELLO 2",
			"B: PUBLISH ch y",
			"A?"),
		S("keyspace events as pushes",
			"%A: HELLO 3",
			"B: CONFIG SET notify-keyspace-events KEA",
			"A: PSUBSCRIBE __key*@0__:*",
			"A: SUBSCRIBE __keyevent@0__:del",
			"B: SET \"a b\" 1",
			"B: DEL \"a b\"",
			"A?",
			"A: GET x"),
		S("subscriber output in a transaction of another client",
			"A: PSUBSCRIBE *",
			"B: CONFIG SET notify-keyspace-events KEA",
			"B=1: MULTI",
			"B=1: SET k 1",
			"B=1: PUBLISH k hi",
			"B=1: LPUSH l a",
			"B=1: EXEC",
			"A?"),
	})
}

// Tracking corners around the tracking.tcl scenarios.
func TestDiffSuiteMultiPubsubTrackingEdges(t *testing.T) {
	mpSessions(t, []session{
		S("redirect to a RESP3 client that is not subscribed",
			"%R: HELLO 3",
			"A: CLIENT TRACKING on REDIRECT {R}",
			"A: GET k",
			"B: SET k 1",
			"R?"),
		S("redirect to itself",
			"%A: CLIENT ID",
			"A: CLIENT TRACKING on REDIRECT {A}",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"A: SUBSCRIBE __redis__:invalidate",
			"A: CLIENT TRACKING on REDIRECT {A}",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on REDIRECT {A}",
			"A: GET k",
			"B: SET k 2",
			"A?"),
		S("keyspaces share tracked names",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: SELECT 1",
			"B: SET k 1",
			"A?",
			"A: SELECT 1",
			"A: GET k",
			"B: SELECT 0",
			"B: FLUSHDB",
			"A?",
			"A: GET k",
			"B: SWAPDB 0 1",
			"A?",
			"A: GET j",
			"B: SET j 1",
			"B: MOVE j 1",
			"A?"),
		S("bcast overlapping prefixes of different clients",
			"%A: HELLO 3",
			"%C: HELLO 3",
			"A: CLIENT TRACKING on BCAST PREFIX a PREFIX b",
			"C: CLIENT TRACKING on BCAST PREFIX ab",
			"B: MSET abc 1 b 2 ab 3 c 4",
			"A?",
			"C?",
			"C: CLIENT TRACKING off",
			"B: SET abc 2",
			"A?",
			"C?"),
		S("bcast and expiry",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on BCAST PREFIX e",
			"B: SET e1 v PX 20",
			"A?",
			"@sleep 300",
			"A?"),
		S("tracking after flush keeps tracking on",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: GET k",
			"B: FLUSHALL",
			"A?",
			"A: GET k",
			"B: SET k 1",
			"A?",
			"A: CLIENT TRACKINGINFO"),
		S("reads that track and writes that do not",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: SET s v",
			"A: RPUSH l a",
			"A: HSET h f v",
			"A: ZADD z 1 a",
			"A: SADD st a",
			"A: TYPE s",
			"A: TTL l",
			"A: HGETALL h",
			"A: ZSCORE z a",
			"A: SISMEMBER st a",
			"A: EXISTS s l",
			"A: SCAN 0 MATCH s",
			"A: KEYS s",
			"A: DBSIZE",
			"A: XLEN nostream",
			"A: OBJECT ENCODING l",
			"A: SORT_RO l ALPHA",
			"A: LCS s s",
			"B: MSET s 1 nostream 2",
			"B: DEL l h z st",
			"A?"),
		S("tracking of a stream read with XREAD",
			"%A: HELLO 3",
			"A: CLIENT TRACKING on",
			"A: XADD x 1-1 f v",
			"A: XREAD STREAMS x 0",
			"A: XRANGE x - +",
			"B: XADD x 2-1 f v",
			"A?"),
	})
}

// infoLines returns the INFO lines of a section that start with one of
// the prefixes, in order.
func (r *mpRun) infoLines(section string, prefixes ...string) string {
	s := r.quiet("_info", "INFO", section)
	var out []string
	for _, line := range strings.Split(s, "\r\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				// usec figures are timings: keep only the counts.
				fields := strings.Split(line, ",")
				var kept []string
				for _, f := range fields {
					if !strings.Contains(f, "usec") {
						kept = append(kept, f)
					}
				}
				out = append(out, strings.Join(kept, ","))
			}
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// Statistics and introspection of transactions.
func TestDiffSuiteMultiPubsubMultiStats(t *testing.T) {
	mpScenario(t, "errorstats and commandstats of aborted and executed transactions", func(r *mpRun) {
		r.do("A", "CONFIG", "RESETSTAT")
		r.do("A", "MULTI")
		r.do("A", "SET", "k", "v")
		r.do("A", "NOSUCH")
		r.do("A", "GET")
		r.do("A", "EXEC")
		r.do("A", "MULTI")
		r.do("A", "SET", "k", "v")
		r.do("A", "INCR", "k")
		r.do("A", "LPUSH", "k", "a")
		r.do("A", "EXEC")
		r.do("A", "EXEC")
		r.do("A", "DISCARD")
		r.do("A", "MULTI")
		r.do("A", "MULTI")
		r.do("A", "WATCH", "x")
		r.do("A", "DISCARD")
		r.note("%s", r.infoLines("errorstats", "errorstat_"))
		r.note("%s", r.infoLines("commandstats", "cmdstat_set", "cmdstat_get", "cmdstat_incr", "cmdstat_lpush",
			"cmdstat_multi", "cmdstat_exec", "cmdstat_discard", "cmdstat_watch"))
		r.note("total_error_replies %s", r.info("total_error_replies"))
	})
	mpScenario(t, "client list shows the transaction", func(r *mpRun) {
		field := func(list, name string) string {
			for _, f := range strings.Fields(list) {
				if v, ok := strings.CutPrefix(f, name+"="); ok {
					return v
				}
			}
			return "?"
		}
		show := func() {
			l := r.quiet("B", "CLIENT", "LIST", "ID", r.id("A"))
			r.note("flags=%s multi=%s cmd=%s", field(l, "flags"), field(l, "multi"), field(l, "cmd"))
		}
		show()
		r.do("A", "MULTI")
		show()
		r.do("A", "SET", "k", "v")
		r.do("A", "GET", "k")
		show()
		r.do("A", "EXEC")
		show()
		r.do("A", "WATCH", "k")
		show()
		r.do("B", "SET", "k", "w")
		show()
		r.do("A", "MULTI")
		r.do("A", "SET", "x", "1")
		show()
		r.do("A", "EXEC")
		show()
		r.do("A", "MULTI")
		r.do("A", "GET")
		r.do("A", "SET", "x", "1")
		show()
		r.do("A", "DISCARD")
		show()
	})
}

// An unknown command clears the client's last command.
func TestDiffSuiteMultiPubsubMultiStatsUnknown(t *testing.T) {
	mpScenario(t, "unknown command clears cmd", func(r *mpRun) {
		r.do("A", "MULTI")
		r.do("A", "NOSUCH")
		l := r.quiet("B", "CLIENT", "LIST", "ID", r.id("A"))
		r.note("%s", l[strings.Index(l, " cmd="):strings.Index(l, " user=")])
		r.do("A", "DISCARD")
		r.do("A", "NOSUCH")
		l = r.quiet("B", "CLIENT", "LIST", "ID", r.id("A"))
		r.note("%s", l[strings.Index(l, " cmd="):strings.Index(l, " user=")])
	})
}

func TestDiffSuiteMultiPubsubTrackingPrefixes(t *testing.T) {
	mpScenario(t, "prefixes are dropped with the last bcast client", func(r *mpRun) {
		r.quiet("C", "HELLO", "3")
		r.do("C", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:", "PREFIX", "q:")
		r.quiet("D", "HELLO", "3")
		r.do("D", "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p:")
		r.do("B", "SET", "p:1", "1")
		r.do("B", "SET", "q:1", "1")
		r.note("tracking_total_prefixes %s", r.info("tracking_total_prefixes"))
		r.send("C", "CLIENT", "TRACKING", "off")
		r.readUntil("C", "+OK\r\n")
		r.note("tracking_total_prefixes %s", r.info("tracking_total_prefixes"))
		r.send("D", "CLIENT", "TRACKING", "off")
		r.readUntil("D", "+OK\r\n")
		r.note("tracking_total_prefixes %s", r.info("tracking_total_prefixes"))
		r.note("tracking_clients %s", r.info("tracking_clients"))
	})
}

// MONITOR sees a transaction's commands in the order Redis feeds them:
// after each ran, so EXEC comes after the commands it ran.
func TestDiffSuiteMultiPubsubMultiMonitor(t *testing.T) {
	mpScenario(t, "monitor of a transaction", func(r *mpRun) {
		r.do("M", "MONITOR")
		r.do("A", "MULTI")
		r.do("A", "SET", "k", "v")
		r.do("A", "GET", "k")
		r.do("A", "EXEC")
		r.do("A", "MULTI")
		r.do("A", "NOSUCH")
		r.do("A", "EXEC")
		r.do("A", "PING", "end")
		for {
			line := r.raw("M")
			// "+<time> [<db> <addr>] <args>": keep the arguments.
			if i := strings.Index(line, "] "); i >= 0 {
				line = line[i+2:]
			}
			r.note("M< %q", line)
			if strings.Contains(line, `"end"`) {
				break
			}
		}
	})
}

// MONITOR corners: the database shown is the one after the command ran
// (SELECT, SELECT inside EXEC); refused commands are not shown, failed
// ones (EXECABORT, EXEC without MULTI, a WATCH-failed EXEC) are; EVAL
// shows before the commands its script runs, inside EXEC too.
func TestDiffSuiteMultiPubsubMonitorOrder(t *testing.T) {
	mpScenario(t, "monitor order and databases", func(r *mpRun) {
		r.do("M", "MONITOR")
		r.do("A", "SELECT", "3")
		r.do("A", "SET", "k", "v")
		r.do("A", "MULTI")
		r.do("A", "SELECT", "4")
		r.do("A", "SET", "k", "v")
		r.do("A", "SELECT", "0")
		r.do("A", "EXEC")
		r.do("A", "SET", "k")
		r.do("A", "NOSUCH")
		r.do("A", "EXEC")
		r.do("A", "WATCH", "k")
		r.do("B", "SET", "k", "2")
		r.do("A", "MULTI")
		r.do("A", "PING")
		r.do("A", "EXEC")
		r.do("A", "EVAL", "redis.call('set', 'a', '1') return redis.call('get', 'a')", "0")
		r.do("A", "EVAL", "return redis.pcall('nosuch')", "0")
		r.do("A", "MULTI")
		r.do("A", "EVAL", "return redis.call('get', 'a')", "0")
		r.do("A", "GET", "a")
		r.do("A", "EXEC")
		r.do("A", "PING", "end")
		mpMonitorLines(r, "M", `"end"`)
	})
}

// A monitor sees its own commands after their replies, none while its
// replies are off; it is a replica for Redis, refused every command
// that touches the keyspace (queued ones too), and a second MONITOR
// gets no reply. A script's SELECT shows the database it selected.
func TestDiffSuiteMultiPubsubMonitorItself(t *testing.T) {
	mpScenario(t, "monitor's own commands", func(r *mpRun) {
		r.id("A") // connect (CLIENT ID) before monitoring starts
		r.id("B")
		r.do("M", "MONITOR")
		for _, cmd := range [][]string{{"PING", "one"}, {"GET", "a"}, {"SET", "a", "1"}, {"PUBLISH", "ch", "x"},
			{"SPUBLISH", "ch", "x"}, {"EVAL", "return 1", "0"}, {"EVAL_RO", "return 1", "0"}, {"FCALL", "f", "0"},
			{"PFCOUNT", "h"}, {"FUNCTION", "FLUSH"}, {"SCRIPT", "LOAD", "return 1"}, {"WAIT", "0", "0"},
			{"MULTI"}, {"GET", "a"}, {"PING"}, {"EXEC"}, {"MONITOR"}, {"CLIENT", "REPLY", "OFF"}} {
			r.send("M", cmd...)
		}
		// Wait for M to have turned its replies off (CLIENT LIST is not
		// shown to monitors).
		for i := 0; ; i++ {
			l := r.quiet("B", "CLIENT", "LIST", "ID", r.id("M"))
			if strings.Contains(l, "cmd=client|reply") {
				break
			}
			if i == 500 {
				r.t.Fatalf("%s: M never ran CLIENT REPLY OFF: %q", r.name, l)
			}
			time.Sleep(2 * time.Millisecond)
		}
		r.do("A", "SET", "a", "2")
		r.send("M", "PING", "hidden")
		r.send("M", "CLIENT", "REPLY", "ON")
		mpMonitorLines(r, "M", `"ON"`)
		r.do("A", "EVAL", "redis.call('select', '5') return redis.call('get', 'a')", "0")
		r.do("A", "PING", "end")
		mpMonitorLines(r, "M", `"end"`)
	})
}

// mpMonitorLines reads and records the named MONITOR connection's lines
// up to the one containing last, without their time and with the
// client's address written as "client".
func mpMonitorLines(r *mpRun, name, last string) {
	for {
		line := r.raw(name)
		if i := strings.Index(line, " ["); i >= 0 {
			line = line[i+1:]
		}
		if i, j := strings.Index(line, " "), strings.Index(line, "]"); i >= 0 && j > i && line[i+1:j] != "lua" {
			line = line[:i+1] + "client" + line[j:]
		}
		r.note("%s< %q", name, line)
		if strings.Contains(line, last) {
			return
		}
	}
}

// SLOWLOG records the commands a transaction runs, not EXEC.
func TestDiffSuiteMultiPubsubMultiSlowlog(t *testing.T) {
	mpScenario(t, "slowlog of a transaction", func(r *mpRun) {
		r.do("A", "CONFIG", "SET", "slowlog-log-slower-than", "0")
		r.do("A", "SLOWLOG", "RESET")
		r.do("A", "MULTI")
		r.do("A", "SET", "k", "v")
		r.do("A", "GET", "k")
		r.do("A", "EXEC")
		r.do("A", "MULTI")
		r.do("A", "NOSUCH")
		r.do("A", "EXEC")
		r.do("A", "CONFIG", "SET", "slowlog-log-slower-than", "10000")
		v := r.conn("A").Call(r.t, "SLOWLOG", "GET", "100")
		entries, _ := v.([]any)
		for _, e := range entries {
			f, _ := e.([]any)
			if len(f) > 3 {
				r.note("slowlog %v", f[3])
			}
		}
	})
}

// Turning tracking on again with other options.
func TestDiffSuiteMultiPubsubTrackingReenable(t *testing.T) {
	mpSessions(t, []session{
		S("reenable with other options",
			"A: CLIENT TRACKING on BCAST",
			"A: CLIENT TRACKING on",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on",
			"A: CLIENT TRACKING on BCAST",
			"A: CLIENT TRACKING on OPTIN",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on OPTIN",
			"A: CLIENT TRACKING on OPTOUT",
			"A: CLIENT TRACKING on OPTIN NOLOOP",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on OPTIN",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on OPTIN REDIRECT {B}",
			"%A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on OPTIN REDIRECT {C}",
			"%A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on OPTIN",
			"%A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING on BCAST PREFIX a",
			"A: CLIENT TRACKING on BCAST PREFIX b",
			"A: CLIENT TRACKING on BCAST PREFIX ab",
			"A: CLIENT TRACKING on BCAST PREFIX a",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING on BCAST",
			"A: CLIENT TRACKINGINFO",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKING off",
			"A: CLIENT TRACKINGINFO"),
		S("caching flag and transactions",
			"A: CLIENT TRACKING on OPTOUT",
			"A=1: CLIENT CACHING no",
			"A=1: CLIENT CACHING no",
			"A: CLIENT TRACKINGINFO",
			"A=1: MULTI",
			"A=1: CLIENT CACHING yes",
			"A=1: EXEC",
			"A: CLIENT TRACKINGINFO"),
	})
}

// min-replicas-to-write refuses writes on a master without replicas.
func TestDiffSuiteMultiPubsubMultiReplicas(t *testing.T) {
	diff(t, []testserver.Case{
		C("min-replicas-to-write refuses writes", "CONFIG SET min-replicas-to-write 2", "SET x 1", "GET x",
			"MULTI", "INCR x", "GET x", "EXEC", "CONFIG SET min-replicas-to-write 0", "GET x"),
	})
}

// multi.tcl "exec with write commands and state change".
func TestDiffSuiteMultiPubsubMultiReplicasExec(t *testing.T) {
	mpSessions(t, []session{
		S("exec with write commands and state change",
			"A: SET xx 1",
			"A=1: MULTI",
			"A=1: INCR xx",
			"B: CONFIG SET min-replicas-to-write 2",
			"A=1: EXEC",
			"B: CONFIG SET min-replicas-to-write 0",
			"A: GET xx"),
	})
}

// Invalidations reach clients that turned replies off (newer
// tracking.tcl tests; Redis 7.0.15 sends them as pushes).
func TestDiffSuiteMultiPubsubTrackingReplyOff(t *testing.T) {
	mpScenario(t, "RESP3 based basic redirect invalidation with client reply off", func(r *mpRun) {
		r.quiet("R", "HELLO", "3")
		r.send("R", "CLIENT", "REPLY", "OFF")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		r.do("B", "SET", "key1", "1")
		r.do("A", "GET", "key1")
		r.do("B", "SET", "key1", "2")
		r.read("R")
	})
	mpScenario(t, "RESP3 based basic tracking-redir-broken with client reply off", func(r *mpRun) {
		r.quiet("A", "HELLO", "3")
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		r.do("B", "SET", "key1", "1")
		r.do("A", "GET", "key1")
		r.do("R", "QUIT")
		time.Sleep(50 * time.Millisecond)
		r.send("A", "CLIENT", "REPLY", "OFF")
		r.do("B", "SET", "key1", "2")
		r.normIDs = true
		r.read("A")
	})
	mpScenario(t, "RESP2 based basic invalidation with client reply off", func(r *mpRun) {
		r.quiet("R", "HELLO", "2")
		r.do("R", "SUBSCRIBE", "__redis__:invalidate")
		r.do("A", "CLIENT", "TRACKING", "on", "REDIRECT", r.id("R"))
		r.do("B", "SET", "key1", "1")
		r.do("A", "GET", "key1")
		r.do("R", "CLIENT", "REPLY", "OFF")
		r.do("B", "SET", "key1", "2")
		r.read("R")
	})
	mpScenario(t, "RESP3 based basic invalidation with client reply off", func(r *mpRun) {
		r.quiet("C", "HELLO", "3")
		r.do("C", "CLIENT", "TRACKING", "on")
		r.send("C", "CLIENT", "REPLY", "OFF")
		r.do("B", "SET", "key1", "1")
		r.send("C", "GET", "key1")
		time.Sleep(20 * time.Millisecond)
		r.do("B", "SET", "key1", "2")
		r.read("C")
	})
}

// WATCH and expiry corners beyond multi.tcl.
func TestDiffSuiteMultiPubsubWatchExpiry(t *testing.T) {
	diff(t, []testserver.Case{
		C("stale watched key later removed by active expiry", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1", "@sleep 10",
			"WATCH x", "DEBUG SET-ACTIVE-EXPIRE 1", "@sleep 300", "DBSIZE", "MULTI", "PING", "EXEC"),
		C("stale watched key recreated", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1", "@sleep 10",
			"WATCH x", "SET x bar", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("stale watched key deleted then recreated", "DEBUG SET-ACTIVE-EXPIRE 0", "SET x foo PX 1", "@sleep 10",
			"WATCH x", "DEL x", "SET x bar", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watched key moved into another keyspace", "SELECT 1", "WATCH k", "SELECT 0", "SET k v", "MOVE k 1",
			"SELECT 1", "MULTI", "PING", "EXEC", "SELECT 0"),
		C("watched key renamed onto itself", "SET k v", "WATCH k", "RENAME k k", "MULTI", "PING", "EXEC"),
		C("watched key with a ttl that is extended", "SET k v EX 100", "WATCH k", "EXPIRE k 200", "MULTI", "PING", "EXEC"),
		C("watched key with an EXPIRE that fails", "SET k v EX 100", "WATCH k", "EXPIRE k 50 GT", "MULTI", "PING", "EXEC"),
		C("watch the same key twice then unwatch", "WATCH k k", "SET k 1", "UNWATCH", "MULTI", "PING", "EXEC"),
		C("exec result types in a transaction", "RPUSH l a b", "HSET h f v", "ZADD z 1.5 m", "MULTI", "LRANGE l 0 -1",
			"HGETALL h", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z m", "SMEMBERS nokey", "GET nokey", "LPOP nokey 2",
			"XRANGE nokey - +", "EXEC"),
		C("transaction with select and flush", "SET a 1", "MULTI", "SELECT 1", "SET a 2", "FLUSHDB", "SELECT 0",
			"GET a", "EXEC", "SELECT 1", "DBSIZE", "SELECT 0"),
	})
}

// CLIENT LIST fields of subscribers and tracking clients.
func TestDiffSuiteMultiPubsubClientList(t *testing.T) {
	mpScenario(t, "client list of subscribers", func(r *mpRun) {
		show := func(name string) {
			l := r.quiet("B", "CLIENT", "LIST", "ID", r.id(name))
			var kept []string
			for _, f := range strings.Fields(l) {
				for _, p := range []string{"flags=", "sub=", "psub=", "ssub=", "multi=", "cmd=", "redir=", "resp="} {
					if strings.HasPrefix(f, p) {
						for n, id := range r.ids {
							if f == "redir="+id {
								f = "redir={" + n + "}"
							}
						}
						kept = append(kept, f)
					}
				}
			}
			r.note("%s: %s", name, strings.Join(kept, " "))
		}
		show("A")
		r.do("A", "SUBSCRIBE", "a")
		r.send("A", "SUBSCRIBE", "b", "c")
		r.read("A")
		r.read("A")
		r.do("A", "PSUBSCRIBE", "p*")
		r.do("A", "SSUBSCRIBE", "s")
		show("A")
		r.do("A", "UNSUBSCRIBE", "a")
		show("A")
		r.do("C", "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP")
		show("C")
		r.do("C", "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", "REDIRECT", r.id("A"))
		show("C")
	})
}

// The "new" event of every family's key-creating commands, in order with
// the command's own event.
func TestDiffSuiteMultiPubsubNotifyNew(t *testing.T) {
	mpSessions(t, []session{
		notifySession("new keys of each type", "KEAn",
			"LPUSH l a", "RPUSH l b", "SADD s a", "HSET h f v", "ZADD z 1 a", "XADD x 1-1 f v", "SETBIT b 1 1",
			"PFADD p a", "GEOADD g 0 0 m", "LMOVE l l2 LEFT LEFT", "SMOVE s s2 a", "SUNIONSTORE s3 s2", "ZUNIONSTORE z2 1 z",
			"SORT l2 STORE l3", "COPY x x2", "RESTORE r 0 \"\\x00\\x01v\\t\\x00\\xf6\\x8a\\xb6z\\x85\\x87rM\"",
			"XGROUP CREATE x4 g $ MKSTREAM", "HINCRBY h2 f 1", "ZINCRBY z3 1 a", "INCRBYFLOAT f 1", "BITOP OR b2 b",
			"PFMERGE p2 p", "GEOSEARCHSTORE g2 g FROMLONLAT 0 0 BYRADIUS 10 km", "EVAL \"redis.call('set', KEYS[1], 1)\" 1 e"),
	})
}
