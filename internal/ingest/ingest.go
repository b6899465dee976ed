// Package ingest pulls upstream feeds into the store: one pass per source
// fetches (conditionally), parses with gofeed, recognises unchanged items by
// a hash of the raw item, normalises and sanitises the rest, and saves them
// with the source's new state in one transaction.
//
// A source's failure is recorded on that source (last error, consecutive
// failures, exponential backoff) and never stops the others. How often a
// source is polled is the longest of its schedule, the feed's <ttl>, the
// response's max-age, and the backoff or Retry-After after a failure; Job
// applies it by skipping cron runs before the stored NextRun.
package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
)

// Defaults for zero Options fields.
const (
	DefaultConcurrency   = 4
	DefaultMaxNewPerPass = 60
	DefaultMaxBackoff    = 6 * time.Hour
	DefaultMaxInterval   = 24 * time.Hour
	// DefaultInterval is used for a source with no (or an unreadable) schedule.
	DefaultInterval = 15 * time.Minute
)

// FallbackCategory is given to items of a source that has no categories of
// its own when no rule matches them: the store needs one, and an operator
// can find them there.
const FallbackCategory = feeds.Uncategorized

// ErrDisabled is the Result.Err of a source named to RunAll that is not
// polled: disabled in its definition or by an upstream answer (410 Gone).
var ErrDisabled = errors.New("source disabled")

// Options configure an Ingester. Zero fields take the defaults.
type Options struct {
	Client      *fetch.Client // nil: fetch.New(fetch.Options{})
	Concurrency int           // sources polled at once, by RunAll and Job together
	// MaxNewPerPass bounds the new items one pass publishes per source,
	// newest first; the rest come on later passes (at once in a Job).
	MaxNewPerPass int
	MaxBackoff    time.Duration // ceiling of the failure backoff and of Retry-After
	MaxInterval   time.Duration // ceiling of what <ttl> and max-age may stretch the interval to
	Now           func() time.Time
	Logger        *slog.Logger // nil discards
	// Clean, if set, is the cleaning step run on every new or changed
	// article after sanitising and before storing (issue 4's boilerplate
	// cut, bidi and direction; clean.Cleaner.Article fits with a one-line
	// adapter). It may edit the article in place; an error (clean.ErrEmpty
	// for an article that is only boilerplate) leaves the item unpublished
	// and counted in Result.Dropped. Items it passed are not cleaned again
	// until they change upstream. An upstream summary that is text of its
	// own is cleaned by it too, as the body of a scratch copy of the
	// article; one that is only the start of the body is replaced by a
	// summary of the cleaned body.
	Clean func(*feeds.Article) error
	// Instance names this process to the others on the database, on the
	// leases its passes hold (default DefaultInstance()).
	Instance string
	// Lease is how long a claim on a source lasts unless renewed (default
	// DefaultLease); it is renewed every third of it while a pass runs.
	Lease time.Duration
	// WriteHealth, if set, is the store's (store.Store.WriteHealth): while
	// writes fail, a source's failed save that repeats is logged at error
	// once. Without it every failed save is logged at error.
	WriteHealth func() newsroom.WriteHealth
}

// Result is the outcome of one pass over one source.
type Result struct {
	Source string
	// Unchanged counts the items found stored; a catch-up pass (see Job)
	// counts only those of the batch it took.
	New, Updated, Unchanged int
	// Deferred counts new items held back by MaxNewPerPass. While any are,
	// the pass stores no validators or body hash, so the next poll fetches
	// the document again and takes the next batch.
	Deferred int
	// Dropped counts new or changed items Options.Clean refused.
	Dropped int
	// NotModified: nothing changed upstream. The upstream answered 304, or
	// sent the very bytes whose items the store already has.
	NotModified bool
	Err         error // the pass's error, also recorded on the source
	Duration    time.Duration
	// recorded is false when the pass's outcome could not be stored.
	recorded bool
}

// Store is what ingest needs from storage: the sources, what each has
// delivered, and a place to write a pass. *store.Store implements it, on
// SQLite or PostgreSQL.
type Store interface {
	Sources(ctx context.Context) ([]newsroom.Source, error)
	SourceByName(ctx context.Context, name string) (newsroom.Source, error)
	KnownItems(ctx context.Context, sourceID int64) (map[string]newsroom.KnownItem, error)
	SavePass(ctx context.Context, p newsroom.Pass) (newsroom.PassResult, error)

	// Source leases (see lease.go): times by the database's clock.
	ClaimSource(ctx context.Context, name, holder string, ttl time.Duration) (newsroom.Lease, error)
	ClaimDueRun(ctx context.Context, name, holder string, ttl time.Duration, nextRun time.Time) (newsroom.Lease, error)
	RenewLease(ctx context.Context, l newsroom.Lease, ttl time.Duration) (newsroom.Lease, error)
	ReleaseLease(ctx context.Context, l newsroom.Lease) error
	ClaimLapsedLeases(ctx context.Context, holder string, ttl time.Duration, limit int) ([]newsroom.Lease, error)
}

// Ingester runs ingest passes. It is safe for concurrent use.
type Ingester struct {
	st     Store
	opts   Options
	client *fetch.Client
	log    *slog.Logger
	faults *newsroom.FaultLog // failed saves: the same storage fault once per source at error
	parser *gofeed.Parser     // safe for concurrent use
	sem    chan struct{}      // bounds concurrent passes

	mu       sync.Mutex
	running  map[string]*sync.Mutex // one pass per source at a time
	onChange func()
	onResult func(Result)
	// attempts is, per source, the last attempt this instance recorded
	// (Unix seconds, as stored): whether the source's last attempt was
	// this instance's tells due how early a run may be.
	attempts map[string]int64

	normalized countingHook // test hook: items that went through normalisation
}

// New returns an Ingester over st.
func New(st Store, opts Options) *Ingester {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxNewPerPass <= 0 {
		opts.MaxNewPerPass = DefaultMaxNewPerPass
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxInterval <= 0 {
		opts.MaxInterval = DefaultMaxInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Instance == "" {
		opts.Instance = DefaultInstance()
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	client := opts.Client
	if client == nil {
		client = fetch.New(fetch.Options{})
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := gofeed.NewParser()
	// The image scan parses every item's HTML (a third to half of parse
	// time); images come from enclosures and media:* instead.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	p.KeepOriginalFeed = true // RSS <ttl>, JSON content_text
	return &Ingester{
		st: st, opts: opts, client: client, log: log, parser: p,
		faults:   newsroom.NewFaultLog(log, opts.WriteHealth),
		sem:      make(chan struct{}, opts.Concurrency),
		running:  make(map[string]*sync.Mutex),
		attempts: make(map[string]int64),
	}
}

// parse parses a fetched body with gofeed. A panic inside gofeed becomes
// the source's parse error: v1.4 dereferences a JSON Feed's null items and
// authors, and one upstream must not take the others down with it.
func (in *Ingester) parse(body []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("gofeed failed on this feed (%v): is a JSON Feed item or author null?", r)
		}
	}()
	return in.parser.Parse(bytes.NewReader(body))
}

// OnChange sets fn to be called after passes that created or changed
// articles: after each such pass run by a Job, and once at the end of a
// RunAll that changed anything. It runs on the pass's goroutine.
func (in *Ingester) OnChange(fn func()) {
	in.mu.Lock()
	in.onChange = fn
	in.mu.Unlock()
}

// OnResult sets fn to be called with every Result RunAll and RunOne
// return, as each is ready, and with the Result of every pass a Job runs (a
// Job run that finds the source not due runs no pass). Calls may come from
// several goroutines at once; fn must not block for long.
func (in *Ingester) OnResult(fn func(Result)) {
	in.mu.Lock()
	in.onResult = fn
	in.mu.Unlock()
}

func (in *Ingester) report(r Result) {
	in.mu.Lock()
	fn := in.onResult
	in.mu.Unlock()
	if fn != nil {
		fn(r)
	}
}

func (in *Ingester) changed() {
	in.mu.Lock()
	fn := in.onChange
	in.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// RunAll runs one pass now over every polled source, or over the sources
// named, at most Options.Concurrency at a time, ignoring their NextRun; a
// source another instance is polling is skipped, its Result's Err a
// *newsroom.HeldError that says which instance holds it until when; a
// pass that holds items back is followed by catch-up passes as in Job, and
// a source's Result sums them. Results are in the order of the sources (by
// name, or as named). An unknown name gives a Result whose Err wraps
// newsroom.ErrNotFound, a source that is not polled one wrapping ErrDisabled. The error is non-nil only when the sources
// cannot be listed or no pass could record its outcome.
func (in *Ingester) RunAll(ctx context.Context, names ...string) ([]Result, error) {
	var (
		run     []string // the sources to poll
		results []Result
		idx     []int // results index of each of run
	)
	add := func(name string) {
		idx = append(idx, len(results))
		run = append(run, name)
		results = append(results, Result{Source: name})
	}
	skip := func(r Result) {
		results = append(results, r)
		in.report(r)
	}
	if len(names) == 0 {
		all, err := in.st.Sources(ctx)
		if err != nil {
			return nil, fmt.Errorf("ingest: %w", err)
		}
		for _, s := range all {
			if s.Polled() {
				add(s.Name)
			}
		}
	} else {
		for _, name := range names {
			switch s, err := in.st.SourceByName(ctx, name); {
			case err != nil:
				skip(Result{Source: name, Err: err})
			case !s.Polled():
				skip(Result{Source: name, Err: disabledErr(s)})
			default:
				add(name)
			}
		}
	}

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(in.opts.Concurrency, len(run)) {
		wg.Go(func() {
			for i := range jobs {
				r := in.runAll(ctx, run[i])
				results[idx[i]] = r
				in.report(r)
			}
		})
	}
	for i := range run {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var (
		unrecorded []error
		changed    bool
	)
	polled := 0
	for _, i := range idx {
		r := results[i]
		changed = changed || r.New+r.Updated > 0
		if errors.Is(r.Err, newsroom.ErrLeaseHeld) {
			continue // another instance is polling it
		}
		polled++
		if !r.recorded {
			unrecorded = append(unrecorded, r.Err)
		}
	}
	if changed {
		in.changed()
	}
	if polled > 0 && len(unrecorded) == polled {
		return results, fmt.Errorf("ingest: no source could record its pass: %w", errors.Join(unrecorded...))
	}
	return results, nil
}

// RunOne runs one pass now over the source called name, ignoring its
// NextRun but not its being disabled; items it holds back are left to the
// next pass, which fetches the document again. A source that is not polled
// gives an Err wrapping ErrDisabled, an unknown one newsroom.ErrNotFound.
func (in *Ingester) RunOne(ctx context.Context, name string) Result {
	res := in.runOne(ctx, name)
	in.report(res)
	if res.New+res.Updated > 0 {
		in.changed()
	}
	return res
}

// Job returns the scheduled job of the source called name, for
// schedule.Add. Each run reads the source and polls it only when it is
// polled and due (its NextRun has come), so <ttl>, max-age, backoff and
// Retry-After stretch the cron schedule; a run that finds the source's
// previous pass still going skips. A pass that holds items back
// (MaxNewPerPass) is followed at once by catch-up passes over the document
// it fetched, one batch each, until the upstream's whole window is stored:
// a backlog does not wait for the schedule's next ticks, and the upstream is
// asked once. Of several instances whose jobs fire for the same due run,
// the first to claim it with a free slot polls it; the others skip.
func (in *Ingester) Job(name string) func(ctx context.Context) {
	return func(ctx context.Context) {
		src, err := in.st.SourceByName(ctx, name)
		if err != nil {
			if ctx.Err() == nil {
				in.log.Warn("scheduled source unavailable", "source", name, "error", err)
			}
			return
		}
		if !src.Polled() || !due(src, in.opts.Now(), in.attemptedLast(src)) {
			return
		}
		next := src.NextRun
		in.run(ctx, src.Name, false, claim{due: &next}, in.scheduled)
	}
}

// attemptedLast reports whether src's last attempt is one this instance
// recorded.
func (in *Ingester) attemptedLast(src newsroom.Source) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	at, ok := in.attempts[src.Name]
	return ok && !src.LastAttempt.IsZero() && at == src.LastAttempt.Unix()
}

// noteAttempt records that this instance recorded a pass over the source
// called name attempted at.
func (in *Ingester) noteAttempt(name string, at time.Time) {
	in.mu.Lock()
	in.attempts[name] = at.Unix()
	in.mu.Unlock()
}

// scheduled handles the Result of a pass a Job or TakeOver ran. A run that
// found the source busy here, held by another instance, or its due run
// taken by one, ran no pass and reports nothing.
func (in *Ingester) scheduled(res Result) bool {
	if errors.Is(res.Err, errBusy) || errors.Is(res.Err, newsroom.ErrLeaseHeld) || errors.Is(res.Err, newsroom.ErrRunTaken) {
		return false
	}
	in.report(res)
	if res.New+res.Updated > 0 {
		in.changed()
	}
	return true
}

// errBusy is a Job run's finding that the source's previous pass is still
// going.
var errBusy = errors.New("previous pass still running")

func disabledErr(s newsroom.Source) error {
	if s.DisabledReason != "" {
		return fmt.Errorf("source %s: %w: %s", s.Name, ErrDisabled, s.DisabledReason)
	}
	return fmt.Errorf("source %s: %w", s.Name, ErrDisabled)
}

// runAll runs a pass over the source and the catch-up passes that follow
// one that held items back, as Job does, and sums their results.
func (in *Ingester) runAll(ctx context.Context, name string) Result {
	var sum Result
	first := true
	in.run(ctx, name, true, claim{}, func(r Result) bool {
		if first {
			sum, first = r, false
			return true
		}
		sum.New += r.New
		sum.Updated += r.Updated
		sum.Unchanged += r.Unchanged
		sum.Dropped += r.Dropped
		sum.Deferred, sum.Err = r.Deferred, r.Err
		sum.Duration += r.Duration
		sum.recorded = sum.recorded && r.recorded
		return true
	})
	return sum
}

// runOne runs one pass over the source, waiting for its previous pass.
func (in *Ingester) runOne(ctx context.Context, name string) Result {
	var res Result
	in.run(ctx, name, true, claim{}, func(r Result) bool { res = r; return false })
	return res
}

// run takes the source's lock (waiting for it, or giving up when wait is
// false), then runs passes over the source as stored at each one's start:
// another pass may have run since the caller read it. each gets every
// pass's result; when it returns true and the pass held items back, a
// catch-up pass follows over the same document. Every pass takes its own
// concurrency slot, so other sources get theirs in between. The first pass
// claims the source's lease once it has its slot, as c says; the lease is
// kept across catch-up passes and released by the last one's save (or at
// the end, when no save did).
func (in *Ingester) run(ctx context.Context, name string, wait bool, c claim, each func(Result) bool) {
	in.mu.Lock()
	lock, ok := in.running[name]
	if !ok {
		lock = new(sync.Mutex)
		in.running[name] = lock
	}
	in.mu.Unlock()
	if wait {
		lock.Lock()
	} else if !lock.TryLock() {
		if c.lease != nil {
			in.release(ctx, *c.lease)
		}
		each(Result{Source: name, Err: fmt.Errorf("source %s: %w", name, errBusy)})
		return
	}
	defer lock.Unlock()

	var (
		lk   *keeper
		held *document
	)
	if c.lease != nil {
		lk = in.keep(ctx, *c.lease) // renewed while the pass waits for a slot
	}
	defer func() {
		if lk != nil {
			lk.stop()
		}
	}()
	for {
		res, next := in.passNow(ctx, name, held, c, &lk)
		if !each(res) || next == nil || ctx.Err() != nil {
			return
		}
		held = next
	}
}

// passNow takes a concurrency slot, then the source's lease unless *lk
// holds it already, and runs a pass over the source as stored now.
func (in *Ingester) passNow(ctx context.Context, name string, held *document, c claim, lk **keeper) (Result, *document) {
	select {
	case in.sem <- struct{}{}:
	case <-ctx.Done():
		return Result{Source: name, Err: ctx.Err()}, nil
	}
	defer func() { <-in.sem }()

	if *lk == nil {
		l, err := in.claimLease(ctx, name, c)
		if err != nil {
			if errors.Is(err, newsroom.ErrStorage) && ctx.Err() == nil {
				// Claiming is a write: while writes fail no pass runs, and
				// this is where each source's poll fails, poll after poll.
				in.faults.Error(name, "cannot claim source", err, "source", name)
			}
			return Result{Source: name, Err: err}, nil
		}
		*lk = in.keep(ctx, l)
	}
	k := *lk
	src, err := in.st.SourceByName(k.ctx, name)
	if err != nil {
		return Result{Source: name, Err: err}, nil
	}
	if !src.Polled() {
		return Result{Source: name, Err: disabledErr(src)}, nil
	}
	res, next := in.pass(k.ctx, k, src, held)
	// A recorded pass saved under its lease: the token check proved it.
	if err := k.lost(); err != nil && !res.recorded {
		in.log.Warn("lease lost: pass abandoned, another instance polls the source", "source", name, "error", err)
		res.Err, res.recorded = fmt.Errorf("source %s: %w", name, err), false
		return res, nil
	}
	return res, next
}
