// Package websub is newswire's WebSub hub (W3C Recommendation, 2018): feed
// readers subscribe a callback URL to a topic (one of our feed URLs), the hub
// verifies their intent, and when a topic's feed changes it POSTs the new feed
// to every subscriber, signed when they gave a secret.
//
// Everything the hub has to remember lives in the database: subscriptions,
// requests awaiting verification and the delivery queue. Work is claimed
// through the database, so a restarted process resumes where the last one
// stopped and several instances can share one file without sending the same
// notification twice.
//
// Callbacks are URLs given by strangers, so every request to them goes
// through fetch's SSRF guard, unless Options.AllowPrivateCallbacks lifts it.
package websub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
)

// Store is what the hub needs from storage; *store.Store implements it.
type Store interface {
	RequestWebSub(ctx context.Context, in newsroom.WebSubIntent) (int64, error)
	ClaimWebSubIntents(ctx context.Context, now time.Time, hold time.Duration, limit int) ([]newsroom.WebSubIntent, error)
	ConfirmWebSubIntent(ctx context.Context, id int64, now time.Time) (newsroom.WebSubIntent, error)
	RetryWebSubIntent(ctx context.Context, id, claim int64, next time.Time, lastErr string) error
	DropWebSubIntent(ctx context.Context, id, claim int64) error

	EnqueueWebSubContent(ctx context.Context, topic, contentType string, body []byte, version int64, now time.Time) (int, error)
	ClaimWebSubDeliveries(ctx context.Context, now time.Time, hold time.Duration, limit int) ([]newsroom.WebSubDelivery, error)
	RetryWebSubDelivery(ctx context.Context, subID, claim int64, next time.Time, lastErr string) error
	FinishWebSubDelivery(ctx context.Context, subID, version, claim int64, delivered bool, now time.Time) error
	DeleteWebSubSubscription(ctx context.Context, id, claim int64) error

	PurgeWebSub(ctx context.Context, now time.Time) (int, error)
	WebSubSubscribers(ctx context.Context, now time.Time) (map[string]int, error)
}

// Defaults for zero Options fields.
const (
	DefaultLease        = 10 * 24 * time.Hour
	DefaultMinLease     = time.Hour
	DefaultMaxLease     = 30 * 24 * time.Hour
	DefaultRetryBase    = 30 * time.Second
	DefaultRetryMax     = time.Hour
	DefaultMaxAttempts  = 10
	DefaultVerifyTries  = 3
	DefaultWorkers      = 4
	DefaultTimeout      = 15 * time.Second
	DefaultPollInterval = 5 * time.Second
	DefaultUserAgent    = "newswire-websub (+https://github.com/newswire/newswire)"
)

// MaxSecretLen bounds hub.secret: the Recommendation wants it shorter than
// 200 bytes.
const MaxSecretLen = 199

// Options configures a Hub. Zero fields take the defaults above.
type Options struct {
	// HubURL is the public URL of this hub, sent as rel="hub" with every
	// notification, e.g. https://news.example/websub.
	HubURL string
	// AllowPrivateCallbacks lifts the SSRF guard on callbacks (config
	// websub.allow_private_callbacks): loopback and private addresses are
	// accepted at subscription and dialled.
	AllowPrivateCallbacks bool
	// ValidTopic says which topics exist (our feed URLs). Nil refuses all.
	ValidTopic func(topic string) bool
	// Content returns a topic's current feed, its Content-Type and the
	// version (change number) it was rendered from, exactly: no change
	// committed after that version may show in body, none up to it may be
	// missing. Publish distributes exactly these bytes, and the version keeps
	// renders published by several instances in order.
	Content func(ctx context.Context, topic string) (body []byte, contentType string, version int64, err error)

	// DefaultLease is granted when a subscriber names none; leases asked for
	// outside [MinLease, MaxLease] are brought inside it.
	DefaultLease, MinLease, MaxLease time.Duration
	// A failed delivery is retried after RetryBase, doubling each time up to
	// RetryMax, until MaxAttempts attempts or the end of the lease. A
	// verification that fails for a transient reason (network, 5xx) is tried
	// VerifyAttempts times.
	RetryBase, RetryMax         time.Duration
	MaxAttempts, VerifyAttempts int

	Workers int           // requests to callbacks at once, for verifications and for deliveries each
	Timeout time.Duration // per request to a callback, reading the answer included
	// PollInterval is how often the background loop looks for due work,
	// including work queued by other instances on the same database.
	PollInterval time.Duration
	UserAgent    string
	// Resolver, if set, resolves callback host names (for the guard and for
	// dialling).
	Resolver *net.Resolver

	Now    func() time.Time // the clock; tests drive it
	Logger *slog.Logger     // nil discards
	// WriteHealth, if set, is the store's (store.Store.WriteHealth): while
	// writes fail, a storage fault that repeats is logged at error once.
	WriteHealth func() newsroom.WriteHealth
	// OnDelivery, if set, is called after every delivery attempt (for
	// metrics), from several goroutines at once: ok is true for a 2xx answer.
	// Attempts cut off by shutdown are not reported.
	OnDelivery func(ok bool)
}

func (o *Options) setDefaults() {
	durations := []struct {
		d   *time.Duration
		def time.Duration
	}{
		{&o.DefaultLease, DefaultLease}, {&o.MinLease, DefaultMinLease}, {&o.MaxLease, DefaultMaxLease},
		{&o.RetryBase, DefaultRetryBase}, {&o.RetryMax, DefaultRetryMax},
		{&o.Timeout, DefaultTimeout}, {&o.PollInterval, DefaultPollInterval},
	}
	for _, f := range durations {
		if *f.d <= 0 {
			*f.d = f.def
		}
	}
	o.MinLease = o.MinLease.Truncate(time.Second)
	if o.MinLease < time.Second {
		o.MinLease = time.Second
	}
	o.MaxLease = max(o.MaxLease, o.MinLease)
	o.DefaultLease = min(max(o.DefaultLease, o.MinLease), o.MaxLease)
	o.RetryMax = max(o.RetryMax, o.RetryBase)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.VerifyAttempts <= 0 {
		o.VerifyAttempts = DefaultVerifyTries
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	if o.ValidTopic == nil {
		o.ValidTopic = func(string) bool { return false }
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.OnDelivery == nil {
		o.OnDelivery = func(bool) {}
	}
}

// ErrNoContent means Publish has no Options.Content to ask for a topic's feed.
var ErrNoContent = errors.New("websub: no content source configured")

// Hub is a WebSub hub. ServeHTTP takes (un)subscription requests; Start runs
// verification and distribution in the background; Publish queues a topic's
// new content. It is safe for concurrent use.
type Hub struct {
	st     Store
	opts   Options
	log    *slog.Logger
	client *http.Client

	kick     chan struct{} // wakes the loop when work was just queued
	stop     chan struct{} // closed by Close: claim no more work
	stopOnce sync.Once
	// work is the context of requests to callbacks: not the one given to
	// Start, so that a shutdown signal lets in-flight deliveries finish
	// (Close cancels it when its own deadline passes).
	work       context.Context
	cancelWork context.CancelFunc
	startOnce  sync.Once
	wg         sync.WaitGroup
	lastPurge  atomic.Int64 // unix seconds of the last purge, by the hub's clock
	faults     *newsroom.FaultLog
}

// NewHub returns a hub over st. Nothing runs until Start.
func NewHub(st Store, opts Options) *Hub {
	opts.setDefaults()
	h := &Hub{
		st:     st,
		opts:   opts,
		log:    opts.Logger,
		faults: newsroom.NewFaultLog(opts.Logger, opts.WriteHealth),
		client: fetch.NewGuardedClient(fetch.GuardOptions{
			AllowPrivate: opts.AllowPrivateCallbacks,
			Timeout:      opts.Timeout,
			Resolver:     opts.Resolver,
			// Callbacks are not followed anywhere: a 3xx is a failed attempt.
			MaxRedirects: 0,
		}),
		kick: make(chan struct{}, 1),
		stop: make(chan struct{}),
	}
	h.work, h.cancelWork = context.WithCancel(context.Background())
	return h
}

// Start runs verifications, deliveries and lease expiry in the background
// until ctx is done or Close is called. Calls after the first do nothing.
func (h *Hub) Start(ctx context.Context) {
	h.startOnce.Do(func() {
		if h.stopping() {
			return // closed already
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			h.loop(ctx)
		}()
	})
}

func (h *Hub) loop(ctx context.Context) {
	t := time.NewTicker(h.opts.PollInterval)
	defer t.Stop()
	for {
		if err := h.runDue(h.work); err != nil && h.work.Err() == nil {
			h.faults.Error("", "websub queue", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-h.stop:
			return
		case <-h.kick:
		case <-t.C:
		}
	}
}

// Close stops claiming work and waits for in-flight verifications and
// deliveries to finish. When ctx ends first, they are cancelled (their
// claims lapse and another run retries them) and Close returns ctx's error.
// The store must stay open until Close returns.
func (h *Hub) Close(ctx context.Context) error {
	h.stopOnce.Do(func() { close(h.stop) })
	done := make(chan struct{})
	go func() {
		h.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("close websub hub: %w", ctx.Err())
	}
	h.cancelWork()
	<-done // cancelled requests return promptly
	h.client.CloseIdleConnections()
	return err
}

func (h *Hub) stopping() bool {
	select {
	case <-h.stop:
		return true
	default:
		return h.work.Err() != nil
	}
}

// wake makes the loop look at the queue now rather than at its next tick.
func (h *Hub) wake() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Publish queues a distribution of each topic's current content (from
// Options.Content) to its active subscribers. Content already queued or
// delivered to a subscriber, or older than that, is not queued, so calling
// it for an unchanged topic, or from several instances noticing the same
// change (each in its own time), sends nothing twice and nothing out of
// order. Topics without subscribers cost no Content call.
func (h *Hub) Publish(ctx context.Context, topics ...string) error {
	if len(topics) == 0 {
		return nil
	}
	counts, err := h.st.WebSubSubscribers(ctx, h.opts.Now())
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	var (
		errs   []error
		queued int
		seen   = make(map[string]bool, len(topics))
	)
	for _, topic := range topics {
		if seen[topic] || counts[topic] == 0 {
			continue
		}
		seen[topic] = true
		if h.opts.Content == nil {
			errs = append(errs, fmt.Errorf("publish %s: %w", topic, ErrNoContent))
			continue
		}
		body, contentType, version, err := h.opts.Content(ctx, topic)
		if err != nil {
			errs = append(errs, fmt.Errorf("publish %s: %w", topic, err))
			continue
		}
		n, err := h.st.EnqueueWebSubContent(ctx, topic, contentType, body, version, h.opts.Now())
		if err != nil {
			errs = append(errs, fmt.Errorf("publish %s: %w", topic, err))
			continue
		}
		if n > 0 {
			h.log.Info("websub content queued", "topic", topic, "subscribers", n, "bytes", len(body))
		}
		queued += n
	}
	if queued > 0 {
		h.wake()
	}
	return errors.Join(errs...)
}

// Subscribers returns the number of active subscriptions per topic (for
// /status); topics without any are absent.
func (h *Hub) Subscribers(ctx context.Context) (map[string]int, error) {
	m, err := h.st.WebSubSubscribers(ctx, h.opts.Now())
	if err != nil {
		return nil, fmt.Errorf("websub subscribers: %w", err)
	}
	return m, nil
}
