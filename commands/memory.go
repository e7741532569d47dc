package commands

// MEMORY USAGE | STATS | DOCTOR | MALLOC-STATS | PURGE | HELP, the memory
// report behind INFO memory and the metrics endpoint, and the Go runtime's
// memory limit derived from maxmemory.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"sundial/keyspace"
)

// startupMemory is the Go heap in use when the server code initialised,
// before any data: Redis's used_memory_startup.
var startupMemory int64

func init() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	startupMemory = int64(ms.HeapAlloc)
}

// memReport is a point-in-time view of memory, for INFO memory, MEMORY
// STATS, MEMORY DOCTOR and /metrics.
type memReport struct {
	used, peak, startup   int64
	overhead, dataset     int64
	keys, expires         int64
	dbs                   []dbOverhead
	clientsNormal         int64
	rss                   int64 // resident set size of the process
	allocated, active     int64 // Go heap: live+unswept objects, spans in use
	resident              int64 // heap memory obtained from the OS and not released
	heapSys, goSys        int64
	systemTotal           int64
	maxmemory             int64
	policy                string
	gcLimit, gcCycles     int64
	lastGCPause           time.Duration
	evictionExceeded      time.Duration
	evictionExceededTotal time.Duration
}

type dbOverhead struct {
	name          string
	id            int
	keys, expires int64
	main, expire  int64 // bytes of structure: entries, map, key lists
}

// memReport gathers the report. Called with Mu held; it reads the Go
// runtime's statistics, which stops the world briefly.
func (e *Engine) memReport() memReport {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	e.notePeak()
	r := memReport{
		used:      e.UsedMemory(),
		peak:      e.evict.peak,
		startup:   startupMemory,
		allocated: int64(ms.HeapAlloc),
		active:    int64(ms.HeapInuse),
		resident:  int64(ms.HeapSys - ms.HeapReleased),
		heapSys:   int64(ms.HeapSys),
		goSys:     int64(ms.Sys),
		maxmemory: e.Cfg.MaxMemory,
		policy:    e.Cfg.MaxMemoryPolicy,
		gcCycles:  int64(ms.NumGC),
		gcLimit:   debug.SetMemoryLimit(-1),
	}
	if ms.NumGC > 0 {
		r.lastGCPause = time.Duration(ms.PauseNs[(ms.NumGC+255)%256])
	}
	r.rss = processRSS()
	if r.rss == 0 {
		r.rss = int64(ms.Sys - ms.HeapReleased)
	}
	r.systemTotal = systemMemory()
	r.overhead = r.startup
	dbs := e.Store.All()
	sortDBs(dbs)
	for _, db := range dbs {
		if db.Len() == 0 {
			continue
		}
		d := dbOverhead{name: db.Name, id: db.ID, keys: int64(db.Len()), expires: int64(db.Expires())}
		d.main, d.expire = db.Overhead()
		r.dbs = append(r.dbs, d)
		r.keys += d.keys
		r.expires += d.expires
		r.overhead += d.main + d.expire
	}
	r.dataset = r.used - r.overhead
	if r.dataset < 0 {
		r.dataset = 0
	}
	for _, c := range e.clients {
		r.clientsNormal += int64(cap(c.B))
	}
	r.evictionExceeded, r.evictionExceededTotal = e.evictionExceeded()
	return r
}

func ratio(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// netUsage is used memory above the startup footprint (at least 1).
func (r *memReport) netUsage() int64 {
	if r.used > r.startup {
		return r.used - r.startup
	}
	return 1
}

func (r *memReport) datasetPerc() float64 { return float64(r.dataset) * 100 / float64(r.netUsage()) }

func (r *memReport) peakPerc() float64 {
	if r.peak <= 0 {
		return 100
	}
	return float64(r.used) * 100 / float64(r.peak)
}

// processRSS reads the resident set size from /proc (0 where there is no
// /proc).
func processRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

// systemMemory is the machine's total memory from /proc/meminfo (0 when
// unknown).
func systemMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				kb, _ := strconv.ParseInt(fields[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// Lua interpreters are not measured: the VM figures are Redis's for an
// empty interpreter plus the code held, the script figures what the
// caches hold.
const (
	luaVMBase       = 32768
	luaFunctionBase = 33792
)

// infoScriptMemory writes INFO memory's scripting fields, as Redis 7.0.
func infoScriptMemory(e *Engine, b *strings.Builder) {
	r := &e.scripts
	var evalBytes, fnBytes int64
	for sha, s := range r.scripts {
		evalBytes += int64(len(sha)+len(s.body)) + 64
	}
	for name, l := range r.libs {
		fnBytes += int64(len(name)+len(l.code)) + 64
		for _, f := range l.funcs {
			fnBytes += int64(len(f.name)+len(f.desc)) + 64
		}
	}
	vmEval := luaVMBase + evalBytes
	vmFunctions := luaFunctionBase + fnBytes
	scriptsEval, functions := evalBytes, 200+fnBytes
	field(b, "used_memory_lua", vmEval)
	field(b, "used_memory_vm_eval", vmEval)
	field(b, "used_memory_lua_human", humanBytes(vmEval))
	field(b, "used_memory_scripts_eval", scriptsEval)
	field(b, "number_of_cached_scripts", len(r.scripts))
	field(b, "number_of_functions", len(r.funcs))
	field(b, "number_of_libraries", len(r.libs))
	field(b, "used_memory_vm_functions", vmFunctions)
	field(b, "used_memory_vm_total", vmEval+vmFunctions)
	field(b, "used_memory_vm_total_human", humanBytes(vmEval+vmFunctions))
	field(b, "used_memory_functions", functions)
	field(b, "used_memory_scripts", scriptsEval+functions)
	field(b, "used_memory_scripts_human", humanBytes(scriptsEval+functions))
}

func infoMemory(e *Engine, b *strings.Builder) {
	r := e.memReport()
	field(b, "used_memory", r.used)
	field(b, "used_memory_human", humanBytes(r.used))
	field(b, "used_memory_rss", r.rss)
	field(b, "used_memory_rss_human", humanBytes(r.rss))
	field(b, "used_memory_peak", r.peak)
	field(b, "used_memory_peak_human", humanBytes(r.peak))
	field(b, "used_memory_peak_perc", fmt.Sprintf("%.2f%%", r.peakPerc()))
	field(b, "used_memory_overhead", r.overhead)
	field(b, "used_memory_startup", r.startup)
	field(b, "used_memory_dataset", r.dataset)
	field(b, "used_memory_dataset_perc", fmt.Sprintf("%.2f%%", r.datasetPerc()))
	field(b, "used_memory_heap", r.active)
	field(b, "allocator_allocated", r.allocated)
	field(b, "allocator_active", r.active)
	field(b, "allocator_resident", r.resident)
	field(b, "total_system_memory", r.systemTotal)
	field(b, "total_system_memory_human", humanBytes(r.systemTotal))
	infoScriptMemory(e, b)
	field(b, "maxmemory", r.maxmemory)
	field(b, "maxmemory_human", humanBytes(r.maxmemory))
	field(b, "maxmemory_policy", r.policy)
	field(b, "allocator_frag_ratio", fmt.Sprintf("%.2f", ratio(r.active, r.allocated)))
	field(b, "allocator_frag_bytes", r.active-r.allocated)
	field(b, "allocator_rss_ratio", fmt.Sprintf("%.2f", ratio(r.resident, r.active)))
	field(b, "allocator_rss_bytes", r.resident-r.active)
	field(b, "rss_overhead_ratio", fmt.Sprintf("%.2f", ratio(r.rss, r.resident)))
	field(b, "rss_overhead_bytes", r.rss-r.resident)
	field(b, "mem_fragmentation_ratio", fmt.Sprintf("%.2f", ratio(r.rss, r.used)))
	field(b, "mem_fragmentation_bytes", r.rss-r.used)
	field(b, "mem_not_counted_for_evict", 0)
	field(b, "mem_replication_backlog", 0)
	field(b, "mem_total_replication_buffers", 0)
	field(b, "mem_clients_slaves", 0)
	field(b, "mem_clients_normal", r.clientsNormal)
	field(b, "mem_cluster_links", 0)
	field(b, "mem_aof_buffer", 0)
	field(b, "mem_allocator", "go-"+runtime.Version())
	field(b, "active_defrag_running", 0)
	field(b, "lazyfree_pending_objects", 0)
	field(b, "lazyfreed_objects", 0)
	field(b, "go_memory_limit", r.gcLimit)
	field(b, "go_gc_cycles", r.gcCycles)
}

// MEMORY USAGE key [SAMPLES count]: the bytes the key is charged in the
// memory account. Values are measured whole, so SAMPLES is validated and
// otherwise ignored. The key is found without expiring it, as Redis's
// dictFind.
func cmdMemoryUsage(c *Client, args [][]byte) {
	for j := 3; j < len(args); j++ {
		if !strings.EqualFold(argCString(args[j]), "samples") || j+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		n, ok := argInt64(c, args[j+1])
		if !ok {
			return
		}
		if n < 0 {
			c.Error(errSyntax)
			return
		}
		j++
	}
	ent := c.DB.Peek(args[2])
	if ent == nil {
		c.Null()
		return
	}
	c.Int(keyspace.EntryMemory(ent))
}

func cmdMemoryStats(c *Client, args [][]byte) {
	r := c.e.memReport()
	c.Map(27 + len(r.dbs))
	kv := func(k string, v int64) {
		c.BulkString(k)
		c.Int(v)
	}
	kd := func(k string, v float64) {
		c.BulkString(k)
		c.Double(v)
	}
	kv("peak.allocated", r.peak)
	kv("total.allocated", r.used)
	kv("startup.allocated", r.startup)
	kv("replication.backlog", 0)
	kv("clients.slaves", 0)
	kv("clients.normal", r.clientsNormal)
	kv("cluster.links", 0)
	kv("aof.buffer", 0)
	kv("lua.caches", 0)
	kv("functions.caches", 0)
	for _, d := range r.dbs {
		c.BulkString("db." + d.name)
		c.Map(3)
		kv("overhead.hashtable.main", d.main)
		kv("overhead.hashtable.expires", d.expire)
		kv("overhead.hashtable.slot-to-keys", 0)
	}
	kv("overhead.total", r.overhead)
	kv("keys.count", r.keys)
	perKey := int64(0)
	if r.keys > 0 {
		perKey = r.netUsage() / r.keys
	}
	kv("keys.bytes-per-key", perKey)
	kv("dataset.bytes", r.dataset)
	kd("dataset.percentage", r.datasetPerc())
	kd("peak.percentage", r.peakPerc())
	kv("allocator.allocated", r.allocated)
	kv("allocator.active", r.active)
	kv("allocator.resident", r.resident)
	kd("allocator-fragmentation.ratio", ratio(r.active, r.allocated))
	kv("allocator-fragmentation.bytes", r.active-r.allocated)
	kd("allocator-rss.ratio", ratio(r.resident, r.active))
	kv("allocator-rss.bytes", r.resident-r.active)
	kd("rss-overhead.ratio", ratio(r.rss, r.resident))
	kv("rss-overhead.bytes", r.rss-r.resident)
	kd("fragmentation", ratio(r.rss, r.used))
	kv("fragmentation.bytes", r.rss-r.used)
}

// memoryDoctor is Redis's getMemoryDoctorReport over sundial's figures:
// the Go heap plays the allocator.
func (e *Engine) memoryDoctor() string {
	r := e.memReport()
	if r.used < 5<<20 {
		return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
			"Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	}
	var issues []string
	if float64(r.peak)/float64(r.used) > 1.5 {
		issues = append(issues, " * Peak memory: In the past this instance used more than 150% the memory that is currently using. "+
			"The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, "+
			"however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) "+
			"is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. "+
			"If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, "+
			"otherwise the only other option is to shutdown and restart the instance.\n\n")
	}
	if ratio(r.rss, r.used) > 1.4 && r.rss-r.used > 10<<20 {
		issues = append(issues, " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 "+
			"(this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). "+
			"This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) "+
			"or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, "+
			"then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. "+
			"Note: The currently used allocator is \"go-"+runtime.Version()+"\".\n\n")
	}
	if ratio(r.active, r.allocated) > 1.1 && r.active-r.allocated > 10<<20 {
		issues = append(issues, " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. "+
			"This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) "+
			"or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n")
	}
	if ratio(r.resident, r.active) > 1.1 && r.resident-r.active > 10<<20 {
		issues = append(issues, " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 "+
			"(this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). "+
			"This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), "+
			"you can try the MEMORY PURGE command to reclaim it.\n\n")
	}
	if n := int64(len(e.clients)); n > 0 && r.clientsNormal/n > 200*1024 {
		issues = append(issues, " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). "+
			"This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, "+
			"so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large "+
			"sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it "+
			"causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n")
	}
	if len(issues) == 0 {
		return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	}
	return "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + strings.Join(issues, "") +
		"I'm here to keep you safe, Sam. I want to help you.\n"
}

func cmdMemoryDoctor(c *Client, args [][]byte) { c.Verbatim(c.e.memoryDoctor()) }

// MEMORY MALLOC-STATS reports the Go allocator's statistics.
func cmdMemoryMallocStats(c *Client, args [][]byte) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b bytes.Buffer
	fmt.Fprintf(&b, "___ Begin Go runtime memory statistics ___\n")
	fmt.Fprintf(&b, "Version: %s\n", runtime.Version())
	for _, kv := range []struct {
		k string
		v uint64
	}{
		{"HeapAlloc", ms.HeapAlloc}, {"HeapInuse", ms.HeapInuse}, {"HeapIdle", ms.HeapIdle},
		{"HeapReleased", ms.HeapReleased}, {"HeapSys", ms.HeapSys}, {"HeapObjects", ms.HeapObjects},
		{"StackInuse", ms.StackInuse}, {"MSpanInuse", ms.MSpanInuse}, {"MCacheInuse", ms.MCacheInuse},
		{"GCSys", ms.GCSys}, {"OtherSys", ms.OtherSys}, {"Sys", ms.Sys},
		{"Mallocs", ms.Mallocs}, {"Frees", ms.Frees}, {"NumGC", uint64(ms.NumGC)},
		{"NextGC", ms.NextGC}, {"PauseTotalNs", ms.PauseTotalNs},
	} {
		fmt.Fprintf(&b, "%s: %d\n", kv.k, kv.v)
	}
	fmt.Fprintf(&b, "GCCPUFraction: %.6f\n", ms.GCCPUFraction)
	fmt.Fprintf(&b, "MemoryLimit: %d\n", debug.SetMemoryLimit(-1))
	fmt.Fprintf(&b, "GOGC: %d\n", currentGCPercent())
	b.WriteString("--- End Go runtime memory statistics ---\n")
	c.Verbatim(b.String())
}

// currentGCPercent reads GOGC without changing it.
func currentGCPercent() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// MEMORY PURGE returns freed memory to the operating system.
func cmdMemoryPurge(c *Client, args [][]byte) {
	debug.FreeOSMemory()
	c.OK()
}

func cmdMemoryHelp(c *Client, args [][]byte) {
	c.helpReply("MEMORY", []string{
		"DOCTOR",
		"    Return memory problems reports.",
		"MALLOC-STATS",
		"    Return internal statistics report from the memory allocator.",
		"PURGE",
		"    Attempt to purge dirty pages for reclamation by the allocator.",
		"STATS",
		"    Return information about the memory usage of the server.",
		"USAGE <key> [SAMPLES <count>]",
		"    Return memory in bytes used by <key> and its value. Nested values are",
		"    sampled up to <count> times (default: 5, 0 means sample all).",
	})
}

// runtimeTuning is the Go runtime's memory limit and GC pacing, derived
// from maxmemory when the engine owns the process (TuneRuntime).
type runtimeTuning struct {
	enabled   bool
	applied   bool
	prevGC    int
	prevLimit int64
	limit     int64
	lastSet   time.Time
}

// TuneRuntime lets the engine drive the Go runtime's memory limit and GC
// pacing from maxmemory (call it once when the engine is the process's
// server; the settings are process-wide). While maxmemory is set, the GC
// runs only when the heap reaches the limit — the memory outside the
// dataset, plus maxmemory, plus headroom — so a server kept at maxmemory by
// eviction does little GC work and stays near its limit. An operator's
// GOGC or GOMEMLIMIT environment variable wins.
func (e *Engine) TuneRuntime() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		e.Log.Info("GOGC/GOMEMLIMIT set in the environment: the GC is not tuned from maxmemory")
		return
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()
	e.evict.runtime.enabled = true
	e.tuneRuntime(true)
}

// runtimeHeadroom is the heap growth allowed between collections above
// the dataset held at maxmemory.
func runtimeHeadroom(max int64) int64 { return max/4 + 32<<20 }

// tuneRuntime applies (or, with maxmemory 0, undoes) the runtime limit;
// unless forced, at most once a second.
func (e *Engine) tuneRuntime(force bool) {
	t := &e.evict.runtime
	if !t.enabled {
		return
	}
	max := e.Cfg.MaxMemory
	if max <= 0 {
		if t.applied {
			debug.SetGCPercent(t.prevGC)
			debug.SetMemoryLimit(t.prevLimit)
			t.applied = false
			e.Log.Info("maxmemory off: Go GC back to its defaults")
		}
		return
	}
	now := time.Now()
	if !force && now.Sub(t.lastSet) < time.Second {
		return
	}
	t.lastSet = now
	other := heapLive() - e.Store.UsedMemory()
	if other < startupMemory {
		other = startupMemory
	}
	limit := other + max + runtimeHeadroom(max)
	if !t.applied {
		t.prevGC = debug.SetGCPercent(-1)
		t.prevLimit = debug.SetMemoryLimit(limit)
		t.applied = true
		e.Log.Info("Go GC paced by maxmemory", "maxmemory", max, "memory_limit", limit)
	} else if limit != t.limit {
		debug.SetMemoryLimit(limit)
	}
	t.limit = limit
}

var heapLiveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// heapLive is the heap marked live by the last GC. Called with Mu held
// (the sample buffer is shared).
func heapLive() int64 {
	metrics.Read(heapLiveSample)
	if heapLiveSample[0].Value.Kind() != metrics.KindUint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	return int64(heapLiveSample[0].Value.Uint64())
}
