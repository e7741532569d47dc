// Package stream is the data structure behind Redis streams: entries in ID
// order, consumer groups with their pending entries lists (PELs), and the
// counters Redis 7.0 keeps (entries added, maximal deleted ID, recorded
// first ID). It knows nothing of RESP or keys; the stream commands are
// built on it:
//
//	XADD           ParseAddID, Stream.Add, then Stream.Trim (DefaultTrimLimit
//	               for "~" without LIMIT); rewrite the trim argument with Len
//	               or EdgeID(true, false) as Redis does for replicas and AOF
//	XRANGE         ParseIntervalID (ID.Next / ID.Prev for "(" bounds), Range
//	XREAD          Range from the given ID's Next; "$" is LastID
//	XLEN XDEL      Len, Delete
//	XTRIM XSETID   Trim, SetID
//	XGROUP         CreateGroup, Group.SetID, DestroyGroup,
//	               Group.CreateConsumer, Group.DeleteConsumer
//	XREADGROUP     ">": if HasNewFor, TouchConsumer then ReadGroup;
//	               an ID: TouchConsumer then ReadHistory
//	XACK           Group.Ack
//	XPENDING       Group.PendingSummary, Group.PendingRange
//	XCLAIM         Claim; XAUTOCLAIM: AutoClaim
//	XINFO          Info, FirstEntry, LastEntry, Groups, Lag, Group.Pending,
//	               Consumer.Pending
//
// Entries are stored in nodes of at most 100 entries and about 4 KiB,
// splitting exactly where Redis's listpack nodes split, so that
// approximate trimming (MAXLEN ~, MINID ~), which only removes whole
// nodes, leaves the same entries as Redis, and XINFO reports the same
// radix-tree-keys. Deleted entries stay in their node as tombstones, as in
// Redis, until the whole node goes.
//
// Time is always passed in by the caller, in milliseconds, so that
// replaying a log gives the same state. A Stream is not safe for
// concurrent use.
package stream
