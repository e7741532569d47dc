package lualib

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// run executes a script in s and returns its rendered result.
func run(t *testing.T, s *State, script string) string {
	t.Helper()
	return runOurs(s, script)
}

func TestSetupFillsRedisTableBeforeProtection(t *testing.T) {
	calls := 0
	s := NewState(func(L *lua.LState, redis *lua.LTable) {
		redis.RawSetString("call", L.NewFunction(func(L *lua.LState) int {
			calls++
			L.Push(lua.LString("pong:" + L.CheckString(1)))
			return 1
		}))
		redis.RawSetString("nested", L.NewTable())
		L.SetGlobal("__redis__err__handler", L.NewFunction(func(L *lua.LState) int { return 1 }))
	})
	defer s.Close()

	cases := []struct{ script, want string }{
		{`return redis.call('PING')`, `"pong:PING"`},
		{`return type(__redis__err__handler)`, `"function"`},
		{`redis.call = nil`, `ERR:user_script:1: Attempt to modify a readonly table`},
		{`redis.nested.x = 1`, `ERR:user_script:1: Attempt to modify a readonly table`},
		{`return rawset(redis, 'x', 1)`, `ERR:Attempt to modify a readonly table`},
		{`return undefined_name`, `ERR:user_script:1: Script attempted to access nonexistent global variable 'undefined_name'`},
	}
	for _, c := range cases {
		if got := run(t, s, c.script); got != c.want {
			t.Errorf("%s: got %s, want %s", c.script, got, c.want)
		}
	}
	if calls != 1 {
		t.Errorf("redis.call ran %d times, want 1", calls)
	}
}

func TestSetGlobalBypassesProtection(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	keys := s.L.NewTable()
	keys.Append(lua.LString("k1"))
	s.SetGlobal("MYKEYS", keys)
	if got := run(t, s, `MYKEYS[2] = 'k2' return MYKEYS`); got != `["k1" "k2"]` {
		t.Errorf("tables set as globals stay writable, got %s", got)
	}
	if got := run(t, s, `MYKEYS = {}`); got != `ERR:user_script:1: Attempt to modify a readonly table` {
		t.Errorf("the global itself is protected, got %s", got)
	}
	if got := s.Global("MYKEYS"); got != keys {
		t.Errorf("Global returned %v", got)
	}
	if got := s.Global("nothing"); got != lua.LNil {
		t.Errorf("Global of an undefined name = %v, want nil without error", got)
	}
}

func TestReadOnlyView(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	inner := s.L.NewTable()
	inner.RawSetString("v", lua.LNumber(7))
	cfg := s.L.NewTable()
	cfg.RawSetString("a", lua.LString("x"))
	cfg.RawSetString("inner", inner)
	view := s.ReadOnly(cfg)
	if view == cfg {
		t.Fatal("ReadOnly must return a view, not the table")
	}
	if s.ReadOnly(cfg) != view || s.ReadOnly(view) != view {
		t.Error("ReadOnly must be idempotent")
	}
	s.SetGlobal("cfg", view)
	cases := []struct{ script, want string }{
		{`return {cfg.a, cfg.inner.v}`, `["x" 7]`},
		{`cfg.b = 1`, `ERR:user_script:1: Attempt to modify a readonly table`},
		{`cfg.inner.v = 1`, `ERR:user_script:1: Attempt to modify a readonly table`},
		{`table.insert(cfg.inner, 1)`, `ERR:Attempt to modify a readonly table`},
		{`local n = 0 for k, v in pairs(cfg) do n = n + 1 end return n`, `2`},
		{`return cjson.encode(cfg.inner)`, `"{\"v\":7}"`},
	}
	for _, c := range cases {
		if got := run(t, s, c.script); got != c.want {
			t.Errorf("%s: got %s, want %s", c.script, got, c.want)
		}
	}
}

func TestNullIsCjsonNull(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	fn, err := s.L.Load(strings.NewReader(`return cjson.decode('null'), cjson.null`), "user_script")
	if err != nil {
		t.Fatal(err)
	}
	s.L.Push(fn)
	if err := s.L.PCall(0, 2, nil); err != nil {
		t.Fatal(err)
	}
	if s.L.Get(-2) != s.Null() || s.L.Get(-1) != s.Null() {
		t.Errorf("cjson null values differ from Null(): %v %v", s.L.Get(-2), s.L.Get(-1))
	}
	s.L.Pop(2)
	other := NewState(nil)
	defer other.Close()
	if other.Null() == s.Null() {
		t.Error("each state must have its own null value")
	}
}

func TestNestedCallsStopLikeLua(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	// Redis counts its own call into the script: 199 levels fit.
	if got := run(t, s, `local n = 0 local function f() n = n + 1 pcall(f) end f() return n`); got != "199" {
		t.Errorf("nested pcall depth %s, want 199", got)
	}
	got := run(t, s, `local t = {3, 1, 2} local depth = 0
		local function cmp(a, b) depth = depth + 1 if depth < 500 then table.sort({2, 1}, cmp) end return a < b end
		return {pcall(table.sort, t, cmp)}`)
	if got != `[(nil) "C stack overflow"]` {
		t.Errorf("nested sort comparators: %s", got)
	}
	// The counter must come back down after errors.
	if got := run(t, s, `local n = 0 local function f() n = n + 1 pcall(f) end f() return n`); got != "199" {
		t.Errorf("after errors, nested pcall depth %s, want 199", got)
	}
}

func TestDeepRecursionFailsQuickly(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	start := time.Now()
	got := run(t, s, `local function f(n) return 1 + f(n + 1) end return f(1)`)
	if !strings.HasPrefix(got, "ERR:") {
		t.Errorf("unbounded recursion returned %s", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("recursion overflow took %v", d)
	}
	if got := run(t, s, `local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end return f(1000)`); got != "1000" {
		t.Errorf("recursion of depth 1000: %s", got)
	}
}

// A closure made inside a failing pcall keeps its own variables.
func TestUpvaluesSurviveCaughtErrors(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	got := run(t, s, `local cb
		pcall(function() local x = 'kept' cb = function() return x end error('e') end)
		local a, b, c = 'overwrite', 'the', 'stack'
		return cb()`)
	if got != `"kept"` {
		t.Errorf("closure after caught error returned %s", got)
	}
}

func TestStatesRunInParallel(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewState(nil)
			defer s.Close()
			for j := 0; j < 50; j++ {
				got := runOurs(s, `local t = cjson.decode(cjson.encode({a = {1, 2, 3}}))
					return cmsgpack.unpack(cmsgpack.pack(t)).a[3] + bit.band(7, 3) + struct.unpack('>i', struct.pack('>i', 5)) + math.random(1)`)
				if got != "12" {
					errs <- errors.New("parallel run returned " + got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestFormatNumber(t *testing.T) {
	cases := map[float64]string{
		0.1: "0.1", 1e15: "1e+15", 1e14: "1e+14", 100: "100", 1.0 / 3: "0.33333333333333",
		9007199254740992: "9.007199254741e+15", 1.5e-7: "1.5e-07", -2.5: "-2.5",
	}
	for f, want := range cases {
		if got := FormatNumber(f); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestHugeOutputsFailInsteadOfExhaustingMemory(t *testing.T) {
	defer func(old int64) { maxStringBytes = old }(maxStringBytes)
	maxStringBytes = 1 << 20
	s := NewState(nil)
	defer s.Close()
	for _, script := range []string{
		`local c = cjson.new() c.encode_sparse_array(false, 0) return c.encode({[2^31 - 1] = 1})`,
		`return string.rep('x', 2^30)`,
		`local t = {} for i = 1, 1000 do t[i] = 'x' end return table.concat(t, string.rep('y', 10000))`,
	} {
		if got := run(t, s, script); got != "ERR:user_script:1: not enough memory" {
			t.Errorf("%s: got %.80s", script, got)
		}
	}
}
