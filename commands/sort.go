package commands

import (
	"bytes"
	"math"
	"sort"

	"sundial/keyspace"
	"sundial/keyspace/zset"
)

// sortCommands is this family's part of the command table.
var sortCommands = []*Spec{
	{Name: "sort", Run: func(c *Client, args [][]byte) { sortGeneric(c, args, false) }},
	{Name: "sort_ro", Run: func(c *Client, args [][]byte) { sortGeneric(c, args, true) }},
}

const errSortScore = "ERR One or more scores can't be converted into double"

// sortItem is one element being sorted with its sort key.
type sortItem struct {
	val    string
	score  float64
	cmpKey string // BY value for ALPHA sorting
	hasCmp bool
}

// sortOptions are SORT's parsed arguments.
type sortOptions struct {
	desc, alpha, dontSort  bool
	limitStart, limitCount int64
	by                     []byte
	gets                   [][]byte
	store                  []byte
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
// [ALPHA] [STORE destination], as Redis's sortCommandGeneric.
func sortGeneric(c *Client, args [][]byte, readonly bool) {
	o, ok := sortParse(c, args, readonly)
	if !ok {
		return
	}
	ent := c.LookupRead(args[1])
	var v keyspace.Value
	if ent != nil {
		v = ent.Value
		switch v.(type) {
		case *keyspace.List, *keyspace.Set, *keyspace.ZSet:
		default:
			c.Error(errWrongType)
			return
		}
	}
	// A set has no order of its own: when the result is stored or seen
	// by a script it is sorted, so it is the same everywhere.
	if _, isSet := v.(*keyspace.Set); isSet && o.dontSort && (o.store != nil || c.inScript) {
		o.dontSort, o.alpha, o.by = false, true, nil
	}
	// Redis converts a sorted set to a skip list to sort it, for good.
	if z, isZ := v.(*keyspace.ZSet); isZ {
		z.ConvertToSkiplist()
	}
	items, start, end := sortLoad(v, &o)
	if !o.dontSort {
		if !sortScores(c, items, &o) {
			return
		}
		sortItems(items, &o, start, end)
	}
	n := max(end-start+1, 0)
	if len(o.gets) > 0 {
		n *= len(o.gets)
	}
	if o.store != nil {
		sortStore(c, &o, items, start, end, n)
		return
	}
	c.Array(n)
	for j := start; j <= end; j++ {
		if len(o.gets) == 0 {
			c.BulkString(items[j].val)
		}
		for _, g := range o.gets {
			if s, found := sortLookup(c, g, items[j].val); found {
				c.BulkString(s)
			} else {
				c.Null()
			}
		}
	}
}

// sortParse reads the options. A BY pattern without '*' means "do not
// sort" (BY nosort).
func sortParse(c *Client, args [][]byte, readonly bool) (sortOptions, bool) {
	o := sortOptions{limitCount: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case zopt(a, "asc"):
			o.desc = false
		case zopt(a, "desc"):
			o.desc = true
		case zopt(a, "alpha"):
			o.alpha = true
		case zopt(a, "limit") && left >= 2:
			var ok bool
			if o.limitStart, ok = zsetArgInt(c, args[j+1]); !ok {
				return o, false
			}
			if o.limitCount, ok = zsetArgInt(c, args[j+2]); !ok {
				return o, false
			}
			j += 2
		case !readonly && zopt(a, "store") && left >= 1:
			o.store = args[j+1]
			j++
		case zopt(a, "by") && left >= 1:
			o.by = args[j+1]
			o.dontSort = cIndex(o.by, "*") < 0
			j++
		case zopt(a, "get") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			c.Error(errSyntax)
			return o, false
		}
	}
	return o, true
}

// sortLoad collects the elements to sort and the output range start..end
// (inclusive, possibly empty). Without sorting, a list or sorted set only
// loads the range asked for, in its own order (reversed by DESC).
func sortLoad(v keyspace.Value, o *sortOptions) (items []sortItem, start, end int) {
	n := 0
	switch x := v.(type) {
	case *keyspace.List:
		n = x.Len()
	case *keyspace.Set:
		n = x.Len()
	case *keyspace.ZSet:
		n = x.Len()
	}
	// The LIMIT arithmetic of Redis: a count reaching past the last
	// element (however large, even past the int64 range) stops there.
	s := max(o.limitStart, 0)
	e := int64(n) - 1
	if o.limitCount >= 0 && o.limitCount <= math.MaxInt64-s {
		e = s + o.limitCount - 1
	}
	if s >= int64(n) {
		s, e = int64(n)-1, int64(n)-2
	}
	e = min(e, int64(n)-1)
	start, end = int(s), int(e)

	_, isSet := v.(*keyspace.Set)
	if o.dontSort && !isSet && (start != 0 || end != n-1) {
		// Only the range is loaded; the output starts at its beginning.
		k := max(end-start+1, 0)
		items = make([]sortItem, 0, k)
		if k > 0 {
			items = sortLoadRange(v, start, k, o.desc, items)
		}
		return items, 0, k - 1
	}
	items = make([]sortItem, 0, n)
	switch x := v.(type) {
	case *keyspace.List:
		if o.dontSort && o.desc {
			x.Iterate(true, func(_ int, b []byte) bool {
				items = append(items, sortItem{val: string(b)})
				return true
			})
		} else {
			x.Iterate(false, func(_ int, b []byte) bool {
				items = append(items, sortItem{val: string(b)})
				return true
			})
		}
	case *keyspace.Set:
		x.Each(func(b []byte) bool {
			items = append(items, sortItem{val: string(b)})
			return true
		})
	case *keyspace.ZSet:
		x.ByRank(0, n-1, o.dontSort && o.desc, func(m string, _ float64) bool {
			items = append(items, sortItem{val: m})
			return true
		})
	}
	return items, start, end
}

// sortLoadRange appends k elements of a list or sorted set from position
// start, counted from the tail when desc is set.
func sortLoadRange(v keyspace.Value, start, k int, desc bool, items []sortItem) []sortItem {
	switch x := v.(type) {
	case *keyspace.List:
		n := x.Len()
		from := start
		if desc {
			from = n - start - k
		}
		x.Range(from, from+k-1, func(b []byte) bool {
			items = append(items, sortItem{val: string(b)})
			return true
		})
		if desc {
			for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
				items[i], items[j] = items[j], items[i]
			}
		}
	case *keyspace.ZSet:
		x.ByRank(start, start+k-1, desc, func(m string, _ float64) bool {
			items = append(items, sortItem{val: m})
			return true
		})
	}
	return items
}

// sortScores loads each element's sort key: the BY value (or the element)
// as a number, or, for ALPHA with BY, as a string. A value that is not a
// number fails the command.
func sortScores(c *Client, items []sortItem, o *sortOptions) bool {
	bad := false
	for i := range items {
		it := &items[i]
		by := it.val
		if o.by != nil {
			s, found := sortLookup(c, o.by, it.val)
			if !found {
				continue
			}
			by = s
		}
		if o.alpha {
			if o.by != nil {
				it.cmpKey, it.hasCmp = by, true
			}
			continue
		}
		f, ok := sortStrtod(by)
		if !ok {
			bad = true
		}
		it.score = f
	}
	if bad {
		c.Error(errSortScore)
		return false
	}
	return true
}

// sortStrtod converts a sort key as Redis does with strtod: the value is
// read as a C string (up to a NUL), leading space is skipped, the number
// must reach its end, and NaN, overflow and underflow are errors.
func sortStrtod(s string) (float64, bool) {
	if i := stringIndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > 0 && s[0] == '(' {
		return 0, false
	}
	b := keyBytes(s)
	f, _, ok := zset.ParseScoreBound(b)
	if !ok {
		return 0, false
	}
	t := bytes.TrimLeft(b, " \t\n\v\f\r")
	if math.IsInf(f, 0) && !isInfWord(t) {
		return 0, false // overflow: ERANGE
	}
	if f != 0 && math.Abs(f) < 0x1p-1022 || f == 0 && hasNonZeroDigit(t) {
		return 0, false // underflow: ERANGE
	}
	return f, true
}

func stringIndexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// sortItems orders the elements as Redis's sortCompare: numbers with ties
// broken by the elements' bytes, or strings. A full sort is stable like
// glibc's qsort; with BY and a LIMIT Redis sorts only the range asked for
// with its partial quicksort, whose order of equal keys this reproduces.
func sortItems(items []sortItem, o *sortOptions, start, end int) {
	storing := o.store != nil
	cmp := func(i, j int) int {
		a, b := &items[i], &items[j]
		r := 0
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				r = 1
			case a.score < b.score:
				r = -1
			default:
				r = binaryCompare(a.val, b.val)
			}
		case o.by != nil:
			switch {
			case !a.hasCmp || !b.hasCmp:
				if a.hasCmp == b.hasCmp {
					r = 0
				} else if !a.hasCmp {
					r = -1
				} else {
					r = 1
				}
			case storing:
				r = binaryCompare(a.cmpKey, b.cmpKey)
			default:
				r = cStringCompare(a.cmpKey, b.cmpKey)
			}
		case storing:
			r = binaryCompare(a.val, b.val)
		default:
			r = cStringCompare(a.val, b.val)
		}
		if o.desc {
			r = -r
		}
		return r
	}
	if o.by != nil && (start != 0 || end != len(items)-1) {
		if end >= start && start >= 0 && end < len(items) {
			pqsort(len(items), cmp, func(i, j int) { items[i], items[j] = items[j], items[i] }, start, end)
		}
		return
	}
	sort.SliceStable(items, func(i, j int) bool { return cmp(i, j) < 0 })
}

// binaryCompare is Redis's compareStringObjects: bytes, then length.
func binaryCompare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cStringCompare is strcoll in the C locale (strcmp): the strings end at
// their first NUL.
func cStringCompare(a, b string) int {
	if i := stringIndexByte(a, 0); i >= 0 {
		a = a[:i]
	}
	if i := stringIndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return binaryCompare(a, b)
}

// cIndex is strstr on a C string: the position of sub in b before b's
// first NUL, or -1.
func cIndex(b []byte, sub string) int {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return bytes.Index(b, []byte(sub))
}

// sortLookup is Redis's lookupKeyByPattern: "#" is the element itself;
// otherwise the first '*' of the pattern is replaced by the element to
// name a key, and "->field" after the '*' reads a hash field instead of
// a string. A pattern without '*' finds nothing.
func sortLookup(c *Client, pattern []byte, elem string) (string, bool) {
	if len(pattern) > 0 && pattern[0] == '#' && (len(pattern) == 1 || pattern[1] == 0) {
		return elem, true
	}
	star := cIndex(pattern, "*")
	if star < 0 {
		return "", false
	}
	var field []byte
	if f := cIndex(pattern[star+1:], "->"); f >= 0 {
		at := star + 1 + f + 2
		if at < len(pattern) && pattern[at] != 0 {
			field = pattern[at:]
		}
	}
	post := pattern[star+1:]
	if field != nil {
		post = post[:len(post)-len(field)-2]
	}
	key := make([]byte, 0, star+len(elem)+len(post))
	key = append(key, pattern[:star]...)
	key = append(key, elem...)
	key = append(key, post...)
	ent := c.LookupRead(key)
	if ent == nil {
		return "", false
	}
	if field != nil {
		h, ok := ent.Value.(*keyspace.Hash)
		if !ok {
			return "", false
		}
		return h.Get(field)
	}
	s, ok := ent.Value.(*keyspace.String)
	if !ok {
		return "", false
	}
	return string(s.B), true
}

// sortStore saves the output as a list at the STORE key (missing GET
// values become empty strings), or deletes the key when there is none.
func sortStore(c *Client, o *sortOptions, items []sortItem, start, end, n int) {
	if n == 0 {
		if ent := c.Lookup(o.store); ent != nil {
			c.DB.Remove(ent)
			c.Touched(o.store)
			c.Notify(notifyGeneric, "del", o.store)
			c.Dirty(1)
		}
		c.Int(0)
		return
	}
	l := keyspace.NewList()
	for j := start; j <= end; j++ {
		if len(o.gets) == 0 {
			l.PushBack([]byte(items[j].val))
			continue
		}
		for _, g := range o.gets {
			s, _ := sortLookup(c, g, items[j].val)
			l.PushBack([]byte(s))
		}
	}
	c.DB.Set(o.store, l, false)
	c.Touched(o.store)
	c.Notify(notifyList, "sortstore", o.store)
	c.SignalReady(o.store)
	c.Dirty(n)
	c.Int(int64(n))
}
