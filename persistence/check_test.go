package persistence

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func hasLine(lines []string, substr string) bool {
	for _, l := range lines {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

// checkedDir builds a data dir with a base snapshot and two logs.
func checkedDir(t *testing.T) *harness {
	h := newHarness(t, testOptions())
	h.write(10)
	if err := h.st.Save(h.m.source()); err != nil {
		t.Fatal(err)
	}
	h.write(5)
	r, err := h.st.StartRewrite()
	if err != nil {
		t.Fatal(err)
	}
	h.write(5)
	r.Abort()
	h.st.Close()
	return h
}

func TestCheckClean(t *testing.T) {
	h := checkedDir(t)
	lines, clean, err := Check(h.dir, false)
	if err != nil || !clean {
		t.Fatalf("clean dir reported unclean: %v\n%s", err, strings.Join(lines, "\n"))
	}
	for _, want := range []string{"ks.manifest: ok", "ks.db: ok (", "ks.2.aof: ok (5 commands", "ks.3.aof: ok (5 commands", ": clean"} {
		if !hasLine(lines, want) {
			t.Fatalf("report lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
}

func TestCheckTornTailFix(t *testing.T) {
	h := checkedDir(t)
	path := filepath.Join(h.dir, "ks.3.aof")
	good, _ := os.ReadFile(path)
	torn := append(append([]byte{}, good...), 9, 0, 0, 0, 1, 2)
	os.WriteFile(path, torn, 0o644)

	lines, clean, err := Check(h.dir, false)
	if err != nil || clean || !hasLine(lines, path+": torn tail at offset "+strconv.Itoa(len(good))+": 6 bytes") {
		t.Fatalf("torn tail not reported (clean=%v, err=%v):\n%s", clean, err, strings.Join(lines, "\n"))
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, torn) {
		t.Fatal("check without --fix changed the file")
	}
	lines, clean, err = Check(h.dir, true)
	if err != nil || !clean || !hasLine(lines, "fixed: copied to "+path+".broken") {
		t.Fatalf("fix failed (clean=%v, err=%v):\n%s", clean, err, strings.Join(lines, "\n"))
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, good) {
		t.Fatal("log not truncated to its last good record")
	}
	if data, _ := os.ReadFile(path + ".broken"); !bytes.Equal(data, torn) {
		t.Fatal(".broken copy differs from the original")
	}
	if _, clean, _ := Check(h.dir, false); !clean {
		t.Fatal("unclean after the fix")
	}
	h.reopen()
	h.st.Close()
}

func TestCheckProblems(t *testing.T) {
	cases := map[string]struct {
		damage func(dir string)
		want   string
	}{
		"corrupt older log": {
			func(dir string) { flipFile(dir, "ks.2.aof", 20) },
			"corrupt " + "DIR/ks.2.aof at offset 0",
		},
		"torn older log": {
			func(dir string) { cutFile(dir, "ks.2.aof", 3) },
			"corrupt DIR/ks.2.aof at offset ",
		},
		"corrupt snapshot": {
			func(dir string) { flipFile(dir, "ks.db", 60) },
			"corrupt DIR/ks.db at offset ",
		},
		"corrupt manifest": {
			func(dir string) { flipFile(dir, "ks.manifest", 25) },
			"corrupt DIR/ks.manifest at offset ",
		},
		"missing log": {
			func(dir string) { os.Remove(filepath.Join(dir, "ks.2.aof")) },
			"DIR/ks.2.aof: open ",
		},
		"missing snapshot": {
			func(dir string) { os.Remove(filepath.Join(dir, "ks.db")) },
			"DIR/ks.db: missing",
		},
		"unlisted log with data": {
			func(dir string) {
				rec, _ := AppendRecord(nil, argv("SET", "a", "b"))
				os.WriteFile(filepath.Join(dir, "ks.9.aof"), rec, 0o644)
			},
			"DIR/ks.9.aof: ",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := checkedDir(t)
			tc.damage(h.dir)
			lines, clean, err := Check(h.dir, true)
			want := strings.ReplaceAll(tc.want, "DIR", h.dir)
			if err != nil || clean || !hasLine(lines, want) {
				t.Fatalf("clean=%v err=%v, want a line with %q:\n%s", clean, err, want, strings.Join(lines, "\n"))
			}
		})
	}
}

func flipFile(dir, name string, at int) {
	p := filepath.Join(dir, name)
	data, _ := os.ReadFile(p)
	data[at] ^= 0x04
	os.WriteFile(p, data, 0o644)
}

func cutFile(dir, name string, n int) {
	p := filepath.Join(dir, name)
	data, _ := os.ReadFile(p)
	os.WriteFile(p, data[:len(data)-n], 0o644)
}

func TestCheckLocked(t *testing.T) {
	h := newHarness(t, testOptions())
	d, err := OpenDir(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, _, err := Check(h.dir, true); !errors.Is(err, ErrDirLocked) {
		t.Fatalf("check beside a running server: %v", err)
	}
	h.st.Close()
	if _, _, err := Check(filepath.Join(h.dir, "nope"), false); err == nil {
		t.Fatal("missing dir accepted")
	}
}
