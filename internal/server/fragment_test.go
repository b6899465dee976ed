package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// TestPullsAreAssembledAsPublishRendersThem: ?since= pulls, search feeds
// and category feeds served from the fragment cache are the documents the
// fully validated render (feeds.Publish) gives for the same data, cut to
// the budget the same way (with the paging links that follow), in every
// format, with a withdrawal and with a byte budget that summarises; the
// gzipped body is one gzip member holding that same document.
func TestPullsAreAssembledAsPublishRendersThem(t *testing.T) {
	var as []*feeds.Article
	for i := range 12 {
		a := article(i, "politics")
		a.ContentHTML += string(bytes.Repeat([]byte("<p>فقرة طويلة من نص الخبر.</p>"), 20))
		as = append(as, a)
	}
	ctx := context.Background()
	for _, budget := range []feeds.Budget{{}, {MaxBytes: 9_000}} {
		f := newFixture(t, as...)
		if err := f.st.WithdrawArticle(ctx, "tag:test,2026:politics-3", "published in error"); err != nil {
			t.Fatal(err)
		}
		f.srv.opts.Budget = budget
		f.srv.Invalidate(ctx)
		for _, fm := range feeds.AllFormats() {
			for _, path := range []string{
				"/feeds/politics." + fm.Extension() + "?since=2000-01-01T00:00:00Z",
				"/feeds/politics." + fm.Extension() + "?since=2000-01-01T00:00:01Z&limit=5",
				"/feeds/search." + fm.Extension() + "?q=" + "روسيا",
				"/feeds/politics." + fm.Extension(),
			} {
				if budget.MaxBytes > 0 {
					path += map[bool]string{true: "&", false: "?"}[bytes.ContainsRune([]byte(path), '?')] + "limit=11"
				}
				_, plain := f.get(t, path, "Accept-Encoding", "identity")
				resp, gz := f.get(t, path, "Accept-Encoding", "gzip")
				if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" {
					t.Fatalf("%s: %d, Content-Encoding %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
				}
				zr, err := gzip.NewReader(bytes.NewReader(gz))
				if err != nil {
					t.Fatal(err)
				}
				zr.Multistream(false) // one member: readers that stop after it get everything
				unzipped, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(unzipped, plain) {
					t.Errorf("%s: gzip body is not the document (%v)", path, err)
				}
				if err := feeds.ValidateErr(plain); err != nil {
					t.Errorf("%s: %v", path, err)
				}
				var q feedRequest
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.SetPathValue("name", strings.TrimPrefix(req.URL.Path, "/feeds/"))
				if err := f.srv.parseFeedRequest(req, &q); err != nil {
					t.Fatal(err)
				}
				doc, err := f.srv.buildFeed(ctx, &q)
				if err != nil {
					t.Fatal(err)
				}
				// Cut to the budget as the server cuts it, rendered
				// by the package's own Publish.
				var want bytes.Buffer
				if _, _, err := doc.publish(ctx, func(f *feeds.Feed) (feeds.BudgetResult, error) {
					want.Reset()
					return feeds.Publish(&want, f, fm, budget)
				}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(plain, want.Bytes()) {
					t.Errorf("%s (budget %+v): served document differs from Publish's", path, budget)
				}
			}
		}
		if f.srv.frags.Len() == 0 {
			t.Error("no fragment cached")
		}
	}
}

// TestGzipOnlyDocumentsServeEveryClient: a pull, search feed or archive page
// is kept gzipped only; a client that takes no gzip gets the same document
// inflated, with its exact Content-Length (GET and HEAD), before and after
// the document is cached, and each encoding's ETag answers 304 for itself
// only.
func TestGzipOnlyDocumentsServeEveryClient(t *testing.T) {
	var as []*feeds.Article
	for i := range 30 {
		a := article(i, "politics")
		a.ContentHTML += string(bytes.Repeat([]byte("<p>فقرة طويلة من نص الخبر.</p>"), 40))
		as = append(as, a)
	}
	f := newFixture(t, as...)
	for _, path := range []string{
		"/feeds/politics.rss?since=2000-01-01T00:00:00Z",
		"/feeds/politics.atom?since=2000-01-01T00:00:00Z&limit=20",
		"/feeds/search.json?q=" + "روسيا",
	} {
		var first []byte
		for round := range 3 { // rendered, rendered again and kept, served from the cache
			resp, plain := f.get(t, path, "Accept-Encoding", "identity")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" {
				t.Fatalf("%s: %d, Content-Encoding %q", path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
			}
			if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(plain)) || len(plain) < 10_000 {
				t.Fatalf("%s round %d: Content-Length %s, body %d bytes", path, round, cl, len(plain))
			}
			if err := feeds.ValidateErr(plain); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if round == 0 {
				first = plain
			} else if !bytes.Equal(plain, first) {
				t.Fatalf("%s round %d: another document", path, round)
			}
			head, body := f.do(t, http.MethodHead, path, "Accept-Encoding", "identity")
			if head.Header.Get("Content-Length") != strconv.Itoa(len(plain)) || len(body) != 0 {
				t.Errorf("%s: HEAD: Content-Length %s, %d bytes", path, head.Header.Get("Content-Length"), len(body))
			}
			gzResp, _ := f.get(t, path, "Accept-Encoding", "gzip")
			etag, gzETag := resp.Header.Get("ETag"), gzResp.Header.Get("ETag")
			if etag == "" || gzETag == "" || etag == gzETag {
				t.Fatalf("%s: ETags %q and %q", path, etag, gzETag)
			}
			for _, c := range []struct {
				enc, tag string
				want     int
			}{{"identity", etag, 304}, {"gzip", gzETag, 304}, {"identity", gzETag, 200}, {"gzip", etag, 200}} {
				if r, _ := f.get(t, path, "Accept-Encoding", c.enc, "If-None-Match", c.tag); r.StatusCode != c.want {
					t.Errorf("%s: %s with If-None-Match %s: %d, want %d", path, c.enc, c.tag, r.StatusCode, c.want)
				}
			}
		}
	}
}

// TestOnlyPullsSearchesAndArchivesAreKeptGzippedOnly: a current feed at
// another ?limit= is served many times per render, like the feed itself,
// and keeps its plain bytes; the documents made for a request or a few do
// not.
func TestOnlyPullsSearchesAndArchivesAreKeptGzippedOnly(t *testing.T) {
	var as []*feeds.Article
	for i := range 12 {
		as = append(as, article(i, "politics"))
	}
	f := newFixture(t, as...)
	f.srv.cache.admitAll = true
	for path, plain := range map[string]bool{
		"/feeds/politics.rss":                                    true,
		"/feeds/politics.rss?limit=5":                            true,
		"/feeds/politics.rss?since=2000-01-01T00:00:00Z":         false,
		"/feeds/search.rss?q=" + "روسيا":                         false,
		"/feeds/politics.rss?limit=3&since=2000-01-01T00:00:00Z": false,
	} {
		if resp, _ := f.get(t, path, "Accept-Encoding", "gzip"); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		req := httptest.NewRequest(http.MethodGet, path, nil)
		var q feedRequest
		if err := f.srv.parseFeed(req, strings.TrimPrefix(req.URL.Path, "/feeds/"), &q); err != nil {
			t.Fatal(err)
		}
		r, ok := f.srv.cache.get(q.key())
		if !ok {
			t.Fatalf("%s: not cached", path)
		}
		if (r.body != nil) != plain {
			t.Errorf("%s: plain bytes kept: %v, want %v", path, r.body != nil, plain)
		}
	}
}
