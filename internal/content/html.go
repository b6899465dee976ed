package content

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TextToHTML renders plain-text paragraphs as HTML, one escaped <p> per
// non-empty paragraph, separated by newlines.
func TextToHTML(paragraphs []string) string {
	var b strings.Builder
	for _, p := range paragraphs {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>")
	}
	return b.String()
}

// sanitizer is built on first use: constructing a bluemonday policy
// compiles regular expressions, and a built policy is safe for concurrent
// use.
var sanitizer = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Right-to-left articles depend on dir and lang surviving.
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`(?i)^(rtl|ltr|auto)$`)).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)).Globally()
	// Our own copy's links are editorial, not user content.
	p.RequireNoFollowOnLinks(false)
	return p
})

// SanitizeHTML returns s with everything executable or styling removed
// (scripts, iframes, style attributes, event handlers, javascript: and
// data: URLs), keeping paragraphs, headings, links, images, lists, tables,
// figures and the dir and lang attributes.
func SanitizeHTML(s string) string {
	return strings.TrimSpace(sanitizer().Sanitize(s))
}

// HTMLToText extracts the text of an HTML fragment. Block elements (p,
// div, li, headings, br, …) become line breaks and table cells spaces, so
// neighbouring blocks are never glued together; whitespace inside a block
// collapses to single spaces. Scripts, styles and templates contribute
// nothing. The result has one line per block and no empty lines.
func HTMLToText(s string) string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		// The parser only fails when reading fails; a string never does.
		return ""
	}
	var w textWriter
	for _, n := range nodes {
		w.walk(n)
	}
	return w.b.String()
}

// textWriter collects text, turning whitespace and block boundaries into
// at most one separator between words.
type textWriter struct {
	b       strings.Builder
	space   bool // a space is due before the next word
	newline bool // a line break is due before the next word
}

func (w *textWriter) walk(n *xhtml.Node) {
	switch n.Type {
	case xhtml.TextNode:
		w.text(n.Data)
		return
	case xhtml.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Head, atom.Title, atom.Iframe, atom.Object:
			return
		case atom.Br, atom.Hr:
			w.newline = true
			return
		case atom.Td, atom.Th:
			w.space = true
		}
	}
	block := n.Type == xhtml.ElementNode && isBlock(n.DataAtom)
	if block {
		w.newline = true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.newline = true
	}
}

func (w *textWriter) text(s string) {
	for _, r := range s {
		if unicode.IsSpace(r) {
			w.space = true
			continue
		}
		if w.b.Len() > 0 {
			if w.newline {
				w.b.WriteByte('\n')
			} else if w.space {
				w.b.WriteByte(' ')
			}
		}
		w.space, w.newline = false, false
		w.b.WriteRune(r)
	}
}

// isBlock reports elements that start a new line of text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Table, atom.Tr, atom.Thead, atom.Tbody, atom.Tfoot, atom.Caption,
		atom.Section, atom.Article, atom.Aside, atom.Header, atom.Footer, atom.Nav, atom.Main,
		atom.Figure, atom.Figcaption, atom.Address, atom.Details, atom.Summary, atom.Form, atom.Fieldset,
		atom.Body, atom.Html:
		return true
	}
	return false
}
