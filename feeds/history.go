package feeds

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Link relations newswire gives a meaning to in Feed.Links.
const (
	RelSelf        = "self"         // the URL the document is served at: same as Feed.SelfURL
	RelHub         = "hub"          // a WebSub hub for this feed (its topic is the self link)
	RelCurrent     = "current"      // RFC 5005: the subscription document, from an archive page
	RelPrevArchive = "prev-archive" // RFC 5005: the archive page just before this one (older items)
	RelNextArchive = "next-archive" // RFC 5005: the archive page just after this one (newer items)
)

// Namespaces of the feed history (RFC 5005) and tombstone (RFC 6721)
// elements; the prefixes are declared on the root only when used.
const (
	nsFH = "http://purl.org/syndication/history/1.0"
	nsAT = "http://purl.org/atompub/tombstones/1.0"
)

// ErrDeletedAndPresent means a feed both withdraws an article (a Tombstone)
// and carries it as an item; subscribers would delete a live article.
var ErrDeletedAndPresent = errors.New("article both withdrawn and present")

// HubLinks returns the WebSub discovery links of a feed: rel="hub" to the hub
// and rel="self" to the topic, the URL the feed is served at. Put them in
// Feed.Links (the self link then sets SelfURL, or must equal it) and, with
// LinkHeader, in the HTTP response; WebSub wants both. An empty URL gives
// no link.
func HubLinks(hub, self string) []Link {
	var links []Link
	if hub != "" {
		links = append(links, Link{Rel: RelHub, Href: hub})
	}
	if self != "" {
		links = append(links, Link{Rel: RelSelf, Href: self})
	}
	return links
}

// LinkHeader formats links as the value of an HTTP Link header (RFC 8288),
// e.g. `<https://news.example/websub>; rel="hub", <https://…/politics.rss>; rel="self"`.
// Hrefs go through the same cleaning as in feeds; a link whose href is empty
// or would still break the header (control characters, '>') is left out,
// so the value can never split the header.
func LinkHeader(links []Link) string {
	var b strings.Builder
	for _, l := range links {
		href := xmlSafeURL(l.Href)
		if href == "" || strings.ContainsFunc(href, func(r rune) bool { return r <= ' ' || r == '>' || r == 0x7f }) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("<" + href + ">")
		if rel := headerToken(l.Rel); rel != "" {
			b.WriteString(`; rel="` + rel + `"`)
		}
		if typ := headerToken(l.Type); typ != "" {
			b.WriteString(`; type="` + typ + `"`)
		}
	}
	return b.String()
}

// headerToken makes s safe inside a quoted-string: controls dropped (no header
// splitting), quotes and backslashes escaped.
func headerToken(s string) string {
	s = xmlSafe(s)
	if !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f || r == '"' || r == '\\' }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < ' ' || r == 0x7f:
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// prepareHistory copies f's RFC 5005 flag and RFC 6721 tombstones onto d,
// cleaned. It runs after the items are prepared, to catch a withdrawn
// article that is still an item. With skip, a tombstone that cannot be
// rendered is left out, and an item a tombstone withdraws is dropped (the
// withdrawal is the newer fact); both are recorded in d.skipped.
func (d *doc) prepareHistory(f *Feed, skip bool) error {
	d.feed.Archive = f.Archive
	if len(f.Deleted) == 0 {
		return nil
	}
	present := make(map[string]int, len(d.items))
	for i := range d.items {
		present[d.items[i].GUID] = i + 1
	}
	withdrawn := map[int]bool{}
	d.feed.Deleted = make([]Tombstone, 0, len(f.Deleted))
	for i, t := range f.Deleted {
		c := Tombstone{GUID: xmlSafe(t.GUID), Comment: xmlSafe(t.Comment), By: xmlSafe(t.By)}
		var err error
		when, ok := normTime(t.When)
		switch {
		case c.GUID == "":
			err = fmt.Errorf("tombstone %d: %w", i+1, ErrNoGUID)
		case !ok:
			err = fmt.Errorf("tombstone %d (%q): when %v: %w", i+1, c.GUID, t.When, ErrBadDate)
		case present[c.GUID] > 0 && !skip:
			err = fmt.Errorf("tombstone %d: %q: %w", i+1, c.GUID, ErrDeletedAndPresent)
		case present[c.GUID] > 0:
			withdrawn[present[c.GUID]-1] = true
		}
		if err != nil && !skip {
			return err
		}
		if err != nil {
			d.skipped = append(d.skipped, ItemError{Index: i, GUID: c.GUID, Kind: KindBadTombstone, Tombstone: true, Err: err})
			continue
		}
		c.When = when
		d.feed.Deleted = append(d.feed.Deleted, c)
	}
	if len(withdrawn) > 0 {
		d.drop(func(i int) error {
			if withdrawn[i] {
				return fmt.Errorf("item %q: %w", d.items[i].GUID, ErrDeletedAndPresent)
			}
			return nil
		})
	}
	return nil
}

// firstLink returns the href of d's first extra link with rel, or "".
func (d *doc) firstLink(rel string) string {
	for _, l := range d.feed.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// xmlTombstone is <at:deleted-entry> in both XML formats.
type xmlTombstone struct {
	Ref     string     `xml:"ref,attr"`
	When    string     `xml:"when,attr"`
	By      *xmlPerson `xml:"at:by"`
	Comment string     `xml:"at:comment,omitempty"`
}

// xmlPerson is the Atom person construct inside <at:by>: <name> in an Atom
// document, where Atom is the default namespace, and <atom:name> in RSS.
type xmlPerson struct {
	Name     string `xml:"name,omitempty"`
	AtomName string `xml:"atom:name,omitempty"`
}

// xmlEmpty renders as an empty element, such as <fh:archive></fh:archive>.
type xmlEmpty struct{}

// xmlHistory returns the archive marker and tombstones as the XML formats
// write them; inRSS names the tombstone's author atom:name.
func (d *doc) xmlHistory(inRSS bool) (archive *xmlEmpty, deleted []xmlTombstone) {
	if d.feed.Archive {
		archive = &xmlEmpty{}
	}
	if len(d.feed.Deleted) == 0 {
		return archive, nil
	}
	deleted = make([]xmlTombstone, len(d.feed.Deleted))
	by := make([]xmlPerson, len(d.feed.Deleted))
	for i, t := range d.feed.Deleted {
		deleted[i] = xmlTombstone{Ref: t.GUID, When: t.When.Format(time.RFC3339), Comment: t.Comment}
		if t.By != "" {
			if inRSS {
				by[i].AtomName = t.By
			} else {
				by[i].Name = t.By
			}
			deleted[i].By = &by[i]
		}
	}
	return archive, deleted
}

// nsIf returns ns when used, else "" so that the xmlns attribute is omitted.
func nsIf(used bool, ns string) string {
	if used {
		return ns
	}
	return ""
}
