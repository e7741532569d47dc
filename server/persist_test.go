package server_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sundial/internal/testserver"
	"sundial/persistence"
)

// ---- a sundial process (crash tests need a real one to SIGKILL) ----

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// sundialBinary builds the sundial binary once per test run.
func sundialBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("sundial-test-bin-%d", os.Getuid()))
		if binErr = os.MkdirAll(dir, 0o755); binErr != nil {
			return
		}
		tmp := filepath.Join(dir, fmt.Sprintf("sundial.%d", os.Getpid()))
		out, err := exec.Command("go", "build", "-o", tmp, "sundial").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		// One copy per machine: a rename keeps running processes' inodes.
		binPath = filepath.Join(dir, "sundial")
		binErr = os.Rename(tmp, binPath)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// syncBuffer collects a child's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type proc struct {
	t    testing.TB
	Addr string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

func freeTCPPort(t testing.TB) string {
	t.Helper()
	p, err := testserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(p)
}

// startProc runs sundial on dir with extra flags and waits until it has
// loaded its data.
func startProc(t testing.TB, dir string, extra ...string) *proc {
	t.Helper()
	port := freeTCPPort(t)
	args := append([]string{"--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", ""}, extra...)
	p := &proc{t: t, Addr: "127.0.0.1:" + port, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(sundialBinary(t), args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	p.waitLoaded()
	return p
}

// waitLoaded polls until the server answers and reports loading:0.
func (p *proc) waitLoaded() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			p.t.Fatalf("sundial exited while starting (%v):\n%s", p.cmd.ProcessState, p.out.String())
		default:
		}
		if loaded(p.Addr) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("sundial did not finish loading:\n%s", p.out.String())
}

func loaded(addr string) bool {
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		return false
	}
	defer c.Close()
	info, err := c.Do("INFO", "persistence")
	return err == nil && strings.Contains(info, "\r\nloading:0\r\n")
}

// kill sends SIGKILL: the crash the file backend must survive.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// term stops the server gracefully and checks it exits 0.
func (p *proc) term() {
	p.t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(0)
}

// wait waits for the process to exit with code.
func (p *proc) wait(code int) {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		p.kill()
		p.t.Fatalf("sundial did not exit:\n%s", p.out.String())
	}
	if got := p.cmd.ProcessState.ExitCode(); got != code {
		p.t.Fatalf("sundial exited %d, want %d:\n%s", got, code, p.out.String())
	}
}

// runSundial runs the binary to completion and returns its exit code and
// output.
func runSundial(t testing.TB, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, sundialBinary(t), args...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("running sundial %v: %v\n%s", args, err, out)
	return -1, ""
}

// ---- in-process servers on the file backend (run under -race) ----

func startFile(t *testing.T, dir string, directives ...string) *testserver.Sundial {
	t.Helper()
	s, err := testserver.Start(append([]string{"backend", "file", "dir", dir, "appendfsync", "always"}, directives...)...)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !loaded(s.Addr) {
		if time.Now().After(deadline) {
			t.Fatal("in-process sundial did not finish loading")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return s
}

// stopGraceful stops an in-process server, which writes its snapshots.
func stopGraceful(t *testing.T, s *testserver.Sundial) {
	t.Helper()
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
}

// stopNoSave shuts an in-process server down without a snapshot (the
// logs hold everything) and waits until it has released its data dir.
func stopNoSave(t *testing.T, s *testserver.Sundial, dir string) {
	t.Helper()
	no := false
	if err := s.Server.Shutdown(&no); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := persistence.LockDir(dir)
		if err == nil {
			l.Unlock()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("data dir still locked after shutdown: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := s.Panics(); n > 0 {
		t.Fatalf("sundial recovered %d panic(s)", n)
	}
}

// ---- clients ----

func pdial(t testing.TB, addr string) *testserver.Conn {
	t.Helper()
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func pdo(t testing.TB, c *testserver.Conn, args ...string) string {
	t.Helper()
	r, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return r
}

// pok runs a command that must not fail.
func pok(t testing.TB, c *testserver.Conn, args ...string) string {
	t.Helper()
	r := pdo(t, c, args...)
	if strings.HasPrefix(r, "-") {
		t.Fatalf("%q: %q", args, r)
	}
	return r
}

// flat parses a flat RESP array (or map) of bulk strings and integers.
func flat(raw string) []string {
	rd := bufio.NewReader(strings.NewReader(raw))
	head, _ := rd.ReadString('\n')
	if len(head) < 3 || (head[0] != '*' && head[0] != '%') {
		return nil
	}
	n, _ := strconv.Atoi(head[1 : len(head)-2])
	if head[0] == '%' {
		n *= 2
	}
	var out []string
	for i := 0; i < n; i++ {
		line, err := rd.ReadString('\n')
		if err != nil || len(line) < 3 {
			return out
		}
		line = line[:len(line)-2]
		switch line[0] {
		case '$':
			size, _ := strconv.Atoi(line[1:])
			buf := make([]byte, size+2)
			if _, err := io.ReadFull(rd, buf); err != nil {
				return out
			}
			out = append(out, string(buf[:size]))
		default:
			out = append(out, line[1:])
		}
	}
	return out
}

func infoField(t testing.TB, c *testserver.Conn, name string) string {
	t.Helper()
	info := pdo(t, c, "INFO", "persistence")
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:(.*)\r$`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("INFO persistence has no %s:\n%s", name, info)
	}
	return m[1]
}

func infoInt(t testing.TB, c *testserver.Conn, name string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(infoField(t, c, name), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

// waitInfo polls INFO persistence until name has value want.
func waitInfo(t testing.TB, c *testserver.Conn, name, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for infoField(t, c, name) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s never became %s", name, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ---- data of every type, and the state of a whole server ----

// typeData creates keys of each value type, with and without TTLs. A type
// whose commands do not exist yet is skipped.
var typeData = []struct {
	typ  string
	cmds [][]string
}{
	{"string", [][]string{
		{"SET", "s:plain", "hello"}, {"APPEND", "s:plain", " world"}, {"SETRANGE", "s:plain", "20", "x"},
		{"SET", "s:bin", "a\x00\xff\r\nb"}, {"SET", "s:ttl", "v", "PX", "600000"},
		{"INCR", "s:int"}, {"INCRBY", "s:int", "41"}, {"INCRBYFLOAT", "s:float", "1.5"},
		{"SET", "s:big", strings.Repeat("0123456789", 20000)}, {"EXPIRE", "s:big", "900"},
		{"SETBIT", "s:bits", "1000", "1"}, {"PFADD", "s:hll", "a", "b", "c"}}},
	{"list", [][]string{
		{"RPUSH", "l:small", "a", "b", "c"}, {"LPUSH", "l:small", "z"}, {"PEXPIRE", "l:small", "600000"},
		append([]string{"RPUSH", "l:big"}, seqArgs("item", 1000)...)}},
	{"hash", [][]string{
		{"HSET", "h:small", "f1", "v1", "f2", "v2"}, {"HINCRBY", "h:small", "n", "5"},
		append([]string{"HSET", "h:big"}, seqArgs("field", 1200)...), {"PEXPIRE", "h:big", "600000"}}},
	{"set", [][]string{
		{"SADD", "st:small", "a", "b", "c"}, {"SADD", "st:ints", "1", "2", "3"}, {"PEXPIRE", "st:ints", "600000"},
		append([]string{"SADD", "st:big"}, seqArgs("m", 600)...)}},
	{"zset", [][]string{
		{"ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c"}, {"PEXPIRE", "z:small", "600000"},
		append([]string{"ZADD", "z:big"}, seqArgs("", 400)...)}},
	{"stream", [][]string{
		{"XADD", "x:s", "1-1", "f", "v"}, {"XADD", "x:s", "2-1", "g", "w"},
		{"XGROUP", "CREATE", "x:s", "grp", "0"},
		{"XREADGROUP", "GROUP", "grp", "c1", "COUNT", "1", "STREAMS", "x:s", ">"},
		{"XADD", "x:s", "3-1", "h", "z"}, {"XGROUP", "CREATE", "x:s", "g2", "$"},
		{"XADD", "x:s", "4-1", "i", "q"}, {"XREADGROUP", "GROUP", "g2", "c2", "STREAMS", "x:s", ">"},
		{"XGROUP", "CREATE", "x:s", "g3", "0", "ENTRIESREAD", "1"},
		{"XREADGROUP", "GROUP", "g3", "c3", "COUNT", "2", "STREAMS", "x:s", ">"},
		{"XACK", "x:s", "grp", "1-1"}, {"XGROUP", "SETID", "x:s", "grp", "2-1"},
		{"XADD", "x:t", "1-1", "f", "v"}, {"XADD", "x:t", "2-1", "f", "v"}, {"XADD", "x:t", "3-1", "f", "v"},
		{"XGROUP", "CREATE", "x:t", "g", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "x:t", ">"},
		{"XDEL", "x:t", "2-1"}}},
	{"tau", [][]string{
		{"TAU.APPEND", "t:s", "v1", "100", "200"}, {"TAU.APPEND", "t:s", "v2", "150", "+inf"},
		{"PEXPIRE", "t:s", "600000"}}},
}

// seqArgs returns n pairs "<i> <prefix><i>" (usable as field/value and
// score/member pairs; SADD and RPUSH take them as plain members).
func seqArgs(prefix string, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, strconv.Itoa(i), prefix+strconv.Itoa(i))
	}
	return out
}

// populate writes typeData into the selected keyspace and returns the
// types it could create.
func populate(t testing.TB, c *testserver.Conn) []string {
	t.Helper()
	var made []string
	for _, td := range typeData {
		ok := true
		for i, cmd := range td.cmds {
			r := pdo(t, c, cmd...)
			if i == 0 && strings.HasPrefix(r, "-ERR unknown command") {
				ok = false
				break
			}
			if strings.HasPrefix(r, "-") {
				t.Fatalf("%q: %q", cmd, r)
			}
		}
		if ok {
			made = append(made, td.typ)
		}
	}
	return made
}

// state reads every key of every keyspace: type, absolute expiry and
// value, as "keyspace/key" → description.
func state(t testing.TB, addr string) map[string]string {
	t.Helper()
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string]string{}
	ks := flat(pok(t, c, "KEYSPACES"))
	for i := 0; i+1 < len(ks); i += 2 {
		name := ks[i]
		pok(t, c, "SELECT", name)
		for _, key := range flat(pok(t, c, "KEYS", "*")) {
			typ := strings.TrimSpace(strings.TrimPrefix(pok(t, c, "TYPE", key), "+"))
			out[name+"/"+key] = typ + " exp=" + strings.TrimSpace(pok(t, c, "PEXPIRETIME", key)) + " " + readValue(t, c, typ, key)
		}
	}
	return out
}

var seenTimeRE = regexp.MustCompile(`seen-time\r\n:[0-9]+`)

func readValue(t testing.TB, c *testserver.Conn, typ, key string) string {
	switch typ {
	case "string":
		return pok(t, c, "GET", key)
	case "list":
		return pok(t, c, "LRANGE", key, "0", "-1")
	case "hash":
		return testserver.Unordered(pok(t, c, "HGETALL", key))
	case "set":
		return testserver.Unordered(pok(t, c, "SMEMBERS", key))
	case "zset":
		return pok(t, c, "ZRANGE", key, "0", "-1", "WITHSCORES")
	case "stream":
		// XINFO GROUPS includes each group's entries-read and lag, which
		// survive a log replay through the XGROUP SETID … ENTRIESREAD
		// that group reads log.
		// XINFO STREAM FULL too (entries, groups, consumers, PELs with
		// delivery times and counts), with each consumer's seen-time
		// masked: a replay sets it to the replay time, as in Redis.
		full := seenTimeRE.ReplaceAllString(pok(t, c, "XINFO", "STREAM", key, "FULL"), "seen-time\r\n:0")
		return pok(t, c, "XRANGE", key, "-", "+") + pok(t, c, "XINFO", "GROUPS", key) + full
	case "tau":
		return pok(t, c, "TAU.HISTORY", key)
	}
	return pok(t, c, "DUMP", key)
}

func compareState(t testing.TB, what string, want, got map[string]string) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	bad := 0
	for _, k := range keys {
		w, okw := want[k]
		g, okg := got[k]
		if okw && okg && w == g {
			continue
		}
		if bad++; bad <= 10 {
			t.Errorf("%s: key %q:\n want %s\n  got %s", what, k, clip(w, okw), clip(g, okg))
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d keys differ", what, bad, len(keys))
	}
}

func clip(s string, ok bool) string {
	if !ok {
		return "(missing)"
	}
	if len(s) > 200 {
		return strconv.Quote(s[:200]) + "…"
	}
	return strconv.Quote(s)
}

// populateAll fills keyspaces 0, 5 and a named one with every type.
func populateAll(t testing.TB, addr string) {
	t.Helper()
	c := pdial(t, addr)
	made := populate(t, c)
	t.Logf("types persisted: %v", made)
	for _, ks := range []string{"5", "named_ks"} {
		pok(t, c, "SELECT", ks)
		populate(t, c)
	}
}

// ---- tests ----

// Every type with TTLs survives a graceful restart (snapshots) and a
// SIGKILL restart (logs), compared key by key.
func TestPersistRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir, "--appendfsync", "always")
	populateAll(t, p.Addr)
	want := state(t, p.Addr)
	if len(want) < 10 {
		t.Fatalf("only %d keys created", len(want))
	}
	p.term()
	for _, ks := range []string{"0", "5", "named_ks"} {
		if _, err := os.Stat(filepath.Join(dir, ks+".db")); err != nil {
			t.Fatalf("no snapshot after a graceful shutdown: %v", err)
		}
	}

	p = startProc(t, dir, "--appendfsync", "always")
	if !strings.Contains(p.out.String(), "DB loaded from disk") {
		t.Fatalf("no load message:\n%s", p.out.String())
	}
	compareState(t, "after graceful restart", want, state(t, p.Addr))

	// Change things, then crash: the logs must replay to the same state.
	c := pdial(t, p.Addr)
	pok(t, c, "DEL", "s:ttl")
	pok(t, c, "SET", "s:new", "after-restart", "EX", "700")
	pok(t, c, "INCR", "s:int")
	pok(t, c, "APPEND", "s:plain", "!")
	pok(t, c, "SELECT", "named_ks")
	pok(t, c, "RENAME", "s:bin", "s:bin2")
	pok(t, c, "SELECT", "5")
	pok(t, c, "FLUSHDB")
	populate(t, c)
	want = state(t, p.Addr)
	p.kill()

	p = startProc(t, dir, "--appendfsync", "always")
	compareState(t, "after SIGKILL restart", want, state(t, p.Addr))

	// SHUTDOWN NOSAVE leaves the snapshots alone; the logs keep the write.
	snap, err := os.ReadFile(filepath.Join(dir, "0.db"))
	if err != nil {
		t.Fatal(err)
	}
	c = pdial(t, p.Addr)
	pok(t, c, "SET", "after-nosave", "1")
	c.Send("SHUTDOWN", "NOSAVE")
	p.wait(0)
	if now, _ := os.ReadFile(filepath.Join(dir, "0.db")); !bytes.Equal(now, snap) {
		t.Fatal("SHUTDOWN NOSAVE rewrote the snapshot")
	}
	p = startProc(t, dir)
	c = pdial(t, p.Addr)
	if r := pdo(t, c, "GET", "after-nosave"); r != "$1\r\n1\r\n" {
		t.Fatalf("write before SHUTDOWN NOSAVE: %q", r)
	}
	p.term()
}

// With appendonly no only snapshots keep data: no log is written.
func TestPersistAppendOnlyNo(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "appendonly", "no")
	c := pdial(t, s.Addr)
	pok(t, c, "SET", "a", "1")
	pok(t, c, "SELECT", "named")
	pok(t, c, "SET", "b", "2")
	if v := infoField(t, c, "aof_enabled"); v != "0" {
		t.Fatalf("aof_enabled:%s", v)
	}
	if logs, _ := filepath.Glob(filepath.Join(dir, "*.aof")); len(logs) > 0 {
		t.Fatalf("logs written with appendonly no: %v", logs)
	}
	want := state(t, s.Addr)
	stopGraceful(t, s)
	s = startFile(t, dir, "appendonly", "no")
	compareState(t, "appendonly no, after a graceful restart", want, state(t, s.Addr))
	stopGraceful(t, s)
}

// The same round trip in process, where the race detector watches the
// backend, through a snapshot restart and a log-only restart.
func TestPersistRoundTripInProcess(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	populateAll(t, s.Addr)
	want := state(t, s.Addr)
	stopNoSave(t, s, dir)
	if _, err := os.Stat(filepath.Join(dir, "0.db")); err == nil {
		t.Fatal("SHUTDOWN NOSAVE wrote a snapshot")
	}

	s = startFile(t, dir)
	compareState(t, "after restart from the logs", want, state(t, s.Addr))
	stopGraceful(t, s)
	if _, err := os.Stat(filepath.Join(dir, "0.db")); err != nil {
		t.Fatalf("no snapshot after a graceful stop: %v", err)
	}

	s = startFile(t, dir)
	c := pdial(t, s.Addr)
	if n := infoInt(t, c, "rdb_last_load_keys_loaded"); n != int64(len(want)) {
		t.Errorf("rdb_last_load_keys_loaded = %d, want %d", n, len(want))
	}
	compareState(t, "after restart from snapshots", want, state(t, s.Addr))
	stopGraceful(t, s)
}

// Writes that change other keyspaces (MOVE, COPY … DB, SWAPDB, FLUSHALL,
// SELECT inside MULTI) are logged so each keyspace replays alone.
func TestPersistCrossKeyspace(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	c := pdial(t, s.Addr)
	pok(t, c, "SELECT", "1")
	pok(t, c, "SET", "m", "moved", "PX", "500000")
	pok(t, c, "SET", "cp", "copied")
	pok(t, c, "HSET", "h", "a", "1")
	pok(t, c, "SET", "stay", "1")
	pok(t, c, "MOVE", "m", "2")
	pok(t, c, "COPY", "cp", "cp2", "DB", "other")
	pok(t, c, "COPY", "h", "h", "DB", "2")
	pok(t, c, "SELECT", "3")
	pok(t, c, "SET", "in3", "x")
	pok(t, c, "SWAPDB", "3", "4")
	pok(t, c, "MULTI")
	pok(t, c, "SET", "tx4", "a")
	pok(t, c, "SELECT", "6")
	pok(t, c, "SET", "tx6", "b")
	pok(t, c, "MOVE", "tx6", "1")
	if r := pdo(t, c, "EXEC"); !strings.HasPrefix(r, "*4") {
		t.Fatalf("EXEC: %q", r)
	}
	pok(t, c, "SELECT", "7")
	pok(t, c, "SET", "gone", "1")
	pok(t, c, "SELECT", "8")
	pok(t, c, "SET", "gone", "1")
	pok(t, c, "FLUSHALL")
	pok(t, c, "SELECT", "1")
	pok(t, c, "SET", "after", "flushall")
	pok(t, c, "SELECT", "2")
	pok(t, c, "SET", "m", "moved-again")
	pok(t, c, "MOVE", "m", "9")
	pok(t, c, "SELECT", "9")
	pok(t, c, "SWAPDB", "9", "10")
	pok(t, c, "SELECT", "10")
	pok(t, c, "COPY", "m", "m", "DB", "other")
	want := state(t, s.Addr)
	if len(want) != 3 {
		t.Fatalf("unexpected state %v", want)
	}
	stopNoSave(t, s, dir)

	s = startFile(t, dir)
	compareState(t, "after replaying cross-keyspace writes", want, state(t, s.Addr))
	stopGraceful(t, s)
}

// A BGSAVE or BGREWRITEAOF taken while clients write is a consistent point
// in time: snapshot plus the records after it replay to exactly the state
// the clients produced, nothing missing and nothing applied twice.
func TestPersistSnapshotUnderWrites(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "appendfsync", "everysec")
	c := pdial(t, s.Addr)
	// Enough keys that the walk takes many steps while writers hit them.
	for i := 0; i < 5; i++ {
		args := []string{"MSET"}
		for j := 0; j < 1000; j++ {
			args = append(args, fmt.Sprintf("k%d", i*1000+j), "0")
		}
		pok(t, c, args...)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wc, err := testserver.Dial(s.Addr, 2)
			if err != nil {
				t.Error(err)
				return
			}
			defer wc.Close()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				k := fmt.Sprintf("k%d", (i*7919+w*1237)%5000)
				var r string
				switch i % 4 {
				case 0:
					r, err = wc.Do("INCR", k)
				case 1:
					r, err = wc.Do("APPEND", "log"+strconv.Itoa(w), ".")
				case 2:
					r, err = wc.Do("HINCRBY", "h"+strconv.Itoa(w%2), k, "1")
				default:
					r, err = wc.Do("DEL", fmt.Sprintf("new%d", i-4))
					if err == nil {
						r, err = wc.Do("SET", fmt.Sprintf("new%d", i), k)
					}
				}
				if err != nil || strings.HasPrefix(r, "-") {
					t.Errorf("writer %d: %q %v", w, r, err)
					return
				}
			}
		}()
	}
	for round := 0; round < 3; round++ {
		time.Sleep(30 * time.Millisecond)
		cmd := "BGSAVE"
		if round == 1 {
			cmd = "BGREWRITEAOF"
		}
		pok(t, c, cmd)
		waitInfo(t, c, "rdb_bgsave_in_progress", "0")
		waitInfo(t, c, "aof_rewrite_in_progress", "0")
	}
	close(stop)
	wg.Wait()
	if infoField(t, c, "rdb_last_bgsave_status") != "ok" || infoField(t, c, "aof_last_bgrewrite_status") != "ok" {
		t.Fatal("a background snapshot failed")
	}
	if n := infoInt(t, c, "rdb_saves"); n < 3 {
		t.Fatalf("rdb_saves = %d after 3 background snapshots", n)
	}
	want := state(t, s.Addr)
	stopNoSave(t, s, dir)

	s = startFile(t, dir)
	compareState(t, "snapshot taken under writes + log", want, state(t, s.Addr))
	stopGraceful(t, s)
}

// auto-aof-rewrite-min-size makes the log compact itself while a client
// writes; the data after a restart equals the data before.
func TestPersistAutoRewrite(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "auto-aof-rewrite-min-size", "64kb", "auto-aof-rewrite-percentage", "100")
	c := pdial(t, s.Addr)
	val := strings.Repeat("v", 200)
	deadline := time.Now().Add(30 * time.Second)
	i := 0
	for infoInt(t, c, "aof_rewrites") < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the AOF was never rewritten automatically")
		}
		for j := 0; j < 50; j++ {
			pok(t, c, "SET", fmt.Sprintf("key:%d", i%300), val+strconv.Itoa(i))
			pok(t, c, "INCR", "counter")
			i++
		}
	}
	// Old logs are gone once a rewrite finished.
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	logs, _ := filepath.Glob(filepath.Join(dir, "0.*.aof"))
	if len(logs) > 2 {
		t.Errorf("logs left after compaction: %v", logs)
	}
	if size := infoInt(t, c, "aof_current_size"); size > 1<<20 {
		t.Errorf("aof_current_size %d after compactions", size)
	}
	want := state(t, s.Addr)
	if want["0/counter"] != "string exp=:-1 $"+strconv.Itoa(len(strconv.Itoa(i)))+"\r\n"+strconv.Itoa(i)+"\r\n" {
		t.Fatalf("counter = %q after %d INCRs", want["0/counter"], i)
	}
	stopNoSave(t, s, dir)
	s = startFile(t, dir)
	compareState(t, "after automatic compactions", want, state(t, s.Addr))
	stopGraceful(t, s)
}

// SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE, save rules and CONFIG SET
// appendfsync, as INFO persistence reports them.
func TestPersistCommands(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "appendfsync", "everysec")
	c := pdial(t, s.Addr)
	if v := infoField(t, c, "aof_enabled"); v != "1" {
		t.Fatalf("aof_enabled:%s", v)
	}
	pok(t, c, "SET", "a", "1")
	pok(t, c, "SET", "b", "2")
	if n := infoInt(t, c, "rdb_changes_since_last_save"); n != 2 {
		t.Fatalf("rdb_changes_since_last_save = %d, want 2", n)
	}
	before := pok(t, c, "LASTSAVE")
	time.Sleep(1100 * time.Millisecond) // LASTSAVE has a resolution of a second
	if r := pdo(t, c, "SAVE"); r != "+OK\r\n" {
		t.Fatalf("SAVE: %q", r)
	}
	if pok(t, c, "LASTSAVE") == before {
		t.Fatal("LASTSAVE did not change after SAVE")
	}
	if n := infoInt(t, c, "rdb_changes_since_last_save"); n != 0 {
		t.Fatalf("rdb_changes_since_last_save = %d after SAVE", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "0.db")); err != nil {
		t.Fatal(err)
	}
	if r := pdo(t, c, "BGSAVE"); r != "+Background saving started\r\n" {
		t.Fatalf("BGSAVE: %q", r)
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0")
	if r := pdo(t, c, "BGREWRITEAOF"); r != "+Background append only file rewriting started\r\n" {
		t.Fatalf("BGREWRITEAOF: %q", r)
	}
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	if v := infoField(t, c, "aof_last_bgrewrite_status"); v != "ok" {
		t.Fatalf("aof_last_bgrewrite_status:%s", v)
	}
	if n := infoInt(t, c, "aof_rewrites"); n != 1 {
		t.Fatalf("aof_rewrites = %d", n)
	}

	// appendfsync at runtime: with always, each write is fsynced before
	// its reply.
	if v := infoField(t, c, "aof_fsync_policy"); v != "everysec" {
		t.Fatalf("aof_fsync_policy:%s", v)
	}
	pok(t, c, "CONFIG", "SET", "appendfsync", "always")
	fsyncs := infoInt(t, c, "aof_fsyncs")
	for i := 0; i < 5; i++ {
		pok(t, c, "SET", "a", strconv.Itoa(i))
	}
	if v := infoField(t, c, "aof_fsync_policy"); v != "always" {
		t.Fatalf("aof_fsync_policy:%s after CONFIG SET", v)
	}
	if n := infoInt(t, c, "aof_fsyncs") - fsyncs; n < 5 {
		t.Fatalf("%d fsyncs for 5 sequential writes with appendfsync always", n)
	}

	// save <seconds> <changes>: one change after a second triggers a save.
	saves := infoInt(t, c, "rdb_saves")
	pok(t, c, "CONFIG", "SET", "save", "1 1")
	pok(t, c, "SET", "c", "3")
	deadline := time.Now().Add(10 * time.Second)
	for infoInt(t, c, "rdb_saves") == saves {
		if time.Now().After(deadline) {
			t.Fatal("the save rule never triggered")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0")
	if n := infoInt(t, c, "rdb_changes_since_last_save"); n != 0 {
		t.Fatalf("rdb_changes_since_last_save = %d after the rule's save", n)
	}
	pok(t, c, "CONFIG", "SET", "save", "")
	stopGraceful(t, s)
}

// While loading, INFO says loading:1 and data commands get -LOADING.
func TestPersistLoading(t *testing.T) {
	dir := t.TempDir()
	// A log big enough to take a while to replay, written directly.
	var buf []byte
	for i := 0; i < 300000; i++ {
		buf, _ = persistence.AppendRecord(buf, [][]byte{[]byte("SET"), []byte("key:" + strconv.Itoa(i)), []byte("value")})
	}
	if err := os.WriteFile(filepath.Join(dir, persistence.AOFName("0", 1)), buf, 0o644); err != nil {
		t.Fatal(err)
	}
	m := persistence.Manifest{Keyspace: "0", Incr: []uint64{1}}
	if err := os.WriteFile(filepath.Join(dir, persistence.ManifestName("0")), m.Encode(), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := testserver.Start("backend", "file", "dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	c := pdial(t, s.Addr)
	sawLoading := false
	for !loaded(s.Addr) {
		info := pdo(t, c, "INFO", "persistence")
		if strings.Contains(info, "\r\nloading:1\r\n") {
			sawLoading = true
			if !strings.Contains(info, "loading_total_bytes:") {
				t.Errorf("no loading progress in INFO:\n%s", info)
			}
			if r := pdo(t, c, "GET", "key:1"); r != "-LOADING Redis is loading the dataset in memory\r\n" && !loaded(s.Addr) {
				t.Errorf("GET while loading: %q", r)
			}
		}
	}
	if !sawLoading {
		t.Error("never saw loading:1 while a 300000-record log was replayed")
	}
	if r := pdo(t, c, "DBSIZE"); r != ":300000\r\n" {
		t.Fatalf("DBSIZE after loading: %q", r)
	}
	stopGraceful(t, s)
}

// The memory backend refuses SAVE, BGSAVE and BGREWRITEAOF and writes
// nothing in dir.
func TestPersistMemoryBackend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := testserver.Start("backend", "memory", "dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	c := pdial(t, s.Addr)
	pok(t, c, "SET", "a", "1")
	for _, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF"} {
		if r := pdo(t, c, cmd); r != "-ERR the memory backend has no persistence\r\n" {
			t.Errorf("%s: %q", cmd, r)
		}
	}
	if v := infoField(t, c, "aof_enabled"); v != "0" {
		t.Errorf("aof_enabled:%s with the memory backend", v)
	}
	stopGraceful(t, s)
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		entries, _ := os.ReadDir(dir)
		t.Fatalf("the memory backend touched %s: %v %v", dir, err, entries)
	}
}

// A second server on the same data dir exits 1 with the lock message; the
// lock goes away with the process, even after SIGKILL.
func TestPersistLock(t *testing.T) {
	dir := t.TempDir()
	p := startProc(t, dir)
	code, out := runSundial(t, "--port", freeTCPPort(t), "--bind", "127.0.0.1", "--dir", dir)
	want := "data dir " + dir + " already locked by another process"
	if code != 1 || !strings.Contains(out, want) {
		t.Fatalf("second server: exit %d, output %q; want exit 1 and %q", code, out, want)
	}
	p.kill()
	p = startProc(t, dir)
	p.term()
}

// lastLog returns the path of keyspace ks's newest log.
func lastLog(t *testing.T, dir, ks string) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, ks+".*.aof"))
	if len(logs) == 0 {
		t.Fatalf("no logs for keyspace %s in %s", ks, dir)
	}
	best, bestN := "", -1
	for _, l := range logs {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(l), ks+"."), ".aof"))
		if n > bestN {
			best, bestN = l, n
		}
	}
	return best
}

// writeThenKill leaves a data dir whose keyspace 0 holds 100 writes in
// its log and no snapshot.
func writeThenKill(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	p := startProc(t, dir, "--appendfsync", "always")
	c := pdial(t, p.Addr)
	for i := 0; i < 100; i++ {
		pok(t, c, "INCR", "n")
	}
	p.kill()
	return dir
}

// sundial check reports a torn tail and fails; check --fix repairs it;
// the server itself truncates one with a warning saying how much.
func TestPersistCheckTornTail(t *testing.T) {
	dir := writeThenKill(t)
	code, out := runSundial(t, "check", dir)
	if code != 0 || !strings.Contains(out, "clean") {
		t.Fatalf("check on a clean dir: exit %d\n%s", code, out)
	}
	log := lastLog(t, dir, "0")
	rec, _ := persistence.AppendRecord(nil, [][]byte{[]byte("INCR"), []byte("n")})
	torn := rec[:len(rec)-3]
	appendFile(t, log, torn)

	code, out = runSundial(t, "check", dir)
	if code != 1 || !strings.Contains(out, "torn tail") {
		t.Fatalf("check on a torn tail: exit %d\n%s", code, out)
	}
	code, out = runSundial(t, "check", "--fix", dir)
	if code != 0 {
		t.Fatalf("check --fix: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(log + ".broken"); err != nil {
		t.Errorf("check --fix kept no copy of the torn log: %v", err)
	}
	code, out = runSundial(t, "check", dir)
	if code != 0 {
		t.Fatalf("check after --fix: exit %d\n%s", code, out)
	}

	// The server truncates a torn tail by itself, with a warning.
	appendFile(t, log, torn)
	p := startProc(t, dir)
	c := pdial(t, p.Addr)
	if r := pdo(t, c, "GET", "n"); r != "$3\r\n100\r\n" {
		t.Fatalf("GET n after truncating the torn tail: %q", r)
	}
	p.term()
	// The log is read from the process's output, which may trail the
	// replies: look at it once the process has exited.
	if want := fmt.Sprintf("dropped %d bytes", len(torn)); !strings.Contains(p.out.String(), want) {
		t.Errorf("no %q warning:\n%s", want, p.out.String())
	}
}

func appendFile(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// flipByte corrupts one byte of a file.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[off] ^= 0x20
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A damaged log or snapshot stops the server: exit 1 with "corrupt <file>
// at offset <n>", and check reports it too.
func TestPersistCorrupt(t *testing.T) {
	t.Run("aof", func(t *testing.T) {
		dir := writeThenKill(t)
		log := lastLog(t, dir, "0")
		flipByte(t, log, 200) // inside an early record, many follow
		code, out := runSundial(t, "--port", freeTCPPort(t), "--bind", "127.0.0.1", "--dir", dir)
		want := regexp.MustCompile(`corrupt ` + regexp.QuoteMeta(log) + ` at offset \d+`)
		if code != 1 || !want.MatchString(out) {
			t.Fatalf("exit %d, output:\n%s\nwant exit 1 and %s", code, out, want)
		}
		if code, out := runSundial(t, "check", dir); code != 1 || !want.MatchString(out) {
			t.Fatalf("check: exit %d\n%s", code, out)
		}
	})
	t.Run("snapshot", func(t *testing.T) {
		dir := t.TempDir()
		p := startProc(t, dir)
		populateAll(t, p.Addr)
		p.term()
		snap := filepath.Join(dir, "0.db")
		st, err := os.Stat(snap)
		if err != nil {
			t.Fatal(err)
		}
		flipByte(t, snap, st.Size()/2)
		code, out := runSundial(t, "--port", freeTCPPort(t), "--bind", "127.0.0.1", "--dir", dir)
		want := regexp.MustCompile(`corrupt ` + regexp.QuoteMeta(snap) + ` at offset \d+`)
		if code != 1 || !want.MatchString(out) {
			t.Fatalf("exit %d, output:\n%s\nwant exit 1 and %s", code, out, want)
		}
	})
}

// busyScript writes once a millisecond for ARGV[1] microseconds: an INCR
// of KEYS[1] and an RPUSH of the write's number to KEYS[2]. At the end it
// sets KEYS[3] to how many writes it made and returns that.
const busyScript = `
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local start, n = now(), 0
local last = start
while last - start < tonumber(ARGV[1]) do
  redis.call('INCR', KEYS[1])
  redis.call('RPUSH', KEYS[2], n)
  n = n + 1
  local t = now()
  while t - last < 1000 do t = now() end
  last = t
end
redis.call('SET', KEYS[3], n)
return n`

// A script running past busy-reply-threshold lets other goroutines take
// the engine lock between its instructions. No snapshot may start then
// (by a save rule or auto-aof-rewrite): it would hold part of the script's
// writes while the log holds the whole script after it, and a restart
// would apply them twice. SAVE, BGSAVE and BGREWRITEAOF get BUSY.
func TestPersistBusyScript(t *testing.T) {
	for _, tc := range []struct {
		name       string
		directives []string
		arm        []string // sent just before the script
	}{
		{"save rule", []string{"save", "1 1"}, nil},
		{"auto-aof-rewrite", []string{"auto-aof-rewrite-percentage", "100", "auto-aof-rewrite-min-size", "64mb"},
			[]string{"CONFIG", "SET", "auto-aof-rewrite-min-size", "1kb"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := startFile(t, dir, append([]string{"busy-reply-threshold", "10"}, tc.directives...)...)
			c := pdial(t, s.Addr)
			for i := 0; i < 50; i++ {
				pok(t, c, "SET", "pad:"+strconv.Itoa(i), strings.Repeat("p", 100))
			}
			if tc.arm != nil {
				if err := c.Send(tc.arm...); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Send("EVAL", busyScript, "3", "counter", "list", "done", "1500000"); err != nil {
				t.Fatal(err)
			}
			// Meanwhile the persistence commands are refused. (The replies
			// to c come once the script is over: they may leave together.)
			other := pdial(t, s.Addr)
			time.Sleep(200 * time.Millisecond)
			for _, cmd := range []string{"SAVE", "BGSAVE", "BGREWRITEAOF"} {
				if r := pdo(t, other, cmd); !strings.HasPrefix(r, "-BUSY ") {
					t.Errorf("%s during a busy script: %q", cmd, r)
				}
			}
			if tc.arm != nil {
				if r, err := c.ReadRaw(); err != nil || r != "+OK\r\n" {
					t.Fatalf("%q: %q %v", tc.arm, r, err)
				}
			}
			r, err := c.ReadRaw()
			if err != nil {
				t.Fatal(err)
			}
			n := intOf(t, r)
			if n < 100 {
				t.Fatalf("the script made only %d writes", n)
			}
			// The snapshot the script held back happens now.
			deadline := time.Now().Add(10 * time.Second)
			for infoInt(t, c, "rdb_saves")+infoInt(t, c, "aof_rewrites") == 0 {
				if time.Now().After(deadline) {
					t.Fatal("no snapshot after the script")
				}
				time.Sleep(10 * time.Millisecond)
			}
			waitInfo(t, c, "rdb_bgsave_in_progress", "0")
			waitInfo(t, c, "aof_rewrite_in_progress", "0")
			check := func(when string, c *testserver.Conn) {
				t.Helper()
				if got := bulkInt(t, pok(t, c, "GET", "counter")); got != n {
					t.Fatalf("%s: counter is %d after a script that incremented it %d times", when, got, n)
				}
				items := flat(pok(t, c, "LRANGE", "list", "0", "-1"))
				if int64(len(items)) != n {
					t.Fatalf("%s: the list has %d items after a script that pushed %d", when, len(items), n)
				}
				for i, it := range items {
					if it != strconv.Itoa(i) {
						t.Fatalf("%s: list item %d is %q", when, i, it)
					}
				}
			}
			check("before the restart", c)
			stopNoSave(t, s, dir)
			s = startFile(t, dir)
			check("after a restart from snapshot and log", pdial(t, s.Addr))
			stopGraceful(t, s)
		})
	}
}

// A graceful stop while a busy script runs writes its final snapshot once
// the script is over: with all of the script's writes, not part of them.
func TestPersistBusyScriptShutdown(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir, "busy-reply-threshold", "10")
	c := pdial(t, s.Addr)
	pok(t, c, "SET", "before", "1")
	if err := c.Send("EVAL", busyScript, "3", "counter", "list", "done", "800000"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	stopGraceful(t, s)

	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	n := bulkInt(t, pok(t, c, "GET", "done"))
	counter := bulkInt(t, pok(t, c, "GET", "counter"))
	items := intOf(t, pok(t, c, "LLEN", "list"))
	if n < 100 || counter != n || items != n {
		t.Fatalf("after a stop during a busy script: done=%d counter=%d list length %d; want all equal (the whole script)", n, counter, items)
	}
	stopGraceful(t, s)
}

// readReplies reads n replies of commands sent together.
func readReplies(t *testing.T, c *testserver.Conn, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		r, err := c.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = r
	}
	return out
}

// Redis 7.0's replies when a snapshot cannot start at once: BGREWRITEAOF
// during a BGSAVE is scheduled for when it ends, BGSAVE during a rewrite
// is refused, and both are scheduled inside MULTI … EXEC, where a
// snapshot would hold part of the transaction while the log holds all of
// it after the snapshot.
func TestPersistScheduled(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	c := pdial(t, s.Addr)
	pok(t, c, "SET", "a", "1")

	// Commands sent together run in one go: the first snapshot is still
	// running when the second command comes.
	for _, cmd := range [][]string{{"BGSAVE"}, {"BGREWRITEAOF"}, {"INFO", "persistence"}} {
		if err := c.Send(cmd...); err != nil {
			t.Fatal(err)
		}
	}
	r := readReplies(t, c, 3)
	if r[0] != "+Background saving started\r\n" || r[1] != "+Background append only file rewriting scheduled\r\n" {
		t.Fatalf("BGSAVE, then BGREWRITEAOF during it: %q", r[:2])
	}
	if !strings.Contains(r[2], "\r\naof_rewrite_scheduled:1\r\n") {
		t.Fatalf("INFO after a scheduled rewrite:\n%s", r[2])
	}
	deadline := time.Now().Add(10 * time.Second)
	for infoInt(t, c, "aof_rewrites") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the scheduled rewrite never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	if v := infoField(t, c, "aof_rewrite_scheduled"); v != "0" {
		t.Fatalf("aof_rewrite_scheduled:%s after the rewrite ran", v)
	}

	for _, cmd := range [][]string{{"BGREWRITEAOF"}, {"BGSAVE"}} {
		if err := c.Send(cmd...); err != nil {
			t.Fatal(err)
		}
	}
	r = readReplies(t, c, 2)
	if r[0] != "+Background append only file rewriting started\r\n" ||
		r[1] != "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n" {
		t.Fatalf("BGREWRITEAOF, then BGSAVE during it: %q", r)
	}
	waitInfo(t, c, "aof_rewrite_in_progress", "0")

	saves, rewrites := infoInt(t, c, "rdb_saves"), infoInt(t, c, "aof_rewrites")
	pok(t, c, "MULTI")
	for _, cmd := range [][]string{{"INCR", "x"}, {"BGSAVE"}, {"INCR", "x"}, {"BGREWRITEAOF"}, {"INCR", "x"}} {
		if r := pdo(t, c, cmd...); r != "+QUEUED\r\n" {
			t.Fatalf("%q in MULTI: %q", cmd, r)
		}
	}
	want := "*5\r\n:1\r\n+Background saving scheduled\r\n:2\r\n+Background append only file rewriting scheduled\r\n:3\r\n"
	if r := pdo(t, c, "EXEC"); r != want {
		t.Fatalf("EXEC: %q\nwant %q", r, want)
	}
	deadline = time.Now().Add(10 * time.Second)
	for infoInt(t, c, "rdb_saves") == saves || infoInt(t, c, "aof_rewrites") == rewrites {
		if time.Now().After(deadline) {
			t.Fatal("the snapshots scheduled by EXEC never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	waitInfo(t, c, "rdb_bgsave_in_progress", "0")
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	stopNoSave(t, s, dir)
	s = startFile(t, dir)
	c = pdial(t, s.Addr)
	if r := pdo(t, c, "GET", "x"); r != "$1\r\n3\r\n" {
		t.Fatalf("x after a restart: %q, want 3 (three INCRs in one transaction)", r)
	}
	stopGraceful(t, s)
}
