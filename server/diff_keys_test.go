package server_test

import (
	"testing"

	"sundial/config"
	"sundial/internal/testserver"
)

// The generic key commands compared byte for byte with redis-server.
func TestDiffKeys(t *testing.T) {
	diff(t, []testserver.Case{
		// DEL UNLINK EXISTS TOUCH
		C("del", "SET a 1", "SET b 2", "DEL a b c", "EXISTS a b", "DEL a"),
		C("del duplicate keys", "SET a 1", "DEL a a a"),
		C("del arity", "DEL", "UNLINK", "EXISTS", "TOUCH"),
		C("unlink", "SET a 1", "HSET h f v", "UNLINK a h x", "EXISTS a h"),
		C("exists counts duplicates", "SET a 1", "EXISTS a a a b", "EXISTS nokey"),
		C("exists binary key", `SET "a\x00b" 1`, `EXISTS "a\x00b"`, "EXISTS a"),
		C("exists empty key", `SET "" v`, `EXISTS ""`, `GET ""`, `DEL ""`),
		C("touch", "SET a 1", "SET b 2", "TOUCH a b c a"),
		// TYPE
		C("type", "SET s v", "HSET h f v", "TYPE s", "TYPE h", "TYPE nokey"),
		C("type arity", "TYPE", "TYPE a b"),
		// KEYS and glob patterns
		C("keys all", "MSET a 1 b 2 c 3", "~KEYS *", "~KEYS **", "KEYS nomatch"),
		C("keys empty db", "KEYS *", "KEYS a*"),
		C("keys question", "MSET hello 1 hallo 2 hllo 3 heello 4", "~KEYS h?llo", "~KEYS h??llo", "~KEYS ?"),
		C("keys star", "MSET hello 1 hallo 2 hllo 3 heeeello 4 xhello 5", "~KEYS h*llo", "~KEYS *llo", "~KEYS h*", "~KEYS *ll*"),
		C("keys class", "MSET hello 1 hallo 2 hillo 3", "~KEYS h[ae]llo", "~KEYS h[^e]llo", "~KEYS h[a-b]llo", "~KEYS h[b-a]llo"),
		C("keys class edge", "MSET a 1 b 2 - 3 ] 4 ^ 5", "~KEYS [a-]", "~KEYS [-a]", `~KEYS [\]]`, "~KEYS [^]", "~KEYS [^^]", "~KEYS []]"),
		C("keys unterminated class", "MSET a 1 ab 2 [ 3 [a 4", "~KEYS [", "~KEYS [a", "~KEYS a[", "~KEYS [ab", "~KEYS [^a"),
		C("keys escapes", `MSET * 1 ? 2 a 3 \ 4 [x] 5`, `~KEYS \*`, `~KEYS \?`, `~KEYS \a`, `~KEYS \\`, `~KEYS \[x\]`, `~KEYS a\`),
		C("keys trailing backslash", `MSET a 1 "a\\" 2`, `~KEYS a\`, `~KEYS "a\\\\"`),
		C("keys case sensitive", "MSET Foo 1 foo 2 FOO 3", "~KEYS foo", "~KEYS F*", "~KEYS [fF]oo"),
		C("keys binary", `MSET "a\x00b" 1 "a\xffb" 2`, "~KEYS a?b", "~KEYS a*"),
		C("keys pathological", "SET aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab 1",
			"KEYS a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c", "KEYS *a*a*a*a*a*a*a*a*a*a*b"),
		C("keys skips expired", "SET a 1 PX 1", "SET b 2", "@sleep 20", "KEYS *"),
		// SCAN (single matching key so the order is defined)
		C("scan one key", "SET a 1", "SCAN 0", "SCAN 0 COUNT 100", "SCAN 0 MATCH a", "SCAN 0 MATCH b", "SCAN 0 TYPE string", "SCAN 0 TYPE hash"),
		C("scan empty", "SCAN 0", "SCAN 0 MATCH *", "SCAN 0 TYPE list"),
		C("scan match among many", "MSET apple 1 banana 2 cherry 3 date 4", "SCAN 0 MATCH b* COUNT 100", "SCAN 0 MATCH *rr* COUNT 100", "SCAN 0 MATCH zz COUNT 100"),
		C("scan type filter", "SET s 1", "HSET h f v", "SCAN 0 TYPE hash COUNT 100", "SCAN 0 TYPE STRING COUNT 100", "SCAN 0 TYPE nosuchtype COUNT 100"),
		C("scan cursor errors", "SCAN abc", "SCAN -", "SCAN 1.5", "SCAN ' 0'", "SCAN 18446744073709551616", "SCAN 99999999999999999999"),
		C("scan cursor forms", `SCAN ""`, "SCAN +0", "SCAN -0"),
		C("scan option errors", "SCAN 0 COUNT", "SCAN 0 COUNT 0", "SCAN 0 COUNT -1", "SCAN 0 COUNT abc", "SCAN 0 MATCH", "SCAN 0 FOO bar", "SCAN 0 TYPE", "SCAN 0 COUNT 1 FOO"),
		C("scan skips expired", "SET a 1 PX 1", "SET b 2", "@sleep 20", "SCAN 0 COUNT 100", "EXISTS a"),
		// RANDOMKEY
		C("randomkey", "RANDOMKEY", "SET a 1", "RANDOMKEY", "RANDOMKEY x"),
		C("randomkey expired", "SET a 1 PX 1", "@sleep 20", "RANDOMKEY", "SET b 1 PX 1", "SET c 2", "@sleep 20", "RANDOMKEY"),
		// RENAME RENAMENX
		C("rename", "SET a 1", "RENAME a b", "GET a", "GET b"),
		C("rename missing", "RENAME a b", "RENAMENX a b"),
		C("rename same key", "SET a 1", "RENAME a a", "RENAMENX a a", "GET a", "RENAME x x"),
		C("rename overwrites", "SET a 1", "HSET b f v", "RENAME a b", "TYPE b", "GET b"),
		C("rename keeps ttl", "SET a 1 EX 100", "RENAME a b", "TTL b", "SET c 1", "SET d 2 EX 100", "RENAME c d", "TTL d"),
		C("renamenx", "SET a 1", "SET b 2", "RENAMENX a b", "RENAMENX a c", "GET c", "EXISTS a"),
		C("rename expired source", "SET a 1 PX 1", "@sleep 20", "RENAME a b", "EXISTS b"),
		C("rename expired target", "SET a 1", "SET b 2 PX 1", "@sleep 20", "RENAMENX a b", "GET b"),
		C("rename binary", `SET "\x00" 1`, `RENAME "\x00" "\xff"`, `GET "\xff"`),
		// MOVE
		C("move", "SET a 1", "MOVE a 1", "EXISTS a", "SELECT 1", "GET a"),
		C("move existing target", "SET a 1", "SELECT 1", "SET a 2", "SELECT 0", "MOVE a 1", "GET a", "SELECT 1", "GET a"),
		C("move missing", "MOVE a 1"),
		C("move same db", "SET a 1", "MOVE a 0", "MOVE nokey 0"),
		C("move errors", "SET a 1", "MOVE a 16", "MOVE a -1", "MOVE a 99999999999999999999"),
		C("move keeps ttl", "SET a 1 EX 100", "MOVE a 2", "SELECT 2", "TTL a"),
		// COPY
		C("copy", "SET a 1", "COPY a b", "GET b", "COPY a b", "COPY a b REPLACE", "GET b"),
		C("copy missing", "COPY a b", "EXISTS b"),
		C("copy same key", "SET a 1", "COPY a a", "COPY a a DB 0", "COPY a a DB 1", "SELECT 1", "GET a"),
		C("copy db", "SET a 1", "COPY a b DB 3", "SELECT 3", "GET b", "SELECT 0", "EXISTS b"),
		C("copy errors", "SET a 1", "COPY a b DB", "COPY a b DB 16", "COPY a b DB -1", "COPY a b FOO", "COPY a b REPLACE FOO", "COPY a"),
		C("copy keeps ttl", "SET a 1 EX 100", "COPY a b", "TTL b", "SET c 2", "COPY c b REPLACE", "TTL b"),
		C("copy hash independent", "HSET h f v", "COPY h h2", "HSET h2 f w", "HGET h f", "HGET h2 f", "TYPE h2"),
		C("copy string independent", "SET a abc", "COPY a b", "APPEND b d", "GET a", "GET b"),
		C("copy replace other type", "SET a 1", "HSET b f v", "COPY a b REPLACE", "TYPE b", "GET b"),
		// EXPIRE family
		C("expire", "SET a 1", "EXPIRE a 100", "TTL a", "!PTTL a"),
		C("expire missing", "EXPIRE a 100", "PEXPIRE a 100", "EXPIREAT a 100", "PEXPIREAT a 100"),
		C("expire negative deletes", "SET a 1", "EXPIRE a -1", "EXISTS a", "SET a 1", "PEXPIRE a 0", "EXISTS a"),
		C("expireat past deletes", "SET a 1", "EXPIREAT a 1", "EXISTS a", "SET a 1", "PEXPIREAT a 0", "EXISTS a", "SET a 1", "EXPIREAT a -100", "EXISTS a"),
		C("expireat future", "SET a 1", "EXPIREAT a 99999999999", "EXPIRETIME a", "PEXPIRETIME a", "PEXPIREAT a 99999999999999", "PEXPIRETIME a", "EXPIRETIME a"),
		C("expiretime rounding", "SET a 1", "PEXPIREAT a 99999999999499", "EXPIRETIME a", "PEXPIREAT a 99999999999500", "EXPIRETIME a"),
		C("expire errors", "SET a 1", "EXPIRE a abc", "EXPIRE a 1.5", "EXPIRE a ''", "EXPIRE a +10", "EXPIRE a", "EXPIRE a 1 2"),
		C("expire overflow", "SET a 1", "EXPIRE a 9223372036854775807", "EXPIRE a -9223372036854775808", "EXPIRE a 9223372036854775",
			"PEXPIRE a 9223372036854775807", "EXPIREAT a 9223372036854775807", "PEXPIREAT a 9223372036854775807", "PEXPIRETIME a"),
		C("expire overflow missing key", "EXPIRE a 9223372036854775807", "PEXPIRE a 9223372036854775807", "EXPIRE a abc"),
		C("expire nx xx", "SET a 1", "EXPIRE a 100 XX", "TTL a", "EXPIRE a 100 NX", "EXPIRE a 200 NX", "TTL a", "EXPIRE a 300 XX", "TTL a"),
		C("expire gt lt", "SET a 1", "EXPIRE a 100 GT", "EXPIRE a 100 LT", "TTL a", "EXPIRE a 50 GT", "EXPIRE a 200 GT", "TTL a",
			"EXPIRE a 300 LT", "EXPIRE a 150 LT", "TTL a"),
		C("expire gt lt equal", "SET a 1", "EXPIREAT a 99999999999", "EXPIREAT a 99999999999 GT", "EXPIREAT a 99999999999 LT"),
		C("expire xx gt", "SET a 1", "EXPIRE a 100 XX GT", "EXPIRE a 100", "EXPIRE a 200 XX GT", "TTL a", "EXPIRE a 100 xx lt", "TTL a"),
		C("expire lt deletes", "SET a 1", "EXPIRE a 100", "EXPIRE a -1 LT", "EXISTS a"),
		C("expire option errors", "SET a 1", "EXPIRE a 10 NX XX", "EXPIRE a 10 NX GT", "EXPIRE a 10 NX LT", "EXPIRE a 10 GT LT",
			"EXPIRE a 10 FOO", "EXPIRE a 10 nx nx", "PEXPIRE a 10 XX XX", "EXPIRE a abc FOO", "EXPIRE a abc NX XX", "TTL a"),
		C("expire then set", "SET a 1 EX 100", "SET a 2", "TTL a", "EXPIRE a 100", "SET a 3 KEEPTTL", "TTL a"),
		C("expire hash", "HSET h f v", "EXPIRE h 100", "TTL h", "HSET h g w", "TTL h"),
		// TTL PTTL EXPIRETIME PERSIST
		C("ttl missing and persistent", "TTL a", "PTTL a", "EXPIRETIME a", "PEXPIRETIME a", "SET a 1", "TTL a", "PTTL a", "EXPIRETIME a", "PEXPIRETIME a"),
		C("ttl rounding", "SET a 1 PX 100800", "TTL a", "SET a 1 PX 1499", "TTL a"),
		C("persist", "SET a 1 EX 100", "PERSIST a", "TTL a", "PERSIST a", "PERSIST nokey"),
		C("persist arity", "PERSIST", "PERSIST a b", "TTL", "PTTL a b"),
		// OBJECT
		C("object encoding", "SET a 1", "SET b hello", "OBJECT ENCODING a", "OBJECT ENCODING b", "OBJECT ENCODING nokey"),
		C("object freq idletime", "SET a 1", "OBJECT IDLETIME a", "OBJECT FREQ a", "OBJECT IDLETIME nokey", "OBJECT FREQ nokey"),
		C("object lfu", "CONFIG SET maxmemory-policy allkeys-lfu", "SET a hello", "OBJECT FREQ a", "OBJECT IDLETIME a", "CONFIG SET maxmemory-policy noeviction"),
		C("object refcount", "SET a 5", "SET b 99999", "SET c x", "OBJECT REFCOUNT a", "OBJECT REFCOUNT b", "OBJECT REFCOUNT c", "OBJECT REFCOUNT nokey"),
		C("object errors", "OBJECT", "OBJECT FOO a", "OBJECT ENCODING", "OBJECT ENCODING a b", "OBJECT HELP", "object help", "OBJECT HELP x"),
		// DUMP RESTORE (payloads are sundial's own; errors and framing)
		C("dump missing", "DUMP nokey", "!DUMP nokey"),
		C("restore bad payload", "RESTORE a 0 garbage", "RESTORE a 0 ''", "RESTORE a 0 0123456789", "EXISTS a"),
		C("restore errors", "SET a 1", "RESTORE a 0 x", "RESTORE b -1 x", "RESTORE b abc x", "RESTORE b 0 x FOO", "RESTORE b 0 x IDLETIME -1",
			"RESTORE b 0 x FREQ 256", "RESTORE b 0 x FREQ -1", "RESTORE b 0 x IDLETIME abc", "RESTORE b 0 x IDLETIME 1 FREQ 1", "RESTORE b 0 x FREQ 1 IDLETIME 1",
			"RESTORE b 0 x IDLETIME", "RESTORE a 0 x REPLACE ABSTTL"),
		C("restore arity", "RESTORE a 0", "DUMP"),
		// expiry with real time
		C("expiry px sleep", "SET a 1 PX 400", "GET a", "@sleep 500", "GET a", "EXISTS a", "TTL a"),
		C("expiry pexpire sleep", "SET a 1", "PEXPIRE a 50", "@sleep 100", "GET a", "DBSIZE"),
		C("expiry lazy only", "DEBUG SET-ACTIVE-EXPIRE 0", "SET a 1 PX 30", "SET b 2 PX 30", "@sleep 80", "DBSIZE", "GET a", "DBSIZE", "EXISTS b", "DBSIZE",
			"DEBUG SET-ACTIVE-EXPIRE 1"),
		C("expiry lazy keys scan", "DEBUG SET-ACTIVE-EXPIRE 0", "SET a 1 PX 30", "@sleep 80", "KEYS *", "DBSIZE", "SCAN 0", "DBSIZE", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("expiry setex sleep", "SETEX a 1 v", "PSETEX b 40 v", "@sleep 100", "GET b", "EXISTS a"),
		C("expiry getex sleep", "SET a 1", "GETEX a PX 40", "@sleep 100", "GETEX a", "EXISTS a"),
		C("expiry incr on expired", "SET a 5 PX 30", "@sleep 80", "INCR a", "TTL a"),
		C("expiry append on expired", "SET a x PX 30", "@sleep 80", "APPEND a y", "GET a", "TTL a"),
		C("expiry keepttl on expired", "SET a x PX 30", "@sleep 80", "SET a y KEEPTTL", "TTL a"),
		C("expiry setnx on expired", "SET a x PX 30", "@sleep 80", "SETNX a y", "GET a"),
		C("del expired", "SET a 1 PX 20", "@sleep 50", "DEL a", "UNLINK a"),
		C("exists expired", "SET a 1 PX 20", "SET b 1", "@sleep 50", "EXISTS a b"),
		C("type expired", "SET a 1 PX 20", "@sleep 50", "TYPE a", "OBJECT ENCODING a", "TTL a", "PTTL a"),
		C("persist expired", "SET a 1 PX 20", "@sleep 50", "PERSIST a", "EXPIRE a 100"),
		C("expire then persist", "SET a 1", "PEXPIRE a 100000", "PERSIST a", "TTL a", "PEXPIRETIME a", "EXPIRE a 10 XX"),
		C("expire after rename", "SET a 1", "RENAME a b", "EXPIRE a 10", "EXPIRE b 10", "TTL b"),
		C("copy expired source", "SET a 1 PX 20", "@sleep 50", "COPY a b", "EXISTS b"),
		C("copy to expired target", "SET a 1", "SET b 2 PX 20", "@sleep 50", "COPY a b", "GET b"),
		C("move expired", "SET a 1 PX 20", "@sleep 50", "MOVE a 1", "SELECT 1", "EXISTS a"),
		C("keys question marks count", "MSET a 1 ab 2 abc 3 abcd 4", "~KEYS ?", "~KEYS ??", "~KEYS ???*", "~KEYS *?"),
		C("keys class ranges", "MSET a1 1 a5 2 a9 3 b1 4", "~KEYS a[0-5]", "~KEYS a[5-0]", "~KEYS [a-b][1]", "~KEYS [^a]*", "~KEYS a[^0-5]"),
		C("keys star escapes mixed", `MSET "a*b" 1 axb 2 "a?b" 3`, `~KEYS a\*b`, "~KEYS a*b", `~KEYS a\?b`, "~KEYS a?b"),
		C("scan count big", "MSET a 1", "SCAN 0 COUNT 9223372036854775807", "SCAN 0 COUNT 9223372036854775808"),
		C("scan match pattern forms", "SET hello 1", "SCAN 0 MATCH h*o", "SCAN 0 MATCH h[a-f]llo", "SCAN 0 MATCH \\hello", "SCAN 0 MATCH hel", "SCAN 0 MATCH * TYPE string"),
		C("rename to itself expired", "SET a 1 PX 20", "@sleep 50", "RENAME a a", "RENAMENX a a"),
		C("touch expired", "SET a 1 PX 20", "@sleep 50", "TOUCH a", "SET b 1", "TOUCH a b"),
		C("ttl after setex overwrite", "SETEX a 100 v", "SETNX a w", "TTL a", "SET a w XX", "TTL a"),
		C("nul bytes in arguments", "SET k v", `SCAN "0\x00x"`, `EXPIRE k 10 "nx\x00x"`, `BITFIELD q GET "i8\x00x" 0`, `SETBIT q "1\x00" 1`, "EXISTS q"),
		C("keys in multi", "MULTI", "SET a 1", "EXPIRE a 100", "TTL a", "RENAME a b", "TYPE b", "EXEC"),
	})
}

// MOVE and COPY … DB take a named keyspace as well as a number.
func TestKeysNamedKeyspaces(t *testing.T) {
	c, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	steps := []struct{ cmd, want string }{
		{"SELECT 11", "+OK\r\n"},
		{"FLUSHDB", "+OK\r\n"},
		{"SET a 1", "+OK\r\n"},
		{"EXPIRE a 1000", ":1\r\n"},
		{"MOVE a keys_named", ":1\r\n"},
		{"EXISTS a", ":0\r\n"},
		{"SET b 2", "+OK\r\n"},
		{"COPY b b DB keys_named", ":1\r\n"},
		{"COPY b b DB keys_named", ":0\r\n"},
		{"MOVE a bad.name", "-ERR invalid DB index\r\n"},
		{"SELECT keys_named", "+OK\r\n"},
		{"GET a", "$1\r\n1\r\n"},
		{"TTL a", ":1000\r\n"},
		{"GET b", "$1\r\n2\r\n"},
		{"MOVE a keys_named", "-ERR source and destination objects are the same\r\n"},
		{"MOVE a 11", ":1\r\n"},
		{"COPY b c DB 11", ":1\r\n"},
		{"FLUSHDB", "+OK\r\n"},
		{"SELECT 11", "+OK\r\n"},
		{"MGET a c", "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"},
		{"FLUSHDB", "+OK\r\n"},
	}
	for _, s := range steps {
		args, _ := config.SplitArgs(s.cmd)
		got, err := c.Do(args...)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.want {
			t.Fatalf("%s: got %q, want %q", s.cmd, got, s.want)
		}
	}
}
