package commands

import (
	"math"
	"strconv"

	"github.com/tidwall/redcon"
)

// Reply accumulates the RESP encoding of replies for one client. Proto
// selects RESP2 or RESP3; the RESP3-only types fall back to their RESP2
// forms exactly as Redis does. The RESP2 framing uses redcon's
// allocation-free appenders.
type Reply struct {
	B     []byte
	Proto int
	// errs counts error replies written, so call() can account
	// errorstats and failed calls.
	errs int
	// lastErr is the last error written (without the leading '-').
	lastErr string
}

func (r *Reply) appendLen(prefix byte, n int64) {
	r.B = append(r.B, prefix)
	r.B = strconv.AppendInt(r.B, n, 10)
	r.B = append(r.B, '\r', '\n')
}

// Simple writes a status reply (+OK).
func (r *Reply) Simple(s string) { r.B = redcon.AppendString(r.B, s) }

// OK writes +OK.
func (r *Reply) OK() { r.B = append(r.B, "+OK\r\n"...) }

// Error writes an error reply. msg starts with its code (ERR, WRONGTYPE …);
// newlines are replaced so an error can never break the protocol.
func (r *Reply) Error(msg string) {
	r.errs++
	r.lastErr = msg
	r.B = append(r.B, '-')
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		r.B = append(r.B, c)
	}
	r.B = append(r.B, '\r', '\n')
}

// Int writes an integer reply.
func (r *Reply) Int(n int64) { r.B = redcon.AppendInt(r.B, n) }

// Bulk writes a bulk string.
func (r *Reply) Bulk(b []byte) { r.B = redcon.AppendBulk(r.B, b) }

// BulkString writes a bulk string from a Go string.
func (r *Reply) BulkString(s string) { r.B = redcon.AppendBulkString(r.B, s) }

// BulkInt writes an integer as a bulk string.
func (r *Reply) BulkInt(n int64) {
	var tmp [24]byte
	r.Bulk(strconv.AppendInt(tmp[:0], n, 10))
}

// Null writes a null bulk ($-1 in RESP2, _ in RESP3).
func (r *Reply) Null() {
	if r.Proto >= 3 {
		r.B = append(r.B, "_\r\n"...)
	} else {
		r.B = append(r.B, "$-1\r\n"...)
	}
}

// NullArray writes a null array (*-1 in RESP2, _ in RESP3).
func (r *Reply) NullArray() {
	if r.Proto >= 3 {
		r.B = append(r.B, "_\r\n"...)
	} else {
		r.B = append(r.B, "*-1\r\n"...)
	}
}

// Array starts an array of n elements.
func (r *Reply) Array(n int) { r.B = redcon.AppendArray(r.B, n) }

// Map starts a map of n key/value pairs (a flat array of 2n in RESP2).
func (r *Reply) Map(n int) {
	if r.Proto >= 3 {
		r.appendLen('%', int64(n))
	} else {
		r.appendLen('*', int64(2*n))
	}
}

// Set starts a set of n elements (an array in RESP2).
func (r *Reply) Set(n int) {
	if r.Proto >= 3 {
		r.appendLen('~', int64(n))
	} else {
		r.appendLen('*', int64(n))
	}
}

// Push starts an out-of-band push message (an array in RESP2).
func (r *Reply) Push(n int) {
	if r.Proto >= 3 {
		r.appendLen('>', int64(n))
	} else {
		r.appendLen('*', int64(n))
	}
}

// Bool writes a boolean (#t/#f in RESP3, :1/:0 in RESP2).
func (r *Reply) Bool(v bool) {
	switch {
	case r.Proto >= 3 && v:
		r.B = append(r.B, "#t\r\n"...)
	case r.Proto >= 3:
		r.B = append(r.B, "#f\r\n"...)
	case v:
		r.B = append(r.B, ":1\r\n"...)
	default:
		r.B = append(r.B, ":0\r\n"...)
	}
}

// Double writes a double the way Redis 7.0's addReplyDouble does: %.17g
// (inf and -inf spelled out), as a bulk string in RESP2 and a ,double in
// RESP3.
func (r *Reply) Double(f float64) {
	var tmp [32]byte
	b := AppendDouble(tmp[:0], f)
	if r.Proto >= 3 {
		r.B = append(r.B, ',')
		r.B = append(r.B, b...)
		r.B = append(r.B, '\r', '\n')
		return
	}
	r.Bulk(b)
}

// Verbatim writes a verbatim string (=len\r\ntxt:… in RESP3, bulk in RESP2).
func (r *Reply) Verbatim(s string) {
	if r.Proto < 3 {
		r.BulkString(s)
		return
	}
	r.appendLen('=', int64(len(s)+4))
	r.B = append(r.B, "txt:"...)
	r.B = append(r.B, s...)
	r.B = append(r.B, '\r', '\n')
}

// Raw appends already-encoded RESP.
func (r *Reply) Raw(b []byte) { r.B = append(r.B, b...) }

// StringArray writes an array of bulk strings.
func (r *Reply) StringArray(items []string) {
	r.Array(len(items))
	for _, s := range items {
		r.BulkString(s)
	}
}

// AppendDouble formats f as Redis 7.0 does with %.17g, spelling out
// infinities as inf and -inf.
func AppendDouble(b []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case math.IsNaN(f):
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', 17, 64)
}
