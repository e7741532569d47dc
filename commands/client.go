package commands

import (
	"time"

	"sundial/keyspace"
)

// Conn is what the network layer provides for a client connection.
type Conn interface {
	// Close closes the connection (CLIENT KILL, output buffer limits).
	Close()
	// Wake asks the connection to send output that was added to the
	// client's buffer by another client (pub/sub messages, invalidations).
	Wake()
}

// Client is the per-connection state commands see. Its embedded Reply is
// the buffer replies are written to; it is only touched under Engine.Mu.
type Client struct {
	Reply
	ID     int64
	DB     *keyspace.DB
	Authed bool
	Addr   string
	LAddr  string
	Name   string
	// LibName and LibVer are set by CLIENT SETINFO.
	LibName, LibVer string

	e               *Engine
	conn            Conn
	user            *aclUser // nil for internal clients: no ACL checks
	created         time.Time
	lastInteraction time.Time
	lastCmd         *Spec
	now             int64 // Unix ms when the current command started
	callStart       time.Time
	// scratchArgv and scratchBuf hold a propagation form being built.
	scratchArgv [][]byte
	scratchBuf  []byte
	// lastEnd is when the last command ended (zero while one runs).
	lastEnd time.Time
	// started is when the command running now (at this client's outer
	// level) started: a script's run starts its busy clock from it.
	started   time.Time
	cmd       *Spec
	args      [][]byte
	rewritten [][]byte
	// syncSeq is the last write this client caused; its reply waits until
	// that write is durable (appendfsync always).
	syncSeq uint64

	closed     bool
	watchDirty bool
	closeAfter bool // QUIT: close once the reply is written
	replay     bool // applies persisted writes; never blocks or propagates
	replyMode  replyMode
	noEvict    bool
	noTouch    bool
	multi      *multiState
	watched    []watchedKey
	block      *blockState
	subs       *subscriptions
	tracking   *trackingState
	inScript   bool
	monitor    bool
	killed     bool
	// silenced is set while a command of a client with CLIENT REPLY OFF
	// or SKIP runs: what it writes is dropped afterwards, except the
	// pushes whose spans kept records (start and end offsets in B).
	silenced bool
	kept     []int
}

type replyMode uint8

const (
	replyOn replyMode = iota
	replyOff
	replySkipNext
	replySkip
)

// pushDone records that a push (pub/sub message or confirmation,
// invalidation) was written to c's buffer from offset start: a silenced
// command's own pushes are still sent, as Redis's CLIENT_PUSHING flag
// overrides CLIENT REPLY OFF and SKIP.
func (c *Client) pushDone(start int) {
	if c.silenced {
		c.kept = append(c.kept, start, len(c.B))
	}
}

// dropReplies truncates c's output to mark, keeping the pushes written
// after it.
func (c *Client) dropReplies(mark int) {
	w := mark
	for i := 0; i+1 < len(c.kept); i += 2 {
		start, end := c.kept[i], c.kept[i+1]
		if start < w || end > len(c.B) {
			continue // cannot happen: spans are in order, after mark
		}
		w += copy(c.B[w:], c.B[start:end])
	}
	c.B = c.B[:w]
	c.kept = c.kept[:0]
}

// Engine returns the engine the client belongs to.
func (c *Client) Engine() *Engine { return c.e }

// Now is the time in Unix ms at which the current command started; every
// expiry decision of a command uses it.
func (c *Client) Now() int64 { return c.now }

// Dirty marks n changes made by the current command, so it is propagated
// and counted for save rules.
func (c *Client) Dirty(n int) { c.e.Dirty += int64(n) }

// Rewrite sets the form in which the current command is propagated (e.g.
// SET with an absolute PXAT instead of EX).
// scratchArgs starts a propagation form in the client's scratch space: a
// copy of args for the command to edit and hand to Rewrite, with no
// allocation. The space is reused by the client's next command; call
// propagates (copies) the form before that.
func (c *Client) scratchArgs(args [][]byte) [][]byte {
	c.scratchBuf = c.scratchBuf[:0]
	c.scratchArgv = append(c.scratchArgv[:0], args...)
	return c.scratchArgv
}

// scratchBytes appends an argument for the form started by scratchArgs
// with appendTo and returns it.
func (c *Client) scratchBytes(appendTo func([]byte) []byte) []byte {
	off := len(c.scratchBuf)
	c.scratchBuf = appendTo(c.scratchBuf)
	end := len(c.scratchBuf)
	return c.scratchBuf[off:end:end]
}

func (c *Client) Rewrite(argv ...[]byte) {
	if argv == nil {
		argv = [][]byte{}
	}
	c.rewritten = argv
}

// AlsoPropagate records an extra write in the current command's
// propagation (e.g. the DEL of an expired source key).
func (c *Client) AlsoPropagate(argv ...[]byte) { c.e.propagate(c.DB, argv) }

// Lookup returns the live entry of key in the selected keyspace.
func (c *Client) Lookup(key []byte) *keyspace.Entry {
	return c.DB.Lookup(key, c.now)
}

// LookupRead is Lookup for commands that read the value: it counts hits
// and misses and updates the key's access time unless NO-TOUCH is on.
func (c *Client) LookupRead(key []byte) *keyspace.Entry {
	e := c.DB.Lookup(key, c.now)
	if e == nil {
		c.e.stats.KeyspaceMisses.Add(1)
		c.Notify(notifyKeyMiss, "keymiss", key)
		return nil
	}
	c.e.stats.KeyspaceHits.Add(1)
	if !c.noTouch {
		c.e.touchAccess(e)
	}
	return e
}

// Touched signals that key was modified: WATCH invalidation and
// client-side caching, as Redis's signalModifiedKey.
func (c *Client) Touched(key []byte) {
	c.e.keyModified(c, c.DB, key)
	c.e.watches.touch(c.DB, string(key))
	c.e.trackingInvalidate(c, c.DB, key)
}

// SignalReady tells blocked clients waiting on key that it may serve them
// now (after a push to a list, an add to a sorted set or stream).
func (c *Client) SignalReady(key []byte) { c.e.blocking.signal(c.DB, key) }

// CanBlock reports whether a blocking command may park this client:
// inside MULTI, scripts and replay it must act as its non-blocking form.
func (c *Client) CanBlock() bool {
	return c.multi == nil && !c.inScript && !c.replay && c.conn != nil && c.e.execDepth <= 1
}

// Proto returns the client's protocol version (2 or 3).
func (c *Client) Protocol() int { return c.Proto }

// Closed reports whether the client has been freed.
func (c *Client) Closed() bool { return c.closed }

// CloseAfterReply reports whether the connection should close once its
// pending output is written (QUIT, CLIENT KILL of itself).
func (c *Client) CloseAfterReply() bool { return c.closeAfter || c.killed }

// TakeOutput swaps out the pending output. The caller holds Engine.Mu.
func (c *Client) TakeOutput(spare []byte) []byte {
	out := c.B
	c.B = spare[:0]
	return out
}

// SyncSeq returns and clears the write sequence the pending replies wait on.
func (c *Client) TakeSyncSeq() uint64 {
	s := c.syncSeq
	c.syncSeq = 0
	return s
}

// Blocked reports whether the client is parked by a blocking command.
func (c *Client) Blocked() bool { return c.block != nil }

// OutputLen is the size of output not yet written.
func (c *Client) OutputLen() int { return len(c.B) }

// Subscribed reports whether the client is in pub/sub mode.
func (c *Client) Subscribed() bool { return c.subscribed() }
