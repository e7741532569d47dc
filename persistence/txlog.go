package persistence

import (
	"errors"
	"io"
)

// Transactions in the log. A MULTI/EXEC block, or a script's writes, must be
// replayed all or nothing. AppendMulti writes such a group as a MULTI
// record, the commands, and an EXEC record, as Redis does in its AOF; the
// group goes into one batch, but a crash can still tear that batch at any
// byte. On replay a group is applied only once its EXEC has been read, and
// a log that ends inside a group has a torn tail that starts at its MULTI:
// recovery cuts the log there, as Redis does with aof-load-truncated.
// MULTI and EXEC records are therefore reserved for this framing.

var (
	argMulti = []byte("MULTI")
	argExec  = []byte("EXEC")
)

func isMarker(argv [][]byte, marker []byte) bool {
	return len(argv) == 1 && len(argv[0]) == len(marker) && equalFoldASCII(argv[0], marker)
}

func equalFoldASCII(a, b []byte) bool {
	for i := range a {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// AppendMulti appends commands that must be replayed together and returns
// the sequence number of the last record. One command is appended as is;
// more are wrapped in MULTI … EXEC. Like Append it does no I/O.
func (a *AOF) AppendMulti(cmds [][][]byte) (uint64, error) {
	if len(cmds) == 0 {
		return 0, errors.New("persistence: empty command group")
	}
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		return 0, ErrClosed
	}
	start := len(a.pending)
	buf := a.pending
	var err error
	wrap := len(cmds) > 1
	if wrap {
		buf, err = AppendRecord(buf, [][]byte{argMulti})
	}
	for _, argv := range cmds {
		if err == nil {
			buf, err = AppendRecord(buf, argv)
		}
	}
	if wrap && err == nil {
		buf, err = AppendRecord(buf, [][]byte{argExec})
	}
	if err != nil {
		a.pending = buf[:start] // all or nothing
		a.mu.Unlock()
		return 0, err
	}
	n := uint64(len(cmds))
	if wrap {
		n += 2
	}
	a.pending = buf
	a.seq += n
	seq := a.seq
	a.mu.Unlock()
	a.records.Add(n)
	a.wake()
	return seq, nil
}

// AppendMulti logs a group of commands to be replayed all or nothing; see
// AOF.AppendMulti. With AppendOnly off it does nothing and returns 0.
func (s *Store) AppendMulti(cmds [][][]byte) (uint64, error) {
	if s.aof == nil {
		return 0, nil
	}
	return s.aof.AppendMulti(cmds)
}

// cmdReader reads the commands of a log, holding back each MULTI … EXEC
// group until it is complete.
type cmdReader struct {
	rr      *RecordReader
	inTx    bool
	txStart int64
	buf     []byte // the group's arguments, copied: the record buffer is reused
	spans   [][2]int
	counts  []int
	out     [][][]byte
	args    [][]byte
	one     [1][][]byte
}

func newCmdReader(rr *RecordReader) *cmdReader { return &cmdReader{rr: rr} }

// Next returns the next command, or the commands of the next complete
// group, valid until the following call. Errors are those of
// RecordReader.Next, except that a log ending inside a group (cleanly or
// torn) has a *TornTailError starting at the group's MULTI.
func (c *cmdReader) Next() ([][][]byte, error) {
	for {
		start := c.rr.Offset()
		argv, err := c.rr.Next()
		if err != nil {
			return nil, c.endInGroup(err)
		}
		switch {
		case isMarker(argv, argMulti):
			if c.inTx {
				return nil, &CorruptError{File: c.rr.name, Offset: start, Reason: "MULTI inside a MULTI group"}
			}
			c.inTx, c.txStart = true, start
			c.buf, c.spans, c.counts = c.buf[:0], c.spans[:0], c.counts[:0]
		case isMarker(argv, argExec):
			if !c.inTx {
				return nil, &CorruptError{File: c.rr.name, Offset: start, Reason: "EXEC without MULTI"}
			}
			c.inTx = false
			return c.group(), nil
		case c.inTx:
			for _, a := range argv {
				c.spans = append(c.spans, [2]int{len(c.buf), len(c.buf) + len(a)})
				c.buf = append(c.buf, a...)
			}
			c.counts = append(c.counts, len(argv))
		default:
			c.one[0] = argv
			return c.one[:], nil
		}
	}
}

func (c *cmdReader) endInGroup(err error) error {
	if !c.inTx {
		return err
	}
	var torn *TornTailError
	switch {
	case err == io.EOF:
		return &TornTailError{File: c.rr.name, Offset: c.txStart, Size: c.rr.Offset()}
	case errors.As(err, &torn):
		return &TornTailError{File: torn.File, Offset: c.txStart, Size: torn.Size}
	}
	return err
}

func (c *cmdReader) group() [][][]byte {
	c.args = c.args[:0]
	for _, sp := range c.spans {
		c.args = append(c.args, c.buf[sp[0]:sp[1]:sp[1]])
	}
	c.out = c.out[:0]
	i := 0
	for _, n := range c.counts {
		c.out = append(c.out, c.args[i:i+n:i+n])
		i += n
	}
	return c.out
}

// Offset returns the end of the last command or group returned.
func (c *cmdReader) Offset() int64 { return c.rr.Offset() }
