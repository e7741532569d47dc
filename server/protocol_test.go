package server_test

import (
	"bufio"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// sendRaw writes raw bytes to addr and returns everything the server
// answers until it closes the connection (or the deadline passes), and
// whether it closed.
func sendRaw(t *testing.T, addr, data string) (string, bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A trailing QUIT closes connections the data left open.
	if _, err := io.WriteString(c, data+"*1\r\n$4\r\nQUIT\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			ne, ok := err.(net.Error)
			return string(out), !(ok && ne.Timeout())
		}
	}
}

// Malformed requests get Redis's exact protocol errors and their
// connection closed, compared with redis-server.
func TestDiffProtocolErrors(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	cases := map[string]string{
		"bad multibulk length":   "*abc\r\n",
		"multibulk too long":     "*3000000000\r\n",
		"bad bulk length":        "*1\r\n$abc\r\n",
		"negative bulk length":   "*1\r\n$-5\r\n",
		"huge bulk length":       "*1\r\n$2147483647\r\n",
		"expected dollar":        "*1\r\n:5\r\n",
		"unbalanced quotes":      "SET \"a b\r\n",
		"quote then garbage":     "SET \"a\"b c\r\n",
		"ping then garbage":      "PING\r\n*1\r\n$x\r\n",
		"pipeline then error":    "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*z\r\n",
		"empty multibulk":        "*0\r\n*-1\r\nPING\r\n",
		"inline ping":            "PING\r\nECHO hello\nECHO \"a\\x41\\n\"\r\n",
		"empty inline":           "\r\n\r\nPING\r\n",
		"binary garbage inline":  "\x01\x02\x03 \xff\xfe\r\n",
		"bulk without crlf tail": "*2\r\n$4\r\nECHO\r\n$3\r\nabcXY*1\r\n$4\r\nPING\r\n",
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			got, gotClosed := sendRaw(t, sundial.Addr, data)
			want, wantClosed := sendRaw(t, redis.Addr, data)
			if got != want || gotClosed != wantClosed {
				t.Errorf("sundial: %q closed=%v\nredis:   %q closed=%v", got, gotClosed, want, wantClosed)
			}
		})
	}
}

// A request claiming a huge bulk must not make the server allocate it,
// and must not disturb other clients.
func TestClaimedHugeBulkIsNotAllocated(t *testing.T) {
	s, err := testserver.Start("proto-max-bulk-len", "1gb")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	}()
	other, err := testserver.Dial(s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// 900 MB claimed, a few bytes sent.
	io.WriteString(c, "*2\r\n$3\r\nSET\r\n$943718400\r\nabc")
	time.Sleep(200 * time.Millisecond)
	if got, err := other.Do("PING"); err != nil || got != "+PONG\r\n" {
		t.Fatalf("other client: %q %v", got, err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Fatalf("heap grew by %d bytes for a claimed bulk that never arrived", grew)
	}
}

// The query buffer limit closes the offending connection only.
func TestQueryBufferLimit(t *testing.T) {
	s, err := testserver.Start("client-query-buffer-limit", "1mb")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "*2\r\n$3\r\nSET\r\n$3000000\r\n")
	chunk := strings.Repeat("x", 64*1024)
	closed := false
	for i := 0; i < 60; i++ {
		c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := io.WriteString(c, chunk); err != nil {
			closed = true
			break
		}
	}
	if !closed {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err := bufio.NewReader(c).ReadByte()
		if err == nil {
			t.Fatal("connection still open after passing client-query-buffer-limit")
		}
	}
	other, err := testserver.Dial(s.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if got, _ := other.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("other client got %q", got)
	}
}

// Pipelining: many commands in one write, replies in order.
func TestPipelining(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 1000; i++ {
		b.WriteString("*2\r\n$4\r\nECHO\r\n$3\r\n")
		b.WriteString(string(rune('a'+i%26)) + "xy\r\n")
	}
	c, err := testserver.Dial(sundial.Addr, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, b.String())
	for i := 0; i < 1000; i++ {
		got, err := c.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		want := "$3\r\n" + string(rune('a'+i%26)) + "xy\r\n"
		if got != want {
			t.Fatalf("reply %d: %q want %q", i, got, want)
		}
	}
}
