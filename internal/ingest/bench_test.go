package ingest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

const benchItems = 100

// feedServer serves body with its length, as a static feed file is served.
// With regenerate set, each response ends in a different comment: the same
// items in other bytes, as a CMS regenerating its feed sends them (this
// defeats the identical-body shortcut, so the items are recognised one by
// one by their raw hashes).
func feedServer(body []byte, regenerate bool) *httptest.Server {
	var n atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var tail []byte
		if regenerate {
			tail = fmt.Appendf(nil, "<!-- %012d -->\n", n.Add(1))
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+len(tail)))
		w.Write(body)
		w.Write(tail)
	}))
}

func newParser() *gofeed.Parser {
	p := gofeed.NewParser() // as ingest configures it
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	p.KeepOriginalFeed = true
	return p
}

// BenchmarkIngest compares whole passes (fetch from loopback, parse,
// recognise, sanitise, store) with gofeed's parse alone on the same 100-item
// Arabic feed (~2.5 KB of HTML per item, 250 KB):
//
//	parse-only       gofeed.Parse, configured as ingest configures it
//	all-new          a pass over a fresh store: every item sanitised and
//	                 stored in one transaction
//	all-known        a full 200, regenerated, whose items are all stored:
//	                 recognised by their raw hashes (most real polls)
//	all-known-same   a full 200 with the very bytes last stored: not parsed
//
// go test -run '^$' -bench 'BenchmarkIngest$' -benchtime 3s ./internal/ingest/
func BenchmarkIngest(b *testing.B) {
	body := genFeed("bench", benchItems, false, 2000)
	client := fetch.New(fetch.Options{})
	itemsPerSec := func(b *testing.B) {
		b.ReportMetric(float64(benchItems*b.N)/b.Elapsed().Seconds(), "items/s")
	}

	b.Run("parse-only", func(b *testing.B) {
		p := newParser()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			f, err := p.Parse(bytes.NewReader(body))
			if err != nil || len(f.Items) != benchItems {
				b.Fatal(err)
			}
		}
		itemsPerSec(b)
	})

	b.Run("all-new", func(b *testing.B) {
		srv := feedServer(body, false)
		defer srv.Close()
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st, in := benchStore(b, client, filepath.Join(b.TempDir(), "n.db"))
			benchSource(b, st, "bench", srv.URL)
			b.StartTimer()
			if res := in.RunOne(context.Background(), "bench"); res.Err != nil || res.New != benchItems {
				b.Fatalf("%+v", res)
			}
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
		itemsPerSec(b)
	})

	for _, tc := range []struct {
		name       string
		regenerate bool
	}{{"all-known", true}, {"all-known-same", false}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := feedServer(body, tc.regenerate)
			defer srv.Close()
			st, in := benchStore(b, client, filepath.Join(b.TempDir(), "n.db"))
			defer st.Close()
			benchSource(b, st, "bench", srv.URL)
			if res := in.RunOne(context.Background(), "bench"); res.Err != nil {
				b.Fatal(res.Err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				res := in.RunOne(context.Background(), "bench")
				if res.Err != nil || (tc.regenerate && res.Unchanged != benchItems) || (!tc.regenerate && !res.NotModified) {
					b.Fatalf("%+v", res)
				}
			}
			itemsPerSec(b)
		})
	}
}

// BenchmarkIngestVsParse measures the ratios of BenchmarkIngest with the
// machine's noise taken out: every iteration times gofeed's parse and a
// whole pass back to back on the same input, and the metrics are the two
// rates and the pass's as a percentage of the parse's.
//
// go test -run '^$' -bench 'BenchmarkIngestVsParse' -benchtime 200x -count 5 ./internal/ingest/
func BenchmarkIngestVsParse(b *testing.B) {
	body := genFeed("bench", benchItems, false, 2000)
	client := fetch.New(fetch.Options{})
	p := newParser()
	for _, tc := range []struct {
		name              string
		fresh, regenerate bool // fresh: a new store per iteration, every item new
	}{{"all-new", true, false}, {"all-known", false, true}, {"all-known-same", false, false}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := feedServer(body, tc.regenerate)
			defer srv.Close()
			st, in := benchStore(b, client, filepath.Join(b.TempDir(), "n.db"))
			benchSource(b, st, "bench", srv.URL)
			if !tc.fresh {
				if res := in.RunOne(context.Background(), "bench"); res.Err != nil {
					b.Fatal(res.Err)
				}
			}
			var parse, pass time.Duration
			for i := 0; i < b.N; i++ {
				if tc.fresh && i > 0 {
					b.StopTimer()
					st.Close()
					st, in = benchStore(b, client, filepath.Join(b.TempDir(), "n.db"))
					benchSource(b, st, "bench", srv.URL)
					b.StartTimer()
				}
				t := time.Now()
				if _, err := p.Parse(bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				res := in.RunOne(context.Background(), "bench")
				pass += time.Since(t2)
				parse += t2.Sub(t)
				if res.Err != nil || (tc.fresh && res.New != benchItems) || (tc.regenerate && res.Unchanged != benchItems) {
					b.Fatalf("%+v", res)
				}
			}
			st.Close()
			n := float64(benchItems * b.N)
			b.ReportMetric(n/parse.Seconds(), "parse-items/s")
			b.ReportMetric(n/pass.Seconds(), "pass-items/s")
			b.ReportMetric(100*parse.Seconds()/pass.Seconds(), "pass/parse-%")
		})
	}
}

func benchStore(b *testing.B, client *fetch.Client, path string) (*store.Store, *ingest.Ingester) {
	b.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	return st, ingest.New(st, ingest.Options{Client: client, MaxNewPerPass: 10_000})
}

func benchSource(b *testing.B, st *store.Store, name, url string) {
	b.Helper()
	if _, err := st.UpsertSource(context.Background(), newsroom.Source{Name: name, URL: url,
		Categories: []string{"world"}, Enabled: true, AllowPrivate: true}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSources1000 runs one pass over 1,000 local sources (20 items of
// ~1 KB each), all served by one loopback server on the same machine:
//
//	first-pass-all-new  every item new: sanitised and stored
//	304                 every source answers 304 to its ETag
//	200-all-known       full 200s, regenerated, whose items are all stored
//	200-same            full 200s with the very bytes last stored
//
// go test -run '^$' -bench 'BenchmarkSources1000' -benchtime 3x ./internal/ingest/
func BenchmarkSources1000(b *testing.B) {
	const nSources, nItems = 1000, 20
	bodies := make([][]byte, nSources)
	for i := range bodies {
		bodies[i] = genFeed(fmt.Sprintf("s%04d", i), nItems, false, 500)
	}
	var (
		allow304, regenerate atomic.Bool
		served               atomic.Int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/s/%d", &i); err != nil || i < 0 || i >= nSources {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"%d"`, i)
		w.Header().Set("ETag", etag)
		if allow304.Load() && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var tail []byte
		if regenerate.Load() {
			tail = fmt.Appendf(nil, "<!-- %012d -->\n", served.Add(1))
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Length", strconv.Itoa(len(bodies[i])+len(tail)))
		w.Write(bodies[i])
		w.Write(tail)
	}))
	defer srv.Close()
	client := fetch.New(fetch.Options{})
	ctx := context.Background()
	newStore := func(b *testing.B) (*store.Store, *ingest.Ingester) {
		st, in := benchStore(b, client, filepath.Join(b.TempDir(), "n.db"))
		for i := range nSources {
			benchSource(b, st, fmt.Sprintf("s%04d", i), fmt.Sprintf("%s/s/%d", srv.URL, i))
		}
		return st, in
	}
	runAll := func(b *testing.B, in *ingest.Ingester, check func(ingest.Result) bool) {
		res, err := in.RunAll(ctx)
		if err != nil || len(res) != nSources {
			b.Fatalf("%d results, %v", len(res), err)
		}
		for _, r := range res {
			if !check(r) {
				b.Fatalf("%+v", r)
			}
		}
	}
	sourcesPerSec := func(b *testing.B) {
		b.ReportMetric(float64(nSources*b.N)/b.Elapsed().Seconds(), "sources/s")
	}

	b.Run("first-pass-all-new", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			st, in := newStore(b)
			b.StartTimer()
			runAll(b, in, func(r ingest.Result) bool { return r.Err == nil && r.New == nItems })
			b.StopTimer()
			st.Close()
			b.StartTimer()
		}
		sourcesPerSec(b)
	})

	st, in := newStore(b)
	defer st.Close()
	runAll(b, in, func(r ingest.Result) bool { return r.Err == nil && r.New == nItems })
	for _, tc := range []struct {
		name        string
		use304, gen bool
		check       func(ingest.Result) bool
	}{
		{"304", true, false, func(r ingest.Result) bool { return r.Err == nil && r.NotModified }},
		{"200-all-known", false, true, func(r ingest.Result) bool { return r.Err == nil && r.Unchanged == nItems }},
		{"200-same", false, false, func(r ingest.Result) bool { return r.Err == nil && r.NotModified }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			allow304.Store(tc.use304)
			regenerate.Store(tc.gen)
			if !tc.use304 && !tc.gen { // store the hashes of these exact bytes first
				runAll(b, in, func(r ingest.Result) bool { return r.Err == nil })
			}
			b.ReportAllocs()
			for b.Loop() {
				runAll(b, in, tc.check)
			}
			sourcesPerSec(b)
		})
	}
}
