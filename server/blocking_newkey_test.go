package server_test

import (
	"testing"
	"time"
)

// A list created by RENAME, COPY or MOVE serves clients blocked on its
// key, as Redis's dbAdd signals every new key.
func TestBlockedServedByKeyCreatedByRename(t *testing.T) {
	s := startWith(t)
	for _, tc := range []struct {
		name  string
		setup [][]string
		make  []string
	}{
		{"rename", [][]string{{"RPUSH", "src", "a"}}, []string{"RENAME", "src", "dst"}},
		{"copy", [][]string{{"RPUSH", "src", "b"}}, []string{"COPY", "src", "dst"}},
		{"move", [][]string{{"SELECT", "1"}, {"RPUSH", "dst", "c"}}, []string{"MOVE", "dst", "0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			waiter := dial(t, s.Addr, 2)
			other := dial(t, s.Addr, 2)
			other.Do("FLUSHALL")
			if err := waiter.Send("BLPOP", "dst", "5"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			for _, cmd := range tc.setup {
				other.Do(cmd...)
			}
			other.Do(tc.make...)
			got, err := waiter.ReadRaw()
			if err != nil {
				t.Fatal(err)
			}
			if got[:3] != "*2\r" {
				t.Fatalf("BLPOP after %s: %q", tc.name, got)
			}
		})
	}
}
