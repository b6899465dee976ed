package ingest

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/arabic"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
)

// Lengths of generated text, in runes.
const (
	summaryLen = 280
	titleLen   = 100 // a title made from the text when the item has none
)

// normalize turns an entry into a PassItem (without its dedupe keys):
// sanitised HTML with absolute URLs, plain-text title, language,
// categories, image and attribution. It also returns the body as the
// content pipeline read it (nil when the item had none; the caller
// releases it) and its text, and the upstream's summary as sanitised HTML
// when it is text of its own; the summary, and the title of an item that
// has none, are written by item, once the body is cleaned. An item with
// nothing to show (no title, text or link) is dropped.
func (b *batch) normalize(e *entry, m *matcher) (item newsroom.PassItem, body *content.Body, text, lead string, ok bool) {
	if b.normalized != nil {
		b.normalized.Add(1)
	}
	it := e.it

	// Relative URLs in the body are relative to the item's own page (Atom's
	// xml:base was applied by gofeed), else to the document.
	contentBase := b.base
	if e.link != "" {
		if u, err := b.base.Parse(e.link); err == nil {
			contentBase = u
		}
	}
	// The body is the item's content, else its description; the description
	// is the upstream's summary when both are there. Fields the format says
	// are plain text (e.text) are escaped, never parsed. Each is read once:
	// its text and its resolved HTML come from that one pass.
	plainDesc := e.text.summary
	body, desc := readItemHTML(it.Content, e.text.content, contentBase), it.Description
	if body == nil {
		body, desc = readItemHTML(desc, plainDesc, contentBase), ""
	}
	html := ""
	if body != nil {
		html, text = body.HTML(), body.Text()
	}
	if desc != "" {
		if !plainDesc && !strings.Contains(desc, "<") {
			// A description without markup breaks its lines as text does:
			// "اقرأ أيضا: …" on a line of its own is a line of its own.
			desc = strings.ReplaceAll(strings.ReplaceAll(desc, "\r\n", "\n"), "\n", "<br>")
		}
		if d := readItemHTML(desc, plainDesc, contentBase); d != nil {
			if !startsBody(d.Text(), text) {
				lead = d.HTML()
			}
			d.Release()
		}
	}

	title := titleText(it.Title, e.text.title)
	if title == "" {
		// Provisional: item makes it again from the cleaned text.
		title, e.titleFromBody = titleFromText(text), text != ""
	}
	if title == "" {
		title = e.link
	}
	if title == "" {
		if body != nil {
			body.Release()
		}
		return newsroom.PassItem{}, nil, "", "", false
	}
	if body == nil {
		html = content.TextToHTML([]string{title})
	}

	declared := ""
	if dc := it.DublinCoreExt; dc != nil && len(dc.Language) > 0 {
		declared = strings.TrimSpace(dc.Language[0])
	}
	// Settled before cleaning, on the text as it came: the cleaner marks
	// the body's direction by it.
	lang := itemLanguage(upstreamLanguage(cmp.Or(declared, b.feed.Language)), title+"\n"+prefix(text, 1000))

	// Feeds need a link per item; one without a usable link of its own
	// (none, or javascript:) points at the upstream's site. Only the real
	// link is attribution and a dedupe key.
	link := e.link
	if link == "" {
		link = cmp.Or(resolveLink(b.feed.Link, b.base), b.base.String())
	}

	a := &feeds.Article{
		GUID:        GUIDFor(b.src.Name, e.key),
		Title:       title,
		ContentHTML: html,
		URL:         link,
		Authors:     authors(it.Authors, e.text.names),
		Language:    lang,
		Published:   e.published,
		Updated:     e.updated,
		Categories:  b.categories(m, it.Categories, title),
		Image:       b.image(e),
		Sources:     []feeds.Source{{Name: b.src.Name, FeedURL: b.src.URL, Link: e.link}},
	}
	return newsroom.PassItem{Key: e.key, RawHash: e.hash, RawDate: e.rawDate, Article: a}, body, text, lead, true
}

// categories are the local categories of an item with these upstream
// terms and this title: the ones the source's rules match, else the
// source's own, else FallbackCategory.
func (b *batch) categories(m *matcher, terms []string, title string) []string {
	cats := m.match(terms, title)
	if len(cats) == 0 {
		cats = b.src.Categories
	}
	if len(cats) == 0 {
		cats = []string{FallbackCategory}
	}
	return append([]string(nil), cats...)
}

// titleFromText is the title of an item that has none: the start of its
// text, cut at a word.
func titleFromText(text string) string { return xmlText(content.Summary(text, titleLen)) }

// readItemHTML sanitises an item field (plain marks text that is not HTML)
// and reads it into the content pipeline, its URLs to be made absolute
// against base; nil when the field is empty. What XML forbids and
// explicit bidi controls go before the read, so that the body the
// pipeline cleans is the body that is stored.
func readItemHTML(s string, plain bool, base *url.URL) *content.Body {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	if plain {
		s = textToHTML(s)
	}
	return content.Read(xmlText(content.SanitizeHTML(s)), base)
}

// startsBody reports whether an upstream summary is only the start of the
// body: the whole body again, or an excerpt of it (cut anywhere, perhaps
// ending in an ellipsis). Such a summary carries the body's boilerplate
// when the story is short, and one made from the cleaned body says the same
// without it.
func startsBody(summary, body string) bool {
	s := collapse(summary)
	for _, tail := range []string{"[…]", "[...]", "…", "..."} {
		s = strings.TrimSpace(strings.TrimSuffix(s, tail))
	}
	return s != "" && collapsedHasPrefix(body, s)
}

// collapsedHasPrefix reports whether collapse(s) starts with p, which is
// collapsed already (single spaces, trimmed), without building collapse(s):
// bodies are long, and this runs for every item with a summary.
func collapsedHasPrefix(s, p string) bool {
	for p != "" {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			return false
		}
		end := strings.IndexFunc(s, unicode.IsSpace)
		if end < 0 {
			end = len(s)
		}
		field := s[:end]
		s = s[end:]
		pf, rest, more := strings.Cut(p, " ")
		if !more { // p's last word may end inside the field
			return strings.HasPrefix(field, pf)
		}
		if field != pf {
			return false
		}
		p = rest
	}
	return true
}

// upstreamLanguage is an upstream's language as every door stores it
// (feeds.NormalizeLanguage): "ar_SA" (a locale, as CMSes send it) is
// "ar-SA", "IW" is "he". What cannot be read as a language is no
// declaration: the text's script decides (itemLanguage).
func upstreamLanguage(s string) string {
	tag, _ := feeds.NormalizeLanguage(s)
	return tag
}

// itemLanguage is the language of an item whose text starts with text: the
// declared one (the item's own, else its channel's), unless the text is
// clearly written in another script. A channel's language is a default for
// its items, not a fact about each: an English story in an Arabic channel
// is English, and rendering it as Arabic (lang="ar", dir="rtl") breaks its
// display. The script decides only when one dominates (see
// arabic.DetectLanguage), so an Arabic story quoting English names stays
// Arabic; within one script the declaration stands (script cannot tell
// English from French, nor Arabic from Persian reliably).
func itemLanguage(declared, text string) string {
	detected := arabic.DetectLanguage(text)
	if declared == "" || (detected != "" && scriptOf(detected) != scriptOf(declared)) {
		return detected
	}
	return declared
}

// scriptOf is the script a language is written in, as far as telling it
// from the text matters: "Arab", "Hebr", "Latn", or "other" for languages
// written in none of these (Cyrillic, Greek, CJK, Indic…). A script subtag
// decides ("sr-Latn", "pa-Arab").
func scriptOf(lang string) string {
	lang = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	primary, rest, _ := strings.Cut(lang, "-")
	if sub, _, _ := strings.Cut(rest, "-"); len(sub) == 4 {
		switch sub {
		case "arab":
			return "Arab"
		case "hebr":
			return "Hebr"
		case "latn":
			return "Latn"
		default:
			return "other"
		}
	}
	switch {
	case primary == "he" || primary == "iw" || primary == "yi" || primary == "ji":
		return "Hebr"
	case feeds.Direction(primary) == "rtl":
		return "Arab"
	case nonLatin[primary]:
		return "other"
	}
	return "Latn"
}

// nonLatin are languages written only in scripts other than Latin, Arabic
// and Hebrew.
var nonLatin = map[string]bool{
	"ru": true, "uk": true, "be": true, "bg": true, "mk": true, "kk": true, "ky": true, "mn": true, "tg": true,
	"el": true, "zh": true, "ja": true, "ko": true, "hi": true, "mr": true, "ne": true, "bn": true, "ta": true,
	"te": true, "kn": true, "ml": true, "gu": true, "th": true, "lo": true, "km": true, "my": true, "si": true,
	"ka": true, "hy": true, "am": true, "ti": true,
}

// image is the item's lead image: the first image enclosure (with its type
// and size), else the image gofeed found (media:thumbnail, itunes:image…).
// An enclosure counts only with a well-formed image/* type, which is
// published as it is in canonical form: `image/jpeg"><script>` is no type.
func (b *batch) image(e *entry) *feeds.Image {
	for _, enc := range e.it.Enclosures {
		if enc == nil {
			continue
		}
		typ, err := feeds.MediaType(enc.Type)
		if err != nil || !strings.HasPrefix(typ, "image/") {
			continue
		}
		if u := resolveLink(enc.URL, b.base); u != "" {
			n, _ := strconv.ParseInt(strings.TrimSpace(enc.Length), 10, 64)
			return &feeds.Image{URL: u, Type: typ, Length: max(n, 0)}
		}
	}
	if img := e.it.Image; img != nil {
		if u := resolveLink(img.URL, b.base); u != "" {
			return &feeds.Image{URL: u}
		}
	}
	return nil
}

// authors are the item's authors; text says their names are plain text.
func authors(ps []*gofeed.Person, text bool) []feeds.Person {
	name := plainTitle
	if text {
		name = textTitle
	}
	var out []feeds.Person
	for _, p := range ps {
		if p == nil {
			continue
		}
		a := feeds.Person{Name: name(p.Name), Email: xmlText(p.Email)}
		if a.Email != "" && !strings.Contains(a.Email, "@") {
			// No address (a desk's name in the email field): import
			// refuses one; from upstream it names the author at most.
			if a.Name == "" {
				a.Name = name(a.Email)
			}
			a.Email = ""
		}
		if a.Name == "" && a.Email == "" {
			continue
		}
		dup := false
		for _, o := range out {
			dup = dup || o == a
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}

// plainTitle makes a title plain text: RSS titles are HTML in practice, so
// one with markup or entities is read as HTML (tags and scripts dropped,
// entities decoded: gofeed decoded the XML layer, this decodes the HTML
// one, so "&amp;amp;" upstream shows as "&"). Whitespace collapses, control
// and bidi embedding characters go.
func plainTitle(s string) string { return titleText(s, false) }

// textTitle is plainTitle for a title that is plain text already (JSON
// Feed, Atom type="text"): what looks like markup or an entity in it is
// text, and stays as it is.
func textTitle(s string) string { return titleText(s, true) }

// titleText is textTitle when text is set, else plainTitle.
func titleText(s string, text bool) string {
	if len(s) > maxTitleBytes {
		s = prefix(s, maxTitleBytes) // before any parsing: upstream text is unbounded
	}
	if !text && strings.ContainsAny(s, "<&") {
		s = content.Text(s)
	}
	s = xmlText(collapse(s))
	if utf8.RuneCountInString(s) > maxTitleRunes {
		s = content.Summary(s, maxTitleRunes) // cut at a word, with "…"
	}
	return s
}

// maxTitleRunes bounds titles (and names) as the doors do
// (feeds.MaxTitleRunes); maxTitleBytes bounds what is read of one before
// that: a feed item with a title of megabytes fits no budget.
const (
	maxTitleRunes = feeds.MaxTitleRunes
	maxTitleBytes = 64 << 10
)

// xmlText drops what XML forbids and stray bidi embeddings.
func xmlText(s string) string {
	return arabic.NormalizeBidi(feeds.XMLSafe(s))
}

// collapse trims s and turns every run of white space into one space.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// textToHTML renders plain text (JSON Feed content_text, Atom type="text")
// as paragraphs.
func textToHTML(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return content.TextToHTML(strings.Split(s, "\n"))
}

// prefix is s cut to at most n bytes, on a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
