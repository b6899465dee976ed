package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/metrics"
	"github.com/newswire/newswire/internal/newsroom"
)

func TestCORS(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	resp, _ := f.get(t, "/feeds/politics.rss")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
		t.Errorf("CORS headers: %v", resp.Header)
	}
	for _, p := range []string{"/feeds/politics.rss", "/opml"} {
		pre, _ := f.do(t, http.MethodOptions, p)
		if pre.StatusCode != http.StatusNoContent || !strings.Contains(pre.Header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("%s preflight: %d %v", p, pre.StatusCode, pre.Header)
		}
	}
}

func TestRateLimitRewardsConditionalRequests(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	if _, err := st.SaveArticle(context.Background(), article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	srv := New(st, Options{BaseURL: "https://news.example", RateLimit: RateLimit{Enabled: true, MinInterval: time.Minute}},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.limiter.now = func() time.Time { return now }
	srv.refreshVersions(context.Background())
	h := srv.Handler()
	get := func(remote string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil)
		r.RemoteAddr = remote
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	first := get("203.0.113.7:4000")
	if first.Code != 200 {
		t.Fatalf("first fetch: %d", first.Code)
	}
	again := get("203.0.113.7:4001")
	if again.Code != http.StatusTooManyRequests || again.Header().Get("Retry-After") != "60" {
		t.Fatalf("repeated unconditional fetch: %d Retry-After %q", again.Code, again.Header().Get("Retry-After"))
	}
	if w := get("203.0.113.7:4002", "If-None-Match", first.Header().Get("ETag")); w.Code != 304 {
		t.Errorf("conditional poll was limited: %d", w.Code)
	}
	if w := get("198.51.100.1:4000"); w.Code != 200 {
		t.Errorf("another client was limited: %d", w.Code)
	}
	if w := get("127.0.0.1:5000"); w.Code != 200 {
		t.Fatal(w.Code)
	}
	if w := get("127.0.0.1:5000"); w.Code != 200 {
		t.Errorf("loopback limited by default: %d", w.Code)
	}
	now = now.Add(61 * time.Second)
	if w := get("203.0.113.7:4003"); w.Code != 200 {
		t.Errorf("after the interval: %d", w.Code)
	}
	// A changed feed may be fetched at once: the client has not seen it.
	if _, err := st.SaveArticle(context.Background(), article(2, "politics")); err != nil {
		t.Fatal(err)
	}
	srv.refreshVersions(context.Background())
	if w := get("203.0.113.7:4004"); w.Code != 200 {
		t.Errorf("changed feed refused: %d", w.Code)
	}
}

func TestLimiterStaysBounded(t *testing.T) {
	l := newLimiter(RateLimit{Enabled: true, MaxClients: 100, IncludeLoopback: true})
	for i := range 1000 {
		r := httptest.NewRequest(http.MethodGet, "/feeds/x.rss", nil)
		r.RemoteAddr = "10.0." + itoa(i/250) + "." + itoa(i%250) + ":1"
		l.allow(r, cacheKey{name: "x.rss"}, `"e"`)
	}
	if n := len(l.seen); n > 100 {
		t.Errorf("limiter holds %d entries, cap 100", n)
	}
}

func TestMetrics(t *testing.T) {
	st := mustOpen(t, t.TempDir()+"/n.db")
	if _, err := st.SaveArticle(context.Background(), article(1, "politics")); err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	srv := New(st, Options{BaseURL: "https://news.example", Metrics: m}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.refreshVersions(context.Background())
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/feeds/politics.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/feeds/politics.atom", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp, err = http.DefaultTransport.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`newswire_http_requests_total{code="200",format="atom",route="GET /feeds/{name}"} 1`,
		`newswire_http_requests_total{code="304",format="atom",route="GET /feeds/{name}"} 1`,
		`newswire_feed_cache_hits_total{format="atom"} 1`,
		`newswire_feed_cache_misses_total{format="atom"} 1`,
		`newswire_feed_renders_total{format="atom",result="ok"} 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestStatusPage(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	ctx := context.Background()
	if _, err := f.st.UpsertSource(ctx, newsroom.Source{Name: "wire", URL: "https://wire.example/rss", Schedule: "@every 10m",
		Categories: []string{"world"}, Enabled: true, Origin: newsroom.OriginConfig}); err != nil {
		t.Fatal(err)
	}
	f.srv.opts.Subscribers = func(context.Context) (map[string]int, error) {
		return map[string]int{"https://news.example/feeds/politics.atom": 3}, nil
	}
	resp, body := f.get(t, "/status")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status: %d %v", resp.StatusCode, resp.Header)
	}
	page := string(body)
	for _, want := range []string{`id="source-wire"`, "لم يحدث بعد" /* never, on this Arabic site */, `<svg class="chart"`, `https://news.example/feeds/politics.atom</bdi></td><td class="num">3</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("status page lacks %s\n%s", want, page)
		}
	}
	if n := strings.Count(page, "<rect "); n != statusDays {
		t.Errorf("chart has %d bars, want %d", n, statusDays)
	}
}
