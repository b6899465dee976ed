package content

import (
	"strings"
	"sync"
)

// bodies holds the memory of parses made outside a Cleaner (Text,
// Prepare), reused as a Cleaner reuses its own.
var bodies = sync.Pool{New: func() any { return &htmlBody{} }}

// Text returns the text of an HTML fragment, read in the one tokenizer pass
// the cleaner makes: one line per block (a paragraph, heading, list item,
// a run of text between blocks), and inside a block a new line at <br>,
// <hr> and at a block element nested in it (a nested list's items, a
// table's rows); table cells are separated by spaces. White space inside
// a line collapses, entities are decoded once, explicit bidi controls are
// dropped (arabic.NormalizeBidi), and scripts, styles, templates, SVG and
// the like contribute nothing. The result has no empty lines.
func Text(s string) string {
	h := bodies.Get().(*htmlBody)
	defer func() {
		h.reset()
		bodies.Put(h)
	}()
	h.parse(s)
	return h.text(nil, -1)
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
