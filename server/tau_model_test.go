package server_test

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// A reference model of SPEC §6, written for clarity rather than speed:
// every query scans all Taus. The randomized test below checks the server
// against it, reply for reply, byte for byte.

// mTau is one Tau of the model.
type mTau struct {
	tx, valid, expiry uint64
	data              string
}

// tauModel is a schedule: its Taus in append order.
type tauModel []mTau

// visible reports whether Tau i is in effect at t as of asof.
func (m tauModel) visible(i int, t, asof uint64) bool {
	x := m[i]
	return x.tx <= asof && x.valid <= t && t < x.expiry
}

// winner is the index of the Tau in effect at t as of asof: the one
// appended last among the visible ones, or -1.
func (m tauModel) winner(t, asof uint64) int {
	for i := len(m) - 1; i >= 0; i-- {
		if m.visible(i, t, asof) {
			return i
		}
	}
	return -1
}

func (m tauModel) atAll(t, asof uint64) []string {
	var out []string
	for i := range m {
		if m.visible(i, t, asof) {
			out = append(out, m[i].data)
		}
	}
	return out
}

// mPiece is one entry of a resolved timeline.
type mPiece struct {
	from, to uint64
	tau      int
}

// timeline resolves [start, end) as of asof: cut valid time at every
// boundary of a Tau, find the winner of each cut, join neighbouring cuts
// won by the same Tau, drop gaps, and keep at most limit (<0: all).
func (m tauModel) timeline(start, end, asof uint64, limit int) []mPiece {
	if start >= end || limit == 0 {
		return nil
	}
	cuts := []uint64{start}
	for _, x := range m {
		for _, b := range []uint64{x.valid, x.expiry} {
			if x.tx <= asof && start < b && b < end {
				cuts = append(cuts, b)
			}
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []mPiece
	for i, from := range cuts {
		to := end
		if i+1 < len(cuts) {
			to = cuts[i+1]
		}
		w := m.winner(from, asof)
		switch {
		case w < 0:
		case len(out) > 0 && out[len(out)-1].tau == w && out[len(out)-1].to == from:
			out[len(out)-1].to = to
		default:
			out = append(out, mPiece{from, to, w})
		}
	}
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// history lists the Taus whose validity overlaps [start, end) when
// hasRange; an empty range overlaps nothing.
func (m tauModel) history(start, end uint64, hasRange bool, limit int) []mTau {
	var out []mTau
	if hasRange && start >= end {
		return nil
	}
	for _, x := range m {
		if hasRange && (x.valid >= end || x.expiry <= start) {
			continue
		}
		if limit >= 0 && len(out) == limit {
			break
		}
		out = append(out, x)
	}
	return out
}

// ---- the replies SPEC §6 (and tau.go's documented choices) call for ----

func respInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func respBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func respArr(items ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(items)) + "\r\n")
	for _, it := range items {
		b.WriteString(it)
	}
	return b.String()
}

func respNull(proto int) string {
	if proto == 3 {
		return "_\r\n"
	}
	return "$-1\r\n"
}

// respMap is a map in RESP3 and a flat array in RESP2.
func respMap(proto int, kv ...string) string {
	if proto == 3 {
		out := "%" + strconv.Itoa(len(kv)/2) + "\r\n"
		for _, it := range kv {
			out += it
		}
		return out
	}
	return respArr(kv...)
}

// respTime is a time as the server replies it: an integer when it fits
// in RESP's signed 64 bits, else a bulk string ("+inf" for 2^64-1).
func respTime(v uint64) string {
	switch {
	case v <= math.MaxInt64:
		return respInt(int64(v))
	case v == math.MaxUint64:
		return respBulk("+inf")
	}
	return respBulk(strconv.FormatUint(v, 10))
}

func (m tauModel) replyAt(proto int, t, asof uint64) string {
	if w := m.winner(t, asof); w >= 0 {
		return respBulk(m[w].data)
	}
	return respNull(proto)
}

func (m tauModel) replyAtAll(t, asof uint64) string {
	var items []string
	for _, d := range m.atAll(t, asof) {
		items = append(items, respBulk(d))
	}
	return respArr(items...)
}

func (m tauModel) replyRange(start, end, asof uint64, limit int) string {
	var items []string
	for _, p := range m.timeline(start, end, asof, limit) {
		items = append(items, respArr(respTime(p.from), respTime(p.to), respBulk(m[p.tau].data)))
	}
	return respArr(items...)
}

func replyHistory(taus []mTau) string {
	var items []string
	for _, x := range taus {
		items = append(items, respArr(respTime(x.tx), respTime(x.valid), respTime(x.expiry), respBulk(x.data)))
	}
	return respArr(items...)
}

// replyInfo is TAU.INFO's reply but for memory_bytes, which the caller
// splices in.
func (m tauModel) replyInfo(proto int, mem string) string {
	first, last := m[0].valid, m[0].expiry
	for _, x := range m {
		first, last = min(first, x.valid), max(last, x.expiry)
	}
	return respMap(proto,
		respBulk("taus"), respInt(int64(len(m))),
		respBulk("first_valid_ns"), respTime(first),
		respBulk("last_expiry_ns"), respTime(last),
		respBulk("first_tx_ns"), respTime(m[0].tx),
		respBulk("last_tx_ns"), respTime(m[len(m)-1].tx),
		respBulk("memory_bytes"), mem)
}

// ---- the randomized comparison ----

// tauGen draws the times of one schedule from a small universe around a
// base, so that Taus overlap a lot and queries hit their edges.
type tauGen struct {
	r    *rand.Rand
	base uint64
	span uint64
	// width, when set, bounds the length of query ranges, which keeps the
	// model's timelines of big schedules cheap.
	width uint64
}

func (g tauGen) point() uint64 { return g.base + g.r.Uint64N(g.span) }

// interval returns [valid, expiry): sometimes open-ended, sometimes a
// single nanosecond, usually a few units long.
func (g tauGen) interval() (uint64, uint64) {
	v := g.point()
	switch n := g.r.IntN(10); {
	case n == 0 || v == math.MaxUint64-1:
		return v, math.MaxUint64
	case n == 1:
		return v, v + 1
	}
	if d := 1 + g.r.Uint64N(g.span/2); v <= math.MaxUint64-d {
		return v, v + d
	}
	return v, math.MaxUint64
}

// arg spells a time as a client may: +inf for 2^64-1 now and then.
func (g tauGen) arg(v uint64, inf bool) string {
	if inf && v == math.MaxUint64 && g.r.IntN(2) == 0 {
		return []string{"+inf", "+INF", "+Inf"}[g.r.IntN(3)]
	}
	return strconv.FormatUint(v, 10)
}

func (g tauGen) data() string {
	switch g.r.IntN(8) {
	case 0:
		return ""
	case 1:
		return "bin\x00\xff\r\n" + strconv.Itoa(g.r.IntN(100))
	}
	return "v" + strconv.Itoa(g.r.IntN(1000))
}

// tauSeed returns the seed for randomized tests: TAU_SEED if set, else
// the clock. Failures print it so a run can be repeated.
func tauSeed(t *testing.T) uint64 {
	if s := os.Getenv("TAU_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("TAU_SEED: %v", err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// pipeline sends cmds on c and returns the replies.
func pipeline(t *testing.T, c *testserver.Conn, cmds [][]string) []string {
	t.Helper()
	out := make([]string, 0, len(cmds))
	const batch = 256
	for i := 0; i < len(cmds); i += batch {
		chunk := cmds[i:min(i+batch, len(cmds))]
		for _, cmd := range chunk {
			if err := c.Send(cmd...); err != nil {
				t.Fatal(err)
			}
		}
		for range chunk {
			r, err := c.ReadRaw()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	return out
}

// tauCheck is one query with the reply the model expects, per protocol.
type tauCheck struct {
	cmd []string
	// want returns the expected reply; got is passed for TAU.INFO, whose
	// memory_bytes the model cannot know.
	want func(proto int, got string) string
}

// Many small schedules: times near 0, around 2^63 (where replies switch
// from integers to strings) and next to 2^64-1.
func TestTauModel(t *testing.T) {
	runTauModel(t, 24, 3, 300, func(r *rand.Rand, i int) tauGen {
		switch i % 3 {
		case 0:
			return tauGen{r: r, base: 0, span: 64}
		case 1:
			return tauGen{r: r, base: math.MaxInt64 - 32, span: 64}
		}
		return tauGen{r: r, base: math.MaxUint64 - 64, span: 64}
	})
}

// A few schedules of thousands of heavily overlapping Taus: ASOF then
// reaches past the window of recent Taus a schedule scans directly (128)
// into its version tree, and Taus span several storage chunks (512).
func TestTauModelLarge(t *testing.T) {
	runTauModel(t, 3, 3, 1200, func(r *rand.Rand, i int) tauGen {
		return tauGen{r: r, base: uint64(i) << 40, span: 3000, width: 200}
	})
}

// runTauModel appends in rounds to nkeys schedules, in a random order
// across keys, then after each round checks random queries in RESP2 and
// RESP3 against the model.
func runTauModel(t *testing.T, nkeys, rounds, appends int, gen func(r *rand.Rand, i int) tauGen) {
	seed := tauSeed(t)
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	t.Logf("seed %d (set TAU_SEED to repeat)", seed)

	conns := map[int]*testserver.Conn{}
	for _, proto := range []int{2, 3} {
		c, err := testserver.Dial(sundial.Addr, proto)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		pipeline(t, c, [][]string{{"SELECT", "tau_model"}})
		conns[proto] = c
	}
	pipeline(t, conns[2], [][]string{{"FLUSHDB"}})

	gens := make([]tauGen, nkeys)
	models := make([]tauModel, nkeys)
	keys := make([]string, nkeys)
	for i := range gens {
		keys[i] = "sched:" + strconv.Itoa(i)
		gens[i] = gen(r, i)
	}

	var order []int // the key of every append, in the order sent
	for round := 0; round < rounds; round++ {
		var cmds [][]string
		for n := 0; n < appends; n++ {
			k := r.IntN(nkeys)
			g := gens[k]
			v, e := g.interval()
			d := g.data()
			cmds = append(cmds, []string{"TAU.APPEND", keys[k], d, g.arg(v, false), g.arg(e, true)})
			models[k] = append(models[k], mTau{valid: v, expiry: e, data: d})
			order = append(order, k)
		}
		for i, rep := range pipeline(t, conns[2], cmds) {
			if rep != "+OK\r\n" {
				t.Fatalf("%q: %q", cmds[i], rep)
			}
		}
		learnTx(t, conns[2], keys, models, order)
		checks := tauQueries(r, keys, gens, models)
		for _, proto := range []int{2, 3} {
			compareChecks(t, conns[proto], proto, checks)
		}
		if t.Failed() {
			t.Fatalf("round %d: replies differ from the model (seed %d)", round, seed)
		}
	}
}

// learnTx reads every schedule's history, checks it holds the appended
// Taus in order, and copies the server's tx_ns into the models. tx_ns
// must grow strictly in the order the appends were sent, across keys.
func learnTx(t *testing.T, c *testserver.Conn, keys []string, models []tauModel, order []int) {
	t.Helper()
	for k, key := range keys {
		// Parsed as it is read: whole histories are big replies.
		if err := c.Send("TAU.HISTORY", key); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		v, err := readResp(c.R)
		if err != nil {
			t.Fatal(err)
		}
		hist := historyOf(t, v)
		if len(hist) != len(models[k]) {
			t.Fatalf("%s: history has %d Taus, %d appended", keys[k], len(hist), len(models[k]))
		}
		for i, h := range hist {
			m := &models[k][i]
			if h.valid != m.valid || h.expiry != m.expiry || h.data != m.data {
				t.Fatalf("%s: Tau %d is %+v, appended %+v", keys[k], i, h, *m)
			}
			m.tx = h.tx
		}
	}
	next := make([]int, len(keys))
	var prev uint64
	for n, k := range order {
		tx := models[k][next[k]].tx
		next[k]++
		if n > 0 && tx <= prev {
			t.Fatalf("append %d (%s) got tx %d, not above the previous append's %d", n, keys[k], tx, prev)
		}
		prev = tx
	}
}

// tauQueries draws queries of every kind with their expected replies.
func tauQueries(r *rand.Rand, keys []string, gens []tauGen, models []tauModel) []tauCheck {
	var checks []tauCheck
	u := strconv.FormatUint
	for n := 0; n < 1500; n++ {
		k := r.IntN(len(keys))
		m, g, key := models[k], gens[k], keys[k]
		if r.IntN(20) == 0 {
			key, m = "missing:"+strconv.Itoa(k), nil
		}
		point := func() uint64 {
			switch {
			case len(m) > 0 && r.IntN(3) == 0:
				x := m[r.IntN(len(m))]
				return []uint64{x.valid, x.expiry, x.valid - 1, x.expiry - 1}[r.IntN(4)]
			case r.IntN(20) == 0:
				return []uint64{0, math.MaxUint64, math.MaxInt64, math.MaxInt64 + 1}[r.IntN(4)]
			}
			return g.point()
		}
		// asof is Latest (no ASOF) a third of the time, else near a tx.
		asof, asofArgs := uint64(math.MaxUint64), []string(nil)
		if len(m) > 0 && r.IntN(3) > 0 {
			tx := m[r.IntN(len(m))].tx
			asof = []uint64{tx, tx - 1, tx + 1, 0}[r.IntN(4)]
			asofArgs = []string{"ASOF", u(asof, 10)}
		}
		limit, limitArgs := -1, []string(nil)
		if r.IntN(3) == 0 {
			limit = r.IntN(4)
			limitArgs = []string{"LIMIT", strconv.Itoa(limit)}
		}
		switch r.IntN(4) {
		case 0:
			tp := point()
			cmd := append([]string{"TAU.AT", key, u(tp, 10)}, asofArgs...)
			checks = append(checks, tauCheck{cmd, func(p int, _ string) string { return m.replyAt(p, tp, asof) }})
		case 1:
			tp := point()
			cmd := append([]string{"TAU.AT", key, u(tp, 10)}, asofArgs...)
			cmd = append(cmd, "ALL")
			if r.IntN(2) == 0 { // options in either order
				cmd = append([]string{"TAU.AT", key, u(tp, 10), "all"}, asofArgs...)
			}
			checks = append(checks, tauCheck{cmd, func(int, string) string { return m.replyAtAll(tp, asof) }})
		case 2:
			s, e := point(), point()
			if r.IntN(4) > 0 && s > e {
				s, e = e, s
			}
			if g.width > 0 && s < e && e-s > g.width {
				e = s + r.Uint64N(g.width)
			}
			cmd := []string{"TAU.RANGE", key, u(s, 10), g.arg(e, true)}
			cmd = append(append(cmd, asofArgs...), limitArgs...)
			checks = append(checks, tauCheck{cmd, func(int, string) string { return m.replyRange(s, e, asof, limit) }})
		case 3:
			cmd := []string{"TAU.HISTORY", key}
			s, e, hasRange := uint64(0), uint64(0), r.IntN(2) == 0 || g.width > 0
			if hasRange {
				s, e = point(), point()
				if r.IntN(4) > 0 && s > e {
					s, e = e, s
				}
				if g.width > 0 && s < e && e-s > g.width {
					e = s + r.Uint64N(g.width)
				}
				cmd = append(cmd, u(s, 10), g.arg(e, true))
			}
			cmd = append(cmd, limitArgs...)
			checks = append(checks, tauCheck{cmd, func(int, string) string { return replyHistory(m.history(s, e, hasRange, limit)) }})
		}
	}
	for k, m := range models {
		if len(m) > 0 {
			checks = append(checks, tauCheck{[]string{"TAU.INFO", keys[k]}, m.infoWant})
		}
	}
	return checks
}

// compareChecks runs the checks on c and reports differences.
func compareChecks(t *testing.T, c *testserver.Conn, proto int, checks []tauCheck) {
	t.Helper()
	cmds := make([][]string, len(checks))
	for i, ch := range checks {
		cmds[i] = ch.cmd
	}
	bad := 0
	for i, got := range pipeline(t, c, cmds) {
		if want := checks[i].want(proto, got); got != want {
			if bad++; bad <= 10 {
				t.Errorf("resp%d %q:\n got  %q\n want %q", proto, checks[i].cmd, got, want)
			}
		}
	}
}

// infoWant is the expected TAU.INFO reply, memory_bytes taken from got
// once it is checked to be a positive integer.
func (m tauModel) infoWant(proto int, got string) string {
	v, err := parseResp(got)
	if err != nil || len(v.kids) != 12 || v.kids[11].kind != ':' || v.kids[11].n <= 0 {
		return "(a TAU.INFO reply with a positive memory_bytes)"
	}
	return m.replyInfo(proto, respInt(v.kids[11].n))
}
