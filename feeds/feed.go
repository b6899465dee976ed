package feeds

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	gorilla "github.com/gorilla/feeds"
)

// Format is one of the three feed formats newswire publishes.
type Format int

// The formats, in the order newswire lists them.
const (
	FormatRSS Format = iota + 1
	FormatAtom
	FormatJSON
)

// Sentinel errors callers can branch on with errors.Is.
var (
	// ErrUnknownFormat is returned by ParseFormat and Write for anything but rss, atom and json.
	ErrUnknownFormat = errors.New("unknown feed format")
	// ErrNoGUID means an item has no GUID; rendering one would make up an id
	// that changes on every render (gorilla does exactly that for Atom).
	ErrNoGUID = errors.New("article has no guid")
	// ErrBadDate means an item has neither a published nor an updated time,
	// or one outside the years 1-9999 that RFC 3339 can express.
	ErrBadDate = errors.New("article has no usable date")
	// ErrNoContent means an item has neither content nor summary: JSON Feed
	// requires one of content_html and content_text, and Atom an entry's
	// content or an alternate link to it.
	ErrNoContent = errors.New("article has neither content nor summary")
)

// AllFormats returns every format, in the order newswire lists them.
func AllFormats() []Format { return []Format{FormatRSS, FormatAtom, FormatJSON} }

// ParseFormat returns the format for a file extension or name: "rss", "atom"
// or "json", with or without a leading dot, in any case.
func ParseFormat(ext string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(ext, ".")) {
	case "rss":
		return FormatRSS, nil
	case "atom":
		return FormatAtom, nil
	case "json":
		return FormatJSON, nil
	}
	return 0, fmt.Errorf("%w %q", ErrUnknownFormat, ext)
}

// String returns the format's name, which is also its file extension.
func (fm Format) String() string {
	if e := fm.Extension(); e != "" {
		return e
	}
	return "Format(" + strconv.Itoa(int(fm)) + ")"
}

// Extension returns the file extension newswire serves the format under,
// without a dot: "rss", "atom" or "json"; "" for an unknown format.
func (fm Format) Extension() string {
	switch fm {
	case FormatRSS:
		return "rss"
	case FormatAtom:
		return "atom"
	case FormatJSON:
		return "json"
	}
	return ""
}

// MediaType returns the format's media type without parameters, as used in
// self links: "application/rss+xml", "application/atom+xml", "application/feed+json".
func (fm Format) MediaType() string {
	switch fm {
	case FormatRSS:
		return "application/rss+xml"
	case FormatAtom:
		return "application/atom+xml"
	case FormatJSON:
		return "application/feed+json"
	}
	return ""
}

// ContentType returns the HTTP Content-Type for the format, with charset=utf-8.
func (fm Format) ContentType() string {
	if mt := fm.MediaType(); mt != "" {
		return mt + "; charset=utf-8"
	}
	return ""
}

// Write renders f in the given format to w.
func Write(w io.Writer, f *Feed, fm Format) error {
	switch fm {
	case FormatRSS:
		return WriteRSS(w, f)
	case FormatAtom:
		return WriteAtom(w, f)
	case FormatJSON:
		return WriteJSON(w, f)
	}
	return fmt.Errorf("write feed: %w %d", ErrUnknownFormat, int(fm))
}

// write renders the prepared feed in format fm; errors name the format.
func (d *doc) write(w io.Writer, fm Format) error {
	switch fm {
	case FormatRSS:
		return d.writeRSS(w)
	case FormatAtom:
		return d.writeAtom(w)
	case FormatJSON:
		return d.writeJSON(w)
	}
	return fmt.Errorf("write feed: %w %d", ErrUnknownFormat, int(fm))
}

// doc is a feed made ready for rendering: every string sanitised, every time
// in UTC and whole seconds, missing dates filled in. All three formats render
// from it, so they carry the same text.
type doc struct {
	feed     Feed // cleaned copy of the metadata; the items are in items
	items    []Article
	excerpts []string // plain-text summary per item
	index    []int    // each item's position in the Feed's Items
	given    int      // len(Feed.Items)
	labels   map[string]string
	id       string // Atom feed id
	updated  time.Time
	skipped  []ItemError // items left out (see Publish); always empty for Write
	// feedAuthor gives an Atom feed an author of its own even without an
	// entry that lacks one: a frame rendered without the items it frames.
	feedAuthor bool
}

// excerptRunes bounds the plain-text excerpt made from content when an
// article has no summary.
const excerptRunes = 300

// prepare sanitises and normalises f for rendering; see doc. An item that
// cannot be rendered is an error.
func prepare(f *Feed) (*doc, error) { return prepareDoc(f, false) }

// prepareDoc is prepare; with skip, an item or tombstone that cannot be
// rendered is left out and recorded in d.skipped instead of failing the feed.
func prepareDoc(f *Feed, skip bool) (*doc, error) {
	d := &doc{feed: Feed{
		ID:          xmlSafe(f.ID),
		Title:       xmlSafe(f.Title),
		Description: xmlSafe(f.Description),
		Link:        xmlSafeURL(f.Link),
		SelfURL:     xmlSafeURL(f.SelfURL),
		Language:    publishedLanguage(f.Language),
	}}
	if !f.Updated.IsZero() { // zero: derived from the items below
		t, ok := normTime(f.Updated)
		if !ok {
			return nil, fmt.Errorf("feed updated %v: %w", f.Updated, ErrBadDate)
		}
		d.updated = t
	}
	for _, l := range f.Links {
		l = Link{Rel: xmlSafe(l.Rel), Href: xmlSafeURL(l.Href), Type: xmlSafe(l.Type)}
		switch {
		case l.Href == "":
		case strings.EqualFold(l.Rel, RelSelf):
			// Every format writes the self link from SelfURL; two different
			// ones would leave WebSub subscribers with two topics.
			if d.feed.SelfURL != "" && d.feed.SelfURL != l.Href {
				return nil, fmt.Errorf("feed link rel=self %q differs from SelfURL %q", l.Href, d.feed.SelfURL)
			}
			d.feed.SelfURL = l.Href
		default:
			d.feed.Links = append(d.feed.Links, l)
		}
	}
	if len(f.Categories) > 0 {
		d.labels = make(map[string]string, len(f.Categories))
		for _, c := range f.Categories {
			if slug, title := xmlSafe(c.Slug), xmlSafe(c.Title); slug != "" && title != "" && title != slug {
				d.labels[slug] = title
			}
		}
	}
	d.id = d.feed.ID
	if d.id == "" {
		// An RFC 5005 archive page is part of the feed it links to as current:
		// one logical feed, one id.
		d.id = d.firstLink(RelCurrent)
	}
	if d.id == "" {
		d.id = d.feed.SelfURL
	}
	if d.id == "" {
		d.id = d.feed.Link
	}

	d.given = len(f.Items)
	d.items = make([]Article, 0, len(f.Items))
	d.excerpts = make([]string, 0, len(f.Items))
	d.index = make([]int, 0, len(f.Items))
	for i, in := range f.Items {
		if in == nil {
			continue
		}
		a, err := xmlSafeArticle(in)
		if err != nil {
			if skip {
				d.skip(i, in.GUID, err)
				continue
			}
			return nil, fmt.Errorf("item %d (%q): %w", i+1, in.GUID, err)
		}
		d.items = append(d.items, a)
		ex := a.Summary
		if ex == "" {
			ex = excerpt(a.ContentHTML, excerptRunes)
		}
		d.excerpts = append(d.excerpts, ex)
		d.index = append(d.index, i)
	}
	if err := d.prepareHistory(f, skip); err != nil {
		return nil, err
	}
	if d.updated.IsZero() {
		d.derive(f.Created)
	}
	return d, nil
}

// derive sets d's updated time from its items and tombstones: the newest
// of them, else created, else the epoch; never time.Now, so that rendering
// the same data twice gives the same bytes (and ETag).
func (d *doc) derive(created time.Time) {
	var newest time.Time
	for i := range d.items {
		if d.items[i].Updated.After(newest) {
			newest = d.items[i].Updated
		}
	}
	for _, t := range d.feed.Deleted {
		if t.When.After(newest) {
			newest = t.When // a withdrawal changes the feed as much as an edit
		}
	}
	d.updated = newest
	if d.updated.IsZero() {
		d.updated = time.Unix(0, 0).UTC()
		if t, ok := normTime(created); ok {
			d.updated = t
		}
	}
}

// skip records that the item at position i of the Feed's Items is left out.
func (d *doc) skip(i int, guid string, err error) {
	d.skipped = append(d.skipped, ItemError{Index: i, GUID: xmlSafe(guid), Kind: kindOf(err), Err: err})
}

// normTime returns t in UTC, truncated to whole seconds, and whether it is
// usable: non-zero and inside the years RFC 3339 and JSON can express.
func normTime(t time.Time) (time.Time, bool) {
	if t.IsZero() {
		return time.Time{}, false
	}
	t = t.UTC().Truncate(time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// xmlSafeArticle returns a sanitised copy of a: every string through xmlSafe
// or xmlSafeURL, empty authors and categories dropped, times normalised, and a
// missing published or updated time taken from the other.
func xmlSafeArticle(in *Article) (Article, error) {
	a := Article{
		GUID:        xmlSafe(in.GUID),
		Title:       xmlSafe(in.Title),
		Summary:     xmlSafe(in.Summary),
		ContentHTML: xmlSafe(in.ContentHTML),
		URL:         xmlSafeURL(in.URL),
		Language:    publishedLanguage(in.Language),
	}
	if a.GUID == "" {
		return a, ErrNoGUID
	}
	if strings.TrimSpace(a.ContentHTML) == "" && strings.TrimSpace(a.Summary) == "" {
		return a, ErrNoContent
	}
	pub, okP := normTime(in.Published)
	upd, okU := normTime(in.Updated)
	switch {
	case !okP && !in.Published.IsZero(), !okU && !in.Updated.IsZero():
		return a, fmt.Errorf("date out of range: %w", ErrBadDate)
	case !okP && !okU:
		return a, ErrBadDate
	case !okP:
		pub = upd
	case !okU:
		upd = pub
	}
	a.Published, a.Updated = pub, upd
	// Clean slices are shared with the caller, not copied: nothing here writes to them.
	a.Authors = xmlSafeAll(in.Authors, func(p Person) (Person, bool) {
		p = Person{Name: xmlSafe(p.Name), Email: xmlSafe(p.Email), URL: xmlSafeURL(p.URL)}
		if p.Name == "" {
			p.Name = p.Email // every format needs a name; Atom requires one
		}
		return p, p.Name != ""
	})
	a.Categories = xmlSafeAll(in.Categories, func(c string) (string, bool) {
		c = xmlSafe(c)
		return c, c != ""
	})
	if in.Image != nil {
		img := Image{URL: xmlSafeURL(in.Image.URL), Type: xmlSafe(in.Image.Type), Length: max(in.Image.Length, 0)}
		switch {
		case img.URL == "":
		case img == *in.Image:
			a.Image = in.Image
		default:
			a.Image = &img
		}
	}
	a.Related = xmlSafeAll(in.Related, func(r Related) (Related, bool) {
		r = Related{Title: xmlSafe(r.Title), URL: xmlSafeURL(r.URL)}
		return r, r != (Related{})
	})
	a.Sources = xmlSafeAll(in.Sources, func(s Source) (Source, bool) {
		s = Source{Name: xmlSafe(s.Name), FeedURL: xmlSafeURL(s.FeedURL), Link: xmlSafeURL(s.Link)}
		return s, s != (Source{})
	})
	return a, nil
}

// xmlSafeAll returns in with safe applied to each element and the elements
// it rejects dropped; in itself when that changes nothing, to save the copy.
func xmlSafeAll[T comparable](in []T, safe func(T) (T, bool)) []T {
	for i, x := range in {
		if c, ok := safe(x); ok && c == x {
			continue
		}
		out := make([]T, i, len(in))
		copy(out, in[:i])
		for _, x := range in[i:] {
			if c, ok := safe(x); ok {
				out = append(out, c)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return in
}

// gorillaFeed maps the prepared feed onto gorilla's generic Feed, whose
// per-format mappings (RssFeed, AtomFeed, JSONFeed) each writer then extends.
// Authors, categories, sources and language are left to the writers: gorilla
// has one author and one category string per item, and no language.
func (d *doc) gorillaFeed() *gorilla.Feed {
	gf := &gorilla.Feed{
		Title:       d.feed.Title,
		Link:        &gorilla.Link{Href: d.feed.Link},
		Description: d.feed.Description,
		Updated:     d.updated,
		Id:          d.id,
		Items:       make([]*gorilla.Item, len(d.items)),
	}
	for i := range d.items {
		a := &d.items[i]
		gi := &gorilla.Item{
			Title:       a.Title,
			Link:        &gorilla.Link{Href: a.URL},
			Description: d.excerpts[i],
			Id:          a.GUID, // never empty: gorilla would invent a random urn:uuid
			IsPermaLink: "false",
			Created:     a.Published,
			Updated:     a.Updated,
			Content:     a.ContentHTML,
		}
		if a.Image != nil {
			// gorilla's RSS drops this unless Type and Length are both set,
			// which is what we want; Atom keeps it as a rel="enclosure" link.
			gi.Enclosure = &gorilla.Enclosure{Url: a.Image.URL, Type: a.Image.Type}
			if a.Image.Length > 0 {
				gi.Enclosure.Length = strconv.FormatInt(a.Image.Length, 10)
			}
		}
		gf.Items[i] = gi
	}
	return gf
}

// authorNames is how a person appears where a format has only a name.
func authorNames(ps []Person) []string {
	if len(ps) == 0 {
		return nil
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

// publishedLanguage is a language tag as feeds publish it: in canonical
// form (NormalizeLanguage), so that an article stored before the doors
// normalised tags ("ar_SA") carries the same tag as its direction was
// decided by; a tag that cannot be read is published as it was given.
func publishedLanguage(s string) string {
	s = xmlSafe(s)
	if tag, err := NormalizeLanguage(s); err == nil {
		return tag
	}
	return s
}
