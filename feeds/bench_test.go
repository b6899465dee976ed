package feeds

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"testing"

	gorilla "github.com/gorilla/feeds"
)

// benchItems is the size of a category feed: 50 Arabic articles of ~3 KB HTML.
const benchItems = 50

// BenchmarkWrite renders the 50-item Arabic feed in each format, the way the
// server does on a data change: into a reused buffer.
func BenchmarkWrite(b *testing.B) {
	for _, fm := range AllFormats() {
		b.Run(fm.String(), func(b *testing.B) {
			f := arabicFeed(benchItems, fm)
			var buf bytes.Buffer
			if err := Write(&buf, f, fm); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, f, fm); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGorillaAlone is the baseline: gorilla's own WriteRss, WriteAtom and
// WriteJSON on the same articles, mapped once onto a gorilla.Feed outside the
// loop (so it times gorilla's rendering only, with none of our additions).
func BenchmarkGorillaAlone(b *testing.B) {
	writers := map[Format]func(*gorilla.Feed, io.Writer) error{
		FormatRSS:  (*gorilla.Feed).WriteRss,
		FormatAtom: (*gorilla.Feed).WriteAtom,
		FormatJSON: (*gorilla.Feed).WriteJSON,
	}
	for _, fm := range AllFormats() {
		b.Run(fm.String(), func(b *testing.B) {
			gf := plainGorillaFeed(arabicFeed(benchItems, fm))
			write := writers[fm]
			var buf bytes.Buffer
			if err := write(gf, &buf); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf.Reset()
				if err := write(gf, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// plainGorillaFeed maps a Feed onto gorilla's generic Feed the obvious way.
func plainGorillaFeed(f *Feed) *gorilla.Feed {
	gf := &gorilla.Feed{Title: f.Title, Link: &gorilla.Link{Href: f.Link}, Description: f.Description}
	for _, a := range f.Items {
		gf.Items = append(gf.Items, &gorilla.Item{
			Title: a.Title, Link: &gorilla.Link{Href: a.URL}, Description: a.Summary, Id: a.GUID,
			Author: &gorilla.Author{Name: a.Authors[0].Name}, Created: a.Published, Updated: a.Updated,
			Content: a.ContentHTML,
		})
		if a.Updated.After(gf.Updated) {
			gf.Updated = a.Updated
		}
	}
	return gf
}

// BenchmarkValidate is the cost of the server's publish gate per render.
func BenchmarkValidate(b *testing.B) {
	for _, fm := range AllFormats() {
		b.Run(fm.String(), func(b *testing.B) {
			data := render(b, arabicFeed(benchItems, fm), fm)
			if ps := Validate(data); len(ps) > 0 {
				b.Fatal(ps)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				Validate(data)
			}
		})
	}
}

// BenchmarkWriteBudget is WriteBudget with the default budget on the 50-item
// category feed (within budget: one render, like Write) and on 200 articles
// of 30 KB (6 MB in full, degraded to 2 MB: sizes measured, one render);
// "unbounded" renders all 6 MB of the latter, which is what Write costs.
func BenchmarkWriteBudget(b *testing.B) {
	cases := []struct {
		name   string
		feed   func(Format) *Feed
		budget Budget
	}{
		{"50x3KB", func(fm Format) *Feed { return arabicFeed(benchItems, fm) }, Budget{}},
		{"200x30KB", func(fm Format) *Feed { return sizedFeed(200, 30_000, fm) }, Budget{}},
		{"200x30KB-unbounded", func(fm Format) *Feed { return sizedFeed(200, 30_000, fm) }, Budget{MaxBytes: 1 << 30, MaxItemBytes: 1 << 30}},
	}
	for _, c := range cases {
		for _, fm := range AllFormats() {
			b.Run(c.name+"/"+fm.String(), func(b *testing.B) {
				f := c.feed(fm)
				var buf bytes.Buffer
				res, err := WriteBudget(&buf, f, fm, c.budget)
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(res.Bytes))
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					buf.Reset()
					if _, err := WriteBudget(&buf, f, fm, c.budget); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkGzipPage compares compressing a 50-item page whole (default
// level, BestSpeed) with assembling its gzip from fragments compressed
// when they were cached; gz-bytes is the compressed size.
func BenchmarkGzipPage(b *testing.B) {
	f := arabicFeed(benchItems, FormatRSS)
	c := NewFragments(0)
	var doc bytes.Buffer
	_, a, err := c.publish(&doc, nil, f, FormatRSS, Budget{})
	if err != nil {
		b.Fatal(err)
	}
	for _, level := range []int{gzip.DefaultCompression, gzip.BestSpeed} {
		b.Run(fmt.Sprintf("whole/level%d", level), func(b *testing.B) {
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				zw, _ := gzip.NewWriterLevel(&out, level)
				_, _ = zw.Write(doc.Bytes())
				_ = zw.Close()
			}
			b.ReportMetric(float64(out.Len()), "gz-bytes")
		})
	}
	b.Run("assembled", func(b *testing.B) {
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			if err := a.writeGzip(&out); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(out.Len()), "gz-bytes")
	})
}

// BenchmarkFragmentsPublish is a page assembled from a warm fragment cache
// beside Publish rendering and validating it whole.
func BenchmarkFragmentsPublish(b *testing.B) {
	for _, fm := range AllFormats() {
		f := arabicFeed(benchItems, fm)
		c := NewFragments(0)
		var buf bytes.Buffer
		b.Run(fm.String()+"/publish", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := Publish(&buf, f, fm, Budget{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fm.String()+"/fragments", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := c.Publish(&buf, f, fm, Budget{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
