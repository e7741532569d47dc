package server_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
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
		C("dump without compression", "CONFIG SET rdbcompression no", "SET k "+strings.Repeat("a", 100), "DUMP k",
			"RPUSH l "+strings.Repeat("b", 100), "DUMP l", "CONFIG SET rdbcompression yes", "DUMP k"),
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
	// XINFO STREAM FULL shows the PELs with their delivery times (the
	// extended XPENDING's idle times would depend on when it runs).
	streamProbes := []string{"XINFO STREAM k FULL", "XRANGE k - +", "XPENDING k g1", "XLEN k"}
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

// Payloads of the RDB types Redis 7.0 no longer writes but still loads
// (linked lists, zipmaps, ziplists, text scores, quicklists of ziplists,
// version 1 streams) are built here and restored into both servers.

// rdbLen appends an RDB length (6, 14 or 32 bits).
func rdbLen(b []byte, n int) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|0x40, byte(n))
	}
	return append(b, 0x80, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// rdbStr appends a raw RDB string.
func rdbStr(b []byte, s string) []byte { return append(rdbLen(b, len(s)), s...) }

// dumpFrame adds the RDB version and checksum to a payload body.
func dumpFrame(body []byte) string {
	b := append(append([]byte(nil), body...), 10, 0)
	return string(binary.LittleEndian.AppendUint64(b, redisCRC64(b)))
}

// quoted writes p as a double-quoted command-line argument.
func quoted(p string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		fmt.Fprintf(&b, "\\x%02x", p[i])
	}
	b.WriteByte('"')
	return b.String()
}

// ziplist builds a ziplist of the elements, small canonical integers
// with integer encodings.
func ziplist(elems ...string) []byte {
	var entries []byte
	prev, tail := 0, 10
	for _, e := range elems {
		var ent []byte
		if prev < 254 {
			ent = append(ent, byte(prev))
		} else {
			ent = binary.LittleEndian.AppendUint32(append(ent, 254), uint32(prev))
		}
		v, err := strconv.ParseInt(e, 10, 64)
		switch {
		case err == nil && strconv.FormatInt(v, 10) == e && v >= 0 && v <= 12:
			ent = append(ent, 0xf1+byte(v))
		case err == nil && strconv.FormatInt(v, 10) == e && v >= math.MinInt8 && v <= math.MaxInt8:
			ent = append(ent, 0xfe, byte(v))
		case err == nil && strconv.FormatInt(v, 10) == e && v >= math.MinInt16 && v <= math.MaxInt16:
			ent = binary.LittleEndian.AppendUint16(append(ent, 0xc0), uint16(v))
		case err == nil && strconv.FormatInt(v, 10) == e && v >= -1<<23 && v < 1<<23:
			ent = append(ent, 0xf0, byte(v), byte(v>>8), byte(v>>16))
		case err == nil && strconv.FormatInt(v, 10) == e && v >= math.MinInt32 && v <= math.MaxInt32:
			ent = binary.LittleEndian.AppendUint32(append(ent, 0xd0), uint32(v))
		case err == nil && strconv.FormatInt(v, 10) == e:
			ent = binary.LittleEndian.AppendUint64(append(ent, 0xe0), uint64(v))
		case len(e) < 64:
			ent = append(append(ent, byte(len(e))), e...)
		case len(e) < 16384:
			ent = append(append(ent, 0x40|byte(len(e)>>8), byte(len(e))), e...)
		default:
			ent = append(binary.BigEndian.AppendUint32(append(ent, 0x80), uint32(len(e))), e...)
		}
		tail = 10 + len(entries)
		entries = append(entries, ent...)
		prev = len(ent)
	}
	b := binary.LittleEndian.AppendUint32(nil, uint32(10+len(entries)+1))
	b = binary.LittleEndian.AppendUint32(b, uint32(tail))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(elems)))
	return append(append(b, entries...), 0xff)
}

// zipmap builds a Redis 2.x zipmap of field/value pairs; free bytes
// of spare room follow each value.
func zipmap(free int, pairs ...string) []byte {
	zlen := func(b []byte, n int) []byte {
		if n < 254 {
			return append(b, byte(n))
		}
		return binary.LittleEndian.AppendUint32(append(b, 254), uint32(n))
	}
	b := []byte{byte(len(pairs) / 2)}
	for i := 0; i < len(pairs); i += 2 {
		b = append(zlen(b, len(pairs[i])), pairs[i]...)
		b = append(zlen(b, len(pairs[i+1])), byte(free))
		b = append(append(b, pairs[i+1]...), make([]byte, free)...)
	}
	return append(b, 0xff)
}

// smallListpack builds a listpack of short strings and small integers
// (given as int).
func smallListpack(elems ...any) []byte {
	var body []byte
	for _, e := range elems {
		switch x := e.(type) {
		case int:
			if x < 0 || x > 127 {
				panic("smallListpack: integer out of range")
			}
			body = append(body, byte(x), 1)
		case string:
			if len(x) > 60 {
				panic("smallListpack: string too long")
			}
			body = append(append(body, 0x80|byte(len(x))), x...)
			body = append(body, byte(1+len(x)))
		}
	}
	b := binary.LittleEndian.AppendUint32(nil, uint32(6+len(body)+1))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(elems)))
	return append(append(b, body...), 0xff)
}

// restoreCase restores body as key k in both servers and compares the
// probes.
func restoreCase(name string, body []byte, probes ...string) testserver.Case {
	return C(name, append([]string{"RESTORE k 0 " + quoted(dumpFrame(body))}, probes...)...)
}

func TestDiffRestoreLegacyTypes(t *testing.T) {
	linked := rdbLen([]byte{1}, 4)
	linked = append(rdbStr(rdbStr(linked, "a"), strings.Repeat("long", 30)), 0xc0, 0xf6) // int8 -10
	linked = append(linked, 0xc2, 0x40, 0xe2, 0x01, 0x00)                                // int32 123456
	setOf := func(members ...string) []byte {
		b := rdbLen([]byte{2}, len(members))
		for _, m := range members {
			b = rdbStr(b, m)
		}
		return b
	}
	var manyInts []string
	for i := 0; i < 600; i++ {
		manyInts = append(manyInts, strconv.Itoa(i*7))
	}
	textZSet := rdbLen([]byte{3}, 4)
	textZSet = append(rdbStr(textZSet, "a"), 3, '1', '.', '5')
	textZSet = append(rdbStr(textZSet, "b"), 254)
	textZSet = append(rdbStr(textZSet, "c"), 255)
	textZSet = append(rdbStr(textZSet, "d"), 4, '-', '0', '.', '5')
	hashOf := func(pairs ...string) []byte {
		b := rdbLen([]byte{4}, len(pairs)/2)
		for _, p := range pairs {
			b = rdbStr(b, p)
		}
		return b
	}
	blob := func(t byte, data []byte) []byte { return rdbStr([]byte{t}, string(data)) }
	intset64 := binary.LittleEndian.AppendUint32(nil, 8)
	intset64 = binary.LittleEndian.AppendUint32(intset64, 3)
	for _, v := range []int64{-5, 7, 1 << 40} {
		intset64 = binary.LittleEndian.AppendUint64(intset64, uint64(v))
	}
	intset16 := []byte{2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 2, 0}
	quicklist := append(rdbLen([]byte{14}, 2), rdbStr(nil, string(ziplist("a", "b", "300")))...)
	quicklist = rdbStr(quicklist, string(ziplist("c", strings.Repeat("d", 300), "-70000", "9000000000")))
	plain := append(rdbLen([]byte{18}, 3), 2)
	plain = rdbStr(plain, string(smallListpack("x", 5)))
	plain = rdbStr(append(plain, 1), "a plain node's element")
	plain = rdbStr(append(plain, 2), string(smallListpack("y")))
	// A version 1 stream: a node of three entries (the second deleted, the
	// third with other fields) and a node of one, a group with one pending
	// entry.
	node1 := smallListpack(2, 1, 2, "a", "b", 0, 2, 0, 0, 1, 2, 5, 3, 0, 1, 3, 4, 5, 0, 0, 2, 1, "c", "v", 6)
	node2 := smallListpack(1, 0, 2, "x", "z", 0, 2, 0, 0, "y", "w", 5)
	id := func(ms, seq uint64) string {
		return string(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, ms), seq))
	}
	stream1 := rdbLen([]byte{15}, 2)
	stream1 = rdbStr(rdbStr(stream1, id(1, 1)), string(node1))
	stream1 = rdbStr(rdbStr(stream1, id(9, 0)), string(node2))
	stream1 = append(stream1, 3, 9, 0, 1) // length 3, last ID 9-0, one group
	stream1 = append(rdbStr(stream1, "grp"), 1, 1, 1)
	stream1 = append(append(stream1, id(1, 1)...), 0x10, 0x27, 0, 0, 0, 0, 0, 0, 3) // delivered at 10000 ms, 3 times
	stream1 = append(rdbStr(append(stream1, 1), "cons"), 0x20, 0x4e, 0, 0, 0, 0, 0, 0, 1)
	stream1 = append(stream1, id(1, 1)...)
	streamProbes := []string{"TYPE k", "XRANGE k - +", "XINFO STREAM k FULL", "XPENDING k grp", "!XPENDING k grp - + 10", "DUMP k"}
	diff(t, []testserver.Case{
		restoreCase("restore linked list", linked, "TYPE k", "OBJECT ENCODING k", "LRANGE k 0 -1", "DUMP k"),
		restoreCase("restore set of ints", setOf("3", "-1", "70000"), "OBJECT ENCODING k", "SMEMBERS k", "DUMP k"),
		restoreCase("restore set of strings", setOf("3", "a", "-1"), "OBJECT ENCODING k", "~SMEMBERS k"),
		restoreCase("restore set of many ints", setOf(manyInts...), "OBJECT ENCODING k", "~SMEMBERS k", "SCARD k"),
		restoreCase("restore zset text scores", textZSet, "OBJECT ENCODING k", "ZRANGE k 0 -1 WITHSCORES", "DUMP k"),
		restoreCase("restore hash", hashOf("f", "v", "n", "1"), "OBJECT ENCODING k", "HGETALL k", "DUMP k"),
		restoreCase("restore hash long value", hashOf("f", "v", "g", strings.Repeat("x", 65), "h", "w"),
			"OBJECT ENCODING k", "~HGETALL k"),
		restoreCase("restore zipmap", blob(9, zipmap(0, "f", "v", "num", "42", "e", "")), "TYPE k", "OBJECT ENCODING k", "HGETALL k", "DUMP k"),
		restoreCase("restore zipmap free space", blob(9, zipmap(3, "f", "v", "g", strings.Repeat("w", 300))),
			"OBJECT ENCODING k", "~HGETALL k"),
		restoreCase("restore list ziplist", blob(10, ziplist("a", "7", "-300", strings.Repeat("z", 70), "100000", "3000000000")),
			"TYPE k", "OBJECT ENCODING k", "LRANGE k 0 -1", "DUMP k"),
		restoreCase("restore list ziplist long entries", blob(10, ziplist(strings.Repeat("p", 300), strings.Repeat("q", 20000), "x")),
			"LRANGE k 0 -1", "DUMP k"),
		restoreCase("restore intset wide encoding", blob(11, intset64), "OBJECT ENCODING k", "SMEMBERS k"),
		restoreCase("restore intset", blob(11, intset16), "OBJECT ENCODING k", "SMEMBERS k", "DUMP k"),
		restoreCase("restore zset ziplist", blob(12, ziplist("c", "-3", "a", "1", "b", "2.5")),
			"TYPE k", "OBJECT ENCODING k", "ZRANGE k 0 -1 WITHSCORES", "DUMP k"),
		restoreCase("restore hash ziplist", blob(13, ziplist("f", "v", "n", "12", "big", "70000")),
			"TYPE k", "OBJECT ENCODING k", "HGETALL k", "DUMP k"),
		// sundial lays a restored list out afresh: its DUMP has one node.
		restoreCase("restore quicklist of ziplists", quicklist, "TYPE k", "OBJECT ENCODING k", "LRANGE k 0 -1"),
		restoreCase("restore quicklist plain node", plain, "LRANGE k 0 -1", "LLEN k"),
		restoreCase("restore stream v1", stream1, streamProbes...),
		restoreCase("restore module value", append([]byte{7}, rdbLen(nil, 12345)...), "EXISTS k"),
		restoreCase("restore old module value", append([]byte{6}, rdbLen(nil, 12345)...), "EXISTS k"),
		restoreCase("restore type 8", []byte{8, 1, 'a'}, "EXISTS k"),
		restoreCase("restore type 20", []byte{20, 1, 'a'}, "EXISTS k"),
	})
}

// reframeBody replaces a payload's body, keeping its version, with a
// fresh checksum, so that only the value decoder can refuse it.
func reframeBody(payload string, body []byte) string {
	return dumpFrame(append(body[:len(body):len(body)], []byte(nil)...))
}

// Damaged payloads of every type: every truncation is refused, and a
// payload with a byte changed is refused or gives a usable value; never a
// panic.
func TestRestoreCorruptPayloads(t *testing.T) {
	c := blDial(t, sundial.Addr, 2)
	blDo(t, c, "SELECT", "9")
	blDo(t, c, "FLUSHDB")
	setups := [][]string{
		{"SET k hello"}, {"SET k 123456"}, {"SET k " + strings.Repeat("abc", 30)},
		{"RPUSH k a b 1 " + strings.Repeat("x", 40)},
		{"SADD k 1 2 3"}, {"SADD k a b c"}, {"HSET k f v g 1"}, {"HSET k f v g " + strings.Repeat("w", 70)},
		{"ZADD k 1 a 2.5 b"}, {"ZADD k 1 a 2 " + strings.Repeat("m", 70)},
		{"XADD k 1-1 a 1 b 2", "XADD k 2-1 a 3 c 4", "XDEL k 1-1", "XGROUP CREATE k g 0",
			"XREADGROUP GROUP g alice STREAMS k >", "XGROUP CREATECONSUMER k g bob"},
	}
	panics := sundial.Panics()
	for _, setup := range setups {
		blDo(t, c, "DEL", "k")
		for _, l := range setup {
			args, _ := config.SplitArgs(l)
			blDo(t, c, args...)
		}
		dump, err := parseResp(blDo(t, c, "DUMP", "k"))
		if err != nil || dump.kind != '$' {
			t.Fatalf("DUMP after %q: %v", setup, err)
		}
		body := []byte(dump.s[:len(dump.s)-10])
		for n := 0; n < len(body); n++ {
			if r := blDo(t, c, "RESTORE", "bad", "0", reframeBody(dump.s, body[:n]), "REPLACE"); r != "-ERR Bad data format\r\n" {
				t.Fatalf("%q truncated to %d bytes: %s", setup, n, testserver.Show(r))
			}
		}
		for i := 0; i < len(body); i++ {
			for _, x := range []byte{0x01, 0x80, 0xff} {
				bad := append([]byte(nil), body...)
				bad[i] ^= x
				r := blDo(t, c, "RESTORE", "bad", "0", reframeBody(dump.s, bad), "REPLACE")
				switch r {
				case "+OK\r\n":
					blDo(t, c, "TYPE", "bad")
					blDo(t, c, "DUMP", "bad")
					blDo(t, c, "SORT", "bad", "ALPHA")
					blDo(t, c, "DEL", "bad")
				case "-ERR Bad data format\r\n":
				default:
					t.Fatalf("%q with byte %d changed: %s", setup, i, testserver.Show(r))
				}
			}
		}
	}
	// Values Redis loads unless it sanitizes payloads, which sundial
	// refuses: a NaN score, a pending entry without a consumer.
	id := string(make([]byte, 15)) + "\x01"
	stream := rdbStr(rdbStr([]byte{19, 1}, id), string(smallListpack(1, 0, 1, "a", 0, 2, 0, 0, "v", 4)))
	stream = append(rdbStr(append(stream, 1, 0, 1, 0, 1, 0, 0, 1, 1), "g"), 0, 1, 1, 1)
	stream = append(append(stream, id...), 0, 0, 0, 0, 0, 0, 0, 0, 1, 0)
	for _, body := range [][]byte{rdbStr([]byte{17}, string(smallListpack("a", "nan"))), stream} {
		if r := blDo(t, c, "RESTORE", "bad", "0", dumpFrame(body), "REPLACE"); r != "-ERR Bad data format\r\n" {
			t.Errorf("RESTORE of %q: %s", body, testserver.Show(r))
		}
	}
	// The stream is fine once its pending entry has an owner.
	owned := append(stream[:len(stream)-1:len(stream)-1], 1) // one consumer
	owned = append(append(rdbStr(owned, "c"), make([]byte, 8)...), 1)
	owned = append(owned, id...)
	if r := blDo(t, c, "RESTORE", "good", "0", dumpFrame(owned), "REPLACE"); r != "+OK\r\n" {
		t.Errorf("RESTORE of a stream with an owned pending entry: %s", testserver.Show(r))
	}
	if n := sundial.Panics() - panics; n > 0 {
		t.Fatalf("%d panics restoring damaged payloads", n)
	}
}

// Payloads whose structure is invalid are refused as Redis refuses them
// when it sanitizes payloads.
func TestDiffRestoreInvalid(t *testing.T) {
	lp := smallListpack("f", "v")
	badTotal := append([]byte(nil), lp...)
	badTotal[0]++
	badCount := append([]byte(nil), lp...)
	badCount[4] = 3
	badBacklen := append([]byte(nil), lp...)
	badBacklen[8] = 9
	noEnd := append([]byte(nil), lp...)
	noEnd[len(noEnd)-1] = 0xfe
	zl := ziplist("a", "b")
	badPrev := append([]byte(nil), zl...)
	badPrev[10+3] = 7
	badTail := append([]byte(nil), zl...)
	badTail[4] = 10
	blob := func(t byte, data []byte) []byte { return rdbStr([]byte{t}, string(data)) }
	unsorted := []byte{2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 2, 0}
	dupInts := []byte{2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0}
	badEnc := []byte{3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0}
	shortIntset := []byte{4, 0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0}
	emptyIntset := []byte{2, 0, 0, 0, 0, 0, 0, 0}
	nanZSet := append(rdbStr(rdbLen([]byte{3}, 1), "a"), 253)
	dupHash := rdbStr(rdbStr(rdbStr(rdbStr(rdbLen([]byte{4}, 2), "f"), "v"), "f"), "w")
	dupSet := rdbStr(rdbStr(rdbLen([]byte{2}, 2), "a"), "a")
	dupZSet := append(rdbStr(append(rdbStr(rdbLen([]byte{5}, 2), "a"), make([]byte, 8)...), "a"), make([]byte, 8)...)
	badContainer := rdbStr(append(rdbLen([]byte{18}, 1), 3), string(smallListpack("a")))
	emptyNode := rdbStr(append(rdbLen([]byte{18}, 1), 2), "")
	diff(t, []testserver.Case{
		C("restore invalid structures", "CONFIG SET sanitize-dump-payload yes",
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, badTotal))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, badCount))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, badBacklen))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, noEnd))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, smallListpack("f", "v", "f", "w")))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, smallListpack("f", "v", "g")))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(16, smallListpack()))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(13, badPrev))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(13, badTail))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(10, ziplist()))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(11, unsorted))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(11, dupInts))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(11, badEnc))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(11, shortIntset))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(11, emptyIntset))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(9, zipmap(0)))),
			"RESTORE k 0 "+quoted(dumpFrame(blob(9, zipmap(0, "f", "v", "f", "w")))),
			"RESTORE k 0 "+quoted(dumpFrame(nanZSet)),
			"RESTORE k 0 "+quoted(dumpFrame(dupHash)),
			"RESTORE k 0 "+quoted(dumpFrame(dupSet)),
			"RESTORE k 0 "+quoted(dumpFrame(dupZSet)),
			"RESTORE k 0 "+quoted(dumpFrame(badContainer)),
			"RESTORE k 0 "+quoted(dumpFrame(emptyNode)),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{0, 0xc3, 5, 10, 'a', 'b'})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{0, 0x82, 0, 0, 0, 1, 'a'})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{2, 0})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{4, 0})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{5, 0})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{1, 0})),
			"RESTORE k 0 "+quoted(dumpFrame([]byte{})),
			"EXISTS k", "CONFIG SET sanitize-dump-payload no"),
	})
}
