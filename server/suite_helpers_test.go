package server_test

import "testing"

// compareStepLogs reports every step where the logs sundial (logs[0])
// and redis-server (logs[1]) wrote for one scenario differ; with fewer
// than two logs (a side failed already) there is nothing to compare.
func compareStepLogs(t *testing.T, logs [][]string) {
	t.Helper()
	if len(logs) != 2 {
		return
	}
	got, want := logs[0], logs[1]
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("step %d:\nsundial: %q\nredis:   %q", i+1, g, w)
		}
	}
}
