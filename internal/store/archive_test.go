package store_test

import (
	"context"
	"testing"
	"time"
)

// An archive article (published before 1970, a negative unix time) saved
// without its own updated time is dated by its publication, and an edit
// without one dates it now: a missing updated time is not the epoch.
func TestArchiveArticleWithoutUpdatedIsNotDated1970(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		clk := &clock{t: t0}
		st, _ := db.openAt(t, clk.Now)
		ctx := context.Background()
		for _, pub := range []time.Time{
			time.Date(1950, 3, 1, 10, 0, 0, 0, time.UTC),
			time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC),
			time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		} {
			guid := "archive-" + pub.Format("20060102")
			a := article(guid, pub, "history")
			mustSave(t, st, a)
			got, err := st.Article(ctx, guid)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Updated.Equal(pub) {
				t.Errorf("%s: saved without updated: updated = %v, want its publication %v", guid, got.Updated, pub)
			}

			clk.Set(clk.Now().Add(time.Hour))
			a.Title += " (corrected)"
			mustSave(t, st, a)
			if got, err = st.Article(ctx, guid); err != nil {
				t.Fatal(err)
			}
			if want := clk.Now(); !got.Updated.Equal(want) {
				t.Errorf("%s: edited without updated: updated = %v, want the edit's time %v", guid, got.Updated, want)
			}
		}
	})
}
