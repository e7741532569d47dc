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
	"sync"
	"testing"

	"sundial/commands"
	"sundial/config"
	"sundial/internal/redistest"
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

// Redis is a real redis-server child process (see package redistest).
type Redis = redistest.Server

// Conn is a raw RESP connection.
type Conn = redistest.Conn

// RequireRedis reports whether a missing redis-server must fail tests
// (SUNDIAL_REQUIRE_REDIS=1, set by .ci/run) instead of skipping them.
func RequireRedis() bool { return redistest.Required() }

// SkipMessage explains how to enable differential tests.
const SkipMessage = redistest.SkipMessage

// StartRedis starts redis-server without persistence on a free port, or
// returns (nil, nil) when it is not installed.
func StartRedis(extra ...string) (*Redis, error) { return redistest.Start(extra...) }

// FreePort finds a free loopback TCP port.
func FreePort() (int, error) { return redistest.FreePort() }

// Dial opens a raw connection; with proto 3 it sends HELLO 3 first.
func Dial(addr string, proto int) (*Conn, error) { return redistest.Dial(addr, proto) }

// ReadRaw reads one complete RESP value from rd.
func ReadRaw(rd *bufio.Reader) (string, error) { return redistest.ReadRaw(rd) }

// SkipOrFail skips t when redis is nil (not installed) — or fails it when
// SUNDIAL_REQUIRE_REDIS=1.
func SkipOrFail(t testing.TB, r *Redis) {
	t.Helper()
	redistest.SkipOrFail(t, r)
}
