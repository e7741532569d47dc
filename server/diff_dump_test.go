package server_test

import (
	"fmt"
	"strings"
	"testing"

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
