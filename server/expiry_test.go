package server_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
	"sundial/keyspace"
)

func keysClient(t *testing.T, addr string, db int) *goredis.Client {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: addr, DB: db})
	t.Cleanup(func() { c.Close() })
	return c
}

// A key is never visible after its TTL, whatever reads it.
func TestExpiryNeverVisible(t *testing.T) {
	ctx := context.Background()
	c := keysClient(t, sundial.Addr, 5)
	c.FlushDB(ctx)
	for i := 0; i < 50; i++ {
		c.Set(ctx, "k"+strconv.Itoa(i), "v", 30*time.Millisecond)
	}
	time.Sleep(60 * time.Millisecond)
	for i := 0; i < 50; i++ {
		k := "k" + strconv.Itoa(i)
		if err := c.Get(ctx, k).Err(); err != goredis.Nil {
			t.Fatalf("GET %s after its TTL: %v", k, err)
		}
	}
	if n := c.Exists(ctx, "k1", "k2").Val(); n != 0 {
		t.Fatalf("EXISTS of expired keys = %d", n)
	}
	if keys := c.Keys(ctx, "*").Val(); len(keys) != 0 {
		t.Fatalf("KEYS lists expired keys: %v", keys)
	}
	if ttl := c.TTL(ctx, "k3").Val(); ttl != -2 {
		t.Fatalf("TTL of an expired key = %v, want -2", ttl)
	}
}

// The active cycle reclaims keys that nobody reads; with it switched off
// they stay in DBSIZE until touched.
func TestActiveExpiryReclaims(t *testing.T) {
	ctx := context.Background()
	c := keysClient(t, sundial.Addr, 6)
	c.FlushDB(ctx)
	defer c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "1")

	if err := c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "0").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		c.Set(ctx, "lazy"+strconv.Itoa(i), "v", 20*time.Millisecond)
	}
	c.Set(ctx, "stays", "v", 0)
	time.Sleep(300 * time.Millisecond)
	if n := c.DBSize(ctx).Val(); n != 201 {
		t.Fatalf("with active expiry off DBSIZE = %d, want 201 (lazy only)", n)
	}
	c.Get(ctx, "lazy0")
	if n := c.DBSize(ctx).Val(); n != 200 {
		t.Fatalf("a read reclaims the key: DBSIZE = %d, want 200", n)
	}

	c.Do(ctx, "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	deadline := time.Now().Add(5 * time.Second)
	for c.DBSize(ctx).Val() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("active expiry left DBSIZE at %d", c.DBSize(ctx).Val())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SCAN returns every key present for the whole iteration, even while
// other clients add (and delete) keys between the calls.
func TestScanWhileGrowing(t *testing.T) {
	ctx := context.Background()
	c := keysClient(t, sundial.Addr, 7)
	w := keysClient(t, sundial.Addr, 7)
	c.FlushDB(ctx)
	const n = 2000
	for i := 0; i < n; i += 100 {
		pipe := c.Pipeline()
		for j := i; j < i+100; j++ {
			pipe.Set(ctx, "orig:"+strconv.Itoa(j), j, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	var cursor uint64
	added := 0
	for step := 0; ; step++ {
		keys, next, err := c.Scan(ctx, cursor, "", 37).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			seen[k] = true
		}
		// Meanwhile the keyspace grows (and churns: temporary keys come
		// and go).
		for j := 0; j < 25; j++ {
			w.Set(ctx, fmt.Sprintf("new:%d:%d", step, j), 1, 0)
			added++
		}
		w.Set(ctx, "tmp", 1, 0)
		w.Del(ctx, "tmp")
		cursor = next
		if cursor == 0 {
			break
		}
		if step > 10*n {
			t.Fatal("SCAN did not terminate")
		}
	}
	for i := 0; i < n; i++ {
		if k := "orig:" + strconv.Itoa(i); !seen[k] {
			t.Fatalf("SCAN missed %s, present for the whole iteration (%d keys added meanwhile)", k, added)
		}
	}
}

// SCAN with MATCH and TYPE over many keys returns the same set as Redis.
func TestScanFiltersLikeRedis(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	ctx := context.Background()
	scanAll := func(addr string, args ...any) []string {
		c := keysClient(t, addr, 8)
		var out []string
		cursor := "0"
		for {
			res, err := c.Do(ctx, append([]any{"SCAN", cursor}, args...)...).Slice()
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range res[1].([]any) {
				out = append(out, k.(string))
			}
			cursor = res[0].(string)
			if cursor == "0" {
				break
			}
		}
		return scanKeySet(out)
	}
	for _, addr := range []string{sundial.Addr, redis.Addr} {
		c := keysClient(t, addr, 8)
		c.FlushDB(ctx)
		for i := 0; i < 300; i++ {
			c.Set(ctx, fmt.Sprintf("user:%d", i), i, 0)
			c.HSet(ctx, fmt.Sprintf("hash:%d", i), "f", i)
		}
	}
	for _, args := range [][]any{
		{}, {"MATCH", "user:1*"}, {"MATCH", "*:2?"}, {"TYPE", "hash"}, {"TYPE", "string", "MATCH", "*5"},
		{"COUNT", 1000}, {"COUNT", 3, "MATCH", "hash:[0-3]"},
	} {
		got, want := scanAll(sundial.Addr, args...), scanAll(redis.Addr, args...)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("SCAN %v: sundial %d keys, redis %d keys", args, len(got), len(want))
		}
	}
}

func scanKeySet(s []string) []string {
	m := map[string]bool{}
	for _, k := range s {
		m[k] = true
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// propRecorder collects what the engine's propagation hook receives.
type propRecorder struct {
	mu  sync.Mutex
	got []string
}

func (r *propRecorder) record(db *keyspace.DB, argv [][]byte) uint64 {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = string(a)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, strings.Join(parts, " "))
	return 0
}

func (r *propRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// Writes reach the propagation hook (the AOF) in their deterministic
// form: relative times made absolute, INCRBYFLOAT as SET … KEEPTTL,
// expired keys as DEL.
func TestPropagationForms(t *testing.T) {
	s, err := testserver.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	rec := &propRecorder{}
	s.Engine.Mu.Lock()
	s.Engine.Propagate = rec.record
	s.Engine.Mu.Unlock()

	ctx := context.Background()
	c := keysClient(t, s.Addr, 0)
	// Every absolute time below must lie in [before+rel, after+rel].
	type check struct {
		cmd    []any
		prefix string // expected form up to the absolute time
		rel    int64  // relative ms the absolute time must reflect, -1: exact
		suffix string
	}
	checks := []check{
		{[]any{"SET", "a", "v", "EX", "100"}, "SET a v PXAT ", 100000, ""},
		{[]any{"SET", "a", "v", "PX", "5000", "GET"}, "SET a v PXAT ", 5000, ""},
		{[]any{"SETEX", "b", "10", "v"}, "SET b v PXAT ", 10000, ""},
		{[]any{"PSETEX", "b", "2500", "w"}, "SET b w PXAT ", 2500, ""},
		{[]any{"EXPIRE", "a", "100"}, "PEXPIREAT a ", 100000, ""},
		{[]any{"PEXPIRE", "a", "1234", "GT"}, "", 0, ""}, // refused by GT: nothing propagated
		{[]any{"EXPIREAT", "a", "99999999999"}, "PEXPIREAT a 99999999999000", -1, ""},
		{[]any{"EXPIRE", "a", "200", "XX"}, "PEXPIREAT a ", 200000, " XX"},
		{[]any{"GETEX", "a", "EX", "300"}, "PEXPIREAT a ", 300000, ""},
		{[]any{"GETEX", "a", "PERSIST"}, "PERSIST a", -1, ""},
		{[]any{"GETEX", "a"}, "", 0, ""},
		{[]any{"SET", "f", "10.5"}, "SET f 10.5", -1, ""},
		{[]any{"INCRBYFLOAT", "f", "0.1"}, "SET f 10.6 KEEPTTL", -1, ""},
		{[]any{"GETSET", "f", "1"}, "SET f 1", -1, ""},
		{[]any{"GETDEL", "f"}, "DEL f", -1, ""},
		{[]any{"SET", "g", "x", "GET"}, "SET g x", -1, ""},
		{[]any{"SET", "g", "y", "NX"}, "", 0, ""},
		{[]any{"EXPIRE", "g", "-1"}, "DEL g", -1, ""},
		{[]any{"SET", "h", "1"}, "SET h 1", -1, ""},
		{[]any{"PEXPIREAT", "h", "1"}, "DEL h", -1, ""},
		{[]any{"SET", "i", "1"}, "SET i 1", -1, ""},
		{[]any{"GETEX", "i", "PXAT", "1"}, "DEL i", -1, ""},
	}
	for _, ck := range checks {
		rec.take()
		before := time.Now().UnixMilli()
		c.Do(ctx, ck.cmd...)
		after := time.Now().UnixMilli()
		got := rec.take()
		if ck.prefix == "" {
			if len(got) != 0 {
				t.Errorf("%v propagated %q, want nothing", ck.cmd, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%v propagated %q, want one record", ck.cmd, got)
			continue
		}
		if ck.rel < 0 {
			if got[0] != ck.prefix {
				t.Errorf("%v propagated %q, want %q", ck.cmd, got[0], ck.prefix)
			}
			continue
		}
		rest, ok := strings.CutPrefix(got[0], ck.prefix)
		rest, ok2 := strings.CutSuffix(rest, ck.suffix)
		at, err := strconv.ParseInt(rest, 10, 64)
		if !ok || !ok2 || err != nil || at < before+ck.rel || at > after+ck.rel {
			t.Errorf("%v propagated %q, want %q<now+%d>%s", ck.cmd, got[0], ck.prefix, ck.rel, ck.suffix)
		}
	}

	// A key that expires is propagated as DEL: by a read (lazy) …
	rec.take()
	c.Set(ctx, "lazy", "v", 20*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	c.Get(ctx, "lazy")
	if got := rec.take(); len(got) != 2 || got[1] != "DEL lazy" {
		t.Errorf("lazy expiry propagated %q, want [SET … PXAT …, DEL lazy]", got)
	}
	// … and by the active cycle when nobody reads it.
	c.Set(ctx, "active", "v", 20*time.Millisecond)
	deadline := time.Now().Add(3 * time.Second)
	for {
		got := rec.take()
		if len(got) > 0 && got[len(got)-1] == "DEL active" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("active expiry never propagated DEL active")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// DUMP and RESTORE round-trip values; the payload is Redis's, so each
// side restores the other's.
func TestDumpRestore(t *testing.T) {
	ctx := context.Background()
	c := keysClient(t, sundial.Addr, 9)
	c.FlushDB(ctx)
	for _, v := range []string{"", "hello", "12345", "\x00\xff\r\n", strings.Repeat("z", 1000)} {
		c.Set(ctx, "src", v, 0)
		payload, err := c.Dump(ctx, "src").Result()
		if err != nil {
			t.Fatal(err)
		}
		c.Del(ctx, "dst")
		if err := c.Restore(ctx, "dst", 0, payload).Err(); err != nil {
			t.Fatalf("RESTORE of DUMP %q: %v", v, err)
		}
		if got := c.Get(ctx, "dst").Val(); got != v {
			t.Fatalf("round trip of %q gave %q", v, got)
		}
		if err := c.Restore(ctx, "dst", 0, payload).Err(); err == nil || err.Error() != "BUSYKEY Target key name already exists." {
			t.Fatalf("RESTORE onto an existing key: %v", err)
		}
		if err := c.RestoreReplace(ctx, "dst", 100*time.Second, payload).Err(); err != nil {
			t.Fatal(err)
		}
		if ttl := c.TTL(ctx, "dst").Val(); ttl < 99*time.Second || ttl > 100*time.Second {
			t.Fatalf("RESTORE with TTL 100000 ms: TTL %v", ttl)
		}
		// Any flipped byte fails the checksum (or the version check).
		for i := range payload {
			bad := []byte(payload)
			bad[i] ^= 0x20
			err := c.RestoreReplace(ctx, "bad", 0, string(bad)).Err()
			if err == nil || err.Error() != "ERR DUMP payload version or checksum are wrong" {
				t.Fatalf("RESTORE of a payload with byte %d flipped: %v", i, err)
			}
		}
	}
	// ABSTTL in the past: nothing is created.
	c.Set(ctx, "src", "v", 0)
	payload := c.Dump(ctx, "src").Val()
	if err := c.Do(ctx, "RESTORE", "gone", 1, payload, "ABSTTL").Err(); err != nil {
		t.Fatal(err)
	}
	if n := c.Exists(ctx, "gone").Val(); n != 0 {
		t.Fatal("RESTORE with a past ABSTTL created the key")
	}
	if err := c.Do(ctx, "RESTORE", "idle", 0, payload, "IDLETIME", 1000).Err(); err != nil {
		t.Fatal(err)
	}
	if idle := c.ObjectIdleTime(ctx, "idle").Val(); idle < 1000*time.Second || idle > 1002*time.Second {
		t.Fatalf("RESTORE IDLETIME 1000: OBJECT IDLETIME %v", idle)
	}

	testserver.SkipOrFail(t, redis)
	rc := keysClient(t, redis.Addr, 9)
	rc.FlushDB(ctx)
	rc.Set(ctx, "src", "hello", 0)
	redisPayload := rc.Dump(ctx, "src").Val()
	c.Set(ctx, "same", "hello", 0)
	if got := c.Dump(ctx, "same").Val(); got != redisPayload {
		t.Fatalf("sundial's DUMP of \"hello\": %q, Redis's %q", got, redisPayload)
	}
	if err := c.RestoreReplace(ctx, "fromredis", 0, redisPayload).Err(); err != nil || c.Get(ctx, "fromredis").Val() != "hello" {
		t.Fatalf("sundial RESTORE of a Redis payload: %v", err)
	}
	if err := rc.RestoreReplace(ctx, "fromsundial", 0, payload).Err(); err != nil || rc.Get(ctx, "fromsundial").Val() != "v" {
		t.Fatalf("Redis RESTORE of a sundial payload: %v", err)
	}
}
