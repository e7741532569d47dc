package persistence

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"strconv"
)

// Record framing of the append-only file:
//
//	+-------------+-------------+-------------------------------------+
//	| len u32 LE  | crc u32 LE  | payload: RESP multibulk argv (len B)|
//	+-------------+-------------+-------------------------------------+
//
// crc is CRC-32C (Castagnoli) over the four length bytes and the payload, so
// a damaged length field is caught as surely as a damaged payload.

// RecordHeaderSize is the size of the length and checksum fields in front of
// every AOF record.
const RecordHeaderSize = 8

// DefaultMaxRecordSize bounds the payload of one AOF record when reading. It
// matches Redis's default client-query-buffer-limit: no client command can be
// larger, so no propagated one can be either.
const DefaultMaxRecordSize = 1 << 30

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrRecordTooLarge is returned when an argv does not fit in one record.
var ErrRecordTooLarge = errors.New("persistence: command too large for one AOF record")

// ErrTornTail matches (errors.Is) a *TornTailError.
var ErrTornTail = errors.New("persistence: torn tail")

// ErrCorrupt matches (errors.Is) a *CorruptError.
var ErrCorrupt = errors.New("persistence: corrupt file")

// TornTailError reports that a log ends in a partially written record: the
// expected result of a crash during a write, safe to truncate at Offset.
type TornTailError struct {
	File   string
	Offset int64 // end of the last good record: where the log should be cut
	Size   int64 // total bytes in the file; Size-Offset bytes are torn
}

func (e *TornTailError) Error() string {
	return fmt.Sprintf("torn tail in %s at offset %d (%d bytes after the last good record)",
		e.File, e.Offset, e.Size-e.Offset)
}

// Is makes errors.Is(err, ErrTornTail) true.
func (e *TornTailError) Is(target error) bool { return target == ErrTornTail }

// CorruptError reports damage that a crash cannot explain. Its message is
// exactly "corrupt <file> at offset <n>", the text an operator sees; Reason
// says what was wrong, for logs and the check tool.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt %s at offset %d", e.File, e.Offset)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// RecordSize returns the number of bytes AppendRecord adds for argv.
func RecordSize(argv [][]byte) int {
	return RecordHeaderSize + respSize(argv)
}

// respSize is the length of argv encoded as a RESP multibulk.
func respSize(argv [][]byte) int {
	n := 1 + decimalLen(len(argv)) + 2
	for _, a := range argv {
		n += 1 + decimalLen(len(a)) + 2 + len(a) + 2
	}
	return n
}

func decimalLen(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// AppendRecord appends one framed record holding argv to dst and returns the
// extended slice. It allocates only when dst lacks capacity, so a reused
// buffer makes it allocation-free.
func AppendRecord(dst []byte, argv [][]byte) ([]byte, error) {
	if len(argv) == 0 {
		return dst, errors.New("persistence: empty command")
	}
	size := respSize(argv)
	if size > math.MaxUint32 {
		return dst, ErrRecordTooLarge
	}
	start := len(dst)
	dst = slices.Grow(dst, RecordHeaderSize+size)
	dst = dst[:start+RecordHeaderSize]
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(argv)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range argv {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	binary.LittleEndian.PutUint32(dst[start:], uint32(size))
	crc := recordCRC(dst[start:start+4], dst[start+RecordHeaderSize:])
	binary.LittleEndian.PutUint32(dst[start+4:], crc)
	return dst, nil
}

func recordCRC(lenBytes, payload []byte) uint32 {
	return crc32.Update(crc32.Checksum(lenBytes, castagnoli), castagnoli, payload)
}

// RecordReader reads framed records from an AOF. It tells the three ways a
// log can end apart: io.EOF at a record boundary, a *TornTailError when the
// rest of the file is what an interrupted append leaves behind, and a
// *CorruptError for anything else.
type RecordReader struct {
	r    *bufio.Reader
	name string
	max  int
	off  int64 // offset of the next record: the end of the last good one
	hdr  [RecordHeaderSize]byte
	buf  []byte
	argv [][]byte
	err  error
}

// NewRecordReader reads records from r. name is used in errors; base is the
// file offset r starts at (non-zero when resuming in the middle of a file).
func NewRecordReader(r io.Reader, name string, base int64) *RecordReader {
	return &RecordReader{
		r:    bufio.NewReaderSize(r, 64<<10),
		name: name,
		max:  DefaultMaxRecordSize,
		off:  base,
	}
}

// SetMaxRecordSize changes the largest payload accepted (default
// DefaultMaxRecordSize). A larger length field is reported as corruption.
func (rr *RecordReader) SetMaxRecordSize(n int) { rr.max = n }

// Offset returns the end of the last good record read so far.
func (rr *RecordReader) Offset() int64 { return rr.off }

// Next returns the argv of the next record. The slices point into a buffer
// that the following call reuses; copy what must outlive it. At the end it
// returns io.EOF, a *TornTailError or a *CorruptError, and keeps returning it.
func (rr *RecordReader) Next() ([][]byte, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	argv, err := rr.next()
	if err != nil {
		rr.err = err
		return nil, err
	}
	return argv, nil
}

func (rr *RecordReader) next() ([][]byte, error) {
	n, err := io.ReadFull(rr.r, rr.hdr[:])
	if n == 0 && err == io.EOF {
		return nil, io.EOF
	}
	if err == io.ErrUnexpectedEOF {
		return nil, rr.torn(int64(n))
	}
	if err != nil {
		return nil, err
	}
	if allZero(rr.hdr[:]) {
		// Preallocated or zero-filled space: the end of the data, provided
		// nothing but zeros follows.
		return nil, rr.tornIfZeroRest(RecordHeaderSize, "zero record header followed by data")
	}
	length := binary.LittleEndian.Uint32(rr.hdr[0:4])
	if uint64(length) > uint64(rr.max) {
		return nil, rr.corrupt(rr.off, "record length over the maximum record size")
	}
	got, err := rr.readPayload(int(length))
	if err != nil {
		return nil, err
	}
	if got < int(length) {
		return nil, rr.shortPayload(got)
	}
	payload := rr.buf[:length]
	if recordCRC(rr.hdr[0:4], payload) != binary.LittleEndian.Uint32(rr.hdr[4:8]) {
		return nil, rr.tornIfZeroRest(RecordHeaderSize+int64(length), "checksum mismatch followed by more data")
	}
	argv, used, st := parseArgv(payload, rr.argv[:0])
	rr.argv = argv[:0]
	if st != respComplete || used != len(payload) {
		return nil, rr.corrupt(rr.off, "record payload is not one RESP command")
	}
	rr.off += RecordHeaderSize + int64(length)
	return argv, nil
}

// readPayload reads up to n bytes into rr.buf and returns how many it got. It
// grows the buffer as data actually arrives, so a huge length field in a
// small file cannot make it allocate more than the file holds.
func (rr *RecordReader) readPayload(n int) (int, error) {
	rr.buf = rr.buf[:0]
	for len(rr.buf) < n {
		chunk := n - len(rr.buf)
		if cap(rr.buf) < n {
			chunk = min(chunk, max(len(rr.buf), 64<<10))
		}
		have := len(rr.buf)
		rr.buf = slices.Grow(rr.buf, chunk)[:have+chunk]
		m, err := io.ReadFull(rr.r, rr.buf[have:])
		rr.buf = rr.buf[:have+m]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(rr.buf), nil
		}
		if err != nil {
			return len(rr.buf), err
		}
	}
	return n, nil
}

// shortPayload classifies a record whose length runs past the end of the
// file. An interrupted append leaves a prefix of one command, possibly
// zero-filled. If a whole command fits in what is there and non-zero bytes
// follow it, the length field itself is wrong: corruption, not a torn write.
func (rr *RecordReader) shortPayload(got int) error {
	part := rr.buf[:got]
	_, used, st := parseArgv(part, rr.argv[:0])
	if st == respComplete && !allZero(part[used:]) {
		return rr.corrupt(rr.off, "record length runs past the end of the file over a complete command")
	}
	return rr.torn(RecordHeaderSize + int64(got))
}

// tornIfZeroRest is used when the record at rr.off is bad after consumed
// bytes: it is a torn tail if nothing but zeros follows, corruption otherwise.
func (rr *RecordReader) tornIfZeroRest(consumed int64, reason string) error {
	rest, zero, err := rr.scanRest()
	if err != nil {
		return err
	}
	if !zero {
		return rr.corrupt(rr.off, reason)
	}
	return rr.torn(consumed + rest)
}

// scanRest reads to the end of the input, reporting how many bytes there were
// and whether all of them were zero.
func (rr *RecordReader) scanRest() (int64, bool, error) {
	var total int64
	zero := true
	for {
		b, err := rr.r.Peek(rr.r.Buffered())
		if len(b) == 0 {
			_, err = rr.r.Peek(1)
			if err == io.EOF {
				return total, zero, nil
			}
			if err != nil {
				return total, zero, err
			}
			continue
		}
		if zero && !allZero(b) {
			zero = false
		}
		total += int64(len(b))
		if _, err := rr.r.Discard(len(b)); err != nil {
			return total, zero, err
		}
	}
}

func (rr *RecordReader) torn(extra int64) error {
	return &TornTailError{File: rr.name, Offset: rr.off, Size: rr.off + extra}
}

func (rr *RecordReader) corrupt(off int64, reason string) error {
	return &CorruptError{File: rr.name, Offset: off, Reason: reason}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

type respStatus int

const (
	respComplete respStatus = iota // one whole command was parsed
	respNeedMore                   // a valid prefix of a command
	respInvalid                    // not a command
)

// maxRESPNumber bounds the decimal numbers in a record: lengths fit in u32.
const maxRESPNumber = math.MaxUint32

// parseArgv parses one RESP multibulk command (*N\r\n then N bulk strings)
// from the start of p. It returns the arguments (slices of p, appended to
// argv), the number of bytes the command used, and whether p held a whole
// command, a prefix of one, or something else. Arguments are appended as
// they are found, so memory stays proportional to len(p) whatever N says.
func parseArgv(p []byte, argv [][]byte) ([][]byte, int, respStatus) {
	if len(p) == 0 {
		return argv, 0, respNeedMore
	}
	if p[0] != '*' {
		return argv, 0, respInvalid
	}
	n, pos, st := parseRESPNumber(p, 1)
	if st != respComplete {
		return argv, 0, st
	}
	if n < 1 {
		return argv, 0, respInvalid
	}
	for i := int64(0); i < n; i++ {
		if pos >= len(p) {
			return argv, 0, respNeedMore
		}
		if p[pos] != '$' {
			return argv, 0, respInvalid
		}
		l, next, st := parseRESPNumber(p, pos+1)
		if st != respComplete {
			return argv, 0, st
		}
		pos = next
		end := int64(pos) + l
		if end+2 > int64(len(p)) {
			// Check what is there of the trailing CRLF before asking for more.
			if end < int64(len(p)) && p[end] != '\r' {
				return argv, 0, respInvalid
			}
			return argv, 0, respNeedMore
		}
		if p[end] != '\r' || p[end+1] != '\n' {
			return argv, 0, respInvalid
		}
		argv = append(argv, p[pos:end:end])
		pos = int(end) + 2
	}
	return argv, pos, respComplete
}

// parseRESPNumber parses the non-negative decimal and CRLF starting at p[i].
func parseRESPNumber(p []byte, i int) (int64, int, respStatus) {
	var v int64
	digits := 0
	for ; i < len(p); i++ {
		c := p[i]
		if c >= '0' && c <= '9' {
			if digits == 1 && v == 0 {
				return 0, 0, respInvalid // no leading zeros: one encoding per command
			}
			v = v*10 + int64(c-'0')
			digits++
			if v > maxRESPNumber {
				return 0, 0, respInvalid
			}
			continue
		}
		if c != '\r' || digits == 0 {
			return 0, 0, respInvalid
		}
		if i+1 >= len(p) {
			return 0, 0, respNeedMore
		}
		if p[i+1] != '\n' {
			return 0, 0, respInvalid
		}
		return v, i + 2, respComplete
	}
	return 0, 0, respNeedMore
}
