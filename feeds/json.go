package feeds

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	gorilla "github.com/gorilla/feeds"
)

// jsonFeed extends gorilla's JSONFeed with our items. encoding/json hides
// an embedded field by a shallower one of the same JSON name.
type jsonFeed struct {
	*gorilla.JSONFeed
	Newswire *jsonFeedNewswire `json:"_newswire,omitempty"` // before the items, for streaming readers
	Items    []*jsonItem       `json:"items"`               // hides JSONFeed.Items; never omitted, the spec requires it
}

// jsonFeedNewswire is the feed-level extension object: what JSON Feed has no
// field for, RFC 5005 archive links and RFC 6721 tombstones.
type jsonFeedNewswire struct {
	Archive     bool            `json:"archive,omitempty"`
	Current     string          `json:"current,omitempty"`
	PrevArchive string          `json:"prev_archive,omitempty"`
	NextArchive string          `json:"next_archive,omitempty"`
	Deleted     []jsonTombstone `json:"deleted,omitempty"`
}

type jsonTombstone struct {
	ID      string `json:"id"`
	When    string `json:"when"` // RFC 3339, like the item dates
	Comment string `json:"comment,omitempty"`
	By      string `json:"by,omitempty"`
}

type jsonItem struct {
	*gorilla.JSONItem
	Language string        `json:"language,omitempty"`
	Newswire *jsonNewswire `json:"_newswire,omitempty"`
}

// jsonNewswire is the item extension object: JSON Feed reserves keys that
// start with an underscore for extensions.
type jsonNewswire struct {
	Related []Related `json:"related,omitempty"`
	Sources []Source  `json:"sources,omitempty"`
}

// WriteJSON renders f as JSON Feed 1.1: gorilla's JSONFeed mapping, fixed up
// (feed_url, language, authors with urls, tags, image, hubs, the item
// _newswire extension) and encoded by our own encoder without HTML escaping
// or indent, which is several times faster and smaller than gorilla's
// WriteJSON. RFC 5005 paging becomes next_url (the prev-archive link, which
// leads to older items, else a plain rel="next" link) and, with tombstones,
// the feed-level _newswire extension:
//
//	"_newswire": {"archive": true, "current": URL, "prev_archive": URL, "next_archive": URL,
//	              "deleted": [{"id": GUID, "when": RFC 3339, "comment": text, "by": name}]}
func WriteJSON(w io.Writer, f *Feed) error {
	d, err := prepare(f)
	if err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return d.writeJSON(w)
}

func (d *doc) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.jsonFeed()); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// jsonFeed maps the prepared feed onto the JSON Feed document.
func (d *doc) jsonFeed() *jsonFeed {
	jf := (&gorilla.JSON{Feed: d.gorillaFeed()}).JSONFeed()
	jf.Language = d.feed.Language
	jf.FeedUrl = d.feed.SelfURL
	for _, l := range d.feed.Links {
		if l.Rel == RelHub {
			jf.Hubs = append(jf.Hubs, &gorilla.JSONHub{Type: "WebSub", Url: l.Href})
		}
	}
	jf.NextUrl = cmpOr(d.firstLink(RelPrevArchive), d.firstLink("next"))
	out := &jsonFeed{JSONFeed: jf, Newswire: d.jsonHistory(), Items: make([]*jsonItem, len(jf.Items))}
	items := make([]jsonItem, len(jf.Items)) // one allocation, not one per item
	for i, gi := range jf.Items {
		a := &d.items[i]
		gi.Author = nil // deprecated in 1.1; Authors below
		gi.Tags = a.Categories
		gi.Image = ""
		if a.Image != nil {
			gi.Image = a.Image.URL
		}
		if gi.ContentHTML == "" {
			gi.ContentText = d.excerpts[i] // the spec wants one of the two
		}
		if len(a.Authors) > 0 {
			gi.Authors = make([]*gorilla.JSONAuthor, len(a.Authors))
			for j, p := range a.Authors {
				gi.Authors[j] = &gorilla.JSONAuthor{Name: p.Name, Url: p.URL}
			}
		}
		it := &items[i]
		*it = jsonItem{JSONItem: gi, Language: a.Language}
		if len(a.Sources) > 0 {
			gi.ExternalUrl = a.Sources[0].Link
		}
		if len(a.Related) > 0 || len(a.Sources) > 0 {
			it.Newswire = &jsonNewswire{Related: a.Related, Sources: a.Sources}
		}
		out.Items[i] = it
	}
	jf.Items = nil
	return out
}

// jsonHistory returns the feed-level extension, nil when there is nothing in it.
func (d *doc) jsonHistory() *jsonFeedNewswire {
	x := &jsonFeedNewswire{
		Archive:     d.feed.Archive,
		Current:     d.firstLink(RelCurrent),
		PrevArchive: d.firstLink(RelPrevArchive),
		NextArchive: d.firstLink(RelNextArchive),
	}
	if len(d.feed.Deleted) > 0 {
		x.Deleted = make([]jsonTombstone, len(d.feed.Deleted))
		for i, t := range d.feed.Deleted {
			x.Deleted[i] = jsonTombstone{ID: t.GUID, When: t.When.Format(time.RFC3339), Comment: t.Comment, By: t.By}
		}
	}
	if !x.Archive && x.Current == "" && x.PrevArchive == "" && x.NextArchive == "" && x.Deleted == nil {
		return nil
	}
	return x
}

// cmpOr returns the first of its arguments that is not empty.
func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
