// Package store keeps newswire's articles, categories, sources and WebSub
// queue in a database: an embedded SQLite file (modernc.org/sqlite, no cgo)
// for one machine, or PostgreSQL (jackc/pgx) for several instances sharing
// one database. Open picks by the location it is given. There is one
// implementation of the store; a dialect (dialect.go) supplies the SQL the
// two engines spell differently.
//
// SQLite: a Store has one writer connection, whose transactions start with
// BEGIN IMMEDIATE so a read-then-write never fails with SQLITE_BUSY_SNAPSHOT,
// and a small pool of read-only connections. The database runs in WAL mode,
// so readers never block the writer or each other.
//
// Durability on SQLite: synchronous=NORMAL in WAL mode appends each commit to
// the WAL file with write(2) and syncs only at checkpoints. A commit that has
// returned is in the operating system's page cache, so it survives the
// process being killed (kill -9, panic, out of memory); a power loss or
// kernel crash may roll back the last commits, never corrupt the file.
//
// PostgreSQL: one pool serves reads and writes, and several processes may
// write at once. What SQLite's single writer guaranteed is kept by locks:
// transactions that move the global version take one advisory lock first
// (beginVersioned), so change numbers are handed out in commit order; queue
// claims skip rows another transaction holds; upserts are ON CONFLICT.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/newswire/newswire/internal/newsroom"
)

// DSN parts. _pragma values run as SQL verbatim, so they come only from these
// constants, never from configuration.
const (
	pragmaBusyTimeout = "_pragma=busy_timeout(5000)"
	pragmaWAL         = "_pragma=journal_mode(WAL)"
	pragmaSyncNormal  = "_pragma=synchronous(NORMAL)"
	pragmaForeignKeys = "_pragma=foreign_keys(1)"
	pragmaQueryOnly   = "_pragma=query_only(1)"
	txLockImmediate   = "_txlock=immediate"

	// readConns bounds the reader pool: each connection has its own page
	// cache, and the machine has few cores.
	readConns = 4
)

// Store is newswire's database. It is safe for concurrent use.
type Store struct {
	w *dbPool // SQLite: exactly one connection, every write goes through it; PostgreSQL: the pool
	r *dbPool // SQLite: the read-only pool; PostgreSQL: the same pool as w
	d *dialect
	// SQLite only: how connections open the file, normally or immutably
	// while its folder cannot be written (conn.go); rc is the reader
	// pool's connector, for checking whether normal reads work. Unused
	// (nil, always normal) on PostgreSQL.
	mode accessMode
	rc   *connector
	now  func() time.Time
	log  *slog.Logger
	path string // the SQLite file; "" on PostgreSQL
	name string // the location for messages: a PostgreSQL URL without its password
	h    health // whether writes work (health.go)

	maxConns int // PostgreSQL pool bound

	ws writeStmts
	rs readStmts
	ss sourceStmts  // sources and ingest passes (source.go, pass.go)
	cs changesStmts // ?since= pulls (lifecycle.go), prepared at first use
}

// Option configures Open.
type Option func(*Store)

// WithClock sets the clock used for created/updated/changed_at stamps.
// Tests pass a fixed time.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithLogger sets the logger; the default (and nil) discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(s *Store) {
		if l != nil {
			s.log = l
		}
	}
}

// WithMaxConns bounds the PostgreSQL connection pool (default 10); SQLite
// ignores it (one writer, a few readers).
func WithMaxConns(n int) Option {
	return func(s *Store) {
		if n > 0 {
			s.maxConns = n
		}
	}
}

// Open opens (creating if needed) the database at location and applies
// pending migrations: a postgres:// or postgresql:// URL is a PostgreSQL
// database (several instances may share it), anything else the path of a
// SQLite file. A database written by a newer newswire is an error. Errors
// and logs name a URL without its password.
//
// A database that can be read but not written (full disk, read-only file or
// mount) opens read-only: WriteHealth says so, writes fail with ErrStorage,
// and the start-up writes skipped (the search index) run once ProbeWrites
// finds writes work. With migrations pending it cannot be served and Open
// fails with an error that says why. A SQLite database whose folder cannot
// be written and that has no -wal or -shm file is read immutably until
// normal reads work (conn.go).
func Open(ctx context.Context, location string, opts ...Option) (*Store, error) {
	if location == "" {
		return nil, errors.New("open store: empty path")
	}
	s := &Store{now: time.Now, log: slog.New(slog.DiscardHandler), name: location, maxConns: defaultPGConns}
	s.h.state = newsroom.WriteHealth{Writable: true, Since: time.Now()}
	for _, o := range opts {
		o(s)
	}
	var err error
	if IsPostgresURL(location) {
		s.name = RedactDSN(location)
		err = s.openPostgres(ctx, location)
	} else {
		if err := checkPath(location); err != nil {
			return nil, err
		}
		s.path = location
		err = s.openSQLite(ctx, location)
	}
	if err == nil {
		err = s.openCommon(ctx)
	}
	if err != nil {
		// Closing what opened halfway fails for the same reason: that
		// second error would only repeat the first.
		if cerr := s.Close(); cerr != nil {
			s.log.Debug("close after a failed open", "error", cerr)
		}
		return nil, fmt.Errorf("open database %s: %w", s.name, redactErr(err, location))
	}
	return s, nil
}

// Backend says which engine the store runs on.
func (s *Store) Backend() Backend { return s.d.backend }

// checkPath refuses a database path that cannot work, with a sentence
// instead of SQLite's: an in-memory database (each connection would get
// its own, empty one) and a file in a folder that does not exist.
func checkPath(path string) error {
	if path == ":memory:" || strings.Contains(path, "mode=memory") {
		return fmt.Errorf("database %q: newswire keeps its articles in a file that several connections and processes share; give a file path such as newswire.db, or a postgres:// URL", path)
	}
	dir := filepath.Dir(path)
	switch fi, err := os.Stat(dir); {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("database %s: the folder %s does not exist; create it first", path, dir)
	case err != nil:
		return fmt.Errorf("database %s: %w", path, err)
	case !fi.IsDir():
		return fmt.Errorf("database %s: %s is not a folder", path, dir)
	}
	return nil
}

func (s *Store) openSQLite(ctx context.Context, path string) error {
	if err := repairSideFiles(path); err != nil {
		return err
	}
	s.d = sqliteDialect()
	// The writer opens and migrates first, so the file is in WAL mode with the
	// current schema before any reader connects. Both pools open through a
	// connector that knows the access mode (conn.go).
	wc, err := newConnector(&s.mode, true, path,
		[]string{pragmaBusyTimeout, pragmaWAL, pragmaSyncNormal, pragmaForeignKeys, txLockImmediate},
		[]string{pragmaBusyTimeout, pragmaForeignKeys, txLockImmediate})
	if err != nil {
		return err
	}
	w := sql.OpenDB(wc)
	s.w = &dbPool{w, s.d}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	readParams := []string{pragmaBusyTimeout, pragmaForeignKeys, pragmaQueryOnly}
	if s.rc, err = newConnector(&s.mode, false, path, readParams, readParams); err != nil {
		return err
	}
	r := sql.OpenDB(s.rc)
	s.r = &dbPool{r, s.d}
	r.SetMaxOpenConns(readConns)
	r.SetMaxIdleConns(readConns) // keep them: a new connection re-runs the pragmas
	r.SetConnMaxLifetime(0)
	return nil
}

// openCommon migrates, indexes and prepares, on either backend.
func (s *Store) openCommon(ctx context.Context) error {
	err := s.migrate(ctx)
	if err == nil {
		err = s.indexAll(ctx)
	}
	if err := s.openReadOnly(ctx, err); err != nil {
		return err
	}
	if err := s.ws.prepare(ctx, s.w, s.d); err != nil {
		return err
	}
	if err := s.ss.prepare(ctx, s.w, s.r, s.d); err != nil {
		return err
	}
	return s.rs.prepare(ctx, s.r)
}

// openReadOnly decides what a failed start-up write means: a storage fault
// on a database whose schema is current leaves the store open read-only,
// with the search index queued; anything else fails Open.
func (s *Store) openReadOnly(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	werr := classify(err)
	var se *newsroom.StorageError
	if !errors.As(werr, &se) {
		return err
	}
	have, err := s.readVersion(ctx, werr)
	if err != nil {
		return err
	}
	files, gerr := fs.Glob(s.migrations())
	if gerr != nil {
		return gerr
	}
	if have > len(files) {
		return fmt.Errorf("schema version %d, this binary knows %d: %w", have, len(files), ErrSchemaTooNew)
	}
	if have < len(files) {
		return fmt.Errorf("database has %d pending migrations and cannot be written, so it cannot be served: %w", len(files)-have, werr)
	}
	s.h.pending = append(s.h.pending, s.indexAll)
	if s.mode.isImmutable() {
		// SQLite's "unable to open database file" hides why: say it.
		se = &newsroom.StorageError{Fault: newsroom.FaultReadOnly, Err: fmt.Errorf("%s cannot be written: %w", filepath.Dir(s.path), se.Err)}
		s.log.Warn("reading the database as immutable: its folder cannot be written, so its -wal and -shm files cannot be created",
			"database", s.path)
	}
	s.writeFailed(se)
	return nil
}

// readVersion reads the schema version of a database that cannot be
// written (werr says why). When SQLite's normal reads fail for want of the
// WAL's side files, it reads immutably if that reads every commit.
// PostgreSQL has no such mode: its read either works or fails Open.
func (s *Store) readVersion(ctx context.Context, werr error) (int, error) {
	neither := func(err error) error {
		return fmt.Errorf("database can be neither written nor read: %w", errors.Join(werr, classify(err)))
	}
	have, rerr := s.schemaVersion(ctx)
	if rerr == nil {
		return have, nil
	}
	if s.d.pg() || !errors.Is(classify(rerr), newsroom.ErrStorage) {
		return 0, neither(rerr)
	}
	safe, err := immutableSafe(s.path)
	if err != nil {
		return 0, neither(errors.Join(rerr, err))
	}
	if !safe {
		return 0, neither(fmt.Errorf("%w; its -wal file holds commits, and its -shm file, needed to read them, "+
			"cannot be created: make %s writable for one start", rerr, filepath.Dir(s.path)))
	}
	s.mode.set(true)
	if have, err = s.schemaVersion(ctx); err != nil {
		return 0, neither(errors.Join(rerr, err))
	}
	return have, nil
}

// readNormally leaves immutable reads once normal ones work: someone can
// write the folder again (this store's write probe, or another process),
// so the file may change. The readers' (and writer's) connections of the
// immutable mode, and the statements prepared on them, leave their pools.
func (s *Store) readNormally(ctx context.Context) error {
	if !s.mode.isImmutable() {
		return nil
	}
	c, err := s.rc.normal.Connect(ctx)
	if err != nil {
		return fmt.Errorf("normal reads: %w", classify(err))
	}
	defer c.Close()
	qc, ok := c.(driver.QueryerContext)
	if !ok {
		return fmt.Errorf("normal reads: driver connection %T cannot query", c)
	}
	rows, err := qc.QueryContext(ctx, "SELECT value FROM meta WHERE key = 'version'", nil)
	if err != nil {
		return fmt.Errorf("normal reads: %w", classify(err))
	}
	// The first step reads the WAL's shared memory.
	err = rows.Next(make([]driver.Value, 1))
	if cerr := rows.Close(); err == nil || errors.Is(err, io.EOF) {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("normal reads: %w", classify(err))
	}
	if s.mode.set(false) {
		// Idle connections go now; those in use when they are returned.
		s.r.SetMaxIdleConns(0)
		s.r.SetMaxIdleConns(readConns)
		s.log.Info("reading the database normally again")
	}
	return nil
}

// dsn builds a file: URI. SQLite decodes %HH in the path, so the characters
// that would end or break it are escaped.
func dsn(path string, params ...string) string {
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + p + "?" + strings.Join(params, "&")
}

// Close closes the statements and the pools. It is safe on a Store that
// Open failed halfway through.
func (s *Store) Close() error {
	errs := []error{s.rs.close(), s.ws.close(), s.ss.close(), s.cs.close()}
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		if s.d.backend == SQLite {
			// Keeps the planner's statistics fresh; cheap when nothing
			// changed. A database that cannot be written goes without.
			// (PostgreSQL's autovacuum does this by itself.)
			if _, err := s.w.DB.Exec("PRAGMA optimize"); err != nil && !errors.Is(classify(err), newsroom.ErrStorage) {
				errs = append(errs, fmt.Errorf("optimize: %w", err))
			}
		}
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Ping reports whether the database answers a query. It uses a reader, so a
// long write transaction does not make the service look unhealthy. A
// database that cannot be reached is ErrStorage (FaultUnavailable).
func (s *Store) Ping(ctx context.Context) error {
	var v int64
	if err := s.rs.version.QueryRowContext(ctx).Scan(&v); err != nil {
		s.noteRead(&err)
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// unix converts a stored unix time back to a UTC time.
func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
