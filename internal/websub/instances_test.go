package websub_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
	"github.com/newswire/newswire/internal/websub"
)

// fleet is several instances on one database: a store and a hub each, one
// clock, one set of feeds (what every instance renders from), and one
// subscriber.
type fleet struct {
	t     *testing.T
	clock *clock
	feeds *feedSet
	sts   []*store.Store
	hubs  []*websub.Hub
	sub   *versionSub
	opts  websub.Options
	loc   string // the database's location
}

// onEachBackend runs f with n instances on one PostgreSQL schema (when
// NEWSWIRE_TEST_POSTGRES is set), and with two processes on one SQLite file.
func onEachBackend(t *testing.T, n int, f func(t *testing.T, fl *fleet)) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "n.db")
		f(t, newFleet(t, 2, func(int) string { return path }))
	})
	t.Run("postgres", func(t *testing.T) {
		loc := pgtest.FreshSchema(t)
		f(t, newFleet(t, n, func(int) string { return loc }))
	})
}

func newFleet(t *testing.T, n int, loc func(i int) string) *fleet {
	t.Helper()
	fl := &fleet{
		t:     t,
		clock: &clock{t: t0},
		feeds: &feedSet{feeds: map[string]string{}},
		sub:   newVersionSub(t),
	}
	fl.loc = loc(0)
	fl.feeds.bump(topicPolitics)
	fl.opts = websub.Options{
		HubURL:                hubURL,
		AllowPrivateCallbacks: true,
		ValidTopic:            fl.feeds.valid,
		Content:               fl.feeds.content,
		Timeout:               time.Minute, // generous: a held notification is ended by the test
		Now:                   fl.clock.Now,
	}
	for i := range n {
		fl.add(loc(i))
	}
	return fl
}

// add starts one more instance on the database at loc.
func (fl *fleet) add(loc string) (*store.Store, *websub.Hub) {
	fl.t.Helper()
	st := openStore(fl.t, loc)
	h := websub.NewHub(st, fl.opts)
	fl.sts, fl.hubs = append(fl.sts, st), append(fl.hubs, h)
	return st, h
}

// subscribe subscribes the fleet's subscriber to topic through the first
// hub and verifies it.
func (fl *fleet) subscribe(topic string) {
	fl.t.Helper()
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {fl.sub.srv.URL + "/cb"}}
	r := httptest.NewRequest(http.MethodPost, "/websub", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	fl.hubs[0].ServeHTTP(w, r)
	if w.Code != http.StatusAccepted {
		fl.t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	if err := fl.hubs[0].RunDue(context.Background()); err != nil {
		fl.t.Fatal(err)
	}
	if n, err := fl.hubs[0].Subscribers(context.Background()); err != nil || n[topic] != 1 {
		fl.t.Fatalf("subscribers = %v, %v", n, err)
	}
}

// settle runs every instance's due work until the subscriber holds version
// want and nothing is queued; a generous bound on rounds, not on time.
func (fl *fleet) settle(want int64, hubs ...*websub.Hub) {
	fl.t.Helper()
	for range 1000 {
		for _, h := range hubs {
			if err := h.RunDue(context.Background()); err != nil {
				fl.t.Fatal(err)
			}
		}
		q, err := fl.sts[0].WebSubQueue(context.Background())
		if err != nil {
			fl.t.Fatal(err)
		}
		if got := fl.sub.versions(); len(q) == 0 && len(got) > 0 && got[len(got)-1] == want {
			return
		}
	}
	fl.t.Fatalf("version %d never delivered; the subscriber has %v", want, fl.sub.versions())
}

// bump moves the feeds' version and makes topic's feed name it: what a
// change committed to the database does to a render.
func (f *feedSet) bump(topic string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.version++
	f.feeds[topic] = rssBody("v" + strconv.FormatInt(f.version, 10))
	return f.version
}

// versionSub is a subscriber that records the feed version of every
// notification it acknowledged. hold, when set, keeps the next notification
// in flight: arrived receives, then the notification waits for release (and
// is acknowledged) or for the hub to hang up (and is not).
type versionSub struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     []int64
	hold    bool
	arrived chan int64
	release chan struct{}
}

var guidVersion = regexp.MustCompile(`<guid>v(\d+)</guid>`)

func newVersionSub(t *testing.T) *versionSub {
	t.Helper()
	s := &versionSub{arrived: make(chan int64, 1), release: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *versionSub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		w.Write([]byte(r.URL.Query().Get("hub.challenge")))
		return
	}
	body, err := io.ReadAll(r.Body)
	m := guidVersion.FindSubmatch(body)
	if err != nil || m == nil {
		http.Error(w, fmt.Sprintf("unreadable notification %q: %v", body, err), http.StatusBadRequest)
		return
	}
	v, _ := strconv.ParseInt(string(m[1]), 10, 64)
	s.mu.Lock()
	hold := s.hold
	s.hold = false
	s.mu.Unlock()
	if hold {
		s.arrived <- v
		select {
		case <-s.release:
		case <-r.Context().Done():
			return // the hub hung up: not acknowledged, not received
		}
	}
	s.mu.Lock()
	s.got = append(s.got, v)
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *versionSub) holdNext() { s.mu.Lock(); s.hold = true; s.mu.Unlock() }

func (s *versionSub) versions() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.got...)
}

// increasing reports the first place where got does not grow.
func increasing(got []int64) error {
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			return fmt.Errorf("version %d after %d (notification %d of %v)", got[i], got[i-1], i+1, got)
		}
	}
	return nil
}

// A lagging instance publishes renders older than what another instance
// queued or delivered: its renders are refused. Without versions its bytes
// differ from the last queued ones, so they would be sent: an older feed
// after a newer one, or in place of a newer one still queued.
func TestOlderRenderFromALaggingInstanceIsNotSent(t *testing.T) {
	onEachBackend(t, 2, func(t *testing.T, fl *fleet) {
		fl.subscribe(topicPolitics)
		ctx := context.Background()
		fresh := fl.hubs[1]
		var stale struct {
			body    []byte
			version int64
		}
		opts := fl.opts
		opts.Content = func(context.Context, string) ([]byte, string, int64, error) {
			return stale.body, rssType, stale.version, nil
		}
		lagging := websub.NewHub(openStore(t, fl.loc), opts)
		publish := func(h *websub.Hub) {
			t.Helper()
			if err := h.Publish(ctx, topicPolitics); err != nil {
				t.Fatal(err)
			}
		}
		run := func(h *websub.Hub) {
			t.Helper()
			if err := h.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// v1 and v2 delivered by the fresh instance; the lagging one still
		// renders v1.
		stale.body, _, stale.version, _ = fl.feeds.content(ctx, topicPolitics)
		publish(fresh)
		run(fresh)
		v2 := fl.feeds.bump(topicPolitics)
		publish(fresh)
		run(fresh)
		publish(lagging)
		run(lagging)
		// v3 queued by the fresh instance; the lagging one then renders v2.
		stale.body, _, stale.version, _ = fl.feeds.content(ctx, topicPolitics)
		v3 := fl.feeds.bump(topicPolitics)
		publish(fresh)
		publish(lagging)
		fl.settle(v3, lagging, fresh)
		if got, want := fl.sub.versions(), []int64{v2 - 1, v2, v3}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("subscriber received versions %v, want %v", got, want)
		}
	})
}

// Instances render, publish and deliver at once, each from its own view of
// the feeds: renders reach the queue out of order, and any instance may
// deliver. The subscriber gets each version at most once, in increasing
// order, and the latest in the end.
func TestInstancesDeliverEachVersionOnceInOrder(t *testing.T) {
	onEachBackend(t, 3, func(t *testing.T, fl *fleet) {
		fl.subscribe(topicPolitics)
		ctx := context.Background()
		var wg sync.WaitGroup
		for i, h := range fl.hubs {
			wg.Go(func() {
				for range 15 {
					fl.feeds.bump(topicPolitics)
					if err := h.Publish(ctx, topicPolitics); err != nil {
						t.Errorf("instance %d: publish: %v", i, err)
					}
					if err := h.RunDue(ctx); err != nil {
						t.Errorf("instance %d: run: %v", i, err)
					}
				}
			})
		}
		wg.Wait()
		_, _, last, _ := fl.feeds.content(ctx, topicPolitics)
		fl.settle(last, fl.hubs...)
		got := fl.sub.versions()
		if err := increasing(got); err != nil {
			t.Error(err)
		}
		t.Logf("%d versions published, %d delivered", last, len(got))
	})
}

// An instance dies while its notification is in flight (its context is
// cancelled: the POST is cut before the subscriber acknowledged it). Its
// claim lapses, another instance delivers, and the newest version arrives:
// nothing lost, nothing older after it.
func TestInstanceKilledMidDeliveryLosesNothing(t *testing.T) {
	onEachBackend(t, 3, func(t *testing.T, fl *fleet) {
		fl.subscribe(topicPolitics)
		dying, rest := fl.hubs[0], fl.hubs[1:]
		v1 := fl.feeds.bump(topicPolitics)
		if err := dying.Publish(context.Background(), topicPolitics); err != nil {
			t.Fatal(err)
		}
		fl.sub.holdNext()
		ctx, kill := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- dying.RunDue(ctx) }()
		if got := <-fl.sub.arrived; got != v1 {
			t.Fatalf("in flight: version %d, want %d", got, v1)
		}
		// A newer version is published by another instance while the dying
		// one holds the claim: queued behind it, not sent alongside.
		v2 := fl.feeds.bump(topicPolitics)
		if err := rest[0].Publish(context.Background(), topicPolitics); err != nil {
			t.Fatal(err)
		}
		for _, h := range rest {
			if err := h.RunDue(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if got := fl.sub.versions(); len(got) != 0 {
			t.Fatalf("delivered %v while another instance's claim held", got)
		}
		kill()
		<-done
		fl.clock.Advance(2*fl.opts.Timeout + time.Minute) // past the dead instance's hold
		fl.settle(v2, rest...)
		if got := fl.sub.versions(); len(got) != 1 || got[0] != v2 {
			t.Errorf("subscriber received %v, want only [%d]", got, v2)
		}
	})
}

// An instance loses its database between the subscriber's acknowledgement
// and recording it (its connection is cut through a proxy). That one
// version may come again (at least once across a lost acknowledgement), but
// nothing older follows a newer one and the newest arrives.
func TestInstanceUnpluggedAfterDeliveryLosesNothing(t *testing.T) {
	loc := pgtest.FreshSchema(t)
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	proxy := pgtest.NewProxy(t, u.Host)
	fl := newFleet(t, 2, func(int) string { return loc })
	_, cut := fl.add(proxy.Via(t, loc))
	fl.subscribe(topicPolitics)

	v1 := fl.feeds.bump(topicPolitics)
	if err := cut.Publish(context.Background(), topicPolitics); err != nil {
		t.Fatal(err)
	}
	fl.sub.holdNext()
	done := make(chan error, 1)
	go func() { done <- cut.RunDue(context.Background()) }()
	if got := <-fl.sub.arrived; got != v1 {
		t.Fatalf("in flight: version %d, want %d", got, v1)
	}
	proxy.Unplug()
	close(fl.sub.release) // acknowledged; the instance cannot record it
	<-done                // the failure to record is logged, not returned
	v2 := fl.feeds.bump(topicPolitics)
	if err := fl.hubs[0].Publish(context.Background(), topicPolitics); err != nil {
		t.Fatal(err)
	}
	fl.clock.Advance(2*fl.opts.Timeout + time.Minute)
	fl.settle(v2, fl.hubs[:2]...)
	got := fl.sub.versions()
	if err := increasing(got); err != nil {
		t.Error(err)
	}
	if got[0] != v1 || got[len(got)-1] != v2 {
		t.Errorf("subscriber received %v, want %d then %d", got, v1, v2)
	}
}
