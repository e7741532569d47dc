package commands

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Version is sundial's own version, reported as sundial_version.
var Version = "0.1.0"

// infoSection is one section of INFO.
type infoSection struct {
	name    string
	dflt    bool // part of INFO / INFO default
	all     bool // part of INFO all (everything is a superset)
	collect func(e *Engine, b *strings.Builder)
}

var infoSections []infoSection

func init() {
	infoSections = []infoSection{
		{"server", true, true, infoServer},
		{"clients", true, true, infoClients},
		{"memory", true, true, infoMemory},
		{"persistence", true, true, infoPersistence},
		{"stats", true, true, infoStats},
		{"replication", true, true, infoReplication},
		{"cpu", true, true, infoCPU},
		{"modules", true, true, func(e *Engine, b *strings.Builder) {}},
		{"commandstats", false, true, infoCommandStats},
		{"errorstats", true, true, infoErrorStats},
		{"latencystats", false, true, infoLatencyStats},
		{"cluster", true, true, func(e *Engine, b *strings.Builder) { b.WriteString("cluster_enabled:0\r\n") }},
		{"keyspace", true, true, infoKeyspace},
	}
}

func cmdInfo(c *Client, args [][]byte) {
	c.Verbatim(c.e.Info(args[1:]))
}

// Info renders INFO for the given section names (none = default).
func (e *Engine) Info(sections [][]byte) string {
	// As Redis's genInfoSectionDict: named sections add to the set, the
	// keywords add their groups; with no argument at all, default.
	want := map[string]bool{}
	mode := ""
	if len(sections) == 0 {
		mode = "default"
	}
	for _, s := range sections {
		n := strings.ToLower(string(s))
		switch n {
		case "all", "everything":
			mode = "all"
		case "default":
			if mode == "" {
				mode = n
			}
		default:
			want[n] = true
		}
	}
	var b strings.Builder
	for _, sec := range infoSections {
		include := want[sec.name] ||
			mode == "default" && sec.dflt ||
			(mode == "all" || mode == "everything") && sec.all
		if !include {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		title := strings.ToUpper(sec.name[:1]) + sec.name[1:]
		if sec.name == "cpu" {
			title = "CPU"
		}
		b.WriteString("# " + title + "\r\n")
		sec.collect(e, &b)
	}
	return b.String()
}

func field(b *strings.Builder, name string, v any) {
	fmt.Fprintf(b, "%s:%v\r\n", name, v)
}

func infoServer(e *Engine, b *strings.Builder) {
	up := time.Since(e.startTime)
	field(b, "redis_version", RedisVersion)
	field(b, "sundial_version", Version)
	field(b, "redis_git_sha1", "00000000")
	field(b, "redis_git_dirty", 0)
	field(b, "redis_build_id", "0")
	field(b, "redis_mode", "standalone")
	field(b, "os", runtime.GOOS+" "+runtime.GOARCH)
	field(b, "arch_bits", 64)
	field(b, "monotonic_clock", "POSIX clock_gettime")
	field(b, "multiplexing_api", "epoll")
	field(b, "atomicvar_api", "c11-builtin")
	field(b, "go_version", runtime.Version())
	field(b, "process_id", os.Getpid())
	field(b, "process_supervised", "no")
	field(b, "run_id", runID)
	field(b, "tcp_port", e.Cfg.Port)
	field(b, "server_time_usec", time.Now().UnixMicro())
	field(b, "uptime_in_seconds", int64(up.Seconds()))
	field(b, "uptime_in_days", int64(up.Hours()/24))
	field(b, "hz", e.Cfg.Hz)
	field(b, "configured_hz", e.Cfg.Hz)
	field(b, "lru_clock", time.Now().Unix()&(1<<24-1))
	exe, _ := os.Executable()
	field(b, "executable", exe)
	field(b, "config_file", e.Cfg.File)
	field(b, "io_threads_active", 0)
}

var runID = func() string {
	var buf [20]byte
	f, err := os.Open("/dev/urandom")
	if err == nil {
		f.Read(buf[:])
		f.Close()
	}
	return fmt.Sprintf("%x", buf)
}()

func infoClients(e *Engine, b *strings.Builder) {
	pubsub, tracking := 0, 0
	for _, c := range e.clients {
		if c.subscribed() {
			pubsub++
		}
		if c.tracking != nil {
			tracking++
		}
	}
	field(b, "connected_clients", len(e.clients))
	field(b, "cluster_connections", 0)
	field(b, "maxclients", e.Cfg.MaxClients)
	field(b, "client_recent_max_input_buffer", 0)
	field(b, "client_recent_max_output_buffer", 0)
	field(b, "blocked_clients", e.blocking.count)
	field(b, "tracking_clients", tracking)
	field(b, "clients_in_timeout_table", e.blocking.count)
}

func humanBytes(n int64) string {
	f := float64(n)
	switch {
	case n < 1024:
		return fmt.Sprintf("%dB", n)
	case n < 1<<20:
		return fmt.Sprintf("%.2fK", f/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.2fM", f/(1<<20))
	case n < 1<<40:
		return fmt.Sprintf("%.2fG", f/(1<<30))
	}
	return fmt.Sprintf("%.2fT", f/(1<<40))
}

func infoPersistence(e *Engine, b *strings.Builder) {
	loading := 0
	if e.Loading.Load() {
		loading = 1
	}
	field(b, "loading", loading)
	field(b, "async_loading", 0)
	if e.Persist != nil {
		for _, kv := range e.Persist.Info() {
			field(b, kv[0], kv[1])
		}
		return
	}
	field(b, "rdb_changes_since_last_save", e.Dirty)
	field(b, "rdb_bgsave_in_progress", 0)
	field(b, "rdb_last_save_time", e.lastSave.Load())
	field(b, "rdb_last_bgsave_status", "ok")
	field(b, "aof_enabled", 0)
	field(b, "aof_rewrite_in_progress", 0)
	field(b, "aof_rewrite_scheduled", 0)
	field(b, "aof_last_bgrewrite_status", "ok")
	field(b, "aof_last_write_status", "ok")
}

func infoStats(e *Engine, b *strings.Builder) {
	s := &e.stats
	field(b, "total_connections_received", s.Connections.Load())
	field(b, "total_commands_processed", s.Commands.Load())
	r := &e.evict.rates
	field(b, "instantaneous_ops_per_sec", int64(r.opsPerSec))
	field(b, "total_net_input_bytes", s.NetInput.Load())
	field(b, "total_net_output_bytes", s.NetOutput.Load())
	field(b, "instantaneous_input_kbps", fmt.Sprintf("%.2f", r.inKbps))
	field(b, "instantaneous_output_kbps", fmt.Sprintf("%.2f", r.outKbps))
	field(b, "rejected_connections", s.RejectedConns.Load())
	field(b, "expired_keys", s.ExpiredKeys.Load())
	field(b, "evicted_keys", s.EvictedKeys.Load())
	field(b, "evicted_clients", 0)
	cur, total := e.evictionExceeded()
	field(b, "total_eviction_exceeded_time", total.Milliseconds())
	field(b, "current_eviction_exceeded_time", cur.Milliseconds())
	field(b, "keyspace_hits", s.KeyspaceHits.Load())
	field(b, "keyspace_misses", s.KeyspaceMisses.Load())
	field(b, "pubsub_channels", e.pubsubChannelCount())
	field(b, "pubsub_patterns", e.pubsubPatternCount())
	field(b, "pubsubshard_channels", e.pubsubShardChannelCount())
	field(b, "latest_fork_usec", 0)
	field(b, "total_forks", 0)
	tkeys, titems, tprefixes := e.TrackingStats()
	field(b, "tracking_total_keys", tkeys)
	field(b, "tracking_total_items", titems)
	field(b, "tracking_total_prefixes", tprefixes)
	field(b, "total_error_replies", s.TotalErrorReplies.Load())
	field(b, "sundial_panics", s.Panics.Load())
}

func infoReplication(e *Engine, b *strings.Builder) {
	field(b, "role", "master")
	field(b, "connected_slaves", 0)
	field(b, "master_failover_state", "no-failover")
	field(b, "master_replid", runID)
	field(b, "master_replid2", "0000000000000000000000000000000000000000")
	field(b, "master_repl_offset", 0)
	field(b, "second_repl_offset", -1)
	field(b, "repl_backlog_active", 0)
	field(b, "repl_backlog_size", 1048576)
	field(b, "repl_backlog_first_byte_offset", 0)
	field(b, "repl_backlog_histlen", 0)
}

func infoCPU(e *Engine, b *strings.Builder) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	tv := func(t syscall.Timeval) string { return fmt.Sprintf("%d.%06d", t.Sec, t.Usec) }
	field(b, "used_cpu_sys", tv(ru.Stime))
	field(b, "used_cpu_user", tv(ru.Utime))
	field(b, "used_cpu_sys_children", "0.000000")
	field(b, "used_cpu_user_children", "0.000000")
	// Go spreads work over threads; the process figures stand in for
	// Redis's main thread.
	field(b, "used_cpu_sys_main_thread", tv(ru.Stime))
	field(b, "used_cpu_user_main_thread", tv(ru.Utime))
}

func infoCommandStats(e *Engine, b *strings.Builder) {
	var write func(s *Spec)
	write = func(s *Spec) {
		calls := s.stats.calls.Load()
		rej, failed := s.stats.rejected.Load(), s.stats.failed.Load()
		if calls+rej+failed > 0 {
			usec := s.stats.usec.Load()
			per := 0.0
			if calls > 0 {
				per = float64(usec) / float64(calls)
			}
			fmt.Fprintf(b, "cmdstat_%s:calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d\r\n",
				s.FullName, calls, usec, per, rej, failed)
		}
		for _, sub := range s.Subs {
			write(sub)
		}
	}
	for _, s := range sortedSpecs() {
		write(s)
	}
}

func infoErrorStats(e *Engine, b *strings.Builder) {
	codes := make([]string, 0, len(e.errorStats))
	for code := range e.errorStats {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		fmt.Fprintf(b, "errorstat_%s:count=%d\r\n", code, e.errorStats[code])
	}
}

func infoKeyspace(e *Engine, b *strings.Builder) {
	now := time.Now().UnixMilli()
	dbs := e.Store.All()
	sortDBs(dbs)
	for _, db := range dbs {
		if db.Len() == 0 {
			continue
		}
		if db.ID >= 0 {
			fmt.Fprintf(b, "db%d:keys=%d,expires=%d,avg_ttl=%d\r\n", db.ID, db.Len(), db.Expires(), avgTTL(db, now))
		} else {
			fmt.Fprintf(b, "%s:keys=%d,expires=%d,avg_ttl=%d\r\n", db.Name, db.Len(), db.Expires(), avgTTL(db, now))
		}
	}
}

// avgTTL estimates the average TTL from a sample of keys with one.
func avgTTL(db interface {
	RandomVolatileSample(n int, now int64) int64
}, now int64) int64 {
	return db.RandomVolatileSample(20, now)
}

// resetStats implements CONFIG RESETSTAT.
func (e *Engine) resetStats() {
	s := &e.stats
	for _, c := range []interface{ Store(int64) }{&s.Connections, &s.Commands, &s.RejectedConns,
		&s.ExpiredKeys, &s.EvictedKeys, &s.KeyspaceHits, &s.KeyspaceMisses, &s.NetInput, &s.NetOutput,
		&s.TotalErrorReplies} {
		c.Store(0)
	}
	for _, spec := range table {
		for _, x := range append([]*Spec{spec}, spec.Subs...) {
			x.stats.calls.Store(0)
			x.stats.usec.Store(0)
			x.stats.rejected.Store(0)
			x.stats.failed.Store(0)
			if h := x.stats.hist.Load(); h != nil {
				h.reset()
			}
		}
	}
	e.errorStats = make(map[string]int64)
	e.evict.peak = e.UsedMemory()
	e.evict.exceeded = 0
	if !e.evict.overSince.IsZero() {
		e.evict.overSince = time.Now()
	}
}
