package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
)

// discardWriter is a ResponseWriter that keeps nothing, so benchmarks
// measure the handler and not a recorder.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(c int)   { w.code = c }
func (w *discardWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// benchServer returns a server over a store holding 50 Arabic articles of
// about 3 KB each in one category, with the politics feed cached.
func benchServer(b *testing.B) *Server {
	ctx := context.Background()
	st := mustOpen(b, filepath.Join(b.TempDir(), "bench.db"))
	para := "<p>" + strings.Repeat("رفضت موسكو تقديم الدعم لأرمينيا ضد أذربيجان في المعارك الدائرة بإقليم قره باغ. ", 6) + "</p>"
	var as []*feeds.Article
	for i := range 50 {
		a := article(i, "politics")
		a.ContentHTML = strings.Repeat(para, 3)
		as = append(as, a)
	}
	if _, err := st.SaveArticles(ctx, as); err != nil {
		b.Fatal(err)
	}
	srv := New(st, Options{BaseURL: "https://news.example", Language: "ar"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv.refreshVersions(ctx)
	return srv
}

func benchRequest(b *testing.B, h http.Handler, r *http.Request, wantCode int) {
	w := &discardWriter{h: make(http.Header)}
	h.ServeHTTP(w, r)
	if w.code != wantCode {
		b.Fatalf("status %d, want %d", w.code, wantCode)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, r)
	}
	b.SetBytes(int64(w.n) / int64(max(b.N, 1)))
}

// BenchmarkServe compares a cached feed hit through the full handler stack
// with a bare handler writing the same bytes from a variable.
func BenchmarkServe(b *testing.B) {
	srv := benchServer(b)
	h := srv.Handler()
	for _, enc := range []string{"identity", "gzip"} {
		r, _ := http.NewRequest(http.MethodGet, "/feeds/politics.rss", nil)
		r.Header.Set("Accept-Encoding", enc)
		w := &discardWriter{h: make(http.Header)}
		h.ServeHTTP(w, r)
		f, ok := srv.cache.get(cacheKey{dep: "politics", name: "politics.rss", limit: 50})
		if !ok {
			b.Fatal("feed not cached")
		}
		body := f.body
		if enc == "gzip" {
			body = f.gzipped
		}
		ct := f.hdrType[0]
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		})
		b.Run(fmt.Sprintf("bare/%s", enc), func(b *testing.B) { benchRequest(b, bare, r, 200) })
		b.Run(fmt.Sprintf("cached/%s", enc), func(b *testing.B) { benchRequest(b, h, r, 200) })
	}

	r, _ := http.NewRequest(http.MethodGet, "/feeds/politics.rss", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := &discardWriter{h: make(http.Header)}
	h.ServeHTTP(w, r)
	r.Header.Set("If-None-Match", w.h.Get("ETag"))
	bare304 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	})
	b.Run("bare/304", func(b *testing.B) { benchRequest(b, bare304, r, 304) })
	b.Run("cached/304", func(b *testing.B) { benchRequest(b, h, r, 304) })
}

// BenchmarkRender measures a cache miss: query, render, validate, gzip.
func BenchmarkRender(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	for _, fm := range []feeds.Format{feeds.FormatRSS, feeds.FormatAtom, feeds.FormatJSON} {
		b.Run(fm.Extension(), func(b *testing.B) {
			b.ReportAllocs()
			rq := srv.newFeedRequest("politics."+fm.Extension(), "politics", fm)
			q := &rq
			for b.Loop() {
				if _, err := srv.renderFeed(ctx, q.key(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkServeHTTP is BenchmarkServe over a real loopback connection, as a
// client sees it: both handlers pay for net/http's parsing and writing.
func BenchmarkServeHTTP(b *testing.B) {
	srv := benchServer(b)
	f := srv.cache
	h := srv.Handler()
	warm := httptest.NewRecorder()
	h.ServeHTTP(warm, httptest.NewRequest(http.MethodGet, "/feeds/politics.rss", nil))
	e, ok := f.get(cacheKey{dep: "politics", name: "politics.rss", limit: 50})
	if !ok {
		b.Fatal("feed not cached")
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", e.hdrType[0])
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(e.gzipped)
	})
	for _, c := range []struct {
		name string
		h    http.Handler
		hdr  []string
		code int
	}{
		{"bare/gzip", bare, nil, 200},
		{"cached/gzip", h, nil, 200},
		{"cached/304", h, []string{"If-None-Match", e.gzipETag}, 304},
	} {
		b.Run(c.name, func(b *testing.B) {
			ts := httptest.NewServer(c.h)
			defer ts.Close()
			client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 4}}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/feeds/politics.rss", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			for i := 0; i+1 < len(c.hdr); i += 2 {
				req.Header.Set(c.hdr[i], c.hdr[i+1])
			}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.code {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkPull measures ?since= pulls that each name a cursor of their
// own, as partners polling from their own positions do: every request
// misses the document cache and is assembled (query, render or fragments,
// the publish gate, gzip).
func BenchmarkPull(b *testing.B) {
	srv := benchServer(b)
	h := srv.Handler()
	for _, fm := range []feeds.Format{feeds.FormatRSS, feeds.FormatAtom, feeds.FormatJSON} {
		b.Run(fm.Extension(), func(b *testing.B) {
			w := &discardWriter{h: make(http.Header)}
			b.ReportAllocs()
			// Distinct times before every article: each pull has all 50.
			epoch, i := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), 0
			for b.Loop() {
				i++
				r, _ := http.NewRequest(http.MethodGet, "/feeds/politics."+fm.Extension()+"?since="+epoch.Add(time.Duration(i)*time.Second).Format(time.RFC3339), nil)
				r.Header.Set("Accept-Encoding", "gzip")
				clear(w.h)
				h.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}
