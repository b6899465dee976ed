// Package store keeps newswire's articles and categories in an embedded
// SQLite database (modernc.org/sqlite, no cgo).
//
// A Store has one writer connection, whose transactions start with BEGIN
// IMMEDIATE so a read-then-write never fails with SQLITE_BUSY_SNAPSHOT, and a
// small pool of read-only connections. The database runs in WAL mode, so
// readers never block the writer or each other.
//
// Durability: synchronous=NORMAL in WAL mode appends each commit to the WAL
// file with write(2) and syncs only at checkpoints. A commit that has
// returned is in the operating system's page cache, so it survives the
// process being killed (kill -9, panic, out of memory); a power loss or
// kernel crash may roll back the last commits, never corrupt the file.
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
)

// ErrNotFound is wrapped by every lookup that finds nothing.
var ErrNotFound = errors.New("not found")

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
	w    *sql.DB    // exactly one connection; every write goes through it
	r    *sql.DB    // read-only pool
	mode accessMode // normal, or immutable while the database's folder cannot be written (conn.go)
	rc   *connector // the reader pool's, for checking whether normal reads work
	now  func() time.Time
	log  *slog.Logger
	path string
	h    health // whether writes work (health.go)

	ws writeStmts
	rs readStmts
	ss sourceStmts // sources and ingest passes (source.go, pass.go)
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

// Open opens (creating if needed) the database at path and applies pending
// migrations. A database written by a newer newswire is an error.
//
// A database that can be read but not written (full disk, read-only file or
// mount) opens read-only: WriteHealth says so, writes fail with ErrStorage,
// and the start-up writes skipped (the search index) run once ProbeWrites
// finds writes work. With migrations pending it cannot be served and Open
// fails with an error that says why. One whose folder cannot be written and
// that has no -wal or -shm file is read immutably until normal reads work
// (conn.go).
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty path")
	}
	s := &Store{now: time.Now, log: slog.New(slog.DiscardHandler), path: path}
	s.h.state = WriteHealth{Writable: true, Since: time.Now()}
	for _, o := range opts {
		o(s)
	}
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if err := s.open(ctx, path); err != nil {
		// Closing what opened halfway fails for the same reason: that
		// second error would only repeat the first.
		if cerr := s.Close(); cerr != nil {
			s.log.Debug("close after a failed open", "error", cerr)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// checkPath refuses a database path that cannot work, with a sentence
// instead of SQLite's: an in-memory database (each connection would get
// its own, empty one) and a file in a folder that does not exist.
func checkPath(path string) error {
	if path == ":memory:" || strings.Contains(path, "mode=memory") {
		return fmt.Errorf("database %q: newswire keeps its articles in a file that several connections and processes share; give a file path such as newswire.db", path)
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

func (s *Store) open(ctx context.Context, path string) error {
	if err := repairSideFiles(path); err != nil {
		return err
	}
	// The writer opens and migrates first, so the file is in WAL mode with the
	// current schema before any reader connects.
	wc, err := newConnector(&s.mode, true, path,
		[]string{pragmaBusyTimeout, pragmaWAL, pragmaSyncNormal, pragmaForeignKeys, txLockImmediate},
		[]string{pragmaBusyTimeout, pragmaForeignKeys, txLockImmediate})
	if err != nil {
		return err
	}
	s.w = sql.OpenDB(wc)
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	readParams := []string{pragmaBusyTimeout, pragmaForeignKeys, pragmaQueryOnly}
	if s.rc, err = newConnector(&s.mode, false, path, readParams, readParams); err != nil {
		return err
	}
	s.r = sql.OpenDB(s.rc)
	s.r.SetMaxOpenConns(readConns)
	s.r.SetMaxIdleConns(readConns) // keep them: a new connection re-runs the pragmas
	s.r.SetConnMaxLifetime(0)

	err = migrate(ctx, s.w, migrationFS, s.log)
	if err == nil {
		err = s.indexAll(ctx)
	}
	if err := s.openReadOnly(ctx, err); err != nil {
		return err
	}

	if err := s.ws.prepare(ctx, s.w); err != nil {
		return err
	}
	if err := s.ss.prepare(ctx, s.w, s.r); err != nil {
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
	var se *StorageError
	if !errors.As(werr, &se) {
		return err
	}
	have, err := s.readVersion(ctx, werr)
	if err != nil {
		return err
	}
	files, gerr := fs.Glob(migrationFS, "migrations/*.sql")
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
		se = &StorageError{Fault: FaultReadOnly, Err: fmt.Errorf("%s cannot be written: %w", filepath.Dir(s.path), se.Err)}
		s.log.Warn("reading the database as immutable: its folder cannot be written, so its -wal and -shm files cannot be created",
			"database", s.path)
	}
	s.writeFailed(se)
	return nil
}

// readVersion reads the schema version of a database that cannot be
// written (werr says why). When normal reads fail for want of the WAL's
// side files, it reads immutably if that reads every commit.
func (s *Store) readVersion(ctx context.Context, werr error) (int, error) {
	var have int
	rerr := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have)
	if rerr == nil || !errors.Is(classify(rerr), ErrStorage) {
		return have, rerr
	}
	neither := func(err error) error {
		return fmt.Errorf("database can be neither written nor read: %w", errors.Join(werr, classify(err)))
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
	if err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
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

// Close closes the statements and both pools. It is safe on a Store that
// Open failed halfway through.
func (s *Store) Close() error {
	errs := []error{s.rs.close(), s.ws.close(), s.ss.close()}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		// Keeps the planner's statistics fresh; cheap when nothing changed.
		// A database that cannot be written goes without.
		if _, err := s.w.Exec("PRAGMA optimize"); err != nil && !errors.Is(classify(err), ErrStorage) {
			errs = append(errs, fmt.Errorf("optimize: %w", err))
		}
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Ping reports whether the database answers a query. It uses a reader, so a
// long write transaction does not make the service look unhealthy.
func (s *Store) Ping(ctx context.Context) error {
	var v int64
	if err := s.rs.version.QueryRowContext(ctx).Scan(&v); err != nil {
		return fmt.Errorf("ping store: %w", err)
	}
	return nil
}

// unix converts a stored unix time back to a UTC time.
func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
