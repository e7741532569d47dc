package commands

// SLOWLOG GET | LEN | RESET | HELP: the last slowlog-max-len commands that
// ran for at least slowlog-log-slower-than microseconds, newest first.

import (
	"strconv"
	"strings"
	"time"

	"sundial/keyspace"
)

const (
	// slowlogMaxArgc and slowlogMaxString bound what an entry keeps of a
	// command (Redis's SLOWLOG_ENTRY_MAX_ARGC / _MAX_STRING).
	slowlogMaxArgc   = 32
	slowlogMaxString = 128
)

type slowlogEntry struct {
	id, time, duration int64
	argv               []string
	peer, name         string
}

// slowlog holds entries oldest first.
type slowlog struct {
	entries []slowlogEntry
	nextID  int64
}

// slowlogRecord runs after every command (Engine.call) with its duration:
// the latency histogram of INFO latencystats, the memory peak, the slow
// log and the latency monitor. Only a histogram bucket and two
// comparisons are paid by a command that is not slow.
func (e *Engine) slowlogRecord(c *Client, spec *Spec, args [][]byte, d time.Duration) {
	spec.stats.observe(d)
	if u := e.UsedMemory(); u > e.evict.peak {
		e.evict.peak = u
	}
	if c.replay {
		return
	}
	if th := e.Cfg.LatencyMonitorThreshold; th > 0 && d.Milliseconds() >= th {
		event := "command"
		if spec.Flags&FlagFast != 0 {
			event = "fast-command"
		}
		e.LatencySample(event, d)
	}
	th := e.Cfg.SlowlogLogSlowerThan
	if th < 0 {
		return
	}
	sl := &e.evict.slowlog
	if d.Microseconds() >= th && spec.Flags&FlagSkipSlowlog == 0 {
		sl.push(slowlogEntry{
			id:       sl.nextID,
			time:     time.Now().Unix(),
			duration: d.Microseconds(),
			argv:     slowlogArgv(spec, args),
			peer:     c.Addr,
			name:     c.Name,
		})
		sl.nextID++
	}
	if max := e.Cfg.SlowlogMaxLen; len(sl.entries) > max {
		sl.trim(max)
	}
}

func (sl *slowlog) push(en slowlogEntry) { sl.entries = append(sl.entries, en) }

// trim keeps the newest max entries.
func (sl *slowlog) trim(max int) {
	if max < 0 {
		max = 0
	}
	drop := len(sl.entries) - max
	if drop <= 0 {
		return
	}
	clear(sl.entries[:drop])
	sl.entries = append(sl.entries[:0], sl.entries[drop:]...)
}

// slowlogArgv copies what the slow log keeps of a command: at most 32
// arguments (the last saying how many more there were), each cut at 128
// bytes, and secrets (passwords) redacted as Redis does.
func slowlogArgv(spec *Spec, args [][]byte) []string {
	n := len(args)
	if n > slowlogMaxArgc {
		n = slowlogMaxArgc
	}
	out := make([]string, n)
	for j := 0; j < n; j++ {
		if n != len(args) && j == n-1 {
			out[j] = "... (" + strconv.Itoa(len(args)-n+1) + " more arguments)"
			break
		}
		a := args[j]
		if len(a) > slowlogMaxString {
			out[j] = string(a[:slowlogMaxString]) + "... (" + strconv.Itoa(len(a)-slowlogMaxString) + " more bytes)"
		} else {
			out[j] = string(a)
		}
	}
	redactSecrets(spec, args, out)
	return out
}

const redacted = "(redacted)"

// redactSecrets replaces passwords in a logged command (Redis's
// redactClientCommandArgument).
func redactSecrets(spec *Spec, args [][]byte, out []string) {
	set := func(i int) {
		if i < len(out) {
			out[i] = redacted
		}
	}
	name := spec.FullName
	switch {
	case name == "auth":
		for i := 1; i < len(args); i++ {
			set(i)
		}
	case name == "hello":
		for i := 2; i < len(args); i++ {
			if strings.EqualFold(string(args[i]), "auth") && i+2 < len(args) {
				set(i + 1)
				set(i + 2)
				i += 2
			} else if strings.EqualFold(string(args[i]), "setname") {
				i++
			}
		}
	case name == "acl|setuser":
		// The user name and every rule, whether or not they were valid.
		for i := 2; i < len(args); i++ {
			set(i)
		}
	case name == "config|set":
		for i := 2; i+1 < len(args); i += 2 {
			switch strings.ToLower(string(args[i])) {
			case "requirepass", "masterauth", "masteruser", "tls-key-file-pass", "tls-client-key-file-pass":
				set(i + 1)
			}
		}
	case name == "migrate":
		for i := 6; i < len(args); i++ {
			switch {
			case strings.EqualFold(string(args[i]), "auth") && i+1 < len(args):
				set(i + 1)
				i++
			case strings.EqualFold(string(args[i]), "auth2") && i+2 < len(args):
				set(i + 1)
				set(i + 2)
				i += 2
			case strings.EqualFold(string(args[i]), "keys"):
				i = len(args)
			}
		}
	}
}

// SLOWLOG GET [count]: count -1 means every entry; the default is 10.
func cmdSlowlogGet(c *Client, args [][]byte) {
	sl := &c.e.evict.slowlog
	count := int64(10)
	switch len(args) {
	case 2:
	case 3:
		n, ok := keyspace.ParseInt(args[2])
		if !ok || n < -1 {
			c.Error("ERR count should be greater than or equal to -1")
			return
		}
		count = n
		if n == -1 {
			count = int64(len(sl.entries))
		}
	default:
		c.Error("ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try SLOWLOG HELP.")
		return
	}
	if count > int64(len(sl.entries)) {
		count = int64(len(sl.entries))
	}
	c.Array(int(count))
	for i := 0; i < int(count); i++ {
		en := &sl.entries[len(sl.entries)-1-i]
		c.Array(6)
		c.Int(en.id)
		c.Int(en.time)
		c.Int(en.duration)
		c.Array(len(en.argv))
		for _, a := range en.argv {
			c.BulkString(a)
		}
		c.BulkString(en.peer)
		c.BulkString(en.name)
	}
}

func cmdSlowlogLen(c *Client, args [][]byte) { c.Int(int64(len(c.e.evict.slowlog.entries))) }

func cmdSlowlogReset(c *Client, args [][]byte) {
	c.e.evict.slowlog.trim(0)
	c.OK()
}

func cmdSlowlogHelp(c *Client, args [][]byte) {
	c.helpReply("SLOWLOG", []string{
		"GET [<count>]",
		"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
		"    Entries are made of:",
		"    id, timestamp, time in microseconds, arguments array, client IP and port,",
		"    client name",
		"LEN",
		"    Return the length of the slowlog.",
		"RESET",
		"    Reset the slowlog.",
	})
}
