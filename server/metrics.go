package server

// The metrics endpoint (metrics-bind host:port): GET /metrics in the
// Prometheus text exposition format (version 0.0.4) and GET /health, 200
// once the data is loaded and 503 while loading, with a JSON body.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sundial/commands"
)

// StartMetrics serves /metrics and /health on metrics-bind until the
// server shuts down. It returns the listening address, or nil when
// metrics-bind is empty. It uses its own mux: nothing else registered on
// http.DefaultServeMux (profiling) is exposed.
func StartMetrics(s *Server) (net.Addr, error) {
	addr := s.Cfg.MetricsBind
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics-bind %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write(RenderMetrics(s.Engine.Metrics()))
	})
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		writeHealth(w, s.Engine)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-s.Done()
		srv.Close()
	}()
	s.Log.Info("metrics endpoint listening", "addr", ln.Addr().String())
	return ln.Addr(), nil
}

type health struct {
	Status        string `json:"status"`
	Loading       bool   `json:"loading"`
	UptimeSeconds int64  `json:"uptime_seconds"`
	Version       string `json:"version"`
	RedisVersion  string `json:"redis_version"`
}

// writeHealth answers /health without taking the engine lock, so it
// answers even while a long command runs.
func writeHealth(w http.ResponseWriter, e *commands.Engine) {
	h := health{Status: "ok", Loading: e.Loading.Load(), UptimeSeconds: int64(e.Uptime().Seconds()),
		Version: commands.Version, RedisVersion: commands.RedisVersion}
	code := http.StatusOK
	if h.Loading {
		h.Status, code = "loading", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(h)
}

// metricWriter writes metric families, each with its HELP and TYPE.
type metricWriter struct{ b bytes.Buffer }

func (w *metricWriter) family(name, typ, help string) {
	fmt.Fprintf(&w.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one sample; labels alternate name and value.
func (w *metricWriter) sample(name string, v float64, labels ...string) {
	w.b.WriteString(name)
	if len(labels) > 0 {
		w.b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.b.WriteString(labels[i])
			w.b.WriteString(`="`)
			w.b.WriteString(escapeLabel(labels[i+1]))
			w.b.WriteByte('"')
		}
		w.b.WriteByte('}')
	}
	w.b.WriteByte(' ')
	w.b.WriteString(formatValue(v))
	w.b.WriteByte('\n')
}

// one writes a family with a single unlabelled sample.
func (w *metricWriter) one(name, typ, help string, v float64) {
	w.family(name, typ, help)
	w.sample(name, v)
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }

func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// metricName turns an INFO field into a metric name component.
func metricName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// RenderMetrics formats a snapshot in the Prometheus text format.
func RenderMetrics(m *commands.Metrics) []byte {
	w := &metricWriter{}
	bit := func(b bool) float64 {
		if b {
			return 1
		}
		return 0
	}
	w.one("sundial_up", "gauge", "1 when the server answers.", 1)
	w.one("sundial_loading", "gauge", "1 while the dataset is being loaded.", bit(m.Loading))
	w.one("sundial_uptime_seconds", "gauge", "Seconds since the server started.", float64(m.UptimeSeconds))

	// Commands.
	w.family("sundial_commands_total", "counter", "Calls of each command.")
	for _, c := range m.Commands {
		w.sample("sundial_commands_total", float64(c.Calls), "command", c.Name)
	}
	w.family("sundial_commands_duration_seconds_total", "counter", "Time spent executing each command.")
	for _, c := range m.Commands {
		w.sample("sundial_commands_duration_seconds_total", float64(c.Usec)/1e6, "command", c.Name)
	}
	w.family("sundial_commands_rejected_total", "counter", "Calls refused before running (arity, OOM, auth …).")
	for _, c := range m.Commands {
		w.sample("sundial_commands_rejected_total", float64(c.Rejected), "command", c.Name)
	}
	w.family("sundial_commands_failed_total", "counter", "Calls that replied with an error.")
	for _, c := range m.Commands {
		w.sample("sundial_commands_failed_total", float64(c.Failed), "command", c.Name)
	}
	w.family("sundial_command_latency_seconds", "histogram", "Command execution time.")
	for _, c := range m.Commands {
		if c.Count == 0 {
			continue
		}
		for _, b := range c.Buckets {
			w.sample("sundial_command_latency_seconds_bucket", float64(b.Count), "command", c.Name, "le", formatValue(b.LeSeconds))
		}
		w.sample("sundial_command_latency_seconds_bucket", float64(c.Count), "command", c.Name, "le", "+Inf")
		w.sample("sundial_command_latency_seconds_sum", float64(c.Usec)/1e6, "command", c.Name)
		w.sample("sundial_command_latency_seconds_count", float64(c.Count), "command", c.Name)
	}
	w.family("sundial_errors_total", "counter", "Error replies by error code (the first word).")
	for _, e := range m.Errors {
		w.sample("sundial_errors_total", float64(e.Count), "error", e.Code)
	}

	// Clients.
	w.one("sundial_connected_clients", "gauge", "Client connections.", float64(m.Clients.Connected))
	w.one("sundial_blocked_clients", "gauge", "Clients waiting in a blocking command.", float64(m.Clients.Blocked))
	w.one("sundial_pubsub_clients", "gauge", "Clients in pub/sub mode.", float64(m.Clients.PubSub))
	w.one("sundial_tracking_clients", "gauge", "Clients with client-side caching on.", float64(m.Clients.Tracking))

	// Memory.
	mem := &m.Memory
	w.one("sundial_memory_used_bytes", "gauge", "used_memory: sundial's account of what it stores.", float64(mem.Used))
	w.one("sundial_memory_peak_bytes", "gauge", "Highest used_memory seen.", float64(mem.Peak))
	w.one("sundial_memory_startup_bytes", "gauge", "Memory in use before any data.", float64(mem.Startup))
	w.one("sundial_memory_dataset_bytes", "gauge", "used_memory minus overhead.", float64(mem.Dataset))
	w.one("sundial_memory_overhead_bytes", "gauge", "Startup memory plus per-key overhead.", float64(mem.Overhead))
	w.one("sundial_memory_rss_bytes", "gauge", "Resident set size of the process.", float64(mem.RSS))
	w.one("sundial_memory_max_bytes", "gauge", "maxmemory (0 = no limit).", float64(mem.MaxMemory))
	w.family("sundial_memory_max_policy", "gauge", "The maxmemory-policy in force (1 for the current policy).")
	w.sample("sundial_memory_max_policy", 1, "policy", mem.Policy)
	w.one("sundial_go_heap_alloc_bytes", "gauge", "Go heap bytes allocated and not yet freed.", float64(mem.HeapAlloc))
	w.one("sundial_go_heap_inuse_bytes", "gauge", "Go heap bytes in spans in use.", float64(mem.HeapInuse))
	w.one("sundial_go_sys_bytes", "gauge", "Memory the Go runtime obtained from the OS.", float64(mem.GoSys))
	w.one("sundial_go_memory_limit_bytes", "gauge", "The Go runtime's soft memory limit.", float64(mem.GoMemoryLimit))
	w.one("sundial_go_gc_cycles_total", "counter", "Completed GC cycles.", float64(mem.GCCycles))
	w.one("sundial_eviction_exceeded_seconds_total", "counter", "Time spent with used memory over maxmemory.", mem.EvictionExceededSeconds)

	// Keyspace activity.
	st := &m.Stats
	w.one("sundial_connections_received_total", "counter", "Connections accepted.", float64(st.Connections))
	w.one("sundial_connections_rejected_total", "counter", "Connections refused (maxclients, protected mode).", float64(st.Rejected))
	w.one("sundial_commands_processed_total", "counter", "Commands processed.", float64(st.Commands))
	w.one("sundial_error_replies_total", "counter", "Error replies sent.", float64(st.ErrorReplies))
	w.one("sundial_expired_keys_total", "counter", "Keys removed because their TTL passed.", float64(st.Expired))
	w.one("sundial_evicted_keys_total", "counter", "Keys evicted by the maxmemory policy.", float64(st.Evicted))
	w.one("sundial_keyspace_hits_total", "counter", "Key lookups that found the key.", float64(st.Hits))
	w.one("sundial_keyspace_misses_total", "counter", "Key lookups that did not.", float64(st.Misses))
	w.one("sundial_net_input_bytes_total", "counter", "Bytes read from clients.", float64(st.NetIn))
	w.one("sundial_net_output_bytes_total", "counter", "Bytes written to clients.", float64(st.NetOut))
	w.one("sundial_changes_since_last_save", "gauge", "Writes since the last snapshot.", float64(st.Dirty))
	w.family("sundial_keys", "gauge", "Keys in each keyspace.")
	for _, k := range m.Keyspaces {
		w.sample("sundial_keys", float64(k.Keys), "keyspace", k.Name)
	}
	w.family("sundial_expiring_keys", "gauge", "Keys with a TTL in each keyspace.")
	for _, k := range m.Keyspaces {
		w.sample("sundial_expiring_keys", float64(k.Expires), "keyspace", k.Name)
	}

	// Latency monitor.
	w.family("sundial_latency_event_latest_seconds", "gauge", "Latest latency-monitor sample of each event.")
	for _, ev := range m.Latency {
		w.sample("sundial_latency_event_latest_seconds", float64(ev.LatestMs)/1000, "event", ev.Name)
	}
	w.family("sundial_latency_event_max_seconds", "gauge", "Worst latency-monitor sample of each event.")
	for _, ev := range m.Latency {
		w.sample("sundial_latency_event_max_seconds", float64(ev.MaxMs)/1000, "event", ev.Name)
	}

	// Persistence: the numeric INFO persistence fields as gauges, and the
	// ok/err statuses as 1/0.
	if m.Persistence != nil {
		seen := map[string]bool{}
		for _, kv := range m.Persistence {
			name := "sundial_persistence_" + metricName(kv[0])
			switch {
			case kv[1] == "ok" || kv[1] == "err":
				name += "_ok"
				if !seen[name] {
					w.one(name, "gauge", "INFO persistence "+kv[0]+" (1 = ok).", bit(kv[1] == "ok"))
				}
			default:
				v, err := strconv.ParseFloat(kv[1], 64)
				if err != nil || seen[name] {
					continue
				}
				w.one(name, "gauge", "INFO persistence "+kv[0]+".", v)
			}
			seen[name] = true
		}
	}
	return w.b.Bytes()
}
