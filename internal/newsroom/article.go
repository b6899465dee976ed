package newsroom

import (
	"errors"
	"fmt"
	"time"

	"github.com/newswire/newswire/feeds"
)

// SaveResult says what saving an article did.
type SaveResult int

// The outcomes of a save. The zero value is no outcome (an error was returned).
const (
	Created   SaveResult = iota + 1 // a new GUID was stored
	Updated                         // the GUID existed and its content changed
	Unchanged                       // the GUID existed with the same content; nothing was written
)

// String returns "created", "updated" or "unchanged".
func (r SaveResult) String() string {
	switch r {
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	}
	return fmt.Sprintf("SaveResult(%d)", int(r))
}

// ErrInvalid is wrapped by every ValidationError, for callers that only need
// to tell bad input from a failing database.
var ErrInvalid = errors.New("invalid article")

// ValidationError names the field that makes an article unsavable.
type ValidationError struct {
	GUID   string // as given; may be empty
	Field  string // "guid", "title", "published", "categories", "categories[2]"
	Reason string
}

// Error returns e.g. `invalid article "x-1": title: required`.
func (e *ValidationError) Error() string {
	if e.GUID == "" {
		return fmt.Sprintf("%v: %s: %s", ErrInvalid, e.Field, e.Reason)
	}
	return fmt.Sprintf("%v %q: %s: %s", ErrInvalid, e.GUID, e.Field, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// ArticleState is an article's life outside its content.
type ArticleState struct {
	Withdrawn    time.Time // zero while live
	EmbargoUntil time.Time // zero when published
}

// Cleaned is an article to save with the text of its body as the content
// pipeline read it: the store indexes that text for search instead of
// parsing the body a second time.
type Cleaned struct {
	Article *feeds.Article
	// Text is content.Text(Article.ContentHTML), as content.Report.Text
	// gives it from the pass that cleaned the body; "" when not known, and
	// the store reads the body itself. A text that is not the body's would
	// be indexed as it is: set it only from the body's own cleaning.
	Text string
}

// Articles returns the articles of cs, in order.
func Articles(cs []Cleaned) []*feeds.Article {
	as := make([]*feeds.Article, len(cs))
	for i, c := range cs {
		as[i] = c.Article
	}
	return as
}
