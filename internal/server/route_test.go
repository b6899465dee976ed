package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// feedsFirst answers feed requests without the mux: it must take exactly
// what the mux routes to the feed handler, with the same name. Whatever it
// declines the mux still handles (redirects of unclean paths, 405s).
func TestFeedsFirstTakesOnlyWhatTheMuxRoutesToFeeds(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	mux.HandleFunc(feedPattern, func(w http.ResponseWriter, r *http.Request) { got = "feed:" + r.PathValue("name") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { got = "other" })
	for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions} {
		for _, target := range []string{
			"/feeds/politics.rss", "/feeds/all.json?since=c3-1", "/feeds/%D8%B3.atom", "/feeds/a%2Fb.rss",
			"/feeds/a%20b.rss", "/feeds/", "/feeds", "/feeds/.", "/feeds/..", "/feeds/x/", "/feeds/x/y",
			"/feeds//x", "/feeds/./x", "/feeds/../x", "/feeds/.rss", "/feeds/...", "/feedsx/a.rss", "//feeds/a.rss",
			"/FEEDS/a.rss", "/feeds/a.rss/", "/feeds/a;b.rss",
		} {
			r := httptest.NewRequest(method, target, nil)
			got = ""
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			name, ok := feedName(r)
			if ok && got != "feed:"+name {
				t.Errorf("%s %s: feedsFirst takes it as %q; the mux: %q (status %d)", method, target, name, got, w.Code)
			}
		}
	}
}

// Requests feedsFirst answers are counted under the feed route, as the
// mux's are.
func TestFeedsFirstKeepsTheRouteLabel(t *testing.T) {
	f := newFixture(t)
	h := f.srv.Handler()
	var pattern string
	inner := f.srv.feedsFirst(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { pattern = "mux" }))
	r := httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil)
	inner.ServeHTTP(httptest.NewRecorder(), r)
	if pattern != "" || r.Pattern != feedPattern {
		t.Errorf("pattern %q, handled by %q", r.Pattern, pattern)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
}

// A 304 carries what a cache needs to update its stored response (RFC
// 9110, 15.4.5), the CDN's purge keys and CORS, though serveRendered
// leaves the rest of a 200's headers out of it.
func TestNotModifiedCarriesWhatCachesUpdate(t *testing.T) {
	f := newFixture(t)
	resp, _ := f.get(t, "/feeds/politics.rss", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	r304, body := f.get(t, "/feeds/politics.rss", "Accept-Encoding", "gzip", "If-None-Match", resp.Header.Get("ETag"))
	if r304.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("status %d, %d bytes", r304.StatusCode, len(body))
	}
	for _, k := range []string{"ETag", "Vary", "Cache-Control", "Last-Modified", "Surrogate-Key", "Cache-Tag",
		"Access-Control-Allow-Origin", "Access-Control-Expose-Headers"} {
		if got, want := r304.Header.Get(k), resp.Header.Get(k); got != want || got == "" {
			t.Errorf("304 %s %q, the 200's %q", k, got, want)
		}
	}
}
