package persistence

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pierrec/lz4/v4"
)

// Snapshot file layout (all integers little-endian):
//
//	header:  magic "SNDLSNAP" | version u16 | flags u16 | created unix ms i64 |
//	         covers file u64 | covers offset u64 | name len u16 | name |
//	         crc32c u32 of the header bytes before it
//	blocks:  kind u8 ('R' raw, 'L' lz4) | entries u32 | raw len u32 |
//	         stored len u32 | crc32c u32 of the 13 bytes before it and the
//	         stored bytes | stored bytes
//	end:     'E' | total entries u64 | crc32c u32 of every byte of the file
//	         before it
//
// A block's raw bytes are its entries back to back, each
//
//	type u8 | key len uvarint | key | expire-at unix ms uvarint (0 = none) |
//	value len uvarint | value
//
// "covers" names the AOF position the snapshot includes: every record of
// incremental file number CoversFile before byte CoversOffset, and all
// records of lower-numbered files. Recovery replays only what comes after.

const (
	snapshotMagic   = "SNDLSNAP"
	snapshotVersion = 1

	snapHeaderFixed = 8 + 2 + 2 + 8 + 8 + 8 + 2
	blockHeaderSize = 1 + 4 + 4 + 4 + 4
	snapEndSize     = 1 + 8 + 4

	blockRaw = 'R'
	blockLZ4 = 'L'
	blockEnd = 'E'

	minEntrySize = 4 // type, key len, expiry, value len: one byte each at least
	maxBlockLen  = math.MaxUint32 - 64
	maxNameLen   = 255

	// DefaultCompressThreshold is snapshot-compress-threshold's default:
	// blocks whose raw size is above it are LZ4-compressed.
	DefaultCompressThreshold = 64 << 10
	// DefaultBlockSize is the raw size at which a block is closed.
	DefaultBlockSize = 256 << 10
)

// Entry is one key of a snapshot. Type is the caller's type tag and Value
// the caller's encoding of the value: both are opaque here.
type Entry struct {
	Type     byte
	Key      []byte
	ExpireAt int64 // unix milliseconds; 0 = no expiry
	Value    []byte
}

// SnapshotHeader is what a snapshot says about itself.
type SnapshotHeader struct {
	Version      uint16
	Keyspace     string
	Created      time.Time // millisecond precision
	CoversFile   uint64    // see the layout comment: the AOF position included
	CoversOffset int64
}

// SnapshotOptions tunes the writer.
type SnapshotOptions struct {
	// CompressThreshold: a block whose raw size is above it is LZ4-compressed
	// (when that makes it smaller). Negative: never compress.
	CompressThreshold int64
	// BlockSize is the raw size at which a block is closed; 0 means
	// DefaultBlockSize. A single larger entry gets a block of its own.
	BlockSize int
}

// SnapshotWriter streams entries into a new snapshot. Nothing is visible at
// path until Commit: the data goes to path+".tmp", which Commit fsyncs and
// renames over path before fsyncing the directory.
type SnapshotWriter struct {
	path, tmp string
	f         *os.File
	bw        *bufio.Writer
	crc       uint32
	off       int64
	threshold int64
	blockSize int
	block     []byte
	count     uint32
	total     uint64
	cbuf      []byte
	comp      lz4.Compressor
	scratch   [blockHeaderSize]byte
	err       error
	done      bool
}

// NewSnapshotWriter starts a snapshot that will replace path on Commit.
func NewSnapshotWriter(path string, hdr SnapshotHeader, opts SnapshotOptions) (*SnapshotWriter, error) {
	if len(hdr.Keyspace) > maxNameLen {
		return nil, fmt.Errorf("persistence: keyspace name longer than %d bytes", maxNameLen)
	}
	if hdr.CoversOffset < 0 {
		return nil, errors.New("persistence: negative snapshot coverage offset")
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	w := &SnapshotWriter{
		path:      path,
		tmp:       tmp,
		f:         f,
		bw:        bufio.NewWriterSize(f, 256<<10),
		threshold: opts.CompressThreshold,
		blockSize: opts.BlockSize,
	}
	if w.blockSize <= 0 {
		w.blockSize = DefaultBlockSize
	}
	created := hdr.Created
	if created.IsZero() {
		created = time.Now()
	}
	b := make([]byte, 0, snapHeaderFixed+len(hdr.Keyspace)+4)
	b = append(b, snapshotMagic...)
	b = binary.LittleEndian.AppendUint16(b, snapshotVersion)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(created.UnixMilli()))
	b = binary.LittleEndian.AppendUint64(b, hdr.CoversFile)
	b = binary.LittleEndian.AppendUint64(b, uint64(hdr.CoversOffset))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr.Keyspace)))
	b = append(b, hdr.Keyspace...)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	w.write(b)
	if w.err != nil {
		w.Abort()
		return nil, w.err
	}
	return w, nil
}

func (w *SnapshotWriter) write(p []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.bw.Write(p)
	w.crc = crc32.Update(w.crc, castagnoli, p)
	w.off += int64(len(p))
}

// Add appends one entry. The writer copies e, so the caller may reuse its
// buffers as soon as Add returns.
func (w *SnapshotWriter) Add(e Entry) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return ErrClosed
	}
	if e.ExpireAt < 0 {
		return fmt.Errorf("persistence: negative expiry %d for key %q", e.ExpireAt, e.Key)
	}
	size := 1 + binary.MaxVarintLen64*3 + len(e.Key) + len(e.Value)
	if size > maxBlockLen {
		return fmt.Errorf("persistence: entry for key %q too large for a snapshot block", e.Key)
	}
	if len(w.block) > 0 && len(w.block)+size > w.blockSize {
		w.flushBlock()
	}
	b := slices.Grow(w.block, size)
	b = append(b, e.Type)
	b = binary.AppendUvarint(b, uint64(len(e.Key)))
	b = append(b, e.Key...)
	b = binary.AppendUvarint(b, uint64(e.ExpireAt))
	b = binary.AppendUvarint(b, uint64(len(e.Value)))
	b = append(b, e.Value...)
	w.block = b
	w.count++
	w.total++
	if len(w.block) >= w.blockSize {
		w.flushBlock()
	}
	return w.err
}

// Count returns the number of entries added so far.
func (w *SnapshotWriter) Count() uint64 { return w.total }

func (w *SnapshotWriter) flushBlock() {
	if w.count == 0 || w.err != nil {
		return
	}
	kind := byte(blockRaw)
	stored := w.block
	if w.threshold >= 0 && int64(len(w.block)) > w.threshold {
		bound := lz4.CompressBlockBound(len(w.block))
		if cap(w.cbuf) < bound {
			w.cbuf = make([]byte, bound)
		}
		n, err := w.comp.CompressBlock(w.block, w.cbuf[:bound])
		if err == nil && n > 0 && n < len(w.block) {
			kind, stored = blockLZ4, w.cbuf[:n]
		}
	}
	h := w.scratch[:]
	h[0] = kind
	binary.LittleEndian.PutUint32(h[1:], w.count)
	binary.LittleEndian.PutUint32(h[5:], uint32(len(w.block)))
	binary.LittleEndian.PutUint32(h[9:], uint32(len(stored)))
	crc := crc32.Update(crc32.Checksum(h[:13], castagnoli), castagnoli, stored)
	binary.LittleEndian.PutUint32(h[13:], crc)
	w.write(h)
	w.write(stored)
	w.block = w.block[:0]
	w.count = 0
}

// Commit finishes the file and makes it durable at path. It returns the
// size of the snapshot written.
func (w *SnapshotWriter) Commit() (int64, error) {
	if w.done {
		return 0, ErrClosed
	}
	w.flushBlock()
	var end [9]byte
	end[0] = blockEnd
	binary.LittleEndian.PutUint64(end[1:], w.total)
	w.write(end[:])
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], w.crc)
	w.write(sum[:])
	if w.err == nil {
		w.err = w.bw.Flush()
	}
	if w.err == nil {
		w.err = fail("snapshot:written")
	}
	if w.err == nil {
		w.err = w.f.Sync()
	}
	if w.err == nil {
		w.err = fail("snapshot:synced")
	}
	if w.err != nil {
		err := w.err
		w.Abort()
		return 0, err
	}
	w.done = true
	if err := w.f.Close(); err != nil {
		os.Remove(w.tmp)
		return 0, err
	}
	if err := os.Rename(w.tmp, w.path); err != nil {
		os.Remove(w.tmp)
		return 0, err
	}
	if err := fail("snapshot:renamed"); err != nil {
		return 0, err
	}
	if err := syncDir(filepath.Dir(w.path)); err != nil {
		return 0, err
	}
	return w.off, nil
}

// Abort discards the snapshot; path is left as it was.
func (w *SnapshotWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.tmp)
}

// SnapshotReader streams a snapshot's entries, checking every block's
// checksum before returning entries from it and the whole-file checksum at
// the end. Any damage is a *CorruptError "corrupt <file> at offset <n>"
// with n the start of the damaged structure. Lengths are checked against
// what is left of the file before anything is allocated.
type SnapshotReader struct {
	name     string
	f        *os.File
	r        *bufio.Reader
	size     int64
	off      int64
	crc      uint32
	hdr      SnapshotHeader
	blockOff int64
	stored   []byte
	raw      []byte // the current block's entries
	dbuf     []byte // decompression buffer
	pos      int
	left     uint32
	total    uint64
	err      error
}

// OpenSnapshot opens path and reads its header.
func OpenSnapshot(path string) (*SnapshotReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewSnapshotReader(f, st.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.f = f
	return r, nil
}

// NewSnapshotReader reads a snapshot of size bytes from r; name is used in
// errors.
func NewSnapshotReader(r io.Reader, size int64, name string) (*SnapshotReader, error) {
	sr := &SnapshotReader{name: name, r: bufio.NewReaderSize(r, 64<<10), size: size}
	if err := sr.readHeader(); err != nil {
		return nil, err
	}
	return sr, nil
}

// Header returns the snapshot's header.
func (r *SnapshotReader) Header() SnapshotHeader { return r.hdr }

// Offset returns how many bytes have been read.
func (r *SnapshotReader) Offset() int64 { return r.off }

// Size returns the file size.
func (r *SnapshotReader) Size() int64 { return r.size }

// Close closes the file opened by OpenSnapshot.
func (r *SnapshotReader) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

func (r *SnapshotReader) corrupt(off int64, reason string) error {
	return &CorruptError{File: r.name, Offset: off, Reason: reason}
}

// read fills p, adding it to the running checksum. A short read is
// corruption of the structure that starts at at.
func (r *SnapshotReader) read(p []byte, at int64) error {
	n, err := io.ReadFull(r.r, p)
	r.crc = crc32.Update(r.crc, castagnoli, p[:n])
	r.off += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return r.corrupt(at, "file ends early")
	}
	return err
}

func (r *SnapshotReader) readHeader() error {
	if r.size < snapHeaderFixed+4+snapEndSize {
		return r.corrupt(0, "file too short for a snapshot")
	}
	var fixed [snapHeaderFixed]byte
	if err := r.read(fixed[:], 0); err != nil {
		return err
	}
	if string(fixed[:8]) != snapshotMagic {
		return r.corrupt(0, "bad magic: not a sundial snapshot")
	}
	nameLen := int(binary.LittleEndian.Uint16(fixed[36:]))
	if nameLen > maxNameLen || int64(nameLen) > r.size-r.off-4-snapEndSize {
		return r.corrupt(0, "keyspace name length out of range")
	}
	name := make([]byte, nameLen+4)
	if err := r.read(name[:nameLen], 0); err != nil {
		return err
	}
	want := r.crc
	if err := r.read(name[nameLen:], 0); err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(name[nameLen:]) != want {
		return r.corrupt(0, "header checksum mismatch")
	}
	version := binary.LittleEndian.Uint16(fixed[8:])
	if version != snapshotVersion {
		return fmt.Errorf("snapshot %s has format version %d; this build reads version %d",
			r.name, version, snapshotVersion)
	}
	covOff := binary.LittleEndian.Uint64(fixed[28:])
	if covOff > math.MaxInt64 {
		return r.corrupt(0, "coverage offset out of range")
	}
	r.hdr = SnapshotHeader{
		Version:      version,
		Keyspace:     string(name[:nameLen]),
		Created:      time.UnixMilli(int64(binary.LittleEndian.Uint64(fixed[12:]))),
		CoversFile:   binary.LittleEndian.Uint64(fixed[20:]),
		CoversOffset: int64(covOff),
	}
	return nil
}

// Next returns the next entry. Its Key and Value point into a buffer that
// the following call reuses. After the last entry it verifies the trailer
// and returns io.EOF; on damage it returns a *CorruptError. Either is
// returned again by later calls.
func (r *SnapshotReader) Next() (Entry, error) {
	if r.err != nil {
		return Entry{}, r.err
	}
	for r.left == 0 {
		if err := r.nextBlock(); err != nil {
			r.err = err
			return Entry{}, err
		}
	}
	e, err := r.parseEntry()
	if err != nil {
		r.err = err
		return Entry{}, err
	}
	return e, nil
}

func (r *SnapshotReader) parseEntry() (Entry, error) {
	b := r.raw[r.pos:]
	if len(b) < minEntrySize {
		return Entry{}, r.corrupt(r.blockOff, "entry runs past the end of its block")
	}
	e := Entry{Type: b[0]}
	i := 1
	key, i, ok := uvarintBytes(b, i)
	if !ok {
		return Entry{}, r.corrupt(r.blockOff, "bad key length")
	}
	exp, n := binary.Uvarint(b[i:])
	if n <= 0 || exp > math.MaxInt64 {
		return Entry{}, r.corrupt(r.blockOff, "bad expiry")
	}
	i += n
	val, i, ok := uvarintBytes(b, i)
	if !ok {
		return Entry{}, r.corrupt(r.blockOff, "bad value length")
	}
	e.Key, e.ExpireAt, e.Value = key, int64(exp), val
	r.pos += i
	r.left--
	r.total++
	if r.left == 0 && r.pos != len(r.raw) {
		return Entry{}, r.corrupt(r.blockOff, "block has bytes after its last entry")
	}
	return e, nil
}

// uvarintBytes reads a length-prefixed byte string at b[i:].
func uvarintBytes(b []byte, i int) ([]byte, int, bool) {
	l, n := binary.Uvarint(b[i:])
	if n <= 0 {
		return nil, 0, false
	}
	i += n
	if l > uint64(len(b)-i) {
		return nil, 0, false
	}
	end := i + int(l)
	return b[i:end:end], end, true
}

func (r *SnapshotReader) nextBlock() error {
	r.blockOff = r.off
	var h [blockHeaderSize]byte
	if err := r.read(h[:1], r.blockOff); err != nil {
		return err
	}
	switch h[0] {
	case blockEnd:
		return r.readEnd()
	case blockRaw, blockLZ4:
	default:
		return r.corrupt(r.blockOff, "unknown block kind")
	}
	if err := r.read(h[1:], r.blockOff); err != nil {
		return err
	}
	count := binary.LittleEndian.Uint32(h[1:])
	rawLen := int64(binary.LittleEndian.Uint32(h[5:]))
	storedLen := int64(binary.LittleEndian.Uint32(h[9:]))
	if storedLen > r.size-r.off-snapEndSize {
		return r.corrupt(r.blockOff, "block runs past the end of the file")
	}
	if count == 0 || int64(count)*minEntrySize > rawLen {
		return r.corrupt(r.blockOff, "bad entry count")
	}
	if h[0] == blockRaw && rawLen != storedLen {
		return r.corrupt(r.blockOff, "raw block with differing lengths")
	}
	// LZ4 expands at most about 255 to 1: a larger claim is damage, and
	// refusing it bounds what a small file can make us allocate.
	if h[0] == blockLZ4 && rawLen > storedLen*255+64 {
		return r.corrupt(r.blockOff, "compressed block claims an impossible size")
	}
	r.stored = slices.Grow(r.stored[:0], int(storedLen))[:storedLen]
	if err := r.read(r.stored, r.blockOff); err != nil {
		return err
	}
	crc := crc32.Update(crc32.Checksum(h[:13], castagnoli), castagnoli, r.stored)
	if crc != binary.LittleEndian.Uint32(h[13:]) {
		return r.corrupt(r.blockOff, "block checksum mismatch")
	}
	if h[0] == blockRaw {
		r.raw = r.stored
	} else {
		// Own buffer: r.raw may alias r.stored from a previous raw block.
		r.dbuf = slices.Grow(r.dbuf[:0], int(rawLen))[:rawLen]
		r.raw = r.dbuf
		n, err := lz4.UncompressBlock(r.stored, r.raw)
		if err != nil || int64(n) != rawLen {
			return r.corrupt(r.blockOff, "block does not decompress to its stated size")
		}
	}
	r.pos = 0
	r.left = count
	return nil
}

func (r *SnapshotReader) readEnd() error {
	var b [8]byte
	if err := r.read(b[:], r.blockOff); err != nil {
		return err
	}
	want := r.crc
	var sum [4]byte
	if err := r.read(sum[:], r.blockOff); err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(sum[:]) != want {
		return r.corrupt(r.blockOff, "file checksum mismatch")
	}
	if binary.LittleEndian.Uint64(b[:]) != r.total {
		return r.corrupt(r.blockOff, "entry count does not match the trailer")
	}
	if r.off != r.size {
		return r.corrupt(r.off, "data after the end of the snapshot")
	}
	if _, err := r.r.ReadByte(); err != io.EOF {
		return r.corrupt(r.off, "data after the end of the snapshot")
	}
	return io.EOF
}

// ReadSnapshotHeader returns the header of the snapshot at path without
// reading its entries.
func ReadSnapshotHeader(path string) (SnapshotHeader, error) {
	r, err := OpenSnapshot(path)
	if err != nil {
		return SnapshotHeader{}, err
	}
	defer r.Close()
	return r.hdr, nil
}
