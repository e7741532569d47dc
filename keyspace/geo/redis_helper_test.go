package geo

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// realRedis is a redis-server started for one test, with a minimal RESP2
// client: enough to compare our values with the ones Redis computes.
type realRedis struct {
	cmd  *exec.Cmd
	conn net.Conn
	r    *bufio.Reader
}

// startRedis starts redis-server on a free loopback port, or skips the test
// when it is not installed (fails instead under SUNDIAL_REQUIRE_REDIS=1).
func startRedis(t *testing.T) *realRedis {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SUNDIAL_REQUIRE_REDIS") == "1" {
			t.Fatalf("redis-server not found and SUNDIAL_REQUIRE_REDIS=1: %v", err)
		}
		t.Skip("redis-server not on PATH; skipping the comparison with real Redis")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(path, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rr := &realRedis{cmd: cmd}
	t.Cleanup(rr.stop)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			rr.conn, rr.r = c, bufio.NewReader(c)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not start on port %d: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rr
}

func (rr *realRedis) stop() {
	if rr.conn != nil {
		rr.conn.Close()
	}
	rr.cmd.Process.Kill()
	rr.cmd.Wait()
}

// respError is an error reply from Redis.
type respError string

func (e respError) Error() string { return string(e) }

// do sends one command and returns the reply: string for simple and bulk
// strings, int64, nil, []any, or respError.
func (rr *realRedis) do(t *testing.T, args ...any) any {
	t.Helper()
	buf := fmt.Appendf(nil, "*%d\r\n", len(args))
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
		buf = fmt.Appendf(buf, "$%d\r\n", len(s))
		buf = append(buf, s...)
		buf = append(buf, "\r\n"...)
	}
	if _, err := rr.conn.Write(buf); err != nil {
		t.Fatal(err)
	}
	v, err := rr.read()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// pipeline sends many commands at once and reads all replies (for bulk loads).
func (rr *realRedis) pipeline(t *testing.T, cmds [][]any) []any {
	t.Helper()
	var buf []byte
	for _, args := range cmds {
		buf = fmt.Appendf(buf, "*%d\r\n", len(args))
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
			buf = fmt.Appendf(buf, "$%d\r\n", len(s))
			buf = append(buf, s...)
			buf = append(buf, "\r\n"...)
		}
	}
	errc := make(chan error, 1)
	go func() { _, err := rr.conn.Write(buf); errc <- err }()
	out := make([]any, len(cmds))
	for i := range cmds {
		v, err := rr.read()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return out
}

func (rr *realRedis) read() (any, error) {
	line, err := rr.r.ReadString('\n')
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
		return respError(body), nil
	case ':':
		return strconv.ParseInt(body, 10, 64)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(rr.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return nil, err
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = rr.read(); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unknown reply %q", line)
}
