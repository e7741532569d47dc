package commands

import (
	"math"
	"math/bits"

	"sundial/keyspace"
)

// bitmapCommands is the bitmaps family of the command table: bit
// operations on string values, bit 0 being the most significant bit of
// the first byte.
var bitmapCommands = []*Spec{
	{Name: "setbit", Run: cmdSetBit},
	{Name: "getbit", Run: cmdGetBit},
	{Name: "bitcount", Run: cmdBitCount},
	{Name: "bitpos", Run: cmdBitPos},
	{Name: "bitop", Run: cmdBitOp},
	{Name: "bitfield", Run: cmdBitField},
	{Name: "bitfield_ro", Run: cmdBitFieldRO},
}

const (
	errBitOffset     = "ERR bit offset is not an integer or out of range"
	errBitValue      = "ERR bit is not an integer or out of range"
	errBitfieldType  = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	errBitfieldRO    = "ERR BITFIELD_RO only supports the GET subcommand"
	errBitOpNot      = "ERR BITOP NOT must be called with a single source key."
	errBitArg        = "ERR The bit argument must be 1 or 0."
	errOverflowType  = "ERR Invalid OVERFLOW type specified"
	bitfieldHashForm = '#'
)

// bitOffsetArg is Redis's getBitOffsetFromArgument: a bit offset below
// proto-max-bulk-len bytes; with hash, "#n" means n × bits.
func bitOffsetArg(c *Client, arg []byte, hash bool, width int64) (uint64, bool) {
	useHash := hash && len(arg) > 1 && arg[0] == bitfieldHashForm
	if useHash {
		arg = arg[1:]
	}
	n, ok := keyspace.ParseInt(arg)
	if ok && useHash {
		n *= width // wraps on overflow, then fails the range check, as in Redis
	}
	if !ok || n < 0 || !c.replay && n>>3 >= c.e.Cfg.ProtoMaxBulkLen {
		c.Error(errBitOffset)
		return 0, false
	}
	return uint64(n), true
}

// bitStringForWrite is Redis's lookupStringForBitCommand: the string at
// key, created or zero-extended to hold bit maxbit. It replies WRONGTYPE
// and returns nil for another type.
func bitStringForWrite(c *Client, key []byte, maxbit uint64) *keyspace.String {
	s, _ := bitStringForWriteDirty(c, key, maxbit)
	return s
}

// bitStringForWriteDirty also reports whether the string was created or
// grew, which makes SETBIT a change even when the bit keeps its value.
func bitStringForWriteDirty(c *Client, key []byte, maxbit uint64) (*keyspace.String, bool) {
	size := int(maxbit>>3) + 1
	e := c.Lookup(key)
	if e == nil {
		s := keyspace.NewRawString(make([]byte, size))
		c.DB.Add(string(key), s)
		return s, true
	}
	s, ok := e.Value.(*keyspace.String)
	if !ok {
		c.Error(errWrongType)
		return nil, false
	}
	grew := len(s.B) < size
	s.B = strGrowZero(s.B, size)
	s.Raw = true
	return s, grew
}

func cmdSetBit(c *Client, args [][]byte) {
	offset, ok := bitOffsetArg(c, args[2], false, 0)
	if !ok {
		return
	}
	on, ok := keyspace.ParseInt(args[3])
	if !ok || on&^1 != 0 {
		c.Error(errBitValue)
		return
	}
	s, dirty := bitStringForWriteDirty(c, args[1], offset)
	if s == nil {
		return
	}
	byteIdx, shift := offset>>3, 7-offset&7
	old := s.B[byteIdx] >> shift & 1
	// As Redis: only a created or grown string, or a flipped bit, is a
	// change (notified, propagated, invalidating watchers).
	if dirty || int64(old) != on {
		s.B[byteIdx] = s.B[byteIdx]&^(1<<shift) | byte(on)<<shift
		c.Touched(args[1])
		c.Notify(notifyString, "setbit", args[1])
		c.Dirty(1)
	}
	c.Int(int64(old))
}

func cmdGetBit(c *Client, args [][]byte) {
	offset, ok := bitOffsetArg(c, args[2], false, 0)
	if !ok {
		return
	}
	s, wrong := stringValue(c, args[1])
	switch {
	case wrong:
		c.Error(errWrongType)
	case s == nil || offset>>3 >= uint64(len(s.B)):
		c.Int(0)
	default:
		c.Int(int64(s.B[offset>>3] >> (7 - offset&7) & 1))
	}
}

// clampRange resolves GETRANGE, BITCOUNT and BITPOS start and end
// (negative from the end, clamped) over total units (bytes, or bits).
func clampRange(start, end, total int64) (int64, int64) {
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= total {
		end = total - 1
	}
	return start, end
}

// bitUnitArg parses BITCOUNT/BITPOS's BYTE|BIT argument.
func bitUnitArg(c *Client, arg []byte) (isBit, ok bool) {
	switch argKeyword(arg) {
	case "bit":
		return true, true
	case "byte":
		return false, true
	}
	c.Error(errSyntax)
	return false, false
}

func cmdBitCount(c *Client, args [][]byte) {
	s, wrong := stringValue(c, args[1])
	switch {
	case wrong:
		c.Error(errWrongType)
		return
	case s == nil:
		c.Int(0)
		return
	}
	p := s.B
	var start, end int64
	isBit := false
	switch len(args) {
	case 2:
		start, end = 0, int64(len(p))-1
	case 4, 5:
		var ok bool
		if start, ok = argInt64(c, args[2]); !ok {
			return
		}
		if end, ok = argInt64(c, args[3]); !ok {
			return
		}
		if start < 0 && end < 0 && start > end {
			c.Int(0)
			return
		}
		if len(args) == 5 {
			if isBit, ok = bitUnitArg(c, args[4]); !ok {
				return
			}
		}
		total := int64(len(p))
		if isBit {
			total <<= 3
		}
		start, end = clampRange(start, end, total)
	default:
		c.Error(errSyntax)
		return
	}
	if start > end {
		c.Int(0)
		return
	}
	if !isBit {
		c.Int(popcount(p[start : end+1]))
		return
	}
	c.Int(countBits(p, start, end))
}

// popcount counts the set bits of p.
func popcount(p []byte) int64 {
	n := 0
	for len(p) >= 8 {
		n += bits.OnesCount64(uint64(p[0]) | uint64(p[1])<<8 | uint64(p[2])<<16 | uint64(p[3])<<24 |
			uint64(p[4])<<32 | uint64(p[5])<<40 | uint64(p[6])<<48 | uint64(p[7])<<56)
		p = p[8:]
	}
	for _, b := range p {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// countBits counts the set bits of p between bit positions first and
// last inclusive.
func countBits(p []byte, first, last int64) int64 {
	fb, lb := first>>3, last>>3
	headMask := byte(0xff >> (first & 7))
	tailMask := byte(0xff << (7 - last&7))
	if fb == lb {
		return int64(bits.OnesCount8(p[fb] & headMask & tailMask))
	}
	n := int64(bits.OnesCount8(p[fb]&headMask)) + int64(bits.OnesCount8(p[lb]&tailMask))
	return n + popcount(p[fb+1:lb])
}

func cmdBitPos(c *Client, args [][]byte) {
	bit, ok := argInt64(c, args[2])
	if !ok {
		return
	}
	if bit != 0 && bit != 1 {
		c.Error(errBitArg)
		return
	}
	e := c.LookupRead(args[1])
	if e == nil {
		// A missing key is an infinite run of zero bits.
		c.Int(-bit)
		return
	}
	s, isStr := e.Value.(*keyspace.String)
	if !isStr {
		c.Error(errWrongType)
		return
	}
	p := s.B
	total := int64(len(p))
	var start, end int64
	isBit, endGiven := false, false
	switch len(args) {
	case 3:
		start, end = 0, total-1
	case 4, 5, 6:
		if start, ok = argInt64(c, args[3]); !ok {
			return
		}
		if len(args) == 6 {
			if isBit, ok = bitUnitArg(c, args[5]); !ok {
				return
			}
		}
		if len(args) >= 5 {
			if end, ok = argInt64(c, args[4]); !ok {
				return
			}
			endGiven = true
		} else if isBit {
			end = total<<3 + 7
		} else {
			end = total - 1
		}
		if isBit {
			total <<= 3
		}
		start, end = clampRange(start, end, total)
	default:
		c.Error(errSyntax)
		return
	}
	if start > end {
		c.Int(-1)
		return
	}
	first, last := start, end
	if !isBit {
		first, last = start<<3, end<<3+7
	}
	pos := findBit(p, first, last, byte(bit))
	if pos < 0 && bit == 0 && !endGiven {
		// Looking for a clear bit with no explicit end: the string is
		// taken as padded with zeros on the right.
		pos = last + 1
	}
	c.Int(pos)
}

// findBit returns the position of the first bit equal to bit between
// positions first and last inclusive, or -1.
func findBit(p []byte, first, last int64, bit byte) int64 {
	skip := byte(0) // a byte made only of bits that do not match
	if bit == 0 {
		skip = 0xff
	}
	for pos := first; pos <= last; {
		b := p[pos>>3]
		if pos&7 == 0 && last-pos >= 7 && b == skip {
			pos += 8
			continue
		}
		if b>>(7-pos&7)&1 == bit {
			return pos
		}
		pos++
	}
	return -1
}

func cmdBitOp(c *Client, args [][]byte) {
	op := argKeyword(args[1])
	switch op {
	case "and", "or", "xor", "not":
	default:
		c.Error(errSyntax)
		return
	}
	if op == "not" && len(args) != 4 {
		c.Error(errBitOpNot)
		return
	}
	dst := args[2]
	srcs := make([][]byte, 0, len(args)-3)
	maxLen := 0
	for _, k := range args[3:] {
		s, wrong := stringValue(c, k)
		if wrong {
			c.Error(errWrongType)
			return
		}
		var b []byte
		if s != nil {
			b = s.B
		}
		srcs = append(srcs, b)
		maxLen = max(maxLen, len(b))
	}
	if maxLen == 0 {
		if e := c.Lookup(dst); e != nil {
			c.DB.Remove(e)
			c.Touched(dst)
			c.Notify(notifyGeneric, "del", dst)
			c.Dirty(1)
		}
		c.Int(0)
		return
	}
	res := make([]byte, maxLen)
	bitOpInto(res, op, srcs)
	setStringKey(c, dst, keyspace.NewRawString(res), false)
	c.Notify(notifyString, "set", dst)
	c.Dirty(1)
	c.Int(int64(maxLen))
}

// bitOpInto computes op over srcs into res, reading missing bytes of a
// shorter source as zero.
func bitOpInto(res []byte, op string, srcs [][]byte) {
	at := func(b []byte, i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	if op == "not" {
		for i := range res {
			res[i] = ^at(srcs[0], i)
		}
		return
	}
	copy(res, srcs[0])
	for _, src := range srcs[1:] {
		switch op {
		case "and":
			for i := range res {
				res[i] &= at(src, i)
			}
		case "or":
			for i := range src {
				res[i] |= src[i]
			}
		case "xor":
			for i := range src {
				res[i] ^= src[i]
			}
		}
	}
}

// Bitfield overflow behaviours.
const (
	bfWrap = iota
	bfSat
	bfFail
)

// bitfieldOp is one GET, SET or INCRBY of a BITFIELD command.
type bitfieldOp struct {
	op       byte // 'g', 's' or 'i'
	offset   uint64
	value    int64
	width    uint
	signed   bool
	overflow int
}

// bitfieldTypeArg parses i1..i64 and u1..u63 (lower case only, as Redis).
func bitfieldTypeArg(c *Client, arg []byte) (signed bool, width uint, ok bool) {
	if len(arg) == 0 || arg[0] != 'i' && arg[0] != 'u' {
		c.Error(errBitfieldType)
		return false, 0, false
	}
	signed = arg[0] == 'i'
	n, ok := keyspace.ParseInt([]byte(argCString(arg[1:])))
	if !ok || n < 1 || signed && n > 64 || !signed && n > 63 {
		c.Error(errBitfieldType)
		return false, 0, false
	}
	return signed, uint(n), true
}

func cmdBitField(c *Client, args [][]byte)   { bitfieldGeneric(c, args, false) }
func cmdBitFieldRO(c *Client, args [][]byte) { bitfieldGeneric(c, args, true) }

// bitfieldGeneric is Redis's bitfieldGeneric: parse every operation,
// then run them in order on the (possibly grown) string.
func bitfieldGeneric(c *Client, args [][]byte, readonlyCmd bool) {
	var ops []bitfieldOp
	overflow := bfWrap
	readonly := true
	var highest uint64
	for j := 2; j < len(args); j++ {
		rem := len(args) - j - 1
		var op byte
		switch sub := argKeyword(args[j]); {
		case sub == "get" && rem >= 2:
			op = 'g'
		case sub == "set" && rem >= 3:
			op = 's'
		case sub == "incrby" && rem >= 3:
			op = 'i'
		case sub == "overflow" && rem >= 1:
			j++
			switch argKeyword(args[j]) {
			case "wrap":
				overflow = bfWrap
			case "sat":
				overflow = bfSat
			case "fail":
				overflow = bfFail
			default:
				c.Error(errOverflowType)
				return
			}
			continue
		default:
			c.Error(errSyntax)
			return
		}
		signed, width, ok := bitfieldTypeArg(c, args[j+1])
		if !ok {
			return
		}
		offset, ok := bitOffsetArg(c, args[j+2], true, int64(width))
		if !ok {
			return
		}
		var value int64
		if op != 'g' {
			readonly = false
			highest = max(highest, offset+uint64(width)-1)
			if value, ok = argInt64(c, args[j+3]); !ok {
				return
			}
			j++
		}
		ops = append(ops, bitfieldOp{op: op, offset: offset, value: value, width: width, signed: signed, overflow: overflow})
		j += 2
	}
	var s *keyspace.String
	// grew: the string was created or extended, which makes every write
	// a change; otherwise only a write that alters the bits is one.
	var grew bool
	if readonly {
		var wrong bool
		if s, wrong = stringValue(c, args[1]); wrong {
			c.Error(errWrongType)
			return
		}
	} else {
		if readonlyCmd {
			c.Error(errBitfieldRO)
			return
		}
		if s, grew = bitStringForWriteDirty(c, args[1], highest); s == nil {
			return
		}
	}
	c.Array(len(ops))
	changes := 0
	for _, o := range ops {
		if o.op == 'g' {
			var src []byte
			if s != nil {
				src = s.B
			}
			v := getBitfield(src, o.offset, o.width)
			if o.signed {
				c.Int(signExtend(v, o.width))
			} else {
				c.Int(int64(v))
			}
			continue
		}
		var reply, store uint64
		var fail bool
		if o.signed {
			reply, store, fail = bitfieldSigned(s.B, o)
		} else {
			reply, store, fail = bitfieldUnsigned(s.B, o)
		}
		if fail {
			c.Null()
			continue
		}
		c.Int(int64(reply))
		// As Redis: a write refused by OVERFLOW FAIL is no change, nor
		// is one that leaves the bits as they were on a string that did
		// not grow.
		if grew || getBitfield(s.B, o.offset, o.width) != store&widthMask(o.width) {
			changes++
		}
		setBitfield(s.B, o.offset, o.width, store)
	}
	if changes > 0 {
		c.Touched(args[1])
		c.Notify(notifyString, "setbit", args[1])
		c.Dirty(changes)
	}
}

// bitfieldSigned runs a signed SET or INCRBY: the reply, the value to
// store, and whether OVERFLOW FAIL refused it.
func bitfieldSigned(p []byte, o bitfieldOp) (reply, store uint64, fail bool) {
	old := signExtend(getBitfield(p, o.offset, o.width), o.width)
	var nv int64
	var overflowed bool
	if o.op == 'i' {
		nv, overflowed = signedOverflow(old, o.value, o.width, o.overflow)
		reply = uint64(nv)
	} else {
		nv, overflowed = signedOverflow(o.value, 0, o.width, o.overflow)
		reply = uint64(old)
	}
	return reply, uint64(nv), overflowed && o.overflow == bfFail
}

// bitfieldUnsigned is bitfieldSigned for unsigned fields.
func bitfieldUnsigned(p []byte, o bitfieldOp) (reply, store uint64, fail bool) {
	old := getBitfield(p, o.offset, o.width)
	var nv uint64
	var overflowed bool
	if o.op == 'i' {
		nv, overflowed = unsignedOverflow(old, o.value, o.width, o.overflow)
		reply = nv
	} else {
		nv, overflowed = unsignedOverflow(uint64(o.value), 0, o.width, o.overflow)
		reply = old
	}
	return reply, nv, overflowed && o.overflow == bfFail
}

// unsignedOverflow adds incr to value in a width-bit unsigned field as
// Redis's checkUnsignedBitfieldOverflow: the result after WRAP or SAT,
// and whether it overflowed.
func unsignedOverflow(value uint64, incr int64, width uint, mode int) (uint64, bool) {
	maxv := uint64(1)<<width - 1
	maxIncr := int64(maxv - value)
	minIncr := -int64(value)
	wrap := func() uint64 { return (value + uint64(incr)) & maxv }
	switch {
	case value > maxv || incr > 0 && incr > maxIncr:
		if mode == bfSat {
			return maxv, true
		}
		return wrap(), true
	case incr < 0 && incr < minIncr:
		if mode == bfSat {
			return 0, true
		}
		return wrap(), true
	}
	return value + uint64(incr), false
}

// signedOverflow is unsignedOverflow for a width-bit two's complement
// field (Redis's checkSignedBitfieldOverflow).
func signedOverflow(value, incr int64, width uint, mode int) (int64, bool) {
	maxv := int64(math.MaxInt64)
	if width < 64 {
		maxv = int64(1)<<(width-1) - 1
	}
	minv := -maxv - 1
	maxIncr := int64(uint64(maxv) - uint64(value))
	minIncr := minv - value
	wrap := func() int64 {
		c := uint64(value) + uint64(incr)
		if width < 64 {
			mask := ^uint64(0) << width
			if c&(1<<(width-1)) != 0 {
				c |= mask
			} else {
				c &^= mask
			}
		}
		return int64(c)
	}
	switch {
	case value > maxv || width != 64 && incr > maxIncr || value >= 0 && incr > 0 && incr > maxIncr:
		if mode == bfSat {
			return maxv, true
		}
		return wrap(), true
	case value < minv || width != 64 && incr < minIncr || value < 0 && incr < 0 && incr < minIncr:
		if mode == bfSat {
			return minv, true
		}
		return wrap(), true
	}
	return value + incr, false
}

// getBitfield reads width bits at bit offset, most significant first;
// bits past the end of p read as zero.
func getBitfield(p []byte, offset uint64, width uint) uint64 {
	var v uint64
	for i := uint(0); i < width; i++ {
		var bit uint64
		if byteIdx := offset >> 3; byteIdx < uint64(len(p)) {
			bit = uint64(p[byteIdx]>>(7-offset&7)) & 1
		}
		v = v<<1 | bit
		offset++
	}
	return v
}

// setBitfield writes the low width bits of v at bit offset; p already
// holds them.
func setBitfield(p []byte, offset uint64, width uint, v uint64) {
	for i := uint(0); i < width; i++ {
		bit := byte(v>>(width-1-i)) & 1
		byteIdx, shift := offset>>3, 7-offset&7
		p[byteIdx] = p[byteIdx]&^(1<<shift) | bit<<shift
		offset++
	}
}

// signExtend reads the low width bits of v as two's complement.
func signExtend(v uint64, width uint) int64 {
	if width < 64 && v&(1<<(width-1)) != 0 {
		v |= ^uint64(0) << width
	}
	return int64(v)
}

// widthMask keeps the low width bits (width is 1..64).
func widthMask(width uint) uint64 {
	if width >= 64 {
		return ^uint64(0)
	}
	return 1<<width - 1
}
