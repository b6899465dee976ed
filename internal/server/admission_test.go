package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/sync/semaphore"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// gatedStore holds every pull's query until the test lets it go (or
// ends: a failing test must not hang), and counts the queries running at
// once.
type gatedStore struct {
	*store.Store
	entered   chan struct{}
	release   chan struct{}
	open      chan struct{} // closed when the test ends
	running   atomic.Int64
	most      atomic.Int64
	mu        sync.Mutex
	deadlines []time.Time // of each query's context
}

func (g *gatedStore) Changes(ctx context.Context, cat string, after newsroom.Since, limit int) ([]newsroom.Change, error) {
	if d, ok := ctx.Deadline(); ok {
		g.mu.Lock()
		g.deadlines = append(g.deadlines, d)
		g.mu.Unlock()
	}
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for m := g.most.Load(); n > m && !g.most.CompareAndSwap(m, n); m = g.most.Load() {
	}
	g.entered <- struct{}{}
	select {
	case <-g.release:
	case <-g.open:
	}
	return g.Store.Changes(ctx, cat, after, limit)
}

func newGatedServer(t *testing.T, maxRenders int) (*gatedStore, *Server, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	st := mustOpen(t, filepath.Join(t.TempDir(), "n.db"))
	if err := st.UpsertCategory(ctx, feeds.Category{Slug: "politics", Title: "سياسة"}); err != nil {
		t.Fatal(err)
	}
	var as []*feeds.Article
	for i := range 5 {
		as = append(as, article(i, "politics"))
	}
	if _, err := st.SaveArticles(ctx, as); err != nil {
		t.Fatal(err)
	}
	// entered has room for every query a test makes: a query that
	// should have waited is counted, not blocked.
	g := &gatedStore{Store: st, entered: make(chan struct{}, 64), release: make(chan struct{}), open: make(chan struct{})}
	srv := New(g, Options{BaseURL: "https://news.example", Language: "ar", WatchInterval: time.Hour, MaxRenders: maxRenders},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { close(g.open); ts.Close(); _ = srv.Close(context.Background()) })
	return g, srv, ts
}

// getCode sends the status GET url answers with to codes (0: no answer).
func getCode(url string, codes chan<- int) {
	resp, err := http.Get(url)
	if err != nil {
		codes <- 0
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	codes <- resp.StatusCode
}

// waitFor waits for cond, an event another goroutine brings about; the
// bound only ends a test that would otherwise hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// TestRendersWaitTheirTurn: however many pulls arrive at once, at most
// MaxRenders render (and hold a database connection) at a time; the rest
// wait for a turn, and every one is answered.
func TestRendersWaitTheirTurn(t *testing.T) {
	const limit, pulls = 2, 7
	g, srv, ts := newGatedServer(t, limit)
	codes := make(chan int, pulls)
	for i := range pulls {
		go getCode(fmt.Sprintf("%s/feeds/politics.rss?since=2000-01-01T00:00:%02dZ", ts.URL, i), codes)
	}
	for range limit {
		<-g.entered
	}
	// Every other pull has arrived and waits for a turn, none renders.
	waitFor(t, "the other pulls to wait", func() bool { return srv.cache.waiting.Load() == pulls-limit || g.running.Load() > limit })
	if n := g.running.Load(); n > limit {
		t.Fatalf("%d renders at once, limit %d", n, limit)
	}
	go func() {
		for range pulls {
			g.release <- struct{}{}
		}
	}()
	for range pulls - limit {
		<-g.entered
	}
	for range pulls {
		if c := <-codes; c != http.StatusOK {
			t.Errorf("a pull answered %d", c)
		}
	}
	if m := g.most.Load(); m > limit {
		t.Errorf("%d renders ran at once, limit %d", m, limit)
	}
}

// TestAbandonedTurnIsNotSharedFailure: a request that leaves while waiting
// for its turn does not fail a request that had joined its render (same
// document): the render goes ahead for the one still waiting.
func TestAbandonedTurnIsNotSharedFailure(t *testing.T) {
	g, srv, ts := newGatedServer(t, 1)
	joined := make(chan struct{}, 1)
	srv.cache.joined = func(cacheKey) { joined <- struct{}{} }
	path := ts.URL + "/feeds/politics.rss?since=2000-01-01T00:00:00Z"

	// An unrelated pull holds the only turn.
	busy := make(chan int, 1)
	go getCode(ts.URL+"/feeds/politics.rss?since=2001-01-01T00:00:00Z", busy)
	<-g.entered

	// A starts the render of path and waits for a turn; B joins it.
	ctxA, leaveA := context.WithCancel(context.Background())
	doneA := make(chan struct{})
	go func() {
		defer close(doneA)
		req, _ := http.NewRequestWithContext(ctxA, http.MethodGet, path, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	// Turns asked: the unrelated pull's, then A's.
	waitFor(t, "A to wait for a turn", func() bool { return srv.cache.asked.Load() == 2 && srv.cache.waiting.Load() == 1 })
	codeB := make(chan int, 1)
	go getCode(path, codeB)
	<-joined
	leaveA()
	<-doneA
	var wg sync.WaitGroup
	wg.Go(func() {
		g.release <- struct{}{} // the unrelated pull
		<-g.entered             // the render B waits for
		g.release <- struct{}{}
	})
	if c := <-busy; c != http.StatusOK {
		t.Errorf("the unrelated pull answered %d", c)
	}
	if c := <-codeB; c != http.StatusOK {
		t.Errorf("B, which had joined the abandoned render, answered %d", c)
	}
	wg.Wait()
}

// TestRenderTimeIsCountedFromTheTurn: a render's time limit starts when it
// gets its turn, not when its request arrived: a request that waited long
// in the queue still gets the whole renderTimeout to render.
func TestRenderTimeIsCountedFromTheTurn(t *testing.T) {
	g, srv, ts := newGatedServer(t, 1)
	if err := srv.cache.turns.Acquire(context.Background(), 1); err != nil { // the test holds the only turn
		t.Fatal(err)
	}
	code := make(chan int, 1)
	go getCode(ts.URL+"/feeds/politics.rss?since=2000-01-01T00:00:00Z", code)
	waitFor(t, "the pull to wait for a turn", func() bool { return srv.cache.waiting.Load() == 1 })
	turn := time.Now()
	srv.cache.turns.Release(1)
	<-g.entered
	g.release <- struct{}{}
	if c := <-code; c != http.StatusOK {
		t.Fatalf("pull answered %d", c)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.deadlines) == 0 {
		t.Fatal("the render's query had no deadline")
	}
	if d := g.deadlines[0]; d.Before(turn.Add(renderTimeout)) {
		t.Errorf("render deadline %v after its turn, want at least %v", d.Sub(turn), renderTimeout)
	}
}

// TestWebSubRendersTakeTheirTurn: a render for a WebSub publish
// (TopicContent) waits for a turn like a request's, so a change announced
// to many subscribers cannot render past the limit beside the requests.
func TestWebSubRendersTakeTheirTurn(t *testing.T) {
	g, srv, ts := newGatedServer(t, 1)
	busy := make(chan int, 1)
	go getCode(ts.URL+"/feeds/politics.rss?since=2000-01-01T00:00:00Z", busy) // holds the only turn
	<-g.entered

	type result struct {
		body []byte
		ver  int64
		err  error
	}
	done := make(chan result, 1)
	go func() {
		body, _, ver, err := srv.TopicContent(context.Background(), "https://news.example/feeds/politics.atom")
		done <- result{body, ver, err}
	}()
	var early *result
	waitFor(t, "the WebSub render to wait for a turn or finish", func() bool {
		select {
		case r := <-done:
			early = &r
			return true
		default:
			return srv.cache.waiting.Load() == 1
		}
	})
	if early != nil {
		t.Fatalf("TopicContent rendered while the only turn was taken (err %v)", early.err)
	}
	g.release <- struct{}{}
	if c := <-busy; c != http.StatusOK {
		t.Errorf("the pull answered %d", c)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("TopicContent after its turn: %v", r.err)
	}
	if problems := feeds.Validate(r.body); len(problems) > 0 || r.ver == 0 {
		t.Errorf("TopicContent gave version %d and a feed with problems %v", r.ver, problems)
	}
	parsed, err := gofeed.NewParser().ParseString(string(r.body))
	if err != nil || len(parsed.Items) != 5 {
		t.Fatalf("TopicContent's feed: %v, %v", parsed, err)
	}
}

// TestARenderKeepsItsPlaceWhileAnyoneWantsIt: when the request that
// started a render leaves while it waits for its turn, the render keeps its
// place in the queue for the requests that joined it; they are not sent to
// the back, behind requests that came after them.
func TestARenderKeepsItsPlaceWhileAnyoneWantsIt(t *testing.T) {
	c := newCache()
	c.turns = semaphore.NewWeighted(1)
	joined := make(chan struct{}, 1)
	c.joined = func(cacheKey) { joined <- struct{}{} }
	started := make(chan string, 4) // the renders, in the order they run
	finish := make(chan struct{})
	render := func(name string) func(context.Context, int64) (*rendered, error) {
		return func(context.Context, int64) (*rendered, error) {
			started <- name
			<-finish
			return &rendered{}, nil
		}
	}
	key := func(name string) cacheKey { return cacheKey{dep: "politics", name: name + ".rss", limit: 50} }
	bg := context.Background()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(finish) // a failing test lets every render end

	wg.Go(func() { _, _ = c.do(bg, key("u"), render("U")) })
	if got := <-started; got != "U" { // U holds the only turn
		t.Fatalf("first render %s", got)
	}
	ctxA, leaveA := context.WithCancel(bg)
	wg.Go(func() { _, _ = c.do(ctxA, key("p"), render("P, started by A")) })
	waitFor(t, "A to wait for a turn", func() bool { return c.asked.Load() == 2 && c.waiting.Load() == 1 })
	wg.Go(func() { _, _ = c.do(bg, key("q"), render("Q")) })
	waitFor(t, "Q to wait behind A", func() bool { return c.asked.Load() == 3 && c.waiting.Load() == 2 })
	errB := make(chan error, 1)
	wg.Go(func() {
		_, err := c.do(bg, key("p"), render("P, started by B"))
		errB <- err
	})
	<-joined
	leaveA()

	// U ends, then each render in its turn: the one A started, which B
	// still wants, comes before Q, which asked after it.
	finish <- struct{}{}
	var order []string
	for range 2 {
		order = append(order, <-started)
		finish <- struct{}{}
	}
	if order[0] != "P, started by A" {
		t.Errorf("renders after U: %q; the render B joined lost its place when A left", order)
	}
	if err := <-errB; err != nil {
		t.Errorf("B: %v", err)
	}
}

// TestARenderNobodyWantsLeavesTheQueue: once every request that wanted a
// render has left, its wait for a turn ends; it neither holds a place nor
// renders.
func TestARenderNobodyWantsLeavesTheQueue(t *testing.T) {
	c := newCache()
	c.turns = semaphore.NewWeighted(1)
	if err := c.turns.Acquire(context.Background(), 1); err != nil { // the test holds the only turn
		t.Fatal(err)
	}
	joined := make(chan struct{}, 1)
	c.joined = func(cacheKey) { joined <- struct{}{} }
	k := cacheKey{dep: "politics", name: "politics.rss", limit: 50}
	var ran atomic.Bool
	render := func(context.Context, int64) (*rendered, error) { ran.Store(true); return nil, errors.New("rendered") }
	ctxA, leaveA := context.WithCancel(context.Background())
	ctxB, leaveB := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := c.do(ctxA, k, render); errs <- err }()
	waitFor(t, "A to wait for a turn", func() bool { return c.waiting.Load() == 1 })
	go func() { _, err := c.do(ctxB, k, render); errs <- err }()
	<-joined
	leaveA()
	leaveB()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("a request that left got %v, want its context's error", err)
		}
	}
	waitFor(t, "the wait for a turn to end", func() bool { return c.waiting.Load() == 0 })
	c.turns.Release(1)
	if ran.Load() {
		t.Error("a render nobody wanted ran")
	}
}
