package server_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// The connection gate (gate_linux.go) hands turns to connections in the
// order their bytes arrive. These tests drive it with many connections in
// every state a connection can be in (running, between turns, blocked,
// paused, waiting for an fsync, writing to a peer that does not read,
// subscribed, monitoring, killed, timed out) and check that every request
// is answered, counters add up, nothing is left waiting and the server
// stops cleanly.

// gsScale is n, or a fraction of it with -short.
func gsScale(n int) int {
	if testing.Short() {
		return max(n/4, 2)
	}
	return n
}

// gsStart starts a server and returns it with a stop function that checks
// the server shut down within a deadline and left no goroutine behind.
func gsStart(t *testing.T, directives ...string) (*testserver.Sundial, func()) {
	t.Helper()
	before := runtime.NumGoroutine()
	s, err := testserver.Start(directives...)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		done := make(chan error, 1)
		go func() { done <- s.Stop() }()
		select {
		case err := <-done:
			if err != nil {
				t.Error(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("server did not shut down within 5s")
		}
		// Goroutines of closed connections end shortly after the
		// server's; a little slack for the runtime's own.
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before+2 {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Fatalf("goroutines: %d before the server, %d after it stopped\n%s",
					before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Cleanup(stop)
	return s, stop
}

// gsDial opens a raw connection, closed by the test's cleanup (or before).
func gsDial(t *testing.T, addr string) *testserver.Conn {
	t.Helper()
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// gsDo sends one command and returns its raw reply, failing t on I/O error.
func gsDo(t *testing.T, c *testserver.Conn, args ...string) string {
	t.Helper()
	got, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return got
}

func gsClientID(t *testing.T, c *testserver.Conn) string {
	t.Helper()
	return strings.TrimSuffix(strings.TrimPrefix(gsDo(t, c, "CLIENT", "ID"), ":"), "\r\n")
}

// gsInfoInt reads one integer field of INFO.
func gsInfoInt(t *testing.T, c *testserver.Conn, section, field string) int {
	t.Helper()
	for _, l := range strings.Split(gsDo(t, c, "INFO", section), "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("INFO %s: %q", field, l)
			}
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, field)
	return 0
}

// gsEventually polls cond until it holds or d passes.
func gsEventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gsClosed reports whether the server closed c: a read gets EOF or a
// reset within d (anything the server still sends first is skipped).
func gsClosed(c *testserver.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := c.R.Read(buf)
		if err == nil {
			continue
		}
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout())
	}
}

// gsClientCount is the number of connections CLIENT LIST shows.
func gsClientCount(t *testing.T, c *testserver.Conn) int {
	t.Helper()
	return strings.Count(gsDo(t, c, "CLIENT", "LIST"), "id=")
}

// gsRun runs f for each of n clients concurrently and fails t with the
// first error.
func gsRun(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(i); err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestGateStressCounters(t *testing.T) {
	s, stop := gsStart(t)
	clients, per := gsScale(40), gsScale(250)
	conns := make([]*testserver.Conn, clients)
	for i := range conns {
		conns[i] = gsDial(t, s.Addr)
	}
	// Each client sends its INCRs in pipelined batches of random sizes,
	// with a SET/GET of its own key among them: every reply comes, in
	// order, and the shared counter only grows.
	gsRun(t, clients, func(i int) error {
		c := conns[i]
		rng := rand.New(rand.NewSource(int64(i)))
		last := 0
		for sent := 0; sent < per; {
			batch := min(1+rng.Intn(20), per-sent)
			var b []byte
			for j := 0; j < batch; j++ {
				b = append(b, "*2\r\n$4\r\nINCR\r\n$3\r\ncnt\r\n"...)
			}
			own := fmt.Sprintf("own%d", i)
			b = fmt.Appendf(b, "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%d\r\n", len(own), own, len(strconv.Itoa(sent)), sent)
			b = fmt.Appendf(b, "*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n", len(own), own)
			if _, err := c.Write(b); err != nil {
				return err
			}
			for j := 0; j < batch; j++ {
				r, err := c.ReadRaw()
				if err != nil {
					return err
				}
				n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r, ":"), "\r\n"))
				if err != nil || n <= last {
					return fmt.Errorf("INCR reply %q after %d", r, last)
				}
				last = n
			}
			if r, err := c.ReadRaw(); err != nil || r != "+OK\r\n" {
				return fmt.Errorf("SET: %q %v", r, err)
			}
			want := fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(sent)), sent)
			if r, err := c.ReadRaw(); err != nil || r != want {
				return fmt.Errorf("GET own key: %q %v, want %q", r, err, want)
			}
			sent += batch
		}
		return nil
	})
	want := clients * per
	if got := gsDo(t, conns[0], "GET", "cnt"); got != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(want)), want) {
		t.Fatalf("counter: %q, want %d", got, want)
	}
	for _, c := range conns {
		c.Close()
	}
	stop()
}

// gsPipeline writes n INCRs of key in one go from another goroutine and
// checks the n replies count up from 1.
func gsPipeline(c *testserver.Conn, key string, n int) error {
	cmd := fmt.Sprintf("*2\r\n$4\r\nINCR\r\n$%d\r\n%s\r\n", len(key), key)
	buf := bytes.Repeat([]byte(cmd), n)
	werr := make(chan error, 1)
	go func() {
		c.SetWriteDeadline(time.Now().Add(20 * time.Second))
		_, err := c.Write(buf)
		werr <- err
	}()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	for i := 1; i <= n; i++ {
		line, err := c.R.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reply %d of %d: %w", i, n, err)
		}
		if line != ":"+strconv.Itoa(i)+"\r\n" {
			return fmt.Errorf("reply %d: %q", i, line)
		}
	}
	return <-werr
}

func TestGateStressPipelines(t *testing.T) {
	s, stop := gsStart(t)
	n := 100000
	if testing.Short() {
		n = 20000
	}
	// Two clients with pipelines many times the 16 KiB read buffer, and
	// a few doing round trips meanwhile, which must not starve.
	big := []*testserver.Conn{gsDial(t, s.Addr), gsDial(t, s.Addr)}
	small := make([]*testserver.Conn, 4)
	for i := range small {
		small[i] = gsDial(t, s.Addr)
	}
	stopSmall := make(chan struct{})
	var wg sync.WaitGroup
	var smallErr error
	var mu sync.Mutex
	var slowest time.Duration
	rounds := 0
	for i, c := range small {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("rt%d", i)
			for k := 1; ; k++ {
				select {
				case <-stopSmall:
					return
				default:
				}
				t0 := time.Now()
				r, err := c.Do("INCR", key)
				d := time.Since(t0)
				mu.Lock()
				rounds++
				slowest = max(slowest, d)
				if err == nil && r != ":"+strconv.Itoa(k)+"\r\n" {
					err = fmt.Errorf("INCR %s: %q, want %d", key, r, k)
				}
				if err != nil && smallErr == nil {
					smallErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	gsRun(t, len(big), func(i int) error { return gsPipeline(big[i], fmt.Sprintf("pipe%d", i), n) })
	close(stopSmall)
	wg.Wait()
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	t.Logf("%d round trips meanwhile, slowest %v", rounds, slowest)
	// One request split in two writes, and one larger than the buffer.
	c := small[0]
	if _, err := c.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhel")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, err := c.Write([]byte("lo\r\n")); err != nil {
		t.Fatal(err)
	}
	if r, err := c.ReadRaw(); err != nil || r != "+OK\r\n" {
		t.Fatalf("split SET: %q %v", r, err)
	}
	if r := gsDo(t, small[1], "GET", "k"); r != "$5\r\nhello\r\n" {
		t.Fatalf("GET after split SET: %q", r)
	}
	large := strings.Repeat("v", 200000)
	if r := gsDo(t, big[0], "SET", "large", large); r != "+OK\r\n" {
		t.Fatalf("SET large: %q", r)
	}
	if r := gsDo(t, big[1], "STRLEN", "large"); r != ":200000\r\n" {
		t.Fatalf("STRLEN large: %q", r)
	}
	for _, c := range append(big, small...) {
		c.Close()
	}
	stop()
}

func TestGateStressBlockedFIFO(t *testing.T) {
	s, stop := gsStart(t)
	admin := gsDial(t, s.Addr)
	k := gsScale(24)
	waiters := make([]*testserver.Conn, k)
	ids := make([]string, k)
	// Each waiter blocks only once the one before it is blocked, so the
	// order of arrival is known.
	for i := range waiters {
		waiters[i] = gsDial(t, s.Addr)
		ids[i] = gsClientID(t, waiters[i])
		if err := waiters[i].Send("BLPOP", "q", "0"); err != nil {
			t.Fatal(err)
		}
		gsEventually(t, 2*time.Second, "waiter not blocked", func() bool {
			return gsInfoInt(t, admin, "clients", "blocked_clients") == i+1
		})
	}
	// Short waits time out meanwhile, each with its null reply.
	timeouts := make([]*testserver.Conn, gsScale(8))
	for i := range timeouts {
		timeouts[i] = gsDial(t, s.Addr)
		if err := timeouts[i].Send("BLPOP", "other", "0.1"); err != nil {
			t.Fatal(err)
		}
	}
	gsRun(t, len(timeouts), func(i int) error {
		if r, err := timeouts[i].ReadRaw(); err != nil || r != "*-1\r\n" {
			return fmt.Errorf("timed out BLPOP: %q %v", r, err)
		}
		return nil
	})
	// Killed waiters are gone and swallow nothing.
	var alive []int
	for i := range waiters {
		if i%4 == 3 {
			if r := gsDo(t, admin, "CLIENT", "KILL", "ID", ids[i]); r != ":1\r\n" {
				t.Fatalf("CLIENT KILL: %q", r)
			}
			if !gsClosed(waiters[i], 2*time.Second) {
				t.Fatalf("killed waiter %d still connected", i)
			}
			continue
		}
		alive = append(alive, i)
	}
	if n := gsInfoInt(t, admin, "clients", "blocked_clients"); n != len(alive) {
		t.Fatalf("blocked_clients %d after kills, want %d", n, len(alive))
	}
	// One push serves them all, first blocked first served.
	push := []string{"RPUSH", "q"}
	for j := range alive {
		push = append(push, strconv.Itoa(j))
	}
	if r := gsDo(t, admin, push...); r != fmt.Sprintf(":%d\r\n", len(alive)) {
		t.Fatalf("RPUSH: %q", r)
	}
	gsRun(t, len(alive), func(j int) error {
		c := waiters[alive[j]]
		want := fmt.Sprintf("*2\r\n$1\r\nq\r\n$%d\r\n%d\r\n", len(strconv.Itoa(j)), j)
		if r, err := c.ReadRaw(); err != nil || r != want {
			return fmt.Errorf("waiter %d got %q %v, want %q", alive[j], r, err, want)
		}
		// Served, it reads again at once.
		if r, err := c.Do("PING"); err != nil || r != "+PONG\r\n" {
			return fmt.Errorf("PING after BLPOP: %q %v", r, err)
		}
		return nil
	})
	if r := gsDo(t, admin, "LLEN", "q"); r != ":0\r\n" {
		t.Fatalf("LLEN q: %q", r)
	}
	// A killed client leaves the list when its connection has closed,
	// which may trail the kill by a moment.
	gsEventually(t, 2*time.Second, "killed waiters still listed", func() bool {
		return gsClientCount(t, admin) == 1+len(alive)+len(timeouts)
	})
	admin.Close()
	stop()
}

// Connections are killed in every state the gate knows: idle, in the
// middle of a pipeline, blocked, paused, subscribed, monitoring, and
// writing to a peer that does not read. Each goes away, and a paused
// command of a killed client never runs.
func TestGateStressKill(t *testing.T) {
	s, stop := gsStart(t)
	admin := gsDial(t, s.Addr)
	if r := gsDo(t, admin, "SET", "big", strings.Repeat("b", 1<<20)); r != "+OK\r\n" {
		t.Fatalf("SET big: %q", r)
	}
	type victim struct {
		c     *testserver.Conn
		id    string
		state string
	}
	var victims []victim
	add := func(state string, setup func(c *testserver.Conn)) {
		for i := 0; i < gsScale(4); i++ {
			c := gsDial(t, s.Addr)
			victims = append(victims, victim{c, gsClientID(t, c), state})
			setup(c)
		}
	}
	send := func(c *testserver.Conn, args ...string) {
		if err := c.Send(args...); err != nil {
			t.Fatal(err)
		}
	}
	add("idle", func(*testserver.Conn) {})
	add("blocked", func(c *testserver.Conn) { send(c, "BLPOP", "never", "0") })
	add("subscribed", func(c *testserver.Conn) { send(c, "SUBSCRIBE", "ch") })
	add("monitor", func(c *testserver.Conn) { send(c, "MONITOR") })
	add("not reading", func(c *testserver.Conn) {
		// 64 replies of 1 MiB fill every socket buffer: the server's
		// writer blocks.
		var b []byte
		for i := 0; i < 64; i++ {
			b = append(b, "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n"...)
		}
		if _, err := c.Write(b); err != nil {
			t.Fatal(err)
		}
	})
	var pipes sync.WaitGroup
	add("pipelining", func(c *testserver.Conn) {
		// Writes INCRs and reads their replies until the kill.
		chunk := bytes.Repeat([]byte("*2\r\n$4\r\nINCR\r\n$8\r\nkillpipe\r\n"), 2000)
		pipes.Add(2)
		go func() {
			defer pipes.Done()
			for {
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}()
		go func() {
			defer pipes.Done()
			buf := make([]byte, 64<<10)
			for {
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				if _, err := c.Read(buf); err != nil {
					return
				}
			}
		}()
	})
	gsEventually(t, 2*time.Second, "blocked clients", func() bool {
		return gsInfoInt(t, admin, "clients", "blocked_clients") == gsScale(4)
	})
	if r := gsDo(t, admin, "CLIENT", "PAUSE", "10000", "WRITE"); r != "+OK\r\n" {
		t.Fatalf("CLIENT PAUSE: %q", r)
	}
	add("paused", func(c *testserver.Conn) { send(c, "SET", "paused-write", "ran") })
	time.Sleep(50 * time.Millisecond) // let the paused writes reach the pause
	// Others go on meanwhile.
	if r := gsDo(t, admin, "PING"); r != "+PONG\r\n" {
		t.Fatalf("PING: %q", r)
	}
	var wg sync.WaitGroup
	for _, v := range victims {
		if r := gsDo(t, admin, "CLIENT", "KILL", "ID", v.id); r != ":1\r\n" {
			t.Fatalf("CLIENT KILL %s client: %q", v.state, r)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !gsClosed(v.c, 3*time.Second) {
				t.Errorf("killed %s client still connected", v.state)
			}
		}()
	}
	wg.Wait()
	pipes.Wait()
	if r := gsDo(t, admin, "CLIENT", "UNPAUSE"); r != "+OK\r\n" {
		t.Fatalf("CLIENT UNPAUSE: %q", r)
	}
	gsEventually(t, 2*time.Second, "killed clients still listed", func() bool {
		return gsClientCount(t, admin) == 1
	})
	if r := gsDo(t, admin, "EXISTS", "paused-write"); r != ":0\r\n" {
		t.Fatalf("a killed client's paused SET ran: EXISTS %q", r)
	}
	if n := gsInfoInt(t, admin, "clients", "blocked_clients"); n != 0 {
		t.Fatalf("blocked_clients %d after kills", n)
	}
	admin.Close()
	stop()
}

func TestGateStressPause(t *testing.T) {
	s, stop := gsStart(t)
	admin := gsDial(t, s.Addr)
	n := gsScale(32)
	writers, readers := make([]*testserver.Conn, n), make([]*testserver.Conn, n)
	for i := range writers {
		writers[i], readers[i] = gsDial(t, s.Addr), gsDial(t, s.Addr)
	}
	const pause = 300 * time.Millisecond
	// PAUSE WRITE: every writer waits for the pause, every reader is
	// answered meanwhile; afterwards all the writes are there.
	if r := gsDo(t, admin, "CLIENT", "PAUSE", strconv.Itoa(int(pause/time.Millisecond)), "WRITE"); r != "+OK\r\n" {
		t.Fatalf("CLIENT PAUSE: %q", r)
	}
	t0 := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gsRun(t, n, func(i int) error {
			for j := 0; j < 3; j++ {
				if r, err := writers[i].Do("INCR", "paused"); err != nil || !strings.HasPrefix(r, ":") {
					return fmt.Errorf("INCR: %q %v", r, err)
				}
				if d := time.Since(t0); d < pause-50*time.Millisecond {
					return fmt.Errorf("a write ran %v into a %v pause", d, pause)
				}
			}
			return nil
		})
	}()
	gsRun(t, n, func(i int) error {
		for j := 0; j < 10; j++ {
			if r, err := readers[i].Do("GET", "paused"); err != nil || r != "$-1\r\n" {
				return fmt.Errorf("GET under PAUSE WRITE: %q %v", r, err)
			}
		}
		if d := time.Since(t0); d > pause-50*time.Millisecond {
			t.Logf("reads under PAUSE WRITE took %v", d)
		}
		return nil
	})
	wg.Wait()
	if r := gsDo(t, admin, "GET", "paused"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(3*n)), 3*n) {
		t.Fatalf("after the pause: %q, want %d", r, 3*n)
	}
	// PAUSE ALL: everyone waits (CLIENT UNPAUSE too, as in Redis), then
	// everyone runs.
	if r := gsDo(t, admin, "CLIENT", "PAUSE", strconv.Itoa(int(pause/time.Millisecond)), "ALL"); r != "+OK\r\n" {
		t.Fatalf("CLIENT PAUSE ALL: %q", r)
	}
	t0 = time.Now()
	for _, c := range readers {
		if err := c.Send("INCR", "all"); err != nil {
			t.Fatal(err)
		}
	}
	gsRun(t, n, func(i int) error {
		if r, err := readers[i].ReadRaw(); err != nil || !strings.HasPrefix(r, ":") {
			return fmt.Errorf("INCR after PAUSE ALL: %q %v", r, err)
		}
		if d := time.Since(t0); d < pause-50*time.Millisecond {
			return fmt.Errorf("a command ran %v into a %v PAUSE ALL", d, pause)
		}
		return nil
	})
	if r := gsDo(t, admin, "GET", "all"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(n)), n) {
		t.Fatalf("after PAUSE ALL: %q, want %d", r, n)
	}
	stop()
}

func TestGateStressPubSubMonitor(t *testing.T) {
	s, stop := gsStart(t)
	subs, pubs, msgs := gsScale(12), gsScale(12), gsScale(100)
	monitor := gsDial(t, s.Addr)
	if r := gsDo(t, monitor, "MONITOR"); r != "+OK\r\n" {
		t.Fatalf("MONITOR: %q", r)
	}
	subscribers := make([]*testserver.Conn, subs)
	for i := range subscribers {
		subscribers[i] = gsDial(t, s.Addr)
		gsDo(t, subscribers[i], "SUBSCRIBE", "news")
	}
	publishers := make([]*testserver.Conn, pubs)
	for i := range publishers {
		publishers[i] = gsDial(t, s.Addr)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	// Every subscriber gets every message, each publisher's in order.
	go func() {
		defer wg.Done()
		gsRun(t, subs, func(i int) error {
			next := make([]int, pubs)
			for k := 0; k < pubs*msgs; k++ {
				r, err := subscribers[i].ReadRaw()
				if err != nil {
					return fmt.Errorf("message %d: %w", k, err)
				}
				parts := strings.Split(r, "\r\n")
				if len(parts) < 7 || parts[2] != "message" {
					return fmt.Errorf("message %d: %q", k, r)
				}
				var p, m int
				if _, err := fmt.Sscanf(parts[6], "%d:%d", &p, &m); err != nil || p >= pubs || m != next[p] {
					return fmt.Errorf("message %q, want %d from publisher %d", parts[6], next[p], p)
				}
				next[p]++
			}
			return nil
		})
	}()
	// The monitor sees every PUBLISH.
	go func() {
		defer wg.Done()
		seen := 0
		for seen < pubs*msgs {
			r, err := monitor.ReadRaw()
			if err != nil {
				t.Errorf("monitor after %d PUBLISH: %v", seen, err)
				return
			}
			if strings.Contains(r, `"PUBLISH" "news"`) {
				seen++
			}
		}
	}()
	gsRun(t, pubs, func(i int) error {
		for m := 0; m < msgs; m += 10 {
			var b []byte
			for j := m; j < min(m+10, msgs); j++ {
				msg := fmt.Sprintf("%d:%d", i, j)
				b = fmt.Appendf(b, "*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$%d\r\n%s\r\n", len(msg), msg)
			}
			if _, err := publishers[i].Write(b); err != nil {
				return err
			}
			for j := m; j < min(m+10, msgs); j++ {
				if r, err := publishers[i].ReadRaw(); err != nil || r != fmt.Sprintf(":%d\r\n", subs) {
					return fmt.Errorf("PUBLISH reached %q %v, want %d", r, err, subs)
				}
			}
		}
		return nil
	})
	wg.Wait()
	stop()
}

func TestGateStressBusyScript(t *testing.T) {
	s, stop := gsStart(t, "busy-reply-threshold", "50")
	runner := gsDial(t, s.Addr)
	if err := runner.Send("EVAL", "while true do end", "0"); err != nil {
		t.Fatal(err)
	}
	// Others are answered meanwhile, BUSY once the threshold passed.
	others := make([]*testserver.Conn, gsScale(16))
	for i := range others {
		others[i] = gsDial(t, s.Addr)
	}
	gsRun(t, len(others), func(i int) error {
		for {
			r, err := others[i].Do("GET", "x")
			if err != nil {
				return err
			}
			if strings.HasPrefix(r, "-BUSY ") {
				return nil
			}
			if r != "$-1\r\n" {
				return fmt.Errorf("GET during a script: %q", r)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
	if r := gsDo(t, others[0], "SCRIPT", "KILL"); r != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL: %q", r)
	}
	if r, err := runner.ReadRaw(); err != nil || !strings.Contains(r, "Script killed by user") {
		t.Fatalf("killed script replied %q %v", r, err)
	}
	gsRun(t, len(others), func(i int) error {
		if r, err := others[i].Do("INCR", "after"); err != nil || !strings.HasPrefix(r, ":") {
			return fmt.Errorf("INCR after SCRIPT KILL: %q %v", r, err)
		}
		return nil
	})
	if r := gsDo(t, runner, "GET", "after"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(len(others))), len(others)) {
		t.Fatalf("after: %q", r)
	}
	stop()
}

func TestGateStressIdleTimeout(t *testing.T) {
	s, stop := gsStart(t, "timeout", "1")
	n := gsScale(12)
	idle, active, exempt := make([]*testserver.Conn, n), make([]*testserver.Conn, n), make([]*testserver.Conn, n)
	for i := 0; i < n; i++ {
		idle[i], active[i], exempt[i] = gsDial(t, s.Addr), gsDial(t, s.Addr), gsDial(t, s.Addr)
		gsDo(t, idle[i], "PING")
		if i%2 == 0 {
			gsDo(t, exempt[i], "SUBSCRIBE", "quiet")
		} else if err := exempt[i].Send("BLPOP", "none", "0"); err != nil {
			t.Fatal(err)
		}
	}
	// The active ones send a command every 300 ms for 2 s: never idle
	// for the timeout. The idle ones are closed meanwhile.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gsRun(t, n, func(i int) error {
			for j := 0; j < 7; j++ {
				time.Sleep(300 * time.Millisecond)
				if r, err := active[i].Do("PING"); err != nil || r != "+PONG\r\n" {
					return fmt.Errorf("active client, PING %d: %q %v", j, r, err)
				}
			}
			return nil
		})
	}()
	gsRun(t, n, func(i int) error {
		if !gsClosed(idle[i], 3*time.Second) {
			return errors.New("idle client not closed after the timeout")
		}
		return nil
	})
	wg.Wait()
	// Subscribers and blocked clients are exempt.
	for i, c := range exempt {
		if i%2 == 0 {
			if r := gsDo(t, c, "PING"); r != "*2\r\n$4\r\npong\r\n$0\r\n\r\n" {
				t.Fatalf("subscriber after the timeout: %q", r)
			}
		}
	}
	if r := gsDo(t, active[0], "RPUSH", "none", "x"); r != ":1\r\n" {
		t.Fatalf("RPUSH: %q", r)
	}
	served := 0
	for i := 1; i < n; i += 2 {
		exempt[i].SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if r, err := testserver.ReadRaw(exempt[i].R); err == nil {
			if r != "*2\r\n$4\r\nnone\r\n$1\r\nx\r\n" {
				t.Fatalf("blocked client after the timeout: %q", r)
			}
			served++
		}
	}
	if served != 1 {
		t.Fatalf("%d blocked clients served by one push after the timeout", served)
	}
	stop()
}

func TestGateStressAppendfsyncAlways(t *testing.T) {
	dir := t.TempDir()
	s, stop := gsStart(t, "backend", "file", "dir", dir, "appendfsync", "always")
	clients, per := gsScale(16), gsScale(40)
	conns := make([]*testserver.Conn, clients)
	for i := range conns {
		conns[i] = gsDial(t, s.Addr)
	}
	// A blocked client is served by one of the writers meanwhile.
	waiter := gsDial(t, s.Addr)
	if err := waiter.Send("BLPOP", "fq", "0"); err != nil {
		t.Fatal(err)
	}
	gsRun(t, clients, func(i int) error {
		for j := 0; j < per; j++ {
			if r, err := conns[i].Do("INCR", "durable"); err != nil || !strings.HasPrefix(r, ":") {
				return fmt.Errorf("INCR: %q %v", r, err)
			}
			if i == 0 && j == per/2 {
				if r, err := conns[i].Do("RPUSH", "fq", "v"); err != nil || r != ":1\r\n" {
					return fmt.Errorf("RPUSH: %q %v", r, err)
				}
			}
		}
		return nil
	})
	if r, err := waiter.ReadRaw(); err != nil || r != "*2\r\n$2\r\nfq\r\n$1\r\nv\r\n" {
		t.Fatalf("BLPOP: %q %v", r, err)
	}
	want := clients * per
	if r := gsDo(t, conns[0], "GET", "durable"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(want)), want) {
		t.Fatalf("durable: %q, want %d", r, want)
	}
	for _, c := range conns {
		c.Close()
	}
	waiter.Close()
	stop()
	// What was acknowledged is on disk.
	s2, stop2 := gsStart(t, "backend", "file", "dir", dir)
	c := gsDial(t, s2.Addr)
	gsEventually(t, 5*time.Second, "still loading", func() bool {
		return !strings.HasPrefix(gsDo(t, c, "PING"), "-LOADING")
	})
	if r := gsDo(t, c, "GET", "durable"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(want)), want) {
		t.Fatalf("after restart: %q, want %d", r, want)
	}
	c.Close()
	stop2()
}

// A client that sends requests with large replies and never reads them
// blocks its connection's writes; the others are not held up.
func TestGateStressNeverReads(t *testing.T) {
	s, stop := gsStart(t)
	admin := gsDial(t, s.Addr)
	if r := gsDo(t, admin, "SET", "big", strings.Repeat("b", 1<<20)); r != "+OK\r\n" {
		t.Fatalf("SET big: %q", r)
	}
	hogs := make([]*testserver.Conn, gsScale(4))
	ids := make([]string, len(hogs))
	for i := range hogs {
		hogs[i] = gsDial(t, s.Addr)
		ids[i] = gsClientID(t, hogs[i])
		var b []byte
		for j := 0; j < 64; j++ {
			b = append(b, "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n"...)
		}
		if _, err := hogs[i].Write(b); err != nil {
			t.Fatal(err)
		}
	}
	others := make([]*testserver.Conn, gsScale(16))
	for i := range others {
		others[i] = gsDial(t, s.Addr)
	}
	t0 := time.Now()
	gsRun(t, len(others), func(i int) error {
		for j := 1; j <= 100; j++ {
			if r, err := others[i].Do("INCR", "nr"+strconv.Itoa(i)); err != nil || r != ":"+strconv.Itoa(j)+"\r\n" {
				return fmt.Errorf("INCR %d: %q %v", j, r, err)
			}
		}
		return nil
	})
	t.Logf("%d round trips beside %d stuck writers in %v", 100*len(others), len(hogs), time.Since(t0))
	// Their input keeps coming; then they are killed.
	for _, h := range hogs {
		h.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		h.Write(bytes.Repeat([]byte("PING\r\n"), 1000))
	}
	for i, h := range hogs {
		if r := gsDo(t, admin, "CLIENT", "KILL", "ID", ids[i]); r != ":1\r\n" {
			t.Fatalf("CLIENT KILL: %q", r)
		}
		if !gsClosed(h, 3*time.Second) {
			t.Fatal("killed writer still connected")
		}
	}
	gsEventually(t, 2*time.Second, "killed clients listed", func() bool {
		return gsClientCount(t, admin) == 1+len(others)
	})
	stop()
}

// QUIT in the middle of a pipeline ends it there; peers that vanish in
// the middle of theirs are freed.
func TestGateStressQuitAndPeerClose(t *testing.T) {
	s, stop := gsStart(t)
	admin := gsDial(t, s.Addr)
	n := gsScale(32)
	gsRun(t, n, func(i int) error {
		c, err := net.Dial("tcp", s.Addr)
		if err != nil {
			return err
		}
		defer c.Close()
		if i%2 == 0 {
			// Everything after QUIT is dropped.
			if _, err := c.Write([]byte("INCR quit\r\nQUIT\r\nINCR quit\r\nINCR quit\r\n")); err != nil {
				return err
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			var got bytes.Buffer
			if _, err := got.ReadFrom(c); err != nil {
				return err
			}
			if r := got.String(); !strings.HasPrefix(r, ":") || !strings.HasSuffix(r, "\r\n+OK\r\n") || strings.Count(r, "\r\n") != 2 {
				return fmt.Errorf("INCR, QUIT, INCR, INCR: %q", r)
			}
			return nil
		}
		// Half a pipeline, then gone without reading.
		b := bytes.Repeat([]byte("INCR gone\r\n"), 5000)
		_, err = c.Write(b[:len(b)/2+3])
		return err
	})
	if r := gsDo(t, admin, "GET", "quit"); r != fmt.Sprintf("$%d\r\n%d\r\n", len(strconv.Itoa(n/2)), n/2) {
		t.Fatalf("quit: %q, want %d", r, n/2)
	}
	gsEventually(t, 3*time.Second, "closed clients still listed", func() bool {
		return gsClientCount(t, admin) == 1
	})
	stop()
}

// The server stops within a deadline whatever its clients are doing,
// including connecting while it stops (a connection admitted just as the
// server stopped used to be left waiting for a turn forever).
func TestGateStressShutdown(t *testing.T) {
	rounds := gsScale(16)
	for round := 0; round < rounds; round++ {
		s, stop := gsStart(t)
		// Keep connecting while the server stops; hold the connections
		// open, so only the server can end them.
		quit := make(chan struct{})
		var mu sync.Mutex
		var held []net.Conn
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					select {
					case <-quit:
						return
					default:
					}
					c, err := net.Dial("tcp", s.Addr)
					if err != nil {
						return
					}
					mu.Lock()
					held = append(held, c)
					mu.Unlock()
				}
			}()
		}
		if round%2 == 1 {
			// Clients in every state.
			admin := gsDial(t, s.Addr)
			gsDo(t, admin, "SET", "big", strings.Repeat("b", 1<<18))
			for i := 0; i < 4; i++ {
				gsDial(t, s.Addr).Send("BLPOP", "q", "0")
				gsDial(t, s.Addr).Send("SUBSCRIBE", "c")
				gsDial(t, s.Addr).Write(bytes.Repeat([]byte("GET big\r\n"), 64))
				gsDial(t, s.Addr).Write(bytes.Repeat([]byte("INCR k\r\n"), 20000))
				gsDial(t, s.Addr).Write([]byte("PING\r\n"))
			}
			gsDo(t, admin, "CLIENT", "PAUSE", "5000", "WRITE")
			gsDial(t, s.Addr).Send("SET", "p", "1")
			gsDial(t, s.Addr).Send("EVAL", "local i = 0 while i < 1e6 do i = i + 1 end", "0")
		}
		time.Sleep(time.Duration(5+rand.Intn(20)) * time.Millisecond)
		stop()
		close(quit)
		wg.Wait()
		for _, c := range held {
			c.Close()
		}
		if t.Failed() {
			return
		}
	}
}
