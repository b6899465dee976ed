package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"time"
)

// pgMigrationFS holds PostgreSQL's schema steps, numbered like SQLite's but
// counted apart: 0001 is the baseline equal to SQLite's schema after its
// 0009, and each later SQLite step that changes tables has its PostgreSQL
// twin here. schema_migrations records the steps applied.
//
//go:embed migrations/postgres/*.sql
var pgMigrationFS embed.FS

const pgMigrationGlob = "migrations/postgres/*.sql"

// migratePostgres applies the pending steps, each with its schema_migrations
// row in one transaction, holding a session advisory lock meanwhile so that
// instances starting at once wait for each other instead of racing.
func migratePostgres(ctx context.Context, db *sql.DB, fsys fs.FS, lock int64, log *slog.Logger) (err error) {
	files, err := fs.Glob(fsys, pgMigrationGlob)
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	for i, f := range files {
		if want := fmt.Sprintf("%04d_", i+1); !strings.HasPrefix(path.Base(f), want) {
			return fmt.Errorf("migration %s: want a name starting %q", f, want)
		}
	}
	// A session lock lives on one connection: hold that connection.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, lock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer func() {
		_, uerr := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lock)
		if uerr != nil && err == nil {
			err = fmt.Errorf("migrate: unlock: %w", uerr)
		}
	}()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT   NOT NULL,
		applied_at BIGINT NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(files) {
		return fmt.Errorf("schema version %d, this binary knows %d: %w", have, len(files), ErrSchemaTooNew)
	}
	for i := have; i < len(files); i++ {
		if err := applyPostgres(ctx, conn, fsys, files[i], i+1); err != nil {
			return err
		}
		log.Info("applied migration", "file", path.Base(files[i]), "schema_version", i+1)
	}
	return nil
}

func applyPostgres(ctx context.Context, conn *sql.Conn, fsys fs.FS, name string, version int) error {
	script, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	defer tx.Rollback() // no-op after Commit
	// No arguments: pgx sends the script as one simple query, several
	// statements included.
	if _, err := tx.ExecContext(ctx, string(script)); err != nil {
		return fmt.Errorf("migrate %s: %w", path.Base(name), err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		version, path.Base(name), time.Now().Unix()); err != nil {
		return fmt.Errorf("migrate %s: record: %w", path.Base(name), err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", path.Base(name), err)
	}
	return nil
}
