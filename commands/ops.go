package commands

import (
	"time"

	"sundial/keyspace"
)

// evictionState is the maxmemory bookkeeping.
type evictionState struct{}

// checkOOM returns the OOM error when a deny-oom command must be refused,
// evicting keys first under an eviction policy.
func (e *Engine) checkOOM(c *Client, spec *Spec) string { return "" }

// touchAccess updates a key's LRU clock or LFU counter on access.
func (e *Engine) touchAccess(ent *keyspace.Entry) {
	ent.Access = uint32(time.Now().Unix())
}

// slowlogRecord logs a command slower than slowlog-log-slower-than.
func (e *Engine) slowlogRecord(c *Client, spec *Spec, args [][]byte, d time.Duration) {}

// Cron runs periodic housekeeping hz times a second (save rules,
// eviction, stats); subsystems add their work here.
func (e *Engine) Cron() {}
