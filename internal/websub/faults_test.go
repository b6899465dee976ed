package websub_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/disktest"
	"github.com/newswire/newswire/internal/logtest"
	"github.com/newswire/newswire/internal/websub"
)

// A subscription request that cannot be stored because the database cannot
// be written is the hub's trouble, not the subscriber's, and a passing one:
// 503 with Retry-After and the reason, as the admin API answers, not a bare
// 500 "internal error" the subscriber cannot act on.
func TestSubscribeWhileTheDiskIsFullIsRetryLater(t *testing.T) {
	dir := disktest.Small(t, "1m")
	e := newEnv(t)
	e.hub = e.newHub(openStore(t, filepath.Join(dir, "n.db")))
	disktest.Fill(t, dir)

	for _, mode := range []string{"subscribe", "unsubscribe"} {
		w := e.request(url.Values{"hub.mode": {mode}, "hub.topic": {topicPolitics}, "hub.callback": {"http://127.0.0.1:1/cb"}})
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s on a full disk: %d %q, want 503", mode, w.Code, w.Body)
		}
		if w.Header().Get("Retry-After") == "" {
			t.Errorf("%s on a full disk: no Retry-After", mode)
		}
		if !strings.Contains(w.Body.String(), "disk full") {
			t.Errorf("%s on a full disk: body %q does not say why", mode, w.Body)
		}
	}
}

// While the store stays degraded, the hub's queue run (every poll interval)
// fails the same way each time: logged at error once, then at debug.
func TestRepeatedQueueFaultIsLoggedAtErrorOnce(t *testing.T) {
	dir := disktest.Small(t, "1m")
	logs := &logtest.Buffer{}
	st := openStore(t, filepath.Join(dir, "n.db"))
	e := newEnv(t, func(o *websub.Options) {
		o.PollInterval = 10 * time.Millisecond
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.WriteHealth = st.WriteHealth
	})
	// Queued work, so that each run writes: claiming it fails on the full disk.
	e.hub = e.newHub(st)
	if w := e.request(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicPolitics}, "hub.callback": {"http://127.0.0.1:1/cb"}}); w.Code != http.StatusAccepted {
		t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	disktest.Fill(t, dir)
	h := e.newHub(st)
	h.Start(context.Background())

	// The bound is for a hung test only; the runs are events in the log.
	deadline := time.Now().Add(60 * time.Second)
	for strings.Count(logs.String(), `"level":"DEBUG","msg":"websub queue"`) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("no repeated queue failure logged at debug in 60 s; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(logs.String(), `"level":"ERROR","msg":"websub queue"`); n != 1 {
		t.Errorf("the queue fault was logged at error %d times, want once; log:\n%s", n, logs.String())
	}
}
