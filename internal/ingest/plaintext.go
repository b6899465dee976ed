package ingest

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
)

// textFields says which of an item's fields its format defines as plain
// text, to be escaped and never parsed as HTML: "<press@ministry.example>"
// in them is an address, "\n\n" a paragraph break. The rest are HTML (RSS
// fields, which are HTML in practice, Atom type="html" and "xhtml", JSON
// Feed content_html).
type textFields struct {
	title, summary, content, names bool
}

// Atom namespaces whose elements gofeed reads as Atom's own ("" for feeds
// without xmlns).
const (
	atom10NS = "http://www.w3.org/2005/Atom"
	atom03NS = "http://purl.org/atom/ns#"
)

// markText sets the textFields of the new and changed entries.
//
// JSON Feed: title, summary, content_text and author names are plain text
// (JSON Feed 1.1); content_html is HTML. Atom: a text construct (title,
// summary, content) is plain text unless its type says html or xhtml
// (RFC 4287 3.1.1: type="text" is the default), and a person's name is
// text. gofeed keeps an entry's content type (in OriginalFeed) but drops
// the type of titles and summaries once it has read them, so those are read
// from the document itself (atomTextTypes), only when it matters
// (textMatters). When the document's entries cannot be lined up with
// gofeed's, titles and summaries are read as HTML, as they were before.
func (b *batch) markText(entries []entry) {
	switch b.feed.FeedType {
	case "json":
		for i := range entries {
			e := &entries[i]
			e.text = textFields{title: true, summary: true, content: e.textOnly, names: true}
		}
	case "atom":
		af, _ := b.feed.OriginalFeed().(*atom.Feed)
		if af != nil && len(af.Entries) != len(b.feed.Items) {
			af = nil
		}
		var constructs []atomText
		read := false
		for i := range entries {
			e := &entries[i]
			if e.status == unchanged {
				continue
			}
			e.text.names = true
			if af != nil && af.Entries[e.idx] != nil && af.Entries[e.idx].Content != nil {
				// gofeed keeps no mode: Atom 0.3's mode="escaped" content with
				// no type is left escaped, so only 1.0 reads no type as text.
				c := af.Entries[e.idx].Content
				e.text.content = atomPlain(c.Type, "") && (c.Type != "" || af.Version != "0.3")
			}
			if !read && textMatters(e.it) {
				constructs, read = atomTextTypes(b.raw, len(b.feed.Items)), true
			}
			if constructs != nil {
				e.text.title, e.text.summary = constructs[e.idx].title, constructs[e.idx].summary
			}
		}
	}
}

// textMatters reports whether reading an Atom entry's title or summary as
// text rather than HTML can change what is stored: markup and entities read
// differently, and line breaks in a summary that stands in for the body
// (as text they break paragraphs). Titles and summaries are otherwise one
// run of text either way. The document is read again only for such items
// (it costs about a third of gofeed's parse).
func textMatters(it *gofeed.Item) bool {
	return strings.ContainsAny(it.Title, "<&") || strings.ContainsAny(it.Description, "<&") ||
		strings.TrimSpace(it.Content) == "" && strings.Contains(it.Description, "\n")
}

// atomPlain reports whether an Atom text construct with this type (and
// Atom 0.3 mode) is plain text, as gofeed read it: "text", a text/plain
// media type, or no type (the default is text; gofeed leaves Atom 0.3
// content with a mode and no type undecoded, so that is not read as text).
// "text/html" is HTML.
func atomPlain(typ, mode string) bool {
	switch strings.ToLower(strings.TrimSpace(typ)) {
	case "text", "text/plain":
		return true
	case "":
		return mode == ""
	}
	return false
}

// atomText is whether an Atom entry's title and summary are plain text.
type atomText struct{ title, summary bool }

// atomTextTypes reads whether each entry of an Atom document has a plain
// text title and summary (atomPlain), reading it as gofeed does (control
// characters dropped, not strict, element names in any case, namespaces
// as written less surrounding space). A title or summary with element
// children is not plain text whatever its type says: gofeed hands over its
// inner XML, and the children can only be markup (invalid Atom, but common:
// "Markets <em>rally</em>"), so it is read as HTML, as it was before types
// were read. The result has one element per entry; nil when the document
// cannot be read or does not hold n entries, where gofeed found n: then its
// entries and gofeed's cannot be told to match.
func atomTextTypes(raw []byte, n int) []atomText {
	d := xml.NewDecoder(&controlCharFilter{r: bytes.NewReader(raw)})
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil } // fetch made it UTF-8
	native := func(n xml.Name) bool {
		s := strings.TrimSpace(n.Space)
		return s == "" || s == atom10NS || s == atom03NS
	}
	is := func(n xml.Name, local string) bool { return strings.EqualFold(n.Local, local) && native(n) }
	out := make([]atomText, 0, n)
	depth, inEntry := 0, false
	var field *bool // the current entry's title or summary flag, inside one
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && !is(t.Name, "feed"):
				return nil
			case depth == 2 && is(t.Name, "entry"):
				out, inEntry = append(out, atomText{title: true, summary: true}), true
			case depth == 3 && inEntry && (is(t.Name, "title") || is(t.Name, "summary")):
				var typ, mode string
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "type":
						typ = a.Value
					case "mode":
						mode = a.Value
					}
				}
				field = &out[len(out)-1].summary
				if is(t.Name, "title") {
					field = &out[len(out)-1].title
				}
				*field = atomPlain(typ, mode)
			case depth == 4 && field != nil:
				*field = false // an element child: markup
			}
		case xml.EndElement:
			switch depth {
			case 2:
				inEntry = false
			case 3:
				field = nil
			}
			depth--
		}
	}
	if len(out) != n {
		return nil
	}
	return out
}

// controlCharFilter drops the bytes below 0x20 that XML forbids (all but
// tab, LF and CR), as gofeed does before it parses.
type controlCharFilter struct{ r io.Reader }

func (c *controlCharFilter) Read(p []byte) (int, error) {
	for {
		n, err := c.r.Read(p)
		w := 0
		for _, b := range p[:n] {
			if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
				continue
			}
			p[w] = b
			w++
		}
		if w > 0 || err != nil {
			return w, err
		}
	}
}
