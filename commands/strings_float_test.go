package commands

import (
	"math"
	"testing"
)

// Expected values were read from redis-server 7.0.15 (BLPOP on a missing
// key: a negative result is "ERR timeout is negative", 0 blocks for ever)
// or follow from the x87 format: -0.001 is stored just above -1/1000, so
// its product with 1000 rounds up to 0.
func TestTimesThousandCeil(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"-0", 0},
		{"1", 1000},
		{"0.0001", 1},
		{"2.91e-4951", 1},
		{"-0.0009", 0},
		{"-0.001", 0},
		{"-0.0011", -1},
		{"-1", -1000},
		{"1.5", 1500},
		{"0x1p10", 1024000},
		{"9223372036854775.807", math.MaxInt64},
		{"9223372036854775.808", math.MinInt64},
		{"9.3e15", math.MinInt64},
		{"1e4932", math.MinInt64},
		{"inf", math.MinInt64},
		{"-inf", math.MinInt64},
	} {
		v, ok := parseLongDouble([]byte(tc.in))
		if !ok {
			t.Fatalf("parseLongDouble(%q) failed", tc.in)
		}
		if got := v.timesThousandCeil(); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.in, got, tc.want)
		}
	}
}

// The number forms strtold accepts, and what it refuses, as Redis's
// string2ld sees them (formatted back with "%.17Lf" as INCRBYFLOAT does).
func TestParseLongDoubleForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1e3", "1000"},
		{"1E+3", "1000"},
		{"25e-1", "2.5"},
		{"0x1p4", "16"},
		{"0X1P-1", "0.5"},
		{"0x1e3", "483"}, // e is a hex digit
		{"-.5", "-0.5"},
		{"5.", "5"},
		{"1e", ""},
		{"1e+", ""},
		{"1p3", ""},
		{"0x1e", "30"},
		{"0x1p", ""},
		{"0x", ""},
		{"1x", ""},
		{"1e3 ", ""},
	} {
		v, ok := parseLongDouble([]byte(tc.in))
		got := ""
		if ok {
			got = string(formatLongDoubleHuman(v))
		}
		if got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}
