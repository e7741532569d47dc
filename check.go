package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"sundial/persistence"
)

// check verifies a data directory (sundial check [--fix] DIR): it prints
// one line per file checked and per problem found, and fails (exit 1)
// unless the directory is clean, after the repairs when fix is set.
func check(dir string, fix bool) error {
	lines, clean, err := persistence.Check(dir, fix)
	for _, l := range lines {
		fmt.Println(l)
	}
	if err != nil {
		return err
	}
	if !clean {
		return cli.Exit("", 1)
	}
	return nil
}
