package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
)

// pgPassword is put in the target URL (trust auth ignores it) to check it
// never appears in migrate-db's output.
const pgPassword = "migrate-Secr3t-pw"

// pgTarget is a fresh PostgreSQL schema's URL with a password in it.
func pgTarget(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(pgtest.FreshSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), pgPassword)
	return u.String()
}

func openStore(t *testing.T, loc string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newsroomDB builds a SQLite database through the store's API with what a
// newsroom accumulates: articles in several categories, edits, a
// withdrawal, an embargoed story, a polled source with its state and items,
// WebSub subscriptions, a pending request and a claimed delivery.
func newsroomDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newsroom.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, c := range []feeds.Category{{Slug: "politics", Title: "سياسة"}, {Slug: "world", Title: "World"}, {Slug: "sport", Title: "رياضة"}} {
		if err := st.UpsertCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cats := []string{"politics", "world", "sport"}
	t0 := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second)
	var batch []*feeds.Article
	for i := range 40 {
		a := &feeds.Article{
			GUID:        fmt.Sprintf("story-%02d", i),
			Title:       fmt.Sprintf("الحكومة تعلن خطة النقل %d", i),
			Summary:     "ملخص عن القاهرة والمترو",
			ContentHTML: fmt.Sprintf("<p>Transit plan number %d for the capital</p>", i),
			URL:         fmt.Sprintf("https://news.example/%02d", i),
			Language:    "ar",
			Published:   t0.Add(time.Duration(i) * time.Minute),
			Categories:  []string{cats[i%3], cats[(i+1)%3]},
		}
		if i%4 == 0 {
			a.Title, a.Language = fmt.Sprintf("Election results in district %d", i), "en"
		}
		batch = append(batch, a)
		if len(batch) == 7 {
			if _, err := st.SaveArticles(ctx, batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	if _, err := st.SaveArticles(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for _, guid := range []string{"story-03", "story-17"} {
		a, err := st.Article(ctx, guid)
		if err != nil {
			t.Fatal(err)
		}
		a.Title += " (corrected)"
		if _, err := st.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.WithdrawArticle(ctx, "story-05", "legal"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveArticle(ctx, &feeds.Article{GUID: "embargoed", Title: "Quarterly results", ContentHTML: "<p>Numbers</p>",
		Published: t0, PublishAt: time.Now().Add(24 * time.Hour), Categories: []string{"business"}}); err != nil {
		t.Fatal(err)
	}

	src, err := st.UpsertSource(ctx, newsroom.Source{Name: "wire", URL: "https://wire.example/rss", Schedule: "@every 10m",
		Categories: []string{"world"}, Rules: []newsroom.Rule{{Match: "سياسة", Category: "politics"}}, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	item := &feeds.Article{GUID: "wire-1", Title: "Wire story", ContentHTML: "<p>From the wire</p>", URL: "https://wire.example/1",
		Published: t0.Add(time.Hour), Categories: []string{"world"},
		Sources: []feeds.Source{{Name: "wire", FeedURL: "https://wire.example/rss", Link: "https://wire.example/1"}}}
	if _, err := st.SavePass(ctx, newsroom.Pass{SourceID: src.ID,
		State: newsroom.SourceState{LastAttempt: t0, LastSuccess: t0, NextRun: t0.Add(10 * time.Minute), ETag: `"abc"`,
			LastModified: "Mon, 02 Jan 2006 15:04:05 GMT", FeedTTL: 5 * time.Minute, BodyHash: []byte("body-hash")},
		Items: []newsroom.PassItem{{Key: "guid:wire-1", RawHash: []byte("raw"), RawDate: "Mon, 02 Jan 2006", Article: item,
			LinkKey: []byte("link-key"), TextKey: []byte("text-key")}}}); err != nil {
		t.Fatal(err)
	}

	// An instance was polling the source when it was stopped for the move.
	if _, err := st.ClaimSource(ctx, "wire", "old-instance", time.Hour); err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	// The pending request has id 1; the confirmed ones, 2 and 3, are gone.
	if _, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe, Topic: "https://news.example/feeds/world.rss",
		Callback: "https://partner.example/c", Lease: time.Hour, Requested: now}); err != nil {
		t.Fatal(err)
	}
	for _, cb := range []string{"https://partner.example/a", "https://partner.example/b"} {
		id, err := st.RequestWebSub(ctx, newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe, Topic: "https://news.example/feeds/politics.rss",
			Callback: cb, Secret: "s3cret", Lease: 24 * time.Hour, Requested: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConfirmWebSubIntent(ctx, id, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.EnqueueWebSubContent(ctx, "https://news.example/feeds/politics.rss", "application/rss+xml", []byte("<rss/>"), 1, now); err != nil {
		t.Fatal(err)
	}
	// One delivery and the pending request are claimed by an instance that
	// is then stopped for the move.
	if _, err := st.ClaimWebSubDeliveries(ctx, now, time.Hour, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimWebSubIntents(ctx, now, time.Hour, 1); err != nil {
		t.Fatal(err)
	}
	return path
}

// step is one change of a ?since= walk: the article (or "-" and its
// tombstone) and the cursor after it.
type step struct{ what, cursor string }

// walk pulls every change after from, pages of page.
func walk(t *testing.T, st *store.Store, from newsroom.Since, page int) ([]step, newsroom.Since) {
	t.Helper()
	var out []step
	for {
		cs, err := st.Changes(context.Background(), "", from, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return out, from
		}
		for _, c := range cs {
			var what string
			if c.Article != nil {
				what = c.Article.GUID
			} else {
				what = "-" + c.Tombstone.GUID
			}
			out = append(out, step{what, c.Cursor.String()})
			from = c.Cursor
		}
	}
}

// snapshot is what a store serves, read through its API.
type snapshot struct {
	articles   map[string]any
	changes    []step
	search     map[string][]string
	latest     map[string][]string
	tombstones []feeds.Tombstone
	categories []feeds.Category
	versions   map[string]int64
	sources    []newsroom.Source
	subs       []newsroom.WebSubSubscription
	intents    []newsroom.WebSubIntent
	queue      []newsroom.WebSubDelivery
}

var searches = []string{"القاهره", "election", "transit plan", "corrected", "wire", "Quarterly"}

func readSnapshot(t *testing.T, st *store.Store, guids []string) snapshot {
	t.Helper()
	ctx := context.Background()
	s := snapshot{articles: map[string]any{}, search: map[string][]string{}, latest: map[string][]string{}}
	for _, g := range guids {
		a, state, err := st.StoredArticle(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		s.articles[g] = []any{a, state}
	}
	s.changes, _ = walk(t, st, newsroom.Since{}, 7)
	for _, q := range searches {
		as, err := st.Search(ctx, q, 100)
		if err != nil {
			t.Fatal(err)
		}
		s.search[q] = guidsOf(as)
	}
	for _, c := range []string{"", "politics", "world", "sport"} {
		as, err := st.LatestArticles(ctx, c, 100)
		if err != nil {
			t.Fatal(err)
		}
		s.latest[c] = guidsOf(as)
	}
	var err error
	if s.tombstones, err = st.Tombstones(ctx, "", 100); err != nil {
		t.Fatal(err)
	}
	if s.categories, err = st.Categories(ctx); err != nil {
		t.Fatal(err)
	}
	if s.versions, err = st.Versions(ctx); err != nil {
		t.Fatal(err)
	}
	if s.sources, err = st.Sources(ctx); err != nil {
		t.Fatal(err)
	}
	if s.subs, err = st.WebSubSubscriptions(ctx); err != nil {
		t.Fatal(err)
	}
	if s.intents, err = st.WebSubIntents(ctx); err != nil {
		t.Fatal(err)
	}
	if s.queue, err = st.WebSubQueue(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func guidsOf(as []*feeds.Article) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.GUID
	}
	return out
}

// A SQLite database moved by migrate-db serves the same on PostgreSQL:
// same articles, ids and change numbers (a partner's cursor carries on),
// same search results, sources and WebSub state; new writes number after
// the copied ones; a second run refuses the target it filled.
func TestMigrateDBMovesANewsroomToPostgres(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	litePath := newsroomDB(t)
	guids := []string{"embargoed", "wire-1"}
	for i := range 40 {
		guids = append(guids, fmt.Sprintf("story-%02d", i))
	}
	lite := openStore(t, litePath)
	before := readSnapshot(t, lite, guids)
	// A partner walked half the changes before the move.
	half := len(before.changes) / 2
	partner, ok := newsroom.ParseSince(before.changes[half-1].cursor)
	if !ok {
		t.Fatal("cursor does not parse")
	}
	ids := map[int64]bool{}
	var maxID, maxSeq int64
	for _, c := range before.changes {
		s, _ := newsroom.ParseSince(c.cursor)
		maxID, maxSeq = max(maxID, s.ID), max(maxSeq, s.Seq)
		ids[s.ID] = true
	}
	if len(before.changes) != 41 || len(before.tombstones) != 1 || len(before.intents) != 1 || len(before.queue) != 2 ||
		before.queue[0].Claim == 0 && before.queue[1].Claim == 0 {
		t.Fatalf("fixture: %d changes, %d tombstones, %d intents, queue %+v", len(before.changes), len(before.tombstones), len(before.intents), before.queue)
	}
	lite.Close()

	target := pgTarget(t)
	stdout, stderr, err := run(t, nil, "migrate-db", "--from", litePath, "--to", target)
	if err != nil {
		t.Fatalf("migrate-db: %v\n%s", err, stderr)
	}
	if strings.Contains(stdout+stderr, pgPassword) {
		t.Errorf("the password appears in the output:\n%s%s", stdout, stderr)
	}
	for _, want := range []string{"  articles  42\n", "  sources  1\n", "  websub_subscriptions  2\n", "xxxxx@"} {
		if !strings.Contains(strings.Join(strings.Fields(stdout), "  "), strings.Join(strings.Fields(want), "  ")) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}

	pg := openStore(t, target)
	after := readSnapshot(t, pg, guids)
	// Claims and leases held by the stopped instance are not carried over.
	if before.sources[0].ClaimedBy != "old-instance" {
		t.Fatalf("fixture: the source's lease is not held: %+v", before.sources[0])
	}
	for i := range before.sources {
		before.sources[i].ClaimedBy, before.sources[i].ClaimedUntil = "", time.Time{}
	}
	for i := range before.queue {
		before.queue[i].Claim = 0
	}
	for i := range before.intents {
		before.intents[i].Claim = 0
	}
	if !reflect.DeepEqual(before, after) {
		for _, f := range []struct {
			name string
			a, b any
		}{{"articles", before.articles, after.articles}, {"changes", before.changes, after.changes},
			{"search", before.search, after.search}, {"latest", before.latest, after.latest},
			{"tombstones", before.tombstones, after.tombstones}, {"categories", before.categories, after.categories},
			{"versions", before.versions, after.versions}, {"sources", before.sources, after.sources},
			{"subscriptions", before.subs, after.subs}, {"intents", before.intents, after.intents},
			{"queue", before.queue, after.queue}} {
			if !reflect.DeepEqual(f.a, f.b) {
				t.Errorf("%s differ:\nsqlite   %+v\npostgres %+v", f.name, f.a, f.b)
			}
		}
	}

	// The partner's cursor carries on where it stopped, on PostgreSQL.
	rest, _ := walk(t, pg, partner, 5)
	if !reflect.DeepEqual(rest, before.changes[half:]) {
		t.Errorf("walk from the partner's cursor:\n got %v\nwant %v", rest, before.changes[half:])
	}

	// New writes get change numbers and ids after the copied ones, and a
	// partner that had caught up on SQLite gets exactly them.
	caughtUp, _ := newsroom.ParseSince(before.changes[len(before.changes)-1].cursor)
	if _, err := pg.SaveArticle(ctx, &feeds.Article{GUID: "after-move", Title: "After the move", ContentHTML: "<p>new</p>",
		Published: time.Now(), Categories: []string{"world"}}); err != nil {
		t.Fatal(err)
	}
	edited, err := pg.Article(ctx, "story-20")
	if err != nil {
		t.Fatal(err)
	}
	edited.Title += " (updated after the move)"
	if _, err := pg.SaveArticle(ctx, edited); err != nil {
		t.Fatal(err)
	}
	news, _ := walk(t, pg, caughtUp, 5)
	if len(news) != 2 || news[0].what != "after-move" || news[1].what != "story-20" {
		t.Fatalf("changes after the move: %v", news)
	}
	for _, n := range news {
		s, _ := newsroom.ParseSince(n.cursor)
		if s.Seq <= maxSeq {
			t.Errorf("%s: change number %d, not after the copied %d", n.what, s.Seq, maxSeq)
		}
		if n.what == "after-move" && s.ID <= maxID {
			t.Errorf("new article id %d, not after the copied %d", s.ID, maxID)
		}
	}
	if got, err := pg.Search(ctx, "move", 10); err != nil || len(got) != 2 {
		t.Errorf("search finds the new writes: %v, %v", guidsOf(got), err)
	}
	// A request id is never reused, even of requests already confirmed
	// (SQLite's AUTOINCREMENT): the sequence is past every id handed out.
	id, err := pg.RequestWebSub(ctx, newsroom.WebSubIntent{Mode: newsroom.WebSubSubscribe, Topic: "https://news.example/feeds/sport.rss",
		Callback: "https://partner.example/d", Requested: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if id <= 3 { // requests 2 and 3 were confirmed on SQLite and are gone
		t.Errorf("new request id %d reuses a SQLite one", id)
	}
	// Work claimed and sources leased on SQLite are free on PostgreSQL at once.
	if _, err := pg.ClaimSource(ctx, "wire", "new-instance", time.Minute); err != nil {
		t.Errorf("claim the copied source: %v", err)
	}
	ds, err := pg.ClaimWebSubDeliveries(ctx, time.Now(), time.Minute, 10)
	if err != nil || len(ds) != 2 {
		t.Errorf("claim the copied deliveries: %d, %v", len(ds), err)
	}

	// A second run refuses the target it filled, and changes nothing.
	n, _ := pg.CountArticles(ctx)
	_, stderr, err = run(t, nil, "migrate-db", "--from", litePath, "--to", target)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "articles") {
		t.Errorf("second run: %v", err)
	}
	if err != nil && strings.Contains(err.Error()+stderr, pgPassword) {
		t.Errorf("the password appears in the error: %v", err)
	}
	if m, _ := pg.CountArticles(ctx); m != n {
		t.Errorf("second run changed the target: %d articles, then %d", n, m)
	}
}

// What migrate-db cannot copy faithfully stops it before anything is
// written: a table or column it has no rule for, a row the target refuses
// (the whole copy rolls back), a source newer than the binary, a source
// that does not exist, a copy that is not SQLite to PostgreSQL.
func TestMigrateDBRefusesWhatItCannotCopy(t *testing.T) {
	pgtest.Need(t)
	cases := []struct {
		name  string
		spoil string // SQL run on the source after it is built
		want  string
	}{
		{"unknown table", `CREATE TABLE partner_notes (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`, "table partner_notes"},
		{"unknown column", `ALTER TABLE sources ADD COLUMN region TEXT NOT NULL DEFAULT ''`, "column sources.region"},
		{"row the target refuses", `INSERT INTO websub_deliveries (subscription_id, content_id, enqueued, next_attempt) VALUES (999, 999, 0, 0)`, "websub_deliveries"},
		{"newer schema", `PRAGMA user_version = 999`, "newer than this binary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := newsroomDB(t)
			raw, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(c.spoil); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			target := pgTarget(t)
			_, _, err = run(t, nil, "migrate-db", "--from", path, "--to", target)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("migrate-db: %v; want an error naming %q", err, c.want)
			}
			if strings.Contains(err.Error(), pgPassword) {
				t.Errorf("the password appears in the error: %v", err)
			}
			if n, err := openStore(t, target).CountArticles(context.Background()); err != nil || n != 0 {
				t.Errorf("target after a refused copy: %d articles, %v", n, err)
			}
		})
	}
	t.Run("missing source", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "typo.db")
		_, _, err := run(t, nil, "migrate-db", "--from", path, "--to", pgTarget(t))
		if err == nil || !strings.Contains(err.Error(), "no such file") {
			t.Errorf("migrate-db: %v", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a missing source was created: %v", err)
		}
	})
	t.Run("not SQLite to PostgreSQL", func(t *testing.T) {
		target := pgTarget(t)
		for _, args := range [][]string{{"--from", target, "--to", target}, {"--from", newsroomDB(t), "--to", "copy.db"}, {"--to", target}} {
			_, _, err := run(t, nil, append([]string{"migrate-db"}, args...)...)
			if !errors.Is(err, errUsage) {
				t.Errorf("migrate-db %v: %v; want a usage error", args, err)
			}
		}
	})
}
