package server_test

import (
	"testing"

	"sundial/internal/testserver"
)

// Connection and server commands, compared byte for byte with redis-server.
func TestDiffConnection(t *testing.T) {
	diff(t, []testserver.Case{
		C("ping", "PING", "PING hello", `PING ""`, "PING a b"),
		C("echo", "ECHO hi", `ECHO ""`, "ECHO", "ECHO a b", `ECHO "\x00\xff"`),
		C("unknown command", "FOO", "FOO bar baz", `FOO "a b"`, "fOo 1 2 3 4 5 6"),
		C("unknown command long args", "NOPE "+long(300)),
		C("arity get", "GET", "GET a b"),
		C("arity set", "SET", "SET k"),
		C("select", "SELECT 0", "SELECT 15", "SELECT 16", "SELECT -1", "SELECT 99999999999999999999"),
		C("select keeps data apart", "SET k v", "SELECT 1", "GET k", "SET k w", "SELECT 0", "GET k"),
		C("auth without password", "AUTH x", "AUTH default x", "AUTH a b c"),
		C("hello errors", "HELLO 4", "HELLO 1", "HELLO abc", "HELLO 3 FOO", "HELLO 2 SETNAME", "HELLO 2 SETNAME \"a b\""),
		C("client id name", "!CLIENT ID", "CLIENT GETNAME", "CLIENT SETNAME foo", "CLIENT GETNAME", `CLIENT SETNAME "a b"`, `CLIENT SETNAME ""`, "CLIENT GETNAME"),
		C("client subcommand errors", "CLIENT", "CLIENT FOO", "CLIENT GETNAME x", "CLIENT KILL", "CLIENT NO-EVICT maybe", "CLIENT NO-EVICT on", "CLIENT NO-EVICT off", "CLIENT REPLY foo"),
		C("client kill", "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999", "CLIENT KILL ID abc", "CLIENT KILL ADDR 1.2.3.4:5", "CLIENT KILL TYPE foo", "CLIENT KILL TYPE normal SKIPME yes", "CLIENT KILL FOO bar", "CLIENT KILL ID"),
		C("client pause errors", "CLIENT PAUSE abc", "CLIENT PAUSE -1", "CLIENT PAUSE 10 foo", "CLIENT PAUSE 0", "CLIENT UNPAUSE"),
		C("client unblock", "CLIENT UNBLOCK abc", "CLIENT UNBLOCK 99999", "CLIENT UNBLOCK 99999 TIMEOUT", "CLIENT UNBLOCK 99999 ERROR", "CLIENT UNBLOCK 5 foo"),
		C("client help", "CLIENT HELP"),
		C("dbsize flush", "DBSIZE", "SET a 1", "SET b 2", "DBSIZE", "FLUSHDB", "DBSIZE", "SET a 1", "FLUSHALL SYNC", "DBSIZE", "FLUSHALL ASYNC", "FLUSHDB foo", "FLUSHDB ASYNC SYNC", "DBSIZE x"),
		C("swapdb", "SET a 1", "SWAPDB 0 1", "GET a", "SELECT 1", "GET a", "SWAPDB 0 a!", "SWAPDB a! 0", "SWAPDB 0 16", "SWAPDB -1 0", "SWAPDB 1 1", "SWAPDB 0"),
		C("time lastsave types", "!TIME", "!LASTSAVE"),
		C("wait role", "WAIT 0 0", "WAIT 1 abc", "WAIT abc 0", "WAIT 0 -1", "ROLE"),
		C("config get", "CONFIG GET maxmemory", "CONFIG GET maxmemory-policy", "CONFIG GET appendfsync", "CONFIG GET databases",
			"CONFIG GET nonexistent", "CONFIG GET timeout", "CONFIG GET hz", "CONFIG GET slowlog-max-len", "CONFIG GET client-output-buffer-limit",
			"CONFIG GET notify-keyspace-events", "CONFIG GET busy-reply-threshold", "CONFIG GET lua-time-limit", "CONFIG GET proto-max-bulk-len", "CONFIG GET maxclients"),
		C("config get patterns", "~CONFIG GET maxmemory-p*", "~CONFIG GET *max-*-entries*", "~CONFIG GET hash-max-*", "CONFIG GET", "~CONFIG GET appendfsync maxmemory"),
		C("config set", "CONFIG SET maxmemory 100mb", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0", "CONFIG SET maxmemory 1x",
			"CONFIG SET hz abc", "CONFIG SET timeout -1", "CONFIG SET foo 1", "CONFIG SET databases 3",
			"CONFIG SET maxmemory-policy bad", "CONFIG SET appendfsync x", "CONFIG SET maxmemory-policy allkeys-lru", "CONFIG GET maxmemory-policy",
			"CONFIG SET maxmemory-policy noeviction", "CONFIG SET protected-mode maybe", "CONFIG SET", "CONFIG SET hz", "CONFIG SET hz 10 timeout"),
		C("config set notify", "CONFIG SET notify-keyspace-events KEA", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Ex",
			"CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events gl$", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events \"\"",
			"CONFIG GET notify-keyspace-events"),
		C("config set several", "CONFIG SET maxmemory-samples 7 hz 20", "CONFIG GET maxmemory-samples", "CONFIG GET hz", "CONFIG SET maxmemory-samples 5 hz 10"),
		C("config errors", "CONFIG", "CONFIG FOO", "CONFIG HELP", "CONFIG RESETSTAT"),
		C("command count and info", "COMMAND INFO get", "COMMAND INFO set", "COMMAND INFO GET SET nosuch", "COMMAND INFO config|get", "COMMAND INFO nosuch"),
		C("command docs", "COMMAND DOCS get", "COMMAND DOCS set", "COMMAND DOCS config|set", "COMMAND DOCS nosuch"),
		C("command getkeys", "COMMAND GETKEYS get a", "COMMAND GETKEYS set a b", "COMMAND GETKEYS ping", "COMMAND GETKEYS nosuch", "COMMAND GETKEYS get"),
		C("command errors", "COMMAND FOO", "COMMAND HELP", "COMMAND LIST FILTERBY", "COMMAND LIST FILTERBY foo bar"),
		C("cluster", "CLUSTER INFO", "CLUSTER NODES", "CLUSTER SLOTS", "CLUSTER FOO", "CLUSTER", "READONLY", "READWRITE"),
		C("debug", "DEBUG SET-ACTIVE-EXPIRE 1", "DEBUG SLEEP 0"),
		C("quit is ok", "QUIT"),
		C("multibulk inline-like args", `SET "a b" "c\td"`, `GET "a b"`, `SET '\x41' 1`, `GET '\x41'`),
		C("echo binary", `ECHO "\r\n\x00"`, `ECHO "\xde\xad\xbe\xef"`),
	})
}

func long(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}
