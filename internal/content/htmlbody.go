package content

import (
	"html"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/arabic"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlBody is an HTML body read in one pass of the tokenizer and cut into
// the blocks the decisions are about. Every block, and every container
// around blocks, is a span of bytes of the source, so the cleaned body is
// the source with the cut spans taken out: markup that stays is never
// re-serialised, and a body with nothing to cut comes back byte for byte
// (bar what an HTML5 parser ignores anyway and that could upset the
// output: stray container end tags, a tag cut off by the end).
//
// The blocks follow what an HTML5 parser builds from the same bytes where
// it matters for cutting: a <p> ends at the next block-level start tag,
// an <li> at the next <li> of its list, a heading at any heading end tag,
// and an end tag of an enclosing container closes whatever is open.
type htmlBody struct {
	src    string
	blocks []block
	spans  []span   // per block
	runs   []bool   // per block: a run of inline content, not an element
	parent []int    // per block: the id of its container, 0 at the top
	conts  []cont   // containers, inner ones first
	boxes  []box    // containers that may be boilerplate as a whole
	edits  []edit   // text rewritten to drop entity-escaped bidi controls
	ctrl   []int    // positions of raw explicit bidi controls, to drop
	junk   []span   // stray container end tags and an unfinished tag at the end, to drop
	tops   []topTok // outermost elements and text, for the dir decision

	stack []open     // open containers
	cut   []bool     // scratch for Article
	ds    []decision // scratch for Article
	cur   *leaf      // the open block, if any
	lists int        // lists seen, to number them
	ids   int        // containers seen, to number them
	pool  [1]leaf    // the one leaf in use, reused
	z     tokenizer
	name  [16]byte // scratch for tag names
	base  *url.URL // relative URLs are resolved against it; nil: left as they are
}

type span struct{ start, end int }

// clear0 empties s, zeroing what it held so that reused memory keeps no
// strings of the previous article alive.
func clear0[T any](s []T) []T {
	clear(s[:cap(s)])
	return s[:0]
}

// cont is a container element: its span and its blocks [first, end).
type cont struct {
	span
	first, end int
}

// edit replaces the span of a text token.
type edit struct {
	span
	repl string
}

// topTok is an outermost element (ok: it carries dir) or piece of text.
type topTok struct {
	pos int
	ok  bool
}

// open is an open container element.
type open struct {
	a     atom.Atom
	id    int
	start int
	first int
	list  int
	box   bool
	hint  CutKind
	tag   atom.Atom
	class string
	idAt  string // the id attribute
}

// leaf is the block being read: a leaf element (p, h1-h6, li, …) or a run
// of inline content between blocks.
type leaf struct {
	run      bool
	a        atom.Atom
	start    int
	lastEnd  int         // end of the last token that is not white space
	inner    []atom.Atom // elements opened inside, for matching end tags
	skip     atom.Atom   // inside script, style, svg…: no text
	skipN    int
	text     blockText
	list     int
	parent   int
	shape    shape
	innerCap [8]atom.Atom
}

// maxInner bounds the elements tracked inside one block on hostile input.
const maxInner = 256

// reset empties h, keeping its memory but nothing of the last article.
func (h *htmlBody) reset() {
	*h = htmlBody{
		ctrl:   h.ctrl[:0],
		blocks: clear0(h.blocks), spans: h.spans[:0], runs: h.runs[:0], parent: h.parent[:0],
		conts: h.conts[:0], boxes: clear0(h.boxes), edits: clear0(h.edits), tops: h.tops[:0],
		stack: clear0(h.stack), junk: h.junk[:0], cut: h.cut[:0], ds: clear0(h.ds),
		z: tokenizer{attrs: h.z.attrs[:0]},
	}
}

// parse tokenizes s into h, reusing the memory of an earlier parse, and
// records the rewrites that make its relative URLs absolute against base
// (nil: none).
func (h *htmlBody) parse(s string, base *url.URL) {
	h.reset()
	h.src, h.base = s, base
	if n := len(s)/256 + 8; cap(h.blocks) < n { // about one block per 256 bytes of news HTML
		h.blocks = make([]block, 0, n)
		h.spans = make([]span, 0, n)
		h.runs = make([]bool, 0, n)
		h.parent = make([]int, 0, n)
	}
	z := &h.z
	z.reset(s)
	for {
		tt := z.next()
		start, end := z.start, z.end
		if tt == xhtml.ErrorToken {
			h.closeLeaf(start)
			h.popTo(0, start)
			if start < len(s) {
				// A tag cut off by the end of the body, which an HTML5
				// parser drops: dropped here too, or what follows it in
				// the output (a closing </div>) would complete it.
				h.junk = append(h.junk, span{start, len(s)})
			}
			return
		}
		h.token(z, tt, start, end)
	}
}

// token handles one token at [start, end).
func (h *htmlBody) token(z *tokenizer, tt xhtml.TokenType, start, end int) {
	var a atom.Atom
	if h.base != nil && (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken) && len(z.attrs) > 0 {
		h.resolveTag(z, tt, start, end)
	}
	switch tt {
	case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
		a = tagAtom(z.s[z.name.start:z.name.end], &h.name)
		if a == atom.Html || a == atom.Head || a == atom.Body {
			return // ignored in a body
		}
	case xhtml.DoctypeToken:
		return
	}
	start1 := tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken

	if l := h.cur; l != nil && !l.run {
		ended, consumed := h.leafEnds(l, tt, a, start, end)
		if !ended {
			h.content(z, tt, a, start, end)
			return
		}
		if consumed {
			return
		}
	}

	switch {
	case start1 && isContainer(a):
		h.closeLeaf(start)
		h.push(z, a, start)
	case start1 && isLeafBlock(a):
		h.closeLeaf(start)
		h.top(z, start)
		h.openLeaf(a, start)
		if isVoid(a) { // <hr>
			h.closeLeaf(end)
		}
	case tt == xhtml.EndTagToken && isContainer(a) && h.inStack(a):
		h.closeLeaf(start)
		for i := len(h.stack) - 1; i >= 0; i-- {
			if h.stack[i].a == a {
				h.popTo(i+1, start) // containers left open inside it
				h.popTo(i, end)     // it, with its end tag
				break
			}
		}
	case tt == xhtml.EndTagToken && a == atom.P:
		// A stray </p> makes an empty paragraph in an HTML5 parser.
		h.closeLeaf(start)
		h.top(z, start)
		h.openLeaf(atom.P, start)
		h.closeLeaf(end)
	case h.cur == nil && (tt == xhtml.CommentToken || tt == xhtml.TextToken && h.blank(start, end)):
		// White space and comments between blocks belong to none.
	default:
		if h.cur == nil {
			switch {
			case start1:
				h.top(z, start)
			case tt == xhtml.TextToken && len(h.stack) == 0:
				h.tops = append(h.tops, topTok{pos: start})
			}
			h.openRun(start)
		}
		h.content(z, tt, a, start, end)
	}
}

// textInfo is what one scan of a text token's source finds.
type textInfo struct {
	plain     bool // the source is the text: nothing to unescape, no CR or NUL, no bidi control
	collapsed bool // words separated by single spaces, none at either end, no other white space
	blank     bool // only white space
	bidi      bool // holds an explicit bidi control
	words     int  // words, when collapsed
}

// scanText scans a text token's source: a few vectorised byte searches
// rather than a loop over every byte, since most bytes of an Arabic
// paragraph are letters.
func scanText(raw string) textInfo {
	t := textInfo{plain: true, collapsed: true, blank: true, words: strings.Count(raw, " ") + 1}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			t.blank = false
			break
		}
	}
	if raw == "" || raw[0] == ' ' || raw[len(raw)-1] == ' ' || strings.Contains(raw, "  ") ||
		strings.IndexByte(raw, '\t') >= 0 || strings.IndexByte(raw, '\n') >= 0 || strings.IndexByte(raw, '\f') >= 0 {
		t.collapsed = false
	}
	if strings.IndexByte(raw, '&') >= 0 {
		t.plain = false
	}
	if strings.IndexByte(raw, '\r') >= 0 || strings.IndexByte(raw, 0) >= 0 {
		t.plain, t.collapsed = false, false
	}
	// The lead bytes of non-ASCII white space (NBSP, U+1680, U+2000–U+205F,
	// U+3000) and of the explicit bidi controls (U+202A–U+2069).
	for _, lead := range [...]byte{0xC2, 0xE1, 0xE2, 0xE3} {
		for off := 0; ; {
			i := strings.IndexByte(raw[off:], lead)
			if i < 0 {
				break
			}
			off += i
			r, n := utf8.DecodeRuneInString(raw[off:])
			if isSpace(r) {
				t.collapsed = false
			}
			if r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 {
				t.plain, t.bidi = false, true
			}
			off += max(n, 1)
		}
	}
	return t
}

// bidiControls returns the positions, plus off, of the explicit bidi
// controls in s.
func bidiControls(s string, off int) []int {
	var at []int
	for i := strings.IndexByte(s, 0xE2); i >= 0; {
		if explicitBidiAt(s, i) {
			at = append(at, off+i)
		}
		j := strings.IndexByte(s[i+1:], 0xE2)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return at
}

// explicitBidiAt reports whether an explicit bidi control (U+202A–U+202E,
// U+2066–U+2069: what arabic.NormalizeBidi drops) starts at s[i], whose
// lead byte is 0xE2.
func explicitBidiAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// tagAtom returns the element a tag name ("DIV", "p") names, 0 for an
// unknown one, lower-casing it in buf rather than in a copy.
func tagAtom(name string, buf *[16]byte) atom.Atom {
	if len(name) > len(buf) {
		return 0 // longer than any known element name
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return atom.Lookup(buf[:len(name)])
}

// blank reports whether the source at [start, end) is white space.
func (h *htmlBody) blank(start, end int) bool {
	return strings.Trim(h.src[start:end], " \t\n\r\f") == ""
}

// leafEnds reports whether token tt ends the open leaf l, and whether the
// token was consumed: a leaf's own end tag is part of it and closes it
// here; any other token that ends it closes it before the token, which is
// then handled outside it.
func (h *htmlBody) leafEnds(l *leaf, tt xhtml.TokenType, a atom.Atom, start, end int) (ended, consumed bool) {
	switch tt {
	case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
		switch {
		case l.a == atom.P && closesP(a):
		case l.a == atom.Li && a == atom.Li && !l.inList():
		case (l.a == atom.Dt || l.a == atom.Dd) && (a == atom.Dt || a == atom.Dd) && !l.inList():
		case isHeading(l.a) && isHeading(a) && len(l.inner) == 0:
		default:
			return false, false
		}
		h.closeLeaf(start)
		return true, false
	case xhtml.EndTagToken:
		if l.innerIndex(a) >= 0 {
			return false, false // closes an element inside the leaf
		}
		if a == l.a || isHeading(l.a) && isHeading(a) {
			h.content(nil, tt, a, start, end)
			h.closeLeaf(end)
			return true, true
		}
		if h.inStack(a) {
			h.closeLeaf(start)
			return true, false
		}
	}
	return false, false
}

// content adds a token to the open block.
func (h *htmlBody) content(z *tokenizer, tt xhtml.TokenType, a atom.Atom, start, end int) {
	l := h.cur
	w := &l.text
	switch tt {
	case xhtml.TextToken:
		raw := h.src[start:end]
		if l.skip != 0 {
			l.lastEnd = end
			return
		}
		info := scanText(raw)
		if !info.blank {
			l.lastEnd = end
		}
		if info.bidi && !strings.ContainsAny(raw, "&<") {
			// Raw controls are dropped from the text where they stand,
			// never from markup: inside an attribute, dropping one could
			// turn "java\u202escript:" into a scheme.
			h.ctrl = append(h.ctrl, bidiControls(raw, start)...)
		}
		if info.plain {
			// The text is the source: nothing to unescape or normalise.
			if info.collapsed && w.b.Len() == 0 && w.direct == "" && !w.inLink {
				// Nothing to collapse either: keep the source string
				// instead of copying it, as most paragraphs allow.
				w.direct, w.words, w.space, w.nl = raw, info.words, false, false
				w.outside = w.outside || strings.IndexFunc(raw, isWordRune) >= 0
				return
			}
			w.text(raw)
			return
		}
		s := z.text()
		if n := arabic.NormalizeBidi(s); len(n) != len(s) {
			if strings.ContainsAny(raw, "&<") {
				// Some may be escaped as entities, or dropping them would
				// join "<" and a letter into a tag: rewrite the token.
				h.edits = append(h.edits, edit{span{start, end}, html.EscapeString(n)})
			}
			s = n
		}
		w.text(s)
		return
	case xhtml.CommentToken:
		return
	}
	l.lastEnd = end
	start1 := tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken
	if l.skip != 0 {
		switch {
		case a == l.skip && tt == xhtml.StartTagToken:
			l.skipN++
		case a == l.skip && tt == xhtml.EndTagToken:
			if l.skipN--; l.skipN == 0 {
				l.skip = 0
			}
		}
		return
	}
	switch {
	case isMedia(a):
		w.media = true
	}
	if start1 {
		switch a {
		case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Title, atom.Textarea, atom.Svg, atom.Math,
			atom.Iframe, atom.Noembed, atom.Noframes, atom.Xmp, atom.Plaintext:
			if tt == xhtml.StartTagToken || !isVoid(a) {
				l.skip, l.skipN = a, 1
			}
			return
		case atom.Br, atom.Hr:
			w.space, w.nl = true, true
		case atom.Td, atom.Th:
			w.space = true
		case atom.A:
			w.closeLink()
			if href, _ := z.attr("href"); href != "" {
				w.flush()
				w.linkAt, w.href = w.b.Len(), href
				w.inLink = true
			}
		}
		if isContainer(a) || isLeafBlock(a) {
			w.space = true
		}
		if breaksLine(a) {
			w.space, w.nl = true, true
		}
		if !isVoid(a) && len(l.inner) < maxInner {
			l.inner = append(l.inner, a)
		}
		return
	}
	// An end tag.
	if isContainer(a) && l.innerIndex(a) < 0 {
		// A stray end tag, which an HTML5 parser ignores: dropped, or a
		// stray </div> would close the <div dir="rtl"> wrapper early.
		h.junk = append(h.junk, span{start, end})
		return
	}
	if a == atom.A {
		w.closeLink()
	}
	if isContainer(a) || isLeafBlock(a) || a == atom.Td || a == atom.Th {
		w.space = true
	}
	if breaksLine(a) {
		w.space, w.nl = true, true
	}
	if i := l.innerIndex(a); i >= 0 {
		l.inner = l.inner[:i]
	}
}

// openLeaf starts a leaf element block.
func (h *htmlBody) openLeaf(a atom.Atom, start int) {
	l := &h.pool[0]
	*l = leaf{a: a, start: start, lastEnd: start, shape: shapeOf(a)}
	l.inner = l.innerCap[:0]
	if l.shape == shapeItem && len(h.stack) > 0 {
		l.list = h.stack[len(h.stack)-1].list
	}
	l.parent = h.top0()
	h.cur = l
}

// openRun starts a run of inline content.
func (h *htmlBody) openRun(start int) {
	h.openLeaf(0, start)
	h.cur.run, h.cur.shape, h.cur.list = true, shapePara, 0
}

// closeLeaf ends the open block, if any, at end (a run ends after its
// last token that is not white space).
func (h *htmlBody) closeLeaf(end int) {
	l := h.cur
	if l == nil {
		return
	}
	h.cur = nil
	if l.run {
		end = l.lastEnd
	}
	l.text.closeLink()
	b := block{shape: l.shape, text: l.text.String(), breaks: l.text.breaks, words: l.text.words, media: l.text.media, links: l.text.links, list: l.list}
	b.linked = len(b.links) > 0 && !l.text.outside
	h.blocks = append(h.blocks, b)
	h.spans = append(h.spans, span{l.start, end})
	h.runs = append(h.runs, l.run)
	h.parent = append(h.parent, l.parent)
}

// push opens a container.
func (h *htmlBody) push(z *tokenizer, a atom.Atom, start int) {
	h.ids++
	o := open{a: a, id: h.ids, start: start, first: len(h.blocks)}
	if a == atom.Ul || a == atom.Ol || a == atom.Dl {
		h.lists++
		o.list = h.lists
	}
	if len(h.stack) == 0 {
		h.tops = append(h.tops, topTok{pos: start, ok: hasDir(z)})
	}
	class, _ := z.attr("class")
	id, _ := z.attr("id")
	o.hint = boxHint(class, id)
	o.box = isBoxElement(a) || o.hint != ""
	if o.box {
		o.tag, o.class, o.idAt = a, class, id
	}
	h.stack = append(h.stack, o)
}

// top records an outermost element's start tag for the dir decision.
func (h *htmlBody) top(z *tokenizer, start int) {
	if len(h.stack) == 0 {
		h.tops = append(h.tops, topTok{pos: start, ok: hasDir(z)})
	}
}

// hasDir reports whether the current tag has a dir attribute with a value.
func hasDir(z *tokenizer) bool {
	dir, _ := z.attr("dir")
	return dir != ""
}

// popTo closes the containers from the top of the stack down to index i,
// those not closed by their own end tag ending at end.
func (h *htmlBody) popTo(i, end int) {
	for len(h.stack) > i {
		o := h.stack[len(h.stack)-1]
		h.stack = h.stack[:len(h.stack)-1]
		if o.first == len(h.blocks) {
			// A container with no blocks is an (empty) block itself.
			h.blocks = append(h.blocks, block{shape: shapePara, words: -1})
			h.spans = append(h.spans, span{o.start, end})
			h.runs = append(h.runs, false)
			h.parent = append(h.parent, h.top0())
		}
		h.conts = append(h.conts, cont{span{o.start, end}, o.first, len(h.blocks)})
		if o.box {
			h.boxes = append(h.boxes, box{first: o.first, end: len(h.blocks), hint: o.hint, tag: o.tag.String(), class: o.class, id: o.idAt})
		}
	}
}

// top0 is the id of the innermost open container, 0 at the top.
func (h *htmlBody) top0() int {
	if len(h.stack) == 0 {
		return 0
	}
	return h.stack[len(h.stack)-1].id
}

func (h *htmlBody) inStack(a atom.Atom) bool {
	for i := len(h.stack) - 1; i >= 0; i-- {
		if h.stack[i].a == a {
			return true
		}
	}
	return false
}

func (l *leaf) innerIndex(a atom.Atom) int {
	for i := len(l.inner) - 1; i >= 0; i-- {
		if l.inner[i] == a {
			return i
		}
	}
	return -1
}

// inList reports whether a list is open inside the leaf (a nested list
// of a list item).
func (l *leaf) inList() bool {
	for _, a := range l.inner {
		if a == atom.Ul || a == atom.Ol || a == atom.Dl {
			return true
		}
	}
	return false
}

// keepSeparators un-cuts blocks whose removal would glue two runs of
// inline text into one ("a<p></p>b" would become "ab"): that new run would
// be judged afresh the next time the body is cleaned, and cleaning must
// not find more to cut in its own output.
func (h *htmlBody) keepSeparators(cut []bool) {
	hasRun := false
	for _, r := range h.runs {
		hasRun = hasRun || r
	}
	for again := hasRun; again; {
		again = false
		for _, s := range h.removals(cut) {
			prev, next := -1, -1
			for i := range h.spans {
				switch {
				case cut[i]:
				case h.spans[i].start < s.start:
					// A run's span may end in white space the removal
					// takes ("a <h1></h1>b"): it still comes before it.
					prev = i
				case h.spans[i].start >= s.end && next < 0:
					next = i
				}
			}
			if prev < 0 || next < 0 || !h.runs[prev] || !h.runs[next] || h.parent[prev] != h.parent[next] ||
				!h.blank(min(h.spans[prev].end, s.start), s.start) || !h.blank(s.end, h.spans[next].start) {
				continue
			}
			for i := range h.spans {
				if cut[i] && h.spans[i].start >= s.start && h.spans[i].end <= s.end {
					cut[i], again = false, true
				}
			}
		}
	}
}

// removals returns the spans to remove for the blocks marked in cut, with
// containers left without blocks and the white space before each, merged
// and in order.
func (h *htmlBody) removals(cut []bool) []span {
	var rm []span
	for i, c := range cut {
		if c {
			rm = append(rm, h.spans[i])
		}
	}
	rm = append(rm, h.junk...)
	if len(rm) == 0 {
		return nil
	}
	for _, c := range h.conts {
		all := c.end > c.first
		for i := c.first; i < c.end && all; i++ {
			all = cut[i]
		}
		if all {
			rm = append(rm, c.span)
		}
	}
	slices.SortFunc(rm, func(a, b span) int { return a.start - b.start })
	merged := rm[:0]
	for _, s := range rm {
		for s.start > 0 && isASCIISpace(h.src[s.start-1]) && (len(merged) == 0 || s.start > merged[len(merged)-1].end) {
			s.start--
		}
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// output returns the body with the blocks marked in cut removed, and
// wrapped in <div dir="rtl" lang="…"> when wrapLang is set and the
// outermost elements left do not all carry dir. changed is false when the
// result is the source itself.
func (h *htmlBody) output(cut []bool, wrapLang string) (out string, changed bool) {
	rm := h.removals(cut)
	removed := func(pos int) bool {
		i, _ := slices.BinarySearchFunc(rm, pos, func(s span, p int) int {
			if s.end <= p {
				return -1
			}
			if s.start > p {
				return 1
			}
			return 0
		})
		return i < len(rm) && rm[i].start <= pos && pos < rm[i].end
	}
	wrap := wrapLang != "" && !h.topsCarryDir(removed)
	if len(rm) == 0 && len(h.edits) == 0 && len(h.ctrl) == 0 && !wrap {
		return h.src, false
	}

	// The pieces of the source that stay, and what replaces the rest, in
	// order. Removals, token rewrites and bidi controls are each sorted; a
	// change inside one already applied is skipped.
	var parts []string
	pos := 0
	edits, ctrl := h.edits, h.ctrl
	for len(rm) > 0 || len(edits) > 0 || len(ctrl) > 0 {
		var next, end int
		repl := ""
		switch {
		case len(rm) > 0 && (len(edits) == 0 || rm[0].start <= edits[0].start) && (len(ctrl) == 0 || rm[0].start <= ctrl[0]):
			next, end = rm[0].start, rm[0].end
			rm = rm[1:]
		case len(edits) > 0 && (len(ctrl) == 0 || edits[0].start <= ctrl[0]):
			next, end, repl = edits[0].start, edits[0].end, edits[0].repl
			edits = edits[1:]
		default:
			next, end = ctrl[0], ctrl[0]+3 // every explicit control is 3 bytes
			ctrl = ctrl[1:]
		}
		if next < pos {
			if end <= pos || repl != "" {
				continue // inside a removal or rewrite already made
			}
			// A removal that starts inside the change before it (the white
			// space it takes before a cut block may end a rewritten text):
			// remove what is left of it.
			next = pos
		}
		part := h.src[pos:next]
		if strings.HasSuffix(part, "<") {
			// A "<" of text before a cut must not meet what follows it
			// and open a tag.
			parts = append(parts, part[:len(part)-1], "&lt;")
		} else {
			parts = append(parts, part)
		}
		if repl != "" {
			parts = append(parts, repl)
		}
		pos = end
	}
	parts = append(parts, h.src[pos:])

	// Trim the white space the removals left at both ends.
	for len(parts) > 0 {
		if parts[0] = strings.TrimLeft(parts[0], " \t\n\r\f"); parts[0] != "" {
			break
		}
		parts = parts[1:]
	}
	for len(parts) > 0 {
		n := len(parts) - 1
		if parts[n] = strings.TrimRight(parts[n], " \t\n\r\f"); parts[n] != "" {
			break
		}
		parts = parts[:n]
	}
	if n := len(parts) - 1; wrap && n >= 0 {
		// A body ending in "<" or "</" ends in text: before the wrapper's
		// </div> it would open a tag (or a bogus comment) instead.
		if p, ok := strings.CutSuffix(parts[n], "</"); ok {
			parts = append(parts[:n], p, "&lt;/")
		} else if p, ok := strings.CutSuffix(parts[n], "<"); ok {
			parts = append(parts[:n], p, "&lt;")
		}
	}
	size := 0
	for _, p := range parts {
		size += len(p)
	}
	var b strings.Builder
	const open, shut = `<div dir="rtl" lang="`, `</div>`
	if wrap {
		lang := html.EscapeString(wrapLang)
		b.Grow(size + len(open) + len(lang) + 2 + len(shut))
		b.WriteString(open)
		b.WriteString(lang)
		b.WriteString(`">`)
	} else {
		b.Grow(size)
	}
	for _, p := range parts {
		b.WriteString(p)
	}
	if wrap {
		b.WriteString(shut)
	}
	return b.String(), true
}

// topsCarryDir reports whether every outermost element left carries dir
// and no text stands beside them.
func (h *htmlBody) topsCarryDir(removed func(int) bool) bool {
	n := 0
	for _, t := range h.tops {
		if removed(t.pos) {
			continue
		}
		if !t.ok {
			return false
		}
		n++
	}
	return n > 0
}

func isASCIISpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// blockText collects the visible text of a block.
type blockText struct {
	b       strings.Builder
	direct  string // the text, when it is one source string as it is
	words   int    // white-space separated words
	space   bool
	nl      bool  // the separator due is a line break (see lineBreaks)
	breaks  []int // offsets in b of the separators that are line breaks
	media   bool
	links   []link
	inLink  bool
	linkAt  int
	href    string
	outside bool // letters or digits outside links
}

// flush moves text kept by reference into the builder, before more is
// added.
func (w *blockText) flush() {
	if w.direct != "" {
		w.b.Grow(len(w.direct) + 32)
		w.b.WriteString(w.direct)
		w.direct = ""
	}
}

// String returns the text collected.
func (w *blockText) String() string {
	if w.direct != "" {
		return w.direct
	}
	return w.b.String()
}

// closeLink ends the link being read, if any.
func (w *blockText) closeLink() {
	if !w.inLink {
		return
	}
	w.inLink = false
	if t := strings.TrimSpace(w.b.String()[w.linkAt:]); t != "" {
		w.links = append(w.links, link{text: t, href: strings.TrimSpace(w.href)})
	}
}

func (w *blockText) text(s string) {
	w.flush()
	for s != "" {
		i, n := indexSpace(s)
		if i == 0 {
			w.space = true
			s = s[n:]
			continue
		}
		word := s
		if i > 0 {
			word = s[:i]
		}
		if w.b.Cap() == 0 {
			w.b.Grow(len(s) + 16) // most blocks are one text token
		}
		if w.space || w.b.Len() == 0 {
			w.words++
			if w.b.Len() > 0 {
				if w.nl {
					w.breaks = append(w.breaks, w.b.Len())
				}
				w.b.WriteByte(' ')
			}
		}
		w.space, w.nl = false, false
		w.b.WriteString(word)
		if !w.inLink && !w.outside && strings.IndexFunc(word, isWordRune) >= 0 {
			w.outside = true
		}
		s = s[len(word):]
	}
}

// indexSpace returns the index and size of the first white-space rune in
// s, or -1. It looks at bytes, decoding only the lead bytes of the few
// non-ASCII spaces (NBSP, the U+2000 block, ideographic space).
func indexSpace(s string) (int, int) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			if c == ' ' || '\t' <= c && c <= '\r' {
				return i, 1
			}
		case c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3:
			if r, n := utf8.DecodeRuneInString(s[i:]); isSpace(r) {
				return i, n
			}
		}
	}
	return -1, 0
}

// breaksLine reports elements whose start and end tags begin a new line
// of text inside a block: a nested list's items, a table's rows, the
// paragraphs of a list item or a cell.
func breaksLine(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Table, atom.Tr, atom.Thead, atom.Tbody, atom.Tfoot, atom.Caption,
		atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.Main,
		atom.Figure, atom.Figcaption, atom.Address, atom.Details, atom.Summary, atom.Form, atom.Fieldset,
		atom.Center, atom.Hgroup, atom.Menu, atom.Dialog, atom.Legend, atom.Listing:
		return true
	}
	return false
}

func shapeOf(a atom.Atom) shape {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return shapeHeading
	case atom.Li, atom.Dt, atom.Dd:
		return shapeItem
	case atom.Pre, atom.Table, atom.Figure:
		return shapeOther
	case atom.Hr:
		return shapeRule
	}
	return shapePara
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// isContainer reports elements whose block children are blocks of their
// own.
func isContainer(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Section, atom.Article, atom.Main, atom.Aside, atom.Header, atom.Footer, atom.Nav,
		atom.Ul, atom.Ol, atom.Dl, atom.Form, atom.Fieldset, atom.Details, atom.Center, atom.Blockquote,
		atom.Hgroup, atom.Menu, atom.Dialog:
		return true
	}
	return false
}

// isLeafBlock reports block-level elements that are one block each.
func isLeafBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Li, atom.Dt, atom.Dd,
		atom.Pre, atom.Table, atom.Figure, atom.Hr, atom.Address, atom.Figcaption, atom.Summary, atom.Legend,
		atom.Listing:
		return true
	}
	return false
}

// closesP reports start tags that close an open <p> (HTML5 "close a p
// element").
func closesP(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Details, atom.Dialog, atom.Dir,
		atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr, atom.Main,
		atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Ul,
		atom.Li, atom.Dd, atom.Dt, atom.Plaintext, atom.Xmp, atom.Listing:
		return true
	}
	return false
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input, atom.Keygen,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

func isMedia(a atom.Atom) bool {
	switch a {
	case atom.Img, atom.Video, atom.Audio, atom.Iframe, atom.Embed, atom.Object, atom.Picture, atom.Svg, atom.Canvas, atom.Math:
		return true
	}
	return false
}

// isBoxElement reports containers that may be a piece of boilerplate as a
// whole.
func isBoxElement(a atom.Atom) bool {
	switch a {
	case atom.Div, atom.Section, atom.Aside, atom.Nav, atom.Footer, atom.Header, atom.Form, atom.Details, atom.Fieldset:
		return true
	}
	return false
}

// boxHint reads what a container is from its class and id, which
// upstream pages name after what they hold. Sanitised HTML has no class,
// and then only the content decides.
func boxHint(class, id string) CutKind {
	v := strings.ToLower(class + " " + id)
	switch {
	case strings.TrimSpace(v) == "":
		return ""
	case strings.Contains(v, "newsletter"), strings.Contains(v, "subscribe"), strings.Contains(v, "signup"):
		return CutNewsletter
	case strings.Contains(v, "share"), strings.Contains(v, "social"):
		return CutShare
	case strings.Contains(v, "related"), strings.Contains(v, "readmore"), strings.Contains(v, "read-more"),
		strings.Contains(v, "read_more"), strings.Contains(v, "see-also"):
		return CutRelated
	}
	return ""
}

// boxLabel names a container in a report: <div class="share"> box.
func boxLabel(tag, class, id string) string {
	s := "<" + tag
	if class != "" {
		s += ` class="` + class + `"`
	}
	if id != "" {
		s += ` id="` + id + `"`
	}
	return s + "> box"
}
