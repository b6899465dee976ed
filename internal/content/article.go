package content

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/arabic"
)

// detectBytes is how much of the body language detection reads: the
// script of a few paragraphs is as telling as the whole article.
const detectBytes = 160

// DefaultSummaryMax is the length, in runes, of generated summaries when
// Options.SummaryMax is zero.
const DefaultSummaryMax = 280

// ErrEmpty is returned, with Report.Empty set, for an article that has
// nothing of substance left once its boilerplate is cut (or had nothing to
// begin with): the caller reports it instead of publishing it empty. Q/A
// pairs never leave an article empty by being cut, unless they are made
// of nothing but function words and the generic vocabulary of SEO FAQs.
var ErrEmpty = errors.New("only boilerplate: no article text left")

// Options configures a Cleaner.
type Options struct {
	// Markers find boilerplate; the zero value means DefaultMarkers().
	Markers Markers
	// SummaryMax is the length in runes of a generated summary: zero means
	// DefaultSummaryMax, a negative value turns generation off.
	SummaryMax int
	// DefaultLanguage is given to an article that declares no language
	// and whose script does not tell ("" leaves it empty).
	DefaultLanguage string
}

// Cleaner cleans articles with one set of options. The markers are folded
// and indexed once, in New, so each article costs one parse of its body
// and one pass over its blocks. A Cleaner is safe for concurrent use.
type Cleaner struct {
	mk         *matcher
	summaryMax int
	language   string
}

// New returns a Cleaner for opts.
func New(opts Options) *Cleaner {
	m := opts.Markers
	if m.IsZero() {
		m = DefaultMarkers()
	}
	lang, err := feeds.NormalizeLanguage(opts.DefaultLanguage)
	if err != nil {
		lang = opts.DefaultLanguage // what cannot be read is kept as given
	}
	c := &Cleaner{mk: newMatcher(m), summaryMax: opts.SummaryMax, language: lang}
	if c.summaryMax == 0 {
		c.summaryMax = DefaultSummaryMax
	}
	return c
}

// Report says what cleaning an article did.
type Report struct {
	Cuts             []Cut  // every block removed, in document order
	Language         string // the language set when LanguageDetected
	LanguageDetected bool   // the article declared no language and was given one
	SummaryGenerated bool   // the article had no summary and was given one
	Empty            bool   // nothing of substance was left: only boilerplate
	// Text is the cleaned body's text as Text reads it (one line per
	// block), from the cleaner's own pass: callers need not parse the
	// body again. Empty when the article was refused.
	Text string
}

// String explains the report for an editor, one line per cut: its block
// number, kind, text (shortened) and reason, as `newswire import
// --explain` prints it.
func (r Report) String() string {
	var b strings.Builder
	switch len(r.Cuts) {
	case 0:
		b.WriteString("nothing cut\n")
	case 1:
		b.WriteString("1 block cut:\n")
	default:
		fmt.Fprintf(&b, "%d blocks cut:\n", len(r.Cuts))
	}
	for _, c := range r.Cuts {
		fmt.Fprintf(&b, "  #%-3d %-10s %q", c.Index, c.Kind, shorten(c.Text, 72))
		if c.URL != "" {
			fmt.Fprintf(&b, " <%s>", c.URL)
		}
		b.WriteString(": ")
		b.WriteString(c.Reason)
		if c.Heading != "" && c.Heading != c.Text {
			fmt.Fprintf(&b, " (under %q)", shorten(c.Heading, 40))
		}
		b.WriteByte('\n')
	}
	n := 0
	for _, c := range r.Cuts {
		if c.Kind == CutRelated {
			n++
		}
	}
	if n > 0 {
		fmt.Fprintf(&b, "related: %d entries kept as the article's related links\n", n)
	}
	if r.Empty {
		b.WriteString("empty: nothing of substance left, only boilerplate\n")
	}
	if r.LanguageDetected {
		fmt.Fprintf(&b, "language: %q (not declared)\n", r.Language)
	}
	if r.SummaryGenerated {
		b.WriteString("summary: generated from the cleaned body\n")
	}
	return b.String()
}

// shorten cuts s to at most n runes, marking the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return strings.TrimSpace(string(rs[:n-1])) + Ellipsis
}

// Article cleans a in place:
//   - the body (a.ContentHTML, tokenized once) loses its boilerplate:
//     the trailing block a marker heading opens (related topics, FAQ,
//     additional information, share, follow us) when its sections show
//     what their headings announce, search-engine filler, share and
//     newsletter text, "Read more: …" lines (each by itself), empty
//     paragraphs, and small containers of these as a whole. Q/A pairs
//     and related lists are cut only inside that trailing block, and
//     there a Q/A pair that shares terms with the story or states a fact
//     (a real FAQ, an explainer) stays, and so does every pair that says
//     anything when the pairs are all the article has; an interview, a
//     list of links or a marker heading with story after it anywhere
//     else stays;
//   - related titles (and links) found go to a.Related, after those it has;
//   - explicit bidi controls are dropped from the title, the summary, the
//     related titles and every text node of the body (arabic.NormalizeBidi);
//   - the language tag is put in canonical form (feeds.NormalizeLanguage);
//     an article without a language gets one from its script
//     (arabic.DetectLanguage), else Options.DefaultLanguage;
//   - the body of a right-to-left article (feeds.Direction) is wrapped in
//     <div dir="rtl" lang="…"> unless its outermost elements carry dir;
//   - an article without a summary gets one from the cleaned text.
//
// The cleaned body is the source with the cut blocks taken out, markup
// that stays untouched; it is rewritten only when something changed.
// Article does not sanitise: run SanitizeHTML before it (the importer
// does) or after it. When nothing of
// substance is left it returns ErrEmpty and leaves a as it was; the report
// says what would have been cut.
func (c *Cleaner) Article(a *feeds.Article) (Report, error) {
	if a == nil {
		return Report{}, errors.New("clean: nil article")
	}
	b := Read(a.ContentHTML, nil)
	defer b.Release()
	return c.Clean(a, b)
}

// Clean is Article on a body already read: b is a.ContentHTML as Read
// read it (with its URLs resolved, if Read was given a base), so the body
// is tokenized once for its text, its URLs and its cleaning. b is used up:
// clean it once.
func (c *Cleaner) Clean(a *feeds.Article, b *Body) (Report, error) {
	if a == nil {
		return Report{}, errors.New("clean: nil article")
	}
	var r Report
	h := b.h
	for i := range h.blocks {
		c.mk.classify(&h.blocks[i])
	}
	title := strings.TrimSpace(arabic.NormalizeBidi(a.Title))
	ds := c.mk.decide(title, h.blocks, h.boxes, h.ds)
	h.ds = ds
	cut := h.cut[:0] // Body.HTML may have used it
	for _, d := range ds {
		cut = append(cut, d.cut)
	}
	h.cut = cut
	h.keepSeparators(cut)

	var related []feeds.Related
	substance := false
	for i, d := range ds {
		b := &h.blocks[i]
		if !cut[i] {
			substance = substance || b.substance()
			continue
		}
		ct := newCut(i, b, d)
		if d.related != nil {
			if e, ok := relatedEntry(*d.related, a.URL); ok {
				related = appendRelated(related, e)
				ct.URL = e.URL
			}
		}
		r.Cuts = append(r.Cuts, ct)
	}
	// The kept text, from the same pass: for the summary, language
	// detection, and the caller (Report.Text).
	text := h.text(cut, -1)
	r.Text = text
	if !substance {
		r.Empty = true
		return r, ErrEmpty
	}

	// The tag as every door stores it ("ar_SA" is "ar-SA", "iw" is "he"):
	// it goes into the wrapper's lang. One that cannot be read is left as
	// it is, for the door to refuse.
	if tag, err := feeds.NormalizeLanguage(a.Language); err == nil {
		a.Language = tag
	}
	if a.Language == "" {
		lang := arabic.DetectLanguage(title + "\n" + prefix(text, detectBytes))
		if lang == "" {
			lang = c.language
		}
		if lang != "" {
			a.Language, r.Language, r.LanguageDetected = lang, lang, true
		}
	}
	wrap := ""
	if feeds.Direction(a.Language) == "rtl" {
		wrap = a.Language
	}
	if body, changed := h.output(cut, wrap); changed {
		a.ContentHTML = body
	}
	a.Title = title
	a.Summary = strings.TrimSpace(arabic.NormalizeBidi(a.Summary))
	if a.Summary == "" && c.summaryMax > 0 {
		a.Summary = Summary(text, c.summaryMax)
		r.SummaryGenerated = a.Summary != ""
	}
	rel := make([]feeds.Related, 0, len(a.Related)+len(related))
	for _, e := range a.Related {
		e.Title = arabic.NormalizeBidi(e.Title)
		rel = append(rel, e)
	}
	for _, e := range related {
		rel = appendRelated(rel, e)
	}
	if len(rel) > 0 {
		a.Related = rel
	}
	return r, nil
}

// relatedEntry tidies a related entry found in the body: the title's white
// space collapsed, the link made absolute against the article's URL and
// dropped unless it is http(s).
func relatedEntry(e feeds.Related, base string) (feeds.Related, bool) {
	e.Title = strings.TrimSpace(arabic.NormalizeBidi(e.Title)) // block text: white space collapsed already
	if e.URL != "" {
		e.URL = absoluteURL(e.URL, base)
	}
	return e, e.Title != "" || e.URL != ""
}

// absoluteURL resolves ref against base and returns it when it is an
// absolute http(s) URL with a host, else "".
func absoluteURL(ref, base string) string {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		b, err := url.Parse(base)
		if err != nil || !b.IsAbs() {
			return ""
		}
		u = b.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// appendRelated adds e unless an entry with the same URL (or, without
// URLs, the same title) is there already.
func appendRelated(rs []feeds.Related, e feeds.Related) []feeds.Related {
	for _, x := range rs {
		if (e.URL != "" && x.URL == e.URL) || (e.URL == "" && x.Title == e.Title) {
			return rs
		}
	}
	return append(rs, e)
}

// prefix returns s cut to at most n bytes at a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
