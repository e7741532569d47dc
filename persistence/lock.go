package persistence

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// LockFileName is the file in a data dir that the owning process holds an
// exclusive advisory lock on.
const LockFileName = "LOCK"

// ErrDirLocked matches (errors.Is) a *LockedError.
var ErrDirLocked = errors.New("persistence: data dir locked")

// LockedError reports that another process holds the data dir. Its message
// is the one the server prints before exiting.
type LockedError struct{ Dir string }

func (e *LockedError) Error() string {
	return fmt.Sprintf("data dir %s already locked by another process", e.Dir)
}

// Is makes errors.Is(err, ErrDirLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrDirLocked }

// DirLock is an exclusive flock(2) on DIR/LOCK. The kernel drops it when the
// process exits, however it exits, so a crash never leaves a stale lock; the
// file itself stays and is reused.
type DirLock struct {
	f *os.File
}

// LockDir takes the lock on dir, which must exist. If another process (or
// another open of the same file in this one) holds it, the error is a
// *LockedError naming dir as given.
func LockDir(dir string) (*DirLock, error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The pid is only for people looking at the directory; the lock is the flock.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DirLock{f: f}, nil
}

func flock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
			if ferr != syscall.EINTR {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	return ferr
}

// Unlock releases the lock. It is safe to call more than once.
func (l *DirLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the only descriptor releases the flock
	l.f = nil
	return err
}
