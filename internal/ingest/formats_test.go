package ingest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/ingest"
)

// Every format and encoding gofeed and fetch handle lands as articles with
// the upstream's text byte for byte.
func TestFormatsAndEncodings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file  string
		contentType string
		titles      []string // newest first
	}{
		{"Arabic RSS 2.0", "arabic.rss", "", []string{"الرئيس يلتقي وفد البرلمان", "ارتفاع أسعار النفط في الأسواق العالمية",
			"الانتخابات البلدية تنطلق غداً", "افتتاح معرض الكتاب الدولي"}},
		{"Atom 1.0 with xml:base", "relative.atom", "application/atom+xml", []string{"Ports & harbours reopen", "Archive piece"}},
		{"Atom 0.3", "atom03.atom", "application/atom+xml", []string{"Atom zero three entry"}},
		{"JSON Feed 1.1", "feed.json", "application/feed+json", []string{"Oil prices climb", "Parliament vote delayed", "Sunny weekend ahead"}},
		{"RSS 1.0 (RDF)", "rdf.rss", "application/rdf+xml", []string{"First RDF item", "Second RDF item"}},
		{"RSS 0.91 undated", "rss091.rss", "", []string{"Old item one", "Old item two"}},
		{"windows-1256 declared in the XML", "windows-1256-xmldecl.rss", "application/rss+xml", []string{"افتتاح الميناء الجديد"}},
		{"windows-1256 declared in the XML, served as utf-8 (a server default)", "windows-1256-xmldecl.rss", "text/xml; charset=utf-8", []string{"افتتاح الميناء الجديد"}},
		{"windows-1256 declared by HTTP only", "windows-1256-header.rss", "application/rss+xml; charset=windows-1256", []string{"افتتاح الميناء الجديد"}},
		{"UTF-16 with BOM", "utf-16.rss", "application/rss+xml", []string{"خبر بترميز UTF-16"}},
		{"no GUIDs", "no-guid.rss", "", []string{"Relative link story", "Absolute link story", "Neither guid nor link"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.up.file(t, "/feed", tc.file, func(r *route) { r.contentType = tc.contentType })
			e.addSource("src", "/feed")
			res := e.mustRun("src")
			if res.New != len(tc.titles) || res.Updated != 0 {
				t.Errorf("result = %+v, want %d new", res, len(tc.titles))
			}
			got := e.latest("")
			if !slices.Equal(titles(got), tc.titles) {
				t.Errorf("titles\n got %q\nwant %q", titles(got), tc.titles)
			}
			for _, a := range got {
				if !strings.HasPrefix(a.GUID, ingest.GUIDPrefix+"src/") || a.Published.IsZero() ||
					a.Published.After(t0) || a.ContentHTML == "" || len(a.Sources) != 1 || a.Sources[0].Name != "src" {
					t.Errorf("article %+v", a)
				}
				if !strings.HasPrefix(a.URL, "http") {
					t.Errorf("%q: link %q is not absolute", a.Title, a.URL)
				}
			}
			e.render("world")
		})
	}
}

func TestArabicRSSFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/ar.rss", "arabic.rss")
	feedURL := e.up.URL("/ar.rss")
	e.addSource("wire", "/ar.rss")
	e.mustRun("wire")

	a := e.byTitle("الرئيس يلتقي وفد البرلمان") // "   " collapsed
	want := []string{`<p dir="rtl" lang="ar">`, `href="https://wire.example/ar/topics/budget"`, "وقال المتحدث إن اللقاء كان مثمراً."}
	for _, w := range want {
		if !strings.Contains(a.ContentHTML, w) {
			t.Errorf("content lacks %q:\n%s", w, a.ContentHTML)
		}
	}
	if a.Summary != "التقى الرئيس اليوم وفداً من البرلمان." {
		t.Errorf("summary = %q (the description)", a.Summary)
	}
	if a.URL != "https://wire.example/ar/news/1001" || a.Language != "ar" {
		t.Errorf("url %q language %q", a.URL, a.Language)
	}
	if !a.Published.Equal(time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("published = %v, want 07:00Z (10:00 +0300)", a.Published)
	}
	if len(a.Authors) != 1 || a.Authors[0].Name != "مراسل الوكالة" {
		t.Errorf("authors = %+v", a.Authors)
	}
	if a.Image == nil || a.Image.URL != "https://wire.example/img/1001.jpg" || a.Image.Type != "image/jpeg" || a.Image.Length != 24576 {
		t.Errorf("image = %+v", a.Image)
	}
	if len(a.Sources) != 1 || a.Sources[0].Name != "wire" || a.Sources[0].FeedURL != feedURL ||
		a.Sources[0].Link != "https://wire.example/ar/news/1001" {
		t.Errorf("attribution = %+v", a.Sources)
	}
	if b := e.byTitle("ارتفاع أسعار النفط في الأسواق العالمية"); b.ContentHTML != "<p>ارتفعت أسعار النفط بنسبة ٢٪ اليوم.</p>" ||
		b.Summary != "ارتفعت أسعار النفط بنسبة ٢٪ اليوم." {
		t.Errorf("description-only item: content %q summary %q", b.ContentHTML, b.Summary)
	}

	// Attribution reaches every published format.
	out := e.render("world")
	for fm, doc := range out {
		if !strings.Contains(string(doc), feedURL) || !strings.Contains(string(doc), "https://wire.example/ar/news/1001") {
			t.Errorf("%v feed lacks the source's feed URL or the original link", fm)
		}
	}
}

// Relative links resolve against xml:base (Atom), the item's link (HTML in
// RSS) and the document's URL (an RSS link).
func TestRelativeURLsAreResolved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/partner/feed.atom", "relative.atom")
	e.up.file(t, "/noguid/feed.rss", "no-guid.rss")
	e.addSource("partner", "/partner/feed.atom")
	e.addSource("noguid", "/noguid/feed.rss")
	e.mustRun("partner")
	e.mustRun("noguid")

	ports := e.byTitle("Ports & harbours reopen")
	if ports.URL != "https://partner.example/news/2025/03/ports.html" {
		t.Errorf("atom link = %q", ports.URL)
	}
	for _, w := range []string{`href="https://partner.example/news/2025/03/map.html"`, `src="https://partner.example/news/img/port.jpg"`} {
		if !strings.Contains(ports.ContentHTML, w) {
			t.Errorf("atom content lacks %s: %s", w, ports.ContentHTML)
		}
	}
	if ports.Authors[0].Name != "Partner Desk" || ports.Language != "en" {
		t.Errorf("authors %+v language %q", ports.Authors, ports.Language)
	}
	archive := e.byTitle("Archive piece")
	if archive.URL != "https://cdn.partner.example/archive/piece.html" ||
		!strings.Contains(archive.ContentHTML, `href="https://cdn.partner.example/archive/other.html"`) {
		t.Errorf("entry-level xml:base: url %q content %s", archive.URL, archive.ContentHTML)
	}

	rel := e.byTitle("Relative link story")
	base := e.up.URL("")
	if rel.URL != base+"/story/7" {
		t.Errorf("relative RSS link = %q, want %s/story/7", rel.URL, base)
	}
	for _, w := range []string{`src="` + base + `/img/7.jpg"`, `href="` + base + `/story/more"`} {
		if !strings.Contains(rel.ContentHTML, w) {
			t.Errorf("rss content lacks %s: %s", w, rel.ContentHTML)
		}
	}
	// No link at all: the item points at the upstream's site, and carries
	// no original link in its attribution.
	none := e.byTitle("Neither guid nor link")
	if none.URL != "https://noguid.example/" || none.Sources[0].Link != "" {
		t.Errorf("linkless item: url %q source %+v", none.URL, none.Sources[0])
	}
}

// gofeed never expands entities: the billion laughs stay a short literal,
// and an external entity never reads the file it names.
func TestEntitiesAreNotExpanded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/bomb", "entity-bomb.rss")
	e.up.file(t, "/xxe", "xxe.rss")
	e.addSource("bomb", "/bomb")
	e.addSource("xxe", "/xxe")
	e.mustRun("bomb")
	e.mustRun("xxe")
	passwd, _ := readIfExists("/etc/passwd")
	for _, a := range e.latest("") {
		all := a.Title + a.Summary + a.ContentHTML
		if strings.Contains(all, "lollol") || len(all) > 1000 {
			t.Errorf("%q: an entity was expanded (%d bytes)", a.Title, len(all))
		}
		if strings.Contains(all, "root:") || (passwd != "" && strings.Contains(all, firstLine(passwd))) {
			t.Errorf("%q: a local file was read into the item: %q", a.Title, all)
		}
	}
	if got := e.byTitle("Laughs &lol9;"); got == nil {
		t.Error("the bomb's item is missing")
	}
	if got := e.byTitle("Secret: &xxe;"); !strings.Contains(got.ContentHTML, "Leaked:") {
		t.Errorf("xxe content = %q", got.ContentHTML)
	}
	e.render("world")
}
