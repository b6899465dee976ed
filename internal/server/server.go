// Package server is newswire's HTTP front: category feeds in three formats,
// served from rendered bytes kept in memory, plus the pages people read.
package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/metrics"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/semaphore"
)

// Store is what the server needs from storage. It is satisfied by
// *store.Store; a second implementation (PostgreSQL) only has to provide these.
type Store interface {
	LatestArticles(ctx context.Context, category string, limit int) ([]*feeds.Article, error)
	Article(ctx context.Context, guid string) (*feeds.Article, error)
	Categories(ctx context.Context) ([]feeds.Category, error)
	Category(ctx context.Context, slug string) (feeds.Category, error)
	// Created is when the database was created: the date of all and
	// search while no category exists.
	Created(ctx context.Context) (time.Time, error)
	Versions(ctx context.Context) (map[string]int64, error)
	// FeedChanged is when a category's feed last changed ("" for any
	// category's): the Last-Modified of its documents.
	FeedChanged(ctx context.Context, category string) (time.Time, error)
	Ping(ctx context.Context) error
	Sources(ctx context.Context) ([]newsroom.Source, error)
	Tombstones(ctx context.Context, category string, limit int) ([]feeds.Tombstone, error)
	Changes(ctx context.Context, category string, after newsroom.Since, limit int) ([]newsroom.Change, error)
	ArchivePage(ctx context.Context, category string, before newsroom.Cursor, limit int) ([]*feeds.Article, []newsroom.Cursor, error)
	NthCursor(ctx context.Context, category string, n int) (newsroom.Cursor, bool, error)
	ReleaseEmbargoes(ctx context.Context) (int, error)
	Search(ctx context.Context, q string, limit int) ([]*feeds.Article, error)
	RelatedByTitle(ctx context.Context, titles []string) (map[string]*feeds.Article, error)
	SourceActivity(ctx context.Context, days int) (map[string][]int, error)
}

// Notifier tells the watcher when to read the store's versions sooner
// than its next poll. Wakeups' channel receives whenever the store may have
// changed (several changes may share one wake-up) and is closed once ctx
// is done; a wake-up is only a hint, the versions are the truth.
type Notifier interface {
	Wakeups(ctx context.Context) <-chan struct{}
}

// Options are the server's settings; cmd/newswire copies them from the config.
type Options struct {
	Addr            string       // listen address, e.g. 127.0.0.1:8080
	Listener        net.Listener // if set, Open serves on it instead of listening on Addr
	BaseURL         string       // absolute public URL without trailing slash
	SiteTitle       string
	SiteDescription string
	Language        string        // site language, BCP 47
	CacheMaxAge     time.Duration // Cache-Control max-age on feeds
	// StaleWhileRevalidate and StaleIfError extend that Cache-Control for
	// CDNs (RFC 5861); zero leaves a directive out.
	StaleWhileRevalidate, StaleIfError time.Duration
	DefaultLimit                       int // items per feed without ?limit (default 50)
	MaxLimit                           int // largest accepted ?limit (default 500)
	// WatchInterval is how often the server asks the store whether any
	// category changed, to drop stale rendered feeds. Polling the database
	// (not an in-process signal) is what lets `newswire import` in another
	// process, or another instance, invalidate this one's cache.
	WatchInterval time.Duration
	// Notifier, if set, wakes the watcher between polls when the store may
	// have changed, e.g. another instance wrote to a shared PostgreSQL
	// database (store.Listener). The poll still runs: it catches what
	// wake-ups miss.
	Notifier  Notifier
	RateLimit RateLimit
	Budget    feeds.Budget // size bounds of one feed document
	// FragmentBytes bounds the validated item fragments feeds are
	// assembled from (feeds.Fragments); 0: feeds.DefaultFragmentBytes.
	FragmentBytes int64
	// MaxRenders bounds the documents (feeds, pages, OPML) rendered at
	// once for requests; more wait their turn, first come first served.
	// 0: twice GOMAXPROCS.
	MaxRenders int
	// HubURL is the WebSub hub feeds advertise (ours at /websub, or an
	// external one); empty: none.
	HubURL string
	// Hub, if set, is mounted at POST /websub.
	Hub http.Handler
	// Check, if set, is consulted by /healthz beside the database, e.g.
	// whether the ingestion scheduler runs.
	Check func() error
	// Writes, if set, reports whether the database can be written
	// (store.Store.WriteHealth); /healthz, /healthz/writes and /status show
	// it. Nil: writes are taken to work.
	Writes func() newsroom.WriteHealth
	// AdminToken turns the admin API on; Admin is the store it writes to.
	AdminToken string
	Admin      Admin
	// CheckSource validates a source posted to the admin API (the same
	// rules as the config file's).
	// isNew says whether no source has the name yet. Its errors should be
	// *FieldError naming the JSON field.
	CheckSource func(src newsroom.Source, isNew bool) error
	// Cleaner cleans the articles posted to the admin API: the one built
	// from the config's clean markers, which import and ingestion use too.
	// nil: the built-in markers.
	Cleaner *content.Cleaner
	// Subscribers, if set, reports WebSub subscribers per topic for /status.
	Subscribers func(ctx context.Context) (map[string]int, error)
	// OnChange is called by the watcher with the feed URLs (topics) whose
	// content changed, e.g. to distribute them to WebSub subscribers; once
	// at start with every feed's, so that what changed while no server ran
	// (an import by another process) goes out too. Topics it fails for are
	// offered again on the next tick.
	OnChange func(ctx context.Context, topics []string) error
	Metrics  *metrics.Metrics // nil: no /metrics and no counting
}

func (o *Options) setDefaults() {
	if o.DefaultLimit <= 0 {
		o.DefaultLimit = 50
	}
	if o.MaxLimit <= 0 {
		o.MaxLimit = 500
	}
	// feeds.max_items caps every feed, the default-sized ones too.
	o.DefaultLimit = min(o.DefaultLimit, o.MaxLimit)
	if o.MaxRenders <= 0 {
		o.MaxRenders = 2 * runtime.GOMAXPROCS(0)
	}
	if o.WatchInterval <= 0 {
		o.WatchInterval = time.Second
	}
	if o.SiteTitle == "" {
		o.SiteTitle = "newswire"
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
}

// Server serves newswire's HTTP interface.
type Server struct {
	st    Store
	opts  Options
	log   *slog.Logger
	cache *cache
	// faults logs requests failed by a storage fault once per fault kind
	// while it lasts, not once per request: every request fails with it.
	faults *newsroom.FaultLog
	// frags holds each item rendered and validated once per format and
	// budget variant, for every document that carries it: this instance's
	// own, keyed by the item's content, so nothing needs invalidating.
	frags *feeds.Fragments

	cacheControlHdr []string
	tmpl            *template.Template
	limiter         *limiter
	tokenSum        []byte // sha256 of the admin token
	cleaner         *content.Cleaner
	apiSaveMu       sync.Mutex // one article save at a time: see saveArticles
	sourcesChanged  atomic.Pointer[func()]
	metrics         *metrics.Metrics
	cacheHits       map[feeds.Format]prometheus.Counter // resolved at New
	cacheMisses     map[feeds.Format]prometheus.Counter
	counters        sync.Map // requestLabels -> prometheus.Counter: skips the label hashing per request
	handler         http.Handler
	http            *http.Server
	ln              net.Listener

	cancel context.CancelFunc
	wg     sync.WaitGroup

	announceMu sync.Mutex
	announced  bool          // OnChange has been offered every topic once
	retry      []string      // topics OnChange failed for
	retryAt    time.Time     // not before
	retryDelay time.Duration // the last wait, doubled on each failure
}

// New returns a server over st. Call Open to listen, or use Handler directly.
func New(st Store, opts Options, log *slog.Logger) *Server {
	opts.setDefaults()
	s := &Server{st: st, opts: opts, log: log, cache: newCache(), tmpl: parseTemplates(), metrics: opts.Metrics,
		cleaner: opts.Cleaner, faults: newsroom.NewFaultLog(log, opts.Writes), frags: feeds.NewFragments(opts.FragmentBytes),
	}
	s.cache.turns = semaphore.NewWeighted(int64(opts.MaxRenders))
	if s.cleaner == nil {
		s.cleaner = content.New(content.Options{}) // once, not per request
	}
	if opts.RateLimit.Enabled {
		s.limiter = newLimiter(opts.RateLimit)
	}
	if s.metrics != nil {
		s.cache.onWait = s.metrics.RenderQueue.Add
		s.cacheHits = map[feeds.Format]prometheus.Counter{}
		s.cacheMisses = map[feeds.Format]prometheus.Counter{}
		for _, fm := range feeds.AllFormats() {
			s.cacheHits[fm] = s.metrics.CacheHits.WithLabelValues(fm.Extension())
			s.cacheMisses[fm] = s.metrics.CacheMisses.WithLabelValues(fm.Extension())
		}
	}
	s.cacheControlHdr = []string{cacheControl(opts.CacheMaxAge, opts.StaleWhileRevalidate, opts.StaleIfError)}
	s.handler = s.routes()
	return s
}

// OnSourcesChanged sets what runs after the admin API changed a source
// (e.g. re-syncing the scheduler); it may be set after New.
func (s *Server) OnSourcesChanged(fn func()) { s.sourcesChanged.Store(&fn) }

func (s *Server) notifySourcesChanged() {
	if fn := s.sourcesChanged.Load(); fn != nil {
		(*fn)()
	}
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Open starts listening and serving, and the cache watcher.
func (s *Server) Open(ctx context.Context) error {
	ln := s.opts.Listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.opts.Addr); err != nil {
			return fmt.Errorf("listen %s: %w", s.opts.Addr, err)
		}
	}
	s.ln = ln
	if s.opts.BaseURL == "" {
		// Without a configured public URL, links point at where we listen.
		s.opts.BaseURL = "http://" + ln.Addr().String()
	}
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.StartWatcher(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("serve", "error", err)
		}
	}()
	s.log.Info("listening", "addr", ln.Addr().String(), "base_url", s.opts.BaseURL)
	return nil
}

// Addr is the address the server listens on, once open.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// StartWatcher starts the goroutine that drops rendered feeds whose
// categories changed in the store. Open calls it; tests using Handler may too.
func (s *Server) StartWatcher(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	// Read the versions once before serving: until they are known nothing
	// rendered can be cached. The first announcement of every feed (which
	// may wait on a hub) is the watcher's, not start-up's.
	s.announceMu.Lock()
	first := !s.announced
	s.announced = true
	s.announceMu.Unlock()
	s.refreshVersions(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if first {
			v := s.cache.versionsCopy()
			s.announce(ctx, v, slices.Collect(maps.Keys(v)))
		}
		s.watch(ctx)
	}()
}

// Close stops accepting requests, lets in-flight ones finish until ctx is
// done, and stops the watcher.
func (s *Server) Close(ctx context.Context) error {
	var err error
	if s.http != nil {
		err = s.http.Shutdown(ctx)
	}
	if s.cancel != nil {
		s.cancel()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		err = errors.Join(err, ctx.Err())
	}
	return err
}

// watch polls the versions every WatchInterval, and reads them at once
// when the Notifier wakes it. Wake-ups that arrive during a read coalesce
// into one more read after it.
func (s *Server) watch(ctx context.Context) {
	t := time.NewTicker(s.opts.WatchInterval)
	defer t.Stop()
	var wakeups <-chan struct{}
	if s.opts.Notifier != nil {
		wakeups = s.opts.Notifier.Wakeups(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.refreshVersions(ctx)
		case _, ok := <-wakeups:
			if !ok {
				wakeups = nil // the poll goes on alone
				continue
			}
			// Embargoes fall due with time, not with other writes:
			// the tick releases them.
			s.readVersions(ctx)
		}
	}
}

// refreshVersions releases due embargoes, reads category versions and
// drops what they made stale.
func (s *Server) refreshVersions(ctx context.Context) {
	s.releaseEmbargoes(ctx)
	s.readVersions(ctx)
}

func (s *Server) releaseEmbargoes(ctx context.Context) {
	if n, err := s.st.ReleaseEmbargoes(ctx); err != nil {
		switch {
		case errors.Is(err, newsroom.ErrStorage):
			// Every tick while writes fail: the store logged the fault.
			s.log.Debug("release embargoes", "error", err)
		case ctx.Err() == nil:
			s.log.Warn("release embargoes", "error", err)
		}
	} else if n > 0 {
		s.log.Info("embargoes released", "articles", n)
	}
}

// readVersions reads category versions and drops what they made stale.
func (s *Server) readVersions(ctx context.Context) {
	v, err := s.st.Versions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("read category versions", "error", err)
		}
		return
	}
	dropped, changed := s.cache.setVersions(v)
	if dropped > 0 {
		s.log.Debug("cache invalidated", "entries", dropped)
	}
	s.announce(ctx, v, changed)
}

// announce hands OnChange the topics of the changed version keys, every
// topic the first time, and those it failed for last time.
//
// Failed topics wait for a retry that backs off from a second to five
// minutes, so an unreachable hub is not called every tick. The lock guards
// only this state, never the call: a slow hub holds up no other writer.
func (s *Server) announce(ctx context.Context, versions map[string]int64, changed []string) {
	if s.opts.OnChange == nil {
		return
	}
	now := time.Now()
	s.announceMu.Lock()
	if !s.announced { // the first: every feed
		s.announced = true
		changed = slices.Collect(maps.Keys(versions))
	}
	var topics []string
	if len(changed) > 0 {
		topics = s.topicsFor(changed)
	}
	if len(s.retry) > 0 && !now.Before(s.retryAt) {
		topics = append(topics, s.retry...)
		s.retry = nil
	}
	s.announceMu.Unlock()
	slices.Sort(topics)
	topics = slices.Compact(topics)
	if len(topics) == 0 {
		return
	}
	err := s.opts.OnChange(ctx, topics)
	s.announceMu.Lock()
	defer s.announceMu.Unlock()
	if err == nil {
		if len(s.retry) == 0 {
			s.retryDelay = 0
		}
		return
	}
	s.retryDelay = min(max(2*s.retryDelay, time.Second), 5*time.Minute)
	s.retryAt = now.Add(s.retryDelay)
	s.retry = append(s.retry, topics...)
	slices.Sort(s.retry)
	s.retry = slices.Compact(s.retry) // at most every topic once
	if ctx.Err() == nil {
		s.log.Warn("announcing changed feeds failed: will retry", "topics", len(topics), "in", s.retryDelay, "error", err)
	}
}

// topicsFor lists the feed URLs whose content a change to these version
// keys can alter: each changed category's feeds and the "all" feeds.
func (s *Server) topicsFor(deps []string) []string {
	var topics []string
	add := func(slug string) {
		for _, fm := range feeds.AllFormats() {
			topics = append(topics, s.opts.BaseURL+"/feeds/"+slug+"."+fm.Extension())
		}
	}
	for _, d := range deps {
		if d != "" {
			add(d)
		}
	}
	add(allFeed) // any change shows in the all feed
	return topics
}

// Invalidate drops rendered feeds now; a write made by this process calls it
// so its own readers need not wait for the watcher.
func (s *Server) Invalidate(ctx context.Context) { s.refreshVersions(ctx) }

func (s *Server) routes() http.Handler {
	mux := s.mux()
	// An address no route serves: a GET of a page gets the site's 404
	// page; anything else what the routes alone answer (405 with Allow,
	// the plain 404 of feeds, the API's JSON).
	routesAlone := s.mux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && sitePage(r.URL.Path) {
			r.Pattern = "" // counted as matching no route, as before
			s.writeMissingPage(w, r, http.StatusNotFound, "error.no_page", "")
			return
		}
		routesAlone.ServeHTTP(w, r)
	})
	return s.observe(s.feedsFirst(mux)) // "GET" patterns also answer HEAD
}

// feedPattern is the feeds' route as the mux names it (r.Pattern, the
// route label of the request metrics).
const feedPattern = "GET /feeds/{name}"

// feedsFirst answers feed requests before the mux: they are nearly all the
// traffic, and matching them cost the mux about as much as the rest of a
// cached hit's handling. It takes only what the mux would route to
// handleFeed unchanged: GET or HEAD of /feeds/<one clean, unescaped path
// segment>. Anything else (other methods, escaped or unclean paths the mux
// redirects) goes to the mux.
func (s *Server) feedsFirst(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := feedName(r); ok {
			r.Pattern = feedPattern
			s.serveFeed(w, r, name)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// feedName is the {name} of a request feedsFirst takes.
func feedName(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead || r.URL.RawPath != "" {
		return "", false
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/feeds/")
	if !ok || name == "" || name == "." || name == ".." || strings.IndexByte(name, '/') >= 0 {
		return "", false
	}
	return name, true
}

// mux is the server's routes.
func (s *Server) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleIndex)
	mux.HandleFunc(feedPattern, s.handleFeed) // politics.rss | .atom | .json
	mux.HandleFunc("GET /articles/{guid...}", s.handleArticle)
	mux.HandleFunc("GET /categories/{slug}", s.handleCategory)
	mux.HandleFunc("GET /opml", s.handleOPML)
	mux.HandleFunc("GET /status", s.handleStatus)
	mux.HandleFunc("OPTIONS /feeds/{name}", s.handlePreflight)
	mux.HandleFunc("OPTIONS /opml", s.handlePreflight) // aggregators read it cross-origin too
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /healthz/writes", s.handleHealthWrites)
	if s.metrics != nil {
		mux.Handle("GET /metrics", s.metrics.Handler())
	}
	if s.opts.Hub != nil {
		mux.Handle("POST /websub", s.opts.Hub)
	}
	s.apiRoutes(mux)
	return mux
}

// badRequest is a client error whose message is safe to show.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var bad *badRequest
	var se *newsroom.StorageError
	switch {
	case errors.As(err, &se):
		// Nothing is wrong with the request: the same one may work once
		// the fault clears (a feed already rendered is still served).
		s.faults.Error(se.Fault.Reason(), "request failed: storage", err, "path", r.URL.Path)
		w.Header().Set("Retry-After", storageRetryAfter)
		http.Error(w, "storage unavailable: "+se.Fault.String()+": retry later", http.StatusServiceUnavailable)
	case errors.Is(err, newsroom.ErrNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, newsroom.ErrWithdrawn):
		http.Error(w, err.Error(), http.StatusGone)
	case errors.As(err, &bad):
		http.Error(w, bad.Error(), http.StatusBadRequest)
	case r.Context().Err() != nil:
		// The client went away; nothing to tell it.
	default:
		s.log.Error("request failed", "path", r.URL.Path, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

// storageRetryAfter is the Retry-After of answers to requests that failed
// for a storage fault: a few of the store's write probes (every 5 s while writes
// fail) fit in it.
const storageRetryAfter = "30"

// writeHealth is the database's write state; writable when not reported.
func (s *Server) writeHealth() newsroom.WriteHealth {
	if s.opts.Writes == nil {
		return newsroom.WriteHealth{Writable: true}
	}
	return s.opts.Writes()
}

// handleHealth answers 200 while feeds can be served, even when writes fail
// ("degraded", and what fails, in the body): a load balancer must not drop
// an instance that still serves, least of all every instance at once when
// they share a database. /healthz/writes is the check for writes.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Warn("health check", "error", err)
		// An unreachable shared database is every instance's fault at once:
		// a load balancer that dropped them all would take down the feeds
		// they still hold. While there is something to serve, say degraded.
		if n := s.cache.documents(); n > 0 && errors.Is(err, newsroom.ErrStorage) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = fmt.Fprintf(w, "degraded: database unreachable: %v\nserving %d cached documents; others, new articles, ingest and the admin API wait for the database\n", err, n)
			return
		}
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if s.opts.Check != nil {
		if err := s.opts.Check(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if wh := s.writeHealth(); !wh.Writable {
		_, _ = fmt.Fprintf(w, "degraded: %s\nserving stored feeds; new articles, ingest and the admin API wait for writes\n", writesFailing(wh))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// handleHealthWrites answers 503 while database writes fail, 200 when they
// work: for monitors, not load balancers.
func (s *Server) handleHealthWrites(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	wh := s.writeHealth()
	if !wh.Writable {
		w.Header().Set("Retry-After", storageRetryAfter)
		http.Error(w, writesFailing(wh), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// writesFailing says what fails, since when, and why.
func writesFailing(wh newsroom.WriteHealth) string {
	msg := "writes fail"
	if wh.Fault != nil {
		msg += " (" + wh.Fault.Fault.String() + ")"
	}
	if !wh.Since.IsZero() {
		msg += " since " + wh.Since.UTC().Format(time.RFC3339)
	}
	if wh.Fault != nil {
		msg += ": " + wh.Fault.Err.Error()
	}
	return msg
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe counts requests by route, feed format and status, and logs them
// at debug level.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		debug := s.log.Enabled(r.Context(), slog.LevelDebug)
		if s.metrics == nil && !debug {
			next.ServeHTTP(w, r)
			return
		}
		var start time.Time
		if debug {
			start = time.Now()
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if s.metrics != nil {
			route := r.Pattern // set by the mux on this request
			if route == "" {
				route = "none"
			}
			s.requestCounter(route, formatLabel(r.URL.Path), sw.status).Inc()
		}
		if debug {
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"duration", time.Since(start))
		}
	})
}

type requestLabels struct {
	route, format string
	code          int
}

// requestCounter is the request counter for these labels, resolved once.
func (s *Server) requestCounter(route, format string, code int) prometheus.Counter {
	k := requestLabels{route, format, code}
	if c, ok := s.counters.Load(k); ok {
		return c.(prometheus.Counter)
	}
	c := s.metrics.Requests.WithLabelValues(route, format, metrics.Code(code))
	s.counters.Store(k, c)
	return c
}

// formatLabel is the feed format a path asks for, or "" for other routes.
func formatLabel(path string) string {
	if !strings.HasPrefix(path, "/feeds/") {
		return ""
	}
	switch {
	case strings.HasSuffix(path, ".rss"):
		return "rss"
	case strings.HasSuffix(path, ".atom"):
		return "atom"
	case strings.HasSuffix(path, ".json"):
		return "json"
	}
	return "other"
}
