package server_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// rpushMany builds "RPUSH key v..." from values.
func sortRPush(key string, vals ...string) string {
	return "RPUSH " + key + " " + strings.Join(vals, " ")
}

// SORT and SORT_RO, compared byte for byte with redis-server.
func TestDiffSort(t *testing.T) {
	var nums []string
	var weights []string
	for i := 0; i < 60; i++ {
		nums = append(nums, fmt.Sprint((i*37)%61))
		weights = append(weights, fmt.Sprintf("w_%d %d", (i*37)%61, (i*7)%5))
	}
	numList := sortRPush("nl", nums...)
	weightSet := "MSET " + strings.Join(weights, " ")
	cases := []testserver.Case{
		C("sort list numeric", "RPUSH l 3 1 2 10 -5 2.5", "SORT l", "SORT l DESC", "SORT l ASC", "SORT_RO l DESC"),
		C("sort list alpha", "RPUSH l b a C 10 2 aa", "SORT l ALPHA", "SORT l ALPHA DESC", "SORT l"),
		C("sort numeric ties by element", "RPUSH l 1 01 1.0 +1 1e0 0x1", "SORT l", "SORT l DESC"),
		C("sort not numbers", "RPUSH l 1 a 2", "SORT l", "SORT l DESC LIMIT 0 1", "SORT l ALPHA"),
		C("sort odd numbers", "RPUSH l ' 5' '' inf -inf 1e400 3", "SORT l", "DEL l", "RPUSH l nan 1", "SORT l", "DEL l", "RPUSH l '5 ' 1", "SORT l", "DEL l", "RPUSH l 1e-400 1", "SORT l", "DEL l", "RPUSH l '' '   ' 1", "SORT l"),
		C("sort nul in numbers", `RPUSH l "12\x00abc" 3`, "SORT l"),
		C("sort limit", "RPUSH l 5 3 1 4 2", "SORT l LIMIT 0 2", "SORT l LIMIT 1 2", "SORT l LIMIT 3 10", "SORT l LIMIT 5 1", "SORT l LIMIT 10 1", "SORT l LIMIT -1 2", "SORT l LIMIT 1 -1", "SORT l LIMIT 2 0", "SORT l DESC LIMIT 1 3"),
		C("sort limit errors", "RPUSH l 1", "SORT l LIMIT x 1", "SORT l LIMIT 0 y", "SORT l LIMIT 0", "SORT l LIMIT"),
		C("sort syntax errors", "RPUSH l 1", "SORT l FOO", "SORT l BY", "SORT l GET", "SORT l STORE", "SORT_RO l STORE d", "SORT l ALPHA FOO"),
		C("sort missing key", "SORT nokey", "SORT nokey DESC LIMIT 0 1", "SORT nokey BY nosort", "SORT nokey GET #", "SORT nokey STORE d", "EXISTS d"),
		C("sort wrongtype", "SET s v", "SORT s", "HSET h a 1", "SORT h", "SORT s FOO"),
		C("sort set intset", "SADD s 5 3 9 1", "SORT s", "SORT s DESC", "SORT s BY nosort", "SORT s LIMIT 1 2"),
		C("sort set strings", "SADD s b c a", "SORT s ALPHA", "SORT s ALPHA DESC LIMIT 0 2", "SORT s", "~SORT s BY nosort"),
		C("sort zset", "ZADD z 3 a 1 b 2 c", "SORT z ALPHA", "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 1", "SORT z BY nosort DESC LIMIT 0 2", "SORT z"),
		C("sort zset converts encoding", "ZADD z 1 a", "OBJECT ENCODING z", "SORT z ALPHA", "OBJECT ENCODING z", "ZADD y 1 b", "SORT_RO y BY nosort", "OBJECT ENCODING y"),
		C("sort zset numeric", "ZADD z 1 10 2 9 3 100", "SORT z", "SORT z DESC LIMIT 0 2"),
		// BY
		C("sort by pattern", "RPUSH l a b c d", "MSET w_a 3 w_b 1 w_c 2", "SORT l BY w_*", "SORT l BY w_* DESC", "SORT l BY w_* LIMIT 1 2", "SORT l BY w_* DESC LIMIT 0 3"),
		C("sort by pattern alpha", "RPUSH l a b c d e", "MSET w_a zz w_b aa w_c mm w_e aa", "SORT l BY w_* ALPHA", "SORT l BY w_* ALPHA DESC", "SORT l BY w_* ALPHA LIMIT 1 3", "SORT l BY w_* ALPHA DESC LIMIT 0 2"),
		C("sort by missing keys ties", "RPUSH l c a d b e", "SORT l BY nokey_*", "SORT l BY nokey_* ALPHA", "SORT l BY nokey_* ALPHA LIMIT 1 3", "SORT l BY nokey_* DESC ALPHA", "SORT l BY nokey_* LIMIT 0 2"),
		C("sort by hash field", "RPUSH l 1 2 3", "HSET h_1 w 30 n one", "HSET h_2 w 10 n two", "HSET h_3 w 20", "SORT l BY h_*->w", "SORT l BY h_*->w GET h_*->n GET #", "SORT l BY h_*->nope", "SORT l BY h_*-> ", "SORT l BY h_*->"),
		C("sort by wrong types", "RPUSH l 1 2", "SADD w_1 x", "SET w_2 5", "SORT l BY w_*", "HSET h_1 f 1", "SORT l BY h_*", "SET h_2 3", "SORT l BY h_*->f"),
		C("sort by not numbers", "RPUSH l a b", "MSET w_a 1 w_b x", "SORT l BY w_*", "SORT l BY w_* ALPHA"),
		C("sort by nosort", "RPUSH l 3 1 2", "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 5", "SORT l BY nosort DESC LIMIT 1 1", "SORT l BY nosort GET #", "SORT l BY x LIMIT 10 10"),
		C("sort by star position", "RPUSH l a b", "MSET a_x 2 b_x 1 pre_a_suf 1 pre_b_suf 2", "SORT l BY *_x", "SORT l BY pre_*_suf", "SORT l BY pre_**", "SORT l BY * GET #"),
		C("sort by binary pattern", `RPUSH l a b`, `MSET "w\x00a" 1 "w\x00b" 2 "a" 9 "b" 8`, `SORT l BY "*\x00w"`, `SORT l BY "w\x00*"`),
		// GET
		C("sort get", "RPUSH l 1 2 3", "MSET o_1 one o_2 two", "SORT l GET o_*", "SORT l GET o_* GET #", "SORT l GET # GET o_* DESC", "SORT l GET nostar", "SORT l GET o_* LIMIT 1 1"),
		C("sort get hash", "RPUSH l a b", "HSET h_a f 1", "SORT l GET h_*->f GET h_*->g GET h_*", "SET h_b v", "SORT l GET h_*->f"),
		C("sort get binary", `RPUSH l "x\x00y" z`, `SET "o_x\x00y" bin`, "SORT l ALPHA GET o_* GET #"),
		C("sort get hash special names", "RPUSH l 1", "HSET h_1 '' e '->' arrow", "SORT l GET h_*->", "SORT l GET h_*->->", "SORT l GET h_*->''"),
		C("sort get sharp variants", "RPUSH l 2 1", "SET # x", "SORT l GET #", "SORT l GET ##", `SORT l GET "#\x00junk"`),
		// STORE
		C("sort store", "RPUSH l 3 1 2", "SORT l STORE d", "LRANGE d 0 -1", "TYPE d", "SORT l DESC STORE d", "LRANGE d 0 -1", "OBJECT ENCODING d"),
		C("sort store get", "RPUSH l 1 2", "SET o_1 one", "SORT l GET o_* GET # STORE d", "LRANGE d 0 -1"),
		C("sort store empty deletes", "SET d v", "SORT nokey STORE d", "EXISTS d", "RPUSH l 1", "SET d v", "SORT l LIMIT 5 5 STORE d", "EXISTS d"),
		C("sort store overwrites", "RPUSH l 2 1", "SET d v EX 100", "SORT l STORE d", "TTL d", "LRANGE d 0 -1", "SORT l STORE l", "LRANGE l 0 -1"),
		C("sort store set forced alpha", "SADD s c a b 10 9", "SORT s BY nosort STORE d", "LRANGE d 0 -1"),
		C("sort store alpha binary", `RPUSH l "a\x00b" "a\x00a" a`, "SORT l ALPHA STORE d", "LRANGE d 0 -1"),
		C("sort alpha nul without store", `RPUSH l "a\x00b" "a\x00a" a b`, "SORT l ALPHA", "SORT l ALPHA DESC"),
		C("sort in multi and script", "RPUSH l 2 1", "MULTI", "SORT l", "SORT l STORE d", "EXEC", "EVAL \"return redis.call('sort', KEYS[1])\" 1 l"),
		C("sort set in script", "SADD s c a b", "EVAL \"return redis.call('sort', KEYS[1], 'by', 'nosort')\" 1 s"),
		C("sort by and get hash fields", "RPUSH l a b c", "HSET h_a w 3 n A", "HSET h_b w 1 n B", "HSET h_c w 2", "SORT l BY h_*->w GET h_*->n GET #", "SORT l BY h_*->w DESC GET h_*->w", "SORT l BY h_*->n ALPHA GET #"),
		C("sort limit zero", "RPUSH l 3 1 2", "SORT l LIMIT 0 0", "SORT l LIMIT 0 0 GET #", "SORT l LIMIT 0 0 STORE d", "EXISTS d"),
		C("sort set alpha desc", "SADD s b a c", "SORT s ALPHA DESC", "SORT s ALPHA LIMIT 1 1", "SORT s BY nosort ALPHA STORE d", "LRANGE d 0 -1"),
		C("sort arrow before star", "RPUSH l a", "SET h->a v", "HSET h f x", "SORT l GET h->*", "SORT l GET *->f", "HSET a f y", "SORT l GET *->f"),
		C("sort duplicates", "RPUSH l 2 1 2 1 3", "SORT l", "SORT l ALPHA DESC", "SORT l BY nosort", "SORT l LIMIT 1 3"),
		C("sort store onto source", "RPUSH l 3 1 2", "SORT l DESC STORE l", "LRANGE l 0 -1", "TYPE l"),
		C("sort zset by pattern", "ZADD z 1 a 2 b 3 c", "MSET w_a 9 w_b 8 w_c 7", "SORT z BY w_*", "SORT z BY w_* DESC LIMIT 0 2", "SORT z BY w_* GET # GET w_*"),
		C("sort_ro with get", "RPUSH l 1 2", "SET o_1 x", "SORT_RO l GET o_* GET #", "SORT_RO l BY nosort DESC", "SORT_RO l LIMIT 1 1 ALPHA"),
		C("sort last option wins", "RPUSH l a b c", "MSET w_a 1 w_b 2 w_c 3 v_a 3 v_b 2 v_c 1", "SORT l BY w_* BY v_*", "SORT l DESC ASC", "SORT l ASC DESC ALPHA", "SORT l LIMIT 0 1 LIMIT 1 2"),
		C("sort option case", "RPUSH l 2 1", "sort l desc", "SoRt l LiMiT 0 1 aLpHa", "SORT l by NOSORT", "SORT l Get #"),
		C("sort numeric floats", "RPUSH l 1.5 -0.5 1e2 -1e-2 0 -0", "SORT l", "SORT l DESC"),
		C("sort empty list values", "RPUSH l '' a ''", "SORT l ALPHA", "SORT l BY nosort GET #"),
		C("sort get missing with store", "RPUSH l 1 2", "SET o_1 x", "SORT l GET o_* STORE d", "LRANGE d 0 -1", "LLEN d"),
		C("sort big set", "SADD s "+strings.Join(nums, " "), "SORT s", "SORT s DESC LIMIT 0 5", "SORT s ALPHA LIMIT 10 5", "SORT s BY nosort STORE d", "LRANGE d 0 9"),
		// Ties that Redis's partial quicksort leaves in an order of its own
		// (its 7.0 version has no switch to insertion sort).
		C("sort partial ties order", "RPUSH l e0 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14", "MSET w_e0 2 w_e1 0 w_e2 0 w_e3 1 w_e4 2 w_e5 3 w_e6 2 w_e7 0 w_e8 0 w_e9 3 w_e10 3 w_e11 0 w_e12 2 w_e13 0 w_e14 3", "SORT l BY w_* ALPHA LIMIT 0 9", "SORT l BY w_* ALPHA DESC LIMIT 0 9", "SORT l BY w_* ALPHA LIMIT 3 4", "SORT l BY w_* ALPHA"),
		C("sort arity", "SORT", "SORT_RO"),
		// Larger inputs: the partial sort with BY and LIMIT, ties included.
		C("sort big by limit", numList, weightSet, "SORT nl BY w_* LIMIT 0 10", "SORT nl BY w_* LIMIT 20 15", "SORT nl BY w_* DESC LIMIT 5 30", "SORT nl BY w_*", "SORT nl BY w_* ALPHA LIMIT 3 20", "SORT nl BY nokey_* ALPHA LIMIT 10 20"),
		C("sort big numeric", numList, "SORT nl", "SORT nl DESC LIMIT 10 10", "SORT nl ALPHA LIMIT 0 15", "SORT nl BY nosort LIMIT 50 20"),
	}
	diff(t, cases)
}

// Random SORT calls over a list and a sorted set holding the same values,
// with string and hash weights, GET patterns, LIMIT, ALPHA, DESC and
// STORE. ALPHA by a pattern is left out for the sorted set: its ties come
// out in Redis's hash table order.
func TestDiffSortRandom(t *testing.T) {
	randomDiff(t, 6, func(rng *rand.Rand, do func(args ...string)) {
		n := 1 + rng.IntN(80)
		for i := 0; i < n; i++ {
			v := fmt.Sprint(rng.IntN(30))
			if rng.IntN(4) == 0 {
				v = fmt.Sprintf("x%d", rng.IntN(20))
			}
			do("RPUSH", "l", v)
			do("ZADD", "z", fmt.Sprint(rng.IntN(5)), v)
			do("SET", "w_"+v, fmt.Sprint(rng.IntN(6)))
			do("HSET", "h_"+v, "f", fmt.Sprint(rng.IntN(4)), "n", fmt.Sprint("name", rng.IntN(9)))
		}
		for q := 0; q < 150; q++ {
			key := []string{"l", "z"}[rng.IntN(2)]
			args := []string{"SORT", key}
			by := ""
			switch rng.IntN(4) {
			case 0:
				by = "w_*"
			case 1:
				by = "h_*->f"
			case 2:
				by = "nosort"
			}
			if by != "" {
				args = append(args, "BY", by)
			}
			if rng.IntN(2) == 0 && !(key == "z" && by != "" && by != "nosort") {
				args = append(args, "ALPHA")
			}
			if rng.IntN(2) == 0 {
				args = append(args, "DESC")
			}
			if rng.IntN(2) == 0 {
				args = append(args, "LIMIT", fmt.Sprint(rng.IntN(n+3)-1), fmt.Sprint(rng.IntN(n+3)-1))
			}
			for g := rng.IntN(3); g > 0; g-- {
				args = append(args, "GET", []string{"#", "w_*", "h_*->n", "nokey_*"}[rng.IntN(4)])
			}
			if rng.IntN(4) == 0 {
				do(append(args, "STORE", "dst")...)
				do("LRANGE", "dst", "0", "-1")
				continue
			}
			do(args...)
		}
	})
}
