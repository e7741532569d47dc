package persistence

import (
	"os"
	"path/filepath"
)

// syncDir fsyncs a directory so that entries created, renamed or removed in
// it survive a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFileAtomic replaces path with data: write a temp file in the same
// directory, fsync it, rename it over path, fsync the directory. A crash
// leaves either the old file or the new one, never a mix. The step names
// are passed to the failpoint hook as prefix+":"+step.
func writeFileAtomic(path string, data []byte, prefix string) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := fail(prefix + ":written"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := fail(prefix + ":synced"); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := fail(prefix + ":renamed"); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
