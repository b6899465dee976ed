package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// go test -run '^$' -bench . -benchtime 2s ./internal/store/

func BenchmarkSaveArticles(b *testing.B) {
	ctx := context.Background()
	cats := []string{"politics", "economy", "sports", "culture", "world"}
	batch := func(start int) []*feeds.Article {
		as := make([]*feeds.Article, 100)
		for i := range as {
			as[i] = bigArticle(start+i, cats[(start+i)%len(cats)])
		}
		return as
	}
	b.Run("new/batch=100", func(b *testing.B) {
		st := mustOpen(b)
		batches := make([][]*feeds.Article, 0, 64) // built outside the timer, reused with fresh GUIDs
		for i := range 64 {
			batches = append(batches, batch(i*100))
		}
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		for b.Loop() {
			as := batches[n%len(batches)]
			for i, a := range as {
				a.GUID = fmt.Sprintf("new-%08d", n*100+i)
			}
			if _, err := st.SaveArticles(ctx, as); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(n*100)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("unchanged/batch=100", func(b *testing.B) {
		st := mustOpen(b)
		as := batch(0)
		mustSave(b, st, as...)
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		for b.Loop() {
			res, err := st.SaveArticles(ctx, as)
			if err != nil {
				b.Fatal(err)
			}
			if res[0].String() != "unchanged" {
				b.Fatalf("result %v", res[0])
			}
			n++
		}
		b.ReportMetric(float64(n*100)/b.Elapsed().Seconds(), "rows/s")
	})
}

// BenchmarkLatestArticles reads the hot feed query from a store of 5,000
// ~3 KB Arabic articles in five categories (1,000 each).
func BenchmarkLatestArticles(b *testing.B) {
	ctx := context.Background()
	st, _ := mustOpenAt(b, filepath.Join(b.TempDir(), "n.db"), fixedClock)
	cats := []string{"politics", "economy", "sports", "culture", "world"}
	for start := 0; start < 5000; start += 500 {
		as := make([]*feeds.Article, 500)
		for i := range as {
			as[i] = bigArticle(start+i, cats[(start+i)%len(cats)])
		}
		mustSave(b, st, as...)
	}
	for _, bc := range []struct{ name, cat string }{{"category/limit=50", "politics"}, {"all/limit=50", ""}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				as, err := st.LatestArticles(ctx, bc.cat, 50)
				if err != nil {
					b.Fatal(err)
				}
				if len(as) != 50 {
					b.Fatalf("%d articles", len(as))
				}
			}
		})
	}
	b.Run("versions", func(b *testing.B) { // what the server polls per request or tick
		b.ReportAllocs()
		for b.Loop() {
			if _, err := st.Versions(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
