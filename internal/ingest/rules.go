package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/arabic"
	"github.com/newswire/newswire/internal/newsroom"
)

// matcher applies a source's category rules to an item's upstream category
// terms and title.
//
// Matching is on arabic.FoldWords forms (case, diacritics, tatweel, alef
// and hamza variants and a leading definite article ignored) and on whole
// words: "سياسة" matches the term "السِّيَاسَة" and the title "… السياسة …",
// "Politics" matches "POLITICS" and "World / Politics" but not "Geopolitics".
type matcher struct {
	rules []foldedRule
}

type foldedRule struct{ match, category string }

func newMatcher(rules []newsroom.Rule) *matcher {
	m := &matcher{}
	for _, r := range rules {
		if f := arabic.FoldWords(r.Match); f != "" {
			m.rules = append(m.rules, foldedRule{f, r.Category})
		}
	}
	return m
}

// match returns the categories of every rule that matches a term or the
// title, in rule order, without repeats.
func (m *matcher) match(terms []string, title string) []string {
	if len(m.rules) == 0 {
		return nil
	}
	folded := make([]string, 0, len(terms)+1)
	for _, t := range terms {
		if f := arabic.FoldWords(t); f != "" {
			folded = append(folded, f)
		}
	}
	folded = append(folded, arabic.FoldWords(title))
	var out []string
	for _, r := range m.rules {
		for _, f := range folded {
			if containsWords(f, r.match) {
				if !contains(out, r.category) {
					out = append(out, r.category)
				}
				break
			}
		}
	}
	return out
}

// containsWords reports whether needle occurs in hay with no letter or
// digit right before or after it.
func containsWords(hay, needle string) bool {
	for off := 0; off <= len(hay)-len(needle); {
		i := strings.Index(hay[off:], needle)
		if i < 0 {
			return false
		}
		start, end := off+i, off+i+len(needle)
		before, _ := utf8.DecodeLastRuneInString(hay[:start])
		after, _ := utf8.DecodeRuneInString(hay[end:])
		if (start == 0 || !isWordRune(before)) && (end == len(hay) || !isWordRune(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(hay[start:])
		off = start + size
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
