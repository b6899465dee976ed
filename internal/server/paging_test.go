package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// bigArticle is an article of about n bytes of body.
func bigArticle(i, n int) *feeds.Article {
	a := article(i, "world")
	a.ContentHTML = "<p>" + strings.Repeat("كلمة ", n/11) + fmt.Sprint(i) + "</p>"
	return a
}

// bigArticles are articles 0 to n-1 of about size bytes of body each.
func bigArticles(n, size int) []*feeds.Article {
	as := make([]*feeds.Article, n)
	for i := range as {
		as[i] = bigArticle(i, size)
	}
	return as
}

// walked is what a walk over a feed's pages delivered.
type walked struct {
	items  []string // GUIDs, in the order they came
	tombs  []string // withdrawn GUIDs
	pages  int
	bodies []int // each page's size
}

// walk follows rel links ("next" or prev-archive) from path, in any format,
// as a partner or an archive reader does, checking that each page is valid
// that no link leads back to the page it is on, and that only the last page
// may carry nothing.
func walk(t *testing.T, f *fixture, path, rel string) walked {
	t.Helper()
	var w walked
	for path != "" {
		if w.pages++; w.pages > 40 {
			t.Fatalf("more than 40 pages: the walk does not end (at %s)", path)
		}
		resp, body := f.get(t, path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if err := feeds.ValidateErr(body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		doc, err := feeds.Parse(body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		w.bodies = append(w.bodies, len(body))
		for _, it := range doc.Items {
			w.items = append(w.items, it.GUID)
		}
		for _, d := range doc.Deleted {
			w.tombs = append(w.tombs, d.GUID)
		}
		next := relLink(doc, rel)
		if next == "" {
			break
		}
		if len(doc.Items) == 0 && len(doc.Deleted) == 0 {
			t.Errorf("%s: a page that carries nothing, linking on to %s", path, next)
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		if u.RequestURI() == path {
			t.Fatalf("%s links to itself as %s", path, rel)
		}
		path = u.RequestURI()
	}
	return w
}

// walkJSON follows a JSON Feed's next_url, which is the prev-archive link
// of an archive and the next link of a pull, and returns the ids it saw.
func walkJSON(t *testing.T, f *fixture, next string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	for page := 0; next != "" && page < 40; page++ {
		resp, body := f.get(t, next)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", next, resp.StatusCode, body)
		}
		var jf struct {
			NextURL string `json:"next_url"`
			Items   []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &jf); err != nil {
			t.Fatal(err)
		}
		for _, it := range jf.Items {
			seen[it.ID] = true
		}
		next = strings.TrimPrefix(jf.NextURL, "https://news.example")
	}
	return seen
}

// guids are the GUIDs of as, sorted.
func guids(as ...*feeds.Article) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.GUID)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// fixtureWithBudget stores as and serves them within maxBytes a feed.
func fixtureWithBudget(t *testing.T, maxBytes int, as ...*feeds.Article) *fixture {
	t.Helper()
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	if err := st.UpsertCategory(ctx, feeds.Category{Slug: "world", Title: "World"}); err != nil {
		t.Fatal(err)
	}
	if len(as) > 0 {
		if _, err := st.SaveArticles(ctx, as); err != nil {
			t.Fatal(err)
		}
	}
	return startFixtureWith(t, st, func(o *Options) { o.Budget = feeds.Budget{MaxBytes: maxBytes} })
}

// TestPullsDeliverWhatTheBudgetLeftOut: a ?since= pull cut to its byte
// budget links next to the first change it left out, not past every change
// it read, so walking the next links delivers every article and every
// withdrawal, once, in every format.
func TestPullsDeliverWhatTheBudgetLeftOut(t *testing.T) {
	as := bigArticles(30, 20_000)
	f := fixtureWithBudget(t, 200_000, as...)
	ctx := context.Background()
	// Withdrawals, then more articles: tombstones amid the changes.
	withdrawn := []*feeds.Article{as[4], as[17]}
	for _, a := range withdrawn {
		if err := f.st.WithdrawArticle(ctx, a.GUID, "published in error"); err != nil {
			t.Fatal(err)
		}
	}
	later := []*feeds.Article{bigArticle(30, 20_000), bigArticle(31, 20_000), bigArticle(32, 20_000)}
	if _, err := f.st.SaveArticles(ctx, later); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)
	var want []*feeds.Article
	for _, a := range append(as, later...) {
		if !slices.Contains(withdrawn, a) {
			want = append(want, a)
		}
	}
	for _, fm := range feeds.AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			w := walk(t, f, "/feeds/world."+fm.Extension()+"?since=2000-01-01T00:00:00Z", "next")
			if got := sorted(w.items); !slices.Equal(got, guids(want...)) {
				t.Errorf("%d pages delivered %d articles, want all %d once: %v", w.pages, len(got), len(want), got)
			}
			if got := sorted(w.tombs); !slices.Equal(slices.Compact(got), guids(withdrawn...)) {
				t.Errorf("withdrawals delivered: %v, want %v", got, guids(withdrawn...))
			}
			for i, n := range w.bodies {
				if n > 200_000 {
					t.Errorf("page %d: %d bytes, over the budget", i+1, n)
				}
			}
			if w.pages < 3 {
				t.Errorf("%d pages: the budget cut none of them, the test tests nothing", w.pages)
			}
		})
	}
	t.Run("json next_url", func(t *testing.T) {
		seen := walkJSON(t, f, "/feeds/world.json?since=2000-01-01T00:00:00Z&limit=500")
		for _, a := range want {
			if !seen[a.GUID] {
				t.Errorf("%s never delivered", a.GUID)
			}
		}
	})
}

// TestArchivesDeliverWhatTheBudgetLeftOut: a current feed or archive page
// cut to its byte budget links its prev-archive page from right after the
// last item it carries, so walking from the current feed finds every
// article, once, in every format, at the default limit and at another.
func TestArchivesDeliverWhatTheBudgetLeftOut(t *testing.T) {
	as := bigArticles(60, 20_000)
	f := fixtureWithBudget(t, 300_000, as...)
	for _, fm := range feeds.AllFormats() {
		for _, start := range []string{"/feeds/world." + fm.Extension(), "/feeds/world." + fm.Extension() + "?limit=20"} {
			t.Run(start, func(t *testing.T) {
				w := walk(t, f, start, feeds.RelPrevArchive)
				if len(w.items) != len(as) || !slices.Equal(sorted(w.items), guids(as...)) {
					t.Errorf("%d pages carried %d articles, want all %d once: %v", w.pages, len(w.items), len(as), w.items)
				}
				var want []string // article(i) is i hours old: newest first is as's order
				for _, a := range as {
					want = append(want, a.GUID)
				}
				if !slices.Equal(w.items, want) {
					t.Errorf("not in feed order, newest first: %v", w.items)
				}
			})
		}
	}
	t.Run("json next_url", func(t *testing.T) {
		seen := walkJSON(t, f, "/feeds/world.json")
		if len(seen) != len(as) {
			t.Errorf("walking next_url saw %d articles, want %d", len(seen), len(as))
		}
	})
}

// TestPagingPassesWhatNoPageCanCarry: an item too large for a page even on
// its own is left out of the walk, logged and counted, and the walk goes on
// past it to every other item: its cursor is never linked again and again.
// An item too large only beside the page's withdrawals gets a page of its own.
func TestPagingPassesWhatNoPageCanCarry(t *testing.T) {
	const budget = 30_000
	huge := article(0, "world") // the newest, and the first stored
	huge.Summary = strings.Repeat("ملخص طويل ", 4000)
	huge.ContentHTML = "<p>" + huge.Summary + "</p>"
	big := article(1, "world") // fits a page, but not beside 40 withdrawals
	big.Summary = strings.Repeat("ملخص ", 850)
	big.ContentHTML = "<p>" + big.Summary + "</p>"
	as := []*feeds.Article{huge, big}
	for i := 2; i < 14; i++ {
		as = append(as, article(i, "world"))
	}
	// Stored one write after the other, so that a pull, oldest change
	// first, begins with huge, then big.
	f := fixtureWithBudget(t, budget, huge)
	ctx := context.Background()
	for _, batch := range [][]*feeds.Article{{big}, as[2:]} {
		if _, err := f.st.SaveArticles(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	var gone []*feeds.Article
	for i := 14; i < 54; i++ {
		gone = append(gone, article(i, "world"))
	}
	if _, err := f.st.SaveArticles(ctx, gone); err != nil {
		t.Fatal(err)
	}
	for _, a := range gone {
		if err := f.st.WithdrawArticle(ctx, a.GUID, strings.Repeat("سحب الخبر لخطأ فيه. ", 10)); err != nil {
			t.Fatal(err)
		}
	}
	f.srv.Invalidate(ctx)
	for _, fm := range feeds.AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			pull := walk(t, f, "/feeds/world."+fm.Extension()+"?since=2000-01-01T00:00:00Z", "next")
			if !slices.Equal(sorted(pull.items), guids(as[1:]...)) {
				t.Errorf("pull delivered %v, want every article but the one too large", pull.items)
			}
			if !slices.Equal(slices.Compact(sorted(pull.tombs)), guids(gone...)) {
				t.Errorf("pull delivered %d withdrawals, want %d", len(slices.Compact(sorted(pull.tombs))), len(gone))
			}
			archive := walk(t, f, "/feeds/world."+fm.Extension()+"?limit=5", feeds.RelPrevArchive)
			if !slices.Equal(sorted(archive.items), guids(as[1:]...)) {
				t.Errorf("archive walk carried %v, want every article but the one too large", archive.items)
			}
		})
	}
	if log := f.log.String(); !strings.Contains(log, "too-large") || !strings.Contains(log, huge.GUID) {
		t.Errorf("the article left out is not logged by GUID and reason:\n%s", log)
	}
}
