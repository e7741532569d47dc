package persistence

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FsyncPolicy is the appendfsync setting.
type FsyncPolicy int

const (
	// FsyncEverySec fsyncs in the background once a second (the default).
	FsyncEverySec FsyncPolicy = iota
	// FsyncAlways makes WaitDurable wait until the record is on disk.
	FsyncAlways
	// FsyncNo leaves flushing to the operating system.
	FsyncNo
)

// ParseFsyncPolicy parses an appendfsync value (case-insensitive).
func ParseFsyncPolicy(s string) (FsyncPolicy, error) {
	switch strings.ToLower(s) {
	case "always":
		return FsyncAlways, nil
	case "everysec":
		return FsyncEverySec, nil
	case "no":
		return FsyncNo, nil
	}
	return 0, fmt.Errorf("invalid appendfsync %q: accepted values are always, everysec, no", s)
}

func (p FsyncPolicy) String() string {
	switch p {
	case FsyncAlways:
		return "always"
	case FsyncNo:
		return "no"
	}
	return "everysec"
}

// ErrClosed is returned by operations on a closed AOF or Store.
var ErrClosed = errors.New("persistence: closed")

// spareLimit is the largest batch buffer kept for reuse; a burst larger than
// this is not allowed to pin its memory for the life of the process.
const spareLimit = 4 << 20

// AOF is the append-only log writer of one keyspace.
//
// Append encodes a command into an in-memory buffer and returns at once; it
// never does I/O, so it can be called under the server's execution lock. One
// writer goroutine owns the file: each time it wakes it takes everything
// pending, writes it with one write call and (appendfsync always) one
// fdatasync, then releases every WaitDurable caller up to the last sequence
// number it took. Concurrent writers therefore share fsyncs (group commit).
type AOF struct {
	policy atomic.Int32 // FsyncPolicy; CONFIG SET appendfsync changes it at runtime
	// openNext creates the file that follows file number cur and makes it
	// part of the durable file set; nil for a standalone AOF.
	openNext func(cur uint64, curSize int64) (*os.File, uint64, error)

	mu        sync.Mutex
	cond      sync.Cond
	pending   []byte     // encoded records not yet taken by the writer
	spare     []byte     // the previous batch buffer, reused
	rotations []rotation // switch points inside pending
	seq       uint64     // last sequence number handed out
	written   uint64     // records ≤ written are in the file
	durable   uint64     // records ≤ durable are fsynced
	writeErr  error      // the last write failed; cleared by a successful one
	syncErr   error      // an fsync failed: sticky, the page cache can no longer be trusted
	closing   bool
	closed    bool

	fileSize atomic.Int64 // bytes in the current file
	fileNum  atomic.Uint64
	fsyncs   atomic.Int64
	records  atomic.Uint64

	kick chan struct{}
	done chan struct{}

	// Owned by the writer goroutine.
	f        *os.File
	backlog  *chunk // a batch whose write failed, retried before anything newer
	unsynced bool
}

// rotation asks the writer to switch files once it has written every record
// before byte at of the pending buffer.
type rotation struct {
	at   int
	done chan rotateResult
}

type rotateResult struct {
	oldNum  uint64 // the file that was closed
	oldSize int64  // its final size: every record before the switch point
	newNum  uint64
	err     error
}

// chunk is one batch taken from pending, with the progress of its write.
type chunk struct {
	buf  []byte
	off  int
	rots []rotation
	seq  uint64
}

// OpenAOF opens (creating if needed) a standalone log at path and appends to
// it. Recovery is the caller's business: the file should end at a record
// boundary. Stores use their own rotating AOF; this is for tools and tests.
func OpenAOF(path string, policy FsyncPolicy) (*AOF, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return startAOF(f, 0, st.Size(), policy, nil), nil
}

func startAOF(f *os.File, num uint64, size int64, policy FsyncPolicy,
	openNext func(uint64, int64) (*os.File, uint64, error)) *AOF {
	a := &AOF{
		openNext: openNext,
		f:        f,
		kick:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	a.cond.L = &a.mu
	a.policy.Store(int32(policy))
	a.fileSize.Store(size)
	a.fileNum.Store(num)
	go a.run()
	return a
}

// Append encodes argv as the next record and returns its sequence number
// (1, 2, 3 … for the life of the AOF). It does no I/O. The only errors are
// ErrRecordTooLarge and ErrClosed.
func (a *AOF) Append(argv [][]byte) (uint64, error) {
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		return 0, ErrClosed
	}
	buf, err := AppendRecord(a.pending, argv)
	if err != nil {
		a.mu.Unlock()
		return 0, err
	}
	a.pending = buf
	a.seq++
	seq := a.seq
	a.mu.Unlock()
	a.records.Add(1)
	a.wake()
	return seq, nil
}

func (a *AOF) wake() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// WaitDurable blocks until record seq is on disk when the policy is always,
// and returns at once otherwise. It returns the write or fsync error that
// kept the record from disk, or ErrClosed if the AOF closed first.
func (a *AOF) WaitDurable(seq uint64) error {
	if a.Policy() != FsyncAlways {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for a.durable < seq && a.Policy() == FsyncAlways {
		if err := a.failureLocked(); err != nil {
			return err
		}
		if a.closed {
			return ErrClosed
		}
		a.cond.Wait()
	}
	return nil
}

// Policy returns the fsync policy in force.
func (a *AOF) Policy() FsyncPolicy { return FsyncPolicy(a.policy.Load()) }

// SetPolicy changes the fsync policy (CONFIG SET appendfsync). Switching to
// always makes the next batch fsync everything still unsynced; switching
// away releases the callers waiting in WaitDurable.
func (a *AOF) SetPolicy(p FsyncPolicy) {
	if FsyncPolicy(a.policy.Swap(int32(p))) == p {
		return
	}
	a.mu.Lock()
	a.cond.Broadcast()
	a.mu.Unlock()
	a.wake()
}

// DurableSeq returns the last sequence number known to be on disk.
func (a *AOF) DurableSeq() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.durable
}

func (a *AOF) failureLocked() error {
	if a.syncErr != nil {
		return a.syncErr
	}
	return a.writeErr
}

// Flush asks the writer to write and fsync everything appended so far,
// whatever the policy, and waits for it.
func (a *AOF) Flush() error {
	a.mu.Lock()
	seq := a.seq
	a.mu.Unlock()
	res := a.requestRotation(false)
	r := <-res
	if r.err != nil {
		return r.err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.durable < seq {
		if err := a.failureLocked(); err != nil {
			return err
		}
	}
	return nil
}

// requestRotation queues a switch point after everything appended so far.
// With next false it only fsyncs there (used by Flush). It does no I/O.
func (a *AOF) requestRotation(next bool) <-chan rotateResult {
	done := make(chan rotateResult, 1)
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		done <- rotateResult{err: ErrClosed}
		return done
	}
	at := len(a.pending)
	if !next {
		at = -1 - at // encoded: fsync-only marker
	}
	a.rotations = append(a.rotations, rotation{at: at, done: done})
	a.mu.Unlock()
	a.wake()
	return done
}

// Close writes and fsyncs everything pending, closes the file and stops the
// writer. It returns the error that kept data from disk, if any.
func (a *AOF) Close() error {
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		<-a.done
		return nil
	}
	a.closing = true
	a.mu.Unlock()
	a.wake()
	<-a.done
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failureLocked()
}

// AOFStats is what INFO persistence and the metrics endpoint report.
type AOFStats struct {
	FileNum       uint64 // number of the file being appended to
	FileSize      int64  // bytes written to it
	BufferLength  int64  // bytes appended but not yet written (aof_buffer_length)
	Records       uint64 // records appended since open
	Fsyncs        int64  // fdatasync calls made
	LastWriteOK   bool   // aof_last_write_status
	LastWriteErr  error
	Policy        FsyncPolicy
	DurableSeq    uint64
	AppendedSeq   uint64
	WrittenSeq    uint64
	PendingRotate int
}

// Stats returns a consistent view of the writer's counters.
func (a *AOF) Stats() AOFStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := a.failureLocked()
	return AOFStats{
		FileNum:       a.fileNum.Load(),
		FileSize:      a.fileSize.Load(),
		BufferLength:  int64(len(a.pending)),
		Records:       a.records.Load(),
		Fsyncs:        a.fsyncs.Load(),
		LastWriteOK:   err == nil,
		LastWriteErr:  err,
		Policy:        a.Policy(),
		DurableSeq:    a.durable,
		AppendedSeq:   a.seq,
		WrittenSeq:    a.written,
		PendingRotate: len(a.rotations),
	}
}

// run is the writer goroutine.
func (a *AOF) run() {
	defer close(a.done)
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		tick := false
		select {
		case <-a.kick:
		case <-ticker.C:
			tick = true
		}
		if a.cycle(tick) {
			return
		}
	}
}

// cycle writes one batch. It returns true when the AOF has closed.
func (a *AOF) cycle(tick bool) bool {
	a.mu.Lock()
	closing := a.closing
	a.mu.Unlock()

	// After a failed write, retry once a second rather than on every append,
	// so a full disk does not become a busy loop.
	if a.backlog != nil && !tick && !closing {
		return false
	}
	if a.backlog != nil && !a.writeChunk(a.backlog) {
		return a.finishIfClosing(closing)
	}
	a.backlog = nil

	// Let the clients that are ready run first (under always, those the
	// last fsync released): they append their next records, which then
	// share this batch's write and fsync instead of waiting for the next
	// ones, as Redis writes its AOF buffer once per event loop iteration
	// (twice the records per fsync with many writers; nothing waits when
	// nobody else is runnable).
	runtime.Gosched()
	a.mu.Lock()
	c := &chunk{buf: a.pending, rots: a.rotations, seq: a.seq}
	a.pending = a.spare[:0]
	a.spare = nil
	a.rotations = nil
	a.mu.Unlock()

	if !a.writeChunk(c) {
		a.backlog = c
		return a.finishIfClosing(closing)
	}
	a.recycle(c.buf)
	a.mu.Lock()
	a.written = c.seq
	a.writeErr = nil
	a.mu.Unlock()

	policy := a.Policy()
	if a.unsynced && (policy == FsyncAlways || closing || (tick && policy == FsyncEverySec)) {
		a.sync() // a failure is recorded as sticky and reported to waiters
	}

	a.mu.Lock()
	if !a.unsynced && a.syncErr == nil {
		a.durable = c.seq
	}
	a.cond.Broadcast()
	more := len(a.pending) > 0 || len(a.rotations) > 0
	a.mu.Unlock()

	if closing {
		if more {
			return a.cycle(tick)
		}
		return a.finish()
	}
	if more {
		a.wake()
	}
	return false
}

// recycle keeps a written batch buffer for the next swap unless it is large.
func (a *AOF) recycle(buf []byte) {
	if cap(buf) > spareLimit {
		return
	}
	a.mu.Lock()
	a.spare = buf[:0]
	a.mu.Unlock()
}

// finishIfClosing ends the writer after a failure if Close is waiting: the
// data that could not be written is reported by Close, not retried forever.
func (a *AOF) finishIfClosing(closing bool) bool {
	if !closing {
		return false
	}
	return a.finish()
}

func (a *AOF) finish() bool {
	err := a.f.Close()
	a.mu.Lock()
	if err != nil && a.syncErr == nil {
		a.syncErr = err
	}
	a.closed = true
	failRotations(a.rotations, ErrClosed)
	a.rotations = nil
	if a.backlog != nil {
		failRotations(a.backlog.rots, ErrClosed)
	}
	a.cond.Broadcast()
	a.mu.Unlock()
	return true
}

func failRotations(rots []rotation, err error) {
	for _, r := range rots {
		r.done <- rotateResult{err: err}
	}
}

// writeChunk writes c from c.off on, performing its rotations at their
// offsets. It returns false if a write failed; c records the progress made.
func (a *AOF) writeChunk(c *chunk) bool {
	for len(c.rots) > 0 {
		r := c.rots[0]
		at := r.at
		if at < 0 {
			at = -1 - at
		}
		if !a.writeBytes(c, at) {
			return false
		}
		c.rots = c.rots[1:]
		if r.at < 0 {
			r.done <- rotateResult{oldNum: a.fileNum.Load(), oldSize: a.fileSize.Load(), err: a.syncIfNeeded()}
			continue
		}
		r.done <- a.rotate()
	}
	return a.writeBytes(c, len(c.buf))
}

// writeBytes writes c.buf[c.off:end]. On a partial write it tries to cut the
// file back to the last record boundary so the retry starts clean; if that
// fails too, the written part stays and the retry continues after it, which
// leaves the byte stream in the file intact either way.
func (a *AOF) writeBytes(c *chunk, end int) bool {
	if c.off >= end {
		return true
	}
	err := fail("aof:write")
	n := 0
	if err == nil {
		n, err = a.f.Write(c.buf[c.off:end])
	}
	if n > 0 {
		a.unsynced = true
	}
	size := a.fileSize.Add(int64(n))
	if err == nil {
		c.off = end
		return true
	}
	if n > 0 && a.f.Truncate(size-int64(n)) == nil {
		a.fileSize.Add(-int64(n))
		n = 0
	}
	c.off += n
	a.mu.Lock()
	a.writeErr = fmt.Errorf("write %s: %w", a.f.Name(), err)
	a.cond.Broadcast()
	a.mu.Unlock()
	return false
}

func (a *AOF) syncIfNeeded() error {
	if !a.unsynced {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.syncErr
	}
	return a.sync()
}

// sync fdatasyncs the current file. A failure is sticky: after a failed
// fsync the kernel may have dropped the dirty pages, so a later success
// would prove nothing.
func (a *AOF) sync() error {
	err := fail("aof:sync")
	if err == nil {
		err = fdatasync(a.f)
		a.fsyncs.Add(1)
	}
	if err != nil {
		a.mu.Lock()
		if a.syncErr == nil {
			a.syncErr = fmt.Errorf("fsync %s: %w", a.f.Name(), err)
		}
		err = a.syncErr
		a.cond.Broadcast()
		a.mu.Unlock()
		return err
	}
	a.unsynced = false
	return nil
}

// rotate makes everything written so far durable, then switches to the next
// file. On failure the writer keeps appending to the current file.
func (a *AOF) rotate() rotateResult {
	res := rotateResult{oldNum: a.fileNum.Load()}
	if a.openNext == nil {
		res.err = errors.New("persistence: this AOF cannot rotate")
		return res
	}
	if err := a.syncIfNeeded(); err != nil {
		res.err = err
		return res
	}
	res.oldSize = a.fileSize.Load()
	f, num, err := a.openNext(res.oldNum, res.oldSize)
	if err != nil {
		res.err = err
		return res
	}
	old := a.f
	a.f = f
	a.fileNum.Store(num)
	a.fileSize.Store(0)
	a.unsynced = false
	res.newNum = num
	if err := old.Close(); err != nil {
		// Already fsynced; a close error cannot lose data here.
		_ = err
	}
	return res
}
