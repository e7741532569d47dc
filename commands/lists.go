package commands

import (
	"math"
	"strconv"
	"strings"
	"time"

	"sundial/keyspace"
)

// listCommands is this family's part of the command table.
var listCommands = []*Spec{
	{Name: "lpush", Run: cmdLPush},
	{Name: "rpush", Run: cmdRPush},
	{Name: "lpushx", Run: cmdLPushX},
	{Name: "rpushx", Run: cmdRPushX},
	{Name: "lpop", Run: cmdLPop},
	{Name: "rpop", Run: cmdRPop},
	{Name: "llen", Run: cmdLLen},
	{Name: "lindex", Run: cmdLIndex},
	{Name: "linsert", Run: cmdLInsert},
	{Name: "lpos", Run: cmdLPos},
	{Name: "lrange", Run: cmdLRange},
	{Name: "lrem", Run: cmdLRem},
	{Name: "lset", Run: cmdLSet},
	{Name: "ltrim", Run: cmdLTrim},
	{Name: "lmove", Run: cmdLMove},
	{Name: "rpoplpush", Run: cmdRPopLPush},
	{Name: "lmpop", Run: cmdLMPop},
	{Name: "blpop", Run: cmdBLPop},
	{Name: "brpop", Run: cmdBRPop},
	{Name: "blmove", Run: cmdBLMove},
	{Name: "brpoplpush", Run: cmdBRPopLPush},
	{Name: "blmpop", Run: cmdBLMPop},
}

// List-specific errors, as Redis 7.0 words them.
const (
	errRankZero       = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
	errCountNegative  = "ERR COUNT can't be negative"
	errMaxlenNegative = "ERR MAXLEN can't be negative"
)

// readList returns the list at key for a read command: nil when missing;
// ok is false when a WRONGTYPE error was written.
func readList(c *Client, key []byte) (*keyspace.List, bool) {
	return readValue[*keyspace.List](c, key)
}

// writeList is readList for write commands, also returning the entry.
func writeList(c *Client, key []byte) (*keyspace.Entry, *keyspace.List, bool) {
	return writeValue[*keyspace.List](c, key)
}

// listPushed finishes a push: blocked clients on key may now be served.
func listPushed(c *Client, key []byte, front bool) {
	c.Touched(key)
	if front {
		c.Notify(notifyList, "lpush", key)
	} else {
		c.Notify(notifyList, "rpush", key)
	}
	c.SignalReady(key)
}

// listPopped finishes the removal of n values from an end of key, as
// Redis's listElementsRemoved: the key goes when the list is empty.
func listPopped(c *Client, ent *keyspace.Entry, l *keyspace.List, key []byte, front bool, n int) {
	if front {
		c.Notify(notifyList, "lpop", key)
	} else {
		c.Notify(notifyList, "rpop", key)
	}
	if l.Len() == 0 {
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", key)
	}
	c.Touched(key)
	c.Dirty(n)
}

func pushGeneric(c *Client, args [][]byte, front, onlyExisting bool) {
	_, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		if onlyExisting {
			c.Int(0)
			return
		}
		l = keyspace.NewList()
		c.DB.Add(string(args[1]), l)
	}
	for _, v := range args[2:] {
		if front {
			l.PushFront(v)
		} else {
			l.PushBack(v)
		}
	}
	c.Dirty(len(args) - 2)
	c.Int(int64(l.Len()))
	listPushed(c, args[1], front)
}

func cmdLPush(c *Client, args [][]byte)  { pushGeneric(c, args, true, false) }
func cmdRPush(c *Client, args [][]byte)  { pushGeneric(c, args, false, false) }
func cmdLPushX(c *Client, args [][]byte) { pushGeneric(c, args, true, true) }
func cmdRPushX(c *Client, args [][]byte) { pushGeneric(c, args, false, true) }

func popGeneric(c *Client, args [][]byte, front bool) {
	if len(args) > 3 {
		c.Error(errArity(c.cmd.FullName))
		return
	}
	hasCount := len(args) == 3
	var count int64
	if hasCount {
		var ok bool
		if count, ok = positiveArgOrReply(c, args[2], ""); !ok {
			return
		}
	}
	ent, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		if hasCount {
			c.NullArray()
		} else {
			c.Null()
		}
		return
	}
	if hasCount && count == 0 {
		c.Array(0)
		return
	}
	if !hasCount {
		var v []byte
		if front {
			v, _ = l.PopFront()
		} else {
			v, _ = l.PopBack()
		}
		c.Bulk(v)
		listPopped(c, ent, l, args[1], front, 1)
		return
	}
	n := listPopRange(c, l, front, count)
	listPopped(c, ent, l, args[1], front, n)
}

// listPopRange replies with up to count values popped from an end of l,
// in popping order, and returns how many.
func listPopRange(c *Client, l *keyspace.List, front bool, count int64) int {
	n := int(min(count, int64(l.Len())))
	c.Array(n)
	k := 0
	l.Iterate(!front, func(_ int, v []byte) bool {
		c.Bulk(v)
		k++
		return k < n
	})
	if front {
		l.Trim(n, -1)
	} else {
		l.Trim(0, -n-1)
	}
	return n
}

func cmdLPop(c *Client, args [][]byte) { popGeneric(c, args, true) }
func cmdRPop(c *Client, args [][]byte) { popGeneric(c, args, false) }

func cmdLLen(c *Client, args [][]byte) {
	l, ok := readList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Int(0)
		return
	}
	c.Int(int64(l.Len()))
}

func cmdLIndex(c *Client, args [][]byte) {
	l, ok := readList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Null()
		return
	}
	idx, ok := intArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	if v, found := l.Index(int(idx)); found {
		c.Bulk(v)
	} else {
		c.Null()
	}
}

func cmdLInsert(c *Client, args [][]byte) {
	var after bool
	switch {
	case strings.EqualFold(string(args[2]), "after"):
		after = true
	case strings.EqualFold(string(args[2]), "before"):
	default:
		c.Error(errSyntax)
		return
	}
	_, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Int(0)
		return
	}
	n := l.Insert(args[3], after, args[4])
	if n < 0 {
		c.Int(-1)
		return
	}
	c.Touched(args[1])
	c.Notify(notifyList, "linsert", args[1])
	c.Dirty(1)
	c.Int(int64(n))
}

func cmdLPos(c *Client, args [][]byte) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for i := 3; i < len(args); i++ {
		opt := string(args[i])
		more := i+1 < len(args)
		var ok bool
		switch {
		case strings.EqualFold(opt, "rank") && more:
			i++
			if rank, ok = intArgOrReply(c, args[i], ""); !ok {
				return
			}
			if rank == 0 {
				c.Error(errRankZero)
				return
			}
		case strings.EqualFold(opt, "count") && more:
			i++
			if count, ok = positiveArgOrReply(c, args[i], errCountNegative); !ok {
				return
			}
		case strings.EqualFold(opt, "maxlen") && more:
			i++
			if maxlen, ok = positiveArgOrReply(c, args[i], errMaxlenNegative); !ok {
				return
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	l, ok := readList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		if count >= 0 {
			c.Array(0)
		} else {
			c.Null()
		}
		return
	}
	want := count
	if count < 0 {
		want = 1
	}
	if rank == math.MinInt64 {
		// Redis negates the rank in a long: LONG_MIN stays negative, so
		// every match from the tail qualifies and the count check never
		// fires.
		rank, want = -1, 0
	}
	matches := l.Pos(args[2], int(rank), int(min(want, math.MaxInt32)), int(maxlen))
	if count < 0 {
		if len(matches) == 0 {
			c.Null()
		} else {
			c.Int(int64(matches[0]))
		}
		return
	}
	c.Array(len(matches))
	for _, m := range matches {
		c.Int(int64(m))
	}
}

// listRange normalises start and end as Redis's LRANGE and LTRIM do and
// reports whether the range selects anything.
func listRange(start, end int64, n int) (int, int, bool) {
	llen := int64(n)
	if start < 0 {
		start += llen
	}
	if end < 0 {
		end += llen
	}
	if start < 0 {
		start = 0
	}
	if start >= llen || start > end {
		return 0, 0, false
	}
	if end >= llen {
		end = llen - 1
	}
	return int(start), int(end), true
}

func cmdLRange(c *Client, args [][]byte) {
	start, ok := intArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	end, ok := intArgOrReply(c, args[3], "")
	if !ok {
		return
	}
	l, ok := readList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Array(0)
		return
	}
	s, e, any := listRange(start, end, l.Len())
	if !any {
		c.Array(0)
		return
	}
	c.Array(e - s + 1)
	l.Range(s, e, func(v []byte) bool {
		c.Bulk(v)
		return true
	})
}

func cmdLTrim(c *Client, args [][]byte) {
	start, ok := intArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	end, ok := intArgOrReply(c, args[3], "")
	if !ok {
		return
	}
	ent, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.OK()
		return
	}
	before := l.Len()
	if s, e, any := listRange(start, end, before); any {
		l.Trim(s, e)
	} else {
		l.Trim(1, 0)
	}
	c.Notify(notifyList, "ltrim", args[1])
	if l.Len() == 0 {
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", args[1])
	}
	c.Touched(args[1])
	c.Dirty(before - l.Len())
	c.OK()
}

func cmdLRem(c *Client, args [][]byte) {
	count, ok := intArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	ent, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Int(0)
		return
	}
	removed := l.Remove(int(count), args[3])
	if removed > 0 {
		c.Notify(notifyList, "lrem", args[1])
	}
	if l.Len() == 0 {
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", args[1])
	}
	if removed > 0 {
		c.Touched(args[1])
		c.Dirty(removed)
	}
	c.Int(int64(removed))
}

func cmdLSet(c *Client, args [][]byte) {
	_, l, ok := writeList(c, args[1])
	if !ok {
		return
	}
	if l == nil {
		c.Error(errNoSuchKey)
		return
	}
	idx, ok := intArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	if !l.Set(int(idx), args[3]) {
		c.Error(errIndexRange)
		return
	}
	c.OK()
	c.Touched(args[1])
	c.Notify(notifyList, "lset", args[1])
	c.Dirty(1)
}

// listEnd parses LEFT or RIGHT; true means the head.
func listEnd(c *Client, b []byte) (front, ok bool) {
	switch {
	case strings.EqualFold(string(b), "left"):
		return true, true
	case strings.EqualFold(string(b), "right"):
		return false, true
	}
	c.Error(errSyntax)
	return false, false
}

// endName is how LMOVE names an end in its propagated form.
func endName(front bool) []byte {
	if front {
		return []byte("LEFT")
	}
	return []byte("RIGHT")
}

// listMove pops from one end of src and pushes to an end of dst, as
// Redis's lmoveGenericCommand; it assumes src holds a non-empty list
// and replies with the moved value, or WRONGTYPE when dst is not a list
// (moving nothing). It reports whether a value moved.
func listMove(c *Client, src, dst []byte, from, to bool) bool {
	sent := c.Lookup(src)
	sl := sent.Value.(*keyspace.List)
	_, dl, ok := writeList(c, dst)
	if !ok {
		return false
	}
	v, _ := func() ([]byte, bool) {
		if from {
			return sl.PopFront()
		}
		return sl.PopBack()
	}()
	if dl == nil {
		dl = keyspace.NewList()
		c.DB.Add(string(dst), dl)
	}
	if to {
		dl.PushFront(v)
	} else {
		dl.PushBack(v)
	}
	listPushed(c, dst, to)
	c.Bulk(v)
	listPopped(c, sent, sl, src, from, 1)
	return true
}

// lmoveGeneric is LMOVE after its ends are parsed: a missing source
// answers null.
func lmoveGeneric(c *Client, src, dst []byte, from, to bool) bool {
	_, sl, ok := writeList(c, src)
	if !ok {
		return false
	}
	if sl == nil {
		c.Null()
		return false
	}
	return listMove(c, src, dst, from, to)
}

func cmdLMove(c *Client, args [][]byte) {
	from, ok := listEnd(c, args[3])
	if !ok {
		return
	}
	to, ok := listEnd(c, args[4])
	if !ok {
		return
	}
	lmoveGeneric(c, args[1], args[2], from, to)
}

func cmdRPopLPush(c *Client, args [][]byte) {
	lmoveGeneric(c, args[1], args[2], false, true)
}

// mpopArgs are LMPOP's and BLMPOP's parsed arguments.
type mpopArgs struct {
	keys  [][]byte
	front bool
	count int64
}

// parseMPop parses numkeys key… LEFT|RIGHT [COUNT n] from args[i:].
func parseMPop(c *Client, args [][]byte, i int) (mpopArgs, bool) {
	var m mpopArgs
	numkeys, ok := rangeArgOrReply(c, args[i], 1, math.MaxInt64, errNumkeysPositive)
	if !ok {
		return m, false
	}
	if numkeys >= int64(len(args)-i-1) {
		c.Error(errSyntax)
		return m, false
	}
	where := i + int(numkeys) + 1
	if m.front, ok = listEnd(c, args[where]); !ok {
		return m, false
	}
	m.keys = args[i+1 : where]
	m.count = -1
	for j := where + 1; j < len(args); j++ {
		if m.count == -1 && strings.EqualFold(string(args[j]), "count") && j+1 < len(args) {
			j++
			if m.count, ok = rangeArgOrReply(c, args[j], 1, math.MaxInt64, errCountGreaterZero); !ok {
				return m, false
			}
			continue
		}
		c.Error(errSyntax)
		return m, false
	}
	if m.count == -1 {
		m.count = 1
	}
	return m, true
}

// mpopFrom pops up to count values from the list at key (which must hold
// a non-empty list) and replies [key, [values]], propagating the pop as
// LPOP/RPOP key n.
func mpopFrom(c *Client, key []byte, front bool, count int64) {
	ent := c.Lookup(key)
	l := ent.Value.(*keyspace.List)
	c.Array(2)
	c.Bulk(key)
	n := listPopRange(c, l, front, count)
	listPopped(c, ent, l, key, front, n)
	c.Rewrite(popName(front), key, strconv.AppendInt(nil, int64(n), 10))
}

func popName(front bool) []byte {
	if front {
		return []byte("LPOP")
	}
	return []byte("RPOP")
}

// firstNonEmptyList finds the first key holding a list; ok is false when
// a key before it holds another type (WRONGTYPE written).
func firstNonEmptyList(c *Client, keys [][]byte) (key []byte, ok bool) {
	for _, k := range keys {
		_, l, ok := writeList(c, k)
		if !ok {
			return nil, false
		}
		if l != nil && l.Len() > 0 {
			return k, true
		}
	}
	return nil, true
}

func cmdLMPop(c *Client, args [][]byte) {
	m, ok := parseMPop(c, args, 1)
	if !ok {
		return
	}
	key, ok := firstNonEmptyList(c, m.keys)
	if !ok {
		return
	}
	if key == nil {
		c.NullArray()
		return
	}
	mpopFrom(c, key, m.front, m.count)
}

// copyArgs copies arguments a blocked client keeps: the originals point
// into the connection's read buffer.
func copyArgs(args [][]byte) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = append([]byte(nil), a...)
	}
	return out
}

// readyList returns the key a waiter is being served for when it holds a
// non-empty list.
func readyList(w *Client) []byte {
	key := []byte(w.ReadyKey())
	ent := w.Lookup(key)
	if ent == nil {
		return nil
	}
	if l, ok := ent.Value.(*keyspace.List); !ok || l.Len() == 0 {
		return nil
	}
	return key
}

func blockingPop(c *Client, keys [][]byte, timeoutArg []byte, front bool) {
	timeout, ok := timeoutSeconds(c, timeoutArg)
	if !ok {
		return
	}
	key, ok := firstNonEmptyList(c, keys)
	if !ok {
		return
	}
	if key != nil {
		blpopFrom(c, key, front)
		return
	}
	if !c.CanBlock() {
		c.NullArray()
		return
	}
	c.Block(keys, timeout, func(w *Client) bool {
		key := readyList(w)
		if key == nil {
			return false
		}
		uncounted(w, func() { blpopFrom(w, key, front) })
		return true
	}, nil)
}

// uncounted runs a blocked list pop being served without counting it as
// a change (rdb_changes_since_last_save): Redis 7.0 counts only the push
// that served it, and only the pop of BLMPOP.
func uncounted(w *Client, serve func()) {
	dirty := w.e.Dirty
	serve()
	w.e.Dirty = dirty
}

// blpopFrom pops one value from the list at key, replies [key, value] and
// propagates an LPOP/RPOP.
func blpopFrom(c *Client, key []byte, front bool) {
	ent := c.Lookup(key)
	l := ent.Value.(*keyspace.List)
	var v []byte
	if front {
		v, _ = l.PopFront()
	} else {
		v, _ = l.PopBack()
	}
	c.Array(2)
	c.Bulk(key)
	c.Bulk(v)
	listPopped(c, ent, l, key, front, 1)
	c.Rewrite(popName(front), key)
}

func cmdBLPop(c *Client, args [][]byte) {
	blockingPop(c, args[1:len(args)-1], args[len(args)-1], true)
}

func cmdBRPop(c *Client, args [][]byte) {
	blockingPop(c, args[1:len(args)-1], args[len(args)-1], false)
}

func cmdBLMPop(c *Client, args [][]byte) {
	m, ok := parseMPop(c, args, 2)
	if !ok {
		return
	}
	timeout, ok := timeoutSeconds(c, args[1])
	if !ok {
		return
	}
	key, ok := firstNonEmptyList(c, m.keys)
	if !ok {
		return
	}
	if key != nil {
		mpopFrom(c, key, m.front, m.count)
		return
	}
	if !c.CanBlock() {
		c.NullArray()
		return
	}
	front, count := m.front, m.count
	c.Block(m.keys, timeout, func(w *Client) bool {
		key := readyList(w)
		if key == nil {
			return false
		}
		mpopFrom(w, key, front, count)
		return true
	}, nil)
}

// blmoveGeneric is BLMOVE and BRPOPLPUSH after parsing; rewrite is the
// non-blocking form to propagate when a value moves.
func blmoveGeneric(c *Client, src, dst []byte, from, to bool, timeout time.Duration, rewrite [][]byte) {
	_, sl, ok := writeList(c, src)
	if !ok {
		return
	}
	if sl != nil {
		if listMove(c, src, dst, from, to) {
			c.Rewrite(rewrite...)
		}
		return
	}
	if !c.CanBlock() {
		c.Null()
		return
	}
	rewrite = copyArgs(rewrite)
	src, dst = rewrite[1], rewrite[2]
	c.Block([][]byte{src}, timeout, func(w *Client) bool {
		if readyList(w) == nil {
			return false
		}
		// A destination of the wrong type answers WRONGTYPE and ends the
		// wait, as in Redis.
		uncounted(w, func() {
			if listMove(w, src, dst, from, to) {
				w.Rewrite(rewrite...)
			}
		})
		return true
	}, nil)
}

func cmdBLMove(c *Client, args [][]byte) {
	from, ok := listEnd(c, args[3])
	if !ok {
		return
	}
	to, ok := listEnd(c, args[4])
	if !ok {
		return
	}
	timeout, ok := timeoutSeconds(c, args[5])
	if !ok {
		return
	}
	rewrite := [][]byte{[]byte("LMOVE"), args[1], args[2], args[3], args[4]}
	blmoveGeneric(c, args[1], args[2], from, to, timeout, rewrite)
}

func cmdBRPopLPush(c *Client, args [][]byte) {
	timeout, ok := timeoutSeconds(c, args[3])
	if !ok {
		return
	}
	rewrite := [][]byte{[]byte("RPOPLPUSH"), args[1], args[2]}
	blmoveGeneric(c, args[1], args[2], false, true, timeout, rewrite)
}
