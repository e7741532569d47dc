package server_test

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// Scenarios of Redis's own hash and set test suites
// (tests/unit/type/hash.tcl and set.tcl), replayed against sundial and
// redis-server. Replies whose order Redis leaves to its hash table are
// compared unordered; random picks are compared by their shape and
// checked for membership and spread on both servers.

// hsRandString is util.tcl's randstring: min to max characters, "alpha"
// (0 to z), "compr" (0 to 4) or "binary" (any byte).
func hsRandString(rng *rand.Rand, lo, hi int, kind string) string {
	n := lo + rng.Intn(hi-lo+1)
	from, to := 0, 255
	switch kind {
	case "alpha":
		from, to = 48, 122
	case "compr":
		from, to = 48, 52
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(from + rng.Intn(to-from+1))
	}
	return string(b)
}

// hsRandomSignedInt is util.tcl's randomSignedInt.
func hsRandomSignedInt(rng *rand.Rand, max int64) string {
	n := rng.Int63n(max)
	if rng.Intn(2) == 0 {
		n = -n
	}
	return strconv.FormatInt(n, 10)
}

// hsRandomValue is util.tcl's randomValue: small, 32-bit and 64-bit
// signed integers and strings of every kind up to 256 bytes.
func hsRandomValue(rng *rand.Rand) string {
	switch rng.Intn(4) {
	case 0:
		return hsRandomSignedInt(rng, 1000)
	case 1:
		if rng.Intn(2) == 0 {
			return hsRandomSignedInt(rng, 2000000000)
		}
		return hsRandomSignedInt(rng, 4000000000)
	case 2:
		return hsRandomSignedInt(rng, 1000000000000)
	}
	return hsRandString(rng, 0, 256, []string{"alpha", "compr", "binary"}[rng.Intn(3)])
}

// hsHash is a hash built by the suite: fields in insertion order with
// their values, as the test's Tcl array remembers them.
type hsHash struct {
	key    string
	fields []string
	vals   map[string]string
}

// hsCreate is the suite's "HSET/HLEN - ... hash creation": n distinct
// alpha fields with alpha values, one HSET each.
func hsCreate(rng *rand.Rand, key string, n int) (*hsHash, []string) {
	h := &hsHash{key: key, vals: map[string]string{}}
	var cmds []string
	for len(h.fields) < n {
		f := "__avoid_collisions__" + hsRandString(rng, 0, 8, "alpha")
		v := "__avoid_collisions__" + hsRandString(rng, 0, 8, "alpha")
		if _, dup := h.vals[f]; dup {
			continue
		}
		h.fields = append(h.fields, f)
		h.vals[f] = v
		cmds = append(cmds, cmd("HSET", key, f, v))
	}
	return h, cmds
}

// load is a single HMSET recreating the hash with the same field order.
func (h *hsHash) load() string {
	args := []string{h.key}
	for _, f := range h.fields {
		args = append(args, f, h.vals[f])
	}
	return cmd("HMSET", args...)
}

// each runs one command per field: name key field.
func (h *hsHash) each(name string) []string {
	var out []string
	for _, f := range h.fields {
		out = append(out, cmd(name, h.key, f))
	}
	return out
}

// read is the suite's read checks, ordered replies exact for a listpack
// and unordered for a hashtable.
func (h *hsHash) read(ordered bool) []string {
	m := "~"
	if ordered {
		m = ""
	}
	return []string{
		"HLEN " + h.key, "OBJECT ENCODING " + h.key,
		m + "HGETALL " + h.key, m + "HKEYS " + h.key, m + "HVALS " + h.key,
		cmd("HMGET", append([]string{h.key}, h.fields...)...),
	}
}

// hsModify is the suite's sequence of updates run against both the small
// and the big hash after creation (HSET modes, HSETNX, HMSET, HDEL,
// HEXISTS, HINCRBY, HINCRBYFLOAT, HSTRLEN).
func hsModify(rng *rand.Rand, h *hsHash, ordered bool) []string {
	k := h.key
	first := h.fields[0]
	out := []string{
		// HSET in update and insert mode
		cmd("HSET", k, first, "newval1"), cmd("HGET", k, first),
		cmd("HSET", k, "__foobar123__", "newval"), cmd("HDEL", k, "__foobar123__"),
		// HGET against non existing key
		cmd("HGET", k, "__123123123__"),
		// HSETNX target key missing, then existing
		cmd("HSETNX", k, "__123123123__", "foo"), cmd("HGET", k, "__123123123__"),
		cmd("HSETNX", k, "__123123123__", "bar"), cmd("HGET", k, "__123123123__"),
		cmd("HDEL", k, "__123123123__"),
		// HSET/HMSET wrong number of args
		cmd("HSET", k, "key1", "val1", "key2"), cmd("HMSET", k, "key1", "val1", "key2"),
		// HMGET against non existing fields
		cmd("HMGET", k, "__123123123__", "__456456456__"),
	}
	// HMSET with new values for every field
	args := []string{k}
	for _, f := range h.fields {
		args = append(args, f, hsRandString(rng, 0, 8, "alpha"))
	}
	out = append(out, cmd("HMSET", args...))
	out = append(out, h.read(ordered)...)
	out = append(out,
		// HDEL and return value
		cmd("HDEL", k, "nokey"), cmd("HDEL", k, first), cmd("HDEL", k, first), cmd("HGET", k, first),
		// HEXISTS
		cmd("HEXISTS", k, h.fields[1]), cmd("HEXISTS", k, "nokey"),
		// HINCRBY
		cmd("HDEL", k, "tmp"), cmd("HINCRBY", k, "tmp", "2"), cmd("HGET", k, "tmp"),
		cmd("HINCRBY", k, "tmp", "3"), cmd("HGET", k, "tmp"),
		cmd("HSET", k, "tmp", "100"), cmd("HINCRBY", k, "tmp", "2"),
		cmd("HSET", k, "tmp", "17179869184"), cmd("HINCRBY", k, "tmp", "1"),
		cmd("HSET", k, "tmp", "17179869184"), cmd("HINCRBY", k, "tmp", "17179869184"),
		cmd("HSET", k, "str", " 11"), cmd("HINCRBY", k, "str", "1"),
		cmd("HSET", k, "str", "11 "), cmd("HINCRBY", k, "str", "1"),
		// HINCRBYFLOAT
		cmd("HDEL", k, "tmp"), cmd("HINCRBYFLOAT", k, "tmp", "2.5"), cmd("HGET", k, "tmp"),
		cmd("HINCRBYFLOAT", k, "tmp", "3.5"), cmd("HGET", k, "tmp"),
		cmd("HSET", k, "tmp", "100"), cmd("HINCRBYFLOAT", k, "tmp", "2.5"),
		cmd("HSET", k, "tmp", "17179869184"), cmd("HINCRBYFLOAT", k, "tmp", "1"),
		cmd("HSET", k, "tmp", "17179869184"), cmd("HINCRBYFLOAT", k, "tmp", "17179869184"),
		cmd("HSET", k, "str", " 11"), cmd("HINCRBYFLOAT", k, "str", "1"),
		cmd("HSET", k, "str", "11 "), cmd("HINCRBYFLOAT", k, "str", "1"),
		// HSTRLEN against non existing field and corner cases
		cmd("HSTRLEN", k, "__123123123__"),
	)
	for _, v := range []string{"-9223372036854775808", "9223372036854775807", "9223372036854775808", "", "0", "-1", "x"} {
		out = append(out, cmd("HMSET", k, "field", v), cmd("HSTRLEN", k, "field"), cmd("HGET", k, "field"))
	}
	// Is a listpack encoded hash promoted on big payload?
	out = append(out, cmd("HSET", k, "foo", strings.Repeat("a", 1024)), "OBJECT ENCODING "+k, "HLEN "+k)
	return out
}

func TestDiffSuiteHashSetHash(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	small, smallCmds := hsCreate(rng, "smallhash", 8)
	big, bigCmds := hsCreate(rng, "bighash", 1024)
	cases := []testserver.Case{
		C("small hash creation", seq(smallCmds, small.read(true), small.each("HGET"), small.each("HSTRLEN"),
			small.each("HEXISTS"))...),
		C("big hash creation", seq(bigCmds, big.read(false))...),
		C("big hash hget hstrlen", seq(big.load(), big.each("HGET"), big.each("HSTRLEN"))...),
		C("small hash modify", seq(small.load(), hsModify(rng, small, true), small.read(false))...),
		C("big hash modify", seq(big.load(), hsModify(rng, big, false))...),
		C("HGET HMGET against non existing key", "HGET nokey __123123123__",
			"HMGET doesntexist __123123123__ __456456456__", "HGETALL htest", "HKEYS htest", "HVALS htest",
			"HLEN htest", "HSTRLEN htest f", "HEXISTS htest f", "HDEL htest f", "EXISTS htest"),
		C("hash commands against wrong type", "SET wrongtype somevalue",
			"HMGET wrongtype field1 field2", "HRANDFIELD wrongtype", "HRANDFIELD wrongtype 2",
			"HRANDFIELD wrongtype -2 WITHVALUES", "HGET wrongtype field1", "HGETALL wrongtype",
			"HDEL wrongtype field1", "HINCRBY wrongtype field1 2", "HINCRBYFLOAT wrongtype field1 2.5",
			"HSTRLEN wrongtype field1", "HVALS wrongtype", "HKEYS wrongtype", "HEXISTS wrongtype field1",
			"HSET wrongtype field1 val1", "HMSET wrongtype field1 val1 field2 val2",
			"HSETNX wrongtype field1 val1", "HLEN wrongtype", "HSCAN wrongtype 0",
			"HGETDEL wrongtype fields 1 a", "GET wrongtype"),
		C("HDEL more than a single value", "HMSET myhash a 1 b 2 c 3", "HDEL myhash x y",
			"HDEL myhash a c f", "HGETALL myhash"),
		C("HDEL hash becomes empty before deleting all specified fields", "HMSET myhash a 1 b 2 c 3",
			"HDEL myhash a b c d e", "EXISTS myhash"),
		C("HINCRBY against non existing database key", "HINCRBY htest foo 2", "HGETALL htest",
			"OBJECT ENCODING htest"),
		C("HINCRBY HINCRBYFLOAT against non-integer increment value", "HSET incrhash field 5",
			"HINCRBY incrhash field v", "HINCRBYFLOAT incrhash field v", "HINCRBY incrhash field 1.5",
			"HINCRBY incrhash field ''", "HINCRBYFLOAT incrhash field ''", "HINCRBY nokey field v",
			"HINCRBYFLOAT nokey field v", "EXISTS nokey", "HGET incrhash field"),
		C("HINCRBY can detect overflows", "HSET hash n -9223372036854775484", "HINCRBY hash n -1",
			"HINCRBY hash n -10000", "HGET hash n", "HSET hash p 9223372036854775800",
			"HINCRBY hash p 7", "HINCRBY hash p 1", "HGET hash p"),
		C("HINCRBYFLOAT fails against hash value with a null-terminator in the middle",
			`HSET h f "1\x002"`, "HINCRBYFLOAT h f 1", "HINCRBY h f 1", "HGET h f"),
		C("HINCRBYFLOAT over hash-max-listpack-value encoded with a listpack",
			"CONFIG SET hash-max-listpack-value 8",
			"HSET smallhash tmp 0", "HSET bighash tmp 0",
			"HINCRBYFLOAT smallhash tmp 0.000005", "HINCRBYFLOAT bighash tmp 0.0000005",
			"OBJECT ENCODING smallhash", "OBJECT ENCODING bighash",
			"DEL smallhash bighash",
			"HINCRBYFLOAT smallhash abcdefgh 1", "HINCRBYFLOAT bighash abcdefghi 1",
			"OBJECT ENCODING smallhash", "OBJECT ENCODING bighash",
			"DEL smallhash bighash",
			"HINCRBY smallhash abcdefgh 1", "HINCRBY bighash abcdefghi 1",
			"HINCRBY smallhash tmp 12345678", "HINCRBY bighash tmp 123456789",
			"OBJECT ENCODING smallhash", "OBJECT ENCODING bighash",
			"CONFIG SET hash-max-listpack-value 64"),
		C("HGETDEL is not in Redis 7.0", "HSET key1 f1 1", "HGETDEL", "HGETDEL key1",
			"HGETDEL key1 FIELDS 1 f1", "HGETDEL key1 XFIELDX 1 a", "HGETALL key1"),
		C("hash field expiry is not in Redis 7.0", "HSET h f v",
			"HEXPIRE h 100 FIELDS 1 f", "HPEXPIRE h 100 FIELDS 1 f", "HEXPIREAT h 100 FIELDS 1 f",
			"HPEXPIREAT h 100 FIELDS 1 f", "HTTL h FIELDS 1 f", "HPTTL h FIELDS 1 f",
			"HEXPIRETIME h FIELDS 1 f", "HPEXPIRETIME h FIELDS 1 f", "HPERSIST h FIELDS 1 f",
			"HGETEX h FIELDS 1 f", "HSETEX h FIELDS 1 f v", "HEXPIRE", "httl", "TTL h", "HGETALL h"),
		C("hash ziplist regression test for large keys",
			cmd("HSET", "hash", strings.Repeat("k", 336), "a"), cmd("HSET", "hash", strings.Repeat("k", 336), "b"),
			cmd("HGET", "hash", strings.Repeat("k", 336)), "OBJECT ENCODING hash", "HLEN hash"),
		C("HINCRBYFLOAT for correct float representation", "HINCRBYFLOAT myhash float 1.23",
			"HINCRBYFLOAT myhash float 0.77", "HINCRBYFLOAT myhash float -0.1", "HGET myhash float"),
		C("HINCRBYFLOAT does not allow NaN or Infinity", "HINCRBYFLOAT hfoo field +inf", "EXISTS hfoo",
			"HINCRBYFLOAT hfoo field -inf", "HINCRBYFLOAT hfoo field inf", "HINCRBYFLOAT hfoo field nan",
			"HSET hfoo field inf", "HINCRBYFLOAT hfoo field 1", "HSET hfoo field 1.7976931348623157e308",
			"HINCRBYFLOAT hfoo field 1.7976931348623157e308", "HGET hfoo field"),
		C("HRANDFIELD count of 0 and against non existing key", "HSET myhash a 1 b 2",
			"HRANDFIELD myhash 0", "HRANDFIELD myhash 0 WITHVALUES", "HRANDFIELD nonexisting_key 100",
			"HRANDFIELD nonexisting_key 100 WITHVALUES", "HRANDFIELD nonexisting_key", "HRANDFIELD nonexisting_key -5"),
		C("HRANDFIELD count overflow", "HMSET myhash a 1",
			"HRANDFIELD myhash -9223372036854770000 withvalues", "HRANDFIELD myhash -9223372036854775808 withvalues",
			"HRANDFIELD myhash -9223372036854775808", "HRANDFIELD myhash -9223372036854775807 WITHVALUES",
			"HRANDFIELD myhash 9223372036854775807 WITHVALUES", "HRANDFIELD myhash 9223372036854775807",
			"HRANDFIELD nokey -9223372036854775808", "HRANDFIELD nokey -9223372036854770000 withvalues",
			"HRANDFIELD myhash 1 withvalue", "HRANDFIELD myhash x", "HRANDFIELD myhash 1 WITHVALUES x"),
	}
	// Hash fuzzing #1 and #2, for 10 and 512 fields.
	for _, size := range []int{10, 512} {
		times := 10
		if size > 100 {
			times = 3
		}
		for it := 0; it < times; it++ {
			cases = append(cases, C(fmt.Sprintf("hash fuzzing #1 %d fields %d", size, it), hsFuzz(rng, size, false)...))
			cases = append(cases, C(fmt.Sprintf("hash fuzzing #2 %d fields %d", size, it), hsFuzz(rng, size, true)...))
		}
	}
	// Stress test the listpack -> hashtable encoding conversion.
	stress := []string{"CONFIG SET hash-max-ziplist-entries 32"}
	for j := 0; j < 10; j++ {
		stress = append(stress, "DEL myhash")
		for i := 0; i < 64; i++ {
			stress = append(stress, cmd("HSET", "myhash", hsRandomValue(rng), hsRandomValue(rng)))
			if i%8 == 7 {
				stress = append(stress, "OBJECT ENCODING myhash")
			}
		}
		stress = append(stress, "HLEN myhash", "~HGETALL myhash")
	}
	stress = append(stress, "CONFIG SET hash-max-ziplist-entries 512")
	cases = append(cases, C("stress listpack to hashtable conversion", stress...))
	diff(t, cases)
}

// hsFuzz is "Hash fuzzing #1" (HSET of random values) or "#2" (random
// HSET of values or small integers, and HDEL), then every field read.
func hsFuzz(rng *rand.Rand, size int, withDel bool) []string {
	m := map[string]string{}
	var order []string
	cmds := []string{"DEL hash"}
	for j := 0; j < size; j++ {
		path := 0
		if withDel {
			path = rng.Intn(3)
		}
		var f, v string
		switch path {
		case 0:
			f, v = hsRandomValue(rng), hsRandomValue(rng)
		case 1:
			f, v = hsRandomSignedInt(rng, 512), hsRandomSignedInt(rng, 512)
		case 2:
			if rng.Intn(2) == 0 {
				f = hsRandomValue(rng)
			} else {
				f = hsRandomSignedInt(rng, 512)
			}
			cmds = append(cmds, cmd("HDEL", "hash", f))
			delete(m, f)
			continue
		}
		if _, ok := m[f]; !ok {
			order = append(order, f)
		}
		m[f] = v
		cmds = append(cmds, cmd("HSET", "hash", f, v))
	}
	for _, f := range order {
		if _, ok := m[f]; ok {
			cmds = append(cmds, cmd("HGET", "hash", f))
		}
	}
	return append(cmds, "HLEN hash", "OBJECT ENCODING hash", "~HGETALL hash")
}

// hsRun is one run of a scenario against one server: every reply or
// finding is logged, and the logs of sundial and redis-server must match.
type hsRun struct {
	t     *testing.T
	addr  string
	ctl   *testserver.Conn
	proto int // of the clients the scenario opens
	log   []string
}

func (r *hsRun) note(what, reply string) string {
	r.log = append(r.log, what+" -> "+reply)
	return reply
}

// r runs a command on the control connection and logs its reply.
func (r *hsRun) r(args ...string) string {
	r.t.Helper()
	return r.note(strings.Join(args, " "), blDo(r.t, r.ctl, args...))
}

// client opens a connection in the scenario's protocol.
func (r *hsRun) client() *testserver.Conn { return blDial(r.t, r.addr, r.proto) }

// hsScenario runs fn against sundial and redis-server, with clients in
// RESP2 and in RESP3, and compares the logs.
func hsScenario(t *testing.T, name string, fn func(r *hsRun)) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("%s/resp%d", name, proto), func(t *testing.T) {
			testserver.SkipOrFail(t, redis)
			var logs [][]string
			for _, tg := range blTargets(t) {
				ok := t.Run(tg.name, func(t *testing.T) {
					ctl := blDial(t, tg.addr, 2)
					blDo(t, ctl, "FLUSHALL")
					run := &hsRun{t: t, addr: tg.addr, ctl: ctl, proto: proto}
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
}

// hsFlat flattens a parsed reply to its strings (integers as text).
func hsFlat(v respVal) []string {
	switch v.kind {
	case '*', '~', '%':
		var out []string
		for _, k := range v.kids {
			out = append(out, hsFlat(k)...)
		}
		return out
	case ':':
		return []string{strconv.FormatInt(v.n, 10)}
	}
	return []string{v.s}
}

// hsShape describes a reply without its random content: the type and
// length of each level (the first element stands for its siblings).
func hsShape(v respVal) string {
	switch v.kind {
	case '*', '~', '%':
		s := fmt.Sprintf("%c%d", v.kind, len(v.kids))
		if len(v.kids) > 0 {
			s += "[" + hsShape(v.kids[0]) + "]"
		}
		return s
	}
	return string(v.kind)
}

// hsDo runs a command on the control connection and parses its reply.
func hsDo(r *hsRun, c *testserver.Conn, args ...string) respVal {
	r.t.Helper()
	raw := blDo(r.t, c, args...)
	v, err := parseResp(raw)
	if err != nil {
		r.t.Fatalf("%v: %v", args, err)
	}
	return v
}

// hsRandom runs a random-pick command and logs its shape and whether the
// picks are right: every element a member (with its value when pairs),
// distinct when asked for.
func hsRandom(r *hsRun, c *testserver.Conn, members map[string]string, pairs, distinct bool, args ...string) []string {
	r.t.Helper()
	v := hsDo(r, c, args...)
	items := hsFlat(v)
	var keys []string
	bad := 0
	step := 1
	if pairs {
		step = 2
	}
	for i := 0; i+step <= len(items); i += step {
		val, ok := members[items[i]]
		if !ok || pairs && val != items[i+1] {
			bad++
		}
		keys = append(keys, items[i])
	}
	dups := len(keys) - len(hsCount(keys))
	if !distinct {
		dups = 0
	}
	r.note(strings.Join(args, " "), fmt.Sprintf("%s bad=%d dups=%d", hsShape(v), bad, dups))
	return keys
}

// hsCount counts occurrences.
func hsCount(l []string) map[string]int {
	m := map[string]int{}
	for _, e := range l {
		m[e]++
	}
	return m
}

// hsChiSquare is util.tcl's chi_square_value of a sample.
func hsChiSquare(l []string) float64 {
	m := hsCount(l)
	expected := float64(len(l)) / float64(len(m))
	sum := 0.0
	for _, n := range m {
		d := float64(n) - expected
		sum += d * d / expected
	}
	return sum
}

// hsSeenAll logs whether the picks covered every member.
func hsSeenAll(r *hsRun, what string, members map[string]string, seen map[string]bool) {
	missing := 0
	for m := range members {
		if !seen[m] {
			missing++
		}
	}
	r.note(what, fmt.Sprintf("missing=%d", missing))
}

func TestDiffSuiteHashSetHRandField(t *testing.T) {
	long := hsRandString(rand.New(rand.NewSource(5)), 70, 90, "alpha")
	for _, typ := range []string{"listpack", "hashtable"} {
		// "HRANDFIELD - $type": 3 fields, single picks.
		hsScenario(t, "HRANDFIELD "+typ, func(r *hsRun) {
			c := r.client()
			members := map[string]string{"a": "1", "b": "2", "c": "3"}
			r.r("CONFIG", "SET", "hash-max-ziplist-value", "10")
			third := "c"
			if typ == "hashtable" {
				third = long
				delete(members, "c")
				members[long] = "3"
			}
			r.r("HSET", "myhash", "a", "1")
			r.r("HSET", "myhash", "b", "2")
			r.r("HSET", "myhash", third, "3")
			r.r("OBJECT", "ENCODING", "myhash")
			seen := map[string]bool{}
			for i := 0; i < 100; i++ {
				v := hsDo(r, c, "HRANDFIELD", "myhash")
				if _, ok := members[v.s]; v.kind != '$' || !ok {
					r.note("HRANDFIELD myhash", v.s)
				}
				seen[v.s] = true
			}
			hsSeenAll(r, "single picks", members, seen)
			// HRANDFIELD with RESP3 (the client's protocol) and count 3.
			hsRandom(r, c, members, true, true, "HRANDFIELD", "myhash", "3", "WITHVALUES")
			hsRandom(r, c, members, false, true, "HRANDFIELD", "myhash", "3")
			r.r("CONFIG", "SET", "hash-max-ziplist-value", "64")
		})
		// "HRANDFIELD with <count> - $type": the four code paths.
		hsScenario(t, "HRANDFIELD with count "+typ, func(r *hsRun) {
			c := r.client()
			r.r("CONFIG", "SET", "hash-max-ziplist-value", "10")
			members := map[string]string{}
			pairs := [][2]string{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}, {"6", "f"}, {"7", "g"}, {"8", "h"}, {"9", "i"}, {"10", "j"}}
			if typ == "hashtable" {
				pairs[9] = [2]string{long, "10"}
			}
			for _, p := range pairs {
				r.r("HSET", "myhash", p[0], p[1])
				members[p[0]] = p[1]
			}
			r.r("OBJECT", "ENCODING", "myhash")
			// PATH 1: negative count, repeats allowed.
			for _, n := range []string{"-20", "-1001"} {
				hsRandom(r, c, members, false, false, "HRANDFIELD", "myhash", n)
				hsRandom(r, c, members, true, false, "HRANDFIELD", "myhash", n, "WITHVALUES")
			}
			res := hsRandom(r, c, members, false, false, "HRANDFIELD", "myhash", "-1000")
			r.note("chi square < 40", strconv.FormatBool(hsChiSquare(res) < 40))
			seen := map[string]bool{}
			for i := 0; i < 200; i++ {
				for _, k := range hsFlat(hsDo(r, c, "HRANDFIELD", "myhash", "-3", "WITHVALUES")) {
					seen[k] = true
				}
				for _, k := range hsFlat(hsDo(r, c, "HRANDFIELD", "myhash", "-3")) {
					seen[k] = true
				}
			}
			hsSeenAll(r, "negative count picks", members, seen)
			// PATH 2: a count of the size or more returns the whole hash.
			for _, n := range []string{"10", "20"} {
				keys := hsRandom(r, c, members, false, true, "HRANDFIELD", "myhash", n)
				r.note("distinct", strconv.Itoa(len(hsCount(keys))))
				keys = hsRandom(r, c, members, true, true, "HRANDFIELD", "myhash", n, "WITHVALUES")
				r.note("distinct", strconv.Itoa(len(hsCount(keys))))
			}
			// PATH 3 and 4: almost all, and few.
			for _, size := range []int{8, 2} {
				n := strconv.Itoa(size)
				hsRandom(r, c, members, false, true, "HRANDFIELD", "myhash", n)
				hsRandom(r, c, members, true, true, "HRANDFIELD", "myhash", n, "WITHVALUES")
				seen := map[string]bool{}
				var all []string
				for i := 0; i < 1000/size; i++ {
					var keys []string
					if i%2 == 0 {
						items := hsFlat(hsDo(r, c, "HRANDFIELD", "myhash", n, "WITHVALUES"))
						for j := 0; j+1 < len(items); j += 2 {
							keys = append(keys, items[j])
						}
					} else {
						keys = hsFlat(hsDo(r, c, "HRANDFIELD", "myhash", n))
					}
					if len(hsCount(keys)) != size {
						r.note("HRANDFIELD myhash "+n, fmt.Sprintf("%d distinct of %d", len(hsCount(keys)), len(keys)))
					}
					for _, k := range keys {
						seen[k] = true
					}
					all = append(all, keys...)
				}
				hsSeenAll(r, "count "+n+" picks", members, seen)
				r.note("chi square < 40", strconv.FormatBool(hsChiSquare(all) < 40))
			}
			r.r("CONFIG", "SET", "hash-max-ziplist-value", "64")
		})
	}
	// The whole hash comes back in the hash's order: listpack order is
	// insertion order, so it is compared exactly.
	diff(t, []testserver.Case{
		C("HRANDFIELD whole listpack hash", "HSET myhash a 1 b 2 c 3 d 4 e 5 6 f 7 g 8 h 9 i 10 j",
			"HRANDFIELD myhash 10", "HRANDFIELD myhash 20 WITHVALUES", "HRANDFIELD myhash 9223372036854775807",
			"HDEL myhash c", "HRANDFIELD myhash 100 WITHVALUES", "!HRANDFIELD myhash", "!HRANDFIELD myhash 1",
			"!HRANDFIELD myhash -1 WITHVALUES", "!HRANDFIELD myhash 5 WITHVALUES"),
		C("HRANDFIELD whole hashtable hash", "HSET myhash a 1 b 2 c 3 d 4 e 5 6 f 7 g 8 h 9 i "+long+" j",
			"OBJECT ENCODING myhash", "~HRANDFIELD myhash 10", "~HRANDFIELD myhash 20 WITHVALUES",
			"HDEL myhash c", "~HRANDFIELD myhash 100 WITHVALUES", "!HRANDFIELD myhash", "!HRANDFIELD myhash 1",
			"!HRANDFIELD myhash -1 WITHVALUES", "!HRANDFIELD myhash 5 WITHVALUES"),
	})
}

// TestDiffSuiteHashSetHashDump is "Hash ziplist of various encodings":
// DUMP and RESTORE within each server (the payloads differ), converted
// to a hashtable by RESTORE under a low entries limit, with and without
// payload sanitizing.
func TestDiffSuiteHashSetHashDump(t *testing.T) {
	hsScenario(t, "hash listpack of various encodings", func(r *hsRun) {
		r.r("CONFIG", "SET", "hash-max-ziplist-entries", "1000000000")
		r.r("CONFIG", "SET", "hash-max-ziplist-value", "1000000000")
		for _, p := range [][2]string{{"ZIP_INT_8B", "127"}, {"ZIP_INT_16B", "32767"}, {"ZIP_INT_32B", "2147483647"},
			{"ZIP_INT_64B", "9223372036854775808"}, {"ZIP_INT_IMM_MIN", "0"}, {"ZIP_INT_IMM_MAX", "12"},
			{"ZIP_STR_06B", strings.Repeat("x", 31)}, {"ZIP_STR_14B", strings.Repeat("x", 8191)},
			{"ZIP_STR_32B", strings.Repeat("x", 65535)}} {
			r.r("HSET", "k", p[0], p[1])
		}
		r.r("OBJECT", "ENCODING", "k")
		r.r("HGETALL", "k")
		raw := blDo(r.t, r.ctl, "DUMP", "k")
		i := strings.Index(raw, "\r\n")
		payload := raw[i+2 : len(raw)-2]
		r.r("CONFIG", "SET", "hash-max-ziplist-entries", "2")
		for _, san := range []string{"no", "yes"} {
			r.r("CONFIG", "SET", "sanitize-dump-payload", san)
			r.note("RESTORE REPLACE", blDo(r.t, r.ctl, "RESTORE", "kk", "0", payload, "REPLACE"))
			r.r("HLEN", "kk")
			r.r("HGET", "kk", "ZIP_INT_64B")
			r.r("HSTRLEN", "kk", "ZIP_STR_32B")
			v := hsDo(r, r.ctl, "HGETALL", "kk")
			items := hsFlat(v)
			var pairs []string
			for j := 0; j+1 < len(items); j += 2 {
				pairs = append(pairs, items[j]+"="+items[j+1])
			}
			sort.Strings(pairs)
			r.note("HGETALL kk sorted", strings.Join(pairs, " "))
		}
		r.r("CONFIG", "SET", "sanitize-dump-payload", "no")
		r.r("CONFIG", "SET", "hash-max-ziplist-entries", "512")
		r.r("CONFIG", "SET", "hash-max-ziplist-value", "64")
	})
}

// ssCreate is set.tcl's create_set: one SADD per entry.
func ssCreate(key string, entries ...string) []string {
	out := []string{cmd("DEL", key)}
	for _, e := range entries {
		out = append(out, cmd("SADD", key, e))
	}
	return out
}

// ssRange lists the integers from lo to hi-1 as strings.
func ssRange(lo, hi int) []string {
	var out []string
	for i := lo; i < hi; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// ssOps is set.tcl's foreach {type} {hashtable intset} block: five sets
// whose extra element decides the encoding, then every set operation.
func ssOps(typ string) []string {
	large := "200"
	m := "" // intset replies are in ascending order
	if typ == "hashtable" {
		large, m = "foo", "~"
	}
	var out []string
	for i := 1; i <= 5; i++ {
		out = append(out, fmt.Sprintf("DEL set%d{t}", i))
	}
	for i := 0; i < 200; i++ {
		out = append(out, fmt.Sprintf("SADD set1{t} %d", i), fmt.Sprintf("SADD set2{t} %d", i+195))
	}
	for _, i := range []int{199, 195, 1000, 2000} {
		out = append(out, fmt.Sprintf("SADD set3{t} %d", i))
	}
	for i := 5; i < 200; i++ {
		out = append(out, fmt.Sprintf("SADD set4{t} %d", i))
	}
	out = append(out, "SADD set5{t} 0")
	for i := 1; i <= 5; i++ {
		out = append(out, fmt.Sprintf("SADD set%d{t} %s", i, large), fmt.Sprintf("OBJECT ENCODING set%d{t}", i))
	}
	return append(out,
		m+"SINTER set1{t} set2{t}",
		"SINTERCARD 2 set1{t} set2{t}", "SINTERCARD 2 set1{t} set2{t} limit 0",
		"SINTERCARD 2 set1{t} set2{t} limit 3", "SINTERCARD 2 set1{t} set2{t} limit 10",
		"SINTERSTORE setres{t} set1{t} set2{t}", "OBJECT ENCODING setres{t}", m+"SMEMBERS setres{t}",
		m+"SUNION set1{t} set2{t}",
		"SUNIONSTORE setres{t} set1{t} set2{t}", "OBJECT ENCODING setres{t}", m+"SMEMBERS setres{t}",
		m+"SINTER set1{t} set2{t} set3{t}",
		"SINTERCARD 3 set1{t} set2{t} set3{t}", "SINTERCARD 3 set1{t} set2{t} set3{t} limit 0",
		"SINTERCARD 3 set1{t} set2{t} set3{t} limit 2", "SINTERCARD 3 set1{t} set2{t} set3{t} limit 10",
		"SINTERSTORE setres{t} set1{t} set2{t} set3{t}", "OBJECT ENCODING setres{t}", m+"SMEMBERS setres{t}",
		m+"SUNION nokey1{t} set1{t} set2{t} nokey2{t}",
		m+"SDIFF set1{t} set4{t}", m+"SDIFF set1{t} set4{t} set5{t}",
		"SDIFFSTORE setres{t} set1{t} set4{t} set5{t}", "OBJECT ENCODING setres{t}", m+"SMEMBERS setres{t}",
		m+"SINTER set1{t} set1{t} set1{t}", m+"SUNION set1{t} set1{t} set1{t}", "SDIFF set1{t} set1{t} set1{t}",
		"SDIFFSTORE setres{t} set1{t} set1{t}", "EXISTS setres{t}",
		m+"SINTER set5{t} set1{t}", m+"SUNION set5{t}", m+"SDIFF set3{t} set1{t}",
	)
}

// ssDiffFuzz is one round of "SDIFF fuzzing": up to 10 sets of up to 100
// random values, then SDIFF of them all.
func ssDiffFuzz(rng *rand.Rand, variadic bool) []string {
	var out, keys []string
	n := rng.Intn(10) + 1
	for i := 0; i < n; i++ {
		key := fmt.Sprintf("set_%d{t}", i)
		keys = append(keys, key)
		var vals []string
		for j := rng.Intn(100); j > 0; j-- {
			vals = append(vals, hsRandomValue(rng))
		}
		if variadic && len(vals) > 0 {
			out = append(out, cmd("SADD", append([]string{key}, vals...)...))
			continue
		}
		for _, v := range vals {
			out = append(out, cmd("SADD", key, v))
		}
	}
	out = append(out, "~"+cmd("SDIFF", keys...), cmd("SDIFFSTORE", append([]string{"res{t}"}, keys...)...),
		"~SMEMBERS res{t}")
	return out
}

func TestDiffSuiteHashSetSet(t *testing.T) {
	var hashset []string
	for i := 0; i < 256; i++ {
		hashset = append(hashset, fmt.Sprintf("i%03d", i))
	}
	setupMove := seq("DEL myset3{t} myset4{t}", ssCreate("myset1{t}", "1", "a", "b"), ssCreate("myset2{t}", "2", "3", "4"),
		"OBJECT ENCODING myset1{t}", "OBJECT ENCODING myset2{t}")
	cases := []testserver.Case{
		C("SADD SCARD SISMEMBER SMISMEMBER SMEMBERS basics regular set", seq(ssCreate("myset", "foo"),
			"OBJECT ENCODING myset", "SADD myset bar", "SADD myset bar", "SCARD myset",
			"SISMEMBER myset foo", "SISMEMBER myset bar", "SISMEMBER myset bla",
			"SMISMEMBER myset foo", "SMISMEMBER myset foo bar", "SMISMEMBER myset foo bla",
			"SMISMEMBER myset bla foo", "SMISMEMBER myset bla", "~SMEMBERS myset")...),
		C("SADD SCARD SISMEMBER SMISMEMBER SMEMBERS basics intset", seq(ssCreate("myset", "17"),
			"OBJECT ENCODING myset", "SADD myset 16", "SADD myset 16", "SCARD myset",
			"SISMEMBER myset 16", "SISMEMBER myset 17", "SISMEMBER myset 18",
			"SMISMEMBER myset 16", "SMISMEMBER myset 16 17", "SMISMEMBER myset 16 18",
			"SMISMEMBER myset 18 16", "SMISMEMBER myset 18", "SMEMBERS myset",
			"SISMEMBER myset 016", "SISMEMBER myset +16", "SISMEMBER myset ' 16'", "SMISMEMBER myset 16.0 -0 a")...),
		C("SMISMEMBER against non set and non existing key", "LPUSH mylist foo", "SMISMEMBER mylist bar",
			"SMISMEMBER myset1 foo", "SMISMEMBER myset1 foo bar", "ZADD zmscoretest 10 x", "ZADD zmscoretest 20 y",
			"SMISMEMBER zmscoretest", "SMISMEMBER zmscoretest x"),
		C("SADD against non set", "LPUSH mylist foo", "SADD mylist bar", "SREM mylist foo", "SCARD mylist",
			"SMEMBERS mylist", "SISMEMBER mylist foo", "SRANDMEMBER mylist", "SPOP mylist", "SPOP mylist 2",
			"SRANDMEMBER mylist 2", "SSCAN mylist 0", "LRANGE mylist 0 -1"),
		C("SADD a non-integer against an intset", seq(ssCreate("myset", "1", "2", "3"), "OBJECT ENCODING myset",
			"SADD myset a", "OBJECT ENCODING myset", "~SMEMBERS myset")...),
		C("SADD an integer larger than 64 bits", seq(ssCreate("myset", "213244124402402314402033402"),
			"OBJECT ENCODING myset", "SISMEMBER myset 213244124402402314402033402",
			"SMISMEMBER myset 213244124402402314402033402",
			"SADD other 9223372036854775807 -9223372036854775808", "OBJECT ENCODING other", "SMEMBERS other",
			"SADD other 9223372036854775808", "OBJECT ENCODING other")...),
		C("SADD overflows the maximum allowed integers in an intset", seq("DEL myset",
			func() []string {
				var out []string
				for i := 0; i < 512; i++ {
					out = append(out, fmt.Sprintf("SADD myset %d", i))
				}
				return out
			}(), "OBJECT ENCODING myset", "SCARD myset", "SADD myset 512", "OBJECT ENCODING myset", "SCARD myset",
			cmd("SADD", append([]string{"big"}, ssRange(0, 512)...)...), "OBJECT ENCODING big",
			cmd("SADD", append([]string{"big2"}, ssRange(0, 513)...)...), "OBJECT ENCODING big2",
			"SREM big2 0 1 2", "OBJECT ENCODING big2")...),
		C("variadic SADD", "SADD myset a b c", "SADD myset A a b c B", "~SMEMBERS myset", "SADD myset", "SADD"),
		C("set encodings", seq(
			cmd("SADD", append([]string{"myintset"}, ssRange(0, 100)...)...),
			cmd("SADD", append([]string{"mylargeintset"}, ssRange(0, 1280)...)...),
			cmd("SADD", append([]string{"myhashset"}, hashset...)...),
			"OBJECT ENCODING myintset", "OBJECT ENCODING mylargeintset", "OBJECT ENCODING myhashset",
			"SMEMBERS myintset", "SCARD mylargeintset", "SCARD myhashset")...),
		C("SREM basics regular set", seq(ssCreate("myset", "foo", "bar", "ciao"), "OBJECT ENCODING myset",
			"SREM myset qux", "SREM myset foo", "~SMEMBERS myset")...),
		C("SREM basics intset", seq(ssCreate("myset", "3", "4", "5"), "OBJECT ENCODING myset",
			"SREM myset 6", "SREM myset 4", "SMEMBERS myset", "SREM myset a 04 3", "SMEMBERS myset")...),
		C("SREM with multiple arguments", "SADD myset a b c d", "SREM myset k k k", "SREM myset b d x y",
			"~SMEMBERS myset"),
		C("SREM variadic version with more args needed to destroy the key", "SADD myset 1 2 3",
			"SREM myset 1 2 3 4 5 6 7 8", "EXISTS myset"),
		C("SINTERCARD with illegal arguments", "SINTERCARD", "SINTERCARD 1", "SINTERCARD 0 myset{t}",
			"SINTERCARD a myset{t}", "SINTERCARD 2 myset{t}", "SINTERCARD 3 myset{t} myset2{t}",
			"SINTERCARD 1 myset{t} myset2{t}", "SINTERCARD 1 myset{t} bar_arg", "SINTERCARD 1 myset{t} LIMIT",
			"SINTERCARD 1 myset{t} LIMIT -1", "SINTERCARD 1 myset{t} LIMIT a", "SINTERCARD -1 myset{t}",
			"SINTERCARD 1 myset{t} LIMIT 1 LIMIT 2", "SINTERCARD 9223372036854775808 a"),
		C("SINTERCARD against non-set should throw error", "SADD set{t} a b c", "SET key1{t} x",
			"SINTERCARD 1 key1{t}", "SINTERCARD 2 set{t} key1{t}", "SINTERCARD 2 key1{t} noset{t}",
			"SINTERCARD 2 noset{t} key1{t}"),
		C("SINTERCARD against non-existing key", "SINTERCARD 1 non-existing-key",
			"SINTERCARD 1 non-existing-key limit 0", "SINTERCARD 1 non-existing-key limit 10"),
		C("set operations hashtable", ssOps("hashtable")...),
		C("set operations intset", ssOps("intset")...),
		C("SDIFF with first set empty", "SADD set2{t} 1 2 3 4", "SADD set3{t} a b c d",
			"SDIFF set1{t} set2{t} set3{t}", "SDIFFSTORE res{t} set1{t} set2{t} set3{t}"),
		C("SDIFF with same set two times", "SADD set1 a b c 1 2 3 4 5 6", "SDIFF set1 set1",
			"SADD set2 1 2 3", "SDIFF set2 set2", "SDIFF set2 set1 set2"),
		C("SDIFF against non-set should throw error", "SET key1{t} x", "SDIFF key1{t} noset{t}",
			"SDIFF noset{t} key1{t}", "SADD set1{t} a b c", "SDIFF key1{t} set1{t}", "SDIFF set1{t} key1{t}"),
		C("SDIFF should handle non existing key as empty", "SADD set1{t} a b c", "SADD set2{t} b c d",
			"SDIFF set1{t} set2{t} set3{t}", "SDIFF set3{t} set2{t} set1{t}"),
		C("SDIFFSTORE against non-set should throw error", "SET key1{t} x",
			"SDIFFSTORE set3{t} key1{t} noset{t}", "EXISTS set3{t}", "SDIFFSTORE set3{t} noset{t} key1{t}",
			"EXISTS set3{t}", "SADD set1{t} a b c", "SADD set2{t} b c d", "SADD set3{t} e",
			"SDIFFSTORE set3{t} key1{t} set1{t} noset{t}", "EXISTS set3{t}", "SMEMBERS set3{t}",
			"SDIFFSTORE set3{t} set1{t} key1{t} set2{t}", "EXISTS set3{t}", "SMEMBERS set3{t}"),
		C("SDIFFSTORE should handle non existing key as empty", "SET setres{t} xxx",
			"SDIFFSTORE setres{t} foo111{t} bar222{t}", "EXISTS setres{t}",
			"SADD set3{t} a b c", "SDIFFSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}",
			"SADD set1{t} a b c", "SDIFFSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}", "~SMEMBERS set3{t}",
			"SADD set3{t} a b c", "SDIFFSTORE set3{t} set2{t} set1{t}", "EXISTS set3{t}"),
		C("SINTER against non-set should throw error", "SET key1{t} x", "SINTER key1{t} noset{t}",
			"SINTER noset{t} key1{t}", "SADD set1{t} a b c", "SINTER key1{t} set1{t}", "SINTER set1{t} key1{t}"),
		C("SINTER should handle non existing key as empty", "SADD set1{t} a b c", "SADD set2{t} b c d",
			"SINTER set1{t} set2{t} set3{t}", "~SINTER set1{t} set2{t}"),
		C("SINTER with same integer elements but different encoding", "SADD set1{t} 1 2 3",
			"SADD set2{t} 1 2 3 a", "SREM set2{t} a", "OBJECT ENCODING set1{t}", "OBJECT ENCODING set2{t}",
			"~SINTER set1{t} set2{t}", "SINTERSTORE r{t} set1{t} set2{t}", "OBJECT ENCODING r{t}", "SMEMBERS r{t}",
			"SINTERCARD 2 set1{t} set2{t}"),
		C("SINTERSTORE against non-set should throw error", "SET key1{t} x",
			"SINTERSTORE set3{t} key1{t} noset{t}", "EXISTS set3{t}", "SINTERSTORE set3{t} noset{t} key1{t}",
			"EXISTS set3{t}", "SADD set1{t} a b c", "SADD set2{t} b c d", "SADD set3{t} e",
			"SINTERSTORE set3{t} key1{t} set2{t} noset{t}", "EXISTS set3{t}", "SMEMBERS set3{t}",
			"SINTERSTORE set3{t} noset{t} key1{t} set2{t}", "EXISTS set3{t}", "SMEMBERS set3{t}"),
		C("SINTERSTORE against non existing keys should delete dstkey", "SET setres{t} xxx",
			"SINTERSTORE setres{t} foo111{t} bar222{t}", "EXISTS setres{t}",
			"SADD set3{t} a b c", "SINTERSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}",
			"SADD set1{t} a b c", "SINTERSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}",
			"SINTERSTORE set3{t} set2{t} set1{t}", "EXISTS set3{t}"),
		C("SUNION against non-set should throw error", "SET key1{t} x", "SUNION key1{t} noset{t}",
			"SUNION noset{t} key1{t}", "SADD set1{t} a b c", "SUNION key1{t} set1{t}", "SUNION set1{t} key1{t}"),
		C("SUNION should handle non existing key as empty", "SADD set1{t} a b c", "SADD set2{t} b c d",
			"~SUNION set1{t} set2{t} set3{t}"),
		C("SUNIONSTORE against non-set should throw error", "SET key1{t} x",
			"SUNIONSTORE set3{t} key1{t} noset{t}", "EXISTS set3{t}", "SUNIONSTORE set3{t} noset{t} key1{t}",
			"EXISTS set3{t}", "SADD set1{t} a b c", "SADD set2{t} b c d", "SADD set3{t} e",
			"SUNIONSTORE set3{t} key1{t} key2{t} noset{t}", "EXISTS set3{t}", "SMEMBERS set3{t}",
			"SUNIONSTORE set3{t} noset{t} key1{t} key2{t}", "EXISTS set3{t}", "SMEMBERS set3{t}"),
		C("SUNIONSTORE should handle non existing key as empty", "SET setres{t} xxx",
			"SUNIONSTORE setres{t} foo111{t} bar222{t}", "EXISTS setres{t}",
			"SADD set3{t} a b c", "SUNIONSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}",
			"SADD set1{t} a b c", "SADD set3{t} e f", "SUNIONSTORE set3{t} set1{t} set2{t}", "EXISTS set3{t}",
			"~SMEMBERS set3{t}", "SADD set3{t} d", "SUNIONSTORE set3{t} set2{t} set1{t}", "EXISTS set3{t}",
			"~SMEMBERS set3{t}"),
		C("SUNIONSTORE against non existing keys should delete dstkey", "SET setres{t} xxx",
			"SUNIONSTORE setres{t} foo111{t} bar222{t}", "EXISTS setres{t}"),
		C("SPOP using integers, testing Knuth's and Floyd's algorithm", seq(ssCreate("myset", ssRange(1, 21)...),
			"OBJECT ENCODING myset", "SCARD myset", "!SPOP myset 1", "SCARD myset", "!SPOP myset 2", "SCARD myset",
			"!SPOP myset 3", "SCARD myset", "!SPOP myset 10", "SCARD myset", "!SPOP myset 10", "SCARD myset",
			"SPOP myset 1", "SCARD myset", "EXISTS myset")...),
		C("SPOP against non existing key and bad counts", "SPOP nonexisting_key 100", "SPOP nonexisting_key",
			"SPOP nonexisting_key 0", "SADD myset a", "SPOP myset 0", "SPOP myset -1", "SPOP myset a",
			"SPOP myset 1 2", "SPOP myset 9223372036854775808", "SPOP nonexisting_key -1", "SCARD myset"),
		C("SPOP new implementation code path #1", seq(ssCreate("myset", ssRange(1, 21)...), "SPOP myset 30",
			"EXISTS myset", "SADD h a b c", "~SPOP h 3", "EXISTS h")...),
		C("SRANDMEMBER count of 0 and against non existing key", "SADD myset a b", "SRANDMEMBER myset 0",
			"SRANDMEMBER nonexisting_key 100", "SRANDMEMBER nonexisting_key", "SRANDMEMBER nonexisting_key -5",
			"SRANDMEMBER nonexisting_key 0"),
		C("SRANDMEMBER count overflow", "SADD myset a", "SRANDMEMBER myset -9223372036854775808",
			"SRANDMEMBER myset 9223372036854775807",
			"SRANDMEMBER nokey -9223372036854775808", "SRANDMEMBER myset x", "SRANDMEMBER myset 1 2",
			"SRANDMEMBER myset 9223372036854775808"),
		C("SRANDMEMBER whole set", seq(ssCreate("myset", ssRange(0, 50)...), "SRANDMEMBER myset 50",
			"SRANDMEMBER myset 100", "SADD myset a", "~SRANDMEMBER myset 100", "!SRANDMEMBER myset 5",
			"!SRANDMEMBER myset -5", "!SRANDMEMBER myset")...),
		C("SMOVE basics from regular set to intset", seq(setupMove, "SMOVE myset1{t} myset2{t} a",
			"~SMEMBERS myset1{t}", "~SMEMBERS myset2{t}", "OBJECT ENCODING myset2{t}",
			setupMove, "SMOVE myset1{t} myset2{t} 1", "~SMEMBERS myset1{t}", "SMEMBERS myset2{t}",
			"OBJECT ENCODING myset2{t}")...),
		C("SMOVE basics from intset to regular set", seq(setupMove, "SMOVE myset2{t} myset1{t} 2",
			"~SMEMBERS myset1{t}", "SMEMBERS myset2{t}")...),
		C("SMOVE non existing key", seq(setupMove, "SMOVE myset1{t} myset2{t} foo",
			"SMOVE myset1{t} myset1{t} foo", "~SMEMBERS myset1{t}", "SMEMBERS myset2{t}")...),
		C("SMOVE non existing src set", seq(setupMove, "SMOVE noset{t} myset2{t} foo", "SMEMBERS myset2{t}",
			"SMOVE noset{t} noset2{t} foo", "EXISTS noset2{t}")...),
		C("SMOVE from regular set to non existing destination set", seq(setupMove,
			"SMOVE myset1{t} myset3{t} a", "~SMEMBERS myset1{t}", "SMEMBERS myset3{t}",
			"OBJECT ENCODING myset3{t}")...),
		C("SMOVE from intset to non existing destination set", seq(setupMove,
			"SMOVE myset2{t} myset3{t} 2", "SMEMBERS myset2{t}", "SMEMBERS myset3{t}",
			"OBJECT ENCODING myset3{t}")...),
		C("SMOVE wrong src and dst key type", seq(setupMove, "SET x{t} 10", "SMOVE x{t} myset2{t} foo",
			"SMOVE myset2{t} x{t} foo", "SMOVE myset2{t} x{t} 2", "SMOVE noset{t} x{t} foo",
			"SMOVE x{t} noset{t} foo", "SMEMBERS myset2{t}", "GET x{t}")...),
		C("SMOVE with identical source and destination", "SADD set{t} a b c", "SMOVE set{t} set{t} b",
			"SMOVE set{t} set{t} z", "~SMEMBERS set{t}", "SADD one{t} x", "SMOVE one{t} one{t} x",
			"SMEMBERS one{t}"),
		C("SMOVE last member and existing member", "SADD src{t} a", "SADD dst{t} a b",
			"SMOVE src{t} dst{t} a", "EXISTS src{t}", "~SMEMBERS dst{t}", "SADD src{t} 1",
			"SMOVE src{t} dst{t} 1", "EXISTS src{t}", "~SMEMBERS dst{t}"),
	}
	cases = append(cases,
		C("intset member parsing", "SADD s 1", "SADD s -0", "OBJECT ENCODING s", "SADD s2 1 01", "OBJECT ENCODING s2",
			"SADD s3 -1 +1", "OBJECT ENCODING s3", "SADD s4 ' 1'", "OBJECT ENCODING s4", "SADD s5 1.0",
			"OBJECT ENCODING s5", "SADD s6 -9223372036854775808 0 9223372036854775807", "OBJECT ENCODING s6",
			"SMEMBERS s6", "SISMEMBER s6 -9223372036854775809", "SISMEMBER s6 -0", "SREM s6 00", "SCARD s6"),
		C("SMOVE converts the destination", seq(ssCreate("dst{t}", "1", "2"), "SADD src{t} a 3",
			"SMOVE src{t} dst{t} 3", "OBJECT ENCODING dst{t}", "SMOVE src{t} dst{t} a", "OBJECT ENCODING dst{t}",
			"~SMEMBERS dst{t}", cmd("SADD", append([]string{"full{t}"}, ssRange(0, 512)...)...),
			"OBJECT ENCODING full{t}", "SADD src{t} 1000", "SMOVE src{t} full{t} 1000", "OBJECT ENCODING full{t}",
			"SCARD full{t}")...),
		C("set store results past the intset limit", cmd("SADD", append([]string{"a{t}"}, ssRange(0, 300)...)...),
			cmd("SADD", append([]string{"b{t}"}, ssRange(300, 600)...)...),
			"SUNIONSTORE u{t} a{t} b{t}", "OBJECT ENCODING u{t}", "SCARD u{t}",
			"SINTERSTORE i{t} u{t} u{t}", "OBJECT ENCODING i{t}", "SDIFFSTORE d{t} u{t} a{t}", "OBJECT ENCODING d{t}",
			"SDIFF b{t} a{t} nokey{t}", "CONFIG SET set-max-intset-entries 100", "SINTERSTORE i{t} b{t} u{t}",
			"OBJECT ENCODING i{t}", "SADD b{t} 1", "OBJECT ENCODING b{t}", "SREM b{t} 1",
			"SUNIONSTORE small{t} nokey{t} b{t}", "OBJECT ENCODING small{t}", "CONFIG SET set-max-intset-entries 512"),
		C("hash listpack limits of zero", "CONFIG SET hash-max-listpack-entries 0", "HSET key1 f1 1 f2 2",
			"OBJECT ENCODING key1", "HSETNX key2 f v", "OBJECT ENCODING key2", "HINCRBY key3 f 1", "OBJECT ENCODING key3",
			"CONFIG SET hash-max-listpack-entries 512", "CONFIG SET hash-max-listpack-value 0", "HSET key4 f ''",
			"OBJECT ENCODING key4", "HSET key5 '' ''", "OBJECT ENCODING key5", "HSET key5 a ''", "OBJECT ENCODING key5",
			"CONFIG SET hash-max-listpack-value 64", "CONFIG SET hash-max-listpack-entries 2",
			"HSET key6 a 1 b 2", "OBJECT ENCODING key6", "HSET key6 a 3", "OBJECT ENCODING key6", "HSET key6 c 3",
			"OBJECT ENCODING key6", "HSET key7 a 1 b 2 c 3", "OBJECT ENCODING key7", "HDEL key7 a b",
			"OBJECT ENCODING key7", "CONFIG SET hash-max-listpack-entries 512"),
	)
	rng := rand.New(rand.NewSource(23))
	for i := 0; i < 12; i++ {
		cases = append(cases, C(fmt.Sprintf("SDIFF fuzzing %d", i), ssDiffFuzz(rng, i >= 4)...))
	}
	diff(t, cases)
}

// ssSorted runs a command and logs its shape and its sorted elements.
func ssSorted(r *hsRun, c *testserver.Conn, args ...string) []string {
	r.t.Helper()
	v := hsDo(r, c, args...)
	items := hsFlat(v)
	sorted := append([]string(nil), items...)
	sort.Strings(sorted)
	r.note(strings.Join(args, " "), hsShape(v)+" "+strings.Join(sorted, ","))
	return items
}

// ssMembers makes a membership map of a list.
func ssMembers(l []string) map[string]string {
	m := map[string]string{}
	for _, e := range l {
		m[e] = ""
	}
	return m
}

// ssLoad is create_set on the control connection, logging the encoding.
func ssLoad(r *hsRun, key string, contents []string) {
	r.t.Helper()
	blDo(r.t, r.ctl, "DEL", key)
	for _, e := range contents {
		blDo(r.t, r.ctl, "SADD", key, e)
	}
	r.r("OBJECT", "ENCODING", key)
}

func TestDiffSuiteHashSetSetRandom(t *testing.T) {
	small := map[string][]string{"hashtable": {"a", "b", "c"}, "intset": {"1", "2", "3"}}
	for _, typ := range []string{"hashtable", "intset"} {
		contents := small[typ]
		hsScenario(t, "SPOP and SRANDMEMBER basics "+typ, func(r *hsRun) {
			c := r.client()
			// SPOP basics
			ssLoad(r, "myset", contents)
			var got []string
			for i := 0; i < 3; i++ {
				got = append(got, hsFlat(hsDo(r, c, "SPOP", "myset"))...)
			}
			sort.Strings(got)
			r.note("popped", strings.Join(got, ","))
			r.r("SCARD", "myset")
			r.r("EXISTS", "myset")
			// SPOP with <count>=1
			ssLoad(r, "myset", contents)
			got = nil
			for i := 0; i < 3; i++ {
				got = append(got, hsRandom(r, c, ssMembers(contents), false, true, "SPOP", "myset", "1")...)
			}
			sort.Strings(got)
			r.note("popped", strings.Join(got, ","))
			r.r("SCARD", "myset")
			// SRANDMEMBER
			ssLoad(r, "myset", contents)
			seen := map[string]bool{}
			for i := 0; i < 100; i++ {
				for _, m := range hsFlat(hsDo(r, c, "SRANDMEMBER", "myset")) {
					seen[m] = true
				}
			}
			hsSeenAll(r, "SRANDMEMBER picks", ssMembers(contents), seen)
			r.note("distinct picks", strconv.Itoa(len(seen)))
		})
	}
	letters := strings.Fields("a b c d e f g h i j k l m n o p q r s t u v w x y z")
	numbers := ssRange(1, 27)
	for typ, contents := range map[string][]string{"hashtable": letters, "intset": numbers} {
		hsScenario(t, "SPOP with count "+typ, func(r *hsRun) {
			c := r.client()
			ssLoad(r, "myset", contents)
			var all []string
			for _, n := range []string{"11", "9", "0", "4", "1", "0", "1", "0"} {
				all = append(all, hsRandom(r, c, ssMembers(contents), false, true, "SPOP", "myset", n)...)
			}
			sort.Strings(all)
			r.note("all popped", strings.Join(all, ","))
			r.r("SCARD", "myset")
		})
	}
	hsScenario(t, "SPOP new implementation code paths 2 and 3", func(r *hsRun) {
		c := r.client()
		content := ssRange(1, 21)
		for _, n := range []string{"2", "18"} {
			ssLoad(r, "myset", content)
			res := hsRandom(r, c, ssMembers(content), false, true, "SPOP", "myset", n)
			r.r("SCARD", "myset")
			union := append(res, hsFlat(hsDo(r, c, "SMEMBERS", "myset"))...)
			sort.Strings(union)
			r.note("union", strings.Join(union, ","))
		}
		// The same paths on a hashtable.
		letters := strings.Fields("a b c d e f g h i j k l m n o p q r s t")
		for _, n := range []string{"2", "18"} {
			ssLoad(r, "myset", letters)
			res := hsRandom(r, c, ssMembers(letters), false, true, "SPOP", "myset", n)
			r.r("SCARD", "myset")
			union := append(res, hsFlat(hsDo(r, c, "SMEMBERS", "myset"))...)
			sort.Strings(union)
			r.note("union", strings.Join(union, ","))
		}
	})
	names := strings.Fields(`1 5 10 50 125 50000 33959417 4775547 65434162 12098459 427716 483706 2726473884
		72615637475 MARY PATRICIA LINDA BARBARA ELIZABETH JENNIFER MARIA SUSAN MARGARET DOROTHY LISA NANCY
		KAREN BETTY HELEN SANDRA DONNA CAROL RUTH SHARON MICHELLE LAURA SARAH KIMBERLY DEBORAH JESSICA
		SHIRLEY CYNTHIA ANGELA MELISSA BRENDA AMY ANNA REBECCA VIRGINIA KATHLEEN`)
	for typ, contents := range map[string][]string{"hashtable": names, "intset": ssRange(0, 50)} {
		hsScenario(t, "SRANDMEMBER with count "+typ, func(r *hsRun) {
			c := r.client()
			ssLoad(r, "myset", contents)
			members := ssMembers(contents)
			ssSorted(r, c, "SMEMBERS", "myset")
			r.r("SRANDMEMBER", "myset", "0")
			// PATH 1: negative count.
			hsRandom(r, c, members, false, false, "SRANDMEMBER", "myset", "-100")
			seen := map[string]bool{}
			for i := 0; i < 200; i++ {
				for _, m := range hsFlat(hsDo(r, c, "SRANDMEMBER", "myset", "-10")) {
					seen[m] = true
				}
			}
			hsSeenAll(r, "negative count picks", members, seen)
			// PATH 2: the whole set.
			for _, n := range []string{"50", "100"} {
				ssSorted(r, c, "SRANDMEMBER", "myset", n)
			}
			// PATH 3 and 4.
			for _, n := range []string{"45", "5"} {
				hsRandom(r, c, members, false, true, "SRANDMEMBER", "myset", n)
				seen := map[string]bool{}
				for i := 0; i < 200; i++ {
					keys := hsFlat(hsDo(r, c, "SRANDMEMBER", "myset", n))
					if strconv.Itoa(len(hsCount(keys))) != n {
						r.note("SRANDMEMBER myset "+n, fmt.Sprintf("%d distinct of %d", len(hsCount(keys)), len(keys)))
					}
					for _, m := range keys {
						seen[m] = true
					}
				}
				hsSeenAll(r, "count "+n+" picks", members, seen)
			}
		})
	}
	hist := map[string][]string{
		"hashtable": strings.Fields("1 5 10 50 125 MARY PATRICIA LINDA BARBARA ELIZABETH"),
		"intset":    ssRange(0, 10),
	}
	for typ, contents := range hist {
		hsScenario(t, "SRANDMEMBER histogram distribution "+typ, func(r *hsRun) {
			c := r.client()
			ssLoad(r, "myset", contents)
			res := hsFlat(hsDo(r, c, "SRANDMEMBER", "myset", "-1000"))
			r.note("chi square < 40", strconv.FormatBool(hsChiSquare(res) < 40))
			for _, size := range []int{8, 2} {
				var all []string
				for i := 0; i < 1000/size; i++ {
					all = append(all, hsFlat(hsDo(r, c, "SRANDMEMBER", "myset", strconv.Itoa(size)))...)
				}
				r.note(fmt.Sprintf("count %d chi square < 40", size), strconv.FormatBool(hsChiSquare(all) < 40))
			}
			// SPOP spreads its picks too.
			var pops []string
			for i := 0; i < 500; i++ {
				ssLoadQuiet(r, "s2", contents)
				pops = append(pops, hsFlat(hsDo(r, c, "SPOP", "s2"))...)
			}
			r.note("SPOP chi square < 40", strconv.FormatBool(hsChiSquare(pops) < 40))
		})
	}
	hsScenario(t, "SMOVE only notify dstset when the addition is successful", func(r *hsRun) {
		r.r("SADD", "srcset{t}", "a", "b")
		r.r("SADD", "dstset{t}", "a")
		r.r("WATCH", "dstset{t}")
		r.r("MULTI")
		r.r("SADD", "dstset{t}", "c")
		r2 := r.client()
		r.note("SMOVE", blDo(r.t, r2, "SMOVE", "srcset{t}", "dstset{t}", "a"))
		r.r("EXEC")
		r.r("SCARD", "dstset{t}")
		// A move that adds to the destination does invalidate it.
		r.r("WATCH", "dstset{t}")
		r.r("MULTI")
		r.r("SADD", "dstset{t}", "d")
		r.note("SMOVE", blDo(r.t, r2, "SMOVE", "srcset{t}", "dstset{t}", "b"))
		r.r("EXEC")
		r.r("SCARD", "dstset{t}")
		r.r("EXISTS", "srcset{t}")
		// And a move whose source loses its member invalidates the source.
		r.r("SADD", "srcset{t}", "c")
		r.r("WATCH", "srcset{t}")
		r.r("MULTI")
		r.r("SADD", "srcset{t}", "e")
		r.note("SMOVE", blDo(r.t, r2, "SMOVE", "srcset{t}", "dstset{t}", "c"))
		r.r("EXEC")
		r.r("EXISTS", "srcset{t}")
	})
	hsScenario(t, "intsets implementation stress testing", func(r *hsRun) {
		rng := rand.New(rand.NewSource(31))
		c := r.client()
		for j := 0; j < 6; j++ {
			blDo(r.t, r.ctl, "DEL", "s")
			s := map[string]bool{}
			for i := rng.Intn(1024); i > 0; i-- {
				var data string
				switch rng.Intn(3) {
				case 0:
					data = strconv.Itoa(rng.Intn(65536))
				case 1:
					data = strconv.FormatInt(rng.Int63n(4294967296), 10)
				default:
					data = strconv.FormatUint(rng.Uint64(), 10)
				}
				s[data] = true
				blDo(r.t, c, "SADD", "s", data)
			}
			r.r("SCARD", "s")
			r.r("OBJECT", "ENCODING", "s")
			ssSorted(r, c, "SMEMBERS", "s")
			var popped []string
			for range s {
				popped = append(popped, hsFlat(hsDo(r, c, "SPOP", "s"))...)
			}
			dups, bad := len(popped)-len(hsCount(popped)), 0
			for _, e := range popped {
				if !s[e] {
					bad++
				}
			}
			r.note("popped", fmt.Sprintf("n=%d dups=%d bad=%d", len(popped), dups, bad))
			r.r("SCARD", "s")
		}
	})
}

// ssLoadQuiet is create_set without logging.
func ssLoadQuiet(r *hsRun, key string, contents []string) {
	r.t.Helper()
	blDo(r.t, r.ctl, "DEL", key)
	blDo(r.t, r.ctl, append([]string{"SADD", key}, contents...)...)
}

// TestDiffSuiteHashSetWatch checks which hash and set writes invalidate
// a WATCH (Redis's signalModifiedKey): a command run by another client
// between WATCH and EXEC either aborts the transaction or leaves it be.
func TestDiffSuiteHashSetWatch(t *testing.T) {
	type probe struct {
		setup []string // run first, one command per line
		key   string   // watched
		cmd   string   // run by the other client
	}
	probes := []probe{
		{[]string{"SADD s a"}, "s", "SADD s a"},
		{[]string{"SADD s a"}, "s", "SADD s b"},
		{[]string{"SADD s a b"}, "s", "SREM s z"},
		{[]string{"SADD s a b"}, "s", "SREM s a"},
		{nil, "s", "SREM s a"},
		{nil, "s", "SPOP s"},
		{nil, "s", "SPOP s 2"},
		{[]string{"SADD s a b"}, "s", "SPOP s 0"},
		{[]string{"SADD s a b"}, "s", "SPOP s 1"},
		{[]string{"SADD s a b c"}, "s", "SRANDMEMBER s 2"},
		{[]string{"SADD s a b"}, "s", "SMOVE s d z"},
		{[]string{"SADD s a b"}, "s", "SMOVE s s a"},
		{[]string{"SADD s a b", "SADD d a"}, "d", "SMOVE s d a"},
		{[]string{"SADD s a b", "SADD d a"}, "s", "SMOVE s d a"},
		{[]string{"SADD s a"}, "d", "SMOVE s d a"},
		{nil, "dst", "SINTERSTORE dst nokey"},
		{[]string{"SET dst x"}, "dst", "SINTERSTORE dst nokey"},
		{[]string{"SADD a 1", "SADD b 2"}, "dst", "SINTERSTORE dst a b"},
		{nil, "dst", "SUNIONSTORE dst nokey"},
		{[]string{"SADD dst x"}, "dst", "SUNIONSTORE dst nokey"},
		{[]string{"SADD a 1"}, "dst", "SDIFFSTORE dst a a"},
		{[]string{"SADD a 1"}, "dst", "SDIFFSTORE dst a"},
		{[]string{"SET x y"}, "dst", "SDIFFSTORE dst x"},
		{[]string{"HSET h f v"}, "h", "HSET h f v"},
		{[]string{"HSET h f v"}, "h", "HMSET h f v"},
		{[]string{"HSET h f v"}, "h", "HSETNX h f w"},
		{[]string{"HSET h f v"}, "h", "HSETNX h g w"},
		{[]string{"HSET h f v"}, "h", "HDEL h z"},
		{[]string{"HSET h f v"}, "h", "HDEL h f"},
		{nil, "h", "HDEL h f"},
		{[]string{"HSET h f v"}, "h", "HINCRBY h f 1"},
		{[]string{"HSET h f 1"}, "h", "HINCRBY h f 0"},
		{[]string{"HSET h f 9223372036854775807"}, "h", "HINCRBY h f 1"},
		{[]string{"HSET h f 1"}, "h", "HINCRBYFLOAT h f 0"},
		{[]string{"HSET h f 1"}, "h", "HINCRBYFLOAT h f inf"},
		{nil, "h", "HINCRBYFLOAT h f x"},
		{[]string{"HSET h f v"}, "h", "HRANDFIELD h 1 WITHVALUES"},
		{[]string{"HSET h f v"}, "h", "HSET h"},
	}
	for i, p := range probes {
		hsScenario(t, fmt.Sprintf("watch %d %s", i, p.cmd), func(r *hsRun) {
			for _, line := range p.setup {
				blDo(r.t, r.ctl, strings.Fields(line)...)
			}
			other := r.client()
			r.r("WATCH", p.key)
			reply := blDo(r.t, other, strings.Fields(p.cmd)...)
			if name := strings.Fields(p.cmd)[0]; name == "SPOP" || name == "SRANDMEMBER" || name == "HRANDFIELD" {
				v, err := parseResp(reply)
				if err != nil {
					t.Fatalf("%s: %v", p.cmd, err)
				}
				reply = hsShape(v) // the picks are random
			}
			r.note(p.cmd, reply)
			r.r("MULTI")
			r.r("PING")
			r.r("EXEC")
		})
	}
}

// RESTORE applies the receiving server's encoding limits.
func TestDiffSuiteHashSetRestoreEncoding(t *testing.T) {
	hsScenario(t, "RESTORE applies the encoding limits", func(r *hsRun) {
		restore := func(key, conf, limit, old string) {
			raw := blDo(r.t, r.ctl, "DUMP", key)
			payload := raw[strings.Index(raw, "\r\n")+2 : len(raw)-2]
			r.r("CONFIG", "SET", conf, limit)
			r.note("RESTORE", blDo(r.t, r.ctl, "RESTORE", key+"2", "0", payload))
			r.r("OBJECT", "ENCODING", key+"2")
			r.r("CONFIG", "SET", conf, old)
		}
		r.r("HSET", "h", "a", "1", "b", "2", "c", "3")
		restore("h", "hash-max-listpack-entries", "2", "512")
		r.r("HSET", "hv", "a", strings.Repeat("x", 100))
		r.r("CONFIG", "SET", "hash-max-listpack-value", "200")
		r.r("HSET", "hv2", "a", strings.Repeat("x", 100))
		r.r("OBJECT", "ENCODING", "hv2")
		restore("hv2", "hash-max-listpack-value", "64", "64")
		r.r("SADD", "s", "1", "2", "3")
		restore("s", "set-max-intset-entries", "2", "512")
		r.r("ZADD", "z", "1", "a", "2", "b", "3", "c")
		restore("z", "zset-max-listpack-entries", "2", "128")
		r.r("ZADD", "zv", "1", strings.Repeat("y", 100))
		r.r("CONFIG", "SET", "zset-max-listpack-value", "200")
		r.r("ZADD", "zv2", "1", strings.Repeat("y", 100))
		r.r("OBJECT", "ENCODING", "zv2")
		restore("zv2", "zset-max-listpack-value", "64", "64")
	})
}
