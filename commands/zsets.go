package commands

import (
	"math"
	"unsafe"

	"sundial/keyspace"
	"sundial/keyspace/zset"
)

// zsetCommands is this family's part of the command table.
var zsetCommands = []*Spec{
	{Name: "zadd", Run: cmdZAdd},
	{Name: "zincrby", Run: cmdZIncrBy},
	{Name: "zrem", Run: cmdZRem},
	{Name: "zcard", Run: cmdZCard},
	{Name: "zcount", Run: cmdZCount},
	{Name: "zlexcount", Run: cmdZLexCount},
	{Name: "zscore", Run: cmdZScore},
	{Name: "zmscore", Run: cmdZMScore},
	{Name: "zrank", Run: cmdZRank},
	{Name: "zrevrank", Run: cmdZRevRank},
	{Name: "zrange", Run: cmdZRange},
	{Name: "zrangestore", Run: cmdZRangeStore},
	{Name: "zrevrange", Run: cmdZRevRange},
	{Name: "zrangebyscore", Run: cmdZRangeByScore},
	{Name: "zrevrangebyscore", Run: cmdZRevRangeByScore},
	{Name: "zrangebylex", Run: cmdZRangeByLex},
	{Name: "zrevrangebylex", Run: cmdZRevRangeByLex},
	{Name: "zremrangebyrank", Run: cmdZRemRangeByRank},
	{Name: "zremrangebyscore", Run: cmdZRemRangeByScore},
	{Name: "zremrangebylex", Run: cmdZRemRangeByLex},
	{Name: "zpopmin", Run: cmdZPopMin},
	{Name: "zpopmax", Run: cmdZPopMax},
	{Name: "zmpop", Run: cmdZMPop},
	{Name: "bzpopmin", Run: cmdBZPopMin},
	{Name: "bzpopmax", Run: cmdBZPopMax},
	{Name: "bzmpop", Run: cmdBZMPop},
	{Name: "zrandmember", Run: cmdZRandMember},
	{Name: "zunion", Run: cmdZUnion},
	{Name: "zinter", Run: cmdZInter},
	{Name: "zdiff", Run: cmdZDiff},
	{Name: "zunionstore", Run: cmdZUnionStore},
	{Name: "zinterstore", Run: cmdZInterStore},
	{Name: "zdiffstore", Run: cmdZDiffStore},
	{Name: "zintercard", Run: cmdZInterCard},
	{Name: "zscan", Run: cmdZScan},
}

// Sorted-set errors, as Redis 7.0 words them.
const (
	errZNaN             = "ERR resulting score is not a number (NaN)"
	errZScoreRange      = "ERR min or max is not a float"
	errZLexRange        = "ERR min or max not valid string range item"
	errZXXAndNX         = "ERR XX and NX options at the same time are not compatible"
	errZGTLTNX          = "ERR GT, LT, and/or NX options at the same time are not compatible"
	errZIncrPair        = "ERR INCR option supports a single increment-element pair"
	errZWeight          = "ERR weight value is not a float"
	errZLimitRank       = "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
	errZScoresLex       = "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
	errZLimitNegative   = "ERR LIMIT can't be negative"
	errZNumkeys         = "ERR numkeys should be greater than 0"
	errZCount           = "ERR count should be greater than 0"
	errZPositive        = "ERR value is out of range, must be positive"
	errZValueOutOfRange = "ERR value is out of range"
)

// zopt reports whether an argument is the keyword kw (lower case),
// compared as Redis's strcasecmp does: ASCII case folded, and the argument
// read as a C string, so it ends at its first NUL byte.
func zopt(b []byte, kw string) bool {
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) != len(kw) {
		return false
	}
	for i := range b {
		ch := b[i]
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != kw[i] {
			return false
		}
	}
	return true
}

// zview looks at an argument as a string without copying it, for map
// lookups that do not keep the string. The bytes must not change while
// the string is in use (arguments are stable for the whole command).
func zview(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// zsetParseDouble parses a float argument as Redis's string2d: the whole
// argument must be a strtod number with no leading space; NaN, and values
// that overflow to infinity or underflow to zero, are refused (the words
// "inf" and "infinity" are accepted).
func zsetParseDouble(b []byte) (float64, bool) {
	if len(b) == 0 || b[0] == '(' || isCSpace(b[0]) {
		return 0, false
	}
	v, _, ok := zset.ParseScoreBound(b)
	if !ok {
		return 0, false
	}
	if math.IsInf(v, 0) && !isInfWord(b) {
		return 0, false
	}
	if v == 0 && hasNonZeroDigit(b) {
		return 0, false
	}
	return v, true
}

func isCSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// isInfWord reports whether a number is written as an infinity rather
// than overflowing to one.
func isInfWord(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	return len(b) >= 3 && b[0]|0x20 == 'i' && b[1]|0x20 == 'n' && b[2]|0x20 == 'f'
}

// hasNonZeroDigit reports whether the mantissa of a strtod number has a
// non-zero digit, telling an underflow from a written zero.
func hasNonZeroDigit(b []byte) bool {
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		b = b[1:]
	}
	hex := len(b) >= 2 && b[0] == '0' && b[1]|0x20 == 'x'
	if hex {
		b = b[2:]
	}
	for _, ch := range b {
		switch {
		case ch == '.' || ch == '0':
		case hex && ch|0x20 == 'p', !hex && ch|0x20 == 'e':
			return false
		default:
			return true
		}
	}
	return false
}

// zsetArgInt parses an integer argument as getLongFromObjectOrReply.
func zsetArgInt(c *Client, b []byte) (int64, bool) {
	n, ok := keyspace.ParseInt(b)
	if !ok {
		c.Error(errNotInt)
	}
	return n, ok
}

// readZSet returns the sorted set at key for a read command: nil when the
// key is missing; ok is false when a WRONGTYPE error was written.
func readZSet(c *Client, key []byte) (*keyspace.ZSet, bool) {
	return readValue[*keyspace.ZSet](c, key)
}

// writeZSet is readZSet for a write command (no hit/miss accounting).
func writeZSet(c *Client, key []byte) (*keyspace.Entry, *keyspace.ZSet, bool) {
	return writeValue[*keyspace.ZSet](c, key)
}

// zsetAddNew inserts a member known to be absent and applies Redis's
// conversion to the skiplist encoding.
func zsetAddNew(c *Client, z *keyspace.ZSet, member []byte, score float64) {
	z.Add(string(member), z.StoredScore(score))
	z.Fits(c.e.Cfg.ZSetMaxListpackEntries, c.e.Cfg.ZSetMaxListpackValue, len(member))
}

// newZSetFor creates the value ZADD creates for a first member: a
// skiplist straight away when listpacks are disabled or the member is too
// long for one.
func newZSetFor(c *Client, first []byte) *keyspace.ZSet {
	cfg := c.e.Cfg
	return keyspace.NewZSet(cfg.ZSetMaxListpackEntries != 0 && int64(len(first)) <= cfg.ZSetMaxListpackValue)
}

// zsetStore makes z the value of dst, as Redis's setKey (any old value and
// TTL go), or deletes dst when z is empty. event names the notification;
// dirty is the change count Redis adds for a stored result. maxLen is the
// longest member, for the encoding.
func zsetStore(c *Client, dst []byte, z *keyspace.ZSet, maxLen int, event string, dirty int) {
	if z.Len() == 0 {
		if ent := c.Lookup(dst); ent != nil {
			c.DB.Remove(ent)
			c.Touched(dst)
			c.Notify(notifyGeneric, "del", dst)
			c.Dirty(1)
		}
		return
	}
	z.FitListpack(c.e.Cfg.ZSetMaxListpackEntries, c.e.Cfg.ZSetMaxListpackValue, maxLen)
	c.DB.Set(dst, z, false)
	c.Touched(dst)
	c.Notify(notifyZSet, event, dst)
	c.SignalReady(dst)
	c.Dirty(dirty)
}

// zreplyEntry writes one member of a reply that may carry scores: RESP3
// nests [member, score] pairs, RESP2 flattens them.
func zreplyEntry(c *Client, member string, score float64, withScores bool) {
	if withScores && c.Proto >= 3 {
		c.Array(2)
	}
	c.BulkString(member)
	if withScores {
		c.Double(score)
	}
}

// zreplyHeader starts an array of n members with optional scores.
func zreplyHeader(c *Client, n int, withScores bool) {
	if withScores && c.Proto < 3 {
		c.Array(2 * n)
	} else {
		c.Array(n)
	}
}

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]

func cmdZAdd(c *Client, args [][]byte)    { zaddGeneric(c, args, false) }
func cmdZIncrBy(c *Client, args [][]byte) { zaddGeneric(c, args, true) }

// zaddGeneric is ZADD and ZINCRBY (which is ZADD INCR with one pair), as
// Redis's zaddGenericCommand: every option and score is checked before the
// set is touched, so the command applies whole or not at all.
func zaddGeneric(c *Client, args [][]byte, incr bool) {
	var nx, xx, gt, lt, ch bool
	i := 2
options:
	for ; i < len(args); i++ {
		switch a := args[i]; {
		case zopt(a, "nx"):
			nx = true
		case zopt(a, "xx"):
			xx = true
		case zopt(a, "ch"):
			ch = true
		case zopt(a, "incr"):
			incr = true
		case zopt(a, "gt"):
			gt = true
		case zopt(a, "lt"):
			lt = true
		default:
			break options
		}
	}
	pairs := len(args) - i
	if pairs == 0 || pairs%2 == 1 {
		c.Error(errSyntax)
		return
	}
	pairs /= 2
	switch {
	case nx && xx:
		c.Error(errZXXAndNX)
		return
	case gt && nx, lt && nx, gt && lt:
		c.Error(errZGTLTNX)
		return
	case incr && pairs > 1:
		c.Error(errZIncrPair)
		return
	}
	var buf [8]float64
	scores := buf[:0]
	if pairs > len(buf) {
		scores = make([]float64, 0, pairs)
	}
	for j := 0; j < pairs; j++ {
		s, ok := zsetParseDouble(args[i+2*j])
		if !ok {
			c.Error(errNotFloat)
			return
		}
		scores = append(scores, s)
	}
	key := args[1]
	ent, z, ok := writeZSet(c, key)
	if !ok {
		return
	}
	if ent == nil && xx {
		if incr {
			c.Null()
		} else {
			c.Int(0)
		}
		return
	}
	if ent == nil {
		z = newZSetFor(c, args[i+1])
		c.DB.Add(string(key), z)
	}
	added, updated, processed := 0, 0, 0
	var score float64
	for j, s := range scores {
		member := args[i+2*j+1]
		cur, exists := z.Score(zview(member))
		switch {
		case exists && nx:
			continue
		case exists:
			if incr {
				s += cur
				if math.IsNaN(s) {
					c.Error(errZNaN)
					zaddFinish(c, key, incr, added, updated)
					return
				}
			}
			if (lt && s >= cur) || (gt && s <= cur) {
				continue
			}
			if s != cur {
				// The member exists, so Add keeps no reference to the
				// argument's bytes.
				z.Add(zview(member), z.StoredScore(s))
				updated++
			}
		case xx:
			continue
		default:
			zsetAddNew(c, z, member, s)
			added++
		}
		processed++
		score = s
	}
	switch {
	case incr && processed > 0:
		c.Double(score)
	case incr:
		c.Null()
	case ch:
		c.Int(int64(added + updated))
	default:
		c.Int(int64(added))
	}
	zaddFinish(c, key, incr, added, updated)
}

func zaddFinish(c *Client, key []byte, incr bool, added, updated int) {
	if added+updated == 0 {
		return
	}
	c.Dirty(added + updated)
	c.Touched(key)
	if incr {
		c.Notify(notifyZSet, "zincr", key)
	} else {
		c.Notify(notifyZSet, "zadd", key)
	}
	if added > 0 {
		c.SignalReady(key)
	}
}

func cmdZRem(c *Client, args [][]byte) {
	key := args[1]
	ent, z, ok := writeZSet(c, key)
	if !ok {
		return
	}
	if ent == nil {
		c.Int(0)
		return
	}
	deleted, gone := 0, false
	for _, m := range args[2:] {
		if z.Remove(zview(m)) {
			deleted++
			if z.Len() == 0 {
				c.DB.Remove(ent)
				gone = true
				break
			}
		}
	}
	if deleted > 0 {
		c.Notify(notifyZSet, "zrem", key)
		if gone {
			c.Notify(notifyGeneric, "del", key)
		}
		c.Touched(key)
		c.Dirty(deleted)
	}
	c.Int(int64(deleted))
}

func cmdZCard(c *Client, args [][]byte) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Int(0)
		return
	}
	c.Int(int64(z.Len()))
}

func cmdZCount(c *Client, args [][]byte) {
	r, ok := zset.ParseScoreRange(args[2], args[3])
	if !ok {
		c.Error(errZScoreRange)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Int(0)
		return
	}
	c.Int(int64(z.CountScore(r)))
}

func cmdZLexCount(c *Client, args [][]byte) {
	r, ok := zset.ParseLexRange(args[2], args[3])
	if !ok {
		c.Error(errZLexRange)
		return
	}
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Int(0)
		return
	}
	c.Int(int64(z.CountLex(r)))
}

func cmdZScore(c *Client, args [][]byte) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Null()
		return
	}
	if s, found := z.Score(zview(args[2])); found {
		c.Double(s)
	} else {
		c.Null()
	}
}

func cmdZMScore(c *Client, args [][]byte) {
	zmemberScores(c, args, (*Client).Null, (*Client).Double)
}

// zmemberScores replies to key member [member ...] (ZMSCORE, GEOHASH,
// GEOPOS) with an array: found(score) for each member of the sorted set,
// missing() for members (or a key) that are not there.
func zmemberScores(c *Client, args [][]byte, missing func(*Client), found func(*Client, float64)) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, m := range args[2:] {
		if z == nil {
			missing(c)
		} else if s, ok := z.Score(zview(m)); ok {
			found(c, s)
		} else {
			missing(c)
		}
	}
}

func cmdZRank(c *Client, args [][]byte)    { zrankGeneric(c, args, false) }
func cmdZRevRank(c *Client, args [][]byte) { zrankGeneric(c, args, true) }

func zrankGeneric(c *Client, args [][]byte, reverse bool) {
	z, ok := readZSet(c, args[1])
	if !ok {
		return
	}
	if z == nil {
		c.Null()
		return
	}
	if r, found := z.Rank(zview(args[2]), reverse); found {
		c.Int(int64(r))
	} else {
		c.Null()
	}
}

// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.

func cmdZRemRangeByRank(c *Client, args [][]byte) {
	start, ok := zsetArgInt(c, args[2])
	if !ok {
		return
	}
	end, ok := zsetArgInt(c, args[3])
	if !ok {
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebyrank", func(z *keyspace.ZSet) int {
		n := int64(z.Len())
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		start = max(start, 0)
		if start > end || start >= n {
			return 0
		}
		end = min(end, n-1)
		return z.RemoveRangeByRank(int(start), int(end), nil)
	})
}

func cmdZRemRangeByScore(c *Client, args [][]byte) {
	r, ok := zset.ParseScoreRange(args[2], args[3])
	if !ok {
		c.Error(errZScoreRange)
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebyscore", func(z *keyspace.ZSet) int {
		return z.RemoveRangeByScore(r, nil)
	})
}

func cmdZRemRangeByLex(c *Client, args [][]byte) {
	r, ok := zset.ParseLexRange(args[2], args[3])
	if !ok {
		c.Error(errZLexRange)
		return
	}
	zremrangeGeneric(c, args[1], "zremrangebylex", func(z *keyspace.ZSet) int {
		return z.RemoveRangeByLex(r, nil)
	})
}

// zremrangeGeneric looks the key up once its range parsed, removes what
// remove selects and sends Redis's notifications.
func zremrangeGeneric(c *Client, key []byte, event string, remove func(*keyspace.ZSet) int) {
	ent, z, ok := writeZSet(c, key)
	if !ok {
		return
	}
	if ent == nil {
		c.Int(0)
		return
	}
	deleted := remove(z)
	gone := z.Len() == 0
	if gone {
		c.DB.Remove(ent)
	}
	if deleted > 0 {
		c.Touched(key)
		c.Notify(notifyZSet, event, key)
		if gone {
			c.Notify(notifyGeneric, "del", key)
		}
		c.Dirty(deleted)
	}
	c.Int(int64(deleted))
}
