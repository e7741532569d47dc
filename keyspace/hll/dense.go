package hll

// The dense form packs register i into 6 bits starting at bit 6*i, counting
// from the least significant bit of byte 0. Redis reads one byte past the
// last register (the string's terminator); here that byte reads as zero.

// denseGet returns register i of the packed registers r.
func denseGet(r []byte, i int) uint8 {
	pos := i * 6 / 8
	fb := uint(i * 6 & 7)
	b0 := uint(r[pos])
	var b1 uint
	if pos+1 < len(r) {
		b1 = uint(r[pos+1])
	}
	return uint8((b0>>fb | b1<<(8-fb)) & 63)
}

// densePut stores v (at most 63) in register i of the packed registers r.
func densePut(r []byte, i int, v uint8) {
	pos := i * 6 / 8
	fb := uint(i * 6 & 7)
	val := uint(v)
	r[pos] &^= byte(63 << fb)
	r[pos] |= byte(val << fb)
	if pos+1 < len(r) {
		r[pos+1] &^= byte(63 >> (8 - fb))
		r[pos+1] |= byte(val >> (8 - fb))
	}
}

// denseSet raises register i to count if lower: 1 when it changed, else 0.
func denseSet(r []byte, i int, count uint8) int {
	if count > denseGet(r, i) {
		densePut(r, i, count)
		return 1
	}
	return 0
}

// denseHisto adds every register value of r to histo. Each 3 bytes hold
// exactly 4 registers, so registers are unpacked four at a time.
func denseHisto(r []byte, histo *[histoSize]int) {
	for i := 0; i+3 <= len(r); i += 3 {
		b0, b1, b2 := r[i], r[i+1], r[i+2]
		histo[b0&63]++
		histo[(b0>>6|b1<<2)&63]++
		histo[(b1>>4|b2<<4)&63]++
		histo[b2>>2]++
	}
}
