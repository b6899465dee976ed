package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// WithdrawArticle takes an article out of every feed, page and search at
// once: the row stays (withdrawn), its categories' versions move so caches
// drop it, and feeds carry a tombstone for it. Withdrawing twice is a no-op.
func (s *Store) WithdrawArticle(ctx context.Context, guid, reason string) (err error) {
	defer s.noteWrite(&err)
	tx, err := s.beginVersioned(ctx)
	if err != nil {
		return fmt.Errorf("withdraw %q: %w", guid, err)
	}
	defer tx.Rollback()
	now := s.now().Unix()
	var id, withdrawn, updated int64
	err = tx.QueryRowContext(ctx, `SELECT id, withdrawn, updated FROM articles WHERE guid = ?`, guid).Scan(&id, &withdrawn, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("withdraw %q: %w", guid, newsroom.ErrNotFound)
	case err != nil:
		return fmt.Errorf("withdraw %q: %w", guid, err)
	case withdrawn != 0:
		return nil
	}
	// updated moves too, so ?since= pulls see the withdrawal.
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET withdrawn = ?, withdraw_reason = ?, updated = ?,
		change_seq = `+nextChangeSeq+`, changed_at = ? WHERE id = ?`,
		now, reason, max(now, updated+1), now, id); err != nil {
		return fmt.Errorf("withdraw %q: %w", guid, err)
	}
	if err := bumpArticles(ctx, tx, now, []int64{id}); err != nil {
		return fmt.Errorf("withdraw %q: %w", guid, err)
	}
	return tx.Commit()
}

// bumpArticles moves the global version and that of every category the
// articles belong to, so every instance's rendered feeds of them go stale.
func bumpArticles(ctx context.Context, tx *dbTx, now int64, ids []int64) error {
	var v int64
	if err := tx.QueryRowContext(ctx, tx.d.bumpVersion).Scan(&v); err != nil {
		return fmt.Errorf("bump version: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE categories SET version = ?1, changed_at = `+laterChangedAt+`
			WHERE id IN (SELECT category_id FROM article_categories WHERE article_id = ?3)`, v, now, id); err != nil {
			return fmt.Errorf("bump categories: %w", err)
		}
	}
	return nil
}

// ReleaseEmbargoes publishes the embargoed articles whose time has come,
// moving their categories' versions so they appear in feeds at once. It
// reports how many it released; with none due it costs one indexed read.
// Instances running it at once release each article once, under one change
// number: the writers' lock orders them, and the later ones find nothing.
func (s *Store) ReleaseEmbargoes(ctx context.Context) (_ int, err error) {
	defer s.noteWrite(&err)
	now := s.now().Unix()
	var due int
	// One withdrawn under embargo stays embargoed: it never appears.
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE embargo_until > 0 AND embargo_until <= ? AND withdrawn = 0`, now).Scan(&due); err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	if due == 0 {
		return 0, nil
	}
	tx, err := s.beginVersioned(ctx)
	if err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `UPDATE articles SET embargo_until = 0,
		updated = CASE WHEN updated > ?1 THEN updated ELSE ?1 END,
		change_seq = `+nextChangeSeq+`, changed_at = ?1
		WHERE embargo_until > 0 AND embargo_until <= ?1 AND withdrawn = 0 RETURNING id`, now)
	if err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("release embargoes: %w", err)
		}
		ids = append(ids, id)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	if len(ids) == 0 {
		// Another instance (or process on the file) released them between
		// the count and the lock: a version bump now would announce a
		// change that is not one.
		return 0, nil
	}
	for _, id := range ids { // a public article lists its categories
		if _, err := tx.ExecContext(ctx, `UPDATE categories SET listed = 1
			WHERE listed = 0 AND id IN (SELECT category_id FROM article_categories WHERE article_id = ?)`, id); err != nil {
			return 0, fmt.Errorf("release embargoes: %w", err)
		}
	}
	if err := bumpArticles(ctx, tx, now, ids); err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("release embargoes: %w", err)
	}
	return len(ids), nil
}

// Tombstones lists the most recently withdrawn articles of a category (""
// for all), newest first, for RFC 6721 deleted-entry elements.
func (s *Store) Tombstones(ctx context.Context, category string, limit int) (_ []feeds.Tombstone, err error) {
	defer s.noteRead(&err)
	// An article withdrawn under embargo was never public: no tombstone
	// (its GUID and the reason would tell what the embargo hides).
	q := `SELECT a.guid, a.withdrawn, a.withdraw_reason FROM articles a WHERE a.withdrawn > 0 AND a.embargo_until = 0`
	args := []any{}
	if category != "" {
		q += ` AND a.id IN (SELECT ac.article_id FROM article_categories ac
			JOIN categories c ON c.id = ac.category_id WHERE c.slug = ?)`
		args = append(args, category)
	}
	q += ` ORDER BY a.withdrawn DESC, a.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("tombstones of %q: %w", category, err)
	}
	defer rows.Close()
	var out []feeds.Tombstone
	for rows.Next() {
		var t feeds.Tombstone
		var when int64
		if err := rows.Scan(&t.GUID, &when, &t.Comment); err != nil {
			return nil, fmt.Errorf("tombstones of %q: %w", category, err)
		}
		t.When = unix(when)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Changes returns up to limit changes in a category ("" for all) after the
// cursor, oldest first: what a partner polling with ?since= must apply.
// Embargoed articles are left out until released (their release moves
// updated, so they come then).
func (s *Store) Changes(ctx context.Context, category string, after newsroom.Since, limit int) (_ []newsroom.Change, err error) {
	defer s.noteRead(&err)
	if limit <= 0 {
		return nil, fmt.Errorf("changes of %q: limit %d", category, limit)
	}
	var args []any
	if after.Seq == 0 {
		args = []any{after.Time.Unix()}
	} else {
		args = []any{after.Seq, after.ID}
	}
	if category != "" {
		args = append(args, category)
	}
	args = append(args, limit)
	st, err := s.cs.get(ctx, s.r, after.Seq == 0, category != "")
	if err != nil {
		return nil, fmt.Errorf("changes of %q: %w", category, err)
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("changes of %q: %w", category, err)
	}
	var ids, seqs, withdrawn []int64
	var reasons []string
	var id, seq, wd int64
	var reason string
	as, err := scanArticlesEach(rows, limit, func() {
		ids, seqs = append(ids, id), append(seqs, seq)
		withdrawn, reasons = append(withdrawn, wd), append(reasons, reason)
	}, &id, &seq, &wd, &reason)
	if err != nil {
		return nil, fmt.Errorf("changes of %q: %w", category, err)
	}
	out := make([]newsroom.Change, len(as))
	for i, a := range as {
		out[i].Cursor = newsroom.Since{Seq: seqs[i], ID: ids[i]}
		if withdrawn[i] != 0 {
			out[i].Tombstone = &feeds.Tombstone{GUID: a.GUID, When: unix(withdrawn[i]), Comment: reasons[i]}
			continue
		}
		out[i].Article = a
	}
	return out, nil
}

// changesSQL is the query of Changes: after a time (byTime) or a cursor,
// in one category (inCategory) or all.
func changesSQL(byTime, inCategory bool) string {
	from := `(a.change_seq, a.id) > (?, ?)`
	if byTime {
		from = `a.changed_at >= ?`
	}
	q := `SELECT ` + articleCols + `, a.id, a.change_seq, a.withdrawn, a.withdraw_reason
	FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id
	WHERE ` + from + ` AND a.embargo_until = 0`
	if inCategory {
		// Per row, from the membership key, as the walk goes: listing
		// every article of the category first cost 10-15 ms a pull at 20k.
		q += ` AND EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_id = a.id
			AND ac.category_id = (SELECT id FROM categories WHERE slug = ?))`
	}
	return q + ` ORDER BY a.change_seq, a.id LIMIT ?`
}

// changesStmts holds Changes' four queries, each prepared at its first use:
// a pull per partner cursor runs one, and SQLite re-preparing it per call
// was an eighth of a pull. database/sql prepares a statement again on each
// pool connection it runs on, once. Prepared lazily, not at Open, so a
// failure to prepare (a storage fault) fails one pull, not start-up, and
// the next pull tries again.
type changesStmts struct {
	mu sync.Mutex
	st [4]*stmt // index: byTime*2 + inCategory
}

func (c *changesStmts) get(ctx context.Context, db *dbPool, byTime, inCategory bool) (*stmt, error) {
	i := 0
	if byTime {
		i = 2
	}
	if inCategory {
		i++
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.st[i] == nil {
		st, err := db.PrepareContext(ctx, changesSQL(byTime, inCategory))
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		c.st[i] = st
	}
	return c.st[i], nil
}

func (c *changesStmts) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := closeAll(c.st[:]...)
	c.st = [4]*stmt{}
	return err
}

// ArchivePage returns up to limit visible articles of a category ("" for
// all) strictly older than the cursor in feed order (published, then id,
// newest first), and each one's cursor. Pages keyed this way never change
// as new articles arrive: RFC 5005 archive documents.
func (s *Store) ArchivePage(ctx context.Context, category string, before newsroom.Cursor, limit int) (_ []*feeds.Article, _ []newsroom.Cursor, err error) {
	defer s.noteRead(&err)
	if limit <= 0 {
		return nil, nil, fmt.Errorf("archive of %q: limit %d", category, limit)
	}
	var q string
	var args []any
	if category == "" {
		q = `SELECT ` + articleCols + `, a.id FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id
		WHERE (a.published, a.id) < (?, ?) AND a.withdrawn = 0 AND a.embargo_until = 0
		ORDER BY a.published DESC, a.id DESC LIMIT ?`
		args = []any{before.Time, before.ID, limit}
	} else {
		q = `SELECT ` + articleCols + `, a.id FROM article_categories ac
		CROSS JOIN articles a ON a.id = ac.article_id
		LEFT JOIN article_bodies b ON b.article_id = a.id
		WHERE ac.category_id = (SELECT id FROM categories WHERE slug = ?)
		AND (ac.published, ac.article_id) < (?, ?) AND a.withdrawn = 0 AND a.embargo_until = 0
		ORDER BY ac.published DESC, ac.article_id DESC LIMIT ?`
		args = []any{category, before.Time, before.ID, limit}
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("archive of %q: %w", category, err)
	}
	var cursors []newsroom.Cursor
	var id int64
	var as []*feeds.Article
	as, err = scanArticlesEach(rows, limit, func() { cursors = append(cursors, newsroom.Cursor{ID: id}) }, &id)
	if err != nil {
		return nil, nil, fmt.Errorf("archive of %q: %w", category, err)
	}
	for i, a := range as {
		cursors[i].Time = a.Published.Unix()
	}
	return as, cursors, nil
}

// NthCursor returns the archive cursor of the n-th (1-based) visible article
// of a category ("" for all) in feed order, and false when there are fewer:
// a feed of n items links its prev-archive page from there.
func (s *Store) NthCursor(ctx context.Context, category string, n int) (_ newsroom.Cursor, _ bool, err error) {
	defer s.noteRead(&err)
	var q string
	var args []any
	if category == "" {
		q = `SELECT a.published, a.id FROM articles a WHERE a.withdrawn = 0 AND a.embargo_until = 0
		ORDER BY a.published DESC, a.id DESC LIMIT 1 OFFSET ?`
		args = []any{n - 1}
	} else {
		q = `SELECT ac.published, ac.article_id FROM article_categories ac
		CROSS JOIN articles a ON a.id = ac.article_id
		WHERE ac.category_id = (SELECT id FROM categories WHERE slug = ?) AND a.withdrawn = 0 AND a.embargo_until = 0
		ORDER BY ac.published DESC, ac.article_id DESC LIMIT 1 OFFSET ?`
		args = []any{category, n - 1}
	}
	var c newsroom.Cursor
	err = s.r.QueryRowContext(ctx, q, args...).Scan(&c.Time, &c.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, false, nil
	case err != nil:
		return c, false, fmt.Errorf("cursor of %q: %w", category, err)
	}
	return c, true, nil
}
