package server_test

import (
	"fmt"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// Set commands, compared byte for byte with redis-server. Intsets reply
// in ascending order in both servers; hashtable sets in an order Redis
// does not define, so those replies are compared with ~ (ignoring order).
func TestDiffSets(t *testing.T) {
	cases := []testserver.Case{
		// SADD / SREM / SCARD
		C("sadd", "SADD s a b c", "SADD s a d", "SCARD s", "~SMEMBERS s"),
		C("sadd ints sorted", "SADD s 5 3 -1 10 0", "SMEMBERS s", "SADD s 4", "SMEMBERS s", "SCARD s"),
		C("sadd duplicates in one call", "SADD s a a a", "SADD n 1 1 2", "SCARD s", "SMEMBERS n"),
		C("sadd wrongtype", "SET k v", "SADD k a", "GET k"),
		C("sadd arity", "SADD s", "SADD"),
		C("sadd binary", `SADD s "\x00\xff" "" "\r\n"`, "SCARD s", `SISMEMBER s "\x00\xff"`, `SISMEMBER s ""`, "~SMEMBERS s"),
		C("sadd int forms", "SADD s 1 01 +1 -0 ' 1' 1.0 9223372036854775807 -9223372036854775808 9223372036854775808", "SCARD s", "~SMEMBERS s", "SISMEMBER s 01", "SISMEMBER s 1"),
		C("sadd int boundaries", "SADD s 9223372036854775807 -9223372036854775808 0", "SMEMBERS s", "SISMEMBER s 9223372036854775807"),
		C("srem", "SADD s a b c", "SREM s a", "SREM s a", "SREM s b c d", "EXISTS s", "SREM s a"),
		C("srem ints", "SADD s 1 2 3", "SREM s 2 x 01", "SMEMBERS s", "SREM s 1 3", "EXISTS s"),
		C("srem wrongtype arity", "SET k v", "SREM k a", "SREM k", "SREM nokey a b"),
		C("scard", "SCARD nokey", "SADD s a", "SCARD s", "SET k v", "SCARD k", "SCARD", "SCARD a b"),
		// SISMEMBER / SMISMEMBER
		C("sismember", "SADD s a 1", "SISMEMBER s a", "SISMEMBER s 1", "SISMEMBER s b", "SISMEMBER nokey a", "SISMEMBER s", "SISMEMBER s a b"),
		C("smismember", "SADD s a b", "SMISMEMBER s a z b", "SMISMEMBER nokey a b", "SMISMEMBER s a a", "SMISMEMBER s", "SET k v", "SMISMEMBER k a"),
		C("smismember ints", "SADD s 1 2 3", "SMISMEMBER s 1 02 3 x"),
		// SMEMBERS
		C("smembers", "SMEMBERS nokey", "SADD s 3 1 2", "SMEMBERS s", "SET k v", "SMEMBERS k", "SMEMBERS", "SMEMBERS a b"),
		// SRANDMEMBER
		C("srandmember missing", "SRANDMEMBER nokey", "SRANDMEMBER nokey 5", "SRANDMEMBER nokey -5", "SRANDMEMBER nokey 0"),
		C("srandmember single", "SADD s a", "SRANDMEMBER s", "SRANDMEMBER s 1", "SRANDMEMBER s -3", "SRANDMEMBER s 5", "SRANDMEMBER s 0"),
		C("srandmember whole intset", "SADD s 3 1 2", "SRANDMEMBER s 3", "SRANDMEMBER s 100", "SRANDMEMBER s 9223372036854775807"),
		C("srandmember whole hashtable", "SADD s a b c", "~SRANDMEMBER s 3", "~SRANDMEMBER s 100"),
		C("srandmember random types", "SADD s a b c d e f", "!SRANDMEMBER s", "!SRANDMEMBER s 2", "!SRANDMEMBER s -10", "!SRANDMEMBER s 5", "SADD n 1 2 3 4 5 6 7 8 9", "!SRANDMEMBER n 2", "!SRANDMEMBER n -2"),
		C("srandmember errors", "SADD s a", "SRANDMEMBER s x", "SRANDMEMBER s 1 2", "SRANDMEMBER s -9223372036854775808", "SRANDMEMBER s 1.5", "SET k v", "SRANDMEMBER k", "SRANDMEMBER k 2", "SRANDMEMBER k x", "SRANDMEMBER"),
		// SPOP
		C("spop missing", "SPOP nokey", "SPOP nokey 3", "SPOP nokey 0"),
		C("spop single", "SADD s a", "SPOP s", "EXISTS s", "SADD s 7", "SPOP s", "EXISTS s"),
		C("spop count whole intset", "SADD s 3 1 2", "SPOP s 3", "EXISTS s", "SADD s 5 4", "SPOP s 10", "EXISTS s"),
		C("spop count whole hashtable", "SADD s a b c", "~SPOP s 3", "EXISTS s"),
		C("spop count zero", "SADD s a", "SPOP s 0", "SCARD s"),
		C("spop count part", "SADD s a b c d e f g h i j", "!SPOP s 3", "SCARD s", "!SPOP s 6", "SCARD s", "!SPOP s", "SCARD s"),
		C("spop errors", "SADD s a", "SPOP s -1", "SPOP s x", "SPOP s 1 2", "SPOP nokey -1", "SET k v", "SPOP k", "SPOP k 1", "SPOP k -1", "SPOP"),
		// SMOVE
		C("smove", "SADD a x y", "SADD b z", "SMOVE a b x", "~SMEMBERS a", "~SMEMBERS b", "SMOVE a b nope", "SMOVE a b y", "EXISTS a", "~SMEMBERS b"),
		C("smove to new key", "SADD a 1 x", "SMOVE a b 1", "OBJECT ENCODING b", "SMOVE a c x", "OBJECT ENCODING c", "EXISTS a"),
		C("smove same key", "SADD a x", "SMOVE a a x", "SMOVE a a y", "SMEMBERS a"),
		C("smove existing member", "SADD a x", "SADD b x", "SMOVE a b x", "EXISTS a", "SMEMBERS b"),
		C("smove missing source", "SMOVE nokey b x", "SET k v", "SMOVE nokey k x", "EXISTS b"),
		C("smove wrongtype", "SET k v", "SADD a x", "SMOVE k a x", "SMOVE a k x", "SMEMBERS a", "SMOVE a b"),
		C("smove converts destination", "SADD a x", "SADD b 1 2", "SMOVE a b x", "OBJECT ENCODING b", "~SMEMBERS b"),
		// SINTER / SINTERSTORE / SINTERCARD
		C("sinter", "SADD a 1 2 3 4", "SADD b 2 3 5", "SADD c 3 2 9", "SINTER a b", "SINTER a b c", "SINTER a", "SINTER a nokey", "SINTER nokey a"),
		C("sinter strings", "SADD a x y z", "SADD b y z w", "~SINTER a b", "~SINTER b a", "SINTER a b nokey"),
		C("sinter mixed", "SADD a 1 2 x", "SADD b 1 2 3", "~SINTER a b", "~SINTER b a", "SADD c 1 2", "SINTER a c"),
		C("sinter same key", "SADD a 3 1 2", "SINTER a a", "SINTER a a a"),
		C("sinter wrongtype", "SET k v", "SADD a x", "SINTER a k", "SINTER k a", "SINTER nokey k", "SINTER k nokey", "SINTERSTORE d nokey k", "SINTERCARD 2 nokey k"),
		C("sinterstore", "SADD a 1 2 3", "SADD b 2 3 4", "SINTERSTORE d a b", "SMEMBERS d", "OBJECT ENCODING d", "SINTERSTORE d a nokey", "EXISTS d"),
		C("sinterstore strings", "SADD a x y 1", "SADD b y 1", "SINTERSTORE d a b", "~SMEMBERS d", "OBJECT ENCODING d"),
		C("sinterstore over other type", "SET d v", "SADD a 1", "SINTERSTORE d a", "TYPE d", "SMEMBERS d"),
		C("sinterstore empty deletes", "SADD a 1", "SADD b 2", "SET d v", "SINTERSTORE d a b", "EXISTS d", "SINTERSTORE d a b"),
		C("sinterstore drops ttl", "SADD a 1", "SADD d 5", "EXPIRE d 100", "SINTERSTORE d a", "TTL d"),
		C("sinterstore into source", "SADD a 1 2 3", "SADD b 2 3", "SINTERSTORE a a b", "SMEMBERS a"),
		C("sinterstore arity", "SINTERSTORE d", "SINTER"),
		C("sintercard", "SADD a 1 2 3 4", "SADD b 2 3 4 5", "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 2", "SINTERCARD 2 a b LIMIT 0", "SINTERCARD 2 a b LIMIT 100", "SINTERCARD 1 a", "SINTERCARD 2 a nokey"),
		C("sintercard errors", "SADD a 1", "SINTERCARD 0 a", "SINTERCARD -1 a", "SINTERCARD x a", "SINTERCARD 2 a", "SINTERCARD 1 a LIMIT -1", "SINTERCARD 1 a LIMIT x",
			"SINTERCARD 1 a LIMIT", "SINTERCARD 1 a FOO 1", "SINTERCARD 1 a LIMIT 1 LIMIT 2", "SINTERCARD 9223372036854775807 a", "SINTERCARD 1"),
		// SUNION / SDIFF and STORE
		C("sunion", "SADD a 1 2", "SADD b 2 3", "SUNION a b", "SUNION a nokey", "SUNION nokey", "SADD c x", "~SUNION a b c"),
		C("sunionstore", "SADD a 1 2", "SADD b 3", "SUNIONSTORE d a b", "SMEMBERS d", "OBJECT ENCODING d", "SUNIONSTORE d nokey", "EXISTS d", "SUNIONSTORE d a a", "SMEMBERS d"),
		C("sunion wrongtype", "SET k v", "SADD a 1", "SUNION a k", "SUNION nokey k", "SUNIONSTORE d a k", "EXISTS d"),
		C("sdiff", "SADD a 1 2 3 4", "SADD b 2", "SADD c 4 5", "SDIFF a b c", "SDIFF a", "SDIFF a nokey", "SDIFF nokey a", "SDIFF a a", "SDIFF a b a"),
		C("sdiff strings", "SADD a x y z", "SADD b y", "~SDIFF a b", "SDIFF b a"),
		C("sdiff result encoding", "SADD a x 1 2", "SADD b x", "SDIFF a b", "SDIFFSTORE d a b", "OBJECT ENCODING d", "SMEMBERS d"),
		C("sdiffstore", "SADD a 1 2 3", "SADD b 1", "SDIFFSTORE d a b", "SMEMBERS d", "SDIFFSTORE d b a", "EXISTS d", "SDIFFSTORE a a b", "SMEMBERS a"),
		C("sdiff wrongtype", "SET k v", "SADD a 1", "SDIFF a k", "SDIFF k a", "SDIFF nokey k", "SDIFFSTORE d a k", "SDIFFSTORE k a", "TYPE k"),
		C("set ops arity", "SUNION", "SDIFF", "SUNIONSTORE d", "SDIFFSTORE d", "SINTERCARD"),
		// SSCAN
		C("sscan intset", "SADD s 3 1 2", "SSCAN s 0", "SSCAN s 0 COUNT 1", "SSCAN s 0 MATCH 1*", "SSCAN s 0 MATCH *"),
		C("sscan hashtable small", "SADD s a", "SSCAN s 0", "SSCAN s 0 MATCH b*"),
		C("sscan missing", "SSCAN nokey 0", "SSCAN nokey 0 COUNT 0", "SSCAN nokey x"),
		C("sscan errors", "SADD s a", "SSCAN s x", "SSCAN s 0 COUNT 0", "SSCAN s 0 COUNT x", "SSCAN s 0 FOO", "SSCAN s 0 MATCH", "!SSCAN s -1", "SET k v", "SSCAN k 0", "SSCAN s"),
		// Encodings
		C("set encodings", "SADD s 1", "OBJECT ENCODING s", "SADD s x", "OBJECT ENCODING s", "SREM s x", "OBJECT ENCODING s", "SADD t x", "OBJECT ENCODING t"),
		C("set encoding after empty", "SADD s x", "SREM s x", "SADD s 1", "OBJECT ENCODING s"),
		C("set intset limit", saddMany("s", 0, 512), "OBJECT ENCODING s", "SADD s 512", "OBJECT ENCODING s", "SCARD s", "SREM s 512", "OBJECT ENCODING s"),
		C("set big intset reply", saddMany("s", 0, 600), "~SMEMBERS s", "SISMEMBER s 599", "SMISMEMBER s 0 600", "~SRANDMEMBER s 1000", "SINTERCARD 1 s LIMIT 10"),
		C("set big ops", saddMany("a", 0, 700), saddMany("b", 300, 1000), "SINTERCARD 2 a b", "SINTERSTORE d a b", "SCARD d", "SUNIONSTORE u a b", "SCARD u", "SDIFFSTORE f a b", "SCARD f", "OBJECT ENCODING f", "SMEMBERS f"),
		C("sadd beyond int64", "SADD s 18446744073709551615 1", "OBJECT ENCODING s", "~SMEMBERS s", "SISMEMBER s 1"),
		C("smismember binary", `SADD s "\x00" "\xff"`, `SMISMEMBER s "\x00" "\x01" "\xff"`),
		C("sintercard limit strings", "SADD a x y z", "SADD b x y z", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b limit 2", "SINTERCARD 1 a LIMIT 3"),
		C("sunionstore over list", "RPUSH d a", "SADD a 1", "SUNIONSTORE d a", "TYPE d", "SMEMBERS d"),
		C("sdiffstore over hash", "HSET d a 1", "SADD a 1 2", "SADD b 2", "SDIFFSTORE d a b", "TYPE d", "SMEMBERS d"),
		C("sinter repeated key", "SADD a 1 2", "SADD b 2 3", "SINTER a b a", "SINTERCARD 3 a a b", "SINTERSTORE d a a", "SMEMBERS d"),
		C("sscan patterns", "SADD s 1 12 123 2 23", "SSCAN s 0 MATCH 1*", "SSCAN s 0 MATCH *3", "SSCAN s 0 MATCH [12]?", `SSCAN s 0 MATCH "\\1*"`),
		C("sscan big types", saddMany("s", 0, 600), "!SSCAN s 0", "!SSCAN s 0 COUNT 5", "!SSCAN s 0 MATCH 5*"),
		C("spop then add keeps intset", "SADD s 1 2 3", "SPOP s 3", "SADD s 9", "OBJECT ENCODING s", "SMEMBERS s"),
		C("srem converts nothing", "SADD s 1 x", "SREM s x", "OBJECT ENCODING s", "SMEMBERS s"),
		C("smove int into intset", "SADD a 5", "SADD b 1 9", "SMOVE a b 5", "SMEMBERS b", "OBJECT ENCODING b", "EXISTS a"),
		C("sunion many keys", "SADD a 1", "SADD b 2", "SADD c 3", "SADD d 1 4", "SUNION a b c d nokey", "SUNIONSTORE e a b c d", "SMEMBERS e"),
		C("sdiff many keys", "SADD a 1 2 3 4 5", "SADD b 1", "SADD c 2", "SADD d 3", "SDIFF a b c d", "SDIFF a b c d a"),
		C("srandmember count one", "SADD s 7", "SRANDMEMBER s 1", "SRANDMEMBER s -1", "SADD t x", "SRANDMEMBER t 1"),
		C("sismember int forms", "SADD s 10", "SISMEMBER s 10", "SISMEMBER s 010", "SISMEMBER s +10", "SISMEMBER s 10.0", "SISMEMBER s ' 10'"),
		C("set type", "SADD s a", "TYPE s"),
		C("set in multi", "MULTI", "SADD s 1 2", "SREM s 1", "SMEMBERS s", "SPOP s 5", "EXEC"),
	}
	for _, cmd := range []string{"SADD k a", "SREM k a", "SCARD k", "SISMEMBER k a", "SMISMEMBER k a", "SMEMBERS k", "SRANDMEMBER k", "SRANDMEMBER k 3",
		"SPOP k", "SPOP k 2", "SMOVE k d a", "SINTER k", "SINTERCARD 1 k", "SINTERSTORE d k", "SUNION k", "SUNIONSTORE d k", "SDIFF k", "SDIFFSTORE d k", "SSCAN k 0"} {
		cases = append(cases, C("wrongtype "+cmd, "SET k v", cmd, "GET k", "RPUSH z a", strings.Replace(cmd, " k", " z", 1)))
	}
	for _, cmd := range []string{"SREM k a", "SCARD k", "SISMEMBER k a", "SMISMEMBER k a b", "SMEMBERS k", "SRANDMEMBER k", "SRANDMEMBER k -2",
		"SPOP k", "SPOP k 2", "SMOVE k d a", "SINTER k", "SINTERCARD 1 k", "SINTERSTORE d k", "SUNION k", "SUNIONSTORE d k", "SDIFF k", "SDIFFSTORE d k", "SSCAN k 0"} {
		cases = append(cases, C("missing "+cmd, cmd, "EXISTS k d"))
	}
	// Each operation over an intset and a hashtable operand.
	for _, enc := range []struct{ name, a, b string }{
		{"int int", "SADD a 1 2 3 4", "SADD b 3 4 5"},
		{"int str", "SADD a 1 2 3 4", "SADD b 3 4 x"},
		{"str int", "SADD a 1 2 y 4", "SADD b 3 4 5"},
		{"str str", "SADD a p q r s", "SADD b r s t"},
	} {
		cases = append(cases,
			C("inter "+enc.name, enc.a, enc.b, "~SINTER a b", "SINTERCARD 2 a b", "SINTERSTORE d a b", "~SMEMBERS d", "OBJECT ENCODING d"),
			C("union "+enc.name, enc.a, enc.b, "~SUNION a b", "SUNIONSTORE d a b", "~SMEMBERS d", "OBJECT ENCODING d"),
			C("diff "+enc.name, enc.a, enc.b, "~SDIFF a b", "~SDIFF b a", "SDIFFSTORE d a b", "~SMEMBERS d", "OBJECT ENCODING d"),
			C("member "+enc.name, enc.a, enc.b, "SISMEMBER a 4", "SMISMEMBER b 3 4 5 x", "SREM a 4", "SCARD a", "SMOVE a b 1", "~SMEMBERS b"),
		)
	}
	diff(t, cases)
}

// saddMany is an SADD of the integers from..to-1.
func saddMany(key string, from, to int) string {
	var b strings.Builder
	b.WriteString("SADD " + key)
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, " %d", i)
	}
	return b.String()
}

// Random replies checked by membership: positive counts give distinct
// members, negative counts allow repeats, pops remove what they return.
func TestRandomMembers(t *testing.T) {
	c := blDial(t, sundial.Addr, 2)
	blDo(t, c, "FLUSHALL")
	for _, setup := range [][]string{
		{"SADD", "s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
		{"SADD", "s", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"},
	} {
		blDo(t, c, "DEL", "s")
		blDo(t, c, setup...)
		members := map[string]bool{}
		for _, m := range setup[2:] {
			members[m] = true
		}
		for _, count := range []int{1, 3, 9, 10, 15, -1, -30} {
			got := parseBulks(t, blDo(t, c, "SRANDMEMBER", "s", fmt.Sprint(count)))
			checkSample(t, "SRANDMEMBER", got, members, count, 10)
		}
		popped := parseBulks(t, blDo(t, c, "SPOP", "s", "4"))
		checkSample(t, "SPOP", popped, members, 4, 10)
		for _, m := range popped {
			if blDo(t, c, "SISMEMBER", "s", m) != ":0\r\n" {
				t.Errorf("SPOP returned %q but left it in the set", m)
			}
		}
		if card := blDo(t, c, "SCARD", "s"); card != ":6\r\n" {
			t.Errorf("after SPOP 4 of 10: SCARD %q", card)
		}
	}
	blDo(t, c, "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5")
	fields := map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": true}
	for _, count := range []int{1, 2, 4, 5, 8, -1, -12} {
		got := parseBulks(t, blDo(t, c, "HRANDFIELD", "h", fmt.Sprint(count)))
		checkSample(t, "HRANDFIELD", got, fields, count, 5)
		pairs := parseBulks(t, blDo(t, c, "HRANDFIELD", "h", fmt.Sprint(count), "WITHVALUES"))
		var names []string
		for i := 0; i+1 < len(pairs); i += 2 {
			names = append(names, pairs[i])
			if want := string(rune('1' + pairs[i][0] - 'a')); pairs[i+1] != want {
				t.Errorf("HRANDFIELD WITHVALUES paired %q with %q", pairs[i], pairs[i+1])
			}
		}
		checkSample(t, "HRANDFIELD WITHVALUES", names, fields, count, 5)
	}
}

// checkSample checks a random sample of a collection of size n.
func checkSample(t *testing.T, cmd string, got []string, members map[string]bool, count, n int) {
	t.Helper()
	want := count
	if count < 0 {
		want = -count
	} else if count > n {
		want = n
	}
	if len(got) != want {
		t.Errorf("%s count %d: %d elements, want %d", cmd, count, len(got), want)
	}
	seen := map[string]bool{}
	for _, m := range got {
		if !members[m] {
			t.Errorf("%s count %d: %q is not a member", cmd, count, m)
		}
		if seen[m] && count > 0 {
			t.Errorf("%s count %d: %q repeated", cmd, count, m)
		}
		seen[m] = true
	}
	if count < -2*n && len(seen) < 2 {
		t.Errorf("%s count %d: only %d distinct values", cmd, count, len(seen))
	}
}

// parseBulks reads a flat RESP2 array of bulk strings.
func parseBulks(t *testing.T, raw string) []string {
	t.Helper()
	lines := strings.Split(raw, "\r\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "*") {
		t.Fatalf("not an array: %q", raw)
	}
	var out []string
	for i := 1; i+1 < len(lines); i += 2 {
		out = append(out, lines[i+1])
	}
	return out
}
