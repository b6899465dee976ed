package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
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
	Origin       string // OriginConfig or OriginCLI

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

// sourceCols is the column list scanSource expects.
const sourceCols = `id, name, url, schedule, categories, rules, enabled, allow_private, origin,
	last_attempt, last_success, next_run, last_error, failures, etag, last_modified,
	last_new, last_updated, disabled_reason, note, url_changed_from, id_mode, feed_ttl, body_hash,
	claimed_by, claimed_until`

type rowScanner interface{ Scan(dest ...any) error }

func scanSource(r rowScanner) (Source, error) {
	var (
		s                                  Source
		cats, rules                        string
		enabled, private                   int64
		attempt, success, next, ttl, errsN int64
		lastNew, lastUpd                   int64
		claimedUntil                       int64
	)
	if err := r.Scan(&s.ID, &s.Name, &s.URL, &s.Schedule, &cats, &rules, &enabled, &private, &s.Origin,
		&attempt, &success, &next, &s.LastError, &errsN, &s.ETag, &s.LastModified,
		&lastNew, &lastUpd, &s.DisabledReason, &s.Note, &s.URLChangedFrom, &s.IDMode, &ttl, &s.BodyHash,
		&s.ClaimedBy, &claimedUntil); err != nil {
		return Source{}, err
	}
	if cats != "" {
		s.Categories = strings.Split(cats, catSep)
	}
	if rules != "" {
		if err := json.Unmarshal([]byte(rules), &s.Rules); err != nil {
			return Source{}, fmt.Errorf("source %s: rules: %w", s.Name, err)
		}
	}
	s.Enabled, s.AllowPrivate = enabled != 0, private != 0
	s.LastAttempt, s.LastSuccess, s.NextRun = unixOrZero(attempt), unixOrZero(success), unixOrZero(next)
	s.Failures, s.LastNew, s.LastUpdated = int(errsN), int(lastNew), int(lastUpd)
	s.FeedTTL = time.Duration(ttl) * time.Second
	s.ClaimedUntil = unixOrZero(claimedUntil)
	if len(s.BodyHash) == 0 {
		s.BodyHash = nil
	}
	return s, nil
}

// unixOrZero is unix, except that 0 ("never") is the zero time.
func unixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return unix(sec)
}

// unixOf is the stored form of t: 0 for the zero time.
func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// checkSource validates a source definition; the error names the field.
func checkSource(src *Source) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("source %q: %s: %s", src.Name, field, fmt.Sprintf(format, args...))
	}
	name := strings.TrimSpace(src.Name)
	switch {
	case name == "":
		return errors.New("source: name: required")
	case name != src.Name || strings.IndexFunc(name, unicode.IsControl) >= 0:
		return bad("name", "no surrounding spaces or control characters")
	}
	u, err := url.Parse(src.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return bad("url", "%q is not an absolute http(s) URL", src.URL)
	}
	for i, c := range src.Categories {
		if err := validSlug(c); err != nil {
			return bad(fmt.Sprintf("categories[%d]", i), "%v", err)
		}
	}
	for i, r := range src.Rules {
		if strings.TrimSpace(r.Match) == "" {
			return bad(fmt.Sprintf("rules[%d].match", i), "required")
		}
		if err := validSlug(r.Category); err != nil {
			return bad(fmt.Sprintf("rules[%d].category", i), "%v", err)
		}
	}
	switch src.Origin {
	case "":
		src.Origin = OriginConfig
	case OriginConfig, OriginCLI:
	default:
		return bad("origin", "%q is neither %q nor %q", src.Origin, OriginConfig, OriginCLI)
	}
	return nil
}

// UpsertSource creates the source called src.Name or updates its definition
// (URL, schedule, categories, rules, enabled, allow_private, origin), keeping
// its state. It returns the stored source, state included.
//
// When src.URL is the URL a permanent redirect moved the source away from
// (URLChangedFrom), the moved URL is kept: re-applying the config file at
// start does not undo the move. Any other new URL starts the source afresh:
// validators, failures, DisabledReason, Note and the identification mode are
// cleared and the next pass is due at once; its articles and item history stay.
func (s *Store) UpsertSource(ctx context.Context, src Source) (_ Source, err error) {
	defer s.noteWrite(&err)
	if err := checkSource(&src); err != nil {
		return Source{}, fmt.Errorf("upsert source: %w", err)
	}
	cats := strings.Join(src.Categories, catSep)
	rules, err := jsonText(src.Rules)
	if err != nil {
		return Source{}, fmt.Errorf("upsert source %s: rules: %w", src.Name, err)
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Source{}, fmt.Errorf("upsert source %s: %w", src.Name, err)
	}
	defer tx.Rollback() // no-op after Commit
	st := func(q *sql.Stmt) *sql.Stmt { return tx.StmtContext(ctx, q) }

	var (
		id              int64
		storedURL, from string
	)
	err = st(s.ss.selSourceDef).QueryRowContext(ctx, src.Name).Scan(&id, &storedURL, &from)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		var res sql.Result
		res, err = st(s.ss.insSource).ExecContext(ctx, src.Name, src.URL, src.Schedule, cats, rules,
			boolInt(src.Enabled), boolInt(src.AllowPrivate), src.Origin, s.now().Unix())
		if err == nil {
			id, err = res.LastInsertId()
		}
	case err != nil:
	default:
		_, err = st(s.ss.updSourceDef).ExecContext(ctx, src.Schedule, cats, rules,
			boolInt(src.Enabled), boolInt(src.AllowPrivate), src.Origin, id)
		if err == nil && src.URL != storedURL && src.URL != from {
			_, err = st(s.ss.resetSourceURL).ExecContext(ctx, src.URL, id)
		}
	}
	var out Source
	if err == nil {
		out, err = scanSource(st(s.ss.selSourceByID).QueryRowContext(ctx, id))
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return Source{}, fmt.Errorf("upsert source %s: %w", src.Name, err)
	}
	return out, nil
}

// Sources returns every source, ordered by name.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.ss.sources.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		out = append(out, src)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return out, nil
}

// SourceByName returns the source called name, or a wrapped ErrNotFound.
func (s *Store) SourceByName(ctx context.Context, name string) (Source, error) {
	src, err := scanSource(s.ss.sourceByName.QueryRowContext(ctx, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, fmt.Errorf("source %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return Source{}, fmt.Errorf("source %q: %w", name, err)
	}
	return src, nil
}

// DeleteSource removes the source called name and its item history, or
// returns a wrapped ErrNotFound. The articles it brought in stay published.
func (s *Store) DeleteSource(ctx context.Context, name string) error {
	return s.execOneSource(ctx, "delete", s.ss.delSource, name)
}

// ResetSource clears a source's failure state (DisabledReason, Failures,
// LastError) and makes its next pass due at once: the operator's way to
// re-enable a source that answered 410 Gone. Wrapped ErrNotFound when there
// is no such source.
func (s *Store) ResetSource(ctx context.Context, name string) error {
	return s.execOneSource(ctx, "reset", s.ss.resetSource, name)
}

func (s *Store) execOneSource(ctx context.Context, verb string, q *sql.Stmt, name string) (err error) {
	defer s.noteWrite(&err)
	res, err := q.ExecContext(ctx, name)
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err != nil {
		return fmt.Errorf("%s source %q: %w", verb, name, err)
	}
	if n == 0 {
		return fmt.Errorf("%s source %q: %w", verb, name, ErrNotFound)
	}
	return nil
}
