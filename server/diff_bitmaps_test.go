package server_test

import (
	"testing"

	"sundial/internal/testserver"
)

// The bitmap commands compared byte for byte with redis-server.
func TestDiffBitmaps(t *testing.T) {
	diff(t, []testserver.Case{
		// SETBIT GETBIT
		C("setbit getbit", "SETBIT k 7 1", "GETBIT k 7", "GETBIT k 6", "GET k", "SETBIT k 7 0", "GET k"),
		C("setbit grows", "SETBIT k 100 1", "STRLEN k", "GET k", "GETBIT k 100", "GETBIT k 1000"),
		C("setbit returns old", "SETBIT k 0 1", "SETBIT k 0 1", "SETBIT k 0 0", "SETBIT k 0 0"),
		C("setbit on string", "SET k a", "SETBIT k 6 1", "GET k", "SETBIT k 7 0", "GET k", "OBJECT ENCODING k"),
		C("setbit on int", "SET k 1", "SETBIT k 7 0", "GET k", "OBJECT ENCODING k"),
		C("setbit errors", "SETBIT k -1 1", "SETBIT k abc 1", "SETBIT k 1 2", "SETBIT k 1 -1", "SETBIT k 1 abc", "SETBIT k 1 ''", "EXISTS k"),
		C("setbit offset limit", "SETBIT k 4294967296 1", "SETBIT k 4294967295 x", "SETBIT k 9223372036854775807 1", "SETBIT k 99999999999999999999 1", "EXISTS k"),
		C("setbit wrong type", "HSET h f v", "SETBIT h 1 1", "GETBIT h 1"),
		C("getbit", "GETBIT nokey 0", "SET k \xff", "GETBIT k 0", "GETBIT k 7", "GETBIT k 8"),
		C("getbit errors", "GETBIT k -1", "GETBIT k x", "GETBIT k 4294967296", "GETBIT k #1"),
		C("setbit keeps ttl", "SET k a EX 100", "SETBIT k 1 1", "TTL k"),
		// BITCOUNT
		C("bitcount", "SET k foobar", "BITCOUNT k", "BITCOUNT k 0 0", "BITCOUNT k 1 1", "BITCOUNT k 1 -2"),
		C("bitcount bit mode", "SET k foobar", "BITCOUNT k 5 30 BIT", "BITCOUNT k 0 -1 BIT", "BITCOUNT k -5 -1 BIT", "BITCOUNT k 1 1 bit", "BITCOUNT k 1 1 BYTE"),
		C("bitcount ranges", "SET k foobar", "BITCOUNT k -1 -1", "BITCOUNT k -100 100", "BITCOUNT k 5 2", "BITCOUNT k -1 -5", "BITCOUNT k 100 200"),
		C("bitcount bit edges", "SET k \xff\xff\xff", "BITCOUNT k 3 3 BIT", "BITCOUNT k 3 20 BIT", "BITCOUNT k 7 8 BIT", "BITCOUNT k 0 23 BIT", "BITCOUNT k 23 100 BIT"),
		C("bitcount missing", "BITCOUNT nokey", "BITCOUNT nokey 0 1", "BITCOUNT nokey a b", "BITCOUNT nokey 1"),
		C("bitcount errors", "SET k foobar", "BITCOUNT k 1", "BITCOUNT k a 1", "BITCOUNT k 0 b", "BITCOUNT k 0 1 FOO", "BITCOUNT k 0 1 BIT x"),
		C("bitcount empty", `SET k ""`, "BITCOUNT k", "BITCOUNT k 0 -1", "BITCOUNT k 0 -1 BIT"),
		C("bitcount wrong type", "HSET h f v", "BITCOUNT h", "BITCOUNT h a b"),
		C("bitcount long", "SETBIT k 1000 1", "SETBIT k 1 1", "SETBIT k 555 1", "BITCOUNT k", "BITCOUNT k 1 -1", "BITCOUNT k 2 1000 BIT"),
		C("bitcount int", "SET k 12345", "BITCOUNT k"),
		// BITPOS
		C("bitpos", "SET k \xff\xf0\x00", "BITPOS k 0", "BITPOS k 1", "BITPOS k 0 2", "BITPOS k 1 2"),
		C("bitpos all ones", "SET k \xff\xff", "BITPOS k 0", "BITPOS k 0 0", "BITPOS k 0 0 -1", "BITPOS k 0 0 -1 BIT", "BITPOS k 1 0 -1 BIT"),
		C("bitpos all zeros", "SET k \x00\x00", "BITPOS k 1", "BITPOS k 1 1", "BITPOS k 0", "BITPOS k 0 1 1"),
		C("bitpos bit mode", "SET k \x00\xff\xf0", "BITPOS k 1 7 15 BIT", "BITPOS k 1 8 8 BIT", "BITPOS k 0 8 15 BIT", "BITPOS k 0 9 BIT", "BITPOS k 0 20 23 BIT",
			"BITPOS k 0 20 22 BIT", "BITPOS k 1 -10 -1 BIT", "BITPOS k 1 3 5 bit", "BITPOS k 1 1 2 byte"),
		C("bitpos ranges", "SET k \x00\x01", "BITPOS k 1 -1", "BITPOS k 1 5 2", "BITPOS k 1 -1 -5", "BITPOS k 0 100", "BITPOS k 1 -100 100"),
		C("bitpos missing", "BITPOS nokey 1", "BITPOS nokey 0", "BITPOS nokey 0 abc", "BITPOS nokey 1 0 -1 FOO"),
		C("bitpos errors", "SET k a", "BITPOS k 2", "BITPOS k -1", "BITPOS k x", "BITPOS k 1 a", "BITPOS k 1 0 b", "BITPOS k 1 0 1 FOO", "BITPOS nokey 2"),
		C("bitpos empty", `SET k ""`, "BITPOS k 0", "BITPOS k 1", "BITPOS k 0 0", "BITPOS k 0 0 -1 BIT"),
		C("bitpos wrong type", "HSET h f v", "BITPOS h 1", "BITPOS h 1 a"),
		C("bitpos long", "SETBIT k 1000 1", "BITPOS k 1", "BITPOS k 1 10", "BITPOS k 1 126", "BITPOS k 0 1 -1", "SETBIT j 0 1", "BITPOS j 0"),
		// BITOP
		C("bitop and or xor", "SET a \xff\x0f", "SET b \x0f", "BITOP AND d a b", "GET d", "BITOP OR d a b", "GET d", "BITOP XOR d a b", "GET d"),
		C("bitop not", "SET a \x0f\xf0", "BITOP NOT d a", "GET d", "BITOP NOT d nokey", "EXISTS d"),
		C("bitop missing sources", "SET d x", "BITOP AND d x y", "EXISTS d", "BITOP OR d x", "SET a \x01", "BITOP AND d a nokey", "GET d"),
		C("bitop many", "SET a \x01", "SET b \x02", "SET c \x04\x08", "BITOP OR d a b c", "GET d", "BITOP XOR d a b c a", "GET d", "BITOP AND d a a a", "GET d"),
		C("bitop errors", "BITOP FOO d a", "BITOP NOT d a b", "BITOP NOT d", "BITOP AND d", "BITOP", "HSET h f v", "BITOP AND d a h", "BITOP and d h"),
		C("bitop clears ttl", "SET d x EX 100", "SET a y", "BITOP OR d a", "TTL d", "OBJECT ENCODING d"),
		C("bitop dest is source", "SET a \x0f", "BITOP NOT a a", "GET a", "BITOP AND a a", "GET a"),
		C("bitop over other type", "HSET d f v", "SET a x", "BITOP OR d a", "TYPE d", "GET d"),
		// BITFIELD
		C("bitfield get", "SET k \xde\xad\xbe\xef", "BITFIELD k GET u8 0 GET i8 0 GET u4 4 GET i16 8 GET u32 0 GET i32 0"),
		C("bitfield get beyond", "SET k \xff", "BITFIELD k GET u16 0 GET i16 0 GET u8 100 GET i64 0 GET u63 1"),
		C("bitfield missing key", "BITFIELD k GET u8 0", "EXISTS k", "BITFIELD k", "BITFIELD_RO k GET i8 0"),
		C("bitfield set", "BITFIELD k SET u8 0 255 GET u8 0", "GET k", "BITFIELD k SET i8 8 -1 GET i8 8 GET u8 8", "GET k"),
		C("bitfield incrby", "BITFIELD k INCRBY u8 0 100 INCRBY u8 0 100 INCRBY u8 0 100", "BITFIELD k INCRBY i8 8 100 INCRBY i8 8 100"),
		C("bitfield overflow sat", "BITFIELD k OVERFLOW SAT INCRBY u8 0 300 INCRBY i8 8 200 INCRBY i8 8 -400 SET u4 16 20 SET i4 20 -20", "GET k"),
		C("bitfield overflow fail", "BITFIELD k OVERFLOW FAIL INCRBY u8 0 300 INCRBY u8 0 200 INCRBY u8 0 100 SET i8 8 200 SET u2 16 3", "GET k"),
		C("bitfield overflow wrap", "BITFIELD k OVERFLOW WRAP SET u8 0 257 INCRBY u8 0 255 SET i8 8 128 INCRBY i8 8 -1 SET u1 16 3", "GET k"),
		C("bitfield overflow switch", "BITFIELD k OVERFLOW SAT INCRBY u2 0 5 OVERFLOW WRAP INCRBY u2 0 5 OVERFLOW FAIL INCRBY u2 0 5 overflow sat incrby u2 0 -9"),
		C("bitfield i64", "BITFIELD k SET i64 0 9223372036854775807 INCRBY i64 0 1 GET i64 0",
			"BITFIELD k OVERFLOW SAT SET i64 0 -9223372036854775808 INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807",
			"BITFIELD k OVERFLOW FAIL SET i64 0 9223372036854775807 INCRBY i64 0 1 GET i64 0"),
		C("bitfield u63", "BITFIELD k SET u63 0 9223372036854775807 INCRBY u63 0 1 GET u63 0", "BITFIELD k OVERFLOW SAT INCRBY u63 0 -1 INCRBY u63 0 -9223372036854775808"),
		C("bitfield hash offsets", "BITFIELD k SET u8 #0 1 SET u8 #1 2 SET u8 #2 3 GET u8 #1 GET u16 #1", "GET k", "BITFIELD k GET u8 #", "BITFIELD k GET u8 #-1"),
		C("bitfield unaligned", "BITFIELD k SET u5 3 31 SET i7 11 -50 GET u5 3 GET i7 11 GET u16 0", "GET k"),
		C("bitfield types", "BITFIELD k GET u64 0", "BITFIELD k GET i65 0", "BITFIELD k GET i0 0", "BITFIELD k GET x8 0", "BITFIELD k GET U8 0",
			"BITFIELD k GET i 0", "BITFIELD k GET u-1 0", "BITFIELD k GET i08 0", "BITFIELD k GET '' 0"),
		C("bitfield errors", "BITFIELD k FOO", "BITFIELD k GET u8", "BITFIELD k SET u8 0", "BITFIELD k INCRBY u8 0 x", "BITFIELD k GET u8 -1",
			"BITFIELD k GET u8 x", "BITFIELD k OVERFLOW", "BITFIELD k OVERFLOW FOO GET u8 0", "BITFIELD k SET u8 0 1 GET u99 0", "EXISTS k"),
		C("bitfield offset limit", "BITFIELD k GET u8 4294967296", "BITFIELD k SET u8 4294967290 1", "BITFIELD k GET u8 #536870912", "BITFIELD k GET i64 #67108864"),
		C("bitfield_ro", "SET k \x0f", "BITFIELD_RO k GET u8 0 GET i4 4", "BITFIELD_RO k SET u8 0 1", "BITFIELD_RO k INCRBY u8 0 1", "BITFIELD_RO k OVERFLOW SAT GET u8 0", "BITFIELD_RO", "GET k"),
		C("bitfield wrong type", "HSET h f v", "BITFIELD h GET u8 0", "BITFIELD h SET u8 0 1", "BITFIELD_RO h GET u8 0", "BITFIELD h FOO"),
		C("bitfield on string", "SET k hello", "BITFIELD k INCRBY u8 0 1 GET u8 8", "GET k", "OBJECT ENCODING k"),
		C("bitfield keeps ttl", "SET k hello EX 100", "BITFIELD k SET u8 0 65", "TTL k", "GET k"),
		C("bitfield lowercase", "bitfield k set u8 0 200 get u8 0 incrby u8 0 100 overflow fail incrby u8 0 100"),
		C("bitpos end beyond", `SET k "\x00\x00\x01"`, "BITPOS k 1 0 100", "BITPOS k 0 2 100", "BITPOS k 0 2 100 BIT", "BITPOS k 1 -1 100"),
		C("bitcount bit negative", `SET k "\x0f\xf0"`, "BITCOUNT k -4 -1 BIT", "BITCOUNT k -12 -5 BIT", "BITCOUNT k -1 -4 BIT", "BITCOUNT k -100 -1 BIT"),
		C("bitfield set get same op", "BITFIELD k SET u8 0 10 GET u8 0 SET u8 0 20 GET u8 0 INCRBY u8 0 -30 GET u8 0"),
		C("bitfield signed wrap", "BITFIELD k SET i4 0 7 INCRBY i4 0 1 INCRBY i4 0 -9 SET i4 0 -8 INCRBY i4 0 -1"),
		C("bitop with empty string", `SET a ""`, `SET b "\x0f"`, "BITOP AND d a b", "GET d", "BITOP OR d a", "EXISTS d"),
		C("setbit large offset", "SETBIT k 80000 1", "STRLEN k", "BITCOUNT k", "BITPOS k 1", "GETBIT k 80000"),
		C("bitmaps in multi", "MULTI", "SETBIT k 3 1", "BITCOUNT k", "BITFIELD k INCRBY u4 0 3", "BITPOS k 1", "EXEC"),
	})
}
