package feeds

import (
	"net/url"
	"strings"
)

// LocalIDPrefix namespaces ids that are not URIs of their own.
const LocalIDPrefix = "tag:newswire,2026:"

// StableID returns id itself when it is an absolute URI, as an Atom <id>
// must be, and otherwise a tag: URI made from it ("cms-42" becomes
// "tag:newswire,2026:cms-42"), so every format carries the same id. The
// mapping is deterministic: the same input always gives the same id.
func StableID(id string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return ""
	}
	if !strings.ContainsAny(id, " \t\r\n") && absIRI(id) {
		return id
	}
	return LocalIDPrefix + url.PathEscape(id)
}
