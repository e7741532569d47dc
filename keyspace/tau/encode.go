package tau

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Serialised form, version 1 (all integers unsigned varints):
//
//	version byte (1)
//	count
//	count times: tx delta, valid, expiry - valid, data length, data bytes
//
// The tx delta is from the previous Tau's tx (from 0 for the first). Only the
// Taus are stored; the indexes are rebuilt on decode.
const encodingVersion = 1

// ErrCorrupt is wrapped by every Decode error.
var ErrCorrupt = errors.New("tau: corrupt encoding")

// AppendBinary appends the serialised schedule to b and returns the result.
func (s *Schedule) AppendBinary(b []byte) []byte {
	size := 1 + binary.MaxVarintLen64 + s.n*12
	for _, c := range s.chunks {
		size += len(c.buf)
	}
	if cap(b)-len(b) < size {
		nb := make([]byte, len(b), len(b)+size)
		copy(nb, b)
		b = nb
	}
	b = append(b, encodingVersion)
	b = binary.AppendUvarint(b, uint64(s.n))
	var prev uint64
	for _, c := range s.chunks {
		for j := range c.n {
			tx, valid := c.tx.at(j), c.validAt(j)
			b = binary.AppendUvarint(b, tx-prev)
			prev = tx
			b = binary.AppendUvarint(b, valid)
			b = binary.AppendUvarint(b, c.expiryAt(j)-valid)
			d := c.data(j)
			b = binary.AppendUvarint(b, uint64(len(d)))
			b = append(b, d...)
		}
	}
	return b
}

// Decode parses what AppendBinary wrote. It validates everything and
// returns an error wrapping ErrCorrupt for any malformed input.
func Decode(b []byte) (*Schedule, error) {
	d := decoder{b: b}
	if len(b) == 0 {
		return nil, d.fail("empty input")
	}
	if b[0] != encodingVersion {
		return nil, d.fail(fmt.Sprintf("unknown version %d", b[0]))
	}
	d.off = 1
	n, err := d.uvarint("count")
	if err != nil {
		return nil, err
	}
	// Every Tau takes at least four bytes: a bound before trusting n.
	if n > MaxTaus || n > uint64(len(b)-d.off)/4 {
		return nil, d.fail(fmt.Sprintf("count %d too large", n))
	}
	s := New()
	var tx uint64
	for i := uint64(0); i < n; i++ {
		delta, err := d.uvarint("tx")
		if err != nil {
			return nil, err
		}
		if (i > 0 && delta == 0) || tx+delta < tx {
			return nil, d.fail("tx not increasing")
		}
		tx += delta
		valid, err := d.uvarint("valid")
		if err != nil {
			return nil, err
		}
		dur, err := d.uvarint("expiry")
		if err != nil {
			return nil, err
		}
		if dur == 0 || valid+dur < valid {
			return nil, d.fail("bad interval")
		}
		size, err := d.uvarint("data length")
		if err != nil {
			return nil, err
		}
		if size > uint64(len(b)-d.off) {
			return nil, d.fail("data past the end")
		}
		data := b[d.off : d.off+int(size)]
		d.off += int(size)
		if err := s.Append(tx, valid, valid+dur, data); err != nil {
			return nil, d.fail(err.Error())
		}
	}
	if d.off != len(b) {
		return nil, d.fail("trailing bytes")
	}
	return s, nil
}

type decoder struct {
	b   []byte
	off int
}

func (d *decoder) fail(what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrCorrupt, what, d.off)
}

func (d *decoder) uvarint(what string) (uint64, error) {
	v, k := binary.Uvarint(d.b[d.off:])
	// Overlong forms (a last byte of 0) are refused so that every schedule
	// has exactly one encoding.
	if k <= 0 || (k > 1 && d.b[d.off+k-1] == 0) {
		return 0, d.fail("bad " + what)
	}
	d.off += k
	return v, nil
}
