package hll

import (
	"testing"

	"sundial/internal/redistest"
)

// realRedis is a redis-server started for one test, with a connection
// that parses replies: enough to compare our values with Redis's.
type realRedis struct{ *redistest.Conn }

// respError is an error reply from Redis.
type respError = redistest.ErrorReply

// startRedis starts redis-server for t, or skips t when it is not
// installed (fails instead under SUNDIAL_REQUIRE_REDIS=1).
func startRedis(t *testing.T) *realRedis { return &realRedis{redistest.Connect(t)} }

// do sends one command and returns the reply: string for simple and bulk
// strings, int64, nil, []any, or respError.
func (rr *realRedis) do(t *testing.T, args ...any) any {
	t.Helper()
	return rr.Call(t, args...)
}

// pipeline sends many commands at once and reads all replies (for bulk loads).
func (rr *realRedis) pipeline(t *testing.T, cmds [][]any) []any {
	t.Helper()
	return rr.Pipeline(t, cmds)
}
