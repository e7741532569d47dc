package stream

import (
	"fmt"
	"testing"
)

// groupFixture is a stream with entries 1-0 .. n-0 and a group "g" at 0-0.
func groupFixture(t *testing.T, n int) (*Stream, *Group) {
	t.Helper()
	s := New()
	for i := 1; i <= n; i++ {
		mustAdd(t, s, ID{uint64(i), 0}, "f", fmt.Sprint(i))
	}
	g, err := s.CreateGroup("g", MinID, -1)
	if err != nil {
		t.Fatal(err)
	}
	return s, g
}

func pendingIDs(ps []Pending) string {
	out := ""
	for _, p := range ps {
		out += fmt.Sprintf("%v/%s/%d/%d ", p.ID, p.Consumer, p.DeliveryTime, p.DeliveryCount)
	}
	return out
}

func TestGroupsAndConsumers(t *testing.T) {
	s, _ := groupFixture(t, 3)
	if _, err := s.CreateGroup("g", MinID, -1); err != ErrBusyGroup {
		t.Fatalf("duplicate group: %v", err)
	}
	s.CreateGroup("a", MinID, -1)
	s.CreateGroup("z", MinID, -1)
	names := ""
	for _, g := range s.Groups() {
		names += g.Name()
	}
	if names != "agz" || s.Info().Groups != 3 {
		t.Fatalf("groups %q", names)
	}
	if !s.DestroyGroup("a") || s.DestroyGroup("a") || s.Group("a") != nil {
		t.Fatal("DestroyGroup")
	}
	g := s.Group("g")
	if _, created := g.CreateConsumer("bob", 5); !created {
		t.Fatal("CreateConsumer did not create")
	}
	if c, created := g.CreateConsumer("bob", 9); created || c.SeenTime() != 5 {
		t.Fatal("CreateConsumer on an existing consumer must not touch it")
	}
	if c := g.TouchConsumer("bob", 9); c.SeenTime() != 9 {
		t.Fatal("TouchConsumer did not refresh the seen time")
	}
	g.TouchConsumer("alice", 10)
	if g.Consumers()[0].Name() != "alice" || g.Consumers()[1].Name() != "bob" {
		t.Fatal("consumers not in name order")
	}
	if g.DeleteConsumer("nobody") != -1 {
		t.Fatal("DeleteConsumer of a missing consumer")
	}
}

func TestReadGroupAndAck(t *testing.T) {
	s, g := groupFixture(t, 5)
	alice := g.TouchConsumer("alice", 100)
	got := s.ReadGroup(g, alice, 2, false, 100)
	if fmt.Sprint(ids(got)) != "[1-0 2-0]" || g.LastID() != (ID{2, 0}) {
		t.Fatalf("first read %v, last %v", ids(got), g.LastID())
	}
	bob := g.TouchConsumer("bob", 200)
	got = s.ReadGroup(g, bob, 0, false, 200)
	if fmt.Sprint(ids(got)) != "[3-0 4-0 5-0]" {
		t.Fatalf("second read %v", ids(got))
	}
	if s.HasNewFor(g) {
		t.Fatal("HasNewFor after reading everything")
	}
	if lag, ok := s.Lag(g); !ok || lag != 0 {
		t.Fatalf("lag %d %v", lag, ok)
	}
	// Created at 0-0 without ENTRIESREAD, the counter is estimated on the
	// first read (the first entry is the 1st ever added) and counted after.
	if g.EntriesRead() != 5 {
		t.Fatalf("entries read %d, want 5", g.EntriesRead())
	}
	ps := g.PendingSummary()
	if ps.Count != 5 || ps.Min != (ID{1, 0}) || ps.Max != (ID{5, 0}) ||
		fmt.Sprint(ps.Consumers) != "[{alice 2} {bob 3}]" {
		t.Fatalf("summary %+v", ps)
	}
	if n := g.Ack(ID{1, 0}, ID{1, 0}, ID{4, 0}, ID{9, 0}); n != 2 {
		t.Fatalf("Ack = %d", n)
	}
	if alice.PendingCount() != 1 || bob.PendingCount() != 2 || g.PendingCount() != 3 {
		t.Fatal("PEL sizes after ack")
	}
	// History: alice's own pending entries, redelivered.
	s.Delete(ID{2, 0})
	hist := s.ReadHistory(alice, MinID, 0, 300)
	if len(hist) != 1 || hist[0].ID != (ID{2, 0}) || hist[0].Fields != nil {
		t.Fatalf("history with a deleted entry: %+v", hist)
	}
	hist = s.ReadHistory(bob, ID{3, 0}, 0, 300)
	if fmt.Sprint(ids(hist)) != "[5-0]" {
		t.Fatalf("history after 3-0: %v", ids(hist))
	}
	if p := bob.Pending(0); pendingIDs(p) != "3-0/bob/200/1 5-0/bob/300/2 " {
		t.Fatalf("bob's PEL after history read: %s", pendingIDs(p))
	}
	// NOACK moves the group on without pending entries.
	mustAdd(t, s, ID{6, 0}, "f", "6")
	if !s.HasNewFor(g) {
		t.Fatal("HasNewFor with a new entry")
	}
	s.ReadGroup(g, alice, 0, true, 400)
	if g.LastID() != (ID{6, 0}) || g.PendingCount() != 3 {
		t.Fatalf("NOACK read: last %v pending %d", g.LastID(), g.PendingCount())
	}
	// Rewinding the group hands entries over to the new reader.
	g.SetID(MinID, -1)
	s.ReadGroup(g, alice, 3, false, 500)
	// 2-0 stays pending though deleted; 3-0 moves from bob to alice; the
	// acknowledged 1-0 and 4-0 become pending again.
	if p := g.Pending(0); pendingIDs(p) != "1-0/alice/500/1 2-0/alice/100/1 3-0/alice/500/1 4-0/alice/500/1 5-0/bob/300/2 " {
		t.Fatalf("after rewind: %s", pendingIDs(p))
	}
	if bob.PendingCount() != 1 || alice.PendingCount() != 4 {
		t.Fatalf("rewind: bob %d alice %d", bob.PendingCount(), alice.PendingCount())
	}
	if n := g.DeleteConsumer("alice"); n != 4 || g.PendingCount() != 1 {
		t.Fatalf("DeleteConsumer = %d, group pending %d", n, g.PendingCount())
	}
}

func TestPendingRange(t *testing.T) {
	s, g := groupFixture(t, 6)
	a := g.TouchConsumer("a", 0)
	b := g.TouchConsumer("b", 0)
	s.ReadGroup(g, a, 2, false, 1000) // 1-0, 2-0 at 1000
	s.ReadGroup(g, b, 2, false, 2000) // 3-0, 4-0 at 2000
	s.ReadGroup(g, a, 2, false, 3000) // 5-0, 6-0 at 3000
	cases := []struct {
		a    PendingRangeArgs
		want string
	}{
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 10}, "1-0 2-0 3-0 4-0 5-0 6-0"},
		{PendingRangeArgs{Start: ID{2, 0}, End: ID{4, 0}, Count: 10}, "2-0 3-0 4-0"},
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 2}, "1-0 2-0"},
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 0}, ""},
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 10, Consumer: a}, "1-0 2-0 5-0 6-0"},
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 10, MinIdle: 1500}, "1-0 2-0 3-0 4-0"},
		{PendingRangeArgs{Start: MinID, End: MaxID, Count: 1, MinIdle: 1500, Consumer: b}, "3-0"},
	}
	for _, c := range cases {
		got := ""
		for _, p := range g.PendingRange(c.a, 3500) {
			if got != "" {
				got += " "
			}
			got += p.ID.String()
		}
		if got != c.want {
			t.Errorf("PendingRange(%+v) = %q, want %q", c.a, got, c.want)
		}
	}
	if idle := (Pending{DeliveryTime: 5000}).Idle(3000); idle != 0 {
		t.Fatalf("idle of a future delivery = %d, want 0", idle)
	}
}

func TestClaim(t *testing.T) {
	s, g := groupFixture(t, 5)
	a := g.TouchConsumer("a", 0)
	s.ReadGroup(g, a, 3, false, 1000) // 1-0 .. 3-0 pending for a

	// Not idle long enough: nothing claimed, and the consumer is not created.
	res := s.Claim(g, "b", []ID{{1, 0}}, ClaimArgs{MinIdle: 5000, DeliveryTime: -1, RetryCount: -1}, 2000)
	if len(res.Claimed) != 0 || g.Consumer("b") != nil {
		t.Fatalf("claim below min idle: %+v, consumer %v", res, g.Consumer("b"))
	}
	res = s.Claim(g, "b", []ID{{1, 0}, {4, 0}, {2, 0}}, ClaimArgs{MinIdle: 500, DeliveryTime: -1, RetryCount: -1}, 2000)
	if fmt.Sprint(ids(res.Claimed)) != "[1-0 2-0]" || res.Claimed[0].Fields == nil {
		t.Fatalf("claim: %+v", res)
	}
	b := g.Consumer("b")
	if b == nil || b.SeenTime() != 2000 || b.PendingCount() != 2 || a.PendingCount() != 1 {
		t.Fatal("claim did not move the entries to b")
	}
	if p := g.Pending(0); pendingIDs(p) != "1-0/b/2000/2 2-0/b/2000/2 3-0/a/1000/1 " {
		t.Fatalf("PEL after claim: %s", pendingIDs(p))
	}
	// JUSTID keeps the delivery count; TIME in the future becomes now; RETRYCOUNT sets it.
	s.Claim(g, "c", []ID{{1, 0}}, ClaimArgs{DeliveryTime: 99999, RetryCount: -1, JustID: true}, 3000)
	s.Claim(g, "c", []ID{{2, 0}}, ClaimArgs{DeliveryTime: 2500, RetryCount: 9}, 3000)
	if p := g.Pending(0); pendingIDs(p) != "1-0/c/3000/2 2-0/c/2500/9 3-0/a/1000/1 " {
		t.Fatalf("PEL after JUSTID/TIME/RETRYCOUNT: %s", pendingIDs(p))
	}
	if p, ok := g.PendingEntry(ID{2, 0}); !ok || p.Consumer != "c" || p.DeliveryTime != 2500 || p.DeliveryCount != 9 {
		t.Fatalf("PendingEntry(2-0) = %+v, %v", p, ok)
	}
	if _, ok := g.PendingEntry(ID{4, 0}); ok {
		t.Fatal("PendingEntry of an entry never delivered")
	}
	// FORCE creates a pending entry for an entry nobody had, ignoring min idle.
	res = s.Claim(g, "d", []ID{{5, 0}}, ClaimArgs{MinIdle: 1 << 40, DeliveryTime: -1, RetryCount: -1, Force: true, JustID: true, LastID: ID{9, 0}}, 4000)
	if len(res.Claimed) != 1 || res.Claimed[0].Fields != nil || g.LastID() != (ID{9, 0}) {
		t.Fatalf("FORCE claim: %+v last %v", res, g.LastID())
	}
	// A deleted entry leaves the PEL.
	s.Delete(ID{3, 0})
	res = s.Claim(g, "d", []ID{{3, 0}}, ClaimArgs{DeliveryTime: -1, RetryCount: -1, Force: true}, 5000)
	if len(res.Claimed) != 0 || fmt.Sprint(res.Deleted) != "[3-0]" || a.PendingCount() != 0 {
		t.Fatalf("claim of a deleted entry: %+v", res)
	}
}

func TestAutoClaim(t *testing.T) {
	s, g := groupFixture(t, 30)
	a := g.TouchConsumer("a", 0)
	s.ReadGroup(g, a, 0, false, 1000)
	s.Delete(ID{2, 0}, ID{3, 0})
	res := s.AutoClaim(g, "b", MinID, 0, 3, false, 2000)
	if fmt.Sprint(ids(res.Claimed)) != "[1-0]" || fmt.Sprint(res.Deleted) != "[2-0 3-0]" || res.Next != (ID{4, 0}) {
		t.Fatalf("AutoClaim count 3: %+v", res)
	}
	// Only entries idle long enough are claimed, and the walk looks at 10*count entries.
	s.Claim(g, "a", []ID{{5, 0}, {6, 0}}, ClaimArgs{DeliveryTime: -1, RetryCount: -1}, 5000)
	res = s.AutoClaim(g, "b", ID{4, 0}, 3000, 1, true, 5000)
	if fmt.Sprint(ids(res.Claimed)) != "[4-0]" || res.Claimed[0].Fields != nil || res.Next != (ID{5, 0}) {
		t.Fatalf("AutoClaim JUSTID: %+v", res)
	}
	res = s.AutoClaim(g, "b", ID{5, 0}, 3000, 1, false, 5000)
	if fmt.Sprint(ids(res.Claimed)) != "[7-0]" || res.Next != (ID{8, 0}) {
		t.Fatalf("AutoClaim skipping fresh entries: %+v", res)
	}
	// Nothing idle enough: the cursor stops after 10*count attempts
	// (1-0 and 4-0 .. 12-0; 2-0 and 3-0 are gone).
	res = s.AutoClaim(g, "b", MinID, 1<<40, 1, false, 5000)
	if len(res.Claimed) != 0 || res.Next != (ID{13, 0}) {
		t.Fatalf("AutoClaim attempts: %+v", res)
	}
	res = s.AutoClaim(g, "b", ID{25, 0}, 0, 100, false, 6000)
	if len(res.Claimed) != 6 || res.Next != (ID{}) {
		t.Fatalf("AutoClaim to the end: %d claimed, next %v", len(res.Claimed), res.Next)
	}
	if p := g.PendingRange(PendingRangeArgs{Start: ID{30, 0}, End: ID{30, 0}, Count: 1}, 6000); pendingIDs(p) != "30-0/b/6000/2 " {
		t.Fatalf("claimed entry state: %s", pendingIDs(p))
	}
}

// TestLag walks through the cases of Redis's lag and entries-read logic.
func TestLag(t *testing.T) {
	s := New()
	g, _ := s.CreateGroup("g", MinID, -1)
	if lag, ok := s.Lag(g); !ok || lag != 0 {
		t.Fatalf("empty never-used stream: %d %v", lag, ok)
	}
	for i := 1; i <= 10; i++ {
		mustAdd(t, s, ID{uint64(i), 0}, "f", "v")
	}
	if lag, ok := s.Lag(g); !ok || lag != 10 {
		t.Fatalf("group before the first entry: %d %v", lag, ok)
	}
	c := g.TouchConsumer("c", 0)
	s.ReadGroup(g, c, 3, false, 0)
	if g.EntriesRead() != 3 {
		t.Fatalf("entries read %d", g.EntriesRead())
	}
	if lag, ok := s.Lag(g); !ok || lag != 7 {
		t.Fatalf("after 3 reads: %d %v", lag, ok)
	}
	// A tombstone ahead of the group makes the lag unknown.
	s.Delete(ID{5, 0})
	if _, ok := s.Lag(g); ok {
		t.Fatal("lag known with a tombstone ahead")
	}
	// Reading past it makes the counter an estimate that is not available.
	s.ReadGroup(g, c, 3, false, 0)
	if g.EntriesRead() != -1 {
		t.Fatalf("entries read after crossing a tombstone: %d", g.EntriesRead())
	}
	// Reaching the last entry makes it exact again.
	s.ReadGroup(g, c, 0, false, 0)
	if lag, ok := s.Lag(g); !ok || lag != 0 || g.EntriesRead() != 10 {
		t.Fatalf("at the end: lag %d %v read %d", lag, ok, g.EntriesRead())
	}
	// A group created at the last ID has no lag; one at 0-0 with tombstones
	// before the first entry is estimated.
	s.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 4})
	h, _ := s.CreateGroup("h", MinID, -1)
	if lag, ok := s.Lag(h); !ok || lag != 4 {
		t.Fatalf("group at 0-0 after trimming past the tombstone: %d %v", lag, ok)
	}
}
