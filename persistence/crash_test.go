package persistence

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The crash tests run a scripted workload (writes, two compactions with
// writes arriving during them, a snapshot with the AOF off) in a child
// process that exits abruptly at the k-th passage through one failpoint,
// then recover the directory and check that the state is exactly the
// result of a prefix of the writes that includes every acknowledged one:
// nothing lost, nothing applied twice.

const (
	envCrashDir = "SUNDIAL_PERSISTENCE_CRASH_DIR"
	envCrashAt  = "SUNDIAL_PERSISTENCE_CRASH_AT"
	envCrashNth = "SUNDIAL_PERSISTENCE_CRASH_NTH"
	crashExit   = 42
	totalWrites = 40
)

// crashWorkload performs the scripted writes, printing "ack N" once write
// N is durable.
func crashWorkload(dir string, out *os.File) error {
	m := newModel()
	opts := testOptions()
	st, err := OpenStore(dir, "ks", opts, m)
	if err != nil {
		return err
	}
	n := 0
	write := func(k int) error {
		for i := 0; i < k; i++ {
			n++
			a := argv("RPUSH", "l", strconv.Itoa(n))
			m.Apply(a)
			seq, err := st.Append(a)
			if err != nil {
				return err
			}
			if err := st.WaitDurable(seq); err != nil {
				return err
			}
			fmt.Fprintf(out, "ack %d\n", n)
		}
		return nil
	}
	steps := []func() error{
		func() error { return write(8) },
		func() error { return compactWith(st, m, func() error { return write(4) }) },
		func() error {
			// An abandoned rewrite leaves two logs listed for the next one.
			r, err := st.StartRewrite()
			if err != nil {
				return err
			}
			err = write(4)
			r.Abort()
			return err
		},
		func() error { return write(4) },
		func() error { return compactWith(st, m, func() error { return write(4) }) },
		func() error { return write(6) },
		func() error { return st.Close() },
		func() error {
			// A snapshot with the AOF off folds the logs into the base.
			opts.AppendOnly = false
			m2 := newModel()
			st2, err := OpenStore(dir, "ks", opts, m2)
			if err != nil {
				return err
			}
			if err := st2.Save(m2.source()); err != nil {
				return err
			}
			st2.Close()
			opts.AppendOnly = true
			m3 := newModel()
			st, err = OpenStore(dir, "ks", opts, m3)
			if err == nil && m3.String() != m.String() {
				err = fmt.Errorf("state after the AOF-off snapshot: %s, want %s", m3, m)
			}
			m.keys = m3.keys
			return err
		},
		func() error { return write(totalWrites - 30) },
		func() error { return compactWith(st, m, func() error { return nil }) },
		func() error { return st.Close() },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if n != totalWrites {
		return fmt.Errorf("workload wrote %d, want %d", n, totalWrites)
	}
	return nil
}

// compactWith starts a rewrite, runs during() while it is in progress, and
// finishes it with the state captured at the start.
func compactWith(st *Store, m *model, during func() error) error {
	r, err := st.StartRewrite()
	if err != nil {
		return err
	}
	src := m.source()
	if err := during(); err != nil {
		return err
	}
	return r.Finish(src)
}

// TestCrashChild is the child process; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(envCrashDir)
	if dir == "" {
		t.Skip("child process of the crash tests")
	}
	at := os.Getenv(envCrashAt)
	nth, _ := strconv.Atoi(os.Getenv(envCrashNth))
	var mu sync.Mutex
	seen := map[string]int{}
	failpoint = func(name string) error {
		mu.Lock()
		seen[name]++
		c := seen[name]
		mu.Unlock()
		if at == "list" {
			fmt.Fprintf(os.Stdout, "point %s\n", name)
		}
		if name == at && c == nth {
			os.Exit(crashExit)
		}
		return nil
	}
	if err := crashWorkload(dir, os.Stdout); err != nil {
		fmt.Fprintf(os.Stdout, "error %v\n", err)
		os.Exit(3)
	}
	fmt.Fprintln(os.Stdout, "done")
}

func runCrashChild(t *testing.T, dir, at string, nth int) (lines []string, exit int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashAt+"="+at, envCrashNth+"="+strconv.Itoa(nth))
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		exit = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, exit
}

func TestCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process per crash point")
	}
	lines, exit := runCrashChild(t, t.TempDir(), "list", 0)
	if exit != 0 {
		t.Fatalf("workload failed: %v", lines)
	}
	counts := map[string]int{}
	var order []string
	for _, l := range lines {
		if name, ok := strings.CutPrefix(l, "point "); ok {
			if counts[name] == 0 {
				order = append(order, name)
			}
			counts[name]++
		}
	}
	for _, must := range []string{"aof:write", "aof:sync", "rotate:created", "rotate:dirsynced",
		"manifest:written", "manifest:synced", "manifest:renamed", "snapshot:written",
		"snapshot:synced", "snapshot:renamed", "rewrite:snapshot-committed",
		"rewrite:manifest-committed", "rewrite:deleted"} {
		if counts[must] == 0 {
			t.Fatalf("workload never passes failpoint %s (saw %v)", must, counts)
		}
	}
	runs := 0
	for _, name := range order {
		for _, nth := range crashOccurrences(counts[name]) {
			runs++
			t.Run(fmt.Sprintf("%s#%d", name, nth), func(t *testing.T) {
				checkCrash(t, name, nth)
			})
		}
	}
	t.Logf("%d crash points", runs)
}

// crashOccurrences picks which passages through a failpoint to crash at:
// all of them for the rare steps, a spread for the per-write ones.
func crashOccurrences(n int) []int {
	if n <= 12 {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	picks := []int{1, 2, 3, n / 4, n / 2, 3 * n / 4, n - 1, n}
	slices.Sort(picks)
	return slices.Compact(picks)
}

func checkCrash(t *testing.T, at string, nth int) {
	dir := t.TempDir()
	lines, exit := runCrashChild(t, dir, at, nth)
	if exit != crashExit {
		t.Fatalf("child did not crash at %s#%d (exit %d): %v", at, nth, exit, lines)
	}
	acked := 0
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "ack "); ok {
			acked, _ = strconv.Atoi(v)
		}
	}
	// Recover twice: the first recovery cleans up, the second must agree.
	for round := 0; round < 2; round++ {
		m := newModel()
		st, err := OpenStore(dir, "ks", testOptions(), m)
		if err != nil {
			t.Fatalf("recovery %d after crash at %s#%d: %v", round, at, nth, err)
		}
		list := m.keys["l"]
		if len(list) < acked || len(list) > totalWrites {
			t.Fatalf("recovered %d writes, %d were acknowledged", len(list), acked)
		}
		for i, v := range list {
			if v != strconv.Itoa(i+1) {
				t.Fatalf("recovered list %v: write %d is %s (lost or applied twice)", list, i+1, v)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// No temp files or unlisted logs survive recovery.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Fatalf("temp file %s left after recovery", e.Name())
		}
	}
}

// A crash never leaves a stale lock: the child takes the lock and exits
// without releasing it.
func TestLockReleasedByCrash(t *testing.T) {
	if dir := os.Getenv(envCrashDir); dir != "" && os.Getenv(envCrashAt) == "lock" {
		if _, err := OpenDir(dir); err != nil {
			os.Exit(3)
		}
		os.Exit(crashExit)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockReleasedByCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashAt+"=lock")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != crashExit {
		t.Fatalf("child: %v", err)
	}
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatalf("lock after the holder crashed: %v", err)
	}
	d.Close()
}
