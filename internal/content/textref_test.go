package content

import (
	"strings"
	"unicode"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// refText is the text extraction newswire used before Text: it builds a
// full HTML5 tree with x/net/html and walks it. It stays as the reference
// Text is compared with (TestTextMatchesTreeText).
func refText(s string) string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(s), ctx)
	if err != nil {
		return ""
	}
	var w refWriter
	for _, n := range nodes {
		w.walk(n)
	}
	return w.b.String()
}

type refWriter struct {
	b       strings.Builder
	space   bool
	newline bool
}

func (w *refWriter) walk(n *xhtml.Node) {
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
	block := n.Type == xhtml.ElementNode && refIsBlock(n.DataAtom)
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

func (w *refWriter) text(s string) {
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

func refIsBlock(a atom.Atom) bool {
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
