package commands

import (
	"sundial/keyspace"
)

// Keyspace notification classes (notify-keyspace-events flags). Commands
// pass one class with each event; K and E choose the channels.
const (
	notifyGeneric    = 1 << iota // g
	notifyString                 // $
	notifyList                   // l
	notifySet                    // s
	notifyHash                   // h
	notifyZSet                   // z
	notifyExpired                // x
	notifyEvicted                // e
	notifyStream                 // t
	notifyKeyMiss                // m
	notifyNew                    // n
	notifyModule                 // d
	notifyOnKeyspace             // K: __keyspace@<db>__:<key> <event>
	notifyOnKeyevent             // E: __keyevent@<db>__:<event> <key>

	// notifyAll is what A stands for: every class but m and n.
	notifyAll = notifyGeneric | notifyString | notifyList | notifySet | notifyHash |
		notifyZSet | notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// parseNotifyFlags turns notify-keyspace-events text into class bits;
// unknown characters were already refused by the configuration.
func parseNotifyFlags(s string) int {
	flags := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			flags |= notifyAll
		case 'g':
			flags |= notifyGeneric
		case '$':
			flags |= notifyString
		case 'l':
			flags |= notifyList
		case 's':
			flags |= notifySet
		case 'h':
			flags |= notifyHash
		case 'z':
			flags |= notifyZSet
		case 'x':
			flags |= notifyExpired
		case 'e':
			flags |= notifyEvicted
		case 't':
			flags |= notifyStream
		case 'm':
			flags |= notifyKeyMiss
		case 'n':
			flags |= notifyNew
		case 'd':
			flags |= notifyModule
		case 'K':
			flags |= notifyOnKeyspace
		case 'E':
			flags |= notifyOnKeyevent
		}
	}
	return flags
}

// notifyEnabled returns the configured notification bits.
func (e *Engine) notifyEnabled() int {
	r := &e.pubsub
	if text := e.Cfg.NotifyKeyspaceEvents; !r.notifyParsed || text != r.notifyText {
		r.notifyBits = parseNotifyFlags(text)
		r.notifyText, r.notifyParsed = text, true
	}
	return r.notifyBits
}

// Notify sends a keyspace notification for key in the client's keyspace.
func (c *Client) Notify(class int, event string, key []byte) {
	c.e.notifyKeyspace(c.DB, class, event, key)
}

// notifyKeyspace publishes __keyspace@<db>__:<key> <event> and
// __keyevent@<db>__:<event> <key> as notify-keyspace-events allows, as
// Redis's notifyKeyspaceEvent. <db> is the keyspace's name: the number of
// a numbered one.
func (e *Engine) notifyKeyspace(db *keyspace.DB, class int, event string, key []byte) {
	flags := e.notifyEnabled()
	if flags&class == 0 || flags&(notifyOnKeyspace|notifyOnKeyevent) == 0 {
		return
	}
	r := &e.pubsub
	if len(r.channels) == 0 && len(r.patterns) == 0 {
		return // nobody could hear it
	}
	r.eventB = append(r.eventB[:0], event...)
	if flags&notifyOnKeyspace != 0 {
		ch := append(r.chanB[:0], "__keyspace@"...)
		ch = append(ch, db.Name...)
		ch = append(ch, "__:"...)
		ch = append(ch, key...)
		r.chanB = ch
		e.publish(ch, r.eventB, false)
	}
	if flags&notifyOnKeyevent != 0 {
		ch := append(r.chanB[:0], "__keyevent@"...)
		ch = append(ch, db.Name...)
		ch = append(ch, "__:"...)
		ch = append(ch, event...)
		r.chanB = ch
		e.publish(ch, key, false)
	}
}

// keyAdded is called for every key created in a keyspace: the "new" event
// (class n), which Redis sends from dbAdd before the command's own event.
func (e *Engine) keyAdded(db *keyspace.DB, key string) {
	// Any new key may serve clients blocked on it (RENAME, MOVE, COPY,
	// RESTORE or SORT … STORE creating a list), as Redis's dbAdd does.
	if len(e.blocking.waiters) > 0 {
		e.blocking.signal(db, []byte(key))
	}
	if e.notifyEnabled()&notifyNew == 0 || e.Loading.Load() {
		return
	}
	e.notifyKeyspace(db, notifyNew, "new", []byte(key))
}
