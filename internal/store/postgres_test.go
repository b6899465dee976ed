package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
)

// instances opens n stores on one fresh PostgreSQL database, all at once:
// n instances starting together (migrations included).
func instances(t *testing.T, n int) ([]*store.Store, string) {
	t.Helper()
	loc := postgresDB.fresh(t)
	sts := make([]*store.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range sts {
		wg.Go(func() { sts[i], errs[i] = store.Open(context.Background(), loc, store.WithClock(fixedClock)) })
	}
	wg.Wait()
	for i, st := range sts {
		if st != nil {
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Error(err)
				}
			})
		}
		if errs[i] != nil {
			t.Fatalf("instance %d: %v", i, errs[i])
		}
	}
	return sts, loc
}

// Three instances write articles at once while a fourth pulls ?since=
// changes: every article written is pulled exactly once, and cursors only
// grow. Change numbers handed out by concurrent transactions out of commit
// order would make the puller step past an article committed late.
func TestConcurrentWritersAndAPullerSeeEveryChangeOnce(t *testing.T) {
	needPostgres(t)
	sts, _ := instances(t, 4)
	writers, puller := sts[:3], sts[3]
	ctx := context.Background()
	const batches = 60

	var wg sync.WaitGroup
	errs := make(chan error, len(writers))
	for w, st := range writers {
		wg.Go(func() {
			for b := range batches {
				as := make([]*feeds.Article, 1+b%3)
				for i := range as {
					as[i] = article(fmt.Sprintf("w%d-b%02d-%d", w, b, i), t0.Add(time.Duration(b)*time.Minute), "politics", fmt.Sprintf("desk-%d", w))
				}
				if _, err := st.SaveArticles(ctx, as); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	seen := map[string]int{}
	var cur newsroom.Since
	pull := func() int {
		cs, err := puller.Changes(ctx, "", cur, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Cursor.Seq < cur.Seq || (c.Cursor.Seq == cur.Seq && c.Cursor.ID <= cur.ID) {
				t.Fatalf("cursor went back: %v after %v", c.Cursor, cur)
			}
			cur = c.Cursor
			seen[c.Article.GUID]++
		}
		return len(cs)
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		pull()
	}
	for pull() > 0 { // what the writers committed last
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := 0
	for b := range batches {
		want += len(writers) * (1 + b%3)
	}
	if n, err := puller.CountArticles(ctx); err != nil || n != want {
		t.Fatalf("stored %d, %v; want %d", n, err, want)
	}
	var missed, twice []string
	for w := range writers {
		for b := range batches {
			for i := range 1 + b%3 {
				g := fmt.Sprintf("w%d-b%02d-%d", w, b, i)
				switch seen[g] {
				case 0:
					missed = append(missed, g)
				case 1:
				default:
					twice = append(twice, g)
				}
			}
		}
	}
	if len(missed) > 0 || len(twice) > 0 {
		t.Errorf("the puller missed %d articles %v and got %d twice %v", len(missed), missed, len(twice), twice)
	}
}

// Instances delivering WebSub notifications claim from one queue at once:
// each delivery is claimed by exactly one of them.
func TestConcurrentWebSubClaimsAreExclusive(t *testing.T) {
	needPostgres(t)
	sts, _ := instances(t, 4)
	ctx := context.Background()
	const subs = 60
	for i := range subs {
		subscribe(t, sts[0], topicPolitics, fmt.Sprintf("https://sub%d.example/cb", i), time.Hour, t0)
	}
	if n, err := sts[0].EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v1"), 1, t0); err != nil || n != subs {
		t.Fatalf("enqueue = %d, %v", n, err)
	}
	var mu sync.Mutex
	claims := map[int64]int{}
	var wg sync.WaitGroup
	for _, st := range sts {
		wg.Go(func() {
			for {
				ds, err := st.ClaimWebSubDeliveries(ctx, t0, time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ds) == 0 {
					return
				}
				mu.Lock()
				for _, d := range ds {
					claims[d.SubscriptionID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claims) != subs {
		t.Errorf("%d deliveries claimed, want %d", len(claims), subs)
	}
	for id, n := range claims {
		if n != 1 {
			t.Errorf("delivery to subscription %d claimed %d times", id, n)
		}
	}
}

// A claim that lapsed and was taken over cannot be finished, retried or
// used to delete by the instance that lost it; the new holder's can.
func TestLapsedWebSubClaimCannotBeUsed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		subscribe(t, st, topicPolitics, "https://sub.example/cb", time.Hour, t0)
		if _, err := st.EnqueueWebSubContent(ctx, topicPolitics, "application/rss+xml", []byte("v1"), 1, t0); err != nil {
			t.Fatal(err)
		}
		old := claimOne(t, st, t0)
		// The hold (a minute) ends; another instance claims it.
		taken := claimOne(t, st, t0.Add(2*time.Minute))
		if taken.Claim == old.Claim {
			t.Fatal("a new claim has the old claim's token")
		}
		for name, err := range map[string]error{
			"finish": st.FinishWebSubDelivery(ctx, old.SubscriptionID, old.Version, old.Claim, true, t0.Add(2*time.Minute)),
			"retry":  st.RetryWebSubDelivery(ctx, old.SubscriptionID, old.Claim, t0.Add(3*time.Minute), "500"),
			"delete": st.DeleteWebSubSubscription(ctx, old.SubscriptionID, old.Claim),
		} {
			if !errors.Is(err, newsroom.ErrClaimLost) {
				t.Errorf("%s with a lapsed claim: %v, want ErrClaimLost", name, err)
			}
		}
		if q := queue(t, st); len(q) != 1 || q[0].Attempts != 0 {
			t.Fatalf("queue after the lapsed claim's attempts = %+v; want the delivery untouched", q)
		}
		if err := st.FinishWebSubDelivery(ctx, taken.SubscriptionID, taken.Version, taken.Claim, true, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if q := queue(t, st); len(q) != 0 {
			t.Errorf("queue after the holder finished = %+v", q)
		}

		// Requests awaiting verification too.
		id, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe, Topic: topicSports,
			Callback: "https://sub.example/cb", Lease: time.Hour, Requested: t0})
		if err != nil {
			t.Fatal(err)
		}
		first, err := st.ClaimWebSubIntents(ctx, t0, time.Minute, 1)
		if err != nil || len(first) != 1 || first[0].ID != id {
			t.Fatalf("claim intent = %+v, %v", first, err)
		}
		second, err := st.ClaimWebSubIntents(ctx, t0.Add(2*time.Minute), time.Minute, 1)
		if err != nil || len(second) != 1 {
			t.Fatalf("claim lapsed intent = %+v, %v", second, err)
		}
		if err := st.RetryWebSubIntent(ctx, id, first[0].Claim, t0.Add(time.Hour), "x"); !errors.Is(err, newsroom.ErrClaimLost) {
			t.Errorf("retry intent with a lapsed claim: %v, want ErrClaimLost", err)
		}
		if err := st.DropWebSubIntent(ctx, id, first[0].Claim); !errors.Is(err, newsroom.ErrClaimLost) {
			t.Errorf("drop intent with a lapsed claim: %v, want ErrClaimLost", err)
		}
		if err := st.DropWebSubIntent(ctx, id, second[0].Claim); err != nil {
			t.Errorf("drop intent by its holder: %v", err)
		}
	})
}

// Instances starting together migrate one database and apply the same
// configuration: categories and sources, all at once, without a failure.
func TestInstancesStartingTogetherUpsertCategoriesAndSources(t *testing.T) {
	needPostgres(t)
	sts, _ := instances(t, 4)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, st := range sts {
		wg.Go(func() {
			for _, slug := range []string{"politics", "sports", "world"} {
				if err := st.UpsertCategory(ctx, feeds.Category{Slug: slug, Title: strings.ToUpper(slug)}); err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			for _, name := range []string{"wire", "agency", "radio"} {
				src := wireSource()
				src.Name = name
				if _, err := st.UpsertSource(ctx, src); err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			// Articles naming a category nobody declared yet.
			if _, err := st.SaveArticle(ctx, article(fmt.Sprintf("new-%d", i), t0, "breaking")); err != nil {
				t.Errorf("instance %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	cats, err := sts[0].Categories(ctx)
	if err != nil || len(cats) != 4 {
		t.Errorf("categories = %+v, %v; want 4", cats, err)
	}
	srcs, err := sts[0].Sources(ctx)
	if err != nil || len(srcs) != 3 {
		t.Errorf("sources = %d, %v; want 3", len(srcs), err)
	}
}

// Both backends' schemas have the same tables with the same columns; only
// the search index tables and each engine's bookkeeping differ.
func TestSchemasOfBothBackendsMatch(t *testing.T) {
	needPostgres(t)
	_, litePath := sqliteDB.openAt(t, fixedClock)
	_, pgLoc := postgresDB.openAt(t, fixedClock)
	lite := columnsOf(t, sqliteDB.raw(t, litePath), `SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'article_fts%'`)
	pg := columnsOf(t, postgresDB.raw(t, pgLoc), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT IN ('article_search', 'schema_migrations')`)
	if len(lite) == 0 {
		t.Fatal("no SQLite tables found")
	}
	if fmt.Sprint(lite) != fmt.Sprint(pg) {
		t.Errorf("schemas differ:\nsqlite   %v\npostgres %v", lite, pg)
	}
}

func columnsOf(t *testing.T, db *sql.DB, q string) map[string]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		cols[table] = append(cols[table], col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for table, cs := range cols {
		sort.Strings(cs)
		out[table] = strings.Join(cs, ",")
	}
	return out
}

// While PostgreSQL cannot be reached, writes fail with a storage fault
// (FaultUnavailable) and the store says so; once it is back the pool
// reconnects by itself and the probe finds writes work. The URL's password
// appears in no error.
func TestUnreachablePostgresIsAStorageFaultAndTheStoreRecovers(t *testing.T) {
	needPostgres(t)
	loc := postgresDB.fresh(t)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	proxy := pgtest.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	const secret = "hunter2-secret" // trust auth: accepted, never checked
	u.User = url.UserPassword(u.User.Username(), secret)
	ctx := context.Background()
	st, _ := mustOpenAt(t, u.String(), fixedClock)
	mustSave(t, st, article("kept", t0, "world"))

	proxy.Unplug()
	_, err = st.SaveArticle(ctx, article("lost", t0, "world"))
	var se *newsroom.StorageError
	if !errors.As(err, &se) || se.Fault != newsroom.FaultUnavailable {
		t.Fatalf("save while PostgreSQL is unreachable: %v, want a StorageError of FaultUnavailable", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error shows the password: %v", err)
	}
	if h := st.WriteHealth(); h.Writable || h.Fault == nil || h.Fault.Fault != newsroom.FaultUnavailable {
		t.Errorf("write health while unreachable: %+v", h)
	}
	if err := st.ProbeWrites(ctx); err == nil {
		t.Error("probe while unreachable: no error")
	}

	proxy.Plug(t, proxy.Addr)
	for i := 0; i < 3 && !st.WriteHealth().Writable; i++ {
		if err := st.ProbeWrites(ctx); err != nil {
			t.Fatalf("probe once reachable: %v", err)
		}
	}
	if h := st.WriteHealth(); !h.Writable {
		t.Fatalf("write health once reachable: %+v", h)
	}
	mustSave(t, st, article("after", t0, "world"))
	if got := guids(mustLatest(t, st, "world", 10)); fmt.Sprint(got) != "[after kept]" {
		t.Errorf("articles after recovery: %v", got)
	}
}

// A PostgreSQL URL's password reaches no error of Open.
func TestOpenErrorsHideThePassword(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, loc := range []string{
		"postgres://news:hunter2-secret@" + addr + "/newswire?sslmode=disable&connect_timeout=5",
		"postgresql://news@" + addr + "/newswire?sslmode=disable&password=hunter2-secret&connect_timeout=5",
	} {
		st, err := store.Open(context.Background(), loc)
		if err == nil {
			st.Close()
			t.Fatalf("Open(%s) with nothing listening: no error", store.RedactDSN(loc))
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("Open error shows the password: %v", err)
		}
		if !strings.Contains(err.Error(), addr) {
			t.Errorf("Open error %q does not name the server %s", err, addr)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://news:pw@db:5432/newswire?sslmode=disable":       "postgres://news:xxxxx@db:5432/newswire?sslmode=disable",
		"postgresql://news@db/newswire?password=pw&sslmode=require": "postgresql://news@db/newswire?password=xxxxx&sslmode=require",
		"postgres://db/newswire":                                    "postgres://db/newswire",
		"/var/lib/newswire/news.db":                                 "/var/lib/newswire/news.db",
		"postgres://news:p%zz@db/x":                                 "postgres://(unparsable URL)",
	} {
		if got := store.RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// PostgreSQL's migrations run once: reopening applies nothing, every step
// is recorded, and a database migrated by a newer binary is refused.
func TestPostgresMigrationsAreIdempotentAndRefuseNewer(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	loc := postgresDB.fresh(t)
	for i := range 3 {
		st, err := store.Open(ctx, loc, store.WithClock(fixedClock))
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		if st.Backend() != store.Postgres {
			t.Fatalf("backend %q, want postgres", st.Backend())
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
	files, err := filepath.Glob("migrations/postgres/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	raw := postgresDB.raw(t, loc)
	var n, top int
	if err := raw.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &top); err != nil || n != len(files) || top != len(files) {
		t.Errorf("schema_migrations: %d rows up to %d, %v; want %d", n, top, err, len(files))
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, loc)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		if st != nil {
			st.Close()
		}
		t.Fatalf("Open on a newer database: %v, want ErrSchemaTooNew", err)
	}
}

// Every method that reads answers a database that cannot be reached with a
// storage fault (FaultUnavailable), as writes do, so callers answer 503,
// not 500; and the first such read marks writes failing, as Ping does.
// Not found and a caller that gave up are not storage faults.
func TestUnreachablePostgresFailsEveryReadAsAStorageFault(t *testing.T) {
	needPostgres(t)
	loc := postgresDB.fresh(t)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	proxy := pgtest.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	ctx := context.Background()
	st, _ := mustOpenAt(t, u.String(), fixedClock)
	mustSave(t, st, article("kept", t0, "world"))

	if _, err := st.Category(ctx, "nowhere"); !errors.Is(err, newsroom.ErrNotFound) || errors.Is(err, newsroom.ErrStorage) {
		t.Errorf("unknown category: %v, want ErrNotFound only", err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.Sources(gone); !errors.Is(err, context.Canceled) || errors.Is(err, newsroom.ErrStorage) {
		t.Errorf("read with a cancelled context: %v, want context.Canceled only", err)
	}
	if h := st.WriteHealth(); !h.Writable {
		t.Fatalf("write health after not found and a cancelled read: %+v", h)
	}

	reads := map[string]func() error{
		"SourceActivity": func() error { _, err := st.SourceActivity(ctx, 7); return err },
		"Article":        func() error { _, err := st.Article(ctx, "kept"); return err },
		"StoredArticle":  func() error { _, _, err := st.StoredArticle(ctx, "kept"); return err },
		"LatestArticles": func() error { _, err := st.LatestArticles(ctx, "world", 10); return err },
		"CountArticles":  func() error { _, err := st.CountArticles(ctx); return err },
		"Categories":     func() error { _, err := st.Categories(ctx); return err },
		"Category":       func() error { _, err := st.Category(ctx, "world"); return err },
		"Versions":       func() error { _, err := st.Versions(ctx); return err },
		"CategorySlugs":  func() error { _, err := st.CategorySlugs(ctx); return err },
		"Created":        func() error { _, err := st.Created(ctx); return err },
		"Tombstones":     func() error { _, err := st.Tombstones(ctx, "world", 10); return err },
		"Changes":        func() error { _, err := st.Changes(ctx, "world", newsroom.Since{}, 10); return err },
		"ArchivePage": func() error {
			_, _, err := st.ArchivePage(ctx, "world", newsroom.Cursor{Time: t0.Unix() + 1, ID: 1 << 40}, 10)
			return err
		},
		"NthCursor":           func() error { _, _, err := st.NthCursor(ctx, "world", 1); return err },
		"KnownItems":          func() error { _, err := st.KnownItems(ctx, 1); return err },
		"Search":              func() error { _, err := st.Search(ctx, "kept", 10); return err },
		"RelatedByTitle":      func() error { _, err := st.RelatedByTitle(ctx, []string{"kept"}); return err },
		"Sources":             func() error { _, err := st.Sources(ctx); return err },
		"SourceByName":        func() error { _, err := st.SourceByName(ctx, "wire"); return err },
		"WebSubIntents":       func() error { _, err := st.WebSubIntents(ctx); return err },
		"WebSubQueue":         func() error { _, err := st.WebSubQueue(ctx); return err },
		"WebSubSubscribers":   func() error { _, err := st.WebSubSubscribers(ctx, t0); return err },
		"WebSubSubscriptions": func() error { _, err := st.WebSubSubscriptions(ctx); return err },
		"Ping":                func() error { return st.Ping(ctx) },
	}
	names := make([]string, 0, len(reads))
	for name := range reads {
		names = append(names, name)
	}
	sort.Strings(names)

	proxy.Unplug()
	for _, name := range names {
		err := reads[name]()
		var se *newsroom.StorageError
		if !errors.As(err, &se) || se.Fault != newsroom.FaultUnavailable {
			t.Errorf("%s while PostgreSQL is unreachable: %v, want a StorageError of FaultUnavailable", name, err)
		}
		if h := st.WriteHealth(); h.Writable {
			t.Errorf("write health after %s failed: %+v, want failing", name, h)
		}
	}
}
