package server_test

import (
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
	"sundial/server"
)

func startWith(t *testing.T, directives ...string) *testserver.Sundial {
	t.Helper()
	s, err := testserver.Start(directives...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func dial(t *testing.T, addr string, proto int) *testserver.Conn {
	t.Helper()
	c, err := testserver.Dial(addr, proto)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func expect(t *testing.T, c *testserver.Conn, want string, args ...string) {
	t.Helper()
	got, err := c.Do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	if got != want {
		t.Fatalf("%v: got %q want %q", args, got, want)
	}
}

func TestRequirePass(t *testing.T) {
	s := startWith(t, "requirepass", "s3cret")
	c := dial(t, s.Addr, 2)
	expect(t, c, "-NOAUTH Authentication required.\r\n", "GET", "k")
	expect(t, c, "-ERR unknown command 'NOSUCH', with args beginning with: \r\n", "NOSUCH")
	expect(t, c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "wrong")
	expect(t, c, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", "AUTH", "other", "s3cret")
	expect(t, c, "+OK\r\n", "AUTH", "s3cret")
	expect(t, c, "$-1\r\n", "GET", "k")
	c2 := dial(t, s.Addr, 2)
	expect(t, c2, "+OK\r\n", "AUTH", "default", "s3cret")
	c3 := dial(t, s.Addr, 2)
	got, _ := c3.Do("HELLO", "3")
	if !strings.HasPrefix(got, "-NOAUTH HELLO must be called with the client already authenticated") {
		t.Fatalf("HELLO without auth: %q", got)
	}
	got, _ = c3.Do("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "me")
	if !strings.HasPrefix(got, "%7\r\n") {
		t.Fatalf("HELLO 3 AUTH: %q", got)
	}
	expect(t, c3, "$2\r\nme\r\n", "CLIENT", "GETNAME")
	// Unauthenticated clients may not send big requests.
	c4 := dial(t, s.Addr, 2)
	args := make([]string, 12)
	for i := range args {
		args[i] = "x"
	}
	got, _ = c4.Do(args...)
	if got != "-ERR Protocol error: unauthenticated multibulk length\r\n" {
		t.Fatalf("big unauthenticated request: %q", got)
	}
}

func TestProtectedMode(t *testing.T) {
	s := startWith(t, "protected-mode", "yes")
	s.Server.SetLoopbackCheck(func(net.Addr) bool { return false })
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 2048)
	n, _ := c.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "-DENIED Redis is running in protected mode") {
		t.Fatalf("non-loopback client got %q", buf[:n])
	}
	// With a password set, protected mode lets the client in.
	s2 := startWith(t, "protected-mode", "yes", "requirepass", "pw")
	s2.Server.SetLoopbackCheck(func(net.Addr) bool { return false })
	c2 := dial(t, s2.Addr, 2)
	expect(t, c2, "+OK\r\n", "AUTH", "pw")
	// So does a password given to the default user with ACL SETUSER, as
	// protected mode looks at the default user, not requirepass.
	s.Server.SetLoopbackCheck(func(net.Addr) bool { return true })
	local := dial(t, s.Addr, 2)
	expect(t, local, "+OK\r\n", "ACL", "SETUSER", "default", "resetpass", ">pw2")
	s.Server.SetLoopbackCheck(func(net.Addr) bool { return false })
	c3 := dial(t, s.Addr, 2)
	expect(t, c3, "+OK\r\n", "AUTH", "pw2")
}

func TestMaxClients(t *testing.T) {
	s := startWith(t, "maxclients", "2")
	dial(t, s.Addr, 2)
	c2 := dial(t, s.Addr, 2)
	expect(t, c2, "+PONG\r\n", "PING")
	c3, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	c3.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 128)
	n, _ := c3.Read(buf)
	if string(buf[:n]) != "-ERR max number of clients reached\r\n" {
		t.Fatalf("third client got %q", buf[:n])
	}
}

func TestIdleTimeout(t *testing.T) {
	s := startWith(t, "timeout", "1")
	c := dial(t, s.Addr, 2)
	expect(t, c, "+PONG\r\n", "PING")
	// Half a command counts as idle too, as in Redis (its last
	// interaction is what the timeout measures).
	half, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := half.Write([]byte("*2\r\n$3\r\nGET\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := c.Do("PING"); err == nil {
		t.Fatal("idle client was not closed after timeout")
	}
	half.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := half.Read(make([]byte, 64)); err == nil {
		t.Fatalf("client idle in the middle of a command was not closed (read %d bytes)", n)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("client idle in the middle of a command was not closed")
	}
	busy := dial(t, s.Addr, 2)
	for i := 0; i < 4; i++ {
		time.Sleep(400 * time.Millisecond)
		expect(t, busy, "+PONG\r\n", "PING")
	}
}

func TestClientKill(t *testing.T) {
	s := startWith(t)
	victim := dial(t, s.Addr, 2)
	killer := dial(t, s.Addr, 2)
	idRaw, _ := victim.Do("CLIENT", "ID")
	id := strings.TrimSuffix(strings.TrimPrefix(idRaw, ":"), "\r\n")
	expect(t, killer, ":1\r\n", "CLIENT", "KILL", "ID", id)
	if _, err := victim.Do("PING"); err == nil {
		t.Fatal("killed client still answered")
	}
	expect(t, killer, ":0\r\n", "CLIENT", "KILL", "ID", id)
	// The old form by address.
	v2 := dial(t, s.Addr, 2)
	expect(t, v2, "+PONG\r\n", "PING") // accepted before it is killed
	addr := v2.LocalAddr().String()
	expect(t, killer, "+OK\r\n", "CLIENT", "KILL", addr)
	if _, err := v2.Do("PING"); err == nil {
		t.Fatal("client killed by address still answered")
	}
	// CLIENT LIST shows the remaining clients.
	got, _ := killer.Do("CLIENT", "LIST")
	if strings.Count(got, "id=") != 1 {
		t.Fatalf("CLIENT LIST after kills: %q", got)
	}
}

func TestClientPause(t *testing.T) {
	s := startWith(t)
	admin := dial(t, s.Addr, 2)
	writer := dial(t, s.Addr, 2)
	reader := dial(t, s.Addr, 2)
	expect(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "1500", "WRITE")
	start := time.Now()
	expect(t, reader, "$-1\r\n", "GET", "k")
	if d := time.Since(start); d > 1000*time.Millisecond {
		t.Fatalf("a read waited %v under CLIENT PAUSE WRITE", d)
	}
	expect(t, writer, "+OK\r\n", "SET", "k", "v")
	if d := time.Since(start); d < 1400*time.Millisecond {
		t.Fatalf("a write ran after %v under CLIENT PAUSE WRITE 1500", d)
	}
	// CLIENT UNPAUSE (not a write) releases paused writers at once.
	expect(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "5000", "WRITE")
	done := make(chan time.Duration)
	go func() {
		t0 := time.Now()
		writer.Do("SET", "k", "w")
		done <- time.Since(t0)
	}()
	time.Sleep(200 * time.Millisecond)
	expect(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	if d := <-done; d < 150*time.Millisecond || d > 3*time.Second {
		t.Fatalf("paused write took %v", d)
	}
	// Under PAUSE ALL every command waits, as in Redis.
	expect(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "300", "ALL")
	t0 := time.Now()
	expect(t, reader, "$1\r\nw\r\n", "GET", "k")
	if d := time.Since(t0); d < 200*time.Millisecond {
		t.Fatalf("a read ran after %v under CLIENT PAUSE ALL 300", d)
	}
}

// The stock redis.conf of Debian's redis-server package starts sundial
// with warnings only.
func TestDebianRedisConf(t *testing.T) {
	const path = "/etc/redis/redis.conf"
	if _, err := os.Stat(path); err != nil {
		if testserver.RequireRedis() {
			t.Fatalf("%s missing although redis-server is required", path)
		}
		t.Skip("no Debian redis.conf here")
	}
	cfg, warnings, err := server.LoadConfig([]string{path, "--port", "0", "--dir", t.TempDir(), "--logfile", ""}, nil)
	if err != nil {
		t.Fatalf("Debian redis.conf: %v", err)
	}
	for _, w := range warnings {
		t.Logf("warning: %s", w)
	}
	if cfg.Port != 0 || cfg.Bind == "" {
		t.Fatalf("overrides not applied: port=%d bind=%q", cfg.Port, cfg.Bind)
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	conf := dir + "/test.conf"
	os.WriteFile(conf, []byte("port 7100\nmaxmemory 10mb\nhz 20\nnot-a-directive yes\nsave 900 1\nsave 300 10\n"), 0o644)
	cfg, warnings, err := server.LoadConfig([]string{conf, "--hz", "30"}, []string{"SUNDIAL_MAXMEMORY=20mb", "SUNDIAL_HZ=25"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 7100 || cfg.MaxMemory != 20<<20 || cfg.Hz != 30 || cfg.Save != "900 1 300 10" {
		t.Fatalf("port=%d maxmemory=%d hz=%d save=%q", cfg.Port, cfg.MaxMemory, cfg.Hz, cfg.Save)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], conf+":4") {
		t.Fatalf("warnings: %q", warnings)
	}
	_, _, err = server.LoadConfig([]string{"--appendfsync", "sometimes"}, nil)
	if err == nil || !strings.Contains(err.Error(), "appendfsync") || !strings.Contains(err.Error(), "everysec") {
		t.Fatalf("bad value error: %v", err)
	}
}
