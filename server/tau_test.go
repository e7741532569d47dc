package server_test

import (
	"bufio"
	"fmt"
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
	if err != nil || v.kind != '*' {
		t.Fatalf("TAU.HISTORY reply %q: %v", raw, err)
	}
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
