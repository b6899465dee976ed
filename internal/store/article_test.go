package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

func TestSaveArticleRoundTripEveryField(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		ast := time.FixedZone("AST", 3*3600)
		in := &feeds.Article{
			GUID:    "tag:news.example,2025:transport-1",
			Title:   "الحكومة تعلن خطة جديدة للنقل العام في العاصمة (2025)",
			Summary: "أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام.",
			ContentHTML: `<p dir="rtl">قال الوزير إن المشروع سيبدأ خلال الأشهر المقبلة.</p>` +
				`<p lang="en">English &amp; "quotes" <b>bold</b> ]]&gt; ‏mark‏ 😀</p>`,
			URL: "https://news.example/ar/2025/03/transport",
			Authors: []feeds.Person{
				{Name: "سارة أحمد", Email: "sara@news.example", URL: "https://news.example/sara"},
				{Name: "John Doe"},
			},
			Language: "ar",
			// Sub-second parts are dropped: the store keeps whole seconds.
			Published:  time.Date(2025, 3, 9, 8, 30, 15, 999, ast),
			Updated:    time.Date(2025, 3, 9, 9, 45, 0, 0, ast),
			Categories: []string{"politics", "economy"},
			Image:      &feeds.Image{URL: "https://news.example/img/1.jpg", Type: "image/jpeg", Length: 48213},
			Related: []feeds.Related{
				{Title: "خطة المترو الجديدة", URL: "https://news.example/ar/metro"},
				{Title: "بدون رابط"},
				{URL: "https://news.example/only-link"},
			},
			Sources: []feeds.Source{{Name: "وكالة الأنباء", FeedURL: "https://wire.example/ar/rss.xml", Link: "https://wire.example/1"}},
		}
		res, err := st.SaveArticle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if res != newsroom.Created {
			t.Fatalf("first save: %v, want created", res)
		}
		got, err := st.Article(ctx, in.GUID)
		if err != nil {
			t.Fatal(err)
		}
		want := *in
		want.Published = in.Published.Truncate(time.Second)
		checkArticle(t, got, &want)

		// The list read returns the same complete article.
		latest := mustLatest(t, st, "economy", 10)
		if len(latest) != 1 {
			t.Fatalf("latest economy: %d articles, want 1", len(latest))
		}
		checkArticle(t, latest[0], &want)

		cats, err := st.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantCats := []feeds.Category{{Slug: "economy", Title: "economy", Created: fixedClock()}, {Slug: "politics", Title: "politics", Created: fixedClock()}}
		if !reflect.DeepEqual(cats, wantCats) {
			t.Errorf("categories created on save: %+v, want %+v", cats, wantCats)
		}
	})
}

func TestSaveArticleDefaultsAndNormalisation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		pub := t0.Add(-2 * time.Hour)
		tests := []struct {
			name    string
			in      *feeds.Article
			updated time.Time
			cats    []string
			image   *feeds.Image
		}{
			{"no updated means published", article("d1", pub, "a"), pub, []string{"a"}, nil},
			{"updated before published is raised to published", func() *feeds.Article {
				a := article("d2", pub, "a")
				a.Updated = pub.Add(-time.Hour)
				return a
			}(), pub, []string{"a"}, nil},
			{"duplicate categories kept once in first order", article("d3", pub, "b", "a", "b", "a"), pub, []string{"b", "a"}, nil},
			{"image without URL is no image", func() *feeds.Article {
				a := article("d4", pub, "a")
				a.Image = &feeds.Image{Type: "image/png"}
				return a
			}(), pub, []string{"a"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := st.SaveArticle(ctx, tt.in); err != nil {
					t.Fatal(err)
				}
				got, err := st.Article(ctx, tt.in.GUID)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Updated.Equal(tt.updated) {
					t.Errorf("updated = %v, want %v", got.Updated, tt.updated)
				}
				if !slices.Equal(got.Categories, tt.cats) {
					t.Errorf("categories = %q, want %q", got.Categories, tt.cats)
				}
				if !reflect.DeepEqual(got.Image, tt.image) {
					t.Errorf("image = %+v, want %+v", got.Image, tt.image)
				}
			})
		}
	})
}

func TestResaveIdenticalIsUnchanged(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		a := article("same-1", t0.Add(-time.Hour), "politics")
		a.Updated = t0.Add(-30 * time.Minute)
		mustSave(t, st, a, article("same-2", t0, "sports"))
		before := mustVersions(t, st)

		again := *a
		again.Categories = slices.Clone(a.Categories)
		for _, tt := range []struct {
			name string
			a    *feeds.Article
		}{
			{"same content", &again},
			// Updated is the store's to move; alone it is not a change.
			{"same content, no updated time", func() *feeds.Article { c := again; c.Updated = time.Time{}; return &c }()},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res, err := st.SaveArticle(ctx, tt.a)
				if err != nil {
					t.Fatal(err)
				}
				if res != newsroom.Unchanged {
					t.Errorf("result %v, want unchanged", res)
				}
				if after := mustVersions(t, st); !reflect.DeepEqual(after, before) {
					t.Errorf("versions moved on an unchanged save: %v -> %v", before, after)
				}
				got, err := st.Article(ctx, a.GUID)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Updated.Equal(a.Updated) {
					t.Errorf("updated = %v, want %v kept", got.Updated, a.Updated)
				}
			})
		}
		if n, err := st.CountArticles(ctx); err != nil || n != 2 {
			t.Errorf("count = %d, %v; want 2", n, err)
		}
	})
}

func TestEditedArticleIsUpdatedInPlace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		clk := &clock{t: t0}
		st, path := db.openAt(t, clk.Now)
		ctx := context.Background()
		raw := db.raw(t, path)
		rowOf := func() (id, created, updated int64) {
			t.Helper()
			if err := raw.QueryRow(db.q(`SELECT id, created, updated FROM articles WHERE guid = ?`), "edit-1").Scan(&id, &created, &updated); err != nil {
				t.Fatal(err)
			}
			return
		}

		a := article("edit-1", t0.Add(-time.Hour), "politics")
		a.Updated = t0.Add(-50 * time.Minute)
		mustSave(t, st, a)
		id1, created1, _ := rowOf()

		tests := []struct {
			name        string
			edit        func(a *feeds.Article)
			now         time.Time
			wantUpdated time.Time
		}{
			{"new title, same updated: updated becomes now", func(a *feeds.Article) { a.Title = "عنوان مصحح" },
				t0.Add(time.Hour), t0.Add(time.Hour)},
			{"new body with a later updated: that updated is kept", func(a *feeds.Article) {
				a.ContentHTML = "<p>نص مصحح</p>"
				a.Updated = t0.Add(2 * time.Hour)
			}, t0.Add(3 * time.Hour), t0.Add(2 * time.Hour)},
			{"clock behind the stored updated: still moves forward", func(a *feeds.Article) { a.Summary = "ملخص جديد" },
				t0, t0.Add(2*time.Hour + time.Second)},
			{"new author", func(a *feeds.Article) { a.Authors = []feeds.Person{{Name: "محمد"}} },
				t0.Add(4 * time.Hour), t0.Add(4 * time.Hour)},
			{"new image", func(a *feeds.Article) { a.Image = &feeds.Image{URL: "https://news.example/x.png"} },
				t0.Add(5 * time.Hour), t0.Add(5 * time.Hour)},
			{"new published time", func(a *feeds.Article) { a.Published = t0.Add(-3 * time.Hour) },
				t0.Add(6 * time.Hour), t0.Add(6 * time.Hour)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clk.Set(tt.now)
				tt.edit(a)
				before := mustVersions(t, st)
				res, err := st.SaveArticle(ctx, a)
				if err != nil {
					t.Fatal(err)
				}
				if res != newsroom.Updated {
					t.Fatalf("result %v, want updated", res)
				}
				got, err := st.Article(ctx, a.GUID)
				if err != nil {
					t.Fatal(err)
				}
				want := *a
				want.Updated = tt.wantUpdated
				checkArticle(t, got, &want)
				id, created, _ := rowOf()
				if id != id1 || created != created1 {
					t.Errorf("row (id %d, created %d), want the original (%d, %d)", id, created, id1, created1)
				}
				after := mustVersions(t, st)
				if after[""] <= before[""] || after["politics"] <= before["politics"] {
					t.Errorf("versions did not grow: %v -> %v", before, after)
				}
			})
		}
		if n, err := st.CountArticles(ctx); err != nil || n != 1 {
			t.Errorf("count = %d, %v; want 1 (no duplicate)", n, err)
		}
	})
}

func TestCategoryChangeMovesArticleAndBumpsBoth(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		a := article("move-1", t0, "politics")
		mustSave(t, st, a, article("other", t0, "sports"), article("stay", t0.Add(-time.Hour), "economy"))
		before := mustVersions(t, st)

		a.Categories = []string{"economy"}
		if res, err := st.SaveArticle(ctx, a); err != nil || res != newsroom.Updated {
			t.Fatalf("save = %v, %v; want updated", res, err)
		}
		after := mustVersions(t, st)
		for _, slug := range []string{"", "politics", "economy"} {
			if after[slug] <= before[slug] {
				t.Errorf("version %q: %d -> %d, want it to grow", slug, before[slug], after[slug])
			}
		}
		if after["sports"] != before["sports"] {
			t.Errorf("untouched category sports: version %d -> %d", before["sports"], after["sports"])
		}
		if got := guids(mustLatest(t, st, "politics", 10)); len(got) != 0 {
			t.Errorf("politics still lists %q", got)
		}
		if got, want := guids(mustLatest(t, st, "economy", 10)), []string{"move-1", "stay"}; !slices.Equal(got, want) {
			t.Errorf("economy = %q, want %q", got, want)
		}
	})
}

func TestLatestArticlesOrderAndLimit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		mustSave(t, st,
			article("p-old", h(-5), "politics"),
			article("p-tie-first", h(-1), "politics"),
			article("s-1", h(-3), "sports"),
			article("p-new", h(0), "politics", "sports"),
			article("p-tie-second", h(-1), "politics"), // same published, stored later: listed first
			article("e-1", h(-2), "economy"),
		)
		// A later batch published earlier than everything.
		mustSave(t, st, article("p-oldest", h(-9), "politics"))

		tests := []struct {
			cat   string
			limit int
			want  []string
		}{
			{"politics", 10, []string{"p-new", "p-tie-second", "p-tie-first", "p-old", "p-oldest"}},
			{"politics", 2, []string{"p-new", "p-tie-second"}},
			{"sports", 10, []string{"p-new", "s-1"}},
			{"", 10, []string{"p-new", "p-tie-second", "p-tie-first", "e-1", "s-1", "p-old", "p-oldest"}},
			{"", 3, []string{"p-new", "p-tie-second", "p-tie-first"}},
			{"", 1, []string{"p-new"}},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%q limit %d", tt.cat, tt.limit), func(t *testing.T) {
				got := mustLatest(t, st, tt.cat, tt.limit)
				if !slices.Equal(guids(got), tt.want) {
					t.Errorf("LatestArticles(%q, %d) = %q, want %q", tt.cat, tt.limit, guids(got), tt.want)
				}
				for _, a := range got { // complete articles, not list stubs
					if a.ContentHTML == "" || len(a.Categories) == 0 || a.Title == "" {
						t.Errorf("%s: incomplete article %+v", a.GUID, a)
					}
				}
			})
		}
	})
}

func TestLookupsNotFound(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: "empty", Title: "فارغ"}); err != nil {
			t.Fatal(err)
		}
		if a, err := st.Article(ctx, "missing"); !errors.Is(err, newsroom.ErrNotFound) || a != nil {
			t.Errorf("Article(missing) = %v, %v; want nil, ErrNotFound", a, err)
		}
		if _, err := st.LatestArticles(ctx, "nope", 10); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("LatestArticles(unknown category) error = %v, want ErrNotFound", err)
		}
		if as, err := st.LatestArticles(ctx, "empty", 10); err != nil || len(as) != 0 {
			t.Errorf("LatestArticles(empty category) = %d articles, %v; want none, no error", len(as), err)
		}
		if _, err := st.Category(ctx, "nope"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("Category(unknown) error = %v, want ErrNotFound", err)
		}
		if _, err := st.LatestArticles(ctx, "", 0); err == nil {
			t.Error("LatestArticles with limit 0: no error")
		}
	})
}

func TestInvalidArticleRejectedAndNothingWritten(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		valid := func() *feeds.Article { return article("v-1", t0, "politics") }
		tests := []struct {
			name  string
			edit  func(a *feeds.Article) *feeds.Article
			field string
		}{
			{"nil article", func(*feeds.Article) *feeds.Article { return nil }, "article"},
			{"empty guid", func(a *feeds.Article) *feeds.Article { a.GUID = ""; return a }, "guid"},
			{"blank guid", func(a *feeds.Article) *feeds.Article { a.GUID = " \t"; return a }, "guid"},
			{"empty title", func(a *feeds.Article) *feeds.Article { a.Title = ""; return a }, "title"},
			{"blank title", func(a *feeds.Article) *feeds.Article { a.Title = "  "; return a }, "title"},
			{"zero published", func(a *feeds.Article) *feeds.Article { a.Published = time.Time{}; return a }, "published"},
			{"no categories", func(a *feeds.Article) *feeds.Article { a.Categories = nil; return a }, "categories"},
			{"empty slug", func(a *feeds.Article) *feeds.Article { a.Categories = []string{"politics", ""}; return a }, "categories[1]"},
			{"slug with a space", func(a *feeds.Article) *feeds.Article { a.Categories = []string{"foo bar"}; return a }, "categories[0]"},
			{"slug with a control character", func(a *feeds.Article) *feeds.Article { a.Categories = []string{"a\x1fb"}; return a }, "categories[0]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st := db.open(t)
				ctx := context.Background()
				_, err := st.SaveArticle(ctx, tt.edit(valid()))
				var ve *newsroom.ValidationError
				if !errors.As(err, &ve) || !errors.Is(err, newsroom.ErrInvalid) {
					t.Fatalf("error %v, want a *ValidationError", err)
				}
				if ve.Field != tt.field {
					t.Errorf("field %q, want %q (error: %v)", ve.Field, tt.field, err)
				}
				assertEmpty(t, st)
			})
		}
	})
}

// assertEmpty checks that no article, category or version was written.
func assertEmpty(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	if n, err := st.CountArticles(ctx); err != nil || n != 0 {
		t.Errorf("count = %d, %v; want 0", n, err)
	}
	if cs, err := st.Categories(ctx); err != nil || len(cs) != 0 {
		t.Errorf("categories = %+v, %v; want none", cs, err)
	}
	if vs := mustVersions(t, st); !reflect.DeepEqual(vs, map[string]int64{"": 0}) {
		t.Errorf("versions = %v, want only global 0", vs)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		batch := func() []*feeds.Article {
			return []*feeds.Article{
				article("b-1", t0, "politics"), article("b-2", t0, "new-category"),
				article("boom", t0, "politics"), article("b-4", t0, "sports"),
			}
		}
		t.Run("one invalid article", func(t *testing.T) {
			st := db.open(t)
			as := batch()
			as[2].Title = ""
			res, err := st.SaveArticles(ctx, as)
			var ve *newsroom.ValidationError
			if !errors.As(err, &ve) || ve.Field != "title" || ve.GUID != "boom" || res != nil {
				t.Fatalf("SaveArticles = %v, %v; want a title error for boom", res, err)
			}
			assertEmpty(t, st)
		})
		t.Run("database error after some writes", func(t *testing.T) {
			st, path := db.openAt(t, fixedClock)
			// The third insert fails after two articles are written: a
			// trigger on SQLite, a check on PostgreSQL.
			boom := `CREATE TRIGGER boom BEFORE INSERT ON articles WHEN NEW.guid = 'boom'
			BEGIN SELECT RAISE(ABORT, 'boom'); END`
			if db.name == "postgres" {
				boom = `ALTER TABLE articles ADD CONSTRAINT boom CHECK (guid <> 'boom')`
			}
			if _, err := db.raw(t, path).Exec(boom); err != nil {
				t.Fatal(err)
			}
			if res, err := st.SaveArticles(ctx, batch()); err == nil {
				t.Fatalf("SaveArticles = %v, want an error", res)
			}
			assertEmpty(t, st)
		})
		t.Run("valid batch saves every article", func(t *testing.T) {
			st := db.open(t)
			res := mustSave(t, st, batch()...)
			if want := []newsroom.SaveResult{newsroom.Created, newsroom.Created, newsroom.Created, newsroom.Created}; !slices.Equal(res, want) {
				t.Errorf("results %v, want %v", res, want)
			}
			as := batch()
			as[1].Title = "تعديل"
			res = mustSave(t, st, as...)
			if want := []newsroom.SaveResult{newsroom.Unchanged, newsroom.Updated, newsroom.Unchanged, newsroom.Unchanged}; !slices.Equal(res, want) {
				t.Errorf("re-save results %v, want %v", res, want)
			}
		})
	})
}

func TestSaveResultString(t *testing.T) {
	for r, want := range map[newsroom.SaveResult]string{
		newsroom.Created: "created", newsroom.Updated: "updated", newsroom.Unchanged: "unchanged", 0: "SaveResult(0)",
	} {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(r), r.String(), want)
		}
	}
}

// New articles of one save are written together, in multi-row statements
// of a batch and a remainder; an article that comes again later in the
// same save is written first and then updated, as when saved one by one:
// the later version's body and categories are what is stored.
func TestNewArticlesWrittenTogetherKeepEachOnesRows(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		const n = 123 // two full statements and a remainder
		var as []*feeds.Article
		for i := range n {
			a := article(fmt.Sprintf("n-%03d", i), t0.Add(-time.Duration(i)*time.Minute), "world", fmt.Sprintf("c%d", i%3))
			a.ContentHTML = fmt.Sprintf("<p>نص %d</p>", i)
			as = append(as, a)
		}
		again := *as[60]
		again.Categories = []string{"sports"}
		again.ContentHTML = "<p>نص مصحح</p>"
		res := mustSave(t, st, append(as, &again)...)
		if res[60] != newsroom.Created || res[n] != newsroom.Updated {
			t.Errorf("results %v and %v, want created then updated", res[60], res[n])
		}
		if c, err := st.CountArticles(ctx); err != nil || c != n {
			t.Fatalf("%d articles stored (%v), want %d", c, err, n)
		}
		for i, a := range as {
			got, err := st.Article(ctx, a.GUID)
			if err != nil {
				t.Fatal(err)
			}
			want := a
			if i == 60 {
				want = &again
			}
			if got.ContentHTML != want.ContentHTML || !slices.Equal(got.Categories, want.Categories) {
				t.Errorf("%s stored with %q %v, want %q %v", a.GUID, got.ContentHTML, got.Categories, want.ContentHTML, want.Categories)
			}
		}
		for cat, want := range map[string]int{"world": n - 1, "c0": 40, "c1": 41, "c2": 41, "sports": 1} {
			got, err := st.LatestArticles(ctx, cat, 500)
			if err != nil || len(got) != want {
				t.Errorf("category %s lists %d articles (%v), want %d", cat, len(got), err, want)
			}
		}
	})
}
