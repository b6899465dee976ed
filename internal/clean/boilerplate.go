package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markers are the words that identify trailing boilerplate. Each list is
// matched in folded form (case, Arabic diacritics, tatweel and alef variants
// ignored), so "اقرأ ايضا" matches "اقرأ أيضاً".
type Markers struct {
	// Headings open a trailing block that is not article text
	// ("معلومات إضافية ومفصلة", "FAQ", "Share this").
	Headings []string
	// Related are headings whose items are the titles of related
	// articles ("مواضيع ذات صلة", "Related articles"). They open a trailing
	// block just as Headings do; their items are returned, not dropped.
	Related []string
	// Filler are phrases that mark a sentence written for search engines
	// rather than readers ("محركات البحث", "search engines").
	Filler []string
}

// DefaultMarkers returns the built-in Arabic and English markers.
func DefaultMarkers() Markers {
	return Markers{
		Headings: []string{
			"معلومات إضافية ومفصلة", "معلومات إضافية", "معلومات مفصلة",
			"أسئلة شائعة", "الأسئلة الشائعة",
			"شارك", "شارك المقال", "شارك الخبر", "تابعونا", "تابعنا",
			"Additional information", "More information",
			"FAQ", "FAQs", "Frequently asked questions",
			"Share", "Share this", "Share this article", "Follow us",
		},
		Related: []string{
			"مواضيع ذات صلة", "مقالات ذات صلة", "أخبار ذات صلة",
			"اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا",
			"Related articles", "Related topics", "Related stories", "Related",
			"Read more", "Read also", "See also",
		},
		Filler: []string{
			"محركات البحث", "محرك البحث", "فهرسة هذه الصفحة",
			"search engine", "search engines", "SEO",
		},
	}
}

// IsZero reports whether m has no markers at all, in which case callers
// usually want DefaultMarkers.
func (m Markers) IsZero() bool {
	return len(m.Headings) == 0 && len(m.Related) == 0 && len(m.Filler) == 0
}

// CutKind says why a paragraph was cut.
type CutKind string

// The kinds of cut paragraphs.
const (
	CutHeading CutKind = "heading" // a marker heading
	CutRelated CutKind = "related" // a related-article title, returned as related
	CutList    CutKind = "list"    // a list item under a non-related heading
	CutQA      CutKind = "qa"      // a question or answer line (س:/ج:, Q:/A:)
	CutFiller  CutKind = "filler"  // a short or search-engine sentence
)

// Cut records one paragraph that CutTrailingBoilerplate removed, so an
// editor can see what was cut and why.
type Cut struct {
	Index   int     // position in the paragraphs given
	Heading string  // the heading of the block it belonged to
	Kind    CutKind // why it was cut
	Text    string  // the paragraph, trimmed
}

// Shape limits for a plain line inside a trailing block: anything longer,
// or of more than one sentence, is treated as article text and stops the
// cut. Wire-copy paragraphs are often under 25 words, so the limit is low.
const (
	maxFillerWords = 15
	maxHeadingRune = 80
)

// CutTrailingBoilerplate removes the trailing search-engine block from an
// article's plain-text paragraphs. It returns the remaining paragraphs
// (trimmed, empty ones dropped), the related-article titles found in the
// block, and a record of every paragraph it cut.
//
// A block is cut only when it starts with a marker heading standing alone on
// its line and everything from there to the end is boilerplate-shaped:
// marker headings, list items, question/answer lines, or short (or
// search-engine) sentences. A marker heading followed by real paragraphs,
// as in a story with a "related" box in its middle, is kept, and so is a
// Q&A interview that no marker heading introduces.
func CutTrailingBoilerplate(paragraphs []string, m Markers) (body []string, related []string, cut []Cut) {
	mk := newMatcher(m)
	type para struct {
		index  int
		text   string
		folded string
	}
	ps := make([]para, 0, len(paragraphs))
	for i, p := range paragraphs {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, para{index: i, text: p})
		}
	}

	// The longest boilerplate-shaped suffix; the block starts at its first
	// marker heading, so shaped lines before that heading (the tail of an
	// interview, a short closing line) stay in the story. Only the suffix
	// and one paragraph before it are folded.
	k := len(ps)
	for k > 0 {
		p := &ps[k-1]
		p.folded = fold(p.text)
		if !mk.shaped(p.text, p.folded) {
			break
		}
		k--
	}
	start := len(ps)
	for i := k; i < len(ps); i++ {
		if _, ok := mk.heading(ps[i].text, ps[i].folded); ok {
			start = i
			break
		}
	}

	body = make([]string, 0, start)
	for _, p := range ps[:start] {
		body = append(body, p.text)
	}
	var heading string
	inRelated := false
	for _, p := range ps[start:] {
		c := Cut{Index: p.index, Text: p.text}
		if rel, ok := mk.heading(p.text, p.folded); ok {
			heading, inRelated = p.text, rel
			c.Kind = CutHeading
		} else if isQA(p.folded) {
			c.Kind = CutQA
		} else if item, ok := listItem(p.text); ok {
			c.Kind = CutList
			if inRelated && item != "" {
				c.Kind = CutRelated
				related = append(related, item)
			}
		} else if inRelated && !mk.filler(p.folded) {
			// A bare line under a related heading is a title.
			c.Kind = CutRelated
			related = append(related, p.text)
		} else {
			c.Kind = CutFiller
		}
		c.Heading = heading
		cut = append(cut, c)
	}
	return body, related, cut
}

// matcher holds the folded markers of one Markers value.
type matcher struct {
	headings map[string]bool // folded heading -> is a related heading
	fillers  []string
}

func newMatcher(m Markers) *matcher {
	mk := &matcher{headings: make(map[string]bool, len(m.Headings)+len(m.Related))}
	for _, h := range m.Headings {
		if k := headingKey(h); k != "" && !mk.headings[k] {
			mk.headings[k] = false
		}
	}
	for _, h := range m.Related {
		if k := headingKey(h); k != "" {
			mk.headings[k] = true
		}
	}
	for _, f := range m.Filler {
		if f = fold(strings.TrimSpace(f)); f != "" {
			mk.fillers = append(mk.fillers, f)
		}
	}
	return mk
}

// heading reports whether p (folded: f) is a marker heading on its own,
// and whether it introduces related articles.
func (mk *matcher) heading(p, f string) (related, ok bool) {
	if utf8.RuneCountInString(p) > maxHeadingRune {
		return false, false
	}
	related, ok = mk.headings[trimDecoration(f)]
	return related, ok
}

// shaped reports whether p (folded: f) looks like part of a trailing block.
func (mk *matcher) shaped(p, f string) bool {
	if _, ok := mk.heading(p, f); ok {
		return true
	}
	if _, ok := listItem(p); ok {
		return true
	}
	if isQA(f) {
		return true
	}
	if len(strings.Fields(p)) <= maxFillerWords && sentences(p) <= 1 {
		return true
	}
	return mk.filler(f)
}

// filler reports whether folded text f contains a search-engine phrase.
func (mk *matcher) filler(f string) bool {
	for _, phrase := range mk.fillers {
		if containsWord(f, phrase) {
			return true
		}
	}
	return false
}

// containsWord reports whether phrase occurs in s on word boundaries, so
// "seo" does not match inside "seoul".
func containsWord(s, phrase string) bool {
	for off := 0; ; {
		i := strings.Index(s[off:], phrase)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(phrase)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (i == 0 || !isWordRune(before)) && (end == len(s) || !isWordRune(after)) {
			return true
		}
		off = i + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// qaPrefixes open a question or answer line, before a colon.
var qaPrefixes = [...]string{"س", "ج", "سؤال", "جواب", "السؤال", "الجواب", "q", "a", "question", "answer"}

// isQA reports whether folded text f is a question or answer line such as
// "س: …" or "Q: …".
func isQA(f string) bool {
	for _, pre := range qaPrefixes {
		rest, ok := strings.CutPrefix(f, pre)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "：") {
			return true
		}
	}
	return false
}

// listBullets open an unordered list item.
var listBullets = [...]string{"- ", "– ", "— ", "• ", "* ", "· ", "▪ "}

// listItem reports whether p is a list item ("- x", "• x", "1. x", "١) x")
// and returns its text without the bullet.
func listItem(p string) (string, bool) {
	p = strings.TrimLeftFunc(p, func(r rune) bool { return isInvisible(r) || unicode.IsSpace(r) })
	for _, b := range listBullets {
		if rest, ok := strings.CutPrefix(p, b); ok {
			return strings.TrimSpace(rest), true
		}
	}
	digits := 0
	for _, r := range p {
		if !unicode.IsDigit(r) {
			break
		}
		digits += utf8.RuneLen(r)
	}
	if digits == 0 || digits > 9 || len(p) < digits+2 {
		return "", false
	}
	if (p[digits] == '.' || p[digits] == ')') && p[digits+1] == ' ' {
		return strings.TrimSpace(p[digits+2:]), true
	}
	return "", false
}

// sentences counts the sentences in p: a run of sentence-ending
// punctuation followed by a space and more text starts a new one. "4.5"
// and the ".." Arabic headlines use as a pause do not.
func sentences(p string) int {
	n := 1
	rs := []rune(strings.TrimSpace(p))
	for i := 0; i < len(rs); i++ {
		if !isSentenceEnd(rs[i]) {
			continue
		}
		j := i
		for j < len(rs) && isSentenceEnd(rs[j]) {
			j++
		}
		pause := string(rs[i:j]) == ".."
		for j < len(rs) && isClosing(rs[j]) {
			j++
		}
		if !pause && j+1 < len(rs) && unicode.IsSpace(rs[j]) {
			n++
		}
		i = j
	}
	return n
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '؟', '…', '。':
		return true
	}
	return false
}

func isClosing(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']', '›':
		return true
	}
	return false
}
