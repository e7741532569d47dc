package commands

import (
	"encoding/binary"
	"math"
	"strconv"

	"sundial/keyspace"
)

// The compact containers inside RDB payloads: listpacks (hashes, sorted
// sets, list nodes and stream nodes of Redis 7.0), and the older ziplists,
// zipmaps and intsets RESTORE still reads. The writers produce the bytes
// Redis's listpack.c and intset.c produce for the same elements; the
// readers check every header, length and terminator against the input, so
// a damaged container is refused rather than read out of bounds.

// listpack builds a listpack.
type listpack struct {
	b []byte
	n int // elements
}

// lpHeaderSize is a listpack's header: total bytes and element count.
const lpHeaderSize = 6

func newListpack() listpack { return listpack{b: make([]byte, lpHeaderSize, 64)} }

// size is the listpack's total size once finished (with its terminator).
func (lp *listpack) size() int { return len(lp.b) + 1 }

// appendString adds s, as an integer when it is a canonical one (Redis's
// lpAppend stores such strings as integers).
func (lp *listpack) appendString(s []byte) {
	if v, ok := keyspace.ParseInt(s); ok {
		lp.appendInt(v)
		return
	}
	start := len(lp.b)
	switch n := len(s); {
	case n < 64:
		lp.b = append(lp.b, 0x80|byte(n))
	case n < 4096:
		lp.b = append(lp.b, 0xe0|byte(n>>8), byte(n))
	default:
		lp.b = append(lp.b, 0xf0)
		lp.b = binary.LittleEndian.AppendUint32(lp.b, uint32(n))
	}
	lp.b = append(lp.b, s...)
	lp.b = appendLPBacklen(lp.b, len(lp.b)-start)
	lp.n++
}

// appendInt adds v with the smallest integer encoding.
func (lp *listpack) appendInt(v int64) {
	start := len(lp.b)
	switch {
	case v >= 0 && v <= 127:
		lp.b = append(lp.b, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint16(v) & 0x1fff
		lp.b = append(lp.b, 0xc0|byte(u>>8), byte(u))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		lp.b = append(lp.b, 0xf1)
		lp.b = binary.LittleEndian.AppendUint16(lp.b, uint16(v))
	case v >= -1<<23 && v < 1<<23:
		lp.b = append(lp.b, 0xf2, byte(v), byte(v>>8), byte(v>>16))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		lp.b = append(lp.b, 0xf3)
		lp.b = binary.LittleEndian.AppendUint32(lp.b, uint32(v))
	default:
		lp.b = append(lp.b, 0xf4)
		lp.b = binary.LittleEndian.AppendUint64(lp.b, uint64(v))
	}
	lp.b = appendLPBacklen(lp.b, len(lp.b)-start)
	lp.n++
}

// appendLPBacklen appends the back length of an entry of l bytes: 7 bits
// a byte, most significant first, every byte but the first flagged.
func appendLPBacklen(b []byte, l int) []byte {
	n := 1
	for x := l >> 7; x > 0; x >>= 7 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		c := byte(l>>(7*i)) & 127
		if i != n-1 {
			c |= 128
		}
		b = append(b, c)
	}
	return b
}

// finish writes the header and terminator and returns the bytes.
func (lp *listpack) finish() []byte {
	lp.b = append(lp.b, 0xff)
	binary.LittleEndian.PutUint32(lp.b, uint32(len(lp.b)))
	binary.LittleEndian.PutUint16(lp.b[4:], uint16(min(lp.n, 65535)))
	return lp.b
}

// packElem is an element of a listpack or ziplist: a string (s, aliasing
// the container) or an integer.
type packElem struct {
	s     []byte
	v     int64
	isInt bool
}

// bytes returns the element as a string; integers are formatted into buf.
func (e packElem) bytes(buf []byte) []byte {
	if e.isInt {
		return strconv.AppendInt(buf[:0], e.v, 10)
	}
	return e.s
}

// integer returns the element's value as an integer, parsing a string
// element as Redis's lpGetInteger would accept it.
func (e packElem) integer() (int64, bool) {
	if e.isInt {
		return e.v, true
	}
	return keyspace.ParseInt(e.s)
}

// eachListpack validates a listpack fully (size, terminator, every
// entry's encoding and back length, the element count) and calls fn for
// each element in order; it stops, returning false, at the first problem
// or when fn returns false.
func eachListpack(lp []byte, fn func(e packElem) bool) bool {
	if len(lp) < lpHeaderSize+1 || int(binary.LittleEndian.Uint32(lp)) != len(lp) || lp[len(lp)-1] != 0xff {
		return false
	}
	count := int(binary.LittleEndian.Uint16(lp[4:]))
	end := len(lp) - 1
	n := 0
	for p := lpHeaderSize; p < end; {
		e, size, ok := lpEntry(lp[p:end])
		if !ok {
			return false
		}
		var want [5]byte
		back := len(appendLPBacklen(want[:0], size))
		if back > end-p-size || string(want[:back]) != string(lp[p+size:p+size+back]) {
			return false
		}
		p += size + back
		n++
		if !fn(e) {
			return false
		}
	}
	return count == 65535 || count == n
}

// lpEntry decodes the entry at the start of b (which excludes the
// terminator) and returns it with its size without the back length.
func lpEntry(b []byte) (packElem, int, bool) {
	c := b[0]
	var e packElem
	switch {
	case c&0x80 == 0:
		return packElem{v: int64(c), isInt: true}, 1, true
	case c&0xc0 == 0x80:
		n := int(c & 0x3f)
		if 1+n > len(b) {
			return e, 0, false
		}
		return packElem{s: b[1 : 1+n]}, 1 + n, true
	case c&0xe0 == 0xc0:
		if len(b) < 2 {
			return e, 0, false
		}
		u := int64(c&0x1f)<<8 | int64(b[1])
		if u >= 1<<12 {
			u -= 1 << 13
		}
		return packElem{v: u, isInt: true}, 2, true
	case c&0xf0 == 0xe0:
		if len(b) < 2 {
			return e, 0, false
		}
		n := int(c&0x0f)<<8 | int(b[1])
		if 2+n > len(b) {
			return e, 0, false
		}
		return packElem{s: b[2 : 2+n]}, 2 + n, true
	}
	switch c {
	case 0xf0:
		if len(b) < 5 {
			return e, 0, false
		}
		n := uint64(binary.LittleEndian.Uint32(b[1:]))
		if n > uint64(len(b)-5) {
			return e, 0, false
		}
		return packElem{s: b[5 : 5+n]}, 5 + int(n), true
	case 0xf1:
		if len(b) < 3 {
			return e, 0, false
		}
		return packElem{v: int64(int16(binary.LittleEndian.Uint16(b[1:]))), isInt: true}, 3, true
	case 0xf2:
		if len(b) < 4 {
			return e, 0, false
		}
		u := int64(b[1]) | int64(b[2])<<8 | int64(b[3])<<16
		return packElem{v: u << 40 >> 40, isInt: true}, 4, true
	case 0xf3:
		if len(b) < 5 {
			return e, 0, false
		}
		return packElem{v: int64(int32(binary.LittleEndian.Uint32(b[1:]))), isInt: true}, 5, true
	case 0xf4:
		if len(b) < 9 {
			return e, 0, false
		}
		return packElem{v: int64(binary.LittleEndian.Uint64(b[1:])), isInt: true}, 9, true
	}
	return e, 0, false
}

// Ziplist layout: total bytes, offset of the last entry, element count,
// entries, terminator.
const zlHeaderSize = 10

// eachZiplist validates a ziplist fully as Redis's deep
// ziplistValidateIntegrity does (sizes, previous-entry lengths, tail
// offset, count, terminator) and calls fn for each element.
func eachZiplist(zl []byte, fn func(e packElem) bool) bool {
	if len(zl) < zlHeaderSize+1 || int(binary.LittleEndian.Uint32(zl)) != len(zl) || zl[len(zl)-1] != 0xff {
		return false
	}
	tail := int(binary.LittleEndian.Uint32(zl[4:]))
	count := int(binary.LittleEndian.Uint16(zl[8:]))
	end := len(zl) - 1
	n, prevSize, last := 0, 0, zlHeaderSize
	for p := zlHeaderSize; p < end; {
		e, size, prevLen, ok := zlEntry(zl[p:end])
		if !ok || prevLen != prevSize {
			return false
		}
		last = p
		p += size
		prevSize = size
		n++
		if !fn(e) {
			return false
		}
	}
	return tail == last && (count == 65535 || count == n)
}

// zlEntry decodes the ziplist entry at the start of b: the element, the
// entry's whole size and the previous entry's size it records.
func zlEntry(b []byte) (e packElem, size, prevLen int, ok bool) {
	p := 1
	switch {
	case b[0] < 254:
		prevLen = int(b[0])
	case b[0] == 254 && len(b) >= 5:
		prevLen = int(binary.LittleEndian.Uint32(b[1:]))
		p = 5
	default:
		return e, 0, 0, false
	}
	if p >= len(b) {
		return e, 0, 0, false
	}
	c := b[p]
	var n, hdr int
	switch c >> 6 {
	case 0:
		n, hdr = int(c&0x3f), 1
	case 1:
		if p+2 > len(b) {
			return e, 0, 0, false
		}
		n, hdr = int(c&0x3f)<<8|int(b[p+1]), 2
	case 2:
		if p+5 > len(b) {
			return e, 0, 0, false
		}
		l := binary.BigEndian.Uint32(b[p+1:])
		if uint64(l) > uint64(len(b)) {
			return e, 0, 0, false
		}
		n, hdr = int(l), 5
	default:
		e, size, ok := zlInt(b, p)
		return e, size, prevLen, ok
	}
	if n > len(b)-p-hdr {
		return e, 0, 0, false
	}
	start := p + hdr
	return packElem{s: b[start : start+n]}, start + n, prevLen, true
}

// zlInt decodes the integer entry whose encoding byte is at b[p] and
// returns it with the entry's size.
func zlInt(b []byte, p int) (e packElem, size int, ok bool) {
	c := b[p]
	var width int
	switch {
	case c == 0xc0:
		width = 2
	case c == 0xd0:
		width = 4
	case c == 0xe0:
		width = 8
	case c == 0xf0:
		width = 3
	case c == 0xfe:
		width = 1
	case c >= 0xf1 && c <= 0xfd:
		return packElem{v: int64(c&0x0f) - 1, isInt: true}, p + 1, true
	default:
		return e, 0, false
	}
	if p+1+width > len(b) {
		return e, 0, false
	}
	d := b[p+1 : p+1+width]
	var v int64
	switch width {
	case 1:
		v = int64(int8(d[0]))
	case 2:
		v = int64(int16(binary.LittleEndian.Uint16(d)))
	case 3:
		v = (int64(d[0]) | int64(d[1])<<8 | int64(d[2])<<16) << 40 >> 40
	case 4:
		v = int64(int32(binary.LittleEndian.Uint32(d)))
	default:
		v = int64(binary.LittleEndian.Uint64(d))
	}
	return packElem{v: v, isInt: true}, p + 1 + width, true
}

// eachZipmap validates a zipmap (Redis 2.x small hashes) as Redis's
// zipmapValidateIntegrity does and calls fn for each field and value.
func eachZipmap(zm []byte, fn func(field, value []byte) bool) bool {
	if len(zm) < 2 || zm[len(zm)-1] != 0xff {
		return false
	}
	end := len(zm) - 1
	readLen := func(p int) (int, int, bool) {
		if p >= end {
			return 0, 0, false
		}
		switch c := zm[p]; {
		case c < 254:
			return int(c), p + 1, true
		case c == 254 && p+5 <= end:
			return int(binary.LittleEndian.Uint32(zm[p+1:])), p + 5, true
		}
		return 0, 0, false
	}
	count := 0
	p := 1
	for p < end {
		fl, q, ok := readLen(p)
		if !ok || fl > end-q {
			return false
		}
		field := zm[q : q+fl]
		vl, q2, ok := readLen(q + fl)
		if !ok || q2 >= end {
			return false
		}
		free := int(zm[q2])
		q2++
		if vl > end-q2 || free > end-q2-vl {
			return false
		}
		value := zm[q2 : q2+vl]
		p = q2 + vl + free
		count++
		if !fn(field, value) {
			return false
		}
	}
	return count > 0 && (zm[0] == 254 || int(zm[0]) == count)
}

// appendIntset appends Redis's intset of vs (ascending): the encoding
// (bytes per value, the smallest that holds them all), the count, then
// the values, all little endian.
func appendIntset(b []byte, vs []int64) []byte {
	width := 2
	for _, v := range vs {
		switch {
		case v < math.MinInt32 || v > math.MaxInt32:
			width = 8
		case (v < math.MinInt16 || v > math.MaxInt16) && width < 4:
			width = 4
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(width))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vs)))
	for _, v := range vs {
		switch width {
		case 2:
			b = binary.LittleEndian.AppendUint16(b, uint16(v))
		case 4:
			b = binary.LittleEndian.AppendUint32(b, uint32(v))
		default:
			b = binary.LittleEndian.AppendUint64(b, uint64(v))
		}
	}
	return b
}

// readIntset validates an intset (known encoding, size matching the
// count, not empty, strictly ascending) and returns its values.
func readIntset(b []byte) ([]int64, bool) {
	if len(b) < 8 {
		return nil, false
	}
	width := binary.LittleEndian.Uint32(b)
	count := uint64(binary.LittleEndian.Uint32(b[4:]))
	if (width != 2 && width != 4 && width != 8) || count == 0 || 8+count*uint64(width) != uint64(len(b)) {
		return nil, false
	}
	vs := make([]int64, count)
	for i := range vs {
		d := b[8+i*int(width):]
		switch width {
		case 2:
			vs[i] = int64(int16(binary.LittleEndian.Uint16(d)))
		case 4:
			vs[i] = int64(int32(binary.LittleEndian.Uint32(d)))
		default:
			vs[i] = int64(binary.LittleEndian.Uint64(d))
		}
		if i > 0 && vs[i] <= vs[i-1] {
			return nil, false
		}
	}
	return vs, true
}
