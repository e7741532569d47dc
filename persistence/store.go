package persistence

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Options configures a Store.
type Options struct {
	// AppendOnly turns the AOF on (appendonly yes). Off, writes are not
	// logged and only snapshots persist data; logs left from a time it was
	// on are still replayed at startup.
	AppendOnly bool
	// Fsync is the appendfsync policy.
	Fsync FsyncPolicy
	// Snapshot tunes snapshot writing (snapshot-compress-threshold).
	Snapshot SnapshotOptions
	// MaxRecordSize bounds one AOF record when loading; 0 means
	// DefaultMaxRecordSize.
	MaxRecordSize int
	// Logger receives warnings (a truncated torn tail) and load progress;
	// nil means slog.Default().
	Logger *slog.Logger
	// Progress, if set, is called while loading with the bytes processed
	// so far and the total, about every megabyte and once at the end.
	Progress func(done, total int64)
}

// DefaultOptions returns the defaults of the file backend: AOF on,
// appendfsync everysec, snapshot blocks above 64kb compressed.
func DefaultOptions() Options {
	return Options{
		AppendOnly: true,
		Fsync:      FsyncEverySec,
		Snapshot:   SnapshotOptions{CompressThreshold: DefaultCompressThreshold},
	}
}

// Loader receives a keyspace's data during recovery: first every entry of
// the base snapshot, then every AOF record written after it, in order. The
// slices passed are only valid during the call.
type Loader interface {
	LoadEntry(e Entry) error
	Apply(argv [][]byte) error
}

// LoaderFuncs adapts two functions to a Loader; a nil one ignores its input.
type LoaderFuncs struct {
	Entry   func(e Entry) error
	Command func(argv [][]byte) error
}

// LoadEntry calls l.Entry.
func (l LoaderFuncs) LoadEntry(e Entry) error {
	if l.Entry == nil {
		return nil
	}
	return l.Entry(e)
}

// Apply calls l.Command.
func (l LoaderFuncs) Apply(argv [][]byte) error {
	if l.Command == nil {
		return nil
	}
	return l.Command(argv)
}

// EntrySource produces the entries of a snapshot by calling add once per
// key, stopping at the first error add returns. It must walk a consistent
// point-in-time view of the keyspace.
type EntrySource func(add func(Entry) error) error

// LoadStats describes what recovery did.
type LoadStats struct {
	Entries        int64 // keys loaded from the base snapshot
	Records        int64 // AOF records replayed
	Bytes          int64 // bytes read
	TruncatedBytes int64 // torn tail dropped from the newest log
	Duration       time.Duration
}

// Store is the set of files of one keyspace: base snapshot, incremental
// logs and the manifest that ties them together. It is safe for concurrent
// use; Append should be called under the caller's execution lock so that
// the log order is the execution order.
type Store struct {
	dir, name string
	opts      Options
	log       *slog.Logger

	manMu   sync.Mutex // serialises manifest changes: rotation, rewrite
	man     Manifest
	covFile uint64 // what the current base includes (see SnapshotHeader)
	covOff  int64

	aof *AOF // nil when AppendOnly is off

	mu              sync.Mutex
	closed          bool
	rewriting       bool
	baseFileSize    int64
	closedIncrSize  int64 // listed logs other than the one being appended to
	rewriteBaseSize int64
	lastRewriteOK   bool
	lastRewriteErr  error
	rewrites        int64
	rewriteFailures int64
	lastRewriteDur  time.Duration
	lastSave        time.Time
	load            LoadStats
}

// OpenStore recovers keyspace name from dir into l and opens its log for
// appending. The caller must hold the data dir's lock (see OpenDir).
//
// Recovery reads the manifest, loads the base snapshot, and replays the
// incremental logs from the position the snapshot covers. A torn tail of
// the newest log is truncated with a warning; any other damage stops
// recovery with a *CorruptError. Files left by an interrupted compaction or
// rotation are removed once recovery has succeeded.
func OpenStore(dir, name string, opts Options, l Loader) (*Store, error) {
	if !ValidKeyspaceName(name) {
		return nil, fmt.Errorf("persistence: invalid keyspace name %q", name)
	}
	s := &Store{dir: dir, name: name, opts: opts, log: opts.Logger, lastRewriteOK: true}
	if s.log == nil {
		s.log = slog.Default()
	}
	start := time.Now()
	for _, tmp := range []string{ManifestName(name) + ".tmp", SnapshotName(name) + ".tmp"} {
		if err := os.Remove(s.path(tmp)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	man, found, err := readManifest(dir, name)
	if err != nil {
		return nil, err
	}
	if !found && fileExists(s.path(SnapshotName(name))) {
		// A snapshot without a manifest (restored from a backup, or
		// written by a store without the AOF): it is the base.
		man.Base = SnapshotName(name)
	}
	s.man = man
	if man.Base != "" {
		if err := s.readBaseHeader(); err != nil {
			return nil, err
		}
	}
	if err := s.checkChain(); err != nil {
		return nil, err
	}
	strays, err := s.strayLogs()
	if err != nil {
		return nil, err
	}
	if err := s.loadAll(l); err != nil {
		return nil, err
	}
	s.load.Duration = time.Since(start)
	for _, p := range strays {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("cannot remove leftover file", "file", p, "err", err)
		}
	}
	if err := s.openLog(!found); err != nil {
		return nil, err
	}
	s.closedIncrSize = s.listedLogBytes()
	s.rewriteBaseSize = s.currentSizeLocked()
	s.lastSave = time.Now()
	return s, nil
}

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func (s *Store) readBaseHeader() error {
	path := s.path(s.man.Base)
	r, err := OpenSnapshot(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s names %s, which is missing", s.path(ManifestName(s.name)), path)
		}
		return err
	}
	defer r.Close()
	h := r.Header()
	if h.Keyspace != s.name {
		s.log.Warn("snapshot was written for another keyspace; loading it as this one",
			"file", path, "snapshot_keyspace", h.Keyspace, "keyspace", s.name)
	}
	s.covFile, s.covOff = h.CoversFile, h.CoversOffset
	s.baseFileSize = r.Size()
	return nil
}

// checkChain verifies that the logs listed follow each other and join the
// base without a gap.
func (s *Store) checkChain() error {
	return chainError(s.dir, &s.man, s.covFile)
}

func chainError(dir string, m *Manifest, covFile uint64) error {
	for i := 1; i < len(m.Incr); i++ {
		if m.Incr[i] != m.Incr[i-1]+1 {
			return fmt.Errorf("%s: %s is listed after %s: a log is missing",
				filepath.Join(dir, ManifestName(m.Keyspace)), AOFName(m.Keyspace, m.Incr[i]), AOFName(m.Keyspace, m.Incr[i-1]))
		}
	}
	if m.Base != "" && len(m.Incr) > 0 && m.Incr[0] > covFile+1 {
		return fmt.Errorf("%s includes the logs up to number %d, but the first log listed is %s: records are missing",
			filepath.Join(dir, m.Base), covFile, AOFName(m.Keyspace, m.Incr[0]))
	}
	return nil
}

// strayLogs finds this keyspace's logs that the manifest does not list. Two
// kinds are expected after a crash and are removed once loading succeeds:
// logs a finished compaction had not yet deleted (the base includes them)
// and an empty log a rotation created before the manifest named it.
// Anything else could hold data nobody would replay: refuse to start.
func (s *Store) strayLogs() ([]string, error) {
	strays, unexpected, err := classifyStrays(s.dir, &s.man, s.covFile)
	if err != nil {
		return nil, err
	}
	if len(unexpected) > 0 {
		size, _ := fileSize(unexpected[0])
		return nil, fmt.Errorf("%s (%d bytes) is not listed in %s and not included in a snapshot; run sundial check",
			unexpected[0], size, s.path(ManifestName(s.name)))
	}
	return strays, nil
}

// classifyStrays sorts the unlisted logs of m's keyspace into those safe to
// remove and those that may hold data.
func classifyStrays(dir string, m *Manifest, covFile uint64) (removable, unexpected []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	listed := make(map[uint64]bool, len(m.Incr))
	for _, n := range m.Incr {
		listed[n] = true
	}
	first := uint64(0)
	if len(m.Incr) > 0 {
		first = m.Incr[0]
	}
	for _, e := range entries {
		ks, n, ok := parseAOFName(e.Name())
		if !ok || ks != m.Keyspace || listed[n] {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if n <= covFile && (first == 0 || n < first) {
			removable = append(removable, path)
			continue
		}
		size, err := fileSize(path)
		if err != nil {
			return nil, nil, err
		}
		if n > max(m.last(), covFile) && size == 0 {
			removable = append(removable, path)
			continue
		}
		unexpected = append(unexpected, path)
	}
	return removable, unexpected, nil
}

// replayStart returns where replay of log n begins, or -1 to skip it.
func (s *Store) replayStart(n uint64) int64 {
	switch {
	case n < s.covFile:
		return -1
	case n == s.covFile:
		return s.covOff
	}
	return 0
}

func (s *Store) loadAll(l Loader) error {
	var total int64
	if s.man.Base != "" {
		total += s.baseFileSize
	}
	for _, n := range s.man.Incr {
		from := s.replayStart(n)
		if from < 0 {
			continue
		}
		size, err := fileSize(s.path(AOFName(s.name, n)))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%s lists %s, which is missing", s.path(ManifestName(s.name)), s.path(AOFName(s.name, n)))
			}
			return err
		}
		if size < from {
			return fmt.Errorf("%s includes %d bytes of %s, which has only %d",
				s.path(s.man.Base), from, s.path(AOFName(s.name, n)), size)
		}
		total += size - from
	}
	p := &progress{total: total, fn: s.opts.Progress, log: s.log, name: s.name}
	if s.man.Base != "" {
		if err := s.loadBase(l, p); err != nil {
			return err
		}
	}
	for i, n := range s.man.Incr {
		from := s.replayStart(n)
		if from < 0 {
			continue
		}
		if err := s.replay(n, from, i == len(s.man.Incr)-1, l, p); err != nil {
			return err
		}
	}
	p.finish()
	s.load.Bytes = p.done
	return nil
}

func (s *Store) loadBase(l Loader, p *progress) error {
	path := s.path(s.man.Base)
	r, err := OpenSnapshot(path)
	if err != nil {
		return err
	}
	defer r.Close()
	base := p.done
	for {
		e, err := r.Next()
		if err == io.EOF {
			p.set(base + r.Offset())
			return nil
		}
		if err != nil {
			return err
		}
		if err := l.LoadEntry(e); err != nil {
			return fmt.Errorf("loading %s: key %q: %w", path, e.Key, err)
		}
		s.load.Entries++
		p.set(base + r.Offset())
	}
}

// replay applies the records of log n from byte from. Only the newest log
// may end in a torn record (or an unfinished MULTI group); it is cut off
// there.
func (s *Store) replay(n uint64, from int64, newest bool, l Loader, p *progress) error {
	path := s.path(AOFName(s.name, n))
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return err
	}
	rr := NewRecordReader(f, path, from)
	if s.opts.MaxRecordSize > 0 {
		rr.SetMaxRecordSize(s.opts.MaxRecordSize)
	}
	cr := newCmdReader(rr)
	base := p.done - from
	for {
		at := cr.Offset()
		cmds, err := cr.Next()
		if err == io.EOF {
			return nil
		}
		var torn *TornTailError
		if errors.As(err, &torn) {
			if !newest {
				return &CorruptError{File: path, Offset: torn.Offset, Reason: "torn record in a log that is not the newest"}
			}
			return s.truncateTorn(torn)
		}
		if err != nil {
			return err
		}
		for _, argv := range cmds {
			if err := l.Apply(argv); err != nil {
				return fmt.Errorf("replaying %s at offset %d: %w", path, at, err)
			}
			s.load.Records++
		}
		p.set(base + cr.Offset())
	}
}

func (s *Store) truncateTorn(t *TornTailError) error {
	dropped := t.Size - t.Offset
	f, err := os.OpenFile(t.File, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Truncate(t.Offset); err != nil {
		return err
	}
	if err := fail("recover:truncated"); err != nil {
		return err
	}
	if err := fdatasync(f); err != nil {
		return err
	}
	s.load.TruncatedBytes += dropped
	s.log.Warn(fmt.Sprintf("AOF %s ends in a torn record: truncated to %d bytes, dropped %d bytes",
		t.File, t.Offset, dropped), "file", t.File, "offset", t.Offset, "dropped_bytes", dropped)
	return nil
}

// openLog starts the AOF writer on the newest log, first creating one if
// there is none to append to, and writes the manifest if it is new.
func (s *Store) openLog(newManifest bool) error {
	if !s.opts.AppendOnly {
		if newManifest && s.man.Base != "" {
			return writeManifest(s.dir, &s.man)
		}
		return nil
	}
	last := s.man.last()
	if len(s.man.Incr) == 0 || last <= s.covFile {
		num := max(last, s.covFile) + 1
		f, err := s.createLog(num)
		if err != nil {
			return err
		}
		f.Close()
		s.man.Incr = append(s.man.Incr, num)
		newManifest = true
	}
	if newManifest {
		if err := writeManifest(s.dir, &s.man); err != nil {
			return err
		}
	}
	num := s.man.last()
	f, err := os.OpenFile(s.path(AOFName(s.name, num)), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	s.aof = startAOF(f, num, st.Size(), s.opts.Fsync, s.openNext)
	return nil
}

// createLog creates an empty log and makes its directory entry durable, so
// that a manifest naming it can never point at a file that is not there.
func (s *Store) createLog(num uint64) (*os.File, error) {
	path := s.path(AOFName(s.name, num))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	err = fail("rotate:created")
	if err == nil {
		err = syncDir(s.dir)
	}
	if err == nil {
		err = fail("rotate:dirsynced")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// openNext is the AOF writer's rotation: it runs on the writer goroutine
// after the current log (number cur, curSize bytes) has been fsynced, and
// adds a new empty log to the manifest before anything is written to it.
func (s *Store) openNext(cur uint64, curSize int64) (*os.File, uint64, error) {
	s.manMu.Lock()
	defer s.manMu.Unlock()
	num := max(s.man.last(), cur) + 1
	f, err := s.createLog(num)
	if err != nil {
		os.Remove(s.path(AOFName(s.name, num)))
		return nil, 0, err
	}
	m := s.man.clone()
	m.Incr = append(m.Incr, num)
	if err := writeManifest(s.dir, &m); err != nil {
		// The file stays: if the new manifest did reach the disk it names
		// it; if not, it is an empty stray that the next start removes.
		f.Close()
		return nil, 0, err
	}
	s.man = m
	s.mu.Lock()
	s.closedIncrSize += curSize
	s.mu.Unlock()
	return f, num, nil
}

// listedLogBytes sums the sizes of the listed logs other than the one the
// writer appends to.
func (s *Store) listedLogBytes() int64 {
	var sum int64
	for i, n := range s.man.Incr {
		if s.aof != nil && i == len(s.man.Incr)-1 {
			break
		}
		if size, err := fileSize(s.path(AOFName(s.name, n))); err == nil {
			sum += size
		}
	}
	return sum
}

// Name returns the keyspace name.
func (s *Store) Name() string { return s.name }

// Dir returns the data dir.
func (s *Store) Dir() string { return s.dir }

// Append logs a write command; see AOF.Append. With AppendOnly off it does
// nothing and returns 0.
func (s *Store) Append(argv [][]byte) (uint64, error) {
	if s.aof == nil {
		return 0, nil
	}
	return s.aof.Append(argv)
}

// WaitDurable waits until record seq is on disk if appendfsync is always;
// see AOF.WaitDurable.
func (s *Store) WaitDurable(seq uint64) error {
	if s.aof == nil {
		return nil
	}
	return s.aof.WaitDurable(seq)
}

// SetFsync changes the appendfsync policy at runtime.
func (s *Store) SetFsync(p FsyncPolicy) {
	s.mu.Lock()
	s.opts.Fsync = p
	s.mu.Unlock()
	if s.aof != nil {
		s.aof.SetPolicy(p)
	}
}

// DurableSeq returns the last sequence number of Append or AppendMulti
// known to be on disk (0 with AppendOnly off).
func (s *Store) DurableSeq() uint64 {
	if s.aof == nil {
		return 0
	}
	return s.aof.DurableSeq()
}

// Flush writes and fsyncs everything appended so far.
func (s *Store) Flush() error {
	if s.aof == nil {
		return nil
	}
	return s.aof.Flush()
}

// Close flushes and fsyncs the log and closes it. It does not write a
// snapshot: call Save first for that.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if s.aof != nil {
		return s.aof.Close()
	}
	return nil
}

// Stats is what INFO persistence reports for a keyspace.
type Stats struct {
	AOFEnabled          bool
	AOF                 AOFStats
	CurrentSize         int64 // aof_current_size: base snapshot + logs
	BaseSize            int64 // aof_base_size: CurrentSize after the last rewrite or load
	SnapshotSize        int64 // bytes of the base snapshot (0 without one)
	RewriteInProgress   bool
	LastRewriteOK       bool // aof_last_bgrewrite_status
	LastRewriteErr      error
	Rewrites            int64
	RewriteFailures     int64 // consecutive
	LastRewriteDuration time.Duration
	LastSave            time.Time // rdb_last_save_time
	Load                LoadStats
	Files               Manifest
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	var as AOFStats
	if s.aof != nil {
		as = s.aof.Stats()
	}
	s.manMu.Lock()
	files := s.man.clone()
	s.manMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{
		AOFEnabled:          s.aof != nil,
		AOF:                 as,
		CurrentSize:         s.currentSizeLocked(),
		BaseSize:            s.rewriteBaseSize,
		SnapshotSize:        s.baseFileSize,
		RewriteInProgress:   s.rewriting,
		LastRewriteOK:       s.lastRewriteOK,
		LastRewriteErr:      s.lastRewriteErr,
		Rewrites:            s.rewrites,
		RewriteFailures:     s.rewriteFailures,
		LastRewriteDuration: s.lastRewriteDur,
		LastSave:            s.lastSave,
		Load:                s.load,
		Files:               files,
	}
}

func (s *Store) currentSizeLocked() int64 {
	size := s.baseFileSize + s.closedIncrSize
	if s.aof != nil {
		size += s.aof.fileSize.Load()
	}
	return size
}

// ShouldRewrite applies Redis's auto-aof-rewrite rule: the files exceed
// minSize and have grown by percent since the last rewrite (percent 0
// disables it). It is false while a rewrite runs.
func (s *Store) ShouldRewrite(percent int, minSize int64) bool {
	if percent <= 0 || s.aof == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rewriting || s.closed {
		return false
	}
	cur := s.currentSizeLocked()
	if cur <= minSize {
		return false
	}
	base := max(s.rewriteBaseSize, 1)
	return cur*100/base-100 >= int64(percent)
}

// progress reports loading progress: to the Progress hook about every
// megabyte, and to the log every 10% for loads over 64 MB.
type progress struct {
	total, done, reported int64
	logged                int64
	fn                    func(done, total int64)
	log                   *slog.Logger
	name                  string
}

const progressLogMin = 64 << 20

func (p *progress) set(done int64) {
	p.done = done
	if done-p.reported < 1<<20 {
		return
	}
	p.reported = done
	if p.fn != nil {
		p.fn(done, p.total)
	}
	if p.total > progressLogMin && p.total > 0 {
		tenth := done * 10 / p.total
		if tenth > p.logged {
			p.logged = tenth
			p.log.Info(fmt.Sprintf("loading keyspace %s: %d%% (%d of %d bytes)", p.name, tenth*10, done, p.total))
		}
	}
}

func (p *progress) finish() {
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
}
