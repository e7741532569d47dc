package lualib

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// Redis replaces math.random and math.randomseed with versions built on
// its own lrand48 (rand.c), so that a seed gives the same sequence on
// every platform. The generator starts from lrand48's standard state and
// is never reseeded by Redis 7.0 between scripts.

const lrand48Max = math.MaxInt32

type lrand48 struct{ x uint64 }

func newLrand48() lrand48 { return lrand48{x: 0x1234ABCD330E} }

func (r *lrand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

// next returns the top 31 bits of the next 48-bit state.
func (r *lrand48) next() int32 {
	r.x = (0x5DEECE66D*r.x + 0xB) & (1<<48 - 1)
	return int32(r.x >> 17)
}

func (s *State) mathRandom(L *lua.LState) int {
	r := float64(s.rand.next()%lrand48Max) / lrand48Max
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := int32(checkInt(L, 1))
		if u < 1 {
			argError(L, 1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l := int32(checkInt(L, 1))
		u := int32(checkInt(L, 2))
		if l > u {
			argError(L, 2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		raise(L, "wrong number of arguments")
	}
	return 1
}

func (s *State) mathRandomSeed(L *lua.LState) int {
	s.rand.seed(int32(checkInt(L, 1)))
	return 0
}
