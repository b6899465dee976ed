package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// sameDB opens n stores on one fresh database of db's kind, all with the
// clock now: n instances sharing it (on SQLite, processes on one file).
func sameDB(t *testing.T, db testDB, n int, now func() time.Time) []*store.Store {
	t.Helper()
	loc := db.fresh(t)
	sts := make([]*store.Store, n)
	for i := range sts {
		sts[i], _ = mustOpenAt(t, loc, now)
	}
	return sts
}

// race runs f once per store, all at once, and waits.
func race(sts []*store.Store, f func(i int, st *store.Store)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, st := range sts {
		wg.Go(func() {
			<-start
			f(i, st)
		})
	}
	close(start)
	wg.Wait()
}

// Instances release due embargoes at once (each server's watcher does):
// every embargoed article is released by exactly one of them, and the
// release moves the versions once, so feeds are rendered and WebSub pushes
// go out once per release, not once per instance that looked.
func TestInstancesReleaseEachEmbargoOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		n := 2 // SQLite: processes on one file
		if db.name == "postgres" {
			n = 4
		}
		sts := sameDB(t, db, n, clk.Now)
		const rounds, perRound = 8, 3
		for r := range rounds {
			due := t0.Add(time.Duration(r+1) * time.Hour)
			for j := range perRound {
				a := article(fmt.Sprintf("embargoed-%d-%d", r, j), t0, "politics", fmt.Sprintf("desk%d", j))
				a.PublishAt = due
				mustSave(t, sts[0], a)
			}
			before := mustVersions(t, sts[0])
			clk.Set(due.Add(time.Second))
			var mu sync.Mutex
			released := 0
			race(sts, func(i int, st *store.Store) {
				k, err := st.ReleaseEmbargoes(ctx)
				if err != nil {
					t.Errorf("round %d, instance %d: %v", r, i, err)
				}
				mu.Lock()
				released += k
				mu.Unlock()
			})
			if released != perRound {
				t.Errorf("round %d: %d releases, want %d (each article once)", r, released, perRound)
			}
			after := mustVersions(t, sts[0])
			if after[""] != before[""]+1 {
				t.Errorf("round %d: the global version moved %d times, want once", r, after[""]-before[""])
			}
			if after["politics"] != after[""] {
				t.Errorf("round %d: politics at version %d, global %d", r, after["politics"], after[""])
			}
		}
	})
}

// A subscriber retrying its request through a load balancer reaches several
// instances at once: each request is taken (none fails on the unique key),
// and one request stays pending for the callback.
func TestInstancesTakingRequestsForOneCallbackAtOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		n := 2
		if db.name == "postgres" {
			n = 4
		}
		sts := sameDB(t, db, n, fixedClock)
		for round := range 10 {
			race(sts, func(i int, st *store.Store) {
				_, err := st.RequestWebSub(context.Background(), newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe,
					Topic: topicPolitics, Callback: "https://sub.example/cb", Lease: time.Hour, Requested: t0})
				if err != nil {
					t.Errorf("round %d, instance %d: %v", round, i, err)
				}
			})
		}
		ins, err := sts[0].WebSubIntents(context.Background())
		if err != nil || len(ins) != 1 {
			t.Errorf("pending requests = %+v, %v; want one", ins, err)
		}
	})
}

// A confirmation counts though the verifier's claim lapsed: it answers the
// very request (id) the subscriber echoed. When another instance verified
// the same request meanwhile, it is applied once; when the request was
// replaced, the old confirmation applies nothing.
func TestConfirmationOnALapsedClaim(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		sts := sameDB(t, db, 2, fixedClock)
		request := func() int64 {
			t.Helper()
			id, err := sts[0].RequestWebSub(ctx, newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe,
				Topic: topicPolitics, Callback: "https://sub.example/cb", Lease: time.Hour, Requested: t0})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		claim := func(st *store.Store, at time.Time) newsroom.WebSubIntent {
			t.Helper()
			ins, err := st.ClaimWebSubIntents(ctx, at, time.Minute, 1)
			if err != nil || len(ins) != 1 {
				t.Fatalf("claim at %v = %+v, %v", at, ins, err)
			}
			return ins[0]
		}
		id := request()
		first := claim(sts[0], t0)
		second := claim(sts[1], t0.Add(2*time.Minute)) // the first claim lapsed
		if _, err := sts[0].ConfirmWebSubIntent(ctx, first.ID, t0.Add(2*time.Minute)); err != nil {
			t.Fatalf("confirm on a lapsed claim: %v", err)
		}
		if _, err := sts[1].ConfirmWebSubIntent(ctx, second.ID, t0.Add(2*time.Minute)); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("second confirmation of request %d: %v, want ErrNotFound", id, err)
		}
		if err := sts[1].RetryWebSubIntent(ctx, second.ID, second.Claim, t0.Add(time.Hour), "x"); !errors.Is(err, newsroom.ErrClaimLost) {
			t.Errorf("retry of a confirmed request: %v, want ErrClaimLost", err)
		}
		if subs, err := sts[1].WebSubSubscribers(ctx, t0.Add(2*time.Minute)); err != nil || subs[topicPolitics] != 1 {
			t.Errorf("subscribers = %v, %v; want one", subs, err)
		}

		request()
		old := claim(sts[0], t0.Add(5*time.Minute))
		request() // replaced while its verification was in flight
		if _, err := sts[0].ConfirmWebSubIntent(ctx, old.ID, t0.Add(5*time.Minute)); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("confirmation of a replaced request: %v, want ErrNotFound", err)
		}
		if ins, err := sts[0].WebSubIntents(ctx); err != nil || len(ins) != 1 || ins[0].ID == old.ID {
			t.Errorf("pending after the stale confirmation = %+v, %v; want the newer request", ins, err)
		}
	})
}
