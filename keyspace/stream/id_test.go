package stream

import (
	"math"
	"strings"
	"testing"
)

const max64 = math.MaxUint64

func TestParseID(t *testing.T) {
	tests := []struct {
		in      string
		missing uint64
		want    ID
		ok      bool
		strict  bool // valid under ParseStrictID too
	}{
		{"1-2", 0, ID{1, 2}, true, true},
		{"5", 0, ID{5, 0}, true, true},
		{"5", max64, ID{5, max64}, true, true},
		{"-", 0, MinID, true, false},
		{"+", 0, MaxID, true, false},
		{"0-0", 0, ID{}, true, true},
		{"18446744073709551615-18446744073709551615", 0, MaxID, true, true},
		{"18446744073709551616", 0, ID{}, false, false},
		{"1-18446744073709551616", 0, ID{}, false, false},
		{"007", 0, ID{7, 0}, true, true},       // strtoull allows leading zeros
		{" 3", 0, ID{3, 0}, true, true},        // and leading spaces
		{"+3", 0, ID{3, 0}, true, true},        // and a plus sign
		{"1--01", 0, ID{1, max64}, true, true}, // a non-canonical minus wraps
		{"1- -1", 0, ID{1, max64}, true, true}, // so does a spaced one
		{"1--1", 0, ID{}, false, false},        // a canonical negative does not
		{"-5", 0, ID{}, false, false},          // empty ms part
		{"3 ", 0, ID{}, false, false},          // trailing space
		{"1-", 0, ID{}, false, false},          // empty seq part
		{"", 0, ID{}, false, false},            // empty
		{"0x1", 0, ID{}, false, false},         // not decimal
		{"1.5", 0, ID{}, false, false},         // not an integer
		{"1-2-3", 0, ID{}, false, false},       // seq "2-3"
		{"4\x00junk", 0, ID{4, 0}, true, true}, // C string: NUL ends it
		{"1-*", 0, ID{}, false, false},         // only XADD takes <ms>-*
		{strings.Repeat("0", 126) + "1", 0, ID{1, 0}, true, true},
		{strings.Repeat("0", 127) + "1", 0, ID{}, false, false}, // over 127 bytes
	}
	for _, tc := range tests {
		got, err := ParseID([]byte(tc.in), tc.missing)
		if (err == nil) != tc.ok || (err == nil && got != tc.want) {
			t.Errorf("ParseID(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && err != ErrInvalidID {
			t.Errorf("ParseID(%q) error %v, want ErrInvalidID", tc.in, err)
		}
		got, err = ParseStrictID([]byte(tc.in), tc.missing)
		if (err == nil) != tc.strict || (err == nil && got != tc.want) {
			t.Errorf("ParseStrictID(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.strict)
		}
	}
}

func TestParseAddID(t *testing.T) {
	tests := []struct {
		in   string
		want AddID
		ok   bool
	}{
		{"*", AddID{Auto: true}, true},
		{"5-*", AddID{ID: ID{5, 0}, AutoSeq: true}, true},
		{"5-3", AddID{ID: ID{5, 3}}, true},
		{"5", AddID{ID: ID{5, 0}}, true},
		{"0-0", AddID{}, true}, // Add rejects it with ErrIDZero
		{"-", AddID{}, false},
		{"+", AddID{}, false},
		{"**", AddID{}, false},
		{"*-1", AddID{}, false},
		{"5-**", AddID{}, false},
	}
	for _, tc := range tests {
		got, err := ParseAddID([]byte(tc.in))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAddID(%q) = %+v, %v; want %+v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseIntervalID(t *testing.T) {
	tests := []struct {
		in      string
		missing uint64
		want    ID
		ex, ok  bool
	}{
		{"(5-5", 0, ID{5, 5}, true, true},
		{"(5", max64, ID{5, max64}, true, true},
		{"5", 0, ID{5, 0}, false, true},
		{"-", 0, MinID, false, true},
		{"(-", 0, ID{}, true, false},
		{"(+", 0, ID{}, true, false},
		{"((1", 0, ID{}, true, false},
		{"(", 0, ID{}, false, false}, // a lone "(" is parsed as an ID
	}
	for _, tc := range tests {
		got, ex, err := ParseIntervalID([]byte(tc.in), tc.missing)
		if (err == nil) != tc.ok || ex != tc.ex || (err == nil && got != tc.want) {
			t.Errorf("ParseIntervalID(%q) = %v, %v, %v; want %v, %v ok=%v", tc.in, got, ex, err, tc.want, tc.ex, tc.ok)
		}
	}
}

func TestIDOrderAndSteps(t *testing.T) {
	ids := []ID{{0, 0}, {0, 1}, {0, max64}, {1, 0}, {1, 5}, {max64, 0}, MaxID}
	for i, a := range ids {
		for j, b := range ids {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
			if a.Less(b) != (want < 0) {
				t.Errorf("%v.Less(%v) wrong", a, b)
			}
		}
	}
	steps := [][2]ID{{{0, 0}, {0, 1}}, {{0, max64}, {1, 0}}, {{7, 3}, {7, 4}}, {{max64, max64 - 1}, MaxID}}
	for _, st := range steps {
		if n, ok := st[0].Next(); !ok || n != st[1] {
			t.Errorf("%v.Next() = %v, %v; want %v", st[0], n, ok, st[1])
		}
		if p, ok := st[1].Prev(); !ok || p != st[0] {
			t.Errorf("%v.Prev() = %v, %v; want %v", st[1], p, ok, st[0])
		}
	}
	if n, ok := MaxID.Next(); ok || n != MinID {
		t.Errorf("MaxID.Next() = %v, %v; want 0-0, false", n, ok)
	}
	if p, ok := MinID.Prev(); ok || p != MaxID {
		t.Errorf("MinID.Prev() = %v, %v; want MaxID, false", p, ok)
	}
	if s := (ID{12, 34}).String(); s != "12-34" {
		t.Errorf("String = %q", s)
	}
	if s := MaxID.String(); s != "18446744073709551615-18446744073709551615" {
		t.Errorf("String = %q", s)
	}
}

func TestListpackSizes(t *testing.T) {
	// Sizes of listpack elements as Redis encodes them.
	ints := map[int64]int{0: 2, 127: 2, 128: 3, -1: 3, 4095: 3, -4096: 3, 4096: 4,
		32767: 4, 32768: 5, 8388607: 5, 8388608: 6, 2147483647: 6, 2147483648: 10, math.MinInt64: 10}
	for v, want := range ints {
		if got := lpIntSize(v); got != want {
			t.Errorf("lpIntSize(%d) = %d, want %d", v, got, want)
		}
	}
	strs := map[string]int{"": 2, "a": 3, "12": 2, "012": 5, "-0": 4,
		strings.Repeat("a", 63): 65, strings.Repeat("a", 64): 67,
		strings.Repeat("a", 125): 128, strings.Repeat("a", 126): 130,
		strings.Repeat("a", 4095): 4099, strings.Repeat("a", 4096): 4103}
	for s, want := range strs {
		if got := lpStringSize([]byte(s)); got != want {
			t.Errorf("lpStringSize(%d bytes %.5q) = %d, want %d", len(s), s, got, want)
		}
	}
}

func TestDefaultTrimLimit(t *testing.T) {
	// Checked against redis-server with CONFIG SET stream-node-max-entries.
	for in, want := range map[int64]int64{100: 10000, 10: 1000, 0: 10000, 20000: 1000000, 10000: 1000000} {
		if got := DefaultTrimLimit(in); got != want {
			t.Errorf("DefaultTrimLimit(%d) = %d, want %d", in, got, want)
		}
	}
}
