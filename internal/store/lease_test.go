package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// twoInstances opens one fresh database twice, as two processes would.
func twoInstances(t *testing.T, db testDB) (a, b *store.Store) {
	t.Helper()
	loc := db.fresh(t)
	a, _ = mustOpenAt(t, loc, fixedClock)
	b, _ = mustOpenAt(t, loc, fixedClock)
	return a, b
}

// A live lease is the holder's alone: another instance's claim says who
// holds it and until when, renewing and releasing check the token, and a
// released source can be claimed at once.
func TestLeaseIsExclusiveUntilReleased(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		a, b := twoInstances(t, db)
		mustUpsertSource(t, a, wireSource())

		la, err := a.ClaimSource(ctx, "wire", "a", 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if la.Token == 0 || la.Holder != "a" || la.Until.IsZero() {
			t.Fatalf("lease = %+v", la)
		}
		_, err = b.ClaimSource(ctx, "wire", "b", 30*time.Second)
		var held *newsroom.HeldError
		if !errors.As(err, &held) || !errors.Is(err, newsroom.ErrLeaseHeld) || held.By != "a" || !held.Until.Equal(la.Until) {
			t.Fatalf("second claim: %v, want held by a until %s", err, la.Until)
		}
		if got := mustSourceByName(t, b, "wire"); got.ClaimedBy != "a" || !got.ClaimedUntil.Equal(la.Until) {
			t.Errorf("source shows %q until %s", got.ClaimedBy, got.ClaimedUntil)
		}
		forged := la
		forged.Token++
		if _, err := b.RenewLease(ctx, forged, time.Minute); !errors.Is(err, newsroom.ErrLeaseLost) {
			t.Errorf("renew with another token: %v, want ErrLeaseLost", err)
		}
		if err := b.ReleaseLease(ctx, forged); err != nil {
			t.Fatal(err)
		}
		if renewed, err := a.RenewLease(ctx, la, time.Hour); err != nil || renewed.Until.Before(la.Until) {
			t.Fatalf("renew: %+v, %v (a forged release must not free it)", renewed, err)
		}
		if err := a.ReleaseLease(ctx, la); err != nil {
			t.Fatal(err)
		}
		if got := mustSourceByName(t, a, "wire"); got.ClaimedBy != "" || !got.ClaimedUntil.IsZero() {
			t.Errorf("released source shows %q until %s", got.ClaimedBy, got.ClaimedUntil)
		}
		if _, err := b.ClaimSource(ctx, "wire", "b", 30*time.Second); err != nil {
			t.Errorf("claim after release: %v", err)
		}
		if _, err := a.ClaimSource(ctx, "nope", "a", time.Second); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("unknown source: %v", err)
		}
	})
}

// Of several instances whose schedules fire for the same due run, exactly
// one gets it, whether they claim at once or one after the other's pass.
func TestDueRunIsClaimedOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		a, b := twoInstances(t, db)
		src := mustUpsertSource(t, a, wireSource())
		mustSavePass(t, a, newsroom.Pass{SourceID: src.ID, State: newsroom.SourceState{LastAttempt: t0, NextRun: t0}})
		due := mustSourceByName(t, b, "wire").NextRun

		var (
			wg   sync.WaitGroup
			errs [8]error
		)
		for i := range errs {
			st := []*store.Store{a, b}[i%2]
			wg.Go(func() { _, errs[i] = st.ClaimDueRun(ctx, "wire", "i", 30*time.Second, due) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, newsroom.ErrLeaseHeld):
				t.Errorf("losing claim: %v, want ErrLeaseHeld", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d claims won the same run, want 1", won)
		}

		// The winner's pass writes the next run and releases: a late fire for
		// the run it took finds the run gone, not the source free.
		l, err := a.ClaimSource(ctx, "wire", "a", time.Minute)
		if !errors.Is(err, newsroom.ErrLeaseHeld) {
			t.Fatalf("claim while held: %+v, %v", l, err)
		}
		if err := store.LapseLease(ctx, a, "wire"); err != nil {
			t.Fatal(err)
		}
		l, err = a.ClaimDueRun(ctx, "wire", "a", time.Minute, due)
		if err != nil {
			t.Fatalf("claim of a lapsed lease: %v", err)
		}
		mustSavePass(t, a, newsroom.Pass{SourceID: src.ID, Lease: &l,
			State: newsroom.SourceState{LastAttempt: t0, NextRun: t0.Add(10 * time.Minute)}})
		if _, err := b.ClaimDueRun(ctx, "wire", "b", time.Minute, due); !errors.Is(err, newsroom.ErrRunTaken) {
			t.Errorf("late fire: %v, want ErrRunTaken", err)
		}
		if got := mustSourceByName(t, b, "wire"); got.ClaimedBy != "" {
			t.Errorf("the pass did not release the lease: held by %q", got.ClaimedBy)
		}
	})
}

// A pass whose lease was taken over writes nothing: not its items, not its
// state, and the new holder's lease stays.
func TestPassWithLostLeaseWritesNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		a, b := twoInstances(t, db)
		src := mustUpsertSource(t, a, wireSource())
		la, err := a.ClaimSource(ctx, "wire", "a", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.LapseLease(ctx, a, "wire"); err != nil {
			t.Fatal(err)
		}
		lb, err := b.ClaimSource(ctx, "wire", "b", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.SavePass(ctx, newsroom.Pass{SourceID: src.ID, Lease: &la,
			State: newsroom.SourceState{LastAttempt: t0, LastSuccess: t0, NextRun: t0.Add(time.Hour)},
			Items: []newsroom.PassItem{passItem("wire", "guid:a", "ha", article("g-a", t0, "world"))}})
		if !errors.Is(err, newsroom.ErrLeaseLost) {
			t.Fatalf("save under a lost lease: %v, want ErrLeaseLost", err)
		}
		if _, err := a.Article(ctx, "g-a"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("the lost pass's article was stored: %v", err)
		}
		got := mustSourceByName(t, a, "wire")
		if !got.LastAttempt.IsZero() || !got.NextRun.IsZero() || got.ClaimedBy != "b" || !got.ClaimedUntil.Equal(lb.Until) {
			t.Errorf("source after the lost pass: attempt %s, next %s, held by %q until %s",
				got.LastAttempt, got.NextRun, got.ClaimedBy, got.ClaimedUntil)
		}
		if _, err := a.RenewLease(ctx, la, time.Minute); !errors.Is(err, newsroom.ErrLeaseLost) {
			t.Errorf("renew of the lost lease: %v", err)
		}
		// A catch-up pass keeps the lease; the last one releases it.
		mustSavePass(t, b, newsroom.Pass{SourceID: src.ID, Lease: &lb, KeepLease: true, State: newsroom.SourceState{LastAttempt: t0}})
		mustSavePass(t, b, newsroom.Pass{SourceID: src.ID, Lease: &lb, State: newsroom.SourceState{LastAttempt: t0}})
		if _, err := b.SavePass(ctx, newsroom.Pass{SourceID: src.ID, Lease: &lb}); !errors.Is(err, newsroom.ErrLeaseLost) {
			t.Errorf("save after the release: %v, want ErrLeaseLost", err)
		}
	})
}

// Only lapsed leases of polled sources are taken over, the longest due
// first and no more than asked.
func TestClaimLapsedLeases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		a, b := twoInstances(t, db)
		for i, name := range []string{"late", "early", "live", "off", "free"} {
			src := wireSource()
			src.Name = name
			src.Enabled = name != "off"
			s := mustUpsertSource(t, a, src)
			mustSavePass(t, a, newsroom.Pass{SourceID: s.ID, State: newsroom.SourceState{NextRun: t0.Add(time.Duration(5-i) * time.Minute)}})
			if name == "free" {
				continue
			}
			if _, err := a.ClaimSource(ctx, name, "dead", time.Hour); err != nil {
				t.Fatal(err)
			}
			if name != "live" {
				if err := store.LapseLease(ctx, a, name); err != nil {
					t.Fatal(err)
				}
			}
		}
		ls, err := b.ClaimLapsedLeases(ctx, "b", time.Minute, 1)
		if err != nil || len(ls) != 1 || ls[0].Source != "early" || ls[0].Holder != "b" {
			t.Fatalf("first takeover = %+v, %v; want early", ls, err)
		}
		ls, err = b.ClaimLapsedLeases(ctx, "b", time.Minute, 10)
		if err != nil || len(ls) != 1 || ls[0].Source != "late" {
			t.Fatalf("second takeover = %+v, %v; want late only", ls, err)
		}
		if _, err := b.RenewLease(ctx, ls[0], time.Minute); err != nil {
			t.Errorf("renew a taken-over lease: %v", err)
		}
	})
}
