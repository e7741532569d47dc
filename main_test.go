package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary compiles sundial once for the CLI tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sundial")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestCLI(t *testing.T) {
	bin := buildBinary(t)

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "sundial") || !strings.Contains(string(out), "7.0.15") {
		t.Fatalf("version: %v %q", err, out)
	}

	// A bad value exits 1 naming the directive and what it accepts.
	cmd := exec.Command(bin, "--appendfsync", "sometimes")
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 ||
		!strings.Contains(string(out), "appendfsync") || !strings.Contains(string(out), "everysec") {
		t.Fatalf("bad value: %v %q", err, out)
	}
	cmd = exec.Command(bin, "serve", "--no-such-directive", "1")
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "no-such-directive") {
		t.Fatalf("unknown flag: %v %q", err, out)
	}

	// serve, answer, and stop gracefully on SIGTERM with exit code 0.
	port := freePort(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "test.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf("port %d\nbind 127.0.0.1\nunknown-thing 1\n", port)), 0o644)
	cmd = exec.Command(bin, "serve", conf, "--backend", "memory", "--dir", dir)
	cmd.Env = append(os.Environ(), "SUNDIAL_HZ=20")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	warn := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var all []string
		for sc.Scan() {
			all = append(all, sc.Text())
		}
		warn <- strings.Join(all, "\n")
	}()
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c == nil {
		cmd.Process.Kill()
		t.Fatal("server did not start")
	}
	fmt.Fprint(c, "CONFIG GET hz\r\n")
	rd := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var lines []string
	for i := 0; i < 5; i++ {
		l, _ := rd.ReadString('\n')
		lines = append(lines, strings.TrimSpace(l))
	}
	if strings.Join(lines, " ") != "*2 $2 hz $2 20" {
		t.Fatalf("CONFIG GET hz: %q", lines)
	}
	c.Close()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no exit after SIGTERM")
	}
	if w := <-warn; !strings.Contains(w, conf+":3") || !strings.Contains(w, "unknown-thing") {
		t.Fatalf("warning for the unknown directive missing: %q", w)
	}
}
