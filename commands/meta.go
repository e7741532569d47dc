package commands

import (
	"strconv"
	"strings"
)

// node is a parsed RESP3 value. It holds Redis's own COMMAND INFO and
// COMMAND DOCS replies so they can be re-encoded for RESP2 or RESP3.
type node struct {
	kind byte // the RESP3 type byte: + - : $ * % ~ _ , # =
	str  string
	num  int64
	kids []*node
}

// parseNode parses one RESP3 value from s and returns it with the rest.
func parseNode(s string) (*node, string) {
	end := strings.Index(s, "\r\n")
	if end < 1 {
		return nil, ""
	}
	n := &node{kind: s[0]}
	body, rest := s[1:end], s[end+2:]
	switch n.kind {
	case '+', '-', ',', '#':
		n.str = body
	case ':':
		n.num, _ = strconv.ParseInt(body, 10, 64)
	case '$', '=':
		l, _ := strconv.Atoi(body)
		if l < 0 || l+2 > len(rest) {
			n.kind = '_'
			return n, rest
		}
		n.str, rest = rest[:l], rest[l+2:]
	case '*', '~', '%', '>':
		l, _ := strconv.Atoi(body)
		if n.kind == '%' {
			l *= 2
		}
		for i := 0; i < l; i++ {
			var k *node
			k, rest = parseNode(rest)
			if k == nil {
				break
			}
			n.kids = append(n.kids, k)
		}
	}
	return n, rest
}

// write encodes n for the reply's protocol.
func (n *node) write(r *Reply) {
	switch n.kind {
	case '+':
		r.Simple(n.str)
	case '-':
		r.Error(n.str)
	case ':':
		r.Int(n.num)
	case '$':
		r.BulkString(n.str)
	case '=':
		if len(n.str) >= 4 {
			r.Verbatim(n.str[4:])
		} else {
			r.BulkString(n.str)
		}
	case '_':
		r.Null()
	case '*':
		r.Array(len(n.kids))
	case '~':
		r.Set(len(n.kids))
	case '%':
		r.Map(len(n.kids) / 2)
	case '>':
		r.Push(len(n.kids))
	default:
		r.BulkString(n.str)
	}
	for _, k := range n.kids {
		k.write(r)
	}
}

// field returns the value of key in a map node, or nil.
func (n *node) field(key string) *node {
	if n == nil || n.kind != '%' {
		return nil
	}
	for i := 0; i+1 < len(n.kids); i += 2 {
		if n.kids[i].str == key {
			return n.kids[i+1]
		}
	}
	return nil
}

// Flag is a command flag as COMMAND INFO lists it.
type Flag uint32

const (
	FlagWrite Flag = 1 << iota
	FlagReadonly
	FlagDenyOOM
	FlagModule
	FlagAdmin
	FlagPubSub
	FlagNoScript
	FlagBlocking
	FlagLoading
	FlagStale
	FlagSkipMonitor
	FlagSkipSlowlog
	FlagAsking
	FlagFast
	FlagNoAuth
	FlagMayReplicate
	FlagNoMandatoryKeys
	FlagNoMulti
	FlagAllowBusy
	FlagMovableKeys
)

var flagNames = []string{"write", "readonly", "denyoom", "module", "admin", "pubsub",
	"noscript", "blocking", "loading", "stale", "skip_monitor", "skip_slowlog", "asking",
	"fast", "no_auth", "may_replicate", "no_mandatory_keys", "no_multi", "allow_busy",
	"movablekeys"}

func parseFlag(name string) Flag {
	for i, n := range flagNames {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

// Names lists the flags in COMMAND INFO order.
func (f Flag) Names() []string {
	var out []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// redisMeta maps a command's full name ("get", "config|get") to Redis's
// COMMAND INFO entry; redisDocs likewise to its COMMAND DOCS entry.
var redisMeta, redisDocs = loadRedisMeta()

func loadRedisMeta() (map[string]*node, map[string]*node) {
	info := make(map[string]*node)
	var addInfo func(n *node)
	addInfo = func(n *node) {
		if n == nil || len(n.kids) < 10 {
			return
		}
		info[n.kids[0].str] = n
		for _, sub := range n.kids[9].kids {
			addInfo(sub)
		}
	}
	for _, raw := range redisCommandInfo {
		n, _ := parseNode(raw)
		addInfo(n)
	}
	docs := make(map[string]*node)
	var addDocs func(m *node, prefix string)
	addDocs = func(m *node, prefix string) {
		for i := 0; m != nil && i+1 < len(m.kids); i += 2 {
			name := m.kids[i].str
			docs[name] = m.kids[i+1]
			addDocs(m.kids[i+1].field("subcommands"), name)
		}
	}
	root, _ := parseNode(redisCommandDocs)
	addDocs(root, "")
	return info, docs
}
