package server

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
)

// Several instances share one PostgreSQL database. Each polls the version
// rows (the truth), and a version bump also notifies the others, so a
// change made through instance A is served by instance B long before B's
// next poll. These tests give B an hour between polls: only a wake-up can
// explain B serving a change.

// instance is one newswire instance: its own store (its own pool) over a
// shared schema, and its own server.
type instance struct {
	st  *store.Store
	srv *Server
}

// openInstance opens a store on loc and starts a server on it whose
// watcher polls every poll and, if listen is not empty, listens for
// changes on listen (a URL of the same schema).
func openInstance(tb testing.TB, loc, listen string, poll time.Duration) *instance {
	tb.Helper()
	st := mustOpen(tb, loc)
	opts := Options{BaseURL: "https://news.example", Language: "ar", WatchInterval: poll}
	if listen != "" {
		l, err := store.NewListener(listen, nil)
		if err != nil {
			tb.Fatal(err)
		}
		opts.Notifier = l
	}
	srv := New(st, opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	srv.StartWatcher(ctx)
	tb.Cleanup(func() {
		cancel()
		_ = srv.Close(context.Background())
	})
	return &instance{st: st, srv: srv}
}

// feed returns the politics feed as the instance serves it.
func (in *instance) feed(tb testing.TB) []byte {
	tb.Helper()
	rec := httptest.NewRecorder()
	in.srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feeds/politics.json", nil))
	if rec.Code != http.StatusOK {
		tb.Fatalf("feed: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// serves reports whether the instance's politics feed carries guid.
func (in *instance) serves(tb testing.TB, guid string) bool {
	return bytes.Contains(in.feed(tb), []byte(`"`+guid+`"`))
}

// awaitServed waits until the instance serves guid; the bound only stops
// a broken build from hanging, it measures nothing.
func (in *instance) awaitServed(tb testing.TB, guid string) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); !in.serves(tb, guid); {
		if time.Now().After(deadline) {
			tb.Fatalf("instance B does not serve %s, saved through A, after 30 s", guid)
		}
		time.Sleep(time.Millisecond)
	}
}

// newsAt is an article newer than every one before it (i increasing), so
// it is at the top of the feed however many a run saves.
func newsAt(i int) *feeds.Article {
	a := article(i, "politics")
	a.GUID = fmt.Sprintf("tag:test,2026:instances-%d", i)
	a.Published = fixedNow.Add(-24*time.Hour + time.Duration(i)*time.Second)
	a.Updated = a.Published
	return a
}

// twoInstances opens instances A and B on a fresh schema, with the
// politics category, B polling every bPoll and listening through listen
// (loc itself when listen is ""). It returns them and B's listener
// application name, which finds its backend in pg_stat_activity.
func twoInstances(tb testing.TB, bPoll time.Duration, via func(string) string) (a, b *instance, listener string) {
	tb.Helper()
	loc := pgtest.FreshSchema(tb)
	a = openInstance(tb, loc, "", time.Hour)
	if err := a.st.UpsertCategory(context.Background(), feeds.Category{Slug: "politics", Title: "سياسة"}); err != nil {
		tb.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	listener = "newswire-listener-" + q.Get("search_path")
	q.Set("application_name", listener)
	u.RawQuery = q.Encode()
	listen := u.String()
	if via != nil {
		listen = via(listen)
	}
	b = openInstance(tb, loc, listen, bPoll)
	return a, b, listener
}

// listenerPID waits until the backend of the listener named app is
// listening (its last statement a LISTEN) with a pid other than not, and
// returns that pid.
func listenerPID(tb testing.TB, db *sql.DB, app string, not int) int {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var pid int
		err := db.QueryRow(`SELECT pid FROM pg_stat_activity
			WHERE application_name = $1 AND query LIKE 'LISTEN %' AND pid <> $2`, app, not).Scan(&pid)
		switch {
		case err == nil:
			return pid
		case err != sql.ErrNoRows:
			tb.Fatal(err)
		case time.Now().After(deadline):
			tb.Fatalf("no listener %q listening after 30 s", app)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func adminDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("pgx", os.Getenv(pgtest.Env))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// saveThroughA saves article i through A and waits until B serves it,
// checking first that B did not already (its cache holds the feed).
func saveThroughA(t *testing.T, a, b *instance, i int) {
	t.Helper()
	n := newsAt(i)
	if b.serves(t, n.GUID) {
		t.Fatalf("B serves %s before it is saved", n.GUID)
	}
	if _, err := a.st.SaveArticles(context.Background(), []*feeds.Article{n}); err != nil {
		t.Fatal(err)
	}
	b.awaitServed(t, n.GUID)
}

func TestChangeThroughOneInstanceWakesAnother(t *testing.T) {
	a, b, app := twoInstances(t, time.Hour, nil)
	listenerPID(t, adminDB(t), app, 0)
	// Several changes in turn: one wake-up at connection time cannot
	// explain them all.
	for i := range 3 {
		saveThroughA(t, a, b, i)
	}
}

// A listener whose connection is killed (a PostgreSQL restart, a failover,
// an idle-connection reaper) connects again, and later changes wake B.
func TestKilledListenerReconnects(t *testing.T) {
	a, b, app := twoInstances(t, time.Hour, nil)
	db := adminDB(t)
	saveThroughA(t, a, b, 0)
	for round := range 2 {
		pid := listenerPID(t, db, app, 0)
		var ok bool
		if err := db.QueryRow(`SELECT pg_terminate_backend($1)`, pid).Scan(&ok); err != nil || !ok {
			t.Fatalf("terminate listener %d: %v %v", pid, ok, err)
		}
		listenerPID(t, db, app, pid)
		for i := range 2 {
			saveThroughA(t, a, b, 1+2*round+i)
		}
	}
}

// Notifications are a hint: with the listener cut off from the database
// (and unable to reconnect), B's poll still catches up.
func TestPollCatchesUpWithoutNotifications(t *testing.T) {
	var proxy *pgtest.Proxy
	a, b, app := twoInstances(t, 100*time.Millisecond, func(listen string) string {
		u, err := url.Parse(listen)
		if err != nil {
			t.Fatal(err)
		}
		proxy = pgtest.NewProxy(t, u.Host)
		return proxy.Via(t, listen)
	})
	listenerPID(t, adminDB(t), app, 0)
	proxy.Unplug()
	for i := range 2 {
		saveThroughA(t, a, b, i)
	}
}

// BenchmarkCrossInstance measures how long a change saved through instance
// A takes to be served by instance B: from the call to SaveArticles on A
// to the first response of B's (cached) feed that carries the article, B
// asked every millisecond. "notify" is B woken by the listener (polling
// hourly); "poll-1s" is B without notifications, on the default poll. Run
// 100 trials with:
//
//	NEWSWIRE_TEST_POSTGRES=postgres://… go test -run '^$' -bench CrossInstance -benchtime 100x ./internal/server/
func BenchmarkCrossInstance(b *testing.B) {
	for _, bc := range []struct {
		name   string
		poll   time.Duration
		listen bool
	}{
		{"notify", time.Hour, true},
		{"poll-1s", time.Second, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var a, inB *instance
			if bc.listen {
				var app string
				a, inB, app = twoInstances(b, bc.poll, nil)
				listenerPID(b, adminDB(b), app, 0)
			} else {
				loc := pgtest.FreshSchema(b)
				a = openInstance(b, loc, "", time.Hour)
				if err := a.st.UpsertCategory(context.Background(), feeds.Category{Slug: "politics", Title: "سياسة"}); err != nil {
					b.Fatal(err)
				}
				inB = openInstance(b, loc, "", bc.poll)
			}
			var lat, save []time.Duration
			i := 0
			for b.Loop() {
				n := newsAt(i)
				i++
				inB.feed(b) // cached at the current version
				if !bc.listen {
					// Trials would otherwise fall into step with B's
					// ticker and all wait the same time.
					time.Sleep(rand.N(bc.poll))
				}
				start := time.Now()
				if _, err := a.st.SaveArticles(context.Background(), []*feeds.Article{n}); err != nil {
					b.Fatal(err)
				}
				save = append(save, time.Since(start))
				inB.awaitServed(b, n.GUID)
				lat = append(lat, time.Since(start))
			}
			b.ReportMetric(percentileMS(lat, 50), "p50-ms")
			b.ReportMetric(percentileMS(lat, 99), "p99-ms")
			b.ReportMetric(percentileMS(lat, 100), "max-ms")
			b.ReportMetric(percentileMS(save, 50), "save-p50-ms")
		})
	}
}

// percentileMS is the p-th percentile of ds (nearest rank), in milliseconds.
func percentileMS(ds []time.Duration, p int) float64 {
	ds = slices.Sorted(slices.Values(ds))
	i := max((len(ds)*p+99)/100-1, 0)
	return float64(ds[i].Microseconds()) / 1000
}
