package arabic

import (
	"strings"
	"unicode/utf8"
)

// NormalizeBidi removes the explicit bidi formatting characters that
// upstream feeds inject: embeddings and overrides (U+202A–U+202E: LRE, RLE,
// PDF, LRO, RLO) and isolates (U+2066–U+2069: LRI, RLI, FSI, PDI). The
// implicit marks LRM (U+200E), RLM (U+200F) and ALM (U+061C) are kept, and so
// is everything else, byte for byte (invalid UTF-8 included).
//
// Why drop them all instead of keeping balanced pairs: in feeds they are
// mostly unbalanced leftovers of copy and paste, and an unclosed embedding or
// override leaks into whatever a reader shows next to the text (a list of
// titles, a notification). Direction is carried by dir="rtl" on the content
// and by the reader's own paragraph detection; the implicit marks are enough
// to keep Latin runs, numbers and punctuation in order inside Arabic text, and
// they cannot leak. Use it on stored and published text; s is returned as is
// when it contains none of these characters.
func NormalizeBidi(s string) string {
	i := indexExplicitBidi(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+3:] // every explicit control is 3 bytes in UTF-8
		i = indexExplicitBidi(s)
	}
	b.WriteString(s)
	return b.String()
}

// indexExplicitBidi returns the byte index of the first explicit bidi
// control in s, or -1.
func indexExplicitBidi(s string) int {
	for off := 0; ; {
		j := strings.IndexByte(s[off:], 0xE2) // first byte of U+2000–U+2FFF
		if j < 0 {
			return -1
		}
		off += j
		if r, _ := utf8.DecodeRuneInString(s[off:]); isExplicitBidi(r) {
			return off
		}
		off++
	}
}

func isExplicitBidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}
