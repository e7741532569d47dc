package commands

import (
	"math/rand"
	"slices"
	"testing"

	"sundial/config"
)

// Every rule list written back by describeCommands must rebuild the same
// command bitmap, first arguments and future-commands bit (Redis aborts
// if it does not).
func TestACLDescribeRoundTrip(t *testing.T) {
	pool := []string{"+@all", "-@all", "allcommands", "nocommands", "+get", "-get", "+set", "-set",
		"+config", "-config", "+config|get", "-config|set", "+client|id", "-client", "+select|0",
		"+select|1", "+debug|object", "-debug", "+acl|list", "+lolwut", "-lolwut", "+tau.at", "-tau.append",
		"+keyspaces", "-keyspaces", "+client|setinfo"}
	for _, c := range aclCategories {
		pool = append(pool, "+@"+c, "-@"+c)
	}
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 300; round++ {
		u := newACLUser("u")
		var rules []string
		for i := rng.Intn(8); i >= 0; i-- {
			r := pool[rng.Intn(len(pool))]
			rules = append(rules, r)
			if err := u.apply(r); err != aclRuleOK {
				t.Fatalf("rule %q: %v", r, err)
			}
		}
		s := u.selectors[0]
		desc := s.describeCommands()
		back := newACLUser("back")
		for _, r := range splitRules(desc) {
			if err := back.apply(r); err != aclRuleOK {
				t.Fatalf("rules %q described as %q: %q refused: %v", rules, desc, r, err)
			}
		}
		b := back.selectors[0]
		if !slices.Equal(s.allowed, b.allowed) || s.future != b.future {
			t.Fatalf("rules %q described as %q rebuild another bitmap", rules, desc)
		}
		for id, args := range s.firstArgs {
			if !s.bit(id) && !slices.Equal(args, b.firstArgs[id]) {
				t.Fatalf("rules %q described as %q lose first args of %s", rules, desc, aclCmdIDs().specs[id].FullName)
			}
		}
	}
}

func splitRules(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// The default user skips every check; taking away anything makes it
// checked, giving it all back makes it free again.
func TestACLUnrestricted(t *testing.T) {
	e := NewEngine(config.New(), nil)
	def := e.acl().def
	if !def.unrestricted {
		t.Fatal("default user is checked")
	}
	for _, rule := range []string{"-get", "resetkeys", "resetchannels", "-@read"} {
		def.apply(rule)
		if def.unrestricted {
			t.Fatalf("after %q the default user is not checked", rule)
		}
		for _, r := range []string{"+@all", "allkeys", "allchannels"} {
			def.apply(r)
		}
		if !def.unrestricted {
			t.Fatalf("after %q and +@all allkeys allchannels the default user is checked", rule)
		}
	}
	u := newACLUser("sel")
	u.apply("(+@all ~* &*)")
	if !u.unrestricted {
		t.Fatal("a selector allowing everything leaves the user checked")
	}
}

// Key permissions follow the key specs: read for access, write for
// insert, update and delete.
func TestACLKeyPermissions(t *testing.T) {
	u := newACLUser("rw")
	for _, r := range []string{"on", "+@all", "%R~r*", "%W~w*"} {
		u.apply(r)
	}
	cases := []struct {
		args []string
		ok   bool
	}{
		{[]string{"get", "r1"}, true},
		{[]string{"get", "w1"}, false},
		{[]string{"set", "w1", "v"}, true},
		{[]string{"set", "w1", "v", "get"}, false},
		{[]string{"set", "r1", "v"}, false},
		{[]string{"copy", "r1", "w1"}, true},
		{[]string{"copy", "w1", "r1"}, false},
		{[]string{"exists", "r1", "w1"}, true},
		{[]string{"sort", "r1", "store", "w1"}, true},
		{[]string{"sort", "r1", "store", "r2"}, false},
		{[]string{"bitfield", "r1", "get", "u8", "0"}, true},
		{[]string{"bitfield", "r1", "set", "u8", "0", "1"}, false},
		{[]string{"eval", "return 1", "2", "r1", "w1"}, false},
		{[]string{"eval", "return 1", "0"}, true},
	}
	for _, tc := range cases {
		args := make([][]byte, len(tc.args))
		for i, a := range tc.args {
			args[i] = []byte(a)
		}
		s := Lookup(args[0])
		reason, _ := u.check(s, args)
		if (reason == aclOK) != tc.ok {
			t.Errorf("%q: reason %d, want allowed=%v", tc.args, reason, tc.ok)
		}
	}
}

func benchACLEngine(b *testing.B, rules ...string) (*Engine, *Client) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	e.aclNewClient(c)
	if len(rules) > 0 {
		u := newACLUser("bench")
		for _, r := range append([]string{"on", "nopass"}, rules...) {
			u.apply(r)
		}
		c.user = u
	}
	return e, c
}

func benchACLGet(b *testing.B, e *Engine, c *Client) {
	e.Exec(c, [][]byte{[]byte("SET"), []byte("key:1"), []byte("value")})
	args := [][]byte{[]byte("GET"), []byte("key:1")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, args)
	}
}

// A GET as the default user costs what it costs without ACLs (compare
// with BenchmarkExecGet); a restricted user pays for the key check.
func BenchmarkACLGetDefaultUser(b *testing.B) {
	e, c := benchACLEngine(b)
	benchACLGet(b, e, c)
}

func BenchmarkACLGetRestrictedUser(b *testing.B) {
	e, c := benchACLEngine(b, "+@all", "~key:*")
	benchACLGet(b, e, c)
}
