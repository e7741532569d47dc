package config

import (
	"fmt"
	"strings"
)

// Example renders redis.conf.example: every directive sundial reads, with
// its documentation and default value.
func Example() string {
	c := New()
	var b strings.Builder
	b.WriteString(`# redis.conf.example — every directive sundial understands, with its default.
#
# Start sundial with a config file like redis-server:
#   sundial serve /path/to/redis.conf --port 7000
# Every directive can also be given as a flag (--maxmemory 1gb) or as an
# environment variable (SUNDIAL_MAXMEMORY=1gb). Precedence: flag > env > file > default.
# Sizes accept 1k (1000), 1kb (1024), 64mb, 1gb. Unknown directives produce a
# warning naming file and line and are otherwise ignored, so a stock Redis
# config file loads.

`)
	for _, d := range c.Directives() {
		fmt.Fprintf(&b, "# %s\n", d.Doc)
		if d.Alias != "" {
			fmt.Fprintf(&b, "# (also accepted as %s)\n", d.Alias)
		}
		if d.Immutable {
			b.WriteString("# Set at startup only (CONFIG SET refuses it).\n")
		}
		b.WriteString(c.confLine(d))
		b.WriteString("\n\n")
	}
	b.WriteString("# Redis directives read for compatibility but without effect in sundial\n# (CONFIG GET answers them):\n")
	for _, n := range sortedKeys(acceptedRedisDirectives) {
		fmt.Fprintf(&b, "#   %s\n", n)
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
