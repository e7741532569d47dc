package server

import (
	"errors"
	"io"

	"sundial/config"
)

// protoInlineMaxSize is Redis's PROTO_INLINE_MAX_SIZE: the longest inline
// request, or multibulk/bulk header line, accepted before a newline.
const protoInlineMaxSize = 64 * 1024

// ProtocolError is a malformed request. Its text is what Redis replies
// (after "-ERR "); the connection is closed after the reply.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "Protocol error: " + e.Msg }

// errQueryLimit means the client's query buffer passed
// client-query-buffer-limit: Redis closes such a client without a reply.
var errQueryLimit = errors.New("query buffer limit reached")

// Reader parses client requests (RESP multibulk and inline) as Redis's
// processMultibulkBuffer and processInlineBuffer do, with the same limits
// and errors. The argument slices it returns point into its buffer and are
// valid only until the next call to Fill.
type Reader struct {
	rd       io.Reader
	buf      []byte
	r, w     int
	args     [][]byte
	maxBulk  int64
	maxQuery int64
	full     bool // the last read took all the room the buffer had
}

// Full reports whether the last Fill took all the room the buffer had:
// the source may hold more.
func (r *Reader) Full() bool { return r.full }

// NewReader returns a reader over rd with the limits of cfg.
func NewReader(rd io.Reader, maxBulk, maxQuery int64) *Reader {
	return &Reader{rd: rd, buf: make([]byte, 16*1024), maxBulk: maxBulk, maxQuery: maxQuery}
}

// Buffered reports whether unparsed bytes remain.
func (r *Reader) Buffered() int { return r.w - r.r }

// Fill reads more data from the connection, compacting and growing the
// buffer as needed, never beyond the query buffer limit.
func (r *Reader) Fill() (int, error) { return r.FillFrom(r.rd) }

// FillFrom is Fill reading from src instead of the Reader's source.
func (r *Reader) FillFrom(src io.Reader) (int, error) {
	if r.r == r.w {
		r.r, r.w = 0, 0
	} else if r.r > 0 && (r.w == len(r.buf) || r.r > len(r.buf)/2) {
		n := copy(r.buf, r.buf[r.r:r.w])
		r.r, r.w = 0, n
	}
	if r.w == len(r.buf) {
		if int64(len(r.buf)) >= r.maxQuery {
			return 0, errQueryLimit
		}
		nb := make([]byte, min(int64(2*len(r.buf)), r.maxQuery+1))
		copy(nb, r.buf[:r.w])
		r.buf = nb
	}
	n, err := src.Read(r.buf[r.w:])
	r.full = n == len(r.buf)-r.w
	r.w += n
	if int64(r.w-r.r) > r.maxQuery {
		return n, errQueryLimit
	}
	return n, err
}

// Shrink releases a large buffer once it is empty, so one big request does
// not pin memory for the life of the connection.
func (r *Reader) Shrink() {
	if r.r == r.w && len(r.buf) > 64*1024 {
		r.buf = make([]byte, 16*1024)
		r.r, r.w = 0, 0
	}
}

// Next parses one complete command from the buffer. It returns nil args
// (and nil error) when more data is needed. An empty multibulk (*0, *-1)
// or an empty inline line yields a zero-length, non-nil args.
func (r *Reader) Next(authed bool) ([][]byte, error) {
	if r.r >= r.w {
		return nil, nil
	}
	if r.buf[r.r] == '*' {
		return r.multibulk(authed)
	}
	return r.inline()
}

func (r *Reader) line(from int) int {
	for i := from; i < r.w; i++ {
		if r.buf[i] == '\r' && i+1 < r.w && r.buf[i+1] == '\n' {
			return i
		}
	}
	return -1
}

func (r *Reader) multibulk(authed bool) ([][]byte, error) {
	pos := r.r
	nl := r.line(pos)
	if nl < 0 {
		if r.w-pos > protoInlineMaxSize {
			return nil, &ProtocolError{"too big mbulk count string"}
		}
		return nil, nil
	}
	count, ok := parseLL(r.buf[pos+1 : nl])
	if !ok || count > 1<<31-1 {
		return nil, &ProtocolError{"invalid multibulk length"}
	}
	if count > 10 && !authed {
		return nil, &ProtocolError{"unauthenticated multibulk length"}
	}
	pos = nl + 2
	if count <= 0 {
		r.r = pos
		return noArgs, nil
	}
	args := r.args[:0]
	for i := int64(0); i < count; i++ {
		if pos >= r.w {
			return nil, nil
		}
		nl = r.line(pos)
		if nl < 0 {
			if r.w-pos > protoInlineMaxSize {
				return nil, &ProtocolError{"too big bulk count string"}
			}
			return nil, nil
		}
		if r.buf[pos] != '$' {
			return nil, &ProtocolError{"expected '$', got '" + string(r.buf[pos]) + "'"}
		}
		n, ok := parseLL(r.buf[pos+1 : nl])
		if !ok || n < 0 || n > r.maxBulk {
			return nil, &ProtocolError{"invalid bulk length"}
		}
		if n > 16384 && !authed {
			return nil, &ProtocolError{"unauthenticated bulk length"}
		}
		start := nl + 2
		if int64(r.w-start) < n+2 {
			return nil, nil
		}
		// Like Redis, the two bytes after the payload are skipped, not checked.
		args = append(args, r.buf[start:start+int(n)])
		pos = start + int(n) + 2
	}
	r.args = args
	r.r = pos
	return args, nil
}

func (r *Reader) inline() ([][]byte, error) {
	// Redis looks for the newline with strchr, which stops at a NUL byte:
	// a NUL before the newline means the line never ends, and the
	// request grows until it is too big.
	nl := -1
	for i := r.r; i < r.w; i++ {
		if r.buf[i] == '\n' {
			nl = i
			break
		}
		if r.buf[i] == 0 {
			break
		}
	}
	if nl < 0 {
		if r.w-r.r > protoInlineMaxSize {
			return nil, &ProtocolError{"too big inline request"}
		}
		return nil, nil
	}
	end := nl
	if end > r.r && r.buf[end-1] == '\r' {
		end--
	}
	line := string(r.buf[r.r:end])
	r.r = nl + 1
	parts, ok := config.SplitArgs(line)
	if !ok {
		return nil, &ProtocolError{"unbalanced quotes in request"}
	}
	if len(parts) == 0 {
		return noArgs, nil
	}
	args := r.args[:0]
	for _, p := range parts {
		args = append(args, []byte(p))
	}
	r.args = args
	return args, nil
}

// noArgs is the empty (ignored) command: *0, *-1 or a blank line.
var noArgs = [][]byte{}

// parseLL parses a decimal int64 as Redis's string2ll: optional minus,
// no plus, no leading zeros, no spaces.
func parseLL(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || b[0] < '1' || b[0] > '9' {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' || n > (1<<64-1)/10 {
			return 0, false
		}
		d := uint64(c - '0')
		if n*10 > 1<<64-1-d {
			return 0, false
		}
		n = n*10 + d
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > 1<<63-1 {
		return 0, false
	}
	return int64(n), true
}
