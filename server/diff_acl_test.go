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
			"ACL DELUSER a2 default", "ACL USERS", "ACL DELUSER a2", "ACL DELUSER a2", "ACL GETUSER a2",
			"ACL LOG 1 2", "ACL GENPASS 1 2", "ACL WHOAMI x", "ACL USERS x", "ACL LIST x", "ACL GETUSER", "ACL GETUSER a b"),
	})
}

// Authentication as ACL users and the permission checks: commands,
// subcommands, first arguments, keys with read/write permissions,
// channels, selectors, MULTI, scripts and DRYRUN.
func TestDiffACLPermissions(t *testing.T) {
	aclDiff(t, []testserver.Case{
		aclCase("auth as users", "ACL WHOAMI", "ACL SETUSER newuser >passwd1", "AUTH newuser passwd1",
			"ACL SETUSER newuser on +acl", "AUTH newuser passwd1", "ACL WHOAMI", "ACL SETUSER newuser >passwd2",
			"AUTH newuser passwd1", "AUTH newuser passwd2", "AUTH newuser passwd3", "ACL WHOAMI", "ACL SETUSER newuser <passwd1",
			"AUTH newuser passwd1", "ACL SETUSER newuser #34344e4d60c2b6d639b7bd22e18f2b0b91bc34bf0ac5f9952744435093cfb4e6",
			"AUTH newuser passwd4", "AUTH nosuch x", "AUTH a b c", "AUTH onlypass", "ACL SETUSER newuser nopass",
			"AUTH newuser zipzapblabla", "ACL SETUSER newuser off", "AUTH newuser x", "ACL WHOAMI", "PING"),
		aclCase("commands and keys", "ACL SETUSER newuser on nopass +acl", "AUTH newuser x", "SET foo bar", "GET foo",
			"ACL SETUSER newuser +set", "SET foo bar", "ACL SETUSER newuser allcommands ~foo:* ~bar:*", "SET foo:1 a", "SET bar:2 b",
			"SET zap:3 c", "MSET foo:1 a zap:3 c", "MGET foo:1 bar:2", "MGET foo:1 zap", "DEL foo:1 bar:2", "PING", "ECHO hi",
			"KEYS *", "SCAN 0", "DBSIZE", "ACL SETUSER newuser -ping", "PING", "INCR foo:n", "ACL SETUSER newuser -@all +acl +@set",
			"SADD foo:s a", "ACL SETUSER newuser +@all -@string", "SADD foo:s b", "SET foo:x 1", "GET foo:x", "LPUSH foo:l a",
			"ACL SETUSER newuser allkeys allcommands", "SET zap 1"),
		aclCase("read and write key permissions", "ACL SETUSER rw on nopass +@all %R~r* %W~w* ~a*", "AUTH rw x",
			"SET r1 v", "GET r1", "SET w1 v", "GET w1", "EXISTS r1 w1", "TYPE w1", "STRLEN w1", "SET w1 v GET", "SET a1 v GET",
			"COPY r1 w2", "COPY w1 r2", "AUTH default x", "SET r1 v", "AUTH rw x", "GET r1", "APPEND r1 x", "DEL r1", "DEL w1",
			"LMOVE r1 w1 LEFT RIGHT", "LMOVE w1 r1 LEFT RIGHT", "SORT r1 STORE w1", "SORT_RO r1", "BITFIELD r1 GET u8 0",
			"BITFIELD r1 SET u8 0 1", "BITFIELD_RO r1 GET u8 0", "OBJECT ENCODING r1", "DUMP r1", "RENAME r1 w1", "RENAME a1 a2",
			"EVAL \"return 1\" 1 r1", "ZUNIONSTORE w3 2 r1 r2", "ZUNIONSTORE r3 2 r1 r2", "XREAD STREAMS r1 w1 0 0", "XREAD STREAMS r1 0",
			"GETDEL w1", "TOUCH w1"),
		aclCase("channels", "ACL SETUSER psuser on >pspass +acl +@pubsub", "AUTH default x", "PUBLISH foo bar",
			"AUTH psuser pspass", "PUBLISH foo bar", "SPUBLISH foo bar", "SUBSCRIBE foo", "SSUBSCRIBE foo", "PSUBSCRIBE bar*",
			"ACL SETUSER psuser resetchannels &foo:1 &bar:*", "PUBLISH foo:1 m", "PUBLISH bar:2 m", "PUBLISH zap:3 m",
			"SPUBLISH foo:1 m", "SPUBLISH zap:3 m", "SUBSCRIBE foo:1 zap", "SSUBSCRIBE zap foo:1", "PSUBSCRIBE bar:* foo:*",
			"PSUBSCRIBE bar:baz", "PSUBSCRIBE foo:1 x", "UNSUBSCRIBE zap", "PUNSUBSCRIBE zap", "PUBSUB CHANNELS",
			"ACL SETUSER hpuser on nopass resetchannels &foo +@all", "ACL LIST", "AUTH hpuser pass", "PUBLISH foo bar", "PUBLISH bar game",
			"ACL SETUSER psuser +multi +discard", "AUTH psuser pspass", "MULTI", "PUBLISH notexits helloworld", "DISCARD", "MULTI",
			"SUBSCRIBE notexits foo:1", "DISCARD", "MULTI", "PSUBSCRIBE notexits:* bar:*", "DISCARD"),
		aclCase("subcommands and first arguments", "ACL SETUSER newuser on nopass +@all -client", "AUTH newuser x",
			"ACL SETUSER newuser +client|id +client|setname", "!CLIENT ID", "CLIENT SETNAME foo", "CLIENT KILL type master",
			"ACL SETUSER newuser +@all -client|kill", "CLIENT GETNAME", "CLIENT KILL type master",
			"ACL SETUSER newuser -@all +acl +config -config|set", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0", "CONFIG HELP x",
			"ACL SETUSER newuser -@all +acl +select|0", "SELECT 0", "SELECT 1", "SELECT", "SELECT 0 1",
			"ACL SETUSER newuser -@all +acl +del +incr +debug|object", "DEL key", "INCR key", "DEBUG OBJECT key", "DEBUG SLEEP 0",
			"DEBUG", "ACL SETUSER newuser -@all +acl +del +xadd +@stream", "XADD key * field value", "XINFO STREAM key",
			"ACL SETUSER newuser -@all +acl +memory|doctor", "!MEMORY DOCTOR", "MEMORY STATS", "ACL SETUSER newuser nocommands",
			"AUTH newuser x", "ACL LIST", "!HELLO 2 SETNAME n", "CLIENT GETNAME"),
		aclCase("selectors", "ACL SETUSER sel on nopass +acl (+get ~foo*) (+set ~bar*)", "AUTH sel x", "GET foo1", "GET bar1",
			"SET bar1 v", "SET foo1 v", "MGET foo1 foo2", "GET other", "SET other v", "DEL foo1", "ACL DRYRUN sel get foo1",
			"ACL DRYRUN sel get bar1", "ACL DRYRUN sel set foo1 v", "ACL DRYRUN sel del foo1",
			"ACL SETUSER sel2 on nopass +acl +@read ~a* (+@write ~b*) (&chan +publish)", "AUTH sel2 x", "GET b1", "SET a1 v",
			"SET b1 v", "PUBLISH chan m", "PUBLISH other m", "MSET a1 v b1 v", "ACL SETUSER sel2 clearselectors", "SET b1 v"),
		aclCase("multi", "ACL SETUSER tx on nopass +multi +exec +discard +get +set +acl ~x*", "AUTH tx x", "MULTI", "GET x",
			"SET y 1", "GET y", "INCR x", "EXEC", "MULTI", "SET x1 1", "GET x1", "EXEC", "ACL SETUSER tx -multi", "MULTI", "GET x",
			"EXEC", "ACL SETUSER tx -exec +multi", "MULTI", "GET x", "EXEC", "DISCARD", "ACL SETUSER tx +exec -watch", "WATCH x",
			"MULTI", "WATCH x", "EXEC", "MULTI", "ACL WHOAMI", "AUTH nosuch x", "EXEC", "MULTI", "ACL SETUSER tx -get", "GET x1", "EXEC"),
		aclCase("multi rules change before exec", "ACL SETUSER tx on nopass +@all ~x* ~y* &ch*", "AUTH tx x", "MULTI", "SET x 1",
			"GET y", "PUBLISH ch1 m", "ACL SETUSER tx -set resetkeys ~y resetchannels", "EXEC", "SET x 1", "MULTI", "GET y",
			"ACL SETUSER tx resetkeys ~x", "EXEC"),
		aclCase("scripts", "ACL SETUSER sc on nopass +@scripting +get +set +publish +acl ~x* &ch*", "AUTH sc x",
			`EVAL "return redis.call('get','y')" 0`, `EVAL "return redis.call('set','x', 1)" 0`, `EVAL "return redis.call('hset','x', 1, 2)" 0`,
			`EVAL "return redis.call('publish','zz', 1)" 0`, `EVAL "return redis.call('publish','ch1', 1)" 0`,
			`EVAL "return redis.pcall('get','y')" 0`, `EVAL "return redis.pcall('hset','x', 1, 2)" 0`,
			`EVAL "return redis.pcall('publish','zz', 1)" 0`, `EVAL "return redis.call('get',KEYS[1])" 1 y`,
			`EVAL "return redis.acl_check_cmd('set','xx',1)" 0`, `EVAL "return redis.acl_check_cmd('hset','xx','f',1)" 0`,
			`EVAL "return redis.acl_check_cmd('set','yy',1)" 0`, `EVAL "return redis.acl_check_cmd('invalid-cmd','arg')" 0`,
			`EVAL "return redis.acl_check_cmd('publish','zz','m')" 0`, `EVAL "return redis.acl_check_cmd('acl','whoami')" 0`,
			"ACL SETUSER sc -eval", `EVAL "return 1" 0`, "ACL SETUSER scripter on nopass +readonly",
			`ACL DRYRUN scripter EVAL_RO "" 0`, `ACL DRYRUN scripter EVALSHA_RO "" 0`, `ACL DRYRUN scripter FCALL_RO "" 0`,
			"INFO errorstats"),
		aclCase("dryrun", "ACL SETUSER bob on >123 +get ~x* &ch*", "ACL DRYRUN bob set x 1", "ACL DRYRUN bob get y",
			"ACL DRYRUN bob get x", "ACL DRYRUN bob publish ch1 x", "ACL SETUSER bob +publish +subscribe +psubscribe",
			"ACL DRYRUN bob publish zz x", "ACL DRYRUN bob publish ch1 x", "ACL DRYRUN bob subscribe ch1 zz ch2", "ACL DRYRUN bob psubscribe ch*",
			"ACL DRYRUN bob psubscribe ch1", "ACL DRYRUN bob get", "ACL DRYRUN bob nosuch", "ACL DRYRUN nosuch get x",
			"ACL DRYRUN bob config get x", "ACL DRYRUN bob config nosuch", "ACL DRYRUN bob config", "ACL DRYRUN bob auth x",
			"ACL DRYRUN bob hello", "ACL DRYRUN default set anything 1", "ACL DRYRUN bob mget x1 y1 x2 y2",
			"ACL LOG", "ACL SETUSER bob -@all +select|0", "ACL DRYRUN bob select 0", "ACL DRYRUN bob select 1"),
		aclCase("hello auth", "ACL SETUSER secure-user >supass on +@all", "ACL SETUSER secure-user1 >supass on +@all",
			"ACL SETUSER secure-user2 >supass on +@all", "HELLO 2 AUTH secure-user pass AUTH secure-user2 supass AUTH secure-user1 supass",
			"ACL WHOAMI", "HELLO 2 AUTH secure-user supass AUTH secure-user2 supass AUTH secure-user pass", "ACL WHOAMI",
			"!HELLO 2 setname client1 setname client2", "CLIENT GETNAME", "CLIENT SETNAME client0", "HELLO 2 AUTH user pass setname client1",
			"CLIENT GETNAME", "HELLO 2 setname client3 AUTH nosuch x", "CLIENT GETNAME", "ACL WHOAMI",
			`HELLO 2 setname client5 setname client6 setname "client name"`, "CLIENT GETNAME", "HELLO 2 setname c7 AUTH default x foo",
			"CLIENT GETNAME", "HELLO 4 setname c8", "CLIENT GETNAME",
			"ACL SETUSER default -@all", "!HELLO 2 AUTH secure-user supass", "ACL WHOAMI", "ACL SETUSER default nopass +@all"),
		aclCase("default user", "ACL SETUSER default resetkeys", "GET x", "ACL SETUSER default ~x", "GET x", "GET y",
			"ACL SETUSER default allkeys resetchannels", "PUBLISH c m", "ACL SETUSER default allchannels", "PUBLISH c m",
			"ACL SETUSER default >pw", "ACL LIST", "ACL GETUSER default", "AUTH pw", "AUTH default pw", "AUTH default nope",
			"ACL SETUSER default nopass", "AUTH x", "ACL LIST", "ACL SETUSER default -get", "GET x", "ACL SETUSER default +@all",
			"ACL LIST"),
		aclCase("requirepass", "CONFIG SET requirepass foo", "ACL LIST", "ACL GETUSER default", "AUTH foo", "AUTH default foo",
			"AUTH wrong", "ACL WHOAMI", "CONFIG GET requirepass", "ACL SETUSER default >bar", "CONFIG GET requirepass", "AUTH bar",
			"CONFIG SET requirepass baz", "ACL LIST", "CONFIG SET requirepass \"\"", "ACL LIST", "AUTH x"),
		aclCase("reset returns to default", "ACL SETUSER zed on nopass -@all", "AUTH zed x", "PING", "!HELLO 2", "RESET",
			"ACL WHOAMI", "AUTH zed x", "CLIENT KILL USER nosuch", "CLIENT KILL USER zed SKIPME yes", "RESET", "CLIENT KILL USER zed",
			"ACL WHOAMI"),
	})
}

// With enable-module-command yes, MODULE LOAD and UNLOAD run and fail as
// for a library that does not exist (sundial loads no modules).
func TestDiffModuleEnabled(t *testing.T) {
	s := startWith(t, "enable-module-command", "yes")
	r, err := testserver.StartRedis("--enable-module-command", "yes")
	if err != nil {
		t.Fatal(err)
	}
	testserver.SkipOrFail(t, r)
	t.Cleanup(r.Stop)
	testserver.Diff(t, s, r, []testserver.Case{
		C("module enabled", "MODULE LOAD /nonexistent/lib.so", "MODULE LOAD /nonexistent/lib.so a b",
			"MODULE LOADEX /nonexistent/lib.so CONFIG p v ARGS a", "MODULE LOADEX /nonexistent/lib.so CONFIG p",
			"MODULE UNLOAD foo", "MODULE LIST", "CONFIG GET enable-module-command"),
	})
}
