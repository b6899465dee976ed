package store_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
)

// pgEnv names the PostgreSQL server the tests may use (see pgtest).
const pgEnv = pgtest.Env

// testDB is a backend the store tests run on: fresh returns the location of
// a new, empty database of its kind, dropped when the test ends.
type testDB struct {
	name  string
	fresh func(tb testing.TB) string
}

var sqliteDB = testDB{name: "sqlite", fresh: func(tb testing.TB) string {
	return filepath.Join(tb.TempDir(), "n.db")
}}

var postgresDB = testDB{name: "postgres", fresh: freshSchema}

// forEachBackend runs f as a subtest on SQLite and, when pgEnv is set, on
// PostgreSQL; without it the PostgreSQL case is skipped (and says why).
func forEachBackend(t *testing.T, f func(t *testing.T, db testDB)) {
	t.Helper()
	for _, db := range []testDB{sqliteDB, postgresDB} {
		t.Run(db.name, func(t *testing.T) {
			if db.name == "postgres" {
				needPostgres(t)
			}
			f(t, db)
		})
	}
}

func needPostgres(tb testing.TB) {
	tb.Helper()
	pgtest.Need(tb)
}

// open opens a store on a fresh database with the fixed clock.
func (db testDB) open(tb testing.TB) *store.Store {
	tb.Helper()
	st, _ := mustOpenAt(tb, db.fresh(tb), fixedClock)
	return st
}

// openAt opens a fresh database with the clock now, returning its location
// for a second store on the same database.
func (db testDB) openAt(tb testing.TB, now func() time.Time) (*store.Store, string) {
	tb.Helper()
	return mustOpenAt(tb, db.fresh(tb), now)
}

// raw opens the database at loc directly, for checks the API does not expose.
func (db testDB) raw(tb testing.TB, loc string) *sql.DB {
	tb.Helper()
	if db.name == "sqlite" {
		return rawDB(tb, loc)
	}
	raw, err := sql.Open("pgx", loc)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return raw
}

// q spells a query with ? placeholders for db's raw connection.
func (db testDB) q(query string) string {
	if db.name == "sqlite" {
		return query
	}
	return store.Rebind(query)
}

// freshSchema gives one test a PostgreSQL schema of its own.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	return pgtest.FreshSchema(tb)
}

// TestMain closes the shared admin connection.
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Close()
	os.Exit(code)
}
