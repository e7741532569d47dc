package persistence

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrRewriteInProgress is returned by StartRewrite while one runs.
var ErrRewriteInProgress = errors.New("persistence: background rewrite already in progress")

var errRewriteAborted = errors.New("persistence: rewrite aborted")

// Rewrite is a compaction in progress: a new base snapshot of the state at
// the moment StartRewrite was called, plus a fresh log for everything
// after it. Snapshots (SAVE, BGSAVE, shutdown) and AOF rewrites are the
// same operation.
//
// The steps, and why a crash between any two of them recovers exactly:
//
//  1. StartRewrite marks a switch point in the AOF stream (no I/O).
//  2. The writer goroutine fsyncs the current log N, creates log N+1,
//     fsyncs the directory, and writes a manifest listing N+1; only then
//     does it write records that follow the switch point, to N+1.
//     Crash before the manifest: N+1 is an empty unlisted file, removed
//     at startup; the old manifest and logs are intact.
//  3. Finish writes the snapshot to <ks>.db.tmp, fsyncs it, renames it
//     over <ks>.db and fsyncs the directory. Its header says it includes
//     logs up to N (to N's final size). Crash before the rename: the
//     temp file is removed at startup. Crash after it: recovery loads the
//     new snapshot and, whatever the manifest still lists, skips the logs
//     the snapshot includes.
//  4. Finish writes a manifest naming the snapshot and logs N+1…; then
//  5. deletes logs up to N. A crash before the deletions leaves
//     unlisted logs that the base includes: removed at startup.
type Rewrite struct {
	s        *Store
	rot      <-chan rotateResult // nil without an AOF
	start    time.Time
	finished bool
}

// StartRewrite begins a compaction. Call it with the execution lock held,
// at the same instant as taking the point-in-time view that Finish will
// write: every record appended before this call is in that view, and every
// one after it goes to the new log. It does no I/O.
func (s *Store) StartRewrite() (*Rewrite, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if s.rewriting {
		return nil, ErrRewriteInProgress
	}
	s.rewriting = true
	r := &Rewrite{s: s, start: time.Now()}
	if s.aof != nil {
		r.rot = s.aof.requestRotation(true)
	}
	return r, nil
}

// Finish writes the snapshot from src, switches the manifest to it and
// removes the logs it replaces. It may run on any goroutine, while writes
// continue. On error the previous files stay in charge and nothing is lost.
func (r *Rewrite) Finish(src EntrySource) (err error) {
	if r.finished {
		return errors.New("persistence: rewrite already finished")
	}
	r.finished = true
	s := r.s
	defer func() { s.endRewrite(r.start, err) }()

	covFile, covOff, err := r.coverage()
	if err != nil {
		return err
	}
	path := s.path(SnapshotName(s.name))
	hdr := SnapshotHeader{Keyspace: s.name, CoversFile: covFile, CoversOffset: covOff}
	w, err := NewSnapshotWriter(path, hdr, s.opts.Snapshot)
	if err != nil {
		return err
	}
	if err := src(w.Add); err != nil {
		w.Abort()
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	size, err := w.Commit()
	if err != nil {
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	if err := fail("rewrite:snapshot-committed"); err != nil {
		return err
	}
	old, err := s.installBase(covFile, covOff, size)
	if err != nil {
		return fmt.Errorf("switching manifest to %s: %w", path, err)
	}
	if err := fail("rewrite:manifest-committed"); err != nil {
		return err
	}
	for _, n := range old {
		p := s.path(AOFName(s.name, n))
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("cannot remove compacted log; it will be removed at startup", "file", p, "err", err)
		}
		if err := fail("rewrite:deleted"); err != nil {
			return err
		}
	}
	if len(old) > 0 {
		if err := syncDir(s.dir); err != nil {
			s.log.Warn("cannot fsync data dir after removing compacted logs", "dir", s.dir, "err", err)
		}
	}
	return nil
}

// Abort gives up a rewrite that Finish will not be called for. The log
// switch, if it happened, stays: it is harmless.
func (r *Rewrite) Abort() {
	if r.finished {
		return
	}
	r.finished = true
	r.s.endRewrite(r.start, errRewriteAborted)
}

// Save writes a snapshot now and waits for it (SAVE, shutdown): StartRewrite
// and Finish in one call. The caller must keep the keyspace unchanged until
// it returns.
func (s *Store) Save(src EntrySource) error {
	r, err := s.StartRewrite()
	if err != nil {
		return err
	}
	return r.Finish(src)
}

// coverage waits for the log switch and returns the position the snapshot
// will include: all of the log that was closed.
func (r *Rewrite) coverage() (uint64, int64, error) {
	s := r.s
	if r.rot != nil {
		res := <-r.rot
		if res.err != nil {
			return 0, 0, fmt.Errorf("switching to a new AOF: %w", res.err)
		}
		return res.oldNum, res.oldSize, nil
	}
	// No writer: nothing is appended to the listed logs, and all of them
	// were replayed into the state being saved.
	s.manMu.Lock()
	defer s.manMu.Unlock()
	if last := s.man.last(); last > 0 {
		size, err := fileSize(s.path(AOFName(s.name, last)))
		if err != nil {
			return 0, 0, err
		}
		return last, size, nil
	}
	return s.covFile, s.covOff, nil
}

// installBase points the manifest at the new snapshot and returns the logs
// it makes obsolete.
func (s *Store) installBase(covFile uint64, covOff int64, size int64) ([]uint64, error) {
	s.manMu.Lock()
	defer s.manMu.Unlock()
	m := Manifest{Keyspace: s.name, Base: SnapshotName(s.name)}
	var old []uint64
	for _, n := range s.man.Incr {
		if n < covFile {
			old = append(old, n)
			continue
		}
		if n == covFile {
			// Included whole unless records were added after the switch
			// point, which only a writer without rotation could do.
			if sz, err := fileSize(s.path(AOFName(s.name, n))); err == nil && sz == covOff {
				old = append(old, n)
				continue
			}
		}
		m.Incr = append(m.Incr, n)
	}
	if err := writeManifest(s.dir, &m); err != nil {
		return nil, err
	}
	s.man = m
	s.covFile, s.covOff = covFile, covOff
	s.mu.Lock()
	s.baseFileSize = size
	s.mu.Unlock()
	closed := s.listedLogBytes()
	s.mu.Lock()
	s.closedIncrSize = closed
	s.mu.Unlock()
	return old, nil
}

func (s *Store) endRewrite(start time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rewriting = false
	s.lastRewriteDur = time.Since(start)
	if err != nil {
		s.lastRewriteOK = false
		s.lastRewriteErr = err
		s.rewriteFailures++
		if err != errRewriteAborted {
			s.log.Warn("rewrite failed", "keyspace", s.name, "err", err)
		}
		return
	}
	s.lastRewriteOK = true
	s.lastRewriteErr = nil
	s.rewriteFailures = 0
	s.rewrites++
	s.lastSave = time.Now()
	s.rewriteBaseSize = s.currentSizeLocked()
}
