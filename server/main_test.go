package server_test

import (
	"fmt"
	"os"
	"testing"

	"sundial/internal/testserver"
)

// The servers every test in this package shares: sundial in process and,
// when installed, a real redis-server for differential tests.
var (
	sundial *testserver.Sundial
	redis   *testserver.Redis
)

func TestMain(m *testing.M) {
	var err error
	sundial, err = testserver.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start sundial:", err)
		os.Exit(1)
	}
	redis, err = testserver.StartRedis()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start redis-server:", err)
		os.Exit(1)
	}
	if redis == nil {
		fmt.Fprintln(os.Stderr, testserver.SkipMessage)
	}
	code := m.Run()
	redis.Stop()
	if err := sundial.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// diff runs differential cases against the shared servers.
func diff(t *testing.T, cases []testserver.Case) {
	t.Helper()
	testserver.Diff(t, sundial, redis, cases)
}

// C builds a differential case.
var C = testserver.C
