package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// evictServer is a dedicated server for one eviction scenario.
type evictServer struct {
	t *testing.T
	s *testserver.Sundial
	c *testserver.Conn
}

func startEvictServer(t *testing.T, directives ...string) *evictServer {
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
	c, err := testserver.Dial(s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &evictServer{t: t, s: s, c: c}
}

// do runs one command and returns its raw reply.
func (es *evictServer) do(args ...string) string {
	es.t.Helper()
	r, err := es.c.Do(args...)
	if err != nil {
		es.t.Fatalf("%v: %v", args, err)
	}
	return r
}

// pipeline sends commands in one batch and returns the replies.
func (es *evictServer) pipeline(cmds [][]string) []string {
	es.t.Helper()
	out := make([]string, 0, len(cmds))
	for start := 0; start < len(cmds); start += 500 {
		end := min(start+500, len(cmds))
		for _, cmd := range cmds[start:end] {
			if err := es.c.Send(cmd...); err != nil {
				es.t.Fatal(err)
			}
		}
		for range cmds[start:end] {
			r, err := es.c.ReadRaw()
			if err != nil {
				es.t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	return out
}

// info returns an INFO field as an integer.
func (es *evictServer) info(name string) int64 {
	es.t.Helper()
	raw := es.do("INFO", "all")
	for _, line := range strings.Split(raw, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				es.t.Fatalf("INFO %s = %q", name, v)
			}
			return n
		}
	}
	es.t.Fatalf("INFO has no %s", name)
	return 0
}

// used reads the engine's used memory directly, without running a command
// (a command would evict first).
func (es *evictServer) used() int64 {
	e := es.s.Engine
	e.Mu.Lock()
	defer e.Mu.Unlock()
	return e.UsedMemory()
}

const evictValue = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"

// fill writes n keys prefix:i, with a TTL of ttl(i) seconds when ttl is
// not nil.
func (es *evictServer) fill(prefix string, n int, ttl func(i int) int) {
	es.t.Helper()
	cmds := make([][]string, n)
	for i := range cmds {
		cmds[i] = []string{"SET", fmt.Sprintf("%s:%d", prefix, i), evictValue}
		if ttl != nil {
			cmds[i] = append(cmds[i], "EX", strconv.Itoa(ttl(i)))
		}
	}
	for i, r := range es.pipeline(cmds) {
		if r != "+OK\r\n" {
			es.t.Fatalf("%v: %q", cmds[i], r)
		}
	}
}

// read GETs every key prefix:i, times times.
func (es *evictServer) read(prefix string, n, times int) {
	es.t.Helper()
	var cmds [][]string
	for k := 0; k < times; k++ {
		for i := 0; i < n; i++ {
			cmds = append(cmds, []string{"GET", fmt.Sprintf("%s:%d", prefix, i)})
		}
	}
	es.pipeline(cmds)
}

// survivors counts which keys prefix:0..n-1 still exist.
func (es *evictServer) survivors(prefix string, n int) (count int, alive []bool) {
	es.t.Helper()
	cmds := make([][]string, n)
	for i := range cmds {
		cmds[i] = []string{"EXISTS", fmt.Sprintf("%s:%d", prefix, i)}
	}
	alive = make([]bool, n)
	for i, r := range es.pipeline(cmds) {
		if r == ":1\r\n" {
			alive[i] = true
			count++
		}
	}
	return count, alive
}

// limitToNow sets maxmemory to the memory in use, so every further write
// must evict.
func (es *evictServer) limitToNow() int64 {
	es.t.Helper()
	limit := es.used()
	es.do("CONFIG", "SET", "maxmemory", strconv.FormatInt(limit, 10))
	return limit
}

// writeOverLimit writes n new keys one by one and checks after each that
// used memory is at most the limit plus that one write.
func (es *evictServer) writeOverLimit(prefix string, n int, limit int64, ttl int) {
	es.t.Helper()
	for i := 0; i < n; i++ {
		args := []string{"SET", fmt.Sprintf("%s:%d", prefix, i), evictValue}
		if ttl > 0 {
			args = append(args, "EX", strconv.Itoa(ttl))
		}
		if r := es.do(args...); r != "+OK\r\n" {
			es.t.Fatalf("%v: %q", args, r)
		}
		if u := es.used(); u > limit+oneWrite {
			es.t.Fatalf("after write %d used memory %d > maxmemory %d + one write %d", i, u, limit, oneWrite)
		}
	}
}

// oneWrite bounds what one SET of evictValue under a short key adds.
const oneWrite = 512

const (
	coldKeys = 1000
	hotKeys  = 1000
	newKeys  = 1000
)

// Under allkeys-lru the keys read recently survive and the idle ones go.
// Half the idle keys must go: with 5 samples per round the eviction pool
// then nearly always holds an idle key (as in Redis, the approximation
// weakens once idle keys become rare).
func TestEvictAllkeysLRU(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "allkeys-lru")
	es.fill("cold", coldKeys, nil)
	es.fill("hot", hotKeys, nil)
	time.Sleep(2100 * time.Millisecond) // the LRU clock counts seconds: idle keys ≥ 2 s
	es.read("hot", hotKeys, 1)
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys/2, limit, 0)
	checkLRU(t, es)
}

// checkLRU checks that evictions took idle keys, not recently read ones.
func checkLRU(t *testing.T, es *evictServer) {
	t.Helper()
	evicted := es.info("evicted_keys")
	// Each write over the limit evicts about one key; the exact count
	// depends on allocation sizes, so only a clear majority is required.
	if evicted < newKeys/2/2 {
		t.Fatalf("evicted_keys = %d after %d writes over the limit", evicted, newKeys/2)
	}
	hot, _ := es.survivors("hot", hotKeys)
	cold, _ := es.survivors("cold", coldKeys)
	if hot < hotKeys*97/100 {
		t.Errorf("only %d/%d recently read keys survived", hot, hotKeys)
	}
	if gone := int64(coldKeys - cold); gone < evicted*9/10 {
		t.Errorf("%d keys evicted, only %d of them idle", evicted, gone)
	}
}

// Under allkeys-lfu the keys read often survive.
func TestEvictAllkeysLFU(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "allkeys-lfu")
	es.fill("cold", coldKeys, nil)
	es.fill("hot", hotKeys, nil)
	es.read("hot", hotKeys, 10)
	if r := es.do("OBJECT", "FREQ", "hot:1"); r <= ":5\r\n" || len(r) != 4 {
		t.Fatalf("OBJECT FREQ of a key read 10 times: %q", r)
	}
	if r := es.do("OBJECT", "FREQ", "cold:1"); r != ":5\r\n" {
		t.Fatalf("OBJECT FREQ of a key never read: %q", r)
	}
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys, limit, 0)
	hot, _ := es.survivors("hot", hotKeys)
	if hot < hotKeys*95/100 {
		t.Errorf("only %d/%d frequently read keys survived", hot, hotKeys)
	}
	cold, _ := es.survivors("cold", coldKeys)
	if cold > coldKeys*3/4 {
		t.Errorf("%d/%d never-read keys survived", cold, coldKeys)
	}
}

// Under allkeys-random any key may go: both groups lose some.
func TestEvictAllkeysRandom(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "allkeys-random")
	es.fill("a", coldKeys, nil)
	es.fill("b", hotKeys, nil)
	es.read("b", hotKeys, 3)
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys, limit, 0)
	a, _ := es.survivors("a", coldKeys)
	b, _ := es.survivors("b", hotKeys)
	if a == coldKeys || b == hotKeys || a == 0 || b == 0 {
		t.Errorf("random eviction left %d/%d and %d/%d keys", a, coldKeys, b, hotKeys)
	}
}

// Under volatile-lru only keys with a TTL go, least recently used first;
// with none left, writes get OOM.
func TestEvictVolatileLRU(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "volatile-lru")
	es.fill("persistent", 500, nil)
	es.fill("cold", coldKeys, func(int) int { return 10000 })
	es.fill("hot", hotKeys, func(int) int { return 10000 })
	time.Sleep(2100 * time.Millisecond)
	es.read("hot", hotKeys, 1)
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys/2, limit, 10000)
	if n, _ := es.survivors("persistent", 500); n != 500 {
		t.Fatalf("volatile-lru evicted %d keys without a TTL", 500-n)
	}
	checkLRU(t, es)
	volatileExhausted(t, es)
}

// volatileExhausted removes every key with a TTL and checks that a write
// over the limit then fails with OOM while persistent keys stay.
func volatileExhausted(t *testing.T, es *evictServer) {
	t.Helper()
	for _, p := range []string{"cold", "hot", "new", "ttl"} {
		var cmds [][]string
		for i := 0; i < 2000; i++ {
			cmds = append(cmds, []string{"DEL", fmt.Sprintf("%s:%d", p, i)})
		}
		es.pipeline(cmds)
	}
	es.do("CONFIG", "SET", "maxmemory", strconv.FormatInt(es.used()-1, 10))
	if r := es.do("SET", "x", "y"); r != "-OOM command not allowed when used memory > 'maxmemory'.\r\n" {
		t.Fatalf("write with no key to evict: %q", r)
	}
	if n, _ := es.survivors("persistent", 500); n != 500 {
		t.Fatalf("%d keys without a TTL evicted", 500-n)
	}
}

// Under volatile-lfu only keys with a TTL go, least frequently used first.
func TestEvictVolatileLFU(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "volatile-lfu")
	es.fill("persistent", 500, nil)
	es.fill("cold", coldKeys, func(int) int { return 10000 })
	es.fill("hot", hotKeys, func(int) int { return 10000 })
	es.read("hot", hotKeys, 10)
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys, limit, 10000)
	if n, _ := es.survivors("persistent", 500); n != 500 {
		t.Fatalf("volatile-lfu evicted %d keys without a TTL", 500-n)
	}
	if hot, _ := es.survivors("hot", hotKeys); hot < hotKeys*95/100 {
		t.Errorf("only %d/%d frequently read keys survived", hot, hotKeys)
	}
	volatileExhausted(t, es)
}

// Under volatile-random only keys with a TTL go.
func TestEvictVolatileRandom(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "volatile-random")
	es.fill("persistent", 500, nil)
	es.fill("ttl", coldKeys, func(int) int { return 10000 })
	limit := es.limitToNow()
	es.writeOverLimit("new", newKeys/2, limit, 10000)
	if n, _ := es.survivors("persistent", 500); n != 500 {
		t.Fatalf("volatile-random evicted %d keys without a TTL", 500-n)
	}
	if n, _ := es.survivors("ttl", coldKeys); n == coldKeys {
		t.Fatal("no key with a TTL was evicted")
	}
	volatileExhausted(t, es)
}

// Under volatile-ttl the keys that expire soonest go first.
func TestEvictVolatileTTL(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "volatile-ttl")
	es.fill("persistent", 500, nil)
	// ttl:i expires in 10000+10*i seconds: low i first.
	es.fill("ttl", 2000, func(i int) int { return 10000 + 10*i })
	limit := es.limitToNow()
	es.writeOverLimit("new", 500, limit, 100000)
	if n, _ := es.survivors("persistent", 500); n != 500 {
		t.Fatalf("volatile-ttl evicted %d keys without a TTL", 500-n)
	}
	n, alive := es.survivors("ttl", 2000)
	evicted := 2000 - n
	if evicted < 450 {
		t.Fatalf("only %d keys with a TTL evicted", evicted)
	}
	// The evicted keys are the nearest TTLs: nearly all come from the
	// nearest half, and on average from far nearer than the survivors.
	goneLow, sumGone, sumKept := 0, 0, 0
	for i, a := range alive {
		if a {
			sumKept += i
			continue
		}
		sumGone += i
		if i < 1000 {
			goneLow++
		}
	}
	meanGone, meanKept := sumGone/evicted, sumKept/n
	if goneLow < evicted*9/10 || meanGone > meanKept/2 {
		t.Errorf("volatile-ttl: %d evicted, %d of them among the nearest half; mean rank evicted %d, kept %d",
			evicted, goneLow, meanGone, meanKept)
	}
	volatileExhausted(t, es)
}

// Under noeviction, writes that need memory get OOM while reads, DEL and
// other commands that do not work; nothing is evicted.
func TestEvictNoeviction(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "noeviction")
	es.fill("k", 2000, nil)
	es.do("CONFIG", "SET", "maxmemory", strconv.FormatInt(es.used()-1, 10))
	const oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
	if r := es.do("SET", "new", "v"); r != oom {
		t.Fatalf("SET over the limit: %q", r)
	}
	if r := es.do("APPEND", "k:1", "more"); r != oom {
		t.Fatalf("APPEND over the limit: %q", r)
	}
	if r := es.do("GET", "k:7"); r != "$100\r\n"+evictValue+"\r\n" {
		t.Fatalf("GET over the limit: %q", r)
	}
	if r := es.do("DBSIZE"); r != ":2000\r\n" {
		t.Fatalf("DBSIZE = %q: keys were lost", r)
	}
	if r := es.do("EXPIRE", "k:9", "1000"); r != ":1\r\n" {
		t.Fatalf("EXPIRE (not deny-oom) over the limit: %q", r)
	}
	// Inside MULTI every queued command is refused, and EXEC aborts.
	es.do("MULTI")
	if r := es.do("GET", "k:1"); r != oom {
		t.Fatalf("queued GET over the limit: %q", r)
	}
	if r := es.do("EXEC"); !strings.HasPrefix(r, "-EXECABORT") {
		t.Fatalf("EXEC of a refused transaction: %q", r)
	}
	if es.info("evicted_keys") != 0 {
		t.Fatal("noeviction evicted keys")
	}
	// DEL frees memory and writes work again.
	var dels [][]string
	for i := 0; i < 50; i++ {
		dels = append(dels, []string{"DEL", fmt.Sprintf("k:%d", i)})
	}
	for _, r := range es.pipeline(dels) {
		if r != ":1\r\n" {
			t.Fatalf("DEL over the limit: %q", r)
		}
	}
	if r := es.do("SET", "new", "v"); r != "+OK\r\n" {
		t.Fatalf("SET after DEL freed memory: %q", r)
	}
	// A transaction queued under the limit whose EXEC finds memory over
	// it is refused when it holds a deny-oom command, and runs when it
	// holds only reads.
	other, err := testserver.Dial(es.s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	over := strconv.FormatInt(es.used()-1, 10)
	es.do("CONFIG", "SET", "maxmemory", "0")
	es.do("MULTI")
	es.do("SET", "t", "v")
	other.Do("CONFIG", "SET", "maxmemory", over)
	if r := es.do("EXEC"); r != "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n" {
		t.Fatalf("EXEC with a deny-oom command over the limit: %q", r)
	}
	es.do("CONFIG", "SET", "maxmemory", "0")
	es.do("MULTI")
	es.do("GET", "k:100")
	other.Do("CONFIG", "SET", "maxmemory", over)
	if r := es.do("EXEC"); r != "*1\r\n$100\r\n"+evictValue+"\r\n" {
		t.Fatalf("EXEC of reads over the limit: %q", r)
	}
	es.do("MULTI")
	if r := es.do("DISCARD"); r != "+OK\r\n" {
		t.Fatalf("DISCARD over the limit: %q", r)
	}
}

// Evictions are counted, notified ("evicted" keyspace event) and sent to
// the AOF as DEL.
func TestEvictNotifiesAndPropagates(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "allkeys-random", "notify-keyspace-events", "Ee")
	rec := &propRecorder{}
	es.s.Engine.Mu.Lock()
	es.s.Engine.Propagate = rec.record
	es.s.Engine.Mu.Unlock()
	sub, err := testserver.Dial(es.s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if _, err := sub.Do("SUBSCRIBE", "__keyevent@0__:evicted"); err != nil {
		t.Fatal(err)
	}
	es.fill("k", 200, nil)
	rec.take()
	limit := es.limitToNow()
	es.writeOverLimit("new", 20, limit, 0)
	evicted := es.info("evicted_keys")
	if evicted == 0 {
		t.Fatal("nothing evicted")
	}
	dels := 0
	for _, p := range rec.take() {
		if strings.HasPrefix(p, "DEL ") {
			dels++
		}
	}
	if int64(dels) != evicted {
		t.Fatalf("%d keys evicted, %d DELs propagated", evicted, dels)
	}
	for i := int64(0); i < evicted; i++ {
		msg, err := sub.ReadRaw()
		if err != nil {
			t.Fatalf("notification %d: %v", i, err)
		}
		if !strings.Contains(msg, "__keyevent@0__:evicted") {
			t.Fatalf("notification %q", msg)
		}
	}
}

// Lowering maxmemory with CONFIG SET evicts at once.
func TestEvictOnConfigSet(t *testing.T) {
	t.Parallel()
	es := startEvictServer(t, "maxmemory-policy", "allkeys-lru")
	es.fill("k", 2000, nil)
	half := (es.used() + 2*startupGuess(es)) / 3
	es.do("CONFIG", "SET", "maxmemory", strconv.FormatInt(half, 10))
	// Eviction runs in short rounds between commands, without any command
	// needing to arrive.
	deadline := time.Now().Add(5 * time.Second)
	for es.used() > half {
		if time.Now().After(deadline) {
			t.Fatalf("used %d still over the new maxmemory %d", es.used(), half)
		}
		time.Sleep(time.Millisecond)
	}
	if n := es.info("evicted_keys"); n < 500 {
		t.Fatalf("only %d keys evicted", n)
	}
}

// startupGuess is the used memory of an empty server.
func startupGuess(es *evictServer) int64 {
	return es.info("used_memory_startup")
}
