package feeds

import (
	"encoding/json"
	"fmt"
	"io"

	gorilla "github.com/gorilla/feeds"
)

// jsonFeed extends gorilla's JSONFeed with our items. encoding/json hides
// an embedded field by a shallower one of the same JSON name.
type jsonFeed struct {
	*gorilla.JSONFeed
	Items []*jsonItem `json:"items"` // hides JSONFeed.Items; never omitted, the spec requires it
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
// (feed_url, language, authors with urls, tags, image, hubs, the _newswire
// extension) and encoded by our own encoder without HTML escaping or indent,
// which is several times faster and smaller than gorilla's WriteJSON.
func WriteJSON(w io.Writer, f *Feed) error {
	d, err := prepare(f)
	if err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	jf := (&gorilla.JSON{Feed: d.gorillaFeed()}).JSONFeed()
	jf.Language = d.feed.Language
	jf.FeedUrl = d.feed.SelfURL
	for _, l := range d.feed.Links {
		if l.Rel == "hub" {
			jf.Hubs = append(jf.Hubs, &gorilla.JSONHub{Type: "WebSub", Url: l.Href})
		}
	}
	out := &jsonFeed{JSONFeed: jf, Items: make([]*jsonItem, len(jf.Items))}
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
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
