package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// fold returns the matching form of s: lower case, Arabic diacritics
// (tashkeel, superscript alef) and tatweel dropped, alef variants folded to
// bare alef, alef maqsura to ya, ta marbuta to ha, bidi and zero-width
// controls dropped, and whitespace runs collapsed to one space. It is used
// only to compare text; stored text is never folded.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640:
			continue // tashkeel, superscript alef, tatweel
		case isInvisible(r):
			continue
		case r == 'أ', r == 'إ', r == 'آ', r == 'ٱ':
			r = 'ا'
		case r == 'ى':
			r = 'ي'
		case r == 'ة':
			r = 'ه'
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || (r >= utf8.RuneSelf && unicode.IsSpace(r)):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r >= 0x0600 && r <= 0x06FF: // Arabic has no case
			b.WriteRune(r)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isInvisible reports bidi controls, zero-width characters and the BOM,
// which upstream copy sprinkles into headings without changing their
// meaning.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x061C, r == 0xFEFF:
		return true
	}
	return false
}

// headingKey is the form in which a line is compared with the heading
// markers: folded, with surrounding punctuation, symbols and markdown-ish
// decoration ("## ", "Related:", "— FAQ —") trimmed.
func headingKey(s string) string { return trimDecoration(fold(s)) }

// trimDecoration trims punctuation, symbols and spaces from both ends of
// folded text.
func trimDecoration(f string) string {
	return strings.TrimFunc(f, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
}
