package commands

import (
	"encoding/binary"
	"math"

	"sundial/keyspace"
)

// RDB lengths and strings, as DUMP, RESTORE and FUNCTION DUMP/RESTORE
// carry them: a string is a length prefix and its bytes, or an
// LZF-compressed block, or a small integer. The writers produce what
// Redis's rdbSaveLen and rdbSaveRawString produce (LZF when it saves at
// least four bytes), so payloads are byte-identical; the readers accept
// every form and check every length against the input.

// RDB length encodings.
const (
	rdbLen6    = 0
	rdbLen14   = 1
	rdbLen32   = 0x80
	rdbLen64   = 0x81
	rdbEncVal  = 3
	rdbEncInt8 = 0
	rdbEncI16  = 1
	rdbEncI32  = 2
	rdbEncLZF  = 3
)

// appendRDBLen appends an RDB length.
func appendRDBLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|rdbLen14<<6, byte(n))
	case n <= 0xffffffff:
		b = append(b, rdbLen32)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	}
	b = append(b, rdbLen64)
	return binary.BigEndian.AppendUint64(b, n)
}

// appendRDBString appends s as Redis's rdbSaveRawString does with
// rdbcompression on (FUNCTION DUMP's library code).
func appendRDBString(b, s []byte) []byte { return appendRDBRaw(b, s, true) }

// appendRDBRaw appends s as Redis's rdbSaveRawString: a canonical integer
// of up to 11 bytes that fits 32 bits as an integer encoding, else, when
// compress is set and s is longer than 20 bytes, an LZF block if that
// saves at least four bytes, else the length and the bytes.
func appendRDBRaw(b, s []byte, compress bool) []byte {
	if len(s) <= 11 {
		if v, ok := keyspace.ParseInt(s); ok && v >= math.MinInt32 && v <= math.MaxInt32 {
			return appendRDBInt(b, v)
		}
	}
	if compress && len(s) > 20 {
		if out := lzfCompress(s, len(s)-4); out != nil {
			b = append(b, rdbEncVal<<6|rdbEncLZF)
			b = appendRDBLen(b, uint64(len(out)))
			b = appendRDBLen(b, uint64(len(s)))
			return append(b, out...)
		}
	}
	b = appendRDBLen(b, uint64(len(s)))
	return append(b, s...)
}

// appendRDBInt appends v (a 32-bit value) with the smallest of Redis's
// integer string encodings, as rdbEncodeInteger.
func appendRDBInt(b []byte, v int64) []byte {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, rdbEncVal<<6|rdbEncInt8, byte(v))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		b = append(b, rdbEncVal<<6|rdbEncI16)
		return binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	b = append(b, rdbEncVal<<6|rdbEncI32)
	return binary.LittleEndian.AppendUint32(b, uint32(v))
}

// readRDBLen reads an RDB length at pos; enc reports a special encoding
// (then n is its type).
func readRDBLen(b []byte, pos int) (n uint64, enc bool, next int, ok bool) {
	if pos >= len(b) {
		return 0, false, 0, false
	}
	first := b[pos]
	switch first >> 6 {
	case rdbLen6:
		return uint64(first & 0x3f), false, pos + 1, true
	case rdbLen14:
		if pos+2 > len(b) {
			return 0, false, 0, false
		}
		return uint64(first&0x3f)<<8 | uint64(b[pos+1]), false, pos + 2, true
	case rdbEncVal:
		return uint64(first & 0x3f), true, pos + 1, true
	}
	switch first {
	case rdbLen32:
		if pos+5 > len(b) {
			return 0, false, 0, false
		}
		return uint64(binary.BigEndian.Uint32(b[pos+1:])), false, pos + 5, true
	case rdbLen64:
		if pos+9 > len(b) {
			return 0, false, 0, false
		}
		return binary.BigEndian.Uint64(b[pos+1:]), false, pos + 9, true
	}
	return 0, false, 0, false
}

// readRDBString reads an RDB string at pos.
func readRDBString(b []byte, pos int) ([]byte, int, bool) {
	n, enc, pos, ok := readRDBLen(b, pos)
	if !ok {
		return nil, 0, false
	}
	if !enc {
		if n > uint64(len(b)-pos) {
			return nil, 0, false
		}
		return b[pos : pos+int(n)], pos + int(n), true
	}
	switch n {
	case rdbEncInt8:
		if pos+1 > len(b) {
			return nil, 0, false
		}
		return []byte(itoa(int(int8(b[pos])))), pos + 1, true
	case rdbEncI16:
		if pos+2 > len(b) {
			return nil, 0, false
		}
		return []byte(itoa(int(int16(binary.LittleEndian.Uint16(b[pos:]))))), pos + 2, true
	case rdbEncI32:
		if pos+4 > len(b) {
			return nil, 0, false
		}
		return []byte(itoa(int(int32(binary.LittleEndian.Uint32(b[pos:]))))), pos + 4, true
	case rdbEncLZF:
		clen, e1, pos, ok1 := readRDBLen(b, pos)
		ulen, e2, pos, ok2 := readRDBLen(b, pos)
		if !ok1 || !ok2 || e1 || e2 || clen > uint64(len(b)-pos) || ulen > 512<<20 {
			return nil, 0, false
		}
		out, ok := lzfDecompress(b[pos:pos+int(clen)], int(ulen))
		if !ok {
			return nil, 0, false
		}
		return out, pos + int(clen), true
	}
	return nil, 0, false
}

// lzfMaxRatio bounds LZF's expansion: a 3-byte back reference gives at
// most 264 bytes.
const lzfMaxRatio = 88

// lzfDecompress expands an LZF block into exactly n bytes. A size the
// block cannot produce is refused before anything is allocated.
func lzfDecompress(in []byte, n int) ([]byte, bool) {
	if n < 0 || n > lzfMaxRatio*len(in) {
		return nil, false
	}
	out := make([]byte, 0, n)
	for ip := 0; ip < len(in); {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			run := ctrl + 1
			if ip+run > len(in) || len(out)+run > n {
				return nil, false
			}
			out = append(out, in[ip:ip+run]...)
			ip += run
			continue
		}
		length := ctrl >> 5
		ref := len(out) - (ctrl&0x1f)<<8 - 1
		if length == 7 {
			if ip >= len(in) {
				return nil, false
			}
			length += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref -= int(in[ip])
		ip++
		length += 2
		if ref < 0 || len(out)+length > n {
			return nil, false
		}
		for i := 0; i < length; i++ {
			out = append(out, out[ref+i])
		}
	}
	return out, len(out) == n
}

// LZF parameters of Redis's liblzf build (HLOG 16, VERY_FAST).
const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = 1<<8 + 1<<3
)

func lzfIdx(h uint32) uint32 {
	return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1)
}

// lzfCompress is liblzf's lzf_compress as Redis builds it: the output, or
// nil if it would not fit in outLen bytes.
func lzfCompress(in []byte, outLen int) []byte {
	inLen := len(in)
	if inLen == 0 || outLen <= 0 {
		return nil
	}
	// Slots hold position+1 so that the zero value means "empty".
	htab := make([]uint32, lzfHSize)
	out := make([]byte, outLen)
	ip, op, lit := 0, 1, 0
	hval := uint32(in[0])<<8 | uint32(in[1])
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := lzfIdx(hval)
		ref := int(htab[slot]) - 1
		htab[slot] = uint32(ip) + 1
		off := ip - ref - 1
		if ref > 0 && ref < ip && off < lzfMaxOff && in[ref+2] == in[ip+2] &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] {
			length := 2
			maxlen := min(inLen-ip-length, lzfMaxRef)
			noLit := 0
			if lit == 0 {
				noLit = 1
			}
			if op+3+1 >= outLen && op-noLit+3+1 >= outLen {
				return nil
			}
			out[op-lit-1] = byte(lit - 1)
			op -= noLit
			matched := false
			if maxlen > 16 {
				matched = true
				for k := 0; k < 16; k++ {
					length++
					if in[ref+length] != in[ip+length] {
						matched = false
						break
					}
				}
				if !matched {
					goto done
				}
			}
			for {
				length++
				if !(length < maxlen && in[ref+length] == in[ip+length]) {
					break
				}
			}
		done:
			length -= 2
			ip++
			if length < 7 {
				out[op] = byte(off>>8 + length<<5)
				op++
			} else {
				out[op] = byte(off>>8 + 7<<5)
				out[op+1] = byte(length - 7)
				op += 2
			}
			out[op] = byte(off)
			op++
			lit = 0
			op++
			ip += length + 1
			if ip >= inLen-2 {
				break
			}
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIdx(hval)] = uint32(ip) + 1
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			htab[lzfIdx(hval)] = uint32(ip) + 1
			ip++
			continue
		}
		if op >= outLen {
			return nil
		}
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	if op+3 > outLen {
		return nil
	}
	for ip < inLen {
		lit++
		out[op] = in[ip]
		op++
		ip++
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			lit = 0
			op++
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return out[:op]
}
