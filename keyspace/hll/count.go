package hll

import "math"

// alphaInf is 0.5/ln(2), the bias constant of Ertl's estimator.
const alphaInf = 0.721347520444481703680

// estimate turns a register histogram into a cardinality with the improved
// estimator of Otmar Ertl ("New cardinality estimation algorithms for
// HyperLogLog sketches", arXiv:1702.01284), step for step as Redis's hllCount
// so that the floating-point result is identical.
func estimate(histo *[histoSize]int) uint64 {
	m := float64(Registers)
	z := float64(m * tau((m-float64(histo[q+1]))/m)) // no fused multiply-add, as in Redis
	for j := q; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += float64(m * sigma(float64(histo[0])/m))
	e := math.Round(float64(alphaInf*m*m) / z)
	return uint64(e)
}

// sigma is Ertl's helper function σ(x) = x + Σ x^(2^k)·2^(k-1).
func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y := 1.0
	z := x
	for {
		x *= x
		prev := z
		z += float64(x * y)
		y += y
		if prev == z {
			return z
		}
	}
}

// tau is Ertl's helper function τ(x).
func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y := 1.0
	z := 1 - x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if prev == z {
			return z / 3
		}
	}
}
