package feeds

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	gorilla "github.com/gorilla/feeds"
)

// Namespaces declared on the RSS root.
const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsMedia   = "http://search.yahoo.com/mrss/"
)

// rssDoc is the <rss> root: gorilla's root (version, xmlns:content) plus the
// namespaces of the elements newswire adds, and our channel.
type rssDoc struct {
	gorilla.RssFeedXml
	NSAtom  string      `xml:"xmlns:atom,attr"`
	NSDC    string      `xml:"xmlns:dc,attr"`
	NSMedia string      `xml:"xmlns:media,attr"`
	NSFH    string      `xml:"xmlns:fh,attr,omitempty"` // only in archive pages
	NSAT    string      `xml:"xmlns:at,attr,omitempty"` // only with tombstones
	Channel *rssChannel `xml:"channel"`                 // hides RssFeedXml.Channel
}

// FeedXml lets gorilla.WriteXML encode the document.
func (d *rssDoc) FeedXml() interface{} { return d }

// rssChannel extends gorilla's channel. Title, Link and Description come
// first, in gorilla's order, and hide gorilla's: the title and description
// are plain text, written by plainXML.
type rssChannel struct {
	Title       rssText `xml:"title"`
	Link        string  `xml:"link"`
	Description rssText `xml:"description"`
	*gorilla.RssFeed
	Links   []rssAtomLink  `xml:"atom:link"` // self first, then hub, archive and other extra links
	Archive *xmlEmpty      `xml:"fh:archive"`
	Deleted []xmlTombstone `xml:"at:deleted-entry"` // RFC 6721 defines it for Atom; harmless here
	Items   []*rssItem     `xml:"item"`             // hides RssFeed.Items
}

type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type rssItem struct {
	Title rssText `xml:"title"` // first, where gorilla has it, and plain text
	*gorilla.RssItem
	Categories []rssCategory `xml:"category"` // hides the single RssItem.Category
	Creators   []rssText     `xml:"dc:creator"`
	Language   string        `xml:"dc:language,omitempty"`
	Updated    string        `xml:"atom:updated,omitempty"`
	Media      *mediaContent `xml:"media:content"`
	Source     *rssSource    `xml:"source"`    // hides RssItem.Source, a bare URL
	Via        []rssAtomLink `xml:"atom:link"` // the original link of an upstream item
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",innerxml"` // plainXML
}

type rssSource struct {
	URL  string `xml:"url,attr"`
	Name string `xml:",innerxml"` // plainXML
}

// rssText is an element of plain text written by plainXML.
type rssText struct {
	XML string `xml:",innerxml"`
}

// plainXML writes plain text for an RSS element. RSS readers differ in
// whether they read elements other than an item's description as HTML; the
// RSS Best Practices Profile (3.1, Character Data) says such text is plain
// and that "&", "<" and ">" are best written as the hexadecimal character
// references &#x26; &#x3C; &#x3E;, the form the most readers show as typed.
// The rest is escaped as encoding/xml escapes character data.
func plainXML(s string) string {
	if !strings.ContainsAny(s, "&<>\"'\t\n\r") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&#x26;")
		case '<':
			b.WriteString("&#x3C;")
		case '>':
			b.WriteString("&#x3E;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// plainAll is plainXML over a list; nil for none.
func plainAll(ss []string) []rssText {
	if len(ss) == 0 {
		return nil
	}
	out := make([]rssText, len(ss))
	for i, s := range ss {
		out[i] = rssText{plainXML(s)}
	}
	return out
}

type mediaContent struct {
	URL      string `xml:"url,attr"`
	Type     string `xml:"type,attr,omitempty"`
	FileSize string `xml:"fileSize,attr,omitempty"`
	Medium   string `xml:"medium,attr"`
}

// WriteRSS renders f as RSS 2.0: gorilla's mapping plus atom:link self and
// extra links (hub, RFC 5005 archive links), language, <fh:archive/> and
// RFC 6721 <at:deleted-entry> tombstones in the channel, dc:creator per
// author, dc:language and atom:updated per item, one <category> per category,
// the lead image as media:content (and <enclosure> when its type and length
// are known) and <source> attribution.
func WriteRSS(w io.Writer, f *Feed) error {
	d, err := prepare(f)
	if err != nil {
		return fmt.Errorf("write rss: %w", err)
	}
	return d.writeRSS(w)
}

func (d *doc) writeRSS(w io.Writer) error {
	if err := gorilla.WriteXML(d.rssDoc(), w); err != nil {
		return fmt.Errorf("write rss: %w", err)
	}
	return nil
}

// rssDoc maps the prepared feed onto the RSS document.
func (d *doc) rssDoc() *rssDoc {
	ch := &rssChannel{RssFeed: (&gorilla.Rss{Feed: d.gorillaFeed()}).RssFeed()}
	ch.Title, ch.Link = rssText{plainXML(ch.RssFeed.Title)}, ch.RssFeed.Link
	ch.Description = rssText{plainXML(ch.RssFeed.Description)}
	ch.Language = d.feed.Language
	ch.Archive, ch.Deleted = d.xmlHistory(true)
	if d.feed.SelfURL != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: d.feed.SelfURL, Rel: "self", Type: FormatRSS.MediaType()})
	}
	for _, l := range d.feed.Links {
		ch.Links = append(ch.Links, rssAtomLink{Href: l.Href, Rel: l.Rel, Type: l.Type})
	}
	// One allocation per kind of element for the whole feed, not one per item.
	n, nCats, nMedia := len(d.items), 0, 0
	for i := range d.items {
		nCats += len(d.items[i].Categories)
		if d.items[i].Image != nil {
			nMedia++
		}
	}
	items := make([]rssItem, n)
	cats := make([]rssCategory, 0, nCats)
	media := make([]mediaContent, 0, nMedia)
	ch.Items = make([]*rssItem, n)
	for i, ri := range ch.RssFeed.Items {
		a := &d.items[i]
		it := &items[i]
		// The description is HTML to every reader: our excerpt is plain
		// text, so it is escaped as HTML here, then as XML by the encoder.
		ri.Description = htmlText.Replace(ri.Description)
		*it = rssItem{
			Title:    rssText{plainXML(ri.Title)},
			RssItem:  ri,
			Creators: plainAll(authorNames(a.Authors)),
			Language: a.Language,
			Updated:  a.Updated.Format(time.RFC3339),
		}
		for _, c := range a.Categories {
			cats = append(cats, rssCategory{Value: plainXML(c)})
		}
		it.Categories = cats[len(cats)-len(a.Categories):]
		if img := a.Image; img != nil {
			m := mediaContent{URL: img.URL, Type: img.Type, Medium: "image"}
			switch {
			case ri.Enclosure != nil: // gorilla formatted the same number already
				m.FileSize = ri.Enclosure.Length
			case img.Length > 0:
				m.FileSize = strconv.FormatInt(img.Length, 10)
			}
			media = append(media, m)
			it.Media = &media[len(media)-1]
		}
		if len(a.Sources) > 0 {
			s := a.Sources[0] // RSS has room for one
			if s.FeedURL != "" {
				it.Source = &rssSource{URL: s.FeedURL, Name: plainXML(s.Name)}
			}
			if s.Link != "" {
				it.Via = []rssAtomLink{{Href: s.Link, Rel: "via"}}
			}
		}
		ch.Items[i] = it
	}
	ch.RssFeed.Items = nil
	root := ch.RssFeed.FeedXml().(*gorilla.RssFeedXml)
	root.Channel = nil
	return &rssDoc{
		RssFeedXml: *root, NSAtom: nsAtom, NSDC: nsDC, NSMedia: nsMedia,
		NSFH: nsIf(d.feed.Archive, nsFH), NSAT: nsIf(len(d.feed.Deleted) > 0, nsAT),
		Channel: ch,
	}
}

// htmlText escapes plain text for element content that readers parse as
// HTML. Only the three characters that can start markup or a reference are
// replaced, so readers that show the description as text still show
// apostrophes and quotes as typed.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
