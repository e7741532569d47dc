package stream

// Redis decides when to start a new node from the byte size of the tail
// node's listpack. These functions compute that size without building the
// listpack, so that nodes here split exactly where Redis's split.

// NodeLimits are Redis's stream-node-max-bytes and stream-node-max-entries.
// Zero means no limit, as in Redis.
type NodeLimits struct {
	MaxBytes   int64
	MaxEntries int64
}

// DefaultNodeLimits are Redis 7.0's defaults.
var DefaultNodeLimits = NodeLimits{MaxBytes: 4096, MaxEntries: 100}

const (
	listpackMaxSize   = 1 << 30 // STREAM_LISTPACK_MAX_SIZE
	listpackEmptySize = 7       // 6-byte header and the end marker
)

// DefaultTrimLimit is the LIMIT Redis applies to approximate trimming when
// the command gives none: 100 nodes' worth of entries (10000 when nodes
// have no entry limit), at most a million.
func DefaultTrimLimit(maxEntries int64) int64 {
	switch {
	case maxEntries <= 0:
		return 10000
	case maxEntries > 10000: // 100 nodes would pass a million
		return 1000000
	}
	return 100 * maxEntries
}

// lpIntSize is the size of a listpack element holding integer v.
func lpIntSize(v int64) int {
	var enc int
	switch {
	case v >= 0 && v <= 127:
		enc = 1
	case v >= -4096 && v <= 4095:
		enc = 2
	case v >= -32768 && v <= 32767:
		enc = 3
	case v >= -8388608 && v <= 8388607:
		enc = 4
	case v >= -2147483648 && v <= 2147483647:
		enc = 5
	default:
		enc = 9
	}
	return enc + 1 // a 1-byte back length covers every integer encoding
}

// lpStringSize is the size of a listpack element holding s. Strings that
// read as canonical integers are stored as integers.
func lpStringSize(s []byte) int {
	if v, ok := parseCanonicalInt(s); ok {
		return lpIntSize(v)
	}
	var enc int
	switch n := len(s); {
	case n < 64:
		enc = 1 + n
	case n < 4096:
		enc = 2 + n
	default:
		enc = 5 + n
	}
	return enc + lpBacklenSize(enc)
}

func lpBacklenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	}
	return 5
}

// Entry flags as stored in a listpack.
const (
	lpFlagDeleted    = 1
	lpFlagSameFields = 2
)

// masterSize is the size of a new node's listpack without its count and
// deleted-count elements: header, field count, field names, terminator.
func masterSize(fields [][]byte) int {
	n := listpackEmptySize + lpIntSize(int64(len(fields)/2))
	for i := 0; i < len(fields); i += 2 {
		n += lpStringSize(fields[i])
	}
	return n + lpIntSize(0)
}

// entrySize is the listpack size of an entry whose ID is stored as a
// difference from the node's master ID.
func entrySize(master, id ID, fields [][]byte, sameFields bool) int {
	numFields := len(fields) / 2
	flags := int64(0)
	if sameFields {
		flags = lpFlagSameFields
	}
	n := lpIntSize(flags) + lpIntSize(int64(id.Ms-master.Ms)) + lpIntSize(int64(id.Seq-master.Seq))
	lpCount := int64(numFields + 3)
	if !sameFields {
		n += lpIntSize(int64(numFields))
		lpCount += int64(numFields + 1)
	}
	for i := 0; i < len(fields); i += 2 {
		if !sameFields {
			n += lpStringSize(fields[i])
		}
		n += lpStringSize(fields[i+1])
	}
	return n + lpIntSize(lpCount)
}

// sameFieldNames reports whether an entry's field names equal the master
// entry's, in which case Redis stores only the values.
func sameFieldNames(master, fields [][]byte) bool {
	if len(master) != len(fields) {
		return false
	}
	for i := 0; i < len(fields); i += 2 {
		if string(master[i]) != string(fields[i]) {
			return false
		}
	}
	return true
}
