package commands

import (
	"testing"

	"sundial/config"
	"sundial/keyspace"
)

func benchEngine(b *testing.B) (*Engine, *Client) {
	e := NewEngine(config.New(), nil)
	c := e.NewClient(nil, "", "")
	c.Authed = true
	return e, c
}

// The hot path of a GET and a SET through the dispatcher: allocations
// here are paid on every request.
func BenchmarkExecGet(b *testing.B) {
	e, c := benchEngine(b)
	e.Exec(c, [][]byte{[]byte("SET"), []byte("key:1"), []byte("value")})
	args := [][]byte{[]byte("GET"), []byte("key:1")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, args)
	}
}

func BenchmarkExecSetExisting(b *testing.B) {
	e, c := benchEngine(b)
	args := [][]byte{[]byte("SET"), []byte("key:1"), []byte("value")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, args)
	}
}

// BenchmarkExecSetLogged is a SET whose write is handed to a consumer, as
// the AOF consumes it: propagating it must not allocate either.
func BenchmarkExecSetLogged(b *testing.B) {
	e, c := benchEngine(b)
	var logged int
	e.Propagate = func(_ *keyspace.DB, argv [][]byte) uint64 {
		logged += len(argv)
		return 0
	}
	args := [][]byte{[]byte("SET"), []byte("key:1"), []byte("value")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, args)
	}
	b.StopTimer()
	if logged != 3*b.N {
		b.Fatalf("%d arguments logged for %d SETs", logged, b.N)
	}
}

// BenchmarkExecXAddLogged is scripts/bench's XADD … MAXLEN ~ 1000 * with
// its write handed to a consumer: the ID and the exact trim are written
// into the propagation form.
func BenchmarkExecXAddLogged(b *testing.B) {
	e, c := benchEngine(b)
	var logged int
	e.Propagate = func(_ *keyspace.DB, argv [][]byte) uint64 {
		logged++
		return 0
	}
	args := [][]byte{[]byte("XADD"), []byte("st"), []byte("MAXLEN"), []byte("~"), []byte("1000"), []byte("*"), []byte("f"), []byte("v")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, args)
	}
	b.StopTimer()
	if logged != b.N {
		b.Fatalf("%d writes logged for %d XADDs", logged, b.N)
	}
}
