// Package feeds is newswire's public article model, its rendering as RSS 2.0,
// Atom 1.0 and JSON Feed 1.1, and the validation of rendered feeds.
//
// It imports nothing from newswire's internal packages, so other programs can
// use it to produce or check feeds of the same shape.
package feeds

import "time"

// Person is an author of an article.
type Person struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Image is an article's lead image. Type and Length are zero when unknown.
type Image struct {
	URL    string `json:"url"`
	Type   string `json:"type,omitempty"`
	Length int64  `json:"length,omitempty"`
}

// Related is a related article: a title, a link, or both.
type Related struct {
	Title string `json:"title,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Source attributes an article that came from an upstream feed.
type Source struct {
	Name    string `json:"name"`
	FeedURL string `json:"feed_url,omitempty"`
	Link    string `json:"link,omitempty"` // the item's original link upstream
}

// Article is one news article as newswire stores and publishes it.
type Article struct {
	// GUID is the stable identity of the article; it is the id of its entry
	// in every feed and never changes once published.
	GUID        string
	Title       string
	Summary     string // plain text
	ContentHTML string // sanitised HTML body
	URL         string // canonical link
	Authors     []Person
	Language    string // BCP 47, e.g. "ar"
	Published   time.Time
	Updated     time.Time
	Categories  []string // category slugs, first is the primary one
	Image       *Image
	Related     []Related
	Sources     []Source // upstream attribution; empty for the newsroom's own articles
	// PublishAt embargoes the article: stored, but in no feed, page or
	// search until then. Zero means publish now. Not rendered.
	PublishAt time.Time
}

// Uncategorized is the category of an article that names none: an
// imported file without categories and without --category, an admin API
// article without categories, an upstream item no rule or source category
// places. Every article belongs to at least one category.
const Uncategorized = "uncategorized"

// MaxTitleRunes is the longest title newswire takes, in characters: a
// longer one is a paragraph pasted into the wrong field. The doors (import,
// admin API) refuse it; ingest cuts an upstream's at a word.
const MaxTitleRunes = 400

// Category describes a category feed.
type Category struct {
	Slug        string
	Title       string
	Description string
	Created     time.Time // when the category was created; zero when unknown
}

// Link is an extra feed-level link, such as rel="hub" or rel="prev-archive".
type Link struct {
	Rel  string
	Href string
	Type string
}

// Tombstone says that an article was withdrawn (RFC 6721), so that
// subscribers who already have it take it down too.
type Tombstone struct {
	GUID    string    // the withdrawn article's GUID, the id it was published under
	When    time.Time // when it was withdrawn
	Comment string    // optional: why, in words for people
	By      string    // optional: the name of who withdrew it
}

// Feed is a feed document: its metadata and its items, newest first.
type Feed struct {
	ID          string // stable feed id (Atom <id>); when empty, the RelCurrent link's, else SelfURL
	Title       string
	Description string
	Link        string // the site's HTML page for this feed
	SelfURL     string // absolute URL this document is served at
	Language    string
	Updated     time.Time // zero means "derive": the newest item's Updated or tombstone's When, else Created
	// Created is when the feed began (its category was created): the
	// updated time of a feed that has no item or tombstone yet. A stored,
	// stable time keeps an empty feed's bytes and ETag the same on every
	// render and instance; zero means 1970-01-01T00:00:00Z.
	Created    time.Time
	Links      []Link     // RelHub, RelCurrent, RelPrevArchive...; a RelSelf link is SelfURL
	Categories []Category // labels for the slugs items use; optional
	Items      []*Article
	Archive    bool        // an RFC 5005 archive page: its items no longer change (<fh:archive/>)
	Deleted    []Tombstone // articles withdrawn from this feed (RFC 6721 tombstones)
}
