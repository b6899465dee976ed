package ingest_test

import (
	"slices"
	"testing"

	"github.com/newswire/newswire/internal/newsroom"
)

// Rules match upstream category terms and title words, Arabic and English,
// whatever the case, diacritics, alef forms and definite article; items no
// rule matches get the source's categories.
func TestItemsLandInTheRightCategories(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/ar.rss", "arabic.rss")
	e.up.file(t, "/en.json", "feed.json", func(r *route) { r.contentType = "application/feed+json" })
	e.up.file(t, "/rdf", "rdf.rss")
	rules := []newsroom.Rule{
		{Match: "سياسة", Category: "politics"},    // term "سِيَاسَة": diacritics
		{Match: "إقتصاد", Category: "economy"},    // term "اقتصاد": hamza on the alef
		{Match: "انتخابات", Category: "politics"}, // title "الانتخابات …": definite article
		{Match: "economy", Category: "economy"},   // tag "Economy"
		{Match: "Politics", Category: "politics"}, // tag "POLITICS", dc:subject "Politics"
		{Match: "Oil", Category: "energy"},        // title word "Oil"
		{Match: "book", Category: "culture"},      // must not match inside "booking"
	}
	for _, s := range []struct{ name, path string }{{"ar", "/ar.rss"}, {"en", "/en.json"}, {"rdf", "/rdf"}} {
		e.addSource(s.name, s.path, func(src *newsroom.Source) { src.Rules = rules })
		e.mustRun(s.name)
	}
	for _, tc := range []struct {
		title string
		want  []string
	}{
		{"الرئيس يلتقي وفد البرلمان", []string{"politics"}},
		{"ارتفاع أسعار النفط في الأسواق العالمية", []string{"economy"}},
		{"الانتخابات البلدية تنطلق غداً", []string{"politics"}},
		{"افتتاح معرض الكتاب الدولي", []string{"world"}},
		{"Oil prices climb", []string{"economy", "energy"}},
		{"Parliament vote delayed", []string{"politics"}},
		{"Sunny weekend ahead", []string{"world"}},
		{"First RDF item", []string{"politics"}},
		{"Second RDF item", []string{"world"}},
	} {
		if got := e.byTitle(tc.title).Categories; !slices.Equal(got, tc.want) {
			t.Errorf("%q: categories %q, want %q", tc.title, got, tc.want)
		}
	}
	if got := titles(e.latest("politics")); !slices.Equal(got, []string{"الرئيس يلتقي وفد البرلمان",
		"First RDF item", "الانتخابات البلدية تنطلق غداً", "Parliament vote delayed"}) {
		t.Errorf("politics feed = %q", got)
	}
	e.render("politics")
	e.render("economy")
}

// A source without categories still stores its unmatched items somewhere.
func TestSourceWithoutCategoriesUsesTheFallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/f", "rss091.rss")
	e.addSource("bare", "/f", func(s *newsroom.Source) { s.Categories = nil })
	e.mustRun("bare")
	for _, a := range e.latest("") {
		if !slices.Equal(a.Categories, []string{"uncategorized"}) {
			t.Errorf("%q: categories %q", a.Title, a.Categories)
		}
	}
}

// Changing a source's rules re-files its items on the next poll, even when
// the upstream sends the very same bytes.
func TestChangedRulesRefileItems(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/ar.rss", "arabic.rss")
	e.addSource("wire", "/ar.rss")
	e.mustRun("wire")
	if got := e.byTitle("افتتاح معرض الكتاب الدولي").Categories; !slices.Equal(got, []string{"world"}) {
		t.Fatalf("before: %q", got)
	}
	e.addSource("wire", "/ar.rss", func(s *newsroom.Source) { s.Rules = []newsroom.Rule{{Match: "الكتاب", Category: "culture"}} })
	if res := e.mustRun("wire"); res.Updated != 1 || res.Unchanged != 3 {
		t.Errorf("pass after the rule change = %+v", res)
	}
	if got := e.byTitle("افتتاح معرض الكتاب الدولي").Categories; !slices.Equal(got, []string{"culture"}) {
		t.Errorf("after: %q", got)
	}
}
