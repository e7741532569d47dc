package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/commands"
	"sundial/internal/testserver"
	"sundial/server"
)

// promSample is one parsed sample line.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

// promFamily is a metric family: its TYPE, HELP and samples.
type promFamily struct {
	typ, help string
	samples   []promSample
}

var (
	promMetricName = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	promLabelName  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// parseProm parses the Prometheus text exposition format (0.0.4) strictly:
// valid names, escapes and values; TYPE before samples and at most once;
// each family's lines contiguous; no duplicate series; histograms with
// increasing le, cumulative counts, a +Inf bucket equal to _count, and a
// _sum.
func parseProm(text string) (map[string]*promFamily, error) {
	fams := map[string]*promFamily{}
	var order []string
	closed := map[string]bool{}
	current := ""
	seen := map[string]bool{}
	enter := func(fam string) error {
		if fam == current {
			return nil
		}
		if closed[fam] {
			return fmt.Errorf("family %s is not contiguous", fam)
		}
		if current != "" {
			closed[current] = true
		}
		current = fam
		return nil
	}
	if !strings.HasSuffix(text, "\n") {
		return nil, fmt.Errorf("output does not end with a newline")
	}
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		ln := n + 1
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE "):
			kind := line[2:6]
			rest := line[7:]
			name, arg, ok := strings.Cut(rest, " ")
			if !ok || !promMetricName.MatchString(name) {
				return nil, fmt.Errorf("line %d: bad %s line %q", ln, kind, line)
			}
			if err := enter(name); err != nil {
				return nil, fmt.Errorf("line %d: %v", ln, err)
			}
			f := fams[name]
			if f == nil {
				f = &promFamily{}
				fams[name] = f
				order = append(order, name)
			}
			if kind == "HELP" {
				if f.help != "" {
					return nil, fmt.Errorf("line %d: second HELP for %s", ln, name)
				}
				f.help = arg
				continue
			}
			if f.typ != "" || len(f.samples) > 0 {
				return nil, fmt.Errorf("line %d: TYPE for %s after its samples or twice", ln, name)
			}
			switch arg {
			case "counter", "gauge", "histogram", "summary", "untyped":
				f.typ = arg
			default:
				return nil, fmt.Errorf("line %d: unknown type %q", ln, arg)
			}
		case strings.HasPrefix(line, "#"):
			continue
		default:
			s, err := parsePromSample(line)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", ln, err)
			}
			fam := s.name
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				base := strings.TrimSuffix(s.name, suf)
				if base != s.name && fams[base] != nil && fams[base].typ == "histogram" {
					fam = base
				}
			}
			if err := enter(fam); err != nil {
				return nil, fmt.Errorf("line %d: %v", ln, err)
			}
			f := fams[fam]
			if f == nil || f.typ == "" {
				return nil, fmt.Errorf("line %d: sample of %s without a TYPE", ln, fam)
			}
			key := s.name + seriesKey(s.labels)
			if seen[key] {
				return nil, fmt.Errorf("line %d: duplicate series %s", ln, key)
			}
			seen[key] = true
			if f.typ == "counter" && (s.value < 0 || math.IsNaN(s.value)) {
				return nil, fmt.Errorf("line %d: counter %s = %v", ln, s.name, s.value)
			}
			f.samples = append(f.samples, s)
		}
	}
	for _, name := range order {
		if f := fams[name]; f.typ == "histogram" {
			if err := checkHistogram(name, f); err != nil {
				return nil, err
			}
		}
	}
	return fams, nil
}

func seriesKey(labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "{%s=%q}", k, labels[k])
	}
	return b.String()
}

func parsePromSample(line string) (promSample, error) {
	s := promSample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, fmt.Errorf("no value in %q", line)
	}
	s.name = line[:i]
	if !promMetricName.MatchString(s.name) {
		return s, fmt.Errorf("bad metric name %q", s.name)
	}
	rest := line[i:]
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.IndexByte(rest, '=')
			if eq < 0 {
				return s, fmt.Errorf("bad labels in %q", line)
			}
			lname := rest[:eq]
			if !promLabelName.MatchString(lname) {
				return s, fmt.Errorf("bad label name %q", lname)
			}
			if _, dup := s.labels[lname]; dup {
				return s, fmt.Errorf("label %s twice", lname)
			}
			rest = rest[eq+1:]
			if !strings.HasPrefix(rest, `"`) {
				return s, fmt.Errorf("unquoted label value in %q", line)
			}
			rest = rest[1:]
			var val strings.Builder
			for {
				if rest == "" {
					return s, fmt.Errorf("unterminated label value in %q", line)
				}
				c := rest[0]
				rest = rest[1:]
				if c == '"' {
					break
				}
				if c == '\\' {
					if rest == "" {
						return s, fmt.Errorf("bad escape in %q", line)
					}
					switch rest[0] {
					case '\\':
						val.WriteByte('\\')
					case '"':
						val.WriteByte('"')
					case 'n':
						val.WriteByte('\n')
					default:
						return s, fmt.Errorf("bad escape \\%c in %q", rest[0], line)
					}
					rest = rest[1:]
					continue
				}
				val.WriteByte(c)
			}
			s.labels[lname] = val.String()
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return s, fmt.Errorf("no space before the value in %q", line)
	}
	fields := strings.Split(rest[1:], " ")
	if len(fields) < 1 || len(fields) > 2 {
		return s, fmt.Errorf("bad value part in %q", line)
	}
	v, err := parsePromFloat(fields[0])
	if err != nil {
		return s, fmt.Errorf("bad value in %q", line)
	}
	s.value = v
	if len(fields) == 2 {
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			return s, fmt.Errorf("bad timestamp in %q", line)
		}
	}
	return s, nil
}

func parsePromFloat(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

func checkHistogram(name string, f *promFamily) error {
	type series struct {
		les     []float64
		counts  []float64
		sum     *float64
		count   *float64
		infSeen bool
	}
	all := map[string]*series{}
	get := func(labels map[string]string) *series {
		cp := map[string]string{}
		for k, v := range labels {
			if k != "le" {
				cp[k] = v
			}
		}
		k := seriesKey(cp)
		if all[k] == nil {
			all[k] = &series{}
		}
		return all[k]
	}
	for _, s := range f.samples {
		sr := get(s.labels)
		v := s.value
		switch s.name {
		case name + "_bucket":
			le, ok := s.labels["le"]
			if !ok {
				return fmt.Errorf("%s bucket without le", name)
			}
			x, err := parsePromFloat(le)
			if err != nil {
				return fmt.Errorf("%s: bad le %q", name, le)
			}
			if n := len(sr.les); n > 0 && (x <= sr.les[n-1] || v < sr.counts[n-1]) {
				return fmt.Errorf("%s: buckets not increasing at le=%s", name, le)
			}
			sr.les, sr.counts = append(sr.les, x), append(sr.counts, v)
			sr.infSeen = sr.infSeen || math.IsInf(x, 1)
		case name + "_sum":
			sr.sum = &v
		case name + "_count":
			sr.count = &v
		default:
			return fmt.Errorf("%s: stray sample %s", name, s.name)
		}
	}
	for k, sr := range all {
		if !sr.infSeen || sr.sum == nil || sr.count == nil || sr.counts[len(sr.counts)-1] != *sr.count {
			return fmt.Errorf("%s%s: incomplete histogram (+Inf %v, sum %v, count %v)", name, k, sr.infSeen, sr.sum != nil, sr.count != nil)
		}
	}
	return nil
}

// value finds the sample of a family with the given labels.
func (f *promFamily) value(t *testing.T, labels ...string) float64 {
	t.Helper()
	for _, s := range f.samples {
		match := true
		for i := 0; i+1 < len(labels); i += 2 {
			if s.labels[labels[i]] != labels[i+1] {
				match = false
			}
		}
		if match {
			return s.value
		}
	}
	t.Fatalf("no sample with labels %v", labels)
	return 0
}

func metricsServer(t *testing.T, directives ...string) (*testserver.Sundial, string) {
	t.Helper()
	port, err := testserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s := startOpsServer(t, append([]string{"metrics-bind", addr}, directives...)...)
	return s, "http://" + addr
}

func httpGet(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	var resp *http.Response
	var err error
	for i := 0; i < 50; i++ {
		if resp, err = http.Get(url); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func scrape(t *testing.T, base string) map[string]*promFamily {
	t.Helper()
	code, body, hdr := httpGet(t, base+"/metrics")
	if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %q", code, hdr.Get("Content-Type"))
	}
	fams, err := parseProm(body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

func family(t *testing.T, fams map[string]*promFamily, name, typ string) *promFamily {
	t.Helper()
	f := fams[name]
	if f == nil {
		t.Fatalf("no metric family %s", name)
	}
	if f.typ != typ || f.help == "" {
		t.Fatalf("%s: type %q help %q", name, f.typ, f.help)
	}
	return f
}

// /metrics parses strictly and agrees with INFO.
func TestMetricsEndpoint(t *testing.T) {
	s, base := metricsServer(t, "maxmemory-policy", "allkeys-random")
	es := &evictServer{t: t, s: s}
	c, err := testserver.Dial(s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	es.c = c
	es.do("CONFIG", "RESETSTAT")
	es.fill("k", 300, func(i int) int { return 1000 + i })
	es.do("GET", "k:1")
	es.do("INCR", "k:1") // an error: not an integer
	es.do("GET", "k:2")
	limit := es.limitToNow()
	es.writeOverLimit("new", 30, limit, 0)
	es.do("CONFIG", "SET", "maxmemory", "0")
	es.do("SELECT", "reports")
	es.do("SET", "named", "1")
	es.do("SELECT", "0")

	fams := scrape(t, base)
	if v := family(t, fams, "sundial_commands_total", "counter").value(t, "command", "set"); v < 330 {
		t.Errorf("set calls %v", v)
	}
	if v := family(t, fams, "sundial_commands_total", "counter").value(t, "command", "config|set"); v < 1 {
		t.Errorf("config|set calls %v", v)
	}
	if v := family(t, fams, "sundial_commands_failed_total", "counter").value(t, "command", "incr"); v != 1 {
		t.Errorf("failed incr %v", v)
	}
	lat := family(t, fams, "sundial_command_latency_seconds", "histogram")
	if v := lat.value(t, "command", "get", "le", "+Inf"); v != 2 {
		t.Errorf("get latency +Inf bucket %v", v)
	}
	if v := family(t, fams, "sundial_errors_total", "counter").value(t, "error", "ERR"); v < 1 {
		t.Errorf("ERR errors %v", v)
	}
	if v := family(t, fams, "sundial_connected_clients", "gauge").value(t); v < 1 {
		t.Errorf("connected clients %v", v)
	}
	family(t, fams, "sundial_blocked_clients", "gauge")
	keys := family(t, fams, "sundial_keys", "gauge")
	raw := es.do("DBSIZE")
	if v := keys.value(t, "keyspace", "0"); strconv.FormatFloat(v, 'f', -1, 64) != strings.TrimSpace(raw[1:]) {
		t.Errorf("sundial_keys{keyspace=0} %v, DBSIZE %q", v, raw)
	}
	if v := keys.value(t, "keyspace", "reports"); v != 1 {
		t.Errorf("named keyspace keys %v", v)
	}
	if v := family(t, fams, "sundial_expiring_keys", "gauge").value(t, "keyspace", "0"); v < 1 {
		t.Errorf("expiring keys %v", v)
	}
	if v, want := family(t, fams, "sundial_evicted_keys_total", "counter").value(t), es.info("evicted_keys"); v != float64(want) || v == 0 {
		t.Errorf("evicted %v, INFO says %d", v, want)
	}
	family(t, fams, "sundial_expired_keys_total", "counter")
	if v := family(t, fams, "sundial_memory_used_bytes", "gauge").value(t); v < float64(es.info("used_memory_startup")) {
		t.Errorf("used memory %v", v)
	}
	family(t, fams, "sundial_memory_rss_bytes", "gauge")
	family(t, fams, "sundial_memory_max_policy", "gauge").value(t, "policy", "allkeys-random")
	if fams["sundial_persistence_aof_enabled"] != nil {
		t.Error("persistence metrics without a persistence backend")
	}
}

// With the file backend, persistence status and sizes are exported.
func TestMetricsPersistence(t *testing.T) {
	_, base := metricsServer(t, "backend", "file", "dir", t.TempDir(), "appendonly", "yes")
	fams := scrape(t, base)
	if v := family(t, fams, "sundial_persistence_aof_enabled", "gauge").value(t); v != 1 {
		t.Errorf("aof_enabled %v", v)
	}
	family(t, fams, "sundial_persistence_aof_current_size", "gauge")
	if v := family(t, fams, "sundial_persistence_aof_last_write_status_ok", "gauge").value(t); v != 1 {
		t.Errorf("aof_last_write_status ok = %v", v)
	}
	family(t, fams, "sundial_persistence_rdb_last_save_time", "gauge")
}

// /health is 503 while loading and 200 once loaded, with a JSON body.
func TestHealthFollowsLoading(t *testing.T) {
	s, base := metricsServer(t)
	check := func(wantCode int, wantStatus string, wantLoading bool) {
		t.Helper()
		code, body, hdr := httpGet(t, base+"/health")
		var h struct {
			Status  string `json:"status"`
			Loading bool   `json:"loading"`
		}
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("/health body %q: %v", body, err)
		}
		if code != wantCode || h.Status != wantStatus || h.Loading != wantLoading || hdr.Get("Content-Type") != "application/json" {
			t.Fatalf("/health: %d %q, want %d %s", code, body, wantCode, wantStatus)
		}
	}
	check(200, "ok", false)
	s.Engine.Loading.Store(true)
	check(503, "loading", true)
	fams := scrape(t, base)
	if v := family(t, fams, "sundial_loading", "gauge").value(t); v != 1 {
		t.Errorf("sundial_loading %v while loading", v)
	}
	s.Engine.Loading.Store(false)
	check(200, "ok", false)
}

// Without metrics-bind nothing listens.
func TestMetricsOffByDefault(t *testing.T) {
	if sundial.Cfg.MetricsBind != "" {
		t.Fatalf("metrics-bind defaults to %q", sundial.Cfg.MetricsBind)
	}
	addr, err := server.StartMetrics(sundial.Server)
	if addr != nil || err != nil {
		t.Fatalf("StartMetrics with metrics-bind unset: %v %v", addr, err)
	}
}

// Label values are escaped as the format requires.
func TestMetricsEscaping(t *testing.T) {
	out := string(server.RenderMetrics(&commandsMetricsWithOddNames))
	fams, err := parseProm(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v := fams["sundial_keys"].value(t, "keyspace", "a\"b\\c\nd"); v != 3 {
		t.Fatalf("escaped label value round trip: %v", v)
	}
}

var commandsMetricsWithOddNames = commands.Metrics{
	Keyspaces: []commands.KeyspaceMetrics{{Name: "a\"b\\c\nd", Keys: 3}},
	Errors:    []commands.ErrorCount{{Code: `ODD"\`, Count: 1}},
}

// The parser used above refuses what Prometheus would refuse.
func TestPromParserRejects(t *testing.T) {
	good := "# HELP a x\n# TYPE a counter\na 1\n"
	if _, err := parseProm(good); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	for name, bad := range map[string]string{
		"no TYPE":          "a 1\n",
		"bad name":         "# TYPE 1a gauge\n1a 1\n",
		"bad value":        "# TYPE a gauge\na one\n",
		"bad escape":       "# TYPE a gauge\na{l=\"\\t\"} 1\n",
		"unquoted label":   "# TYPE a gauge\na{l=x} 1\n",
		"duplicate series": "# TYPE a gauge\na{l=\"x\"} 1\na{l=\"x\"} 2\n",
		"split family":     "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"y\"} 2\n",
		"TYPE after":       "# TYPE a gauge\na 1\n# TYPE a gauge\n",
		"negative counter": "# TYPE a counter\na -1\n",
		"no +Inf":          "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
		"count mismatch":   "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
		"decreasing":       "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"no newline":       "# TYPE a gauge\na 1",
	} {
		if _, err := parseProm(bad); err == nil {
			t.Errorf("%s: accepted %q", name, bad)
		}
	}
}
