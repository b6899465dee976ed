package server

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/metrics"
	"github.com/newswire/newswire/internal/store"
)

// rawDB opens the store's file as another program (an older newswire, or
// someone with the sqlite3 shell) would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// setDates gives a stored article dates the store's doors would refuse.
func setDates(t *testing.T, db *sql.DB, guid string, published time.Time) {
	t.Helper()
	for _, q := range []string{
		`UPDATE articles SET published = ?1, updated = ?1 WHERE guid = ?2`,
		`UPDATE article_categories SET published = ?1 WHERE article_id = (SELECT id FROM articles WHERE guid = ?2)`,
	} {
		if _, err := db.Exec(q, published.Unix(), guid); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOneBadArticleDoesNotTakeFeedsDown: articles stored with dates no
// format can carry (year 0, year 10000) are left out of every feed and
// kind of feed, logged and counted; the other articles, new ones included,
// are published.
func TestOneBadArticleDoesNotTakeFeedsDown(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	st := mustOpen(t, path)
	if err := st.UpsertCategory(ctx, feeds.Category{Slug: "politics", Title: "سياسة"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "politics"), article(2, "politics"), article(3, "politics"), article(4, "politics")}); err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	f := startFixtureWith(t, st, func(o *Options) { o.Metrics = m })
	for _, fm := range feeds.AllFormats() { // last good versions exist
		if resp, _ := f.get(t, "/feeds/politics."+fm.Extension()); resp.StatusCode != 200 {
			t.Fatalf("before: %d", resp.StatusCode)
		}
	}

	db := rawDB(t, path)
	bad := map[string]time.Time{
		"tag:test,2026:politics-3": time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		"tag:test,2026:politics-4": time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for guid, when := range bad {
		setDates(t, db, guid, when)
	}
	fresh := article(0, "politics") // stored after the bad ones: it must appear
	fresh.GUID = "tag:test,2026:fresh"
	if _, err := st.SaveArticle(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)

	since := url.QueryEscape(fixedNow.Add(-24 * time.Hour).Format(time.RFC3339))
	before := fmt.Sprintf("%d-0", fixedNow.Add(time.Hour).Unix())
	q := url.QueryEscape("روسيا")
	for _, fm := range feeds.AllFormats() {
		ext := fm.Extension()
		for _, p := range []string{
			"/feeds/politics." + ext, "/feeds/all." + ext, "/feeds/politics." + ext + "?limit=3",
			"/feeds/politics." + ext + "?since=" + since, "/feeds/all." + ext + "?since=" + since,
			"/feeds/politics." + ext + "?before=" + before, "/feeds/all." + ext + "?before=" + before,
			"/feeds/search." + ext + "?q=" + q,
		} {
			resp, body := f.get(t, p)
			if resp.StatusCode != 200 {
				t.Errorf("%s: status %d: %s", p, resp.StatusCode, body)
				continue
			}
			if err := feeds.ValidateErr(body); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			parsed, err := feeds.Parse(body)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			got := map[string]bool{}
			for _, a := range parsed.Items {
				got[a.GUID] = true
			}
			for guid := range bad {
				if got[guid] {
					t.Errorf("%s: carries %s", p, guid)
				}
			}
			wantGUID := fresh.GUID
			if strings.Contains(p, "before=") || strings.Contains(p, "limit=3") {
				wantGUID = "tag:test,2026:politics-1"
			}
			if !got[wantGUID] {
				t.Errorf("%s: %s missing; has %v", p, wantGUID, got)
			}
			if lm := resp.Header.Get("Last-Modified"); !strings.HasSuffix(lm, " GMT") || strings.Contains(lm, "1970") {
				t.Errorf("%s: Last-Modified %q", p, lm)
			}
		}
	}
	for _, p := range []string{"/", "/categories/politics", "/articles/tag:test,2026:politics-3", "/articles/tag:test,2026:politics-4"} {
		resp, body := f.get(t, p)
		if resp.StatusCode != 200 {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
		if lm := resp.Header.Get("Last-Modified"); lm != "" {
			if _, err := http.ParseTime(lm); err != nil {
				t.Errorf("%s: Last-Modified %q is no HTTP date", p, lm)
			}
		}
		if p == "/categories/politics" && !strings.Contains(string(body), fresh.URL) {
			t.Errorf("category page lacks the new article")
		}
	}

	logs := f.log.String()
	for guid := range bad {
		if !regexp.MustCompile(`level=WARN msg="feed item left out".*guid=` + regexp.QuoteMeta(guid) + ` reason=bad-date`).MatchString(logs) {
			t.Errorf("%s not logged at warn with its reason:\n%s", guid, logs)
		}
	}
	if strings.Contains(logs, "publish gate") {
		t.Errorf("one bad article tripped the publish gate:\n%s", logs)
	}
	resp, err := http.Get(f.ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	for _, fm := range feeds.AllFormats() {
		want := fmt.Sprintf(`newswire_feed_items_skipped_total{format=%q,reason="bad-date"}`, fm.Extension())
		if !strings.Contains(string(text), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestEmptyFeedsAreDatedByTheirCategory: an empty feed's date is when its
// category (for all, the first category) was created, not 1970, and its
// Last-Modified when its category (for all, any category) last changed; a
// restart or another instance renders the same bytes and ETag.
func TestEmptyFeedsAreDatedByTheirCategory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	first := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	open := func(now time.Time) *store.Store {
		st, err := store.Open(ctx, path, store.WithClock(func() time.Time { return now }))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	declare := func(now time.Time, slug string) {
		st := open(now)
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: slug, Title: slug}); err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	declare(first, "politics")
	declare(first.Add(48*time.Hour), "world")

	paths := []string{"/feeds/politics.rss", "/feeds/politics.atom", "/feeds/politics.json",
		"/feeds/world.atom", "/feeds/all.rss", "/feeds/all.atom", "/feeds/all.json", "/feeds/search.atom?q=x"}
	etags := map[string]string{}
	for run := range 2 { // a restart, a day later
		st := open(first.Add(time.Duration(run+3) * 24 * time.Hour))
		f := startFixture(t, st)
		for _, p := range paths {
			resp, body := f.get(t, p)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", p, resp.StatusCode)
			}
			want, wantModified := first, first
			if strings.HasPrefix(p, "/feeds/world") {
				want, wantModified = first.Add(48*time.Hour), first.Add(48*time.Hour)
			}
			if strings.HasPrefix(p, "/feeds/all") {
				wantModified = first.Add(48 * time.Hour) // when any category last changed
			}
			if lm, _ := http.ParseTime(resp.Header.Get("Last-Modified")); !lm.Equal(wantModified) && !strings.HasPrefix(p, "/feeds/search") {
				t.Errorf("%s: Last-Modified %s, want %s", p, resp.Header.Get("Last-Modified"), wantModified)
			}
			if !strings.HasSuffix(p, ".json") {
				parsed, err := feeds.Parse(body)
				if err != nil {
					t.Fatal(err)
				}
				if !parsed.Updated.Equal(want) && !strings.HasPrefix(p, "/feeds/search") {
					t.Errorf("%s: feed updated %v, want %v", p, parsed.Updated, want)
				}
			}
			if run == 0 {
				etags[p] = resp.Header.Get("ETag")
			} else if got := resp.Header.Get("ETag"); got != etags[p] {
				t.Errorf("%s: ETag %s after a restart, was %s", p, got, etags[p])
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEqualTimesRenderDeterministically: articles stored in one write share
// their published and updated seconds. They are listed newest stored first
// (ties by id), the same in every render, instance and restart, each with
// the one honest updated time they have.
func TestEqualTimesRenderDeterministically(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	st := mustOpen(t, path)
	var batch []*feeds.Article
	for i := range 4 {
		a := article(1, "politics")
		a.GUID = fmt.Sprintf("tag:test,2026:same-%d", i)
		batch = append(batch, a)
	}
	if _, err := st.SaveArticles(ctx, batch); err != nil {
		t.Fatal(err)
	}
	want := "[tag:test,2026:same-3 tag:test,2026:same-2 tag:test,2026:same-1 tag:test,2026:same-0]"
	bodies := map[string]string{}
	for run := range 3 {
		if run == 2 { // reopen the file: a restart
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st = mustOpen(t, path)
		}
		f := startFixture(t, st)
		for _, fm := range feeds.AllFormats() {
			for _, p := range []string{"/feeds/politics." + fm.Extension(), "/feeds/all." + fm.Extension(),
				"/feeds/politics." + fm.Extension() + "?before=" + fmt.Sprintf("%d-0", fixedNow.Add(time.Hour).Unix())} {
				_, body := f.get(t, p)
				if run == 0 {
					bodies[p] = string(body)
				} else if string(body) != bodies[p] {
					t.Errorf("run %d: %s differs", run+1, p)
				}
				parsed, err := feeds.Parse(body)
				if err != nil {
					t.Fatal(err)
				}
				var order []string
				for _, a := range parsed.Items {
					order = append(order, a.GUID)
					if !a.Updated.Equal(batch[0].Updated) {
						t.Errorf("%s: %s updated %v, want the stored %v", p, a.GUID, a.Updated, batch[0].Updated)
					}
				}
				if fmt.Sprint(order) != want {
					t.Errorf("%s: order %v, want %s", p, order, want)
				}
			}
		}
	}
}
