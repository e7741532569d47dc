package commands

// Latency: per-command latency histograms (INFO latencystats, LATENCY
// HISTOGRAM, /metrics) and the latency monitor of Redis's latency.c —
// events slower than latency-monitor-threshold milliseconds kept as a
// time series per event (LATENCY LATEST | HISTORY | RESET | DOCTOR |
// GRAPH).

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Histogram layout: durations in nanoseconds, log-linear: 16 buckets per
// power of two (6% resolution), exact below 16 ns, up to 2^41 ns.
const (
	histSubBits = 4
	histSub     = 1 << histSubBits
	histMaxExp  = 40
	histBuckets = (histMaxExp - histSubBits + 2) * histSub
)

// latencyHist is one command's histogram; counters are atomic so the
// metrics endpoint can read them without the engine lock.
type latencyHist struct {
	counts [histBuckets]atomic.Int64
	total  atomic.Int64
}

func histIndex(ns int64) int {
	if ns < histSub {
		if ns < 0 {
			return 0
		}
		return int(ns)
	}
	exp := bits.Len64(uint64(ns)) - 1
	if exp > histMaxExp {
		return histBuckets - 1
	}
	mant := int(ns >> (exp - histSubBits))
	return (exp-histSubBits+1)*histSub + mant - histSub
}

// histUpper is the largest duration (ns) that falls in bucket i.
func histUpper(i int) int64 {
	if i < histSub {
		return int64(i)
	}
	exp := i/histSub + histSubBits - 1
	mant := int64(i%histSub + histSub)
	shift := exp - histSubBits
	return mant<<shift + 1<<shift - 1
}

// observe records one call's duration in the command's histogram.
func (s *cmdStats) observe(d time.Duration) {
	h := s.hist.Load()
	if h == nil {
		h = new(latencyHist)
		if !s.hist.CompareAndSwap(nil, h) {
			h = s.hist.Load()
		}
	}
	h.counts[histIndex(int64(d))].Add(1)
	h.total.Add(1)
}

// percentile is the duration (ns) under which p% of the calls fell.
func (h *latencyHist) percentile(p float64) int64 {
	total := h.total.Load()
	if total == 0 {
		return 0
	}
	target := int64(math.Ceil(p / 100 * float64(total)))
	if target < 1 {
		target = 1
	}
	var cum int64
	for i := range h.counts {
		cum += h.counts[i].Load()
		if cum >= target {
			return histUpper(i)
		}
	}
	return histUpper(histBuckets - 1)
}

// countUpTo is the number of calls that took at most ns, for a power of
// two ns (a bucket boundary, so the count is exact).
func (h *latencyHist) countUpTo(ns int64) int64 {
	end := histIndex(ns)
	var cum int64
	for i := 0; i < end; i++ {
		cum += h.counts[i].Load()
	}
	return cum
}

func (h *latencyHist) reset() {
	for i := range h.counts {
		h.counts[i].Store(0)
	}
	h.total.Store(0)
}

// eachStatSpec calls fn for every command and subcommand, in name order.
func eachStatSpec(fn func(s *Spec)) {
	for _, s := range sortedSpecs() {
		fn(s)
		for _, sub := range s.Subs {
			fn(sub)
		}
	}
}

// trackingPercentiles are latency-tracking-info-percentiles.
func (e *Engine) trackingPercentiles() []float64 {
	v, _ := e.Cfg.Get("latency-tracking-info-percentiles")
	var out []float64
	for _, f := range strings.Fields(v) {
		if p, err := strconv.ParseFloat(f, 64); err == nil && p >= 0 && p <= 100 {
			out = append(out, p)
		}
	}
	return out
}

func infoLatencyStats(e *Engine, b *strings.Builder) {
	if v, ok := e.Cfg.Get("latency-tracking"); ok && v == "no" {
		return
	}
	ps := e.trackingPercentiles()
	eachStatSpec(func(s *Spec) {
		h := s.stats.hist.Load()
		if h == nil || h.total.Load() == 0 {
			return
		}
		b.WriteString("latency_percentiles_usec_")
		b.WriteString(s.FullName)
		b.WriteByte(':')
		for i, p := range ps {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "p%s=%.3f", strconv.FormatFloat(p, 'f', -1, 64), float64(h.percentile(p))/1000)
		}
		b.WriteString("\r\n")
	})
}

// LATENCY HISTOGRAM [command ...]: for each command with calls, its call
// count and the cumulative distribution over power-of-two microsecond
// buckets.
func cmdLatencyHistogram(c *Client, args [][]byte) {
	var specs []*Spec
	add := func(s *Spec) {
		if h := s.stats.hist.Load(); h != nil && h.total.Load() > 0 {
			specs = append(specs, s)
		}
	}
	if len(args) == 2 {
		eachStatSpec(add)
	} else {
		for _, a := range args[2:] {
			s := lookupFullName(string(a))
			if s == nil {
				continue
			}
			add(s)
			for _, sub := range s.Subs {
				add(sub)
			}
		}
	}
	c.Map(len(specs))
	for _, s := range specs {
		h := s.stats.hist.Load()
		c.BulkString(s.FullName)
		c.Map(2)
		c.BulkString("calls")
		c.Int(h.total.Load())
		c.BulkString("histogram_usec")
		type point struct{ us, cum int64 }
		var pts []point
		prev := int64(0)
		for ns := int64(1024); ; ns *= 2 {
			cum := h.countUpTo(ns)
			if cum > prev {
				pts = append(pts, point{ns / 1000, cum})
				prev = cum
			}
			if cum == h.total.Load() || ns >= 1<<histMaxExp {
				break
			}
		}
		c.Map(len(pts))
		for _, p := range pts {
			c.Int(p.us)
			c.Int(p.cum)
		}
	}
}

// lookupFullName finds "get" or "config|get".
func lookupFullName(name string) *Spec {
	parent, sub, hasSub := strings.Cut(name, "|")
	s := Lookup([]byte(parent))
	if s == nil || !hasSub {
		return s
	}
	return s.lookupSub([]byte(sub))
}

// latencyTSLen is the number of samples kept per event (LATENCY_TS_LEN).
const latencyTSLen = 160

type latencySample struct{ time, ms int64 }

type latencySeries struct {
	samples [latencyTSLen]latencySample
	idx     int
	max     int64
}

// latencyMonitor holds the events. It has its own lock: persistence
// reports fsync latency from its own goroutines.
type latencyMonitor struct {
	mu        sync.Mutex
	events    map[string]*latencySeries
	order     []string
	threshold atomic.Int64 // ms, mirrored from the config for callers without Mu
}

// LatencySample records an event that took d if it is at least
// latency-monitor-threshold milliseconds (Redis's
// latencyAddSampleIfNeeded). Safe from any goroutine.
func (e *Engine) LatencySample(event string, d time.Duration) {
	m := &e.evict.latency
	th := m.threshold.Load()
	ms := d.Milliseconds()
	if th <= 0 || ms < th {
		return
	}
	m.add(event, ms, time.Now().Unix())
}

// latencySince records an event that started at start. Called with Mu.
func (e *Engine) latencySince(event string, start time.Time) {
	if th := e.Cfg.LatencyMonitorThreshold; th > 0 {
		if ms := time.Since(start).Milliseconds(); ms >= th {
			e.evict.latency.add(event, ms, time.Now().Unix())
		}
	}
}

func (m *latencyMonitor) add(event string, ms, now int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts := m.events[event]
	if ts == nil {
		if m.events == nil {
			m.events = make(map[string]*latencySeries)
		}
		ts = &latencySeries{}
		m.events[event] = ts
		m.order = append(m.order, event)
	}
	if ms > ts.max {
		ts.max = ms
	}
	prev := (ts.idx + latencyTSLen - 1) % latencyTSLen
	if ts.samples[prev].time == now {
		if ms > ts.samples[prev].ms {
			ts.samples[prev].ms = ms
		}
		return
	}
	ts.samples[ts.idx] = latencySample{now, ms}
	ts.idx = (ts.idx + 1) % latencyTSLen
}

// latencyEventSnapshot is one event's data, copied out of the monitor.
type latencyEventSnapshot struct {
	name    string
	samples []latencySample // oldest first
	max     int64
}

func (m *latencyMonitor) snapshot(name string) []latencyEventSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []latencyEventSnapshot
	for _, ev := range m.order {
		if name != "" && ev != name {
			continue
		}
		ts := m.events[ev]
		s := latencyEventSnapshot{name: ev, max: ts.max}
		for j := 0; j < latencyTSLen; j++ {
			if smp := ts.samples[(ts.idx+j)%latencyTSLen]; smp.time != 0 {
				s.samples = append(s.samples, smp)
			}
		}
		out = append(out, s)
	}
	return out
}

// reset drops one event (matched case-insensitively, as Redis) or all
// when name is empty; it returns how many were dropped.
func (m *latencyMonitor) reset(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	kept := m.order[:0]
	for _, ev := range m.order {
		if name == "" || strings.EqualFold(ev, name) {
			delete(m.events, ev)
			n++
			continue
		}
		kept = append(kept, ev)
	}
	m.order = kept
	return n
}

func cmdLatencyLatest(c *Client, args [][]byte) {
	evs := c.e.evict.latency.snapshot("")
	c.Array(len(evs))
	for _, ev := range evs {
		last := ev.samples[len(ev.samples)-1]
		c.Array(4)
		c.BulkString(ev.name)
		c.Int(last.time)
		c.Int(last.ms)
		c.Int(ev.max)
	}
}

func cmdLatencyHistory(c *Client, args [][]byte) {
	evs := c.e.evict.latency.snapshot(string(args[2]))
	if len(evs) == 0 {
		c.Array(0)
		return
	}
	c.Array(len(evs[0].samples))
	for _, s := range evs[0].samples {
		c.Array(2)
		c.Int(s.time)
		c.Int(s.ms)
	}
}

func cmdLatencyReset(c *Client, args [][]byte) {
	m := &c.e.evict.latency
	if len(args) == 2 {
		c.Int(int64(m.reset("")))
		return
	}
	n := 0
	for _, a := range args[2:] {
		n += m.reset(string(a))
	}
	c.Int(int64(n))
}

func cmdLatencyGraph(c *Client, args [][]byte) {
	evs := c.e.evict.latency.snapshot(string(args[2]))
	if len(evs) == 0 {
		c.Error("ERR No samples available for event '" + string(args[2]) + "'")
		return
	}
	c.Verbatim(latencyGraph(evs[0], time.Now().Unix()))
}

// latencyGraph draws Redis's ASCII sparkline of an event (80 columns, 4
// rows, filled), labelled with how long ago each sample was taken.
func latencyGraph(ev latencyEventSnapshot, now int64) string {
	var b strings.Builder
	var lo, hi int64
	labels := make([]string, len(ev.samples))
	for i, s := range ev.samples {
		if i == 0 || s.ms < lo {
			lo = s.ms
		}
		if i == 0 || s.ms > hi {
			hi = s.ms
		}
		el := now - s.time
		switch {
		case el < 60:
			labels[i] = fmt.Sprintf("%ds", el)
		case el < 3600:
			labels[i] = fmt.Sprintf("%dm", el/60)
		case el < 86400:
			labels[i] = fmt.Sprintf("%dh", el/3600)
		default:
			labels[i] = fmt.Sprintf("%dd", el/86400)
		}
	}
	fmt.Fprintf(&b, "%s - high %d ms, low %d ms (all time high %d ms)\n", ev.name, hi, lo, ev.max)
	b.WriteString(strings.Repeat("-", 80) + "\n")
	const cols, rows = 80, 4
	for j := 0; j < len(ev.samples); j += cols {
		if j != 0 {
			b.WriteByte('\n')
		}
		end := min(j+cols, len(ev.samples))
		sparkline(&b, ev.samples[j:end], labels[j:end], lo, hi, rows)
	}
	return b.String()
}

// sparkline renders one block of Redis's sparklineRenderRange with the
// fill option: rows of "_o#" and '|', a blank margin, then the labels
// written downwards.
func sparkline(b *strings.Builder, samples []latencySample, labels []string, lo, hi int64, rows int) {
	const charset = "_o#"
	steps := len(charset) * rows
	rel := float64(hi - lo)
	if rel == 0 {
		rel = 1
	}
	line := make([]byte, len(samples))
	for row := 0; ; row++ {
		more := false
		for i := range line {
			line[i] = ' '
		}
		for j, s := range samples {
			if row < rows {
				step := int(float64(int((float64(s.ms-lo))*float64(steps))) / rel)
				if step < 0 {
					step = 0
				}
				if step >= steps {
					step = steps - 1
				}
				idx := step - (rows-row-1)*len(charset)
				more = true
				if idx >= 0 && idx < len(charset) {
					line[j] = charset[idx]
				} else if idx >= len(charset) {
					line[j] = '|'
				}
				continue
			}
			if row-rows < 1 {
				more = true
				break
			}
			if k := row - rows - 1; k < len(labels[j]) {
				more = true
				line[j] = labels[j][k]
			}
		}
		if !more {
			return
		}
		b.Write(line)
		b.WriteByte('\n')
	}
}

// latencyDoctor is Redis's createLatencyReport over the events recorded.
func (e *Engine) latencyDoctor() string {
	evs := e.evict.latency.snapshot("")
	if len(evs) == 0 && e.Cfg.LatencyMonitorThreshold == 0 {
		return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. " +
			"You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. " +
			"If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
	}
	var b strings.Builder
	now := time.Now().Unix()
	advices := 0
	var slowlogEnabled, slowlogTuning, slowlogInspect, largeObjects, scheduler, hz, massEviction, relaxFsync bool
	for i, ev := range evs {
		if i == 0 {
			b.WriteString("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n")
		}
		var sum, mad int64
		oldest := int64(0)
		for _, s := range ev.samples {
			sum += s.ms
			if oldest == 0 || s.time < oldest {
				oldest = s.time
			}
		}
		n := int64(len(ev.samples))
		avg := sum / n
		for _, s := range ev.samples {
			d := avg - s.ms
			if d < 0 {
				d = -d
			}
			mad += d
		}
		mad /= n
		period := now - oldest
		if period == 0 {
			period = 1
		}
		fmt.Fprintf(&b, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
			i+1, ev.name, n, avg, mad, float64(period)/float64(n), ev.max)
		switch strings.ToLower(ev.name) {
		case "command":
			if e.Cfg.SlowlogLogSlowerThan < 0 {
				slowlogEnabled = true
				advices++
			} else if e.Cfg.SlowlogLogSlowerThan/1000 > e.Cfg.LatencyMonitorThreshold {
				slowlogTuning = true
				advices++
			}
			slowlogInspect, largeObjects = true, true
			advices += 2
		case "fast-command":
			scheduler = true
			advices++
		case "expire-cycle":
			hz, largeObjects = true, true
			advices += 2
		case "eviction-del":
			largeObjects = true
			advices++
		case "eviction-cycle":
			massEviction = true
			advices++
		case "aof-fsync-always":
			relaxFsync = true
			advices++
		}
		b.WriteByte('\n')
	}
	switch {
	case len(evs) == 0 && advices == 0:
		b.WriteString("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. " +
			"I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n")
	case advices == 0:
		b.WriteString("\nWhile there are latency events logged, I'm not able to suggest any easy fix. " +
			"Please use the Redis community to get some help, providing this report in your help request.\n")
	default:
		b.WriteString("\nI have a few advices for you:\n\n")
		th := e.Cfg.LatencyMonitorThreshold * 1000
		if slowlogEnabled {
			fmt.Fprintf(&b, "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than %d'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n", th)
		}
		if slowlogTuning {
			fmt.Fprintf(&b, "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than %d'.\n", th)
		}
		if slowlogInspect {
			b.WriteString("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n")
		}
		if scheduler {
			b.WriteString("- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n" +
				"  1) Lower the system load.\n" +
				"  2) Use a computer / VM just for Redis if you are running other software in the same system.\n" +
				"  3) Check if you have a \"noisy neighbour\" problem.\n" +
				"  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
				"  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n")
		}
		if relaxFsync && e.Cfg.AppendFsync == "always" {
			b.WriteString("- Your fsync policy is set to 'always'. It is very hard to get good performances with such a setup, if possible try to relax the fsync policy to 'onesec'.\n")
		}
		if hz && e.Cfg.Hz < 100 {
			b.WriteString("- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n")
		}
		if largeObjects {
			b.WriteString("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n")
		}
		if massEviction {
			b.WriteString("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n")
		}
	}
	return b.String()
}

func cmdLatencyDoctor(c *Client, args [][]byte) { c.Verbatim(c.e.latencyDoctor()) }

func cmdLatencyHelp(c *Client, args [][]byte) {
	c.helpReply("LATENCY", []string{
		"DOCTOR",
		"    Return a human readable latency analysis report.",
		"GRAPH <event>",
		"    Return an ASCII latency graph for the <event> class.",
		"HISTORY <event>",
		"    Return time-latency samples for the <event> class.",
		"LATEST",
		"    Return the latest latency samples for all events.",
		"RESET [<event> ...]",
		"    Reset latency data of one or more <event> classes.",
		"    (default: reset all data for all event classes)",
		"HISTOGRAM [COMMAND ...]",
		"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
		"    If no commands are specified then all histograms are replied.",
	})
}
