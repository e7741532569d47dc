// Package config holds sundial's directives: their defaults, the redis.conf
// parser, flag and environment overrides, and the table behind CONFIG
// GET/SET/REWRITE. It imports no other sundial package.
package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Config is the server's configuration. Fields are read by the engine
// under its lock; CONFIG SET runs under the same lock.
type Config struct {
	Port                      int
	Bind                      string
	ProtectedMode             bool
	RequirePass               string
	Databases                 int
	Dir                       string
	Backend                   string
	AppendOnly                bool
	AppendFsync               string
	AutoAOFRewritePercentage  int
	AutoAOFRewriteMinSize     int64
	Save                      string
	SnapshotCompressThreshold int64
	MaxMemory                 int64
	MaxMemoryPolicy           string
	MaxMemorySamples          int
	MaxClients                int
	Timeout                   int
	TCPKeepalive              int
	LogLevel                  string
	LogFile                   string
	ProtoMaxBulkLen           int64
	ClientQueryBufferLimit    int64
	ClientOutputBufferLimit   string
	SlowlogLogSlowerThan      int64
	SlowlogMaxLen             int
	NotifyKeyspaceEvents      string
	Hz                        int
	BusyReplyThreshold        int64
	TLSPort                   int
	TLSCertFile               string
	TLSKeyFile                string
	TLSCACertFile             string
	TLSAuthClients            string
	MetricsBind               string
	LFULogFactor              int
	LFUDecayTime              int
	AOFLoadTruncated          bool
	LatencyMonitorThreshold   int64
	HashMaxListpackEntries    int64
	HashMaxListpackValue      int64
	ListMaxListpackSize       int64
	SetMaxIntsetEntries       int64
	ZSetMaxListpackEntries    int64
	ZSetMaxListpackValue      int64
	HLLSparseMaxBytes         int64
	StreamNodeMaxBytes        int64
	StreamNodeMaxEntries      int64
	ActiveExpireEffort        int
	GoMaxProcs                int
	MinReplicasToWrite        int
	MinReplicasMaxLag         int

	// File is the config file the server was started with, for REWRITE.
	File string
	mu   sync.Mutex
	// other holds Redis directives sundial accepts but does not act on,
	// so CONFIG GET answers them and a stock redis.conf loads.
	other map[string]string
	dirs  []*Directive
	byKey map[string]*Directive
}

type kind int

const (
	kBool kind = iota
	kInt
	kSize
	kEnum
	kString
	kSave
	kNotify
)

// Directive is one configuration parameter.
type Directive struct {
	Name      string
	Alias     string
	Default   string
	Doc       string
	Immutable bool
	kind      kind
	enum      []string
	min, max  int64
	ptr       any // *bool, *int, *int64 or *string
}

// New returns a configuration with every default applied.
func New() *Config {
	c := &Config{other: make(map[string]string), byKey: make(map[string]*Directive)}
	c.dirs = c.table()
	for _, d := range c.dirs {
		c.byKey[d.Name] = d
		if d.Alias != "" {
			c.byKey[d.Alias] = d
		}
		if err := c.setDirective(d, []string{d.Default}); err != nil {
			panic("config: bad default for " + d.Name + ": " + err.Error())
		}
	}
	for name, def := range acceptedRedisDirectives {
		c.other[name] = def
	}
	return c
}

func (c *Config) table() []*Directive {
	yes := func(p *bool, name, def, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kBool, ptr: p}
	}
	num := func(p *int, name, def string, min, max int64, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kInt, min: min, max: max, ptr: p}
	}
	num64 := func(p *int64, name, def string, min, max int64, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kInt, min: min, max: max, ptr: p}
	}
	size := func(p *int64, name, def string, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kSize, min: 0, max: 1<<63 - 1, ptr: p}
	}
	enum := func(p *string, name, def string, vals []string, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kEnum, enum: vals, ptr: p}
	}
	str := func(p *string, name, def, doc string) *Directive {
		return &Directive{Name: name, Default: def, Doc: doc, kind: kString, ptr: p}
	}
	const maxInt = 2147483647
	imm := func(d *Directive) *Directive { d.Immutable = true; return d }
	alias := func(d *Directive, a string) *Directive { d.Alias = a; return d }
	return []*Directive{
		imm(num(&c.Port, "port", "6379", 0, 65535, "TCP port to listen on (0 disables the plain listener).")),
		imm(str(&c.Bind, "bind", "127.0.0.1 -::1", "Addresses to listen on; a leading - makes one optional.")),
		yes(&c.ProtectedMode, "protected-mode", "yes", "Refuse non-loopback clients when no password is set."),
		str(&c.RequirePass, "requirepass", "", "Password clients must AUTH with; empty means none."),
		imm(num(&c.Databases, "databases", "16", 1, maxInt, "Number of numbered keyspaces (SELECT 0..n-1).")),
		imm(str(&c.Dir, "dir", "./data", "Data directory of the file backend (created if missing).")),
		imm(enum(&c.Backend, "backend", "file", []string{"file", "memory"}, "Storage backend: file (AOF + snapshots in dir) or memory (nothing on disk).")),
		imm(yes(&c.AppendOnly, "appendonly", "yes", "Keep an append-only file (file backend).")),
		enum(&c.AppendFsync, "appendfsync", "everysec", []string{"everysec", "always", "no"}, "When the AOF is fsynced: always (before replying), everysec, no."),
		num(&c.AutoAOFRewritePercentage, "auto-aof-rewrite-percentage", "100", 0, maxInt, "Compact the AOF when it grew this much (%) since the last compaction."),
		size(&c.AutoAOFRewriteMinSize, "auto-aof-rewrite-min-size", "64mb", "Never compact an AOF smaller than this."),
		{Name: "save", Default: "3600 1 300 100 60 10000", kind: kSave, ptr: &c.Save, Doc: "Snapshot rules: <seconds> <changes> pairs; empty disables."},
		size(&c.SnapshotCompressThreshold, "snapshot-compress-threshold", "64kb", "LZ4-compress snapshot blocks larger than this."),
		size(&c.MaxMemory, "maxmemory", "0", "Memory limit for data (0 = none)."),
		enum(&c.MaxMemoryPolicy, "maxmemory-policy", "noeviction", []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"}, "What to evict when maxmemory is reached."),
		num(&c.MaxMemorySamples, "maxmemory-samples", "5", 1, maxInt, "Keys sampled per eviction."),
		num(&c.MaxClients, "maxclients", "10000", 1, math.MaxUint32, "Maximum simultaneous clients."),
		num(&c.Timeout, "timeout", "0", 0, maxInt, "Close idle clients after this many seconds (0 = never)."),
		num(&c.TCPKeepalive, "tcp-keepalive", "300", 0, maxInt, "TCP keepalive period in seconds."),
		enum(&c.LogLevel, "loglevel", "notice", []string{"debug", "verbose", "notice", "warning"}, "Log verbosity."),
		imm(str(&c.LogFile, "logfile", "", "Log file; empty logs to standard output.")),
		size(&c.ProtoMaxBulkLen, "proto-max-bulk-len", "512mb", "Largest bulk string a client may send."),
		size(&c.ClientQueryBufferLimit, "client-query-buffer-limit", "1gb", "Largest query buffer of one client."),
		str(&c.ClientOutputBufferLimit, "client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", "Output buffer limits per client class: <class> <hard> <soft> <soft-seconds>."),
		num64(&c.SlowlogLogSlowerThan, "slowlog-log-slower-than", "10000", -1, math.MaxInt64, "Log commands slower than this many microseconds (-1 disables)."),
		num(&c.SlowlogMaxLen, "slowlog-max-len", "128", 0, math.MaxInt64, "Slow log length."),
		{Name: "notify-keyspace-events", Default: "", kind: kNotify, ptr: &c.NotifyKeyspaceEvents, Doc: "Keyspace notification classes (K E g $ l s h z x e t m d n A)."},
		num(&c.Hz, "hz", "10", 0, maxInt, "Background task frequency."),
		alias(num64(&c.BusyReplyThreshold, "busy-reply-threshold", "5000", 0, 1<<62, "Milliseconds a script may run before other clients get BUSY."), "lua-time-limit"),
		imm(num(&c.TLSPort, "tls-port", "0", 0, 65535, "TLS port (0 = off).")),
		imm(str(&c.TLSCertFile, "tls-cert-file", "", "TLS certificate (PEM).")),
		imm(str(&c.TLSKeyFile, "tls-key-file", "", "TLS private key (PEM).")),
		imm(str(&c.TLSCACertFile, "tls-ca-cert-file", "", "CA certificate for client authentication.")),
		imm(enum(&c.TLSAuthClients, "tls-auth-clients", "yes", []string{"no", "yes", "optional"}, "Require client certificates on the TLS port.")),
		imm(str(&c.MetricsBind, "metrics-bind", "", "host:port for Prometheus /metrics and /health (empty = off).")),
		num(&c.LFULogFactor, "lfu-log-factor", "10", 0, maxInt, "LFU counter logarithm factor."),
		num(&c.LFUDecayTime, "lfu-decay-time", "1", 0, maxInt, "LFU counter decay period in minutes."),
		yes(&c.AOFLoadTruncated, "aof-load-truncated", "yes", "Start with a torn AOF tail truncated (with a warning)."),
		num64(&c.LatencyMonitorThreshold, "latency-monitor-threshold", "0", 0, 1<<62, "Record events slower than this many milliseconds (0 = off)."),
		alias(num64(&c.HashMaxListpackEntries, "hash-max-listpack-entries", "512", 0, 1<<62, "Hashes up to this many fields report the listpack encoding."), "hash-max-ziplist-entries"),
		alias(num64(&c.HashMaxListpackValue, "hash-max-listpack-value", "64", 0, 1<<62, "Hashes with values up to this size report listpack."), "hash-max-ziplist-value"),
		alias(num64(&c.ListMaxListpackSize, "list-max-listpack-size", "-2", math.MinInt32, math.MaxInt32, "List node size (negative: -2 = 8kb)."), "list-max-ziplist-size"),
		num64(&c.SetMaxIntsetEntries, "set-max-intset-entries", "512", 0, 1<<62, "Integer sets up to this size report intset."),
		alias(num64(&c.ZSetMaxListpackEntries, "zset-max-listpack-entries", "128", 0, 1<<62, "Sorted sets up to this size report listpack."), "zset-max-ziplist-entries"),
		alias(num64(&c.ZSetMaxListpackValue, "zset-max-listpack-value", "64", 0, 1<<62, "Sorted sets with members up to this size report listpack."), "zset-max-ziplist-value"),
		num64(&c.HLLSparseMaxBytes, "hll-sparse-max-bytes", "3000", 0, 1<<62, "HyperLogLog sparse representation limit."),
		size(&c.StreamNodeMaxBytes, "stream-node-max-bytes", "4kb", "Stream node size limit."),
		num64(&c.StreamNodeMaxEntries, "stream-node-max-entries", "100", 0, 1<<62, "Stream node entry limit."),
		num(&c.ActiveExpireEffort, "active-expire-effort", "1", 1, 10, "Active expiry effort (1-10)."),
		alias(num(&c.MinReplicasToWrite, "min-replicas-to-write", "0", 0, maxInt, "Refuse writes (NOREPLICAS) unless this many replicas are connected: sundial has none, so any value above 0 refuses them."), "min-slaves-to-write"),
		alias(num(&c.MinReplicasMaxLag, "min-replicas-max-lag", "10", 0, maxInt, "Lag in seconds a replica may have to count for min-replicas-to-write (0 turns the check off)."), "min-slaves-max-lag"),
		imm(num(&c.GoMaxProcs, "gomaxprocs", "0", 0, 4096, "CPUs that run Go code at once (0 = half the available CPUs, at least 1; a GOMAXPROCS environment variable wins).")),
	}
}

// acceptedRedisDirectives are Redis directives sundial reads without
// acting on them, with Redis's defaults, so a stock redis.conf loads and
// CONFIG GET answers them.
var acceptedRedisDirectives = map[string]string{
	"daemonize": "no", "supervised": "no", "pidfile": "", "always-show-logo": "no",
	"set-proc-title": "yes", "proc-title-template": "{title} {listen-addr} {server-mode}",
	"stop-writes-on-bgsave-error": "yes", "rdbcompression": "yes", "rdbchecksum": "yes",
	"dbfilename": "dump.rdb", "rdb-del-sync-files": "no", "appendfilename": "appendonly.aof",
	"appenddirname": "appendonlydir", "aof-use-rdb-preamble": "yes", "aof-timestamp-enabled": "no",
	"no-appendfsync-on-rewrite": "no", "aof-rewrite-incremental-fsync": "yes",
	"rdb-save-incremental-fsync": "yes", "replica-serve-stale-data": "yes", "replica-read-only": "yes",
	"repl-diskless-sync": "yes", "repl-diskless-sync-delay": "5", "repl-diskless-sync-max-replicas": "0",
	"repl-diskless-load": "disabled", "repl-disable-tcp-nodelay": "no", "replica-priority": "100",
	"acllog-max-len": "128", "lazyfree-lazy-eviction": "no", "lazyfree-lazy-expire": "no",
	"lazyfree-lazy-server-del": "no", "replica-lazy-flush": "no", "lazyfree-lazy-user-del": "no",
	"lazyfree-lazy-user-flush": "no", "oom-score-adj": "no", "oom-score-adj-values": "0 200 800",
	"disable-thp": "yes", "list-compress-depth": "0", "activerehashing": "yes", "dynamic-hz": "yes",
	"jemalloc-bg-thread": "yes", "tcp-backlog": "511", "unixsocket": "", "unixsocketperm": "0",
	"syslog-enabled": "no", "syslog-ident": "redis", "syslog-facility": "local0",
	"crash-log-enabled": "yes", "crash-memcheck-enabled": "yes", "io-threads": "1",
	"io-threads-do-reads": "no", "enable-protected-configs": "no", "enable-debug-command": "no",
	"enable-module-command": "no", "lua-replicate-commands": "yes", "cluster-enabled": "no",
	"replica-announced": "yes", "maxmemory-clients": "0", "key-load-delay": "0", "maxmemory-eviction-tenacity": "10", "active-defrag-threshold-lower": "10",
	"activedefrag": "no", "ignore-warnings": "", "locale-collate": "", "masterauth": "",
	"masteruser": "", "replicaof": "", "slaveof": "", "tracking-table-max-keys": "1000000",
	"aclfile": "", "shutdown-timeout": "10", "shutdown-on-sigint": "default",
	"shutdown-on-sigterm": "default", "latency-tracking": "yes",
	"latency-tracking-info-percentiles": "50 99 99.9", "rename-command": "", "user": "",
	"loadmodule": "", "sanitize-dump-payload": "no", "repl-backlog-size": "1048576",
	"repl-timeout": "60", "repl-ping-replica-period": "10", "repl-backlog-ttl": "3600",
}

// Directives returns the table, in declaration order.
func (c *Config) Directives() []*Directive { return c.dirs }

// Lookup finds a directive by name or alias (case-insensitive).
func (c *Config) Lookup(name string) *Directive { return c.byKey[strings.ToLower(name)] }

// Error is a bad value for a directive.
type Error struct {
	Directive string
	Msg       string
}

func (e *Error) Error() string { return e.Msg }

// Set assigns a directive from its string arguments (as written in
// redis.conf). Unknown names return an error with Msg "unknown".
func (c *Config) Set(name string, args []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	name = strings.ToLower(name)
	if d := c.byKey[name]; d != nil {
		return c.setDirective(d, args)
	}
	if _, ok := c.other[name]; ok {
		c.other[name] = strings.Join(args, " ")
		return nil
	}
	return &Error{Directive: name, Msg: "unknown"}
}

// Known reports whether name is a directive sundial reads.
func (c *Config) Known(name string) bool {
	name = strings.ToLower(name)
	_, other := c.other[name]
	return c.byKey[name] != nil || other
}

func (c *Config) setDirective(d *Directive, args []string) error {
	bad := func(msg string) error { return &Error{Directive: d.Name, Msg: msg} }
	if d.kind != kSave && d.kind != kString && len(args) != 1 {
		return bad("wrong number of arguments")
	}
	v := strings.Join(args, " ")
	switch d.kind {
	case kBool:
		switch strings.ToLower(v) {
		case "yes":
			*d.ptr.(*bool) = true
		case "no":
			*d.ptr.(*bool) = false
		default:
			return bad("argument must be 'yes' or 'no'")
		}
	case kInt:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("argument couldn't be parsed into an integer")
		}
		if n < d.min || n > d.max {
			return bad(fmt.Sprintf("argument must be between %d and %d inclusive", d.min, d.max))
		}
		if d.Name == "hz" {
			n = min(max(n, 1), 500) // Redis's CONFIG_MIN_HZ and CONFIG_MAX_HZ
		}
		switch p := d.ptr.(type) {
		case *int:
			*p = int(n)
		case *int64:
			*p = n
		}
	case kSize:
		n, ok := ParseSize(v)
		if !ok {
			return bad("argument must be a memory value")
		}
		*d.ptr.(*int64) = n
	case kEnum:
		lv := strings.ToLower(v)
		for _, e := range d.enum {
			if e == lv {
				*d.ptr.(*string) = lv
				return nil
			}
		}
		return bad("argument(s) must be one of the following: " + strings.Join(d.enum, ", "))
	case kString:
		*d.ptr.(*string) = v
	case kSave:
		norm, ok := normalizeSave(args)
		if !ok {
			return bad("Invalid save parameters")
		}
		*d.ptr.(*string) = norm
	case kNotify:
		norm, ok := NormalizeNotify(v)
		if !ok {
			return bad("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
		}
		*d.ptr.(*string) = norm
	}
	return nil
}

// Get returns a directive's value as CONFIG GET prints it.
func (c *Config) Get(name string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d := c.byKey[strings.ToLower(name)]; d != nil {
		return d.format(), true
	}
	v, ok := c.other[strings.ToLower(name)]
	return v, ok
}

func (d *Directive) format() string {
	switch p := d.ptr.(type) {
	case *bool:
		if *p {
			return "yes"
		}
		return "no"
	case *int:
		return strconv.Itoa(*p)
	case *int64:
		return strconv.FormatInt(*p, 10)
	case *string:
		if d.kind == kNotify {
			return notifyText(*p)
		}
		return *p
	}
	return ""
}

// notifyText is notify-keyspace-events as CONFIG GET prints it: Redis's
// keyspaceEventsFlagsToString leaves n out after A, though it is on.
func notifyText(stored string) string {
	if strings.HasPrefix(stored, "A") {
		return strings.TrimSuffix(stored, "n")
	}
	return stored
}

// Match returns name → value for every directive whose name (or alias)
// matches the glob pattern, as CONFIG GET does.
func (c *Config) Match(pattern string, match func(pattern, name string) bool) [][2]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out [][2]string
	seen := map[string]bool{}
	for _, d := range c.dirs {
		for _, n := range []string{d.Name, d.Alias} {
			if n != "" && !seen[n] && match(pattern, n) {
				seen[n] = true
				out = append(out, [2]string{n, d.format()})
			}
		}
	}
	names := make([]string, 0, len(c.other))
	for n := range c.other {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !seen[n] && match(pattern, n) {
			out = append(out, [2]string{n, c.other[n]})
		}
	}
	return out
}

// ParseSize parses a Redis memory value: a number with an optional unit
// k (1000), kb (1024), m, mb, g, gb, case-insensitive.
func ParseSize(s string) (int64, bool) {
	ls := strings.ToLower(strings.TrimSpace(s))
	mul := int64(1)
	for _, u := range []struct {
		suffix string
		mul    int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1000}, {"m", 1000 * 1000}, {"g", 1000 * 1000 * 1000}, {"b", 1}} {
		if strings.HasSuffix(ls, u.suffix) {
			ls, mul = strings.TrimSuffix(ls, u.suffix), u.mul
			break
		}
	}
	n, err := strconv.ParseInt(ls, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	if mul > 1 && n > (1<<63-1)/mul {
		return 0, false
	}
	return n * mul, true
}

// normalizeSave validates save rules ("" or pairs of positive integers).
func normalizeSave(args []string) (string, bool) {
	var fields []string
	for _, a := range args {
		fields = append(fields, strings.Fields(a)...)
	}
	if len(fields)%2 != 0 {
		return "", false
	}
	for _, f := range fields {
		if n, err := strconv.ParseInt(f, 10, 64); err != nil || n < 0 {
			return "", false
		}
	}
	return strings.Join(fields, " "), true
}

// SaveRules returns the save rules as (seconds, changes) pairs.
func (c *Config) SaveRules() [][2]int64 {
	f := strings.Fields(c.Save)
	var out [][2]int64
	for i := 0; i+1 < len(f); i += 2 {
		s, _ := strconv.ParseInt(f[i], 10, 64)
		ch, _ := strconv.ParseInt(f[i+1], 10, 64)
		out = append(out, [2]int64{s, ch})
	}
	return out
}

// NormalizeNotify validates notify-keyspace-events classes and returns
// them in Redis's order: A (for g$lshzxetd) or those classes and n, then
// K, E and m; after A an enabled n is kept at the end, where CONFIG GET
// leaves it out (notifyText), as Redis prints it.
func NormalizeNotify(s string) (string, bool) {
	const classes = "g$lshzxetd"
	have := map[byte]bool{}
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case 'A':
			for j := 0; j < len(classes); j++ {
				have[classes[j]] = true
			}
		case 'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 'K', 'E', 't', 'm', 'd', 'n':
			have[ch] = true
		default:
			return "", false
		}
	}
	var b strings.Builder
	all := true
	for j := 0; j < len(classes); j++ {
		all = all && have[classes[j]]
	}
	if all {
		b.WriteByte('A')
	} else {
		for j := 0; j < len(classes); j++ {
			if have[classes[j]] {
				b.WriteByte(classes[j])
			}
		}
		if have['n'] {
			b.WriteByte('n')
		}
	}
	for _, x := range []byte("KEm") {
		if have[x] {
			b.WriteByte(x)
		}
	}
	if all && have['n'] {
		b.WriteByte('n')
	}
	return b.String(), true
}
