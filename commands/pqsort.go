package commands

// pqsort sorts n elements (addressed by index through cmp and swap) just
// enough that positions lo..hi hold what a full sort would put there. It
// is the algorithm of Redis 7.0's pqsort.c (NetBSD's Bentley-McIlroy
// quicksort that skips partitions outside the wanted range, without the
// later "no swaps: switch to insertion sort" shortcut), step for step, so
// that elements comparing equal end up in the order Redis leaves them:
// SORT ... BY ... LIMIT and GEOSEARCH ... COUNT show that order.
func pqsort(n int, cmp func(i, j int) int, swap func(i, j int), lo, hi int) {
	q := quickSorter{cmp: cmp, swap: swap, lo: lo, hi: hi}
	q.sort(0, n)
}

type quickSorter struct {
	cmp    func(i, j int) int
	swap   func(i, j int)
	lo, hi int
}

// outside reports whether the elements first..last lie wholly before or
// wholly after the wanted range.
func (q *quickSorter) outside(first, last int) bool {
	return (q.lo < first && q.hi < first) || (q.lo > last && q.hi > last)
}

func (q *quickSorter) med3(a, b, c int) int {
	if q.cmp(a, b) < 0 {
		if q.cmp(b, c) < 0 {
			return b
		}
		if q.cmp(a, c) < 0 {
			return c
		}
		return a
	}
	if q.cmp(b, c) > 0 {
		return b
	}
	if q.cmp(a, c) < 0 {
		return a
	}
	return c
}

func (q *quickSorter) insertion(a, n int) {
	for m := a + 1; m < a+n; m++ {
		for l := m; l > a && q.cmp(l-1, l) > 0; l-- {
			q.swap(l, l-1)
		}
	}
}

func (q *quickSorter) vecswap(a, b, n int) {
	for i := 0; i < n; i++ {
		q.swap(a+i, b+i)
	}
}

// sort sorts the n elements from index a.
func (q *quickSorter) sort(a, n int) {
	for {
		if n < 7 {
			q.insertion(a, n)
			return
		}
		pm := a + n/2
		if n > 7 {
			pl, pn := a, a+n-1
			if n > 40 {
				d := n / 8
				pl = q.med3(pl, pl+d, pl+2*d)
				pm = q.med3(pm-d, pm, pm+d)
				pn = q.med3(pn-2*d, pn-d, pn)
			}
			pm = q.med3(pl, pm, pn)
		}
		q.swap(a, pm)
		pa, pb := a+1, a+1
		pc, pd := a+n-1, a+n-1
		for {
			for pb <= pc {
				r := q.cmp(pb, a)
				if r > 0 {
					break
				}
				if r == 0 {
					q.swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := q.cmp(pc, a)
				if r < 0 {
					break
				}
				if r == 0 {
					q.swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			q.swap(pb, pc)
			pb++
			pc--
		}
		pn := a + n
		r := min(pa-a, pb-pa)
		q.vecswap(a, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		q.vecswap(pb, pn-r, r)
		if r = pb - pa; r > 1 && !q.outside(a, a+r-1) {
			q.sort(a, r)
		}
		r = pd - pc
		if r <= 1 {
			return
		}
		// Iterate rather than recurse on the right part.
		a, n = pn-r, r
		if q.outside(a, a+r-1) {
			return
		}
	}
}
