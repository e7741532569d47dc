package testserver

import (
	"bufio"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/config"
)

// Case is a differential script: its commands run in order, on a flushed
// server, against sundial and redis-server, and every raw reply must be
// identical. Commands use redis-cli syntax (quotes, \xHH escapes). A
// command may start with a modifier:
//
//	!CMD   compare only the reply's RESP type (time-dependent values)
//	~CMD   compare an aggregate reply ignoring element order
//	@sleep N   pause N milliseconds (not sent)
type Case struct {
	Name string
	Cmds []string
}

// C builds a case.
func C(name string, cmds ...string) Case { return Case{Name: name, Cmds: cmds} }

// Diff runs every case in RESP2 and RESP3 and reports mismatches.
func Diff(t *testing.T, s *Sundial, r *Redis, cases []Case) {
	t.Helper()
	SkipOrFail(t, r)
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.Name] {
			t.Errorf("duplicate case name %q", tc.Name)
		}
		seen[tc.Name] = true
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/resp%d", tc.Name, proto), func(t *testing.T) {
				runCase(t, s, r, tc, proto)
			})
		}
	}
}

func runCase(t *testing.T, s *Sundial, r *Redis, tc Case, proto int) {
	panicsBefore := s.Panics()
	sc, err := Dial(s.Addr, proto)
	if err != nil {
		t.Fatalf("dial sundial: %v", err)
	}
	defer sc.Close()
	rc, err := Dial(r.Addr, proto)
	if err != nil {
		t.Fatalf("dial redis: %v", err)
	}
	defer rc.Close()
	for _, c := range []*Conn{sc, rc} {
		if _, err := c.Do("FLUSHALL"); err != nil {
			t.Fatalf("flushall: %v", err)
		}
	}
	for i, line := range tc.Cmds {
		mode := byte(0)
		if len(line) > 0 && (line[0] == '!' || line[0] == '~') {
			mode, line = line[0], line[1:]
		}
		args, ok := config.SplitArgs(line)
		if !ok || len(args) == 0 {
			t.Fatalf("bad command line %q", line)
		}
		if args[0] == "@sleep" {
			ms, _ := strconv.Atoi(args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			continue
		}
		got, err := sc.Do(args...)
		if err != nil {
			t.Fatalf("command %d %q: sundial: %v", i+1, line, err)
		}
		want, err := rc.Do(args...)
		if err != nil {
			t.Fatalf("command %d %q: redis: %v", i+1, line, err)
		}
		switch mode {
		case '!':
			if got[:1] != want[:1] {
				t.Errorf("command %d %q: reply type differs\nsundial: %s\nredis:   %s", i+1, line, Show(got), Show(want))
			}
			continue
		case '~':
			got, want = Unordered(got), Unordered(want)
		}
		if got != want {
			t.Errorf("command %d %q:\nsundial: %s\nredis:   %s", i+1, line, Show(got), Show(want))
		}
	}
	if n := s.Panics() - panicsBefore; n > 0 {
		t.Errorf("sundial recovered %d panic(s) running this case", n)
	}
}

// Show quotes a raw reply so CR/LF and binary bytes are visible.
func Show(raw string) string {
	return strconv.Quote(raw)
}

// Unordered sorts the elements of a top-level aggregate reply (map pairs
// stay together), for replies whose order Redis does not define.
func Unordered(raw string) string {
	if raw == "" {
		return raw
	}
	switch raw[0] {
	case '*', '~', '%':
	default:
		return raw
	}
	rd := bufio.NewReader(strings.NewReader(raw))
	header, _ := rd.ReadString('\n')
	n, err := strconv.Atoi(header[1 : len(header)-2])
	if err != nil || n < 0 {
		return raw
	}
	per := 1
	if raw[0] == '%' {
		per = 2
	}
	var elems []string
	for i := 0; i < n; i++ {
		var e string
		for j := 0; j < per; j++ {
			x, err := ReadRaw(rd)
			if err != nil {
				return raw
			}
			e += x
		}
		elems = append(elems, e)
	}
	sort.Strings(elems)
	return header + strings.Join(elems, "")
}
