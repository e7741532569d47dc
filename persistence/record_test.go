package persistence

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func testArgvs() [][][]byte {
	return [][][]byte{
		{[]byte("SET"), []byte("k1"), []byte("v1")},
		{[]byte("HSET"), []byte("h"), []byte("f"), []byte("")},
		{[]byte("SET"), []byte("bin"), []byte("a\r\nb\x00c")},
		{[]byte("PEXPIREAT"), []byte("k1"), []byte("1700000000000")},
		{[]byte("SET"), []byte("big"), bytes.Repeat([]byte("x"), 1000)},
	}
}

func encodeAll(t testing.TB, argvs [][][]byte) ([]byte, []int64) {
	t.Helper()
	var buf []byte
	var ends []int64
	for _, a := range argvs {
		var err error
		buf, err = AppendRecord(buf, a)
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, int64(len(buf)))
	}
	return buf, ends
}

func readAll(data []byte, name string) ([][][]byte, error) {
	rr := NewRecordReader(bytes.NewReader(data), name, 0)
	var out [][][]byte
	for {
		argv, err := rr.Next()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		cp := make([][]byte, len(argv))
		for i, a := range argv {
			cp[i] = append([]byte{}, a...)
		}
		out = append(out, cp)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	argvs := testArgvs()
	data, _ := encodeAll(t, argvs)
	got, err := readAll(data, "x.aof")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, argvs) {
		t.Fatalf("round trip: got %q want %q", got, argvs)
	}
	if RecordSize(argvs[0]) != len(data[:0])+int(mustLen(t, argvs[0])) {
		t.Fatal("RecordSize disagrees with AppendRecord")
	}
}

func mustLen(t *testing.T, argv [][]byte) int {
	b, err := AppendRecord(nil, argv)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

func TestRecordPayloadIsRESP(t *testing.T) {
	b, _ := AppendRecord(nil, [][]byte{[]byte("SET"), []byte("k"), []byte("v")})
	want := "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
	if string(b[RecordHeaderSize:]) != want {
		t.Fatalf("payload %q", b[RecordHeaderSize:])
	}
	if got := int(b[0]) | int(b[1])<<8; got != len(want) {
		t.Fatalf("length field %d", got)
	}
}

func TestAppendRecordNoAlloc(t *testing.T) {
	argv := testArgvs()[0]
	buf := make([]byte, 0, 4096)
	allocs := testing.AllocsPerRun(100, func() {
		buf, _ = AppendRecord(buf[:0], argv)
	})
	if allocs != 0 {
		t.Fatalf("AppendRecord allocated %v times per call", allocs)
	}
}

// Every truncation inside the last record is a torn tail at the end of the
// record before it (etcd's TestReadRecord, applied to each cut point).
func TestTornTailEveryTruncation(t *testing.T) {
	argvs := testArgvs()
	data, ends := encodeAll(t, argvs)
	lastGood := ends[len(ends)-2]
	for cut := lastGood + 1; cut < int64(len(data)); cut++ {
		got, err := readAll(data[:cut], "t.aof")
		var torn *TornTailError
		if !errors.As(err, &torn) {
			t.Fatalf("cut at %d: err %v, want torn tail", cut, err)
		}
		if torn.Offset != lastGood || torn.Size != cut || torn.File != "t.aof" {
			t.Fatalf("cut at %d: %+v, want offset %d size %d", cut, torn, lastGood, cut)
		}
		if !errors.Is(err, ErrTornTail) {
			t.Fatal("errors.Is(ErrTornTail) false")
		}
		if len(got) != len(argvs)-1 {
			t.Fatalf("cut at %d: %d records before the tail", cut, len(got))
		}
	}
	// A cut exactly at a record boundary is a clean end.
	for i, end := range ends {
		got, err := readAll(data[:end], "t.aof")
		if err != nil || len(got) != i+1 {
			t.Fatalf("cut at boundary %d: %d records, %v", end, len(got), err)
		}
	}
}

// Zero-filled space after the data (preallocation, or a size update that got
// to disk before the data) is a torn tail too.
func TestTornTailZeroFill(t *testing.T) {
	data, ends := encodeAll(t, testArgvs())
	last := ends[len(ends)-1]
	cases := map[string][]byte{
		"zeros after the end":            append(append([]byte{}, data...), make([]byte, 100)...),
		"last payload zeroed":            zeroRange(data, ends[len(ends)-2]+RecordHeaderSize+5, last),
		"last record and more zeroed":    append(zeroRange(data, ends[len(ends)-2]+3, last), make([]byte, 30)...),
		"short payload with zero tail":   zeroRange(data[:last-10], ends[len(ends)-2]+RecordHeaderSize+20, last-10),
		"crc damaged in the last record": flip(data, ends[len(ends)-2]+5),
	}
	for name, d := range cases {
		_, err := readAll(d, "z.aof")
		var torn *TornTailError
		if !errors.As(err, &torn) {
			t.Fatalf("%s: err %v, want torn tail", name, err)
		}
		wantOff := ends[len(ends)-2]
		if name == "zeros after the end" {
			wantOff = last
		}
		if torn.Offset != wantOff || torn.Size != int64(len(d)) {
			t.Fatalf("%s: %+v, want offset %d size %d", name, torn, wantOff, len(d))
		}
	}
}

func zeroRange(data []byte, from, to int64) []byte {
	d := append([]byte{}, data...)
	for i := from; i < to && i < int64(len(d)); i++ {
		d[i] = 0
	}
	return d
}

func flip(data []byte, at int64) []byte {
	d := append([]byte{}, data...)
	d[at] ^= 0x40
	return d
}

// A byte flipped anywhere before the last record is corruption, reported at
// the start of the record that holds it.
func TestCorruptionEveryByte(t *testing.T) {
	data, ends := encodeAll(t, testArgvs())
	start := int64(0)
	for i, end := range ends[:len(ends)-1] {
		for at := start; at < end; at++ {
			_, err := readAll(flip(data, at), "c.aof")
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("flip at %d (record %d): err %v, want corruption", at, i, err)
			}
			if ce.Offset != start || ce.File != "c.aof" {
				t.Fatalf("flip at %d: %+v, want offset %d", at, ce, start)
			}
			if want := fmt.Sprintf("corrupt c.aof at offset %d", start); err.Error() != want {
				t.Fatalf("message %q, want %q", err.Error(), want)
			}
		}
		start = end
	}
}

func TestCorruptionKinds(t *testing.T) {
	good, _ := AppendRecord(nil, [][]byte{[]byte("SET"), []byte("a"), []byte("b")})
	frame := func(payload string) []byte {
		b := make([]byte, RecordHeaderSize, RecordHeaderSize+len(payload))
		b = append(b, payload...)
		putLenCRC(b)
		return b
	}
	cases := map[string][]byte{
		"not RESP":            append(frame("hello"), good...),
		"not RESP at the end": frame("hello"),
		"trailing bytes":      frame("*1\r\n$1\r\na\r\nxx"),
		"empty multibulk":     frame("*0\r\n"),
		"zero header then data": append(append(append([]byte{}, good...), make([]byte, RecordHeaderSize)...),
			good...),
		"length over the maximum": append(append([]byte{}, good...), 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4),
		"length past EOF over a whole command": func() []byte {
			b := append([]byte{}, good...)
			b[0] += 40 // claims more than the file has, yet a full command is there
			return append(b, good[:RecordHeaderSize]...)
		}(),
	}
	for name, d := range cases {
		rr := NewRecordReader(bytes.NewReader(d), "k.aof", 0)
		rr.SetMaxRecordSize(1 << 20)
		var err error
		for err == nil {
			_, err = rr.Next()
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: err %v, want corruption", name, err)
		}
	}
}

func putLenCRC(b []byte) {
	n := uint32(len(b) - RecordHeaderSize)
	b[0], b[1], b[2], b[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	c := recordCRC(b[:4], b[RecordHeaderSize:])
	b[4], b[5], b[6], b[7] = byte(c), byte(c>>8), byte(c>>16), byte(c>>24)
}

func TestRecordReaderBase(t *testing.T) {
	data, ends := encodeAll(t, testArgvs())
	rr := NewRecordReader(bytes.NewReader(data[ends[1]:]), "b.aof", ends[1])
	n := 0
	for {
		_, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != len(ends)-2 || rr.Offset() != int64(len(data)) {
		t.Fatalf("read %d records, offset %d", n, rr.Offset())
	}
}

// The committed fixtures are a torn and a corrupt log; see testdata/README.
func TestRecordFixtures(t *testing.T) {
	torn, err := os.ReadFile(filepath.Join("testdata", "torn.aof"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(torn, "torn.aof")
	var tt *TornTailError
	if !errors.As(err, &tt) || tt.Offset != 139 || tt.Size != 159 {
		t.Fatalf("torn.aof: %v", err)
	}
	corrupt, err := os.ReadFile(filepath.Join("testdata", "corrupt.aof"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(corrupt, "corrupt.aof")
	if err == nil || err.Error() != "corrupt corrupt.aof at offset 37" {
		t.Fatalf("corrupt.aof: %v", err)
	}
}
