package newsroom

import (
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
)

// KnownItem is what the store remembers of one upstream item of a source.
type KnownItem struct {
	Hash      []byte    // hash of the raw item as last seen
	Published time.Time // the time ingest gave the item
}

// SourceState is the state a pass leaves on a source; see Source for the
// meaning of each field. LastNew and LastUpdated are not in it: the
// store counts them as it saves the pass.
type SourceState struct {
	LastAttempt, LastSuccess, NextRun time.Time
	LastError                         string
	Failures                          int
	ETag, LastModified                string
	DisabledReason, Note, IDMode      string
	FeedTTL                           time.Duration
	BodyHash                          []byte
	// MovedTo, when set, replaces the source's URL (a permanent redirect);
	// the URL it replaces is kept in URLChangedFrom.
	MovedTo string
}

// State returns the state fields of src, as a pass starts from them.
func (src Source) State() SourceState {
	return SourceState{
		LastAttempt: src.LastAttempt, LastSuccess: src.LastSuccess, NextRun: src.NextRun,
		LastError: src.LastError, Failures: src.Failures, ETag: src.ETag, LastModified: src.LastModified,
		DisabledReason: src.DisabledReason, Note: src.Note, IDMode: src.IDMode, FeedTTL: src.FeedTTL,
		BodyHash: src.BodyHash,
	}
}

// PassItem is one upstream item that is new to a source or changed since
// its last pass, normalised into an article.
type PassItem struct {
	Key     string // the source's identity for the item: "guid:…", "link:…" or "hash:…"
	RawHash []byte // hash of the raw item, compared on the next pass
	RawDate string // the upstream's date string, as given
	// Article is the normalised item. Its GUID is used when the item becomes
	// a new article; Sources[0] must name this source.
	Article *feeds.Article
	// Text is the text of Article.ContentHTML when the pass knows it
	// (content.Report.Text), else "": see Cleaned.
	Text string
	// LinkKey and TextKey find the same story already stored: opaque
	// hashes of the item's canonical link and of its folded title and text
	// (nil when there is none). Looked up for a new item, and recorded for
	// the article it ends up in.
	LinkKey, TextKey []byte
	// SharesLink says that another item of the same document is at the
	// same link (LinkKey): items of one page, as a live blog's posts or a
	// ticker's, each their own. An item with its own GUID at a link where
	// its source's stored item is, alone in its document, is that item
	// under a GUID the source changed (a revision in the GUID).
	SharesLink bool
}

// ByGUID reports whether the item is identified by its source's own id
// (Key "guid:…": an RSS guid, Atom id or JSON Feed id), not by its link or
// content: two such items of one source are two items, whatever else they
// share.
func (it *PassItem) ByGUID() bool { return strings.HasPrefix(it.Key, "guid:") }

// Pass is what one ingest pass over a source writes, in one transaction.
type Pass struct {
	SourceID int64
	State    SourceState
	Items    []PassItem // in insertion order: oldest first, so ties in time list newest first
	// Lease, when set, is the claim the pass ran under: SavePass writes
	// nothing (ErrLeaseLost) unless it is still the source's claim, and
	// releases it with the state unless KeepLease (a catch-up pass follows).
	Lease     *Lease
	KeepLease bool
}

// ItemOutcome says what happened to one PassItem.
type ItemOutcome struct {
	Key    string
	GUID   string     // the article the item is stored as (another source's, when merged)
	Result SaveResult // Created, Updated or Unchanged
	Merged bool       // the item was recognised as a story stored from another source
}

// PassResult is what saving a Pass did.
type PassResult struct {
	New, Updated, Unchanged int
	Items                   []ItemOutcome // one per PassItem, in order
}

// Changed reports whether the pass created or changed any article.
func (r PassResult) Changed() bool { return r.New+r.Updated > 0 }
