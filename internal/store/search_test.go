package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

func TestSearchArabicForms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		a := article("cairo", t0.Add(-time.Hour), "world")
		a.Title = "وزير الخارجية المصري يصل إلى القاهرة"
		a.ContentHTML = "<p>قال مُحَمَّد أحمد إن المفاوضات مستمرة في مدرسة الحي، وإن ١٢٣ مشاركاً حضروا.</p>"
		b := article("budget", t0.Add(-2*time.Hour), "economy")
		b.Title = "Parliament passes the Budget"
		b.ContentHTML = "<p>The e-mail vote on the budget OR NEAR(something) ended.</p>"
		old := article("cairo-old", t0.Add(-48*time.Hour), "world")
		old.Title = "أمطار في القاهرة"
		// Punctuation against a word: it still loses its ال.
		p := article("punct", t0.Add(-72*time.Hour), "world")
		p.Title = "«الموانئ» تستضيف موسم الحج."
		p.ContentHTML = "<p>(الحكومة) تعلن: بسم الله، الرحمن</p>"
		mustSave(t, st, a, b, old, p)

		tests := []struct {
			q    string
			want string
		}{
			{"محمد", "[cairo]"},              // no harakat in the query, harakat in the text
			{"مُحَمَّد", "[cairo]"},          // and the other way round
			{"احمد", "[cairo]"},              // alef forms
			{"القاهرة", "[cairo cairo-old]"}, // newest first
			{"قاهره", "[cairo cairo-old]"},   // without ال, ة as ه
			{"مدرسه", "[cairo]"},
			{"123", "[cairo]"}, // Arabic-Indic digits in the text
			{"BUDGET", "[budget]"},
			{"budg*", "[budget]"},
			{"OR", "[budget]"},             // FTS syntax is searched as text
			{`NEAR(something`, "[budget]"}, // unbalanced: still text
			{"e-mail", "[budget]"},
			{"القاهرة وزير", "[cairo]"}, // every word must match
			{"الموانئ", "[punct]"},
			{"موانئ", "[punct]"},
			{"الحج", "[punct]"},
			{"الحكومة", "[punct]"},
			{"حكومه", "[punct]"},
			{"الله", "[punct]"},
			{"«الحج»", "[punct]"},
			{"nothing-here", "[]"},
		}
		for _, tt := range tests {
			t.Run(tt.q, func(t *testing.T) {
				got, err := st.Search(ctx, tt.q, 10)
				if err != nil {
					t.Fatal(err)
				}
				if g := fmt.Sprint(guids(got)); g != tt.want {
					t.Errorf("Search(%q) = %s, want %s", tt.q, g, tt.want)
				}
			})
		}
		for _, bad := range []string{"", "   ", "!!! ...", strings.Repeat("a", newsroom.MaxQueryLen+1)} {
			if _, err := st.Search(ctx, bad, 10); !errors.Is(err, newsroom.ErrBadQuery) {
				t.Errorf("Search(%.20q): %v, want ErrBadQuery", bad, err)
			}
		}

		// Edits re-index; withdrawn articles are not found.
		a.Title = "وزير الخارجية يغادر"
		a.ContentHTML = "<p>نص جديد</p>"
		mustSave(t, st, a)
		if got, _ := st.Search(ctx, "مدرسة", 10); len(got) != 0 {
			t.Errorf("old text still indexed: %v", guids(got))
		}
		if err := st.WithdrawArticle(ctx, "cairo-old", ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Search(ctx, "أمطار", 10); len(got) != 0 {
			t.Errorf("withdrawn article found: %v", guids(got))
		}
	})
}

func TestSearchIndexSharedAcrossOpens(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		path := db.fresh(t)
		st, _ := mustOpenAt(t, path, fixedClock)
		a := article("x", t0, "world")
		a.Title = "مؤتمر صحفي"
		mustSave(t, st, a)
		st2, _ := mustOpenAt(t, path, fixedClock) // a second process on the same file
		if got, err := st2.Search(ctx, "مؤتمر", 10); err != nil || len(got) != 1 {
			t.Errorf("after reopen: %v %v", guids(got), err)
		}
	})
}

func TestSearchBackfillOnOpen(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		path := db.fresh(t)
		st, _ := mustOpenAt(t, path, fixedClock)
		a := article("x", t0, "world")
		a.Title = "انتخابات بلدية"
		mustSave(t, st, a)
		// As a database from before the search index: rows exist, index does not.
		table := map[string]string{"sqlite": "article_fts", "postgres": "article_search"}[db.name]
		if _, err := db.raw(t, path).Exec(`DELETE FROM ` + table + `; UPDATE meta SET value = 0 WHERE key = 'search_indexed'`); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Search(ctx, "انتخابات", 10); len(got) != 0 {
			t.Fatal("index not emptied")
		}
		st2, _ := mustOpenAt(t, path, fixedClock)
		if got, err := st2.Search(ctx, "الانتخابات", 10); err != nil || len(got) != 1 {
			t.Errorf("after backfill: %v %v", guids(got), err)
		}
	})
}

func TestRelatedByTitle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st := db.open(t)
		a := article("story", t0, "world")
		a.Title = "هيئة الإغاثة الإنسانية التركية توصل مساعدات لأكثر من 4.5 مليون سوداني"
		b := article("longer", t0, "world")
		b.Title = "مجلس السيادة السوداني: لا مفاوضات مع الدعم السريع اليوم"
		mustSave(t, st, a, b)
		// An older exact title behind many newer titles with the same words.
		gaza := article("gaza-old", t0.Add(-100*time.Hour), "world")
		gaza.Title = "غزة"
		mustSave(t, st, gaza)
		for i := range 8 {
			n := article(fmt.Sprintf("gaza-%d", i), t0.Add(-time.Duration(i)*time.Hour), "world")
			n.Title = fmt.Sprintf("غزة: خبر رقم %d", i)
			mustSave(t, st, n)
		}
		for i := range 60 {
			n := article(fmt.Sprintf("in-gaza-%d", i), t0.Add(-time.Duration(i)*time.Minute), "world")
			n.Title = fmt.Sprintf("خبر %d من غزة", i)
			mustSave(t, st, n)
		}
		if got, err := st.RelatedByTitle(ctx, []string{"«غزة»"}); err != nil || got["«غزة»"] == nil || got["«غزة»"].GUID != "gaza-old" {
			t.Errorf("older exact title: %v %v", got, err)
		}
		got, err := st.RelatedByTitle(ctx, []string{
			"هيئة الاغاثة الانسانية التركية توصل مساعدات لاكثر من 4.5 مليون سوداني", // other alef forms
			"مجلس السيادة السوداني: لا مفاوضات مع الدعم السريع",                     // a prefix of b's title: no link
			"",
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got["هيئة الاغاثة الانسانية التركية توصل مساعدات لاكثر من 4.5 مليون سوداني"].GUID != "story" {
			t.Errorf("related: %v", got)
		}
	})
}

// TestSearchFindsEverySavedArticle: a save's search rows are written in
// batches inside its transaction, so every article a save (or an ingest
// pass) stored is found as soon as it returns, whatever the batch size;
// an article saved twice in one save is indexed once, as its last version;
// an edit replaces the old row.
func TestSearchFindsEverySavedArticle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		st, loc := db.openAt(t, fixedClock)
		find := func(q string, limit int) []string {
			t.Helper()
			got, err := st.Search(ctx, q, limit)
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			return guids(got)
		}
		const n = 300 // more than one INSERT's worth of rows, and a remainder
		var as []*feeds.Article
		for i := range n {
			a := article(fmt.Sprintf("a%d", i), t0.Add(-time.Duration(i)*time.Minute), "world")
			a.Title = fmt.Sprintf("عنوان رمز%d", i)
			a.ContentHTML = fmt.Sprintf("<p>نص كلمة%d مشتركة</p>", i)
			as = append(as, a)
		}
		again := *as[5] // the same GUID later in the same save: the later version wins
		again.Title = "عنوان مصحح"
		as = append(as, &again)
		mustSave(t, st, as...)
		for i := range n {
			want := fmt.Sprint([]string{fmt.Sprintf("a%d", i)})
			if i == 5 {
				want = "[]"
			}
			if got := fmt.Sprint(find(fmt.Sprintf("رمز%d", i), 10)); got != want {
				t.Errorf("title word of a%d: %s, want %s", i, got, want)
			}
			if got := fmt.Sprint(find(fmt.Sprintf("كلمة%d", i), 10)); got != fmt.Sprintf("[a%d]", i) {
				t.Errorf("body word of a%d: %s", i, got)
			}
		}
		if got := find("مصحح", 10); fmt.Sprint(got) != "[a5]" {
			t.Errorf("second version in one save: %v", got)
		}
		countRows := func() int {
			t.Helper()
			table := map[string]string{"sqlite": "article_fts", "postgres": "article_search"}[db.name]
			var rows int
			if err := db.raw(t, loc).QueryRow(`SELECT count(*) FROM ` + table).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if rows := countRows(); rows != n {
			t.Errorf("%d search rows for %d articles", rows, n)
		}

		// Edits of stored articles and new ones in one save, then one alone
		// (an admin POST).
		var edits []*feeds.Article
		for i := 0; i < n; i += 2 {
			e := *as[i]
			e.Title = fmt.Sprintf("عنوان جديد%d", i)
			edits = append(edits, &e)
		}
		more := article("b0", t0, "world")
		more.Title = "خبر منفرد"
		edits = append(edits, more)
		mustSave(t, st, edits...)
		for i := 0; i < 10; i++ {
			old, neu := fmt.Sprint(find(fmt.Sprintf("رمز%d", i), 10)), fmt.Sprint(find(fmt.Sprintf("جديد%d", i), 10))
			if i%2 == 0 && (old != "[]" || neu != fmt.Sprintf("[a%d]", i)) {
				t.Errorf("edited a%d: old title finds %s, new %s", i, old, neu)
			}
			if i%2 == 1 && i != 5 && (old != fmt.Sprintf("[a%d]", i) || neu != "[]") {
				t.Errorf("untouched a%d: old title finds %s, new %s", i, old, neu)
			}
		}
		one := article("c0", t0, "world")
		one.Title = "مؤتمر وحيد"
		mustSave(t, st, one)
		if got := find("وحيد", 10); fmt.Sprint(got) != "[c0]" {
			t.Errorf("single save: %v", got)
		}
		if got := find("منفرد", 10); fmt.Sprint(got) != "[b0]" {
			t.Errorf("new article saved with edits: %v", got)
		}
		if got := find("مشتركة", 1000); len(got) != n {
			t.Errorf("common body word finds %d of %d", len(got), n)
		}
		if rows := countRows(); rows != n+2 {
			t.Errorf("%d search rows for %d articles", rows, n+2)
		}

		// An ingest pass saves through the same writer.
		src := mustUpsertSource(t, st, wireSource())
		p := article("p0", t0, "world")
		p.Title = "خبر من الوكالة"
		mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: newsroom.SourceState{LastAttempt: t0},
			Items: []newsroom.PassItem{passItem("wire", "guid:p0", "hp", p)}})
		if got := find("وكاله", 10); fmt.Sprint(got) != "[p0]" {
			t.Errorf("after a pass: %v", got)
		}
	})
}

// TestSearchIndexMergesEightSegments: the index merges its segments once 8
// of a level exist (migration 0015).
func TestSearchIndexMergesEightSegments(t *testing.T) {
	st := mustOpen(t)
	if st.Backend() != store.SQLite {
		t.Skip("an FTS5 setting")
	}
	if v, err := st.SearchSetting(context.Background(), "automerge"); err != nil || v != 8 {
		t.Fatalf("automerge = %d (%v), want 8", v, err)
	}
}

// TestSearchRowsOfEarlierReadingsAreRebuilt: rows indexed before the index
// took content.Text's reading of a body (a space at every tag) are rebuilt
// once by the migration that came with it, so one search finds old and new
// articles alike. The test stands for such rows with an emptied index that
// the database still calls complete, one migration back.
func TestSearchRowsOfEarlierReadingsAreRebuilt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		path := db.fresh(t)
		st, _ := mustOpenAt(t, path, fixedClock)
		a := article("x", t0, "world")
		a.ContentHTML = "<p>the co<b>oper</b>ation agreement</p>"
		mustSave(t, st, a)
		table := map[string]string{"sqlite": "article_fts", "postgres": "article_search"}[db.name]
		back := map[string]string{
			"sqlite":   `PRAGMA user_version = 15`,
			"postgres": `DELETE FROM schema_migrations WHERE version >= 6`, // back to before 0006, as SQLite to before 0016
		}[db.name]
		if _, err := db.raw(t, path).Exec(`DELETE FROM ` + table + `; ` + back); err != nil {
			t.Fatal(err)
		}
		st2, _ := mustOpenAt(t, path, fixedClock)
		if got, err := st2.Search(ctx, "cooperation", 10); err != nil || len(got) != 1 {
			t.Errorf("after the migration: %v %v", guids(got), err)
		}
	})
}
