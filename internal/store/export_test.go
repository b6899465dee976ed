package store

import (
	"context"
	"database/sql"
	"io/fs"
	"log/slog"
)

// Exported for the black-box tests: the hot queries (for EXPLAIN QUERY PLAN)
// and migrate over a test file system.
const (
	SQLLatestAll      = sqlLatestAll
	SQLLatestCategory = sqlLatestCategory
)

func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return migrate(ctx, db, fsys, slog.New(slog.DiscardHandler))
}

// Rebind spells a ? query for PostgreSQL, as the store does.
func Rebind(q string) string { return postgresDialect("").sql(q) }

// LapseLease makes the live lease on the source called name lapse now, as
// the database's clock passing its end would: tests do not wait for it.
func LapseLease(ctx context.Context, s *Store, name string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sources SET claimed_until = `+s.d.now+` - 1
		WHERE name = ? AND claim_token <> 0`, name)
	return err
}

// SearchRow is what the search index holds for the article with this
// GUID: the words of its title and of its document in order (SQLite, read
// from the contentless FTS5 index through fts5vocab), or its folded title
// and its tsvector as text (PostgreSQL).
func SearchRow(ctx context.Context, s *Store, guid string) (title, doc string, err error) {
	if s.d.pg() {
		err = s.r.QueryRowContext(ctx, `SELECT title, doc::text FROM article_search
			WHERE article_id = (SELECT id FROM articles WHERE guid = ?)`, guid).Scan(&title, &doc)
		return title, doc, err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms
		USING fts5vocab(main, 'article_fts', 'instance')`); err != nil {
		return "", "", err
	}
	var words [2]sql.NullString
	for col, name := range []string{"title", "body"} {
		err := s.w.QueryRowContext(ctx, `SELECT group_concat(term, ' ') FROM (SELECT term FROM temp.fts_terms
			WHERE doc = (SELECT id FROM articles WHERE guid = ?) AND col = ? ORDER BY offset)`, guid, name).Scan(&words[col])
		if err != nil {
			return "", "", err
		}
	}
	return words[0].String, words[1].String, nil
}

// SearchSetting reads one of the SQLite search index's FTS5 settings.
func (s *Store) SearchSetting(ctx context.Context, k string) (int, error) {
	var v int
	err := s.r.DB.QueryRowContext(ctx, `SELECT v FROM article_fts_config WHERE k = ?`, k).Scan(&v)
	return v, err
}
