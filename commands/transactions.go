package commands

import (
	"strings"
	"time"

	"sundial/keyspace"
)

// txCommands is the transactions family of the command table.
var txCommands = []*Spec{
	{Name: "multi", Run: cmdMulti},
	{Name: "exec", Run: cmdExec},
	{Name: "discard", Run: cmdDiscard},
	{Name: "watch", Run: cmdWatch},
	{Name: "unwatch", Run: cmdUnwatch},
}

const errExecAbort = "EXECABORT Transaction discarded because of previous errors."

// multiState is a client's open transaction. While EXEC runs the queue
// the state stays attached to the client (Redis keeps CLIENT_MULTI set
// until the end), which is how commands inside EXEC know they must not
// block.
type multiState struct {
	cmds  []queuedCmd
	dirty bool // a command was rejected while queueing: EXEC aborts
}

// writes reports whether a queued command may write (nil: no MULTI).
func (m *multiState) writes() bool {
	if m == nil {
		return false
	}
	for _, q := range m.cmds {
		if q.spec.Flags&FlagWrite != 0 {
			return true
		}
	}
	return false
}

type queuedCmd struct {
	spec *Spec
	args [][]byte
}

// watchedKey is one key a client WATCHes. expired records that the key
// already existed but had expired when it was watched: such a key is
// logically absent, so its later deletion is not a change (Redis 7.0).
type watchedKey struct {
	db      *keyspace.DB
	key     string
	expired bool
}

// watchKey identifies a key across keyspaces.
type watchKey struct {
	db  *keyspace.DB
	key string
}

// watchRegistry maps watched keys to their watchers, in WATCH order, so
// any write can mark them dirty (Redis's touchWatchedKey).
type watchRegistry struct {
	keys map[watchKey][]*Client
}

// entry returns c's record for wk.
func (c *Client) watchEntry(wk watchKey) *watchedKey {
	for i := range c.watched {
		if c.watched[i].db == wk.db && c.watched[i].key == wk.key {
			return &c.watched[i]
		}
	}
	return nil
}

// touch is called for every modified key: its watchers' next EXEC fails.
// A watcher that saw the key already expired is left alone when the key
// is now gone (nothing logically changed); as in Redis 7.0 such a watcher
// also ends the walk when the key is still there.
func (w *watchRegistry) touch(db *keyspace.DB, key string) {
	if len(w.keys) == 0 {
		return
	}
	wk := watchKey{db, key}
	list := w.keys[wk]
	if len(list) == 0 {
		return
	}
	var dirty []*Client
	for _, c := range list {
		ent := c.watchEntry(wk)
		if ent != nil && ent.expired {
			if db.Peek([]byte(key)) == nil {
				ent.expired = false
				continue
			}
			break
		}
		dirty = append(dirty, c)
	}
	for _, c := range dirty {
		w.markDirty(c)
	}
}

// markDirty fails c's next EXEC. Its watches are dropped at once: there
// is nothing left to watch for.
func (w *watchRegistry) markDirty(c *Client) {
	c.watchDirty = true
	w.drop(c)
}

// touchDB is called before db is emptied (FLUSHDB; nil: FLUSHALL): the
// watchers of keys that exist in it are marked dirty. Keys that were
// already expired when watched are logically unchanged.
func (w *watchRegistry) touchDB(db *keyspace.DB) {
	w.touchEmptied(db, nil)
}

// touchSwap is called before SWAPDB exchanges the contents of a and b.
func (w *watchRegistry) touchSwap(a, b *keyspace.DB) {
	w.touchEmptied(a, b)
	w.touchEmptied(b, a)
}

// touchEmptied follows Redis's touchAllWatchedKeysInDb: emptied loses its
// contents, replaced with those of replacedWith (nil: nothing).
func (w *watchRegistry) touchEmptied(emptied, replacedWith *keyspace.DB) {
	if len(w.keys) == 0 {
		return
	}
	now := time.Now().UnixMilli()
	var dirty []*Client
	for wk, list := range w.keys {
		if emptied != nil && wk.db != emptied {
			continue
		}
		k := []byte(wk.key)
		inEmptied := wk.db.Peek(k) != nil
		var repl *keyspace.Entry
		if replacedWith != nil {
			repl = replacedWith.Peek(k)
		}
		if !inEmptied && repl == nil {
			continue
		}
		for _, c := range list {
			ent := c.watchEntry(wk)
			if ent == nil {
				continue
			}
			switch {
			case ent.expired && repl == nil:
				ent.expired = false // expired key now deleted: no change
				continue
			case ent.expired && repl.Expired(now):
				continue // expired key stays expired
			case !ent.expired && !inEmptied && repl.Expired(now):
				ent.expired = true // missing key replaced by an expired one
				continue
			}
			dirty = append(dirty, c)
		}
	}
	for _, c := range dirty {
		w.markDirty(c)
	}
}

// unwatchAll drops every watch of c and clears its dirty mark (UNWATCH,
// EXEC, DISCARD, RESET, disconnect).
func (w *watchRegistry) unwatchAll(c *Client) {
	w.drop(c)
	c.watchDirty = false
}

// drop removes c from the watchers of each key it watches.
func (w *watchRegistry) drop(c *Client) {
	for _, wk := range c.watched {
		k := watchKey{wk.db, wk.key}
		list := w.keys[k]
		for i, x := range list {
			if x == c {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(w.keys, k)
		} else {
			w.keys[k] = list
		}
	}
	clear(c.watched)
	c.watched = c.watched[:0]
}

// watchedExpired reports whether a key c watches has expired since it was
// watched: EXEC then fails, as the key logically changed.
func (c *Client) watchedExpired() bool {
	now := c.now
	for _, wk := range c.watched {
		if wk.expired {
			continue
		}
		if ent := wk.db.Peek([]byte(wk.key)); ent != nil && ent.Expired(now) {
			return true
		}
	}
	return false
}

// queueMulti queues a command inside MULTI. A doomed transaction keeps
// answering QUEUED but stores nothing, as Redis does.
func (e *Engine) queueMulti(c *Client, spec *Spec, args [][]byte) {
	// CLIENT LIST shows a queued command as the last one (Redis sets
	// lastcmd when it looks the command up).
	c.lastCmd = spec
	if !c.multi.dirty && !c.watchDirty {
		cp := make([][]byte, len(args))
		for i, a := range args {
			cp[i] = append([]byte(nil), a...)
		}
		c.multi.cmds = append(c.multi.cmds, queuedCmd{spec, cp})
	}
	c.Simple("QUEUED")
}

func cmdMulti(c *Client, args [][]byte) {
	if c.multi != nil {
		c.Error("ERR MULTI calls can not be nested")
		return
	}
	c.multi = &multiState{}
	c.OK()
}

func cmdDiscard(c *Client, args [][]byte) {
	if c.multi == nil {
		c.Error("ERR DISCARD without MULTI")
		return
	}
	c.discardTransaction()
	c.OK()
}

// discardTransaction leaves MULTI and forgets every watch.
func (c *Client) discardTransaction() {
	c.multi = nil
	c.e.watches.unwatchAll(c)
}

// execAbort ends the transaction of a client whose EXEC was refused before
// running (arity, OOM …) and returns the refusal as Redis words it.
func (c *Client) execAbort(msg string) string {
	c.discardTransaction()
	return "EXECABORT Transaction discarded because of: " + strings.TrimPrefix(msg, "ERR ")
}

func cmdExec(c *Client, args [][]byte) {
	m := c.multi
	if m == nil {
		c.Error("ERR EXEC without MULTI")
		return
	}
	e := c.e
	if c.watchedExpired() {
		c.watchDirty = true
	}
	switch {
	case m.dirty:
		c.discardTransaction()
		c.Error(errExecAbort)
		return
	case c.watchDirty:
		c.discardTransaction()
		c.NullArray()
		return
	}
	e.watches.unwatchAll(c)
	c.Array(len(m.cmds))
	e.beginAtomic()
	// Each queued command's error replies are counted by its own call;
	// EXEC fails only by its own errors (as Redis, which compares the
	// error count with the one after the last nested call).
	// CLIENT LIST then names EXEC as the last command, not the last
	// queued one.
	errs, lastErr, lastCmd := c.errs, c.lastErr, c.lastCmd
	for _, q := range m.cmds {
		if e.aclExecRefused(c, q.spec, q.args) {
			continue
		}
		e.call(c, q.spec, q.args)
		// MONITOR shows each queued command as it runs.
		e.feedMonitors(c, q.args)
	}
	c.errs, c.lastErr, c.lastCmd = errs, lastErr, lastCmd
	e.endAtomic(c)
	c.discardTransaction()
}

func cmdWatch(c *Client, args [][]byte) {
	if c.multi != nil {
		c.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	// Already doomed: watching more cannot save the transaction.
	if c.watchDirty {
		c.OK()
		return
	}
	w := &c.e.watches
	if w.keys == nil {
		w.keys = make(map[watchKey][]*Client)
	}
	now := c.now
	for _, k := range args[1:] {
		wk := watchKey{c.DB, string(k)}
		if c.watchEntry(wk) != nil {
			continue
		}
		ent := c.DB.Peek(k)
		c.watched = append(c.watched, watchedKey{db: wk.db, key: wk.key, expired: ent != nil && ent.Expired(now)})
		w.keys[wk] = append(w.keys[wk], c)
	}
	c.OK()
}

func cmdUnwatch(c *Client, args [][]byte) {
	c.e.watches.unwatchAll(c)
	c.OK()
}

// beginAtomic opens a unit whose writes are propagated as one
// MULTI … EXEC block (EXEC, scripts).
func (e *Engine) beginAtomic() {
	e.atomicMarks = append(e.atomicMarks, len(e.pending))
}

// endAtomic closes the unit: more than one write is wrapped in MULTI/EXEC
// so AOF replay applies all of it or none (a torn tail drops the block).
func (e *Engine) endAtomic(c *Client) {
	mark := e.atomicMarks[len(e.atomicMarks)-1]
	e.atomicMarks = e.atomicMarks[:len(e.atomicMarks)-1]
	if len(e.atomicMarks) > 0 || len(e.pending)-mark < 2 {
		return
	}
	db := e.pending[mark].db
	e.pending = append(e.pending, propagation{})
	copy(e.pending[mark+1:], e.pending[mark:])
	e.pending[mark] = propagation{db: db, argv: [][]byte{[]byte("MULTI")}}
	e.pending = append(e.pending, propagation{db: db, argv: [][]byte{[]byte("EXEC")}})
}
