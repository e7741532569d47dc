package commands

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"sundial/commands/lualib"
)

// The redis.* API scripts and functions see (Redis's script_lua.c).

// Log levels of redis.log, as Redis numbers them.
const (
	logDebug = iota
	logVerbose
	logNotice
	logWarning
)

// Replication flags of redis.set_repl (PROPAGATE_AOF, PROPAGATE_REPL).
const (
	replAOF     = 1
	replReplica = 2
)

func (eng *luaEngine) registerAPI(L *lua.LState, redis *lua.LTable) {
	set := func(name string, fn lua.LGFunction) { redis.RawSetString(name, L.NewFunction(fn)) }
	set("call", func(L *lua.LState) int { return eng.redisCall(L, true) })
	set("pcall", func(L *lua.LState) int { return eng.redisCall(L, false) })
	registerLog(L, redis, eng)
	registerVersion(redis)
	set("setresp", eng.setResp)
	set("sha1hex", redisSha1hex)
	set("error_reply", eng.errorReply)
	set("status_reply", eng.statusReply)
	set("set_repl", eng.setRepl)
	redis.RawSetString("REPL_NONE", lua.LNumber(0))
	redis.RawSetString("REPL_AOF", lua.LNumber(replAOF))
	redis.RawSetString("REPL_SLAVE", lua.LNumber(replReplica))
	redis.RawSetString("REPL_REPLICA", lua.LNumber(replReplica))
	redis.RawSetString("REPL_ALL", lua.LNumber(replAOF|replReplica))
	set("acl_check_cmd", eng.aclCheckCmd)
}

// registerLog adds redis.log and the LOG_* levels (also offered to
// library code while it loads).
func registerLog(L *lua.LState, redis *lua.LTable, eng *luaEngine) {
	redis.RawSetString("log", L.NewFunction(eng.log))
	redis.RawSetString("LOG_DEBUG", lua.LNumber(logDebug))
	redis.RawSetString("LOG_VERBOSE", lua.LNumber(logVerbose))
	redis.RawSetString("LOG_NOTICE", lua.LNumber(logNotice))
	redis.RawSetString("LOG_WARNING", lua.LNumber(logWarning))
}

func registerVersion(redis *lua.LTable) {
	redis.RawSetString("REDIS_VERSION_NUM", lua.LNumber(redisVersionNum))
	redis.RawSetString("REDIS_VERSION", lua.LString(redisVersion))
}

// raiseErr raises Redis's error table for msg.
func (eng *luaEngine) raiseErr(L *lua.LState, msg string) int {
	L.Error(errTable(eng.L, msg), 0)
	return 0
}

// luaArgs converts the arguments of a redis.* call into a command's argv:
// strings as they are, numbers as "%.17g" (Lua's own %.14g would lose
// precision). Anything else makes it fail.
func (eng *luaEngine) luaArgs(L *lua.LState, argc int) ([][]byte, bool) {
	arena := eng.arena[:0]
	argv := eng.argv[:0]
	// Collect into one arena first; the slices are cut afterwards, once
	// the arena no longer moves.
	var offs [16]int
	starts := offs[:0]
	for i := 1; i <= argc; i++ {
		starts = append(starts, len(arena))
		switch v := L.Get(i).(type) {
		case lua.LString:
			arena = append(arena, v...)
		case lua.LNumber:
			arena = AppendDouble(arena, float64(v))
		default:
			eng.arena = arena
			return nil, false
		}
	}
	for i, s := range starts {
		end := len(arena)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		argv = append(argv, arena[s:end:end])
	}
	eng.arena, eng.argv = arena, argv
	return argv, true
}

// scriptCommand finds the command argv names and applies Redis's checks
// for commands called from scripts; it returns the spec (nil when there
// is no such command) and, when the script may not run it, the error.
func (eng *luaEngine) scriptCommand(run *scriptRun, argv [][]byte) (*Spec, string) {
	spec := Lookup(argv[0])
	if spec != nil && len(spec.Subs) > 0 && len(argv) >= 2 {
		spec = spec.lookupSub(argv[1])
	}
	if spec == nil {
		return nil, "Unknown Redis command called from script"
	}
	if !arityOK(spec.Arity, len(argv)) {
		return spec, "Wrong number of args calling Redis command from script"
	}
	if spec.Flags&FlagNoScript != 0 && !eng.e.allowDenyScript {
		return spec, "This Redis command is not allowed from script"
	}
	if msg := eng.e.aclScriptDenied(run.caller, spec, argv); msg != "" {
		return spec, msg
	}
	write := spec.Flags&FlagWrite != 0
	if write && run.readOnly {
		return spec, "Write commands are not allowed from read-only scripts."
	}
	if write && eng.e.noGoodReplicas() {
		return nil, "-" + errNoReplicas
	}
	if run.oom && !run.allowOOM && !run.writeDirty && spec.Flags&FlagDenyOOM != 0 {
		return spec, "-" + errOOM
	}
	if write {
		run.writeDirty = true
	}
	return spec, ""
}

// rejectScriptCommand accounts for a command a script may not run, as
// Redis's scriptCall does: the error counts in errorstats and as a
// rejected call of the command (when there is one) right away, and the
// error table says so, so that the script's own error reply does not
// count it a second time.
func (eng *luaEngine) rejectScriptCommand(spec *Spec, msg string) *lua.LTable {
	text := errorCodeMessage(msg)
	eng.e.countError(text)
	if spec != nil {
		spec.stats.rejected.Add(1)
	}
	t := eng.L.CreateTable(0, 2)
	t.RawSetString("err", lua.LString(text))
	t.RawSetString("ignore_error_stats_update", lua.LTrue)
	return t
}

// redisCall is redis.call (raise) and redis.pcall.
func (eng *luaEngine) redisCall(L *lua.LState, raise bool) int {
	run := eng.cur
	if run == nil {
		return eng.raiseErr(L, "redis.call/pcall can only be called inside a script invocation")
	}
	argc := L.GetTop()
	if argc == 0 {
		return eng.fail(L, errTable(eng.L, "Please specify at least one argument for this redis lib call"), raise)
	}
	argv, ok := eng.luaArgs(L, argc)
	if !ok {
		return eng.fail(L, errTable(eng.L, "Lua redis lib command arguments must be strings or integers"), raise)
	}
	L.SetTop(0)
	spec, msg := eng.scriptCommand(run, argv)
	if msg != "" {
		return eng.fail(L, eng.rejectScriptCommand(spec, msg), raise)
	}
	e, fake := eng.e, eng.fake
	fake.B = fake.B[:0]
	mark := len(e.pending)
	e.call(fake, spec, argv)
	e.feedMonitors(fake, argv) // once it ran, as Redis's call()
	if run.noAOF {
		clear(e.pending[mark:])
		e.pending = e.pending[:mark]
	}
	v, isErr := respToLua(L, fake.B)
	fake.B = fake.B[:0]
	if isErr && raise {
		L.Error(v, 0)
		return 0
	}
	L.Push(v)
	return 1
}

func (eng *luaEngine) setResp(L *lua.LState) int {
	if eng.cur == nil {
		return eng.raiseErr(L, "redis.setresp can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		return eng.raiseErr(L, "redis.setresp() requires one argument.")
	}
	n, _ := luaToNumber(L.Get(1))
	resp := luaNumberToInt64(n)
	if resp != 2 && resp != 3 {
		return eng.raiseErr(L, "RESP version must be 2 or 3.")
	}
	eng.fake.Proto = int(resp)
	return 0
}

func (eng *luaEngine) setRepl(L *lua.LState) int {
	run := eng.cur
	if run == nil {
		return eng.raiseErr(L, "redis.set_repl can only be called inside a script invocation")
	}
	if L.GetTop() != 1 {
		return eng.raiseErr(L, "redis.set_repl() requires two arguments.")
	}
	n, _ := luaToNumber(L.Get(-1))
	flags := luaNumberToInt64(n)
	if flags&^(replAOF|replReplica) != 0 {
		return eng.raiseErr(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	run.noAOF = flags&replAOF == 0
	return 0
}

func (eng *luaEngine) aclCheckCmd(L *lua.LState) int {
	if eng.cur == nil {
		return eng.raiseErr(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	argc := L.GetTop()
	if argc == 0 {
		return eng.raiseErr(L, "Please specify at least one argument for this redis lib call")
	}
	argv, ok := eng.luaArgs(L, argc)
	if !ok {
		return eng.raiseErr(L, "Lua redis lib command arguments must be strings or integers")
	}
	spec := Lookup(argv[0])
	if spec != nil && len(spec.Subs) > 0 && len(argv) >= 2 {
		spec = spec.lookupSub(argv[1])
	}
	if spec == nil {
		return eng.raiseErr(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LBool(aclAllows(eng.cur.caller, spec, argv)))
	return 1
}

func (eng *luaEngine) log(L *lua.LState) int {
	argc := L.GetTop()
	if argc < 2 {
		return eng.raiseErr(L, "redis.log() requires two arguments or more.")
	}
	n, ok := luaToNumber(L.Get(1))
	if !ok {
		return eng.raiseErr(L, "First argument must be a number (log level).")
	}
	level := luaNumberToInt64(n)
	if level < logDebug || level > logWarning {
		return eng.raiseErr(L, "Invalid debug level.")
	}
	if level < int64(verbosity(eng.e.Cfg.LogLevel)) {
		return 0
	}
	var b strings.Builder
	for j := 2; j <= argc; j++ {
		var s string
		switch v := L.Get(j).(type) {
		case lua.LString:
			s = string(v)
		case lua.LNumber:
			s = lualib.FormatNumber(float64(v))
		default:
			continue
		}
		if j != 2 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	switch level {
	case logWarning:
		eng.e.Log.Warn(b.String())
	case logNotice:
		eng.e.Log.Info(b.String())
	default:
		eng.e.Log.Debug(b.String())
	}
	return 0
}

// verbosity is the redis.log level of a loglevel directive.
func verbosity(level string) int {
	switch level {
	case "debug":
		return logDebug
	case "verbose":
		return logVerbose
	case "warning":
		return logWarning
	}
	return logNotice
}

func redisSha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.Error(errTable(L, "wrong number of arguments"), 0)
		return 0
	}
	var s string
	switch v := L.Get(1).(type) {
	case lua.LString:
		s = string(v)
	case lua.LNumber:
		s = lualib.FormatNumber(float64(v))
	}
	L.Push(lua.LString(sha1Hex([]byte(s))))
	return 1
}

func (eng *luaEngine) errorReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errTable(eng.L, "wrong number or type of arguments"))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errTable(eng.L, msg))
	return 1
}

func (eng *luaEngine) statusReply(L *lua.LState) int {
	s, ok := L.Get(-1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errTable(eng.L, "wrong number or type of arguments"))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// luaToNumber is lua_tonumber: numbers, and strings that read as one.
func luaToNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		f, err := strconv.ParseFloat(strings.TrimSpace(string(x)), 64)
		if err != nil {
			if n, err := strconv.ParseInt(strings.TrimSpace(string(x)), 0, 64); err == nil {
				return float64(n), true
			}
			return 0, false
		}
		return f, true
	}
	return 0, false
}
