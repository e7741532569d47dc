package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// The math library of Lua 5.1 (lmathlib.c) with Redis's random functions.
// gopher-lua's differs in math.huge (the largest double instead of
// infinity), in math.modf of infinities and in its argument errors.

const radiansPerDegree = math.Pi / 180.0

func math1(f func(float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(lua.LNumber(f(checkNumber(L, 1))))
		return 1
	}
}

func math2(f func(a, b float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(lua.LNumber(f(checkNumber(L, 1), checkNumber(L, 2))))
		return 1
	}
}

func mathModf(L *lua.LState) int {
	x := checkNumber(L, 1)
	ip, fp := math.Modf(x)
	if math.IsInf(x, 0) {
		fp = math.Copysign(0, x) // C's modf; Go gives NaN
	}
	L.Push(lua.LNumber(ip))
	L.Push(lua.LNumber(fp))
	return 2
}

func mathFrexp(L *lua.LState) int {
	m, e := math.Frexp(checkNumber(L, 1))
	L.Push(lua.LNumber(m))
	L.Push(lua.LNumber(e))
	return 2
}

func mathLdexp(L *lua.LState) int {
	m := checkNumber(L, 1)
	e := checkInt(L, 2)
	L.Push(lua.LNumber(math.Ldexp(m, e)))
	return 1
}

// mathExtreme is math.min / math.max: NaNs never replace the first value.
func mathExtreme(better func(a, b float64) bool) lua.LGFunction {
	return func(L *lua.LState) int {
		n := L.GetTop()
		best := checkNumber(L, 1)
		for i := 2; i <= n; i++ {
			if d := checkNumber(L, i); better(d, best) {
				best = d
			}
		}
		L.Push(lua.LNumber(best))
		return 1
	}
}

func newMathLib(L *lua.LState, s *State) *lua.LTable {
	t := newModule(L, map[string]lua.LGFunction{
		"abs":   math1(math.Abs),
		"acos":  math1(math.Acos),
		"asin":  math1(math.Asin),
		"atan":  math1(math.Atan),
		"atan2": math2(math.Atan2),
		"ceil":  math1(math.Ceil),
		"cos":   math1(math.Cos),
		"cosh":  math1(math.Cosh),
		"deg":   math1(func(x float64) float64 { return x / radiansPerDegree }),
		"exp":   math1(math.Exp),
		"floor": math1(math.Floor),
		"fmod":  math2(math.Mod),
		"mod":   math2(math.Mod),
		"frexp": mathFrexp,
		"ldexp": mathLdexp,
		"log":   math1(math.Log),
		"log10": math1(math.Log10),
		"max":   mathExtreme(func(a, b float64) bool { return a > b }),
		"min":   mathExtreme(func(a, b float64) bool { return a < b }),
		"modf":  mathModf,
		"pow":   math2(math.Pow),
		"rad":   math1(func(x float64) float64 { return x * radiansPerDegree }),
		"sin":   math1(math.Sin),
		"sinh":  math1(math.Sinh),
		"sqrt":  math1(math.Sqrt),
		"tan":   math1(math.Tan),
		"tanh":  math1(math.Tanh),

		"random":     s.mathRandom,
		"randomseed": s.mathRandomSeed,
	})
	t.RawSetString("pi", lua.LNumber(math.Pi))
	t.RawSetString("huge", lua.LNumber(math.Inf(1)))
	return t
}
