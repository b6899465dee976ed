package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hostile is text authors may type in a plain field: markup, event
// handlers, javascript: links, and the same again entity-encoded, which a
// reader that decodes once too often turns into live markup.
var hostile = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(2)>`,
	`<a href="javascript:alert(3)">x</a>`,
	`&lt;script&gt;alert(4)&lt;/script&gt;`,
	`&#60;img src=x onerror=alert(5)&#62;`,
	`<svg onload=alert(6)> & "quotes" 'too' > done`,
}

// hostileFeed carries hostile text in every plain field newswire renders.
// Its second article has no summary: its excerpt comes from sanitised HTML
// that shows entity-encoded markup as text.
func hostileFeed(fm Format) *Feed {
	t := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return &Feed{
		Title:       "F " + hostile[0],
		Description: "D " + hostile[3],
		Link:        "https://news.example/",
		SelfURL:     "https://news.example/feeds/all." + fm.Extension(),
		Language:    "ar",
		Categories:  []Category{{Slug: "politics", Title: "L " + hostile[4]}},
		Items: []*Article{{
			GUID:        "tag:news.example,2026:1",
			Title:       "T " + hostile[0],
			Summary:     "S " + hostile[1] + " " + hostile[3],
			ContentHTML: "<p>body</p>",
			URL:         "https://news.example/1",
			Authors:     []Person{{Name: "A " + hostile[2]}},
			Published:   t,
			Categories:  []string{"politics"},
			Related:     []Related{{Title: "R " + hostile[4]}},
			Sources:     []Source{{Name: "Src " + hostile[5], FeedURL: "https://wire.example/rss", Link: "https://wire.example/1"}},
		}, {
			GUID:        "tag:news.example,2026:2",
			Title:       "T2 " + hostile[5],
			ContentHTML: `<p>قال: &lt;script&gt;alert(7)&lt;/script&gt; &amp;lt;b&amp;gt; &lt;a href="javascript:alert(8)"&gt;</p>`,
			URL:         "https://news.example/2",
			Published:   t.Add(-time.Hour),
		}},
		Deleted: []Tombstone{{GUID: "tag:news.example,2026:0", When: t, Comment: "C " + hostile[1], By: "B " + hostile[2]}},
	}
}

// readerText is what a feed reader shows: the decoded value of every
// plain-text element and attribute, and the visible text of every element
// it treats as HTML, whose parsed nodes are also returned.
type readerText struct {
	plain []string
	html  map[string][]string // element → decoded values
}

// xmlReaderText reads an RSS or Atom document. HTML-carrying: an RSS item's
// description and content:encoded, any Atom element with type="html".
func xmlReaderText(t *testing.T, data []byte) readerText {
	t.Helper()
	rt := readerText{html: map[string][]string{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	type open struct {
		name  xml.Name
		html  bool
		text  strings.Builder
		inRSS bool
	}
	var stack []*open
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return rt
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			o := &open{name: tk.Name}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1].name.Local
			}
			o.html = (tk.Name.Local == "description" && parent == "item") || tk.Name.Space == nsContent
			for _, a := range tk.Attr {
				if a.Name.Local == "type" && a.Value == "html" {
					o.html = true
				}
				rt.plain = append(rt.plain, a.Value)
			}
			stack = append(stack, o)
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(tk)
			}
		case xml.EndElement:
			o := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			v := strings.TrimSpace(o.text.String())
			if o.html {
				rt.html[o.name.Local] = append(rt.html[o.name.Local], v)
			} else if v != "" {
				rt.plain = append(rt.plain, v)
			}
		}
	}
}

// jsonReaderText reads a JSON Feed: content_html is HTML, every other
// string plain (summary and content_text are plain text by the spec).
func jsonReaderText(t *testing.T, data []byte) readerText {
	t.Helper()
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	rt := readerText{html: map[string][]string{}}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case string:
			if key == "content_html" {
				rt.html[key] = append(rt.html[key], x)
			} else {
				rt.plain = append(rt.plain, x)
			}
		}
	}
	walk("", doc)
	return rt
}

// checkHTMLIsInert parses an HTML value as a reader would and fails on a
// script element, an on* attribute or a javascript: URL. It returns the
// visible text.
func checkHTMLIsInert(t *testing.T, where, value string) string {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(value), ctx)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			text.WriteString(n.Data)
		case html.ElementNode:
			if n.Data == "script" || n.Data == "svg" {
				t.Errorf("%s: live <%s> element in %q", where, n.Data, value)
			}
			for _, a := range n.Attr {
				url := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || strings.HasPrefix(url, "javascript:") {
					t.Errorf("%s: live %s=%q on <%s> in %q", where, a.Key, a.Val, n.Data, value)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return text.String()
}

// TestPlainTextNeverBecomesMarkup renders hostile plain text in every
// format, reads each element a reader treats as HTML as HTML, and finds no
// script, no event handler and no javascript: URL there; and every string
// the author typed is still shown as typed, in some plain element or as the
// visible text of an HTML one.
func TestPlainTextNeverBecomesMarkup(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			f := hostileFeed(fm)
			data := render(t, f, fm)
			mustValidate(t, fm.String(), data)
			var rt readerText
			if fm == FormatJSON {
				rt = jsonReaderText(t, data)
			} else {
				rt = xmlReaderText(t, data)
			}
			shown := slicesClone(rt.plain)
			nHTML := 0
			for el, values := range rt.html {
				for _, v := range values {
					shown = append(shown, checkHTMLIsInert(t, fm.String()+" "+el, v))
					nHTML++
				}
			}
			if nHTML == 0 {
				t.Fatal("no HTML-carrying element found: the test reads nothing")
			}
			a, b := f.Items[0], f.Items[1]
			typed := []string{f.Title, f.Description, a.Title, a.Summary, a.Authors[0].Name, b.Title,
				`قال: <script>alert(7)</script> &lt;b&gt; <a href="javascript:alert(8)">`, // b's excerpt, as its HTML shows it
				f.Deleted[0].Comment, f.Deleted[0].By, a.Sources[0].Name}
			switch fm {
			case FormatAtom:
				typed = append(typed, f.Categories[0].Title) // the category label
			case FormatJSON:
				typed = append(typed, a.Related[0].Title)
			}
			for _, want := range typed {
				found := false
				for _, s := range shown {
					found = found || strings.Contains(s, want)
				}
				if !found {
					t.Errorf("%q is shown nowhere as typed", want)
				}
			}
		})
	}
}

// TestRSSPlainTextUsesCharacterReferences: RSS titles and the other plain
// elements follow the RSS Best Practices Profile (3.1): plain text, with
// "&", "<" and ">" as hexadecimal character references.
func TestRSSPlainTextUsesCharacterReferences(t *testing.T) {
	data := string(render(t, hostileFeed(FormatRSS), FormatRSS))
	for _, want := range []string{
		"<title>T &#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;</title>",
		"<title>F &#x3C;script&#x3E;",
		"<description>D &#x26;lt;script&#x26;gt;",
		"<dc:creator>A &#x3C;a href=&#34;javascript:alert(3)&#34;&#x3E;x&#x3C;/a&#x3E;</dc:creator>",
		`<source url="https://wire.example/rss">Src &#x3C;svg onload=alert(6)&#x3E; &#x26; &#34;quotes&#34; &#39;too&#39; &#x3E; done</source>`,
		// The item description is HTML: escaped as HTML, then as XML.
		"<description>S &amp;lt;img src=x onerror=alert(2)&amp;gt; &amp;amp;lt;script&amp;amp;gt;",
	} {
		if !strings.Contains(data, want) {
			t.Errorf("RSS lacks %s", want)
		}
	}
	p, err := Parse([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "F "+hostile[0] || p.Items[0].Title != "T "+hostile[0] || p.Items[0].Summary != "S "+hostile[1]+" "+hostile[3] {
		t.Errorf("plain text not read back as typed: %q / %q / %q", p.Title, p.Items[0].Title, p.Items[0].Summary)
	}
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
