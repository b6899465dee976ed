package content

import (
	"net/url"
	"strings"

	xhtml "golang.org/x/net/html"
)

// isURLAttr reports the attributes that hold one URL in the markup the
// sanitiser keeps.
func isURLAttr(name string) bool {
	switch strings.ToLower(name) {
	case "href", "src", "cite", "poster", "longdesc":
		return true
	}
	return false
}

// resolveTag, for the current start tag of z at [start, end), records an
// edit that rewrites it with its relative URLs made absolute against
// h.base. A tag with nothing to resolve is left as it is, byte for byte;
// a rewritten one is written as x/net/html's Token.String writes it
// (lower-case names, values double-quoted and escaped).
func (h *htmlBody) resolveTag(z *tokenizer, tt xhtml.TokenType, start, end int) {
	changed := false
	for i, a := range z.attrs {
		if !isURLAttr(z.s[a.key.start:a.key.end]) {
			continue
		}
		if _, ok := resolveRef(z.attrValue(i), h.base); ok {
			changed = true
			break
		}
	}
	if !changed {
		return
	}
	var b strings.Builder
	b.Grow(end - start + 32)
	b.WriteByte('<')
	b.WriteString(asciiLower(z.s[z.name.start:z.name.end]))
	for i, a := range z.attrs {
		key := asciiLower(z.s[a.key.start:a.key.end])
		val := z.attrValue(i)
		if isURLAttr(key) {
			if abs, ok := resolveRef(val, h.base); ok {
				val = abs
			}
		}
		b.WriteByte(' ')
		b.WriteString(key)
		b.WriteString(`="`)
		attrEscaper.WriteString(&b, val)
		b.WriteByte('"')
	}
	if tt == xhtml.SelfClosingTagToken {
		b.WriteString("/>")
	} else {
		b.WriteByte('>')
	}
	h.edits = append(h.edits, edit{span{start, end}, b.String()})
}

// attrEscaper escapes an attribute value as x/net/html does.
var attrEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;", "\r", "&#13;")

// resolveRef returns ref resolved against base when ref is relative (and
// not a bare fragment) and the result is http(s).
func resolveRef(ref string, base *url.URL) (string, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return "", false
	}
	u, err := url.Parse(ref)
	if err != nil || u.IsAbs() {
		return "", false
	}
	r := base.ResolveReference(u)
	if r.Scheme != "http" && r.Scheme != "https" {
		return "", false
	}
	return r.String(), true
}
