package lualib

import (
	"math"
	"strconv"
)

// FormatNumber renders f the way Lua 5.1 inside Redis does (lua_tostring,
// tostring(), and the default cjson precision): C's "%.14g", with C's
// spelling of infinities and NaNs (glibc prints the sign of a NaN).
func FormatNumber(f float64) string {
	return string(appendNumber(nil, f, 14))
}

// appendNumber appends f formatted as C's "%.<prec>g" to dst.
func appendNumber(dst []byte, f float64, prec int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	}
	// Go's 'g' verb follows the C rules: exponent form when the exponent is
	// below -4 or not below the precision, trailing zeros removed, and at
	// least two exponent digits.
	return strconv.AppendFloat(dst, f, 'g', prec, 64)
}

// isSpace is C's isspace in the "C" locale.
func isSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f')
}

// hasPrefixFold reports whether s[i:] starts with the lower-case word w,
// ignoring ASCII case.
func hasPrefixFold(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	for j := 0; j < len(w); j++ {
		if s[i+j]|0x20 != w[j] {
			return false
		}
	}
	return true
}

// strtod mimics glibc's strtod in the "C" locale on s[i:], where s is read
// as a C string (a NUL byte ends it). It returns the value and the index
// just past the parsed text; end == i means nothing could be parsed.
// Out-of-range values become ±Inf or 0 as strtod makes them.
func strtod(s string, i int) (val float64, end int) {
	start := i
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	apply := func(v float64) float64 {
		if neg {
			return -v
		}
		return v
	}
	switch {
	case hasPrefixFold(s, i, "infinity"):
		return apply(math.Inf(1)), i + 8
	case hasPrefixFold(s, i, "inf"):
		return apply(math.Inf(1)), i + 3
	case hasPrefixFold(s, i, "nan"):
		i += 3
		// "nan(chars)" is accepted as a whole; an unclosed '(' is not.
		if i < len(s) && s[i] == '(' {
			j := i + 1
			for j < len(s) && (isDigit(s[j]) || s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z' || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				i = j + 1
			}
		}
		return apply(math.NaN()), i
	}
	if i+1 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' {
		if v, e, ok := parseHexFloat(s, i+2); ok {
			return apply(v), e
		}
		// "0x" without hex digits: only the "0" is a number.
		return apply(0), i + 1
	}
	j := i
	digits := 0
	for j < len(s) && isDigit(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isDigit(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, start
	}
	if j < len(s) && s[j]|0x20 == 'e' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			j = k
		}
	}
	v, err := strconv.ParseFloat(s[i:j], 64)
	if err != nil && !isRangeError(err) {
		return 0, start
	}
	return apply(v), j
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseHexFloat parses the digits of a hexadecimal float after "0x":
// hex digits, an optional fraction and an optional binary exponent.
func parseHexFloat(s string, i int) (float64, int, bool) {
	j := i
	digits := 0
	for j < len(s) && isHexDigit(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && isHexDigit(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	mant := s[i:j]
	exp := "0"
	if j < len(s) && s[j]|0x20 == 'p' {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			exp = s[j+1 : k]
			j = k
		}
	}
	v, err := strconv.ParseFloat("0x"+mant+"p"+exp, 64)
	if err != nil && !isRangeError(err) {
		return 0, 0, false
	}
	return v, j, true
}

// cString returns s up to its first NUL byte, as C code reading a Lua
// string through its pointer sees it.
func cString(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// str2number mirrors Lua 5.1's luaO_str2d: the whole string (up to a NUL)
// must be a number, optionally surrounded by white space.
func str2number(s string) (float64, bool) {
	s = cString(s)
	v, end := strtod(s, 0)
	if end == 0 {
		return 0, false
	}
	if end < len(s) && s[end]|0x20 == 'x' {
		// Lua retries with strtoul base 16; glibc's strtod already reads
		// hexadecimal, so this only sees "0x" with no digits, which
		// strtoul rejects the same way.
		return 0, false
	}
	for end < len(s) && isSpace(s[end]) {
		end++
	}
	return v, end == len(s)
}
