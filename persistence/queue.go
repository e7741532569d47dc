package persistence

import (
	"encoding/binary"
	"errors"
	"sync"
)

// BinaryAppender is a value that can serialise itself (every keyspace
// value does, for snapshots and DUMP).
type BinaryAppender interface {
	AppendBinary(b []byte) []byte
}

// EntryQueue carries the entries of a point-in-time snapshot from where
// they are captured to the goroutine that writes the snapshot file.
//
// A snapshot taken while clients write captures each entry just before it
// changes, under the server's execution lock, where nothing may wait for
// the disk: Add serialises the entry into a memory buffer at once. Source,
// run by Rewrite.Finish on another goroutine, swaps the buffer out and
// feeds its entries to the snapshot writer. The producer that walks the
// keyspace calls WaitBelow between steps so the buffer stays small while
// the disk keeps up; entries captured by writers are never refused.
type EntryQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	buf    []byte // encoded entries not yet taken by Source
	spare  []byte
	closed bool // no more entries will be added
	dead   bool // the consumer stopped: entries are dropped
	added  int64
}

// Encoded entry in the buffer: type u8 | expire-at i64 | key len u32 | key |
// value len u64 | value (little endian).
const queueEntryFixed = 1 + 8 + 4 + 8

// NewEntryQueue returns an empty queue.
func NewEntryQueue() *EntryQueue {
	q := &EntryQueue{}
	q.cond.L = &q.mu
	return q
}

// Add serialises one entry: its type tag, key, absolute expiry in unix
// milliseconds (0 for none) and value. It never blocks on the consumer.
func (q *EntryQueue) Add(typ byte, key string, expireAt int64, v BinaryAppender) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.dead || q.closed {
		return
	}
	b := append(q.buf, typ)
	b = binary.LittleEndian.AppendUint64(b, uint64(expireAt))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	at := len(b)
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	b = v.AppendBinary(b)
	binary.LittleEndian.PutUint64(b[at:], uint64(len(b)-at-8))
	q.buf = b
	q.added++
	q.cond.Broadcast()
}

// Close says that every entry has been added; Source returns once it has
// handed them all on.
func (q *EntryQueue) Close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

// Abort drops what is buffered and makes further Adds no-ops; it releases
// WaitBelow. Call it when the snapshot will not be (or was) written.
func (q *EntryQueue) Abort() {
	q.mu.Lock()
	q.dead = true
	q.buf, q.spare = nil, nil
	q.cond.Broadcast()
	q.mu.Unlock()
}

// Added is the number of entries added so far.
func (q *EntryQueue) Added() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.added
}

// Buffered is the number of bytes waiting for the consumer.
func (q *EntryQueue) Buffered() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.buf)
}

// WaitBelow blocks while more than n bytes wait for the consumer (and the
// consumer is alive).
func (q *EntryQueue) WaitBelow(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.buf) > n && !q.dead {
		q.cond.Wait()
	}
}

// errQueueDecode means the queue's own buffer is inconsistent, a bug.
var errQueueDecode = errors.New("persistence: malformed entry queue buffer")

// Source returns the EntrySource that drains the queue until Close. If add
// fails the queue is aborted and the error returned.
func (q *EntryQueue) Source() EntrySource {
	return func(add func(Entry) error) error {
		for {
			q.mu.Lock()
			for len(q.buf) == 0 && !q.closed && !q.dead {
				q.cond.Wait()
			}
			if q.dead {
				q.mu.Unlock()
				return errRewriteAborted
			}
			if len(q.buf) == 0 { // closed and drained
				q.mu.Unlock()
				return nil
			}
			batch := q.buf
			q.buf = q.spare[:0]
			q.spare = nil
			q.cond.Broadcast() // room for WaitBelow
			q.mu.Unlock()

			if err := decodeQueued(batch, add); err != nil {
				q.Abort()
				return err
			}
			q.mu.Lock()
			if !q.dead && cap(batch) <= spareLimit {
				q.spare = batch[:0]
			}
			q.mu.Unlock()
		}
	}
}

func decodeQueued(b []byte, add func(Entry) error) error {
	for len(b) > 0 {
		if len(b) < queueEntryFixed {
			return errQueueDecode
		}
		e := Entry{Type: b[0], ExpireAt: int64(binary.LittleEndian.Uint64(b[1:]))}
		klen := uint64(binary.LittleEndian.Uint32(b[9:]))
		b = b[13:]
		if uint64(len(b)) < klen+8 {
			return errQueueDecode
		}
		e.Key = b[:klen]
		vlen := binary.LittleEndian.Uint64(b[klen:])
		b = b[klen+8:]
		if uint64(len(b)) < vlen {
			return errQueueDecode
		}
		e.Value = b[:vlen]
		b = b[vlen:]
		if err := add(e); err != nil {
			return err
		}
	}
	return nil
}
