package clean

import (
	"strings"
	"unicode"
)

// Ellipsis ends a summary that was cut inside a sentence.
const Ellipsis = "…"

// Summary returns a plain-text summary of text of at most max runes:
// whitespace collapsed, then as many whole leading sentences as fit. When
// they fill less than half of max (or not even the first sentence fits),
// the text is cut at the last word boundary that leaves room for an
// ellipsis, and "…" is appended; a summary that was not cut inside a
// sentence has no ellipsis. max <= 0 gives "".
func Summary(text string, max int) string {
	if max <= 0 {
		return ""
	}
	rs := []rune(strings.Join(strings.Fields(text), " "))
	if len(rs) <= max {
		return string(rs)
	}
	// Whole sentences: the last sentence end at or before max runes.
	whole := 0
	for i := 0; i < max && i < len(rs); i++ {
		if !isSentenceEnd(rs[i]) {
			continue
		}
		j := i + 1
		for j < len(rs) && (isSentenceEnd(rs[j]) || isClosing(rs[j])) {
			j++
		}
		if j <= max && (j == len(rs) || unicode.IsSpace(rs[j])) && string(rs[i:j]) != ".." {
			whole = j
		}
	}
	if whole*2 >= max {
		return string(rs[:whole])
	}
	// Cut inside a sentence, at a word boundary, leaving room for "…".
	limit := max - 1
	cut := limit
	for cut > 0 && !unicode.IsSpace(rs[cut]) {
		cut--
	}
	if cut == 0 {
		cut = limit // one word longer than max: cut it
	}
	out := strings.TrimRightFunc(string(rs[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '،' || r == ';' || r == '؛' || r == ':' || r == '-'
	})
	return out + Ellipsis
}
