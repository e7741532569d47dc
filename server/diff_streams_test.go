package server_test

import (
	"fmt"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// XC builds a differential case from commands and command lists.
func XC(name string, parts ...any) testserver.Case {
	var cmds []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			cmds = append(cmds, v)
		case []string:
			cmds = append(cmds, v...)
		default:
			panic(fmt.Sprintf("XC: unexpected %T", p))
		}
	}
	return testserver.Case{Name: name, Cmds: cmds}
}

// xadds adds entries <i>-1 with field f<i> for i in [from, to).
func xadds(key string, from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("XADD %s %d-1 f%d v%d", key, i, i, i))
	}
	return out
}

// xaddsClock adds n entries with clock-like IDs (a millisecond time and
// small sequence numbers) and the given fields, as real producers do.
func xaddsClock(key string, n int, fields string) []string {
	out := make([]string, 0, n)
	ms := int64(1700000000000)
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("XADD %s %d-%d %s", key, ms+int64(i/3), i%3, fields))
	}
	return out
}

// Stream IDs, XADD and its trimming, compared byte for byte with
// redis-server.
func TestDiffStreamsAdd(t *testing.T) {
	big := strings.Repeat("z", 5000)
	diff(t, []testserver.Case{
		C("xadd explicit ids", "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 2-0 c 3", "XLEN s", "XRANGE s - +", "TYPE s", "OBJECT ENCODING s"),
		C("xadd ms only", "XADD s 5 a 1", "XADD s 5 a 1", "XADD s 6 a 1", "XADD s 5-9 a 1", "XRANGE s - +"),
		C("xadd ms star", "XADD s 5-* a 1", "XADD s 5-* a 1", "XADD s 4-* a 1", "XADD s 6-* a 1", "XADD s 6-* b 2", "XRANGE s - +"),
		C("xadd zero id", "XADD s 0-0 a 1", "EXISTS s", "XADD s 0 a 1", "EXISTS s", "XADD s 0-* a 1", "XADD s 0-* a 1", "XRANGE s - +"),
		C("xadd zero id existing", "XADD s 1-0 a 1", "XADD s 0-0 a 1", "XADD s 0-1 a 1", "XADD s 1-0 a 1", "XADD s 1 a 1", "XADD s 0-* a 1"),
		C("xadd id not above top", "XADD s 10-5 a 1", "XADD s 10-5 a 1", "XADD s 10-4 a 1", "XADD s 9-9 a 1", "XADD s 10-6 a 1", "XLEN s"),
		C("xadd invalid ids", "XADD s abc a 1", "XADD s 1-abc a 1", "XADD s -1 a 1", "XADD s 1--1 a 1", `XADD s "" a 1`,
			`XADD s " 1" a 1`, `XADD s "1 " a 1`, "XADD s 1-2-3 a 1", "XADD s - a 1", "XADD s + a 1", "XADD s ** a 1", "XADD s 1-** a 1", "EXISTS s"),
		C("xadd lenient id forms", "XADD s +1 a 1", "XADD s 2-+1 a 1", "XADD s 03 a 1", "XADD s 4-01 a 1", `XADD s "  5" a 1`, `XADD s "\t6-1" a 1`, "XRANGE s - +"),
		C("xadd negative leading zero wraps", "XADD s -01-1 a 1", "XRANGE s - +", "XINFO STREAM s"),
		C("xadd id overflow", "XADD s 18446744073709551616-0 a 1", "XADD s 1-18446744073709551616 a 1", "XADD s 18446744073709551615-0 a 1", "XRANGE s - +"),
		C("xadd max id exhausts", "XADD s 18446744073709551615-18446744073709551615 a 1", "XADD s * a 1",
			"XADD s 18446744073709551615-* a 1", "XADD s 5-0 a 1", "XLEN s", "XINFO STREAM s"),
		C("xadd max seq star", "XADD s 18446744073709551615-18446744073709551614 a 1", "XADD s 18446744073709551615-* a 1", "XADD s 18446744073709551615-* a 1", "XRANGE s - +"),
		C("xadd seq wraps to error", "XADD s 5-18446744073709551615 a 1", "XADD s 5-* a 1", "XADD s 6-* a 1", "XRANGE s - +"),
		C("xadd long id arg", "XADD s "+strings.Repeat("1", 130)+" a 1", "XADD s 1-"+strings.Repeat("0", 126)+" a 1", "XADD s "+strings.Repeat("0", 126)+"1 a 1", "XRANGE s - +"),
		C("xadd id with nul", `XADD s "7\x00xyz" a 1`, `!XADD s "*\x00" a 1`, "XRANGE s - 8"),
		C("xadd arity", "XADD s", "XADD s *", "XADD s * a", "XADD s * a b c", "XADD s 1-1 a", "XADD s MAXLEN 1 * a", "XADD s NOMKSTREAM * a", "EXISTS s"),
		C("xadd options without id", "XADD s NOMKSTREAM NOMKSTREAM NOMKSTREAM", "XADD s MAXLEN 1 MAXLEN", "XADD s LIMIT 5 NOMKSTREAM"),
		C("xadd nomkstream", "XADD s NOMKSTREAM 1-1 a 1", "EXISTS s", "XADD s 1-1 a 1", "XADD s NOMKSTREAM 2-1 b 2", "XADD s nomkstream MAXLEN 1 3-1 c 3", "XRANGE s - +"),
		C("xadd wrongtype", "SET k v", "XADD k 1-1 a 1", "XADD k NOMKSTREAM 1-1 a 1", "XADD k 0-0 a 1", "XADD k MAXLEN x 1-1 a 1", "GET k"),
		C("xadd binary and empty", `XADD s 1-1 "" ""`, `XADD s 2-1 "\x00\xff" "\r\n\x00"`, `XADD s 3-1 a "" "" b`, "XRANGE s - +", "XREVRANGE s + -"),
		C("xadd duplicate fields", "XADD s 1-1 a 1 a 2 a 3", "XRANGE s - +"),
		C("xadd many fields", "XADD s 1-1 "+strings.Repeat("f v ", 50), "XADD s 2-1 "+strings.Repeat("g w ", 51), "XRANGE s - + COUNT 1", "XLEN s"),
		C("xadd large values", "XADD s 1-1 a "+big, "XADD s 2-1 b "+big, "XADD s 3-1 c 1", "XLEN s", "XINFO STREAM s"),
		C("xadd option case", "XADD s MaxLen 1 1-1 a 1", "XADD s maxlen = 1 2-1 a 1", "XADD s NoMkStream MINID 2 3-1 a 1", "XADD s limit 10 maxlen ~ 1 4-1 a 1", "XRANGE s - +"),
		XC("xadd maxlen exact", xadds("s", 1, 8), "XADD s MAXLEN 3 8-1 a 1", "XLEN s", "XRANGE s - +", "XADD s MAXLEN = 2 9-1 a 1", "XRANGE s - +", "XINFO STREAM s"),
		C("xadd maxlen zero", "XADD s MAXLEN 0 1-1 a 1", "XLEN s", "EXISTS s", "XINFO STREAM s", "XADD s MAXLEN 0 2-1 a 1", "XINFO STREAM s"),
		XC("xadd maxlen approx small", xadds("s", 1, 10), "XADD s MAXLEN ~ 2 10-1 a 1", "XLEN s", "XINFO STREAM s"),
		XC("xadd maxlen approx nodes", xadds("s", 1, 301), "XADD s MAXLEN ~ 150 301-1 a 1", "XLEN s", "XRANGE s - + COUNT 2", "XINFO STREAM s"),
		XC("xadd maxlen approx limit", xadds("s", 1, 401), "XADD s MAXLEN ~ 10 LIMIT 150 401-1 a 1", "XLEN s", "XADD s MAXLEN ~ 10 LIMIT 100 402-1 a 1", "XLEN s", "XADD s MAXLEN ~ 10 LIMIT 0 403-1 a 1", "XLEN s", "XINFO STREAM s"),
		XC("xadd minid exact", xadds("s", 1, 10), "XADD s MINID 5 10-1 a 1", "XRANGE s - +", "XADD s MINID = 7-1 11-1 a 1", "XRANGE s - +", "XADD s MINID 100 12-1 a 1", "XRANGE s - +"),
		XC("xadd minid approx", xadds("s", 1, 250), "XADD s MINID ~ 150 250-1 a 1", "XLEN s", "XRANGE s - + COUNT 1", "XADD s MINID ~ 1000 251-1 a 1", "XLEN s", "XINFO STREAM s"),
		C("xadd minid invalid", "XADD s MINID abc 1-1 a 1", "XADD s MINID - 1-1 a 1", "XADD s MINID + 1-1 a 1", "XADD s MINID ~ x 1-1 a 1", "EXISTS s"),
		C("xadd trim both", "XADD s MAXLEN 1 MINID 1 1-1 a 1", "XADD s MINID 1 MAXLEN 1 1-1 a 1", "XADD s MAXLEN 1 MAXLEN 2 1-1 a 1", "EXISTS s"),
		C("xadd limit errors", "XADD s LIMIT 10 1-1 a 1", "XADD s LIMIT 0 1-1 a 1", "XADD s MAXLEN 5 LIMIT 10 1-1 a 1", "XADD s MAXLEN = 5 LIMIT 10 1-1 a 1",
			"XADD s MAXLEN ~ 5 LIMIT -1 1-1 a 1", "XADD s MAXLEN ~ 5 LIMIT x 1-1 a 1", "EXISTS s"),
		C("xadd maxlen errors", "XADD s MAXLEN -1 1-1 a 1", "XADD s MAXLEN x 1-1 a 1", "XADD s MAXLEN 1.5 1-1 a 1", "XADD s MAXLEN ~ * a 1", "XADD s MAXLEN = -3 1-1 a 1", "EXISTS s"),
		C("xadd maxlen huge", "XADD s MAXLEN 9223372036854775807 1-1 a 1", "XADD s MAXLEN 9223372036854775808 2-1 a 1", "XLEN s"),
		C("xadd trim errors win over wrongtype", "SET k v", "XADD k MAXLEN -1 1-1 a 1", "XADD k LIMIT 1 1-1 a 1", "XADD k 0-0 a 1", "XADD k abc a 1"),
		C("xadd trim missing key", "XADD s NOMKSTREAM MAXLEN 0 1-1 a 1", "EXISTS s"),
		C("xadd after xsetid", "XADD s 1-1 a 1", "XSETID s 10-5", "XADD s 10-5 a 1", "XADD s 10-* a 1", "XADD s 11 a 1", "XRANGE s - +"),
		XC("xadd node limits from config", "CONFIG SET stream-node-max-entries 5", xadds("s", 1, 23), "XINFO STREAM s", "XADD s MAXLEN ~ 7 23-1 a 1", "XLEN s",
			"CONFIG SET stream-node-max-entries 100"),
		XC("xadd node bytes from config", "CONFIG SET stream-node-max-bytes 200", xadds("s", 1, 40), "XINFO STREAM s", "XTRIM s MAXLEN ~ 12", "XLEN s",
			"CONFIG SET stream-node-max-bytes 4096"),
		XC("xadd clock ids radix", xaddsClock("s", 400, "temperature 21.5 humidity 40"), "XINFO STREAM s", "XTRIM s MAXLEN ~ 250", "XINFO STREAM s"),
		XC("xadd clock ids mixed fields", xaddsClock("s", 120, "a 1"), xaddsClock("t", 120, "a 1 b 2"), "XINFO STREAM s", "XINFO STREAM t"),
		C("xadd inside multi", "MULTI", "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s 2-1 b 2", "EXEC", "XRANGE s - +"),
		C("xadd star reply type", "!XADD s * a 1", "!XADD s * a 1", "XLEN s", "!XADD s MAXLEN 1 * a 1", "XLEN s"),
	})
}

// XRANGE, XREVRANGE, XLEN, XDEL, XTRIM and XSETID.
func TestDiffStreamsRange(t *testing.T) {
	five := xadds("s", 1, 6)
	diff(t, []testserver.Case{
		XC("xrange all", five, "XRANGE s - +", "XRANGE s 0 18446744073709551615", "XRANGE s 0-0 +", "XRANGE s - 18446744073709551615-18446744073709551615"),
		XC("xrange bounds", five, "XRANGE s 2 4", "XRANGE s 2-1 4-1", "XRANGE s 2-2 4-0", "XRANGE s 4 2", "XRANGE s 3 3", "XRANGE s 6 +", "XRANGE s - 0"),
		XC("xrange count", five, "XRANGE s - + COUNT 2", "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1", "XRANGE s - + COUNT 100", "XRANGE s - + count 1",
			"XRANGE s - + COUNT 9223372036854775807", "XRANGE s - + COUNT 1 COUNT 3"),
		XC("xrange count errors", five, "XRANGE s - + COUNT", "XRANGE s - + COUNT x", "XRANGE s - + LIMIT 1", "XRANGE s - + COUNT 1 x", "XRANGE s - + COUNT 1.0"),
		XC("xrange exclusive", five, "XRANGE s (1-1 +", "XRANGE s - (5-1", "XRANGE s (1-1 (5-1", "XRANGE s (2 +", "XRANGE s - (3", "XRANGE s (3-1 (3-1", "XRANGE s (3-0 (3-2"),
		XC("xrange exclusive errors", five, "XRANGE s ( +", "XRANGE s (- +", "XRANGE s - (+", "XRANGE s (abc +", "XRANGE s (18446744073709551615-18446744073709551615 +",
			"XRANGE s - (0-0", "XRANGE s - (0", "XRANGE s (18446744073709551615 +"),
		XC("xrange invalid ids", five, "XRANGE s abc +", "XRANGE s - abc", "XRANGE s 1-x +", "XRANGE s -1 +", `XRANGE s "" +`, "XRANGE s -- +"),
		C("xrange missing key", "XRANGE s - +", "XRANGE s - + COUNT 0", "XREVRANGE s + -", "XRANGE s abc +", "XRANGE s - + COUNT x"),
		C("xrange wrongtype", "SET k v", "XRANGE k - +", "XREVRANGE k + -", "XRANGE k abc +", "XRANGE k - + COUNT 0", "XLEN k"),
		XC("xrange error order", five, "XRANGE s abc def", "XRANGE s - def COUNT x", "XRANGE s - + COUNT x FOO"),
		C("xrange arity", "XRANGE s -", "XRANGE s", "XREVRANGE s +", "XLEN", "XLEN a b"),
		XC("xrevrange", five, "XREVRANGE s + -", "XREVRANGE s 4 2", "XREVRANGE s 2 4", "XREVRANGE s + - COUNT 2", "XREVRANGE s (5-1 (1-1", "XREVRANGE s + - COUNT 0", "XREVRANGE s (+ -", "XREVRANGE s + (-"),
		XC("xrange with deletions", xadds("s", 1, 11), "XDEL s 1-1 3-1 5-1 10-1", "XRANGE s - +", "XRANGE s - + COUNT 2", "XREVRANGE s + - COUNT 3", "XRANGE s 3 5", "XRANGE s (2-1 (6-1"),
		XC("xrange many nodes", xadds("s", 1, 350), "XRANGE s 95 105", "XREVRANGE s 205 195", "XRANGE s (99-1 + COUNT 3", "XREVRANGE s (201-1 - COUNT 3", "XLEN s"),
		XC("xrange incomplete ids", "XADD s 1-0 a 1", "XADD s 1-5 a 2", "XADD s 1-18446744073709551615 a 3", "XADD s 2-0 a 4", "XRANGE s 1 1", "XRANGE s 1 (2", "XREVRANGE s 1 1"),
		C("xlen", "XLEN s", "XADD s 1-1 a 1", "XADD s 2-1 a 1", "XLEN s", "XDEL s 1-1", "XLEN s", "XDEL s 2-1", "XLEN s", "EXISTS s"),
		XC("xdel", five, "XDEL s 2-1", "XDEL s 2-1", "XDEL s 3-1 4-1 9-9", "XDEL s 1-1 1-1", "XRANGE s - +", "XLEN s"),
		XC("xdel all keeps key", five, "XDEL s 1-1 2-1 3-1 4-1 5-1", "EXISTS s", "XLEN s", "XRANGE s - +", "XINFO STREAM s", "XADD s 5-1 a 1", "XADD s 6-1 a 1"),
		XC("xdel first updates first id", five, "XDEL s 1-1", "XINFO STREAM s", "XDEL s 3-1", "XINFO STREAM s", "XDEL s 2-1", "XINFO STREAM s"),
		XC("xdel invalid ids", five, "XDEL s abc", "XDEL s 1-1 abc", "XLEN s", "XDEL s -", "XDEL s +", "XDEL s 2", "XLEN s"),
		C("xdel missing key", "XDEL s 1-1", "XDEL s abc", "EXISTS s"),
		C("xdel wrongtype", "SET k v", "XDEL k 1-1", "XDEL k abc"),
		C("xdel arity", "XDEL s"),
		XC("xdel whole node", xadds("s", 1, 201), "XDEL s "+streamIDList(101, 201), "XINFO STREAM s", "XDEL s "+streamIDList(1, 101), "XINFO STREAM s"),
		XC("xtrim maxlen", five, "XTRIM s MAXLEN 3", "XRANGE s - +", "XTRIM s MAXLEN 3", "XTRIM s MAXLEN = 1", "XRANGE s - +", "XTRIM s MAXLEN 0", "EXISTS s", "XINFO STREAM s"),
		XC("xtrim minid", five, "XTRIM s MINID 3", "XRANGE s - +", "XTRIM s MINID 3-1", "XTRIM s MINID = 4-2", "XRANGE s - +", "XTRIM s MINID 18446744073709551615-18446744073709551615", "XLEN s"),
		XC("xtrim approx", xadds("s", 1, 350), "XTRIM s MAXLEN ~ 300", "XLEN s", "XTRIM s MAXLEN ~ 120", "XLEN s", "XTRIM s MINID ~ 290", "XLEN s", "XRANGE s - + COUNT 1", "XINFO STREAM s"),
		XC("xtrim approx limit", xadds("s", 1, 600), "XTRIM s MAXLEN ~ 0 LIMIT 250", "XLEN s", "XTRIM s MAXLEN ~ 0 LIMIT 99", "XLEN s", "XTRIM s LIMIT 200 MAXLEN ~ 0", "XLEN s", "XTRIM s MINID ~ 1000 LIMIT 0", "XLEN s"),
		XC("xtrim with tombstones", xadds("s", 1, 250), "XDEL s 10-1 20-1 120-1", "XTRIM s MAXLEN 150", "XLEN s", "XRANGE s - + COUNT 3", "XINFO STREAM s", "XTRIM s MINID ~ 240", "XINFO STREAM s"),
		C("xtrim missing key", "XTRIM s MAXLEN 0", "XTRIM s MINID 5", "XTRIM s FOO 1", "EXISTS s"),
		C("xtrim wrongtype", "SET k v", "XTRIM k MAXLEN 0", "XTRIM k FOO 1", "XTRIM k MAXLEN -1"),
		XC("xtrim errors", five, "XTRIM s FOO 1", "XTRIM s MAXLEN -1", "XTRIM s MAXLEN x", "XTRIM s MINID x", "XTRIM s LIMIT 10", "XTRIM s LIMIT 0 MAXLEN 1", "XTRIM s MAXLEN 1 LIMIT 10",
			"XTRIM s MAXLEN 1 MINID 1", "XTRIM s NOMKSTREAM MAXLEN 1", "XTRIM s MAXLEN 1 FOO", "XTRIM s MAXLEN ~", "XLEN s"),
		C("xtrim arity", "XTRIM s MAXLEN", "XTRIM s", "XTRIM"),
		XC("xsetid", five, "XSETID s 10-0", "XINFO STREAM s", "XADD s 10-0 a 1", "XADD s 10-1 a 1", "XSETID s 10-1", "XSETID s 10-0"),
		XC("xsetid below top", five, "XSETID s 4-1", "XSETID s 5-0", "XSETID s 5-1", "XSETID s 5", "XINFO STREAM s"),
		XC("xsetid empty stream", five, "XDEL s 1-1 2-1 3-1 4-1 5-1", "XSETID s 1-0", "XINFO STREAM s", "XADD s 1-1 a 1", "XADD s 1-0 a 1"),
		XC("xsetid entriesadded", five, "XSETID s 9-0 ENTRIESADDED 100", "XINFO STREAM s", "XSETID s 9-0 ENTRIESADDED 4", "XSETID s 9-0 ENTRIESADDED 5", "XSETID s 9-0 ENTRIESADDED -1", "XSETID s 9-0 ENTRIESADDED x", "XINFO STREAM s"),
		XC("xsetid maxdeletedid", five, "XSETID s 9-0 MAXDELETEDID 8-0", "XINFO STREAM s", "XSETID s 9-0 MAXDELETEDID 9-1", "XSETID s 9-0 MAXDELETEDID abc", "XSETID s 9-0 MAXDELETEDID 0-0", "XINFO STREAM s",
			"XSETID s 9-0 ENTRIESADDED 10 MAXDELETEDID 2-0", "XINFO STREAM s", "XSETID s 7-0", "XSETID s 5-1", "XINFO STREAM s"),
		XC("xsetid errors", five, "XSETID s abc", "XSETID s -", "XSETID s +", "XSETID s 9-0 FOO", "XSETID s 9-0 ENTRIESADDED", "XSETID s 9-0 MAXDELETEDID", "XSETID s 9-0 ENTRIESADDED 1 FOO 2"),
		C("xsetid missing key", "XSETID s 1-0", "XSETID s abc", "XSETID s 1-0 ENTRIESADDED -5", "XSETID s 1-0 MAXDELETEDID 2-0", "EXISTS s"),
		C("xsetid wrongtype", "SET k v", "XSETID k 1-0", "XSETID k abc"),
		C("xsetid arity", "XSETID s", "XSETID"),
		XC("xsetid then xadd star", five, "XSETID s 18446744073709551615-18446744073709551615", "XADD s * a 1", "XADD s 18446744073709551615-* a 1", "XINFO STREAM s"),
		XC("xsetid ms only", five, "XSETID s 100", "XINFO STREAM s", "XADD s 100-* a 1"),
	})
}

// streamIDList is "<from>-1 … <to-1>-1".
func streamIDList(from, to int) string {
	parts := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		parts = append(parts, fmt.Sprintf("%d-1", i))
	}
	return strings.Join(parts, " ")
}

// XGROUP, XREADGROUP and XREAD.
func TestDiffStreamsGroups(t *testing.T) {
	five := xadds("s", 1, 6)
	diff(t, []testserver.Case{
		XC("xgroup create", five, "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE s h $", "XGROUP CREATE s i 3-1", "XGROUP CREATE s j 3", "XINFO GROUPS s"),
		C("xgroup create missing key", "XGROUP CREATE s g 0", "XGROUP CREATE s g $", "EXISTS s", "XGROUP CREATE s g abc", "XGROUP CREATE s g 0 FOO"),
		C("xgroup create mkstream", "XGROUP CREATE s g $ MKSTREAM", "EXISTS s", "TYPE s", "XLEN s", "XINFO GROUPS s", "XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATE s h 0 mkstream", "XINFO STREAM s"),
		C("xgroup create mkstream invalid id", "XGROUP CREATE s g abc MKSTREAM", "EXISTS s", "XGROUP CREATE s g - MKSTREAM", "XGROUP CREATE s g + MKSTREAM", "EXISTS s"),
		XC("xgroup create ids", five, "XGROUP CREATE s a -", "XGROUP CREATE s b +", "XGROUP CREATE s c 18446744073709551615-18446744073709551615", "XGROUP CREATE s d 99-0", "XINFO GROUPS s"),
		XC("xgroup create entriesread", five, "XGROUP CREATE s g 0 ENTRIESREAD 3", "XGROUP CREATE s h 0 ENTRIESREAD -1", "XGROUP CREATE s i 0 ENTRIESREAD -2",
			"XGROUP CREATE s i 0 ENTRIESREAD x", "XGROUP CREATE s i 0 ENTRIESREAD", "XGROUP CREATE s j 0 MKSTREAM ENTRIESREAD 2", "XGROUP CREATE s k 0 ENTRIESREAD 1000", "XINFO GROUPS s"),
		XC("xgroup create arg count", five, "XGROUP CREATE s g 0 MKSTREAM MKSTREAM ENTRIESREAD 1", "XGROUP CREATE s g 0 MKSTREAM ENTRIESREAD 1 MKSTREAM", "XGROUP CREATE s g 0 ENTRIESREAD 1 ENTRIESREAD 2", "XINFO GROUPS s"),
		C("xgroup wrongtype", "SET k v", "XGROUP CREATE k g 0", "XGROUP CREATE k g 0 MKSTREAM", "XGROUP SETID k g 0", "XGROUP DESTROY k g", "XGROUP CREATECONSUMER k g c", "XGROUP DELCONSUMER k g c"),
		XC("xgroup setid", five, "XGROUP CREATE s g 0", "XGROUP SETID s g 3-1", "XINFO GROUPS s", "XGROUP SETID s g $", "XINFO GROUPS s", "XGROUP SETID s g -", "XINFO GROUPS s", "XGROUP SETID s g +", "XINFO GROUPS s"),
		XC("xgroup setid entriesread", five, "XGROUP CREATE s g 0", "XGROUP SETID s g 3-1 ENTRIESREAD 3", "XINFO GROUPS s", "XGROUP SETID s g 3-1 ENTRIESREAD -1", "XINFO GROUPS s",
			"XGROUP SETID s g 3-1 ENTRIESREAD -3", "XGROUP SETID s g 3-1 ENTRIESREAD", "XGROUP SETID s g 3-1 MKSTREAM", "XGROUP SETID s g 3-1 ENTRIESREAD 1 ENTRIESREAD 2", "XGROUP SETID s g abc"),
		XC("xgroup setid errors", five, "XGROUP SETID s nogroup 0", "XGROUP SETID nokey g 0", "XGROUP CREATE s g 0", "XGROUP SETID s g 1-x"),
		XC("xgroup destroy", five, "XGROUP CREATE s g 0", "XGROUP DESTROY s g", "XGROUP DESTROY s g", "XGROUP DESTROY nokey g", "XINFO GROUPS s"),
		XC("xgroup createconsumer", five, "XGROUP CREATE s g 0", "XGROUP CREATECONSUMER s g c1", "XGROUP CREATECONSUMER s g c1", "XGROUP CREATECONSUMER s g c2", "XINFO GROUPS s",
			"XGROUP CREATECONSUMER s nog c1", "XGROUP CREATECONSUMER nokey g c1", `XGROUP CREATECONSUMER s g ""`, "XINFO GROUPS s"),
		XC("xgroup delconsumer", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 3 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >", "XGROUP DELCONSUMER s g c1",
			"XPENDING s g", "XGROUP DELCONSUMER s g c1", "XGROUP DELCONSUMER s g c9", "XGROUP DELCONSUMER s nog c1", "XINFO GROUPS s", "XGROUP DELCONSUMER s g c2", "XPENDING s g"),
		C("xgroup help and errors", "XGROUP HELP", "XGROUP help", "XGROUP FOO", "XGROUP FOO s g", "XGROUP", "XGROUP CREATE s", "XGROUP CREATE s g", "XGROUP DESTROY s", "XGROUP DESTROY s g x",
			"XGROUP SETID s g", "XGROUP CREATECONSUMER s g", "XGROUP DELCONSUMER s g c x", "XGROUP HELP x"),
		XC("xgroup subcommand case", five, "xgroup create s g 0", "XGroup SetId s g 2", "xgroup createCONSUMER s g c", "XINFO GROUPS s", "xgroup destroy s g"),
		XC("xgroup error order", "SET k v", "XGROUP CREATE k g 0 FOO", "XGROUP CREATE nokey g 0 ENTRIESREAD x", "XGROUP SETID nokey g 0 ENTRIESREAD -5", five, "XGROUP SETID s nog abc"),
		XC("xreadgroup basic", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 2 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s >",
			"XPENDING s g", "XINFO GROUPS s"),
		XC("xreadgroup history", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 3 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s 0", "XREADGROUP GROUP g c1 STREAMS s 1-1",
			"XREADGROUP GROUP g c1 COUNT 1 STREAMS s 0", "XREADGROUP GROUP g c2 STREAMS s 0", "XACK s g 2-1", "XREADGROUP GROUP g c1 STREAMS s 0", "XPENDING s g"),
		XC("xreadgroup history deleted entry", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XDEL s 2-1 4-1", "XREADGROUP GROUP g c1 STREAMS s 0", "XREADGROUP GROUP g c1 COUNT 2 STREAMS s 0", "XPENDING s g"),
		XC("xreadgroup history max id", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >", "XREADGROUP GROUP g c1 STREAMS s 18446744073709551615-18446744073709551615",
			"XREADGROUP GROUP g c1 STREAMS s 18446744073709551615-18446744073709551614", "XPENDING s g"),
		XC("xreadgroup noack", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 NOACK COUNT 2 STREAMS s >", "XPENDING s g", "XINFO GROUPS s", "XREADGROUP GROUP g c1 STREAMS s 0", "XREADGROUP GROUP g c2 NOACK STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup nothing new", five, "XGROUP CREATE s g $", "XREADGROUP GROUP g c1 STREAMS s >", "XINFO GROUPS s", "XREADGROUP GROUP g c1 COUNT 5 NOACK STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup creates consumer when served", five, "XGROUP CREATE s g $", "XREADGROUP GROUP g c1 STREAMS s 0", "XINFO GROUPS s", "XREADGROUP GROUP g c2 STREAMS s >", "XINFO GROUPS s",
			"XADD s 6-1 a 1", "XREADGROUP GROUP g c2 STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup empty stream history", "XGROUP CREATE s g $ MKSTREAM", "XREADGROUP GROUP g c STREAMS s 0", "XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup multiple streams", five, xadds("t", 3, 8), "XGROUP CREATE s g 0", "XGROUP CREATE t g 4", "XREADGROUP GROUP g c COUNT 2 STREAMS s t > >",
			"XREADGROUP GROUP g c STREAMS s t > >", "XREADGROUP GROUP g c STREAMS s t 0 >", "XREADGROUP GROUP g c STREAMS t s > 3-1", "XREADGROUP GROUP g c STREAMS s t > >"),
		XC("xreadgroup same stream twice", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s s > >", "XREADGROUP GROUP g c COUNT 1 STREAMS s s 0 >", "XREADGROUP GROUP g c STREAMS s s > 0"),
		XC("xreadgroup errors", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s $", "XREADGROUP GROUP g c STREAMS s abc", "XREADGROUP GROUP g c STREAMS s +", "XREADGROUP GROUP g c STREAMS s -",
			"XREADGROUP GROUP g c STREAMS s", "XREADGROUP GROUP g c STREAMS s t >", "XREADGROUP STREAMS s >", "XREADGROUP GROUP g STREAMS s >", "XREADGROUP GROUP g c FOO STREAMS s >",
			"XREADGROUP GROUP g c COUNT x STREAMS s >", "XREADGROUP GROUP g c BLOCK x STREAMS s >", "XREADGROUP GROUP g c BLOCK -1 STREAMS s >", "XREADGROUP GROUP g c BLOCK 1.5 STREAMS s >"),
		XC("xreadgroup nogroup", five, "XREADGROUP GROUP g c STREAMS s >", "XREADGROUP GROUP g c STREAMS nokey >", "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s nokey > >",
			"XREADGROUP GROUP g c STREAMS nokey s > >", "XREADGROUP GROUP g c STREAMS s s $ >"),
		XC("xreadgroup wrongtype", "SET k v", "XREADGROUP GROUP g c STREAMS k >", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s k > >"),
		XC("xreadgroup options", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 1 COUNT 2 STREAMS s >", "XREADGROUP COUNT 1 GROUP g c NOACK STREAMS s >", "XREADGROUP NOACK GROUP g c count 1 streams s >",
			"XREADGROUP GROUP g c GROUP g d COUNT 1 STREAMS s >", "XREADGROUP GROUP g c COUNT -5 STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup count zero", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 0 STREAMS s >", "XREADGROUP GROUP g c COUNT 0 STREAMS s 0"),
		XC("xreadgroup block with data", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c BLOCK 0 COUNT 1 STREAMS s >", "XREADGROUP GROUP g c BLOCK 100 STREAMS s 0"),
		XC("xreadgroup block in multi", five, "XGROUP CREATE s g $", "MULTI", "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "XREADGROUP GROUP g c BLOCK 1000 STREAMS s 0", "EXEC"),
		XC("xreadgroup takes over pending", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XGROUP SETID s g 2-1", "XREADGROUP GROUP g c2 COUNT 2 STREAMS s >", "XPENDING s g",
			"XREADGROUP GROUP g c1 STREAMS s 0", "XREADGROUP GROUP g c2 STREAMS s 0"),
		XC("xreadgroup entries read and lag", xadds("s", 1, 11), "XGROUP CREATE s g 0", "XINFO GROUPS s", "XREADGROUP GROUP g c COUNT 3 STREAMS s >", "XINFO GROUPS s",
			"XDEL s 5-1", "XINFO GROUPS s", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "XINFO GROUPS s", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XINFO GROUPS s",
			"XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s", "XADD s 11-1 a 1", "XINFO GROUPS s"),
		XC("xreadgroup lag after trim", xadds("s", 1, 11), "XGROUP CREATE s g 0", "XGROUP CREATE s h 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XTRIM s MAXLEN 5", "XINFO GROUPS s",
			"XREADGROUP GROUP h c COUNT 1 STREAMS s >", "XINFO GROUPS s", "XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup lag tombstone behind", xadds("s", 1, 11), "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 6 STREAMS s >", "XDEL s 2-1", "XINFO GROUPS s", "XDEL s 8-1", "XINFO GROUPS s",
			"XGROUP SETID s g 9-1", "XINFO GROUPS s", "XGROUP SETID s g 10-1", "XINFO GROUPS s", "XGROUP SETID s g 0", "XINFO GROUPS s"),
		XC("xreadgroup lag empty and new", "XGROUP CREATE s g $ MKSTREAM", "XINFO GROUPS s", "XADD s 1-1 a 1", "XINFO GROUPS s", "XDEL s 1-1", "XINFO GROUPS s", "XGROUP CREATE s h 0", "XINFO GROUPS s"),
		XC("xreadgroup lag xsetid", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XSETID s 5-1 ENTRIESADDED 50", "XINFO GROUPS s", "XSETID s 5-1 ENTRIESADDED 50 MAXDELETEDID 3-1", "XINFO GROUPS s"),
		XC("xread basic", five, "XREAD STREAMS s 0", "XREAD STREAMS s 3-1", "XREAD STREAMS s 5-1", "XREAD COUNT 2 STREAMS s 0", "XREAD STREAMS s $", "XREAD STREAMS s 2", "XREAD count 1 streams s -"),
		XC("xread multiple", five, xadds("t", 4, 7), "XREAD STREAMS s t 0 0", "XREAD STREAMS s t 4-1 0", "XREAD STREAMS s t $ 5-1", "XREAD COUNT 1 STREAMS t s 4-1 4-1", "XREAD STREAMS s nokey t 0 0 0", "XREAD STREAMS s s 0 3-1"),
		C("xread missing", "XREAD STREAMS s 0", "XREAD STREAMS s $", "XREAD BLOCK 10 STREAMS s $", "XREAD COUNT 0 STREAMS s 0"),
		XC("xread errors", five, "XREAD STREAMS s", "XREAD STREAMS s t 0", "XREAD STREAMS s >", "XREAD STREAMS s abc", "XREAD STREAMS s +", "XREAD GROUP g c STREAMS s 0", "XREAD NOACK STREAMS s 0",
			"XREAD FOO STREAMS s 0", "XREAD COUNT x STREAMS s 0", "XREAD BLOCK x STREAMS s 0", "XREAD BLOCK -1 STREAMS s 0", "XREAD COUNT 1", "XREAD s 0", "XREAD STREAMS"),
		XC("xread error order", "SET k v", five, "XREAD STREAMS k s 0 abc", "XREAD STREAMS s k abc 0", "XREAD STREAMS s k 0 0", "XREAD STREAMS k s > 0", "XREAD STREAMS nokey s > 0"),
		XC("xread count negative", five, "XREAD COUNT -1 STREAMS s 0", "XREAD COUNT 0 STREAMS s 0", "XREAD COUNT 9223372036854775807 STREAMS s 3"),
		XC("xread block with data", five, "XREAD BLOCK 0 STREAMS s 0", "XREAD BLOCK 10 COUNT 1 STREAMS s 2-1", "XREAD BLOCK 10 STREAMS s $"),
		C("xread block timeout forms", "XREAD BLOCK 1.5 STREAMS s 0", "XREAD BLOCK 0x10 STREAMS s 0", "XREAD BLOCK 9223372036854775808 STREAMS s 0", "XREAD BLOCK -9223372036854775808 STREAMS s 0", "XREAD BLOCK 1 STREAMS s 0"),
		XC("xread block in multi", five, "MULTI", "XREAD BLOCK 0 STREAMS s $", "XREAD BLOCK 0 STREAMS s 4-1", "XREAD BLOCK 0 STREAMS nokey 0", "EXEC"),
		XC("xread after deletions", five, "XDEL s 5-1", "XREAD STREAMS s 4-1", "XREAD STREAMS s 3-1", "XDEL s 1-1 2-1 3-1 4-1", "XREAD STREAMS s 0"),
		XC("xread tombstone at end", five, "XADD s 6-1 a 1", "XDEL s 6-1", "XREAD STREAMS s 5-1", "XREAD STREAMS s 4-1", "XREAD STREAMS s $"),
		XC("xread many nodes", xadds("s", 1, 300), "XREAD COUNT 3 STREAMS s 150-1", "XREAD COUNT 2 STREAMS s 297-1"),
		XC("xread binary key", `XADD "k\x00\xff" 1-1 a 1`, `XREAD STREAMS "k\x00\xff" 0`, `XGROUP CREATE "k\x00\xff" "g\x00" 0`, `XREADGROUP GROUP "g\x00" "c\xff" STREAMS "k\x00\xff" >`),
	})
}

// XACK, XPENDING, XCLAIM, XAUTOCLAIM and XINFO. Idle times and seen times
// depend on the clock: those replies are compared by type only, and the
// cases set delivery times with XCLAIM TIME where they show.
func TestDiffStreamsPending(t *testing.T) {
	five := xadds("s", 1, 6)
	ten := xadds("s", 1, 11)
	setup := []string{"XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 3 STREAMS s >", "XREADGROUP GROUP g c2 STREAMS s >"}
	diff(t, []testserver.Case{
		XC("xack", five, setup, "XACK s g 1-1", "XACK s g 1-1", "XACK s g 2-1 3-1 9-9", "XACK s g 4-1 4-1", "XPENDING s g", "XACK s nog 5-1", "XACK nokey g 5-1"),
		XC("xack invalid ids", five, setup, "XACK s g abc", "XACK s g 1-1 abc", "XPENDING s g", "XACK s g -", "XACK s g +", "XACK s nog abc", "XACK nokey g abc"),
		C("xack wrongtype", "SET k v", "XACK k g 1-1", "XACK k g abc"),
		C("xack arity", "XACK s g", "XACK s"),
		XC("xack ms only", five, setup, "XACK s g 2", "XACK s g 1-1 3", "XPENDING s g"),
		XC("xpending summary", five, "XGROUP CREATE s g 0", "XPENDING s g", setup[1:], "XPENDING s g", "XACK s g 4-1 5-1", "XPENDING s g", "XACK s g 1-1 2-1 3-1", "XPENDING s g"),
		XC("xpending summary consumers order", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g zed COUNT 1 STREAMS s >", "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
			"XREADGROUP GROUP g mike STREAMS s >", "XGROUP CREATECONSUMER s g bob", "XPENDING s g"),
		XC("xpending extended", five, setup, "!XPENDING s g - + 10", "!XPENDING s g - + 2", "!XPENDING s g 2 4 10", "!XPENDING s g - + 10 c1", "XPENDING s g - + 10 nobody",
			"XPENDING s g - + 0", "XPENDING s g - + -1", "XPENDING s g 9 + 10", "XPENDING s g (5-1 + 10", "XPENDING s g - (1-1 10"),
		XC("xpending idle filter", five, setup, "XPENDING s g IDLE 100000000000 - + 10", "!XPENDING s g IDLE 0 - + 10", "!XPENDING s g IDLE -5 - + 10", "XPENDING s g IDLE 100000000000 - + 10 c1",
			"XCLAIM s g c3 0 2-1 TIME 1000 JUSTID", "!XPENDING s g IDLE 100000000 - + 10", "XPENDING s g IDLE 100000000000000000 - + 10"),
		XC("xpending errors", five, setup, "XPENDING s g -", "XPENDING s g - +", "XPENDING s g - + 10 c1 x y z", "XPENDING s g IDLE 10 - +", "XPENDING s g IDLE x - + 10",
			"XPENDING s g - + x", "XPENDING s g abc + 10", "XPENDING s g - abc 10", "XPENDING s g ( + 10", "XPENDING s g (18446744073709551615-18446744073709551615 + 10", "XPENDING s g - (0-0 10",
			"XPENDING s g IDLE 10 - + 10 c1 extra", "!XPENDING s g - + 10 c1 extra"),
		XC("xpending extra consumer args", five, setup, "XPENDING s g - + 10 nobody extra", "XPENDING s g - + 10 nobody extra more", "XPENDING s g IDLE 100000000000 - + 10 c1"),
		XC("xpending nogroup", five, "XPENDING s g", "XPENDING nokey g", "XPENDING s g - + 10", "XPENDING nokey g - + x", "XPENDING nokey g abc + 10"),
		C("xpending wrongtype", "SET k v", "XPENDING k g", "XPENDING k g - + 10", "XPENDING k g - + x"),
		C("xpending arity", "XPENDING s", "XPENDING"),
		XC("xclaim basic", five, setup, "XCLAIM s g c3 0 1-1", "XCLAIM s g c3 0 2-1 3-1 9-9", "XPENDING s g", "XCLAIM s g c1 0 1-1 JUSTID", "XPENDING s g", "XINFO GROUPS s"),
		XC("xclaim min idle", five, setup, "XCLAIM s g c3 100000000 1-1", "XCLAIM s g c3 -5 1-1", "XCLAIM s g c3 3600000 2-1 TIME 1000", "XCLAIM s g c3 0 2-1 TIME 1000",
			"XCLAIM s g c4 3600000 2-1", "XPENDING s g"),
		XC("xclaim force", five, "XGROUP CREATE s g 0", "XCLAIM s g c 0 1-1", "XCLAIM s g c 0 1-1 FORCE", "XCLAIM s g c 0 9-9 FORCE", "XCLAIM s g c 0 2-1 FORCE JUSTID", "XPENDING s g", "XINFO GROUPS s"),
		XC("xclaim deleted entries", five, setup, "XDEL s 2-1 4-1", "XCLAIM s g c3 0 2-1 3-1 4-1", "XPENDING s g", "XCLAIM s g c3 0 2-1 FORCE", "XPENDING s g"),
		XC("xclaim retrycount", five, setup, "XCLAIM s g c3 0 1-1 RETRYCOUNT 7 JUSTID", "XCLAIM s g c3 0 2-1 RETRYCOUNT -1 JUSTID", "XCLAIM s g c3 0 3-1 RETRYCOUNT 0", "!XPENDING s g - + 10",
			"XPENDING s g IDLE 100000000000 - + 10"),
		XC("xclaim lastid", five, "XGROUP CREATE s g 0", "XCLAIM s g c 0 1-1 FORCE LASTID 3-1", "XINFO GROUPS s", "XCLAIM s g c 0 9-9 LASTID 4-1", "XINFO GROUPS s", "XCLAIM s g c 0 9-9 LASTID 2-1", "XINFO GROUPS s",
			"XREADGROUP GROUP g c STREAMS s >"),
		XC("xclaim options", five, setup, "XCLAIM s g c3 0 1-1 IDLE 1000 TIME 5000 RETRYCOUNT 2 FORCE JUSTID LASTID 1-1", "XCLAIM s g c3 0 1-1 idle 10 force justid", "XPENDING s g"),
		XC("xclaim option errors", five, setup, "XCLAIM s g c3 0 1-1 FOO", "XCLAIM s g c3 0 1-1 IDLE", "XCLAIM s g c3 0 1-1 IDLE x", "XCLAIM s g c3 0 1-1 TIME x", "XCLAIM s g c3 0 1-1 RETRYCOUNT x",
			"XCLAIM s g c3 0 1-1 LASTID x", "XCLAIM s g c3 0 1-1 JUSTID 2-1", "XCLAIM s g c3 x 1-1", "XCLAIM s g c3 0 abc", "XCLAIM s g c3 0 1-1 TIME", "XPENDING s g"),
		XC("xclaim ids then options", five, setup, "XCLAIM s g c3 0 1-1 2 JUSTID", "XCLAIM s g c3 0 - JUSTID", "XCLAIM s g c3 0 JUSTID", "XPENDING s g"),
		XC("xclaim nogroup", five, "XCLAIM s g c 0 1-1", "XCLAIM nokey g c 0 1-1", "XCLAIM s g c x 1-1", "XGROUP CREATE s g 0", "XCLAIM s g c x 1-1"),
		C("xclaim wrongtype", "SET k v", "XCLAIM k g c 0 1-1", "XCLAIM k g c x abc"),
		C("xclaim arity", "XCLAIM s g c 0", "XCLAIM s g c"),
		XC("xclaim consumer creation", five, "XGROUP CREATE s g 0", "XCLAIM s g c1 0 9-9", "XINFO GROUPS s", "XCLAIM s g c1 0 1-1", "XINFO GROUPS s", "XCLAIM s g c1 0 1-1 FORCE", "XINFO GROUPS s",
			"XCLAIM s g c2 100000000 1-1", "XINFO GROUPS s"),
		XC("xclaim duplicate ids", five, setup, "XCLAIM s g c3 0 1-1 1-1 JUSTID", "XDEL s 2-1", "XCLAIM s g c3 0 2-1 2-1 JUSTID", "XPENDING s g"),
		XC("xclaim huge idle", five, setup, "XCLAIM s g c3 0 1-1 IDLE 9223372036854775807 JUSTID", "XCLAIM s g c3 0 1-1 IDLE -9223372036854775808 JUSTID", "XCLAIM s g c3 0 1-1 TIME -1 JUSTID",
			"XCLAIM s g c3 0 1-1 TIME 9223372036854775807 JUSTID", "XPENDING s g IDLE 100000000000 - + 10"),
		XC("xautoclaim", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XAUTOCLAIM s g c2 0 0 COUNT 3", "XAUTOCLAIM s g c2 0 4-1 COUNT 3 JUSTID", "XAUTOCLAIM s g c2 0 (7-1",
			"XAUTOCLAIM s g c2 0 0 COUNT 100", "XPENDING s g"),
		XC("xautoclaim deleted", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XDEL s 2-1 3-1 8-1", "XAUTOCLAIM s g c2 0 0 COUNT 2", "XAUTOCLAIM s g c2 0 0 COUNT 5",
			"XPENDING s g", "XAUTOCLAIM s g c2 0 - JUSTID", "XPENDING s g"),
		XC("xautoclaim min idle", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XAUTOCLAIM s g c2 100000000 0", "XINFO GROUPS s", "XCLAIM s g c1 0 4-1 7-1 TIME 1000 JUSTID",
			"XAUTOCLAIM s g c2 100000000 0", "XAUTOCLAIM s g c2 100000000 0 COUNT 1", "XINFO GROUPS s"),
		XC("xautoclaim attempts", xadds("s", 1, 40), "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XCLAIM s g c1 0 35-1 TIME 1000 JUSTID", "XAUTOCLAIM s g c2 100000000 0 COUNT 1",
			"XAUTOCLAIM s g c2 100000000 0 COUNT 2", "XAUTOCLAIM s g c2 100000000 0 COUNT 4"),
		XC("xautoclaim empty", five, "XGROUP CREATE s g 0", "XAUTOCLAIM s g c 0 0", "XAUTOCLAIM s g c 0 0 JUSTID", "XINFO GROUPS s"),
		XC("xautoclaim errors", five, "XGROUP CREATE s g 0", "XAUTOCLAIM s g c x 0", "XAUTOCLAIM s g c 0 abc", "XAUTOCLAIM s g c 0 ( ", "XAUTOCLAIM s g c 0 (18446744073709551615-18446744073709551615",
			"XAUTOCLAIM s g c 0 0 COUNT 0", "XAUTOCLAIM s g c 0 0 COUNT -1", "XAUTOCLAIM s g c 0 0 COUNT x", "XAUTOCLAIM s g c 0 0 COUNT", "XAUTOCLAIM s g c 0 0 FOO", "XAUTOCLAIM s g c 0 0 JUSTID x",
			"XAUTOCLAIM s g c 0 +"),
		XC("xautoclaim count bounds", five, "XGROUP CREATE s g 0", "XAUTOCLAIM s g c 0 0 COUNT 576460752303423487", "XAUTOCLAIM s g c 0 0 COUNT 576460752303423488",
			"XAUTOCLAIM s g c 0 0 COUNT 922337203685477580", "XAUTOCLAIM s g c 0 0 COUNT 9223372036854775807", "XAUTOCLAIM s g c 0 0 COUNT 1000000",
			"XAUTOCLAIM s g c 0 0 COUNT 1000000000000", "XAUTOCLAIM s g c 0 0 COUNT 10000000000000", "XAUTOCLAIM nokey g c 0 0 COUNT 10000000000000"),
		XC("xautoclaim nogroup", five, "XAUTOCLAIM s g c 0 0", "XAUTOCLAIM nokey g c 0 0", "XAUTOCLAIM nokey g c x 0", "XAUTOCLAIM nokey g c 0 0 COUNT 0"),
		C("xautoclaim wrongtype", "SET k v", "XAUTOCLAIM k g c 0 0", "XAUTOCLAIM k g c x 0"),
		C("xautoclaim arity", "XAUTOCLAIM s g c 0", "XAUTOCLAIM s g c"),
		XC("xautoclaim case", five, setup, "xautoclaim s g c3 0 0 count 2 justid", "XPENDING s g"),
	})
}

// XINFO and the stream as other commands see it.
func TestDiffStreamsInfo(t *testing.T) {
	five := xadds("s", 1, 6)
	diff(t, []testserver.Case{
		XC("xinfo stream", five, "XINFO STREAM s", "XDEL s 1-1 5-1", "XINFO STREAM s", "XGROUP CREATE s g 0", "XGROUP CREATE s h $", "XINFO STREAM s"),
		C("xinfo stream empty", "XGROUP CREATE s g $ MKSTREAM", "XINFO STREAM s", "XINFO STREAM s FULL", "XADD s 1-1 a 1", "XDEL s 1-1", "XINFO STREAM s", "XINFO STREAM s FULL"),
		XC("xinfo stream full no consumers", five, "XINFO STREAM s FULL", "XGROUP CREATE s g 2-1", "XGROUP CREATE s h 0 ENTRIESREAD 0", "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 2",
			"XINFO STREAM s FULL COUNT 0", "XINFO STREAM s FULL COUNT -3", "XINFO STREAM s full count 1"),
		XC("xinfo stream full with consumers", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "!XINFO STREAM s FULL", "XGROUP DELCONSUMER s g c", "XINFO STREAM s FULL"),
		XC("xinfo stream full count default", xadds("s", 1, 15), "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 12"),
		XC("xinfo stream errors", five, "XINFO STREAM s FOO", "XINFO STREAM s FULL COUNT", "XINFO STREAM s FULL COUNT x", "XINFO STREAM s FULL FOO 1", "XINFO STREAM s COUNT 1", "XINFO STREAM s FULL COUNT 1 x",
			"XINFO STREAM nokey FOO", "XINFO STREAM nokey", "XINFO STREAM"),
		XC("xinfo stream nodes", xadds("s", 1, 1000), "XINFO STREAM s", "XTRIM s MAXLEN ~ 450", "XINFO STREAM s", "XDEL s 500-1 700-1", "XINFO STREAM s"),
		XC("xinfo groups", five, "XINFO GROUPS s", "XGROUP CREATE s b 0", "XGROUP CREATE s a $", "XGROUP CREATE s c 3-1 ENTRIESREAD 3", "XREADGROUP GROUP b x COUNT 2 STREAMS s >", "XINFO GROUPS s"),
		C("xinfo groups errors", "XINFO GROUPS nokey", "SET k v", "XINFO GROUPS k", "XINFO GROUPS s x", "XINFO GROUPS"),
		XC("xinfo consumers", five, "XGROUP CREATE s g 0", "XINFO CONSUMERS s g", "XREADGROUP GROUP g c2 COUNT 2 STREAMS s >", "XGROUP CREATECONSUMER s g c1", "!XINFO CONSUMERS s g",
			"XINFO CONSUMERS s nog", "XINFO CONSUMERS nokey g"),
		C("xinfo consumers errors", "SET k v", "XINFO CONSUMERS k g", "XINFO CONSUMERS s", "XINFO CONSUMERS s g x"),
		C("xinfo help and errors", "XINFO HELP", "XINFO help", "XINFO FOO", "XINFO FOO s", "XINFO", "XINFO HELP x"),
		XC("stream key commands", five, "TYPE s", "OBJECT ENCODING s", "EXISTS s", "RENAME s t", "XRANGE t - +", "XLEN s", "DEL t", "EXISTS t"),
		XC("stream wrongtype for others", five, "GET s", "LPUSH s a", "HSET s a 1", "SADD s a", "INCR s", "XLEN s"),
		XC("stream copy", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "COPY s t", "XRANGE t - +", "XPENDING t g", "XINFO GROUPS t", "XACK t g 1-1", "XPENDING s g", "XPENDING t g"),
		XC("stream in multi", "MULTI", "XADD s 1-1 a 1", "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XPENDING s g", "XACK s g 1-1", "XINFO GROUPS s", "EXEC"),
		XC("stream watch xadd", five, "WATCH s", "XADD s 6-1 a 1", "MULTI", "PING", "EXEC"),
		XC("stream watch xdel xtrim", five, "WATCH s", "XDEL s 9-9", "MULTI", "PING", "EXEC", "WATCH s", "XTRIM s MAXLEN 100", "MULTI", "PING", "EXEC", "WATCH s", "XDEL s 1-1", "MULTI", "PING", "EXEC"),
		XC("stream watch xsetid", five, "WATCH s", "XSETID s 10-1", "MULTI", "PING", "EXEC"),
		XC("stream watch xgroup", five, "WATCH s", "XGROUP CREATE s g 0", "MULTI", "PING", "EXEC", "WATCH s", "XGROUP SETID s g 2-1", "MULTI", "PING", "EXEC",
			"WATCH s", "XGROUP CREATECONSUMER s g c", "MULTI", "PING", "EXEC", "WATCH s", "XGROUP DESTROY s g", "MULTI", "PING", "EXEC"),
		XC("stream watch group reads", five, "XGROUP CREATE s g 0", "WATCH s", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "MULTI", "PING", "EXEC", "WATCH s", "XACK s g 1-1", "MULTI", "PING", "EXEC",
			"WATCH s", "XCLAIM s g d 0 2-1 FORCE", "MULTI", "PING", "EXEC"),
		C("stream watch mkstream", "WATCH s", "XGROUP CREATE s g 0 MKSTREAM", "MULTI", "PING", "EXEC"),
		XC("stream expire", five, "PEXPIRE s 100000", "XADD s 6-1 a 1", "TTL s", "XTRIM s MAXLEN 0", "TTL s", "XLEN s"),
	})
}

// More edges of every stream command.
func TestDiffStreamsEdges(t *testing.T) {
	five := xadds("s", 1, 6)
	ten := xadds("s", 1, 11)
	manyIDs := "1-1 2-1 3-1 4-1 5-1 6-1 7-1 8-1 9-1 10-1 11-1 12-1"
	diff(t, []testserver.Case{
		C("xadd quoted values", `XADD s 1-1 "a b" "c \"d\" e" 'x y' ""`, "XRANGE s - +"),
		C("xadd ms only max", "XADD s 18446744073709551615 a 1", "XADD s 18446744073709551615-* a 1", "XRANGE s - +"),
		C("xadd next ms after max seq", "XADD s 1-18446744073709551615 a 1", "XADD s 2-* a 1", "XADD s 2 a 1", "XRANGE s - +"),
		C("xadd exclusive minid", "XADD s MINID (5 1-1 a 1", "XADD s MAXLEN (5 1-1 a 1", "EXISTS s"),
		C("xadd approx threshold missing", "XADD s MAXLEN ~ 1-1 a 1", "XADD s MAXLEN = 1-1 a 1", "XADD s MINID ~ 1-1 a 1", "XADD s MAXLEN = = 1 1-1 a 1", "XRANGE s - +"),
		XC("xadd limit before strategy", ten, "XADD s LIMIT 10 MAXLEN ~ 0 11-1 a 1", "XLEN s", "XADD s LIMIT 1000 MINID ~ 100 12-1 a 1", "XLEN s"),
		XC("xadd maxlen approx zero big", xadds("s", 1, 260), "XADD s MAXLEN ~ 0 260-1 a 1", "XLEN s", "XRANGE s - + COUNT 1", "XINFO STREAM s"),
		XC("xadd many fields node split", "XADD s 1-1 "+strings.Repeat("field value ", 300), "XADD s 2-1 a 1", "XADD s 3-1 a 1", "XINFO STREAM s", "XTRIM s MAXLEN ~ 1", "XLEN s"),
		XC("xadd values split nodes", "XADD s 1-1 v "+strings.Repeat("a", 3000), "XADD s 2-1 v "+strings.Repeat("b", 1000), "XADD s 3-1 v "+strings.Repeat("c", 100), "XADD s 4-1 v c",
			"XINFO STREAM s", "XTRIM s MAXLEN ~ 2", "XLEN s", "XTRIM s MAXLEN ~ 1", "XLEN s"),
		XC("xadd node entries unlimited", "CONFIG SET stream-node-max-entries 0", xadds("s", 1, 150), "XINFO STREAM s", "XTRIM s MAXLEN ~ 10", "XLEN s", "CONFIG SET stream-node-max-entries 100"),
		XC("xadd node bytes unlimited", "CONFIG SET stream-node-max-bytes 0", xadds("s", 1, 250), "XINFO STREAM s", "XTRIM s MAXLEN ~ 60", "XLEN s", "CONFIG SET stream-node-max-bytes 4096"),
		XC("xadd approx default limit without node limit", "CONFIG SET stream-node-max-entries 0", "CONFIG SET stream-node-max-bytes 100", xadds("s", 1, 120), "XTRIM s MAXLEN ~ 0", "XLEN s",
			"CONFIG SET stream-node-max-entries 100", "CONFIG SET stream-node-max-bytes 4096"),
		XC("xadd approx default limit small nodes", "CONFIG SET stream-node-max-entries 2", xadds("s", 1, 300), "XTRIM s MAXLEN ~ 0", "XLEN s", "XTRIM s MAXLEN ~ 0", "XLEN s",
			"CONFIG SET stream-node-max-entries 100"),
		XC("xrange pagination", ten, "XRANGE s - + COUNT 3", "XRANGE s (3-1 + COUNT 3", "XRANGE s (6-1 + COUNT 3", "XRANGE s (9-1 + COUNT 3", "XRANGE s (10-1 + COUNT 3",
			"XREVRANGE s + - COUNT 4", "XREVRANGE s (7-1 - COUNT 4", "XREVRANGE s (3-1 - COUNT 4"),
		XC("xrange across nodes with tombstones", xadds("s", 1, 320), "XDEL s 100-1 101-1 200-1 201-1 300-1", "XRANGE s 98 103", "XREVRANGE s 203 198", "XRANGE s (99-1 + COUNT 3", "XREVRANGE s (202-1 - COUNT 3"),
		XC("xrange big values", "XADD s 1-1 v "+strings.Repeat("q", 4000), "XADD s 2-1 v "+strings.Repeat("r", 4000), "XADD s 3-1 v s", "XRANGE s 2 +", "XREVRANGE s + - COUNT 1"),
		C("xrevrange missing", "XREVRANGE s + - COUNT 0", "XREVRANGE s + - COUNT 5", "XREVRANGE s abc -"),
		XC("xdel many ids", xadds("s", 1, 13), "XDEL s "+manyIDs+" 1-1 99-9", "XLEN s", "EXISTS s", "XINFO STREAM s"),
		XC("xdel last then add smaller", five, "XDEL s 5-1", "XADD s 5-1 a 1", "XADD s 4-2 a 1", "XADD s 5-2 a 1", "XRANGE s - +"),
		XC("xdel then xinfo", five, "XDEL s 3-1", "XADD s 6-1 a 1", "XINFO STREAM s", "XDEL s 6-1 1-1", "XINFO STREAM s"),
		XC("xsetid backwards over tombstones", five, "XDEL s 5-1 4-1", "XSETID s 3-1", "XINFO STREAM s", "XADD s 3-2 a 1", "XADD s 4-1 a 1", "XRANGE s - +"),
		XC("xsetid entriesadded equal length", five, "XSETID s 5-1 ENTRIESADDED 5", "XINFO STREAM s", "XSETID s 5-1 ENTRIESADDED 0"),
		XC("xsetid maxdeletedid only", five, "XSETID s 5-1 MAXDELETEDID 2-1", "XINFO STREAM s", "XGROUP CREATE s g 0", "XINFO GROUPS s"),
		XC("xtrim exclusive minid", five, "XTRIM s MINID (3", "XTRIM s MINID ~ (3", "XLEN s"),
		XC("xtrim minid approx limit boundary", xadds("s", 1, 400), "XTRIM s MINID ~ 350 LIMIT 200", "XLEN s", "XTRIM s MINID ~ 350 LIMIT 100", "XLEN s", "XTRIM s MINID ~ 350", "XLEN s"),
		XC("xgroup create beyond last", five, "XGROUP CREATE s g 100-0", "XINFO GROUPS s", "XADD s 50-1 a 1", "XREADGROUP GROUP g c STREAMS s >", "XADD s 101-1 a 1", "XREADGROUP GROUP g c STREAMS s >"),
		C("xgroup setid dollar empty", "XGROUP CREATE s g 0 MKSTREAM", "XGROUP SETID s g $", "XINFO GROUPS s", "XGROUP SETID s g $ ENTRIESREAD 0", "XINFO GROUPS s"),
		XC("xgroup create zero forms", five, "XGROUP CREATE s a 0", "XGROUP CREATE s b 0-0", "XGROUP CREATE s c 00", "XGROUP CREATE s d -0", "XINFO GROUPS s"),
		XC("xgroup empty and binary names", five, `XGROUP CREATE s "" 0`, `XGROUP CREATE s "g\x00\xff" 0`, `XREADGROUP GROUP "" "" COUNT 1 STREAMS s >`, `XREADGROUP GROUP "g\x00\xff" "\r\n" COUNT 2 STREAMS s >`,
			"XINFO GROUPS s", `XPENDING s ""`, `XPENDING s "g\x00\xff"`),
		XC("xgroup delconsumer then history", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XGROUP DELCONSUMER s g c", "XREADGROUP GROUP g c STREAMS s 0", "XINFO GROUPS s", "XPENDING s g"),
		XC("xgroup createconsumer not pending", five, "XGROUP CREATE s g 0", "XGROUP CREATECONSUMER s g idle", "XPENDING s g", "XREADGROUP GROUP g busy COUNT 1 STREAMS s >", "XPENDING s g"),
		XC("xreadgroup future setid", five, "XGROUP CREATE s g 0", "XGROUP SETID s g 99-0", "XREADGROUP GROUP g c STREAMS s >", "XADD s 50-1 a 1", "XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s"),
		XC("xreadgroup paging", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "XPENDING s g", "XREADGROUP GROUP g c COUNT 4 STREAMS s >",
			"XPENDING s g", "XACK s g "+manyIDs, "XPENDING s g", "XINFO GROUPS s"),
		XC("xreadgroup noack history", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XREADGROUP GROUP g c NOACK STREAMS s 0", "XPENDING s g"),
		XC("xreadgroup deleted pending with count", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XDEL s 1-1 2-1 3-1", "XREADGROUP GROUP g c COUNT 4 STREAMS s 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s 3-1", "XPENDING s g"),
		XC("xreadgroup first stream empty", five, xadds("t", 1, 3), "XGROUP CREATE s g $", "XGROUP CREATE t g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s t > >", "XREADGROUP GROUP g c STREAMS s t > >"),
		XC("xreadgroup in exec with block", five, "XGROUP CREATE s g 0", "MULTI", "XREADGROUP GROUP g c BLOCK 0 COUNT 2 STREAMS s >", "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "EXEC"),
		XC("xreadgroup after rename", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "RENAME s t", "XREADGROUP GROUP g c STREAMS t >", "XPENDING t g", "XREADGROUP GROUP g c STREAMS s >"),
		XC("xreadgroup after move", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "MOVE s 1", "SELECT 1", "XREADGROUP GROUP g c STREAMS s >", "XPENDING s g", "SELECT 0", "EXISTS s"),
		XC("xread count per stream", five, xadds("t", 1, 4), "XREAD COUNT 2 STREAMS s t 0 0", "XREAD COUNT 1 STREAMS t s 1-1 4-1"),
		XC("xread max id", five, "XREAD STREAMS s 18446744073709551615-18446744073709551615", "XREAD STREAMS s 18446744073709551615", "XREAD BLOCK 10 STREAMS s 18446744073709551615-18446744073709551615"),
		XC("xread option case and order", five, "xread count 1 streams s 0", "XREAD STREAMS s 0 COUNT 1", "XREAD COUNT 1 COUNT 2 STREAMS s 0", "XREAD BLOCK 0 BLOCK 10 COUNT 1 STREAMS s 2-1"),
		XC("xread streams keyword as key", "XADD STREAMS 1-1 a 1", "XREAD STREAMS STREAMS 0", "XREAD COUNT 1 STREAMS STREAMS STREAMS 0 0"),
		XC("xack many", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XACK s g "+manyIDs+" 1-1", "XPENDING s g"),
		XC("xack after xdel", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XDEL s 1-1 2-1", "XACK s g 1-1", "XPENDING s g", "XINFO GROUPS s"),
		XC("xpending count bounds", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XPENDING s g - + 9223372036854775807 nobody", "XPENDING s g - + 9223372036854775808",
			"XPENDING s g IDLE 9223372036854775807 - + 10", "XPENDING s g IDLE -9223372036854775808 - + 0"),
		XC("xpending after delconsumer", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g a COUNT 2 STREAMS s >", "XREADGROUP GROUP g b STREAMS s >", "XGROUP DELCONSUMER s g a", "XPENDING s g", "XPENDING s g - + 10 a"),
		XC("xclaim many ids", xadds("s", 1, 13), "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XCLAIM s g d 0 "+manyIDs+" 99-9 JUSTID", "XPENDING s g"),
		XC("xclaim same owner", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XCLAIM s g c 0 1-1 2-1", "XPENDING s g", "XINFO GROUPS s"),
		XC("xclaim lastid lower", five, "XGROUP CREATE s g 3-1", "XCLAIM s g c 0 4-1 FORCE LASTID 1-1 JUSTID", "XINFO GROUPS s", "XCLAIM s g c 0 4-1 LASTID 4-1 JUSTID", "XINFO GROUPS s"),
		XC("xclaim idle then time", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XCLAIM s g d 0 1-1 IDLE 5000000000 TIME 1000 JUSTID", "XCLAIM s g d 0 2-1 TIME 1000 IDLE 0 JUSTID",
			"XPENDING s g IDLE 100000000 - + 0", "XCLAIM s g e 100000000 1-1 2-1 JUSTID"),
		XC("xclaim empty reply forms", five, "XGROUP CREATE s g 0", "XCLAIM s g c 0 1-1", "XCLAIM s g c 0 1-1 JUSTID", "XCLAIM s g c 0 9-9 FORCE"),
		XC("xautoclaim exclusive cursor", ten, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XAUTOCLAIM s g d 0 (3-1 COUNT 2 JUSTID", "XAUTOCLAIM s g d 0 (10-1", "XAUTOCLAIM s g d 0 18446744073709551615"),
		XC("xautoclaim count beyond pel", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XAUTOCLAIM s g d 0 0 COUNT 50 JUSTID", "XPENDING s g"),
		XC("xautoclaim all deleted", five, "XGROUP CREATE s g 0", "XREADGROUP GROUP g c STREAMS s >", "XDEL s 1-1 2-1 3-1 4-1 5-1", "XAUTOCLAIM s g d 0 0 COUNT 2", "XAUTOCLAIM s g d 0 0", "XPENDING s g", "XINFO GROUPS s"),
		XC("xinfo lag cases", ten, "XGROUP CREATE s at0 0", "XGROUP CREATE s atend $", "XGROUP CREATE s mid 5-1", "XGROUP CREATE s midread 5-1 ENTRIESREAD 5", "XINFO GROUPS s",
			"XDEL s 7-1", "XINFO GROUPS s", "XTRIM s MAXLEN 6", "XINFO GROUPS s", "XDEL s 6-1", "XINFO GROUPS s"),
		XC("xinfo lag all deleted", five, "XGROUP CREATE s g 2-1", "XDEL s 1-1 2-1 3-1 4-1 5-1", "XINFO GROUPS s", "XADD s 6-1 a 1", "XINFO GROUPS s"),
		XC("xinfo lag tombstone before first", ten, "XGROUP CREATE s g 0", "XDEL s 1-1", "XINFO GROUPS s", "XREADGROUP GROUP g c COUNT 1 STREAMS s >", "XINFO GROUPS s", "XTRIM s MINID 5", "XINFO GROUPS s"),
		XC("xinfo lag entriesread ahead", five, "XGROUP CREATE s g 2-1 ENTRIESREAD 10", "XINFO GROUPS s", "XGROUP SETID s g 4-1 ENTRIESREAD 0", "XINFO GROUPS s", "XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s"),
		XC("xinfo stream only tombstones", xadds("s", 1, 150), "XDEL s "+streamIDList(1, 101), "XINFO STREAM s", "XINFO STREAM s FULL COUNT 3"),
		XC("xinfo stream full entries count", xadds("s", 1, 30), "XGROUP CREATE s g 0", "XINFO STREAM s FULL COUNT 25", "XINFO STREAM s FULL COUNT 1"),
		C("stream type after delete all", "XADD s 1-1 a 1", "XDEL s 1-1", "TYPE s", "OBJECT ENCODING s", "XLEN s", "XRANGE s - +", "XREVRANGE s + -"),
		XC("stream dbsize and scan type", five, "SET k v", "DBSIZE", "SCAN 0 TYPE stream", "~KEYS *"),
		XC("stream swapdb", five, "SWAPDB 0 1", "XLEN s", "SELECT 1", "XLEN s", "SWAPDB 0 1"),
		XC("stream unlink", five, "XGROUP CREATE s g 0", "UNLINK s", "EXISTS s", "XINFO STREAM s", "XGROUP CREATE s g 0"),
		XC("stream object commands", five, "OBJECT REFCOUNT s", "OBJECT ENCODING s"),
		XC("stream commands in scripts", five, "XGROUP CREATE s g 0",
			`EVAL "return redis.call('XREAD', 'BLOCK', '0', 'STREAMS', KEYS[1], '$')" 1 s`,
			`EVAL "return redis.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'COUNT', '2', 'STREAMS', KEYS[1], '>')" 1 s`,
			`EVAL "return redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 2)" 1 s`,
			`EVAL "return redis.call('XADD', KEYS[1], '6-1', 'a', 'b')" 1 s`,
			`EVAL "return redis.call('XINFO', 'GROUPS', KEYS[1])" 1 s`,
			`EVAL "return redis.call('XPENDING', KEYS[1], 'g')" 1 s`,
			`EVAL "return redis.pcall('XADD', KEYS[1], '1-1', 'a', 'b')" 1 s`),
	})
}
