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

	"github.com/newswire/newswire/internal/newsroom"
)

// sourceCols is the column list scanSource expects.
const sourceCols = `id, name, url, schedule, categories, rules, enabled, allow_private, origin,
	last_attempt, last_success, next_run, last_error, failures, etag, last_modified,
	last_new, last_updated, disabled_reason, note, url_changed_from, id_mode, feed_ttl, body_hash,
	claimed_by, claimed_until`

type rowScanner interface{ Scan(dest ...any) error }

func scanSource(r rowScanner) (newsroom.Source, error) {
	var (
		s                                  newsroom.Source
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
		return newsroom.Source{}, err
	}
	if cats != "" {
		s.Categories = strings.Split(cats, catSep)
	}
	if rules != "" {
		if err := json.Unmarshal([]byte(rules), &s.Rules); err != nil {
			return newsroom.Source{}, fmt.Errorf("source %s: rules: %w", s.Name, err)
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
func checkSource(src *newsroom.Source) error {
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
		src.Origin = newsroom.OriginConfig
	case newsroom.OriginConfig, newsroom.OriginCLI, newsroom.OriginAPI:
	default:
		return bad("origin", "%q is not %q, %q or %q", src.Origin, newsroom.OriginConfig, newsroom.OriginCLI, newsroom.OriginAPI)
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
func (s *Store) UpsertSource(ctx context.Context, src newsroom.Source) (_ newsroom.Source, err error) {
	defer s.noteWrite(&err)
	if err := checkSource(&src); err != nil {
		return newsroom.Source{}, fmt.Errorf("upsert source: %w", err)
	}
	cats := strings.Join(src.Categories, catSep)
	rules, err := jsonText(src.Rules)
	if err != nil {
		return newsroom.Source{}, fmt.Errorf("upsert source %s: rules: %w", src.Name, err)
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return newsroom.Source{}, fmt.Errorf("upsert source %s: %w", src.Name, err)
	}
	defer tx.Rollback() // no-op after Commit
	st := func(q *stmt) *stmt { return tx.StmtContext(ctx, q) }

	// Insert first: instances applying the config at once then cannot both
	// find the name free; the one that finds it taken updates instead.
	var (
		id              int64
		storedURL, from string
	)
	err = st(s.ss.insSource).QueryRowContext(ctx, src.Name, src.URL, src.Schedule, cats, rules,
		boolInt(src.Enabled), boolInt(src.AllowPrivate), src.Origin, s.now().Unix()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = st(s.ss.selSourceDef).QueryRowContext(ctx, src.Name).Scan(&id, &storedURL, &from)
		if err == nil {
			_, err = st(s.ss.updSourceDef).ExecContext(ctx, src.Schedule, cats, rules,
				boolInt(src.Enabled), boolInt(src.AllowPrivate), src.Origin, id)
		}
		if err == nil && src.URL != storedURL && src.URL != from {
			_, err = st(s.ss.resetSourceURL).ExecContext(ctx, src.URL, []byte{}, id)
		}
	}
	var out newsroom.Source
	if err == nil {
		out, err = scanSource(st(s.ss.selSourceByID).QueryRowContext(ctx, id))
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return newsroom.Source{}, fmt.Errorf("upsert source %s: %w", src.Name, err)
	}
	return out, nil
}

// Sources returns every source, ordered by name.
func (s *Store) Sources(ctx context.Context) (_ []newsroom.Source, err error) {
	defer s.noteRead(&err)
	rows, err := s.ss.sources.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	var out []newsroom.Source
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
func (s *Store) SourceByName(ctx context.Context, name string) (_ newsroom.Source, err error) {
	defer s.noteRead(&err)
	src, err := scanSource(s.ss.sourceByName.QueryRowContext(ctx, name))
	if errors.Is(err, sql.ErrNoRows) {
		return newsroom.Source{}, fmt.Errorf("source %q: %w", name, newsroom.ErrNotFound)
	}
	if err != nil {
		return newsroom.Source{}, fmt.Errorf("source %q: %w", name, err)
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

func (s *Store) execOneSource(ctx context.Context, verb string, q *stmt, name string) (err error) {
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
		return fmt.Errorf("%s source %q: %w", verb, name, newsroom.ErrNotFound)
	}
	return nil
}
