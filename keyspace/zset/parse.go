package zset

import (
	"bytes"
	"math"
	"strconv"
)

// ParseLexRange parses the min and max arguments of ZRANGEBYLEX,
// ZLEXCOUNT and ZREMRANGEBYLEX: "-" and "+" alone are the infinities,
// "[x" is x inclusive and "(x" is x exclusive. Anything else, including
// an empty argument, is refused (Redis answers "ERR min or max not valid
// string range item").
func ParseLexRange(min, max []byte) (LexRange, bool) {
	lo, ok := parseLexBound(min)
	if !ok {
		return LexRange{}, false
	}
	hi, ok := parseLexBound(max)
	if !ok {
		return LexRange{}, false
	}
	return LexRange{Min: lo, Max: hi}, true
}

func parseLexBound(b []byte) (LexBound, bool) {
	if len(b) == 0 {
		return LexBound{}, false
	}
	switch b[0] {
	case '+', '-':
		// Redis only looks at the byte after the sign as a C string, so
		// "+" followed by a NUL and anything is still the infinity.
		if len(b) != 1 && b[1] != 0 {
			return LexBound{}, false
		}
		// Redis marks the infinities exclusive, so "- -" and "+ +" are
		// empty ranges.
		if b[0] == '+' {
			return LexBound{Inf: 1, Ex: true}, true
		}
		return LexBound{Inf: -1, Ex: true}, true
	case '(':
		return LexBound{Value: string(b[1:]), Ex: true}, true
	case '[':
		return LexBound{Value: string(b[1:])}, true
	}
	return LexBound{}, false
}

// ParseScoreRange parses the min and max arguments of ZRANGEBYSCORE,
// ZCOUNT and ZREMRANGEBYSCORE. Each is a number for C's strtod, optionally
// preceded by "(" for an exclusive end; NaN is refused (Redis answers
// "ERR min or max is not a float"). Redis runs strtod on the bounds as C
// strings, so a NUL byte ends each one: "1\x00junk" is 1.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	lo, loEx, ok := ParseScoreBound(cString(min))
	if !ok {
		return ScoreRange{}, false
	}
	hi, hiEx, ok := ParseScoreBound(cString(max))
	if !ok {
		return ScoreRange{}, false
	}
	return ScoreRange{Min: lo, Max: hi, MinEx: loEx, MaxEx: hiEx}, true
}

// cString is b up to its first NUL byte.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// ParseScoreBound parses one end of a score range: "(" marks it
// exclusive, the rest must be a whole strtod number that is not NaN.
func ParseScoreBound(b []byte) (v float64, exclusive, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		exclusive = true
		b = b[1:]
	}
	v, ok = parseStrtod(b)
	if !ok || math.IsNaN(v) {
		return 0, false, false
	}
	return v, exclusive, true
}

// parseStrtod accepts exactly the strings that C's strtod consumes whole:
// leading white space, a sign, then a decimal or hexadecimal ("0x1.8p3",
// exponent optional) number, or "inf"/"infinity" in any case. Like Redis,
// it takes an empty string as 0 (strtod converts nothing and stops at the
// terminating NUL), and overflow as ±Inf. NaN spellings are refused.
func parseStrtod(s []byte) (float64, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) {
		// strtod converted nothing; only the empty string ends at a NUL.
		return 0, len(s) == 0
	}
	num := s[i:]
	body := num
	neg := false
	if body[0] == '+' || body[0] == '-' {
		neg = body[0] == '-'
		body = body[1:]
	}
	if hasPrefixFold(body, "inf") {
		if len(body) != 3 && !(len(body) == 8 && hasPrefixFold(body, "infinity")) {
			return 0, false
		}
		if neg {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	var str string
	if len(body) >= 2 && body[0] == '0' && body[1]|0x20 == 'x' {
		end, hasExp, ok := scanHex(body)
		if !ok || end != len(body) {
			return 0, false
		}
		str = string(num)
		if !hasExp {
			str += "p0" // strconv needs the binary exponent strtod allows to omit
		}
	} else {
		end, ok := scanDecimal(body)
		if !ok || end != len(body) {
			return 0, false
		}
		str = string(num)
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// scanDecimal returns how much of b strtod reads as a decimal number:
// digits with an optional point (at least one digit), then an exponent
// only when it is complete.
func scanDecimal(b []byte) (int, bool) {
	j, digits := scanDigits(b, 0, isDigit)
	if j < len(b) && b[j] == '.' {
		var d int
		j, d = scanDigits(b, j+1, isDigit)
		digits += d
	}
	if digits == 0 {
		return 0, false
	}
	return scanExponent(b, j, 'e'), true
}

// scanHex is scanDecimal for "0x" numbers, whose exponent starts with "p".
func scanHex(b []byte) (end int, hasExp, ok bool) {
	j, digits := scanDigits(b, 2, isHexDigit)
	if j < len(b) && b[j] == '.' {
		var d int
		j, d = scanDigits(b, j+1, isHexDigit)
		digits += d
	}
	if digits == 0 {
		return 0, false, false
	}
	end = scanExponent(b, j, 'p')
	return end, end != j, true
}

func scanDigits(b []byte, j int, ok func(byte) bool) (int, int) {
	start := j
	for j < len(b) && ok(b[j]) {
		j++
	}
	return j, j - start
}

// scanExponent reads an exponent marker, optional sign and digits at j;
// an incomplete exponent is not part of the number.
func scanExponent(b []byte, j int, marker byte) int {
	if j >= len(b) || b[j]|0x20 != marker {
		return j
	}
	k := j + 1
	if k < len(b) && (b[k] == '+' || b[k] == '-') {
		k++
	}
	end, d := scanDigits(b, k, isDigit)
	if d == 0 {
		return j
	}
	return end
}

func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if b[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}
