package lualib

import (
	"errors"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// callLib calls lib.fn(args...) and fails the test when the Go code
// panicked (as opposed to raising a Lua error, which is fine).
func callLib(t *testing.T, s *State, lib, fn string, args ...lua.LValue) {
	t.Helper()
	f := s.Global(lib).(*lua.LTable)
	L := s.L
	L.Push(L.GetField(f, fn))
	for _, a := range args {
		L.Push(a)
	}
	err := L.PCall(len(args), lua.MultRet, nil)
	L.SetTop(0)
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorPanic {
		t.Fatalf("%s.%s(%q) panicked: %v", lib, fn, args, err)
	}
}

func FuzzDecoders(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00"}`, `[1e400,-0,0x10,inf,nan]`, `"\u12`, `[[[[`,
		"\x93\x01\xc0\x03", "\x81\xc0\x01", "\xdb\xff\xff\xff\xff", "\xdd\x00\x00\x00\x05\x01",
		"\xcf\xff\xff\xff\xff\xff\xff\xff\xff", "", "\x00\x00",
	} {
		f.Add(seed, "<i2c0>Bs!4d")
	}
	s := NewState(nil)
	defer s.Close()
	f.Fuzz(func(t *testing.T, data, format string) {
		d := lua.LString(data)
		callLib(t, s, "cjson", "decode", d)
		callLib(t, s, "cmsgpack", "unpack", d)
		callLib(t, s, "cmsgpack", "unpack_limit", d, lua.LNumber(3), lua.LNumber(1))
		callLib(t, s, "struct", "unpack", lua.LString(format), d)
		callLib(t, s, "struct", "pack", lua.LString(format), lua.LNumber(1), d, lua.LNumber(-2.5))
		callLib(t, s, "struct", "size", lua.LString(format))
		callLib(t, s, "string", "format", lua.LString(format), d, lua.LNumber(3))
		callLib(t, s, "bit", "tohex", lua.LNumber(len(data)), lua.LNumber(len(format)-4))
	})
}
