package commands

import (
	"testing"

	"sundial/config"
)

// The instruction hook that makes slow scripts killable (scriptHook) is
// polled by gopher-lua before every VM instruction. These benchmarks run
// the same scripts with and without it (busy-reply-threshold 0): a tight
// Lua loop, the worst case, and a BullMQ-like script dominated by
// redis.call, where its cost disappears in the noise.

const (
	benchLoop  = "local n = 0 for i = 1, 10000 do n = n + i end return n"
	benchCalls = "local v = redis.call('incr', KEYS[1]) redis.call('hset', KEYS[2], 'f' .. (v % 16), ARGV[1]) " +
		"local t = cjson.encode({v, ARGV[1]}) return {v, redis.call('hget', KEYS[2], 'f0'), t}"
)

func benchScript(b *testing.B, script string, hook bool, args ...string) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	if !hook {
		// busy-reply-threshold 0 detaches the hook.
		e.Cfg.BusyReplyThreshold = 0
	}
	benchScriptOn(b, e, c, script, args...)
}

// benchScriptOn loads script and runs EVALSHA with args b.N times.
func benchScriptOn(b *testing.B, e *Engine, c *Client, script string, args ...string) {
	sha := runCmd(e, c, "SCRIPT", "LOAD", script)
	if len(sha) != 40+7 {
		b.Fatalf("SCRIPT LOAD: %q", sha)
	}
	argv := [][]byte{[]byte("EVALSHA"), []byte(sha[5:45])}
	for _, a := range args {
		argv = append(argv, []byte(a))
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, argv)
	}
	b.StopTimer()
	if c.B[0] == '-' {
		b.Fatalf("script failed: %q", c.B)
	}
}

func BenchmarkEvalLoopWithHook(b *testing.B)    { benchScript(b, benchLoop, true, "0") }
func BenchmarkEvalLoopWithoutHook(b *testing.B) { benchScript(b, benchLoop, false, "0") }
func BenchmarkEvalCallsWithHook(b *testing.B) {
	benchScript(b, benchCalls, true, "2", "counter", "hash", "value")
}
func BenchmarkEvalCallsWithoutHook(b *testing.B) {
	benchScript(b, benchCalls, false, "2", "counter", "hash", "value")
}

// BenchmarkEvalshaGet is scripts/bench's script workload: the cost of a
// script call itself (lookup, KEYS/ARGV, one redis.call, the reply).
func BenchmarkEvalshaGet(b *testing.B) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	runCmd(e, c, "SET", "k", "v")
	benchScriptOn(b, e, c, "return redis.call('GET', KEYS[1])", "1", "k")
}
