package commands

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"sundial/keyspace"
	"sundial/keyspace/tau"
)

// The tau type: bitemporal schedules of values over valid time (SPEC §6).
//
// Times are unsigned 64-bit nanoseconds. They are read as canonical
// decimals (digits only, no sign, no leading zeros, as Redis reads
// integers), and expiry_ns and end also as +inf (2^64-1, any case). They
// are replied as integers when they fit RESP's signed 64 bits and as bulk
// strings otherwise: "+inf" for 2^64-1, the decimal digits above 2^63-1.
var tauCommands = []*Spec{
	{Name: "tau.append", Run: cmdTauAppend, Arity: -5, Flags: FlagWrite | FlagDenyOOM,
		FirstKey: 1, LastKey: 1, Step: 1, Categories: []string{"@write", "@tau", "@fast"},
		Summary: "Append a value valid over [valid_ns, expiry_ns) to a schedule", Group: "tau", Since: "0.1.0"},
	{Name: "tau.at", Run: cmdTauAt, Arity: -3, Flags: FlagReadonly | FlagFast,
		FirstKey: 1, LastKey: 1, Step: 1, Categories: []string{"@read", "@tau", "@fast"},
		Summary: "Get the value in effect at a valid time, optionally as of a transaction time", Group: "tau", Since: "0.1.0"},
	{Name: "tau.range", Run: cmdTauRange, Arity: -4, Flags: FlagReadonly,
		FirstKey: 1, LastKey: 1, Step: 1, Categories: []string{"@read", "@tau", "@slow"},
		Summary: "Get the resolved timeline of a schedule over a valid-time range", Group: "tau", Since: "0.1.0"},
	{Name: "tau.history", Run: cmdTauHistory, Arity: -2, Flags: FlagReadonly,
		FirstKey: 1, LastKey: 1, Step: 1, Categories: []string{"@read", "@tau", "@slow"},
		Summary: "Get the raw values of a schedule in append order, with their times", Group: "tau", Since: "0.1.0"},
	{Name: "tau.info", Run: cmdTauInfo, Arity: 2, Flags: FlagReadonly | FlagFast,
		FirstKey: 1, LastKey: 1, Step: 1, Categories: []string{"@read", "@tau", "@fast"},
		Summary: "Get the size, time bounds and memory of a schedule", Group: "tau", Since: "0.1.0"},
}

// Tau-specific errors.
const (
	errTauInterval   = "ERR expiry_ns must be greater than valid_ns"
	errTauLimit      = "ERR LIMIT can't be negative"
	errTauTxOrder    = "ERR tx_ns must be greater than the schedule's last tx_ns"
	errTauTxOverflow = "ERR transaction time overflow"
	errTauFull       = "ERR schedule is full"
)

// Option keywords, compared case-insensitively without allocating.
var (
	kwAsOf  = []byte("asof")
	kwAll   = []byte("all")
	kwLimit = []byte("limit")
	kwTx    = []byte("tx")
	kwInf   = []byte("+inf")
)

// tauClock hands out transaction times: the wall clock in nanoseconds,
// strictly increasing across the whole server. It lives in the Engine and,
// like everything there, is used under Engine.Mu.
type tauClock struct {
	// last is the greatest tx_ns given out or replayed.
	last uint64
	// scanned is set once last also covers every schedule that was loaded
	// whole (from snapshots, or entry records in the log), which replaying
	// TAU.APPEND does not see.
	scanned bool
}

// nextTx returns the transaction time of a new Tau on a schedule whose
// last tx is floor: the wall clock, or one more than the greatest tx seen
// if the clock stands still or went back. It is not recorded until
// commitTx. ok is false when no greater uint64 is left.
func (e *Engine) nextTx(floor uint64) (tx uint64, ok bool) {
	if !e.tau.scanned && !e.Loading.Load() {
		e.scanTauTx()
	}
	prev := max(e.tau.last, floor)
	now := time.Now().UnixNano()
	if now > 0 && uint64(now) > prev {
		return uint64(now), true
	}
	if prev == math.MaxUint64 {
		return 0, false
	}
	return prev + 1, true
}

// commitTx records a transaction time that is now in a schedule.
func (e *Engine) commitTx(tx uint64) { e.tau.last = max(e.tau.last, tx) }

// scanTauTx raises the clock above every schedule in the keyspaces. It
// runs once, at the first append after loading: schedules loaded whole
// may hold times ahead of this machine's clock (a clock set back, data
// from another server).
func (e *Engine) scanTauTx() {
	for _, db := range e.Store.All() {
		db.Each(func(ent *keyspace.Entry) bool {
			if t, ok := ent.Value.(*keyspace.Tau); ok {
				e.commitTx(t.LastTx())
			}
			return true
		})
	}
	e.tau.scanned = true
}

// parseTauTime reads an unsigned 64-bit time: a canonical decimal, or
// +inf when inf is allowed.
func parseTauTime(b []byte, inf bool) (uint64, bool) {
	if inf && bytes.EqualFold(b, kwInf) {
		return tau.Inf, true
	}
	if len(b) == 0 || len(b) > 20 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var n uint64
	for _, d := range b {
		if d < '0' || d > '9' {
			return 0, false
		}
		v := n*10 + uint64(d-'0')
		if n > math.MaxUint64/10 || v < n*10 {
			return 0, false
		}
		n = v
	}
	return n, true
}

// tauTimeArg parses a time argument, replying the error that names it.
func tauTimeArg(c *Client, b []byte, name string, inf bool) (uint64, bool) {
	v, ok := parseTauTime(b, inf)
	if !ok {
		c.Error("ERR " + name + " is not an unsigned 64-bit integer")
	}
	return v, ok
}

// tauLimitArg parses a LIMIT count: an integer, not negative.
func tauLimitArg(c *Client, b []byte) (int, bool) {
	n, ok := argInt64(c, b)
	if !ok {
		return 0, false
	}
	if n < 0 {
		c.Error(errTauLimit)
		return 0, false
	}
	return int(min(n, math.MaxInt)), true
}

// tauTime replies a time: an integer when it fits RESP's signed 64 bits,
// else a bulk string ("+inf" for 2^64-1).
func tauTime(c *Client, v uint64) {
	switch {
	case v <= math.MaxInt64:
		c.Int(int64(v))
	case v == tau.Inf:
		c.BulkString("+inf")
	default:
		var tmp [20]byte
		c.Bulk(strconv.AppendUint(tmp[:0], v, 10))
	}
}

// arrayHeaderAt inserts the header of an n-element array at offset mark of
// the reply, for replies whose length is known only once written.
func arrayHeaderAt(c *Client, mark, n int) {
	var tmp [24]byte
	h := append(tmp[:0], '*')
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	c.B = slices.Insert(c.B, mark, h...)
}

// readTau returns the schedule at key for a read: nil when the key is
// missing; ok is false when a WRONGTYPE error was written.
func readTau(c *Client, key []byte) (t *keyspace.Tau, ok bool) {
	ent := c.LookupRead(key)
	if ent == nil {
		return nil, true
	}
	t, isTau := ent.Value.(*keyspace.Tau)
	if !isTau {
		c.Error(errWrongType)
		return nil, false
	}
	return t, true
}

// TAU.APPEND key value valid_ns expiry_ns
//
// It is logged as TAU.APPEND key value valid_ns expiry_ns TX tx_ns, so a
// replay gives the Tau the time it had. Only the replay client may pass
// TX; from anyone else it is a syntax error.
func cmdTauAppend(c *Client, args [][]byte) {
	key, value := args[1], args[2]
	valid, ok := tauTimeArg(c, args[3], "valid_ns", false)
	if !ok {
		return
	}
	expiry, ok := tauTimeArg(c, args[4], "expiry_ns", true)
	if !ok {
		return
	}
	var tx uint64
	hasTx := false
	for i := 5; i < len(args); i++ {
		if c.replay && i+1 < len(args) && bytes.EqualFold(args[i], kwTx) {
			if tx, ok = tauTimeArg(c, args[i+1], "tx_ns", false); !ok {
				return
			}
			hasTx = true
			i++
			continue
		}
		c.Error(errSyntax)
		return
	}
	if expiry <= valid {
		c.Error(errTauInterval)
		return
	}
	var sched *keyspace.Tau
	if ent := c.Lookup(key); ent != nil {
		if sched, ok = ent.Value.(*keyspace.Tau); !ok {
			c.Error(errWrongType)
			return
		}
	}
	var last uint64
	if sched != nil {
		last = sched.LastTx()
	}
	switch {
	case hasTx && sched != nil && sched.Len() > 0 && tx <= last:
		c.Error(errTauTxOrder)
		return
	case !hasTx:
		if tx, ok = c.e.nextTx(last); !ok {
			c.Error(errTauTxOverflow)
			return
		}
	}
	created := sched == nil
	if created {
		sched = keyspace.NewTau()
	}
	if err := sched.Append(tx, valid, expiry, value); err != nil {
		if errors.Is(err, tau.ErrFull) {
			c.Error(errTauFull)
		} else {
			c.Error("ERR " + err.Error())
		}
		return
	}
	if created {
		c.DB.Add(string(key), sched)
	}
	c.e.commitTx(tx)
	c.Rewrite([]byte("TAU.APPEND"), key, value, args[3], args[4], []byte("TX"), strconv.AppendUint(nil, tx, 10))
	c.Touched(key)
	c.Notify(notifyModule, "tau.append", key)
	c.Dirty(1)
	c.OK()
}

// TAU.AT key t [ASOF tx_ns] [ALL]
func cmdTauAt(c *Client, args [][]byte) {
	t, ok := tauTimeArg(c, args[2], "t", false)
	if !ok {
		return
	}
	asof := uint64(tau.Latest)
	all := false
	for i := 3; i < len(args); i++ {
		switch {
		case bytes.EqualFold(args[i], kwAll):
			all = true
		case bytes.EqualFold(args[i], kwAsOf) && i+1 < len(args):
			if asof, ok = tauTimeArg(c, args[i+1], "tx_ns", false); !ok {
				return
			}
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	sched, ok := readTau(c, args[1])
	if !ok {
		return
	}
	if all {
		var buf [8][]byte
		var found [][]byte
		if sched != nil {
			found = sched.AtAll(t, asof, buf[:0])
		}
		c.Array(len(found))
		for _, d := range found {
			c.Bulk(d)
		}
		return
	}
	if sched == nil {
		c.Null()
		return
	}
	var d []byte
	if asof == tau.Latest {
		d, ok = sched.At(t)
	} else {
		d, ok = sched.AtAsOf(t, asof)
	}
	if !ok {
		c.Null()
		return
	}
	c.Bulk(d)
}

// TAU.RANGE key start end [ASOF tx_ns] [LIMIT count]
func cmdTauRange(c *Client, args [][]byte) {
	start, ok := tauTimeArg(c, args[2], "start", false)
	if !ok {
		return
	}
	end, ok := tauTimeArg(c, args[3], "end", true)
	if !ok {
		return
	}
	asof := uint64(tau.Latest)
	limit := -1
	for i := 4; i < len(args); i++ {
		switch {
		case bytes.EqualFold(args[i], kwAsOf) && i+1 < len(args):
			if asof, ok = tauTimeArg(c, args[i+1], "tx_ns", false); !ok {
				return
			}
			i++
		case bytes.EqualFold(args[i], kwLimit) && i+1 < len(args):
			if limit, ok = tauLimitArg(c, args[i+1]); !ok {
				return
			}
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	sched, ok := readTau(c, args[1])
	if !ok {
		return
	}
	mark, n := len(c.B), 0
	if sched != nil {
		sched.Range(start, end, asof, limit, func(from, to uint64, data []byte) bool {
			c.Array(3)
			tauTime(c, from)
			tauTime(c, to)
			c.Bulk(data)
			n++
			return true
		})
	}
	arrayHeaderAt(c, mark, n)
}

// TAU.HISTORY key [start end] [LIMIT count]
func cmdTauHistory(c *Client, args [][]byte) {
	var start, end uint64
	hasRange := false
	i := 2
	if len(args) > 2 && !bytes.EqualFold(args[2], kwLimit) {
		if len(args) < 4 {
			c.Error(errSyntax)
			return
		}
		var ok bool
		if start, ok = tauTimeArg(c, args[2], "start", false); !ok {
			return
		}
		if end, ok = tauTimeArg(c, args[3], "end", true); !ok {
			return
		}
		hasRange, i = true, 4
	}
	limit := -1
	for ; i < len(args); i++ {
		if !bytes.EqualFold(args[i], kwLimit) || i+1 >= len(args) {
			c.Error(errSyntax)
			return
		}
		var ok bool
		if limit, ok = tauLimitArg(c, args[i+1]); !ok {
			return
		}
		i++
	}
	sched, ok := readTau(c, args[1])
	if !ok {
		return
	}
	mark, n := len(c.B), 0
	if sched != nil {
		sched.History(start, end, hasRange, limit, func(tx, valid, expiry uint64, data []byte) bool {
			c.Array(4)
			tauTime(c, tx)
			tauTime(c, valid)
			tauTime(c, expiry)
			c.Bulk(data)
			n++
			return true
		})
	}
	arrayHeaderAt(c, mark, n)
}

// TAU.INFO key
func cmdTauInfo(c *Client, args [][]byte) {
	sched, ok := readTau(c, args[1])
	if !ok {
		return
	}
	if sched == nil {
		c.Error(errNoSuchKey)
		return
	}
	in := sched.Info()
	c.Map(6)
	c.BulkString("taus")
	c.Int(int64(in.Taus))
	c.BulkString("first_valid_ns")
	tauTime(c, in.FirstValid)
	c.BulkString("last_expiry_ns")
	tauTime(c, in.LastExpiry)
	c.BulkString("first_tx_ns")
	tauTime(c, in.FirstTx)
	c.BulkString("last_tx_ns")
	tauTime(c, in.LastTx)
	c.BulkString("memory_bytes")
	c.Int(int64(sched.MemoryUsage()))
}
