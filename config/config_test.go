package config

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite redis.conf.example")

// redis.conf.example documents every directive with its default; go test
// ./config -update regenerates it.
func TestExampleIsCurrent(t *testing.T) {
	want := Example()
	const path = "../redis.conf.example"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("redis.conf.example is out of date: run go test ./config -update")
	}
	c := New()
	for _, d := range c.Directives() {
		if !strings.Contains(want, "\n"+c.confLine(d)+"\n") {
			t.Errorf("directive %s missing from the example", d.Name)
		}
	}
	// The example itself loads without warnings.
	c2 := New()
	warnings, err := c2.LoadFile(path)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("loading the example: %v %v", err, warnings)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1k": 1000, "1kb": 1024, "64mb": 64 << 20, "1gb": 1 << 30, "1G": 1e9, "5": 5, "2M": 2e6} {
		if got, ok := ParseSize(in); !ok || got != want {
			t.Errorf("ParseSize(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "x", "-1", "1x", "1.5mb", "99999999999gb"} {
		if _, ok := ParseSize(bad); ok {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`set a b`, []string{"set", "a", "b"}, true},
		{`set "a b" 'c d'`, []string{"set", "a b", "c d"}, true},
		{`"\x41\n" '\''`, []string{"A\n", "'"}, true},
		{`"unterminated`, nil, false},
		{`"a"b`, nil, false},
		{`  `, nil, true},
		{`save ""`, []string{"save", ""}, true},
	}
	for _, c := range cases {
		got, ok := SplitArgs(c.in)
		if ok != c.ok || strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitArgs(%q) = %q %v, want %q %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestBadValuesNameDirectiveAndAcceptedValues(t *testing.T) {
	c := New()
	for _, tc := range []struct{ name, val, mention string }{
		{"appendfsync", "sometimes", "everysec"},
		{"port", "abc", "integer"},
		{"maxmemory", "lots", "memory"},
		{"protected-mode", "maybe", "yes or no"},
	} {
		err := c.ApplyFlag(tc.name, tc.val)
		if err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s %s: %v", tc.name, tc.val, err)
		}
	}
}

func TestIncludeAndRewrite(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/inc.conf", []byte("maxmemory 5mb\n"), 0o644)
	os.WriteFile(dir+"/main.conf", []byte("# comment\nport 7000\ninclude inc.conf\nhz 15\n"), 0o644)
	c := New()
	if _, err := c.LoadFile(dir + "/main.conf"); err != nil {
		t.Fatal(err)
	}
	if c.MaxMemory != 5<<20 || c.Port != 7000 || c.Hz != 15 {
		t.Fatalf("include: maxmemory=%d port=%d hz=%d", c.MaxMemory, c.Port, c.Hz)
	}
	c.Set("hz", []string{"25"})
	c.Set("maxmemory-policy", []string{"allkeys-lru"})
	if err := c.Rewrite(); err != nil {
		t.Fatal(err)
	}
	c2 := New()
	if _, err := c2.LoadFile(dir + "/main.conf"); err != nil {
		t.Fatal(err)
	}
	if c2.Hz != 25 || c2.MaxMemoryPolicy != "allkeys-lru" {
		t.Fatalf("after rewrite: hz=%d policy=%s", c2.Hz, c2.MaxMemoryPolicy)
	}
	data, _ := os.ReadFile(dir + "/main.conf")
	if !strings.Contains(string(data), "# comment") {
		t.Fatal("rewrite dropped a comment")
	}
}
