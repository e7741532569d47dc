package server_test

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Scenarios of Redis's own list test suite (tests/unit/type/list.tcl,
// list-2.tcl, list-3.tcl), replayed against sundial and redis-server.

// suiteLarge are the values list-common.tcl pushes to get each kind of
// node, plus one past the 8 KiB node size.
var suiteLarge = map[string]string{
	"small":  "hello",
	"medium": strings.Repeat("hello", 4),
	"large":  strings.Repeat("x", 8192),
}

// sq quotes s for a differential command line.
func sq(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		ch := s[i]
		plain = ch > ' ' && ch < 0x7f && ch != '"' && ch != '\'' && ch != '\\'
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= ' ' && ch < 0x7f && ch != '"' && ch != '\\' {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "\\x%02x", ch)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// cmd joins a command and its (quoted) arguments.
func cmd(name string, args ...string) string {
	parts := []string{name}
	for _, a := range args {
		parts = append(parts, sq(a))
	}
	return strings.Join(parts, " ")
}

// createList is list.tcl's create_list: one RPUSH per entry, then the
// encoding check.
func createList(key string, entries ...string) []string {
	out := []string{cmd("DEL", key)}
	for _, e := range entries {
		out = append(out, cmd("RPUSH", key, e))
	}
	return append(out, cmd("OBJECT", "ENCODING", key))
}

// seq concatenates command lists.
func seq(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			out = append(out, v)
		case []string:
			out = append(out, v...)
		default:
			panic(fmt.Sprintf("seq: %T", p))
		}
	}
	return out
}

func TestDiffSuiteList(t *testing.T) {
	var cases []testserver.Case
	add := func(name string, parts ...any) {
		cases = append(cases, C(name, seq(parts...)...))
	}
	for _, typ := range []string{"small", "medium", "large"} {
		lg := suiteLarge[typ]
		add("lpos basic "+typ, cmd("RPUSH", "mylist", "a", "b", "c", lg, "2", "3", "c", "c"),
			"LPOS mylist a", "LPOS mylist c",
			"LPOS mylist c RANK 1", "LPOS mylist c RANK 2", "LPOS mylist c RANK 4", "LPOS mylist c RANK -1", "LPOS mylist c RANK -2",
			"LPOS mylist c RANK 0", "LPOS mylist c RANK -9223372036854775808",
			"LPOS mylist c COUNT 0", "LPOS mylist c COUNT 1", "LPOS mylist c COUNT 2", "LPOS mylist c COUNT 100",
			"LPOS mylist c COUNT 0 RANK 2", "LPOS mylist c COUNT 2 RANK -1",
			"LPOS mylistxxx c COUNT 0 RANK 2",
			"LPOS mylist x COUNT 2 RANK -1", "LPOS mylist x RANK -1",
			"LPOS mylist a COUNT 0 MAXLEN 1", "LPOS mylist c COUNT 0 MAXLEN 1", "LPOS mylist c COUNT 0 MAXLEN 3",
			"LPOS mylist c COUNT 0 MAXLEN 3 RANK -1", "LPOS mylist c COUNT 0 MAXLEN 7 RANK 2",
			cmd("LPOS", "mylist", lg), cmd("LPOS", "mylist", lg, "RANK", "-1", "COUNT", "0"),
			"DEL mylist", "LPUSH mylist a", "LPOS mylist b COUNT 10 RANK 5")
		add("push llen lindex pop "+typ,
			cmd("LPUSH", "mylist1", lg), "OBJECT ENCODING mylist1", "RPUSH mylist1 b", "RPUSH mylist1 c", "LLEN mylist1",
			"LINDEX mylist1 0", "LINDEX mylist1 1", "LINDEX mylist1 2", "LINDEX mylist1 3", "RPOP mylist1", "LPOP mylist1",
			cmd("RPUSH", "mylist2", lg), "LPUSH mylist2 b", "LPUSH mylist2 c", "OBJECT ENCODING mylist2", "LLEN mylist2",
			"LINDEX mylist2 0", "LINDEX mylist2 1", "LINDEX mylist2 2", "LINDEX mylist2 3", "RPOP mylist2", "LPOP mylist2",
			"DEL mylist2", "EXISTS mylist2", "LLEN mylist2")
		add("pop with count "+typ, cmd("LPUSH", "listcount", "aa", lg, "cc", "dd", "ee", "ff", "gg"),
			"LPOP listcount 1", "LPOP listcount 2", "RPOP listcount 2", "RPOP listcount 1", "RPOP listcount 123",
			"LPOP forbarqaz -123", "EXISTS listcount")
		// Blocking pops served at once from existing lists.
		add("bpop single existing list "+typ, createList("blist", "a", "b", lg, "c", "d"),
			"BLPOP blist 1", "BRPOP blist 1", "BLPOP blist 1", "BRPOP blist 1", "LLEN blist",
			createList("blist", "a", "b", lg, "c", "d"),
			"BLMPOP 1 1 blist left count 1", "BLMPOP 1 1 blist right count 1", "BLMPOP 1 1 blist left count 1",
			"BLMPOP 1 1 blist right count 1", "LLEN blist")
		add("bpop multiple existing lists "+typ, createList("blist1", "a", lg, "c"), createList("blist2", "d", lg, "f"),
			"BLPOP blist1 blist2 1", "BRPOP blist1 blist2 1", "LLEN blist1", "LLEN blist2",
			"BLPOP blist2 blist1 1", "BRPOP blist2 blist1 1", "LLEN blist1", "LLEN blist2",
			createList("blist1", "a", lg, "c"), createList("blist2", "d", lg, "f"),
			"BLMPOP 1 2 blist1 blist2 left count 1", "BLMPOP 1 2 blist1 blist2 right count 1",
			"BLMPOP 1 2 blist2 blist1 left count 1", "BLMPOP 1 2 blist2 blist1 right count 1", "LLEN blist1", "LLEN blist2")
		add("bpop second list has an entry "+typ, "DEL blist1", createList("blist2", "d", lg, "f"),
			"BLPOP blist1 blist2 1", "BRPOP blist1 blist2 1", "LLEN blist1", "LLEN blist2",
			createList("blist2", "d", lg, "f"),
			"BLMPOP 1 2 blist1 blist2 left count 1", "BLMPOP 1 2 blist1 blist2 right count 1", "LLEN blist1", "LLEN blist2")
		add("brpoplpush existing "+typ, "RPUSH target bar", createList("blist", "a", "b", lg, "c", "d"),
			"BRPOPLPUSH blist target 1", "LPOP target", "LRANGE blist 0 -1")
		for _, from := range []string{"left", "right"} {
			for _, to := range []string{"left", "right"} {
				add(fmt.Sprintf("blmove existing %s %s %s", from, to, typ), "RPUSH target bar",
					createList("blist", "a", "b", lg, "c", "d"),
					cmd("BLMOVE", "blist", "target", from, to, "1"), "LRANGE blist 0 -1", "LRANGE target 0 -1", "OBJECT ENCODING target")
				add(fmt.Sprintf("lmove base case %s %s %s", from, to, typ), "DEL mylist1 mylist2",
					createList("mylist1", "a", lg, "c", "d"), createList("mylist3", "c", "d", lg, "a"),
					cmd("LMOVE", "mylist1", "mylist2", from, to), cmd("LMOVE", "mylist1", "mylist2", from, to),
					cmd("LMOVE", "mylist3", "mylist4", from, to), cmd("LMOVE", "mylist3", "mylist4", from, to),
					"LRANGE mylist1 0 -1", "LRANGE mylist2 0 -1", "LRANGE mylist3 0 -1", "LRANGE mylist4 0 -1",
					"OBJECT ENCODING mylist2")
				add(fmt.Sprintf("lmove same list %s %s %s", from, to, typ),
					createList("mylist", "a", lg, "c"), cmd("LMOVE", "mylist", "mylist", from, to), "LRANGE mylist 0 -1",
					createList("mylist", "c", "a", lg), cmd("LMOVE", "mylist", "mylist", from, to), "LRANGE mylist 0 -1")
				for _, other := range []string{"small", "large"} {
					ol := suiteLarge[other]
					add(fmt.Sprintf("lmove %s %s %s source %s target", from, to, typ, other),
						createList("dstlist", ol), createList("srclist", "a", "b", "c", lg), createList("srclist2", lg, "c", "a", "b"),
						cmd("LMOVE", "srclist", "dstlist", from, to), cmd("LMOVE", "srclist", "dstlist", from, to),
						cmd("LMOVE", "srclist2", "dstlist", from, to), cmd("LMOVE", "srclist2", "dstlist", from, to),
						"LRANGE srclist 0 -1", "LRANGE srclist2 0 -1", "LRANGE dstlist 0 -1", "OBJECT ENCODING dstlist")
				}
			}
		}
		add("rpoplpush base case "+typ, "DEL mylist1 mylist2", createList("mylist1", "a", lg, "c", "d"),
			"RPOPLPUSH mylist1 mylist2", "RPOPLPUSH mylist1 mylist2", "RPOPLPUSH mylist1 mylist2",
			"LRANGE mylist1 0 -1", "LRANGE mylist2 0 -1", "OBJECT ENCODING mylist1", "OBJECT ENCODING mylist2")
		add("rpoplpush same list "+typ, createList("mylist", "a", lg, "c"), "LRANGE mylist 0 -1",
			"RPOPLPUSH mylist mylist", "LRANGE mylist 0 -1")
		for _, other := range []string{"small", "large"} {
			add(fmt.Sprintf("rpoplpush %s source %s target", typ, other),
				createList("srclist", "a", "b", "c", lg), createList("dstlist", suiteLarge[other]),
				"RPOPLPUSH srclist dstlist", "RPOPLPUSH srclist dstlist", "LRANGE srclist 0 -1", "LRANGE dstlist 0 -1",
				"OBJECT ENCODING dstlist")
		}
		add("rpoplpush non list dst "+typ, createList("srclist", "a", lg, "c", "d"), "SET dstlist x",
			"RPOPLPUSH srclist dstlist", "TYPE dstlist", "LRANGE srclist 0 -1")
		add("lpushx rpushx "+typ, createList("xlist", lg, "c"), "RPUSHX xlist d", "LPUSHX xlist a", "RPUSHX xlist 42 x",
			"LPUSHX xlist y3 y2 y1", "LRANGE xlist 0 -1")
		add("linsert "+typ, createList("xlist", "a", lg, "c", "d"),
			"LINSERT xlist before c zz", "LRANGE xlist 0 10", "LINSERT xlist after c yy", "LRANGE xlist 0 10",
			"LINSERT xlist after d dd", "LINSERT xlist after bad ddd", "LRANGE xlist 0 10",
			"LINSERT xlist before a aa", "LINSERT xlist before bad aaa", "LRANGE xlist 0 10",
			"LINSERT xlist before aa 42", "LRANGE xlist 0 0", cmd("LINSERT", "xlist", "after", lg, lg), "LRANGE xlist 0 -1",
			"LINSERT xlist aft3r aa 42")
		add("basic lpop rpop lmpop "+typ, createList("mylist", lg, "1", "2"),
			"LPOP mylist", "RPOP mylist", "LPOP mylist", "LLEN mylist", "LPOP mylist", "RPOP mylist",
			createList("mylist", lg, "1", "2"), "LMPOP 1 mylist left count 1", "LMPOP 2 mylist mylist right count 2", "EXISTS mylist")
		for _, num := range []int{250, 500} {
			var pushes []string
			for i := 0; i < num; i++ {
				if i == num/2 {
					pushes = append(pushes, cmd("LPUSH", "mylist", lg))
				}
				pushes = append(pushes, fmt.Sprintf("LPUSH mylist %d", i))
			}
			var pops []string
			for i := 0; i < num/2+1; i++ {
				pops = append(pops, "LPOP mylist", "RPOP mylist")
			}
			add(fmt.Sprintf("mass rpop lpop %d %s", num, typ), pushes, "OBJECT ENCODING mylist", pops, "EXISTS mylist")
		}
		add("lmpop single existing list "+typ,
			createList("mylist", "a", "b", lg, "d", "e", "f"),
			"LMPOP 2 mylist mylist left count 2", "LMPOP 2 mylist mylist right count 2", "LLEN mylist",
			createList("mylist", "a", "b", lg, "d", "e"), "DEL mylist2",
			"LMPOP 2 mylist mylist2 left count 1", "LLEN mylist", "LMPOP 2 mylist mylist2 right count 10",
			"LMPOP 2 mylist mylist2 right count 1",
			"DEL mylist", createList("mylist2", "1", "2", lg, "4", "5"),
			"LMPOP 2 mylist mylist2 right count 1", "LLEN mylist2", "LMPOP 2 mylist mylist2 left count 10", "EXISTS mylist mylist2")
		add("lmpop multiple existing lists "+typ,
			createList("mylist", "a", "b", lg, "d", "e"), createList("mylist2", "1", "2", lg, "4", "5"),
			"LMPOP 2 mylist mylist2 left count 2", "LLEN mylist", "LMPOP 2 mylist mylist2 right count 3", "EXISTS mylist",
			"LMPOP 2 mylist mylist2 left count 3", "LLEN mylist2", "LMPOP 2 mylist mylist2 right count 2", "EXISTS mylist",
			createList("mylist", "a", lg, "c"), createList("mylist2", "1", lg, "3"),
			"LMPOP 2 mylist mylist2 left count 10", "LLEN mylist", "LMPOP 2 mylist mylist2 right count 10", "LLEN mylist2",
			"EXISTS mylist mylist2")
		add("lrange "+typ, createList("mylist", lg, "1", "2", "3", "4", "5", "6", "7", "8", "9"),
			"LRANGE mylist 1 -2", "LRANGE mylist -3 -1", "LRANGE mylist 4 4", "LRANGE mylist 6 2",
			createList("mylist", lg, "1", "2", "3"), "LRANGE mylist -1000 1000", "LRANGE mylist 0 -4", "LRANGE mylist 0 -5",
			createList("mylist", "1", lg, "3"), "LRANGE mylist 1 0", "LRANGE mylist -1 -2", "LRANGE nosuchkey 0 1")
		for _, r := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 2}, {1, -1}, {1, -2}, {-2, -1}, {-1, -1}, {-5, -1}, {-10, 10}, {0, 5}, {0, 10}, {0, -5}, {0, -6}} {
			add(fmt.Sprintf("ltrim %d %d %s", r[0], r[1], typ), createList("mylist", "1", "2", "3", "4", lg),
				fmt.Sprintf("LTRIM mylist %d %d", r[0], r[1]), "LRANGE mylist 0 -1", "EXISTS mylist")
		}
		add("lset "+typ, createList("mylist", "99", "98", lg, "96", "95"), "LSET mylist 1 foo", "LSET mylist -1 bar",
			"LRANGE mylist 0 -1", "LSET mylist 10 foo", cmd("LSET", "mylist", "0", lg), "LRANGE mylist 0 -1", "OBJECT ENCODING mylist")
		add("lrem "+typ, createList("mylist", lg, "foo", "bar", "foobar", "foobared", "zap", "bar", "test", "foo"),
			"LREM mylist 0 bar", "LRANGE mylist 0 -1", "LREM mylist 1 foo", "LRANGE mylist 0 -1",
			"LREM mylist 1 nosuchelement", "LRANGE mylist 0 -1",
			createList("mylist", lg, "foo", "bar", "foobar", "foobared", "zap", "bar", "test", "foo", "foo"),
			"LREM mylist -1 bar", "LRANGE mylist 0 -1", "LREM mylist -2 foo", "LRANGE mylist 0 -1",
			createList("myotherlist", lg, "1", "2", "3"), "LREM myotherlist 1 2", "LLEN myotherlist",
			cmd("LREM", "myotherlist", "0", lg), "LRANGE myotherlist 0 -1")
	}
	add("pop wrong number of arguments", "LPOP key 1 1", "RPOP key 2 2")
	add("pop count zero and missing key", "LPUSH listcount zero", "LPOP listcount 0", "RPOP listcount 0",
		"DEL non_existing_key", "LPOP non_existing_key", "RPOP non_existing_key",
		"LPOP non_existing_key 0", "LPOP non_existing_key 1", "RPOP non_existing_key 0", "RPOP non_existing_key 1")
	add("variadic push", "DEL mylist", "LPUSH mylist a b c d", "RPUSH mylist 0 1 2 3", "LRANGE mylist 0 -1")
	add("r/lpop against empty list", "LPOP non-existing-list")
	add("brpoplpush inside a transaction", "LPUSH xlist foo", "LPUSH xlist bar", "MULTI",
		"BRPOPLPUSH xlist target 0", "BRPOPLPUSH xlist target 0", "BRPOPLPUSH xlist target 0",
		"LRANGE xlist 0 -1", "LRANGE target 0 -1", "EXEC")
	add("blpop inside a transaction", "LPUSH xlist foo", "LPUSH xlist bar", "MULTI",
		"BLPOP xlist 0", "BLPOP xlist 0", "BLPOP xlist 0", "EXEC")
	add("blmpop inside a transaction", "LPUSH xlist foo", "LPUSH xlist bar", "MULTI",
		"BLMPOP 0 1 xlist left count 1", "BLMPOP 0 1 xlist left count 1", "BLMPOP 0 1 xlist left count 1", "EXEC")
	add("blmove inside a transaction", "LPUSH xlist foo bar", "MULTI", "BLMOVE xlist t left right 0",
		"BLMOVE xlist t right left 0", "BLMOVE xlist t left left 0", "LRANGE t 0 -1", "EXEC")
	add("blpop timeout value out of range", "BLPOP blist1 0x7FFFFFFFFFFFFF", "BRPOP blist1 1e300", "BLMPOP 0x7FFFFFFFFFFFFF 1 blist1 LEFT", "BLMOVE a b LEFT LEFT 0x7FFFFFFFFFFFFF",
		"BRPOPLPUSH a b 0x7FFFFFFFFFFFFF")
	for _, pop := range []string{"BLPOP blist1 %s", "BRPOP blist1 %s", "BLMPOP %s 1 blist1 left count 1", "BLMPOP %s 1 blist1 right count 1"} {
		add("negative and tiny timeout "+strings.ReplaceAll(pop, "%s", "T"), fmt.Sprintf(pop, "-1"), fmt.Sprintf(pop, "0.001"),
			fmt.Sprintf(pop, "-0.5"), fmt.Sprintf(pop, "1.1.1"))
	}
	add("bpop second argument is not a list", "SET blist2 nolist", "BLPOP blist1 blist2 1", "BRPOP blist1 blist2 1",
		"BLMPOP 1 2 blist1 blist2 left count 1", "BLMPOP 1 2 blist1 blist2 right count 1")
	add("bpop timeout", "BLPOP blist1 blist2 0.02", "BRPOP blist1 blist2 0.02",
		"BLMPOP 0.02 2 blist1 blist2 left count 1", "BLMPOP 0.02 2 blist1 blist2 right count 1",
		"BRPOPLPUSH foo_list bar_list 0.02", "BLMOVE foo_list bar_list left right 0.02", "EXISTS blist1 blist2 foo_list bar_list")
	add("lpop rpop lmpop against empty list", "LPOP non-existing-list", "RPOP non-existing-list2",
		"LMPOP 1 non-existing-list left count 1", "LMPOP 1 non-existing-list left count 10",
		"LMPOP 2 non-existing-list non-existing-list2 right count 1", "LMPOP 2 non-existing-list non-existing-list2 right count 10")
	add("pops against non list value", "SET notalist foo", "LPOP notalist", "BLPOP notalist 0", "RPOP notalist", "BRPOP notalist 0",
		"LMPOP 2 notalist notalist2 left count 1", "BLMPOP 0 2 notalist notalist2 left count 1",
		"DEL notalist", "SET notalist2 nolist", "LMPOP 2 notalist notalist2 right count 10", "BLMPOP 0 2 notalist notalist2 left count 1")
	add("lmpop illegal arguments", "LMPOP", "LMPOP 1", "LMPOP 1 mylist",
		"LMPOP 0 mylist LEFT", "LMPOP a mylist LEFT", "LMPOP -1 mylist RIGHT",
		"LMPOP 1 mylist bad_where", "LMPOP 1 mylist LEFT bar_arg", "LMPOP 1 mylist RIGHT LEFT", "LMPOP 1 mylist COUNT",
		"LMPOP 1 mylist LEFT COUNT 1 COUNT 2", "LMPOP 2 mylist mylist2 bad_arg",
		"LMPOP 1 mylist LEFT COUNT 0", "LMPOP 1 mylist RIGHT COUNT a", "LMPOP 1 mylist LEFT COUNT -1",
		"LMPOP 2 mylist mylist2 RIGHT COUNT -1", "RPUSH mylist a", "LMPOP 1 mylist LEFT COUNT 0", "LMPOP 1 mylist LEFT COUNT 1 COUNT 2",
		"LMPOP 2 mylist LEFT", "LMPOP 3 mylist LEFT", "LMPOP 1 mylist LEFT COUNT 1 bad")
	add("blmpop illegal arguments", "BLMPOP", "BLMPOP 0", "BLMPOP 0 1", "BLMPOP 0 1 mylist",
		"BLMPOP 0 0 mylist LEFT", "BLMPOP 0 a mylist LEFT", "BLMPOP 0 -1 mylist RIGHT",
		"BLMPOP 0 1 mylist bad_where", "BLMPOP 0 1 mylist LEFT bar_arg", "BLMPOP 0 1 mylist RIGHT LEFT", "BLMPOP 0 1 mylist COUNT",
		"BLMPOP 0 1 mylist LEFT COUNT 1 COUNT 2", "BLMPOP 0 2 mylist mylist2 bad_arg",
		"BLMPOP 0 1 mylist LEFT COUNT 0", "BLMPOP 0 1 mylist RIGHT COUNT a", "BLMPOP 0 1 mylist LEFT COUNT -1",
		"BLMPOP 0 2 mylist mylist2 RIGHT COUNT -1", "BLMPOP a 1 mylist LEFT", "BLMPOP -1 1 mylist LEFT COUNT 0")
	add("lpushx rpushx generic", "DEL xlist", "LPUSHX xlist a", "LLEN xlist", "RPUSHX xlist a", "LLEN xlist")
	add("linsert against non-list and missing", "SET k1 v1", "LINSERT k1 after 0 0", "LINSERT not-a-key before 0 0",
		"LINSERT k1 aft3r 0 0", "LINSERT not-a-key aft3r 0 0")
	for _, num := range []int{250, 500} {
		parts := []any{}
		for i := 0; i < num; i++ {
			parts = append(parts, fmt.Sprintf("RPUSH mylist %d", i))
		}
		parts = append(parts, "OBJECT ENCODING mylist")
		rng := rand.New(rand.NewSource(int64(num)))
		for i := 0; i < num; i++ {
			parts = append(parts, fmt.Sprintf("LINDEX mylist %d", i), fmt.Sprintf("LINDEX mylist %d", -i-1))
			r := rng.Intn(num)
			parts = append(parts, fmt.Sprintf("LINDEX mylist %d", r), fmt.Sprintf("LINDEX mylist %d", -r-1))
		}
		add(fmt.Sprintf("lindex consistency %d", num), parts...)
	}
	add("non-list value errors", "SET mylist foobar", "LLEN mylist", "LLEN not-a-key", "LINDEX mylist 0",
		"LINDEX not-a-key 10", "LPUSH mylist 0", "RPUSH mylist 0", "LSET nosuchkey 10 foo", "SET nolist foobar", "LSET nolist 0 foo")
	add("rpoplpush against missing and non list", "RPOPLPUSH srclist dstlist", "EXISTS srclist dstlist",
		"SET srclist x", "RPOPLPUSH srclist dstlist", "TYPE srclist", "EXISTS newlist", "DEL srclist",
		"RPOPLPUSH srclist dstlist")
	add("regression bug 593 same commands", "LPUSH a data", "BRPOPLPUSH a b 0", "BRPOPLPUSH b c 0", "LRANGE c 0 -1", "PING")
	// List of various encodings (without DUMP, whose payload is sundial's own).
	add("list of various encodings", "LPUSH k 127", "LPUSH k 32767", "LPUSH k 2147483647", "LPUSH k 9223372036854775808",
		"LPUSH k 0", "LPUSH k 12", cmd("LPUSH", "k", strings.Repeat("x", 31)), cmd("LPUSH", "k", strings.Repeat("x", 8191)),
		cmd("LPUSH", "k", strings.Repeat("x", 65535)), "OBJECT ENCODING k", "LRANGE k 0 -1",
		"LINDEX k 5", "LINDEX k -5", "LPOS k foo RANK 1", "LPOS k foo RANK -1", "!MEMORY USAGE k",
		"LPOP k", "LPOP k", "LPOP k", "LRANGE k 0 -1", "LPOS k 9223372036854775808", "LPOS k 127 RANK -1", "LREM k 0 0", "LRANGE k 0 -1")
	add("lpush integers of every width", "RPUSH k -1 -128 -129 -32768 -32769 -8388608 -8388609 -2147483648 -2147483649",
		"RPUSH k -9223372036854775808 -9223372036854775809 18446744073709551615 18446744073709551616 01 +1 1.0 0x10 \" 1\" -0",
		"LRANGE k 0 -1", "LPOS k -0", "LPOS k 0", "LPOS k 01", "LREM k 1 1", "LRANGE k 0 -1", "LINSERT k BEFORE -1 00", "LINDEX k 0")
	// DUMP/RESTORE of a list round-trips within each server.
	add("dump restore roundtrip", "RPUSH k 127 32767 abc", cmd("RPUSH", "k", strings.Repeat("x", 9000)),
		"!DUMP k", "LRANGE k 0 2", "LLEN k")
	// Argument parsing and edge cases around the same commands.
	cases = append(cases, []testserver.Case{
		C("num parse", "RPUSH l a b c", "LINDEX l +1", "LINDEX l 01", "LINDEX l \" 1\"", "LINDEX l \"1 \"", "LINDEX l -0", "LINDEX l 1e0", "LINDEX l \"\"",
			"LRANGE l +0 +1", "LRANGE l 00 -01", "LTRIM l +0 -1", "LSET l +1 x", "LREM l +0 x", "LREM l -0 x", "LPOP l +1", "LPOP l 01", "RPOP l \"\"",
			"LPOS l a RANK +1", "LPOS l a COUNT +0", "LPOS l a MAXLEN 00", "LMPOP +1 l LEFT COUNT +1", "LMPOP 01 l LEFT", "BLPOP l +0", "BLPOP l .5", "BLPOP l 0x0", "BLPOP l 1e-1"),
		C("lpos odd", "RPUSH l a b a", "LPOS l a RANK 1 COUNT 0 MAXLEN 0", "LPOS l a rank -1 count 1 maxlen 2", "LPOS l a MAXLEN 9223372036854775807",
			"LPOS l a COUNT 9223372036854775807", "LPOS l a COUNT 9223372036854775808", "LPOS l a RANK 9223372036854775808", "LPOS l a MAXLEN 9223372036854775808",
			"LPOS l a RANK -9223372036854775807 COUNT 0", "LPOS nokey a RANK x", "LPOS nokey a COUNT -1", "LPOS nokey a BAD"),
		C("lpop count parse", "RPUSH l a", "LPOP l 0x1", "LPOP l -0", "RPOP l 9223372036854775807", "LPOP nokey -1", "LPOP nokey x"),
		C("lmpop numkeys", "LMPOP 2147483648 a LEFT", "LMPOP 9223372036854775808 a LEFT", "LMPOP 1 a LEFT COUNT 9223372036854775808", "LMPOP 1 a LEFT COUNT 2147483648", "BLMPOP 0 2147483648 a LEFT", "LMPOP 2 a b c LEFT", "LMPOP 1 a left COUNT 1 x"),
		C("linsert where case", "RPUSH l a", "LINSERT l BeFoRe a x", "LINSERT l aFTER a y", "LRANGE l 0 -1", "LMOVE l l Left rIGHT", "LRANGE l 0 -1"),
		C("lset after ltrim", "RPUSH l a b c d e", "LTRIM l 1 -2", "LSET l 0 x", "LSET l 2 y", "LSET l 3 z", "LRANGE l 0 -1"),
		C("lrem count extremes", "RPUSH l a a a", "LREM l 9223372036854775807 a", "RPUSH l a a", "LREM l 9223372036854775808 a", "LREM l -9223372036854775809 a"),
		C("ltrim extremes", "RPUSH l a b c", "LTRIM l -9223372036854775808 9223372036854775807", "LRANGE l 0 -1", "LTRIM l 9223372036854775807 -9223372036854775808", "EXISTS l"),
		C("copy and restore of list", "RPUSH l a b", "COPY l m", "LRANGE m 0 -1", "OBJECT ENCODING m", "RENAME m n", "LRANGE n 0 -1"),
		C("sort store list", "RPUSH l 3 1 2", "SORT l STORE m", "LRANGE m 0 -1", "OBJECT ENCODING m", "SORT l BY nosort STORE m", "LRANGE m 0 -1"),
		C("lmove to wrongtype keeps src", "RPUSH s a b", "SET d x", "LMOVE s d LEFT LEFT", "LRANGE s 0 -1", "RPOPLPUSH s d", "BLMOVE s d RIGHT RIGHT 0", "LRANGE s 0 -1"),
		C("list errors order", "SET s x", "LPOP s -1", "LPOS s a RANK 0", "LINSERT s bad a b", "LRANGE s x 1", "LSET s x v", "LREM s x a", "LTRIM s x 1", "LINDEX s x", "LMPOP 1 s LEFT COUNT 0", "LMOVE s d BAD LEFT"),
		C("object freq refcount", "RPUSH l a", "OBJECT REFCOUNT l", "!OBJECT IDLETIME l", "TYPE l"),
		C("big lrange", rpushMany("l", 0, 3000), "LRANGE l 0 -1"),
		C("lua blocking", "RPUSH l a b c", "EVAL \"return redis.call('blpop', KEYS[1], 0)\" 1 l", "EVAL \"return redis.call('blpop', 'nokey', 0)\" 0",
			"EVAL \"return redis.call('blmpop', 0, 1, 'nokey', 'left')\" 0", "EVAL \"return redis.call('blmove', 'nokey', 'x', 'left', 'left', 0)\" 0",
			"EVAL \"return redis.call('brpoplpush', KEYS[1], 'x', 0)\" 1 l", "EVAL \"return redis.call('blmpop', 0, 1, KEYS[1], 'right', 'count', 5)\" 1 l",
			"EVAL \"return redis.call('lpop', 'nokey', 2)\" 0", "EVAL \"return redis.call('lpos', 'x', 'c', 'count', 0)\" 0",
			"EVAL \"redis.setresp(3); return redis.call('lpop', 'nokey', 2)\" 0", "EVAL \"redis.setresp(3); return redis.call('blpop', 'nokey', 0)\" 0",
			"EVAL \"redis.setresp(3); return redis.call('lpop', 'nokey')\" 0", "EVAL \"return redis.pcall('blpop', 'nokey', -1)\" 0",
			"EVAL \"return redis.call('lpop', KEYS[1], 0)\" 1 x", "EVAL \"return redis.call('lmpop', 1, KEYS[1], 'left')\" 1 x"),
		C("multi errors", "MULTI", "LPOP l 1 2", "LPUSH", "EXEC", "MULTI", "LPOP l -1", "RPUSH l a", "LPOS l a RANK 0", "LRANGE l 0 -1", "EXEC"),
		C("sort on lists", "RPUSH l 3 1 2 10", "SORT l", "SORT l DESC LIMIT 0 2", "SORT l ALPHA", "SORT_RO l", "SORT l STORE d", "LRANGE d 0 -1", "OBJECT ENCODING d", "SORT nokey STORE d", "EXISTS d"),
		C("object and type", "RPUSH l a", "TYPE l", "OBJECT ENCODING l", "OBJECT FREQ l", "EXPIRE l 100", "TTL l", "LPOP l", "TTL l", "EXISTS l"),
		C("lpush keeps ttl", "RPUSH l a", "EXPIRE l 100", "RPUSH l b", "TTL l", "LTRIM l 0 0", "TTL l", "LSET l 0 z", "TTL l", "RPOPLPUSH l l", "TTL l", "LMOVE l m LEFT LEFT", "TTL m", "EXISTS l"),
		C("rename and scan type", "RPUSH l a", "SET s x", "SCAN 0 TYPE list", "RENAME l l2", "LRANGE l2 0 -1", "~KEYS *", "!RANDOMKEY"),
	}...)
	cases = append(cases, suiteList2Cases()...)
	cases = append(cases, suiteList3Cases()...)
	diff(t, cases)
}

// suiteList2Cases is list-2.tcl: LTRIM stress testing against a model.
func suiteList2Cases() []testserver.Case {
	var cases []testserver.Case
	for _, typ := range []string{"small", "large"} {
		rng := rand.New(rand.NewSource(42))
		const startlen = 32
		cmds := []string{cmd("RPUSH", "mylist", suiteLarge[typ])}
		n := 1
		var push []string
		for i := 0; i < startlen; i++ {
			push = append(push, strconv.FormatInt(rng.Int63(), 10))
		}
		cmds = append(cmds, cmd("RPUSH", append([]string{"mylist"}, push...)...))
		n += startlen
		for i := 0; i < 300; i++ {
			lo := rng.Intn(startlen)
			hi := lo + rng.Intn(startlen)
			cmds = append(cmds, fmt.Sprintf("LTRIM mylist %d %d", lo, hi), "LRANGE mylist 0 -1")
			// The new length, as LTRIM computes it.
			if lo >= n {
				n = 0
			} else {
				end := hi
				if end >= n {
					end = n - 1
				}
				n = end - lo + 1
			}
			if n < startlen {
				push = push[:0]
				for ; n < startlen; n++ {
					push = append(push, strconv.FormatInt(rng.Int63(), 10))
				}
				cmds = append(cmds, cmd("RPUSH", append([]string{"mylist"}, push...)...))
			}
		}
		cases = append(cases, C("ltrim stress "+typ, cmds...))
	}
	return cases
}

// suiteRandomValue is util.tcl's randomValue: integers of every width,
// floats and strings of every kind.
func suiteRandomValue(rng *rand.Rand) string {
	switch rng.Intn(6) {
	case 0:
		return strconv.FormatInt(rng.Int63n(1<<31), 10)
	case 1:
		return strconv.FormatInt(-rng.Int63n(1<<31), 10)
	case 2:
		return strconv.FormatInt(rng.Int63(), 10)
	case 3:
		return strconv.FormatFloat(rng.Float64()*1e9, 'f', -1, 64)
	case 4:
		b := make([]byte, rng.Intn(80))
		for i := range b {
			b[i] = byte('a' + rng.Intn(26))
		}
		return string(b)
	default:
		b := make([]byte, rng.Intn(40))
		for i := range b {
			b[i] = byte(rng.Intn(256))
		}
		return string(b)
	}
}

// suiteList3Cases is list-3.tcl: regressions, the #3343 stress tester and
// the value-encoding stress tests.
func suiteList3Cases() []testserver.Case {
	x := strings.Repeat
	weird := "BkG2o\\pIC]4YYJa9cJ4GWZalG[4tin;1D2whSkCOW`mX;SFXGyS8sedcff3fQI^tgPCC@^Nu1J6o]meM@Lko]t_jRyo<xSJ1oObDYd`ppZuW6P@fS278YaOx=s6lvdFlMbP0[SbkI^Kr\\HBXtuFaA^mDx:yzS4a[skiiPWhT<nNfAf=aQVfclcuwDrfe;iVuKdNvB9kbfq>tK?tH[\\EvWqS]b`o2OCtjg:?nUTwdjpcUm]y:pg5q24q7LlCOwQE^"
	cases := []testserver.Case{
		C("explicit regression for a list bug", "RPUSH l 49376042582", cmd("RPUSH", "l", weird), "LINDEX l 0", "LINDEX l 1"),
		C("regression for quicklist 3343", "LPUSH mylist 401", "LPUSH mylist 392",
			cmd("RPUSH", "mylist", x("x", 5105)+"799"), cmd("LSET", "mylist", "-1", x("x", 1014)+"702"), "LPOP mylist",
			cmd("LSET", "mylist", "-1", x("x", 4149)+"852"), cmd("LINSERT", "mylist", "before", "401", x("x", 9927)+"12"),
			"LRANGE mylist 0 -1", "PING"),
		C("check compression with recompress", "CONFIG SET list-compress-depth 1", "CONFIG SET list-max-ziplist-size 16",
			"RPUSH key a", cmd("RPUSH", "key", x("b", 50000)), "RPUSH key c", "LSET key 1 d", "RPOP key",
			cmd("RPUSH", "key", x("e", 5000)), "LINSERT key before f 1", "RPUSH key g", "LRANGE key 0 -1", "PING",
			"CONFIG SET list-compress-depth 0", "CONFIG SET list-max-ziplist-size -2"),
		C("wrongly recompress after lrem", "CONFIG SET list-compress-depth 2", "LPUSH key a",
			cmd("LPUSH", "key", x("a", 5000)), cmd("LPUSH", "key", x("b", 5000)), cmd("LPUSH", "key", x("c", 5000)),
			cmd("RPUSH", "key", x("x", 10000)+"969"), "RPUSH key b", "LREM key 1 a", "RPOP key",
			cmd("LREM", "key", "1", x("x", 10000)+"969"), "RPUSH key crash", "LRANGE key 0 -1", "PING",
			"CONFIG SET list-compress-depth 0"),
		C("linsert recompress before", "CONFIG SET list-compress-depth 1", "RPUSH key b", "RPUSH key c",
			cmd("LSET", "key", "-1", x("x", 8192)+"969"), "LPUSH key a", "RPUSH key d", "LINSERT key before b f", "RPOP key",
			"LRANGE key 0 -1", "CONFIG SET list-compress-depth 0"),
		C("linsert recompress after", "CONFIG SET list-compress-depth 1", "RPUSH key b", "RPUSH key c",
			cmd("LSET", "key", "0", x("x", 8192)+"969"), "LPUSH key a", "RPUSH key d", "LINSERT key after c f", "LPOP key",
			"LRANGE key 0 -1", "CONFIG SET list-compress-depth 0"),
		// Compression and plain-node scenarios of list.tcl, without DEBUG.
		C("compression insert and pop", "CONFIG SET list-compress-depth 2", "CONFIG SET list-max-ziplist-size 1",
			cmd("LPUSH", "list1", x("a", 500)), cmd("LPUSH", "list1", x("b", 500)), cmd("LPUSH", "list1", x("c", 500)),
			cmd("LPUSH", "list1", x("d", 500)), cmd("LINSERT", "list1", "after", x("d", 500), x("e", 500)),
			cmd("LINSERT", "list1", "after", x("d", 500), x("f", 500)), cmd("LINSERT", "list1", "after", x("d", 500), x("g", 500)),
			"LPOP list1", "LPOP list1", "LPOP list1", "LPOP list1", "LPOP list1", "LPOP list1", "LPOP list1", "LPOP list1",
			cmd("LPUSH", "list2", x("a", 500)), cmd("LINSERT", "list2", "after", x("a", 500), x("b", 500)),
			cmd("RPUSH", "list2", x("c", 500)), "LINDEX list2 1", "LTRIM list2 1 -1", "LLEN list2",
			cmd("LPUSH", "list3", x("a", 500)), cmd("LSET", "list3", "0", x("b", 500)), "LINDEX list3 0",
			cmd("LPUSH", "list3", x("c", 500)), cmd("LSET", "list3", "0", x("d", 500)), "LINDEX list3 0",
			"CONFIG SET list-compress-depth 0", "CONFIG SET list-max-ziplist-size -2"),
		C("plain node commands", "DEBUG QUICKLIST-PACKED-THRESHOLD 1b", "LPUSH lst 9", "LPUSH lst xxxxxxxxxx", "LPUSH lst xxxxxxxxxx", "LLEN lst", "RPOP lst", "RPOP lst",
			"LLEN lst", "LPOP lst", "DEL lst", "LPUSH lst xxxxxxxxxxx", "LPUSH lst 9", "LPUSH lst xxxxxxxxxxx",
			"LINSERT lst before 9 8", "LINDEX lst 1", "LINSERT lst BEFORE 9 7", "LINSERT lst BEFORE 9 xxxxxxxxxxx", "LINDEX lst 3",
			"LRANGE lst 0 -1", "DEL lst", "LPUSH lst1 9", "LPUSH lst1 xxxxxxxxxxx", "LPUSH lst1 9", "LTRIM lst1 1 -1", "LLEN lst1",
			"LPUSH lst one", "LPUSH lst xxxxxxxxxxx", "LPUSH lst 9", "LREM lst -2 one", "LLEN lst", "DEL lst",
			"RPUSH lst aa", "RPUSH lst bb", "RPUSH lst cc", "LSET lst 0 xxxxxxxxxxx", "LPOS lst xxxxxxxxxxx",
			"RPUSH lst2 aa", "RPUSH lst2 bb", "LSET lst2 0 xxxxxxxxxxx", "RPUSH lst2 cc", "RPUSH lst2 dd",
			"LMOVE lst2 lst3 RIGHT LEFT", "LMOVE lst2 lst3 LEFT RIGHT", "LLEN lst3", "LLEN lst2", "LPOP lst2", "LPOP lst2",
			"LPOP lst3", "LPOP lst3", "DEBUG QUICKLIST-PACKED-THRESHOLD 0"),
		C("lset packed and plain combinations", "DEBUG QUICKLIST-PACKED-THRESHOLD 5b", "RPUSH lst aa", "RPUSH lst bb", cmd("LSET", "lst", "0", x("d", 50001)),
			"LPOP lst", cmd("RPUSH", "lst", x("f", 50001)), cmd("LSET", "lst", "0", x("e", 50001)), "LPOP lst",
			cmd("RPUSH", "lst", x("m", 50001)), "LSET lst 0 bb", "LPOP lst", "RPUSH lst bb", "LSET lst 0 cc", "LPOP lst",
			"LRANGE lst 0 -1", "DEL lst", "RPUSH lst aa bb cc dd ee", cmd("LSET", "lst", "2", x("e", 10)),
			"LPOP lst", "LPOP lst", "LPOP lst", "LPOP lst", "LPOP lst", "EXISTS lst",
			"CONFIG SET list-max-ziplist-size 1", "DEBUG QUICKLIST-PACKED-THRESHOLD 1b", "RPUSH lst aa", "RPUSH lst bb",
			cmd("LSET", "lst", "0", x("d", 50001)), "LPOP lst", cmd("RPUSH", "lst", x("f", 50001)),
			cmd("LSET", "lst", "0", x("e", 50001)), "LPOP lst", "LSET lst 0 bb", "LRANGE lst 0 -1",
			"CONFIG SET list-max-ziplist-size -2", "DEBUG QUICKLIST-PACKED-THRESHOLD 0"),
		C("delete entry from a compressed node", "DEBUG QUICKLIST-PACKED-THRESHOLD 100b", "CONFIG SET list-compress-depth 1", cmd("RPUSH", "lst", x("x", 100)),
			cmd("RPUSH", "lst", x("x", 32)), cmd("RPUSH", "lst", x("x", 32)), cmd("LSET", "lst", "-1", x("x", 100)),
			"LRANGE lst 0 -1", "CONFIG SET list-compress-depth 0",
			"DEBUG QUICKLIST-PACKED-THRESHOLD 10b", "DEL lst", "LPUSH lst aa", "LPUSH lst bb", cmd("LSET", "lst", "-2", x("x", 10)),
			"RPOP lst", "LRANGE lst 0 -1", "DEBUG QUICKLIST-PACKED-THRESHOLD 0"),
		// Encoding conversions of list.tcl: Redis 7.0 keeps every list a
		// quicklist whatever the size settings.
		C("encoding conversion settings", "CONFIG SET list-max-listpack-size 3", "RPUSH lst a b c", "OBJECT ENCODING lst",
			"RPUSH lst d", "OBJECT ENCODING lst", "RPOP lst 3", "OBJECT ENCODING lst", "LINSERT lst after a "+x("y", 70),
			"LSET lst 0 "+x("z", 70), "OBJECT ENCODING lst", "LTRIM lst 1 1", "OBJECT ENCODING lst",
			"CONFIG SET list-max-listpack-size 0", "DEL lst", "RPUSH lst a", "OBJECT ENCODING lst", "RPUSH lst b", "OBJECT ENCODING lst",
			"CONFIG SET list-max-listpack-size -2", "CONFIG GET list-max-ziplist-size"),
		C("linsert on 256 entries", cmd("RPUSH", append([]string{"xlist"}, strings.Fields(x("a ", 256))...)...),
			"LINSERT xlist before a a", "LINSERT xlist after a a", "LINSERT xlist before foo a", "LINSERT xlist after foo a",
			"RPUSHX xlist b", "LPUSHX xlist "+x("b", 100), "LLEN xlist", "OBJECT ENCODING xlist"),
	}
	// The #3343 stress tester, at each compression depth, with a model of
	// the list to pick LREM targets as the TCL does with LINDEX.
	for _, comp := range []int{2, 1, 0} {
		rng := rand.New(rand.NewSource(int64(3343 + comp)))
		cmds := []string{fmt.Sprintf("CONFIG SET list-compress-depth %d", comp)}
		var model []string
		for j := 0; j < 400; j++ {
			var ele string
			if rng.Intn(2) == 0 {
				ele = strconv.Itoa(rng.Intn(1000))
			} else {
				ele = x("x", rng.Intn(10000)) + strconv.Itoa(rng.Intn(1000))
			}
			idx := 5 - rng.Intn(10)
			switch rng.Intn(7) {
			case 0:
				cmds = append(cmds, cmd("LPUSH", "key", ele))
				model = append([]string{ele}, model...)
			case 1:
				cmds = append(cmds, cmd("RPUSH", "key", ele))
				model = append(model, ele)
			case 2:
				cmds = append(cmds, "LPOP key")
				if len(model) > 0 {
					model = model[1:]
				}
			case 3:
				cmds = append(cmds, "RPOP key")
				if len(model) > 0 {
					model = model[:len(model)-1]
				}
			case 4:
				cmds = append(cmds, cmd("LSET", "key", strconv.Itoa(idx), ele))
				i := idx
				if i < 0 {
					i += len(model)
				}
				if i >= 0 && i < len(model) {
					model[i] = ele
				}
			case 5:
				pivot := strconv.Itoa(rng.Intn(1000))
				where := "before"
				if rng.Intn(2) == 1 {
					where = "after"
				}
				cmds = append(cmds, cmd("LINSERT", "key", where, pivot, ele))
				for i, v := range model {
					if v == pivot {
						at := i
						if where == "after" {
							at++
						}
						model = append(model[:at], append([]string{ele}, model[at:]...)...)
						break
					}
				}
			case 6:
				other := ""
				if len(model) > 0 {
					other = model[rng.Intn(len(model))]
				}
				cmds = append(cmds, cmd("LREM", "key", "1", other))
				for i, v := range model {
					if v == other {
						model = append(model[:i], model[i+1:]...)
						break
					}
				}
			}
			if j%50 == 49 {
				cmds = append(cmds, "LLEN key", "LRANGE key 0 -1")
			}
		}
		cmds = append(cmds, "LRANGE key 0 -1", "PING", "CONFIG SET list-compress-depth 0")
		cases = append(cases, C(fmt.Sprintf("stress 3343 comp %d", comp), cmds...))
	}
	// Value encoding and backlink: values of every integer width and long
	// strings, read back from the tail.
	rng := rand.New(rand.NewSource(7))
	for it := 0; it < 3; it++ {
		var cmds []string
		for i := 0; i < 200; i++ {
			var data string
			switch rng.Intn(7) {
			case 0:
				data = x("x", rng.Intn(20000))
			case 1:
				data = strconv.Itoa(rng.Intn(65536))
			case 2:
				data = strconv.FormatInt(rng.Int63n(1<<32), 10)
			case 3:
				data = strconv.FormatUint(rng.Uint64(), 10)
			case 4:
				data = strconv.Itoa(-rng.Intn(65536))
			case 5:
				data = strconv.FormatInt(-rng.Int63n(1<<32), 10)
			default:
				data = "-" + strconv.FormatUint(rng.Uint64(), 10)
			}
			if data == "-0" {
				data = "0"
			}
			cmds = append(cmds, cmd("RPUSH", "l", data))
		}
		cmds = append(cmds, "LLEN l")
		for i := 199; i >= 0; i-- {
			cmds = append(cmds, fmt.Sprintf("LINDEX l %d", i))
		}
		cases = append(cases, C(fmt.Sprintf("value encoding and backlink %d", it), cmds...))
	}
	// Encoding stress testing: random values pushed at either end.
	for it := 0; it < 8; it++ {
		var cmds []string
		n := rng.Intn(400)
		for i := 0; i < n; i++ {
			v := suiteRandomValue(rng)
			if rng.Intn(2) == 0 {
				cmds = append(cmds, cmd("RPUSH", "l", v))
			} else {
				cmds = append(cmds, cmd("LPUSH", "l", v))
			}
		}
		cmds = append(cmds, "LLEN l")
		for i := 0; i < n; i++ {
			cmds = append(cmds, fmt.Sprintf("LINDEX l %d", i))
		}
		cmds = append(cmds, "LRANGE l 0 -1")
		cases = append(cases, C(fmt.Sprintf("encoding stress %d", it), cmds...))
	}
	return cases
}

// suiteRun is one run of a multi-client scenario: every reply is logged,
// and the logs of sundial and redis-server must match.
type suiteRun struct {
	t     *testing.T
	tg    blTarget
	ctl   *testserver.Conn
	proto int // of the clients the scenario opens
	log   []string
}

func (r *suiteRun) note(what, reply string) string {
	r.log = append(r.log, what+" -> "+reply)
	return reply
}

// do runs a command on c and logs its reply.
func (r *suiteRun) do(c *testserver.Conn, args ...string) string {
	r.t.Helper()
	return r.note(strings.Join(args, " "), blDo(r.t, c, args...))
}

// r runs a command on the control connection.
func (r *suiteRun) r(args ...string) string {
	r.t.Helper()
	return r.do(r.ctl, args...)
}

// send writes a command on c without reading its reply.
func (r *suiteRun) send(c *testserver.Conn, args ...string) {
	r.t.Helper()
	blSend(r.t, c, args...)
}

// read reads and logs one reply from c.
func (r *suiteRun) read(c *testserver.Conn) string {
	r.t.Helper()
	return r.note("read", blRead(r.t, c))
}

func (r *suiteRun) client() *testserver.Conn { return blDial(r.t, r.tg.addr, r.proto) }

// blocked waits until n clients are blocked.
func (r *suiteRun) blocked(n int) {
	r.t.Helper()
	blWait(r.t, r.tg, r.ctl, n)
}

// block sends a blocking command on a new client and waits until the
// server has parked it as the n-th blocked client.
func (r *suiteRun) block(n int, args ...string) *testserver.Conn {
	r.t.Helper()
	c := r.client()
	r.send(c, args...)
	r.blocked(n)
	return c
}

// suiteScenario runs fn against sundial and redis-server, with clients
// in RESP2 and in RESP3, and compares the logged replies.
func suiteScenario(t *testing.T, name string, fn func(r *suiteRun)) {
	for _, proto := range []int{2, 3} {
		suiteScenarioProto(t, fmt.Sprintf("%s/resp%d", name, proto), proto, fn)
	}
}

func suiteScenarioProto(t *testing.T, name string, proto int, fn func(r *suiteRun)) {
	t.Run(name, func(t *testing.T) {
		testserver.SkipOrFail(t, redis)
		var logs [][]string
		for _, tg := range blTargets(t) {
			ok := t.Run(tg.name, func(t *testing.T) {
				ctl := blDial(t, tg.addr, 2)
				blDo(t, ctl, "FLUSHALL")
				blWait(t, tg, ctl, 0)
				run := &suiteRun{t: t, tg: tg, ctl: ctl, proto: proto}
				fn(run)
				logs = append(logs, run.log)
			})
			if !ok {
				return
			}
		}
		compareStepLogs(t, logs)
	})
}

// bpop builds the blocking pop of list.tcl's bpop_command helpers.
func bpop(pop, timeout string, keys ...string) []string {
	switch pop {
	case "BLMPOP_LEFT", "BLMPOP_RIGHT":
		where := strings.ToLower(strings.TrimPrefix(pop, "BLMPOP_"))
		args := []string{"BLMPOP", timeout, strconv.Itoa(len(keys))}
		return append(append(args, keys...), where, "count", "1")
	}
	return append(append([]string{pop}, keys...), timeout)
}

func TestDiffSuiteListBlocking(t *testing.T) {
	for _, pop := range []string{"BLPOP", "BLMPOP_LEFT"} {
		suiteScenario(t, pop+" LPUSH DEL should not awake", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "list")...)
			r.r("MULTI")
			r.r("LPUSH", "list", "a")
			r.r("DEL", "list")
			r.r("EXEC")
			r.r("DEL", "list")
			r.r("LPUSH", "list", "b")
			r.read(rd)
		})
		suiteScenario(t, pop+" LPUSH DEL SET should not awake", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "list")...)
			r.r("MULTI")
			r.r("LPUSH", "list", "a")
			r.r("DEL", "list")
			r.r("SET", "list", "foo")
			r.r("EXEC")
			r.r("DEL", "list")
			r.r("LPUSH", "list", "b")
			r.read(rd)
		})
		suiteScenario(t, pop+" MULTI EXEC is isolated", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "list")...)
			r.r("MULTI")
			r.r("LPUSH", "list", "a")
			r.r("LPUSH", "list", "b")
			r.r("LPUSH", "list", "c")
			r.r("EXEC")
			r.read(rd)
			r.r("LRANGE", "list", "0", "-1")
		})
		suiteScenario(t, pop+" with variadic LPUSH", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "blist")...)
			r.r("LPUSH", "blist", "foo", "bar")
			r.read(rd)
			r.r("LRANGE", "blist", "0", "-1")
		})
		suiteScenario(t, pop+" when new key is moved into place", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "foo")...)
			r.r("LPUSH", "bob", "abc", "def", "hij")
			r.r("RENAME", "bob", "foo")
			r.read(rd)
			r.r("LRANGE", "foo", "0", "-1")
		})
		suiteScenario(t, pop+" when result key is created by SORT STORE", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "5", "foo")...)
			r.r("LPUSH", "notfoo", "hello", "hola", "aguacate", "konichiwa", "zanzibar")
			r.r("SORT", "notfoo", "ALPHA", "STORE", "foo")
			r.read(rd)
			r.r("LRANGE", "foo", "0", "-1")
		})
		suiteScenario(t, pop+" inside a transaction", func(r *suiteRun) {
			r.r("LPUSH", "xlist", "foo")
			r.r("LPUSH", "xlist", "bar")
			r.r("MULTI")
			for i := 0; i < 3; i++ {
				r.r(bpop(pop, "0", "xlist")...)
			}
			r.r("EXEC")
		})
	}
	for _, pop := range []string{"BLPOP", "BRPOP", "BLMPOP_LEFT", "BLMPOP_RIGHT"} {
		suiteScenario(t, pop+" with single empty list argument", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "1", "blist1")...)
			r.r("RPUSH", "blist1", "foo")
			r.read(rd)
			r.r("EXISTS", "blist1")
		})
		suiteScenario(t, pop+" with non-integer timeout", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0.1", "blist1")...)
			r.r("RPUSH", "blist1", "foo")
			r.read(rd)
			r.r("EXISTS", "blist1")
		})
		suiteScenario(t, pop+" with zero timeout should block indefinitely", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0", "blist1")...)
			time.Sleep(50 * time.Millisecond)
			r.blocked(1)
			r.r("RPUSH", "blist1", "foo")
			r.read(rd)
		})
		suiteScenario(t, pop+" with 0.001 timeout should not block indefinitely", func(r *suiteRun) {
			rd := r.client()
			r.send(rd, bpop(pop, "0.001", "blist1")...)
			r.read(rd)
			r.blocked(0)
		})
		suiteScenario(t, pop+" with a timeout above -0.001 blocks forever", func(r *suiteRun) {
			// Redis 7.0 truncates the timeout in milliseconds toward zero.
			rd := r.block(1, bpop(pop, "-0.0009", "blist1")...)
			time.Sleep(30 * time.Millisecond)
			r.blocked(1)
			r.r("RPUSH", "blist1", "foo")
			r.read(rd)
		})
		suiteScenario(t, pop+" timeout", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "0.05", "blist1", "blist2")...)
			r.read(rd)
			r.blocked(0)
		})
		suiteScenario(t, pop+" arguments are empty", func(r *suiteRun) {
			rd := r.block(1, bpop(pop, "1", "blist1", "blist2")...)
			r.r("RPUSH", "blist1", "foo")
			r.read(rd)
			r.r("EXISTS", "blist1")
			r.r("EXISTS", "blist2")
			r.send(rd, bpop(pop, "1", "blist1", "blist2")...)
			r.blocked(1)
			r.r("RPUSH", "blist2", "foo")
			r.read(rd)
			r.r("EXISTS", "blist1")
			r.r("EXISTS", "blist2")
		})
	}
	suiteScenario(t, "BLPOP with same key multiple times", func(r *suiteRun) {
		rd := r.block(1, "BLPOP", "list1", "list2", "list2", "list1", "0")
		r.r("LPUSH", "list1", "a")
		r.read(rd)
		r.send(rd, "BLPOP", "list1", "list2", "list2", "list1", "0")
		r.blocked(1)
		r.r("LPUSH", "list2", "b")
		r.read(rd)
		r.r("LPUSH", "list1", "a")
		r.r("LPUSH", "list2", "b")
		r.do(rd, "BLPOP", "list1", "list2", "list2", "list1", "0")
		r.do(rd, "BLPOP", "list1", "list2", "list2", "list1", "0")
	})
	suiteScenario(t, "BRPOPLPUSH with zero timeout should block indefinitely", func(r *suiteRun) {
		r.r("RPUSH", "target", "bar")
		rd := r.block(1, "BRPOPLPUSH", "blist", "target", "0")
		r.r("RPUSH", "blist", "foo")
		r.read(rd)
		r.r("LRANGE", "target", "0", "-1")
	})
	for _, from := range []string{"left", "right"} {
		for _, to := range []string{"left", "right"} {
			suiteScenario(t, fmt.Sprintf("BLMOVE %s %s with zero timeout", from, to), func(r *suiteRun) {
				r.r("RPUSH", "target", "bar")
				rd := r.block(1, "BLMOVE", "blist", "target", from, to, "0")
				r.r("RPUSH", "blist", "foo")
				r.read(rd)
				r.r("LRANGE", "target", "0", "-1")
			})
			suiteScenario(t, fmt.Sprintf("BLMOVE %s %s with a client BLPOPing the target list", from, to), func(r *suiteRun) {
				rd2 := r.block(1, "BLPOP", "target", "0")
				rd := r.block(2, "BLMOVE", "blist", "target", from, to, "0")
				r.r("RPUSH", "blist", "foo")
				r.read(rd)
				r.read(rd2)
				r.r("EXISTS", "target")
			})
		}
	}
	suiteScenario(t, "BRPOPLPUSH with wrong source type", func(r *suiteRun) {
		r.r("SET", "blist", "nolist")
		rd := r.client()
		r.do(rd, "BRPOPLPUSH", "blist", "target", "1")
	})
	suiteScenario(t, "BRPOPLPUSH with wrong destination type", func(r *suiteRun) {
		r.r("SET", "target", "nolist")
		r.r("LPUSH", "blist", "foo")
		rd := r.client()
		r.do(rd, "BRPOPLPUSH", "blist", "target", "1")
		r.r("DEL", "blist", "target")
		r.r("SET", "target", "nolist")
		rd = r.block(1, "BRPOPLPUSH", "blist", "target", "0")
		r.r("RPUSH", "blist", "foo")
		r.read(rd)
		r.r("LRANGE", "blist", "0", "-1")
	})
	suiteScenario(t, "BRPOPLPUSH maintains order of elements after failure", func(r *suiteRun) {
		r.r("SET", "target", "nolist")
		rd := r.block(1, "BRPOPLPUSH", "blist", "target", "0")
		r.r("RPUSH", "blist", "a", "b", "c")
		r.read(rd)
		r.r("LRANGE", "blist", "0", "-1")
	})
	suiteScenario(t, "BRPOPLPUSH with multiple blocked clients", func(r *suiteRun) {
		r.r("SET", "target1", "nolist")
		rd1 := r.block(1, "BRPOPLPUSH", "blist", "target1", "0")
		rd2 := r.block(2, "BRPOPLPUSH", "blist", "target2", "0")
		r.r("LPUSH", "blist", "foo")
		r.read(rd1)
		r.read(rd2)
		r.r("LRANGE", "target2", "0", "-1")
	})
	suiteScenario(t, "BLMPOP with multiple blocked clients", func(r *suiteRun) {
		rd1 := r.block(1, "BLMPOP", "0", "2", "blist", "blist2", "left", "count", "1")
		rd2 := r.block(2, "BLMPOP", "0", "2", "blist", "blist2", "right", "count", "10")
		rd3 := r.block(3, "BLMPOP", "0", "2", "blist", "blist2", "left", "count", "10")
		rd4 := r.block(4, "BLMPOP", "0", "2", "blist", "blist2", "right", "count", "1")
		r.r("MULTI")
		r.r("LPUSH", "blist", "a", "b", "c", "d", "e")
		r.r("LPUSH", "blist2", "1", "2", "3", "4", "5")
		r.r("EXEC")
		r.read(rd1)
		r.read(rd2)
		r.read(rd3)
		r.r("LPUSH", "blist2", "1", "2", "3")
		r.read(rd4)
		r.r("LRANGE", "blist2", "0", "-1")
	})
	suiteScenario(t, "Linked LMOVEs", func(r *suiteRun) {
		rd1 := r.block(1, "BLMOVE", "list1", "list2", "right", "left", "0")
		rd2 := r.block(2, "BLMOVE", "list2", "list3", "left", "right", "0")
		r.r("RPUSH", "list1", "foo")
		r.read(rd1)
		r.read(rd2)
		r.r("LRANGE", "list1", "0", "-1")
		r.r("LRANGE", "list2", "0", "-1")
		r.r("LRANGE", "list3", "0", "-1")
	})
	suiteScenario(t, "Circular BRPOPLPUSH", func(r *suiteRun) {
		rd1 := r.block(1, "BRPOPLPUSH", "list1", "list2", "0")
		rd2 := r.block(2, "BRPOPLPUSH", "list2", "list1", "0")
		r.r("RPUSH", "list1", "foo")
		r.read(rd1)
		r.read(rd2)
		r.r("LRANGE", "list1", "0", "-1")
		r.r("LRANGE", "list2", "0", "-1")
	})
	suiteScenario(t, "Self-referential BRPOPLPUSH", func(r *suiteRun) {
		rd := r.block(1, "BRPOPLPUSH", "blist", "blist", "0")
		r.r("RPUSH", "blist", "foo")
		r.read(rd)
		r.r("LRANGE", "blist", "0", "-1")
	})
	suiteScenario(t, "PUSH resulting from BRPOPLPUSH affect WATCH", func(r *suiteRun) {
		r.r("SET", "somekey", "somevalue")
		blocked := r.block(1, "BRPOPLPUSH", "srclist", "dstlist", "0")
		w := r.client()
		r.do(w, "WATCH", "dstlist")
		r.do(w, "MULTI")
		r.do(w, "GET", "somekey")
		r.r("LPUSH", "srclist", "element")
		r.read(blocked)
		r.do(w, "EXEC")
	})
	suiteScenario(t, "BRPOPLPUSH does not affect WATCH while still blocked", func(r *suiteRun) {
		r.r("SET", "somekey", "somevalue")
		blocked := r.block(1, "BRPOPLPUSH", "srclist", "dstlist", "0")
		w := r.client()
		r.do(w, "WATCH", "dstlist")
		r.do(w, "MULTI")
		r.do(w, "GET", "somekey")
		r.do(w, "EXEC")
		r.r("LPUSH", "srclist", "element")
		r.read(blocked)
	})
	suiteScenario(t, "BRPOPLPUSH timeout", func(r *suiteRun) {
		rd := r.block(1, "BRPOPLPUSH", "foo_list", "bar_list", "0.05")
		r.read(rd)
		r.blocked(0)
	})
	suiteScenario(t, "SWAPDB awakes blocked client", func(r *suiteRun) {
		r.r("SELECT", "1")
		r.r("RPUSH", "k", "hello")
		r.r("SELECT", "9")
		rd := r.client()
		r.do(rd, "SELECT", "9")
		r.send(rd, "BRPOP", "k", "5")
		r.blocked(1)
		r.r("SWAPDB", "1", "9")
		r.read(rd)
		r.r("FLUSHALL")
		r.r("SELECT", "0")
	})
	suiteScenario(t, "Regression for bug 593", func(r *suiteRun) {
		rd1 := r.client()
		r.send(rd1, "BRPOPLPUSH", "a", "b", "0")
		r.send(rd1, "BRPOPLPUSH", "a", "b", "0")
		r.blocked(1)
		r.block(2, "BRPOPLPUSH", "b", "c", "0")
		r.r("LPUSH", "a", "data")
		r.read(rd1)
		r.blocked(1)
		rd1.Close()
		r.r("PING")
		r.r("LRANGE", "c", "0", "-1")
	})
	for _, pop := range []string{"BLPOP", "BLMPOP_RIGHT"} {
		suiteScenario(t, pop+" client unblock tests", func(r *suiteRun) {
			rd := r.client()
			id := strings.TrimSpace(strings.TrimPrefix(blDo(r.t, rd, "CLIENT", "ID"), ":"))
			for _, how := range [][]string{nil, {"TIMEOUT"}, {"ERROR"}} {
				r.send(rd, bpop(pop, "0", "l")...)
				r.blocked(1)
				r.note(fmt.Sprint("CLIENT UNBLOCK id ", how), blDo(r.t, r.ctl, append([]string{"CLIENT", "UNBLOCK", id}, how...)...))
				r.read(rd)
			}
			r.r("CLIENT", "UNBLOCK", "asd")
			myid := strings.TrimSpace(strings.TrimPrefix(blDo(r.t, r.ctl, "CLIENT", "ID"), ":"))
			r.note("CLIENT UNBLOCK own id", blDo(r.t, r.ctl, "CLIENT", "UNBLOCK", myid))
			r.send(rd, bpop(pop, "0", "l")...)
			r.blocked(1)
			r.r("LPUSH", "l", "foo")
			r.read(rd)
		})
	}
	suiteScenario(t, "Unblock fairness is kept while pipelining", func(r *suiteRun) {
		rd1 := r.block(1, "BLPOP", "mylist", "0")
		rd2 := r.client()
		r.send(rd2, "LPUSH", "mylist", "1")
		r.send(rd2, "BLPOP", "mylist", "0")
		r.read(rd1)
		r.read(rd2)
		r.blocked(1)
		r.r("LPUSH", "mylist", "2")
		r.blocked(0)
		r.read(rd2)
	})
	suiteScenario(t, "Unblock fairness is kept during nested unblock", func(r *suiteRun) {
		rd1 := r.block(1, "BRPOPLPUSH", "l1", "l3", "0")
		rd2 := r.block(2, "BLPOP", "l2", "0")
		rd3 := r.block(3, "BLMPOP", "0", "2", "l2", "l3", "LEFT", "COUNT", "1")
		r.r("MULTI")
		r.r("LPUSH", "l1", "1")
		r.r("LPUSH", "l2", "2")
		r.r("EXEC")
		r.blocked(0)
		r.read(rd1)
		r.read(rd2)
		r.read(rd3)
	})
	suiteScenario(t, "Blocking command accounted only once in commandstats", func(r *suiteRun) {
		stat := func(name string) string {
			raw := blDo(r.t, r.ctl, "INFO", "commandstats")
			for _, line := range strings.Split(raw, "\r\n") {
				if strings.HasPrefix(line, "cmdstat_"+name+":") {
					// usec values are timings: keep the counters only.
					var out []string
					for _, f := range strings.Split(strings.TrimPrefix(line, "cmdstat_"+name+":"), ",") {
						if !strings.HasPrefix(f, "usec") {
							out = append(out, f)
						}
					}
					return strings.Join(out, ",")
				}
			}
			return "none"
		}
		r.r("CONFIG", "RESETSTAT")
		rd := r.block(1, "BLPOP", "mylist", "0")
		r.r("LPUSH", "mylist", "1")
		r.blocked(0)
		r.read(rd)
		r.note("blpop stats", stat("blpop"))
		r.r("CONFIG", "RESETSTAT")
		r.send(rd, "BLPOP", "mylist", "0.1")
		r.read(rd)
		r.note("blpop stats after timeout", stat("blpop"))
	})
	// Keys that become lists in other ways, and the events list commands fire.
	suiteScenario(t, "served by copy", func(r *suiteRun) {
		rd := r.block(1, "BLPOP", "k", "0")
		r.r("RPUSH", "src", "a", "b")
		r.r("COPY", "src", "k")
		r.read(rd)
		r.r("LRANGE", "k", "0", "-1")
	})
	suiteScenario(t, "served by move", func(r *suiteRun) {
		r.r("RPUSH", "src", "a", "b")
		rd := r.block(1, "BLPOP", "k", "0")
		r.r("COPY", "src", "k2")
		r.r("MOVE", "k2", "1")
		r.r("SELECT", "1")
		r.r("RENAME", "k2", "k")
		r.r("MOVE", "k", "0")
		r.r("SELECT", "0")
		r.read(rd)
		r.r("LRANGE", "k", "0", "-1")
	})
	suiteScenario(t, "served by lua", func(r *suiteRun) {
		rd := r.block(1, "BLPOP", "k", "0")
		r.r("EVAL", "redis.call('rpush', KEYS[1], 'a', 'b'); return redis.call('lpop', KEYS[1])", "1", "k")
		r.read(rd)
		r.r("LRANGE", "k", "0", "-1")
	})
	suiteScenario(t, "served by lmove of other client", func(r *suiteRun) {
		rd := r.block(1, "BLMPOP", "0", "2", "x", "k", "RIGHT", "COUNT", "5")
		r.r("RPUSH", "src", "a", "b")
		r.r("LMOVE", "src", "k", "LEFT", "RIGHT")
		r.read(rd)
		r.r("LRANGE", "src", "0", "-1")
		r.r("EXISTS", "k")
	})
	suiteScenario(t, "expired key while blocked", func(r *suiteRun) {
		rd := r.block(1, "BLPOP", "k", "0")
		r.r("MULTI")
		r.r("RPUSH", "k", "a")
		r.r("PEXPIRE", "k", "100") // still there when the waiter is served
		r.r("EXEC")
		r.read(rd)
	})
	suiteScenario(t, "keyspace events", func(r *suiteRun) {
		r.r("CONFIG", "SET", "notify-keyspace-events", "KEA")
		sub := r.client()
		r.do(sub, "PSUBSCRIBE", "__key*__:*")
		rd := r.block(1, "BLMOVE", "k", "d", "LEFT", "RIGHT", "0")
		r.r("RPUSH", "k", "a")
		r.read(rd)
		r.r("RPUSH", "l", "a", "b", "c", "d")
		r.r("LSET", "l", "0", "x")
		r.r("LINSERT", "l", "BEFORE", "x", "y")
		r.r("LREM", "l", "1", "y")
		r.r("LTRIM", "l", "1", "-1")
		r.r("LMOVE", "l", "l", "LEFT", "RIGHT")
		r.r("LTRIM", "l", "5", "1")
		r.r("RPUSH", "l", "a")
		r.r("LMPOP", "1", "l", "LEFT", "COUNT", "5")
		r.r("RPUSHX", "l", "a")
		r.r("LPUSH", "l", "q")
		r.r("RPOPLPUSH", "l", "m")
		r.r("SET", "zzend", "1")
		r.r("CONFIG", "SET", "notify-keyspace-events", "")
		for i := 0; i < 100; i++ {
			if strings.Contains(r.read(sub), "zzend") {
				if strings.Contains(r.log[len(r.log)-1], "keyevent") {
					break
				}
			}
		}
	})
	// Random mixes of blocked commands served by one transaction, then by
	// plenty of values: who gets what, in which order.
	for seed := 0; seed < 12; seed++ {
		suiteScenario(t, fmt.Sprintf("blocked mix %d", seed), func(r *suiteRun) {
			rng := rand.New(rand.NewSource(int64(seed)))
			keys := []string{"a", "b", "c"}
			k := func() string { return keys[rng.Intn(len(keys))] }
			side := func() string { return []string{"LEFT", "RIGHT"}[rng.Intn(2)] }
			var conns []*testserver.Conn
			n := 3 + rng.Intn(5)
			for i := 0; i < n; i++ {
				var args []string
				switch rng.Intn(5) {
				case 0:
					args = []string{"BLPOP", k(), k(), "0"}
				case 1:
					args = []string{"BRPOP", k(), "0"}
				case 2:
					args = []string{"BLMOVE", k(), k(), side(), side(), "0"}
				case 3:
					args = []string{"BLMPOP", "0", "2", k(), k(), side(), "COUNT", fmt.Sprint(1 + rng.Intn(3))}
				default:
					args = []string{"BRPOPLPUSH", k(), k(), "0"}
				}
				conns = append(conns, r.block(i+1, args...))
				r.note("cmd", fmt.Sprint(args))
			}
			r.r("MULTI")
			for i := 0; i < 1+rng.Intn(4); i++ {
				r.r("RPUSH", k(), fmt.Sprint("v", i), fmt.Sprint("w", i))
			}
			r.r("EXEC")
			for _, key := range keys {
				r.r("RPUSH", key, "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12")
			}
			for _, c := range conns {
				r.read(c)
			}
			for _, key := range keys {
				r.r("LRANGE", key, "0", "-1")
			}
		})
	}
}

func TestDiffSuiteListConfig(t *testing.T) {
	diff(t, []testserver.Case{
		C("list-max-listpack-size range", "CONFIG SET list-max-listpack-size -6", "CONFIG GET list-max-listpack-size",
			"CONFIG GET list-max-ziplist-size", "CONFIG SET list-max-listpack-size -2147483648",
			"CONFIG SET list-max-listpack-size -2147483649", "CONFIG SET list-max-listpack-size 2147483647",
			"CONFIG SET list-max-listpack-size 2147483648", "CONFIG GET list-max-listpack-size",
			"CONFIG SET list-max-listpack-size -2"),
	})
}

func TestDiffSuiteListDirty(t *testing.T) {
	suiteScenario(t, "BLPOP BLMOVE should increase dirty", func(r *suiteRun) {
		dirty := func() int {
			raw := blDo(r.t, r.ctl, "INFO", "persistence")
			i := strings.Index(raw, "rdb_changes_since_last_save:")
			var n int
			fmt.Sscanf(raw[i+len("rdb_changes_since_last_save:"):], "%d", &n)
			return n
		}
		d := dirty()
		rd := r.block(1, "BLPOP", "lst", "0")
		r.r("LPUSH", "lst", "a")
		r.read(rd)
		r.note("dirty delta", strconv.Itoa(dirty()-d))
		d = dirty()
		r.send(rd, "BLMOVE", "lst", "lst1", "left", "left", "0")
		r.blocked(1)
		r.r("LPUSH", "lst", "a")
		r.read(rd)
		r.note("dirty delta", strconv.Itoa(dirty()-d))
	})
}

// List of various encodings: DUMP and RESTORE within each server (the
// payloads differ), with and without payload sanitizing.
func TestDiffSuiteListDump(t *testing.T) {
	suiteScenario(t, "dump restore list of various encodings", func(r *suiteRun) {
		for _, v := range []string{"127", "32767", "2147483647", "9223372036854775808", "0", "12", strings.Repeat("x", 31), strings.Repeat("x", 8191), strings.Repeat("x", 65535)} {
			r.r("LPUSH", "k", v)
		}
		raw := blDo(r.t, r.ctl, "DUMP", "k")
		i := strings.Index(raw, "\r\n")
		payload := raw[i+2 : len(raw)-2]
		for _, san := range []string{"no", "yes"} {
			r.r("CONFIG", "SET", "sanitize-dump-payload", san)
			r.note("RESTORE REPLACE", blDo(r.t, r.ctl, "RESTORE", "kk", "0", payload, "REPLACE"))
			r.r("OBJECT", "ENCODING", "kk")
			r.r("LRANGE", "kk", "0", "-1")
			r.r("LINDEX", "kk", "5")
			r.r("LINDEX", "kk", "-5")
			r.r("LPOS", "kk", "foo", "RANK", "1")
			r.r("LPOS", "kk", "foo", "RANK", "-1")
		}
		r.note("RESTORE", blDo(r.t, r.ctl, "RESTORE", "kk", "0", payload))
		r.note("RESTORE short", blDo(r.t, r.ctl, "RESTORE", "kk", "0", payload[:len(payload)-1], "REPLACE"))
		r.r("CONFIG", "SET", "sanitize-dump-payload", "no")
	})
}
