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
