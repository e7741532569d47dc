package persistence

// failpoint, when set, is called by name at each step of every operation
// whose interruption matters for crash safety: before and after each write,
// fsync and rename. A non-nil error makes that step fail as an I/O error
// would; a hook that exits the process simulates a crash at that instant.
// Tests set it; it is nil in production, and the check costs one load.
var failpoint func(name string) error

func fail(name string) error {
	if failpoint == nil {
		return nil
	}
	return failpoint(name)
}
