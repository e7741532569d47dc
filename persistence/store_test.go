package persistence

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func testOptions() Options {
	o := DefaultOptions()
	o.Fsync = FsyncAlways
	o.Logger = slog.New(slog.NewTextHandler(discard{}, nil))
	return o
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// harness drives a Store and a model of what it should hold.
type harness struct {
	t    *testing.T
	dir  string
	opts Options
	st   *Store
	m    *model
	n    int
}

func newHarness(t *testing.T, opts Options) *harness {
	h := &harness{t: t, dir: t.TempDir(), opts: opts}
	h.open()
	return h
}

func (h *harness) open() {
	h.t.Helper()
	m := newModel()
	st, err := OpenStore(h.dir, "ks", h.opts, m)
	if err != nil {
		h.t.Fatal(err)
	}
	h.st, h.m = st, m
}

func (h *harness) write(k int) {
	h.t.Helper()
	for i := 0; i < k; i++ {
		h.n++
		a := argv("RPUSH", "l", strconv.Itoa(h.n))
		if h.n%5 == 0 {
			a = argv("SET", "s"+strconv.Itoa(h.n%3), strconv.Itoa(h.n))
		}
		if err := h.m.Apply(a); err != nil {
			h.t.Fatal(err)
		}
		seq, err := h.st.Append(a)
		if err != nil {
			h.t.Fatal(err)
		}
		if err := h.st.WaitDurable(seq); err != nil {
			h.t.Fatal(err)
		}
	}
}

// reopen closes the store and recovers it, checking the state is the same.
func (h *harness) reopen() {
	h.t.Helper()
	want := h.m.String()
	if err := h.st.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
	if got := h.m.String(); got != want {
		h.t.Fatalf("recovered state differs:\n got %s\nwant %s", got, want)
	}
}

func (h *harness) files() []string {
	entries, _ := os.ReadDir(h.dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestStoreRecoverAppends(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(50)
	h.reopen()
	h.write(10)
	h.reopen()
	if got := h.st.Stats().Load.Records; got != 60 {
		t.Fatalf("replayed %d records, want 60", got)
	}
	if got := h.files(); !slices.Equal(got, []string{"ks.1.aof", "ks.manifest"}) {
		t.Fatalf("files %v", got)
	}
	h.st.Close()
}

func TestStoreRewrite(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(30)
	r, err := h.st.StartRewrite()
	if err != nil {
		t.Fatal(err)
	}
	src := h.m.source()
	if _, err := h.st.StartRewrite(); !errors.Is(err, ErrRewriteInProgress) {
		t.Fatalf("second rewrite: %v", err)
	}
	h.write(10) // arrives during the rewrite: belongs to the new log
	if !h.st.Stats().RewriteInProgress {
		t.Fatal("rewrite not reported in progress")
	}
	if err := r.Finish(src); err != nil {
		t.Fatal(err)
	}
	h.write(5)
	st := h.st.Stats()
	if st.RewriteInProgress || !st.LastRewriteOK || st.Rewrites != 1 {
		t.Fatalf("stats after rewrite: %+v", st)
	}
	if got := h.files(); !slices.Equal(got, []string{"ks.2.aof", "ks.db", "ks.manifest"}) {
		t.Fatalf("files %v", got)
	}
	h.reopen()
	if got := h.st.Stats().Load; got.Records != 15 || got.Entries == 0 {
		t.Fatalf("load stats %+v: want only the 15 records after the snapshot replayed", got)
	}
	// A second compaction replaces the first.
	if err := h.st.Save(h.m.source()); err != nil {
		t.Fatal(err)
	}
	h.write(3)
	h.reopen()
	if got := h.files(); !slices.Equal(got, []string{"ks.3.aof", "ks.db", "ks.manifest"}) {
		t.Fatalf("files %v", got)
	}
	if got := h.st.Stats().Load.Records; got != 3 {
		t.Fatalf("replayed %d records, want 3", got)
	}
	h.st.Close()
}

func TestStoreTornTailTruncated(t *testing.T) {
	opts := testOptions()
	var logBuf bytes.Buffer
	opts.Logger = slog.New(slog.NewTextHandler(&logBuf, nil))
	h := newHarness(t, opts)
	h.write(20)
	h.st.Close()
	path := filepath.Join(h.dir, "ks.1.aof")
	good, _ := os.ReadFile(path)
	torn, _ := AppendRecord(nil, argv("RPUSH", "l", "never-acknowledged"))
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write(torn[:len(torn)-3])
	f.Close()
	want := h.m.String()
	h.open()
	if got := h.m.String(); got != want {
		t.Fatalf("state %s, want %s", got, want)
	}
	if got := h.st.Stats().Load.TruncatedBytes; got != int64(len(torn)-3) {
		t.Fatalf("truncated %d bytes, want %d", got, len(torn)-3)
	}
	wantMsg := fmt.Sprintf("dropped %d bytes", len(torn)-3)
	if !strings.Contains(logBuf.String(), wantMsg) {
		t.Fatalf("warning does not say %q: %s", wantMsg, logBuf.String())
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, good) {
		t.Fatal("log not truncated back to its last good record")
	}
	h.write(5)
	h.reopen()
	h.st.Close()
}

// A log that is not the newest may not end in a torn record, and a flipped
// byte anywhere is corruption: startup refuses with the file and offset.
func TestStoreCorruption(t *testing.T) {
	setup := func(t *testing.T) *harness {
		h := newHarness(t, testOptions())
		h.write(10)
		r, err := h.st.StartRewrite()
		if err != nil {
			t.Fatal(err)
		}
		h.write(10)
		r.Abort() // logs 1 and 2 both listed, no snapshot
		h.st.Close()
		return h
	}
	t.Run("flip in older log", func(t *testing.T) {
		h := setup(t)
		path := filepath.Join(h.dir, "ks.1.aof")
		data, _ := os.ReadFile(path)
		data[len(data)/2] ^= 0x08
		os.WriteFile(path, data, 0o644)
		_, err := OpenStore(h.dir, "ks", h.opts, newModel())
		if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "corrupt "+path+" at offset ") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("torn tail in older log", func(t *testing.T) {
		h := setup(t)
		path := filepath.Join(h.dir, "ks.1.aof")
		data, _ := os.ReadFile(path)
		os.WriteFile(path, data[:len(data)-4], 0o644)
		_, err := OpenStore(h.dir, "ks", h.opts, newModel())
		if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "corrupt "+path+" at offset ") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("flip in snapshot", func(t *testing.T) {
		h := newHarness(t, testOptions())
		h.write(10)
		if err := h.st.Save(h.m.source()); err != nil {
			t.Fatal(err)
		}
		h.st.Close()
		path := filepath.Join(h.dir, "ks.db")
		data, _ := os.ReadFile(path)
		data[len(data)-20] ^= 0x01
		os.WriteFile(path, data, 0o644)
		_, err := OpenStore(h.dir, "ks", h.opts, newModel())
		if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "corrupt "+path+" at offset ") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("damaged manifest", func(t *testing.T) {
		h := setup(t)
		path := filepath.Join(h.dir, "ks.manifest")
		data, _ := os.ReadFile(path)
		data[len("sundial-manifest 1\nkeyspace ks\nincr ks.")] = '7'
		os.WriteFile(path, data, 0o644)
		_, err := OpenStore(h.dir, "ks", h.opts, newModel())
		if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "corrupt "+path+" at offset ") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("missing log", func(t *testing.T) {
		h := setup(t)
		os.Remove(filepath.Join(h.dir, "ks.1.aof"))
		if _, err := OpenStore(h.dir, "ks", h.opts, newModel()); err == nil || !strings.Contains(err.Error(), "missing") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStoreStrayLogs(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(5)
	h.st.Close()
	// An empty log after the last listed one: left by an interrupted rotation.
	os.WriteFile(filepath.Join(h.dir, "ks.2.aof"), nil, 0o644)
	h.open()
	if fileExists(filepath.Join(h.dir, "ks.2.aof")) {
		t.Fatal("empty stray log not removed")
	}
	h.st.Close()
	// A non-empty unlisted log could hold data nobody would replay.
	rec, _ := AppendRecord(nil, argv("SET", "x", "y"))
	os.WriteFile(filepath.Join(h.dir, "ks.2.aof"), rec, 0o644)
	if _, err := OpenStore(h.dir, "ks", h.opts, newModel()); err == nil || !strings.Contains(err.Error(), "not listed") {
		t.Fatalf("got %v", err)
	}
}

// With the AOF off, only snapshots persist; logs from when it was on are
// replayed and then folded into the next snapshot.
func TestStoreAppendOnlyOff(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(10)
	h.st.Close()
	h.opts.AppendOnly = false
	h.open()
	if seq, err := h.st.Append(argv("SET", "a", "b")); seq != 0 || err != nil {
		t.Fatal("Append with the AOF off should do nothing")
	}
	h.m.Apply(argv("SET", "a", "b"))
	if err := h.st.Save(h.m.source()); err != nil {
		t.Fatal(err)
	}
	h.reopen()
	if got := h.files(); !slices.Equal(got, []string{"ks.db", "ks.manifest"}) {
		t.Fatalf("files %v", got)
	}
	h.st.Close()
	h.opts.AppendOnly = true
	h.open()
	h.write(4)
	h.reopen()
	if got := h.files(); !slices.Equal(got, []string{"ks.2.aof", "ks.db", "ks.manifest"}) {
		t.Fatalf("files %v", got)
	}
	h.st.Close()
}

// A snapshot with no manifest (restored from a backup) is loaded as the base.
func TestStoreSnapshotWithoutManifest(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(12)
	if err := h.st.Save(h.m.source()); err != nil {
		t.Fatal(err)
	}
	h.st.Close()
	for _, f := range h.files() {
		if f != "ks.db" {
			os.Remove(filepath.Join(h.dir, f))
		}
	}
	want := h.m.String()
	h.open()
	if h.m.String() != want {
		t.Fatalf("state %s want %s", h.m.String(), want)
	}
	h.write(2)
	h.reopen()
	h.st.Close()
}

func TestStoreShouldRewrite(t *testing.T) {
	h := newHarness(t, testOptions())
	if h.st.ShouldRewrite(100, 0) {
		t.Fatal("empty store wants a rewrite")
	}
	h.write(20)
	if !h.st.ShouldRewrite(100, 100) {
		t.Fatalf("grown store does not want a rewrite: %+v", h.st.Stats())
	}
	if h.st.ShouldRewrite(100, 1<<20) {
		t.Fatal("rewrite below the minimum size")
	}
	if err := h.st.Save(h.m.source()); err != nil {
		t.Fatal(err)
	}
	if h.st.ShouldRewrite(100, 100) {
		t.Fatal("rewrite wanted right after one")
	}
	st := h.st.Stats()
	if st.CurrentSize != st.BaseSize || st.CurrentSize == 0 {
		t.Fatalf("sizes after rewrite: %+v", st)
	}
	h.st.Close()
}

func TestDataDirLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenDir(dir)
	if !errors.Is(err, ErrDirLocked) || err.Error() != "data dir "+dir+" already locked by another process" {
		t.Fatalf("second lock: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	d2, err := OpenDir(dir)
	if err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
	d2.Close()
}

func TestDataDirKeyspaces(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, name := range []string{"orders", "0", "b-1"} {
		st, err := d.Open(name, testOptions(), newModel())
		if err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644)
	got, err := d.Keyspaces()
	if err != nil || !slices.Equal(got, []string{"0", "b-1", "orders"}) {
		t.Fatalf("keyspaces %v %v", got, err)
	}
	if _, err := d.Open("../x", testOptions(), newModel()); err == nil {
		t.Fatal("bad keyspace name accepted")
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := Manifest{Keyspace: "orders", Base: "orders.db", Incr: []uint64{7, 8}}
	data := m.Encode()
	want := "sundial-manifest 1\nkeyspace orders\nbase orders.db\nincr orders.7.aof\nincr orders.8.aof\n"
	if !strings.HasPrefix(string(data), want) {
		t.Fatalf("encoded %q", data)
	}
	got, err := ParseManifest(data, "orders.manifest", "orders")
	if err != nil || got.Base != m.Base || !slices.Equal(got.Incr, m.Incr) {
		t.Fatalf("parsed %+v %v", got, err)
	}
	for i := range data {
		d := slices.Clone(data)
		d[i] ^= 0x20
		if _, err := ParseManifest(d, "orders.manifest", "orders"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("flip at %d accepted: %v", i, err)
		}
	}
	for cut := 0; cut < len(data); cut++ {
		if _, err := ParseManifest(data[:cut], "orders.manifest", "orders"); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut at %d accepted", cut)
		}
	}
	if _, err := ParseManifest(data, "x.manifest", "other"); err == nil {
		t.Fatal("manifest of another keyspace accepted")
	}
}

// Every step of a compaction can fail (disk full, I/O error): the rewrite
// reports it, the store keeps logging, a later compaction succeeds, and
// recovery yields exactly the state written.
func TestStoreRewriteStepErrors(t *testing.T) {
	steps := []string{"rotate:created", "rotate:dirsynced", "manifest:written", "manifest:synced",
		"manifest:renamed", "snapshot:written", "snapshot:synced", "snapshot:renamed",
		"rewrite:snapshot-committed", "rewrite:manifest-committed", "rewrite:deleted"}
	for _, step := range steps {
		nths := []int{1}
		if strings.HasPrefix(step, "manifest:") {
			nths = []int{1, 2} // the rotation's manifest, then the new base's
		}
		for _, nth := range nths {
			t.Run(fmt.Sprintf("%s#%d", step, nth), func(t *testing.T) {
				h := newHarness(t, testOptions())
				h.write(10)
				if err := h.st.Save(h.m.source()); err != nil {
					t.Fatal(err)
				}
				h.write(5)
				var mu sync.Mutex
				count, fired := 0, false
				injected := errors.New("injected failure")
				setFailpoint(t, func(name string) error {
					mu.Lock()
					defer mu.Unlock()
					if name == step {
						count++
						if count == nth {
							fired = true
							return injected
						}
					}
					return nil
				})
				r, err := h.st.StartRewrite()
				if err != nil {
					t.Fatal(err)
				}
				src := h.m.source()
				h.write(5)
				err = r.Finish(src)
				mu.Lock()
				didFire := fired
				count = -1 << 30 // disarmed
				mu.Unlock()
				if !didFire {
					t.Fatalf("failpoint %s#%d not reached", step, nth)
				}
				if !errors.Is(err, injected) {
					t.Fatalf("Finish after a failed %s: %v", step, err)
				}
				if h.st.Stats().LastRewriteOK {
					t.Fatal("failed rewrite reported ok")
				}
				h.write(5)
				h.reopen()
				h.write(3)
				if err := h.st.Save(h.m.source()); err != nil {
					t.Fatalf("rewrite after the failure: %v", err)
				}
				h.write(2)
				h.reopen()
				h.st.Close()
			})
		}
	}
}

// Recovery itself can be interrupted after cutting a torn tail: running it
// again gives the same result.
func TestStoreRecoveryInterrupted(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(8)
	h.st.Close()
	path := filepath.Join(h.dir, "ks.1.aof")
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{40, 0, 0, 0, 1, 2, 3, 4, '*', '2'})
	f.Close()
	stop := errors.New("stopped")
	setFailpoint(t, func(name string) error {
		if name == "recover:truncated" {
			return stop
		}
		return nil
	})
	if _, err := OpenStore(h.dir, "ks", h.opts, newModel()); !errors.Is(err, stop) {
		t.Fatalf("recovery not interrupted: %v", err)
	}
	failpoint = nil
	want := h.m.String()
	h.open()
	if got := h.m.String(); got != want {
		t.Fatalf("state %s, want %s", got, want)
	}
	h.st.Close()
}
