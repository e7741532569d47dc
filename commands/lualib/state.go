// Package lualib is the Lua 5.1 environment scripts run in (EVAL, FCALL),
// reproducing the one Redis 7.0 builds: the base, table, string, math and
// coroutine libraries without file or OS access, the cjson, cmsgpack, bit
// and struct libraries, Redis's pcall and math.random, and read-only
// globals.
//
// Redis marks every table reachable from the globals read-only and makes
// reading an undefined global an error. gopher-lua tables have no
// read-only flag, so each protected table is replaced by an empty proxy
// whose __index is the real table and whose __newindex fails; the base and
// table functions that reach past metamethods (rawset, setmetatable,
// next, table.insert ...) know the proxies. Scripts never see a real
// protected table.
//
// Using a State: load script bodies with the chunk name "user_script" so
// that positions read "user_script:1:" as in Redis; set KEYS and ARGV
// with SetGlobal before each EVAL; read globals from Go with Global (an
// undefined name read through L would raise the sandbox error). Errors
// come out of PCall as *lua.ApiError whose Object is the message string
// ("user_script:1: ..." for errors raised at a script line) or the table
// a script raised (Redis's {err=...} convention).
//
// What this package cannot change, because it lives in gopher-lua's
// compiler and virtual machine: the wording of runtime errors the VM
// raises itself ("attempt to index ..." reads differently), syntax error
// messages, the formatting of numbers by the .. operator (Go's shortest
// form instead of "%.14g"), and the iteration order of hash keys (so
// cjson and cmsgpack write multi-key objects in insertion order rather
// than Lua 5.1's hash order).
package lualib

import (
	lua "github.com/yuin/gopher-lua"
)

// State is a sandboxed Lua state. It is not safe for concurrent use.
type State struct {
	// L is the underlying interpreter. Load scripts with the chunk name
	// "user_script" so that positions read "user_script:1:" as in Redis.
	L *lua.LState

	globals *lua.LTable                 // the real globals table
	realOf  map[*lua.LTable]*lua.LTable // proxy -> protected table
	proxyOf map[*lua.LTable]*lua.LTable // protected table -> proxy
	null    *lua.LUserData
	rand    lrand48
	gc      gcSettings
	cCalls  int // nested calls from Go functions back into Lua
}

// libEnv is what the library constructors need from their State.
type libEnv struct {
	null    lua.LValue
	resolve func(*lua.LTable) *lua.LTable
}

// Globals a script may see, as Redis 7.0 allows them; anything else the
// base library defines (print, dofile, loadfile, require, module,
// getfenv, setfenv, newproxy ...) is removed.
var allowedGlobals = map[string]bool{
	"_G": true, "_VERSION": true, "assert": true, "collectgarbage": true,
	"coroutine": true, "error": true, "gcinfo": true, "getmetatable": true,
	"ipairs": true, "load": true, "loadstring": true, "next": true,
	"pairs": true, "pcall": true, "rawequal": true, "rawget": true,
	"rawset": true, "select": true, "setmetatable": true, "tonumber": true,
	"tostring": true, "type": true, "unpack": true, "xpcall": true,
	"string": true, "table": true, "math": true, "cjson": true,
	"cmsgpack": true, "bit": true, "struct": true,
}

// Messages of Redis's protection, word for word.
const (
	msgReadonly      = "Attempt to modify a readonly table"
	msgNoGlobalFmt   = "Script attempted to access nonexistent global variable '%s'"
	msgIndexArgCount = "Wrong number of arguments to luaProtectedTableError"
	msgIndexArgType  = "Second argument to luaProtectedTableError must be a string or number"
)

// NewState builds a sandboxed state. setup, when not nil, fills the
// `redis` table before the globals are protected; it may also define
// further globals with L.SetGlobal (the error handler Redis keeps there,
// a replacement pcall). Everything reachable from the globals afterwards
// is read-only, and reading an undefined global fails.
func NewState(setup func(L *lua.LState, redis *lua.LTable)) *State {
	L := lua.NewState(lua.Options{
		SkipOpenLibs: true,
		// Lua 5.1 allows 20000 nested Lua calls, but gopher-lua builds a
		// traceback for every caught error in time quadratic in the
		// depth (seconds at 20000), so scripts get 4000. The stacks grow
		// on demand.
		CallStackSize:       4000,
		MinimizeStackMemory: true,
		RegistrySize:        1024,
		RegistryMaxSize:     1 << 20,
		RegistryGrowStep:    1024,
	})
	s := &State{
		L:       L,
		realOf:  map[*lua.LTable]*lua.LTable{},
		proxyOf: map[*lua.LTable]*lua.LTable{},
		null:    L.NewUserData(),
		rand:    newLrand48(),
		gc:      gcSettings{pause: 200, stepmul: 200},
	}
	s.globals = L.G.Global
	s.openLibraries()

	redis := L.NewTable()
	L.SetGlobal("redis", redis)
	if setup != nil {
		setup(L, redis)
	}
	s.protectGlobals()
	return s
}

// Close releases the interpreter.
func (s *State) Close() { s.L.Close() }

// Null is cjson.null, the value that stands for JSON null (Redis's NULL
// light userdata). Converting it to a reply gives a nil, as any userdata.
func (s *State) Null() lua.LValue { return s.null }

// SetGlobal sets a global past the protection, as Redis does for KEYS and
// ARGV before each EVAL.
func (s *State) SetGlobal(name string, v lua.LValue) {
	s.globals.RawSetString(name, v)
}

// Global reads a global without the error Redis raises for undefined
// ones (the globals' __index would raise it outside any script call).
func (s *State) Global(name string) lua.LValue {
	return s.globals.RawGetString(name)
}

// ReadOnly returns a read-only view of t, protecting every table reachable
// from it too. Writes through the view fail as in Redis.
func (s *State) ReadOnly(t *lua.LTable) *lua.LTable {
	return s.protect(t)
}

func (s *State) env() *libEnv {
	return &libEnv{null: s.null, resolve: s.resolve}
}

func (s *State) openLibraries() {
	L := s.L
	for _, open := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.StringLibName, lua.OpenString},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(open.fn))
		L.Push(lua.LString(open.name))
		L.Call(1, 0)
	}
	g := s.globals
	// Drop what Redis does not offer.
	var drop []lua.LValue
	for k, _ := g.Next(lua.LNil); k != lua.LNil; k, _ = g.Next(k) {
		if name, ok := k.(lua.LString); !ok || !allowedGlobals[string(name)] {
			drop = append(drop, k)
		}
	}
	for _, k := range drop {
		g.RawSet(k, lua.LNil)
	}
	s.openBase()
	g.RawSetString("table", newTableLib(L, s))
	s.openString()
	g.RawSetString("math", newMathLib(L, s))
	s.openCoroutine()

	env := s.env()
	g.RawSetString("cjson", newCjsonLib(L, env))
	g.RawSetString("struct", newStructLib(L))
	g.RawSetString("cmsgpack", newMsgpackLib(L, env.resolve))
	g.RawSetString("bit", newBitLib(L))
}

// protectGlobals makes the globals read-only and undefined globals an
// error, then points the interpreter at the proxy.
func (s *State) protectGlobals() {
	L := s.L
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(globalIndexError))
	s.globals.Metatable = mt
	// Strings' metatable is read-only in Redis too.
	if smt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		s.protect(smt)
	}
	g := s.protect(s.globals)
	L.G.Global = g
	L.Env = g
}

// protect returns the proxy of t, creating it and protecting everything
// reachable from t on first use: table values are replaced by their
// proxies and the metatable is protected as well.
func (s *State) protect(t *lua.LTable) *lua.LTable {
	if _, ok := s.realOf[t]; ok {
		return t // already a proxy
	}
	if p, ok := s.proxyOf[t]; ok {
		return p
	}
	L := s.L
	p := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(readonlyError))
	p.Metatable = mt
	s.proxyOf[t] = p
	s.realOf[p] = t

	var keys []lua.LValue
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if _, ok := v.(*lua.LTable); ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		t.RawSet(k, s.protect(t.RawGet(k).(*lua.LTable)))
	}
	// The metatable stays the real one so that metamethods keep working;
	// getmetatable hands out its proxy.
	if m, ok := t.Metatable.(*lua.LTable); ok {
		s.protect(m)
	}
	return p
}

// resolve returns the table a proxy stands for, or t itself.
func (s *State) resolve(t *lua.LTable) *lua.LTable {
	if r, ok := s.realOf[t]; ok {
		return r
	}
	return t
}

// isReadOnly reports whether t is a protected view.
func (s *State) isReadOnly(t *lua.LTable) bool {
	_, ok := s.realOf[t]
	return ok
}

// checkWritable fails like Redis's read-only tables when t is protected.
func (s *State) checkWritable(L *lua.LState, t *lua.LTable) {
	if s.isReadOnly(t) {
		raisePlain(L, msgReadonly)
	}
}

// readonlyError is the __newindex of every proxy.
func readonlyError(L *lua.LState) int {
	raise(L, msgReadonly)
	return 0
}

// globalIndexError is the __index of the globals: reading an undefined
// global is an error in Redis.
func globalIndexError(L *lua.LState) int {
	if L.GetTop() != 2 {
		raise(L, msgIndexArgCount)
	}
	name, ok := toLString(L.Get(2))
	if !ok {
		raise(L, msgIndexArgType)
	}
	raise(L, msgNoGlobalFmt, cString(name))
	return 0
}
