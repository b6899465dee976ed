package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
)

// maxTitleRunes bounds titles at every door (checkArticle), as ingest
// bounds upstream ones; in a text file a longer first line most likely
// is a paragraph.
const maxTitleRunes = feeds.MaxTitleRunes

// wrapMinRunes is the shortest line that may be a hard-wrapped part of a
// paragraph; headings and list entries are shorter.
const wrapMinRunes = 60

// line is one line of a file with its 1-based number.
type line struct {
	n    int
	text string
}

// splitLines checks that data is UTF-8, drops a BOM and returns its lines
// with CRLF and CR line ends normalised.
func splitLines(path string, data []byte, first int) ([]line, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		n := first + bytes.Count(data[:invalidAt(data)], []byte("\n"))
		return nil, &FileError{Path: path, Line: n, Err: errors.New("not valid UTF-8")}
	}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	raw := strings.Split(s, "\n")
	out := make([]line, len(raw))
	for i, t := range raw {
		out[i] = line{first + i, t}
	}
	return out, nil
}

// invalidAt is the offset of the first invalid UTF-8 sequence in b.
func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// parseText reads a plain-text article: the first non-empty line is the
// title, the rest paragraphs. Paragraphs may be one per line (as in the
// newsroom's exports) or separated by blank lines with hard-wrapped lines
// inside, where a line is joined to the one above only when that one is
// long and does not end a sentence. The paragraphs become one <p> each and
// go through the Cleaner like any other body, so the trailing search-engine
// block is cut and its related titles kept. The result is nil only when
// the file could not be cleaned at all.
func parseText(path string, data []byte, c *content.Cleaner) (*explained, error) {
	lines, err := splitLines(path, data, 1)
	if err != nil {
		return nil, err
	}
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i].text) == "" {
		i++
	}
	if i == len(lines) {
		return nil, &FileError{Path: path, Err: fmt.Errorf("%w: the file is empty", ErrNoTitle)}
	}
	titleLine := lines[i]
	title := collapse(titleLine.text)
	if utf8.RuneCountInString(title) > maxTitleRunes {
		return nil, &FileError{Path: path, Line: titleLine.n, Err: fmt.Errorf("first line is %d characters long, too long for a title (the first line must be the title)", utf8.RuneCountInString(title))}
	}

	paras, paraLines := textParagraphs(lines[i+1:])
	a := &feeds.Article{
		GUID:        FileGUID(path),
		Title:       title,
		ContentHTML: content.TextToHTML(paras),
	}
	// TextToHTML writes one <p> per paragraph, so a cut's block index is
	// the paragraph's.
	rep, err := cleanArticle(c, a, " after the title")
	x := &explained{a, rep}
	if err != nil {
		ln := titleLine.n
		if len(rep.Cuts) > 0 && rep.Cuts[0].Index < len(paraLines) {
			ln = paraLines[rep.Cuts[0].Index]
		}
		return x, &FileError{Path: path, Line: ln, Err: err}
	}
	return x, nil
}

// textParagraphs groups lines into paragraphs and returns each with the
// number of its first line. When no blank line separates two paragraphs
// anywhere, every line is a paragraph; otherwise blank lines separate
// paragraphs and lines within one may be hard-wrapped (see continues).
func textParagraphs(lines []line) (paras []string, first []int) {
	wrapped := false
	seen, blank := false, false
	for _, l := range lines {
		if strings.TrimSpace(l.text) == "" {
			blank = seen
			continue
		}
		if blank {
			wrapped = true
			break
		}
		seen = true
	}
	var prev string // the line above, "" after a blank line
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" {
			prev = ""
			continue
		}
		if wrapped && prev != "" && continues(prev, t) {
			paras[len(paras)-1] += " " + t
		} else {
			paras = append(paras, t)
			first = append(first, l.n)
		}
		prev = t
	}
	return paras, first
}

// continues reports whether next is the hard-wrapped continuation of the
// paragraph whose last line is prev.
func continues(prev, next string) bool {
	if utf8.RuneCountInString(prev) < wrapMinRunes || endsSentence(prev) {
		return false
	}
	return !startsItem(next)
}

// endsSentence reports whether s ends with sentence or clause punctuation,
// closing quotes and brackets aside.
func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return strings.ContainsRune(`"'”’»)]›`, r)
	})
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?؟…:;؛", r)
}

// startsItem reports whether s opens a list item or a question/answer
// line, which always start a new paragraph.
func startsItem(s string) bool {
	for _, b := range []string{"- ", "* ", "• ", "– ", "— ", "· "} {
		if strings.HasPrefix(s, b) {
			return true
		}
	}
	digits := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if digits > 0 && len(s) > digits+1 && (s[digits] == '.' || s[digits] == ')') && s[digits+1] == ' ' {
		return true
	}
	head, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(head)) {
	case "س", "ج", "q", "a", "سؤال", "جواب", "question", "answer":
		return true
	}
	return false
}
