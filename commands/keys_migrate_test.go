package commands

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/config"
	"sundial/keyspace"
)

// fakeTarget is a RESP server that records the commands MIGRATE sends
// and answers each with reply(cmd): a reply line ("+OK", "-ERR …"), ""
// to close the connection, or "hang" to never answer.
type fakeTarget struct {
	ln    net.Listener
	mu    sync.Mutex
	cmds  [][]string
	conns int
	reply func(cmd []string, conn int) string
}

func startFakeTarget(t *testing.T, reply func(cmd []string, conn int) string) *fakeTarget {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeTarget{ln: ln, reply: reply}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns++
			n := f.conns
			f.mu.Unlock()
			go f.serve(conn, n)
		}
	}()
	return f
}

func (f *fakeTarget) serve(conn net.Conn, n int) {
	defer conn.Close()
	rd := bufio.NewReader(conn)
	for {
		cmd, err := readCommand(rd)
		if err != nil {
			return
		}
		f.mu.Lock()
		f.cmds = append(f.cmds, cmd)
		f.mu.Unlock()
		f.mu.Lock()
		reply := f.reply
		f.mu.Unlock()
		switch r := reply(cmd, n); r {
		case "":
			return
		case "hang":
			time.Sleep(time.Second)
			return
		default:
			conn.Write([]byte(r + "\r\n"))
		}
	}
}

// readCommand reads a RESP array of bulk strings.
func readCommand(rd *bufio.Reader) ([]string, error) {
	line, err := rd.ReadString('\n')
	if err != nil || len(line) < 3 || line[0] != '*' {
		return nil, fmt.Errorf("bad command line %q: %v", line, err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	cmd := make([]string, n)
	for i := range cmd {
		line, err = rd.ReadString('\n')
		if err != nil || line[0] != '$' {
			return nil, fmt.Errorf("bad bulk line %q", line)
		}
		size, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
		buf := make([]byte, size+2)
		if _, err := io_ReadFull(rd, buf); err != nil {
			return nil, err
		}
		cmd[i] = string(buf[:size])
	}
	return cmd, nil
}

func io_ReadFull(rd *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := rd.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// setReply changes how the target answers.
func (f *fakeTarget) setReply(reply func(cmd []string, conn int) string) {
	f.mu.Lock()
	f.reply = reply
	f.mu.Unlock()
}

// names lists the commands' names, for comparisons.
func (f *fakeTarget) names() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.cmds {
		out = append(out, strings.Join(c[:min(len(c), 2)], " "))
	}
	f.cmds = nil
	return strings.Join(out, ", ")
}

func (f *fakeTarget) port() string { return strconv.Itoa(f.ln.Addr().(*net.TCPAddr).Port) }

// migrateEngine returns an engine whose propagated writes are recorded.
func migrateEngine(t *testing.T) (*Engine, *Client, *[]string) {
	e := NewEngine(config.New(), nil)
	var props []string
	e.Propagate = func(_ *keyspace.DB, argv [][]byte) uint64 {
		var parts []string
		for _, a := range argv {
			parts = append(parts, string(a))
		}
		props = append(props, strings.Join(parts, " "))
		return 0
	}
	t.Cleanup(func() { e.migrateSweep() })
	return e, e.NewClient(nil, "", ""), &props
}

func TestMigrateSendsRestoreAndDeletes(t *testing.T) {
	f := startFakeTarget(t, func([]string, int) string { return "+OK" })
	e, c, props := migrateEngine(t)
	runKeysCmd(t, e, c, "SET", "k", "hello")
	runKeysCmd(t, e, c, "SET", "t", "v", "PX", "50000")
	*props = nil
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "k", "3", "1000"); got != "+OK\r\n" {
		t.Fatalf("MIGRATE: %q", got)
	}
	if got := f.names(); got != "SELECT 3, RESTORE k" {
		t.Errorf("target got %s", got)
	}
	if got := runKeysCmd(t, e, c, "EXISTS", "k"); got != ":0\r\n" {
		t.Errorf("source key left: %q", got)
	}
	if strings.Join(*props, "; ") != "DEL k" {
		t.Errorf("propagated %q", *props)
	}
	// The cached connection already has db 3: no SELECT, no new connection.
	f.setReply(func(cmd []string, _ int) string {
		if cmd[0] == "RESTORE" {
			ttl, _ := strconv.Atoi(cmd[2])
			if ttl <= 0 || ttl > 50000 || cmd[1] != "t" || !strings.HasPrefix(cmd[3], "\x00\x01v") {
				return "-ERR unexpected " + cmd[1] + " " + cmd[2]
			}
		}
		return "+OK"
	})
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "t", "3", "1000", "COPY", "REPLACE"); got != "+OK\r\n" {
		t.Fatalf("MIGRATE COPY REPLACE: %q", got)
	}
	f.mu.Lock()
	last, conns := f.cmds[len(f.cmds)-1], f.conns
	f.mu.Unlock()
	if got := f.names(); got != "RESTORE t" || last[len(last)-1] != "REPLACE" || conns != 1 {
		t.Errorf("target got %s (last %q) over %d connections", got, last[len(last)-1], conns)
	}
	if got := runKeysCmd(t, e, c, "EXISTS", "t"); got != ":1\r\n" || len(*props) != 1 {
		t.Errorf("COPY deleted the key or propagated: %q %q", got, *props)
	}
}

func TestMigrateAuthKeysAndTargetErrors(t *testing.T) {
	f := startFakeTarget(t, func(cmd []string, _ int) string {
		if cmd[0] == "RESTORE" && cmd[1] == "b" {
			return "-BUSYKEY Target key name already exists."
		}
		return "+OK"
	})
	e, c, props := migrateEngine(t)
	runKeysCmd(t, e, c, "MSET", "a", "1", "b", "2", "c", "3")
	*props = nil
	got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "", "0", "1000", "AUTH2", "u", "p", "KEYS", "a", "nokey", "b", "c")
	if got != "-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n" {
		t.Fatalf("MIGRATE: %q", got)
	}
	if got := f.names(); got != "AUTH u, SELECT 0, RESTORE a, RESTORE b, RESTORE c" {
		t.Errorf("target got %s", got)
	}
	// The keys the target took are gone, the refused one stays.
	if got := runKeysCmd(t, e, c, "EXISTS", "a", "b", "c"); got != ":1\r\n" || strings.Join(*props, "; ") != "DEL a c" {
		t.Errorf("EXISTS a b c: %q, propagated %q", got, *props)
	}
	// After an error the db is selected again.
	runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "b", "0", "1000", "AUTH", "pw")
	if got := f.names(); got != "AUTH pw, SELECT 0, RESTORE b" {
		t.Errorf("target got %s", got)
	}
	// An AUTH error is the one reported, and nothing moves.
	f.setReply(func(cmd []string, _ int) string {
		if cmd[0] == "AUTH" {
			return "-WRONGPASS invalid username-password pair or user is disabled."
		}
		return "+OK"
	})
	runKeysCmd(t, e, c, "SET", "d", "4")
	got = runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "d", "0", "1000", "AUTH", "bad")
	if got != "-ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.\r\n" {
		t.Errorf("MIGRATE with a bad password: %q", got)
	}
	if got := runKeysCmd(t, e, c, "EXISTS", "d"); got != ":1\r\n" {
		t.Errorf("the key moved despite the AUTH error")
	}
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "", "0", "1000", "KEYS", "x", "y"); got != "+NOKEY\r\n" {
		t.Errorf("MIGRATE of missing keys: %q", got)
	}
}

func TestMigrateConnectionFailures(t *testing.T) {
	// A cached connection the target closed is replaced once.
	f := startFakeTarget(t, func(cmd []string, conn int) string {
		if conn == 1 && cmd[0] == "RESTORE" && cmd[1] == "second" {
			return ""
		}
		return "+OK"
	})
	e, c, _ := migrateEngine(t)
	runKeysCmd(t, e, c, "MSET", "first", "1", "second", "2")
	runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "first", "0", "1000")
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "second", "0", "1000"); got != "+OK\r\n" {
		t.Fatalf("MIGRATE over a dropped connection: %q", got)
	}
	if got := f.names(); got != "SELECT 0, RESTORE first, RESTORE second, SELECT 0, RESTORE second" {
		t.Errorf("target got %s", got)
	}
	// A target that does not answer times out, without a retry.
	f.setReply(func([]string, int) string { return "hang" })
	runKeysCmd(t, e, c, "SET", "k", "v")
	start := time.Now()
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", f.port(), "k", "0", "100"); got != "-IOERR error or timeout reading to target instance\r\n" {
		t.Errorf("MIGRATE to a silent target: %q", got)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 900*time.Millisecond {
		t.Errorf("timed out after %v", d)
	}
	if got := f.names(); got != "RESTORE k" {
		t.Errorf("target got %s", got)
	}
	// Nothing listening.
	port := f.port()
	f.ln.Close()
	e.migrateSweep()
	migrateSockets.Lock()
	for _, cs := range migrateSockets.conns[e] {
		cs.conn.Close()
	}
	delete(migrateSockets.conns, e)
	migrateSockets.Unlock()
	// Like Redis, which connects without blocking, a refused connection
	// shows when writing to it; an address that does not resolve fails
	// the connection.
	if got := runKeysCmd(t, e, c, "MIGRATE", "127.0.0.1", port, "k", "0", "200"); got != "-IOERR error or timeout writing to target instance\r\n" {
		t.Errorf("MIGRATE to a closed port: %q", got)
	}
	for _, args := range [][]string{{"", port}, {"127.0.0.1", "-1"}} {
		if got := runKeysCmd(t, e, c, "MIGRATE", args[0], args[1], "k", "0", "200"); got != "-IOERR error or timeout connecting to the client\r\n" {
			t.Errorf("MIGRATE to %q: %q", args, got)
		}
	}
	if got := runKeysCmd(t, e, c, "EXISTS", "k"); got != ":1\r\n" {
		t.Errorf("the key went without reaching the target")
	}
}

func TestMigrateArguments(t *testing.T) {
	e, c, _ := migrateEngine(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"MIGRATE", "h", "1", "k", "0", "10", "KEYS", "a"}, "-ERR When using MIGRATE KEYS option, the key argument must be set to the empty string\r\n"},
		{[]string{"MIGRATE", "h", "1", "k", "0", "10", "AUTH"}, "-ERR syntax error\r\n"},
		{[]string{"MIGRATE", "h", "1", "k", "0", "10", "AUTH2", "u"}, "-ERR syntax error\r\n"},
		{[]string{"MIGRATE", "h", "1", "k", "0", "10", "BOGUS"}, "-ERR syntax error\r\n"},
		{[]string{"MIGRATE", "h", "1", "k", "x", "y"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"MIGRATE", "h", "1", "k", "0", "10"}, "+NOKEY\r\n"},
		{[]string{"MIGRATE", "h", "1", "", "0", "10", "KEYS"}, "+NOKEY\r\n"},
	} {
		if got := runKeysCmd(t, e, c, tc.args...); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.args, got, tc.want)
		}
	}
	if atoi(" 12x") != 12 || atoi("-3") != -3 || atoi("x") != 0 {
		t.Errorf("atoi")
	}
}
