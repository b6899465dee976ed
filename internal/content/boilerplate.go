package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CutKind says why a block was cut.
type CutKind string

// The kinds of cut blocks.
const (
	CutHeading    CutKind = "heading"    // a marker heading
	CutRelated    CutKind = "related"    // a related-article title, returned as related
	CutList       CutKind = "list"       // a list item under a non-related heading
	CutQA         CutKind = "qa"         // a generic question or answer line (س:/ج:, Q:/A:)
	CutFiller     CutKind = "filler"     // a search-engine sentence, or a short line in a trailing block
	CutEmpty      CutKind = "empty"      // an empty paragraph or block
	CutShare      CutKind = "share"      // share-button or follow-us text
	CutNewsletter CutKind = "newsletter" // newsletter sign-up text
	CutFooter     CutKind = "footer"     // a feed footer ("The post … appeared first on …")
)

// Cut records one block that was removed, so an editor can see what was
// cut and why.
type Cut struct {
	Index   int     // position of the block: in the paragraphs given, or among the HTML body's blocks
	Heading string  // the heading of the trailing section it belonged to, if any
	Kind    CutKind // what it was
	Reason  string  // why it was cut, in words
	Text    string  // its text, whitespace collapsed
	URL     string  // for a related entry that was a link: its URL
}

// newCut records decision d about block b at index i.
func newCut(i int, b *block, d decision) Cut {
	c := Cut{Index: i, Heading: d.heading, Kind: d.kind, Reason: d.reason, Text: b.text}
	if d.related != nil {
		c.URL = d.related.URL
	}
	return c
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
	p = strings.TrimSpace(p)
	n := 1
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if !isSentenceEnd(r) {
			i += size
			continue
		}
		j := i
		for j < len(p) {
			r, size := utf8.DecodeRuneInString(p[j:])
			if !isSentenceEnd(r) {
				break
			}
			j += size
		}
		pause := p[i:j] == ".."
		for j < len(p) {
			r, size := utf8.DecodeRuneInString(p[j:])
			if !isClosing(r) {
				break
			}
			j += size
		}
		if !pause && j < len(p) {
			if r, size := utf8.DecodeRuneInString(p[j:]); unicode.IsSpace(r) && j+size < len(p) {
				n++
			}
		}
		i = max(j, i+1)
	}
	return n
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '.', '!', '?', '؟', '…', '。', '۔':
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
