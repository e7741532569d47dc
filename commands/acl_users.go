package commands

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"sync"

	"sundial/config"
)

// ACL users as Redis 7.0 models them. A user has flags, passwords (kept
// as SHA-256 hex digests) and a list of selectors: the root selector,
// holding the rules given outside parentheses, then any "(...)" selectors.
// A selector allows a set of commands (a bitmap over command IDs), key
// patterns with read/write permissions and channel patterns. A command is
// allowed when one selector allows it with all its keys and channels.

// aclCategories are Redis 7.0's command categories, in its order; a
// category's bit in a command's mask is 1 << its index.
var aclCategories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash",
	"string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting"}

// aclCategoryBit returns the bit of a category name (case-insensitive),
// or 0 if there is no such category.
func aclCategoryBit(name string) uint32 {
	for i, c := range aclCategories {
		if strings.EqualFold(c, name) {
			return 1 << i
		}
	}
	return 0
}

// aclCmdTable numbers every command and subcommand, as Redis's command
// IDs, so selectors can keep their allowed commands in a bitmap. Besides
// sundial's table it holds the few Redis commands sundial does not serve
// (LOLWUT, REPLCONF, RESTORE-ASKING): rules may name them, and Redis
// counts them when it writes rules back.
type aclCmdTable struct {
	specs  []*Spec        // by ID
	ids    map[*Spec]int  // the inverse
	byName map[string]int // full names ("config|get") to IDs
	cats   []uint32       // category bits, by ID
	parent []int          // the container's ID, or -1
	subs   [][]int        // subcommand IDs, by ID
	redis  []bool         // whether Redis 7.0 has the command
	top    []int          // top-level command IDs, sorted by name
	words  int            // uint64 words of a command bitmap
}

var (
	aclTableOnce sync.Once
	aclTable     *aclCmdTable
)

// aclCmdIDs returns the command numbering, built on first use (the
// command table is built in an init function of its own).
func aclCmdIDs() *aclCmdTable {
	aclTableOnce.Do(func() {
		t := &aclCmdTable{ids: map[*Spec]int{}, byName: map[string]int{}}
		add := func(s *Spec, parent int) int {
			id := len(t.specs)
			t.specs = append(t.specs, s)
			t.ids[s] = id
			t.byName[s.FullName] = id
			t.cats = append(t.cats, specCategories(s))
			t.parent = append(t.parent, parent)
			t.subs = append(t.subs, nil)
			t.redis = append(t.redis, redisMeta[s.FullName] != nil)
			return id
		}
		tops := sortedSpecs()
		for name, info := range redisMeta {
			if !strings.Contains(name, "|") && table[name] == nil {
				tops = append(tops, &Spec{Name: name, FullName: name, info: info})
			}
		}
		sort.Slice(tops, func(i, j int) bool { return tops[i].Name < tops[j].Name })
		for _, s := range tops {
			id := add(s, -1)
			t.top = append(t.top, id)
			subs := append([]*Spec(nil), s.Subs...)
			sort.Slice(subs, func(i, j int) bool { return subs[i].Name < subs[j].Name })
			for _, sub := range subs {
				t.subs[id] = append(t.subs[id], add(sub, id))
			}
		}
		t.words = (len(t.specs) + 63) / 64
		aclTable = t
	})
	return aclTable
}

// specCategories reads a command's categories from its COMMAND INFO
// entry ("@read" …); categories Redis does not know are ignored.
func specCategories(s *Spec) uint32 {
	info := s.infoNode()
	if info == nil || len(info.kids) < 7 {
		return 0
	}
	var bits uint32
	for _, k := range info.kids[6].kids {
		if name, ok := strings.CutPrefix(k.str, "@"); ok {
			bits |= aclCategoryBit(name)
		}
	}
	return bits
}

// lookup resolves "name" or "container|sub" to a command ID as Redis's
// ACLLookupCommand: case-insensitive, one level of subcommands at most,
// and "cmd|x" only names a real subcommand of a container.
func (t *aclCmdTable) lookup(name string) (int, bool) {
	name = strings.ToLower(name)
	base, _, hasSub := strings.Cut(name, "|")
	id, ok := t.byName[base]
	if !ok || !hasSub {
		return id, ok
	}
	if len(t.subs[id]) == 0 {
		return 0, false
	}
	id, ok = t.byName[name]
	return id, ok
}

// Key pattern permissions.
const (
	aclRead  = 1
	aclWrite = 2
	aclAll   = aclRead | aclWrite
)

type aclKeyPattern struct {
	pattern string
	perm    uint8
}

// aclSelector is one set of permissions of a user.
type aclSelector struct {
	root        bool
	allKeys     bool
	allChannels bool
	allCommands bool
	// future is Redis's reserved command bit, set only by +@all (or
	// allcommands) and cleared only by -@all: the rules were written
	// starting from every command, future ones included.
	future  bool
	allowed []uint64 // by command ID
	// firstArgs are the first arguments allowed for commands whose bit is
	// off ("+select|0"), by command ID, in the order they were added.
	firstArgs map[int][]string
	keys      []aclKeyPattern
	channels  []string
}

func newSelector(root bool) *aclSelector {
	return &aclSelector{root: root, allowed: make([]uint64, aclCmdIDs().words)}
}

func (s *aclSelector) clone() *aclSelector {
	n := *s
	n.allowed = append([]uint64(nil), s.allowed...)
	n.keys = append([]aclKeyPattern(nil), s.keys...)
	n.channels = append([]string(nil), s.channels...)
	n.firstArgs = nil
	for id, args := range s.firstArgs {
		if n.firstArgs == nil {
			n.firstArgs = map[int][]string{}
		}
		n.firstArgs[id] = append([]string(nil), args...)
	}
	return &n
}

func (s *aclSelector) bit(id int) bool { return s.allowed[id/64]&(1<<(id%64)) != 0 }

// setBit sets one command's bit; clearing one means the selector no
// longer allows every command.
func (s *aclSelector) setBit(id int, on bool) {
	if on {
		s.allowed[id/64] |= 1 << (id % 64)
		return
	}
	s.allowed[id/64] &^= 1 << (id % 64)
	s.allCommands = false
}

// changePerm allows or denies a command and, for a container, all its
// subcommands (Redis's ACLChangeSelectorPerm).
func (s *aclSelector) changePerm(id int, on bool) {
	t := aclCmdIDs()
	s.setBit(id, on)
	delete(s.firstArgs, id)
	for _, sub := range t.subs[id] {
		s.setBit(sub, on)
	}
}

// setCategory allows or denies every command of a category.
func (s *aclSelector) setCategory(bit uint32, on bool) {
	t := aclCmdIDs()
	for id := range t.specs {
		if t.cats[id]&bit != 0 {
			s.changePerm(id, on)
		}
	}
}

// setAll is +@all (on) or -@all.
func (s *aclSelector) setAll(on bool) {
	var fill uint64
	if on {
		fill = ^uint64(0)
	}
	for i := range s.allowed {
		s.allowed[i] = fill
	}
	s.allCommands, s.future = on, on
	s.firstArgs = nil
}

// countCategory counts the commands of a category the selector allows
// (on) and denies (off). Only Redis's commands count, so rules come out
// as Redis writes them; sundial's own follow as single commands if they
// need to.
func (s *aclSelector) countCategory(bit uint32) (on, off int) {
	t := aclCmdIDs()
	for id := range t.specs {
		if t.cats[id]&bit == 0 || !t.redis[id] {
			continue
		}
		if s.bit(id) {
			on++
		} else {
			off++
		}
	}
	return on, off
}

// aclErr is why a rule was refused (Redis's errno values of ACLSetUser).
type aclErr int

const (
	aclRuleOK           aclErr = iota
	aclErrSyntax               // EINVAL
	aclErrUnknown              // ENOENT
	aclErrKeysAfterAll         // EEXIST
	aclErrChansAfterAll        // EISDIR
	aclErrNoSuchPass           // ENODEV
	aclErrBadHash              // EBADMSG
	aclErrSubFirstArg          // ECHILD
)

func (e aclErr) String() string {
	switch e {
	case aclErrUnknown:
		return "Unknown command or category name in ACL"
	case aclErrSyntax:
		return "Syntax error"
	case aclErrKeysAfterAll:
		return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
	case aclErrChansAfterAll:
		return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
	case aclErrNoSuchPass:
		return "The password you are trying to remove from the user does not exist"
	case aclErrBadHash:
		return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
	case aclErrSubFirstArg:
		return "Allowing first-arg of a subcommand is not supported"
	}
	return "Wrong format"
}

// hasSpaces reports whether s has white space or NUL bytes, which Redis
// refuses in user names and patterns.
func hasSpaces(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\v', '\f', '\r', 0:
			return true
		}
	}
	return false
}

// apply applies one selector rule (Redis's ACLSetSelector).
func (s *aclSelector) apply(op string) aclErr {
	switch {
	case strings.EqualFold(op, "allkeys") || op == "~*":
		s.allKeys, s.keys = true, nil
	case strings.EqualFold(op, "resetkeys"):
		s.allKeys, s.keys = false, nil
	case strings.EqualFold(op, "allchannels") || op == "&*":
		s.allChannels, s.channels = true, nil
	case strings.EqualFold(op, "resetchannels"):
		s.allChannels, s.channels = false, nil
	case strings.EqualFold(op, "allcommands") || strings.EqualFold(op, "+@all"):
		s.setAll(true)
	case strings.EqualFold(op, "nocommands") || strings.EqualFold(op, "-@all"):
		s.setAll(false)
	case op[0] == '~' || op[0] == '%':
		return s.addKeyPattern(op)
	case op[0] == '&':
		if s.allChannels {
			return aclErrChansAfterAll
		}
		pat := op[1:]
		if hasSpaces(pat) {
			return aclErrSyntax
		}
		found := false
		for _, c := range s.channels {
			found = found || c == pat
		}
		if !found {
			s.channels = append(s.channels, pat)
		}
		s.allChannels = false
	case op[0] == '+' && !strings.HasPrefix(op, "+@"):
		return s.allowCommand(op[1:])
	case op[0] == '-' && !strings.HasPrefix(op, "-@"):
		id, ok := aclCmdIDs().lookup(op[1:])
		if !ok {
			return aclErrUnknown
		}
		s.changePerm(id, false)
	case op[0] == '+' || op[0] == '-':
		bit := aclCategoryBit(op[2:])
		if bit == 0 {
			return aclErrUnknown
		}
		s.setCategory(bit, op[0] == '+')
	default:
		return aclErrSyntax
	}
	return aclRuleOK
}

// addKeyPattern handles ~pattern and %R~, %W~, %RW~pattern. A pattern
// given twice keeps one entry with the union of the permissions.
func (s *aclSelector) addKeyPattern(op string) aclErr {
	if s.allKeys {
		return aclErrKeysAfterAll
	}
	var perm uint8
	off := 1
	if op[0] == '%' {
	flags:
		for ; off < len(op); off++ {
			switch {
			case (op[off] == 'R' || op[off] == 'r') && perm&aclRead == 0:
				perm |= aclRead
			case (op[off] == 'W' || op[off] == 'w') && perm&aclWrite == 0:
				perm |= aclWrite
			case op[off] == '~':
				off++
				break flags
			default:
				return aclErrSyntax
			}
		}
		if perm == 0 {
			return aclErrSyntax
		}
	} else {
		perm = aclAll
	}
	pat := op[min(off, len(op)):]
	if hasSpaces(pat) {
		return aclErrSyntax
	}
	for i := range s.keys {
		if s.keys[i].pattern == pat {
			s.keys[i].perm |= perm
			return aclRuleOK
		}
	}
	s.keys = append(s.keys, aclKeyPattern{pat, perm})
	return aclRuleOK
}

// allowCommand handles +cmd, +container|sub and +cmd|firstarg.
func (s *aclSelector) allowCommand(name string) aclErr {
	t := aclCmdIDs()
	i := strings.LastIndexByte(name, '|')
	if i < 0 {
		id, ok := t.lookup(name)
		if !ok {
			return aclErrUnknown
		}
		s.changePerm(id, true)
		return aclRuleOK
	}
	id, ok := t.lookup(name[:i])
	switch {
	case !ok:
		return aclErrUnknown
	case t.parent[id] >= 0:
		return aclErrSubFirstArg
	case i == len(name)-1:
		return aclErrSyntax
	}
	if len(t.subs[id]) > 0 {
		sub, ok := t.lookup(name)
		if !ok {
			return aclErrUnknown
		}
		s.changePerm(sub, true)
		return aclRuleOK
	}
	// A first argument of a command without subcommands ("+select|0").
	arg := name[i+1:]
	for _, a := range s.firstArgs[id] {
		if strings.EqualFold(a, arg) {
			return aclRuleOK
		}
	}
	if s.firstArgs == nil {
		s.firstArgs = map[int][]string{}
	}
	s.firstArgs[id] = append(s.firstArgs[id], arg)
	return aclRuleOK
}

// Payload sanitization flags of a user.
const (
	sanitizeUnset = iota
	sanitizeOn
	sanitizeSkip
)

// aclUser is one ACL user. Clients keep a pointer to it: ACL SETUSER
// changes it in place, so connections see the new rules at once.
type aclUser struct {
	name      string
	enabled   bool
	nopass    bool
	sanitize  int
	passwords []string // SHA-256 hex digests, in the order added
	selectors []*aclSelector
	// unrestricted: some selector allows every command, key and
	// channel, so commands need no check at all.
	unrestricted bool
}

func newACLUser(name string) *aclUser {
	return &aclUser{name: name, selectors: []*aclSelector{newSelector(true)}}
}

// copyRulesFrom makes u's rules those of src (its name stays).
func (u *aclUser) copyRulesFrom(src *aclUser) {
	u.enabled, u.nopass, u.sanitize = src.enabled, src.nopass, src.sanitize
	u.passwords = append([]string(nil), src.passwords...)
	u.selectors = make([]*aclSelector, len(src.selectors))
	for i, s := range src.selectors {
		u.selectors[i] = s.clone()
	}
	u.refresh()
}

func (u *aclUser) refresh() {
	u.unrestricted = false
	for _, s := range u.selectors {
		if s.allCommands && s.allKeys && s.allChannels {
			u.unrestricted = true
		}
	}
}

// passwordHash is the SHA-256 hex digest ACL shows instead of a password.
func passwordHash(pw string) string {
	sum := sha256.Sum256([]byte(pw))
	return hex.EncodeToString(sum[:])
}

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !('0' <= h[i] && h[i] <= '9' || 'a' <= h[i] && h[i] <= 'f') {
			return false
		}
	}
	return true
}

// apply applies one ACL SETUSER rule (Redis's ACLSetUser).
func (u *aclUser) apply(op string) aclErr {
	defer u.refresh()
	switch {
	case op == "":
		return aclRuleOK
	case strings.EqualFold(op, "on"):
		u.enabled = true
	case strings.EqualFold(op, "off"):
		u.enabled = false
	case strings.EqualFold(op, "skip-sanitize-payload"):
		u.sanitize = sanitizeSkip
	case strings.EqualFold(op, "sanitize-payload"):
		u.sanitize = sanitizeOn
	case strings.EqualFold(op, "nopass"):
		u.nopass, u.passwords = true, nil
	case strings.EqualFold(op, "resetpass"):
		u.nopass, u.passwords = false, nil
	case op[0] == '>' || op[0] == '#':
		h := op[1:]
		if op[0] == '>' {
			h = passwordHash(h)
		} else if !validHash(h) {
			return aclErrBadHash
		}
		found := false
		for _, p := range u.passwords {
			found = found || p == h
		}
		if !found {
			u.passwords = append(u.passwords, h)
		}
		u.nopass = false
	case op[0] == '<' || op[0] == '!':
		h := op[1:]
		if op[0] == '<' {
			h = passwordHash(h)
		} else if !validHash(h) {
			return aclErrBadHash
		}
		for i, p := range u.passwords {
			if p == h {
				u.passwords = append(u.passwords[:i:i], u.passwords[i+1:]...)
				return aclRuleOK
			}
		}
		return aclErrNoSuchPass
	case op[0] == '(' && op[len(op)-1] == ')':
		s := newSelector(false)
		// Inside the parentheses rules are split as redis-cli splits
		// arguments; text that cannot be split adds an empty selector.
		rules, _ := config.SplitArgs(op[1 : len(op)-1])
		for _, r := range rules {
			if r == "" {
				return aclErrSyntax
			}
			if err := s.apply(r); err != aclRuleOK {
				return err
			}
		}
		u.selectors = append(u.selectors, s)
	case strings.EqualFold(op, "clearselectors"):
		u.selectors = u.selectors[:1]
	case strings.EqualFold(op, "reset"):
		u.nopass, u.passwords = false, nil
		root := u.selectors[0]
		root.apply("resetkeys")
		root.apply("resetchannels")
		u.enabled = false
		u.sanitize = sanitizeOn
		u.selectors = u.selectors[:1]
		root.setAll(false)
	default:
		return u.selectors[0].apply(op)
	}
	return aclRuleOK
}

// mergeSelectorArgs joins a selector written over several arguments
// ("(+get", "~x)") into one, as Redis's ACLMergeSelectorArguments. For
// an unclosed selector it returns the index where it opened.
func mergeSelectorArgs(args []string) ([]string, int) {
	var out []string
	open := -1
	var cur string
	for i, a := range args {
		if open < 0 && strings.HasPrefix(a, "(") && !strings.HasSuffix(a, ")") {
			open, cur = i, a
			continue
		}
		if open >= 0 {
			cur += " " + a
			if strings.HasSuffix(a, ")") {
				out = append(out, cur)
				open = -1
			}
			continue
		}
		out = append(out, a)
	}
	if open >= 0 {
		return nil, open
	}
	return out, -1
}

// describeCommands writes a selector's command rules as Redis's
// ACLDescribeSelectorCommandRules: +@all or -@all, the categories that
// best fit the bitmap, then the single commands still different. The
// rules are replayed on a scratch selector as they are chosen, so each
// one only adds what the previous did not cover.
func (s *aclSelector) describeCommands() string {
	t := aclCmdIDs()
	var b strings.Builder
	fake := newSelector(false)
	additive := !s.future
	if additive {
		b.WriteString("-@all ")
		fake.setAll(false)
	} else {
		b.WriteString("+@all ")
		fake.setAll(true)
	}
	temp := newSelector(false)
	copy(temp.allowed, s.allowed)
	applied := make([]bool, len(aclCategories))
	for {
		best, minDiff, maxSame := -1, int(^uint(0)>>1), 0
		for j := range aclCategories {
			if applied[j] {
				continue
			}
			on, off := temp.countCategory(1 << j)
			diff, same := on, off
			if additive {
				diff, same = off, on
			}
			if same > diff && (diff < minDiff || diff == minDiff && same > maxSame) {
				best, minDiff, maxSame = j, diff, same
			}
		}
		if best < 0 {
			break
		}
		sign := "-@"
		if additive {
			sign = "+@"
		}
		fake.setCategory(1<<best, additive)
		temp.setCategory(1<<best, !additive)
		b.WriteString(sign + aclCategories[best] + " ")
		applied[best] = true
	}
	var single func(id int)
	single = func(id int) {
		user := s.bit(id)
		if user != fake.bit(id) {
			if user {
				b.WriteByte('+')
			} else {
				b.WriteByte('-')
			}
			b.WriteString(t.specs[id].FullName + " ")
			fake.changePerm(id, user)
		}
		for _, sub := range t.subs[id] {
			single(sub)
		}
		if !user {
			for _, a := range s.firstArgs[id] {
				b.WriteString("+" + t.specs[id].FullName + "|" + a + " ")
			}
		}
	}
	for _, id := range t.top {
		single(id)
	}
	return strings.TrimSuffix(b.String(), " ")
}

// keyPatternString is a key pattern as ACL LIST writes it.
func (p aclKeyPattern) String() string {
	switch p.perm {
	case aclRead:
		return "%R~" + p.pattern
	case aclWrite:
		return "%W~" + p.pattern
	}
	return "~" + p.pattern
}

// describe writes a selector as ACL LIST does: keys, channels, commands.
func (s *aclSelector) describe() string {
	var b strings.Builder
	if s.allKeys {
		b.WriteString("~* ")
	} else {
		for _, p := range s.keys {
			b.WriteString(p.String() + " ")
		}
	}
	if s.allChannels {
		b.WriteString("&* ")
	} else {
		b.WriteString("resetchannels ")
		for _, c := range s.channels {
			b.WriteString("&" + c + " ")
		}
	}
	b.WriteString(s.describeCommands())
	return b.String()
}

// keysText and channelsText are ACL GETUSER's keys and channels fields.
func (s *aclSelector) keysText() string {
	if s.allKeys {
		return "~*"
	}
	parts := make([]string, len(s.keys))
	for i, p := range s.keys {
		parts[i] = p.String()
	}
	return strings.Join(parts, " ")
}

func (s *aclSelector) channelsText() string {
	if s.allChannels {
		return "&*"
	}
	parts := make([]string, len(s.channels))
	for i, c := range s.channels {
		parts[i] = "&" + c
	}
	return strings.Join(parts, " ")
}

// flags lists a user's flags in Redis's order.
func (u *aclUser) flags() []string {
	f := []string{"off"}
	if u.enabled {
		f[0] = "on"
	}
	if u.nopass {
		f = append(f, "nopass")
	}
	switch u.sanitize {
	case sanitizeSkip:
		f = append(f, "skip-sanitize-payload")
	case sanitizeOn:
		f = append(f, "sanitize-payload")
	}
	return f
}

// describe is the user as ACL LIST shows it, after "user <name> ".
func (u *aclUser) describe() string {
	var b strings.Builder
	for _, f := range u.flags() {
		b.WriteString(f + " ")
	}
	for _, p := range u.passwords {
		b.WriteString("#" + p + " ")
	}
	for _, s := range u.selectors {
		if s.root {
			b.WriteString(s.describe())
		} else {
			b.WriteString(" (" + s.describe() + ")")
		}
	}
	return b.String()
}
