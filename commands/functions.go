package commands

import (
	"encoding/binary"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"sundial/config"
)

// Functions (Redis 7.0): libraries of Lua code loaded with FUNCTION LOAD,
// whose registered functions FCALL runs. Libraries live in their own Lua
// state. While a library's code loads it sees only a small `redis` table
// (register_function, log, the version); its functions, when called, see
// the full environment scripts have. Both go through one globals table
// whose __index is switched, as Redis does.

// functionLoadTimeout bounds how long library code may run while it
// loads (registering functions should be quick).
const functionLoadTimeout = 500 * time.Millisecond

// Error replies of the functions family.
const (
	errFuncNotFound   = "ERR Function not found"
	errBadNumKeys     = "ERR Bad number of keys provided"
	errLibNotFound    = "ERR Library not found"
	errBadLibName     = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
	errNoFunctions    = "ERR No functions registered"
	errBadDumpPayload = "ERR DUMP payload version or checksum are wrong"
)

// RDB opcodes of function libraries in DUMP payloads and snapshots.
const (
	rdbOpcodeFunction2     = 245
	rdbOpcodeFunctionPreGA = 246
)

var functionSubcommands = []*Spec{
	{Name: "load", Run: cmdFunctionLoad},
	{Name: "list", Run: cmdFunctionList},
	{Name: "delete", Run: cmdFunctionDelete},
	{Name: "flush", Run: cmdFunctionFlush},
	{Name: "dump", Run: cmdFunctionDump},
	{Name: "restore", Run: cmdFunctionRestore},
	{Name: "stats", Run: cmdFunctionStats},
	{Name: "kill", Run: func(c *Client, args [][]byte) { c.e.killScript(c, false) }},
	{Name: "help", Run: cmdFunctionHelp},
}

// library is a loaded function library.
type library struct {
	name  string
	code  string // the whole code, shebang included
	funcs []*luaFunction
}

// luaFunction is a function a library registered.
type luaFunction struct {
	name    string
	desc    string
	hasDesc bool
	flags   scriptFlags
	fn      lua.LValue
	lib     *library
}

// libEngine is what the functions' Lua state adds to a luaEngine.
type libEngine struct {
	env     *lua.LTable // globals of library code: empty, reads go to envMeta.__index
	envMeta *lua.LTable
	globals lua.LValue // what functions see at run time
	loadAPI lua.LValue // what library code sees while it loads
	load    *libraryLoad
}

// libraryLoad is a library whose code is running to register functions.
type libraryLoad struct {
	lib      *library
	start    time.Time
	noLimit  bool
	timedOut bool
}

// loading returns the library load in progress, if any.
func (eng *luaEngine) loading() *libraryLoad {
	if eng.lib == nil {
		return nil
	}
	return eng.lib.load
}

func (le *libEngine) init(eng *luaEngine) {
	L := eng.L
	le.globals = L.G.Global
	loadRedis := L.NewTable()
	loadRedis.RawSetString("register_function", L.NewFunction(eng.registerFunction))
	registerLog(L, loadRedis, eng)
	registerVersion(loadRedis)
	loadRedis.Metatable = missingGlobalMeta(L)
	api := L.NewTable()
	api.RawSetString("redis", loadRedis)
	api.Metatable = missingGlobalMeta(L)
	le.loadAPI = eng.st.ReadOnly(api)

	le.env = L.NewTable()
	le.envMeta = L.NewTable()
	le.envMeta.RawSetString("__index", le.globals)
	le.envMeta.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.Error(lua.LString(luaWhere(L, 1)+"Attempt to modify a readonly table"), 0)
		return 0
	}))
	le.env.Metatable = le.envMeta
}

// missingGlobalMeta is a metatable whose __index fails like a read of an
// undefined global.
func missingGlobalMeta(L *lua.LState) *lua.LTable {
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name := ""
		switch k := L.Get(2).(type) {
		case lua.LString:
			name = string(k)
		case lua.LNumber:
			name = lua.LNumber(k).String()
		}
		L.Error(lua.LString(luaWhere(L, 1)+"Script attempted to access nonexistent global variable '"+name+"'"), 0)
		return 0
	}))
	return mt
}

// luaWhere is luaL_where: "source:line: " of the function level steps up
// the stack when it is Lua code, else "".
func luaWhere(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + itoa(dbg.CurrentLine) + ": "
}

func itoa(n int) string { return lua.LNumber(n).String() }

// fnEngine returns the functions' interpreter, creating it on first use.
func (e *Engine) fnEngine() *luaEngine {
	r := &e.scripts
	if r.fn == nil {
		r.fn = newLuaEngine(e, true)
		r.libs = make(map[string]*library)
		r.funcs = make(map[string]*luaFunction)
	}
	return r.fn
}

// validFunctionName: letters, digits and underscores, at least one.
func validFunctionName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// libraryMeta parses the "#!lua name=<lib>" line of library code and
// returns the name and the code to compile (from the end of that line).
func libraryMeta(code string) (name, body string, msg string) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", "ERR Missing library metadata"
	}
	// Redis finds the end of the line with strchr: a NUL byte before the
	// first newline ends the search as if there were none.
	nl := strings.IndexByte(code, '\n')
	if nl < 0 || strings.IndexByte(code[:nl], 0) >= 0 {
		return "", "", "ERR Invalid library metadata"
	}
	parts, ok := config.SplitArgs(code[:nl])
	if !ok || len(parts) == 0 {
		return "", "", "ERR Invalid library metadata"
	}
	engine := parts[0][2:]
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(p[:5], "name=") {
			if hasName {
				return "", "", "ERR Invalid metadata value, name argument was given multiple times"
			}
			name, hasName = p[5:], true
			continue
		}
		return "", "", "ERR Invalid metadata value given: " + p
	}
	if !hasName {
		return "", "", "ERR Library name was not given"
	}
	if !validFunctionName(name) {
		return "", "", "ERR " + errBadLibName
	}
	if !strings.EqualFold(engine, "lua") {
		return "", "", "ERR Engine '" + engine + "' not found"
	}
	return name, code[nl:], ""
}

// libraryContext is a set of libraries and the functions they register:
// the live one, or one being built by FUNCTION RESTORE.
type libraryContext struct {
	libs  map[string]*library
	funcs map[string]*luaFunction
}

func (e *Engine) liveLibraries() *libraryContext {
	e.fnEngine()
	return &libraryContext{libs: e.scripts.libs, funcs: e.scripts.funcs}
}

func (lc *libraryContext) link(lib *library) {
	lc.libs[lib.name] = lib
	for _, f := range lib.funcs {
		lc.funcs[strings.ToLower(f.name)] = f
	}
}

func (lc *libraryContext) unlink(lib *library) {
	delete(lc.libs, lib.name)
	for _, f := range lib.funcs {
		delete(lc.funcs, strings.ToLower(f.name))
	}
}

// createLibrary compiles code and adds its library to lc; the error is
// the full reply text.
func (e *Engine) createLibrary(lc *libraryContext, code string, replace, noLimit bool) (string, string) {
	name, body, msg := libraryMeta(code)
	if msg != "" {
		return "", msg
	}
	old := lc.libs[name]
	if old != nil && !replace {
		return "", "ERR Library '" + name + "' already exists"
	}
	if old != nil {
		lc.unlink(old)
	}
	lib := &library{name: name, code: code}
	if msg := e.fnEngine().loadLibrary(lib, body, noLimit); msg != "" {
		if old != nil {
			lc.link(old)
		}
		return "", msg
	}
	for _, f := range lib.funcs {
		if lc.funcs[strings.ToLower(f.name)] != nil {
			if old != nil {
				lc.link(old)
			}
			return "", "ERR Function " + f.name + " already exists"
		}
	}
	lc.link(lib)
	return name, ""
}

// loadLibrary compiles and runs library code so that it registers its
// functions into lib.
func (eng *luaEngine) loadLibrary(lib *library, body string, noLimit bool) string {
	fn, msg := eng.compile([]byte(body), "user_function")
	if msg != "" {
		return "ERR Error compiling function: " + msg
	}
	fn.Env = eng.lib.env
	le := eng.lib
	ld := &libraryLoad{lib: lib, start: time.Now(), noLimit: noLimit}
	le.load = ld
	le.envMeta.RawSetString("__index", le.loadAPI)
	eng.hook.reset(!noLimit)
	L := eng.L
	defer func() {
		le.envMeta.RawSetString("__index", le.globals)
		le.load = nil
		L.SetTop(0)
	}()
	L.Push(fn)
	err := L.PCall(0, 0, nil)
	timedOut := ld.timedOut
	if err == nil {
		if len(lib.funcs) == 0 {
			return errNoFunctions
		}
		return ""
	}
	if timedOut {
		return "ERR Error registering functions: ERR FUNCTION LOAD timeout"
	}
	var obj lua.LValue = lua.LString(err.Error())
	if ae, ok := err.(*lua.ApiError); ok {
		obj = ae.Object
	}
	msg = "ERR " + eng.toString(obj)
	if t, ok := obj.(*lua.LTable); ok {
		msg, _ = eng.stringField(t, "err")
	}
	return "ERR Error registering functions: " + msg
}

// registerFunction is redis.register_function, offered while a library
// loads: (name, callback) or a table of named arguments.
func (eng *luaEngine) registerFunction(L *lua.LState) int {
	ld := eng.loading()
	if ld == nil {
		return eng.raiseErr(L, "redis.register_function can only be called on FUNCTION LOAD command")
	}
	argc := L.GetTop()
	if argc < 1 || argc > 2 {
		return eng.raiseErr(L, "wrong number of arguments to redis.register_function")
	}
	f := &luaFunction{lib: ld.lib}
	if argc == 1 {
		if msg := eng.namedFunctionArgs(L, f); msg != "" {
			return eng.raiseErr(L, msg)
		}
	} else {
		name, ok := luaStringArg(L.Get(1))
		if !ok {
			return eng.raiseErr(L, "first argument to redis.register_function must be a string")
		}
		if L.Get(2).Type() != lua.LTFunction {
			return eng.raiseErr(L, "second argument to redis.register_function must be a function")
		}
		f.name, f.fn = name, L.Get(2)
	}
	if !validFunctionName(f.name) {
		return eng.raiseErr(L, errBadLibName)
	}
	for _, g := range ld.lib.funcs {
		if g.name == f.name {
			return eng.raiseErr(L, "Function already exists in the library")
		}
	}
	ld.lib.funcs = append(ld.lib.funcs, f)
	return 0
}

// luaStringArg is lua_isstring + lua_tostring.
func luaStringArg(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return x.String(), true
	}
	return "", false
}

func (eng *luaEngine) namedFunctionArgs(L *lua.LState, f *luaFunction) string {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		return "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
	}
	hasName := false
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		key, ok := luaStringArg(k)
		if !ok {
			return "named argument key given to redis.register_function is not a string"
		}
		switch strings.ToLower(key) {
		case "function_name":
			if f.name, ok = luaStringArg(v); !ok {
				return "function_name argument given to redis.register_function must be a string"
			}
			hasName = true
		case "description":
			if f.desc, ok = luaStringArg(v); !ok {
				return "description argument given to redis.register_function must be a string"
			}
			f.hasDesc = true
		case "callback":
			if v.Type() != lua.LTFunction {
				return "callback argument given to redis.register_function must be a function"
			}
			f.fn = v
		case "flags":
			ft, ok := v.(*lua.LTable)
			if !ok {
				return "flags argument to redis.register_function must be a table representing function flags"
			}
			for i := 1; ; i++ {
				x := ft.RawGetInt(i)
				if x == lua.LNil {
					break
				}
				s, ok := luaStringArg(x)
				flag := lookupScriptFlag(s, true)
				if !ok || flag == 0 {
					return "unknown flag given"
				}
				f.flags |= flag
			}
		default:
			return "unknown argument given to redis.register_function"
		}
	}
	if !hasName {
		return "redis.register_function must get a function name argument"
	}
	if f.fn == nil {
		return "redis.register_function must get a callback argument"
	}
	return ""
}

func cmdFunctionLoad(c *Client, args [][]byte) {
	replace := false
	for _, a := range args[2 : len(args)-1] {
		if !strings.EqualFold(string(a), "replace") {
			c.Error("ERR Unknown option given: " + string(a))
			return
		}
		replace = true
	}
	name, msg := c.e.createLibrary(c.e.liveLibraries(), string(args[len(args)-1]), replace, c.replay)
	if msg != "" {
		c.Error(msg)
		return
	}
	c.Dirty(1)
	c.BulkString(name)
}

func fcallGeneric(c *Client, args [][]byte, ro bool) {
	// Shown to MONITOR before the commands it runs, even when refused.
	c.e.feedMonitorsAlways(c, args)
	e := c.e
	e.fnEngine()
	f := e.scripts.funcs[strings.ToLower(string(args[1]))]
	if f == nil {
		c.Error(errFuncNotFound)
		return
	}
	numkeys, ok := parseNumKeys(c, args, errBadNumKeys)
	if !ok {
		return
	}
	if !checkScriptFlags(c, f.flags, ro) {
		return
	}
	fn, isLua := f.fn.(*lua.LFunction)
	if !isLua {
		c.Error(errFuncNotFound)
		return
	}
	run := &scriptRun{
		name:     f.name,
		readOnly: ro || f.flags&flagNoWrites != 0,
		allowOOM: f.flags&flagAllowOOM != 0,
	}
	e.scripts.fn.run(c, run, fn, args[3:3+numkeys], args[3+numkeys:])
}

// sortedLibraries lists the libraries by name.
func (e *Engine) sortedLibraries() []*library {
	libs := make([]*library, 0, len(e.scripts.libs))
	for _, l := range e.scripts.libs {
		libs = append(libs, l)
	}
	sort.Slice(libs, func(i, j int) bool { return libs[i].name < libs[j].name })
	return libs
}

func cmdFunctionList(c *Client, args [][]byte) {
	withCode, hasPattern := false, false
	var pattern []byte
	for i := 2; i < len(args); i++ {
		a := string(args[i])
		if !withCode && strings.EqualFold(a, "withcode") {
			withCode = true
			continue
		}
		if !hasPattern && strings.EqualFold(a, "libraryname") {
			if i >= len(args)-1 {
				c.Error("ERR library name argument was not given")
				return
			}
			i++
			pattern, hasPattern = args[i], true
			continue
		}
		c.Error("ERR Unknown argument " + a)
		return
	}
	c.e.fnEngine()
	var libs []*library
	for _, l := range c.e.sortedLibraries() {
		if !hasPattern || GlobMatch(pattern, []byte(l.name), true) {
			libs = append(libs, l)
		}
	}
	c.Array(len(libs))
	for _, l := range libs {
		if withCode {
			c.Map(4)
		} else {
			c.Map(3)
		}
		c.BulkString("library_name")
		c.BulkString(l.name)
		c.BulkString("engine")
		c.BulkString("LUA")
		c.BulkString("functions")
		c.Array(len(l.funcs))
		for _, f := range l.funcs {
			c.Map(3)
			c.BulkString("name")
			c.BulkString(f.name)
			c.BulkString("description")
			if f.hasDesc {
				c.BulkString(f.desc)
			} else {
				c.Null()
			}
			c.BulkString("flags")
			n := 0
			for _, fl := range scriptFlagNames {
				if f.flags&fl.flag != 0 {
					n++
				}
			}
			c.Set(n)
			for _, fl := range scriptFlagNames {
				if f.flags&fl.flag != 0 {
					c.Simple(fl.name)
				}
			}
		}
		if withCode {
			c.BulkString("library_code")
			c.BulkString(l.code)
		}
	}
}

func cmdFunctionDelete(c *Client, args [][]byte) {
	lc := c.e.liveLibraries()
	lib := lc.libs[string(args[2])]
	if lib == nil {
		c.Error(errLibNotFound)
		return
	}
	lc.unlink(lib)
	c.Dirty(1)
	c.OK()
}

func cmdFunctionFlush(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	if len(args) == 3 && !strings.EqualFold(string(args[2]), "sync") && !strings.EqualFold(string(args[2]), "async") {
		c.Error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
		return
	}
	c.e.flushFunctions()
	c.Dirty(1)
	c.OK()
}

// flushFunctions drops every library and the interpreter they ran in.
func (e *Engine) flushFunctions() {
	r := &e.scripts
	if r.fn != nil {
		r.fn.close()
		r.fn = nil
	}
	r.libs, r.funcs = nil, nil
}

func cmdFunctionDump(c *Client, args [][]byte) {
	c.Bulk(c.e.FunctionsDump())
}

// FunctionsDump serialises every library as FUNCTION DUMP does: for each
// library the RDB function opcode and its code as an RDB string, then the
// RDB version and a CRC64. FunctionsRestore loads it back. The caller
// holds Mu.
func (e *Engine) FunctionsDump() []byte {
	var b []byte
	for _, l := range e.sortedLibraries() {
		b = append(b, rdbOpcodeFunction2)
		b = appendRDBString(b, []byte(l.code))
	}
	b = binary.LittleEndian.AppendUint16(b, dumpRDBVersion)
	return binary.LittleEndian.AppendUint64(b, redisCRC64(0, b))
}

// FunctionLibraries returns the code of every loaded library, sorted by
// library name; LoadFunctionLibrary loads one back (FUNCTION LOAD
// REPLACE without the load time limit). Persistence uses them to keep
// libraries across restarts. The caller holds Mu.
func (e *Engine) FunctionLibraries() []string {
	var out []string
	for _, l := range e.sortedLibraries() {
		out = append(out, l.code)
	}
	return out
}

// LoadFunctionLibrary loads library code, replacing a library of the
// same name; the error is Redis's reply text. The caller holds Mu.
func (e *Engine) LoadFunctionLibrary(code string) error {
	if _, msg := e.createLibrary(e.liveLibraries(), code, true, true); msg != "" {
		return scriptError(msg)
	}
	return nil
}

// FunctionsRestore replaces every library with those of a FunctionsDump
// payload. The caller holds Mu.
func (e *Engine) FunctionsRestore(payload []byte) error {
	if msg := e.restoreFunctions(payload, "flush"); msg != "" {
		return scriptError(msg)
	}
	return nil
}

type scriptError string

func (s scriptError) Error() string { return string(s) }

func cmdFunctionRestore(c *Client, args [][]byte) {
	if len(args) > 4 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	policy := "append"
	if len(args) == 4 {
		policy = strings.ToLower(string(args[3]))
		if policy != "append" && policy != "replace" && policy != "flush" {
			c.Error("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
			return
		}
	}
	if msg := c.e.restoreFunctions(args[2], policy); msg != "" {
		c.Error(msg)
		return
	}
	c.Dirty(1)
	c.OK()
}

// restoreFunctions loads a DUMP payload's libraries with a policy:
// flush (replace all), append (fail on a name clash) or replace.
func (e *Engine) restoreFunctions(payload []byte, policy string) string {
	body, ok := verifyDumpPayload(payload)
	if !ok {
		return errBadDumpPayload
	}
	e.fnEngine()
	tmp := &libraryContext{libs: map[string]*library{}, funcs: map[string]*luaFunction{}}
	for pos := 0; pos < len(body); {
		switch body[pos] {
		case rdbOpcodeFunction2:
		case rdbOpcodeFunctionPreGA:
			return "ERR Pre-GA function format not supported"
		default:
			return "ERR given type is not a function"
		}
		code, next, ok := readRDBString(body, pos+1)
		if !ok {
			return "ERR Failed loading library payload"
		}
		pos = next
		if _, msg := e.createLibrary(tmp, string(code), false, true); msg != "" {
			return msg
		}
	}
	live := e.liveLibraries()
	if policy == "flush" {
		e.scripts.libs, e.scripts.funcs = tmp.libs, tmp.funcs
		return ""
	}
	return joinLibraries(live, tmp, policy == "replace")
}

// joinLibraries moves the libraries of src into dst (FUNCTION RESTORE
// APPEND/REPLACE); on a clash nothing changes.
func joinLibraries(dst, src *libraryContext, replace bool) string {
	names := make([]string, 0, len(src.libs))
	for n := range src.libs {
		names = append(names, n)
	}
	sort.Strings(names)
	var replaced []*library
	undo := func() {
		for _, l := range replaced {
			dst.link(l)
		}
	}
	for _, n := range names {
		if old := dst.libs[n]; old != nil {
			if !replace {
				undo()
				return "ERR Library " + n + " already exists"
			}
			dst.unlink(old)
			replaced = append(replaced, old)
		}
	}
	for _, n := range names {
		for _, f := range src.libs[n].funcs {
			if dst.funcs[strings.ToLower(f.name)] != nil {
				undo()
				return "ERR Function " + f.name + " already exists"
			}
		}
	}
	for _, n := range names {
		dst.link(src.libs[n])
	}
	return ""
}

func cmdFunctionStats(c *Client, args [][]byte) {
	e := c.e
	run := e.scripts.run
	if run != nil && run.isEval {
		c.Error(errBusyEval)
		return
	}
	e.fnEngine()
	c.Map(2)
	c.BulkString("running_script")
	if run == nil {
		c.Null()
	} else {
		c.Map(3)
		c.BulkString("name")
		c.BulkString(run.name)
		c.BulkString("command")
		c.Array(len(run.caller.args))
		for _, a := range run.caller.args {
			c.Bulk(a)
		}
		c.BulkString("duration_ms")
		c.Int(time.Since(run.start).Milliseconds())
	}
	c.BulkString("engines")
	c.Map(1)
	c.BulkString("LUA")
	c.Map(2)
	c.BulkString("libraries_count")
	c.Int(int64(len(e.scripts.libs)))
	c.BulkString("functions_count")
	c.Int(int64(len(e.scripts.funcs)))
}

func cmdFunctionHelp(c *Client, args [][]byte) {
	c.helpReply("FUNCTION", []string{
		"LOAD [REPLACE] <FUNCTION CODE>",
		"    Create a new library with the given library name and code.",
		"DELETE <LIBRARY NAME>",
		"    Delete the given library.",
		"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
		"    Return general information on all the libraries:",
		"    * Library name",
		"    * The engine used to run the Library",
		"    * Library description",
		"    * Functions list",
		"    * Library code (if WITHCODE is given)",
		"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
		"STATS",
		"    Return information about the current function running:",
		"    * Function name",
		"    * Command used to run the function",
		"    * Duration in MS that the function is running",
		"    If no function is running, return nil",
		"    In addition, returns a list of available engines.",
		"KILL",
		"    Kill the current running function.",
		"FLUSH [ASYNC|SYNC]",
		"    Delete all the libraries.",
		"    When called without the optional mode argument, the behavior is determined by the",
		"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
		"    * ASYNC: Asynchronously flush the libraries.",
		"    * SYNC: Synchronously flush the libraries.",
		"DUMP",
		"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
		"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
		"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
		"    control how to handle existing libraries (default APPEND):",
		"    * FLUSH: delete all existing libraries.",
		"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
		"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
		"      libraries with the new libraries (notice that even on this option there is a chance of failure",
		"      in case of functions name collision with another library).",
	})
}
