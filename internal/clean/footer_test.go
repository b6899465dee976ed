package clean

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// A feed footer (Markers.Footer: WordPress's "The post <a>X</a> appeared
// first on <a>Site</a>." and its Arabic translation) is cut wherever it
// stands when it is a block by itself, its slots the texts of its links;
// anything more in the block, or links elsewhere, and it is story.
func TestFeedFooter(t *testing.T) {
	const story = "<p>The council voted on Tuesday to add protected bike lanes along Main Street.</p>"
	const post, site = `<a href="https://n.example/p/1">Council approves bike lanes</a>`, `<a href="https://n.example/">City News</a>`
	cut := []string{
		`<p>The post ` + post + ` appeared first on ` + site + `.</p>`,
		`<p>The post ` + post + ` appeared first on ` + site + `</p>`,
		`<p><em>The post ` + post + ` appeared first on ` + site + `.</em></p>`,
		`<div class="yoast">THE POST ` + post + ` APPEARED FIRST ON ` + site + `.</div>`,
		`<p>The post <a href="https://n.example/p/2">U.S. says "no" to Kyiv's plan – again</a> appeared first on <a href="https://n.example/">News, Daily &amp; More</a>.</p>`,
		`<p>ظهرت المقالة <a href="https://n.example/ar/1">افتتاح سوق جديد</a> أولاً على <a href="https://n.example/ar">أخبار المدينة</a>.</p>`,
		`<p>ظَهَرَت المقالة <a href="https://n.example/ar/1">افتتاح سوق جديد</a> أولا على <a href="https://n.example/ar">أخبار المدينة</a></p>`,
	}
	kept := []string{
		// A story's sentences.
		`<p>The post ` + post + ` appeared first on ` + site + ` at 6 a.m. and was shared 40,000 times.</p>`,
		`<p>The post appeared first on Truth Social, where it was seen by millions.</p>`,
		`<p>The video appeared first on <a href="https://social.example">Chirp</a>.</p>`,
		`<p>The post that appeared first on Chirp.</p>`,
		// Not the footer and nothing else.
		`<p>The post ` + post + ` appeared first on ` + site + `. Officials later said it was fake.</p>`,
		// Without its links it cannot be told from a sentence: kept.
		`<p>The post Council approves bike lanes appeared first on City News.</p>`,
		// A slot that is not a link's text.
		`<p>The post Council approves ` + `<a href="https://n.example/p/1">bike lanes</a> appeared first on ` + site + `.</p>`,
		`<p>The post ` + post + ` appeared first on ` + site + ` and <a href="https://x.example">X</a>.</p>`,
	}
	c := New(Options{})
	for _, f := range cut {
		a := &feeds.Article{GUID: "g", Title: "Council approves bike lanes", ContentHTML: story + f + story}
		r, err := c.Article(a)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(HTMLToText(a.ContentHTML), "first on") || strings.Contains(a.ContentHTML, "أولا") {
			t.Errorf("footer kept: %s\n%s", f, r)
		}
		if len(r.Cuts) != 1 || r.Cuts[0].Kind != CutFooter || strings.Count(HTMLToText(a.ContentHTML), "protected bike lanes") != 2 {
			t.Errorf("%s: want the footer alone cut as %s:\n%s", f, CutFooter, r)
		}
	}
	for _, k := range kept {
		a := &feeds.Article{GUID: "g", Title: "Council approves bike lanes", ContentHTML: story + k + story}
		want := HTMLToText(a.ContentHTML)
		r, err := c.Article(a)
		if err != nil {
			t.Fatal(err)
		}
		if got := HTMLToText(a.ContentHTML); got != want {
			t.Errorf("story cut: %s\n%s", k, r)
		}
	}
	// Markers without footers cut none.
	m := DefaultMarkers()
	m.Footer = nil
	a := &feeds.Article{GUID: "g", Title: "t", ContentHTML: story + cut[0]}
	if _, err := New(Options{Markers: m}).Article(a); err != nil || !strings.Contains(a.ContentHTML, "appeared first on") {
		t.Errorf("no footer markers: %v %q", err, a.ContentHTML)
	}
}
