package server

import (
	"errors"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"sundial/commands"
)

// conn is one client connection. Its goroutine reads requests, runs them
// on the engine holding the engine lock, and writes the replies. Output
// other clients produce for it (pub/sub, invalidations, MONITOR) is sent
// by a pusher goroutine started on first use; writeMu keeps the two
// writers in order.
type conn struct {
	s       *Server
	nc      net.Conn
	c       *commands.Client
	rd      *Reader
	writeMu sync.Mutex
	spare   []byte
	wake    chan struct{}
	pushing sync.Once
	closed  chan struct{}
	once    sync.Once
	timeout int // idle timeout in seconds, refreshed after each batch

	// Reading through the gate (gate_linux.go): src reads the socket
	// without waiting, ready and turnDone pass turns, gstate is the
	// connection's state for the gate, turn whether it holds one.
	gid      uint64
	src      *rawReader
	ready    chan uint64
	turnDone chan uint64
	arrived  chan struct{} // the connection came back while the gate waited
	gstate   atomic.Uint32
	turns    uint64 // turns given (by the gate)
	turn     uint64 // the turn held, 0 for none
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{s: s, nc: nc, closed: make(chan struct{}), wake: make(chan struct{}, 1)}
	c.c = s.Engine.NewClient(c, nc.RemoteAddr().String(), nc.LocalAddr().String())
	s.Engine.Mu.Lock()
	maxBulk, maxQuery := s.Cfg.ProtoMaxBulkLen, s.Cfg.ClientQueryBufferLimit
	s.Engine.Mu.Unlock()
	c.rd = NewReader(nc, maxBulk, maxQuery)
	if g := s.gate; g != nil {
		if sc, ok := nc.(syscall.Conn); ok {
			if raw, err := sc.SyscallConn(); err == nil {
				c.ready, c.turnDone = make(chan uint64, 1), make(chan uint64, 1)
				c.arrived = make(chan struct{}, 1)
				if g.add(c, raw) {
					c.src = newRawReader(raw)
				}
			}
		}
	}
	return c
}

// Close implements commands.Conn: it closes the socket; the goroutines
// notice and clean up.
func (c *conn) Close() {
	c.once.Do(func() {
		close(c.closed)
		c.nc.Close()
	})
}

// Wake implements commands.Conn: send output queued by other clients.
func (c *conn) Wake() {
	c.pushing.Do(func() { go c.pusher() })
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *conn) pusher() {
	for {
		select {
		case <-c.closed:
			return
		case <-c.wake:
		}
		// Let the clients that are ready run first: what they publish
		// meanwhile goes out in this same write. A write to a socket
		// costs far more than the bytes in it, so a subscriber gets one
		// per round of the scheduler, not one per message, as Redis
		// writes each client's buffer once per event loop iteration.
		runtime.Gosched()
		c.writeMu.Lock()
		e := c.s.Engine
		e.Mu.Lock()
		out := c.c.TakeOutput(c.spare)
		e.Mu.Unlock()
		err := c.write(out)
		c.writeMu.Unlock()
		if err != nil {
			c.Close()
			return
		}
	}
}

// write sends out and keeps its buffer for reuse. Caller holds writeMu.
func (c *conn) write(out []byte) error {
	if len(out) == 0 {
		c.spare = out
		return nil
	}
	_, err := c.nc.Write(out)
	c.recycle(out)
	return err
}

// writeInTurn writes the replies of a turn. What the socket takes at once
// is written within the turn; when a slow reader's socket is full, the
// turn ends before waiting for it, so that nobody else waits on that
// client (Redis never waits on one). Caller holds writeMu.
func (c *conn) writeInTurn(out []byte) error {
	if c.turn == 0 || c.src == nil || len(out) == 0 {
		return c.write(out)
	}
	n, err := c.src.TryWrite(out)
	if err == nil && n < len(out) {
		c.waitLong()
		c.endTurn()
		_, err = c.nc.Write(out[n:])
	}
	c.recycle(out)
	return err
}

// recycle counts out as sent and keeps its buffer for reuse.
func (c *conn) recycle(out []byte) {
	c.s.Engine.Stats().NetOutput.Add(int64(len(out)))
	if cap(out) > 1<<20 {
		out = nil // do not keep a huge buffer around
	}
	c.spare = out[:0]
}

func (c *conn) serve() {
	e := c.s.Engine
	defer func() {
		c.endTurn()
		if c.src != nil {
			c.s.gate.remove(c.gid)
		}
		c.Close()
		e.FreeClient(c.c)
	}()
	select {
	case <-c.s.done:
		// Admitted while the server stops, too late to be closed by it.
		return
	default:
	}
	for {
		if !c.runBuffered() {
			return
		}
		c.rd.Shrink()
		var n int
		var err error
		if c.src != nil {
			if !c.awaitInput() {
				return
			}
			n, err = c.rd.FillFrom(c.src)
			if err == nil && c.rd.Full() {
				c.gstate.Or(gatePending) // the socket may hold more
			}
		} else {
			if t := c.timeout; t > 0 {
				c.nc.SetReadDeadline(time.Now().Add(time.Duration(t) * time.Second))
			}
			n, err = c.rd.Fill()
		}
		e.Stats().NetInput.Add(int64(n))
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) && c.idleExempt() {
				c.nc.SetReadDeadline(time.Time{})
				continue
			}
			if errors.Is(err, errQueryLimit) {
				c.s.Log.Warn("closing client that reached max query buffer length", "addr", c.c.Addr)
			}
			return
		}
	}
}

// awaitInput waits for the gate to give the connection a turn (or for
// its socket to have fired while it was busy). An idle connection is
// closed after the idle timeout unless it is exempt. It returns false
// when the connection must close.
func (c *conn) awaitInput() bool {
	for {
		var timeout <-chan time.Time
		var t *time.Timer
		if sec := c.timeout; sec > 0 {
			t = time.NewTimer(time.Duration(sec) * time.Second)
			timeout = t.C
		}
		ok, timedOut := c.waitTurn(timeout)
		if t != nil {
			t.Stop()
		}
		if ok {
			return true
		}
		if !timedOut || !c.idleExempt() {
			return false
		}
	}
}

// idleExempt: subscribers and blocked clients are not closed by timeout.
func (c *conn) idleExempt() bool {
	e := c.s.Engine
	e.Mu.Lock()
	defer e.Mu.Unlock()
	return c.c.Blocked() || c.c.Subscribed()
}

// runBuffered executes every complete command in the read buffer and
// writes the replies. It returns false when the connection must close.
func (c *conn) runBuffered() bool {
	e := c.s.Engine
	c.writeMu.Lock()
	e.Mu.Lock()
	keep := true
	// chained: the lock has been held since the last command ran, so the
	// next starts when it ended (Engine.ExecNext).
	chained := false
	for {
		args, err := c.rd.Next(c.c.Authed)
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				c.c.Error("ERR " + pe.Error())
			}
			keep = false
			break
		}
		if args == nil {
			break
		}
		if len(args) == 0 {
			continue
		}
		if e.PauseFor(c.c, args) > 0 {
			// CLIENT PAUSE: wait outside the lock until the pause ends.
			e.Mu.Unlock()
			c.waitLong()
			c.endTurn()
			c.flushLocked(false)
			if !c.waitPause(args) {
				// Killed or shut down while paused: the command never
				// runs, as Redis frees a paused client with it.
				c.writeMu.Unlock()
				return false
			}
			e.Mu.Lock()
			chained = false
		}
		if chained {
			e.ExecNext(c.c, args)
		} else {
			e.Exec(c.c, args)
			chained = true
		}
		if c.c.Blocked() {
			e.Mu.Unlock()
			c.waitLong()
			c.endTurn()
			if !c.flushLocked(false) {
				c.writeMu.Unlock()
				return false
			}
			c.writeMu.Unlock()
			if !c.waitBlocked() {
				return false
			}
			c.writeMu.Lock()
			e.Mu.Lock()
			chained = false
		}
		if c.c.CloseAfterReply() || c.c.Closed() {
			keep = false
			break
		}
	}
	out := c.c.TakeOutput(c.spare)
	seq := c.c.TakeSyncSeq()
	c.timeout = c.s.Cfg.Timeout // read under the engine lock: CONFIG SET may change it
	e.Mu.Unlock()
	if seq != 0 && e.WaitDurable != nil {
		// The replies wait for an fsync: the next connection goes first.
		c.waitLong()
		c.endTurn()
		e.WaitDurable(seq)
	}
	// The turn ends once the replies are written, so that the connection
	// is back waiting for its next turn by the time the gate looks at it
	// again.
	err := c.writeInTurn(out)
	c.endTurn()
	c.writeMu.Unlock()
	return keep && err == nil
}

// waitBlocked parks until the blocking command is served, timed out or
// unblocked. Meanwhile it keeps reading, so a client that disconnects is
// noticed and freed at once, as Redis frees it, instead of staying a
// waiter that would swallow a value; what it reads stays buffered for
// after the block. It returns false when the connection is gone.
func (c *conn) waitBlocked() bool {
	c.nc.SetReadDeadline(time.Time{}) // blocked clients have no idle timeout
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := c.rd.Fill(); err != nil {
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					c.Close()
				}
				return
			}
		}
	}()
	c.s.Engine.WaitBlocked(c.c, c.closed)
	c.nc.SetReadDeadline(time.Now()) // stop the reader
	<-done
	c.nc.SetReadDeadline(time.Time{})
	select {
	case <-c.closed:
		return false
	default:
		return true
	}
}

// flushLocked writes pending output; the caller holds writeMu but not the
// engine lock.
func (c *conn) flushLocked(_ bool) bool {
	e := c.s.Engine
	e.Mu.Lock()
	out := c.c.TakeOutput(c.spare)
	seq := c.c.TakeSyncSeq()
	e.Mu.Unlock()
	if seq != 0 && e.WaitDurable != nil {
		e.WaitDurable(seq)
	}
	return c.write(out) == nil
}

// waitPause polls until CLIENT PAUSE no longer holds this command back
// (it ends by its timeout or by CLIENT UNPAUSE). It returns false when
// the connection closed meanwhile.
func (c *conn) waitPause(args [][]byte) bool {
	e := c.s.Engine
	for {
		e.Mu.Lock()
		d := e.PauseFor(c.c, args)
		e.Mu.Unlock()
		if d <= 0 {
			select {
			case <-c.closed:
				return false
			default:
				return true
			}
		}
		t := time.NewTimer(min(d, 10*time.Millisecond))
		select {
		case <-t.C:
		case <-c.closed:
			t.Stop()
			return false
		}
	}
}
