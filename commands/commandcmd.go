package commands

import (
	"math"
	"strconv"
	"strings"
)

// infoNode returns the COMMAND INFO entry of s: Redis's own for Redis
// commands, built from the spec for sundial's.
func (s *Spec) infoNode() *node {
	if s.info != nil {
		return s.info
	}
	str := func(v string) *node { return &node{kind: '$', str: v} }
	num := func(v int) *node { return &node{kind: ':', num: int64(v)} }
	flags := &node{kind: '~'}
	for _, f := range s.Flags.Names() {
		flags.kids = append(flags.kids, &node{kind: '+', str: f})
	}
	cats := &node{kind: '~'}
	for _, cat := range s.Categories {
		cats.kids = append(cats.kids, &node{kind: '+', str: cat})
	}
	keySpecs := &node{kind: '~'}
	if s.FirstKey > 0 {
		access := "RO"
		if s.Flags&FlagWrite != 0 {
			access = "RW"
		}
		keySpecs.kids = append(keySpecs.kids, &node{kind: '%', kids: []*node{
			str("flags"), {kind: '~', kids: []*node{{kind: '+', str: access}}},
			str("begin_search"), {kind: '%', kids: []*node{str("type"), str("index"), str("spec"), {kind: '%', kids: []*node{str("index"), num(s.FirstKey)}}}},
			str("find_keys"), {kind: '%', kids: []*node{str("type"), str("range"), str("spec"), {kind: '%', kids: []*node{
				str("lastkey"), num(s.LastKey - s.FirstKey), str("keystep"), num(s.Step), str("limit"), num(0)}}}},
		}})
	}
	subs := &node{kind: '*'}
	for _, sub := range s.Subs {
		subs.kids = append(subs.kids, sub.infoNode())
	}
	s.info = &node{kind: '*', kids: []*node{str(s.FullName), num(s.Arity), flags, num(s.FirstKey), num(s.LastKey), num(s.Step), cats, {kind: '~'}, keySpecs, subs}}
	return s.info
}

// docsNode returns the COMMAND DOCS entry of s.
func (s *Spec) docsNode() *node {
	if s.docs != nil {
		return s.docs
	}
	str := func(v string) *node { return &node{kind: '$', str: v} }
	s.docs = &node{kind: '%', kids: []*node{
		str("summary"), str(s.Summary), str("since"), str(s.Since), str("group"), str(s.Group),
		str("complexity"), str("O(1)"),
	}}
	return s.docs
}

func cmdCommand(c *Client, args [][]byte) {
	specs := sortedSpecs()
	c.Array(len(specs))
	for _, s := range specs {
		s.infoNode().write(&c.Reply)
	}
}

func cmdCommandCount(c *Client, args [][]byte) { c.Int(int64(len(table))) }

func cmdCommandInfo(c *Client, args [][]byte) {
	if len(args) == 2 {
		cmdCommand(c, args)
		return
	}
	c.Array(len(args) - 2)
	for _, name := range args[2:] {
		s := lookupFull(name)
		if s == nil {
			c.Null()
			continue
		}
		s.infoNode().write(&c.Reply)
	}
}

// lookupFull finds "get" or "config|get".
func lookupFull(name []byte) *Spec {
	top, sub, hasSub := strings.Cut(strings.ToLower(string(name)), "|")
	s := table[top]
	if s == nil || !hasSub {
		return s
	}
	return s.lookupSub([]byte(sub))
}

func cmdCommandDocs(c *Client, args [][]byte) {
	var specs []*Spec
	if len(args) == 2 {
		specs = sortedSpecs()
	} else {
		for _, name := range args[2:] {
			if s := lookupFull(name); s != nil {
				specs = append(specs, s)
			}
		}
	}
	c.Map(len(specs))
	for _, s := range specs {
		c.BulkString(s.FullName)
		s.docsNode().write(&c.Reply)
	}
}

func cmdCommandList(c *Client, args [][]byte) {
	specs := sortedSpecs()
	var keep func(s *Spec) bool
	if len(args) > 2 {
		if len(args) != 5 || !strings.EqualFold(string(args[2]), "filterby") {
			c.Error(errSyntax)
			return
		}
		val := string(args[4])
		switch strings.ToLower(string(args[3])) {
		case "module":
			keep = func(s *Spec) bool { return false }
		case "aclcat":
			keep = func(s *Spec) bool {
				for _, cat := range s.infoNode().kids[6].kids {
					if strings.EqualFold(strings.TrimPrefix(cat.str, "@"), val) {
						return true
					}
				}
				return false
			}
		case "pattern":
			// Subcommands match by their full name, "config|get".
			keep = func(s *Spec) bool {
				name := s.FullName
				if name == "" {
					name = s.Name
				}
				return GlobMatch([]byte(val), []byte(name), true)
			}
		default:
			c.Error(errSyntax)
			return
		}
	}
	var names []string
	for _, s := range specs {
		if keep == nil || keep(s) {
			names = append(names, s.Name)
		}
		for _, sub := range s.Subs {
			if keep != nil && keep(sub) || keep == nil {
				names = append(names, sub.FullName)
			}
		}
	}
	c.StringArray(names)
}

// getkeysTarget resolves the command that COMMAND GETKEYS[ANDFLAGS]
// analyses and checks its arity.
func getkeysTarget(c *Client, args [][]byte) (*Spec, [][]byte, bool) {
	s := Lookup(args[2])
	if s == nil {
		c.Error("ERR Invalid command specified")
		return nil, nil, false
	}
	cmdArgs := args[2:]
	if len(s.Subs) > 0 && len(cmdArgs) > 1 {
		if sub := s.lookupSub(cmdArgs[1]); sub != nil {
			s = sub
		}
	}
	if !arityOK(s.Arity, len(cmdArgs)) {
		c.Error("ERR Invalid number of arguments specified for command")
		return nil, nil, false
	}
	return s, cmdArgs, true
}

// noKeysFound answers COMMAND GETKEYS[ANDFLAGS] when the arguments name
// no key: fine for a command whose keys are optional (EVAL … 0).
func noKeysFound(c *Client, s *Spec) {
	if s.Flags&FlagNoMandatoryKeys != 0 {
		c.Array(0)
		return
	}
	c.Error("ERR Invalid arguments specified for command")
}

func cmdCommandGetkeys(c *Client, args [][]byte) {
	s, cmdArgs, ok := getkeysTarget(c, args)
	if !ok {
		return
	}
	keys, ok := commandKeys(s, cmdArgs)
	if !ok || len(keys) == 0 {
		if s.FirstKey == 0 && s.Flags&FlagMovableKeys == 0 {
			c.Error("ERR The command has no key arguments")
		} else {
			noKeysFound(c, s)
		}
		return
	}
	c.Array(len(keys))
	for _, k := range keys {
		c.Bulk(k)
	}
}

// commandKeys extracts the key arguments of a command: the legacy
// first/last/step range, or the movable-key rules of commands whose keys
// are counted by an argument (EVAL, ZUNIONSTORE, XREAD …).
func commandKeys(s *Spec, args [][]byte) ([][]byte, bool) {
	if s.Flags&FlagMovableKeys != 0 {
		return movableKeys(s, args)
	}
	if s.FirstKey <= 0 {
		return nil, true
	}
	last := s.LastKey
	if last < 0 {
		last = len(args) + last
	}
	var keys [][]byte
	for i := s.FirstKey; i <= last && i < len(args); i += max(s.Step, 1) {
		keys = append(keys, args[i])
	}
	return keys, true
}

// movableKeys handles the commands whose key count is an argument.
func movableKeys(s *Spec, args [][]byte) ([][]byte, bool) {
	numAt := func(pos, first int) ([][]byte, bool) {
		if pos >= len(args) {
			return nil, false
		}
		n, err := strconv.Atoi(string(args[pos]))
		if err != nil || n < 0 || first+n > len(args) {
			return nil, false
		}
		return args[first : first+n], true
	}
	switch s.Name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return numAt(2, 3)
	case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop":
		return numAt(1, 2)
	case "zunionstore", "zinterstore", "zdiffstore":
		keys, ok := numAt(2, 3)
		return append([][]byte{args[1]}, keys...), ok
	case "blmpop", "bzmpop":
		return numAt(2, 3)
	case "xread", "xreadgroup":
		for i := 1; i < len(args); i++ {
			if strings.EqualFold(string(args[i]), "streams") {
				rest := args[i+1:]
				if len(rest)%2 != 0 || len(rest) == 0 {
					return nil, false
				}
				return rest[:len(rest)/2], true
			}
		}
		return nil, false
	case "sort":
		if i := sortStoreArg(args); i > 0 {
			return [][]byte{args[1], args[i]}, true
		}
		return [][]byte{args[1]}, true
	case "migrate":
		return migrateGetKeys(args)
	case "georadius", "georadiusbymember":
		keys := [][]byte{args[1]}
		for i := 2; i+1 < len(args); i++ {
			if o := strings.ToLower(string(args[i])); o == "store" || o == "storedist" {
				keys = append(keys, args[i+1])
			}
		}
		return keys, true
	}
	if s.FirstKey > 0 {
		return [][]byte{args[s.FirstKey]}, true
	}
	return nil, false
}

func cmdCommandHelp(c *Client, args [][]byte) {
	c.helpReply("COMMAND", []string{
		"(no subcommand)", "    Return details about all Redis commands.",
		"COUNT", "    Return the total number of commands in this Redis server.",
		"LIST", "    Return a list of all commands in this Redis server.",
		"INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands.",
		"    If no command names are given, documentation details for all",
		"    commands are returned.",
		"GETKEYS <full-command>", "    Return the keys from a full Redis command.",
		"GETKEYSANDFLAGS <full-command>", "    Return the keys and the access flags from a full Redis command.",
	})
}

func cmdConfigGet(c *Client, args [][]byte) {
	var pairs [][2]string
	seen := map[string]bool{}
	for _, p := range args[2:] {
		for _, kv := range c.e.Cfg.Match(strings.ToLower(string(p)), func(pat, name string) bool {
			return GlobMatch([]byte(pat), []byte(name), true)
		}) {
			if !seen[kv[0]] {
				seen[kv[0]] = true
				pairs = append(pairs, kv)
			}
		}
	}
	c.Map(len(pairs))
	for _, kv := range pairs {
		c.BulkString(kv[0])
		c.BulkString(kv[1])
	}
}

// configImmutable are Redis directives sundial accepts and reports
// which Redis refuses to change at run time.
var configImmutable = map[string]bool{
	"daemonize": true, "supervised": true, "pidfile": true, "always-show-logo": true,
	"set-proc-title": true, "rdbchecksum": true, "io-threads": true, "io-threads-do-reads": true,
	"syslog-enabled": true, "syslog-ident": true, "syslog-facility": true, "unixsocket": true,
	"unixsocketperm": true, "tcp-backlog": true, "aclfile": true, "appendfilename": true,
	"appenddirname": true, "cluster-enabled": true, "databases": true, "logfile": true,
	"enable-protected-configs": true, "enable-debug-command": true, "enable-module-command": true,
	"disable-thp": true,
}

// CONFIG SET checks every name first (the first unknown, immutable or
// repeated one fails the whole command), then sets the values in order
// and, if one is refused, restores those already set: as Redis, all or
// nothing.
func cmdConfigSet(c *Client, args [][]byte) {
	if len(args)%2 != 0 {
		c.Error(errSyntax)
		return
	}
	cfg := c.e.Cfg
	canon := make([]string, 0, (len(args)-2)/2)
	for i := 2; i < len(args); i += 2 {
		name := strings.ToLower(string(args[i]))
		if !cfg.Known(name) {
			c.Error("ERR Unknown option or number of arguments for CONFIG SET - '" + string(args[i]) + "'")
			return
		}
		key := name
		if d := cfg.Lookup(name); d != nil {
			key = d.Name
			if d.Immutable {
				c.Error("ERR CONFIG SET failed (possibly related to argument '" + string(args[i]) + "') - can't set immutable config")
				return
			}
		}
		if configImmutable[key] {
			c.Error("ERR CONFIG SET failed (possibly related to argument '" + string(args[i]) + "') - can't set immutable config")
			return
		}
		for _, k := range canon {
			if k == key {
				c.Error("ERR CONFIG SET failed (possibly related to argument '" + string(args[i]) + "') - duplicate parameter")
				return
			}
		}
		canon = append(canon, key)
	}
	var undo [][2]string
	for i := 2; i < len(args); i += 2 {
		name := canon[(i-2)/2]
		old, _ := cfg.Get(name)
		val, msg := configCheck(name, string(args[i+1]))
		if msg == "" {
			if err := cfg.Set(name, configValues(name, val)); err != nil {
				msg = err.Error()
			}
		}
		if msg != "" {
			for j := len(undo) - 1; j >= 0; j-- {
				cfg.Set(undo[j][0], configValues(undo[j][0], undo[j][1]))
			}
			c.Error("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + msg)
			return
		}
		undo = append(undo, [2]string{name, old})
	}
	c.e.configChanged()
	c.OK()
}

// configValues splits a CONFIG SET value as the directive reads it.
func configValues(name, val string) []string {
	if name != "save" {
		return []string{val}
	}
	vals := strings.Fields(val)
	if len(vals) == 0 {
		vals = []string{""}
	}
	return vals
}

// configCheck validates and normalises values of directives sundial
// stores as text but Redis parses; it returns the value to store or
// Redis's error message.
func configCheck(name, val string) (string, string) {
	if name != "latency-tracking-info-percentiles" {
		return val, ""
	}
	var out []string
	for _, f := range strings.Fields(val) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(v) {
			return "", "Invalid latency-tracking-info-percentiles parameters"
		}
		if v < 0 || v > 100 {
			return "", "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]"
		}
		out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return strings.Join(out, " "), ""
}

func cmdConfigResetstat(c *Client, args [][]byte) {
	c.e.resetStats()
	c.OK()
}

func cmdConfigRewrite(c *Client, args [][]byte) {
	if err := c.e.Cfg.Rewrite(); err != nil {
		c.Error("ERR " + err.Error())
		return
	}
	c.OK()
}

func cmdConfigHelp(c *Client, args [][]byte) {
	c.helpReply("CONFIG", []string{
		"GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
		"SET <directive> <value>", "    Set the configuration <directive> to <value>.",
		"RESETSTAT", "    Reset statistics reported by the INFO command.",
		"REWRITE", "    Rewrite the configuration file.",
	})
}

// configChanged applies directives that take effect at once after CONFIG
// SET (hooks of other families are called from here).
func (e *Engine) configChanged() {
	e.opsConfigChanged()
}

// keyWithFlags is a key argument and the flags of the key spec it matched.
type keyWithFlags struct {
	key   []byte
	flags []string
}

// keysFromSpecs finds key arguments with Redis's key-spec algorithm
// (getKeysUsingKeySpecs): each spec's begin_search (index or keyword)
// and find_keys (range or keynum) over args.
func keysFromSpecs(s *Spec, args [][]byte) ([]keyWithFlags, bool) {
	if s.Name == "migrate" {
		return migrateKeysWithFlags(args)
	}
	info := s.infoNode()
	if len(info.kids) < 9 {
		return nil, false
	}
	num := func(n *node, path ...string) int {
		for _, p := range path {
			n = n.field(p)
		}
		if n == nil {
			return 0
		}
		return int(n.num)
	}
	var out []keyWithFlags
	for _, spec := range info.kids[8].kids {
		var flags []string
		if f := spec.field("flags"); f != nil {
			for _, k := range f.kids {
				flags = append(flags, k.str)
			}
		}
		bs, fk := spec.field("begin_search"), spec.field("find_keys")
		if bs == nil || fk == nil {
			continue
		}
		first := -1
		switch bs.field("type").str {
		case "index":
			first = num(bs, "spec", "index")
		case "keyword":
			kw := bs.field("spec").field("keyword").str
			from := num(bs, "spec", "startfrom")
			step, start, end := 1, from, len(args)
			if from < 0 {
				step, start, end = -1, len(args)+from, 0
			}
			for i := start; i != end && i >= 1 && i < len(args); i += step {
				if strings.EqualFold(string(args[i]), kw) {
					first = i + 1
					break
				}
			}
		}
		if first < 1 || first >= len(args) {
			continue
		}
		last, step := first, 1
		switch fk.field("type").str {
		case "range":
			lk, limit := num(fk, "spec", "lastkey"), num(fk, "spec", "limit")
			step = max(num(fk, "spec", "keystep"), 1)
			if lk >= 0 {
				last = first + lk
			} else if limit <= 1 {
				last = len(args) + lk
			} else {
				last = first + (len(args)-1-first)/limit
			}
		case "keynum":
			idx := first + num(fk, "spec", "keynumidx")
			if idx >= len(args) {
				return nil, false
			}
			n, err := strconv.Atoi(string(args[idx]))
			if err != nil || n < 0 {
				return nil, false
			}
			step = max(num(fk, "spec", "keystep"), 1)
			first = first + num(fk, "spec", "firstkey")
			last = first + (n-1)*step
		default:
			continue
		}
		if last >= len(args) {
			return nil, false
		}
		for i := first; i <= last; i += step {
			out = append(out, keyWithFlags{args[i], flags})
		}
	}
	return out, true
}

func cmdCommandGetkeysandflags(c *Client, args [][]byte) {
	s, cmdArgs, ok := getkeysTarget(c, args)
	if !ok {
		return
	}
	keys, ok := keysFromSpecs(s, cmdArgs)
	if ok && s.Name == "sort" {
		keys = sortStoreKey(cmdArgs, keys)
	}
	if !ok || len(keys) == 0 {
		if len(s.infoNode().kids) > 8 && len(s.infoNode().kids[8].kids) == 0 {
			c.Error("ERR The command has no key arguments")
		} else {
			noKeysFound(c, s)
		}
		return
	}
	variableKeyFlags(s, cmdArgs, keys)
	c.Array(len(keys))
	for _, k := range keys {
		c.Array(2)
		c.Bulk(k.key)
		c.Set(len(k.flags))
		for _, f := range k.flags {
			c.Simple(f)
		}
	}
}

// sortStoreKey adds SORT's STORE destination, whose key spec Redis leaves
// to its getkeys procedure (sortGetKeys): options are skipped by their
// arity and the last STORE wins.
func sortStoreKey(args [][]byte, keys []keyWithFlags) []keyWithFlags {
	i := sortStoreArg(args)
	if i == 0 {
		return keys
	}
	return append(keys, keyWithFlags{key: args[i], flags: []string{"OW", "update"}})
}

// sortStoreArg is the index of SORT's destination key as Redis's
// sortGetKeys finds it (0 for none): LIMIT, GET and BY skip their
// arguments, the last STORE followed by an argument wins, and that
// argument is itself read as an option.
func sortStoreArg(args [][]byte) int {
	store := 0
	for i := 2; i < len(args); i++ {
		switch o := strings.ToLower(string(args[i])); {
		case o == "limit":
			i += 2
		case o == "get" || o == "by":
			i++
		case o == "store" && i+1 < len(args):
			store = i + 1
		}
	}
	return store
}

// variableKeyFlags resolves the key specs marked variable_flags as Redis's
// getkeys procedures do: SET without GET only overwrites, BITFIELD with
// only GET subcommands only reads.
func variableKeyFlags(s *Spec, args [][]byte, keys []keyWithFlags) {
	has := func(word string) bool {
		for _, a := range args[2:] {
			if strings.EqualFold(string(a), word) {
				return true
			}
		}
		return false
	}
	for i := range keys {
		variable := false
		for _, f := range keys[i].flags {
			variable = variable || f == "variable_flags"
		}
		if !variable {
			continue
		}
		switch s.FullName {
		case "set":
			if has("get") {
				keys[i].flags = []string{"RW", "access", "update"}
			} else {
				keys[i].flags = []string{"OW", "update"}
			}
		case "bitfield":
			if has("set") || has("incrby") {
				keys[i].flags = []string{"RW", "access", "update"}
			} else {
				keys[i].flags = []string{"RO", "access"}
			}
		}
	}
}
