package zset

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
)

func members(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Member
	}
	return out
}

func TestOrderTiesByMemberBytes(t *testing.T) {
	z := New()
	// Equal scores sort by memcmp: shorter prefix first, bytes unsigned.
	for _, m := range []string{"b", "a\x00", "\xff", "a", "", "B", "ab"} {
		z.Add(m, 1)
	}
	z.Add("low", -1)
	z.Add("high", math.Inf(1))
	z.Add("lowest", math.Inf(-1))
	got := members(collect(z.Range))
	want := []string{"lowest", "low", "", "B", "a", "a\x00", "ab", "b", "\xff", "high"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %q, want %q", got, want)
	}
	checkInvariants(t, z)
}

func TestAddResults(t *testing.T) {
	z := New()
	if a, u := z.Add("x", 1); !a || u {
		t.Fatalf("new member: added %v updated %v", a, u)
	}
	if a, u := z.Add("x", 1); a || u {
		t.Fatalf("same score: added %v updated %v", a, u)
	}
	if a, u := z.Add("x", 2); a || !u {
		t.Fatalf("new score: added %v updated %v", a, u)
	}
	if a, u := z.Add("x", math.NaN()); a || u {
		t.Fatalf("NaN: added %v updated %v", a, u)
	}
	if a, _ := z.Add("y", math.NaN()); a || z.Len() != 1 {
		t.Fatalf("NaN member stored")
	}
	if s, _ := z.Score("x"); s != 2 {
		t.Fatalf("score %v after NaN update, want 2", s)
	}
	// -0 equals 0, so it is not an update and the stored sign stays.
	z.Add("zero", math.Copysign(0, -1))
	if _, u := z.Add("zero", 0); u {
		t.Fatalf("0 after -0 counted as an update")
	}
	if s, _ := z.Score("zero"); !math.Signbit(s) {
		t.Fatalf("-0 became %v", s)
	}
}

func TestUpdateMovesNode(t *testing.T) {
	z := New()
	for i := 0; i < 100; i++ {
		z.Add(fmt.Sprintf("m%02d", i), float64(i))
	}
	z.Add("m00", 1000)
	z.Add("m99", -1)
	z.Add("m50", 50.5) // stays in place
	if r, _ := z.Rank("m00", false); r != 99 {
		t.Fatalf("m00 rank %d, want 99", r)
	}
	if r, _ := z.Rank("m99", false); r != 0 {
		t.Fatalf("m99 rank %d, want 0", r)
	}
	if r, _ := z.Rank("m50", true); r != 49 {
		t.Fatalf("m50 reverse rank %d, want 49", r)
	}
	checkInvariants(t, z)
}

func TestTallLevels(t *testing.T) {
	z := New()
	const n = 30000
	for i := 0; i < n; i++ {
		z.Add(fmt.Sprint(i), float64(i%1000))
	}
	checkInvariants(t, z)
	if z.level < 5 {
		t.Fatalf("only %d levels for %d members", z.level, n)
	}
	for i := 0; i < n; i += 2 {
		z.Remove(fmt.Sprint(i))
	}
	checkInvariants(t, z)
	z.RemoveRangeByRank(0, -1+z.Len(), nil)
	if z.Len() != 0 || z.level != 1 || len(z.dict) != 0 {
		t.Fatalf("after removing all: len %d level %d map %d", z.Len(), z.level, len(z.dict))
	}
	checkInvariants(t, z)
	z.Add("again", 1)
	checkInvariants(t, z)
}

func TestEarlyStop(t *testing.T) {
	z := New()
	for i := 0; i < 10; i++ {
		z.Add(fmt.Sprint(i), float64(i))
	}
	calls := 0
	stopAfter2 := func(string, float64) bool { calls++; return calls < 2 }
	for name, f := range map[string]func(){
		"Range":   func() { z.Range(stopAfter2) },
		"ByRank":  func() { z.ByRank(0, 9, true, stopAfter2) },
		"ByScore": func() { z.ByScore(ScoreRange{Min: 0, Max: 9}, false, 0, -1, stopAfter2) },
		"ByLex":   func() { z.ByLex(LexRange{Min: LexBound{Inf: -1}, Max: LexBound{Inf: 1}}, true, 0, -1, stopAfter2) },
		"Sample":  func() { z.Sample(5, stopAfter2) },
	} {
		calls = 0
		f()
		if calls != 2 {
			t.Errorf("%s: %d calls after returning false, want 2", name, calls)
		}
	}
}

func TestScoreRangeLimit(t *testing.T) {
	z := New()
	for i := 0; i < 1000; i++ {
		z.Add(fmt.Sprintf("m%04d", i), float64(i/10)) // ten members per score
	}
	r := ScoreRange{Min: 10, Max: 20, MaxEx: true} // ranks 100..199
	if got := z.CountScore(r); got != 100 {
		t.Fatalf("CountScore = %d, want 100", got)
	}
	got := members(collect(func(fn func(string, float64) bool) { z.ByScore(r, false, 95, 10, fn) }))
	if want := []string{"m0195", "m0196", "m0197", "m0198", "m0199"}; !slices.Equal(got, want) {
		t.Fatalf("forward LIMIT 95 10 = %v, want %v", got, want)
	}
	got = members(collect(func(fn func(string, float64) bool) { z.ByScore(r, true, 98, -1, fn) }))
	if want := []string{"m0101", "m0100"}; !slices.Equal(got, want) {
		t.Fatalf("reverse LIMIT 98 -1 = %v, want %v", got, want)
	}
	got = members(collect(func(fn func(string, float64) bool) { z.ByScore(r, false, -1, 10, fn) }))
	if len(got) != 0 {
		t.Fatalf("negative offset returned %v", got)
	}
}

func TestLexRangeEnds(t *testing.T) {
	z := New()
	for _, m := range []string{"a", "b", "c", "d"} {
		z.Add(m, 0)
	}
	cases := []struct {
		min, max string
		want     []string
	}{
		{"-", "+", []string{"a", "b", "c", "d"}},
		{"[b", "(d", []string{"b", "c"}},
		{"(b", "[d", []string{"c", "d"}},
		{"[", "+", []string{"a", "b", "c", "d"}}, // "[" is the empty string, below "a"
		{"+", "+", nil},
		{"-", "-", nil},
		{"+", "-", nil},
		{"[b", "-", nil},
		{"[c", "[b", nil},
		{"(b", "(b", nil},
		{"[b", "[b", []string{"b"}},
	}
	for _, c := range cases {
		r, ok := ParseLexRange([]byte(c.min), []byte(c.max))
		if !ok {
			t.Fatalf("ParseLexRange(%q, %q) refused", c.min, c.max)
		}
		got := members(collect(func(fn func(string, float64) bool) { z.ByLex(r, false, 0, -1, fn) }))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s = %v, want %v", c.min, c.max, got, c.want)
		}
		if n := z.CountLex(r); n != len(c.want) {
			t.Errorf("CountLex %s %s = %d, want %d", c.min, c.max, n, len(c.want))
		}
	}
}

func TestParseLexRangeRefuses(t *testing.T) {
	for _, s := range []string{"", "a", "++", "-a", "+a", "x[", "1"} {
		if _, ok := ParseLexRange([]byte(s), []byte("+")); ok {
			t.Errorf("min %q accepted", s)
		}
		if _, ok := ParseLexRange([]byte("-"), []byte(s)); ok {
			t.Errorf("max %q accepted", s)
		}
	}
	r, ok := ParseLexRange([]byte("(a\x00b"), []byte("[zz"))
	if !ok || r.Min != (LexBound{Value: "a\x00b", Ex: true}) || r.Max != (LexBound{Value: "zz"}) {
		t.Fatalf("parsed %+v %v", r, ok)
	}
}

// The expectations below were observed on redis-server 7.0.15 with
// ZCOUNT key <min> +inf: "err" means "ERR min or max is not a float".
func TestParseScoreBoundLikeRedis(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		in   string
		want float64
		ex   bool
		ok   bool
	}{
		{"", 0, false, true},
		{"(", 0, true, true},
		{" 1", 1, false, true},
		{"\t\n\v\f\r1", 1, false, true},
		{"  -1", -1, false, true},
		{"0x10", 16, false, true},
		{"0X10", 16, false, true},
		{"0x1p4", 16, false, true},
		{"0x1P-1", 0.5, false, true},
		{"0x.8", 0.5, false, true},
		{"0x1.8p1", 3, false, true},
		{"1e2", 100, false, true},
		{"1E1", 10, false, true},
		{"1e0001", 10, false, true},
		{"00012", 12, false, true},
		{"1.", 1, false, true},
		{".5", 0.5, false, true},
		{"+.5", 0.5, false, true},
		{"inf", inf, false, true},
		{"+inf", inf, false, true},
		{"-inf", -inf, false, true},
		{"INF", inf, false, true},
		{"infinity", inf, false, true},
		{"(-Infinity", -inf, true, true},
		{"1e999", inf, false, true},
		{"1e-400", 0, false, true},
		{"(1e-400", 0, true, true},
		{"4.9e-324", 5e-324, false, true},
		{"-0", 0, false, true},
		{"(1.5", 1.5, true, true},
		{"nan", 0, false, false},
		{"(nan", 0, false, false},
		{"-nan", 0, false, false},
		{"nan(123)", 0, false, false},
		{"1 ", 0, false, false},
		{"1e", 0, false, false},
		{"1e+", 0, false, false},
		{"0x1p", 0, false, false},
		{"1_0", 0, false, false},
		{"0x", 0, false, false},
		{"0x1g", 0, false, false},
		{"+-1", 0, false, false},
		{"inf5", 0, false, false},
		{"infin", 0, false, false},
		{"+", 0, false, false},
		{"-", 0, false, false},
		{".", 0, false, false},
		{"e1", 0, false, false},
		{" ", 0, false, false},
		{"((1", 0, false, false},
	}
	for _, c := range cases {
		v, ex, ok := ParseScoreBound([]byte(c.in))
		if ok != c.ok || (ok && (v != c.want || ex != c.ex)) {
			t.Errorf("ParseScoreBound(%q) = %v,%v,%v; want %v,%v,%v", c.in, v, ex, ok, c.want, c.ex, c.ok)
		}
	}
	if _, ok := ParseScoreRange([]byte("1"), []byte("x")); ok {
		t.Errorf("bad max accepted")
	}
	r, ok := ParseScoreRange([]byte("(1"), []byte("+inf"))
	if !ok || r != (ScoreRange{Min: 1, Max: inf, MinEx: true}) {
		t.Errorf("ParseScoreRange = %+v, %v", r, ok)
	}
}

func TestSample(t *testing.T) {
	z := New()
	for i := 0; i < 50; i++ {
		z.Add(fmt.Sprint(i), float64(i))
	}
	seen := map[string]int{}
	for round := 0; round < 200; round++ {
		got := members(collect(func(fn func(string, float64) bool) { z.Sample(10, fn) }))
		if len(got) != 10 {
			t.Fatalf("Sample(10) gave %d", len(got))
		}
		distinct := map[string]bool{}
		for _, m := range got {
			if distinct[m] {
				t.Fatalf("Sample repeated %q", m)
			}
			distinct[m] = true
			seen[m]++
		}
	}
	// 2000 draws over 50 members: each is expected 40 times.
	for i := 0; i < 50; i++ {
		if n := seen[fmt.Sprint(i)]; n < 10 || n > 90 {
			t.Errorf("member %d drawn %d times of 2000", i, n)
		}
	}
	all := members(collect(func(fn func(string, float64) bool) { z.Sample(100, fn) }))
	slices.Sort(all)
	want := members(collect(z.Range))
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Fatalf("Sample beyond size is not the whole set")
	}
	if got := collect(func(fn func(string, float64) bool) { New().Sample(3, fn) }); len(got) != 0 {
		t.Fatalf("Sample of empty set gave %v", got)
	}
	hits := map[string]bool{}
	for i := 0; i < 2000; i++ {
		m, s, ok := z.RandomMember()
		if want, _ := z.Score(m); !ok || want != s {
			t.Fatalf("RandomMember = %q %v %v", m, s, ok)
		}
		hits[m] = true
	}
	if len(hits) != 50 {
		t.Fatalf("RandomMember reached %d of 50 members", len(hits))
	}
	if _, _, ok := New().RandomMember(); ok {
		t.Fatalf("RandomMember of empty set")
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestMemoryUsageTracksHeap(t *testing.T) {
	const n = 100000
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("member:%08d", i) // 15 bytes
	}
	before := heapInUse()
	z := New()
	for i, m := range names {
		z.Add(m, float64(i))
	}
	used := heapInUse() - before
	est := z.MemoryUsage()
	// The names were allocated before the measurement, so add them to
	// what the heap shows.
	real := int(used) + n*allocSize(15)
	if est < real*6/10 || est > real*15/10 {
		t.Fatalf("MemoryUsage %d, heap grew by %d (+ names)", est, real)
	}
	runtime.KeepAlive(z)
	empty := New().MemoryUsage()
	z.RemoveRangeByRank(0, n, nil)
	if got := z.MemoryUsage(); got > empty+1024 {
		t.Fatalf("MemoryUsage %d after removing all, empty set %d", got, empty)
	}
	if per := est / n; per > 200 {
		t.Fatalf("%d bytes per 15-byte member", per)
	}
}
