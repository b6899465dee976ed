package ingest

import (
	"bytes"
	"cmp"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"
	gojson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
)

// batch turns one parsed document into the PassItems of a pass. It does no
// I/O: the store's knowledge comes in as known.
type batch struct {
	src        *newsroom.Source
	feed       *gofeed.Feed
	base       *url.URL // the URL the document came from
	known      map[string]newsroom.KnownItem
	now        time.Time
	maxNew     int
	normalized *atomic.Int64                                               // may be nil
	clean      func(*feeds.Article, *content.Body) (content.Report, error) // Options.Clean; may be nil
	raw        []byte                                                      // the document as fetched (UTF-8); may be nil

	// results besides the items
	unchanged, deferred int
	dropped             []error // items Clean refused
	dupGUIDs            bool    // the document repeats a GUID
	ttl                 time.Duration

	// atLink counts the document's items by link key: an item that shares
	// its link with others is one of a page's items (PassItem.SharesLink).
	atLink map[string]int
}

// entry is one upstream item on its way through build.
type entry struct {
	it       *gofeed.Item
	idx      int    // position in the document
	link     string // resolved: absolute http(s) (<link>, else a permalink guid), or ""
	resolved bool
	key      string
	hash     []byte
	textOnly bool       // JSON Feed content_text: plain text, not HTML (a part of the raw hash)
	text     textFields // the fields that are plain text (markText)
	status   status

	// No title upstream: normalize made one from the body's text, which
	// item makes again from the cleaned text.
	titleFromBody bool

	published time.Time // for unchanged and changed items: as stored, until date
	updated   time.Time
	rawDate   string
}

// resolve returns a func that resolves the entry's link once and returns it.
func (e *entry) resolve(base *url.URL) func() string {
	return func() string {
		if !e.resolved {
			e.link, e.resolved = resolveLink(e.it.Link, base), true
		}
		return e.link
	}
}

type status int

const (
	unchanged status = iota // same key, same raw hash
	changed                 // same key, another raw hash
	added                   // a key the source has not delivered before
)

// build returns the items that are new or changed, oldest first, and sets
// the batch's counters. Unchanged items (same key, same raw hash) are only
// counted: they are neither normalised nor sanitised.
func (b *batch) build() []newsroom.PassItem {
	b.ttl = feedTTL(b.feed)
	mode := b.src.IDMode
	if mode == "" && repeatsGUID(b.feed.Items) {
		b.dupGUIDs, mode = true, newsroom.IDModeLink
	}
	textOnly := jsonTextOnly(b.feed)
	rssItems := rssItemsOf(b.feed)
	fp := fingerprint(b.src, b.base, b.feed.Language)

	// Every item is hashed, on every core: for a document whose items are
	// all stored, the hashes are most of what the pass does beside the parse.
	hashes := make([][]byte, len(b.feed.Items))
	bufs := make([][]byte, runtime.GOMAXPROCS(0)) // one per worker, reused for its items
	eachAtOnce(len(b.feed.Items), len(bufs), func(w, i int) {
		if it := b.feed.Items[i]; it != nil {
			hashes[i] = rawHash(fp, it, textOnly[i], &bufs[w])
		}
	})

	entries := make([]entry, 0, len(b.feed.Items))
	seen := make(map[string]bool, len(b.feed.Items))
	pending := 0
	for i, it := range b.feed.Items {
		if it == nil {
			continue
		}
		e := entry{it: it, idx: i, textOnly: textOnly[i]}
		e.key = itemKey(mode, it, e.resolve(b.base))
		if seen[e.key] { // a repeated link (or GUID): tell them apart by content
			e.key = contentKey(it)
			if seen[e.key] {
				continue // the same item twice
			}
		}
		seen[e.key] = true
		e.hash = hashes[i]
		k, ok := b.known[e.key]
		switch {
		case ok && bytes.Equal(k.Hash, e.hash):
			e.status, e.published = unchanged, k.Published
			b.unchanged++
		case ok:
			e.status, e.published = changed, k.Published
			pending++
		default:
			e.status = added
			pending++
		}
		if e.status != unchanged && e.resolve(b.base)() == "" && rssItems != nil {
			// Only here, not in the item key: an item's identity stays
			// what it was (link mode keys items by <link> alone).
			e.link = permalinkGUID(rssItems[i])
		}
		entries = append(entries, e)
	}
	if pending == 0 {
		return nil
	}
	b.atLink = make(map[string]int, len(entries))
	for i := range entries {
		link := entries[i].resolve(b.base)()
		if link == "" && rssItems != nil { // as items link for their dedupe key, stored ones too
			link = permalinkGUID(rssItems[entries[i].idx])
		}
		if link != "" {
			b.atLink[string(newsroom.LinkKey(link))]++
		}
	}

	b.date(entries)
	b.markText(entries)
	var fresh, edits []*entry
	for i := range entries {
		switch e := &entries[i]; e.status {
		case added:
			fresh = append(fresh, e)
		case changed:
			edits = append(edits, e)
		}
	}
	// A new source's backlog: newest first, at most maxNew a pass. An item
	// that cannot be published takes no place, or it would hold the rest
	// back on every pass.
	slices.SortStableFunc(fresh, func(x, y *entry) int { return y.published.Compare(x.published) })
	m := newMatcher(b.src.Rules)
	items := make([]newsroom.PassItem, 0, min(len(fresh), b.maxNew)+len(edits))
	next := 0
	for next < len(fresh) && len(items) < b.maxNew {
		// As many as there are places left: usually each takes one, so
		// none is normalised in vain, and the first maxNew that can be
		// published are taken, as one at a time would take them.
		end := min(len(fresh), next+b.maxNew-len(items))
		items = b.appendItems(items, fresh[next:end], m)
		next = end
	}
	b.deferred = len(fresh) - next
	items = b.appendItems(items, edits, m)
	// Oldest first: articles published in the same second then list the
	// later-inserted, newer one first.
	slices.SortStableFunc(items, func(x, y newsroom.PassItem) int {
		return x.Article.Published.Compare(y.Article.Published)
	})
	return items
}

// built is one entry's item, or why it has none.
type built struct {
	it      newsroom.PassItem
	ok      bool
	dropped error // Clean refused it
}

// minParallelItems is the fewest items eachAtOnce spreads over cores.
const minParallelItems = 8

// eachAtOnce calls fn(w, i) for every i below n, on up to procs workers
// (runtime.GOMAXPROCS(0), read once by the caller: the runtime may change
// it) when n is at least minParallelItems; w, below procs, is the worker
// making the call, for state of its own. fn must touch only what belongs to
// i (or to w).
func eachAtOnce(n, procs int, fn func(w, i int)) {
	workers := min(procs, n/(minParallelItems/2)) // below 2 when n < minParallelItems
	if workers < 2 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(w, i)
			}
		})
	}
	wg.Wait()
}

// appendItems appends the items of entries, in their order, noting the
// ones Clean refused in dropped. Entries are normalised and cleaned on
// every core the process has: each is CPU work of its own (sanitising,
// reading, cleaning), and a new source's backlog is hundreds of them.
func (b *batch) appendItems(items []newsroom.PassItem, entries []*entry, m *matcher) []newsroom.PassItem {
	out := make([]built, len(entries))
	eachAtOnce(len(entries), runtime.GOMAXPROCS(0), func(_, i int) { out[i] = b.item(entries[i], m) })
	for _, r := range out {
		if r.dropped != nil {
			b.dropped = append(b.dropped, r.dropped)
		}
		if r.ok {
			items = append(items, r.it)
		}
	}
	return items
}

// item normalises and cleans an entry and writes its summary; not ok when
// it is not to be published (nothing to show, or Clean refused it: then
// dropped says why). It touches only e and what it returns, so entries
// can be built at once.
func (b *batch) item(e *entry, m *matcher) built {
	it, body, text, lead, ok := b.normalize(e, m)
	if !ok {
		return built{}
	}
	if body != nil {
		defer body.Release()
	}
	a := it.Article
	if b.clean != nil {
		if lead != "" {
			a.Summary = b.cleanLead(a, lead, text)
		}
		t, err := b.cleanArticle(a, body)
		if err != nil {
			return built{dropped: fmt.Errorf("item %s: %w", e.key, err)}
		}
		text = t
	} else if lead != "" {
		a.Summary = content.Summary(collapse(content.Text(lead)), summaryLen)
	}
	// A title made from the body is made from the cleaned body, and so is
	// what rests on it: the rules' title keywords, the dedupe key (below).
	// Were nothing left, cleaning would have refused the item; the title
	// made before cleaning stays then, as when nothing is cleaned.
	if e.titleFromBody {
		if t := titleFromText(text); t != "" && t != a.Title {
			a.Title, a.Categories = t, b.categories(m, e.it.Categories, t)
		}
	}
	// Made from the body only now, so that it is made from the cleaned one.
	if strings.TrimSpace(a.Summary) == "" {
		a.Summary = content.Summary(text, summaryLen)
	}
	a.Summary = xmlText(a.Summary)
	// The same story from two sources matches on what is published.
	it.LinkKey, it.TextKey = dedupeKeys(e.link, a.Title, text)
	it.SharesLink = len(it.LinkKey) > 0 && b.atLink[string(it.LinkKey)] > 1
	// The body's text, as the pipeline read it: the search index takes it
	// instead of reading the body again. An item without a body of its own
	// (its title made into one) has none, and the store reads it.
	it.Text = text
	return built{it: it, ok: true}
}

// cleanArticle runs Clean on a, whose body the pipeline read as body (nil:
// read here), and returns the text of the body it leaves: the cleaner's
// own (Report.Text), else the body read again.
func (b *batch) cleanArticle(a *feeds.Article, body *content.Body) (string, error) {
	if body == nil {
		body = content.Read(a.ContentHTML, nil)
		defer body.Release()
	}
	r, err := b.clean(a, body)
	if err != nil {
		return "", err
	}
	if r.Text != "" {
		return r.Text, nil
	}
	return content.Text(a.ContentHTML), nil
}

// cleanLead cleans an upstream summary of its own with the rules of the
// body, as the body of a scratch copy of a, and returns it as a summary;
// "" when nothing is left (the summary is then made from the body).
//
// A summary is published as one run of text, and upstreams write its
// boilerplate inside the same paragraph as its story: a "Read more:" link
// after a <br>, an "اقرأ أيضا:" line of a plain-text description, "Share
// this: Facebook | Twitter" after the last full stop. The cleaner decides
// block by block, so the summary goes to it a sentence a block, each line
// (a block of the upstream's HTML, or a line break) split into sentences.
// Nothing is lost by it: the summary is made of the same text, in order.
//
// Before that, the summary's own blocks go to the cleaner as they are:
// a block known by its links, as the feed footer "The post <a>Title</a>
// appeared first on <a>Site</a>." is, can be told only while it has them.
// What is left may be an excerpt of the body (text) after all, the footer
// having been all that told them apart: then "" too.
func (b *batch) cleanLead(a *feeds.Article, lead, text string) string {
	whole := &feeds.Article{GUID: a.GUID, Title: a.Title, ContentHTML: lead, URL: a.URL, Language: a.Language}
	left, err := b.cleanArticle(whole, nil)
	if err != nil || startsBody(left, text) {
		return ""
	}
	var blocks []string
	for _, line := range strings.Split(left, "\n") {
		blocks = append(blocks, content.Sentences(line)...)
	}
	s := &feeds.Article{GUID: a.GUID, Title: a.Title, ContentHTML: content.TextToHTML(blocks), URL: a.URL, Language: a.Language}
	summary, err := b.cleanArticle(s, nil)
	if err != nil {
		return ""
	}
	return content.Summary(collapse(summary), summaryLen)
}

// date gives every new or changed entry its published and updated times and
// raw date string.
//
// Published is the item's published date, else its updated date; a date in
// the future is clamped to now. An undated new item is placed just below
// its neighbour above in the document, one second older per position (the
// neighbour being dated, already stored, or itself placed this way), and at
// now when nothing is above it. Feeds list newest first, so a new source's
// undated backlog does not all land at "now" on top of the category feeds
// but keeps the upstream's order below its dated neighbours, and items left
// for later passes by MaxNewPerPass keep their places. An undated item seen
// before keeps the time it was given then.
func (b *batch) date(entries []entry) {
	anchor, anchorIdx := b.now, 0
	for i := range entries {
		e := &entries[i]
		if e.status != unchanged {
			pub, okPub := parseDate(e.it.Published, e.it.PublishedParsed)
			upd, okUpd := parseDate(e.it.Updated, e.it.UpdatedParsed)
			e.rawDate = cmp.Or(strings.TrimSpace(e.it.Published), strings.TrimSpace(e.it.Updated))
			switch {
			case okPub:
				e.published = pub
			case okUpd:
				e.published, e.rawDate = upd, strings.TrimSpace(e.it.Updated)
			case e.status == changed:
				// keep the stored time
			default:
				e.published = anchor.Add(-time.Duration(e.idx-anchorIdx) * time.Second)
			}
			if okUpd && upd.After(e.published) {
				e.updated = upd
			}
			e.published, e.updated = clampNow(e.published, b.now), clampNow(e.updated, b.now)
		}
		anchor, anchorIdx = e.published, e.idx
	}
}

func clampNow(t, now time.Time) time.Time {
	if t.After(now) {
		return now
	}
	return t
}

// feedTTL is an RSS channel's <ttl> (minutes), 0 when absent or unreadable.
func feedTTL(f *gofeed.Feed) time.Duration {
	rf, ok := f.OriginalFeed().(*rss.Feed)
	if !ok || rf == nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(rf.TTL))
	if err != nil || n <= 0 || n > 7*24*60 {
		return 0
	}
	return time.Duration(n) * time.Minute
}

// jsonTextOnly marks the JSON Feed items that have content_text and no
// content_html: gofeed puts either into Content, but text is not HTML.
func jsonTextOnly(f *gofeed.Feed) []bool {
	out := make([]bool, len(f.Items))
	jf, ok := f.OriginalFeed().(*gojson.Feed)
	if !ok || jf == nil || len(jf.Items) != len(f.Items) {
		return out
	}
	for i, it := range jf.Items {
		out[i] = it != nil && it.ContentHTML == "" && it.ContentText != ""
	}
	return out
}

// rssItemsOf returns an RSS document's items as gofeed read them, one per
// item of f; nil for other formats.
func rssItemsOf(f *gofeed.Feed) []*rss.Item {
	rf, ok := f.OriginalFeed().(*rss.Feed)
	if !ok || rf == nil || len(rf.Items) != len(f.Items) {
		return nil
	}
	return rf.Items
}

// permalinkGUID is the link an RSS item without one is at: its guid when
// RSS 2.0 makes that the item's permalink (isPermaLink absent, which gofeed
// reads as "true", or "true") and it is an absolute http(s) URL; else "".
// A guid with isPermaLink="false" is only an id, whatever it looks like.
func permalinkGUID(it *rss.Item) string {
	if it == nil || it.GUID == nil || !strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "true") {
		return ""
	}
	return resolveLink(it.GUID.Value, nil)
}

// repeatsGUID reports whether two items of the document share a GUID.
func repeatsGUID(items []*gofeed.Item) bool {
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if it == nil {
			continue
		}
		g := strings.TrimSpace(it.GUID)
		if g == "" {
			continue
		}
		if seen[g] {
			return true
		}
		seen[g] = true
	}
	return false
}
