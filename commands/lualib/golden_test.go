package lualib

import "testing"

// golden holds replies real Redis 7.0.15 gave for a sample of the
// comparison snippets, so that the libraries stay checked where no
// redis-server is installed. TestCompareWithRedis checks them all live.
var golden = []struct{ snippet, reply string }{
	{"return show(math.random(), math.random(100), math.random(5, 10))", "\"0.39646477363839039,85,7\""},
	{"return show(pcall(math.random, 'x'))", "\"false,\\\"bad argument #1 to '?' (number expected, got string)\\\"\""},
	{"return cjson.encode({0.1, 1e300, -0, 2^53, 2^53 + 1, 1/3, 100, 1e15, 1e14, 123456789012345, 1.5e-7, -1.25, 3.14159265358979})", "\"[0.1,1e+300,-0,9.007199254741e+15,9.007199254741e+15,0.33333333333333,100,1e+15,1e+14,1.2345678901234e+14,1.5e-07,-1.25,3.1415926535898]\""},
	{"return cjson.encode({[1] = 1, [2] = 2, [3] = 3, [11] = 1})", "ERR:user_script:1: Cannot serialise table: excessively sparse array"},
	{"return cjson.encode({1, 2, x = 3})", "\"{\\\"1\\\":1,\\\"2\\\":2,\\\"x\\\":3}\""},
	{"return cjson.encode({cjson.null, true, false, \"s\"})", "\"[null,true,false,\\\"s\\\"]\""},
	{"return cjson.encode(1/0)", "ERR:user_script:1: Cannot serialise number: must not be NaN or Inf"},
	{"local t = {} local c = t for i = 1, 1000 do c[1] = {} c = c[1] end return cjson.encode(t)", "ERR:user_script:1: Cannot serialise, excessive nesting (1001)"},
	{"local c = cjson.new() return show(c.encode_sparse_array(true, 3, 5), c.encode({[20] = 1}), c.encode({[1] = 1, [3] = 3}))", "\"true,\\\"{\\\"20\\\":1}\\\",\\\"[1,null,3]\\\"\""},
	{"local c = cjson.new() return c.encode_max_depth(\"x\")", "ERR:user_script:1: bad argument #1 to 'encode_max_depth' (number expected, got string)"},
	{"local c = cjson.new() return c.encode_sparse_array(true, 1, 2, 3)", "ERR:user_script:1: bad argument #4 to 'encode_sparse_array' (found too many arguments)"},
	{"return show(cjson.decode('{\"a\":{\"b\":[1,{\"c\":null}]}, \"d\": \"e\", \"f\": [true, false]}'))", "\"{\\\"a\\\"={\\\"b\\\"={1=1,2={\\\"c\\\"=userdata: (nil)}}},\\\"d\\\"=\\\"e\\\",\\\"f\\\"={1=true,2=false}}\""},
	{"return show(cjson.decode('123456789012345678901234567890'), cjson.decode('0.1'), cjson.decode('1e-400'))", "\"1.2345678901234568e+29,0.10000000000000001,0\""},
	{"return cjson.decode('{\"a\" 1}')", "ERR:user_script:1: Expected colon but found T_NUMBER at character 6"},
	{"return cjson.decode('nil')", "ERR:user_script:1: Expected value but found invalid token at character 1"},
	{"return cjson.decode('\"\\\\ud800\\\\u0041\"')", "ERR:user_script:1: Expected value but found invalid unicode escape code at character 2"},
	{"return cjson.decode('[1 2]')", "ERR:user_script:1: Expected comma or array end but found T_NUMBER at character 4"},
	{"return show(cjson.decode('\"a\\0b\"'))", "ERR:user_script:1: Expected value but found unexpected end of string at character 3"},
	{"return cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))", "ERR:user_script:1: Found too many nested data structures (1001) at character 1001"},
	{"return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":true}]}'))", "\"{\\\"a\\\":[1,2,{\\\"b\\\":true}]}\""},
	{"return hex(cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 2^32 - 1, 2^32, 2^53, -1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31 - 1, -2^53))", "\"00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000cf0020000000000000ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffffd3ffe0000000000000\""},
	{"return hex(cmsgpack.pack(0.5, 0.1, 1e300, 1/0, -1/0, 2^63, -2^63, 2^64, 1.5, -2.25, 3.4e38, 1e-45))", "\"ca3f000000cb3fb999999999999acb7e37e43c8800759cca7f800000caff800000ca5f000000d38000000000000000ca5f800000ca3fc00000cac0100000cb47eff933c78cdfadcb3696d601ad376ab9\""},
	{"return hex(cmsgpack.pack(-0, -0.0))", "\"0000\""},
	{"return hex(cmsgpack.pack(0/0))", "\"cbfff8000000000000\""},
	{"return hex(cmsgpack.pack(\"\", \"a\", string.rep(\"x\", 31)))", "\"a0a161bf78787878787878787878787878787878787878787878787878787878787878\""},
	{"local out = {} for _, n in ipairs({32, 255, 256, 65535, 65536}) do local p = cmsgpack.pack(string.rep(\"y\", n)) out[#out+1] = hex(p:sub(1, 6)) .. \":\" .. #p end return table.concat(out, \" \")", "\"d92079797979:34 d9ff79797979:257 da0100797979:259 daffff797979:65538 db0001000079:65541\""},
	{"return hex(cmsgpack.pack({}, {1, 2, 3}, {a = 1}, {1, nil, 3}, {[1] = 1, [2] = 2, [4] = 4}, {[0] = 1}, {[1.5] = 2}))", "\"909301020381a1610182010103038301010202040481000181ca3fc0000002\""},
	{"return hex(cmsgpack.pack({true, false, cjson.null, function() end}))", "\"94c3c2c0c0\""},
	{"local t = {} for i = 1, 16 do t[i] = i end local m = {} for i = 1, 16 do m[\"k\" .. string.format(\"%02d\", i)] = i end return hex(cmsgpack.pack(t)):sub(1, 12) .. \":\" .. #cmsgpack.pack(m)", "\"dc0010010203:83\""},
	{"local t = {} for i = 1, 70000 do t[i] = 0 end local p = cmsgpack.pack(t) return hex(p:sub(1, 6)) .. \":\" .. #p", "\"dd0001117000:70005\""},
	{"local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t))", "\"91919191919191919191919191919191c0\""},
	{"local t = {} t[1] = t return hex(cmsgpack.pack(t))", "\"91919191919191919191919191919191c0\""},
	{"return hex(cmsgpack.pack({[2^31] = 1}))", "\"81ce8000000001\""},
	{"return show(cmsgpack.unpack(cmsgpack.pack(nil, 2)))", "\"nil,2\""},
	{"return cmsgpack.unpack(\"\\196\\1a\")", "ERR:user_script:1: Bad data format in input."},
	{"return show(pcall(cmsgpack.unpack, \"\\129\\192\\1\"))", "\"false,\\\"table index is nil\\\"\""},
	{"local p = cmsgpack.pack(1, 2, 3) return show(cmsgpack.unpack_limit(p, 2), cmsgpack.unpack_limit(p, 0), cmsgpack.unpack_limit(p, 0, 1), cmsgpack.unpack_limit(p, 5, 1))", "\"2,1,1,-1,2,3\""},
	{"return select('#', cmsgpack.unpack(string.rep('\\0', 7999)))", "7999"},
	{"return show(bit.tohex(255), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(-1), bit.tohex(0x12345678, 0), bit.tohex(1, 9), bit.tohex(0xabcdef, -8), bit.tohex(1, 2^32 + 3))", "\"\\\"000000ff\\\",\\\"ff\\\",\\\"00FF\\\",\\\"ffffffff\\\",\\\"\\\",\\\"00000001\\\",\\\"00ABCDEF\\\",\\\"001\\\"\""},
	{"return show(bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.rshift(-1, 1), bit.rshift(-1, 32), bit.arshift(-256, 4), bit.arshift(-1, 31), bit.arshift(0x80000000, 1))", "\"-2147483648,1,2,2147483647,-1,-16,-1,-1073741824\""},
	{"return bit.tohex(1, nil)", "ERR:user_script:1: bad argument #2 to 'tohex' (number expected, got nil)"},
	{"return hex(struct.pack('>iH', 1, 2) .. struct.pack('<i2', -1) .. struct.pack('!4bi', 1, 2) .. struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 2^40, 7))", "\"000000010002ffff0100000002000000fffffefffffffdffffffffffffff00000000000100000700000000000000\""},
	{"return hex(struct.pack('>d<f', 1.5, -0.25) .. struct.pack('>f', 0.1) .. struct.pack('d', 1/0))", "\"3ff8000000000000000080be3dcccccd000000000000f07f\""},
	{"return hex(struct.pack('c3 s x z', 'abcdef', 'hi', 'zz'))", "ERR:user_script:1: bad argument #1 to 'pack' (invalid format option 'z')"},
	{"return hex(struct.pack('c0s', 'abc', 'a\\0b'))", "\"61626361006200\""},
	{"return hex(struct.pack('i3I5i16', 1, 2^39 + 5, -2) .. struct.pack('>I16', 2^64) .. struct.pack('<i8', -2^63) .. struct.pack('<I8', 2^63))", "\"0100000500000080feffffffffffffff00000000000000000000000000000000000000000000000000000000000000800000000000000080\""},
	{"return hex(struct.pack('!8 b d', 1, 2) .. struct.pack('! b h', 1, 2) .. struct.pack('!2 b i', 1, 2) .. struct.pack('!4 b i3 b', 1, 2, 3))", "\"010000000000000000000000000000400100020001000200000001000002000003\""},
	{"return hex(struct.pack('B', 300) .. struct.pack('b', -129) .. struct.pack('H', -1) .. struct.pack('i', 2^33 + 1) .. struct.pack('i', 1.9) .. struct.pack('i', -1.9) .. struct.pack('I', \"12\"))", "\"2c7fffff0100000001000000ffffffff0c000000\""},
	{"return show(struct.unpack('Bc0', '\\3abcdef'), struct.unpack('i', 'abcdefgh', 5), struct.unpack('!4 b i', struct.pack('!4 b i', 7, 9)))", "\"\\\"abc\\\",1751606885,7,9,9\""},
	{"return struct.pack('!3i', 1)", "ERR:user_script:1: alignment 3 is not a power of 2"},
	{"return hex(struct.pack('!', 1))", "\"\""},
	{"return struct.unpack('c0', 'abc')", "ERR:user_script:1: format 'c0' needs a previous size"},
	{"return struct.unpack('z', 'abc')", "ERR:user_script:1: bad argument #1 to 'unpack' (invalid format option 'z')"},
	{"return struct.pack('ii', 1)", "ERR:user_script:1: bad argument #3 to 'pack' (number expected, got nil)"},
	{"return select('#', struct.unpack(string.rep('b', 7997), string.rep('\\0', 7997)))", "7998"},
	{"_G.KEYS = 1", "ERR:user_script:1: Attempt to modify a readonly table"},
	{"math.pi = 3", "ERR:user_script:1: Attempt to modify a readonly table"},
	{"return show(getmetatable(\"\").__index == string, getmetatable(_G) ~= nil, getmetatable(string), (\"x\"):rep(3))", "\"true,true,nil,\\\"xxx\\\"\""},
	{"return show(rawget(_G, 'x'), rawget(_G, 'string') == string, rawequal(_G, _G._G))", "\"nil,true,true\""},
	{"local t = setmetatable({}, {__metatable = \"locked\"}) return show(getmetatable(t), pcall(setmetatable, t, {}))", "\"\\\"locked\\\",false,\\\"cannot change a protected metatable\\\"\""},
	{"return type(setfenv)", "ERR:user_script:1: Script attempted to access nonexistent global variable 'setfenv'"},
	{"return type(package)", "ERR:user_script:1: Script attempted to access nonexistent global variable 'package'"},
	{"local ok = pcall(function() string.len = nil end) return show(ok, type(string.len))", "\"false,\\\"function\\\"\""},
	{"return tostring()", "ERR:user_script:1: bad argument #1 to 'tostring' (value expected)"},
	{"local t = {1, 2, 3} return show(table.remove(t), table.remove(t, 1), t, table.remove({}), table.remove(t, 5), t)", "\"3,1,{1=2},nil,nil,{1=2}\""},
	{"local t = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0} table.sort(t) local u = {\"b\", \"a\", \"c\"} table.sort(u, function(a, b) return a > b end) return show(t, u)", "\"{1=0,10=9,2=1,3=2,4=3,5=4,6=5,7=6,8=7,9=8},{1=\\\"c\\\",2=\\\"b\\\",3=\\\"a\\\"}\""},
	{"local out = {} table.foreach({a = 1}, function(k, v) out[#out + 1] = k .. v end) table.foreachi({5, 6}, function(i, v) out[#out + 1] = i .. \":\" .. v end) return show(out, table.foreachi({7, 8}, function(i, v) if v == 8 then return \"found\" end end))", "\"{1=\\\"a1\\\",2=\\\"1:5\\\",3=\\\"2:6\\\"},\\\"found\\\"\""},
	{"local n = 0 for i, v in ipairs({1, 2, nil, 4}) do n = n + v end return n", "3"},
	{"return getmetatable()", "ERR:user_script:1: bad argument #1 to 'getmetatable' (value expected)"},
	{"return show(string.format('%f %e %g %5.1f %-6g| %+f %E %G', 1/0, -1/0, 0/0, 1/0, -1/0, 1/0, 1/0, -(0/0)))", "\"\\\"inf -inf -nan   inf -inf  | +inf INF NAN\\\"\""},
	{"return string.format('abc%', 1)", "ERR:user_script:1: invalid option '%' to 'format'"},
	{"return show(string.len(1e15), string.sub(12345, 2, 3), string.rep(0.5, 2), ('x'):rep(2.9), string.byte('A'), string.char(72, 105), pcall(string.char, 256), pcall(string.char, 'x'))", "\"5,\\\"23\\\",\\\"0.50.5\\\",\\\"xx\\\",65,\\\"Hi\\\",false,false,\\\"bad argument #1 to '?' (number expected, got string)\\\"\""},
	{"local f = loadstring('error(\"e\")') return f()", "ERR:[string \"error(\"e\")\"]:1: e"},
	{"return show(type(nil), pcall(type), rawequal('a', 'a'), rawequal({}, {}), pcall(rawequal, 1))", "\"\\\"nil\\\",false,true,false,false,\\\"bad argument #2 to '?' (value expected)\\\"\""},
	{"local e = cjson.encode return e()", "ERR:user_script:1: bad argument #1 to 'e' (expected 1 argument)"},
	{"return show(coroutine.resume(coroutine.create(function() return cjson.encode(1/0) end)))", "\"false,\\\"user_script:1: Cannot serialise number: must not be NaN or Inf\\\"\""},
	{"return show(string.find('hello world', 'o w'), string.match('key:123', '(%a+):(%d+)'), string.gsub('abc', '%w', '%0%0'))", "\"5,\\\"key\\\",\\\"aabbcc\\\",3\""},
	{"return error({err='custom'})", "ERR:custom"},
	{"local t = {} t[1.5] = 1 return show(next(t))", "\"1.5,1\""},
	{"return show(math.floor('2.5'), math.ceil(-0.5), math.exp(1), math.sin(1), math.cos(1), math.atan2(1, 2), math.cosh(1), math.asin(0.5))", "\"2,-0,2.7182818284590451,0.8414709848078965,0.54030230586813977,0.46364760900080609,1.5430806348152437,0.52359877559829893\""},
}

func TestGoldenReplies(t *testing.T) {
	s := NewState(nil)
	defer s.Close()
	for _, g := range golden {
		if got := runOurs(s, prelude+g.snippet); got != g.reply {
			t.Errorf("snippet: %s\n want: %s\n  got: %s", g.snippet, g.reply, got)
		}
	}
}
