package commands

import (
	"strconv"
	"strings"

	"sundial/keyspace"
)

// stringCommands is the strings family of the command table.
var stringCommands = []*Spec{
	{Name: "get", Run: cmdGet},
	{Name: "set", Run: cmdSet},
}

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

func cmdGet(c *Client, args [][]byte) {
	s, wrong := stringValue(c, args[1])
	switch {
	case wrong:
		c.Error(errWrongType)
	case s == nil:
		c.Null()
	default:
		c.Bulk(s.B)
	}
}

// setOptions are SET's parsed flags.
type setOptions struct {
	nx, xx, get, keepTTL bool
	expireAt             int64 // absolute ms, 0 = none
}

// parseSetOptions parses SET's options after key and value.
func parseSetOptions(c *Client, args [][]byte) (setOptions, bool) {
	var o setOptions
	var unit string
	for i := 0; i < len(args); i++ {
		a := strings.ToUpper(string(args[i]))
		switch {
		case a == "NX" && !o.xx:
			o.nx = true
		case a == "XX" && !o.nx:
			o.xx = true
		case a == "GET":
			o.get = true
		case a == "KEEPTTL" && unit == "":
			o.keepTTL = true
		case (a == "EX" || a == "PX" || a == "EXAT" || a == "PXAT") && unit == "" && !o.keepTTL && i+1 < len(args):
			unit = a
			n, err := strconv.ParseInt(string(args[i+1]), 10, 64)
			if err != nil {
				c.Error(errNotInt)
				return o, false
			}
			at, ok := absoluteExpire(c.now, n, unit)
			if !ok {
				c.Error("ERR invalid expire time in 'set' command")
				return o, false
			}
			o.expireAt = at
			i++
		default:
			c.Error(errSyntax)
			return o, false
		}
	}
	return o, true
}

// absoluteExpire turns an EX/PX/EXAT/PXAT argument into absolute ms,
// rejecting non-positive and overflowing values as Redis does.
func absoluteExpire(now, n int64, unit string) (int64, bool) {
	if n <= 0 {
		return 0, false
	}
	switch unit {
	case "EX", "EXAT":
		if n > (1<<63-1)/1000 {
			return 0, false
		}
		n *= 1000
	}
	if unit == "EX" || unit == "PX" {
		if n > 1<<63-1-now {
			return 0, false
		}
		n += now
	}
	return n, true
}

func cmdSet(c *Client, args [][]byte) {
	o, ok := parseSetOptions(c, args[3:])
	if !ok {
		return
	}
	key := args[1]
	ent := c.Lookup(key)
	if o.get {
		if ent == nil {
			c.Null()
		} else if s, isStr := ent.Value.(*keyspace.String); !isStr {
			c.Error(errWrongType)
			return
		} else {
			c.Bulk(s.B)
		}
	}
	if o.nx && ent != nil || o.xx && ent == nil {
		if !o.get {
			c.Null()
		}
		return
	}
	ent = c.DB.Set(key, keyspace.NewString(args[2]), o.keepTTL)
	if o.expireAt != 0 {
		c.DB.SetExpire(ent, o.expireAt)
		// Propagate with an absolute time so a replay is deterministic.
		c.Rewrite([]byte("SET"), key, args[2], []byte("PXAT"), strconv.AppendInt(nil, o.expireAt, 10))
	}
	c.Touched(key)
	c.Notify(notifyString, "set", key)
	if o.expireAt != 0 {
		c.Notify(notifyGeneric, "expire", key)
	}
	c.Dirty(1)
	if !o.get {
		c.OK()
	}
}
