package commands

import (
	"strconv"
	"time"

	"sundial/keyspace"
	"sundial/keyspace/zset"
)

// ZPOPMIN, ZPOPMAX, ZMPOP and their blocking forms BZPOPMIN, BZPOPMAX and
// BZMPOP, as Redis's genericZpopCommand and blockingGenericZpopCommand.

// zpopShape is how a pop reply is laid out.
type zpopShape struct {
	emitKey bool // the reply starts with the key (BZPOP*, ZMPOP, BZMPOP)
	nested  bool // members come as [member, score] pairs
}

// zpopFrom pops up to count members (count >= 1) from the set at key and
// writes the reply in shape. It sends Redis's notifications, deletes the
// key once empty and marks the changes; the caller states the propagation
// form when it differs from the command as sent.
func zpopFrom(c *Client, key []byte, ent *keyspace.Entry, z *keyspace.ZSet, max bool, count int64, shape zpopShape) {
	n := int(min(count, int64(z.Len())))
	switch {
	case !shape.nested && !shape.emitKey:
		c.Array(2 * n)
	case shape.nested && !shape.emitKey:
		c.Array(n)
	case !shape.nested:
		c.Array(2*n + 1)
		c.Bulk(key)
	default:
		c.Array(2)
		c.Bulk(key)
		c.Array(n)
	}
	var popped []zset.Entry
	event := "zpopmin"
	if max {
		popped = z.PopMax(n)
		event = "zpopmax"
	} else {
		popped = z.PopMin(n)
	}
	c.Dirty(len(popped))
	c.Notify(notifyZSet, event, key)
	for _, e := range popped {
		if shape.nested {
			c.Array(2)
		}
		c.BulkString(e.Member)
		c.Double(e.Score)
	}
	if z.Len() == 0 {
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", key)
	}
	c.Touched(key)
}

// zpopCommandName is the non-blocking command a pop propagates as.
func zpopCommandName(max bool) []byte {
	if max {
		return []byte("ZPOPMAX")
	}
	return []byte("ZPOPMIN")
}

func cmdZPopMin(c *Client, args [][]byte) { zpopMinMax(c, args, false) }
func cmdZPopMax(c *Client, args [][]byte) { zpopMinMax(c, args, true) }

// zpopMinMax is ZPOPMIN/ZPOPMAX key [count]. Without a count the reply is
// a flat [member, score]; with one, RESP3 nests the pairs.
func zpopMinMax(c *Client, args [][]byte, max bool) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	count := int64(-1)
	if len(args) == 3 {
		n, ok := keyspace.ParseInt(args[2])
		if !ok || n < 0 {
			c.Error(errZPositive)
			return
		}
		count = n
	}
	ent, z, ok := writeZSet(c, args[1])
	if !ok {
		return
	}
	if ent == nil || count == 0 {
		c.Array(0)
		return
	}
	shape := zpopShape{nested: c.Proto >= 3 && count != -1}
	zpopFrom(c, args[1], ent, z, max, max64(count, 1), shape)
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// zmpopArgs parses the numkeys, keys, MIN|MAX and COUNT of ZMPOP and
// BZMPOP, numkeys being at args[at].
func zmpopArgs(c *Client, args [][]byte, at int) (keys [][]byte, max bool, count int64, ok bool) {
	numkeys, isInt := keyspace.ParseInt(args[at])
	if !isInt || numkeys < 1 {
		c.Error(errZNumkeys)
		return nil, false, 0, false
	}
	if numkeys >= int64(len(args)-at-1) {
		c.Error(errSyntax)
		return nil, false, 0, false
	}
	where := at + int(numkeys) + 1
	switch {
	case zopt(args[where], "min"):
	case zopt(args[where], "max"):
		max = true
	default:
		c.Error(errSyntax)
		return nil, false, 0, false
	}
	count = -1
	for j := where + 1; j < len(args); j++ {
		if count == -1 && zopt(args[j], "count") && j+1 < len(args) {
			j++
			n, isInt := keyspace.ParseInt(args[j])
			if !isInt || n < 1 {
				c.Error(errZCount)
				return nil, false, 0, false
			}
			count = n
			continue
		}
		c.Error(errSyntax)
		return nil, false, 0, false
	}
	return args[at+1 : where], max, max64(count, 1), true
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
func cmdZMPop(c *Client, args [][]byte) {
	keys, max, count, ok := zmpopArgs(c, args, 1)
	if !ok {
		return
	}
	if !zpopFirst(c, keys, max, count, zpopShape{emitKey: true, nested: true}) {
		c.NullArray()
	}
}

func cmdBZPopMin(c *Client, args [][]byte) { bzpopMinMax(c, args, false) }
func cmdBZPopMax(c *Client, args [][]byte) { bzpopMinMax(c, args, true) }

// BZPOPMIN/BZPOPMAX key [key ...] timeout
func bzpopMinMax(c *Client, args [][]byte, max bool) {
	timeout, ok := timeoutSeconds(c, args[len(args)-1])
	if !ok {
		return
	}
	zblockingPop(c, args[1:len(args)-1], max, -1, timeout, zpopShape{emitKey: true})
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
func cmdBZMPop(c *Client, args [][]byte) {
	keys, max, count, ok := zmpopArgs(c, args, 2)
	if !ok {
		return
	}
	timeout, ok := timeoutSeconds(c, args[1])
	if !ok {
		return
	}
	zblockingPop(c, keys, max, count, timeout, zpopShape{emitKey: true, nested: true})
}

// zblockingPop pops from the first key holding a sorted set, or parks the
// client until one does. count is -1 for BZPOPMIN/BZPOPMAX, which
// propagate as ZPOPMIN/ZPOPMAX key; BZMPOP propagates with its count.
func zblockingPop(c *Client, keys [][]byte, max bool, count int64, timeout time.Duration, shape zpopShape) {
	if zpopFirst(c, keys, max, count, shape) {
		return
	}
	if !c.CanBlock() {
		// Inside MULTI or a script an empty pop is a timeout.
		c.NullArray()
		return
	}
	retry := func(w *Client) bool {
		key := []byte(w.ReadyKey())
		ent := w.Lookup(key)
		if ent == nil {
			return false
		}
		z, isZ := ent.Value.(*keyspace.ZSet)
		if !isZ {
			return false
		}
		zpopFrom(w, key, ent, z, max, max64(count, 1), shape)
		w.Rewrite(zpopPropagation(max, key, count)...)
		return true
	}
	c.Block(keys, timeout, retry, func(w *Client) { w.NullArray() })
}

// zpopFirst pops from the first of keys holding a sorted set (ZMPOP, and
// the blocking pops before they block) and reports whether it replied: a
// key of another type before it is a WRONGTYPE error; false means no key
// holds a sorted set.
func zpopFirst(c *Client, keys [][]byte, max bool, count int64, shape zpopShape) bool {
	for _, k := range keys {
		ent, z, ok := writeZSet(c, k)
		if !ok {
			return true
		}
		if ent == nil {
			continue
		}
		zpopFrom(c, k, ent, z, max, max64(count, 1), shape)
		c.Rewrite(zpopPropagation(max, k, count)...)
		return true
	}
	return false
}

// zpopPropagation is a pop's deterministic form: ZPOPMIN/ZPOPMAX key, with
// the count unless it is -1 (BZPOPMIN/BZPOPMAX). The key is propagated
// before the command's arguments are released, so it is not copied.
func zpopPropagation(max bool, key []byte, count int64) [][]byte {
	if count == -1 {
		return [][]byte{zpopCommandName(max), key}
	}
	return [][]byte{zpopCommandName(max), key, []byte(strconv.FormatInt(count, 10))}
}
