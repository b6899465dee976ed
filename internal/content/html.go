package content

import (
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
	return strings.TrimSpace(sanitizer().Sanitize(s))
}
