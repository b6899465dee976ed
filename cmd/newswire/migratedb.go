package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/newswire/newswire/internal/store"
)

// runMigrateDB copies a SQLite database into an empty PostgreSQL one
// (store.CopyInto), for a newsroom moving to several instances. It reads
// only its two flags: NEWSWIRE_DB and the config name one database, and a
// copy needs two named on purpose.
func (m *Main) runMigrateDB(ctx context.Context, args []string) error {
	fs := m.newFlagSet("migrate-db", "", "from", "to")
	from := fs.String("from", "", "the SQLite database `path` to copy (SQLite to PostgreSQL only); stop the instances writing to it first")
	to := fs.String("to", "", "the PostgreSQL database `URL` to copy into (postgres://…); it must be empty and gets the current schema")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkMigrateDBFlags(*from, *to); err != nil {
		return err
	}
	start := time.Now()
	src, err := store.Open(ctx, *from)
	if err != nil {
		return fmt.Errorf("migrate-db: source: %w", err)
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return fmt.Errorf("migrate-db: target: %w", err)
	}
	defer dst.Close()
	target := store.RedactDSN(*to)
	counts, err := store.CopyInto(ctx, dst, src)
	if err != nil {
		return fmt.Errorf("migrate-db %s to %s: %w (nothing was written)", *from, target, err)
	}
	fmt.Fprintf(m.Stdout, "copied %s to %s in %s\n", *from, target, time.Since(start).Round(time.Millisecond))
	width := 0
	for _, c := range counts {
		width = max(width, len(c.Table))
	}
	for _, c := range counts {
		fmt.Fprintf(m.Stdout, "  %-*s %9d\n", width, c.Table, c.Rows)
	}
	return nil
}

// checkMigrateDBFlags refuses what migrate-db cannot do before anything is
// opened: opening a missing --from would create an empty database.
func checkMigrateDBFlags(from, to string) error {
	switch {
	case from == "" || to == "":
		return fmt.Errorf("%w: migrate-db needs --from PATH and --to URL", errUsage)
	case store.IsPostgresURL(from):
		return fmt.Errorf("%w: --from must be a SQLite file: migrate-db copies SQLite to PostgreSQL only", errUsage)
	case !store.IsPostgresURL(to):
		return fmt.Errorf("%w: --to must be a postgres:// URL: migrate-db copies SQLite to PostgreSQL only", errUsage)
	}
	fi, err := os.Stat(from)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("migrate-db: --from %s: no such file", from)
	case err != nil:
		return fmt.Errorf("migrate-db: --from: %w", err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("migrate-db: --from %s: not a database file", from)
	}
	return nil
}
