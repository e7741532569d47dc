package stream

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

// redisServer is a redis-server started for one test and a small RESP2
// client to drive it.
type redisServer struct {
	proc *exec.Cmd
	conn net.Conn
	rd   *bufio.Reader
}

// startRedis starts redis-server on a free loopback port. Without
// redis-server the test is skipped, unless SUNDIAL_REQUIRE_REDIS=1.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SUNDIAL_REQUIRE_REDIS") == "1" {
			t.Fatalf("redis-server is required (SUNDIAL_REQUIRE_REDIS=1) but not found: %v", err)
		}
		t.Skip("redis-server is not on PATH: skipping the comparison with Redis")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	proc := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--loglevel", "warning")
	if err := proc.Start(); err != nil {
		t.Fatal(err)
	}
	rs := &redisServer{proc: proc}
	t.Cleanup(rs.close)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			rs.conn, rs.rd = c, bufio.NewReader(c)
			return rs
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not come up on port %d: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (rs *redisServer) close() {
	if rs.conn != nil {
		rs.conn.Close()
	}
	rs.proc.Process.Kill()
	rs.proc.Wait()
}

// errReply is an error reply.
type errReply string

func appendCommand(b []byte, args []string) []byte {
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	return b
}

// do sends commands in one write and returns their replies: string, int64,
// nil, []any or errReply.
func (rs *redisServer) do(t *testing.T, cmds ...[]string) []any {
	t.Helper()
	var buf []byte
	for _, c := range cmds {
		buf = appendCommand(buf, c)
	}
	werr := make(chan error, 1)
	go func() { _, err := rs.conn.Write(buf); werr <- err }()
	out := make([]any, len(cmds))
	for i := range out {
		v, err := rs.read()
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

func (rs *redisServer) read() (any, error) {
	line, err := rs.rd.ReadString('\n')
	if err != nil {
		return nil, err
	}
	if len(line) < 3 {
		return nil, fmt.Errorf("short reply %q", line)
	}
	body := line[1 : len(line)-2]
	switch line[0] {
	case '+':
		return body, nil
	case '-':
		return errReply(body), nil
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
			if _, err := io.ReadFull(rs.rd, b); err != nil {
				return nil, err
			}
			return string(b[:n]), nil
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = rs.read(); err != nil {
				return nil, err
			}
		}
		return arr, nil
	}
	return nil, fmt.Errorf("unexpected reply %q", line)
}
