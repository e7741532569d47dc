package commands

import (
	"bytes"
	"math"
	"strconv"
	"time"

	"sundial/keyspace"
	"sundial/keyspace/stream"
)

// streamCommands is this family's part of the command table.
var streamCommands = []*Spec{
	{Name: "xadd", Run: cmdXAdd},
	{Name: "xrange", Run: cmdXRange},
	{Name: "xrevrange", Run: cmdXRange},
	{Name: "xlen", Run: cmdXLen},
	{Name: "xdel", Run: cmdXDel},
	{Name: "xtrim", Run: cmdXTrim},
	{Name: "xsetid", Run: cmdXSetID},
	{Name: "xread", Run: cmdXRead},
	{Name: "xreadgroup", Run: cmdXRead},
	{Name: "xack", Run: cmdXAck},
	{Name: "xpending", Run: cmdXPending},
	{Name: "xclaim", Run: cmdXClaim},
	{Name: "xautoclaim", Run: cmdXAutoClaim},
	{Name: "xgroup", Subs: []*Spec{
		{Name: "create", Run: cmdXGroup},
		{Name: "setid", Run: cmdXGroup},
		{Name: "destroy", Run: cmdXGroup},
		{Name: "createconsumer", Run: cmdXGroup},
		{Name: "delconsumer", Run: cmdXGroup},
		{Name: "help", Run: cmdXGroupHelp},
	}},
	{Name: "xinfo", Subs: []*Spec{
		{Name: "stream", Run: cmdXInfoStream},
		{Name: "groups", Run: cmdXInfoGroups},
		{Name: "consumers", Run: cmdXInfoConsumers},
		{Name: "help", Run: cmdXInfoHelp},
	}},
}

// Stream errors, as Redis 7.0 words them.
const (
	errMaxLenNegative   = "ERR The MAXLEN argument must be >= 0."
	errLimitNegative    = "ERR The LIMIT argument must be >= 0."
	errTrimBoth         = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible"
	errLimitNoStrategy  = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy"
	errXTrimNoStrategy  = "ERR syntax error, XTRIM must be called with a trimming strategy"
	errLimitNoApprox    = "ERR syntax error, LIMIT cannot be used without the special ~ option"
	errXReadUnbalanced  = "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
	errXReadGroupOpt    = "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
	errXReadNoAckOpt    = "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
	errXReadGroupNoOpt  = "ERR Missing GROUP option for XREADGROUP"
	errXReadDollar      = "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
	errXReadGreater     = "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
	errXGroupNoKey      = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically."
	errEntriesRead      = "ERR value for ENTRIESREAD must be positive or -1"
	errXClaimMinIdle    = "ERR Invalid min-idle-time argument for XCLAIM"
	errXClaimIdle       = "ERR Invalid IDLE option argument for XCLAIM"
	errXClaimTime       = "ERR Invalid TIME option argument for XCLAIM"
	errXClaimRetry      = "ERR Invalid RETRYCOUNT option argument for XCLAIM"
	errXAutoClaimIdle   = "ERR Invalid min-idle-time argument for XAUTOCLAIM"
	errXAutoClaimCount  = "ERR COUNT must be > 0"
	errXAutoClaimAlloc  = "ERR Insufficient memory, failed allocating transient memory, COUNT too high."
	errBlockedNoGroup   = "NOGROUP the consumer group this client was blocked on no longer exists"
	errBlockedKeyGone   = "UNBLOCKED the stream key no longer exists"
	errEntriesAddedNeg  = "ERR entries_added must be positive"
	errSetIDBelowMaxDel = "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id"
)

// xreadBlockedDefaultCount caps what a blocked XREAD without COUNT gets
// when it is served (Redis's XREAD_BLOCKED_DEFAULT_COUNT).
const xreadBlockedDefaultCount = 1000

// xautoclaimMaxAlloc is the largest XAUTOCLAIM COUNT served: Redis
// allocates 16 bytes per unit of COUNT first, which fails on 64-bit Linux
// somewhere past 32 TiB.
const xautoclaimMaxAlloc = 1 << 41

// xautoclaimAttempts is how many PEL entries XAUTOCLAIM may look at per
// entry of COUNT.
const xautoclaimAttempts = 10

// xCStr returns b up to its first NUL byte: Redis compares many arguments
// as C strings (strcmp, strcasecmp), which end there.
func xCStr(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// xArgIs compares an argument with an option name as Redis's strcasecmp.
func xArgIs(b []byte, name string) bool {
	b = xCStr(b)
	if len(b) != len(name) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		n := name[i]
		if 'A' <= n && n <= 'Z' {
			n += 'a' - 'A'
		}
		if c != n {
			return false
		}
	}
	return true
}

// xArgEq compares an argument with a literal as Redis's strcmp.
func xArgEq(b []byte, lit string) bool { return string(xCStr(b)) == lit }

// replyStreamID writes an ID as a bulk string "<ms>-<seq>".
func replyStreamID(c *Client, id stream.ID) {
	var buf [48]byte
	c.Bulk(id.AppendTo(buf[:0]))
}

func streamIDArg(id stream.ID) []byte { return id.AppendTo(nil) }

// replyStreamEntry writes an entry as [id, [field, value, ...]].
func replyStreamEntry(c *Client, e stream.Entry) {
	c.Array(2)
	replyStreamID(c, e.ID)
	c.Array(len(e.Fields))
	for _, f := range e.Fields {
		c.Bulk(f)
	}
}

// replyStreamRange writes the entries in [start, end] (count <= 0: all)
// as an array.
func replyStreamRange(c *Client, s *keyspace.Stream, start, end stream.ID, count int, rev bool) {
	mark := len(c.B)
	n := 0
	s.Range(start, end, count, rev, func(e stream.Entry) bool {
		replyStreamEntry(c, e)
		n++
		return true
	})
	xDeferredArray(c, mark, n)
}

// xDeferredArray inserts an array header of n elements at mark, the
// length of c.B before the elements were written: for aggregates whose
// length is known only afterwards (Redis's addReplyDeferredLen).
func xDeferredArray(c *Client, mark, n int) { xInsertHeader(c, mark, '*', n) }

// xDeferredMap inserts a map header of n pairs (an array of 2n in RESP2).
func xDeferredMap(c *Client, mark, n int) {
	if c.Proto >= 3 {
		xInsertHeader(c, mark, '%', n)
	} else {
		xInsertHeader(c, mark, '*', 2*n)
	}
}

func xInsertHeader(c *Client, mark int, prefix byte, n int) {
	var tmp [24]byte
	h := append(tmp[:0], prefix)
	h = strconv.AppendInt(h, int64(n), 10)
	h = append(h, '\r', '\n')
	c.B = append(c.B, h...)
	copy(c.B[mark+len(h):], c.B[mark:len(c.B)-len(h)])
	copy(c.B[mark:], h)
}

// streamError writes an error returned by package stream, whose texts are
// Redis's.
func streamError(c *Client, err error) { c.Error(err.Error()) }

// parseStrictIDOrReply is Redis's streamParseStrictIDOrReply without the
// "<ms>-*" form.
func parseStrictIDOrReply(c *Client, b []byte, missingSeq uint64) (stream.ID, bool) {
	id, err := stream.ParseStrictID(b, missingSeq)
	if err != nil {
		streamError(c, err)
		return id, false
	}
	return id, true
}

// parseIDsOrReply parses every argument as a strict ID (XDEL, XACK): all
// are checked before any is used, so a bad one changes nothing.
func parseIDsOrReply(c *Client, args [][]byte) ([]stream.ID, bool) {
	ids := make([]stream.ID, len(args))
	for i, a := range args {
		var ok bool
		if ids[i], ok = parseStrictIDOrReply(c, a, 0); !ok {
			return nil, false
		}
	}
	return ids, true
}

// parseIntervalOrReply parses a range bound, moving an exclusive one
// inwards (start: up, end: down) as XRANGE, XPENDING and XAUTOCLAIM do.
func parseIntervalOrReply(c *Client, b []byte, isEnd bool) (stream.ID, bool) {
	missing := uint64(0)
	if isEnd {
		missing = math.MaxUint64
	}
	id, exclusive, err := stream.ParseIntervalID(b, missing)
	if err != nil {
		streamError(c, err)
		return id, false
	}
	if !exclusive {
		return id, true
	}
	var ok bool
	if isEnd {
		id, ok = id.Prev()
		if !ok {
			streamError(c, stream.ErrInvalidEnd)
		}
	} else {
		id, ok = id.Next()
		if !ok {
			streamError(c, stream.ErrInvalidStart)
		}
	}
	return id, ok
}

// readStream returns the stream at key for a read command: nil when the
// key is missing; ok is false when a WRONGTYPE error was written.
func readStream(c *Client, key []byte) (*keyspace.Stream, bool) {
	return readValue[*keyspace.Stream](c, key)
}

// writeStream is readStream for a write command.
func writeStream(c *Client, key []byte) (*keyspace.Stream, bool) {
	_, s, ok := writeValue[*keyspace.Stream](c, key)
	return s, ok
}

// xNodeLimits are the configured stream-node-max-bytes and -entries.
func xNodeLimits(c *Client) *stream.NodeLimits {
	l := &c.e.streamLimits // one per engine: read at once, never kept
	*l = stream.NodeLimits{MaxBytes: c.e.Cfg.StreamNodeMaxBytes, MaxEntries: c.e.Cfg.StreamNodeMaxEntries}
	return l
}

// addTrimArgs are the parsed options of XADD and XTRIM.
type addTrimArgs struct {
	trim       stream.TrimArgs
	trimArg    int // index of the MAXLEN/MINID threshold argument
	noMkStream bool
	id         stream.AddID
	idGiven    bool
}

// parseAddTrimArgs parses XADD's or XTRIM's options as Redis's
// streamParseAddOrTrimArgsOrReply and returns the position of XADD's ID
// argument.
func parseAddTrimArgs(c *Client, args [][]byte, xadd bool) (a addTrimArgs, idpos int, ok bool) {
	a.id.Auto = true
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && xArgEq(opt, "*") && len(opt) > 0:
			return a.finish(c, i, xadd, limitGiven)
		case xArgIs(opt, "maxlen") && more > 0, xArgIs(opt, "minid") && more > 0:
			if a.trim.Strategy != stream.TrimNone {
				c.Error(errTrimBoth)
				return a, 0, false
			}
			a.trim.Approx = false
			next := args[i+1]
			if more >= 2 && xArgEq(next, "~") {
				a.trim.Approx = true
				i++
			} else if more >= 2 && xArgEq(next, "=") {
				i++
			}
			if xArgIs(opt, "maxlen") {
				n, ok := keyspace.ParseInt(args[i+1])
				if !ok {
					c.Error(errNotInt)
					return a, 0, false
				}
				if n < 0 {
					c.Error(errMaxLenNegative)
					return a, 0, false
				}
				a.trim.Strategy, a.trim.MaxLen = stream.TrimMaxLen, uint64(n)
			} else {
				id, ok := parseStrictIDOrReply(c, args[i+1], 0)
				if !ok {
					return a, 0, false
				}
				a.trim.Strategy, a.trim.MinID = stream.TrimMinID, id
			}
			i++
			a.trimArg = i
		case xArgIs(opt, "limit") && more > 0:
			n, ok := keyspace.ParseInt(args[i+1])
			if !ok {
				c.Error(errNotInt)
				return a, 0, false
			}
			if n < 0 {
				c.Error(errLimitNegative)
				return a, 0, false
			}
			a.trim.Limit = n
			limitGiven = true
			i++
		case xadd && xArgIs(opt, "nomkstream"):
			a.noMkStream = true
		case xadd:
			id, err := stream.ParseAddID(opt)
			if err != nil {
				streamError(c, err)
				return a, 0, false
			}
			a.id, a.idGiven = id, true
			return a.finish(c, i, xadd, limitGiven)
		default:
			c.Error(errSyntax)
			return a, 0, false
		}
	}
	return a.finish(c, i, xadd, limitGiven)
}

// finish applies the checks Redis makes after the option loop and the
// default LIMIT of approximate trimming.
func (a addTrimArgs) finish(c *Client, idpos int, xadd, limitGiven bool) (addTrimArgs, int, bool) {
	if a.trim.Limit != 0 && a.trim.Strategy == stream.TrimNone {
		c.Error(errLimitNoStrategy)
		return a, 0, false
	}
	if !xadd && a.trim.Strategy == stream.TrimNone {
		c.Error(errXTrimNoStrategy)
		return a, 0, false
	}
	switch {
	case c.replay:
		// Replayed writes were made exact before they were logged.
		a.trim.Limit = 0
	case limitGiven:
		if !a.trim.Approx {
			c.Error(errLimitNoApprox)
			return a, 0, false
		}
	case a.trim.Approx:
		a.trim.Limit = stream.DefaultTrimLimit(c.e.Cfg.StreamNodeMaxEntries)
	default:
		a.trim.Limit = 0
	}
	return a, idpos, true
}

// rewriteApproxTrim makes a "~" trim exact for propagation, as Redis's
// streamRewriteApproxSpecifier and streamRewriteTrimArgument: "~" becomes
// "=" and the threshold what the stream now holds.
func rewriteApproxTrim(c *Client, argv [][]byte, a addTrimArgs, s *keyspace.Stream) {
	argv[a.trimArg-1] = exactTrim
	if a.trim.Strategy == stream.TrimMaxLen {
		argv[a.trimArg] = c.scratchBytes(func(b []byte) []byte { return strconv.AppendUint(b, s.Len(), 10) })
	} else {
		argv[a.trimArg] = c.scratchBytes(s.EdgeID(true, false).AppendTo)
	}
}

var exactTrim = []byte("=")

func cmdXAdd(c *Client, args [][]byte) {
	a, idpos, ok := parseAddTrimArgs(c, args, true)
	if !ok {
		return
	}
	fieldPos := idpos + 1
	if n := len(args) - fieldPos; n < 2 || n%2 == 1 {
		c.Error(errArity(c.cmd.FullName))
		return
	}
	if a.idGiven && !a.id.AutoSeq && a.id.ID.IsZero() {
		streamError(c, stream.ErrIDZero)
		return
	}
	key := args[1]
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	if s == nil {
		if a.noMkStream {
			c.Null()
			return
		}
		s = keyspace.NewStream()
		c.DB.Add(string(key), s)
	}
	id, err := s.Add(stream.AddArgs{ID: a.id, Fields: args[fieldPos:], Limits: xNodeLimits(c)}, c.Now())
	if err == stream.ErrIDTooSmall && a.id.AutoSeq && s.LastID().Ms == a.id.ID.Ms && s.LastID().Seq == math.MaxUint64 {
		// Redis 7.0 fails "<ms>-*" after the last sequence number of <ms>
		// without setting errno, so it reports the only other error.
		err = stream.ErrTooLarge
	}
	if err != nil {
		streamError(c, err)
		return
	}
	replyStreamID(c, id)
	c.Notify(notifyStream, "xadd", key)
	c.Dirty(1)
	var argv [][]byte
	if a.trim.Strategy != stream.TrimNone {
		if s.Trim(a.trim) > 0 {
			c.Notify(notifyStream, "xtrim", key)
		}
		if a.trim.Approx {
			argv = c.scratchArgs(args)
			rewriteApproxTrim(c, argv, a, s)
		}
	}
	c.Touched(key)
	if !a.idGiven || a.id.AutoSeq {
		if argv == nil {
			argv = c.scratchArgs(args)
		}
		argv[idpos] = c.scratchBytes(id.AppendTo)
	}
	if argv != nil {
		c.Rewrite(argv...)
	}
	c.SignalReady(key)
}

func cmdXTrim(c *Client, args [][]byte) {
	a, _, ok := parseAddTrimArgs(c, args, false)
	if !ok {
		return
	}
	key := args[1]
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	if s == nil {
		c.Int(0)
		return
	}
	deleted := s.Trim(a.trim)
	if deleted > 0 {
		c.Notify(notifyStream, "xtrim", key)
		if a.trim.Approx {
			argv := c.scratchArgs(args)
			rewriteApproxTrim(c, argv, a, s)
			c.Rewrite(argv...)
		}
		c.Touched(key)
		c.Dirty(int(deleted))
	}
	c.Int(deleted)
}

// cmdXRange serves XRANGE key start end and XREVRANGE key end start, with
// COUNT.
func cmdXRange(c *Client, args [][]byte) {
	rev := c.cmd.Name == "xrevrange"
	startArg, endArg := args[2], args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, ok := parseIntervalOrReply(c, startArg, false)
	if !ok {
		return
	}
	end, ok := parseIntervalOrReply(c, endArg, true)
	if !ok {
		return
	}
	count := int64(-1)
	for j := 4; j < len(args); j++ {
		if xArgIs(args[j], "count") && j+1 < len(args) {
			n, ok := keyspace.ParseInt(args[j+1])
			if !ok {
				c.Error(errNotInt)
				return
			}
			count = max(n, 0)
			j++
		} else {
			c.Error(errSyntax)
			return
		}
	}
	s, ok := readStream(c, args[1])
	if !ok {
		return
	}
	switch {
	case s == nil:
		c.Array(0)
	case count == 0:
		c.NullArray()
	default:
		replyStreamRange(c, s, start, end, xClampCount(count), rev)
	}
}

// xClampCount turns a COUNT into Range's count (<= 0: no limit).
func xClampCount(n int64) int {
	if n < 0 || n > math.MaxInt32 {
		return 0
	}
	return int(n)
}

func cmdXLen(c *Client, args [][]byte) {
	s, ok := readStream(c, args[1])
	if !ok {
		return
	}
	if s == nil {
		c.Int(0)
		return
	}
	c.Int(int64(s.Len()))
}

func cmdXDel(c *Client, args [][]byte) {
	key := args[1]
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	if s == nil {
		c.Int(0)
		return
	}
	ids, ok := parseIDsOrReply(c, args[2:])
	if !ok {
		return
	}
	deleted := s.Delete(ids...)
	if deleted > 0 {
		c.Touched(key)
		c.Notify(notifyStream, "xdel", key)
		c.Dirty(deleted)
	}
	c.Int(int64(deleted))
}

func cmdXSetID(c *Client, args [][]byte) {
	id, ok := parseStrictIDOrReply(c, args[2], 0)
	if !ok {
		return
	}
	a := stream.SetIDArgs{ID: id, EntriesAdded: -1}
	for i := 3; i < len(args); i++ {
		more := len(args) - 1 - i
		switch {
		case xArgIs(args[i], "entriesadded") && more > 0:
			n, ok := keyspace.ParseInt(args[i+1])
			if !ok {
				c.Error(errNotInt)
				return
			}
			if n < 0 {
				c.Error(errEntriesAddedNeg)
				return
			}
			a.EntriesAdded = n
			i++
		case xArgIs(args[i], "maxdeletedid") && more > 0:
			if a.MaxDeletedID, ok = parseStrictIDOrReply(c, args[i+1], 0); !ok {
				return
			}
			if id.Less(a.MaxDeletedID) {
				c.Error(errSetIDBelowMaxDel)
				return
			}
			i++
		default:
			c.Error(errSyntax)
			return
		}
	}
	key := args[1]
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	if s == nil {
		c.Error(errNoSuchKey)
		return
	}
	if err := s.SetID(a); err != nil {
		streamError(c, err)
		return
	}
	c.OK()
	c.Dirty(1)
	c.Notify(notifyStream, "xsetid", key)
}

func cmdXAck(c *Client, args [][]byte) {
	_, g, ok := readGroup(c, args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Int(0)
		return
	}
	ids, ok := parseIDsOrReply(c, args[3:])
	if !ok {
		return
	}
	acked := g.Ack(ids...)
	c.Dirty(acked)
	c.Int(int64(acked))
}

// readGroup looks group up in the stream at key for a read command: g is
// nil when the key or the group is missing; ok is false when a WRONGTYPE
// error was written.
func readGroup(c *Client, key, group []byte) (s *keyspace.Stream, g *stream.Group, ok bool) {
	if s, ok = readStream(c, key); !ok || s == nil {
		return s, nil, ok
	}
	return s, s.Group(string(group)), true
}

// errNoKeyOrGroup is the NOGROUP error of XPENDING, XCLAIM and XAUTOCLAIM.
func errNoKeyOrGroup(key, group []byte) string {
	return "NOGROUP No such key '" + string(xCStr(key)) + "' or consumer group '" + string(xCStr(group)) + "'"
}

// errNoGroupForKey is the NOGROUP error of XGROUP and XINFO CONSUMERS.
func errNoGroupForKey(group, key []byte) string {
	return "NOGROUP No such consumer group '" + string(xCStr(group)) + "' for key name '" + string(xCStr(key)) + "'"
}

func cmdXPending(c *Client, args [][]byte) {
	argc := len(args)
	if argc != 3 && (argc < 6 || argc > 9) {
		c.Error(errSyntax)
		return
	}
	var pr stream.PendingRangeArgs
	var consumerName []byte
	if argc >= 6 {
		startIdx := 3
		if xArgIs(args[3], "idle") {
			n, ok := keyspace.ParseInt(args[4])
			if !ok {
				c.Error(errNotInt)
				return
			}
			pr.MinIdle = n
			if argc < 8 {
				c.Error(errSyntax)
				return
			}
			startIdx += 2
		}
		count, ok := keyspace.ParseInt(args[startIdx+2])
		if !ok {
			c.Error(errNotInt)
			return
		}
		pr.Count = clampPendingCount(count)
		if pr.Start, ok = parseIntervalOrReply(c, args[startIdx], false); !ok {
			return
		}
		if pr.End, ok = parseIntervalOrReply(c, args[startIdx+1], true); !ok {
			return
		}
		if startIdx+3 < argc {
			consumerName = args[startIdx+3]
		}
	}
	_, g, ok := readGroup(c, args[1], args[2])
	if !ok {
		return
	}
	if g == nil {
		c.Error(errNoKeyOrGroup(args[1], args[2]))
		return
	}
	if argc == 3 {
		replyPendingSummary(c, g.PendingSummary())
		return
	}
	if consumerName != nil {
		if pr.Consumer = g.Consumer(string(consumerName)); pr.Consumer == nil {
			c.Array(0)
			return
		}
	}
	list := g.PendingRange(pr, c.Now())
	c.Array(len(list))
	for _, p := range list {
		c.Array(4)
		replyStreamID(c, p.ID)
		c.BulkString(p.Consumer)
		c.Int(p.Idle(c.Now()))
		c.Int(int64(p.DeliveryCount))
	}
}

// clampPendingCount turns XPENDING's count into PendingRange's: negative
// counts mean none, and no PEL is larger than an int.
func clampPendingCount(n int64) int {
	if n <= 0 {
		return 0
	}
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}

func replyPendingSummary(c *Client, ps stream.PendingSummary) {
	c.Array(4)
	c.Int(int64(ps.Count))
	if ps.Count == 0 {
		c.Null()
		c.Null()
		c.NullArray()
		return
	}
	replyStreamID(c, ps.Min)
	replyStreamID(c, ps.Max)
	c.Array(len(ps.Consumers))
	for _, cp := range ps.Consumers {
		c.Array(2)
		c.BulkString(cp.Name)
		c.BulkInt(int64(cp.Count))
	}
}

// xclaimArgv is the XCLAIM with which Redis propagates a change of a
// pending entry (streamPropagateXCLAIM): replaying it recreates the entry
// with its owner, delivery time and count, or removes it when the stream
// entry is gone.
func xclaimArgv(key, group []byte, idArg []byte, p stream.Pending, lastID stream.ID) [][]byte {
	return [][]byte{
		[]byte("XCLAIM"), key, group, []byte(p.Consumer), []byte("0"), idArg,
		[]byte("TIME"), strconv.AppendInt(nil, p.DeliveryTime, 10),
		[]byte("RETRYCOUNT"), strconv.AppendUint(nil, p.DeliveryCount, 10),
		[]byte("FORCE"), []byte("JUSTID"), []byte("LASTID"), streamIDArg(lastID),
	}
}

// setIDArgv is the XGROUP SETID with which Redis propagates a group's last
// delivered ID and read counter (streamPropagateGroupID).
func setIDArgv(key, group []byte, g *stream.Group) [][]byte {
	return [][]byte{
		[]byte("XGROUP"), []byte("SETID"), key, group, streamIDArg(g.LastID()),
		[]byte("ENTRIESREAD"), strconv.AppendInt(nil, g.EntriesRead(), 10),
	}
}

// touchConsumer finds or creates a consumer for a read or a claim, with
// the notification and, for NOACK reads, the propagation Redis gives a
// created one.
func touchConsumer(c *Client, key, group []byte, g *stream.Group, name []byte, propagate bool) *stream.Consumer {
	if cons := g.Consumer(string(name)); cons != nil {
		return g.TouchConsumer(cons.Name(), c.Now())
	}
	cons := g.TouchConsumer(string(name), c.Now())
	consumerCreated(c, key, group, name, propagate)
	return cons
}

func consumerCreated(c *Client, key, group, name []byte, propagate bool) {
	c.Dirty(1)
	c.Notify(notifyStream, "xgroup-createconsumer", key)
	if propagate {
		c.AlsoPropagate([]byte("XGROUP"), []byte("CREATECONSUMER"), key, group, name)
	}
}

func cmdXClaim(c *Client, args [][]byte) {
	key, group, consumer := args[1], args[2], args[3]
	s, g, ok := readGroup(c, key, group)
	if !ok {
		return
	}
	if g == nil {
		c.Error(errNoKeyOrGroup(key, group))
		return
	}
	minIdle, ok := keyspace.ParseInt(args[4])
	if !ok {
		c.Error(errXClaimMinIdle)
		return
	}
	var ids []stream.ID
	j := 5
	for ; j < len(args); j++ {
		id, err := stream.ParseStrictID(args[j], 0)
		if err != nil {
			break
		}
		ids = append(ids, id)
	}
	now := c.Now()
	a := stream.ClaimArgs{MinIdle: minIdle, DeliveryTime: -1, RetryCount: -1}
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		opt := args[j]
		switch {
		case xArgIs(opt, "force"):
			a.Force = true
		case xArgIs(opt, "justid"):
			a.JustID = true
		case xArgIs(opt, "idle") && more > 0:
			j++
			n, ok := keyspace.ParseInt(args[j])
			if !ok {
				c.Error(errXClaimIdle)
				return
			}
			a.DeliveryTime = now - n
		case xArgIs(opt, "time") && more > 0:
			j++
			n, ok := keyspace.ParseInt(args[j])
			if !ok {
				c.Error(errXClaimTime)
				return
			}
			a.DeliveryTime = n
		case xArgIs(opt, "retrycount") && more > 0:
			j++
			n, ok := keyspace.ParseInt(args[j])
			if !ok {
				c.Error(errXClaimRetry)
				return
			}
			a.RetryCount = n
		case xArgIs(opt, "lastid") && more > 0:
			j++
			if a.LastID, ok = parseStrictIDOrReply(c, args[j], 0); !ok {
				return
			}
		default:
			c.Error("ERR Unrecognized XCLAIM option '" + string(xCStr(opt)) + "'")
			return
		}
	}
	if a.RetryCount < 0 {
		a.RetryCount = -1
	}
	// The propagation of an entry removed because the stream lost it names
	// its owner and delivery state before the removal.
	var gone map[stream.ID]stream.Pending
	for _, id := range ids {
		if p, pending := g.PendingEntry(id); pending && !s.Exists(id) {
			if gone == nil {
				gone = make(map[stream.ID]stream.Pending)
			}
			gone[id] = p
		}
	}
	lastBefore := g.LastID()
	hadConsumer := g.Consumer(string(consumer)) != nil
	res := s.Claim(g, string(consumer), ids, a, now)
	if !hadConsumer && g.Consumer(string(consumer)) != nil {
		consumerCreated(c, key, group, consumer, false)
	}
	c.Array(len(res.Claimed))
	for _, e := range res.Claimed {
		if a.JustID {
			replyStreamID(c, e.ID)
		} else {
			replyStreamEntry(c, e)
		}
	}
	// Propagate each change in argument order, claimed entries with the
	// state they were left in.
	ci, di := 0, 0
	for k, id := range ids {
		var p stream.Pending
		switch {
		case ci < len(res.Claimed) && res.Claimed[ci].ID == id:
			ci++
			p, _ = g.PendingEntry(id)
		case di < len(res.Deleted) && res.Deleted[di] == id:
			di++
			p = gone[id]
		default:
			continue
		}
		c.AlsoPropagate(xclaimArgv(key, group, args[5+k], p, g.LastID())...)
		c.Dirty(1)
	}
	if ci+di == 0 && g.LastID() != lastBefore {
		c.AlsoPropagate(setIDArgv(key, group, g)...)
		c.Dirty(1)
	}
	c.Rewrite()
}

func cmdXAutoClaim(c *Client, args [][]byte) {
	key, group, consumer := args[1], args[2], args[3]
	minIdle, ok := keyspace.ParseInt(args[4])
	if !ok {
		c.Error(errXAutoClaimIdle)
		return
	}
	start, ok := parseIntervalOrReply(c, args[5], false)
	if !ok {
		return
	}
	count := int64(100)
	justID := false
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case xArgIs(args[j], "count") && more > 0:
			n, ok := keyspace.ParseInt(args[j+1])
			if !ok || n < 1 || n > math.MaxInt64/16 {
				c.Error(errXAutoClaimCount)
				return
			}
			count = n
			j++
		case xArgIs(args[j], "justid"):
			justID = true
		default:
			c.Error(errSyntax)
			return
		}
	}
	s, g, ok := readGroup(c, key, group)
	if !ok {
		return
	}
	if g == nil {
		c.Error(errNoKeyOrGroup(key, group))
		return
	}
	if count > xautoclaimMaxAlloc {
		// Redis allocates COUNT deleted-ID slots up front and fails for
		// counts no address space can hold.
		c.Error(errXAutoClaimAlloc)
		return
	}
	now := c.Now()
	// What the walk may visit, so that an entry removed for being gone
	// from the stream is propagated with its state before the removal.
	visit := min(count, math.MaxInt64/xautoclaimAttempts) * xautoclaimAttempts
	before := g.PendingRange(stream.PendingRangeArgs{
		Start: start, End: stream.MaxID, Count: int(min(visit, int64(g.PendingCount()))),
	}, now)
	hadConsumer := g.Consumer(string(consumer)) != nil
	res := s.AutoClaim(g, string(consumer), start, minIdle, count, justID, now)
	if !hadConsumer && g.Consumer(string(consumer)) != nil {
		consumerCreated(c, key, group, consumer, false)
	}
	c.Array(3)
	replyStreamID(c, res.Next)
	c.Array(len(res.Claimed))
	for _, e := range res.Claimed {
		if justID {
			replyStreamID(c, e.ID)
		} else {
			replyStreamEntry(c, e)
		}
	}
	c.Array(len(res.Deleted))
	for _, id := range res.Deleted {
		replyStreamID(c, id)
	}
	// Propagate in the order of the walk: by ID.
	ci, di, bi := 0, 0, 0
	for ci < len(res.Claimed) || di < len(res.Deleted) {
		var p stream.Pending
		if di < len(res.Deleted) && (ci == len(res.Claimed) || res.Deleted[di].Less(res.Claimed[ci].ID)) {
			id := res.Deleted[di]
			di++
			for bi < len(before) && before[bi].ID.Less(id) {
				bi++
			}
			if bi == len(before) || before[bi].ID != id {
				continue
			}
			p = before[bi]
		} else {
			p, _ = g.PendingEntry(res.Claimed[ci].ID)
			ci++
		}
		c.AlsoPropagate(xclaimArgv(key, group, streamIDArg(p.ID), p, g.LastID())...)
		c.Dirty(1)
	}
	c.Rewrite()
}

// xreadArgs is a parsed XREAD or XREADGROUP.
type xreadArgs struct {
	group      bool
	block      bool
	timeout    time.Duration // with BLOCK; 0 waits for ever
	count      int64
	noAck      bool
	groupName  []byte
	consumer   []byte
	keys       [][]byte
	ids        []stream.ID // ">" is stream.MaxID
	groups     []*stream.Group
	streamsArg int
}

// parseXRead parses the options, then each stream's ID as Redis does,
// checking types and groups stream by stream.
func parseXRead(c *Client, args [][]byte) (x xreadArgs, ok bool) {
	x.group = c.cmd.Name == "xreadgroup"
	streamsCount := 0
	for i := 1; i < len(args) && x.streamsArg == 0; i++ {
		more := len(args) - i - 1
		o := args[i]
		switch {
		case xArgIs(o, "block") && more > 0:
			if c.inScript {
				// Redis refuses BLOCK in scripts rather than ignore it.
				c.Error("ERR " + string(xCStr(args[0])) + " command is not allowed with BLOCK option from scripts")
				return x, false
			}
			i++
			if x.timeout, ok = timeoutMillis(c, args[i]); !ok {
				return x, false
			}
			x.block = true
		case xArgIs(o, "count") && more > 0:
			i++
			n, ok := keyspace.ParseInt(args[i])
			if !ok {
				c.Error(errNotInt)
				return x, false
			}
			x.count = max(n, 0)
		case xArgIs(o, "streams") && more > 0:
			x.streamsArg = i + 1
			n := len(args) - x.streamsArg
			if n%2 != 0 {
				c.Error(errXReadUnbalanced)
				return x, false
			}
			streamsCount = n / 2
		case xArgIs(o, "group") && more >= 2:
			if !x.group {
				c.Error(errXReadGroupOpt)
				return x, false
			}
			x.groupName, x.consumer = args[i+1], args[i+2]
			i += 2
		case xArgIs(o, "noack"):
			if !x.group {
				c.Error(errXReadNoAckOpt)
				return x, false
			}
			x.noAck = true
		default:
			c.Error(errSyntax)
			return x, false
		}
	}
	if x.streamsArg == 0 {
		c.Error(errSyntax)
		return x, false
	}
	if x.group && x.groupName == nil {
		c.Error(errXReadGroupNoOpt)
		return x, false
	}
	x.keys = args[x.streamsArg : x.streamsArg+streamsCount]
	x.ids = make([]stream.ID, streamsCount)
	if x.group {
		x.groups = make([]*stream.Group, streamsCount)
	}
	for k, key := range x.keys {
		s, ok := readStream(c, key)
		if !ok {
			return x, false
		}
		if x.group {
			var g *stream.Group
			if s != nil {
				g = s.Group(string(x.groupName))
			}
			if g == nil {
				c.Error("NOGROUP No such key '" + string(xCStr(key)) + "' or consumer group '" +
					string(xCStr(x.groupName)) + "' in XREADGROUP with GROUP option")
				return x, false
			}
			x.groups[k] = g
		}
		idArg := args[x.streamsArg+streamsCount+k]
		switch {
		case xArgEq(idArg, "$"):
			if x.group {
				c.Error(errXReadDollar)
				return x, false
			}
			if s != nil {
				x.ids[k] = s.LastID()
			}
		case xArgEq(idArg, ">"):
			if !x.group {
				c.Error(errXReadGreater)
				return x, false
			}
			x.ids[k] = stream.MaxID
		default:
			if x.ids[k], ok = parseStrictIDOrReply(c, idArg, 0); !ok {
				return x, false
			}
		}
	}
	return x, true
}

func cmdXRead(c *Client, args [][]byte) {
	x, ok := parseXRead(c, args)
	if x.group {
		// Group reads propagate their effects (XCLAIM, XGROUP …), never
		// themselves.
		defer c.Rewrite()
	}
	if !ok {
		return
	}
	mark := len(c.B)
	served := 0
	for k, key := range x.keys {
		ent := c.DB.Lookup(key, c.Now())
		if ent == nil {
			continue
		}
		s, isStream := ent.Value.(*keyspace.Stream)
		if !isStream {
			continue
		}
		if x.group {
			g := x.groups[k]
			history := x.ids[k] != stream.MaxID
			if !history && !s.HasNewFor(g) {
				continue
			}
			served++
			xreadStreamHeader(c, key)
			xreadGroupServe(c, s, g, key, x.groupName, x.consumer, history, x.ids[k], x.count, x.noAck)
			continue
		}
		if s.Len() == 0 || !x.ids[k].Less(s.LastValidID()) {
			continue
		}
		served++
		xreadStreamHeader(c, key)
		start, _ := x.ids[k].Next()
		replyStreamRange(c, s, start, stream.MaxID, xClampCount(x.count), false)
	}
	if served > 0 {
		if c.Proto >= 3 {
			xDeferredMap(c, mark, served)
		} else {
			xDeferredArray(c, mark, served)
		}
		return
	}
	if !x.block || !c.CanBlock() {
		c.NullArray()
		return
	}
	xreadBlock(c, x)
}

// xreadStreamHeader starts one stream's part of an XREAD reply: a
// [key, entries] pair in RESP2, a map key in RESP3.
func xreadStreamHeader(c *Client, key []byte) {
	if c.Proto < 3 {
		c.Array(2)
	}
	c.Bulk(key)
}

// xreadGroupServe writes a group read of one stream and propagates its
// effects: an XCLAIM for each entry delivered (with its delivery time and
// count), for NOACK the consumer's creation, and the group's new last
// delivered ID and read counter. Redis 7.0 leaves out the last two
// without NOACK and does not propagate reads of a consumer's history;
// sundial logs them too, so that a replay rebuilds the read counter and
// the delivery counts exactly.
func xreadGroupServe(c *Client, s *keyspace.Stream, g *stream.Group, key, group, consumer []byte,
	history bool, after stream.ID, count int64, noAck bool) {
	cons := touchConsumer(c, key, group, g, consumer, noAck)
	// A group read counts as one change, whatever it delivered (Redis 7.0).
	c.Dirty(1)
	var entries []stream.Entry
	before := g.LastID()
	if history {
		entries = s.ReadHistory(cons, after, xClampCount(count), c.Now())
	} else {
		entries = s.ReadGroup(g, cons, xClampCount(count), noAck, c.Now())
	}
	c.Array(len(entries))
	for _, e := range entries {
		if e.Fields == nil {
			// A pending entry deleted from the stream: [id, nil].
			c.Array(2)
			replyStreamID(c, e.ID)
			c.NullArray()
			continue
		}
		replyStreamEntry(c, e)
	}
	if !noAck {
		for _, e := range entries {
			if p, ok := g.PendingEntry(e.ID); ok && e.Fields != nil {
				// As in Redis, a new entry's XCLAIM carries the last
				// delivered ID as it was right after that entry.
				last := e.ID
				if history {
					last = g.LastID()
				}
				c.AlsoPropagate(xclaimArgv(key, group, streamIDArg(e.ID), p, last)...)
			}
		}
	}
	if g.LastID() != before {
		c.AlsoPropagate(setIDArgv(key, group, g)...)
	}
}

// xreadBlock parks an XREAD or XREADGROUP that found nothing. "$" was
// resolved to each stream's last ID already; a group read always waits
// for entries after the group's last delivered ID at the time it is
// served.
func xreadBlock(c *Client, x xreadArgs) {
	keys := make([][]byte, len(x.keys))
	for i, k := range x.keys {
		keys[i] = append([]byte(nil), k...)
	}
	ids := append([]stream.ID(nil), x.ids...)
	count := x.count
	if count == 0 {
		count = xreadBlockedDefaultCount
	}
	group, consumer := append([]byte(nil), x.groupName...), append([]byte(nil), x.consumer...)
	isGroup, noAck := x.group, x.noAck
	retry := func(w *Client) bool {
		if isGroup {
			return xreadGroupRetry(w, keys, group, consumer, count, noAck)
		}
		return xreadRetry(w, keys, ids, count)
	}
	c.Block(keys, x.timeout, retry, func(w *Client) { w.NullArray() })
}

// xreadSingleHeader starts the reply of a served blocked read: one stream.
func xreadSingleHeader(c *Client, key []byte) {
	if c.Proto >= 3 {
		c.Map(1)
	} else {
		c.Array(1)
		c.Array(2)
	}
	c.Bulk(key)
}

// xReadyIndex is the position among keys of the key whose signal the
// waiter is retried for: a blocked read is served from that stream only,
// as in Redis.
func xReadyIndex(w *Client, keys [][]byte) int {
	rk := w.ReadyKey()
	for i, k := range keys {
		if string(k) == rk {
			return i
		}
	}
	return -1
}

// xreadRetry serves a blocked XREAD when the signalled stream's last ID
// passed the ID it waits after.
func xreadRetry(w *Client, keys [][]byte, ids []stream.ID, count int64) bool {
	k := xReadyIndex(w, keys)
	if k < 0 {
		return false
	}
	ent := w.DB.Lookup(keys[k], w.Now())
	if ent == nil {
		return false
	}
	s, ok := ent.Value.(*keyspace.Stream)
	if !ok || !ids[k].Less(s.LastID()) {
		return false
	}
	xreadSingleHeader(w, keys[k])
	start, _ := ids[k].Next()
	replyStreamRange(w, s, start, stream.MaxID, xClampCount(count), false)
	return true
}

// xreadGroupRetry serves a blocked XREADGROUP from the signalled stream.
// A stream deleted (or replaced) while it waits, or its group destroyed,
// ends the wait with Redis's errors.
func xreadGroupRetry(w *Client, keys [][]byte, group, consumer []byte, count int64, noAck bool) bool {
	k := xReadyIndex(w, keys)
	if k < 0 {
		return false
	}
	key := keys[k]
	ent := w.DB.Lookup(key, w.Now())
	var s *keyspace.Stream
	if ent != nil {
		s, _ = ent.Value.(*keyspace.Stream)
	}
	if s == nil {
		w.Error(errBlockedKeyGone)
		return true
	}
	g := s.Group(string(group))
	if g == nil {
		w.Error(errBlockedNoGroup)
		return true
	}
	if !g.LastID().Less(s.LastID()) {
		return false
	}
	xreadSingleHeader(w, key)
	xreadGroupServe(w, s, g, key, group, consumer, false, stream.MaxID, count, noAck)
	return true
}

// cmdXGroup serves XGROUP CREATE, SETID, DESTROY, CREATECONSUMER and
// DELCONSUMER with the checks Redis's xgroupCommand makes, in its order.
func cmdXGroup(c *Client, args [][]byte) {
	sub := c.cmd.Name
	key, group := args[2], args[3]
	mkstream := false
	entriesRead := int64(-1)
	for i := 5; i < len(args); {
		switch {
		case sub == "create" && xArgIs(args[i], "mkstream"):
			mkstream = true
			i++
		case (sub == "create" || sub == "setid") && xArgIs(args[i], "entriesread") && i+1 < len(args):
			n, ok := keyspace.ParseInt(args[i+1])
			if !ok {
				c.Error(errNotInt)
				return
			}
			if n < -1 {
				c.Error(errEntriesRead)
				return
			}
			entriesRead = n
			i += 2
		default:
			c.Error(errSubcommandSyntax(args))
			return
		}
	}
	s, ok := writeStream(c, key)
	if !ok {
		return
	}
	var g *stream.Group
	if !mkstream {
		if s == nil {
			c.Error(errXGroupNoKey)
			return
		}
		g = s.Group(string(group))
		if g == nil && sub != "create" && sub != "destroy" {
			c.Error(errNoGroupForKey(group, key))
			return
		}
	}
	switch {
	case sub == "create" && len(args) <= 8:
		xgroupCreate(c, args, s, entriesRead)
	case sub == "setid" && (len(args) == 5 || len(args) == 7):
		id := s.LastID()
		if !xArgEq(args[4], "$") {
			var err error
			if id, err = stream.ParseID(args[4], 0); err != nil {
				streamError(c, err)
				return
			}
		}
		g.SetID(id, entriesRead)
		c.OK()
		c.Dirty(1)
		c.Notify(notifyStream, "xgroup-setid", key)
	case sub == "destroy" && len(args) == 4:
		if g == nil {
			c.Int(0)
			return
		}
		s.DestroyGroup(g.Name())
		c.Int(1)
		c.Dirty(1)
		c.Notify(notifyStream, "xgroup-destroy", key)
		// Consumers blocked on the group get their NOGROUP error.
		c.SignalReady(key)
	case sub == "createconsumer" && len(args) == 5:
		if _, created := g.CreateConsumer(string(args[4]), c.Now()); created {
			consumerCreated(c, key, group, args[4], false)
			c.Int(1)
			return
		}
		c.Int(0)
	case sub == "delconsumer" && len(args) == 5:
		pending := g.DeleteConsumer(string(args[4]))
		if pending < 0 {
			c.Int(0)
			return
		}
		c.Int(int64(pending))
		c.Dirty(1)
		c.Notify(notifyStream, "xgroup-delconsumer", key)
	default:
		c.Error(errSubcommandSyntax(args))
	}
}

func xgroupCreate(c *Client, args [][]byte, s *keyspace.Stream, entriesRead int64) {
	key := args[2]
	var id stream.ID
	if xArgEq(args[4], "$") {
		if s != nil {
			id = s.LastID()
		}
	} else {
		var ok bool
		if id, ok = parseStrictIDOrReply(c, args[4], 0); !ok {
			return
		}
	}
	if s == nil {
		s = keyspace.NewStream()
		c.DB.Add(string(key), s)
		c.Touched(key)
	}
	if _, err := s.CreateGroup(string(args[3]), id, entriesRead); err != nil {
		streamError(c, err)
		return
	}
	c.OK()
	c.Dirty(1)
	c.Notify(notifyStream, "xgroup-create", key)
}

func cmdXGroupHelp(c *Client, args [][]byte) {
	c.helpReply("XGROUP", []string{
		"CREATE <key> <groupname> <id|$> [option]",
		"    Create a new consumer group. Options are:",
		"    * MKSTREAM",
		"      Create the empty stream if it does not exist.",
		"    * ENTRIESREAD entries_read",
		"      Set the group's entries_read counter (internal use).",
		"CREATECONSUMER <key> <groupname> <consumer>",
		"    Create a new consumer in the specified group.",
		"DELCONSUMER <key> <groupname> <consumer>",
		"    Remove the specified consumer.",
		"DESTROY <key> <groupname>",
		"    Remove the specified group.",
		"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
		"    Set the current group ID and entries_read counter.",
	})
}

func cmdXInfoHelp(c *Client, args [][]byte) {
	c.helpReply("XINFO", []string{
		"CONSUMERS <key> <groupname>",
		"    Show consumers of <groupname>.",
		"GROUPS <key>",
		"    Show the stream consumer groups.",
		"STREAM <key> [FULL [COUNT <count>]",
		"    Show information about the stream.",
	})
}

// xinfoStream looks up XINFO's key: it must exist and be a stream.
func xinfoStream(c *Client, key []byte) *keyspace.Stream {
	ent := c.LookupRead(key)
	if ent == nil {
		c.Error(errNoSuchKey)
		return nil
	}
	s, ok := ent.Value.(*keyspace.Stream)
	if !ok {
		c.Error(errWrongType)
		return nil
	}
	return s
}

func cmdXInfoConsumers(c *Client, args [][]byte) {
	s := xinfoStream(c, args[2])
	if s == nil {
		return
	}
	g := s.Group(string(args[3]))
	if g == nil {
		c.Error(errNoGroupForKey(args[3], args[2]))
		return
	}
	now := c.Now()
	cs := g.Consumers()
	c.Array(len(cs))
	for _, cons := range cs {
		c.Map(3)
		c.BulkString("name")
		c.BulkString(cons.Name())
		c.BulkString("pending")
		c.Int(int64(cons.PendingCount()))
		c.BulkString("idle")
		c.Int(max(now-cons.SeenTime(), 0))
	}
}

func cmdXInfoGroups(c *Client, args [][]byte) {
	s := xinfoStream(c, args[2])
	if s == nil {
		return
	}
	gs := s.Groups()
	c.Array(len(gs))
	for _, g := range gs {
		c.Map(6)
		c.BulkString("name")
		c.BulkString(g.Name())
		c.BulkString("consumers")
		c.Int(int64(len(g.Consumers())))
		c.BulkString("pending")
		c.Int(int64(g.PendingCount()))
		c.BulkString("last-delivered-id")
		replyStreamID(c, g.LastID())
		replyGroupCounters(c, s, g)
	}
}

// replyGroupCounters writes a group's entries-read and lag fields (nil
// when unknown).
func replyGroupCounters(c *Client, s *keyspace.Stream, g *stream.Group) {
	c.BulkString("entries-read")
	if n := g.EntriesRead(); n >= 0 {
		c.Int(n)
	} else {
		c.Null()
	}
	c.BulkString("lag")
	if lag, ok := s.Lag(g); ok {
		c.Int(lag)
	} else {
		c.Null()
	}
}

func cmdXInfoStream(c *Client, args [][]byte) {
	s := xinfoStream(c, args[2])
	if s == nil {
		return
	}
	opts := args[3:]
	full := len(opts) > 0
	count := int64(10)
	if full {
		if len(opts) != 1 && len(opts) != 3 || !xArgIs(opts[0], "full") ||
			len(opts) == 3 && !xArgIs(opts[1], "count") {
			c.Error(errSubcommandSyntax(args))
			return
		}
		if len(opts) == 3 {
			n, ok := keyspace.ParseInt(opts[2])
			if !ok {
				c.Error(errNotInt)
				return
			}
			if n >= 0 {
				count = n
			}
		}
	}
	info := s.Info()
	if full {
		c.Map(9)
	} else {
		c.Map(10)
	}
	c.BulkString("length")
	c.Int(int64(info.Length))
	c.BulkString("radix-tree-keys")
	c.Int(int64(info.RadixTreeKeys))
	c.BulkString("radix-tree-nodes")
	c.Int(int64(info.RadixTreeNodes))
	c.BulkString("last-generated-id")
	replyStreamID(c, info.LastGeneratedID)
	c.BulkString("max-deleted-entry-id")
	replyStreamID(c, info.MaxDeletedEntryID)
	c.BulkString("entries-added")
	c.Int(int64(info.EntriesAdded))
	c.BulkString("recorded-first-entry-id")
	replyStreamID(c, info.RecordedFirstEntryID)
	if !full {
		c.BulkString("groups")
		c.Int(int64(info.Groups))
		c.BulkString("first-entry")
		if e, ok := s.FirstEntry(); ok {
			replyStreamEntry(c, e)
		} else {
			c.Null()
		}
		c.BulkString("last-entry")
		if e, ok := s.LastEntry(); ok {
			replyStreamEntry(c, e)
		} else {
			c.Null()
		}
		return
	}
	n := xClampCount(count)
	c.BulkString("entries")
	replyStreamRange(c, s, stream.MinID, stream.MaxID, n, false)
	c.BulkString("groups")
	c.Array(len(s.Groups()))
	for _, g := range s.Groups() {
		replyGroupFull(c, s, g, n)
	}
}

// replyGroupFull writes a group as XINFO STREAM FULL shows it; n limits
// each PEL listing (0: all).
func replyGroupFull(c *Client, s *keyspace.Stream, g *stream.Group, n int) {
	c.Map(7)
	c.BulkString("name")
	c.BulkString(g.Name())
	c.BulkString("last-delivered-id")
	replyStreamID(c, g.LastID())
	replyGroupCounters(c, s, g)
	c.BulkString("pel-count")
	c.Int(int64(g.PendingCount()))
	c.BulkString("pending")
	pel := g.Pending(n)
	c.Array(len(pel))
	for _, p := range pel {
		c.Array(4)
		replyStreamID(c, p.ID)
		c.BulkString(p.Consumer)
		c.Int(p.DeliveryTime)
		c.Int(int64(p.DeliveryCount))
	}
	c.BulkString("consumers")
	c.Array(len(g.Consumers()))
	for _, cons := range g.Consumers() {
		c.Map(4)
		c.BulkString("name")
		c.BulkString(cons.Name())
		c.BulkString("seen-time")
		c.Int(cons.SeenTime())
		c.BulkString("pel-count")
		c.Int(int64(cons.PendingCount()))
		c.BulkString("pending")
		cp := cons.Pending(n)
		c.Array(len(cp))
		for _, p := range cp {
			c.Array(3)
			replyStreamID(c, p.ID)
			c.Int(p.DeliveryTime)
			c.Int(int64(p.DeliveryCount))
		}
	}
}
