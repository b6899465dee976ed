package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/store"
)

// withdrawingStore withdraws an article between the feed's two reads, as a
// concurrent admin request can.
type withdrawingStore struct {
	*store.Store
	guid string
}

func (w *withdrawingStore) Tombstones(ctx context.Context, cat string, n int) ([]feeds.Tombstone, error) {
	if w.guid != "" {
		if err := w.Store.WithdrawArticle(ctx, w.guid, "test"); err != nil {
			return nil, err
		}
		w.guid = ""
	}
	return w.Store.Tombstones(ctx, cat, n)
}

func TestWithdrawalDuringRender(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	a1, a2 := article(1, "politics"), article(2, "politics")
	if _, err := st.SaveArticles(context.Background(), []*feeds.Article{a1, a2}); err != nil {
		t.Fatal(err)
	}
	ws := &withdrawingStore{Store: st, guid: a1.GUID}
	srv := New(ws, Options{BaseURL: "https://news.example"}, slog.New(slog.DiscardHandler))
	srv.refreshVersions(context.Background())
	w := httptest.NewRecorder()
	srv.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feeds/politics.json", nil))
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	f, err := feeds.Parse(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 || f.Items[0].GUID != a2.GUID || len(f.Deleted) != 1 || f.Deleted[0].GUID != a1.GUID {
		t.Errorf("items %d, tombstones %v: want %s live and %s withdrawn", len(f.Items), f.Deleted, a2.GUID, a1.GUID)
	}
}

// blockingStore holds LatestArticles until released, and counts calls.
type blockingStore struct {
	*store.Store
	release chan struct{}
	calls   atomic.Int64
}

func (b *blockingStore) LatestArticles(ctx context.Context, cat string, n int) ([]*feeds.Article, error) {
	b.calls.Add(1)
	<-b.release
	return b.Store.LatestArticles(ctx, cat, n)
}

// A client that hangs up while its render runs must not fail the other
// clients waiting for the same document.
func TestHangUpDoesNotFailWaitingClients(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	if _, err := st.SaveArticle(context.Background(), article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	bs := &blockingStore{Store: st, release: make(chan struct{})}
	srv := New(bs, Options{BaseURL: "https://news.example"}, slog.New(slog.DiscardHandler))
	joined := make(chan struct{}, 1)
	srv.cache.joined = func(cacheKey) { joined <- struct{}{} }
	srv.refreshVersions(context.Background())
	h := srv.Handler()

	ctx, hangUp := context.WithCancel(context.Background())
	first := make(chan int)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil).WithContext(ctx))
		first <- w.Code
	}()
	for bs.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan *httptest.ResponseRecorder)
	go func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil))
		second <- w
	}()
	<-joined // the second request waits for the render in progress
	hangUp()
	close(bs.release) // the render goes on, in the first request's goroutine
	<-first
	w := <-second
	if w.Code != 200 || w.Body.Len() == 0 || w.Header().Get("ETag") == "" {
		t.Fatalf("waiting client: status %d, %d bytes, headers %v", w.Code, w.Body.Len(), w.Header())
	}
}

// Documents of every ?limit= and spelling would grow the cache without
// bound: limits are bounded variants without a last-good copy, and feed
// extensions have one spelling.
func TestFeedCacheStaysBounded(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	f.srv.cache.maxVariants = 5
	f.srv.cache.admitAll = true
	for n := 1; n <= 20; n++ {
		if resp, _ := f.get(t, fmt.Sprintf("/feeds/politics.rss?limit=%d", n)); resp.StatusCode != 200 {
			t.Fatalf("limit=%d: %d", n, resp.StatusCode)
		}
	}
	f.srv.cache.mu.RLock()
	entries, good := len(f.srv.cache.entries), len(f.srv.cache.lastGood)
	f.srv.cache.mu.RUnlock()
	if entries > 6 || good > 1 {
		t.Errorf("after 20 limits: %d entries, %d last-good copies", entries, good)
	}
}

func TestConditionalRequestEdgeCases(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	resp, _ := f.get(t, "/feeds/politics.atom")
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	for _, tt := range []struct {
		name   string
		path   string
		hdr    http.Header
		status int
	}{
		{"etag on the second of two lines", "/feeds/politics.atom", http.Header{"If-None-Match": {`"x"`, etag}}, 304},
		{"no etag on either line", "/feeds/politics.atom", http.Header{"If-None-Match": {`"x"`, `"y"`}}, 200},
		{"etag matches, date is no date", "/feeds/politics.atom", http.Header{"If-None-Match": {etag}, "If-Modified-Since": {"yesterday"}}, 304},
		{"only a date that is no date", "/feeds/politics.atom", http.Header{"If-Modified-Since": {"yesterday"}}, 200},
		{"both match", "/feeds/politics.atom", http.Header{"If-None-Match": {etag}, "If-Modified-Since": {lastMod}}, 304},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.ts.URL+tt.path, nil)
			req.Header = tt.hdr
			resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	// A document without Last-Modified ignores If-Modified-Since.
	resp, _ = f.get(t, "/opml")
	if resp.Header.Get("Last-Modified") != "" {
		t.Fatal("/opml now has a Last-Modified: pick another document without one for this check")
	}
	if r, _ := f.get(t, "/opml", "If-None-Match", resp.Header.Get("ETag"), "If-Modified-Since", lastMod); r.StatusCode != 304 {
		t.Errorf("/opml with its ETag and a date: %d, want 304", r.StatusCode)
	}
	if r, _ := f.get(t, "/feeds/politics.atom", "Accept-Encoding", "gzip;Q=0"); r.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;Q=0 got gzip")
	}
}

// An article dated in the future must not push Last-Modified past now:
// If-Modified-Since clients would then never see a later change.
func TestLastModifiedNeverInTheFuture(t *testing.T) {
	a := article(1, "politics")
	a.Published = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	a.Updated = a.Published
	f := newFixture(t, a)
	resp, _ := f.get(t, "/feeds/politics.rss")
	lm, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	if err != nil || lm.After(time.Now().Add(time.Minute)) {
		t.Errorf("Last-Modified %q", resp.Header.Get("Last-Modified"))
	}
}

// A HEAD neither counts as a full fetch for the rate limit nor is refused.
func TestHeadDoesNotSpendTheRateLimit(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	if _, err := st.SaveArticle(context.Background(), article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	srv := New(st, Options{BaseURL: "https://news.example", RateLimit: RateLimit{Enabled: true, MinInterval: time.Minute}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	// A stopped clock: however slow the machine, the requests fall in one interval.
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	srv.limiter.now = func() time.Time { return at }
	srv.refreshVersions(context.Background())
	h := srv.Handler()
	for _, m := range []string{http.MethodHead, http.MethodHead, http.MethodGet} {
		r := httptest.NewRequest(m, "/feeds/politics.rss", nil)
		r.RemoteAddr = "203.0.113.7:4000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Fatalf("%s: %d", m, w.Code)
		}
	}
}

func TestAdminSchemeIsCaseInsensitive(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	srv := New(st, Options{BaseURL: "https://news.example", AdminToken: "s3cret", Admin: st}, slog.New(slog.DiscardHandler))
	h := srv.Handler()
	for auth, want := range map[string]int{"bearer s3cret": 200, "BEARER s3cret": 200, "Bearer s3cret": 200, "Basic s3cret": 401, "bearer wrong": 401, "s3cret": 401} {
		r := httptest.NewRequest(http.MethodGet, "/api/sources", nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("%q: %d, want %d", auth, w.Code, want)
		}
	}
}

func TestNotFoundNamesTheCategoryOnce(t *testing.T) {
	f := newFixture(t)
	_, body := f.get(t, "/feeds/sports.rss")
	if n := strings.Count(string(body), `"sports"`); n != 1 {
		t.Errorf("body %q names the category %d times", body, n)
	}
}

// WebSub content comes from the same cached document as the feed URL, and
// topics have the feed URL's one spelling.
func TestTopicsShareTheFeedCache(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	resp, body := f.get(t, "/feeds/politics.rss")
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	before := f.st.queries.Load()
	got, _, _, err := f.srv.TopicContent(context.Background(), "https://news.example/feeds/politics.rss")
	if err != nil || string(got) != string(body) || f.st.queries.Load() != before {
		t.Errorf("topic content: err %v, same bytes %v, %d queries", err, string(got) == string(body), f.st.queries.Load()-before)
	}
	if f.srv.ValidTopic("https://news.example/feeds/politics.RSS") || !f.srv.ValidTopic("https://news.example/feeds/politics.rss") {
		t.Error("ValidTopic accepts another spelling, or refuses the feed's")
	}
}

// At start every feed is announced (what changed while no server ran goes
// out), and topics whose announcement failed are offered again.
func TestAnnouncementsAtStartAndRetried(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	if _, err := st.SaveArticle(context.Background(), article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	fail := true
	srv := New(st, Options{BaseURL: "https://news.example", OnChange: func(_ context.Context, topics []string) error {
		calls = append(calls, topics)
		if fail {
			return errors.New("hub database busy")
		}
		return nil
	}}, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	srv.refreshVersions(ctx)
	if len(calls) != 1 || !slices.Contains(calls[0], "https://news.example/feeds/politics.rss") || !slices.Contains(calls[0], "https://news.example/feeds/all.json") {
		t.Fatalf("start: %q", calls)
	}
	srv.refreshVersions(ctx) // at once: the retry waits (backs off)
	if len(calls) != 1 {
		t.Fatalf("retried without waiting: %q", calls[1:])
	}
	srv.announceMu.Lock()
	srv.retryAt = time.Time{} // as if the wait were over
	srv.announceMu.Unlock()
	fail = false
	srv.refreshVersions(ctx) // nothing changed: the failed topics again
	if len(calls) != 2 || !slices.Equal(calls[1], calls[0]) {
		t.Fatalf("retry: %q", calls)
	}
	srv.refreshVersions(ctx) // nothing changed, nothing failed: no call
	if len(calls) != 2 {
		t.Errorf("calls after success: %q", calls[2:])
	}
}

// Only the feeds the hub takes subscriptions for advertise it.
func TestHubLinkOnlyOnSubscribableFeeds(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	f.srv.opts.HubURL = "https://news.example/websub"
	for path, want := range map[string]bool{
		"/feeds/politics.atom":                 true,
		"/feeds/all.json":                      true,
		"/feeds/politics.atom?limit=3":         false,
		"/feeds/search.atom?q=خبر":             false,
		"/feeds/politics.atom?since=c0-0":      false,
		"/feeds/politics.atom?before=99999-99": false,
	} {
		resp, body := f.get(t, path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		parsed, err := feeds.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		has := false
		for _, l := range parsed.Links {
			has = has || l.Rel == feeds.RelHub
		}
		if has != want {
			t.Errorf("%s: hub link %v, want %v", path, has, want)
		}
	}
}

// WebSub content is labelled with the version it was rendered from, read
// from the store: a change written through another instance, which this
// server's watcher has not seen yet, is in the content and in its version;
// a render cached before it is not published under either number.
func TestTopicContentCarriesTheVersionItWasRenderedFrom(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	st := mustOpen(t, path)
	if _, err := st.SaveArticle(ctx, article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	f := startFixture(t, st)
	if resp, _ := f.get(t, "/feeds/politics.rss"); resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	other := mustOpen(t, path) // another instance on the same database
	a := article(2, "politics")
	if _, err := other.SaveArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	vs, err := other.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body, _, ver, err := f.srv.TopicContent(ctx, "https://news.example/feeds/politics.rss")
	if err != nil {
		t.Fatal(err)
	}
	if ver != vs["politics"] || !strings.Contains(string(body), a.GUID) {
		t.Errorf("topic content at version %d (store: %d), holds the new article: %v", ver, vs["politics"], strings.Contains(string(body), a.GUID))
	}
}

// Partners pulling each from its own position leave the cache of pulls
// empty; the position caught-up partners share is served from it from its
// second request on.
func TestPullsAreKeptFromTheirSecondRequest(t *testing.T) {
	f := newFixture(t, article(1, "politics"), article(2, "politics"))
	variants := func() int {
		f.srv.cache.mu.RLock()
		defer f.srv.cache.mu.RUnlock()
		return f.srv.cache.variants
	}
	for i := range 50 {
		if resp, _ := f.get(t, fmt.Sprintf("/feeds/politics.rss?since=c1-%d", i+1)); resp.StatusCode != 200 {
			t.Fatalf("pull %d: %d", i, resp.StatusCode)
		}
	}
	if n := variants(); n != 0 {
		t.Errorf("50 distinct cursors: %d pulls kept", n)
	}
	var bodies []string
	for range 3 {
		resp, body := f.get(t, "/feeds/politics.rss?since=c2-0")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		bodies = append(bodies, string(body))
	}
	if n := variants(); n != 1 {
		t.Errorf("one cursor asked for three times: %d pulls kept, want 1", n)
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Error("the kept pull differs from the rendered one")
	}
}
