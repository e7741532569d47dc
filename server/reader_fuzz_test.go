package server

import (
	"bytes"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the request reader: it must never
// panic, never return an argument outside its input, and stop at the first
// protocol error.
func FuzzReader(f *testing.F) {
	for _, seed := range []string{
		"*1\r\n$4\r\nPING\r\n", "PING\r\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
		"*abc\r\n", "*1\r\n$-1\r\n", "SET \"a\\x41\" 'b'\r\n", "*0\r\n", "\r\n",
		"*1\r\n$2147483647\r\n", "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$0\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), 1<<20, 1<<22)
		for i := 0; i < 1000; i++ {
			args, err := rd.Next(true)
			if err != nil {
				return
			}
			if args == nil {
				if _, err := rd.Fill(); err != nil {
					return
				}
				continue
			}
			for _, a := range args {
				if len(a) > len(data) {
					t.Fatalf("argument longer than the input")
				}
			}
		}
	})
}
