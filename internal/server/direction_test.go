package server

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/clean"
)

// directionTags are language tags as doors and stored articles carry them,
// with the direction their text is written in: case, "_" separators,
// deprecated codes (iw, ji), script subtags either way, and languages
// written in Arabic, Hebrew or Thaana script.
var directionTags = []struct{ tag, want string }{
	{"ar", "rtl"}, {"AR", "rtl"}, {"ar_SA", "rtl"}, {"ar-Latn", "ltr"}, {"fa", "rtl"}, {"ur", "rtl"},
	{"he", "rtl"}, {"iw", "rtl"}, {"yi", "rtl"}, {"ji", "rtl"}, {"ps", "rtl"}, {"sd", "rtl"},
	{"ug", "rtl"}, {"dv", "rtl"}, {"ckb", "rtl"}, {"ku-Arab", "rtl"}, {"ku", "ltr"}, {"az-Arab", "rtl"},
	{"az", "ltr"}, {"pa-Arab", "rtl"}, {"pa", "ltr"}, {"uz-Arab", "rtl"}, {"ug-Latn", "ltr"}, {"FA_ir", "rtl"},
	{"en", "ltr"}, {"fr", "ltr"}, {"", "ltr"},
}

// Every place that marks text with a direction gives the same answer for
// a tag: feeds.Direction, the body wrapper the cleaner writes, a feed item
// summarised to fit the budget, an article's element on its page, and the
// pages' chrome for the site language. Each had a list of its own, and one
// article could be right-to-left in its body and left-to-right on its page.
func TestOneDirectionEverywhere(t *testing.T) {
	c := clean.New(clean.Options{SummaryMax: -1})
	var stored []*feeds.Article
	for i, tt := range directionTags {
		a := article(i+1, "world")
		a.GUID = fmt.Sprintf("tag:test,2026:dir-%d", i)
		a.Language = tt.tag
		stored = append(stored, a)
	}
	f := newFixture(t, stored...)
	articleTag := regexp.MustCompile(`<article lang="([^"]*)" dir="([^"]*)">`)
	htmlTag := regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)

	for i, tt := range directionTags {
		t.Run(fmt.Sprintf("%q", tt.tag), func(t *testing.T) {
			if got := feeds.Direction(tt.tag); got != tt.want {
				t.Errorf("feeds.Direction = %q, want %q", got, tt.want)
			}

			// The body wrapper the cleaner writes at every door.
			a := &feeds.Article{GUID: "g", Title: "Title", Language: tt.tag,
				ContentHTML: "<p>Dock workers went back to work on Monday.</p>"}
			if _, err := c.Article(a); err != nil {
				t.Fatal(err)
			}
			if got := strings.HasPrefix(a.ContentHTML, `<div dir="rtl"`); got != (tt.want == "rtl") {
				t.Errorf("cleaned body %q: wrapped right-to-left %v, want %s", a.ContentHTML, got, tt.want)
			}

			// A feed item too large for the budget carries its summary.
			if got := summarisedDirection(t, tt.tag); got != tt.want {
				t.Errorf("summarised RSS item: %s, want %s", got, tt.want)
			}

			if tt.tag == "" {
				return // pages give an article without a language the site's
			}
			// The article's page.
			_, body := f.get(t, "/articles/"+url.PathEscape(stored[i].GUID))
			m := articleTag.FindSubmatch(body)
			if m == nil {
				t.Fatalf("article page has no <article lang dir>:\n%s", body)
			}
			if string(m[2]) != tt.want {
				t.Errorf("article page: dir=%q, want %q", m[2], tt.want)
			}
			if want, _ := feeds.NormalizeLanguage(tt.tag); string(m[1]) != want {
				t.Errorf("article page: lang=%q, want %q", m[1], want)
			}

			// The pages' chrome, for the site language.
			site := startFixtureWith(t, f.st.Store, func(o *Options) { o.Language = tt.tag })
			_, body = site.get(t, "/")
			if m := htmlTag.FindSubmatch(body); m == nil || string(m[2]) != tt.want {
				t.Errorf("index page with site language %q: %q, want dir %q", tt.tag, m, tt.want)
			}
		})
	}
}

// summarisedDirection renders one Arabic-looking article in the language
// tag as RSS with a budget that only its summary fits, and returns the
// direction its summarised content is marked with.
func summarisedDirection(t *testing.T, tag string) string {
	t.Helper()
	a := article(1, "world")
	a.Language = tag
	a.ContentHTML = "<p>" + strings.Repeat("Dock workers went back to work on Monday. ", 200) + "</p>"
	var buf bytes.Buffer
	res, err := feeds.WriteBudget(&buf, &feeds.Feed{Title: "t", Link: "https://news.example/", SelfURL: "https://news.example/feeds/world.rss",
		Items: []*feeds.Article{a}}, feeds.FormatRSS, feeds.Budget{MaxItemBytes: 4000})
	if err != nil || res.Summarized != 1 {
		t.Fatalf("render: %+v %v; want the item summarised", res, err)
	}
	feed, err := gofeed.NewParser().ParseString(buf.String())
	if err != nil || len(feed.Items) != 1 {
		t.Fatalf("parse back: %v", err)
	}
	if strings.Contains(feed.Items[0].Content, `dir="rtl"`) {
		return "rtl"
	}
	return "ltr"
}
