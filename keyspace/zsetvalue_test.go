package keyspace

import (
	"bytes"
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
	for _, listpack := range []bool{true, false} {
		z := NewZSet(listpack)
		z.Add("", 0)
		z.Add("\x00\xff", math.Inf(-1))
		z.Add("m", math.Inf(1))
		z.Add("neg", math.Copysign(0, -1))
		z.Add("x", 1.5e-300)
		b := z.AppendBinary(nil)
		v, err := DecodeValue(KindZSet, b)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		got := v.(*ZSet)
		if got.Encoding() != z.Encoding() || got.Len() != z.Len() {
			t.Fatalf("round trip: %s/%d, want %s/%d", got.Encoding(), got.Len(), z.Encoding(), z.Len())
		}
		z.Range(func(m string, s float64) bool {
			gs, ok := got.Score(m)
			if !ok || math.Float64bits(gs) != math.Float64bits(s) {
				t.Errorf("member %q: %v %v, want %v", m, gs, ok, s)
			}
			return true
		})
		if !bytes.Equal(got.AppendBinary(nil), b) {
			t.Error("re-encoding differs")
		}
		c := z.Clone().(*ZSet)
		c.Add("new", 1)
		if z.Len() == c.Len() || c.Encoding() != z.Encoding() {
			t.Error("Clone is not independent or lost its encoding")
		}
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
