// Package commands holds sundial's command table, the execution engine that
// dispatches through it, and one file per command family.
package commands

import (
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"sundial/config"
	"sundial/keyspace"
	"sundial/keyspace/stream"
)

// Engine executes commands. Every command runs holding Mu, so commands,
// MULTI/EXEC, scripts and the serving of blocked clients are atomic with
// respect to each other, as in Redis's single-threaded model; network I/O
// happens outside it.
type Engine struct {
	Mu    sync.Mutex
	Store *keyspace.Store
	Cfg   *config.Config
	Log   *slog.Logger

	// Propagate receives the deterministic form of every write, in
	// execution order (the AOF consumes it). It returns a sequence number
	// that WaitDurable can wait on; nil means nothing consumes writes.
	// argv is valid only during the call: what it keeps, it copies.
	Propagate func(db *keyspace.DB, argv [][]byte) uint64
	// WaitDurable blocks until the write with that sequence is durable.
	WaitDurable func(seq uint64)
	// SplitWrite, if set, sees each write right after it ran and may record
	// it differently through emit, returning true if it did: the file
	// backend turns writes that change other keyspaces (MOVE, COPY … DB,
	// SWAPDB, FLUSHALL) into records for each keyspace's own log.
	SplitWrite func(db *keyspace.DB, argv [][]byte, emit func(db *keyspace.DB, argv [][]byte)) bool
	// Persist is the persistence backend's command surface (SAVE, BGSAVE,
	// BGREWRITEAOF, INFO persistence); nil for the memory backend.
	Persist Persister
	// Shutdown is called by SHUTDOWN with save set by NOSAVE/SAVE (nil =
	// default); the server stops gracefully.
	Shutdown func(save *bool) error

	clients   map[int64]*Client
	nextID    atomic.Int64
	startTime time.Time

	// pending collects the propagation forms of the current top-level
	// call, flushed (wrapped in MULTI/EXEC when more than one command of a
	// transaction or script) when it returns.
	pending     []propagation
	atomicMarks []int
	// propBytes and propArgs hold the copies of the pending writes'
	// arguments, reused once the writes are handed over: a write costs
	// no allocation to propagate.
	propBytes []byte
	propArgs  [][]byte
	execDepth int
	// Dirty counts changes since the last save (rdb_changes_since_last_save).
	Dirty int64
	// nowSec is the Unix time of the current command, for access stamps.
	nowSec int64

	stats     Stats
	blocking  blockRegistry
	watches   watchRegistry
	pubsub    pubsubRegistry
	tracking  trackingRegistry
	scripts   scriptRegistry
	evict     evictionState
	paused    pauseState
	activeExp bool
	// allowDenyScript is DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call
	// commands flagged noscript (tests use it to reach DEBUG PROTOCOL).
	allowDenyScript bool
	streamLimits    stream.NodeLimits // see xNodeLimits
	Loading         atomic.Bool
	lastSave        atomic.Int64
	monitors        []*Client
	errorStats      map[string]int64
	// tau hands out the tau type's transaction times (tau.go).
	tau tauClock
	// aclState holds the ACL users and log (acl_check.go).
	aclState aclRegistry
}

// Persister is what the persistence backend offers to commands.
type Persister interface {
	Save() error
	BGSave() error
	BGRewriteAOF() error
	Info() [][2]string // INFO persistence fields, in order
}

type propagation struct {
	db   *keyspace.DB
	argv [][]byte
}

// Stats are the counters INFO stats reports.
type Stats struct {
	Connections       atomic.Int64
	Commands          atomic.Int64
	RejectedConns     atomic.Int64
	ExpiredKeys       atomic.Int64
	EvictedKeys       atomic.Int64
	KeyspaceHits      atomic.Int64
	KeyspaceMisses    atomic.Int64
	NetInput          atomic.Int64
	NetOutput         atomic.Int64
	Panics            atomic.Int64
	TotalErrorReplies atomic.Int64
}

// NewEngine creates an engine over a fresh store sized by cfg.
func NewEngine(cfg *config.Config, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	e := &Engine{
		Store:      keyspace.NewStore(cfg.Databases),
		Cfg:        cfg,
		Log:        log,
		clients:    make(map[int64]*Client),
		startTime:  time.Now(),
		activeExp:  true,
		errorStats: make(map[string]int64),
	}
	e.Store.OnExpire = e.keyExpired
	e.Store.OnDelete = e.keyDeleted
	e.Store.OnAdd = e.keyAdded
	e.Store.NewAccess = e.newAccess
	e.lastSave.Store(time.Now().Unix())
	return e
}

// Stats returns the engine's counters.
func (e *Engine) Stats() *Stats { return &e.stats }

// NewClient registers a connection. conn may be nil for internal clients
// (AOF replay, scripts).
func (e *Engine) NewClient(conn Conn, addr, laddr string) *Client {
	c := &Client{
		ID:      e.nextID.Add(1),
		e:       e,
		conn:    conn,
		Addr:    addr,
		LAddr:   laddr,
		created: time.Now(),
		Authed:  e.Cfg.RequirePass == "",
	}
	c.Proto = 2
	c.DB = e.Store.Numbered(0)
	c.lastInteraction = c.created
	if conn != nil {
		e.Mu.Lock()
		e.clients[c.ID] = c
		e.aclNewClient(c)
		e.Mu.Unlock()
		e.stats.Connections.Add(1)
	}
	return c
}

// FreeClient unregisters a closed connection and drops every trace of it
// (blocked keys, subscriptions, watches). Called without Mu held.
func (e *Engine) FreeClient(c *Client) {
	e.Mu.Lock()
	defer e.Mu.Unlock()
	e.freeClientLocked(c)
}

func (e *Engine) freeClientLocked(c *Client) {
	if c.closed {
		return
	}
	c.closed = true
	delete(e.clients, c.ID)
	if c.block != nil {
		e.blocking.remove(c)
		c.block = nil
	}
	e.watches.unwatchAll(c)
	e.pubsub.unsubscribeAll(c)
	e.resetTracking(c)
	e.removeMonitor(c)
}

// NumClients is the number of connected clients.
func (e *Engine) NumClients() int {
	e.Mu.Lock()
	defer e.Mu.Unlock()
	return len(e.clients)
}

// Exec runs one command for c, appending its reply to c's buffer. The
// caller holds e.Mu.
func (e *Engine) Exec(c *Client, args [][]byte) {
	// One clock read: it dates the command (expiry, LRU) and starts its
	// duration, measured on the monotonic clock.
	e.exec(c, args, time.Now())
}

// ExecNext is Exec for a command that follows another of c's in one
// pipelined batch, with the engine lock held since: it starts when the
// one before ended, a time call already read, so a batch costs one
// clock read per command rather than three (reading the clock is a good
// part of what a small command costs).
func (e *Engine) ExecNext(c *Client, args [][]byte) {
	now := c.lastEnd
	if now.IsZero() {
		now = time.Now()
	}
	e.exec(c, args, now)
}

func (e *Engine) exec(c *Client, args [][]byte, now time.Time) {
	// A client freed by another (ACL DELUSER) runs nothing it had sent.
	if len(args) == 0 || c.closed {
		return
	}
	mark, mode := len(c.B), c.replyMode
	c.silenced = mode == replyOff || mode == replySkip
	e.dispatch(c, args, now)
	c.silenced = false
	e.applyReplyMode(c, mark, mode)
	c.kept = c.kept[:0]
}

// applyReplyMode applies CLIENT REPLY OFF|SKIP to what the command just
// processed (run, queued or refused) wrote: dropped but for its pushes,
// unless the command turned replies back on (CLIENT REPLY ON, RESET),
// whose answer is sent.
// A SKIP set now takes effect from the next command, as Redis's
// resetClient moves CLIENT_REPLY_SKIP_NEXT to CLIENT_REPLY_SKIP.
func (e *Engine) applyReplyMode(c *Client, mark int, mode replyMode) {
	if c.Blocked() {
		return // its reply comes when it is served
	}
	turnedOn := c.replyMode == replyOn
	switch mode {
	case replyOff, replySkip:
		if !turnedOn && mark <= len(c.B) {
			c.dropReplies(mark)
		}
		if mode == replySkip && c.replyMode == replySkip {
			c.replyMode = replyOn
		}
	}
	if c.replyMode == replySkipNext {
		c.replyMode = replySkip
	}
}

// dispatch checks and runs (or queues, or refuses) one command.
func (e *Engine) dispatch(c *Client, args [][]byte, now time.Time) {
	e.stats.Commands.Add(1)
	c.lastEnd = time.Time{}
	c.lastInteraction = now
	c.callStart = now
	e.nowSec = now.Unix()
	spec := Lookup(args[0])
	if spec == nil {
		c.lastCmd = nil // CLIENT LIST shows cmd=NULL, as Redis
		e.reject(c, nil, errUnknownCommand(args))
		return
	}
	if len(spec.Subs) > 0 && len(args) >= 2 {
		sub := spec.lookupSub(args[1])
		if sub == nil {
			c.lastCmd = nil
			e.reject(c, nil, errUnknownSubcommand(args[1], spec.Name))
			return
		}
		spec = sub
	}
	if !arityOK(spec.Arity, len(args)) {
		e.reject(c, spec, errArity(spec.FullName))
		return
	}
	if !c.Authed && spec.Flags&FlagNoAuth == 0 && e.authRequired() {
		e.reject(c, spec, errNoAuth)
		return
	}
	if c.multi != nil && spec.Flags&FlagNoMulti != 0 {
		e.reject(c, spec, "ERR Command not allowed inside a transaction")
		return
	}
	// ACLs: a user allowed everything (the default user) costs one test.
	if u := c.user; u != nil && !u.unrestricted {
		if msg := e.aclDenied(c, spec, args); msg != "" {
			e.reject(c, spec, msg)
			return
		}
	}
	if msg := e.checkOOM(c, spec); msg != "" {
		e.reject(c, spec, msg)
		return
	}
	if (spec.Flags&FlagWrite != 0 || spec.Name == "exec" && c.multi.writes()) && e.noGoodReplicas() {
		e.reject(c, spec, errNoReplicas)
		return
	}
	if c.subscribed() && c.Proto == 2 && !allowedInSubscribe(spec) {
		e.reject(c, spec, "ERR Can't execute '"+spec.FullName+
			"': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
		return
	}
	// A monitor is a replica for Redis: it may not touch the keyspace.
	if c.monitor && touchesKeyspace(spec) {
		e.reject(c, spec, "ERR Replica can't interact with the keyspace")
		return
	}
	if e.Loading.Load() && !c.replay && spec.Flags&FlagLoading == 0 {
		e.reject(c, spec, errLoading)
		return
	}
	// A script running past busy-reply-threshold lets clients in between
	// its instructions (scripting_lua.go); they get BUSY for everything
	// but the allow_busy commands (SCRIPT KILL, SHUTDOWN NOSAVE …).
	if e.scripts.timedOut && spec.Flags&FlagAllowBusy == 0 {
		e.reject(c, spec, e.busyError())
		return
	}
	if c.multi != nil && !spec.runsInMulti() {
		e.queueMulti(c, spec, args)
		return
	}
	e.call(c, spec, args)
	// As Redis's call(), MONITOR is fed once the command ran: EXEC after
	// the commands it ran, SELECT with the database it selected.
	e.feedMonitors(c, args)
	e.afterCall(c)
}

// runsInMulti reports whether the command executes immediately inside
// MULTI instead of being queued.
func (s *Spec) runsInMulti() bool {
	switch s.Name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// touchesKeyspace reports whether Redis refuses the command to a replica
// (a MONITOR client): reads, writes, and the commands that may replicate
// (PUBLISH, scripts), a flag Redis 7.0's COMMAND INFO does not show.
func touchesKeyspace(s *Spec) bool {
	if s.Flags&(FlagReadonly|FlagWrite|FlagMayReplicate) != 0 {
		return true
	}
	switch s.Name {
	case "publish", "spublish", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return s.parent == nil
	}
	return false
}

func allowedInSubscribe(s *Spec) bool {
	switch s.Name {
	case "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe",
		"sunsubscribe", "ping", "quit", "reset":
		return true
	}
	return false
}

// reject answers a command refused before it ran; inside MULTI it also
// dooms the transaction, as Redis's rejectCommand does.
func (e *Engine) reject(c *Client, spec *Spec, msg string) {
	if spec != nil {
		spec.stats.rejected.Add(1)
	}
	if c.multi != nil {
		c.multi.dirty = true
	}
	if spec != nil && spec.Name == "exec" {
		msg = c.execAbort(msg)
	}
	c.Error(msg)
	e.countError(msg)
}

// call runs a handler with the bookkeeping Redis's call() does: timing,
// command stats, propagation of writes. It is also how MULTI/EXEC and
// scripts run the commands they contain.
func (e *Engine) call(c *Client, spec *Spec, args [][]byte) {
	// Commands EXEC runs see the time EXEC started, as in Redis (its
	// cached time is updated by the outermost call only); they are timed
	// on their own.
	nested := e.execDepth > 0
	start := c.callStart
	if start.IsZero() || nested {
		start = time.Now()
	}
	c.callStart = time.Time{}
	c.started = start
	if !nested || c.now == 0 {
		c.now = start.UnixMilli()
	}
	// Commands a script runs see the time the script started, so no key
	// expires in the middle of a script (Redis's scriptTimeSnapshot).
	if c.inScript && e.scripts.run != nil {
		c.now = e.scripts.run.startMs
	}
	prevCmd, prevArgs := c.cmd, c.args
	c.cmd, c.args = spec, args
	if e.execDepth == 0 {
		c.lastCmd = spec // CLIENT LIST's cmd=: EXEC, not what it ran
	}
	dirtyBefore := e.Dirty
	c.rewritten = nil
	errsBefore := c.errs
	e.execDepth++
	e.runHandler(c, spec, args)
	e.execDepth--
	dur := time.Since(start)
	c.lastEnd = start.Add(dur)
	spec.stats.calls.Add(1)
	spec.stats.usec.Add(dur.Microseconds())
	if c.errs != errsBefore {
		spec.stats.failed.Add(1)
		e.countError(c.lastErr)
	}
	if e.Dirty != dirtyBefore && spec.Flags&FlagWrite != 0 || c.rewritten != nil {
		argv := args
		if c.rewritten != nil {
			argv = c.rewritten
		}
		if len(argv) > 0 {
			e.propagate(c.DB, argv)
		}
	}
	c.rewritten = nil
	e.slowlogRecord(c, spec, args, dur)
	c.cmd, c.args = prevCmd, prevArgs
	e.trackingAfterCall(c, spec, args)
}

// runHandler runs the handler, turning a panic into an error reply: a bug
// in one command must not take every client down. The panic is logged with
// its stack and counted (INFO stats sundial_panics); tests fail on it.
func (e *Engine) runHandler(c *Client, spec *Spec, args [][]byte) {
	defer func() {
		if r := recover(); r != nil {
			e.stats.Panics.Add(1)
			e.Log.Error("panic in command", "command", spec.FullName, "panic", r, "stack", string(debug.Stack()))
			c.Error("ERR internal error in '" + spec.FullName + "' command")
		}
	}()
	spec.Run(c, args)
}

const errNoReplicas = "NOREPLICAS Not enough good replicas to write."

// noGoodReplicas is Redis's failed checkGoodReplicasStatus: writes are
// refused while min-replicas-to-write asks for replicas (with
// min-replicas-max-lag on), and a standalone sundial has none.
func (e *Engine) noGoodReplicas() bool {
	return e.Cfg.MinReplicasToWrite > 0 && e.Cfg.MinReplicasMaxLag > 0
}

// afterCall finishes a top-level command: hands its writes to the AOF,
// serves clients blocked on keys it made ready, then announces to BCAST
// tracking clients every key changed by both, in one message as Redis
// does before it sleeps.
func (e *Engine) afterCall(c *Client) {
	if e.execDepth > 0 {
		return
	}
	e.flushPropagation(c)
	e.blocking.serveReady(e)
	e.flushPropagation(c)
	e.trackingBroadcast()
	e.dropSlowClients()
}

// propagate records one write's propagation form.
func (e *Engine) propagate(db *keyspace.DB, argv [][]byte) {
	if e.Propagate == nil {
		return
	}
	if e.SplitWrite != nil && e.SplitWrite(db, argv, e.propagate) {
		return
	}
	// The arguments may be in buffers reused before the flush (a
	// script's redis.call arguments), so they are copied. Slices taken
	// before the arena grew keep pointing at its old array, whose bytes
	// never change.
	start := len(e.propArgs)
	for _, a := range argv {
		off := len(e.propBytes)
		e.propBytes = append(e.propBytes, a...)
		end := len(e.propBytes)
		e.propArgs = append(e.propArgs, e.propBytes[off:end:end])
	}
	end := len(e.propArgs)
	e.pending = append(e.pending, propagation{db: db, argv: e.propArgs[start:end:end]})
}

// flushPropagation hands the pending writes of a finished top-level call
// to the consumer. c (may be nil) waits for their durability before its
// reply is sent.
func (e *Engine) flushPropagation(c *Client) {
	if len(e.pending) == 0 || e.Propagate == nil {
		e.pending = e.pending[:0]
		return
	}
	var seq uint64
	for _, p := range e.pending {
		seq = e.Propagate(p.db, p.argv)
	}
	if c != nil && seq > c.syncSeq {
		c.syncSeq = seq
	}
	clear(e.pending)
	e.pending = e.pending[:0]
	e.resetPropArena()
}

// resetPropArena reuses the argument arena once no pending write needs
// it; a very large one (a big value written) is let go.
func (e *Engine) resetPropArena() {
	clear(e.propArgs)
	e.propArgs = e.propArgs[:0]
	e.propBytes = e.propBytes[:0]
	if cap(e.propBytes) > 1<<20 {
		e.propBytes = nil
	}
	if cap(e.propArgs) > 1<<14 {
		e.propArgs = nil
	}
}

// PropagateDirect records a write that no client command caused (active
// expiry, eviction) and hands it on at once.
func (e *Engine) propagateDirect(db *keyspace.DB, argv [][]byte) {
	e.propagate(db, argv)
	if e.execDepth == 0 {
		e.flushPropagation(nil)
	}
}

// keyExpired is called by the keyspace when a key's TTL passed.
func (e *Engine) keyExpired(db *keyspace.DB, key string) {
	e.stats.ExpiredKeys.Add(1)
	if e.Loading.Load() {
		return
	}
	kb := []byte(key)
	e.propagateDirect(db, [][]byte{[]byte("DEL"), kb})
	e.notifyKeyspace(db, notifyExpired, "expired", kb)
	e.watches.touch(db, key)
	e.trackingInvalidate(nil, db, kb)
}

// keyDeleted is called for every key removed from a keyspace. Clients
// blocked on it retry, as after Redis's signalDeletedKeyAsReady: an
// XREADGROUP learns that its stream is gone.
func (e *Engine) keyDeleted(db *keyspace.DB, key string) {
	if len(e.blocking.waiters) > 0 {
		e.blocking.signal(db, []byte(key))
	}
}

func (e *Engine) countError(msg string) {
	e.stats.TotalErrorReplies.Add(1)
	code := msg
	for i := 0; i < len(msg); i++ {
		if msg[i] == ' ' {
			code = msg[:i]
			break
		}
	}
	e.errorStats[code]++
}

// ActiveExpire runs one active expiry cycle over every keyspace within
// budget, as Redis's serverCron does hz times a second.
func (e *Engine) ActiveExpire(budget time.Duration) {
	e.Mu.Lock()
	defer e.Mu.Unlock()
	// Not while a slow script lets clients in: keys must not expire
	// under it.
	if !e.activeExp || e.Loading.Load() || e.scripts.timedOut {
		return
	}
	deadline := time.Now().Add(budget)
	now := time.Now().UnixMilli()
	within := func() bool { return time.Now().Before(deadline) }
	for _, db := range e.Store.All() {
		db.ExpireCycle(now, 20, within)
		if !within() {
			break
		}
	}
	// Keys that expired may end waits (XREADGROUP on a stream now gone).
	e.blocking.serveReady(e)
	e.flushPropagation(nil)
	e.trackingBroadcast()
	e.dropSlowClients()
}

// ReplayClient returns a client for applying persisted writes through the
// command table, as Redis's fake AOF client does.
func (e *Engine) ReplayClient(db *keyspace.DB) *Client {
	c := e.NewClient(nil, "", "")
	c.DB = db
	c.Authed = true
	c.replay = true
	return c
}
