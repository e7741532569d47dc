package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sundial/internal/testserver"
)

// Blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) with concurrent
// clients, run against sundial and redis-server with the same
// expectations (see blocking_test.go for the helpers).

// bzPop is the RESP2 reply of BZPOPMIN/BZPOPMAX.
func bzPop(key, member, score string) string { return blArray(key, member, score) }

// bzmPop is the RESP2 reply of ZMPOP/BZMPOP for pairs member, score, ...
func bzmPop(key string, pairs ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*2\r\n$%d\r\n%s\r\n*%d\r\n", len(key), key, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		b.WriteString(blArray(pairs[i], pairs[i+1]))
	}
	return b.String()
}

func TestBlockingZSetFIFO(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		var waiters []*testserver.Conn
		for i := 0; i < 3; i++ {
			waiters = append(waiters, blBlock(t, tg, ctl, i+1, "BZPOPMIN", "z", "0"))
		}
		blExpect(t, "zadd", blDo(t, ctl, "ZADD", "z", "2", "b", "1", "a"), ":2\r\n")
		blExpect(t, "first waiter", blRead(t, waiters[0]), bzPop("z", "a", "1"))
		blExpect(t, "second waiter", blRead(t, waiters[1]), bzPop("z", "b", "2"))
		// Both members went to waiters before anyone else could look.
		blExpect(t, "exists", blDo(t, ctl, "EXISTS", "z"), ":0\r\n")
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "ZINCRBY", "z", "5", "c")
		blExpect(t, "third waiter", blRead(t, waiters[2]), bzPop("z", "c", "5"))
		blWait(t, tg, ctl, 0)
	})
}

func TestBlockingZSetMixedCommands(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		a := blBlock(t, tg, ctl, 1, "BZPOPMAX", "z", "0")
		b := blBlock(t, tg, ctl, 2, "BZMPOP", "0", "1", "z", "MIN", "COUNT", "2")
		c := blBlock(t, tg, ctl, 3, "BZMPOP", "0", "2", "other", "z", "MAX")
		blDo(t, ctl, "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
		blExpect(t, "bzpopmax", blRead(t, a), bzPop("z", "d", "4"))
		blExpect(t, "bzmpop min", blRead(t, b), bzmPop("z", "a", "1", "b", "2"))
		blExpect(t, "bzmpop max", blRead(t, c), bzmPop("z", "c", "3"))
		blExpect(t, "exists", blDo(t, ctl, "EXISTS", "z"), ":0\r\n")
		blWait(t, tg, ctl, 0)
	})
}

func TestBlockingZSetTimeouts(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		blExpectTimeouts(t, tg, []blTimeout{
			{[]string{"BZPOPMIN", "z", "0.1"}, 100 * time.Millisecond},
			{[]string{"BZPOPMAX", "a", "b", "0.05"}, 50 * time.Millisecond},
			{[]string{"BZMPOP", "0.1", "2", "a", "b", "MIN"}, 100 * time.Millisecond},
			{[]string{"BZMPOP", ".2", "1", "a", "MAX", "COUNT", "3"}, 200 * time.Millisecond},
			{[]string{"BZPOPMIN", "z", "0.0001"}, time.Millisecond},
			{[]string{"BZPOPMAX", "z", "0.0009"}, time.Millisecond},
		})
		c3 := blDial(t, tg.addr, 3)
		blExpect(t, "resp3 timeout", blDo(t, c3, "BZPOPMIN", "z", "0.01"), "_\r\n")
		blExpect(t, "resp3 bzmpop timeout", blDo(t, c3, "BZMPOP", "0.01", "1", "z", "MIN"), "_\r\n")
		blWait(t, tg, ctl, 0)
	})
}

// A timeout that rounds up to 0 ms waits for ever, as does one so far
// away that the deadline overflows.
func TestBlockingZSetTinyAndHugeTimeouts(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		for i, timeout := range []string{"-0.0001", "-0.0009", "0", "9223372036854775"} {
			c := blBlock(t, tg, ctl, 1, "BZPOPMIN", "z", timeout)
			time.Sleep(30 * time.Millisecond)
			blWait(t, tg, ctl, 1)
			blDo(t, ctl, "ZADD", "z", fmt.Sprint(i), "m")
			blExpect(t, "served "+timeout, blRead(t, c), bzPop("z", "m", fmt.Sprint(i)))
		}
	})
}

func TestBlockingZSetServedByOtherClient(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BZPOPMIN", "missing", "z", "0")
		blDo(t, ctl, "ZADD", "other", "1", "x")
		blDo(t, ctl, "SET", "z", "str")
		time.Sleep(20 * time.Millisecond)
		// Neither another key nor a value of another type serves it.
		blWait(t, tg, ctl, 1)
		blDo(t, ctl, "DEL", "z")
		blDo(t, ctl, "ZADD", "z", "7", "m", "8", "n")
		blExpect(t, "served", blRead(t, w), bzPop("z", "m", "7"))
		blExpect(t, "rest", blDo(t, ctl, "ZRANGE", "z", "0", "-1"), blArray("n"))
		// ZUNIONSTORE, ZRANGESTORE and GEOADD create keys that serve too.
		w = blBlock(t, tg, ctl, 1, "BZPOPMAX", "u", "0")
		blDo(t, ctl, "ZUNIONSTORE", "u", "1", "z")
		blExpect(t, "zunionstore", blRead(t, w), bzPop("u", "n", "8"))
		w = blBlock(t, tg, ctl, 1, "BZMPOP", "0", "1", "r", "MIN")
		blDo(t, ctl, "ZRANGESTORE", "r", "z", "0", "-1")
		blExpect(t, "zrangestore", blRead(t, w), bzmPop("r", "n", "8"))
		w = blBlock(t, tg, ctl, 1, "BZPOPMIN", "g", "0")
		blDo(t, ctl, "GEOADD", "g", "0", "0", "origin")
		blExpect(t, "geoadd", blRead(t, w), bzPop("g", "origin", "3377699720527872"))
	})
}

// Keys made ready by one transaction are served after it, from the key
// that got its members first.
func TestBlockingZSetAfterMulti(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		w := blBlock(t, tg, ctl, 1, "BZPOPMIN", "a", "b", "0")
		blDo(t, ctl, "MULTI")
		blDo(t, ctl, "ZADD", "b", "1", "x")
		blDo(t, ctl, "ZADD", "a", "2", "y")
		blDo(t, ctl, "ZREM", "b", "x")
		blDo(t, ctl, "ZADD", "b", "3", "z")
		blExpect(t, "exec", blDo(t, ctl, "EXEC"), "*4\r\n:1\r\n:1\r\n:1\r\n:1\r\n")
		blExpect(t, "served", blRead(t, w), bzPop("b", "z", "3"))
		blExpect(t, "a kept", blDo(t, ctl, "ZRANGE", "a", "0", "-1"), blArray("y"))
	})
}

// Inside MULTI a blocking pop never blocks: an empty key is a timeout.
func TestBlockingZSetInMulti(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		c := blDial(t, tg.addr, 2)
		blDo(t, c, "MULTI")
		blDo(t, c, "BZPOPMIN", "z", "0")
		blDo(t, c, "ZADD", "z", "1", "a")
		blDo(t, c, "BZMPOP", "0", "1", "z", "MAX")
		blDo(t, c, "BZPOPMAX", "z", "0")
		got := blDo(t, c, "EXEC")
		blExpect(t, "exec", got, "*4\r\n*-1\r\n:1\r\n"+bzmPop("z", "a", "1")+"*-1\r\n")
		blWait(t, tg, ctl, 0)
	})
}

func TestBlockingZSetDisconnectAndUnblock(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		gone := blBlock(t, tg, ctl, 1, "BZPOPMIN", "z", "0")
		gone.Close()
		blWait(t, tg, ctl, 0)
		w := blBlock(t, tg, ctl, 1, "BZPOPMIN", "z", "0")
		blDo(t, ctl, "ZADD", "z", "1", "a")
		blExpect(t, "served after the other left", blRead(t, w), bzPop("z", "a", "1"))
		blExpect(t, "nothing left", blDo(t, ctl, "EXISTS", "z"), ":0\r\n")

		for _, mode := range []string{"TIMEOUT", "ERROR"} {
			c := blDial(t, tg.addr, 2)
			id := strings.TrimSuffix(strings.TrimPrefix(blDo(t, c, "CLIENT", "ID"), ":"), "\r\n")
			blSend(t, c, "BZMPOP", "0", "1", "z", "MIN")
			blWait(t, tg, ctl, 1)
			blExpect(t, "unblock "+mode, blDo(t, ctl, "CLIENT", "UNBLOCK", id, mode), ":1\r\n")
			want := "*-1\r\n"
			if mode == "ERROR" {
				want = "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
			}
			blExpect(t, "unblocked "+mode, blRead(t, c), want)
			blWait(t, tg, ctl, 0)
		}
	})
}

// Many clients wait on one key while members arrive one at a time: each
// is delivered exactly once, in arrival order.
func TestBlockingZSetManyWaiters(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		const n = 20
		var conns []*testserver.Conn
		for i := 0; i < n; i++ {
			cmd := "BZPOPMIN"
			if i%2 == 1 {
				cmd = "BZPOPMAX"
			}
			conns = append(conns, blBlock(t, tg, ctl, i+1, cmd, "q", "0"))
		}
		replies := blReadAll(t, conns)
		for i := 0; i < n; i++ {
			blDo(t, ctl, "ZADD", "q", fmt.Sprint(i), fmt.Sprint("m", i))
		}
		got := replies()
		for i, r := range got {
			blExpect(t, fmt.Sprint("waiter ", i), r, bzPop("q", fmt.Sprint("m", i), fmt.Sprint(i)))
		}
		blExpect(t, "empty", blDo(t, ctl, "EXISTS", "q"), ":0\r\n")
	})
}

// RESP3 waiters get a double score; BZMPOP nests its pairs.
func TestBlockingZSetRESP3(t *testing.T) {
	blEach(t, func(t *testing.T, tg blTarget, ctl *testserver.Conn) {
		a := blDial(t, tg.addr, 3)
		blSend(t, a, "BZPOPMIN", "z", "0")
		blWait(t, tg, ctl, 1)
		b := blDial(t, tg.addr, 3)
		blSend(t, b, "BZMPOP", "0", "1", "z", "MAX", "COUNT", "5")
		blWait(t, tg, ctl, 2)
		blDo(t, ctl, "ZADD", "z", "1.5", "a", "2", "b", "inf", "c")
		blExpect(t, "bzpopmin", blRead(t, a), "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n")
		blExpect(t, "bzmpop", blRead(t, b), "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,inf\r\n*2\r\n$1\r\nb\r\n,2\r\n")
	})
}

// Pops are propagated in their deterministic, non-blocking forms.
func TestZSetPropagation(t *testing.T) {
	rec, tg, ctl := propagationTarget(t)
	w := blBlock(t, tg, ctl, 1, "BZPOPMIN", "z", "0")
	blDo(t, ctl, "ZADD", "z", "1", "a", "2", "b")
	blRead(t, w)
	rec.expect(t, "bzpopmin served", "ZADD z 1 a 2 b", "ZPOPMIN z")
	blDo(t, ctl, "BZPOPMAX", "z", "0")
	rec.expect(t, "bzpopmax immediate", "ZPOPMAX z")
	w = blBlock(t, tg, ctl, 1, "BZMPOP", "0", "1", "m", "MAX", "COUNT", "5")
	blDo(t, ctl, "ZADD", "m", "1", "x", "2", "y")
	blRead(t, w)
	rec.expect(t, "bzmpop served", "ZADD m 1 x 2 y", "ZPOPMAX m 5")
	blDo(t, ctl, "ZADD", "m", "1", "x", "2", "y", "3", "z")
	blDo(t, ctl, "ZMPOP", "2", "nokey", "m", "MIN")
	blDo(t, ctl, "BZMPOP", "0", "1", "m", "MIN", "COUNT", "3")
	rec.expect(t, "zmpop", "ZADD m 1 x 2 y 3 z", "ZPOPMIN m 1", "ZPOPMIN m 3")
	blDo(t, ctl, "ZPOPMIN", "nokey")
	blDo(t, ctl, "ZPOPMIN", "m", "0")
	blDo(t, ctl, "ZADD", "m", "XX", "1", "x")
	blDo(t, ctl, "ZREM", "nokey", "a")
	blDo(t, ctl, "ZADD", "m", "1", "x")
	blDo(t, ctl, "ZADD", "m", "1", "x")
	blDo(t, ctl, "ZRANDMEMBER", "m", "-5")
	blDo(t, ctl, "GEOADD", "g", "XX", "1", "2", "p")
	rec.expect(t, "no-op writes propagate nothing", "ZADD m 1 x")
	blDo(t, ctl, "ZPOPMAX", "m", "3")
	blDo(t, ctl, "GEOADD", "g", "CH", "13.361389", "38.115556", "Palermo")
	blDo(t, ctl, "ZINCRBY", "z", "0.1", "a")
	blDo(t, ctl, "ZUNIONSTORE", "u", "1", "g")
	blDo(t, ctl, "ZRANGESTORE", "r", "g", "0", "-1")
	rec.expect(t, "writes", "ZPOPMAX m 3", "ZADD g CH 3479099956230698 Palermo", "ZINCRBY z 0.1 a",
		"ZUNIONSTORE u 1 g", "ZRANGESTORE r g 0 -1")
}
