package server

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sundial/commands"
	"sundial/config"
	"sundial/keyspace"
	"sundial/persistence"
)

// OpenBackend prepares the storage backend selected by cfg.Backend and
// returns a function that releases it. With the file backend it locks the
// data dir (a *persistence.LockedError if another process holds it),
// starts loading every keyspace found there in the background (the engine
// reports loading meanwhile) and logs writes from then on.
func OpenBackend(s *Server) (func(), error) {
	switch s.Cfg.Backend {
	case "memory":
		return func() {}, nil
	}
	b, err := openFileBackend(s)
	if err != nil {
		return nil, err
	}
	return b.release, nil
}

// fileBackend ties the engine to the persistence package: one
// persistence.Store (snapshot + logs) per keyspace that has data.
type fileBackend struct {
	s   *Server
	e   *commands.Engine
	cfg *config.Config
	log *slog.Logger
	dir *persistence.DataDir

	// Guarded by e.Mu.
	stores     map[*keyspace.DB]*ksFiles
	order      []*ksFiles // sorted by name
	live       bool       // loaded and not shut down: writes are logged
	stopping   bool
	closed     bool
	group      []groupRec // the MULTI … EXEC group being collected
	groupBuf   []byte     // copies of the group's arguments
	groupDepth int
	gseq       uint64 // global write sequence handed to the engine
	fsyncName  string
	fsync      persistence.FsyncPolicy
	writeErr   error // the last failure to log a write
	job        *snapJob
	scheduled  bool // BGREWRITEAOF asked for while another snapshot ran
	bgsaveNext bool // BGSAVE asked for inside MULTI … EXEC
	hist       jobHistory

	// Durability: which store sequences a global sequence waits for.
	dmu     sync.Mutex
	waiters []*ksFiles

	// Loading.
	loadStart time.Time
	loadTotal atomic.Int64
	loadDone  atomic.Int64 // bytes of keyspaces already loaded
	loadCur   atomic.Int64 // bytes of the keyspace being loaded
	loadKeys  atomic.Int64 // keys read from snapshots
	stopLoad  atomic.Bool
	loaded    chan struct{} // closed when loading ends, either way
	fatal     error         // why loading failed; read after <-loaded

	quit     chan struct{}
	quitOnce sync.Once
}

// ksFiles is one keyspace's files.
type ksFiles struct {
	name string
	db   *keyspace.DB
	st   *persistence.Store
	// marks (guarded by fileBackend.dmu) pair global sequences with this
	// store's own, in increasing order; only kept with appendfsync always.
	marks   []seqMark
	waiting bool // listed in fileBackend.waiters
}

type seqMark struct{ global, local uint64 }

type groupRec struct {
	db   *keyspace.DB
	argv [][]byte
}

// jobHistory is what INFO persistence says about past snapshots.
type jobHistory struct {
	lastSaveAt      time.Time
	lastBgsaveTry   time.Time
	lastBgsaveOK    bool
	lastBgsaveDur   time.Duration // -1: none yet
	saves           int64
	lastRewriteOK   bool
	lastRewriteDur  time.Duration
	rewrites        int64
	rewriteFailures int64
}

var errLoadStopped = errors.New("loading stopped by shutdown")

func openFileBackend(s *Server) (*fileBackend, error) {
	dir, err := persistence.OpenDir(s.Cfg.Dir)
	if err != nil {
		return nil, err
	}
	e := s.Engine
	b := &fileBackend{
		s: s, e: e, cfg: s.Cfg, log: s.Log, dir: dir,
		stores:    make(map[*keyspace.DB]*ksFiles),
		loaded:    make(chan struct{}),
		quit:      make(chan struct{}),
		loadStart: time.Now(),
		hist: jobHistory{lastSaveAt: time.Now(), lastBgsaveOK: true, lastBgsaveDur: -1,
			lastRewriteOK: true, lastRewriteDur: -1},
	}
	e.Mu.Lock()
	b.fsyncName = s.Cfg.AppendFsync
	b.fsync, _ = persistence.ParseFsyncPolicy(b.fsyncName)
	e.Loading.Store(true)
	e.Store.NoLazyExpire = true
	e.Persist = b
	e.WaitDurable = b.waitDurable
	e.Mu.Unlock()
	s.BeforeShutdown = b.beforeShutdown
	go b.load()
	go b.cron()
	return b, nil
}

// ---- loading ----

func (b *fileBackend) load() {
	defer close(b.loaded)
	err := b.loadAll()
	if err == nil || errors.Is(err, errLoadStopped) {
		return
	}
	b.fatal = err
	b.log.Error("cannot load the data dir", "dir", b.dir.Path, "err", err)
	no := false
	b.e.Shutdown(&no)
}

func (b *fileBackend) loadAll() error {
	names, err := b.dir.Keyspaces()
	if err != nil {
		return err
	}
	b.loadTotal.Store(dataBytes(b.dir.Path))
	var records, truncated int64
	for _, name := range names {
		k, err := b.loadKeyspace(name)
		if err != nil {
			return err
		}
		ls := k.st.Stats().Load
		records += ls.Records
		truncated += ls.TruncatedBytes
		b.loadDone.Add(ls.Bytes)
		b.loadCur.Store(0)
	}
	e := b.e
	e.Mu.Lock()
	e.Store.NoLazyExpire = false
	e.Dirty = 0
	e.Propagate = b.propagate
	e.SplitWrite = b.split
	b.live = !b.stopping
	keys := 0
	for _, db := range e.Store.All() {
		keys += db.Len()
	}
	e.Mu.Unlock()
	// Logged before loading:0 shows, so whoever waits for the one sees
	// the other.
	b.log.Info("DB loaded from disk", "seconds", fmt.Sprintf("%.3f", time.Since(b.loadStart).Seconds()),
		"keyspaces", len(names), "keys", keys, "snapshot_keys", b.loadKeys.Load(),
		"aof_records", records, "truncated_bytes", truncated)
	e.Loading.Store(false) // writes are logged from here: Propagate is set
	return nil
}

// dataBytes sums the sizes of a data dir's snapshots and logs (loading
// progress).
func dataBytes(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, de := range entries {
		name := de.Name()
		if !strings.HasSuffix(name, ".db") && !strings.HasSuffix(name, ".aof") {
			continue
		}
		if info, err := de.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}

func (b *fileBackend) loadKeyspace(name string) (*ksFiles, error) {
	e := b.e
	e.Mu.Lock()
	db := e.Store.ByName(name, true)
	e.Mu.Unlock()
	if db.ID < 0 && isNumber(name) {
		b.log.Warn("keyspace files with a number beyond 'databases': loaded as a named keyspace that SELECT cannot reach",
			"keyspace", name, "databases", b.cfg.Databases)
	}
	ld := &replayLoader{b: b, db: db, c: e.ReplayClient(db), file: filepath.Join(b.dir.Path, name)}
	opts := b.options()
	opts.Progress = func(done, total int64) { b.loadCur.Store(done) }
	st, err := b.dir.Open(name, opts, ld)
	ld.release()
	if err != nil {
		return nil, err
	}
	b.loadKeys.Add(st.Stats().Load.Entries - ld.libs) // snapshot keys
	k := &ksFiles{name: name, db: db, st: st}
	e.Mu.Lock()
	b.addStoreLocked(k)
	e.Mu.Unlock()
	return k, nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func (b *fileBackend) options() persistence.Options {
	o := persistence.DefaultOptions()
	o.AppendOnly = b.cfg.AppendOnly
	o.Fsync = b.fsync
	o.Snapshot.CompressThreshold = b.cfg.SnapshotCompressThreshold
	o.Logger = b.log
	return o
}

// replayLoader applies a keyspace's snapshot entries and log records. It
// holds the engine lock for batches of operations rather than each one,
// and lets go between batches so INFO and PING are answered while loading.
type replayLoader struct {
	b     *fileBackend
	db    *keyspace.DB
	c     *commands.Client
	file  string
	held  bool
	ops   int
	spare []byte
	errs  int
	libs  int64 // function library entries loaded (not keys)
}

const loadBatch = 256

func (l *replayLoader) lock() error {
	if l.b.stopLoad.Load() {
		return errLoadStopped
	}
	if l.held && l.ops >= loadBatch {
		l.release()
	}
	if !l.held {
		l.b.e.Mu.Lock()
		l.held, l.ops = true, 0
	}
	l.ops++
	return nil
}

func (l *replayLoader) release() {
	if l.held {
		l.b.e.Mu.Unlock()
		l.held = false
	}
}

// LoadEntry adds one snapshot entry, keeping an expiry that has passed:
// the log records that follow may still touch the key, as they did when it
// was alive; active expiry removes it once loading is over.
func (l *replayLoader) LoadEntry(ent persistence.Entry) error {
	if err := l.lock(); err != nil {
		return err
	}
	if ent.Type == functionsType {
		l.libs++
		if err := l.b.e.FunctionsRestore(ent.Value); err != nil {
			return fmt.Errorf("function libraries: %w", err)
		}
		return nil
	}
	return l.setEntry(ent)
}

func (l *replayLoader) setEntry(ent persistence.Entry) error {
	v, err := keyspace.DecodeValue(keyspace.Kind(ent.Type), ent.Value)
	if err != nil {
		return fmt.Errorf("%w (type %d)", err, ent.Type)
	}
	if old := l.db.Peek(ent.Key); old != nil {
		l.db.Remove(old)
	}
	e := l.db.Add(string(ent.Key), v)
	if ent.ExpireAt > 0 {
		l.db.SetExpire(e, ent.ExpireAt)
	}
	return nil
}

// Apply runs one logged write through the command table, as Redis replays
// its AOF with a fake client. An unknown command stops loading (the files
// come from a newer sundial); other error replies are logged.
func (l *replayLoader) Apply(argv [][]byte) error {
	if err := l.lock(); err != nil {
		return err
	}
	if len(argv) > 0 && string(argv[0]) == entryCmd {
		return l.applyEntry(argv)
	}
	l.b.e.Exec(l.c, argv)
	out := l.c.TakeOutput(l.spare)
	if len(out) > 0 && out[0] == '-' {
		msg := strings.TrimSpace(string(out[1:]))
		if strings.HasPrefix(msg, "ERR unknown command") {
			return errors.New(msg)
		}
		l.errs++
		if l.errs <= 10 {
			l.b.log.Warn("error replaying a logged write", "keyspace", l.db.Name,
				"command", string(argv[0]), "reply", msg)
		}
	}
	l.spare = out[:0]
	return nil
}

// applyEntry applies an entryCmd record.
func (l *replayLoader) applyEntry(argv [][]byte) error {
	if len(argv) != 5 {
		return fmt.Errorf("%s record with %d arguments", entryCmd, len(argv))
	}
	exp, err1 := strconv.ParseInt(string(argv[2]), 10, 64)
	kind, err2 := strconv.ParseUint(string(argv[3]), 10, 8)
	if err1 != nil || err2 != nil || exp < 0 {
		return fmt.Errorf("%s record for key %q: bad expiry or kind", entryCmd, argv[1])
	}
	if err := l.setEntry(persistence.Entry{Type: byte(kind), Key: argv[1], ExpireAt: exp, Value: argv[4]}); err != nil {
		return fmt.Errorf("%s record for key %q: %w", entryCmd, argv[1], err)
	}
	return nil
}

// ---- logging writes ----

// addStoreLocked registers a keyspace's files.
func (b *fileBackend) addStoreLocked(k *ksFiles) {
	b.stores[k.db] = k
	i, _ := slices.BinarySearchFunc(b.order, k.name, func(x *ksFiles, name string) int { return strings.Compare(x.name, name) })
	b.order = slices.Insert(b.order, i, k)
}

// filesFor returns db's files, creating them on its first write. That one
// time it does I/O under the engine lock (a new log and manifest).
func (b *fileBackend) filesFor(db *keyspace.DB) *ksFiles {
	if k := b.stores[db]; k != nil {
		return k
	}
	if !persistence.ValidKeyspaceName(db.Name) {
		b.writeFailed(fmt.Errorf("keyspace name %q cannot be a file name", db.Name))
		return nil
	}
	refuse := func() error {
		return fmt.Errorf("files of keyspace %s appeared in %s while the server runs", db.Name, b.dir.Path)
	}
	st, err := b.dir.Open(db.Name, b.options(), persistence.LoaderFuncs{
		Entry:   func(persistence.Entry) error { return refuse() },
		Command: func([][]byte) error { return refuse() },
	})
	if err != nil {
		b.writeFailed(err)
		return nil
	}
	k := &ksFiles{name: db.Name, db: db, st: st}
	b.addStoreLocked(k)
	return k
}

func (b *fileBackend) writeFailed(err error) {
	if b.writeErr == nil || b.writeErr.Error() != err.Error() {
		b.log.Error("cannot log a write", "err", err)
	}
	b.writeErr = err
}

// propagate is Engine.Propagate: it logs one write (called under the
// engine lock, in execution order) and returns the global sequence that
// waitDurable waits for. MULTI … EXEC groups are collected and logged per
// keyspace with AppendMulti, so replay applies all of each or none.
func (b *fileBackend) propagate(db *keyspace.DB, argv [][]byte) uint64 {
	if !b.live {
		return 0
	}
	if b.cfg.AppendFsync != b.fsyncName {
		b.applyFsyncLocked()
	}
	switch {
	case isWord(argv, "multi"):
		b.groupDepth++
		return b.gseq
	case b.groupDepth > 0 && isWord(argv, "exec"):
		b.groupDepth--
		if b.groupDepth == 0 {
			return b.flushGroup()
		}
		return b.gseq
	case b.groupDepth > 0:
		// The engine's argv is only lent for this call.
		cp := make([][]byte, len(argv))
		for i, a := range argv {
			off := len(b.groupBuf)
			b.groupBuf = append(b.groupBuf, a...)
			cp[i] = b.groupBuf[off:len(b.groupBuf):len(b.groupBuf)]
		}
		b.group = append(b.group, groupRec{db: db, argv: cp})
		return b.gseq
	}
	k := b.filesFor(db)
	if k == nil {
		return b.gseq
	}
	seq, err := k.st.Append(argv)
	if err != nil {
		b.writeFailed(err)
		return b.gseq
	}
	b.writeErr = nil
	b.gseq++
	b.mark(k, seq)
	return b.gseq
}

// flushGroup logs a finished group: each keyspace's part as one
// all-or-nothing unit in its own log.
func (b *fileBackend) flushGroup() uint64 {
	recs := b.group
	b.group = b.group[:0]
	if len(recs) == 0 {
		return b.gseq
	}
	b.gseq++
	done := make(map[*keyspace.DB]bool, 2)
	for i, r := range recs {
		if done[r.db] {
			continue
		}
		done[r.db] = true
		var cmds [][][]byte
		for _, r2 := range recs[i:] {
			if r2.db == r.db {
				cmds = append(cmds, r2.argv)
			}
		}
		k := b.filesFor(r.db)
		if k == nil {
			continue
		}
		seq, err := k.st.AppendMulti(cmds)
		if err != nil {
			b.writeFailed(err)
			continue
		}
		b.mark(k, seq)
	}
	clear(recs)
	b.groupBuf = b.groupBuf[:0]
	if cap(b.groupBuf) > 1<<20 {
		b.groupBuf = nil
	}
	return b.gseq
}

// mark remembers that global sequence b.gseq needs k's record seq on disk.
func (b *fileBackend) mark(k *ksFiles, seq uint64) {
	if b.fsync != persistence.FsyncAlways || seq == 0 {
		return
	}
	b.dmu.Lock()
	defer b.dmu.Unlock()
	if n := len(k.marks); n > 0 && k.marks[n-1].global == b.gseq {
		k.marks[n-1].local = seq
	} else {
		k.marks = append(k.marks, seqMark{global: b.gseq, local: seq})
	}
	if !k.waiting {
		k.waiting = true
		b.waiters = append(b.waiters, k)
	}
	if len(k.marks) > 4096 {
		// Writes nobody waits for (expired keys) must not pile up.
		k.trim(k.st.DurableSeq())
	}
}

// trim drops the marks whose record is on disk. Caller holds dmu.
func (k *ksFiles) trim(local uint64) {
	i := 0
	for i < len(k.marks) && k.marks[i].local <= local {
		i++
	}
	k.marks = k.marks[i:]
}

// target returns the store sequence global sequence g waits for, 0 for
// none. Caller holds dmu.
func (k *ksFiles) target(g uint64) uint64 {
	i, found := slices.BinarySearchFunc(k.marks, g, func(m seqMark, g uint64) int {
		switch {
		case m.global < g:
			return -1
		case m.global > g:
			return 1
		}
		return 0
	})
	if found {
		return k.marks[i].local
	}
	if i == 0 {
		return 0
	}
	return k.marks[i-1].local
}

type durTarget struct {
	k   *ksFiles
	seq uint64
}

// waitDurable is Engine.WaitDurable: with appendfsync always it returns
// once every record logged up to global sequence g is on disk. Each
// store's writer fsyncs whole batches, so concurrent clients share fsyncs.
func (b *fileBackend) waitDurable(g uint64) {
	var buf [4]durTarget
	targets := buf[:0]
	b.dmu.Lock()
	for _, k := range b.waiters {
		if seq := k.target(g); seq > 0 {
			targets = append(targets, durTarget{k, seq})
		}
	}
	b.dmu.Unlock()
	for _, t := range targets {
		if err := t.k.st.WaitDurable(t.seq); err != nil {
			if !errors.Is(err, persistence.ErrClosed) {
				b.log.Error("a write could not be made durable", "keyspace", t.k.name, "err", err)
			}
			continue
		}
		b.dmu.Lock()
		t.k.trim(t.seq)
		b.dmu.Unlock()
	}
}

// applyFsyncLocked follows CONFIG SET appendfsync.
func (b *fileBackend) applyFsyncLocked() {
	p, err := persistence.ParseFsyncPolicy(b.cfg.AppendFsync)
	b.fsyncName = b.cfg.AppendFsync
	if err != nil {
		return
	}
	b.fsync = p
	for _, k := range b.order {
		k.st.SetFsync(p)
	}
	b.log.Info("appendfsync changed", "appendfsync", p.String())
}

func isWord(argv [][]byte, w string) bool {
	return len(argv) == 1 && strings.EqualFold(string(argv[0]), w)
}

// ---- writes that change other keyspaces ----

// split is Engine.SplitWrite. Each keyspace has its own log, so a write
// that changes another keyspace is logged to each one it changed, in forms
// that replay within that keyspace alone: MOVE as a DEL here and an entry
// record (entryCmd) there, COPY … DB as an entry record there, SWAPDB as
// each keyspace's new contents, FLUSHALL as a FLUSHDB in every keyspace.
// Function commands go to keyspace 0, whose snapshots keep the libraries.
// It runs right after the command, so the values it reads are the ones
// the command left.
//
// Unlike one log, separate logs are fsynced separately: a crash between
// them can keep such a write in one keyspace and lose it in the other.
func (b *fileBackend) split(db *keyspace.DB, argv [][]byte, emit func(*keyspace.DB, [][]byte)) bool {
	if len(argv) < 1 || len(argv[0]) < 4 || len(argv[0]) > 8 {
		return false
	}
	var name [8]byte
	for i, ch := range argv[0] {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		name[i] = ch
	}
	switch string(name[:len(argv[0])]) {
	case "move":
		if len(argv) != 3 {
			return false
		}
		dst := b.resolveDB(argv[2])
		if dst == nil || dst == db {
			return false
		}
		emit(db, [][]byte{[]byte("DEL"), argv[1]})
		if ent := dst.Peek(argv[1]); ent != nil {
			emit(dst, restoreArgv(ent))
		}
		return true
	case "copy":
		if len(argv) < 3 {
			return false
		}
		dst := db
		for i := 3; i+1 < len(argv); i++ {
			if strings.EqualFold(string(argv[i]), "db") {
				dst = b.resolveDB(argv[i+1])
				i++
			}
		}
		if dst == nil || dst == db {
			return false
		}
		if ent := dst.Peek(argv[2]); ent != nil {
			emit(dst, restoreArgv(ent))
		}
		return true
	case "swapdb":
		if len(argv) != 3 {
			return false
		}
		x, y := b.resolveDB(argv[1]), b.resolveDB(argv[2])
		if x != nil && y != nil && x != y {
			emitContents(x, emit)
			emitContents(y, emit)
		}
		return true
	case "flushall":
		for _, k := range b.order {
			emit(k.db, [][]byte{[]byte("FLUSHDB")})
		}
		return true
	case "function":
		// Libraries are server-wide: their log is keyspace 0's.
		fdb := b.functionsDB()
		if fdb == nil || db == fdb {
			return false
		}
		emit(fdb, argv)
		return true
	}
	return false
}

func (b *fileBackend) resolveDB(arg []byte) *keyspace.DB {
	if isNumber(string(arg)) {
		return b.resolveNumbered(arg)
	}
	return b.e.Store.Named(string(arg), false)
}

func (b *fileBackend) resolveNumbered(arg []byte) *keyspace.DB {
	n, err := strconv.Atoi(string(arg))
	if err != nil {
		return nil
	}
	return b.e.Store.Numbered(n)
}

// emitContents logs db's whole contents as one group: FLUSHDB, then an
// entry record per key.
func emitContents(db *keyspace.DB, emit func(*keyspace.DB, [][]byte)) {
	emit(db, [][]byte{[]byte("MULTI")})
	emit(db, [][]byte{[]byte("FLUSHDB")})
	db.Each(func(e *keyspace.Entry) bool {
		emit(db, restoreArgv(e))
		return true
	})
	emit(db, [][]byte{[]byte("EXEC")})
}

// entryCmd names the log record that sets one whole entry: entryCmd key
// <expire-at unix ms, 0 for none> <kind> <serialised value>. It is not a
// command (clients cannot send it); the loader applies it directly, as it
// applies a snapshot entry.
const entryCmd = "sundial-entry"

// restoreArgv is the entryCmd record that recreates e exactly.
func restoreArgv(e *keyspace.Entry) [][]byte {
	return [][]byte{[]byte(entryCmd), []byte(e.Key), strconv.AppendInt(nil, e.Expire, 10),
		strconv.AppendUint(nil, uint64(e.Value.Kind()), 10), e.Value.AppendBinary(nil)}
}

// ---- function libraries ----

// Function libraries belong to the server, not to a keyspace. Their
// commands (FUNCTION LOAD, DELETE, FLUSH, RESTORE) are logged to keyspace
// 0 whichever keyspace the client selected (see split), and keyspace 0's
// snapshots carry them as one entry of type functionsType holding FUNCTION
// DUMP's payload as it was at the snapshot's instant. Keyspace 0's
// snapshot and log then agree on the libraries as they agree on its keys,
// through compactions and crashes: replay restores the snapshot's
// libraries and applies only the function commands logged after it.
const (
	functionsType = 0xff
	functionsKey  = "sundial-functions"
)

// functionsDB is the keyspace whose files keep the libraries.
func (b *fileBackend) functionsDB() *keyspace.DB { return b.e.Store.Numbered(0) }

// hasFunctions reports whether any library is loaded.
func (b *fileBackend) hasFunctions() bool {
	_, _, libs := b.e.ScriptingInfo()
	return libs > 0
}

// functionFilesLocked gives keyspace 0 files, if it has none, while
// libraries are loaded, so that a snapshot of every keyspace keeps them
// (libraries replayed from a log written by a version that logged them to
// the selected keyspace).
func (b *fileBackend) functionFilesLocked() error {
	db := b.functionsDB()
	if db == nil || b.stores[db] != nil || !b.hasFunctions() {
		return nil
	}
	if b.filesFor(db) == nil {
		return fmt.Errorf("keyspace %s (function libraries): %w", db.Name, b.writeErr)
	}
	return nil
}

// functionsEntry is the snapshot entry of the libraries loaded now.
func (b *fileBackend) functionsEntry() persistence.Entry {
	return persistence.Entry{Type: functionsType, Key: []byte(functionsKey), Value: b.e.FunctionsDump()}
}

// rawValue queues bytes that are already serialised.
type rawValue []byte

func (r rawValue) AppendBinary(b []byte) []byte { return append(b, r...) }

// ---- snapshots ----

type jobKind int

const (
	jobBGSave jobKind = iota
	jobRewrite
)

// snapJob is a background snapshot (BGSAVE, BGREWRITEAOF, save rules,
// auto-aof-rewrite): for each keyspace in it, a new base snapshot of the
// instant it started plus a fresh log for what follows.
//
// It starts under the engine lock: each store switches to a new log and
// the keyspace store opens a point-in-time view at the same instant. Then
// a walker goroutine takes the lock for short steps, capturing entries
// not yet captured; clients that touch an uncaptured entry capture it
// first. Captured entries are serialised at once into a queue per
// keyspace that a writer goroutine per keyspace drains into the snapshot
// file, so the lock is never held for I/O.
type snapJob struct {
	kind   jobKind
	all    bool // every keyspace: a save for LASTSAVE and the save rules
	start  time.Time
	dirty  int64
	total  int64 // keys at the start
	parts  []*snapPart
	byDB   map[*keyspace.DB]*snapPart
	done   chan struct{}
	result error
}

type snapPart struct {
	k    *ksFiles
	rw   *persistence.Rewrite
	q    *persistence.EntryQueue
	err  error
	libs int64 // entries queued that are not keys (function libraries)
}

const (
	snapStepKeys   = 1000     // entries captured per lock hold
	snapQueueLimit = 16 << 20 // bytes the walker lets wait for the disk
)

func (j *snapJob) capture(db *keyspace.DB, e *keyspace.Entry) {
	if p := j.byDB[db]; p != nil {
		p.q.Add(byte(e.Value.Kind()), e.Key, e.Expire, e.Value)
	}
}

func (j *snapJob) processed() int64 {
	var n int64
	for _, p := range j.parts {
		n += p.q.Added() - p.libs
	}
	return n
}

// startJobLocked begins a background snapshot of the given keyspaces, or
// of every one if ks is nil.
func (b *fileBackend) startJobLocked(kind jobKind, ks []*ksFiles) error {
	if b.job != nil {
		return errors.New("Background save already in progress")
	}
	if !b.live || b.stopping {
		return errors.New("the data dir is not open for writing")
	}
	if ks == nil {
		if err := b.functionFilesLocked(); err != nil {
			return err
		}
		ks = b.order
	}
	j := &snapJob{kind: kind, all: len(ks) == len(b.order), start: time.Now(), dirty: b.e.Dirty,
		byDB: make(map[*keyspace.DB]*snapPart, len(ks)), done: make(chan struct{})}
	fdb := b.functionsDB()
	for _, k := range ks {
		rw, err := k.st.StartRewrite()
		if err != nil {
			for _, p := range j.parts {
				p.rw.Abort()
			}
			return err
		}
		p := &snapPart{k: k, rw: rw, q: persistence.NewEntryQueue()}
		if k.db == fdb && b.hasFunctions() {
			fe := b.functionsEntry()
			p.q.Add(fe.Type, functionsKey, 0, rawValue(fe.Value))
			p.libs = 1
		}
		j.parts = append(j.parts, p)
		j.byDB[k.db] = p
		j.total += int64(k.db.Len())
	}
	b.e.Store.BeginSnapshot(j.capture)
	b.job = j
	if kind == jobBGSave {
		b.hist.lastBgsaveTry = j.start
	}
	b.log.Info("background snapshot started", "kind", kind.String(), "keyspaces", len(ks), "keys", j.total)
	go b.runJob(j)
	return nil
}

func (k jobKind) String() string {
	if k == jobRewrite {
		return "aof-rewrite"
	}
	return "bgsave"
}

func (b *fileBackend) runJob(j *snapJob) {
	var wg sync.WaitGroup
	for _, p := range j.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.err = p.rw.Finish(p.q.Source())
			p.q.Abort() // releases the walker if Finish stopped early
		}()
	}
	e := b.e
	for _, p := range j.parts {
		cursor := -1
		for cursor != 0 {
			p.q.WaitBelow(snapQueueLimit)
			e.Mu.Lock()
			cursor = p.k.db.SnapshotStep(cursor, snapStepKeys)
			if cursor == 0 {
				p.q.Close() // every entry of the view is captured
			}
			e.Mu.Unlock()
		}
	}
	e.Mu.Lock()
	e.Store.EndSnapshot()
	e.Mu.Unlock()
	wg.Wait()
	e.Mu.Lock()
	b.finishJobLocked(j)
	e.Mu.Unlock()
	close(j.done)
}

func (b *fileBackend) finishJobLocked(j *snapJob) {
	b.job = nil
	for _, p := range j.parts {
		if p.err != nil {
			j.result = fmt.Errorf("keyspace %s: %w", p.k.name, p.err)
			break
		}
	}
	dur := time.Since(j.start)
	ok := j.result == nil
	if j.kind == jobBGSave {
		b.hist.lastBgsaveOK, b.hist.lastBgsaveDur = ok, dur
	} else {
		b.hist.lastRewriteOK, b.hist.lastRewriteDur = ok, dur
		if ok {
			b.hist.rewrites++
			b.hist.rewriteFailures = 0
		} else {
			b.hist.rewriteFailures++
		}
	}
	if !ok {
		b.log.Error("background snapshot failed", "kind", j.kind.String(), "err", j.result)
	} else {
		b.log.Info("background snapshot done", "kind", j.kind.String(), "keys", j.processed(),
			"seconds", fmt.Sprintf("%.3f", dur.Seconds()))
		if j.all {
			b.markSavedLocked(j.start, j.dirty)
		}
	}
	b.startScheduledLocked()
}

// startScheduledLocked starts a scheduled AOF rewrite, or else a
// scheduled BGSAVE, once nothing prevents it: no snapshot runs, and no
// transaction or script has writes that are not logged yet.
func (b *fileBackend) startScheduledLocked() {
	if b.stopping || b.job != nil || b.e.ScriptBusy() || b.e.InExec() {
		return
	}
	h := &b.hist
	switch {
	case b.scheduled:
		b.scheduled = false
		if err := b.startJobLocked(jobRewrite, nil); err != nil {
			b.log.Warn("scheduled AOF rewrite not started", "err", err)
		}
	case b.bgsaveNext && (h.lastBgsaveOK || time.Since(h.lastBgsaveTry) > bgsaveRetryDelay):
		b.bgsaveNext = false
		if err := b.startJobLocked(jobBGSave, nil); err != nil {
			b.log.Warn("scheduled background save not started", "err", err)
		}
	}
}

// bgsaveRetryDelay spaces background saves after one failed (Redis's
// CONFIG_BGSAVE_RETRY_DELAY).
const bgsaveRetryDelay = 5 * time.Second

func (b *fileBackend) markSavedLocked(at time.Time, dirty int64) {
	b.e.MarkSaved(at, dirty)
	b.hist.lastSaveAt = at
	b.hist.saves++
}

// saveAllLocked writes every keyspace's snapshot now, the caller holding
// the engine lock for the whole time (SAVE, shutdown).
func (b *fileBackend) saveAllLocked() error {
	if err := b.functionFilesLocked(); err != nil {
		return err
	}
	fdb := b.functionsDB()
	var key, val []byte
	for _, k := range b.order {
		err := k.st.Save(func(add func(persistence.Entry) error) error {
			if k.db == fdb && b.hasFunctions() {
				if err := add(b.functionsEntry()); err != nil {
					return err
				}
			}
			var err error
			k.db.Each(func(e *keyspace.Entry) bool {
				key = append(key[:0], e.Key...)
				val = e.Value.AppendBinary(val[:0])
				err = add(persistence.Entry{Type: byte(e.Value.Kind()), Key: key, ExpireAt: e.Expire, Value: val})
				return err == nil
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("keyspace %s: %w", k.name, err)
		}
	}
	return nil
}

// Save implements SAVE: a blocking snapshot of every keyspace. The engine
// lock is held by the caller.
func (b *fileBackend) Save() error {
	if !b.live {
		return errors.New("the dataset is not loaded")
	}
	if b.job != nil {
		return errors.New("Background save already in progress")
	}
	if b.e.InExec() {
		// DEBUG RELOAD in MULTI: the snapshot would hold part of the
		// transaction, and the log all of it after the snapshot.
		return errors.New("a snapshot cannot be saved inside MULTI … EXEC")
	}
	start, dirty := time.Now(), b.e.Dirty
	if err := b.saveAllLocked(); err != nil {
		b.log.Error("SAVE failed", "err", err)
		return err
	}
	b.markSavedLocked(start, dirty)
	b.log.Info("DB saved on disk", "seconds", fmt.Sprintf("%.3f", time.Since(start).Seconds()))
	return nil
}

// BGSave implements BGSAVE. Inside MULTI … EXEC it is scheduled for
// after the transaction (commands.ErrScheduled), as Redis does: a
// snapshot must not hold part of a transaction whose writes are all
// logged after it.
func (b *fileBackend) BGSave() error {
	j := b.job
	switch {
	case j != nil && j.kind == jobBGSave:
		return errors.New("Background save already in progress")
	case b.e.InExec():
		b.bgsaveNext = true
		return commands.ErrScheduled
	case j != nil:
		return errors.New("Another child process is active (AOF?): can't BGSAVE right now. " +
			"Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
	}
	return b.startJobLocked(jobBGSave, nil)
}

// BGRewriteAOF implements BGREWRITEAOF; during a BGSAVE, or inside
// MULTI … EXEC, it is scheduled (commands.ErrScheduled), as Redis does.
func (b *fileBackend) BGRewriteAOF() error {
	j := b.job
	switch {
	case j != nil && j.kind == jobRewrite:
		return errors.New("Background append only file rewriting already in progress")
	case j != nil || b.e.InExec():
		b.scheduled = true
		return commands.ErrScheduled
	}
	return b.startJobLocked(jobRewrite, nil)
}

// ---- periodic work ----

// cron checks auto-aof-rewrite and the save rules ten times a second.
func (b *fileBackend) cron() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-b.quit:
			return
		case <-t.C:
		}
		b.e.Mu.Lock()
		b.cronLocked(time.Now())
		b.e.Mu.Unlock()
	}
}

func (b *fileBackend) cronLocked(now time.Time) {
	if !b.live || b.stopping {
		return
	}
	if b.cfg.AppendFsync != b.fsyncName {
		b.applyFsyncLocked()
	}
	// A script past busy-reply-threshold lets others take the lock between
	// its instructions, but it is one write: a snapshot started now would
	// hold part of its writes while the log holds all of them after it.
	if b.job != nil || b.e.ScriptBusy() {
		return
	}
	if b.scheduled || b.bgsaveNext {
		b.startScheduledLocked()
		if b.job != nil {
			return
		}
	}
	var grown []*ksFiles
	for _, k := range b.order {
		if k.st.ShouldRewrite(b.cfg.AutoAOFRewritePercentage, b.cfg.AutoAOFRewriteMinSize) {
			grown = append(grown, k)
		}
	}
	if len(grown) > 0 {
		if err := b.startJobLocked(jobRewrite, grown); err != nil {
			b.log.Warn("automatic AOF rewrite not started", "err", err)
		}
		return
	}
	// save <seconds> <changes>; after a failure retry only every 5 s.
	h := &b.hist
	for _, r := range b.cfg.SaveRules() {
		if b.e.Dirty >= r[1] && now.Sub(h.lastSaveAt) > time.Duration(r[0])*time.Second &&
			(h.lastBgsaveOK || now.Sub(h.lastBgsaveTry) > 5*time.Second) {
			b.log.Info(fmt.Sprintf("%d changes in %d seconds. Saving...", r[1], r[0]))
			if err := b.startJobLocked(jobBGSave, nil); err != nil {
				b.log.Warn("background save not started", "err", err)
			}
			return
		}
	}
}

// ---- INFO ----

// Info implements the persistence fields of INFO after loading and
// async_loading, in Redis 7.0's order, plus sundial's own at the end.
func (b *fileBackend) Info() [][2]string {
	var out [][2]string
	add := func(k string, v any) { out = append(out, [2]string{k, fmt.Sprint(v)}) }
	bit := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	status := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "err"
	}
	secs := func(d time.Duration) int64 {
		if d < 0 {
			return -1
		}
		return int64(d / time.Second)
	}
	now := time.Now()
	j := b.job
	bgsave, rewrite := j != nil && j.kind == jobBGSave, j != nil && j.kind == jobRewrite
	var processed, total int64
	curSecs := int64(-1)
	if j != nil {
		processed, total, curSecs = j.processed(), j.total, int64(now.Sub(j.start)/time.Second)
	}
	var cur, base, buffered, snaps, fsyncs int64
	writeOK := b.writeErr == nil
	for _, k := range b.order {
		st := k.st.Stats()
		cur += st.CurrentSize
		base += st.BaseSize
		snaps += st.SnapshotSize
		buffered += st.AOF.BufferLength
		fsyncs += st.AOF.Fsyncs
		if st.AOFEnabled && !st.AOF.LastWriteOK {
			writeOK = false
		}
	}
	h := &b.hist
	add("current_cow_peak", 0)
	add("current_cow_size", 0)
	add("current_cow_size_age", 0)
	add("current_fork_perc", "0.00")
	add("current_save_keys_processed", processed)
	add("current_save_keys_total", total)
	add("rdb_changes_since_last_save", b.e.Dirty)
	add("rdb_bgsave_in_progress", bit(bgsave))
	add("rdb_last_save_time", h.lastSaveAt.Unix())
	add("rdb_last_bgsave_status", status(h.lastBgsaveOK))
	add("rdb_last_bgsave_time_sec", secs(h.lastBgsaveDur))
	add("rdb_current_bgsave_time_sec", pick(bgsave, curSecs, -1))
	add("rdb_saves", h.saves)
	add("rdb_last_cow_size", 0)
	add("rdb_last_load_keys_expired", 0)
	add("rdb_last_load_keys_loaded", b.loadKeys.Load())
	add("aof_enabled", bit(b.cfg.AppendOnly))
	add("aof_rewrite_in_progress", bit(rewrite))
	add("aof_rewrite_scheduled", bit(b.scheduled))
	add("aof_last_rewrite_time_sec", secs(h.lastRewriteDur))
	add("aof_current_rewrite_time_sec", pick(rewrite, curSecs, -1))
	add("aof_last_bgrewrite_status", status(h.lastRewriteOK))
	add("aof_rewrites", h.rewrites)
	add("aof_rewrites_consecutive_failures", h.rewriteFailures)
	add("aof_last_write_status", status(writeOK))
	add("aof_last_cow_size", 0)
	add("module_fork_in_progress", 0)
	add("module_fork_last_cow_size", 0)
	if b.cfg.AppendOnly {
		add("aof_current_size", cur)
		add("aof_base_size", base)
		add("aof_pending_rewrite", bit(b.scheduled))
		add("aof_buffer_length", buffered)
		add("aof_pending_bio_fsync", 0)
		add("aof_delayed_fsync", 0)
	}
	if b.e.Loading.Load() {
		loadedBytes := b.loadDone.Load() + b.loadCur.Load()
		totalBytes := max(b.loadTotal.Load(), loadedBytes)
		perc, eta := 0.0, int64(1)
		if totalBytes > 0 {
			perc = float64(loadedBytes) * 100 / float64(totalBytes)
		}
		if elapsed := now.Sub(b.loadStart).Seconds(); loadedBytes > 0 {
			eta = int64(float64(totalBytes-loadedBytes) / (float64(loadedBytes) / elapsed))
		}
		add("loading_start_time", b.loadStart.Unix())
		add("loading_total_bytes", totalBytes)
		add("loading_rdb_used_mem", 0)
		add("loading_loaded_bytes", loadedBytes)
		add("loading_loaded_perc", fmt.Sprintf("%.2f", perc))
		add("loading_eta_seconds", eta)
	}
	add("snapshot_size", snaps)
	add("aof_fsync_policy", b.fsync.String())
	add("aof_fsyncs", fsyncs)
	add("persisted_keyspaces", len(b.order))
	return out
}

func pick(c bool, a, b int64) int64 {
	if c {
		return a
	}
	return b
}

// ---- shutdown ----

// beforeShutdown is Server.BeforeShutdown: after clients stopped, it lets
// a running snapshot finish, writes every keyspace's snapshot unless save
// is false (SHUTDOWN NOSAVE), and closes the logs. A failed load is
// reported here, so the process exits 1 with its message.
func (b *fileBackend) beforeShutdown(save *bool) error {
	b.quitOnce.Do(func() { close(b.quit) })
	b.stopLoad.Store(true)
	<-b.loaded
	e := b.e
	e.Mu.Lock()
	b.stopping = true
	j := b.job
	e.Mu.Unlock()
	if j != nil {
		<-j.done
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	if b.closed {
		return nil
	}
	var err error
	if b.fatal != nil {
		err = b.fatal
	} else if (save == nil || *save) && b.live {
		b.waitScriptLocked()
		start := time.Now()
		b.log.Info("saving the final snapshot before exiting")
		if err = b.saveAllLocked(); err != nil {
			err = fmt.Errorf("error saving the final snapshot: %w", err)
		} else {
			b.log.Info("DB saved on disk", "seconds", fmt.Sprintf("%.3f", time.Since(start).Seconds()))
		}
	}
	b.live = false
	e.Propagate, e.SplitWrite = nil, nil
	for _, k := range b.order {
		if cerr := k.st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("closing the AOF of keyspace %s: %w", k.name, cerr)
		}
	}
	b.closed = true
	return err
}

// waitScriptLocked waits, letting the engine lock go meanwhile, until no
// script runs past busy-reply-threshold: such a script lets others in
// between its instructions, and a snapshot taken then would hold part of
// its writes. (SHUTDOWN NOSAVE kills it instead, and saves nothing.)
func (b *fileBackend) waitScriptLocked() {
	for warned := false; b.e.ScriptBusy(); warned = true {
		if !warned {
			b.log.Warn("waiting for the running script to end before saving the final snapshot")
		}
		b.e.Mu.Unlock()
		time.Sleep(time.Millisecond)
		b.e.Mu.Lock()
	}
}

// release closes everything (if shutdown did not) and unlocks the data dir.
func (b *fileBackend) release() {
	no := false
	if err := b.beforeShutdown(&no); err != nil && b.fatal == nil {
		b.log.Error("closing the data dir", "err", err)
	}
	b.dir.Close()
}
