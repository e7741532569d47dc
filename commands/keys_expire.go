package commands

import (
	"math"
	"strconv"
	"time"

	"sundial/keyspace"
)

// Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT, TTL PTTL
// EXPIRETIME PEXPIRETIME, PERSIST.

// errExpireTime is Redis's addReplyErrorExpireTime for a command.
func errExpireTime(name string) string {
	return "ERR invalid expire time in '" + name + "' command"
}

const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

func cmdExpire(c *Client, args [][]byte)    { expireGeneric(c, args, c.baseMs(), true) }
func cmdPExpire(c *Client, args [][]byte)   { expireGeneric(c, args, c.baseMs(), false) }
func cmdExpireAt(c *Client, args [][]byte)  { expireGeneric(c, args, 0, true) }
func cmdPExpireAt(c *Client, args [][]byte) { expireGeneric(c, args, 0, false) }

// parseExpireFlags parses the NX XX GT LT options of the EXPIRE family.
func parseExpireFlags(c *Client, args [][]byte) (int, bool) {
	flags := 0
	for _, a := range args {
		switch argKeyword(a) {
		case "nx":
			flags |= expireNX
		case "xx":
			flags |= expireXX
		case "gt":
			flags |= expireGT
		case "lt":
			flags |= expireLT
		default:
			c.Error("ERR Unsupported option " + argCString(a))
			return 0, false
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		c.Error("ERR NX and XX, GT or LT options at the same time are not compatible")
		return 0, false
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		c.Error("ERR GT and LT options at the same time are not compatible")
		return 0, false
	}
	return flags, true
}

// argCString is how Redis prints an argument with %s: up to its first NUL.
func argCString(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// expireGeneric is Redis's expireGenericCommand: basetime is now for the
// relative forms and 0 for the absolute ones.
func expireGeneric(c *Client, args [][]byte, basetime int64, seconds bool) {
	key := args[1]
	flags, ok := parseExpireFlags(c, args[3:])
	if !ok {
		return
	}
	when, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.Error(errExpireTime(c.cmd.FullName))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-basetime {
		c.Error(errExpireTime(c.cmd.FullName))
		return
	}
	when += basetime
	e := c.Lookup(key)
	if e == nil {
		c.Int(0)
		return
	}
	if flags != 0 {
		cur := e.Expire // 0: no expiry, an infinite TTL
		switch {
		case flags&expireNX != 0 && cur != 0,
			flags&expireXX != 0 && cur == 0,
			flags&expireGT != 0 && (cur == 0 || when <= cur),
			flags&expireLT != 0 && cur != 0 && when >= cur:
			c.Int(0)
			return
		}
	}
	if c.expiredAlready(when) {
		c.DB.Remove(e)
		c.Rewrite([]byte("DEL"), key)
		c.Touched(key)
		c.Notify(notifyGeneric, "del", key)
		c.Dirty(1)
		c.Int(1)
		return
	}
	c.DB.SetExpire(e, when)
	c.Int(1)
	// Propagated as PEXPIREAT with the absolute time; options are kept.
	argv := make([][]byte, len(args))
	copy(argv, args)
	argv[0] = []byte("PEXPIREAT")
	argv[2] = strconv.AppendInt(nil, when, 10)
	c.Rewrite(argv...)
	c.Touched(key)
	c.Notify(notifyGeneric, "expire", key)
	c.Dirty(1)
}

// expiredAlready is Redis's checkAlreadyExpired: a time in the past
// deletes the key, except while replaying persisted writes, where the
// deletion comes from the log itself.
func (c *Client) expiredAlready(when int64) bool {
	return when <= c.baseMs() && !c.replay
}

// baseMs is the time a relative expiry counts from: the clock, as
// Redis's mstime(). Inside EXEC or a script that has moved on from the
// time keys are looked up at (c.now, fixed when they started).
func (c *Client) baseMs() int64 {
	if c.e.execDepth > 1 || c.inScript {
		return time.Now().UnixMilli()
	}
	return c.now
}

// argInt64 parses an integer argument as Redis's
// getLongLongFromObjectOrReply, replying the error when it is not one.
func argInt64(c *Client, b []byte) (int64, bool) {
	n, ok := keyspace.ParseInt(b)
	if !ok {
		c.Error(errNotInt)
	}
	return n, ok
}

func cmdTTL(c *Client, args [][]byte)         { ttlGeneric(c, args[1], false, false) }
func cmdPTTL(c *Client, args [][]byte)        { ttlGeneric(c, args[1], true, false) }
func cmdExpireTime(c *Client, args [][]byte)  { ttlGeneric(c, args[1], false, true) }
func cmdPExpireTime(c *Client, args [][]byte) { ttlGeneric(c, args[1], true, true) }

// ttlGeneric answers TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a
// missing key, -1 for no expiry.
func ttlGeneric(c *Client, key []byte, ms, abs bool) {
	e := c.lookupNoTouch(key)
	if e == nil {
		c.Int(-2)
		return
	}
	if e.Expire == 0 {
		c.Int(-1)
		return
	}
	t := e.Expire
	if !abs {
		// The remaining time is read on the clock, as Redis's mstime():
		// inside EXEC or a script a key is found by the time they started
		// but its TTL still runs down.
		t -= time.Now().UnixMilli()
		if t < 0 {
			t = 0
		}
	}
	if !ms {
		t = (t + 500) / 1000
	}
	c.Int(t)
}

func cmdPersist(c *Client, args [][]byte) {
	e := c.Lookup(args[1])
	if e == nil || e.Expire == 0 {
		c.Int(0)
		return
	}
	c.DB.SetExpire(e, 0)
	c.Touched(args[1])
	c.Notify(notifyGeneric, "persist", args[1])
	c.Dirty(1)
	c.Int(1)
}
