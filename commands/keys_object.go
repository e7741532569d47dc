package commands

import (
	"strings"

	"sundial/keyspace"
)

// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP.

// sharedRefcount is what OBJECT REFCOUNT reports for Redis's shared
// integer objects (OBJ_SHARED_REFCOUNT).
const sharedRefcount = 2147483647

// objectLookup finds OBJECT's key without touching it; a missing key is a
// null reply.
func objectLookup(c *Client, key []byte) *keyspace.Entry {
	e := c.lookupNoTouch(key)
	if e == nil {
		c.Null()
	}
	return e
}

func cmdObjectEncoding(c *Client, args [][]byte) {
	if e := objectLookup(c, args[2]); e != nil {
		c.BulkString(e.Value.Encoding())
	}
}

func cmdObjectRefcount(c *Client, args [][]byte) {
	e := objectLookup(c, args[2])
	if e == nil {
		return
	}
	if s, ok := e.Value.(*keyspace.String); ok && !s.Unshared && c.e.sharedIntegers() {
		if n, ok := s.Int(); ok && n >= 0 && n < 10000 {
			c.Int(sharedRefcount)
			return
		}
	}
	c.Int(1)
}

// sharedIntegers reports whether small integers are Redis's shared
// objects: not when maxmemory is set with an LRU or LFU policy.
func (e *Engine) sharedIntegers() bool {
	p := e.Cfg.MaxMemoryPolicy
	return e.Cfg.MaxMemory == 0 || !(strings.HasSuffix(p, "-lru") || strings.HasSuffix(p, "-lfu"))
}

func (e *Engine) lfuPolicy() bool { return strings.HasSuffix(e.Cfg.MaxMemoryPolicy, "-lfu") }

func cmdObjectIdletime(c *Client, args [][]byte) {
	e := objectLookup(c, args[2])
	if e == nil {
		return
	}
	if c.e.lfuPolicy() {
		c.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	idle := c.now/1000 - int64(e.Access)
	if idle < 0 {
		idle = 0
	}
	c.Int(idle)
}

func cmdObjectFreq(c *Client, args [][]byte) {
	e := objectLookup(c, args[2])
	if e == nil {
		return
	}
	if !c.e.lfuPolicy() {
		c.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
		return
	}
	c.Int(int64(lfuDecayed(e.Access, c.now/1000, c.e.Cfg.LFUDecayTime)))
}

// lfuDecayed is Redis's LFUDecrAndReturn over its access layout: the
// decay time in minutes (16 bits) above an 8-bit logarithmic counter; the
// counter loses one per lfu-decay-time minutes elapsed.
func lfuDecayed(access uint32, nowSec int64, decayTime int) uint32 {
	ldt := access >> 8 & 0xffff
	counter := access & 0xff
	if decayTime <= 0 {
		return counter
	}
	now := uint32(nowSec/60) & 0xffff
	elapsed := now - ldt
	if now < ldt {
		elapsed = 65535 - ldt + now
	}
	periods := elapsed / uint32(decayTime)
	if periods > counter {
		return 0
	}
	return counter - periods
}

func cmdObjectHelp(c *Client, args [][]byte) {
	c.helpReply("OBJECT", []string{
		"ENCODING <key>",
		"    Return the kind of internal representation used in order to store the value",
		"    associated with a <key>.",
		"FREQ <key>",
		"    Return the access frequency index of the <key>. The returned integer is",
		"    proportional to the logarithm of the recent access frequency of the key.",
		"IDLETIME <key>",
		"    Return the idle time of the <key>, that is the approximated number of",
		"    seconds elapsed since the last access to the key.",
		"REFCOUNT <key>",
		"    Return the number of references of the value associated with the specified",
		"    <key>.",
	})
}
