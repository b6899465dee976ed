package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/logtest"
	"github.com/newswire/newswire/internal/store"
)

var fixedNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func mustOpen(tb testing.TB, path string) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), path, store.WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func article(i int, cat string) *feeds.Article {
	pub := fixedNow.Add(-time.Duration(i) * time.Hour)
	return &feeds.Article{
		GUID:        fmt.Sprintf("tag:test,2026:%s-%d", cat, i),
		Title:       fmt.Sprintf("خبر رقم %d: روسيا ترفض مساعدة أرمينيا", i),
		Summary:     "ملخص الخبر",
		ContentHTML: fmt.Sprintf("<p>الفقرة الأولى من الخبر %d.</p><p>Second paragraph &amp; more.</p>", i),
		URL:         fmt.Sprintf("https://news.example/%s/%d", cat, i),
		Authors:     []feeds.Person{{Name: "مراسل"}},
		Language:    "ar",
		Published:   pub,
		Updated:     pub,
		Categories:  []string{cat},
	}
}

// countingStore counts the queries a request makes, to prove cache hits
// make none. It wraps the real store.
type countingStore struct {
	*store.Store
	queries atomic.Int64
}

func (c *countingStore) LatestArticles(ctx context.Context, cat string, n int) ([]*feeds.Article, error) {
	c.queries.Add(1)
	return c.Store.LatestArticles(ctx, cat, n)
}

func (c *countingStore) Category(ctx context.Context, slug string) (feeds.Category, error) {
	c.queries.Add(1)
	return c.Store.Category(ctx, slug)
}

type fixture struct {
	st  *countingStore
	srv *Server
	ts  *httptest.Server
	log *logtest.Buffer
}

func newFixture(t *testing.T, articles ...*feeds.Article) *fixture {
	t.Helper()
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	for _, c := range []feeds.Category{{Slug: "politics", Title: "سياسة"}, {Slug: "world", Title: "World"}} {
		if err := st.UpsertCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if len(articles) > 0 {
		if _, err := st.SaveArticles(ctx, articles); err != nil {
			t.Fatal(err)
		}
	}
	return startFixture(t, st)
}

func startFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	return startFixtureWith(t, st, nil)
}

// startFixtureWith is startFixture with options changed by set.
func startFixtureWith(t *testing.T, st *store.Store, set func(*Options)) *fixture {
	t.Helper()
	logBuf := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logBuf, nil))
	cs := &countingStore{Store: st}
	opts := Options{BaseURL: "https://news.example", SiteTitle: "أخبار", Language: "ar",
		CacheMaxAge: 300 * time.Second, WatchInterval: time.Hour}
	if set != nil {
		set(&opts)
	}
	srv := New(cs, opts, log)
	ctx, cancel := context.WithCancel(context.Background())
	srv.StartWatcher(ctx)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		cancel()
		_ = srv.Close(context.Background())
	})
	return &fixture{st: cs, srv: srv, ts: ts, log: logBuf}
}

func (f *fixture) get(t *testing.T, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	return f.do(t, http.MethodGet, path, hdr...)
}

func (f *fixture) do(t *testing.T, method, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// A bare transport: no transparent gzip, so tests see what was sent.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestFeedFormats(t *testing.T) {
	f := newFixture(t, article(1, "politics"), article(2, "politics"), article(3, "world"))
	tests := []struct {
		path, contentType string
		items             int
	}{
		{"/feeds/politics.rss", "application/rss+xml; charset=utf-8", 2},
		{"/feeds/politics.atom", "application/atom+xml; charset=utf-8", 2},
		{"/feeds/politics.json", "application/feed+json; charset=utf-8", 2},
		{"/feeds/all.rss", "application/rss+xml; charset=utf-8", 3},
		{"/feeds/all.atom", "application/atom+xml; charset=utf-8", 3},
		{"/feeds/all.json", "application/feed+json; charset=utf-8", 3},
		{"/feeds/world.json?limit=1", "application/feed+json; charset=utf-8", 1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := f.get(t, tt.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if err := feeds.ValidateErr(body); err != nil {
				t.Fatalf("served feed does not validate: %v", err)
			}
			parsed, err := feeds.Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(parsed.Items) != tt.items {
				t.Errorf("%d items, want %d", len(parsed.Items), tt.items)
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=300" {
				t.Errorf("Cache-Control = %q", got)
			}
			if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" {
				t.Errorf("missing validators: %v", resp.Header)
			}
		})
	}
}

func TestFeedErrors(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	tests := []struct {
		path   string
		status int
		reason string
	}{
		{"/feeds/sports.rss", http.StatusNotFound, "sports"},
		{"/feeds/politics.xml", http.StatusNotFound, "format"},
		{"/feeds/politics", http.StatusNotFound, "format"},
		{"/feeds/politics.RSS", http.StatusNotFound, "format"}, // one spelling per feed
		{"/feeds/all.Json", http.StatusNotFound, "format"},
		{"/feeds/politics.rss?limit=-99999999999999999999", http.StatusBadRequest, "limit"},
		{"/feeds/politics.rss?limit=abc", http.StatusBadRequest, "limit"},
		{"/feeds/politics.rss?limit=0", http.StatusBadRequest, "limit"},
		{"/feeds/politics.rss?limit=-5", http.StatusBadRequest, "limit"},
		{"/articles/no-such-guid", http.StatusNotFound, "لا يوجد خبر بهذا العنوان"}, // the site's page, in its language
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := f.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, tt.status, body)
			}
			if !strings.Contains(string(body), tt.reason) {
				t.Errorf("body %q does not say %q", body, tt.reason)
			}
		})
	}
}

func TestLimitIsCapped(t *testing.T) {
	var as []*feeds.Article
	for i := range 8 {
		as = append(as, article(i, "world"))
	}
	f := newFixture(t, as...)
	f.srv.opts.MaxLimit = 5
	for _, limit := range []string{"100", "99999999999999999999"} {
		_, body := f.get(t, "/feeds/world.json?limit="+limit)
		parsed, err := feeds.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(parsed.Items) != 5 {
			t.Errorf("limit=%s: %d items, want the cap of 5", limit, len(parsed.Items))
		}
	}
	o := Options{MaxLimit: 3}
	o.setDefaults()
	if o.DefaultLimit != 3 {
		t.Errorf("feeds.max_items 3 leaves the default limit at %d", o.DefaultLimit)
	}
}

func TestConditionalRequests(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	resp, _ := f.get(t, "/feeds/politics.atom")
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("ETag %q is not a strong ETag", etag)
	}
	stale := fixedNow.Add(-48 * time.Hour).Format(http.TimeFormat)
	tests := []struct {
		name   string
		hdr    []string
		status int
	}{
		{"etag matches", []string{"If-None-Match", etag}, 304},
		{"etag in a list", []string{"If-None-Match", `"x", ` + etag}, 304},
		{"weak form of etag", []string{"If-None-Match", "W/" + etag}, 304},
		{"other etag", []string{"If-None-Match", `"nope"`}, 200},
		{"date matches", []string{"If-Modified-Since", lastMod}, 304},
		{"stale date", []string{"If-Modified-Since", stale}, 200},
		{"both match", []string{"If-None-Match", etag, "If-Modified-Since", lastMod}, 304},
		{"etag matches, date stale", []string{"If-None-Match", etag, "If-Modified-Since", stale}, 200},
		{"date matches, etag other", []string{"If-None-Match", `"nope"`, "If-Modified-Since", lastMod}, 200},
		{"gzip etag on identity request", []string{"If-None-Match", strings.TrimSuffix(etag, `"`) + `-gz"`}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.get(t, "/feeds/politics.atom", tt.hdr...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 304 {
				if len(body) != 0 {
					t.Errorf("304 with a %d-byte body", len(body))
				}
				if resp.Header.Get("ETag") != etag {
					t.Errorf("304 ETag %q, want %q", resp.Header.Get("ETag"), etag)
				}
			}
		})
	}
}

func TestGzipAndHead(t *testing.T) {
	f := newFixture(t, article(1, "politics"), article(2, "politics"))
	_, plain := f.get(t, "/feeds/politics.rss")
	resp, zipped := f.get(t, "/feeds/politics.rss", "Accept-Encoding", "gzip, br")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip: %v", resp.Header)
	}
	if resp.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary = %q", resp.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(unzipped, plain) {
		t.Error("gzipped body differs from the plain one")
	}
	gzETag := resp.Header.Get("ETag")
	if r304, _ := f.get(t, "/feeds/politics.rss", "Accept-Encoding", "gzip", "If-None-Match", gzETag); r304.StatusCode != 304 {
		t.Errorf("gzip ETag revalidation: %d", r304.StatusCode)
	}
	if r, _ := f.get(t, "/feeds/politics.rss", "Accept-Encoding", "gzip;q=0"); r.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got gzip")
	}

	head, body := f.do(t, http.MethodHead, "/feeds/politics.rss")
	if head.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", head.StatusCode, len(body))
	}
	if head.Header.Get("Content-Length") != fmt.Sprint(len(plain)) {
		t.Errorf("HEAD Content-Length %q, want %d", head.Header.Get("Content-Length"), len(plain))
	}
}

func TestCacheHitRunsNoQueries(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	f.get(t, "/feeds/politics.rss")
	before := f.st.queries.Load()
	for range 5 {
		if resp, _ := f.get(t, "/feeds/politics.rss"); resp.StatusCode != 200 {
			t.Fatal(resp.Status)
		}
	}
	if n := f.st.queries.Load() - before; n != 0 {
		t.Errorf("cache hits ran %d queries", n)
	}
}

func TestInvalidationOnChange(t *testing.T) {
	f := newFixture(t, article(1, "politics"), article(1, "world"))
	ctx := context.Background()
	r1, _ := f.get(t, "/feeds/politics.json")
	w1, _ := f.get(t, "/feeds/world.json")

	// A write the server did not make (as `newswire import` in another
	// process would): the watcher's poll picks it up.
	if _, err := f.st.SaveArticle(ctx, article(2, "politics")); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)
	r2, body := f.get(t, "/feeds/politics.json")
	if r2.Header.Get("ETag") == r1.Header.Get("ETag") {
		t.Fatal("politics feed not invalidated after a new article")
	}
	if !strings.Contains(string(body), "tag:test,2026:politics-2") {
		t.Error("new article missing from the feed")
	}
	if w2, _ := f.get(t, "/feeds/world.json"); w2.Header.Get("ETag") != w1.Header.Get("ETag") {
		t.Error("world feed changed though only politics did")
	}
}

func TestETagStableAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "n.db")
	st := mustOpen(t, path)
	if _, err := st.SaveArticles(context.Background(), []*feeds.Article{article(1, "politics"), article(2, "politics")}); err != nil {
		t.Fatal(err)
	}
	a := startFixture(t, st)
	b := startFixture(t, st) // a second instance over the same database
	for _, p := range []string{"/feeds/politics.rss", "/feeds/politics.atom", "/feeds/politics.json", "/"} {
		ra, ba := a.get(t, p)
		rb, bb := b.get(t, p)
		if ra.Header.Get("ETag") != rb.Header.Get("ETag") || !bytes.Equal(ba, bb) {
			t.Errorf("%s: instances disagree: %s vs %s", p, ra.Header.Get("ETag"), rb.Header.Get("ETag"))
		}
	}
}

func TestPublishGateKeepsLastGood(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	if _, err := st.SaveArticle(ctx, article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	f := startFixtureWith(t, st, func(o *Options) { o.Budget = feeds.Budget{MaxBytes: 20_000} })
	good, goodBody := f.get(t, "/feeds/politics.rss")

	// A feed wrong as a whole, not because of one article: its metadata
	// alone is over the byte budget.
	if err := st.UpsertCategory(ctx, feeds.Category{Slug: "politics", Title: "سياسة", Description: strings.Repeat("وصف طويل ", 3000)}); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)
	resp, body := f.get(t, "/feeds/politics.rss")
	if resp.StatusCode != 200 || !bytes.Equal(body, goodBody) || resp.Header.Get("ETag") != good.Header.Get("ETag") {
		t.Fatalf("after an invalid render: status %d, served the last good version: %v", resp.StatusCode, bytes.Equal(body, goodBody))
	}
	if !strings.Contains(f.log.String(), "publish gate") {
		t.Errorf("invalid render not logged: %s", f.log.String())
	}
	// With no good version to fall back on, the feed is an error, not garbage.
	resp, _ = f.get(t, "/feeds/politics.json")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("invalid feed with no last good version: status %d", resp.StatusCode)
	}
}

func TestIndexPage(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	resp, body := f.get(t, "/")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("index: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page := string(body)
	for _, want := range []string{
		`<html lang="ar" dir="rtl">`,
		`<link rel="alternate" type="application/rss+xml" title="أخبار: سياسة (RSS)" href="https://news.example/feeds/politics.rss">`,
		`<link rel="alternate" type="application/atom+xml"`,
		`<link rel="alternate" type="application/feed+json"`,
		`href="https://news.example/feeds/world.json"`,
		`href="https://news.example/feeds/all.rss"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("index page lacks %s\n%s", want, page)
		}
	}
}

func TestArticlePage(t *testing.T) {
	a := article(1, "politics")
	a.URL = ""
	f := newFixture(t, a)
	_, feed := f.get(t, "/feeds/politics.json")
	link := "https://news.example/articles/tag:test%2C2026:politics-1"
	if !strings.Contains(string(feed), link) {
		t.Fatalf("article without URL does not link to its page %s:\n%s", link, feed)
	}
	resp, body := f.get(t, "/articles/tag:test,2026:politics-1")
	if resp.StatusCode != 200 || !strings.Contains(string(body), a.Title) || !strings.Contains(string(body), `dir="rtl"`) {
		t.Errorf("article page: %d\n%s", resp.StatusCode, body)
	}
}

func TestHealth(t *testing.T) {
	f := newFixture(t)
	if resp, _ := f.get(t, "/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	f.st.Close()
	if resp, _ := f.get(t, "/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz with a closed database: %d", resp.StatusCode)
	}
}

func TestCategoryPageAndOPML(t *testing.T) {
	en := article(2, "politics")
	en.Title, en.Language = "Parliament passes the budget", "en"
	f := newFixture(t, article(1, "politics"), en)
	resp, body := f.get(t, "/categories/politics")
	if resp.StatusCode != 200 {
		t.Fatalf("category page: %d", resp.StatusCode)
	}
	page := string(body)
	for _, want := range []string{
		`<html lang="ar" dir="rtl">`,
		`<article class="item" lang="en" dir="ltr">`,
		`<article class="item" lang="ar" dir="rtl">`,
		"Parliament passes the budget",
		`<link rel="alternate" type="application/atom+xml" title="أخبار: سياسة (Atom)" href="https://news.example/feeds/politics.atom">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("category page lacks %s", want)
		}
	}
	if resp, _ := f.get(t, "/categories/nope"); resp.StatusCode != 404 {
		t.Errorf("unknown category page: %d", resp.StatusCode)
	}

	resp, body = f.get(t, "/opml")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/x-opml") {
		t.Fatalf("opml: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`xmlUrl="https://news.example/feeds/politics.rss"`, `xmlUrl="https://news.example/feeds/world.rss"`, `xmlUrl="https://news.example/feeds/all.rss"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("opml lacks %s", want)
		}
	}
}

// TestGzipRefusedAtWeightZero: every spelling of weight 0 in the qvalue
// grammar refuses gzip (RFC 9110, 12.4.2 and 12.5.3); any other weight,
// and a malformed one, takes it.
func TestGzipRefusedAtWeightZero(t *testing.T) {
	for ae, want := range map[string]bool{
		"gzip": true, "gzip;q=1": true, "gzip;q=0.001": true, "gzip;q=0.5": true, "deflate, gzip;q=0.1": true,
		"gzip;q=zero": true, "gzip;q=": true, "gzip;q=0.0000": true, "GZIP; Q=0.010": true,
		"gzip;q=0": false, "gzip;q=0.": false, "gzip; q=0.0": false, "gzip;q=0.00": false, "gzip;q=0.000": false,
		"gzip ; q=0 ": false, "br, GZip;Q=0.": false, "identity": false, "": false,
	} {
		r := httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil)
		if ae != "" {
			r.Header.Set("Accept-Encoding", ae)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", ae, got, want)
		}
	}
}

// TestFeedAnswersCarryCORSErrorsIncluded: a page of another origin can
// read every feed and OPML answer, a refusal's reason included: without
// Access-Control-Allow-Origin a browser hides the whole response.
func TestFeedAnswersCarryCORSErrorsIncluded(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	for path, status := range map[string]int{
		"/feeds/politics.rss":                  http.StatusOK,
		"/feeds/politics.rss?limit=0":          http.StatusBadRequest,
		"/feeds/search.json?q=":                http.StatusBadRequest,
		"/feeds/politics.json?since=yesterday": http.StatusBadRequest,
		"/feeds/politics.atom?before=nonsense": http.StatusBadRequest,
		"/feeds/nope.json":                     http.StatusNotFound,
		"/feeds/politics.xml":                  http.StatusNotFound,
		"/opml":                                http.StatusOK,
	} {
		resp, body := f.get(t, path, "Origin", "https://reader.example")
		if resp.StatusCode != status {
			t.Errorf("%s: %d %s, want %d", path, resp.StatusCode, body, status)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
			t.Errorf("%s (%d): CORS headers %q, %q", path, resp.StatusCode,
				resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Expose-Headers"))
		}
	}
}

// TestIfModifiedSinceSeesEveryChange: Last-Modified moves with every change
// of a feed, also one that brings no newer item date: an article stored
// with an older date (a late wire story, a backdated import) and one that
// leaves the category. A client that sends only If-Modified-Since gets the
// new document, not 304.
func TestIfModifiedSinceSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	st, err := store.Open(ctx, path, store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "world"), article(2, "world")}); err != nil {
		t.Fatal(err)
	}
	f := startFixture(t, st)
	for _, change := range []struct {
		name string
		a    *feeds.Article
	}{
		{"an article dated hours before the newest", func() *feeds.Article {
			a := article(5, "world")
			a.GUID = "tag:test,2026:late-wire-story"
			return a
		}()},
		{"an article moved to another category", func() *feeds.Article {
			a := article(2, "world")
			a.Categories = []string{"politics"} // out of world
			return a
		}()},
	} {
		for _, p := range []string{"/feeds/world.rss", "/feeds/all.atom"} {
			resp, before := f.get(t, p)
			lm := resp.Header.Get("Last-Modified")
			now = now.Add(time.Hour)
			if _, err := st.SaveArticles(ctx, []*feeds.Article{change.a}); err != nil {
				t.Fatal(err)
			}
			f.srv.Invalidate(ctx)
			resp, after := f.get(t, p, "If-Modified-Since", lm)
			if bytes.Equal(before, after) && resp.StatusCode == http.StatusOK {
				t.Fatalf("%s, %s: the document did not change", change.name, p)
			}
			if resp.StatusCode == http.StatusNotModified {
				t.Errorf("%s, %s: If-Modified-Since %s got 304 for a changed document", change.name, p, lm)
			}
			change.a = func(a feeds.Article) *feeds.Article { a.Title += " (again)"; return &a }(*change.a)
		}
	}
}
