package ingest

import (
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes that hold one URL in the markup the sanitiser
// keeps.
var urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "poster": true, "longdesc": true}

// resolveHTML makes the relative URLs of sanitised HTML absolute against
// base. Only tags with a relative URL are re-serialised; everything else,
// text included, is copied byte for byte, so entities are neither decoded
// nor encoded again. Fragment-only links ("#note") stay as they are.
func resolveHTML(s string, base *url.URL) string {
	if base == nil || !hasURLAttr(s) {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s) + 64)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return s // cannot happen reading a string; keep the input
			}
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw()) // Token lower-cases the buffer in place
			tok := z.Token()
			changed := false
			for i, a := range tok.Attr {
				if a.Namespace != "" || !urlAttrs[a.Key] {
					continue
				}
				if abs, ok := resolveRef(a.Val, base); ok {
					tok.Attr[i].Val, changed = abs, true
				}
			}
			if changed {
				b.WriteString(tok.String())
			} else {
				b.WriteString(raw)
			}
		default:
			b.Write(z.Raw())
		}
	}
}

// hasURLAttr is a cheap test for markup that may hold a relative URL.
func hasURLAttr(s string) bool {
	for k := range urlAttrs {
		if strings.Contains(s, k+"=") {
			return true
		}
	}
	return false
}

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
