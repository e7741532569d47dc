// Package redistest starts a real redis-server for tests and talks RESP to
// it over plain connections: raw replies (byte-for-byte comparisons) or
// parsed ones (comparing computed values). It imports nothing of sundial's,
// so the tests of any package, keyspace ones included, can use it without
// an import cycle.
package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Required reports whether a missing redis-server must fail tests
// (SUNDIAL_REQUIRE_REDIS=1, set by .ci/run) instead of skipping them.
func Required() bool { return os.Getenv("SUNDIAL_REQUIRE_REDIS") == "1" }

// SkipMessage explains how to enable the comparisons with Redis.
const SkipMessage = "redis-server not found: differential tests skipped " +
	"(install Debian's redis-server package, or set SUNDIAL_REQUIRE_REDIS=1 to make this a failure)"

// ioTimeout bounds each write and each reply read, so a test that waits
// for a reply that never comes fails instead of hanging.
const ioTimeout = 10 * time.Second

// Server is a redis-server child process.
type Server struct {
	Addr string
	cmd  *exec.Cmd
	dir  string
}

// Start starts redis-server without persistence on a free loopback port,
// with extra command-line arguments appended. It returns (nil, nil) when
// redis-server is not installed, unless Required.
func Start(extra ...string) (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if Required() {
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
		"--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning",
		"--enable-debug-command", "yes"}, extra...)
	cmd := exec.Command(path, args...)
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, dir: dir}
	// A loaded machine can take seconds to start it.
	for deadline := time.Now().Add(ioTimeout); time.Now().Before(deadline); {
		if c, err := net.Dial("tcp", s.Addr); err == nil {
			c.Close()
			return s, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("redis-server did not start on %s", s.Addr)
}

// Stop kills the redis-server and removes its directory.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	os.RemoveAll(s.dir)
}

// SkipOrFail skips t when s is nil (redis-server not installed), or fails
// it when Required.
func SkipOrFail(t testing.TB, s *Server) {
	t.Helper()
	if s != nil {
		return
	}
	if Required() {
		t.Fatal("SUNDIAL_REQUIRE_REDIS=1 but redis-server is not available")
	}
	t.Skip(SkipMessage)
}

// StartForTest starts a redis-server for one test and stops it when the
// test ends; without redis-server the test is skipped (or fails when
// Required).
func StartForTest(t testing.TB, extra ...string) *Server {
	t.Helper()
	s, err := Start(extra...)
	if err != nil {
		t.Fatal(err)
	}
	SkipOrFail(t, s)
	t.Cleanup(s.Stop)
	return s
}

// Connect starts a redis-server for one test (as StartForTest) and returns
// a RESP2 connection to it, closed when the test ends.
func Connect(t testing.TB) *Conn {
	t.Helper()
	s := StartForTest(t)
	c, err := Dial(s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
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

// Conn is a RESP connection.
type Conn struct {
	net.Conn
	R *bufio.Reader
}

// Dial opens a connection; with proto 3 it sends HELLO 3 first.
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
	var b []byte
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	c.SetWriteDeadline(time.Now().Add(ioTimeout))
	_, err := c.Write(b)
	return err
}

// ReadRaw reads one complete RESP2/RESP3 value and returns its bytes.
func (c *Conn) ReadRaw() (string, error) {
	c.SetReadDeadline(time.Now().Add(ioTimeout))
	return ReadRaw(c.R)
}

// ReadRaw reads one complete RESP value from rd.
func ReadRaw(rd *bufio.Reader) (string, error) {
	var b strings.Builder
	if err := readRaw(rd, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// readRaw appends one RESP value to b: linear in the reply's size, even
// for aggregates of many thousand elements.
func readRaw(rd *bufio.Reader, b *strings.Builder) error {
	line, err := rd.ReadString('\n')
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return fmt.Errorf("short reply line %q", line)
	}
	b.WriteString(line)
	body := line[1 : len(line)-2]
	switch line[0] {
	case '$', '=', '!':
		n, err := strconv.Atoi(body)
		if err != nil {
			return err
		}
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return err
		}
		b.Write(buf)
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(body)
		if err != nil {
			return err
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := readRaw(rd, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrorReply is a parsed error reply.
type ErrorReply string

func (e ErrorReply) Error() string { return string(e) }

// AppendCommand appends one command as a RESP multibulk; arguments are
// strings, byte slices, or anything else written with fmt's %v.
func AppendCommand(b []byte, args ...any) []byte {
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		var s []byte
		switch v := a.(type) {
		case string:
			s = []byte(v)
		case []byte:
			s = v
		default:
			s = fmt.Append(nil, v)
		}
		b = fmt.Appendf(b, "$%d\r\n", len(s))
		b = append(b, s...)
		b = append(b, "\r\n"...)
	}
	return b
}

// Call sends one command and returns its parsed reply (see ReadValue).
func (c *Conn) Call(t testing.TB, args ...any) any {
	t.Helper()
	return c.Pipeline(t, [][]any{args})[0]
}

// Pipeline sends many commands in one write (for bulk loads) and returns
// their parsed replies; an I/O or protocol error fails t.
func (c *Conn) Pipeline(t testing.TB, cmds [][]any) []any {
	t.Helper()
	var buf []byte
	for _, args := range cmds {
		buf = AppendCommand(buf, args...)
	}
	// Write while reading, so a load larger than the socket buffers
	// cannot deadlock against the server's replies.
	werr := make(chan error, 1)
	go func() { _, err := c.Write(buf); werr <- err }()
	out := make([]any, len(cmds))
	for i := range out {
		c.SetReadDeadline(time.Now().Add(ioTimeout))
		v, err := ReadValue(c.R)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	return out
}

// ReadValue reads one RESP2 reply from rd: a string for simple and bulk
// strings, int64, nil for null bulks and arrays, []any, or ErrorReply.
func ReadValue(rd *bufio.Reader) (any, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("short reply line %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return ErrorReply(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$', '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return nil, err
		}
		if n < 0 {
			return nil, nil
		}
		if line[0] == '$' {
			b := make([]byte, n+2)
			if _, err := io.ReadFull(rd, b); err != nil {
				return nil, err
			}
			return string(b[:n]), nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = ReadValue(rd); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
