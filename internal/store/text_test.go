package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// Upstream strings with NUL bytes or invalid UTF-8 (PostgreSQL refuses both
// in text) are stored, on either backend, with the NULs dropped and each run
// of invalid bytes as U+FFFD; nothing else changes, and the pass is not lost.
func TestUpstreamTextWithNULAndInvalidUTF8IsStored(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		src := mustUpsertSource(t, st, wireSource())
		a := article("nul-1", t0, "world")
		a.Title = "عنوان\x00 الخبر \xff\xfe"
		a.Summary = "ملخص\x00"
		it := passItem("wire", "guid:nul\x00-1", "h1", a)
		it.RawDate = "Sun, 09 Mar 2025 \xa012:00:00 GMT"
		res := mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, Items: []newsroom.PassItem{it}, State: newsroom.SourceState{
			LastAttempt: t0, NextRun: t0.Add(time.Hour),
			ETag:         "W/\"a\x00b\"",
			LastModified: "Sun, 09 Mar 2025 12:00:00 \xc3",
			LastError:    "parse: unexpected \x00 in \xe2\x82 body",
			Note:         "ok\x00",
		}})
		if res.New != 1 {
			t.Fatalf("pass result %+v, want one new article", res)
		}
		got, err := st.Article(ctx, "nul-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "عنوان الخبر \uFFFD" || got.Summary != "ملخص" {
			t.Errorf("stored title %q, summary %q", got.Title, got.Summary)
		}
		s := mustSourceByName(t, st, "wire")
		for field, c := range map[string][2]string{
			"etag":          {s.ETag, `W/"ab"`},
			"last_modified": {s.LastModified, "Sun, 09 Mar 2025 12:00:00 \uFFFD"},
			"last_error":    {s.LastError, "parse: unexpected  in \uFFFD body"},
			"note":          {s.Note, "ok"},
		} {
			if c[0] != c[1] {
				t.Errorf("%s stored as %q, want %q", field, c[0], c[1])
			}
		}
		// The item is known under its cleaned key, so the next pass with the
		// same raw item changes nothing.
		known, err := st.KnownItems(ctx, src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := known["guid:nul-1"]; !ok || len(known) != 1 {
			t.Errorf("known items %v, want guid:nul-1", known)
		}
		if got := mustSave(t, st, &feeds.Article{GUID: "nul-2\x00", Title: "t\xff", Published: t0, Categories: []string{"world"}}); got[0] != newsroom.Created {
			t.Errorf("save with NUL in the GUID: %v", got)
		}
		if _, err := st.Article(ctx, "nul-2"); err != nil {
			t.Errorf("article saved with a NUL in its GUID: %v", err)
		}
	})
}
