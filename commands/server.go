package commands

import (
	"errors"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sundial/keyspace"
)

// serverCommands is the server family of the command table.
var serverCommands = []*Spec{
	{Name: "info", Run: cmdInfo},
	{Name: "command", Run: cmdCommand, Subs: []*Spec{
		{Name: "count", Run: cmdCommandCount},
		{Name: "info", Run: cmdCommandInfo},
		{Name: "docs", Run: cmdCommandDocs},
		{Name: "list", Run: cmdCommandList},
		{Name: "getkeys", Run: cmdCommandGetkeys},
		{Name: "getkeysandflags", Run: cmdCommandGetkeysandflags},
		{Name: "help", Run: cmdCommandHelp},
	}},
	{Name: "config", Subs: []*Spec{
		{Name: "get", Run: cmdConfigGet},
		{Name: "set", Run: cmdConfigSet},
		{Name: "resetstat", Run: cmdConfigResetstat},
		{Name: "rewrite", Run: cmdConfigRewrite},
		{Name: "help", Run: cmdConfigHelp},
	}},
	{Name: "dbsize", Run: cmdDBSize},
	{Name: "flushdb", Run: cmdFlushDB},
	{Name: "flushall", Run: cmdFlushAll},
	{Name: "swapdb", Run: cmdSwapDB},
	{Name: "time", Run: cmdTime},
	{Name: "shutdown", Run: cmdShutdown},
	{Name: "wait", Run: cmdWait},
	{Name: "role", Run: cmdRole},
	{Name: "lastsave", Run: cmdLastSave},
	{Name: "save", Run: cmdSave},
	{Name: "bgsave", Run: cmdBGSave},
	{Name: "bgrewriteaof", Run: cmdBGRewriteAOF},
	{Name: "monitor", Run: cmdMonitor},
	{Name: "debug", Run: cmdDebug},
	{Name: "keyspaces", Run: cmdKeyspaces, Arity: 1, Flags: FlagReadonly | FlagLoading | FlagStale,
		Categories: []string{"@keyspace", "@read", "@slow"}, Summary: "List the keyspaces that hold keys, with their key counts", Group: "server", Since: "1.0.0"},
}

// resolveDB maps a SELECT/MOVE/COPY argument to a keyspace: a number
// selects a numbered keyspace, a name [A-Za-z0-9_-]{1,64} a named one.
func (e *Engine) resolveDB(arg []byte) (*keyspace.DB, string) {
	if numericRE.Match(arg) {
		// Numbers are read as Redis reads integers: no sign, leading zero
		// or -0 spellings.
		n, err := strconv.ParseInt(string(arg), 10, 64)
		if err != nil || !keyspace.IsCanonicalInt(arg) {
			return nil, errNotInt
		}
		if n < 0 || n >= int64(e.Store.NumNumbered()) {
			return nil, errDBOutOfRange
		}
		return e.Store.Numbered(int(n)), ""
	}
	if !validKeyspaceName(arg) {
		return nil, errInvalidDB
	}
	return e.Store.Named(string(arg), true), ""
}

var numericRE = regexp.MustCompile(`^[-+]?[0-9]+$`)

var keyspaceNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func validKeyspaceName(b []byte) bool { return keyspaceNameRE.Match(b) }

func cmdDBSize(c *Client, args [][]byte) { c.Int(int64(c.DB.Len())) }

// parseFlushMode accepts FLUSHDB/FLUSHALL's optional ASYNC|SYNC.
func parseFlushMode(c *Client, args [][]byte) bool {
	if len(args) > 2 {
		c.Error(errSyntax)
		return false
	}
	if len(args) == 2 {
		m := strings.ToLower(string(args[1]))
		if m != "async" && m != "sync" {
			c.Error(errSyntax)
			return false
		}
	}
	return true
}

func cmdFlushDB(c *Client, args [][]byte) {
	if !parseFlushMode(c, args) {
		return
	}
	// Watchers are marked while the keys are still there: only a watched
	// key that existed makes EXEC fail.
	c.e.watches.touchDB(c.DB)
	n := c.DB.Flush()
	c.e.trackingFlush(c)
	flushed(c, args, n)
	c.OK()
}

func cmdFlushAll(c *Client, args [][]byte) {
	if !parseFlushMode(c, args) {
		return
	}
	c.e.watches.touchDB(nil)
	n := 0
	for _, db := range c.e.Store.All() {
		n += db.Flush()
	}
	c.e.trackingFlush(c)
	flushed(c, args, n)
	c.OK()
}

// flushed counts the n keys a flush removed as changes, as Redis does (a
// flush of nothing changes nothing), and logs the flush even then, as
// Redis forces its propagation.
func flushed(c *Client, args [][]byte, n int) {
	c.Dirty(n)
	if n == 0 {
		c.Rewrite(args...)
	}
}

// SWAPDB a b: numbers as Redis reads them (both parsed, then both
// checked against the range); a keyspace name names a keyspace.
func cmdSwapDB(c *Client, args [][]byte) {
	a, ok1 := swapIndex(args[1])
	if !ok1 {
		c.Error("ERR invalid first DB index")
		return
	}
	b, ok2 := swapIndex(args[2])
	if !ok2 {
		c.Error("ERR invalid second DB index")
		return
	}
	n := int64(c.e.Store.NumNumbered())
	if a == -1 || b == -1 || a >= n || b >= n {
		c.Error(errDBOutOfRange)
		return
	}
	da, dbb := c.e.swapTarget(args[1], a), c.e.swapTarget(args[2], b)
	if da != dbb {
		c.e.watches.touchSwap(da, dbb)
		c.e.Store.Swap(da, dbb)
		c.e.blocking.signalDB(da)
		c.e.blocking.signalDB(dbb)
	}
	c.Dirty(1)
	c.OK()
}

// swapIndex reads a SWAPDB argument: its number, -2 for a keyspace name,
// -1 for a negative number (out of range); false if it is neither.
func swapIndex(arg []byte) (int64, bool) {
	if !numericRE.Match(arg) && validKeyspaceName(arg) {
		return -2, true
	}
	// Redis reads an int: a long long beyond int's range is invalid too.
	n, ok := keyspace.ParseInt(arg)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return max(n, -1), true
}

func (e *Engine) swapTarget(arg []byte, n int64) *keyspace.DB {
	if n == -2 {
		return e.Store.Named(string(arg), true)
	}
	return e.Store.Numbered(int(n))
}

func cmdTime(c *Client, args [][]byte) {
	now := time.Now()
	c.Array(2)
	c.BulkInt(now.Unix())
	c.BulkInt(int64(now.Nanosecond() / 1000))
}

func cmdShutdown(c *Client, args [][]byte) {
	var save *bool
	for _, a := range args[1:] {
		switch strings.ToLower(string(a)) {
		case "nosave":
			f := false
			save = &f
		case "save":
			t := true
			save = &t
		case "now", "force", "abort":
		default:
			c.Error(errSyntax)
			return
		}
	}
	// While a slow script runs only SHUTDOWN NOSAVE may stop the server.
	if msg := c.e.scriptShutdownCheck(save); msg != "" {
		c.Error(msg)
		return
	}
	if c.e.Shutdown == nil {
		c.Error("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	if err := c.e.Shutdown(save); err != nil {
		c.Error("ERR Errors trying to SHUTDOWN. Check logs.")
		return
	}
	// The connection is closed by the shutdown; Redis sends no reply.
	c.closeAfter = true
}

func cmdWait(c *Client, args [][]byte) {
	if _, err := strconv.ParseInt(string(args[1]), 10, 64); err != nil {
		c.Error(errNotInt)
		return
	}
	t, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		c.Error("ERR timeout is not an integer or out of range")
		return
	}
	if t < 0 {
		c.Error("ERR timeout is negative")
		return
	}
	c.Int(0)
}

func cmdRole(c *Client, args [][]byte) {
	c.Array(3)
	c.BulkString("master")
	c.Int(0)
	c.Array(0)
}

func cmdLastSave(c *Client, args [][]byte) { c.Int(c.e.lastSave.Load()) }

// MarkSaved records a completed snapshot for LASTSAVE and the save rules.
func (e *Engine) MarkSaved(at time.Time, dirtyAtStart int64) {
	e.lastSave.Store(at.Unix())
	e.Dirty -= dirtyAtStart
	if e.Dirty < 0 {
		e.Dirty = 0
	}
}

// ErrScheduled is what Persister.BGSave and BGRewriteAOF return when the
// snapshot will start later (after the running one, or after the MULTI …
// EXEC asking for it): the reply then says "scheduled", as Redis's does.
var ErrScheduled = errors.New("scheduled")

// InExec reports whether a MULTI … EXEC block (or a script) is running:
// its writes reach Propagate only when it ends, so a snapshot must not
// start before then (Redis's server.in_exec). The caller holds Mu.
func (e *Engine) InExec() bool { return len(e.atomicMarks) > 0 }

func cmdSave(c *Client, args [][]byte) {
	if c.e.Persist == nil {
		c.Error(errNoPersistence)
		return
	}
	if err := c.e.Persist.Save(); err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.OK()
}

func cmdBGSave(c *Client, args [][]byte) {
	if len(args) > 2 || len(args) == 2 && !strings.EqualFold(string(args[1]), "schedule") {
		c.Error(errSyntax)
		return
	}
	if c.e.Persist == nil {
		c.Error(errNoPersistence)
		return
	}
	switch err := c.e.Persist.BGSave(); {
	case err == ErrScheduled:
		c.Simple("Background saving scheduled")
	case err != nil:
		c.Error("ERR " + err.Error())
	default:
		c.Simple("Background saving started")
	}
}

func cmdBGRewriteAOF(c *Client, args [][]byte) {
	if c.e.Persist == nil {
		c.Error(errNoPersistence)
		return
	}
	switch err := c.e.Persist.BGRewriteAOF(); {
	case err == ErrScheduled:
		c.Simple("Background append only file rewriting scheduled")
	case err != nil:
		c.Error("ERR " + err.Error())
	default:
		c.Simple("Background append only file rewriting started")
	}
}

func cmdKeyspaces(c *Client, args [][]byte) {
	var dbs []*keyspace.DB
	for _, db := range c.e.Store.All() {
		if db.Len() > 0 {
			dbs = append(dbs, db)
		}
	}
	sortDBs(dbs)
	c.Map(len(dbs))
	for _, db := range dbs {
		c.BulkString(db.Name)
		c.Int(int64(db.Len()))
	}
}

// sortDBs orders numbered keyspaces by number, then named ones by name.
func sortDBs(dbs []*keyspace.DB) {
	less := func(a, b *keyspace.DB) bool {
		if (a.ID >= 0) != (b.ID >= 0) {
			return a.ID >= 0
		}
		if a.ID >= 0 {
			return a.ID < b.ID
		}
		return a.Name < b.Name
	}
	for i := 1; i < len(dbs); i++ {
		for j := i; j > 0 && less(dbs[j], dbs[j-1]); j-- {
			dbs[j], dbs[j-1] = dbs[j-1], dbs[j]
		}
	}
}

// Monitor: every command a client runs is shown to monitors.
func cmdMonitor(c *Client, args [][]byte) {
	if c.monitor {
		return // already monitoring: no reply, as Redis
	}
	c.monitor = true
	c.e.monitors = append(c.e.monitors, c)
	c.OK()
}

func (e *Engine) removeMonitor(c *Client) {
	if !c.monitor {
		return
	}
	c.monitor = false
	for i, m := range e.monitors {
		if m == c {
			e.monitors = append(e.monitors[:i], e.monitors[i+1:]...)
			break
		}
	}
}

// feedMonitors sends a command line to MONITOR clients in Redis's format:
// +<unix time.micros> [<db> <addr>] "arg" "arg".
func (e *Engine) feedMonitors(c *Client, args [][]byte) {
	if len(e.monitors) == 0 {
		return
	}
	spec := Lookup(args[0])
	if spec != nil && len(spec.Subs) > 0 && len(args) >= 2 {
		if sub := spec.lookupSub(args[1]); sub != nil {
			spec = sub // CLIENT LIST is admin, CLIENT REPLY is not
		}
	}
	if spec != nil && spec.Flags&(FlagSkipMonitor|FlagAdmin) != 0 {
		return
	}
	e.feedMonitorsAlways(c, args)
}

// feedMonitorsAlways shows a command to MONITOR clients whatever its
// flags: EVAL and FCALL (skip_monitor) feed themselves this way so that
// they appear before the commands they run.
func (e *Engine) feedMonitorsAlways(c *Client, args [][]byte) {
	if len(e.monitors) == 0 {
		return
	}
	now := time.Now()
	var b []byte
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := strconv.Itoa(now.Nanosecond() / 1000)
	b = append(b, strings.Repeat("0", 6-len(us))+us...)
	b = append(b, " ["...)
	b = append(b, c.DB.Name...)
	b = append(b, ' ')
	if c.conn == nil {
		b = append(b, "lua"...)
	} else {
		b = append(b, c.Addr...)
	}
	b = append(b, ']')
	for _, a := range args {
		b = append(b, ' ')
		b = appendRepr(b, a)
	}
	b = append(b, '\r', '\n')
	// A monitor sees its own commands too, after their reply; none while
	// its replies are off or skipped.
	for _, m := range e.monitors {
		if m.replyMode == replyOff || m.replyMode == replySkip {
			continue
		}
		m.Raw(b)
		if m != c && m.conn != nil {
			m.conn.Wake()
		}
	}
}

// appendRepr quotes a string as Redis's sdscatrepr does.
func appendRepr(b []byte, s []byte) []byte {
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch < 32 || ch > 126 {
				b = append(b, '\\', 'x', "0123456789abcdef"[ch>>4], "0123456789abcdef"[ch&15])
			} else {
				b = append(b, ch)
			}
		}
	}
	return append(b, '"')
}

func cmdDebug(c *Client, args [][]byte) {
	sub := strings.ToLower(string(args[1]))
	switch {
	case sub == "sleep" && len(args) == 3:
		// Redis reads the seconds with atof: garbage counts as 0.
		f, err := strconv.ParseFloat(string(args[2]), 64)
		if err != nil || f < 0 || f > 3600 {
			f = 0
		}
		time.Sleep(time.Duration(f * float64(time.Second)))
		c.OK()
	case sub == "set-active-expire" && len(args) == 3:
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil {
			c.Error(errNotInt)
			return
		}
		c.e.activeExp = n != 0
		c.OK()
	case sub == "object" && len(args) == 3:
		// Found without expiring it, as Redis's dictFind.
		ent := c.DB.Peek(args[2])
		if ent == nil {
			c.Error(errNoSuchKey)
			return
		}
		c.Simple("Value at:0x0 refcount:1 encoding:" + ent.Value.Encoding() + " serializedlength:0 lru:0 lru_seconds_idle:0")
	case sub == "set-disable-deny-scripts" && len(args) == 3:
		n, _ := strconv.Atoi(string(args[2])) // atoi: garbage is 0
		c.e.allowDenyScript = n != 0
		c.OK()
	case sub == "protocol" && len(args) == 3:
		debugProtocol(c, strings.ToLower(string(args[2])))
	case sub == "change-repl-id" || sub == "quicklist-packed-threshold" && len(args) == 3 ||
		sub == "replybuffer" || sub == "stringmatch-len":
		c.OK()
	case sub == "reload":
		if c.e.Persist != nil {
			if err := c.e.Persist.Save(); err != nil {
				c.Error("ERR " + err.Error())
				return
			}
		}
		c.OK()
	case sub == "jmap" || sub == "log" && len(args) == 3:
		if sub == "log" {
			c.e.Log.Warn("DEBUG LOG: " + string(args[2]))
		}
		c.OK()
	case sub == "help":
		c.helpReply("DEBUG", []string{"SLEEP <seconds>", "    Stop the server for <seconds>.",
			"SET-ACTIVE-EXPIRE <0|1>", "    Setting it to 0 disables expiring keys in background."})
	default:
		c.Error("ERR DEBUG subcommand '" + string(args[1]) + "' is not supported by sundial")
	}
}

// debugProtocol is DEBUG PROTOCOL <type>: one reply of each RESP type,
// as Redis's, for testing clients and the script converters.
func debugProtocol(c *Client, typ string) {
	switch typ {
	case "string":
		c.BulkString("Hello World")
	case "integer":
		c.Int(12345)
	case "double":
		c.Double(3.141)
	case "bignum":
		writeBigNumber(c, "1234567999999999999999999999999999999")
	case "null":
		c.Null()
	case "array", "set", "map":
		switch typ {
		case "array":
			c.Array(3)
		case "set":
			c.Set(3)
		default:
			c.Map(3)
		}
		for j := int64(0); j < 3; j++ {
			c.Int(j)
			if typ == "map" {
				c.Bool(j == 1)
			}
		}
	case "attrib":
		if c.Proto >= 3 {
			c.Raw([]byte("|1\r\n"))
			c.BulkString("key-popularity")
			c.Array(2)
			c.BulkString("key:123")
			c.Int(90)
		}
		c.BulkString("Some real reply following the attribute")
	case "push":
		if c.Proto < 3 {
			c.Error("ERR RESP2 is not supported by this command")
			return
		}
		start := len(c.B)
		c.Push(2)
		c.BulkString("server-cpu-usage")
		c.Int(42)
		c.pushDone(start) // sent under CLIENT REPLY OFF too
		c.BulkString("Some real reply following the push reply")
	case "true", "false":
		c.Bool(typ == "true")
	case "verbatim":
		c.Verbatim("This is a verbatim\nstring")
	default:
		c.Error("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
	}
}

// hostname is reported in INFO-like outputs where Redis reports it.
var hostname, _ = os.Hostname()
