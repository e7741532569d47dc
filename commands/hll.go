package commands

import (
	"encoding/binary"
	"strconv"

	"sundial/keyspace"
	"sundial/keyspace/hll"
)

// hllCommands is the HyperLogLog family of the command table. An HLL is
// a plain string value in Redis's own HYLL layout (package keyspace/hll),
// so GET and SET move it between Redis and sundial unchanged.
var hllCommands = []*Spec{
	{Name: "pfadd", Run: cmdPFAdd},
	{Name: "pfcount", Run: cmdPFCount},
	{Name: "pfmerge", Run: cmdPFMerge},
	{Name: "pfdebug", Run: cmdPFDebug},
	{Name: "pfselftest", Run: cmdPFSelfTest},
}

// hllOptions carries hll-sparse-max-bytes from the configuration.
func (c *Client) hllOptions() hll.Options {
	return hll.Options{SparseMaxBytes: int(c.e.Cfg.HLLSparseMaxBytes)}
}

// hllError replies an error of package hll (its text is Redis's).
func hllError(c *Client, err error) { c.Error(err.Error()) }

// hllValue returns the HLL string at an existing entry, replying the
// error when the key holds another type or an invalid HLL (Redis's
// isHLLObjectOrReply).
func hllValue(c *Client, e *keyspace.Entry) (*keyspace.String, bool) {
	s, ok := e.Value.(*keyspace.String)
	if !ok {
		c.Error(errWrongType)
		return nil, false
	}
	if !hll.IsValid(s.B) {
		hllError(c, hll.ErrWrongType)
		return nil, false
	}
	return s, true
}

func cmdPFAdd(c *Client, args [][]byte) {
	key := args[1]
	e := c.Lookup(key)
	var s *keyspace.String
	if e != nil {
		var ok bool
		if s, ok = hllValue(c, e); !ok {
			return
		}
	} else {
		s = keyspace.NewRawString(nil)
	}
	nb, changed, err := c.hllOptions().Add(s.B, args[2:]...)
	// Redis keeps what was applied before a corrupt spot, so the new
	// bytes are stored even on error.
	s.B, s.Raw = nb, true
	if e == nil {
		c.DB.Add(string(key), s)
	}
	if err != nil {
		hllError(c, err)
		return
	}
	if changed {
		c.Touched(key)
		c.Notify(notifyString, "pfadd", key)
		c.Dirty(1)
		c.Int(1)
		return
	}
	c.Int(0)
}

func cmdPFCount(c *Client, args [][]byte) {
	if len(args) > 2 {
		vals := make([][]byte, 0, len(args)-1)
		for _, k := range args[1:] {
			e := c.LookupRead(k)
			if e == nil {
				continue
			}
			s, ok := hllValue(c, e)
			if !ok {
				return
			}
			vals = append(vals, s.B)
		}
		if len(vals) == 1 {
			// Count would read a single value as the one-key form and
			// write its cache; the union form must not.
			vals = append(vals, nil)
		}
		card, _, err := hll.Count(vals...)
		if err != nil {
			hllError(c, err)
			return
		}
		c.Int(int64(card))
		return
	}
	e := c.LookupRead(args[1])
	if e == nil {
		c.Int(0)
		return
	}
	s, ok := hllValue(c, e)
	if !ok {
		return
	}
	card, written, err := hll.Count(s.B)
	if err != nil {
		hllError(c, err)
		return
	}
	if written {
		// The cached cardinality changed the value: propagate PFCOUNT as
		// Redis does, so the stored bytes stay identical everywhere.
		c.Touched(args[1])
		c.Dirty(1)
		c.Rewrite(args...)
	}
	c.Int(int64(card))
}

func cmdPFMerge(c *Client, args [][]byte) {
	dstKey := args[1]
	// Check every input in order as Redis does, before touching anything.
	var dst *keyspace.String
	srcs := make([][]byte, 0, len(args)-2)
	for i, k := range args[1:] {
		e := c.LookupRead(k)
		if e == nil {
			continue
		}
		s, ok := e.Value.(*keyspace.String)
		if !ok || !hll.IsValid(s.B) {
			// An earlier corrupt sparse HLL is reported first.
			if err := hllFirstCorrupt(dst, srcs); err != nil {
				hllError(c, err)
				return
			}
			hllValue(c, e)
			return
		}
		if i == 0 {
			dst = s
		} else {
			srcs = append(srcs, s.B)
		}
	}
	var cur []byte
	if dst != nil {
		cur = dst.B
	}
	nb, err := c.hllOptions().Merge(cur, srcs...)
	if err != nil {
		hllError(c, err)
		return
	}
	if dst == nil {
		c.DB.Add(string(dstKey), keyspace.NewRawString(nb))
	} else {
		dst.B, dst.Raw = nb, true
	}
	c.Touched(dstKey)
	c.Notify(notifyString, "pfadd", dstKey)
	c.Dirty(1)
	c.OK()
}

// hllFirstCorrupt reports hll.ErrInvalid when one of the values already
// checked is a corrupt sparse HLL.
func hllFirstCorrupt(dst *keyspace.String, srcs [][]byte) error {
	vals := srcs
	if dst != nil {
		vals = append([][]byte{dst.B}, srcs...)
	}
	for _, b := range vals {
		if _, _, err := hll.Count(b, nil); err != nil {
			return err
		}
	}
	return nil
}

func cmdPFDebug(c *Client, args [][]byte) {
	sub := argKeyword(args[1])
	e := c.Lookup(args[2])
	if e == nil {
		c.Error("ERR The specified key does not exist")
		return
	}
	s, ok := hllValue(c, e)
	if !ok {
		return
	}
	if sub != "getreg" && sub != "decode" && sub != "encoding" && sub != "todense" {
		c.Error("ERR Unknown PFDEBUG subcommand '" + argCString(args[1]) + "'")
		return
	}
	if len(args) != 3 {
		c.Error("ERR Wrong number of arguments for the '" + argCString(args[1]) + "' subcommand")
		return
	}
	dense := hll.IsDense(s.B)
	switch sub {
	case "getreg":
		if !dense {
			if !hllToDense(c, args, s) {
				return
			}
		}
		regs := s.B[hll.HeaderSize:]
		c.Array(hll.Registers)
		for i := 0; i < hll.Registers; i++ {
			c.Int(int64(hllDenseRegister(regs, i)))
		}
	case "decode":
		if dense {
			c.Error("ERR HLL encoding is not sparse")
			return
		}
		c.Bulk(hllDecodeSparse(s.B[hll.HeaderSize:]))
	case "encoding":
		if dense {
			c.Simple("dense")
		} else {
			c.Simple("sparse")
		}
	case "todense":
		if dense {
			c.Int(0)
			return
		}
		if hllToDense(c, args, s) {
			c.Int(1)
		}
	}
}

// hllToDense converts a sparse HLL in place, keeping its header (cached
// cardinality included) as Redis's hllSparseToDense does, and propagates
// the change.
func hllToDense(c *Client, args [][]byte, s *keyspace.String) bool {
	var regs [hll.Registers]uint8
	if !hllSparseRegisters(s.B[hll.HeaderSize:], &regs) {
		hllError(c, hll.ErrInvalid)
		return false
	}
	d := make([]byte, hll.DenseSize)
	copy(d, s.B[:hll.HeaderSize])
	d[4] = 0 // dense encoding
	for i, v := range regs {
		hllSetDenseRegister(d[hll.HeaderSize:], i, v)
	}
	s.B, s.Raw = d, true
	c.Touched(args[2])
	c.Dirty(1)
	c.Rewrite(args...)
	return true
}

// hllSparseRegisters expands sparse opcodes into regs; false when they do
// not describe exactly the 16384 registers.
func hllSparseRegisters(p []byte, regs *[hll.Registers]uint8) bool {
	idx := 0
	for i := 0; i < len(p); {
		op := p[i]
		switch {
		case op&0xc0 == 0: // ZERO: 00xxxxxx
			idx += int(op&0x3f) + 1
			i++
		case op&0xc0 == 0x40: // XZERO: 01xxxxxx yyyyyyyy
			next := 0
			if i+1 < len(p) {
				next = int(p[i+1])
			}
			idx += (int(op&0x3f)<<8 | next) + 1
			i += 2
		default: // VAL: 1vvvvvxx
			run, val := int(op&3)+1, op>>2&0x1f+1
			if idx+run > hll.Registers {
				return false
			}
			for ; run > 0; run-- {
				regs[idx] = val
				idx++
			}
			i++
		}
		if idx > hll.Registers {
			return false
		}
	}
	return idx == hll.Registers
}

// hllDecodeSparse renders sparse opcodes as PFDEBUG DECODE does.
func hllDecodeSparse(p []byte) []byte {
	var out []byte
	for i := 0; i < len(p); {
		op := p[i]
		switch {
		case op&0xc0 == 0:
			out = append(out, "z:"...)
			out = strconv.AppendInt(out, int64(op&0x3f)+1, 10)
			i++
		case op&0xc0 == 0x40:
			next := 0
			if i+1 < len(p) {
				next = int(p[i+1])
			}
			out = append(out, "Z:"...)
			out = strconv.AppendInt(out, int64(int(op&0x3f)<<8|next)+1, 10)
			i += 2
		default:
			out = append(out, "v:"...)
			out = strconv.AppendInt(out, int64(op>>2&0x1f)+1, 10)
			out = append(out, ',')
			out = strconv.AppendInt(out, int64(op&3)+1, 10)
			i++
		}
		out = append(out, ' ')
	}
	if len(out) > 0 {
		out = out[:len(out)-1]
	}
	return out
}

// hllDenseRegister reads 6-bit register i of the dense form (packed least
// significant bit first).
func hllDenseRegister(r []byte, i int) uint8 {
	bit := i * 6
	b0 := uint16(r[bit/8])
	var b1 uint16
	if bit/8+1 < len(r) {
		b1 = uint16(r[bit/8+1])
	}
	return uint8((b0>>(bit%8) | b1<<(8-bit%8)) & 63)
}

// hllSetDenseRegister writes register i of the dense form.
func hllSetDenseRegister(r []byte, i int, v uint8) {
	bit := i * 6
	fb := uint(bit % 8)
	b := bit / 8
	r[b] &^= byte(63 << fb)
	r[b] |= byte(uint16(v) << fb)
	if b+1 < len(r) {
		r[b+1] &^= byte(63 >> (8 - fb))
		r[b+1] |= byte(uint16(v) >> (8 - fb))
	}
}

// cmdPFSelfTest checks the dense register packing and that the sparse and
// dense encodings agree and stay within Redis's error bound, as Redis's
// PFSELFTEST does on a smaller scale.
func cmdPFSelfTest(c *Client, args [][]byte) {
	regs := make([]byte, hll.DenseSize-hll.HeaderSize)
	var want [hll.Registers]uint8
	for i := range want {
		want[i] = uint8((i*7 + i/3) & 63)
		hllSetDenseRegister(regs, i, want[i])
	}
	for i, w := range want {
		if got := hllDenseRegister(regs, i); got != w {
			c.Error("TESTFAILED Register " + strconv.Itoa(i) + " should be " + strconv.Itoa(int(w)) +
				" but is " + strconv.Itoa(int(got)))
			return
		}
	}
	sparse := hll.New()
	dense := hll.Options{SparseMaxBytes: 0}
	denseVal := hll.New()
	var ele [8]byte
	checkpoint := uint64(1)
	for j := uint64(1); j <= 100000; j++ {
		binary.LittleEndian.PutUint64(ele[:], j^0x5deece66d)
		sparse, _, _ = hll.Add(sparse, ele[:])
		denseVal, _, _ = dense.Add(denseVal, ele[:])
		if j != checkpoint {
			continue
		}
		cs, _, err1 := hll.Count(sparse, nil)
		cd, _, err2 := hll.Count(denseVal, nil)
		if err1 != nil || err2 != nil || cs != cd {
			c.Error("TESTFAILED dense/sparse disagree")
			return
		}
		maxErr := uint64(float64(j)*1.04/128*6) + 1
		if j == 10 {
			maxErr = 1
		}
		diff := int64(j) - int64(cd)
		if diff < 0 {
			diff = -diff
		}
		if uint64(diff) > maxErr {
			c.Error("TESTFAILED Too big error. card:" + strconv.FormatUint(j, 10) + " abserr:" + strconv.FormatInt(diff, 10))
			return
		}
		checkpoint *= 10
	}
	c.OK()
}
