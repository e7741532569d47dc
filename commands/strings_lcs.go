package commands

import "sundial/keyspace"

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
// common subsequence by the classic dynamic programming table, walked
// back from the end as Redis does, so ranges come out in Redis's order.
func cmdLCS(c *Client, args [][]byte) {
	var ab [2][]byte
	for i, k := range args[1:3] {
		e := c.LookupRead(k)
		if e == nil {
			continue
		}
		s, ok := e.Value.(*keyspace.String)
		if !ok {
			c.Error("ERR The specified keys must contain string values")
			return
		}
		ab[i] = s.B
	}
	a, b := ab[0], ab[1]
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(args); j++ {
		switch opt := argKeyword(args[j]); {
		case opt == "idx":
			getIdx = true
		case opt == "len":
			getLen = true
		case opt == "withmatchlen":
			withMatchLen = true
		case opt == "minmatchlen" && j+1 < len(args):
			n, ok := argInt64(c, args[j+1])
			if !ok {
				return
			}
			minMatchLen = max(n, 0)
			j++
		default:
			c.Error(errSyntax)
			return
		}
	}
	if getLen && getIdx {
		c.Error("ERR If you want both the length and indexes, please just use IDX.")
		return
	}
	if int64(len(a)) >= 1<<32-2 || int64(len(b)) >= 1<<32-2 {
		c.Error("ERR String too long for LCS")
		return
	}
	alen, blen := len(a), len(b)
	if size := int64(alen+1) * int64(blen+1) * 4; size > c.e.Cfg.ProtoMaxBulkLen {
		c.Error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
		return
	}
	// tab[i*w+j] is the LCS length of a[:i] and b[:j].
	w := blen + 1
	tab := make([]uint32, (alen+1)*w)
	for i := 1; i <= alen; i++ {
		for j := 1; j <= blen; j++ {
			if a[i-1] == b[j-1] {
				tab[i*w+j] = tab[(i-1)*w+j-1] + 1
			} else {
				tab[i*w+j] = max(tab[(i-1)*w+j], tab[i*w+j-1])
			}
		}
	}
	total := tab[alen*w+blen]
	if getLen {
		c.Int(int64(total))
		return
	}
	lcs, ranges := lcsWalk(a, b, tab, total, minMatchLen)
	if !getIdx {
		c.Bulk(lcs)
		return
	}
	c.Map(2)
	c.BulkString("matches")
	c.Array(len(ranges))
	for _, r := range ranges {
		if withMatchLen {
			c.Array(3)
		} else {
			c.Array(2)
		}
		c.Array(2)
		c.Int(int64(r.aStart))
		c.Int(int64(r.aEnd))
		c.Array(2)
		c.Int(int64(r.bStart))
		c.Int(int64(r.bEnd))
		if withMatchLen {
			c.Int(int64(r.aEnd - r.aStart + 1))
		}
	}
	c.BulkString("len")
	c.Int(int64(total))
}

// lcsRange is one matching run: a[aStart..aEnd] equals b[bStart..bEnd].
type lcsRange struct{ aStart, aEnd, bStart, bEnd int }

// lcsWalk walks the table back from the end, building the LCS string
// and the matching runs of at least minMatchLen bytes, as Redis's
// lcsCommand emits them.
func lcsWalk(a, b []byte, tab []uint32, total uint32, minMatchLen int64) ([]byte, []lcsRange) {
	w := len(b) + 1
	out := make([]byte, total)
	idx := int(total)
	var ranges []lcsRange
	cur := lcsRange{aStart: -1}
	i, j := len(a), len(b)
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			out[idx-1] = a[i-1]
			switch {
			case cur.aStart < 0:
				cur = lcsRange{i - 1, i - 1, j - 1, j - 1}
			case cur.aStart == i && cur.bStart == j:
				// Contiguous with the current run: extend it backwards.
				cur.aStart--
				cur.bStart--
			default:
				emit = true
			}
			if cur.aStart == 0 || cur.bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if tab[(i-1)*w+j] > tab[i*w+j-1] {
				i--
			} else {
				j--
			}
			if cur.aStart >= 0 {
				emit = true
			}
		}
		if emit {
			if n := int64(cur.aEnd - cur.aStart + 1); minMatchLen == 0 || n >= minMatchLen {
				ranges = append(ranges, cur)
			}
			cur.aStart = -1
		}
	}
	return out, ranges
}
