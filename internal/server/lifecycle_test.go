package server

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/store"
)

func TestWithdrawnArticleLeavesFeedsWithTombstone(t *testing.T) {
	f := newFixture(t, article(1, "politics"), article(2, "politics"))
	ctx := context.Background()
	f.get(t, "/feeds/politics.atom") // cached before the withdrawal
	if err := f.st.WithdrawArticle(ctx, "tag:test,2026:politics-2", "published in error"); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)
	for _, ext := range []string{"atom", "rss", "json"} {
		_, body := f.get(t, "/feeds/politics."+ext)
		parsed, err := feeds.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(parsed.Items) != 1 || parsed.Items[0].GUID != "tag:test,2026:politics-1" {
			t.Errorf("%s: withdrawn article still served: %d items", ext, len(parsed.Items))
		}
		if len(parsed.Deleted) != 1 || parsed.Deleted[0].GUID != "tag:test,2026:politics-2" || parsed.Deleted[0].Comment != "published in error" {
			t.Errorf("%s: tombstone %+v", ext, parsed.Deleted)
		}
	}
	_, atom := f.get(t, "/feeds/politics.atom")
	if !strings.Contains(string(atom), `<at:deleted-entry ref="tag:test,2026:politics-2"`) {
		t.Errorf("Atom lacks the RFC 6721 tombstone:\n%s", atom)
	}
	if resp, _ := f.get(t, "/articles/tag:test,2026:politics-2"); resp.StatusCode != 410 {
		t.Errorf("withdrawn article page: %d, want 410", resp.StatusCode)
	}
}

func TestSincePulls(t *testing.T) {
	var as []*feeds.Article
	for i := range 5 {
		as = append(as, article(i, "politics"))
	}
	f := newFixture(t, as...)
	// Oldest first, paged by limit, continued through the next link.
	var got []string
	next := "/feeds/politics.json?since=2000-01-01T00:00:00Z&limit=2"
	for range 10 {
		resp, body := f.get(t, next)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, body)
		}
		if err := feeds.ValidateErr(body); err != nil {
			t.Fatal(err)
		}
		parsed, err := feeds.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(parsed.Items) == 0 {
			// Caught up: no next link (JSON Feed forbids next_url ==
			// feed_url); the partner polls this same URL again.
			for _, l := range parsed.Links {
				if l.Rel == "next" {
					t.Errorf("caught up, yet a next link %s", l.Href)
				}
			}
			break
		}
		for _, it := range parsed.Items {
			got = append(got, strings.TrimPrefix(it.GUID, "tag:test,2026:politics-"))
		}
		link := nextLink(t, parsed)
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		next = u.RequestURI()
	}
	if fmt.Sprint(got) != "[4 3 2 1 0]" { // article(i) is i hours old: oldest first
		t.Errorf("pulled %v", got)
	}
	for _, bad := range []string{"yesterday", "2026-13-01T00:00:00Z"} {
		if resp, body := f.get(t, "/feeds/politics.rss?since="+bad); resp.StatusCode != 400 || !strings.Contains(string(body), "since") {
			t.Errorf("since=%s: %d %s", bad, resp.StatusCode, body)
		}
	}
}

func nextLink(t *testing.T, f *feeds.Feed) string {
	t.Helper()
	for _, l := range f.Links {
		if l.Rel == "next" {
			return l.Href
		}
	}
	t.Fatalf("no next link in %+v", f.Links)
	return ""
}

func TestArchiveWalk(t *testing.T) {
	var as []*feeds.Article
	for i := range 7 {
		as = append(as, article(i, "world"))
	}
	f := newFixture(t, as...)
	_, body := f.get(t, "/feeds/world.atom?limit=3")
	cur, err := feeds.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range cur.Items {
		got = append(got, it.GUID[len(it.GUID)-1:])
	}
	link := relLink(cur, feeds.RelPrevArchive)
	for link != "" {
		u, _ := url.Parse(link)
		resp, body := f.get(t, u.RequestURI())
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", link, resp.StatusCode)
		}
		page, err := feeds.Parse(body)
		if err != nil {
			t.Fatal(err)
		}
		if !page.Archive || relLink(page, feeds.RelCurrent) != "https://news.example/feeds/world.atom" {
			t.Errorf("archive page lacks fh:archive or its current link: %+v", page.Links)
		}
		for _, it := range page.Items {
			got = append(got, it.GUID[len(it.GUID)-1:])
		}
		link = relLink(page, feeds.RelPrevArchive)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4 5 6]" {
		t.Errorf("walked %v", got)
	}
	if resp, _ := f.get(t, "/feeds/world.atom?before=garbage"); resp.StatusCode != 400 {
		t.Errorf("bad cursor: %d", resp.StatusCode)
	}
}

func relLink(f *feeds.Feed, rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func TestEmbargoLiftsOnTime(t *testing.T) {
	ctx := context.Background()
	clk := &testClock{t: fixedNow}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "n.db"), store.WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a := article(1, "politics")
	a.PublishAt = fixedNow.Add(time.Hour)
	if _, err := st.SaveArticles(ctx, []*feeds.Article{a, article(2, "politics")}); err != nil {
		t.Fatal(err)
	}
	f := startFixture(t, st)
	_, body := f.get(t, "/feeds/politics.json")
	if strings.Contains(string(body), a.GUID) {
		t.Fatal("embargoed article in the feed")
	}
	if resp, _ := f.get(t, "/articles/"+url.PathEscape(a.GUID)); resp.StatusCode != 404 {
		t.Errorf("embargoed article page: %d", resp.StatusCode)
	}
	clk.set(fixedNow.Add(time.Hour))
	f.srv.Invalidate(ctx) // what the watcher does every tick
	_, body = f.get(t, "/feeds/politics.json")
	if !strings.Contains(string(body), a.GUID) {
		t.Error("embargo lifted but the article is not in the feed")
	}
}

func TestSearchFeeds(t *testing.T) {
	a := article(1, "politics")
	a.Title = "مُحَمَّد يلتقي وزير الخارجية في القاهرة"
	f := newFixture(t, a, article(2, "world"))
	for _, ext := range []string{"rss", "atom", "json"} {
		resp, body := f.get(t, "/feeds/search."+ext+"?q="+url.QueryEscape("محمد قاهره"))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", ext, resp.StatusCode, body)
		}
		if err := feeds.ValidateErr(body); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		parsed, _ := feeds.Parse(body)
		if len(parsed.Items) != 1 || parsed.Items[0].GUID != a.GUID {
			t.Errorf("%s: %d items", ext, len(parsed.Items))
		}
		if resp.Header.Get("ETag") == "" || resp.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("%s: search feeds lack the caching headers: %v", ext, resp.Header)
		}
		if r, _ := f.get(t, "/feeds/search."+ext+"?q="+url.QueryEscape("محمد قاهره"), "If-None-Match", resp.Header.Get("ETag")); r.StatusCode != 304 {
			t.Errorf("%s: repeat search not 304: %d", ext, r.StatusCode)
		}
	}
	for _, bad := range []string{"", "?q=", "?q=%20%20", "?q=" + strings.Repeat("x", 201), "?q=...!!!", "?q=a&since=2026-01-01T00:00:00Z"} {
		if resp, body := f.get(t, "/feeds/search.rss"+bad); resp.StatusCode != 400 {
			t.Errorf("search %q: %d %s, want 400", bad, resp.StatusCode, body)
		}
	}
}

func TestRelatedTitlesLinkToStoredArticles(t *testing.T) {
	target := article(5, "world")
	target.Title = "زيارة يونانية إلى قاعدة تركية"
	target.URL = ""
	a := article(1, "politics")
	a.Related = []feeds.Related{{Title: "زياره يونانيه الى قاعده تركيه"}, {Title: "عنوان لا وجود له"}}
	f := newFixture(t, target, a)
	_, body := f.get(t, "/feeds/politics.json")
	parsed, err := feeds.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	rel := parsed.Items[0].Related
	if len(rel) != 2 || rel[0].URL != "https://news.example/articles/tag:test%2C2026:world-5" || rel[1].URL != "" {
		t.Errorf("related: %+v", rel)
	}
	_, page := f.get(t, "/articles/"+url.PathEscape(a.GUID))
	if !strings.Contains(string(page), `href="https://news.example/articles/tag:test%2C2026:world-5"`) {
		t.Error("article page does not link the related story")
	}
}

// TestSearchFeedDescribesTheQueryAsTyped: the query stands in the search
// feed's description as the reader typed it, quotes and direction marks
// included, in every format (it was Go-quoted: \" and \u200f).
func TestSearchFeedDescribesTheQueryAsTyped(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	for _, q := range []string{"الخبر \"روسيا\" \u200f", `a\b "c"`, "café & <thé>"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			resp, body := f.get(t, "/feeds/search."+ext+"?q="+url.QueryEscape(q))
			if resp.StatusCode != 200 {
				t.Fatalf("%s %q: %d %s", ext, q, resp.StatusCode, body)
			}
			parsed, err := feeds.Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if want := "\"" + strings.TrimSpace(q) + "\""; !strings.HasSuffix(parsed.Description, want) {
				t.Errorf("%s: description %q, want it to end with the query %s", ext, parsed.Description, want)
			}
		}
	}
}
