package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

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
