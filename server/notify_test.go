package server_test

import (
	"strings"
	"testing"
)

// notifySession subscribes A to every channel, sets
// notify-keyspace-events to flags and runs each command on B, comparing
// B's reply and the events A receives after each one.
func notifySession(name, flags string, cmds ...string) session {
	lines := []string{
		"B: CONFIG SET notify-keyspace-events " + flags,
		"A: PSUBSCRIBE *",
	}
	for _, c := range cmds {
		if strings.HasPrefix(c, "@") {
			lines = append(lines, c)
			continue
		}
		lines = append(lines, "B: "+c, "A?")
	}
	return S(name, lines...)
}

// Keyspace notifications of the generic and string commands, channel
// names and classes, byte for byte against redis-server.
func TestDiffNotify(t *testing.T) {
	diffSessions(t, []session{
		notifySession("classes off", `""`, "SET k v", "DEL k"),
		notifySession("keyspace only", "K$", "SET k v", "DEL k", "INCR n"),
		notifySession("keyevent only", "E$", "SET k v", "APPEND k x"),
		notifySession("no channel kind means nothing", "A", "SET k v", "DEL k"),
		notifySession("generic only", "KEg", "SET k v", "DEL k", "SET k v EX 100"),
		notifySession("keyspace names", "KEA", "SELECT 7", "SET k v", "SELECT 15", "DEL nokey", "SET k v"),
		notifySession("binary keys", "KEA", `SET "a b\x00\xff" v`, `DEL "a b\x00\xff"`),
		notifySession("set family", "KEA",
			"SET k v", "SET k v EX 100", "SET k v PX 100000 KEEPTTL", "SET k v KEEPTTL", "SET k w NX", "SET k w XX",
			"SET k w GET", "SETNX k x", "SETNX k2 x", "SETEX k 100 v", "PSETEX k 100000 v",
			"GETSET k v2", "MSET a 1 b 2", "MSETNX a 1 c 3", "MSETNX c 3 d 4"),
		notifySession("string updates", "KEA",
			"APPEND s abc", "APPEND s def", "SETRANGE s 1 X", "SETRANGE s 0 \"\"", "SETRANGE e 0 \"\"", "SETRANGE e 2 x",
			"INCR n", "DECR n", "INCRBY n 5", "DECRBY n 2", "INCRBYFLOAT f 1.5", "INCR s"),
		notifySession("get variants", "KEA",
			"SET k v", "GETDEL k", "GETDEL k", "SET k v", "GETEX k EX 100", "GETEX k PERSIST", "GETEX k PERSIST",
			"GETEX k", "GETEX k PX 1", "@sleep 20", "GET k"),
		notifySession("deletes", "KEA", "MSET a 1 b 2 c 3", "DEL a b nokey", "UNLINK c", "UNLINK c"),
		notifySession("expire family", "KEA",
			"SET k v", "EXPIRE k 100", "PEXPIRE k 100000", "EXPIREAT k 99999999999", "PEXPIREAT k 99999999999999",
			"EXPIRE k 100 NX", "EXPIRE k 200 GT", "PERSIST k", "PERSIST k", "EXPIRE nokey 100",
			"EXPIRE k 0", "SET k v", "PEXPIRE k -5", "SET k v", "EXPIREAT k 1"),
		notifySession("rename", "KEA",
			"SET a 1", "RENAME a b", "RENAMENX b a", "SET c 1", "RENAMENX a c", "RENAME a a", "RENAME nokey x"),
		notifySession("move and copy", "KEA",
			"SET a 1", "MOVE a 1", "SELECT 1", "COPY a b", "COPY a b", "COPY a b REPLACE", "COPY a a2 DB 2", "MOVE a 0"),
		notifySession("expired events", "KEA",
			"DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 20", "@sleep 50", "GET k", "SET j v PX 20", "@sleep 50", "EXISTS j",
			"DEBUG SET-ACTIVE-EXPIRE 1"),
		notifySession("active expiry", "Ex",
			"SET k v PX 10", "@sleep 300"),
		notifySession("keymiss", "KEm",
			"GET nokey", "SET k v", "GET k", "MGET k x y", "DEL nokey", "STRLEN nokey"),
		notifySession("keymiss not in A", "KEA", "GET nokey"),
		notifySession("new keys", "KEn",
			"SET k v", "SET k w", "MSET a 1 k 2", "INCR n", "APPEND s x", "SETRANGE r 1 x", "RENAME n n2",
			"COPY s s2", "GETSET g v"),
		notifySession("new and generic", "KEAn", "SET k v EX 100", "INCRBYFLOAT f 2"),
		S("transaction events",
			"B: CONFIG SET notify-keyspace-events KEA",
			"A: PSUBSCRIBE *",
			"B=1: MULTI",
			"B=1: SET a 1",
			"B=1: INCR a",
			"B=1: DEL a",
			"B=1: EXEC",
			"A?"),
		notifySession("bitmaps", "KEA",
			"SETBIT b 7 1", "SETBIT b 100 0", "GETBIT b 7", "BITCOUNT b",
			"SET x ab", "BITOP AND d b x", "BITOP OR d nokey1 nokey2", "BITOP NOT d2 x",
			"BITFIELD f SET u8 0 255", "BITFIELD f GET u8 0", "BITFIELD f INCRBY u8 0 1 OVERFLOW FAIL INCRBY u8 0 1",
			"BITFIELD_RO f GET u8 0"),
		notifySession("hyperloglog", "KEA",
			"PFADD h a b c", "PFADD h a", "PFADD h2", "PFCOUNT h", "PFCOUNT h h2", "PFMERGE h3 h h2", "PFMERGE h3"),
		notifySession("hashes", "KEA",
			"HSET h a 1 b 2", "HSET h a 1", "HMSET h c 3", "HSETNX h a 9", "HSETNX h d 4", "HGET h a", "HGETALL h",
			"HINCRBY h n 5", "HINCRBYFLOAT h f 1.5", "HDEL h a nope", "HDEL h nope", "HDEL h b c d n f", "HGET h a"),
		notifySession("hash events by class", "Kh", "HSET h a 1", "HDEL h a", "HSET h a 1", "DEL h"),
		notifySession("flush emits nothing", "KEA", "SET k v", "FLUSHDB", "SET k v", "FLUSHALL"),
	})
}

// A named keyspace puts its name in the channel.
func TestNotifyNamedKeyspace(t *testing.T) {
	s := startWith(t)
	sub := dial(t, s.Addr, 2)
	c := dial(t, s.Addr, 2)
	expect(t, c, "+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "KEA")
	expect(t, sub, "*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n", "PSUBSCRIBE", "*")
	expect(t, c, "+OK\r\n", "SELECT", "orders")
	expect(t, c, "+OK\r\n", "SET", "k", "v")
	want := []string{
		"*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$21\r\n__keyspace@orders__:k\r\n$3\r\nset\r\n",
		"*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n$23\r\n__keyevent@orders__:set\r\n$1\r\nk\r\n",
	}
	for _, w := range want {
		got, err := sub.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Fatalf("got %q want %q", got, w)
		}
	}
}
