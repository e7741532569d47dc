package commands

import (
	"strings"
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
	ent.Access = uint32(e.nowSec)
}

// newAccess is the access stamp of a newly created key: the LRU clock in
// seconds or, under an LFU policy, Redis's layout of the decay time in
// minutes (16 bits) above the initial counter LFU_INIT_VAL (5).
func (e *Engine) newAccess() uint32 {
	now := e.nowSec
	if now == 0 {
		now = time.Now().Unix()
	}
	if strings.HasSuffix(e.Cfg.MaxMemoryPolicy, "-lfu") {
		return uint32(now/60&0xffff)<<8 | 5
	}
	return uint32(now)
}

// slowlogRecord logs a command slower than slowlog-log-slower-than.
func (e *Engine) slowlogRecord(c *Client, spec *Spec, args [][]byte, d time.Duration) {}

// Cron runs periodic housekeeping hz times a second (save rules,
// eviction, stats); subsystems add their work here.
func (e *Engine) Cron() {}
