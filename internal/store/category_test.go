package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
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
