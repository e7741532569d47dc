package commands

import (
	"slices"
	"strconv"

	"sundial/keyspace"
	"sundial/keyspace/zset"
)

// The ZRANGE family: ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES),
// ZRANGESTORE and the older ZREVRANGE, Z[REV]RANGEBYSCORE and
// Z[REV]RANGEBYLEX, all one parser as Redis's zrangeGenericCommand.

type zrangeType uint8

const (
	zrangeAuto zrangeType = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

type zrangeDir uint8

const (
	zrangeDirAuto zrangeDir = iota
	zrangeForward
	zrangeReverse
)

func cmdZRange(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeAuto, zrangeDirAuto)
}

func cmdZRangeStore(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 2, true, zrangeAuto, zrangeDirAuto)
}

func cmdZRevRange(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeRank, zrangeReverse)
}

func cmdZRangeByScore(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeScore, zrangeForward)
}

func cmdZRevRangeByScore(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeScore, zrangeReverse)
}

func cmdZRangeByLex(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeLex, zrangeForward)
}

func cmdZRevRangeByLex(c *Client, args [][]byte) {
	zrangeGeneric(c, args, 1, false, zrangeLex, zrangeReverse)
}

// zrangeSpec is a parsed range request.
type zrangeSpec struct {
	typ           zrangeType
	reverse       bool
	withScores    bool
	start, end    int64 // rank range
	score         zset.ScoreRange
	lex           zset.LexRange
	offset, limit int64 // LIMIT; limit -1 (or any negative) is no limit
}

// zrangeGeneric parses and runs a range command whose source key is
// args[at]; with store the result goes to args[1] (ZRANGESTORE).
func zrangeGeneric(c *Client, args [][]byte, at int, store bool, typ zrangeType, dir zrangeDir) {
	sp := zrangeSpec{limit: -1}
	for j := at + 3; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case !store && zopt(a, "withscores"):
			sp.withScores = true
		case zopt(a, "limit") && left >= 2:
			var ok bool
			if sp.offset, ok = zsetArgInt(c, args[j+1]); !ok {
				return
			}
			if sp.limit, ok = zsetArgInt(c, args[j+2]); !ok {
				return
			}
			j += 2
		case dir == zrangeDirAuto && zopt(a, "rev"):
			dir = zrangeReverse
		case typ == zrangeAuto && zopt(a, "bylex"):
			typ = zrangeLex
		case typ == zrangeAuto && zopt(a, "byscore"):
			typ = zrangeScore
		default:
			c.Error(errSyntax)
			return
		}
	}
	if typ == zrangeAuto {
		typ = zrangeRank
	}
	sp.typ = typ
	sp.reverse = dir == zrangeReverse
	// Redis tests the LIMIT count against -1 exactly.
	if sp.limit != -1 && typ == zrangeRank {
		c.Error(errZLimitRank)
		return
	}
	if sp.withScores && typ == zrangeLex {
		c.Error(errZScoresLex)
		return
	}
	minArg, maxArg := args[at+1], args[at+2]
	if sp.reverse && typ != zrangeRank {
		// The range is given as max, min.
		minArg, maxArg = maxArg, minArg
	}
	var ok bool
	switch typ {
	case zrangeRank:
		if sp.start, ok = zsetArgInt(c, minArg); !ok {
			return
		}
		if sp.end, ok = zsetArgInt(c, maxArg); !ok {
			return
		}
	case zrangeScore:
		if sp.score, ok = zset.ParseScoreRange(minArg, maxArg); !ok {
			c.Error(errZScoreRange)
			return
		}
	case zrangeLex:
		if sp.lex, ok = zset.ParseLexRange(minArg, maxArg); !ok {
			c.Error(errZLexRange)
			return
		}
	}
	z, ok := readZSet(c, args[at])
	if !ok {
		return
	}
	if store {
		zrangeStore(c, args[1], z, &sp)
		return
	}
	if z == nil {
		c.Array(0)
		return
	}
	zrangeReply(c, z, &sp)
}

// rankBounds normalises a rank range as Redis does; ok is false when the
// range is empty.
func (sp *zrangeSpec) rankBounds(n int64) (start, end int64, ok bool) {
	start, end = sp.start, sp.end
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	if start > end || start >= n {
		return 0, 0, false
	}
	return start, min(end, n-1), true
}

// walk calls fn for each member of the range in reply order.
func (sp *zrangeSpec) walk(z *keyspace.ZSet, fn func(string, float64) bool) {
	switch sp.typ {
	case zrangeRank:
		if start, end, ok := sp.rankBounds(int64(z.Len())); ok {
			z.ByRank(int(start), int(end), sp.reverse, fn)
		}
	case zrangeScore, zrangeLex:
		// An offset at or past the end answers nothing, as in Redis.
		if sp.offset > 0 && sp.offset >= int64(z.Len()) {
			return
		}
		offset, limit := clampInt(sp.offset), clampInt(sp.limit)
		if sp.typ == zrangeScore {
			z.ByScore(sp.score, sp.reverse, offset, limit, fn)
		} else {
			z.ByLex(sp.lex, sp.reverse, offset, limit, fn)
		}
	}
}

// clampInt converts an int64 argument to int for the zset package, which
// treats every negative count alike.
func clampInt(v int64) int {
	if v > int64(int(^uint(0)>>1)) {
		return int(^uint(0) >> 1)
	}
	return int(v)
}

func zrangeReply(c *Client, z *keyspace.ZSet, sp *zrangeSpec) {
	if sp.typ == zrangeRank {
		start, end, ok := sp.rankBounds(int64(z.Len()))
		if !ok {
			c.Array(0)
			return
		}
		zreplyHeader(c, int(end-start+1), sp.withScores)
		z.ByRank(int(start), int(end), sp.reverse, func(m string, s float64) bool {
			zreplyEntry(c, m, s, sp.withScores)
			return true
		})
		return
	}
	// The length is known once the range is walked: write the members,
	// then insert the array header before them.
	mark, n := len(c.B), 0
	sp.walk(z, func(m string, s float64) bool {
		zreplyEntry(c, m, s, sp.withScores)
		n++
		return true
	})
	if sp.withScores && c.Proto < 3 {
		n *= 2
	}
	var tmp [24]byte
	h := append(tmp[:0], '*')
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	c.B = slices.Insert(c.B, mark, h...)
}

// zrangeStore is ZRANGESTORE's result: a new set at dst, or dst deleted
// when the range is empty.
func zrangeStore(c *Client, dst []byte, z *keyspace.ZSet, sp *zrangeSpec) {
	res := keyspace.NewZSet(true)
	maxLen := 0
	if z != nil {
		sp.walk(z, func(m string, s float64) bool {
			res.Add(m, s)
			maxLen = max(maxLen, len(m))
			return true
		})
	}
	zsetStore(c, dst, res, maxLen, "zrangestore", 1)
	c.Int(int64(res.Len()))
}
