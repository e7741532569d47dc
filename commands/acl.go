package commands

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// aclCommands: sundial has one user, "default", whose password is
// requirepass, as Redis's default user. ACL answers about it as Redis does
// and lets it be changed; other users cannot be created. Replication and
// modules are not supported.
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

// aclCategories are Redis 7.0's command categories, in its order.
var aclCategories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash",
	"string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
	"blocking", "dangerous", "connection", "transaction", "scripting"}

func cmdACLWhoami(c *Client, args [][]byte) { c.BulkString("default") }

func cmdACLUsers(c *Client, args [][]byte) { c.StringArray([]string{"default"}) }

// passwordHash is the SHA-256 hex digest ACL shows instead of a password.
func passwordHash(pw string) string {
	sum := sha256.Sum256([]byte(pw))
	return hex.EncodeToString(sum[:])
}

func cmdACLList(c *Client, args [][]byte) {
	pass := "nopass"
	if pw := c.e.Cfg.RequirePass; pw != "" {
		pass = "#" + passwordHash(pw)
	}
	c.StringArray([]string{"user default on " + pass + " ~* &* +@all"})
}

func cmdACLCat(c *Client, args [][]byte) {
	if len(args) == 2 {
		c.StringArray(aclCategories)
		return
	}
	if len(args) > 3 {
		c.Error(errArity("acl|cat"))
		return
	}
	want := "@" + strings.ToLower(string(args[2]))
	known := false
	for _, cat := range aclCategories {
		known = known || "@"+cat == want
	}
	if !known {
		c.Error("ERR Unknown category '" + string(args[2]) + "'")
		return
	}
	var names []string
	var add func(s *Spec)
	add = func(s *Spec) {
		if len(s.Subs) > 0 {
			for _, sub := range s.Subs {
				add(sub)
			}
			return
		}
		for _, cat := range s.infoNode().kids[6].kids {
			if cat.str == want {
				names = append(names, s.FullName)
				return
			}
		}
	}
	for _, s := range sortedSpecs() {
		add(s)
	}
	c.StringArray(names)
}

func cmdACLGetuser(c *Client, args [][]byte) {
	if string(args[2]) != "default" {
		c.Null()
		return
	}
	c.Map(6)
	c.BulkString("flags")
	pw := c.e.Cfg.RequirePass
	flags := []string{"on", "nopass"}
	if pw != "" {
		flags = flags[:1]
	}
	c.Set(len(flags))
	for _, f := range flags {
		c.BulkString(f)
	}
	c.BulkString("passwords")
	if pw == "" {
		c.Array(0)
	} else {
		c.StringArray([]string{passwordHash(pw)})
	}
	c.BulkString("commands")
	c.BulkString("+@all")
	c.BulkString("keys")
	c.BulkString("~*")
	c.BulkString("channels")
	c.BulkString("&*")
	c.BulkString("selectors")
	c.Array(0)
}

// cmdACLSetuser accepts the rules that describe what the default user
// already is, and password changes (which set requirepass).
func cmdACLSetuser(c *Client, args [][]byte) {
	if bytes.ContainsAny(args[2], " \x00") {
		c.Error("ERR Usernames can't contain spaces or null characters")
		return
	}
	if string(args[2]) != "default" {
		c.Error("ERR sundial supports only the default user")
		return
	}
	pw, changed := c.e.Cfg.RequirePass, false
	for _, a := range args[3:] {
		rule := string(a)
		switch {
		case rule == "on", rule == "~*", rule == "&*", rule == "+@all", rule == "allkeys",
			rule == "allchannels", rule == "allcommands":
		case rule == "nopass", rule == "resetpass":
			pw, changed = "", true
		case strings.HasPrefix(rule, ">"):
			pw, changed = rule[1:], true
		case strings.HasPrefix(rule, "<"):
			if rule[1:] == pw {
				pw, changed = "", true
			}
		default:
			c.Error("ERR Error in ACL SETUSER modifier '" + rule + "': Syntax error")
			return
		}
	}
	if changed {
		c.e.Cfg.Set("requirepass", []string{pw})
	}
	c.OK()
}

func cmdACLDeluser(c *Client, args [][]byte) {
	for _, a := range args[2:] {
		if string(a) == "default" {
			c.Error("ERR The 'default' user cannot be removed")
			return
		}
	}
	c.Int(0)
}

func cmdACLGenpass(c *Client, args [][]byte) {
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
	if len(args) > 2 {
		if strings.EqualFold(string(args[2]), "reset") {
			c.OK()
			return
		}
		if _, err := strconv.ParseInt(string(args[2]), 10, 64); err != nil {
			c.Error(errNotInt)
			return
		}
	}
	c.Array(0)
}

func cmdACLDryrun(c *Client, args [][]byte) {
	if string(args[2]) != "default" {
		c.Error("ERR User '" + string(args[2]) + "' not found")
		return
	}
	s := Lookup(args[3])
	if s == nil {
		c.Error("ERR Command '" + string(args[3]) + "' not found")
		return
	}
	cmdArgs := args[3:]
	if len(s.Subs) > 0 && len(cmdArgs) > 1 {
		if sub := s.lookupSub(cmdArgs[1]); sub != nil {
			s = sub
		}
	}
	if !arityOK(s.Arity, len(cmdArgs)) {
		c.Error(errArity(s.FullName))
		return
	}
	c.OK()
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

// moduleSubcommands: no modules are loaded and none can be, as a Redis
// with enable-module-command off.
func moduleSubcommands() []*Spec {
	subs := []*Spec{
		{Name: "list", Run: func(c *Client, args [][]byte) { c.Array(0) }},
		{Name: "help", Run: cmdModuleHelp},
	}
	for full := range redisMeta {
		if name, ok := strings.CutPrefix(full, "module|"); ok && name != "list" && name != "help" {
			subs = append(subs, &Spec{Name: name, Run: cmdModuleDisabled})
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

func cmdModuleDisabled(c *Client, args [][]byte) {
	c.Error("ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
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
