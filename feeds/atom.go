package feeds

import (
	"fmt"
	"io"
	"time"

	gorilla "github.com/gorilla/feeds"
)

// atomFeed extends gorilla's AtomFeed. Hiding goes by XML name, so the
// alternate, self and extra links all live in the one Links slice.
type atomFeed struct {
	*gorilla.AtomFeed
	Lang    string             `xml:"xml:lang,attr,omitempty"`
	NSFH    string             `xml:"xmlns:fh,attr,omitempty"` // only in archive pages
	NSAT    string             `xml:"xmlns:at,attr,omitempty"` // only with tombstones
	Links   []gorilla.AtomLink `xml:"link"`                    // hides AtomFeed.Link
	Archive *xmlEmpty          `xml:"fh:archive"`
	Deleted []xmlTombstone     `xml:"at:deleted-entry"`
	Entries []*atomEntry       `xml:"entry"` // hides AtomFeed.Entries
}

// FeedXml lets gorilla.WriteXML encode the document.
func (f *atomFeed) FeedXml() interface{} { return f }

type atomEntry struct {
	*gorilla.AtomEntry
	Lang       string               `xml:"xml:lang,attr,omitempty"`
	Categories []atomCategory       `xml:"category"` // hides the term-less AtomEntry.Category
	Content    *atomHTML            `xml:"content"`  // hides AtomEntry.Content
	Authors    []gorilla.AtomAuthor `xml:"author"`   // hides the single AtomEntry.Author
	Source     *atomSource          `xml:"source"`   // hides the string AtomEntry.Source
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// atomHTML is HTML content written as CDATA, as RSS content:encoded is.
// gorilla's AtomContent is escaped text, and encoding/xml escapes every
// quote, tab and newline in it as a 5-byte character reference: HTML grows
// by a tenth or more. gofeed also runs escaped type="html" content through
// html.Parse (looking for a wrapping <div>), which CDATA skips.
type atomHTML struct {
	Type    string `xml:"type,attr"`
	Content string `xml:",cdata"`
}

type atomSource struct {
	ID    string             `xml:"id,omitempty"`
	Title string             `xml:"title,omitempty"`
	Links []gorilla.AtomLink `xml:"link"`
}

// WriteAtom renders f as Atom 1.0: gorilla's mapping plus xml:lang on the feed
// and its entries, a stable feed id, self and extra links (hub, RFC 5005
// archive links), <fh:archive/>, RFC 6721 <at:deleted-entry> tombstones,
// <published>, several authors, <category term label>, HTML content and
// <source> attribution.
func WriteAtom(w io.Writer, f *Feed) error {
	d, err := prepare(f)
	if err != nil {
		return fmt.Errorf("write atom: %w", err)
	}
	return d.writeAtom(w)
}

func (d *doc) writeAtom(w io.Writer) error {
	if err := gorilla.WriteXML(d.atomFeed(), w); err != nil {
		return fmt.Errorf("write atom: %w", err)
	}
	return nil
}

// atomFeed maps the prepared feed onto the Atom document.
func (d *doc) atomFeed() *atomFeed {
	gf := d.gorillaFeed()
	// RFC 4287 wants an author on each entry or on the feed.
	if d.feedAuthor || d.needsFeedAuthor(nil) {
		gf.Author = &gorilla.Author{Name: d.feed.Title}
	}
	out := &atomFeed{AtomFeed: (&gorilla.Atom{Feed: gf}).AtomFeed(), Lang: d.feed.Language}
	out.Id = d.id // gorilla would use the site link: Feed.ID, else the self URL
	if d.feed.Link != "" {
		out.Links = append(out.Links, gorilla.AtomLink{Href: d.feed.Link, Rel: "alternate", Type: "text/html"})
	}
	if d.feed.SelfURL != "" {
		out.Links = append(out.Links, gorilla.AtomLink{Href: d.feed.SelfURL, Rel: "self", Type: FormatAtom.MediaType()})
	}
	for _, l := range d.feed.Links {
		out.Links = append(out.Links, gorilla.AtomLink{Href: l.Href, Rel: l.Rel, Type: l.Type})
	}
	out.Archive, out.Deleted = d.xmlHistory(false)
	out.NSFH, out.NSAT = nsIf(d.feed.Archive, nsFH), nsIf(len(d.feed.Deleted) > 0, nsAT)
	// One allocation per kind of element for the whole feed, not one per entry.
	n, nCats, nAuthors := len(d.items), 0, 0
	for i := range d.items {
		nCats += len(d.items[i].Categories)
		nAuthors += len(d.items[i].Authors)
	}
	entries := make([]atomEntry, n)
	contents := make([]atomHTML, n)
	cats := make([]atomCategory, 0, nCats)
	authors := make([]gorilla.AtomAuthor, 0, nAuthors)
	out.Entries = make([]*atomEntry, n)
	for i, ge := range out.AtomFeed.Entries {
		a := &d.items[i]
		ge.Published = a.Published.Format(time.RFC3339)
		if ge.Summary != nil {
			ge.Summary.Type = "text" // our excerpt is plain text; gorilla says html
		}
		e := &entries[i]
		*e = atomEntry{AtomEntry: ge, Lang: a.Language}
		if a.ContentHTML != "" {
			contents[i] = atomHTML{Type: "html", Content: a.ContentHTML}
			e.Content = &contents[i]
		}
		for _, c := range a.Categories {
			cats = append(cats, atomCategory{Term: c, Label: d.labels[c]})
		}
		e.Categories = cats[len(cats)-len(a.Categories):]
		for _, p := range a.Authors {
			authors = append(authors, gorilla.AtomAuthor{AtomPerson: gorilla.AtomPerson{Name: p.Name, Email: p.Email, Uri: p.URL}})
		}
		e.Authors = authors[len(authors)-len(a.Authors):]
		if len(a.Sources) > 0 {
			s := a.Sources[0] // an entry has room for one <source>
			e.Source = &atomSource{ID: s.FeedURL, Title: s.Name}
			if s.FeedURL != "" {
				e.Source.Links = []gorilla.AtomLink{{Href: s.FeedURL, Rel: "self"}}
			}
			if s.Link != "" {
				ge.Links = append(ge.Links, gorilla.AtomLink{Href: s.Link, Rel: "via"})
			}
		}
		out.Entries[i] = e
	}
	out.AtomFeed.Entries = nil
	return out
}
