package server_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
)

// A script is atomic: while it runs no other client's command does. The
// transfer script moves one unit from a to b between its reads and its
// writes; were another client's INCR to run in between, it would be lost
// and a+b would fall short of the number of INCRs.
func TestScriptAtomicityUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	rdb := goredis.NewClient(&goredis.Options{Addr: sundial.Addr, PoolSize: 16})
	defer rdb.Close()
	keys := []string{"atomic:a", "atomic:b", "atomic:sum"}
	rdb.Del(ctx, keys...)
	transfer := goredis.NewScript(`
local a = tonumber(redis.call('get', KEYS[1]) or '0')
local b = tonumber(redis.call('get', KEYS[2]) or '0')
redis.call('set', KEYS[1], a - 1)
redis.call('set', KEYS[2], b + 1)
redis.call('set', KEYS[3], a + b)
return a + b`)

	const workers, rounds = 4, 400
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for w := 0; w < workers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if err := rdb.Incr(ctx, keys[0]).Err(); err != nil {
					errs <- err
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			last := int64(-1)
			for i := 0; i < rounds; i++ {
				n, err := transfer.Run(ctx, rdb, keys).Int64()
				if err != nil {
					errs <- err
					return
				}
				// The total only grows: INCRs add to it, transfers keep it.
				if n < last {
					errs <- fmt.Errorf("script saw a+b = %d after %d", n, last)
					return
				}
				last = n
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	a, _ := rdb.Get(ctx, keys[0]).Int64()
	b, _ := rdb.Get(ctx, keys[1]).Int64()
	if a+b != workers*rounds {
		t.Fatalf("a+b = %d+%d = %d, want %d (an update was lost)", a, b, a+b, workers*rounds)
	}
	if b != workers*rounds {
		t.Fatalf("b = %d, want %d transfers", b, workers*rounds)
	}
	// The sum written by the last transfer is what a+b was then.
	if err := transfer.Run(ctx, rdb, keys).Err(); err != nil {
		t.Fatal(err)
	}
	sum, _ := rdb.Get(ctx, keys[2]).Int64()
	if sum != workers*rounds {
		t.Fatalf("sum = %d, want %d", sum, workers*rounds)
	}
}

// busyTarget is a server a BUSY scenario runs against.
type busyTarget struct {
	name string
	addr string
}

// busyTargets starts a dedicated sundial and, when installed, a dedicated
// redis-server, both with a 100 ms busy-reply-threshold. With shutdown
// the scenario stops the servers itself (SHUTDOWN NOSAVE), so sundial is
// not stopped again at cleanup, only checked for panics.
func busyTargets(t *testing.T, shutdown bool) []busyTarget {
	t.Helper()
	var s *testserver.Sundial
	if shutdown {
		var err error
		if s, err = testserver.Start("busy-reply-threshold", "100"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if n := s.Panics(); n > 0 {
				t.Errorf("sundial recovered %d panic(s)", n)
			}
		})
	} else {
		s = startWith(t, "busy-reply-threshold", "100")
	}
	targets := []busyTarget{{"sundial", s.Addr}}
	r, err := testserver.StartRedis("--busy-reply-threshold", "100")
	if err != nil {
		t.Fatal(err)
	}
	if r != nil {
		t.Cleanup(r.Stop)
		targets = append(targets, busyTarget{"redis", r.Addr})
	} else if testserver.RequireRedis() {
		t.Fatal(testserver.SkipMessage)
	}
	return targets
}

// startBusy sends a command that runs long on its own connection and
// waits until the server answers another client BUSY.
func startBusy(t *testing.T, addr string, args ...string) *testserver.Conn {
	t.Helper()
	runner := dial(t, addr, 2)
	if err := runner.Send(args...); err != nil {
		t.Fatal(err)
	}
	probe := dial(t, addr, 2)
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := probe.Do("PING")
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(r, "-BUSY") {
			return runner
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never became busy (last reply %q)", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// While a read-only script runs past busy-reply-threshold other clients
// get BUSY, FUNCTION KILL and FUNCTION STATS are refused, a transaction
// queued meanwhile is doomed, and SCRIPT KILL stops the script, whose
// caller gets the kill error. Replies are compared with redis-server.
func TestScriptBusyAndKill(t *testing.T) {
	const script = "local i = 0\nwhile true do i = i + 1 end"
	sha := shaOf(script)
	var transcripts [][]string
	for _, tg := range busyTargets(t, false) {
		runner := startBusy(t, tg.addr, "EVAL", script, "0")
		other := dial(t, tg.addr, 2)
		tx := dial(t, tg.addr, 2)
		var got []string
		do := func(c *testserver.Conn, cmd ...string) {
			r, err := c.Do(cmd...)
			if err != nil {
				t.Fatalf("%s %v: %v", tg.name, cmd, err)
			}
			got = append(got, r)
		}
		do(other, "GET", "k")
		do(other, "SET", "k", "v")
		do(other, "FUNCTION", "STATS")
		do(other, "FUNCTION", "KILL")
		do(other, "SHUTDOWN")
		do(tx, "MULTI")
		do(tx, "GET", "k")
		do(other, "SCRIPT", "KILL")
		r, err := runner.ReadRaw()
		if err != nil {
			t.Fatalf("%s: script reply: %v", tg.name, err)
		}
		got = append(got, r)
		do(tx, "EXEC")
		do(other, "PING")
		do(other, "GET", "k")
		transcripts = append(transcripts, got)
	}
	busy := "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n"
	want := []string{busy, busy, busy, busy, busy, "+OK\r\n", busy, "+OK\r\n",
		"-ERR Script killed by user with SCRIPT KILL... script: " + sha + ", on @user_script:2.\r\n",
		"-EXECABORT Transaction discarded because of previous errors.\r\n", "+PONG\r\n", "$-1\r\n"}
	for i, got := range transcripts {
		if strings.Join(got, "") != strings.Join(want, "") {
			t.Errorf("transcript %d:\n got %q\nwant %q", i, got, want)
		}
	}
}

// A busy function is stopped by FUNCTION KILL, not SCRIPT KILL, and
// FUNCTION STATS describes it while it runs.
func TestFunctionBusyAndKill(t *testing.T) {
	const lib = "#!lua name=busy\nredis.register_function{function_name='spin', callback=function()\n  local i = 0\n  while true do i = i + 1 end\nend, flags={'no-writes'}}"
	for _, tg := range busyTargets(t, false) {
		admin := dial(t, tg.addr, 2)
		expect(t, admin, "$4\r\nbusy\r\n", "FUNCTION", "LOAD", lib)
		runner := startBusy(t, tg.addr, "FCALL", "spin", "1", "somekey", "arg")
		other := dial(t, tg.addr, 2)
		busy := "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n"
		expect(t, other, busy, "PING")
		expect(t, other, busy, "SCRIPT", "KILL")
		stats, err := other.Do("FUNCTION", "STATS")
		if err != nil {
			t.Fatal(err)
		}
		prefix := "*4\r\n$14\r\nrunning_script\r\n*6\r\n$4\r\nname\r\n$4\r\nspin\r\n$7\r\ncommand\r\n*5\r\n$5\r\nFCALL\r\n$4\r\nspin\r\n$1\r\n1\r\n$7\r\nsomekey\r\n$3\r\narg\r\n$11\r\nduration_ms\r\n:"
		suffix := "\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:1\r\n"
		if !strings.HasPrefix(stats, prefix) || !strings.HasSuffix(stats, suffix) {
			t.Fatalf("%s: FUNCTION STATS = %q", tg.name, stats)
		}
		ms, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(stats, prefix), suffix))
		if err != nil || ms < 100 {
			t.Fatalf("%s: duration_ms in %q", tg.name, stats)
		}
		expect(t, other, "+OK\r\n", "FUNCTION", "KILL")
		r, err := runner.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		if want := "-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:4.\r\n"; r != want {
			t.Fatalf("%s: killed function replied %q, want %q", tg.name, r, want)
		}
		expect(t, other, "+PONG\r\n", "PING")
	}
}

// A script that already wrote cannot be killed; SHUTDOWN is refused and
// SHUTDOWN NOSAVE stops the server.
func TestScriptUnkillableAndShutdownNoSave(t *testing.T) {
	for _, tg := range busyTargets(t, true) {
		runner := startBusy(t, tg.addr, "EVAL", "redis.call('set', 'x', '1') while true do end", "0")
		other := dial(t, tg.addr, 2)
		expect(t, other, "-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n", "SCRIPT", "KILL")
		expect(t, other, "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n", "SHUTDOWN")
		if r, err := other.Do("SHUTDOWN", "NOSAVE"); err == nil {
			t.Fatalf("%s: SHUTDOWN NOSAVE replied %q; want the connection closed", tg.name, r)
		}
		runner.SetReadDeadline(time.Now().Add(5 * time.Second))
		// Redis exits under the script; sundial stops it first and may
		// answer its caller before closing. Either way the server goes.
		testserver.ReadRaw(runner.R)
		deadline := time.Now().Add(5 * time.Second)
		for {
			c, err := testserver.Dial(tg.addr, 2)
			if err != nil {
				break
			}
			_, err = c.Do("PING")
			c.Close()
			if err != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: server still serving after SHUTDOWN NOSAVE", tg.name)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// BullMQ-style usage: scripts loaded with SCRIPT LOAD and run by EVALSHA
// (go-redis's Script falls back to EVAL on NOSCRIPT), options packed with
// MessagePack, data encoded with cjson, many KEYS and ARGV, and
// redis.call with many arguments. Results are compared with
// redis-server.
func TestBullMQStyleScripts(t *testing.T) {
	const addJob = `
local jobIdKey, waitKey, eventsKey, metaKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local opts = cmsgpack.unpack(ARGV[3])
local jobId = tostring(redis.call('INCR', jobIdKey))
local jobKey = ARGV[1] .. jobId
local data = cjson.encode({ARGV[4], tonumber(ARGV[5]), {opts.attempts, opts.delay}})
redis.call('HMSET', jobKey, 'name', ARGV[2], 'data', data, 'timestamp', ARGV[6],
  'delay', opts.delay, 'attempts', opts.attempts, 'priority', 0, 'atm', 0)
redis.call('HSET', metaKey, 'opts.maxLenEvents', 10000)
redis.call('XADD', eventsKey, 'MAXLEN', '~', 10000, '*', 'event', 'added', 'jobId', jobId, 'name', ARGV[2])
redis.call('HINCRBY', waitKey, 'count', 1)
return jobId`
	const moveMany = `
local n = 0
for i = 1, #ARGV, 2 do
  n = n + redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
local fields = {}
for i = 1, #ARGV, 2 do fields[#fields + 1] = ARGV[i] end
local all = redis.call('HMGET', KEYS[1], unpack(fields))
return {n, #all, redis.call('HLEN', KEYS[1]), cjson.encode({all[1], all[#all]})}`
	// {attempts = 3, delay = 0} as MessagePack (fixmap of two entries).
	packed := "\x82\xa8attempts\x03\xa5delay\x00"

	run := func(addr string) []string {
		ctx := context.Background()
		rdb := goredis.NewClient(&goredis.Options{Addr: addr})
		defer rdb.Close()
		rdb.Del(ctx, "bull:id", "bull:wait", "bull:events", "bull:meta", "bull:1", "bull:2", "bull:many")
		var out []string
		add := goredis.NewScript(addJob)
		if err := rdb.ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		// First run: EVALSHA fails with NOSCRIPT, go-redis falls back to EVAL.
		for i := 0; i < 2; i++ {
			id, err := add.Run(ctx, rdb, []string{"bull:id", "bull:wait", "bull:events", "bull:meta"},
				"bull:", "email", packed, "payload\x00binary", 42, 1700000000000).Result()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(id))
		}
		sha, err := rdb.ScriptLoad(ctx, moveMany).Result()
		if err != nil || sha != shaOf(moveMany) {
			t.Fatalf("SCRIPT LOAD = %q, %v", sha, err)
		}
		var args []any
		for i := 0; i < 150; i++ {
			args = append(args, fmt.Sprintf("field%03d", i), strings.Repeat("v", i))
		}
		res, err := rdb.EvalSha(ctx, sha, []string{"bull:many"}, args...).Result()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(res))
		for _, k := range []string{"bull:1", "bull:2"} {
			h, err := rdb.HGetAll(ctx, k).Result()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(h))
		}
		out = append(out, fmt.Sprint(rdb.XLen(ctx, "bull:events").Val()), fmt.Sprint(rdb.HGetAll(ctx, "bull:wait").Val()))
		exists, err := rdb.ScriptExists(ctx, add.Hash(), sha, strings.Repeat("0", 40)).Result()
		if err != nil {
			t.Fatal(err)
		}
		return append(out, fmt.Sprint(exists))
	}
	got := run(sundial.Addr)
	want := []string{"1", "2", `[150 150 150 ["",` + strconv.Quote(strings.Repeat("v", 149)) + `]]`}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("result %d = %q, want %q", i, got[i], w)
		}
	}
	if !strings.Contains(got[3], `data:["payload`) || !strings.Contains(got[3], `",42,[3,0]]`) {
		t.Fatalf("job hash %q", got[3])
	}
	if redis == nil {
		return
	}
	if ref := run(redis.Addr); strings.Join(got, "\n") != strings.Join(ref, "\n") {
		t.Fatalf("sundial and redis differ:\nsundial %q\nredis   %q", got, ref)
	}
}

// MONITOR shows EVAL and FCALL before the commands they run, which come
// from the "lua" client, as Redis shows them.
func TestMonitorShowsScripts(t *testing.T) {
	const lib = "#!lua name=mon\nredis.register_function('m', function(keys) return redis.call('get', keys[1]) end)"
	show := func(addr string) []string {
		mon := dial(t, addr, 2)
		expect(t, mon, "+OK\r\n", "MONITOR")
		c := dial(t, addr, 2)
		expect(t, c, "+OK\r\n", "FUNCTION", "FLUSH")
		expect(t, c, "$3\r\nmon\r\n", "FUNCTION", "LOAD", lib)
		expect(t, c, ":1\r\n", "EVAL", "redis.call('set', KEYS[1], 'v') return redis.call('exists', KEYS[1])", "1", "mk")
		expect(t, c, "-ERR Number of keys can't be negative\r\n", "EVAL", "return 1", "-1")
		expect(t, c, "$1\r\nv\r\n", "FCALL", "m", "1", "mk")
		var lines []string
		for i := 0; i < 8; i++ {
			l, err := mon.ReadRaw()
			if err != nil {
				t.Fatal(err)
			}
			// Drop the timestamp; keep "lua" but not the client's address.
			l = l[strings.IndexByte(l, '['):]
			if !strings.HasPrefix(l, "[0 lua]") {
				l = "[0 client]" + l[strings.IndexByte(l, ']')+1:]
			}
			lines = append(lines, l)
		}
		return lines
	}
	got := show(sundial.Addr)
	want := []string{
		"[0 client] \"FUNCTION\" \"FLUSH\"\r\n",
		"[0 client] \"FUNCTION\" \"LOAD\" \"#!lua name=mon\\nredis.register_function('m', function(keys) return redis.call('get', keys[1]) end)\"\r\n",
		"[0 client] \"EVAL\" \"redis.call('set', KEYS[1], 'v') return redis.call('exists', KEYS[1])\" \"1\" \"mk\"\r\n",
		"[0 lua] \"set\" \"mk\" \"v\"\r\n",
		"[0 lua] \"exists\" \"mk\"\r\n",
		"[0 client] \"EVAL\" \"return 1\" \"-1\"\r\n",
		"[0 client] \"FCALL\" \"m\" \"1\" \"mk\"\r\n",
		"[0 lua] \"get\" \"mk\"\r\n",
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("MONITOR showed\n%q\nwant\n%q", got, want)
	}
	if redis != nil {
		if ref := show(redis.Addr); strings.Join(got, "") != strings.Join(ref, "") {
			t.Fatalf("MONITOR differs from redis-server:\nsundial %q\nredis   %q", got, ref)
		}
	}
}

// Library code that runs too long while loading is stopped after 500 ms.
func TestFunctionLoadTimeout(t *testing.T) {
	addrs := []string{sundial.Addr}
	if redis != nil {
		addrs = append(addrs, redis.Addr)
	}
	for _, addr := range addrs {
		c := dial(t, addr, 2)
		start := time.Now()
		expect(t, c, "-ERR Error registering functions: ERR FUNCTION LOAD timeout\r\n",
			"FUNCTION", "LOAD", "#!lua name=slow\nlocal i = 0\nwhile true do i = i + 1 end")
		if d := time.Since(start); d < 450*time.Millisecond || d > 5*time.Second {
			t.Fatalf("%s: load stopped after %v", addr, d)
		}
		expect(t, c, "*0\r\n", "FUNCTION", "LIST", "LIBRARYNAME", "slow")
	}
}
