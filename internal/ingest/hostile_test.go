package ingest_test

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// forbidden are markers of anything executable or styling, matched without
// regard to case.
var forbidden = []string{"<script", "onerror", "onclick", "onload", "onmouseover", "javascript:", "data:text",
	"data:image", "<iframe", "<style", "<object", "<embed", "<form", "formaction", "<svg", "style=", "alert("}

// Nothing executable from a hostile upstream reaches a published feed, in
// the stored articles, in the rendered bytes, or in what a reader parses
// back out of them; and every rendered feed validates.
func TestNothingExecutableIsPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.file(t, "/hostile", "hostile.rss")
	e.addSource("hostile", "/hostile")
	if res := e.mustRun("hostile"); res.New != 2 {
		t.Fatalf("pass = %+v", res)
	}
	check := func(where, s string) {
		t.Helper()
		for _, f := range forbidden {
			if containsFold(s, f) {
				t.Errorf("%s contains %q:\n%s", where, f, s)
			}
		}
	}
	for _, a := range e.latest("") {
		check("stored "+a.Title, a.Title+"\n"+a.Summary+"\n"+a.ContentHTML+"\n"+a.URL)
	}

	a := e.byTitle("Breaking news")
	for _, keep := range []string{`<p dir="rtl" lang="ar">نص عربي</p>`, `<img src="https://hostile.example/x.jpg" alt="x"`,
		`<a href="https://hostile.example/ok">link</a>`} {
		if !strings.Contains(a.ContentHTML, keep) {
			t.Errorf("safe markup lost: %q not in\n%s", keep, a.ContentHTML)
		}
	}
	if b := e.byTitle("Item with a script link"); b.URL != "https://hostile.example/" || b.Sources[0].Link != "" {
		t.Errorf("javascript: item link kept: url %q source link %q", b.URL, b.Sources[0].Link)
	}

	for fm, doc := range e.render("world") {
		check(fm.Extension()+" bytes", string(doc))
		back, err := feeds.Parse(doc)
		if err != nil {
			t.Fatalf("%v: %v", fm, err)
		}
		for _, it := range back.Items {
			check(fm.Extension()+" parsed back", it.Title+"\n"+it.Summary+"\n"+it.ContentHTML+"\n"+it.URL)
		}
	}
}
