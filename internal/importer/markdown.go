package importer

import (
	"fmt"
	"html"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
)

// parseMarkdown reads a Markdown article with optional YAML front matter.
// The title comes from the front matter, else from a leading "# " heading.
// The body is rendered to HTML, sanitised and cleaned like any other, so
// a trailing search-engine block is cut and its related entries keep their
// links. The result is nil only when the file could not be cleaned at all.
func parseMarkdown(path string, data []byte, c *content.Cleaner) (*explained, error) {
	lines, err := splitLines(path, data, 1)
	if err != nil {
		return nil, err
	}
	fm, bodyLines, err := splitFrontMatter(path, lines)
	if err != nil {
		return nil, err
	}
	a := &feeds.Article{}
	keyLines, err := frontMatter(path, fm, a)
	if err != nil {
		return nil, err
	}
	blocks := parseBlocks(bodyLines)
	if a.Title == "" && len(blocks) > 0 && blocks[0].kind == blockHeading && blocks[0].level == 1 {
		_, a.Title = renderInline(blocks[0].text)
		a.Title = collapse(a.Title)
		blocks = blocks[1:]
	}
	if a.Title == "" {
		ln := 1
		if l, ok := keyLines["title"]; ok {
			ln = l
		}
		return nil, &FileError{Path: path, Line: ln, Err: fmt.Errorf("%w: set title in the front matter or start the body with \"# Title\"", ErrNoTitle)}
	}
	if a.GUID == "" {
		a.GUID = FileGUID(path)
	}

	// Each Markdown block renders as one HTML block, so a cut's block
	// index is the Markdown block's.
	a.ContentHTML = content.SanitizeHTML(renderBlocks(blocks))
	rep, err := cleanArticle(c, a, "")
	x := &explained{a, rep}
	if err != nil {
		ln := 0
		if len(bodyLines) > 0 {
			ln = bodyLines[0].n
		}
		if len(rep.Cuts) > 0 && rep.Cuts[0].Index < len(blocks) {
			ln = blocks[rep.Cuts[0].Index].n
		}
		return x, &FileError{Path: path, Line: ln, Err: err}
	}
	var errs []error
	for _, p := range checkArticle(a, rep.Text) {
		field := p.field
		if field == "published" {
			field = "date" // the front matter's name for it
		}
		ln := keyLines[field]
		if p.field == "content_html" && len(bodyLines) > 0 {
			ln = bodyLines[0].n
		}
		errs = append(errs, &FileError{Path: path, Line: ln, Field: field, Err: p.err})
	}
	if len(errs) > 0 {
		return x, byLine(errs)
	}
	return x, nil
}

// blockKind is the kind of a Markdown block.
type blockKind int

const (
	blockPara blockKind = iota
	blockHeading
	blockItem
	blockQuote
	blockCode
	blockRule
)

// block is one Markdown block: its kind, its raw inline text and the
// number of its first line. Each list item is a block of its own, so the
// boilerplate cutter sees a list as list-shaped lines.
type block struct {
	kind    blockKind
	level   int  // heading level 1-6
	ordered bool // list item of an ordered list
	text    string
	n       int
}

// parseBlocks splits Markdown lines into blocks. It knows ATX headings
// (#..######), "-", "*", "+" and "1." list items (continuation lines
// joined), "> " quotes, ``` fences, thematic breaks and paragraphs.
func parseBlocks(lines []line) []block {
	var out []block
	for i := 0; i < len(lines); {
		t := strings.TrimSpace(lines[i].text)
		n := lines[i].n
		switch {
		case t == "":
			i++
		case isFence(t):
			fence := t[:3]
			var code []string
			i++
			for i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i].text), fence) {
				code = append(code, lines[i].text)
				i++
			}
			i++ // the closing fence, or past the end
			out = append(out, block{kind: blockCode, text: strings.Join(code, "\n"), n: n})
		case isRule(t):
			out = append(out, block{kind: blockRule, n: n})
			i++
		default:
			if level, text, ok := heading(t); ok {
				out = append(out, block{kind: blockHeading, level: level, text: text, n: n})
				i++
				continue
			}
			if ordered, text, ok := item(t); ok {
				i++
				for i < len(lines) && strings.TrimSpace(lines[i].text) != "" && startsBlock(strings.TrimSpace(lines[i].text)) == "" {
					text += "\n" + strings.TrimSpace(lines[i].text)
					i++
				}
				out = append(out, block{kind: blockItem, ordered: ordered, text: text, n: n})
				continue
			}
			if q, ok := quote(t); ok {
				parts := []string{q}
				i++
				for i < len(lines) {
					q, ok := quote(strings.TrimSpace(lines[i].text))
					if !ok {
						break
					}
					parts = append(parts, q)
					i++
				}
				out = append(out, block{kind: blockQuote, text: strings.Join(parts, "\n"), n: n})
				continue
			}
			parts := []string{t}
			i++
			for i < len(lines) {
				t := strings.TrimSpace(lines[i].text)
				if t == "" || startsBlock(t) != "" {
					break
				}
				parts = append(parts, t)
				i++
			}
			out = append(out, block{kind: blockPara, text: strings.Join(parts, "\n"), n: n})
		}
	}
	return out
}

// startsBlock names the kind of block line t opens, or "" for a plain
// line that continues a paragraph or list item.
func startsBlock(t string) string {
	switch {
	case isFence(t):
		return "fence"
	case isRule(t):
		return "rule"
	}
	if _, _, ok := heading(t); ok {
		return "heading"
	}
	if _, _, ok := item(t); ok {
		return "item"
	}
	if _, ok := quote(t); ok {
		return "quote"
	}
	return ""
}

func isFence(t string) bool { return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") }

// isRule reports a thematic break: three or more of one of - * _, spaces
// allowed between.
func isRule(t string) bool {
	s := strings.ReplaceAll(t, " ", "")
	if len(s) < 3 {
		return false
	}
	c := s[0]
	return (c == '-' || c == '*' || c == '_') && strings.Count(s, string(c)) == len(s)
}

// heading parses "## Text ##".
func heading(t string) (level int, text string, ok bool) {
	for level < len(t) && t[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(t) && t[level] != ' ' && t[level] != '\t') {
		return 0, "", false
	}
	text = strings.TrimSpace(t[level:])
	if trimmed := strings.TrimRight(text, "#"); trimmed == "" || strings.HasSuffix(trimmed, " ") {
		text = strings.TrimSpace(trimmed) // closing hashes
	}
	return level, text, text != ""
}

// item parses "- text", "* text", "+ text", "1. text" and "1) text".
func item(t string) (ordered bool, text string, ok bool) {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return false, strings.TrimSpace(t[2:]), true
	}
	d := 0
	for d < len(t) && d < 10 && t[d] >= '0' && t[d] <= '9' {
		d++
	}
	if d > 0 && d < 10 && len(t) > d+1 && (t[d] == '.' || t[d] == ')') && t[d+1] == ' ' {
		return true, strings.TrimSpace(t[d+2:]), true
	}
	return false, "", false
}

// quote parses "> text".
func quote(t string) (string, bool) {
	if rest, ok := strings.CutPrefix(t, ">"); ok {
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// renderBlocks writes blocks as HTML; consecutive list items share a list.
func renderBlocks(bs []block) string {
	var b strings.Builder
	for i, bl := range bs {
		if bl.kind != blockItem && b.Len() > 0 {
			b.WriteByte('\n')
		}
		switch bl.kind {
		case blockPara:
			h, _ := renderInline(bl.text)
			b.WriteString("<p>" + h + "</p>")
		case blockHeading:
			h, _ := renderInline(bl.text)
			tag := "h" + strconv.Itoa(bl.level)
			b.WriteString("<" + tag + ">" + h + "</" + tag + ">")
		case blockQuote:
			h, _ := renderInline(bl.text)
			b.WriteString("<blockquote><p>" + h + "</p></blockquote>")
		case blockCode:
			b.WriteString("<pre><code>" + html.EscapeString(bl.text) + "</code></pre>")
		case blockRule:
			b.WriteString("<hr>")
		case blockItem:
			list := "ul"
			if bl.ordered {
				list = "ol"
			}
			if i == 0 || bs[i-1].kind != blockItem || bs[i-1].ordered != bl.ordered {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("<" + list + ">")
			}
			h, _ := renderInline(bl.text)
			b.WriteString("<li>" + h + "</li>")
			if i == len(bs)-1 || bs[i+1].kind != blockItem || bs[i+1].ordered != bl.ordered {
				b.WriteString("</" + list + ">")
			}
		}
	}
	return b.String()
}

// maxInlineDepth bounds nesting of emphasis and links, so a hostile line
// of "**" cannot recurse without end.
const maxInlineDepth = 8

// renderInline renders Markdown inline markup: **strong**, *em*, `code`,
// [links](url), ![images](url) and backslash escapes. Everything else,
// raw HTML included, is escaped. Links and images must be absolute http(s)
// (or mailto: for links); others keep only their text. It returns the
// HTML and the plain text.
func renderInline(s string) (htmlOut, text string) {
	var w inlineWriter
	w.run(s, 0)
	return w.h.String(), w.t.String()
}

type inlineWriter struct {
	h, t strings.Builder
}

func (w *inlineWriter) lit(s string) {
	w.h.WriteString(html.EscapeString(s))
	w.t.WriteString(s)
}

func (w *inlineWriter) run(s string, depth int) {
	f := finder{s: s}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!<>|~\"'", s[i+1]) >= 0:
			w.lit(s[i+1 : i+2])
			i += 2
			continue
		case c == '`':
			if j := f.next("`", i+1); j > i+1 {
				w.h.WriteString("<code>" + html.EscapeString(s[i+1:j]) + "</code>")
				w.t.WriteString(s[i+1 : j])
				i = j + 1
				continue
			}
		case c == '*' && depth < maxInlineDepth:
			if strings.HasPrefix(s[i:], "**") {
				j := f.next("**", i+2)
				for j > 0 && j+2 < len(s) && s[j+2] == '*' {
					j++ // "***" closes an inner *em* first: **a *b***
				}
				if j > i+2 && emphasis(s[i+2:j]) {
					w.h.WriteString("<strong>")
					w.run(s[i+2:j], depth+1)
					w.h.WriteString("</strong>")
					i = j + 2
					continue
				}
			} else if j := f.next("*", i+1); j > i+1 && emphasis(s[i+1:j]) {
				w.h.WriteString("<em>")
				w.run(s[i+1:j], depth+1)
				w.h.WriteString("</em>")
				i = j + 1
				continue
			}
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if text, href, end, ok := f.link(i + 1); ok {
				alt := collapse(plainInline(text))
				if safeURL(href, false) {
					w.h.WriteString(`<img src="` + html.EscapeString(href) + `" alt="` + html.EscapeString(alt) + `">`)
					w.t.WriteString(alt)
				} else {
					w.lit(alt)
				}
				i = end
				continue
			}
		case c == '[' && depth < maxInlineDepth:
			if text, href, end, ok := f.link(i); ok {
				if safeURL(href, true) {
					w.h.WriteString(`<a href="` + html.EscapeString(href) + `">`)
					w.run(text, depth+1)
					w.h.WriteString("</a>")
				} else {
					w.run(text, depth+1)
				}
				i = end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		w.lit(s[i : i+size])
		i += size
	}
}

// plainInline is the text of inline markup.
func plainInline(s string) string {
	_, t := renderInline(s)
	return t
}

// emphasis reports whether inner can be emphasised: not empty and not
// padded with spaces ("2 * 3 * 4" is arithmetic).
func emphasis(inner string) bool {
	return inner != "" && inner[0] != ' ' && inner[len(inner)-1] != ' '
}

// safeURL accepts absolute http and https URLs, and mailto: for links.
func safeURL(s string, mailto bool) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return mailto && u.Opaque != ""
	}
	return false
}

// finder finds the next occurrence of a delimiter in s, remembering the
// last answer per delimiter so that scanning a line is linear even when
// openers never close.
type finder struct {
	s     string
	cache [6]struct {
		sub       string
		from, got int
	}
}

// next returns the index of sub at or after from, or -1.
func (f *finder) next(sub string, from int) int {
	slot := -1
	for k := range f.cache {
		c := &f.cache[k]
		if c.sub == sub {
			if c.from <= from && (c.got < 0 || c.got >= from) {
				return c.got
			}
			slot = k
			break
		}
		if c.sub == "" && slot < 0 {
			slot = k
		}
	}
	got := -1
	if from <= len(f.s) {
		if j := strings.Index(f.s[from:], sub); j >= 0 {
			got = from + j
		}
	}
	if slot >= 0 {
		f.cache[slot].sub, f.cache[slot].from, f.cache[slot].got = sub, from, got
	}
	return got
}

// maxURLBytes bounds the URL of a Markdown link, and so the scan for its
// closing parenthesis.
const maxURLBytes = 4096

// link parses "[text](url)" starting at s[i] == '['; end is the index
// after the closing parenthesis. The text may not contain "]"; the URL has
// no spaces and balanced parentheses.
func (f *finder) link(i int) (text, href string, end int, ok bool) {
	j := f.next("]", i+1)
	if j < 0 || j+1 >= len(f.s) || f.s[j+1] != '(' || f.next(")", j+2) < 0 {
		return "", "", 0, false
	}
	depth := 0
	for k := j + 2; k < len(f.s) && k < j+2+maxURLBytes; k++ {
		switch f.s[k] {
		case ' ', '\t', '\n', '\r':
			return "", "", 0, false
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
				continue
			}
			href = f.s[j+2 : k]
			if href == "" {
				return "", "", 0, false
			}
			return f.s[i+1 : j], href, k + 1, true
		}
	}
	return "", "", 0, false
}
