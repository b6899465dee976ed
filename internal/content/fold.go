package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/arabic"
)

// isInvisible reports bidi controls, zero-width characters and the BOM,
// which upstream copy sprinkles into headings without changing their
// meaning.
func isInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x061C, r == 0xFEFF, r == 0x00AD:
		return true
	}
	return false
}

// headingKey is the form in which a line is compared with the markers:
// folded with arabic.Fold, with surrounding punctuation, symbols and
// markdown-ish decoration ("## ", "Related:", "— FAQ —") trimmed.
func headingKey(s string) string { return trimDecoration(arabic.Fold(s)) }

// trimDecoration trims punctuation, symbols and spaces from both ends of
// folded text.
func trimDecoration(f string) string {
	first, _ := utf8.DecodeRuneInString(f)
	last, _ := utf8.DecodeLastRuneInString(f)
	if isWordRune(first) && isWordRune(last) {
		return f // the common case: letters at both ends
	}
	return strings.TrimFunc(f, isDecoration)
}

func isDecoration(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
}
