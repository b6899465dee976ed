package feeds

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// TestRoundTrip renders many generated articles in every format, validates
// the result, parses it back with gofeed and compares item by item with the
// input after the same sanitising the renderer applies: nothing may be lost.
// The generator puts in Arabic, emoji, markup, & < ]]>, C0 controls, invalid
// UTF-8, bidi marks, CRs, 100 KB bodies, several authors and categories,
// and articles with and without images, sources and related links.
func TestRoundTrip(t *testing.T) {
	const feedsPerFormat, itemsPerFeed = 3, 40
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= feedsPerFormat; seed++ {
				in := genFeed(seed*10+uint64(fm), itemsPerFeed, fm)
				data := render(t, in, fm)
				mustValidate(t, fmt.Sprintf("seed %d", seed), data)
				want, err := prepare(in)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Parse(data)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				universal, err := newParser().Parse(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				checkFeed(t, fm, want, got)
				if len(got.Items) != len(want.items) || len(universal.Items) != len(want.items) {
					t.Fatalf("seed %d: %d items back (gofeed %d), want %d", seed, len(got.Items), len(universal.Items), len(want.items))
				}
				for i := range want.items {
					name := fmt.Sprintf("seed %d item %d", seed, i+1)
					checkItem(t, name, fm, want, i, got.Items[i])
					checkUniversal(t, name, fm, want, i, universal.Items[i])
				}
			}
		})
	}
}

func checkFeed(t *testing.T, fm Format, want *doc, got *Feed) {
	t.Helper()
	w := want.feed
	eq(t, "feed title", got.Title, w.Title)
	eq(t, "feed description", got.Description, w.Description)
	eq(t, "feed link", got.Link, w.Link)
	eq(t, "feed self link", got.SelfURL, w.SelfURL)
	eq(t, "feed language", got.Language, w.Language)
	if !got.Updated.Equal(want.updated) {
		t.Errorf("feed updated %v, want %v", got.Updated, want.updated)
	}
	if fmt.Sprint(got.Links) != fmt.Sprint(w.Links) {
		t.Errorf("feed links %v, want %v", got.Links, w.Links)
	}
	if got.Archive != w.Archive || len(got.Deleted) != len(w.Deleted) {
		t.Fatalf("archive %v, %d tombstones; want %v, %d", got.Archive, len(got.Deleted), w.Archive, len(w.Deleted))
	}
	for i, d := range w.Deleted {
		g := got.Deleted[i]
		if g.GUID != d.GUID || !g.When.Equal(d.When) || g.Comment != d.Comment || g.By != d.By {
			t.Errorf("tombstone %d: %q, want %q", i+1, g, d)
		}
	}
	if fm == FormatAtom {
		eq(t, "feed id", got.ID, want.id)
	}
}

// checkItem compares what Parse returns (gofeed plus its original feed).
func checkItem(t *testing.T, name string, fm Format, d *doc, i int, got *Article) {
	t.Helper()
	want := d.items[i]
	eq(t, name+" guid", got.GUID, want.GUID)
	eq(t, name+" title", got.Title, want.Title)
	eq(t, name+" link", got.URL, want.URL)
	eq(t, name+" content", got.ContentHTML, want.ContentHTML)
	eq(t, name+" summary", got.Summary, d.excerpts[i])
	if want.Summary != "" {
		eq(t, name+" summary is the article's", got.Summary, want.Summary)
	}
	if !got.Published.Equal(want.Published) || !got.Updated.Equal(want.Updated) {
		t.Errorf("%s: dates %v / %v, want %v / %v", name, got.Published, got.Updated, want.Published, want.Updated)
	}
	if !slices.Equal(got.Categories, want.Categories) {
		t.Errorf("%s: categories %q, want %q", name, got.Categories, want.Categories)
	}
	wantLang := want.Language
	if fm == FormatAtom || wantLang == "" {
		wantLang = d.feed.Language // inherited; gofeed ignores xml:lang on Atom entries
	}
	eq(t, name+" language", got.Language, wantLang)

	// Authors: RSS has names only (dc:creator), JSON Feed no emails.
	wantAuthors := slices.Clone(want.Authors)
	for j := range wantAuthors {
		switch fm {
		case FormatRSS:
			wantAuthors[j] = Person{Name: wantAuthors[j].Name}
		case FormatJSON:
			wantAuthors[j].Email = ""
		}
	}
	if fmt.Sprint(got.Authors) != fmt.Sprint(wantAuthors) {
		t.Errorf("%s: authors %q, want %q", name, got.Authors, wantAuthors)
	}

	// Image: the URL everywhere; type and size where the format has room.
	var wantImg *Image
	if want.Image != nil {
		img := *want.Image
		if fm == FormatJSON {
			img = Image{URL: img.URL}
		}
		wantImg = &img
	}
	if fmt.Sprint(deref(got.Image)) != fmt.Sprint(deref(wantImg)) || (got.Image == nil) != (wantImg == nil) {
		t.Errorf("%s: image %+v, want %+v", name, deref(got.Image), deref(wantImg))
	}

	// Sources: JSON has them all; RSS and Atom the first, RSS only with its feed URL.
	wantSrc := want.Sources
	if fm != FormatJSON && len(wantSrc) > 0 {
		s := wantSrc[0]
		if fm == FormatRSS && s.FeedURL == "" {
			s.Name = ""
		}
		wantSrc = nil
		if s != (Source{}) {
			wantSrc = []Source{s}
		}
	}
	if fmt.Sprint(got.Sources) != fmt.Sprint(wantSrc) {
		t.Errorf("%s: sources %q, want %q", name, got.Sources, wantSrc)
	}
	if fm == FormatJSON && fmt.Sprint(got.Related) != fmt.Sprint(want.Related) {
		t.Errorf("%s: related %q, want %q", name, got.Related, want.Related)
	}
}

func deref(img *Image) Image {
	if img == nil {
		return Image{}
	}
	return *img
}

// checkUniversal compares gofeed's universal item, what any gofeed user
// gets without our Parse.
func checkUniversal(t *testing.T, name string, fm Format, d *doc, i int, got *gofeed.Item) {
	t.Helper()
	want := d.items[i]
	name += " (gofeed)"
	eq(t, name+" guid", got.GUID, want.GUID)
	eq(t, name+" title", got.Title, want.Title)
	eq(t, name+" link", got.Link, want.URL)
	eq(t, name+" content", got.Content, want.ContentHTML)
	wantDesc := d.excerpts[i]
	if fm == FormatRSS {
		wantDesc = htmlText.Replace(wantDesc) // RSS description is HTML: the plain excerpt, escaped
	}
	eq(t, name+" description", got.Description, wantDesc)
	if got.PublishedParsed == nil || !got.PublishedParsed.Equal(want.Published) {
		t.Errorf("%s: published %v, want %v", name, got.PublishedParsed, want.Published)
	}
	if got.UpdatedParsed == nil || !got.UpdatedParsed.Equal(want.Updated) {
		t.Errorf("%s: updated %v, want %v", name, got.UpdatedParsed, want.Updated)
	}
	wantCats := want.Categories
	if fm == FormatAtom && len(d.labels) > 0 {
		// gofeed gives an Atom category's label when it has one; Parse reads the term.
		wantCats = make([]string, len(want.Categories))
		for j, c := range want.Categories {
			wantCats[j] = cmp(d.labels[c], c)
		}
	}
	if !slices.Equal(got.Categories, wantCats) {
		t.Errorf("%s: categories %q, want %q", name, got.Categories, wantCats)
	}
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %s, want %s", what, clip(got), clip(want))
	}
}

// clip keeps failure messages readable when a 100 KB body differs.
func clip(s string) string {
	if len(s) <= 300 {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q… (%d bytes)", s[:300], len(s))
}

// TestRoundTripKeepsTrickyContentExactly spells out the cases the generator
// only hits by chance.
func TestRoundTripKeepsTrickyContentExactly(t *testing.T) {
	contents := []string{
		`<div dir="rtl"><p>نص</p></div>`,              // gofeed unwraps a lone div in XHTML content
		`<div dir="rtl"><p>نص</p></div> بعده`,         // ... and drops the text beside it
		`a ]]> b ]]]]> c <![CDATA[ d ]]>`,             // CDATA ends inside CDATA
		`&amp;amp; &nbsp; &copy=2; & < > " '`,         // entities decoded exactly once
		"\u200fمرحبا\u202b world \u202c\u2066x\u2069", // bidi controls
		strings.Repeat("ق", 100_000),
		"👩🏽‍💻 🇸🇦 ﷺ",
	}
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		for i, c := range contents {
			a := *f.Items[0]
			a.GUID = fmt.Sprintf("tag:news.example,2025:tricky/%d", i)
			a.ContentHTML = c
			a.Published = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
			f.Items = append(f.Items, &a)
		}
		data := render(t, f, fm)
		mustValidate(t, fm.String(), data)
		p, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range contents {
			eq(t, fmt.Sprintf("%s content %d", fm, i), p.Items[3+i].ContentHTML, c)
		}
	}
}
