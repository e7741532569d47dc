// Package server is sundial's network layer: listeners, connections, the
// request reader and reply writer loop, protected mode, client limits and
// graceful shutdown. Commands run through the commands engine.
package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sundial/commands"
	"sundial/config"
)

// Server accepts connections and runs their commands on an engine.
type Server struct {
	Engine *commands.Engine
	Cfg    *config.Config
	Log    *slog.Logger

	mu        sync.Mutex
	listeners []net.Listener
	conns     map[*conn]struct{}
	wg        sync.WaitGroup
	done      chan struct{}
	closing   bool
	serving   bool
	shutdown  chan shutdownRequest
	// isLoopback decides whether a remote address counts as local for
	// protected mode (tests replace it with SetLoopbackCheck).
	isLoopback atomic.Pointer[func(addr net.Addr) bool]
	// gate orders commands from different connections by arrival (nil
	// where the platform has none).
	gate *gate
	// BeforeShutdown runs after clients stop and before exit (snapshots).
	BeforeShutdown func(save *bool) error
}

type shutdownRequest struct {
	save *bool
	errc chan error
}

// New creates a server around an engine.
func New(cfg *config.Config, e *commands.Engine, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{Engine: e, Cfg: cfg, Log: log, conns: make(map[*conn]struct{}),
		done: make(chan struct{}), shutdown: make(chan shutdownRequest, 1)}
	s.SetLoopbackCheck(isLoopback)
	e.Shutdown = func(save *bool) error {
		select {
		case s.shutdown <- shutdownRequest{save: save}:
		default:
		}
		return nil
	}
	return s
}

// Listen opens the listeners given by bind and port (and tls-port). A bind
// address prefixed with - is optional: failing to bind it is not an error.
func (s *Server) Listen() error {
	var addrs []string
	for _, a := range strings.Fields(s.Cfg.Bind) {
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		addrs = []string{"*"}
	}
	if s.Cfg.Port != 0 {
		if err := s.listenOn(addrs, s.Cfg.Port, nil); err != nil {
			return err
		}
	}
	if s.Cfg.TLSPort != 0 {
		tc, err := TLSConfig(s.Cfg)
		if err != nil {
			return err
		}
		if err := s.listenOn(addrs, s.Cfg.TLSPort, tc); err != nil {
			return err
		}
	}
	if len(s.listeners) == 0 {
		return errors.New("no listening sockets: set port or tls-port")
	}
	return nil
}

func (s *Server) listenOn(addrs []string, port int, tc *tls.Config) error {
	for _, a := range addrs {
		optional := strings.HasPrefix(a, "-")
		host := strings.TrimPrefix(a, "-")
		if host == "*" {
			host = ""
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			if optional {
				continue
			}
			return fmt.Errorf("could not listen on %s:%d: %w", host, port, err)
		}
		if tc != nil {
			ln = tls.NewListener(ln, tc)
		}
		s.UseListener(ln)
	}
	return nil
}

// Addr is the address of the first listener (tests listen on port 0).
func (s *Server) Addr() net.Addr {
	if len(s.listeners) == 0 {
		return nil
	}
	return s.listeners[0].Addr()
}

// ListenerAddrs lists every listening address.
func (s *Server) ListenerAddrs() []net.Addr {
	var out []net.Addr
	for _, ln := range s.listeners {
		out = append(out, ln.Addr())
	}
	return out
}

// UseListener adds an already open listener (tests).
// A listener added while serving starts accepting at once.
func (s *Server) UseListener(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, ln)
	if s.serving {
		s.wg.Add(1)
		go s.acceptLoop(ln)
	}
}

// Serve accepts connections until Shutdown, runs the periodic tasks, and
// returns once every connection is closed.
func (s *Server) Serve() error {
	s.mu.Lock()
	s.serving = true
	s.gate = newGate() // before the first connection is admitted
	for _, ln := range s.listeners {
		s.wg.Add(1)
		go s.acceptLoop(ln)
	}
	s.mu.Unlock()
	if s.gate != nil {
		go s.gate.run()
	}
	go s.cron()
	req := <-s.shutdown
	err := s.stop(req.save)
	if req.errc != nil {
		req.errc <- err
	}
	return err
}

// Shutdown stops the server gracefully (SIGTERM, SIGINT).
// It returns at once if the server is already stopping.
func (s *Server) Shutdown(save *bool) error {
	select {
	case <-s.done:
		return nil
	default:
	}
	errc := make(chan error, 1)
	select {
	case s.shutdown <- shutdownRequest{save: save, errc: errc}:
	default:
		return nil
	}
	select {
	case err := <-errc:
		return err
	case <-s.done:
		// Another shutdown (SHUTDOWN command, signal) won the race.
		return nil
	}
}

func (s *Server) stop(save *bool) error {
	s.mu.Lock()
	s.closing = true
	for _, ln := range s.listeners {
		ln.Close()
	}
	s.mu.Unlock()
	close(s.done)
	// Wait for in-flight commands: they run holding the engine lock.
	s.Engine.Mu.Lock()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.Engine.Mu.Unlock()
	if s.gate != nil {
		s.gate.close()
	}
	var err error
	if s.BeforeShutdown != nil {
		err = s.BeforeShutdown(save)
	}
	s.wg.Wait()
	s.Log.Info("sundial is now ready to exit, bye bye...")
	return err
}

// Done is closed when the server begins shutting down.
func (s *Server) Done() <-chan struct{} { return s.done }

func (s *Server) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.Log.Warn("accept failed", "err", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		s.admit(nc)
	}
}

// admit applies maxclients and protected mode, then serves the connection.
func (s *Server) admit(nc net.Conn) {
	e := s.Engine
	e.Mu.Lock()
	keepalive := s.Cfg.TCPKeepalive
	e.Mu.Unlock()
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
		if ka := keepalive; ka > 0 {
			tc.SetKeepAlivePeriod(time.Duration(ka) * time.Second)
			tc.SetKeepAlive(true)
		}
	}
	s.mu.Lock()
	n := len(s.conns)
	closing := s.closing
	s.mu.Unlock()
	if closing {
		nc.Close()
		return
	}
	e.Mu.Lock()
	maxClients, protected := s.Cfg.MaxClients, s.Cfg.ProtectedMode && e.DefaultUserNoPass()
	e.Mu.Unlock()
	if n >= maxClients {
		e.Stats().RejectedConns.Add(1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		return
	}
	if protected && !(*s.isLoopback.Load())(nc.RemoteAddr()) {
		e.Stats().RejectedConns.Add(1)
		nc.Write([]byte(deniedProtected))
		nc.Close()
		return
	}
	c := newConn(s, nc)
	s.mu.Lock()
	s.conns[c] = struct{}{}
	closing = s.closing
	s.mu.Unlock()
	if closing {
		c.Close() // stop has already closed the connections it knew
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		c.serve()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()
}

const deniedProtected = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

// SetLoopbackCheck replaces the protected-mode test of whether a client
// address is local (safe while serving).
func (s *Server) SetLoopbackCheck(f func(net.Addr) bool) { s.isLoopback.Store(&f) }

func isLoopback(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.IsLoopback()
	}
	return true
}

// cron runs the periodic tasks hz times a second: active expiry (and the
// hooks other subsystems register).
func (s *Server) cron() {
	for {
		s.Engine.Mu.Lock()
		hz := s.Cfg.Hz
		s.Engine.Mu.Unlock()
		if hz < 1 {
			hz = 1
		}
		if hz > 500 {
			hz = 500
		}
		period := time.Second / time.Duration(hz)
		select {
		case <-s.done:
			return
		case <-time.After(period):
		}
		s.Engine.ActiveExpire(period / 4)
		s.Engine.Cron()
	}
}

// TLSConfig builds the TLS configuration from the tls-* directives:
// the server certificate, and with tls-ca-cert-file the CA that client
// certificates must chain to (tls-auth-clients yes: required, optional:
// verified when presented, no: not requested).
func TLSConfig(cfg *config.Config) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: loading tls-cert-file/tls-key-file: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.TLSCACertFile != "" {
		pem, err := os.ReadFile(cfg.TLSCACertFile)
		if err != nil {
			return nil, fmt.Errorf("tls: reading tls-ca-cert-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: no certificate found in %s", cfg.TLSCACertFile)
		}
		tc.ClientCAs = pool
	}
	switch cfg.TLSAuthClients {
	case "yes":
		if tc.ClientCAs != nil {
			tc.ClientAuth = tls.RequireAndVerifyClientCert
		}
	case "optional":
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return tc, nil
}
