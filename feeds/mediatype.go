package feeds

import (
	"fmt"
	"mime"
	"strings"
)

// MediaType returns s as the media type an enclosure or attachment carries:
// "type/subtype" in lower case, parameters dropped (an enclosure has no use
// for them). Anything else, malformed parameters included, is an error: a type that is not RFC 6838's
// restricted-name/restricted-name (`image/jpeg"><script>`, "jpeg",
// "image/*") must not reach a type attribute that readers copy into HTML.
func MediaType(s string) (string, error) {
	mt, _, err := mime.ParseMediaType(s)
	typ, sub, ok := strings.Cut(mt, "/")
	if err != nil || !ok || !restrictedName(typ) || !restrictedName(sub) {
		return "", fmt.Errorf("media type %q: want type/subtype such as image/jpeg", s)
	}
	return mt, nil
}

// restrictedName reports whether s is an RFC 6838 (4.2) restricted-name:
// a letter or digit, then up to 126 letters, digits and !#$&-^_.+
func restrictedName(s string) bool {
	if s == "" || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && strings.IndexByte("!#$&-^_.+", c) >= 0:
		default:
			return false
		}
	}
	return true
}
