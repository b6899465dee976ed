package ingest_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
)

func isErr(err, target error) bool { return errors.Is(err, target) }

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

// isTimeout accepts fetch's deadline and the transport's header timeout,
// whichever fires first (both are the client's Timeout).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// A failing source backs off exponentially and recovers by itself, while
// the other sources keep updating in the same runs.
func TestFailingSourceBacksOffWhileOthersUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.MaxBackoff = 30 * time.Minute })
	e.up.file(t, "/good", "edit-v1.rss")
	e.up.set("/broken", route{status: http.StatusInternalServerError})
	e.addSource("good", "/good")
	e.addSource("broken", "/broken")
	ctx := context.Background()

	wantDelay := []time.Duration{10 * time.Minute, 20 * time.Minute, 30 * time.Minute, 30 * time.Minute} // capped
	for pass, want := range wantDelay {
		if pass == 1 {
			e.up.file(t, "/good", "edit-v2.rss") // the healthy source changes meanwhile
		}
		res, err := e.in.RunAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		good, broken := res[1], res[0]
		if broken.Source != "broken" || broken.Err == nil || good.Err != nil {
			t.Fatalf("pass %d: %+v", pass+1, res)
		}
		if pass == 1 && good.Updated != 1 {
			t.Errorf("pass 2: the healthy source did not update: %+v", good)
		}
		src := e.source("broken")
		if src.Failures != pass+1 || src.NextRun.Sub(src.LastAttempt) != want ||
			!strings.Contains(src.LastError, "500") || !src.LastSuccess.IsZero() || !src.Polled() {
			t.Errorf("pass %d: broken source %+v, want %d failures and a %v delay", pass+1, src, pass+1, want)
		}
		if g := e.source("good"); g.Failures != 0 || g.LastError != "" {
			t.Errorf("pass %d: healthy source %+v", pass+1, g)
		}
		e.clock.Advance(want)
	}
	if e.byTitle("وزير المالية يعرض الموازنة الجديدة") == nil {
		t.Error("the healthy source's edit is missing")
	}

	// The upstream comes back: the source recovers without anyone's help.
	e.up.file(t, "/broken", "rss091.rss")
	if res := e.mustRun("broken"); res.New != 2 {
		t.Errorf("recovery pass = %+v", res)
	}
	src := e.source("broken")
	if src.Failures != 0 || src.LastError != "" || !src.LastSuccess.Equal(src.LastAttempt) ||
		src.NextRun.Sub(src.LastAttempt) != 10*time.Minute {
		t.Errorf("after recovery: %+v", src)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	// fetch reads an HTTP date against the real clock, not the test's: the
	// date's tolerance grows by however long the (parallel) subtest waits to run.
	made := time.Now()
	inTwoHours := made.Add(2 * time.Hour).UTC().Format(http.TimeFormat)
	for _, tc := range []struct {
		name      string
		status    int
		after     string
		want, tol time.Duration
	}{
		{"429 with seconds", http.StatusTooManyRequests, "3600", time.Hour, 0},
		{"503 with an HTTP date", http.StatusServiceUnavailable, inTwoHours, 2 * time.Hour, time.Minute},
		{"capped at MaxBackoff", http.StatusServiceUnavailable, "86400", 6 * time.Hour, 0},
		{"shorter than the schedule", http.StatusTooManyRequests, "5", 10 * time.Minute, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.up.set("/f", route{status: tc.status, header: http.Header{"Retry-After": {tc.after}}})
			e.addSource("busy", "/f")
			res := e.run("busy")
			var se *fetch.StatusError
			if !errors.As(res.Err, &se) || se.Code != tc.status {
				t.Fatalf("err = %v", res.Err)
			}
			src := e.source("busy")
			tol := tc.tol
			if tol > 0 {
				tol += time.Since(made)
			}
			if got := src.NextRun.Sub(src.LastAttempt); got < tc.want-tol || got > tc.want {
				t.Errorf("next run after %v, want %v (-%v)", got, tc.want, tol)
			}
		})
	}
}

func TestGoneDisablesTheSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/gone", route{status: http.StatusGone})
	e.addSource("gone", "/gone")
	res := e.run("gone")
	if !errors.Is(res.Err, fetch.ErrGone) {
		t.Fatalf("err = %v, want ErrGone", res.Err)
	}
	src := e.source("gone")
	if src.DisabledReason != ingest.GoneReason || src.Polled() || !strings.Contains(src.LastError, "410") {
		t.Fatalf("after 410: %+v", src)
	}
	all, err := e.in.RunAll(context.Background())
	if err != nil || len(all) != 0 {
		t.Errorf("RunAll polled a gone source: %+v, %v", all, err)
	}
	e.in.Job("gone")(context.Background())
	if n := len(e.up.requests("/gone")); n != 1 {
		t.Errorf("%d requests to a gone source, want 1", n)
	}
	if res := e.run("gone"); !errors.Is(res.Err, ingest.ErrDisabled) || !strings.Contains(res.Err.Error(), "410 Gone") {
		t.Errorf("RunOne on a gone source: %v", res.Err)
	}
	// Re-applying the config does not revive it; the operator's reset does.
	e.addSource("gone", "/gone")
	if e.source("gone").Polled() {
		t.Error("re-applying the config revived a gone source")
	}
	if err := e.st.ResetSource(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	e.up.file(t, "/gone", "rss091.rss")
	if res := e.mustRun("gone"); res.New != 2 {
		t.Errorf("after reset: %+v", res)
	}
}

func TestPermanentRedirectUpdatesTheURL(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/new.rss", "rss091.rss")
	e.up.set("/old.rss", route{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new.rss", http.StatusMovedPermanently)
	}})
	e.up.set("/temp.rss", route{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new.rss", http.StatusFound)
	}})
	e.addSource("moved", "/old.rss")
	e.addSource("temp", "/temp.rss", func(s *newsroom.Source) { s.Categories = []string{"other"} })
	e.mustRun("moved")
	src := e.source("moved")
	if src.URL != e.up.URL("/new.rss") || src.URLChangedFrom != e.up.URL("/old.rss") {
		t.Fatalf("after 301: url %q from %q", src.URL, src.URLChangedFrom)
	}
	e.mustRun("moved")
	if n := len(e.up.requests("/old.rss")); n != 1 {
		t.Errorf("the old URL was requested %d times, want 1", n)
	}
	e.mustRun("temp")
	if src := e.source("temp"); src.URL != e.up.URL("/temp.rss") || src.URLChangedFrom != "" {
		t.Errorf("a 302 moved the source: %+v", src)
	}
	// Re-applying the config with the old URL keeps the move.
	e.addSource("moved", "/old.rss")
	if src := e.source("moved"); src.URL != e.up.URL("/new.rss") {
		t.Errorf("config re-applied over the move: %q", src.URL)
	}
}

// Fetch and parse failures are the failing source's own, clear error; the
// healthy source in the same run stores its items and nothing else changes.
func TestFetchAndParseErrorsAreRecordedOnTheSource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		setup   func(e *env) // serves /bad
		private bool
		is      func(error) bool
		msg     string
		timeout time.Duration // the fetch timeout of the pass over /bad; 0: the env's generous one
	}{
		{"slow server times out", func(e *env) {
			// The upstream never answers: it is released only when the test ends.
			never := make(chan struct{})
			e.t.Cleanup(func() { close(never) }) // before the upstream's Close, which waits for this handler
			e.up.set("/bad", route{handler: func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-never:
				}
			}})
		}, true, isTimeout, "fetch ", time.Second},
		{"redirect loop", func(e *env) {
			e.up.set("/bad", route{handler: func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad2", http.StatusFound) }})
			e.up.set("/bad2", route{handler: func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/bad", http.StatusFound) }})
		}, true, is(fetch.ErrTooManyRedirects), "redirect loop", 0},
		{"oversized body", func(e *env) {
			e.up.set("/bad", route{handler: func(w http.ResponseWriter, r *http.Request) {
				// 11 MiB of a well-formed start, streamed without a length.
				w.Header().Set("Content-Type", "application/rss+xml")
				io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>big</title><description>`)
				chunk := strings.Repeat("كلام كثير ", 1000)
				for n := 0; n < 11<<20; n += len(chunk) {
					if _, err := io.WriteString(w, chunk); err != nil {
						return
					}
				}
			}})
		}, true, is(fetch.ErrTooLarge), "too large", 0},
		{"SSRF guard refuses loopback", func(e *env) { e.up.file(e.t, "/bad", "rss091.rss") }, false, is(fetch.ErrBlockedAddress), "blocked", 0},
		{"malformed XML", func(e *env) { e.up.file(e.t, "/bad", "malformed.rss") }, true, nil, "parse", 0},
		{"JSON Feed with a null item (gofeed panics)", func(e *env) {
			e.up.set("/bad", route{contentType: "application/feed+json",
				body: []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[null,{"id":"ok","content_text":"fine body"}]}`)})
		}, true, nil, "null", 0},
		{"JSON Feed with a null author", func(e *env) {
			e.up.set("/bad", route{contentType: "application/feed+json",
				body: []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"ok","content_text":"fine body","authors":[null]}]}`)})
		}, true, nil, "null", 0},
		{"not a feed", func(e *env) {
			e.up.set("/bad", route{body: []byte("<html><body>hello</body></html>"), contentType: "text/html"})
		}, true, nil, "detect feed type", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t) // its client's timeout is generous: real work (11 MiB, parsing) never meets it
			tc.setup(e)
			e.up.file(t, "/good", "arabic.rss")
			e.addSource("bad", "/bad", func(s *newsroom.Source) { s.AllowPrivate = tc.private })
			e.addSource("good", "/good")
			vs := e.versions()
			// A short fetch timeout is only ever met by an upstream that never
			// answers, and only the pass over /bad has one; the healthy source
			// below keeps the generous one.
			bad := e.in
			if tc.timeout > 0 {
				bad = ingest.New(e.st, ingest.Options{Client: fetch.New(fetch.Options{Timeout: tc.timeout}), Now: e.clock.Now})
			}
			// A bound on a hang only: a pass cut off here was not ended by the fetcher.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			res, err := bad.RunAll(ctx, "bad")
			if ctx.Err() != nil {
				t.Fatalf("the pass over /bad ran into the test's bound: the fetcher's own limits did not end it (%v)", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := res[0].Err; got == nil || (tc.is != nil && !tc.is(got)) || !strings.Contains(got.Error(), tc.msg) {
				t.Fatalf("err = %v, want one mentioning %q", got, tc.msg)
			}
			src := e.source("bad")
			if src.Failures != 1 || !strings.Contains(src.LastError, tc.msg) || src.NextRun.IsZero() {
				t.Errorf("not recorded on the source: %+v", src)
			}
			if e.count() != 0 || !maps.Equal(e.versions(), vs) {
				t.Errorf("a failed pass changed the store")
			}
			if g := e.mustRun("good"); g.New != 4 {
				t.Errorf("healthy source after the failure: %+v", g)
			}
		})
	}
}
