package server_test

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"sundial/config"
	"sundial/internal/testserver"
)

// MIGRATE between real servers: sundial to sundial, sundial to Redis and
// Redis to sundial. Each case builds keys on the source, notes what the
// probes answer there, migrates and asks the target.

// migrateSetups build one key of every type and encoding; the probes read
// them back.
var migrateSetups = []string{
	"SET str hello", "SET int 12345", "SET ttl v PX 100000", "RPUSH list a 1 -2 " + strings.Repeat("x", 100),
	"SADD intset 3 1 2", "SADD set a b c", "HSET hash f v n 1", "HSET bighash " + numbered(600, "f", " v"),
	"ZADD zset 1 a 2.5 b", "ZADD bigzset 1 " + strings.Repeat("m", 70) + " 2 b",
	"XADD stream 1-1 a 1", "XADD stream 2-1 a 2 b 3", "XGROUP CREATE stream g 0",
	"XREADGROUP GROUP g alice COUNT 1 STREAMS stream >",
}

var migrateKeys = []string{"str", "int", "ttl", "list", "intset", "set", "hash", "bighash", "zset", "bigzset", "stream"}

var migrateProbes = []string{"GET str", "GET int", "GET ttl", "LRANGE list 0 -1", "SMEMBERS intset", "~SMEMBERS set",
	"HGETALL hash", "~HGETALL bighash", "ZRANGE zset 0 -1 WITHSCORES", "ZRANGE bigzset 0 -1 WITHSCORES",
	"XINFO STREAM stream FULL", "OBJECT ENCODING bighash", "OBJECT ENCODING bigzset", "OBJECT ENCODING intset"}

// probe runs command lines (~ for unordered replies) on c.
func probe(t *testing.T, c *testserver.Conn, lines []string) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		args, ok := config.SplitArgs(strings.TrimPrefix(l, "~"))
		if !ok {
			t.Fatalf("bad command line %q", l)
		}
		r := blDo(t, c, args...)
		if strings.HasPrefix(l, "~") {
			r = testserver.Unordered(r)
		}
		out = append(out, r)
	}
	return out
}

// hostPort splits a listening address for MIGRATE's arguments.
func hostPort(t *testing.T, addr string) (string, string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return host, port
}

// checkMigrate builds the keys on src, moves them all to db 5 of the
// server at dstAddr with one MIGRATE (extra options appended) and
// compares the probes. It returns the source connection.
func checkMigrate(t *testing.T, srcAddr, dstAddr string, extra ...string) *testserver.Conn {
	t.Helper()
	src, dst := blDial(t, srcAddr, 2), blDial(t, dstAddr, 2)
	for _, c := range []*testserver.Conn{src, dst} {
		blDo(t, c, "SELECT", "5")
		blDo(t, c, "FLUSHDB")
	}
	for _, l := range migrateSetups {
		args, _ := config.SplitArgs(l)
		if r := blDo(t, src, args...); strings.HasPrefix(r, "-") {
			t.Fatalf("%s: %s", l, r)
		}
	}
	want := probe(t, src, migrateProbes)
	host, port := hostPort(t, dstAddr)
	args := append([]string{"MIGRATE", host, port, "", "5", "5000"}, extra...)
	if r := blDo(t, src, append(append(args, "KEYS"), migrateKeys...)...); r != "+OK\r\n" {
		t.Fatalf("MIGRATE: %s", testserver.Show(r))
	}
	for i, got := range probe(t, dst, migrateProbes) {
		if got != want[i] {
			t.Errorf("%s on the target:\n got  %.300s\n want %.300s", migrateProbes[i], testserver.Show(got), testserver.Show(want[i]))
		}
	}
	if pttl, _ := strconv.Atoi(strings.Trim(blDo(t, dst, "PTTL", "ttl"), ":\r\n")); pttl < 90000 || pttl > 100000 {
		t.Errorf("PTTL of the migrated key: %d", pttl)
	}
	return src
}

func TestMigrateSundialToSundial(t *testing.T) {
	target, err := testserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := target.Stop(); err != nil {
			t.Error(err)
		}
	})
	src := checkMigrate(t, sundial.Addr, target.Addr)
	if r := blDo(t, src, "DBSIZE"); r != ":0\r\n" {
		t.Errorf("source keys left after MIGRATE: %s", r)
	}
	// COPY keeps the source; REPLACE overwrites; without it the target
	// refuses an existing key and the source keeps it.
	host, port := hostPort(t, target.Addr)
	blDo(t, src, "SET", "k", "one")
	if r := blDo(t, src, "MIGRATE", host, port, "k", "5", "1000", "COPY"); r != "+OK\r\n" || blDo(t, src, "EXISTS", "k") != ":1\r\n" {
		t.Errorf("MIGRATE COPY: %s", r)
	}
	if r := blDo(t, src, "MIGRATE", host, port, "k", "5", "1000"); r != "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n" {
		t.Errorf("MIGRATE onto an existing key: %s", testserver.Show(r))
	}
	blDo(t, src, "SET", "k", "two")
	if r := blDo(t, src, "MIGRATE", host, port, "k", "5", "1000", "REPLACE"); r != "+OK\r\n" || blDo(t, src, "EXISTS", "k") != ":0\r\n" {
		t.Errorf("MIGRATE REPLACE: %s", r)
	}
	dst := blDial(t, target.Addr, 2)
	blDo(t, dst, "SELECT", "5")
	if r := blDo(t, dst, "GET", "k"); r != "$3\r\ntwo\r\n" {
		t.Errorf("GET on the target after REPLACE: %s", r)
	}
	if r := blDo(t, src, "MIGRATE", host, port, "k", "99", "1000"); r != "+NOKEY\r\n" {
		t.Errorf("MIGRATE of a moved key: %s", r)
	}
	blDo(t, src, "SET", "k", "three")
	if r := blDo(t, src, "MIGRATE", host, port, "k", "99", "1000"); r != "-ERR Target instance replied with error: ERR DB index is out of range\r\n" {
		t.Errorf("MIGRATE to db 99: %s", testserver.Show(r))
	}
}

func TestMigrateWithAuth(t *testing.T) {
	target, err := testserver.Start("requirepass", "secret")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Stop() })
	host, port := hostPort(t, target.Addr)
	src := blDial(t, sundial.Addr, 2)
	blDo(t, src, "SELECT", "5")
	blDo(t, src, "SET", "k", "v")
	if r := blDo(t, src, "MIGRATE", host, port, "k", "0", "1000"); r != "-ERR Target instance replied with error: NOAUTH Authentication required.\r\n" {
		t.Errorf("MIGRATE without AUTH: %s", testserver.Show(r))
	}
	if r := blDo(t, src, "MIGRATE", host, port, "k", "0", "1000", "AUTH", "wrong"); !strings.HasPrefix(r, "-ERR Target instance replied with error: WRONGPASS") {
		t.Errorf("MIGRATE with a wrong password: %s", testserver.Show(r))
	}
	if r := blDo(t, src, "MIGRATE", host, port, "k", "0", "1000", "AUTH2", "default", "secret"); r != "+OK\r\n" {
		t.Errorf("MIGRATE AUTH2: %s", testserver.Show(r))
	}
	dst := blDial(t, target.Addr, 2)
	blDo(t, dst, "AUTH", "secret")
	if r := blDo(t, dst, "GET", "k"); r != "$1\r\nv\r\n" {
		t.Errorf("GET on the target: %s", r)
	}
}

func TestMigrateSundialToRedis(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	src := checkMigrate(t, sundial.Addr, redis.Addr, "REPLACE")
	if r := blDo(t, src, "DBSIZE"); r != ":0\r\n" {
		t.Errorf("source keys left after MIGRATE: %s", r)
	}
}

func TestMigrateRedisToSundial(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	src := checkMigrate(t, redis.Addr, sundial.Addr, "COPY")
	if r := blDo(t, src, "DBSIZE"); r != ":"+strconv.Itoa(len(migrateKeys))+"\r\n" {
		t.Errorf("source keys after MIGRATE COPY: %s", r)
	}
}

func TestDiffMigrate(t *testing.T) {
	diff(t, []testserver.Case{
		C("migrate nokey", "MIGRATE 127.0.0.1 1 key 9 5000", "MIGRATE 127.0.0.1 1 key 9 5000 AUTH user",
			"MIGRATE 127.0.0.1 1 \"\" 9 5000 KEYS a b", "MIGRATE 127.0.0.1 1 \"\" 9 5000 KEYS"),
		C("migrate arguments", "SET k v", "MIGRATE 127.0.0.1 6379 NotEmpty 9 5000 keys a b c",
			"MIGRATE 127.0.0.1 1 k 9 5000 AUTH", "MIGRATE 127.0.0.1 1 k 9 5000 AUTH2 u", "MIGRATE 127.0.0.1 1 k 9 5000 FOO",
			"MIGRATE 127.0.0.1 1 k x 5000", "MIGRATE 127.0.0.1 1 k 9 y", "MIGRATE 127.0.0.1 1 k", "MIGRATE 127.0.0.1 1 k 9 5000 COPY KEYS"),
		C("migrate getkeys", "COMMAND GETKEYS migrate host 1 \"\" 0 5 KEYS a b", "COMMAND GETKEYS migrate host 1 key 0 5",
			"COMMAND GETKEYSANDFLAGS migrate host 1 \"\" 0 5 KEYS a b", "COMMAND GETKEYS migrate host 1 key 0 5 COPY KEYS a",
			"COMMAND GETKEYS migrate host 1 \"\" 0 5 AUTH keys KEYS a", "COMMAND GETKEYS migrate host 1 \"\" 0 5 AUTH2 u keys KEYS a",
			"COMMAND GETKEYSANDFLAGS migrate host 1 key 0 5", "COMMAND GETKEYS migrate host 1 \"\" 0 5 KEYS",
			"COMMAND GETKEYS migrate host 1 key 0 5 KEYS", "COMMAND GETKEYS migrate host 1 \"\" 0 5 AUTH2 a KEYS x",
			"COMMAND GETKEYS migrate host 1 \"\" 0 5 COPY REPLACE KEYS x y", "COMMAND GETKEYS migrate host 1 \"\" 0 5 keys KEYS",
			"COMMAND GETKEYS migrate host 1 k 0", "COMMAND INFO migrate"),
		C("migrate unreachable", "SET k v", "MIGRATE 127.0.0.1 1 k 0 200", "MIGRATE 127.0.0.1 notaport k 0 200",
			"MIGRATE 127.0.0.1 99999 k 0 200", "MIGRATE \"\" 1 k 0 200", "MIGRATE 127.0.0.1 -5 k 0 200", "EXISTS k"),
	})
}
