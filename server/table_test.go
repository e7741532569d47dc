package server_test

import (
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// Every command of sundial's table that Redis also has must declare the
// same arity, flags and key positions as Redis's COMMAND INFO.
func TestTableMatchesRedisCommandInfo(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	sc, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	rc, err := testserver.Dial(redis.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	raw, err := sc.Do("COMMAND", "LIST")
	if err != nil {
		t.Fatal(err)
	}
	names := bulkStrings(raw)
	if len(names) < 30 {
		t.Fatalf("COMMAND LIST returned only %d names", len(names))
	}
	compared := 0
	for _, name := range names {
		want, err := rc.Do("COMMAND", "INFO", name)
		if err != nil {
			t.Fatal(err)
		}
		if want == "*1\r\n$-1\r\n" {
			continue // a sundial extension (TAU.*, KEYSPACES …)
		}
		got, err := sc.Do("COMMAND", "INFO", name)
		if err != nil {
			t.Fatal(err)
		}
		// Compare name, arity, flags, first, last, step: the first six
		// elements of the entry (subcommand order is Redis's hash order).
		if g, w := infoHead(got), infoHead(want); g != w {
			t.Errorf("COMMAND INFO %s:\nsundial: %q\nredis:   %q", name, g, w)
		}
		compared++
	}
	t.Logf("compared %d commands with redis-server", compared)
}

// bulkStrings extracts the bulk strings of a flat RESP2 array.
func bulkStrings(raw string) []string {
	var out []string
	lines := strings.Split(raw, "\r\n")
	for i := 1; i+1 < len(lines); i += 2 {
		out = append(out, lines[i+1])
	}
	return out
}

// infoHead cuts a COMMAND INFO reply after its sixth element (step).
func infoHead(raw string) string {
	lines := strings.Split(raw, "\r\n")
	// *1, *10, $n, name, :arity, *nflags, flags..., :first, :last, :step
	if len(lines) < 6 {
		return raw
	}
	nflags := 0
	if strings.HasPrefix(lines[5], "*") {
		for _, c := range lines[5][1:] {
			nflags = nflags*10 + int(c-'0')
		}
	}
	end := 6 + nflags + 3
	if end > len(lines) {
		end = len(lines)
	}
	return strings.Join(lines[:end], "\r\n")
}
