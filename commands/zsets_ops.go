package commands

import (
	"math"
	"sort"
	"strconv"

	"sundial/keyspace"
	"sundial/keyspace/zset"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, as Redis's
// zunionInterDiffGenericCommand; ZRANDMEMBER; ZSCAN.

type zsetOp uint8

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

type zaggregate uint8

const (
	zaggSum zaggregate = iota
	zaggMin
	zaggMax
)

// zsrc is one input of a set operation: a sorted set, or a plain set whose
// members all score 1, or nothing for a missing key.
type zsrc struct {
	z      *keyspace.ZSet
	s      *keyspace.Set
	weight float64
}

func (src *zsrc) len() int {
	switch {
	case src.z != nil:
		return src.z.Len()
	case src.s != nil:
		return src.s.Len()
	}
	return 0
}

// each calls fn for every member; a set's members may be reused buffers,
// so fn copies what it keeps.
func (src *zsrc) each(fn func(m []byte, score float64)) {
	switch {
	case src.z != nil:
		src.z.Range(func(m string, s float64) bool {
			fn(keyBytes(m), s)
			return true
		})
	case src.s != nil:
		src.s.Each(func(m []byte) bool {
			fn(m, 1)
			return true
		})
	}
}

func (src *zsrc) find(m []byte) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.Score(zview(m))
	case src.s != nil:
		return 1, src.s.HasString(zview(m))
	}
	return 0, false
}

// zaggregateInto combines val into *target; a sum of opposite infinities
// is 0 rather than NaN, as in Redis.
func zaggregateInto(target *float64, val float64, agg zaggregate) {
	switch agg {
	case zaggSum:
		*target += val
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if val < *target {
			*target = val
		}
	case zaggMax:
		if val > *target {
			*target = val
		}
	}
}

func cmdZUnion(c *Client, args [][]byte) { zsetOpGeneric(c, args, nil, 1, zopUnion, false) }
func cmdZInter(c *Client, args [][]byte) { zsetOpGeneric(c, args, nil, 1, zopInter, false) }
func cmdZDiff(c *Client, args [][]byte)  { zsetOpGeneric(c, args, nil, 1, zopDiff, false) }
func cmdZUnionStore(c *Client, args [][]byte) {
	zsetOpGeneric(c, args, args[1], 2, zopUnion, false)
}
func cmdZInterStore(c *Client, args [][]byte) {
	zsetOpGeneric(c, args, args[1], 2, zopInter, false)
}
func cmdZDiffStore(c *Client, args [][]byte) {
	zsetOpGeneric(c, args, args[1], 2, zopDiff, false)
}
func cmdZInterCard(c *Client, args [][]byte) { zsetOpGeneric(c, args, nil, 1, zopInter, true) }

// zsetOpGeneric runs a set operation whose numkeys is args[at]. dst is the
// destination of the STORE forms; cardOnly is ZINTERCARD.
func zsetOpGeneric(c *Client, args [][]byte, dst []byte, at int, op zsetOp, cardOnly bool) {
	numkeys, ok := zsetArgInt(c, args[at])
	if !ok {
		return
	}
	if numkeys < 1 {
		c.Error("ERR at least 1 input key is needed for '" + c.cmd.FullName + "' command")
		return
	}
	if numkeys > int64(len(args)-at-1) {
		c.Error(errSyntax)
		return
	}
	n := int(numkeys)
	srcs := make([]zsrc, n)
	for i := range srcs {
		key := args[at+1+i]
		var ent *keyspace.Entry
		if dst != nil {
			ent = c.Lookup(key)
		} else {
			ent = c.LookupRead(key)
		}
		srcs[i].weight = 1
		if ent == nil {
			continue
		}
		switch v := ent.Value.(type) {
		case *keyspace.ZSet:
			srcs[i].z = v
		case *keyspace.Set:
			srcs[i].s = v
		default:
			c.Error(errWrongType)
			return
		}
	}
	agg := zaggSum
	withScores := false
	limit := int64(0)
	for j := at + 1 + n; j < len(args); {
		left := len(args) - j
		a := args[j]
		switch {
		case op != zopDiff && !cardOnly && left >= n+1 && zopt(a, "weights"):
			j++
			for i := range srcs {
				w, ok := zsetParseDouble(args[j])
				if !ok {
					c.Error(errZWeight)
					return
				}
				srcs[i].weight = w
				j++
			}
		case op != zopDiff && !cardOnly && left >= 2 && zopt(a, "aggregate"):
			switch b := args[j+1]; {
			case zopt(b, "sum"):
				agg = zaggSum
			case zopt(b, "min"):
				agg = zaggMin
			case zopt(b, "max"):
				agg = zaggMax
			default:
				c.Error(errSyntax)
				return
			}
			j += 2
		case dst == nil && !cardOnly && zopt(a, "withscores"):
			withScores = true
			j++
		case cardOnly && left >= 2 && zopt(a, "limit"):
			l, ok := keyspace.ParseInt(args[j+1])
			if !ok || l < 0 {
				c.Error(errZLimitNegative)
				return
			}
			limit = l
			j += 2
		default:
			c.Error(errSyntax)
			return
		}
	}
	if op != zopDiff {
		// Smallest input first, as Redis orders them (a stable sort, like
		// glibc's qsort, so equal sizes keep their order).
		sort.SliceStable(srcs, func(i, j int) bool { return srcs[i].len() < srcs[j].len() })
	}
	if cardOnly {
		c.Int(zinterCard(srcs, limit))
		return
	}
	var res *keyspace.ZSet
	var maxLen int
	switch op {
	case zopUnion:
		res, maxLen = zunion(srcs, agg)
	case zopInter:
		res, maxLen = zinter(srcs, agg)
	default:
		res, maxLen = zdiff(srcs)
	}
	if dst != nil {
		event := [...]string{"zunionstore", "zinterstore", "zdiffstore"}[op]
		zsetStore(c, dst, res, maxLen, event, 1)
		c.Int(int64(res.Len()))
		return
	}
	zreplyHeader(c, res.Len(), withScores)
	res.Range(func(m string, s float64) bool {
		zreplyEntry(c, m, s, withScores)
		return true
	})
}

// weighted is an input score times its weight, with NaN (0 * inf) as 0.
func weighted(score, weight float64) float64 {
	v := weight * score
	if math.IsNaN(v) {
		return 0
	}
	return v
}

func zunion(srcs []zsrc, agg zaggregate) (*keyspace.ZSet, int) {
	// Members are looked up by a view of the input's bytes, which may be
	// a reused buffer, so the map is only ever written with copied keys.
	index := make(map[string]int, srcs[len(srcs)-1].len())
	var acc []zset.Entry
	maxLen := 0
	for i := range srcs {
		src := &srcs[i]
		src.each(func(m []byte, s float64) {
			v := weighted(s, src.weight)
			if at, ok := index[zview(m)]; ok {
				zaggregateInto(&acc[at].Score, v, agg)
				return
			}
			k := string(m)
			index[k] = len(acc)
			acc = append(acc, zset.Entry{Member: k, Score: v})
			maxLen = max(maxLen, len(k))
		})
	}
	res := keyspace.NewZSet(false)
	for _, e := range acc {
		res.Add(e.Member, e.Score)
	}
	return res, maxLen
}

func zinter(srcs []zsrc, agg zaggregate) (*keyspace.ZSet, int) {
	res := keyspace.NewZSet(false)
	maxLen := 0
	if srcs[0].len() == 0 {
		return res, 0
	}
	srcs[0].each(func(m []byte, s float64) {
		score, ok := zinterScore(srcs, m, s, agg)
		if !ok {
			return
		}
		k := string(m)
		res.Add(k, score)
		maxLen = max(maxLen, len(k))
	})
	return res, maxLen
}

// zinterScore aggregates a member of the first input over the others;
// ok is false when one of them lacks it.
func zinterScore(srcs []zsrc, m []byte, s float64, agg zaggregate) (float64, bool) {
	score := weighted(s, srcs[0].weight)
	for j := 1; j < len(srcs); j++ {
		v, ok := srcs[j].find(m)
		if !ok {
			return 0, false
		}
		// Redis multiplies without the NaN check here.
		zaggregateInto(&score, v*srcs[j].weight, agg)
	}
	return score, true
}

// zinterCard counts the intersection, stopping at limit (0: no limit).
func zinterCard(srcs []zsrc, limit int64) int64 {
	var n int64
	if srcs[0].len() == 0 {
		return 0
	}
	stop := false
	srcs[0].each(func(m []byte, _ float64) {
		if stop {
			return
		}
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].find(m); !ok {
				return
			}
		}
		n++
		if limit > 0 && n >= limit {
			stop = true
		}
	})
	return n
}

// zdiff keeps the members of the first input that no other input has,
// with their scores.
func zdiff(srcs []zsrc) (*keyspace.ZSet, int) {
	res := keyspace.NewZSet(false)
	maxLen := 0
	srcs[0].each(func(m []byte, s float64) {
		for j := 1; j < len(srcs); j++ {
			if _, ok := srcs[j].find(m); ok {
				return
			}
		}
		k := string(m)
		res.Add(k, s)
		maxLen = max(maxLen, len(k))
	})
	return res, maxLen
}

// ZRANDMEMBER key [count [WITHSCORES]]
func cmdZRandMember(c *Client, args [][]byte) {
	if len(args) == 2 {
		z, ok := readZSet(c, args[1])
		if !ok {
			return
		}
		if z == nil {
			c.Null()
			return
		}
		m, _, _ := z.RandomMember()
		c.BulkString(m)
		return
	}
	l, ok := zsetArgInt(c, args[2])
	if !ok {
		return
	}
	if l == math.MinInt64 {
		c.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
		return
	}
	withScores := false
	switch {
	case len(args) > 4, len(args) == 4 && !zopt(args[3], "withscores"):
		c.Error(errSyntax)
		return
	case len(args) == 4:
		withScores = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			c.Error(errZValueOutOfRange)
			return
		}
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil || l == 0 {
		c.Array(0)
		return
	}
	zrandMembers(c, z, l, withScores)
}

// zrandMembers is ZRANDMEMBER with a count: a negative count samples with
// repeats, a positive one distinct members; asking for the whole set
// returns it in order, as Redis does.
func zrandMembers(c *Client, z *keyspace.ZSet, l int64, withScores bool) {
	size := int64(z.Len())
	if l < 0 || l == 1 {
		// Redis would write all of an absurd count; cap it so one command
		// cannot hold the server for ever.
		n := min(-l, math.MaxInt32)
		if l == 1 {
			n = 1
		}
		zreplyHeader(c, int(n), withScores)
		for ; n > 0; n-- {
			m, s, _ := z.RandomMember()
			zreplyEntry(c, m, s, withScores)
		}
		return
	}
	if l >= size {
		// The whole set, highest first, as Redis 7.0 replies it.
		zreplyHeader(c, int(size), withScores)
		z.ByRank(0, int(size)-1, true, func(m string, s float64) bool {
			zreplyEntry(c, m, s, withScores)
			return true
		})
		return
	}
	zreplyHeader(c, int(l), withScores)
	z.Sample(int(l), func(m string, s float64) bool {
		zreplyEntry(c, m, s, withScores)
		return true
	})
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]. A listpack set is
// returned whole with cursor 0, as Redis does. A skiplist set is walked by
// rank from the highest down: the cursor is how many ranks remain, so a
// deletion during the scan never makes a member present throughout be
// missed (it may be returned twice, which SCAN allows).
func cmdZScan(c *Client, args [][]byte) {
	z, cursor, opts, ok := collScanStart[*keyspace.ZSet](c, args)
	if !ok {
		return
	}
	var out []string
	var buf []byte
	listpack := z.IsListpack()
	add := func(m string, s float64) bool {
		if opts.match(m) {
			if listpack {
				buf = appendListpackScore(buf[:0], s)
			} else {
				buf = AppendDouble(buf[:0], s)
			}
			out = append(out, m, string(buf))
		}
		return true
	}
	next := uint64(0)
	if listpack {
		z.Range(add)
	} else {
		pos := uint64(z.Len())
		if cursor != 0 && cursor < pos {
			pos = cursor
		}
		count := uint64(max(opts.count, 1))
		start := uint64(0)
		if pos > count {
			start = pos - count
		}
		if pos > 0 {
			z.ByRank(int(start), int(pos-1), false, add)
		}
		next = start
	}
	collScanReply(c, next, out)
}

// appendListpackScore formats a score as a listpack stores it (Redis
// 7.0's d2string): an integral value within half the long long range as
// an integer, anything else as %.17g.
func appendListpackScore(b []byte, s float64) []byte {
	const half = math.MaxInt64 / 2
	if s >= -half && s <= half && s == math.Trunc(s) {
		return strconv.AppendInt(b, int64(s), 10)
	}
	return AppendDouble(b, s)
}
