package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// Kind is the class of a Problem; callers and tests branch on it.
type Kind string

// The problems Validate reports.
const (
	KindNotAFeed        Kind = "not-a-feed"        // empty, HTML, some other XML or JSON document
	KindEncoding        Kind = "encoding"          // declares an encoding other than UTF-8
	KindForbiddenChar   Kind = "forbidden-char"    // C0 control, U+FFFE/U+FFFF or invalid UTF-8
	KindNotWellFormed   Kind = "not-well-formed"   // strict encoding/xml rejects it
	KindInvalidJSON     Kind = "invalid-json"      // not JSON at all
	KindUnparseable     Kind = "unparseable"       // gofeed rejects it
	KindMissingTitle    Kind = "missing-title"     // feed or item without a title
	KindMissingLink     Kind = "missing-link"      // feed or item without its HTML link
	KindMissingSelfLink Kind = "missing-self-link" // no atom:link/link rel="self", no feed_url
	KindMissingID       Kind = "missing-id"        // item without guid/id, Atom feed without id
	KindDuplicateID     Kind = "duplicate-id"      // two items share an id
	KindBadID           Kind = "bad-id"            // Atom id that is not an absolute IRI
	KindPermaLink       Kind = "permalink"         // RSS guid claimed as a permalink but not a URL
	KindMissingDate     Kind = "missing-date"      // a required date is absent
	KindBadDate         Kind = "bad-date"          // a date not in the format's own syntax
	KindEmptyContent    Kind = "empty-content"     // item with neither content nor summary
	KindRelativeURL     Kind = "relative-url"      // a link that is not absolute http(s)
	KindMissingTerm     Kind = "missing-term"      // Atom category without term
	KindMissingAuthor   Kind = "missing-author"    // Atom entry with no author, and none on the feed
	KindBadEnclosure    Kind = "bad-enclosure"     // RSS enclosure without url, length or type
	KindBadTombstone    Kind = "bad-tombstone"     // RFC 6721 tombstone without ref, or without an RFC 3339 when
	KindDeletedPresent  Kind = "deleted-present"   // an item whose id a tombstone also withdraws
)

// Problem is one thing wrong with a feed document.
type Problem struct {
	Kind Kind
	Line int    // 1-based line in the document, 0 when unknown
	Item int    // 1-based position of the item or entry, 0 for the feed itself
	ID   string // the item's id, when it has one
	Msg  string // what is wrong, in words
}

// String returns the problem as one readable line, e.g.
// `line 12: item 3 ("tag:x,2025:1"): no <pubDate> [missing-date]`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Item > 0 {
		fmt.Fprintf(&b, "item %d", p.Item)
		if p.ID != "" {
			fmt.Fprintf(&b, " (%q)", p.ID)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	b.WriteString(" [" + string(p.Kind) + "]")
	return b.String()
}

// Error makes a Problem usable as an error.
func (p Problem) Error() string { return p.String() }

// ErrInvalidFeed is what a ValidationError matches with errors.Is.
var ErrInvalidFeed = errors.New("invalid feed")

// ValidationError carries every problem Validate found.
type ValidationError struct {
	Problems []Problem
}

// Error lists every problem, separated by "; ".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("invalid feed: %d problem(s): %s", len(e.Problems), strings.Join(parts, "; "))
}

// Unwrap makes errors.Is(err, ErrInvalidFeed) true.
func (e *ValidationError) Unwrap() error { return ErrInvalidFeed }

// ValidateErr is Validate as an error: nil when the document is clean, else a
// *ValidationError holding every problem.
func ValidateErr(data []byte) error {
	if ps := Validate(data); len(ps) > 0 {
		return &ValidationError{Problems: ps}
	}
	return nil
}

// maxCharProblems bounds how many forbidden characters are reported one by one.
const maxCharProblems = 10

// Validate checks an RSS 2.0, Atom 1.0 or JSON Feed document against what
// newswire publishes, and returns every problem it finds (nil when none):
//
//  1. Forbidden characters (C0 controls, U+FFFE/U+FFFF, invalid UTF-8), then
//     for RSS/Atom a strict encoding/xml token loop to EOF, because gofeed
//     drops control characters and repairs mismatched tags and undefined
//     entities without a word.
//  2. gofeed parses it (with the original per-format feed kept); for JSON
//     its syntax errors are reported with their line.
//  3. Rules: feed title, link and self link; per item title, link and id,
//     unique ids, dates present and in the format's own syntax (the raw
//     strings, not gofeed's lenient reading), content not empty, absolute
//     http(s) URLs, RSS guid isPermaLink, Atom category term and author;
//     RFC 6721 tombstones (<at:deleted-entry>, JSON _newswire.deleted) with
//     a ref and an RFC 3339 when, and no id both withdrawn and an item.
//     Hub and RFC 5005 archive links (and JSON next_url) must be absolute.
//
// Problems found before gofeed runs do not stop the rules: the later steps run
// on the document with the forbidden characters removed, so one call lists all.
func Validate(data []byte) []Problem {
	v := &validator{}
	v.run(data)
	return v.problems
}

type validator struct {
	problems  []Problem
	itemLines []int    // line of each <item>/<entry>, from the token loop
	nItems    int      // items gofeed found, to trust itemLines only when they agree
	tombLines []int    // line of each <at:deleted-entry>, likewise
	ids       []string // each item's id as gofeed read it ("" for none)
	tombRefs  []string // each tombstone's ref as gofeed read it
}

func (v *validator) add(k Kind, line int, format string, args ...any) {
	v.problems = append(v.problems, Problem{Kind: k, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) addItem(k Kind, item int, id, format string, args ...any) {
	line := 0
	if len(v.itemLines) == v.nItems && item <= len(v.itemLines) {
		line = v.itemLines[item-1]
	}
	v.problems = append(v.problems, Problem{Kind: k, Line: line, Item: item, ID: id, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) run(data []byte) {
	body := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(body) == 0 {
		v.add(KindNotAFeed, 0, "empty document")
		return
	}
	var format Format
	switch body[0] {
	case '<':
		if enc := declaredEncoding(body); enc != "" && !strings.EqualFold(enc, "utf-8") {
			// One problem, not one per byte that is not UTF-8.
			v.add(KindEncoding, 1, "declared encoding %q: newswire feeds are UTF-8", enc)
			return
		}
		clean := v.scanChars(data)
		root := v.tokens(clean)
		switch strings.ToLower(root) {
		case "rss", "rdf":
			format = FormatRSS
		case "feed":
			format = FormatAtom
		case "":
			if len(v.problems) == 0 {
				v.add(KindNotAFeed, 0, "no root element")
			}
			return
		default:
			v.add(KindNotAFeed, 0, "root element <%s> is neither <rss> nor <feed>", root)
			return
		}
		data = clean
	case '{':
		format, data = FormatJSON, v.scanChars(data)
	default:
		v.add(KindNotAFeed, 0, "neither XML nor JSON: starts with %q", string(firstRune(body)))
		return
	}

	parsed, err := parseFeed(data)
	var syntax *json.SyntaxError
	switch {
	case format == FormatJSON && errors.As(err, &syntax):
		line := 1 + bytes.Count(data[:min(int(syntax.Offset), len(data))], []byte("\n"))
		v.add(KindInvalidJSON, line, "%v", err)
		return
	case err != nil:
		v.add(KindUnparseable, 0, "gofeed cannot parse it: %v", err)
		return
	}
	v.nItems = len(parsed.Items)
	switch orig := parsed.OriginalFeed().(type) {
	case *rss.Feed:
		v.rssRules(parsed, orig)
	case *atom.Feed:
		v.atomRules(parsed, orig)
	case *jsonfeed.Feed:
		v.jsonRules(orig, data)
	default:
		v.add(KindUnparseable, 0, "gofeed read it as %s, expected %s", parsed.FeedType, format)
	}
}

// declaredEncoding returns the encoding an XML declaration names, or "".
func declaredEncoding(b []byte) string {
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(b[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	if j := strings.IndexByte(rest[1:], rest[0]); j >= 0 {
		return rest[1 : 1+j]
	}
	return ""
}

func firstRune(b []byte) rune {
	r, _ := utf8.DecodeRune(b)
	return r
}

// newParser returns the gofeed parser Validate and Parse use: the original
// feed kept for the details gofeed's universal Feed loses, and no HTML parse
// of every item looking for an image.
func newParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return p
}

// parseFeed parses data with gofeed. A panic inside gofeed becomes an
// error: v1.4 dereferences a JSON Feed's null items and authors.
func parseFeed(data []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("gofeed failed on this input (%v): is a JSON Feed item or author null?", r)
		}
	}()
	return newParser().Parse(bytes.NewReader(data))
}

// scanChars reports every character XML 1.0 forbids (the first few one by
// one) and returns data without them, so later steps can go on.
func (v *validator) scanChars(data []byte) []byte {
	var clean []byte
	line, bad, last := 1, 0, 0
	for i := 0; i < len(data); {
		c := data[i]
		size, msg := 1, ""
		switch {
		case c == '\n':
			line++
		case c < 0x20 && c != '\t' && c != '\r':
			msg = fmt.Sprintf("forbidden control character U+%04X", c)
		case c >= utf8.RuneSelf:
			var r rune
			r, size = utf8.DecodeRune(data[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				msg = fmt.Sprintf("invalid UTF-8 byte 0x%02X", c)
			case r == 0xFFFE || r == 0xFFFF:
				msg = fmt.Sprintf("forbidden character U+%04X", r)
			}
		}
		if msg != "" {
			if bad < maxCharProblems {
				v.add(KindForbiddenChar, line, "%s", msg)
			}
			bad++
			clean = append(clean, data[last:i]...)
			last = i + size
		}
		i += size
	}
	if bad > maxCharProblems {
		v.add(KindForbiddenChar, 0, "%d more forbidden characters or invalid bytes", bad-maxCharProblems)
	}
	if bad == 0 {
		return data
	}
	return append(clean, data[last:]...)
}

// tokens runs a strict encoding/xml pass to EOF, reports where the document
// is not well-formed, and returns the root element's name.
func (v *validator) tokens(data []byte) (root string) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth, closed := 0, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return root
		}
		if err != nil {
			line, _ := dec.InputPos()
			msg := strings.TrimPrefix(err.Error(), "xml: ")
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line, msg = se.Line, se.Msg
			}
			v.add(KindNotWellFormed, line, "%s", msg)
			return root
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if closed {
					line, _ := dec.InputPos()
					v.add(KindNotWellFormed, line, "second root element <%s>", t.Name.Local)
					return root
				}
				root = t.Name.Local
			}
			depth++
			name := t.Name.Local
			if (name == "entry" && depth == 2) || (name == "item" && (depth == 3 || depth == 2)) {
				line, _ := dec.InputPos()
				v.itemLines = append(v.itemLines, line)
			}
			if name == "deleted-entry" && t.Name.Space == nsAT && (depth == 2 || depth == 3) {
				line, _ := dec.InputPos()
				v.tombLines = append(v.tombLines, line)
			}
		case xml.EndElement:
			depth--
			closed = closed || depth == 0
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				line, _ := dec.InputPos()
				v.add(KindNotWellFormed, line, "text outside the root element")
				return root
			}
		}
	}
}

// idSet maps each item id seen to the item that used it first.
type idSet map[string]int

// checkID reports missing and duplicate item ids.
func (v *validator) checkID(seen idSet, item int, id, missing string) {
	v.ids = append(v.ids, id)
	if id == "" {
		v.addItem(KindMissingID, item, "", "%s", missing)
		return
	}
	if first, dup := seen[id]; dup {
		v.addItem(KindDuplicateID, item, id, "id also used by item %d", first)
		return
	}
	seen[id] = item
}

// checkURL reports an empty (when required) or non-absolute URL; item 0 is the feed.
func (v *validator) checkURL(item int, id, what, u string, required bool, missing Kind) {
	switch {
	case u == "" && required:
		v.problem(missing, item, id, "no %s", what)
	case u != "" && !absHTTP(u):
		v.problem(KindRelativeURL, item, id, "%s %q is not an absolute http(s) URL", what, u)
	}
}

func (v *validator) problem(k Kind, item int, id, format string, args ...any) {
	if item == 0 {
		v.add(k, 0, format, args...)
		return
	}
	v.addItem(k, item, id, format, args...)
}

func absHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// checkDate reports a missing (when required) date, or one that does not parse
// with parse; item 0 is the feed.
func (v *validator) checkDate(item int, id, what, raw string, required bool, parse func(string) error) {
	switch {
	case raw == "" && required:
		v.problem(KindMissingDate, item, id, "no %s", what)
	case raw != "":
		if err := parse(raw); err != nil {
			v.problem(KindBadDate, item, id, "%s %q: %v", what, raw, err)
		}
	}
}

func (v *validator) rssRules(f *gofeed.Feed, o *rss.Feed) {
	if o.Title == "" {
		v.add(KindMissingTitle, 0, "channel has no <title>")
	}
	v.checkURL(0, "", "channel <link>", o.Link, true, KindMissingLink)
	v.checkURL(0, "", `atom:link rel="self"`, f.FeedLink, true, KindMissingSelfLink)
	for _, l := range atomExt(o.Extensions, "link") {
		v.checkURL(0, "", fmt.Sprintf("atom:link rel=%q", l.Attrs["rel"]), l.Attrs["href"], false, "")
	}
	v.checkDate(0, "", "channel <pubDate>", o.PubDate, false, parseRFC822)
	v.checkDate(0, "", "channel <lastBuildDate>", o.LastBuildDate, false, parseRFC822)
	seen := idSet{}
	for i, it := range o.Items {
		n := i + 1
		id := ""
		if it.GUID != nil {
			id = it.GUID.Value
		}
		v.checkID(seen, n, id, "no <guid>")
		if it.GUID != nil && id != "" {
			switch pl := it.GUID.IsPermalink; {
			case pl != "true" && pl != "false":
				v.addItem(KindPermaLink, n, id, "guid isPermaLink=%q: must be true or false", pl)
			case pl == "true" && !absHTTP(id):
				v.addItem(KindPermaLink, n, id, `guid is a permalink (isPermaLink absent or "true") but not an absolute http(s) URL; say isPermaLink="false"`)
			}
		}
		if it.Title == "" {
			v.addItem(KindMissingTitle, n, id, "no <title>")
		}
		v.checkURL(n, id, "<link>", it.Link, true, KindMissingLink)
		v.checkDate(n, id, "<pubDate>", it.PubDate, true, parseRFC822)
		if ext := atomExt(it.Extensions, "updated"); len(ext) > 0 {
			v.checkDate(n, id, "<atom:updated>", ext[0].Value, true, parseRFC3339)
		}
		if it.DublinCoreExt != nil {
			for _, d := range it.DublinCoreExt.Date {
				v.checkDate(n, id, "<dc:date>", d, true, parseW3CDTF)
			}
		}
		if it.Content == "" && it.Description == "" {
			v.addItem(KindEmptyContent, n, id, "neither <content:encoded> nor <description>")
		}
		for _, e := range it.Enclosures {
			v.checkURL(n, id, "enclosure url", e.URL, true, KindBadEnclosure)
			if e.Length == "" || e.Type == "" {
				v.addItem(KindBadEnclosure, n, id, "enclosure %q needs url, length and type", e.URL)
			}
		}
		for _, m := range it.Extensions["media"]["content"] {
			v.checkURL(n, id, "media:content url", m.Attrs["url"], true, KindRelativeURL)
		}
		if it.Source != nil {
			v.checkURL(n, id, "<source> url", it.Source.URL, true, KindRelativeURL)
		}
		for _, l := range atomExt(it.Extensions, "link") {
			v.checkURL(n, id, fmt.Sprintf("atom:link rel=%q", l.Attrs["rel"]), l.Attrs["href"], true, KindRelativeURL)
		}
	}
	v.checkTombstones(xmlTombstones(o.Extensions), seen)
}

// atomExt returns the atom:NAME extension elements of an RSS channel or item.
func atomExt(e ext.Extensions, name string) []ext.Extension {
	return e["atom"][name]
}

func (v *validator) atomRules(f *gofeed.Feed, o *atom.Feed) {
	if o.Title == "" {
		v.add(KindMissingTitle, 0, "feed has no <title>")
	}
	if o.ID == "" {
		v.add(KindMissingID, 0, "feed has no <id>")
	} else if !absIRI(o.ID) {
		v.add(KindBadID, 0, "feed <id> %q is not an absolute IRI", o.ID)
	}
	v.checkURL(0, "", `<link rel="alternate">`, f.Link, true, KindMissingLink)
	v.checkURL(0, "", `<link rel="self">`, f.FeedLink, true, KindMissingSelfLink)
	for _, l := range o.Links {
		v.checkURL(0, "", fmt.Sprintf("<link rel=%q>", l.Rel), l.Href, false, "")
	}
	v.checkDate(0, "", "feed <updated>", o.Updated, true, parseRFC3339)
	seen := idSet{}
	for i, e := range o.Entries {
		n, id := i+1, e.ID
		v.checkID(seen, n, id, "no <id>")
		if id != "" && !absIRI(id) {
			v.addItem(KindBadID, n, id, "<id> is not an absolute IRI")
		}
		if e.Title == "" {
			v.addItem(KindMissingTitle, n, id, "no <title>")
		}
		alt := ""
		for _, l := range e.Links {
			if l.Rel == "alternate" && alt == "" {
				alt = l.Href
			}
			v.checkURL(n, id, fmt.Sprintf("<link rel=%q>", l.Rel), l.Href, true, KindRelativeURL)
		}
		if alt == "" {
			v.addItem(KindMissingLink, n, id, `no <link rel="alternate">`)
		}
		v.checkDate(n, id, "<published>", e.Published, true, parseRFC3339)
		v.checkDate(n, id, "<updated>", e.Updated, true, parseRFC3339)
		if (e.Content == nil || e.Content.Value == "") && e.Summary == "" {
			v.addItem(KindEmptyContent, n, id, "neither <content> nor <summary>")
		}
		for _, c := range e.Categories {
			if c.Term == "" {
				v.addItem(KindMissingTerm, n, id, "<category> without term (label %q)", c.Label)
			}
		}
		if len(e.Authors) == 0 && len(o.Authors) == 0 {
			v.addItem(KindMissingAuthor, n, id, "no <author>, and the feed has none")
		}
		for _, p := range e.Authors {
			v.checkURL(n, id, "author <uri>", p.URI, false, "")
		}
		if e.Source != nil {
			for _, l := range e.Source.Links {
				v.checkURL(n, id, "<source> link", l.Href, true, KindRelativeURL)
			}
		}
	}
	v.checkTombstones(xmlTombstones(o.Extensions), seen)
}

// rawTombstone is a tombstone as written, before any parsing.
type rawTombstone struct{ ref, when string }

// xmlTombstones returns the <at:deleted-entry> elements of an RSS channel or Atom feed.
func xmlTombstones(e ext.Extensions) []rawTombstone {
	var out []rawTombstone
	for _, x := range e["at"]["deleted-entry"] {
		out = append(out, rawTombstone{ref: x.Attrs["ref"], when: x.Attrs["when"]})
	}
	return out
}

// checkTombstones reports tombstones without a ref or a valid when, and
// items that a tombstone withdraws; seen maps item ids to items.
func (v *validator) checkTombstones(ts []rawTombstone, seen idSet) {
	for i, t := range ts {
		v.tombRefs = append(v.tombRefs, t.ref)
		line := 0
		if len(v.tombLines) == len(ts) {
			line = v.tombLines[i]
		}
		switch {
		case t.ref == "":
			v.add(KindBadTombstone, line, "tombstone %d has no ref (the withdrawn entry's id)", i+1)
		case seen[t.ref] > 0:
			v.addItem(KindDeletedPresent, seen[t.ref], t.ref, "withdrawn by tombstone %d but still an item", i+1)
		}
		switch {
		case t.when == "":
			v.add(KindBadTombstone, line, "tombstone %d (%q) has no when", i+1, t.ref)
		case parseRFC3339(t.when) != nil:
			v.add(KindBadTombstone, line, "tombstone %d (%q) when %q: %v", i+1, t.ref, t.when, errRFC3339)
		}
	}
}

func absIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != ""
}

func (v *validator) jsonRules(o *jsonfeed.Feed, data []byte) {
	if !strings.HasPrefix(o.Version, "https://jsonfeed.org/version/") {
		// Any JSON object parses as an empty JSON Feed; say what it is instead.
		v.add(KindNotAFeed, 0, "not a JSON Feed: version is %q, want https://jsonfeed.org/version/1.1", o.Version)
		return
	}
	if o.Title == "" {
		v.add(KindMissingTitle, 0, "feed has no title")
	}
	v.checkURL(0, "", "home_page_url", o.HomePageURL, true, KindMissingLink)
	v.checkURL(0, "", "feed_url", o.FeedURL, true, KindMissingSelfLink)
	v.checkURL(0, "", "next_url", o.NextURL, false, "")
	// What gofeed leaves out: hubs and the feed-level extension.
	var x jsonExtras
	for key, raw := range jsonTopLevel(data, "hubs", "_newswire") {
		var err error
		switch key {
		case "hubs":
			err = json.Unmarshal(raw, &x.Hubs)
		case "_newswire":
			err = json.Unmarshal(raw, &x.Newswire)
		}
		if err != nil {
			// gofeed read it, so the syntax is fine: a field of the wrong type.
			v.add(KindUnparseable, 0, "%s: %v", key, err)
		}
	}
	for _, h := range x.Hubs {
		v.checkURL(0, "", "hub url", h.URL, true, KindRelativeURL)
	}
	var tombs []rawTombstone
	if n := x.Newswire; n != nil {
		v.checkURL(0, "", "_newswire.current", n.Current, false, "")
		v.checkURL(0, "", "_newswire.prev_archive", n.PrevArchive, false, "")
		v.checkURL(0, "", "_newswire.next_archive", n.NextArchive, false, "")
		for _, t := range n.Deleted {
			tombs = append(tombs, rawTombstone{ref: t.ID, when: t.When})
		}
	}
	seen := idSet{}
	for i, it := range o.Items {
		n, id := i+1, it.ID
		v.checkID(seen, n, id, "no id")
		if it.Title == "" {
			v.addItem(KindMissingTitle, n, id, "no title")
		}
		v.checkURL(n, id, "url", it.URL, true, KindMissingLink)
		v.checkURL(n, id, "external_url", it.ExternalURL, false, "")
		v.checkURL(n, id, "image", it.Image, false, "")
		v.checkDate(n, id, "date_published", it.DatePublished, true, parseRFC3339)
		v.checkDate(n, id, "date_modified", it.DateModified, false, parseRFC3339)
		if it.ContentHTML == "" && it.ContentText == "" {
			v.addItem(KindEmptyContent, n, id, "neither content_html nor content_text")
		}
		for _, a := range it.Authors {
			v.checkURL(n, id, "author url", a.URL, false, "")
		}
		// JSON may carry escaped controls (\u0001) that the XML formats cannot.
		for _, s := range [...]struct{ name, val string }{
			{"id", it.ID}, {"title", it.Title}, {"summary", it.Summary},
			{"content_html", it.ContentHTML}, {"content_text", it.ContentText},
		} {
			if r, bad := forbiddenIn(s.val); bad {
				v.addItem(KindForbiddenChar, n, id, "%s contains forbidden character U+%04X", s.name, r)
			}
		}
	}
	v.checkTombstones(tombs, seen)
}

// jsonTopLevel returns the raw values of the top-level keys of the JSON
// object data that match one of keys (ignoring case, as encoding/json does;
// the last one wins). data is valid JSON, as gofeed has read it. It skips
// everything else without decoding it: Validate would otherwise decode the
// whole document, every item again, for a few feed-level fields.
func jsonTopLevel(data []byte, keys ...string) map[string][]byte {
	vals := map[string][]byte{}
	i := skipJSONSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return vals
	}
	for i++; ; {
		i = skipJSONSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return vals
		}
		if data[i] == ',' {
			i++
			continue
		}
		kEnd := jsonValueEnd(data, i)
		if kEnd < 0 || data[i] != '"' {
			return vals
		}
		rawKey := data[i:kEnd]
		i = skipJSONSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return vals
		}
		i = skipJSONSpace(data, i+1)
		vEnd := jsonValueEnd(data, i)
		if vEnd < 0 {
			return vals
		}
		var key string
		if json.Unmarshal(rawKey, &key) == nil {
			for _, k := range keys {
				if strings.EqualFold(key, k) {
					vals[k] = data[i:vEnd]
				}
			}
		}
		i = vEnd
	}
}

func skipJSONSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the index just after the JSON value that starts at
// data[i], or -1. Strings are skipped with IndexByte: a feed is mostly strings.
func jsonValueEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		for j := i + 1; ; {
			k := bytes.IndexByte(data[j:], '"')
			if k < 0 {
				return -1
			}
			q, backslashes := j+k, 0
			for p := q - 1; p > i && data[p] == '\\'; p-- {
				backslashes++
			}
			if backslashes%2 == 0 {
				return q + 1
			}
			j = q + 1
		}
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := jsonValueEnd(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default: // number, true, false, null
		j := i
		for j < len(data) && strings.IndexByte(",}] \t\n\r", data[j]) < 0 {
			j++
		}
		return j
	}
}

// forbiddenIn returns the first character of s that XML 1.0 forbids.
func forbiddenIn(s string) (rune, bool) {
	for i, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			return r, true
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return r, true
			}
		}
	}
	return 0, false
}

// rfc822Layouts are the RFC 822/1123 forms RSS dates may take: weekday
// optional, seconds optional, four-digit year, numeric zone or a named zone
// that RFC 822 defines.
var rfc822Layouts = [...]string{
	"Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700", "2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST", "2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 MST", "2 Jan 2006 15:04 MST",
}

// rfc822Zones are the zone names RFC 822 defines (military zones aside).
var rfc822Zones = map[string]bool{
	"UT": true, "GMT": true, "Z": true, "EST": true, "EDT": true,
	"CST": true, "CDT": true, "MST": true, "MDT": true, "PST": true, "PDT": true,
}

var errRFC822 = errors.New(`not an RFC 822 date like "Mon, 02 Jan 2006 15:04:05 +0000"`)

func parseRFC822(s string) error {
	for _, z := range [...]string{" UT", " Z"} { // too short for Go's zone parser
		if strings.HasSuffix(s, z) {
			s = strings.TrimSuffix(s, z) + " GMT"
		}
	}
	for _, layout := range rfc822Layouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if strings.HasSuffix(layout, "MST") && !rfc822Zones[s[strings.LastIndexByte(s, ' ')+1:]] {
			return fmt.Errorf("zone is not one RFC 822 names, use a numeric offset")
		}
		if strings.HasPrefix(layout, "Mon") && !strings.HasPrefix(s, t.Weekday().String()[:3]) {
			return fmt.Errorf("weekday does not match the date (%s)", t.Weekday())
		}
		return nil
	}
	return errRFC822
}

var errRFC3339 = errors.New(`not an RFC 3339 date like "2006-01-02T15:04:05Z"`)

func parseRFC3339(s string) error {
	if _, err := time.Parse(time.RFC3339, s); err != nil {
		return errRFC3339
	}
	return nil
}

// w3cdtfLayouts are the W3C date-time profiles dc:date may take.
var w3cdtfLayouts = [...]string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02", "2006-01", "2006"}

func parseW3CDTF(s string) error {
	for _, layout := range w3cdtfLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return nil
		}
	}
	return errors.New(`not a W3C date like "2006-01-02T15:04:05Z"`)
}
