package lualib

import (
	"math"
	"runtime/metrics"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Base functions replaced with Lua 5.1's behaviour (lbaselib.c): those
// that must see through read-only proxies (next, pairs, ipairs, rawget,
// rawset, getmetatable, setmetatable, unpack), those whose gopher-lua
// versions format or parse numbers differently (tostring, tonumber), and
// those that would be unsafe in a server (collectgarbage forcing a full
// Go collection, unpack pushing unbounded results).

// checkAny is luaL_checkany.
func checkAny(L *lua.LState, n int) lua.LValue {
	if n > L.GetTop() {
		argError(L, n, "value expected")
	}
	return L.Get(n)
}

func (s *State) openBase() {
	L := s.L
	g := s.globals
	// pairs returns its own copy of next, as Lua 5.1's does.
	next := L.NewFunction(s.baseNext)
	ipairsAux := L.NewFunction(s.ipairsAux)
	g.RawSetString("next", L.NewFunction(s.baseNext))
	g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		L.Push(next)
		L.Push(t)
		L.Push(lua.LNil)
		return 3
	}))
	g.RawSetString("ipairs", L.NewFunction(func(L *lua.LState) int {
		t := checkTable(L, 1)
		L.Push(ipairsAux)
		L.Push(t)
		L.Push(lua.LNumber(0))
		return 3
	}))
	funcs := map[string]lua.LGFunction{
		"rawget":         s.rawGet,
		"rawset":         s.rawSet,
		"getmetatable":   s.getMetatable,
		"setmetatable":   s.setMetatable,
		"tostring":       s.toString,
		"tonumber":       toNumberFn,
		"unpack":         s.unpack,
		"collectgarbage": s.collectGarbage,
		"gcinfo":         gcInfo,
		"error":          baseError,
		"select":         baseSelect,
		"type":           baseType,
		"rawequal":       baseRawEqual,
		"loadstring":     baseLoadString,
		"load":           s.baseLoad,
		"xpcall":         s.xpcall(g.RawGetString("xpcall").(*lua.LFunction).GFunction),
		"pcall":          s.redisPCall,
	}
	for name, fn := range funcs {
		g.RawSetString(name, L.NewFunction(fn))
	}
}

func (s *State) baseNext(L *lua.LState) int {
	t := s.resolve(checkTable(L, 1))
	k, v := t.Next(L.Get(2))
	if k == lua.LNil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(k)
	L.Push(v)
	return 2
}

func (s *State) ipairsAux(L *lua.LState) int {
	i := checkInt(L, 2) + 1
	t := s.resolve(checkTable(L, 1))
	v := t.RawGetInt(i)
	if v == lua.LNil {
		return 0
	}
	L.Push(lua.LNumber(i))
	L.Push(v)
	return 2
}

func (s *State) rawGet(L *lua.LState) int {
	t := s.resolve(checkTable(L, 1))
	L.Push(t.RawGet(checkAny(L, 2)))
	return 1
}

func (s *State) rawSet(L *lua.LState) int {
	t := checkTable(L, 1)
	k := checkAny(L, 2)
	v := checkAny(L, 3)
	s.checkWritable(L, t)
	rawSetChecked(L, t, k, v)
	L.SetTop(1)
	return 1
}

// rawSetChecked stores t[k] = v with Lua's key checks.
func rawSetChecked(L *lua.LState, t *lua.LTable, k, v lua.LValue) {
	switch key := k.(type) {
	case *lua.LNilType:
		raisePlain(L, "table index is nil")
	case lua.LNumber:
		if key != key {
			raisePlain(L, "table index is NaN")
		}
	}
	t.RawSet(k, v)
}

// metatableOf returns the metatable scripts see for v: the proxy of a
// protected metatable, and the real metatable behind a proxy.
func (s *State) metatableOf(v lua.LValue) *lua.LTable {
	var mt lua.LValue
	if t, ok := v.(*lua.LTable); ok {
		mt = s.resolve(t).Metatable
	} else {
		mt = s.L.GetMetatable(v)
	}
	m, _ := mt.(*lua.LTable)
	return m
}

func (s *State) getMetatable(L *lua.LState) int {
	m := s.metatableOf(checkAny(L, 1))
	if m == nil {
		L.Push(lua.LNil)
		return 1
	}
	if field := m.RawGetString("__metatable"); field != lua.LNil {
		L.Push(field)
		return 1
	}
	if p, ok := s.proxyOf[m]; ok {
		L.Push(p)
		return 1
	}
	L.Push(m)
	return 1
}

func (s *State) setMetatable(L *lua.LState) int {
	mtv := L.Get(2)
	t := checkTable(L, 1)
	mt, isTable := mtv.(*lua.LTable)
	if mtv != lua.LNil && !isTable {
		argError(L, 2, "nil or table expected")
	}
	if m := s.metatableOf(t); m != nil && m.RawGetString("__metatable") != lua.LNil {
		raise(L, "cannot change a protected metatable")
	}
	s.checkWritable(L, t)
	if isTable {
		// A protected table used as a metatable lends its real fields.
		t.Metatable = s.resolve(mt)
	} else {
		t.Metatable = lua.LNil
	}
	L.SetTop(1)
	return 1
}

func (s *State) toString(L *lua.LState) int {
	v := checkAny(L, 1)
	if mm := L.GetMetaField(v, "__tostring"); mm != lua.LNil {
		s.callC(L, 1, mm, v)
		return 1
	}
	switch x := v.(type) {
	case lua.LNumber:
		L.Push(lua.LString(FormatNumber(float64(x))))
	case *lua.LUserData:
		if x == s.null {
			L.Push(lua.LString("userdata: (nil)"))
		} else {
			L.Push(lua.LString(x.String()))
		}
	default:
		L.Push(lua.LString(v.String()))
	}
	return 1
}

// toNumberFn is Lua 5.1's tonumber: base 10 accepts what the lexer reads
// as a number (hex included); other bases use strtoul.
func toNumberFn(L *lua.LState) int {
	base := optInt(L, 2, 10)
	if base == 10 {
		v := checkAny(L, 1)
		if f, ok := toNumber(v); ok {
			L.Push(lua.LNumber(f))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}
	str := checkString(L, 1)
	if base < 2 || base > 36 {
		argError(L, 2, "base out of range")
	}
	if n, ok := strtoul(cString(str), base); ok {
		L.Push(lua.LNumber(float64(n)))
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// strtoul parses s as C's strtoul does, then requires only trailing
// white space. A minus sign negates modulo 2^64; overflow saturates.
func strtoul(s string, base int) (uint64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 16 && i+2 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' && digitValue(s[i+2]) < 16 {
		i += 2
	}
	start := i
	var n uint64
	overflow := false
	for i < len(s) {
		d := digitValue(s[i])
		if d >= base {
			break
		}
		if n > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		n = n*uint64(base) + uint64(d)
		i++
	}
	if i == start {
		return 0, false
	}
	if overflow {
		n = math.MaxUint64
	} else if neg {
		n = -n
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return n, i == len(s)
}

func digitValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'z':
		return int(c|0x20-'a') + 10
	}
	return 99
}

func (s *State) unpack(L *lua.LState) int {
	t := s.resolve(checkTable(L, 1))
	i := optInt(L, 2, 1)
	e := t.Len()
	if L.Get(3) != lua.LNil {
		e = checkInt(L, 3)
	}
	if i > e {
		return 0
	}
	n := int64(e) - int64(i) + 1
	if n >= math.MaxInt32 || int64(L.GetTop())+n > luaMaxCStack {
		raise(L, "too many results to unpack")
	}
	for ; i <= e; i++ {
		L.Push(t.RawGetInt(i))
	}
	return int(n)
}

// gcSettings are the values collectgarbage("setpause"/"setstepmul")
// report back; the Go collector itself is not steered by scripts.
type gcSettings struct {
	pause, stepmul int
}

var gcOptions = []string{"stop", "restart", "collect", "count", "step", "setpause", "setstepmul"}

// heapKB is the live heap in KB, the closest Go figure to Lua's count.
func heapKB() float64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(sample[0].Value.Uint64()) / 1024
}

// collectGarbage keeps Lua 5.1's interface but never forces a collection:
// a full Go GC on the server's heap is far costlier than Lua's was.
func (s *State) collectGarbage(L *lua.LState) int {
	opt := 2 // "collect"
	if L.Get(1) != lua.LNil {
		opt = checkOption(L, 1, gcOptions)
	}
	arg := optInt(L, 2, 0)
	switch gcOptions[opt] {
	case "count":
		L.Push(lua.LNumber(heapKB()))
	case "step":
		L.Push(lua.LFalse)
	case "setpause":
		L.Push(lua.LNumber(s.gc.pause))
		s.gc.pause = arg
	case "setstepmul":
		L.Push(lua.LNumber(s.gc.stepmul))
		s.gc.stepmul = arg
	default:
		L.Push(lua.LNumber(0))
	}
	return 1
}

func gcInfo(L *lua.LState) int {
	L.Push(lua.LNumber(math.Floor(heapKB())))
	return 1
}

// xpcall wraps gopher-lua's xpcall in the nested call count; past the
// limit the handler gets Lua's message.
func (s *State) xpcall(impl lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if !s.enterC() {
			handler := L.Get(2)
			L.SetTop(0)
			L.Push(lua.LFalse)
			s.callC(L, 1, handler, lua.LString(msgCStackOverflow))
			return 2
		}
		defer s.leaveC()
		return impl(L)
	}
}

// whereLevel is luaL_where(L, level): the position of the function level
// steps up the stack when it is Lua code.
func whereLevel(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine <= 0 {
		return ""
	}
	return shortSource(dbg.Source) + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
}

// baseError is Lua 5.1's error: string messages get the position of the
// given level (1, the caller, by default).
func baseError(L *lua.LState) int {
	level := optInt(L, 2, 1)
	v := L.Get(1)
	if s, ok := toLString(v); ok && level > 0 {
		v = lua.LString(whereLevel(L, level) + s)
	}
	L.Error(v, 0)
	return 0
}

func baseSelect(L *lua.LState) int {
	n := L.GetTop()
	if s, ok := L.Get(1).(lua.LString); ok && len(s) > 0 && s[0] == '#' {
		L.Push(lua.LNumber(n - 1))
		return 1
	}
	i := checkInt(L, 1)
	if i < 0 {
		i = n + i
	} else if i > n {
		i = n
	}
	if i < 1 {
		argError(L, 1, "index out of range")
	}
	return n - i
}

func baseType(L *lua.LState) int {
	L.Push(lua.LString(checkAny(L, 1).Type().String()))
	return 1
}

func baseRawEqual(L *lua.LState) int {
	a := checkAny(L, 1)
	b := checkAny(L, 2)
	L.Push(lua.LBool(a == b))
	return 1
}

// chunkID is luaO_chunkid: how Lua names a chunk in messages. gopher-lua
// prints chunk names as given, so chunks are named this way when loaded.
func chunkID(source string) string {
	const idSize = 60
	source = cString(source)
	switch {
	case strings.HasPrefix(source, "="):
		s := source[1:]
		if len(s) > idSize-1 {
			s = s[:idSize-1]
		}
		return s
	case strings.HasPrefix(source, "@"):
		s := source[1:]
		max := idSize - len(" '...' ") - 1
		if len(s) > max {
			return "..." + s[len(s)-max:]
		}
		return s
	}
	n := strings.IndexAny(source, "\n\r")
	if n < 0 {
		n = len(source)
	}
	max := idSize - len(" [string \"...\"] ") - 1
	if n > max {
		n = max
	}
	if n < len(source) {
		return `[string "` + source[:n] + `..."]`
	}
	return `[string "` + source + `"]`
}

// compile loads code as a function of the sandbox, returning nil and the
// message on a syntax error as load and loadstring do.
func compile(L *lua.LState, code, chunkname string) int {
	name := chunkID(chunkname)
	if strings.HasPrefix(code, "\x1b") {
		// Redis's Lua never loads precompiled chunks: their escape byte
		// reaches the parser as text.
		L.Push(lua.LNil)
		L.Push(lua.LString(name + ":1: unexpected symbol near 'char(27)'"))
		return 2
	}
	fn, err := L.Load(strings.NewReader(code), name)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(SyntaxMessage(err, name, code)))
		return 2
	}
	L.Push(fn)
	return 1
}

func baseLoadString(L *lua.LState) int {
	code := checkString(L, 1)
	name := code
	if L.Get(2) != lua.LNil {
		name = checkString(L, 2)
	}
	return compile(L, code, name)
}

// baseLoad reads the chunk from a function returning pieces until it
// returns nil or an empty string.
func (s *State) baseLoad(L *lua.LState) int {
	name := "=(load)"
	if L.Get(2) != lua.LNil {
		name = checkString(L, 2)
	}
	reader := checkFunction(L, 1)
	var code strings.Builder
	for {
		s.callC(L, 1, reader)
		piece := L.Get(-1)
		L.Pop(1)
		if piece == lua.LNil {
			break
		}
		s, ok := toLString(piece)
		if !ok {
			L.Push(lua.LNil)
			L.Push(lua.LString("reader function must return a string"))
			return 2
		}
		if s == "" {
			break
		}
		code.WriteString(s)
	}
	return compile(L, code.String(), name)
}

// openCoroutine replaces coroutine.wrap: Lua 5.1 prefixes the position of
// the caller to a string error coming out of the coroutine.
func (s *State) openCoroutine() {
	co := s.globals.RawGetString("coroutine").(*lua.LTable)
	create := co.RawGetString("create")
	rawResume := co.RawGetString("resume").(*lua.LFunction).GFunction
	resume := s.L.NewFunction(func(L *lua.LState) int {
		if !s.enterC() {
			L.SetTop(0)
			L.Push(lua.LFalse)
			L.Push(lua.LString(msgCStackOverflow))
			return 2
		}
		defer s.leaveC()
		return rawResume(L)
	})
	co.RawSetString("resume", resume)
	co.RawSetString("wrap", s.L.NewFunction(func(L *lua.LState) int {
		checkFunction(L, 1)
		L.Push(create)
		L.Push(L.Get(1))
		L.Call(1, 1)
		thread := L.Get(-1)
		L.Push(L.NewFunction(func(L *lua.LState) int {
			nargs := L.GetTop()
			base := nargs
			L.Push(resume)
			L.Push(thread)
			for i := 1; i <= nargs; i++ {
				L.Push(L.Get(i))
			}
			L.Call(nargs+1, lua.MultRet)
			if !lua.LVAsBool(L.Get(base + 1)) {
				errv := L.Get(base + 2)
				if msg, ok := toLString(errv); ok {
					errv = lua.LString(where(L) + msg)
				}
				L.Error(errv, 0)
			}
			return L.GetTop() - base - 1
		}))
		return 1
	}))
}

// redisPCall is the pcall Redis 7 installs (luaRedisPcall): errors raised
// as tables with an "err" string come back as that string. A table
// without one comes back followed by the nil the C code leaves behind.
func (s *State) redisPCall(L *lua.LState) int {
	argc := L.GetTop()
	if argc == 0 {
		// The C code ends up calling its own placeholder boolean.
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a boolean value"))
		return 2
	}
	if fn := L.Get(1); fn.Type() != lua.LTFunction && L.GetMetaField(fn, "__call") == lua.LNil {
		L.SetTop(0)
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	if !s.enterC() {
		L.SetTop(0)
		L.Push(lua.LFalse)
		L.Push(lua.LString(msgCStackOverflow))
		return 2
	}
	err := L.PCall(argc-1, lua.MultRet, nil)
	s.leaveC()
	if err == nil {
		L.Insert(lua.LTrue, 1)
		return L.GetTop()
	}
	var obj lua.LValue = lua.LString(err.Error())
	if apiErr, ok := err.(*lua.ApiError); ok {
		obj = apiErr.Object
	}
	L.SetTop(0)
	L.Push(lua.LFalse)
	if t, ok := obj.(*lua.LTable); ok {
		field := L.GetField(t, "err")
		if _, ok := toLString(field); ok {
			L.Push(field)
		} else {
			L.Push(t)
			L.Push(field)
		}
		return L.GetTop()
	}
	L.Push(obj)
	return 2
}

// Lua 5.1 stops C code from nesting Lua calls deeper than LUAI_MAXCCALLS
// (200), counting the call Redis makes into the script. gopher-lua has no
// such limit on its Go stack, so the functions here that call back into
// Lua keep the count.
const (
	luaMaxCCalls      = 200
	msgCStackOverflow = "C stack overflow"
)

// enterC notes one more nested call from Go into Lua; false means the
// limit is reached and nothing was counted.
func (s *State) enterC() bool {
	if s.cCalls+2 >= luaMaxCCalls {
		return false
	}
	s.cCalls++
	return true
}

func (s *State) leaveC() { s.cCalls-- }

// callC runs fn(args) for a Go function that is not protected (sort
// comparators, foreach callbacks ...), failing as Lua does past the limit.
func (s *State) callC(L *lua.LState, nret int, fn lua.LValue, args ...lua.LValue) {
	if !s.enterC() {
		raisePlain(L, msgCStackOverflow)
	}
	defer s.leaveC()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), nret)
}
