package commands

import (
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// Conversions between command replies and Lua values, following Redis's
// rules (script_lua.c).
//
// Reply to Lua: integer -> number; bulk -> string; null bulk and null
// array -> false; array -> table; status -> {ok=...}; error -> {err=...};
// and with redis.setresp(3): null -> nil, boolean -> boolean, double ->
// {double=n}, map -> {map={...}}, set -> {set={k=true}}, big number ->
// {big_number=s}, verbatim -> {verbatim_string={format=..., string=...}}.
//
// Lua to reply: string -> bulk; number -> integer (truncated); boolean ->
// 1 / null in RESP2 scripts, boolean in RESP3; table -> error, status,
// double, big number, verbatim, map or set by its field, else an array up
// to the first nil; anything else -> null.

// respToLua converts one RESP reply into a Lua value. isErr reports an
// error reply at the top level.
func respToLua(L *lua.LState, b []byte) (v lua.LValue, isErr bool) {
	p := respParser{L: L, b: b}
	v = p.value()
	isErr = len(b) > 0 && b[0] == '-'
	return v, isErr
}

type respParser struct {
	L   *lua.LState
	b   []byte
	pos int
}

// line returns the text up to the next CRLF and moves past it.
func (p *respParser) line() []byte {
	start := p.pos
	for p.pos+1 < len(p.b) && !(p.b[p.pos] == '\r' && p.b[p.pos+1] == '\n') {
		p.pos++
	}
	s := p.b[start:min(p.pos, len(p.b))]
	p.pos += 2
	return s
}

func (p *respParser) int(s []byte) int64 {
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n
}

func (p *respParser) bulk(n int64) []byte {
	if n < 0 || p.pos+int(n) > len(p.b) {
		p.pos = len(p.b)
		return nil
	}
	s := p.b[p.pos : p.pos+int(n)]
	p.pos += int(n) + 2
	return s
}

func (p *respParser) value() lua.LValue {
	if p.pos >= len(p.b) {
		return lua.LNil
	}
	L := p.L
	kind := p.b[p.pos]
	p.pos++
	hdr := p.line()
	switch kind {
	case '+':
		t := L.CreateTable(0, 1)
		t.RawSetString("ok", lua.LString(hdr))
		return t
	case '-':
		t := L.CreateTable(0, 2)
		t.RawSetString("err", lua.LString(errorCodeMessage("-"+string(hdr))))
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
		return t
	case ':':
		return lua.LNumber(p.int(hdr))
	case '$':
		n := p.int(hdr)
		if n < 0 {
			return lua.LFalse
		}
		return lua.LString(p.bulk(n))
	case '*':
		n := p.int(hdr)
		if n < 0 {
			return lua.LFalse
		}
		t := L.CreateTable(int(min(n, 1024)), 0)
		for i := int64(1); i <= n; i++ {
			t.RawSetInt(int(i), p.value())
		}
		return t
	case '%':
		n := p.int(hdr)
		m := L.CreateTable(0, int(min(n, 1024)))
		for i := int64(0); i < n; i++ {
			k := p.value()
			v := p.value()
			if k != lua.LNil {
				m.RawSet(k, v)
			}
		}
		return wrap(L, "map", m)
	case '~':
		n := p.int(hdr)
		s := L.CreateTable(0, int(min(n, 1024)))
		for i := int64(0); i < n; i++ {
			if k := p.value(); k != lua.LNil {
				s.RawSet(k, lua.LTrue)
			}
		}
		return wrap(L, "set", s)
	case '_':
		return lua.LNil
	case '#':
		return lua.LBool(len(hdr) > 0 && hdr[0] == 't')
	case ',':
		return wrap(L, "double", lua.LNumber(parseRESPDouble(hdr)))
	case '(':
		return wrap(L, "big_number", lua.LString(hdr))
	case '=':
		s := p.bulk(p.int(hdr))
		vt := L.CreateTable(0, 2)
		if len(s) >= 4 {
			vt.RawSetString("string", lua.LString(s[4:]))
			vt.RawSetString("format", lua.LString(s[:3]))
		} else {
			vt.RawSetString("string", lua.LString(s))
			vt.RawSetString("format", lua.LString("txt"))
		}
		return wrap(L, "verbatim_string", vt)
	case '|':
		// Attributes are skipped; the value follows them.
		n := p.int(hdr)
		for i := int64(0); i < 2*n; i++ {
			p.value()
		}
		return p.value()
	case '>':
		n := p.int(hdr)
		t := L.CreateTable(int(min(n, 1024)), 0)
		for i := int64(1); i <= n; i++ {
			t.RawSetInt(int(i), p.value())
		}
		return t
	}
	return lua.LNil
}

func wrap(L *lua.LState, field string, v lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString(field, v)
	return t
}

func parseRESPDouble(s []byte) float64 {
	switch string(s) {
	case "inf":
		return math.Inf(1)
	case "-inf":
		return math.Inf(-1)
	case "nan", "-nan":
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(string(s), 64)
	return f
}

// luaNumberToInt64 converts as Redis's (long long) cast does on x86-64:
// NaN and out-of-range values become the minimum integer.
func luaNumberToInt64(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// writeLuaReply writes v as the reply of a script. scriptProto is the
// script's RESP version (redis.setresp); slots counts the Lua stack slots
// Redis's converter would be using, so that nesting stops where Redis's
// does ("reached lua stack limit").
func writeLuaReply(c *Client, v lua.LValue, scriptProto int, slots int) {
	if slots+4 > luaStackLimit {
		c.Error("ERR reached lua stack limit")
		return
	}
	switch x := v.(type) {
	case lua.LString:
		c.BulkString(string(x))
	case lua.LBool:
		switch {
		case scriptProto == 3:
			c.Bool(bool(x))
		case bool(x):
			c.Int(1)
		default:
			c.Null()
		}
	case lua.LNumber:
		c.Int(luaNumberToInt64(float64(x)))
	case *lua.LTable:
		writeLuaTable(c, x, scriptProto, slots)
	default:
		c.Null()
	}
}

func writeLuaTable(c *Client, t *lua.LTable, scriptProto int, slots int) {
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		replyScriptError(c, trimNewlines(string(s)), ignoresErrorStats(t))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		c.Simple(mapNewlines(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		c.Double(float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		writeBigNumber(c, mapNewlines(string(s)))
		return
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		f, okf := vt.RawGetString("format").(lua.LString)
		s, oks := vt.RawGetString("string").(lua.LString)
		if okf && oks {
			writeVerbatim(c, string(s), string(f))
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		n := 0
		for k, _ := m.Next(lua.LNil); k != lua.LNil; k, _ = m.Next(k) {
			n++
		}
		c.Map(n)
		for k, v := m.Next(lua.LNil); k != lua.LNil; k, v = m.Next(k) {
			writeLuaReply(c, k, scriptProto, slots+4)
			writeLuaReply(c, v, scriptProto, slots+3)
		}
		return
	}
	if set, ok := t.RawGetString("set").(*lua.LTable); ok {
		n := 0
		for k, _ := set.Next(lua.LNil); k != lua.LNil; k, _ = set.Next(k) {
			n++
		}
		c.Set(n)
		for k, _ := set.Next(lua.LNil); k != lua.LNil; k, _ = set.Next(k) {
			writeLuaReply(c, k, scriptProto, slots+3)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	c.Array(n)
	for i := 1; i <= n; i++ {
		writeLuaReply(c, t.RawGetInt(i), scriptProto, slots+1)
	}
}

// mapNewlines replaces CR and LF with spaces (status replies).
func mapNewlines(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] == '\r' || b[j] == '\n' {
					b[j] = ' '
				}
			}
			return string(b)
		}
	}
	return s
}

// writeBigNumber is a RESP3 big number, a bulk string in RESP2.
func writeBigNumber(c *Client, s string) {
	if c.Proto < 3 {
		c.BulkString(s)
		return
	}
	c.B = append(c.B, '(')
	c.B = append(c.B, s...)
	c.B = append(c.B, '\r', '\n')
}

// writeVerbatim is a RESP3 verbatim string with its 3-byte format, a bulk
// string in RESP2.
func writeVerbatim(c *Client, s, format string) {
	if c.Proto < 3 {
		c.BulkString(s)
		return
	}
	var f [3]byte
	copy(f[:], format)
	c.B = append(c.B, '=')
	c.B = strconv.AppendInt(c.B, int64(len(s)+4), 10)
	c.B = append(c.B, '\r', '\n')
	c.B = append(c.B, f[:]...)
	c.B = append(c.B, ':')
	c.B = append(c.B, s...)
	c.B = append(c.B, '\r', '\n')
}

// ignoresErrorStats reports whether an error table says its error was
// already counted in errorstats (when the command that failed ran).
func ignoresErrorStats(t *lua.LTable) bool {
	return t.RawGetString("ignore_error_stats_update") == lua.LTrue
}

// replyScriptError writes the error reply of a script. An error that was
// already counted, when the command inside the script failed, is not
// counted again (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE), but the script's
// own command still counts as a failed call.
func replyScriptError(c *Client, msg string, counted bool) {
	if !counted {
		c.Error(msg)
		return
	}
	errs, last := c.errs, c.lastErr
	c.Error(msg)
	c.errs, c.lastErr = errs, last
	if c.cmd != nil {
		c.cmd.stats.failed.Add(1)
	}
}
