package lualib

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// These helpers reproduce the error texts of Lua 5.1's C API (luaL_error,
// luaL_argerror, luaL_typerror) so that scripts and clients see the same
// messages as with Redis. gopher-lua's own helpers word them differently.

// where returns the "chunk:line: " prefix luaL_where(L, 1) would give: the
// position of the code that called the running Go function, or "" when
// that caller is not Lua code (for instance pcall).
func where(L *lua.LState) string { return whereLevel(L, 1) }

// shortSource turns a chunk name into the form Lua prints in messages:
// "@file" and "=name" lose their marker.
func shortSource(src string) string {
	if strings.HasPrefix(src, "@") || strings.HasPrefix(src, "=") {
		return src[1:]
	}
	return src
}

// raise is luaL_error: the message, prefixed with the caller's position.
func raise(L *lua.LState, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	L.Error(lua.LString(where(L)+msg), 0)
}

// raisePlain raises msg without any position, as errors raised by the Lua
// core from inside C functions (luaG_runerror) appear.
func raisePlain(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// funcName is the name Lua 5.1 gives the running function in argument
// errors: the name used at the call site, or "?" when the caller is not
// Lua code.
func funcName(L *lua.LState) string {
	caller, ok := L.GetStack(1)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("S", caller, lua.LNil); err != nil || caller.What == "G" {
		return "?"
	}
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, lua.LNil); err != nil {
		return "?"
	}
	switch dbg.Name {
	case "", "(anonymous)", "main chunk", "corountine":
		return "?"
	}
	return dbg.Name
}

// argError is luaL_argerror.
func argError(L *lua.LState, n int, msg string) {
	raise(L, "bad argument #%d to '%s' (%s)", n, funcName(L), msg)
}

// typeName is luaL_typename: the type of argument n, or "no value".
func typeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

// typeError is luaL_typerror.
func typeError(L *lua.LState, n int, expected string) {
	argError(L, n, expected+" expected, got "+typeName(L, n))
}

// toNumber is lua_tonumber: numbers, and strings Lua reads as numbers.
func toNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return str2number(string(x))
	}
	return 0, false
}

// toLString is lua_tolstring: strings, and numbers formatted with %.14g.
func toLString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return FormatNumber(float64(x)), true
	}
	return "", false
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok {
		typeError(L, n, "number")
	}
	return f
}

// checkInteger is luaL_checkinteger: the number truncated toward zero.
func checkInteger(L *lua.LState, n int) int64 {
	return toInteger(checkNumber(L, n))
}

// optInteger is luaL_optinteger.
func optInteger(L *lua.LState, n int, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInteger(L, n)
}

// checkString is luaL_checklstring (numbers are converted).
func checkString(L *lua.LState, n int) string {
	s, ok := toLString(L.Get(n))
	if !ok {
		typeError(L, n, "string")
	}
	return s
}

// toInteger converts like a C cast from double to a 64-bit integer on
// x86-64: truncation, and the "integer indefinite" value for NaN and
// out-of-range inputs.
func toInteger(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return -1 << 63
	}
	return int64(f)
}

// toInt32 converts like a C cast from double to int on x86-64.
func toInt32(f float64) int32 {
	if f != f || f >= 2147483648.0 || f <= -2147483649.0 {
		return -1 << 31
	}
	return int32(f)
}
