package commands

import (
	"strconv"
	"testing"

	"sundial/keyspace"
)

// benchSchedule builds a schedule of n overlapping Taus on key "sched"
// through TAU.APPEND.
func benchSchedule(b *testing.B, n int) (*Engine, *Client) {
	e, c := benchEngine(b)
	for i := 0; i < n; i++ {
		v := i * 7 % n
		e.Exec(c, [][]byte{[]byte("TAU.APPEND"), []byte("sched"), []byte("value"),
			strconv.AppendInt(nil, int64(v), 10), strconv.AppendInt(nil, int64(v+1+i%1000), 10)})
		c.B = c.B[:0]
	}
	return e, c
}

// midTx is the tx_ns of the middle Tau of "sched".
func midTx(b *testing.B, c *Client) string {
	t := c.DB.Peek([]byte("sched")).Value.(*keyspace.Tau)
	var tx uint64
	seen := 0
	t.History(0, 0, false, -1, func(x, _, _ uint64, _ []byte) bool {
		tx = x
		seen++
		return seen < t.Len()/2
	})
	return strconv.FormatUint(tx, 10)
}

// benchTauCmd runs the command built by args on a 100,000-Tau schedule.
// The read paths must not allocate per request.
func benchTauCmd(b *testing.B, args func(c *Client) []string) {
	e, c := benchSchedule(b, 100000)
	var argv [][]byte
	for _, a := range args(c) {
		argv = append(argv, []byte(a))
	}
	if e.Exec(c, argv); len(c.B) == 0 || c.B[0] == '-' || string(c.B) == "$-1\r\n" || string(c.B) == "*0\r\n" {
		b.Fatalf("%q: %q", argv, c.B)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.B = c.B[:0]
		e.Exec(c, argv)
	}
}

func BenchmarkExecTauAt(b *testing.B) {
	benchTauCmd(b, func(*Client) []string { return []string{"TAU.AT", "sched", "50000"} })
}

func BenchmarkExecTauAtAsOf(b *testing.B) {
	benchTauCmd(b, func(c *Client) []string { return []string{"TAU.AT", "sched", "50000", "ASOF", midTx(b, c)} })
}

func BenchmarkExecTauRange10(b *testing.B) {
	benchTauCmd(b, func(*Client) []string { return []string{"TAU.RANGE", "sched", "50000", "+inf", "LIMIT", "10"} })
}

func BenchmarkExecTauAppend(b *testing.B) {
	e, c := benchEngine(b)
	argv := [][]byte{[]byte("TAU.APPEND"), []byte("sched"), []byte("value"), nil, nil}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v := i * 7919 % (1 << 20)
		argv[3] = strconv.AppendInt(argv[3][:0], int64(v), 10)
		argv[4] = strconv.AppendInt(argv[4][:0], int64(v+1+i%1000), 10)
		c.B = c.B[:0]
		e.Exec(c, argv)
	}
}
