package lualib

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// realRedis is a redis-server started for the test, spoken to over RESP.
type realRedis struct {
	conn net.Conn
	r    *bufio.Reader
}

// startRedis starts redis-server on a free port, or skips the test when
// it is not installed (fails instead when SUNDIAL_REQUIRE_REDIS=1).
func startRedis(t *testing.T) *realRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("SUNDIAL_REQUIRE_REDIS") == "1" {
			t.Fatal("redis-server not on PATH and SUNDIAL_REQUIRE_REDIS=1")
		}
		t.Skip("redis-server not on PATH: skipping comparison with real Redis")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	var conn net.Conn
	for i := 0; i < 100; i++ {
		conn, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("redis-server did not start: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return &realRedis{conn: conn, r: bufio.NewReader(conn)}
}

// eval runs EVAL script 0 and renders the reply.
func (rr *realRedis) eval(t *testing.T, script string) string {
	t.Helper()
	args := []string{"EVAL", script, "0"}
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := rr.conn.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	out, err := readReply(rr.r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readReply renders one RESP2 reply in the form render() gives Lua values.
func readReply(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply line")
	}
	body := line[1:]
	switch line[0] {
	case '+':
		return "+" + body, nil
	case '-':
		return "ERR:" + innerError(body), nil
	case ':':
		return body, nil
	case '$':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return "(nil)", nil
		}
		buf := make([]byte, n+2)
		if _, err := readFull(r, buf); err != nil {
			return "", err
		}
		return strconv.Quote(string(buf[:n])), nil
	case '*':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return "(nil)", nil
		}
		parts := make([]string, n)
		for i := range parts {
			if parts[i], err = readReply(r); err != nil {
				return "", err
			}
		}
		return "[" + strings.Join(parts, " ") + "]", nil
	}
	return "", fmt.Errorf("unknown reply %q", line)
}

func readFull(r *bufio.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// innerError strips what Redis wraps around a script error: the "ERR "
// code and the " script: <sha>, on @user_script:1." trailer.
func innerError(msg string) string {
	if i := strings.LastIndex(msg, " script: "); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimPrefix(msg, "ERR ")
	return strings.TrimPrefix(msg, "Error running script (call to f_")
}

// runOurs runs script in s the way EVAL would and renders the result.
func runOurs(s *State, script string) string {
	L := s.L
	s.SetGlobal("KEYS", L.NewTable())
	s.SetGlobal("ARGV", L.NewTable())
	fn, err := L.Load(strings.NewReader(script), "user_script")
	if err != nil {
		return "COMPILE:" + err.Error()
	}
	top := L.GetTop()
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) {
			switch obj := apiErr.Object.(type) {
			case lua.LString:
				return "ERR:" + string(obj)
			case *lua.LTable:
				return render(obj)
			}
			return "ERR:" + apiErr.Object.String()
		}
		return "ERR:" + err.Error()
	}
	v := L.Get(-1)
	L.SetTop(top)
	return render(v)
}

// render converts a script's result as Redis does for a RESP2 reply:
// numbers become integers, true 1, false and nil a nil, tables arrays up
// to the first nil (or the error / status they carry).
func render(v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return strconv.Quote(string(x))
	case lua.LNumber:
		return strconv.FormatInt(toInteger(float64(x)), 10)
	case lua.LBool:
		if x {
			return "1"
		}
		return "(nil)"
	case *lua.LTable:
		if e, ok := x.RawGetString("err").(lua.LString); ok {
			return "ERR:" + string(e)
		}
		if s, ok := x.RawGetString("ok").(lua.LString); ok {
			return "+" + string(s)
		}
		var parts []string
		for i := 1; ; i++ {
			e := x.RawGetInt(i)
			if e == lua.LNil {
				break
			}
			parts = append(parts, render(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "(nil)"
}
