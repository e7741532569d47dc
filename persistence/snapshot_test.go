package persistence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func sampleEntries(n int) []Entry {
	rng := rand.New(rand.NewSource(1))
	out := make([]Entry, n)
	for i := range out {
		val := bytes.Repeat([]byte(fmt.Sprintf("value-%d;", i%17)), 1+rng.Intn(40))
		var exp int64
		if i%3 == 0 {
			exp = 1_700_000_000_000 + int64(i)
		}
		out[i] = Entry{Type: byte(i % 7), Key: []byte(fmt.Sprintf("key:%06d", i)), ExpireAt: exp, Value: val}
	}
	out = append(out, Entry{Type: 0, Key: []byte{}, Value: []byte{}})
	return out
}

func writeSnapshot(t testing.TB, path string, hdr SnapshotHeader, opts SnapshotOptions, entries []Entry) int64 {
	t.Helper()
	w, err := NewSnapshotWriter(path, hdr, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := w.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	size, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return size
}

func readSnapshot(path string) (SnapshotHeader, []Entry, error) {
	r, err := OpenSnapshot(path)
	if err != nil {
		return SnapshotHeader{}, nil, err
	}
	defer r.Close()
	var out []Entry
	for {
		e, err := r.Next()
		if err == io.EOF {
			return r.Header(), out, nil
		}
		if err != nil {
			return r.Header(), out, err
		}
		e.Key = append([]byte{}, e.Key...)
		e.Value = append([]byte{}, e.Value...)
		out = append(out, e)
	}
}

func sameEntries(t *testing.T, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Type != w.Type || !bytes.Equal(g.Key, w.Key) || g.ExpireAt != w.ExpireAt || !bytes.Equal(g.Value, w.Value) {
			t.Fatalf("entry %d: got %+v want %+v", i, g, w)
		}
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	entries := sampleEntries(3000)
	created := time.UnixMilli(1_700_000_123_456)
	hdr := SnapshotHeader{Keyspace: "orders", Created: created, CoversFile: 7, CoversOffset: 12345}
	sizes := map[string]int64{}
	for name, opts := range map[string]SnapshotOptions{
		"raw":        {CompressThreshold: -1},
		"compressed": {CompressThreshold: DefaultCompressThreshold},
		"tiny":       {CompressThreshold: 0, BlockSize: 100},
	} {
		path := filepath.Join(t.TempDir(), "orders.db")
		sizes[name] = writeSnapshot(t, path, hdr, opts, entries)
		st, err := os.Stat(path)
		if err != nil || st.Size() != sizes[name] {
			t.Fatalf("%s: size %v, Commit said %d", name, err, sizes[name])
		}
		if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
			t.Fatalf("%s: temp file left behind", name)
		}
		got, out, err := readSnapshot(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Keyspace != "orders" || got.CoversFile != 7 || got.CoversOffset != 12345 ||
			!got.Created.Equal(created) || got.Version != snapshotVersion {
			t.Fatalf("%s: header %+v", name, got)
		}
		sameEntries(t, out, entries)
	}
	if sizes["compressed"]*2 > sizes["raw"] {
		t.Fatalf("compression did not help: %d vs %d raw", sizes["compressed"], sizes["raw"])
	}
}

func TestSnapshotCompressionThreshold(t *testing.T) {
	// A keyspace smaller than the threshold is stored raw.
	entries := sampleEntries(10)
	path := filepath.Join(t.TempDir(), "s.db")
	writeSnapshot(t, path, SnapshotHeader{Keyspace: "s"}, SnapshotOptions{CompressThreshold: DefaultCompressThreshold}, entries)
	data, _ := os.ReadFile(path)
	if k := data[snapHeaderFixed+1+4]; k != blockRaw {
		t.Fatalf("small block kind %q, want raw", k)
	}
	writeSnapshot(t, path, SnapshotHeader{Keyspace: "s"}, SnapshotOptions{CompressThreshold: 10}, entries)
	data, _ = os.ReadFile(path)
	if k := data[snapHeaderFixed+1+4]; k != blockLZ4 {
		t.Fatalf("block kind %q, want lz4 above the threshold", k)
	}
}

func TestSnapshotEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.db")
	writeSnapshot(t, path, SnapshotHeader{Keyspace: "e"}, SnapshotOptions{}, nil)
	hdr, out, err := readSnapshot(path)
	if err != nil || len(out) != 0 || hdr.Keyspace != "e" {
		t.Fatalf("empty snapshot: %v %d %+v", err, len(out), hdr)
	}
}

func TestSnapshotAbortKeepsOld(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	old := sampleEntries(5)
	writeSnapshot(t, path, SnapshotHeader{Keyspace: "a"}, SnapshotOptions{}, old)
	w, err := NewSnapshotWriter(path, SnapshotHeader{Keyspace: "a"}, SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Add(Entry{Key: []byte("new")})
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	_, out, err := readSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, out, old)
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Fatal("temp file left behind")
	}
}

// Every single flipped bit and every truncation is reported as corruption
// of that file, at an offset no later than the damage, and never panics.
func TestSnapshotDamage(t *testing.T) {
	for _, threshold := range []int64{-1, 0} {
		dir := t.TempDir()
		path := filepath.Join(dir, "d.db")
		writeSnapshot(t, path, SnapshotHeader{Keyspace: "d"}, SnapshotOptions{CompressThreshold: threshold, BlockSize: 300}, sampleEntries(20))
		data, _ := os.ReadFile(path)
		check := func(what string, d []byte, at int) {
			_, _, err := readSnapshotBytes(d, path)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("threshold %d, %s at %d: err %v, want corruption", threshold, what, at, err)
			}
			if ce.File != path || ce.Offset > int64(at) || ce.Offset < 0 {
				t.Fatalf("threshold %d, %s at %d: %+v", threshold, what, at, ce)
			}
			if err.Error() != fmt.Sprintf("corrupt %s at offset %d", path, ce.Offset) {
				t.Fatalf("message %q", err.Error())
			}
		}
		for at := range data {
			d := append([]byte{}, data...)
			d[at] ^= 0x10
			check("flip", d, at)
		}
		for cut := 0; cut < len(data); cut++ {
			check("cut", data[:cut], cut)
		}
		check("extra byte", append(append([]byte{}, data...), 0), len(data))
	}
}

func readSnapshotBytes(data []byte, name string) (SnapshotHeader, int, error) {
	r, err := NewSnapshotReader(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		return SnapshotHeader{}, 0, err
	}
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return r.Header(), n, nil
		}
		if err != nil {
			return r.Header(), n, err
		}
		n++
	}
}

func TestSnapshotFixture(t *testing.T) {
	path := filepath.Join("testdata", "corrupt.db")
	_, _, err := readSnapshot(path)
	want := "corrupt " + path + " at offset 48"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

func TestSnapshotRejectsBadEntries(t *testing.T) {
	w, err := NewSnapshotWriter(filepath.Join(t.TempDir(), "x.db"), SnapshotHeader{Keyspace: "x"}, SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Add(Entry{Key: []byte("k"), ExpireAt: -5}); err == nil {
		t.Fatal("negative expiry accepted")
	}
}

func BenchmarkSnapshotWrite(b *testing.B) {
	entries := sampleEntries(10000)
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		writeSnapshot(b, filepath.Join(dir, "b.db"), SnapshotHeader{Keyspace: "b"}, SnapshotOptions{CompressThreshold: DefaultCompressThreshold}, entries)
	}
}
