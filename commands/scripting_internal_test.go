package commands

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"sundial/config"
	"sundial/keyspace"
)

// propagationRecorder collects what the engine hands to the AOF.
type propagationRecorder struct{ recs []string }

func (p *propagationRecorder) attach(e *Engine) {
	e.Propagate = func(db *keyspace.DB, argv [][]byte) uint64 {
		parts := make([]string, len(argv))
		for i, a := range argv {
			parts[i] = string(a)
		}
		p.recs = append(p.recs, strings.Join(parts, " "))
		return uint64(len(p.recs))
	}
}

func (p *propagationRecorder) take() []string {
	r := p.recs
	p.recs = nil
	return r
}

func runCmd(e *Engine, c *Client, args ...string) string {
	argv := make([][]byte, len(args))
	for i, a := range args {
		argv[i] = []byte(a)
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	c.B = c.B[:0]
	e.Exec(c, argv)
	return string(c.B)
}

// Scripts propagate their effects, not themselves: the writes they made,
// wrapped in MULTI/EXEC when there is more than one, as Redis 7.0 does.
func TestScriptPropagatesEffects(t *testing.T) {
	e := NewEngine(config.New(), nil)
	var p propagationRecorder
	p.attach(e)
	c := e.NewClient(nil, "", "")
	check := func(want []string, args ...string) {
		t.Helper()
		reply := runCmd(e, c, args...)
		got := p.take()
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("%q (reply %q) propagated %q, want %q", args, reply, got, want)
		}
	}
	// The writes are logged as the script wrote them.
	check([]string{"MULTI", "set a 1", "incr n", "EXEC"},
		"EVAL", "redis.call('set', 'a', '1') redis.call('get', 'a') redis.call('incr', 'n') return 1", "0")
	check([]string{"set b 2"}, "EVAL", "redis.call('set', 'b', '2')", "0")
	check(nil, "EVAL_RO", "return redis.call('get', 'a')", "0")
	runCmd(e, c, "HSET", "h", "f", "v")
	p.take()
	// A failed write changes nothing and logs nothing.
	check(nil, "EVAL", "return redis.pcall('incr', 'h')", "0")
	check([]string{"set c 3"}, "EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'x', 'y') "+
		"redis.set_repl(redis.REPL_ALL) redis.call('set', 'c', '3')", "0")
	check(nil, "SCRIPT", "LOAD", "return 1")
	got := runCmd(e, c, "EVAL", "redis.call('set', 'e', 'v', 'EX', '100') redis.call('del', 'nokey')", "0")
	if recs := p.take(); got != "$-1\r\n" || len(recs) != 1 || !strings.HasPrefix(recs[0], "SET e v PXAT ") {
		t.Fatalf("SET EX in a script propagated %q (reply %q)", recs, got)
	}

	lib := "#!lua name=l\nredis.register_function('w', function(keys) redis.call('set', keys[1], 'f') return redis.call('incr', 'cnt') end)"
	check([]string{"FUNCTION LOAD " + lib}, "FUNCTION", "LOAD", lib)
	check([]string{"MULTI", "set k f", "incr cnt", "EXEC"}, "FCALL", "w", "1", "k")
	check(nil, "FCALL_RO", "w", "1", "k")
	check([]string{"FUNCTION DELETE l"}, "FUNCTION", "DELETE", "l")

	// Inside MULTI the script's writes join the transaction's block.
	runCmd(e, c, "MULTI")
	runCmd(e, c, "EVAL", "redis.call('set', 'm1', '1') redis.call('set', 'm2', '2')", "0")
	runCmd(e, c, "SET", "m3", "3")
	check([]string{"MULTI", "set m1 1", "set m2 2", "SET m3 3", "EXEC"}, "EXEC")
}

// Commands run from a script see the script's client: blocking commands
// do not block, and the caller's database is the script's.
func TestScriptClientState(t *testing.T) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	runCmd(e, c, "SELECT", "3")
	runCmd(e, c, "SET", "k", "in3")
	if got := runCmd(e, c, "EVAL", "return redis.call('get', 'k')", "0"); got != "$3\r\nin3\r\n" {
		t.Fatalf("script in db 3 read %q", got)
	}
	eng := e.scripts.eval
	if !eng.fake.inScript || eng.fake.CanBlock() {
		t.Fatal("the script client may block")
	}
	// A script's SELECT does not move its caller.
	runCmd(e, c, "EVAL", "redis.call('select', 5)", "0")
	if got := runCmd(e, c, "GET", "k"); got != "$3\r\nin3\r\n" {
		t.Fatalf("caller moved by the script's SELECT: %q", got)
	}
}

// FUNCTION DUMP writes exactly what Redis 7.0.15 writes for the same
// library (captured from redis-server): LZF-compressed code, RDB version
// 10 and CRC64.
func TestFunctionDumpMatchesRedisBytes(t *testing.T) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	lib := "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)"
	if got := runCmd(e, c, "FUNCTION", "LOAD", lib); got != "$4\r\nlib1\r\n" {
		t.Fatal(got)
	}
	want := "\xf5\xc3@Y@a\x1f#!lua name=lib1\nredis.register_f\runction('f1', \xe0\x00\x0e\x13keys, args) return {@\x13\x02[1]\x80\x16 \x08\x05} end)\n\x00\xe1h\x88\xf6/?FG"
	e.Mu.Lock()
	got := string(e.FunctionsDump())
	e.Mu.Unlock()
	if got != want {
		t.Fatalf("FUNCTION DUMP = %q\nwant %q", got, want)
	}
	// And it loads back, replacing what is there.
	e.Mu.Lock()
	err := e.FunctionsRestore([]byte(want))
	codes := e.FunctionLibraries()
	e.Mu.Unlock()
	if err != nil || len(codes) != 1 || codes[0] != lib {
		t.Fatalf("restore: %v %q", err, codes)
	}
	e.Mu.Lock()
	err = e.FunctionsRestore([]byte("garbage"))
	e.Mu.Unlock()
	if err == nil || err.Error() != errBadDumpPayload {
		t.Fatalf("restore of garbage: %v", err)
	}
}

func TestLZFRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	inputs := [][]byte{
		[]byte(strings.Repeat("abc", 1000)),
		[]byte(strings.Repeat("a", 70000)),
		bytes.Repeat([]byte("redis.call('set', KEYS[1], ARGV[1]) "), 50),
	}
	for n := 21; n < 5000; n = n*3/2 + 1 {
		b := make([]byte, n)
		for i := range b {
			// Small alphabet: compressible, with matches of every length.
			b[i] = byte('a' + rng.Intn(3+n%7))
		}
		inputs = append(inputs, b)
	}
	for i, in := range inputs {
		out := lzfCompress(in, len(in)-4)
		if out == nil {
			if i < 3 {
				t.Fatalf("repetitive input of %d bytes did not compress", len(in))
			}
		} else if back, ok := lzfDecompress(out, len(in)); !ok || !bytes.Equal(back, in) {
			t.Fatalf("round trip of %d bytes failed", len(in))
		}
		s := appendRDBString(nil, in)
		got, next, ok := readRDBString(s, 0)
		if !ok || next != len(s) || !bytes.Equal(got, in) {
			t.Fatalf("RDB string of %d bytes did not read back", len(in))
		}
	}
	random := make([]byte, 1000)
	rng.Read(random)
	if out := lzfCompress(random, len(random)-4); out != nil {
		t.Fatalf("random data compressed to %d bytes", len(out))
	}
	// Corrupt blocks are refused, never read out of bounds.
	for i := 0; i < 2000; i++ {
		junk := make([]byte, rng.Intn(40))
		rng.Read(junk)
		lzfDecompress(junk, rng.Intn(100))
		readRDBString(junk, 0)
	}
}
