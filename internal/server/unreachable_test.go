package server

import (
	"context"
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
