//go:build linux

package server

import (
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// The gate makes commands from different connections run in the order
// their bytes arrived, as Redis's single event loop runs them. Each
// connection has its own goroutine; left to Go's scheduler, two sockets
// that became readable in the same poll are woken in an arbitrary order
// (in practice the reverse one), so a PUBLISH sent just after another
// client's SUBSCRIBE could run first and reach nobody.
//
// The gate keeps its own epoll set of the client sockets (edge
// triggered, alongside Go's own poller) and hands out turns in the order
// the kernel reports them: it wakes a waiting connection and waits until
// that connection has read its socket and run what it read, then wakes
// the next. A connection that is busy when its socket fires (writing,
// blocked, paused) is marked pending instead and reads as soon as it is
// done, without a turn. The gate's goroutine parks in Go's poller on the
// epoll descriptor itself, so it costs no thread while idle.

// Connection states for the gate (conn.gstate).
const (
	gateBusy    = 0 // running, or between turns
	gateWaiting = 1 // parked in waitTurn
	gatePending = 2 // flag: the socket fired while the connection was busy
	gateLong    = 4 // flag: busy waiting (blocked command, pause, fsync)
	gateWanted  = 8 // flag: the gate waits for the connection to wait
	// gateTurnLimit is how long the gate waits for a turn to end, or for
	// a connection between two turns to come back for the next.
	gateTurnLimit = 5 * time.Millisecond
)

// epollET is EPOLLET as the uint32 the event mask is.
const epollET = 1 << 31

type gate struct {
	f      *os.File
	rc     syscall.RawConn
	epfd   int
	mu     sync.Mutex
	closed bool // epfd is closed: its number may belong to another file
	conns  map[uint64]*conn
	nextID uint64
	timer  *time.Timer // for awaitTurn, reused
}

// newGate returns a gate, or nil when the platform refuses one (the
// connections then read on their own, unordered).
func newGate() *gate {
	fd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil
	}
	if err := syscall.SetNonblock(fd, true); err != nil {
		syscall.Close(fd)
		return nil
	}
	f := os.NewFile(uintptr(fd), "sundial-gate")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil
	}
	return &gate{f: f, rc: rc, epfd: fd, conns: make(map[uint64]*conn)}
}

// add registers c's socket; c reads through the gate from then on. It
// reports false when the socket cannot be registered.
func (g *gate) add(c *conn, raw syscall.RawConn) bool {
	// The lock keeps close from running meanwhile: a connection accepted
	// while the server stops must not register with a descriptor number
	// that was closed and perhaps reused.
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	id := g.nextID + 1
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | epollET,
		Fd: int32(uint32(id)), Pad: int32(uint32(id >> 32))}
	var err error
	cerr := raw.Control(func(fd uintptr) {
		err = syscall.EpollCtl(g.epfd, syscall.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if cerr != nil || err != nil {
		return false
	}
	g.nextID = id
	g.conns[id] = c
	c.gid = id
	return true
}

// remove forgets a connection. Its socket leaves the epoll set when it is
// closed.
func (g *gate) remove(id uint64) {
	g.mu.Lock()
	delete(g.conns, id)
	g.mu.Unlock()
}

func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	g.f.Close()
}

// run hands out turns until the gate is closed.
func (g *gate) run() {
	events := make([]syscall.EpollEvent, 128)
	for {
		n := 0
		err := g.rc.Read(func(fd uintptr) bool {
			var err error
			n, err = syscall.EpollWait(int(fd), events, 0)
			if err != nil {
				n = 0
			}
			return n > 0
		})
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			id := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			g.mu.Lock()
			c := g.conns[id]
			g.mu.Unlock()
			if c != nil {
				g.signal(c)
			}
		}
	}
}

// signal gives c a turn if it is waiting for one, and waits for the turn
// to end; otherwise it marks c pending.
func (g *gate) signal(c *conn) {
	waited := false
	for {
		s := c.gstate.Load()
		if s == gateWaiting {
			if !c.gstate.CompareAndSwap(s, gateBusy) {
				continue
			}
			c.turns++
			c.ready <- c.turns
			g.awaitTurn(c)
			return
		}
		if s&(gateLong|gatePending|gateWanted) == 0 && !waited {
			// Between two turns: wait for it to come back (it is about
			// to), then give it this one, in order.
			// A token left by a late arrival the last time is stale.
			select {
			case <-c.arrived:
			default:
			}
			if c.gstate.CompareAndSwap(s, s|gateWanted) {
				waited = true
				g.awaitArrival(c)
			}
			continue
		}
		if c.gstate.CompareAndSwap(s, (s&^gateWanted)|gatePending) {
			return
		}
	}
}

// awaitArrival waits, at most gateTurnLimit, for c to start waiting for
// a turn.
func (g *gate) awaitArrival(c *conn) {
	g.resetTimer()
	defer g.timer.Stop()
	select {
	case <-c.arrived:
	case <-c.closed:
	case <-g.timer.C:
	}
}

// resetTimer arms the gate's timer for gateTurnLimit.
func (g *gate) resetTimer() {
	if g.timer == nil {
		g.timer = time.NewTimer(gateTurnLimit)
	} else {
		g.timer.Reset(gateTurnLimit)
	}
}

// awaitTurn waits for c to end the turn it was given. A turn that lasts
// longer than gateTurnLimit (a busy script, DEBUG SLEEP) is left running
// unwaited, so that the others can be served meanwhile (SCRIPT KILL,
// BUSY errors), as Redis serves them during a long script. Turns are
// numbered so that the end of an abandoned one is not mistaken for the
// end of a later one.
func (g *gate) awaitTurn(c *conn) {
	g.resetTimer()
	defer g.timer.Stop()
	for {
		select {
		case n := <-c.turnDone:
			if n == c.turns {
				return
			}
		case <-c.closed:
			return
		case <-g.timer.C:
			return
		}
	}
}

// waitLong marks c as busy for a while (blocked, paused, waiting for an
// fsync): the gate does not wait for it to finish.
func (c *conn) waitLong() { c.gstate.Or(gateLong) }

// waitTurn parks until the gate gives c a turn, c's socket fired while it
// was busy, the connection closes (false) or timeout fires (false, and
// timedOut set).
func (c *conn) waitTurn(timeout <-chan time.Time) (ok, timedOut bool) {
	for {
		s := c.gstate.Load()
		if s&gatePending != 0 {
			if c.gstate.CompareAndSwap(s, gateBusy) {
				if s&gateWanted != 0 {
					// The gate waits for this connection, which reads
					// now without a turn: let it go on at once.
					select {
					case c.arrived <- struct{}{}:
					default:
					}
				}
				return true, false
			}
			continue
		}
		if c.gstate.CompareAndSwap(s, gateWaiting) {
			if s&gateWanted != 0 {
				select {
				case c.arrived <- struct{}{}:
				default:
				}
			}
			break
		}
	}
	select {
	case c.turn = <-c.ready:
		return true, false
	case <-c.closed:
		return false, false
	case <-timeout:
	}
	// Leave the waiting state; a turn handed out meanwhile is taken.
	if c.gstate.CompareAndSwap(gateWaiting, gateBusy) {
		return false, true
	}
	select {
	case c.turn = <-c.ready:
		return true, false
	case <-c.closed:
		return false, false
	}
}

// endTurn lets the gate move on to the next connection.
func (c *conn) endTurn() {
	if c.turn != 0 {
		// The buffer holds at most the end of an abandoned turn, which
		// the gate discards; never block on it.
		select {
		case c.turnDone <- c.turn:
		default:
			select {
			case <-c.turnDone:
			default:
			}
			c.turnDone <- c.turn
		}
		c.turn = 0
	}
}

// rawReader reads what a socket holds without waiting: 0 and no error
// when it holds nothing. Its read function is made once, so a read does
// not allocate.
type rawReader struct {
	raw syscall.RawConn
	p   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
	wfn func(fd uintptr) bool
}

func newRawReader(raw syscall.RawConn) *rawReader {
	r := &rawReader{raw: raw}
	r.fn = r.readFD
	r.wfn = r.writeFD
	return r
}

func (r *rawReader) readFD(fd uintptr) bool  { return r.ioFD(fd, syscall.Read) }
func (r *rawReader) writeFD(fd uintptr) bool { return r.ioFD(fd, syscall.Write) }

func (r *rawReader) ioFD(fd uintptr, op func(int, []byte) (int, error)) bool {
	for {
		r.n, r.err = op(int(fd), r.p)
		if r.err != syscall.EINTR {
			return true
		}
	}
}

// result turns the last system call's outcome into a count: a socket
// that would block counts as 0 bytes and no error.
func (r *rawReader) result(rerr error) (int, error) {
	r.p = nil
	switch {
	case rerr != nil:
		return 0, rerr
	case r.err == syscall.EAGAIN:
		return 0, nil
	case r.err != nil:
		return 0, r.err
	}
	return r.n, nil
}

// TryWrite writes what the socket takes of p without waiting and returns
// how much that was.
func (r *rawReader) TryWrite(p []byte) (int, error) {
	r.p = p
	return r.result(r.raw.Write(r.wfn))
}

func (r *rawReader) Read(p []byte) (int, error) {
	r.p = p
	n, err := r.result(r.raw.Read(r.fn))
	if err == nil && r.err == nil && n == 0 && len(p) > 0 {
		return 0, io.EOF // the peer closed its end
	}
	return n, err
}
