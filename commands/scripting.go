package commands

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"sundial/config"
	"sundial/keyspace"
)

// Scripting: EVAL, EVALSHA, their _RO forms and SCRIPT, as in Redis 7.0.
// Scripts run in one shared Lua state (scripting_lua.go), compiled once
// per SHA1 of their exact bytes and kept until SCRIPT FLUSH. Function
// libraries (FUNCTION, FCALL) live in functions.go with their own state.

// scriptingCommands is the scripting family of the command table.
var scriptingCommands = []*Spec{
	{Name: "eval", Run: func(c *Client, args [][]byte) { evalGeneric(c, args, false, false) }},
	{Name: "evalsha", Run: func(c *Client, args [][]byte) { evalGeneric(c, args, true, false) }},
	{Name: "eval_ro", Run: func(c *Client, args [][]byte) { evalGeneric(c, args, false, true) }},
	{Name: "evalsha_ro", Run: func(c *Client, args [][]byte) { evalGeneric(c, args, true, true) }},
	{Name: "script", Subs: []*Spec{
		{Name: "load", Run: cmdScriptLoad},
		{Name: "exists", Run: cmdScriptExists},
		{Name: "flush", Run: cmdScriptFlush},
		{Name: "kill", Run: cmdScriptKill},
		{Name: "debug", Run: cmdScriptDebug},
		{Name: "help", Run: cmdScriptHelp},
	}},
	{Name: "fcall", Run: func(c *Client, args [][]byte) { fcallGeneric(c, args, false) }},
	{Name: "fcall_ro", Run: func(c *Client, args [][]byte) { fcallGeneric(c, args, true) }},
	{Name: "function", Subs: functionSubcommands},
}

const (
	errNoScript     = "NOSCRIPT No matching script. Please use EVAL."
	errBusyEval     = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
	errBusyFunction = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
	errNotBusy      = "NOTBUSY No scripts in execution right now."
	errUnkillable   = "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."
	errWriteFlagRO  = "ERR Can not execute a script with write flag using *_ro command."
	errKeysNegative = "ERR Number of keys can't be negative"
	errKeysTooMany  = "ERR Number of keys can't be greater than number of args"
)

// scriptFlags are the flags a script declares in its shebang (or a
// function at registration).
type scriptFlags uint8

const (
	flagCompat scriptFlags = 1 << iota // EVAL script without a shebang
	flagNoWrites
	flagAllowOOM
	flagAllowStale
	flagNoCluster
)

// scriptFlagNames lists the flags in Redis's order (FUNCTION LIST shows
// them in this order).
var scriptFlagNames = []struct {
	name string
	flag scriptFlags
}{
	{"no-writes", flagNoWrites},
	{"allow-oom", flagAllowOOM},
	{"allow-stale", flagAllowStale},
	{"no-cluster", flagNoCluster},
}

// evalScript is a script of the cache.
type evalScript struct {
	sha   string
	body  string
	flags scriptFlags
	fn    *lua.LFunction
}

// scriptRegistry holds loaded scripts and function libraries, and the
// state of the script running now.
type scriptRegistry struct {
	eval    *luaEngine
	scripts map[string]*evalScript // lower-case SHA1 -> script

	fn    *luaEngine
	libs  map[string]*library     // library name -> library
	funcs map[string]*luaFunction // lower-case function name -> function

	// run is the script running now (nil when none). timedOut is set
	// once it ran past busy-reply-threshold: it then lets other clients
	// in between its instructions, and they get BUSY for most commands.
	run      *scriptRun
	timedOut bool
}

// sha1Hex is the lower-case hex SHA1 of b, as Redis names scripts.
func sha1Hex(b []byte) string {
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// parseShebang reads the "#!lua flags=..." line of an EVAL script. It
// returns the flags (flagCompat when there is no shebang) and the length
// of the line, which is not compiled.
func parseShebang(body []byte) (scriptFlags, int, string) {
	if !bytes.HasPrefix(body, []byte("#!")) {
		return flagCompat, 0, ""
	}
	nl := bytes.IndexByte(body, '\n')
	if nl < 0 {
		return 0, 0, "ERR Invalid script shebang"
	}
	parts, ok := config.SplitArgs(string(body[:nl]))
	if !ok || len(parts) == 0 {
		return 0, 0, "ERR Invalid engine in script shebang"
	}
	if parts[0] != "#!lua" {
		return 0, 0, "ERR Unexpected engine in script shebang: " + parts[0]
	}
	var flags scriptFlags
	for _, p := range parts[1:] {
		if !strings.HasPrefix(p, "flags=") {
			return 0, 0, "ERR Unknown lua shebang option: " + p
		}
		list := p[len("flags="):]
		if list == "" {
			continue
		}
		for _, name := range strings.Split(list, ",") {
			f := lookupScriptFlag(name, false)
			if f == 0 {
				return 0, 0, "ERR Unexpected flag in script shebang: " + name
			}
			flags |= f
		}
	}
	return flags, nl, ""
}

// lookupScriptFlag finds a flag by name (0 if unknown).
func lookupScriptFlag(name string, foldCase bool) scriptFlags {
	for _, f := range scriptFlagNames {
		if f.name == name || foldCase && strings.EqualFold(f.name, name) {
			return f.flag
		}
	}
	return 0
}

// parseNumKeys checks the numkeys argument of EVAL and FCALL against the
// arguments that follow it.
func parseNumKeys(c *Client, args [][]byte, notInt string) (int, bool) {
	n, ok := keyspace.ParseInt(args[2])
	if !ok {
		c.Error(notInt)
		return 0, false
	}
	if n > int64(len(args)-3) {
		c.Error(errKeysTooMany)
		return 0, false
	}
	if n < 0 {
		c.Error(errKeysNegative)
		return 0, false
	}
	return int(n), true
}

// evalEngine returns the EVAL interpreter, creating it on first use.
func (e *Engine) evalEngine() *luaEngine {
	r := &e.scripts
	if r.eval == nil {
		r.eval = newLuaEngine(e, false)
		r.scripts = make(map[string]*evalScript)
	}
	return r.eval
}

// createScript compiles body into the cache (or finds it there) and
// returns its SHA1; on failure it replies the error and returns "".
func createScript(c *Client, body []byte) (string, *evalScript) {
	eng := c.e.evalEngine()
	sha := sha1Hex(body)
	if s := c.e.scripts.scripts[sha]; s != nil {
		return sha, s
	}
	flags, skip, msg := parseShebang(body)
	if msg != "" {
		c.Error(msg)
		return "", nil
	}
	fn, err := eng.compile(body[skip:], "user_script")
	if err != "" {
		c.Error("ERR Error compiling script (new function): " + err)
		return "", nil
	}
	s := &evalScript{sha: sha, body: string(body), flags: flags, fn: fn}
	c.e.scripts.scripts[sha] = s
	return sha, s
}

func evalGeneric(c *Client, args [][]byte, evalsha, ro bool) {
	// Shown to MONITOR before the commands it runs, even when refused.
	c.e.feedMonitorsAlways(c, args)
	// A SHA1 of the wrong length cannot match: NOSCRIPT at once.
	if evalsha && len(args[1]) != 40 {
		c.Error(errNoScript)
		return
	}
	numkeys, ok := parseNumKeys(c, args, errNotInt)
	if !ok {
		return
	}
	e := c.e
	var s *evalScript
	if evalsha {
		e.evalEngine()
		var sha [40]byte
		lowerSHA(&sha, args[1])
		// string(bytes) as a map key is looked up without allocating.
		if s = e.scripts.scripts[string(sha[:])]; s == nil {
			c.Error(errNoScript)
			return
		}
	} else if _, s = createScript(c, args[1]); s == nil {
		return
	}
	if !checkScriptFlags(c, s.flags, ro) {
		return
	}
	// One EVAL runs at a time, so its run record is reused.
	eng := e.scripts.eval
	run := &eng.evalRun
	*run = scriptRun{
		name:     s.sha,
		isEval:   true,
		readOnly: ro || s.flags&(flagCompat|flagNoWrites) == flagNoWrites,
		allowOOM: s.flags&(flagCompat|flagAllowOOM) == flagAllowOOM,
	}
	eng.run(c, run, s.fn, args[3:3+numkeys], args[3+numkeys:])
}

// lowerSHA copies the 40-byte SHA1 b to dst in lower case.
func lowerSHA(dst *[40]byte, b []byte) {
	for i, ch := range b[:40] {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst[i] = ch
	}
}

// checkScriptFlags applies what a script's declared flags demand before
// it may start (Redis's scriptPrepareForRun); false means it replied.
func checkScriptFlags(c *Client, flags scriptFlags, ro bool) bool {
	if flags&flagCompat != 0 {
		return true
	}
	// Declared flags replace the command's own: without allow-oom (which
	// no-writes implies) the script is refused like any command that may
	// grow memory, with the same error.
	if flags&(flagAllowOOM|flagNoWrites) == 0 && c.e.Cfg.MaxMemory > 0 && c.e.checkOOM(c, oomProbe) != "" {
		c.Error(errOOM)
		return false
	}
	if flags&flagNoWrites == 0 && c.e.noGoodReplicas() {
		c.Error(errNoReplicas)
		return false
	}
	if flags&flagNoWrites == 0 && ro {
		c.Error(errWriteFlagRO)
		return false
	}
	return true
}

// oomProbe stands for "a command that may grow memory" when asking the
// engine whether it is out of memory.
var oomProbe = &Spec{Name: "eval", FullName: "eval", Flags: FlagWrite | FlagDenyOOM}

func cmdScriptLoad(c *Client, args [][]byte) {
	if sha, _ := createScript(c, args[2]); sha != "" {
		c.BulkString(sha)
	}
}

func cmdScriptExists(c *Client, args [][]byte) {
	c.Array(len(args) - 2)
	for _, a := range args[2:] {
		if c.e.scripts.scripts[strings.ToLower(string(a))] != nil {
			c.Int(1)
		} else {
			c.Int(0)
		}
	}
}

func cmdScriptFlush(c *Client, args [][]byte) {
	if len(args) > 3 || len(args) == 3 && !strings.EqualFold(string(args[2]), "sync") &&
		!strings.EqualFold(string(args[2]), "async") {
		c.Error("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
		return
	}
	r := &c.e.scripts
	if r.eval != nil {
		r.eval.close()
		r.eval = nil
		r.scripts = nil
	}
	c.OK()
}

func cmdScriptKill(c *Client, args [][]byte) { c.e.killScript(c, true) }

func cmdScriptDebug(c *Client, args [][]byte) {
	switch strings.ToLower(string(args[2])) {
	case "no":
		c.OK()
	case "yes", "sync":
		c.Error("ERR SCRIPT DEBUG is not supported by this server")
	default:
		c.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO")
	}
}

func cmdScriptHelp(c *Client, args [][]byte) {
	c.helpReply("SCRIPT", []string{
		"DEBUG (YES|SYNC|NO)",
		"    Set the debug mode for subsequent scripts executed.",
		"EXISTS <sha1> [<sha1> ...]",
		"    Return information about the existence of the scripts in the script cache.",
		"FLUSH [ASYNC|SYNC]",
		"    Flush the Lua scripts cache. Very dangerous on replicas.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the scripts cache.",
		"    * SYNC: Synchronously flush the scripts cache.",
		"KILL",
		"    Kill the currently executing Lua script.",
		"LOAD <script>",
		"    Load a script into the scripts cache without executing it.",
	})
}

// killScript is SCRIPT KILL (eval) and FUNCTION KILL.
func (e *Engine) killScript(c *Client, eval bool) {
	run := e.scripts.run
	switch {
	case run == nil:
		c.Error(errNotBusy)
	case run.writeDirty:
		c.Error(errUnkillable)
	case eval && !run.isEval:
		c.Error(errBusyFunction)
	case !eval && run.isEval:
		c.Error(errBusyEval)
	default:
		run.kill(false)
		c.OK()
	}
}

// busyError is the reply other clients get while a script runs past
// busy-reply-threshold, or "" when no script keeps the server busy.
func (e *Engine) busyError() string {
	r := &e.scripts
	if !r.timedOut || r.run == nil {
		return ""
	}
	if r.run.isEval {
		return errBusyEval
	}
	return errBusyFunction
}

// ScriptBusy reports whether a script has run past busy-reply-threshold
// and lets other clients in while it still runs. Housekeeping that must
// not interleave with a script (active expiry, starting snapshots or AOF
// rewrites) skips its turn while this is true. The caller holds Mu.
func (e *Engine) ScriptBusy() bool { return e.scripts.timedOut }

// scriptShutdownCheck is called by SHUTDOWN. While a script keeps the
// server busy only SHUTDOWN NOSAVE may proceed: it stops the script and
// drops its effects, as a Redis that exits mid-script never logs them.
func (e *Engine) scriptShutdownCheck(save *bool) string {
	msg := e.busyError()
	if msg == "" {
		return ""
	}
	if save == nil || *save {
		return msg
	}
	e.scripts.run.kill(true)
	return ""
}

// ScriptingInfo counts cached scripts, functions and libraries (INFO
// memory's number_of_cached_scripts, number_of_functions,
// number_of_libraries). The caller holds Mu.
func (e *Engine) ScriptingInfo() (scripts, functions, libraries int) {
	r := &e.scripts
	return len(r.scripts), len(r.funcs), len(r.libs)
}
