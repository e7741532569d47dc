package commands

// The operator's side of the engine: the maxmemory limit and key eviction
// (Redis's evict.c), access stamps for LRU and LFU, and the periodic
// housekeeping. The slow log, the latency monitor and MEMORY live in
// slowlog.go, latency.go and memory.go; their state hangs off
// evictionState so the engine needs a single field for all of it.

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"time"

	"sundial/keyspace"
)

// opsCommands is the part of the command table this file family serves.
var opsCommands = []*Spec{
	{Name: "memory", Subs: []*Spec{
		{Name: "usage", Run: cmdMemoryUsage},
		{Name: "stats", Run: cmdMemoryStats},
		{Name: "doctor", Run: cmdMemoryDoctor},
		{Name: "malloc-stats", Run: cmdMemoryMallocStats},
		{Name: "purge", Run: cmdMemoryPurge},
		{Name: "help", Run: cmdMemoryHelp},
	}},
	{Name: "slowlog", Subs: []*Spec{
		{Name: "get", Run: cmdSlowlogGet},
		{Name: "len", Run: cmdSlowlogLen},
		{Name: "reset", Run: cmdSlowlogReset},
		{Name: "help", Run: cmdSlowlogHelp},
	}},
	{Name: "latency", Subs: []*Spec{
		{Name: "latest", Run: cmdLatencyLatest},
		{Name: "history", Run: cmdLatencyHistory},
		{Name: "reset", Run: cmdLatencyReset},
		{Name: "doctor", Run: cmdLatencyDoctor},
		{Name: "graph", Run: cmdLatencyGraph},
		{Name: "histogram", Run: cmdLatencyHistogram},
		{Name: "help", Run: cmdLatencyHelp},
	}},
}

// policy is a maxmemory-policy.
type policy uint8

const (
	polNoEviction policy = iota
	polAllkeysLRU
	polAllkeysLFU
	polAllkeysRandom
	polVolatileLRU
	polVolatileLFU
	polVolatileRandom
	polVolatileTTL
)

func parsePolicy(s string) policy {
	switch s {
	case "allkeys-lru":
		return polAllkeysLRU
	case "allkeys-lfu":
		return polAllkeysLFU
	case "allkeys-random":
		return polAllkeysRandom
	case "volatile-lru":
		return polVolatileLRU
	case "volatile-lfu":
		return polVolatileLFU
	case "volatile-random":
		return polVolatileRandom
	case "volatile-ttl":
		return polVolatileTTL
	}
	return polNoEviction
}

func (p policy) lfu() bool { return p == polAllkeysLFU || p == polVolatileLFU }
func (p policy) allkeys() bool {
	return p == polAllkeysLRU || p == polAllkeysLFU || p == polAllkeysRandom
}
func (p policy) random() bool { return p == polAllkeysRandom || p == polVolatileRandom }

// Redis's LFU constants: a new key's counter, and the counter's ceiling.
const (
	lfuInitVal = 5
	lfuMax     = 255
)

// evpoolSize is the number of eviction candidates kept between evictions
// (Redis's EVPOOL_SIZE).
const evpoolSize = 16

// poolEntry is an eviction candidate: a higher score is a better victim.
// The entry pointer identifies the key; a candidate whose key was deleted
// (or deleted and created again) no longer matches and is skipped.
type poolEntry struct {
	score uint64
	ent   *keyspace.Entry
	db    *keyspace.DB
}

// evictionTimeLimit bounds one round of evictions before a command (Redis's
// default maxmemory-eviction-tenacity of 10); the periodic task goes on
// where it stopped.
const evictionTimeLimit = 500 * time.Microsecond

// evictionState is the maxmemory bookkeeping, and the state of the other
// operator facilities (slow log, latency monitor, memory peak, runtime
// memory tuning).
type evictionState struct {
	policyName string
	policy     policy
	pool       [evpoolSize]poolEntry
	nextDB     int
	dbs        []*keyspace.DB // scratch list of keyspaces for one round
	// running is set while the limit is still exceeded after a round ran
	// out of time: commands are not refused, and a background loop goes on
	// evicting in short rounds between commands (Redis's
	// evictionTimeProc); looping says that loop is active.
	running bool
	looping bool
	// overSince is when used memory last went over the limit (zero when
	// under it); exceeded adds up the time spent over it.
	overSince time.Time
	exceeded  time.Duration
	// scriptOOM is the OOM state when the current script started: a script
	// may not run deny-oom commands if memory was over the limit then.
	scriptOOM bool

	peak    int64
	runtime runtimeTuning
	rates   rateSampler
	slowlog slowlog
	latency latencyMonitor
}

// policyNow returns the current maxmemory-policy, re-parsed only when the
// configured name changed.
func (e *Engine) policyNow() policy {
	ev := &e.evict
	if p := e.Cfg.MaxMemoryPolicy; p != ev.policyName {
		ev.policyName = p
		ev.policy = parsePolicy(p)
		ev.pool = [evpoolSize]poolEntry{}
	}
	return ev.policy
}

// UsedMemory is sundial's account of the memory it holds: the heap in use
// at startup plus every key and value (keyspace's running account).
func (e *Engine) UsedMemory() int64 { return startupMemory + e.Store.UsedMemory() }

// checkOOM runs before every command, as the maxmemory part of Redis's
// processCommand: when used memory is over maxmemory it evicts keys per
// the policy, and if that cannot bring it back under the limit it returns
// the OOM error for commands that may grow memory (deny-oom commands, any
// command queued in MULTI, and EXEC of a transaction holding one).
func (e *Engine) checkOOM(c *Client, spec *Spec) string {
	e.Store.ResetLastAdded()
	if e.Cfg.MaxMemory <= 0 || c.replay || e.Loading.Load() {
		return ""
	}
	now := c.callStart
	if now.IsZero() {
		now = time.Now()
	}
	if e.UsedMemory() <= e.Cfg.MaxMemory && !e.evict.running {
		if !e.evict.overSince.IsZero() {
			e.underLimit(now)
		}
		e.evict.scriptOOM = false
		return ""
	}
	oom := e.performEvictions(now) == evictFail
	switch spec.Name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "exec":
		e.evict.scriptOOM = oom
	}
	if !oom {
		return ""
	}
	reject := spec.Flags&FlagDenyOOM != 0
	if c.multi != nil {
		switch spec.Name {
		case "exec":
			reject = c.multi.hasDenyOOM()
		case "discard", "quit", "reset":
		default:
			reject = true
		}
	}
	if reject {
		return errOOM
	}
	return ""
}

func (m *multiState) hasDenyOOM() bool {
	for _, q := range m.cmds {
		if q.spec.Flags&FlagDenyOOM != 0 {
			return true
		}
	}
	return false
}

// scriptOOMAtStart reports whether memory was over maxmemory, with nothing
// left to evict, when the running script or transaction started.
func (e *Engine) scriptOOMAtStart() bool { return e.evict.scriptOOM }

type evictResult uint8

const (
	evictOK evictResult = iota
	evictRunning
	evictFail
)

// performEvictions is Redis's performEvictions: evict keys chosen by the
// policy until used memory is under maxmemory, for at most
// evictionTimeLimit from now (the caller's clock reading: a command's
// start). Called with Mu held.
func (e *Engine) performEvictions(now time.Time) evictResult {
	ev := &e.evict
	if e.Loading.Load() || e.clientsPaused(now) {
		return evictOK
	}
	limit := e.Cfg.MaxMemory
	if limit <= 0 || e.UsedMemory() <= limit {
		ev.running = false
		if !ev.overSince.IsZero() {
			e.underLimit(now)
		}
		return evictOK
	}
	if ev.overSince.IsZero() {
		ev.overSince = now
	}
	pol := e.policyNow()
	if pol == polNoEviction {
		return evictFail
	}
	start := now
	ev.dbs = ev.dbs[:0]
	e.Store.EachDB(func(db *keyspace.DB) { ev.dbs = append(ev.dbs, db) })
	freed := 0
	for e.UsedMemory() > limit {
		db, ent := e.evictionVictim(pol)
		if ent == nil {
			ev.running = false
			e.latencySince("eviction-cycle", start)
			return evictFail
		}
		e.evictKey(db, ent)
		freed++
		if freed%16 == 0 && time.Since(start) > evictionTimeLimit {
			ev.running = true
			e.latencySince("eviction-cycle", start)
			if !ev.looping {
				ev.looping = true
				go e.evictionLoop()
			}
			return evictRunning
		}
	}
	ev.running = false
	e.latencySince("eviction-cycle", start)
	e.underLimit(now)
	return evictOK
}

// evictionLoop goes on evicting after a round ran out of time, one round
// at a time with the lock released in between so commands interleave,
// until memory is under the limit or nothing is left to evict.
func (e *Engine) evictionLoop() {
	for {
		e.Mu.Lock()
		r := e.performEvictions(time.Now())
		if r != evictRunning {
			e.evict.looping = false
			e.Mu.Unlock()
			return
		}
		e.Mu.Unlock()
		runtime.Gosched()
	}
}

// underLimit closes a period over the limit.
func (e *Engine) underLimit(now time.Time) {
	ev := &e.evict
	if !ev.overSince.IsZero() {
		if d := now.Sub(ev.overSince); d > 0 {
			ev.exceeded += d
		}
		ev.overSince = time.Time{}
	}
}

func (e *Engine) clientsPaused(now time.Time) bool {
	return !e.paused.until.IsZero() && now.Before(e.paused.until)
}

// evictKey deletes a key chosen for eviction with everything Redis does
// around it: the DEL propagated to the AOF, the "evicted" notification,
// WATCH and client-side caching invalidation.
func (e *Engine) evictKey(db *keyspace.DB, ent *keyspace.Entry) {
	key := ent.Key
	if e.Cfg.LatencyMonitorThreshold > 0 {
		start := time.Now()
		db.Remove(ent)
		e.latencySince("eviction-del", start)
	} else {
		db.Remove(ent)
	}
	e.stats.EvictedKeys.Add(1)
	kb := []byte(key)
	e.watches.touch(db, key)
	e.trackingInvalidate(nil, db, kb)
	e.notifyKeyspace(db, notifyEvicted, "evicted", kb)
	e.propagateDirect(db, [][]byte{[]byte("DEL"), kb})
}

// evictionVictim picks the next key to evict, or nil if none qualifies.
func (e *Engine) evictionVictim(pol policy) (*keyspace.DB, *keyspace.Entry) {
	ev := &e.evict
	if pol.random() {
		// One random key, visiting keyspaces in turn as Redis does.
		for range ev.dbs {
			ev.nextDB = (ev.nextDB + 1) % len(ev.dbs)
			db := ev.dbs[ev.nextDB]
			var ent *keyspace.Entry
			if pol.allkeys() {
				ent = db.RandomEntry()
			} else {
				ent = db.RandomVolatile()
			}
			if ent != nil {
				return db, ent
			}
		}
		return nil, nil
	}
	for {
		total := 0
		for _, db := range ev.dbs {
			n := db.Len()
			if !pol.allkeys() {
				n = db.Expires()
			}
			if n > 0 {
				e.poolPopulate(db, pol)
				total += n
			}
		}
		if total == 0 {
			return nil, nil
		}
		// Best candidate first; ghosts (keys gone since they were
		// sampled, or that lost their TTL under a volatile policy) are
		// dropped.
		for k := evpoolSize - 1; k >= 0; k-- {
			p := ev.pool[k]
			if p.ent == nil {
				continue
			}
			ev.pool[k] = poolEntry{}
			if p.db.Holds(p.ent) && (pol.allkeys() || p.ent.Expire != 0) {
				return p.db, p.ent
			}
		}
	}
}

// poolPopulate samples maxmemory-samples keys of db and inserts the ones
// that score better than the pool's worst, keeping the pool sorted by
// ascending score (Redis's evictionPoolPopulate).
func (e *Engine) poolPopulate(db *keyspace.DB, pol policy) {
	pool := &e.evict.pool
	// The current command's clock: idle times only need to rank keys.
	nowSec := e.nowSec
	if nowSec == 0 {
		nowSec = time.Now().Unix()
	}
	// As Redis's dictGetSomeKeys, never more samples than keys.
	avail := db.Len()
	if !pol.allkeys() {
		avail = db.Expires()
	}
	samples := max(min(e.Cfg.MaxMemorySamples, avail), 1)
	for i := 0; i < samples; i++ {
		var ent *keyspace.Entry
		if pol.allkeys() {
			ent = db.RandomEntry()
		} else {
			ent = db.RandomVolatile()
		}
		if ent == nil {
			return
		}
		if already(pool, ent) {
			continue
		}
		var score uint64
		switch {
		case pol == polVolatileTTL:
			score = math.MaxUint64 - uint64(ent.Expire)
		case pol.lfu():
			score = lfuMax - uint64(lfuDecayed(ent.Access, nowSec, e.Cfg.LFUDecayTime))
		default:
			score = uint64(lruIdle(ent.Access, nowSec))
		}
		k := 0
		for k < evpoolSize && pool[k].ent != nil && pool[k].score < score {
			k++
		}
		switch {
		case k == 0 && pool[evpoolSize-1].ent != nil:
			continue // worse than every candidate of a full pool
		case k < evpoolSize && pool[k].ent == nil:
			// free slot
		case pool[evpoolSize-1].ent == nil:
			copy(pool[k+1:], pool[k:evpoolSize-1])
		default:
			// Full: drop the worst (leftmost) to make room at k-1.
			k--
			copy(pool[:k], pool[1:k+1])
		}
		pool[k] = poolEntry{score: score, ent: ent, db: db}
	}
}

// already reports whether ent is in the pool (sampling may draw a key
// twice; Redis's dictGetSomeKeys does not).
func already(pool *[evpoolSize]poolEntry, ent *keyspace.Entry) bool {
	for i := range pool {
		if pool[i].ent == ent {
			return true
		}
	}
	return false
}

// lruIdle is the seconds since an LRU access stamp.
func lruIdle(access uint32, nowSec int64) int64 {
	idle := nowSec - int64(access)
	if idle < 0 {
		return 0
	}
	return idle
}

// touchAccess updates a key's LRU clock or LFU counter on access, as
// Redis's lookupKey does.
func (e *Engine) touchAccess(ent *keyspace.Entry) {
	if e.policyNow().lfu() {
		e.lfuTouch(ent)
		return
	}
	ent.Access = uint32(e.nowSec)
}

// lfuTouch is Redis's updateLFU: decay the counter for the minutes since
// its last decrement, increment it logarithmically, stamp the minute.
func (e *Engine) lfuTouch(ent *keyspace.Entry) {
	now := e.nowSec
	if now == 0 {
		now = time.Now().Unix()
	}
	counter := lfuDecayed(ent.Access, now, e.Cfg.LFUDecayTime)
	counter = lfuLogIncr(counter, e.Cfg.LFULogFactor)
	ent.Access = uint32(now/60&0xffff)<<8 | counter
}

// lfuLogIncr is Redis's LFULogIncr: the greater the counter, the less
// likely an access increments it; counters at or under lfuInitVal always
// grow.
func lfuLogIncr(counter uint32, factor int) uint32 {
	if counter >= lfuMax {
		return lfuMax
	}
	base := float64(counter) - lfuInitVal
	if base < 0 {
		base = 0
	}
	if rand.Float64() < 1.0/(base*float64(factor)+1) {
		counter++
	}
	return counter
}

// newAccess is the access stamp of a newly created key: the LRU clock in
// seconds or, under an LFU policy, Redis's layout of the decay time in
// minutes (16 bits) above the initial counter LFU_INIT_VAL (5).
func (e *Engine) newAccess() uint32 {
	now := e.nowSec
	if now == 0 {
		now = time.Now().Unix()
	}
	if e.policyNow().lfu() {
		return uint32(now/60&0xffff)<<8 | lfuInitVal
	}
	return uint32(now)
}

// keyModified is called for every key a command modified (Client.Touched):
// the memory account re-measures the value, and the key counts as
// accessed, as Redis's write lookups touch it — except when the command
// created it, its stamp being fresh (and possibly set by RESTORE).
func (e *Engine) keyModified(c *Client, db *keyspace.DB, key []byte) {
	ent := db.Modified(key)
	if ent == nil || c.noTouch || ent == e.Store.LastAdded() {
		return
	}
	e.touchAccess(ent)
}

// Cron runs periodic housekeeping hz times a second: pending memory
// re-measures, key index rehashing, evictions a command round left
// unfinished, the memory peak, the instantaneous rates and the Go
// runtime's memory limit. Called without Mu held.
func (e *Engine) Cron() {
	e.Mu.Lock()
	defer e.Mu.Unlock()
	now := time.Now()
	e.Store.RemeasureDirty(now.Add(time.Millisecond))
	e.Store.Rehash(time.Now().Add(time.Millisecond))
	if e.Cfg.MaxMemory > 0 && (e.evict.running || e.UsedMemory() > e.Cfg.MaxMemory) {
		e.performEvictions(now)
	}
	e.notePeak()
	e.evict.latency.threshold.Store(e.Cfg.LatencyMonitorThreshold)
	e.evict.rates.sample(now, e.stats.Commands.Load(), e.stats.NetInput.Load(), e.stats.NetOutput.Load())
	e.tuneRuntime(false)
}

// notePeak records the highest used memory seen.
func (e *Engine) notePeak() {
	if u := e.UsedMemory(); u > e.evict.peak {
		e.evict.peak = u
	}
}

// opsConfigChanged follows CONFIG SET: start evicting down to a lowered
// maxmemory, re-derive the Go runtime's memory limit, and mirror the
// latency threshold for other goroutines. As Redis's
// startEvictionTimeProc, the eviction runs once the current command is
// over (the engine lock released), so a CONFIG SET inside MULTI or a
// script leaves the rest of the transaction's keys alone.
func (e *Engine) opsConfigChanged() {
	e.evict.latency.threshold.Store(e.Cfg.LatencyMonitorThreshold)
	e.policyNow()
	if e.Cfg.MaxMemory > 0 && e.UsedMemory() > e.Cfg.MaxMemory && !e.evict.looping {
		e.evict.looping = true
		go e.evictionLoop()
	}
	e.tuneRuntime(true)
}

// rateSampler keeps the instantaneous rates of INFO stats (Redis's
// trackInstantaneousMetric): the average over the last 16 samples.
type rateSampler struct {
	last             time.Time
	cmds, in, out    int64
	ops, inKB, outKB [16]float64
	idx              int
	// current averages
	opsPerSec, inKbps, outKbps float64
}

func (r *rateSampler) sample(now time.Time, cmds, in, out int64) {
	if r.last.IsZero() {
		r.last, r.cmds, r.in, r.out = now, cmds, in, out
		return
	}
	dt := now.Sub(r.last).Seconds()
	if dt < 0.09 {
		return
	}
	r.ops[r.idx] = float64(cmds-r.cmds) / dt
	r.inKB[r.idx] = float64(in-r.in) / dt / 1024
	r.outKB[r.idx] = float64(out-r.out) / dt / 1024
	r.idx = (r.idx + 1) % len(r.ops)
	r.last, r.cmds, r.in, r.out = now, cmds, in, out
	avg := func(a *[16]float64) float64 {
		s := 0.0
		for _, v := range a {
			s += v
		}
		return s / float64(len(a))
	}
	r.opsPerSec, r.inKbps, r.outKbps = avg(&r.ops), avg(&r.inKB), avg(&r.outKB)
}

// evictionExceeded is the time spent over maxmemory: in the current
// period (zero when under the limit) and in total.
func (e *Engine) evictionExceeded() (current, total time.Duration) {
	ev := &e.evict
	total = ev.exceeded
	if !ev.overSince.IsZero() {
		current = time.Since(ev.overSince)
		total += current
	}
	return current, total
}

// Metrics is a snapshot of what the metrics endpoint exports.
type Metrics struct {
	Loading       bool
	UptimeSeconds int64
	Commands      []CommandMetrics
	Errors        []ErrorCount
	Clients       ClientMetrics
	Memory        MemoryMetrics
	Stats         StatMetrics
	Keyspaces     []KeyspaceMetrics
	// Persistence holds the INFO persistence fields (nil without a
	// persistence backend).
	Persistence [][2]string
	Latency     []LatencyEvent
}

// CommandMetrics are one command's counters and latency histogram.
type CommandMetrics struct {
	Name                          string
	Calls, Usec, Rejected, Failed int64
	// Buckets are cumulative counts of calls shorter than LeSeconds
	// (powers of two of nanoseconds, 1.024 µs to 1.07 s, which are bucket
	// boundaries of the histogram, so the counts are exact); Count is
	// every call the histogram saw.
	Buckets []HistBucket
	Count   int64
}

// HistBucket is one cumulative histogram bucket.
type HistBucket struct {
	LeSeconds float64
	Count     int64
}

// ErrorCount is how many error replies began with Code.
type ErrorCount struct {
	Code  string
	Count int64
}

// ClientMetrics count connections.
type ClientMetrics struct {
	Connected, Blocked, PubSub, Tracking int
}

// MemoryMetrics are the figures of INFO memory.
type MemoryMetrics struct {
	Used, Peak, Startup, Overhead, Dataset, RSS, MaxMemory int64
	HeapAlloc, HeapInuse, GoSys, GoMemoryLimit, GCCycles   int64
	Policy                                                 string
	EvictionExceededSeconds                                float64
}

// StatMetrics are the counters of INFO stats.
type StatMetrics struct {
	Connections, Rejected, Commands, Expired, Evicted int64
	Hits, Misses, NetIn, NetOut, ErrorReplies, Dirty  int64
}

// KeyspaceMetrics count one keyspace's keys.
type KeyspaceMetrics struct {
	Name          string
	Keys, Expires int64
}

// LatencyEvent is a latency monitor event's latest and worst sample.
type LatencyEvent struct {
	Name                  string
	Time, LatestMs, MaxMs int64
}

// Metrics gathers the snapshot. It takes Mu.
func (e *Engine) Metrics() *Metrics {
	e.Mu.Lock()
	defer e.Mu.Unlock()
	m := &Metrics{Loading: e.Loading.Load(), UptimeSeconds: int64(time.Since(e.startTime).Seconds())}
	eachStatSpec(func(s *Spec) {
		cm := CommandMetrics{Name: s.FullName, Calls: s.stats.calls.Load(), Usec: s.stats.usec.Load(),
			Rejected: s.stats.rejected.Load(), Failed: s.stats.failed.Load()}
		if cm.Calls+cm.Rejected+cm.Failed == 0 {
			return
		}
		if h := s.stats.hist.Load(); h != nil {
			for k := 10; k <= 30; k++ {
				ns := int64(1) << k
				cm.Buckets = append(cm.Buckets, HistBucket{LeSeconds: float64(ns) / 1e9, Count: h.countUpTo(ns)})
			}
			cm.Count = h.total.Load()
		}
		m.Commands = append(m.Commands, cm)
	})
	for code, n := range e.errorStats {
		m.Errors = append(m.Errors, ErrorCount{code, n})
	}
	sort.Slice(m.Errors, func(i, j int) bool { return m.Errors[i].Code < m.Errors[j].Code })
	for _, c := range e.clients {
		if c.subscribed() {
			m.Clients.PubSub++
		}
		if c.tracking != nil {
			m.Clients.Tracking++
		}
	}
	m.Clients.Connected, m.Clients.Blocked = len(e.clients), e.blocking.count
	r := e.memReport()
	m.Memory = MemoryMetrics{Used: r.used, Peak: r.peak, Startup: r.startup, Overhead: r.overhead,
		Dataset: r.dataset, RSS: r.rss, MaxMemory: r.maxmemory, HeapAlloc: r.allocated, HeapInuse: r.active,
		GoSys: r.goSys, GoMemoryLimit: r.gcLimit, GCCycles: r.gcCycles, Policy: r.policy,
		EvictionExceededSeconds: r.evictionExceededTotal.Seconds()}
	s := &e.stats
	m.Stats = StatMetrics{Connections: s.Connections.Load(), Rejected: s.RejectedConns.Load(),
		Commands: s.Commands.Load(), Expired: s.ExpiredKeys.Load(), Evicted: s.EvictedKeys.Load(),
		Hits: s.KeyspaceHits.Load(), Misses: s.KeyspaceMisses.Load(), NetIn: s.NetInput.Load(),
		NetOut: s.NetOutput.Load(), ErrorReplies: s.TotalErrorReplies.Load(), Dirty: e.Dirty}
	dbs := e.Store.All()
	sortDBs(dbs)
	for _, db := range dbs {
		if db.Len() > 0 || db.ID >= 0 {
			m.Keyspaces = append(m.Keyspaces, KeyspaceMetrics{db.Name, int64(db.Len()), int64(db.Expires())})
		}
	}
	if e.Persist != nil {
		m.Persistence = e.Persist.Info()
	}
	for _, ev := range e.evict.latency.snapshot("") {
		last := ev.samples[len(ev.samples)-1]
		m.Latency = append(m.Latency, LatencyEvent{ev.name, last.time, last.ms, ev.max})
	}
	return m
}

// Uptime is the time since the engine started.
func (e *Engine) Uptime() time.Duration { return time.Since(e.startTime) }
