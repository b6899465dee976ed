package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// go test -run '^$' -bench . -benchtime 2s ./internal/store/

// cpuTime is the CPU time the process has used (user and system): on a
// shared machine it measures the work a benchmark does better than the
// wall clock, which also counts waiting for a core. On PostgreSQL most of
// a save's CPU is the server's, outside the process: read rows/s there.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSaveArticles writes batches of 100 ~3 KB Arabic articles, on
// SQLite and, with NEWSWIRE_TEST_POSTGRES set, on PostgreSQL side by side.
func BenchmarkSaveArticles(b *testing.B) {
	for _, db := range []testDB{sqliteDB, postgresDB} {
		b.Run(db.name, func(b *testing.B) {
			if db.name == "postgres" {
				needPostgres(b)
			}
			benchmarkSaveArticles(b, db)
		})
	}
}

func benchmarkSaveArticles(b *testing.B, db testDB) {
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
		saveNewBatches(b, db.open(b), func(i int) []newsroom.Cleaned {
			as := batch(i * 100)
			items := make([]newsroom.Cleaned, len(as))
			for j, a := range as {
				items[j] = newsroom.Cleaned{Article: a} // the store reads each body for the index
			}
			return items
		})
	})
	// As `newswire import` saves: each article with its body's text from
	// cleaning (made outside the timer), which the index takes as it is.
	b.Run("cleaned/batch=100", func(b *testing.B) {
		saveNewBatches(b, db.open(b), func(i int) []newsroom.Cleaned {
			as := batch(i * 100)
			items := make([]newsroom.Cleaned, len(as))
			for j, a := range as {
				items[j] = newsroom.Cleaned{Article: a, Text: content.Text(a.ContentHTML)}
			}
			return items
		})
	})
	b.Run("unchanged/batch=100", func(b *testing.B) {
		st := db.open(b)
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

// BenchmarkSearch runs search queries over a store of 100,000 ~3 KB Arabic
// articles, built first (about a minute): NEWSWIRE_BENCH_ARTICLES changes
// the count.
//
//	go test -run '^$' -bench Search -benchtime 2s ./internal/store/
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	n := 100_000
	if v := os.Getenv("NEWSWIRE_BENCH_ARTICLES"); v != "" {
		fmt.Sscan(v, &n)
	}
	st := mustOpen(b)
	cats := []string{"politics", "economy", "sports", "culture", "world"}
	start := time.Now()
	for i := 0; i < n; i += 500 {
		as := make([]*feeds.Article, 0, 500)
		for j := i; j < min(i+500, n); j++ {
			a := bigArticle(j, cats[j%len(cats)])
			a.Title += fmt.Sprintf(" رمز%d", j%1000) // a word in 0.1% of articles
			as = append(as, a)
		}
		if _, err := st.SaveArticles(ctx, as); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("built %d articles in %v", n, time.Since(start).Round(time.Millisecond))
	queries := []struct{ name, q string }{
		{"common-word", "الحكومة"},            // in almost every article: the worst case
		{"two-common-words", "الحكومة الخطة"}, // AND of two of them
		{"rare-word", "رمز7"},                 // in 0.1% of articles
		{"rare-with-harakat", "رَمْز7"},
		{"rare-and-common", "رمز7 الحكومة"},
		{"prefix", "رمز99*"},
		{"no-match", "كلمةغيرموجودة"},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := st.Search(ctx, q.q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// saveNewBatches times saving batches of 100 new articles (fresh GUIDs each
// time), the i-th made outside the timer by batch(i), and reports rows/s
// and CPU.
func saveNewBatches(b *testing.B, st *store.Store, batch func(i int) []newsroom.Cleaned) {
	ctx := context.Background()
	batches := make([][]newsroom.Cleaned, 0, 64)
	for i := range 64 {
		batches = append(batches, batch(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	n := 0
	for b.Loop() {
		items := batches[n%len(batches)]
		for i, it := range items {
			it.Article.GUID = fmt.Sprintf("new-%08d", n*100+i)
		}
		if _, err := st.SaveCleaned(ctx, items); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n*100)/b.Elapsed().Seconds(), "rows/s")
	cpu := cpuTime(b) - cpu0
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
	b.ReportMetric(float64(n*100)/cpu.Seconds(), "rows/cpu-s")
}
