package server_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// zaddMany builds "ZADD key s0 m0 s1 m1 ..." for members prefix+i.
func zaddMany(key, prefix string, from, to int, score func(i int) string) string {
	var b strings.Builder
	b.WriteString("ZADD " + key)
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, " %s %s%d", score(i), prefix, i)
	}
	return b.String()
}

func scoreI(i int) string    { return fmt.Sprint(i) }
func scoreZero(i int) string { return "0" }

// Sorted-set commands, compared byte for byte with redis-server.
func TestDiffZSets(t *testing.T) {
	long := strings.Repeat("m", 65)
	edge := strings.Repeat("e", 64)
	big := zaddMany("big", "m", 0, 200, scoreI)
	lex := zaddMany("lex", "", 0, 0, scoreZero) + " 0 a 0 b 0 c 0 d 0 e 0 f 0 g 0 aa 0 ab 0 \"\" 0 \"\\x00\" 0 \"\\xff\""
	bigLex := zaddMany("blex", "w", 0, 150, scoreZero)
	cases := []testserver.Case{
		// ZADD basics and options
		C("zadd basic", "ZADD z 1 a 2 b 3 c", "ZRANGE z 0 -1 WITHSCORES", "ZCARD z", "TYPE z"),
		C("zadd returns added only", "ZADD z 1 a 2 b", "ZADD z 1 a 5 b 3 c", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd same member twice", "ZADD z 1 a 2 a", "ZSCORE z a", "ZCARD z"),
		C("zadd ch", "ZADD z 1 a 2 b", "ZADD z CH 1 a 3 b 4 c", "ZADD z ch 1 a"),
		C("zadd nx", "ZADD z 1 a", "ZADD z NX 5 a 2 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd xx", "ZADD z 1 a", "ZADD z XX 5 a 2 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd xx missing key", "ZADD z XX 1 a", "EXISTS z", "ZADD z XX INCR 1 a", "EXISTS z"),
		C("zadd gt", "ZADD z 5 a", "ZADD z GT CH 3 a", "ZADD z GT CH 7 a", "ZADD z GT 1 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd lt", "ZADD z 5 a", "ZADD z LT CH 7 a", "ZADD z LT CH 3 a", "ZADD z LT 9 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd xx gt", "ZADD z 5 a", "ZADD z XX GT CH 6 a 1 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd incr", "ZADD z INCR 1.5 a", "ZADD z INCR 2 a", "ZADD z incr -10 a", "ZSCORE z a"),
		C("zadd incr nx xx", "ZADD z INCR NX 1 a", "ZADD z INCR NX 1 a", "ZADD z INCR XX 5 a", "ZADD z INCR XX 5 b"),
		C("zadd incr gt lt", "ZADD z 5 a", "ZADD z INCR GT -1 a", "ZADD z INCR GT 1 a", "ZADD z INCR LT 1 a", "ZADD z INCR LT -2 a", "ZSCORE z a"),
		C("zadd incr zero", "ZADD z 5 a", "ZADD z INCR 0 a", "ZADD z INCR GT 0 a"),
		C("zadd option conflicts", "ZADD z NX XX 1 a", "ZADD z GT LT 1 a", "ZADD z NX GT 1 a", "ZADD z NX LT 1 a", "ZADD z INCR 1 a 2 b", "EXISTS z"),
		C("zadd syntax", "ZADD z 1", "ZADD z 1 a 2", "ZADD z NX", "ZADD z CH CH", "ZADD z 1 a b", "EXISTS z"),
		C("zadd arity", "ZADD z", "ZADD z 1", "ZADD"),
		C("zadd bad scores", "ZADD z x a", "ZADD z 1 a y b", "ZADD z nan a", "ZADD z '' a", "ZADD z ' 1' a", "ZADD z '1 ' a", "ZADD z 1e400 a", "ZADD z 1e-400 a", "EXISTS z"),
		C("zadd odd scores", "ZADD z 0x10 a 1e3 b +5 c -.5 d 5. e 1E2 f inf g -inf h +inf i INFINITY j 2e-324 k 3e-324 l", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd option names as members", "ZADD z 1 nx 2 xx 3 ch 4 incr 5 gt 6 lt", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd option case", "ZADD z Nx 1 a", "ZADD z xX cH 2 a", "ZADD z iNcR 1 a", "ZADD z Gt 9 a"),
		C("zadd wrongtype", "SET s v", "ZADD s 1 a", "ZINCRBY s 1 a", "LPUSH l a", "ZADD l 1 a"),
		C("zadd wrongtype after parse errors", "SET s v", "ZADD s x a", "ZADD s NX XX 1 a", "ZADD s 1"),
		C("zadd binary members", `ZADD z 1 "\x00" 2 "a\x00b" 3 "\xff\xfe" 4 ""`, "ZRANGE z 0 -1 WITHSCORES", `ZSCORE z "a\x00b"`, `ZSCORE z ""`),
		C("zadd negative zero", "ZADD z -0 a", "ZSCORE z a", "ZADD z 0 a", "ZADD z CH 0 a", "ZSCORE z a", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd ordering ties by member", "ZADD z 1 c 1 a 1 b 0 z 2 A", "ZRANGE z 0 -1", "ZREVRANGE z 0 -1"),
		C("zadd update moves", "ZADD z 1 a 2 b 3 c", "ZADD z 10 a", "ZRANGE z 0 -1", "ZADD z 2.5 a", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd float formatting", "ZADD z 0.1 a 1.5e-7 b 1e21 c 123456789012345678 d 3.0 e -2.50 f", "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z a", "ZMSCORE z a b c d e f"),
		C("zadd big set", big, "ZCARD big", "ZRANGE big 0 4 WITHSCORES", "ZRANGE big -3 -1"),
		// ZINCRBY
		C("zincrby", "ZINCRBY z 1 a", "ZINCRBY z 2.5 a", "ZINCRBY z -10 a", "ZSCORE z a", "ZINCRBY z 0.1 b", "ZINCRBY z 0.2 b"),
		C("zincrby inf nan", "ZINCRBY z inf a", "ZINCRBY z 1 a", "ZINCRBY z -inf a", "ZSCORE z a", "ZINCRBY z +inf b", "ZINCRBY z -inf b"),
		C("zincrby overflow to inf", "ZINCRBY z 1.7e308 a", "ZINCRBY z 1.7e308 a", "ZSCORE z a"),
		C("zincrby bad", "ZINCRBY z x a", "ZINCRBY z nan a", "ZINCRBY z '' a", "ZINCRBY z 1e999 a", "EXISTS z"),
		C("zincrby options are syntax errors", "ZINCRBY z nx a", "ZINCRBY z incr 1", "ZINCRBY z 1 nx", "ZRANGE z 0 -1 WITHSCORES"),
		C("zincrby arity", "ZINCRBY z 1", "ZINCRBY z 1 a b"),
		// ZREM
		C("zrem", "ZADD z 1 a 2 b 3 c", "ZREM z a", "ZREM z a", "ZREM z b c d", "EXISTS z"),
		C("zrem missing and duplicates", "ZREM nokey a", "ZADD z 1 a 2 b", "ZREM z a a a", "ZRANGE z 0 -1"),
		C("zrem wrongtype arity", "SET s v", "ZREM s a", "ZREM z"),
		C("zrem binary", `ZADD z 1 "\x00\xff" 2 b`, `ZREM z "\x00\xff"`, "ZRANGE z 0 -1"),
		// ZCARD ZSCORE ZMSCORE
		C("zcard", "ZCARD nokey", "ZADD z 1 a 2 b", "ZCARD z", "SET s v", "ZCARD s", "ZCARD", "ZCARD a b"),
		C("zscore", "ZADD z 1.5 a", "ZSCORE z a", "ZSCORE z b", "ZSCORE nokey a", "SET s v", "ZSCORE s a", "ZSCORE z"),
		C("zscore inf", "ZADD z inf a -inf b", "ZSCORE z a", "ZSCORE z b", "ZMSCORE z a b c"),
		C("zmscore", "ZADD z 1 a 2 b", "ZMSCORE z a b c", "ZMSCORE nokey a b", "ZMSCORE z", "SET s v", "ZMSCORE s a"),
		// ZRANK ZREVRANK
		C("zrank", "ZADD z 1 a 2 b 3 c", "ZRANK z a", "ZRANK z c", "ZREVRANK z a", "ZREVRANK z c", "ZRANK z x", "ZRANK nokey a"),
		C("zrank errors", "SET s v", "ZRANK s a", "ZREVRANK s a", "ZRANK z", "ZRANK z a withscore"),
		C("zrank big", big, "ZRANK big m150", "ZREVRANK big m150", "ZRANK big m0", "ZREVRANK big m199"),
		// ZCOUNT ZLEXCOUNT
		C("zcount", "ZADD z 1 a 2 b 3 c 4 d", "ZCOUNT z 2 3", "ZCOUNT z (2 3", "ZCOUNT z (2 (3", "ZCOUNT z -inf +inf", "ZCOUNT z 3 2", "ZCOUNT z (3 (3", "ZCOUNT z 3 3"),
		C("zcount errors", "ZADD z 1 a", "ZCOUNT z a b", "ZCOUNT z 1 b", "ZCOUNT z nan 1", "ZCOUNT z ((1 2", "ZCOUNT nokey 1 2", "SET s v", "ZCOUNT s 1 2", "ZCOUNT s x y"),
		C("zcount odd bounds", "ZADD z 0 a 1 b", "ZCOUNT z '' 1", "ZCOUNT z ( 1", "ZCOUNT z ' 0' 1", "ZCOUNT z 1e400 inf", "ZCOUNT z -1e400 0x1"),
		C("zlexcount", lex, "ZLEXCOUNT lex - +", "ZLEXCOUNT lex [a [c", "ZLEXCOUNT lex (a (c", "ZLEXCOUNT lex [aa +", "ZLEXCOUNT lex + -", "ZLEXCOUNT lex - -", "ZLEXCOUNT lex [ (b"),
		C("zlexcount errors", "ZADD z 0 a", "ZLEXCOUNT z a b", "ZLEXCOUNT z [a b", "ZLEXCOUNT z '' +", "ZLEXCOUNT z -- +", "ZLEXCOUNT nokey - +", "SET s v", "ZLEXCOUNT s - +"),
		// ZRANGE by rank
		C("zrange rank", "ZADD z 1 a 2 b 3 c 4 d", "ZRANGE z 0 -1", "ZRANGE z 1 2", "ZRANGE z -2 -1", "ZRANGE z -100 100", "ZRANGE z 2 1", "ZRANGE z 5 10", "ZRANGE z -1 -2"),
		C("zrange rank huge indexes", "ZADD z 1 a 2 b", "ZRANGE z 0 9223372036854775807", "ZRANGE z -9223372036854775808 0", "ZRANGE z 9223372036854775807 -1"),
		C("zrange rank rev", "ZADD z 1 a 2 b 3 c 4 d", "ZRANGE z 0 1 REV", "ZRANGE z 0 -1 REV WITHSCORES", "ZREVRANGE z 0 1", "ZREVRANGE z -1 -1 WITHSCORES"),
		C("zrange rank withscores", "ZADD z 1 a 2.5 b", "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 0 -1 withscores withscores"),
		C("zrange missing", "ZRANGE nokey 0 -1", "ZRANGE nokey 0 -1 WITHSCORES", "ZRANGE nokey (1 2 BYSCORE", "ZRANGE nokey a b"),
		C("zrange errors", "ZADD z 1 a", "ZRANGE z a b", "ZRANGE z 0 1 LIMIT 0 1", "ZRANGE z 0 1 LIMIT 0 -1", "ZRANGE z 0 1 foo", "ZRANGE z 0 1 REV REV", "ZRANGE z 0 1 BYSCORE BYLEX", "ZRANGE z [a [b BYLEX WITHSCORES", "ZRANGE z 0 1 LIMIT 0", "ZRANGE z 0"),
		C("zrange wrongtype", "SET s v", "ZRANGE s 0 -1", "ZRANGE s x y", "ZREVRANGE s 0 1", "ZRANGEBYSCORE s 0 1", "ZRANGEBYLEX s - +"),
		C("zrange limit errors", "ZADD z 1 a", "ZRANGE z 0 1 BYSCORE LIMIT x 1", "ZRANGE z 0 1 BYSCORE LIMIT 0 y", "ZRANGEBYSCORE z 0 1 LIMIT 1", "ZRANGEBYSCORE z 0 1 LIMIT"),
		// ZRANGE BYSCORE
		C("zrange byscore", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGE z 2 4 BYSCORE", "ZRANGE z (2 4 BYSCORE WITHSCORES", "ZRANGE z -inf +inf BYSCORE", "ZRANGE z 4 2 BYSCORE", "ZRANGE z 4 2 BYSCORE REV", "ZRANGE z (4 (2 BYSCORE REV WITHSCORES"),
		C("zrange byscore limit", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGE z -inf +inf BYSCORE LIMIT 1 2", "ZRANGE z -inf +inf BYSCORE LIMIT 1 -1", "ZRANGE z -inf +inf BYSCORE LIMIT 1 0", "ZRANGE z -inf +inf BYSCORE LIMIT -1 2", "ZRANGE z -inf +inf BYSCORE LIMIT 5 2", "ZRANGE z -inf +inf BYSCORE LIMIT 4 9223372036854775807", "ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES"),
		C("zrangebyscore", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZRANGEBYSCORE z 2 4", "ZRANGEBYSCORE z (2 (4 WITHSCORES", "ZRANGEBYSCORE z -inf 3 LIMIT 1 5", "ZRANGEBYSCORE z 3 3", "ZRANGEBYSCORE z (3 3", "ZRANGEBYSCORE z 2 4 REV", "ZRANGEBYSCORE z 2 4 BYSCORE"),
		C("zrevrangebyscore", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZREVRANGEBYSCORE z 4 2", "ZREVRANGEBYSCORE z 2 4", "ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2", "ZREVRANGEBYSCORE z (4 (2", "ZREVRANGEBYSCORE z x 1"),
		C("zrangebyscore inf scores", "ZADD z -inf a 0 b inf c", "ZRANGEBYSCORE z -inf +inf WITHSCORES", "ZRANGEBYSCORE z (-inf (inf", "ZRANGEBYSCORE z inf inf", "ZREVRANGEBYSCORE z inf -inf"),
		C("zrangebyscore ties", "ZADD z 1 c 1 a 1 b 2 d", "ZRANGEBYSCORE z 1 1", "ZREVRANGEBYSCORE z 1 1", "ZRANGEBYSCORE z 1 2 LIMIT 1 2"),
		C("zrangebyscore big", big, "ZRANGEBYSCORE big 100 200 LIMIT 0 10", "ZRANGEBYSCORE big (150 +inf LIMIT 10 5 WITHSCORES", "ZREVRANGEBYSCORE big 100 -inf LIMIT 3 4", "ZCOUNT big 50 (150"),
		// ZRANGE BYLEX
		C("zrange bylex", lex, "ZRANGE lex - + BYLEX", "ZRANGE lex [a (c BYLEX", "ZRANGE lex (a [c BYLEX", "ZRANGE lex + - BYLEX REV", "ZRANGE lex [c [a BYLEX REV", "ZRANGE lex - + BYLEX LIMIT 2 3", "ZRANGE lex + - BYLEX REV LIMIT 1 2"),
		C("zrangebylex", lex, "ZRANGEBYLEX lex - +", "ZRANGEBYLEX lex [aa [b", "ZRANGEBYLEX lex (aa +", `ZRANGEBYLEX lex - "(\x00"`, `ZRANGEBYLEX lex "[\xff" +`, "ZRANGEBYLEX lex - + LIMIT 0 3", "ZRANGEBYLEX lex + -", "ZRANGEBYLEX lex [b [a"),
		C("zrevrangebylex", lex, "ZREVRANGEBYLEX lex + -", "ZREVRANGEBYLEX lex [c [a", "ZREVRANGEBYLEX lex (c - LIMIT 1 2", "ZREVRANGEBYLEX lex - +"),
		C("zrangebylex errors", lex, "ZRANGEBYLEX lex a b", "ZRANGEBYLEX lex - + WITHSCORES", "ZRANGEBYLEX lex [a", "ZRANGEBYLEX lex -a +", "ZRANGEBYLEX lex - + LIMIT 0", "ZRANGEBYLEX lex - + LIMIT a 1", "ZRANGEBYLEX nokey - +", "ZRANGEBYLEX nokey a b"),
		C("zrangebylex mixed scores listpack", "ZADD z 1 b 2 a 3 d 0 c", "ZRANGEBYLEX z - +", "ZRANGEBYLEX z [a [c", "ZLEXCOUNT z [a [c", "ZREVRANGEBYLEX z [d [a"),
		C("zrangebylex big", bigLex, "ZRANGEBYLEX blex [w1 (w2", "ZRANGEBYLEX blex (w5 + LIMIT 2 3", "ZREVRANGEBYLEX blex [w3 - LIMIT 0 4", "ZLEXCOUNT blex [w1 [w2", "OBJECT ENCODING blex"),
		// ZRANGESTORE
		C("zrangestore", "ZADD z 1 a 2 b 3 c", "ZRANGESTORE d z 0 1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 1 2 BYSCORE REV", "ZRANGESTORE d z (1 +inf BYSCORE LIMIT 0 1", "ZRANGE d 0 -1 WITHSCORES"),
		C("zrangestore bylex", "ZADD z 0 a 0 b 0 c", "ZRANGESTORE d z [b + BYLEX", "ZRANGE d 0 -1", "ZRANGESTORE d z - + BYLEX REV LIMIT 0 1", "ZRANGE d 0 -1"),
		C("zrangestore empty deletes", "ZADD z 1 a", "SET d x", "ZRANGESTORE d z 5 10", "EXISTS d", "SET d x", "ZRANGESTORE d nokey 0 -1", "EXISTS d"),
		C("zrangestore overwrites and clears ttl", "ZADD z 1 a", "SET d x EX 100", "ZRANGESTORE d z 0 -1", "TYPE d", "TTL d"),
		C("zrangestore errors", "ZADD z 1 a", "ZRANGESTORE d z 0 -1 WITHSCORES", "ZRANGESTORE d z 0 1 LIMIT 0 1", "SET s v", "ZRANGESTORE d s 0 -1", "ZRANGESTORE d z", "ZRANGESTORE d z a b"),
		C("zrangestore same key", "ZADD z 1 a 2 b 3 c", "ZRANGESTORE z z 1 -1", "ZRANGE z 0 -1 WITHSCORES"),
		C("zrangestore encoding", big, "ZRANGESTORE d big 0 127", "OBJECT ENCODING d", "ZRANGESTORE d big 0 128", "OBJECT ENCODING d", "ZRANGESTORE d big 0 199 BYSCORE", "OBJECT ENCODING d"),
		// ZREMRANGEBY*
		C("zremrangebyrank", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZREMRANGEBYRANK z 0 1", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z -1 -1", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z 0 -1", "EXISTS z"),
		C("zremrangebyrank edge", "ZADD z 1 a 2 b 3 c", "ZREMRANGEBYRANK z 2 1", "ZREMRANGEBYRANK z -100 0", "ZRANGE z 0 -1", "ZREMRANGEBYRANK nokey 0 -1", "ZREMRANGEBYRANK z a 1", "ZREMRANGEBYRANK z 0 b"),
		C("zremrangebyscore", "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZREMRANGEBYSCORE z 2 3", "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z (4 +inf", "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z -inf +inf", "EXISTS z", "ZREMRANGEBYSCORE z 1 2"),
		C("zremrangebyscore errors", "ZADD z 1 a", "ZREMRANGEBYSCORE z a 1", "ZREMRANGEBYSCORE z 1 nan", "SET s v", "ZREMRANGEBYSCORE s 0 1", "ZREMRANGEBYSCORE s x 1"),
		C("zremrangebylex", lex, "ZREMRANGEBYLEX lex [a [b", "ZRANGE lex 0 -1", "ZREMRANGEBYLEX lex (c +", "ZRANGE lex 0 -1", "ZREMRANGEBYLEX lex - +", "EXISTS lex"),
		C("zremrangebylex errors", "ZADD z 0 a", "ZREMRANGEBYLEX z a b", "ZREMRANGEBYLEX nokey - +", "SET s v", "ZREMRANGEBYLEX s - +", "ZREMRANGEBYLEX s a b"),
		C("zremrange big", big, "ZREMRANGEBYRANK big 10 19", "ZREMRANGEBYSCORE big 100 (150", "ZCARD big", "ZRANGE big 8 12", "ZRANGE big 88 92"),
		// ZPOPMIN ZPOPMAX
		C("zpopmin", "ZADD z 1 a 2 b 3 c", "ZPOPMIN z", "ZPOPMIN z 1", "ZPOPMIN z 5", "EXISTS z", "ZPOPMIN z"),
		C("zpopmax", "ZADD z 1 a 2 b 3 c", "ZPOPMAX z", "ZPOPMAX z 2", "EXISTS z"),
		C("zpop count zero and errors", "ZADD z 1 a", "ZPOPMIN z 0", "ZPOPMIN z -1", "ZPOPMIN z x", "ZPOPMIN z 1 2", "ZPOPMIN nokey 0", "ZPOPMIN nokey -1", "ZPOPMAX nokey 3", "ZRANGE z 0 -1"),
		C("zpop wrongtype", "SET s v", "ZPOPMIN s", "ZPOPMAX s 2", "ZPOPMIN s 0", "ZPOPMIN s -1"),
		C("zpop ties and huge count", "ZADD z 1 b 1 a 1 c", "ZPOPMAX z 9223372036854775807", "ZADD z 1 b 1 a 1 c", "ZPOPMIN z 2"),
		// ZMPOP
		C("zmpop", "ZADD a 1 x 2 y 3 z", "ZADD b 5 q", "ZMPOP 2 nokey a MIN", "ZMPOP 2 a b MAX COUNT 10", "ZMPOP 1 b min COUNT 1", "ZMPOP 2 a b MIN", "EXISTS b"),
		C("zmpop errors", "ZADD a 1 x", "ZMPOP 0 a MIN", "ZMPOP -1 a MIN", "ZMPOP x a MIN", "ZMPOP 1 a", "ZMPOP 2 a MIN", "ZMPOP 1 a FOO", "ZMPOP 1 a MIN COUNT 0", "ZMPOP 1 a MIN COUNT -1", "ZMPOP 1 a MIN COUNT x", "ZMPOP 1 a MIN COUNT 1 COUNT 2", "ZMPOP 1 a MIN COUNT", "ZMPOP 1 a MIN LIMIT 1", "ZMPOP 9223372036854775807 a MIN"),
		C("zmpop wrongtype", "SET s v", "ZADD a 1 x", "ZMPOP 2 s a MIN", "ZMPOP 2 nokey s MAX", "ZMPOP 2 a s MIN"),
		C("zmpop all missing", "ZMPOP 2 a b MIN", "ZMPOP 1 a MAX COUNT 3"),
		// BZPOP* without blocking
		C("bzpopmin ready", "ZADD z 1 a 2 b", "BZPOPMIN z 0", "BZPOPMAX nokey z 1", "EXISTS z", "BZPOPMIN z 0.05", "BZPOPMAX nokey z 0.01"),
		C("bzpop errors", "ZADD z 1 a", "BZPOPMIN z x", "BZPOPMIN z -1", "BZPOPMIN z nan", "BZPOPMIN z inf", "BZPOPMIN z 1e400", "BZPOPMIN z 1e5000", "BZPOPMIN z ''", "BZPOPMAX z", "SET s v", "BZPOPMIN s 0", "BZPOPMIN s x"),
		C("bzmpop ready", "ZADD a 1 x 2 y 3 z", "BZMPOP 0 2 nokey a MAX COUNT 2", "BZMPOP 0.5 1 a MIN", "EXISTS a"),
		C("bzmpop errors", "ZADD a 1 x", "BZMPOP x 1 a MIN", "BZMPOP -1 1 a MIN", "BZMPOP 0 0 a MIN", "BZMPOP 0 1 a", "BZMPOP 0 1 a MIN COUNT 0", "BZMPOP x 0 a MIN", "BZMPOP x 1 a FOO", "SET s v", "BZMPOP 0 1 s MIN"),
		C("bzpop in multi", "MULTI", "BZPOPMIN nokey 0", "BZPOPMAX nokey 1", "BZMPOP 0 1 nokey MIN", "ZADD z 1 a", "BZPOPMIN z 0", "EXEC"),
		C("bzpop in script", "EVAL \"return redis.call('bzpopmin', 'nokey', 0)\" 0", "EVAL \"return redis.call('bzmpop', 0, 1, 'nokey', 'MIN')\" 0"),
		// ZRANDMEMBER
		C("zrandmember missing", "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 5", "ZRANDMEMBER nokey -5 WITHSCORES", "ZRANDMEMBER nokey 0"),
		C("zrandmember single member", "ZADD z 1.5 a", "ZRANDMEMBER z", "ZRANDMEMBER z 1", "ZRANDMEMBER z -3", "ZRANDMEMBER z -3 WITHSCORES", "ZRANDMEMBER z 5 WITHSCORES", "ZRANDMEMBER z 1 WITHSCORES"),
		C("zrandmember whole set in order", "ZADD z 3 c 1 a 2 b", "ZRANDMEMBER z 3", "ZRANDMEMBER z 10 WITHSCORES", "ZRANDMEMBER z 0", "ZRANDMEMBER z 0 WITHSCORES"),
		C("zrandmember whole big set", big, "ZRANDMEMBER big 200", "ZRANDMEMBER big 500 WITHSCORES"),
		C("zrandmember random shapes", big, "!ZRANDMEMBER big", "!ZRANDMEMBER big 5", "!ZRANDMEMBER big -5 WITHSCORES", "!ZRANDMEMBER big 150", "ZADD z 1 a 2 b 3 c 4 d", "!ZRANDMEMBER z 2 WITHSCORES", "!ZRANDMEMBER z -10"),
		C("zrandmember errors", "ZADD z 1 a", "ZRANDMEMBER z x", "ZRANDMEMBER z 1 foo", "ZRANDMEMBER z 1 WITHSCORES x", "ZRANDMEMBER z -9223372036854775808", "ZRANDMEMBER z 9223372036854775808", "ZRANDMEMBER z -4611686018427387904 WITHSCORES", "ZRANDMEMBER z 4611686018427387904 WITHSCORES", "SET s v", "ZRANDMEMBER s", "ZRANDMEMBER s 1", "ZRANDMEMBER s x"),
		// ZUNION ZINTER ZDIFF and STORE forms
		C("zunion", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 3 a b nokey WITHSCORES", "ZUNION 1 nokey"),
		C("zunion weights aggregate", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "ZUNION 2 a b WEIGHTS 2 3 WITHSCORES", "ZUNION 2 a b AGGREGATE MIN WITHSCORES", "ZUNION 2 a b AGGREGATE max WITHSCORES", "ZUNION 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES", "ZUNION 2 a b WEIGHTS 0 0 WITHSCORES"),
		C("zunion inf nan", "ZADD a inf x -inf y", "ZADD b -inf x inf y", "ZUNION 2 a b WITHSCORES", "ZUNION 2 a b WEIGHTS 0 1 WITHSCORES", "ZINTER 2 a b WITHSCORES", "ZINTER 2 a b WEIGHTS 1 0 WITHSCORES", "ZUNION 2 a b AGGREGATE MIN WITHSCORES"),
		C("zunion with sets", "ZADD a 5 x 2 y", "SADD s y z 7", "ZUNION 2 a s WITHSCORES", "ZINTER 2 a s WITHSCORES", "ZDIFF 2 s a WITHSCORES", "ZDIFF 2 a s WITHSCORES", "ZUNION 1 s WITHSCORES"),
		C("zinter", "ZADD a 1 x 2 y 3 w", "ZADD b 3 y 4 x", "ZADD c 1 y", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b c", "ZINTER 2 a nokey", "ZINTER 2 a a WITHSCORES", "ZINTER 2 a b AGGREGATE MAX WEIGHTS 1 2 WITHSCORES"),
		C("zdiff", "ZADD a 1 x 2 y 3 w", "ZADD b 3 y", "ZDIFF 2 a b", "ZDIFF 2 a b WITHSCORES", "ZDIFF 1 a", "ZDIFF 2 nokey a", "ZDIFF 2 a a", "ZDIFF 3 a nokey b WITHSCORES"),
		C("zunion errors", "ZADD a 1 x", "ZUNION 0 a", "ZUNION -1 a", "ZUNION x a", "ZUNION 2 a", "ZUNION 1 a WEIGHTS", "ZUNION 1 a WEIGHTS x", "ZUNION 1 a WEIGHTS 1 2", "ZUNION 1 a AGGREGATE", "ZUNION 1 a AGGREGATE avg", "ZUNION 1 a foo", "ZUNION 1 a LIMIT 1"),
		C("zdiff errors", "ZADD a 1 x", "ZDIFF 1 a WEIGHTS 1", "ZDIFF 1 a AGGREGATE SUM", "ZDIFF 0 a", "ZDIFF 2 a", "ZDIFFSTORE d 1 a WITHSCORES"),
		C("zsetop wrongtype", "SET s v", "ZADD a 1 x", "ZUNION 2 a s", "ZINTER 2 s a", "ZDIFF 2 a s", "ZUNIONSTORE d 2 a s", "ZINTERCARD 2 a s", "ZUNION 2 s a badopt", "LPUSH l x", "ZUNION 2 a l"),
		C("zunionstore", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "ZUNIONSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "ZUNIONSTORE d 2 a b WEIGHTS 2 1 AGGREGATE MAX", "ZRANGE d 0 -1 WITHSCORES", "ZUNIONSTORE d 2 nokey nokey2", "EXISTS d"),
		C("zinterstore", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "ZINTERSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "SET d2 v", "ZINTERSTORE d2 2 a nokey", "EXISTS d2", "ZINTERSTORE d 2 a b WITHSCORES"),
		C("zdiffstore", "ZADD a 1 x 2 y", "ZADD b 3 y 4 z", "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 a a", "EXISTS d", "ZDIFFSTORE d 1 nokey"),
		C("zstore onto source", "ZADD a 1 x 2 y", "ZADD b 3 y", "ZUNIONSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES", "ZINTERSTORE b 2 a b", "ZRANGE b 0 -1 WITHSCORES"),
		C("zstore ttl and type", "ZADD a 1 x", "SET d v EX 100", "ZUNIONSTORE d 1 a", "TTL d", "TYPE d", "LPUSH l q", "ZINTERSTORE l 1 a", "TYPE l"),
		C("zstore encodings", big, "ZADD small 1 a 2 b", "ZUNIONSTORE d 1 small", "OBJECT ENCODING d", "ZUNIONSTORE d 1 big", "OBJECT ENCODING d", "ZINTERSTORE d 2 big small", "ZUNIONSTORE d 2 big small", "ZDIFFSTORE d 2 small big", "OBJECT ENCODING d", "ZADD lg 1 "+long, "ZUNIONSTORE d 1 lg", "OBJECT ENCODING d", "ZDIFFSTORE d 2 big lg", "OBJECT ENCODING d", "ZINTERSTORE d 2 big big", "OBJECT ENCODING d"),
		C("zstore big results", big, zaddMany("big2", "m", 100, 300, scoreI), "ZUNIONSTORE u 2 big big2", "ZINTERSTORE i 2 big big2 WEIGHTS 1 0.5", "ZDIFFSTORE d 2 big big2", "ZRANGE u 95 105 WITHSCORES", "ZRANGE i 0 4 WITHSCORES", "ZRANGE d -3 -1 WITHSCORES"),
		C("zintercard", "ZADD a 1 x 2 y 3 z", "ZADD b 1 y 2 z 3 w", "SADD s z", "ZINTERCARD 2 a b", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 0", "ZINTERCARD 3 a b s", "ZINTERCARD 2 a nokey", "ZINTERCARD 1 a LIMIT 10"),
		C("zintercard errors", "ZADD a 1 x", "ZINTERCARD 0 a", "ZINTERCARD -1 a", "ZINTERCARD x a", "ZINTERCARD 2 a", "ZINTERCARD 1 a LIMIT -1", "ZINTERCARD 1 a LIMIT x", "ZINTERCARD 1 a LIMIT", "ZINTERCARD 1 a WITHSCORES", "ZINTERCARD 1 a WEIGHTS 1", "ZINTERCARD 1 a AGGREGATE SUM"),
		// ZSCAN
		C("zscan listpack", "ZADD z 1 a 2.5 b -3 c inf d", "ZSCAN z 0", "ZSCAN z 0 COUNT 1", "ZSCAN z 17", "ZSCAN z 0 MATCH a*", "ZSCAN z 0 MATCH x*"),
		C("zscan missing and errors", "ZSCAN nokey 0", "ZSCAN nokey x", "ZSCAN nokey 0 COUNT 0", "ZADD z 1 a", "ZSCAN z x", "ZSCAN z 0 COUNT 0", "ZSCAN z 0 COUNT x", "ZSCAN z 0 FOO bar", "ZSCAN z 0 COUNT", "ZSCAN z 0 TYPE zset", "ZSCAN z -1", "SET s v", "ZSCAN s 0"),
		C("zscan scores format", "ZADD z 0.1 a 1e21 b -0 c 123456789012345678 d", "ZSCAN z 0"),
		C("zscan skiplist shape", big, "!ZSCAN big 0", "!ZSCAN big 0 COUNT 1000 MATCH m1*"),
		// Encoding
		C("encoding listpack to skiplist by count", zaddMany("z", "m", 0, 128, scoreI), "OBJECT ENCODING z", "ZADD z 1 m5", "OBJECT ENCODING z", "ZADD z 1 extra", "OBJECT ENCODING z", "ZREM z extra m1 m2", "OBJECT ENCODING z"),
		C("encoding by member length", "ZADD z 1 "+edge, "OBJECT ENCODING z", "ZADD z 1 "+long, "OBJECT ENCODING z", "ZREM z "+long, "OBJECT ENCODING z", "ZADD y 1 "+long, "OBJECT ENCODING y", "ZINCRBY x 1 "+long, "OBJECT ENCODING x"),
		C("encoding created by many pairs", zaddMany("z", "m", 0, 129, scoreI), "OBJECT ENCODING z", zaddMany("d", "m", 0, 0, scoreI)+strings.Repeat(" 1 dup", 130), "OBJECT ENCODING d", "ZADD x 1 a 1 "+long, "OBJECT ENCODING x", "ZADD w 1 a", "ZADD w XX 1 "+long, "OBJECT ENCODING w"),
		C("encoding never shrinks", zaddMany("z", "m", 0, 130, scoreI), "ZREMRANGEBYRANK z 0 125", "ZCARD z", "OBJECT ENCODING z"),
		// Keyspace effects
		C("zset expire and type", "ZADD z 1 a", "EXPIRE z 100", "ZADD z 2 b", "TTL z", "ZREM z a b", "EXISTS z", "TTL z"),
		C("zset empty after ops deletes key", "ZADD z 1 a", "ZPOPMIN z", "EXISTS z", "ZADD z 1 a", "ZREMRANGEBYSCORE z -inf inf", "EXISTS z", "ZADD z 0 a", "ZREMRANGEBYLEX z - +", "EXISTS z"),
		C("zset in multi", "MULTI", "ZADD z 1 a 2 b", "ZINCRBY z 5 a", "ZRANGE z 0 -1 WITHSCORES", "ZPOPMAX z", "EXEC"),
		C("zset arity errors", "ZSCORE z", "ZMSCORE z", "ZRANGE z 0", "ZCOUNT z 0", "ZLEXCOUNT z -", "ZREMRANGEBYRANK z 0", "ZPOPMIN", "ZUNION 1", "ZUNIONSTORE d 1", "ZINTERCARD 1", "ZRANDMEMBER", "ZSCAN z", "ZMPOP 1", "BZMPOP 0 1", "BZPOPMIN z", "ZRANGEBYSCORE z 0", "ZREVRANGEBYLEX z +", "ZRANGESTORE d z 0"),
		C("zset commands on big set", big, "ZSCORE big m42", "ZMSCORE big m1 m199 nope", "ZCOUNT big (10 20", "ZRANGE big 50 55 WITHSCORES", "ZREVRANGE big 0 2", "ZPOPMIN big 2", "ZPOPMAX big", "ZCARD big", "OBJECT ENCODING big"),
	}
	diff(t, cases)
}

// More sorted-set edge cases: argument parsing, encodings and
// configuration, inputs mixing sets and sorted sets.
func TestDiffZSetsMore(t *testing.T) {
	big := zaddMany("big", "m", 0, 200, scoreI)
	bigLex := zaddMany("blex", "w", 0, 300, scoreZero)
	cases := []testserver.Case{
		// Options are read as C strings: a NUL ends them.
		C("options end at nul", `ZADD z "NX\x00junk" 1 a`, "ZADD z 1 b", `ZRANGE z 0 -1 "WITHSCORES\x00x"`, `ZRANGE z 0 -1 "WITH\x00SCORES"`),
		C("zadd one bad score adds nothing", "ZADD z 1 a 2 b x c 4 d", "EXISTS z", "ZADD z 1 a 2 b", "ZADD z 5 a x b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd gt lt new members and ch", "ZADD z GT CH 1 a", "ZADD z LT CH 1 b", "ZADD z GT CH 0 a 5 b 1 c", "ZADD z LT XX CH 0 a 9 b 1 d", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd incr xx missing member", "ZADD z 1 a", "ZADD z XX INCR 1 b", "ZADD z NX INCR 1 a", "ZADD z INCR GT 1 b", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd score spellings", "ZADD z -0x1p3 a .5e1 b 5e+1 c infinity d -Infinity e iNf f 0X1F g 1E-2 h", "ZRANGE z 0 -1 WITHSCORES"),
		C("zadd bad score spellings", "ZADD z 1_000 a", "ZADD z 0x a", "ZADD z 1e a", "ZADD z +nan a", "ZADD z -nan a", "ZADD z 0x1p a", "ZADD z '1 2' a", "ZADD z '' a", "ZADD z . a", "ZADD z infinit a", "EXISTS z"),
		C("zincrby hex and exponents", "ZINCRBY z 0x10 a", "ZINCRBY z 1e2 a", "ZINCRBY z -0x1p4 a", "ZINCRBY z 0.5 a"),
		C("zincrby long member skiplist", "ZINCRBY z 1 "+strings.Repeat("x", 100), "OBJECT ENCODING z", "ZINCRBY z 1 "+strings.Repeat("x", 100), "ZRANGE z 0 -1 WITHSCORES"),
		C("zincrby repeated decimals", "ZINCRBY z 0.1 a", "ZINCRBY z 0.1 a", "ZINCRBY z 0.1 a", "ZINCRBY z -0.3 a", "ZSCORE z a"),
		C("negative zero skiplist keeps sign", big, "ZADD big -0 x", "ZSCORE big x", "ZINCRBY big -0 x", "ZRANGE big 0 0 WITHSCORES", "ZUNIONSTORE u 1 big", "ZSCORE u x", "ZUNION 1 big WITHSCORES LIMIT 0 1"),
		C("negative zero listpack from store", big, "ZADD big -0 x", "ZRANGESTORE d big 0 0", "OBJECT ENCODING d", "ZSCORE d x", "ZSCAN d 0", "ZINTERSTORE i 2 big d", "ZSCORE i x"),
		C("negative zero zincrby new member", "ZINCRBY z -0 n", "ZSCORE z n", "ZADD z INCR -0 m", "ZSCORE z m"),
		C("zrange exclusive infinities", "ZADD z -inf a 1 b inf c", "ZRANGEBYSCORE z (-inf (inf", "ZRANGEBYSCORE z -inf (-inf", "ZRANGEBYSCORE z (inf +inf", "ZCOUNT z (-inf +inf", "ZRANGEBYSCORE z -inf -inf WITHSCORES"),
		C("zrange huge offsets", "ZADD z 1 a 2 b 3 c", "ZRANGEBYSCORE z -inf +inf LIMIT 9223372036854775807 1", "ZRANGEBYSCORE z -inf +inf LIMIT 2 9223372036854775807", "ZRANGEBYSCORE z -inf +inf LIMIT -9223372036854775808 1", "ZREVRANGEBYLEX z + - LIMIT 1 -5"),
		C("zrange invalid integers", "ZADD z 1 a", "ZRANGE z -0 1", "ZRANGE z +1 2", "ZRANGE z 01 2", "ZRANGE z ' 1' 2", "ZRANGE z 1.0 2", "ZRANGE z 9223372036854775808 1"),
		C("zrange rev lex limit", "ZADD z 0 a 0 b 0 c 0 d 0 e", "ZRANGE z [d [b BYLEX REV", "ZRANGE z + - BYLEX REV LIMIT 2 2", "ZRANGE z (e - BYLEX REV LIMIT 0 10", "ZRANGE z [b [d BYLEX REV"),
		C("zrange byscore rev store", "ZADD z 1 a 2 b 3 c 4 d", "ZRANGESTORE d z 3 1 BYSCORE REV LIMIT 1 5", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 0 -1 REV", "ZRANGE d 0 -1"),
		C("zrangebylex empty bounds", "ZADD z 0 '' 0 a 0 b", "ZRANGEBYLEX z [ [a", "ZRANGEBYLEX z ( [a", "ZRANGEBYLEX z - (", "ZRANGEBYLEX z - [", "ZLEXCOUNT z ( +", "ZLEXCOUNT z [b [a"),
		C("zlexcount big", bigLex, "ZLEXCOUNT blex - +", "ZLEXCOUNT blex [w1 (w2", "ZLEXCOUNT blex (w299 +", "ZLEXCOUNT blex - (w0", "ZREMRANGEBYLEX blex (w1 (w2", "ZCARD blex", "ZRANGEBYLEX blex [w1 [w3 LIMIT 0 5"),
		C("zrank binary and big", big, `ZADD big 5 "\x00"`, `ZRANK big "\x00"`, `ZREVRANK big "\x00"`, "ZRANK big m5", "ZRANK big m4"),
		C("zmscore duplicates", "ZADD z 1 a", "ZMSCORE z a a nope a"),
		C("zcount big", big, "ZCOUNT big -inf +inf", "ZCOUNT big (0 (199", "ZCOUNT big 199 199", "ZCOUNT big 200 +inf", "ZCOUNT big 100.5 100.6"),
		C("zpop skiplist", big, "ZPOPMIN big 3", "ZPOPMAX big 2", "ZMPOP 1 big MAX COUNT 2", "ZCARD big", "OBJECT ENCODING big"),
		C("zmpop count exceeding", big, "ZMPOP 1 big MIN COUNT 1000", "EXISTS big"),
		C("zpop invalid counts", "ZADD z 1 a", "ZPOPMIN z +1", "ZPOPMIN z 01", "ZPOPMIN z 1.5", "ZPOPMIN z 9223372036854775808", "ZMPOP 1 z MIN COUNT +1", "ZRANDMEMBER z -0", "ZRANDMEMBER z +1"),
		C("bzpop hex timeout ready", "ZADD z 1 a 2 b", "BZPOPMIN z 0x10", "BZPOPMAX z 1e1", "BZPOPMIN z 0.5"),
		C("zunionstore numkeys huge", "ZADD a 1 x", "ZUNIONSTORE d 9223372036854775807 a", "ZINTER 9223372036854775807 a", "ZINTERCARD 9223372036854775807 a", "ZMPOP 9223372036854775806 a MIN"),
		C("zunion weights inf", "ZADD a 1 x 0 y", "ZADD b 2 x 3 y", "ZUNION 2 a b WEIGHTS inf 1 WITHSCORES", "ZUNION 2 a b WEIGHTS inf -inf WITHSCORES", "ZINTER 2 a b WEIGHTS -inf 0 AGGREGATE MAX WITHSCORES", "ZUNION 2 a b WEIGHTS 1e308 1e308 WITHSCORES"),
		C("zunion options repeated", "ZADD a 1 x", "ZADD b 2 x", "ZUNION 2 a b WEIGHTS 1 2 WEIGHTS 3 4 WITHSCORES", "ZUNION 2 a b AGGREGATE MIN AGGREGATE MAX WITHSCORES", "ZUNION 2 a b WITHSCORES WITHSCORES", "ZUNION 2 a b weights 2 2 aggregate sum withscores"),
		C("zinter three inputs", "ZADD a 1 x 2 y 3 z", "ZADD b 1 x 2 y", "ZADD c 5 y 6 x 7 w", "ZINTER 3 a b c WITHSCORES", "ZINTER 3 c b a WEIGHTS 1 2 3 AGGREGATE MIN WITHSCORES", "ZINTER 3 a b c WEIGHTS -1 -1 -1 AGGREGATE MAX WITHSCORES"),
		C("zinterstore onto input", "ZADD a 1 x 2 y", "ZADD b 3 y", "ZINTERSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES", "ZDIFFSTORE b 2 b a", "EXISTS b"),
		C("zdiff set first", "SADD s 1 2 3 a", "ZADD z 2 2 5 a", "ZDIFF 2 s z WITHSCORES", "ZDIFFSTORE d 2 s z", "ZRANGE d 0 -1 WITHSCORES", "OBJECT ENCODING d"),
		C("zintercard sets only", "SADD s1 a b c", "SADD s2 b c d", "SADD s3 1 2", "ZINTERCARD 2 s1 s2", "ZINTERCARD 2 s1 s2 LIMIT 5", "ZINTERCARD 2 s1 s3", "ZINTERCARD 1 s3"),
		C("zunion intset and zset", "SADD s 3 1 2", "ZADD z 1 1 5 5", "ZUNION 2 s z WITHSCORES", "ZINTER 2 z s WITHSCORES", "ZUNIONSTORE d 2 s z AGGREGATE MAX", "ZRANGE d 0 -1 WITHSCORES"),
		C("zrandmember negative one", "ZADD z 2 only", "ZRANDMEMBER z -1", "ZRANDMEMBER z -1 WITHSCORES", "ZRANDMEMBER z 2 WITHSCORES"),
		C("zscan match patterns", `ZADD z 1 foo 2 bar 3 "f\x00o" 4 baz 5 Foo`, "ZSCAN z 0 MATCH f*", "ZSCAN z 0 MATCH ba?", "ZSCAN z 0 MATCH *a* COUNT 100", `ZSCAN z 0 MATCH "f\x00*"`, "ZSCAN z 0 MATCH [fb]*", "ZSCAN z 0 MATCH *"),
		C("zscan skiplist negative zero shape", big, "ZADD big -0 x", "!ZSCAN big 0 MATCH x", "!ZSCAN big 5 COUNT 3"),
		C("zrangestore bylex big encoding", bigLex, "ZRANGESTORE d blex [w1 (w2 BYLEX", "OBJECT ENCODING d", "ZCARD d", "ZRANGESTORE d blex - + BYLEX LIMIT 0 128", "OBJECT ENCODING d", "ZRANGESTORE d blex - + BYLEX LIMIT 0 129", "OBJECT ENCODING d"),
		C("encoding config entries", "CONFIG SET zset-max-listpack-entries 4", "ZADD z 1 a 2 b 3 c 4 d", "OBJECT ENCODING z", "ZADD z 5 e", "OBJECT ENCODING z", "ZADD y 1 a 2 b 3 c 4 d 5 e", "OBJECT ENCODING y", "ZUNIONSTORE u 1 y", "OBJECT ENCODING u", "ZRANGESTORE r y 0 3", "OBJECT ENCODING r", "CONFIG SET zset-max-listpack-entries 128"),
		C("encoding config zero entries", "CONFIG SET zset-max-listpack-entries 0", "ZADD z 1 a", "OBJECT ENCODING z", "ZRANGESTORE r z 0 -1", "OBJECT ENCODING r", "ZUNIONSTORE u 1 z", "OBJECT ENCODING u", "CONFIG SET zset-max-listpack-entries 128"),
		C("encoding config value", "CONFIG SET zset-max-listpack-value 3", "ZADD z 1 abc", "OBJECT ENCODING z", "ZADD z 1 abcd", "OBJECT ENCODING z", "ZADD y 1 abcd", "OBJECT ENCODING y", "ZINTERSTORE i 1 y", "OBJECT ENCODING i", "CONFIG SET zset-max-listpack-value 64"),
		C("encoding ziplist aliases", "CONFIG SET zset-max-ziplist-entries 2", "ZADD z 1 a 2 b 3 c", "OBJECT ENCODING z", "CONFIG GET zset-max-listpack-entries", "CONFIG SET zset-max-ziplist-entries 128"),
		C("copy rename and type", "ZADD z 1 a 2 b", "COPY z z2", "ZRANGE z2 0 -1 WITHSCORES", "OBJECT ENCODING z2", "RENAME z z3", "ZRANGE z3 0 -1", "TYPE z3", "EXISTS z"),
		C("copy skiplist", "ZADD z 1 "+strings.Repeat("q", 80), "COPY z z2", "OBJECT ENCODING z2", "ZADD z2 2 b", "ZCARD z", "ZCARD z2"),
		C("zset wrongtype everywhere", "SET s v", "ZCOUNT s 0 1", "ZLEXCOUNT s - +", "ZRANGESTORE d s 0 1", "ZREMRANGEBYRANK s 0 1", "ZRANDMEMBER s 1 WITHSCORES", "ZSCAN s 0", "ZMSCORE s a", "ZINTERCARD 1 s", "ZDIFF 1 s", "ZRANK s a", "ZMPOP 1 s MIN", "BZMPOP 0 1 s MIN"),
		C("zset error precedence", "SET s v", "ZRANGE s a b", "ZRANGE s 0 1 LIMIT 0 1", "ZCOUNT s a b", "ZREMRANGEBYSCORE s a b", "ZREMRANGEBYRANK s a b", "ZUNION 0 s", "ZUNION 1 s FOO", "ZRANDMEMBER s x", "ZPOPMIN s x", "ZSCAN s x"),
		C("zadd many members", zaddMany("z", "k", 0, 500, func(i int) string { return fmt.Sprint(i % 17) }), "ZCARD z", "ZRANGE z 0 9 WITHSCORES", "ZRANGEBYSCORE z 16 16 LIMIT 0 3", "ZCOUNT z 3 5", "ZRANK z k499", "OBJECT ENCODING z"),
		C("zset float scores order", "ZADD z 1.1 a 1.01 b 1.001 c 1e-300 d -1e-300 e 1e300 f", "ZRANGE z 0 -1 WITHSCORES", "ZRANGEBYSCORE z 0 1.01", "ZRANGEBYSCORE z (1.001 1.1"),
		C("zset scores near 2^53", "ZADD z 9007199254740993 a 9007199254740992 b 4611686018427387904 c -4611686018427387904 d", "ZRANGE z 0 -1 WITHSCORES", "ZSCAN z 0"),
		C("zscan integral scores", "ZADD z 4611686018427387903 a 4611686018427387905 b 1e19 c -4503599627370496 d 2.5 e", "ZSCAN z 0"),
		C("zrevrange store missing", "ZRANGESTORE d nokey 0 -1 REV", "ZRANGESTORE d nokey (1 5 BYSCORE", "EXISTS d"),
		C("zremrangebyrank huge", "ZADD z 1 a 2 b 3 c", "ZREMRANGEBYRANK z -9223372036854775808 9223372036854775807", "EXISTS z"),
		C("zremrangebyscore exclusive", "ZADD z 1 a 2 b 3 c", "ZREMRANGEBYSCORE z (1 (3", "ZRANGE z 0 -1", "ZREMRANGEBYSCORE z (1 (1", "ZREMRANGEBYSCORE z 3 1", "ZRANGE z 0 -1"),
		C("zrevrangebyscore big offsets", big, "ZREVRANGEBYSCORE big +inf -inf LIMIT 195 10", "ZREVRANGEBYSCORE big 150 100 LIMIT 45 10 WITHSCORES", "ZREVRANGEBYSCORE big (150 (100 LIMIT 0 3"),
		C("zrangebyscore withscores limit order", "ZADD z 1 a 1 b 2 c", "ZRANGEBYSCORE z -inf +inf LIMIT 0 2 WITHSCORES", "ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 1 1", "ZRANGE z -inf +inf BYSCORE WITHSCORES LIMIT 1 1 REV"),
		C("zadd after expire", "ZADD z 1 a", "PEXPIRE z 10", "@sleep 30", "ZADD z 2 b", "ZRANGE z 0 -1 WITHSCORES", "TTL z"),
		C("zunionstore expired source", "ZADD a 1 x", "PEXPIRE a 10", "@sleep 30", "ZUNIONSTORE d 1 a", "EXISTS d"),
		C("zset in multi with errors", "MULTI", "ZADD z 1 a", "ZADD z x a", "ZINCRBY z 1 a", "ZRANGE z 0 -1 LIMIT 0 1", "EXEC", "ZRANGE z 0 -1 WITHSCORES"),
		// RESTORE derives the encoding from the contents, as Redis does when
		// it loads a sorted set (the payloads differ, so a script moves it).
		C("restore refits encoding", "ZADD z 1 "+strings.Repeat("q", 80)+" 2 b", "ZREM z "+strings.Repeat("q", 80), "OBJECT ENCODING z",
			"EVAL \"redis.call('restore', KEYS[2], 0, redis.call('dump', KEYS[1])) return {redis.call('object', 'encoding', KEYS[2]), redis.call('zrange', KEYS[2], 0, -1, 'withscores')}\" 2 z z2",
			big, "EVAL \"redis.call('restore', KEYS[2], 0, redis.call('dump', KEYS[1])) return redis.call('object', 'encoding', KEYS[2])\" 2 big big2"),
		C("zset commands in scripts", "EVAL \"redis.call('zadd', KEYS[1], 1, 'a', 2, 'b') return redis.call('zrange', KEYS[1], 0, -1, 'withscores')\" 1 z", "EVAL \"return redis.call('zscore', KEYS[1], 'b')\" 1 z", "EVAL \"return redis.call('zpopmax', KEYS[1])\" 1 z", "EVAL \"return redis.call('zrandmember', KEYS[1], 5, 'withscores')\" 1 z"),
		C("zset resp3 scripts", "!HELLO 3", "EVAL \"redis.setresp(3) return redis.call('zscore', KEYS[1], 'a')\" 1 z", "ZADD z 1.5 a", "EVAL \"redis.setresp(3) return redis.call('zscore', KEYS[1], 'a')\" 1 z", "EVAL \"redis.setresp(3) return redis.call('zrange', KEYS[1], 0, -1, 'withscores')\" 1 z"),
	}
	diff(t, cases)
}

// Keyspace notifications of the sorted-set, geo and SORT commands, byte
// for byte against redis-server.
func TestDiffNotifyZSets(t *testing.T) {
	diffSessions(t, []session{
		notifySession("zadd family", "KEA",
			"ZADD z 1 a 2 b", "ZADD z 1 a", "ZADD z XX 1 nope", "ZADD z CH 5 a", "ZINCRBY z 1 a", "ZADD z INCR 1 c",
			"ZADD z NX 9 a", "ZADD nz XX 1 a", "ZINCRBY z inf a", "ZINCRBY z -inf a"),
		notifySession("zrem family", "KEA",
			"ZADD z 1 a 2 b 3 c 4 d 5 e 6 f", "ZREM z a nope", "ZREM z nope", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 3 3",
			"ZREMRANGEBYLEX z - (d", "ZREMRANGEBYRANK z 5 9", "ZREM z e f", "ZADD y 0 a", "ZREMRANGEBYLEX y - +"),
		notifySession("pops", "KEA",
			"ZADD z 1 a 2 b 3 c", "ZPOPMIN z", "ZPOPMAX z 5", "ZPOPMIN z", "ZADD z 1 a 2 b 3 c", "ZMPOP 1 z MIN COUNT 1",
			"BZPOPMAX z 0", "BZMPOP 0 1 z MIN", "ZADD z 1 a", "ZPOPMIN z 0"),
		notifySession("stores", "KEA",
			"ZADD a 1 x 2 y", "ZADD b 3 y", "ZUNIONSTORE d 2 a b", "ZINTERSTORE d 2 a b", "ZDIFFSTORE d 2 a b",
			"ZDIFFSTORE d 2 a a", "ZDIFFSTORE d 2 a a", "ZRANGESTORE r a 0 -1", "ZRANGESTORE r a 5 9", "SET s v",
			"ZUNIONSTORE s 1 a"),
		notifySession("new keys", "KEn",
			"ZADD z 1 a", "ZADD z 2 b", "ZINCRBY y 1 a", "ZUNIONSTORE u 1 z", "ZRANGESTORE r z 0 0", "GEOADD g 1 2 p",
			"GEOSEARCHSTORE gs g FROMMEMBER p BYRADIUS 1 km", "SORT z ALPHA STORE l"),
		notifySession("geo", "KEA",
			"GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g XX 1 1 nope",
			"GEOADD g CH 13.361389 38.115556 Palermo", "GEORADIUS g 15 37 200 km STORE d", "GEORADIUS g 15 37 1 m STORE d",
			"GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 1 m",
			"GEORADIUSBYMEMBER g Palermo 300 km STORE d2"),
		notifySession("sort", "KEA",
			"RPUSH l 3 1 2", "SORT l", "SORT l STORE d", "SORT l LIMIT 9 9 STORE d", "SORT l LIMIT 9 9 STORE d",
			"ZADD z 1 a", "SORT z BY nosort STORE d"),
		notifySession("zset keymiss", "KEm",
			"ZSCORE nokey a", "ZRANGE nokey 0 -1", "ZCARD nokey", "ZUNION 2 n1 n2", "GEOPOS nokey a", "SORT nokey"),
	})
}

// randomDiff runs a generated command sequence on sundial and
// redis-server in both protocols, comparing every reply byte for byte.
// gen gets a seeded generator and do, which sends one command to both.
func randomDiff(t *testing.T, seeds int, gen func(rng *rand.Rand, do func(args ...string))) {
	t.Helper()
	testserver.SkipOrFail(t, redis)
	for seed := 1; seed <= seeds; seed++ {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("seed%d/resp%d", seed, proto), func(t *testing.T) {
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
				do := func(args ...string) {
					if t.Failed() {
						return
					}
					got, err1 := sc.Do(args...)
					want, err2 := rc.Do(args...)
					if err1 != nil || err2 != nil {
						t.Fatalf("%q: %v, %v", args, err1, err2)
					}
					if got != want {
						t.Errorf("%q:\nsundial: %s\nredis:   %s", args, testserver.Show(got), testserver.Show(want))
					}
				}
				do("FLUSHALL")
				gen(rand.New(rand.NewPCG(uint64(seed), uint64(proto))), do)
			})
		}
	}
}

// Random sequences of sorted-set writes and reads over three small keys,
// with listpacks limited to 8 members so both encodings and the
// conversions between them are exercised. Lexicographic ranges are only
// asked of listpack sets or sets with one score: on a skip list with mixed
// scores Redis's answer depends on its random node levels.
func TestDiffZSetsRandom(t *testing.T) {
	randomDiff(t, 4, func(rng *rand.Rand, do func(args ...string)) {
		do("CONFIG", "SET", "zset-max-listpack-entries", "8")
		defer do("CONFIG", "SET", "zset-max-listpack-entries", "128")
		keys := []string{"a", "b", "c"}
		key := func() string { return keys[rng.IntN(len(keys))] }
		member := func() string { return string(rune('a' + rng.IntN(14))) }
		score := func() string {
			switch rng.IntN(10) {
			case 0:
				return "inf"
			case 1:
				return "-inf"
			case 2:
				return fmt.Sprint(rng.Float64()*10 - 5)
			}
			return fmt.Sprint(rng.IntN(6) - 2)
		}
		bound := func() string {
			if rng.IntN(3) == 0 {
				return "(" + score()
			}
			return score()
		}
		lexBound := func() string {
			switch rng.IntN(6) {
			case 0:
				return "-"
			case 1:
				return "+"
			case 2:
				return "(" + member()
			}
			return "[" + member()
		}
		index := func() string { return fmt.Sprint(rng.IntN(24) - 12) }
		limit := func(args []string) []string {
			if rng.IntN(2) == 0 {
				args = append(args, "LIMIT", fmt.Sprint(rng.IntN(5)-1), fmt.Sprint(rng.IntN(6)-1))
			}
			return args
		}
		for i := 0; i < 1500; i++ {
			switch rng.IntN(20) {
			case 0, 1, 2:
				args := []string{"ZADD", key()}
				for _, o := range []string{"NX", "XX", "GT", "LT", "CH"} {
					if rng.IntN(6) == 0 {
						args = append(args, o)
					}
				}
				for n := 1 + rng.IntN(4); n > 0; n-- {
					args = append(args, score(), member())
				}
				do(args...)
			case 3:
				do("ZINCRBY", key(), score(), member())
			case 4:
				do("ZREM", key(), member(), member())
			case 5:
				args := []string{"ZRANGE", key(), index(), index()}
				if rng.IntN(2) == 0 {
					args = append(args, "REV")
				}
				if rng.IntN(2) == 0 {
					args = append(args, "WITHSCORES")
				}
				do(args...)
			case 6:
				args := []string{"ZRANGE", key(), bound(), bound(), "BYSCORE"}
				if rng.IntN(2) == 0 {
					args = append(args, "REV")
				}
				do(limit(args)...)
			case 7:
				// Lex ranges on a set reset to one score.
				k := key()
				do("ZUNIONSTORE", k, "1", k, "WEIGHTS", "0")
				args := []string{"ZRANGE", k, lexBound(), lexBound(), "BYLEX"}
				if rng.IntN(2) == 0 {
					args = append(args, "REV")
				}
				do(limit(args)...)
				do("ZLEXCOUNT", k, lexBound(), lexBound())
				do("ZREMRANGEBYLEX", k, lexBound(), lexBound())
			case 8:
				do("ZCOUNT", key(), bound(), bound())
			case 9:
				do("ZREMRANGEBYSCORE", key(), bound(), bound())
			case 10:
				do("ZREMRANGEBYRANK", key(), index(), index())
			case 11:
				cmd := []string{"ZPOPMIN", "ZPOPMAX"}[rng.IntN(2)]
				if rng.IntN(2) == 0 {
					do(cmd, key())
				} else {
					do(cmd, key(), fmt.Sprint(rng.IntN(4)))
				}
			case 12:
				op := []string{"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}[rng.IntN(3)]
				args := []string{op, key(), "2", key(), key()}
				if op != "ZDIFFSTORE" && rng.IntN(2) == 0 {
					args = append(args, "WEIGHTS", score(), score())
				}
				if op != "ZDIFFSTORE" && rng.IntN(2) == 0 {
					args = append(args, "AGGREGATE", []string{"SUM", "MIN", "MAX"}[rng.IntN(3)])
				}
				do(args...)
			case 13:
				do([]string{"ZUNION", "ZINTER", "ZDIFF"}[rng.IntN(3)], "3", key(), key(), key(), "WITHSCORES")
			case 14:
				do("ZRANGESTORE", key(), key(), bound(), bound(), "BYSCORE")
			case 15:
				for _, k := range keys {
					do("OBJECT", "ENCODING", k)
				}
			case 16:
				do("ZRANK", key(), member())
				do("ZREVRANK", key(), member())
				do("ZMSCORE", key(), member(), member())
			case 17:
				do("ZMPOP", "2", key(), key(), []string{"MIN", "MAX"}[rng.IntN(2)], "COUNT", fmt.Sprint(1+rng.IntN(3)))
			case 18:
				do("ZINTERCARD", "2", key(), key())
				do("ZCARD", key())
			case 19:
				do("ZRANDMEMBER", key(), "100", "WITHSCORES")
			}
		}
	})
}

// A ZSCAN of a skiplist set returns every member present for the whole
// scan, even when members are deleted between calls.
func TestZScanSkiplistGuarantees(t *testing.T) {
	c, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	mustDo := func(args ...string) string {
		r, err := c.Do(args...)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	mustDo("DEL", "zs")
	for i := 0; i < 500; i++ {
		mustDo("ZADD", "zs", fmt.Sprint(i%37), fmt.Sprint("m", i))
	}
	seen := map[string]bool{}
	cursor := "0"
	for calls := 0; ; calls++ {
		if calls > 1000 {
			t.Fatal("ZSCAN did not finish")
		}
		raw := mustDo("ZSCAN", "zs", cursor, "COUNT", "7")
		lines := strings.Split(raw, "\r\n")
		cursor = lines[2]
		// lines: *2, $n, cursor, *k, then $len/member/$len/score pairs.
		for i := 5; i+2 < len(lines); i += 4 {
			seen[lines[i]] = true
		}
		// Delete members the scan may or may not have returned yet; the
		// ones with even numbers stay for the whole scan.
		mustDo("ZREM", "zs", fmt.Sprint("m", 2*calls+1), fmt.Sprint("m", 499-2*calls))
		if cursor == "0" {
			break
		}
	}
	for i := 0; i < 500; i += 2 {
		if !seen[fmt.Sprint("m", i)] {
			t.Errorf("m%d present throughout was not returned", i)
		}
	}
}
