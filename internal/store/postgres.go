package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// defaultPGConns bounds the PostgreSQL pool unless WithMaxConns says
// otherwise: enough for the server's readers, ingest and the hub at once,
// few enough for several instances under PostgreSQL's 100 connections.
const defaultPGConns = 10

func (s *Store) openPostgres(ctx context.Context, location string) error {
	cfg, err := pgx.ParseConfig(location)
	if err != nil {
		return fmt.Errorf("postgres url: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "newswire"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(s.maxConns)
	db.SetMaxIdleConns(s.maxConns)
	// Connections are renewed now and then, so after a failover or a DNS
	// change the pool ends up on the current server.
	db.SetConnMaxLifetime(30 * time.Minute)
	s.d = sqliteDialect() // until the schema is known, for Close
	s.w = &dbPool{db, s.d}
	s.r = s.w

	// The schema names the lock keys: databases in two schemas of one
	// PostgreSQL database are independent.
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if !schema.Valid {
		return errors.New("search_path names no schema that exists")
	}
	s.d = postgresDialect(schema.String)
	s.w.d = s.d
	return nil
}

// RedactDSN returns a database location fit for logs, status pages and
// errors: a PostgreSQL URL without its password (user, host, port and
// database stay, to tell databases apart); a SQLite path as it is.
func RedactDSN(location string) string {
	if !IsPostgresURL(location) {
		return location
	}
	u, err := url.Parse(location)
	if err != nil {
		// Not a URL we can take apart: say which scheme, nothing else.
		scheme, _, _ := strings.Cut(location, ":")
		return scheme + "://(unparsable URL)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// redactErr keeps a PostgreSQL URL's password out of an error's text, should
// the driver ever repeat the URL in one.
func redactErr(err error, location string) error {
	if err == nil || !IsPostgresURL(location) {
		return err
	}
	pw := passwordOf(location)
	if pw == "" || !strings.Contains(err.Error(), pw) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), pw, "xxxxx"), err: err}
}

func passwordOf(location string) string {
	u, err := url.Parse(location)
	if err != nil {
		return ""
	}
	if p, ok := u.User.Password(); ok {
		return p
	}
	return u.Query().Get("password")
}

// redactedError is err with another message; errors.Is and As still see err.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// beginVersioned starts a write transaction that may move the global
// version. On PostgreSQL it first takes the version lock (released at
// commit or rollback): change numbers are then handed out one transaction
// at a time in commit order, so a ?since= puller that has seen change n has
// seen every change before it. On SQLite the single writer already
// serialises every write transaction.
func (s *Store) beginVersioned(ctx context.Context) (*dbTx, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil || !s.d.pg() {
		return tx, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, s.d.versionLock); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("version lock: %w", err)
	}
	return tx, nil
}
