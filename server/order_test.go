package server_test

import (
	"bufio"
	"fmt"
	"net"
	"testing"
)

// Commands from different connections run in the order they arrive, as
// in Redis's event loop: a client that sends SET and, without waiting for
// its reply, has another client GET the key sees the new value; a
// PUBLISH sent right after another client's SUBSCRIBE reaches it. Left to
// the Go scheduler, more than a third of these came out of order.
func TestArrivalOrder(t *testing.T) {
	s := startWith(t)
	dialRaw := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	line := func(r *bufio.Reader) string {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const rounds = 200
	a, ar := dialRaw()
	b, br := dialRaw()
	stale := 0
	for i := 0; i < rounds; i++ {
		v := fmt.Sprint(i)
		fmt.Fprintf(a, "SET ordk %s\r\n", v)
		fmt.Fprintf(b, "GET ordk\r\n")
		line(br)
		if got := line(br); got != v+"\r\n" {
			stale++
		}
		if got := line(ar); got != "+OK\r\n" {
			t.Fatalf("SET: %q", got)
		}
	}
	lost := 0
	for i := 0; i < rounds; i++ {
		c, cr := dialRaw()
		fmt.Fprintf(c, "PING\r\n")
		line(cr)
		fmt.Fprintf(c, "SUBSCRIBE ch%d\r\n", i)
		fmt.Fprintf(b, "PUBLISH ch%d x\r\n", i)
		switch got := line(br); got {
		case ":1\r\n":
		case ":0\r\n":
			lost++
		default:
			t.Fatalf("PUBLISH: %q", got)
		}
		c.Close()
	}
	// A loaded machine can preempt a connection between its turns; a
	// few out of order are tolerated, a scheduler's share is not.
	if stale > rounds/20 || lost > rounds/20 {
		t.Fatalf("out of arrival order: %d of %d GETs missed the SET before them, %d of %d PUBLISHes missed the SUBSCRIBE",
			stale, rounds, lost, rounds)
	}
	t.Logf("out of order: %d GETs, %d PUBLISHes of %d", stale, lost, rounds)
}
