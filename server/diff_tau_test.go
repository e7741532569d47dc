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

// Redis has no tau type, but generic commands must treat a schedule as
// Redis treats any key of a type they do not look into. These cases run
// on sundial with schedules and on redis-server with hashes in their
// place, and compare every reply byte for byte:
//
//	@mk KEY   creates KEY: TAU.APPEND KEY v 1 +inf on sundial, HMSET KEY f v
//	          on Redis (both reply +OK, or WRONGTYPE over another type)
//	{T}       in a command is "tau" on sundial and "hash" on Redis
//	?CMD      skips the line while sundial does not implement CMD yet
//	!CMD, ~CMD, @sleep N as in testserver.Case
//
// TYPE and OBJECT ENCODING name the type, so they differ by design; they
// are checked in tau_test.go.
func TestDiffTauGeneric(t *testing.T) {
	diffTau(t, []testserver.Case{
		C("exists del unlink", "@mk a", "@mk b", "EXISTS a b c a", "DEL a c", "EXISTS a b",
			"UNLINK b a", "DBSIZE", "@mk a", "@mk a", "DBSIZE", "TOUCH a b"),
		C("keys scan randomkey", "@mk a", "@mk b", "SET s x", "~KEYS *", "~KEYS a*",
			"!RANDOMKEY", "DEL b", "SCAN 0 COUNT 100 TYPE {T}", "SCAN 0 COUNT 100 TYPE string",
			"SCAN 0 COUNT 100 MATCH s TYPE {T}", "DEL s", "RANDOMKEY"),
		C("rename", "@mk a", "RENAME a b", "EXISTS a b", "RENAMENX b c", "@mk d",
			"RENAMENX c d", "RENAME missing x", "RENAME c c", "SET s x", "RENAME c s",
			"GET s", "EXISTS c"),
		C("expire family", "@mk a", "EXPIRE a 100", "TTL a", "!PTTL a", "EXPIRE a 50 GT",
			"EXPIRE a 200 GT", "EXPIRE a 300 LT", "EXPIRE a 100 NX", "PERSIST a", "TTL a",
			"EXPIRE a 100 XX", "PEXPIRE a 100000 NX", "!PEXPIRETIME a", "!EXPIRETIME a",
			"EXPIREAT a 1", "EXISTS a", "@mk a", "PEXPIRE a 30", "@sleep 60", "EXISTS a", "TTL a"),
		C("expire keeps through rename and copy", "@mk a", "EXPIRE a 1000", "RENAME a b",
			"TTL b", "COPY b c", "TTL c", "PERSIST c", "TTL c", "TTL b"),
		C("copy", "@mk a", "COPY a b", "COPY a b", "COPY a b REPLACE", "EXISTS a b",
			"COPY a c DB 1", "SELECT 1", "EXISTS c", "COPY c c", "SELECT 0", "COPY missing x"),
		C("move", "@mk a", "MOVE a 1", "EXISTS a", "SELECT 1", "EXISTS a", "@mk b", "SELECT 0",
			"@mk b", "MOVE b 1", "EXISTS b", "MOVE missing 1", "MOVE b 0"),
		C("swapdb", "@mk a", "SWAPDB 0 1", "EXISTS a", "SELECT 1", "EXISTS a", "FLUSHDB", "DBSIZE"),
		C("object", "@mk a", "OBJECT REFCOUNT a", "OBJECT IDLETIME a", "OBJECT FREQ a",
			"OBJECT ENCODING missing"),
		C("dump restore", "@mk a", "DUMP missing", "RESTORE b 0 garbage", "RESTORE a 0 garbage",
			"DEBUG OBJECT missing"),
		C("wrong type", "@mk a", "GET a", "GETRANGE a 0 1", "STRLEN a", "INCR a", "INCRBYFLOAT a 1",
			"APPEND a x", "SETRANGE a 0 x", "GETDEL a", "GETEX a", "GETSET a x", "SETBIT a 0 1",
			"GETBIT a 0", "BITCOUNT a", "BITPOS a 1", "PFADD a x", "PFCOUNT a", "XADD a * f v",
			"XLEN a", "XRANGE a - +", "?LPUSH a x", "?LLEN a", "?SADD a x", "?SCARD a",
			"?ZADD a 1 x", "?ZCARD a", "?SORT a", "EXISTS a"),
		C("set over a schedule", "@mk a", "SET a x", "GET a", "@mk a", "SET a y NX", "SET a y XX GET"),
		C("mk over other types", "SET s x", "@mk s", "XADD x 1-1 f v", "@mk x"),
		C("multi", "MULTI", "@mk a", "EXPIRE a 100", "TTL a", "EXEC", "MULTI", "@mk a", "GET a",
			"DEL a", "EXEC", "EXISTS a"),
		C("watch", "@mk a", "WATCH a", "EXPIRE a 100", "MULTI", "PING", "EXEC",
			"WATCH a", "MULTI", "PING", "EXEC"),
	})
}

// diffTau runs cases as TestDiffTauGeneric describes.
func diffTau(t *testing.T, cases []testserver.Case) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.Name, proto), func(t *testing.T) {
				runDiffTau(t, tc, proto)
			})
		}
	}
}

func runDiffTau(t *testing.T, tc testserver.Case, proto int) {
	panics := sundial.Panics()
	sc, err := testserver.Dial(sundial.Addr, proto)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	rc, err := testserver.Dial(redis.Addr, proto)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	for _, c := range []*testserver.Conn{sc, rc} {
		if _, err := c.Do("FLUSHALL"); err != nil {
			t.Fatal(err)
		}
	}
	for i, line := range tc.Cmds {
		mode := byte(0)
		if len(line) > 0 && strings.IndexByte("!~?", line[0]) >= 0 {
			mode, line = line[0], line[1:]
		}
		args, ok := config.SplitArgs(line)
		if !ok || len(args) == 0 {
			t.Fatalf("bad command line %q", line)
		}
		sArgs, rArgs := tauSubst(args, "tau"), tauSubst(args, "hash")
		switch args[0] {
		case "@sleep":
			ms, _ := strconv.Atoi(args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			continue
		case "@mk":
			sArgs = []string{"TAU.APPEND", args[1], "v", "1", "+inf"}
			rArgs = []string{"HMSET", args[1], "f", "v"}
		}
		got, err := sc.Do(sArgs...)
		if err != nil {
			t.Fatalf("command %d %q: sundial: %v", i+1, line, err)
		}
		if mode == '?' && strings.HasPrefix(got, "-ERR unknown command") {
			continue
		}
		want, err := rc.Do(rArgs...)
		if err != nil {
			t.Fatalf("command %d %q: redis: %v", i+1, line, err)
		}
		switch mode {
		case '!':
			got, want = got[:1], want[:1]
		case '~':
			got, want = testserver.Unordered(got), testserver.Unordered(want)
		}
		if got != want {
			t.Errorf("command %d %q:\nsundial: %s\nredis:   %s", i+1, line, testserver.Show(got), testserver.Show(want))
		}
	}
	if n := sundial.Panics() - panics; n > 0 {
		t.Errorf("sundial recovered %d panic(s)", n)
	}
}

// tauSubst replaces {T} in every argument with typ.
func tauSubst(args []string, typ string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "{T}", typ)
	}
	return out
}
