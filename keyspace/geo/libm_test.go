package geo

import (
	"math"
	"math/big"
	"math/rand"
	"testing"
)

const refPrec = 200

// bigSinCos sums the Taylor series of sin and cos at x with 200-bit floats
// (fine for the |x| <= 4 used here).
func bigSinCos(x float64) (s, c *big.Float) {
	return bigSinCosBig(new(big.Float).SetPrec(refPrec).SetFloat64(x))
}

// bigAsin solves sin(t) = y by Newton's method in 200-bit floats.
func bigAsin(y float64) *big.Float {
	t := new(big.Float).SetPrec(refPrec).SetFloat64(math.Asin(y))
	by := new(big.Float).SetPrec(refPrec).SetFloat64(y)
	for i := 0; i < 6; i++ { // Newton: t -= (sin t - y) / cos t
		s, c := bigSinCosBig(t)
		s.Sub(s, by)
		s.Quo(s, c)
		t.Sub(t, s)
	}
	return t
}

// bigSinCosBig is bigSinCos for a big argument.
func bigSinCosBig(bx *big.Float) (s, c *big.Float) {
	x2 := new(big.Float).SetPrec(refPrec).Mul(bx, bx)
	s = new(big.Float).SetPrec(refPrec)
	c = new(big.Float).SetPrec(refPrec)
	termS := new(big.Float).SetPrec(refPrec).Set(bx)
	termC := new(big.Float).SetPrec(refPrec).SetInt64(1)
	for n := 0; n < 40; n++ { // x^80/80! is far below 2^-200 for |x| <= 4
		if n%2 == 0 {
			s.Add(s, termS)
			c.Add(c, termC)
		} else {
			s.Sub(s, termS)
			c.Sub(c, termC)
		}
		termS.Mul(termS, x2)
		termS.Quo(termS, new(big.Float).SetInt64(int64((2*n+2)*(2*n+3))))
		termC.Mul(termC, x2)
		termC.Quo(termC, new(big.Float).SetInt64(int64((2*n+1)*(2*n+2))))
	}
	return s, c
}

func nearest(b *big.Float) float64 {
	f, _ := b.Float64() // rounds to nearest even
	return f
}

// TestCorrectlyRounded checks sin, cos and asin against 200-bit references
// over the arguments distances use: glibc rounds these correctly except
// within a hair of a midpoint, so correct rounding is what matches Redis.
func TestCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	n := 1000
	if testing.Short() {
		n = 200
	}
	bad := 0
	for i := 0; i < n; i++ {
		x := (rng.Float64()*2 - 1) * 3.3
		if i%10 == 0 {
			x = (rng.Float64()*2 - 1) * 1e-6
		}
		s, c := bigSinCos(x)
		if got, want := sin(x), nearest(s); got != want {
			bad++
			t.Errorf("sin(%v) = %v, want %v", x, got, want)
		}
		if got, want := cos(x), nearest(c); got != want {
			bad++
			t.Errorf("cos(%v) = %v, want %v", x, got, want)
		}
		y := rng.Float64()
		switch i % 10 {
		case 1:
			y = 1 - rng.Float64()*1e-12 // next to 1, where asin is steep
		case 2:
			y = rng.Float64() * 1e-8
		}
		if got, want := asin(y), nearest(bigAsin(y)); got != want {
			bad++
			t.Errorf("asin(%v) = %v, want %v", y, got, want)
		}
		if bad > 10 {
			t.FailNow()
		}
	}
	for _, y := range []float64{0, math.Copysign(0, -1), 1, -1, 1.0000000000000002, math.NaN()} {
		if got, want := asin(y), math.Asin(y); math.Float64bits(got) != math.Float64bits(want) &&
			!(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("asin(%v) = %v, want %v", y, got, want)
		}
	}
}
