package commands

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"
)

// aclCommands: ACL users, permissions and the ACL log, as Redis 7.0
// (acl_users.go holds the model, acl_check.go the checks). There is no
// ACL file. Replication and modules are not supported.
var aclCommands = []*Spec{
	{Name: "acl", Subs: []*Spec{
		{Name: "whoami", Run: cmdACLWhoami},
		{Name: "users", Run: cmdACLUsers},
		{Name: "list", Run: cmdACLList},
		{Name: "cat", Run: cmdACLCat},
		{Name: "getuser", Run: cmdACLGetuser},
		{Name: "setuser", Run: cmdACLSetuser},
		{Name: "deluser", Run: cmdACLDeluser},
		{Name: "genpass", Run: cmdACLGenpass},
		{Name: "log", Run: cmdACLLog},
		{Name: "dryrun", Run: cmdACLDryrun},
		{Name: "load", Run: cmdACLNoFile},
		{Name: "save", Run: cmdACLNoFile},
		{Name: "help", Run: cmdACLHelp},
	}},
	{Name: "module", Subs: moduleSubcommands()},
	{Name: "replicaof", Run: cmdReplicaof},
	{Name: "slaveof", Run: cmdReplicaof},
	{Name: "failover", Run: cmdFailover},
	{Name: "sync", Run: cmdNoReplication},
	{Name: "psync", Run: cmdNoReplication},
}

func cmdACLWhoami(c *Client, args [][]byte) {
	if c.user == nil {
		c.Null()
		return
	}
	c.BulkString(c.user.name)
}

// sortedUsers lists the users by name, as Redis's radix tree orders them.
func (r *aclRegistry) sortedUsers() []*aclUser {
	out := make([]*aclUser, 0, len(r.users))
	for _, u := range r.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func cmdACLUsers(c *Client, args [][]byte) {
	users := c.e.acl().sortedUsers()
	c.Array(len(users))
	for _, u := range users {
		c.BulkString(u.name)
	}
}

func cmdACLList(c *Client, args [][]byte) {
	users := c.e.acl().sortedUsers()
	c.Array(len(users))
	for _, u := range users {
		c.BulkString("user " + u.name + " " + u.describe())
	}
}

func cmdACLCat(c *Client, args [][]byte) {
	if len(args) == 2 {
		c.StringArray(aclCategories)
		return
	}
	if len(args) > 3 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	bit := aclCategoryBit(string(args[2]))
	if bit == 0 {
		name := args[2]
		if len(name) > 128 {
			name = name[:128]
		}
		c.Error("ERR Unknown category '" + string(name) + "'")
		return
	}
	t := aclCmdIDs()
	var names []string
	for id, s := range t.specs {
		if t.cats[id]&bit != 0 {
			names = append(names, s.FullName)
		}
	}
	c.StringArray(names)
}

// selectorFields writes the commands, keys and channels of a selector.
func selectorFields(c *Client, s *aclSelector) {
	c.BulkString("commands")
	c.BulkString(s.describeCommands())
	c.BulkString("keys")
	c.BulkString(s.keysText())
	c.BulkString("channels")
	c.BulkString(s.channelsText())
}

func cmdACLGetuser(c *Client, args [][]byte) {
	u := c.e.acl().users[string(args[2])]
	if u == nil {
		c.Null()
		return
	}
	c.Map(6)
	c.BulkString("flags")
	flags := u.flags()
	c.Set(len(flags))
	for _, f := range flags {
		c.BulkString(f)
	}
	c.BulkString("passwords")
	c.StringArray(u.passwords)
	selectorFields(c, u.selectors[0])
	c.BulkString("selectors")
	c.Array(len(u.selectors) - 1)
	for _, s := range u.selectors[1:] {
		c.Map(3)
		selectorFields(c, s)
	}
}

// cmdACLSetuser applies every rule to a copy of the user (a new one if
// it does not exist) and keeps the result only if all were valid.
func cmdACLSetuser(c *Client, args [][]byte) {
	name := string(args[2])
	if hasSpaces(name) {
		c.Error("ERR Usernames can't contain spaces or null characters")
		return
	}
	ops := make([]string, len(args)-3)
	for i, a := range args[3:] {
		ops[i] = string(a)
	}
	ops, open := mergeSelectorArgs(ops)
	if open >= 0 {
		c.Error("ERR Unmatched parenthesis in acl selector starting at '" + sanitizeErr(string(args[3+open])) + "'.")
		return
	}
	r := c.e.acl()
	old := r.users[name]
	staged := newACLUser(name)
	if old != nil {
		staged.copyRulesFrom(old)
	}
	for _, op := range ops {
		if err := staged.apply(op); err != aclRuleOK {
			c.Error("ERR Error in ACL SETUSER modifier '" + sanitizeErr(op) + "': " + err.String())
			return
		}
	}
	if old == nil {
		r.users[name] = staged
	} else {
		c.e.aclKillSubscribers(c, old, staged)
		old.copyRulesFrom(staged)
	}
	c.OK()
}

// sanitizeErr makes user text safe inside an error reply, as Redis's
// addReplyErrorFormat turns line breaks into spaces.
func sanitizeErr(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

func cmdACLDeluser(c *Client, args [][]byte) {
	for _, a := range args[2:] {
		if string(a) == "default" {
			c.Error("ERR The 'default' user cannot be removed")
			return
		}
	}
	r := c.e.acl()
	deleted := 0
	for _, a := range args[2:] {
		u := r.users[string(a)]
		if u == nil {
			continue
		}
		delete(r.users, u.name)
		c.e.aclDropUser(c, u, r.def)
		deleted++
	}
	c.Int(int64(deleted))
}

func cmdACLGenpass(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	bits := int64(256)
	if len(args) > 2 {
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil {
			c.Error(errNotInt)
			return
		}
		if n <= 0 || n > 4096 {
			c.Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
			return
		}
		bits = n
	}
	chars := int((bits + 3) / 4)
	buf := make([]byte, (chars+1)/2)
	rand.Read(buf)
	c.BulkString(hex.EncodeToString(buf)[:chars])
}

func cmdACLLog(c *Client, args [][]byte) {
	if len(args) > 3 {
		c.Error(errSubcommandSyntax(args))
		return
	}
	r := c.e.acl()
	count := int64(10)
	if len(args) > 2 {
		if strings.EqualFold(string(args[2]), "reset") {
			clear(r.log)
			r.log = r.log[:0]
			c.OK()
			return
		}
		n, err := strconv.ParseInt(string(args[2]), 10, 64)
		if err != nil {
			c.Error(errNotInt)
			return
		}
		count = max(n, 0)
	}
	count = min(count, int64(len(r.log)))
	now := time.Now().UnixMilli()
	c.Array(int(count))
	for _, x := range r.log[:count] {
		c.Map(7)
		c.BulkString("count")
		c.Int(x.count)
		c.BulkString("reason")
		c.BulkString([...]string{"unknown", "command", "key", "auth", "channel"}[x.reason])
		c.BulkString("context")
		c.BulkString([...]string{"toplevel", "multi", "lua"}[x.context])
		c.BulkString("object")
		c.BulkString(x.object)
		c.BulkString("username")
		c.BulkString(x.username)
		c.BulkString("age-seconds")
		c.Double(float64(now-x.ctime) / 1000)
		c.BulkString("client-info")
		c.BulkString(x.cinfo)
	}
}

// cmdACLDryrun answers whether a user could run a command, with the
// reason in a bulk string when not.
func cmdACLDryrun(c *Client, args [][]byte) {
	u := c.e.acl().users[string(args[2])]
	if u == nil {
		c.Error("ERR User '" + sanitizeErr(string(args[2])) + "' not found")
		return
	}
	cmdArgs := args[3:]
	s := Lookup(cmdArgs[0])
	if s != nil && len(s.Subs) > 0 && len(cmdArgs) > 1 {
		s = s.lookupSub(cmdArgs[1])
	}
	if s == nil {
		c.Error("ERR Command '" + sanitizeErr(string(args[3])) + "' not found")
		return
	}
	if !arityOK(s.Arity, len(cmdArgs)) {
		c.Error(errArity(s.FullName))
		return
	}
	reason, pos := u.check(s, cmdArgs)
	switch reason {
	case aclOK:
		c.OK()
	case aclDeniedKey:
		c.BulkString("This user has no permissions to access the '" + string(cmdArgs[pos]) + "' key")
	case aclDeniedChannel:
		c.BulkString("This user has no permissions to access the '" + string(cmdArgs[pos]) + "' channel")
	default:
		c.BulkString("This user has no permissions to run the '" + s.FullName + "' command")
	}
}

func cmdACLNoFile(c *Client, args [][]byte) {
	c.Error("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
}

func cmdACLHelp(c *Client, args [][]byte) {
	c.helpReply("ACL", []string{
		"CAT [<category>]",
		"    List all commands that belong to <category>, or all command categories",
		"    when no category is specified.",
		"DELUSER <username> [<username> ...]",
		"    Delete a list of users.",
		"DRYRUN <username> <command> [<arg> ...]",
		"    Returns whether the user can execute the given command without executing the command.",
		"GETUSER <username>",
		"    Get the user's details.",
		"GENPASS [<bits>]",
		"    Generate a secure 256-bit user password. The optional `bits` argument can",
		"    be used to specify a different size.",
		"LIST",
		"    Show users details in config file format.",
		"LOAD",
		"    Reload users from the ACL file.",
		"LOG [<count> | RESET]",
		"    Show the ACL log entries.",
		"SAVE",
		"    Save the current config to the ACL file.",
		"SETUSER <username> <attribute> [<attribute> ...]",
		"    Create or modify a user with the specified attributes.",
		"USERS",
		"    List all the registered usernames.",
		"WHOAMI",
		"    Return the current connection username.",
	})
}

// moduleSubcommands: no modules are loaded and none can be. As in Redis,
// MODULE LOAD, LOADEX and UNLOAD are refused unless enable-module-command
// allows them; then they fail as loading a missing library fails.
func moduleSubcommands() []*Spec {
	subs := []*Spec{
		{Name: "list", Run: func(c *Client, args [][]byte) { c.Array(0) }},
		{Name: "help", Run: cmdModuleHelp},
	}
	for full := range redisMeta {
		if name, ok := strings.CutPrefix(full, "module|"); ok && name != "list" && name != "help" {
			subs = append(subs, &Spec{Name: name, Run: cmdModuleProtected})
		}
	}
	return subs
}

func cmdModuleHelp(c *Client, args [][]byte) {
	c.helpReply("MODULE", []string{
		"LIST",
		"    Return a list of loaded modules.",
		"LOAD <path> [<arg> ...]",
		"    Load a module library from <path>, passing to it any optional arguments.",
		"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
		"    Load a module library from <path>, while passing it module configurations and optional arguments.",
		"UNLOAD <name>",
		"    Unload a module.",
	})
}

func cmdModuleProtected(c *Client, args [][]byte) {
	if !protectedActionAllowed(c, "enable-module-command") {
		c.Error("ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
		return
	}
	if strings.EqualFold(string(args[1]), "unload") {
		c.Error("ERR Error unloading module: no such module with that name")
		return
	}
	c.Error("ERR Error loading the extension. Please check the server logs.")
}

// protectedActionAllowed is Redis's allowProtectedAction: the directive
// is yes, or local and the client is on loopback or a unix socket.
func protectedActionAllowed(c *Client, directive string) bool {
	switch v, _ := c.e.Cfg.Get(directive); v {
	case "yes":
		return true
	case "local":
		host, _, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return true // a unix socket
		}
		ip := net.ParseIP(host)
		return ip == nil || ip.IsLoopback()
	}
	return false
}

// cmdReplicaof: sundial is always a master; REPLICAOF NO ONE is a no-op.
func cmdReplicaof(c *Client, args [][]byte) {
	if strings.EqualFold(string(args[1]), "no") && strings.EqualFold(string(args[2]), "one") {
		c.OK()
		return
	}
	c.Error("ERR sundial does not support replication")
}

func cmdFailover(c *Client, args [][]byte) { c.Error("ERR FAILOVER requires connected replicas.") }

func cmdNoReplication(c *Client, args [][]byte) {
	c.Error("ERR sundial does not support replication")
}
