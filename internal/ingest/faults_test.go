package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/disktest"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/logtest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// A pass whose items cannot be saved (a full disk: a real tmpfs, which
// needs root) is logged at warn or error with the source's name, whether
// or not recording the failure on the source works.
func TestFailedSaveIsLoggedWithTheSource(t *testing.T) {
	ctx := context.Background()
	// Room for the schema and a first pass of 40 items; Fill takes the rest.
	dir := disktest.Small(t, "2m")
	st, err := store.Open(ctx, filepath.Join(dir, "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &logtest.Buffer{}
	in := ingest.New(st, ingest.Options{Client: fetch.New(fetch.Options{Timeout: 10 * time.Second}),
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	up := newUpstream(t)
	up.set("/feed.xml", route{body: genFeed("first", 40, false, 4<<10)})
	if _, err := st.UpsertSource(ctx, newsroom.Source{Name: "wire-full", URL: up.URL("/feed.xml"), Schedule: "@every 10m",
		Categories: []string{"world"}, Enabled: true, AllowPrivate: true}); err != nil {
		t.Fatal(err)
	}
	// A first pass grows the WAL; after a checkpoint the next writer reuses
	// its space, so on the full disk the small write that records the
	// failure on the source fits while the items do not: the case no log
	// line named.
	if res := in.RunOne(ctx, "wire-full"); res.Err != nil || res.New == 0 {
		t.Fatalf("first pass: %d new, %v", res.New, res.Err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "n.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`PRAGMA wal_checkpoint(RESTART)`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	up.set("/feed.xml", route{body: genFeed("later", 60, false, 16<<10)})
	disktest.Fill(t, dir)

	res := in.RunOne(ctx, "wire-full")
	if res.Err == nil || res.New != 0 {
		t.Fatalf("pass on a full disk: %d new, error %v", res.New, res.Err)
	}
	t.Logf("pass on a full disk: %v", res.Err)
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var rec struct{ Level, Msg, Source, Error string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Source == "wire-full" &&
			(rec.Level == "ERROR" || rec.Level == "WARN") && strings.Contains(rec.Error, "full") {
			return
		}
	}
	t.Errorf("no warn or error line names the source and the full disk; log:\n%s", logs.String())
}

// While the store stays degraded, a source polled again and again fails
// the same way each time (claiming its lease is a write, so no pass runs):
// that is logged at error once per source, with the source, and the
// repeats at debug: a storage fault that repeats is not a new error on
// every poll. The store's own lines say when writes fail and when they
// work again.
func TestRepeatedStorageFaultIsLoggedAtErrorOnce(t *testing.T) {
	ctx := context.Background()
	dir := disktest.Small(t, "1m")
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := store.Open(ctx, filepath.Join(dir, "n.db"), store.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in := ingest.New(st, ingest.Options{Client: fetch.New(fetch.Options{Timeout: 10 * time.Second}), Logger: log,
		WriteHealth: st.WriteHealth})
	up := newUpstream(t)
	up.set("/a.xml", route{body: genFeed("a", 5, false, 1<<10), etag: `"a1"`})
	up.set("/b.xml", route{body: genFeed("b", 5, false, 1<<10), etag: `"b1"`})
	for _, name := range []string{"wire-a", "wire-b"} {
		if _, err := st.UpsertSource(ctx, newsroom.Source{Name: name, URL: up.URL("/" + name[5:] + ".xml"), Schedule: "@every 10m",
			Categories: []string{"world"}, Enabled: true, AllowPrivate: true}); err != nil {
			t.Fatal(err)
		}
		if res := in.RunOne(ctx, name); res.Err != nil || res.New == 0 {
			t.Fatalf("first pass of %s: %d new, %v", name, res.New, res.Err)
		}
	}
	disktest.Fill(t, dir)

	const polls = 5
	for i := 0; i < polls; i++ {
		for _, name := range []string{"wire-a", "wire-b"} {
			res := in.RunOne(ctx, name)
			if !errors.Is(res.Err, newsroom.ErrStorage) {
				t.Skipf("poll %d of %s: claiming the source did not fail on the full disk (%v)", i, name, res.Err)
			}
		}
	}
	errorsBySource, debugRepeats := map[string]int{}, 0
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var rec struct{ Level, Msg, Source string }
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec.Msg != "cannot claim source" {
			continue
		}
		switch rec.Level {
		case "ERROR":
			errorsBySource[rec.Source]++
		case "DEBUG":
			debugRepeats++
		}
	}
	if errorsBySource["wire-a"] != 1 || errorsBySource["wire-b"] != 1 || debugRepeats != 2*(polls-1) {
		t.Errorf("%d polls of two sources on a full disk logged %v at error and %d at debug; "+
			"want each source once at error, the repeats at debug; log:\n%s", polls, errorsBySource, debugRepeats, logs.String())
	}
	if n := strings.Count(logs.String(), `"msg":"database writes fail`); n != 1 {
		t.Errorf("the store said writes fail %d times, want once", n)
	}

	// Once writes work again, the next failure is news again.
	if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3 && !st.WriteHealth().Writable; i++ {
		if err := st.ProbeWrites(ctx); err != nil {
			t.Fatalf("probe with free space: %v", err)
		}
	}
	if !st.WriteHealth().Writable || !strings.Contains(logs.String(), `"msg":"database writes work again"`) {
		t.Fatalf("no recovery after space was freed")
	}
}
