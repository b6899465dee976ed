package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newswire/newswire/internal/store"
)

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrationsAreIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	for i := range 3 { // fresh, reopened, reopened again
		st, err := store.Open(ctx, path, store.WithClock(fixedClock))
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if i == 0 {
			mustSave(t, st, article("kept", t0, "politics"))
		}
		if _, err := st.Article(ctx, "kept"); err != nil {
			t.Errorf("open #%d: %v", i+1, err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db := rawDB(t, path)
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	if v := userVersion(t, db); v != len(files) {
		t.Errorf("user_version = %d, want %d (one per migration file)", v, len(files))
	}
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestOpenPathWithURICharactersAndPing(t *testing.T) {
	ctx := context.Background()
	// The DSN is a file: URI; these must reach the file system literally.
	path := filepath.Join(t.TempDir(), "news ?#%25 أخبار.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping on an open store: %v", err)
	}
	mustSave(t, st, article("p-1", t0, "politics"))
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err == nil {
		t.Error("Ping on a closed store: no error")
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the given path: %v", err)
	}
	if _, err := store.Open(ctx, ""); err == nil {
		t.Error("Open with an empty path: no error")
	}
}

func TestDatabaseNewerThanBinaryIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := rawDB(t, path).Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(context.Background(), path)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		if st != nil {
			st.Close()
		}
		t.Fatalf("Open on a newer database: %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "99") {
		t.Errorf("error %q does not name the database's version", err)
	}
}

func TestFailedMigrationLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	db := rawDB(t, filepath.Join(t.TempDir(), "m.db"))
	db.SetMaxOpenConns(1)
	fsys := fstest.MapFS{
		"migrations/0001_one.sql": {Data: []byte("CREATE TABLE one (x INTEGER);")},
		"migrations/0002_two.sql": {Data: []byte("CREATE TABLE two (x INTEGER); INSERT INTO one VALUES (1); SELECT * FROM missing;")},
	}
	if err := store.Migrate(ctx, db, fsys); err == nil || !strings.Contains(err.Error(), "0002_two.sql") {
		t.Fatalf("Migrate = %v, want an error naming 0002_two.sql", err)
	}
	if v := userVersion(t, db); v != 1 {
		t.Errorf("user_version = %d, want 1: the failed step must not count", v)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'two'").Scan(&n); err != nil || n != 0 {
		t.Errorf("table two exists (%d, %v): the failed step was not rolled back", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM one").Scan(&n); err != nil || n != 0 {
		t.Errorf("rows in one = %d, %v; want 0", n, err)
	}

	// Fixed, it applies; applied again, it does nothing.
	fsys["migrations/0002_two.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE two (x INTEGER); INSERT INTO one VALUES (1);")}
	for range 2 {
		if err := store.Migrate(ctx, db, fsys); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueryRow("SELECT count(*) FROM one").Scan(&n); err != nil || n != 1 {
		t.Errorf("rows in one = %d, %v; want 1 (step 2 ran exactly once)", n, err)
	}

	// A gap in the numbering is refused before anything runs.
	delete(fsys, "migrations/0002_two.sql")
	fsys["migrations/0003_three.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE three (x INTEGER);")}
	if err := store.Migrate(ctx, db, fsys); err == nil {
		t.Error("Migrate accepted 0001, 0003 without 0002")
	}
}

func TestLatestQueriesWalkAnIndex(t *testing.T) {
	st, path := mustOpenAt(t, filepath.Join(t.TempDir(), "n.db"), fixedClock)
	for i := range 30 {
		mustSave(t, st, bigArticle(i, []string{"politics", "sports", "economy"}[i%3]))
	}
	db := rawDB(t, path)
	if _, err := db.Exec("ANALYZE"); err != nil { // plans must hold with statistics too
		t.Fatal(err)
	}
	tests := []struct {
		name, query string
		args        []any
		index       string
	}{
		{"category", store.SQLLatestCategory, []any{"politics", 50}, "article_categories_latest"},
		{"all", store.SQLLatestAll, []any{50}, "articles_latest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := db.Query("EXPLAIN QUERY PLAN "+tt.query, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			all := strings.Join(plan, "\n")
			if strings.Contains(all, "TEMP B-TREE") {
				t.Errorf("plan sorts instead of walking an index:\n%s", all)
			}
			if !strings.Contains(all, tt.index) {
				t.Errorf("plan does not use %s:\n%s", tt.index, all)
			}
			t.Logf("plan:\n%s", all)
		})
	}
}
