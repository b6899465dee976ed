package server

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/store"
)

// A database without any category yet (a newsroom that declares none and
// has imported nothing) serves all and search dated by when the database
// was created, stored: not 1970, and the same ETag after a restart.
func TestFeedsOfAnEmptyDatabaseAreNotDated1970(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	paths := []string{"/feeds/all.rss", "/feeds/all.atom", "/feeds/all.json", "/feeds/search.atom?q=x"}
	etags := map[string]string{}
	for run := range 2 { // and a restart
		st, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		created, err := st.Created(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if created.Year() < 2000 {
			t.Fatalf("database created %v", created)
		}
		f := startFixture(t, st)
		for _, p := range paths {
			resp, body := f.get(t, p)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", p, resp.StatusCode)
			}
			if lm, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil || !lm.Equal(created) {
				t.Errorf("%s: Last-Modified %q, want when the database was created (%s)", p, resp.Header.Get("Last-Modified"), created)
			}
			if parsed, err := feeds.Parse(body); err != nil {
				t.Errorf("%s: %v", p, err)
			} else if !strings.Contains(p, ".json") && !parsed.Updated.Equal(created) { // JSON Feed has no feed date
				t.Errorf("%s: feed updated %v, want %v", p, parsed.Updated, created)
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
