package commands

import (
	"runtime"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"sundial/commands/lualib"
)

// luaEngine is one Lua interpreter and the client its scripts run
// commands through. EVAL scripts share one; function libraries have
// another, as in Redis.
type luaEngine struct {
	e    *Engine
	st   *lualib.State
	L    *lua.LState
	fake *Client
	hook *scriptHook
	// errh builds the error object of a failed script: a table with the
	// message and the source position (Redis's __redis__err__handler).
	errh *lua.LFunction
	cur  *scriptRun
	// argv and arena are reused by redis.call for the command arguments.
	argv  [][]byte
	arena []byte
	// evalRun, keys and argv are the run record and the KEYS and ARGV
	// tables of EVAL scripts, reused from one run to the next.
	evalRun          scriptRun
	keysArg, argvArg argTable

	lib *libEngine // function libraries only
}

// scriptRun is one execution of a script or function.
type scriptRun struct {
	name     string // SHA1 of an EVAL script, or the function's name
	isEval   bool
	readOnly bool // EVAL_RO, FCALL_RO or the no-writes flag
	allowOOM bool
	caller   *Client
	start    time.Time
	startMs  int64 // the time every command of the script sees
	// oom records that memory was over maxmemory when the script began:
	// commands that may grow it fail until the script has written.
	oom        bool
	writeDirty bool
	killed     bool
	// byShutdown: killed by SHUTDOWN NOSAVE; its effects are not logged.
	byShutdown bool
	// noAOF: redis.set_repl turned propagation to the AOF off.
	noAOF bool
}

func (r *scriptRun) kill(byShutdown bool) {
	r.killed = true
	r.byShutdown = r.byShutdown || byShutdown
}

// luaStackLimit is LUAI_MAXCSTACK, the Lua stack size Redis's reply
// conversion stops at; replyBaseSlots the slots in use when it starts
// (the error handler and the result).
const (
	luaStackLimit  = 8000
	replyBaseSlots = 2
)

// Redis's version as scripts see it.
const (
	redisVersion    = "7.0.15"
	redisVersionNum = 0x07000f
)

// newLuaEngine builds an interpreter with the redis API.
func newLuaEngine(e *Engine, functions bool) *luaEngine {
	eng := &luaEngine{e: e}
	if functions {
		eng.lib = &libEngine{}
	}
	eng.st = lualib.NewState(func(L *lua.LState, redis *lua.LTable) {
		eng.L = L
		eng.errh = L.NewFunction(eng.errorHandler)
		eng.registerAPI(L, redis)
		if functions {
			return
		}
		redis.RawSetString("breakpoint", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LFalse)
			return 1
		}))
		redis.RawSetString("debug", L.NewFunction(func(L *lua.LState) int { return 0 }))
		redis.RawSetString("replicate_commands", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LTrue)
			return 1
		}))
		L.SetGlobal("__redis__err__handler", eng.errh)
	})
	eng.hook = &scriptHook{eng: eng, mask: hookMask}
	eng.fake = e.NewClient(nil, "", "")
	eng.fake.inScript = true
	if functions {
		eng.lib.init(eng)
	}
	return eng
}

func (eng *luaEngine) close() { eng.st.Close() }

// compile compiles a script body as a chunk named name; the error is in
// Lua's "name:line: message" form.
func (eng *luaEngine) compile(body []byte, name string) (*lua.LFunction, string) {
	fn, err := eng.L.Load(strings.NewReader(string(body)), name)
	if err != nil {
		return nil, lualib.SyntaxMessage(err, name, string(body))
	}
	// A chunk is a vararg function, and gopher-lua builds Lua 5.0's "arg"
	// table for every call of one; nothing in a script can see it (Redis
	// runs scripts as plain functions), so skip building it.
	fn.Proto.IsVarArg &^= lua.VarArgNeedsArg
	return fn, ""
}

// stringTable builds a Lua array of strings (KEYS, ARGV).
func (eng *luaEngine) stringTable(items [][]byte) *lua.LTable {
	t := eng.L.CreateTable(len(items), 0)
	for i, b := range items {
		t.RawSetInt(i+1, lua.LString(b))
	}
	return t
}

// argTable is a Lua array of strings reused as KEYS or ARGV from one
// EVAL to the next: building them afresh was a table, its array and a
// string per element for every call. A script cannot keep a reference to
// them past its run (every table it could store one in is read-only),
// but it may change them, so a table holding anything beyond the items
// it was given, or with a metatable, is replaced rather than reused.
type argTable struct {
	t *lua.LTable
	n int // items of the last fill
}

// fill makes a.t hold items as Lua strings, keeping each element still
// equal to its item; it reports whether a.t is a new table.
func (a *argTable) fill(L *lua.LState, items [][]byte) bool {
	t, n := a.t, len(items)
	if t != nil {
		for i := n + 1; i <= a.n; i++ {
			t.RawSetInt(i, lua.LNil)
		}
		// What lies past the items: Next(0) would skip the hash part.
		var after lua.LValue = lua.LNumber(n)
		if n == 0 {
			after = lua.LNil
		}
		if k, _ := t.Next(after); k != lua.LNil || t.Metatable != lua.LNil {
			t = nil
		}
	}
	fresh := t == nil
	if fresh {
		t = L.CreateTable(n, 0)
	}
	for i, b := range items {
		if old, ok := t.RawGetInt(i + 1).(lua.LString); ok && string(old) == string(b) {
			continue
		}
		t.RawSetInt(i+1, lua.LString(b))
	}
	a.t, a.n = t, n
	return fresh
}

// run executes fn for c: an EVAL script (KEYS and ARGV as globals) or a
// function (keys and args as arguments), and replies its result. Every
// write the script makes is propagated as one MULTI/EXEC unit.
func (eng *luaEngine) run(c *Client, run *scriptRun, fn *lua.LFunction, keys, args [][]byte) {
	e, L := eng.e, eng.L
	run.caller = c
	run.start = c.started
	run.startMs = c.now
	if !run.allowOOM && e.Cfg.MaxMemory > 0 {
		run.oom = e.checkOOM(c, oomProbe) != ""
	}
	fake := eng.fake
	fake.DB = c.DB
	fake.Proto = 2
	fake.B = fake.B[:0]
	e.scripts.run = run
	eng.cur = run
	// As in Redis, busy-reply-threshold 0 turns the hook off: scripts then
	// run slightly faster but cannot be killed.
	eng.hook.reset(e.Cfg.BusyReplyThreshold > 0)
	mark := len(e.pending)
	e.beginAtomic()
	// Whatever happens, the engine leaves the script's state.
	defer eng.finish(c, run, mark)

	var err error
	if run.isEval {
		if eng.keysArg.fill(L, keys) {
			eng.st.SetGlobal("KEYS", eng.keysArg.t)
		}
		if eng.argvArg.fill(L, args) {
			eng.st.SetGlobal("ARGV", eng.argvArg.t)
		}
		L.Push(fn)
		err = L.PCall(0, 1, eng.errh)
	} else {
		L.Push(fn)
		L.Push(eng.stringTable(keys))
		L.Push(eng.stringTable(args))
		err = L.PCall(2, 1, eng.errh)
	}
	if err != nil {
		eng.replyError(c, run, err)
	} else {
		writeLuaReply(c, L.Get(-1), fake.Proto, replyBaseSlots)
	}
}

// finish ends a run: the script is no longer running, and its writes go
// out as one unit, or not at all when SHUTDOWN NOSAVE stopped it.
func (eng *luaEngine) finish(c *Client, run *scriptRun, mark int) {
	e := eng.e
	eng.L.SetTop(0)
	eng.cur = nil
	e.scripts.run = nil
	e.scripts.timedOut = false
	e.endAtomic(c)
	if run.byShutdown && mark <= len(e.pending) {
		clear(e.pending[mark:])
		e.pending = e.pending[:mark]
	}
}

// replyError answers a failed script as Redis's luaCallFunction does:
// the message, then where the error was raised.
func (eng *luaEngine) replyError(c *Client, run *scriptRun, err error) {
	var obj lua.LValue = lua.LString(err.Error())
	if ae, ok := err.(*lua.ApiError); ok {
		obj = ae.Object
	}
	t, ok := obj.(*lua.LTable)
	if !ok {
		msg := "execution failure"
		if s, ok := obj.(lua.LString); ok {
			msg = string(s)
		}
		if len(msg) > 100 {
			msg = msg[:100]
		}
		c.Error(trimNewlines("ERR Error running script " + run.name + ", " + msg))
		return
	}
	msg, ok := eng.stringField(t, "err")
	if !ok {
		msg = "ERR unknown error"
	}
	source, hasSource := eng.stringField(t, "source")
	line, hasLine := eng.stringField(t, "line")
	if hasSource && hasLine {
		msg += " script: " + run.name + ", on " + source + ":" + line + "."
	}
	replyScriptError(c, msg, ignoresErrorStats(t))
}

// stringField reads t[name] as lua_getfield and lua_tostring do: through
// metamethods, numbers converted.
func (eng *luaEngine) stringField(t *lua.LTable, name string) (string, bool) {
	v := eng.getField(t, name)
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return lualib.FormatNumber(float64(x)), true
	}
	return "", false
}

// getField is t[name] honouring __index, without letting an error in a
// metamethod escape.
func (eng *luaEngine) getField(t *lua.LTable, name string) (v lua.LValue) {
	if t.Metatable == lua.LNil {
		return t.RawGetString(name)
	}
	v = lua.LNil
	defer func() {
		if recover() != nil {
			v = lua.LNil
		}
	}()
	return eng.L.GetField(t, name)
}

// trimNewlines drops CR and LF at the end of an error message, as
// Redis's addReplyErrorFormat does.
func trimNewlines(s string) string {
	return strings.TrimRight(s, "\r\n")
}

// errorHandler turns whatever a script raised into Redis's error table
// {err=..., source=..., line=...}. It runs before the stack unwinds, so
// the position of the failing code is still there.
func (eng *luaEngine) errorHandler(L *lua.LState) int {
	v := L.Get(1)
	var t *lua.LTable
	if run := eng.cur; run != nil && run.killed {
		t = errTable(eng.L, killMessage(run))
	} else if ld := eng.loading(); ld != nil && ld.timedOut {
		t = errTable(eng.L, "FUNCTION LOAD timeout")
	} else if x, ok := v.(*lua.LTable); ok {
		t = x
	} else {
		t = L.NewTable()
		t.RawSetString("err", lua.LString("ERR "+eng.toString(v)))
	}
	// The function that raised, or its caller when that is Go code.
	dbg, ok := L.GetStack(1)
	if ok {
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" {
			if dbg, ok = L.GetStack(2); ok {
				_, err := L.GetInfo("Sl", dbg, lua.LNil)
				ok = err == nil && dbg.What != "G"
			}
		}
	}
	if ok && plainTable(t) {
		t.RawSetString("source", lua.LString("@"+dbg.Source))
		t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
	}
	L.Push(t)
	return 1
}

// plainTable reports whether fields may be set on t directly: tables with
// a __newindex (the read-only views among them) are left alone.
func plainTable(t *lua.LTable) bool {
	mt, ok := t.Metatable.(*lua.LTable)
	return !ok || mt.RawGetString("__newindex") == lua.LNil
}

// killMessage is the error a killed script or function ends with (Redis
// words it the same for both).
func killMessage(*scriptRun) string { return "Script killed by user with SCRIPT KILL..." }

// toString is Lua's tostring.
func (eng *luaEngine) toString(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return lualib.FormatNumber(float64(x))
	case lua.LBool:
		if x {
			return "true"
		}
		return "false"
	case *lua.LNilType:
		return "nil"
	}
	if fn, ok := eng.st.Global("tostring").(*lua.LFunction); ok {
		if err := eng.L.CallByParam(lua.P{Fn: fn, NRet: 1, Protect: true}, v); err == nil {
			s := eng.L.Get(-1)
			eng.L.Pop(1)
			if str, ok := s.(lua.LString); ok {
				return string(str)
			}
		}
	}
	return v.Type().String()
}

// errTable builds the error object Redis's luaPushErrorBuff does: a
// "-CODE message" string keeps its code, anything else gets ERR.
func errTable(L *lua.LState, msg string) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(errorCodeMessage(msg)))
	return t
}

// errorCodeMessage is the "CODE message" text of an error reply or
// message, as luaPushErrorBuff forms it.
func errorCodeMessage(msg string) string {
	code := "ERR"
	if strings.HasPrefix(msg, "-") {
		if i := strings.IndexByte(msg, ' '); i >= 0 {
			code, msg = msg[1:i], msg[i+1:]
		} else {
			msg = msg[1:]
		}
	}
	return code + " " + strings.Trim(msg, "\r\n")
}

// fail reports an error of a redis.* function: raised by redis.call,
// returned by redis.pcall.
func (eng *luaEngine) fail(L *lua.LState, t *lua.LTable, raise bool) int {
	if raise {
		L.Error(t, 0)
		return 0
	}
	L.Push(t)
	return 1
}

// hookMask sets how often (in VM instructions) a running script checks
// the clock: every 65536 instructions, a fraction of a millisecond.
const hookMask = 1<<16 - 1

// scriptHook is the context gopher-lua polls before each instruction of
// a script. Done is therefore the instruction hook: it counts, and every
// hookMask+1 instructions checks whether the script ran past
// busy-reply-threshold (then it lets other clients in) or was killed
// (then it returns a closed channel, which makes the VM raise at once,
// at every instruction, so pcall cannot hold the script alive).
type scriptHook struct {
	eng  *luaEngine
	n    uint32
	mask uint32
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// reset prepares the hook for a new run; on=false detaches it from the
// interpreter (no per-instruction cost at all).
func (h *scriptHook) reset(on bool) {
	h.n = 0
	h.mask = hookMask
	switch L := h.eng.L; {
	case on && L.Context() == nil:
		L.SetContext(h)
	case !on && L.Context() != nil:
		L.RemoveContext()
	}
}

func (h *scriptHook) Deadline() (time.Time, bool) { return time.Time{}, false }
func (h *scriptHook) Value(any) any               { return nil }
func (h *scriptHook) Err() error                  { return errInterrupted }

func (h *scriptHook) Done() <-chan struct{} {
	h.n++
	if h.n&h.mask != 0 {
		return nil
	}
	return h.eng.interrupt()
}

type interruptError struct{}

func (interruptError) Error() string { return "script interrupted" }

var errInterrupted = interruptError{}

// interrupt is the slow path of the hook.
func (eng *luaEngine) interrupt() <-chan struct{} {
	if ld := eng.loading(); ld != nil {
		if ld.timedOut || time.Since(ld.start) > functionLoadTimeout {
			ld.timedOut = true
			eng.hook.mask = 0
			return closedChan
		}
		return nil
	}
	run := eng.cur
	if run == nil {
		return nil
	}
	if run.killed {
		eng.hook.mask = 0
		return closedChan
	}
	e := eng.e
	if !e.scripts.timedOut {
		limit := time.Duration(e.Cfg.BusyReplyThreshold) * time.Millisecond
		elapsed := time.Since(run.start)
		if limit <= 0 || elapsed < limit {
			return nil
		}
		e.scripts.timedOut = true
		killCmd := "SCRIPT KILL"
		if !run.isEval {
			killCmd = "FUNCTION KILL"
		}
		e.Log.Warn("Slow script detected: still in execution after " + strconv.FormatInt(elapsed.Milliseconds(), 10) +
			" milliseconds. You can try killing the script using the " + killCmd + " command.")
	}
	e.yieldToClients()
	if run.killed {
		e.Log.Warn("Lua script killed by user with SCRIPT KILL.")
		eng.hook.mask = 0
		return closedChan
	}
	return nil
}

// yieldToClients lets the clients waiting for the engine lock run while
// a slow script holds it; Exec answers them BUSY for anything but the
// commands that may run meanwhile (SCRIPT KILL, SHUTDOWN NOSAVE …).
func (e *Engine) yieldToClients() {
	nowSec := e.nowSec
	e.Mu.Unlock()
	runtime.Gosched()
	e.Mu.Lock()
	e.nowSec = nowSec
}
