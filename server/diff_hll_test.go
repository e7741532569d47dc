package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// hllElements returns PFADD's arguments for n distinct elements.
func hllElements(prefix string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " %s%d", prefix, i)
	}
	return b.String()
}

// The HyperLogLog commands compared byte for byte with redis-server; the
// values are Redis's own bytes, so GET compares them exactly.
func TestDiffHLL(t *testing.T) {
	diff(t, []testserver.Case{
		C("pfadd pfcount", "PFADD h a b c", "PFCOUNT h", "PFADD h a", "PFADD h d", "PFCOUNT h", "GET h"),
		C("pfadd creates empty", "PFADD h", "PFCOUNT h", "PFADD h", "GET h", "TYPE h", "OBJECT ENCODING h"),
		C("pfadd binary", `PFADD h "\x00" "\xff" ""`, "PFCOUNT h", "GET h"),
		C("pfcount missing", "PFCOUNT nokey", "PFCOUNT a b c"),
		C("pfcount caches", "PFADD h a b", "GET h", "PFCOUNT h", "GET h", "PFCOUNT h"),
		C("pfcount union", "PFADD a 1 2 3", "PFADD b 3 4 5", "PFCOUNT a b", "PFCOUNT a b nokey", "PFCOUNT a a", "GET a", "GET b"),
		C("pfcount union one exists", "PFADD a 1 2", "PFCOUNT a nokey", "GET a"),
		C("pfmerge", "PFADD a 1 2 3", "PFADD b 3 4 5", "PFMERGE d a b", "PFCOUNT d", "GET d"),
		C("pfmerge into existing", "PFADD a 1 2", "PFADD d x y", "PFMERGE d a", "PFCOUNT d", "GET d"),
		C("pfmerge no sources", "PFMERGE d", "GET d", "PFCOUNT d", "PFADD e a", "PFMERGE e", "GET e"),
		C("pfmerge missing sources", "PFMERGE d x y", "EXISTS d", "PFCOUNT d"),
		C("pfmerge self", "PFADD a 1 2 3", "PFMERGE a a", "PFCOUNT a", "GET a"),
		C("hll wrong type", "HSET h f v", "PFADD h a", "PFCOUNT h", "PFMERGE d h", "PFMERGE h", "PFCOUNT a h"),
		C("hll invalid string", "SET s hello", "PFADD s a", "PFCOUNT s", "PFMERGE d s", "PFMERGE s", "PFCOUNT nokey s"),
		C("hll invalid order", "SET s hello", "HSET h f v", "PFCOUNT s h", "PFCOUNT h s", "PFMERGE d s h", "PFMERGE d h s"),
		C("hll short header", "SET s HYLL", "PFADD s a", "SET t HYLLxxxxxxxxxxxxxxxx", "PFADD t a", "PFCOUNT t"),
		C("hll dense wrong length", "PFADD h"+hllElements("e", 3000), "PFDEBUG ENCODING h", "APPEND h x", "PFCOUNT h", "PFADD h z"),
		C("hll arity", "PFADD", "PFCOUNT", "PFMERGE"),
		C("hll sparse to dense", "PFADD h"+hllElements("x", 2000), "PFDEBUG ENCODING h", "PFCOUNT h", "GET h"),
		C("hll many elements", "PFADD h"+hllElements("m", 5000), "PFCOUNT h", "STRLEN h", "GET h"),
		C("hll merge sparse dense", "PFADD s a b c", "PFADD d"+hllElements("d", 3000), "PFMERGE m s d", "PFDEBUG ENCODING m", "PFCOUNT m", "GET m",
			"PFMERGE n s", "PFDEBUG ENCODING n", "GET n"),
		C("hll keeps ttl", "PFADD h a", "EXPIRE h 100", "PFADD h b", "TTL h", "PFCOUNT h", "TTL h"),
		C("pfdebug", "PFADD h a b c", "PFDEBUG ENCODING h", "PFDEBUG DECODE h", "PFDEBUG TODENSE h", "PFDEBUG ENCODING h", "PFDEBUG TODENSE h",
			"PFDEBUG DECODE h", "PFCOUNT h", "GET h"),
		C("pfdebug getreg", "PFADD h a b c", "PFDEBUG GETREG h", "PFDEBUG ENCODING h", "GET h"),
		C("pfdebug errors", "PFDEBUG GETREG nokey", "PFDEBUG FOO nokey", "PFADD h a", "PFDEBUG FOO h", "SET s x", "PFDEBUG ENCODING s",
			"HSET w f v", "PFDEBUG ENCODING w", "PFDEBUG ENCODING h x", "PFDEBUG"),
		C("pfdebug decode empty", "PFADD h", "PFDEBUG DECODE h"),
		C("pfselftest", "PFSELFTEST", "PFSELFTEST x"),
		C("hll set by value", `SET h "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"`, "PFCOUNT h", "PFADD h a", "PFCOUNT h", "GET h"),
		C("hll corrupt sparse", `SET h "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xf0"`, "PFCOUNT h", "PFADD h a", "PFMERGE d h", "GET h", "EXISTS d"),
		C("hll in multi", "MULTI", "PFADD h a b", "PFCOUNT h", "PFMERGE d h", "PFCOUNT d", "EXEC"),
	})
}

// HLL values move between Redis and sundial with GET and SET, and both
// count them the same.
func TestHLLTransfer(t *testing.T) {
	testserver.SkipOrFail(t, redis)
	ctx := context.Background()
	s := keysClient(t, sundial.Addr, 10)
	r := keysClient(t, redis.Addr, 10)
	s.FlushDB(ctx)
	r.FlushDB(ctx)
	for _, n := range []int{0, 1, 100, 1000, 20000} {
		key := fmt.Sprintf("h%d", n)
		elems := make([]any, n)
		for i := range elems {
			elems[i] = fmt.Sprintf("el:%d", i)
		}
		// Built in Redis, counted in sundial, then back.
		for i := 0; i < n; i += 1000 {
			r.PFAdd(ctx, key, elems[i:min(i+1000, n)]...)
		}
		if n == 0 {
			r.PFAdd(ctx, key)
		}
		want := r.PFCount(ctx, key).Val()
		raw := r.Get(ctx, key).Val()
		s.Set(ctx, key, raw, 0)
		if got := s.PFCount(ctx, key).Val(); got != want {
			t.Fatalf("%d elements: sundial counts %d, redis %d", n, got, want)
		}
		// sundial adds more, Redis counts it.
		s.PFAdd(ctx, key, "extra1", "extra2")
		back := s.Get(ctx, key).Val()
		r.Set(ctx, key+"back", back, 0)
		if got, want := r.PFCount(ctx, key+"back").Val(), s.PFCount(ctx, key).Val(); got != want {
			t.Fatalf("%d elements: after the round trip redis counts %d, sundial %d", n, got, want)
		}
		// The same additions and count (which refreshes the cached
		// cardinality) leave the same bytes on both.
		r.PFAdd(ctx, key, "extra1", "extra2")
		r.PFCount(ctx, key)
		if r.Get(ctx, key).Val() != s.Get(ctx, key).Val() {
			t.Fatalf("%d elements: the same additions give different bytes", n)
		}
	}
}
