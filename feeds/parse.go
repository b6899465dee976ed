package feeds

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
)

// Parse reads an RSS, Atom or JSON Feed document back into a Feed with gofeed,
// taking from the original per-format feed what gofeed's universal one loses:
// every dc:creator, Atom category terms (gofeed prefers the label), author
// emails and URLs, image type and size, source attribution, extra links and
// the _newswire extension. It does not validate; call Validate for that.
//
// Feed-level history comes back too: the RFC 5005 Archive flag and archive
// links, and RFC 6721 tombstones in Deleted (read under the "fh" and "at"
// prefixes newswire declares). A rel="self" link is SelfURL, not in Links.
//
// An item without a language of its own gets the feed's. Two things do not
// come back: gofeed ignores xml:lang on Atom entries (they all get the feed's
// language), and RSS and Atom carry only the first source and no related links.
func Parse(data []byte) (*Feed, error) {
	gf, err := parseFeed(data)
	if err != nil {
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	f := &Feed{
		Title:       gf.Title,
		Description: gf.Description,
		Link:        gf.Link,
		SelfURL:     gf.FeedLink,
		Language:    gf.Language,
		Updated:     utc(gf.UpdatedParsed),
		Items:       make([]*Article, 0, len(gf.Items)),
	}
	switch o := gf.OriginalFeed().(type) {
	case *rss.Feed:
		parseRSS(f, gf, o)
		parseXMLHistory(f, o.Extensions)
	case *atom.Feed:
		parseAtom(f, o)
		parseXMLHistory(f, o.Extensions)
	case *jsonfeed.Feed:
		if err := parseJSON(f, o, data); err != nil {
			return nil, fmt.Errorf("parse feed: %w", err)
		}
	default:
		return nil, fmt.Errorf("parse feed: unexpected %s feed", gf.FeedType)
	}
	return f, nil
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func parseRSS(f *Feed, gf *gofeed.Feed, o *rss.Feed) {
	if f.Updated.IsZero() {
		f.Updated = utc(o.PubDateParsed)
	}
	f.Links = extraLinks(atomExt(o.Extensions, "link"))
	for i, it := range o.Items {
		u := gf.Items[i]
		a := &Article{
			Title:       it.Title,
			Summary:     html.UnescapeString(it.Description), // HTML to readers: escaped plain text
			ContentHTML: it.Content,
			URL:         it.Link,
			Published:   utc(u.PublishedParsed),
			Updated:     utc(u.UpdatedParsed),
		}
		if it.GUID != nil {
			a.GUID = it.GUID.Value
		}
		if dc := it.DublinCoreExt; dc != nil {
			for _, c := range dc.Creator {
				a.Authors = append(a.Authors, Person{Name: c})
			}
			if len(dc.Language) > 0 {
				a.Language = dc.Language[0]
			}
		}
		if a.Language == "" {
			a.Language = f.Language
		}
		if len(a.Authors) == 0 {
			for _, p := range u.Authors {
				a.Authors = append(a.Authors, Person{Name: p.Name, Email: p.Email})
			}
		}
		if a.Updated.IsZero() {
			a.Updated = a.Published
		}
		for _, c := range it.Categories {
			a.Categories = append(a.Categories, c.Value)
		}
		for _, m := range it.Extensions["media"]["content"] {
			if m.Attrs["medium"] == "image" || strings.HasPrefix(m.Attrs["type"], "image/") {
				a.Image = &Image{URL: m.Attrs["url"], Type: m.Attrs["type"], Length: atoi(m.Attrs["fileSize"])}
				break
			}
		}
		for _, e := range it.Enclosures {
			if a.Image == nil && strings.HasPrefix(e.Type, "image/") {
				a.Image = &Image{URL: e.URL, Type: e.Type, Length: atoi(e.Length)}
			}
		}
		var src Source
		if it.Source != nil {
			src = Source{Name: it.Source.Title, FeedURL: it.Source.URL}
		}
		for _, l := range atomExt(it.Extensions, "link") {
			if l.Attrs["rel"] == "via" {
				src.Link = l.Attrs["href"]
			}
		}
		if src != (Source{}) {
			a.Sources = []Source{src}
		}
		f.Items = append(f.Items, a)
	}
}

// extraLinks returns the atom:link elements of an RSS channel other than self and alternate.
func extraLinks(links []ext.Extension) []Link {
	var out []Link
	for _, l := range links {
		if rel := l.Attrs["rel"]; rel != "self" && rel != "alternate" && rel != "" {
			out = append(out, Link{Rel: rel, Href: l.Attrs["href"], Type: l.Attrs["type"]})
		}
	}
	return out
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

func parseAtom(f *Feed, o *atom.Feed) {
	f.ID = o.ID
	for _, l := range o.Links {
		if l.Rel != "self" && l.Rel != "alternate" {
			f.Links = append(f.Links, Link{Rel: l.Rel, Href: l.Href, Type: l.Type})
		}
	}
	labels := map[string]bool{}
	for _, e := range o.Entries {
		a := &Article{
			GUID:      e.ID,
			Title:     e.Title,
			Summary:   e.Summary,
			Language:  f.Language, // gofeed does not read xml:lang on entries
			Published: utc(e.PublishedParsed),
			Updated:   utc(e.UpdatedParsed),
		}
		if e.Content != nil {
			a.ContentHTML = e.Content.Value
		}
		if a.Published.IsZero() {
			a.Published = a.Updated
		}
		for _, l := range e.Links {
			switch {
			case l.Rel == "alternate" && a.URL == "":
				a.URL = l.Href
			case l.Rel == "enclosure" && a.Image == nil && (l.Type == "" || strings.HasPrefix(l.Type, "image/")):
				a.Image = &Image{URL: l.Href, Type: l.Type, Length: atoi(l.Length)}
			case l.Rel == "via":
				a.Sources = []Source{{Link: l.Href}}
			}
		}
		for _, p := range e.Authors {
			a.Authors = append(a.Authors, Person{Name: p.Name, Email: p.Email, URL: p.URI})
		}
		for _, c := range e.Categories {
			a.Categories = append(a.Categories, c.Term)
			if c.Label != "" && !labels[c.Term] {
				labels[c.Term] = true
				f.Categories = append(f.Categories, Category{Slug: c.Term, Title: c.Label})
			}
		}
		if s := e.Source; s != nil {
			if len(a.Sources) == 0 {
				a.Sources = []Source{{}}
			}
			a.Sources[0].Name = s.Title
			a.Sources[0].FeedURL = s.ID
			for _, l := range s.Links {
				if l.Rel == "self" {
					a.Sources[0].FeedURL = l.Href
				}
			}
		}
		f.Items = append(f.Items, a)
	}
}

// parseXMLHistory reads <fh:archive/> and <at:deleted-entry> from the
// extension elements of an RSS channel or Atom feed.
func parseXMLHistory(f *Feed, e ext.Extensions) {
	f.Archive = len(e["fh"]["archive"]) > 0
	for _, x := range e["at"]["deleted-entry"] {
		t := Tombstone{GUID: x.Attrs["ref"], When: parseTime(x.Attrs["when"])}
		if c := x.Children["comment"]; len(c) > 0 {
			t.Comment = c[0].Value
		}
		if by := x.Children["by"]; len(by) > 0 {
			if n := by[0].Children["name"]; len(n) > 0 {
				t.By = n[0].Value
			}
		}
		f.Deleted = append(f.Deleted, t)
	}
}

// jsonExtras is what gofeed's JSON Feed types leave out: hubs and our extensions.
type jsonExtras struct {
	Hubs []struct {
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"hubs"`
	Newswire *jsonFeedNewswire `json:"_newswire"`
	Items    []struct {
		Newswire *jsonNewswire `json:"_newswire"`
	} `json:"items"`
}

func parseJSON(f *Feed, o *jsonfeed.Feed, data []byte) error {
	var x jsonExtras
	var typeErr *json.UnmarshalTypeError
	if err := json.Unmarshal(data, &x); err != nil && !errors.As(err, &typeErr) {
		return fmt.Errorf("json extensions: %w", err)
	} // an extension of the wrong type is left out; Validate reports it

	for _, h := range x.Hubs {
		f.Links = append(f.Links, Link{Rel: RelHub, Href: h.URL})
	}
	var prev string
	if n := x.Newswire; n != nil {
		f.Archive = n.Archive
		for _, l := range [...]Link{{Rel: RelCurrent, Href: n.Current}, {Rel: RelPrevArchive, Href: n.PrevArchive}, {Rel: RelNextArchive, Href: n.NextArchive}} {
			if l.Href != "" {
				f.Links = append(f.Links, l)
			}
		}
		for _, t := range n.Deleted {
			f.Deleted = append(f.Deleted, Tombstone{GUID: t.ID, When: parseTime(t.When), Comment: t.Comment, By: t.By})
		}
		prev = n.PrevArchive
	}
	if o.NextURL != "" && o.NextURL != prev {
		f.Links = append(f.Links, Link{Rel: "next", Href: o.NextURL}) // next_url is prev-archive when there is one
	}
	for i, it := range o.Items {
		a := &Article{
			GUID:        it.ID,
			Title:       it.Title,
			Summary:     it.Summary,
			ContentHTML: it.ContentHTML,
			URL:         it.URL,
			Language:    it.Language,
			Published:   parseTime(it.DatePublished),
			Updated:     parseTime(it.DateModified),
			Categories:  it.Tags,
		}
		if a.Language == "" {
			a.Language = o.Language
		}
		if a.Updated.IsZero() {
			a.Updated = a.Published
		}
		for _, p := range it.Authors {
			a.Authors = append(a.Authors, Person{Name: p.Name, URL: p.URL})
		}
		if it.Image != "" {
			a.Image = &Image{URL: it.Image}
		}
		if i < len(x.Items) && x.Items[i].Newswire != nil {
			a.Related = x.Items[i].Newswire.Related
			a.Sources = x.Items[i].Newswire.Sources
		}
		f.Items = append(f.Items, a)
	}
	f.Updated = time.Time{} // gofeed takes the first item's date_modified; use the newest
	for _, a := range f.Items {
		if a.Updated.After(f.Updated) {
			f.Updated = a.Updated
		}
	}
	return nil
}

// parseTime reads an RFC 3339 time as UTC; zero when absent or malformed.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
