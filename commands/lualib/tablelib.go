package lualib

import (
	lua "github.com/yuin/gopher-lua"
)

// The table library of Lua 5.1 (ltablib.c), replacing gopher-lua's, whose
// functions differ in results and errors (table.remove on an empty table,
// number formatting in table.concat, sorting of only the array part, and
// missing foreach, foreachi and setn). All element access is raw; writes
// to read-only tables fail as in Redis.

type tableLib struct{ s *State }

// checkTable is luaL_checktype(L, n, LUA_TTABLE).
func checkTable(L *lua.LState, n int) *lua.LTable {
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		typeError(L, n, "table")
	}
	return t
}

// checkInt is luaL_checkint: luaL_checkinteger narrowed to a C int.
func checkInt(L *lua.LState, n int) int {
	return int(int32(checkInteger(L, n)))
}

func optInt(L *lua.LState, n int, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInt(L, n)
}

func checkFunction(L *lua.LState, n int) *lua.LFunction {
	f, ok := L.Get(n).(*lua.LFunction)
	if !ok {
		typeError(L, n, "function")
	}
	return f
}

// getn is aux_getn: the table argument and its length.
func (tl tableLib) getn(L *lua.LState, n int) (*lua.LTable, int) {
	t := checkTable(L, n)
	return t, tl.s.resolve(t).Len()
}

func (tl tableLib) rawGet(t *lua.LTable, i int) lua.LValue {
	return tl.s.resolve(t).RawGetInt(i)
}

func (tl tableLib) rawSet(L *lua.LState, t *lua.LTable, i int, v lua.LValue) {
	tl.s.checkWritable(L, t)
	t.RawSetInt(i, v)
}

// call runs f(a, b) and returns its single result, left on the stack.
func (tl tableLib) call(L *lua.LState, f lua.LValue, a, b lua.LValue) lua.LValue {
	tl.s.callC(L, 1, f, a, b)
	return L.Get(-1)
}

func (tl tableLib) foreachi(L *lua.LState) int {
	t, n := tl.getn(L, 1)
	f := checkFunction(L, 2)
	for i := 1; i <= n; i++ {
		if r := tl.call(L, f, lua.LNumber(i), tl.rawGet(t, i)); r != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func (tl tableLib) foreach(L *lua.LState) int {
	t := tl.s.resolve(checkTable(L, 1))
	f := checkFunction(L, 2)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if r := tl.call(L, f, k, v); r != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func (tl tableLib) maxn(L *lua.LState) int {
	t := tl.s.resolve(checkTable(L, 1))
	max := 0.0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		if n, ok := k.(lua.LNumber); ok && float64(n) > max {
			max = float64(n)
		}
	}
	L.Push(lua.LNumber(max))
	return 1
}

func (tl tableLib) getnFn(L *lua.LState) int {
	_, n := tl.getn(L, 1)
	L.Push(lua.LNumber(n))
	return 1
}

func (tl tableLib) setn(L *lua.LState) int {
	checkTable(L, 1)
	raise(L, "'setn' is obsolete")
	return 0
}

func (tl tableLib) insert(L *lua.LState) int {
	t, n := tl.getn(L, 1)
	e := n + 1 // first empty element
	var pos int
	switch L.GetTop() {
	case 2:
		pos = e
	case 3:
		pos = checkInt(L, 2)
		if pos > e {
			e = pos
		}
		for i := e; i > pos; i-- {
			tl.rawSet(L, t, i, tl.rawGet(t, i-1))
		}
	default:
		raise(L, "wrong number of arguments to 'insert'")
	}
	tl.rawSet(L, t, pos, L.Get(L.GetTop()))
	return 0
}

func (tl tableLib) remove(L *lua.LState) int {
	t, e := tl.getn(L, 1)
	pos := optInt(L, 2, e)
	if pos < 1 || pos > e {
		return 0
	}
	L.Push(tl.rawGet(t, pos))
	for ; pos < e; pos++ {
		tl.rawSet(L, t, pos, tl.rawGet(t, pos+1))
	}
	tl.rawSet(L, t, e, lua.LNil)
	return 1
}

func (tl tableLib) concat(L *lua.LState) int {
	sep := ""
	if L.Get(2) != lua.LNil {
		sep = checkString(L, 2)
	}
	t := tl.s.resolve(checkTable(L, 1))
	i := optInt(L, 3, 1)
	last := t.Len()
	if L.Get(4) != lua.LNil {
		last = checkInt(L, 4)
	}
	var buf []byte
	field := func(i int) {
		v := t.RawGetInt(i)
		s, ok := toLString(v)
		if !ok {
			raise(L, "invalid value (%s) at index %d in table for 'concat'", v.Type().String(), i)
		}
		buf = append(buf, s...)
	}
	for ; i < last; i++ {
		field(i)
		buf = append(buf, sep...)
		if int64(len(buf)) > maxStringBytes {
			raise(L, "not enough memory")
		}
	}
	if i == last {
		field(i)
	}
	L.Push(lua.LString(buf))
	return 1
}

// sorter is Lua 5.1's auxsort, kept step for step so that comparison
// functions see the same calls and inconsistent ones fail alike.
type sorter struct {
	tl   tableLib
	L    *lua.LState
	t    *lua.LTable
	less lua.LValue // nil for the < operator
}

func (s *sorter) get(i int) lua.LValue { return s.tl.rawGet(s.t, i) }

func (s *sorter) set(i int, v lua.LValue) { s.tl.rawSet(s.L, s.t, i, v) }

func (s *sorter) lt(a, b lua.LValue) bool {
	if s.less == lua.LNil {
		return lessThan(s.tl.s, s.L, a, b)
	}
	r := s.tl.call(s.L, s.less, a, b)
	s.L.Pop(1)
	return lua.LVAsBool(r)
}

func (s *sorter) sort(l, u int) {
	for l < u {
		// Order a[l], a[(l+u)/2] and a[u].
		al, au := s.get(l), s.get(u)
		if s.lt(au, al) {
			s.set(l, au)
			s.set(u, al)
		}
		if u-l == 1 {
			break
		}
		i := (l + u) / 2
		ai, al := s.get(i), s.get(l)
		if s.lt(ai, al) {
			s.set(i, al)
			s.set(l, ai)
		} else {
			au := s.get(u)
			if s.lt(au, ai) {
				s.set(i, au)
				s.set(u, ai)
			}
		}
		if u-l == 2 {
			break
		}
		p := s.get(i)
		s.set(i, s.get(u-1))
		s.set(u-1, p)
		i, j := l, u-1
		for {
			i++
			for s.lt(s.get(i), p) {
				if i > u {
					raise(s.L, "invalid order function for sorting")
				}
				i++
			}
			j--
			for s.lt(p, s.get(j)) {
				if j < l {
					raise(s.L, "invalid order function for sorting")
				}
				j--
			}
			if j < i {
				break
			}
			ai, aj := s.get(i), s.get(j)
			s.set(i, aj)
			s.set(j, ai)
		}
		au1, ai := s.get(u-1), s.get(i)
		s.set(u-1, ai)
		s.set(i, au1)
		if i-l < u-i {
			j, i, l = l, i-1, i+1
		} else {
			j, i, u = i+1, u, i-1
		}
		s.sort(j, i)
	}
}

func (tl tableLib) sortFn(L *lua.LState) int {
	t, n := tl.getn(L, 1)
	less := L.Get(2)
	if less != lua.LNil {
		checkFunction(L, 2)
	}
	s := &sorter{tl: tl, L: L, t: t, less: less}
	s.sort(1, n)
	return 0
}

func newTableLib(L *lua.LState, s *State) *lua.LTable {
	tl := tableLib{s: s}
	return newModule(L, map[string]lua.LGFunction{
		"concat":   tl.concat,
		"foreach":  tl.foreach,
		"foreachi": tl.foreachi,
		"getn":     tl.getnFn,
		"insert":   tl.insert,
		"maxn":     tl.maxn,
		"remove":   tl.remove,
		"setn":     tl.setn,
		"sort":     tl.sortFn,
	})
}

// lessThan is lua_lessthan as called from C: numbers and strings compare
// directly, other values through a shared __lt, and the error carries no
// position.
func lessThan(s *State, L *lua.LState, a, b lua.LValue) bool {
	if a.Type() == b.Type() {
		switch x := a.(type) {
		case lua.LNumber:
			return x < b.(lua.LNumber)
		case lua.LString:
			return x < b.(lua.LString)
		}
		mm := L.GetMetaField(a, "__lt")
		if mm != lua.LNil && mm == L.GetMetaField(b, "__lt") {
			s.callC(L, 1, mm, a, b)
			r := L.Get(-1)
			L.Pop(1)
			return lua.LVAsBool(r)
		}
	}
	t1, t2 := a.Type().String(), b.Type().String()
	if t1[2] == t2[2] {
		raisePlain(L, "attempt to compare two "+t1+" values")
	}
	raisePlain(L, "attempt to compare "+t1+" with "+t2)
	return false
}
