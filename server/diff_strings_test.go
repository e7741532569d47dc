package server_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// The strings family compared byte for byte with redis-server.
func TestDiffStrings(t *testing.T) {
	big := strings.Repeat("x", 100)
	diff(t, []testserver.Case{
		// GET / SET basics
		C("get missing", "GET nokey"),
		C("set get", "SET k v", "GET k"),
		C("set empty value", `SET k ""`, "GET k", "STRLEN k", "TYPE k"),
		C("set binary", `SET k "\x00\xff\r\n"`, "GET k", "STRLEN k"),
		C("set binary key", `SET "\x00k\xff" v`, `GET "\x00k\xff"`, `EXISTS "\x00k\xff"`),
		C("set overwrite", "SET k a", "SET k b", "GET k"),
		C("set over other type", "HSET l f a", "SET l v", "GET l", "TYPE l"),
		C("get wrong type", "HSET l f a", "GET l"),
		C("set arity", "SET k", "GET", "GET a b"),
		C("set long value", "SET k "+big, "GET k", "STRLEN k"),
		// SET options
		C("set nx", "SET k a NX", "SET k b NX", "GET k"),
		C("set xx", "SET k a XX", "GET k", "SET k a", "SET k b XX", "GET k"),
		C("set nx xx", "SET k a NX XX", "SET k a XX NX", "GET k"),
		C("set nx nx", "SET k a NX NX", "GET k"),
		C("set get option", "SET k a GET", "SET k b GET", "GET k"),
		C("set get wrong type", "HSET l f a", "SET l b GET", "HGETALL l"),
		C("set get nx", "SET k a", "SET k b NX GET", "GET k", "SET n b NX GET", "GET n"),
		C("set get xx", "SET k b XX GET", "EXISTS k", "SET k a", "SET k c XX GET", "GET k"),
		C("set get twice", "SET k a GET GET", "GET k"),
		C("set ex", "SET k v EX 100", "TTL k", "GET k"),
		C("set px", "SET k v PX 100000", "TTL k"),
		C("set exat pxat", "SET k v EXAT 99999999999", "TTL k", "EXPIRETIME k", "SET k v PXAT 99999999999000", "PEXPIRETIME k"),
		C("set exat past", "SET k v EXAT 1", "GET k", "EXISTS k"),
		C("set pxat past", "SET k v PXAT 1", "GET k"),
		C("set keepttl", "SET k v EX 100", "SET k w KEEPTTL", "TTL k", "GET k", "SET k x", "TTL k"),
		C("set keepttl no ttl", "SET k v KEEPTTL", "TTL k", "GET k"),
		C("set ex zero", "SET k v EX 0", "SET k v PX 0", "SET k v EXAT 0", "SET k v PXAT 0", "EXISTS k"),
		C("set ex negative", "SET k v EX -1", "SET k v PX -5", "SET k v EXAT -1", "SET k v PXAT -100"),
		C("set ex not integer", "SET k v EX abc", "SET k v PX 1.5", "SET k v EX ''", "SET k v EX +5", "SET k v EX 05"),
		C("set ex overflow", "SET k v EX 9223372036854775807", "SET k v EX 9223372036854775", "SET k v PX 9223372036854775807",
			"SET k v EXAT 9223372036854776", "SET k v PXAT 9223372036854775807", "TTL k"),
		C("set ex 64bit overflow", "SET k v EX 99999999999999999999", "SET k v PX -9223372036854775808"),
		C("set ex and px", "SET k v EX 10 PX 100", "SET k v PX 100 EX 10", "SET k v EX 10 EX 20", "TTL k"),
		C("set exat and keepttl", "SET k v EX 10 KEEPTTL", "SET k v KEEPTTL EX 10", "SET k v KEEPTTL PXAT 10", "SET k v EXAT 10 PXAT 10"),
		C("set ex missing value", "SET k v EX", "SET k v PX", "SET k v NX EX", "GET k"),
		C("set syntax", "SET k v FOO", "SET k v NX FOO", "SET k v PERSIST", "SET k v EX 10 FOO"),
		C("set syntax before int", "SET k v EX abc FOO", "SET k v EX abc NX XX"),
		C("set lowercase options", "set k v nx ex 100", "ttl k", "set k w xx keepttl get", "get k"),
		C("set mixed case options", "SET k v Ex 100", "TTL k", "SET k v pX 100000", "TTL k"),
		C("set ex with get", "SET k a", "SET k b EX 100 GET", "TTL k", "GET k"),
		// SETNX SETEX PSETEX GETSET
		C("setnx", "SETNX k a", "SETNX k b", "GET k"),
		C("setnx wrong type ok", "HSET l f a", "SETNX l b", "TYPE l"),
		C("setex", "SETEX k 100 v", "TTL k", "GET k"),
		C("setex errors", "SETEX k 0 v", "SETEX k -1 v", "SETEX k abc v", "SETEX k 9223372036854775807 v", "SETEX k", "EXISTS k"),
		C("psetex", "PSETEX k 100000 v", "TTL k", "PSETEX k 0 v", "PSETEX k -5 v", "PSETEX k x v"),
		C("setex overwrites type", "HSET l f a", "SETEX l 100 v", "TYPE l"),
		C("getset", "GETSET k a", "GETSET k b", "GET k"),
		C("getset clears ttl", "SET k a EX 100", "GETSET k b", "TTL k"),
		C("getset wrong type", "HSET l f a", "GETSET l b", "TYPE l"),
		// GETDEL GETEX
		C("getdel", "SET k v", "GETDEL k", "EXISTS k", "GETDEL k"),
		C("getdel wrong type", "HSET l f a", "GETDEL l", "EXISTS l"),
		C("getex plain", "SET k v EX 100", "GETEX k", "TTL k", "GETEX nokey"),
		C("getex ex", "SET k v", "GETEX k EX 100", "TTL k", "GETEX k PX 200000", "TTL k"),
		C("getex exat pxat", "SET k v", "GETEX k EXAT 99999999999", "EXPIRETIME k", "GETEX k PXAT 99999999999123", "PEXPIRETIME k"),
		C("getex past deletes", "SET k v", "GETEX k EXAT 1", "EXISTS k", "SET k v", "GETEX k PXAT 100", "GET k"),
		C("getex persist", "SET k v EX 100", "GETEX k PERSIST", "TTL k", "GETEX k PERSIST", "TTL k"),
		C("getex errors", "SET k v", "GETEX k EX 0", "GETEX k EX -1", "GETEX k EX abc", "GETEX k PX 10 EX 10", "GETEX k PERSIST EX 10",
			"GETEX k EX 10 PERSIST", "GETEX k FOO", "GETEX k NX", "GETEX k KEEPTTL", "GETEX k EX", "TTL k"),
		C("getex bad expire missing key", "GETEX nokey EX abc", "GETEX nokey EX -5", "GETEX nokey FOO"),
		C("getex wrong type", "HSET l f a", "GETEX l", "GETEX l EX 10", "GETEX l EX abc"),
		C("getex overflow", "SET k v", "GETEX k EX 9223372036854775807", "GETEX k PX 9223372036854775807", "GETEX k EXAT 9223372036854776"),
		// MGET MSET MSETNX
		C("mget", "SET a 1", "SET c 3", "HSET l f x", "MGET a b c l"),
		C("mget single", "MGET nokey"),
		C("mset", "MSET a 1 b 2 c 3", "MGET a b c"),
		C("mset same key", "MSET a 1 a 2", "GET a"),
		C("mset odd", "MSET a 1 b", "MSET a", "MSETNX a 1 b", "EXISTS a"),
		C("mset clears ttl", "SET a 1 EX 100", "MSET a 2", "TTL a"),
		C("mset over list", "HSET l f x", "MSET l 1", "TYPE l"),
		C("msetnx", "MSETNX a 1 b 2", "MSETNX b 3 c 4", "MGET a b c"),
		C("msetnx same key", "MSETNX a 1 a 2", "GET a"),
		// APPEND STRLEN
		C("append", "APPEND k abc", "APPEND k def", "GET k", "STRLEN k"),
		C("append empty", `APPEND k ""`, "EXISTS k", "GET k", `APPEND k ""`),
		C("append int", "SET k 10", "APPEND k 5", "GET k", "OBJECT ENCODING k", "INCR k"),
		C("append wrong type", "HSET l f a", "APPEND l x"),
		C("append binary", `APPEND k "\x00"`, `APPEND k "\xff"`, "GET k", "STRLEN k"),
		C("append keeps ttl", "SET k a EX 100", "APPEND k b", "TTL k"),
		C("strlen", "STRLEN nokey", "SET k hello", "STRLEN k", "SET k 12345", "STRLEN k", "HSET l f a", "STRLEN l"),
		// GETRANGE SUBSTR
		C("getrange", "SET k \"This is a string\"", "GETRANGE k 0 3", "GETRANGE k -3 -1", "GETRANGE k 0 -1", "GETRANGE k 10 100"),
		C("getrange negative", "SET k hello", "GETRANGE k -1 -5", "GETRANGE k -5 -1", "GETRANGE k -100 -1", "GETRANGE k -100 -99", "GETRANGE k 0 -100"),
		C("getrange out of range", "SET k hello", "GETRANGE k 5 10", "GETRANGE k 4 4", "GETRANGE k 3 1", "GETRANGE k 100 200"),
		C("getrange empty", `SET k ""`, "GETRANGE k 0 -1", "GETRANGE k 0 0", "GETRANGE k -1 -1", "GETRANGE nokey 0 -1"),
		C("getrange int", "SET k 12345", "GETRANGE k 1 3", "GETRANGE k -2 -1"),
		C("getrange errors", "SET k hello", "GETRANGE k a 1", "GETRANGE k 0 b", "GETRANGE nokey a 1", "HSET l f a", "GETRANGE l 0 1", "GETRANGE l x 1"),
		C("getrange bounds", "SET k hello", "GETRANGE k -9223372036854775808 9223372036854775807", "GETRANGE k 9223372036854775807 -9223372036854775808"),
		C("substr", "SET k hello", "SUBSTR k 1 3", "SUBSTR k -3 -1", "SUBSTR nokey 0 1"),
		// SETRANGE
		C("setrange", "SET k \"Hello World\"", "SETRANGE k 6 Redis", "GET k"),
		C("setrange pad", "SETRANGE k 5 abc", "GET k", "STRLEN k"),
		C("setrange extend", "SET k abc", "SETRANGE k 5 xy", "GET k"),
		C("setrange empty value", "SETRANGE k 5 ''", "EXISTS k", "SET k abc", "SETRANGE k 10 ''", "GET k"),
		C("setrange errors", "SETRANGE k -1 a", "SETRANGE k abc a", "HSET l f a", "SETRANGE l 0 a", "SETRANGE l -1 a"),
		C("setrange too big", "SETRANGE k 536870912 a", "SETRANGE k 536870911 ab", "SETRANGE k 9223372036854775807 a", "EXISTS k",
			"SET q abc", "SETRANGE q 536870912 ''", "SETRANGE q 536870912 x"),
		C("setrange int", "SET k 12345", "SETRANGE k 1 x", "GET k", "OBJECT ENCODING k"),
		C("setrange keeps ttl", "SET k abc EX 100", "SETRANGE k 1 x", "TTL k"),
		// INCR family
		C("incr", "INCR k", "INCR k", "GET k", "DECR k", "DECR k", "DECR k", "GET k"),
		C("incrby decrby", "INCRBY k 10", "INCRBY k -3", "DECRBY k 5", "DECRBY k -1", "GET k"),
		C("incr not integer", "SET k abc", "INCR k", "SET k 1.5", "INCR k", `SET k ""`, "INCR k", "SET k \" 1\"", "INCR k"),
		C("incr strict ints", "SET k +1", "INCR k", "SET k 01", "INCR k", "SET k -0", "INCR k", "SET k 0", "INCR k"),
		C("incr bounds", "SET k 9223372036854775806", "INCR k", "INCR k", "GET k", "SET k -9223372036854775807", "DECR k", "DECR k"),
		C("incrby overflow", "SET k 1", "INCRBY k 9223372036854775807", "SET k -2", "INCRBY k -9223372036854775807", "INCRBY k -9223372036854775808"),
		C("incr too long", "SET k 99999999999999999999", "INCR k", "SET k 92233720368547758070", "INCR k"),
		C("incrby arg errors", "INCRBY k abc", "INCRBY k 1.0", "INCRBY k 9223372036854775808", "DECRBY k x", "EXISTS k"),
		C("decrby min", "SET k 0", "DECRBY k -9223372036854775808", "DECRBY k 9223372036854775807", "DECRBY k 1", "DECRBY k 1"),
		C("incr wrong type", "HSET l f a", "INCR l", "INCRBY l 1", "DECR l", "INCRBYFLOAT l 1"),
		C("incr keeps ttl", "SET k 1 EX 100", "INCR k", "TTL k"),
		C("incr encoding", "INCR k", "OBJECT ENCODING k", "INCRBY k 100000", "OBJECT ENCODING k"),
		// INCRBYFLOAT
		C("incrbyfloat", "INCRBYFLOAT k 0.1", "INCRBYFLOAT k 10.5", "GET k", "INCRBYFLOAT k -10.6", "GET k"),
		C("incrbyfloat precision", "SET k 10.50", "INCRBYFLOAT k 0.1", "INCRBYFLOAT k 5.0e3", "INCRBYFLOAT k 2.0e2", "INCRBYFLOAT k -5000"),
		C("incrbyfloat ints", "SET k 3", "INCRBYFLOAT k 2", "OBJECT ENCODING k", "INCRBYFLOAT k 1e2", "GET k"),
		C("incrbyfloat small", "INCRBYFLOAT k 1e-17", "INCRBYFLOAT k 1e-18", "INCRBYFLOAT j 0.000000000000000005", "INCRBYFLOAT j 0.000000000000000015"),
		C("incrbyfloat thirds", "INCRBYFLOAT k 0.3333333333333333333", "INCRBYFLOAT k 0.3333333333333333333", "INCRBYFLOAT k 0.3333333333333333334"),
		C("incrbyfloat negative zero", "INCRBYFLOAT k -0.0", "GET k", "INCRBYFLOAT j -0.000000000000000001", "GET j"),
		C("incrbyfloat large", "INCRBYFLOAT k 1e30", "INCRBYFLOAT k 1", "INCRBYFLOAT j 123456789012345678901234567890"),
		C("incrbyfloat huge", "INCRBYFLOAT k 1.5e300", "INCRBYFLOAT k 1e308", "INCRBYFLOAT k 1e308", "STRLEN k"),
		C("incrbyfloat extended range", "INCRBYFLOAT k 1e4000", "STRLEN k", "INCRBYFLOAT j 1e-4000", "INCRBYFLOAT q 1e5000", "INCRBYFLOAT q 1e-5000"),
		C("incrbyfloat hex", "INCRBYFLOAT k 0x10", "INCRBYFLOAT k 0x1p-2", "INCRBYFLOAT k 0X.8", "INCRBYFLOAT k 0x", "GET k"),
		C("incrbyfloat inf nan", "INCRBYFLOAT k inf", "INCRBYFLOAT k -inf", "INCRBYFLOAT k nan", "INCRBYFLOAT k Infinity", "EXISTS k"),
		C("incrbyfloat stored inf", "SET k inf", "INCRBYFLOAT k 1", "SET k -infinity", "INCRBYFLOAT k 1", "GET k"),
		C("incrbyfloat overflow", "SET k 1e4932", "INCRBYFLOAT k 1e4932", "INCRBYFLOAT k 1.18e4932", "GET k"),
		C("incrbyfloat not float", "SET k abc", "INCRBYFLOAT k 1", "SET k 1", "INCRBYFLOAT k abc", "INCRBYFLOAT k ''", "INCRBYFLOAT k ' 1'",
			"INCRBYFLOAT k '1 '", "INCRBYFLOAT k 1e", "INCRBYFLOAT k .", "INCRBYFLOAT k e1", "INCRBYFLOAT k 1.2.3"),
		C("incrbyfloat forms", "INCRBYFLOAT k .5", "INCRBYFLOAT k 5.", "INCRBYFLOAT k +1", "INCRBYFLOAT k -.25", "INCRBYFLOAT k 1E1", "INCRBYFLOAT k 1e+1", "INCRBYFLOAT k 007"),
		C("incrbyfloat keeps ttl", "SET k 1 EX 100", "INCRBYFLOAT k 1.5", "TTL k"),
		C("incrbyfloat rounding", "SET k 0.1", "INCRBYFLOAT k 0.2", "INCRBYFLOAT j 1.1", "INCRBYFLOAT j 2.2", "INCRBYFLOAT q 9007199254740993", "INCRBYFLOAT q 0.5"),
		C("incrbyfloat long mantissa", "INCRBYFLOAT k 18446744073709551615", "INCRBYFLOAT k 1", "INCRBYFLOAT j 9223372036854775807.5", "INCRBYFLOAT j -0.5"),
		C("incrbyfloat subnormal", "INCRBYFLOAT k 3.6e-4951", "INCRBYFLOAT j 1e-4940", "INCRBYFLOAT q 1e-4960"),
		// LCS
		C("lcs", "MSET a ohmytext b mynewtext", "LCS a b", "LCS a b LEN", "LCS b a"),
		C("lcs idx", "MSET a ohmytext b mynewtext", "LCS a b IDX", "LCS a b IDX MINMATCHLEN 4", "LCS a b IDX WITHMATCHLEN", "LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN"),
		C("lcs missing keys", "LCS a b", "LCS a b LEN", "LCS a b IDX", "SET a abc", "LCS a b", "LCS b a IDX"),
		C("lcs errors", "MSET a x b y", "LCS a b LEN IDX", "LCS a b FOO", "LCS a b MINMATCHLEN", "LCS a b MINMATCHLEN x", "LCS a b MINMATCHLEN -5 IDX"),
		C("lcs wrong type", "HSET l f a", "SET a x", "LCS a l", "LCS l a", "LCS l l FOO"),
		C("lcs identical", "SET a abcdef", "LCS a a", "LCS a a IDX WITHMATCHLEN"),
		C("lcs no common", "MSET a abc b xyz", "LCS a b", "LCS a b IDX", "LCS a b LEN"),
		C("lcs binary", `MSET a "\x00\x01\x02\xff" b "\x01\xff\x00"`, "LCS a b", "LCS a b IDX"),
		C("lcs repeats", "MSET a aaaaab b abababab", "LCS a b", "LCS a b IDX WITHMATCHLEN"),
		// encodings
		C("encodings", "SET a 123", "SET b abc", "SET c "+big, "SET d -9223372036854775808", "SET e 9223372036854775808", "SET f 0123",
			"OBJECT ENCODING a", "OBJECT ENCODING b", "OBJECT ENCODING c", "OBJECT ENCODING d", "OBJECT ENCODING e", "OBJECT ENCODING f"),
		C("encoding embstr limit", "SET a "+strings.Repeat("a", 44), "SET b "+strings.Repeat("b", 45), "OBJECT ENCODING a", "OBJECT ENCODING b"),
		C("encoding after append", "SET a abc", "APPEND a d", "OBJECT ENCODING a", "APPEND n 12", "OBJECT ENCODING n"),
		C("refcount", "SET a 100", "SET b 10000", "SET c abc", "SET d -1", "OBJECT REFCOUNT a", "OBJECT REFCOUNT b", "OBJECT REFCOUNT c", "OBJECT REFCOUNT d"),
		C("set get keepttl", "SET k a EX 100", "SET k b GET KEEPTTL", "TTL k", "GET k"),
		C("set nx expired", "SET k a PX 20", "@sleep 50", "SET k b NX", "GET k"),
		C("set xx expired", "SET k a PX 20", "@sleep 50", "SET k b XX", "EXISTS k"),
		C("set pxat exact now past", "SET k v PXAT 1000", "EXISTS k", "SET k v EXAT 1000", "EXISTS k"),
		C("set get on expired", "SET k a PX 20", "@sleep 50", "SET k b GET", "GET k"),
		C("setex value binary", `SETEX k 100 "\x00\xff"`, "GET k", "STRLEN k"),
		C("msetnx expired key", "SET a 1 PX 20", "@sleep 50", "MSETNX a 2 b 3", "MGET a b"),
		C("mget many", "MSET a 1 b 2", "MGET a b a b nokey a"),
		C("getrange big indexes", "SET k abcdef", "GETRANGE k 2 9223372036854775807", "GETRANGE k -9223372036854775808 2", "GETRANGE k 6 6", "GETRANGE k 5 5"),
		C("getrange binary", `SET k "\x00\x01\x02\xff"`, "GETRANGE k 1 2", "GETRANGE k -1 -1"),
		C("setrange binary", "SET k abc", `SETRANGE k 1 "\x00\xff"`, "GET k", "STRLEN k"),
		C("setrange at end", "SET k abc", "SETRANGE k 3 def", "GET k", "SETRANGE k 0 xyzxyzxyz", "GET k"),
		C("setrange empty key value", `SET k ""`, "SETRANGE k 0 ''", "SETRANGE k 2 a", "GET k"),
		C("append to empty", `SET k ""`, "APPEND k abc", "OBJECT ENCODING k"),
		C("incr on empty string", `SET k ""`, "INCR k", "INCRBYFLOAT k 1"),
		C("incr negative zero result", "SET k -1", "INCR k", "GET k", "OBJECT ENCODING k"),
		C("incrbyfloat exponent output", "INCRBYFLOAT k 1e20", "INCRBYFLOAT k 1e-3", "INCRBYFLOAT j -1e20", "INCRBYFLOAT q 12345678.87654321"),
		C("incrbyfloat on int-like", "SET k 10", "INCRBYFLOAT k -10", "GET k", "INCRBYFLOAT k 0", "OBJECT ENCODING k", "INCR k"),
		C("incrbyfloat then incr", "INCRBYFLOAT k 1.5", "INCR k", "INCRBYFLOAT k 0.5", "INCR k", "GET k"),
		C("incrbyfloat long string", "SET k "+strings.Repeat("1", 100), "INCRBYFLOAT k 1", "SET j 1."+strings.Repeat("0", 200)+"1", "INCRBYFLOAT j 0"),
		C("incrbyfloat embedded nul", `INCRBYFLOAT k "1\x00abc"`, `SET j "2\x00x"`, "INCRBYFLOAT j 1"),
		C("lcs long", "SET a "+strings.Repeat("ab", 50), "SET b "+strings.Repeat("ba", 50), "LCS a b LEN", "LCS a b IDX MINMATCHLEN 10"),
		C("lcs empty", `SET a ""`, "SET b abc", "LCS a b", "LCS a b IDX", "LCS a b LEN"),
		C("lcs minmatchlen only", "MSET a ohmytext b mynewtext", "LCS a b MINMATCHLEN 2", "LCS a b WITHMATCHLEN"),
		C("strlen after setbit", "SETBIT k 17 1", "STRLEN k", "GET k"),
		C("strings in multi", "MULTI", "SET k 1", "INCR k", "INCRBYFLOAT k 1.5", "GET k", "EXEC"),
	})
}

// INCRBYFLOAT on many random operands gives exactly Redis's result: the
// x87 long double parsing, addition and "%.17Lf" formatting are emulated
// bit for bit.
func TestIncrByFloatRandom(t *testing.T) {
	floatIncrRandom(t, rand.New(rand.NewPCG(1, 2)),
		func(key, v string) []string { return []string{"SET", key, v} },
		func(key, op string) []string { return []string{"INCRBYFLOAT", key, op} })
}

// floatIncrRandom runs 400 float increments with random operands (decimals
// short and long, exponents across the long double range, integers near
// 2^64, hexadecimal, values that stress rounding at 17 decimals) on seven
// keys, re-seeded with set every 20 steps, and fails at the first reply
// that differs from Redis's.
func floatIncrRandom(t *testing.T, rng *rand.Rand, set, incr func(key, v string) []string) {
	testserver.SkipOrFail(t, redis)
	sc, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	rc, err := testserver.Dial(redis.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	operand := func() string {
		switch rng.IntN(6) {
		case 0: // short decimals, the common case
			return strconv.FormatFloat((rng.Float64()-0.5)*1000, 'f', rng.IntN(6), 64)
		case 1: // many digits
			return strconv.FormatFloat(rng.NormFloat64()*1e6, 'f', 10+rng.IntN(15), 64)
		case 2: // exponents across the long double range
			return fmt.Sprintf("%de%d", rng.IntN(2000)-1000, rng.IntN(9800)-4900)
		case 3: // integers near 2^63 and 2^64
			return strconv.FormatUint(rng.Uint64()>>uint(rng.IntN(3)), 10)
		case 4: // hexadecimal
			return fmt.Sprintf("0x%x.%xp%d", rng.Uint32(), rng.Uint32()&0xfff, rng.IntN(200)-100)
		default: // tiny values that stress rounding at 17 decimals
			return fmt.Sprintf("%d.%018d", rng.IntN(3), rng.Uint64()%1e18)
		}
	}
	for i := 0; i < 400; i++ {
		key := "f" + strconv.Itoa(i%7)
		if i%20 == 0 {
			start := operand()
			for _, c := range []*testserver.Conn{sc, rc} {
				c.Do(set(key, start)...)
			}
		}
		cmd := incr(key, operand())
		got, err := sc.Do(cmd...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rc.Do(cmd...)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%q:\nsundial: %q\nredis:   %q", cmd, got, want)
		}
	}
}
