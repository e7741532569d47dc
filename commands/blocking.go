package commands

import (
	"math"
	"time"

	"sundial/keyspace"
)

// blockState is what a parked client waits with.
type blockState struct {
	keys     []blockKey
	deadline time.Time // zero: wait forever
	// retry re-runs the command's non-blocking attempt for the waiter; it
	// returns true when it served the client (wrote the reply).
	retry func(c *Client) bool
	// onTimeout writes the reply for a timeout (usually a null array).
	onTimeout func(c *Client)
	wake      chan struct{}
	// readyKey is the key being served while retry runs: Redis serves a
	// waiter from the key that was signalled, not from its first key.
	readyKey string
}

type blockKey struct {
	db  *keyspace.DB
	key string
}

// blockRegistry maps keys to the clients blocked on them, in arrival order
// (Redis serves waiters on a key first come, first served).
type blockRegistry struct {
	waiters map[blockKey][]*Client
	ready   []blockKey
	isReady map[blockKey]bool
	count   int
}

// Block parks c on keys until retry serves it or timeout passes (0 = for
// ever). The caller has already tried the non-blocking form and written no
// reply. The connection goroutine waits outside the engine lock.
func (c *Client) Block(keys [][]byte, timeout time.Duration, retry func(c *Client) bool, onTimeout func(c *Client)) {
	b := &blockState{retry: retry, onTimeout: onTimeout, wake: make(chan struct{}, 1)}
	if timeout > 0 {
		b.deadline = time.Now().Add(timeout)
	}
	r := &c.e.blocking
	if r.waiters == nil {
		r.waiters = make(map[blockKey][]*Client)
		r.isReady = make(map[blockKey]bool)
	}
	for _, k := range keys {
		bk := blockKey{c.DB, string(k)}
		dup := false
		for _, have := range b.keys {
			if have == bk {
				dup = true
			}
		}
		if dup {
			continue
		}
		b.keys = append(b.keys, bk)
		r.waiters[bk] = append(r.waiters[bk], c)
	}
	c.block = b
	r.count++
}

// signal marks key ready; waiters are tried once the current top-level
// command finishes, before any other client runs.
func (r *blockRegistry) signal(db *keyspace.DB, key []byte) {
	if len(r.waiters) == 0 {
		return
	}
	bk := blockKey{db, string(key)}
	if _, ok := r.waiters[bk]; !ok || r.isReady[bk] {
		return
	}
	r.isReady[bk] = true
	r.ready = append(r.ready, bk)
}

// serveReady tries the waiters of every ready key in FIFO order. Serving a
// waiter may make more keys ready (BLMOVE pushes), so it loops.
func (r *blockRegistry) serveReady(e *Engine) {
	for len(r.ready) > 0 {
		bk := r.ready[0]
		r.ready = r.ready[1:]
		delete(r.isReady, bk)
		for _, w := range append([]*Client(nil), r.waiters[bk]...) {
			if w.block == nil {
				continue
			}
			w.block.readyKey = bk.key
			if e.tryServe(w) {
				e.flushPropagation(w)
			}
		}
	}
	r.ready = r.ready[:0]
}

// ReadyKey is, while a retry runs, the signalled key it is called for;
// a retry serves from that key, as Redis does.
func (c *Client) ReadyKey() string {
	if c.block == nil {
		return ""
	}
	return c.block.readyKey
}

// tryServe runs a waiter's retry as a call of its own command.
func (e *Engine) tryServe(w *Client) bool {
	b := w.block
	w.now = time.Now().UnixMilli()
	w.rewritten = nil
	errsBefore := w.errs
	// While it is served the waiter is the client running a command, as
	// Redis's current_client: invalidations of keys it changes itself
	// come after its reply.
	prevCmd := w.cmd
	w.cmd = w.lastCmd
	e.execDepth++
	served := b.retry(w)
	e.execDepth--
	w.cmd = prevCmd
	defer e.trackingFlushPending()
	if !served {
		return false
	}
	// An error the waiter is answered with (NOGROUP after XGROUP DESTROY,
	// WRONGTYPE …) counts as its command's failure, as Redis's
	// updateStatsOnUnblock does.
	if w.errs != errsBefore {
		if spec := w.lastCmd; spec != nil {
			spec.stats.failed.Add(1)
		}
		e.countError(w.lastErr)
	}
	// retry states its non-blocking propagation form with Rewrite (BLPOP
	// served is propagated as LPOP …) when it changed something; it may
	// leave that change out of the dirty count, as Redis 7.0 does for the
	// list pops it serves.
	if len(w.rewritten) > 0 {
		e.propagate(w.DB, w.rewritten)
	}
	w.rewritten = nil
	e.unblock(w)
	return true
}

// unblock removes w from every key it waits on and wakes its goroutine.
func (e *Engine) unblock(w *Client) {
	b := w.block
	if b == nil {
		return
	}
	e.blocking.remove(w)
	w.block = nil
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// remove drops w from the registry.
func (r *blockRegistry) remove(w *Client) {
	b := w.block
	if b == nil {
		return
	}
	for _, bk := range b.keys {
		list := r.waiters[bk]
		for i, c := range list {
			if c == w {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(r.waiters, bk)
		} else {
			r.waiters[bk] = list
		}
	}
	r.count--
}

// BlockedClients is the number of parked clients (INFO blocked_clients).
func (e *Engine) BlockedClients() int { return e.blocking.count }

// WaitBlocked parks the calling connection goroutine until c is served,
// times out, is unblocked by CLIENT UNBLOCK or killed. Called and returns
// without Mu held.
func (e *Engine) WaitBlocked(c *Client, closed <-chan struct{}) {
	e.Mu.Lock()
	b := c.block
	e.Mu.Unlock()
	if b == nil {
		return
	}
	var timer <-chan time.Time
	if !b.deadline.IsZero() {
		t := time.NewTimer(time.Until(b.deadline))
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-b.wake:
	case <-timer:
	case <-closed:
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	if c.block == b {
		// Timed out (or the connection went away): answer as a timeout.
		e.blocking.remove(c)
		c.block = nil
		if b.onTimeout != nil {
			b.onTimeout(c)
		} else {
			c.NullArray()
		}
	}
}

// unblockClient implements CLIENT UNBLOCK: with err the client gets an
// UNBLOCKED error, otherwise its timeout reply.
func (e *Engine) unblockClient(w *Client, withError bool) bool {
	b := w.block
	if b == nil {
		return false
	}
	if withError {
		w.Error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
	} else if b.onTimeout != nil {
		b.onTimeout(w)
	} else {
		w.NullArray()
	}
	e.unblock(w)
	return true
}

// signalDB marks every key of db with waiters ready (SWAPDB, FLUSHDB
// change what every key holds).
func (r *blockRegistry) signalDB(db *keyspace.DB) {
	for bk := range r.waiters {
		if bk.db == db && !r.isReady[bk] {
			r.isReady[bk] = true
			r.ready = append(r.ready, bk)
		}
	}
}

// Blocking commands' timeouts are Redis 7.0's getTimeoutFromObjectOrReply:
// a number of milliseconds, negative ones refused, 0 waiting for ever.
// A deadline too far away for Redis's arithmetic waits for ever too.

const errTimeoutNotInt = "ERR timeout is not an integer or out of range"

// timeoutSeconds parses a timeout in seconds (BLPOP, BZPOPMIN …): a long
// double, times 1000, rounded up to whole milliseconds, so 0.0001 times
// out at once and -0.0009 waits for ever. Values beyond a long long
// (infinity too) become LLONG_MIN, as the x87 conversion does: negative.
func timeoutSeconds(c *Client, b []byte) (time.Duration, bool) {
	f, ok := parseLongDouble(b)
	if !ok {
		c.Error(errTimeoutNotFloat)
		return 0, false
	}
	return timeoutFromMillis(c, f.timesThousandCeil())
}

// timeoutMillis parses a timeout in whole milliseconds (XREAD BLOCK).
func timeoutMillis(c *Client, b []byte) (time.Duration, bool) {
	ms, ok := keyspace.ParseInt(b)
	if !ok {
		c.Error(errTimeoutNotInt)
		return 0, false
	}
	return timeoutFromMillis(c, ms)
}

// timeoutFromMillis checks a timeout and converts it for Block.
func timeoutFromMillis(c *Client, ms int64) (time.Duration, bool) {
	if ms < 0 {
		c.Error(errTimeoutNegative)
		return 0, false
	}
	if ms > math.MaxInt64/int64(time.Millisecond) {
		return 0, true
	}
	return time.Duration(ms) * time.Millisecond, true
}
