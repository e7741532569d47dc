package server_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
	"sundial/keyspace/tau"
)

// Schedules survive restarts exactly: replayed from the log, loaded from a
// snapshot, and from a compacted log. Every query, ASOF included, answers
// as before, and new Taus get later transaction times than any before the
// restart, even times ahead of the clock.
func TestTauPersist(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	c := pdial(t, s.Addr)
	tauPersistWrites(t, c, "a")
	// A schedule from elsewhere, dated an hour ahead of this clock.
	future := uint64(time.Now().Add(time.Hour).UnixNano())
	tauRestoreFuture(t, c, "future", future)
	// Its own next Tau comes after it; other schedules keep the clock.
	pok(t, c, "TAU.APPEND", "future", "next", "5", "15")
	if h := tauHistory(t, c, "future"); h[1].tx <= future {
		t.Fatalf("append to a future-dated schedule got tx %d <= %d", h[1].tx, future)
	}
	want, maxTx := tauState(t, s.Addr)
	// Nothing but the logs: SHUTDOWN NOSAVE, then replay.
	stopNoSave(t, s, dir)
	s = startFile(t, dir)
	compareState(t, "tau after replaying the log", want, mustState(t, s.Addr))
	tauCheckNext(t, s.Addr, maxTx)
	tauPersistWrites(t, pdial(t, s.Addr), "b")
	want, maxTx = tauState(t, s.Addr)

	// A snapshot, written at a graceful stop.
	stopGraceful(t, s)
	s = startFile(t, dir)
	compareState(t, "tau after loading a snapshot", want, mustState(t, s.Addr))
	tauCheckNext(t, s.Addr, maxTx)

	// A compacted log (base snapshot plus a new log), with writes after it.
	c = pdial(t, s.Addr)
	pok(t, c, "BGREWRITEAOF")
	waitInfo(t, c, "aof_rewrite_in_progress", "0")
	tauPersistWrites(t, c, "c")
	want, maxTx = tauState(t, s.Addr)
	stopNoSave(t, s, dir)
	s = startFile(t, dir)
	compareState(t, "tau after a compaction and replay", want, mustState(t, s.Addr))
	tauCheckNext(t, s.Addr, maxTx)
	stopGraceful(t, s)
}

// tauPersistWrites writes schedules in several keyspaces in every way a
// Tau can be appended: plain, corrections, MULTI, a script, and keys moved
// by COPY, RENAME and MOVE.
func tauPersistWrites(t *testing.T, c *testserver.Conn, p string) {
	t.Helper()
	for _, ks := range []string{"0", "7", "tau_named"} {
		pok(t, c, "SELECT", ks)
		tauAppendN(t, c, p+":big", "v", 600)
		pok(t, c, "TAU.APPEND", p+":big", "fix", "100", "+inf")
		pok(t, c, "TAU.APPEND", p+":big", "fix2", "50", "120")
		pok(t, c, "TAU.APPEND", p+":small", "x", "0", "18446744073709551614")
		pok(t, c, "TAU.APPEND", p+":small", "bin\x00\r\n", "9223372036854775800", "+inf")
		pok(t, c, "MULTI")
		pok(t, c, "TAU.APPEND", p+":multi", "m1", "10", "20")
		pok(t, c, "TAU.APPEND", p+":multi", "m2", "15", "25")
		pok(t, c, "EXEC")
		pok(t, c, "EVAL", "redis.call('TAU.APPEND', KEYS[1], 'e1', 1, 3) return redis.call('TAU.APPEND', KEYS[1], 'e2', 2, 4)", "1", p+":script")
		pok(t, c, "COPY", p+":big", p+":copy")
		pok(t, c, "TAU.APPEND", p+":copy", "own", "0", "1000")
		pok(t, c, "RENAME", p+":multi", p+":renamed")
		pok(t, c, "TAU.APPEND", p+":ttl", "t", "0", "1")
		pok(t, c, "EXPIRE", p+":ttl", "100000")
	}
	pok(t, c, "SELECT", "0")
	pok(t, c, "TAU.APPEND", p+":moved", "mv", "0", "1")
	pok(t, c, "MOVE", p+":moved", "tau_named")
}

// tauRestoreFuture creates key holding one Tau with transaction time tx,
// through RESTORE of a schedule built here.
func tauRestoreFuture(t *testing.T, c *testserver.Conn, key string, tx uint64) {
	t.Helper()
	pok(t, c, "TAU.APPEND", "tmp", "x", "0", "1")
	dump, err := parseResp(pok(t, c, "DUMP", "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	pok(t, c, "DEL", "tmp")
	s := tau.New()
	if err := s.Append(tx, 0, 10, []byte("future")); err != nil {
		t.Fatal(err)
	}
	pok(t, c, "RESTORE", key, "0", reframe(dump.s, s.AppendBinary(nil)))
}

// tauState describes every schedule of every keyspace by the replies to
// its queries: the history, the timeline and sample points as of each
// transaction time, and TAU.INFO without memory_bytes. It returns the
// greatest tx_ns too.
func tauState(t *testing.T, addr string) (map[string]string, uint64) {
	t.Helper()
	c, err := testserver.Dial(addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := map[string]string{}
	var maxTx uint64
	ks := flat(pok(t, c, "KEYSPACES"))
	for i := 0; i+1 < len(ks); i += 2 {
		pok(t, c, "SELECT", ks[i])
		for _, key := range flat(pok(t, c, "KEYS", "*")) {
			if typ := pok(t, c, "TYPE", key); typ != "+tau\r\n" {
				t.Fatalf("%s/%s has type %q", ks[i], key, typ)
			}
			h := tauHistory(t, c, key)
			var cmds [][]string
			cmds = append(cmds, []string{"TAU.HISTORY", key}, []string{"PEXPIRETIME", key})
			points := []string{"0", "1", "55", "100", "119", "120", "599", "1000", "9223372036854775800", "18446744073709551614"}
			// ASOF every tx of small schedules, a sample of big ones.
			for j := 0; j < len(h); j += 1 + len(h)/40 {
				asof := u64s(h[j].tx)
				cmds = append(cmds, []string{"TAU.RANGE", key, "0", "+inf", "ASOF", asof})
				for _, p := range points {
					cmds = append(cmds, []string{"TAU.AT", key, p, "ASOF", asof, "ALL"})
				}
			}
			for _, p := range points {
				cmds = append(cmds, []string{"TAU.AT", key, p})
			}
			cmds = append(cmds, []string{"TAU.RANGE", key, "0", "+inf"}, []string{"TAU.INFO", key})
			replies := pipeline(t, c, cmds)
			info := replies[len(replies)-1]
			replies[len(replies)-1] = info[:strings.Index(info, "memory_bytes")]
			out[ks[i]+"/"+key] = strings.Join(replies, "")
			maxTx = max(maxTx, h[len(h)-1].tx)
		}
	}
	return out, maxTx
}

func mustState(t *testing.T, addr string) map[string]string {
	s, _ := tauState(t, addr)
	return s
}

// tauCheckNext appends to a new schedule in each keyspace and checks that
// every new tx_ns is above maxTx, then removes the new keys.
func tauCheckNext(t *testing.T, addr string, maxTx uint64) {
	t.Helper()
	c := pdial(t, addr)
	var txs []uint64
	for _, ks := range []string{"0", "7", "tau_named", "tau_fresh"} {
		pok(t, c, "SELECT", ks)
		pok(t, c, "TAU.APPEND", "next", "n", "0", "1")
		txs = append(txs, tauHistory(t, c, "next")[0].tx)
		pok(t, c, "DEL", "next")
	}
	if txs[0] <= maxTx || !slices.IsSorted(txs) {
		t.Fatalf("tx_ns after restart %v, before it up to %d", txs, maxTx)
	}
}

// The log records each TAU.APPEND with its tx_ns (TAU.APPEND … TX n), so
// replay reuses the time; only the replay client may give one.
func TestTauLoggedForm(t *testing.T) {
	dir := t.TempDir()
	s := startFile(t, dir)
	c := pdial(t, s.Addr)
	pok(t, c, "TAU.APPEND", "k", "v", "1", "+inf")
	tx := tauHistory(t, c, "k")[0].tx
	stopNoSave(t, s, dir)
	raw, err := os.ReadFile(lastLog(t, dir, "0"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	want := "TAU.APPEND\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\n1\r\n$4\r\n+inf\r\n$2\r\nTX\r\n$" +
		strconv.Itoa(len(u64s(tx))) + "\r\n" + u64s(tx) + "\r\n"
	if !strings.Contains(log, want) {
		t.Errorf("the log does not hold %q:\n%q", want, log)
	}
}
