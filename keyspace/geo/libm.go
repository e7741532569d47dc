package geo

import "math"

// Redis's distances come from the C library's sin, cos and asin. Go's math
// package rounds differently from glibc in a large share of results (a last
// bit off in roughly a fifth to a third of calls), enough to change a
// four-decimal distance or a match at the edge of a search now and then. glibc's
// results are correctly rounded except within about 0.003 ulp of a rounding
// midpoint, so the functions below compute in double-double precision
// (better than 2^-68 relative, about 15 bits past a double) and round once:
// they agree with glibc on all but a rare few arguments.

// dd is an unevaluated sum hi+lo of two doubles, |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func fastTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s = fastTwoSum(s.hi, s.lo+t.hi)
	return fastTwoSum(s.hi, s.lo+t.lo)
}

func ddMul(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return fastTwoSum(p.hi, p.lo)
}

func ddDivF(a dd, b float64) dd {
	q1 := a.hi / b
	r := ddAdd(a, neg(twoProd(q1, b)))
	q2 := r.hi / b
	r = ddAdd(r, neg(twoProd(q2, b)))
	q3 := r.hi / b
	return ddAdd(fastTwoSum(q1, q2), dd{q3, 0})
}

// π/2 in four pieces: the first three have few enough bits that k times
// each is exact for the k this file uses (Cody and Waite's reduction).
const (
	pio2a = 1.57079632673412561417e+00
	pio2b = 6.07710050630396597660e-11
	pio2c = 2.02226624871116645580e-21
	pio2d = 8.47842766036889956997e-32
)

// maxReduce bounds the arguments reduced here; larger ones (which only a
// search of absurd size produces) fall back to the math package.
const maxReduce = 1 << 20

// Taylor coefficients 1/n! in double-double, for the full series that
// fills the tables below. With |r| <= 1 the terms past 1/31! are below
// 2^-110 of the result.
var invFact = func() [32]dd {
	var f [32]dd
	f[0] = dd{1, 0}
	for n := 1; n < len(f); n++ {
		f[n] = ddDivF(f[n-1], float64(n))
	}
	return f
}()

func neg(a dd) dd { return dd{-a.hi, -a.lo} }

// reduce returns r and k with x = r + k·π/2 and |r| <= π/4 (about).
func reduce(x float64) (dd, int64) {
	k := math.Round(x / (math.Pi / 2))
	r := dd{x - k*pio2a, 0} // exact: k·pio2a is exact and close to x
	r = ddAdd(r, twoProd(-k, pio2b))
	r = ddAdd(r, twoProd(-k, pio2c))
	r = ddAdd(r, dd{-k * pio2d, 0})
	return r, int64(k)
}

// sinPoly and cosPoly evaluate the Taylor series of sin and cos at a
// reduced argument, in double-double, by Horner's rule in r².
func sinPoly(r dd) dd {
	r2 := ddMul(r, r)
	var s dd
	for j := 15; j >= 0; j-- {
		c := invFact[2*j+1]
		if j%2 == 1 {
			c = neg(c)
		}
		s = ddAdd(ddMul(s, r2), c)
	}
	return ddMul(s, r)
}

func cosPoly(r dd) dd {
	r2 := ddMul(r, r)
	var s dd
	for j := 15; j >= 0; j-- {
		c := invFact[2*j]
		if j%2 == 1 {
			c = neg(c)
		}
		s = ddAdd(ddMul(s, r2), c)
	}
	return s
}

// Table of sin(j/64) and cos(j/64) in double-double for the reduced range
// |r| <= π/4, filled once from the full Taylor series.
const tableStep = 64

var sinTab, cosTab = func() (s, c [52]dd) {
	for j := range s {
		a := dd{float64(j) / tableStep, 0}
		s[j], c[j] = sinPoly(a), cosPoly(a)
	}
	return s, c
}()

// reducedSinCos returns sin(r) (cosine false) or cos(r) (cosine true) for
// |r| <= π/4 (about), to about 2^-68 relative: r = j/64 + b with |b| <=
// 1/128, the table gives the j/64 part and short series the b part.
func reducedSinCos(r dd, cosine bool) dd {
	negative := r.hi < 0
	if negative {
		r = neg(r)
	}
	j := int(math.Round(r.hi * tableStep))
	if j >= len(sinTab) {
		j = len(sinTab) - 1
	}
	b := fastTwoSum(r.hi-float64(j)/tableStep, r.lo) // the subtraction is exact
	b2 := b.hi * b.hi
	// sin(b) = b - b³/6 + b⁵/120 - b⁷/5040: past b the terms are below 2^-15
	// of the result, so double precision is enough for them.
	sb := fastTwoSum(b.hi, b.lo+b.hi*b2*(-1.0/6+b2*(1.0/120-b2*(1.0/5040))))
	// cos(b) = 1 - b²/2 + b⁴/24 - b⁶/720, with b² exact in double-double.
	sq := twoProd(b.hi, b.hi)
	sq.lo += 2 * b.hi * b.lo
	cb := ddAdd(dd{1, 0}, dd{-sq.hi / 2, -sq.lo / 2})
	cb = fastTwoSum(cb.hi, cb.lo+b2*b2*(1.0/24-b2*(1.0/720)))
	if cosine {
		if j == 0 {
			return cb
		}
		return ddAdd(ddMul(cosTab[j], cb), neg(ddMul(sinTab[j], sb)))
	}
	s := sb
	if j != 0 {
		s = ddAdd(ddMul(sinTab[j], cb), ddMul(cosTab[j], sb))
	}
	if negative {
		s = neg(s)
	}
	return s
}

// sinCos returns sin(x) (cosine false) or cos(x) (cosine true) in
// double-double, for |x| <= maxReduce.
func sinCos(x float64, cosine bool) dd {
	if math.Abs(x) <= math.Pi/4 {
		return reducedSinCos(dd{x, 0}, cosine)
	}
	r, k := reduce(x)
	if cosine {
		k++ // cos(x) = sin(x + π/2)
	}
	// sin(r + kπ/2) cycles through sin r, cos r, -sin r, -cos r.
	v := reducedSinCos(r, k&1 == 1)
	if k&2 != 0 {
		v = neg(v)
	}
	return v
}

// round collapses a double-double to the nearest double.
func (a dd) round() float64 { return a.hi + a.lo }

func sin(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.Abs(x) > maxReduce {
		return math.Sin(x)
	}
	return sinCos(x, false).round()
}

func cos(x float64) float64 {
	if math.IsNaN(x) || math.Abs(x) > maxReduce {
		return math.Cos(x)
	}
	return sinCos(x, true).round()
}

// asin refines math.Asin with a Newton step in double-double, keeping the
// second-order term so that the result is accurate to about 2^-80 even
// next to ±1.
func asin(y float64) float64 {
	if y == 0 || math.IsNaN(y) || math.Abs(y) >= 1 {
		return math.Asin(y) // ±0, NaN, ±π/2 and NaN beyond
	}
	a := math.Asin(y)
	s, c := sinCos(a, false), sinCos(a, true)
	res := ddAdd(dd{y, 0}, neg(s)).hi // y - sin(a)
	d := res / c.hi
	d = (res + d*d/2*s.hi) / c.hi
	return twoSum(a, d).round()
}
