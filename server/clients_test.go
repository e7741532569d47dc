package server_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
)

// go-redis v9 with its default options sends HELLO 3 and CLIENT SETINFO
// first; with Protocol 2 it stays on RESP2. Both must work.
func TestGoRedisDefaultAndRESP2(t *testing.T) {
	s := startWith(t)
	ctx := context.Background()
	for _, opts := range []*goredis.Options{
		{Addr: s.Addr},
		{Addr: s.Addr, Protocol: 2},
		{Addr: s.Addr, Protocol: 3, ClientName: "sundial-test"},
	} {
		rdb := goredis.NewClient(opts)
		if err := rdb.Set(ctx, "k", "v", 0).Err(); err != nil {
			t.Fatalf("proto %d: SET: %v", opts.Protocol, err)
		}
		if v, err := rdb.Get(ctx, "k").Result(); err != nil || v != "v" {
			t.Fatalf("proto %d: GET: %q %v", opts.Protocol, v, err)
		}
		if _, err := rdb.Get(ctx, "missing").Result(); err != goredis.Nil {
			t.Fatalf("proto %d: GET missing: %v", opts.Protocol, err)
		}
		pipe := rdb.Pipeline()
		for i := 0; i < 100; i++ {
			pipe.Set(ctx, fmt.Sprintf("p%d", i), i, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("proto %d: pipeline: %v", opts.Protocol, err)
		}
		info, err := rdb.Info(ctx, "server").Result()
		if err != nil || !strings.Contains(info, "redis_version:7.0.15") {
			t.Fatalf("proto %d: INFO: %v %q", opts.Protocol, err, info)
		}
		if opts.ClientName != "" {
			if name, err := rdb.ClientGetName(ctx).Result(); err != nil || name != opts.ClientName {
				t.Fatalf("client name: %q %v", name, err)
			}
		}
		rdb.Close()
	}
}

func redisCLI(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("redis-cli")
	if err != nil {
		if testserver.RequireRedis() {
			t.Fatal("redis-cli not installed")
		}
		t.Skip("redis-cli not installed (apt-get install redis-tools)")
	}
	return path
}

func runCLI(t *testing.T, s *testserver.Sundial, stdin string, args ...string) string {
	t.Helper()
	host, port, _ := strings.Cut(s.Addr, ":")
	cmd := exec.Command(redisCLI(t), append([]string{"-h", host, "-p", port}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("redis-cli %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

func TestRedisCLI(t *testing.T) {
	s := startWith(t)
	if got := runCLI(t, s, "", "PING"); got != "PONG\n" {
		t.Fatalf("PING: %q", got)
	}
	if got := runCLI(t, s, "", "SET", "greeting", "hello world"); got != "OK\n" {
		t.Fatalf("SET: %q", got)
	}
	if got := runCLI(t, s, "", "GET", "greeting"); got != "hello world\n" {
		t.Fatalf("GET: %q", got)
	}
	if got := runCLI(t, s, "", "GET", "nosuch"); got != "\n" {
		t.Fatalf("GET missing: %q", got)
	}
	if got := runCLI(t, s, "", "--no-raw", "GET", "nosuch"); got != "(nil)\n" {
		t.Fatalf("GET missing --no-raw: %q", got)
	}
	if got := runCLI(t, s, "", "NOSUCHCMD"); !strings.Contains(got, "ERR unknown command 'NOSUCHCMD'") {
		t.Fatalf("unknown command: %q", got)
	}
	// Commands read from standard input, one per line, as a script would.
	got := runCLI(t, s, "SET a 1\nINCR a\nGET a\nECHO \"two words\"\n")
	if got != "OK\n2\n2\ntwo words\n" {
		t.Fatalf("stdin session: %q", got)
	}
	// -3 speaks RESP3.
	if got := runCLI(t, s, "", "-3", "HELLO", "3"); !strings.Contains(got, "proto") {
		t.Fatalf("RESP3 HELLO: %q", got)
	}
}

// Mass insertion with --pipe, as Redis documents it.
func TestRedisCLIPipe(t *testing.T) {
	s := startWith(t)
	var b strings.Builder
	const n = 100000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$%d\r\nval:%d\r\n", len(fmt.Sprint(i))+4, i, len(fmt.Sprint(i))+4, i)
	}
	out := runCLI(t, s, b.String(), "--pipe")
	if !strings.Contains(out, fmt.Sprintf("errors: 0, replies: %d", n)) {
		t.Fatalf("--pipe: %q", out)
	}
	if got := runCLI(t, s, "", "DBSIZE"); got != fmt.Sprintf("%d\n", n) {
		t.Fatalf("DBSIZE after --pipe: %q", got)
	}
	if got := runCLI(t, s, "", "GET", "key:99999"); got != "val:99999\n" {
		t.Fatalf("GET after --pipe: %q", got)
	}
}

// --scan walks the keyspace with SCAN and prints every key once.
func TestRedisCLIScan(t *testing.T) {
	s := startWith(t)
	c := dial(t, s.Addr, 2)
	for i := 0; i < 500; i++ {
		c.Do("SET", fmt.Sprintf("user:%d", i), "x")
	}
	c.Do("SET", "other", "x")
	out := runCLI(t, s, "", "--scan", "--pattern", "user:*")
	keys := strings.Fields(out)
	seen := map[string]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	if len(seen) != 500 || seen["other"] {
		t.Fatalf("--scan found %d distinct keys (other=%v)", len(seen), seen["other"])
	}
}
