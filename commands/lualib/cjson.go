package lualib

import (
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// The cjson library is Lua CJSON 2.1.0 as Redis 7.0 embeds it: numbers
// are written with "%.14g" (so integers up to 14 digits have no decimal
// part), '/' is escaped, bytes of invalid UTF-8 pass through, an empty
// table is "{}", tables are arrays when every key is a positive integer
// (subject to the sparse-array rules), and decoding reads the text as a C
// string (a NUL byte ends it).

// cjsonConfig is the per-module configuration; cjson.new() makes another.
type cjsonConfig struct {
	sparseConvert   int
	sparseRatio     int32
	sparseSafe      int32
	encodeMaxDepth  int32
	decodeMaxDepth  int32
	encodeInvalid   int // 0 refuse, 1 allow, 2 as null
	decodeInvalid   int
	numberPrecision int32
	keepBuffer      int
}

func defaultCjsonConfig() *cjsonConfig {
	return &cjsonConfig{
		sparseRatio:     2,
		sparseSafe:      10,
		encodeMaxDepth:  1000,
		decodeMaxDepth:  1000,
		decodeInvalid:   1,
		numberPrecision: 14,
		keepBuffer:      1,
	}
}

// cjsonLib holds what one cjson module table's functions share.
type cjsonLib struct {
	cfg *cjsonConfig
	env *libEnv
}

// ---- encoding ----

type jsonEncoder struct {
	L      *lua.LState
	cfg    *cjsonConfig
	env    *libEnv
	buf    []byte
	height int // Lua stack slots the C encoder would be using
}

// jsonEscapes maps each byte to its escape, or "" when it is copied.
var jsonEscapes = func() [256]string {
	var t [256]string
	const hex = "0123456789abcdef"
	for c := 0; c < 32; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'] = `\"`, `\\`, `\/`
	t[127] = `\u007f`
	return t
}()

func (e *jsonEncoder) fail(v lua.LValue, reason string) {
	raise(e.L, "Cannot serialise %s: %s", v.Type().String(), reason)
}

func (e *jsonEncoder) appendString(s string) {
	e.buf = append(e.buf, '"')
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			e.buf = append(e.buf, esc...)
		} else {
			e.buf = append(e.buf, s[i])
		}
	}
	e.buf = append(e.buf, '"')
}

func (e *jsonEncoder) appendNumber(v lua.LNumber) {
	f := float64(v)
	invalid := math.IsInf(f, 0) || math.IsNaN(f)
	switch {
	case e.cfg.encodeInvalid == 0 && invalid:
		e.fail(v, "must not be NaN or Inf")
	case e.cfg.encodeInvalid == 1 && math.IsNaN(f):
		e.buf = append(e.buf, "nan"...)
		return
	case e.cfg.encodeInvalid == 2 && invalid:
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = appendNumber(e.buf, f, int(e.cfg.numberPrecision))
}

func (e *jsonEncoder) appendData(v lua.LValue, depth int) {
	switch x := v.(type) {
	case lua.LString:
		e.appendString(string(x))
	case lua.LNumber:
		e.appendNumber(x)
	case lua.LBool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case *lua.LTable:
		depth++
		if depth > int(e.cfg.encodeMaxDepth) || e.height+3 > luaMaxCStack {
			raise(e.L, "Cannot serialise, excessive nesting (%d)", depth)
		}
		t := e.env.resolve(x)
		if n := e.arrayLength(t); n > 0 {
			e.appendArray(t, n, depth)
		} else {
			e.appendObject(t, depth)
		}
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
	default:
		if v == e.env.null {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.fail(v, "type not supported")
	}
}

// arrayLength returns the array size of t, or -1 when it must be an
// object. Keys above C's int range turn the C code's maximum negative,
// which also makes the table an object; that is kept.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int64 {
	var max int32
	items := int64(0)
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f == 0 || math.Floor(f) != f || f < 1 {
			return -1
		}
		if f > float64(max) {
			max = toInt32(f)
		}
		items++
	}
	cfg := e.cfg
	if cfg.sparseRatio > 0 && int64(max) > items*int64(cfg.sparseRatio) && max > cfg.sparseSafe {
		if cfg.sparseConvert == 0 {
			e.fail(t, "excessively sparse array")
		}
		return -1
	}
	return int64(max)
}

func (e *jsonEncoder) appendArray(t *lua.LTable, n int64, depth int) {
	e.buf = append(e.buf, '[')
	for i := int64(1); i <= n; i++ {
		if i > 1 {
			e.buf = append(e.buf, ',')
		}
		// A sparse array with the ratio check disabled turns one key into
		// as many nulls as its index: stop before the server runs out.
		if int64(len(e.buf)) > maxStringBytes {
			raise(e.L, "not enough memory")
		}
		e.height++
		e.appendData(t.RawGet(lua.LNumber(i)), depth)
		e.height--
	}
	e.buf = append(e.buf, ']')
}

func (e *jsonEncoder) appendObject(t *lua.LTable, depth int) {
	e.buf = append(e.buf, '{')
	first := true
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		switch key := k.(type) {
		case lua.LNumber:
			e.buf = append(e.buf, '"')
			e.appendNumber(key)
			e.buf = append(e.buf, '"', ':')
		case lua.LString:
			e.appendString(string(key))
			e.buf = append(e.buf, ':')
		default:
			e.fail(k, "table key must be a number or string")
		}
		e.height += 2
		e.appendData(v, depth)
		e.height -= 2
	}
	e.buf = append(e.buf, '}')
}

func (c *cjsonLib) encode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	e := &jsonEncoder{L: L, cfg: c.cfg, env: c.env, height: 1}
	e.appendData(L.Get(1), 0)
	L.Push(lua.LString(e.buf))
	return 1
}

// ---- decoding ----

const (
	tObjBegin = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// jsonCharTokens classifies the first byte of a token.
var jsonCharTokens = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'] = tObjBegin, tObjEnd, tArrBegin, tArrEnd
	t[','], t[':'], t[0] = tComma, tColon, tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tUnknown
	}
	return t
}()

// jsonEscapeChars maps the byte after a backslash to what it stands for;
// 0 marks an invalid escape and 'u' a unicode escape.
var jsonEscapeChars = func() [256]byte {
	var t [256]byte
	t['"'], t['\\'], t['/'] = '"', '\\', '/'
	t['b'], t['t'], t['n'], t['f'], t['r'] = '\b', '\t', '\n', '\f', '\r'
	t['u'] = 'u'
	return t
}()

type jsonToken struct {
	typ   int
	index int    // 0-based offset of the token
	str   string // the string value, or the error text of a tError
	num   float64
	b     bool
}

type jsonDecoder struct {
	L      *lua.LState
	cfg    *cjsonConfig
	env    *libEnv
	data   string
	p      int
	depth  int
	height int // Lua stack slots the C parser would be using
	tmp    []byte
}

// at reads the byte at i, or 0 past the end as the C string's terminator.
func (d *jsonDecoder) at(i int) byte {
	if i < len(d.data) {
		return d.data[i]
	}
	return 0
}

func (d *jsonDecoder) hasWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if d.at(d.p+i) != w[i] {
			return false
		}
	}
	return true
}

func (d *jsonDecoder) setError(tok *jsonToken, msg string) {
	tok.typ = tError
	tok.index = d.p
	tok.str = msg
}

func (d *jsonDecoder) next(tok *jsonToken) {
	for jsonCharTokens[d.at(d.p)] == tWhitespace {
		d.p++
	}
	ch := d.at(d.p)
	tok.typ = int(jsonCharTokens[ch])
	tok.index = d.p
	switch tok.typ {
	case tError:
		d.setError(tok, "invalid token")
		return
	case tEnd:
		return
	case tUnknown:
	default:
		d.p++
		return
	}
	switch {
	case ch == '"':
		d.stringToken(tok)
	case ch == '-' || isDigit(ch):
		if d.cfg.decodeInvalid == 0 && d.invalidNumber() {
			d.setError(tok, "invalid number")
			return
		}
		d.numberToken(tok)
	case d.hasWord("true"):
		tok.typ, tok.b = tBoolean, true
		d.p += 4
	case d.hasWord("false"):
		tok.typ, tok.b = tBoolean, false
		d.p += 5
	case d.hasWord("null"):
		tok.typ = tNull
		d.p += 4
	case d.cfg.decodeInvalid != 0 && d.invalidNumber():
		d.numberToken(tok)
	default:
		d.setError(tok, "invalid token")
	}
}

// invalidNumber spots numbers strtod reads but JSON forbids: a leading
// '+', hex, leading zeros, inf and nan.
func (d *jsonDecoder) invalidNumber() bool {
	i := d.p
	if d.at(i) == '+' {
		return true
	}
	if d.at(i) == '-' {
		i++
	}
	c := d.at(i)
	if c == '0' {
		c2 := d.at(i + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	}
	// The C code compares a signed char, so bytes above 0x7f count as
	// "ordinary numbers" here.
	if int8(c) <= '9' {
		return false
	}
	rest := cString(d.data[min(i, len(d.data)):])
	return hasPrefixFold(rest, 0, "inf") || hasPrefixFold(rest, 0, "nan")
}

func (d *jsonDecoder) numberToken(tok *jsonToken) {
	v, end := strtod(d.data, d.p)
	if end == d.p {
		d.setError(tok, "invalid number")
		return
	}
	tok.typ = tNumber
	tok.num = v
	d.p = end
}

func (d *jsonDecoder) stringToken(tok *jsonToken) {
	d.p++ // opening quote
	d.tmp = d.tmp[:0]
	for {
		ch := d.at(d.p)
		if ch == '"' {
			break
		}
		if ch == 0 {
			d.setError(tok, "unexpected end of string")
			return
		}
		if ch == '\\' {
			esc := jsonEscapeChars[d.at(d.p+1)]
			if esc == 'u' {
				if d.unicodeEscape() {
					continue
				}
				d.setError(tok, "invalid unicode escape code")
				return
			}
			if esc == 0 {
				d.setError(tok, "invalid escape code")
				return
			}
			d.p++
			ch = esc
		}
		d.tmp = append(d.tmp, ch)
		d.p++
	}
	d.p++ // closing quote
	tok.typ = tString
	tok.str = string(d.tmp)
}

func hexValue(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c|0x20 >= 'a' && c|0x20 <= 'f':
		return int(c|0x20-'a') + 10
	}
	return -1
}

func (d *jsonDecoder) hex4(i int) int {
	v := 0
	for j := 0; j < 4; j++ {
		h := hexValue(d.at(i + j))
		if h < 0 {
			return -1
		}
		v = v<<4 | h
	}
	return v
}

// unicodeEscape decodes \uXXXX (or a surrogate pair) at d.p into UTF-8.
func (d *jsonDecoder) unicodeEscape() bool {
	cp := d.hex4(d.p + 2)
	if cp < 0 {
		return false
	}
	n := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 {
			return false
		}
		if d.at(d.p+6) != '\\' || d.at(d.p+7) != 'u' {
			return false
		}
		low := d.hex4(d.p + 8)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return false
		}
		cp = (cp&0x3FF)<<10 | low&0x3FF + 0x10000
		n = 12
	}
	d.tmp = appendUTF8(d.tmp, cp)
	d.p += n
	return true
}

// appendUTF8 encodes cp (at most 0x10FFFF here) without validation, as
// the C code does for lone surrogates.
func appendUTF8(b []byte, cp int) []byte {
	switch {
	case cp <= 0x7F:
		return append(b, byte(cp))
	case cp <= 0x7FF:
		return append(b, byte(cp>>6|0xC0), byte(cp&0x3F|0x80))
	case cp <= 0xFFFF:
		return append(b, byte(cp>>12|0xE0), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	}
	return append(b, byte(cp>>18|0xF0), byte(cp>>12&0x3F|0x80), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
}

func (d *jsonDecoder) throw(expected string, tok *jsonToken) {
	found := tok.str
	if tok.typ != tError {
		found = jsonTokenNames[tok.typ]
	}
	raise(d.L, "Expected %s but found %s at character %d", expected, found, tok.index+1)
}

// descend enters an object or array needing slots Lua stack slots.
func (d *jsonDecoder) descend(slots int) {
	d.depth++
	if d.depth <= int(d.cfg.decodeMaxDepth) && d.height+slots <= luaMaxCStack {
		return
	}
	raise(d.L, "Found too many nested data structures (%d) at character %d", d.depth, d.p)
}

// ascend leaves an object or array that used slots stack slots.
func (d *jsonDecoder) ascend(slots int) {
	d.depth--
	d.height -= slots
}

func (d *jsonDecoder) value(tok *jsonToken) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tObjBegin:
		return d.object()
	case tArrBegin:
		return d.array()
	case tNull:
		return d.env.null
	}
	d.throw("value", tok)
	return lua.LNil
}

func (d *jsonDecoder) object() lua.LValue {
	d.descend(3)
	t := d.L.NewTable()
	d.height += 2 // the table, and a key while its value is parsed
	var tok jsonToken
	d.next(&tok)
	if tok.typ == tObjEnd {
		d.ascend(2)
		return t
	}
	for {
		if tok.typ != tString {
			d.throw("object key string", &tok)
		}
		key := tok.str
		d.next(&tok)
		if tok.typ != tColon {
			d.throw("colon", &tok)
		}
		d.next(&tok)
		t.RawSetString(key, d.value(&tok))
		d.next(&tok)
		if tok.typ == tObjEnd {
			d.ascend(2)
			return t
		}
		if tok.typ != tComma {
			d.throw("comma or object end", &tok)
		}
		d.next(&tok)
	}
}

func (d *jsonDecoder) array() lua.LValue {
	d.descend(2)
	t := d.L.NewTable()
	d.height++ // the table
	var tok jsonToken
	d.next(&tok)
	if tok.typ == tArrEnd {
		d.ascend(1)
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, d.value(&tok))
		d.next(&tok)
		if tok.typ == tArrEnd {
			d.ascend(1)
			return t
		}
		if tok.typ != tComma {
			d.throw("comma or array end", &tok)
		}
		d.next(&tok)
	}
}

func (c *cjsonLib) decode(L *lua.LState) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	data := checkString(L, 1)
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		raise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	d := &jsonDecoder{L: L, cfg: c.cfg, env: c.env, data: data, height: 1}
	var tok jsonToken
	d.next(&tok)
	v := d.value(&tok)
	d.next(&tok)
	if tok.typ != tEnd {
		d.throw("the end", &tok)
	}
	L.Push(v)
	return 1
}

// ---- configuration ----

// argInit checks the argument count of a configuration function and pads
// the missing ones with nil, so results pushed later are not read as
// arguments.
func argInit(L *lua.LState, args int) {
	if L.GetTop() > args {
		argError(L, args+1, "found too many arguments")
	}
	L.SetTop(args)
}

// integerOption sets *setting from argument n when given, and pushes it.
func integerOption(L *lua.LState, n int, setting *int32, lo, hi int32) {
	if L.Get(n) != lua.LNil {
		v := int32(checkInteger(L, n))
		if v < lo || v > hi {
			argError(L, 1, "expected integer between "+strconv.Itoa(int(lo))+" and "+strconv.Itoa(int(hi)))
		}
		*setting = v
	}
	L.Push(lua.LNumber(*setting))
}

// enumOption sets *setting from argument n (a boolean or one of options)
// when given, and pushes it as a boolean when it is 0 or 1.
func enumOption(L *lua.LState, n int, setting *int, options []string) {
	if v := L.Get(n); v != lua.LNil {
		if b, ok := v.(lua.LBool); ok {
			*setting = 0
			if b {
				*setting = 1
			}
		} else {
			*setting = checkOption(L, n, options)
		}
	}
	if *setting <= 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

// checkOption is luaL_checkoption without a default.
func checkOption(L *lua.LState, n int, options []string) int {
	name := cString(checkString(L, n))
	for i, o := range options {
		if o == name {
			return i
		}
	}
	argError(L, n, "invalid option '"+name+"'")
	return 0
}

var onOff = []string{"off", "on"}

func (c *cjsonLib) encodeSparseArray(L *lua.LState) int {
	argInit(L, 3)
	enumOption(L, 1, &c.cfg.sparseConvert, onOff)
	integerOption(L, 2, &c.cfg.sparseRatio, 0, math.MaxInt32)
	integerOption(L, 3, &c.cfg.sparseSafe, 0, math.MaxInt32)
	return 3
}

func (c *cjsonLib) encodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.cfg.encodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (c *cjsonLib) decodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.cfg.decodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (c *cjsonLib) encodeNumberPrecision(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &c.cfg.numberPrecision, 1, 14)
	return 1
}

func (c *cjsonLib) encodeKeepBuffer(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.cfg.keepBuffer, onOff)
	return 1
}

func (c *cjsonLib) encodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.cfg.encodeInvalid, []string{"off", "on", "null"})
	return 1
}

func (c *cjsonLib) decodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &c.cfg.decodeInvalid, onOff)
	return 1
}

// newCjsonLib builds a cjson module table with its own configuration.
func newCjsonLib(L *lua.LState, env *libEnv) *lua.LTable {
	c := &cjsonLib{cfg: defaultCjsonConfig(), env: env}
	t := newModule(L, map[string]lua.LGFunction{
		"encode":                  c.encode,
		"decode":                  c.decode,
		"encode_sparse_array":     c.encodeSparseArray,
		"encode_max_depth":        c.encodeMaxDepth,
		"decode_max_depth":        c.decodeMaxDepth,
		"encode_number_precision": c.encodeNumberPrecision,
		"encode_keep_buffer":      c.encodeKeepBuffer,
		"encode_invalid_numbers":  c.encodeInvalidNumbers,
		"decode_invalid_numbers":  c.decodeInvalidNumbers,
		"new": func(L *lua.LState) int {
			L.Push(newCjsonLib(L, env))
			return 1
		},
	})
	t.RawSetString("null", env.null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	return t
}
