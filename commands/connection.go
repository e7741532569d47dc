package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// connectionCommands is the connection family of the command table.
var connectionCommands = []*Spec{
	{Name: "ping", Run: cmdPing},
	{Name: "echo", Run: cmdEcho},
	{Name: "auth", Run: cmdAuth},
	{Name: "hello", Run: cmdHello},
	{Name: "select", Run: cmdSelect},
	{Name: "quit", Run: cmdQuit},
	{Name: "reset", Run: cmdReset},
	{Name: "client", Subs: []*Spec{
		{Name: "id", Run: cmdClientID},
		{Name: "getname", Run: cmdClientGetname},
		{Name: "setname", Run: cmdClientSetname},
		{Name: "setinfo", Run: cmdClientSetinfo, Arity: 4, Flags: FlagNoScript | FlagLoading | FlagStale},
		{Name: "info", Run: cmdClientInfo},
		{Name: "list", Run: cmdClientList},
		{Name: "kill", Run: cmdClientKill},
		{Name: "pause", Run: cmdClientPause},
		{Name: "unpause", Run: cmdClientUnpause},
		{Name: "no-evict", Run: cmdClientNoEvict},
		{Name: "no-touch", Run: cmdClientNoTouch, Arity: 3, Flags: FlagNoScript | FlagLoading | FlagStale},
		{Name: "reply", Run: cmdClientReply},
		{Name: "unblock", Run: cmdClientUnblock},
		{Name: "tracking", Run: cmdClientTracking},
		{Name: "caching", Run: cmdClientCaching},
		{Name: "getredir", Run: cmdClientGetredir},
		{Name: "trackinginfo", Run: cmdClientTrackinginfo},
		{Name: "help", Run: cmdClientHelp},
	}},
}

func cmdPing(c *Client, args [][]byte) {
	if len(args) > 2 {
		c.Error(errArity("ping"))
		return
	}
	if c.subscribed() && c.Proto == 2 {
		c.Array(2)
		c.BulkString("pong")
		if len(args) == 2 {
			c.Bulk(args[1])
		} else {
			c.BulkString("")
		}
		return
	}
	if len(args) == 2 {
		c.Bulk(args[1])
		return
	}
	c.Simple("PONG")
}

func cmdEcho(c *Client, args [][]byte) { c.Bulk(args[1]) }

// cmdAuth authenticates as a user; without a user name, as the default
// user, which must then have a password.
func cmdAuth(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSyntax)
		return
	}
	user, pass := []byte("default"), args[1]
	if len(args) == 3 {
		user, pass = args[1], args[2]
	} else if c.e.acl().def.nopass {
		c.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
		return
	}
	if !c.e.aclAuthenticate(c, args[0], user, pass) {
		c.Error(errWrongPass)
		return
	}
	c.OK()
}

func cmdHello(c *Client, args [][]byte) {
	proto := c.Proto
	i := 1
	if len(args) >= 2 {
		v, err := strconv.ParseInt(string(args[1]), 10, 64)
		if err != nil {
			c.Error("ERR Protocol version is not an integer or out of range")
			return
		}
		if v < 2 || v > 3 {
			c.Error("NOPROTO unsupported protocol version")
			return
		}
		proto = int(v)
		i = 2
	}
	// Options take effect as they are read, as in Redis 7.0: an error
	// leaves earlier AUTH and SETNAME options applied.
	for ; i < len(args); i++ {
		opt := strings.ToLower(string(args[i]))
		switch {
		case opt == "auth" && i+2 < len(args):
			// As in Redis, each AUTH option authenticates at once.
			if !c.e.aclAuthenticate(c, args[0], args[i+1], args[i+2]) {
				c.Error(errWrongPass)
				return
			}
			i += 2
		case opt == "setname" && i+1 < len(args):
			if !validClientName(args[i+1]) {
				c.Error("ERR Client names cannot contain spaces, newlines or special characters.")
				return
			}
			c.Name = string(args[i+1])
			i++
		default:
			c.Error("ERR Syntax error in HELLO option '" + string(args[i]) + "'")
			return
		}
	}
	if !c.Authed && c.e.authRequired() {
		c.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
		return
	}
	c.Authed = true
	c.Proto = proto
	c.Map(7)
	c.BulkString("server")
	c.BulkString("redis")
	c.BulkString("version")
	c.BulkString(RedisVersion)
	c.BulkString("proto")
	c.Int(int64(proto))
	c.BulkString("id")
	c.Int(c.ID)
	c.BulkString("mode")
	c.BulkString("standalone")
	c.BulkString("role")
	c.BulkString("master")
	c.BulkString("modules")
	c.Array(0)
}

// RedisVersion is the Redis release whose behaviour sundial matches.
const RedisVersion = "7.0.15"

func validClientName(b []byte) bool {
	for _, ch := range b {
		if ch < '!' || ch > '~' {
			return false
		}
	}
	return true
}

func cmdSelect(c *Client, args [][]byte) {
	db, msg := c.e.resolveDB(args[1])
	if msg != "" {
		c.Error(msg)
		return
	}
	c.DB = db
	c.OK()
}

func cmdQuit(c *Client, args [][]byte) {
	c.OK()
	c.closeAfter = true
}

func cmdReset(c *Client, args [][]byte) {
	e := c.e
	if c.block != nil {
		e.blocking.remove(c)
		c.block = nil
	}
	c.multi = nil
	e.watches.unwatchAll(c)
	e.pubsub.unsubscribeAll(c)
	c.subs = nil
	e.resetTracking(c)
	e.removeMonitor(c)
	c.DB = e.Store.Numbered(0)
	c.Proto = 2
	c.Name = ""
	c.replyMode = replyOn
	c.noEvict, c.noTouch = false, false
	e.aclNewClient(c)
	c.Simple("RESET")
}

func cmdClientID(c *Client, args [][]byte) { c.Int(c.ID) }

func cmdClientGetname(c *Client, args [][]byte) {
	if c.Name == "" {
		c.Null()
		return
	}
	c.BulkString(c.Name)
}

func cmdClientSetname(c *Client, args [][]byte) {
	if !validClientName(args[2]) {
		c.Error("ERR Client names cannot contain spaces, newlines or special characters.")
		return
	}
	c.Name = string(args[2])
	c.OK()
}

func cmdClientSetinfo(c *Client, args [][]byte) {
	attr := strings.ToLower(string(args[2]))
	val := string(args[3])
	for _, ch := range []byte(val) {
		if ch < '!' || ch > '~' {
			c.Error("ERR " + attr + " cannot contain spaces, newlines or special characters.")
			return
		}
	}
	switch attr {
	case "lib-name":
		c.LibName = val
	case "lib-ver":
		c.LibVer = val
	default:
		c.Error("ERR Unrecognized option '" + string(args[2]) + "'")
		return
	}
	c.OK()
}

// infoLine formats a client as CLIENT LIST prints it.
func (e *Engine) clientInfoLine(x *Client, now time.Time) string {
	flags := ""
	if x.subscribed() {
		flags += "P"
	}
	if x.multi != nil {
		flags += "x"
	}
	if x.block != nil {
		flags += "b"
	}
	if t := x.tracking; t != nil {
		flags += "t"
		if t.brokenRedir {
			flags += "R"
		}
		if t.bcast {
			flags += "B"
		}
	}
	if x.watchDirty {
		flags += "d"
	}
	if x.closeAfter {
		flags += "c"
	}
	if x.noEvict {
		flags += "e"
	}
	if x.noTouch {
		flags += "T"
	}
	if flags == "" {
		flags = "N"
	}
	multi := -1
	if x.multi != nil {
		multi = len(x.multi.cmds)
	}
	sub, psub, ssub := 0, 0, 0
	if x.subs != nil {
		sub, psub, ssub = len(x.subs.channels), len(x.subs.patterns), len(x.subs.shard)
	}
	cmd := "NULL"
	if x.lastCmd != nil {
		cmd = x.lastCmd.FullName
	}
	dbID := x.DB.Name
	return fmt.Sprintf("id=%d addr=%s laddr=%s fd=8 name=%s age=%d idle=%d flags=%s db=%s sub=%d psub=%d ssub=%d multi=%d qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=%d tot-mem=%d events=r cmd=%s user=%s redir=%d resp=%d",
		x.ID, x.Addr, x.LAddr, x.Name, int64(now.Sub(x.created).Seconds()), int64(now.Sub(x.lastInteraction).Seconds()),
		flags, dbID, sub, psub, ssub, multi, len(x.B), 20000+cap(x.B), cmd, x.userName(), e.trackingRedirect(x), x.Proto)
}

func cmdClientInfo(c *Client, args [][]byte) {
	c.Verbatim(c.e.clientInfoLine(c, time.Now()) + "\n")
}

func cmdClientList(c *Client, args [][]byte) {
	e := c.e
	var ids map[int64]bool
	if len(args) > 2 {
		opt := strings.ToLower(string(args[2]))
		switch {
		case opt == "type" && len(args) == 4:
			t := strings.ToLower(string(args[3]))
			if t != "normal" && t != "master" && t != "replica" && t != "slave" && t != "pubsub" {
				c.Error("ERR Unknown client type '" + string(args[3]) + "'")
				return
			}
			ids = map[int64]bool{}
			for id, x := range e.clients {
				if (t == "pubsub") == x.subscribed() && (t == "normal" || t == "pubsub") {
					ids[id] = true
				}
			}
		case opt == "id" && len(args) > 3:
			ids = map[int64]bool{}
			for _, a := range args[3:] {
				id, err := strconv.ParseInt(string(a), 10, 64)
				if err != nil {
					c.Error("ERR Invalid client ID")
					return
				}
				ids[id] = true
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	var b strings.Builder
	now := time.Now()
	for _, x := range e.sortedClients() {
		if ids != nil && !ids[x.ID] {
			continue
		}
		b.WriteString(e.clientInfoLine(x, now))
		b.WriteByte('\n')
	}
	c.Verbatim(b.String())
}

func (e *Engine) sortedClients() []*Client {
	out := make([]*Client, 0, len(e.clients))
	for _, x := range e.clients {
		out = append(out, x)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// cmdClientKill handles both the old form (CLIENT KILL addr) and the
// filter form (ID, ADDR, LADDR, TYPE, USER, SKIPME).
func cmdClientKill(c *Client, args [][]byte) {
	e := c.e
	if len(args) == 3 {
		for _, x := range e.sortedClients() {
			if x.Addr == string(args[2]) {
				e.killClient(c, x)
				c.OK()
				return
			}
		}
		c.Error("ERR No such client")
		return
	}
	if len(args)%2 != 0 {
		c.Error(errSyntax)
		return
	}
	var id int64
	var addr, laddr, typ string
	var user *aclUser
	skipMe := true
	for i := 2; i < len(args); i += 2 {
		v := string(args[i+1])
		switch strings.ToLower(string(args[i])) {
		case "id":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				c.Error("ERR client-id should be greater than 0")
				return
			}
			id = n
		case "addr":
			addr = v
		case "laddr":
			laddr = v
		case "type":
			typ = strings.ToLower(v)
			if typ != "normal" && typ != "master" && typ != "replica" && typ != "slave" && typ != "pubsub" {
				c.Error("ERR Unknown client type '" + v + "'")
				return
			}
		case "user":
			if user = e.acl().users[v]; user == nil {
				c.Error("ERR No such user '" + v + "'")
				return
			}
		case "skipme":
			switch strings.ToLower(v) {
			case "yes":
				skipMe = true
			case "no":
				skipMe = false
			default:
				c.Error(errSyntax)
				return
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	killed := 0
	for _, x := range e.sortedClients() {
		if id != 0 && x.ID != id || addr != "" && x.Addr != addr || laddr != "" && x.LAddr != laddr || user != nil && x.user != user {
			continue
		}
		if typ != "" && (typ == "pubsub") != x.subscribed() || typ == "master" || typ == "replica" || typ == "slave" {
			continue
		}
		if skipMe && x == c {
			continue
		}
		e.killClient(c, x)
		killed++
	}
	c.Int(int64(killed))
}

// killClient disconnects x. Killing oneself closes after this reply.
func (e *Engine) killClient(self, x *Client) {
	x.killed = true
	if x == self {
		return
	}
	if x.block != nil {
		e.blocking.remove(x)
		x.block = nil
	}
	if x.conn != nil {
		x.conn.Close()
	}
}

// pauseState is CLIENT PAUSE: until is when clients may run again.
type pauseState struct {
	until     time.Time
	writeOnly bool
}

func cmdClientPause(c *Client, args [][]byte) {
	ms, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		c.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.Error("ERR timeout is negative")
		return
	}
	writeOnly := false
	if len(args) > 3 {
		switch strings.ToLower(string(args[3])) {
		case "write":
			writeOnly = true
		case "all":
		default:
			c.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
		if len(args) > 4 {
			c.Error(errSyntax)
			return
		}
	}
	until := time.Now().Add(time.Duration(ms) * time.Millisecond)
	p := &c.e.paused
	if until.After(p.until) || !writeOnly {
		p.until = until
	}
	p.writeOnly = writeOnly
	c.OK()
}

func cmdClientUnpause(c *Client, args [][]byte) {
	c.e.paused = pauseState{}
	c.OK()
}

// PauseFor reports how long the client must wait before running args
// because of CLIENT PAUSE. Called with Mu held.
func (e *Engine) PauseFor(c *Client, args [][]byte) time.Duration {
	p := e.paused
	if p.until.IsZero() {
		return 0
	}
	d := time.Until(p.until)
	if d <= 0 {
		e.paused = pauseState{}
		return 0
	}
	if p.writeOnly {
		spec := Lookup(args[0])
		if spec == nil || spec.Flags&(FlagWrite|FlagMayReplicate) == 0 {
			return 0
		}
		if name := spec.Name; name == "eval" || name == "evalsha" || name == "fcall" {
			return d
		}
	}
	if c.multi != nil {
		// Commands queued in MULTI are not paused; EXEC is.
		if spec := Lookup(args[0]); spec != nil && spec.Name != "exec" {
			return 0
		}
	}
	return d
}

func onOff(c *Client, v []byte) (bool, bool) {
	switch strings.ToLower(string(v)) {
	case "on":
		return true, true
	case "off":
		return false, true
	}
	c.Error(errSyntax)
	return false, false
}

func cmdClientNoEvict(c *Client, args [][]byte) {
	if v, ok := onOff(c, args[2]); ok {
		c.noEvict = v
		c.OK()
	}
}

func cmdClientNoTouch(c *Client, args [][]byte) {
	if v, ok := onOff(c, args[2]); ok {
		c.noTouch = v
		c.OK()
	}
}

func cmdClientReply(c *Client, args [][]byte) {
	switch strings.ToLower(string(args[2])) {
	case "on":
		c.replyMode = replyOn
		c.OK()
	case "off":
		c.replyMode = replyOff
	case "skip":
		if c.replyMode != replyOff {
			c.replyMode = replySkipNext
		}
	default:
		c.Error(errSyntax)
	}
}

func cmdClientUnblock(c *Client, args [][]byte) {
	id, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		c.Error(errNotInt)
		return
	}
	withErr := false
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "timeout":
		case "error":
			withErr = true
		default:
			c.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	x := c.e.clients[id]
	if x == nil || !c.e.unblockClient(x, withErr) {
		c.Int(0)
		return
	}
	c.Int(1)
}

func cmdClientHelp(c *Client, args [][]byte) {
	c.helpReply("CLIENT", []string{
		"CACHING (YES|NO)",
		"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
		"GETREDIR",
		"    Return the client ID we are redirecting to when tracking is enabled.",
		"GETNAME",
		"    Return the name of the current connection.",
		"ID",
		"    Return the ID of the current connection.",
		"INFO",
		"    Return information about the current client connection.",
		"KILL <ip:port>",
		"    Kill connection made from <ip:port>.",
		"KILL <option> <value> [<option> <value> [...]]",
		"    Kill connections. Options are:",
		"    * ADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made from the specified address",
		"    * LADDR (<ip:port>|<unixsocket>:0)",
		"      Kill connections made to specified local address",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Kill connections by type.",
		"    * USER <username>",
		"      Kill connections authenticated by <username>.",
		"    * SKIPME (YES|NO)",
		"      Skip killing current connection (default: yes).",
		"LIST [options ...]",
		"    Return information about client connections. Options:",
		"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
		"      Return clients of specified type.",
		"UNPAUSE",
		"    Stop the current client pause, resuming traffic.",
		"PAUSE <timeout> [WRITE|ALL]",
		"    Suspend all, or just write, clients for <timeout> milliseconds.",
		"REPLY (ON|OFF|SKIP)",
		"    Control the replies sent to the current connection.",
		"SETNAME <name>",
		"    Assign the name <name> to the current connection.",
		"UNBLOCK <clientid> [TIMEOUT|ERROR]",
		"    Unblock the specified blocked client.",
		"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
		"         [OPTIN] [OPTOUT] [NOLOOP]",
		"    Control server assisted client side caching.",
		"TRACKINGINFO",
		"    Report tracking status for the current connection.",
		"NO-EVICT (ON|OFF)",
		"    Protect current client connection from eviction.",
	})
}

// helpReply writes a HELP reply as Redis's addReplyHelp does.
func (c *Client) helpReply(cmd string, lines []string) {
	c.Array(len(lines) + 3)
	c.Simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.Simple(l)
	}
	c.Simple("HELP")
	c.Simple("    Prints this help.")
}
