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
