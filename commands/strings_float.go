package commands

import (
	"math"
	"math/big"
	"strings"
)

// INCRBYFLOAT computes in C's long double, which on the x86-64 machines
// Redis runs on is the x87 80-bit extended format: a 64-bit significand
// and exponents down to 2^-16382 (subnormals to 2^-16445). Parsing
// (strtold), the addition and the "%.17Lf" formatting are all correctly
// rounded to nearest-even there, so they are emulated exactly here with
// big.Float at 64 bits of precision, checking the format's range by hand.

const (
	x87Prec = 64
	// MantExp exponents (x = mant × 2^exp, 0.5 ≤ mant < 1) of the format's
	// limits: the largest finite value is just below 2^16384, the smallest
	// normal one is 2^-16382 and the smallest subnormal 2^-16445.
	x87MaxExp       = 16384
	x87MinNormalExp = -16381
	x87MinSubExp    = -16444
	// x87MaxChars is Redis's MAX_LONG_DOUBLE_CHARS: longer strings
	// are not numbers.
	x87MaxChars = 5 * 1024
)

// longDouble is a finite long double value or ±inf.
type longDouble struct {
	f   big.Float
	inf int // +1 or -1 for ±inf
}

// parseLongDouble parses b as Redis's string2ld: strtold over the whole
// string (decimal, hexadecimal, inf and infinity; no leading space),
// rejecting NaN and results that overflow or underflow to zero.
func parseLongDouble(b []byte) (*longDouble, bool) {
	if len(b) == 0 || len(b) >= x87MaxChars || x87IsSpace(b[0]) {
		return nil, false
	}
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var r *big.Rat
	switch {
	case len(b) == 0:
		return nil, false
	case x87IsInf(b):
		v := &longDouble{inf: 1}
		if neg {
			v.inf = -1
		}
		return v, true
	case len(b) > 2 && b[0] == '0' && (b[1] == 'x' || b[1] == 'X'):
		var ok bool
		if r, ok = x87ParseHex(b[2:]); !ok {
			return nil, false
		}
	default:
		var ok bool
		if r, ok = x87ParseDecimal(b); !ok {
			return nil, false
		}
	}
	v := &longDouble{}
	if r == nil { // an exact zero
		v.f.SetPrec(x87Prec)
		if neg {
			v.f.Neg(&v.f)
		}
		return v, true
	}
	if !roundLongDouble(&v.f, r) {
		return nil, false // ERANGE: overflow, or underflow to zero
	}
	if neg {
		v.f.Neg(&v.f)
	}
	return v, true
}

// x87IsInf reports whether b spells inf or infinity, in any case.
func x87IsInf(b []byte) bool {
	s := strings.ToLower(string(b))
	return s == "inf" || s == "infinity"
}

func x87IsSpace(ch byte) bool {
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r'
}

// x87ExpLimit bounds parsed exponents: anything beyond overflows or
// underflows whatever the digits, and big.Int powers stay small.
const x87ExpLimit = 100000

// x87ParseExponent reads [+-]digits, saturating at x87ExpLimit.
func x87ParseExponent(b []byte) (int, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	e := 0
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		if e < x87ExpLimit {
			e = e*10 + int(ch-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, true
}

// x87ExponentSuffix parses what follows a number's digits: nothing, or
// the lower-case letter marker (either case) and a signed exponent.
func x87ExponentSuffix(rest []byte, marker byte) (int, bool) {
	if len(rest) == 0 {
		return 0, true
	}
	if rest[0] != marker && rest[0] != marker-'a'+'A' {
		return 0, false
	}
	return x87ParseExponent(rest[1:])
}

// x87ParseDecimal parses digits[.digits][e[+-]digits] exactly; nil means
// zero.
func x87ParseDecimal(b []byte) (*big.Rat, bool) {
	mant := make([]byte, 0, len(b))
	frac, digits := 0, 0
	i, dot := 0, false
	for ; i < len(b); i++ {
		ch := b[i]
		switch {
		case ch >= '0' && ch <= '9':
			digits++
			if dot {
				frac++
			}
			// Leading zeros are dropped; after the point they still
			// count in frac, which shifts the exponent.
			if ch != '0' || len(mant) > 0 {
				mant = append(mant, ch)
			}
		case ch == '.' && !dot:
			dot = true
		default:
			goto exponent
		}
	}
exponent:
	if digits == 0 {
		return nil, false
	}
	exp, ok := x87ExponentSuffix(b[i:], 'e')
	if !ok {
		return nil, false
	}
	if len(mant) == 0 {
		return nil, true
	}
	// value = mant × 10^(exp-frac); mant has no leading zeros.
	exp -= frac
	mag := len(mant) + exp // the value lies in [10^(mag-1), 10^mag)
	if mag > 4933+1 {
		return new(big.Rat), true // overflows; roundLongDouble rejects it
	}
	if mag < -4951-1 {
		return new(big.Rat), true // underflows to zero
	}
	m, _ := new(big.Int).SetString(string(mant), 10)
	absExp := exp
	if absExp < 0 {
		absExp = -absExp
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(absExp)), nil)
	if exp >= 0 {
		return new(big.Rat).SetInt(m.Mul(m, p)), true
	}
	return new(big.Rat).SetFrac(m, p), true
}

// x87ParseHex parses hexdigits[.hexdigits][p[+-]digits] exactly (after
// the 0x prefix); nil means zero.
func x87ParseHex(b []byte) (*big.Rat, bool) {
	m := new(big.Int)
	frac, digits := 0, 0
	i, dot := 0, false
	for ; i < len(b); i++ {
		ch := b[i]
		d := x87HexDigit(ch)
		switch {
		case d >= 0:
			digits++
			if dot {
				frac++
			}
			if m.Sign() != 0 || d != 0 {
				m.Lsh(m, 4)
				m.Or(m, big.NewInt(int64(d)))
			}
		case ch == '.' && !dot:
			dot = true
		default:
			goto exponent
		}
	}
exponent:
	if digits == 0 {
		return nil, false
	}
	exp, ok := x87ExponentSuffix(b[i:], 'p')
	if !ok {
		return nil, false
	}
	if m.Sign() == 0 {
		return nil, true
	}
	exp -= 4 * frac
	mag := m.BitLen() + exp
	if mag > x87MaxExp+1 || mag < x87MinSubExp-2 {
		return new(big.Rat), true
	}
	if exp >= 0 {
		return new(big.Rat).SetInt(m.Lsh(m, uint(exp))), true
	}
	return new(big.Rat).SetFrac(m, new(big.Int).Lsh(big.NewInt(1), uint(-exp))), true
}

func x87HexDigit(ch byte) int {
	switch {
	case ch >= '0' && ch <= '9':
		return int(ch - '0')
	case ch >= 'a' && ch <= 'f':
		return int(ch-'a') + 10
	case ch >= 'A' && ch <= 'F':
		return int(ch-'A') + 10
	}
	return -1
}

// roundLongDouble sets z to the positive rational r rounded to the long
// double format, with subnormal precision below 2^-16382. A zero r stands
// for a value out of range either way; it and results that overflow or
// round to zero report false.
func roundLongDouble(z *big.Float, r *big.Rat) bool {
	if r.Sign() == 0 {
		return false
	}
	num, den := r.Num(), r.Denom()
	// Exact MantExp exponent e: 2^(e-1) ≤ r < 2^e.
	e := num.BitLen() - den.BitLen()
	var lhs, rhs big.Int
	lhs.Set(num)
	rhs.Set(den)
	if e >= 0 {
		rhs.Lsh(&rhs, uint(e))
	} else {
		lhs.Lsh(&lhs, uint(-e))
	}
	if lhs.Cmp(&rhs) >= 0 {
		e++
	}
	prec := x87Prec
	if e < x87MinNormalExp {
		prec = x87Prec - (x87MinNormalExp - e)
	}
	switch {
	case prec > 0:
		z.SetPrec(uint(prec)).SetMode(big.ToNearestEven).SetRat(r)
	case prec == 0:
		// Below the smallest subnormal: rounds up to it when more than
		// half of it, else to zero.
		half := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), uint(-(x87MinSubExp-2))))
		if r.Cmp(half) <= 0 {
			return false
		}
		z.SetPrec(x87Prec).SetMantExp(big.NewFloat(0.5), x87MinSubExp)
	default:
		return false
	}
	z.SetPrec(x87Prec)
	return z.MantExp(nil) <= x87MaxExp
}

// addLongDouble returns a+b rounded as the x87 adds, and false when the
// result is NaN or infinite.
func addLongDouble(a, b *longDouble) (*longDouble, bool) {
	if a.inf != 0 || b.inf != 0 {
		return nil, false
	}
	sum := &longDouble{}
	sum.f.SetPrec(x87Prec).SetMode(big.ToNearestEven).Add(&a.f, &b.f)
	if sum.f.Sign() != 0 && sum.f.MantExp(nil) > x87MaxExp {
		return nil, false
	}
	return sum, true
}

// formatLongDoubleHuman is Redis's ld2string in LD_STR_HUMAN mode:
// "%.17Lf", then trailing zeros (and a bare point) removed, and "-0"
// written as "0".
func formatLongDoubleHuman(v *longDouble) []byte {
	b := v.f.Append(nil, 'f', 17)
	for i := range b {
		if b[i] == '.' {
			n := len(b)
			for b[n-1] == '0' {
				n--
			}
			if b[n-1] == '.' {
				n--
			}
			b = b[:n]
			break
		}
	}
	if len(b) == 2 && b[0] == '-' && b[1] == '0' {
		b = b[1:]
	}
	return b
}

// timesThousandCeil is C's (long long)ceill(v * 1000.0) on x86-64, as
// Redis turns a timeout in seconds into milliseconds: the product rounded
// to a long double, then up to an integer; out of range (or infinite) it
// is LLONG_MIN, the x87's "integer indefinite".
func (v *longDouble) timesThousandCeil() int64 {
	if v.inf != 0 {
		return math.MinInt64
	}
	var k, prod big.Float
	k.SetInt64(1000)
	prod.SetPrec(x87Prec).SetMode(big.ToNearestEven).Mul(&v.f, &k)
	switch i, acc := prod.Int64(); { // truncated towards zero
	case acc == big.Exact, acc == big.Above && i != math.MinInt64:
		return i // whole, or negative and so truncated up already
	case acc == big.Below && i != math.MaxInt64:
		return i + 1 // a positive fraction rounds up
	}
	return math.MinInt64
}
