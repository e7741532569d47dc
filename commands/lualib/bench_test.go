package lualib

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchScript compiles script once and runs it b.N times.
func benchScript(b *testing.B, script string) {
	s := NewState(nil)
	defer s.Close()
	fn, err := s.L.Load(strings.NewReader(script), "user_script")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.L.Push(fn)
		if err := s.L.PCall(0, 0, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Globals and library fields are read through read-only proxies.
func BenchmarkGlobalReads(b *testing.B) {
	benchScript(b, `local n = 0 for i = 1, 100 do n = n + string.len('x') + math.abs(-1) end`)
}

func BenchmarkCjsonRoundTrip(b *testing.B) {
	benchScript(b, `cjson.decode(cjson.encode({id = 12345, name = "job:1", tags = {"a", "b", "c"}, data = {attempts = 3, delay = 0.5}}))`)
}

func BenchmarkMsgpackRoundTrip(b *testing.B) {
	benchScript(b, `cmsgpack.unpack(cmsgpack.pack({id = 12345, name = "job:1", tags = {"a", "b", "c"}, data = {attempts = 3, delay = 0.5}}))`)
}

func BenchmarkNewState(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		NewState(func(L *lua.LState, redis *lua.LTable) {}).Close()
	}
}
