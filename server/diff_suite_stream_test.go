package server_test

import (
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/config"
	"sundial/internal/redistest"
	"sundial/internal/testserver"
)

// Scenarios of Redis's own stream test suite (tests/unit/type/stream.tcl
// and stream-cgroups.tcl), replayed against sundial and redis-server.
//
// Many suite tests add entries with "*" IDs and look at idle times, so
// their cases run through suiteStreamDiff, which pipelines each case and
// compares replies after two rewrites: idle and delivery times (XPENDING
// rows, consumer PELs, XINFO's seen-time, active-time, idle, inactive)
// become "T", and, in cases marked norm, every ID generated from the clock
// becomes "ID<n>", numbered by first appearance, so both servers must
// hand out and report the same sequence of IDs.

// streamCase is a differential script; norm maps clock IDs as above.
type streamCase struct {
	name string
	norm bool
	cmds []string
}

// SX builds an exact case; NX one whose clock IDs are normalised.
func SX(name string, parts ...any) streamCase {
	return streamCase{name: name, cmds: XC(name, parts...).Cmds}
}

func NX(name string, parts ...any) streamCase {
	return streamCase{name: name, norm: true, cmds: XC(name, parts...).Cmds}
}

var (
	// timeKeyRE finds XINFO's time-valued fields.
	timeKeyRE = regexp.MustCompile(`(\$\d+\r\n(?:seen-time|active-time|idle|inactive)\r\n):-?\d+\r\n`)
	// pelRowRE finds [id, consumer, idle-or-delivery-time, count] rows.
	pelRowRE = regexp.MustCompile(`(\*4\r\n\$\d+\r\n\d+-\d+\r\n\$\d+\r\n[^\r\n]*\r\n):-?\d+\r\n`)
	// consumerPELRE finds XINFO STREAM FULL's [id, delivery-time, count].
	consumerPELRE = regexp.MustCompile(`(\*3\r\n\$\d+\r\n\d+-\d+\r\n):-?\d+\r\n`)
	// radixNodesRE finds XINFO STREAM's radix-tree-nodes.
	radixNodesRE = regexp.MustCompile(`(\$16\r\nradix-tree-nodes\r\n):\d+\r\n`)
	// clockIDRE finds bulk stream IDs with a 13-digit millisecond part.
	clockIDRE = regexp.MustCompile(`\$\d+\r\n(\d{13})-(\d+)\r\n`)
)

// streamNormalizer rewrites one server's replies for comparison.
type streamNormalizer struct {
	norm bool
	ids  map[string]int
}

func (n *streamNormalizer) rewrite(raw string) string {
	raw = timeKeyRE.ReplaceAllString(raw, "${1}:T\r\n")
	raw = pelRowRE.ReplaceAllString(raw, "${1}:T\r\n")
	raw = consumerPELRE.ReplaceAllString(raw, "${1}:T\r\n")
	if !n.norm {
		return raw
	}
	// The radix tree's shape follows the bytes of the node keys.
	raw = radixNodesRE.ReplaceAllString(raw, "${1}:T\r\n")
	now := time.Now().UnixMilli()
	return clockIDRE.ReplaceAllStringFunc(raw, func(m string) string {
		sub := clockIDRE.FindStringSubmatch(m)
		ms, _ := strconv.ParseInt(sub[1], 10, 64)
		if ms < now-86400000 || ms > now+86400000 {
			return m
		}
		id := sub[1] + "-" + sub[2]
		k, ok := n.ids[id]
		if !ok {
			k = len(n.ids) + 1
			n.ids[id] = k
		}
		return fmt.Sprintf("$ID%d\r\n", k)
	})
}

// suiteStreamDiff runs each case in RESP2 and RESP3 on both servers.
// Commands between "@sleep N" lines are pipelined. Modifiers: "!" compares
// the reply type only, "~" ignores the order of an aggregate.
func suiteStreamDiff(t *testing.T, cases []streamCase) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.name, proto), func(t *testing.T) {
				runStreamCase(t, tc, proto)
			})
		}
	}
}

type streamLine struct {
	mode byte
	text string
	args []string
}

func runStreamCase(t *testing.T, tc streamCase, proto int) {
	panicsBefore := sundial.Panics()
	conns := make([]*testserver.Conn, 2)
	norms := make([]*streamNormalizer, 2)
	for i, addr := range []string{sundial.Addr, redis.Addr} {
		c, err := testserver.Dial(addr, proto)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		defer c.Close()
		if _, err := c.Do("FLUSHALL"); err != nil {
			t.Fatalf("flushall: %v", err)
		}
		conns[i] = c
		norms[i] = &streamNormalizer{norm: tc.norm, ids: map[string]int{}}
	}
	var batch []streamLine
	n := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		var got [2][]string
		for i, c := range conns {
			replies, err := streamPipeline(c, batch)
			if err != nil {
				t.Fatalf("server %d: %v", i, err)
			}
			for j, r := range replies {
				replies[j] = norms[i].rewrite(r)
			}
			got[i] = replies
		}
		for j, l := range batch {
			s, r := got[0][j], got[1][j]
			switch l.mode {
			case '!':
				s, r = s[:1], r[:1]
			case '~':
				s, r = testserver.Unordered(s), testserver.Unordered(r)
			}
			if s != r {
				t.Errorf("command %d %q:\nsundial: %s\nredis:   %s", n+j+1, l.text, testserver.Show(got[0][j]), testserver.Show(got[1][j]))
			}
		}
		n += len(batch)
		batch = batch[:0]
	}
	for _, line := range tc.cmds {
		if ms, ok := strings.CutPrefix(line, "@sleep "); ok {
			flush()
			d, _ := strconv.Atoi(ms)
			time.Sleep(time.Duration(d) * time.Millisecond)
			continue
		}
		l := streamLine{text: line}
		if line != "" && (line[0] == '!' || line[0] == '~') {
			l.mode, line = line[0], line[1:]
		}
		args, ok := config.SplitArgs(line)
		if !ok || len(args) == 0 {
			t.Fatalf("bad command line %q", line)
		}
		l.args = args
		batch = append(batch, l)
	}
	flush()
	if d := sundial.Panics() - panicsBefore; d > 0 {
		t.Errorf("sundial recovered %d panic(s) running this case", d)
	}
}

// streamPipeline writes every command at once (from a goroutine, so that a
// server writing replies never waits on us) and reads all the replies.
func streamPipeline(c *testserver.Conn, lines []streamLine) ([]string, error) {
	var b []byte
	for _, l := range lines {
		b = fmt.Appendf(b, "*%d\r\n", len(l.args))
		for _, a := range l.args {
			b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	errc := make(chan error, 1)
	go func() {
		_, err := c.Conn.Write(b)
		errc <- err
	}()
	out := make([]string, 0, len(lines))
	for range lines {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		r, err := redistest.ReadRaw(c.R)
		if err != nil {
			return nil, fmt.Errorf("reply %d of %d (%q): %w", len(out)+1, len(lines), lines[len(out)].text, err)
		}
		out = append(out, r)
	}
	return out, <-errc
}

// xtimes repeats a command built from each index in [from, to).
func xtimes(from, to int, f func(i int) string) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, f(i))
	}
	return out
}

// massStream fills key as the suite's insert_into_stream_key does, in one
// script with clock-like IDs, every tenth entry with an extra field.
func massStream(key string, n int) string {
	return fmt.Sprintf(`EVAL "for j=0,%d do local id = (1700000000000 + math.floor(j/3)) .. '-' .. (j %% 3); `+
		`if j %% 10 == 9 then redis.call('XADD', KEYS[1], id, 'item', j, 'otherfield', 'foo') `+
		`else redis.call('XADD', KEYS[1], id, 'item', j) end end" 1 %s`, n-1, key)
}

// massID is the ID massStream gives entry j.
func massID(j int) string { return fmt.Sprintf("%d-%d", 1700000000000+j/3, j%3) }

// tclRandomID is stream.tcl's streamRandomID over massStream's IDs.
func tclRandomID(r *rand.Rand, n int) string {
	lo, hi := 1700000000000, 1700000000000+(n-1)/3
	return fmt.Sprintf("%d-%d", lo+r.Intn(hi-lo+1), r.Intn(1000))
}

// stream.tcl: XADD, IDs, trimming options.
func TestDiffSuiteStreamAdd(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	pick := func(a, b string) string {
		if r.Float64() < 0.9 {
			return a
		}
		return b
	}
	suiteStreamDiff(t, []streamCase{
		SX("xadd wrong number of args", "XADD mystream", "XADD mystream *", "XADD mystream * field", "EXISTS mystream"),
		NX("xadd entries fetched by xrange", "XADD mystream * item 1 value a", "XADD mystream * item 2 value b", "XLEN mystream", "XRANGE mystream - +"),
		NX("xadd ids incremental", "XADD mystream * item 1 value a", "XADD mystream * item 2 value b", "XADD mystream * item 3 value c", "XRANGE mystream - +",
			"MULTI", "XADD mystream * item 1 value a", "XADD mystream * item 2 value b", "XADD mystream * item 3 value c", "EXEC", "XRANGE mystream - +", "XINFO STREAM mystream"),
		SX("xadd overflow", "XADD mystream 18446744073709551615-18446744073709551615 a b", "XADD mystream * c d", "XLEN mystream"),
		SX("xadd auto seq increments", "XADD mystream 123-456 item 1 value a", "XADD mystream 123-* item 2 value b", "XRANGE mystream - +"),
		SX("xadd auto seq zero in future", "XADD mystream 123-456 item 1 value a", "XADD mystream 789-* item 2 value b"),
		SX("xadd auto seq not smaller", "XADD mystream 123-456 item 1 value a", "XADD mystream 42-* item 2 value b"),
		SX("xadd auto seq overflow", "XADD mystream 1-18446744073709551615 a b", "XADD mystream 1-* c d", "XLEN mystream"),
		SX("xadd 0-star", "XADD mystream 0-* a b", "XRANGE mystream - +"),
		NX("xadd maxlen", xtimes(0, 1000, func(j int) string { return fmt.Sprintf("XADD mystream MAXLEN 5 * %s %d", pick("xitem", "yitem"), j) }),
			"XLEN mystream", "XRANGE mystream - +"),
		NX("xadd maxlen equals", xtimes(0, 1000, func(j int) string {
			return fmt.Sprintf("XADD mystream MAXLEN = 5 * %s %d", pick("xitem", "yitem"), j)
		}), "XLEN mystream", "XRANGE mystream - +"),
		NX("xadd maxlen approx", "CONFIG SET stream-node-max-entries 100",
			xtimes(0, 1000, func(j int) string {
				return fmt.Sprintf("XADD mystream MAXLEN ~ 555 * %s %d", pick("xitem", "yitem"), j)
			}),
			"XLEN mystream", "XINFO STREAM mystream"),
		NX("xadd nomkstream", "XADD mystream NOMKSTREAM * item 1 value a", "EXISTS mystream", "XADD mystream * item 1 value a",
			"XADD mystream NOMKSTREAM * item 2 value b", "XLEN mystream", "XRANGE mystream - +"),
		SX("xadd minid", xtimes(1, 1001, func(j int) string {
			minid := 1000
			if j >= 5 {
				minid = j - 5
			}
			return fmt.Sprintf("XADD mystream MINID %d %d %s %d", minid, j, pick("xitem", "yitem"), j)
		}), "XLEN mystream", "XRANGE mystream - +", "XINFO STREAM mystream"),
		SX("xtrim minid", "XADD mystream 1-0 f v", "XADD mystream 2-0 f v", "XADD mystream 3-0 f v", "XADD mystream 4-0 f v", "XADD mystream 5-0 f v",
			"XTRIM mystream MINID = 3-0", "XRANGE mystream - +"),
		SX("xtrim minid big delta", "XADD mystream 1-0 f v", "XADD mystream 1641544570597-0 f v", "XADD mystream 1641544570597-1 f v",
			"XTRIM mystream MINID 1641544570597-0", "XRANGE mystream - +", "XINFO STREAM mystream"),
		SX("xadd id 0-0", "XADD otherstream 0-0 k v", "EXISTS otherstream"),
		NX("xadd limit", "XADD yourstream * xitem v", "XADD yourstream * xitem v", "XADD yourstream * xitem v",
			"XADD yourstream MAXLEN ~ 0 limit 1 * xitem v", "XLEN yourstream"),
		SX("xadd streamid edge", "XADD x 2577343934890-18446744073709551615 f v", "XADD x * f2 v2", "XRANGE x - +"),
		NX("xtrim maxlen basic", xtimes(0, 1000, func(j int) string { return fmt.Sprintf("XADD mystream * %s %d", pick("xitem", "yitem"), j) }),
			"XTRIM mystream MAXLEN 666", "XLEN mystream", "XTRIM mystream MAXLEN = 555", "XLEN mystream", "XTRIM mystream MAXLEN ~ 444", "XLEN mystream",
			"XTRIM mystream MAXLEN ~ 400", "XLEN mystream", "XRANGE mystream - + COUNT 3"),
		NX("xadd limit consecutive", "CONFIG SET stream-node-max-entries 10", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XADD mystream MAXLEN ~ 55 LIMIT 30 * xitem v", "XLEN mystream", "XADD mystream MAXLEN ~ 55 LIMIT 30 * xitem v", "XLEN mystream",
			"CONFIG SET stream-node-max-entries 100"),
		SX("xtrim approx is limited", "CONFIG SET stream-node-max-entries 1", xtimes(1, 103, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XTRIM mystream MAXLEN ~ 1", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		SX("xtrim exact not limited", "CONFIG SET stream-node-max-entries 1", xtimes(1, 103, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XTRIM mystream MAXLEN 1", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		SX("xtrim exact with limit", "CONFIG SET stream-node-max-entries 1", xtimes(1, 103, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XTRIM mystream MAXLEN 1 LIMIT 30", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		SX("xtrim limit no more than limit", "CONFIG SET stream-node-max-entries 2", "XADD mystream 1 xitem v", "XADD mystream 2 xitem v", "XADD mystream 3 xitem v",
			"XTRIM mystream MAXLEN ~ 0 LIMIT 1", "XTRIM mystream MAXLEN ~ 0 LIMIT 2", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		// The AOF propagation tests, without DEBUG LOADAOF: the replies.
		NX("xadd maxlen above length", xtimes(0, 100, func(int) string { return "XADD mystream * xitem v" }), "XADD mystream MAXLEN 200 * xitem v", "XLEN mystream"),
		NX("xadd minid below first", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }), "XADD mystream MINID 1 * xitem v", "XLEN mystream"),
		NX("xadd approx maxlen equal length", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }), "XADD mystream MAXLEN ~ 100 * xitem v", "XLEN mystream"),
		NX("xadd approx maxlen limit nodes of ten", "CONFIG SET stream-node-max-entries 10", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XADD mystream MAXLEN ~ 55 LIMIT 30 * xitem v", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		NX("xadd approx minid", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }), "XADD mystream MINID ~ 100 * xitem v", "XLEN mystream"),
		NX("xadd approx minid limit", "CONFIG SET stream-node-max-entries 10", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XADD mystream MINID ~ 55 LIMIT 30 * xitem v", "XLEN mystream", "CONFIG SET stream-node-max-entries 100"),
		SX("xtrim approx maxlen nodes of ten", "CONFIG SET stream-node-max-entries 10", xtimes(1, 101, func(j int) string { return fmt.Sprintf("XADD mystream %d xitem v", j) }),
			"XTRIM mystream MAXLEN ~ 85", "XLEN mystream", "XINFO STREAM mystream", "CONFIG SET stream-node-max-entries 100"),
	})
}

// stream.tcl: reading a big stream with XRANGE, XREVRANGE and XREAD, and
// deleting from it.
func TestDiffSuiteStreamRange(t *testing.T) {
	const n = 10000
	var pages []string
	// XRANGE iterating the whole stream 100 entries at a time, each page
	// starting just past the last ID seen (streamNextID).
	for j := 0; j < n; j += 100 {
		start := "-"
		if j > 0 {
			last := j - 1
			start = fmt.Sprintf("%d-%d", 1700000000000+last/3, last%3+1)
		}
		pages = append(pages, "XRANGE mystream "+start+" + COUNT 100")
	}
	pages = append(pages, fmt.Sprintf("XRANGE mystream %d-%d + COUNT 100", 1700000000000+(n-1)/3, (n-1)%3+1))
	r := rand.New(rand.NewSource(11))
	fuzz := xtimes(0, 100, func(int) string { return "XRANGE mystream " + tclRandomID(r, n) + " " + tclRandomID(r, n) })
	vip := []string{"0-1", "0-18446744073709551615", "1-0", "42-0", "42-42", "18446744073709551615-18446744073709551614", "18446744073709551615-18446744073709551615"}
	suiteStreamDiff(t, []streamCase{
		SX("xadd mass insertion", massStream("mystream", n), "XLEN mystream", "XRANGE mystream - +", "XRANGE mystream - + COUNT 10", "XREVRANGE mystream + - COUNT 10",
			"XREVRANGE mystream + -", pages, "XREAD COUNT 1 STREAMS mystream 0-0", "XREAD STREAMS s1 s2 0-0 0-0", "XREAD COUNT 1 STREAMS nostream mystream 0-0 0-0",
			fuzz, "XINFO STREAM mystream", "OBJECT ENCODING mystream"),
		NX("xadd mass insertion clock ids", "MULTI", xtimes(0, 1000, func(j int) string {
			if j%10 == 3 {
				return fmt.Sprintf("XADD mystream * item %d otherfield foo", j)
			}
			return fmt.Sprintf("XADD mystream * item %d", j)
		}), "EXEC", "XLEN mystream", "XRANGE mystream - + COUNT 20", "XREVRANGE mystream + - COUNT 20", "XREAD COUNT 3 STREAMS mystream 0-0"),
		SX("xrange exclusive ranges", "MULTI", "DEL vipstream", xtimes(0, len(vip), func(i int) string { return "XADD vipstream " + vip[i] + " foo bar" }), "EXEC",
			"XRANGE vipstream - +", "XRANGE vipstream (0-1 +", "XRANGE vipstream - (18446744073709551615-18446744073709551615", "XRANGE vipstream (0-1 (1-0",
			"XRANGE vipstream (1-0 (42-42", "XRANGE vipstream (- +", "XRANGE vipstream - (+", "XRANGE vipstream (18446744073709551615-18446744073709551615 +",
			"XRANGE vipstream - (0-0", "XREVRANGE vipstream (18446744073709551615-18446744073709551615 (0-1", "XREVRANGE vipstream + (0-18446744073709551615"),
		SX("xread last element", "XADD lestream 1-0 k1 v1", "XADD lestream 2-0 k2 v2", "XADD lestream 3-0 k3 v3", "XREAD STREAMS lestream +",
			"XREAD COUNT 3 STREAMS lestream +", "XREAD BLOCK 1000000 STREAMS lestream +", "XREAD STREAMS {lestream}1 {lestream}2 {lestream}3 + + +",
			"DEL lestream", "XREAD STREAMS lestream +", "XGROUP CREATE lestream legroup $ MKSTREAM", "XREAD STREAMS lestream +"),
		SX("xread last element after xdel", "XADD stream 1-0 f 1", "XADD stream 2-0 f 2", "XDEL stream 2-0", "XREAD STREAMS stream +", "XREAD STREAMS stream 0"),
		NX("xdel basic", "XADD somestream * foo value0", "XADD somestream * foo value1", "XADD somestream * foo value2", "XRANGE somestream - +",
			"XDEL somestream 1-1", "XLEN somestream"),
		SX("xdel basic explicit", "XADD somestream 1-1 foo value0", "XADD somestream 1-2 foo value1", "XADD somestream 1-3 foo value2", "XDEL somestream 1-2",
			"XLEN somestream", "XRANGE somestream - +"),
		SX("xdel multiple ids", "XADD somestream 1-1 a 1", "XADD somestream 1-2 b 2", "XADD somestream 1-3 c 3", "XADD somestream 1-4 d 4", "XADD somestream 1-5 e 5",
			"XLEN somestream", "XDEL somestream 1-1 1-4 1-5 2-1", "XLEN somestream", "XRANGE somestream - +", "XINFO STREAM somestream"),
		xdelFuzz(),
		SX("xrevrange issue 5006", "XADD teststream 1234567891230 key1 value1", "XADD teststream 1234567891240 key2 value2", "XADD teststream 1234567891250 key3 value3",
			"XADD teststream2 1234567891230 key1 value1", "XADD teststream2 1234567891240 key1 value2", "XADD teststream2 1234567891250 key1 value3",
			"XREVRANGE teststream 1234567891245 -", "XREVRANGE teststream2 1234567891245 -", "XRANGE teststream2 1234567891235 +"),
		SX("xread streamid edge", "XADD x 1-1 f v", "XADD x 1-18446744073709551615 f v", "XADD x 2-1 f v", "XREAD BLOCK 0 STREAMS x 1-18446744073709551615",
			"XREAD STREAMS x 1-18446744073709551614"),
	})
}

// xdelFuzz is stream.tcl's XDEL fuzz test: enough entries for more than
// 20 radix tree keys, then every one deleted in random order.
func xdelFuzz() streamCase {
	const n = 2001 // 100 entries a node: 21 keys
	id := func(x int) string { return fmt.Sprintf("%d-%d", 1700000000000+x/5, x%5) }
	cmds := []string{"XINFO STREAM somestream"}
	for x := 0; x < n; x++ {
		cmds = append(cmds, fmt.Sprintf("XADD somestream %s item %d", id(x), x))
		if x%100 == 99 || x == n-1 {
			cmds = append(cmds, "XINFO STREAM somestream")
		}
	}
	cmds = append(cmds, "XLEN somestream")
	r := rand.New(rand.NewSource(5))
	left := n
	for _, x := range r.Perm(n) {
		cmds = append(cmds, "XDEL somestream "+id(x))
		left--
		if left%10 == 0 {
			cmds = append(cmds, "XLEN somestream")
		}
		if left%100 == 0 {
			cmds = append(cmds, "XRANGE somestream - +", "XINFO STREAM somestream")
		}
	}
	cmds = append(cmds, "EXISTS somestream", "XINFO STREAM somestream")
	return streamCase{name: "xdel fuzz", cmds: cmds}
}

// stream.tcl: XSETID, the entries-added and tombstone counters, help.
func TestDiffSuiteStreamSetID(t *testing.T) {
	suiteStreamDiff(t, []streamCase{
		NX("xsetid section", "XADD mystream MAXLEN 0 * a b", "XINFO STREAM mystream", "XSETID mystream 200-0", "XINFO STREAM mystream",
			// Past the first ID's millisecond, or "*" would give it again.
			"@sleep 3",
			"XADD mystream * a b", "XSETID mystream 1-1", "XADD mystream MAXLEN 0 * a b", "XSETID stream 1-1", "XSETID stream 1-1 0", "XSETID stream 1-1 0-0",
			"XSETID stream 1-1 ENTRIESADDED -1 MAXDELETEDID 0-0", "XINFO STREAM mystream"),
		SX("xsetid tombstone above id", "XADD x 1-0 a b", "XSETID x 1-0 ENTRIESADDED 1 MAXDELETEDID 2-0", "XSETID x 1-0 ENTRIESADDED 0 MAXDELETEDID 0-0",
			"XSETID x 1-0 ENTRIESADDED 1 MAXDELETEDID 0-0", "XINFO STREAM x"),
		SX("xsetid below max deleted", "XADD x 1-1 a 1", "XADD x 1-2 b 2", "XADD x 1-3 c 3", "XDEL x 1-2", "XDEL x 1-3", "XINFO STREAM x", "XSETID x 1-2",
			"XSETID x 1-3", "XSETID x 1-4 ENTRIESADDED 3 MAXDELETEDID 1-3", "XINFO STREAM x FULL"),
		SX("entries added and recorded first", "XADD x 1-0 data a", "XINFO STREAM x FULL", "XADD x 2-0 data a", "XINFO STREAM x FULL"),
		SX("xdel and trim move recorded first", "XADD x 1-0 data a", "XADD x 2-0 data a", "XADD x 3-0 data a", "XADD x 4-0 data a", "XADD x 5-0 data a",
			"XINFO STREAM x FULL", "XDEL x 2-0", "XINFO STREAM x FULL", "XDEL x 1-0", "XINFO STREAM x FULL", "XTRIM x MAXLEN = 2", "XINFO STREAM x FULL"),
		SX("max deleted id", "XADD x 1-0 data a", "XADD x 2-0 data b", "XADD x 3-0 data c", "XINFO STREAM x FULL", "XDEL x 2-0", "XINFO STREAM x FULL",
			"XDEL x 1-0", "XINFO STREAM x FULL"),
		SX("xadd partial id maximal seq", "XADD x 1-18446744073709551615 f1 v1", "XADD x 1-* f2 v2"),
		NX("empty stream and xdel of last id", "XADD mystream MAXLEN 0 * a b", "XINFO STREAM mystream", "XSETID mystream 0-0", "XADD mystream 1-1 a b",
			"XADD mystream 2-2 a b", "XINFO STREAM mystream", "XDEL mystream 2-2", "XINFO STREAM mystream"),
		SX("help with extra args", "XGROUP help xxx", "XINFO help xxx", "XGROUP HELP", "XINFO HELP"),
	})
}

// stream.tcl's blocking XREAD tests: clients blocked on one server while
// another writes, every reply compared with redis-server's.
func TestDiffSuiteStreamBlocking(t *testing.T) {
	runBlockScripts(t, []blockScript{
		BS("xread waiting new data", "B: XADD s2 1-1 old abcd1234", "A> XREAD BLOCK 20000 STREAMS s1 s2 s3 $ $ $", "B: XADD s2 2-1 new abcd1234", "A<"),
		BS("xread waiting old data", "B: XADD s2 1-1 old abcd1234", "A: XREAD BLOCK 20000 STREAMS s1 s2 s3 $ 0-0 $", "B: XADD s2 2-1 foo abcd1234"),
		BS("xread no empty array", "B: XADD s1 666 f v", "B: XADD s1 667 f2 v2", "B: XDEL s1 667", "A: XREAD BLOCK 10 STREAMS s1 666"),
		BS("xread stream ran dry", "B: XADD mystream 666 key value", "B: XDEL mystream 666", "A: XREAD BLOCK 10 STREAMS mystream 665",
			"B: XADD mystream 665 key value", "B: XADD mystream 666 key value", "A> XREAD BLOCK 0 STREAMS mystream 665", "B: XADD mystream 667 key value", "A<"),
		BS("xread last element blocking", "A: XREAD BLOCK 20000 STREAMS lestream +", "B: XADD lestream 1-0 k1 v1", "A: PING"),
		BS("xread last element non empty", "B: XADD lestream 1-0 k1 v1", "B: XADD lestream 2-0 k2 v2", "A: XREAD BLOCK 1000000 STREAMS lestream +"),
		BS("xread xadd del no wake", "A> XREAD BLOCK 20000 STREAMS s1 $", "B: MULTI", "B: XADD s1 1-1 old abcd1234", "B: DEL s1", "B: EXEC",
			"B: XADD s1 2-1 new abcd1234", "A<"),
		BS("xread xadd del lpush no wake", "A> XREAD BLOCK 20000 STREAMS s1 $", "B: MULTI", "B: XADD s1 1-1 old abcd1234", "B: DEL s1", "B: LPUSH s1 foo bar",
			"B: EXEC", "B: DEL s1", "B: XADD s1 2-1 new abcd1234", "A<"),
		BS("xread same stream many times", "B: XADD s2 1-1 old abcd1234", "A> XREAD BLOCK 20000 STREAMS s2 s2 s2 $ $ $", "B: XADD s2 2-1 new abcd1234", "A<"),
		BS("xread multiple xadd in transaction", "B: XADD s2 1-1 old abcd1234", "A> XREAD BLOCK 20000 STREAMS s2 s2 s2 $ $ $", "B: MULTI",
			"B: XADD s2 2-1 field one", "B: XADD s2 2-2 field two", "B: XADD s2 2-3 field three", "B: EXEC", "A<"),
		BS("xread streamid edge blocking", "A> XREAD BLOCK 0 STREAMS x 1-18446744073709551615", "B: XADD x 1-1 f v", "B: XADD x 1-18446744073709551615 f v",
			"B: XADD x 2-1 f v", "A<"),
		BS("xread key deleted", "B: XADD mystream 666 f v", "A> XREAD BLOCK 0 STREAMS mystream $", "B: DEL mystream", "B: XADD mystream 667 f v", "A<"),
		BS("xread key type changed", "B: XADD mystream 666 f v", "A> XREAD BLOCK 0 STREAMS mystream $", "B: SET mystream val1", "B: DEL mystream",
			"B: XADD mystream 667 f v", "A<"),
	})
}

// stream-cgroups.tcl: consumer groups, read without blocking.
func TestDiffSuiteStreamGroups(t *testing.T) {
	fourPending := []string{"XADD mystream * foo bar", "XGROUP CREATE mystream mygroup $",
		"XADD mystream * a 1", "XADD mystream * b 2", "XPENDING mystream mygroup", "XPENDING mystream mygroup - + 10",
		"XREADGROUP GROUP mygroup consumer-1 STREAMS mystream >", "XADD mystream * c 3", "XADD mystream * d 4",
		"XREADGROUP GROUP mygroup consumer-2 STREAMS mystream >", "XREADGROUP GROUP mygroup consumer-1 COUNT 10 STREAMS mystream 0",
		"XREADGROUP GROUP mygroup consumer-2 COUNT 10 STREAMS mystream 0"}
	suiteStreamDiff(t, []streamCase{
		NX("xgroup create duplicate", "XADD mystream * foo bar", "XGROUP CREATE mystream mygroup $", "XGROUP CREATE mystream mygroup $", "XINFO GROUPS mystream"),
		SX("xgroup create entriesread", "XADD mystream 1-1 a 1", "XADD mystream 1-2 b 2", "XADD mystream 1-3 c 3", "XADD mystream 1-4 d 4",
			"XGROUP CREATE mystream mygroup $ ENTRIESREAD -3", "XGROUP CREATE mystream mygroup1 $ ENTRIESREAD 0", "XGROUP CREATE mystream mygroup2 $ ENTRIESREAD 3",
			"XINFO GROUPS mystream", "XINFO STREAM mystream FULL"),
		SX("xgroup create without mkstream", "XGROUP CREATE mystream mygroup $", "EXISTS mystream", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XINFO STREAM mystream"),
		SX("xreadgroup argument validation", "XADD mystream 1-1 field value", "XGROUP CREATE mystream mygroup $",
			"XREADGROUP", "XREADGROUP GROUP", "XREADGROUP GROUP mygroup", "XREADGROUP GROUP mygroup consumer", "XREADGROUP GROUP mygroup consumer STREAMS",
			"XREADGROUP mygroup consumer STREAMS mystream >", "XREADGROUP GROUPS mygroup consumer STREAMS mystream >",
			`XREADGROUP GROUP "" consumer STREAMS mystream >`, "XREADGROUP GROUP mygroup consumer mystream >", "XREADGROUP GROUP mygroup consumer STREAM mystream >",
			"XREADGROUP GROUP mygroup consumer STREAMS mystream", "XADD stream2 1-1 field value", "XGROUP CREATE stream2 mygroup $",
			"XREADGROUP GROUP mygroup consumer STREAMS mystream > stream2", "XREADGROUP GROUP mygroup consumer STREAMS mystream stream2 >",
			"XREADGROUP GROUP mygroup consumer COUNT abc STREAMS mystream >", "XREADGROUP GROUP mygroup consumer COUNT 1.5 STREAMS mystream >",
			"XREADGROUP GROUP mygroup consumer BLOCK abc STREAMS mystream >", "XREADGROUP GROUP mygroup consumer BLOCK 1.5 STREAMS mystream >",
			"XREADGROUP GROUP mygroup consumer BLOCK STREAMS mystream >", "XREADGROUP GROUP mygroup consumer BLOCK -1 STREAMS mystream >",
			"XREADGROUP GROUP mygroup consumer STREAMS mystream invalid-id", "XREADGROUP GROUP mygroup consumer STREAMS mystream 123-",
			"XREADGROUP GROUP mygroup consumer STREAMS mystream -123", "XREADGROUP GROUP mygroup consumer STREAMS mystream abc-def",
			"XREADGROUP GROUP mygroup consumer STREAMS mystream --", "XREADGROUP GROUP mygroup consumer STREAMS mystream 123-abc",
			"XREADGROUP GROUP nonexistent consumer STREAMS mystream >", "XREADGROUP GROUP mygroup consumer STREAMS nonexistent >",
			"SET wrongtype x", "XREADGROUP GROUP mygroup consumer STREAMS wrongtype >",
			"XREADGROUP GROUP mygroup consumer COUNT 18446744073709551616 STREAMS mystream >", "XREADGROUP GROUP mygroup consumer BLOCK 18446744073709551616 STREAMS mystream >",
			"XREADGROUP GROUP mygroup consumer INVALID param STREAMS mystream >", "XREADGROUP GROUP mygroup consumer TIMEOUT 1000 STREAMS mystream >",
			"XREADGROUP GROUP mygroup Alice COUNT 1 STREAMS mystream", "XREAD COUNT 1 STREAMS mystream", "XINFO GROUPS mystream", "XINFO GROUPS stream2"),
		NX("xreadgroup new elements and history", fourPending, "XPENDING mystream mygroup - + 10", "XPENDING mystream mygroup - + 10 consumer-1",
			"XPENDING mystream mygroup", "@sleep 20", "XPENDING mystream mygroup IDLE 99999999 - + 10 consumer-1", "XPENDING mystream mygroup IDLE 1 - + 10 consumer-1",
			"XPENDING mystream mygroup IDLE 99999999 - + 10", "XPENDING mystream mygroup IDLE 1 - + 10", "XINFO CONSUMERS mystream mygroup", "XINFO GROUPS mystream"),
		NX("xpending exclusive ranges and xack", fourPending, "XREVRANGE mystream + - COUNT 4",
			// The four pending IDs, by position: ( of the first and last.
			"EVAL \"local p = redis.call('XPENDING', KEYS[1], 'mygroup', '-', '+', 10); return redis.call('XPENDING', KEYS[1], 'mygroup', '(' .. p[1][1], '(' .. p[4][1], 10)\" 1 mystream",
			"EVAL \"local p = redis.call('XPENDING', KEYS[1], 'mygroup', '-', '+', 10, 'consumer-1'); return {redis.call('XACK', KEYS[1], 'mygroup', p[1][1]), "+
				"redis.call('XACK', KEYS[1], 'mygroup', p[1][1]), redis.call('XACK', KEYS[1], 'mygroup', p[1][1], p[2][1])}\" 1 mystream",
			"XPENDING mystream mygroup - + 10 consumer-1", "XPENDING mystream mygroup - + 10", "XPENDING mystream mygroup"),
		NX("xack invalid id", "XGROUP CREATE s g $ MKSTREAM", "XADD s * f1 v1", "XREADGROUP GROUP g c STREAMS s >", "XPENDING s g - + 10 c",
			"EVAL \"local p = redis.call('XPENDING', KEYS[1], 'g', '-', '+', 10, 'c'); return redis.pcall('XACK', KEYS[1], 'g', p[1][1], 'invalid-id')\" 1 s",
			"EVAL \"local p = redis.call('XPENDING', KEYS[1], 'g', '-', '+', 10, 'c'); return redis.call('XACK', KEYS[1], 'g', p[1][1])\" 1 s",
			"XACK s g 1-1 invalid-id", "XACK s g invalid-id", "XPENDING s g"),
		NX("pel nack reassignment after setid", "XADD events * f1 v1", "XADD events * f1 v1", "XADD events * f1 v1", "XADD events * f1 v1",
			"XGROUP CREATE events g1 $", "XADD events * f1 v1", "XREADGROUP GROUP g1 c1 STREAMS events >", "XGROUP SETID events g1 -",
			"XREADGROUP GROUP g1 c2 STREAMS events >", "XPENDING events g1", "XINFO GROUPS events"),
		NX("xreadgroup empty history", "XADD events * a 1", "XADD events * b 2", "XADD events * c 3", "XGROUP CREATE events mygroup 0",
			"XPENDING events mygroup - + 10", "XREADGROUP GROUP mygroup myconsumer COUNT 3 STREAMS events 0",
			"XREADGROUP GROUP mygroup myconsumer COUNT 3 STREAMS events >", "XREADGROUP GROUP mygroup myconsumer COUNT 3 STREAMS events 0"),
		SX("xreadgroup history of deleted entries", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XADD mystream 1 field1 A",
			"XREADGROUP GROUP mygroup myconsumer STREAMS mystream >", "XADD mystream MAXLEN 1 2 field1 B", "XREADGROUP GROUP mygroup myconsumer STREAMS mystream >",
			"XREADGROUP GROUP mygroup myconsumer STREAMS mystream 0-1", "XREADGROUP GROUP mygroup myconsumer STREAMS mystream 0"),
		SX("xreadgroup ignores block unless gt", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XADD mystream 666 key value", "XDEL mystream 666",
			xtimes(0, 4, func(i int) string {
				return "XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream " + []string{"0", "600", "666", "700"}[i]
			}),
			"XADD mystream 667 key value",
			xtimes(0, 5, func(i int) string {
				return "XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream " + []string{"0", "600", "666", "667", "700"}[i]
			}),
			"XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream >",
			xtimes(0, 5, func(i int) string {
				return "XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream " + []string{"0", "600", "666", "667", "700"}[i]
			}),
			"XACK mystream mygroup 667",
			xtimes(0, 5, func(i int) string {
				return "XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream " + []string{"0", "600", "666", "667", "700"}[i]
			})),
		SX("xgroup createconsumer", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XADD mystream 1-1 f v", "XINFO GROUPS mystream",
			"XREADGROUP GROUP mygroup Alice COUNT 1 STREAMS mystream >", "XINFO GROUPS mystream", "XINFO CONSUMERS mystream mygroup",
			"XGROUP CREATECONSUMER mystream mygroup Alice", "XGROUP CREATECONSUMER mystream mygroup Bob", "XINFO GROUPS mystream", "XINFO CONSUMERS mystream mygroup"),
		SX("xgroup createconsumer group must exist", "XADD mystream 1-1 f v", "XGROUP CREATECONSUMER mystream mygroup consumer"),
		SX("xreadgroup noack creates consumer", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XADD mystream 1-1 f1 v1",
			"XREADGROUP GROUP mygroup Alice NOACK STREAMS mystream >", "XINFO GROUPS mystream", "XINFO CONSUMERS mystream mygroup", "XPENDING mystream mygroup"),
		SX("consumer without pel", "XGROUP CREATE mystream mygroup $ MKSTREAM", "XADD mystream 1-1 f v", "XREADGROUP GROUP mygroup Alice NOACK STREAMS mystream >",
			"XGROUP CREATECONSUMER mystream mygroup Charlie", "XINFO GROUPS mystream", "XINFO CONSUMERS mystream mygroup", "XINFO STREAM mystream FULL"),
		SX("read counter and lag in empty streams", "XGROUP CREATE x g1 0 MKSTREAM", "XINFO STREAM x FULL", "XADD x 1-0 data a", "XDEL x 1-0",
			"XINFO STREAM x FULL", "XINFO GROUPS x"),
		SX("read counter and lag sanity", "XADD x 1-0 data a", "XADD x 2-0 data b", "XADD x 3-0 data c", "XADD x 4-0 data d", "XADD x 5-0 data e",
			"XGROUP CREATE x g1 0", "XINFO STREAM x FULL", "XREADGROUP GROUP g1 c11 COUNT 1 STREAMS x >", "XINFO STREAM x FULL",
			"XREADGROUP GROUP g1 c12 COUNT 10 STREAMS x >", "XINFO STREAM x FULL", "XADD x 6-0 data f", "XINFO STREAM x FULL", "XINFO GROUPS x"),
		SX("lag with xdels", "XADD x 1-0 data a", "XADD x 2-0 data b", "XADD x 3-0 data c", "XADD x 4-0 data d", "XADD x 5-0 data e", "XDEL x 3-0",
			"XGROUP CREATE x g1 0", "XGROUP CREATE x g2 0", "XINFO STREAM x FULL",
			xtimes(0, 4, func(int) string { return "XREADGROUP GROUP g1 c11 COUNT 1 STREAMS x >" }), "XINFO STREAM x FULL", "XINFO GROUPS x",
			"XADD x 6-0 data f", "XINFO STREAM x FULL", "XTRIM x MINID = 3-0", "XINFO STREAM x FULL", "XINFO GROUPS x", "XTRIM x MINID = 5-0", "XINFO STREAM x FULL", "XINFO GROUPS x"),
		SX("xclaim and xautoclaim of deleted entries", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XADD x 4-0 f v", "XADD x 5-0 f v",
			"XGROUP CREATE x grp 0", "XREADGROUP GROUP grp Alice STREAMS x >", "XDEL x 2-0", "XDEL x 4-0", "XAUTOCLAIM x grp Bob 0 0-0", "XPENDING x grp - + 10 Alice",
			"XPENDING x grp"),
		SX("xclaim of deleted entries", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XADD x 4-0 f v", "XADD x 5-0 f v",
			"XGROUP CREATE x grp 0", "XREADGROUP GROUP grp Alice STREAMS x >", "XDEL x 2-0", "XDEL x 4-0", "XCLAIM x grp Bob 0 1-0 2-0 3-0 4-0",
			"XPENDING x grp - + 10 Alice", "XPENDING x grp"),
		SX("lag with tombstone after group last id", "XGROUP CREATE x g1 $ MKSTREAM", "XADD x 1-0 data a", "XREADGROUP GROUP g1 alice STREAMS x >",
			"XADD x 2-0 data c", "XADD x 3-0 data d", "XDEL x 2-0", "XINFO STREAM x FULL", "XDEL x 1-0", "XINFO STREAM x FULL",
			"XREADGROUP GROUP g1 alice STREAMS x >", "XINFO STREAM x FULL", "XINFO GROUPS x"),
		SX("lag with xtrim", "XGROUP CREATE x mygroup $ MKSTREAM", "XADD x 1-0 data a", "XADD x 2-0 data b", "XADD x 3-0 data c", "XADD x 4-0 data d",
			"XADD x 5-0 data e", "XREADGROUP GROUP mygroup alice COUNT 1 STREAMS x >", "XINFO STREAM x FULL", "XTRIM x MAXLEN 1", "XINFO STREAM x FULL",
			"XREADGROUP GROUP mygroup alice STREAMS x >", "XINFO STREAM x FULL", "XADD x 6-0 data f", "XINFO STREAM x FULL", "XTRIM x MAXLEN 0",
			"XINFO STREAM x FULL", "XINFO GROUPS x"),
		NX("xreadgroup counts entries read", "XADD mystream * a b c d e f", "XGROUP CREATE mystream mygroup $",
			"XREADGROUP GROUP mygroup ryan COUNT 1 STREAMS mystream >", "XADD mystream * a1 b1 a1 b2", "XADD mystream * name v1 name v1",
			"XREADGROUP GROUP mygroup ryan COUNT 1 STREAMS mystream >", "XREADGROUP GROUP mygroup ryan COUNT 1 STREAMS mystream >",
			"XINFO STREAM mystream FULL", "XINFO GROUPS mystream"),
		SX("xreadgroup from pel inside multi", "XADD mystream 1-0 a b c d e f", "XGROUP CREATE mystream mygroup 0",
			"XREADGROUP GROUP mygroup ryan COUNT 1 STREAMS mystream >", "MULTI", "XREADGROUP GROUP mygroup ryan COUNT 1 STREAMS mystream 0", "EXEC",
			"XPENDING mystream mygroup"),
		// A Redis 7.2 payload (RDB version 11): Redis 7.0 refuses it.
		SX("restore of a newer rdb version", `RESTORE x 0 "`+newerStreamDump+`"`, "EXISTS x"),
		SX("empty stream without last id", "XGROUP CREATE mystream group-name $ MKSTREAM", "XINFO STREAM mystream", "XINFO GROUPS mystream"),
	})
}

// Suite tests sundial fails for want of changes outside the stream code:
//
//   - An error a blocked command's retry replies (XGROUP DESTROY under a
//     blocked XREADGROUP) is not counted in total_error_replies,
//     errorstat_NOGROUP or the command's failed_calls, as Redis's
//     updateStatsOnUnblock counts it; Engine.tryServe would count it.
func TestDiffSuiteStreamBlockedErrorStats(t *testing.T) { suiteStreamBlockedErrorStats(t) }

// The suite loads a stream DUMPed by Redis 5 (RDB_TYPE_STREAM_LISTPACKS).
func TestDiffSuiteStreamLegacyRDB(t *testing.T) {
	suiteStreamDiff(t, []streamCase{
		SX("legacy rdb restore", `RESTORE x 0 "`+legacyStreamDump+`"`, "XINFO STREAM x FULL", "XINFO GROUPS x", "XRANGE x - +", "XPENDING x g1", "XINFO CONSUMERS x g1",
			"XREADGROUP GROUP g2 c STREAMS x >", "XINFO GROUPS x"),
	})
}

// newerStreamDump is stream-cgroups.tcl's DUMP of a stream with a group
// and one consumer, in RDB version 11.
const newerStreamDump = `\x13\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x1D\x1D\x00\x00\x00\x0A\x00\x01\x01\x00\x01\x01\x01\x81\x66\x02\x00\x01\x02\x01\x00\x01\x00\x01\x81\x76\x02\x04\x01\xFF\x01\x01\x01\x01\x01\x00\x00\x01\x01\x01\x67\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\xF5\x5A\x71\xC7\x84\x01\x00\x00\x01\x01\x05\x41\x6C\x69\x63\x65\xF5\x5A\x71\xC7\x84\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x0B\x00\xA7\xA9\x14\xA5\x27\xFF\x9B\x9B`

// legacyStreamDump is stream-cgroups.tcl's DUMP of a stream from Redis 5
// (RDB version 9): six entries, 3-0 deleted, groups g1 and g2, g1's
// consumer c11 having read four, then trimmed to two.
const legacyStreamDump = `\x0F\x01\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\xC3\x40\x4A\x40\x57\x16\x57\x00\x00\x00\x23\x00\x02\x01\x04\x01\x01\x01\x84\x64\x61\x74\x61\x05\x00\x01\x03\x01\x00\x20\x01\x03\x81\x61\x02\x04\x20\x0A\x00\x01\x40\x0A\x00\x62\x60\x0A\x00\x02\x40\x0A\x00\x63\x60\x0A\x40\x22\x01\x81\x64\x20\x0A\x40\x39\x20\x0A\x00\x65\x60\x0A\x00\x05\x40\x0A\x00\x66\x20\x0A\x00\xFF\x02\x06\x00\x02\x02\x67\x31\x05\x00\x04\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x3E\xF7\x83\x43\x7A\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x3E\xF7\x83\x43\x7A\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x3E\xF7\x83\x43\x7A\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x3E\xF7\x83\x43\x7A\x01\x00\x00\x01\x01\x03\x63\x31\x31\x3E\xF7\x83\x43\x7A\x01\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00\x00\x02\x67\x32\x00\x00\x00\x00\x09\x00\x3D\x52\xEF\x68\x67\x52\x1D\xFA`

// stream-cgroups.tcl: XCLAIM, XAUTOCLAIM and XINFO STREAM FULL. The
// suite waits 200 ms for a 10 ms minimum idle time; 30 ms do here.
func TestDiffSuiteStreamClaim(t *testing.T) {
	three := []string{"XADD mystream * a 1", "XADD mystream * b 2", "XADD mystream * c 3", "XGROUP CREATE mystream mygroup 0"}
	// claimNth claims the nth entry of the stream (1-based) by its ID.
	claimNth := func(consumer string, nth int, extra string) string {
		return fmt.Sprintf(`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); return redis.call('XCLAIM', KEYS[1], 'mygroup', '%s', 10, e[%d][1]%s)" 1 mystream`,
			consumer, nth, extra)
	}
	// delNth deletes the nth entry and claims its ID.
	delNth := func(consumer string, nth int) string {
		return fmt.Sprintf(`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); redis.call('XDEL', KEYS[1], e[%d][1]); `+
			`return redis.call('XCLAIM', KEYS[1], 'mygroup', '%s', 10, e[%d][1])" 1 mystream`, nth, consumer, nth)
	}
	suiteStreamDiff(t, []streamCase{
		NX("xclaim from another consumer", three, "XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS mystream >",
			"XPENDING mystream mygroup - + 10", "XPENDING mystream mygroup - + 10 consumer1", "XPENDING mystream mygroup - + 10 consumer2",
			"@sleep 30", claimNth("consumer2", 1, ""), "XPENDING mystream mygroup - + 10", "XPENDING mystream mygroup - + 10 consumer1",
			"XPENDING mystream mygroup - + 10 consumer2", "XREADGROUP GROUP mygroup consumer1 COUNT 2 STREAMS mystream >", "@sleep 30",
			delNth("consumer2", 2), "@sleep 30", delNth("consumer2", 2), "XPENDING mystream mygroup", "XPENDING mystream mygroup - + 10"),
		NX("xclaim without justid counts delivery", three, "XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS mystream >", "@sleep 30",
			claimNth("consumer2", 1, ""), "XPENDING mystream mygroup - + 10", "@sleep 30", claimNth("consumer3", 1, ", 'JUSTID'"),
			"XPENDING mystream mygroup - + 10", "XINFO CONSUMERS mystream mygroup"),
		NX("xclaim same consumer", three, "XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS mystream >", "@sleep 30", claimNth("consumer1", 1, ""),
			"XPENDING mystream mygroup - + 10"),
		NX("xautoclaim from another consumer", three, "XADD mystream * d 4", "XREADGROUP GROUP mygroup consumer1 COUNT 1 STREAMS mystream >", "@sleep 30",
			"XAUTOCLAIM mystream mygroup consumer2 10 - COUNT 1", "XREADGROUP GROUP mygroup consumer1 COUNT 3 STREAMS mystream >", "@sleep 30",
			`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); return redis.call('XDEL', KEYS[1], e[2][1])" 1 mystream`,
			"XAUTOCLAIM mystream mygroup consumer2 10 - COUNT 2", "@sleep 30",
			`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); return redis.call('XDEL', KEYS[1], e[3][1])" 1 mystream`,
			"XAUTOCLAIM mystream mygroup consumer2 10 - JUSTID", "XPENDING mystream mygroup - + 10"),
		NX("xautoclaim as iterator", three, "XADD mystream * d 4", "XADD mystream * e 5", "XREADGROUP GROUP mygroup consumer1 COUNT 90 STREAMS mystream >",
			"@sleep 30", "XAUTOCLAIM mystream mygroup consumer2 10 - COUNT 2",
			`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); return redis.call('XAUTOCLAIM', KEYS[1], 'mygroup', 'consumer2', 10, e[3][1], 'COUNT', 2)" 1 mystream`,
			`EVAL "local e = redis.call('XRANGE', KEYS[1], '-', '+'); return redis.call('XAUTOCLAIM', KEYS[1], 'mygroup', 'consumer2', 10, e[5][1], 'COUNT', 1)" 1 mystream`,
			"XPENDING mystream mygroup - + 10"),
		SX("xautoclaim count must be positive", "XAUTOCLAIM key group consumer 1 1 COUNT 0", "XADD key 1-1 a 1", "XGROUP CREATE key group 0",
			"XAUTOCLAIM key group consumer 1 1 COUNT 0", "XAUTOCLAIM key group consumer 1 1 COUNT -1"),
		SX("xclaim with xdel", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XGROUP CREATE x grp 0", "XREADGROUP GROUP grp Alice STREAMS x >",
			"XDEL x 2-0", "XCLAIM x grp Bob 0 1-0 2-0 3-0", "XPENDING x grp - + 10 Alice", "XPENDING x grp"),
		SX("xclaim with trimming", "CONFIG SET stream-node-max-entries 2", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XGROUP CREATE x grp 0",
			"XREADGROUP GROUP grp Alice STREAMS x >", "XTRIM x MAXLEN 1", "XCLAIM x grp Bob 0 1-0 2-0 3-0", "XPENDING x grp - + 10 Alice",
			"CONFIG SET stream-node-max-entries 100"),
		SX("xautoclaim with xdel", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XGROUP CREATE x grp 0", "XREADGROUP GROUP grp Alice STREAMS x >",
			"XDEL x 2-0", "XAUTOCLAIM x grp Bob 0 0-0", "XPENDING x grp - + 10 Alice", "XPENDING x grp"),
		SX("xautoclaim with trimming", "CONFIG SET stream-node-max-entries 2", "XADD x 1-0 f v", "XADD x 2-0 f v", "XADD x 3-0 f v", "XGROUP CREATE x grp 0",
			"XREADGROUP GROUP grp Alice STREAMS x >", "XTRIM x MAXLEN 1", "XAUTOCLAIM x grp Bob 0 0-0", "XPENDING x grp - + 10 Alice",
			"CONFIG SET stream-node-max-entries 100"),
		SX("xinfo full output", "XADD x 100 a 1", "XADD x 101 b 1", "XADD x 102 c 1", "XADD x 103 e 1", "XADD x 104 f 1", "XGROUP CREATE x g1 0",
			"XGROUP CREATE x g2 0", "XREADGROUP GROUP g1 Alice COUNT 1 STREAMS x >", "XREADGROUP GROUP g1 Bob COUNT 1 STREAMS x >",
			"XREADGROUP GROUP g1 Bob NOACK COUNT 1 STREAMS x >", "XREADGROUP GROUP g2 Charlie COUNT 4 STREAMS x >", "XDEL x 103",
			"XINFO STREAM x FULL", "XINFO STREAM x FULL COUNT 1", "XINFO STREAM x", "XINFO GROUPS x", "XINFO CONSUMERS x g1", "XINFO CONSUMERS x g2"),
	})
}

// stream-cgroups.tcl's blocking XREADGROUP tests.
func TestDiffSuiteStreamGroupBlocking(t *testing.T) {
	setup := []string{"B: XADD mystream 666 f v", "B: XGROUP CREATE mystream mygroup $"}
	block := "A> XREADGROUP GROUP mygroup Alice BLOCK 0 STREAMS mystream >"
	steps := func(parts ...any) []string { return XC("", parts...).Cmds }
	runBlockScripts(t, []blockScript{
		BS("xreadgroup no empty array", steps("B: XGROUP CREATE mystream mygroup $ MKSTREAM", "B: XADD mystream 666 f v",
			"A: XREADGROUP GROUP mygroup Alice BLOCK 10 STREAMS mystream >", "B: XADD mystream 667 f2 v2", "B: XDEL mystream 667",
			"A: XREADGROUP GROUP mygroup Alice BLOCK 10 STREAMS mystream >")...),
		BS("xreadgroup key deleted", steps(setup, block, "B: DEL mystream", "A<")...),
		BS("xreadgroup key type changed with set", steps(setup, block, "B: SET mystream val1", "A<")...),
		BS("xreadgroup key type changed in transaction", steps(setup, block, "B: MULTI", "B: DEL mystream", "B: SADD mystream e1", "B: EXEC", "A<")...),
		BS("xreadgroup flushed db", steps(setup, block, "B: FLUSHALL", "A<")...),
		BS("xreadgroup swapped db key missing", "B: SELECT 4", "B: FLUSHDB", "B: SELECT 9", "B: XADD mystream 666 f v", "B: XGROUP CREATE mystream mygroup $",
			"A: SELECT 9", block, "B: SWAPDB 4 9", "A<", "B: FLUSHALL"),
		BS("xreadgroup swapped db not a stream", "B: SELECT 4", "B: FLUSHDB", "B: LPUSH mystream e1", "B: SELECT 9", "B: XADD mystream 666 f v",
			"B: XGROUP CREATE mystream mygroup $", "A: SELECT 9", block, "B: SWAPDB 4 9", "A<", "B: FLUSHALL"),
		BS("xreadgroup stream ran dry", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", "B: XADD mystream 666 key value", "B: XDEL mystream 666",
			"A: XREADGROUP GROUP mygroup myconsumer BLOCK 10 STREAMS mystream >", "B: XADD mystream 665 key value", "B: XADD mystream 666 key value",
			"A> XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream >", "B: XADD mystream 667 key value", "A<"),
		BS("xreadgroup with clients blocked on list", "C> BLPOP mystream 0", "B: XADD mystream 666 key value", "B: XGROUP CREATE mystream mygroup $ MKSTREAM",
			"A> XREADGROUP GROUP mygroup myconsumer BLOCK 0 STREAMS mystream >", "B: DEL mystream", "A<", "B: LPUSH mystream x", "C<"),
		BS("xreadgroup three blocked one xadd", "B: XGROUP CREATE mystream mygroup $ MKSTREAM",
			"A> XREADGROUP GROUP mygroup myuser COUNT 10 BLOCK 10000 STREAMS mystream >", "C> XREADGROUP GROUP mygroup myuser COUNT 10 BLOCK 10000 STREAMS mystream >",
			"D> XREADGROUP GROUP mygroup myuser COUNT 10 BLOCK 10000 STREAMS mystream >", "B: XADD mystream MAXLEN 5000 1-1 field1 value1 field2 value2 field3 value3",
			"A<", "B: PING", "B: XINFO GROUPS mystream", "B: XPENDING mystream mygroup"),
		BS("xreadgroup reprocessed keeps timeout", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", "A> XREADGROUP GROUP mygroup myuser BLOCK 0 STREAMS mystream >",
			"C> XREADGROUP GROUP mygroup myuser BLOCK 500 STREAMS mystream >", "@sleep 50", "B: XADD mystream 1-1 field value", "A<", "C<"),
		BS("xgroup destroy unblocks", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", block, "B: XGROUP DESTROY mystream mygroup", "A<"),
		BS("rename unblocks with data", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", block, "B: XGROUP CREATE mystream2 mygroup $ MKSTREAM",
			"B: XADD mystream2 100 f1 v1", "B: RENAME mystream2 mystream", "A<"),
		BS("rename unblocks with nogroup", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", block, "B: XADD mystream2 100 f1 v1", "B: RENAME mystream2 mystream", "A<"),
		BS("xreadgroup noack blocked creates consumer", "B: XGROUP CREATE mystream mygroup $ MKSTREAM", "B: XADD mystream 1-1 f1 v1",
			"B: XREADGROUP GROUP mygroup Alice NOACK STREAMS mystream >", "A> XREADGROUP GROUP mygroup Bob BLOCK 0 NOACK STREAMS mystream >",
			"B: XADD mystream 2-1 f2 v2", "A<", "B: XINFO GROUPS mystream", "B: XGROUP CREATECONSUMER mystream mygroup Charlie", "B: XINFO GROUPS mystream"),
	})
}

// stream-cgroups.tcl: a blocked XREADGROUP failed by XGROUP DESTROY counts
// as a failed call and an error reply in INFO, as on redis-server. Run
// from TestDiffSuiteStreamPending.
func suiteStreamBlockedErrorStats(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	statRE := regexp.MustCompile(`(?m)^(errorstat_NOGROUP:count=\d+|cmdstat_xreadgroup:calls=\d+|total_error_replies:\d+).*?$`)
	failedRE := regexp.MustCompile(`(?m)^cmdstat_xreadgroup:.*(rejected_calls=\d+,failed_calls=\d+)`)
	var got [2]string
	for i, addr := range []string{sundial.Addr, redis.Addr} {
		ctl, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer ctl.Close()
		a, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		for _, cmd := range [][]string{{"FLUSHALL"}, {"CONFIG", "RESETSTAT"}, {"XGROUP", "CREATE", "mystream", "mygroup", "$", "MKSTREAM"}} {
			if r, err := ctl.Do(cmd...); err != nil || r[0] == '-' {
				t.Fatalf("%v: %q %v", cmd, r, err)
			}
		}
		if err := a.Send("XREADGROUP", "GROUP", "mygroup", "Alice", "BLOCK", "0", "STREAMS", "mystream", ">"); err != nil {
			t.Fatal(err)
		}
		waitBlockedOn(t, ctl, 1)
		ctl.Do("XGROUP", "DESTROY", "mystream", "mygroup")
		reply, err := a.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		info, err := ctl.Do("INFO", "all")
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString(reply)
		for _, m := range statRE.FindAllStringSubmatch(info, -1) {
			b.WriteString(strings.TrimSpace(m[1]) + "\n")
		}
		if m := failedRE.FindStringSubmatch(info); m != nil {
			b.WriteString(m[1] + "\n")
		}
		got[i] = b.String()
	}
	if got[0] != got[1] {
		t.Errorf("after a blocked XREADGROUP fails:\nsundial: %q\nredis:   %q", got[0], got[1])
	}
	if !strings.Contains(got[1], "errorstat_NOGROUP:count=1") || !strings.Contains(got[1], "failed_calls=1") {
		t.Errorf("redis-server's counters are not the suite's: %q", got[1])
	}
}

// waitBlockedOn waits until INFO shows n blocked clients.
func waitBlockedOn(t *testing.T, ctl *testserver.Conn, n int) {
	t.Helper()
	want := fmt.Sprintf("blocked_clients:%d\r", n)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if info, err := ctl.Do("INFO", "clients"); err == nil && strings.Contains(info, want) {
			return
		}
	}
	t.Fatalf("no %d blocked clients", n)
}

// stream-cgroups.tcl's dirty tests: how much each group read adds to
// rdb_changes_since_last_save, compared command by command.
func TestDiffSuiteStreamGroupDirty(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	cmds := []string{"XADD x 1-0 data a", "XADD x 2-0 data b", "XADD x 3-0 data c", "XADD x 4-0 data d", "XGROUP CREATE x g1 0",
		"XGROUP CREATECONSUMER x g1 Alice", "XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x >", "XREADGROUP GROUP g1 Alice NOACK COUNT 2 STREAMS x >",
		"XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x 0", "XREADGROUP GROUP g1 Alice COUNT 2 STREAMS x 9000", "XREADGROUP GROUP g1 noconsumer COUNT 2 STREAMS x 0",
		"XREADGROUP GROUP g1 Bob STREAMS x >", "XACK x g1 1-0 2-0", "XACK x g1 1-0", "XCLAIM x g1 Bob 0 1-0 2-0", "XAUTOCLAIM x g1 Bob 0 0-0 JUSTID"}
	changesRE := regexp.MustCompile(`rdb_changes_since_last_save:(\d+)`)
	var got [2]string
	for i, addr := range []string{sundial.Addr, redis.Addr} {
		c, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		changes := func() int {
			info, err := c.Do("INFO", "persistence")
			m := changesRE.FindStringSubmatch(info)
			if err != nil || m == nil {
				t.Fatalf("info persistence: %q %v", info, err)
			}
			n, _ := strconv.Atoi(m[1])
			return n
		}
		c.Do("FLUSHALL")
		var b strings.Builder
		for _, line := range cmds {
			args, _ := config.SplitArgs(line)
			before := changes()
			r, err := c.Do(args...)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s: %q +%d\n", line, r, changes()-before)
		}
		got[i] = b.String()
	}
	if got[0] != got[1] {
		t.Errorf("replies and changes differ:\nsundial:\n%s\nredis:\n%s", got[0], got[1])
	}
}
