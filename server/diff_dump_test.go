package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"sundial/config"
	"sundial/internal/testserver"
)

// DUMP writes Redis 7.0's RDB object format, so for every encoding whose
// bytes depend only on the contents the payload must equal Redis's byte
// for byte.

// incompressible is text LZF cannot shorten: no three bytes repeat.
func incompressible(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%03x", i*7919%4096)
	}
	return b.String()[:n]
}

func TestDiffDumpStrings(t *testing.T) {
	var ints []string
	for _, v := range []string{"0", "1", "-1", "127", "128", "-128", "-129", "32767", "32768", "-32768", "-32769",
		"2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808",
		"12345678901", "-1234567890"} {
		ints = append(ints, "SET k "+v, "DUMP k")
	}
	var notInts []string
	for _, v := range []string{"007", "-0", "+1", `" 1"`, "1.5", "9223372036854775808", "0x10", `"1 "`} {
		notInts = append(notInts, "SET k "+v, "DUMP k")
	}
	var lengths []string
	for _, n := range []int{19, 20, 21, 22, 24, 25, 63, 64, 100, 16383, 16384, 70000} {
		lengths = append(lengths, "SET a "+strings.Repeat("a", n), "DUMP a",
			"SET b "+incompressible(n), "DUMP b", "SET c "+strings.Repeat("ab", n/2)+"x", "DUMP c")
	}
	diff(t, []testserver.Case{
		C("dump string", "SET k hello", "DUMP k", "SET k \"\"", "DUMP k", "SET k \"a\\x00b\\xff\"", "DUMP k"),
		C("dump string ints", ints...),
		C("dump string not ints", notInts...),
		C("dump string lengths", lengths...),
		C("dump string raw forms", "SET k 1", "APPEND k 2", "OBJECT ENCODING k", "DUMP k", "INCRBYFLOAT f 10.5", "DUMP f",
			"INCRBYFLOAT g 3", "DUMP g", "SETRANGE r 0 12345", "DUMP r", "SETBIT b 100 1", "DUMP b", "PFADD h a b c", "DUMP h"),
		C("dump compressible text", "SET k \""+strings.Repeat("hello world, ", 40)+"\"", "DUMP k"),
		C("dump string expired and missing", "SET k v PX 1", "@sleep 5", "DUMP k", "DUMP nokey"),
	})
}

func TestDiffDumpHashes(t *testing.T) {
	var ints []string
	for _, v := range []string{"0", "127", "128", "-1", "4095", "4096", "-4096", "-4097", "32767", "32768", "-32768",
		"-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647", "2147483648", "-2147483649",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "01", "-0"} {
		ints = append(ints, "HSET h f"+v+" "+v)
	}
	ints = append(ints, "OBJECT ENCODING h", "DUMP h")
	diff(t, []testserver.Case{
		C("dump hash listpack", "HSET h f v g 1 e \"\"", "DUMP h", "HSET h f w", "DUMP h", "HDEL h g", "DUMP h"),
		C("dump hash listpack ints", ints...),
		C("dump hash listpack string sizes", "HSET h a "+strings.Repeat("x", 63)+" b "+strings.Repeat("y", 64), "OBJECT ENCODING h", "DUMP h"),
		C("dump hash listpack long values", "CONFIG SET hash-max-listpack-value 20000",
			"HSET h a "+strings.Repeat("x", 4095)+" b "+incompressible(4096)+" c "+strings.Repeat("z", 16383)+" d "+incompressible(16384),
			"OBJECT ENCODING h", "DUMP h", "CONFIG SET hash-max-listpack-value 64"),
		C("dump hash listpack many fields", "HSET h "+fieldValues(128, "f", "v"), "OBJECT ENCODING h", "DUMP h"),
	})
}

// fieldValues lists n field/value pairs.
func fieldValues(n int, field, value string) string {
	var parts []string
	for i := 0; i < n; i++ {
		parts = append(parts, fmt.Sprintf("%s%d %s%d", field, i, value, i))
	}
	return strings.Join(parts, " ")
}

func TestDiffDumpSets(t *testing.T) {
	var many []string
	for i := 0; i < 512; i++ {
		many = append(many, fmt.Sprint(i*3-700))
	}
	diff(t, []testserver.Case{
		C("dump intset 16", "SADD s 1 2 3 -5 32767 -32768", "OBJECT ENCODING s", "DUMP s"),
		C("dump intset 32", "SADD s 1 32768", "DUMP s", "SADD t -2147483648 5", "DUMP t"),
		C("dump intset 64", "SADD s 1 2147483648", "DUMP s", "SADD t -9223372036854775808 9223372036854775807", "DUMP t"),
		C("dump intset many", "SADD s "+strings.Join(many, " "), "OBJECT ENCODING s", "DUMP s"),
		C("dump intset after removal", "SADD s 1 2 3", "SREM s 2", "DUMP s"),
		C("dump set hashtable one member", "SADD s hello", "OBJECT ENCODING s", "DUMP s"),
	})
}

func TestDiffDumpZSets(t *testing.T) {
	var members []string
	for i := 0; i < 128; i++ {
		members = append(members, fmt.Sprintf("%d m%d", i*37%101-50, i))
	}
	diff(t, []testserver.Case{
		C("dump zset listpack", "ZADD z 1 a 2.5 b -0 c 3 \"\"", "OBJECT ENCODING z", "DUMP z"),
		C("dump zset listpack scores", "ZADD z 0.1 a 1e20 b 1.5e-7 c inf d -inf e 123456789012345678 f 4503599627370496 g",
			"ZADD z 4503599627370495 h -4503599627370495 i 3.0 j 1e-300 k 4611686018427387904 l 4611686018427387905 m",
			"ZADD z -4611686018427387904 n -1e19 o 1.7976931348623157e308 p 5e-324 q 100 r -4097 s 65536 t", "DUMP z"),
		C("dump zset listpack int members", "ZADD z 1 1 2 -5 3 99999999999 4 007", "DUMP z"),
		C("dump zset listpack full", "ZADD z "+strings.Join(members, " "), "OBJECT ENCODING z", "DUMP z"),
		C("dump zset skiplist", "ZADD z "+strings.Join(members, " ")+" 7 extra", "OBJECT ENCODING z", "DUMP z"),
		C("dump zset skiplist long member", "ZADD z 1 "+strings.Repeat("m", 65)+" 2 b -0 c 0.1 d inf e", "OBJECT ENCODING z", "DUMP z"),
	})
}

func TestDiffDumpLists(t *testing.T) {
	var small, many []string
	for i := 0; i < 100; i++ {
		small = append(small, fmt.Sprint(i*i-300))
	}
	for i := 0; i < 3000; i++ {
		many = append(many, fmt.Sprintf("element-%d", i))
	}
	big := strings.Repeat("b", 9000)
	diff(t, []testserver.Case{
		C("dump list", "RPUSH l a 1 b 300 -5 \"\"", "DUMP l", "LPUSH l x", "DUMP l"),
		C("dump list ints", "RPUSH l "+strings.Join(small, " "), "DUMP l"),
		C("dump list big element", "RPUSH l a "+big+" c", "DUMP l", "RPUSH m "+big, "DUMP m", "RPUSH n "+incompressible(9000)+" x", "DUMP n"),
		C("dump list several nodes", "RPUSH l "+strings.Join(many, " "), "DUMP l"),
		C("dump list node size limits", "CONFIG SET list-max-listpack-size 5", "RPUSH l a b c d e f g h i j k", "DUMP l",
			"CONFIG SET list-max-listpack-size -1", "RPUSH m "+strings.Join(many[:1000], " "), "DUMP m",
			"CONFIG SET list-max-listpack-size -5", "RPUSH n "+strings.Join(many, " "), "DUMP n",
			"CONFIG SET list-max-listpack-size -2"),
	})
}

func TestDiffDumpStreams(t *testing.T) {
	var adds []string
	for i := 1; i <= 250; i++ {
		adds = append(adds, fmt.Sprintf("XADD s %d-%d f%d %d g v", i*1000, i%3, i%2, i))
	}
	diff(t, []testserver.Case{
		C("dump stream", "XADD s 1-1 a 1 b 2", "XADD s 1-2 a 3 b 4", "XADD s 5-0 c x", "DUMP s"),
		C("dump stream many nodes", append(adds, "DUMP s", "XDEL s 2000-2 3000-0", "XTRIM s MAXLEN 230", "DUMP s")...),
		C("dump stream deletions", "XADD s 1-1 a 1", "XADD s 1-2 a 2", "XADD s 1-3 a 3", "XDEL s 1-2", "DUMP s",
			"XDEL s 1-1", "DUMP s", "XDEL s 1-3", "DUMP s", "XLEN s"),
		C("dump stream empty", "XADD s MAXLEN 0 1-1 a 1", "DUMP s", "XSETID s 5-5 ENTRIESADDED 9 MAXDELETEDID 3-0", "DUMP s"),
		C("dump stream groups", "XADD s 1-1 a 1", "XADD s 2-1 a 2", "XGROUP CREATE s g1 0", "XGROUP CREATE s g0 $",
			"XGROUP CREATE s g2 1-1 ENTRIESREAD 1", "DUMP s"),
	})
}

// crossCase builds a value on one server, moves it to the other with DUMP
// and RESTORE, and compares the probes' replies on the original and the
// copy. Probes are command lines; a leading ~ compares an aggregate
// ignoring order. With sameBytes, the copy must DUMP to the very payload
// it was restored from.
type crossCase struct {
	name      string
	setup     []string
	probes    []string
	sameBytes bool
}

// runCross moves key "k" both ways: sundial to Redis and Redis to sundial.
func runCross(t *testing.T, cases []crossCase) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, dir := range []struct {
			name     string
			src, dst string
		}{{"to redis", sundial.Addr, redis.Addr}, {"from redis", redis.Addr, sundial.Addr}} {
			t.Run(tc.name+"/"+dir.name, func(t *testing.T) {
				src, dst := blDial(t, dir.src, 2), blDial(t, dir.dst, 2)
				line := func(c *testserver.Conn, l string) string {
					args, ok := config.SplitArgs(strings.TrimPrefix(l, "~"))
					if !ok {
						t.Fatalf("bad command line %q", l)
					}
					r := blDo(t, c, args...)
					if strings.HasPrefix(l, "~") {
						r = testserver.Unordered(r)
					}
					return r
				}
				blDo(t, src, "FLUSHALL")
				blDo(t, dst, "FLUSHALL")
				for _, l := range tc.setup {
					if r := line(src, l); strings.HasPrefix(r, "-") {
						t.Fatalf("setup %q: %s", l, r)
					}
				}
				dump, err := parseResp(blDo(t, src, "DUMP", "k"))
				if err != nil || dump.kind != '$' {
					t.Fatalf("DUMP: %v %+v", err, dump)
				}
				if r := blDo(t, dst, "RESTORE", "k", "0", dump.s); r != "+OK\r\n" {
					t.Fatalf("RESTORE: %s", testserver.Show(r))
				}
				for _, p := range append([]string{"TYPE k", "OBJECT ENCODING k"}, tc.probes...) {
					if got, want := line(dst, p), line(src, p); got != want {
						t.Errorf("%s on the copy:\n got  %.300s\n want %.300s", p, testserver.Show(got), testserver.Show(want))
					}
				}
				if again := blDo(t, dst, "DUMP", "k"); tc.sameBytes && again != blDo(t, src, "DUMP", "k") {
					t.Errorf("the copy DUMPs to other bytes:\n %.300s\n %.300s", testserver.Show(again), testserver.Show(blDo(t, src, "DUMP", "k")))
				}
			})
		}
	}
}

// numbered lists prefix0 … prefix(n-1), each followed by suffix.
func numbered(n int, prefix, suffix string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%s%d%s", prefix, i, suffix)
	}
	return strings.Join(parts, " ")
}

func TestDumpRestoreAcrossServers(t *testing.T) {
	var scored []string
	for i := 0; i < 300; i++ {
		scored = append(scored, fmt.Sprintf("%d.25 m%d", i%17, i))
	}
	var xadds []string
	for i := 1; i <= 220; i++ {
		xadds = append(xadds, fmt.Sprintf("XADD k %d-1 f %d g %d", i, i, i*i))
	}
	xadds = slices.Clip(xadds)
	groups := append(xadds, "XGROUP CREATE k g1 0", "XGROUP CREATE k g2 $", "XGROUP CREATE k g3 0",
		"XREADGROUP GROUP g1 alice COUNT 3 STREAMS k >", "XREADGROUP GROUP g1 bob COUNT 2 STREAMS k >",
		"XREADGROUP GROUP g3 carol COUNT 150 STREAMS k >", "XACK k g3 5-1 6-1", "XGROUP CREATECONSUMER k g2 dave",
		"XCLAIM k g1 bob 0 1-1", "XDEL k 3-1 100-1", "XADD k 500-0 other field")
	streamProbes := []string{"XINFO STREAM k FULL", "XRANGE k - +", "XPENDING k g1", "XPENDING k g1 - + 10",
		"XPENDING k g3 - + 200 carol", "XLEN k"}
	runCross(t, []crossCase{
		{name: "string", setup: []string{"SET k hello"}, probes: []string{"GET k"}, sameBytes: true},
		{name: "string int", setup: []string{"SET k -123456"}, probes: []string{"GET k"}, sameBytes: true},
		{name: "string long", setup: []string{"SET k " + strings.Repeat("xyz", 1000)}, probes: []string{"GET k", "STRLEN k"}, sameBytes: true},
		{name: "hll", setup: []string{"PFADD k " + numbered(200, "e", "")}, probes: []string{"PFCOUNT k", "GET k"}, sameBytes: true},
		{name: "list", setup: []string{"RPUSH k a 1 -2 " + strings.Repeat("q", 100)}, probes: []string{"LRANGE k 0 -1"}, sameBytes: true},
		{name: "list big", setup: []string{"RPUSH k " + numbered(5000, "item", "")}, probes: []string{"LRANGE k 0 -1", "LLEN k"}, sameBytes: true},
		{name: "set intset", setup: []string{"SADD k 5 -3 70000 9999999999"}, probes: []string{"SMEMBERS k"}, sameBytes: true},
		{name: "set intset big", setup: []string{"SADD k " + numbered(400, "", "")}, probes: []string{"SMEMBERS k"}, sameBytes: true},
		{name: "set hashtable", setup: []string{"SADD k a b c 1 2 " + strings.Repeat("m", 50)}, probes: []string{"~SMEMBERS k", "SCARD k", "SISMEMBER k a"}},
		{name: "set hashtable ints", setup: []string{"SADD k " + numbered(600, "", "")}, probes: []string{"~SMEMBERS k", "SCARD k"}},
		{name: "hash listpack", setup: []string{"HSET k f v n 12 e \"\" neg -7"}, probes: []string{"HGETALL k"}, sameBytes: true},
		{name: "hash hashtable", setup: []string{"HSET k " + numbered(600, "f", " v")}, probes: []string{"~HGETALL k", "HLEN k", "HGET k f7"}},
		{name: "hash hashtable long value", setup: []string{"HSET k a 1 b " + strings.Repeat("v", 65)}, probes: []string{"~HGETALL k"}},
		{name: "zset listpack", setup: []string{"ZADD k 1 a 2.5 b -inf c 0.1 d"}, probes: []string{"ZRANGE k 0 -1 WITHSCORES"}, sameBytes: true},
		{name: "zset skiplist", setup: []string{"ZADD k " + strings.Join(scored, " ")}, probes: []string{"ZRANGE k 0 -1 WITHSCORES", "ZCARD k"}, sameBytes: true},
		{name: "zset skiplist long member", setup: []string{"ZADD k 1 " + strings.Repeat("m", 70) + " -0 z"}, probes: []string{"ZRANGE k 0 -1 WITHSCORES"}, sameBytes: true},
		{name: "stream", setup: append(xadds, "XDEL k 7-1"), probes: streamProbes, sameBytes: true},
		{name: "stream groups", setup: groups, probes: append(streamProbes, "XINFO GROUPS k"), sameBytes: true},
		{name: "stream empty", setup: []string{"XADD k 1-1 a b", "XDEL k 1-1", "XGROUP CREATE k g $"}, probes: []string{"XINFO STREAM k FULL", "XINFO GROUPS k"}, sameBytes: true},
	})
}
