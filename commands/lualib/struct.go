package lualib

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The struct library is Roberto Ierusalimschy's struct 0.2 as Redis 7.0
// ships it, with the sizes of x86-64 Linux (short 2, int 4, long and
// size_t 8, maximum alignment 8) and native little-endian byte order.
//
// Formats: '<' '>' set the byte order, '![n]' the maximum alignment,
// 'b' 'B' 'h' 'H' 'l' 'L' 'T' 'i[n]' 'I[n]' integers, 'f' 'd' floats,
// 'c[n]' fixed strings (n = 0: the whole string when packing, the
// previously unpacked number when unpacking), 's' NUL-terminated strings,
// 'x' a padding byte, ' ' ignored.

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
	// luaMaxCStack is LUAI_MAXCSTACK: how many values a C function may
	// keep on the Lua stack.
	luaMaxCStack = 8000
)

// structFormat walks a format string (read as a C string).
type structFormat struct {
	L      *lua.LState
	fmt    string
	pos    int
	little bool
	align  int
}

func newStructFormat(L *lua.LState, f string) *structFormat {
	return &structFormat{L: L, fmt: cString(f), little: true, align: 1}
}

func (f *structFormat) done() bool { return f.pos >= len(f.fmt) }

func (f *structFormat) next() byte {
	c := f.fmt[f.pos]
	f.pos++
	return c
}

// num reads an optional decimal count, or returns def.
func (f *structFormat) num(def int) int {
	if f.done() || !isDigit(f.fmt[f.pos]) {
		return def
	}
	a := 0
	for !f.done() && isDigit(f.fmt[f.pos]) {
		d := int(f.fmt[f.pos] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(f.L, "integral size overflow")
		}
		a = a*10 + d
		f.pos++
	}
	return a
}

// size is optsize: the bytes an option occupies (0 for control options).
func (f *structFormat) size(opt byte) int {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return f.num(1)
	case 'i', 'I':
		sz := f.num(4)
		if sz > structMaxIntSize {
			raise(f.L, "integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	}
	return 0
}

// toAlign is gettoalign: the padding before an item of the given size at
// offset n. Sizes that are not powers of two give C's odd results, kept.
func (f *structFormat) toAlign(n int, opt byte, size int) int {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > f.align {
		size = f.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

// control handles ' ', '<', '>', '!' and rejects anything else.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.little = false
	case '<':
		f.little = true
	case '!':
		a := f.num(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(f.L, "alignment %d is not a power of 2", a)
		}
		f.align = a
	default:
		argError(f.L, 1, "invalid format option '"+string(opt)+"'")
	}
}

// structPackArgs gives the arguments of struct.pack as the C code sees
// them: a nil pushed after the last argument, then nothing.
type structPackArgs struct {
	L    *lua.LState
	top  int
	next int
}

func (a *structPackArgs) value() (lua.LValue, int) {
	n := a.next
	a.next++
	if n <= a.top+1 {
		return a.L.Get(n), n
	}
	return lua.LNil, n
}

func (a *structPackArgs) number() float64 {
	v, n := a.value()
	f, ok := toNumber(v)
	if !ok {
		a.typeError(v, n, "number")
	}
	return f
}

func (a *structPackArgs) str() (string, int) {
	v, n := a.value()
	s, ok := toLString(v)
	if !ok {
		a.typeError(v, n, "string")
	}
	return s, n
}

func (a *structPackArgs) typeError(v lua.LValue, n int, expected string) {
	got := v.Type().String()
	if n > a.top+1 {
		got = "no value"
	}
	argError(a.L, n, expected+" expected, got "+got)
}

func structPack(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	args := &structPackArgs{L: L, top: L.GetTop(), next: 2}
	var out []byte
	for !f.done() {
		opt := f.next()
		size := f.size(opt)
		pad := f.toAlign(len(out), opt, size)
		for ; pad > 0; pad-- {
			out = append(out, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			out = appendStructInt(out, args.number(), size, f.little)
		case 'x':
			out = append(out, 0)
		case 'f':
			bits := math.Float32bits(float32(args.number()))
			out = appendOrdered32(out, bits, f.little)
		case 'd':
			bits := math.Float64bits(args.number())
			out = appendOrdered64(out, bits, f.little)
		case 'c', 's':
			s, n := args.str()
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, n+1, "string too short")
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
			}
		default:
			f.control(opt)
		}
	}
	L.Push(lua.LString(out))
	return 1
}

// appendStructInt writes the low bytes of n as an integer of size bytes;
// bytes beyond the 8 of a C long are zero.
func appendStructInt(out []byte, n float64, size int, little bool) []byte {
	var value uint64
	if n < 0 {
		value = uint64(toInteger(n))
	} else {
		value = toUint64(n)
	}
	start := len(out)
	for i := 0; i < size; i++ {
		out = append(out, 0)
	}
	buf := out[start:]
	for i := 0; i < size; i++ {
		b := byte(value)
		if little {
			buf[i] = b
		} else {
			buf[size-1-i] = b
		}
		value >>= 8
	}
	return out
}

// toUint64 converts like gcc's double to unsigned long on x86-64.
func toUint64(f float64) uint64 {
	if f < 9223372036854775808.0 {
		return uint64(toInteger(f))
	}
	return uint64(toInteger(f-9223372036854775808.0)) ^ (1 << 63)
}

func appendOrdered32(out []byte, v uint32, little bool) []byte {
	if little {
		return binary.LittleEndian.AppendUint32(out, v)
	}
	return binary.BigEndian.AppendUint32(out, v)
}

func appendOrdered64(out []byte, v uint64, little bool) []byte {
	if little {
		return binary.LittleEndian.AppendUint64(out, v)
	}
	return binary.BigEndian.AppendUint64(out, v)
}

// readStructInt is getinteger: only the last 8 bytes shifted in survive,
// and the sign mask uses x86's shift count masking.
func readStructInt(b []byte, little, signed bool) float64 {
	var l uint64
	size := len(b)
	for i := 0; i < size; i++ {
		idx := i
		if little {
			idx = size - 1 - i
		}
		l = l<<8 | uint64(b[idx])
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	data := checkString(L, 2)
	offset := optInteger(L, 3, 1)
	pos := uint64(offset)
	if pos == 0 {
		argError(L, 3, "offset must be 1 or greater")
	}
	pos--
	ld := uint64(len(data))
	// The C code works on its Lua stack: the format and data strings are
	// below the results, and 'c0' pops whatever is on top.
	stack := []lua.LValue{lua.LString(f.fmt), lua.LString(data)}
	fits := func(size uint64) {
		if pos > ld || size > ld-pos {
			argError(L, 2, "data string too short")
		}
	}
	for !f.done() {
		opt := f.next()
		size := uint64(f.size(opt))
		pos += uint64(f.toAlign(int(pos), opt, int(size)))
		fits(size)
		// Redis's build keeps one more slot in use than the format and
		// data strings; the limit is reached one result earlier.
		if len(stack)+2 > luaMaxCStack {
			raise(L, "stack overflow (too many results)")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := opt >= 'a'
			stack = append(stack, lua.LNumber(readStructInt([]byte(data[pos:pos+size]), f.little, signed)))
		case 'x':
		case 'f':
			bits := readOrdered(data[pos:pos+4], f.little)
			stack = append(stack, lua.LNumber(math.Float32frombits(uint32(bits))))
		case 'd':
			bits := readOrdered(data[pos:pos+8], f.little)
			stack = append(stack, lua.LNumber(math.Float64frombits(bits)))
		case 'c':
			if size == 0 {
				// The size is the previous result, which must be a number.
				n, ok := toNumber(stack[len(stack)-1])
				if len(stack) <= 2 || !ok {
					raise(L, "format 'c0' needs a previous size")
				}
				stack = stack[:len(stack)-1]
				size = uint64(toInteger(n))
				fits(size)
			}
			stack = append(stack, lua.LString(data[pos:pos+size]))
		case 's':
			end := strings.IndexByte(data[pos:], 0)
			if end < 0 {
				raise(L, "unfinished string in data")
			}
			size = uint64(end) + 1
			stack = append(stack, lua.LString(data[pos:pos+size-1]))
		default:
			f.control(opt)
		}
		pos += size
	}
	stack = append(stack, lua.LNumber(float64(int64(pos+1))))
	results := stack[2:]
	for _, v := range results {
		L.Push(v)
	}
	return len(results)
}

func readOrdered(b string, little bool) uint64 {
	var v uint64
	for i := 0; i < len(b); i++ {
		idx := len(b) - 1 - i
		if !little {
			idx = i
		}
		v = v<<8 | uint64(b[idx])
	}
	return v
}

func structSize(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	pos := 0
	for !f.done() {
		opt := f.next()
		size := f.size(opt)
		pos += f.toAlign(pos, opt, size)
		if opt == 's' {
			argError(L, 1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += size
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

var structFuncs = map[string]lua.LGFunction{
	"pack":   structPack,
	"unpack": structUnpack,
	"size":   structSize,
}

func newStructLib(L *lua.LState) *lua.LTable {
	return newModule(L, structFuncs)
}
