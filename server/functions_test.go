package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

const persistLib = "#!lua name=keep\nredis.register_function('bump', function(keys) return redis.call('incr', keys[1]) end)"

// Function libraries survive a restart of the file backend through its
// log: FUNCTION LOAD is logged as it was sent, so replaying the log loads
// them again, and FUNCTION DELETE is replayed after it. (SHUTDOWN NOSAVE
// leaves the log as the only record.)
func TestFunctionsSurviveRestartThroughTheLog(t *testing.T) {
	dir := t.TempDir()
	opts := []string{"backend", "file", "dir", dir, "appendfsync", "always"}

	s, err := testserver.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.Addr, 2)
	waitLoaded(t, c)
	expect(t, c, "$4\r\nkeep\r\n", "FUNCTION", "LOAD", persistLib)
	expect(t, c, "$4\r\ngone\r\n", "FUNCTION", "LOAD", "#!lua name=gone\nredis.register_function('g', function() return 1 end)")
	expect(t, c, "+OK\r\n", "FUNCTION", "DELETE", "gone")
	expect(t, c, ":1\r\n", "FCALL", "bump", "1", "n")
	if r, err := c.Do("SHUTDOWN", "NOSAVE"); err == nil {
		t.Fatalf("SHUTDOWN NOSAVE replied %q", r)
	}
	<-s.Server.Done()
	if n := s.Panics(); n > 0 {
		t.Fatalf("%d panics", n)
	}

	// The stopped server releases the data directory right after.
	var s2 *testserver.Sundial
	for i := 0; ; i++ {
		if s2, err = testserver.Start(opts...); err == nil {
			break
		}
		if i == 200 {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	defer s2.Stop()
	c2 := dial(t, s2.Addr, 2)
	waitLoaded(t, c2)
	expect(t, c2, ":2\r\n", "FCALL", "bump", "1", "n")
	expect(t, c2, "-ERR Function not found\r\n", "FCALL", "g", "0")
	expect(t, c2, "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$4\r\nkeep\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$4\r\nbump\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n",
		"FUNCTION", "LIST")
}

// waitLoaded waits until the server stops answering LOADING.
func waitLoaded(t *testing.T, c *testserver.Conn) {
	t.Helper()
	for i := 0; i < 500; i++ {
		r, err := c.Do("PING")
		if err != nil {
			t.Fatal(err)
		}
		if r == "+PONG\r\n" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("server still loading")
}

// FUNCTION DUMP from redis-server restores into sundial and back: the
// payload (LZF-compressed library code, RDB version, CRC64) is the same
// format both ways.
func TestFunctionDumpRestoreWithRedis(t *testing.T) {
	if redis == nil {
		t.Skip(testserver.SkipMessage)
	}
	libs := []string{
		persistLib,
		"#!lua name=second\nredis.register_function{function_name='two', callback=function() return 2 end, flags={'no-writes'}, description='returns two'}",
	}
	r := dial(t, redis.Addr, 2)
	s := dial(t, sundial.Addr, 2)
	for _, c := range []*testserver.Conn{r, s} {
		expect(t, c, "+OK\r\n", "FUNCTION", "FLUSH")
		for _, l := range libs {
			if _, err := c.Do("FUNCTION", "LOAD", l); err != nil {
				t.Fatal(err)
			}
		}
	}
	payloadOf := func(c *testserver.Conn) string {
		raw, err := c.Do("FUNCTION", "DUMP")
		if err != nil {
			t.Fatal(err)
		}
		return bulkBody(t, raw)
	}
	fromRedis, fromSundial := payloadOf(r), payloadOf(s)
	for _, c := range []*testserver.Conn{r, s} {
		for _, p := range []string{fromRedis, fromSundial} {
			expect(t, c, "+OK\r\n", "FUNCTION", "RESTORE", p, "FLUSH")
			expect(t, c, ":2\r\n", "FCALL", "two", "0")
			got, err := c.Do("FUNCTION", "LIST", "LIBRARYNAME", "second", "WITHCODE")
			if err != nil {
				t.Fatal(err)
			}
			want := "*1\r\n*8\r\n$12\r\nlibrary_name\r\n$6\r\nsecond\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\ntwo\r\n$11\r\ndescription\r\n$11\r\nreturns two\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n$12\r\nlibrary_code\r\n$" +
				strconv.Itoa(len(libs[1])) + "\r\n" + libs[1] + "\r\n"
			if got != want {
				t.Fatalf("after RESTORE: %q\nwant %q", got, want)
			}
		}
	}
	// Same libraries, same bytes: when the libraries come out in the same
	// order (Redis lists them in hash order) the payloads are identical.
	for _, c := range []*testserver.Conn{r, s} {
		expect(t, c, "+OK\r\n", "FUNCTION", "DELETE", "second")
	}
	if a, b := payloadOf(r), payloadOf(s); a != b {
		t.Fatalf("one-library payloads differ:\nredis   %q\nsundial %q", a, b)
	}
	expect(t, s, "-ERR Library keep already exists\r\n", "FUNCTION", "RESTORE", fromRedis)
	expect(t, s, "+OK\r\n", "FUNCTION", "RESTORE", fromRedis, "REPLACE")
	expect(t, s, "-ERR Function bump already exists\r\n", "FUNCTION", "RESTORE", payloadWith(t, r, "#!lua name=other\nredis.register_function('bump', function() end)"))
	for _, c := range []*testserver.Conn{r, s} {
		expect(t, c, "+OK\r\n", "FUNCTION", "FLUSH")
	}
}

// payloadWith loads lib alone on c and returns its FUNCTION DUMP payload.
func payloadWith(t *testing.T, c *testserver.Conn, lib string) string {
	t.Helper()
	expect(t, c, "+OK\r\n", "FUNCTION", "FLUSH")
	if _, err := c.Do("FUNCTION", "LOAD", lib); err != nil {
		t.Fatal(err)
	}
	raw, err := c.Do("FUNCTION", "DUMP")
	if err != nil {
		t.Fatal(err)
	}
	return bulkBody(t, raw)
}

// bulkBody is the content of a raw bulk string reply.
func bulkBody(t *testing.T, raw string) string {
	t.Helper()
	i := strings.Index(raw, "\r\n")
	if !strings.HasPrefix(raw, "$") || i < 0 || len(raw) < i+4 {
		t.Fatalf("not a bulk string: %q", raw)
	}
	return raw[i+2 : len(raw)-2]
}

// functionsDump is the server's FUNCTION DUMP payload (libraries sorted by
// name, so equal libraries give equal payloads).
func functionsDump(t *testing.T, c *testserver.Conn) string {
	t.Helper()
	return bulkBody(t, pok(t, c, "FUNCTION", "DUMP"))
}

// Function libraries belong to the server, not to a keyspace: they survive
// graceful restarts (snapshots), compactions and log-only restarts alike,
// whichever keyspace the client that loaded them had selected, and a
// library is never loaded twice on replay.
func TestFunctionsPersistWithSnapshots(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	c := pdial(t, s.Addr)
	pok(t, c, "SELECT", "5")
	pok(t, c, "FUNCTION", "LOAD", persistLib)
	pok(t, c, "SET", "plain", "1")
	expect(t, c, ":1\r\n", "FCALL", "bump", "1", "n")
	want := functionsDump(t, c)
	stopGraceful(t, s)

	// From the snapshots alone: the shutdown compacted every log.
	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	if got := functionsDump(t, c); got != want {
		t.Fatalf("libraries after a graceful restart:\n got %q\nwant %q", got, want)
	}
	if n := infoInt(t, c, "rdb_last_load_keys_loaded"); n != 2 {
		t.Errorf("rdb_last_load_keys_loaded = %d, want 2 (the libraries are not a key)", n)
	}
	pok(t, c, "SELECT", "5")
	expect(t, c, ":2\r\n", "FCALL", "bump", "1", "n")

	// A compaction with the libraries in place, then changes after it in
	// the logs of other keyspaces' clients; a restart from snapshot + log.
	pok(t, c, "BGREWRITEAOF")
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	pok(t, c, "SELECT", "named_ks")
	pok(t, c, "FUNCTION", "LOAD", "#!lua name=second\nredis.register_function('two', function() return 2 end)")
	pok(t, c, "BGSAVE")
	waitInfo(t, c, "rdb_bgsave_in_progress", "0")
	pok(t, c, "FUNCTION", "DELETE", "keep")
	pok(t, c, "FUNCTION", "LOAD", persistLib)
	pok(t, c, "MULTI")
	pok(t, c, "FUNCTION", "DELETE", "second")
	pok(t, c, "SET", "in-tx", "1")
	pok(t, c, "FUNCTION", "LOAD", "#!lua name=second\nredis.register_function('two', function() return 22 end)")
	pok(t, c, "EXEC")
	want = functionsDump(t, c)
	stopNoSave(t, s, dir)

	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	if got := functionsDump(t, c); got != want {
		t.Fatalf("libraries after snapshot + log replay:\n got %q\nwant %q", got, want)
	}
	expect(t, c, ":22\r\n", "FCALL", "two", "0")

	// FUNCTION FLUSH is kept too, through a snapshot and through the log.
	pok(t, c, "FUNCTION", "FLUSH")
	stopGraceful(t, s)
	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	expect(t, c, "*0\r\n", "FUNCTION", "LIST")
	pok(t, c, "FUNCTION", "RESTORE", want)
	pok(t, c, "SAVE")
	pok(t, c, "FUNCTION", "FLUSH")
	pok(t, c, "FUNCTION", "LOAD", persistLib)
	want = functionsDump(t, c)
	stopNoSave(t, s, dir)
	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	if got := functionsDump(t, c); got != want {
		t.Fatalf("libraries after SAVE, FLUSH, LOAD and a log replay:\n got %q\nwant %q", got, want)
	}
	stopGraceful(t, s)
}

// With appendonly no the snapshots alone keep the libraries.
func TestFunctionsPersistAppendOnlyNo(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "appendonly", "no")
	c := pdial(t, s.Addr)
	pok(t, c, "SELECT", "3")
	pok(t, c, "FUNCTION", "LOAD", persistLib)
	want := functionsDump(t, c)
	stopGraceful(t, s)
	s = startFile(t, dir, "appendonly", "no")
	c = pdial(t, s.Addr)
	if got := functionsDump(t, c); got != want {
		t.Fatalf("libraries after a graceful restart with appendonly no:\n got %q\nwant %q", got, want)
	}
	stopGraceful(t, s)
}
