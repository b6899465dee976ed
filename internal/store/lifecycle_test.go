package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

func TestWithdrawArticle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		mustSave(t, st, article("a", t0.Add(-2*time.Hour), "politics"), article("b", t0.Add(-time.Hour), "politics", "world"))
		before := mustVersions(t, st)

		clk.Set(t0.Add(time.Minute))
		if err := st.WithdrawArticle(ctx, "b", "legal request"); err != nil {
			t.Fatal(err)
		}
		for _, cat := range []string{"politics", "world", ""} {
			for _, a := range mustLatest(t, st, cat, 10) {
				if a.GUID == "b" {
					t.Errorf("withdrawn article still in %q", cat)
				}
			}
		}
		after := mustVersions(t, st)
		for _, k := range []string{"politics", "world", ""} {
			if after[k] == before[k] {
				t.Errorf("version of %q did not move", k)
			}
		}
		if _, err := st.Article(ctx, "b"); !errors.Is(err, newsroom.ErrWithdrawn) {
			t.Errorf("Article of a withdrawn one: %v", err)
		}
		ts, err := st.Tombstones(ctx, "world", 10)
		if err != nil || len(ts) != 1 || ts[0].GUID != "b" || !ts[0].When.Equal(t0.Add(time.Minute)) || ts[0].Comment != "legal request" {
			t.Fatalf("tombstones: %+v %v", ts, err)
		}
		if ts, _ := st.Tombstones(ctx, "economy", 10); len(ts) != 0 {
			t.Errorf("tombstone leaked into another category: %+v", ts)
		}
		if err := st.WithdrawArticle(ctx, "b", ""); err != nil {
			t.Errorf("second withdrawal: %v", err)
		}
		if err := st.WithdrawArticle(ctx, "nope", ""); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("withdraw unknown: %v", err)
		}
		// A re-import of the same content does not bring it back.
		mustSave(t, st, article("b", t0.Add(-time.Hour), "politics", "world"))
		if _, err := st.Article(ctx, "b"); !errors.Is(err, newsroom.ErrWithdrawn) {
			t.Errorf("re-saved withdrawn article came back: %v", err)
		}
	})
}

func TestEmbargo(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		a := article("embargoed", t0, "politics")
		a.PublishAt = t0.Add(time.Hour)
		mustSave(t, st, a, article("live", t0.Add(-time.Hour), "politics"))
		if got := guids(mustLatest(t, st, "politics", 10)); fmt.Sprint(got) != "[live]" {
			t.Fatalf("embargoed article visible: %v", got)
		}
		if _, err := st.Article(ctx, "embargoed"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("Article of an embargoed one: %v", err)
		}
		if _, state, err := st.StoredArticle(ctx, "embargoed"); err != nil || !state.EmbargoUntil.Equal(t0.Add(time.Hour)) {
			t.Errorf("stored state: %+v %v", state, err)
		}
		if n, err := st.ReleaseEmbargoes(ctx); n != 0 || err != nil {
			t.Fatalf("released early: %d %v", n, err)
		}
		before := mustVersions(t, st)
		clk.Set(t0.Add(time.Hour + time.Second))
		if n, err := st.ReleaseEmbargoes(ctx); n != 1 || err != nil {
			t.Fatalf("release: %d %v", n, err)
		}
		if mustVersions(t, st)["politics"] == before["politics"] {
			t.Error("release did not move the category version")
		}
		got := mustLatest(t, st, "politics", 10)
		if len(got) != 2 || got[0].GUID != "embargoed" || !got[0].Published.Equal(t0.Add(time.Hour)) {
			t.Errorf("after release: %v, published %v", guids(got), got[0].Published)
		}
	})
}

// An article withdrawn while under embargo was never public and never
// becomes so: no tombstone, no page, no release, no pull.
func TestWithdrawnUnderEmbargoStaysHidden(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		a := article("secret-merger", t0, "politics")
		a.PublishAt = t0.Add(24 * time.Hour)
		mustSave(t, st, a, article("live", t0.Add(-time.Hour), "politics"))
		if err := st.WithdrawArticle(ctx, "secret-merger", "talks collapsed"); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			for _, cat := range []string{"politics", ""} {
				if ts, err := st.Tombstones(ctx, cat, 10); err != nil || len(ts) != 0 {
					t.Errorf("%s: tombstones of %q: %+v %v", when, cat, ts, err)
				}
			}
			if _, err := st.Article(ctx, "secret-merger"); !errors.Is(err, newsroom.ErrNotFound) {
				t.Errorf("%s: Article: %v, want not found", when, err)
			}
			cs, err := st.Changes(ctx, "", newsroom.Since{}, 10)
			if err != nil || len(cs) != 1 || cs[0].Article == nil || cs[0].Article.GUID != "live" {
				t.Errorf("%s: changes %+v %v", when, cs, err)
			}
		}
		check("under embargo")
		clk.Set(t0.Add(25 * time.Hour))
		if n, err := st.ReleaseEmbargoes(ctx); n != 0 || err != nil {
			t.Errorf("released %d (%v)", n, err)
		}
		check("after the embargo time")
	})
}

// A category that only an embargoed article names tells nothing before the
// embargo ends ("acme-globex-merger"): it is listed once an article in it is
// public, and stays listed.
func TestEmbargoedArticleDoesNotAnnounceItsCategory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		a := article("merger", t0, "acme-globex-merger", "economy")
		a.PublishAt = t0.Add(time.Hour)
		mustSave(t, st, a, article("live", t0, "economy"))
		listed := func() []string {
			cs, err := st.Categories(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Slug)
			}
			return out
		}
		if got := listed(); fmt.Sprint(got) != "[economy]" {
			t.Errorf("under embargo: categories %v", got)
		}
		if _, err := st.Category(ctx, "acme-globex-merger"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("under embargo: Category = %v, want not found", err)
		}
		// Nor its version: the server turns version keys into WebSub topics.
		if _, ok := mustVersions(t, st)["acme-globex-merger"]; ok {
			t.Error("under embargo: the category has a version")
		}
		clk.Set(t0.Add(2 * time.Hour))
		if n, err := st.ReleaseEmbargoes(ctx); n != 1 || err != nil {
			t.Fatalf("release: %d %v", n, err)
		}
		if got := listed(); fmt.Sprint(got) != "[acme-globex-merger economy]" {
			t.Errorf("after release: categories %v", got)
		}
		// Listed for good: its article moving away leaves an empty feed, not a 404.
		a.PublishAt = time.Time{}
		a.Categories = []string{"economy"}
		mustSave(t, st, a)
		if _, err := st.Category(ctx, "acme-globex-merger"); err != nil {
			t.Errorf("after the move: %v", err)
		}
		// A public article lists a category at once.
		mustSave(t, st, article("sport", t0, "sports"))
		if _, err := st.Category(ctx, "sports"); err != nil {
			t.Errorf("public article's category: %v", err)
		}
	})
}

func TestChangesWalk(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		for i := range 5 {
			mustSave(t, st, article(fmt.Sprintf("a%d", i), t0.Add(time.Duration(i)*time.Minute), "politics"))
		}
		mustSave(t, st, article("other", t0, "world"))
		walk := func(from newsroom.Since) ([]string, newsroom.Since) {
			var seen []string
			cur := from
			for {
				cs, err := st.Changes(ctx, "politics", cur, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(cs) == 0 {
					return seen, cur
				}
				for _, c := range cs {
					if c.Article != nil {
						seen = append(seen, c.Article.GUID)
					} else {
						seen = append(seen, "-"+c.Tombstone.GUID)
					}
					cur = c.Cursor
				}
			}
		}
		seen, cur := walk(newsroom.Since{})
		if fmt.Sprint(seen) != "[a0 a1 a2 a3 a4]" {
			t.Fatalf("first walk: %v", seen)
		}
		// An edit and a withdrawal come after the cursor, oldest first.
		clk.Set(t0.Add(time.Hour))
		edited := article("a1", t0.Add(time.Minute), "politics")
		edited.Title = "corrected"
		mustSave(t, st, edited)
		clk.Set(t0.Add(2 * time.Hour))
		if err := st.WithdrawArticle(ctx, "a3", "error"); err != nil {
			t.Fatal(err)
		}
		seen, _ = walk(cur)
		if fmt.Sprint(seen) != "[a1 -a3]" {
			t.Errorf("incremental walk: %v", seen)
		}
		if c, ok := newsroom.ParseSince(cur.String()); !ok || c != cur {
			t.Errorf("cursor round trip: %v %v", c, ok)
		}
		for _, bad := range []string{"", "x-1", "1-", "12", "1--2", "2026-13-01T00:00:00Z", "c-1-2", "c1"} {
			if _, ok := newsroom.ParseSince(bad); ok {
				t.Errorf("ParseSince(%q) accepted", bad)
			}
			if _, ok := newsroom.ParseCursor(bad); ok {
				t.Errorf("ParseCursor(%q) accepted", bad)
			}
		}
		// Archive cursors of articles from before 1970 parse back.
		if c, ok := newsroom.ParseCursor(newsroom.Cursor{Time: -14182980, ID: 3}.String()); !ok || c.Time != -14182980 || c.ID != 3 {
			t.Errorf("pre-1970 cursor: %v %v", c, ok)
		}
	})
}

// Pulls walk the order newswire stored changes in, whatever dates the
// articles carry: a story stored late with its upstream's earlier dates,
// an edit stamped before the partner's last pull, and an article dated in
// the future all reach a partner that has caught up, and nothing after the
// future-dated one is held back.
func TestChangesFollowStoreOrderNotArticleDates(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		mustSave(t, st, article("a", t0, "politics"))
		cs, err := st.Changes(ctx, "politics", newsroom.Since{}, 10)
		if err != nil || len(cs) != 1 {
			t.Fatalf("first pull: %v %v", cs, err)
		}
		cur := cs[0].Cursor

		clk.Set(t0.Add(time.Hour))
		mustSave(t, st, article("late", t0.Add(-2*time.Hour), "politics")) // upstream dates before a
		old := article("a", t0, "politics")
		old.Title, old.Updated = "edited", t0.Add(time.Minute) // later than stored, before now
		mustSave(t, st, old)
		future := article("future", t0.Add(48*time.Hour), "politics")
		mustSave(t, st, future)
		clk.Set(t0.Add(2 * time.Hour))
		mustSave(t, st, article("after-future", t0.Add(90*time.Minute), "politics"))

		var seen []string
		for {
			cs, err := st.Changes(ctx, "politics", cur, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) == 0 {
				break
			}
			for _, c := range cs {
				seen = append(seen, c.Article.GUID)
				cur = c.Cursor
			}
		}
		if fmt.Sprint(seen) != "[late a future after-future]" {
			t.Errorf("pulled %v", seen)
		}

		// From a time: what was stored at or after it; and a cursor of the
		// old "<unix>-<id>" form reads as its time.
		at := func(s newsroom.Since) []string {
			cs, err := st.Changes(ctx, "politics", s, 10)
			if err != nil {
				t.Fatal(err)
			}
			var g []string
			for _, c := range cs {
				g = append(g, c.Article.GUID)
			}
			return g
		}
		if got := at(newsroom.Since{Time: t0.Add(90 * time.Minute)}); fmt.Sprint(got) != "[after-future]" {
			t.Errorf("since a time: %v", got)
		}
		legacy, ok := newsroom.ParseSince(fmt.Sprintf("%d-%d", t0.Add(2*time.Hour).Unix(), 99))
		if !ok || fmt.Sprint(at(legacy)) != "[after-future]" {
			t.Errorf("legacy cursor %v %v: %v", legacy, ok, at(legacy))
		}
		if _, err := st.Changes(ctx, "politics", newsroom.Since{}, -1); err == nil {
			t.Error("Changes: a negative limit was accepted")
		}
		if _, _, err := st.ArchivePage(ctx, "politics", newsroom.Cursor{Time: 1 << 40}, -1); err == nil {
			t.Error("ArchivePage: a negative limit was accepted")
		}
		if _, err := st.Search(ctx, "خبر", -1); err == nil {
			t.Error("Search: a negative limit was accepted")
		}
	})
}

func TestArchivePagesAreStable(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		for i := range 10 {
			mustSave(t, st, article(fmt.Sprintf("a%02d", i), t0.Add(time.Duration(i)*time.Minute), "politics"))
		}
		next, ok, err := st.NthCursor(ctx, "politics", 3) // where a 3-item feed's prev-archive starts
		if err != nil || !ok {
			t.Fatalf("cursor: %v %v", ok, err)
		}
		var walked []string
		for page := 0; ; page++ {
			if page == 1 {
				// New articles arriving mid-walk change nothing in the archive.
				mustSave(t, st, article("new", t0.Add(time.Hour), "politics"))
			}
			as, cs, err := st.ArchivePage(ctx, "politics", next, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) == 0 {
				break
			}
			walked = append(walked, guids(as)...)
			next = cs[len(cs)-1]
		}
		if fmt.Sprint(walked) != "[a06 a05 a04 a03 a02 a01 a00]" {
			t.Errorf("archive walk: %v", walked)
		}
		if as, _, _ := st.ArchivePage(ctx, "", newsroom.Cursor{Time: t0.Add(2 * time.Minute).Unix(), ID: 1 << 40}, 100); fmt.Sprint(guids(as)) != "[a02 a01 a00]" {
			t.Errorf("all-categories archive: %v", guids(as))
		}
	})
}

func TestNthCursorMatchesArchiveStart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		for i := range 5 {
			mustSave(t, st, article(fmt.Sprintf("a%d", i), t0.Add(time.Duration(i)*time.Minute), "politics"))
		}
		// The first archive page from the top lists the feed's own items.
		_, want, err := st.ArchivePage(ctx, "politics", newsroom.Cursor{Time: 1 << 62, ID: 1 << 62}, 3)
		if err != nil || len(want) != 3 {
			t.Fatal(want, err)
		}
		got, ok, err := st.NthCursor(ctx, "politics", 3)
		if err != nil || !ok || got != want[2] {
			t.Errorf("NthCursor = %v %v %v, want %v", got, ok, err, want[2])
		}
		if _, ok, _ := st.NthCursor(ctx, "politics", 6); ok {
			t.Error("cursor past the end")
		}
		if _, ok, _ := st.NthCursor(ctx, "", 5); !ok {
			t.Error("no cursor in the all feed")
		}
	})
}
