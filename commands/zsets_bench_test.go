package commands

import (
	"fmt"
	"strconv"
	"testing"
)

// Sorted-set commands through the dispatcher on sets of 1,000 and
// 1,000,000 members: ZADD, ZRANK, ZSCORE and ZRANGEBYSCORE ... LIMIT 0 10
// cost O(log n) (+10), so the large set should be only a few times slower
// per operation, not a thousand.

var zbenchSizes = []int{1e3, 1e6}

// zbenchEngines caches one engine per size: building a million members
// through ZADD takes a moment.
var zbenchEngines = map[int]*Client{}

func zbenchClient(b *testing.B, n int) *Client {
	if c, ok := zbenchEngines[n]; ok {
		return c
	}
	e, c := benchEngine(b)
	const batch = 1000
	for i := 0; i < n; i += batch {
		argv := [][]byte{[]byte("ZADD"), []byte("z")}
		for j := i; j < i+batch && j < n; j++ {
			argv = append(argv, strconv.AppendInt(nil, int64(j*7%n), 10), []byte(fmt.Sprintf("member:%09d", j)))
		}
		e.Exec(c, argv)
		c.B = c.B[:0]
	}
	zbenchEngines[n] = c
	return c
}

func zbench(b *testing.B, args func(i, n int) []string) {
	for _, n := range zbenchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			c := zbenchClient(b, n)
			e := c.e
			argvs := make([][][]byte, 1024)
			for i := range argvs {
				for _, a := range args(i, n) {
					argvs[i] = append(argvs[i], []byte(a))
				}
			}
			e.Exec(c, argvs[0])
			if len(c.B) == 0 || c.B[0] == '-' {
				b.Fatalf("%q: %q", argvs[0], c.B)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.B = c.B[:0]
				e.Exec(c, argvs[i%len(argvs)])
			}
		})
	}
}

func zbenchMember(i, n int) string { return fmt.Sprintf("member:%09d", (i*7919)%n) }

func BenchmarkExecZAddUpdate(b *testing.B) {
	zbench(b, func(i, n int) []string {
		return []string{"ZADD", "z", strconv.Itoa((i * 31) % n), zbenchMember(i, n)}
	})
}

func BenchmarkExecZRank(b *testing.B) {
	zbench(b, func(i, n int) []string { return []string{"ZRANK", "z", zbenchMember(i, n)} })
}

func BenchmarkExecZScore(b *testing.B) {
	zbench(b, func(i, n int) []string { return []string{"ZSCORE", "z", zbenchMember(i, n)} })
}

func BenchmarkExecZRangeByScoreLimit10(b *testing.B) {
	zbench(b, func(i, n int) []string {
		return []string{"ZRANGEBYSCORE", "z", strconv.Itoa((i * 7919) % n), "+inf", "LIMIT", "0", "10"}
	})
}

func BenchmarkExecZRangeByScoreOffsetLimit10(b *testing.B) {
	zbench(b, func(i, n int) []string {
		return []string{"ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", strconv.Itoa((i * 7919) % (n - 10)), "10"}
	})
}
