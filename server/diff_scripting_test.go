package server_test

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// shaOf is the SHA1 a script is cached under.
func shaOf(script string) string {
	sum := sha1.Sum([]byte(script))
	return hex.EncodeToString(sum[:])
}

// Lua scripting, byte for byte against redis-server (each case in RESP2
// and RESP3). The script cache and function libraries survive FLUSHALL,
// so cases that look at them start with SCRIPT FLUSH or FUNCTION FLUSH.
// Maps with several keys are avoided: Lua and gopher-lua iterate tables
// in different orders.

// Lua values returned to the client.
func TestDiffScriptingLuaToReply(t *testing.T) {
	diff(t, []testserver.Case{
		C("integer", `EVAL "return 42" 0`, `EVAL "return -7" 0`, `EVAL "return 0" 0`),
		C("float truncated", `EVAL "return 3.99" 0`, `EVAL "return -3.7" 0`, `EVAL "return 0.5" 0`),
		C("float out of range", `EVAL "return 1e300" 0`, `EVAL "return -1e300" 0`, `EVAL "return 0/0" 0`, `EVAL "return math.huge" 0`),
		C("large integers", `EVAL "return 9007199254740993" 0`, `EVAL "return -9223372036854775808" 0`, `EVAL "return 2^53" 0`),
		C("string", `EVAL "return 'hello'" 0`, `EVAL "return ''" 0`),
		C("binary string", `EVAL "return '\\0\\255a\\r\\n'" 0`),
		C("booleans", `EVAL "return true" 0`, `EVAL "return false" 0`),
		C("nothing returned", `EVAL "local x = 1" 0`, `EVAL "return nil" 0`, `EVAL "return" 0`),
		C("function and userdata", `EVAL "return print" 0`, `EVAL "return function() end" 0`, `EVAL "return cjson.null" 0`),
		C("array", `EVAL "return {1, 'two', 3}" 0`),
		C("empty table", `EVAL "return {}" 0`),
		C("array stops at nil", `EVAL "return {1, 2, nil, 4}" 0`, `EVAL "return {nil, 2}" 0`),
		C("array with booleans", `EVAL "return {true, false, 1}" 0`),
		C("nested arrays", `EVAL "return {1, {2, {3, {4}}}, 'x'}" 0`),
		C("array with holes by index", `EVAL "local t = {} t[1] = 'a' t[3] = 'c' return t" 0`),
		C("string keys ignored in arrays", `EVAL "return {1, 2, foo='bar'}" 0`),
		C("status table", `EVAL "return {ok='fine'}" 0`, `EVAL "return {ok=''}" 0`),
		C("status newlines", `EVAL "return {ok='a\\r\\nb'}" 0`),
		C("status not string", `EVAL "return {ok=5}" 0`, `EVAL "return {ok={}}" 0`),
		C("error table", `EVAL "return {err='MYERR something'}" 0`, `EVAL "return {err='nocode'}" 0`),
		C("error table empty", `EVAL "return {err=''}" 0`),
		C("error table newlines", `EVAL "return {err='X a\\nb\\n'}" 0`),
		C("error wins over ok", `EVAL "return {err='E x', ok='y'}" 0`),
		C("error table number", `EVAL "return {err=5}" 0`),
		C("nested error and status", `EVAL "return {1, {err='E inner'}, {ok='fine'}}" 0`),
		C("double table", `EVAL "return {double=3.5}" 0`, `EVAL "return {double=-0.1}" 0`, `EVAL "return {double=10}" 0`),
		C("double special", `EVAL "return {double=1/0}" 0`, `EVAL "return {double=-1/0}" 0`, `EVAL "return {double=1e300}" 0`),
		C("double not a number", `EVAL "return {double='x'}" 0`),
		C("big number", `EVAL "return {big_number='1234567890123456789012345'}" 0`),
		C("big number newlines", `EVAL "return {big_number='12\\r\\n34'}" 0`),
		C("verbatim", `EVAL "return {verbatim_string={format='txt', string='hello'}}" 0`),
		C("verbatim markdown", `EVAL "return {verbatim_string={format='mkd', string='# x'}}" 0`),
		C("verbatim incomplete", `EVAL "return {verbatim_string={format='txt'}}" 0`),
		C("map one key", `EVAL "return {map={a=1}}" 0`),
		C("map nested", `EVAL "return {map={k={1, 2, {map={z='y'}}}}}" 0`),
		C("map empty", `EVAL "return {map={}}" 0`),
		C("map with several keys", `~EVAL "return {map={a=1, b=2, c=3}}" 0`),
		C("set one member", `EVAL "return {set={a=true}}" 0`),
		C("set several members", `~EVAL "return {set={a=true, b=true, c=true}}" 0`),
		C("set empty", `EVAL "return {set={}}" 0`),
		C("resp3 booleans", `EVAL "redis.setresp(3) return true" 0`, `EVAL "redis.setresp(3) return false" 0`, `EVAL "redis.setresp(3) return {true, false}" 0`),
		C("resp3 nil", `EVAL "redis.setresp(3) return nil" 0`),
		C("setresp back to 2", `EVAL "redis.setresp(3) redis.setresp(2) return {true, false}" 0`),
		C("self reference hits stack limit", `EVAL "local t = {} t[1] = t return t" 0`),
		C("self reference through map", `EVAL "local t = {} t[1] = {map={a=t}} return t" 0`),
		C("self reference through set", `EVAL "local t = {} local s = {set={}} s.set[t] = true t[1] = s return t" 0`),
		C("returning keys and argv", `EVAL "return {KEYS, ARGV}" 2 a b c d`),
		C("argv modified", `EVAL "ARGV[1] = 'changed' return ARGV" 0 x y`),
		C("empty keys and argv", `EVAL "return {#KEYS, #ARGV}" 0`),
		C("many arguments", `EVAL "return #ARGV" 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25`),
		C("binary keys", "EVAL \"return KEYS[1]\" 1 \"a\\x00b\\xff\""),
	})
}

// Replies of commands called from scripts, converted to Lua.
func TestDiffScriptingReplyToLua(t *testing.T) {
	diff(t, []testserver.Case{
		C("integer reply", `EVAL "return redis.call('incr', KEYS[1])" 1 n`, `EVAL "return type(redis.call('incr', KEYS[1]))" 1 n`),
		C("bulk reply", `SET k v`, `EVAL "return redis.call('get', 'k')" 0`, `EVAL "return type(redis.call('get', 'k'))" 0`),
		C("null bulk is false", `EVAL "return redis.call('get', 'nokey')" 0`, `EVAL "return tostring(redis.call('get', 'nokey'))" 0`),
		C("status reply", `EVAL "return redis.call('set', 'k', 'v')" 0`, `EVAL "return redis.call('set', 'k', 'v').ok" 0`),
		C("status reply type", `EVAL "return type(redis.call('ping'))" 0`, `EVAL "return redis.call('ping')" 0`),
		C("array with nulls", `MSET a 1 c 3`, `EVAL "return redis.call('mget', 'a', 'b', 'c')" 0`, `EVAL "local r = redis.call('mget', 'a', 'b', 'c') return {#r, tostring(r[2])}" 0`),
		C("hgetall resp2", `HSET h f v`, `EVAL "return redis.call('hgetall', 'h')" 0`),
		C("hgetall resp3 map", `HSET h f v`, `EVAL "redis.setresp(3) return redis.call('hgetall', 'h')" 0`, `EVAL "redis.setresp(3) return redis.call('hgetall', 'h').map.f" 0`),
		C("empty map resp3", `EVAL "redis.setresp(3) return redis.call('hgetall', 'nokey')" 0`, `EVAL "redis.setresp(3) return type(redis.call('hgetall', 'nokey').map)" 0`),
		C("null resp3 is nil", `EVAL "redis.setresp(3) return type(redis.call('get', 'nokey'))" 0`),
		C("verbatim resp3", `EVAL "redis.setresp(3) return redis.call('info', 'server').verbatim_string.format" 0`),
		C("info resp2 is string", `EVAL "return type(redis.call('info', 'server'))" 0`),
		C("error reply raised", `SET s abc`, `EVAL "return redis.call('incr', 's')" 0`),
		C("error reply with pcall", `SET s abc`, `EVAL "return redis.pcall('incr', 's')" 0`),
		C("error reply fields", `SET s abc`, `EVAL "local e = redis.pcall('incr', 's') return {e.err, tostring(e.ignore_error_stats_update)}" 0`),
		C("wrongtype reply", `HSET h f v`, `EVAL "return redis.pcall('get', 'h')" 0`, `EVAL "return redis.call('get', 'h')" 0`),
		C("pcall error then continue", `SET s abc`, `EVAL "redis.pcall('incr', 's') return redis.call('get', 's')" 0`),
		C("lua pcall of redis.call", `SET s abc`, `EVAL "local ok, e = pcall(redis.call, 'incr', 's') return {tostring(ok), e}" 0`),
		C("lua pcall error table", `EVAL "local ok, e = pcall(error, {err='X y'}) return {tostring(ok), e}" 0`),
		C("numbers as arguments", `EVAL "redis.call('set', 'k', 1.5) return redis.call('get', 'k')" 0`, `EVAL "redis.call('set', 'k', 100) return redis.call('get', 'k')" 0`),
		C("number arguments precision", `EVAL "redis.call('set', 'k', 0.1) return redis.call('get', 'k')" 0`, `EVAL "redis.call('set', 'k', 1e20) return redis.call('get', 'k')" 0`, `EVAL "redis.call('set', 'k', -0.0) return redis.call('get', 'k')" 0`),
		C("number arguments large", `EVAL "redis.call('set', 'k', 2^53) return redis.call('get', 'k')" 0`, `EVAL "redis.call('set', 'k', 1/3) return redis.call('get', 'k')" 0`),
		C("bad argument types", `EVAL "return redis.call('get', {})" 0`, `EVAL "return redis.call('get', nil)" 0`, `EVAL "return redis.call('set', 'k', true)" 0`),
		C("bad argument types pcall", `EVAL "return redis.pcall('get', {})" 0`, `EVAL "return redis.pcall('get', function() end)" 0`),
		C("no arguments", `EVAL "return redis.call()" 0`, `EVAL "return redis.pcall()" 0`),
		C("unknown command", `EVAL "return redis.call('nosuch')" 0`, `EVAL "return redis.pcall('nosuch', 'x')" 0`),
		C("unknown subcommand", `EVAL "return redis.call('config', 'nosuch')" 0`, `EVAL "return redis.call('object', 'nosuch', 'k')" 0`),
		C("wrong arity", `EVAL "return redis.call('get')" 0`, `EVAL "return redis.call('get', 'a', 'b')" 0`, `EVAL "return redis.call('set', 'a')" 0`),
		C("container without subcommand", `EVAL "return redis.call('object')" 0`),
		C("wrong arity pcall", `EVAL "return redis.pcall('get')" 0`),
		C("noscript commands", `EVAL "return redis.call('eval', 'return 1', 0)" 0`, `EVAL "return redis.call('multi')" 0`, `EVAL "return redis.call('subscribe', 'ch')" 0`),
		C("noscript pcall", `EVAL "return redis.pcall('script', 'flush')" 0`, `EVAL "return redis.pcall('client', 'reply', 'off')" 0`),
		C("blocking list command refused", `EVAL "return redis.call('blpop', 'nolist', 0)" 0`),
		C("blocking stream read does not block", `EVAL "return redis.call('xread', 'BLOCK', '0', 'STREAMS', 's', '$')" 0`,
			`XADD s 1-1 f v`, `EVAL "return redis.call('xread', 'BLOCK', '0', 'STREAMS', 's', '0')" 0`),
		C("case insensitive command", `EVAL "return redis.call('SeT', 'k', 'v')" 0`, `EVAL "return redis.call('GET', 'k')" 0`),
		C("keys not declared", `EVAL "redis.call('set', 'undeclared', 'x') return redis.call('get', 'undeclared')" 0`),
		C("select inside script", `EVAL "redis.call('select', 1) redis.call('set', 'k', 'db1') return redis.call('get', 'k')" 0`, `GET k`, `SELECT 1`, `GET k`),
		C("script sees caller db", `SELECT 2`, `SET k two`, `EVAL "return redis.call('get', 'k')" 0`),
		C("writes visible after script", `EVAL "redis.call('hset', 'h', 'a', '1') redis.call('incr', 'n') return 1" 0`, `HGETALL h`, `GET n`),
		C("expire inside script", `EVAL "redis.call('set', 'k', 'v', 'EX', 100) return redis.call('ttl', 'k')" 0`),
		C("time stands still inside a script", `EVAL "redis.call('set', 'k', 'v', 'PX', 10) local s = redis.call('time') repeat local n = redis.call('time') until (n[1] - s[1]) * 1000000 + n[2] - s[2] > 30000 return redis.call('exists', 'k')" 0`, `EXISTS k`),
		C("error in middle keeps earlier writes", `SET s abc`, `EVAL "redis.call('set', 'a', '1') redis.call('incr', 's') redis.call('set', 'b', '2')" 0`, `GET a`, `GET b`),
	})
}

// The redis.* library.
func TestDiffScriptingRedisLib(t *testing.T) {
	diff(t, []testserver.Case{
		C("sha1hex", `EVAL "return redis.sha1hex('hello')" 0`, `EVAL "return redis.sha1hex('')" 0`),
		C("sha1hex number and nil", `EVAL "return redis.sha1hex(12)" 0`, `EVAL "return redis.sha1hex(nil)" 0`),
		C("sha1hex arity", `EVAL "return redis.sha1hex()" 0`, `EVAL "return redis.sha1hex('a', 'b')" 0`),
		C("error_reply", `EVAL "return redis.error_reply('bad thing')" 0`, `EVAL "return redis.error_reply('-CODE msg')" 0`, `EVAL "return redis.error_reply('')" 0`),
		C("error_reply value", `EVAL "return redis.error_reply('x').err" 0`, `EVAL "return redis.error_reply('-MY x').err" 0`),
		C("error_reply bad arguments", `EVAL "return redis.error_reply(1)" 0`, `EVAL "return redis.error_reply()" 0`, `EVAL "return redis.error_reply('a', 'b')" 0`),
		C("error_reply raised", `EVAL "error(redis.error_reply('MY failure'))" 0`),
		C("status_reply", `EVAL "return redis.status_reply('GOOD')" 0`, `EVAL "return redis.status_reply('')" 0`, `EVAL "return redis.status_reply('x').ok" 0`),
		C("status_reply bad arguments", `EVAL "return redis.status_reply(5)" 0`, `EVAL "return redis.status_reply()" 0`),
		C("log", `EVAL "redis.log(redis.LOG_WARNING, 'from a script', 1, true) return 1" 0`, `EVAL "redis.log(redis.LOG_DEBUG, 'x') return 2" 0`),
		C("log errors", `EVAL "redis.log()" 0`, `EVAL "redis.log(1)" 0`, `EVAL "redis.log('x', 'y')" 0`, `EVAL "redis.log(9, 'y')" 0`, `EVAL "redis.log(-1, 'y')" 0`),
		C("log levels", `EVAL "return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}" 0`),
		C("setresp errors", `EVAL "redis.setresp(4)" 0`, `EVAL "redis.setresp()" 0`, `EVAL "redis.setresp('x')" 0`, `EVAL "redis.setresp(2, 3)" 0`),
		C("setresp string number", `EVAL "redis.setresp('3') return true" 0`),
		C("set_repl", `EVAL "redis.set_repl(redis.REPL_ALL) return 1" 0`, `EVAL "redis.set_repl(redis.REPL_NONE) redis.call('set', 'k', 'v') return redis.call('get', 'k')" 0`),
		C("set_repl errors", `EVAL "redis.set_repl(9)" 0`, `EVAL "redis.set_repl()" 0`, `EVAL "redis.set_repl(1, 2)" 0`),
		C("repl constants", `EVAL "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}" 0`),
		C("replicate_commands", `EVAL "return redis.replicate_commands()" 0`),
		C("breakpoint and debug", `EVAL "return redis.breakpoint()" 0`, `EVAL "return redis.debug('x')" 0`),
		C("version", `EVAL "return redis.REDIS_VERSION" 0`, `EVAL "return redis.REDIS_VERSION_NUM" 0`),
		C("acl_check_cmd", `EVAL "return redis.acl_check_cmd('get', 'a')" 0`, `EVAL "return redis.acl_check_cmd('set', 'a', 'b')" 0`),
		C("acl_check_cmd errors", `EVAL "return redis.acl_check_cmd('nosuch')" 0`, `EVAL "return redis.acl_check_cmd()" 0`),
		C("redis table is read only", `EVAL "redis.call = nil" 0`, `EVAL "redis.newfield = 1" 0`),
		C("redis missing field is nil", `EVAL "return type(redis.nosuch)" 0`, `EVAL "return type(redis.register_function)" 0`),
		C("error handler global", `EVAL "return type(__redis__err__handler)" 0`, `EVAL "return __redis__err__handler('x')" 0`),
		C("math random range", `!EVAL "return math.random(10)" 0`, `EVAL "local r = math.random(5, 6) return r >= 5 and r <= 6" 0`),
		C("math random errors", `EVAL "return math.random(0)" 0`, `EVAL "return math.random(3, 1)" 0`),
		C("tostring and tonumber", `EVAL "return {tostring(1.5), tostring(10), tonumber('0x10'), tonumber('  12  ')}" 0`),
		C("string library", `EVAL "return {string.format('%05d|%s|%.3f', 42, 'x', 1/3), string.rep('ab', 3), ('hello'):upper()}" 0`),
		C("string patterns", `EVAL "return {string.find('hello world', 'o w'), string.gsub('a-b-c', '-', '+')}" 0`),
		C("table library", `EVAL "local t = {3, 1, 2} table.sort(t) table.insert(t, 4) return {table.concat(t, ','), #t}" 0`),
		C("unpack and select", `EVAL "return {select('#', unpack({1, 2, 3}))}" 0`),
		C("coroutines", `EVAL "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y}" 0`),
		C("loadstring", `EVAL "local f = loadstring('return 1 + 1') return f()" 0`),
	})
}

// cjson, cmsgpack, bit and struct.
func TestDiffScriptingLibraries(t *testing.T) {
	diff(t, []testserver.Case{
		C("cjson encode array", `EVAL "return cjson.encode({1, 2, 'three', {4, 5}})" 0`),
		C("cjson encode object", `EVAL "return cjson.encode({a={b={c='deep'}}})" 0`),
		C("cjson encode values", `EVAL "return cjson.encode({true, false, cjson.null, 1.5, -3, 1e20})" 0`),
		C("cjson encode strings", `EVAL "return cjson.encode('quote\\\" slash/ tab\\t nl\\n ctl\\1')" 0`),
		C("cjson encode empty table", `EVAL "return cjson.encode({})" 0`),
		C("cjson encode sparse array", `EVAL "return cjson.encode({[1]=1, [2]=2, [4]=4})" 0`),
		C("cjson encode excessively sparse", `EVAL "return cjson.encode({[1]=1, [100]=2})" 0`),
		C("cjson encode function fails", `EVAL "return cjson.encode({f=print})" 0`),
		C("cjson decode", `EVAL "local t = cjson.decode(ARGV[1]) return {t.a, t.b[2], t.c.d}" 0 "{\"a\":\"x\",\"b\":[1,2,3],\"c\":{\"d\":\"e\"}}"`),
		C("cjson decode types", `EVAL "local t = cjson.decode('[true,false,null,1.25,\"s\"]') return {tostring(t[1]), tostring(t[2]), tostring(t[3] == cjson.null), tostring(t[4]), t[5]}" 0`),
		C("cjson decode errors", `EVAL "return cjson.decode('{bad')" 0`, `EVAL "return cjson.decode('')" 0`, `EVAL "return cjson.decode('[1,2')" 0`),
		C("cjson round trip nested", `EVAL "return cjson.encode(cjson.decode(ARGV[1]))" 0 "[1,[2,[3,[4,{\"k\":[5,\"six\"]}]]]]"`),
		C("cjson unicode escapes", `EVAL "return cjson.decode('\"\\\\u00e9\\\\u20ac\"')" 0`),
		C("cjson numbers", `EVAL "return cjson.encode({0.1, 100, -0, 1/3, 12345678901234})" 0`),
		C("cmsgpack round trip nested", `EVAL "local t = cmsgpack.unpack(cmsgpack.pack({1, {2, {3, 'x'}}, 'y'})) return {t[1], t[2][2][2], t[3]}" 0`),
		C("cmsgpack pack bytes", `EVAL "return cmsgpack.pack({1, -1, 300, -300, 70000, 'abc', true, false, 1.5})" 0`),
		C("cmsgpack pack map", `EVAL "return cmsgpack.pack({key='value'})" 0`),
		C("cmsgpack pack several", `EVAL "return cmsgpack.pack(1, 'two', {3})" 0`),
		C("cmsgpack unpack multiple", `EVAL "return {cmsgpack.unpack(cmsgpack.pack(1, 2, 3))}" 0`),
		C("cmsgpack unpack from argv", `EVAL "local t = cmsgpack.unpack(ARGV[1]) return {t[1], t[2]}" 0 "\x92\x01\xa3abc"`),
		C("cmsgpack large values", `EVAL "local s = string.rep('x', 300) local t = cmsgpack.unpack(cmsgpack.pack({s, 2^40, -2^40})) return {#t[1], t[2] == 2^40, t[3] == -2^40}" 0`),
		C("cmsgpack errors", `EVAL "return cmsgpack.unpack()" 0`, `EVAL "return cmsgpack.pack()" 0`),
		C("cjson of msgpack data", `EVAL "return cjson.encode(cmsgpack.unpack(cmsgpack.pack({1, {2, 'a'}, 'b'})))" 0`),
		C("bit operations", `EVAL "return {bit.band(0xff, 0x0f), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.bnot(0), bit.lshift(1, 10), bit.rshift(256, 4), bit.arshift(-256, 4)}" 0`),
		C("bit tohex and tobit", `EVAL "return {bit.tohex(255), bit.tohex(255, -4), bit.tobit(2^32 + 5), bit.rol(1, 33), bit.ror(1, 1), bit.bswap(0x12345678)}" 0`),
		C("struct pack unpack", `EVAL "local s = struct.pack('>iHb', 100000, 513, -1) return {s, struct.unpack('>iHb', s)}" 0`),
		C("struct strings", `EVAL "local s = struct.pack('s', 'abc') return {#s, struct.unpack('s', s)}" 0`, `EVAL "return struct.size('>iHd')" 0`),
		C("struct errors", `EVAL "return struct.pack('y', 1)" 0`, `EVAL "return struct.unpack('>i', 'ab')" 0`),
	})
}

// The sandbox: globals are read only and undefined globals are errors.
func TestDiffScriptingSandbox(t *testing.T) {
	diff(t, []testserver.Case{
		C("read undefined global", `EVAL "return x" 0`, `EVAL "return undefined_name" 0`),
		C("write global", `EVAL "x = 1" 0`, `EVAL "KEYS = {}" 0`),
		C("write global on line 3", "EVAL \"local a = 1\nlocal b = 2\nnewglobal = a + b\" 0"),
		C("undefined global in function", "EVAL \"local function f()\n  return nope\nend\nreturn f()\" 0"),
		C("no os io print", `EVAL "return os.time()" 0`, `EVAL "return io" 0`, `EVAL "print('x')" 0`),
		C("no require dofile loadfile", `EVAL "return require" 0`, `EVAL "return dofile" 0`, `EVAL "return loadfile" 0`),
		C("no getfenv setfenv newproxy debug", `EVAL "return getfenv" 0`, `EVAL "return setfenv" 0`, `EVAL "return newproxy" 0`, `EVAL "return debug" 0`),
		C("library tables read only", `EVAL "string.x = 1" 0`, `EVAL "table.insert = nil" 0`, `EVAL "cjson.encode = nil" 0`, `EVAL "math.pi = 3" 0`),
		C("rawset on globals", `EVAL "rawset(_G, 'x', 1)" 0`),
		C("setmetatable on globals", `EVAL "setmetatable(_G, nil)" 0`),
		C("local variables allowed", `EVAL "local x = 5 x = x + 1 return x" 0`),
		C("local tables writable", `EVAL "local t = {} t.a = 1 t[1] = 2 return {t[1], t.a}" 0`),
		C("global read through _G", `EVAL "return _G.nothing" 0`, `EVAL "return type(_G.string)" 0`),
		C("globals not kept between scripts", `EVAL "local x = 1 return x" 0`, `EVAL "return x" 0`),
		C("error with string", `EVAL "error('boom')" 0`),
		C("error on later line", "EVAL \"local a = 1\n\nerror('line three')\" 0"),
		C("error levels", `EVAL "error('no position', 0)" 0`, `EVAL "error('level two', 2)" 0`),
		C("error with table", `EVAL "error({err='MYCODE custom'})" 0`),
		C("error with number and nil", `EVAL "error(123)" 0`, `EVAL "error(nil)" 0`, `EVAL "error(true)" 0`),
		C("error in nested function", "EVAL \"local function inner()\n  error('deep')\nend\nlocal function outer() inner() end\nouter()\" 0"),
		C("runtime error position", "!EVAL \"local t = nil\nreturn t.x\" 0"),
		C("assert", `EVAL "assert(false, 'assertion text')" 0`, `EVAL "return assert(1)" 0`),
		C("error newline kept as space", `EVAL "error('a\\nb\\r\\nc')" 0`, `EVAL "error('\\n')" 0`),
		C("pcall catches error", `EVAL "local ok, e = pcall(function() error('inner') end) return {tostring(ok), e}" 0`),
		C("xpcall handler", `EVAL "return {xpcall(function() error('x') end, function(e) return 'handled: ' .. e end)}" 0`),
		C("compile error", `!EVAL "return 1 +" 0`, `!EVAL "x = = 1" 0`),
		C("varargs in script", `EVAL "return select('#', ...)" 0`),
		C("return early with end", `EVAL "do return 1 end return 2" 0`),
		C("long loop finishes", `EVAL "local n = 0 for i = 1, 200000 do n = n + i end return n" 0`),
		C("string.rep huge fails", `!EVAL "return string.rep('x', 2^40)" 0`),
	})
}

// EVAL, EVALSHA and their _RO forms, shebangs, numkeys and NOSCRIPT.
func TestDiffScriptingEval(t *testing.T) {
	diff(t, []testserver.Case{
		C("numkeys errors", `EVAL "return 1" -1`, `EVAL "return 1" 2 a`, `EVAL "return 1" x`, `EVAL "return 1" 1.5`, `EVAL "return 1" " 1" a`),
		C("numkeys checked before compiling", `EVAL "return +" -1`, `EVAL "return +" x`),
		C("numkeys zero with args", `EVAL "return ARGV" 0 a b`),
		C("eval arity", `EVAL "return 1"`, `EVAL`, `EVALSHA abc`, `EVAL_RO "return 1"`),
		C("noscript", `EVALSHA ffffffffffffffffffffffffffffffffffffffff 0`, `EVALSHA abc 0`, `EVALSHA_RO ffffffffffffffffffffffffffffffffffffffff 0`),
		C("noscript checks numkeys first", `EVALSHA abc -1`, `EVALSHA abc 5`),
		C("evalsha after eval", `SCRIPT FLUSH`, `EVAL "return 'cached'" 0`, "EVALSHA "+shaOf("return 'cached'")+" 0"),
		C("evalsha uppercase", `SCRIPT FLUSH`, `SCRIPT LOAD "return 'up'"`, "EVALSHA "+strings.ToUpper(shaOf("return 'up'"))+" 0"),
		C("evalsha after script load", `SCRIPT FLUSH`, `SCRIPT LOAD "return {KEYS[1], ARGV[1]}"`, "EVALSHA "+shaOf("return {KEYS[1], ARGV[1]}")+" 1 k a"),
		C("eval_ro reads", `SET k v`, `EVAL_RO "return redis.call('get', 'k')" 0`),
		C("eval_ro write refused", `EVAL_RO "return redis.call('set', 'k', 'v')" 0`, `GET k`),
		C("eval_ro write pcall", `EVAL_RO "return redis.pcall('set', 'k', 'v')" 0`),
		C("evalsha_ro", `SCRIPT FLUSH`, `SCRIPT LOAD "return redis.call('set', 'k', 'v')"`, "EVALSHA_RO "+shaOf("return redis.call('set', 'k', 'v')")+" 0"),
		C("shebang no-writes", "EVAL \"#!lua flags=no-writes\nreturn redis.call('get', 'k')\" 0", "EVAL \"#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')\" 0"),
		C("shebang without flags writes", "EVAL \"#!lua\nreturn redis.call('set', 'k', 'v')\" 0", "GET k"),
		C("shebang with eval_ro", "EVAL_RO \"#!lua\nreturn 1\" 0", "EVAL_RO \"#!lua flags=no-writes\nreturn 2\" 0"),
		C("shebang all flags", "EVAL \"#!lua flags=no-writes,allow-oom,allow-stale,no-cluster\nreturn 3\" 0"),
		C("shebang empty flags", "EVAL \"#!lua flags=\nreturn 4\" 0"),
		C("shebang errors", `EVAL "#!lua" 0`, "EVAL \"#!python\nreturn 1\" 0", "EVAL \"#!lua foo\nreturn 1\" 0", "EVAL \"#!lua flags=bad\nreturn 1\" 0"),
		C("shebang flag errors", "EVAL \"#!lua flags=no-writes,,allow-oom\nreturn 1\" 0", "EVAL \"#!lua flags=NO-WRITES\nreturn 1\" 0", "EVAL \"#! lua\nreturn 1\" 0"),
		C("shebang quotes", "EVAL \"#!lua \\\"a\nreturn 1\" 0", "EVAL \"#!lua \\\"flags=no-writes\\\"\nreturn 1\" 0"),
		C("shebang keeps line numbers", "EVAL \"#!lua\nerror('second line')\" 0"),
		C("shebang in script load", "SCRIPT LOAD \"#!lua flags=no-writes\nreturn 1\"", "SCRIPT LOAD \"#!lua flags=bad\nreturn 1\""),
		C("eval inside multi", `MULTI`, `EVAL "return redis.call('incr', 'n')" 0`, `EVAL "return redis.call('incr', 'n')" 0`, `EXEC`),
		C("eval error inside multi", `SET s abc`, `MULTI`, `EVAL "return redis.call('incr', 's')" 0`, `SET t 1`, `EXEC`, `GET t`),
		C("eval bad numkeys inside multi", `MULTI`, `EVAL "return 1" -1`, `EVAL "return 2" 0`, `EXEC`),
		C("eval arity inside multi aborts", `MULTI`, `EVAL "return 1"`, `EXEC`),
		C("evalsha noscript inside multi", `MULTI`, `EVALSHA ffffffffffffffffffffffffffffffffffffffff 0`, `EXEC`),
		C("script load inside multi", `SCRIPT FLUSH`, `MULTI`, `SCRIPT LOAD "return 'm'"`, "EVALSHA "+shaOf("return 'm'")+" 0", `EXEC`),
		C("watch and eval", `SET w 1`, `WATCH w`, `EVAL "return redis.call('set', 'w', '2')" 0`, `MULTI`, `GET w`, `EXEC`),
		C("script reads its own writes", `EVAL "redis.call('hset', 'h', 'f', 'a') redis.call('set', 'k', 'x') redis.call('append', 'k', 'y') return redis.call('get', 'k')" 0`),
	})
}

// SCRIPT subcommands.
func TestDiffScriptingScriptCommand(t *testing.T) {
	diff(t, []testserver.Case{
		C("script load", `SCRIPT FLUSH`, `SCRIPT LOAD "return 1"`, `SCRIPT LOAD "return 1"`),
		C("script load compile error", `!SCRIPT LOAD "return +"`),
		C("script exists", `SCRIPT FLUSH`, `SCRIPT LOAD "return 1"`, `SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db ffffffffffffffffffffffffffffffffffffffff E0E1F9FABFC9D4800C877A703B823AC0578FF8DB x`),
		C("script exists after eval", `SCRIPT FLUSH`, `EVAL "return 'e'" 0`, "SCRIPT EXISTS "+shaOf("return 'e'")),
		C("script flush", `SCRIPT LOAD "return 1"`, `SCRIPT FLUSH`, `SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db`, `EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0`),
		C("script flush modes", `SCRIPT FLUSH SYNC`, `SCRIPT FLUSH ASYNC`, `SCRIPT FLUSH async`, `SCRIPT FLUSH bad`, `SCRIPT FLUSH SYNC ASYNC`),
		C("script kill not busy", `SCRIPT KILL`, `FUNCTION KILL`),
		C("script help", `SCRIPT HELP`),
		C("script errors", `SCRIPT`, `SCRIPT NOSUCH`, `SCRIPT LOAD`, `SCRIPT LOAD a b`, `SCRIPT EXISTS`, `SCRIPT KILL x`),
		C("script debug", `SCRIPT DEBUG NO`, `SCRIPT DEBUG bad`),
		C("script load sha of exact bytes", `SCRIPT FLUSH`, `SCRIPT LOAD "return 1 "`, `SCRIPT LOAD "return  1"`, "SCRIPT LOAD \"return 1\n\""),
		C("sha1 of binary script", "SCRIPT LOAD \"return '\\x00\\xff'\""),
	})
}

// FUNCTION and FCALL.
func TestDiffScriptingFunctions(t *testing.T) {
	const lib1 = "\"#!lua name=lib1\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)\""
	const libRW = "\"#!lua name=librw\nredis.register_function('setit', function(keys, args) return redis.call('set', keys[1], args[1]) end)\nredis.register_function{function_name='getit', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\""
	diff(t, []testserver.Case{
		C("load and call", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FCALL f1 1 k a", "FCALL F1 1 k a"),
		C("load twice", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LOAD "+lib1, "FUNCTION LOAD REPLACE "+lib1, "FUNCTION LOAD replace "+lib1),
		C("load option errors", "FUNCTION FLUSH", "FUNCTION LOAD BAD "+lib1, "FUNCTION LOAD REPLACE"),
		C("function name clash", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LOAD \"#!lua name=lib2\nredis.register_function('f1', function() return 2 end)\"", "FUNCTION LOAD \"#!lua name=lib2\nredis.register_function('F1', function() return 2 end)\""),
		C("replace changes code", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LOAD REPLACE \"#!lua name=lib1\nredis.register_function('f2', function() return 'new' end)\"", "FCALL f1 0", "FCALL f2 0"),
		C("failed replace keeps old", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LOAD REPLACE \"#!lua name=lib1\nerror('x')\"", "FCALL f1 1 k a"),
		C("metadata errors", "FUNCTION FLUSH", "FUNCTION LOAD \"lua name=x\nfoo\"", "FUNCTION LOAD \"#!lua\"", "FUNCTION LOAD \"#!js name=x\nfoo\"", "FUNCTION LOAD \"#!lua name=x foo=bar\nfoo\"", "FUNCTION LOAD \"#!lua name=x name=y\nfoo\"", "FUNCTION LOAD \"#!lua\nfoo\""),
		C("metadata case", "FUNCTION FLUSH", "FUNCTION LOAD \"#!LUA NAME=up\nredis.register_function('u', function() return 1 end)\"", "FCALL u 0"),
		C("bad library name", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=lib-3\nredis.register_function('f2', function() return 1 end)\"", "FUNCTION LOAD \"#!lua name=\nredis.register_function('f2', function() return 1 end)\""),
		C("no functions registered", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=empty\nlocal x = 1\"", "FUNCTION LOAD \"#!lua name=empty\nreturn 1\""),
		C("load time environment", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nerror('x')\"", "FUNCTION LOAD \"#!lua name=l\nredis.call('ping')\"", "FUNCTION LOAD \"#!lua name=l\nlocal x = string.len('a')\""),
		C("load time redis table", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.log(redis.LOG_NOTICE, redis.REDIS_VERSION)\nredis.register_function('v', function() return redis.REDIS_VERSION_NUM end)\"", "FCALL v 0"),
		C("load time global write", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nx = 1\"", "FUNCTION LOAD \"#!lua name=l\nredis.x = 1\""),
		C("load compile error", "FUNCTION FLUSH", "!FUNCTION LOAD \"#!lua name=l\nreturn 1 +\""),
		C("register_function errors", "FUNCTION FLUSH",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function('f-1', function() return 1 end)\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function()\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function('a', 'b', 'c')\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function({}, function() end)\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function('a', 'b')\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function('a')\""),
		C("register_function named errors", "FUNCTION FLUSH",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{callback=function() end}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a'}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a', callback='x'}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name={}, callback=function() end}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a', callback=function() end, flags='x'}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a', callback=function() end, flags={'bad'}}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a', callback=function() end, other=1}\"",
			"FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='a', callback=function() end, description=5}\""),
		C("register same function twice", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('a', function() end)\nredis.register_function('a', function() end)\""),
		C("register outside load", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('a', function() return type(redis.register_function) end)\"", "FCALL a 0"),
		C("fcall errors", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FCALL nosuch 0", "FCALL f1 x", "FCALL f1 5", "FCALL f1 -1", "FCALL nosuch x", "FCALL f1"),
		C("fcall write and ro", "FUNCTION FLUSH", "FUNCTION LOAD "+libRW, "FCALL setit 1 k v", "FCALL getit 1 k", "FCALL_RO getit 1 k", "FCALL_RO setit 1 k v"),
		C("no-writes function writing", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='w', callback=function() return redis.call('set', 'a', 'b') end, flags={'no-writes'}}\"", "FCALL w 0", "GET a"),
		C("function runtime errors", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('e', function()\n  error('inside')\nend)\nredis.register_function('g', function() return undefinedvar end)\nredis.register_function('w', function() newglobal = 1 end)\"", "FCALL e 0", "FCALL g 0", "FCALL w 0"),
		C("function sees libraries", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('j', function(keys, args) return cjson.encode({args[1], string.upper(args[2])}) end)\"", "FCALL j 0 a b"),
		C("function return conversions", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('r', function() return {1, 'a', {ok='s'}, {double=1.5}, false} end)\"", "FCALL r 0"),
		C("function no keys global", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function('k', function() return KEYS end)\"", "FCALL k 1 a"),
		C("function list", "FUNCTION FLUSH", "FUNCTION LIST", "FUNCTION LOAD "+lib1, "FUNCTION LIST", "FUNCTION LIST WITHCODE"),
		C("function list flags and description", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=l\nredis.register_function{function_name='d', callback=function() end, description='a description', flags={'no-writes', 'allow-oom', 'ALLOW-STALE', 'no-cluster'}}\"", "FUNCTION LIST"),
		C("function list pattern", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LIST LIBRARYNAME lib*", "FUNCTION LIST LIBRARYNAME LIB*", "FUNCTION LIST LIBRARYNAME nomatch*", "FUNCTION LIST WITHCODE LIBRARYNAME lib1"),
		C("function list errors", "FUNCTION LIST LIBRARYNAME", "FUNCTION LIST BAD", "FUNCTION LIST WITHCODE WITHCODE", "FUNCTION LIST LIBRARYNAME a LIBRARYNAME b"),
		C("function list several libraries", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION LOAD \"#!lua name=lib2\nredis.register_function('f2', function() end)\"", "~FUNCTION LIST"),
		C("function delete", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION DELETE lib1", "FUNCTION DELETE lib1", "FCALL f1 0", "FUNCTION LIST"),
		C("function delete case sensitive", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION DELETE LIB1"),
		C("function flush", "FUNCTION LOAD REPLACE "+lib1, "FUNCTION FLUSH", "FUNCTION LIST", "FUNCTION FLUSH SYNC", "FUNCTION FLUSH ASYNC", "FUNCTION FLUSH bad", "FUNCTION FLUSH a b", "function flush a b"),
		C("function stats", "FUNCTION FLUSH", "FUNCTION STATS", "FUNCTION LOAD "+libRW, "FUNCTION STATS"),
		C("function dump and restore", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, "FUNCTION DUMP"),
		C("function dump empty", "FUNCTION FLUSH", "FUNCTION DUMP"),
		C("function dump short code", "FUNCTION FLUSH", "FUNCTION LOAD \"#!lua name=s\nredis.register_function('s',tostring)\"", "FUNCTION LOAD \"#!lua name=t\nredis.register_function('t',function() end)\"", "FUNCTION DELETE s", "FUNCTION DUMP"),
		C("function restore errors", "FUNCTION RESTORE bad", "FUNCTION RESTORE bad FLUSH", "FUNCTION RESTORE bad BAD", "FUNCTION RESTORE a b c", "function Restore a b c"),
		C("function restore redis payload", "FUNCTION FLUSH", "FUNCTION RESTORE \"\\xf5\\xc3\\x40\\x59\\x40\\x61\\x1f\\x23\\x21\\x6c\\x75\\x61\\x20\\x6e\\x61\\x6d\\x65\\x3d\\x6c\\x69\\x62\\x31\\x0a\\x72\\x65\\x64\\x69\\x73\\x2e\\x72\\x65\\x67\\x69\\x73\\x74\\x65\\x72\\x5f\\x66\\x0d\\x75\\x6e\\x63\\x74\\x69\\x6f\\x6e\\x28\\x27\\x66\\x31\\x27\\x2c\\x20\\xe0\\x00\\x0e\\x13\\x6b\\x65\\x79\\x73\\x2c\\x20\\x61\\x72\\x67\\x73\\x29\\x20\\x72\\x65\\x74\\x75\\x72\\x6e\\x20\\x7b\\x40\\x13\\x02\\x5b\\x31\\x5d\\x80\\x16\\x20\\x08\\x05\\x7d\\x20\\x65\\x6e\\x64\\x29\\x0a\\x00\\xe1\\x68\\x88\\xf6\\x2f\\x3f\\x46\\x47\"", "FCALL f1 1 k a", "FUNCTION LIST WITHCODE", "FUNCTION DUMP"),
		C("function help", "FUNCTION HELP"),
		C("function errors", "FUNCTION", "FUNCTION NOSUCH", "FUNCTION LOAD", "FUNCTION DELETE", "FUNCTION STATS x", "FUNCTION DUMP x"),
		C("fcall inside multi", "FUNCTION FLUSH", "FUNCTION LOAD "+libRW, "MULTI", "FCALL setit 1 k v", "FCALL getit 1 k", "EXEC"),
		C("fcall from script refused", "FUNCTION FLUSH", "FUNCTION LOAD "+lib1, `EVAL "return redis.call('fcall', 'f1', 0)" 0`, `EVAL "return redis.call('function', 'list')" 0`),
	})
}
