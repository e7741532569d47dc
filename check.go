package main

import "fmt"

// check verifies a data directory (sundial check [--fix] DIR).
func check(dir string, fix bool) error {
	return fmt.Errorf("check: the file backend is not available in this build")
}
