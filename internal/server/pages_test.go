package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// newSiteFixture is a server whose site is in lang, with the categories
// politics (سياسة) and world (World) and the given articles.
func newSiteFixture(t *testing.T, lang string, articles ...*feeds.Article) *fixture {
	t.Helper()
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	for _, c := range []feeds.Category{{Slug: "politics", Title: "سياسة"}, {Slug: "world", Title: "World"}} {
		if err := st.UpsertCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if len(articles) > 0 {
		if _, err := st.SaveArticles(ctx, articles); err != nil {
			t.Fatal(err)
		}
	}
	cs := &countingStore{Store: st}
	srv := New(cs, Options{BaseURL: "https://news.example", SiteTitle: "newswire",
		Language: lang, WatchInterval: time.Hour}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(ctx)
	srv.StartWatcher(ctx)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		cancel()
		_ = srv.Close(context.Background())
	})
	return &fixture{st: cs, srv: srv, ts: ts}
}

// englishArticle is an article in English with a Latin byline, filed
// under both categories.
func englishArticle() *feeds.Article {
	a := article(2, "politics")
	a.GUID = "tag:test,2026:english"
	a.Title, a.Summary, a.Language = "Parliament passes the budget", "The vote was close.", "en"
	a.ContentHTML = "<p>The vote was close.</p>"
	a.Authors = []feeds.Person{{Name: "Laila Haddad"}}
	a.Categories = []string{"politics", "world"}
	return a
}

// arabicArticle is an Arabic article with a Latin byline, the case whose
// date line the browser reordered.
func arabicArticle() *feeds.Article {
	a := article(1, "politics")
	a.GUID = "tag:test,2026:arabic"
	a.Authors = []feeds.Person{{Name: "ليلى حداد"}, {Name: "John Smith"}}
	a.Categories = []string{"world", "politics"}
	return a
}

func getPage(t *testing.T, f *fixture, path string) *html.Node {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %d %s\n%s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func elements(n *html.Node, a atom.Atom) []*html.Node {
	return findAll(n, func(n *html.Node) bool { return n.Type == html.ElementNode && n.DataAtom == a })
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for _, t := range findAll(n, func(n *html.Node) bool { return n.Type == html.TextNode }) {
		b.WriteString(t.Data)
		b.WriteString(" ") // table cells and blocks are apart
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func byID(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	found := findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && attr(n, "id") == id })
	if len(found) != 1 {
		t.Fatalf("%d elements with id %q", len(found), id)
	}
	return found[0]
}

// isolated reports whether n is in its own bidi run: a <bdi>, or an
// element with dir, or inside one within its line.
func isolated(n *html.Node) bool {
	for ; n != nil && n.DataAtom != atom.P && n.DataAtom != atom.Li && n.DataAtom != atom.Td; n = n.Parent {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Bdi || hasAttr(n, "dir")) {
			return true
		}
	}
	return false
}

// The chrome (navigation, headings, labels) speaks the site's language,
// and <html lang dir> says so on every page; an article keeps its own
// language on its own element.
func TestChromeFollowsSiteLanguage(t *testing.T) {
	tests := []struct {
		lang, dir              string
		status, categories, h1 string
	}{
		{"ar", "rtl", "الحالة", "الأقسام", "الحالة"},
		{"en", "ltr", "Status", "Categories", "Status"},
		{"ar-EG", "rtl", "الحالة", "الأقسام", "الحالة"},
		{"fr", "ltr", "Status", "Categories", "Status"}, // no French table: English words
		{"fa", "rtl", "Status", "Categories", "Status"}, // English words, Persian direction
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			f := newSiteFixture(t, tt.lang, arabicArticle(), englishArticle())
			if _, err := f.st.UpsertSource(context.Background(), newsroom.Source{Name: "wire", URL: "https://wire.example/rss",
				Enabled: true, Origin: newsroom.OriginConfig}); err != nil {
				t.Fatal(err)
			}
			pages := map[string]*html.Node{}
			for _, path := range []string{"/", "/categories/politics", "/articles/tag:test,2026:english", "/articles/tag:test,2026:arabic", "/status"} {
				doc := getPage(t, f, path)
				pages[path] = doc
				root := elements(doc, atom.Html)[0]
				if attr(root, "lang") != tt.lang || attr(root, "dir") != tt.dir {
					t.Errorf("%s: <html lang=%q dir=%q>, want the site's lang=%q dir=%q", path, attr(root, "lang"), attr(root, "dir"), tt.lang, tt.dir)
				}
				var nav string
				for _, a := range elements(elements(doc, atom.Nav)[0], atom.A) {
					if attr(a, "href") == "/status" {
						nav = textOf(a)
					}
				}
				if nav != tt.status {
					t.Errorf("%s: the nav's status link says %q, want %q", path, nav, tt.status)
				}
			}
			var h2 []string
			for _, h := range elements(pages["/"], atom.H2) {
				h2 = append(h2, textOf(h))
			}
			if !strings.Contains(strings.Join(h2, "|"), tt.categories) {
				t.Errorf("index headings %q lack %q", h2, tt.categories)
			}
			if h1 := textOf(elements(pages["/status"], atom.H1)[0]); h1 != tt.h1 {
				t.Errorf("status heading %q, want %q", h1, tt.h1)
			}
			for guid, want := range map[string][2]string{"english": {"en", "ltr"}, "arabic": {"ar", "rtl"}} {
				art := elements(pages["/articles/tag:test,2026:"+guid], atom.Article)
				if len(art) != 1 || attr(art[0], "lang") != want[0] || attr(art[0], "dir") != want[1] {
					t.Errorf("%s article page: the article element is not lang=%q dir=%q", guid, want[0], want[1])
				}
			}
		})
	}
}

// Dates, times and names in a date line are each in bidi isolation, so an
// Arabic line does not reorder "2026-10-31 11:00 UTC" into "UTC 11:00
// 2026-10-31"; the <time> carries the instant in machine form.
func TestDateLinesAreIsolated(t *testing.T) {
	for _, lang := range []string{"ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			ar, en := arabicArticle(), englishArticle()
			f := newSiteFixture(t, lang, ar, en)
			for _, path := range []string{"/categories/politics", "/articles/tag:test,2026:arabic", "/articles/tag:test,2026:english"} {
				doc := getPage(t, f, path)
				times := elements(doc, atom.Time)
				if len(times) == 0 {
					t.Fatalf("%s: no <time>", path)
				}
				for _, tm := range times {
					m := tm.Parent
					for m.DataAtom != atom.P {
						m = m.Parent
					}
					when, err := time.Parse(time.RFC3339, attr(tm, "datetime"))
					if err != nil {
						t.Errorf("%s: <time datetime=%q>: %v", path, attr(tm, "datetime"), err)
					}
					if want := when.UTC().Format("2006-01-02 15:04 UTC"); textOf(tm) != want {
						t.Errorf("%s: <time> says %q, its datetime %q", path, textOf(tm), want)
					}
					if !isolated(tm) || attr(tm, "dir") != "ltr" && !hasAttr(tm, "dir") {
						t.Errorf("%s: date %q not isolated left to right in %q", path, textOf(tm), textOf(m))
					}
					for _, name := range []string{"Laila Haddad", "John Smith", "ليلى حداد", "سياسة", "World"} {
						for _, txt := range findAll(m, func(n *html.Node) bool { return n.Type == html.TextNode && strings.Contains(n.Data, name) }) {
							if !isolated(txt.Parent) {
								t.Errorf("%s: %q not isolated in date line %q", path, name, textOf(m))
							}
						}
					}
				}
			}
			for _, a := range []*feeds.Article{ar, en} {
				doc := getPage(t, f, "/articles/"+a.GUID)
				if !strings.Contains(textOf(doc), a.Published.UTC().Format("2006-01-02 15:04 UTC")) {
					t.Errorf("article page of %s lacks its date", a.GUID)
				}
			}
		})
	}
}

// An article page names its categories by title, linked by slug.
func TestArticlePageShowsCategoryTitles(t *testing.T) {
	f := newSiteFixture(t, "ar", arabicArticle())
	doc := getPage(t, f, "/articles/tag:test,2026:arabic")
	got := map[string]string{}
	for _, a := range elements(elements(doc, atom.Article)[0], atom.A) {
		if slug, ok := strings.CutPrefix(attr(a, "href"), "/categories/"); ok {
			got[slug] = textOf(a)
		}
	}
	if got["politics"] != "سياسة" || got["world"] != "World" || len(got) != 2 {
		t.Errorf("category links by slug: %q, want titles سياسة and World", got)
	}
}

// The index lists each category (and all articles) once, with its feeds
// as short links: RSS · Atom · JSON Feed, each with the full feed title
// for whoever hovers or reads it aloud. Autodiscovery stays.
func TestIndexListsFeedsPerCategory(t *testing.T) {
	f := newSiteFixture(t, "ar", arabicArticle())
	doc := getPage(t, f, "/")
	for slug, title := range map[string]string{"all": "كل الأخبار", "politics": "سياسة", "world": "World"} {
		li := byID(t, doc, slug)
		if li.DataAtom != atom.Li {
			t.Errorf("%s: a <%s>, want a list item", slug, li.Data)
		}
		heads := findAll(li, func(n *html.Node) bool { return n.DataAtom == atom.H2 || n.DataAtom == atom.H3 })
		if len(heads) != 1 || textOf(heads[0]) != title {
			t.Errorf("%s: heading %q, want %q", slug, textOf(li), title)
		}
		lists := findAll(li, func(n *html.Node) bool { return n.DataAtom == atom.Ul && attr(n, "class") == "feeds" })
		if len(lists) != 1 {
			t.Fatalf("%s: %d feed lists", slug, len(lists))
		}
		var got []string
		for _, a := range elements(lists[0], atom.A) {
			got = append(got, textOf(a)+" "+attr(a, "href")+" "+attr(a, "title"))
		}
		titled := "newswire: " + title
		if slug == "all" {
			titled = "newswire"
		}
		want := []string{
			"RSS https://news.example/feeds/" + slug + ".rss " + titled + " (RSS)",
			"Atom https://news.example/feeds/" + slug + ".atom " + titled + " (Atom)",
			"JSON Feed https://news.example/feeds/" + slug + ".json " + titled + " (JSON Feed)",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s feeds:\n%s\nwant\n%s", slug, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	var alternates int
	for _, l := range elements(doc, atom.Link) {
		if attr(l, "rel") == "alternate" {
			alternates++
		}
	}
	if alternates != 9 {
		t.Errorf("%d autodiscovery links, want 9 (three formats of all, politics, world)", alternates)
	}
}

// The status page shows each source's state in words (and a class for
// colour), says when the next run is without calling the future "ago",
// and keeps every detail it had.
func TestStatusPageStates(t *testing.T) {
	tests := []struct {
		lang         string
		nextRun, ago string              // the next run's label; the word for "ago"
		words        map[string][]string // row id -> words the row must have
	}{
		{"en", "Next run", "ago", map[string][]string{
			"source-ok":              {"OK", "in 2 hours", "5 minutes ago", "0 new, 0 updated"},
			"source-failing":         {"Failing", "due now", "connection refused", "3"},
			"source-gone":            {"Disabled", "410 Gone", "not scheduled"},
			"source-paused":          {"Disabled", "never", "not scheduled"},
			"source-has%20space":     {"Not fetched yet", "never", "due now"},
			"source-moved-and-noted": {"OK", "Moved from", "https://moved-and-noted.example/rss", "duplicate GUIDs", "in 1 minute"},
			"source-fetching":        {"Being fetched by newsroom-b:42 , lease ends in"},
		}},
		{"ar", "الجلب التالي", "منذ", map[string][]string{
			"source-ok":              {"يعمل", "بعد ساعتين", "منذ 5 دقائق", "0 جديدة، 0 محدَّثة"},
			"source-failing":         {"متعثّر", "الآن", "connection refused"},
			"source-gone":            {"معطَّل", "410 Gone", "غير مجدول"},
			"source-paused":          {"معطَّل", "غير مجدول"},
			"source-has%20space":     {"لم يُجلب بعد", "لم يحدث بعد"},
			"source-moved-and-noted": {"نُقل من", "https://moved-and-noted.example/rss", "بعد دقيقة"},
			"source-fetching":        {"يجلبه الآن newsroom-b:42 ، تنتهي مهلته بعد"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			f := newSiteFixture(t, tt.lang)
			ctx := context.Background()
			now := time.Now()
			add := func(src newsroom.Source, state newsroom.SourceState) {
				src.URL, src.Origin = "https://"+strings.ReplaceAll(src.Name, " ", "-")+".example/rss", newsroom.OriginConfig
				saved, err := f.st.UpsertSource(ctx, src)
				if err != nil {
					t.Fatal(err)
				}
				if state.LastAttempt.IsZero() {
					return
				}
				if _, err := f.st.SavePass(ctx, newsroom.Pass{SourceID: saved.ID, State: state}); err != nil {
					t.Fatal(err)
				}
			}
			add(newsroom.Source{Name: "ok", Enabled: true}, newsroom.SourceState{LastAttempt: now.Add(-5 * time.Minute),
				LastSuccess: now.Add(-5 * time.Minute), NextRun: now.Add(2 * time.Hour)})
			add(newsroom.Source{Name: "failing", Enabled: true}, newsroom.SourceState{LastAttempt: now.Add(-10 * time.Minute),
				LastError: "dial tcp: connection refused", Failures: 3, NextRun: now.Add(-time.Minute)})
			// Gone upstream: still enabled, no longer polled.
			add(newsroom.Source{Name: "gone", Enabled: true}, newsroom.SourceState{LastAttempt: now.Add(-time.Hour),
				LastError: "410 Gone", DisabledReason: "410 Gone", Failures: 1})
			add(newsroom.Source{Name: "paused", Enabled: false}, newsroom.SourceState{})
			add(newsroom.Source{Name: "has space", Enabled: true}, newsroom.SourceState{})
			add(newsroom.Source{Name: "moved-and-noted", Enabled: true}, newsroom.SourceState{LastAttempt: now.Add(-time.Minute),
				LastSuccess: now.Add(-time.Minute), NextRun: now.Add(time.Minute + 20*time.Second), MovedTo: "https://new.example/rss",
				Note: "duplicate GUIDs in feed: identifying items by link"})
			add(newsroom.Source{Name: "fetching", Enabled: true}, newsroom.SourceState{})
			if _, err := f.st.ClaimSource(ctx, "fetching", "newsroom-b:42", 10*time.Minute); err != nil {
				t.Fatal(err)
			}
			f.srv.opts.Subscribers = func(context.Context) (map[string]int, error) {
				return map[string]int{"https://news.example/feeds/politics.atom": 3}, nil
			}
			doc := getPage(t, f, "/status")
			for id, words := range tt.words {
				row := byID(t, doc, id)
				text := textOf(row)
				for _, w := range words {
					if !strings.Contains(text, w) {
						t.Errorf("%s: row lacks %q: %s", id, w, text)
					}
				}
				for _, td := range elements(row, atom.Td) {
					if attr(td, "data-label") == tt.nextRun && strings.Contains(textOf(td), tt.ago) {
						t.Errorf("%s: next run %q: the future is no past", id, textOf(td))
					}
				}
				if n := len(findAll(row, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "rect" })); n != statusDays {
					t.Errorf("%s: chart has %d bars, want %d", id, n, statusDays)
				}
			}
			state := map[string]string{"source-ok": "ok", "source-failing": "failing", "source-gone": "disabled", "source-paused": "disabled", "source-has%20space": "new"}
			for id, class := range state {
				if got := attr(byID(t, doc, id), "class"); got != class {
					t.Errorf("%s: class %q, want %q (its colour)", id, got, class)
				}
			}
			var topics []string
			for _, tr := range elements(doc, atom.Tr) {
				if strings.Contains(textOf(tr), "feeds/politics.atom") {
					topics = append(topics, textOf(tr))
				}
			}
			if len(topics) != 1 || topics[0] != "https://news.example/feeds/politics.atom 3" {
				t.Errorf("subscriber rows %q", topics)
			}
		})
	}
}

func TestRelativeTimes(t *testing.T) {
	now := time.Date(2026, 3, 9, 7, 30, 0, 0, time.UTC)
	tests := []struct {
		lang   string
		fn     func(string, time.Time, time.Time) string
		offset time.Duration
		want   string
	}{
		{"en", until, 5 * time.Second, "in 5 seconds"},
		{"en", until, 0, "due now"},
		{"en", until, -90 * time.Second, "due now"}, // was "1m30s ago"
		{"en", until, 400 * time.Millisecond, "due now"},
		{"en", until, 59600 * time.Millisecond, "in 1 minute"},
		{"en", until, 2*time.Hour + 10*time.Minute, "in 2 hours"},
		{"en", ago, -time.Second, "1 second ago"},
		{"en", ago, -200 * time.Millisecond, "just now"},
		{"en", ago, -3 * 24 * time.Hour, "3 days ago"},
		{"en", ago, 10 * time.Second, "in 10 seconds"}, // a clock ahead of ours
		{"ar", until, 2 * time.Hour, "بعد ساعتين"},
		{"ar", until, -time.Minute, "الآن"},
		{"ar", ago, -time.Minute, "منذ دقيقة"},
		{"ar", ago, -5 * time.Minute, "منذ 5 دقائق"},
		{"ar", ago, -11 * 24 * time.Hour, "منذ 11 يومًا"},
		{"ar", ago, -100 * time.Second, "منذ دقيقتين"},
		{"fr", ago, -2 * time.Hour, "2 hours ago"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.lang, now.Add(tt.offset), now); got != tt.want {
			t.Errorf("%s %v: %q, want %q", tt.lang, tt.offset, got, tt.want)
		}
	}
	if got := ago("en", time.Time{}, now); got != "never" {
		t.Errorf("zero time: %q", got)
	}
}

// Every word a template asks for is in every table, so no page shows a
// key or falls back to English in part.
func TestMessageTablesAreComplete(t *testing.T) {
	used := map[string]bool{}
	for _, state := range []string{"ok", "failing", "disabled", "new"} {
		used["state."+state] = true
	}
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	key := regexp.MustCompile(`\bTf? "([a-z_.]+)"`)
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 20 {
		t.Fatalf("found only %d message keys in the templates", len(used))
	}
	for lang, table := range messages {
		for k := range used {
			if _, ok := table[k]; !ok {
				t.Errorf("%s: no %q", lang, k)
			}
		}
		for k := range messages["en"] {
			if _, ok := table[k]; !ok {
				t.Errorf("%s: no %q (English has it)", lang, k)
			}
		}
	}
}

func TestSourceAnchor(t *testing.T) {
	for name, want := range map[string]string{
		"wire": "source-wire", "has space": "source-has%20space", "a%20b": "source-a%2520b",
		"مصدر": "source-مصدر", "tab\there": "source-tab%09here",
	} {
		if got := sourceAnchor(name); got != want {
			t.Errorf("sourceAnchor(%q) = %q, want %q", name, got, want)
		}
	}
}

// While database writes fail, a source's pass cannot be recorded, so its
// stored next run passes and stays in the past: the status page says the
// source waits for writes instead of showing a next run that never comes.
func TestStatusPageSaysDueSourcesWaitForWrites(t *testing.T) {
	for _, tt := range []struct{ lang, waits, later string }{
		{"en", "waits for database writes", "in 2 hours"},
		{"ar", "ينتظر إتاحة الكتابة في قاعدة البيانات", "بعد ساعتين"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			f := newSiteFixture(t, tt.lang)
			ctx := context.Background()
			now := time.Now()
			for name, next := range map[string]time.Time{"due": now.Add(-time.Hour), "later": now.Add(2*time.Hour + time.Minute)} {
				saved, err := f.st.UpsertSource(ctx, newsroom.Source{Name: name, URL: "https://" + name + ".example/rss", Enabled: true, Origin: newsroom.OriginConfig})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.st.SavePass(ctx, newsroom.Pass{SourceID: saved.ID, State: newsroom.SourceState{
					LastAttempt: now.Add(-2 * time.Hour), LastSuccess: now.Add(-2 * time.Hour), NextRun: next}}); err != nil {
					t.Fatal(err)
				}
			}
			f.srv.opts.Writes = func() newsroom.WriteHealth {
				return newsroom.WriteHealth{Since: now, Fault: &newsroom.StorageError{Fault: newsroom.FaultFull, Err: errors.New("disk full")}}
			}
			doc := getPage(t, f, "/status")
			if text := textOf(byID(t, doc, "source-due")); !strings.Contains(text, tt.waits) {
				t.Errorf("due source while writes fail does not say it waits for writes: %s", text)
			}
			if text := textOf(byID(t, doc, "source-later")); !strings.Contains(text, tt.later) || strings.Contains(text, tt.waits) {
				t.Errorf("source due later while writes fail: %s, want its next run %q", text, tt.later)
			}
		})
	}
}
