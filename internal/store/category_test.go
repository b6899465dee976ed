package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

func TestUpsertCategory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		mustSave(t, st, article("a-1", t0, "politics")) // created with slug as title
		v0 := mustVersions(t, st)

		steps := []struct {
			name    string
			in      feeds.Category
			want    feeds.Category
			bumps   bool
			wantAll []string
		}{
			{"declared title replaces the slug", feeds.Category{Slug: "politics", Title: "سياسة", Description: "أخبار السياسة"},
				feeds.Category{Slug: "politics", Title: "سياسة", Description: "أخبار السياسة"}, true, []string{"politics"}},
			{"same again writes nothing", feeds.Category{Slug: "politics", Title: "سياسة", Description: "أخبار السياسة"},
				feeds.Category{Slug: "politics", Title: "سياسة", Description: "أخبار السياسة"}, false, []string{"politics"}},
			{"new category, empty title is the slug", feeds.Category{Slug: "economy"},
				feeds.Category{Slug: "economy", Title: "economy"}, true, []string{"economy", "politics"}},
			{"sorted by slug", feeds.Category{Slug: "arts", Title: "فنون"},
				feeds.Category{Slug: "arts", Title: "فنون"}, true, []string{"arts", "economy", "politics"}},
		}
		prev := v0
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if err := st.UpsertCategory(ctx, s.in); err != nil {
					t.Fatal(err)
				}
				got, err := st.Category(ctx, s.in.Slug)
				if err != nil {
					t.Fatal(err)
				}
				s.want.Created = fixedClock() // when first saved or declared
				if got != s.want {
					t.Errorf("Category = %+v, want %+v", got, s.want)
				}
				vs := mustVersions(t, st)
				if bumped := vs[""] > prev[""] && vs[s.in.Slug] > prev[s.in.Slug]; bumped != s.bumps {
					t.Errorf("versions %v -> %v: bumped %v, want %v", prev, vs, bumped, s.bumps)
				}
				prev = vs
				all, err := st.Categories(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var slugs []string
				for _, c := range all {
					slugs = append(slugs, c.Slug)
				}
				if !reflect.DeepEqual(slugs, s.wantAll) {
					t.Errorf("Categories = %q, want %q", slugs, s.wantAll)
				}
			})
		}
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: ""}); err == nil {
			t.Error("empty slug accepted")
		}
		// Saving an article into a declared category keeps its declared title.
		mustSave(t, st, article("a-2", t0, "arts"))
		if c, err := st.Category(ctx, "arts"); err != nil || c.Title != "فنون" {
			t.Errorf("arts after a save = %+v, %v; want title فنون kept", c, err)
		}
	})
}

func TestVersionsAreSeenByAnotherStoreOnTheSameFile(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		// Two Stores on one file stand for `newswire import` next to `serve`.
		serve, path := db.openAt(t, fixedClock)
		imp, _ := mustOpenAt(t, path, fixedClock)
		before := mustVersions(t, serve)
		mustSave(t, imp, article("x-1", t0, "politics"))
		after := mustVersions(t, serve)
		if after[""] <= before[""] || after["politics"] == 0 {
			t.Errorf("serve's view of versions: %v -> %v, want both to grow", before, after)
		}
		if got := guids(mustLatest(t, serve, "politics", 5)); len(got) != 1 || got[0] != "x-1" {
			t.Errorf("serve sees %q, want [x-1]", got)
		}
	})
}

// A new database knows when it was created, on either backend.
func TestDatabaseCreated(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		before := time.Now().Add(-time.Minute)
		st := db.open(t)
		got, err := st.Created(context.Background())
		if err != nil || got.Before(before) || got.After(time.Now().Add(time.Minute)) {
			t.Errorf("Created = %v, %v; want about now", got, err)
		}
	})
}

// TestFeedChangedIsWhenTheFeedLastChanged: a category's feed changed when
// an article of it was last saved (dated earlier or not) or left it; the
// feed of all when any listed category's did. An unknown category is not
// found.
func TestFeedChangedIsWhenTheFeedLastChanged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		now := t0
		st, _ := db.openAt(t, func() time.Time { return now })
		changed := func(cat string) time.Time {
			t.Helper()
			at, err := st.FeedChanged(ctx, cat)
			if err != nil {
				t.Fatal(err)
			}
			return at
		}
		mustSave(t, st, article("a-1", t0, "politics"), article("a-2", t0, "world"))
		if got := changed("politics"); !got.Equal(t0) {
			t.Errorf("politics changed %v, want %v", got, t0)
		}
		now = t0.Add(time.Hour)
		mustSave(t, st, article("a-3", t0.Add(-48*time.Hour), "politics")) // dated two days back
		if got := changed("politics"); !got.Equal(now) {
			t.Errorf("after an older-dated article: politics changed %v, want %v", got, now)
		}
		if got := changed(""); !got.Equal(now) {
			t.Errorf("all changed %v, want %v", got, now)
		}
		now = t0.Add(2 * time.Hour)
		mustSave(t, st, article("a-2", t0, "politics")) // leaves world
		if got := changed("world"); !got.Equal(now) {
			t.Errorf("after its article left: world changed %v, want %v", got, now)
		}
		if _, err := st.FeedChanged(ctx, "sports"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("unknown category: %v, want ErrNotFound", err)
		}
	})
}
