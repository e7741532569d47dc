package commands

import (
	"sundial/keyspace"
)

// pubsubCommands is the pub/sub family of the command table.
var pubsubCommands = []*Spec{}

// subscriptions are a client's channels and patterns.
type subscriptions struct {
	channels map[string]bool
	patterns map[string]bool
	shard    map[string]bool
}

// pubsubRegistry maps channels and patterns to subscribers.
type pubsubRegistry struct{}

func (c *Client) subscribed() bool {
	return c.subs != nil && len(c.subs.channels)+len(c.subs.patterns)+len(c.subs.shard) > 0
}

func (r *pubsubRegistry) unsubscribeAll(c *Client) {}

// trackingState is a client's CLIENT TRACKING configuration.
type trackingState struct{}

// trackingInvalidate sends invalidation messages for a modified key.
func (e *Engine) trackingInvalidate(c *Client, db *keyspace.DB, key []byte) {}

// Keyspace notification classes (notify-keyspace-events flags).
const (
	notifyGeneric = 1 << iota // g
	notifyString              // $
	notifyList                // l
	notifySet                 // s
	notifyHash                // h
	notifyZSet                // z
	notifyExpired             // x
	notifyEvicted             // e
	notifyStream              // t
	notifyKeyMiss             // m
	notifyNew                 // n
)

// Notify sends a keyspace notification for key in the client's keyspace.
func (c *Client) Notify(class int, event string, key []byte) {
	c.e.notifyKeyspace(c.DB, class, event, key)
}

// notifyKeyspace publishes __keyspace@<db>__:<key> and
// __keyevent@<db>__:<event> messages as notify-keyspace-events allows.
func (e *Engine) notifyKeyspace(db *keyspace.DB, class int, event string, key []byte) {}

func (e *Engine) resetTracking(c *Client)        { c.tracking = nil }
func (e *Engine) trackingRedirect(c *Client) int { return -1 }
func (e *Engine) trackingFlush(c *Client)        {}
func (e *Engine) pubsubChannelCount() int        { return 0 }
func (e *Engine) pubsubPatternCount() int        { return 0 }
