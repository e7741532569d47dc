package stream

import (
	"fmt"
	"strconv"
	"strings"
)

// cmdDB runs stream commands on Streams and replies with the values a RESP2
// client would read from Redis, so that command sequences can be compared
// with a real redis-server. It implements the option parsing only as far
// as the tests use it; time-dependent numbers come back as anyTime.
type cmdDB struct {
	keys map[string]*Stream
	now  int64
}

// anyTime matches any integer in a reply from Redis.
const anyTime = "<time>"

func newCmdDB(now int64) *cmdDB { return &cmdDB{keys: map[string]*Stream{}, now: now} }

func errOf(err error) any { return errReply(err.Error()) }

func atoi(s string) int64 {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic("test command with bad number " + s)
	}
	return v
}

func idReply(id ID) any { return id.String() }

func entryReply(e Entry) any {
	if e.Fields == nil {
		return []any{idReply(e.ID), nil}
	}
	fs := make([]any, len(e.Fields))
	for i, f := range e.Fields {
		fs[i] = string(f)
	}
	return []any{idReply(e.ID), fs}
}

func entriesReply(es []Entry) any {
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = entryReply(e)
	}
	return out
}

func idsReply(ids []ID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = idReply(id)
	}
	return out
}

func (db *cmdDB) noGroup(key, group string) any {
	return errReply(fmt.Sprintf("NOGROUP No such key '%s' or consumer group '%s'", key, group))
}

func (db *cmdDB) noGroupFor(key, group string) any {
	return errReply(fmt.Sprintf("NOGROUP No such consumer group '%s' for key name '%s'", group, key))
}

func (db *cmdDB) do(args []string) any {
	switch strings.ToUpper(args[0]) {
	case "XADD":
		return db.xadd(args)
	case "XTRIM":
		s := db.keys[args[1]]
		t, _ := parseTrim(args, 2)
		if s == nil {
			return int64(0)
		}
		return s.Trim(t)
	case "XLEN":
		if s := db.keys[args[1]]; s != nil {
			return int64(s.Len())
		}
		return int64(0)
	case "XRANGE", "XREVRANGE":
		return db.xrange(args)
	case "XDEL":
		if db.keys[args[1]] == nil {
			return int64(0)
		}
		var ids []ID
		for _, a := range args[2:] {
			id, err := ParseStrictID([]byte(a), 0)
			if err != nil {
				return errOf(err)
			}
			ids = append(ids, id)
		}
		if s := db.keys[args[1]]; s != nil {
			return int64(s.Delete(ids...))
		}
		return int64(0)
	case "XSETID":
		return db.xsetid(args)
	case "XGROUP":
		return db.xgroup(args)
	case "XREADGROUP":
		return db.xreadgroup(args)
	case "XACK":
		s := db.keys[args[1]]
		var ids []ID
		for _, a := range args[3:] {
			id, err := ParseStrictID([]byte(a), 0)
			if err != nil {
				return errOf(err)
			}
			ids = append(ids, id)
		}
		if s == nil || s.Group(args[2]) == nil {
			return int64(0)
		}
		return int64(s.Group(args[2]).Ack(ids...))
	case "XPENDING":
		return db.xpending(args)
	case "XCLAIM":
		return db.xclaim(args)
	case "XAUTOCLAIM":
		return db.xautoclaim(args)
	case "XINFO":
		return db.xinfo(args)
	}
	panic("unknown test command " + args[0])
}

// parseTrim reads MAXLEN|MINID [=|~] threshold [LIMIT n] at args[i:].
func parseTrim(args []string, i int) (TrimArgs, int) {
	var t TrimArgs
	limitGiven := false
	for i < len(args) {
		switch strings.ToUpper(args[i]) {
		case "MAXLEN", "MINID":
			if strings.ToUpper(args[i]) == "MAXLEN" {
				t.Strategy = TrimMaxLen
			} else {
				t.Strategy = TrimMinID
			}
			i++
			if args[i] == "~" || args[i] == "=" {
				t.Approx = args[i] == "~"
				i++
			}
			if t.Strategy == TrimMaxLen {
				t.MaxLen = uint64(atoi(args[i]))
			} else {
				id, err := ParseStrictID([]byte(args[i]), 0)
				if err != nil {
					panic(err)
				}
				t.MinID = id
			}
			i++
		case "LIMIT":
			t.Limit = atoi(args[i+1])
			limitGiven = true
			i += 2
		default:
			if !limitGiven && t.Approx {
				t.Limit = DefaultTrimLimit(DefaultNodeLimits.MaxEntries)
			}
			return t, i
		}
	}
	if !limitGiven && t.Approx {
		t.Limit = DefaultTrimLimit(DefaultNodeLimits.MaxEntries)
	}
	return t, i
}

func (db *cmdDB) xadd(args []string) any {
	key := args[1]
	i := 2
	noMk := false
	if strings.ToUpper(args[i]) == "NOMKSTREAM" {
		noMk = true
		i++
	}
	t, i := parseTrim(args, i)
	aid, err := ParseAddID([]byte(args[i]))
	if err != nil {
		return errOf(err)
	}
	fields := make([][]byte, 0, len(args)-i-1)
	for _, f := range args[i+1:] {
		fields = append(fields, []byte(f))
	}
	s := db.keys[key]
	if s == nil {
		if noMk {
			return nil
		}
		s = New()
		id, err := s.Add(AddArgs{ID: aid, Fields: fields}, db.now)
		if err != nil {
			return errOf(err)
		}
		db.keys[key] = s
		s.Trim(t)
		return idReply(id)
	}
	id, err := s.Add(AddArgs{ID: aid, Fields: fields}, db.now)
	if err != nil {
		return errOf(err)
	}
	s.Trim(t)
	return idReply(id)
}

func (db *cmdDB) xrange(args []string) any {
	rev := strings.ToUpper(args[0]) == "XREVRANGE"
	startArg, endArg := args[2], args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, ex, err := ParseIntervalID([]byte(startArg), 0)
	if err != nil {
		return errOf(err)
	}
	if ex {
		var ok bool
		if start, ok = start.Next(); !ok {
			return errOf(ErrInvalidStart)
		}
	}
	end, ex, err := ParseIntervalID([]byte(endArg), ^uint64(0))
	if err != nil {
		return errOf(err)
	}
	if ex {
		var ok bool
		if end, ok = end.Prev(); !ok {
			return errOf(ErrInvalidEnd)
		}
	}
	count := int64(-1)
	if len(args) > 5 {
		count = max(atoi(args[5]), 0)
	}
	s := db.keys[args[1]]
	if s == nil {
		return []any{}
	}
	if count == 0 {
		return nil
	}
	return entriesReply(s.Entries(start, end, int(max(count, 0)), rev))
}

func (db *cmdDB) xsetid(args []string) any {
	id, err := ParseStrictID([]byte(args[2]), 0)
	if err != nil {
		return errOf(err)
	}
	a := SetIDArgs{ID: id, EntriesAdded: -1}
	for i := 3; i < len(args); i += 2 {
		switch strings.ToUpper(args[i]) {
		case "ENTRIESADDED":
			a.EntriesAdded = atoi(args[i+1])
		case "MAXDELETEDID":
			m, err := ParseStrictID([]byte(args[i+1]), 0)
			if err != nil {
				return errOf(err)
			}
			if id.Less(m) {
				return errOf(ErrSetIDBelowGivenMaxDeleted)
			}
			a.MaxDeletedID = m
		}
	}
	s := db.keys[args[1]]
	if s == nil {
		return errReply("ERR no such key")
	}
	if err := s.SetID(a); err != nil {
		return errOf(err)
	}
	return "OK"
}

func (db *cmdDB) xgroup(args []string) any {
	sub, key, group := strings.ToUpper(args[1]), args[2], args[3]
	s := db.keys[key]
	entriesRead := int64(-1)
	mkstream := false
	for i := 5; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "MKSTREAM":
			mkstream = true
		case "ENTRIESREAD":
			entriesRead = atoi(args[i+1])
			i++
		}
	}
	if s == nil && !(sub == "CREATE" && mkstream) {
		return errReply("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	}
	var g *Group
	if s != nil {
		g = s.Group(group)
	}
	if sub != "CREATE" && sub != "DESTROY" && g == nil {
		return db.noGroupFor(key, group)
	}
	parseGroupID := func(a string) (ID, error) {
		if a == "$" {
			if s == nil {
				return ID{}, nil
			}
			return s.LastID(), nil
		}
		return ParseStrictID([]byte(a), 0)
	}
	switch sub {
	case "CREATE":
		id, err := parseGroupID(args[4])
		if err != nil {
			return errOf(err)
		}
		if s == nil {
			s = New()
			db.keys[key] = s
		}
		if _, err := s.CreateGroup(group, id, entriesRead); err != nil {
			return errOf(err)
		}
		return "OK"
	case "SETID":
		id, err := parseGroupID(args[4])
		if err != nil {
			return errOf(err)
		}
		g.SetID(id, entriesRead)
		return "OK"
	case "DESTROY":
		if s.DestroyGroup(group) {
			return int64(1)
		}
		return int64(0)
	case "CREATECONSUMER":
		if _, created := g.CreateConsumer(args[4], db.now); created {
			return int64(1)
		}
		return int64(0)
	case "DELCONSUMER":
		return int64(max(g.DeleteConsumer(args[4]), 0))
	}
	panic("unknown XGROUP subcommand " + sub)
}

// xreadgroup handles XREADGROUP GROUP g c [COUNT n] [NOACK] STREAMS key id.
func (db *cmdDB) xreadgroup(args []string) any {
	group, consumer := args[2], args[3]
	count := 0
	noAck := false
	i := 4
	for ; strings.ToUpper(args[i]) != "STREAMS"; i++ {
		switch strings.ToUpper(args[i]) {
		case "COUNT":
			count = int(atoi(args[i+1]))
			i++
		case "NOACK":
			noAck = true
		}
	}
	key, idArg := args[i+1], args[i+2]
	var after ID
	history := idArg != ">"
	if history {
		var err error
		if after, err = ParseStrictID([]byte(idArg), 0); err != nil {
			return errOf(err)
		}
	}
	s := db.keys[key]
	if s == nil || s.Group(group) == nil {
		return errReply(fmt.Sprintf("NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option", key, group))
	}
	g := s.Group(group)
	if !history && !s.HasNewFor(g) {
		return nil
	}
	c := g.TouchConsumer(consumer, db.now)
	var es []Entry
	if history {
		es = s.ReadHistory(c, after, count, db.now)
	} else {
		es = s.ReadGroup(g, c, count, noAck, db.now)
	}
	return []any{[]any{key, entriesReply(es)}}
}

func (db *cmdDB) xpending(args []string) any {
	key, group := args[1], args[2]
	s := db.keys[key]
	if s == nil || s.Group(group) == nil {
		return db.noGroup(key, group)
	}
	g := s.Group(group)
	if len(args) == 3 {
		ps := g.PendingSummary()
		if ps.Count == 0 {
			return []any{int64(0), nil, nil, nil}
		}
		cs := make([]any, len(ps.Consumers))
		for i, c := range ps.Consumers {
			cs[i] = []any{c.Name, strconv.Itoa(c.Count)}
		}
		return []any{int64(ps.Count), idReply(ps.Min), idReply(ps.Max), cs}
	}
	i := 3
	var a PendingRangeArgs
	if strings.ToUpper(args[i]) == "IDLE" {
		a.MinIdle = atoi(args[i+1])
		i += 2
	}
	var ex bool
	var err error
	a.Start, ex, err = ParseIntervalID([]byte(args[i]), 0)
	if err != nil {
		return errOf(err)
	}
	if ex {
		a.Start, _ = a.Start.Next()
	}
	a.End, ex, err = ParseIntervalID([]byte(args[i+1]), ^uint64(0))
	if err != nil {
		return errOf(err)
	}
	if ex {
		a.End, _ = a.End.Prev()
	}
	a.Count = int(atoi(args[i+2]))
	if len(args) > i+3 {
		if a.Consumer = g.Consumer(args[i+3]); a.Consumer == nil {
			return []any{}
		}
	}
	out := []any{}
	for _, p := range g.PendingRange(a, db.now) {
		out = append(out, []any{idReply(p.ID), p.Consumer, anyTime, int64(p.DeliveryCount)})
	}
	return out
}

func (db *cmdDB) xclaim(args []string) any {
	key, group, consumer := args[1], args[2], args[3]
	a := ClaimArgs{MinIdle: atoi(args[4]), DeliveryTime: -1, RetryCount: -1}
	var ids []ID
	i := 5
	for ; i < len(args); i++ {
		id, err := ParseStrictID([]byte(args[i]), 0)
		if err != nil {
			break
		}
		ids = append(ids, id)
	}
	for ; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "FORCE":
			a.Force = true
		case "JUSTID":
			a.JustID = true
		case "IDLE":
			a.DeliveryTime = db.now - atoi(args[i+1])
			i++
		case "TIME":
			a.DeliveryTime = atoi(args[i+1])
			i++
		case "RETRYCOUNT":
			a.RetryCount = atoi(args[i+1])
			i++
		case "LASTID":
			a.LastID, _ = ParseStrictID([]byte(args[i+1]), 0)
			i++
		}
	}
	s := db.keys[key]
	if s == nil || s.Group(group) == nil {
		return db.noGroup(key, group)
	}
	res := s.Claim(s.Group(group), consumer, ids, a, db.now)
	if a.JustID {
		out := []any{}
		for _, e := range res.Claimed {
			out = append(out, idReply(e.ID))
		}
		return out
	}
	return entriesReply(res.Claimed)
}

func (db *cmdDB) xautoclaim(args []string) any {
	key, group, consumer := args[1], args[2], args[3]
	minIdle := atoi(args[4])
	start, ex, err := ParseIntervalID([]byte(args[5]), 0)
	if err != nil {
		return errOf(err)
	}
	if ex {
		start, _ = start.Next()
	}
	count := int64(100)
	justID := false
	for i := 6; i < len(args); i++ {
		switch strings.ToUpper(args[i]) {
		case "COUNT":
			count = atoi(args[i+1])
			i++
		case "JUSTID":
			justID = true
		}
	}
	s := db.keys[key]
	if s == nil || s.Group(group) == nil {
		return db.noGroup(key, group)
	}
	res := s.AutoClaim(s.Group(group), consumer, start, minIdle, count, justID, db.now)
	var claimed any
	if justID {
		ids := make([]ID, len(res.Claimed))
		for i, e := range res.Claimed {
			ids[i] = e.ID
		}
		claimed = idsReply(ids)
	} else {
		claimed = entriesReply(res.Claimed)
	}
	return []any{idReply(res.Next), claimed, idsReply(res.Deleted)}
}

func optEntry(e Entry, ok bool) any {
	if !ok {
		return nil
	}
	return entryReply(e)
}

func (s *Stream) lagReply(g *Group) any {
	if lag, ok := s.Lag(g); ok {
		return lag
	}
	return nil
}

func entriesReadReply(g *Group) any {
	if g.EntriesRead() == -1 {
		return nil
	}
	return g.EntriesRead()
}

func (db *cmdDB) xinfo(args []string) any {
	sub, key := strings.ToUpper(args[1]), args[2]
	s := db.keys[key]
	if s == nil {
		return errReply("ERR no such key")
	}
	in := s.Info()
	switch sub {
	case "STREAM":
		head := []any{
			"length", int64(in.Length),
			"radix-tree-keys", int64(in.RadixTreeKeys),
			"radix-tree-nodes", int64(in.RadixTreeNodes),
			"last-generated-id", idReply(in.LastGeneratedID),
			"max-deleted-entry-id", idReply(in.MaxDeletedEntryID),
			"entries-added", int64(in.EntriesAdded),
			"recorded-first-entry-id", idReply(in.RecordedFirstEntryID),
		}
		if len(args) == 3 {
			first, ok1 := s.FirstEntry()
			last, ok2 := s.LastEntry()
			return append(head, "groups", int64(in.Groups),
				"first-entry", optEntry(first, ok1), "last-entry", optEntry(last, ok2))
		}
		count := 10
		if len(args) > 5 {
			count = int(atoi(args[5]))
		}
		return append(head, "entries", entriesReply(s.Entries(MinID, MaxID, count, false)),
			"groups", db.fullGroups(s, count))
	case "GROUPS":
		out := []any{}
		for _, g := range s.Groups() {
			out = append(out, []any{"name", g.Name(), "consumers", int64(len(g.Consumers())),
				"pending", int64(g.PendingCount()), "last-delivered-id", idReply(g.LastID()),
				"entries-read", entriesReadReply(g), "lag", s.lagReply(g)})
		}
		return out
	case "CONSUMERS":
		g := s.Group(args[3])
		if g == nil {
			return db.noGroupFor(key, args[3])
		}
		out := []any{}
		for _, c := range g.Consumers() {
			out = append(out, []any{"name", c.Name(), "pending", int64(c.PendingCount()), "idle", anyTime})
		}
		return out
	}
	panic("unknown XINFO subcommand " + sub)
}

func (db *cmdDB) fullGroups(s *Stream, count int) any {
	out := []any{}
	for _, g := range s.Groups() {
		pel := []any{}
		for _, p := range g.Pending(count) {
			pel = append(pel, []any{idReply(p.ID), p.Consumer, anyTime, int64(p.DeliveryCount)})
		}
		cons := []any{}
		for _, c := range g.Consumers() {
			cpel := []any{}
			for _, p := range c.Pending(count) {
				cpel = append(cpel, []any{idReply(p.ID), anyTime, int64(p.DeliveryCount)})
			}
			cons = append(cons, []any{"name", c.Name(), "seen-time", anyTime,
				"pel-count", int64(c.PendingCount()), "pending", cpel})
		}
		out = append(out, []any{"name", g.Name(), "last-delivered-id", idReply(g.LastID()),
			"entries-read", entriesReadReply(g), "lag", s.lagReply(g),
			"pel-count", int64(g.PendingCount()), "pending", pel, "consumers", cons})
	}
	return out
}

// sameReply compares a reply of cmdDB with one from Redis; anyTime in
// the first matches any integer in the second.
func sameReply(model, real any) bool {
	switch m := model.(type) {
	case string:
		if m == anyTime {
			_, ok := real.(int64)
			return ok
		}
		r, ok := real.(string)
		return ok && r == m
	case []any:
		r, ok := real.([]any)
		if !ok || len(r) != len(m) {
			return false
		}
		for i := range m {
			if !sameReply(m[i], r[i]) {
				return false
			}
		}
		return true
	case nil:
		if real == nil {
			return true
		}
		r, ok := real.([]any)
		return ok && r == nil
	case uint64:
		r, ok := real.(int64)
		return ok && r >= 0 && uint64(r) == m
	}
	return model == real
}
