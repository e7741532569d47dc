package server_test

import "testing"

// What each stream group command adds to rdb_changes_since_last_save: a
// group read counts once whatever it delivered, nothing when it had
// nothing to serve.
func TestDiffDirtyStreams(t *testing.T) {
	suiteDirtyDiff(t, [][]string{{
		"XGROUP CREATE s g $ MKSTREAM", "XGROUP CREATECONSUMER s g c", "XADD s * f v",
		"XREADGROUP GROUP g c STREAMS s >", "XADD s * f v", "XADD s * f v", "XADD s * f v",
		"XREADGROUP GROUP g c STREAMS s >", "XREADGROUP GROUP g c STREAMS s >", "XREADGROUP GROUP g c STREAMS s 0",
		"XREADGROUP GROUP g newc STREAMS s >", "XREADGROUP GROUP g c NOACK STREAMS s >", "XADD s * f v",
		"XREADGROUP GROUP g c NOACK STREAMS s >", "XREADGROUP GROUP g c COUNT 1 STREAMS s 0",
		"XREADGROUP GROUP g c2 COUNT 1 STREAMS s 0", "XACK s g 0-1", "XCLAIM s g c3 0 0-1",
		"XAUTOCLAIM s g c4 0 0", "XPENDING s g", "XGROUP DELCONSUMER s g c2", "XTRIM s MAXLEN 1",
	}})
}
