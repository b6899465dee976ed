package feeds

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite feeds/testdata/*.golden and testdata/feeds/good/*")

// goodDir holds rendered samples that must validate clean.
const goodDir = "../testdata/feeds/good"

// brokenDir holds one broken feed per problem Validate reports.
const brokenDir = "../testdata/feeds/broken"

// checkGolden compares got with a golden file, rewriting it under -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./feeds -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed; run go test ./feeds -update and review the diff\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

func render(tb testing.TB, f *Feed, fm Format) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, fm); err != nil {
		tb.Fatalf("write %s: %v", fm, err)
	}
	return b.Bytes()
}

// mustValidate fails the test with every problem when data is not clean.
func mustValidate(tb testing.TB, name string, data []byte) {
	tb.Helper()
	for _, p := range Validate(data) {
		tb.Errorf("%s: %s", name, p)
	}
}

var riyadh = time.FixedZone("AST", 3*3600)

// smallFeed is the fixed feed behind the golden files: one of everything.
func smallFeed(fm Format) *Feed {
	self := "https://news.example/feeds/politics." + fm.Extension()
	return &Feed{
		Title:       "سياسة",
		Description: "آخر الأخبار السياسية",
		Link:        "https://news.example/politics",
		SelfURL:     self,
		Language:    "ar",
		Links:       []Link{{Rel: "hub", Href: "https://news.example/websub"}},
		Categories:  []Category{{Slug: "politics", Title: "سياسة"}, {Slug: "world", Title: "world"}},
		Items: []*Article{
			{
				GUID:        "tag:news.example,2025:politics/1",
				Title:       "القمة العربية تختتم أعمالها في الرياض & <تعليق>",
				Summary:     "اختتمت القمة أعمالها بإعلان مشترك.",
				ContentHTML: `<div dir="rtl"><p>اختتمت القمة العربية أعمالها ]]> اليوم&amp;أمس.</p><p>وقال المتحدث: «نعم».</p></div>`,
				URL:         "https://news.example/politics/القمة-العربية",
				Authors:     []Person{{Name: "سارة أحمد", Email: "sara@news.example", URL: "https://news.example/staff/sara"}, {Name: "Omar (Reuters)"}},
				Language:    "ar",
				Published:   time.Date(2025, 3, 9, 10, 0, 0, 123, riyadh),
				Updated:     time.Date(2025, 3, 9, 12, 30, 15, 999_999_999, riyadh),
				Categories:  []string{"politics", "world"},
				Image:       &Image{URL: "https://news.example/img/summit.jpg", Type: "image/jpeg", Length: 48213},
				Related:     []Related{{Title: "القمة السابقة", URL: "https://news.example/politics/2024"}, {Title: "بيان ختامي"}},
			},
			{
				GUID:        "tag:news.example,2025:politics/2",
				Title:       "Parliament passes budget",
				ContentHTML: "<p>The parliament passed the 2025 budget on Sunday, after a <b>long</b> debate.</p>\n<p>Second paragraph.</p>",
				URL:         "https://news.example/politics/budget",
				Language:    "en",
				Published:   time.Date(2025, 3, 8, 18, 0, 0, 0, time.UTC),
				Categories:  []string{"politics"},
				Image:       &Image{URL: "https://news.example/img/budget.png"}, // type and length unknown: no <enclosure>
			},
			{
				GUID:        "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e",
				Title:       "وكالة: مباحثات جديدة",
				Summary:     "نقلا عن وكالة الأنباء.",
				ContentHTML: "<p>نص من الوكالة.</p>",
				URL:         "https://news.example/world/talks",
				Language:    "ar",
				Updated:     time.Date(2025, 3, 7, 9, 0, 0, 0, time.UTC), // no published: taken from updated
				Categories:  []string{"world"},
				Sources:     []Source{{Name: "وكالة الأنباء", FeedURL: "https://wire.example/ar/rss.xml", Link: "https://wire.example/ar/1234"}},
			},
		},
	}
}

// gen makes deterministic pseudo-random articles full of what breaks feeds.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, 0x5eed))} }

var (
	arabicWords = strings.Fields("القمة العربية تختتم أعمالها في الرياض وقال المتحدث باسم الحكومة إن الاقتصاد ينمو بسرعة مُحَمَّد أحمد إسلام آمنة القاهرة بيروت ٢٠٢٥ ١٢٣ سياسة")
	latinWords  = strings.Fields("Parliament budget passes Sunday debate minister said economy Reuters AFP 2025 100% O'Brien")
	specials    = []string{
		"&", "<", ">", "]]>", "<![CDATA[", "]]]]><![CDATA[>", "&amp;", "&nbsp;", "&#1;", "&copy=2;", `"`, "'",
		"\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\r\n", "\r", "\t", "\n",
		"\u200f", "\u200e", "\u202b", "\u202c", "\u2066", "\u2069", "\u061c",
		"\ufffe", "\uffff", "\xff", "\xed\xa0\x80", "\xc0\xaf", "\u0085", "\u00a0", "\u2028", "\ufeff",
		"📰", "🇸🇦", "👩🏽‍💻", "ﷺ",
	}
	markup = []string{
		`<p dir="rtl">`, "</p>", "<b>", "</b>", `<a href="https://news.example/?a=1&amp;b=2">`, "</a>", "<br/>",
		`<img src="https://news.example/i.jpg" alt="صورة">`, "<!-- تعليق -->", "<script>x<y</script>",
	}
	slugs = []string{"politics", "world", "اقتصاد", "sport&culture", "a<b", " spaced ", "ctl\x01", "رياضة"}
)

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// text returns n tokens: words mostly, with specials and, when html, markup.
func (g *gen) text(n int, html bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		switch k := g.r.IntN(20); {
		case k < 9:
			b.WriteString(g.pick(arabicWords))
		case k < 13:
			b.WriteString(g.pick(latinWords))
		case k < 17:
			b.WriteString(g.pick(specials))
		case html:
			b.WriteString(g.pick(markup))
		default:
			b.WriteString(g.pick(specials))
		}
		if g.r.IntN(4) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func (g *gen) time() time.Time {
	zones := []*time.Location{time.UTC, riyadh, time.FixedZone("", -5*3600-30*60), time.FixedZone("X", 14*3600)}
	sec := g.r.Int64N(time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC).Unix()-time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) +
		time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	return time.Unix(sec, g.r.Int64N(1e9)).In(zones[g.r.IntN(len(zones))])
}

func (g *gen) url(i int) string {
	return []string{
		fmt.Sprintf("https://news.example/a/%d", i),
		fmt.Sprintf("https://news.example/مقال/%d?ref=rss&lang=ar", i),
		fmt.Sprintf("https://news.example/a/%d/%%D8%%B9?x=1&y=<2>", i),
		fmt.Sprintf("HTTPS://News.Example/a b/%d#top", i),
		fmt.Sprintf(" https://news.example/a/%d\x01 ", i),
	}[g.r.IntN(5)]
}

// article returns the i-th generated article; long makes its body ~100 KB.
func (g *gen) article(i int, long bool) *Article {
	a := &Article{
		GUID: []string{
			fmt.Sprintf("tag:news.example,2025:article/%d", i),
			fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
			fmt.Sprintf("https://news.example/a/%d?x=1&y=2", i),
			fmt.Sprintf("tag:news.example,2025:مقال-%d", i),
			fmt.Sprintf("tag:news.example,2025:ctl\x01-%d ", i),
		}[g.r.IntN(5)],
		Title:       g.text(1+g.r.IntN(12), false) + " " + g.pick(arabicWords),
		URL:         g.url(i),
		Language:    []string{"ar", "en", "", "fa"}[g.r.IntN(4)],
		Published:   g.time(),
		Updated:     g.time(),
		ContentHTML: g.text(20+g.r.IntN(200), true) + " " + g.pick(latinWords),
	}
	if long {
		a.ContentHTML = strings.Repeat(a.ContentHTML, 100_000/len(a.ContentHTML)+1)
	}
	switch g.r.IntN(5) {
	case 0:
		a.Published = time.Time{}
	case 1:
		a.Updated = time.Time{}
	}
	if g.r.IntN(2) == 0 {
		a.Summary = g.text(1+g.r.IntN(30), false) + " " + g.pick(arabicWords)
	}
	if g.r.IntN(3) == 0 {
		a.ContentHTML = `<div dir="rtl">` + a.ContentHTML + `</div>` // gofeed unwraps a lone div in XHTML
	}
	for n := g.r.IntN(4); n > 0; n-- {
		p := Person{Name: g.text(1+g.r.IntN(3), false)}
		if g.r.IntN(2) == 0 {
			p.Name += " (Reuters)"
		}
		if g.r.IntN(3) == 0 {
			p.Email = fmt.Sprintf("author%d@news.example", n)
		}
		if g.r.IntN(3) == 0 {
			p.URL = fmt.Sprintf("https://news.example/staff/%d", n)
		}
		a.Authors = append(a.Authors, p)
	}
	for n := g.r.IntN(5); n > 0; n-- {
		a.Categories = append(a.Categories, g.pick(slugs))
	}
	if g.r.IntN(2) == 0 {
		a.Image = &Image{URL: g.url(1000 + i)}
		if g.r.IntN(2) == 0 {
			a.Image.Type = "image/jpeg"
		}
		if g.r.IntN(2) == 0 {
			a.Image.Length = g.r.Int64N(1 << 30)
		}
	}
	for n := g.r.IntN(3); n > 0 && g.r.IntN(3) == 0; n-- {
		a.Sources = append(a.Sources, Source{Name: g.text(2, false), FeedURL: []string{"", "https://wire.example/rss"}[g.r.IntN(2)], Link: g.url(2000 + i)})
	}
	for n := g.r.IntN(4); n > 0 && g.r.IntN(2) == 0; n-- {
		r := Related{Title: g.text(3, false)}
		if g.r.IntN(2) == 0 {
			r.URL = g.url(3000 + n)
		}
		a.Related = append(a.Related, r)
	}
	return a
}

// genFeed returns a feed of n generated articles, a few of them ~100 KB long.
func genFeed(seed uint64, n int, fm Format) *Feed {
	g := newGen(seed)
	f := &Feed{
		Title:       "خلاصة " + g.text(3, false) + " x",
		Description: g.text(10, false),
		Link:        "https://news.example/all",
		SelfURL:     "https://news.example/feeds/all." + fm.Extension(),
		Language:    "ar",
		Links:       []Link{{Rel: "hub", Href: "https://news.example/websub"}},
	}
	if seed%2 == 0 {
		f.Categories = []Category{{Slug: "politics", Title: "سياسة"}, {Slug: "اقتصاد", Title: "الاقتصاد"}}
	}
	for i := 0; i < n; i++ {
		f.Items = append(f.Items, g.article(i, i%25 == 7))
	}
	if seed%3 == 0 { // an archive page with tombstones: after the items, which stay as they were
		f.Archive = true
		f.Links = append(f.Links, Link{Rel: RelCurrent, Href: "https://news.example/feeds/all." + fm.Extension()},
			Link{Rel: RelPrevArchive, Href: g.url(9000)})
		for i := range 1 + g.r.IntN(4) {
			t := Tombstone{GUID: fmt.Sprintf("tag:news.example,2025:gone/%d", i), When: g.time()}
			if g.r.IntN(2) == 0 {
				t.Comment = g.text(1+g.r.IntN(8), false) + " x"
			}
			if g.r.IntN(2) == 0 {
				t.By = g.text(1+g.r.IntN(3), false) + " y"
			}
			f.Deleted = append(f.Deleted, t)
		}
	}
	return f
}

// arabicFeed is the benchmark feed: n Arabic articles of about 3 KB of HTML each.
func arabicFeed(n int, fm Format) *Feed {
	g := newGen(42)
	f := &Feed{
		Title: "سياسة", Description: "آخر الأخبار السياسية", Link: "https://news.example/politics",
		SelfURL: "https://news.example/feeds/politics." + fm.Extension(), Language: "ar",
		Links: []Link{{Rel: "hub", Href: "https://news.example/websub"}},
	}
	base := time.Date(2025, 3, 9, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		var body strings.Builder
		for body.Len() < 3000 {
			body.WriteString(`<p dir="rtl">`)
			for j := 0; j < 25; j++ {
				body.WriteString(g.pick(arabicWords))
				body.WriteByte(' ')
			}
			body.WriteString("</p>\n")
		}
		f.Items = append(f.Items, &Article{
			GUID:        fmt.Sprintf("tag:news.example,2025:politics/%d", i),
			Title:       "القمة العربية تختتم أعمالها في الرياض " + fmt.Sprint(i),
			Summary:     "اختتمت القمة العربية أعمالها اليوم في الرياض بإعلان مشترك.",
			ContentHTML: body.String(),
			URL:         fmt.Sprintf("https://news.example/politics/%d", i),
			Authors:     []Person{{Name: "سارة أحمد"}},
			Language:    "ar",
			Published:   base.Add(-time.Duration(i) * time.Hour),
			Updated:     base.Add(-time.Duration(i) * time.Hour),
			Categories:  []string{"politics"},
			Image:       &Image{URL: fmt.Sprintf("https://news.example/img/%d.jpg", i), Type: "image/jpeg", Length: 40000},
		})
	}
	return f
}

// fixtures returns the paths of every file in dir but its README.
func fixtures(tb testing.TB, dir string) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		tb.Fatal(err)
	}
	out := paths[:0]
	for _, p := range paths {
		if filepath.Base(p) != "README.md" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		tb.Fatalf("no fixtures in %s", dir)
	}
	return out
}
