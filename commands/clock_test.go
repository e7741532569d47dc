package commands

import (
	"testing"
	"time"

	"sundial/config"
)

// A command run with ExecNext starts when the one before it ended, and
// reads the clock itself when there is no such command.
func TestExecNextClock(t *testing.T) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	c.Authed = true
	argv := func(args ...string) [][]byte {
		out := make([][]byte, len(args))
		for i, a := range args {
			out[i] = []byte(a)
		}
		return out
	}
	e.Mu.Lock()
	defer e.Mu.Unlock()

	before := time.Now()
	e.Exec(c, argv("DEBUG", "SLEEP", "0.05"))
	e.ExecNext(c, argv("PING"))
	if got := c.lastInteraction.Sub(before); got < 50*time.Millisecond || c.lastInteraction.After(time.Now()) {
		t.Fatalf("PING after a 50 ms DEBUG SLEEP started %v after it, want at least 50ms and not in the future", got)
	}
	if string(c.B) != "+OK\r\n+PONG\r\n" {
		t.Fatalf("replies %q", c.B)
	}

	// A rejected command runs no call: the next one reads the clock.
	e.ExecNext(c, argv("NOSUCHCOMMAND"))
	time.Sleep(20 * time.Millisecond)
	mark := time.Now()
	e.ExecNext(c, argv("PING"))
	if c.lastInteraction.Before(mark) {
		t.Fatalf("PING after a rejected command dated %v before the clock read preceding it", mark.Sub(c.lastInteraction))
	}

	// Keys expire by the chained time too.
	c.B = c.B[:0]
	e.Exec(c, argv("SET", "k", "v", "PX", "20"))
	e.ExecNext(c, argv("DEBUG", "SLEEP", "0.04"))
	e.ExecNext(c, argv("EXISTS", "k"))
	if string(c.B) != "+OK\r\n+OK\r\n:0\r\n" {
		t.Fatalf("SET PX 20, a 40 ms sleep, EXISTS: replies %q", c.B)
	}
}
