package commands

import (
	"sort"
	"strings"
	"sync/atomic"
)

// Handler runs one command. args[0] is the command name; the arity has
// already been checked. It writes its reply to c and, for a write, marks
// the change with c.Dirty so the command is propagated.
type Handler func(c *Client, args [][]byte)

// Spec describes one command (or subcommand) of the table. Arity, flags
// and key positions come from Redis's own COMMAND INFO (generated into
// redis_commands_gen.go) unless set here, which only sundial's own
// commands do.
type Spec struct {
	Name string // lower case, as COMMAND INFO prints it
	Run  Handler
	Subs []*Spec // subcommands of a container command (CONFIG, CLIENT …)

	Arity                   int  // N: exactly N incl. name; -N: at least N
	Flags                   Flag // write, readonly, denyoom …
	FirstKey, LastKey, Step int
	// Categories, Tips and KeySpecs feed COMMAND INFO for sundial's own
	// commands; Redis's commands reuse Redis's entry verbatim.
	Categories []string
	Summary    string
	Group      string
	Since      string

	FullName string // "config|get" for subcommands
	parent   *Spec
	info     *node
	docs     *node
	stats    cmdStats
}

// cmdStats are the counters of INFO commandstats.
type cmdStats struct {
	calls, usec, rejected, failed atomic.Int64
	hist                          atomic.Pointer[latencyHist] // allocated on first call
}

// table maps lower-case command names to their specs. It is built in init
// because handlers (COMMAND, EXEC) refer back to it.
var table map[string]*Spec

func init() { table = buildTable() }

func buildTable() map[string]*Spec {
	// Every family's part of the table.
	families := [][]*Spec{
		connectionCommands, serverCommands, keyCommands, stringCommands,
		bitmapCommands, hllCommands, hashCommands, listCommands, setCommands,
		zsetCommands, geoCommands, sortCommands, streamCommands, tauCommands,
		txCommands, scriptingCommands, pubsubCommands, clusterCommands, aclCommands,
		opsCommands,
	}
	t := make(map[string]*Spec)
	for _, fam := range families {
		for _, s := range fam {
			s.FullName = s.Name
			s.attachMeta()
			for _, sub := range s.Subs {
				sub.parent = s
				sub.FullName = s.Name + "|" + sub.Name
				sub.attachMeta()
			}
			t[s.Name] = s
		}
	}
	return t
}

// attachMeta fills arity, flags and key positions from Redis's entry.
func (s *Spec) attachMeta() {
	s.info = redisMeta[s.FullName]
	s.docs = redisDocs[s.FullName]
	n := s.info
	if n == nil || s.Arity != 0 {
		return
	}
	s.Arity = int(n.kids[1].num)
	for _, f := range n.kids[2].kids {
		s.Flags |= parseFlag(f.str)
	}
	s.FirstKey = int(n.kids[3].num)
	s.LastKey = int(n.kids[4].num)
	s.Step = int(n.kids[5].num)
}

// Lookup finds a command by name, case-insensitively, without allocating.
func Lookup(name []byte) *Spec {
	if len(name) > 32 {
		return nil
	}
	var buf [32]byte
	low := buf[:len(name)]
	for i, c := range name {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return table[string(low)]
}

// lookupSub finds a subcommand of a container command.
func (s *Spec) lookupSub(name []byte) *Spec {
	low := strings.ToLower(string(name))
	for _, sub := range s.Subs {
		if sub.Name == low {
			return sub
		}
	}
	return nil
}

// arityOK checks argc against a Redis arity.
func arityOK(arity, argc int) bool {
	if arity >= 0 {
		return argc == arity
	}
	return argc >= -arity
}

// sortedSpecs returns every top-level command sorted by name.
func sortedSpecs() []*Spec {
	out := make([]*Spec, 0, len(table))
	for _, s := range table {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names lists every command name of the table (for README and tests).
func Names() []string {
	var out []string
	for _, s := range sortedSpecs() {
		out = append(out, s.Name)
	}
	return out
}

// ByGroup lists command names by their documentation group ("string",
// "list", "server" …), for the README's command list.
func ByGroup() map[string][]string {
	out := map[string][]string{}
	for _, s := range sortedSpecs() {
		g := "other"
		if n := s.docsNode().field("group"); n != nil && n.str != "" {
			g = n.str
		}
		out[g] = append(out[g], s.Name)
	}
	return out
}
