package persistence

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func readGroups(t *testing.T, data []byte) ([][][][]byte, error) {
	t.Helper()
	cr := newCmdReader(NewRecordReader(bytes.NewReader(data), "tx.aof", 0))
	var out [][][][]byte
	for {
		cmds, err := cr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		var g [][][]byte
		for _, argv := range cmds {
			var c [][]byte
			for _, a := range argv {
				c = append(c, append([]byte{}, a...))
			}
			g = append(g, c)
		}
		out = append(out, g)
	}
}

func TestCmdReaderGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tx.aof")
	a, err := OpenAOF(path, FsyncNo)
	if err != nil {
		t.Fatal(err)
	}
	a.Append(argv("SET", "a", "1"))
	a.AppendMulti([][][]byte{argv("SET", "b", "2"), argv("RPUSH", "l", "x", "y"), argv("DEL", "a")})
	a.AppendMulti([][][]byte{argv("SET", "c", "3")}) // one command: no MULTI
	seq, _ := a.Append(argv("SET", "d", "4"))
	if seq != 8 {
		t.Fatalf("seq %d, want 8 (MULTI and EXEC are records)", seq)
	}
	a.Close()
	data, _ := os.ReadFile(path)
	groups, err := readGroups(t, data)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{}
	for _, g := range groups {
		sizes = append(sizes, len(g))
	}
	if len(groups) != 4 || sizes[0] != 1 || sizes[1] != 3 || sizes[2] != 1 || sizes[3] != 1 {
		t.Fatalf("group sizes %v", sizes)
	}
	if string(groups[1][1][3]) != "y" || string(groups[1][2][0]) != "DEL" {
		t.Fatalf("group contents %q", groups[1])
	}

	// Every cut inside the group is a torn tail at its MULTI.
	_, ends := encodeAll(t, [][][]byte{argv("SET", "a", "1")})
	multiAt := ends[0]
	groupEnd := multiAt
	for _, r := range [][][]byte{argv("MULTI"), argv("SET", "b", "2"), argv("RPUSH", "l", "x", "y"), argv("DEL", "a"), argv("EXEC")} {
		groupEnd += int64(RecordSize(r))
	}
	for cut := multiAt + 1; cut < groupEnd; cut++ {
		got, err := readGroups(t, data[:cut])
		var torn *TornTailError
		if !errors.As(err, &torn) || torn.Offset != multiAt || torn.Size != cut {
			t.Fatalf("cut at %d: %v, want torn tail at %d", cut, err, multiAt)
		}
		if len(got) != 1 {
			t.Fatalf("cut at %d: %d groups applied before the tail", cut, len(got))
		}
	}
}

func TestCmdReaderBadMarkers(t *testing.T) {
	for name, cmds := range map[string][][][]byte{
		"exec without multi": {argv("SET", "a", "1"), argv("EXEC")},
		"nested multi":       {argv("MULTI"), argv("MULTI"), argv("EXEC")},
	} {
		data, _ := encodeAll(t, cmds)
		if _, err := readGroups(t, data); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// A group torn by a crash is dropped whole at recovery, and the log is cut
// at its MULTI so that later appends follow a complete history.
func TestStoreTornGroup(t *testing.T) {
	h := newHarness(t, testOptions())
	h.write(5)
	path := filepath.Join(h.dir, "ks.1.aof")
	h.st.Flush()
	before, _ := os.ReadFile(path)
	want := h.m.String()
	seq, err := h.st.AppendMulti([][][]byte{argv("SET", "g", "1"), argv("RPUSH", "l", "g1", "g2")})
	if err != nil {
		t.Fatal(err)
	}
	h.st.WaitDurable(seq)
	h.st.Close()
	full, _ := os.ReadFile(path)
	for cut := len(before) + 1; cut < len(full); cut += 7 {
		os.WriteFile(path, full[:cut], 0o644)
		h.open()
		if got := h.m.String(); got != want {
			t.Fatalf("cut at %d: state %s, want %s (a torn group must not be applied)", cut, got, want)
		}
		if data, _ := os.ReadFile(path); !bytes.Equal(data, before) {
			t.Fatalf("cut at %d: log not cut back to the group's MULTI", cut)
		}
		h.st.Close()
	}
	// The whole group is applied when it is all there.
	os.WriteFile(path, full, 0o644)
	h.open()
	if got := h.m.keys["g"]; len(got) != 1 || got[0] != "1" {
		t.Fatalf("group not applied: %s", h.m)
	}
	h.write(2)
	h.reopen()
	h.st.Close()
}

func BenchmarkAppendMulti(b *testing.B) {
	a, err := OpenAOF(filepath.Join(b.TempDir(), "b.aof"), FsyncNo)
	if err != nil {
		b.Fatal(err)
	}
	cmds := [][][]byte{argv("SET", "k", "v"), argv("INCRBY", "n", strconv.Itoa(5))}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		a.AppendMulti(cmds)
	}
	a.Close()
}
