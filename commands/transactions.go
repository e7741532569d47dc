package commands

import (
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

// multiState is a client's open transaction.
type multiState struct {
	cmds  []queuedCmd
	dirty bool // a command was rejected while queueing: EXEC aborts
}

type queuedCmd struct {
	spec *Spec
	args [][]byte
}

type watchedKey struct {
	db  *keyspace.DB
	key string
}

// watchRegistry maps watched keys to their watchers, so any write can mark
// them dirty (Redis's touchWatchedKey).
type watchRegistry struct {
	keys map[watchedKey][]*Client
}

// watchDirty is set on a client whose watched key was modified.
func (w *watchRegistry) touch(db *keyspace.DB, key string) {
	if len(w.keys) == 0 {
		return
	}
	for _, c := range w.keys[watchedKey{db, key}] {
		c.watchDirty = true
	}
}

// touchDB marks every watcher of keys in db (FLUSHDB, SWAPDB).
func (w *watchRegistry) touchDB(db *keyspace.DB) {
	for wk, cs := range w.keys {
		if db == nil || wk.db == db {
			for _, c := range cs {
				c.watchDirty = true
			}
		}
	}
}

func (w *watchRegistry) unwatchAll(c *Client) {
	for _, wk := range c.watched {
		list := w.keys[wk]
		for i, x := range list {
			if x == c {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(w.keys, wk)
		} else {
			w.keys[wk] = list
		}
	}
	c.watched = nil
	c.watchDirty = false
}

// queueMulti queues a command inside MULTI.
func (e *Engine) queueMulti(c *Client, spec *Spec, args [][]byte) {
	cp := make([][]byte, len(args))
	for i, a := range args {
		cp[i] = append([]byte(nil), a...)
	}
	c.multi.cmds = append(c.multi.cmds, queuedCmd{spec, cp})
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
	c.multi = nil
	c.e.watches.unwatchAll(c)
	c.OK()
}

func cmdExec(c *Client, args [][]byte) {
	m := c.multi
	if m == nil {
		c.Error("ERR EXEC without MULTI")
		return
	}
	c.multi = nil
	e := c.e
	if m.dirty {
		e.watches.unwatchAll(c)
		c.Error("EXECABORT Transaction discarded because of previous errors.")
		return
	}
	if c.watchDirty {
		e.watches.unwatchAll(c)
		c.NullArray()
		return
	}
	e.watches.unwatchAll(c)
	c.Array(len(m.cmds))
	e.beginAtomic()
	for _, q := range m.cmds {
		e.call(c, q.spec, q.args)
	}
	e.endAtomic(c)
}

func cmdWatch(c *Client, args [][]byte) {
	if c.multi != nil {
		c.Error("ERR WATCH inside MULTI is not allowed")
		return
	}
	w := &c.e.watches
	if w.keys == nil {
		w.keys = make(map[watchedKey][]*Client)
	}
	for _, k := range args[1:] {
		wk := watchedKey{c.DB, string(k)}
		already := false
		for _, have := range c.watched {
			if have == wk {
				already = true
			}
		}
		if already {
			continue
		}
		c.watched = append(c.watched, wk)
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
