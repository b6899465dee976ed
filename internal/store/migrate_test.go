package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newswire/newswire/internal/newsroom"
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

// A database from before 0006 (pulls walked (updated, id)) upgrades to one
// change number per stored article, in the old walk's order, with the
// global version past them; a partner's old cursor resumes without
// re-sending what it had.
func TestUpgradeNumbersStoredChanges(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	db := rawDB(t, path)
	fsys := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_sources.sql", "0003_websub.sql", "0004_lifecycle.sql", "0005_search.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		fsys["migrations/"+name] = &fstest.MapFile{Data: b}
	}
	if err := store.Migrate(ctx, db, fsys); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO categories (id, slug, title, changed_at) VALUES (1, 'politics', 'politics', 0)`); err != nil {
		t.Fatal(err)
	}
	for i := range 30 { // ids 1..30, updated going down: the walk order is the reverse
		if _, err := db.Exec(`INSERT INTO articles (id, guid, title, published, updated, created, content_hash, categories)
			VALUES (?, ?, 't', ?, ?, 0, x'00', 'politics')`, i+1, fmt.Sprintf("g%02d", i+1), 1000-i, 1000-i); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO article_categories (article_id, category_id, published) VALUES (?, 1, ?)`, i+1, 1000-i); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE meta SET value = 7 WHERE key = 'version'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := store.Open(ctx, path, store.WithClock(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	raw := rawDB(t, path)
	var distinct, lo, hi, version int64
	if err := raw.QueryRow(`SELECT count(DISTINCT change_seq), min(change_seq), max(change_seq) FROM articles`).Scan(&distinct, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if err := raw.QueryRow(`SELECT value FROM meta WHERE key = 'version'`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if distinct != 30 || lo != 8 || hi != 37 || version < 37 {
		t.Errorf("change numbers: %d distinct in [%d, %d], version %d; want 30 in [8, 37], version >= 37", distinct, lo, hi, version)
	}
	// A partner that had pulled up to updated=990 (ids 30..11 seen, oldest
	// first) resumes with its old cursor: it gets ids 10..1 once each.
	since, ok := newsroom.ParseSince("990-11")
	if !ok {
		t.Fatal("old cursor refused")
	}
	var got []string
	for range 10 {
		cs, err := st.Changes(ctx, "politics", since, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			got = append(got, c.Article.GUID)
			since = c.Cursor
		}
	}
	if fmt.Sprint(got) != "[g11 g10 g09 g08 g07 g06 g05 g04 g03 g02 g01]" {
		t.Errorf("resumed pull: %v", got)
	}
}

// A database from before 0009 gives its categories a creation time: the
// earliest time one of their articles was stored, else the time the
// category last changed; reopening keeps it, and new categories get the
// time they are created.
func TestUpgradeDatesExistingCategories(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	db := rawDB(t, path)
	fsys := fstest.MapFS{}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasPrefix(filepath.Base(name), "0009_") {
			break
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["migrations/"+filepath.Base(name)] = &fstest.MapFile{Data: b}
	}
	if err := store.Migrate(ctx, db, fsys); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO categories (id, slug, title, changed_at) VALUES (1, 'politics', 'politics', 5000), (2, 'declared', 'declared', 3000)`,
		`INSERT INTO articles (id, guid, title, published, updated, created, content_hash, categories) VALUES
			(1, 'g1', 't', 100, 100, 4000, x'00', 'politics'), (2, 'g2', 't', 50, 50, 4500, x'00', 'politics')`,
		`INSERT INTO article_categories (article_id, category_id, published) VALUES (1, 1, 100), (2, 1, 50)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	want := map[string]int64{"politics": 4000, "declared": 3000}
	for i := range 2 { // migrated, then reopened
		st, err := store.Open(ctx, path, store.WithClock(fixedClock))
		if err != nil {
			t.Fatal(err)
		}
		for slug, sec := range want {
			c, err := st.Category(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if c.Created.Unix() != sec {
				t.Errorf("open #%d: %s created %v, want unix %d", i+1, slug, c.Created, sec)
			}
		}
		if i == 0 {
			mustSave(t, st, article("g3", t0, "new"))
			want["new"] = fixedClock().Unix()
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
