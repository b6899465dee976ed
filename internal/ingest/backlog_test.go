package ingest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/ingest"
)

// validatorKinds are the ways an upstream lets a poll skip a document it
// already sent: ETag, Last-Modified (both answered with 304), or neither
// (the same bytes again, recognised by the stored body hash).
var validatorKinds = []struct {
	name string
	set  func(*route)
}{
	{"etag", func(r *route) { r.etag = `"w1"` }},
	{"last-modified", func(r *route) { r.lastModified = "Mon, 10 Mar 2025 11:00:00 GMT" }},
	{"body hash", func(*route) {}},
}

// Items held back by MaxNewPerPass are taken by the next passes although
// the upstream supports conditional GET: a pass that holds items back
// stores no validators, so the next poll fetches the document again and
// takes the next batch, until the whole window is stored; only then is the
// upstream allowed to answer 304. While a backlog remains, the upstream's
// max-age does not push the next poll back.
func TestHeldBackItemsAreTakenByLaterPolls(t *testing.T) {
	t.Parallel()
	for _, kind := range validatorKinds {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t) // the default cap: 60
			r := route{body: genFeed("big", 300, false, 200), header: http.Header{"Cache-Control": {"max-age=7200"}}}
			kind.set(&r)
			e.up.set("/big", r)
			e.addSource("big", "/big")

			for pass, deferred := range []int{240, 180, 120, 60, 0} {
				res := e.mustRun("big")
				if res.New != 60 || res.Deferred != deferred || res.NotModified {
					t.Fatalf("pass %d = %+v, want 60 new and %d held back", pass+1, res, deferred)
				}
				src := e.source("big")
				wantNext := 10 * time.Minute // the schedule: a backlog waits for no max-age
				if deferred == 0 {
					wantNext = 2 * time.Hour
				}
				if got := src.NextRun.Sub(src.LastAttempt); got != wantNext {
					t.Errorf("pass %d: next run after %v, want %v", pass+1, got, wantNext)
				}
				e.clock.Advance(10 * time.Minute)
			}
			if n := e.count(); n != 300 {
				t.Fatalf("%d articles stored, want 300", n)
			}
			reqs := e.up.requests("/big")
			for i, rq := range reqs {
				if rq.ifNoneMatch != "" || rq.ifModifiedSince != "" {
					t.Errorf("request %d sent validators %+v while items were held back", i+1, rq)
				}
			}
			// The whole window is stored: now the validators are.
			if res := e.mustRun("big"); !res.NotModified {
				t.Errorf("pass after the backlog = %+v, want not modified", res)
			}
			if n := e.count(); n != 300 {
				t.Errorf("%d articles after the last pass, want 300", n)
			}
		})
	}
}

// In serve, one scheduled run takes the whole backlog, a batch per pass
// from the one document fetched, instead of a batch per tick; the next tick
// polls with validators. RunAll (newswire fetch) does the same and sums the
// passes.
func TestJobAndRunAllCatchUpFromOneFetch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []string{"/job", "/all"} {
		e.up.set(p, route{body: genFeed(strings.TrimPrefix(p, "/"), 300, false, 200), etag: `"v` + p + `"`})
		e.addSource(strings.TrimPrefix(p, "/"), p)
	}
	var (
		mu      sync.Mutex
		results []ingest.Result
		changes int
	)
	e.in.OnResult(func(r ingest.Result) { mu.Lock(); results = append(results, r); mu.Unlock() })
	e.in.OnChange(func() { mu.Lock(); changes++; mu.Unlock() })

	e.in.Job("job")(context.Background())
	if n := len(e.latest("")); n != 300 {
		t.Fatalf("one job run stored %d articles, want 300", n)
	}
	if n := len(e.up.requests("/job")); n != 1 {
		t.Errorf("the job fetched the document %d times, want once", n)
	}
	if len(results) != 5 || changes != 5 {
		t.Errorf("%d results, %d change calls, want one per batch (5)", len(results), changes)
	}
	e.clock.Advance(10 * time.Minute)
	e.in.Job("job")(context.Background())
	if reqs := e.up.requests("/job"); len(reqs) != 2 || reqs[1].ifNoneMatch != `"v/job"` {
		t.Errorf("the next tick's request %+v, want one sending the ETag", reqs)
	}

	res, err := e.in.RunAll(context.Background(), "all")
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.Err != nil || r.New != 300 || r.Unchanged != 0 || r.Deferred != 0 || r.NotModified {
		t.Errorf("RunAll = %+v, want 300 new", r)
	}
	if n := len(e.up.requests("/all")); n != 1 {
		t.Errorf("RunAll fetched the document %d times, want once", n)
	}
	res, _ = e.in.RunAll(context.Background(), "all")
	if !res[0].NotModified {
		t.Errorf("RunAll again = %+v, want not modified", res[0])
	}
}

// Items the cleaning step refuses take no place in a pass's batch: were
// they counted, the newest refused items would fill every batch and the
// rest of the backlog would never come.
func TestRefusedItemsDoNotHoldTheBacklogBack(t *testing.T) {
	t.Parallel()
	refused := map[string]bool{}
	for i := range 5 { // the five newest
		refused[fmt.Sprintf("خبر رقم %d من ref", i)] = true
	}
	e := newEnv(t, func(o *ingest.Options) {
		o.MaxNewPerPass = 5
		o.Clean = func(a *feeds.Article, _ *content.Body) (content.Report, error) {
			if refused[a.Title] {
				return content.Report{}, content.ErrEmpty
			}
			return content.Report{}, nil
		}
	})
	e.up.set("/ref", route{body: genFeed("ref", 20, false, 200), etag: `"r"`})
	e.addSource("ref", "/ref")
	for pass := 0; ; pass++ {
		if pass == 10 {
			t.Fatalf("backlog not taken after 10 passes: %d of 15 articles stored", e.count())
		}
		if e.mustRun("ref").Deferred == 0 {
			break
		}
	}
	if n := e.count(); n != 15 {
		t.Errorf("%d articles, want the 15 not refused", n)
	}
}
