package server_test

import (
	"fmt"
	"math/big"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Scenarios of Redis's own test suite (tests/unit/bitops.tcl,
// bitfield.tcl, hyperloglog.tcl, sort.tcl, dump.tcl and the standalone
// parts of maxmemory.tcl) replayed against sundial and redis-server: each
// reply must be identical byte for byte. Random data comes from fixed
// seeds, so both servers get the same commands.

// miscQ writes b as one redis-cli argument, every byte escaped.
func miscQ(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b)*4 + 2)
	sb.WriteByte('"')
	for _, c := range b {
		fmt.Fprintf(&sb, `\x%02x`, c)
	}
	sb.WriteByte('"')
	return sb.String()
}

// miscRandBytes is the suite's randstring min max binary.
func miscRandBytes(rng *rand.Rand, min, max int) []byte {
	b := make([]byte, min+rng.Intn(max-min+1))
	rng.Read(b)
	return b
}

// miscCmd joins arguments into a command line, quoting each one.
func miscCmd(name string, args ...string) string {
	var sb strings.Builder
	sb.WriteString(name)
	for _, a := range args {
		sb.WriteByte(' ')
		sb.WriteString(miscQ([]byte(a)))
	}
	return sb.String()
}

func TestDiffSuiteMiscBitcount(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var fuzzPlain, fuzzByte, fuzzBit []string
	for j := 0; j < 100; j++ {
		s := miscRandBytes(rng, 0, 3000)
		fuzzPlain = append(fuzzPlain, "SET str "+miscQ(s), "BITCOUNT str", "BITCOUNT str 0 -1 BIT")
	}
	for j := 0; j < 100; j++ {
		s := miscRandBytes(rng, 0, 3000)
		l := len(s)
		if l == 0 {
			l = 1
		}
		a, b := rng.Intn(l), rng.Intn(l)
		if a > b {
			a, b = b, a
		}
		fuzzByte = append(fuzzByte, "SET str "+miscQ(s), fmt.Sprintf("BITCOUNT str %d %d", a, b))
	}
	for j := 0; j < 100; j++ {
		s := miscRandBytes(rng, 0, 3000)
		l := len(s) * 8
		if l == 0 {
			l = 1
		}
		a, b := rng.Intn(l), rng.Intn(l)
		if a > b {
			a, b = b, a
		}
		fuzzBit = append(fuzzBit, "SET str "+miscQ(s), fmt.Sprintf("BITCOUNT str %d %d BIT", a, b))
	}
	var vectors []string
	for _, v := range []string{"", `\xaa`, `\x00\x00\xff`, "foobar", "123"} {
		vectors = append(vectors, `SET str "`+v+`"`, "BITCOUNT str", "BITCOUNT str 0 -1 BIT")
	}
	diff(t, []testserver.Case{
		C("BITCOUNT against wrong type", "LPUSH mylist a b c", "BITCOUNT mylist", "BITCOUNT mylist 0 100",
			"BITCOUNT mylist -6 -7", "BITCOUNT mylist -6 -15 bit"),
		C("BITCOUNT returns 0 against non existing key", "BITCOUNT no-key", "BITCOUNT no-key 0 1000 bit"),
		C("BITCOUNT returns 0 with out of range indexes", "SET str xxxx", "BITCOUNT str 4 10", "BITCOUNT str 32 87 bit"),
		C("BITCOUNT returns 0 with negative indexes where start > end", "SET str xxxx", "BITCOUNT str -6 -7",
			"BITCOUNT str -6 -15 bit", "DEL str", "BITCOUNT str -6 -7", "BITCOUNT str -6 -15 bit"),
		C("BITCOUNT against test vectors", vectors...),
		C("BITCOUNT fuzzing without start/end", fuzzPlain...),
		C("BITCOUNT fuzzing with start/end bytes", fuzzByte...),
		C("BITCOUNT fuzzing with start/end bits", fuzzBit...),
		C("BITCOUNT with start, end", "SET s foobar", "BITCOUNT s 0 -1", "BITCOUNT s 1 -2", "BITCOUNT s -2 1", "BITCOUNT s 0 1000",
			"BITCOUNT s 0 -1 bit", "BITCOUNT s 10 14 bit", "BITCOUNT s 3 14 bit", "BITCOUNT s 3 29 bit", "BITCOUNT s 10 -34 bit",
			"BITCOUNT s 3 -34 bit", "BITCOUNT s 3 -19 bit", "BITCOUNT s -2 1 bit", "BITCOUNT s 0 1000 bit",
			"BITCOUNT s 0 -1 BYTE", "BITCOUNT s 0 -1 Bit"),
		C("BITCOUNT with illegal arguments", "DEL s", "BITCOUNT s 0", "BITCOUNT s 0 1 hello", "BITCOUNT s 0 1 hello hello2",
			"SET s 1", "BITCOUNT s 0", "BITCOUNT s 0 1 hello", "BITCOUNT s 0 1 hello hello2"),
		C("BITCOUNT against non-integer value", "SET s 1", "BITCOUNT s a b", "DEL s", "BITCOUNT s a b", "LPUSH s a b c", "BITCOUNT s a b"),
		C("BITCOUNT regression test for github issue #582", "SETBIT foo 0 1", "BITCOUNT foo 0 4294967296",
			"BITCOUNT foo 0 9223372036854775807", "BITCOUNT foo -9223372036854775808 -1", "BITCOUNT foo 0 9223372036854775807 bit",
			"BITCOUNT foo -9223372036854775808 9223372036854775807 bit"),
		C("BITCOUNT misaligned prefix", "SET str ab", "BITCOUNT str 1 -1"),
		C("BITCOUNT misaligned prefix + full words + remainder", "SET str __PPxxxxxxxxxxxxxxxxRR__", "BITCOUNT str 2 -3"),
	})
}

// miscBitopFuzz is one "BITOP <op> fuzzing" round of ten.
func miscBitopFuzz(rng *rand.Rand, op string, minArgs int) []string {
	var cmds []string
	for i := 0; i < 10; i++ {
		cmds = append(cmds, "FLUSHALL")
		n := rng.Intn(10) + minArgs
		keys := make([]string, n)
		for j := 0; j < n; j++ {
			keys[j] = fmt.Sprintf("vector_%d{t}", j)
			cmds = append(cmds, "SET "+keys[j]+" "+miscQ(miscRandBytes(rng, 0, 1000)))
		}
		cmds = append(cmds, "BITOP "+op+" target{t} "+strings.Join(keys, " "), "GET target{t}", "STRLEN target{t}")
	}
	return cmds
}

func TestDiffSuiteMiscBitop(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var notFuzz []string
	for i := 0; i < 10; i++ {
		notFuzz = append(notFuzz, "FLUSHALL", "SET str{t} "+miscQ(miscRandBytes(rng, 0, 1000)), "BITOP not target{t} str{t}", "GET target{t}")
	}
	cases := []testserver.Case{
		C("BITOP NOT (empty string)", `SET s{t} ""`, "BITOP not dest{t} s{t}", "GET dest{t}", "EXISTS dest{t}"),
		C("BITOP NOT (known string)", `SET s{t} "\xaa\x00\xff\x55"`, "BITOP not dest{t} s{t}", "GET dest{t}"),
		C("BITOP NOT with multiple source keys", `SET s{t} "\xaa\x00\xff\x55"`, "BITOP not dest{t} s{t} s{t}"),
		C("BITOP where dest and target are the same key", `SET s "\xaa\x00\xff\x55"`, "BITOP not s s", "GET s"),
		C("BITOP AND|OR|XOR|ONE don't change the string with single input key", `SET a{t} "\x01\x02\xff"`,
			"BITOP and res1{t} a{t}", "BITOP or res2{t} a{t}", "BITOP xor res3{t} a{t}", "BITOP one res4{t} a{t}",
			"GET res1{t}", "GET res2{t}", "GET res3{t}", "GET res4{t}"),
		C("BITOP DIFF|DIFF1|ANDOR with one source key", `SET s{t} ""`, "BITOP diff dest{t} s{t}", "BITOP diff1 dest{t} s{t}",
			"BITOP andor dest{t} s{t}"),
		C("BITOP missing key is considered a stream of zero", `SET a{t} "\x01\x02\xff"`,
			"BITOP and res1{t} no-such-key{t} a{t}", "BITOP or res2{t} no-such-key{t} a{t} no-such-key{t}",
			"BITOP xor res3{t} no-such-key{t} a{t}", "BITOP diff res4{t} a{t} no-such-key{t}",
			"BITOP diff1 res5{t} a{t} no-such-key{t}", "BITOP andor res6{t} a{t} no-such-key{t}",
			"BITOP one res7{t} no-such_key{t} a{t}",
			"GET res1{t}", "GET res2{t}", "GET res3{t}", "GET res4{t}", "GET res5{t}", "GET res6{t}", "GET res7{t}"),
		C("BITOP shorter keys are zero-padded to the key with max length", `SET a{t} "\x01\x02\xff\xff"`, `SET b{t} "\x01\x02\xff"`,
			"BITOP and res1{t} a{t} b{t}", "BITOP or res2{t} a{t} b{t}", "BITOP xor res3{t} a{t} b{t}",
			"BITOP diff res4{t} a{t} b{t}", "BITOP diff1 res5{t} a{t} b{t}", "BITOP andor res6{t} a{t} b{t}",
			"BITOP one res7{t} a{t} b{t}", "GET res1{t}", "GET res2{t}", "GET res3{t}"),
		C("BITOP NOT fuzzing", notFuzz...),
		C("BITOP with integer encoded source objects", "SET a{t} 1", "SET b{t} 2", "BITOP xor dest{t} a{t} b{t} a{t}", "GET dest{t}"),
		C("BITOP with non string source key", "SET a{t} 1", "SET b{t} 2", "LPUSH c{t} foo", "BITOP xor dest{t} a{t} b{t} c{t} d{t}",
			"EXISTS dest{t}"),
		C("BITOP with empty string after non empty string (issue #529)", `SET a{t} "`+strings.Repeat(`\x00`, 32)+`"`,
			"BITOP or x{t} a{t} b{t}", "GET x{t}"),
		C("BITOP all missing sources deletes the destination", "SET x{t} foo", "BITOP or x{t} a{t} b{t}", "EXISTS x{t}",
			"BITOP foo x{t} a{t}", "BITOP and x{t}"),
	}
	for _, op := range []string{"and", "or", "xor", "diff", "diff1", "andor", "one"} {
		min := 1
		if op == "diff" || op == "diff1" || op == "andor" {
			min = 2
		}
		cases = append(cases, C("BITOP "+op+" fuzzing", miscBitopFuzz(rng, op, min)...))
	}
	diff(t, cases)
}

func TestDiffSuiteMiscBitpos(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	word8 := func(b string) string { return `"` + strings.Repeat(b, 8) + `"` }
	var unaligned0, unaligned1 []string
	for _, bit := range []string{"0", "1"} {
		fill, last := `\xff`, `\x0f`
		if bit == "1" {
			fill, last = `\x00`, `\xf0`
		}
		cmds := []string{"DEL str", `SET str "` + strings.Repeat(fill, 3) + `"`, "APPEND str " + word8(fill),
			"APPEND str " + word8(fill), "APPEND str " + word8(fill), `APPEND str "` + last + `"`, "BITPOS str " + bit}
		for s := 1; s <= 8; s++ {
			cmds = append(cmds, fmt.Sprintf("BITPOS str %s %d", bit, s))
		}
		for s := 1; s <= 65; s += 8 {
			cmds = append(cmds, fmt.Sprintf("BITPOS str %s %d -1 bit", bit, s))
		}
		if bit == "0" {
			unaligned0 = cmds
		} else {
			unaligned1 = cmds
		}
	}
	allZero := []string{`SET str ""`}
	for j := 0; j < 20; j++ {
		allZero = append(allZero, "BITPOS str 1", "BITPOS str 1 0 -1 bit", `APPEND str "\x00"`)
	}
	const max = 524288
	fuzz1 := []string{"DEL str"}
	for j := 0; j < 1000; j++ {
		fuzz1 = append(fuzz1, "BITPOS str 1", "BITPOS str 1 0 -1 bit", fmt.Sprintf("SETBIT str %d 1", rng.Intn(max)))
	}
	fuzz0 := []string{`SET str "` + strings.Repeat(`\xff`, max/8) + `"`}
	for j := 0; j < 1000; j++ {
		fuzz0 = append(fuzz0, "BITPOS str 0", "BITPOS str 0 0 -1 bit", fmt.Sprintf("SETBIT str %d 0", rng.Intn(max)))
	}
	diff(t, []testserver.Case{
		C("BITPOS against wrong type", "LPUSH mylist a b c", "BITPOS mylist 0", "BITPOS mylist 1 10 100"),
		C("BITPOS will illegal arguments", "BITPOS s 0 1 hello hello2", "BITPOS s 0 0 1 hello",
			"SET s 1", "BITPOS s 0 1 hello hello2", "BITPOS s 0 0 1 hello", "BITPOS s 2", "BITPOS s -1", "BITPOS nokey 2"),
		C("BITPOS against non-integer value", "SET s 1", "BITPOS s a", "BITPOS s 0 a b", "DEL s", "BITPOS s b", "BITPOS s 0 a b",
			"LPUSH s a b c", "BITPOS s a", "BITPOS s 1 a b"),
		C("BITPOS bit=0 with empty key returns 0", "BITPOS str 0", "BITPOS str 0 0 -1 bit", "BITPOS str 0 5 10"),
		C("BITPOS bit=1 with empty key returns -1", "BITPOS str 1", "BITPOS str 1 0 -1", "BITPOS str 1 0 -1 bit"),
		C("BITPOS bit=0 with string less than 1 word works", `SET str "\xff\xf0\x00"`, "BITPOS str 0", "BITPOS str 0 0 -1 bit"),
		C("BITPOS bit=1 with string less than 1 word works", `SET str "\x00\x0f\x00"`, "BITPOS str 1", "BITPOS str 1 0 -1 bit"),
		C("BITPOS bit=0 starting at unaligned address", `SET str "\xff\xf0\x00"`, "BITPOS str 0 1", "BITPOS str 0 1 -1 bit"),
		C("BITPOS bit=1 starting at unaligned address", `SET str "\x00\x0f\xff"`, "BITPOS str 1 1", "BITPOS str 1 1 -1 bit"),
		C("BITPOS bit=0 unaligned+full word+reminder", unaligned0...),
		C("BITPOS bit=1 unaligned+full word+reminder", unaligned1...),
		C("BITPOS bit=1 returns -1 if string is all 0 bits", allZero...),
		C("BITPOS bit=0 works with intervals", `SET str "\x00\xff\x00"`, "BITPOS str 0 0 -1", "BITPOS str 0 1 -1",
			"BITPOS str 0 2 -1", "BITPOS str 0 2 200", "BITPOS str 0 1 1", "BITPOS str 0 0 -1 bit", "BITPOS str 0 8 -1 bit",
			"BITPOS str 0 16 -1 bit", "BITPOS str 0 16 200 bit", "BITPOS str 0 8 8 bit"),
		C("BITPOS bit=1 works with intervals", `SET str "\x00\xff\x00"`, "BITPOS str 1 0 -1", "BITPOS str 1 1 -1",
			"BITPOS str 1 2 -1", "BITPOS str 1 2 200", "BITPOS str 1 1 1", "BITPOS str 1 0 -1 bit", "BITPOS str 1 8 -1 bit",
			"BITPOS str 1 16 -1 bit", "BITPOS str 1 16 200 bit", "BITPOS str 1 8 8 bit"),
		C("BITPOS bit=0 changes behavior if end is given", `SET str "\xff\xff\xff"`, "BITPOS str 0", "BITPOS str 0 0",
			"BITPOS str 0 0 -1", "BITPOS str 0 0 -1 bit", "BITPOS str 0 0 -1 byte", "BITPOS str 0 -100 -1"),
		C("BITPOS bit=1 fuzzy testing using SETBIT", fuzz1...),
		C("BITPOS bit=0 fuzzy testing using SETBIT", fuzz0...),
		C("BITPOS/BITCOUNT fuzzy testing using SETBIT", miscBitposCountFuzz(rng)...),
	})
}

// miscBitposCountFuzz replays "BITPOS/BITCOUNT fuzzy testing using
// SETBIT": a 10-byte string all 1s (then all 0s) with one bit flipped,
// probed with ranges before, around and after that bit.
func miscBitposCountFuzz(rng *rand.Rand) []string {
	const max = 80
	cmds := []string{"DEL str", fmt.Sprintf("SETBIT str %d 0", max-1)}
	one := func(s1, e1, s2, e2, bit int, typ string) {
		start := s1 + rng.Intn(e1-s1+1)
		end := s2 + rng.Intn(e2-s2+1)
		if start > end {
			start, end = end, start
		}
		cmds = append(cmds, fmt.Sprintf("BITPOS str %d %d %d %s", bit, start, end, typ),
			fmt.Sprintf("BITCOUNT str %d %d %s", start, end, typ))
	}
	for bit := 0; bit < 2; bit++ {
		cmds = append(cmds, "BITOP not str str")
		for j := 0; j < max; j++ {
			cmds = append(cmds, fmt.Sprintf("SETBIT str %d %d", j, bit))
			for _, p := range []struct {
				cur, end int
				typ      string
			}{{j >> 3, max >> 3, "byte"}, {j, max, "bit"}} {
				one(p.cur, p.cur, p.cur, p.cur, bit, p.typ)
				if p.cur > 0 {
					one(0, p.cur, 0, p.cur, bit, p.typ)
				}
				if p.cur < p.end-1 {
					one(p.cur+1, p.end, p.cur+1, p.end, bit, p.typ)
				}
				if p.cur > 0 && p.cur < p.end-1 {
					one(0, p.cur, p.cur+1, p.end, bit, p.typ)
				}
			}
			cmds = append(cmds, fmt.Sprintf("SETBIT str %d %d", j, 1-bit))
		}
	}
	return cmds
}

// miscBitfieldOperands draws the suite's random type, value and increment
// for the overflow fuzzers: values span twice the type's range and are
// clamped to 64-bit integers.
func miscBitfieldOperands(rng *rand.Rand) (typ string, value, incr int64) {
	bits := rng.Intn(64) + 1
	signed := rng.Intn(2) == 1 || bits == 64 // u64 is not supported
	rng64 := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	min := new(big.Int)
	typ = fmt.Sprintf("u%d", bits)
	if signed {
		min.Neg(new(big.Int).Rsh(rng64, 1))
		typ = fmt.Sprintf("i%d", bits)
	}
	draw := func() int64 {
		span := new(big.Int).Lsh(rng64, 1)
		v := new(big.Int).Rand(rng, span)
		v.Add(v, new(big.Int).Lsh(min, 1))
		lo, hi := big.NewInt(-1<<63), big.NewInt(1<<63-1)
		if v.Cmp(hi) > 0 {
			v = hi
		}
		if v.Cmp(lo) < 0 {
			v = lo
		}
		return v.Int64()
	}
	return typ, draw(), draw()
}

func TestDiffSuiteMiscBitfield(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var detect, wrap []string
	for j := 0; j < 1000; j++ {
		typ, v, inc := miscBitfieldOperands(rng)
		detect = append(detect, "DEL bits",
			fmt.Sprintf("BITFIELD bits overflow fail set %s 0 %d", typ, v),
			fmt.Sprintf("BITFIELD bits overflow fail incrby %s 0 %d", typ, inc))
		typ, v, inc = miscBitfieldOperands(rng)
		wrap = append(wrap, "DEL bits",
			fmt.Sprintf("BITFIELD bits overflow wrap set %s 0 %d", typ, v),
			fmt.Sprintf("BITFIELD bits overflow wrap incrby %s 0 %d", typ, inc),
			fmt.Sprintf("BITFIELD bits get %s 0", typ))
	}
	var r3564 []string
	for j := 0; j < 10; j++ {
		r3564 = append(r3564, "DEL mystring", "BITFIELD mystring SET i8 0 10 SET i8 64 10 INCRBY i8 10 99900")
	}
	diff(t, []testserver.Case{
		C("BITFIELD signed SET and GET basics", "BITFIELD bits set i8 0 -100", "BITFIELD bits set i8 0 101", "BITFIELD bits get i8 0"),
		C("BITFIELD unsigned SET and GET basics", "BITFIELD bits set u8 0 255", "BITFIELD bits set u8 0 100", "BITFIELD bits get u8 0"),
		C("BITFIELD signed SET and GET together", "BITFIELD bits set i8 0 255 set i8 0 100 get i8 0"),
		C("BITFIELD #<idx> form", "BITFIELD bits set u8 #0 65", "BITFIELD bits set u8 #1 66", "BITFIELD bits set u8 #2 67", "GET bits"),
		C("BITFIELD basic INCRBY form", "BITFIELD bits set u8 #0 10", "BITFIELD bits incrby u8 #0 100", "BITFIELD bits incrby u8 #0 100"),
		C("BITFIELD chaining of multiple commands", "BITFIELD bits set u8 #0 10", "BITFIELD bits incrby u8 #0 100 incrby u8 #0 100"),
		C("BITFIELD unsigned overflow wrap", "BITFIELD bits set u8 #0 100", "BITFIELD bits overflow wrap incrby u8 #0 257",
			"BITFIELD bits get u8 #0", "BITFIELD bits overflow wrap incrby u8 #0 255", "BITFIELD bits get u8 #0"),
		C("BITFIELD unsigned overflow sat", "BITFIELD bits set u8 #0 100", "BITFIELD bits overflow sat incrby u8 #0 257",
			"BITFIELD bits get u8 #0", "BITFIELD bits overflow sat incrby u8 #0 -255", "BITFIELD bits get u8 #0"),
		C("BITFIELD signed overflow wrap", "BITFIELD bits set i8 #0 100", "BITFIELD bits overflow wrap incrby i8 #0 257",
			"BITFIELD bits get i8 #0", "BITFIELD bits overflow wrap incrby i8 #0 255", "BITFIELD bits get i8 #0"),
		C("BITFIELD signed overflow sat", "BITFIELD bits set u8 #0 100", "BITFIELD bits overflow sat incrby i8 #0 257",
			"BITFIELD bits get i8 #0", "BITFIELD bits overflow sat incrby i8 #0 -255", "BITFIELD bits get i8 #0"),
		C("BITFIELD overflow detection fuzzing", detect...),
		C("BITFIELD overflow wrap fuzzing", wrap...),
		C("BITFIELD regression for #3221", "SET bits 1", "BITFIELD bits get u1 0"),
		C("BITFIELD regression for #3564", r3564...),
		C("BITFIELD_RO with only key as argument", "BITFIELD_RO bits", "SET bits x", "BITFIELD_RO bits"),
		C("BITFIELD_RO fails when write option is used", "BITFIELD_RO bits set u8 0 100 get u8 0",
			"BITFIELD_RO bits incrby u8 0 1", "BITFIELD_RO bits overflow sat get u8 0", "BITFIELD_RO bits get u8 0 get i4 4"),
		C("BITFIELD errors", "BITFIELD bits get u64 0", "BITFIELD bits get i65 0", "BITFIELD bits get i0 0", "BITFIELD bits get x8 0",
			"BITFIELD bits get u8 -1", "BITFIELD bits get u8 #-1", "BITFIELD bits set u8 0 abc", "BITFIELD bits overflow foo get u8 0",
			"BITFIELD bits get u8", "BITFIELD bits foo", "LPUSH l a", "BITFIELD l get u8 0", "BITFIELD bits get u8 4294967296",
			"BITFIELD bits get u8 4294967289", "EXISTS bits"),
	})
}

// miscInfoField reads one numeric field of an INFO reply.
func miscInfoField(t *testing.T, raw, field string) int64 {
	t.Helper()
	i := strings.Index(raw, "\r\n"+field+":")
	if i < 0 {
		t.Fatalf("no %s in INFO", field)
	}
	rest := raw[i+len(field)+3:]
	rest = rest[:strings.Index(rest, "\r\n")]
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	return n
}

// miscRun is one run of a scenario against one server. Every logged
// reply or finding must be the same on sundial and on redis-server.
type miscRun struct {
	t   *testing.T
	c   *testserver.Conn
	log []string
}

// do runs a command and logs its raw reply.
func (r *miscRun) do(args ...string) string {
	r.t.Helper()
	reply := blDo(r.t, r.c, args...)
	name := strings.Join(args, " ")
	if len(name) > 80 {
		name = name[:80] + "..."
	}
	r.log = append(r.log, name+" -> "+reply)
	return reply
}

// restore runs RESTORE and logs its reply under a label free of the
// payload and of absolute times.
func (r *miscRun) restore(key, ttl, payload string, opts ...string) string {
	r.t.Helper()
	reply := blDo(r.t, r.c, append([]string{"RESTORE", key, ttl, payload}, opts...)...)
	if len(ttl) > 10 {
		ttl = "<abs>"
	}
	r.note("RESTORE %s %s <payload> %s -> %s", key, ttl, strings.Join(opts, " "), reply)
	return reply
}

// quiet runs a command without logging it (replies that legitimately
// differ, such as INFO).
func (r *miscRun) quiet(args ...string) string {
	r.t.Helper()
	return blDo(r.t, r.c, args...)
}

// note logs a finding.
func (r *miscRun) note(format string, a ...any) {
	r.log = append(r.log, fmt.Sprintf(format, a...))
}

// info reads a numeric INFO field.
func (r *miscRun) info(field string) int64 {
	r.t.Helper()
	return miscInfoField(r.t, r.quiet("INFO", "all"), field)
}

// miscScenario runs fn against sundial and redis-server (each flushed,
// the connection in protocol proto) and compares their logs.
func miscScenario(t *testing.T, name string, proto int, fn func(r *miscRun)) {
	t.Run(fmt.Sprintf("%s/resp%d", name, proto), func(t *testing.T) {
		testserver.SkipOrFail(t, redis)
		var logs [][]string
		for _, tg := range blTargets(t) {
			ok := t.Run(tg.name, func(t *testing.T) {
				c := blDial(t, tg.addr, proto)
				blDo(t, c, "FLUSHALL")
				run := &miscRun{t: t, c: c}
				fn(run)
				logs = append(logs, run.log)
			})
			if !ok {
				return
			}
		}
		compareStepLogs(t, logs)
	})
}

func TestDiffSuiteMiscBitDirty(t *testing.T) {
	miscScenario(t, "SETBIT/BITFIELD only increase dirty when the value changed", 2, func(r *miscRun) {
		step := func(what string, cmds ...[]string) {
			before := r.info("rdb_changes_since_last_save")
			for _, c := range cmds {
				r.do(c...)
			}
			r.note("%s: dirty +%d", what, r.info("rdb_changes_since_last_save")-before)
		}
		sb := func(off, v string) []string { return []string{"SETBIT", "foo{t}", off, v} }
		bf := func(off, v string) []string { return []string{"BITFIELD", "foo2{t}", "set", "i5", off, v} }
		step("create", sb("0", "0"), bf("0", "0"))
		step("no change", sb("0", "0"), bf("0", "0"))
		step("change and no change", sb("0", "1"), sb("0", "1"), sb("0", "0"), sb("0", "0"),
			bf("0", "1"), bf("0", "1"), bf("0", "0"), bf("0", "0"))
		step("incrby", []string{"BITFIELD", "foo3{t}", "incrby", "i5", "0", "1"}, []string{"BITFIELD", "foo3{t}", "incrby", "i5", "0", "1"})
		step("length only", sb("90", "0"), bf("90", "0"))
		step("get only", []string{"BITFIELD", "foo2{t}", "get", "i5", "0"}, []string{"BITFIELD", "new{t}", "get", "i5", "0"})
		step("overflow fail", []string{"BITFIELD", "foo4{t}", "overflow", "fail", "incrby", "u2", "0", "5"})
	})
}

// miscFloats is n values like Tcl's [expr rand()].
func miscFloats(rng *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.FormatFloat(rng.Float64(), 'g', -1, 64)
	}
	return out
}

func TestDiffSuiteMiscHLL(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	promote := []string{"CONFIG SET hll-sparse-max-bytes 3000"}
	for n := 0; n < 12000; n += 100 {
		promote = append(promote, "PFADD hll "+strings.Join(miscFloats(rng, 100), " "), "PFCOUNT hll", "PFDEBUG ENCODING hll")
	}
	var stress [4][]string
	for x := 0; x < 1000; x++ {
		elems := strings.Join(miscFloats(rng, rng.Intn(100)), " ")
		stress[x%4] = append(stress[x%4], "DEL hll1", "DEL hll2", "PFADD hll2", "PFDEBUG TODENSE hll2",
			"PFADD hll1 "+elems, "PFADD hll2 "+elems, "PFDEBUG ENCODING hll1", "PFDEBUG ENCODING hll2",
			"PFCOUNT hll1", "PFCOUNT hll2", "STRLEN hll1")
	}
	simd := []string{}
	for i, n := range []int{2000, 4000, 8000} {
		key := fmt.Sprintf("hll%d{t}", i+1)
		for done := 1; done < n; done += 500 {
			k := 500
			if done+k > n {
				k = n - done
			}
			simd = append(simd, "PFADD "+key+" "+strings.Join(miscFloats(rng, k), " "))
		}
		simd = append(simd, "PFCOUNT "+key)
	}
	simd = append(simd, "PFDEBUG simd off", "PFCOUNT hll1{t} hll2{t} hll3{t}", "PFMERGE hllscalar{t} hll1{t} hll2{t} hll3{t}",
		"PFCOUNT hllscalar{t}", "GET hllscalar{t}", "PFDEBUG simd on")
	union1 := []string{}
	for x := 1; x < 10000; {
		step := 1
		if x > 300 {
			step = 97
		}
		var a, b, c []string
		for i := x; i < x+step && i < 10000; i++ {
			a, b, c = append(a, fmt.Sprintf("foo-%d", i)), append(b, fmt.Sprintf("bar-%d", i)), append(c, fmt.Sprintf("zap-%d", i))
		}
		x += step
		union1 = append(union1, "PFADD hll1{t} "+strings.Join(a, " "), "PFADD hll2{t} "+strings.Join(b, " "),
			"PFADD hll3{t} "+strings.Join(c, " "), "PFCOUNT hll1{t} hll2{t} hll3{t}")
	}
	union2 := []string{}
	for x := 1; x < 10000; x += 500 {
		for j := 1; j <= 3; j++ {
			var e []string
			for i := 0; i < 500; i++ {
				e = append(e, strconv.Itoa(rng.Intn(20000)))
			}
			union2 = append(union2, fmt.Sprintf("PFADD hll%d{t} %s", j, strings.Join(e, " ")))
		}
		union2 = append(union2, "PFCOUNT hll1{t} hll2{t} hll3{t}")
	}
	union2 = append(union2, "PFCOUNT hll1{t}", "PFCOUNT hll3{t} hll2{t}", "GET hll2{t}")
	diff(t, []testserver.Case{
		C("HyperLogLog self test passes", "PFSELFTEST"),
		C("PFADD without arguments creates an HLL value", "PFADD hll", "EXISTS hll", "PFCOUNT hll",
			"PFADD hll a b c", "PFADD hll a b c", `PFADD hll ""`, "PFCOUNT hll", "GET hll"),
		C("PFCOUNT returns approximated cardinality of set", "PFADD hll 1 2 3 4 5", "PFCOUNT hll", "PFADD hll 6 7 8 8 9 10",
			"PFCOUNT hll", "GET hll"),
		C("HyperLogLogs are promote from sparse to dense", promote...),
		C("Change hll-sparse-max-bytes", "CONFIG SET hll-sparse-max-bytes 3000", "PFADD hll a b c d e d g h i j k",
			"PFDEBUG ENCODING hll", "CONFIG SET hll-sparse-max-bytes 30", "PFADD hll new_element", "PFDEBUG ENCODING hll",
			"STRLEN hll", "CONFIG SET hll-sparse-max-bytes 3000"),
		C("HyperLogLog sparse encoding stress test 1", stress[0]...),
		C("HyperLogLog sparse encoding stress test 2", stress[1]...),
		C("HyperLogLog sparse encoding stress test 3", stress[2]...),
		C("HyperLogLog sparse encoding stress test 4", stress[3]...),
		C("Corrupted sparse HyperLogLogs are detected: Additional at tail", "PFADD hll a b c", "APPEND hll hello",
			"PFCOUNT hll", "PFADD hll d", "PFMERGE hll2 hll", "PFDEBUG GETREG hll"),
		C("Corrupted sparse HyperLogLogs are detected: Broken magic", "PFADD hll a b c", "SETRANGE hll 0 0123", "PFCOUNT hll",
			"PFADD hll x", "PFMERGE hll2 hll", "PFDEBUG ENCODING hll"),
		C("Corrupted sparse HyperLogLogs are detected: Invalid encoding", "PFADD hll a b c", "SETRANGE hll 4 x", "PFCOUNT hll",
			"PFADD hll x", "PFMERGE hll hll"),
		C("Corrupted dense HyperLogLogs are detected: Wrong length", "PFADD hll a b c", `SETRANGE hll 4 "\x00"`, "PFCOUNT hll",
			"PFADD hll x", "PFMERGE hll2 hll"),
		C("PFADD, PFCOUNT, PFMERGE type checking works", "SET foo{t} bar", "PFADD foo{t} 1", "PFCOUNT foo{t}",
			"PFMERGE bar{t} foo{t}", "PFMERGE foo{t} bar{t}", "LPUSH l{t} a", "PFCOUNT l{t}", "PFMERGE l{t}", "PFADD l{t}"),
		C("PFMERGE results on the cardinality of union of sets", "PFADD hll1{t} a b c", "PFADD hll2{t} b c d", "PFADD hll3{t} c d e",
			"PFMERGE hll{t} hll1{t} hll2{t} hll3{t}", "PFCOUNT hll{t}", "GET hll{t}"),
		C("PFMERGE on missing source keys will create an empty destkey", "PFMERGE destkey{t} sourcekey{t}", "EXISTS destkey{t}",
			"PFCOUNT destkey{t}", "PFMERGE destkey2{t} sourcekey{t} sourcekey2{t}", "EXISTS destkey2{t}", "PFCOUNT destkey{t}",
			"GET destkey2{t}"),
		C("PFMERGE with one empty input key, create an empty destkey", "PFMERGE destkey", "EXISTS destkey", "PFCOUNT destkey"),
		C("PFMERGE with one non-empty input key, dest key is actually one of the source keys", "PFADD destkey a b c",
			"PFMERGE destkey", "EXISTS destkey", "PFCOUNT destkey", "PFDEBUG ENCODING destkey"),
		C("PFMERGE results with simd", simd...),
		C("PFCOUNT multiple-keys merge returns cardinality of union #1", union1...),
		C("PFCOUNT multiple-keys merge returns cardinality of union #2", union2...),
		C("PFDEBUG GETREG returns the HyperLogLog raw registers", "PFADD hll 1 2 3",
			// The 16384 registers, compared through their count and a digest.
			`EVAL "local r = redis.call('pfdebug', 'getreg', KEYS[1]) return {#r, redis.sha1hex(table.concat(r, ','))}" 1 hll`,
			"PFDEBUG TODENSE hll", "GET hll", "PFDEBUG DECODE hll", "PFDEBUG GETREG nokey", "PFDEBUG FOO hll"),
		C("PFADD / PFCOUNT cache invalidation works", "PFADD hll a b c", "PFCOUNT hll", "GETRANGE hll 15 15", "PFADD hll a b c",
			"GETRANGE hll 15 15", "PFADD hll 1 2 3", "GETRANGE hll 15 15"),
	})
	miscScenario(t, "Hyperloglog promote to dense well in different hll-sparse-max-bytes", 2, func(r *miscRun) {
		rng := rand.New(rand.NewSource(6))
		for _, max := range []int64{100, 500, 3000} {
			r.do("CONFIG", "SET", "hll-sparse-max-bytes", strconv.FormatInt(max, 10))
			r.do("DEL", "hll")
			r.do("PFADD", "hll")
			for n := r.quiet("STRLEN", "hll"); miscInt(n) <= max; n = r.do("STRLEN", "hll") {
				r.do("PFDEBUG", "ENCODING", "hll")
				r.do(append([]string{"PFADD", "hll"}, miscFloats(rng, 10)...)...)
			}
			r.do("PFDEBUG", "ENCODING", "hll")
		}
		r.do("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
	})
	miscScenario(t, "Fuzzing dense/sparse encoding: Redis should always detect errors", 2, func(r *miscRun) {
		rng := rand.New(rand.NewSource(7))
		for j := 0; j < 150; j++ {
			r.quiet("DEL", "hll")
			r.do(append([]string{"PFADD", "hll"}, miscFloats(rng, rng.Intn(3000))...)...)
			for i := 0; i < 5; i++ {
				n := miscInt(r.do("STRLEN", "hll"))
				pos := rng.Int63n(n)
				r.do("SETRANGE", "hll", strconv.FormatInt(pos, 10), string([]byte{byte(rng.Intn(256))}))
				if rng.Float64() < 0.5 {
					break
				}
			}
			r.do("PFCOUNT", "hll")
		}
	})
}

// miscInt reads an integer reply.
func miscInt(raw string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(raw, ":")), 10, 64)
	return n
}

// miscSortConfig is the server override of sort.tcl, and the defaults
// restored after each case.
const (
	miscSortConfig  = "CONFIG SET list-max-listpack-size 16 set-max-intset-entries 32"
	miscSortDefault = "CONFIG SET list-max-listpack-size -2 set-max-intset-entries 512 list-compress-depth 0"
)

// miscSortC is a case run under sort.tcl's configuration.
func miscSortC(name string, cmds ...string) testserver.Case {
	all := append([]string{miscSortConfig}, cmds...)
	return C(name, append(all, miscSortDefault)...)
}

// miscSortDataset is create_random_dataset: num elements pushed with cmd
// (lpush or sadd) into tosort, each with a distinct random weight in
// weight_<i> and in the hash wobj_<i>.
func miscSortDataset(rng *rand.Rand, num int, cmd string) []string {
	seen := map[string]bool{}
	weights := make([]string, num)
	for i := range weights {
		for {
			var w string
			if rng.Intn(2) == 0 {
				w = strconv.Itoa(int(rng.Float64() * 1000000))
			} else {
				w = strconv.FormatFloat(rng.Float64(), 'g', -1, 64)
			}
			if !seen[w] {
				seen[w] = true
				weights[i] = w
				break
			}
		}
	}
	cmds := []string{"DEL tosort"}
	for lo := 0; lo < num; lo += 1000 {
		hi := lo + 1000
		if hi > num {
			hi = num
		}
		var ids, pairs []string
		for i := lo; i < hi; i++ {
			ids = append(ids, strconv.Itoa(i))
			pairs = append(pairs, fmt.Sprintf("weight_%d", i), weights[i])
		}
		cmds = append(cmds, cmd+" tosort "+strings.Join(ids, " "), "MSET "+strings.Join(pairs, " "))
	}
	cmds = append(cmds, "EVAL \"for i = 1, #ARGV do redis.call('hset', 'wobj_' .. (i - 1), 'weight', ARGV[i]) end\" 0 "+
		strings.Join(weights, " "))
	return cmds
}

// miscSortDigest is an EVAL giving the SHA1 of SORT tosort's reply.
func miscSortDigest(opts ...string) string {
	q := "'" + strings.Join(opts, "', '") + "'"
	return `EVAL "return redis.sha1hex(table.concat(redis.call('sort', 'tosort', ` + q + `), ','))" 0`
}

func TestDiffSuiteMiscSort(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	var cases []testserver.Case
	for _, d := range []struct {
		num   int
		cmd   string
		title string
	}{{16, "LPUSH", "Listpack"}, {1000, "LPUSH", "Quicklist"}, {10000, "LPUSH", "Big Quicklist"},
		{16, "SADD", "Intset"}, {1000, "SADD", "Hash table"}, {10000, "SADD", "Big Hash table"}} {
		cmds := append(miscSortDataset(rng, d.num, d.cmd), "OBJECT ENCODING tosort",
			"SORT tosort BY weight_* LIMIT 5 5", "SORT_RO tosort BY wobj_*->weight LIMIT 0 10")
		if d.num < 10000 {
			cmds = append(cmds, "SORT tosort BY weight_*", "SORT tosort BY wobj_*->weight")
		} else {
			// The whole order, compared through a digest of it (big
			// replies are slow to compare element by element).
			cmds = append(cmds, miscSortDigest("BY", "weight_*"), miscSortDigest("BY", "wobj_*->weight"),
				"SORT tosort BY weight_* LIMIT 9990 20")
		}
		cases = append(cases, miscSortC(d.title+": SORT BY key, with limit, BY hash field", cmds...))
	}
	ds := miscSortDataset(rng, 16, "LPUSH")
	withDS := func(name string, cmds ...string) testserver.Case {
		return miscSortC(name, append(append([]string{}, ds...), cmds...)...)
	}
	floats := []string{}
	for _, x := range []string{"1.1", "5.10", "3.10", "7.44", "2.1", "5.75", "6.12", "0.25", "1.15"} {
		floats = append(floats, "LPUSH mylist "+x)
	}
	speed := append(miscSortDataset(rng, 100, "LPUSH"), "SORT tosort BY weight_* LIMIT 0 10",
		"SORT tosort BY wobj_*->weight LIMIT 0 10", "SORT tosort LIMIT 0 10", "SORT tosort BY nokey LIMIT 0 10")
	zset := "ZADD zset 1 a 5 b 2 c 10 d 3 e"
	letters := "a b c d e f g h i l m n o p q r s t u v z aa aaa azz"
	cases = append(cases,
		withDS("SORT GET #", "SORT tosort GET #"),
		withDS("SORT GET <const>", "DEL foo", "SORT tosort GET foo", "SORT_RO tosort GET foo"),
		withDS("SORT GET (key and hash) with sanity check", "SORT tosort GET # GET weight_*", "SORT tosort GET # GET wobj_*->weight"),
		withDS("SORT BY key STORE", "SORT tosort BY weight_* store sort-res", "LRANGE sort-res 0 -1", "LLEN sort-res",
			"OBJECT ENCODING sort-res"),
		withDS("SORT BY hash field STORE", "SORT tosort BY wobj_*->weight store sort-res", "LRANGE sort-res 0 -1",
			"LLEN sort-res", "OBJECT ENCODING sort-res", "TYPE sort-res"),
		C("SORT extracts STORE correctly", "COMMAND GETKEYS sort abc store def", "COMMAND GETKEYS sort_ro abc"),
		withDS("SORT DESC", "SORT tosort DESC"),
		C("SORT ALPHA against integer encoded strings", "LPUSH mylist 2", "LPUSH mylist 1", "LPUSH mylist 3", "LPUSH mylist 10",
			"SORT mylist alpha", "SORT mylist"),
		C("SORT sorted set", zset, "SORT zset alpha desc"),
		C("SORT sorted set BY nosort should retain ordering", zset, "MULTI", "SORT zset by nosort asc",
			"SORT zset by nosort desc", "EXEC"),
		C("SORT sorted set BY nosort + LIMIT", zset, "SORT zset by nosort asc limit 0 1", "SORT zset by nosort desc limit 0 1",
			"SORT zset by nosort asc limit 0 2", "SORT zset by nosort desc limit 0 2", "SORT zset by nosort limit 5 10",
			"SORT zset by nosort limit -10 100"),
		C("SORT sorted set BY nosort works as expected from scripts", zset,
			`EVAL "return {redis.call('sort',KEYS[1],'by','nosort','asc'), redis.call('sort',KEYS[1],'by','nosort','desc')}" 1 zset`),
		C("SORT sorted set: +inf and -inf handling", "ZADD zset -100 a", "ZADD zset 200 b", "ZADD zset -300 c",
			"ZADD zset 1000000 d", "ZADD zset +inf max", "ZADD zset -inf min", "ZRANGE zset 0 -1", "SORT zset", "SORT zset ALPHA"),
		C("SORT regression for issue #19, sorting floats", append(floats, "SORT mylist")...),
		C("SORT with STORE returns zero if result is empty (github issue 224)", "SORT foo{t} store bar{t}", "EXISTS bar{t}"),
		C("SORT with STORE does not create empty lists (github issue 224)", "LPUSH foo{t} bar",
			"SORT foo{t} alpha limit 10 10 store zap{t}", "EXISTS zap{t}"),
		C("SORT with STORE removes key if result is empty (github issue 227)", "LPUSH foo{t} bar",
			"SORT emptylist{t} store foo{t}", "EXISTS foo{t}"),
		C("SORT with BY <constant> and STORE should still order output", "SADD myset "+letters,
			"SORT myset alpha by _ store mylist", "LRANGE mylist 0 -1"),
		C("SORT will complain with numerical sorting and bad doubles (1)", "SADD myset 1 2 3 4 not-a-double", "SORT myset"),
		C("SORT will complain with numerical sorting and bad doubles (2)", "SADD myset 1 2 3 4",
			"MSET score:1 10 score:2 20 score:3 30 score:4 not-a-double", "SORT myset by score:*"),
		C("SORT BY sub-sorts lexicographically if score is the same", "SADD myset "+letters, "SORT myset by score:*"),
		C("SORT GET with pattern ending with just -> does not get hash field", "LPUSH mylist a", "SET x:a-> 100",
			"SORT mylist by num get x:*->"),
		C("SORT by nosort retains native order for lists", "LPUSH testa 2 1 4 3 5", "SORT testa by nosort",
			"SORT testa by nosort store testb", "LRANGE testb 0 -1", "SORT testa by nosort limit 0 3 store testb", "LRANGE testb 0 -1"),
		C("SORT_RO - Successful case", "LPUSH mylist a", "SET x:a 100", "SORT_RO mylist by nosort get x:*->"),
		C("SORT_RO - Cannot run with STORE arg", "SORT_RO foolist STORE bar"),
		miscSortC("SORT speed commands", speed...),
		C("SETRANGE with huge offset", "LPUSH L 2 1 0", "SORT_RO L by a limit 2 9223372036854775807", "SORT_RO L by a limit 2 2147483647"),
		C("SORT LIMIT extremes", "LPUSH L 2 1 0", "SADD S 5 3 4", "ZADD Z 1 a 2 b 3 c",
			"SORT L limit 2 9223372036854775807", "SORT L limit 0 9223372036854775807", "SORT L limit 1 9223372036854775806",
			"SORT L limit 3 9223372036854775807", "SORT L limit -5 9223372036854775807", "SORT L limit 9223372036854775807 9223372036854775807",
			"SORT L limit 2 -1", "SORT L limit 1 0", "SORT L by nosort limit 1 9223372036854775807", "SORT L by nosort desc limit 1 9223372036854775807",
			"SORT S limit 1 9223372036854775807", "SORT S by nosort limit 1 9223372036854775807", "SORT Z by nosort limit 1 9223372036854775807",
			"SORT Z by nosort desc limit 2 9223372036854775807", "SORT Z alpha limit 9223372036854775806 9223372036854775807",
			"SORT L limit 1 9223372036854775807 store dst", "LRANGE dst 0 -1"),
		C("SORT with several STORE options stores into the last", "LPUSH src{t} 3 1 2",
			"SORT src{t} store invalid{t} store stillbad{t} store def{t}", "EXISTS invalid{t} stillbad{t}", "LRANGE def{t} 0 -1"),
		C("SORT STORE quicklist with the right options", "CONFIG SET list-max-listpack-size -1", "CONFIG SET list-compress-depth 12",
			"LPUSH lst{t} "+strings.TrimSpace(strings.Repeat("1 ", 6000)), "SORT lst{t} store lst_dst{t}",
			"OBJECT ENCODING lst_dst{t}", "LLEN lst_dst{t}", miscSortDefault),
	)
	diff(t, cases)
}

// Differences whose fix lies outside the files this suite's owner edits.
func TestDiffSuiteMiscSortGetKeys(t *testing.T) {
	diff(t, []testserver.Case{
		C("SORT extracts multiple STORE correctly", "COMMAND GETKEYS sort abc store invalid store stillbad store def",
			"COMMAND GETKEYS sort abc by store get store limit store store store def", "COMMAND GETKEYS sort_ro abc store def",
			"COMMAND GETKEYS sort abc store", "COMMAND GETKEYS sort abc store limit store def",
			"COMMAND GETKEYSANDFLAGS sort abc store limit store def", "COMMAND GETKEYSANDFLAGS sort abc by x store d get y",
			"COMMAND GETKEYSANDFLAGS sort_ro abc store def"),
	})
}

func TestDiffSuiteMiscMigrate(t *testing.T) {
	diff(t, []testserver.Case{
		C("MIGRATE with multiple keys must have empty key arg", "MIGRATE 127.0.0.1 6379 NotEmpty 9 5000 keys a b c"),
	})
}

// payload runs DUMP and gives the payload; only the reply's type is
// logged, as sundial's payload is its own serialisation (framed as
// Redis's: RDB version and CRC64 trailer).
func (r *miscRun) payload(key string) string {
	r.t.Helper()
	v, err := parseResp(r.quiet("DUMP", key))
	if err != nil || v.kind != '$' {
		r.t.Fatalf("DUMP %s: not a bulk reply (%v)", key, err)
	}
	r.note("DUMP %s -> bulk", key)
	return v.s
}

// inRange logs whether an integer reply lies in [lo, hi].
func (r *miscRun) inRange(what string, lo, hi int64, args ...string) {
	r.t.Helper()
	n := miscInt(r.quiet(args...))
	r.note("%s in [%d, %d]: %v", what, lo, hi, n >= lo && n <= hi)
}

func TestDiffSuiteMiscDump(t *testing.T) {
	diff(t, []testserver.Case{
		C("DUMP payloads", "SET foo bar", "!DUMP foo", "SET n 12345", "!DUMP n", "RPUSH l a b c", "!DUMP l", "SADD s 1 2 3", "!DUMP s",
			"HSET h f v", "!DUMP h", "ZADD z 1 a 2.5 b", "!DUMP z"),
		C("RESTORE returns an error of the key already exists", "SET foo bar", `RESTORE foo 0 "..."`, "GET foo"),
		C("RESTORE can detect a syntax error for unrecognized options", `RESTORE foo 0 "..." invalid-option`,
			"SET foo bar", `RESTORE foo 0 "..." invalid-option`, `RESTORE foo 0 "..." REPLACE`, `RESTORE foo abc "..."`,
			`RESTORE foo -1 "..."`, `RESTORE foo 0 "..." IDLETIME -1`, `RESTORE foo 0 "..." FREQ 256`,
			`RESTORE foo 0 "..." IDLETIME 1 FREQ 1`),
		C("RESTORE fail with invalid payload size", `RESTORE test 0 "\x00\x81\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xF7\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00"`,
			"EXISTS test"),
		C("DUMP of non existing key returns nil", "DUMP nonexisting_key"),
	})
	for _, proto := range []int{2, 3} {
		miscScenario(t, "DUMP / RESTORE are able to serialize / unserialize a simple key", proto, func(r *miscRun) {
			r.do("SET", "foo", "bar")
			enc := r.payload("foo")
			r.do("DEL", "foo")
			r.do("EXISTS", "foo")
			r.restore("foo", "0", enc)
			r.do("TTL", "foo")
			r.do("GET", "foo")
		})
	}
	miscScenario(t, "RESTORE expires and options", 2, func(r *miscRun) {
		r.do("SET", "foo", "bar")
		enc := r.payload("foo")
		// An arbitrary expire, one beyond 32 bits, an absolute one.
		r.do("DEL", "foo")
		r.restore("foo", "5000", enc)
		r.inRange("pttl", 3000, 5000, "PTTL", "foo")
		r.do("GET", "foo")
		r.do("DEL", "foo")
		r.restore("foo", "2569591501", enc)
		r.inRange("pttl", 2569591501-3000, 2569591501, "PTTL", "foo")
		r.do("GET", "foo")
		r.do("DEL", "foo")
		now := time.Now().UnixMilli()
		r.restore("foo", strconv.FormatInt(now+3000, 10), enc, "absttl")
		r.inRange("pttl", 2000, 3100, "PTTL", "foo")
		r.do("GET", "foo")
		// ABSTTL in the past: counted as expired, never added.
		r.do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
		expired := r.info("expired_keys")
		r.restore("foo", strconv.FormatInt(time.Now().UnixMilli()-3000, 10), enc, "absttl", "REPLACE")
		r.do("DEBUG", "OBJECT", "foo")
		r.do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
		r.note("expired_keys +%d", r.info("expired_keys")-expired)
		// LRU idle time and LFU frequency.
		r.do("SET", "foo", "bar")
		r.do("DEL", "foo")
		r.do("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
		r.restore("foo", "0", enc, "idletime", "1000")
		r.inRange("idletime", 1000, 1010, "OBJECT", "IDLETIME", "foo")
		r.do("GET", "foo")
		r.do("OBJECT", "FREQ", "foo")
		for i := 0; i < 100; i++ {
			r.quiet("DEL", "foo")
			r.restore("foo", "1000", enc, "IDLETIME", "500")
			r.do("GET", "foo")
		}
		r.do("DEL", "foo")
		r.do("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
		r.restore("foo", "0", enc, "freq", "100")
		r.inRange("freq", 99, 100, "OBJECT", "FREQ", "foo")
		r.do("GET", "foo")
		r.do("OBJECT", "IDLETIME", "foo")
		r.do("CONFIG", "SET", "maxmemory-policy", "noeviction")
	})
	miscScenario(t, "RESTORE can overwrite an existing key with REPLACE", 2, func(r *miscRun) {
		r.do("SET", "foo", "bar1")
		enc1 := r.payload("foo")
		r.do("SET", "foo", "bar2")
		enc2 := r.payload("foo")
		r.do("DEL", "foo")
		r.restore("foo", "0", enc1)
		r.restore("foo", "0", enc2, "replace")
		r.do("GET", "foo")
		r.do("LPUSH", "l", "a")
		r.restore("l", "0", enc1, "REPLACE")
		r.do("TYPE", "l")
	})
	miscScenario(t, "RESTORE should not store key that are already expired, with REPLACE", 2, func(r *miscRun) {
		r.do("SET", "key1{t}", "value2")
		args := []string{"LPUSH", "key2{t}"}
		for i := 1; i <= 65; i++ {
			args = append(args, strconv.Itoa(i))
		}
		r.do(args...)
		r.do("SET", "key{t}", "value")
		enc := r.payload("key{t}")
		past := strconv.FormatInt(time.Now().UnixMilli()-5000, 10)
		r.do("CONFIG", "SET", "lazyfree-lazy-server-del", "no")
		r.restore("key1{t}", past, enc, "replace", "absttl")
		r.do("CONFIG", "SET", "lazyfree-lazy-server-del", "yes")
		r.restore("key2{t}", past, enc, "replace", "absttl")
		r.do("CONFIG", "SET", "lazyfree-lazy-server-del", "no")
		r.do("EXISTS", "key1{t}", "key2{t}")
		r.restore("key3{t}", past, enc, "absttl")
		r.do("EXISTS", "key3{t}")
	})
}

// miscMaxmemoryReset restores the eviction settings on both servers.
const miscMaxmemoryReset = "CONFIG SET maxmemory 0 maxmemory-policy noeviction"

func TestDiffSuiteMiscMaxmemory(t *testing.T) {
	t.Cleanup(func() {
		for _, tg := range blTargets(t) {
			if c, err := testserver.Dial(tg.addr, 2); err == nil {
				c.Do("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction")
				c.Close()
			}
		}
	})
	var volatileOnly []testserver.Case
	for _, pol := range []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
		"allkeys-random", "allkeys-lru", "allkeys-lfu", "noeviction"} {
		cmds := []string{}
		for j := 0; j < 20; j++ {
			if j%2 == 1 {
				cmds = append(cmds, fmt.Sprintf("SETEX key:%d 10000 x", j))
			} else {
				cmds = append(cmds, fmt.Sprintf("SET key:%d x", j))
			}
		}
		cmds = append(cmds, "CONFIG SET maxmemory-policy "+pol, "CONFIG SET maxmemory 1", "SETEX foo:0 10000 x", "SET bar x",
			"DBSIZE", "EXISTS key:0 key:2 key:4 key:6 key:8 key:10 key:12 key:14 key:16 key:18", "EXISTS key:1 key:3 key:19",
			"GET key:0", "DEL key:0", "INCR n", "LPUSH l a", "APPEND key:2 y", "PFADD h a", "SETBIT key:4 100 1", "SORT key:6 STORE dst",
			miscMaxmemoryReset, "DBSIZE", "SET after x")
		volatileOnly = append(volatileOnly, C("maxmemory 1 evicts what policy "+pol+" may evict", cmds...))
	}
	diff(t, append(volatileOnly,
		C("Without maxmemory small integers are shared", "CONFIG SET maxmemory 0", "SET a 1", "OBJECT REFCOUNT a"),
		C("With maxmemory and non-LRU policy integers are still shared", "CONFIG SET maxmemory 1073741824",
			"CONFIG SET maxmemory-policy allkeys-random", "SET a 1", "OBJECT REFCOUNT a", miscMaxmemoryReset),
		C("With maxmemory and LRU policy integers are not shared", "CONFIG SET maxmemory 1073741824",
			"CONFIG SET maxmemory-policy allkeys-lru", "SET a 1", "CONFIG SET maxmemory-policy volatile-lru", "SET b 1",
			"OBJECT REFCOUNT a", "OBJECT REFCOUNT b", "CONFIG SET maxmemory-policy allkeys-lfu", "SET c 1", "OBJECT REFCOUNT c",
			miscMaxmemoryReset),
		C("lru/lfu value of the key just added", "CONFIG SET maxmemory-policy allkeys-lfu", "SET foo a", "OBJECT FREQ foo",
			"DEL foo", "SET foo b", "GET foo", "OBJECT FREQ foo", "OBJECT IDLETIME foo", "CONFIG SET maxmemory-policy allkeys-lru",
			"OBJECT FREQ foo", miscMaxmemoryReset),
		C("propagation with eviction", "SET asdf1 1", "SET asdf2 2", "SET asdf3 3", "CONFIG SET maxmemory-policy allkeys-lru",
			"CONFIG SET maxmemory 1", "DBSIZE", miscMaxmemoryReset, "SET asdf4 4", "DBSIZE"),
		C("propagation with eviction in MULTI", "CONFIG SET maxmemory-policy allkeys-lru", "MULTI", "INCR x",
			"CONFIG SET maxmemory 1", "INCR x", "EXEC", "DBSIZE", miscMaxmemoryReset),
		C("OOM errors", "SET k v", "CONFIG SET maxmemory 1", "SET foo bar", "GET k", "MULTI", "SET foo bar", "GET k", "EXEC",
			"EXISTS foo", "DEL k", "DBSIZE", "PING", "EVAL \"return redis.call('get','k')\" 0",
			"EVAL \"return redis.call('set','k','v')\" 0", "EVAL \"#!lua\nreturn redis.call('get','k')\" 0",
			"EVAL \"#!lua flags=no-writes\nreturn 1\" 0", "EVAL \"#!lua\nreturn redis.call('set','k','v')\" 0",
			"EVAL_RO \"return redis.call('get','k')\" 0", miscMaxmemoryReset, "SET foo bar"),
	))
	lim := func(r *miscRun) int64 { return r.info("used_memory") + 100*1024 }
	for _, pol := range []string{"allkeys-random", "allkeys-lru", "allkeys-lfu", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		miscScenario(t, "maxmemory - is the memory limit honoured? (policy "+pol+")", 2, func(r *miscRun) {
			rng := rand.New(rand.NewSource(9))
			limit := lim(r)
			r.quiet("CONFIG", "SET", "maxmemory", strconv.FormatInt(limit, 10))
			r.do("CONFIG", "SET", "maxmemory-policy", pol)
			n := miscFill(r, limit, func(int) []string { return []string{"SETEX", fmt.Sprintf("key:%d", rng.Int63()), "10000", "x"} })
			r.note("more than 10 keys: %v", n > 10)
			miscPipe(r, n, func(int) []string { return []string{"SETEX", fmt.Sprintf("key:%d", rng.Int63()), "10000", "x"} })
			r.note("under the limit: %v", r.info("used_memory") < limit+4096)
			r.do("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction")
		})
	}
	for _, pol := range []string{"allkeys-random", "allkeys-lru", "volatile-lru", "volatile-random", "volatile-ttl"} {
		miscScenario(t, "maxmemory - only allkeys-* should remove non-volatile keys ("+pol+")", 2, func(r *miscRun) {
			rng := rand.New(rand.NewSource(10))
			limit := lim(r)
			r.quiet("CONFIG", "SET", "maxmemory", strconv.FormatInt(limit, 10))
			r.do("CONFIG", "SET", "maxmemory-policy", pol)
			n := miscFill(r, limit, func(int) []string { return []string{"SET", fmt.Sprintf("key:%d", rng.Int63()), "x"} })
			r.note("more than 10 keys: %v", n > 10)
			replies := miscPipe(r, n, func(int) []string { return []string{"SET", fmt.Sprintf("key:%d", rng.Int63()), "x"} })
			oom := false
			for _, rep := range replies {
				oom = oom || strings.Contains(rep, "used memory")
			}
			if strings.HasPrefix(pol, "allkeys-") {
				r.note("under the limit: %v", r.info("used_memory") < limit+4096)
			} else {
				r.note("OOM error seen: %v", oom)
			}
			r.do("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction")
		})
	}
	for _, pol := range []string{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"} {
		miscScenario(t, "maxmemory - policy "+pol+" should only remove volatile keys.", 2, func(r *miscRun) {
			limit := lim(r)
			r.quiet("CONFIG", "SET", "maxmemory", strconv.FormatInt(limit, 10))
			r.do("CONFIG", "SET", "maxmemory-policy", pol)
			n := miscFill(r, limit, func(i int) []string {
				if i%2 == 1 {
					return []string{"SETEX", fmt.Sprintf("key:%d", i), "10000", "x"}
				}
				return []string{"SET", fmt.Sprintf("key:%d", i), "x"}
			})
			r.note("more than 10 keys: %v", n > 10)
			miscPipe(r, n, func(i int) []string { return []string{"SETEX", fmt.Sprintf("foo:%d", i), "10000", "x"} })
			r.note("under the limit: %v", r.info("used_memory") < limit+4096)
			missing := 0
			for j := 0; j < n; j += 2 {
				if miscInt(r.quiet("EXISTS", fmt.Sprintf("key:%d", j))) != 1 {
					missing++
				}
			}
			r.note("non-volatile keys missing: %d", missing)
			r.do("CONFIG", "SET", "maxmemory", "0", "maxmemory-policy", "noeviction")
		})
	}
}

// miscPipe sends n commands made by gen in pipelined batches and returns
// their replies (not logged: their number depends on memory figures).
func miscPipe(r *miscRun, n int, gen func(i int) []string) []string {
	r.t.Helper()
	var out []string
	for lo := 0; lo < n; lo += 50 {
		hi := min(lo+50, n)
		for i := lo; i < hi; i++ {
			blSend(r.t, r.c, gen(i)...)
		}
		for i := lo; i < hi; i++ {
			out = append(out, blRead(r.t, r.c))
		}
	}
	return out
}

// miscFill adds keys made by gen, checking used_memory after each one as
// the suite does, until it comes within 4 KiB of limit; it returns how
// many keys it added.
func miscFill(r *miscRun, limit int64, gen func(i int) []string) int {
	r.t.Helper()
	n := 0
	for n < 100000 {
		blSend(r.t, r.c, gen(n)...)
		blSend(r.t, r.c, "INFO", "memory")
		if rep := blRead(r.t, r.c); strings.HasPrefix(rep, "-") {
			r.t.Fatalf("filling, key %d: %q", n, rep)
		}
		used := miscInfoField(r.t, blRead(r.t, r.c), "used_memory")
		n++
		if used+4096 > limit {
			break
		}
	}
	return n
}
