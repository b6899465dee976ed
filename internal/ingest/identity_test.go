package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
)

// The same story from two sources (same canonical link, or same folded
// title and text) is stored once, with both sources recorded.
func TestSameStoryFromTwoSourcesIsStoredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/a", "dedupe-a.rss")
	e.up.file(t, "/b", "dedupe-b.rss")
	e.addSource("wire-a", "/a", func(s *newsroom.Source) { s.Rules = []newsroom.Rule{{Match: "سياسة", Category: "politics"}} })
	e.addSource("wire-b", "/b", func(s *newsroom.Source) { s.Categories = []string{"gulf"} })
	if res := e.mustRun("wire-a"); res.New != 2 {
		t.Fatalf("source a = %+v", res)
	}
	res := e.mustRun("wire-b")
	if res.New != 1 || res.Updated != 2 {
		t.Errorf("source b = %+v, want 1 new and 2 merged", res)
	}
	if n := e.count(); n != 3 {
		t.Fatalf("%d articles, want 3", n)
	}
	for _, tc := range []struct {
		title, linkB string
		cats         []string
	}{
		{"قمة إقليمية في الرياض", "http://story.example/summit?utm_source=rss&utm_medium=feed", []string{"politics", "gulf"}},
		{"أمطار غزيرة في الشمال", "https://b.example/weather/rain", []string{"world", "gulf"}},
	} {
		a := e.byTitle(tc.title)
		want := []feeds.Source{
			{Name: "wire-a", FeedURL: e.up.URL("/a"), Link: a.URL},
			{Name: "wire-b", FeedURL: e.up.URL("/b"), Link: tc.linkB},
		}
		if !slices.Equal(a.Sources, want) {
			t.Errorf("%q: sources\n got %+v\nwant %+v", tc.title, a.Sources, want)
		}
		if !slices.Equal(a.Categories, tc.cats) {
			t.Errorf("%q: categories %q, want %q", tc.title, a.Categories, tc.cats)
		}
		if !strings.HasPrefix(a.GUID, ingest.GUIDPrefix+"wire-a/") {
			t.Errorf("%q: GUID %q is not the first source's", tc.title, a.GUID)
		}
	}
	// Polling both again changes nothing.
	vs := e.versions()
	e.clock.Advance(time.Hour)
	for _, name := range []string{"wire-a", "wire-b"} {
		e.up.touch("/" + name[len(name)-1:])
		if res := e.mustRun(name); res.New+res.Updated != 0 || res.Unchanged == 0 {
			t.Errorf("repoll %s = %+v", name, res)
		}
	}
	if got := e.versions(); fmt.Sprint(got) != fmt.Sprint(vs) {
		t.Errorf("versions moved on repolls")
	}
	out := e.render("gulf")
	if !strings.Contains(string(out[feeds.FormatJSON]), e.up.URL("/b")) {
		t.Error("the JSON feed does not record the second source")
	}
}

// A feed that repeats GUIDs is identified by links from then on, and says so.
func TestDuplicateGUIDsFallBackToLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/dup", "duplicate-guid.rss")
	e.addSource("dup", "/dup")
	if res := e.mustRun("dup"); res.New != 3 {
		t.Fatalf("first pass = %+v, want 3 distinct stories", res)
	}
	src := e.source("dup")
	if src.Note != ingest.DuplicateGUIDNote || src.IDMode != newsroom.IDModeLink {
		t.Errorf("note %q mode %q", src.Note, src.IDMode)
	}
	if got := titles(e.latest("")); !slices.Equal(got, []string{"First story", "Second story", "Third story"}) {
		t.Errorf("titles = %q", got)
	}
	e.clock.Advance(time.Hour)
	e.up.touch("/dup")
	if res := e.mustRun("dup"); res.Unchanged != 3 || res.New+res.Updated != 0 {
		t.Errorf("repoll = %+v", res)
	}
}

// Items without GUIDs keep their identity across polls: by link, else by
// title and content.
func TestItemsWithoutGUIDsAreStable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/f", "no-guid.rss")
	e.addSource("noguid", "/f")
	e.mustRun("noguid")
	guids := map[string]string{}
	for _, a := range e.latest("") {
		guids[a.Title] = a.GUID
	}
	e.clock.Advance(time.Hour)
	e.up.touch("/f")
	if res := e.mustRun("noguid"); res.Unchanged != 3 {
		t.Errorf("repoll = %+v", res)
	}
	for _, a := range e.latest("") {
		if guids[a.Title] != a.GUID {
			t.Errorf("%q changed GUID", a.Title)
		}
	}
	if want := ingest.GUIDFor("noguid", "link:https://noguid.example/story/8"); guids["Absolute link story"] != want {
		t.Errorf("GUID %q, want %q", guids["Absolute link story"], want)
	}
}

// A new source's backlog reaches the feeds at most MaxNewPerPass items a
// pass, newest first; undated items are spread one second apart in the
// upstream's order instead of all being stamped "now", and later passes
// place the rest below them.
func TestBacklogIsCappedAndUndatedItemsSpread(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.MaxNewPerPass = 40 })
	e.up.set("/backlog", route{body: genFeed("bl", 100, true, 100)})
	e.addSource("backlog", "/backlog")

	var all []*feeds.Article
	for pass, want := range []struct{ new, deferred int }{{40, 60}, {40, 20}, {20, 0}, {0, 0}} {
		res := e.mustRun("backlog")
		if res.New != want.new || res.Deferred != want.deferred {
			t.Errorf("pass %d = %+v, want %d new, %d deferred", pass+1, res, want.new, want.deferred)
		}
		e.clock.Advance(10 * time.Minute)
	}
	all = e.latest("")
	if len(all) != 100 {
		t.Fatalf("%d articles, want 100", len(all))
	}
	for i, a := range all {
		if want := fmt.Sprintf("خبر رقم %d من bl", i); a.Title != want {
			t.Fatalf("position %d: %q, want %q (upstream order)", i, a.Title, want)
		}
		if want := t0.Add(-time.Duration(i) * time.Second); !a.Published.Equal(want) {
			t.Errorf("%q published %v, want %v", a.Title, a.Published, want)
		}
	}

	// Mixed: undated items sit just below their dated neighbour above.
	e.up.file(t, "/mixed", "dates.rss")
	e.addSource("mixed", "/mixed")
	e.mustRun("mixed")
	fallback := e.byTitle("Unreadable pubDate, atom:updated fallback")
	if got := e.byTitle("No usable date").Published; !got.Equal(fallback.Published.Add(-time.Second)) {
		t.Errorf("undated item at %v, want one second below %v", got, fallback.Published)
	}
}

// A CMS's unset date ("0001-01-01", Go's zero time, in any format) makes
// its item undated, not the whole pass fail.
func TestZeroDateIsUndated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i, raw := range []string{"Mon, 01 Jan 0001 00:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 +0000", "0001-01-01T00:00:00Z"} {
		path := fmt.Sprintf("/zero%d", i)
		e.up.set(path, route{contentType: "application/rss+xml", body: []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>z</title><link>https://z.example/</link><description>z</description>
<item><title>Dated story ` + path + `</title><link>https://z.example` + path + `/a</link><guid>a</guid><pubDate>Sun, 09 Mar 2025 09:00:00 GMT</pubDate><description>Dated story text long enough to keep.</description></item>
<item><title>Zero-dated story ` + path + `</title><link>https://z.example` + path + `/b</link><guid>b</guid><pubDate>` + raw + `</pubDate><description>Zero-dated story text long enough to keep.</description></item>
</channel></rss>`)})
		name := fmt.Sprintf("zero%d", i)
		e.addSource(name, path)
		if res := e.mustRun(name); res.New != 2 {
			t.Fatalf("%q: pass = %+v, want 2 new", raw, res)
		}
	}
	for _, a := range e.latest("") {
		if a.Published.Year() < 2000 {
			t.Errorf("%q published %v", a.Title, a.Published)
		}
	}
}

// Dates: gofeed is trusted only where it is right; Arabic and broken
// RFC 822 dates go through internal/dates; future dates are clamped; the
// upstream's string is kept.
func TestDatesAreReadAndClamped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/dates", "dates.rss")
	e.up.file(t, "/future", "future-date.rss")
	e.addSource("dates", "/dates")
	e.addSource("future", "/future")
	e.mustRun("dates")
	e.mustRun("future")
	at1130 := time.Date(2025, 3, 9, 11, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		title string
		want  time.Time
		raw   string
	}{
		{"Arabic date", at1130, "الأحد، 9 آذار/مارس 2025 14:30 +0300"},
		{"Named zone AST", at1130, "Sun, 9 Mar 2025 14:30:00 AST"}, // gofeed says 14:30 UTC
		{"GMT plus three, two-digit year", at1130, "9 Mar 25 14:30 GMT+3"},
		{"Wrong weekday", at1130, "Mon, 09 Mar 2025 14:30:00 +0300"},
		{"Arabic-Indic digits", at1130, "٩ مارس ٢٠٢٥ ١٤:٣٠ GMT+3"},
		{"Unreadable pubDate, atom:updated fallback", time.Date(2025, 3, 8, 20, 0, 0, 0, time.UTC), "2025-03-08T20:00:00Z"},
		{"No usable date", time.Date(2025, 3, 8, 19, 59, 59, 0, time.UTC), "soon"},
		{"From the future", t0, "Thu, 01 Jan 2099 00:00:00 GMT"},
		{"From the past", time.Date(2025, 3, 9, 9, 0, 0, 0, time.UTC), "Sun, 09 Mar 2025 09:00:00 GMT"},
	} {
		a := e.byTitle(tc.title)
		if !a.Published.Equal(tc.want) {
			t.Errorf("%q: published %v, want %v", tc.title, a.Published, tc.want)
		}
		if a.Updated.After(t0) {
			t.Errorf("%q: updated %v is in the future", tc.title, a.Updated)
		}
		var raw string
		if err := e.raw().QueryRowContext(context.Background(),
			`SELECT raw_date FROM source_items i JOIN articles a ON a.id = i.article_id WHERE a.guid = ?`, a.GUID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		if raw != tc.raw {
			t.Errorf("%q: raw date %q, want %q", tc.title, raw, tc.raw)
		}
	}
}

// sharedLinkFeeds are documents whose items have their own GUIDs (ids) and
// one link between them, as feed(n) with posts 1…n, newest first.
var sharedLinkFeeds = []struct {
	name, contentType string
	item              func(i int) string
	feed              func(items string) string
}{
	{"live blog posts at one page, a fragment each", "",
		func(i int) string {
			return fmt.Sprintf(`<item><title>Live update %d</title><link>https://x.example/live/election#post-%d</link><guid isPermaLink="false">post-%d</guid><pubDate>Mon, 03 Mar 2025 %02d:00:00 +0000</pubDate><description>What happened at hour %d of the count.</description></item>`, i, i, i, 8+i, i)
		},
		func(items string) string {
			return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Live</title><link>https://x.example/</link><description>d</description><language>en</language>` + items + `</channel></rss>`
		}},
	{"ticker items all at the homepage", "",
		func(i int) string {
			return fmt.Sprintf(`<item><title>Flash %d</title><link>https://ticker.example/</link><guid>flash-%d</guid><pubDate>Mon, 03 Mar 2025 %02d:00:00 +0000</pubDate><description>Flash number %d from the desk.</description></item>`, i, i, 8+i, i)
		},
		func(items string) string {
			return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Ticker</title><link>https://ticker.example/</link><description>d</description><language>en</language>` + items + `</channel></rss>`
		}},
	{"podcast episodes all at the show page", "",
		func(i int) string {
			return fmt.Sprintf(`<item><title>Episode %d</title><link>https://pod.example/show</link><guid isPermaLink="false">pod-episode-%d</guid><pubDate>Mon, 03 Mar 2025 %02d:00:00 +0000</pubDate><description>In episode %d we talk to a guest.</description><enclosure url="https://cdn.pod.example/ep%d.mp3" type="audio/mpeg" length="1000"/><itunes:episode>%d</itunes:episode></item>`, i, i, 8+i, i, i, i)
		},
		func(items string) string {
			return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Pod</title><link>https://pod.example/show</link><description>d</description><language>en</language>` + items + `</channel></rss>`
		}},
	{"Atom entries with one alternate link", "application/atom+xml",
		func(i int) string {
			return fmt.Sprintf(`<entry><title>Briefing %d</title><id>urn:uuid:00000000-0000-4000-8000-00000000000%d</id><link rel="alternate" href="https://atom.example/briefing"/><updated>2025-03-03T%02d:00:00Z</updated><summary>The morning briefing, part %d.</summary></entry>`, i, i, 8+i, i)
		},
		func(items string) string {
			return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>A</title><id>urn:a</id><updated>2025-03-03T12:00:00Z</updated><link href="https://atom.example/"/>` + items + `</feed>`
		}},
}

// Within one source the GUID identifies an item: items with their own
// GUIDs that link to one page are stored each, in the first pass and when
// a later pass brings one more. (They used to be merged into the first
// by their link and reported unchanged for ever.)
func TestItemsWithTheirOwnGUIDsAtOneLinkAreAllStored(t *testing.T) {
	t.Parallel()
	for _, tc := range sharedLinkFeeds {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := func(n int) []byte {
				var items strings.Builder
				for i := n; i >= 1; i-- {
					items.WriteString(tc.item(i))
				}
				return []byte(tc.feed(items.String()))
			}
			e := newEnv(t)
			e.up.set("/f", route{body: doc(3), contentType: tc.contentType})
			e.addSource("src", "/f")
			if res := e.mustRun("src"); res.New != 3 || e.count() != 3 {
				t.Fatalf("first pass %+v, %d articles %q; want the 3 items", res, e.count(), titles(e.latest("")))
			}
			e.clock.Advance(time.Hour)
			e.up.set("/f", route{body: doc(4), contentType: tc.contentType})
			if res := e.mustRun("src"); res.New != 1 || res.Unchanged != 3 || e.count() != 4 {
				t.Errorf("second pass %+v, %d articles %q; want the 4th item new", res, e.count(), titles(e.latest("")))
			}
		})
	}
}

// An item whose GUID the source changed (a CMS migration), at the same
// link and reading the same, is the item stored already, not a second one.
func TestChangedGUIDAtTheSameLinkIsTheSameItem(t *testing.T) {
	t.Parallel()
	doc := func(guid string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description><language>en</language>
<item><title>Bridge reopens after repairs</title><link>https://x.example/news/bridge</link><guid isPermaLink="false">` + guid + `</guid><pubDate>Mon, 03 Mar 2025 10:00:00 +0000</pubDate><description>The river bridge reopened to traffic on Monday.</description></item>
</channel></rss>`)
	}
	e := newEnv(t)
	e.up.set("/f", route{body: doc("cms1-481")})
	e.addSource("src", "/f")
	e.mustRun("src")
	e.clock.Advance(time.Hour)
	e.up.set("/f", route{body: doc("cms2-9f1c")})
	if res := e.mustRun("src"); res.New != 0 || e.count() != 1 {
		t.Errorf("pass after the GUID changed = %+v, %d articles; want the one story", res, e.count())
	}
}

// Across sources a link's #fragment that names a post tells the posts of
// one live page apart: another source's post 4 is not the first source's
// post 3, while its post 2 is the same story (and a tracking fragment is
// no part of a link).
func TestLivePostsFromTwoSourcesAreToldApartByFragment(t *testing.T) {
	t.Parallel()
	item := func(guid, link, title string) string {
		return `<item><title>` + title + `</title><link>` + link + `</link><guid isPermaLink="false">` + guid + `</guid><pubDate>Mon, 03 Mar 2025 10:00:00 +0000</pubDate><description>` + title + ` (` + guid + `).</description></item>`
	}
	doc := func(items ...string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link><description>d</description><language>en</language>` +
			strings.Join(items, "") + `</channel></rss>`)
	}
	e := newEnv(t)
	e.up.set("/a", route{body: doc(
		item("a-3", "https://x.example/live#post-3", "Polls close"),
		item("a-2", "https://x.example/live#post-2", "Turnout at 40 percent"),
		item("a-s", "https://x.example/news/summit", "Summit opens"))})
	e.up.set("/b", route{body: doc(
		item("b-4", "https://x.example/live#post-4", "First results"),
		item("b-2", "http://www.x.example/live#post-2", "Turnout passes 40 percent"),
		item("b-s", "https://x.example/news/summit#xtor=RSS-3", "The summit opens"))})
	e.addSource("a", "/a")
	e.addSource("b", "/b")
	e.mustRun("a")
	if res := e.mustRun("b"); res.New != 1 || res.Updated != 2 || e.count() != 4 {
		t.Errorf("second source = %+v, %d articles %q; want post 4 new, post 2 and the summit merged", res, e.count(), titles(e.latest("")))
	}
	for title, want := range map[string]int{"Polls close": 1, "Turnout at 40 percent": 2, "Summit opens": 2} {
		if a := e.byTitle(title); len(a.Sources) != want {
			t.Errorf("%q: sources %+v, want %d", title, a.Sources, want)
		}
	}
}

// RSS 2.0: an item's <guid> is its permalink unless isPermaLink="false"
// (the attribute defaults to true). An item without a <link> is at such a
// guid when it is an absolute http(s) URL: that is its URL, its source's
// link and its link dedupe key. Anything else leaves it at the channel's
// link, unattributed.
func TestPermalinkGUIDIsTheLinkOfAnItemWithoutOne(t *testing.T) {
	t.Parallel()
	const home = "https://x.example/"
	item := func(title, guid, link string) string {
		if link != "" {
			link = `<link>` + link + `</link>`
		}
		return `<item><title>` + title + `</title>` + link + guid + `<pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate><description>About ` + title + `.</description></item>`
	}
	cases := []struct {
		title, guid, link, want string
	}{
		{"no attribute", `<guid>https://x.example/story/1</guid>`, "", "https://x.example/story/1"},
		{"isPermaLink true", `<guid isPermaLink="true">http://x.example/story/2?id=2</guid>`, "", "http://x.example/story/2?id=2"},
		{"isPermaLink false", `<guid isPermaLink="false">https://x.example/story/3</guid>`, "", home},
		{"not a URL", `<guid>story-4</guid>`, "", home},
		{"relative", `<guid>/story/5</guid>`, "", home},
		{"not http", `<guid>javascript:alert(6)</guid>`, "", home},
		{"a link of its own", `<guid>https://x.example/story/7</guid>`, "https://x.example/read/7", "https://x.example/read/7"},
	}
	var items strings.Builder
	for _, tc := range cases {
		items.WriteString(item(tc.title, tc.guid, tc.link))
	}
	doc := func(items string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>` + home + `</link><description>d</description><language>en</language>` + items + `</channel></rss>`)
	}
	e := newEnv(t)
	e.up.set("/f", route{body: doc(items.String())})
	e.addSource("src", "/f")
	e.mustRun("src")
	for _, tc := range cases {
		a := e.byTitle(tc.title)
		wantSource := tc.want
		if tc.want == home {
			wantSource = ""
		}
		if a.URL != tc.want || a.Sources[0].Link != wantSource {
			t.Errorf("%s: url %q, source link %q; want %q, %q", tc.title, a.URL, a.Sources[0].Link, tc.want, wantSource)
		}
	}

	// Another source's item at that URL is the same story.
	e.up.set("/g", route{body: doc(item("The same story, told by another", `<guid>g-1</guid>`, "https://x.example/story/1"))})
	e.addSource("other", "/g")
	if res := e.mustRun("other"); res.New != 0 || len(e.byTitle("no attribute").Sources) != 2 {
		t.Errorf("other source = %+v: not merged into the story at its permalink guid", res)
	}
}

// TestAGUIDTheSourceRevisedIsTheSameItem: a source that puts a revision in
// its GUIDs sends an edited story back at the same link under a new GUID,
// and the old GUID leaves the document. That is the stored item, edited,
// not a second article; items that share a link in one document (a live
// blog, a ticker) stay their own.
func TestAGUIDTheSourceRevisedIsTheSameItem(t *testing.T) {
	t.Parallel()
	item := func(guid, link, title, desc string) string {
		return `<item><title>` + title + `</title><link>` + link + `</link><guid isPermaLink="false">` + guid +
			`</guid><pubDate>Mon, 03 Mar 2025 10:00:00 +0000</pubDate><description>` + desc + `</description></item>`
	}
	doc := func(items ...string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><link>https://x.example/</link>` +
			`<description>d</description><language>en</language>` + strings.Join(items, "") + `</channel></rss>`)
	}
	for _, tc := range []struct {
		name         string
		first, later []string
		want         int
	}{
		{"an edited story under a revised GUID",
			[]string{item("bridge-rev1", "https://x.example/news/bridge", "Bridge reopens after repairs", "The river bridge reopened to traffic on Monday.")},
			[]string{item("bridge-rev2", "https://x.example/news/bridge", "Bridge reopens after repairs", "The river bridge reopened to traffic on Monday, two weeks early.")},
			1},
		{"a retitled story under a revised GUID, beside another story",
			[]string{item("a-1", "https://x.example/a", "Talks resume", "Negotiators met again."), item("b-1", "https://x.example/b", "Rain due", "Rain is expected.")},
			[]string{item("a-2", "https://x.example/a", "Talks resume in Geneva", "Negotiators met again in Geneva."), item("b-1", "https://x.example/b", "Rain due", "Rain is expected.")},
			2},
		{"ticker items that all link to the homepage",
			[]string{item("t-1", "https://x.example/", "Polls open", "Polls opened at 8am."), item("t-2", "https://x.example/", "Turnout high", "Turnout is high.")},
			[]string{item("t-3", "https://x.example/", "Polls close", "Polls closed at 8pm."), item("t-2", "https://x.example/", "Turnout high", "Turnout is high.")},
			3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.up.set("/f", route{body: doc(tc.first...)})
			e.addSource("src", "/f")
			e.mustRun("src")
			e.clock.Advance(time.Hour)
			e.up.set("/f", route{body: doc(tc.later...)})
			e.mustRun("src")
			if n := e.count(); n != tc.want {
				t.Errorf("%d articles %q, want %d", n, titles(e.latest("")), tc.want)
			}
		})
	}
}
