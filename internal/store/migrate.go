package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strconv"
	"strings"
)

// migrationFS holds the schema, one numbered file per step: 0001_init.sql,
// 0002_….sql. PRAGMA user_version is the number of steps applied. Steps are
// forward-only; never edit one that has shipped.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrate brings the store's schema up to date, on its backend.
func (s *Store) migrate(ctx context.Context) error {
	if s.d.pg() {
		return migratePostgres(ctx, s.w.DB, pgMigrationFS, s.d.migrationLock, s.log)
	}
	return migrate(ctx, s.w.DB, migrationFS, s.log)
}

// migrations returns the file system and glob of the backend's steps.
func (s *Store) migrations() (fs.FS, string) {
	if s.d.pg() {
		return pgMigrationFS, pgMigrationGlob
	}
	return migrationFS, "migrations/*.sql"
}

// schemaVersion reads how many steps the database has had, through the
// reader (for a database that cannot be written).
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	var have int
	q := "PRAGMA user_version"
	if s.d.pg() {
		q = `SELECT coalesce(max(version), 0) FROM schema_migrations`
	}
	err := s.r.DB.QueryRowContext(ctx, q).Scan(&have)
	return have, err
}

// ErrSchemaTooNew is returned when the database was migrated by a newer
// newswire than this binary.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary")

// migrate applies the pending steps of fsys/migrations, each with its
// user_version bump in one immediate transaction. The version is read inside
// that transaction, so two processes opening a fresh file at once cannot
// apply a step twice.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, log *slog.Logger) error {
	files, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	for i, f := range files { // Glob sorts, so a gap or a bad name shows here
		if want := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(path.Base(f), want) {
			return fmt.Errorf("migration %s: want a name starting %q", f, want)
		}
	}
	for {
		done, err := migrateStep(ctx, db, fsys, files, log)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next pending step, or reports done.
func migrateStep(ctx context.Context, db *sql.DB, fsys fs.FS, files []string, log *slog.Logger) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	var have int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case have > len(files):
		return false, fmt.Errorf("schema version %d, this binary knows %d: %w", have, len(files), ErrSchemaTooNew)
	case have == len(files):
		return true, tx.Commit()
	}
	name := files[have]
	script, err := fs.ReadFile(fsys, name)
	if err != nil {
		return false, fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return false, fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	// PRAGMA takes no bound parameters; the value is an int we formatted.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(have+1)); err != nil {
		return false, fmt.Errorf("migrate %s: set version: %w", path.Base(name), err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate %s: commit: %w", path.Base(name), err)
	}
	log.Info("applied migration", "file", path.Base(name), "schema_version", have+1)
	return false, nil
}
