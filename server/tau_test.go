package server_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc64"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/config"
	"sundial/internal/testserver"
)

// ---- reading replies ----

// respVal is a parsed reply: kind is the RESP type byte; s holds simple,
// bulk and error text, n integers; kids the elements of aggregates (a
// map's keys and values alternate).
type respVal struct {
	kind byte
	s    string
	n    int64
	kids []respVal
}

func parseResp(raw string) (respVal, error) {
	return readResp(bufio.NewReader(strings.NewReader(raw)))
}

func readResp(rd *bufio.Reader) (respVal, error) {
	line, err := rd.ReadString('\n')
	if err != nil || len(line) < 3 {
		return respVal{}, fmt.Errorf("bad reply line %q", line)
	}
	v := respVal{kind: line[0]}
	body := line[1 : len(line)-2]
	switch v.kind {
	case '+', '-', ',', '#', '_':
		v.s = body
	case ':':
		v.n, err = strconv.ParseInt(body, 10, 64)
	case '$':
		n, _ := strconv.Atoi(body)
		if n >= 0 {
			buf := make([]byte, n+2)
			_, err = io.ReadFull(rd, buf)
			v.s = string(buf[:n])
		} else {
			v.kind = '_'
		}
	case '*', '%', '~':
		n, _ := strconv.Atoi(body)
		if v.kind == '%' {
			n *= 2
		}
		for i := 0; i < n && err == nil; i++ {
			var kid respVal
			kid, err = readResp(rd)
			v.kids = append(v.kids, kid)
		}
	default:
		err = fmt.Errorf("unexpected reply type %q", v.kind)
	}
	return v, err
}

// respU64 reads a time reply: an integer, or a bulk string for times
// beyond 2^63-1 ("+inf" for 2^64-1).
func respU64(v respVal) (uint64, error) {
	switch {
	case v.kind == ':' && v.n >= 0:
		return uint64(v.n), nil
	case v.kind == '$' && v.s == "+inf":
		return math.MaxUint64, nil
	case v.kind == '$':
		n, err := strconv.ParseUint(v.s, 10, 64)
		if err == nil && n <= math.MaxInt64 {
			err = fmt.Errorf("time %d sent as a string though it fits an integer", n)
		}
		return n, err
	}
	return 0, fmt.Errorf("not a time: %+v", v)
}

// parseHistory reads a TAU.HISTORY reply.
func parseHistory(t testing.TB, raw string) []mTau {
	t.Helper()
	v, err := parseResp(raw)
	if err != nil {
		t.Fatalf("TAU.HISTORY reply %q: %v", raw, err)
	}
	return historyOf(t, v)
}

// historyOf reads the Taus of a parsed TAU.HISTORY reply.
func historyOf(t testing.TB, v respVal) []mTau {
	t.Helper()
	if v.kind != '*' {
		t.Fatalf("TAU.HISTORY reply %+v", v)
	}
	var err error
	var out []mTau
	for _, e := range v.kids {
		if len(e.kids) != 4 || e.kids[3].kind != '$' {
			t.Fatalf("TAU.HISTORY entry %+v", e)
		}
		var ts [3]uint64
		for i := range ts {
			if ts[i], err = respU64(e.kids[i]); err != nil {
				t.Fatalf("TAU.HISTORY entry %+v: %v", e, err)
			}
		}
		out = append(out, mTau{tx: ts[0], valid: ts[1], expiry: ts[2], data: e.kids[3].s})
	}
	return out
}

// ---- scripted cases with exact replies ----

// tauStep is a command and its exact reply. A reply given as a function
// of the protocol covers nulls and maps, which RESP2 and RESP3 spell
// differently; check, when set, judges replies holding transaction times.
type tauStep struct {
	cmd   string
	want  string
	wantP func(proto int) string
	check func(got respVal) error
}

func ts(cmd, want string) tauStep                   { return tauStep{cmd: cmd, want: want} }
func tsP(cmd string, want func(int) string) tauStep { return tauStep{cmd: cmd, wantP: want} }
func tsC(cmd string, check func(respVal) error) tauStep {
	return tauStep{cmd: cmd, check: check}
}

// runTauSteps runs steps in a flushed named keyspace, in RESP2 and RESP3.
func runTauSteps(t *testing.T, steps []tauStep) {
	t.Helper()
	for _, proto := range []int{2, 3} {
		c, err := testserver.Dial(sundial.Addr, proto)
		if err != nil {
			t.Fatal(err)
		}
		pok(t, c, "SELECT", "tau_test")
		pok(t, c, "FLUSHDB")
		for _, st := range steps {
			args, ok := config.SplitArgs(st.cmd)
			if !ok {
				t.Fatalf("bad command line %q", st.cmd)
			}
			got := pdo(t, c, args...)
			if st.check != nil {
				v, err := parseResp(got)
				if err == nil {
					err = st.check(v)
				}
				if err != nil {
					t.Errorf("resp%d %s: %q: %v", proto, st.cmd, got, err)
				}
				continue
			}
			want := st.want
			if st.wantP != nil {
				want = st.wantP(proto)
			}
			if got != want {
				t.Errorf("resp%d %s:\n got  %q\n want %q", proto, st.cmd, got, want)
			}
		}
		c.Close()
	}
}

const (
	tauOK       = "+OK\r\n"
	tauEmpty    = "*0\r\n"
	tauWrongTyp = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
	tauSyntax   = "-ERR syntax error\r\n"
	tauNotInt   = "-ERR value is not an integer or out of range\r\n"
	tauNegLimit = "-ERR LIMIT can't be negative\r\n"
	tauBadIval  = "-ERR expiry_ns must be greater than valid_ns\r\n"
)

func tauNotU64(name string) string {
	return "-ERR " + name + " is not an unsigned 64-bit integer\r\n"
}

// histLen checks a TAU.HISTORY reply's length and data, in order.
func histLen(data ...string) func(respVal) error {
	return func(v respVal) error {
		if v.kind != '*' || len(v.kids) != len(data) {
			return fmt.Errorf("want %d Taus", len(data))
		}
		for i, e := range v.kids {
			if len(e.kids) != 4 || e.kids[3].s != data[i] {
				return fmt.Errorf("Tau %d: want data %q", i, data[i])
			}
		}
		return nil
	}
}

func TestTauBoundaries(t *testing.T) {
	runTauSteps(t, []tauStep{
		ts("TAU.APPEND k a 10 20", tauOK),
		// valid_ns is inclusive, expiry_ns exclusive.
		tsP("TAU.AT k 9", respNull),
		ts("TAU.AT k 10", respBulk("a")),
		ts("TAU.AT k 19", respBulk("a")),
		tsP("TAU.AT k 20", respNull),
		ts("TAU.AT k 20 ALL", tauEmpty),
		ts("TAU.AT k 10 all", respArr(respBulk("a"))),
		// A later Tau wins where it overlaps; ALL lists both in append order.
		ts("TAU.APPEND k b 15 25", tauOK),
		ts("TAU.AT k 14", respBulk("a")),
		ts("TAU.AT k 15", respBulk("b")),
		ts("TAU.AT k 24", respBulk("b")),
		ts("TAU.AT k 17 ALL", respArr(respBulk("a"), respBulk("b"))),
		ts("TAU.RANGE k 0 100", respArr(
			respArr(respInt(10), respInt(15), respBulk("a")),
			respArr(respInt(15), respInt(25), respBulk("b")))),
		// Clipped to [start, end); end is exclusive.
		ts("TAU.RANGE k 12 16", respArr(
			respArr(respInt(12), respInt(15), respBulk("a")),
			respArr(respInt(15), respInt(16), respBulk("b")))),
		ts("TAU.RANGE k 12 15", respArr(respArr(respInt(12), respInt(15), respBulk("a")))),
		ts("TAU.RANGE k 25 30", tauEmpty),
		ts("TAU.RANGE k 0 10", tauEmpty),
		ts("TAU.RANGE k 0 11", respArr(respArr(respInt(10), respInt(11), respBulk("a")))),
		// start >= end, LIMIT 0 and LIMIT n.
		ts("TAU.RANGE k 16 16", tauEmpty),
		ts("TAU.RANGE k 20 12", tauEmpty),
		ts("TAU.RANGE k 0 +inf LIMIT 0", tauEmpty),
		ts("TAU.RANGE k 0 +inf LIMIT 1", respArr(respArr(respInt(10), respInt(15), respBulk("a")))),
		ts("TAU.HISTORY k LIMIT 0", tauEmpty),
		ts("TAU.HISTORY k 20 20", tauEmpty),
		ts("TAU.HISTORY k 30 10", tauEmpty),
		// A Tau that only touches [start, end) at its expiry is not in it.
		ts("TAU.APPEND gap x 0 5", tauOK),
		ts("TAU.APPEND gap y 8 10", tauOK),
		ts("TAU.RANGE gap 0 +inf", respArr(
			respArr(respInt(0), respInt(5), respBulk("x")),
			respArr(respInt(8), respInt(10), respBulk("y")))),
		ts("TAU.RANGE gap 5 8", tauEmpty),
	})
}

func TestTauBounds(t *testing.T) {
	const max = "18446744073709551615"
	const maxInt = "9223372036854775807"
	runTauSteps(t, []tauStep{
		// The smallest and largest intervals; +inf is 2^64-1 in any case.
		ts("TAU.APPEND k lo 0 1", tauOK),
		ts("TAU.AT k 0", respBulk("lo")),
		tsP("TAU.AT k 1", respNull),
		ts("TAU.APPEND k top 18446744073709551614 +INF", tauOK),
		ts("TAU.AT k 18446744073709551614", respBulk("top")),
		tsP("TAU.AT k "+max, respNull),
		ts("TAU.APPEND open forever 0 +inf", tauOK),
		ts("TAU.AT open 18446744073709551614", respBulk("forever")),
		ts("TAU.APPEND open2 x 5 "+max, tauOK),
		// Times that do not fit RESP integers come back as strings.
		ts("TAU.RANGE open 0 +inf", respArr(respArr(respInt(0), respBulk("+inf"), respBulk("forever")))),
		ts("TAU.RANGE open "+maxInt+" 9223372036854775809", respArr(respArr(respInt(math.MaxInt64), respBulk("9223372036854775809"), respBulk("forever")))),
		ts("TAU.RANGE k 18446744073709551610 "+max, respArr(respArr(respBulk("18446744073709551614"), respBulk("+inf"), respBulk("top")))),
		tsC("TAU.HISTORY open2", func(v respVal) error {
			h := v.kids[0].kids
			if len(v.kids) != 1 || h[1].n != 5 || h[2].s != "+inf" || h[3].s != "x" {
				return fmt.Errorf("want [tx 5 +inf x]")
			}
			return nil
		}),
		// Out of range and malformed numbers.
		ts("TAU.APPEND k x 18446744073709551616 +inf", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x 0 18446744073709551616", tauNotU64("expiry_ns")),
		ts("TAU.APPEND k x -1 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x +1 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x 01 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x 1.5 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x \"\" 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x \" 1\" 5", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x +inf +inf", tauNotU64("valid_ns")),
		ts("TAU.APPEND k x 1 inf", tauNotU64("expiry_ns")),
		ts("TAU.APPEND k x 1 99999999999999999999", tauNotU64("expiry_ns")),
		ts("TAU.APPEND k x 5 5", tauBadIval),
		ts("TAU.APPEND k x 6 5", tauBadIval),
		ts("TAU.AT k -1", tauNotU64("t")),
		ts("TAU.AT k +inf", tauNotU64("t")),
		ts("TAU.AT k 1 ASOF x", tauNotU64("tx_ns")),
		ts("TAU.AT k 1 ASOF -5", tauNotU64("tx_ns")),
		ts("TAU.RANGE k x 5", tauNotU64("start")),
		ts("TAU.RANGE k 0 x", tauNotU64("end")),
		ts("TAU.RANGE k 0 5 ASOF 1e3", tauNotU64("tx_ns")),
		ts("TAU.RANGE k 0 5 LIMIT x", tauNotInt),
		ts("TAU.RANGE k 0 5 LIMIT 99999999999999999999", tauNotInt),
		ts("TAU.RANGE k 0 5 LIMIT -1", tauNegLimit),
		ts("TAU.HISTORY k x 5", tauNotU64("start")),
		ts("TAU.HISTORY k 0 -5", tauNotU64("end")),
		ts("TAU.HISTORY k LIMIT -2", tauNegLimit),
		ts("TAU.HISTORY k LIMIT 1.0", tauNotInt),
		// The key was left alone by the failed appends.
		tsC("TAU.HISTORY k 0 +inf LIMIT 5", histLen("lo", "top")),
	})
}

func TestTauErrors(t *testing.T) {
	arity := func(cmd string) string {
		return "-ERR wrong number of arguments for '" + cmd + "' command\r\n"
	}
	runTauSteps(t, []tauStep{
		// Missing keys.
		tsP("TAU.AT nokey 5", respNull),
		ts("TAU.AT nokey 5 ALL", tauEmpty),
		tsP("TAU.AT nokey 5 ASOF 1", respNull),
		ts("TAU.RANGE nokey 0 +inf", tauEmpty),
		ts("TAU.HISTORY nokey", tauEmpty),
		ts("TAU.INFO nokey", "-ERR no such key\r\n"),
		ts("EXISTS nokey", ":0\r\n"),
		// Wrong types, both ways.
		ts("SET str x", tauOK),
		ts("HSET hash f v", ":1\r\n"),
		ts("TAU.APPEND str v 1 2", tauWrongTyp),
		ts("TAU.APPEND hash v 1 2", tauWrongTyp),
		ts("TAU.AT str 1", tauWrongTyp),
		ts("TAU.AT hash 1 ALL", tauWrongTyp),
		ts("TAU.AT hash 1 ASOF 5", tauWrongTyp),
		ts("TAU.RANGE str 0 1", tauWrongTyp),
		ts("TAU.HISTORY hash", tauWrongTyp),
		ts("TAU.INFO str", tauWrongTyp),
		ts("TAU.APPEND k v 1 2", tauOK),
		ts("GET k", tauWrongTyp),
		ts("STRLEN k", tauWrongTyp),
		ts("INCR k", tauWrongTyp),
		ts("APPEND k x", tauWrongTyp),
		ts("SETRANGE k 0 x", tauWrongTyp),
		ts("GETBIT k 0", tauWrongTyp),
		ts("PFADD k x", tauWrongTyp),
		ts("HSET k f v", tauWrongTyp),
		ts("HGET k f", tauWrongTyp),
		// SET replaces a schedule, as it replaces any value.
		ts("TAU.APPEND k2 v 1 2", tauOK),
		ts("SET k2 s", tauOK),
		ts("TYPE k2", "+string\r\n"),
		// Arguments are checked before the key's type.
		ts("TAU.APPEND str v x 2", tauNotU64("valid_ns")),
		ts("TAU.APPEND str v 2 1", tauBadIval),
		ts("TAU.AT str x", tauNotU64("t")),
		ts("TAU.AT str 1 FOO", tauSyntax),
		ts("TAU.RANGE str 0 1 LIMIT -1", tauNegLimit),
		// Unknown and incomplete options.
		ts("TAU.AT k 1 FOO", tauSyntax),
		ts("TAU.AT k 1 ASOF", tauSyntax),
		ts("TAU.AT k 1 ALL ASOF", tauSyntax),
		ts("TAU.AT k 1 LIMIT 1", tauSyntax),
		ts("TAU.RANGE k 0 1 ALL", tauSyntax),
		ts("TAU.RANGE k 0 1 LIMIT", tauSyntax),
		ts("TAU.RANGE k 0 1 ASOF 5 LIMIT 1 X", tauSyntax),
		ts("TAU.HISTORY k 1", tauSyntax),
		ts("TAU.HISTORY k LIMIT", tauSyntax),
		ts("TAU.HISTORY k 0 1 2", tauSyntax),
		ts("TAU.HISTORY k 0 1 LIMIT 1 LIMIT", tauSyntax),
		ts("TAU.HISTORY k ASOF 1", tauNotU64("start")),
		// Only the log replay may give a transaction time.
		ts("TAU.APPEND k v 1 2 TX 5", tauSyntax),
		ts("TAU.APPEND k v 1 2 tx 99999999999999999999", tauSyntax),
		ts("TAU.APPEND k v 1 2 extra", tauSyntax),
		tsC("TAU.HISTORY k LIMIT 5", histLen("v")),
		// Arity comes from the table.
		ts("TAU.APPEND k v 1", arity("tau.append")),
		ts("TAU.AT k", arity("tau.at")),
		ts("TAU.RANGE k 1", arity("tau.range")),
		ts("TAU.HISTORY", arity("tau.history")),
		ts("TAU.INFO", arity("tau.info")),
		ts("TAU.INFO k k", arity("tau.info")),
		ts("tau.info", arity("tau.info")),
	})
}

// tauHistory reads key's history on c.
func tauHistory(t *testing.T, c *testserver.Conn, key string) []mTau {
	t.Helper()
	return parseHistory(t, pok(t, c, "TAU.HISTORY", key))
}

// tauConn dials sundial and selects a flushed named keyspace.
func tauConn(t *testing.T, proto int, ks string) *testserver.Conn {
	t.Helper()
	c, err := testserver.Dial(sundial.Addr, proto)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	pok(t, c, "SELECT", ks)
	pok(t, c, "FLUSHDB")
	return c
}

func u64s(v uint64) string { return strconv.FormatUint(v, 10) }

// A correction: the price for March was recorded, then corrected. Now the
// corrected price is in effect; as of before the correction, the old one.
func TestTauCorrection(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	pok(t, c, "TAU.APPEND", "price", "100", "1000", "2000")
	pok(t, c, "TAU.APPEND", "price", "110", "2000", "+inf")
	pok(t, c, "TAU.APPEND", "price", "105", "1500", "2000") // correction of part of the first
	h := tauHistory(t, c, "price")
	if len(h) != 3 {
		t.Fatalf("history %+v", h)
	}
	tx1, tx2, tx3 := h[0].tx, h[1].tx, h[2].tx
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"TAU.AT", "price", "1600"}, respBulk("105")},
		{[]string{"TAU.AT", "price", "1600", "ASOF", u64s(tx3)}, respBulk("105")},
		{[]string{"TAU.AT", "price", "1600", "ASOF", u64s(tx3 - 1)}, respBulk("100")},
		{[]string{"TAU.AT", "price", "1600", "ASOF", u64s(tx1)}, respBulk("100")},
		{[]string{"TAU.AT", "price", "1600", "ASOF", u64s(tx1 - 1)}, "$-1\r\n"},
		{[]string{"TAU.AT", "price", "2500", "ASOF", u64s(tx1)}, "$-1\r\n"},
		{[]string{"TAU.AT", "price", "2500", "ASOF", u64s(tx2)}, respBulk("110")},
		{[]string{"TAU.AT", "price", "1600", "ALL"}, respArr(respBulk("100"), respBulk("105"))},
		{[]string{"TAU.AT", "price", "1600", "ASOF", u64s(tx2), "ALL"}, respArr(respBulk("100"))},
		{[]string{"TAU.AT", "price", "1600", "ALL", "ASOF", "0"}, tauEmpty},
		{[]string{"TAU.RANGE", "price", "0", "+inf"}, respArr(
			respArr(respInt(1000), respInt(1500), respBulk("100")),
			respArr(respInt(1500), respInt(2000), respBulk("105")),
			respArr(respInt(2000), respBulk("+inf"), respBulk("110")))},
		{[]string{"TAU.RANGE", "price", "0", "+inf", "ASOF", u64s(tx2)}, respArr(
			respArr(respInt(1000), respInt(2000), respBulk("100")),
			respArr(respInt(2000), respBulk("+inf"), respBulk("110")))},
		{[]string{"TAU.RANGE", "price", "0", "+inf", "LIMIT", "1", "ASOF", u64s(tx2)}, respArr(
			respArr(respInt(1000), respInt(2000), respBulk("100")))},
		// ASOF is repeatable; the last one counts.
		{[]string{"TAU.RANGE", "price", "0", "3000", "ASOF", "0", "ASOF", u64s(tx1)}, respArr(
			respArr(respInt(1000), respInt(2000), respBulk("100")))},
		{[]string{"TAU.HISTORY", "price", "1800", "1900"}, respArr(
			respArr(respInt(int64(tx1)), respInt(1000), respInt(2000), respBulk("100")),
			respArr(respInt(int64(tx3)), respInt(1500), respInt(2000), respBulk("105")))},
		{[]string{"TAU.HISTORY", "price", "2000", "+inf", "LIMIT", "5"}, respArr(
			respArr(respInt(int64(tx2)), respInt(2000), respBulk("+inf"), respBulk("110")))},
	} {
		if got := pdo(t, c, tc.args...); got != tc.want {
			t.Errorf("%q:\n got  %q\n want %q", tc.args, got, tc.want)
		}
	}
}

// Transaction times are the wall clock in ns, strictly increasing across
// keys and keyspaces, whatever the order of valid times.
func TestTauTxClock(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	before := uint64(time.Now().UnixNano())
	var cmds [][]string
	for i := 0; i < 200; i++ {
		if i%50 == 0 {
			cmds = append(cmds, []string{"SELECT", []string{"tau_test", "tau_other", "3"}[i/50%3]})
		}
		cmds = append(cmds, []string{"TAU.APPEND", "k" + strconv.Itoa(i%7), "v" + strconv.Itoa(i), strconv.Itoa(1000 - i), "+inf"})
	}
	for _, r := range pipeline(t, c, cmds) {
		if r != tauOK {
			t.Fatalf("append: %q", r)
		}
	}
	after := uint64(time.Now().UnixNano())
	// Walk the appends again to find each one's tx in its schedule.
	var txs []uint64 // in the order sent
	seen := map[string]int{}
	ks := ""
	for _, cmd := range cmds {
		if cmd[0] == "SELECT" {
			pok(t, c, cmd...)
			ks = cmd[1]
			continue
		}
		h := tauHistory(t, c, cmd[1])
		id := ks + "/" + cmd[1]
		if seen[id] >= len(h) {
			t.Fatalf("%s holds %d Taus", id, len(h))
		}
		txs = append(txs, h[seen[id]].tx)
		seen[id]++
	}
	for i, tx := range txs {
		if i > 0 && tx <= txs[i-1] {
			t.Fatalf("append %d got tx %d after %d", i, tx, txs[i-1])
		}
	}
	// The clock may stand still (each step is then previous+1), but the
	// first and last times lie within the wall clock of the test.
	if txs[0] < before-uint64(time.Second) || txs[len(txs)-1] > after+uint64(len(txs)) {
		t.Errorf("tx range [%d, %d] is not within the clock [%d, %d]", txs[0], txs[len(txs)-1], before, after)
	}
	for _, ks := range []string{"tau_other", "3"} {
		pok(t, c, "SELECT", ks)
		pok(t, c, "FLUSHDB")
	}
}

func TestTauInfo(t *testing.T) {
	for _, proto := range []int{2, 3} {
		c := tauConn(t, proto, "tau_test")
		pok(t, c, "TAU.APPEND", "k", "abc", "50", "60")
		pok(t, c, "TAU.APPEND", "k", "defg", "10", "20")
		pok(t, c, "TAU.APPEND", "k", "", "30", "40")
		h := tauHistory(t, c, "k")
		got := pok(t, c, "TAU.INFO", "k")
		v, err := parseResp(got)
		if err != nil || len(v.kids) != 12 {
			t.Fatalf("resp%d TAU.INFO: %q", proto, got)
		}
		mem := v.kids[11].n
		m := tauModel(h)
		if want := m.replyInfo(proto, respInt(mem)); got != want {
			t.Errorf("resp%d TAU.INFO:\n got  %q\n want %q", proto, got, want)
		}
		if want := byte("*%"[proto-2]); got[0] != want {
			t.Errorf("resp%d TAU.INFO is %q, want a %c reply", proto, got[0], want)
		}
		// memory_bytes grows with the data.
		pok(t, c, "TAU.APPEND", "k", strings.Repeat("x", 10000), "0", "1")
		v, _ = parseResp(pok(t, c, "TAU.INFO", "k"))
		if grown := v.kids[11].n; grown < mem+10000 {
			t.Errorf("resp%d memory_bytes %d after adding 10000 bytes to %d", proto, grown, mem)
		}
		pok(t, c, "TAU.APPEND", "inf", "x", "18446744073709551614", "+inf")
		v, _ = parseResp(pok(t, c, "TAU.INFO", "inf"))
		if v.kids[3].s != "18446744073709551614" || v.kids[5].s != "+inf" {
			t.Errorf("resp%d TAU.INFO of a Tau beyond 2^63: %+v", proto, v.kids)
		}
	}
}

// tauAppendN appends n Taus to key, each over [i, i+10), data "<prefix><i>".
func tauAppendN(t *testing.T, c *testserver.Conn, key, prefix string, n int) {
	t.Helper()
	var cmds [][]string
	for i := 0; i < n; i++ {
		cmds = append(cmds, []string{"TAU.APPEND", key, prefix + strconv.Itoa(i), strconv.Itoa(i), strconv.Itoa(i + 10)})
	}
	for _, r := range pipeline(t, c, cmds) {
		if r != tauOK {
			t.Fatalf("TAU.APPEND: %q", r)
		}
	}
}

// Generic key commands treat a schedule like any other value.
func TestTauGenericCommands(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	do := func(want string, args ...string) {
		t.Helper()
		if got := pdo(t, c, args...); got != want {
			t.Errorf("%q:\n got  %q\n want %q", args, got, want)
		}
	}
	pok(t, c, "TAU.APPEND", "k", "v", "1", "+inf")
	do("+tau\r\n", "TYPE", "k")
	do(respBulk("schedule"), "OBJECT", "ENCODING", "k")
	do(":1\r\n", "OBJECT", "REFCOUNT", "k")
	do(":2\r\n", "EXISTS", "k", "k", "nokey")
	do(respArr(respBulk("k")), "KEYS", "*")
	do(respBulk("k"), "RANDOMKEY")
	do(":1\r\n", "TOUCH", "k")

	// SCAN … TYPE tau finds schedules only.
	pok(t, c, "SET", "s", "x")
	pok(t, c, "TAU.APPEND", "k2", "v", "1", "2")
	v, err := parseResp(pok(t, c, "SCAN", "0", "COUNT", "100", "TYPE", "tau"))
	if err != nil || len(v.kids) != 2 || v.kids[0].s != "0" || len(v.kids[1].kids) != 2 {
		t.Fatalf("SCAN TYPE tau: %+v %v", v, err)
	}
	for _, k := range v.kids[1].kids {
		if k.s != "k" && k.s != "k2" {
			t.Errorf("SCAN TYPE tau returned %q", k.s)
		}
	}
	do("*2\r\n$1\r\n0\r\n*1\r\n$1\r\ns\r\n", "SCAN", "0", "TYPE", "string")

	// RENAME and RENAMENX move the schedule, Taus and times included.
	h := pok(t, c, "TAU.HISTORY", "k")
	do(tauOK, "RENAME", "k", "r")
	do(":0\r\n", "EXISTS", "k")
	do(h, "TAU.HISTORY", "r")
	do(":0\r\n", "RENAMENX", "r", "k2")
	do(":1\r\n", "RENAMENX", "r", "k")
	do(h, "TAU.HISTORY", "k")
	do(tauOK, "RENAME", "k", "s") // over a string
	do("+tau\r\n", "TYPE", "s")

	// EXPIRE family on the whole key.
	do(":1\r\n", "EXPIRE", "s", "100")
	do(":100\r\n", "TTL", "s")
	do(":0\r\n", "EXPIRE", "s", "50", "GT")
	do(":1\r\n", "PERSIST", "s")
	do(":-1\r\n", "TTL", "s")
	do(":1\r\n", "PEXPIRE", "s", "20")
	time.Sleep(40 * time.Millisecond)
	do("$-1\r\n", "TAU.AT", "s", "5")
	do(":0\r\n", "EXISTS", "s")
	do("-ERR no such key\r\n", "TAU.INFO", "s")

	// DEL and UNLINK.
	pok(t, c, "TAU.APPEND", "d1", "v", "1", "2")
	pok(t, c, "TAU.APPEND", "d2", "v", "1", "2")
	do(":1\r\n", "DEL", "d1", "nokey")
	do(":1\r\n", "UNLINK", "d2")
	do(":0\r\n", "EXISTS", "d1", "d2")

	// MOVE to another keyspace, and back refused when the key exists.
	pok(t, c, "TAU.APPEND", "m", "v", "1", "2")
	h = pok(t, c, "TAU.HISTORY", "m")
	do(":1\r\n", "MOVE", "m", "tau_other")
	do(":0\r\n", "EXISTS", "m")
	pok(t, c, "SELECT", "tau_other")
	do(h, "TAU.HISTORY", "m")
	pok(t, c, "TAU.APPEND", "m2", "v", "1", "2")
	do(":1\r\n", "COPY", "m2", "m2", "DB", "tau_test")
	do(":0\r\n", "MOVE", "m2", "tau_test")
	pok(t, c, "FLUSHDB")
	pok(t, c, "SELECT", "tau_test")
	do("+tau\r\n", "TYPE", "m2")
}

// COPY gives an independent schedule: later appends to either never show
// in the other, also when they share full chunks of Taus.
func TestTauCopy(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	tauAppendN(t, c, "src", "s", 1100)
	pok(t, c, "EXPIRE", "src", "1000")
	if got := pdo(t, c, "COPY", "src", "dst"); got != ":1\r\n" {
		t.Fatalf("COPY: %q", got)
	}
	if got := pdo(t, c, "COPY", "src", "dst"); got != ":0\r\n" {
		t.Fatalf("COPY onto an existing key: %q", got)
	}
	if got := pdo(t, c, "TTL", "dst"); got != ":1000\r\n" {
		t.Errorf("COPY dropped the TTL: %q", got)
	}
	hs, hd := tauHistory(t, c, "src"), tauHistory(t, c, "dst")
	if len(hs) != 1100 || fmt.Sprint(hs) != fmt.Sprint(hd) {
		t.Fatalf("the copy differs: %d vs %d Taus", len(hs), len(hd))
	}
	pok(t, c, "TAU.APPEND", "src", "only-src", "5", "6")
	pok(t, c, "TAU.APPEND", "dst", "only-dst", "5", "6")
	pok(t, c, "TAU.APPEND", "dst", "only-dst2", "1000", "2000")
	for key, want := range map[string]string{"src": "only-src", "dst": "only-dst"} {
		if got := pdo(t, c, "TAU.AT", key, "5"); got != respBulk(want) {
			t.Errorf("TAU.AT %s 5 = %q, want %q", key, got, want)
		}
	}
	if got := pdo(t, c, "TAU.AT", "src", "1500"); got != "$-1\r\n" {
		t.Errorf("an append to the copy shows in the source: %q", got)
	}
	hs2, hd2 := tauHistory(t, c, "src"), tauHistory(t, c, "dst")
	if len(hs2) != 1101 || len(hd2) != 1102 || fmt.Sprint(hs2[:1100]) != fmt.Sprint(hs) || fmt.Sprint(hd2[:1100]) != fmt.Sprint(hs) {
		t.Errorf("histories after appends: %d and %d Taus, or older Taus changed", len(hs2), len(hd2))
	}
	// As of before the copy's own appends, both answer as the source did.
	asof := u64s(hs[1099].tx)
	for _, key := range []string{"src", "dst"} {
		got := pdo(t, c, "TAU.RANGE", key, "0", "+inf", "ASOF", asof)
		if want := pdo(t, c, "TAU.RANGE", "src", "0", "+inf", "ASOF", asof); got != want {
			t.Errorf("TAU.RANGE %s ASOF: %q, want %q", key, got, want)
		}
	}
	pok(t, c, "SET", "str", "x")
	if got := pdo(t, c, "COPY", "src", "str", "REPLACE"); got != ":1\r\n" {
		t.Errorf("COPY REPLACE: %q", got)
	}
	if got := pdo(t, c, "TYPE", "str"); got != "+tau\r\n" {
		t.Errorf("COPY REPLACE left %q", got)
	}
}

// redisCRC64 is the CRC-64/Jones checksum Redis puts at the end of a DUMP
// payload (no inversions, unlike Go's crc64.Update).
func redisCRC64(p []byte) uint64 {
	return ^crc64.Update(^uint64(0), crc64.MakeTable(0x95ac9329ac4bc9b5), p)
}

// reframe replaces a DUMP payload's body and recomputes its checksum, so
// that only the value decoder can refuse it.
func reframe(payload string, body []byte) string {
	b := append([]byte(payload[:1]), body...)
	b = append(b, payload[len(payload)-10:len(payload)-8]...)
	return string(binary.LittleEndian.AppendUint64(b, redisCRC64(b)))
}

func TestTauDumpRestore(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	tauAppendN(t, c, "k", "v", 700)
	pok(t, c, "TAU.APPEND", "k", "fix", "100", "+inf")
	dump, err := parseResp(pok(t, c, "DUMP", "k"))
	if err != nil || dump.kind != '$' {
		t.Fatalf("DUMP: %+v %v", dump, err)
	}
	h := tauHistory(t, c, "k")
	queries := [][]string{{"TAU.HISTORY", "k"}, {"TAU.RANGE", "k", "0", "+inf"},
		{"TAU.RANGE", "k", "0", "+inf", "ASOF", u64s(h[400].tx)}, {"TAU.AT", "k", "150", "ASOF", u64s(h[699].tx)},
		{"TAU.AT", "k", "150", "ALL", "ASOF", u64s(h[145].tx)}, {"TAU.INFO", "k"}}
	before := pipeline(t, c, queries)
	pok(t, c, "DEL", "k")
	if got := pdo(t, c, "RESTORE", "k", "0", dump.s); got != tauOK {
		t.Fatalf("RESTORE: %q", got)
	}
	if got := pdo(t, c, "RESTORE", "k", "0", dump.s); !strings.HasPrefix(got, "-BUSYKEY") {
		t.Errorf("RESTORE onto an existing key: %q", got)
	}
	for i, got := range pipeline(t, c, queries) {
		if got != before[i] {
			t.Errorf("%q after RESTORE:\n got  %.200q\n want %.200q", queries[i], got, before[i])
		}
	}
	// An append to the restored schedule gets a later tx than its Taus.
	pok(t, c, "TAU.APPEND", "k", "new", "0", "1")
	if h2 := tauHistory(t, c, "k"); h2[len(h2)-1].tx <= h[len(h)-1].tx {
		t.Errorf("tx after RESTORE %d, last restored %d", h2[len(h2)-1].tx, h[len(h)-1].tx)
	}
	// Bodies that pass the checksum but are not schedules are refused.
	body := []byte(dump.s[1 : len(dump.s)-10])
	bad := map[string][]byte{
		"empty schedule": {1, 0},
		"bad version":    append([]byte{9}, body[1:]...),
		"truncated":      body[:len(body)-3],
		"trailing bytes": append(append([]byte(nil), body...), 0),
		"no body":        {},
	}
	for name, b := range bad {
		if got := pdo(t, c, "RESTORE", "bad", "0", reframe(dump.s, b)); got != "-ERR Bad data format\r\n" {
			t.Errorf("RESTORE of a payload with %s: %q", name, got)
		}
	}
	if got := pdo(t, c, "RESTORE", "bad", "0", reframe(dump.s, body)); got != tauOK {
		t.Errorf("RESTORE of a reframed good payload: %q", got)
	}
}

// A schedule bigger than Redis's small encodings: MEMORY USAGE counts the
// Taus' data.
func TestTauMemoryUsage(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	pok(t, c, "TAU.APPEND", "k", strings.Repeat("x", 100000), "0", "1")
	got := pdo(t, c, "MEMORY", "USAGE", "k")
	if strings.HasPrefix(got, "-ERR unknown") {
		t.Skip("MEMORY USAGE is not implemented yet")
	}
	v, err := parseResp(got)
	if err != nil || v.kind != ':' || v.n < 100000 || v.n > 200000 {
		t.Errorf("MEMORY USAGE of a 100000-byte schedule: %q", got)
	}
}

func TestTauCommandInfo(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	for _, tc := range []struct {
		name  string
		arity int64
		flags string
	}{
		{"tau.append", -5, "write denyoom"},
		{"tau.at", -3, "readonly fast"},
		{"tau.range", -4, "readonly"},
		{"tau.history", -2, "readonly"},
		{"tau.info", 2, "readonly fast"},
	} {
		v, err := parseResp(pok(t, c, "COMMAND", "INFO", strings.ToUpper(tc.name)))
		if err != nil || len(v.kids) != 1 || len(v.kids[0].kids) < 6 {
			t.Fatalf("COMMAND INFO %s: %+v %v", tc.name, v, err)
		}
		e := v.kids[0].kids
		var flags []string
		for _, f := range e[2].kids {
			flags = append(flags, f.s)
		}
		if e[0].s != tc.name || e[1].n != tc.arity || strings.Join(flags, " ") != tc.flags ||
			e[3].n != 1 || e[4].n != 1 || e[5].n != 1 {
			t.Errorf("COMMAND INFO %s: name %q arity %d flags %q keys %d %d %d", tc.name, e[0].s, e[1].n, flags, e[3].n, e[4].n, e[5].n)
		}
		docs := pok(t, c, "COMMAND", "DOCS", tc.name)
		if !strings.Contains(docs, "$5\r\ngroup\r\n$3\r\ntau\r\n") || !strings.Contains(docs, "$5\r\nsince\r\n$5\r\n0.1.0\r\n") {
			t.Errorf("COMMAND DOCS %s: %q", tc.name, docs)
		}
	}
	v, _ := parseResp(pok(t, c, "COMMAND", "GETKEYS", "TAU.RANGE", "sched", "0", "+inf"))
	if len(v.kids) != 1 || v.kids[0].s != "sched" {
		t.Errorf("COMMAND GETKEYS TAU.RANGE: %+v", v)
	}
}

func TestTauMultiExec(t *testing.T) {
	c := tauConn(t, 3, "tau_test")
	other := tauConn(t, 2, "tau_test")
	for _, args := range [][]string{
		{"MULTI"}, {"TAU.APPEND", "k", "a", "0", "10"}, {"TAU.APPEND", "k", "b", "5", "+inf"},
		{"TAU.AT", "k", "7"}, {"TAU.AT", "k", "7", "ALL"}, {"TAU.APPEND", "k", "x", "5", "1"}, {"TAU.INFO", "missing"},
	} {
		pok(t, c, args...)
	}
	got := pdo(t, c, "EXEC")
	want := respArr(tauOK, tauOK, respBulk("b"), respArr(respBulk("a"), respBulk("b")),
		tauBadIval, "-ERR no such key\r\n")
	if got != want {
		t.Errorf("EXEC:\n got  %q\n want %q", got, want)
	}
	// Appends in one transaction still get distinct, increasing times.
	if h := tauHistory(t, other, "k"); len(h) != 2 || h[1].tx <= h[0].tx {
		t.Errorf("history after EXEC: %+v", h)
	}
	// A queueing error (arity) aborts the transaction.
	pok(t, c, "MULTI")
	pok(t, c, "TAU.APPEND", "k", "c", "0", "1")
	if got := pdo(t, c, "TAU.AT", "k"); got != "-ERR wrong number of arguments for 'tau.at' command\r\n" {
		t.Errorf("TAU.AT with one argument in MULTI: %q", got)
	}
	if got := pdo(t, c, "EXEC"); !strings.HasPrefix(got, "-EXECABORT") {
		t.Errorf("EXEC after a queueing error: %q", got)
	}
	// TAU.APPEND touches the key for WATCH.
	pok(t, c, "WATCH", "k")
	pok(t, other, "TAU.APPEND", "k", "d", "0", "1")
	pok(t, c, "MULTI")
	pok(t, c, "TAU.AT", "k", "0")
	if got := pdo(t, c, "EXEC"); got != "_\r\n" {
		t.Errorf("EXEC after a watched schedule changed: %q", got)
	}
	// Reads do not.
	pok(t, c, "WATCH", "k")
	pok(t, other, "TAU.AT", "k", "0")
	pok(t, other, "TAU.RANGE", "k", "0", "+inf")
	pok(t, c, "MULTI")
	pok(t, c, "TAU.AT", "k", "0")
	if got := pdo(t, c, "EXEC"); got != respArr(respBulk("d")) {
		t.Errorf("EXEC after reads of a watched schedule: %q", got)
	}
	if h := tauHistory(t, other, "k"); len(h) != 3 {
		t.Errorf("history: %d Taus, want 3", len(h))
	}
}

func TestTauScripts(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	script := `redis.call('TAU.APPEND', KEYS[1], ARGV[1], 10, 20)
redis.call('TAU.APPEND', KEYS[1], ARGV[2], 15, '+inf')
return {redis.call('TAU.AT', KEYS[1], 12), redis.call('TAU.AT', KEYS[1], 17),
	redis.call('TAU.AT', KEYS[1], 17, 'ALL'), redis.call('TAU.RANGE', KEYS[1], 0, '+inf'), redis.call('TAU.AT', KEYS[1], 5)}`
	got := pdo(t, c, "EVAL", script, "1", "k", "first", "second")
	if strings.HasPrefix(got, "-ERR unknown command") {
		t.Skip("EVAL is not implemented yet")
	}
	// A nil bulk ends a Lua array (it becomes false … then nil); RESP
	// integers and strings pass through.
	want := respArr(respBulk("first"), respBulk("second"), respArr(respBulk("first"), respBulk("second")),
		respArr(respArr(respInt(10), respInt(15), respBulk("first")), respArr(respInt(15), respBulk("+inf"), respBulk("second"))),
		"$-1\r\n")
	if got != want {
		t.Errorf("EVAL:\n got  %q\n want %q", got, want)
	}
	h := tauHistory(t, c, "k")
	if len(h) != 2 || h[1].tx <= h[0].tx {
		t.Errorf("history after EVAL: %+v", h)
	}
	// Scripts are clients like any other: no TX, errors as replies.
	got = pdo(t, c, "EVAL", "return redis.pcall('TAU.APPEND', KEYS[1], 'v', 1, 2, 'TX', 5)", "1", "k")
	if got != tauSyntax {
		t.Errorf("TX from a script: %q", got)
	}
	got = pdo(t, c, "EVAL", "return redis.call('TAU.AT', KEYS[1], 'x')", "1", "k")
	if !strings.HasPrefix(got, "-ERR t is not an unsigned 64-bit integer") {
		t.Errorf("error from a script: %q", got)
	}
	got = pdo(t, c, "EVAL", "return redis.call('TAU.AT', KEYS[1], 12)", "1", "k")
	if got != respBulk("first") {
		t.Errorf("read-only script: %q", got)
	}
	if got = pdo(t, c, "EVAL_RO", "return redis.call('TAU.APPEND', KEYS[1], 'v', 1, 2)", "1", "k"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("TAU.APPEND from EVAL_RO: %q", got)
	}
}

func TestTauNotifications(t *testing.T) {
	c := tauConn(t, 2, "tau_test")
	old := flat(pok(t, c, "CONFIG", "GET", "notify-keyspace-events"))
	pok(t, c, "CONFIG", "SET", "notify-keyspace-events", "KEd")
	defer pok(t, c, "CONFIG", "SET", "notify-keyspace-events", old[1])
	sub, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	pok(t, sub, "PSUBSCRIBE", "__key*@tau_test__:*")
	pok(t, c, "TAU.APPEND", "k", "v", "1", "2")
	pok(t, c, "TAU.AT", "k", "1") // reads send nothing
	pok(t, c, "TAU.APPEND", "k", "v", "1", "2")
	pm := func(channel, msg string) string {
		return respArr(respBulk("pmessage"), respBulk("__key*@tau_test__:*"), respBulk(channel), respBulk(msg))
	}
	want := []string{pm("__keyspace@tau_test__:k", "tau.append"), pm("__keyevent@tau_test__:tau.append", "k")}
	for i := 0; i < 4; i++ {
		got, err := sub.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		if got != want[i%2] {
			t.Errorf("notification %d:\n got  %q\n want %q", i, got, want[i%2])
		}
	}
}
