package commands

import (
	"strconv"
	"strings"
	"unsafe"

	"sundial/keyspace"
)

// keyCommands is the generic-key family of the command table.
var keyCommands = []*Spec{
	{Name: "del", Run: cmdDel},
	{Name: "unlink", Run: cmdDel},
	{Name: "exists", Run: cmdExists},
	{Name: "type", Run: cmdType},
	{Name: "keys", Run: cmdKeys},
	{Name: "scan", Run: cmdScan},
	{Name: "randomkey", Run: cmdRandomKey},
	{Name: "rename", Run: cmdRename},
	{Name: "renamenx", Run: cmdRenameNX},
	{Name: "move", Run: cmdMove},
	{Name: "copy", Run: cmdCopy},
	{Name: "touch", Run: cmdTouch},
	{Name: "expire", Run: cmdExpire},
	{Name: "pexpire", Run: cmdPExpire},
	{Name: "expireat", Run: cmdExpireAt},
	{Name: "pexpireat", Run: cmdPExpireAt},
	{Name: "ttl", Run: cmdTTL},
	{Name: "pttl", Run: cmdPTTL},
	{Name: "expiretime", Run: cmdExpireTime},
	{Name: "pexpiretime", Run: cmdPExpireTime},
	{Name: "persist", Run: cmdPersist},
	{Name: "object", Subs: []*Spec{
		{Name: "encoding", Run: cmdObjectEncoding},
		{Name: "freq", Run: cmdObjectFreq},
		{Name: "idletime", Run: cmdObjectIdletime},
		{Name: "refcount", Run: cmdObjectRefcount},
		{Name: "help", Run: cmdObjectHelp},
	}},
	{Name: "dump", Run: cmdDump},
	{Name: "restore", Run: cmdRestore},
	{Name: "migrate", Run: cmdMigrate},
}

const (
	errSameObject = "ERR source and destination objects are the same"
	errBusyKey    = "BUSYKEY Target key name already exists."
)

// argKeyword is an option argument as Redis's strcasecmp sees it: lower
// case, up to its first NUL byte.
func argKeyword(b []byte) string { return strings.ToLower(argCString(b)) }

// keyBytes views a key string as bytes without copying; the result must
// only be read.
func keyBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// lookupNoTouch is Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH): a read
// that counts keyspace hits and misses but leaves the access time alone
// (EXISTS, TYPE, TTL, OBJECT).
func (c *Client) lookupNoTouch(key []byte) *keyspace.Entry {
	e := c.Lookup(key)
	if e == nil {
		c.e.stats.KeyspaceMisses.Add(1)
		c.Notify(notifyKeyMiss, "keymiss", key)
	} else {
		c.e.stats.KeyspaceHits.Add(1)
	}
	return e
}

// readValue returns the value at key for a read command as a T, the
// family's value type (*keyspace.Hash, *keyspace.Set …): the zero T when
// the key is missing; ok is false when a WRONGTYPE error was written.
func readValue[T keyspace.Value](c *Client, key []byte) (v T, ok bool) {
	return valueAs[T](c, c.LookupRead(key))
}

// writeValue is readValue for a write command (no hit/miss accounting),
// also returning the entry (nil when missing or of another type).
func writeValue[T keyspace.Value](c *Client, key []byte) (*keyspace.Entry, T, bool) {
	ent := c.Lookup(key)
	v, ok := valueAs[T](c, ent)
	if !ok {
		return nil, v, false
	}
	return ent, v, true
}

// valueAs is ent's value as a T: the zero T for a nil entry; ok is false
// when a WRONGTYPE error was written.
func valueAs[T keyspace.Value](c *Client, ent *keyspace.Entry) (v T, ok bool) {
	if ent == nil {
		return v, true
	}
	if v, ok = ent.Value.(T); !ok {
		c.Error(errWrongType)
	}
	return v, ok
}

// touchedIn signals a modified key in a keyspace other than the selected
// one (MOVE, COPY … DB).
func (c *Client) touchedIn(db *keyspace.DB, key []byte) {
	c.e.watches.touch(db, string(key))
	c.e.trackingInvalidate(c, db, key)
}

// addedIn lets clients blocked on key in db retry, as Redis's dbAdd does
// for every new key.
func (c *Client) addedIn(db *keyspace.DB, key []byte) { c.e.blocking.signal(db, key) }

func cmdDel(c *Client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.DB.Delete(k, c.now) {
			c.Touched(k)
			c.Notify(notifyGeneric, "del", k)
			n++
		}
	}
	c.Dirty(n)
	c.Int(int64(n))
}

func cmdExists(c *Client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.lookupNoTouch(k) != nil {
			n++
		}
	}
	c.Int(int64(n))
}

func cmdTouch(c *Client, args [][]byte) {
	n := 0
	for _, k := range args[1:] {
		if c.LookupRead(k) != nil {
			n++
		}
	}
	c.Int(int64(n))
}

func cmdType(c *Client, args [][]byte) {
	e := c.lookupNoTouch(args[1])
	if e == nil {
		c.Simple("none")
		return
	}
	c.Simple(e.Value.Kind().String())
}

func cmdKeys(c *Client, args [][]byte) {
	pattern := args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	var out []string
	c.DB.Each(func(e *keyspace.Entry) bool {
		if e.Expired(c.now) {
			return true
		}
		if all || GlobMatch(pattern, keyBytes(e.Key), false) {
			out = append(out, e.Key)
		}
		return true
	})
	c.StringArray(out)
}

// parseScanCursor reads a SCAN cursor as Redis's strtoul-based parser
// does: optional sign (a negative cursor wraps), decimal digits, nothing
// else; an empty string is cursor 0.
func parseScanCursor(b []byte) (uint64, bool) {
	// strtoul stops at a NUL byte, and Redis only checks that it stopped
	// at the end of the C string.
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) == 0 {
		return 0, true
	}
	neg := false
	i := 0
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i = 1
	}
	if i == len(b) {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		ch := b[i]
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if v > (1<<64-1)/10 || v*10 > 1<<64-1-d {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

func cmdScan(c *Client, args [][]byte) {
	cursor, ok := parseScanCursor(args[1])
	if !ok {
		c.Error("ERR invalid cursor")
		return
	}
	count := int64(10)
	var pattern, typ []byte
	for i := 2; i < len(args); i += 2 {
		opt := argKeyword(args[i])
		if i+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		switch opt {
		case "count":
			n, ok := keyspace.ParseInt(args[i+1])
			if !ok {
				c.Error(errNotInt)
				return
			}
			if n < 1 {
				c.Error(errSyntax)
				return
			}
			count = n
		case "match":
			pattern = args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		case "type":
			typ = args[i+1]
		default:
			c.Error(errSyntax)
			return
		}
	}
	if count > 1<<30 {
		count = 1 << 30
	}
	var found []*keyspace.Entry
	next := c.DB.Scan(cursor, int(count), func(e *keyspace.Entry) {
		found = append(found, e)
	})
	// Filter after the walk: expiring a key removes it from the keyspace,
	// which the walk must not see.
	keys := make([]string, 0, len(found))
	for _, e := range found {
		if pattern != nil && !GlobMatch(pattern, keyBytes(e.Key), false) {
			continue
		}
		if typ != nil && !strings.EqualFold(argCString(typ), e.Value.Kind().String()) {
			continue
		}
		if e.Expired(c.now) {
			c.Lookup(keyBytes(e.Key))
			continue
		}
		keys = append(keys, e.Key)
	}
	c.Array(2)
	var tmp [24]byte
	c.Bulk(strconv.AppendUint(tmp[:0], next, 10))
	c.StringArray(keys)
}

func cmdRandomKey(c *Client, args [][]byte) {
	for tries := 0; ; tries++ {
		e := c.DB.RandomEntry()
		if e == nil {
			c.Null()
			return
		}
		// An expired key is reclaimed and another one drawn; after many
		// tries (nothing can be reclaimed while loading) give up and
		// return it, as Redis does.
		if e.Expired(c.now) && tries < 100 {
			if c.Lookup(keyBytes(e.Key)) == nil {
				continue
			}
		}
		c.BulkString(e.Key)
		return
	}
}

func cmdRename(c *Client, args [][]byte)   { renameGeneric(c, args, false) }
func cmdRenameNX(c *Client, args [][]byte) { renameGeneric(c, args, true) }

func renameGeneric(c *Client, args [][]byte, nx bool) {
	src, dst := args[1], args[2]
	e := c.Lookup(src)
	if e == nil {
		c.Error(errNoSuchKey)
		return
	}
	if string(src) == string(dst) {
		if nx {
			c.Int(0)
		} else {
			c.OK()
		}
		return
	}
	if c.Lookup(dst) != nil && nx {
		c.Int(0)
		return
	}
	access := e.Access
	ne := c.DB.Rename(e, dst, c.now)
	ne.Access = access
	c.Touched(src)
	c.Touched(dst)
	c.addedIn(c.DB, dst)
	c.Notify(notifyGeneric, "rename_from", src)
	c.Notify(notifyGeneric, "rename_to", dst)
	c.Dirty(1)
	if nx {
		c.Int(1)
	} else {
		c.OK()
	}
}

func cmdMove(c *Client, args [][]byte) {
	key := args[1]
	dst, msg := c.e.resolveDB(args[2])
	if msg != "" {
		c.Error(msg)
		return
	}
	if dst == c.DB {
		c.Error(errSameObject)
		return
	}
	e := c.Lookup(key)
	if e == nil {
		c.Int(0)
		return
	}
	if dst.Lookup(key, c.now) != nil {
		c.Int(0)
		return
	}
	v, exp, access := e.Value, e.Expire, e.Access
	c.DB.Remove(e)
	ne := dst.Add(string(key), v)
	dst.SetExpire(ne, exp)
	ne.Access = access
	c.Touched(key)
	c.touchedIn(dst, key)
	c.addedIn(dst, key)
	c.Notify(notifyGeneric, "move_from", key)
	c.e.notifyKeyspace(dst, notifyGeneric, "move_to", key)
	c.Dirty(1)
	c.Int(1)
}

func cmdCopy(c *Client, args [][]byte) {
	src, dstKey := args[1], args[2]
	dst := c.DB
	replace := false
	for i := 3; i < len(args); i++ {
		switch argKeyword(args[i]) {
		case "replace":
			replace = true
		case "db":
			if i+1 >= len(args) {
				c.Error(errSyntax)
				return
			}
			db, msg := c.e.resolveDB(args[i+1])
			if msg != "" {
				c.Error(msg)
				return
			}
			dst = db
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	if dst == c.DB && string(src) == string(dstKey) {
		c.Error(errSameObject)
		return
	}
	e := c.LookupRead(src)
	if e == nil {
		c.Int(0)
		return
	}
	if old := dst.Lookup(dstKey, c.now); old != nil {
		if !replace {
			c.Int(0)
			return
		}
		dst.Remove(old)
	}
	v := e.Value.Clone()
	if s, ok := v.(*keyspace.String); ok {
		s.Unshared = true // Redis duplicates even a shared integer
	}
	ne := dst.Add(string(dstKey), v)
	dst.SetExpire(ne, e.Expire)
	c.touchedIn(dst, dstKey)
	c.addedIn(dst, dstKey)
	c.e.notifyKeyspace(dst, notifyGeneric, "copy_to", dstKey)
	c.Dirty(1)
	c.Int(1)
}
