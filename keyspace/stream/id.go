package stream

import (
	"errors"
	"math"
	"strconv"
)

// ID is a stream entry ID: milliseconds and a sequence number.
type ID struct {
	Ms, Seq uint64
}

// MinID and MaxID are the smallest and the largest possible IDs ("-" and "+").
var (
	MinID = ID{}
	MaxID = ID{math.MaxUint64, math.MaxUint64}
)

// Errors with the text Redis 7.0 replies with.
var (
	ErrInvalidID    = errors.New("ERR Invalid stream ID specified as stream command argument")
	ErrIDZero       = errors.New("ERR The ID specified in XADD must be greater than 0-0")
	ErrIDTooSmall   = errors.New("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	ErrExhausted    = errors.New("ERR The stream has exhausted the last possible ID, unable to add more items")
	ErrTooLarge     = errors.New("ERR Elements are too large to be stored")
	ErrInvalidStart = errors.New("ERR invalid start ID for the interval")
	ErrInvalidEnd   = errors.New("ERR invalid end ID for the interval")
	ErrBusyGroup    = errors.New("BUSYGROUP Consumer Group name already exists")

	ErrSetIDBelowGivenMaxDeleted = errors.New("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	ErrSetIDBelowTop             = errors.New("ERR The ID specified in XSETID is smaller than the target stream top item")
	ErrSetIDEntriesAdded         = errors.New("ERR The entries_added specified in XSETID is smaller than the target stream length")
	ErrSetIDEntriesAddedNegative = errors.New("ERR entries_added must be positive")

	// ErrFields is returned by Add for a field list that is empty or odd;
	// the command layer rejects that earlier as an arity error.
	ErrFields = errors.New("ERR wrong number of arguments for 'xadd' command")
)

// Compare returns -1, 0 or 1 as id is smaller than, equal to or greater than o.
func (id ID) Compare(o ID) int {
	switch {
	case id.Ms < o.Ms:
		return -1
	case id.Ms > o.Ms:
		return 1
	case id.Seq < o.Seq:
		return -1
	case id.Seq > o.Seq:
		return 1
	}
	return 0
}

// Less reports whether id sorts before o.
func (id ID) Less(o ID) bool {
	return id.Ms < o.Ms || (id.Ms == o.Ms && id.Seq < o.Seq)
}

// IsZero reports whether id is 0-0.
func (id ID) IsZero() bool { return id.Ms == 0 && id.Seq == 0 }

// Next returns the ID right after id. For MaxID it returns 0-0 and false,
// as Redis's streamIncrID does.
func (id ID) Next() (ID, bool) {
	switch {
	case id.Seq < math.MaxUint64:
		return ID{id.Ms, id.Seq + 1}, true
	case id.Ms < math.MaxUint64:
		return ID{id.Ms + 1, 0}, true
	}
	return ID{}, false
}

// Prev returns the ID right before id. For 0-0 it returns MaxID and false,
// as Redis's streamDecrID does.
func (id ID) Prev() (ID, bool) {
	switch {
	case id.Seq > 0:
		return ID{id.Ms, id.Seq - 1}, true
	case id.Ms > 0:
		return ID{id.Ms - 1, math.MaxUint64}, true
	}
	return MaxID, false
}

// String formats id as "<ms>-<seq>".
func (id ID) String() string { return string(id.AppendTo(nil)) }

// AppendTo appends "<ms>-<seq>" to b.
func (id ID) AppendTo(b []byte) []byte {
	b = strconv.AppendUint(b, id.Ms, 10)
	b = append(b, '-')
	return strconv.AppendUint(b, id.Seq, 10)
}

// maxIDArgLen is the longest ID argument Redis looks at (its parse buffer
// holds 127 bytes and a terminator).
const maxIDArgLen = 127

// ParseID parses an ID argument as Redis's streamParseID: "-" is 0-0, "+"
// is MaxID, "<ms>-<seq>" is explicit and "<ms>" gets missingSeq as its
// sequence number.
func ParseID(s []byte, missingSeq uint64) (ID, error) {
	id, _, err := parseID(s, missingSeq, false, false)
	return id, err
}

// ParseStrictID is ParseID without the "-" and "+" forms
// (streamParseStrictID).
func ParseStrictID(s []byte, missingSeq uint64) (ID, error) {
	id, _, err := parseID(s, missingSeq, true, false)
	return id, err
}

// AddID is a parsed XADD ID argument.
type AddID struct {
	ID      ID
	Auto    bool // "*": the whole ID is made from the clock
	AutoSeq bool // "<ms>-*": only the sequence number is made
}

// ParseAddID parses the ID argument of XADD: "*", "<ms>-*", "<ms>-<seq>" or
// "<ms>" (sequence 0).
func ParseAddID(s []byte) (AddID, error) {
	if len(s) == 1 && s[0] == '*' {
		return AddID{Auto: true}, nil
	}
	id, seqGiven, err := parseID(s, 0, true, true)
	if err != nil {
		return AddID{}, err
	}
	return AddID{ID: id, AutoSeq: !seqGiven}, nil
}

// ParseIntervalID parses a range bound as Redis's
// streamParseIntervalIDOrReply: a leading "(" makes the bound exclusive,
// and the rest is then parsed strictly. The caller moves an exclusive
// bound with ID.Next or ID.Prev.
func ParseIntervalID(s []byte, missingSeq uint64) (id ID, exclusive bool, err error) {
	if len(s) > 1 && s[0] == '(' {
		id, err = ParseStrictID(s[1:], missingSeq)
		return id, true, err
	}
	id, err = ParseID(s, missingSeq)
	return id, false, err
}

// parseID follows streamGenericParseIDOrReply. Redis parses a C string
// copy, so everything from the first NUL byte on is ignored.
func parseID(s []byte, missingSeq uint64, strict, allowAutoSeq bool) (ID, bool, error) {
	if len(s) > maxIDArgLen {
		return ID{}, false, ErrInvalidID
	}
	for i, c := range s {
		if c == 0 {
			s = s[:i]
			break
		}
	}
	if len(s) == 1 && (s[0] == '-' || s[0] == '+') {
		if strict {
			return ID{}, false, ErrInvalidID
		}
		if s[0] == '-' {
			return MinID, true, nil
		}
		return MaxID, true, nil
	}
	dash := -1
	for i, c := range s {
		if c == '-' {
			dash = i
			break
		}
	}
	msPart, seqPart := s, []byte(nil)
	if dash >= 0 {
		msPart, seqPart = s[:dash], s[dash+1:]
	}
	ms, ok := parseULL(msPart)
	if !ok {
		return ID{}, false, ErrInvalidID
	}
	if dash < 0 {
		return ID{ms, missingSeq}, true, nil
	}
	if allowAutoSeq && len(seqPart) == 1 && seqPart[0] == '*' {
		return ID{ms, 0}, false, nil
	}
	seq, ok := parseULL(seqPart)
	if !ok {
		return ID{}, false, ErrInvalidID
	}
	return ID{ms, seq}, true, nil
}

// parseULL behaves as Redis's string2ull: a canonical signed integer is
// accepted when not negative; anything else goes to strtoull, which allows
// leading white space, a sign (a minus wraps around) and leading zeros.
func parseULL(s []byte) (uint64, bool) {
	if v, ok := parseCanonicalInt(s); ok {
		return uint64(v), v >= 0
	}
	return strtoull(s)
}

// parseCanonicalInt is Redis's string2ll: an optional minus, no leading
// zeros, no spaces, within int64.
func parseCanonicalInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) >= 21 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
		if len(s) == 0 {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// strtoull mirrors C's strtoull(s, &end, 10) with the checks Redis makes:
// the whole string must be consumed, at least one digit read, no overflow.
func strtoull(s []byte) (uint64, bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if i == start || i != len(s) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}
