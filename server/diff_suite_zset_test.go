package server_test

import (
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Scenarios of Redis's tests/unit/type/zset.tcl, as differential cases:
// every command goes to sundial and to redis-server and the raw replies
// must match, in RESP2 and RESP3.

// zsEncodings are the two sorted-set encodings the suite runs its basics
// under, with the configuration that selects each.
var zsEncodings = []struct{ name, entries, value string }{
	{"listpack", "128", "64"},
	{"skiplist", "0", "0"},
}

// zsEnc wraps a case so it runs under the given encoding configuration and
// restores the defaults afterwards.
func zsEnc(enc, entries, value, name string, cmds ...string) testserver.Case {
	all := []string{
		"CONFIG SET zset-max-ziplist-entries " + entries,
		"CONFIG SET zset-max-ziplist-value " + value,
	}
	all = append(all, cmds...)
	all = append(all, "CONFIG SET zset-max-ziplist-entries 128", "CONFIG SET zset-max-ziplist-value 64")
	return C(name+" - "+enc, all...)
}

// zsDefault is create_default_zset of the suite.
const zsDefault = "ZADD zset -inf a 1 b 2 c 3 d 4 e 5 f +inf g"

// zsDefaultLex is create_default_lex_zset of the suite.
const zsDefaultLex = "ZADD zset 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega"

// zsBasics is the body of the suite's "basics" proc, for one encoding.
func zsBasics(enc, entries, value string) []testserver.Case {
	e := func(name string, cmds ...string) testserver.Case { return zsEnc(enc, entries, value, name, cmds...) }
	var cs []testserver.Case
	add := func(c ...testserver.Case) { cs = append(cs, c...) }

	add(
		e("Check encoding", "ZADD ztmp 10 x", "OBJECT ENCODING ztmp"),
		e("basic ZADD and score update", "ZADD ztmp 10 x", "ZADD ztmp 20 y", "ZADD ztmp 30 z", "ZRANGE ztmp 0 -1", "ZADD ztmp 1 y", "ZRANGE ztmp 0 -1", "OBJECT ENCODING ztmp"),
		e("NaN with ZADD and ZINCRBY", "ZADD myzset nan abc", "ZINCRBY myzset nan abc", "EXISTS myzset"),
		e("ZADD options syntax error with incomplete pair", "ZADD ztmp xx 10 x 20", "EXISTS ztmp"),
		e("ZADD XX option without key", "ZADD ztmp xx 10 x", "TYPE ztmp"),
		e("ZADD XX existing key", "ZADD ztmp 10 x", "ZADD ztmp xx 20 y", "ZCARD ztmp"),
		e("ZADD XX returns added", "ZADD ztmp 10 x", "ZADD ztmp 10 x 20 y 30 z"),
		e("ZADD XX updates existing", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp xx 5 foo 11 x 21 y 40 zap", "ZCARD ztmp", "ZSCORE ztmp x", "ZSCORE ztmp y"),
		e("ZADD GT", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp gt ch 5 foo 11 x 21 y 29 z", "ZCARD ztmp", "ZRANGE ztmp 0 -1 WITHSCORES"),
		e("ZADD LT", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp lt ch 5 foo 11 x 21 y 29 z", "ZCARD ztmp", "ZRANGE ztmp 0 -1 WITHSCORES"),
		e("ZADD GT XX", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp gt xx ch 5 foo 11 x 21 y 29 z", "ZCARD ztmp", "ZRANGE ztmp 0 -1 WITHSCORES"),
		e("ZADD LT XX", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp lt xx ch 5 foo 11 x 21 y 29 z", "ZCARD ztmp", "ZRANGE ztmp 0 -1 WITHSCORES"),
		e("ZADD XX and NX not compatible", "ZADD ztmp xx nx 10 x", "ZADD ztmp nx xx 10 x", "EXISTS ztmp"),
		e("ZADD NX with non existing key", "ZADD ztmp nx 10 x 20 y 30 z", "ZCARD ztmp"),
		e("ZADD NX only adds new", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp nx 11 x 21 y 100 a 200 b", "ZRANGE ztmp 0 -1 WITHSCORES"),
		e("ZADD GT/LT and NX not compatible", "ZADD ztmp gt nx 10 x", "ZADD ztmp lt nx 10 x", "ZADD ztmp lt gt 10 x", "ZADD ztmp gt lt nx xx 10 x", "EXISTS ztmp"),
		e("ZADD INCR LT/GT nil if not updated", "ZADD ztmp 28 x", "ZADD ztmp lt incr 1 x", "ZSCORE ztmp x", "ZADD ztmp gt incr -1 x", "ZSCORE ztmp x", "ZADD ztmp gt incr 1 x", "ZADD ztmp lt incr -2 x", "ZSCORE ztmp x"),
		e("ZADD INCR LT/GT with inf", "ZADD ztmp +inf x -inf y",
			"ZADD ztmp lt incr 1 x", "ZSCORE ztmp x", "ZADD ztmp gt incr -1 x", "ZSCORE ztmp x",
			"ZADD ztmp lt incr -1 x", "ZSCORE ztmp x", "ZADD ztmp gt incr 1 x", "ZSCORE ztmp x",
			"ZADD ztmp lt incr 1 y", "ZSCORE ztmp y", "ZADD ztmp gt incr -1 y", "ZSCORE ztmp y",
			"ZADD ztmp lt incr -1 y", "ZSCORE ztmp y", "ZADD ztmp gt incr 1 y", "ZSCORE ztmp y"),
		e("ZADD INCR works like ZINCRBY", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp INCR 15 x", "ZSCORE ztmp x", "ZADD ztmp INCR 1 new", "ZADD ztmp NX INCR 1 x", "ZADD ztmp XX INCR 1 nope", "ZSCORE ztmp new"),
		e("ZADD INCR single pair", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp INCR 15 x 10 y", "ZSCORE ztmp x"),
		e("ZADD CH", "ZADD ztmp 10 x 20 y 30 z", "ZADD ztmp 11 x 21 y 30 z", "ZADD ztmp ch 12 x 22 y 30 z", "ZADD ztmp ch ch 13 x", "ZADD ztmp CH XX GT 14 x 1 y"),
		e("ZINCRBY leading to NaN", "ZINCRBY myzset +inf abc", "ZINCRBY myzset -inf abc", "ZSCORE myzset abc", "ZADD myzset INCR -inf abc"),
		e("ZADD variadic base case", "ZADD myzset 10 a 20 b 30 c", "ZRANGE myzset 0 -1 withscores", "ZADD myzset 5 x 20 b 30 c", "ZRANGE myzset 0 -1 withscores"),
		e("ZADD variadic parsing err", "ZADD myzset 10 a 20 b 30.badscore c", "EXISTS myzset", "ZADD myzset 10 a 20 b 30 c 40", "EXISTS myzset"),
		e("ZINCRBY not variadic", "ZINCRBY myzset 10 a 20 b 30 c", "ZINCRBY myzset 10", "ZINCRBY myzset"),
		e("ZCARD basics", "ZADD ztmp 10 a 20 b 30 c", "ZCARD ztmp", "ZCARD zdoesntexist"),
		e("ZREM removes key after last", "ZADD ztmp 10 x", "ZADD ztmp 20 y", "EXISTS ztmp", "ZREM ztmp z", "ZREM ztmp y", "ZREM ztmp x", "EXISTS ztmp"),
		e("ZREM variadic", "ZADD ztmp 10 a 20 b 30 c", "ZREM ztmp x y a b k", "ZREM ztmp foo bar", "ZREM ztmp c", "EXISTS ztmp",
			"ZADD ztmp 10 a 20 b 30 c", "ZREM ztmp a b c d e f g", "EXISTS ztmp"),
	)

	rng := []string{"ZADD ztmp 1 a", "ZADD ztmp 2 b", "ZADD ztmp 3 c", "ZADD ztmp 4 d"}
	ranges := [][2]string{{"0", "-1"}, {"0", "-2"}, {"1", "-1"}, {"1", "-2"}, {"-2", "-1"}, {"-2", "-2"},
		{"-5", "2"}, {"-5", "1"}, {"5", "-1"}, {"5", "-2"}, {"0", "5"}, {"1", "5"}, {"0", "-5"}, {"1", "-5"}}
	for _, cmd := range []string{"ZRANGE", "ZREVRANGE"} {
		cmds := append([]string(nil), rng...)
		for _, r := range ranges {
			cmds = append(cmds, fmt.Sprintf("%s ztmp %s %s", cmd, r[0], r[1]))
		}
		cmds = append(cmds, cmd+" ztmp 0 -1 withscores", cmd+" ztmp 0 -1 WITHSCORES")
		add(e(cmd+" basics", cmds...))
	}

	add(
		e("ZRANK/ZREVRANK basics", "ZADD zranktmp 10 x", "ZADD zranktmp 20 y", "ZADD zranktmp 30 z",
			"ZRANK zranktmp x", "ZRANK zranktmp y", "ZRANK zranktmp z", "ZRANK zranktmp foo",
			"ZREVRANK zranktmp x", "ZREVRANK zranktmp y", "ZREVRANK zranktmp z", "ZREVRANK zranktmp foo",
			// WITHSCORE is 7.2+: both must reject it the same way.
			"ZRANK zranktmp x withscore", "ZREVRANK zranktmp foo withscore",
			"ZREM zranktmp y", "ZRANK zranktmp x", "ZRANK zranktmp z", "ZRANK nokey x"),
		e("ZINCRBY can create a new sorted set", "ZINCRBY zset 1 foo", "ZRANGE zset 0 -1", "ZSCORE zset foo", "OBJECT ENCODING zset"),
		e("ZINCRBY increment and decrement", "ZINCRBY zset 1 foo", "ZINCRBY zset 2 foo", "ZINCRBY zset 1 bar", "ZRANGE zset 0 -1",
			"ZINCRBY zset 10 bar", "ZINCRBY zset -5 foo", "ZINCRBY zset -5 bar", "ZRANGE zset 0 -1", "ZSCORE zset foo", "ZSCORE zset bar"),
		e("ZINCRBY return value", "ZINCRBY ztmp 1.0 x", "ZINCRBY ztmp 0.1 x", "ZINCRBY ztmp 1e300 x", "ZINCRBY ztmp 1e308 x", "ZINCRBY ztmp 1e308 x"),
		e("ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZCOUNT basics", zsDefault,
			"ZRANGEBYSCORE zset -inf 2", "ZRANGEBYSCORE zset 0 3", "ZRANGEBYSCORE zset 3 6", "ZRANGEBYSCORE zset 4 +inf",
			"ZREVRANGEBYSCORE zset 2 -inf", "ZREVRANGEBYSCORE zset 3 0", "ZREVRANGEBYSCORE zset 6 3", "ZREVRANGEBYSCORE zset +inf 4",
			"ZCOUNT zset 0 3",
			"ZRANGEBYSCORE zset (-inf (2", "ZRANGEBYSCORE zset (0 (3", "ZRANGEBYSCORE zset (3 (6", "ZRANGEBYSCORE zset (4 (+inf",
			"ZREVRANGEBYSCORE zset (2 (-inf", "ZREVRANGEBYSCORE zset (3 (0", "ZREVRANGEBYSCORE zset (6 (3", "ZREVRANGEBYSCORE zset (+inf (4",
			"ZCOUNT zset (0 (3",
			"ZREM zset a", "ZREM zset g",
			"ZRANGEBYSCORE zset 4 2", "ZRANGEBYSCORE zset 6 +inf", "ZRANGEBYSCORE zset -inf -6", "ZREVRANGEBYSCORE zset +inf 6", "ZREVRANGEBYSCORE zset -6 -inf",
			"ZRANGEBYSCORE zset (4 (2", "ZRANGEBYSCORE zset 2 (2", "ZRANGEBYSCORE zset (2 2", "ZRANGEBYSCORE zset (6 (+inf", "ZRANGEBYSCORE zset (-inf (-6",
			"ZREVRANGEBYSCORE zset (+inf (6", "ZREVRANGEBYSCORE zset (-6 (-inf",
			"ZRANGEBYSCORE zset 2.4 2.6", "ZRANGEBYSCORE zset (2.4 2.6", "ZRANGEBYSCORE zset 2.4 (2.6", "ZRANGEBYSCORE zset (2.4 (2.6",
			"ZCOUNT zset (2.4 (2.6", "ZCOUNT zset 4 2", "ZCOUNT zset -inf +inf", "ZCOUNT nokey 0 1"),
		e("ZRANGEBYSCORE with WITHSCORES", zsDefault, "ZRANGEBYSCORE zset 0 3 withscores", "ZREVRANGEBYSCORE zset 3 0 withscores", "ZRANGEBYSCORE zset -inf +inf WITHSCORES"),
		e("ZRANGEBYSCORE with LIMIT", zsDefault,
			"ZRANGEBYSCORE zset 0 10 LIMIT 0 2", "ZRANGEBYSCORE zset 0 10 LIMIT 2 3", "ZRANGEBYSCORE zset 0 10 LIMIT 2 10", "ZRANGEBYSCORE zset 0 10 LIMIT 20 10",
			"ZREVRANGEBYSCORE zset 10 0 LIMIT 0 2", "ZREVRANGEBYSCORE zset 10 0 LIMIT 2 3", "ZREVRANGEBYSCORE zset 10 0 LIMIT 2 10", "ZREVRANGEBYSCORE zset 10 0 LIMIT 20 10",
			"ZRANGEBYSCORE zset 0 10 LIMIT 0 -1", "ZRANGEBYSCORE zset 0 10 LIMIT -1 2", "ZRANGEBYSCORE zset 0 10 LIMIT 1 0", "ZRANGEBYSCORE zset 0 10 LIMIT 1", "ZRANGEBYSCORE zset 0 10 LIMIT a 1"),
		e("ZRANGEBYSCORE with LIMIT and WITHSCORES", zsDefault,
			"ZRANGEBYSCORE zset 2 5 LIMIT 2 3 WITHSCORES", "ZREVRANGEBYSCORE zset 5 2 LIMIT 2 3 WITHSCORES", "ZRANGEBYSCORE zset 2 5 LIMIT 12 13 WITHSCORES",
			"ZRANGEBYSCORE zset 2 5 WITHSCORES LIMIT 1 1"),
		e("ZRANGEBYSCORE with non-value min or max", "ZRANGEBYSCORE fooz str 1", "ZRANGEBYSCORE fooz 1 str", "ZRANGEBYSCORE fooz 1 NaN",
			"ZRANGEBYSCORE fooz ( 1", "ZRANGEBYSCORE fooz (nan 1", "ZRANGEBYSCORE fooz \"\" 1", "ZCOUNT fooz str 1", "ZREVRANGEBYSCORE fooz 1 str"),
		e("ZRANGEBYLEX/ZREVRANGEBYLEX/ZLEXCOUNT basics", zsDefaultLex,
			"ZRANGEBYLEX zset - [cool", "ZRANGEBYLEX zset [bar [down", "ZRANGEBYLEX zset [g +",
			"ZREVRANGEBYLEX zset [cool -", "ZREVRANGEBYLEX zset [down [bar", "ZREVRANGEBYLEX zset + [d", "ZLEXCOUNT zset [ele [h",
			"ZRANGEBYLEX zset - (cool", "ZRANGEBYLEX zset (bar (down", "ZRANGEBYLEX zset (great +",
			"ZREVRANGEBYLEX zset (cool -", "ZREVRANGEBYLEX zset (down (bar", "ZREVRANGEBYLEX zset + (great", "ZLEXCOUNT zset (ele (great",
			"ZRANGEBYLEX zset (az (b", "ZRANGEBYLEX zset (z +", "ZRANGEBYLEX zset - [aaaa", "ZREVRANGEBYLEX zset [elez [elex", "ZREVRANGEBYLEX zset (hill (omega"),
		e("ZLEXCOUNT advanced", zsDefaultLex,
			"ZLEXCOUNT zset - +", "ZLEXCOUNT zset + -", "ZLEXCOUNT zset + [c", "ZLEXCOUNT zset [c -", "ZLEXCOUNT zset [bar +",
			"ZLEXCOUNT zset [bar [foo", "ZLEXCOUNT zset [bar (foo", "ZLEXCOUNT zset (bar [foo", "ZLEXCOUNT zset (bar (foo",
			"ZLEXCOUNT zset - (foo", "ZLEXCOUNT zset (maxstring +", "ZLEXCOUNT nokey - +", "ZLEXCOUNT zset foo bar"),
		e("ZRANGEBYLEX with LIMIT", zsDefaultLex,
			"ZRANGEBYLEX zset - [cool LIMIT 0 2", "ZRANGEBYLEX zset - [cool LIMIT 1 2", "ZRANGEBYLEX zset [bar [down LIMIT 0 0",
			"ZRANGEBYLEX zset [bar [down LIMIT 2 0", "ZRANGEBYLEX zset [bar [down LIMIT 0 1", "ZRANGEBYLEX zset [bar [down LIMIT 1 1",
			"ZRANGEBYLEX zset [bar [down LIMIT 0 100", "ZREVRANGEBYLEX zset + [d LIMIT 0 5", "ZREVRANGEBYLEX zset + [d LIMIT 0 4",
			"ZRANGEBYLEX zset - + LIMIT 2 -1", "ZRANGEBYLEX zset - + LIMIT -2 1", "ZRANGEBYLEX zset - + WITHSCORES", "ZRANGEBYLEX zset - + LIMIT 1"),
		e("ZRANGEBYLEX with invalid lex range specifiers", "ZRANGEBYLEX fooz foo bar", "ZRANGEBYLEX fooz [foo bar", "ZRANGEBYLEX fooz foo [bar",
			"ZRANGEBYLEX fooz +x [bar", "ZRANGEBYLEX fooz -x [bar", "ZREVRANGEBYLEX fooz foo bar", "ZLEXCOUNT fooz +x -", "ZREMRANGEBYLEX fooz a b", "ZRANGEBYLEX fooz \"\" +"),
	)

	remScore := func(min, max string) []string {
		return []string{"DEL zset", "ZADD zset 1 a 2 b 3 c 4 d 5 e", "ZREMRANGEBYSCORE zset " + min + " " + max, "ZRANGE zset 0 -1", "EXISTS zset"}
	}
	var rs []string
	for _, p := range [][2]string{{"2", "4"}, {"-10", "1"}, {"5", "10"}, {"4", "2"}, {"-inf", "3"}, {"3", "+inf"}, {"-inf", "+inf"},
		{"(1", "5"}, {"(2", "5"}, {"1", "(5"}, {"1", "(4"}, {"(1", "(5"}, {"1", "5"}} {
		rs = append(rs, remScore(p[0], p[1])...)
	}
	add(e("ZREMRANGEBYSCORE basics", rs...))
	add(e("ZREMRANGEBYSCORE with non-value min or max", "ZREMRANGEBYSCORE fooz str 1", "ZREMRANGEBYSCORE fooz 1 str", "ZREMRANGEBYSCORE fooz 1 NaN"))

	var rr []string
	for _, p := range [][2]string{{"1", "3"}, {"-10", "0"}, {"10", "-1"}, {"0", "-10"}, {"0", "10"}, {"0", "4"}, {"-1", "-1"}, {"2", "1"}} {
		rr = append(rr, "DEL zset", "ZADD zset 1 a 2 b 3 c 4 d 5 e", "ZREMRANGEBYRANK zset "+p[0]+" "+p[1], "ZRANGE zset 0 -1", "EXISTS zset")
	}
	rr = append(rr, "ZREMRANGEBYRANK zset a 1", "ZREMRANGEBYRANK nokey 0 1")
	add(e("ZREMRANGEBYRANK basics", rr...))

	var rl []string
	for _, p := range [][2]string{{"-", "[cool"}, {"[bar", "[down"}, {"[g", "+"}, {"-", "(cool"}, {"(bar", "(down"}, {"(great", "+"},
		{"(az", "(b"}, {"(z", "+"}, {"-", "[aaaa"}, {"-", "+"}} {
		rl = append(rl, "DEL zset", zsDefaultLex, "ZREMRANGEBYLEX zset "+p[0]+" "+p[1], "ZRANGE zset 0 -1", "ZCARD zset", "EXISTS zset")
	}
	add(e("ZREMRANGEBYLEX basics", rl...))

	setAB := []string{"ZADD zseta{t} 1 a 2 b 3 c", "ZADD zsetb{t} 1 b 2 c 3 d"}
	withAB := func(cmds ...string) []string { return append(append([]string(nil), setAB...), cmds...) }
	add(
		e("ZUNIONSTORE against non-existing key", "ZUNIONSTORE dst_key{t} 1 zseta{t}", "EXISTS dst_key{t}",
			"SET dst_key{t} x", "ZUNIONSTORE dst_key{t} 1 zseta{t}", "EXISTS dst_key{t}"),
		e("ZUNION/ZINTER/ZINTERCARD/ZDIFF against non-existing key", "ZUNION 1 zseta", "ZINTER 1 zseta", "ZINTERCARD 1 zseta", "ZINTERCARD 1 zseta limit 0", "ZDIFF 1 zseta"),
		e("ZUNIONSTORE with empty set", "ZADD zseta{t} 1 a", "ZADD zseta{t} 2 b", "ZUNIONSTORE zsetc{t} 2 zseta{t} zsetb{t}", "ZRANGE zsetc{t} 0 -1 withscores", "OBJECT ENCODING zsetc{t}"),
		e("ZUNION/ZINTER/ZINTERCARD/ZDIFF with empty set", "ZADD zseta{t} 1 a", "ZADD zseta{t} 2 b",
			"ZUNION 2 zseta{t} zsetb{t} withscores", "ZINTER 2 zseta{t} zsetb{t} withscores", "ZINTERCARD 2 zseta{t} zsetb{t}",
			"ZINTERCARD 2 zseta{t} zsetb{t} limit 0", "ZDIFF 2 zseta{t} zsetb{t} withscores"),
		e("ZUNIONSTORE basics", withAB("ZUNIONSTORE zsetc{t} 2 zseta{t} zsetb{t}", "ZRANGE zsetc{t} 0 -1 withscores", "OBJECT ENCODING zsetc{t}")...),
		e("ZUNION/ZINTER/ZINTERCARD/ZDIFF with integer members", "ZADD zsetd{t} 1 1 2 2 3 3", "ZADD zsetf{t} 1 1 3 3 4 4",
			"ZUNION 2 zsetd{t} zsetf{t} withscores", "ZINTER 2 zsetd{t} zsetf{t} withscores", "ZINTERCARD 2 zsetd{t} zsetf{t}",
			"ZINTERCARD 2 zsetd{t} zsetf{t} limit 0", "ZDIFF 2 zsetd{t} zsetf{t} withscores"),
		e("ZUNIONSTORE with weights", withAB("ZUNIONSTORE zsetc{t} 2 zseta{t} zsetb{t} weights 2 3", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZUNION 2 zseta{t} zsetb{t} weights 2 3 withscores", "ZINTER 2 zseta{t} zsetb{t} weights 2 3 withscores")...),
		e("ZUNIONSTORE with a regular set and weights", withAB("SADD seta{t} a b c", "ZUNIONSTORE zsetc{t} 2 seta{t} zsetb{t} weights 2 3", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZINTERSTORE zsetc{t} 2 seta{t} zsetb{t} weights 2 3", "ZRANGE zsetc{t} 0 -1 withscores")...),
		e("ZUNIONSTORE with AGGREGATE MIN/MAX", withAB("ZUNIONSTORE zsetc{t} 2 zseta{t} zsetb{t} aggregate min", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZUNION 2 zseta{t} zsetb{t} aggregate min withscores", "ZINTER 2 zseta{t} zsetb{t} aggregate min withscores",
			"ZUNIONSTORE zsetc{t} 2 zseta{t} zsetb{t} aggregate max", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZUNION 2 zseta{t} zsetb{t} aggregate max withscores", "ZINTER 2 zseta{t} zsetb{t} aggregate max withscores",
			"ZUNION 2 zseta{t} zsetb{t} aggregate sum withscores", "ZUNION 2 zseta{t} zsetb{t} aggregate avg withscores", "ZUNION 2 zseta{t} zsetb{t} aggregate")...),
		e("ZINTERSTORE basics", withAB("ZINTERSTORE zsetc{t} 2 zseta{t} zsetb{t}", "ZRANGE zsetc{t} 0 -1 withscores", "ZINTER 2 zseta{t} zsetb{t} withscores",
			"ZINTER 2 zseta{t} zsetb{t}", "ZINTERSTORE zsetc{t} 2 zseta{t} zsetb{t} weights 2 3", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZINTERSTORE zsetc{t} 2 zseta{t} zsetb{t} aggregate min", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZINTERSTORE zsetc{t} 2 zseta{t} zsetb{t} aggregate max", "ZRANGE zsetc{t} 0 -1 withscores")...),
		e("ZINTERCARD with illegal arguments", withAB("ZINTERCARD 1 zseta{t} zseta{t}", "ZINTERCARD 1 zseta{t} bar_arg", "ZINTERCARD 1 zseta{t} LIMIT",
			"ZINTERCARD 1 myset{t} LIMIT -1", "ZINTERCARD 1 myset{t} LIMIT a", "ZINTERCARD 1 zseta{t} LIMIT 1 LIMIT 2", "ZINTERCARD 2 zseta{t}", "ZINTERCARD a zseta{t}",
			"ZINTERCARD -1 zseta{t}", "ZINTERCARD 1 zseta{t} LIMIT 9223372036854775808")...),
		e("ZINTERCARD basics", withAB("ZINTERCARD 2 zseta{t} zsetb{t}", "ZINTERCARD 2 zseta{t} zsetb{t} limit 0", "ZINTERCARD 2 zseta{t} zsetb{t} limit 1", "ZINTERCARD 2 zseta{t} zsetb{t} limit 10")...),
		e("ZINTER RESP3", withAB("!HELLO 3", "ZINTER 2 zseta{t} zsetb{t} withscores", "!HELLO 2", "ZINTER 2 zseta{t} zsetb{t} withscores")...),
		e("ZDIFFSTORE basics", withAB("ZDIFFSTORE zsetc{t} 2 zseta{t} zsetb{t}", "ZRANGE zsetc{t} 0 -1 withscores", "ZDIFF 2 zseta{t} zsetb{t} withscores",
			"SADD seta{t} a b c", "ZDIFFSTORE zsetc{t} 2 seta{t} zsetb{t}", "ZRANGE zsetc{t} 0 -1 withscores",
			"ZDIFFSTORE zsetc{t} 2 zseta{t} zseta{t}", "ZRANGE zsetc{t} 0 -1 withscores", "EXISTS zsetc{t}")...),
		e("ZDIFF algorithm 2", "ZADD zseta{t} 1 a 2 b 3 c 5 e", "ZADD zsetb{t} 1 b", "ZADD zsetc{t} 1 c", "ZADD zsetd{t} 1 d",
			"ZDIFFSTORE zsete{t} 4 zseta{t} zsetb{t} zsetc{t} zsetd{t}", "ZRANGE zsete{t} 0 -1 withscores", "ZDIFF 4 zseta{t} zsetb{t} zsetc{t} zsetd{t} WITHSCORES"),
		e("ZDIFF fuzzing", zsDiffFuzz(rand.New(rand.NewSource(7)))...),
	)

	for _, cmd := range []string{"ZUNIONSTORE", "ZINTERSTORE"} {
		add(
			e(cmd+" with +inf/-inf scores",
				"ZADD zsetinf1{t} +inf key", "ZADD zsetinf2{t} +inf key", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t}", "ZSCORE zsetinf3{t} key",
				"ZADD zsetinf1{t} -inf key", "ZADD zsetinf2{t} +inf key", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t}", "ZSCORE zsetinf3{t} key",
				"ZADD zsetinf1{t} +inf key", "ZADD zsetinf2{t} -inf key", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t}", "ZSCORE zsetinf3{t} key",
				"ZADD zsetinf1{t} -inf key", "ZADD zsetinf2{t} -inf key", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t}", "ZSCORE zsetinf3{t} key"),
			e(cmd+" with NaN weights", "ZADD zsetinf1{t} 1.0 key", "ZADD zsetinf2{t} 1.0 key",
				cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t} weights nan nan", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t} weights 1 x",
				cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t} weights 1", cmd+" zsetinf3{t} 2 zsetinf1{t} zsetinf2{t} weights 1 2 3", "EXISTS zsetinf3{t}"),
		)
	}

	for _, pop := range []string{"ZPOPMIN", "ZPOPMAX"} {
		add(
			e(pop+" with the count 0", "ZADD zset 1 a 2 b 3 c", pop+" zset 0", "ZCARD zset", pop+" nokey 0"),
			e(pop+" with negative count", "SET zset foo", pop+" zset -1", "DEL zset", pop+" zset -2", "ZADD zset 1 a 2 b 3 c", pop+" zset -3", pop+" zset x", pop+" zset 1 2"),
		)
	}
	add(
		e("Basic ZPOPMIN/ZPOPMAX with a single key", "ZPOPMIN zset", "ZADD zset -1 a 1 b 2 c 3 d 4 e",
			"ZPOPMIN zset", "ZPOPMIN zset", "ZPOPMAX zset", "ZPOPMAX zset", "ZPOPMIN zset", "EXISTS zset"),
		e("ZPOPMIN/ZPOPMAX with count", "ZPOPMIN z1 2", "ZADD z1 0 a 1 b 2 c 3 d", "ZPOPMIN z1 2", "ZPOPMAX z1 2", "ZPOPMAX z1 10", "EXISTS z1"),
		e("Basic ZMPOP_MIN/ZMPOP_MAX with a single key", "ZMPOP 1 zset MIN", "ZADD zset -1 a 1 b 2 c 3 d 4 e",
			"ZMPOP 1 zset MIN", "ZMPOP 1 zset MIN", "ZMPOP 1 zset MAX", "ZMPOP 1 zset MAX", "ZMPOP 1 zset MIN", "EXISTS zset"),
		e("ZMPOP_MIN/ZMPOP_MAX with count", "ZMPOP 1 z1 MIN COUNT 2", "ZADD z1 0 a 1 b 2 c 3 d", "ZMPOP 1 z1 MIN COUNT 2", "ZMPOP 1 z1 MAX COUNT 2", "EXISTS z1"),
		e("BZPOPMIN/BZPOPMAX with a single existing sorted set", "ZADD zset 0 a 1 b 2 c 3 d",
			"BZPOPMIN zset 5", "BZPOPMAX zset 5", "BZPOPMIN zset 5", "BZPOPMAX zset 5", "EXISTS zset"),
		e("BZMPOP with a single existing sorted set", "ZADD zset 0 a 1 b 2 c 3 d",
			"BZMPOP 5 1 zset MIN", "BZMPOP 5 1 zset MAX", "BZMPOP 5 1 zset MIN COUNT 1", "BZMPOP 5 1 zset MAX COUNT 5", "EXISTS zset"),
		e("BZPOPMIN/BZPOPMAX with multiple existing sorted sets", "ZADD z1{t} 0 a 1 b 2 c", "ZADD z2{t} 3 d 4 e 5 f",
			"BZPOPMIN z1{t} z2{t} 5", "BZPOPMAX z1{t} z2{t} 5", "ZCARD z1{t}", "ZCARD z2{t}",
			"BZPOPMAX z2{t} z1{t} 5", "BZPOPMIN z2{t} z1{t} 5", "ZCARD z1{t}", "ZCARD z2{t}",
			"BZMPOP 5 2 z1{t} z2{t} MIN", "BZMPOP 5 2 z2{t} z1{t} MAX COUNT 3"),
		e("BZPOPMIN/BZPOPMAX second sorted set has members", "ZADD z2{t} 3 d 4 e 5 f",
			"BZPOPMAX z1{t} z2{t} 5", "BZPOPMIN z1{t} z2{t} 5", "ZCARD z1{t}", "ZCARD z2{t}", "BZMPOP 5 2 z1{t} z2{t} MAX COUNT 10", "EXISTS z2{t}"),
	)
	return cs
}

// zsDiffFuzz builds the "ZDIFF fuzzing" scenario: random sets, ZDIFF of
// them all, compared unordered.
func zsDiffFuzz(r *rand.Rand) []string {
	var cmds []string
	for j := 0; j < 30; j++ {
		n := r.Intn(10) + 1
		keys := make([]string, n)
		for i := 0; i < n; i++ {
			keys[i] = fmt.Sprintf("zset_%d{t}", i)
			cmds = append(cmds, "DEL "+keys[i])
			m := r.Intn(40)
			if m == 0 {
				continue
			}
			var b strings.Builder
			b.WriteString("ZADD " + keys[i])
			for k := 0; k < m; k++ {
				fmt.Fprintf(&b, " %d %s", r.Intn(100), zsRandomValue(r))
			}
			cmds = append(cmds, b.String())
		}
		cmds = append(cmds, fmt.Sprintf("~ZDIFF %d %s", n, strings.Join(keys, " ")))
	}
	return cmds
}

// zsRandomValue mimics the suite's randomValue: small and big integers,
// floats and short strings.
func zsRandomValue(r *rand.Rand) string {
	switch r.Intn(4) {
	case 0:
		return strconv.Itoa(r.Intn(1000))
	case 1:
		return strconv.FormatInt(r.Int63()-r.Int63(), 10)
	case 2:
		return strconv.FormatFloat(r.Float64()*1000, 'g', -1, 64)
	default:
		return fmt.Sprintf("s%x", r.Int63n(1<<20))
	}
}

func TestDiffSuiteZSetBasics(t *testing.T) {
	var cases []testserver.Case
	for _, enc := range zsEncodings {
		cases = append(cases, zsBasics(enc.name, enc.entries, enc.value)...)
	}
	diff(t, cases)
}

func TestDiffSuiteZSetMisc(t *testing.T) {
	cases := []testserver.Case{
		C("ZPOP/ZMPOP against wrong type", "SET foo{t} bar",
			"ZPOPMIN foo{t}", "ZPOPMIN foo{t} 0", "ZPOPMAX foo{t}", "ZPOPMAX foo{t} 0", "ZPOPMIN foo{t} 2",
			"ZMPOP 1 foo{t} min", "ZMPOP 1 foo{t} max", "ZMPOP 1 foo{t} max count 200",
			"DEL foo{t}", "SET foo2{t} bar", "ZMPOP 2 foo{t} foo2{t} min", "ZMPOP 2 foo2{t} foo1{t} max count 1"),
		C("ZMPOP with illegal argument", "ZMPOP", "ZMPOP 1", "ZMPOP 1 myzset{t}",
			"ZMPOP 0 myzset{t} MIN", "ZMPOP a myzset{t} MIN", "ZMPOP -1 myzset{t} MAX",
			"ZMPOP 1 myzset{t} bad_where", "ZMPOP 1 myzset{t} MIN bar_arg", "ZMPOP 1 myzset{t} MAX MIN", "ZMPOP 1 myzset{t} COUNT",
			"ZMPOP 1 myzset{t} MAX COUNT 1 COUNT 2", "ZMPOP 2 myzset{t} myzset2{t} bad_arg",
			"ZMPOP 1 myzset{t} MIN COUNT 0", "ZMPOP 1 myzset{t} MAX COUNT a", "ZMPOP 1 myzset{t} MIN COUNT -1", "ZMPOP 2 myzset{t} myzset2{t} MAX COUNT -1",
			"ZMPOP 3 a b MIN", "ZMPOP 2147483648 a MIN", "ZMPOP 1 myzset{t} min count 9223372036854775808"),
		C("ZMPOP pops", "ZADD myzset{t} 1 one 2 two 3 three", "ZMPOP 1 myzset{t} min", "ZMPOP 1 myzset{t} max count 1",
			"ZMPOP 2 myzset{t} myzset2{t} min count 10", "ZMPOP 2 myzset{t} myzset2{t} max count 10",
			"ZADD myzset2{t} 1 one 2 two 3 three", "ZMPOP 2 myzset{t} myzset2{t} min count 2", "ZMPOP 2 myzset{t} myzset2{t} max count 1",
			"ZADD myzset{t} 1 one 2 two 3 three", "ZADD myzset2{t} 4 four 5 five 6 six",
			"ZMPOP 2 myzset{t} myzset2{t} min count 10", "ZMPOP 2 myzset{t} myzset2{t} max count 10", "EXISTS myzset{t} myzset2{t}"),
		C("ZPOPMIN/ZPOPMAX readraw", "ZADD zset2{t} 1 a 2 b 3 c 4 d 5 e", "ZPOPMIN zset{t}", "ZPOPMIN zset{t} 1",
			"ZPOPMIN zset2{t}", "ZPOPMAX zset2{t} 1", "ZPOPMAX zset2{t} 0"),
		C("BZPOPMIN/BZPOPMAX readraw", "ZADD zset2{t} 1 a 2 b 3 c 4 d 5 e", "BZPOPMIN zset{t} 0.01", "BZPOPMAX zset{t} 0.01", "BZPOPMIN zset1{t} zset2{t} 0.1"),
		C("ZMPOP readraw", "ZADD zset3{t} 1 a", "ZADD zset4{t} 1 a 2 b 3 c 4 d 5 e",
			"ZMPOP 1 zset{t} min", "ZMPOP 1 zset{t} max count 1", "ZMPOP 2 zset{t} zset2{t} min", "ZMPOP 2 zset{t} zset2{t} max count 1",
			"ZMPOP 1 zset3{t} max", "ZMPOP 2 zset3{t} zset4{t} min count 2"),
		C("BZMPOP readraw", "ZADD zset3{t} 1 a 2 b 3 c 4 d 5 e", "BZMPOP 0.01 1 zset{t} min", "BZMPOP 0.01 2 zset{t} zset2{t} max",
			"BZMPOP 0.1 2 zset3{t} zset4{t} min"),
		C("ZINTERSTORE regression with two sets, intset+hashtable", "SADD set1{t} a", "SADD set2{t} 10", "ZINTERSTORE set3{t} 2 set1{t} set2{t}", "EXISTS set3{t}"),
		C("ZUNIONSTORE regression, should not create NaN", "ZADD z{t} -inf neginf", "ZUNIONSTORE out{t} 1 z{t} weights 0", "ZRANGE out{t} 0 -1 withscores",
			"ZINTERSTORE out{t} 1 z{t} weights 0", "ZRANGE out{t} 0 -1 withscores", "ZUNION 1 z{t} weights 0 withscores"),
		C("ZINTERSTORE #516 regression", "SADD one{t} 100 101 102 103", "SADD two{t} 100 200 201 202", "ZADD three{t} 1 500 1 501 1 502 1 503 1 100",
			"ZINTERSTORE to_here{t} 3 one{t} two{t} three{t} WEIGHTS 0 0 1", "ZRANGE to_here{t} 0 -1 WITHSCORES"),
		C("ZUNIONSTORE result is sorted", zsUnionSorted(rand.New(rand.NewSource(11)))...),
		C("ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE error if using WITHSCORES", "ZADD zsetd{t} 1 a", "ZUNIONSTORE foo{t} 2 zsetd{t} zsetf{t} withscores",
			"ZINTERSTORE foo{t} 2 zsetd{t} zsetf{t} withscores", "ZDIFFSTORE foo{t} 2 zsetd{t} zsetf{t} withscores", "EXISTS foo{t}"),
		C("ZMSCORE", "ZADD zmscoretest 10 x", "ZADD zmscoretest 20 y", "ZMSCORE zmscoretest x y", "ZMSCORE zmscoretest x", "ZMSCORE zmscoretest x nope y",
			"ZMSCORE zmscoretest", "ZMSCORE nokey x y", "SET s v", "ZMSCORE s x"),
		C("ZSET commands don't accept the empty strings as valid score", `ZADD myzset "" abc`, `ZINCRBY myzset "" abc`, "EXISTS myzset"),
		C("zunionInterDiffGenericCommand at least 1 input key", "ZUNION 0 key{t}", "ZUNIONSTORE dst_key{t} 0 key{t}", "ZINTER 0 key{t}",
			"ZINTERSTORE dst_key{t} 0 key{t}", "ZDIFF 0 key{t}", "ZDIFFSTORE dst_key{t} 0 key{t}", "ZINTERCARD 0 key{t}",
			"ZUNION -1 key{t}", "ZUNION x key{t}", "ZUNION 3 a b", "ZDIFFSTORE d 2 a", "ZUNIONSTORE d 1 a weights", "ZINTER 1 a WITHSCORES WITHSCORES"),
		C("ZRANGESTORE family", "ZADD z1{t} 1 a 2 b 3 c 4 d", "ZRANGESTORE z2{t} z1{t} 0 -1", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGESTORE z2{t} z1{t} 1 2", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGESTORE z2{t} z1{t} [b [c BYLEX", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGESTORE z2{t} z1{t} 1 2 BYSCORE", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGESTORE z2{t} z1{t} 0 5 BYSCORE LIMIT 0 2", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGESTORE z2{t} z1{t} 5 0 BYSCORE REV LIMIT 0 2", "ZRANGE z2{t} 0 -1 withscores",
			"ZRANGE z1{t} 5 0 BYSCORE REV LIMIT 0 2 WITHSCORES",
			"ZRANGESTORE z2{t} missing{t} 0 -1", "EXISTS z2{t}",
			"ZADD z2{t} 1 a", "SET foo{t} bar", "ZRANGESTORE z2{t} foo{t} 0 -1", "ZRANGE z2{t} 0 -1",
			"ZRANGESTORE z2{t} z1{t} 5 6", "EXISTS z2{t}",
			"ZADD z2{t} 1 a", "ZRANGESTORE z2{t} z1{t} [f [g BYLEX", "EXISTS z2{t}",
			"ZADD z2{t} 1 a", "ZRANGESTORE z2{t} z1{t} 5 6 BYSCORE", "EXISTS z2{t}",
			"ZRANGE z1{t} [b [c BYLEX", "ZRANGE z1{t} (b + BYLEX REV", "ZRANGE z1{t} + (b BYLEX REV LIMIT 1 1",
			"ZRANGESTORE foo{t} z1{t} 0 0", "TYPE foo{t}"),
		C("ZRANGESTORE invalid syntax", "ZADD z1{t} 1 a 2 b 3 c 4 d", "ZRANGESTORE z2{t} z1{t} 0 -1 limit 1 2", "ZRANGESTORE z2{t} z1{t} 0 -1 WITHSCORES",
			"ZRANGE z1{t} 0 -1 limit 1 2", "ZRANGE z1{t} 0 -1 BYLEX WITHSCORES", "ZREVRANGE z1{t} 0 -1 BYSCORE", "ZRANGEBYSCORE z1{t} 0 -1 REV",
			"ZRANGE z1{t} 0 -1 BYSCORE BYLEX", "ZRANGE z1{t} a b", "ZRANGE z1{t} 0 1 REV REV", "ZRANGE z1{t} (1 2 BYSCORE LIMIT 0", "ZRANGE z1{t} 0 1 FOO",
			"ZRANGESTORE z2{t} z1{t} 0", "ZRANGE z1{t} 0 -1 LIMIT 0 1 BYSCORE WITHSCORES", "EXISTS z2{t}"),
		C("ZRANGESTORE with zset-max-listpack-entries 0", "CONFIG SET zset-max-listpack-entries 0", "ZADD z1{t} 1 a", "OBJECT ENCODING z1{t}",
			"ZRANGESTORE z2{t} z1{t} 0 -1", "OBJECT ENCODING z2{t}", "CONFIG SET zset-max-listpack-entries 128"),
		C("ZRANGESTORE with zset-max-listpack-entries 1", "CONFIG SET zset-max-listpack-entries 1", "ZADD z1{t} 1 a 2 b",
			"ZRANGESTORE z2{t} z1{t} 0 0", "OBJECT ENCODING z2{t}", "ZRANGESTORE z3{t} z1{t} 0 1", "OBJECT ENCODING z3{t}", "CONFIG SET zset-max-listpack-entries 128"),
		C("ZRANDMEMBER basics", "ZADD myzset 1 a 2 b 3 c", "!ZRANDMEMBER myzset", "!ZRANDMEMBER myzset 3 withscores", "!ZRANDMEMBER myzset 3",
			"ZRANDMEMBER myzset 0", "ZRANDMEMBER myzset 0 withscores", "ZRANDMEMBER nonexisting_key 100", "ZRANDMEMBER nonexisting_key",
			"ZRANDMEMBER nonexisting_key -5 WITHSCORES",
			"~ZRANDMEMBER myzset 10", "~ZRANDMEMBER myzset 3", "ZRANDMEMBER myzset 1 withscore", "ZRANDMEMBER myzset x", "ZRANDMEMBER myzset 1 2",
			"SET s v", "ZRANDMEMBER s", "ZRANDMEMBER s 1"),
		C("ZRANDMEMBER count overflow", "ZADD myzset 0 a", "ZRANDMEMBER myzset -9223372036854770000 withscores",
			"ZRANDMEMBER myzset -9223372036854775808 withscores", "ZRANDMEMBER myzset -9223372036854775808", "ZRANDMEMBER myzset 9223372036854775807 withscores",
			"ZRANDMEMBER myzset -4611686018427387904 withscores"),
		C("zset score double range", "ZADD zz 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.00000000000000000 dblmax",
			"OBJECT ENCODING zz", "ZSCORE zz dblmax", "ZINCRBY zz 1e308 dblmax", "ZADD zz 1e309 x", "ZADD zz -1e400 y", "ZRANGE zz 0 -1 WITHSCORES"),
	}
	cases = append(cases, zsSetAndZSet()...)
	for _, typ := range []string{"single", "multiple", "single_multiple"} {
		cmds := []string{"CONFIG SET zset-max-listpack-entries 64"}
		switch typ {
		case "single":
			for i := 0; i < 64; i++ {
				cmds = append(cmds, fmt.Sprintf("ZADD myzset %d %d", i, i))
			}
		case "single_multiple":
			cmds = append(cmds, "ZADD myzset 1 1")
			fallthrough
		case "multiple":
			var b strings.Builder
			b.WriteString("ZADD myzset")
			for i := 0; i < 128; i++ {
				fmt.Fprintf(&b, " %d", i)
			}
			cmds = append(cmds, b.String())
		}
		cmds = append(cmds, "OBJECT ENCODING myzset", "ZCARD myzset", "ZADD myzset 1 b", "OBJECT ENCODING myzset", "CONFIG SET zset-max-listpack-entries 128")
		cases = append(cases, C("ZADD overflows the maximum allowed elements in a listpack - "+typ, cmds...))
	}
	diff(t, cases)
}

// zsUnionSorted is "ZUNIONSTORE result is sorted": two 1000-member random
// ZADDs and their union.
func zsUnionSorted(r *rand.Rand) []string {
	var one, two strings.Builder
	one.WriteString("ZADD one{t}")
	two.WriteString("ZADD two{t}")
	for j := 0; j < 1000; j++ {
		fmt.Fprintf(&one, " %s %d", zsRandFloat(r), r.Intn(1000))
		fmt.Fprintf(&two, " %s %d", zsRandFloat(r), r.Intn(1000))
	}
	return []string{one.String(), two.String(), "ZCARD one{t}", "ZCARD two{t}", "ZUNIONSTORE dest{t} 2 one{t} two{t}",
		"ZRANGE dest{t} 0 -1 WITHSCORES", "OBJECT ENCODING dest{t}", "ZINTERSTORE dest{t} 2 one{t} two{t} AGGREGATE MAX", "ZRANGE dest{t} 0 -1 WITHSCORES",
		"ZDIFF 2 one{t} two{t} WITHSCORES", "ZUNION 2 one{t} two{t} WEIGHTS 0.5 -2 WITHSCORES"}
}

// zsRandFloat is Tcl's [expr rand()] as the suite sends it: a double in
// [0,1) with all its digits.
func zsRandFloat(r *rand.Rand) string {
	return strconv.FormatFloat(r.Float64(), 'g', 17, 64)
}

// zsSetAndZSet is "zunionInterDiffGenericCommand acts on SET and ZSET":
// every set encoding against every zset encoding.
func zsSetAndZSet() []testserver.Case {
	var cases []testserver.Case
	for _, setType := range []string{"intset", "listpack", "hashtable"} {
		for _, zType := range []string{"listpack", "skiplist"} {
			cmds := []string{"CONFIG SET set-max-intset-entries 512", "CONFIG SET zset-max-listpack-entries 128"}
			switch setType {
			case "intset":
				cmds = append(cmds, "SADD set_small{t} 1 2 3", "SADD set_big{t} 1 2 3 4 5")
			case "listpack":
				cmds = append(cmds, "SADD set_small{t} a 1 2 3", "SADD set_big{t} a 1 2 3 4 5", "SREM set_small{t} a", "SREM set_big{t} a")
			case "hashtable":
				cmds = append(cmds, "CONFIG SET set-max-intset-entries 0", "SADD set_small{t} 1 2 3", "SADD set_big{t} 1 2 3 4 5")
			}
			cmds = append(cmds, "OBJECT ENCODING set_small{t}")
			if zType == "skiplist" {
				cmds = append(cmds, "CONFIG SET zset-max-listpack-entries 0")
			}
			cmds = append(cmds, "ZADD zset_small{t} 1 1 2 2 3 3", "ZADD zset_big{t} 1 1 2 2 3 3 4 4 5 5", "OBJECT ENCODING zset_big{t}")
			for _, p := range [][2]string{{"set_small{t}", "zset_big{t}"}, {"set_big{t}", "zset_small{t}"}} {
				s, z := p[0], p[1]
				cmds = append(cmds,
					"~ZUNION 2 "+s+" "+z, "ZUNIONSTORE zset_dest{t} 2 "+s+" "+z, "ZRANGE zset_dest{t} 0 -1 WITHSCORES",
					"~ZINTER 2 "+s+" "+z, "ZINTERSTORE zset_dest{t} 2 "+s+" "+z, "ZINTERCARD 2 "+s+" "+z,
					"~ZDIFF 2 "+s+" "+z, "ZDIFFSTORE zset_dest{t} 2 "+s+" "+z, "~ZDIFF 2 "+z+" "+s, "ZINTER 2 "+z+" "+s+" WITHSCORES")
			}
			cmds = append(cmds, "CONFIG SET set-max-intset-entries 512", "CONFIG SET zset-max-listpack-entries 128")
			cases = append(cases, C("acts on SET and ZSET - "+setType+"/"+zType, cmds...))
		}
	}
	return cases
}

// zsStressEncodings are the stressers' configurations: the listpack run
// raises the entry limit so 128 elements stay a listpack.
var zsStressEncodings = []struct {
	name, entries, value string
	elements             int
}{
	{"listpack", "256", "64", 128},
	{"skiplist", "0", "0", 100},
}

// zsRandAlpha is the suite's [randstring 0 30 alpha].
func zsRandAlpha(r *rand.Rand) string {
	b := make([]byte, r.Intn(31))
	for i := range b {
		if r.Intn(2) == 0 {
			b[i] = byte('a' + r.Intn(26))
		} else {
			b[i] = byte('A' + r.Intn(26))
		}
	}
	return string(b)
}

// zsLexArg quotes a lex range bound so an empty string survives the
// command-line splitting.
func zsLexArg(prefix, s string) string { return `"` + prefix + s + `"` }

func TestDiffSuiteZSetStressers(t *testing.T) {
	var cases []testserver.Case
	for i, enc := range zsStressEncodings {
		r := rand.New(rand.NewSource(int64(100 + i)))
		n := enc.elements
		e := func(name string, cmds ...string) testserver.Case {
			return zsEnc(enc.name, enc.entries, enc.value, name, cmds...)
		}

		// ZSCORE / ZMSCORE: every random score must come back formatted
		// the same way.
		var sc []string
		all := []string{"ZMSCORE zscoretest"}
		for j := 0; j < n; j++ {
			sc = append(sc, fmt.Sprintf("ZADD zscoretest %s %d", zsRandFloat(r), j))
			all = append(all, strconv.Itoa(j))
		}
		sc = append(sc, "OBJECT ENCODING zscoretest")
		for j := 0; j < n; j++ {
			sc = append(sc, fmt.Sprintf("ZSCORE zscoretest %d", j))
		}
		sc = append(sc, strings.Join(all, " "), "ZRANGE zscoretest 0 -1 WITHSCORES")
		cases = append(cases, e("ZSCORE and ZMSCORE", sc...))

		// Sorting stresser: random and integer scores with random updates.
		for test := 0; test < 2; test++ {
			cmds := []string{"DEL myzset"}
			score := func() string {
				if test == 0 {
					return zsRandFloat(r)
				}
				return strconv.Itoa(r.Intn(10))
			}
			for j := 0; j < n; j++ {
				cmds = append(cmds, fmt.Sprintf("ZADD myzset %s %d", score(), j))
				if r.Float64() < .2 {
					cmds = append(cmds, fmt.Sprintf("ZADD myzset %s %d", score(), r.Intn(1000)))
				}
			}
			cmds = append(cmds, "OBJECT ENCODING myzset", "ZRANGE myzset 0 -1", "ZREVRANGE myzset 0 -1 WITHSCORES")
			cases = append(cases, e(fmt.Sprintf("ZSET sorting stresser %d", test), cmds...))
		}

		// ZRANGEBYSCORE fuzzy test.
		fz := []string{}
		for j := 0; j < n; j++ {
			fz = append(fz, fmt.Sprintf("ZADD zset %s %d", zsRandFloat(r), j))
		}
		fz = append(fz, "OBJECT ENCODING zset")
		for j := 0; j < 100; j++ {
			lo, hi := zsRandFloat(r), zsRandFloat(r)
			if a, _ := strconv.ParseFloat(lo, 64); a > mustFloat(hi) {
				lo, hi = hi, lo
			}
			for _, rg := range [][2]string{{"-inf", lo}, {lo, hi}, {hi, "+inf"}, {"-inf", "(" + lo}, {"(" + lo, "(" + hi}, {"(" + hi, "+inf"}} {
				fz = append(fz, "ZRANGEBYSCORE zset "+rg[0]+" "+rg[1], "ZCOUNT zset "+rg[0]+" "+rg[1])
			}
			if j%10 == 0 {
				fz = append(fz, "ZRANGEBYSCORE zset "+lo+" "+hi+" WITHSCORES", "ZREVRANGEBYSCORE zset "+hi+" "+lo+" WITHSCORES LIMIT 1 3")
			}
		}
		cases = append(cases, e("ZRANGEBYSCORE fuzzy test", fz...))

		// ZRANGEBYLEX fuzzy test.
		lx := []string{}
		for j := 0; j < n; j++ {
			lx = append(lx, "ZADD zset 0 "+zsLexArg("", zsRandAlpha(r)))
		}
		lx = append(lx, "ZRANGE zset 0 -1")
		for j := 0; j < 100; j++ {
			incl := func() string {
				if r.Intn(2) == 1 {
					return "["
				}
				return "("
			}
			cmin, cmax := zsLexArg(incl(), zsRandAlpha(r)), zsLexArg(incl(), zsRandAlpha(r))
			if r.Intn(2) == 1 {
				lx = append(lx, "ZREVRANGEBYLEX zset "+cmin+" "+cmax, "ZLEXCOUNT zset "+cmax+" "+cmin)
			} else {
				lx = append(lx, "ZRANGEBYLEX zset "+cmin+" "+cmax, "ZLEXCOUNT zset "+cmin+" "+cmax)
			}
		}
		cases = append(cases, e("ZRANGEBYLEX fuzzy test", lx...))

		// ZREMRANGEBYLEX fuzzy test.
		rl := []string{}
		for j := 0; j < n; j++ {
			rl = append(rl, "ZADD zset{t} 0 "+zsLexArg("", zsRandAlpha(r)))
		}
		for j := 0; j < 100; j++ {
			cmin, cmax := zsLexArg("[", zsRandAlpha(r)), zsLexArg("(", zsRandAlpha(r))
			if r.Intn(2) == 1 {
				cmin, cmax = zsLexArg("(", zsRandAlpha(r)), zsLexArg("[", zsRandAlpha(r))
			}
			rl = append(rl, "ZUNIONSTORE zsetcopy{t} 1 zset{t}", "ZRANGEBYLEX zset{t} "+cmin+" "+cmax, "ZLEXCOUNT zset{t} "+cmin+" "+cmax,
				"ZREMRANGEBYLEX zsetcopy{t} "+cmin+" "+cmax, "ZRANGE zsetcopy{t} 0 -1")
		}
		cases = append(cases, e("ZREMRANGEBYLEX fuzzy test", rl...))

		// Backlink consistency.
		bl := []string{}
		for j := 0; j < n; j++ {
			bl = append(bl, fmt.Sprintf("ZADD myzset %s Element-%d", zsRandFloat(r), j), fmt.Sprintf("ZREM myzset Element-%d", r.Intn(n)))
		}
		bl = append(bl, "OBJECT ENCODING myzset", "ZRANGE myzset 0 -1", "ZREVRANGE myzset 0 -1")
		cases = append(cases, e("skiplist backlink consistency", bl...))

		// ZRANK augmented skip list stress testing (the suite runs 2000
		// steps; 1000 keep the case small).
		rk := []string{}
		present := map[int]bool{}
		for k := 0; k < 1000; k++ {
			j := k % n
			if r.Float64() < .2 {
				rk = append(rk, fmt.Sprintf("ZREM myzset %d", j))
				delete(present, j)
			} else {
				rk = append(rk, fmt.Sprintf("ZADD myzset %s %d", zsRandFloat(r), j))
				present[j] = true
			}
			if len(present) > 0 {
				idx := r.Intn(len(present))
				rk = append(rk, fmt.Sprintf("ZRANGE myzset %d %d", idx, idx), fmt.Sprintf("ZRANK myzset %d", j), fmt.Sprintf("ZREVRANK myzset %d", r.Intn(n)))
			}
		}
		rk = append(rk, "OBJECT ENCODING myzset", "ZCARD myzset")
		cases = append(cases, e("ZRANK augmented skip list stress", rk...))
	}

	// Skiplist order consistency when elements are moved.
	r := rand.New(rand.NewSource(5))
	mv := []string{"CONFIG SET zset-max-ziplist-entries 0"}
	for times := 0; times < 2; times++ {
		mv = append(mv, "DEL zset")
		for j := 0; j < 1000; j++ {
			mv = append(mv, fmt.Sprintf("ZADD zset %d ele-%d", r.Intn(50), r.Intn(10)))
		}
		mv = append(mv, "ZRANGE zset 0 -1 WITHSCORES")
	}
	mv = append(mv, "CONFIG SET zset-max-ziplist-entries 128")
	cases = append(cases, C("ZSET skiplist order consistency when elements are moved", mv...))
	diff(t, cases)
}

func mustFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// zsSess is one multi-client scenario run against one server: it records
// every reply so the transcripts of sundial and redis-server can be
// compared.
type zsSess struct {
	t     *testing.T
	tg    blTarget
	proto int
	ctl   *testserver.Conn
	conns map[int]*testserver.Conn
	log   []string
}

func (s *zsSess) conn(i int) *testserver.Conn {
	if c, ok := s.conns[i]; ok {
		return c
	}
	c := blDial(s.t, s.tg.addr, s.proto)
	s.conns[i] = c
	return c
}

// do runs a command on client i (0 is the controlling client) and records
// the reply.
func (s *zsSess) do(i int, args ...string) {
	s.log = append(s.log, fmt.Sprintf("%d %v -> %q", i, args, blDo(s.t, s.conn(i), args...)))
}

// block sends a blocking command on client i and waits until the server
// counts n blocked clients.
func (s *zsSess) block(i, n int, args ...string) {
	blSend(s.t, s.conn(i), args...)
	blWait(s.t, s.tg, s.ctl, n)
}

// read records the next reply of client i.
func (s *zsSess) read(i int) {
	s.log = append(s.log, fmt.Sprintf("%d read -> %q", i, blRead(s.t, s.conn(i))))
}

// zsDiffSessions runs each scenario on sundial and on redis-server, in
// RESP2 and RESP3, and compares the transcripts line by line.
func zsDiffSessions(t *testing.T, scenarios map[string]func(s *zsSess)) {
	testserver.SkipOrFail(t, redis)
	for name, fn := range scenarios {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", name, proto), func(t *testing.T) {
				var logs [][]string
				for _, tg := range blTargets(t) {
					ctl := blDial(t, tg.addr, proto)
					blDo(t, ctl, "FLUSHALL")
					blWait(t, tg, ctl, 0)
					s := &zsSess{t: t, tg: tg, proto: proto, ctl: ctl, conns: map[int]*testserver.Conn{0: ctl}}
					fn(s)
					for _, c := range s.conns {
						if c != ctl {
							c.Close()
						}
					}
					blWait(t, tg, ctl, 0)
					logs = append(logs, s.log)
				}
				compareStepLogs(t, logs)
			})
		}
	}
}

func TestDiffSuiteZSetBlocking(t *testing.T) {
	// bzpop is the suite's bzpop_command for BZPOPMIN and BZMPOP_MIN.
	bzpop := func(pop string) []string {
		if pop == "BZMPOP" {
			return []string{"BZMPOP", "0", "1", "zset", "MIN", "COUNT", "1"}
		}
		return []string{"BZPOPMIN", "zset", "0"}
	}
	sc := map[string]func(s *zsSess){}
	for _, pop := range []string{"BZPOPMIN", "BZMPOP"} {
		sc[pop+", ZADD + DEL should not awake blocked client"] = func(s *zsSess) {
			s.block(1, 1, bzpop(pop)...)
			s.do(0, "MULTI")
			s.do(0, "ZADD", "zset", "0", "foo")
			s.do(0, "DEL", "zset")
			s.do(0, "EXEC")
			s.do(0, "DEL", "zset")
			s.do(0, "ZADD", "zset", "1", "bar")
			s.read(1)
		}
		sc[pop+", ZADD + DEL + SET should not awake blocked client"] = func(s *zsSess) {
			s.block(1, 1, bzpop(pop)...)
			s.do(0, "MULTI")
			s.do(0, "ZADD", "zset", "0", "foo")
			s.do(0, "DEL", "zset")
			s.do(0, "SET", "zset", "foo")
			s.do(0, "EXEC")
			s.do(0, "DEL", "zset")
			s.do(0, "ZADD", "zset", "1", "bar")
			s.read(1)
		}
		sc["MULTI/EXEC is isolated from the point of view of "+pop] = func(s *zsSess) {
			s.block(1, 1, bzpop(pop)...)
			s.do(0, "MULTI")
			s.do(0, "ZADD", "zset", "0", "a")
			s.do(0, "ZADD", "zset", "1", "b")
			s.do(0, "ZADD", "zset", "2", "c")
			s.do(0, "EXEC")
			s.read(1)
			s.do(0, "ZRANGE", "zset", "0", "-1", "WITHSCORES")
		}
		sc[pop+" with variadic ZADD"] = func(s *zsSess) {
			s.block(1, 1, bzpop(pop)...)
			s.do(0, "ZADD", "zset", "-1", "foo", "1", "bar")
			s.read(1)
			s.do(0, "ZRANGE", "zset", "0", "-1")
		}
		sc[pop+" with zero timeout should block indefinitely"] = func(s *zsSess) {
			s.block(1, 1, bzpop(pop)...)
			time.Sleep(200 * time.Millisecond)
			s.do(0, "ZADD", "zset", "0", "foo")
			s.read(1)
		}
	}
	sc["BZPOPMIN with same key multiple times should work"] = func(s *zsSess) {
		keys := []string{"BZPOPMIN", "z1{t}", "z2{t}", "z2{t}", "z1{t}", "0"}
		s.block(1, 1, keys...)
		s.do(0, "ZADD", "z1{t}", "0", "a")
		s.read(1)
		s.block(1, 1, keys...)
		s.do(0, "ZADD", "z2{t}", "1", "b")
		s.read(1)
		s.do(0, "ZADD", "z1{t}", "0", "a")
		s.do(0, "ZADD", "z2{t}", "1", "b")
		s.do(1, keys...)
		s.do(1, keys...)
	}
	sc["BZPOPMIN/BZPOPMAX blocking path"] = func(s *zsSess) {
		s.do(0, "ZADD", "zset2{t}", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
		s.do(1, "BZPOPMIN", "zset{t}", "0.01")
		s.do(1, "BZPOPMAX", "zset{t}", "0.01")
		s.do(1, "BZPOPMIN", "zset1{t}", "zset2{t}", "0.1")
		s.block(1, 1, "BZPOPMIN", "zset{t}", "5")
		s.do(0, "ZADD", "zset{t}", "1", "a")
		s.read(1)
		s.block(1, 1, "BZPOPMAX", "zset{t}", "5")
		s.do(0, "ZADD", "zset{t}", "1.5", "a", "2.5", "b")
		s.read(1)
	}
	sc["BZMPOP blocking path with COUNT"] = func(s *zsSess) {
		s.do(0, "ZADD", "zset3{t}", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
		s.do(1, "BZMPOP", "0.01", "1", "zset{t}", "min")
		s.do(1, "BZMPOP", "0.01", "2", "zset{t}", "zset2{t}", "max")
		s.do(1, "BZMPOP", "0.1", "2", "zset3{t}", "zset4{t}", "min")
		s.block(1, 1, "BZMPOP", "5", "2", "zset{t}", "zset2{t}", "max", "count", "2")
		s.do(0, "ZADD", "zset2{t}", "1", "a", "2", "b", "3", "c")
		s.read(1)
	}
	sc["BZMPOP with multiple blocked clients"] = func(s *zsSess) {
		s.block(1, 1, "BZMPOP", "0", "2", "myzset{t}", "myzset2{t}", "min", "count", "1")
		s.block(2, 2, "BZMPOP", "0", "2", "myzset{t}", "myzset2{t}", "max", "count", "10")
		s.block(3, 3, "BZMPOP", "0", "2", "myzset{t}", "myzset2{t}", "min", "count", "10")
		s.block(4, 4, "BZMPOP", "0", "2", "myzset{t}", "myzset2{t}", "max", "count", "1")
		s.do(0, "MULTI")
		s.do(0, "ZADD", "myzset{t}", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
		s.do(0, "ZADD", "myzset2{t}", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
		s.do(0, "EXEC")
		s.read(1)
		s.read(2)
		s.read(3)
		s.do(0, "ZADD", "myzset2{t}", "1", "a", "2", "b", "3", "c")
		s.read(4)
		s.do(0, "ZRANGE", "myzset2{t}", "0", "-1")
	}
	sc["BZMPOP should not block on non key arguments"] = func(s *zsSess) {
		s.block(1, 1, "BZMPOP", "0", "1", "myzset", "min", "count", "10")
		s.block(2, 2, "BZMPOP", "0", "2", "myzset2", "myzset3", "max", "count", "10")
		for _, kv := range [][3]string{{"0", "100", "timeout_value"}, {"1", "200", "numkeys_value"}, {"min", "300", "min_token"},
			{"max", "400", "max_token"}, {"count", "500", "count_token"}, {"10", "600", "count_value"}} {
			s.do(0, "ZADD", kv[0], kv[1], kv[2])
		}
		s.do(0, "ZADD", "myzset", "1", "zset")
		s.do(0, "ZADD", "myzset3", "1", "zset3")
		s.read(1)
		s.read(2)
	}
	zsDiffSessions(t, sc)

	diff(t, []testserver.Case{
		C("BZPOP/BZMPOP against wrong type", "SET foo{t} bar", "BZPOPMIN foo{t} 1", "BZPOPMAX foo{t} 1",
			"BZMPOP 1 1 foo{t} min", "BZMPOP 1 1 foo{t} max", "BZMPOP 1 1 foo{t} min count 10",
			"DEL foo{t}", "SET foo2{t} bar", "BZMPOP 1 2 foo{t} foo2{t} min", "BZMPOP 1 2 foo2{t} foo{t} max count 1"),
		C("BZMPOP with illegal argument", "BZMPOP", "BZMPOP 0 1", "BZMPOP 0 1 myzset{t}",
			"BZMPOP 1 0 myzset{t} MIN", "BZMPOP 1 a myzset{t} MIN", "BZMPOP 1 -1 myzset{t} MAX",
			"BZMPOP 1 1 myzset{t} bad_where", "BZMPOP 1 1 myzset{t} MIN bar_arg", "BZMPOP 1 1 myzset{t} MAX MIN", "BZMPOP 1 1 myzset{t} COUNT",
			"BZMPOP 1 1 myzset{t} MIN COUNT 1 COUNT 2", "BZMPOP 1 2 myzset{t} myzset2{t} bad_arg",
			"BZMPOP 1 1 myzset{t} MIN COUNT 0", "BZMPOP 1 1 myzset{t} MAX COUNT a", "BZMPOP 1 1 myzset{t} MIN COUNT -1", "BZMPOP 1 2 myzset{t} myzset2{t} MAX COUNT -1",
			"BZMPOP -1 1 myzset{t} MIN", "BZMPOP x 1 myzset{t} MIN", "BZPOPMIN myzset{t} -1", "BZPOPMIN myzset{t} x", "BZPOPMAX myzset{t}"),
		C("BZPOP inside MULTI times out at once", "MULTI", "BZPOPMIN nokey 0", "BZMPOP 0 1 nokey MAX", "ZADD z 1 a", "BZPOPMAX z 0", "EXEC"),
	})
}

// Scenarios of Redis's tests/unit/geo.tcl.

// zsGeoEdge is verify_geo_edge_response_bylonlat and _bymember: the same
// searches through every geo search command.
var zsGeoEdge = []string{
	"GEORADIUS src{t} 1 1 1 km", "GEORADIUS src{t} 1 1 1 km store dest{t}",
	"GEOSEARCH src{t} fromlonlat 0 0 byradius 1 km", "GEOSEARCHSTORE dest{t} src{t} fromlonlat 0 0 byradius 1 km",
	"GEORADIUSBYMEMBER src{t} member 1 km", "GEORADIUSBYMEMBER src{t} member 1 km store dest{t}",
	"GEOSEARCH src{t} frommember member bybox 1 1 km", "GEOSEARCHSTORE dest{t} src{t} frommember member bybox 1 1 m",
	"GEORADIUS_RO src{t} 1 1 1 km", "GEORADIUSBYMEMBER_RO src{t} member 1 km", "EXISTS dest{t}",
}

const zsNYC = `GEOADD nyc -73.9733487 40.7648057 "central park n/q/r" -73.9903085 40.7362513 "union square" -74.0131604 40.7126674 "wtc one" -73.7858139 40.6428986 "jfk" -73.9375699 40.7498929 "q4" -73.9564142 40.7480973 4545 -73.9454966 40.747533 "lic market"`

const zsSicily = `GEOADD points{t} 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`

func TestDiffSuiteZSetGeo(t *testing.T) {
	with := func(pre string, cmds ...string) []string { return append([]string{pre}, cmds...) }
	cases := []testserver.Case{
		C("GEO with wrong type src key", append([]string{"SET src{t} wrong_type"}, zsGeoEdge...)...),
		C("GEO with non existing src key", zsGeoEdge...),
		C("GEO with empty search and missing member", append([]string{`GEOADD src{t} 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`}, zsGeoEdge...)...),
		C("GEOADD create update and options", `GEOADD nyc -73.9454966 40.747533 "lic market"`, `GEOADD nyc -73.9454966 40.747533 "lic market"`,
			`GEOADD nyc CH 40.747533 -73.9454966 "lic market"`, `GEOPOS nyc "lic market"`,
			`GEOADD nyc NX -73.9454966 40.747533 "lic market"`, `GEOPOS nyc "lic market"`,
			`GEOADD nyc XX -83.9454966 40.747533 "lic market"`, `GEOPOS nyc "lic market"`,
			`GEOADD nyc CH NX -73.9454966 40.747533 "lic market"`, `GEOADD nyc CH XX -73.9454966 40.747533 "lic market"`,
			`GEOADD nyc xx nx -73.9454966 40.747533 "lic market"`, `GEOADD nyc ch xx foo -73.9454966 40.747533 "lic market"`,
			`GEOADD nyc -73.9454966 40.747533 "lic market" foo bar "luck market"`, `GEOADD nyc 200 40 x`, `GEOADD nyc 10 86 x`,
			`GEOADD nyc -180 -85.05112878 x`, `GEOADD nyc 180 85.05112878 y`, `GEOADD nyc 180.1 0 z`, `GEOADD nyc 1 2`, `GEOADD nyc 1 2 3 4`,
			`GEOADD nyc GT 1 2 x`, `GEOADD nyc NX`, "ZRANGE nyc 0 -1 WITHSCORES", "GEOPOS nyc x y"),
		C("GEOADD multi add and geoset values", `GEOADD nyc -73.9454966 40.747533 "lic market"`,
			`GEOADD nyc -73.9733487 40.7648057 "central park n/q/r" -73.9903085 40.7362513 "union square" -74.0131604 40.7126674 "wtc one" -73.7858139 40.6428986 "jfk" -73.9375699 40.7498929 "q4" -73.9564142 40.7480973 4545`,
			"ZRANGE nyc 0 -1 withscores"),
		C("GEORADIUS and GEOSEARCH on nyc", with(zsNYC,
			"GEORADIUS nyc -73.9798091 40.7598464 3 km asc",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 bybox 6 6 km asc",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 frommember xxx bybox 6 6 km asc",
			"GEOSEARCH nyc bybox 3 3 km asc desc withhash withdist withcoord",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 byradius 3 km bybox 3 3 km asc",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 asc desc withhash withdist withcoord",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 bybox 6 6 km asc storedist",
			"GEORADIUS nyc -73.9798091 40.7598464 3 km withdist asc",
			"GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 bybox 6 6 km withdist asc",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 3",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 3 ANY",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 3 ANY ASC",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km ANY ASC",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 2 DESC",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 0",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT -1",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT x",
			"GEORADIUS nyc -73.9798091 40.7598464 10 km WITHDIST WITHHASH WITHCOORD",
			"GEORADIUS nyc -73.9798091 40.7598464 10 mi WITHCOORD WITHDIST ASC",
			"GEORADIUS nyc -73.9798091 40.7598464 10000 ft DESC WITHHASH",
			"GEORADIUS nyc -73.9798091 40.7598464 10 parsecs",
			"GEORADIUS nyc -73.9798091 40.7598464 -1 km",
			"GEORADIUS nyc -73.9798091 95 1 km",
			`GEORADIUSBYMEMBER nyc "wtc one" 7 km`,
			`GEORADIUSBYMEMBER nyc "wtc one" 7 km withdist`,
			`GEORADIUSBYMEMBER_RO nyc "wtc one" 7 km withdist withcoord count 2 desc`,
			`GEOSEARCH nyc frommember "wtc one" bybox 14 14 km`,
			`GEOSEARCH nyc frommember "wtc one" byradius 7 km withhash count 3 any`,
			`GEOSEARCH nyc frommember "wtc one" bybox 14 14 km count 2 any desc`,
			`GEOSEARCH nyc frommember nope bybox 14 14 km`,
			`GEOSEARCH nyc frommember "wtc one" bybox -1 14 km`,
			`GEOSEARCH nyc frommember "wtc one" bybox 14 14 furlongs`,
			`GEOSEARCH nyc fromlonlat 200 0 bybox 14 14 km`,
			`GEOSEARCH nyc fromlonlat a 0 bybox 14 14 km`,
			`GEOSEARCH nyc frommember "wtc one" byradius 7 km store x`,
			"GEOHASH nyc jfk q4 nope", "GEOPOS nyc jfk nope q4", "GEODIST nyc jfk q4", "GEODIST nyc jfk q4 mi", "GEODIST nyc jfk q4 ft",
			"GEODIST nyc jfk nope", "GEODIST nyc jfk q4 yards")...),
		C("GEORADIUS HUGE, issue #2767", "GEOADD users -47.271613776683807 -54.534504198047678 user_000000", "GEORADIUS users 0 0 50000 km WITHCOORD"),
		C("GEORADIUSBYMEMBER search areas contain satisfied points in oblique direction",
			"GEOADD k1 -0.15307903289794921875 85 n1 0.3515625 85.00019260486917005437 n2", "GEORADIUSBYMEMBER k1 n1 4891.94 m",
			"ZREM k1 n1 n2", "GEOADD k1 -4.95211958885192871094 85 n3 11.25 85.0511 n4", "GEORADIUSBYMEMBER k1 n3 156544 m",
			"ZREM k1 n3 n4", "GEOADD k1 -45 65.50900022111811438208 n5 90 85.0511 n6", "GEORADIUSBYMEMBER k1 n5 5009431 m"),
		C("GEORADIUSBYMEMBER crossing pole search", "GEOADD k1 45 65 n1 -135 85.05 n2", "GEORADIUSBYMEMBER k1 n1 5009431 m"),
		C("GEOSEARCH vs GEORADIUS", `GEOADD Sicily 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`,
			`GEOADD Sicily 12.758489 38.788135 "edge1" 17.241510 38.788135 "eage2"`,
			"GEORADIUS Sicily 15 37 200 km asc", "GEOSEARCH Sicily fromlonlat 15 37 bybox 400 400 km asc"),
		C("GEOSEARCH non square, long and narrow", `GEOADD Sicily 12.75 36.995 "test1"`, `GEOADD Sicily 12.75 36.50 "test2"`, `GEOADD Sicily 13.00 36.50 "test3"`,
			"GEOSEARCH Sicily fromlonlat 15 37 bybox 400 2 km", `GEOADD Sicily -1 37.00 "test3"`, "GEOSEARCH Sicily fromlonlat 15 37 bybox 3000 2 km asc"),
		C("GEOSEARCH corner point test", "GEOADD Sicily 12.758489 38.788135 edge1 17.241510 38.788135 edge2 17.250000 35.202000 edge3 12.750000 35.202000 edge4 12.748489955781654 37 edge5 15 38.798135872540925 edge6 17.251510044218346 37 edge7 15 35.201864127459075 edge8 12.692799634687903 38.798135872540925 corner1 12.692799634687903 38.798135872540925 corner2 17.200560937451133 35.201864127459075 corner3 12.799439062548865 35.201864127459075 corner4",
			"GEOSEARCH Sicily fromlonlat 15 37 bybox 400 400 km asc", "GEOSEARCH Sicily fromlonlat 15 37 bybox 400 400 km"),
		C("GEOHASH is able to return geohash strings", "GEOADD points -5.6 42.6 test", "GEOHASH points test", "GEOHASH nokey a b", "GEOHASH points"),
		C("GEOHASH/GEOPOS with only key as argument", "GEOADD points 10 20 a 30 40 b", "GEOHASH points", "GEOPOS points", "GEOPOS points a b", "GEOPOS points a x b", "GEOPOS nokey a"),
		C("GEODIST simple & unit", `GEOADD points 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`,
			"GEODIST points Palermo Catania", "GEODIST points Palermo Catania km", "GEODIST points Palermo Palermo",
			"GEODIST points Palermo Agrigento", "GEODIST points Ragusa Agrigento", "GEODIST empty_key Palermo Catania",
			"GEODIST points Palermo Catania km extra", "GEODIST points Palermo"),
		C("GEORADIUS STORE option: syntax error", zsSicily, "GEORADIUS points{t} 13.361389 38.115556 50 km store",
			"GEOSEARCHSTORE abc{t} points{t} fromlonlat 13.361389 38.115556 byradius 50 km store abc{t}",
			"GEORADIUS points{t} 13.361389 38.115556 50 km store points2{t} withdist",
			"GEORADIUS points{t} 13.361389 38.115556 50 km store points2{t} withhash",
			"GEORADIUS points{t} 13.361389 38.115556 50 km store points2{t} withcoords",
			"GEORADIUS points{t} 13.361389 38.115556 50 km store points2{t} withcoord",
			"GEORADIUS_RO points{t} 13.361389 38.115556 50 km store points2{t}",
			"GEOSEARCH points{t} fromlonlat 13.361389 38.115556 byradius 50 km storedist", "EXISTS points2{t} abc{t}"),
		C("GEORANGE STORE option: plain usage", zsSicily,
			"GEORADIUS points{t} 13.361389 38.115556 500 km store points2{t}", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEORADIUSBYMEMBER points{t} Palermo 500 km store points2{t}", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEORADIUSBYMEMBER points{t} Catania 500 km storedist points2{t}", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEOSEARCHSTORE points2{t} points{t} fromlonlat 13.361389 38.115556 byradius 500 km", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEORADIUS points{t} 13.361389 38.115556 500 km storedist points2{t}", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEOSEARCHSTORE points2{t} points{t} fromlonlat 13.361389 38.115556 byradius 500 km storedist", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEORADIUS points{t} 13.361389 38.115556 500 km storedist points2{t} asc count 1", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEORADIUS points{t} 13.361389 38.115556 500 km storedist points2{t} desc count 1", "ZRANGE points2{t} 0 -1 WITHSCORES",
			"GEOSEARCHSTORE points2{t} points{t} fromlonlat 0 0 byradius 1 km", "EXISTS points2{t}", "OBJECT ENCODING points{t}"),
		C("GEOSEARCH the box spans -180 or 180", "GEOADD points 179.5 36 point1", "GEOADD points -179.5 36 point2",
			"GEOSEARCH points fromlonlat 179 37 bybox 400 400 km asc", "GEOSEARCH points fromlonlat -179 37 bybox 400 400 km asc"),
		C("GEOSEARCH with small distance", "GEOADD points -122.407107 37.794300 1", "GEOADD points -122.227336 37.794300 2",
			"GEORADIUS points -122.407107 37.794300 30 mi ASC WITHDIST"),
		C("GEO on a wrong type and plain zset", "SET s v", "GEOADD s 1 1 a", "GEOPOS s a", "GEOHASH s a", "GEODIST s a b",
			"ZADD z 0 a 1e20 b -1 c", "GEOPOS z a b c", "GEOHASH z a b c", "GEODIST z a b", "GEORADIUS z 0 0 100 km WITHCOORD"),
	}
	cases = append(cases, zsGeoFuzz()...)
	diff(t, cases)
}

// zsGeoPoint is the suite's geo_random_point.
func zsGeoPoint(r *rand.Rand) (lon, lat float64) {
	return -180 + r.Float64()*360, -70 + r.Float64()*140
}

func zsG(f float64) string { return strconv.FormatFloat(f, 'g', 17, 64) }

// zsGeoFuzz is "GEOSEARCH fuzzy test" (byradius, bybox: the regression
// vectors' search areas over random points, then random areas) and
// "GEOSEARCH box edges fuzzy test".
func zsGeoFuzz() []testserver.Case {
	vectors := [][3]float64{
		{7083, 81.634948934258375, 30.561509253718668}, {5416, -70.863281847379767, -46.347003465679947},
		{6064, -89.818768962202014, -40.463868561416803}, {156, 149.29737817929004, 15.95807862745508},
		{143, 59.235461856813856, 66.269555127373678}, {187, -101.88575239939883, 49.061997951502917},
		{154, -90.187939661642517, 66.615930412251487}, {145, 163.03472387745728, 64.012747720821181},
		{143, 137.86663517256579, 63.986745399416776}, {151, 59.149620271823181, 65.204186651485145},
		{149, 84.062063109158544, -65.685403922426232}, {16751, -1.8175081637769495, 20.665668878082954},
	}
	var cases []testserver.Case
	r := rand.New(rand.NewSource(42))
	for _, typ := range []string{"byradius", "bybox"} {
		cmds := []string{}
		for attempt := 0; attempt < 16; attempt++ {
			var km, w, h float64
			lon, lat := zsGeoPoint(r)
			if r.Intn(10) == 0 {
				km, w, h = float64(r.Intn(5000)+10), float64(r.Intn(5000)+10), float64(r.Intn(5000)+10)
			} else {
				km, w, h = float64(r.Intn(200)+10), float64(r.Intn(200)+10), float64(r.Intn(200)+10)
			}
			if attempt < len(vectors) {
				km, w, h = vectors[attempt][0], vectors[attempt][0], vectors[attempt][0]
				lon, lat = vectors[attempt][1], vectors[attempt][2]
			}
			var b strings.Builder
			b.WriteString("GEOADD mypoints")
			for j := 0; j < 4000; j++ {
				plon, plat := zsGeoPoint(r)
				fmt.Fprintf(&b, " %s %s place:%d", zsG(plon), zsG(plat), j)
			}
			cmds = append(cmds, "DEL mypoints", b.String())
			area := fmt.Sprintf("byradius %s km", zsG(km))
			if typ == "bybox" {
				area = fmt.Sprintf("bybox %s %s km", zsG(w), zsG(h))
			}
			cmds = append(cmds, fmt.Sprintf("GEOSEARCH mypoints fromlonlat %s %s %s", zsG(lon), zsG(lat), area),
				fmt.Sprintf("GEOSEARCH mypoints fromlonlat %s %s %s ASC WITHDIST COUNT 20", zsG(lon), zsG(lat), area))
			if typ == "byradius" {
				cmds = append(cmds, fmt.Sprintf("GEORADIUS mypoints %s %s %s km WITHCOORD DESC COUNT 5", zsG(lon), zsG(lat), zsG(km)))
			}
		}
		cases = append(cases, C("GEOSEARCH fuzzy test - "+typ, cmds...))
	}

	// Box edges: eight points on the corners and side middles of a box,
	// searched with boxes 4 m larger and smaller.
	const earth = 6372797.560856
	deg := func(rad float64) float64 { return rad / (3.141592653589793 * 2 / 360) }
	rad := func(d float64) float64 { return d * (3.141592653589793 * 2 / 360) }
	cmds := []string{}
	for attempt := 0; attempt < 30; attempt++ {
		lon, lat := zsGeoPoint(r)
		wm, hm := float64(r.Intn(10000)+10), float64(r.Intn(10000)+10)
		latD := deg(hm / 2 / earth)
		top := deg(wm / 2 / earth / math.Cos(rad(lat+latD)))
		mid := deg(wm / 2 / earth / math.Cos(rad(lat)))
		bot := deg(wm / 2 / earth / math.Cos(rad(lat-latD)))
		pts := map[string][2]float64{
			"north": {lon, lat + latD}, "south": {lon, lat - latD}, "east": {lon + mid, lat}, "west": {lon - mid, lat},
			"north_east": {lon + top, lat + latD}, "north_west": {lon - top, lat + latD},
			"south_east": {lon + bot, lat - latD}, "south_west": {lon - bot, lat - latD},
		}
		cmds = append(cmds, "DEL mypoints")
		for _, name := range []string{"north", "south", "east", "west", "north_east", "north_west", "south_east", "south_west"} {
			x, y := pts[name][0], pts[name][1]
			if x > 180 {
				x -= 360
			} else if x < -180 {
				x += 360
			}
			cmds = append(cmds, fmt.Sprintf("GEOADD mypoints %s %s place:%s", zsG(x), zsG(y), name))
		}
		for _, d := range [][2]float64{{4, 4}, {-4, 4}, {4, -4}, {-4, -4}} {
			cmds = append(cmds, fmt.Sprintf("GEOSEARCH mypoints fromlonlat %s %s bybox %s %s m", zsG(lon), zsG(lat), zsG(wm+d[0]), zsG(hm+d[1])))
		}
	}
	cases = append(cases, C("GEOSEARCH box edges fuzzy test", cmds...))
	return cases
}

// Edges around the suite's scenarios: score parsing and formatting the
// way strtod and %.17g do them, and option corners of the same commands.
func TestDiffSuiteZSetEdges(t *testing.T) {
	scores := []string{"-0", "0x10", "0X1p4", " 1", "1 ", "inf", "-inf", "+inf", "INF", "Infinity", "-infinity", "infinit", "nan", "-nan", "1e400", "-1e400",
		"1e-400", "4.9e-324", "2.2250738585072014e-308", "1.5e", "+-1", "1_000", ".5", "5.", "+.5e+1", "0.1", "1e16", "123456789012345678", "1e22",
		"9007199254740993", "0.30000000000000004", "1.7976931348623157e308", "1.7976931348623159e308", "\"\"", "\"1\\x00\"", "00012", "1e+05", "-1E-05"}
	var cmds []string
	for i, s := range scores {
		cmds = append(cmds, fmt.Sprintf("ZADD z %s m%d", s, i), fmt.Sprintf("ZSCORE z m%d", i), fmt.Sprintf("ZINCRBY z %s m%d", s, i),
			fmt.Sprintf("ZRANGEBYSCORE z %s +inf LIMIT 0 1", s), fmt.Sprintf("ZCOUNT z (%s +inf", s))
	}
	cmds = append(cmds, "ZRANGE z 0 -1 WITHSCORES")
	cases := []testserver.Case{
		C("score parsing and formatting", cmds...),
		C("zincrby formatting", "ZINCRBY z 0.1 a", "ZINCRBY z 0.2 a", "ZINCRBY z 1e-17 a", "ZINCRBY z -0.30000000000000004 a", "ZSCORE z a",
			"ZINCRBY z 1e308 b", "ZINCRBY z 1e308 b", "ZINCRBY z -inf b", "ZINCRBY z inf b", "ZSCORE z b", "ZINCRBY z 3 c", "ZINCRBY z -3 c", "ZSCORE z c",
			"ZADD z 1e15 d", "ZINCRBY z 0.5 d", "ZADD z 123456789.123456789 e", "ZSCORE z e", "ZADD z -0 f", "ZSCORE z f", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd flag combinations", "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z NX GT 1 a", "ZADD z INCR 1 a 2 b", "ZADD z INCR", "ZADD z CH",
			"ZADD z XX", "ZADD z 1", "ZADD z 1 a 2", "ZADD z XX INCR 1 a", "ZADD z GT INCR 5 a", "ZADD z GT 4 a", "ZADD z LT CH 3 a 9 b",
			"ZADD z LT INCR -1 a", "ZADD z LT INCR 1 a", "ZADD z nx incr 1 a", "ZADD z nx incr 1 x", "ZADD z gt ch incr 1 a", "ZRANGE z 0 -1 WITHSCORES",
			"ZADD z xx ch 1 a 2 nope", "ZADD z a 1", "ZADD z 1 a nan b", "ZADD z 1 a 2 b FOO", "ZCARD z"),
		C("zrange option corners", "ZADD z 1 a 2 b 3 c 4 d 5 e",
			"ZRANGE z 0 -1 REV", "ZRANGE z 0 -1 REV WITHSCORES", "ZRANGE z 1 3 REV", "ZRANGE z (1 5 BYSCORE LIMIT 1 2", "ZRANGE z 5 (1 BYSCORE REV LIMIT 1 -1",
			"ZRANGE z (1 5 BYSCORE LIMIT 1 2 WITHSCORES", "ZRANGE z - + BYLEX LIMIT 0 -1", "ZRANGE z + - BYLEX REV LIMIT 1 2", "ZRANGE z [a (c BYLEX",
			"ZRANGE z 0 -1 WITHSCORES WITHSCORES", "ZRANGE z 0 -1 BYSCORE LIMIT 0 1 LIMIT 1 1", "ZRANGE z -inf +inf BYSCORE LIMIT 0 9223372036854775807",
			"ZRANGE z -inf +inf BYSCORE LIMIT 9223372036854775807 1", "ZRANGE z 0 9223372036854775807", "ZRANGE z -9223372036854775808 -1",
			"ZRANGE z 0 1.5", "ZRANGE z x 1", "ZRANGE z 0 -1 LIMIT", "ZRANGE z 0 -1 BYSCORE LIMIT x 1", "ZRANGE nokey 0 -1 BYLEX", "ZRANGE nokey a b BYLEX",
			"ZRANGE nokey x 1", "ZRANGE nokey 0 -1 BYSCORE REV LIMIT 0 1 WITHSCORES", "ZREVRANGEBYSCORE z 5 1 WITHSCORES LIMIT 0 2",
			"ZREVRANGEBYLEX z + - LIMIT 0 2", "ZREVRANGEBYSCORE z (5 (1", "ZRANGEBYSCORE z 1 5 LIMIT 0 2 LIMIT 1 1", "ZREVRANGE z 0 -1 REV",
			"ZRANGESTORE d z 0 -1 REV", "ZRANGE d 0 -1", "ZRANGESTORE d z 3 1 BYSCORE REV LIMIT 0 1", "ZRANGE d 0 -1 WITHSCORES",
			"ZRANGESTORE d z - + BYLEX LIMIT 1 2", "ZRANGE d 0 -1", "ZRANGESTORE d nokey 0 -1", "EXISTS d", "SET s v", "ZRANGE s 0 -1", "ZRANGESTORE s z 0 0", "TYPE s"),
		C("zrem and zremrange wrongtype", "SET s v", "ZREM s a", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYLEX s - +",
			"ZCARD s", "ZSCORE s a", "ZRANK s a", "ZINCRBY s 1 a", "ZADD s 1 a", "ZCOUNT s 0 1", "ZLEXCOUNT s - +", "ZRANGEBYLEX s - +",
			"ZUNIONSTORE d 1 s", "ZUNION 1 s", "ZDIFF 2 nokey s", "ZINTER 2 nokey s", "ZINTERCARD 2 nokey s", "ZRANDMEMBER s", "ZMSCORE s a"),
		C("zset ops weights and aggregates", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "SADD s y z w",
			"ZUNION 3 a b s WEIGHTS 1 2 3 AGGREGATE MAX WITHSCORES", "ZINTER 3 a b s WEIGHTS 1 2 inf WITHSCORES",
			"ZUNION 2 a b WEIGHTS inf -inf WITHSCORES", "ZUNION 2 a b WEIGHTS 0 0 WITHSCORES", "ZUNION 2 a b WEIGHTS 1e308 1e308 WITHSCORES",
			"ZUNION 2 a b AGGREGATE MIN AGGREGATE MAX WITHSCORES", "ZUNION 2 a b WEIGHTS 1 2 WEIGHTS 3 4 WITHSCORES",
			"ZDIFF 2 a b WITHSCORES", "ZDIFF 1 a WEIGHTS 1", "ZDIFF 1 a AGGREGATE MIN", "ZDIFFSTORE d 2 s a", "ZRANGE d 0 -1 WITHSCORES",
			"ZINTERSTORE d 2 a nokey", "EXISTS d", "ZUNIONSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES", "ZINTERCARD 3 a b s", "ZINTERCARD 3 a b s LIMIT 1",
			"ZUNION 2 a b weights 1 2 withscores aggregate sum", "ZUNION 2 a b weights 1 2 aggregate", "ZUNION 2 a b weights a b"),
		C("numkeys corners", "ZADD a 1 x", "ZUNION 9999999999999 a", "ZUNION 2147483648 a", "ZUNIONSTORE d 99999999999999999999 a", "ZINTER 1.5 a",
			"ZINTERCARD 9999999999 a", "ZINTERCARD 2147483647 a", "ZDIFF -0 a", "ZMPOP 9999999999 a MIN", "BZMPOP 0 2147483647 a MIN", "ZINTERCARD 1 a LIMIT 0",
			"ZINTERCARD 1 a LIMIT 9223372036854775807", "ZUNION 1 a WEIGHTS", "ZUNION 2 a b WEIGHTS 1", "ZINTERSTORE d 1 a AGGREGATE", "ZUNIONSTORE d 1 a WITHSCORES"),
		C("zpop corners", "ZADD z 1 a 2 b 3 c", "ZPOPMIN z 9223372036854775807", "EXISTS z", "ZADD z 1 a", "ZPOPMAX z 1", "ZPOPMIN z 1", "ZPOPMAX z",
			"ZMPOP 1 z MIN COUNT 9223372036854775807", "ZADD z 1 a 2 b", "ZMPOP 1 z MAX COUNT 1000", "ZMPOP 1 z min count 1", "ZMPOP 1 z MIN count"),
		C("zrank zscore corners", "ZADD z 1 a 1 b 1 c 0 d", "ZRANK z c", "ZREVRANK z d", "ZRANK z", "ZSCORE z", "ZRANK z a b", "ZSCORE nokey a",
			"ZRANGE z 0 -1", "ZADD z 1 \"\"", "ZRANK z \"\"", "ZRANGEBYLEX z - + LIMIT 0 1", "ZRANGEBYLEX z [ + LIMIT 0 2", "ZRANGEBYLEX z ( +",
			`ZRANGEBYLEX z "-\x00x" "+\x00"`, `ZLEXCOUNT z "+\x00" "-\x00"`, `ZRANGEBYLEX z "[\x00" +`, `ZREMRANGEBYLEX z "(\x00a" "+\x01"`),
		C("score range bounds end at a NUL", "ZADD z 0 a 1 b 2 c", `ZRANGEBYSCORE z "1\x00x" "+inf\x00"`, `ZCOUNT z "(\x00" "2\x002"`,
			`ZRANGEBYSCORE z "\x001" 1`, `ZREMRANGEBYSCORE z "(1\x00" "inf\x00junk"`, `ZRANGE z "(0\x00" "5\x00" BYSCORE`, `ZRANGESTORE d z "1\x00" 2 BYSCORE`,
			`ZADD z "1\x00" d`, `ZINCRBY z "1\x00" a`, `ZRANGE z 0 -1 WITHSCORES`),
	}
	diff(t, cases)
}

// Encoding corners of the suite's listpack/skiplist runs: conversion at
// the thresholds, and the encodings of results of store commands.
func TestDiffSuiteZSetEncodings(t *testing.T) {
	long := strings.Repeat("x", 65)
	var many strings.Builder
	many.WriteString("ZADD big")
	for i := 0; i < 129; i++ {
		fmt.Fprintf(&many, " %d m%d", i, i)
	}
	cases := []testserver.Case{
		C("listpack to skiplist by value length", "ZADD z 1 a", "OBJECT ENCODING z", "ZADD z 2 "+strings.Repeat("x", 64), "OBJECT ENCODING z",
			"ZADD z 3 "+long, "OBJECT ENCODING z", "ZREM z "+long, "OBJECT ENCODING z", "ZINCRBY y 1 "+long, "OBJECT ENCODING y"),
		C("listpack to skiplist by entries", many.String(), "OBJECT ENCODING big", "ZREM big m0", "OBJECT ENCODING big", "ZCARD big",
			"ZUNIONSTORE u 1 big", "OBJECT ENCODING u", "ZRANGESTORE r big 0 127", "OBJECT ENCODING r", "ZRANGESTORE r big 0 126", "OBJECT ENCODING r",
			"ZINTERSTORE i 2 big big", "OBJECT ENCODING i", "ZDIFFSTORE d 1 big", "OBJECT ENCODING d",
			"ZREMRANGEBYRANK big 0 100", "OBJECT ENCODING big", "ZPOPMIN big 20", "OBJECT ENCODING big"),
		C("store results with long members", "ZADD a 1 "+long+" 2 b", "ZUNIONSTORE u 1 a", "OBJECT ENCODING u", "ZRANGESTORE r a 1 1", "OBJECT ENCODING r",
			"ZDIFFSTORE d 1 a", "OBJECT ENCODING d", "GEOADD g 1 1 "+long, "OBJECT ENCODING g", "GEOSEARCHSTORE gs g FROMLONLAT 1 1 BYRADIUS 1 km", "OBJECT ENCODING gs"),
		C("entries config at 1", "CONFIG SET zset-max-listpack-entries 1", "ZADD z 1 a", "OBJECT ENCODING z", "ZADD z 2 b", "OBJECT ENCODING z",
			"ZADD y 1 a 2 b", "OBJECT ENCODING y", "ZPOPMIN y", "OBJECT ENCODING y", "ZUNIONSTORE u 1 y", "OBJECT ENCODING u",
			"GEOADD g 1 1 a 2 2 b", "OBJECT ENCODING g", "CONFIG SET zset-max-listpack-entries 128"),
	}
	diff(t, cases)
}

// Geo argument corners of the suite's commands.
func TestDiffSuiteZSetGeoEdges(t *testing.T) {
	cases := []testserver.Case{
		C("geoadd coordinate parsing", `GEOADD g "1\x00" 1 a`, `GEOADD g " 1" 1 a`, `GEOADD g 1e0 0x1 a`, "GEOADD g inf 1 a", "GEOADD g 1 nan a",
			"GEOADD g -180 -85.05112878 a", "GEOADD g 180.0000001 0 a", "GEOADD g 0 85.06 a", "GEOADD g 0 -85.06 a", `GEOADD g "" "" a`, "GEOPOS g a",
			"GEOADD g 13.361389 38.115556 Palermo", "GEOPOS g Palermo", "GEOHASH g Palermo a", "ZRANGE g 0 -1 WITHSCORES"),
		C("geosearch argument errors", `GEOADD g 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`,
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 0", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT -3",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY ANY", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ANY",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS x km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 x km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 1 km",
			"GEOSEARCH g FROMLONLAT 15 BYRADIUS 1 km", "GEOSEARCH g FROMMEMBER BYRADIUS 1 km", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 KM WITHDIST ASC",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST WITHDIST", "GEOSEARCH g FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 1 km",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km BYRADIUS 100 km", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 0 km", "GEOSEARCH g FROMLONLAT 15 37 BYBOX 0 0 km",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC DESC", "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km DESC ASC",
			"GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 COUNT 2", "GEOSEARCH g FROMLONLAT 181 37 BYRADIUS 200 km",
			"GEOSEARCH nokey FROMMEMBER x BYRADIUS 1 km", "GEOSEARCH nokey FROMLONLAT 1 1 BYRADIUS 1 km COUNT 0",
			"GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST COUNT 1 DESC",
			"ZRANGE d 0 -1 WITHSCORES", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km WITHHASH", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST STOREDIST"),
		C("georadius argument errors", `GEOADD g 13.361389 38.115556 "Palermo" 15.087269 37.502669 "Catania"`,
			"GEORADIUS g 15 37 200 km COUNT 0", "GEORADIUS g 15 37 200 km COUNT 1 ANY", "GEORADIUS g 15 37 200 km STORE", "GEORADIUS g 15 37 200 km STOREDIST",
			"GEORADIUS g 15 37 200", "GEORADIUS g 15 37 x km", "GEORADIUS g 15 x 200 km", "GEORADIUS g 15 37 200 km FROMLONLAT 1 1",
			"GEORADIUS g 15 37 200 km BYBOX 1 1 km", "GEORADIUSBYMEMBER g nope 200 km", "GEORADIUSBYMEMBER g Palermo 200 km WITHCOORD WITHDIST WITHHASH ASC COUNT 1",
			"GEORADIUSBYMEMBER g Palermo 200 km STORE d STOREDIST e", "ZRANGE e 0 -1 WITHSCORES", "EXISTS d",
			"GEORADIUS_RO g 15 37 200 km STORE d", "GEORADIUS_RO g 15 37 200 km STOREDIST d", "GEORADIUSBYMEMBER_RO g Palermo 200 km STORE d",
			"GEORADIUS g 15 37 200 km WITHDIST COUNT 1 ANY DESC"),
		C("geodist and geohash corners", "GEOADD g 0 0 a 180 0 b -180 0 c 0 85 d 0 -85 e", "GEODIST g a b", "GEODIST g b c", "GEODIST g d e km",
			"GEODIST g a b mi", "GEODIST g a b ft", "GEODIST g a b M", "GEODIST g a b KM", "GEODIST g a b x", "GEOHASH g a b c d e", "GEOPOS g a b c d e",
			"GEORADIUS g 0 0 20000 km WITHDIST ASC", "GEOSEARCH g FROMMEMBER a BYBOX 40000 40000 km WITHCOORD ASC"),
	}
	diff(t, cases)
}

// readUntil records the replies of client i up to and including the first
// one containing marker.
func (s *zsSess) readUntil(i int, marker string) {
	for n := 0; n < 200; n++ {
		r := blRead(s.t, s.conn(i))
		s.log = append(s.log, fmt.Sprintf("%d read -> %q", i, r))
		if strings.Contains(r, marker) {
			return
		}
	}
	s.t.Fatalf("marker %q never arrived", marker)
}

// Keyspace notifications of the sorted-set and geo commands, as the
// suites' pubsub checks see them.
func TestDiffSuiteZSetNotifications(t *testing.T) {
	script := []string{
		"ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z 5 a", "ZADD z XX 1 nope", "ZADD z NX 1 a", "ZADD z INCR 1 a", "ZADD z GT INCR -1 a",
		"ZINCRBY z 1 b", "ZREM z nope", "ZREM z c", "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYSCORE z 0 1",
		"ZADD z 1 a 2 b 3 c 4 d", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYLEX z - [b", "ZPOPMIN z", "ZPOPMAX z 0", "ZPOPMAX z 5",
		"ZADD z 1 a 2 b 3 c 4 d", "ZMPOP 1 z MIN", "BZPOPMAX z 1", "BZMPOP 1 1 z MIN COUNT 5",
		"ZADD a 1 x 2 y", "ZADD b 2 y 3 w", "ZUNIONSTORE u 2 a b", "ZINTERSTORE i 2 a b", "ZDIFFSTORE d 2 a b", "ZDIFFSTORE d 2 a a",
		"ZRANGESTORE r a 0 -1", "ZRANGESTORE r a 5 6", "ZINTERSTORE nothing 2 a nokey", "ZREM a x y",
		"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g XX 13 38 Palermo", "GEOADD g CH 13 38 Palermo",
		"GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km", "GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
		"GEORADIUS g 15 37 200 km STORE gr", "GEORADIUSBYMEMBER g Palermo 1 m STOREDIST gr", "GEOSEARCHSTORE gs g FROMLONLAT 0 0 BYRADIUS 1 km",
	}
	zsDiffSessions(t, map[string]func(s *zsSess){
		"zset and geo keyspace events": func(s *zsSess) {
			s.do(0, "CONFIG", "SET", "notify-keyspace-events", "KEA")
			s.do(1, "PSUBSCRIBE", "__key*__:*")
			for _, line := range script {
				s.do(0, strings.Fields(line)...)
			}
			s.do(0, "SET", "end-marker", "1")
			s.readUntil(1, "end-marker")
			s.do(0, "CONFIG", "SET", "notify-keyspace-events", "")
		},
	})
}
