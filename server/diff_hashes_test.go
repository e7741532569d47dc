package server_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// Hash commands, compared byte for byte with redis-server.
func TestDiffHashes(t *testing.T) {
	long := strings.Repeat("x", 65)
	edge := strings.Repeat("y", 64)
	cases := []testserver.Case{
		// HSET / HMSET / HSETNX
		C("hset basic", "HSET h a 1", "HGET h a", "HSET h a 2 b 3", "HGETALL h", "HLEN h"),
		C("hset returns created only", "HSET h a 1 b 2", "HSET h a 1 b 2 c 3", "HSET h c 4"),
		C("hset odd args", "HSET h a", "HSET h a 1 b", "EXISTS h"),
		C("hset arity", "HSET h", "HSET"),
		C("hset same field twice", "HSET h a 1 a 2", "HGET h a", "HLEN h"),
		C("hmset", "HMSET h a 1 b 2", "HGETALL h", "HMSET h a", "HMSET h a 1 b", "HMSET h"),
		C("hset wrongtype", "SET s v", "HSET s a 1", "HMSET s a 1", "HSETNX s a 1", "GET s"),
		C("hset empty field and value", `HSET h "" ""`, `HGET h ""`, "HLEN h", `HSTRLEN h ""`, `HEXISTS h ""`),
		C("hset binary", `HSET h "\x00\xff" "\r\n\x00"`, `HGET h "\x00\xff"`, "HGETALL h", `HSTRLEN h "\x00\xff"`),
		C("hset case of command", "hset h a 1", "HsEt h b 2", "HGETALL h"),
		C("hsetnx", "HSETNX h a 1", "HSETNX h a 2", "HGET h a", "HSETNX h b 3", "HGETALL h"),
		C("hsetnx arity", "HSETNX h a", "HSETNX h a 1 2"),
		C("hset overwrite keeps order", "HSET h a 1 b 2 c 3", "HSET h b 9", "HGETALL h", "HKEYS h", "HVALS h"),
		// HGET / HMGET
		C("hget missing", "HGET nokey a", "HSET h a 1", "HGET h nofield"),
		C("hget wrongtype", "LPUSH l a", "HGET l a", "HMGET l a", "HGETALL l", "HKEYS l", "HVALS l"),
		C("hmget", "HSET h a 1 b 2", "HMGET h a b c", "HMGET h c", "HMGET nokey a b", "HMGET h a a a"),
		C("hmget arity", "HMGET h", "HGET h", "HGET h a b"),
		// HGETALL / HKEYS / HVALS
		C("hgetall missing", "HGETALL nokey", "HKEYS nokey", "HVALS nokey"),
		C("hgetall order", "HSET h z 1 y 2 x 3 w 4", "HGETALL h", "HKEYS h", "HVALS h"),
		C("hgetall after delete keeps order", "HSET h a 1 b 2 c 3 d 4", "HDEL h b", "HGETALL h", "HSET h b 5", "HGETALL h"),
		C("hgetall many fields listpack order", hsetMany("h", 0, 40), "HDEL h f3 f17 f30", "HGETALL h", "HKEYS h", "HVALS h"),
		C("hgetall arity", "HGETALL", "HGETALL a b", "HKEYS", "HVALS a b"),
		// HDEL
		C("hdel", "HSET h a 1 b 2 c 3", "HDEL h a", "HDEL h a", "HDEL h b c d", "EXISTS h"),
		C("hdel missing key", "HDEL nokey a", "HDEL nokey a b"),
		C("hdel wrongtype", "SET s v", "HDEL s a"),
		C("hdel duplicates", "HSET h a 1 b 2", "HDEL h a a a", "HGETALL h"),
		C("hdel removes key", "HSET h a 1", "HDEL h a b", "EXISTS h", "TYPE h"),
		C("hdel arity", "HDEL h"),
		// HEXISTS / HLEN / HSTRLEN
		C("hexists", "HSET h a 1", "HEXISTS h a", "HEXISTS h b", "HEXISTS nokey a", "HEXISTS h", "HEXISTS h a b"),
		C("hexists wrongtype", "SADD s a", "HEXISTS s a", "HLEN s", "HSTRLEN s a"),
		C("hlen", "HLEN nokey", "HSET h a 1 b 2", "HLEN h", "HLEN", "HLEN h x"),
		C("hstrlen", "HSET h a hello b 12345 c -7 d \"\"", "HSTRLEN h a", "HSTRLEN h b", "HSTRLEN h c", "HSTRLEN h d", "HSTRLEN h z", "HSTRLEN nokey a"),
		C("hstrlen arity", "HSTRLEN h", "HSTRLEN h a b"),
		// HINCRBY
		C("hincrby", "HINCRBY h a 1", "HINCRBY h a 10", "HINCRBY h a -20", "HGET h a"),
		C("hincrby zero", "HINCRBY h a 0", "HGETALL h"),
		C("hincrby not integer increment", "HINCRBY h a x", "HINCRBY h a 1.5", "HINCRBY h a ''", "HINCRBY h a ' 1'", "HINCRBY h a 01", "HINCRBY h a +1", "EXISTS h"),
		C("hincrby not integer value", "HSET h a x b 1.5 c '' d 007 e ' 5'", "HINCRBY h a 1", "HINCRBY h b 1", "HINCRBY h c 1", "HINCRBY h d 1", "HINCRBY h e 1"),
		C("hincrby overflow", "HSET h a 9223372036854775807", "HINCRBY h a 1", "HINCRBY h a 0", "HINCRBY h a -1", "HSET h b -9223372036854775808", "HINCRBY h b -1", "HINCRBY h b 1"),
		C("hincrby bounds", "HINCRBY h a 9223372036854775807", "HINCRBY h b -9223372036854775808", "HINCRBY h c 9223372036854775808", "HINCRBY h d -9223372036854775809", "HGETALL h"),
		C("hincrby wrongtype", "SET s 1", "HINCRBY s a 1", "HINCRBY s a x"),
		C("hincrby arity", "HINCRBY h a", "HINCRBY h a 1 2"),
		C("hincrby value forms", "HSET h a -0 b 0 c -1", "HINCRBY h a 1", "HINCRBY h b 1", "HINCRBY h c 1"),
		// HINCRBYFLOAT
		C("hincrbyfloat basic", "HINCRBYFLOAT h a 10.5", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h a -5", "HGET h a"),
		C("hincrbyfloat long double", "HSET h a 10.50", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h a 0.2", "HINCRBYFLOAT h b 0.1", "HINCRBYFLOAT h b 0.2", "HINCRBYFLOAT h c 1.1", "HINCRBYFLOAT h c 2.2"),
		C("hincrbyfloat exponents", "HINCRBYFLOAT h a 5.0e3", "HINCRBYFLOAT h a 2.0e2", "HINCRBYFLOAT h b 1e-5", "HINCRBYFLOAT h c 1E+3", "HINCRBYFLOAT h d .5", "HINCRBYFLOAT h e 5."),
		C("hincrbyfloat integers", "HINCRBYFLOAT h a 3", "HINCRBYFLOAT h a -3", "HGET h a", "HINCRBYFLOAT h b -0.0", "HSET h c 100", "HINCRBYFLOAT h c 0.5"),
		C("hincrbyfloat not float", "HINCRBYFLOAT h a x", "HINCRBYFLOAT h a ''", "HINCRBYFLOAT h a ' 1'", "HINCRBYFLOAT h a '1 '", "HINCRBYFLOAT h a 1e", "HINCRBYFLOAT h a nan", "HINCRBYFLOAT h a 1,5", "EXISTS h"),
		C("hincrbyfloat inf", "HINCRBYFLOAT h a inf", "HINCRBYFLOAT h a -inf", "HINCRBYFLOAT h a +Infinity", "HINCRBYFLOAT h a INF", "EXISTS h"),
		C("hincrbyfloat value not float", "HSET h a x b '' c ' 1' d nan", "HINCRBYFLOAT h a 1", "HINCRBYFLOAT h b 1", "HINCRBYFLOAT h c 1", "HINCRBYFLOAT h d 1"),
		C("hincrbyfloat value inf", "HSET h a inf", "HINCRBYFLOAT h a 1", "HGET h a"),
		C("hincrbyfloat hex", "HINCRBYFLOAT h a 0x10", "HINCRBYFLOAT h a 0x1p-2", "HINCRBYFLOAT h a 0x.8", "HINCRBYFLOAT h a 0x", "HINCRBYFLOAT h a 0x1p"),
		C("hincrbyfloat huge", "HINCRBYFLOAT h a 1e300", "HINCRBYFLOAT h a 1e300", "HINCRBYFLOAT h b 1e4000", "HINCRBYFLOAT h c 1e5000", "HINCRBYFLOAT h d 1e-5000", "HINCRBYFLOAT h e 1e-300"),
		C("hincrbyfloat subnormal", "HINCRBYFLOAT h a 2.91e-4951", "HINCRBYFLOAT h b 3.6e-4951", "HINCRBYFLOAT h c 1e-4960", "HINCRBYFLOAT h d 0x5dd2c5aef6dc3364.1857d7043310dbd5p-16448", "HSET h e 2.91e-4951", "HINCRBYFLOAT h e 0"),
		C("hincrbyfloat overflow to inf", "HINCRBYFLOAT h a 1.1e4932", "HINCRBYFLOAT h a 1.1e4932", "HGET h a"),
		C("hincrbyfloat precision", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h a 1e17", "HINCRBYFLOAT h b 3.0000000000000000001", "HINCRBYFLOAT h c 1.23456789012345678901234"),
		C("hincrbyfloat to zero", "HINCRBYFLOAT h a 1.5", "HINCRBYFLOAT h a -1.5", "HGET h a", "HINCRBYFLOAT h b -1", "HINCRBYFLOAT h b 1"),
		C("hincrbyfloat wrongtype", "SET s 1", "HINCRBYFLOAT s a 1", "HINCRBYFLOAT s a x"),
		C("hincrbyfloat arity", "HINCRBYFLOAT h a", "HINCRBYFLOAT h a 1 2"),
		C("hincrbyfloat then hincrby", "HINCRBYFLOAT h a 1.5", "HINCRBY h a 1", "HINCRBYFLOAT h b 2.0", "HINCRBY h b 1"),
		// HRANDFIELD
		C("hrandfield missing", "HRANDFIELD nokey", "HRANDFIELD nokey 5", "HRANDFIELD nokey -5", "HRANDFIELD nokey 5 WITHVALUES", "HRANDFIELD nokey 0"),
		C("hrandfield single", "HSET h a 1", "HRANDFIELD h", "HRANDFIELD h 1", "HRANDFIELD h -1", "HRANDFIELD h 1 WITHVALUES", "HRANDFIELD h -3 WITHVALUES", "HRANDFIELD h -3"),
		C("hrandfield whole hash", "HSET h a 1 b 2 c 3", "HRANDFIELD h 3", "HRANDFIELD h 10", "HRANDFIELD h 3 WITHVALUES", "HRANDFIELD h 100 withvalues"),
		C("hrandfield zero", "HSET h a 1", "HRANDFIELD h 0", "HRANDFIELD h 0 WITHVALUES"),
		C("hrandfield random types", "HSET h a 1 b 2 c 3 d 4 e 5", "!HRANDFIELD h", "!HRANDFIELD h 2", "!HRANDFIELD h -7", "!HRANDFIELD h 2 WITHVALUES", "!HRANDFIELD h -7 WITHVALUES"),
		C("hrandfield errors", "HSET h a 1", "HRANDFIELD h x", "HRANDFIELD h 1 FOO", "HRANDFIELD h 1 WITHVALUES x", "HRANDFIELD h 1.5",
			"HRANDFIELD h -9223372036854775808", "HRANDFIELD h 9223372036854775807 WITHVALUES", "HRANDFIELD h -9223372036854775807 WITHVALUES", "HRANDFIELD h 4611686018427387904 WITHVALUES"),
		C("hrandfield huge count", "HSET h a 1 b 2", "HRANDFIELD h 9223372036854775807", "HRANDFIELD h 4611686018427387903 WITHVALUES"),
		C("hrandfield wrongtype", "SET s v", "HRANDFIELD s", "HRANDFIELD s 3", "HRANDFIELD s 0", "HRANDFIELD s x"),
		C("hrandfield arity", "HRANDFIELD"),
		// HSCAN
		C("hscan small", "HSET h a 1 b 2 c 3", "HSCAN h 0", "HSCAN h 0 COUNT 1", "HSCAN h 0 MATCH a*", "HSCAN h 0 MATCH * COUNT 100", "HSCAN h 0 match ?"),
		C("hscan missing", "HSCAN nokey 0", "HSCAN nokey 0 COUNT 0", "HSCAN nokey 0 FOO", "HSCAN nokey x"),
		C("hscan errors", "HSET h a 1", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1", "HSCAN h 0 COUNT x", "HSCAN h 0 COUNT", "HSCAN h 0 MATCH", "HSCAN h 0 FOO bar", "HSCAN h 0 TYPE string"),
		C("hscan cursors", "HSET h a 1", "HSCAN h abc", "HSCAN h -1", "HSCAN h ' 1'", "HSCAN h ''", "HSCAN h +0", "HSCAN h 18446744073709551615", "HSCAN h 18446744073709551616", "HSCAN h 1.5", "HSCAN h -"),
		C("hscan wrongtype", "SET s v", "HSCAN s 0", "HSCAN s x", "HSCAN s 0 COUNT 0"),
		C("hscan arity", "HSCAN h"),
		C("hscan binary match", `HSET h "a\x00b" 1 ab 2`, `HSCAN h 0 MATCH "a\x00*"`, `HSCAN h 0 MATCH "a?b"`),
		// Encodings
		C("hash encoding listpack", "HSET h a 1", "OBJECT ENCODING h", "HSET h b "+edge, "OBJECT ENCODING h"),
		C("hash encoding long value", "HSET h a "+long, "OBJECT ENCODING h", "HDEL h a", "HSET h a 1", "OBJECT ENCODING h"),
		C("hash encoding long field", "HSET h "+long+" 1", "OBJECT ENCODING h", "HSET h2 a 1", "HSETNX h2 "+long+" 1", "OBJECT ENCODING h2"),
		C("hash encoding stays hashtable", "HSET h a 1 b "+long, "OBJECT ENCODING h", "HSET h b 1", "OBJECT ENCODING h", "HDEL h b", "OBJECT ENCODING h"),
		C("hash encoding hsetnx existing long", "HSET h a 1", "HSETNX h a "+long, "OBJECT ENCODING h"),
		C("hash encoding hincrby long field", "HINCRBY h "+long+" 1", "OBJECT ENCODING h", "HINCRBYFLOAT h2 "+long+" 1.5", "OBJECT ENCODING h2"),
		C("hash encoding hincrbyfloat long result", "HINCRBYFLOAT h a 1e70", "OBJECT ENCODING h"),
		C("hash encoding entries", hsetMany("h", 0, 512), "OBJECT ENCODING h", "HSET h f512 v", "OBJECT ENCODING h", "HLEN h", "HDEL h f512 f0", "OBJECT ENCODING h"),
		C("hash big hgetall", hsetMany("h", 0, 600), "~HGETALL h", "~HKEYS h", "~HVALS h", "HLEN h", "HGET h f599", "HMGET h f0 f300 nope"),
		C("hash big hdel all", hsetMany("h", 0, 520), "HDEL h "+fieldList(0, 520), "EXISTS h"),
		C("hash big hrandfield whole", hsetMany("h", 0, 520), "~HRANDFIELD h 1000", "~HRANDFIELD h 600 WITHVALUES"),
		C("hset many pairs", hsetMany("h", 0, 100), "HLEN h", "HGET h f99", "HMGET h f0 f50 f100"),
		C("hset delete all then reuse", "HSET h a 1 b 2", "HDEL h a b", "EXISTS h", "HSET h c 3", "HGETALL h"),
		C("hgetall after middle deletes", "HSET h a 1 b 2 c 3 d 4 e 5", "HDEL h b d", "HSET h f 6 b 7", "HGETALL h", "HVALS h"),
		C("hincrbyfloat negative zero", "HINCRBYFLOAT h a -0.0", "HGET h a", "HINCRBYFLOAT h b -0", "HINCRBYFLOAT h c 0"),
		C("hincrbyfloat tiny", "HINCRBYFLOAT h a 1e-17", "HINCRBYFLOAT h b 1e-18", "HINCRBYFLOAT h c 0.000000000000000005", "HINCRBYFLOAT h d 123456789012345678901234567890"),
		C("hincrbyfloat many digits", "HINCRBYFLOAT h a 0.123456789012345678", "HINCRBYFLOAT h a 2.5", "HINCRBYFLOAT h b 9007199254740993", "HINCRBYFLOAT h b 1"),
		C("hincrbyfloat stored int forms", "HSET h a 007 b 1e3 c 0x10 d ' 2'", "HINCRBYFLOAT h a 1", "HINCRBYFLOAT h b 1", "HINCRBYFLOAT h c 1", "HINCRBYFLOAT h d 1"),
		C("hincrby on float result", "HINCRBYFLOAT h a 2", "HINCRBY h a 3", "HINCRBYFLOAT h b 2.5", "HINCRBY h b 3"),
		C("hmget binary fields", `HSET h "\x00" a "\xff" b`, `HMGET h "\x00" "\xff" "\x01"`, `HEXISTS h "\x00"`),
		C("hstrlen after hincrby", "HINCRBY h a 123456", "HSTRLEN h a", "HINCRBYFLOAT h b 1.25", "HSTRLEN h b"),
		C("hrandfield withvalues case", "HSET h a 1", "HRANDFIELD h 1 withValues", "HRANDFIELD h -2 WiThVaLuEs"),
		C("hscan big types", hsetMany("h", 0, 600), "!HSCAN h 0", "!HSCAN h 0 COUNT 1000", "!HSCAN h 0 MATCH f1*"),
		C("hscan match listpack", "HSET h foo 1 bar 2 fob 3", "HSCAN h 0 MATCH fo*", "HSCAN h 0 MATCH *o*", `HSCAN h 0 MATCH "[fb]o?"`, "HSCAN h 0 MATCH nomatch"),
		C("hset lowercase hmset arity", "hmset h a 1 b", "hset h a 1 b"),
		C("hsetnx wrongtype missing order", "HSETNX h a 1", "HSETNX h a 2", "HSETNX h b", "HGETALL h"),
		C("hash type", "HSET h a 1", "TYPE h"),
		C("hash in multi", "MULTI", "HSET h a 1", "HINCRBY h a 2", "HGETALL h", "EXEC"),
	}
	// Every command against a string key answers WRONGTYPE and changes nothing.
	for _, cmd := range []string{"HSET k f v", "HSETNX k f v", "HGET k f", "HMGET k f", "HGETALL k", "HKEYS k", "HVALS k",
		"HDEL k f", "HEXISTS k f", "HLEN k", "HSTRLEN k f", "HINCRBY k f 1", "HINCRBYFLOAT k f 1", "HRANDFIELD k", "HRANDFIELD k 2 WITHVALUES", "HSCAN k 0", "HMSET k f v"} {
		cases = append(cases, C("wrongtype "+cmd, "SET k v", cmd, "GET k", "RPUSH z a", strings.Replace(cmd, " k", " z", 1)))
	}
	// Every command against a missing key.
	for _, cmd := range []string{"HGET k f", "HMGET k f g", "HGETALL k", "HKEYS k", "HVALS k", "HDEL k f", "HEXISTS k f", "HLEN k",
		"HSTRLEN k f", "HRANDFIELD k", "HRANDFIELD k 3", "HRANDFIELD k -3 WITHVALUES", "HSCAN k 0"} {
		cases = append(cases, C("missing "+cmd, cmd, "EXISTS k"))
	}
	// Both encodings answer alike.
	for _, enc := range []struct{ name, setup string }{{"listpack", "HSET h a 1 b 2 c 3"}, {"hashtable", "HSET h a 1 b 2 c 3 big " + long}} {
		cases = append(cases,
			C(enc.name+" hget hmget", enc.setup, "HGET h a", "HMGET h a b z", "HEXISTS h c", "HSTRLEN h b", "HLEN h"),
			C(enc.name+" hdel", enc.setup, "HDEL h a z", "HLEN h", "HEXISTS h a", "~HGETALL h"),
			C(enc.name+" hincrby", enc.setup, "HINCRBY h a 5", "HINCRBYFLOAT h b 1.5", "HGET h a", "HGET h b"),
			C(enc.name+" hscan", enc.setup, "~HKEYS h", "HSCAN h 0 MATCH a"),
			C(enc.name+" encoding", enc.setup, "OBJECT ENCODING h"),
		)
	}
	diff(t, cases)
}

// hsetMany is an HSET of fields f<from>..f<to-1> with values v<i>.
func hsetMany(key string, from, to int) string {
	var b strings.Builder
	b.WriteString("HSET " + key)
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, " f%d v%d", i, i)
	}
	return b.String()
}

// fieldList is "f<from> … f<to-1>".
func fieldList(from, to int) string {
	parts := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		parts = append(parts, fmt.Sprintf("f%d", i))
	}
	return strings.Join(parts, " ")
}

// Encodings follow the configured thresholds, read at each write.
func TestDiffEncodingThresholds(t *testing.T) {
	restore := []string{"hash-max-listpack-entries", "512", "hash-max-listpack-value", "64", "set-max-intset-entries", "512"}
	t.Cleanup(func() {
		for _, addr := range []string{sundial.Addr, redisAddr()} {
			if addr == "" {
				continue
			}
			if c, err := testserver.Dial(addr, 2); err == nil {
				c.Do(append([]string{"CONFIG", "SET"}, restore...)...)
				c.Close()
			}
		}
	})
	reset := "CONFIG SET " + strings.Join(restore, " ")
	diff(t, []testserver.Case{
		C("hash entries threshold", "CONFIG SET hash-max-listpack-entries 2", "HSET h a 1 b 2", "OBJECT ENCODING h", "HSET h c 3", "OBJECT ENCODING h", "~HGETALL h", reset),
		C("hash value threshold", "CONFIG SET hash-max-listpack-value 3", "HSET h a 123", "OBJECT ENCODING h", "HSET h b 1234", "OBJECT ENCODING h", "HINCRBY h2 abcd 1", "OBJECT ENCODING h2", reset),
		C("hash zero entries", "CONFIG SET hash-max-listpack-entries 0", "HSET h a 1", "OBJECT ENCODING h", reset),
		C("hash threshold raised later", "CONFIG SET hash-max-listpack-entries 1", "HSET h a 1 b 2", "CONFIG SET hash-max-listpack-entries 512", "OBJECT ENCODING h", "HSET h2 a 1 b 2", "OBJECT ENCODING h2", reset),
		C("set intset threshold", "CONFIG SET set-max-intset-entries 2", "SADD s 1 2", "OBJECT ENCODING s", "SADD s 3", "OBJECT ENCODING s", "~SMEMBERS s", reset),
		C("set zero intset", "CONFIG SET set-max-intset-entries 0", "SADD s 1", "OBJECT ENCODING s", "SUNIONSTORE d s", "OBJECT ENCODING d", reset),
		C("set store threshold", "CONFIG SET set-max-intset-entries 3", "SADD a 1 2 3 4 5", "SINTERSTORE d a", "OBJECT ENCODING d", "SADD b 1 2", "SDIFFSTORE e b a", "SUNIONSTORE f b", "OBJECT ENCODING f", reset),
	})
}

// redisAddr is the reference server's address, or "" without one.
func redisAddr() string {
	if redis == nil {
		return ""
	}
	return redis.Addr
}

// A full HSCAN or SSCAN iteration returns every element present from
// start to end, while other elements come and go between the calls.
func TestScanFullIteration(t *testing.T) {
	c := blDial(t, sundial.Addr, 2)
	blDo(t, c, "FLUSHALL")
	for _, kind := range []string{"hash", "set"} {
		for i := 0; i < 1000; i++ {
			if kind == "hash" {
				blDo(t, c, "HSET", "k", fmt.Sprint("stay", i), "v", fmt.Sprint("go", i), "v")
			} else {
				blDo(t, c, "SADD", "k", fmt.Sprint("stay", i), fmt.Sprint("go", i))
			}
		}
		seen := map[string]bool{}
		cursor := "0"
		for calls := 0; ; calls++ {
			var raw string
			if kind == "hash" {
				raw = blDo(t, c, "HSCAN", "k", cursor, "COUNT", "13")
			} else {
				raw = blDo(t, c, "SSCAN", "k", cursor, "COUNT", "13")
			}
			next, items := parseScanReply(t, raw)
			step := 1
			if kind == "hash" {
				step = 2
			}
			for i := 0; i < len(items); i += step {
				seen[items[i]] = true
			}
			cursor = next
			// Churn: drop transient elements, add new ones.
			if kind == "hash" {
				blDo(t, c, "HDEL", "k", fmt.Sprint("go", calls*7%1000), fmt.Sprint("go", calls*13%1000))
				blDo(t, c, "HSET", "k", fmt.Sprint("new", calls), "v")
			} else {
				blDo(t, c, "SREM", "k", fmt.Sprint("go", calls*7%1000), fmt.Sprint("go", calls*13%1000))
				blDo(t, c, "SADD", "k", fmt.Sprint("new", calls))
			}
			if cursor == "0" {
				break
			}
			if calls > 10000 {
				t.Fatalf("%s scan does not finish", kind)
			}
		}
		for i := 0; i < 1000; i++ {
			if !seen[fmt.Sprint("stay", i)] {
				t.Fatalf("%s scan missed stay%d", kind, i)
			}
		}
		blDo(t, c, "DEL", "k")
	}
}

// parseScanReply splits an HSCAN/SSCAN reply into cursor and elements.
func parseScanReply(t *testing.T, raw string) (string, []string) {
	t.Helper()
	lines := strings.Split(raw, "\r\n")
	if len(lines) < 4 || lines[0] != "*2" || !strings.HasPrefix(lines[3], "*") {
		t.Fatalf("not a scan reply: %q", raw)
	}
	var items []string
	for i := 4; i+1 < len(lines); i += 2 {
		items = append(items, lines[i+1])
	}
	return lines[2], items
}

// HINCRBYFLOAT on many random operands gives exactly Redis's result, as
// INCRBYFLOAT does (the same long double emulation).
func TestHIncrByFloatRandom(t *testing.T) {
	floatIncrRandom(t, rand.New(rand.NewPCG(3, 4)),
		func(key, v string) []string { return []string{"HSET", "h", key, v} },
		func(key, op string) []string { return []string{"HINCRBYFLOAT", "h", key, op} })
}
