package hll

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// The tests in this file run the same operations on a real redis-server and
// on this package, and require identical replies and identical stored bytes.

// pfadd sends PFADD in batches and applies the same batches to our value,
// comparing every reply.
func pfadd(t *testing.T, rr *realRedis, o Options, key string, ours []byte, es [][]byte, batch int) []byte {
	t.Helper()
	var cmds [][]any
	var wantChanged []bool
	for start := 0; start < len(es) || start == 0; start += batch {
		end := min(start+batch, len(es))
		args := []any{"PFADD", key}
		for _, e := range es[start:end] {
			args = append(args, e)
		}
		cmds = append(cmds, args)
		var changed bool
		var err error
		ours, changed, err = o.Add(ours, es[start:end]...)
		if err != nil {
			t.Fatalf("%s: Add: %v", key, err)
		}
		wantChanged = append(wantChanged, changed)
		if len(es) == 0 {
			break
		}
	}
	for i, reply := range rr.pipeline(t, cmds) {
		want := int64(0)
		if wantChanged[i] {
			want = 1
		}
		if reply != want {
			t.Fatalf("%s: PFADD batch %d replied %v, we say %d", key, i, reply, want)
		}
	}
	return ours
}

func sameBytes(t *testing.T, rr *realRedis, key string, ours []byte, when string) {
	t.Helper()
	got, ok := rr.do(t, "GET", key).(string)
	if !ok {
		t.Fatalf("%s %s: GET did not return a string", key, when)
	}
	if !bytes.Equal([]byte(got), ours) {
		t.Fatalf("%s %s: bytes differ from Redis (redis %d bytes, ours %d bytes, first difference at %d)\nredis %x\nours  %x",
			key, when, len(got), len(ours), firstDiff([]byte(got), ours), got, ours)
	}
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func binaryElems(rng *rand.Rand, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		b := make([]byte, rng.Intn(40))
		rng.Read(b)
		out[i] = b
	}
	return out
}

func TestRedisAddCountBytes(t *testing.T) {
	rr := startRedis(t)
	rng := rand.New(rand.NewSource(42))
	sets := []struct {
		name  string
		es    [][]byte
		batch int
	}{
		{"empty", nil, 1},
		{"one", elems("one", 1), 1},
		{"hundred", elems("h", 100), 7},
		{"sparse2000", elems("s", 2000), 500},
		{"dense100k", elems("d", 100000), 1000},
		{"binary", binaryElems(rng, 3000), 1},
		{"binary-dense", binaryElems(rng, 30000), 3000},
		{"dupes", append(elems("dup", 300), elems("dup", 300)...), 13},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			key := "hll:" + s.name
			ours := pfadd(t, rr, defaults, key, nil, s.es, s.batch)
			sameBytes(t, rr, key, ours, "after PFADD")
			for round := 0; round < 2; round++ {
				card, _, err := Count(ours)
				if err != nil {
					t.Fatal(err)
				}
				if got := rr.do(t, "PFCOUNT", key); got != int64(card) {
					t.Fatalf("PFCOUNT %v, ours %d", got, card)
				}
				sameBytes(t, rr, key, ours, "after PFCOUNT")
			}
			// Adding more afterwards goes through the cached header as well.
			ours = pfadd(t, rr, defaults, key, ours, elems("more", 10), 3)
			sameBytes(t, rr, key, ours, "after more PFADD")
		})
	}
}

func TestRedisSparseMaxBytes(t *testing.T) {
	rr := startRedis(t)
	for _, limit := range []int{0, 60, 300, 1000, 5000} {
		if r := rr.do(t, "CONFIG", "SET", "hll-sparse-max-bytes", limit); r != "OK" {
			t.Fatalf("CONFIG SET: %v", r)
		}
		o := Options{SparseMaxBytes: limit}
		key := fmt.Sprintf("lim:%d", limit)
		ours := pfadd(t, rr, o, key, nil, elems(key, 4000), 1)
		sameBytes(t, rr, key, ours, "after PFADD")
		// PFMERGE into an existing sparse key honours the limit too.
		small := pfadd(t, rr, o, key+":small", nil, elems("m", 40), 40)
		merged, err := o.Merge(small, ours)
		if err != nil {
			t.Fatal(err)
		}
		if r := rr.do(t, "PFMERGE", key+":small", key); r != "OK" {
			t.Fatalf("PFMERGE: %v", r)
		}
		sameBytes(t, rr, key+":small", merged, "after PFMERGE")
	}
}

func TestRedisMerge(t *testing.T) {
	rr := startRedis(t)
	a := pfadd(t, rr, defaults, "a", nil, elems("a", 300), 300)
	b := pfadd(t, rr, defaults, "b", nil, elems("b", 700), 100)
	c := pfadd(t, rr, defaults, "c", nil, elems("c", 20000), 1000)
	Count(c) // a valid cache in a source must not leak into the result
	rr.do(t, "PFCOUNT", "c")
	copyOf := func(b []byte) []byte { return append([]byte{}, b...) }

	cases := []struct {
		name string
		dst  string
		srcs []string
	}{
		{"new from sparse", "m1", []string{"a", "b"}},
		{"new from missing", "m2", []string{"nope"}},
		{"new from nothing", "m3", nil},
		{"new from dense", "m4", []string{"a", "c"}},
		{"into existing sparse", "a2", []string{"b"}},
		{"into existing sparse with dense", "b2", []string{"a", "c"}},
		{"into existing dense", "c2", []string{"a", "b"}},
		{"self", "a3", []string{"a3", "a3"}},
	}
	values := map[string][]byte{"a": a, "b": b, "c": c}
	// Existing destinations start as copies of a, b and c.
	for dst, src := range map[string]string{"a2": "a", "b2": "b", "c2": "c", "a3": "a"} {
		values[dst] = copyOf(values[src])
		rr.do(t, "COPY", src, dst)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var srcs [][]byte
			args := []any{"PFMERGE", tc.dst}
			for _, s := range tc.srcs {
				srcs = append(srcs, values[s])
				args = append(args, s)
			}
			before := map[string][]byte{}
			for k, v := range values {
				before[k] = copyOf(v)
			}
			out, err := Merge(values[tc.dst], srcs...)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.srcs {
				if s != tc.dst && !bytes.Equal(values[s], before[s]) {
					t.Fatalf("Merge modified source %s", s)
				}
			}
			values[tc.dst] = out
			if r := rr.do(t, args...); r != "OK" {
				t.Fatalf("PFMERGE: %v", r)
			}
			sameBytes(t, rr, tc.dst, out, "after PFMERGE")
			card, _, _ := Count(out)
			if r := rr.do(t, "PFCOUNT", tc.dst); r != int64(card) {
				t.Fatalf("PFCOUNT %v, ours %d", r, card)
			}
			sameBytes(t, rr, tc.dst, out, "after PFCOUNT")
		})
	}

	// Multi-key PFCOUNT.
	for _, keys := range [][]string{{"a", "b"}, {"a", "nope", "c"}, {"nope", "nope2"}, {"m1", "b2", "c2", "a"}} {
		var vs [][]byte
		args := []any{"PFCOUNT"}
		for _, k := range keys {
			vs = append(vs, values[k])
			args = append(args, k)
		}
		card, written, err := Count(vs...)
		if err != nil || written {
			t.Fatalf("%v: written %v err %v", keys, written, err)
		}
		if r := rr.do(t, args...); r != int64(card) {
			t.Fatalf("PFCOUNT %v: redis %v, ours %d", keys, r, card)
		}
	}
}

// TestRedisCountsOurBytes stores values we built in Redis and checks that
// Redis counts them as we do, from the registers rather than our cache.
func TestRedisCountsOurBytes(t *testing.T) {
	rr := startRedis(t)
	rng := rand.New(rand.NewSource(3))
	for _, n := range []int{0, 5, 900, 2500, 9000, 250000} {
		ours, _, _ := Add(nil, binaryElems(rng, n)...)
		ours[cacheByte] |= staleFlag
		key := fmt.Sprintf("ours:%d", n)
		rr.do(t, "SET", key, ours)
		card, _, err := Count(ours)
		if err != nil {
			t.Fatal(err)
		}
		if r := rr.do(t, "PFCOUNT", key); r != int64(card) {
			t.Fatalf("n=%d: redis counts %v, we count %d", n, r, card)
		}
		sameBytes(t, rr, key, ours, "after PFCOUNT")
	}
}

// errText and replyErr turn our errors and Redis's error replies into
// comparable text.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func replyErr(r any) string {
	if e, ok := r.(respError); ok {
		return string(e)
	}
	return ""
}

func TestRedisInvalidValues(t *testing.T) {
	rr := startRedis(t)
	dense, _, _ := Add(nil, elems("z", 5000)...)
	sparse, _, _ := Add(nil, elems("y", 30)...)
	cases := map[string][]byte{
		"plain":           []byte("hello world, not an HLL"),
		"empty":           {},
		"short":           []byte("HYLL\x01\x00"),
		"truncated dense": dense[:len(dense)-1],
		"extended dense":  append(append([]byte{}, dense...), 0),
		"encoding 2":      append([]byte("HYLL\x02"), sparse[5:]...),
		"bad magic":       append([]byte("hyll"), sparse[4:]...),
		"header only":     append([]byte{}, sparse[:HeaderSize]...),
		"dropped opcode":  append([]byte{}, sparse[:len(sparse)-1]...),
	}
	rr.do(t, "SET", "good", sparse)
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			stale := append([]byte{}, v...)
			if len(stale) > cacheByte {
				stale[cacheByte] |= staleFlag
			}
			rr.do(t, "SET", "bad", stale)
			_, _, err := Count(append([]byte{}, stale...))
			if err == nil {
				t.Fatal("Count accepted an invalid value")
			}
			if got := replyErr(rr.do(t, "PFCOUNT", "bad")); got != errText(err) {
				t.Fatalf("PFCOUNT: redis %q, ours %q", got, errText(err))
			}
			_, _, err = Count(stale, sparse)
			if got := replyErr(rr.do(t, "PFCOUNT", "bad", "good")); got != errText(err) {
				t.Fatalf("PFCOUNT multi: redis %q, ours %q", got, errText(err))
			}
			_, err = Merge(nil, stale)
			if got := replyErr(rr.do(t, "PFMERGE", "dst", "bad")); got != errText(err) {
				t.Fatalf("PFMERGE: redis %q, ours %q", got, errText(err))
			}
			nb, _, err := Add(append([]byte{}, stale...), []byte("a"))
			if got := replyErr(rr.do(t, "PFADD", "bad", "a")); got != errText(err) {
				t.Fatalf("PFADD: redis %q, ours %q", got, errText(err))
			}
			sameBytes(t, rr, "bad", nb, "after PFADD")
		})
	}
}

// TestRedisCorruptionFuzz mutates sparse values at random and requires the
// same replies and the same resulting bytes as Redis for PFADD, PFCOUNT and
// PFMERGE, whatever the opcodes say.
const fuzzSeed = 11

func TestRedisCorruptionFuzz(t *testing.T) {
	rr := startRedis(t)
	rng := rand.New(rand.NewSource(fuzzSeed))
	base := [][]byte{New()}
	for _, n := range []int{1, 3, 20, 200, 1200} {
		v, _, _ := Add(nil, binaryElems(rng, n)...)
		base = append(base, v)
	}
	limits := []int{DefaultSparseMaxBytes, 20, 40, 100}
	for i := 0; i < 2000; i++ {
		o := Options{SparseMaxBytes: limits[i%len(limits)]}
		rr.do(t, "CONFIG", "SET", "hll-sparse-max-bytes", o.SparseMaxBytes)
		v := append([]byte{}, base[rng.Intn(len(base))]...)
		switch rng.Intn(4) {
		case 0: // flip bits in one opcode byte
			p := HeaderSize + rng.Intn(len(v)-HeaderSize)
			v[p] ^= byte(1 << rng.Intn(8))
		case 1: // overwrite a byte
			p := HeaderSize + rng.Intn(len(v)-HeaderSize)
			v[p] = byte(rng.Intn(256))
		case 2: // truncate
			v = v[:HeaderSize+rng.Intn(len(v)-HeaderSize)]
		case 3: // append random opcodes
			extra := make([]byte, 1+rng.Intn(4))
			rng.Read(extra)
			v = append(v, extra...)
		}
		v[cacheByte] |= staleFlag
		els := binaryElems(rng, 1+rng.Intn(30))

		rr.do(t, "SET", "f", v)
		// PFCOUNT refreshes the cache of a well-formed value in place, in
		// Redis and here alike; later steps start from that value.
		card, _, err := Count(v)
		r := rr.do(t, "PFCOUNT", "f")
		if replyErr(r) != errText(err) || (err == nil && r != int64(card)) {
			t.Fatalf("case %d PFCOUNT %x: redis %v, ours %d %v", i, v, r, card, err)
		}
		uc, _, err := Count(v, base[2])
		rr.do(t, "SET", "g0", base[2])
		r = rr.do(t, "PFCOUNT", "f", "g0")
		if replyErr(r) != errText(err) || (err == nil && r != int64(uc)) {
			t.Fatalf("case %d PFCOUNT multi %x: redis %v, ours %d %v", i, v, r, uc, err)
		}

		args := []any{"PFADD", "f"}
		for _, e := range els {
			args = append(args, e)
		}
		nb, changed, err := o.Add(append([]byte{}, v...), els...)
		r = rr.do(t, args...)
		want := any(int64(0))
		if changed {
			want = int64(1)
		}
		if err != nil {
			want = respError(err.Error())
		}
		if r != want {
			t.Fatalf("case %d PFADD %x: redis %v, ours %v", i, v, r, want)
		}
		sameBytes(t, rr, "f", nb, fmt.Sprintf("case %d after PFADD on %x", i, v))

		rr.do(t, "SET", "f", v) // undo the PFADD
		rr.do(t, "SET", "g", base[rng.Intn(len(base))])
		gv := []byte(rr.do(t, "GET", "g").(string))
		merged, err := o.Merge(gv, v)
		r = rr.do(t, "PFMERGE", "g", "f")
		if replyErr(r) != errText(err) {
			t.Fatalf("case %d PFMERGE %x: redis %v, ours %v", i, v, r, err)
		}
		if err == nil {
			sameBytes(t, rr, "g", merged, fmt.Sprintf("case %d after PFMERGE of %x", i, v))
		}
	}
}
