package commands

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"sundial/keyspace"
)

// hashCommands is this family's part of the command table.
var hashCommands = []*Spec{
	{Name: "hset", Run: cmdHSet},
	{Name: "hmset", Run: cmdHSet},
	{Name: "hsetnx", Run: cmdHSetNX},
	{Name: "hget", Run: cmdHGet},
	{Name: "hmget", Run: cmdHMGet},
	{Name: "hgetall", Run: cmdHGetAll},
	{Name: "hkeys", Run: cmdHKeys},
	{Name: "hvals", Run: cmdHVals},
	{Name: "hdel", Run: cmdHDel},
	{Name: "hexists", Run: cmdHExists},
	{Name: "hlen", Run: cmdHLen},
	{Name: "hstrlen", Run: cmdHStrLen},
	{Name: "hincrby", Run: cmdHIncrBy},
	{Name: "hincrbyfloat", Run: cmdHIncrByFloat},
	{Name: "hrandfield", Run: cmdHRandField},
	{Name: "hscan", Run: cmdHScan},
}

// Hash-specific errors, as Redis 7.0 words them.
const (
	errHashNotInt       = "ERR hash value is not an integer"
	errHashNotFloat     = "ERR hash value is not a float"
	errNaNOrInfinity    = "ERR value is NaN or Infinity"
	errValueOutOfRange  = "ERR value is out of range"
	errMustBePositive   = "ERR value is out of range, must be positive"
	errInvalidCursor    = "ERR invalid cursor"
	errNumkeysPositive  = "ERR numkeys should be greater than 0"
	errNumkeysTooMany   = "ERR Number of keys can't be greater than number of args"
	errCountGreaterZero = "ERR count should be greater than 0"
)

// readHash returns the hash at key for a read command: nil when the key
// is missing; ok is false when a WRONGTYPE error was written.
func readHash(c *Client, key []byte) (*keyspace.Hash, bool) {
	return readValue[*keyspace.Hash](c, key)
}

// writeHash is readHash for a write command (no hit/miss accounting).
func writeHash(c *Client, key []byte) (*keyspace.Entry, *keyspace.Hash, bool) {
	return writeValue[*keyspace.Hash](c, key)
}

// hashForWrite returns the hash at key, creating an empty one when the key
// is missing (Redis's hashTypeLookupWriteOrCreate).
func hashForWrite(c *Client, key []byte) (*keyspace.Hash, bool) {
	ent, h, ok := writeHash(c, key)
	if !ok {
		return nil, false
	}
	if ent == nil {
		h = keyspace.NewHash()
		c.DB.Add(string(key), h)
	}
	return h, true
}

// hashSet sets one field and applies Redis's conversion rules.
func hashSet(c *Client, h *keyspace.Hash, field, value []byte) bool {
	created := h.Set(field, value)
	h.Fits(c.e.Cfg.HashMaxListpackEntries, c.e.Cfg.HashMaxListpackValue, len(field), len(value))
	return created
}

func cmdHSet(c *Client, args [][]byte) {
	if len(args)%2 == 1 {
		c.Error(errArity(c.cmd.FullName))
		return
	}
	h, ok := hashForWrite(c, args[1])
	if !ok {
		return
	}
	created := 0
	for i := 2; i < len(args); i += 2 {
		if hashSet(c, h, args[i], args[i+1]) {
			created++
		}
	}
	c.Touched(args[1])
	c.Notify(notifyHash, "hset", args[1])
	c.Dirty((len(args) - 2) / 2)
	if c.cmd.Name == "hmset" {
		c.OK()
	} else {
		c.Int(int64(created))
	}
}

func cmdHSetNX(c *Client, args [][]byte) {
	h, ok := hashForWrite(c, args[1])
	if !ok {
		return
	}
	if h.Has(args[2]) {
		c.Int(0)
		return
	}
	hashSet(c, h, args[2], args[3])
	c.Int(1)
	c.Touched(args[1])
	c.Notify(notifyHash, "hset", args[1])
	c.Dirty(1)
}

func cmdHGet(c *Client, args [][]byte) {
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	if h == nil {
		c.Null()
		return
	}
	if v, found := h.Get(args[2]); found {
		c.BulkString(v)
	} else {
		c.Null()
	}
}

func cmdHMGet(c *Client, args [][]byte) {
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	c.Array(len(args) - 2)
	for _, f := range args[2:] {
		if h == nil {
			c.Null()
		} else if v, found := h.Get(f); found {
			c.BulkString(v)
		} else {
			c.Null()
		}
	}
}

// hashGetAll writes fields and/or values (HGETALL, HKEYS, HVALS).
func hashGetAll(c *Client, key []byte, fields, values bool) {
	h, ok := readHash(c, key)
	if !ok {
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.Map(n)
	} else {
		c.Array(n)
	}
	for i := 0; i < n; i++ {
		f, v := h.At(i)
		if fields {
			c.BulkString(f)
		}
		if values {
			c.BulkString(v)
		}
	}
}

func cmdHGetAll(c *Client, args [][]byte) { hashGetAll(c, args[1], true, true) }
func cmdHKeys(c *Client, args [][]byte)   { hashGetAll(c, args[1], true, false) }
func cmdHVals(c *Client, args [][]byte)   { hashGetAll(c, args[1], false, true) }

func cmdHDel(c *Client, args [][]byte) {
	ent, h, ok := writeHash(c, args[1])
	if !ok {
		return
	}
	if h == nil {
		c.Int(0)
		return
	}
	removeMembers(c, ent, args, h.Delete, h.Len, notifyHash, "hdel")
}

// removeMembers is HDEL and SREM (key member ...) on an existing
// collection: remove deletes one member, and once size is 0 the key goes
// and the remaining members are ignored. Any removal signals the key and
// notifies event (then del if the key went), as Redis orders them.
func removeMembers(c *Client, ent *keyspace.Entry, args [][]byte, remove func([]byte) bool, size func() int, class int, event string) {
	key := args[1]
	deleted, removed := 0, false
	for _, m := range args[2:] {
		if remove(m) {
			deleted++
			if size() == 0 {
				c.DB.Remove(ent)
				removed = true
				break
			}
		}
	}
	if deleted > 0 {
		c.Touched(key)
		c.Notify(class, event, key)
		if removed {
			c.Notify(notifyGeneric, "del", key)
		}
		c.Dirty(deleted)
	}
	c.Int(int64(deleted))
}

func cmdHExists(c *Client, args [][]byte) {
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	if h != nil && h.Has(args[2]) {
		c.Int(1)
	} else {
		c.Int(0)
	}
}

func cmdHLen(c *Client, args [][]byte) {
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	if h == nil {
		c.Int(0)
		return
	}
	c.Int(int64(h.Len()))
}

func cmdHStrLen(c *Client, args [][]byte) {
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	if h == nil {
		c.Int(0)
		return
	}
	v, _ := h.Get(args[2])
	c.Int(int64(len(v)))
}

func cmdHIncrBy(c *Client, args [][]byte) {
	incr, ok := keyspace.ParseSetInt(args[3])
	if !ok {
		c.Error(errNotInt)
		return
	}
	h, ok := hashForWrite(c, args[1])
	if !ok {
		return
	}
	var cur int64
	if v, found := h.Get(args[2]); found {
		if cur, ok = keyspace.ParseSetInt([]byte(v)); !ok {
			c.Error(errHashNotInt)
			return
		}
	}
	if incr < 0 && cur < 0 && incr < math.MinInt64-cur || incr > 0 && cur > 0 && incr > math.MaxInt64-cur {
		c.Error(errOverflow)
		return
	}
	cur += incr
	nv := strconv.FormatInt(cur, 10)
	h.SetString(args[2], nv)
	h.Fits(c.e.Cfg.HashMaxListpackEntries, c.e.Cfg.HashMaxListpackValue, len(args[2]), len(nv))
	c.Int(cur)
	c.Touched(args[1])
	c.Notify(notifyHash, "hincrby", args[1])
	c.Dirty(1)
}

func cmdHIncrByFloat(c *Client, args [][]byte) {
	incr, ok := parseLongDouble(args[3])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	if incr.inf != 0 {
		c.Error(errNaNOrInfinity)
		return
	}
	h, ok := hashForWrite(c, args[1])
	if !ok {
		return
	}
	cur := &longDouble{}
	if v, found := h.Get(args[2]); found {
		if cur, ok = parseLongDouble([]byte(v)); !ok {
			c.Error(errHashNotFloat)
			return
		}
	}
	sum, ok := addLongDouble(cur, incr)
	if !ok {
		c.Error(errIncrNaN)
		return
	}
	nv := formatLongDoubleHuman(sum)
	h.Set(args[2], nv)
	h.Fits(c.e.Cfg.HashMaxListpackEntries, c.e.Cfg.HashMaxListpackValue, len(args[2]), len(nv))
	c.Bulk(nv)
	c.Touched(args[1])
	c.Notify(notifyHash, "hincrbyfloat", args[1])
	c.Dirty(1)
	// Replicas and the AOF get the result, not the float arithmetic.
	c.Rewrite([]byte("HSET"), args[1], args[2], nv)
}

func cmdHRandField(c *Client, args [][]byte) {
	if len(args) == 2 {
		h, ok := readHash(c, args[1])
		if !ok {
			return
		}
		if h == nil {
			c.Null()
			return
		}
		f, _ := h.At(h.Random())
		c.BulkString(f)
		return
	}
	count, ok := rangeArgOrReply(c, args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return
	}
	withValues := false
	if len(args) > 4 || len(args) == 4 && !strings.EqualFold(string(args[3]), "withvalues") {
		c.Error(errSyntax)
		return
	} else if len(args) == 4 {
		withValues = true
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			c.Error(errValueOutOfRange)
			return
		}
	}
	h, ok := readHash(c, args[1])
	if !ok {
		return
	}
	if h == nil || count == 0 {
		c.Array(0)
		return
	}
	hashRandFields(c, h, count, withValues)
}

// hashRandFields is HRANDFIELD with a count: a negative count samples with
// repeats, a positive one distinct fields.
func hashRandFields(c *Client, h *keyspace.Hash, count int64, withValues bool) {
	pair := func(i int) {
		f, v := h.At(i)
		if withValues && c.Proto >= 3 {
			c.Array(2)
		}
		c.BulkString(f)
		if withValues {
			c.BulkString(v)
		}
	}
	header := func(n int) {
		if withValues && c.Proto < 3 {
			c.Array(2 * n)
		} else {
			c.Array(n)
		}
	}
	size := h.Len()
	if count < 0 || count == 1 {
		n := int(min(-count, math.MaxInt32))
		if count == 1 {
			n = 1
		}
		header(n)
		for ; n > 0; n-- {
			pair(h.Random())
		}
		return
	}
	if count >= int64(size) {
		header(size)
		for i := 0; i < size; i++ {
			pair(i)
		}
		return
	}
	picks := randomDistinct(size, int(count))
	header(len(picks))
	for _, i := range picks {
		pair(i)
	}
}

// randomDistinct returns k distinct positions below n (0 < k < n) in
// random order: by a partial shuffle when k is a large part of n, else by
// rejection sampling, as Redis switches strategies.
func randomDistinct(n, k int) []int {
	if k*3 > n {
		perm := make([]int, n)
		for i := range perm {
			perm[i] = i
		}
		for i := 0; i < k; i++ {
			j := i + rand.IntN(n-i)
			perm[i], perm[j] = perm[j], perm[i]
		}
		return perm[:k]
	}
	seen := make(map[int]struct{}, k)
	out := make([]int, 0, k)
	for len(out) < k {
		i := rand.IntN(n)
		if _, dup := seen[i]; !dup {
			seen[i] = struct{}{}
			out = append(out, i)
		}
	}
	return out
}

func cmdHScan(c *Client, args [][]byte) {
	h, cursor, opts, ok := collScanStart[*keyspace.Hash](c, args)
	if !ok {
		return
	}
	var out []string
	next := h.Scan(cursor, int(opts.count), func(f, v string) {
		if opts.match(f) {
			out = append(out, f, v)
		}
	})
	collScanReply(c, next, out)
}

// collScanStart parses HSCAN, SSCAN and ZSCAN in Redis's order: the
// cursor, then the key (a missing one answers an empty scan before the
// options are looked at), then COUNT and MATCH. ok is false when a reply
// was written.
func collScanStart[T keyspace.Value](c *Client, args [][]byte) (coll T, cursor uint64, opts collScanOpts, ok bool) {
	if cursor, ok = collScanCursor(c, args[2]); !ok {
		return coll, 0, opts, false
	}
	ent := c.LookupRead(args[1])
	if coll, ok = valueAs[T](c, ent); !ok {
		return coll, 0, opts, false
	}
	if ent == nil {
		c.Raw(collEmptyScan)
		return coll, 0, opts, false
	}
	opts, ok = collScanOptions(c, args[3:])
	return coll, cursor, opts, ok
}

// collScanReply writes the next cursor and the elements found.
func collScanReply(c *Client, next uint64, elems []string) {
	c.Array(2)
	c.BulkString(strconv.FormatUint(next, 10))
	c.StringArray(elems)
}

// collEmptyScan is HSCAN's, SSCAN's and ZSCAN's reply for a missing key.
var collEmptyScan = []byte("*2\r\n$1\r\n0\r\n*0\r\n")

// collScanOpts are HSCAN's, SSCAN's and ZSCAN's COUNT and MATCH.
type collScanOpts struct {
	count   int64
	pattern []byte
}

func (o *collScanOpts) match(s string) bool {
	return o.pattern == nil || GlobMatch(o.pattern, []byte(s), false)
}

// collScanOptions parses COUNT and MATCH as Redis's scanGenericCommand.
func collScanOptions(c *Client, args [][]byte) (collScanOpts, bool) {
	o := collScanOpts{count: 10}
	for i := 0; i < len(args); i += 2 {
		opt := string(args[i])
		switch {
		case strings.EqualFold(opt, "count") && i+1 < len(args):
			n, ok := intArgOrReply(c, args[i+1], "")
			if !ok {
				return o, false
			}
			if n < 1 {
				c.Error(errSyntax)
				return o, false
			}
			o.count = n
		case strings.EqualFold(opt, "match") && i+1 < len(args):
			o.pattern = args[i+1]
			if len(o.pattern) == 1 && o.pattern[0] == '*' {
				o.pattern = nil
			}
		default:
			c.Error(errSyntax)
			return o, false
		}
	}
	return o, true
}

// collScanCursor parses a cursor as Redis does with strtoul: an optional
// sign (a minus negates modulo 2^64), decimal digits, nothing else; the
// empty string is cursor 0.
func collScanCursor(c *Client, b []byte) (uint64, bool) {
	s := b
	neg := false
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
		if len(s) == 0 {
			c.Error(errInvalidCursor)
			return 0, false
		}
	}
	var n uint64
	for _, ch := range s {
		if ch < '0' || ch > '9' {
			c.Error(errInvalidCursor)
			return 0, false
		}
		d := uint64(ch - '0')
		if n > (math.MaxUint64-d)/10 {
			c.Error(errInvalidCursor)
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		n = -n
	}
	return n, true
}

// intArgOrReply parses an integer argument as Redis's
// getLongFromObjectOrReply: strict base-10 int64, else msg (or the
// generic not-an-integer error) is written.
func intArgOrReply(c *Client, b []byte, msg string) (int64, bool) {
	n, ok := keyspace.ParseSetInt(b)
	if !ok {
		if msg == "" {
			msg = errNotInt
		}
		c.Error(msg)
	}
	return n, ok
}

// rangeArgOrReply is Redis's getRangeLongFromObjectOrReply: an integer in
// [lo, hi], msg (when given) for any failure.
func rangeArgOrReply(c *Client, b []byte, lo, hi int64, msg string) (int64, bool) {
	n, ok := intArgOrReply(c, b, msg)
	if !ok {
		return 0, false
	}
	if n < lo || n > hi {
		if msg == "" {
			msg = "ERR value is out of range, value must between " +
				strconv.FormatInt(lo, 10) + " and " + strconv.FormatInt(hi, 10)
		}
		c.Error(msg)
		return 0, false
	}
	return n, true
}

// positiveArgOrReply is Redis's getPositiveLongFromObjectOrReply.
func positiveArgOrReply(c *Client, b []byte, msg string) (int64, bool) {
	if msg == "" {
		msg = errMustBePositive
	}
	return rangeArgOrReply(c, b, 0, math.MaxInt64, msg)
}
