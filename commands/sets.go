package commands

import (
	"math"
	"slices"

	"sundial/keyspace"
)

// setCommands is this family's part of the command table.
var setCommands = []*Spec{
	{Name: "sadd", Run: cmdSAdd},
	{Name: "srem", Run: cmdSRem},
	{Name: "scard", Run: cmdSCard},
	{Name: "sismember", Run: cmdSIsMember},
	{Name: "smismember", Run: cmdSMIsMember},
	{Name: "smembers", Run: cmdSMembers},
	{Name: "srandmember", Run: cmdSRandMember},
	{Name: "spop", Run: cmdSPop},
	{Name: "smove", Run: cmdSMove},
	{Name: "sinter", Run: cmdSInter},
	{Name: "sintercard", Run: cmdSInterCard},
	{Name: "sinterstore", Run: cmdSInterStore},
	{Name: "sunion", Run: cmdSUnion},
	{Name: "sunionstore", Run: cmdSUnionStore},
	{Name: "sdiff", Run: cmdSDiff},
	{Name: "sdiffstore", Run: cmdSDiffStore},
	{Name: "sscan", Run: cmdSScan},
}

const errSInterCardLimit = "ERR LIMIT can't be negative"

// readSet returns the set at key for a read command: nil when missing;
// ok is false when a WRONGTYPE error was written.
func readSet(c *Client, key []byte) (*keyspace.Set, bool) {
	return readValue[*keyspace.Set](c, key)
}

// writeSet is readSet for write commands, also returning the entry.
func writeSet(c *Client, key []byte) (*keyspace.Entry, *keyspace.Set, bool) {
	return writeValue[*keyspace.Set](c, key)
}

func (c *Client) maxIntset() int64 { return c.e.Cfg.SetMaxIntsetEntries }

func cmdSAdd(c *Client, args [][]byte) {
	_, s, ok := writeSet(c, args[1])
	if !ok {
		return
	}
	if s == nil {
		s = keyspace.NewSetFor(args[2])
		c.DB.Add(string(args[1]), s)
	}
	added := 0
	for _, m := range args[2:] {
		if s.Add(m, c.maxIntset()) {
			added++
		}
	}
	if added > 0 {
		c.Touched(args[1])
		c.Notify(notifySet, "sadd", args[1])
		c.Dirty(added)
	}
	c.Int(int64(added))
}

func cmdSRem(c *Client, args [][]byte) {
	ent, s, ok := writeSet(c, args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Int(0)
		return
	}
	removeMembers(c, ent, args, s.Remove, s.Len, notifySet, "srem")
}

func cmdSCard(c *Client, args [][]byte) {
	s, ok := readSet(c, args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Int(0)
		return
	}
	c.Int(int64(s.Len()))
}

func cmdSIsMember(c *Client, args [][]byte) {
	s, ok := readSet(c, args[1])
	if !ok {
		return
	}
	if s != nil && s.Has(args[2]) {
		c.Int(1)
	} else {
		c.Int(0)
	}
}

func cmdSMIsMember(c *Client, args [][]byte) {
	s, ok := readSet(c, args[1])
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, m := range args[2:] {
		if s != nil && s.Has(m) {
			c.Int(1)
		} else {
			c.Int(0)
		}
	}
}

// SMEMBERS is SINTER of one set in Redis 7.0.
func cmdSMembers(c *Client, args [][]byte) { setInter(c, args[1:], nil, false, 0) }

func cmdSMove(c *Client, args [][]byte) {
	sent, src, ok := writeSet(c, args[1])
	if !ok {
		return
	}
	if src == nil {
		c.Int(0)
		return
	}
	dent, dst, ok := writeSet(c, args[2])
	if !ok {
		return
	}
	m := args[3]
	if sent == dent {
		if src.Has(m) {
			c.Int(1)
		} else {
			c.Int(0)
		}
		return
	}
	if !src.Remove(m) {
		c.Int(0)
		return
	}
	c.Notify(notifySet, "srem", args[1])
	if src.Len() == 0 {
		c.DB.Remove(sent)
		c.Notify(notifyGeneric, "del", args[1])
	}
	if dst == nil {
		dst = keyspace.NewSetFor(m)
		c.DB.Add(string(args[2]), dst)
	}
	c.Touched(args[1])
	c.Dirty(1)
	// The destination changed only if it did not hold the member yet:
	// otherwise a WATCH on it stays valid, as in Redis.
	if dst.Add(m, c.maxIntset()) {
		c.Dirty(1)
		c.Touched(args[2])
		c.Notify(notifySet, "sadd", args[2])
	}
	c.Int(1)
}

func cmdSRandMember(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	if len(args) == 2 {
		s, ok := readSet(c, args[1])
		if !ok {
			return
		}
		if s == nil {
			c.Null()
			return
		}
		var buf [24]byte
		c.Bulk(s.At(s.Random(), buf[:0]))
		return
	}
	count, ok := rangeArgOrReply(c, args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return
	}
	s, ok := readSet(c, args[1])
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.Array(0)
		return
	}
	var buf [24]byte
	size := s.Len()
	switch {
	case count < 0 || count == 1:
		// With repeats (or a single pick): sample independently.
		n := int(min(-count, math.MaxInt32))
		if count == 1 {
			n = 1
		}
		c.Array(n)
		for ; n > 0; n-- {
			c.Bulk(s.At(s.Random(), buf[:0]))
		}
	case count >= int64(size):
		c.Array(size)
		s.Each(func(m []byte) bool {
			c.Bulk(m)
			return true
		})
	default:
		picks := randomDistinct(size, int(count))
		c.Array(len(picks))
		for _, i := range picks {
			c.Bulk(s.At(i, buf[:0]))
		}
	}
}

func cmdSPop(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	if len(args) == 3 {
		spopCount(c, args)
		return
	}
	ent, s, ok := writeSet(c, args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Null()
		return
	}
	m := s.PopAt(s.Random())
	c.Notify(notifySet, "spop", args[1])
	c.Rewrite([]byte("SREM"), args[1], []byte(m))
	c.BulkString(m)
	if s.Len() == 0 {
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", args[1])
	}
	c.Touched(args[1])
	c.Dirty(1)
}

// spopCount is SPOP with a count: the whole set when count reaches its
// size (propagated as DEL), else count random members (propagated as
// SREM of them).
func spopCount(c *Client, args [][]byte) {
	count, ok := positiveArgOrReply(c, args[2], "")
	if !ok {
		return
	}
	ent, s, ok := writeSet(c, args[1])
	if !ok {
		return
	}
	if s == nil || count == 0 {
		c.Set(0)
		return
	}
	key := args[1]
	size := s.Len()
	c.Notify(notifySet, "spop", key)
	if count >= int64(size) {
		c.Set(size)
		s.Each(func(m []byte) bool {
			c.Bulk(m)
			return true
		})
		c.DB.Remove(ent)
		c.Notify(notifyGeneric, "del", key)
		c.Rewrite([]byte("DEL"), key)
		c.Touched(key)
		c.Dirty(size + 1)
		return
	}
	c.Set(int(count))
	rewrite := make([][]byte, 2, 2+count)
	rewrite[0], rewrite[1] = []byte("SREM"), key
	for i := int64(0); i < count; i++ {
		m := s.PopAt(s.Random())
		c.BulkString(m)
		rewrite = append(rewrite, []byte(m))
	}
	c.Rewrite(rewrite...)
	c.Touched(key)
	c.Dirty(int(count) + 1)
}

// setOperands looks up the sets named by keys, nil for missing keys; ok
// is false when one holds another type (WRONGTYPE written).
func setOperands(c *Client, keys [][]byte, write bool) ([]*keyspace.Set, bool) {
	sets := make([]*keyspace.Set, len(keys))
	for i, k := range keys {
		var s *keyspace.Set
		var ok bool
		if write {
			_, s, ok = writeSet(c, k)
		} else {
			s, ok = readSet(c, k)
		}
		if !ok {
			return nil, false
		}
		sets[i] = s
	}
	return sets, true
}

// storeSet makes result the value of dst (SINTERSTORE, SUNIONSTORE,
// SDIFFSTORE), or deletes dst when result is empty, and replies with the
// size.
func storeSet(c *Client, dst []byte, result *keyspace.Set, event string) {
	if result.Len() > 0 {
		c.DB.Set(dst, result, false)
		c.Touched(dst)
		c.Int(int64(result.Len()))
		c.Notify(notifySet, event, dst)
		c.Dirty(1)
		return
	}
	c.Int(0)
	if c.DB.Delete(dst, c.now) {
		c.Dirty(1)
		c.Touched(dst)
		c.Notify(notifyGeneric, "del", dst)
	}
}

// setInter is SINTER (dst nil), SINTERSTORE and SINTERCARD (cardOnly,
// stopping at limit when it is not 0). As Redis it walks the smallest
// set and replies in its order.
func setInter(c *Client, keys [][]byte, dst []byte, cardOnly bool, limit int64) {
	sets, ok := setOperands(c, keys, dst != nil)
	if !ok {
		return
	}
	if slices.Contains(sets, nil) {
		switch {
		case dst != nil:
			storeSet(c, dst, keyspace.NewIntSet(), "sinterstore")
		case cardOnly:
			c.Int(0)
		default:
			c.Set(0)
		}
		return
	}
	slices.SortStableFunc(sets, func(a, b *keyspace.Set) int { return a.Len() - b.Len() })
	inAll := func(m []byte) bool {
		for _, s := range sets[1:] {
			if s != sets[0] && !s.Has(m) {
				return false
			}
		}
		return true
	}
	switch {
	case cardOnly:
		n := int64(0)
		sets[0].Each(func(m []byte) bool {
			if inAll(m) {
				n++
			}
			return limit == 0 || n < limit
		})
		c.Int(n)
	case dst != nil:
		result := keyspace.NewIntSet()
		sets[0].Each(func(m []byte) bool {
			if inAll(m) {
				result.Add(m, c.maxIntset())
			}
			return true
		})
		storeSet(c, dst, result, "sinterstore")
	default:
		var found [][]byte
		sets[0].Each(func(m []byte) bool {
			if inAll(m) {
				found = append(found, append([]byte(nil), m...))
			}
			return true
		})
		c.Set(len(found))
		for _, m := range found {
			c.Bulk(m)
		}
	}
}

func cmdSInter(c *Client, args [][]byte) { setInter(c, args[1:], nil, false, 0) }

func cmdSInterStore(c *Client, args [][]byte) { setInter(c, args[2:], args[1], false, 0) }

func cmdSInterCard(c *Client, args [][]byte) {
	numkeys, ok := rangeArgOrReply(c, args[1], 1, math.MaxInt64, errNumkeysPositive)
	if !ok {
		return
	}
	if numkeys > int64(len(args)-2) {
		c.Error(errNumkeysTooMany)
		return
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(args); j++ {
		if equalFoldASCII(args[j], "limit") && j+1 < len(args) {
			j++
			if limit, ok = positiveArgOrReply(c, args[j], errSInterCardLimit); !ok {
				return
			}
			continue
		}
		c.Error(errSyntax)
		return
	}
	setInter(c, args[2:2+numkeys], nil, true, limit)
}

// equalFoldASCII compares b with a lower-case ASCII word, ignoring case.
func equalFoldASCII(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		ch := b[i]
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		if ch != word[i] {
			return false
		}
	}
	return true
}

// setUnionDiff is SUNION, SDIFF and their STORE forms. The result is
// built as a new set, starting as an intset as in Redis, so it replies in
// ascending order when it stays one.
func setUnionDiff(c *Client, keys [][]byte, dst []byte, union bool) {
	sets, ok := setOperands(c, keys, dst != nil)
	if !ok {
		return
	}
	result := keyspace.NewIntSet()
	limit := c.maxIntset()
	switch {
	case union:
		for _, s := range sets {
			if s != nil {
				s.Each(func(m []byte) bool {
					result.Add(m, limit)
					return true
				})
			}
		}
	case sets[0] != nil && !slices.Contains(sets[1:], sets[0]):
		sets[0].Each(func(m []byte) bool {
			for _, s := range sets[1:] {
				if s != nil && s.Has(m) {
					return true
				}
			}
			result.Add(m, limit)
			return true
		})
	}
	if dst != nil {
		event := "sdiffstore"
		if union {
			event = "sunionstore"
		}
		storeSet(c, dst, result, event)
		return
	}
	c.Set(result.Len())
	result.Each(func(m []byte) bool {
		c.Bulk(m)
		return true
	})
}

func cmdSUnion(c *Client, args [][]byte)      { setUnionDiff(c, args[1:], nil, true) }
func cmdSUnionStore(c *Client, args [][]byte) { setUnionDiff(c, args[2:], args[1], true) }
func cmdSDiff(c *Client, args [][]byte)       { setUnionDiff(c, args[1:], nil, false) }
func cmdSDiffStore(c *Client, args [][]byte)  { setUnionDiff(c, args[2:], args[1], false) }

func cmdSScan(c *Client, args [][]byte) {
	s, cursor, opts, ok := collScanStart[*keyspace.Set](c, args)
	if !ok {
		return
	}
	var out []string
	next := s.Scan(cursor, int(opts.count), func(m []byte) {
		if opts.pattern == nil || GlobMatch(opts.pattern, m, false) {
			out = append(out, string(m))
		}
	})
	collScanReply(c, next, out)
}
