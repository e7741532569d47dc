package server_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// ACL behaviour that involves several connections or the ACL log,
// compared with redis-server through transcripts (mpScenario): what
// each connection receives, and whether it was disconnected.

// aclScenario runs an ACL scenario and restores both servers' users.
func aclScenario(t *testing.T, name string, fn func(r *mpRun)) {
	t.Helper()
	t.Cleanup(func() { aclRestore(t) })
	mpScenario(t, name, func(r *mpRun) {
		defer func() { r.quiet("_admin", "AUTH", "default", "x") }()
		r.quiet("_admin", "ACL", "LOG", "RESET")
		fn(r)
	})
}

var (
	aclAgeRE   = regexp.MustCompile(`(age-seconds\r\n)(\$\d+\r\n[^\r]*|,[^\r]*)\r\n`)
	aclCinfoRE = regexp.MustCompile(`(client-info\r\n)\$\d+\r\n([^\r]*)\r\n`)
)

// aclLogView shows an ACL LOG reply with the entries' ages left out and
// only the client-info fields that do not depend on the connection.
func aclLogView(raw string) string {
	raw = aclAgeRE.ReplaceAllString(raw, "${1}<age>\r\n")
	return aclCinfoRE.ReplaceAllStringFunc(raw, func(m string) string {
		info := aclCinfoRE.FindStringSubmatch(m)[2]
		var keep []string
		for _, f := range strings.Fields(info) {
			k, _, _ := strings.Cut(f, "=")
			switch k {
			case "name", "flags", "db", "sub", "psub", "ssub", "multi", "cmd", "user", "resp":
				keep = append(keep, f)
			}
		}
		return "client-info\r\n<" + strings.Join(keep, " ") + ">\r\n"
	})
}

// aclLog records the ACL log as seen from conn.
func aclLog(r *mpRun, conn string, args ...string) {
	s := r.quiet(conn, append([]string{"ACL", "LOG"}, args...)...)
	r.note("%s> ACL LOG %s", conn, strings.Join(args, " "))
	r.note("%s< %q", conn, aclLogView(s))
}

// expectClosed records whether the server closed conn: a PING either
// answers or finds the connection gone.
func expectClosed(r *mpRun, conn string) {
	c := r.conn(conn)
	c.Send("PING")
	s, err := c.ReadRaw()
	if err != nil {
		r.note("%s closed", conn)
		delete(r.conns, conn)
		c.Close()
		return
	}
	r.note("%s open: %q", conn, s)
}

// newConn opens conn without asking its client ID, for connections that
// must authenticate first.
func newConn(r *mpRun, conn string) {
	c, err := testserver.Dial(r.addr, 2)
	if err != nil {
		r.t.Fatalf("%s: dial: %v", r.name, err)
	}
	r.conns[conn] = c
	r.ids[conn] = "?"
	if r.proto == 3 {
		// The reply holds the client ID: only its type is compared.
		s := r.quiet(conn, "HELLO", "3", "AUTH", "default", "x")
		r.note("%s> HELLO 3 AUTH default x: %q", conn, s[:1])
	}
}

// waitBlocked waits until n clients are blocked.
func waitBlocked(r *mpRun, n int) {
	want := strconv.Itoa(n)
	for i := 0; i < 500 && r.info("blocked_clients") != want; i++ {
		time.Sleep(2 * time.Millisecond)
	}
}

// clientField returns one field of a CLIENT INFO line.
func clientField(info, name string) string {
	for _, f := range strings.Fields(info) {
		if v, ok := strings.CutPrefix(f, name+"="); ok {
			return v
		}
	}
	return "<none>"
}

func TestDiffACLLog(t *testing.T) {
	aclScenario(t, "ACL LOG entries", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "antirez", ">foo", "on", "+set", "~object:1234")
		r.do("A", "ACL", "SETUSER", "antirez", "+eval", "+multi", "+exec")
		r.do("A", "ACL", "SETUSER", "antirez", "resetchannels", "+publish")
		r.do("B", "AUTH", "antirez", "foo")
		r.do("B", "GET", "foo")
		aclLog(r, "A")
		// Similar events are grouped.
		r.do("B", "GET", "foo")
		r.do("B", "GET", "foo")
		aclLog(r, "A", "1")
		r.do("B", "SET", "somekeynotallowed", "1234")
		r.do("B", "PUBLISH", "somechannelnotallowed", "nullmsg")
		aclLog(r, "A", "2")
		r.do("A", "ACL", "LOG", "RESET")
		aclLog(r, "A")
		// Transactions: refused while queued and when EXEC runs.
		r.do("B", "MULTI")
		r.do("B", "INCR", "foo")
		r.do("B", "EXEC")
		aclLog(r, "A")
		r.do("A", "ACL", "SETUSER", "antirez", "+incr")
		r.do("B", "MULTI")
		r.do("B", "INCR", "object:1234")
		r.do("A", "ACL", "SETUSER", "antirez", "-incr")
		r.do("B", "EXEC")
		aclLog(r, "A", "1")
		// Scripts.
		r.do("B", "EVAL", "redis.call('incr','foo')", "0")
		r.do("B", "EVAL", "redis.call('set','foo', 1)", "0")
		r.do("B", "EVAL", "redis.call('publish','ch', 1)", "0")
		aclLog(r, "A", "3")
		// Failed authentications.
		r.do("B", "AUTH", "antirez", "wrong-password")
		r.do("B", "auth", "nosuch", "x")
		r.do("C", "HELLO", "2", "AUTH", "antirez", "bad")
		r.do("B", "MULTI")
		r.do("B", "AUTH", "antirez", "bad")
		r.do("B", "EXEC")
		aclLog(r, "A", "4")
		aclLog(r, "A", "0")
		aclLog(r, "A", "-5")
		r.do("A", "ACL", "LOG", "abc")
		r.do("A", "ACL", "LOG", "1", "2")
		r.do("A", "ACL", "LOG", "reset")
		// The log's length is bounded by acllog-max-len.
		r.do("A", "CONFIG", "SET", "acllog-max-len", "5")
		for _, k := range []string{"obj:1", "obj:2", "obj:3", "obj:4", "obj:5", "obj:6", "obj:7"} {
			r.do("B", "SET", k, "123")
		}
		aclLog(r, "A", "100")
		r.do("A", "CONFIG", "SET", "acllog-max-len", "0")
		aclLog(r, "A", "100")
		r.do("B", "SET", "obj:8", "123")
		aclLog(r, "A", "100")
		r.do("A", "CONFIG", "SET", "acllog-max-len", "128")
		r.do("A", "ACL", "DELUSER", "antirez")
	})
	aclScenario(t, "ACL LOG of subcommands and keys in MULTI", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "demo", "on", "nopass", "+multi", "+exec", "+get", "~k*")
		r.do("B", "AUTH", "demo", "x")
		r.do("B", "SCRIPT", "HELP")
		r.do("B", "MULTI")
		r.do("B", "GET", "k1")
		r.do("B", "GET", "other")
		r.do("B", "CLIENT", "LIST")
		r.do("B", "EXEC")
		aclLog(r, "A")
		r.do("A", "ACL", "DELUSER", "demo")
	})
}

// Clients authenticated as a user see its new rules at once; deleting
// the user disconnects them; CLIENT LIST and CLIENT KILL know users.
func TestDiffACLClients(t *testing.T) {
	aclScenario(t, "SETUSER applies to connected clients", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*")
		r.do("B", "AUTH", "u", "x")
		r.do("B", "SET", "k", "v")
		r.do("A", "ACL", "SETUSER", "u", "-set")
		r.do("B", "SET", "k", "v")
		r.do("B", "GET", "k")
		r.do("A", "ACL", "SETUSER", "u", "off", "resetpass")
		r.do("B", "GET", "k")
		r.do("B", "ACL", "WHOAMI")
		r.do("C", "AUTH", "u", "x")
		r.do("A", "ACL", "SETUSER", "u", "reset")
		r.do("B", "GET", "k")
		expectClosed(r, "B")
		r.do("A", "ACL", "DELUSER", "u")
	})
	aclScenario(t, "DELUSER disconnects the user's clients", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "not_used", "on", ">passwd")
		r.do("A", "ACL", "DELUSER", "not_used")
		r.do("A", "PING")
		r.do("A", "ACL", "SETUSER", "using", "on", "+acl", "+ping", ">passwd")
		r.do("B", "AUTH", "using", "passwd")
		r.do("C", "AUTH", "using", "passwd")
		r.do("D", "PING")
		r.do("A", "ACL", "DELUSER", "using", "nosuch")
		expectClosed(r, "B")
		expectClosed(r, "C")
		expectClosed(r, "D")
		// A client deleting its own user gets the reply, then is closed.
		r.do("A", "ACL", "SETUSER", "using", "on", "+acl", ">passwd")
		r.do("B", "AUTH", "using", "passwd")
		r.do("B", "ACL", "DELUSER", "using")
		expectClosed(r, "B")
		r.do("A", "ACL", "USERS")
	})
	aclScenario(t, "DELUSER of a blocked client", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "blk", "on", "nopass", "+@all", "~*")
		r.do("B", "AUTH", "blk", "x")
		r.send("B", "BLPOP", "list1", "0")
		waitBlocked(r, 1)
		r.do("A", "ACL", "DELUSER", "blk")
		r.do("A", "LPUSH", "list1", "foo")
		r.do("A", "LLEN", "list1")
		expectClosed(r, "B")
	})
	aclScenario(t, "CLIENT LIST and CLIENT KILL USER", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "kuser", "on", "nopass", "+@all")
		r.do("B", "AUTH", "kuser", "x")
		r.do("C", "AUTH", "kuser", "x")
		for _, c := range []string{"A", "B"} {
			info := r.quiet(c, "CLIENT", "INFO")
			r.note("%s user=%s", c, clientField(info, "user"))
		}
		list := r.quiet("A", "CLIENT", "LIST")
		users := 0
		for _, line := range strings.Split(list, "\n") {
			if clientField(line, "user") == "kuser" {
				users++
			}
		}
		r.note("kuser clients: %d", users)
		r.do("A", "CLIENT", "KILL", "USER", "nosuch")
		r.do("A", "CLIENT", "KILL", "USER", "kuser", "SKIPME", "no")
		expectClosed(r, "B")
		expectClosed(r, "C")
		r.do("A", "CLIENT", "KILL", "USER", "kuser")
		r.do("D", "AUTH", "kuser", "x")
		r.do("D", "CLIENT", "KILL", "USER", "kuser", "SKIPME", "no")
		expectClosed(r, "D")
		r.do("A", "PING")
	})
	aclScenario(t, "default user off or with a password", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "admin", "on", ">adm", "+@all", "~*", "&*")
		r.do("A", "ACL", "SETUSER", "default", "off")
		newConn(r, "B")
		r.do("B", "PING")
		r.do("B", "HELLO", "2")
		r.do("B", "AUTH", "default", "x")
		r.do("B", "AUTH", "admin", "adm")
		r.do("B", "PING")
		r.do("A", "PING")
		r.do("B", "ACL", "SETUSER", "default", "on", ">secret")
		newConn(r, "C")
		newConn(r, "D")
		r.do("C", "PING")
		r.do("C", "AUTH", "wrong")
		r.do("C", "AUTH", "secret")
		r.do("C", "ACL", "WHOAMI")
		r.do("D", "PING")
		r.do("B", "ACL", "SETUSER", "default", "nopass")
		r.do("D", "PING")
		r.do("D", "ACL", "WHOAMI")
		r.do("E", "CONFIG", "SET", "requirepass", "pw")
		newConn(r, "F")
		r.do("F", "GET", "x")
		r.note("F> HELLO 3 AUTH default pw: %q", r.quiet("F", "HELLO", "3", "AUTH", "default", "pw")[:1])
		r.do("F", "CONFIG", "SET", "requirepass", "")
		r.do("G", "GET", "x")
		r.do("A", "ACL", "DELUSER", "admin")
	})
}

// Subscribers whose channels a new rule no longer allows are
// disconnected; the others stay.
func TestDiffACLPubsubKill(t *testing.T) {
	aclScenario(t, "subscribers killed when revoked of channel permission", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "psuser", "on", ">pspass", "+@all", "resetchannels", "&foo:1")
		// (A subscriber revoking its own channel makes Redis 7.0.15 crash:
		// that case is left out.)
		for _, sub := range [][]string{{"SUBSCRIBE", "foo:1"}, {"SSUBSCRIBE", "foo:1"}} {
			r.do("C", "AUTH", "psuser", "pspass")
			r.do("C", sub...)
			r.do("A", "ACL", "SETUSER", "psuser", "resetchannels")
			expectClosed(r, "C")
			r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&foo:1")
		}
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&bar:*")
		r.do("C", "AUTH", "psuser", "pspass")
		r.do("C", "PSUBSCRIBE", "bar:*")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&bar:x*")
		expectClosed(r, "C")
		r.do("A", "ACL", "SETUSER", "psuser", "allchannels")
		r.do("C", "AUTH", "psuser", "pspass")
		r.do("C", "PSUBSCRIBE", "foo")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels")
		expectClosed(r, "C")
		r.do("A", "ACL", "DELUSER", "psuser")
	})
	aclScenario(t, "subscribers pardoned", func(r *mpRun) {
		r.do("A", "ACL", "SETUSER", "psuser", "on", ">pspass", "+@all", "resetchannels", "&foo:1", "&bar:*", "&orders")
		r.do("B", "AUTH", "psuser", "pspass")
		r.do("B", "SUBSCRIBE", "foo:1")
		r.do("B", "SSUBSCRIBE", "orders")
		r.do("B", "PSUBSCRIBE", "bar:*")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&foo:1", "&bar:*", "&orders", "&baz:qaz", "&zoo:*")
		r.do("A", "PUBLISH", "foo:1", "m1")
		r.read("B")
		r.do("A", "ACL", "SETUSER", "psuser", "allchannels")
		r.do("A", "PUBLISH", "bar:2", "m2")
		r.read("B")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&fo*", "&orders", "&bar:*")
		r.do("A", "PUBLISH", "foo:1", "m3")
		r.read("B")
		r.do("B", "PING")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels", "&foo:1", "&orders")
		expectClosed(r, "B")
		// A subscriber of another user is not affected.
		r.do("A", "ACL", "SETUSER", "other", "on", "nopass", "+@all", "&*")
		r.do("C", "AUTH", "other", "x")
		r.do("C", "SUBSCRIBE", "x")
		r.do("A", "ACL", "SETUSER", "psuser", "resetchannels")
		r.do("A", "PUBLISH", "x", "still")
		r.read("C")
		r.do("A", "ACL", "DELUSER", "psuser", "other")
	})
}
