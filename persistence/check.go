package persistence

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Check verifies every file of a data dir: each keyspace's manifest, base
// snapshot (every block and the whole-file checksum) and logs (framing and
// checksum of every record), that the files named exist, and that the
// snapshot and the logs agree on where one ends and the other begins. It
// takes the data dir's lock, so it refuses to run beside a server.
//
// With fix, a torn tail of a keyspace's newest log is repaired: the file
// is copied to <file>.broken, then truncated at its last good record and
// fsynced. Nothing else is repaired.
//
// It returns the report, one line per finding, and whether the directory
// is clean (after the repairs, when fix is set). err is for failures to
// run the check at all (a missing dir, a lock held by a server).
func Check(dir string, fix bool) (lines []string, clean bool, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, false, err
	}
	if !st.IsDir() {
		return nil, false, fmt.Errorf("%s is not a directory", dir)
	}
	lock, err := LockDir(dir)
	if err != nil {
		return nil, false, err
	}
	defer lock.Unlock()
	names, err := listKeyspaces(dir)
	if err != nil {
		return nil, false, err
	}
	c := &checker{dir: dir, fix: fix}
	c.say("checking data dir %s", dir)
	for _, ks := range names {
		c.keyspace(ks)
	}
	c.tempFiles()
	checked := plural(len(names), "keyspace") + " checked"
	switch {
	case c.problems == 0 && c.fixed == 0:
		c.say("%s: clean", checked)
	case c.problems == 0:
		c.say("%s: %s fixed, now clean", checked, plural(c.fixed, "problem"))
	default:
		c.say("%s: %s (%d fixed)", checked, plural(c.problems, "problem"), c.fixed)
	}
	return c.lines, c.problems == 0, nil
}

type checker struct {
	dir      string
	fix      bool
	lines    []string
	problems int
	fixed    int
}

func (c *checker) say(format string, args ...any) {
	c.lines = append(c.lines, fmt.Sprintf(format, args...))
}

func (c *checker) problem(format string, args ...any) {
	c.problems++
	c.say(format, args...)
}

func (c *checker) path(name string) string { return filepath.Join(c.dir, name) }

// describe renders an error with the reason a CorruptError carries.
func describe(err error) string {
	var ce *CorruptError
	if errors.As(err, &ce) && ce.Reason != "" {
		return ce.Error() + ": " + ce.Reason
	}
	return err.Error()
}

func (c *checker) keyspace(ks string) {
	man, found, err := readManifest(c.dir, ks)
	mpath := c.path(ManifestName(ks))
	switch {
	case err != nil:
		c.problem("%s", describe(err))
		c.unreadableManifest(ks)
		return
	case found:
		c.say("%s: ok (%s)", mpath, manifestSummary(&man))
	default:
		c.say("%s: none", mpath)
		if fileExists(c.path(SnapshotName(ks))) {
			man.Base = SnapshotName(ks)
		}
	}

	var covFile uint64
	var covOff int64
	if man.Base != "" {
		h, ok := c.snapshot(c.path(man.Base), true)
		if !ok {
			return
		}
		covFile, covOff = h.CoversFile, h.CoversOffset
	} else if fileExists(c.path(SnapshotName(ks))) {
		c.say("%s: not named by the manifest: ignored at startup, replaced by the next snapshot", c.path(SnapshotName(ks)))
		c.snapshot(c.path(SnapshotName(ks)), false)
	}
	if err := chainError(c.dir, &man, covFile); err != nil {
		c.problem("%s", err)
	}
	for i, n := range man.Incr {
		c.log(ks, n, i == len(man.Incr)-1, covFile, covOff)
	}
	removable, unexpected, err := classifyStrays(c.dir, &man, covFile)
	if err != nil {
		c.problem("%s: %v", c.dir, err)
		return
	}
	for _, p := range removable {
		c.say("%s: left over from an interrupted compaction or rotation; removed at the next start", p)
	}
	for _, p := range unexpected {
		size, _ := fileSize(p)
		c.problem("%s: %d bytes, not listed in %s and not included in a snapshot", p, size, mpath)
	}
}

func manifestSummary(m *Manifest) string {
	base := "no base snapshot"
	if m.Base != "" {
		base = "base " + m.Base
	}
	switch len(m.Incr) {
	case 0:
		return base + ", no logs"
	case 1:
		return base + ", log " + AOFName(m.Keyspace, m.Incr[0])
	}
	return fmt.Sprintf("%s, logs %s to %s", base, AOFName(m.Keyspace, m.Incr[0]), AOFName(m.Keyspace, m.last()))
}

// unreadableManifest still checks the files of a keyspace whose manifest
// cannot be read, so the report says what is intact.
func (c *checker) unreadableManifest(ks string) {
	if p := c.path(SnapshotName(ks)); fileExists(p) {
		c.snapshot(p, false)
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fks, n, ok := parseAOFName(e.Name()); ok && fks == ks {
			c.log(ks, n, false, 0, 0)
		}
	}
}

// snapshot reads a whole snapshot. named tells whether a manifest relies on
// it (a missing one is then a problem).
func (c *checker) snapshot(path string, named bool) (SnapshotHeader, bool) {
	r, err := OpenSnapshot(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && named {
			c.problem("%s: missing (named by the manifest)", path)
		} else {
			c.problem("%s", describe(err))
		}
		return SnapshotHeader{}, false
	}
	defer r.Close()
	entries := 0 // keys, and whatever else the server keeps as an entry
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			c.problem("%s", describe(err))
			return SnapshotHeader{}, false
		}
		entries++
	}
	h := r.Header()
	covers := "no log records"
	if h.CoversFile > 0 {
		covers = fmt.Sprintf("logs up to %s offset %d", AOFName(h.Keyspace, h.CoversFile), h.CoversOffset)
	}
	c.say("%s: ok (%d entries, %d bytes, keyspace %q, written %s, includes %s)",
		path, entries, r.Size(), h.Keyspace, h.Created.UTC().Format("2006-01-02 15:04:05"), covers)
	return h, true
}

// log reads a whole incremental log, from its start even where the base
// includes it: damage there would mean the files cannot be trusted.
func (c *checker) log(ks string, n uint64, newest bool, covFile uint64, covOff int64) {
	path := c.path(AOFName(ks, n))
	f, err := os.Open(path)
	if err != nil {
		c.problem("%s: %v", path, err)
		return
	}
	defer f.Close()
	rr := NewRecordReader(f, path, 0)
	cr := newCmdReader(rr)
	records := 0
	boundary := covOff == 0
	for {
		cmds, err := cr.Next()
		if err == io.EOF {
			break
		}
		var torn *TornTailError
		if errors.As(err, &torn) {
			if !newest {
				c.problem("corrupt %s at offset %d: torn record in a log that is not the newest", path, torn.Offset)
				return
			}
			c.problem("%s: torn tail at offset %d: %d bytes after the last good record (%d commands before it)",
				path, torn.Offset, torn.Size-torn.Offset, records)
			if c.fix {
				c.repair(torn)
			}
			return
		}
		if err != nil {
			c.problem("%s", describe(err))
			return
		}
		records += len(cmds)
		if rr.Offset() == covOff {
			boundary = true
		}
	}
	if n == covFile && (rr.Offset() < covOff || !boundary) {
		c.problem("%s: the base snapshot includes it up to offset %d, which is not a record boundary of the log", path, covOff)
		return
	}
	note := ""
	switch {
	case n < covFile || n == covFile && rr.Offset() == covOff:
		note = ", all included in the base snapshot"
	case n == covFile:
		note = fmt.Sprintf(", included in the base snapshot up to offset %d", covOff)
	}
	c.say("%s: ok (%d commands, %d bytes%s)", path, records, rr.Offset(), note)
}

// repair copies a log with a torn tail to <file>.broken and truncates it.
func (c *checker) repair(t *TornTailError) {
	data, err := os.ReadFile(t.File)
	if err == nil {
		err = writeSynced(t.File+".broken", data)
	}
	if err == nil {
		err = truncateSynced(t.File, t.Offset)
	}
	if err != nil {
		c.say("%s: fix failed: %v", t.File, err)
		return
	}
	c.problems--
	c.fixed++
	c.say("%s: fixed: copied to %s and truncated to %d bytes", t.File, t.File+".broken", t.Offset)
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	return err
}

func truncateSynced(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if err == nil {
		err = fdatasync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// tempFiles reports temp files of interrupted writes: harmless, removed at
// the next start.
func (c *checker) tempFiles() {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".tmp")
		if ok && keyspaceOf(name) != "" {
			c.say("%s: temp file of an interrupted write; removed at the next start", c.path(e.Name()))
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
