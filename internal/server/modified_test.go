package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/store"
)

// lateStore runs hook (once) just after a feed's articles are read: a
// change that lands while the feed renders.
type lateStore struct {
	*store.Store
	once sync.Once
	hook func()
}

func (l *lateStore) LatestArticles(ctx context.Context, cat string, limit int) ([]*feeds.Article, error) {
	as, err := l.Store.LatestArticles(ctx, cat, limit)
	if l.hook != nil {
		l.once.Do(l.hook)
	}
	return as, err
}

// TestLastModifiedIsNotLaterThanTheContent: a change stored while a feed is
// rendered (after its articles were read) must not date the document that
// lacks it; else a client that sends If-Modified-Since with that date gets
// 304 for the document that has the change.
func TestLastModifiedIsNotLaterThanTheContent(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := fixedNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "n.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "world")}); err != nil {
		t.Fatal(err)
	}
	late := article(2, "world")
	late.GUID = "tag:test,2026:late"
	ls := &lateStore{Store: st}
	ls.hook = func() {
		mu.Lock()
		now = now.Add(time.Hour)
		mu.Unlock()
		if _, err := st.SaveArticles(ctx, []*feeds.Article{late}); err != nil {
			t.Error(err)
		}
	}
	srv := New(ls, Options{BaseURL: "https://news.example", Language: "ar", WatchInterval: time.Hour},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); _ = srv.Close(ctx) })

	get := func(ims string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/feeds/world.rss", nil)
		if ims != "" {
			req.Header.Set("If-Modified-Since", ims)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, body := get("")
	lm := resp.Header.Get("Last-Modified")
	if strings.Contains(body, late.GUID) {
		t.Fatal("the late article is in the render that read the articles before it was stored")
	}
	srv.Invalidate(ctx)
	resp, body = get(lm)
	if resp.StatusCode == http.StatusNotModified {
		t.Fatalf("If-Modified-Since %s (the date served with a document without %s) got 304, "+
			"though the current document has it", lm, late.GUID)
	}
	if !strings.Contains(body, late.GUID) {
		t.Fatalf("current document lacks the late article")
	}
}

// TestLastModifiedNeverGoesBackwards: instances writing to one database do
// not share a clock. A change written by an instance whose clock is behind
// the one that wrote the previous change must not move Last-Modified back:
// every instance would then answer If-Modified-Since by an older date.
func TestLastModifiedNeverGoesBackwards(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "n.db")
	ahead := fixedNow.Add(30 * time.Second)
	behind := fixedNow
	a, err := store.Open(ctx, path, store.WithClock(func() time.Time { return ahead }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := store.Open(ctx, path, store.WithClock(func() time.Time { return behind }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := a.SaveArticles(ctx, []*feeds.Article{article(5, "world")}); err != nil {
		t.Fatal(err)
	}
	f := startFixture(t, a)
	resp, before := f.get(t, "/feeds/world.rss")
	lm, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	// Then instance b, its clock 30 s behind a's, stores a change.
	if _, err := b.SaveArticles(ctx, []*feeds.Article{article(1, "world")}); err != nil {
		t.Fatal(err)
	}
	f.srv.Invalidate(ctx)
	resp, after := f.get(t, "/feeds/world.rss")
	if string(before) == string(after) {
		t.Fatal("document did not change")
	}
	if got, _ := http.ParseTime(resp.Header.Get("Last-Modified")); got.Before(lm) {
		t.Errorf("Last-Modified went backwards: %v, then %v", lm, got)
	}
}

// panicStore panics in FeedChanged once: a render that panics.
type panicStore struct {
	*store.Store
	armed bool
}

func (p *panicStore) FeedChanged(ctx context.Context, cat string) (time.Time, error) {
	if p.armed {
		p.armed = false
		panic("boom")
	}
	return p.Store.FeedChanged(ctx, cat)
}

// TestWebSubRenderThatPanicsGivesItsTurnBack: a render for WebSub that
// panics (recovered by net/http when OnChange runs from an admin request)
// must give its turn back, as a request's render does (do's defers).
func TestWebSubRenderThatPanicsGivesItsTurnBack(t *testing.T) {
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	if _, err := st.SaveArticles(ctx, []*feeds.Article{article(1, "politics")}); err != nil {
		t.Fatal(err)
	}
	ps := &panicStore{Store: st, armed: true}
	srv := New(ps, Options{BaseURL: "https://news.example", Language: "ar", WatchInterval: time.Hour, MaxRenders: 1},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); _ = srv.Close(ctx) })
	func() {
		defer func() { _ = recover() }()
		_, _, _, _ = srv.TopicContent(ctx, "https://news.example/feeds/politics.atom")
	}()
	if !srv.cache.turns.TryAcquire(1) {
		t.Fatal("the only turn is still taken after the WebSub render panicked: every later render waits forever")
	}
	srv.cache.turns.Release(1)
}
