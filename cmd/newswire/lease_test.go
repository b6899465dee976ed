package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/store"
)

// `newswire fetch` leaves a source another instance is polling to it: it
// says who holds it, does not fetch it, and does not count it a failure.
func TestFetchSkipsSourcesAnotherInstanceHolds(t *testing.T) {
	var (
		mu   sync.Mutex
		hits = map[string]int{}
	)
	files := http.FileServer(http.Dir("../../testdata/upstream"))
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
categories:
  - {slug: world, title: العالم}
sources:
  - {name: wire, url: %s/arabic.rss, categories: [world], allow_private: true}
  - {name: partner, url: %s/feed.json, categories: [world], allow_private: true}
`, db, up.URL, up.URL))
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}
	if out, errOut, err := run(t, env, "fetch"); err != nil {
		t.Fatalf("first fetch: %v\n%s%s", err, out, errOut)
	}

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.ClaimSource(context.Background(), "wire", "serve-a", 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"fetch"}, {"fetch", "--source", "wire", "--instance", "cron-job"}} {
		out, errOut, err := run(t, env, args...)
		if err != nil {
			t.Errorf("%q: %v\n%s%s", args, err, out, errOut)
		}
		if !strings.Contains(out, "wire: held by serve-a until ") || !strings.Contains(out, ", skipped") {
			t.Errorf("%q output:\n%s", args, out)
		}
	}
	mu.Lock()
	if hits["/arabic.rss"] != 1 || hits["/feed.json"] != 2 {
		t.Errorf("upstream requests %v: want arabic.rss once (the held source skipped), feed.json twice", hits)
	}
	mu.Unlock()
	out, _, err := run(t, env, "sources", "list")
	if err != nil || !strings.Contains(out, "held by serve-a until ") {
		t.Errorf("sources list: %v\n%s", err, out)
	}
}

// The instance name: the flag, else NEWSWIRE_INSTANCE, else host:pid.
func TestInstanceName(t *testing.T) {
	env := map[string]string{}
	m := &Main{Getenv: func(k string) string { return env[k] }}
	if got := m.instanceName(""); got != ingest.DefaultInstance() || !strings.Contains(got, ":") {
		t.Errorf("default instance %q", got)
	}
	env["NEWSWIRE_INSTANCE"] = "from-env"
	if got := m.instanceName(""); got != "from-env" {
		t.Errorf("instance with NEWSWIRE_INSTANCE set: %q", got)
	}
	if got := m.instanceName("from-flag"); got != "from-flag" {
		t.Errorf("instance with --instance: %q", got)
	}
}

// The commands an operator runs against a shared database from anywhere
// (listing, exporting, a one-off fetch) without the serving instances'
// config file, or with an older copy of it, leave the sources that config
// declares alone: only serve, which owns the config, removes the sources it
// no longer declares. Removing them would drop their fetch state and items
// under the running instances.
func TestCommandsWithoutTheConfigKeepItsSources(t *testing.T) {
	up := upstream(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
categories:
  - {slug: world, title: العالم}
sources:
  - {name: wire, url: %s/arabic.rss, categories: [world], allow_private: true}
`, db, up.URL))
	if out, errOut, err := run(t, map[string]string{"NEWSWIRE_CONFIG": cfg}, "fetch"); err != nil {
		t.Fatalf("fetch: %v\n%s%s", err, out, errOut)
	}
	older := writeConfig(t, t.TempDir(), fmt.Sprintf("database: %s\n", db))
	for _, c := range []struct {
		env  map[string]string
		args []string
	}{
		{map[string]string{"NEWSWIRE_DB": db}, []string{"sources", "list"}},
		{map[string]string{"NEWSWIRE_DB": db}, []string{"opml", "export"}},
		{map[string]string{"NEWSWIRE_CONFIG": older}, []string{"sources", "list", "--json"}},
		{map[string]string{"NEWSWIRE_DB": db}, []string{"fetch", "--instance", "cron-job"}},
	} {
		out, errOut, err := run(t, c.env, c.args...)
		if err != nil {
			t.Fatalf("%q: %v\n%s%s", c.args, err, out, errOut)
		}
		if !strings.Contains(out, "/arabic.rss") && !strings.Contains(out, "wire: ") {
			t.Errorf("%q does not show the config's source:\n%s", c.args, out)
		}
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src, err := st.SourceByName(context.Background(), "wire")
	if err != nil {
		t.Fatalf("the config's source after the other commands: %v", err)
	}
	if src.LastSuccess.IsZero() {
		t.Errorf("source %q lost its fetch state: %+v", src.Name, src)
	}
}
