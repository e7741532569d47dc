// Package testserver starts sundial (in process) and a real redis-server
// for tests, and runs differential scripts against both, comparing raw
// RESP replies byte for byte.
package testserver

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sundial/commands"
	"sundial/config"
	"sundial/server"
)

// Sundial is a server running in the test process.
type Sundial struct {
	Addr   string
	Server *server.Server
	Engine *commands.Engine
	Cfg    *config.Config
	done   chan error

	waitOnce sync.Once
	serveErr error
}

// Start runs sundial on a free loopback port with the memory backend and
// the given directives (name, value, name, value …).
func Start(directives ...string) (*Sundial, error) {
	cfg := config.New()
	settings := append([]string{"port", "0", "bind", "127.0.0.1", "backend", "memory", "save", ""}, directives...)
	for i := 0; i+1 < len(settings); i += 2 {
		if err := cfg.ApplyFlag(settings[i], settings[i+1]); err != nil {
			return nil, err
		}
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("SUNDIAL_TEST_LOG") != "" {
		log = slog.Default()
	}
	e := commands.NewEngine(cfg, log)
	s := server.New(cfg, e, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.UseListener(ln)
	stop, err := server.OpenBackend(s)
	if err != nil {
		return nil, err
	}
	if _, err := server.StartMetrics(s); err != nil {
		stop()
		return nil, err
	}
	sd := &Sundial{Addr: ln.Addr().String(), Server: s, Engine: e, Cfg: cfg, done: make(chan error, 1)}
	go func() {
		err := s.Serve()
		stop()
		sd.done <- err
	}()
	return sd, nil
}

// Stop shuts the server down and reports any command handler panics,
// which are bugs.
func (s *Sundial) Stop() error {
	s.Server.Shutdown(nil)
	s.waitOnce.Do(func() { s.serveErr = <-s.done })
	if n := s.Engine.Stats().Panics.Load(); n > 0 {
		return fmt.Errorf("sundial recovered %d panic(s) in command handlers", n)
	}
	return nil
}

// Panics is the number of handler panics so far.
func (s *Sundial) Panics() int64 { return s.Engine.Stats().Panics.Load() }

// Redis is a real redis-server child process.
type Redis struct {
	Addr string
	cmd  *exec.Cmd
}

// RequireRedis reports whether a missing redis-server must fail tests
// (SUNDIAL_REQUIRE_REDIS=1, set by .ci/run) instead of skipping them.
func RequireRedis() bool { return os.Getenv("SUNDIAL_REQUIRE_REDIS") == "1" }

// SkipMessage explains how to enable differential tests.
const SkipMessage = "redis-server not found: differential tests skipped " +
	"(install Debian's redis-server package, or set SUNDIAL_REQUIRE_REDIS=1 to make this a failure)"

// StartRedis starts redis-server without persistence on a free port, or
// returns (nil, nil) when it is not installed.
func StartRedis(extra ...string) (*Redis, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if RequireRedis() {
			return nil, fmt.Errorf("SUNDIAL_REQUIRE_REDIS=1 but redis-server is not installed")
		}
		return nil, nil
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sundial-redis-")
	if err != nil {
		return nil, err
	}
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning", "--enable-debug-command", "yes"}, extra...)
	cmd := exec.Command(path, args...)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := &Redis{Addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", r.Addr); err == nil {
			c.Close()
			return r, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.Stop()
	return nil, fmt.Errorf("redis-server did not start on %s", r.Addr)
}

// Stop kills the redis-server.
func (r *Redis) Stop() {
	if r != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// FreePort finds a free loopback TCP port.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Conn is a raw RESP connection.
type Conn struct {
	net.Conn
	R *bufio.Reader
}

// Dial opens a raw connection; with proto 3 it sends HELLO 3 first.
func Dial(addr string, proto int) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &Conn{Conn: nc, R: bufio.NewReader(nc)}
	if proto == 3 {
		if _, err := c.Do("HELLO", "3"); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Do sends one command and returns its raw reply.
func (c *Conn) Do(args ...string) (string, error) {
	if err := c.Send(args...); err != nil {
		return "", err
	}
	return c.ReadRaw()
}

// Send writes one command as a RESP multibulk.
func (c *Conn) Send(args ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := io.WriteString(c, b.String())
	return err
}

// ReadRaw reads one complete RESP2/RESP3 value and returns its bytes.
func (c *Conn) ReadRaw() (string, error) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return ReadRaw(c.R)
}

// ReadRaw reads one complete RESP value from rd.
func ReadRaw(rd *bufio.Reader) (string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 3 {
		return "", fmt.Errorf("short reply line %q", line)
	}
	raw := line
	body := line[1 : len(line)-2]
	switch line[0] {
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", err
		}
		if n < 0 {
			return raw, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return "", err
		}
		return raw + string(buf), nil
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(body)
		if err != nil {
			return "", err
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			e, err := ReadRaw(rd)
			if err != nil {
				return "", err
			}
			raw += e
		}
	}
	return raw, nil
}

// SkipOrFail skips t when redis is nil (not installed) — or fails it when
// SUNDIAL_REQUIRE_REDIS=1.
func SkipOrFail(t testing.TB, r *Redis) {
	t.Helper()
	if r != nil {
		return
	}
	if RequireRedis() {
		t.Fatal("SUNDIAL_REQUIRE_REDIS=1 but redis-server is not available")
	}
	t.Skip(SkipMessage)
}
