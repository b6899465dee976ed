package content

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
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
	if strings.TrimSpace(s) == "" {
		return ""
	}
	// What Policy.Sanitize does, into a reused buffer of about the output's
	// size: its own grows a fresh one from nothing and copies it out.
	buf := sanitizeBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledSanitizeBuf {
			sanitizeBufs.Put(buf)
		}
	}()
	buf.Reset()
	buf.Grow(len(s) + len(s)/8)
	if err := sanitizer().SanitizeReaderToWriter(strings.NewReader(s), buf); err != nil {
		return "" // as Sanitize: no part of a document it could not read
	}
	return string(bytes.TrimSpace(buf.Bytes()))
}

var sanitizeBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledSanitizeBuf keeps one huge body from pinning its buffer.
const maxPooledSanitizeBuf = 1 << 20
