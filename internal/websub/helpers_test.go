package websub_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
	"github.com/newswire/newswire/internal/websub"
)

const (
	hubURL        = "https://news.example/websub"
	topicPolitics = "https://news.example/feeds/politics.rss"
	topicSports   = "https://news.example/feeds/sports.atom"
	rssType       = "application/rss+xml; charset=utf-8"
)

var t0 = time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC)

// clock is the hub's clock, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// feedSet is the server's side of the hub: which topics exist, their
// current bytes and version (the change number, moved by every set).
type feedSet struct {
	mu      sync.Mutex
	feeds   map[string]string
	version int64
	calls   atomic.Int32 // Content calls
}

func (f *feedSet) set(topic, body string) {
	f.mu.Lock()
	f.feeds[topic] = body
	f.version++
	f.mu.Unlock()
}

func (f *feedSet) valid(topic string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.feeds[topic]
	return ok
}

func (f *feedSet) content(_ context.Context, topic string) ([]byte, string, int64, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return []byte(f.feeds[topic]), rssType, f.version, nil
}

// env is one hub on a real SQLite file, with its clock and feeds.
type env struct {
	t     testing.TB
	path  string
	st    *store.Store
	clock *clock
	feeds *feedSet
	hub   *websub.Hub
	opts  websub.Options
	ok    atomic.Int32 // OnDelivery(true) calls
	fail  atomic.Int32 // OnDelivery(false) calls
}

func newEnv(t testing.TB, tweak ...func(*websub.Options)) *env {
	t.Helper()
	e := &env{
		t:     t,
		path:  filepath.Join(t.TempDir(), "n.db"),
		clock: &clock{t: t0},
		feeds: &feedSet{feeds: map[string]string{topicPolitics: rssBody("v1"), topicSports: rssBody("s1")}, version: 1},
	}
	e.st = openStore(t, e.path)
	e.opts = websub.Options{
		HubURL:                hubURL,
		AllowPrivateCallbacks: true,
		ValidTopic:            e.feeds.valid,
		Content:               e.feeds.content,
		Timeout:               time.Minute, // generous: loopback subscribers answer, or hang on purpose
		Now:                   e.clock.Now,
		OnDelivery: func(ok bool) {
			if ok {
				e.ok.Add(1)
			} else {
				e.fail.Add(1)
			}
		},
	}
	for _, f := range tweak {
		f(&e.opts)
	}
	e.hub = e.newHub(e.st)
	return e
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newHub returns another hub with e's options over st (a restart, or a
// second instance).
func (e *env) newHub(st websub.Store) *websub.Hub {
	h := websub.NewHub(st, e.opts)
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		h.Close(ctx)
	})
	return h
}

func rssBody(version string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>سياسة</title>` +
		`<item><guid>` + version + `</guid><title>خبر عاجل ` + version + `</title></item></channel></rss>`
}

// request sends a subscription request to the hub's handler.
func (e *env) request(form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/websub", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	e.hub.ServeHTTP(w, r)
	return w
}

func (e *env) subscribe(topic, callback string, extra ...string) {
	e.t.Helper()
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {callback}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	if w := e.request(form); w.Code != http.StatusAccepted {
		e.t.Fatalf("subscribe: %d %s, want 202", w.Code, w.Body)
	}
}

func (e *env) unsubscribe(topic, callback string) {
	e.t.Helper()
	form := url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {callback}}
	if w := e.request(form); w.Code != http.StatusAccepted {
		e.t.Fatalf("unsubscribe: %d %s, want 202", w.Code, w.Body)
	}
}

func (e *env) runDue() {
	e.t.Helper()
	if err := e.hub.RunDue(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) publish(topics ...string) {
	e.t.Helper()
	if err := e.hub.Publish(context.Background(), topics...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) subscribers() map[string]int {
	e.t.Helper()
	m, err := e.hub.Subscribers(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) queue() []newsroom.WebSubDelivery {
	e.t.Helper()
	q, err := e.st.WebSubQueue(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

// notification is a content distribution a subscriber received.
type notification struct {
	body   []byte
	header http.Header
}

// subscriber is a real WebSub subscriber on loopback. It echoes the
// challenge (unless told otherwise) and records what it receives.
type subscriber struct {
	srv *httptest.Server
	// answer, when set, replaces the echo: it gets the challenge and writes
	// the whole answer.
	answer func(w http.ResponseWriter, challenge string)
	// status gives the status of the n-th notification (from 1); nil: 204.
	status func(n int) int
	// arrived and release, when set, let a test hold a notification in flight.
	arrived chan struct{}
	release chan struct{}

	mu            sync.Mutex
	verifications []url.Values
	notifications []notification
}

func newSubscriber(t *testing.T) *subscriber {
	t.Helper()
	s := &subscriber{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the callback URL: a path and a query of the subscriber's own, which
// the hub must keep.
func (s *subscriber) URL() string { return s.srv.URL + "/cb?sub=7" }

func (s *subscriber) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		s.mu.Lock()
		s.verifications = append(s.verifications, q)
		s.mu.Unlock()
		if s.answer != nil {
			s.answer(w, q.Get("hub.challenge"))
			return
		}
		w.Write([]byte(q.Get("hub.challenge")))
	case http.MethodPost:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if s.arrived != nil {
			s.arrived <- struct{}{}
			select {
			case <-s.release:
			case <-r.Context().Done():
				return
			}
		}
		s.mu.Lock()
		s.notifications = append(s.notifications, notification{body: body, header: r.Header.Clone()})
		n := len(s.notifications)
		s.mu.Unlock()
		code := http.StatusNoContent
		if s.status != nil {
			code = s.status(n)
		}
		w.WriteHeader(code)
	}
}

func (s *subscriber) received() []notification {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notification(nil), s.notifications...)
}

func (s *subscriber) verified() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.verifications...)
}
