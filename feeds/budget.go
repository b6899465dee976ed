package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	gorilla "github.com/gorilla/feeds"
)

// Default limits of a Budget. They are decimal megabytes, so a feed stays
// within "2 MB" whichever megabyte a reader means.
const (
	DefaultMaxBytes     = 2_000_000
	DefaultMaxItemBytes = 1_000_000
)

// budgetFloor is how many items dropping keeps (fewer when the feed has
// fewer) before summaries replace content: a subscriber should still see a
// useful page of news, not three full articles.
const budgetFloor = 10

// ErrOverBudget means a feed cannot fit its byte budget even with no items:
// its metadata and tombstones alone are too big.
var ErrOverBudget = errors.New("feed over budget")

// Budget bounds a rendered feed. The zero value means the defaults.
type Budget struct {
	MaxBytes     int // the whole document; 0 means DefaultMaxBytes
	MaxItems     int // items rendered, the first ones of Feed.Items; 0 means no limit
	MaxItemBytes int // one item as rendered in the document; 0 means DefaultMaxItemBytes
}

// BudgetResult says what WriteBudget wrote.
type BudgetResult struct {
	Items      int       // items written
	Summarized int       // of those, how many carry their summary instead of their content
	Dropped    int       // items of the feed that were left out to fit the budget
	Bytes      int       // size of the document written
	Updated    time.Time // the document's updated time: Feed.Updated, or as derived from the items
	// Overflow is how many items at the end of Feed.Items did not fit: from
	// the first one left out to make room (MaxItems or MaxBytes) to the last.
	// A paged feed's next page begins with those; its paging link must not
	// lead past them. Items left out before that first one were too large
	// on their own (MaxItemBytes) and are not counted. 0 when all fitted.
	Overflow int
	// Skipped are the items (and tombstones) Publish left out because they
	// cannot be rendered or failed validation; never any for WriteBudget.
	Skipped []ItemError
}

// WriteBudget renders f like Write, but never more than b allows. When the
// full document is within b, its bytes are exactly Write's. Otherwise:
//
//  1. only the first b.MaxItems items are kept;
//  2. an item larger than b.MaxItemBytes gets its summary instead of its
//     content, and is left out if even that is too large;
//
// and then, only as far as needed for the document to fit b.MaxBytes:
//
//  3. items are dropped from the end of f.Items down to 10 (or as many as
//     there are); a Feed lists its items newest first, so the oldest go;
//  4. the content of the remaining items is replaced with their summary,
//     from the last item towards the first (the newest keep theirs longest):
//     in RSS and Atom a paragraph with the summary and a link to the article,
//     in JSON Feed content_text;
//  5. more items are dropped from the end, down to none.
//
// A caller that lists items oldest first (an incremental pull) thus keeps the
// oldest, and the subscriber continues after the last one it got: the items
// of BudgetResult.Overflow go on the next page. A paging link is part of the
// document: render the feed again with only the items before them and a link
// that continues there.
//
// Sizes are computed once per item (the item rendered without its content,
// plus the exact encoded length of the content), then the document is
// rendered once, into memory: nothing reaches w unless it fits (when w is a
// *bytes.Buffer, WriteBudget renders into it and cuts it back on failure).
// ErrOverBudget means that even an empty feed does not fit.
func WriteBudget(w io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, error) {
	if fm.Extension() == "" {
		return BudgetResult{}, fmt.Errorf("write feed: %w %d", ErrUnknownFormat, int(fm))
	}
	d, err := prepare(f)
	if err != nil {
		return BudgetResult{}, fmt.Errorf("write %s: %w", fm, err)
	}
	out := newRenderBuffer(w)
	res, _, err := d.renderBudget(out, fm, b.withDefaults())
	if err != nil {
		return out.fail(err)
	}
	return out.keep(res)
}

// withDefaults returns b with its zero limits replaced by the defaults.
func (b Budget) withDefaults() Budget {
	if b.MaxBytes <= 0 {
		b.MaxBytes = DefaultMaxBytes
	}
	if b.MaxItemBytes <= 0 {
		b.MaxItemBytes = DefaultMaxItemBytes
	}
	if b.MaxItems < 0 {
		b.MaxItems = 0
	}
	return b
}

// renderBudget renders d in format fm within b (with its defaults) into
// out, and says what it wrote; see WriteBudget. modes is each item's fate,
// nil when every item was rendered in full. On error out holds nothing new.
func (d *doc) renderBudget(out *renderBuffer, fm Format, b Budget) (res BudgetResult, modes []itemMode, err error) {
	n, minSize := len(d.items), d.minSize()
	out.buf.Grow(min(minSize, b.MaxBytes) + min(minSize, b.MaxBytes)/4 + 4096) // the markup around the text

	// The common case, a feed well within budget, costs one render: no item
	// can be larger than a whole document that fits MaxItemBytes.
	limit := min(b.MaxBytes, b.MaxItemBytes)
	if (b.MaxItems == 0 || n <= b.MaxItems) && minSize <= limit {
		if err := d.write(out.buf, fm); err != nil {
			out.reset()
			return res, nil, err
		}
		if out.len() <= limit {
			return BudgetResult{Items: n, Updated: d.updated}, nil, nil
		}
		out.reset()
	}

	sz, err := d.measure(fm)
	if err != nil {
		return res, nil, err
	}
	room := b.MaxBytes
	for try := 0; ; try++ {
		p, err := sz.plan(room, b.MaxItems, b.MaxItemBytes)
		if err != nil {
			return res, nil, fmt.Errorf("write %s: %d bytes without items, budget %d: %w", fm, sz.frame, b.MaxBytes, err)
		}
		if err := d.degrade(p, sz, fm).write(out.buf, fm); err != nil {
			out.reset()
			return res, nil, err
		}
		if out.len() <= b.MaxBytes {
			return BudgetResult{Items: p.items, Summarized: p.summarized, Dropped: n - p.items, Overflow: d.overflow(p.cut),
				Updated: d.updated}, p.modes, nil
		}
		// The sizes are exact for everything the tests render; should an
		// encoder change make them short, plan again for that much less room.
		if try == 2 {
			n := out.len()
			out.reset()
			return res, nil, fmt.Errorf("write %s: %d bytes rendered, budget %d: %w", fm, n, b.MaxBytes, ErrOverBudget)
		}
		room -= out.len() - p.total
		out.reset()
	}
}

// renderBuffer is where WriteBudget renders before it knows the render fits.
type renderBuffer struct {
	w      io.Writer
	buf    *bytes.Buffer
	direct bool // buf is w
	start  int  // buf's length before the render
}

// newRenderBuffer renders into w itself when it is a bytes.Buffer (what a
// cache renders into), cut back to where it was if the render is not kept.
func newRenderBuffer(w io.Writer) *renderBuffer {
	out := &renderBuffer{w: w}
	out.buf, out.direct = w.(*bytes.Buffer)
	if !out.direct {
		out.buf = &bytes.Buffer{}
	}
	out.start = out.buf.Len()
	return out
}

func (r *renderBuffer) len() int      { return r.buf.Len() - r.start }
func (r *renderBuffer) bytes() []byte { return r.buf.Bytes()[r.start:] }
func (r *renderBuffer) reset()        { r.buf.Truncate(r.start) }

func (r *renderBuffer) fail(err error) (BudgetResult, error) {
	r.reset()
	return BudgetResult{}, err
}

func (r *renderBuffer) keep(res BudgetResult) (BudgetResult, error) {
	res.Bytes = r.len()
	if !r.direct {
		if _, err := r.w.Write(r.buf.Bytes()); err != nil {
			return BudgetResult{}, fmt.Errorf("write feed: %w", err)
		}
	}
	return res, nil
}

// minSize is a lower bound on the rendered size of the items: the strings
// that every format writes at least once, and escaping only makes longer.
func (d *doc) minSize() int {
	n := 0
	for i := range d.items {
		a := &d.items[i]
		n += len(a.ContentHTML) + len(a.Title) + len(a.GUID) + len(d.excerpts[i])
	}
	return n
}

// itemSizes are the sizes of a feed's parts as rendered in one format.
type itemSizes struct {
	frame     int      // the document without items
	sep       int      // between two items: JSON's comma
	full      []int    // each item, as rendered in the document
	short     []int    // each item with its summary instead of its content; 0: cannot be summarised
	summaries []string // the summary content of each item, for RSS and Atom
}

// placeholder stands in for each item's content while the items are
// measured: the content's encoded length is added arithmetically instead.
const placeholder = "x"

// measure returns d's sizes in format fm. Each item is rendered once with
// a placeholder for its content, by the same code and encoder settings as
// the document, so everything but the content is measured, not guessed; the
// content's length as encoding/xml writes CDATA or encoding/json writes a
// string is computed (cdataLen, jsonLen). Only the frame is rendered whole.
func (d *doc) measure(fm Format) (*itemSizes, error) {
	m := *d
	m.items = slices.Clone(d.items)
	for i := range m.items {
		if m.items[i].ContentHTML != "" {
			m.items[i].ContentHTML = placeholder
		}
	}
	n := len(d.items)
	sz := &itemSizes{full: make([]int, n), short: make([]int, n)}
	skel := sz.full // filled with the placeholder sizes, then corrected below
	var cw countWriter
	encodeItems := func(enc interface{ Encode(any) error }, items int, item func(int) any, adjust func(int) int) error {
		for i := range items {
			cw.n = 0
			if err := enc.Encode(item(i)); err != nil {
				return fmt.Errorf("measure %s item %d: %w", fm, i+1, err)
			}
			skel[i] = cw.n + adjust(i)
		}
		return nil
	}
	// In the XML formats every item starts on a new line, but a fresh
	// encoder puts no newline before its first element: add it.
	firstNewline := func(i int) int {
		if i == 0 {
			return 1
		}
		return 0
	}
	var err error
	contentLen := cdataLen
	switch fm {
	case FormatRSS:
		doc := m.rssDoc()
		items := doc.Channel.Items
		doc.Channel.Items = nil
		if err = gorilla.WriteXML(doc, &cw); err == nil {
			sz.frame = cw.n
			enc := xml.NewEncoder(&cw)
			enc.Indent("    ", "  ") // <rss><channel><item>: depth 2
			err = encodeItems(enc, n, func(i int) any { return items[i] }, firstNewline)
		}
	case FormatAtom:
		doc := m.atomFeed()
		entries := doc.Entries
		doc.Entries = nil
		if err = gorilla.WriteXML(doc, &cw); err == nil {
			sz.frame = cw.n
			enc := xml.NewEncoder(&cw)
			enc.Indent("  ", "  ") // <feed><entry>: depth 1
			err = encodeItems(enc, n, func(i int) any { return entries[i] }, firstNewline)
		}
	case FormatJSON:
		contentLen = jsonLen
		doc := m.jsonFeed()
		items := doc.Items
		doc.Items = []*jsonItem{}
		enc := json.NewEncoder(&cw)
		enc.SetEscapeHTML(false)
		if err = enc.Encode(doc); err == nil {
			sz.frame, sz.sep = cw.n, 1
			err = encodeItems(enc, n, func(i int) any { return items[i] }, func(int) int { return -1 }) // Encode's newline
		}
	}
	if err != nil {
		return nil, err
	}
	ph := contentLen(placeholder)
	if fm != FormatJSON {
		sz.summaries = make([]string, n)
	}
	for i := range d.items {
		a := &d.items[i]
		if a.ContentHTML == "" {
			continue // nothing to summarise: the excerpt is all there is
		}
		base := skel[i] - ph
		sz.full[i] = base + contentLen(a.ContentHTML)
		if d.excerpts[i] == "" {
			continue // no text to summarise with
		}
		if fm == FormatJSON {
			sz.short[i] = base + jsonLen(d.excerpts[i]) // content_text, a key as long as content_html
		} else {
			sz.summaries[i] = summaryHTML(a, d.excerpts[i])
			sz.short[i] = base + cdataLen(sz.summaries[i])
		}
	}
	return sz, nil
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	return len(p), nil
}

// cdataLen is the length of s written as CDATA by encoding/xml: each "]]>"
// inside is split across two sections.
func cdataLen(s string) int {
	if s == "" {
		return 0
	}
	return len("<![CDATA[") + len(s) + len("]]>") + strings.Count(s, "]]>")*(len("]]]]><![CDATA[>")-len("]]>"))
}

// jsonLen is the length of s written as a JSON string by encoding/json
// without HTML escaping. s has been through xmlSafe, so the only C0
// controls left are TAB and LF, and it is valid UTF-8.
func jsonLen(s string) int {
	n := len(`""`) + len(s)
	n += strings.Count(s, `"`) + strings.Count(s, `\`) + strings.Count(s, "\n") + strings.Count(s, "\t") // \" \\ \n \t
	n += (len(`\u2028`) - len("\u2028")) * (strings.Count(s, "\u2028") + strings.Count(s, "\u2029"))
	return n
}

// itemMode is what a budget does with an item.
type itemMode uint8

const (
	modeFull itemMode = iota
	modeSummary
	modeDrop
)

// budgetPlan is a decision for each item, and the document size it gives.
type budgetPlan struct {
	modes      []itemMode
	items      int // kept
	summarized int // kept with their summary
	total      int // bytes
	cut        int // the first item dropped to make room (MaxItems or MaxBytes); len(modes) when none was
}

// plan decides each item's mode for a document of at most maxBytes; see WriteBudget.
func (sz *itemSizes) plan(maxBytes, maxItems, maxItemBytes int) (*budgetPlan, error) {
	n := len(sz.full)
	p := &budgetPlan{modes: make([]itemMode, n), total: sz.frame, cut: n}
	size := func(i int) int {
		if p.modes[i] == modeSummary {
			return sz.short[i]
		}
		return sz.full[i]
	}
	keep := func(i int) {
		if p.items > 0 {
			p.total += sz.sep
		}
		p.items++
		p.total += size(i)
	}
	for i := range n {
		switch {
		case maxItems > 0 && p.items == maxItems:
			p.modes[i] = modeDrop
			p.cut = min(p.cut, i)
		case sz.full[i] <= maxItemBytes:
			keep(i)
		case sz.short[i] > 0 && sz.short[i] <= maxItemBytes:
			p.modes[i] = modeSummary
			p.summarized++
			keep(i)
		default:
			p.modes[i] = modeDrop
		}
	}
	last := n - 1 // last item not yet dropped
	dropLast := func() {
		for p.modes[last] == modeDrop {
			last--
		}
		p.total -= size(last)
		if p.items > 1 {
			p.total -= sz.sep
		}
		if p.modes[last] == modeSummary {
			p.summarized--
		}
		p.modes[last] = modeDrop
		p.items--
		p.cut = min(p.cut, last)
	}
	for floor := min(budgetFloor, p.items); p.total > maxBytes && p.items > floor; {
		dropLast()
	}
	for i := last; i >= 0 && p.total > maxBytes; i-- {
		if p.modes[i] == modeFull && sz.short[i] > 0 && sz.short[i] < sz.full[i] {
			p.total -= sz.full[i] - sz.short[i]
			p.modes[i] = modeSummary
			p.summarized++
		}
	}
	for p.total > maxBytes && p.items > 0 {
		dropLast()
	}
	if p.total > maxBytes {
		return nil, ErrOverBudget
	}
	return p, nil
}

// overflow is BudgetResult.Overflow for a plan whose first item dropped to
// make room is d.items[cut]: the items of the Feed from that one on.
func (d *doc) overflow(cut int) int {
	if cut >= len(d.items) {
		return 0
	}
	return d.given - d.index[cut]
}

// degrade returns d with p applied: dropped items removed, summarised ones
// with their summary as content (JSON Feed: no content_html, so the writer
// puts the excerpt in content_text).
func (d *doc) degrade(p *budgetPlan, sz *itemSizes, fm Format) *doc {
	out := *d
	out.items = make([]Article, 0, p.items)
	out.excerpts = make([]string, 0, p.items)
	out.index = make([]int, 0, p.items)
	for i, m := range p.modes {
		if m == modeDrop {
			continue
		}
		a := d.items[i]
		if m == modeSummary {
			a.ContentHTML = ""
			if fm != FormatJSON {
				a.ContentHTML = sz.summaries[i]
			}
		}
		out.items = append(out.items, a)
		out.excerpts = append(out.excerpts, d.excerpts[i])
		out.index = append(out.index, d.index[i])
	}
	return &out
}

// summaryHTML is the content of a summarised item: the summary and a link to
// the full article, marked right-to-left for a right-to-left language.
func summaryHTML(a *Article, summary string) string {
	tag, _ := NormalizeLanguage(a.Language)
	lang, _, _ := strings.Cut(tag, "-")
	rtl, label := Direction(a.Language) == "rtl", "Read the full article"
	if lang == "ar" {
		label = "اقرأ المقال كاملاً"
	}
	var b strings.Builder
	b.Grow(len(summary) + len(a.URL) + 96)
	if rtl {
		b.WriteString(`<div dir="rtl">`)
	}
	b.WriteString("<p>" + html.EscapeString(summary) + "</p>")
	if a.URL != "" {
		b.WriteString(`<p><a href="` + html.EscapeString(a.URL) + `">` + label + "</a></p>")
	}
	if rtl {
		b.WriteString("</div>")
	}
	return b.String()
}
