package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/pgtest"
	"github.com/newswire/newswire/internal/store"
)

// Several `newswire serve` processes on one PostgreSQL schema, as a
// newsroom runs them behind a load balancer: real binaries, a loopback
// upstream and a loopback WebSub subscriber. Every wait is for an event,
// bounded by instancesBound for a hung test only; latencies are logged
// (BENCHMARKS.md records them), never asserted.

const (
	instancesToken = "instances-test-token"
	// instancesBound bounds each wait for an event.
	instancesBound = 60 * time.Second
	// deliveryBound bounds the wait for WebSub's last version after a kill:
	// a delivery the killed instance had claimed stays claimed for the hub's
	// hold (its 15 s request timeout and a minute) before a survivor sends
	// it, so this bound must exceed 75 s.
	deliveryBound = 150 * time.Second
	// instancesBase is the public URL every instance is configured with, as
	// behind a load balancer: WebSub topics name it whichever instance
	// takes the subscription or publishes the change.
	instancesBase = "http://news.example"
	// pollPeriod is every source's schedule; leaseTTL is ingest.lease.
	pollPeriod = 2 * time.Second
	leaseTTL   = 3 * time.Second
	nSources   = 20
	slowSource = "slow"
)

// wire is the upstream: it serves a small RSS document for every source at /<name>.rss and
// counts, per source, the requests and how many were in flight at once.
// The slow source's requests block until release (or until the client goes
// away, as a killed instance's connection does); each is announced on
// slowHits.
type wire struct {
	*httptest.Server
	mu          sync.Mutex
	hits        map[string][]time.Time
	inflight    map[string]int
	maxInflight map[string]int
	slowHits    chan time.Time
	release     chan struct{}
	releaseOnce sync.Once
}

func newWire(t *testing.T) *wire {
	u := &wire{hits: map[string][]time.Time{}, inflight: map[string]int{}, maxInflight: map[string]int{},
		slowHits: make(chan time.Time, 100), release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.Close)
	t.Cleanup(u.unblock) // runs first: Close waits for blocked handlers
	return u
}

func (u *wire) unblock() { u.releaseOnce.Do(func() { close(u.release) }) }

func (u *wire) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(path.Base(r.URL.Path), ".rss")
	now := time.Now()
	u.mu.Lock()
	u.hits[name] = append(u.hits[name], now)
	u.inflight[name]++
	u.maxInflight[name] = max(u.maxInflight[name], u.inflight[name])
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		u.inflight[name]--
		u.mu.Unlock()
	}()
	if name == slowSource {
		u.slowHits <- now
		select {
		case <-u.release:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%[1]s</title><link>http://up.example/%[1]s</link><description>%[1]s</description>
<item><title>Story from %[1]s</title><link>http://up.example/%[1]s/1</link><guid>%[1]s-1</guid>
<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><description>The story %[1]s tells, in one line.</description></item>
</channel></rss>`, name)
}

// count returns how many requests for each source started in [from, to].
func (u *wire) count(from, to time.Time) map[string]int {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := map[string]int{}
	for name, ts := range u.hits {
		for _, at := range ts {
			if !at.Before(from) && !at.After(to) {
				out[name]++
			}
		}
	}
	return out
}

func (u *wire) fetched(name string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.hits[name])
}

// callback is a WebSub subscriber: it confirms intents and records the
// feed version of every delivery: the highest n of the items wire-n.
type callback struct {
	*httptest.Server
	verified chan struct{}
	once     sync.Once
	mu       sync.Mutex
	versions []int
}

var wireItem = regexp.MustCompile(`wire-(\d+)$`)

func newCallback(t *testing.T) *callback {
	s := &callback{verified: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if r.URL.Query().Get("hub.mode") == "subscribe" {
				s.once.Do(func() { close(s.verified) })
			}
			io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		var f struct{ Items []struct{ ID string } }
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(body, &f)
		}
		if err != nil {
			t.Errorf("WebSub delivery is no JSON feed: %v\n%s", err, body)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		v := 0
		for _, it := range f.Items {
			if m := wireItem.FindStringSubmatch(it.ID); m != nil {
				n, _ := strconv.Atoi(m[1])
				v = max(v, n)
			}
		}
		s.mu.Lock()
		s.versions = append(s.versions, v)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *callback) received() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.versions)
}

// instancesConfig is the config file every instance reads: the database,
// the public base URL, the admin token, a short lease and the upstream's
// sources, polled every pollPeriod.
func instancesConfig(t *testing.T, dir, db, upstreamURL string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `database: %q
site: {base_url: %q}
admin: {token: %q}
websub: {allow_private_callbacks: true}
limits: {disabled: true}
ingest: {lease: %ds, timeout: 5m, concurrency: 8}
categories:
  - {slug: world}
  - {slug: cross}
  - {slug: walk}
  - {slug: wire}
sources:
`, db, instancesBase, instancesToken, int(leaseTTL/time.Second))
	names := []string{slowSource}
	for i := range nSources {
		names = append(names, fmt.Sprintf("s%02d", i))
	}
	for _, n := range names {
		fmt.Fprintf(&b, "  - {name: %s, url: %q, schedule: \"@every %s\", categories: [world], allow_private: true}\n",
			n, upstreamURL+"/"+n+".rss", pollPeriod)
	}
	p := filepath.Join(dir, "newswire.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// instance is one running serve process and its name.
type instance struct {
	name string
	*serveProc
}

// kill ends the instance with SIGKILL, as a crash or an OOM kill would,
// and waits until it is gone.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-in.done
	in.done <- err
}

// publish POSTs an article to an instance's admin API.
func publish(t *testing.T, base, guid, category string) {
	t.Helper()
	if err := tryPublish(base, guid, category); err != nil {
		t.Fatal(err)
	}
}

// jsonPage is what the tests read of a JSON feed.
type jsonPage struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
	NextURL string `json:"next_url"`
}

func getJSONFeed(t *testing.T, u string) jsonPage {
	t.Helper()
	resp, body := get(t, u)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	var p jsonPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return p
}

// holderOf is the instance holding the source's lease, "" when none.
func holderOf(t *testing.T, st *store.Store, source string) string {
	t.Helper()
	src, err := st.SourceByName(context.Background(), source)
	if err != nil {
		t.Fatal(err)
	}
	return src.ClaimedBy
}

// nextSlowHit waits for the slow source's next request.
func (u *wire) nextSlowHit(t *testing.T, what string) time.Time {
	t.Helper()
	select {
	case at := <-u.slowHits:
		return at
	case <-time.After(instancesBound):
		t.Fatalf("waited %v for %s", instancesBound, what)
	}
	return time.Time{}
}

// startInstances starts serve processes named names on the config.
func startInstances(t *testing.T, bin, config string, names ...string) []*instance {
	t.Helper()
	var out []*instance
	for _, n := range names {
		p := startServe(t, bin, config, "--instance", n)
		if p.base == "" {
			_, err := p.exited()
			t.Fatalf("instance %s did not start: %v\n%s", n, err, p.log())
		}
		out = append(out, &instance{name: n, serveProc: p})
	}
	return out
}

func TestSeveralInstancesOnPostgres(t *testing.T) {
	db := pgtest.FreshSchema(t)
	bin := buildNewswire(t)
	up := newWire(t)
	sub := newCallback(t)
	dir := openDir(t)
	config := instancesConfig(t, dir, db, up.URL)
	ctx := context.Background()

	all := startInstances(t, bin, config, "east", "west", "north")
	// The test reads leases from the database the instances share.
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// The slow source's first request blocks: its holder is the instance
	// that will be killed.
	up.nextSlowHit(t, "the slow source's first request")
	var holder string
	waitFor(t, "the slow source's lease holder", func() bool { holder = holderOf(t, st, slowSource); return holder != "" })
	var victim *instance
	var live []*instance
	for _, in := range all {
		if in.name == holder {
			victim = in
		} else {
			live = append(live, in)
		}
	}
	if victim == nil {
		t.Fatalf("the slow source is held by %q, none of the instances", holder)
	}
	waitFor(t, "every source polled once", func() bool {
		for i := range nSources {
			if up.fetched(fmt.Sprintf("s%02d", i)) == 0 {
				return false
			}
		}
		return true
	})
	windowStart := time.Now()

	t.Run("article posted to one instance is served by the others", func(t *testing.T) {
		publish(t, all[0].base, "cross-1", "cross")
		for _, in := range all[1:] {
			waitFor(t, in.name+" serving cross-1", func() bool {
				p := getJSONFeed(t, in.base+"/feeds/cross.json")
				return len(p.Items) == 1 && strings.HasSuffix(p.Items[0].ID, "cross-1")
			})
		}
	})

	t.Run("since walk across instances sees every article once", func(t *testing.T) {
		walkAcross(t, all)
	})

	// WebSub: subscribed through one instance, articles posted through
	// every instance, the slow source's holder killed mid-burst.
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {instancesBase + "/feeds/wire.json"},
		"hub.callback": {sub.URL + "/cb"}, "hub.lease_seconds": {"3600"}}
	resp, err := http.PostForm(live[0].base+"/websub", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	select {
	case <-sub.verified:
	case <-time.After(instancesBound):
		t.Fatalf("waited %v for the intent's verification", instancesBound)
	}
	// Whichever instance verified the intent, the subscription is stored
	// once its answer is: wait for it to count before publishing.
	waitFor(t, "the subscription stored", func() bool {
		n, err := st.WebSubSubscribers(ctx, time.Now())
		return err == nil && n[instancesBase+"/feeds/wire.json"] == 1
	})

	const burst, killAt = 24, 8
	// The fetch-count window needs enough periods to mean something.
	if rest := windowStart.Add(10 * pollPeriod).Sub(time.Now()); rest > 0 {
		time.Sleep(rest) // a measuring window, not a wait for an event
	}
	var windowEnd, killed time.Time
	for i := 1; i <= burst; i++ {
		targets := all
		if i > killAt {
			targets = live
		}
		publish(t, targets[i%len(targets)].base, fmt.Sprintf("wire-%d", i), "wire")
		if i == killAt {
			windowEnd = time.Now()
			victim.kill(t)
			killed = time.Now()
		}
	}

	t.Run("each source fetched about once per period, never twice at once", func(t *testing.T) {
		checkFetchCounts(t, up, windowStart, windowEnd)
	})

	t.Run("a killed instance's source is taken over", func(t *testing.T) {
		at := up.nextSlowHit(t, "another instance to take the slow source over")
		var by string
		waitFor(t, "the takeover's holder", func() bool { by = holderOf(t, st, slowSource); return by != "" })
		if by == victim.name {
			t.Errorf("the slow source is held by %s, which was killed", by)
		}
		t.Logf("failover: %s from SIGKILL of %s to %s's request for the source (lease %s)",
			at.Sub(killed).Round(time.Millisecond), victim.name, by, leaseTTL)
		up.unblock()
		before := up.fetched(slowSource)
		waitFor(t, "the slow source polled again on schedule", func() bool { return up.fetched(slowSource) > before })
	})

	t.Run("WebSub delivers each version once, in order, the last one too", func(t *testing.T) {
		deadline := time.Now().Add(deliveryBound)
		for !slices.Contains(sub.received(), burst) {
			if time.Now().After(deadline) {
				t.Fatalf("waited %v for version %d; received %v", deliveryBound, burst, sub.received())
			}
			time.Sleep(50 * time.Millisecond)
		}
		checkVersions(t, sub.received(), burst)
	})

	t.Run("no source was fetched by two instances at once", func(t *testing.T) {
		up.mu.Lock()
		defer up.mu.Unlock()
		for name, n := range up.maxInflight {
			if n > 1 {
				t.Errorf("source %s: %d requests in flight at once", name, n)
			}
		}
	})
}

// checkVersions checks the versions a subscriber received: each newer than
// the one before, the last one last. One version may come twice in a row:
// an instance killed between its POST and recording it leaves the delivery
// to be sent again (the contract is at-least-once across such a crash).
func checkVersions(t *testing.T, got []int, last int) {
	t.Helper()
	repeats := 0
	for i := 1; i < len(got); i++ {
		switch {
		case got[i] == got[i-1]:
			repeats++
		case got[i] < got[i-1]:
			t.Errorf("version %d delivered after %d: %v", got[i], got[i-1], got)
		}
	}
	if repeats > 1 {
		t.Errorf("%d versions delivered twice; at most the one in flight at the kill may be: %v", repeats, got)
	}
	if got[len(got)-1] != last {
		t.Errorf("last delivery is version %d, want %d: %v", got[len(got)-1], last, got)
	}
	t.Logf("versions delivered: %v", got)
}

// checkFetchCounts bounds each source's requests in [from, to]. Of the
// polls a source's schedule asks for, each is claimed once (ClaimDueRun on
// the stored next run), and the next run is set one period after the
// attempt, so a window of w holds at most w/period polls and one more at its
// edge. A run may start up to half a period early (ingest's due slack, for a
// tick that started late) and attempts are stored in whole seconds, which
// together may bring one poll forward by most of a period once or twice in
// a window: the bound allows two more. Polling by every instance would
// triple the count.
func checkFetchCounts(t *testing.T, up *wire, from, to time.Time) {
	t.Helper()
	w := to.Sub(from)
	periods := int(w / pollPeriod)
	bound := periods + 3
	counts := up.count(from, to)
	var summary []string
	for i := range nSources {
		name := fmt.Sprintf("s%02d", i)
		n := counts[name]
		summary = append(summary, fmt.Sprintf("%s:%d", name, n))
		if n > bound {
			t.Errorf("source %s fetched %d times in %s (%d periods of %s), want at most %d", name, n, w.Round(time.Millisecond), periods, pollPeriod, bound)
		}
		if n == 0 {
			t.Errorf("source %s not fetched in %s", name, w.Round(time.Millisecond))
		}
	}
	t.Logf("fetches in %s (%d periods): %s", w.Round(time.Millisecond), periods, strings.Join(summary, " "))
}

// walkAcross pulls ?since= pages of the walk category, each page from the
// next instance, while articles are posted through every instance, and
// checks every article is seen exactly once.
func walkAcross(t *testing.T, all []*instance) {
	t.Helper()
	const n = 40
	writerDone := make(chan struct{})
	var writerErr error
	go func() {
		defer close(writerDone)
		for i := 1; i <= n; i++ {
			if err := tryPublish(all[i%len(all)].base, fmt.Sprintf("walk-%d", i), "walk"); err != nil {
				writerErr = err
				return
			}
		}
	}()
	seen := map[string]int{}
	since := "2000-01-01T00:00:00Z"
	deadline := time.Now().Add(instancesBound)
	for page := 0; ; page++ {
		if time.Now().After(deadline) {
			t.Fatalf("walk not done after %v: seen %d of %d", instancesBound, len(seen), n)
		}
		writing := true
		select {
		case <-writerDone:
			writing = false
		default:
		}
		in := all[page%len(all)]
		p := getJSONFeed(t, in.base+"/feeds/walk.json?limit=5&since="+url.QueryEscape(since))
		for _, it := range p.Items {
			seen[it.ID]++
		}
		if p.NextURL != "" {
			nu, err := url.Parse(p.NextURL)
			if err != nil {
				t.Fatal(err)
			}
			since = nu.Query().Get("since")
			continue
		}
		// Caught up on this instance: done once the writer had finished
		// before the page was asked for and every article is there.
		if !writing && len(seen) >= n {
			break
		}
		time.Sleep(20 * time.Millisecond) // pacing the poll of a caught-up walk
	}
	if writerErr != nil {
		t.Fatal(writerErr)
	}
	perArticle := map[int]int{}
	for id, k := range seen {
		m := walkItem.FindStringSubmatch(id)
		if m == nil {
			t.Errorf("walk saw an item it did not post: %s", id)
			continue
		}
		i, _ := strconv.Atoi(m[1])
		perArticle[i] += k
	}
	for i := 1; i <= n; i++ {
		if perArticle[i] != 1 {
			t.Errorf("walk-%d seen %d times", i, perArticle[i])
		}
	}
}

var walkItem = regexp.MustCompile(`walk-(\d+)$`)

// tryPublish POSTs an article to an instance's admin API; for goroutines
// other than the test's.
func tryPublish(base, guid, category string) error {
	body := fmt.Sprintf(`{"guid": %q, "title": "Story %s", "content_html": "<p>The story %s tells.</p>", "categories": [%q]}`,
		guid, guid, guid, category)
	req, err := http.NewRequest(http.MethodPost, base+"/api/articles", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+instancesToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s to %s: %w", guid, base, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s to %s: %d %s", guid, base, resp.StatusCode, b)
	}
	return nil
}

// failoverTrialsEnv, when set to a number, runs TestFailoverTrials: that many
// kills of the instance holding a blocked source's lease, each timed to
// another instance's first request for the source (BENCHMARKS.md). The
// lease is leaseTTL unless NEWSWIRE_FAILOVER_LEASE says otherwise ("30s").
const failoverTrialsEnv = "NEWSWIRE_FAILOVER_TRIALS"

func TestFailoverTrials(t *testing.T) {
	trials, _ := strconv.Atoi(os.Getenv(failoverTrialsEnv))
	if trials <= 0 {
		t.Skip(failoverTrialsEnv + " is not set: a measurement, not a check")
	}
	lease := leaseTTL
	if v := os.Getenv("NEWSWIRE_FAILOVER_LEASE"); v != "" {
		var err error
		if lease, err = time.ParseDuration(v); err != nil {
			t.Fatal(err)
		}
	}
	db := pgtest.FreshSchema(t)
	bin := buildNewswire(t)
	up := newWire(t)
	dir := openDir(t)
	config := filepath.Join(dir, "newswire.yaml")
	cfg := fmt.Sprintf("database: %q\nsite: {base_url: %q}\nwebsub: {disabled: true}\ningest: {lease: %ds, timeout: 30m}\n"+
		"categories: [{slug: world}]\nsources:\n  - {name: %s, url: %q, schedule: \"@every %s\", categories: [world], allow_private: true}\n",
		db, instancesBase, int(lease/time.Second), slowSource, up.URL+"/"+slowSource+".rss", pollPeriod)
	if err := os.WriteFile(config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	byName := map[string]*instance{}
	for _, in := range startInstances(t, bin, config, "i0", "i1", "i2") {
		byName[in.name] = in
	}
	up.nextSlowHit(t, "the slow source's first request")
	var times []time.Duration
	for trial := range trials {
		var holder string
		waitFor(t, "the slow source's holder", func() bool { holder = holderOf(t, st, slowSource); return holder != "" })
		victim := byName[holder]
		if victim == nil {
			t.Fatalf("held by %q, no running instance", holder)
		}
		victim.kill(t)
		killed := time.Now()
		delete(byName, holder)
		at := up.nextSlowHit(t, "the takeover")
		times = append(times, at.Sub(killed))
		name := fmt.Sprintf("i%d", trial+3)
		byName[name] = startInstances(t, bin, config, name)[0]
	}
	sorted := slices.Clone(times)
	slices.Sort(sorted)
	t.Logf("failover over %d trials, lease %s: median %s, max %s; all %v", trials, lease,
		sorted[len(sorted)/2].Round(time.Millisecond), sorted[len(sorted)-1].Round(time.Millisecond), times)
}
