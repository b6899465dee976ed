package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// UpsertCategory creates the category or sets its title and description, as
// declared in the config file; a declared category is listed even while it
// has no public article. An empty title means the slug. A change bumps
// the category's version and the global one; an identical call writes nothing.
func (s *Store) UpsertCategory(ctx context.Context, c feeds.Category) (err error) {
	defer s.noteWrite(&err)
	if err := validSlug(c.Slug); err != nil {
		return fmt.Errorf("upsert category: %w", err)
	}
	if c.Title == "" {
		c.Title = c.Slug
	}
	tx, err := s.beginVersioned(ctx)
	if err != nil {
		return fmt.Errorf("upsert category %s: %w", c.Slug, err)
	}
	defer tx.Rollback() // no-op after Commit

	now := s.now().Unix()
	var (
		id, listed   int64
		title, descr string
	)
	// Insert first: instances declaring the same category at start cannot
	// both find it missing.
	err = tx.StmtContext(ctx, s.ws.insCategory).QueryRowContext(ctx, c.Slug, c.Title, c.Description, now, 1).Scan(&id)
	created := err == nil
	if errors.Is(err, sql.ErrNoRows) { // it exists: compare, update if it differs
		err = tx.StmtContext(ctx, s.ws.selCategory).QueryRowContext(ctx, c.Slug).Scan(&id, &title, &descr, &listed)
	}
	switch {
	case err != nil, created:
	case title == c.Title && descr == c.Description && listed == 1:
		return tx.Commit() // nothing to change: no version bump
	default:
		_, err = tx.StmtContext(ctx, s.ws.updCategory).ExecContext(ctx, c.Title, c.Description, id)
	}
	if err == nil {
		var v int64
		if v, err = bumpGlobal(ctx, tx.StmtContext(ctx, s.ws.bumpGlobal)); err == nil {
			_, err = tx.StmtContext(ctx, s.ws.bumpCategory).ExecContext(ctx, v, now, id)
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("upsert category %s: %w", c.Slug, err)
	}
	return nil
}

// Categories returns the listed categories, ordered by slug, each with the
// time it was created: those declared and those that have held a public
// article (one created by an embargoed article stays unlisted until the
// embargo ends; Category reports it not found meanwhile).
func (s *Store) Categories(ctx context.Context) (_ []feeds.Category, err error) {
	defer s.noteRead(&err)
	rows, err := s.rs.categories.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	defer rows.Close()
	var cs []feeds.Category
	for rows.Next() {
		var c feeds.Category
		var created int64
		if err := rows.Scan(&c.Slug, &c.Title, &c.Description, &created); err != nil {
			return nil, fmt.Errorf("categories: %w", err)
		}
		c.Created = unix(created)
		cs = append(cs, c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	return cs, nil
}

// Category returns the category with this slug, or a wrapped ErrNotFound.
func (s *Store) Category(ctx context.Context, slug string) (_ feeds.Category, err error) {
	defer s.noteRead(&err)
	var c feeds.Category
	var created int64
	err = s.rs.category.QueryRowContext(ctx, slug).Scan(&c.Slug, &c.Title, &c.Description, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("category %q: %w", slug, newsroom.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("category %q: %w", slug, err)
	}
	c.Created = unix(created)
	return c, nil
}

// Versions returns each category's version by slug, and under the key "" the
// global version, which changes with any article or category. A version only
// grows; the server compares them with its cached renders to find stale
// feeds, which also catches writes by other processes on the same file.
func (s *Store) Versions(ctx context.Context) (_ map[string]int64, err error) {
	defer s.noteRead(&err)
	rows, err := s.rs.versions.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	defer rows.Close()
	vs := make(map[string]int64)
	for rows.Next() {
		var slug string
		var v int64
		if err := rows.Scan(&slug, &v); err != nil {
			return nil, fmt.Errorf("versions: %w", err)
		}
		vs[slug] = v
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("versions: %w", err)
	}
	return vs, nil
}

// FeedChanged is when category's feed last changed: an article of it was
// saved, changed, withdrawn or released, or the category itself changed.
// For "" it is when any listed category's did, which covers the feeds of
// all categories and searches. A category not listed is ErrNotFound; zero
// is no change recorded.
func (s *Store) FeedChanged(ctx context.Context, category string) (_ time.Time, err error) {
	defer s.noteRead(&err)
	var at int64
	if category == "" {
		err = s.rs.changedAll.QueryRowContext(ctx).Scan(&at)
	} else {
		err = s.rs.changed.QueryRowContext(ctx, category).Scan(&at)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("category %q: %w", category, newsroom.ErrNotFound)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("feed changed %q: %w", category, err)
	}
	return unixOrZero(at), nil
}

// CategorySlugs returns the slug of every category, listed or not (one that
// only an embargoed article names is not listed yet): what the import and
// admin API doors count against their bound on categories.
func (s *Store) CategorySlugs(ctx context.Context) (_ map[string]bool, err error) {
	defer s.noteRead(&err)
	rows, err := s.r.QueryContext(ctx, `SELECT slug FROM categories`)
	if err != nil {
		return nil, fmt.Errorf("category slugs: %w", err)
	}
	defer rows.Close()
	slugs := make(map[string]bool)
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, fmt.Errorf("category slugs: %w", err)
		}
		slugs[slug] = true
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("category slugs: %w", err)
	}
	return slugs, nil
}

// Created returns when the database was created: the date of the feeds
// that span every category while none exists.
func (s *Store) Created(ctx context.Context) (_ time.Time, err error) {
	defer s.noteRead(&err)
	var created int64
	if err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'created'`).Scan(&created); err != nil {
		return time.Time{}, fmt.Errorf("database created: %w", err)
	}
	return unix(created), nil
}
