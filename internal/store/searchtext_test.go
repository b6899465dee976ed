package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
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
