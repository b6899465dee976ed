package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

func wireSource() newsroom.Source {
	return newsroom.Source{
		Name: "wire", URL: "https://wire.example/ar/rss.xml", Schedule: "@every 10m",
		Categories: []string{"world"},
		Rules:      []newsroom.Rule{{Match: "سياسة", Category: "politics"}, {Match: "Politics", Category: "politics"}},
		Enabled:    true,
	}
}

func mustUpsertSource(tb testing.TB, st *store.Store, src newsroom.Source) newsroom.Source {
	tb.Helper()
	out, err := st.UpsertSource(context.Background(), src)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func mustSourceByName(tb testing.TB, st *store.Store, name string) newsroom.Source {
	tb.Helper()
	src, err := st.SourceByName(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return src
}

func mustSavePass(tb testing.TB, st *store.Store, p newsroom.Pass) newsroom.PassResult {
	tb.Helper()
	res, err := st.SavePass(context.Background(), p)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestUpsertSourceCreatesThenUpdatesDefinitionKeepingState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		src := mustUpsertSource(t, st, wireSource())
		if src.ID == 0 || src.Origin != newsroom.OriginConfig || !src.Polled() {
			t.Fatalf("created source = %+v", src)
		}
		want := wireSource()
		want.ID, want.Origin = src.ID, newsroom.OriginConfig
		if !reflect.DeepEqual(src, want) {
			t.Errorf("created\n got %+v\nwant %+v", src, want)
		}

		state := newsroom.SourceState{
			LastAttempt: t0, LastSuccess: t0, NextRun: t0.Add(30 * time.Minute),
			ETag: `"v1"`, LastModified: "Sun, 09 Mar 2025 10:00:00 GMT",
			Note: "duplicate GUIDs in feed: identifying items by link", IDMode: newsroom.IDModeLink,
			FeedTTL: 30 * time.Minute, BodyHash: []byte{1, 2, 3},
		}
		mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: state})

		def := wireSource()
		def.Schedule, def.Categories, def.Rules, def.Enabled, def.AllowPrivate, def.Origin =
			"@hourly", []string{"gulf", "world"}, nil, false, true, newsroom.OriginCLI
		got := mustUpsertSource(t, st, def)
		if got.ID != src.ID || got.Schedule != "@hourly" || !reflect.DeepEqual(got.Categories, []string{"gulf", "world"}) ||
			got.Rules != nil || got.Enabled || !got.AllowPrivate || got.Origin != newsroom.OriginCLI {
			t.Errorf("definition not updated: %+v", got)
		}
		if !reflect.DeepEqual(got.State(), state) {
			t.Errorf("state not kept\n got %+v\nwant %+v", got.State(), state)
		}
		all, err := st.Sources(ctx)
		if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], got) {
			t.Errorf("Sources = %+v, %v", all, err)
		}
	})
}

func TestUpsertSourceURLChanges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		src := mustUpsertSource(t, st, wireSource())
		configured := src.URL
		moved := "https://wire.example/ar/feed.xml"
		mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: newsroom.SourceState{
			LastAttempt: t0, ETag: `"v1"`, Failures: 2, LastError: "boom", DisabledReason: "410 Gone", MovedTo: moved,
			BodyHash: []byte{9},
		}})
		got := mustSourceByName(t, st, "wire")
		if got.URL != moved || got.URLChangedFrom != configured {
			t.Fatalf("after a move: url %q from %q", got.URL, got.URLChangedFrom)
		}
		// A second move keeps the configured URL as the origin.
		again := got.State()
		again.MovedTo = "https://wire.example/v3.xml"
		mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: again})
		if got = mustSourceByName(t, st, "wire"); got.URL != "https://wire.example/v3.xml" || got.URLChangedFrom != configured {
			t.Fatalf("after a second move: url %q from %q", got.URL, got.URLChangedFrom)
		}

		// Re-applying the config (the old URL) keeps the move and the state.
		got = mustUpsertSource(t, st, wireSource())
		if got.URL != "https://wire.example/v3.xml" || got.ETag != `"v1"` || got.DisabledReason != "410 Gone" {
			t.Errorf("config re-applied over a move: %+v", got)
		}

		// A genuinely new URL starts afresh.
		def := wireSource()
		def.URL = "https://other.example/rss"
		got = mustUpsertSource(t, st, def)
		if got.URL != def.URL || got.URLChangedFrom != "" || got.ETag != "" || got.Failures != 0 ||
			got.LastError != "" || got.DisabledReason != "" || !got.NextRun.IsZero() || !got.Polled() || got.BodyHash != nil {
			t.Errorf("new URL did not reset the state: %+v", got)
		}
		if !got.LastAttempt.Equal(t0) {
			t.Errorf("history lost: last attempt %v", got.LastAttempt)
		}
	})
}

func TestUpsertSourceRejectsBadDefinitions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		for _, tc := range []struct {
			name  string
			edit  func(*newsroom.Source)
			field string
		}{
			{"empty name", func(s *newsroom.Source) { s.Name = "" }, "name"},
			{"name with spaces around", func(s *newsroom.Source) { s.Name = " wire" }, "name"},
			{"relative url", func(s *newsroom.Source) { s.URL = "/rss.xml" }, "url"},
			{"ftp url", func(s *newsroom.Source) { s.URL = "ftp://wire.example/rss" }, "url"},
			{"bad category slug", func(s *newsroom.Source) { s.Categories = []string{"a b"} }, "categories[0]"},
			{"rule without match", func(s *newsroom.Source) { s.Rules = []newsroom.Rule{{Category: "x"}} }, "rules[0].match"},
			{"rule with bad category", func(s *newsroom.Source) { s.Rules = []newsroom.Rule{{Match: "x", Category: ""}} }, "rules[0].category"},
			{"unknown origin", func(s *newsroom.Source) { s.Origin = "web" }, "origin"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				src := wireSource()
				tc.edit(&src)
				_, err := st.UpsertSource(context.Background(), src)
				if err == nil || !strings.Contains(err.Error(), tc.field) {
					t.Errorf("UpsertSource = %v, want an error naming %s", err, tc.field)
				}
			})
		}
		if all, err := st.Sources(context.Background()); err != nil || len(all) != 0 {
			t.Errorf("rejected sources stored: %+v, %v", all, err)
		}
	})
}

func TestSourcesDeleteAndReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		for _, name := range []string{"zeta", "alpha", "مصدر"} {
			s := wireSource()
			s.Name = name
			mustUpsertSource(t, st, s)
		}
		all, err := st.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range all {
			names = append(names, s.Name)
		}
		if !reflect.DeepEqual(names, []string{"alpha", "zeta", "مصدر"}) {
			t.Errorf("Sources order = %q", names)
		}

		alpha := mustSourceByName(t, st, "alpha")
		mustSavePass(t, st, newsroom.Pass{SourceID: alpha.ID, State: newsroom.SourceState{LastAttempt: t0, Failures: 1},
			Items: []newsroom.PassItem{passItem("alpha", "guid:1", "h1", article("alpha-1", t0, "world"))}})
		mustSavePass(t, st, newsroom.Pass{SourceID: alpha.ID, State: newsroom.SourceState{
			LastAttempt: t0, Failures: 4, LastError: "410 Gone", DisabledReason: "410 Gone", NextRun: t0.Add(time.Hour)}})
		if err := st.ResetSource(ctx, "alpha"); err != nil {
			t.Fatal(err)
		}
		if got := mustSourceByName(t, st, "alpha"); got.Failures != 0 || got.DisabledReason != "" || got.LastError != "" ||
			!got.NextRun.IsZero() || !got.Polled() {
			t.Errorf("after reset: %+v", got)
		}

		if err := st.DeleteSource(ctx, "alpha"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Article(ctx, "alpha-1"); err != nil {
			t.Errorf("the deleted source's article is gone: %v", err)
		}
		if known, err := st.KnownItems(ctx, alpha.ID); err != nil || len(known) != 0 {
			t.Errorf("item history survived the source: %v, %v", known, err)
		}
		for _, err := range []error{
			st.DeleteSource(ctx, "alpha"),
			st.ResetSource(ctx, "nope"),
			func() error { _, err := st.SourceByName(ctx, "alpha"); return err }(),
		} {
			if !errors.Is(err, newsroom.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		}
	})
}

// passItem is a PassItem from source src whose raw hash is rawHash, with
// an optional link key and text key.
func passItem(src, key, rawHash string, a *feeds.Article, keys ...string) newsroom.PassItem {
	a.Sources = []feeds.Source{{Name: src, FeedURL: "https://" + src + ".example/rss", Link: a.URL}}
	it := newsroom.PassItem{Key: key, RawHash: []byte(rawHash), RawDate: "raw " + key, Article: a}
	if len(keys) > 0 {
		it.LinkKey = []byte(keys[0])
	}
	if len(keys) > 1 {
		it.TextKey = []byte(keys[1])
	}
	return it
}

func TestSavePassCreatesSkipsAndUpdatesInPlace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		src := mustUpsertSource(t, st, wireSource())
		state := newsroom.SourceState{LastAttempt: t0, LastSuccess: t0, NextRun: t0.Add(10 * time.Minute)}

		res := mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: state, Items: []newsroom.PassItem{
			passItem("wire", "guid:a", "ha", article("g-a", t0.Add(-2*time.Hour), "world"), "link-a"),
			passItem("wire", "guid:b", "hb", article("g-b", t0.Add(-time.Hour), "politics"), "link-b"),
		}})
		if res.New != 2 || res.Updated != 0 || !res.Changed() || res.Items[0].GUID != "g-a" || res.Items[1].Result != newsroom.Created {
			t.Fatalf("first pass = %+v", res)
		}
		if got := mustSourceByName(t, st, "wire"); got.LastNew != 2 || got.LastUpdated != 0 || !got.NextRun.Equal(state.NextRun) {
			t.Errorf("state after first pass: %+v", got)
		}
		known, err := st.KnownItems(ctx, src.ID)
		if err != nil || len(known) != 2 || string(known["guid:a"].Hash) != "ha" || !known["guid:a"].Published.Equal(t0.Add(-2*time.Hour)) {
			t.Fatalf("KnownItems = %+v, %v", known, err)
		}

		// Same raw hash: nothing written, versions unchanged.
		before := mustVersions(t, st)
		res = mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: state, Items: []newsroom.PassItem{
			passItem("wire", "guid:a", "ha", article("g-a", t0.Add(-2*time.Hour), "world")),
		}})
		if res.Unchanged != 1 || res.Changed() || res.Items[0].GUID != "g-a" {
			t.Errorf("unchanged pass = %+v", res)
		}
		if after := mustVersions(t, st); !reflect.DeepEqual(before, after) {
			t.Errorf("versions moved on an unchanged pass: %v -> %v", before, after)
		}

		// New raw hash: the article keeps its GUID, is edited in place, and
		// moves to its new category.
		edited := article("ignored-guid", t0.Add(-2*time.Hour), "economy")
		edited.Title = "عنوان معدل"
		res = mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, State: state, Items: []newsroom.PassItem{
			passItem("wire", "guid:a", "ha2", edited)}})
		if res.Updated != 1 || res.Items[0].GUID != "g-a" {
			t.Fatalf("edit pass = %+v", res)
		}
		a, err := st.Article(ctx, "g-a")
		if err != nil || a.Title != "عنوان معدل" || !reflect.DeepEqual(a.Categories, []string{"economy"}) {
			t.Errorf("edited article = %+v, %v", a, err)
		}
		if _, err := st.Article(ctx, "ignored-guid"); !errors.Is(err, newsroom.ErrNotFound) {
			t.Errorf("an edit created a second article: %v", err)
		}
		if n, _ := st.CountArticles(ctx); n != 2 {
			t.Errorf("%d articles, want 2", n)
		}
		if got := mustSourceByName(t, st, "wire"); got.LastNew != 0 || got.LastUpdated != 1 {
			t.Errorf("counts after edit: new %d updated %d", got.LastNew, got.LastUpdated)
		}
	})
}

func TestSavePassMergesTheSameStoryFromTwoSources(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		a := mustUpsertSource(t, st, wireSource())
		bDef := wireSource()
		bDef.Name = "partner"
		b := mustUpsertSource(t, st, bDef)

		mustSavePass(t, st, newsroom.Pass{SourceID: a.ID, Items: []newsroom.PassItem{
			passItem("wire", "guid:s", "h", article("wire-s", t0, "world"), "link-s", "text-s")}})
		fromB := article("partner-s", t0.Add(time.Minute), "gulf")
		fromB.URL = "https://partner.example/s"
		res := mustSavePass(t, st, newsroom.Pass{SourceID: b.ID, Items: []newsroom.PassItem{
			passItem("partner", "guid:x", "hx", fromB, "link-other", "text-s")}})
		if res.Updated != 1 || !res.Items[0].Merged || res.Items[0].GUID != "wire-s" {
			t.Fatalf("merge = %+v", res)
		}
		got, err := st.Article(ctx, "wire-s")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Sources) != 2 || got.Sources[0].Name != "wire" || got.Sources[1].Name != "partner" ||
			got.Sources[1].Link != "https://partner.example/s" {
			t.Errorf("sources = %+v", got.Sources)
		}
		if !reflect.DeepEqual(got.Categories, []string{"world", "gulf"}) {
			t.Errorf("categories = %q, want the union", got.Categories)
		}
		if n, _ := st.CountArticles(ctx); n != 1 {
			t.Errorf("%d articles, want the story stored once", n)
		}

		// The second source's own edit does not overwrite the first source's
		// text; the first source's edit keeps the second source recorded.
		fromB2 := article("partner-s", t0.Add(time.Minute), "gulf")
		fromB2.Title = "نسخة الشريك"
		mustSavePass(t, st, newsroom.Pass{SourceID: b.ID, Items: []newsroom.PassItem{passItem("partner", "guid:x", "hx2", fromB2)}})
		fromA2 := article("wire-s", t0, "world")
		fromA2.Title = "نسخة الوكالة المعدلة"
		mustSavePass(t, st, newsroom.Pass{SourceID: a.ID, Items: []newsroom.PassItem{passItem("wire", "guid:s", "h2", fromA2)}})
		got, err = st.Article(ctx, "wire-s")
		if err != nil || got.Title != "نسخة الوكالة المعدلة" || len(got.Sources) != 2 || got.Sources[1].Name != "partner" {
			t.Errorf("after edits: %+v, %v", got, err)
		}

		// A later item of the same source with the same link is not merged twice.
		res = mustSavePass(t, st, newsroom.Pass{SourceID: b.ID, Items: []newsroom.PassItem{
			passItem("partner", "guid:y", "hy", article("partner-y", t0, "gulf"), "link-s")}})
		if res.Unchanged != 1 || !res.Items[0].Merged {
			t.Errorf("repeat merge = %+v", res)
		}

		// An item of the same source that only reads the same (its own link)
		// is another item, not the same story.
		res = mustSavePass(t, st, newsroom.Pass{SourceID: a.ID, Items: []newsroom.PassItem{
			passItem("wire", "guid:t", "ht", article("wire-t", t0, "world"), "link-t", "text-s")}})
		if res.New != 1 || res.Items[0].Merged || res.Items[0].GUID != "wire-t" {
			t.Errorf("same-source text match = %+v", res)
		}
	})
}

// Within one source the GUID identifies an item: items with their own
// GUIDs that share a link (a live blog's page, the homepage, a podcast's
// show page) are stored each, in one pass or in several. A shared link
// still finds the item when its text does too (the source changed its
// GUID), for an item without a GUID, and across sources.
func TestSavePassKeepsItemsOfOneSourceThatShareALink(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		wire := mustUpsertSource(t, st, wireSource())
		pDef := wireSource()
		pDef.Name = "partner"
		partner := mustUpsertSource(t, st, pDef)
		atHome := func(guid string) *feeds.Article {
			a := article(guid, t0, "world")
			a.URL = "https://wire.example/"
			return a
		}
		home := string(newsroom.LinkKey("https://wire.example/"))
		save := func(srcID int64, its ...newsroom.PassItem) newsroom.PassResult {
			return mustSavePass(t, st, newsroom.Pass{SourceID: srcID, Items: its})
		}
		// onPage is an item of a document whose other items share its link.
		onPage := func(it newsroom.PassItem) newsroom.PassItem { it.SharesLink = true; return it }

		if res := save(wire.ID, onPage(passItem("wire", "guid:1", "h1", atHome("wire-1"), home, "text-1"))); res.New != 1 {
			t.Fatalf("first item = %+v", res)
		}
		res := save(wire.ID, onPage(passItem("wire", "guid:2", "h2", atHome("wire-2"), home, "text-2")))
		if res.New != 1 || res.Items[0].Merged || res.Items[0].GUID != "wire-2" {
			t.Errorf("a later item at the same link = %+v, want it stored as wire-2", res)
		}
		res = save(wire.ID,
			onPage(passItem("wire", "guid:3", "h3", atHome("wire-3"), home, "text-3")),
			onPage(passItem("wire", "guid:4", "h4", atHome("wire-4"), home, "text-4")))
		if res.New != 2 || res.Items[0].Merged || res.Items[1].Merged {
			t.Errorf("two items at the same link in one pass = %+v, want both stored", res)
		}
		if n, _ := st.CountArticles(ctx); n != 4 {
			t.Errorf("%d articles, want the 4 items", n)
		}

		for _, tc := range []struct {
			name string
			src  int64
			it   newsroom.PassItem
		}{
			{"the source changed the item's GUID", wire.ID,
				onPage(passItem("wire", "guid:1-renamed", "h1", atHome("wire-1-renamed"), home, "text-1"))},
			{"the source changed the item's GUID and text, the item alone at its link", wire.ID,
				passItem("wire", "guid:1-rev2", "h1b", atHome("wire-1-rev2"), home, "text-1, edited")},
			{"an item without a GUID", wire.ID,
				passItem("wire", "hash:x", "hx", atHome("wire-x"), home, "text-x")},
			{"another source at the same link", partner.ID,
				passItem("partner", "guid:p", "hp", atHome("partner-p"), home, "text-p")},
		} {
			res := save(tc.src, tc.it)
			if len(res.Items) != 1 || !res.Items[0].Merged || res.Items[0].GUID != "wire-1" {
				t.Errorf("%s = %+v, want it merged into wire-1", tc.name, res)
			}
		}
		if n, _ := st.CountArticles(ctx); n != 4 {
			t.Errorf("%d articles, want still 4", n)
		}
	})
}

func TestSavePassIsAllOrNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		src := mustUpsertSource(t, st, wireSource())
		bad := article("g-bad", t0) // no category
		_, err := st.SavePass(ctx, newsroom.Pass{SourceID: src.ID, State: newsroom.SourceState{LastAttempt: t0}, Items: []newsroom.PassItem{
			passItem("wire", "guid:ok", "h", article("g-ok", t0, "world")),
			passItem("wire", "guid:bad", "h", bad),
		}})
		if !errors.Is(err, newsroom.ErrInvalid) {
			t.Fatalf("SavePass with an invalid item = %v, want ErrInvalid", err)
		}
		_, err = st.SavePass(ctx, newsroom.Pass{SourceID: src.ID + 100, State: newsroom.SourceState{LastAttempt: t0}, Items: []newsroom.PassItem{
			passItem("wire", "guid:ok", "h", article("g-ok", t0, "world")),
		}})
		if !errors.Is(err, newsroom.ErrNotFound) {
			t.Fatalf("SavePass for an unknown source = %v, want ErrNotFound", err)
		}
		assertEmpty(t, st)
		if got := mustSourceByName(t, st, "wire"); !got.LastAttempt.IsZero() {
			t.Errorf("state written by a failed pass: %+v", got)
		}
	})
}

// A pass saves its items as passes of one item each would, in order: what
// an item finds stored (its history, the story its keys name, its article
// by GUID) includes what the items before it in the same pass wrote.
func TestSavePassItemsSeeTheEarlierItemsOfThePass(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		items := func() []newsroom.PassItem {
			b := article("wire-b", t0.Add(time.Minute), "gulf")
			b.URL = "https://wire.example/b"
			a2 := article("ignored", t0, "economy")
			a2.Title = "نسخة معدلة"
			return []newsroom.PassItem{
				passItem("wire", "guid:a", "ha", article("wire-a", t0, "world"), "link-a", "text-a"),
				passItem("wire", "guid:b", "hb", b, "link-a"),                                        // merged into a by its link
				passItem("wire", "guid:c", "hc", article("wire-c", t0, "world"), "link-c", "text-a"), // same source's text: its own
				passItem("wire", "guid:a", "ha2", a2, "link-a", "text-a"),                            // a again, edited
				passItem("wire", "guid:d", "hd", article("wire-a", t0.Add(time.Hour), "world")),      // a's GUID: updates it
				passItem("wire", "guid:c", "hc", article("wire-c", t0, "world"), "link-c"),           // c again, unchanged
			}
		}
		ctx := context.Background()
		run := func(onePass bool) (outcomes []newsroom.ItemOutcome, known map[string]newsroom.KnownItem, arts []*feeds.Article) {
			st := db.open(t)
			src := mustUpsertSource(t, st, wireSource())
			its := items()
			if onePass {
				outcomes = mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, Items: its}).Items
			} else {
				for _, it := range its {
					outcomes = append(outcomes, mustSavePass(t, st, newsroom.Pass{SourceID: src.ID, Items: []newsroom.PassItem{it}}).Items...)
				}
			}
			known, err := st.KnownItems(ctx, src.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, guid := range []string{"wire-a", "wire-b", "wire-c", "ignored"} {
				a, err := st.Article(ctx, guid)
				if errors.Is(err, newsroom.ErrNotFound) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				arts = append(arts, a)
			}
			return outcomes, known, arts
		}
		oneO, oneK, oneA := run(true)
		eachO, eachK, eachA := run(false)
		if !reflect.DeepEqual(oneO, eachO) {
			t.Errorf("outcomes in one pass:\n%+v\none pass each:\n%+v", oneO, eachO)
		}
		if !reflect.DeepEqual(oneK, eachK) {
			t.Errorf("history in one pass:\n%+v\none pass each:\n%+v", oneK, eachK)
		}
		if !reflect.DeepEqual(oneA, eachA) {
			t.Errorf("articles in one pass:\n%+v\none pass each:\n%+v", oneA, eachA)
		}
		if len(oneA) != 2 || !oneO[1].Merged || oneO[2].Merged || oneO[3].Result != newsroom.Updated {
			t.Errorf("the pass does not show what it tests: outcomes %+v, %d articles", oneO, len(oneA))
		}
	})
}
