package server

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// Behind a CDN, every feed names what a purge should match, and its
// Cache-Control lets the CDN serve a stale copy while it refetches and
// while every instance is down (a restart): RFC 5861.
func TestFeedsCarryCDNHeaders(t *testing.T) {
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	f := startFixtureWith(t, st, func(o *Options) {
		o.StaleWhileRevalidate = time.Minute
		o.StaleIfError = 24 * time.Hour
	})
	for _, tc := range []struct {
		path, keys, tags string
	}{
		{"/feeds/all.rss", "feeds feeds/all", "feeds,feeds/all"},
		{"/feeds/all.json?limit=3", "feeds feeds/all", "feeds,feeds/all"},
		{"/feeds/search.atom?q=x", "feeds feeds/search", "feeds,feeds/search"},
	} {
		resp, body := f.get(t, tc.path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.path, resp.StatusCode, body)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=300, stale-while-revalidate=60, stale-if-error=86400" {
			t.Errorf("%s: Cache-Control %q", tc.path, got)
		}
		if got := resp.Header.Get("Surrogate-Key"); got != tc.keys {
			t.Errorf("%s: Surrogate-Key %q, want %q", tc.path, got, tc.keys)
		}
		if got := resp.Header.Get("Cache-Tag"); got != tc.tags {
			t.Errorf("%s: Cache-Tag %q, want %q", tc.path, got, tc.tags)
		}
		// A revalidation answers with the same keys, so the CDN keeps them.
		resp, _ = f.get(t, tc.path, "If-None-Match", resp.Header.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Surrogate-Key") != tc.keys {
			t.Errorf("%s: revalidation %d, Surrogate-Key %q", tc.path, resp.StatusCode, resp.Header.Get("Surrogate-Key"))
		}
	}
}

// A category's feeds name the category; a slug outside ASCII is escaped so
// that a key is one token in either header.
func TestCategoryFeedsAreKeyedByCategory(t *testing.T) {
	f := newFixture(t)
	resp, body := f.get(t, "/feeds/politics.atom")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Surrogate-Key"); got != "feeds feeds/politics" {
		t.Errorf("Surrogate-Key %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=300" {
		t.Errorf("without stale-* options Cache-Control is %q", got)
	}
	for slug, want := range map[string]string{"politics": "feeds/politics", "سياسة": "feeds/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9", "a,b c": "feeds/a%2Cb%20c"} {
		if got := purgeKeys(slug)[1]; got != want {
			t.Errorf("purgeKeys(%q) = %q, want %q", slug, got, want)
		}
	}
}
