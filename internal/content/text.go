package content

import (
	"net/url"
	"slices"
	"strings"
	"sync"
)

// bodies holds the memory of parses, reused: most of it is the blocks of
// one article.
var bodies = sync.Pool{New: func() any { return &htmlBody{} }}

// Body is an article's sanitised HTML read in the one tokenizer pass the
// pipeline makes over it: its blocks, their text, and the rewrites that
// make its relative URLs absolute. Its text (Text), its HTML with URLs
// resolved (HTML) and its cleaning (Cleaner.Clean) all come from that
// pass. Release it when done; a Body is not safe for concurrent use.
type Body struct {
	h    *htmlBody
	html string
	done bool // html is made
}

// Read tokenizes s, sanitised HTML (SanitizeHTML), once. Relative URLs
// in href, src, cite, poster and longdesc are resolved against base (nil:
// left as they are); fragment-only links ("#note") and results that are
// not http(s) stay as they were.
func Read(s string, base *url.URL) *Body {
	h := bodies.Get().(*htmlBody)
	h.parse(s, base)
	return &Body{h: h}
}

// Text returns the body's text, as the package-level Text reads it.
func (b *Body) Text() string { return b.h.text(nil, -1) }

// HTML returns the body with its relative URLs resolved, and, as every
// body the cleaner writes, explicit bidi controls dropped from its text
// and stray container end tags dropped. Markup left as it is is copied
// byte for byte; a tag with a URL resolved is written anew.
func (b *Body) HTML() string {
	if !b.done {
		b.h.cut = slices.Grow(b.h.cut[:0], len(b.h.blocks))[:len(b.h.blocks)]
		clear(b.h.cut)
		b.html, _ = b.h.output(b.h.cut, "")
		b.done = true
	}
	return b.html
}

// Release returns the body's memory for reuse; b must not be used after.
func (b *Body) Release() {
	if b.h == nil {
		return
	}
	b.h.reset() // keep no article alive in the pool
	bodies.Put(b.h)
	b.h = nil
}

// Text returns the text of an HTML fragment, read in the one tokenizer pass
// the cleaner makes: one line per block (a paragraph, heading, list item,
// a run of text between blocks), and inside a block a new line at <br>,
// <hr> and at a block element nested in it (a nested list's items, a
// table's rows); table cells are separated by spaces. White space inside
// a line collapses, entities are decoded once, explicit bidi controls are
// dropped (arabic.NormalizeBidi), and scripts, styles, templates, SVG and
// the like contribute nothing. The result has no empty lines.
func Text(s string) string {
	b := Read(s, nil)
	defer b.Release()
	return b.Text()
}

// text returns the lines of the blocks not marked in cut (nil: all), as
// Text; limit >= 0 stops adding blocks once the text is longer.
func (h *htmlBody) text(cut []bool, limit int) string {
	n := 0
	for i := range h.blocks {
		n += len(h.blocks[i].text) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for i := range h.blocks {
		if cut != nil && cut[i] {
			continue
		}
		if limit >= 0 && b.Len() > limit {
			break
		}
		h.blocks[i].writeLines(&b)
	}
	return b.String()
}

// writeLines appends the block's text to b as lines, after a line break
// when b holds text already.
func (bl *block) writeLines(b *strings.Builder) {
	if bl.text == "" {
		return
	}
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	at := 0
	for _, i := range bl.breaks {
		b.WriteString(bl.text[at:i])
		b.WriteByte('\n')
		at = i + 1
	}
	b.WriteString(bl.text[at:])
}
