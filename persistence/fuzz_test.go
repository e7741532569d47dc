package persistence

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzRecordReader: on any input the reader ends in io.EOF, a torn tail or
// corruption, never panics, and what it accepts re-encodes to exactly the
// bytes it read. Seeds: testdata/fuzz/FuzzRecordReader.
func FuzzRecordReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rr := NewRecordReader(bytes.NewReader(data), "f.aof", 0)
		rr.SetMaxRecordSize(1 << 20)
		var again []byte
		for {
			argv, err := rr.Next()
			if err == io.EOF {
				if rr.Offset() != int64(len(data)) {
					t.Fatalf("EOF at %d of %d", rr.Offset(), len(data))
				}
				break
			}
			var torn *TornTailError
			var ce *CorruptError
			switch {
			case errors.As(err, &torn):
				if torn.Offset != rr.Offset() || torn.Size != int64(len(data)) || torn.Offset > torn.Size {
					t.Fatalf("torn tail %+v, offset %d, size %d", torn, rr.Offset(), len(data))
				}
			case errors.As(err, &ce):
				if ce.Offset != rr.Offset() {
					t.Fatalf("corruption at %d, last good record ends at %d", ce.Offset, rr.Offset())
				}
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			}
			if err != nil {
				break
			}
			again, err = AppendRecord(again, argv)
			if err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(again, data[:rr.Offset()]) {
			t.Fatalf("accepted records re-encode differently")
		}
	})
}

// FuzzSnapshotReader: on any input the reader returns entries then io.EOF,
// or a corruption (or format version) error; it never panics and its
// allocations stay bounded by the input size. Seeds:
// testdata/fuzz/FuzzSnapshotReader.
func FuzzSnapshotReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewSnapshotReader(bytes.NewReader(data), int64(len(data)), "f.db")
		if err != nil {
			return
		}
		for {
			e, err := r.Next()
			if err == io.EOF {
				if r.Offset() != int64(len(data)) {
					t.Fatalf("EOF at %d of %d", r.Offset(), len(data))
				}
				return
			}
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if e.ExpireAt < 0 {
				t.Fatal("negative expiry returned")
			}
		}
	})
}
