package content

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
	rs, more := collapsedPrefix(text, max+1)
	if !more && len(rs) <= max {
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
		pause := j-i == 2 && rs[i] == '.' && rs[i+1] == '.' // "..": a pause in Arabic headlines
		if j <= max && (j == len(rs) || unicode.IsSpace(rs[j])) && !pause {
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

// collapsedPrefix returns the first n runes of text with white space
// collapsed as strings.Fields would (trimmed, runs to one space), and
// whether more text follows. Only the prefix a summary can use is built,
// however long the article.
func collapsedPrefix(text string, n int) (rs []rune, more bool) {
	rs = make([]rune, 0, min(n, len(text)))
	space := false
	for _, r := range text {
		if isSpace(r) {
			space = len(rs) > 0
			continue
		}
		if space {
			if len(rs) == n {
				return rs, true
			}
			rs = append(rs, ' ')
			space = false
		}
		if len(rs) == n {
			return rs, true
		}
		rs = append(rs, r)
	}
	return rs, false
}

// isSpace is unicode.IsSpace with a fast path: most runes of an article
// are letters well outside the few white-space code points.
func isSpace(r rune) bool {
	if r < 0x80 {
		return r == ' ' || ('\t' <= r && r <= '\r')
	}
	switch {
	case r == 0x85, r == 0xA0, r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// Sentences splits one line of text into its sentences, by the rule
// Summary cuts at: a run of sentence-ending punctuation (with closing
// quotes after it) followed by white space ends one; "4.5" and the ".."
// Arabic headlines use as a pause do not. Each sentence is trimmed;
// joined with spaces they give the line with its white space collapsed.
// A summary is cleaned sentence by sentence (see internal/ingest), so
// that "Share this: Facebook | Twitter" after its last full stop is a
// block of its own.
func Sentences(line string) []string {
	var out []string
	rs := []rune(line)
	start := 0
	for i := 0; i < len(rs); {
		if !isSentenceEnd(rs[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(rs) && isSentenceEnd(rs[j]) {
			j++
		}
		pause := j-i == 2 && rs[i] == '.' && rs[i+1] == '.'
		for j < len(rs) && isClosing(rs[j]) {
			j++
		}
		if !pause && j < len(rs) && unicode.IsSpace(rs[j]) {
			if s := collapseSpace(string(rs[start:j])); s != "" {
				out = append(out, s)
			}
			start = j
		}
		i = j
	}
	if s := collapseSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// collapseSpace trims s and turns every run of white space into one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
