package feeds

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// XMLSafe makes text safe for XML: it is the one sanitiser every string
// goes through before any format renders it, so that RSS, Atom and JSON carry the same text:
//
//   - it drops what XML 1.0 forbids: C0 controls other than TAB, LF and CR,
//     U+FFFE, U+FFFF and bytes that are not UTF-8 (surrogates included);
//     gorilla writes content:encoded as raw CDATA, where they make the
//     document ill-formed, and encoding/xml turns them into U+FFFD elsewhere;
//   - it turns CRLF and lone CR into LF, as every XML parser does with raw
//     text anyway;
//   - it trims surrounding white space, which gofeed trims from every XML
//     element but keeps in JSON.
//
// Bidi marks and controls (U+200F, U+202B, U+2066...) are kept: Arabic text needs them.
func XMLSafe(s string) string { return xmlSafe(s) }

func xmlSafe(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return strings.TrimSpace(s) // a substring: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\r':
				b.WriteByte('\n')
				if i+1 < len(s) && s[i+1] == '\n' {
					i++
				}
			case c >= 0x20 || c == '\t' || c == '\n':
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !badRune(r, size) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return strings.TrimSpace(b.String())
}

// firstUnsafe returns the index of the first byte xmlSafe must change, or
// len(s). It runs over every body on every render, so the common cases are
// inline: ASCII, and the two-byte sequences all of Arabic is written in;
// anything else is decoded.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			if c < 0x20 && c != '\t' && c != '\n' {
				return i
			}
			i++
		case 0xC2 <= c && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			i += 2
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if badRune(r, size) {
				return i
			}
			i += size
		}
	}
	return len(s)
}

// badRune reports a decoded rune XML 1.0 forbids: invalid UTF-8 (which Go
// decodes surrogates as, too), U+FFFE and U+FFFF.
func badRune(r rune, size int) bool {
	return (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF
}

// xmlSafeURL is xmlSafe for URLs, which also percent-encodes an IRI (raw
// non-ASCII, spaces, quotes...) into a URI. RSS wants URIs, and gofeed
// re-encodes Atom hrefs and ids through net/url anyway, so doing it once here
// keeps the three formats and the round trip identical.
func xmlSafeURL(s string) string {
	s = xmlSafe(s)
	if !needsEscaping(s) {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	// url.URL.String escapes the path and fragment but copies the query as
	// it is: RSS and JSON Feed want URIs, so escape what it holds too.
	u.RawQuery = escapeNonASCII(u.RawQuery)
	return u.String()
}

// escapeNonASCII percent-encodes the bytes of s that a URI may not hold
// (non-ASCII, controls, space and "<>\^`{|}), leaving the rest, existing
// escapes included, as they are.
func escapeNonASCII(s string) string {
	if !needsEscaping(s) {
		return s
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsEscaping(s string) bool {
	scheme := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf || c <= ' ' || strings.IndexByte("\"<>\\^`{|}", c) >= 0:
			return true
		case c == ':':
			scheme = false
		case scheme && 'A' <= c && c <= 'Z':
			return true // net/url lower-cases the scheme
		}
	}
	return false
}

// blockTags are the elements whose boundaries separate words when an
// excerpt is made from HTML.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true,
	"dd": true, "div": true, "dl": true, "dt": true, "figcaption": true, "figure": true,
	"footer": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hr": true, "li": true, "main": true, "nav": true, "ol": true, "p": true,
	"pre": true, "section": true, "table": true, "td": true, "th": true, "tr": true, "ul": true,
}

// excerpt returns plain text from an HTML fragment: tags removed (block
// boundaries become spaces, script and style dropped), entities decoded,
// white space collapsed, cut to at most maxRunes at a word boundary with an
// ellipsis only when cut.
//
// The fragment is read by x/net/html's tokenizer, as a browser reads it: a
// tag ends at the first ">" outside its quoted attribute values, a "<"
// that opens no tag is text, comments and the raw text of script and
// style end where HTML says they do. (A tag skipper that stops at the
// first ">" turned <p title="a>b">text</p> into `b">text`.)
func excerpt(h string, maxRunes int) string {
	var b strings.Builder
	b.Grow(min(len(h), maxRunes*4+64))
	z := html.NewTokenizer(strings.NewReader(h))
	skip := false               // inside script or style: raw text, not text
	for b.Len() <= maxRunes*8 { // past that, enough text for any cut
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return finishExcerpt(b.String(), maxRunes) // the end, or an unterminated tag: nothing after it is text
		case html.TextToken:
			if !skip {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = tt == html.StartTagToken
			}
			if blockTags[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
	return finishExcerpt(b.String(), maxRunes)
}

// finishExcerpt makes the text an excerpt collected: XML-safe, white space
// collapsed, cut at a word.
func finishExcerpt(text string, maxRunes int) string {
	return truncateWords(collapseSpace(xmlSafe(text)), maxRunes)
}

func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncateWords cuts s to at most maxRunes runes, at the last space when there
// is one in the last fifth, and marks the cut with an ellipsis.
func truncateWords(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	cut, n := 0, 0
	for i := range s {
		if n == maxRunes-1 { // leave room for the ellipsis
			cut = i
			break
		}
		n++
	}
	s = s[:cut]
	if sp := strings.LastIndexByte(s, ' '); sp > len(s)*4/5 {
		s = s[:sp]
	}
	return strings.TrimRightFunc(s, unicode.IsSpace) + "…"
}
