package commands

import (
	"encoding/binary"
	"hash/crc64"
	"strconv"

	"sundial/keyspace"
)

// DUMP and RESTORE. A payload is framed as Redis frames it: the value in
// Redis 7.0's RDB object form (rdb_save.go, rdb_load.go), the 2-byte RDB
// version (little endian), then the CRC64 (Jones polynomial, as Redis's
// crc64.c) of everything before it, little endian. So payloads travel
// between sundial and Redis both ways (MIGRATE too). A tau value, which
// Redis has no type for, is written in sundial's own form behind a kind
// byte past Redis's RDB type numbers, which Redis refuses ("Bad data
// format") rather than misreads.

// dumpKindBase is added to a value's Kind to form its kind byte in
// sundial's own form. RESTORE still reads that form for every kind, as
// earlier versions wrote it for all of them (an append-only file may hold
// such RESTOREs).
const dumpKindBase = 0x80

// dumpRDBVersion is the RDB version of Redis 7.0, written into payloads
// and the highest one RESTORE accepts.
const dumpRDBVersion = 10

// crcJones is Redis's CRC-64/Jones table (reflected polynomial
// 0xad93d23594c935a9, stored reversed as Go's tables expect).
var crcJones = crc64.MakeTable(0x95ac9329ac4bc9b5)

// redisCRC64 is Redis's crc64(crc, p): no initial or final inversion,
// unlike Go's crc64.Update, hence the inversions around it.
func redisCRC64(crc uint64, p []byte) uint64 {
	return ^crc64.Update(^crc, crcJones, p)
}

// dumpPayload serialises v into a DUMP payload.
func dumpPayload(v keyspace.Value, o rdbSaveOptions) []byte {
	b := appendRDBObject(nil, v, o)
	b = binary.LittleEndian.AppendUint16(b, dumpRDBVersion)
	return binary.LittleEndian.AppendUint64(b, redisCRC64(0, b))
}

// verifyDumpPayload checks a payload's version and checksum as Redis's
// verifyDumpPayload does and returns the serialised value.
func verifyDumpPayload(p []byte) ([]byte, bool) {
	if len(p) < 10 {
		return nil, false
	}
	footer := p[len(p)-10:]
	if binary.LittleEndian.Uint16(footer) > dumpRDBVersion {
		return nil, false
	}
	if redisCRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, false
	}
	return p[:len(p)-10], true
}

// decodeDumpValue rebuilds a value from sundial's own form: the kind
// byte, then the value's AppendBinary.
func decodeDumpValue(body []byte) (keyspace.Value, bool) {
	if len(body) == 0 || body[0] < dumpKindBase {
		return nil, false
	}
	v, err := keyspace.DecodeValue(keyspace.Kind(body[0]-dumpKindBase), body[1:])
	if err != nil || v == nil {
		return nil, false
	}
	// A key never holds an empty collection.
	switch x := v.(type) {
	case *keyspace.Hash:
		return v, x.Len() > 0
	case *keyspace.Set:
		return v, x.Len() > 0
	case *keyspace.List:
		return v, x.Len() > 0
	case *keyspace.ZSet:
		return v, x.Len() > 0
	}
	return v, true
}

// restoreEncoding applies this server's size limits to a value read from
// sundial's own form, as Redis's RDB loading converts a compact encoding
// with too many elements (it keeps one whose values are too long).
func restoreEncoding(c *Client, v keyspace.Value) {
	cfg := c.e.Cfg
	switch x := v.(type) {
	case *keyspace.Hash:
		if int64(x.Len()) > cfg.HashMaxListpackEntries {
			x.ConvertToTable()
		}
	case *keyspace.Set:
		x.FitIntset(cfg.SetMaxIntsetEntries)
	case *keyspace.ZSet:
		if !x.IsListpack() {
			x.Refit(cfg.ZSetMaxListpackEntries, cfg.ZSetMaxListpackValue)
		} else if int64(x.Len()) > cfg.ZSetMaxListpackEntries {
			x.ConvertToSkiplist()
		}
	}
}

// restoreValue decodes a verified payload body for this server.
func (c *Client) restoreValue(body []byte) (keyspace.Value, bool) {
	v, ok := decodeRDBValue(body, c.restoreLimits())
	if ok && len(body) > 0 && body[0] >= dumpKindBase {
		restoreEncoding(c, v)
	}
	return v, ok
}

func cmdDump(c *Client, args [][]byte) {
	e := c.LookupRead(args[1])
	if e == nil {
		c.Null()
		return
	}
	c.Bulk(dumpPayload(e.Value, c.dumpOptions()))
}

func cmdRestore(c *Client, args [][]byte) {
	key := args[1]
	replace, absTTL := false, false
	idle, freq := int64(-1), int64(-1)
	for j := 4; j < len(args); j++ {
		more := len(args) - j - 1
		switch opt := argKeyword(args[j]); {
		case opt == "replace":
			replace = true
		case opt == "absttl":
			absTTL = true
		case opt == "idletime" && more >= 1 && freq == -1:
			n, ok := argInt64(c, args[j+1])
			if !ok {
				return
			}
			if n < 0 {
				c.Error("ERR Invalid IDLETIME value, must be >= 0")
				return
			}
			idle = n
			j++
		case opt == "freq" && more >= 1 && idle == -1:
			n, ok := argInt64(c, args[j+1])
			if !ok {
				return
			}
			if n < 0 || n > 255 {
				c.Error("ERR Invalid FREQ value, must be >= 0 and <= 255")
				return
			}
			freq = n
			j++
		default:
			c.Error(errSyntax)
			return
		}
	}
	old := c.Lookup(key)
	if !replace && old != nil {
		c.Error(errBusyKey)
		return
	}
	ttl, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	if ttl < 0 {
		c.Error("ERR Invalid TTL value, must be >= 0")
		return
	}
	body, ok := verifyDumpPayload(args[3])
	if !ok {
		c.Error("ERR DUMP payload version or checksum are wrong")
		return
	}
	v, ok := c.restoreValue(body)
	if !ok {
		c.Error("ERR Bad data format")
		return
	}
	deleted := false
	if replace && old != nil {
		c.DB.Remove(old)
		deleted = true
	}
	if ttl != 0 && !absTTL {
		ttl += c.baseMs()
	}
	if ttl != 0 && c.expiredAlready(ttl) {
		if deleted {
			c.Rewrite([]byte("DEL"), key)
			c.Touched(key)
			c.Notify(notifyGeneric, "del", key)
			c.Dirty(1)
		}
		c.OK()
		return
	}
	e := c.DB.Add(string(key), v)
	if ttl != 0 {
		c.DB.SetExpire(e, ttl)
		if !absTTL {
			// Propagate the TTL as an absolute time.
			argv := append(append([][]byte(nil), args...), []byte("ABSTTL"))
			argv[2] = strconv.AppendInt(nil, ttl, 10)
			c.Rewrite(argv...)
		}
	}
	c.restoreAccess(e, idle, freq)
	c.Touched(key)
	c.addedIn(c.DB, key)
	c.Notify(notifyGeneric, "restore", key)
	c.Dirty(1)
	c.OK()
}

// restoreAccess applies RESTORE's IDLETIME or FREQ, each only under the
// eviction policy family that tracks it (Redis's objectSetLRUOrLFU).
func (c *Client) restoreAccess(e *keyspace.Entry, idle, freq int64) {
	now := c.now / 1000
	switch {
	case c.e.lfuPolicy() && freq >= 0:
		e.Access = uint32(now/60&0xffff)<<8 | uint32(freq)
	case !c.e.lfuPolicy() && idle >= 0:
		e.Access = uint32(now - idle)
	}
}
