package persistence

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// A keyspace's files, as Redis 7's multi-part AOF ties its files together:
//
//	DIR/<ks>.manifest   which files make up the keyspace, replaced atomically
//	DIR/<ks>.db         the base snapshot (when there is one)
//	DIR/<ks>.<n>.aof    incremental logs, n = 1, 2, 3 … in write order
//
// The manifest is a small text file:
//
//	sundial-manifest 1
//	keyspace orders
//	base orders.db
//	incr orders.7.aof
//	incr orders.8.aof
//	crc 1c291ca3
//
// The crc line holds the CRC-32C of every byte before it, in hex. The base
// line is absent until the first snapshot; incr lines are in order. Which
// log records the base already includes is written in the snapshot itself
// (SnapshotHeader.CoversFile/CoversOffset), so replacing the snapshot and
// then the manifest is safe in either order of crash.

const manifestMagic = "sundial-manifest 1"

// Manifest lists the files of one keyspace.
type Manifest struct {
	Keyspace string
	Base     string   // file name of the base snapshot, "" if none
	Incr     []uint64 // numbers of the incremental logs, ascending
}

// ValidKeyspaceName reports whether name can name a keyspace, and so its
// files: 1 to 64 of [A-Za-z0-9_-].
func ValidKeyspaceName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// ManifestName, SnapshotName and AOFName give the file names of keyspace ks.
func ManifestName(ks string) string { return ks + ".manifest" }

// SnapshotName is the base snapshot's file name.
func SnapshotName(ks string) string { return ks + ".db" }

// AOFName is the name of incremental log number n.
func AOFName(ks string, n uint64) string { return ks + "." + strconv.FormatUint(n, 10) + ".aof" }

// parseAOFName returns the keyspace and number of an incremental log's file
// name, or ok false if name is not one.
func parseAOFName(name string) (ks string, n uint64, ok bool) {
	rest, found := strings.CutSuffix(name, ".aof")
	if !found {
		return "", 0, false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return "", 0, false
	}
	ks, num := rest[:dot], rest[dot+1:]
	if !ValidKeyspaceName(ks) || num == "" || num[0] == '0' {
		return "", 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return "", 0, false
	}
	return ks, n, true
}

// Encode renders the manifest with its checksum line.
func (m *Manifest) Encode() []byte {
	var b bytes.Buffer
	b.WriteString(manifestMagic + "\n")
	b.WriteString("keyspace " + m.Keyspace + "\n")
	if m.Base != "" {
		b.WriteString("base " + m.Base + "\n")
	}
	for _, n := range m.Incr {
		b.WriteString("incr " + AOFName(m.Keyspace, n) + "\n")
	}
	fmt.Fprintf(&b, "crc %08x\n", crc32.Checksum(b.Bytes(), castagnoli))
	return b.Bytes()
}

// ParseManifest parses a manifest of keyspace ks; name is used in errors.
// Anything unexpected is a *CorruptError at the offset of the bad line.
func ParseManifest(data []byte, name, ks string) (Manifest, error) {
	m := Manifest{}
	off := 0
	corrupt := func(reason string) error {
		return &CorruptError{File: name, Offset: int64(off), Reason: reason}
	}
	line := 0
	for off < len(data) {
		nl := bytes.IndexByte(data[off:], '\n')
		if nl < 0 {
			return m, corrupt("last line not terminated")
		}
		text := string(data[off : off+nl])
		key, val, _ := strings.Cut(text, " ")
		switch {
		case line == 0:
			if text != manifestMagic {
				return m, corrupt("not a sundial manifest")
			}
		case key == "keyspace" && line == 1:
			if val != ks {
				return m, corrupt(fmt.Sprintf("manifest of keyspace %q, expected %q", val, ks))
			}
			m.Keyspace = val
		case key == "base" && m.Base == "" && len(m.Incr) == 0 && line == 2:
			if val != SnapshotName(ks) {
				return m, corrupt("unexpected base file name")
			}
			m.Base = val
		case key == "incr" && m.Keyspace != "":
			fks, n, ok := parseAOFName(val)
			if !ok || fks != ks {
				return m, corrupt("bad incremental file name")
			}
			if len(m.Incr) > 0 && n <= m.Incr[len(m.Incr)-1] {
				return m, corrupt("incremental files out of order")
			}
			m.Incr = append(m.Incr, n)
		case key == "crc" && m.Keyspace != "":
			want, err := strconv.ParseUint(val, 16, 32)
			if err != nil || val != fmt.Sprintf("%08x", want) {
				return m, corrupt("bad checksum line")
			}
			if uint32(want) != crc32.Checksum(data[:off], castagnoli) {
				return m, corrupt("checksum mismatch")
			}
			if off+nl+1 != len(data) {
				off += nl + 1
				return m, corrupt("data after the checksum line")
			}
			return m, nil
		default:
			return m, corrupt("unexpected line")
		}
		off += nl + 1
		line++
	}
	return m, corrupt("no checksum line")
}

// readManifest reads DIR/<ks>.manifest; found is false if it does not exist.
func readManifest(dir, ks string) (m Manifest, found bool, err error) {
	path := filepath.Join(dir, ManifestName(ks))
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Manifest{Keyspace: ks}, false, nil
	}
	if err != nil {
		return m, false, err
	}
	m, err = ParseManifest(data, path, ks)
	return m, err == nil, err
}

// writeManifest replaces DIR/<ks>.manifest atomically and durably.
func writeManifest(dir string, m *Manifest) error {
	return writeFileAtomic(filepath.Join(dir, ManifestName(m.Keyspace)), m.Encode(), "manifest")
}

func (m *Manifest) last() uint64 {
	if len(m.Incr) == 0 {
		return 0
	}
	return m.Incr[len(m.Incr)-1]
}

func (m *Manifest) clone() Manifest {
	c := *m
	c.Incr = slices.Clone(m.Incr)
	return c
}
