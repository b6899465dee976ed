package newsroom

import (
	"time"
)

// Rule maps an upstream category term or title keyword (Match) to a local
// category slug.
type Rule struct {
	Match    string `json:"match"`
	Category string `json:"category"`
}

// Origins of a source definition.
const (
	OriginConfig = "config" // declared in the config file, applied at start
	OriginCLI    = "cli"    // added with `newswire sources add` (or OPML import)
	OriginAPI    = "api"    // created through the admin API (POST /api/sources)
)

// Source is an upstream feed: its definition (from the config file or the
// CLI) and the state ingest leaves on it after every pass.
//
// A source is polled when Enabled is true and DisabledReason is empty. Enabled
// is the operator's switch; DisabledReason is set by ingest (a 410 Gone) and
// survives UpsertSource with the same URL, so re-applying the config at start
// does not revive a feed that is gone. A new URL or ResetSource clears it.
type Source struct {
	ID         int64
	Name       string // unique
	URL        string
	Schedule   string   // cron spec or "@every 10m"; "" means the ingester's default
	Categories []string // for items that match no rule
	Rules      []Rule
	Enabled    bool
	// AllowPrivate lets the fetcher reach loopback and private addresses.
	AllowPrivate bool
	Origin       string // OriginConfig, OriginCLI or OriginAPI

	// State, written by ingest. Zero times mean "never".
	LastAttempt, LastSuccess, NextRun time.Time
	LastError                         string
	Failures                          int // consecutive
	ETag, LastModified                string
	LastNew, LastUpdated              int    // items created / updated by the last pass
	DisabledReason                    string // e.g. "410 Gone"
	Note                              string // e.g. "duplicate GUIDs in feed: identifying items by link"
	URLChangedFrom                    string // the configured URL when a 301/308 moved it
	// IDMode is how items are identified: "" by GUID, IDModeLink by link
	// (once a feed has repeated GUIDs within one document).
	IDMode string
	// FeedTTL is the feed's own <ttl>, kept so that a 304 still honours it.
	FeedTTL time.Duration
	// BodyHash identifies the last body whose items were all stored: a
	// byte-for-byte identical body needs no parsing (nil when none).
	BodyHash []byte

	// ClaimedBy is the instance whose pass holds the source's lease ("" when
	// none), until ClaimedUntil by the database's clock (lease.go).
	ClaimedBy    string
	ClaimedUntil time.Time
}

// IDModeLink is Source.IDMode for a source whose items are identified by link.
const IDModeLink = "link"

// Polled reports whether ingest polls the source: enabled and not disabled
// by an upstream answer such as 410 Gone.
func (s Source) Polled() bool { return s.Enabled && s.DisabledReason == "" }
