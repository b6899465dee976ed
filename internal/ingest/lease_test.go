package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// leaseBound bounds each wait for an event of the lease tests; no loaded
// machine comes near it.
const leaseBound = 60 * time.Second

// secondInstance opens e's database again, with an ingester of its own
// called name on e's clock: another process on the same file.
func (e *env) secondInstance(name string, opts ...func(*ingest.Options)) (*store.Store, *ingest.Ingester) {
	e.t.Helper()
	st, err := store.Open(context.Background(), e.path, store.WithClock(e.clock.Now))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	o := ingest.Options{Client: fetch.New(fetch.Options{Timeout: time.Minute}), Now: e.clock.Now, Instance: name}
	for _, f := range opts {
		f(&o)
	}
	return st, ingest.New(st, o)
}

// steal gives the source called name's lease to another instance, as one
// that found it lapsed would take it.
func (e *env) steal(name, thief string) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE sources SET claimed_by = ?, claim_token = 42, claimed_until = unixepoch() + 3600
		WHERE name = ? AND claim_token <> 0`, thief, name)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		e.t.Fatalf("steal %s: %d rows, %v", name, n, err)
	}
}

// inFlight counts an upstream's concurrent requests per path.
type inFlight struct {
	mu       sync.Mutex
	now, max map[string]int
	total    map[string]int
}

func (f *inFlight) wrap(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.now[r.URL.Path]++
		f.total[r.URL.Path]++
		f.max[r.URL.Path] = max(f.max[r.URL.Path], f.now[r.URL.Path])
		f.mu.Unlock()
		defer func() { f.mu.Lock(); f.now[r.URL.Path]--; f.mu.Unlock() }()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}
}

// Two instances on one database, whose jobs fire together for every
// source, poll each source once per period, never both at once.
func TestTwoInstancesPollEachSourceOncePerPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.Instance = "a" })
	_, b := e.secondInstance("b")
	f := &inFlight{now: map[string]int{}, max: map[string]int{}, total: map[string]int{}}
	var names []string
	for i := range 6 {
		name := fmt.Sprintf("s%d", i)
		names = append(names, name)
		e.up.set("/"+name, route{handler: f.wrap(genFeed(name, 3, false, 200))})
		e.addSource(name, "/"+name)
	}
	ctx := context.Background()
	const periods = 4
	for p := 1; p <= periods; p++ {
		var wg sync.WaitGroup
		for _, name := range names {
			for _, in := range []*ingest.Ingester{e.in, b} {
				wg.Go(func() { in.Job(name)(ctx) })
			}
		}
		wg.Wait()
		f.mu.Lock()
		for _, name := range names {
			if got := f.total["/"+name]; got != p {
				t.Errorf("period %d: %s fetched %d times in all, want %d", p, name, got, p)
			}
		}
		f.mu.Unlock()
		for _, name := range names {
			if src := e.source(name); src.ClaimedBy != "" {
				t.Errorf("period %d: %s still held by %q after its pass", p, name, src.ClaimedBy)
			}
		}
		e.clock.Advance(10 * time.Minute)
	}
	for _, name := range names {
		if f.max["/"+name] != 1 {
			t.Errorf("%s fetched by %d instances at once", name, f.max["/"+name])
		}
	}
}

// Instances that started at different times tick at different offsets
// in each period: a tick of another instance that comes half an interval
// before the source's next run is not that run, and polling there would
// poll the source at every instance's tick. Each source is polled once per
// period, by the instance whose tick comes first after its next run.
func TestInstancesTickingAtOtherOffsetsPollOncePerPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.Instance = "a" })
	_, b := e.secondInstance("b")
	_, c := e.secondInstance("c")
	f := &inFlight{now: map[string]int{}, max: map[string]int{}, total: map[string]int{}}
	e.up.set("/s", route{handler: f.wrap(genFeed("s", 3, false, 200))})
	e.addSource("s", "/s", func(s *newsroom.Source) { s.Schedule = "@every 10m" })
	ctx := context.Background()
	fetched := func() int { f.mu.Lock(); defer f.mu.Unlock(); return f.total["/s"] }
	// a ticks at 0, b 3 minutes later, c 6 minutes later, every 10 minutes.
	const periods = 4
	for p := 1; p <= periods; p++ {
		e.in.Job("s")(ctx)
		e.clock.Advance(3 * time.Minute)
		b.Job("s")(ctx)
		e.clock.Advance(3 * time.Minute)
		c.Job("s")(ctx)
		e.clock.Advance(4 * time.Minute)
		if got := fetched(); got != p {
			t.Fatalf("period %d: fetched %d times in all, want %d", p, got, p)
		}
	}
	// a stops: b's tick, the first after the next run, polls.
	e.clock.Advance(3 * time.Minute)
	b.Job("s")(ctx)
	e.clock.Advance(3 * time.Minute)
	c.Job("s")(ctx)
	if got := fetched(); got != periods+1 {
		t.Errorf("with a stopped: fetched %d times in all, want %d", got, periods+1)
	}
}

// blocking is an upstream path that reports each request's arrival and
// answers only once released (or never, when its client goes away or the
// test ends).
type blocking struct {
	arrived  chan struct{}
	release  chan struct{}
	canceled chan struct{}
	quit     chan struct{}
	body     []byte
}

// newBlocking must be called after newEnv: its cleanup unblocks the
// handler before the upstream server's waits for it.
func newBlocking(t *testing.T, body []byte) *blocking {
	b := &blocking{arrived: make(chan struct{}, 10), release: make(chan struct{}),
		canceled: make(chan struct{}, 10), quit: make(chan struct{}), body: body}
	t.Cleanup(func() { close(b.quit) })
	return b
}

func (b *blocking) handler(w http.ResponseWriter, r *http.Request) {
	b.arrived <- struct{}{}
	select {
	case <-b.release:
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(b.body)
	case <-r.Context().Done():
		b.canceled <- struct{}{}
	case <-b.quit:
	}
}

func waitFor[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(leaseBound):
		t.Fatalf("no %s within %s", what, leaseBound)
	}
	var zero T
	return zero
}

// A pass whose lease another instance took while it fetched writes
// nothing: not its items, not the source's state over the new holder's.
func TestPassWhoseLeaseWasTakenWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) { o.Instance = "a" })
	up := newBlocking(t, genFeed("slow", 3, false, 200))
	e.up.set("/slow", route{handler: up.handler})
	e.addSource("slow", "/slow")
	done := make(chan ingest.Result, 1)
	go func() { done <- e.run("slow") }()
	waitFor(t, up.arrived, "request")
	if src := e.source("slow"); src.ClaimedBy != "a" {
		t.Fatalf("fetching source held by %q, want a", src.ClaimedBy)
	}
	e.steal("slow", "b")
	close(up.release)
	res := waitFor(t, done, "pass result")
	if !errors.Is(res.Err, newsroom.ErrLeaseLost) || res.New != 0 {
		t.Errorf("pass = %+v, want ErrLeaseLost and nothing new", res)
	}
	if n := e.count(); n != 0 {
		t.Errorf("the lost pass stored %d articles", n)
	}
	src := e.source("slow")
	if !src.LastAttempt.IsZero() || !src.NextRun.IsZero() || src.LastError != "" || src.ClaimedBy != "b" {
		t.Errorf("source after the lost pass: attempt %s, next %s, error %q, held by %q",
			src.LastAttempt, src.NextRun, src.LastError, src.ClaimedBy)
	}
}

// A pass that finds, renewing its lease, that another instance took it
// stops fetching at once instead of polling the source alongside it.
func TestLostRenewalStopsThePass(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *ingest.Options) {
		o.Instance, o.Lease = "a", 3*time.Second
		// Longer than leaseBound: only the lost lease can end the fetch in time.
		o.Client = fetch.New(fetch.Options{Timeout: 10 * time.Minute})
	})
	up := newBlocking(t, nil)
	e.up.set("/slow", route{handler: up.handler})
	e.addSource("slow", "/slow")
	done := make(chan ingest.Result, 1)
	go func() { done <- e.run("slow") }()
	waitFor(t, up.arrived, "request")
	e.steal("slow", "b")
	waitFor(t, up.canceled, "cancelled request")
	res := waitFor(t, done, "pass result")
	if !errors.Is(res.Err, newsroom.ErrLeaseLost) {
		t.Errorf("pass = %+v, want ErrLeaseLost", res)
	}
	if src := e.source("slow"); !src.LastAttempt.IsZero() || src.ClaimedBy != "b" {
		t.Errorf("source after the lost pass: attempt %s, held by %q", src.LastAttempt, src.ClaimedBy)
	}
}

const leaseHelperDBEnv = "NEWSWIRE_LEASE_HELPER_DB"

// TestLeaseHelperProcess is the child of TestKilledInstanceIsTakenOver: an
// instance with a short lease that polls one source and waits to be killed.
func TestLeaseHelperProcess(t *testing.T) {
	path := os.Getenv(leaseHelperDBEnv)
	if path == "" {
		t.Skip("helper process for TestKilledInstanceIsTakenOver")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	in := ingest.New(st, ingest.Options{Client: fetch.New(fetch.Options{Timeout: 10 * time.Minute}),
		Instance: "child", Lease: 2 * time.Second})
	fmt.Printf("polling\n")
	res := in.RunOne(ctx, "slow")
	fmt.Fprintf(os.Stderr, "the pass returned: %+v\n", res)
	os.Exit(2)
}

// The sources an instance was polling when it was killed are polled by
// another instance once their leases lapse, whatever their schedule.
func TestKilledInstanceIsTakenOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	up := newBlocking(t, genFeed("slow", 3, false, 200))
	e.up.set("/slow", route{handler: up.handler})
	e.addSource("slow", "/slow", func(s *newsroom.Source) { s.Schedule = "@every 24h" })

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a runaway child's bound
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLeaseHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), leaseHelperDBEnv+"="+e.path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		for sc := bufio.NewScanner(out); sc.Scan(); {
		}
	}()
	waitFor(t, up.arrived, "the child's request")
	if src := e.source("slow"); src.ClaimedBy != "child" {
		t.Fatalf("source held by %q while the child fetches it", src.ClaimedBy)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %s", stderr.String())
	}

	_, survivor := e.secondInstance("survivor", func(o *ingest.Options) { o.Lease = 2 * time.Second })
	results := make(chan ingest.Result, 10)
	survivor.OnResult(func(r ingest.Result) { results <- r })
	tctx, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { survivor.TakeOver(tctx); close(stopped) }()
	defer func() { stop(); <-stopped }()

	waitFor(t, up.arrived, "the survivor's request")
	close(up.release)
	res := waitFor(t, results, "the survivor's pass")
	if res.Err != nil || res.New != 3 {
		t.Errorf("survivor's pass = %+v, want 3 new", res)
	}
	if src := e.source("slow"); src.ClaimedBy != "" || src.LastSuccess.IsZero() {
		t.Errorf("after the takeover: held by %q, last success %s", src.ClaimedBy, src.LastSuccess)
	}
}
