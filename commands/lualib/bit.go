package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The bit library is LuaBitOp 1.0.2 as Redis embeds it: every operation
// works on 32-bit integers and returns a signed 32-bit result as a number.

// bitArg converts argument n to 32 bits the way LuaBitOp does: adding
// 2^52+2^51 to the double and keeping the low word of its bits, which
// rounds to the nearest integer and wraps modulo 2^32.
func bitArg(L *lua.LState, n int) uint32 {
	f, ok := toNumber(L.Get(n))
	b := uint32(math.Float64bits(f + 6755399441055744.0))
	if b == 0 && !ok {
		typeError(L, n, "number")
	}
	return b
}

func bitReturn(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitToBit(L *lua.LState) int { return bitReturn(L, bitArg(L, 1)) }
func bitNot(L *lua.LState) int   { return bitReturn(L, ^bitArg(L, 1)) }

// bitFold applies op over all arguments; argument 1 is required, and the
// rest are read from the last to the second as LuaBitOp does (which only
// matters for which bad argument is reported first).
func bitFold(op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1)
		for i := L.GetTop(); i > 1; i-- {
			b = op(b, bitArg(L, i))
		}
		return bitReturn(L, b)
	}
}

// bitShift reads the value and a shift count reduced modulo 32.
func bitShift(op func(b, n uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1)
		n := bitArg(L, 2) & 31
		return bitReturn(L, op(b, n))
	}
}

func bitSwap(L *lua.LState) int {
	b := bitArg(L, 1)
	return bitReturn(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
}

// bitToHex formats the low n hex digits (default 8); a negative n asks for
// upper case. The most negative count behaves as -(2^31-1), the guard
// later Redis releases added against an overflow.
func bitToHex(L *lua.LState) int {
	b := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2))
	}
	digits := "0123456789abcdef"
	if n == math.MinInt32 {
		n = math.MinInt32 + 1
	}
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 {
		n = 8
	}
	var buf [8]byte
	for i := int(n) - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf[:n]))
	return 1
}

var bitFuncs = map[string]lua.LGFunction{
	"tobit":   bitToBit,
	"bnot":    bitNot,
	"band":    bitFold(func(a, b uint32) uint32 { return a & b }),
	"bor":     bitFold(func(a, b uint32) uint32 { return a | b }),
	"bxor":    bitFold(func(a, b uint32) uint32 { return a ^ b }),
	"lshift":  bitShift(func(b, n uint32) uint32 { return b << n }),
	"rshift":  bitShift(func(b, n uint32) uint32 { return b >> n }),
	"arshift": bitShift(func(b, n uint32) uint32 { return uint32(int32(b) >> n) }),
	"rol":     bitShift(func(b, n uint32) uint32 { return b<<n | b>>((32-n)&31) }),
	"ror":     bitShift(func(b, n uint32) uint32 { return b<<((32-n)&31) | b>>n }),
	"bswap":   bitSwap,
	"tohex":   bitToHex,
}

// newBitLib builds the bit module table.
func newBitLib(L *lua.LState) *lua.LTable {
	return newModule(L, bitFuncs)
}

// newModule builds a table of Go functions.
func newModule(L *lua.LState, funcs map[string]lua.LGFunction) *lua.LTable {
	t := L.NewTable()
	for name, fn := range funcs {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}
