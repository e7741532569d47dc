package stream

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compareWithRedis runs the commands on Redis and on a cmdDB, starting from
// an empty database, and fails at the first differing reply.
func compareWithRedis(t *testing.T, rs *redisServer, cmds [][]string) {
	t.Helper()
	rs.do(t, []string{"FLUSHALL"})
	db := newCmdDB(time.Now().UnixMilli())
	const batch = 500
	for start := 0; start < len(cmds); start += batch {
		chunk := cmds[start:min(start+batch, len(cmds))]
		real := rs.do(t, chunk...)
		db.now = time.Now().UnixMilli()
		for i, c := range chunk {
			got := db.do(c)
			if !sameReply(got, real[i]) {
				from := max(0, start+i-15)
				var ctx strings.Builder
				for _, p := range cmds[from : start+i] {
					fmt.Fprintf(&ctx, "  %q\n", p)
				}
				t.Fatalf("command %d %q:\n model: %#v\n redis: %#v\nprevious commands:\n%s",
					start+i, c, got, real[i], ctx.String())
			}
		}
	}
}

func cmd(s string) []string { return strings.Fields(s) }

func TestRedisIDParsing(t *testing.T) {
	rs := startRedis(t)
	cands := []string{"0", "1", "5", "5-5", "5-6", "-01", "1--01", " 3", "\t3", "+3", "007",
		"3 ", "1-", "-", "+", "-5", "3-+4", "18446744073709551615", "18446744073709551616",
		"1-18446744073709551615", "1-18446744073709551616", "0x1", "(1", "((1", "(-", "(+",
		"(5-5", "(0", "(18446744073709551615-18446744073709551615", "1.5", "-1", "1-*",
		"9223372036854775808", "99999999999999999999", "0-0", "00000000000000000000000000001",
		strings.Repeat("1", 127), "1-" + strings.Repeat("0", 125), "1-" + strings.Repeat("0", 126),
		"4\x00junk", "(", "", "1-\x00", " -1", "- 1"}
	var cmds [][]string
	cmds = append(cmds, cmd("XADD s 5-5 a 1"), cmd("XADD s 6-0 a 2"))
	for _, c := range cands {
		cmds = append(cmds,
			[]string{"XRANGE", "s", c, "+"},
			[]string{"XREVRANGE", "s", c, "-"},
			[]string{"XRANGE", "s", "-", c},
			[]string{"XDEL", "nokey", c},
			[]string{"XADD", "fresh" + c, c, "f", "v"},
			[]string{"XADD", "s", c, "f", "v"},
		)
	}
	compareWithRedis(t, rs, cmds)
}

func TestRedisScripted(t *testing.T) {
	rs := startRedis(t)
	script := `
XADD s 1-1 a 1
XADD s 1-* b 2
XADD s 1 c 3
XADD s 0-5 c 3
XADD s 2-* d 4
XADD s 0-0 x y
XADD n NOMKSTREAM 1-1 a b
XLEN n
XRANGE s - +
XRANGE s (1-1 (2-0
XREVRANGE s + - COUNT 2
XRANGE s - + COUNT 0
XGROUP CREATE s g 0
XGROUP CREATE s g 0
XGROUP CREATE s h $ ENTRIESREAD 4
XINFO GROUPS s
XREADGROUP GROUP g alice COUNT 2 STREAMS s >
XINFO GROUPS s
XREADGROUP GROUP g bob STREAMS s >
XREADGROUP GROUP g bob STREAMS s >
XINFO GROUPS s
XPENDING s g
XPENDING s g - + 10
XPENDING s g - + 10 bob
XPENDING s g (1-1 + 1
XDEL s 1-2
XREADGROUP GROUP g alice STREAMS s 0
XACK s g 1-1 1-1 9-9
XCLAIM s g carol 0 1-2 1-3
XCLAIM s g carol 0 2-0 JUSTID RETRYCOUNT 7
XPENDING s g - + 10
XINFO CONSUMERS s g
XINFO GROUPS s
XINFO STREAM s
XINFO STREAM s FULL
XINFO STREAM s FULL COUNT 1
XADD s 3-0 e 5
XADD s 4-0 e 6
XAUTOCLAIM s g dave 0 0 COUNT 1
XAUTOCLAIM s g dave 0 0
XREADGROUP GROUP g erin NOACK STREAMS s >
XINFO GROUPS s
XDEL s 3-0
XAUTOCLAIM s g frank 0 0 JUSTID
XINFO GROUPS s
XGROUP SETID s g 0
XINFO GROUPS s
XREADGROUP GROUP g gina COUNT 1 STREAMS s >
XINFO GROUPS s
XGROUP SETID s g 0 ENTRIESREAD 0
XINFO GROUPS s
XREADGROUP GROUP g gina STREAMS s >
XINFO GROUPS s
XGROUP CREATECONSUMER s g zed
XGROUP CREATECONSUMER s g zed
XGROUP DELCONSUMER s g gina
XGROUP DELCONSUMER s g nobody
XPENDING s g
XGROUP DESTROY s h
XGROUP DESTROY s h
XSETID s 1-0
XSETID s 9-0 ENTRIESADDED 1
XSETID s 9-0 MAXDELETEDID 10-0
XSETID s 9-0 ENTRIESADDED 100 MAXDELETEDID 8-0
XINFO STREAM s
XADD s 9-* f 1
XTRIM s MAXLEN 1
XINFO STREAM s
XDEL s 9-1
XINFO STREAM s
XINFO GROUPS s
XSETID s 9-0
XGROUP CREATE e g $ MKSTREAM
XINFO STREAM e
XINFO GROUPS e
XADD e 1-0 a 1
XINFO GROUPS e
XREADGROUP GROUP g x STREAMS e >
XINFO GROUPS e
XDEL e 1-0
XINFO GROUPS e
XINFO STREAM e
XADD e 2-0 a 1
XADD e 3-0 a 1
XADD e 4-0 a 1
XDEL e 3-0
XINFO GROUPS e
XREADGROUP GROUP g x COUNT 1 STREAMS e >
XINFO GROUPS e
XREADGROUP GROUP g x STREAMS e >
XINFO GROUPS e
XGROUP CREATE e late 0
XINFO GROUPS e
XTRIM e MINID 4
XINFO GROUPS e
XINFO STREAM e FULL
XCLAIM e g y 0 2-0 3-0 4-0 FORCE LASTID 7-0
XINFO GROUPS e
XCLAIM e g y 0 4-0 IDLE 1000000
XCLAIM e g y 100000000 4-0
XAUTOCLAIM e g z 100000000 0
XPENDING e g IDLE 100000000 - + 10
XPENDING e g IDLE 500000 - + 10
XPENDING e g - (4-0 10
XINFO CONSUMERS e g
`
	var cmds [][]string
	for _, line := range strings.Split(script, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			cmds = append(cmds, cmd(line))
		}
	}
	compareWithRedis(t, rs, cmds)
}

// randomCommands produces a command sequence that exercises adding with
// every ID form, ranges, deletion, trimming and consumer groups on two
// keys, with IDs from a small space so that collisions and errors occur.
func randomCommands(r *rand.Rand, n int) [][]string {
	keys := []string{"a", "b"}
	groups := []string{"g1", "g2"}
	consumers := []string{"c1", "c2", "c3"}
	var ms uint64 = 1
	randID := func() string {
		return fmt.Sprintf("%d-%d", r.Intn(int(ms)+3), r.Intn(4))
	}
	value := func() string {
		switch r.Intn(6) {
		case 0:
			return strconv.Itoa(r.Intn(100000) - 500)
		case 1:
			return strings.Repeat("x", r.Intn(700))
		default:
			return strings.Repeat("v", r.Intn(30))
		}
	}
	field := func() string { return []string{"f", "g", "123", "name"}[r.Intn(4)] }
	var out [][]string
	for len(out) < n {
		key := keys[r.Intn(len(keys))]
		group := groups[r.Intn(len(groups))]
		consumer := consumers[r.Intn(len(consumers))]
		switch op := r.Intn(100); {
		case op < 45:
			c := []string{"XADD", key}
			switch r.Intn(8) {
			case 0:
				c = append(c, "MAXLEN", "~", strconv.Itoa(r.Intn(250)))
			case 1:
				c = append(c, "MAXLEN", strconv.Itoa(r.Intn(250)))
			case 2:
				c = append(c, "MINID", "~", randID())
			case 3:
				c = append(c, "MAXLEN", "~", strconv.Itoa(r.Intn(300)), "LIMIT", strconv.Itoa(r.Intn(300)))
			}
			switch r.Intn(10) {
			case 0:
				c = append(c, randID())
			case 1, 2:
				c = append(c, fmt.Sprintf("%d-*", ms))
			default:
				if r.Intn(4) == 0 {
					ms++
				}
				c = append(c, fmt.Sprintf("%d-*", ms))
			}
			for p := r.Intn(3); p >= 0; p-- {
				c = append(c, field(), value())
			}
			out = append(out, c)
		case op < 50:
			out = append(out, []string{"XDEL", key, randID(), randID()})
		case op < 53:
			if r.Intn(2) == 0 {
				out = append(out, []string{"XTRIM", key, "MAXLEN", []string{"=", "~"}[r.Intn(2)], strconv.Itoa(r.Intn(300))})
			} else {
				out = append(out, []string{"XTRIM", key, "MINID", randID()})
			}
		case op < 58:
			c := []string{"XRANGE", key, randID(), "+", "COUNT", strconv.Itoa(r.Intn(5) + 1)}
			if r.Intn(2) == 0 {
				c = []string{"XREVRANGE", key, "+", "(" + randID(), "COUNT", strconv.Itoa(r.Intn(5) + 1)}
			}
			out = append(out, c)
		case op < 61:
			id := []string{"0", "$", randID()}[r.Intn(3)]
			c := []string{"XGROUP", "CREATE", key, group, id, "MKSTREAM"}
			if r.Intn(3) == 0 {
				c = append(c, "ENTRIESREAD", strconv.Itoa(r.Intn(20)))
			}
			out = append(out, c)
		case op < 62:
			c := []string{"XGROUP", "SETID", key, group, []string{"0", "$", randID()}[r.Intn(3)]}
			if r.Intn(2) == 0 {
				c = append(c, "ENTRIESREAD", strconv.Itoa(r.Intn(20)))
			}
			out = append(out, c)
		case op < 72:
			c := []string{"XREADGROUP", "GROUP", group, consumer, "COUNT", strconv.Itoa(r.Intn(4) + 1)}
			if r.Intn(5) == 0 {
				c = append(c, "NOACK")
			}
			id := ">"
			if r.Intn(4) == 0 {
				id = "0"
			}
			out = append(out, append(c, "STREAMS", key, id))
		case op < 76:
			out = append(out, []string{"XACK", key, group, randID(), randID()})
		case op < 79:
			c := []string{"XCLAIM", key, group, consumer, "0", randID(), randID()}
			switch r.Intn(4) {
			case 0:
				c = append(c, "JUSTID")
			case 1:
				c = append(c, "FORCE", "RETRYCOUNT", strconv.Itoa(r.Intn(5)))
			case 2:
				c = append(c, "LASTID", randID())
			}
			out = append(out, c)
		case op < 82:
			c := []string{"XAUTOCLAIM", key, group, consumer, "0", randID(), "COUNT", strconv.Itoa(r.Intn(4) + 1)}
			if r.Intn(3) == 0 {
				c = append(c, "JUSTID")
			}
			out = append(out, c)
		case op < 85:
			out = append(out, []string{"XPENDING", key, group})
			out = append(out, []string{"XPENDING", key, group, "-", "+", "5", consumer})
		case op < 86:
			out = append(out, []string{"XGROUP", "DELCONSUMER", key, group, consumer})
		case op < 87:
			out = append(out, []string{"XGROUP", "CREATECONSUMER", key, group, consumer})
		case op < 88:
			if r.Intn(4) == 0 {
				out = append(out, []string{"XGROUP", "DESTROY", key, group})
			}
		case op < 89:
			out = append(out, []string{"XSETID", key, fmt.Sprintf("%d-%d", ms, r.Intn(10))})
		case op < 94:
			out = append(out, []string{"XINFO", "GROUPS", key}, []string{"XINFO", "STREAM", key})
		case op < 96:
			out = append(out, []string{"XINFO", "STREAM", key, "FULL", "COUNT", strconv.Itoa(r.Intn(4))})
		case op < 97:
			out = append(out, []string{"XINFO", "CONSUMERS", key, group})
		default:
			out = append(out, []string{"XLEN", key})
		}
	}
	return out
}

func TestRedisRandom(t *testing.T) {
	rs := startRedis(t)
	for seed := int64(1); seed <= 6; seed++ {
		r := rand.New(rand.NewSource(seed))
		cmds := randomCommands(r, 4000)
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { compareWithRedis(t, rs, cmds) })
	}
}

// TestRedisApproxTrim checks that XADD MAXLEN ~ and MINID ~ leave exactly
// as many entries, in as many nodes, as Redis, with entries of many sizes
// (the node byte limit decides too) and long streams (the default LIMIT
// decides too).
func TestRedisApproxTrim(t *testing.T) {
	rs := startRedis(t)
	r := rand.New(rand.NewSource(7))
	var cmds [][]string
	add := func(key string, trim []string, id uint64, size int) {
		c := append([]string{"XADD", key}, trim...)
		c = append(c, fmt.Sprintf("%d-0", id), "field", strings.Repeat("z", size))
		cmds = append(cmds, c)
	}
	id := uint64(0)
	for i := 0; i < 3000; i++ {
		id++
		add("small", []string{"MAXLEN", "~", strconv.Itoa(50 + r.Intn(400))}, id, r.Intn(20))
		add("big", []string{"MAXLEN", "~", "100"}, id, 20+r.Intn(300))
		add("minid", []string{"MINID", "~", strconv.FormatUint(id-uint64(min(int(id), r.Intn(500))), 10)}, id, r.Intn(60))
		if i%100 == 0 {
			for _, k := range []string{"small", "big", "minid"} {
				cmds = append(cmds, []string{"XLEN", k}, []string{"XINFO", "STREAM", k})
			}
		}
	}
	// Clock-like IDs with big gaps and numeric fields: the listpack sizes of
	// ID deltas and integers decide where nodes split.
	ts := uint64(1700000000000)
	for i := 0; i < 3000; i++ {
		ts += uint64(r.Intn(3) * r.Intn(200000))
		c := []string{"XADD", "ts", "MAXLEN", "~", "150", fmt.Sprintf("%d-%d", ts, i*r.Intn(70000))}
		for p := r.Intn(4); p >= 0; p-- {
			c = append(c, strconv.Itoa(r.Intn(3)), strconv.Itoa(r.Intn(1<<uint(r.Intn(40)))-r.Intn(9000)))
		}
		if r.Intn(10) == 0 {
			c = append(c, "text", strings.Repeat("t", r.Intn(200)))
		}
		cmds = append(cmds, c)
		if i%40 == 0 {
			cmds = append(cmds, []string{"XINFO", "STREAM", "ts"})
		}
	}
	// Deleted entries still count towards a node's 100 entries.
	for i := 0; i < 2000; i++ {
		id++
		add("holes", []string{"MAXLEN", "~", "300"}, id, r.Intn(3))
		if r.Intn(3) == 0 {
			cmds = append(cmds, []string{"XDEL", "holes", fmt.Sprintf("%d-0", id-uint64(r.Intn(30)))})
		}
		if i%50 == 0 {
			cmds = append(cmds, []string{"XINFO", "STREAM", "holes"})
		}
	}
	for i := 0; i < 25000; i++ {
		id++
		add("long", nil, id, 1)
	}
	add("long", []string{"MAXLEN", "~", "10"}, id+1, 1)
	cmds = append(cmds, []string{"XLEN", "long"}, []string{"XINFO", "STREAM", "long"})
	add("long", []string{"MAXLEN", "~", "10", "LIMIT", "250"}, id+2, 1)
	cmds = append(cmds, []string{"XLEN", "long"}, []string{"XINFO", "STREAM", "long"})
	compareWithRedis(t, rs, cmds)
}
