package fetch_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/newswire/newswire/internal/fetch"
)

// benchFeed builds an Arabic RSS document of about size bytes.
func benchFeed(size int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>` + arChannel + `</title>`)
	para := strings.Repeat("قال الوزير إن المحادثات كانت مثمرة وإن الجانبين اتفقا على مواصلة التشاور. ", 8)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<item><title>%s %d</title><link>https://news.example/%d</link><guid>https://news.example/%d</guid><description>%s</description></item>\n",
			arItem, i, i, i, para)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// BenchmarkFetch measures one poll of a loopback server over a kept-alive connection:
// a full ~80 KB UTF-8 feed, and a 304 answer to the conditional GET.
func BenchmarkFetch(b *testing.B) {
	feed := []byte(benchFeed(80 << 10))
	const etag = `"bench"`
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", etag)
		w.Write(feed)
	})
	c := newClient(b, fetch.Options{})
	ctx := context.Background()
	cases := []struct {
		name string
		req  fetch.Request
		size int64
	}{
		{"200-80KB", fetch.Request{URL: srv.URL, AllowPrivate: true}, int64(len(feed))},
		{"304", fetch.Request{URL: srv.URL, ETag: etag, AllowPrivate: true}, 0},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(bc.size)
			for b.Loop() {
				res, err := c.Fetch(ctx, bc.req)
				if err != nil {
					b.Fatal(err)
				}
				if res.NotModified != (bc.size == 0) {
					b.Fatalf("NotModified = %v", res.NotModified)
				}
			}
		})
	}
}

// BenchmarkToUTF8 isolates the charset step on an ~80 KB feed.
func BenchmarkToUTF8(b *testing.B) {
	utf8Feed := []byte(benchFeed(80 << 10))
	w1256, err := charmap.Windows1256.NewEncoder().Bytes([]byte(strings.Replace(string(utf8Feed), "UTF-8", "windows-1256", 1)))
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		body []byte
	}{{"utf-8", utf8Feed}, {"windows-1256", w1256}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				if _, err := fetch.ToUTF8(bc.body, "application/rss+xml"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
