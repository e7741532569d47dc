package persistence

import (
	"os"
	"slices"
	"strings"
)

// DataDir is an open data directory: it holds DIR/LOCK for as long as it is
// open, and opens the Store of each keyspace in it.
type DataDir struct {
	Path string
	lock *DirLock
}

// OpenDir creates dir if needed and locks it. A second process (or a second
// OpenDir in this one) gets a *LockedError: "data dir DIR already locked by
// another process".
func OpenDir(dir string) (*DataDir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l, err := LockDir(dir)
	if err != nil {
		return nil, err
	}
	return &DataDir{Path: dir, lock: l}, nil
}

// Keyspaces lists the keyspaces that have files in the directory, sorted.
func (d *DataDir) Keyspaces() ([]string, error) {
	return listKeyspaces(d.Path)
}

func listKeyspaces(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if ks := keyspaceOf(e.Name()); ks != "" {
			seen[ks] = true
		}
	}
	names := make([]string, 0, len(seen))
	for ks := range seen {
		names = append(names, ks)
	}
	slices.Sort(names)
	return names, nil
}

// keyspaceOf returns the keyspace a data file belongs to, or "".
func keyspaceOf(name string) string {
	if ks, _, ok := parseAOFName(name); ok {
		return ks
	}
	for _, suffix := range []string{".manifest", ".db"} {
		if ks, ok := strings.CutSuffix(name, suffix); ok && ValidKeyspaceName(ks) {
			return ks
		}
	}
	return ""
}

// Open recovers keyspace name into l and returns its Store; see OpenStore.
func (d *DataDir) Open(name string, opts Options, l Loader) (*Store, error) {
	return OpenStore(d.Path, name, opts, l)
}

// Close releases the lock. Close every Store first.
func (d *DataDir) Close() error {
	return d.lock.Unlock()
}
