package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/config"
	"sundial/internal/redistest"
	"sundial/internal/testserver"
)

// Scenarios of Redis's own test suite (tests/unit/protocol.tcl,
// introspection.tcl, introspection-2.tcl, info.tcl, info-command.tcl,
// slowlog.tcl, latency-monitor.tcl, auth.tcl, limits.tcl and other.tcl)
// replayed as differential cases. Replies that carry values which vary
// between servers (ids, ages, addresses, timings, memory figures) are
// normalised first and compared by shape and field names.

// rnode is a parsed RESP value kept with its type byte, so normalisers
// can rebuild a comparable text for RESP2 and RESP3 alike.
type rnode struct {
	typ  byte
	s    string
	kids []rnode
}

func parseRNode(rd *bufio.Reader) (rnode, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return rnode{}, err
	}
	if len(line) < 3 {
		return rnode{}, fmt.Errorf("short line %q", line)
	}
	n := rnode{typ: line[0], s: line[1 : len(line)-2]}
	switch n.typ {
	case '$', '=', '!':
		l, err := strconv.Atoi(n.s)
		if err != nil || l < 0 {
			return n, err
		}
		buf := make([]byte, l+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return n, err
		}
		n.s = string(buf[:l])
		if n.typ == '=' && len(n.s) >= 4 {
			n.s = n.s[4:] // drop the verbatim format prefix
		}
		n.typ = '$'
	case '*', '~', '>', '%', '|':
		l, err := strconv.Atoi(n.s)
		if err != nil || l < 0 {
			return n, err
		}
		if n.typ == '%' || n.typ == '|' {
			l *= 2
		}
		for i := 0; i < l; i++ {
			k, err := parseRNode(rd)
			if err != nil {
				return n, err
			}
			n.kids = append(n.kids, k)
		}
		n.typ = '*' // maps flatten to arrays like RESP2
	case '_':
		n.typ = '$'
		n.s = "<nil>"
	}
	return n, nil
}

func parseRaw(raw string) rnode {
	n, err := parseRNode(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		return rnode{typ: '?', s: raw}
	}
	return n
}

func (n rnode) String() string {
	if n.kids == nil && n.typ != '*' {
		return string(n.typ) + n.s
	}
	parts := make([]string, len(n.kids))
	for i, k := range n.kids {
		parts[i] = k.String()
	}
	return "[" + strings.Join(parts, " ") + "]"
}

var (
	usecRe   = regexp.MustCompile(`(usec|usec_per_call|p50|p99|p99\.9|p\d+(\.\d+)?)=[0-9.]+`)
	numValRe = regexp.MustCompile(`=[0-9.]+`)
)

// infoLines keeps the lines of an INFO reply that start with prefix,
// latency figures masked.
func infoLines(raw, prefix string) string {
	n := parseRaw(raw)
	var keep []string
	for _, l := range strings.Split(n.s, "\r\n") {
		if strings.HasPrefix(l, prefix) {
			keep = append(keep, usecRe.ReplaceAllString(l, "$1=N"))
		}
	}
	// Redis lists command and error stats in hash-table order.
	sort.Strings(keep)
	return strings.Join(keep, "|")
}

// infoShape lists the section headers of an INFO reply, and which of the
// fields info-command.tcl looks for it holds.
func infoShape(raw string) string {
	n := parseRaw(raw)
	var keep []string
	for _, l := range strings.Split(n.s, "\r\n") {
		if strings.HasPrefix(l, "#") {
			keep = append(keep, l)
		}
	}
	for _, f := range []string{"redis_version:", "used_cpu_user:", "sentinel_tilt:", "used_memory:",
		"rejected_calls=", "master_repl_offset:", "cluster_enabled:", "rdb_last_bgsave", "errorstat_"} {
		keep = append(keep, fmt.Sprintf("%s%v", f, strings.Contains(n.s, f)))
	}
	return strings.Join(keep, "|")
}

// clientFields compares CLIENT LIST/INFO lines by their field names and
// the values that do not vary between servers.
func clientFields(raw string) string {
	n := parseRaw(raw)
	if n.typ != '$' {
		return n.String()
	}
	stable := map[string]bool{"flags": true, "db": true, "sub": true, "psub": true, "ssub": true, "multi": true,
		"events": true, "cmd": true, "user": true, "resp": true,
		"name": true, "redir": true, "lib-name": true, "lib-ver": true}
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(n.s, "\n"), "\n") {
		var fs []string
		for _, f := range strings.Split(l, " ") {
			k, v, _ := strings.Cut(f, "=")
			if stable[k] {
				fs = append(fs, k+"="+v)
			} else {
				fs = append(fs, k)
			}
		}
		lines = append(lines, strings.Join(fs, " "))
	}
	return strings.Join(lines, "\n")
}

// slowlogArgs keeps, per SLOWLOG GET entry, its size, arguments and
// client name.
func slowlogArgs(raw string) string {
	n := parseRaw(raw)
	if n.typ != '*' {
		return n.String()
	}
	var out []string
	for _, e := range n.kids {
		if len(e.kids) < 6 {
			out = append(out, e.String())
			continue
		}
		out = append(out, fmt.Sprintf("%d %s %s", len(e.kids), e.kids[3], e.kids[5]))
	}
	return strings.Join(out, "\n")
}

// histogramShape keeps the command names and call counts of LATENCY
// HISTOGRAM, sorted, with the bucket contents reduced to their type.
func histogramShape(raw string) string {
	n := parseRaw(raw)
	if n.typ != '*' {
		return n.String()
	}
	var out []string
	for i := 0; i+1 < len(n.kids); i += 2 {
		body := n.kids[i+1]
		var fs []string
		for j := 0; j+1 < len(body.kids); j += 2 {
			v := body.kids[j+1]
			if body.kids[j].s == "histogram_usec" {
				fs = append(fs, "histogram_usec:"+string(v.typ))
			} else {
				fs = append(fs, body.kids[j].s+":"+v.String())
			}
		}
		out = append(out, n.kids[i].s+"{"+strings.Join(fs, ",")+"}")
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// latencyEvents keeps the event names of LATENCY LATEST / HISTORY sizes.
func latencyEvents(raw string) string {
	n := parseRaw(raw)
	if n.typ != '*' {
		return n.String()
	}
	var out []string
	for _, e := range n.kids {
		if len(e.kids) > 0 {
			out = append(out, fmt.Sprintf("%s/%d", e.kids[0].s, len(e.kids)))
		} else {
			out = append(out, string(e.typ))
		}
	}
	return strings.Join(out, " ")
}

var normalisers = map[string]func(raw, arg string) string{
	"info":      infoLines,
	"infoshape": func(raw, _ string) string { return infoShape(raw) },
	"clients":   func(raw, _ string) string { return clientFields(raw) },
	"slowlog":   func(raw, _ string) string { return slowlogArgs(raw) },
	"histogram": func(raw, _ string) string { return histogramShape(raw) },
	"events":    func(raw, _ string) string { return latencyEvents(raw) },
	"len": func(raw, _ string) string {
		n := parseRaw(raw)
		return fmt.Sprintf("%c%d", n.typ, len(n.kids))
	},
	"masknum": func(raw, _ string) string { return numValRe.ReplaceAllString(parseRaw(raw).s, "=N") },
}

// diffNorm runs cases like diff, and also accepts lines of the form
// "%name[:arg] CMD ...": both replies go through normalisers[name]
// before they are compared.
func diffNorm(t *testing.T, cases []testserver.Case) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for _, tc := range cases {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.Name, proto), func(t *testing.T) {
				runNormCase(t, tc, proto)
			})
		}
	}
}

func runNormCase(t *testing.T, tc testserver.Case, proto int) {
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
	panics := sundial.Panics()
	for i, line := range tc.Cmds {
		var norm func(string, string) string
		var normArg string
		mode := byte(0)
		if strings.HasPrefix(line, "%") {
			spec, rest, _ := strings.Cut(line[1:], " ")
			name, arg, _ := strings.Cut(spec, ":")
			norm, normArg, line = normalisers[name], arg, rest
			if norm == nil {
				t.Fatalf("unknown normaliser %q", name)
			}
		} else if len(line) > 0 && (line[0] == '!' || line[0] == '~') {
			mode, line = line[0], line[1:]
		}
		args, ok := config.SplitArgs(line)
		if !ok || len(args) == 0 {
			t.Fatalf("bad command line %q", line)
		}
		if args[0] == "@sleep" {
			ms, _ := strconv.Atoi(args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			continue
		}
		got, err := sc.Do(args...)
		if err != nil {
			t.Fatalf("command %d %q: sundial: %v", i+1, line, err)
		}
		want, err := rc.Do(args...)
		if err != nil {
			t.Fatalf("command %d %q: redis: %v", i+1, line, err)
		}
		switch {
		case norm != nil:
			got, want = norm(got, normArg), norm(want, normArg)
		case mode == '!':
			got, want = got[:1], want[:1]
		case mode == '~':
			got, want = testserver.Unordered(got), testserver.Unordered(want)
		}
		if got != want {
			t.Errorf("command %d %q:\nsundial: %q\nredis:   %q", i+1, line, got, want)
		}
	}
	if n := sundial.Panics() - panics; n > 0 {
		t.Errorf("sundial recovered %d panic(s)", n)
	}
}

// rawExchange writes data to addr (ignoring a write refused because the
// server already closed) and returns everything read until the server
// closes the connection or goes quiet for the deadline.
func rawExchange(t *testing.T, addr string, data []string, quiet time.Duration) (string, bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, d := range data {
		if _, err := io.WriteString(c, d); err != nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	var out []byte
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(quiet))
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			ne, ok := err.(net.Error)
			return string(out), !(ok && ne.Timeout())
		}
	}
}

func diffRaw(t *testing.T, name string, data ...string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		got, gotClosed := rawExchange(t, sundial.Addr, data, 300*time.Millisecond)
		want, wantClosed := rawExchange(t, redis.Addr, data, 300*time.Millisecond)
		if got != want || gotClosed != wantClosed {
			t.Errorf("sundial: %q closed=%v\nredis:   %q closed=%v", got, gotClosed, want, wantClosed)
		}
	})
}

func TestDiffSuiteIntrospectionProtocol(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	ping := "*1\r\n$4\r\nPING\r\n"
	diffRaw(t, "Handle an empty query", "\r\n", ping)
	diffRaw(t, "Negative multibulk length", "*-10\r\n", ping)
	diffRaw(t, "Out of range multibulk length", "*3000000000\r\n")
	diffRaw(t, "Large multibulk length waits", "*20000000\r\n", ping)
	diffRaw(t, "Wrong multibulk payload header", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n")
	diffRaw(t, "Negative multibulk payload length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n")
	diffRaw(t, "Out of range multibulk payload length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n")
	diffRaw(t, "Non-number multibulk payload length", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n")
	diffRaw(t, "Multi bulk request not followed by bulk arguments", "*1\r\nfoo\r\n")
	diffRaw(t, "Generic wrong number of args", "*4\r\n$4\r\nping\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n")
	diffRaw(t, "Unbalanced number of quotes", "set \"\"\"test-key\"\"\" test-value\r\n", "ping\r\n")
	for i, seq := range []string{"\x00", "*\x00", "$\x00"} {
		payload := strings.Repeat(strings.Repeat("A", 1024)+"\n", 80)
		diffRaw(t, fmt.Sprintf("Protocol desync regression test #%d", i+1), seq, payload, payload)
	}
	diffRaw(t, "Regression for a crash with blocking ops and pipelining",
		"*3\r\n$5\r\nBLPOP\r\n$6\r\nnolist\r\n$3\r\n0.1\r\n*3\r\n$5\r\nBLPOP\r\n$6\r\nnolist\r\n$3\r\n0.1\r\n", ping)
	diff(t, []testserver.Case{
		C("test large number of args", "MSET "+strings.Repeat("k v ", 10000)+"{k}2 v2", "GET {k}2", "DBSIZE"),
		C("test argument rewriting - issue 9598", "SET k v", "MULTI", "INCRBYFLOAT nokey 1.5",
			"SPOP nokey2", "EXPIRE k 1000", "EXEC", "GET nokey"),
		C("raw protocol response", "DEBUG PROTOCOL string", "DEBUG PROTOCOL integer", "DEBUG PROTOCOL double",
			"DEBUG PROTOCOL bignum", "DEBUG PROTOCOL null", "DEBUG PROTOCOL true", "DEBUG PROTOCOL false",
			"DEBUG PROTOCOL verbatim", "DEBUG PROTOCOL map", "DEBUG PROTOCOL set", "DEBUG PROTOCOL attrib"),
	})
}

func TestDiffSuiteIntrospectionClient(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("CLIENT LIST", "%clients CLIENT LIST", "%clients CLIENT INFO", "!CLIENT ID", "%clients CLIENT LIST TYPE normal"),
		C("CLIENT LIST with IDs", "CLIENT LIST ID abc", "CLIENT LIST ID 0", "CLIENT LIST ID -1", "CLIENT LIST ID 999999999",
			"CLIENT LIST TYPE foo", "CLIENT LIST foo", "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE master", "CLIENT LIST TYPE replica"),
		C("CLIENT KILL with illegal arguments", "CLIENT KILL", "CLIENT KILL id 10 wrong_arg", "CLIENT KILL id str",
			"CLIENT KILL id -1", "CLIENT KILL id 0", "CLIENT KILL id 10 type wrong_type", "CLIENT KILL id 10 user wrong_user",
			"CLIENT KILL id 10 skipme yes_or_no", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL addr 1.2.3.4:5", "CLIENT KILL laddr 1.2.3.4:5",
			"CLIENT KILL maxage 10", "CLIENT KILL id 99999999", "CLIENT KILL type normal skipme yes id 99999999"),
		C("CLIENT command unhappy path coverage", "CLIENT caching maybe", "CLIENT no-evict wrongInput",
			"CLIENT reply wrongInput", "CLIENT tracking wrongInput", "CLIENT tracking on wrongInput",
			"CLIENT caching off", "CLIENT caching on", "CLIENT getredir", "CLIENT id 1", "CLIENT info 1",
			"CLIENT no-evict on", "CLIENT no-evict off", "CLIENT unblock abc", "CLIENT unblock 99999 foo",
			"CLIENT unblock 99999 error", "CLIENT pause abc", "CLIENT pause 10 foo", "CLIENT unpause x",
			"CLIENT setname", "CLIENT getname x", "CLIENT foo", "CLIENT"),
		C("CLIENT GETNAME should return NIL if name is not assigned", "CLIENT GETNAME"),
		C("CLIENT GETNAME check if name set correctly", "CLIENT SETNAME testName", "CLIENT GETNAME"),
		C("CLIENT LIST shows empty fields for unassigned names", "%clients CLIENT LIST"),
		C("CLIENT SETNAME does not accept spaces", `CLIENT SETNAME "foo bar"`, "CLIENT SETNAME \"a\nb\"", "CLIENT SETNAME \"\x7f\"",
			`CLIENT SETNAME ""`, "CLIENT GETNAME"),
		C("CLIENT SETNAME can assign a name to this connection", "CLIENT SETNAME myname", "%clients CLIENT LIST", "%clients CLIENT INFO"),
		C("CLIENT SETNAME can change the name of an existing connection", "CLIENT SETNAME myname", "CLIENT SETNAME someothername",
			"%clients CLIENT LIST", `CLIENT SETNAME ""`, "CLIENT GETNAME", "%clients CLIENT INFO"),
		C("CLIENT INFO after SELECT", "SELECT 3", "%clients CLIENT INFO", "SELECT 9", "%clients CLIENT INFO"),
		C("CLIENT NO-EVICT flag", "CLIENT NO-EVICT on", "%clients CLIENT INFO", "CLIENT NO-EVICT off", "%clients CLIENT INFO"),
		C("CLIENT TRACKING flags", "CLIENT TRACKING on", "%clients CLIENT INFO", "CLIENT TRACKING on BCAST PREFIX a",
			"CLIENT TRACKING off", "CLIENT TRACKING on OPTIN", "%clients CLIENT INFO", "CLIENT CACHING yes", "CLIENT CACHING no",
			"CLIENT TRACKING off", "CLIENT TRACKINGINFO"),
		C("CLIENT HELP", "!CLIENT HELP", "%len CLIENT HELP"),
		C("RESET clears client state", "CLIENT SETNAME foo", "SELECT 3", "RESET", "CLIENT GETNAME", "%clients CLIENT INFO"),
		C("RESET clears and discard MULTI state", "MULTI", "SET key-a a", "RESET", "EXEC", "GET key-a"),
		C("RESET clears Pub/Sub state", "SUBSCRIBE channel-1", "RESET", "PING"),
		C("RESET clears tracking", "CLIENT TRACKING on", "RESET", "CLIENT TRACKINGINFO", "%clients CLIENT INFO"),
	})
}

func TestDiffSuiteIntrospectionConfig(t *testing.T) {
	diff(t, []testserver.Case{
		C("CONFIG SET duplicate configs", "CONFIG SET maxmemory 10000001 maxmemory 10000002",
			"CONFIG SET maxmemory 10000001 MAXMEMORY 10000002", "CONFIG GET maxmemory"),
		C("CONFIG SET set immutable", "CONFIG SET daemonize yes", "CONFIG SET databases 3", "CONFIG SET port"),
		C("CONFIG GET multiple args", "CONFIG SET maxmemory 0", "~CONFIG GET maxmemory maxmemory-policy",
			"~CONFIG GET maxmemory maxmemory", "~CONFIG GET nosuchconfig maxmemory-policy",
			"CONFIG GET"),
		C("CONFIG SET rollback on set error", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory 12345 maxmemory-policy bogus",
			"CONFIG GET maxmemory", "CONFIG SET maxmemory 12345 nosuch 1", "CONFIG GET maxmemory",
			"CONFIG SET maxmemory-policy", "CONFIG SET", "CONFIG SET maxmemory 0"),
		C("CONFIG SET save special values", "CONFIG SET save \"100 100\"", "CONFIG GET save", "CONFIG SET save \"100\"",
			"CONFIG SET save \"a b\"", "CONFIG GET save", `CONFIG SET save ""`, "CONFIG GET save"),
		C("CONFIG GET hidden and aliases", "CONFIG GET slaveof", "CONFIG GET replicaof",
			"CONFIG GET hash-max-ziplist-entries", "CONFIG GET hash-max-listpack-entries"),
		C("CONFIG sanity sample", "CONFIG SET hz 10", "CONFIG GET hz", "CONFIG SET hz 10",
			"CONFIG SET timeout abc",
			"CONFIG SET maxmemory-policy allkeys-lru", "CONFIG GET maxmemory-policy", "CONFIG SET maxmemory-policy noeviction",
			"CONFIG SET slowlog-max-len 128", "CONFIG GET slowlog-max-len", "CONFIG SET latency-tracking-info-percentiles \"50 99 99.9\"",
			"CONFIG GET latency-tracking-info-percentiles"),
		C("CONFIG HELP arity", "CONFIG HELP x", "CONFIG RESETSTAT x", "CONFIG GET a b c", "CONFIG foo"),
	})
}

func TestDiffSuiteIntrospectionCommandInfo(t *testing.T) {
	diff(t, []testserver.Case{
		C("TOUCH returns the number of existing keys specified", "SET key1{t} 1", "SET key2{t} 2",
			"TOUCH key0{t} key1{t} key2{t} key3{t}"),
		C("COMMAND GETKEYS", "COMMAND GETKEYS get key", "COMMAND GETKEYS memory usage key",
			"COMMAND GETKEYS xgroup create key groupname $", "COMMAND GETKEYS eval \"return 1\" 1 key",
			"COMMAND GETKEYS eval \"return 1\" 0", "COMMAND GETKEYS lcs key1 key2", "COMMAND GETKEYS zunionstore dst 2 a b",
			"COMMAND GETKEYS sort abc store def", "COMMAND GETKEYS sort abc",
			"COMMAND GETKEYS set", "COMMAND GETKEYS ping", "COMMAND GETKEYS nosuch a", "COMMAND GETKEYS", "COMMAND GETKEYS zunionstore dst 5 a",
			"COMMAND GETKEYS xread streams a b 0 0", "COMMAND GETKEYS georadius k 0 0 1 km store d"),
		C("COMMAND GETKEYSANDFLAGS", "COMMAND GETKEYSANDFLAGS set k v", "COMMAND GETKEYSANDFLAGS lmove a b left right",
			"COMMAND GETKEYSANDFLAGS sort abc store def", "COMMAND GETKEYSANDFLAGS ping"),
		C("COMMAND COUNT", "!COMMAND COUNT"),
		C("COMMAND LIST FILTERBY", "~COMMAND LIST FILTERBY aclcat hyperloglog", "~COMMAND LIST FILTERBY aclcat scripting",
			"~COMMAND LIST FILTERBY pattern pf*", "~COMMAND LIST FILTERBY pattern config*", "~COMMAND LIST FILTERBY pattern config|*re*",
			"~COMMAND LIST FILTERBY pattern cl*help", "COMMAND LIST FILTERBY aclcat non_existing_category",
			"COMMAND LIST FILTERBY module non_existing_module", "COMMAND LIST bad_arg", "COMMAND LIST filterby bad_arg",
			"COMMAND LIST filterby bad_arg bad_arg2", "COMMAND LIST FILTERBY pattern"),
		C("COMMAND INFO of invalid subcommands", "COMMAND INFO get|key", "COMMAND INFO config|get|key",
			"COMMAND INFO nosuch", "COMMAND INFO get set config|get"),
		C("COMMAND INFO movablekeys", "COMMAND INFO set", "COMMAND INFO get", "COMMAND INFO mset", "COMMAND INFO bitfield",
			"COMMAND INFO lmove", "COMMAND INFO sort", "COMMAND INFO zunionstore", "COMMAND INFO xread", "COMMAND INFO eval",
			"COMMAND INFO georadius"),
		C("COMMAND DOCS", "COMMAND DOCS get", "COMMAND DOCS nosuch"),
		C("Subcommand syntax error crash (issue #10070)", "GET|", "GET|SET", "GET|SET|OTHER", "CONFIG|GET GET_XX",
			"CONFIG|GET_XX", "CONFIG|"),
	})
}

func TestDiffSuiteIntrospectionCmdStats(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("command stats for GEOADD", "CONFIG RESETSTAT", "GEOADD foo 0 0 bar",
			"%info:cmdstat_geoadd INFO commandstats", "%info:cmdstat_zadd INFO commandstats"),
		C("command stats for EXPIRE", "CONFIG RESETSTAT", "SET foo bar", "EXPIRE foo 0",
			"%info:cmdstat_expire INFO commandstats", "%info:cmdstat_del INFO commandstats"),
		C("command stats for BRPOP", "CONFIG RESETSTAT", "LPUSH list foo", "BRPOP list 0",
			"%info:cmdstat_brpop INFO commandstats", "%info:cmdstat_rpop INFO commandstats"),
		C("command stats for MULTI", "CONFIG RESETSTAT", "MULTI", "SET foo{t} bar", "GEOADD foo2{t} 0 0 bar",
			"EXPIRE foo2{t} 0", "EXEC", "%info:cmdstat INFO commandstats"),
		C("command stats for scripts", "CONFIG RESETSTAT", "SET mykey myval",
			"EVAL \"redis.call('set', KEYS[1], 0) redis.call('expire', KEYS[1], 0) redis.call('geoadd', KEYS[1], 0, 0, 'bar')\" 1 mykey",
			"%info:cmdstat INFO commandstats"),
		C("command stats for subcommands", "CONFIG RESETSTAT", "!CLIENT ID", "CLIENT GETNAME", "OBJECT ENCODING nokey",
			"%info:cmdstat INFO commandstats"),
	})
}

func TestDiffSuiteIntrospectionErrorstats(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("errorstats: failed call authentication error", "CONFIG RESETSTAT", "%info:errorstat INFO errorstats",
			"%info:total_error_replies INFO stats", "AUTH k", "%info:errorstat INFO errorstats",
			"%info:cmdstat_auth INFO commandstats", "%info:total_error_replies INFO stats", "CONFIG RESETSTAT",
			"%info:errorstat INFO errorstats"),
		C("errorstats: failed call within MULTI/EXEC", "CONFIG RESETSTAT", "MULTI", "SET a b", "AUTH a", "EXEC",
			"%info:errorstat INFO errorstats", "%info:cmdstat INFO commandstats", "%info:total_error_replies INFO stats",
			"CONFIG RESETSTAT", "EXEC", "%info:cmdstat_exec INFO commandstats", "%info:errorstat INFO errorstats"),
		C("errorstats: failed call within LUA", "CONFIG RESETSTAT",
			"EVAL \"redis.pcall('XGROUP', 'CREATECONSUMER', 's1', 'mygroup', 'consumer') return \" 0",
			"%info:errorstat INFO errorstats", "%info:cmdstat INFO commandstats", "CONFIG RESETSTAT", "EVAL a",
			"%info:cmdstat_eval INFO commandstats", "%info:errorstat INFO errorstats"),
		C("errorstats: failed call NOSCRIPT error", "CONFIG RESETSTAT", "EVALSHA NotValidShaSUM 0",
			"%info:errorstat INFO errorstats", "%info:cmdstat_evalsha INFO commandstats"),
		C("errorstats: failed call NOGROUP error", "CONFIG RESETSTAT", "!XADD mystream * f v",
			"XGROUP CREATECONSUMER mystream mygroup consumer", "%info:errorstat INFO errorstats",
			"%info:cmdstat_xgroup INFO commandstats"),
		C("errorstats: rejected call unknown command", "CONFIG RESETSTAT", "asdf", "%info:errorstat INFO errorstats",
			"%info:total_error_replies INFO stats", "%info:cmdstat INFO commandstats"),
		C("errorstats: rejected call within MULTI/EXEC", "CONFIG RESETSTAT", "MULTI", "SET", "EXEC",
			"%info:errorstat INFO errorstats", "%info:cmdstat INFO commandstats"),
		C("errorstats: rejected call due to wrong arity", "CONFIG RESETSTAT", "SET k", "%info:errorstat INFO errorstats",
			"%info:cmdstat_set INFO commandstats", "SET k1 v1", "SET k2 v2", "%info:cmdstat_set INFO commandstats"),
		C("errorstats: rejected call by OOM error", "CONFIG RESETSTAT", "CONFIG SET maxmemory 1", "SET a b",
			"CONFIG SET maxmemory 0", "%info:errorstat INFO errorstats", "%info:cmdstat_set INFO commandstats"),
		C("errorstats: blocking commands", "CONFIG RESETSTAT", "!CLIENT ID", "%info:errorstat INFO errorstats"),
		C("errorstats: custom lua error codes", "CONFIG RESETSTAT",
			"EVAL \"return redis.error_reply('MYERR custom')\" 0", "EVAL \"return {err='OTHER x'}\" 0",
			"EVAL \"return redis.error_reply('nospace')\" 0", "%info:errorstat INFO errorstats",
			"%info:total_error_replies INFO stats"),
		C("stats: total counters reset", "CONFIG RESETSTAT", "GET nokey", "SET k v", "GET k",
			"%info:keyspace_ INFO stats", "%info:total_commands_processed INFO stats", "%info:rejected_calls INFO stats"),
	})
}

func TestDiffSuiteIntrospectionInfo(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("info command with at most one sub command", "%infoshape INFO", "%infoshape INFO all",
			"%infoshape INFO default", "%infoshape INFO everything"),
		C("info command with one sub-section", "%infoshape INFO cpu", "%infoshape INFO sentinel",
			"%infoshape INFO server", "%infoshape INFO clients", "%infoshape INFO memory", "%infoshape INFO persistence",
			"%infoshape INFO stats", "%infoshape INFO replication", "%infoshape INFO modules", "%infoshape INFO keyspace",
			"%infoshape INFO errorstats", "%infoshape INFO cluster", "%infoshape INFO CPU", "%infoshape INFO nosuch"),
		C("info command with multiple sub-sections", "%infoshape INFO cpu sentinel", "%infoshape INFO cpu all",
			"%infoshape INFO cpu default", "%infoshape INFO cpu cpu", "%infoshape INFO server clients"),
		C("info keyspace", "SET a 1", "SET b 2", "EXPIRE b 100", "SELECT 3", "SET c 1", "%masknum INFO keyspace"),
		C("latencystats: disable/enable", "CONFIG RESETSTAT", "CONFIG SET latency-tracking no", "SET a b",
			"%info:latency_percentiles_usec_set INFO latencystats", "CONFIG SET latency-tracking yes", "SET a b",
			"%info:latency_percentiles_usec_set INFO latencystats"),
		C("latencystats: configure percentiles", "CONFIG RESETSTAT", "CONFIG GET latency-tracking-info-percentiles",
			"SET a b", "GET a", "%info:latency_percentiles_usec INFO latencystats",
			"CONFIG SET latency-tracking-info-percentiles \"0.0 50.0 100.0\"", "CONFIG GET latency-tracking-info-percentiles",
			"%info:latency_percentiles_usec INFO latencystats", "CONFIG SET latency-tracking-info-percentiles \"50.0 99.0 99.9\""),
		C("latencystats: bad configure percentiles", "CONFIG SET latency-tracking-info-percentiles \"10.0 50.0 a\"",
			"CONFIG GET latency-tracking-info-percentiles", "CONFIG SET latency-tracking-info-percentiles \"10.0 50.0 101.0\"",
			"CONFIG SET latency-tracking-info-percentiles \"-1\"", "CONFIG SET latency-tracking-info-percentiles \"\"",
			"CONFIG GET latency-tracking-info-percentiles", "%info:latency_percentiles_usec INFO latencystats",
			"CONFIG SET latency-tracking-info-percentiles \"50 99 99.9\""),
		C("latencystats: blocking commands", "CONFIG RESETSTAT", "LPUSH list1{t} a", "BLPOP list1{t} 0",
			"%info:latency_percentiles_usec INFO latencystats"),
		C("latencystats: subcommands", "CONFIG RESETSTAT", "!CLIENT ID", "%info:latency_percentiles_usec INFO latencystats",
			"CONFIG SET latency-tracking-info-percentiles \"50 99 99.9\""),
		C("latencystats: measure latency", "CONFIG RESETSTAT", "CONFIG SET latency-tracking-info-percentiles \"50.0\"",
			"DEBUG SLEEP 0.005", "SET k v", "%info:latency_percentiles_usec_debug INFO latencystats",
			"CONFIG SET latency-tracking-info-percentiles \"50 99 99.9\""),
	})
}

func TestDiffSuiteIntrospectionSlowlog(t *testing.T) {
	restore := "CONFIG SET slowlog-log-slower-than 10000"
	diffNorm(t, []testserver.Case{
		C("SLOWLOG - check that it starts with an empty log", "SLOWLOG RESET", "SLOWLOG LEN", "SLOWLOG GET"),
		C("SLOWLOG - only logs commands taking more time than specified", "CONFIG SET slowlog-log-slower-than 100000",
			"SLOWLOG RESET", "PING", "SLOWLOG LEN", "CONFIG SET slowlog-log-slower-than 10000", "DEBUG SLEEP 0.02",
			"SLOWLOG LEN", "%slowlog SLOWLOG GET", restore),
		C("SLOWLOG - max entries is correctly handled", "CONFIG SET slowlog-log-slower-than 0", "CONFIG SET slowlog-max-len 10",
			"PING", "PING", "PING", "PING", "PING", "PING", "PING", "PING", "PING", "PING", "PING", "PING", "SLOWLOG LEN",
			"%len SLOWLOG GET 5", "%len SLOWLOG GET", "%len SLOWLOG GET -1", "%len SLOWLOG GET 0", "SLOWLOG GET -2",
			"SLOWLOG GET abc", "CONFIG SET slowlog-max-len 128", restore),
		C("SLOWLOG - RESET subcommand works", "CONFIG SET slowlog-log-slower-than 100000", "SLOWLOG RESET", "SLOWLOG LEN", restore),
		C("SLOWLOG - logged entry sanity check", "CONFIG SET slowlog-log-slower-than 10000", "SLOWLOG RESET",
			"CLIENT SETNAME foobar", "DEBUG SLEEP 0.02", "%slowlog SLOWLOG GET", restore),
		C("SLOWLOG - Certain commands are omitted that contain sensitive information",
			"CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET", `ACL SETUSER "slowlog test user" +get +set`,
			`CONFIG SET masterauth ""`, "ACL SETUSER default on nopass ~* &* +@all", "CONFIG SET slowlog-log-slower-than 0",
			"CONFIG SET slowlog-log-slower-than 10000", "%slowlog SLOWLOG GET"),
		C("SLOWLOG - Some commands can redact sensitive fields", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET",
			"!HELLO 2 AUTH default pass", "AUTH pass", "AUTH user pass",
			"CONFIG SET slowlog-log-slower-than 10000", "%slowlog SLOWLOG GET"),
		C("SLOWLOG - Rewritten commands are logged as their original command", "CONFIG SET slowlog-log-slower-than 0",
			"SADD set a b c d e", "SLOWLOG RESET", "~SPOP set 10", "%slowlog SLOWLOG GET 1", "SLOWLOG RESET",
			"GEOADD cool-cities -122.33207 47.60621 Seattle", "%slowlog SLOWLOG GET 1", "SET A 5", "SLOWLOG RESET",
			"GETSET a 5", "%slowlog SLOWLOG GET 1", "SET A 0", "SLOWLOG RESET", "INCRBYFLOAT A 1.0", "%slowlog SLOWLOG GET 1",
			"SLOWLOG RESET", "SET k v EX 100", "%slowlog SLOWLOG GET 1", "SLOWLOG RESET", "MULTI", "SET a b", "EXEC",
			"%slowlog SLOWLOG GET", restore),
		C("SLOWLOG - commands with too many arguments are trimmed", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET",
			"SADD set 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33",
			"%slowlog SLOWLOG GET 1", restore),
		C("SLOWLOG - too long arguments are trimmed", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET",
			"SADD set foo "+strings.Repeat("A", 129), "SADD set foo "+strings.Repeat("B", 128), "%slowlog SLOWLOG GET 2", restore),
		C("SLOWLOG - EXEC is not logged, just executed commands", "CONFIG SET slowlog-log-slower-than 10000", "SLOWLOG RESET",
			"MULTI", "DEBUG SLEEP 0.02", "EXEC", "SLOWLOG LEN", "%slowlog SLOWLOG GET", restore),
		C("SLOWLOG - can clean older entries", "CLIENT SETNAME lastentry_client", "CONFIG SET slowlog-log-slower-than 0",
			"CONFIG SET slowlog-max-len 1", "PING", "%slowlog SLOWLOG GET", "SLOWLOG LEN", "CONFIG SET slowlog-max-len 128", restore),
		C("SLOWLOG - can be disabled", "CONFIG SET slowlog-max-len 1", "CONFIG SET slowlog-log-slower-than 1", "SLOWLOG RESET",
			"DEBUG SLEEP 0.01", "SLOWLOG LEN", "CONFIG SET slowlog-log-slower-than -1", "SLOWLOG RESET", "DEBUG SLEEP 0.01",
			"SLOWLOG LEN", "CONFIG SET slowlog-max-len 128", restore),
		C("SLOWLOG - errors", "SLOWLOG", "SLOWLOG foo", "SLOWLOG LEN x", "SLOWLOG RESET x", "SLOWLOG GET 1 2",
			"!SLOWLOG HELP", "%len SLOWLOG HELP"),
		C("SLOWLOG - blocking command is reported only once", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET",
			"LPUSH l foo", "BLPOP l 0", "%slowlog SLOWLOG GET", restore),
		C("SLOWLOG - lua script commands", "CONFIG SET slowlog-log-slower-than 0", "SLOWLOG RESET",
			"EVAL \"redis.call('set','a','b') return 1\" 0", "%slowlog SLOWLOG GET", restore),
	})
}

func TestDiffSuiteIntrospectionLatency(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("LATENCY HISTOGRAM with empty histogram", "CONFIG RESETSTAT", "%histogram LATENCY HISTOGRAM"),
		C("LATENCY HISTOGRAM all commands", "CONFIG RESETSTAT", "SET a b", "SET c d", "%histogram LATENCY HISTOGRAM"),
		C("LATENCY HISTOGRAM sub commands", "CONFIG RESETSTAT", "!CLIENT ID", "!CLIENT LIST",
			"%histogram LATENCY HISTOGRAM client", "%histogram LATENCY HISTOGRAM client|id"),
		C("LATENCY HISTOGRAM with a subset of commands", "CONFIG RESETSTAT", "SET a b", "SET c d", "GET a",
			"HSET f k v", "HGETALL f", "%histogram LATENCY HISTOGRAM set hset", "%histogram LATENCY HISTOGRAM hgetall get zadd"),
		C("LATENCY HISTOGRAM command", "CONFIG RESETSTAT", "SET a b", "GET a", "%histogram LATENCY HISTOGRAM set get"),
		C("LATENCY HISTOGRAM with wrong command name skips the invalid one", "CONFIG RESETSTAT",
			"LATENCY HISTOGRAM blabla", "LATENCY HISTOGRAM blabla blabla2 set get", "SET a b", "GET a",
			"%histogram LATENCY HISTOGRAM blabla blabla2 set get", "%histogram LATENCY HISTOGRAM blabla set get"),
		C("LATENCY HISTOGRAM bucket shape", "CONFIG RESETSTAT", "PING", "LATENCY HISTOGRAM get"),
		C("LATENCY HISTORY / RESET with wrong event name is fine", "LATENCY HISTORY blabla", "LATENCY RESET blabla"),
		C("LATENCY DOCTOR produces some output", "!LATENCY DOCTOR"),
		C("LATENCY events logging", "CONFIG SET latency-monitor-threshold 5", "LATENCY RESET", "DEBUG SLEEP 0.02",
			"%events LATENCY LATEST", "%events LATENCY HISTORY command", "LATENCY RESET", "LATENCY LATEST",
			"CONFIG SET latency-monitor-threshold 0", "DEBUG SLEEP 0.02", "LATENCY LATEST"),
		C("LATENCY RESET is able to reset events", "LATENCY RESET", "LATENCY LATEST"),
		C("LATENCY HELP should not have unexpected options", "LATENCY help xxx", "!LATENCY HELP", "%len LATENCY HELP",
			"LATENCY", "LATENCY foo", "LATENCY LATEST x", "LATENCY HISTORY", "LATENCY DOCTOR x", "LATENCY GRAPH",
			"LATENCY GRAPH nosuch"),
	})
}

func TestDiffSuiteIntrospectionAuth(t *testing.T) {
	diff(t, []testserver.Case{
		C("AUTH fails if there is no password configured server side", "AUTH foo"),
		C("Arity check for auth command", "AUTH a b c", "AUTH"),
		C("AUTH with requirepass", "CONFIG SET requirepass foobar", "AUTH wrong!", "AUTH foobar", "SET foo 100",
			"INCR foo", "AUTH default foobar", "AUTH default wrong", "AUTH nouser foobar", `CONFIG SET requirepass ""`, "AUTH foo"),
		C("AUTH fails when binary password is wrong", "CONFIG SET requirepass \"abc\\x00def\"", "AUTH abc",
			"AUTH \"abc\\x00def\"", "CONFIG GET requirepass", `CONFIG SET requirepass ""`),
		C("HELLO AUTH", "!HELLO 2 AUTH default wrong", "HELLO 2 AUTH nouser x", "HELLO 4", "HELLO abc", "HELLO 2 SETNAME \"a b\"",
			"HELLO 2 AUTH default", "HELLO 2 foo"),
	})
	testserver.SkipOrFail(t, redis)
	// A second connection, not yet authenticated, while requirepass is on.
	for _, addr := range []string{sundial.Addr, redis.Addr} {
		c, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Do("CONFIG", "SET", "requirepass", "foobar"); err != nil {
			t.Fatal(err)
		}
		defer func(c *testserver.Conn) {
			c.Do("CONFIG", "SET", "requirepass", "")
			c.Close()
		}(c)
	}
	diffRaw(t, "Arbitrary command gives an error when AUTH is required",
		"*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n*1\r\n$4\r\nPING\r\n*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$4\r\nAUTH\r\n$3\r\nbad\r\n*1\r\n$4\r\nQUIT\r\n")
	diffRaw(t, "unauthenticated multibulk length is limited", "*100\r\n")
	diffRaw(t, "unauthenticated bulk length is limited", "*1\r\n$100000000\r\n")
	diffRaw(t, "unauthenticated inline command", "SET a b\r\nAUTH foobar\r\nPING\r\nQUIT\r\n")
}

func TestDiffSuiteIntrospectionOther(t *testing.T) {
	fuzz := []string{}
	for i := 0; i < 200; i++ {
		v := make([]byte, (i*37)%512)
		for j := range v {
			v[j] = byte((i*131 + j*7) % 256)
		}
		fuzz = append(fuzz, "SET foo "+suiteQuote(v), "GET foo")
	}
	appendFuzz := []string{"DEL x"}
	for i := 0; i < 200; i++ {
		v := make([]byte, i%11)
		for j := range v {
			v[j] = byte('a' + (i+j)%26)
		}
		appendFuzz = append(appendFuzz, "APPEND x "+suiteQuote(v))
	}
	appendFuzz = append(appendFuzz, "GET x")
	diffNorm(t, []testserver.Case{
		C("FUZZ stresser", fuzz...),
		C("SELECT an out of range DB", "SELECT 1000000", "SELECT -1", "SELECT 16", "SELECT 15"),
		C("MULTI / EXEC basics", "RPUSH mylist a", "RPUSH mylist b", "RPUSH mylist c", "MULTI", "LRANGE mylist 0 -1",
			"PING", "EXEC"),
		C("DISCARD", "RPUSH mylist a b c", "MULTI", "DEL mylist", "DISCARD", "LRANGE mylist 0 -1"),
		C("Nested MULTI are not allowed", "MULTI", "MULTI", "EXEC"),
		C("MULTI where commands alter argc/argv", "SADD myset a", "MULTI", "SPOP myset", "EXEC", "EXISTS myset"),
		C("WATCH inside MULTI is not allowed", "MULTI", "WATCH x", "EXEC"),
		C("APPEND basics", "APPEND foo bar", "GET foo", "APPEND foo 100", "GET foo"),
		C("APPEND basics, integer encoded values", "APPEND foo 1", "APPEND foo 2", "GET foo", "SET foo 1",
			"APPEND foo 2", "GET foo", "OBJECT ENCODING foo"),
		C("APPEND fuzzing", appendFuzz...),
		C("FLUSHDB", "SELECT 9", "SET a 1", "FLUSHDB", "DBSIZE", "SELECT 10", "SET a 1", "FLUSHDB", "DBSIZE", "FLUSHDB ASYNC",
			"FLUSHDB SYNC", "FLUSHDB foo", "FLUSHALL foo"),
		C("Coverage: HELP commands", "!OBJECT HELP", "!MEMORY HELP", "!PUBSUB HELP", "!SLOWLOG HELP", "!CLIENT HELP",
			"!COMMAND HELP", "!CONFIG HELP", "!FUNCTION HELP", "!MODULE HELP", "%len OBJECT HELP", "%len PUBSUB HELP",
			"%len COMMAND HELP", "%len CONFIG HELP", "%len XINFO HELP", "%len XGROUP HELP", "%len SCRIPT HELP",
			"%len FUNCTION HELP", "%len MEMORY HELP", "%len ACL HELP"),
		C("Coverage: MEMORY MALLOC-STATS", "!MEMORY MALLOC-STATS"),
		C("Coverage: MEMORY PURGE", "MEMORY PURGE"),
		C("Coverage: ECHO", "ECHO bang", "ECHO", "ECHO a b"),
		C("Subcommand syntax error crash", "GET|", "GET|SET", "GET|SET|OTHER", "CONFIG|GET GET_XX", "CONFIG|GET_XX"),
		C("SAVE types", "LPUSH mysavelist hello", "LPUSH mysavelist world", `SET myemptykey ""`, "SET mynormalkey blablablba",
			"ZADD mytestzset 10 a 20 b 30 c", "!DBSIZE"),
	})
}

// Scenarios where sundial still differs, in code it does not own here.
// CLIENT INFO inside EXEC, errorstats of many codes, CLIENT REPLY modes.
func TestDiffSuiteIntrospectionEngine(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	for _, addr := range []string{redis.Addr, sundial.Addr} {
		c, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Fatal(err)
		}
		c.Do("MULTI")
		c.Do("CLIENT", "INFO")
		got, err := c.Do("EXEC")
		c.Close()
		if err != nil || !strings.Contains(got, " cmd=exec ") {
			t.Errorf("%s: CLIENT INFO inside EXEC: %q %v, want cmd=exec", addr, got, err)
		}
	}
	// Errorstats keep counting every code (no cap in 7.0.15).
	cmds := []string{"CONFIG RESETSTAT"}
	for i := 0; i < 130; i++ {
		cmds = append(cmds, fmt.Sprintf("EVAL \"return redis.error_reply('E%d x')\" 0", i))
	}
	cmds = append(cmds, "%info:errorstat_E12 INFO errorstats", "%info:errorstat_E129 INFO errorstats",
		"%info:errorstat_ERRORSTATS INFO errorstats", "%info:total_error_replies INFO stats", "CONFIG RESETSTAT")
	diffNorm(t, []testserver.Case{C("errorstats: limit errors will not increase indefinitely", cmds...)})
	// CLIENT REPLY OFF/SKIP/ON change what reaches the socket.
	var b []byte
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "OFF")
	b = redistest.AppendCommand(b, "SET", "x", "1")
	b = redistest.AppendCommand(b, "PING")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "SKIP")
	b = redistest.AppendCommand(b, "PING")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "ON")
	b = redistest.AppendCommand(b, "PING", "a")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "SKIP")
	b = redistest.AppendCommand(b, "GET", "x")
	b = redistest.AppendCommand(b, "GET", "x")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "SKIP")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "ON")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "OFF")
	b = redistest.AppendCommand(b, "FOO")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "SKIP")
	b = redistest.AppendCommand(b, "GET")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "ON")
	b = redistest.AppendCommand(b, "CLIENT", "REPLY", "SKIP")
	b = redistest.AppendCommand(b, "FOO")
	b = redistest.AppendCommand(b, "PING", "b")
	b = redistest.AppendCommand(b, "DEL", "x")
	b = redistest.AppendCommand(b, "QUIT")
	diffRaw(t, "CLIENT REPLY OFF/SKIP/ON", string(b))
}

func TestDiffSuiteIntrospectionConfigRanges(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("CONFIG GET maxmemory-clients", "~CONFIG GET maxmemory* maxmemory", "CONFIG GET key-load-delay"),
		C("CONFIG value ranges", "CONFIG SET hz 0", "CONFIG GET hz", "CONFIG SET hz 1000", "CONFIG GET hz", "CONFIG SET hz 10",
			"CONFIG SET maxclients -1", "CONFIG SET maxclients 4294967296", "CONFIG SET slowlog-max-len -1",
			"CONFIG SET slowlog-log-slower-than -2", "CONFIG SET slowlog-max-len 9223372036854775808"),
	})
}

func TestDiffSuiteIntrospectionMigrate(t *testing.T) {
	diffNorm(t, []testserver.Case{
		C("MIGRATE", "COMMAND GETKEYS migrate host 1 \"\" 0 5 KEYS a b", "COMMAND INFO migrate",
			"MIGRATE 127.0.0.1 1 key 9 5000", "MIGRATE 127.0.0.1 1 key 9 5000 AUTH user"),
	})
}

func TestDiffSuiteIntrospectionPending(t *testing.T) {
	t.Skip("pending: appendonly is immutable in sundial (config/config.go); ACL users not implemented")
	diffNorm(t, []testserver.Case{
		C("CONFIG SET appendonly", "CONFIG SET appendonly maybe"),
		C("errorstats: rejected call by authorization error", "CONFIG RESETSTAT",
			"ACL SETUSER alice on >p1pp0 ~cached:* +get +info +config", "AUTH alice p1pp0", "SET a b",
			"%info:errorstat INFO errorstats", "%info:cmdstat_set INFO commandstats", "AUTH default \"\"",
			"ACL DELUSER alice"),
	})
}
