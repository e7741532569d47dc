package commands

import (
	"testing"

	"sundial/config"
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
