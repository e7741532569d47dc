package hll

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand"
	"testing"
)

func elems(prefix string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(prefix + ":" + itoa(i))
	}
	return out
}

func itoa(i int) string {
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[p:])
		}
	}
}

func TestNewMatchesCreateHLLObject(t *testing.T) {
	want := []byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff")
	if got := New(); !bytes.Equal(got, want) {
		t.Fatalf("New() = %q, want %q", got, want)
	}
	card, written, err := Count(New())
	if card != 0 || written || err != nil {
		t.Fatalf("Count(New()) = %d, %v, %v; want the valid cached 0", card, written, err)
	}
}

func TestIsValid(t *testing.T) {
	dense := make([]byte, DenseSize)
	copy(dense, "HYLL")
	cases := []struct {
		name string
		b    []byte
		want bool
	}{
		{"new", New(), true},
		{"header only sparse", New()[:HeaderSize], true},
		{"dense exact", dense, true},
		{"dense short", dense[:DenseSize-1], false},
		{"dense long", append(append([]byte{}, dense...), 0), false},
		{"short", []byte("HYLL\x01"), false},
		{"empty", []byte{}, false},
		{"bad magic", append([]byte("HYLX"), New()[4:]...), false},
		{"encoding 2", append([]byte("HYLL\x02"), New()[5:]...), false},
	}
	for _, c := range cases {
		if got := IsValid(c.b); got != c.want {
			t.Errorf("%s: IsValid = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAddNilCreatesAndInvalidatesCache(t *testing.T) {
	b, changed, err := Add(nil)
	if err != nil || !changed {
		t.Fatalf("Add(nil) = changed %v, err %v; want changed", changed, err)
	}
	if b[cacheByte]&staleFlag == 0 {
		t.Fatal("PFADD on a new key must leave the cache stale")
	}
	if _, _, err := Add([]byte{}, []byte("a")); !errors.Is(err, ErrWrongType) {
		t.Fatalf("Add on an empty string: err %v, want ErrWrongType", err)
	}
	b, changed, err = Add(b, []byte("a"))
	if err != nil || !changed {
		t.Fatalf("first element: changed %v err %v", changed, err)
	}
	if _, changed, _ = Add(b, []byte("a")); changed {
		t.Fatal("adding the same element twice must not change the HLL")
	}
}

// TestRegisterPacking mirrors PFSELFTEST's first part: random values written
// to every register read back unchanged and never disturb neighbours.
func TestRegisterPacking(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	r := make([]byte, DenseSize-HeaderSize)
	want := make([]uint8, Registers)
	for cycle := 0; cycle < 20; cycle++ {
		for i := range want {
			want[i] = uint8(rng.Intn(64))
			densePut(r, i, want[i])
		}
		for i, w := range want {
			if got := denseGet(r, i); got != w {
				t.Fatalf("register %d = %d, want %d", i, got, w)
			}
		}
		var histo [histoSize]int
		denseHisto(r, &histo)
		var direct [histoSize]int
		for _, w := range want {
			direct[w]++
		}
		if histo != direct {
			t.Fatal("denseHisto disagrees with register by register reads")
		}
	}
}

// TestSparseAndDenseAgree follows PFSELFTEST's second part: the same elements
// in a sparse and a dense HLL give the same registers and the same count.
func TestSparseAndDenseAgree(t *testing.T) {
	sparse := New()
	dense, _ := sparseToDense(New(), 0)
	forceDense := Options{SparseMaxBytes: 0}
	checkpoint := 1
	for i := 1; i <= 20000; i++ {
		var e [8]byte
		binary.LittleEndian.PutUint64(e[:], uint64(i)^0x5bd1e995)
		var err error
		if sparse, _, err = Add(sparse, e[:]); err != nil {
			t.Fatal(err)
		}
		if dense, _, err = forceDense.Add(dense, e[:]); err != nil {
			t.Fatal(err)
		}
		if i == checkpoint {
			checkpoint *= 3
			if i < DefaultSparseMaxBytes/2 && IsDense(sparse) {
				t.Fatalf("sparse encoding abandoned at %d elements", i)
			}
			sc, _, err1 := Count(sparse)
			dc, _, err2 := Count(dense)
			if err1 != nil || err2 != nil || sc != dc {
				t.Fatalf("at %d: sparse %d (%v) dense %d (%v)", i, sc, err1, dc, err2)
			}
			conv, ok := sparseToDense(sparse, 0)
			if !ok || !bytes.Equal(conv[HeaderSize:], dense[HeaderSize:]) {
				t.Fatalf("at %d: registers differ between encodings", i)
			}
		}
	}
	if !IsDense(sparse) {
		t.Fatal("20000 elements should have promoted the sparse HLL")
	}
}

func TestPromotionOnLargeValue(t *testing.T) {
	w := work{b: New()}
	res := sparseSet(&w, 100, 33, DefaultSparseMaxBytes)
	b := w.b
	if res != 1 || !IsDense(b) || len(b) != DenseSize {
		t.Fatalf("value 33 must promote to dense: res %d dense %v len %d", res, IsDense(b), len(b))
	}
	if got := denseGet(b[HeaderSize:], 100); got != 33 {
		t.Fatalf("register 100 = %d after promotion, want 33", got)
	}
	for i := 0; i < Registers; i++ {
		if i != 100 && denseGet(b[HeaderSize:], i) != 0 {
			t.Fatalf("register %d set by the promotion", i)
		}
	}
}

func TestSparseLengthLimitPromotes(t *testing.T) {
	for _, limit := range []int{0, 100, 500, 3000} {
		o := Options{SparseMaxBytes: limit}
		b := New()
		var err error
		for i := 0; i < 4000; i++ {
			if b, _, err = o.Add(b, []byte(itoa(i))); err != nil {
				t.Fatal(err)
			}
			if !IsDense(b) && len(b) > max(limit, len(New())) {
				t.Fatalf("limit %d: sparse value grew to %d bytes", limit, len(b))
			}
		}
		if !IsDense(b) {
			t.Fatalf("limit %d: 4000 elements never promoted", limit)
		}
	}
}

func TestCountCache(t *testing.T) {
	b, _, _ := Add(nil, elems("c", 500)...)
	card, written, err := Count(b)
	if err != nil || !written {
		t.Fatalf("first count: written %v err %v", written, err)
	}
	if b[cacheByte]&staleFlag != 0 || getCard(b) != card {
		t.Fatal("the count was not cached in the header")
	}
	again, written, _ := Count(b)
	if again != card || written {
		t.Fatalf("second count %d written %v; want cached %d", again, written, card)
	}
	// A valid cache is trusted, as Redis trusts it.
	putCard(b, 42)
	if got, _, _ := Count(b); got != 42 {
		t.Fatalf("cached count %d, want 42", got)
	}
}

func TestCountUnionDoesNotModify(t *testing.T) {
	a, _, _ := Add(nil, elems("u", 1000)...)
	b, _, _ := Add(nil, elems("u", 1500)[500:]...)
	ca, cb := append([]byte{}, a...), append([]byte{}, b...)
	u, written, err := Count(a, nil, b)
	if err != nil || written {
		t.Fatalf("union: written %v err %v", written, err)
	}
	if !bytes.Equal(a, ca) || !bytes.Equal(b, cb) {
		t.Fatal("a multi-key count modified its inputs")
	}
	if math.Abs(float64(u)-1500) > 1500*0.03 {
		t.Fatalf("union of 1500 distinct elements counted %d", u)
	}
	if _, _, err := Count(a, []byte("nope")); !errors.Is(err, ErrWrongType) {
		t.Fatalf("union with a plain string: %v", err)
	}
}

func TestCorruptSparse(t *testing.T) {
	b, _, _ := Add(nil, elems("x", 50)...)
	// Drop the last opcode: the registers no longer add up to 16384.
	bad := append([]byte{}, b[:len(b)-1]...)
	if _, _, err := Count(bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Count: %v, want ErrInvalid", err)
	}
	if _, _, err := Count(bad, New()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Count union: %v, want ErrInvalid", err)
	}
	if _, err := Merge(nil, bad); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Merge: %v, want ErrInvalid", err)
	}
	// Header only: no opcode at all.
	if _, _, err := Add(New()[:HeaderSize], []byte("a")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Add to a header-only HLL: %v, want ErrInvalid", err)
	}
}

// TestNoPanicOnGarbage feeds random sparse bodies to every entry point.
func TestNoPanicOnGarbage(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 3000; i++ {
		b := append([]byte{}, New()[:HeaderSize]...)
		body := make([]byte, rng.Intn(40))
		rng.Read(body)
		b = append(b, body...)
		if rng.Intn(2) == 0 {
			b[cacheByte] |= staleFlag
		}
		Count(append([]byte{}, b...))
		Count(b, New())
		Merge(append([]byte{}, b...))
		Merge(nil, b)
		Add(append([]byte{}, b...), []byte(itoa(i)), []byte("x"), []byte("y"))
	}
}

func TestAccuracyMillion(t *testing.T) {
	if testing.Short() {
		t.Skip("slow in -short mode")
	}
	b := New()
	var e [8]byte
	var err error
	const n = 1000000
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint64(e[:], uint64(i)*0x9e3779b97f4a7c15)
		if b, _, err = Add(b, e[:]); err != nil {
			t.Fatal(err)
		}
	}
	card, _, err := Count(b)
	if err != nil {
		t.Fatal(err)
	}
	// The standard error is 1.04/sqrt(16384) = 0.81%; allow about 2.5 of it.
	if rel := math.Abs(float64(card)-n) / n; rel > 0.02 {
		t.Fatalf("counted %d for %d distinct elements (error %.2f%%)", card, n, rel*100)
	}
}

func TestEstimatorSmallCounts(t *testing.T) {
	// For small sets the estimate is exact in practice (Redis's test suite
	// relies on this up to a few hundred elements).
	b := New()
	for i := 1; i <= 100; i++ {
		b, _, _ = Add(b, []byte(itoa(i)))
		got, _, _ := Count(b)
		if d := int(got) - i; d < -1 || d > 1 {
			t.Fatalf("after %d elements counted %d", i, got)
		}
	}
}

func BenchmarkAddSparse(b *testing.B) {
	es := elems("bench", 1000)
	for i := 0; i < b.N; i++ {
		h := New()
		h, _, _ = Add(h, es...)
		_ = h
	}
}

func BenchmarkAddDense(b *testing.B) {
	h, _ := sparseToDense(New(), 0)
	es := elems("bench", 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, _, _ = Add(h, es...)
	}
}

func BenchmarkCountDense(b *testing.B) {
	h, _, _ := Add(nil, elems("bench", 20000)...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h[cacheByte] |= staleFlag
		Count(h)
	}
}

func BenchmarkCountUnion(b *testing.B) {
	x, _, _ := Add(nil, elems("a", 20000)...)
	y, _, _ := Add(nil, elems("b", 1000)...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Count(x, y)
	}
}
