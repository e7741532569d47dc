package lualib

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The string library: gopher-lua's pattern functions, fronted by Lua
// 5.1's argument checks (so that numbers become strings with "%.14g" and
// errors read as in Redis), and Lua 5.1's string.format and string.char.

// maxStringBytes bounds the strings string.rep, table.concat and
// cjson.encode build from small inputs; past it Lua would run out of
// memory, and a server must not try. It matches Redis's largest bulk
// string (proto-max-bulk-len). Tests lower it.
var maxStringBytes int64 = 512 << 20

// argument kinds for stringArgs
const (
	argString    = 's' // luaL_checklstring
	argInt       = 'i' // luaL_checkinteger
	argOptInt    = 'o' // luaL_optinteger
	argCInt      = 'c' // luaL_checkint (C int)
	argRepl      = 'r' // gsub's replacement
	argOptCInt   = 'p' // luaL_optint
	argAnyOrNone = '_'
)

// stringArgs checks and normalises the arguments of a string function the
// way Lua 5.1 does, then runs gopher-lua's implementation on them.
func stringArgs(spec string, impl lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		for i := 0; i < len(spec); i++ {
			n := i + 1
			switch spec[i] {
			case argString:
				if v := L.Get(n); v.Type() != lua.LTString {
					L.Replace(n, lua.LString(checkString(L, n)))
				}
			case argInt:
				L.Replace(n, lua.LNumber(toInteger(checkNumber(L, n))))
			case argCInt:
				L.Replace(n, lua.LNumber(checkInt(L, n)))
			case argOptInt, argOptCInt:
				if L.Get(n) != lua.LNil {
					if spec[i] == argOptInt {
						L.Replace(n, lua.LNumber(toInteger(checkNumber(L, n))))
					} else {
						L.Replace(n, lua.LNumber(checkInt(L, n)))
					}
				}
			case argRepl:
				switch v := L.Get(n).(type) {
				case lua.LNumber:
					L.Replace(n, lua.LString(FormatNumber(float64(v))))
				case lua.LString, *lua.LFunction, *lua.LTable:
				default:
					argError(L, n, "string/function/table expected")
				}
			}
		}
		return impl(L)
	}
}

func strRep(impl lua.LGFunction) lua.LGFunction {
	return stringArgs("sc", func(L *lua.LState) int {
		if n := int64(L.Get(2).(lua.LNumber)); n > 0 && int64(len(L.Get(1).(lua.LString)))*n > maxStringBytes {
			raise(L, "not enough memory")
		}
		return impl(L)
	})
}

func strChar(L *lua.LState) int {
	n := L.GetTop()
	buf := make([]byte, n)
	for i := 1; i <= n; i++ {
		c := checkInt(L, i)
		if c < 0 || c > 255 {
			argError(L, i, "invalid value")
		}
		buf[i-1] = byte(c)
	}
	L.Push(lua.LString(buf))
	return 1
}

// openString wraps gopher-lua's string functions and gives strings a
// metatable of their own (gopher-lua uses the string table itself, which
// would show "__index" as string.__index).
func (s *State) openString() {
	str := s.globals.RawGetString("string").(*lua.LTable)
	origs := map[string]*lua.LFunction{}
	orig := func(name string) lua.LGFunction {
		fn := str.RawGetString(name).(*lua.LFunction)
		origs[name] = fn
		return fn.GFunction
	}
	wrapped := map[string]lua.LGFunction{
		"byte":    stringArgs("soo", orig("byte")),
		"find":    stringArgs("sso", orig("find")),
		"gmatch":  stringArgs("ss", orig("gmatch")),
		"gsub":    stringArgs("ssrp", orig("gsub")),
		"len":     stringArgs("s", orig("len")),
		"lower":   stringArgs("s", orig("lower")),
		"match":   stringArgs("sso", orig("match")),
		"rep":     strRep(orig("rep")),
		"reverse": stringArgs("s", orig("reverse")),
		"sub":     stringArgs("sio", orig("sub")),
		"upper":   stringArgs("s", orig("upper")),
		"char":    strChar,
		"format":  strFormat,
		"dump":    strDump,
	}
	for name, fn := range wrapped {
		// Some of gopher-lua's functions read upvalues (gmatch its
		// iterator): the wrapper carries the same ones.
		var upvalues []lua.LValue
		if o := origs[name]; o != nil {
			for _, uv := range o.Upvalues {
				upvalues = append(upvalues, uv.Value())
			}
		}
		str.RawSetString(name, s.L.NewClosure(fn, upvalues...))
	}
	str.RawSetString("gfind", str.RawGetString("gmatch"))
	str.RawSetString("__index", lua.LNil)
	mt := s.L.NewTable()
	mt.RawSetString("__index", str)
	s.L.SetMetatable(lua.LString(""), mt)
}

// ---- string.format ----

const formatFlags = "-+ #0"

// formatSpec is one conversion's flags, width and precision as written.
type formatSpec struct {
	flags, width, prec string
	hasPrec            bool
}

func (sp formatSpec) has(flag byte) bool { return strings.IndexByte(sp.flags, flag) >= 0 }

// goFormat builds the equivalent Go verb, dropping flags in drop.
func (sp formatSpec) goFormat(verb byte, drop string, defPrec string) string {
	var b strings.Builder
	b.WriteByte('%')
	for i := 0; i < len(sp.flags); i++ {
		if strings.IndexByte(drop, sp.flags[i]) < 0 {
			b.WriteByte(sp.flags[i])
		}
	}
	b.WriteString(sp.width)
	switch {
	case sp.hasPrec:
		b.WriteByte('.')
		b.WriteString(sp.prec)
	case defPrec != "":
		b.WriteByte('.')
		b.WriteString(defPrec)
	}
	b.WriteByte(verb)
	return b.String()
}

// pad applies the width the way C does for strings and special values.
func (sp formatSpec) pad(s string) string {
	w := 0
	fmt.Sscan(sp.width, &w)
	if len(s) >= w {
		return s
	}
	fill := strings.Repeat(" ", w-len(s))
	if sp.has('-') {
		return s + fill
	}
	return fill + s
}

// scanFormat reads flags, width and precision starting at i.
func scanFormat(L *lua.LState, f string, i int) (formatSpec, int) {
	at := func(j int) byte {
		if j < len(f) {
			return f[j]
		}
		return 0
	}
	var sp formatSpec
	start := i
	for at(i) != 0 && strings.IndexByte(formatFlags, at(i)) >= 0 {
		i++
	}
	if i-start >= len(formatFlags)+1 {
		raise(L, "invalid format (repeated flags)")
	}
	sp.flags = f[start:i]
	ws := i
	for k := 0; k < 2 && isDigit(at(i)); k++ {
		i++
	}
	sp.width = f[ws:i]
	if at(i) == '.' {
		i++
		sp.hasPrec = true
		ps := i
		for k := 0; k < 2 && isDigit(at(i)); k++ {
			i++
		}
		sp.prec = f[ps:i]
	}
	if isDigit(at(i)) {
		raise(L, "invalid format (width or precision too long)")
	}
	return sp, i
}

// strFormat is Lua 5.1's string.format over C's printf conversions.
func strFormat(L *lua.LState) int {
	top := L.GetTop()
	f := checkString(L, 1)
	arg := 1
	var b []byte
	for i := 0; i < len(f); {
		if f[i] != '%' {
			b = append(b, f[i])
			i++
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			b = append(b, '%')
			i++
			continue
		}
		arg++
		if arg > top {
			argError(L, arg, "no value")
		}
		sp, j := scanFormat(L, f, i)
		var conv byte
		if j < len(f) {
			conv = f[j]
		}
		i = j + 1
		var item string
		switch conv {
		case 'c':
			item = sp.pad(string([]byte{byte(toInt32(checkNumber(L, arg)))}))
		case 'd', 'i':
			item = fmt.Sprintf(sp.goFormat('d', "#", ""), toInteger(checkNumber(L, arg)))
		case 'o', 'u', 'x', 'X':
			v := toUint64(checkNumber(L, arg))
			drop := "+ "
			if v == 0 && conv != 'o' {
				drop += "#" // C prefixes only non-zero values
			}
			verb := conv
			if conv == 'u' {
				verb = 'd'
			}
			item = fmt.Sprintf(sp.goFormat(verb, drop, ""), v)
		case 'e', 'E', 'f', 'g', 'G':
			item = formatFloat(sp, conv, checkNumber(L, arg))
		case 'q':
			b = appendQuoted(b, checkString(L, arg))
			continue
		case 's':
			str := checkString(L, arg)
			if !sp.hasPrec && len(str) >= 100 {
				b = append(b, str...)
				continue
			}
			str = cString(str)
			if sp.hasPrec {
				p := 0
				fmt.Sscan(sp.prec, &p)
				if p < len(str) {
					str = str[:p]
				}
			}
			item = sp.pad(str)
		default:
			raise(L, "invalid option '%%%s' to 'format'", cString(string([]byte{conv})))
		}
		// C appends the item with strlen: it ends at a NUL byte.
		b = append(b, cString(item)...)
	}
	L.Push(lua.LString(b))
	return 1
}

// formatFloat formats like C's %e %f %g, whose infinities and NaNs read
// "inf" and "nan" (upper case for %E and %G) and are padded with spaces.
func formatFloat(sp formatSpec, conv byte, v float64) string {
	if !math.IsInf(v, 0) && !math.IsNaN(v) {
		return fmt.Sprintf(sp.goFormat(conv, "", "6"), v)
	}
	s := "inf"
	if math.IsNaN(v) {
		s = "nan"
	}
	switch {
	case math.Signbit(v):
		s = "-" + s
	case sp.has('+'):
		s = "+" + s
	case sp.has(' '):
		s = " " + s
	}
	if conv == 'E' || conv == 'G' {
		s = strings.ToUpper(s)
	}
	return sp.pad(s)
}

// appendQuoted is %q: a Lua string literal that reads back as s.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, `\r`...)
		case 0:
			b = append(b, `\000`...)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// lua51Header is the header of a Lua 5.1 precompiled chunk on x86-64.
const lua51Header = "\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00"

// strDump is string.dump. gopher-lua has no bytecode format Lua could
// read, and Redis's Lua refuses to load precompiled chunks anyway, so the
// dump is a Lua 5.1 header followed by the function's source position:
// a string with the right type and prefix that nothing can load.
func strDump(L *lua.LState) int {
	fn, ok := L.Get(1).(*lua.LFunction)
	if !ok {
		typeError(L, 1, "function")
		return 0
	}
	if fn.IsG {
		raise(L, "unable to dump given function")
		return 0
	}
	p := fn.Proto
	L.Push(lua.LString(lua51Header + p.SourceName + ":" + strconv.Itoa(p.LineDefined)))
	return 1
}
