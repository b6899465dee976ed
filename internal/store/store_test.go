package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// t0 is the fixed "now" of mustOpen's store; goldens and assertions never drift.
var t0 = time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return t0 }

// clock is a settable clock for tests that need time to pass.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func mustOpen(tb testing.TB) *store.Store {
	tb.Helper()
	st, _ := mustOpenAt(tb, filepath.Join(tb.TempDir(), "n.db"), fixedClock)
	return st
}

func mustOpenAt(tb testing.TB, path string, now func() time.Time) (*store.Store, string) {
	tb.Helper()
	st, err := store.Open(context.Background(), path, store.WithClock(now))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Error(err)
		}
	})
	return st, path
}

// rawDB opens the store's file directly, for checks the API does not expose.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// article returns a small valid Arabic article.
func article(guid string, published time.Time, cats ...string) *feeds.Article {
	return &feeds.Article{
		GUID:        guid,
		Title:       "عنوان الخبر " + guid,
		Summary:     "ملخص الخبر " + guid,
		ContentHTML: `<p dir="rtl">نص الخبر ` + guid + `</p>`,
		URL:         "https://news.example/ar/" + guid,
		Language:    "ar",
		Published:   published,
		Categories:  cats,
	}
}

var arabicWords = strings.Fields(`الحكومة أعلنت اليوم عن خطة جديدة لتطوير النقل العام في العاصمة
وقال الوزير إن المشروع سيبدأ خلال الأشهر المقبلة بتكلفة تقدر بملايين الدولارات ويشمل
إنشاء خطوط حافلات سريعة ومحطات حديثة وتحسين الطرق الرئيسية وأكد المسؤولون أن الخطة
تهدف إلى تخفيف الازدحام المروري وتقليل التلوث في المدينة التي يسكنها أكثر من خمسة ملايين نسمة`)

// arabicBody returns about n bytes of Arabic HTML paragraphs, the same for the same seed.
func arabicBody(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 42))
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(`<p dir="rtl">`)
		for range 12 + r.IntN(10) {
			b.WriteString(arabicWords[r.IntN(len(arabicWords))])
			b.WriteByte(' ')
		}
		b.WriteString("</p>\n")
	}
	return b.String()
}

// bigArticle is a realistic ~3 KB Arabic article for benchmarks.
func bigArticle(i int, cats ...string) *feeds.Article {
	a := article(fmt.Sprintf("bench-%06d", i), t0.Add(-time.Duration(i)*time.Minute), cats...)
	a.ContentHTML = arabicBody(uint64(i), 3000)
	a.Authors = []feeds.Person{{Name: "سارة أحمد", Email: "sara@news.example"}}
	a.Image = &feeds.Image{URL: fmt.Sprintf("https://news.example/img/%d.jpg", i), Type: "image/jpeg", Length: 48213}
	return a
}

func mustSave(tb testing.TB, st *store.Store, as ...*feeds.Article) []newsroom.SaveResult {
	tb.Helper()
	res, err := st.SaveArticles(context.Background(), as)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func mustVersions(tb testing.TB, st *store.Store) map[string]int64 {
	tb.Helper()
	vs, err := st.Versions(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

func mustLatest(tb testing.TB, st *store.Store, cat string, limit int) []*feeds.Article {
	tb.Helper()
	as, err := st.LatestArticles(context.Background(), cat, limit)
	if err != nil {
		tb.Fatal(err)
	}
	return as
}

func guids(as []*feeds.Article) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.GUID
	}
	return out
}

// checkArticle compares every field; times must be equal instants in UTC.
func checkArticle(tb testing.TB, got, want *feeds.Article) {
	tb.Helper()
	if got.Published.Location() != time.UTC || got.Updated.Location() != time.UTC {
		tb.Errorf("times not in UTC: %v, %v", got.Published, got.Updated)
	}
	w := *want
	w.Published, w.Updated = want.Published.UTC(), want.Updated.UTC()
	if !reflect.DeepEqual(got, &w) {
		tb.Errorf("article %q:\n got %#v\nwant %#v", want.GUID, *got, w)
	}
}
