package commands

import (
	"math"
	"strconv"

	"sundial/keyspace"
)

// stringCommands is the strings family of the command table.
var stringCommands = []*Spec{
	{Name: "get", Run: cmdGet},
	{Name: "set", Run: cmdSet},
	{Name: "setnx", Run: cmdSetNX},
	{Name: "setex", Run: cmdSetEX},
	{Name: "psetex", Run: cmdPSetEX},
	{Name: "getset", Run: cmdGetSet},
	{Name: "getdel", Run: cmdGetDel},
	{Name: "getex", Run: cmdGetEX},
	{Name: "mget", Run: cmdMGet},
	{Name: "mset", Run: cmdMSet},
	{Name: "msetnx", Run: cmdMSetNX},
	{Name: "append", Run: cmdAppend},
	{Name: "strlen", Run: cmdStrlen},
	{Name: "getrange", Run: cmdGetRange},
	{Name: "substr", Run: cmdGetRange},
	{Name: "setrange", Run: cmdSetRange},
	{Name: "incr", Run: cmdIncr},
	{Name: "decr", Run: cmdDecr},
	{Name: "incrby", Run: cmdIncrBy},
	{Name: "decrby", Run: cmdDecrBy},
	{Name: "incrbyfloat", Run: cmdIncrByFloat},
	{Name: "lcs", Run: cmdLCS},
}

const (
	errStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
	errIncrNaN       = "ERR increment would produce NaN or Infinity"
)

// stringValue returns the string held at key, or nil; wrongType is set
// when the key holds another type.
func stringValue(c *Client, key []byte) (s *keyspace.String, wrongType bool) {
	e := c.LookupRead(key)
	if e == nil {
		return nil, false
	}
	s, ok := e.Value.(*keyspace.String)
	return s, !ok
}

// getStringGeneric is Redis's getStringGenericCommand: it replies the value (or null)
// and reports false after replying WRONGTYPE.
func getStringGeneric(c *Client, key []byte) bool {
	s, wrong := stringValue(c, key)
	switch {
	case wrong:
		c.Error(errWrongType)
		return false
	case s == nil:
		c.Null()
	default:
		c.Bulk(s.B)
	}
	return true
}

func cmdGet(c *Client, args [][]byte) { getStringGeneric(c, args[1]) }

// setStringKey stores v at key as Redis's setKey: an expired key is
// reclaimed first, the TTL is cleared unless keepTTL, and watchers are
// signalled.
func setStringKey(c *Client, key []byte, v *keyspace.String, keepTTL bool) *keyspace.Entry {
	old := c.Lookup(key)
	return stored(c, key, old, c.DB.Set(key, v, keepTTL))
}

// setStringBytes is setStringKey of a copy of val (a string already at key
// is overwritten in place when its buffer fits: no allocation).
func setStringBytes(c *Client, key, val []byte, keepTTL bool) *keyspace.Entry {
	return storeString(c, key, c.Lookup(key), val, keepTTL)
}

// storeString is setStringBytes for a caller that already looked key up
// (old is nil when it does not exist).
func storeString(c *Client, key []byte, old *keyspace.Entry, val []byte, keepTTL bool) *keyspace.Entry {
	return stored(c, key, old, c.DB.SetString(key, val, keepTTL))
}

// stored finishes storing a string at key, which held old.
func stored(c *Client, key []byte, old, e *keyspace.Entry) *keyspace.Entry {
	// The new value is a new object: under LRU its access time is now,
	// under LFU it inherits the old counter.
	if old != nil && !c.e.lfuPolicy() {
		e.Access = c.e.newAccess()
	}
	c.Touched(key)
	return e
}

// String option flags of SET and GETEX (Redis's OBJ_* flags).
const (
	strNX = 1 << iota
	strXX
	strGet
	strKeepTTL
	strPersist
	strEX
	strPX
	strEXAT
	strPXAT
)

const strAnyExpire = strEX | strPX | strEXAT | strPXAT

// parseStringOptions is Redis's parseExtendedStringArgumentsOrReply for
// SET (isSet) and GETEX. It returns the flags and the unparsed expire
// argument.
func parseStringOptions(c *Client, args [][]byte, isSet bool) (flags int, expire []byte, ok bool) {
	for j := 0; j < len(args); j++ {
		var next []byte
		if j+1 < len(args) {
			next = args[j+1]
		}
		opt := args[j]
		switch {
		case isSet && strArgIs(opt, "nx") && flags&strXX == 0:
			flags |= strNX
		case isSet && strArgIs(opt, "xx") && flags&strNX == 0:
			flags |= strXX
		case isSet && strArgIs(opt, "get"):
			flags |= strGet
		case isSet && strArgIs(opt, "keepttl") && flags&(strPersist|strAnyExpire) == 0:
			flags |= strKeepTTL
		case !isSet && strArgIs(opt, "persist") && flags&(strAnyExpire|strKeepTTL) == 0:
			flags |= strPersist
		case strArgIs(opt, "ex") && flags&(strKeepTTL|strPersist|strEXAT|strPX|strPXAT) == 0 && next != nil:
			flags |= strEX
			expire = next
			j++
		case strArgIs(opt, "px") && flags&(strKeepTTL|strPersist|strEX|strEXAT|strPXAT) == 0 && next != nil:
			flags |= strPX
			expire = next
			j++
		case strArgIs(opt, "exat") && flags&(strKeepTTL|strPersist|strEX|strPX|strPXAT) == 0 && next != nil:
			flags |= strEXAT
			expire = next
			j++
		case strArgIs(opt, "pxat") && flags&(strKeepTTL|strPersist|strEX|strEXAT|strPX) == 0 && next != nil:
			flags |= strPXAT
			expire = next
			j++
		default:
			c.Error(errSyntax)
			return 0, nil, false
		}
	}
	return flags, expire, true
}

// strArgIs reports whether an argument is a lower-case keyword, ignoring
// ASCII case and, as Redis's C comparisons do, anything from a NUL byte.
func strArgIs(b []byte, s string) bool {
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// expireMillis is Redis's getExpireMillisecondsOrReply: the absolute
// expiry in ms of an EX/PX (relative) or EXAT/PXAT argument.
func expireMillis(c *Client, arg []byte, flags int) (int64, bool) {
	ms, ok := keyspace.ParseInt(arg)
	if !ok {
		c.Error(errNotInt)
		return 0, false
	}
	seconds := flags&(strEX|strEXAT) != 0
	if ms <= 0 || seconds && ms > math.MaxInt64/1000 {
		c.Error(errExpireTime(c.cmd.FullName))
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(strEX|strPX) != 0 {
		ms += c.baseMs() // wraps on overflow, caught below as in Redis
	}
	if ms <= 0 {
		c.Error(errExpireTime(c.cmd.FullName))
		return 0, false
	}
	return ms, true
}

// setStringGeneric is Redis's setGenericCommand, behind SET, SETNX, SETEX and
// PSETEX. intReplies selects SETNX's :1/:0 replies.
func setStringGeneric(c *Client, flags int, key, val, expire []byte, intReplies bool) {
	var when int64
	if expire != nil {
		var ok bool
		if when, ok = expireMillis(c, expire, flags); !ok {
			return
		}
	}
	if flags&strGet != 0 && !getStringGeneric(c, key) {
		return
	}
	old := c.Lookup(key)
	found := old != nil
	if flags&strNX != 0 && found || flags&strXX != 0 && !found {
		if flags&strGet == 0 {
			if intReplies {
				c.Int(0)
			} else {
				c.Null()
			}
		}
		return
	}
	e := storeString(c, key, old, val, flags&strKeepTTL != 0)
	c.Dirty(1)
	c.Notify(notifyString, "set", key)
	if expire != nil {
		c.DB.SetExpire(e, when)
		// Propagated with an absolute time so a replay is deterministic.
		c.Rewrite([]byte("SET"), key, val, []byte("PXAT"), strconv.AppendInt(nil, when, 10))
		c.Notify(notifyGeneric, "expire", key)
	}
	if flags&strGet == 0 {
		if intReplies {
			c.Int(1)
		} else {
			c.OK()
		}
	}
	if flags&strGet != 0 && expire == nil {
		// Propagated without GET, which changes nothing.
		argv := make([][]byte, 0, len(c.args))
		for j, a := range c.args {
			if j >= 3 && strArgIs(a, "get") {
				continue
			}
			argv = append(argv, a)
		}
		c.Rewrite(argv...)
	}
}

func cmdSet(c *Client, args [][]byte) {
	flags, expire, ok := parseStringOptions(c, args[3:], true)
	if !ok {
		return
	}
	setStringGeneric(c, flags, args[1], args[2], expire, false)
}

func cmdSetNX(c *Client, args [][]byte) { setStringGeneric(c, strNX, args[1], args[2], nil, true) }
func cmdSetEX(c *Client, args [][]byte) { setStringGeneric(c, strEX, args[1], args[3], args[2], false) }
func cmdPSetEX(c *Client, args [][]byte) {
	setStringGeneric(c, strPX, args[1], args[3], args[2], false)
}

func cmdGetSet(c *Client, args [][]byte) {
	if !getStringGeneric(c, args[1]) {
		return
	}
	setStringBytes(c, args[1], args[2], false)
	c.Notify(notifyString, "set", args[1])
	c.Dirty(1)
	c.Rewrite([]byte("SET"), args[1], args[2])
}

func cmdGetDel(c *Client, args [][]byte) {
	if !getStringGeneric(c, args[1]) {
		return
	}
	if e := c.Lookup(args[1]); e != nil {
		c.DB.Remove(e)
		c.Rewrite([]byte("DEL"), args[1])
		c.Touched(args[1])
		c.Notify(notifyGeneric, "del", args[1])
		c.Dirty(1)
	}
}

func cmdGetEX(c *Client, args [][]byte) {
	key := args[1]
	flags, expire, ok := parseStringOptions(c, args[2:], false)
	if !ok {
		return
	}
	e := c.LookupRead(key)
	if e == nil {
		c.Null()
		return
	}
	s, isStr := e.Value.(*keyspace.String)
	if !isStr {
		c.Error(errWrongType)
		return
	}
	var when int64
	if expire != nil {
		if when, ok = expireMillis(c, expire, flags); !ok {
			return
		}
	}
	c.Bulk(s.B)
	// GETEX is never propagated as is: it becomes DEL, PEXPIREAT or
	// PERSIST, or nothing.
	switch {
	case flags&(strEXAT|strPXAT) != 0 && c.expiredAlready(when):
		c.DB.Remove(e)
		c.Rewrite([]byte("DEL"), key)
		c.Touched(key)
		c.Notify(notifyGeneric, "del", key)
		c.Dirty(1)
	case expire != nil:
		c.DB.SetExpire(e, when)
		c.Rewrite([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, when, 10))
		c.Touched(key)
		c.Notify(notifyGeneric, "expire", key)
		c.Dirty(1)
	case flags&strPersist != 0 && e.Expire != 0:
		c.DB.SetExpire(e, 0)
		c.Rewrite([]byte("PERSIST"), key)
		c.Touched(key)
		c.Notify(notifyGeneric, "persist", key)
		c.Dirty(1)
	}
}

func cmdMGet(c *Client, args [][]byte) {
	c.Array(len(args) - 1)
	for _, k := range args[1:] {
		s, wrong := stringValue(c, k)
		if s == nil || wrong {
			c.Null()
			continue
		}
		c.Bulk(s.B)
	}
}

func cmdMSet(c *Client, args [][]byte)   { msetStringGeneric(c, args, false) }
func cmdMSetNX(c *Client, args [][]byte) { msetStringGeneric(c, args, true) }

func msetStringGeneric(c *Client, args [][]byte, nx bool) {
	if len(args)%2 == 0 {
		c.Error(errArity(c.cmd.FullName))
		return
	}
	if nx {
		for j := 1; j < len(args); j += 2 {
			if c.Lookup(args[j]) != nil {
				c.Int(0)
				return
			}
		}
	}
	for j := 1; j < len(args); j += 2 {
		setStringBytes(c, args[j], args[j+1], false)
		c.Notify(notifyString, "set", args[j])
	}
	c.Dirty((len(args) - 1) / 2)
	if nx {
		c.Int(1)
	} else {
		c.OK()
	}
}

// strCheckLength refuses a string longer than proto-max-bulk-len, except
// while replaying persisted writes (Redis's mustObeyClient).
func strCheckLength(c *Client, size int64) bool {
	if !c.replay && size > c.e.Cfg.ProtoMaxBulkLen {
		c.Error(errStringTooLong)
		return false
	}
	return true
}

func cmdAppend(c *Client, args [][]byte) {
	key, add := args[1], args[2]
	e := c.Lookup(key)
	var total int
	if e == nil {
		c.DB.Add(string(key), keyspace.NewString(add))
		total = len(add)
	} else {
		s, ok := e.Value.(*keyspace.String)
		if !ok {
			c.Error(errWrongType)
			return
		}
		if !strCheckLength(c, int64(len(s.B))+int64(len(add))) {
			return
		}
		s.B = append(s.B, add...)
		s.Raw = true
		total = len(s.B)
	}
	c.Touched(key)
	c.Notify(notifyString, "append", key)
	c.Dirty(1)
	c.Int(int64(total))
}

func cmdStrlen(c *Client, args [][]byte) {
	s, wrong := stringValue(c, args[1])
	switch {
	case wrong:
		c.Error(errWrongType)
	case s == nil:
		c.Int(0)
	default:
		c.Int(int64(len(s.B)))
	}
}

func cmdGetRange(c *Client, args [][]byte) {
	start, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	end, ok := argInt64(c, args[3])
	if !ok {
		return
	}
	s, wrong := stringValue(c, args[1])
	switch {
	case wrong:
		c.Error(errWrongType)
		return
	case s == nil:
		c.Bulk(nil)
		return
	}
	n := int64(len(s.B))
	if start < 0 && end < 0 && start > end {
		c.Bulk(nil)
		return
	}
	start, end = clampRange(start, end, n)
	if start > end || n == 0 {
		c.Bulk(nil)
		return
	}
	c.Bulk(s.B[start : end+1])
}

func cmdSetRange(c *Client, args [][]byte) {
	key, val := args[1], args[3]
	offset, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	if offset < 0 {
		c.Error(errOffsetRange)
		return
	}
	e := c.Lookup(key)
	var s *keyspace.String
	if e == nil {
		if len(val) == 0 {
			c.Int(0)
			return
		}
		if !strCheckLength(c, strSatAdd(offset, int64(len(val)))) {
			return
		}
		s = keyspace.NewRawString(make([]byte, offset+int64(len(val))))
		c.DB.Add(string(key), s)
	} else {
		var isStr bool
		if s, isStr = e.Value.(*keyspace.String); !isStr {
			c.Error(errWrongType)
			return
		}
		if len(val) == 0 {
			c.Int(int64(len(s.B)))
			return
		}
		if !strCheckLength(c, strSatAdd(offset, int64(len(val)))) {
			return
		}
		s.B = strGrowZero(s.B, int(offset)+len(val))
		s.Raw = true
	}
	copy(s.B[offset:], val)
	c.Touched(key)
	c.Notify(notifyString, "setrange", key)
	c.Dirty(1)
	c.Int(int64(len(s.B)))
}

// strSatAdd adds two non-negative sizes, saturating instead of wrapping.
func strSatAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// strGrowZero extends b with zero bytes to at least n bytes (sdsgrowzero).
func strGrowZero(b []byte, n int) []byte {
	if n <= len(b) {
		return b
	}
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		clear(b[old:])
		return b
	}
	nb := make([]byte, n, n+n/4)
	copy(nb, b)
	return nb
}

func cmdIncr(c *Client, args [][]byte) { incrDecr(c, args[1], 1) }
func cmdDecr(c *Client, args [][]byte) { incrDecr(c, args[1], -1) }

func cmdIncrBy(c *Client, args [][]byte) {
	if n, ok := argInt64(c, args[2]); ok {
		incrDecr(c, args[1], n)
	}
}

func cmdDecrBy(c *Client, args [][]byte) {
	n, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	if n == math.MinInt64 {
		c.Error("ERR decrement would overflow")
		return
	}
	incrDecr(c, args[1], -n)
}

// incrDecr is Redis's incrDecrCommand.
func incrDecr(c *Client, key []byte, incr int64) {
	e := c.Lookup(key)
	var s *keyspace.String
	var value int64
	if e != nil {
		var ok bool
		if s, ok = e.Value.(*keyspace.String); !ok {
			c.Error(errWrongType)
			return
		}
		if value, ok = keyspace.ParseInt(s.B); !ok {
			c.Error(errNotInt)
			return
		}
	}
	if incr < 0 && value < 0 && incr < math.MinInt64-value ||
		incr > 0 && value > 0 && incr > math.MaxInt64-value {
		c.Error(errOverflow)
		return
	}
	value += incr
	if s == nil {
		c.DB.Add(string(key), &keyspace.String{B: strconv.AppendInt(nil, value, 10)})
	} else {
		// The result is a fresh int-encoded value; the TTL stays.
		s.B = strconv.AppendInt(s.B[:0], value, 10)
		s.Raw, s.NoInt, s.Unshared = false, false, false
	}
	c.Touched(key)
	c.Notify(notifyString, "incrby", key)
	c.Dirty(1)
	c.Int(value)
}

func cmdIncrByFloat(c *Client, args [][]byte) {
	key := args[1]
	e := c.Lookup(key)
	var s *keyspace.String
	value := &longDouble{}
	if e != nil {
		var ok bool
		if s, ok = e.Value.(*keyspace.String); !ok {
			c.Error(errWrongType)
			return
		}
		if value, ok = parseLongDouble(s.B); !ok {
			c.Error(errNotFloat)
			return
		}
	}
	incr, ok := parseLongDouble(args[2])
	if !ok {
		c.Error(errNotFloat)
		return
	}
	sum, ok := addLongDouble(value, incr)
	if !ok {
		c.Error(errIncrNaN)
		return
	}
	out := formatLongDoubleHuman(sum)
	if s == nil {
		c.DB.Add(string(key), &keyspace.String{B: out, NoInt: true})
	} else {
		s.B, s.Raw, s.NoInt = out, false, true
	}
	c.Touched(key)
	c.Notify(notifyString, "incrbyfloat", key)
	c.Dirty(1)
	c.Bulk(out)
	// Propagated as a SET of the result, so replicas and replays never
	// depend on float formatting; KEEPTTL keeps any expiry.
	c.Rewrite([]byte("SET"), key, out, []byte("KEEPTTL"))
}
