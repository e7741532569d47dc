package keyspace

import (
	"bytes"
	"fmt"
	"math"
	"testing"
)

func TestZSetEncodingRules(t *testing.T) {
	z := NewZSet(true)
	for i := 0; i < 4; i++ {
		z.Add(string(rune('a'+i)), float64(i))
		z.Fits(4, 8, 1)
	}
	if z.Encoding() != "listpack" {
		t.Fatalf("4 short members: %s", z.Encoding())
	}
	z.Add("e", 5)
	z.Fits(4, 8, 1)
	if z.Encoding() != "skiplist" {
		t.Fatalf("5 members over a limit of 4: %s", z.Encoding())
	}
	z.Remove("e")
	z.Fits(4, 8, 1)
	if z.Encoding() != "skiplist" {
		t.Fatal("a skiplist went back to listpack")
	}
	long := NewZSet(true)
	long.Add("123456789", 1)
	long.Fits(128, 8, 9)
	if long.IsListpack() {
		t.Fatal("a 9-byte member under a limit of 8 kept the listpack")
	}
	if NewZSet(false).Encoding() != "skiplist" {
		t.Fatal("NewZSet(false) is not a skiplist")
	}
}

func TestZSetFitListpackNormalisesZero(t *testing.T) {
	z := NewZSet(false)
	z.Add("a", math.Copysign(0, -1))
	z.Add("b", 1)
	z.FitListpack(128, 64, 1)
	if !z.IsListpack() {
		t.Fatal("a small set did not become a listpack")
	}
	if s, _ := z.Score("a"); math.Signbit(s) {
		t.Fatal("a listpack kept -0")
	}
	if z.StoredScore(math.Copysign(0, -1)) != 0 || math.Signbit(z.StoredScore(math.Copysign(0, -1))) {
		t.Fatal("StoredScore kept -0 for a listpack")
	}
	sk := NewZSet(false)
	if !math.Signbit(sk.StoredScore(math.Copysign(0, -1))) {
		t.Fatal("a skiplist lost the sign of -0")
	}
	big := NewZSet(false)
	for i := 0; i < 5; i++ {
		big.Add(string(rune('a'+i)), float64(i))
	}
	big.FitListpack(4, 64, 1)
	if big.IsListpack() {
		t.Fatal("5 members fit a limit of 4")
	}
}

func TestZSetBinaryRoundTrip(t *testing.T) {
	long := string(bytes.Repeat([]byte("l"), DefaultZSetListpackValue+1))
	for _, withLong := range []bool{false, true} {
		z := NewZSet(false)
		z.Add("", 0)
		z.Add("\x00\xff", math.Inf(-1))
		z.Add("m", math.Inf(1))
		z.Add("neg", math.Copysign(0, -1))
		z.Add("x", 1.5e-300)
		if withLong {
			z.Add(long, 2)
		}
		b := z.AppendBinary(nil)
		v, err := DecodeValue(KindZSet, b)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		got := v.(*ZSet)
		// A skip list's encoding is derived from the contents, as Redis
		// does on load: a short set is a listpack, one with a long member
		// not.
		want := "listpack"
		if withLong {
			want = "skiplist"
		}
		if got.Encoding() != want || got.Len() != z.Len() {
			t.Fatalf("round trip: %s/%d, want %s/%d", got.Encoding(), got.Len(), want, z.Len())
		}
		z.Range(func(m string, s float64) bool {
			gs, ok := got.Score(m)
			// A listpack writes -0 as 0; a skip list keeps the sign.
			wantNeg := math.Signbit(s) && (s != 0 || withLong)
			if !ok || gs != s || math.Signbit(gs) != wantNeg {
				t.Errorf("member %q: %v %v, want %v", m, gs, ok, s)
			}
			return true
		})
		again, err := DecodeValue(KindZSet, got.AppendBinary(nil))
		if err != nil || !bytes.Equal(again.AppendBinary(nil), got.AppendBinary(nil)) {
			t.Error("a decoded set does not round-trip")
		}
		c := got.Clone().(*ZSet)
		c.Add("new", 1)
		if got.Len() == c.Len() || c.Encoding() != got.Encoding() {
			t.Error("Clone is not independent or lost its encoding")
		}
	}
}

func TestZSetRefit(t *testing.T) {
	z := NewZSet(true)
	for i := 0; i < 10; i++ {
		z.Add(string(rune('a'+i)), float64(i))
	}
	z.Refit(8, 64)
	if z.IsListpack() {
		t.Fatal("10 members fit a limit of 8")
	}
	z.Refit(10, 64)
	if !z.IsListpack() {
		t.Fatal("10 members do not fit a limit of 10")
	}
	z.Refit(10, 0)
	if z.IsListpack() {
		t.Fatal("1-byte members fit a value limit of 0")
	}
}

func TestZSetDecodeRejectsDamage(t *testing.T) {
	z := NewZSet(true)
	z.Add("a", 1)
	z.Add("b", 2)
	good := z.AppendBinary(nil)
	nan := NewZSet(true)
	nan.ZSet.Add("a", 1)
	nanBytes := nan.AppendBinary(nil)
	// Overwrite the score bits with a NaN.
	copy(nanBytes[len(nanBytes)-8:], []byte{1, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	dup := []byte{0, 2, 1, 'a', 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 1, 'a', 0, 0, 0, 0, 0, 0, 0, 0x40}
	bad := [][]byte{
		nil,
		{2},
		{0},
		{0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		good[:len(good)-1],
		append(append([]byte(nil), good...), 0),
		nanBytes,
		dup,
		{1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for i, b := range bad {
		if _, err := DecodeValue(KindZSet, b); err == nil {
			t.Errorf("case %d (% x) decoded", i, b)
		}
	}
	// Every truncation of a valid encoding fails cleanly.
	for n := 0; n < len(good); n++ {
		if _, err := DecodeValue(KindZSet, good[:n]); err == nil {
			t.Errorf("truncation to %d bytes decoded", n)
		}
	}
}

func FuzzZSetDecode(f *testing.F) {
	z := NewZSet(false)
	z.Add("a", 1)
	z.Add("bb", -2)
	f.Add(z.AppendBinary(nil))
	f.Add([]byte{0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := DecodeValue(KindZSet, b)
		if err != nil {
			return
		}
		if again := v.AppendBinary(nil); !bytes.Equal(again, b) {
			// Members come back in score order, so only sorted
			// encodings are expected to round-trip; decoding the
			// re-encoding must work in any case.
			if _, err := DecodeValue(KindZSet, again); err != nil {
				t.Fatalf("re-encoding does not decode: %v", err)
			}
		}
	})
}

// A listpack stays one when loaded, long members and all (it was made
// under a larger zset-max-listpack-value), unless it has more members
// than the default limit.
func TestZSetBinaryKeepsListpack(t *testing.T) {
	long := string(bytes.Repeat([]byte("l"), DefaultZSetListpackValue+1))
	for _, n := range []int{2, DefaultZSetListpackEntries + 1} {
		z := NewZSet(true)
		z.Add(long, 1)
		for i := 1; i < n; i++ {
			z.Add(fmt.Sprint("m", i), float64(i))
		}
		v, err := DecodeValue(KindZSet, z.AppendBinary(nil))
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		want := "listpack"
		if n > DefaultZSetListpackEntries {
			want = "skiplist"
		}
		if got := v.(*ZSet); got.Encoding() != want || got.Len() != n {
			t.Fatalf("%d members: %s/%d, want %s", n, got.Encoding(), got.Len(), want)
		}
	}
}
