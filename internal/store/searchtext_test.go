package store_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// An article saved with the text its cleaning read (SaveCleaned, as the
// importer saves) is indexed under exactly the words it is indexed under
// when the store reads the body itself (SaveArticles, a rebuild): over the
// cleaning corpus and over markup where words and tags meet.
func TestHandedTextIndexesTheWordsTheBodyHas(t *testing.T) {
	bodies := []string{
		`<p>H<sub>2</sub>O and co<b>oper</b>ation, a&amp;b &lt;tag&gt; &#1575;&#1604;</p>`,
		`<p>سطر<br>آخر</p><ul><li>بند <a href="https://x.example/">رابط</a></li><li>ثانٍ</li></ul>`,
		`<table><tr><td>خلية</td><td>أخرى</td></tr></table><blockquote><p>اقتباس</p></blockquote>`,
		"<p>\u200fعلامة\u200f اتجاه \u202bمضمنة\u202c والتَّشْكِيل</p><h2>عنوان فرعي</h2>",
		`<figure><img src="https://x.example/i.jpg" alt="صورة"><figcaption>تعليق الصورة</figcaption></figure>`,
	}
	files, err := filepath.Glob("../content/testdata/corpus/*.html")
	if err != nil || len(files) < 10 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	c := content.New(content.Options{})
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		var plain, handed []*feeds.Article
		var items []newsroom.Cleaned
		for i, body := range bodies {
			a := article(fmt.Sprintf("text-%d", i), t0, "world")
			a.Summary, a.ContentHTML = "", content.SanitizeHTML(body)
			r, err := c.Article(a)
			if err != nil {
				t.Fatalf("body %d: clean: %v", i, err)
			}
			b := *a
			b.GUID = fmt.Sprintf("handed-%d", i)
			plain, handed = append(plain, a), append(handed, &b)
			items = append(items, newsroom.Cleaned{Article: &b, Text: r.Text})
		}
		mustSave(t, st, plain...)
		if _, err := st.SaveCleaned(ctx, items); err != nil {
			t.Fatal(err)
		}
		for i := range bodies {
			wantTitle, want, err := store.SearchRow(ctx, st, plain[i].GUID)
			if err != nil {
				t.Fatal(err)
			}
			gotTitle, got, err := store.SearchRow(ctx, st, handed[i].GUID)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || gotTitle != wantTitle || strings.TrimSpace(got) == "" {
				t.Errorf("body %d indexed as\n%q\nwith its cleaning's text, as\n%q\nfrom the body", i, got, want)
			}
		}
	})
}

// An ingested item is indexed under exactly the words its body has, as
// the store reads them itself (SaveArticles): the pass hands over the
// text its pipeline read (PassItem.Text), cleaned or not. Upstream
// fixtures of every kind the ingest tests use: hostile markup, relative
// URLs, plain-text JSON Feed content, summaries, boilerplate, no bodies.
func TestIngestedItemsAreIndexedAsTheirBodies(t *testing.T) {
	fixtures, err := filepath.Glob("../../testdata/upstream/*")
	if err != nil || len(fixtures) < 10 {
		t.Fatalf("fixtures: %d, %v", len(fixtures), err)
	}
	bodies := map[string][]byte{}
	for _, f := range fixtures {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies["/"+filepath.Base(f)] = b
	}
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := bodies[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	defer up.Close()
	cleaner := content.New(content.Options{})
	for _, clean := range []bool{false, true} {
		t.Run(fmt.Sprintf("clean=%v", clean), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, db testDB) {
				ctx := context.Background()
				st := db.open(t)
				o := ingest.Options{Client: fetch.New(fetch.Options{})}
				if clean {
					o.Clean = cleaner.Clean
				}
				in := ingest.New(st, o)
				for path := range bodies {
					name := strings.NewReplacer(".", "-", "/", "").Replace(path)
					if _, err := st.UpsertSource(ctx, newsroom.Source{Name: name, URL: up.URL + path, Schedule: "@every 10m",
						Categories: []string{"world"}, Enabled: true, AllowPrivate: true}); err != nil {
						t.Fatal(err)
					}
					in.RunOne(ctx, name) // a malformed fixture is that source's error
				}
				stored, err := st.LatestArticles(ctx, "world", 1000)
				if err != nil {
					t.Fatal(err)
				}
				if len(stored) < 50 {
					t.Fatalf("%d articles ingested from %d fixtures", len(stored), len(bodies))
				}
				var copies []*feeds.Article
				for _, a := range stored {
					c := *a
					c.GUID = "copy-" + a.GUID
					c.Sources = nil
					copies = append(copies, &c)
				}
				mustSave(t, st, copies...)
				for _, a := range stored {
					gotTitle, got, err := store.SearchRow(ctx, st, a.GUID)
					if err != nil {
						t.Fatal(err)
					}
					wantTitle, want, err := store.SearchRow(ctx, st, "copy-"+a.GUID)
					if err != nil {
						t.Fatal(err)
					}
					if got != want || gotTitle != wantTitle {
						t.Errorf("%s indexed as\n%q\nfrom the pass, as\n%q\nfrom its body", a.GUID, got, want)
					}
				}
			})
		})
	}
}
