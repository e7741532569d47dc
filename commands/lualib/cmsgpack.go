package lualib

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The cmsgpack library is lua-cmsgpack 0.4.0 as Redis 7.0 embeds it.
// Encoding choices follow it exactly: integral numbers that fit an int64
// take the smallest integer form, other numbers float32 when that is
// lossless and float64 otherwise; strings use fixstr/str8/str16/str32;
// tables whose keys are exactly 1..n are arrays, others maps; tables
// nested 16 deep, and values of other types, become nil.

const msgpackMaxNesting = 16

// Errors of the decoder, reported after the value that failed.
const (
	mpOK = iota
	mpEOF
	mpBadFormat
)

type msgpackEncoder struct {
	buf     []byte
	resolve func(*lua.LTable) *lua.LTable
}

func (e *msgpackEncoder) encode(v lua.LValue, level int) {
	switch x := v.(type) {
	case lua.LString:
		e.encodeBytes(string(x))
	case lua.LBool:
		if x {
			e.buf = append(e.buf, 0xc3)
		} else {
			e.buf = append(e.buf, 0xc2)
		}
	case lua.LNumber:
		e.encodeNumber(float64(x))
	case *lua.LTable:
		if level == msgpackMaxNesting {
			e.buf = append(e.buf, 0xc0)
			return
		}
		t := e.resolve(x)
		if n, ok := sequenceLength(t); ok {
			e.encodeArray(t, n, level)
		} else {
			e.encodeMap(t, level)
		}
	default:
		e.buf = append(e.buf, 0xc0)
	}
}

func (e *msgpackEncoder) encodeBytes(s string) {
	n := len(s)
	switch {
	case n < 32:
		e.buf = append(e.buf, 0xa0|byte(n))
	case n <= 0xff:
		e.buf = append(e.buf, 0xd9, byte(n))
	case n <= 0xffff:
		e.buf = append(e.buf, 0xda)
		e.buf = binary.BigEndian.AppendUint16(e.buf, uint16(n))
	default:
		e.buf = append(e.buf, 0xdb)
		e.buf = binary.BigEndian.AppendUint32(e.buf, uint32(n))
	}
	e.buf = append(e.buf, s...)
}

// encodeNumber packs integral values in [-2^63, 2^63) as integers.
func (e *msgpackEncoder) encodeNumber(f float64) {
	if !math.IsInf(f, 0) && f >= -9223372036854775808.0 && f < 9223372036854775808.0 && math.Trunc(f) == f {
		e.encodeInt(int64(f))
		return
	}
	if f32 := float32(f); float64(f32) == f {
		e.buf = append(e.buf, 0xca)
		e.buf = binary.BigEndian.AppendUint32(e.buf, math.Float32bits(f32))
		return
	}
	e.buf = append(e.buf, 0xcb)
	e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(f))
}

func (e *msgpackEncoder) encodeInt(n int64) {
	b := e.buf
	switch {
	case n >= 0 && n <= 127:
		b = append(b, byte(n))
	case n >= 0 && n <= 0xff:
		b = append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n >= 0 && n <= 0xffffffff:
		b = binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		b = binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -32:
		b = append(b, byte(n))
	case n >= -128:
		b = append(b, 0xd0, byte(n))
	case n >= -32768:
		b = binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= -2147483648:
		b = binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	default:
		b = binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
	}
	e.buf = b
}

func (e *msgpackEncoder) encodeHeader(n int, fix byte, op16, op32 byte) {
	switch {
	case n <= 15:
		e.buf = append(e.buf, fix|byte(n))
	case n <= 0xffff:
		e.buf = binary.BigEndian.AppendUint16(append(e.buf, op16), uint16(n))
	default:
		e.buf = binary.BigEndian.AppendUint32(append(e.buf, op32), uint32(n))
	}
}

func (e *msgpackEncoder) encodeArray(t *lua.LTable, n int, level int) {
	e.encodeHeader(n, 0x90, 0xdc, 0xdd)
	for i := 1; i <= n; i++ {
		e.encode(t.RawGetInt(i), level+1)
	}
}

func (e *msgpackEncoder) encodeMap(t *lua.LTable, level int) {
	n := 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n++
	}
	e.encodeHeader(n, 0x80, 0xde, 0xdf)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		e.encode(k, level+1)
		e.encode(v, level+1)
	}
}

// sequenceLength reports whether the keys of t are exactly 1..n with n
// fitting a C int, as lua-cmsgpack's table_is_an_array decides.
func sequenceLength(t *lua.LTable) (int, bool) {
	count, max := 0, 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f <= 0 || f > math.MaxInt32 || math.Trunc(f) != f {
			return 0, false
		}
		if int(f) > max {
			max = int(f)
		}
		count++
	}
	return count, max == count
}

func msgpackPack(resolve func(*lua.LTable) *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		nargs := L.GetTop()
		if nargs == 0 {
			argError(L, 0, "MessagePack pack needs input.")
		}
		if 2*nargs > luaMaxCStack {
			argError(L, 0, "Too many arguments for MessagePack pack.")
		}
		e := &msgpackEncoder{resolve: resolve}
		for i := 1; i <= nargs; i++ {
			e.encode(L.Get(i), 0)
		}
		L.Push(lua.LString(e.buf))
		return 1
	}
}

// msgpackDecoder reads values and pushes them, counting the Lua stack
// slots the C code would use so that its stack limit fails alike.
type msgpackDecoder struct {
	L      *lua.LState
	s      string
	p      int
	err    int
	height int
}

func (d *msgpackDecoder) need(n uint64) bool {
	if uint64(len(d.s)-d.p) < n {
		d.err = mpEOF
		return false
	}
	return true
}

func (d *msgpackDecoder) checkStack(msg string) {
	if d.height+1 > luaMaxCStack {
		raise(d.L, "stack overflow (%s)", msg)
	}
}

func (d *msgpackDecoder) be(off, n int) uint64 {
	var v uint64
	for i := 0; i < n; i++ {
		v = v<<8 | uint64(d.s[d.p+off+i])
	}
	return v
}

// decode reads one value; on success it returns it and the height grows
// by one, as one more value sits on the C stack.
func (d *msgpackDecoder) decode() lua.LValue {
	if !d.need(1) {
		return lua.LNil
	}
	d.checkStack("too many return values at once; use unpack_one or unpack_limit instead.")
	c := d.s[d.p]
	var v lua.LValue
	switch c {
	case 0xcc, 0xd0:
		if !d.need(2) {
			return lua.LNil
		}
		if c == 0xcc {
			v = lua.LNumber(d.s[d.p+1])
		} else {
			v = lua.LNumber(int8(d.s[d.p+1]))
		}
		d.p += 2
	case 0xcd, 0xd1:
		if !d.need(3) {
			return lua.LNil
		}
		u := d.be(1, 2)
		if c == 0xcd {
			v = lua.LNumber(u)
		} else {
			v = lua.LNumber(int16(u))
		}
		d.p += 3
	case 0xce, 0xd2:
		if !d.need(5) {
			return lua.LNil
		}
		u := d.be(1, 4)
		if c == 0xce {
			v = lua.LNumber(u)
		} else {
			v = lua.LNumber(int32(u))
		}
		d.p += 5
	case 0xcf, 0xd3:
		// Both become a signed 64-bit integer first: the unsigned form
		// wraps above 2^63-1 as the C code's lua_pushinteger does.
		if !d.need(9) {
			return lua.LNil
		}
		v = lua.LNumber(int64(d.be(1, 8)))
		d.p += 9
	case 0xc0:
		v = lua.LNil
		d.p++
	case 0xc3:
		v = lua.LTrue
		d.p++
	case 0xc2:
		v = lua.LFalse
		d.p++
	case 0xca:
		if !d.need(5) {
			return lua.LNil
		}
		v = lua.LNumber(math.Float32frombits(uint32(d.be(1, 4))))
		d.p += 5
	case 0xcb:
		if !d.need(9) {
			return lua.LNil
		}
		v = lua.LNumber(math.Float64frombits(d.be(1, 8)))
		d.p += 9
	case 0xd9, 0xda, 0xdb:
		hdr := 1 << (c - 0xd9) // 1, 2 or 4 length bytes
		if !d.need(uint64(1 + hdr)) {
			return lua.LNil
		}
		n := d.be(1, hdr)
		if !d.need(uint64(1+hdr) + n) {
			return lua.LNil
		}
		start := d.p + 1 + hdr
		v = lua.LString(d.s[start : start+int(n)])
		d.p = start + int(n)
	case 0xdc, 0xdd, 0xde, 0xdf:
		hdr := 2
		if c == 0xdd || c == 0xdf {
			hdr = 4
		}
		if !d.need(uint64(1 + hdr)) {
			return lua.LNil
		}
		n := d.be(1, hdr)
		d.p += 1 + hdr
		if c == 0xdc || c == 0xdd {
			v = d.decodeArray(n)
		} else {
			v = d.decodeMap(n)
		}
	default:
		switch {
		case c&0x80 == 0:
			v = lua.LNumber(c)
			d.p++
		case c&0xe0 == 0xe0:
			v = lua.LNumber(int8(c))
			d.p++
		case c&0xe0 == 0xa0:
			n := uint64(c & 0x1f)
			if !d.need(1 + n) {
				return lua.LNil
			}
			v = lua.LString(d.s[d.p+1 : d.p+1+int(n)])
			d.p += 1 + int(n)
		case c&0xf0 == 0x90:
			d.p++
			v = d.decodeArray(uint64(c & 0xf))
		case c&0xf0 == 0x80:
			d.p++
			v = d.decodeMap(uint64(c & 0xf))
		default:
			d.err = mpBadFormat
			return lua.LNil
		}
	}
	if d.err == mpOK {
		d.height++
	}
	return v
}

func (d *msgpackDecoder) decodeArray(n uint64) lua.LValue {
	t := d.L.NewTable()
	d.height++ // the new table
	d.checkStack("in function mp_decode_to_lua_array")
	for i := uint64(1); i <= n; i++ {
		d.height++ // the index
		v := d.decode()
		if d.err != mpOK {
			return t
		}
		d.height -= 2
		if v != lua.LNil {
			t.RawSet(lua.LNumber(i), v)
		}
	}
	d.height--
	return t
}

func (d *msgpackDecoder) decodeMap(n uint64) lua.LValue {
	t := d.L.NewTable()
	d.height++
	for ; n > 0; n-- {
		k := d.decode()
		if d.err != mpOK {
			return t
		}
		v := d.decode()
		if d.err != mpOK {
			return t
		}
		d.height -= 2
		// lua_settable from C: errors carry no position.
		switch key := k.(type) {
		case *lua.LNilType:
			raisePlain(d.L, "table index is nil")
		case lua.LNumber:
			if key != key {
				raisePlain(d.L, "table index is NaN")
			}
		}
		t.RawSet(k, v)
	}
	d.height--
	return t
}

// msgpackUnpack decodes up to limit values from offset; limit and offset
// both zero mean "everything" and no offset is returned.
func msgpackUnpack(L *lua.LState, limit, offset int64, height int) int {
	s := checkString(L, 1)
	if offset < 0 || limit < 0 {
		raise(L, "Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(len(s)))
	}
	if offset > int64(len(s)) {
		raise(L, "Start offset %d greater than input length %d.", int32(offset), int32(len(s)))
	}
	all := limit == 0 && offset == 0
	if all {
		limit = math.MaxInt32
	}
	d := &msgpackDecoder{L: L, s: s, p: int(offset), height: height}
	var results []lua.LValue
	for cnt := int64(0); d.p < len(s) && cnt < limit; cnt++ {
		v := d.decode()
		switch d.err {
		case mpEOF:
			raise(L, "Missing bytes in input.")
		case mpBadFormat:
			raise(L, "Bad data format in input.")
		}
		results = append(results, v)
	}
	if !all {
		next := int64(d.p)
		if d.p == len(s) {
			next = -1
		}
		L.Push(lua.LNumber(next))
	}
	for _, v := range results {
		L.Push(v)
	}
	if all {
		return len(results)
	}
	return len(results) + 1
}

func msgpackUnpackAll(L *lua.LState) int {
	return msgpackUnpack(L, 0, 0, L.GetTop())
}

func msgpackUnpackOne(L *lua.LState) int {
	offset := optInteger(L, 2, 0)
	return msgpackUnpack(L, 1, offset, 1)
}

func msgpackUnpackLimit(L *lua.LState) int {
	limit := checkInteger(L, 2)
	offset := optInteger(L, 3, 0)
	return msgpackUnpack(L, limit, offset, 1)
}

func newMsgpackLib(L *lua.LState, resolve func(*lua.LTable) *lua.LTable) *lua.LTable {
	t := newModule(L, map[string]lua.LGFunction{
		"pack":         msgpackPack(resolve),
		"unpack":       msgpackUnpackAll,
		"unpack_one":   msgpackUnpackOne,
		"unpack_limit": msgpackUnpackLimit,
	})
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return t
}
