package server_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/internal/testserver"
	"sundial/keyspace"
)

// MULTI/EXEC/DISCARD/WATCH on one connection, byte for byte.
func TestDiffTransactions(t *testing.T) {
	diff(t, []testserver.Case{
		C("multi exec", "MULTI", "SET a 1", "GET a", "INCR a", "EXEC", "GET a"),
		C("empty exec", "MULTI", "EXEC"),
		C("exec without multi", "EXEC", "DISCARD", "EXEC x"),
		C("multi nested keeps transaction", "MULTI", "SET a 1", "MULTI", "EXEC", "GET a"),
		C("watch inside multi keeps transaction", "MULTI", "WATCH a", "SET a 1", "EXEC"),
		C("discard", "MULTI", "SET a 1", "DISCARD", "GET a", "EXEC", "DISCARD"),
		C("execabort unknown command", "MULTI", "SET a 1", "NOSUCH x", "EXEC", "GET a", "EXEC"),
		C("execabort arity", "MULTI", "SET a 1", "GET", "SET a 2", "EXEC", "GET a"),
		C("execabort unknown subcommand", "MULTI", "CLIENT FOO", "EXEC"),
		C("execabort container arity", "MULTI", "CLIENT", "OBJECT", "EXEC"),
		C("runtime errors do not abort", "SET s foo", "MULTI", "INCR s", "SET t 1", "SET t 2 EX -1", "GET t", "APPEND s bar", "EXEC", "GET s"),
		C("arity of multi exec discard", "MULTI x", "MULTI", "EXEC x", "DISCARD x", "EXEC"),
		C("unwatch inside multi is queued", "MULTI", "UNWATCH", "EXEC"),
		C("watch arity", "WATCH", "UNWATCH x"),
		C("select inside multi", "MULTI", "SELECT 1", "SET a 1", "EXEC", "GET a", "SELECT 0", "GET a"),
		C("select error inside multi runs", "MULTI", "SELECT 99", "SET a 1", "EXEC", "GET a"),
		C("queued replies resp types", "MULTI", "SET a 1", "GET nokey", "EXISTS a", "DEL a", "PING", "ECHO hi", "EXEC"),
		C("watch own write fails exec", "WATCH a", "SET a 1", "MULTI", "GET a", "EXEC", "GET a"),
		C("watch then unwatch", "WATCH a", "SET a 1", "UNWATCH", "MULTI", "GET a", "EXEC"),
		C("watch missing key unchanged", "WATCH nokey", "MULTI", "SET nokey 1", "EXEC", "GET nokey"),
		C("watch several keys", "WATCH a b c", "WATCH a", "SET c 1", "MULTI", "PING", "EXEC"),
		C("watch failed exec forgets watches", "WATCH a", "SET a 1", "MULTI", "PING", "EXEC", "MULTI", "PING", "EXEC"),
		C("watch after dirty is no use", "WATCH a", "SET a 1", "WATCH b", "MULTI", "PING", "EXEC"),
		C("discard unwatches", "WATCH a", "MULTI", "DISCARD", "SET a 1", "MULTI", "PING", "EXEC"),
		C("watch delete of missing key is no change", "WATCH a", "DEL a", "MULTI", "PING", "EXEC"),
		C("watch delete of existing key", "SET a 1", "WATCH a", "DEL a", "MULTI", "PING", "EXEC"),
		C("watch flushdb of existing key", "SET a 1", "WATCH a", "FLUSHDB", "MULTI", "PING", "EXEC"),
		C("watch flushdb of missing key", "SET b 1", "WATCH a", "FLUSHDB", "MULTI", "PING", "EXEC"),
		C("watch flushall other keyspace", "SELECT 1", "SET a 1", "SELECT 0", "WATCH a", "FLUSHALL", "MULTI", "PING", "EXEC"),
		C("watch flushall own keyspace", "SELECT 1", "SET a 1", "WATCH a", "FLUSHALL", "MULTI", "PING", "EXEC"),
		C("watch swapdb key in other", "SELECT 1", "SET a 1", "SELECT 0", "WATCH a", "SWAPDB 0 1", "MULTI", "PING", "EXEC"),
		C("watch swapdb key in neither", "SELECT 1", "SET b 1", "SELECT 0", "WATCH a", "SWAPDB 0 1", "MULTI", "PING", "EXEC"),
		C("watch other keyspace same name", "WATCH a", "SELECT 1", "SET a 1", "SELECT 0", "MULTI", "PING", "EXEC"),
		// Inside EXEC keys are looked up at EXEC's start, but relative
		// expiries count from the clock (Redis 7.0's mstime()). The
		// harness runs redis-server's EXEC (200 ms) between sundial's and
		// its GET: counted from EXEC's start, k would be gone by then.
		C("relative expiry inside exec counts from the clock", "MULTI", "DEBUG SLEEP 0.2", "SET k v PX 300",
			"PEXPIRE j 300", "SET j w", "EXEC", "GET k", "EXISTS k"),
		C("watch key that expires before exec", "SET k v PX 30", "WATCH k", "@sleep 80", "MULTI", "PING", "EXEC"),
		C("watch key already expired", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "@sleep 20", "WATCH k", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watch expired key then lazily deleted", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "@sleep 20", "WATCH k", "GET k", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watch expired key then set", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "@sleep 20", "WATCH k", "SET k w", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watch expired key then flushdb", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "@sleep 20", "WATCH k", "FLUSHDB", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watch expired key swapped with live key", "DEBUG SET-ACTIVE-EXPIRE 0", "SET k v PX 1", "SELECT 1", "SET k live", "SELECT 0", "@sleep 20",
			"WATCH k", "SWAPDB 0 1", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("watch missing key swapped with expired key", "DEBUG SET-ACTIVE-EXPIRE 0", "SELECT 1", "SET k v PX 1", "SELECT 0", "@sleep 20",
			"WATCH k", "SWAPDB 0 1", "MULTI", "PING", "EXEC", "DEBUG SET-ACTIVE-EXPIRE 1"),
		C("exec keeps going after error in the middle", "MULTI", "SET a 1", "INCRBY a x", "INCR a", "EXEC"),
		C("reset ends multi", "MULTI", "SET a 1", "RESET", "EXEC", "GET a"),
		C("reset forgets dirty watch", "WATCH a", "SET a 1", "RESET", "MULTI", "PING", "EXEC"),
	})
}

// WATCH against writes by other clients, and transaction output mixed
// with messages and invalidations, compared on both servers.
func TestDiffTransactionsConcurrent(t *testing.T) {
	diffSessions(t, []session{
		S("watch invalidated by another client",
			"A: WATCH k",
			"B: SET k x",
			"A=1: MULTI",
			"A=1: SET k y",
			"A=1: EXEC",
			"A: GET k"),
		S("watch untouched by another key",
			"A: WATCH k",
			"B: SET other x",
			"A=1: MULTI",
			"A=1: SET k y",
			"A=1: EXEC"),
		S("watch invalidated by another client's flushdb",
			"A: SET k 1",
			"A: WATCH k",
			"B: FLUSHDB",
			"A=1: MULTI",
			"A=1: PING",
			"A=1: EXEC"),
		S("watch invalidated between multi and exec",
			"A: WATCH k",
			"A=1: MULTI",
			"A=1: INCR k",
			"B: SET k 10",
			"A=1: EXEC",
			"A: GET k"),
		S("several watchers",
			"A: WATCH k",
			"B: WATCH k",
			"C: SET k 1",
			"A=1: MULTI",
			"A=1: PING",
			"A=1: EXEC",
			"B=1: MULTI",
			"B=1: PING",
			"B=1: EXEC"),
		S("watch in another keyspace",
			"A: SELECT 2",
			"A: WATCH k",
			"B: SET k 1",
			"A=1: MULTI",
			"A=1: PING",
			"A=1: EXEC",
			"B: SELECT 2",
			"A: WATCH k",
			"B: SET k 1",
			"A=1: MULTI",
			"A=1: PING",
			"A=1: EXEC"),
		S("subscriber gets messages published inside exec",
			"A: SUBSCRIBE ch",
			"B=1: MULTI",
			"B=1: PUBLISH ch 1",
			"B=1: PUBLISH ch 2",
			"B=1: EXEC",
			"A?"),
	})
}

// A watched key expiring (active expiry, no client touching it) fails
// the EXEC of the watcher while other clients keep working.
func TestWatchExpiryConcurrent(t *testing.T) {
	a := dial(t, sundial.Addr, 2)
	b := dial(t, sundial.Addr, 2)
	expect(t, a, "+OK\r\n", "SET", "wx:k", "v", "PX", "50")
	expect(t, a, "+OK\r\n", "WATCH", "wx:k")
	// Other clients write unrelated keys meanwhile.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50; i++ {
			if _, err := b.Do("SET", "wx:other", "x"); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	poll := dial(t, sundial.Addr, 2)
	waitFor(t, func() bool {
		r, err := poll.Do("EXISTS", "wx:k")
		return err == nil && r == ":0\r\n"
	})
	wg.Wait()
	expect(t, a, "+OK\r\n", "MULTI")
	expect(t, a, "+QUEUED\r\n", "SET", "wx:k", "mine")
	expect(t, a, "*-1\r\n", "EXEC")
	expect(t, a, "$-1\r\n", "GET", "wx:k")
}

// Many clients doing WATCH/INCR/EXEC on one counter: optimistic locking
// must never lose an increment.
func TestWatchIncrementRace(t *testing.T) {
	const clients, perClient = 8, 40
	expect(t, dial(t, sundial.Addr, 2), "+OK\r\n", "SET", "race:n", "0")
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		c := dial(t, sundial.Addr, 2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < perClient; {
				if _, err := c.Do("WATCH", "race:n"); err != nil {
					t.Error(err)
					return
				}
				v, err := c.Do("GET", "race:n")
				if err != nil {
					t.Error(err)
					return
				}
				n := strings.Split(v, "\r\n")[1]
				c.Send("MULTI")
				c.Send("SET", "race:n", n+"+")
				c.Send("EXEC")
				r, err := readN(c, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if strings.HasSuffix(r, "*1\r\n+OK\r\n") {
					done++
				} else if !strings.HasSuffix(r, "*-1\r\n") {
					t.Errorf("unexpected EXEC reply %q", r)
					return
				}
			}
		}()
	}
	wg.Wait()
	r, err := dial(t, sundial.Addr, 2).Do("STRLEN", "race:n")
	if err != nil {
		t.Fatal(err)
	}
	// Each successful transaction appended one '+' to "0".
	if want := ":" + strconv.Itoa(1+clients*perClient) + "\r\n"; r != want {
		t.Fatalf("STRLEN = %q, want %q: a WATCH missed a concurrent write", r, want)
	}
}

// EXEC hands its writes to the AOF as one MULTI … EXEC block; a single
// write is not wrapped, reads are not propagated.
func TestExecPropagation(t *testing.T) {
	s := startWith(t)
	var mu sync.Mutex
	var got []string
	s.Engine.Mu.Lock()
	s.Engine.Propagate = func(db *keyspace.DB, argv [][]byte) uint64 {
		mu.Lock()
		defer mu.Unlock()
		parts := make([]string, len(argv))
		for i, a := range argv {
			parts[i] = string(a)
		}
		got = append(got, db.Name+":"+strings.Join(parts, " "))
		return 0
	}
	s.Engine.Mu.Unlock()
	c := dial(t, s.Addr, 2)
	for _, cmd := range [][]string{
		{"MULTI"}, {"SET", "a", "1"}, {"GET", "a"}, {"INCR", "a"}, {"EXEC"},
		{"MULTI"}, {"SET", "b", "1"}, {"GET", "b"}, {"EXEC"},
		{"MULTI"}, {"GET", "b"}, {"EXEC"},
		{"MULTI"}, {"SET", "c", "1"}, {"NOSUCH"}, {"EXEC"},
	} {
		if _, err := c.Do(cmd...); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"0:MULTI", "0:SET a 1", "0:INCR a", "0:EXEC", "0:SET b 1"}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("propagated %q, want %q", got, want)
	}
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
