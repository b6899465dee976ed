package ingest_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
)

// The second poll sends the stored validators; a 304 writes nothing but the
// source's bookkeeping.
func TestSecondPollSendsValidatorsAnd304WritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const etag, lastMod = `"v1"`, "Sun, 09 Mar 2025 10:00:00 GMT"
	e.up.file(t, "/ar.rss", "arabic.rss", func(r *route) { r.etag, r.lastModified = etag, lastMod })
	e.addSource("wire", "/ar.rss")
	if res := e.mustRun("wire"); res.New != 4 {
		t.Fatalf("first pass = %+v", res)
	}
	first := e.source("wire")
	if first.ETag != etag || first.LastModified != lastMod {
		t.Fatalf("validators not stored: %q %q", first.ETag, first.LastModified)
	}
	vs, n, normalized := e.versions(), e.count(), e.in.Normalized()
	before := e.latest("")

	later := e.clock.Advance(30 * time.Minute)
	res := e.mustRun("wire")
	if !res.NotModified || res.New+res.Updated+res.Unchanged != 0 {
		t.Errorf("second pass = %+v, want a bare 304", res)
	}
	reqs := e.up.requests("/ar.rss")
	if len(reqs) != 2 || reqs[1].ifNoneMatch != etag || reqs[1].ifModifiedSince != lastMod {
		t.Errorf("second request sent validators %+v", reqs)
	}
	if !strings.HasPrefix(reqs[0].userAgent, "newswire") {
		t.Errorf("user agent %q", reqs[0].userAgent)
	}
	if got := e.versions(); !maps.Equal(got, vs) {
		t.Errorf("versions moved on a 304: %v -> %v", vs, got)
	}
	if e.count() != n || e.in.Normalized() != normalized {
		t.Errorf("a 304 stored or normalised items")
	}
	after := e.latest("")
	for i := range before {
		if !after[i].Updated.Equal(before[i].Updated) {
			t.Errorf("%q: updated moved on a 304", after[i].Title)
		}
	}
	src := e.source("wire")
	if !src.LastAttempt.Equal(later) || !src.LastSuccess.Equal(later) || !src.NextRun.Equal(later.Add(30*time.Minute)) ||
		src.LastNew != 0 || src.LastUpdated != 0 || src.ETag != etag {
		t.Errorf("bookkeeping after a 304: %+v", src)
	}
}

// A full 200 whose items are all stored is recognised by the raw-item
// hashes: nothing is normalised (so nothing sanitised) and nothing written.
// The very same bytes are not even parsed.
func TestUnchangedFull200SkipsNormalisingAndWriting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/ar.rss", "arabic.rss") // no validators: every poll is a 200
	e.addSource("wire", "/ar.rss")
	e.mustRun("wire")
	vs, normalized := e.versions(), e.in.Normalized()
	if normalized != 4 {
		t.Fatalf("normalised %d items on the first pass, want 4", normalized)
	}

	e.clock.Advance(time.Hour)
	e.up.touch("/ar.rss") // regenerated: other bytes, the same items
	res := e.mustRun("wire")
	if res.NotModified || res.New != 0 || res.Updated != 0 || res.Unchanged != 4 {
		t.Errorf("regenerated body = %+v, want 4 unchanged", res)
	}
	e.clock.Advance(time.Hour)
	if res := e.mustRun("wire"); !res.NotModified || res.New+res.Updated+res.Unchanged != 0 {
		t.Errorf("identical body = %+v, want it taken as not modified", res)
	}
	if got := e.in.Normalized(); got != normalized {
		t.Errorf("%d items normalised again", got-normalized)
	}
	if got := e.versions(); !maps.Equal(got, vs) {
		t.Errorf("versions moved: %v -> %v", vs, got)
	}
	if src := e.source("wire"); !src.LastSuccess.Equal(e.clock.Now()) || src.NextRun.Sub(src.LastAttempt) != 30*time.Minute {
		t.Errorf("bookkeeping: %+v", src)
	}
}

// An edited item updates its article in place: same GUID, new text, later
// updated time; the other item stays as it was.
func TestEditedItemUpdatesInPlace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/edit", "edit-v1.rss")
	e.addSource("edit", "/edit")
	e.mustRun("edit")
	v1 := e.byTitle("وزير المالية يعرض الموازنة")
	static := e.byTitle("خبر لا يتغير")

	e.clock.Advance(time.Hour)
	e.up.file(t, "/edit", "edit-v2.rss")
	res := e.mustRun("edit")
	if res.New != 0 || res.Updated != 1 || res.Unchanged != 1 {
		t.Errorf("edit pass = %+v", res)
	}
	if e.count() != 2 {
		t.Fatalf("%d articles, want 2", e.count())
	}
	v2 := e.byTitle("وزير المالية يعرض الموازنة الجديدة")
	if v2.GUID != v1.GUID || !v2.Published.Equal(v1.Published) || !v2.Updated.After(v1.Updated) ||
		!strings.Contains(v2.ContentHTML, "تحديث: أقر البرلمان المشروع.") {
		t.Errorf("edited article\n v1 %+v\n v2 %+v", v1, v2)
	}
	if s := e.byTitle("خبر لا يتغير"); !s.Updated.Equal(static.Updated) {
		t.Errorf("the unchanged item was rewritten")
	}
	e.render("world")
}

// <ttl> and max-age stretch the interval (max-age capped at 24 h), a 304
// still honours the stored <ttl>, and a schedule longer than both wins.
func TestUpstreamStretchesTheInterval(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, schedule string
		header         http.Header
		want           time.Duration
	}{
		{"ttl 30m over every 10m", "@every 10m", nil, 30 * time.Minute},
		{"max-age 2h over ttl", "@every 10m", http.Header{"Cache-Control": {"max-age=7200"}}, 2 * time.Hour},
		{"max-age capped at 24h", "@every 10m", http.Header{"Cache-Control": {"max-age=604800"}}, 24 * time.Hour},
		{"schedule longer than ttl", "@every 1h", nil, time.Hour},
		{"cron schedule", "0 */2 * * *", nil, 2 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.up.file(t, "/ar.rss", "arabic.rss", func(r *route) { r.etag, r.header = `"x"`, tc.header })
			e.addSource("wire", "/ar.rss", func(s *newsroom.Source) { s.Schedule = tc.schedule })
			e.mustRun("wire")
			src := e.source("wire")
			if got := src.NextRun.Sub(src.LastAttempt); got != tc.want || src.FeedTTL != 30*time.Minute {
				t.Errorf("interval %v (ttl %v), want %v", got, src.FeedTTL, tc.want)
			}
			e.clock.Advance(tc.want)
			if res := e.mustRun("wire"); !res.NotModified {
				t.Fatalf("second pass = %+v, want 304", res)
			}
			src = e.source("wire")
			if got := src.NextRun.Sub(src.LastAttempt); got != tc.want {
				t.Errorf("after a 304: interval %v, want %v", got, tc.want)
			}
		})
	}
}

// A scheduled job polls only when the source is due.
func TestJobHonoursNextRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/ar.rss", "arabic.rss")
	e.addSource("wire", "/ar.rss") // ttl 30m, schedule 10m
	changes, results := 0, 0
	e.in.OnChange(func() { changes++ })
	e.in.OnResult(func(ingest.Result) { results++ })
	job := e.in.Job("wire")
	ctx := context.Background()

	job(ctx) // never polled: due
	if n := len(e.up.requests("/ar.rss")); n != 1 || changes != 1 {
		t.Fatalf("first job: %d requests, %d change calls", n, changes)
	}
	for _, step := range []time.Duration{10 * time.Minute, 10 * time.Minute} {
		e.clock.Advance(step)
		job(ctx) // the ttl says 30 minutes
	}
	if n := len(e.up.requests("/ar.rss")); n != 1 {
		t.Fatalf("jobs before NextRun polled: %d requests", n)
	}
	e.clock.Advance(10 * time.Minute)
	job(ctx)
	if n := len(e.up.requests("/ar.rss")); n != 2 {
		t.Fatalf("job at NextRun: %d requests, want 2", n)
	}
	if changes != 1 || results != 2 {
		t.Errorf("OnChange called %d times (the second pass changed nothing), OnResult %d (two passes ran)", changes, results)
	}
	ingest.New(e.st, ingest.Options{}).Job("missing")(ctx) // a deleted source is logged, not fatal
}

// A cron tick that comes a little before NextRun still polls a source the
// schedule alone set: jitter must not halve the polling rate.
func TestJobToleratesEarlyTicksOfItsOwnSchedule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/f", "rss091.rss") // no ttl
	e.addSource("old", "/f")
	job := e.in.Job("old")
	job(context.Background())
	e.clock.Advance(10*time.Minute - 3*time.Second) // the next tick, a little early
	job(context.Background())
	if n := len(e.up.requests("/f")); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// RunAll polls every polled source, or the named ones, and says why it
// skips the others.
func TestRunAllSelectsSources(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.Concurrency = 2 })
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		e.up.set("/"+name, route{body: genFeed(name, 2, false, 200)})
		e.addSource(name, "/"+name)
	}
	e.addSource("off", "/a", func(s *newsroom.Source) { s.Enabled = false })
	var (
		mu       sync.Mutex
		reported []string
	)
	e.in.OnResult(func(r ingest.Result) {
		mu.Lock()
		reported = append(reported, r.Source)
		mu.Unlock()
	})
	res, err := e.in.RunAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range res {
		names = append(names, r.Source)
		if r.Err != nil || r.New != 2 {
			t.Errorf("%s: %+v", r.Source, r)
		}
	}
	if !slices.Equal(names, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("sources run: %q", names)
	}
	res, err = e.in.RunAll(context.Background(), "c", "off", "nope")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(reported)
	if want := []string{"a", "b", "c", "c", "d", "e", "nope", "off"}; !slices.Equal(reported, want) {
		t.Errorf("OnResult saw %q, want %q", reported, want)
	}
	if len(res) != 3 || res[0].Err != nil || !res[0].NotModified ||
		!isErr(res[1].Err, ingest.ErrDisabled) || !isErr(res[2].Err, newsroom.ErrNotFound) {
		t.Errorf("named run = %+v", res)
	}
}

// The cleaning step sees every new or changed article before it is stored;
// what it refuses is not published and is counted.
func TestCleanHookEditsOrDropsArticles(t *testing.T) {
	t.Parallel()
	errOnlyBoilerplate := errors.New("only boilerplate")
	e := newEnv(t, func(o *ingest.Options) {
		o.Clean = func(a *feeds.Article) error {
			if strings.Contains(a.Title, "معرض") {
				return errOnlyBoilerplate
			}
			a.Related = append(a.Related, feeds.Related{Title: "cleaned"})
			return nil
		}
	})
	e.up.file(t, "/ar.rss", "arabic.rss")
	e.addSource("wire", "/ar.rss")
	res := e.mustRun("wire")
	if res.New != 3 || res.Dropped != 1 {
		t.Errorf("pass = %+v, want 3 new and 1 dropped", res)
	}
	for _, a := range e.latest("") {
		if strings.Contains(a.Title, "معرض") || len(a.Related) != 1 {
			t.Errorf("%q: related %+v", a.Title, a.Related)
		}
	}
}
