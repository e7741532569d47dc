package hll

// Sparse opcodes (Redis's HLL_SPARSE_* macros):
//
//	ZERO  00xxxxxx           xxxxxx+1 registers (1..64) set to 0
//	XZERO 01xxxxxx yyyyyyyy  xxxxxxyyyyyyyy+1 registers (1..16384) set to 0
//	VAL   1vvvvvxx           xx+1 registers (1..4) set to vvvvv+1 (1..32)
//
// An XZERO opcode cut short by the end of a corrupt value reads its missing
// byte from what Redis keeps just past the string: normally the terminating
// zero, but see sparseSet.
const (
	xzeroBit   = 0x40
	valBit     = 0x80
	valMax     = 32    // largest value a VAL opcode holds
	valMaxLen  = 4     // longest run a VAL opcode holds
	zeroMaxLen = 64    // longest run a ZERO opcode holds
	xzeroMax   = 16384 // longest run an XZERO opcode holds
)

func isZero(op byte) bool  { return op&0xc0 == 0 }
func isXZero(op byte) bool { return op&0xc0 == xzeroBit }
func isVal(op byte) bool   { return op&valBit != 0 }

func zeroLen(op byte) int        { return int(op&0x3f) + 1 }
func xzeroLen(op, next byte) int { return (int(op&0x3f)<<8 | int(next)) + 1 }
func valValue(op byte) uint8     { return (op>>2)&0x1f + 1 }
func valLen(op byte) int         { return int(op&0x3) + 1 }

func valOp(v uint8, n int) byte { return byte(int(v-1)<<2|(n-1)) | valBit }
func zeroOp(n int) byte         { return byte(n - 1) }

func putXZero(p []byte, n int) {
	n--
	p[0] = byte(n>>8) | xzeroBit
	p[1] = byte(n)
}

// opcode is one decoded sparse opcode: run registers holding val, encoded
// in size bytes.
type opcode struct {
	run  int
	val  uint8
	size int
}

// readOp decodes the opcode at s[p]; past stands for the byte after s.
func readOp(s []byte, p int, past byte) opcode {
	op := s[p]
	switch {
	case isZero(op):
		return opcode{run: zeroLen(op), size: 1}
	case isXZero(op):
		next := past
		if p+1 < len(s) {
			next = s[p+1]
		}
		return opcode{run: xzeroLen(op, next), size: 2}
	}
	return opcode{run: valLen(op), val: valValue(op), size: 1}
}

// sparseRegisters walks the sparse registers s, calling fn for each run of
// registers holding a non-zero value, and reports whether s is well formed:
// its opcodes must cover exactly 16384 registers, and the walk stops at the
// first opcode that would run past the last register. That is the
// bounds-checked reading of the installed Redis 7.0.15, which carries the
// fix for CVE-2025-32023 (older builds accepted a trailing VAL run past the
// end in PFMERGE and multi-key PFCOUNT).
func sparseRegisters(s []byte, past byte, fn func(first, run int, val uint8)) bool {
	idx := 0
	for p := 0; p < len(s); {
		op := readOp(s, p, past)
		if idx+op.run > Registers {
			return false
		}
		if op.val != 0 && fn != nil {
			fn(idx, op.run, op.val)
		}
		idx += op.run
		p += op.size
	}
	return idx == Registers
}

// sparseHisto adds the register values of the sparse registers s to histo,
// and reports whether s is well formed.
func sparseHisto(s []byte, histo *[histoSize]int) bool {
	nonZero := 0
	ok := sparseRegisters(s, 0, func(_, run int, val uint8) {
		histo[val] += run
		nonZero += run
	})
	histo[0] += Registers - nonZero
	return ok
}

// sparseMerge raises regs to the registers of the sparse registers s, and
// reports whether s is well formed.
func sparseMerge(regs *[Registers]uint8, s []byte) bool {
	return sparseRegisters(s, 0, func(first, run int, val uint8) {
		for i := first; i < first+run; i++ {
			regs[i] = max(regs[i], val)
		}
	})
}

// sparseToDense converts a sparse HLL to a new dense one, keeping the header
// (cached cardinality included) as Redis's hllSparseToDense does. A dense b
// is returned unchanged. ok is false when the sparse opcodes are corrupt.
func sparseToDense(b []byte, past byte) (d []byte, ok bool) {
	if b[4] == encDense {
		return b, true
	}
	d = make([]byte, DenseSize)
	copy(d, b[:HeaderSize])
	d[4] = encDense
	r := d[HeaderSize:]
	ok = sparseRegisters(b[HeaderSize:], past, func(first, run int, val uint8) {
		for i := first; i < first+run; i++ {
			densePut(r, i, val)
		}
	})
	if !ok {
		return b, false
	}
	return d, true
}

// work is a value being modified by one command. past is the byte Redis
// holds just after the string: it stays zero except after sparseSet has
// split an XZERO opcode that was cut short by the end of a corrupt value,
// where Redis writes the last byte of the new opcodes there. Later opcode
// reads within the same command see it, as they do in Redis. (Redis keeps
// that byte with the key across commands too; a []byte value cannot, so a
// later command reads zero there instead.)
type work struct {
	b    []byte
	past byte
}

// sparseSet raises register index of the sparse HLL w to count if lower,
// rewriting the opcodes exactly as Redis's hllSparseSet does. It returns 1
// when the register changed, 0 when not, -1 when the opcodes are corrupt
// (w is then unchanged).
//
// The value is promoted to dense when count does not fit a VAL opcode, or
// when the rewrite would grow the value past sparseMax bytes.
func sparseSet(w *work, index int, count uint8, sparseMax int) int {
	if count > valMax {
		return promote(w, index, count)
	}
	b := w.b

	// Step 1: find the opcode covering the register.
	end := len(b)
	p, prev := HeaderSize, -1
	first := 0
	var op opcode
	for p < end {
		op = readOp(b, p, w.past)
		if index <= first+op.run-1 {
			break
		}
		prev = p
		p += op.size
		first += op.run
	}
	if op.run == 0 || p >= end {
		return -1
	}
	next := p + op.size
	if next >= end {
		next = -1
	}

	// Step 2: the cases that rewrite the opcode in place.
	if op.val != 0 {
		if op.val >= count {
			return 0
		}
		if op.run == 1 {
			b[p] = valOp(count, 1)
			w.b = sparseMergeVals(b, prev, end)
			return 1
		}
	} else if op.size == 1 && op.run == 1 {
		b[p] = valOp(count, 1)
		w.b = sparseMergeVals(b, prev, end)
		return 1
	}

	// The general case splits the opcode in up to three: what precedes the
	// register, the register itself, and what follows it.
	var seq [5]byte
	n := 0
	last := first + op.run - 1
	if op.val != 0 {
		if index != first {
			seq[n] = valOp(op.val, index-first)
			n++
		}
		seq[n] = valOp(count, 1)
		n++
		if index != last {
			seq[n] = valOp(op.val, last-index)
			n++
		}
	} else {
		n += putZeros(seq[n:], index-first)
		seq[n] = valOp(count, 1)
		n++
		n += putZeros(seq[n:], last-index)
	}

	// Step 3: put the new sequence in place of the old opcode, moving what
	// follows it.
	delta := n - op.size
	if delta > 0 && end+delta > sparseMax {
		return promote(w, index, count)
	}
	newEnd := end + delta
	if delta > 0 {
		b = append(b, seq[:delta]...) // room only; overwritten below
	}
	if delta != 0 && next >= 0 {
		copy(b[next+delta:newEnd], b[next:end])
	}
	b = b[:newEnd]
	w.past = 0
	if copied := copy(b[p:], seq[:n]); copied < n {
		// The split opcode was cut short by the end of the value: Redis
		// writes its last byte over the string terminator.
		w.past = seq[n-1]
	}
	w.b = sparseMergeVals(b, prev, newEnd)
	if len(w.b) < newEnd {
		w.past = 0 // a merge moved the terminator back into place
	}
	return 1
}

// putZeros writes the shortest zero-run opcode for n registers into p and
// returns its length; nothing when n is 0.
func putZeros(p []byte, n int) int {
	switch {
	case n == 0:
		return 0
	case n > zeroMaxLen:
		putXZero(p, n)
		return 2
	default:
		p[0] = zeroOp(n)
		return 1
	}
}

// sparseMergeVals is step 4 of hllSparseSet: starting at prev (or the first
// opcode), it scans up to five opcodes and merges adjacent VAL opcodes of the
// same value whose runs fit one opcode, then marks the cache stale.
func sparseMergeVals(b []byte, prev, end int) []byte {
	p := prev
	if p < 0 {
		p = HeaderSize
	}
	for scan := 5; p < end && scan > 0; scan-- {
		op := b[p]
		if isXZero(op) {
			p += 2
			continue
		}
		if isZero(op) {
			p++
			continue
		}
		if p+1 < end && isVal(b[p+1]) && valValue(op) == valValue(b[p+1]) {
			if n := valLen(op) + valLen(b[p+1]); n <= valMaxLen {
				b[p+1] = valOp(valValue(op), n)
				copy(b[p:end-1], b[p+1:end])
				end--
				b = b[:end]
				continue // retry the merged opcode against its right neighbour
			}
		}
		p++
	}
	b[cacheByte] |= staleFlag
	return b
}

// promote converts w to dense and sets the register there (Redis asserts the
// register always changes on this path).
func promote(w *work, index int, count uint8) int {
	d, ok := sparseToDense(w.b, w.past)
	if !ok {
		return -1
	}
	denseSet(d[HeaderSize:], index, count)
	w.b, w.past = d, 0
	return 1
}
