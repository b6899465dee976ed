package ingest_test

import (
	"strings"
	"testing"
)

// plainTextAtom has Atom text constructs of every type. Plain text (type
// "text", the default) holds what looks like markup: it is text.
const plainTextAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>A</title><id>urn:a</id><updated>2025-03-03T10:00:00Z</updated><link href="https://a.example/"/>
<entry><title>Press contact</title><id>urn:1</id><link href="https://a.example/1"/><updated>2025-03-03T10:00:00Z</updated>
<content type="text">Reporters can reach the ministry at &lt;press@ministry.example&gt; until Friday.

The office opens at 9am.</content></entry>
<entry><title>Default type</title><id>urn:2</id><link href="https://a.example/2"/><updated>2025-03-03T09:00:00Z</updated>
<content>The rule is x &lt; y &amp;&amp; y &gt; z, the court said.
Both sides accepted it.</content></entry>
<entry><title type="html">Ports &amp;amp; harbours &lt;b&gt;reopen&lt;/b&gt;</title><id>urn:3</id><link href="https://a.example/3"/><updated>2025-03-03T08:00:00Z</updated>
<content type="html">&lt;p&gt;The ports &lt;b&gt;reopened&lt;/b&gt; at dawn, &amp;amp; ships sailed.&lt;/p&gt;</content></entry>
<entry><title type="text">Vector&lt;T&gt; &amp; friends</title><id>urn:4</id><link href="https://a.example/4"/><updated>2025-03-03T07:00:00Z</updated>
<summary type="text">Write to &lt;desk@a.example&gt; for the slides.</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>The talk on <b>generics</b> is online.</p></div></content></entry>
<entry><title>Q&amp;A: the &lt;br&gt; tag</title><id>urn:5</id><link href="https://a.example/5"/><updated>2025-03-03T06:00:00Z</updated>
<author><name>Desk &lt;Night&gt;</name></author>
<summary>Line one of the brief &lt;draft&gt;.

Line two of the brief.</summary></entry>
<entry><title type="html"><![CDATA[Markets <em>rally</em> &amp; close higher]]></title><id>urn:6</id><link href="https://a.example/6"/><updated>2025-03-03T05:00:00Z</updated>
<summary type="html">&lt;p&gt;Stocks rose &lt;i&gt;sharply&lt;/i&gt;.&lt;/p&gt;</summary></entry>
</feed>`

// Where a format says a field is plain text (Atom type="text" and no type,
// JSON Feed titles), what looks like markup in it is text: escaped, never
// parsed away; line breaks make paragraphs. Where it says HTML, it is
// read as HTML once, never escaped twice.
func TestPlainTextFieldsStayText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/atom", route{body: []byte(plainTextAtom), contentType: "application/atom+xml"})
	e.addSource("atom", "/atom")
	if res := e.mustRun("atom"); res.New != 6 {
		t.Fatalf("atom pass %+v, want 6 new", res)
	}
	e.up.set("/json", route{contentType: "application/feed+json", body: []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
{"id":"j1","url":"https://j.example/1","title":"Text <only> & more","content_html":"<p>Body <b>one</b>.</p>","authors":[{"name":"Ann <Desk>"}]},
{"id":"j2","url":"https://j.example/2","title":"Caf&eacute; &amp; bar","content_text":"A <b> is not bold here.\n\nSecond paragraph."}]}`)})
	e.addSource("json", "/json")
	if res := e.mustRun("json"); res.New != 2 {
		t.Fatalf("json pass %+v, want 2 new", res)
	}
	e.up.set("/rss", route{body: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>R</title><link>https://r.example/</link><description>d</description>
<item><title>Ports &amp;amp; harbours</title><link>https://r.example/1</link><description>&lt;p&gt;A &lt;b&gt;bold&lt;/b&gt; move &amp;amp; more.&lt;/p&gt;</description></item>
</channel></rss>`)})
	e.addSource("rss", "/rss")
	e.mustRun("rss")

	for _, tc := range []struct {
		title           string
		body, notBody   []string
		summary, author string
		paragraphs      int // at least
	}{
		{title: "Press contact", body: []string{"&lt;press@ministry.example&gt; until Friday.", "<p>The office opens at 9am.</p>"}, paragraphs: 2},
		{title: "Default type", body: []string{"x &lt; y &amp;&amp; y &gt; z", "<p>Both sides accepted it.</p>"}, paragraphs: 2},
		{title: "Ports & harbours reopen", body: []string{"<b>reopened</b>", "&amp; ships"}, notBody: []string{"&lt;b&gt;", "&amp;amp;"}},
		{title: "Vector<T> & friends", body: []string{"<b>generics</b>"}, summary: "Write to <desk@a.example> for the slides."},
		{title: "Q&A: the <br> tag", body: []string{"brief &lt;draft&gt;.", "<p>Line two of the brief.</p>"}, author: "Desk <Night>", paragraphs: 2},
		{title: "Markets rally & close higher", body: []string{"<i>sharply</i>"}, notBody: []string{"&lt;i&gt;"}},
		{title: "Text <only> & more", body: []string{"<b>one</b>"}, author: "Ann <Desk>"},
		{title: "Caf&eacute; &amp; bar", body: []string{"A &lt;b&gt; is not bold here.", "<p>Second paragraph.</p>"}, paragraphs: 2},
		{title: "Ports & harbours", body: []string{"<b>bold</b>", "move &amp; more"}, notBody: []string{"&lt;b&gt;", "&amp;amp;"}},
	} {
		a := e.byTitle(tc.title)
		for _, s := range tc.body {
			if !strings.Contains(a.ContentHTML, s) {
				t.Errorf("%q: body lacks %q:\n%s", tc.title, s, a.ContentHTML)
			}
		}
		for _, s := range tc.notBody {
			if strings.Contains(a.ContentHTML, s) {
				t.Errorf("%q: body has %q (escaped twice):\n%s", tc.title, s, a.ContentHTML)
			}
		}
		if n := strings.Count(a.ContentHTML, "<p>"); n < tc.paragraphs {
			t.Errorf("%q: %d paragraphs, want %d:\n%s", tc.title, n, tc.paragraphs, a.ContentHTML)
		}
		if tc.summary != "" && a.Summary != tc.summary {
			t.Errorf("%q: summary %q, want %q", tc.title, a.Summary, tc.summary)
		}
		if tc.author != "" && (len(a.Authors) != 1 || a.Authors[0].Name != tc.author) {
			t.Errorf("%q: authors %+v, want %q", tc.title, a.Authors, tc.author)
		}
	}
}

// wildAtom has type-less Atom titles and summaries holding element children
// (invalid Atom, common in real feeds) and an element name in another case.
const wildAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><id>urn:w</id><updated>2025-03-03T10:00:00Z</updated><link href="https://w.example/"/>
<entry><title>Markets <em>rally</em> after vote</title><id>urn:w1</id><link href="https://w.example/1"/><updated>2025-03-03T10:00:00Z</updated>
<content type="html">&lt;p&gt;Stocks rose on the news from parliament.&lt;/p&gt;</content></entry>
<entry><Title type="html">Ports &amp;amp; harbours &lt;b&gt;reopen&lt;/b&gt;</Title><id>urn:w2</id><link href="https://w.example/2"/><updated>2025-03-03T09:00:00Z</updated>
<content type="html">&lt;p&gt;The ports reopened at dawn.&lt;/p&gt;</content></entry>
<entry><title>Floods</title><id>urn:w3</id><link href="https://w.example/3"/><updated>2025-03-03T08:00:00Z</updated>
<summary>Rivers burst their banks, <a href="https://w.example/map">see the map</a>.</summary></entry>
</feed>`

// An Atom title or summary with no type (text by default) whose element
// has element children holds markup, whatever its type: it is read as HTML,
// not stored with literal tags. Element names are matched in any case, as
// gofeed matches them.
func TestAtomMarkupInTextConstruct(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/wild", route{body: []byte(wildAtom), contentType: "application/atom+xml"})
	e.addSource("wild", "/wild")
	if res := e.mustRun("wild"); res.New != 3 {
		t.Fatalf("pass %+v, want 3 new", res)
	}
	for _, a := range e.latest("") {
		if strings.Contains(a.Title, "<") || strings.Contains(a.Title, "&amp;") {
			t.Errorf("title %q holds markup or an entity", a.Title)
		}
		if strings.Contains(a.ContentHTML, "&lt;a href") {
			t.Errorf("%q: body has an escaped link:\n%s", a.Title, a.ContentHTML)
		}
	}
	e.byTitle("Markets rally after vote")
	e.byTitle("Ports & harbours reopen")
	if a := e.byTitle("Floods"); !strings.Contains(a.ContentHTML, `<a href="https://w.example/map"`) {
		t.Errorf("Floods: body lacks the link:\n%s", a.ContentHTML)
	}
}
