package server_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// crashIterations is how many times the crash tests kill sundial:
// SUNDIAL_CRASH_ITERATIONS, or def.
func crashIterations(t *testing.T, def int) int {
	if v := os.Getenv("SUNDIAL_CRASH_ITERATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SUNDIAL_CRASH_ITERATIONS=%q is not a positive number", v)
		}
		return n
	}
	return def
}

// crashWriter is one client of the crash test and what the server
// acknowledged to it. Each of its writes is non-idempotent (INCR, APPEND,
// RPUSH, a MULTI/EXEC of two INCRs), so a lost acknowledged write and a
// write applied twice both show.
type crashWriter struct {
	id, ks string
	incr   int64 // value of c:<id> acknowledged by INCR
	app    int64 // length of a:<id> acknowledged by APPEND
	list   int64 // length of l:<id> acknowledged by RPUSH
	tx     int64 // value of tx:a:<id> and tx:b:<id> acknowledged by EXEC
	script int64 // value of s:a:<id> and s:b:<id> acknowledged by EVAL
	writes int64
}

func (w *crashWriter) key(prefix string) string { return prefix + ":" + w.id }

// run writes until the connection fails (the server was killed) or stop.
func (w *crashWriter) run(t *testing.T, addr string, lists bool, stop <-chan struct{}) {
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Errorf("writer %s: %v", w.id, err)
		return
	}
	defer c.Close()
	if _, err := c.Do("SELECT", w.ks); err != nil {
		return
	}
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, ok := w.intReply(t, c, "INCR", w.key("c"))
		if !ok {
			return
		}
		w.incr = n
		if n, ok = w.intReply(t, c, "APPEND", w.key("a"), "x"); !ok {
			return
		}
		w.app = n
		if lists {
			if n, ok = w.intReply(t, c, "RPUSH", w.key("l"), strconv.FormatInt(w.list+1, 10)); !ok {
				return
			}
			w.list = n
		}
		for _, cmd := range [][]string{{"MULTI"}, {"INCR", w.key("tx:a")}, {"INCR", w.key("tx:b")}} {
			if err := c.Send(cmd...); err != nil {
				return
			}
		}
		if err := c.Send("EXEC"); err != nil {
			return
		}
		var replies []string
		for i := 0; i < 4; i++ {
			r, err := c.ReadRaw()
			if err != nil {
				return
			}
			replies = append(replies, r)
		}
		exec := replies[3]
		var a, b int64
		if _, err := fmt.Sscanf(exec, "*2\r\n:%d\r\n:%d\r\n", &a, &b); err != nil || a != b {
			t.Errorf("writer %s: EXEC replied %q", w.id, exec)
			return
		}
		w.tx = a
		// A script's writes are propagated as one MULTI … EXEC block too.
		if n, ok = w.intReply(t, c, "EVAL", crashScript, "2", w.key("s:a"), w.key("s:b")); !ok {
			return
		}
		w.script = n
		w.writes += 5
	}
}

// crashScript increments two keys; after a crash both must agree.
const crashScript = "redis.call('INCR', KEYS[1]) return redis.call('INCR', KEYS[2])"

// intReply runs a command with an integer reply; false means the
// connection is gone.
func (w *crashWriter) intReply(t *testing.T, c *testserver.Conn, args ...string) (int64, bool) {
	r, err := c.Do(args...)
	if err != nil {
		return 0, false
	}
	n, perr := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r, ":"), "\r\n"), 10, 64)
	if !strings.HasPrefix(r, ":") || perr != nil {
		t.Errorf("writer %s: %q replied %q", w.id, args, r)
		return 0, false
	}
	return n, true
}

// verify checks what survived against what was acknowledged: every
// acknowledged write is there, plus at most the one that was in flight,
// and nothing twice. The server's state becomes the new baseline.
func (w *crashWriter) verify(t *testing.T, c *testserver.Conn, lists bool, iter int) {
	t.Helper()
	pok(t, c, "SELECT", w.ks)
	within := func(what string, got, acked int64) {
		t.Helper()
		if got < acked || got > acked+1 {
			t.Fatalf("iteration %d, writer %s: %s is %d after the crash; %d was acknowledged", iter, w.id, what, got, acked)
		}
	}
	n := bulkInt(t, pok(t, c, "GET", w.key("c")))
	within("INCR counter", n, w.incr)
	w.incr = n
	n = intOf(t, pok(t, c, "STRLEN", w.key("a")))
	within("APPEND length", n, w.app)
	w.app = n
	a, b := bulkInt(t, pok(t, c, "GET", w.key("tx:a"))), bulkInt(t, pok(t, c, "GET", w.key("tx:b")))
	if a != b {
		t.Fatalf("iteration %d, writer %s: half a transaction survived: tx:a=%d tx:b=%d", iter, w.id, a, b)
	}
	within("MULTI/EXEC counter", a, w.tx)
	w.tx = a
	sa, sb := bulkInt(t, pok(t, c, "GET", w.key("s:a"))), bulkInt(t, pok(t, c, "GET", w.key("s:b")))
	if sa != sb {
		t.Fatalf("iteration %d, writer %s: half a script survived: s:a=%d s:b=%d", iter, w.id, sa, sb)
	}
	within("script counter", sa, w.script)
	w.script = sa
	if lists {
		items := flat(pok(t, c, "LRANGE", w.key("l"), "0", "-1"))
		within("RPUSH length", int64(len(items)), w.list)
		for i, it := range items {
			if it != strconv.Itoa(i+1) {
				t.Fatalf("iteration %d, writer %s: list element %d is %q (a push lost or applied twice)", iter, w.id, i, it)
			}
		}
		w.list = int64(len(items))
	}
}

func bulkInt(t *testing.T, r string) int64 {
	t.Helper()
	if r == "$-1\r\n" {
		return 0
	}
	parts := strings.Split(r, "\r\n")
	if len(parts) < 2 || !strings.HasPrefix(r, "$") {
		t.Fatalf("not a bulk integer: %q", r)
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		t.Fatalf("not a bulk integer: %q", r)
	}
	return n
}

func intOf(t *testing.T, r string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r, ":"), "\r\n"), 10, 64)
	if err != nil {
		t.Fatalf("not an integer reply: %q", r)
	}
	return n
}

// fnWriter changes a function library over and over from a client that
// selected keyspace ks (function commands are kept with keyspace 0's files
// whatever the selection), pausing in between. Step s (1, 2, 3 …) is a
// FUNCTION DELETE when s is a multiple of 10 and otherwise loads version
// s: with FUNCTION LOAD right after a delete, with FUNCTION LOAD REPLACE
// else. After a crash the library must be as the acknowledged step or the
// one in flight left it.
type fnWriter struct {
	ks    string
	step  int64 // last acknowledged step
	steps int64
}

func fnLibrary(version int64) string {
	return fmt.Sprintf("#!lua name=crashlib\nredis.register_function('crashver', function() return %d end)", version)
}

// fnState is the FCALL crashver 0 reply after step s.
func fnState(s int64) string {
	if s%10 == 0 {
		return "-ERR Function not found\r\n"
	}
	return ":" + strconv.FormatInt(s, 10) + "\r\n"
}

func (w *fnWriter) run(t *testing.T, addr string, stop <-chan struct{}) {
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Errorf("function writer: %v", err)
		return
	}
	defer c.Close()
	if _, err := c.Do("SELECT", w.ks); err != nil {
		return
	}
	for {
		select {
		case <-stop:
			return
		default:
		}
		next := w.step + 1
		var r string
		switch {
		case next%10 == 0:
			r, err = c.Do("FUNCTION", "DELETE", "crashlib")
		case next%10 == 1:
			r, err = c.Do("FUNCTION", "LOAD", fnLibrary(next))
		default:
			r, err = c.Do("FUNCTION", "LOAD", "REPLACE", fnLibrary(next))
		}
		if err != nil {
			return
		}
		if strings.HasPrefix(r, "-") {
			t.Errorf("function writer, step %d: %q", next, r)
			return
		}
		w.step = next
		w.steps++
		// Pauses let compactions land between changes.
		time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond)
	}
}

func (w *fnWriter) verify(t *testing.T, c *testserver.Conn, iter int) {
	t.Helper()
	got := pdo(t, c, "FCALL", "crashver", "0")
	for _, s := range []int64{w.step, w.step + 1} {
		if got == fnState(s) {
			w.step = s
			return
		}
	}
	t.Fatalf("iteration %d: FCALL crashver 0 replied %q after the crash; step %d (%q) was acknowledged",
		iter, got, w.step, fnState(w.step))
}

// listsExist reports whether the list commands are implemented yet.
func listsExist(t *testing.T, addr string) bool {
	c := pdial(t, addr)
	r := pdo(t, c, "RPUSH", "probe:list", "x")
	pdo(t, c, "DEL", "probe:list")
	return !strings.HasPrefix(r, "-ERR unknown command")
}

// With appendfsync always, SIGKILL under concurrent writers (and during
// background snapshots and compactions) never loses an acknowledged write,
// never applies one twice, and never keeps half a transaction; function
// libraries, changed meanwhile, come back as they were acknowledged.
func TestCrashAcknowledgedWrites(t *testing.T) {
	iterations := crashIterations(t, 20)
	dir := t.TempDir()
	flags := []string{"--appendfsync", "always", "--auto-aof-rewrite-min-size", "64kb"}
	var writers []*crashWriter
	for i, ks := range []string{"0", "1", "crash_ks", "0", "1", "crash_ks"} {
		writers = append(writers, &crashWriter{id: strconv.Itoa(i), ks: ks})
	}
	fw := &fnWriter{ks: "crash_ks"}
	var lists bool
	rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
	var total int64
	for iter := 0; iter < iterations; iter++ {
		p := startProc(t, dir, flags...)
		if iter == 0 {
			lists = listsExist(t, p.Addr)
			t.Logf("lists: %v", lists)
		}
		c := pdial(t, p.Addr)
		for _, w := range writers {
			w.verify(t, c, lists, iter)
		}
		fw.verify(t, c, iter)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for _, w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.run(t, p.Addr, lists, stop)
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fw.run(t, p.Addr, stop)
		}()
		// Background snapshots now and then, so some kills land in one.
		wg.Add(1)
		go func() {
			defer wg.Done()
			bc, err := testserver.Dial(p.Addr, 2)
			if err != nil {
				return
			}
			defer bc.Close()
			for i := 0; ; i++ {
				time.Sleep(time.Duration(20+rand.IntN(60)) * time.Millisecond)
				select {
				case <-stop:
					return
				default:
				}
				cmd := "BGREWRITEAOF"
				if i%2 == 1 {
					cmd = "BGSAVE"
				}
				if _, err := bc.Do(cmd); err != nil {
					return
				}
			}
		}()
		time.Sleep(time.Duration(100+rng.IntN(250)) * time.Millisecond)
		p.kill()
		close(stop)
		wg.Wait()
		if t.Failed() {
			t.Fatalf("iteration %d failed; server output:\n%s", iter, p.out.String())
		}
	}
	p := startProc(t, dir, flags...)
	c := pdial(t, p.Addr)
	for _, w := range writers {
		w.verify(t, c, lists, iterations)
		total += w.writes
	}
	fw.verify(t, c, iterations)
	t.Logf("%d crashes, %d acknowledged writes and %d function changes checked", iterations, total, fw.steps)
	if total == 0 {
		t.Fatal("no write was acknowledged")
	}
	p.term()
}

// With appendfsync everysec a crash loses at most about the last second
// of writes: everything acknowledged more than two seconds before the
// kill is there, and nothing is applied twice.
func TestCrashEverySec(t *testing.T) {
	iterations := crashIterations(t, 2)
	if iterations > 5 {
		iterations = 5 // each iteration runs for seconds
	}
	dir := t.TempDir()
	var base int64
	for iter := 0; iter < iterations; iter++ {
		p := startProc(t, dir, "--appendfsync", "everysec")
		c := pdial(t, p.Addr)
		if got := bulkInt(t, pok(t, c, "GET", "counter")); got != base {
			t.Fatalf("iteration %d: counter is %d after a clean start, want %d", iter, got, base)
		}
		type ack struct {
			at time.Time
			v  int64
		}
		var acks []ack
		done := make(chan struct{})
		go func() {
			defer close(done)
			wc, err := testserver.Dial(p.Addr, 2)
			if err != nil {
				return
			}
			defer wc.Close()
			for {
				r, err := wc.Do("INCR", "counter")
				if err != nil {
					return
				}
				acks = append(acks, ack{time.Now(), intOf(t, r)})
			}
		}()
		time.Sleep(2500 * time.Millisecond)
		killedAt := time.Now()
		p.kill()
		<-done
		if len(acks) == 0 {
			t.Fatal("no write acknowledged")
		}

		p = startProc(t, dir, "--appendfsync", "everysec")
		c = pdial(t, p.Addr)
		got := bulkInt(t, pok(t, c, "GET", "counter"))
		last := acks[len(acks)-1].v
		if got > last+1 {
			t.Fatalf("counter is %d after the crash, but only %d INCRs were acknowledged", got, last)
		}
		var mustHave int64 = base
		for _, a := range acks {
			if a.at.Before(killedAt.Add(-2 * time.Second)) {
				mustHave = a.v
			}
		}
		if got < mustHave {
			t.Fatalf("counter is %d after the crash; %d was acknowledged more than 2 s before it", got, mustHave)
		}
		t.Logf("iteration %d: %d acknowledged, %d after the crash", iter, last, got)
		base = got
		p.term()
	}
}
