package stream

import (
	"testing"

	"sundial/internal/redistest"
)

// redisServer is a redis-server started for one test and a connection
// that parses replies.
type redisServer struct{ *redistest.Conn }

// errReply is an error reply.
type errReply = redistest.ErrorReply

// startRedis starts redis-server for t. Without redis-server the test is
// skipped, unless SUNDIAL_REQUIRE_REDIS=1.
func startRedis(t *testing.T) *redisServer { return &redisServer{redistest.Connect(t)} }

// do sends commands in one write and returns their replies: string, int64,
// nil, []any or errReply.
func (rs *redisServer) do(t *testing.T, cmds ...[]string) []any {
	t.Helper()
	batch := make([][]any, len(cmds))
	for i, c := range cmds {
		for _, a := range c {
			batch[i] = append(batch[i], a)
		}
	}
	return rs.Pipeline(t, batch)
}
