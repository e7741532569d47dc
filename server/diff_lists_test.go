package server_test

import (
	"fmt"
	"strings"
	"testing"

	"sundial/internal/testserver"
)

// List commands (blocking ones in their non-blocking paths), compared
// byte for byte with redis-server.
func TestDiffLists(t *testing.T) {
	big := strings.Repeat("v", 9000) // more than one 8 KiB node
	cases := []testserver.Case{
		// Pushes
		C("lpush rpush", "LPUSH l a b c", "RPUSH l d e", "LRANGE l 0 -1", "LLEN l"),
		C("push arity", "LPUSH l", "RPUSH l", "LPUSHX l", "RPUSHX l", "LPUSH"),
		C("pushx", "LPUSHX l a", "RPUSHX l a", "EXISTS l", "RPUSH l x", "LPUSHX l a b", "RPUSHX l c d", "LRANGE l 0 -1"),
		C("push wrongtype", "SET s v", "LPUSH s a", "RPUSH s a", "LPUSHX s a", "RPUSHX s a", "GET s"),
		C("push binary and empty", `RPUSH l "" "\x00\xff" "\r\n"`, "LRANGE l 0 -1", "LLEN l", `LPOS l "\x00\xff"`),
		C("push duplicates", "RPUSH l a a a", "LPUSH l a", "LLEN l", "LRANGE l 0 -1"),
		C("push big values", "RPUSH l "+big+" a "+big, "LLEN l", "LINDEX l 1", "LPOP l 0", "RPOP l", "LLEN l"),
		C("push many", rpushMany("l", 0, 2000), "LLEN l", "LINDEX l 1000", "LRANGE l 1995 -1", "LRANGE l -2005 -1995"),
		// Pops
		C("lpop rpop", "RPUSH l a b c d", "LPOP l", "RPOP l", "LRANGE l 0 -1", "LPOP l", "LPOP l", "LPOP l", "EXISTS l"),
		C("pop missing", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 0"),
		C("pop count", "RPUSH l a b c d e", "LPOP l 2", "RPOP l 2", "LRANGE l 0 -1", "LPOP l 10", "EXISTS l"),
		C("pop count zero", "RPUSH l a b", "LPOP l 0", "RPOP l 0", "LLEN l"),
		C("pop count errors", "RPUSH l a b", "LPOP l -1", "LPOP l abc", "RPOP l 1.5", "LPOP l 1 2", "RPOP l 1 2", "LPOP l 9223372036854775808", "LLEN l"),
		C("pop huge count", "RPUSH l a b c", "RPOP l 9223372036854775807"),
		C("pop wrongtype", "SET s v", "LPOP s", "RPOP s", "LPOP s 2", "LPOP s -1", "RPOP s abc"),
		C("pop arity", "LPOP", "RPOP"),
		// LLEN / LINDEX
		C("llen", "LLEN l", "RPUSH l a", "LLEN l", "SET s v", "LLEN s", "LLEN", "LLEN a b"),
		C("lindex", "RPUSH l a b c", "LINDEX l 0", "LINDEX l 2", "LINDEX l 3", "LINDEX l -1", "LINDEX l -3", "LINDEX l -4", "LINDEX l 100"),
		C("lindex errors", "RPUSH l a", "LINDEX l abc", "LINDEX l 1.5", "LINDEX nokey abc", "LINDEX l 9223372036854775807", "LINDEX l -9223372036854775808", "LINDEX l"),
		C("lindex wrongtype", "SET s v", "LINDEX s 0", "LINDEX s abc"),
		// LINSERT
		C("linsert", "RPUSH l a b c", "LINSERT l BEFORE b x", "LINSERT l AFTER b y", "LINSERT l after c z", "LINSERT l before a w", "LRANGE l 0 -1"),
		C("linsert missing pivot", "RPUSH l a", "LINSERT l BEFORE z x", "LINSERT nokey BEFORE a x", "EXISTS nokey"),
		C("linsert errors", "RPUSH l a", "LINSERT l MIDDLE a x", "LINSERT nokey MIDDLE a x", "LINSERT l BEFORE a", "SET s v", "LINSERT s BEFORE a x", "LINSERT s FOO a x"),
		C("linsert first match", "RPUSH l a b a b", "LINSERT l AFTER b x", "LRANGE l 0 -1"),
		C("linsert big", rpushMany("l", 0, 1000), "LINSERT l BEFORE v500 mid", "LINDEX l 500", "LINSERT l AFTER v999 end", "LINDEX l -1", "LLEN l"),
		// LPOS
		C("lpos", "RPUSH l a b c a b c a", "LPOS l a", "LPOS l c", "LPOS l z", "LPOS l a RANK 2", "LPOS l a RANK -1", "LPOS l a RANK -2", "LPOS l a RANK 10"),
		C("lpos count", "RPUSH l a b a b a", "LPOS l a COUNT 0", "LPOS l a COUNT 2", "LPOS l a COUNT 2 RANK -1", "LPOS l z COUNT 0", "LPOS l a COUNT 10 RANK 2"),
		C("lpos maxlen", "RPUSH l a b c a", "LPOS l a MAXLEN 1", "LPOS l a MAXLEN 3 COUNT 0", "LPOS l a RANK -1 MAXLEN 1", "LPOS l a RANK -1 MAXLEN 2 COUNT 0", "LPOS l c MAXLEN 2"),
		C("lpos errors", "RPUSH l a", "LPOS l a RANK 0", "LPOS l a RANK x", "LPOS l a COUNT -1", "LPOS l a COUNT x", "LPOS l a MAXLEN -1", "LPOS l a MAXLEN x", "LPOS l a FOO", "LPOS l a RANK", "LPOS l a COUNT"),
		C("lpos rank extremes", "RPUSH l a b a", "LPOS l a RANK -9223372036854775808", "LPOS l a RANK -9223372036854775808 COUNT 1", "LPOS l a RANK 9223372036854775807", "LPOS l a RANK -9223372036854775807"),
		C("lpos missing and wrongtype", "LPOS nokey a", "LPOS nokey a COUNT 1", "LPOS nokey a RANK 0", "SET s v", "LPOS s a", "LPOS s a RANK 0"),
		C("lpos repeated options", "RPUSH l a b a", "LPOS l a RANK 1 RANK 2", "LPOS l a COUNT 1 COUNT 0"),
		// LRANGE
		C("lrange", "RPUSH l a b c d e", "LRANGE l 0 -1", "LRANGE l 1 3", "LRANGE l -3 -2", "LRANGE l 3 1", "LRANGE l 5 10", "LRANGE l -100 100", "LRANGE l -100 -50", "LRANGE l 0 0"),
		C("lrange extremes", "RPUSH l a b", "LRANGE l -9223372036854775808 9223372036854775807", "LRANGE l 9223372036854775807 -9223372036854775808", "LRANGE l 0 -9223372036854775808"),
		C("lrange errors", "RPUSH l a", "LRANGE l a 1", "LRANGE l 0 b", "LRANGE nokey a 1", "LRANGE nokey 0 1", "SET s v", "LRANGE s 0 1", "LRANGE s a 1", "LRANGE l 0"),
		C("lrange across nodes", rpushMany("l", 0, 3000), "LRANGE l 1500 1510", "LRANGE l -10 -1", "LRANGE l 0 5"),
		// LREM
		C("lrem", "RPUSH l a b a c a", "LREM l 1 a", "LRANGE l 0 -1", "LREM l -1 a", "LRANGE l 0 -1", "LREM l 0 a", "LRANGE l 0 -1"),
		C("lrem to empty", "RPUSH l a a", "LREM l 0 a", "EXISTS l", "LREM l 0 a", "LREM nokey 1 a"),
		C("lrem counts", "RPUSH l a a a a", "LREM l 10 a", "RPUSH l b b", "LREM l -10 b", "RPUSH l c", "LREM l -9223372036854775808 c", "EXISTS l"),
		C("lrem errors", "RPUSH l a", "LREM l x a", "LREM nokey x a", "SET s v", "LREM s 1 a", "LREM l 1"),
		// LSET
		C("lset", "RPUSH l a b c", "LSET l 0 x", "LSET l -1 z", "LSET l 1 "+big, "LRANGE l 0 0", "LLEN l", "LINDEX l 2"),
		C("lset errors", "RPUSH l a", "LSET l 1 x", "LSET l -2 x", "LSET l x x", "LSET nokey 0 x", "LSET nokey x x", "SET s v", "LSET s 0 x", "LSET s x x"),
		// LTRIM
		C("ltrim", "RPUSH l a b c d e", "LTRIM l 1 -2", "LRANGE l 0 -1", "LTRIM l 0 0", "LRANGE l 0 -1", "LTRIM l 1 0", "EXISTS l"),
		C("ltrim ranges", "RPUSH l a b c d e", "LTRIM l -100 100", "LRANGE l 0 -1", "LTRIM l -2 -1", "LRANGE l 0 -1", "LTRIM l 5 10", "EXISTS l"),
		C("ltrim errors", "LTRIM nokey 0 1", "RPUSH l a", "LTRIM l a 1", "LTRIM l 0 b", "SET s v", "LTRIM s 0 1", "LTRIM l 0"),
		C("ltrim big", rpushMany("l", 0, 3000), "LTRIM l 1000 1999", "LLEN l", "LINDEX l 0", "LINDEX l -1"),
		// LMOVE / RPOPLPUSH
		C("lmove", "RPUSH s a b c", "LMOVE s d LEFT RIGHT", "LMOVE s d RIGHT LEFT", "LRANGE s 0 -1", "LRANGE d 0 -1", "LMOVE s d left left", "EXISTS s", "LRANGE d 0 -1"),
		C("lmove same key", "RPUSH l a b c", "LMOVE l l LEFT RIGHT", "LRANGE l 0 -1", "LMOVE l l RIGHT LEFT", "LRANGE l 0 -1", "RPUSH one x", "LMOVE one one LEFT LEFT", "LRANGE one 0 -1"),
		C("lmove missing source", "LMOVE nokey d LEFT RIGHT", "EXISTS d", "RPOPLPUSH nokey d"),
		C("lmove errors", "RPUSH s a", "LMOVE s d UP RIGHT", "LMOVE s d LEFT DOWN", "LMOVE nokey d UP RIGHT", "SET str v", "LMOVE str d LEFT RIGHT", "LMOVE s str LEFT RIGHT", "LRANGE s 0 -1", "LMOVE s d LEFT"),
		C("rpoplpush", "RPUSH s a b c", "RPOPLPUSH s d", "RPOPLPUSH s d", "LRANGE d 0 -1", "RPOPLPUSH s s", "LRANGE s 0 -1", "SET str v", "RPOPLPUSH s str", "RPOPLPUSH str s", "RPOPLPUSH s"),
		// LMPOP
		C("lmpop", "RPUSH a 1 2 3", "RPUSH b 4 5", "LMPOP 2 a b LEFT", "LMPOP 2 a b RIGHT COUNT 2", "LMPOP 2 x b LEFT COUNT 10", "LMPOP 2 a b LEFT", "EXISTS a b"),
		C("lmpop missing", "LMPOP 1 nokey LEFT", "LMPOP 3 x y z RIGHT COUNT 5"),
		C("lmpop errors", "RPUSH a 1", "LMPOP 0 a LEFT", "LMPOP -1 a LEFT", "LMPOP x a LEFT", "LMPOP 2 a LEFT", "LMPOP 1 a MIDDLE", "LMPOP 1 a LEFT COUNT 0", "LMPOP 1 a LEFT COUNT -1",
			"LMPOP 1 a LEFT COUNT x", "LMPOP 1 a LEFT COUNT 1 COUNT 1", "LMPOP 1 a LEFT FOO", "LMPOP 1 a LEFT COUNT", "LMPOP 5 a", "LMPOP 9223372036854775807 a LEFT", "LLEN a"),
		C("lmpop wrongtype", "SET s v", "RPUSH l a", "LMPOP 2 s l LEFT", "LMPOP 2 l s LEFT", "LMPOP 1 s LEFT COUNT 0"),
		C("lmpop arity", "LMPOP 1", "LMPOP"),
		// Blocking commands that are served at once or act as timeouts
		C("blpop served", "RPUSH l a b", "BLPOP l 0", "BRPOP l 0", "EXISTS l", "RPUSH x 1", "BLPOP nokey x 1", "BRPOP nokey x 1"),
		C("blpop first key wins", "RPUSH a 1", "RPUSH b 2", "BLPOP b a 0", "BRPOP a b 0"),
		C("blocking timeout errors", "BLPOP l abc", "BLPOP l -1", "BLPOP l inf", "BLPOP l -inf", "BLPOP l nan", "BLPOP l 1e30", "BLPOP l ''", "BRPOP l 1x", "BLMOVE a b LEFT LEFT x", "BRPOPLPUSH a b -1", "BLMPOP x 1 a LEFT", "BLMPOP -1 1 a LEFT"),
		C("blocking timeout beyond a long long", "BLPOP l 9.3e15", "BLPOP l 9223372036854776", "BLMPOP 1e16 1 l LEFT"),
		C("blocking timeout subnormal", "BLPOP l 2.91e-4951", "BZPOPMIN z 2.91e-4951", "BLPOP l 1e-4960", "BZPOPMIN z 1e-4960"),
		C("blocking short timeouts", "BLPOP l 0.01", "BRPOP l 0.01", "BLMOVE a b LEFT RIGHT 0.01", "BRPOPLPUSH a b 0.01", "BLMPOP 0.01 1 a LEFT", "BLMPOP 0.01 2 a b RIGHT COUNT 3"),
		C("blocking wrongtype", "SET s v", "BLPOP s 0", "BRPOP nokey s 0", "BLMOVE s d LEFT LEFT 0", "BRPOPLPUSH s d 0", "BLMPOP 0 1 s LEFT", "RPUSH l a", "BLMOVE l s LEFT LEFT 0", "LLEN l"),
		C("blmove served", "RPUSH s a b", "BLMOVE s d RIGHT LEFT 0", "BRPOPLPUSH s d 0", "LRANGE d 0 -1", "EXISTS s"),
		C("blmove errors", "BLMOVE a b UP LEFT 0", "BLMOVE a b LEFT DOWN 0", "BLMOVE a b LEFT LEFT", "BRPOPLPUSH a b"),
		C("blmpop served", "RPUSH a 1 2 3", "BLMPOP 0 1 a LEFT COUNT 2", "BLMPOP 0 2 x a RIGHT COUNT 5", "EXISTS a"),
		C("blmpop errors", "BLMPOP 0 0 a LEFT", "BLMPOP 0 1 a MIDDLE", "BLMPOP 0 1 a LEFT COUNT 0", "BLMPOP 0 2 a LEFT", "BLMPOP 0 1 a LEFT FOO", "BLMPOP abc 0 a LEFT", "BLMPOP 0"),
		C("blocking in multi", "MULTI", "BLPOP l 0", "BRPOP l 0", "BLMOVE a b LEFT LEFT 0", "BRPOPLPUSH a b 0", "BLMPOP 0 1 a LEFT", "RPUSH l x", "BLPOP l 0", "EXEC"),
		C("blocking arity", "BLPOP l", "BRPOP", "BLMOVE a b LEFT", "BLMPOP 0 1"),
		C("lpush order", "LPUSH l a b c d", "LRANGE l 0 -1", "RPUSH r a b c d", "LRANGE r 0 -1"),
		C("linsert binary pivot", `RPUSH l "\x00" "\xff"`, `LINSERT l AFTER "\x00" "\r\n"`, "LRANGE l 0 -1", `LINSERT l BEFORE "" x`),
		C("lrem binary and empty", `RPUSH l "" a "" "\x00"`, `LREM l 0 ""`, `LREM l 1 "\x00"`, "LRANGE l 0 -1"),
		C("lpos empty string", `RPUSH l a "" b ""`, `LPOS l ""`, `LPOS l "" COUNT 0`, `LPOS l "" RANK -1`),
		C("lmove left left", "RPUSH s 1 2 3", "RPUSH d x", "LMOVE s d LEFT LEFT", "LRANGE s 0 -1", "LRANGE d 0 -1"),
		C("lmove left right", "RPUSH s 1 2 3", "RPUSH d x", "LMOVE s d LEFT RIGHT", "LRANGE s 0 -1", "LRANGE d 0 -1"),
		C("lmove right left", "RPUSH s 1 2 3", "RPUSH d x", "LMOVE s d RIGHT LEFT", "LRANGE s 0 -1", "LRANGE d 0 -1"),
		C("lmove right right", "RPUSH s 1 2 3", "RPUSH d x", "LMOVE s d RIGHT RIGHT", "LRANGE s 0 -1", "LRANGE d 0 -1"),
		C("lset every index", "RPUSH l a b c", "LSET l 0 x", "LSET l 1 y", "LSET l 2 z", "LSET l -3 w", "LRANGE l 0 -1"),
		C("ltrim then push", "RPUSH l a b c", "LTRIM l 0 0", "RPUSH l d", "LRANGE l 0 -1", "LTRIM l 5 5", "EXISTS l", "LPUSHX l a"),
		C("blpop later key wrongtype", "RPUSH l a", "SET s v", "BLPOP l s 0", "BLPOP nokey s 0", "BRPOP s l 0"),
		C("blmpop later key wrongtype", "RPUSH l a", "SET s v", "BLMPOP 0 2 l s LEFT", "BLMPOP 0 2 s l LEFT"),
		C("lpop count then rpop", "RPUSH l 1 2 3 4 5 6", "LPOP l 2", "RPOP l 2", "LPOP l 1", "RPOP l 1", "EXISTS l"),
		C("lrange after pops", "RPUSH l 1 2 3 4", "LPOP l", "RPOP l", "LRANGE l 0 -1", "LINDEX l 0", "LINDEX l -1"),
		C("lrem negative count order", "RPUSH l a b a b a", "LREM l -2 a", "LRANGE l 0 -1", "LREM l 2 b", "LRANGE l 0 -1"),
		C("list type and encoding", "RPUSH l a", "TYPE l", "OBJECT ENCODING l", "RPUSH l "+big, "OBJECT ENCODING l"),
		C("list in multi", "MULTI", "RPUSH l a b c", "LPOP l", "LRANGE l 0 -1", "LMOVE l l LEFT RIGHT", "EXEC"),
	}
	// Every command against a string key answers WRONGTYPE and changes nothing.
	for _, cmd := range []string{"LPUSH k a", "RPUSH k a", "LPUSHX k a", "RPUSHX k a", "LPOP k", "RPOP k", "LPOP k 1", "LLEN k",
		"LINDEX k 0", "LINSERT k BEFORE a b", "LPOS k a", "LRANGE k 0 -1", "LREM k 0 a", "LSET k 0 a", "LTRIM k 0 1",
		"LMOVE k d LEFT LEFT", "RPOPLPUSH k d", "LMPOP 1 k LEFT", "BLPOP k 0", "BRPOP k 0", "BLMOVE k d LEFT LEFT 0", "BRPOPLPUSH k d 0", "BLMPOP 0 1 k LEFT"} {
		cases = append(cases, C("wrongtype "+cmd, "SET k v", cmd, "GET k", "HSET z a 1", strings.Replace(cmd, " k", " z", 1)))
	}
	// Every read and write against a missing key.
	for _, cmd := range []string{"LPOP k", "RPOP k", "LPOP k 3", "LLEN k", "LINDEX k 0", "LINSERT k BEFORE a b", "LPOS k a", "LPOS k a COUNT 0",
		"LRANGE k 0 -1", "LREM k 0 a", "LSET k 0 a", "LTRIM k 0 1", "LMOVE k d LEFT LEFT", "RPOPLPUSH k d", "LMPOP 1 k RIGHT", "LPUSHX k a", "RPUSHX k a"} {
		cases = append(cases, C("missing "+cmd, cmd, "EXISTS k d"))
	}
	// Index arithmetic over a range of positions, on a small and a large
	// list (the large one spans several nodes).
	for _, n := range []int{5, 1200} {
		seen := map[int]bool{}
		for _, idx := range []int{0, 1, 2, -1, -2, -5, 4, 5, n - 1, n, -n, -n - 1} {
			if seen[idx] {
				continue
			}
			seen[idx] = true
			cases = append(cases, C(fmt.Sprintf("index %d of %d", idx, n), rpushMany("l", 0, n),
				fmt.Sprintf("LINDEX l %d", idx), fmt.Sprintf("LSET l %d new", idx), fmt.Sprintf("LINDEX l %d", idx),
				fmt.Sprintf("LRANGE l %d %d", idx, idx+2), fmt.Sprintf("LRANGE l %d %d", idx-3, idx)))
		}
		for _, r := range [][2]int{{0, -1}, {1, -2}, {2, 2}, {-3, -1}, {3, 1}, {0, n}, {-n - 5, 2}, {n - 2, n + 5}} {
			cases = append(cases, C(fmt.Sprintf("trim %d %d of %d", r[0], r[1], n), rpushMany("l", 0, n),
				fmt.Sprintf("LTRIM l %d %d", r[0], r[1]), "LLEN l", "LRANGE l 0 2", "LRANGE l -2 -1"))
		}
	}
	diff(t, cases)
}

// rpushMany is an RPUSH of values v<from>..v<to-1>.
func rpushMany(key string, from, to int) string {
	var b strings.Builder
	b.WriteString("RPUSH " + key)
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, " v%d", i)
	}
	return b.String()
}
