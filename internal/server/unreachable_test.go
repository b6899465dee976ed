package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/pgtest"
)

// Several instances share one PostgreSQL database. When it cannot be
// reached, every instance loses it at once: /healthz must keep answering
// 200 (degraded) while an instance holds feeds to serve, or a load balancer
// drops them all; the feeds it holds are still served, /healthz/writes says
// writes fail, and once the database is back the instance says ok again.
func TestUnreachableDatabaseKeepsInstancesInTheBalancer(t *testing.T) {
	loc := pgtest.FreshSchema(t)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	proxy := pgtest.NewProxy(t, u.Host)
	st := mustOpen(t, proxy.Via(t, loc))
	ctx := context.Background()
	if err := st.UpsertCategory(ctx, feeds.Category{Slug: "politics", Title: "سياسة"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "politics")}); err != nil {
		t.Fatal(err)
	}
	f := startFixtureWith(t, st, func(o *Options) { o.Writes = st.WriteHealth })
	resp, body := f.get(t, "/feeds/politics.rss")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	etag := resp.Header.Get("ETag")

	proxy.Unplug()
	resp, body = f.get(t, "/healthz")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "degraded: database unreachable") {
		t.Errorf("/healthz while the database is unreachable: %d %q, want 200 degraded", resp.StatusCode, body)
	}
	if resp, _ := f.get(t, "/feeds/politics.rss"); resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != etag {
		t.Errorf("cached feed while the database is unreachable: %d ETag %q, want 200 %q", resp.StatusCode, resp.Header.Get("ETag"), etag)
	}
	if resp, body := f.get(t, "/healthz/writes"); resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("/healthz/writes while the database is unreachable: %d %q, want 503 with Retry-After", resp.StatusCode, body)
	}

	proxy.Plug(t, proxy.Addr)
	// The store's write probe runs every few seconds in serve; here the
	// test runs it, so nothing waits on a clock.
	// A probe counts only when no write failed since the one before it.
	for i := 0; i < 3 && !st.WriteHealth().Writable; i++ {
		if err := st.ProbeWrites(ctx); err != nil {
			t.Fatalf("probe once the database is back: %v", err)
		}
	}
	for _, path := range []string{"/healthz", "/healthz/writes"} {
		if resp, body := f.get(t, path); resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
			t.Errorf("%s once the database is back: %d %q", path, resp.StatusCode, body)
		}
	}
}

// Every request that needs the database while it cannot be reached is told
// to come back (503, Retry-After, the reason), whether it reads or writes:
// an admin POST reads the categories before it writes, a feed not rendered
// yet and a page read articles. None is a 500, and the fault is logged once,
// not once per request. What is cached is still served, and once the
// database is back every path works again.
func TestUnreachableDatabaseReadsAnswer503(t *testing.T) {
	loc := pgtest.FreshSchema(t)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	proxy := pgtest.NewProxy(t, u.Host)
	st := mustOpen(t, proxy.Via(t, loc))
	ctx := context.Background()
	for _, c := range []feeds.Category{{Slug: "politics", Title: "سياسة"}, {Slug: "world", Title: "World"}} {
		if err := st.UpsertCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	a := article(1, "world")
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "politics"), a}); err != nil {
		t.Fatal(err)
	}
	f := startFixtureWith(t, st, func(o *Options) {
		o.Writes, o.AdminToken, o.Admin = st.WriteHealth, testToken, st
	})
	if resp, body := f.get(t, "/feeds/politics.rss"); resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %d %s", resp.StatusCode, body)
	}
	post := `{"guid": "cms-7", "title": "خبر عاجل", "content_html": "<p>نص الخبر.</p>", "categories": ["politics"]}`

	proxy.Unplug()
	resp, body := f.api(t, http.MethodPost, "/api/articles", post, auth...)
	wantJSON503(t, "POST /api/articles", resp, body)
	resp, body = f.api(t, http.MethodGet, "/api/sources", "", auth...)
	wantJSON503(t, "GET /api/sources", resp, body)
	for _, path := range []string{"/feeds/world.rss", "/feeds/world.atom", "/categories/world", "/articles/" + a.GUID, "/"} {
		resp, body := f.get(t, path)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
			!strings.Contains(string(body), "database unreachable") {
			t.Errorf("%s while the database is unreachable: %d Retry-After %q %q, want 503 with Retry-After and the reason",
				path, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if resp, body := f.get(t, "/feeds/politics.rss"); resp.StatusCode != http.StatusOK {
		t.Errorf("cached feed while the database is unreachable: %d %s", resp.StatusCode, body)
	}
	if n := strings.Count(f.log.String(), `level=ERROR msg="request failed: storage"`); n != 1 {
		t.Errorf("the storage fault of 5 requests logged at error %d times, want once:\n%s", n, f.log)
	}

	proxy.Plug(t, proxy.Addr)
	for i := 0; i < 3 && !st.WriteHealth().Writable; i++ {
		if err := st.ProbeWrites(ctx); err != nil {
			t.Fatalf("probe once the database is back: %v", err)
		}
	}
	if resp, body := f.api(t, http.MethodPost, "/api/articles", post, auth...); resp.StatusCode != http.StatusCreated {
		t.Errorf("POST once the database is back: %d %s", resp.StatusCode, body)
	}
	if resp, body := f.api(t, http.MethodGet, "/api/sources", "", auth...); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/sources once the database is back: %d %s", resp.StatusCode, body)
	}
	for _, path := range []string{"/feeds/world.rss", "/categories/world", "/articles/" + a.GUID, "/"} {
		if resp, body := f.get(t, path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s once the database is back: %d %s", path, resp.StatusCode, body)
		}
	}
}

// wantJSON503 checks an admin API answer to a request the database could
// not serve: 503, Retry-After, and the fault's reason in the JSON body.
func wantJSON503(t *testing.T, what string, resp *http.Response, body []byte) {
	t.Helper()
	var p struct{ Error, Reason string }
	if err := json.Unmarshal(body, &p); err != nil || resp.StatusCode != http.StatusServiceUnavailable ||
		resp.Header.Get("Retry-After") == "" || p.Reason != "unavailable" {
		t.Errorf("%s while the database is unreachable: %d Retry-After %q %s, want 503 with Retry-After and reason unavailable",
			what, resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}
