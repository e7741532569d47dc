package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"sundial/internal/testserver"
)

func opsClient(t *testing.T, addr string) *goredis.Client {
	t.Helper()
	c := goredis.NewClient(&goredis.Options{Addr: addr, Protocol: 3, DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	return c
}

func startOpsServer(t *testing.T, directives ...string) *testserver.Sundial {
	t.Helper()
	s, err := testserver.Start(directives...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// Entries carry id, time, duration, arguments, client address and name,
// newest first.
func TestSlowlogEntries(t *testing.T) {
	s := startOpsServer(t, "slowlog-log-slower-than", "0")
	ctx := context.Background()
	c := opsClient(t, s.Addr)
	c.Do(ctx, "CLIENT", "SETNAME", "worker-1")
	c.Do(ctx, "SLOWLOG", "RESET")
	before := time.Now().Unix()
	c.Set(ctx, "k", "v", 0)
	c.Get(ctx, "k")
	logs, err := c.SlowLogGet(ctx, 10).Result()
	if err != nil {
		t.Fatal(err)
	}
	// SLOWLOG RESET, SET, GET — newest first.
	if len(logs) != 3 {
		t.Fatalf("%d entries: %+v", len(logs), logs)
	}
	wantArgs := [][]string{{"get", "k"}, {"set", "k", "v"}, {"SLOWLOG", "RESET"}}
	for i, l := range logs {
		if strings.Join(l.Args, " ") != strings.Join(wantArgs[i], " ") {
			t.Errorf("entry %d args %q, want %q", i, l.Args, wantArgs[i])
		}
		if l.ClientName != "worker-1" {
			t.Errorf("entry %d client name %q", i, l.ClientName)
		}
		if !strings.HasPrefix(l.ClientAddr, "127.0.0.1:") {
			t.Errorf("entry %d client addr %q", i, l.ClientAddr)
		}
		if l.Time.Unix() < before-1 || l.Time.Unix() > time.Now().Unix()+1 {
			t.Errorf("entry %d time %v", i, l.Time)
		}
		if l.Duration < 0 || l.Duration > time.Second {
			t.Errorf("entry %d duration %v", i, l.Duration)
		}
		if i > 0 && l.ID != logs[i-1].ID-1 {
			t.Errorf("ids not consecutive: %d after %d", l.ID, logs[i-1].ID)
		}
	}
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int(); n != 4 {
		t.Fatalf("SLOWLOG LEN = %d, want 4 (the GET itself logged)", n)
	}
}

// Long commands are cut like Redis: 32 arguments at most, the last one
// counting the rest, and arguments over 128 bytes truncated; passwords are
// redacted.
func TestSlowlogTruncatesAndRedacts(t *testing.T) {
	s := startOpsServer(t, "slowlog-log-slower-than", "0")
	ctx := context.Background()
	c := opsClient(t, s.Addr)
	c.Do(ctx, "SLOWLOG", "RESET")
	args := []any{"DEL"}
	for i := 0; i < 41; i++ {
		args = append(args, fmt.Sprint(i))
	}
	c.Do(ctx, args...)
	long := strings.Repeat("x", 200)
	c.Set(ctx, long, "v", 0)
	c.Do(ctx, "AUTH", "secret")
	c.Do(ctx, "CONFIG", "SET", "requirepass", "")
	logs, err := c.SlowLogGet(ctx, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 5 {
		t.Fatalf("%d entries", len(logs))
	}
	cfg, auth, set, del := logs[0].Args, logs[1].Args, logs[2].Args, logs[3].Args
	if len(del) != 32 || del[30] != "29" || del[31] != "... (11 more arguments)" {
		t.Errorf("42-argument command logged as %d args ending %q", len(del), del[len(del)-1])
	}
	if len(set) != 3 || set[1] != strings.Repeat("x", 128)+"... (72 more bytes)" {
		t.Errorf("long argument logged as %q", set[1])
	}
	if strings.Join(auth, " ") != "AUTH (redacted)" {
		t.Errorf("AUTH logged as %q", auth)
	}
	if strings.Join(cfg, " ") != "CONFIG SET requirepass (redacted)" {
		t.Errorf("CONFIG SET requirepass logged as %q", cfg)
	}
}

// The threshold, the length limit and GET's count.
func TestSlowlogLimits(t *testing.T) {
	s := startOpsServer(t)
	ctx := context.Background()
	c := opsClient(t, s.Addr)
	// Default threshold: 10 ms. A fast command is not logged, a slow one is.
	c.Do(ctx, "SLOWLOG", "RESET")
	c.Set(ctx, "a", "b", 0)
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int(); n != 0 {
		t.Fatalf("fast commands logged: %d", n)
	}
	c.Do(ctx, "DEBUG", "SLEEP", "0.02")
	logs, _ := c.SlowLogGet(ctx, 10).Result()
	if len(logs) != 1 || logs[0].Args[0] != "DEBUG" || logs[0].Duration < 20*time.Millisecond {
		t.Fatalf("slow command entry: %+v", logs)
	}
	// -1 disables.
	c.ConfigSet(ctx, "slowlog-log-slower-than", "-1")
	c.Do(ctx, "SLOWLOG", "RESET")
	c.Do(ctx, "DEBUG", "SLEEP", "0.02")
	if n, _ := c.Do(ctx, "SLOWLOG", "LEN").Int(); n != 0 {
		t.Fatalf("disabled slow log has %d entries", n)
	}
	// slowlog-max-len keeps the newest.
	c.ConfigSet(ctx, "slowlog-log-slower-than", "0")
	c.ConfigSet(ctx, "slowlog-max-len", "5")
	for i := 0; i < 20; i++ {
		c.Set(ctx, fmt.Sprint("k", i), "v", 0)
	}
	logs, _ = c.SlowLogGet(ctx, -1).Result()
	if len(logs) != 5 || strings.Join(logs[0].Args, " ") != "set k19 v" {
		t.Fatalf("with slowlog-max-len 5: %d entries, newest %q", len(logs), logs[0].Args)
	}
	if logs, _ := c.SlowLogGet(ctx, 2).Result(); len(logs) != 2 {
		t.Fatalf("SLOWLOG GET 2 returned %d", len(logs))
	}
	if logs, _ := c.SlowLogGet(ctx, 0).Result(); len(logs) != 0 {
		t.Fatalf("SLOWLOG GET 0 returned %d", len(logs))
	}
	// Inside EXEC the commands are logged one by one, EXEC itself not.
	conn := c.Conn() // one connection: no HELLO of a new one in the log
	defer conn.Close()
	conn.Do(ctx, "SLOWLOG", "RESET")
	pipe := conn.TxPipeline()
	pipe.Set(ctx, "x", "1", 0)
	pipe.Incr(ctx, "x")
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	logs, _ = conn.SlowLogGet(ctx, -1).Result()
	var names []string
	for _, l := range logs {
		names = append(names, strings.ToLower(l.Args[0]))
	}
	if strings.Join(names, ",") != "incr,set,multi,slowlog" {
		t.Fatalf("logged around a transaction: %v", names)
	}
}

// The latency monitor records commands over latency-monitor-threshold and
// answers LATEST, HISTORY, GRAPH, DOCTOR and RESET.
func TestLatencyMonitor(t *testing.T) {
	s := startOpsServer(t)
	ctx := context.Background()
	c := opsClient(t, s.Addr)
	if r, _ := c.Do(ctx, "LATENCY", "DOCTOR").Text(); !strings.HasPrefix(r, "I'm sorry, Dave, I can't do that. Latency monitoring is disabled") {
		t.Fatalf("DOCTOR with monitoring off: %q", r)
	}
	c.Do(ctx, "DEBUG", "SLEEP", "0.02")
	if r, _ := c.Do(ctx, "LATENCY", "LATEST").Slice(); len(r) != 0 {
		t.Fatalf("events recorded with monitoring off: %v", r)
	}
	c.ConfigSet(ctx, "latency-monitor-threshold", "10")
	c.Do(ctx, "DEBUG", "SLEEP", "0.03")
	c.Set(ctx, "fast", "1", 0)
	latest, err := c.Do(ctx, "LATENCY", "LATEST").Slice()
	if err != nil || len(latest) != 1 {
		t.Fatalf("LATEST: %v %v", latest, err)
	}
	ev := latest[0].([]any)
	if ev[0] != "command" || ev[2].(int64) < 30 || ev[3].(int64) < 30 {
		t.Fatalf("LATEST entry %v", ev)
	}
	hist, _ := c.Do(ctx, "LATENCY", "HISTORY", "command").Slice()
	if len(hist) != 1 || hist[0].([]any)[1].(int64) < 30 {
		t.Fatalf("HISTORY: %v", hist)
	}
	graph, _ := c.Do(ctx, "LATENCY", "GRAPH", "command").Text()
	if !strings.HasPrefix(graph, "command - high ") || !strings.Contains(graph, strings.Repeat("-", 80)+"\n") {
		t.Fatalf("GRAPH: %q", graph)
	}
	if _, err := c.Do(ctx, "LATENCY", "GRAPH", "nothing").Result(); err == nil || err.Error() != "ERR No samples available for event 'nothing'" {
		t.Fatalf("GRAPH of an unknown event: %v", err)
	}
	doctor, _ := c.Do(ctx, "LATENCY", "DOCTOR").Text()
	if !strings.Contains(doctor, "1. command: 1 latency spikes") {
		t.Fatalf("DOCTOR: %q", doctor)
	}
	if n, _ := c.Do(ctx, "LATENCY", "RESET", "COMMAND").Int(); n != 1 {
		t.Fatalf("RESET of one event dropped %d", n)
	}
	if r, _ := c.Do(ctx, "LATENCY", "LATEST").Slice(); len(r) != 0 {
		t.Fatalf("events after RESET: %v", r)
	}
	// Another goroutine (persistence) reports through LatencySample.
	s.Engine.LatencySample("aof-fsync-always", 50*time.Millisecond)
	s.Engine.LatencySample("aof-fsync-always", time.Millisecond) // under the threshold
	hist, _ = c.Do(ctx, "LATENCY", "HISTORY", "aof-fsync-always").Slice()
	if len(hist) != 1 || hist[0].([]any)[1].(int64) != 50 {
		t.Fatalf("HISTORY of a reported event: %v", hist)
	}
}

// INFO latencystats and LATENCY HISTOGRAM report per-command percentiles
// and cumulative distributions.
func TestLatencyStats(t *testing.T) {
	s := startOpsServer(t)
	ctx := context.Background()
	c := opsClient(t, s.Addr)
	// Command statistics belong to the command table, shared by every
	// server of this test process: start from zero.
	c.ConfigResetStat(ctx)
	for i := 0; i < 100; i++ {
		c.Set(ctx, "k", "v", 0)
	}
	c.Do(ctx, "DEBUG", "SLEEP", "0.01")
	info, _ := c.Info(ctx, "latencystats").Result()
	var setLine, debugLine string
	for _, line := range strings.Split(info, "\r\n") {
		if strings.HasPrefix(line, "latency_percentiles_usec_set:") {
			setLine = line
		}
		if strings.HasPrefix(line, "latency_percentiles_usec_debug:") {
			debugLine = line
		}
	}
	var p50, p99, p999 float64
	if _, err := fmt.Sscanf(setLine, "latency_percentiles_usec_set:p50=%f,p99=%f,p99.9=%f", &p50, &p99, &p999); err != nil {
		t.Fatalf("latencystats line %q: %v", setLine, err)
	}
	if p50 <= 0 || p50 > p99 || p99 > p999 {
		t.Fatalf("percentiles out of order: %q", setLine)
	}
	if _, err := fmt.Sscanf(debugLine, "latency_percentiles_usec_debug:p50=%f", &p50); err != nil || p50 < 10000 || p50 > 10000*1.07+5000 {
		t.Fatalf("DEBUG SLEEP 0.01 percentile: %q", debugLine)
	}
	h, err := c.Do(ctx, "LATENCY", "HISTOGRAM", "set", "nosuchcommand").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := h.(map[any]any)
	set, ok := m["set"].(map[any]any)
	if len(m) != 1 || !ok || set["calls"].(int64) != 100 {
		t.Fatalf("LATENCY HISTOGRAM set: %v", h)
	}
	buckets := set["histogram_usec"].(map[any]any)
	var last int64
	for _, v := range buckets {
		if v.(int64) > last {
			last = v.(int64)
		}
	}
	if last != 100 {
		t.Fatalf("cumulative histogram tops at %d, not 100 calls: %v", last, buckets)
	}
	// CONFIG RESETSTAT clears the histograms.
	c.ConfigResetStat(ctx)
	if h, _ := c.Do(ctx, "LATENCY", "HISTOGRAM", "set").Result(); len(h.(map[any]any)) != 0 {
		t.Fatalf("histogram after RESETSTAT: %v", h)
	}
}
