//go:build race

package server_test

// raceEnabled scales down tests that would take minutes under the race
// detector.
const raceEnabled = true
