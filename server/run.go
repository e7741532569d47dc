package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"sundial/commands"
	"sundial/config"
)

// LoadConfig builds the configuration from command-line arguments
// ([redis.conf] [--directive value ...]) and the environment, with the
// precedence flag > env > file > default.
func LoadConfig(args, environ []string) (*config.Config, []string, error) {
	cfg := config.New()
	var warnings []string
	if len(args) > 0 && !strings.HasPrefix(args[0], "--") {
		w, err := cfg.LoadFile(args[0])
		warnings = append(warnings, w...)
		if err != nil {
			return nil, warnings, err
		}
		args = args[1:]
	}
	if err := cfg.ApplyEnv(environ); err != nil {
		return nil, warnings, err
	}
	for i := 0; i < len(args); {
		name, ok := strings.CutPrefix(args[i], "--")
		if !ok || name == "" {
			return nil, warnings, fmt.Errorf("unexpected argument '%s' (directives are given as --<directive> value)", args[i])
		}
		var vals []string
		i++
		for i < len(args) && !strings.HasPrefix(args[i], "--") {
			vals = append(vals, args[i])
			i++
		}
		if v, ok := strings.CutPrefix(name, ""); ok && strings.Contains(v, "=") {
			name, v, _ = strings.Cut(v, "=")
			vals = append([]string{v}, vals...)
		}
		if err := cfg.ApplyFlag(name, strings.Join(quoteAll(vals), " ")); err != nil {
			return nil, warnings, err
		}
	}
	return cfg, warnings, nil
}

func quoteAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if v == "" || strings.ContainsAny(v, " \t\"'") {
			v = fmt.Sprintf("%q", v)
		}
		out[i] = v
	}
	return out
}

// NewLogger returns the structured logger for loglevel and logfile.
func NewLogger(cfg *config.Config) (*slog.Logger, io.Closer, error) {
	var w io.Writer = os.Stdout
	var closer io.Closer = io.NopCloser(nil)
	if cfg.LogFile != "" {
		f, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("can't open the log file: %w", err)
		}
		w, closer = f, f
	}
	level := slog.LevelInfo
	switch cfg.LogLevel {
	case "debug", "verbose":
		level = slog.LevelDebug
	case "warning":
		level = slog.LevelWarn
	case "nothing":
		level = slog.LevelError + 100
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), closer, nil
}

// Run starts a server with cfg and blocks until it shuts down (SIGTERM,
// SIGINT or SHUTDOWN).
func Run(cfg *config.Config) error {
	log, closer, err := NewLogger(cfg)
	if err != nil {
		return err
	}
	defer closer.Close()
	e := commands.NewEngine(cfg, log)
	s := New(cfg, e, log)
	stopBackend, err := OpenBackend(s)
	if err != nil {
		return err
	}
	if _, err := StartMetrics(s); err != nil {
		stopBackend()
		return err
	}
	e.TuneRuntime()
	procs := SetProcs(cfg.GoMaxProcs)
	if err := s.Listen(); err != nil {
		stopBackend()
		return err
	}
	if addr := os.Getenv("SUNDIAL_PPROF"); addr != "" {
		// Profiling endpoint for developers (go tool pprof http://addr/debug/pprof/profile).
		go http.ListenAndServe(addr, nil)
	}
	log.Info("sundial started", "version", commands.Version, "redis_version", commands.RedisVersion,
		"addrs", fmt.Sprint(s.ListenerAddrs()), "backend", cfg.Backend, "gomaxprocs", procs, "pid", os.Getpid())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		select {
		case sig := <-sigs:
			log.Info("received signal, shutting down", "signal", sig.String())
			s.Shutdown(nil)
		case <-s.Done():
		}
	}()
	err = s.Serve()
	stopBackend()
	return err
}

// SetProcs sets how many Ps the Go scheduler runs and returns it. Every
// command executes under the engine's one lock, so extra Ps only spread
// the reading and writing of sockets, and on a small machine they cost
// more than they give: each idle P is a thread to wake and put back to
// sleep (futexes) for every request that arrives, while the clients need
// the other cores. So by default sundial takes half the CPUs the runtime
// sees (at least one); with two cores it then runs like Redis's single
// event loop, and answers one-request-at-a-time clients about a quarter
// faster than with two Ps (BENCHMARKS.md). The gomaxprocs directive sets
// the number; a GOMAXPROCS environment variable is left as it is.
func SetProcs(n int) int {
	if n == 0 {
		if os.Getenv("GOMAXPROCS") != "" {
			return runtime.GOMAXPROCS(0)
		}
		n = max(1, runtime.GOMAXPROCS(0)/2)
	}
	runtime.GOMAXPROCS(n)
	return n
}
