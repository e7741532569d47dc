package server_test

import (
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// ACL answers about the default user, MODULE and replication commands
// answer as a standalone Redis does, COMMAND GETKEYSANDFLAGS follows the
// key specs.
func TestDiffACLAndAdmin(t *testing.T) {
	diff(t, []testserver.Case{
		C("acl whoami users", "ACL WHOAMI", "ACL USERS", "ACL LIST"),
		C("acl cat", "ACL CAT", "ACL CAT nosuch", "~ACL CAT hyperloglog", "~ACL CAT geo"),
		C("acl getuser", "ACL GETUSER default", "ACL GETUSER nosuch"),
		C("acl deluser", "ACL DELUSER default", "ACL DELUSER foo", "ACL DELUSER foo default"),
		C("acl genpass errors", "ACL GENPASS 0", "ACL GENPASS 5000", "ACL GENPASS abc", "!ACL GENPASS", "!ACL GENPASS 5"),
		C("acl setuser default", "ACL SETUSER default on nopass ~* &* +@all", "ACL LIST", "ACL SETUSER default badrule"),
		C("acl setuser password", "ACL SETUSER default >s3cret", "ACL LIST", "ACL GETUSER default", "AUTH s3cret", "ACL SETUSER default nopass", "ACL LIST"),
		C("acl dryrun", "ACL DRYRUN default get x", "ACL DRYRUN default nosuch", "ACL DRYRUN nosuch get x", "ACL DRYRUN default get"),
		C("acl load save help", "ACL LOAD", "ACL SAVE", "ACL HELP", "ACL FOO", "ACL"),
		C("acl log", "ACL LOG", "ACL LOG RESET", "ACL LOG 5", "ACL LOG abc"),
		C("module", "MODULE LIST", "MODULE LOAD /x.so", "MODULE HELP", "MODULE"),
		C("replicaof no one", "REPLICAOF NO ONE", "SLAVEOF no one", "REPLICAOF"),
		C("failover", "FAILOVER"),
		C("command getkeysandflags", "COMMAND GETKEYSANDFLAGS set a b", "COMMAND GETKEYSANDFLAGS get a",
			"COMMAND GETKEYSANDFLAGS mset a 1 b 2", "COMMAND GETKEYSANDFLAGS lmove a b left right",
			"COMMAND GETKEYSANDFLAGS zunionstore d 2 a b", `COMMAND GETKEYSANDFLAGS eval "return 1" 2 x y z`,
			"COMMAND GETKEYSANDFLAGS xread count 1 streams a b 0 0", "COMMAND GETKEYSANDFLAGS ping", "COMMAND GETKEYSANDFLAGS nosuch",
			"COMMAND GETKEYSANDFLAGS get", "COMMAND GETKEYSANDFLAGS del a b c", "COMMAND GETKEYSANDFLAGS rename a b",
			"COMMAND GETKEYSANDFLAGS blpop a b 0", "COMMAND GETKEYSANDFLAGS smove a b m", "COMMAND GETKEYSANDFLAGS zunionstore d 5 a"),
	})
}

// aclCase is a case that creates ACL users: it starts with an empty ACL
// log and ends back as the default user with the users it created
// deleted, since users outlive the FLUSHALL between cases.
func aclCase(name string, cmds ...string) testserver.Case {
	users := map[string]bool{}
	var order []string
	for _, line := range cmds {
		f := strings.Fields(strings.TrimLeft(line, "!~"))
		if len(f) >= 3 && strings.EqualFold(f[0], "acl") && strings.EqualFold(f[1], "setuser") {
			u := strings.Trim(f[2], `"'`)
			if u != "default" && !users[u] {
				users[u] = true
				order = append(order, u)
			}
		}
	}
	all := append([]string{"ACL LOG RESET"}, cmds...)
	all = append(all, "AUTH default anything")
	if len(order) > 0 {
		all = append(all, "ACL DELUSER "+strings.Join(order, " "))
	}
	all = append(all, "ACL LOG RESET")
	return C(name, all...)
}

// aclDiff runs ACL cases and, whatever happens, restores both servers'
// users afterwards.
func aclDiff(t *testing.T, cases []testserver.Case) {
	t.Helper()
	t.Cleanup(func() { aclRestore(t) })
	diff(t, cases)
}

// aclRestore deletes every user but default, gives default back every
// permission and no password, and empties the ACL log.
func aclRestore(t *testing.T) {
	if redis == nil {
		return
	}
	for _, addr := range []string{sundial.Addr, redis.Addr} {
		c, err := testserver.Dial(addr, 2)
		if err != nil {
			t.Errorf("dial %s: %v", addr, err)
			continue
		}
		c.Do("AUTH", "default", "x")
		raw, _ := c.Do("ACL", "USERS")
		for _, line := range strings.Split(raw, "\r\n") {
			if line != "" && line[0] != '*' && line[0] != '$' && line != "default" {
				c.Do("ACL", "DELUSER", line)
			}
		}
		for _, cmd := range [][]string{
			{"CONFIG", "SET", "requirepass", ""},
			{"ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all", "clearselectors"},
			{"ACL", "LOG", "RESET"},
			{"CONFIG", "SET", "acllog-max-len", "128"},
		} {
			if r, err := c.Do(cmd...); err != nil || r != "+OK\r\n" {
				t.Errorf("%s %v: %q %v", addr, cmd, r, err)
			}
		}
		c.Close()
	}
}

// ACL SETUSER rules and how ACL LIST and ACL GETUSER write users back.
// Redis lists single commands in its hash order, which changes from run
// to run, so each user here differs from its categories by one command
// at most.
func TestDiffACLSetuser(t *testing.T) {
	aclDiff(t, []testserver.Case{
		aclCase("new user", "ACL SETUSER newuser", "ACL LIST", "ACL GETUSER newuser", "ACL USERS",
			`ACL SETUSER "a a"`, `ACL SETUSER "a\x00b"`, `ACL SETUSER "a\tb"`, "ACL SETUSER newuser", "ACL USERS"),
		aclCase("flags", "ACL SETUSER u1 on", "ACL LIST", "ACL SETUSER u1 OFF nopass", "ACL GETUSER u1",
			"ACL SETUSER u1 sanitize-payload", "ACL LIST", "ACL SETUSER u1 skip-sanitize-payload on", "ACL LIST",
			"ACL GETUSER u1", "ACL SETUSER u1 resetpass", "ACL LIST", `ACL SETUSER u1 ""`, "ACL LIST"),
		aclCase("passwords", "ACL SETUSER u1 >p1 >p2 >p1", "ACL LIST", "ACL GETUSER u1",
			"ACL SETUSER u1 #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6", "ACL GETUSER u1",
			"ACL SETUSER u1 !34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6", "ACL GETUSER u1",
			"ACL SETUSER u1 <p2", "ACL LIST", "ACL SETUSER u1 <nosuch", "ACL SETUSER u1 !nosuch",
			"ACL SETUSER u1 #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e",
			"ACL SETUSER u1 #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4eq",
			"ACL SETUSER u1 #34344E4D60C2B6D639B7BD22E18F2B0B91BC34BF0AC5F9952744435093CFB4E6",
			"ACL SETUSER u1 nopass", "ACL GETUSER u1", "ACL SETUSER u1 >p3 nopass >p4", "ACL LIST",
			"ACL SETUSER u1 > >", "ACL LIST"),
		aclCase("key patterns", "ACL SETUSER u1 ~foo:* ~bar:* ~foo:*", "ACL LIST",
			"ACL SETUSER u1 %R~r* %W~w* %RW~rw* %WR~wr* ~x %R~x %r~lower %wr~mixed", "ACL LIST", "ACL GETUSER u1",
			"ACL SETUSER u1 %X~a", "ACL SETUSER u1 %~a", "ACL SETUSER u1 %", "ACL SETUSER u1 %RR~a", "ACL SETUSER u1 %RWR~a",
			`ACL SETUSER u1 "~a b"`, `ACL SETUSER u1 "%R~a\nb"`, "ACL SETUSER u2 %R", "ACL SETUSER u2 %W", "ACL LIST",
			"ACL SETUSER u1 allkeys", "ACL GETUSER u1", "ACL SETUSER u1 ~a", "ACL SETUSER u1 %R~a",
			"ACL SETUSER u1 resetkeys ~a", "ACL LIST", "ACL SETUSER u1 ~*", "ACL LIST", "ACL SETUSER u1 resetkeys", "ACL GETUSER u1",
			"ACL SETUSER u3 %RW~*", "ACL LIST", "ACL SETUSER u3 ~x"),
		aclCase("channel patterns", "ACL SETUSER u1 &foo &bar:* &foo", "ACL LIST", "ACL GETUSER u1",
			"ACL SETUSER u1 allchannels", "ACL GETUSER u1", "ACL SETUSER u1 &x", "ACL SETUSER u1 resetchannels &x", "ACL LIST",
			"ACL SETUSER u1 &*", "ACL LIST", `ACL SETUSER u1 resetchannels "&a b"`, "ACL SETUSER u1 & resetchannels", "ACL LIST",
			"ACL SETUSER u1 resetchannels &", "ACL LIST"),
		aclCase("command rules", "ACL SETUSER u1 +get", "ACL LIST", "ACL SETUSER u1 -@all +@read", "ACL LIST",
			"ACL SETUSER u1 +@all -@string", "ACL GETUSER u1", "ACL SETUSER u1 +@all -@hash -@slow +hget", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all", "ACL GETUSER u1", "ACL SETUSER u1 -@string -@slow +@all", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +@HASH +@hash +@HaSh", "ACL GETUSER u1", "ACL SETUSER u1 -@all +HGET +hget +hGeT", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +hget -hset +hset -hget", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all -@dangerous", "ACL GETUSER u1", "ACL SETUSER u1 allcommands", "ACL LIST",
			"ACL SETUSER u1 nocommands", "ACL LIST", "ACL SETUSER u1 +@ALL -GET", "ACL LIST", "ACL SETUSER u1 -@ALL", "ACL LIST",
			"ACL SETUSER u1 +@all -get +get", "ACL LIST"),
		aclCase("subcommand rules", "ACL SETUSER u1 -@all +config -config|set", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +config|get", "ACL GETUSER u1", "ACL SETUSER u1 +config", "ACL GETUSER u1",
			"ACL SETUSER u1 +@all -client|kill", "ACL GETUSER u1", "ACL SETUSER u1 +@all -client", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +memory|doctor", "ACL GETUSER u1", "ACL SETUSER u1 +memory", "ACL GETUSER u1",
			"ACL SETUSER u1 +@all +client|id", "ACL GETUSER u1", "ACL SETUSER u1 -@all +config +config|get -config|set +config", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +acl|list -acl", "ACL GETUSER u1", "ACL SETUSER u1 +@all -memory", "ACL GETUSER u1"),
		aclCase("first arguments", "ACL SETUSER u1 -@all +select|0", "ACL GETUSER u1", "ACL SETUSER u1 +select|1 +select|0 +SELECT|1", "ACL LIST",
			"ACL SETUSER u1 +select", "ACL LIST", "ACL SETUSER u1 -select +select|x", "ACL LIST", "ACL SETUSER u1 -select", "ACL LIST",
			"ACL SETUSER u1 -@all +select|0 +select|0", "ACL GETUSER u1", "ACL SETUSER u1 -@all +debug|segfault +debug", "ACL GETUSER u1",
			"ACL SETUSER u1 reset -debug +debug|a +debug|b +debug|c", "ACL GETUSER u1", "ACL SETUSER u1 -debug", "ACL GETUSER u1",
			"ACL SETUSER u1 +@all -debug +debug|digest", "ACL GETUSER u1"),
		aclCase("rule errors", "ACL SETUSER u1 +nosuch", "ACL SETUSER u1 +@nosuch", "ACL SETUSER u1 -@nosuch", "ACL SETUSER u1 -select|0",
			"ACL SETUSER u1 +config|get|foo", "ACL SETUSER u1 +config|foo", "ACL SETUSER u1 -config|foo", "ACL SETUSER u1 +config|",
			"ACL SETUSER u1 +get|key1|key2", "ACL SETUSER u1 -get|key1|key2", "ACL SETUSER u1 +nosuch|x", "ACL SETUSER u1 +nosuch|",
			"ACL SETUSER u1 bad", "ACL SETUSER u1 +", "ACL SETUSER u1 -", "ACL SETUSER u1 +@", "ACL SETUSER u1 -@",
			"ACL SETUSER u1 on +get bad", "ACL USERS", `ACL SETUSER u1 "bad\r\nrule"`, "ACL SETUSER u1 @all", "ACL SETUSER u1 +@all",
			"ACL SETUSER u1 +a|b|c|d", "ACL USERS", "ACL SETUSER u1", "ACL SETUSER u1 on +get badrule", "ACL LIST"),
		aclCase("reset", "ACL SETUSER example", "ACL LIST", "ACL SETUSER example on >p ~x &y +get (+set)", "ACL LIST",
			"ACL SETUSER example reset", "ACL LIST", "ACL GETUSER example"),
		aclCase("selectors", "ACL SETUSER u1 on nopass (+get ~foo) ( +set ~bar )", "ACL LIST", "ACL GETUSER u1",
			"ACL SETUSER u2 (+get", ")", "ACL SETUSER u2 ( +set ~bar )", "ACL LIST",
			"ACL SETUSER u3 (+get ~x", "ACL SETUSER u3 on (+get", "ACL SETUSER u3 (", "ACL SETUSER u3 (on)",
			`ACL SETUSER u3 "( ~a  \"b c\" )"`, "ACL SETUSER u3 (+get (+set)", "ACL SETUSER u3 (+get x)",
			"ACL SETUSER u3 ()", "ACL LIST", "ACL SETUSER u3 (~a) clearselectors (&b)", "ACL LIST", "ACL GETUSER u3",
			"ACL SETUSER u3 clearselectors", "ACL GETUSER u3", `ACL SETUSER u4 "(+get ~'a b')"`, "ACL LIST",
			"ACL SETUSER u5 (allkeys ~x)", "ACL SETUSER u5 (allchannels &x)", "ACL SETUSER u5 (+nosuch)",
			"ACL SETUSER u5 (+@all -@hash +hget)", "ACL GETUSER u5"),
		aclCase("getuser reasonable results",
			"ACL SETUSER additive reset +@all -@keyspace", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@keyspace", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@read", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@read", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@write", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@write", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@set", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@set", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@sortedset", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@sortedset", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@list", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@list", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@hash", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@hash", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@string", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@string", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@bitmap", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@bitmap", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@hyperloglog", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@hyperloglog", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@geo", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@geo", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@stream", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@stream", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@pubsub", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@pubsub", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@admin", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@admin", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@fast", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@fast", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@slow", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@slow", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@blocking", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@blocking", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@dangerous", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@dangerous", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@connection", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@connection", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@transaction", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@transaction", "ACL GETUSER restrictive",
			"ACL SETUSER additive reset +@all -@scripting", "ACL GETUSER additive", "ACL SETUSER restrictive reset -@all +@scripting", "ACL GETUSER restrictive"),
		aclCase("category mixes",
			"ACL SETUSER u1 +@all -@write -@admin", "ACL GETUSER u1", "ACL SETUSER u1 -@all +@geo +@hyperloglog", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +@stream +@blocking -xread", "ACL GETUSER u1",
			"ACL SETUSER u1 -@all +@read +@write -get", "ACL GETUSER u1", "ACL SETUSER u1 +@all -@admin -@dangerous", "ACL GETUSER u1"),
		aclCase("cat", "~ACL CAT", "~ACL CAT SCRIPTING", "~ACL CAT transaction", "~ACL CAT admin",
			"~ACL CAT dangerous", "~ACL CAT pubsub", "~ACL CAT hash", "~ACL CAT stream", "~ACL CAT blocking",
			"ACL CAT NON_EXISTS", "ACL CAT NON_EXISTS NON_EXISTS2", "ACL CAT all"),
		aclCase("getuser and deluser", "ACL GETUSER nosuch", "ACL SETUSER a1", "ACL SETUSER a2", "ACL DELUSER a1 a1 nosuch", "ACL USERS",
			"ACL DELUSER a2 default", "ACL USERS", "ACL DELUSER a2", "ACL DELUSER a2", "ACL GETUSER a2"),
	})
}
