package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/demo"
	"github.com/newswire/newswire/internal/importer"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/metrics"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/schedule"
	"github.com/newswire/newswire/internal/server"
	"github.com/newswire/newswire/internal/store"
	"github.com/newswire/newswire/internal/websub"
)

// tuneGC sets the garbage collector for serving a newsroom of categories
// categories unless GOGC or GOMEMLIMIT say otherwise: each request
// allocates a few KB in net/http while the live heap stays small, so
// collecting at 5× the live heap instead of 2× saves about a tenth of the
// CPU of a cached hit (BENCHMARKS.md), and a soft limit (memoryLimit) keeps
// the heap from growing with it.
func tuneGC(getenv func(string) string, categories int) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit(categories))
	}
}

// memoryLimit is serve's soft memory limit: 48 MiB, in which the live heap
// (caches of rendered feeds and compressed fragments) stays near 25 MB
// with 100,000 articles in a dozen categories (SQLite and the binary's text
// add about 40 MB outside it), and 1 MiB more for each category past 16:
// its current feeds are held in three formats, plain and gzipped (about
// 0.6 MB). A limit below the live heap would have the collector run
// without pause.
func memoryLimit(categories int) int64 {
	return 48<<20 + int64(max(categories-16, 0))<<20
}

// demoCategories are declared when --demo runs without a config naming any.
var demoCategories = []config.Category{
	{Slug: "politics", Title: "سياسة", Description: "أخبار سياسية"},
	{Slug: "world", Title: "World", Description: "World news"},
	{Slug: "economy", Title: "اقتصاد", Description: "أخبار الاقتصاد والأعمال"},
}

// writeProbeEvery is how often serve checks, while database writes fail,
// whether they work again.
const writeProbeEvery = 5 * time.Second

// startupWrites applies the config to the database: its categories and its
// sources. serve runs it at start, or once writes work when the database
// could not be written at start.
func startupWrites(ctx context.Context, st *store.Store, cfg *config.Config) error {
	for _, c := range cfg.Categories {
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: c.Slug, Title: c.Title, Description: c.Description}); err != nil {
			return fmt.Errorf("upsert category %q: %w", c.Slug, err)
		}
	}
	return syncConfigSources(ctx, st, cfg, true)
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := m.newFlagSet("serve", "")
	var cf configFlags
	cf.register(fs, true)
	instanceArg := instanceFlag(fs)
	demo := fs.Bool("demo", false, "start on a fresh database filled with the sample articles")
	demoDir := fs.String("demo-dir", "", "`folder` of articles for --demo instead of the built-in samples")
	logFormat := fs.String("log-format", "text", "log `format`: text or json")
	logLevel := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := checkDemoDir(*demo, *demoDir); err != nil {
		return err
	}
	log, err := m.newLogger(*logFormat, *logLevel)
	if err != nil {
		return err
	}
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	if *demo {
		if !dbExplicit(fs, m.Getenv) {
			dir, err := os.MkdirTemp("", "newswire-demo-")
			if err != nil {
				return fmt.Errorf("demo database: %w", err)
			}
			defer os.RemoveAll(dir)
			cfg.Database = filepath.Join(dir, "demo.db")
		}
		if len(cfg.Categories) == 0 {
			cfg.Categories = demoCategories
		}
		if cfg.Site.Title == config.Default().Site.Title {
			cfg.Site.Title = "newswire demo"
			cfg.Site.Language = "ar"
		}
	}

	st, err := openConfigured(ctx, cfg, store.WithLogger(log.With("component", "store")))
	if err != nil {
		return err
	}
	defer func() {
		if st != nil {
			st.Close() // early return: the error that got us here matters more
		}
	}()
	// Found now, not at the first real write: a database that cannot be
	// written is served read-only, and its start-up writes wait for writes
	// to work again (the store probes every writeProbeEvery meanwhile).
	if err := st.ProbeWrites(ctx); err != nil {
		log.Warn("database cannot be written: starting read-only", "database", store.RedactDSN(cfg.Database), "error", err)
	}
	if err := st.AfterWritable(ctx, func(ctx context.Context) error { return startupWrites(ctx, st, cfg) }); err != nil {
		return err
	}
	// One cleaner, from the config's markers, for every door: the demo
	// import, the admin API and ingestion.
	cleaner := newCleaner(cfg)
	if *demo {
		if err := m.loadDemo(ctx, st, cfg, cleaner, *demoDir, log); err != nil {
			return err
		}
	}
	// The collector's settings, now that the newsroom's size is known.
	categories := len(cfg.Categories)
	if cats, err := st.Categories(ctx); err != nil {
		log.Warn("counting categories for the memory limit", "error", err)
	} else {
		categories = max(categories, len(cats))
	}
	tuneGC(m.Getenv, categories)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Listen, err)
	}
	baseURL := strings.TrimRight(cfg.Site.BaseURL, "/")
	if baseURL == "" {
		// Without a configured public URL, links point at where we listen.
		baseURL = "http://" + ln.Addr().String()
	}
	met := metrics.New()
	var srv *server.Server
	var hub *websub.Hub
	hubURL := cfg.WebSub.HubURL
	if !cfg.WebSub.Disabled && hubURL == "" {
		hubURL = baseURL + "/websub"
		hub = websub.NewHub(st, websub.Options{
			HubURL:                hubURL,
			AllowPrivateCallbacks: cfg.WebSub.AllowPrivateCallbacks,
			ValidTopic:            func(topic string) bool { return srv.ValidTopic(topic) },
			Content: func(ctx context.Context, topic string) ([]byte, string, int64, error) {
				return srv.TopicContent(ctx, topic)
			},
			UserAgent:   userAgent(),
			Logger:      log.With("component", "websub"),
			WriteHealth: st.WriteHealth,
			OnDelivery: func(ok bool) {
				met.Deliveries.WithLabelValues(map[bool]string{true: "ok", false: "failed"}[ok]).Inc()
			},
		})
	}
	opts := server.Options{
		AdminToken:           cfg.Admin.Token,
		Admin:                st,
		Cleaner:              cleaner,
		CheckSource:          apiSourceCheck,
		Listener:             ln,
		BaseURL:              baseURL,
		SiteTitle:            cfg.Site.Title,
		SiteDescription:      cfg.Site.Description,
		Language:             cfg.Site.Language,
		CacheMaxAge:          cfg.CacheMaxAge,
		StaleWhileRevalidate: cfg.CacheStaleWhileRevalidate,
		StaleIfError:         cfg.CacheStaleIfError,
		MaxLimit:             cfg.Feeds.MaxItems,
		Budget:               feeds.Budget{MaxBytes: int(cfg.Feeds.MaxBytes)}, // 0: the 2 MB default
		MaxRenders:           cfg.Feeds.MaxRenders,
		Metrics:              met,
		HubURL:               hubURL,
		RateLimit: server.RateLimit{
			Enabled:           !cfg.Limits.Disabled,
			MinInterval:       time.Duration(cfg.Limits.Interval),
			IncludeLoopback:   cfg.Limits.IncludeLoopback,
			TrustForwardedFor: cfg.Limits.TrustForwardedFor,
		},
	}
	switch {
	case hub != nil:
		opts.Hub = hub
		opts.Subscribers = hub.Subscribers
		opts.OnChange = func(ctx context.Context, topics []string) error {
			return hub.Publish(ctx, topics...)
		}
	case hubURL != "":
		client := &http.Client{Timeout: 30 * time.Second}
		opts.OnChange = func(ctx context.Context, topics []string) error {
			if err := websub.PingExternal(ctx, client, hubURL, topics...); err != nil {
				return fmt.Errorf("ping external hub %s: %w", hubURL, err)
			}
			return nil
		}
	}
	instance := m.instanceName(*instanceArg)
	log = log.With("instance", instance)
	// Seeded by the instance: of several instances, a different one starts
	// each source's job first and claims it, so the work spreads.
	sched := schedule.New(schedule.Options{Jitter: 5 * time.Second, Seed: instance, Logger: log.With("component", "schedule")})
	opts.Check = func() error {
		if !sched.Running() {
			return errors.New("ingestion scheduler not running")
		}
		return nil
	}
	opts.Writes = st.WriteHealth
	if st.Backend() == store.Postgres {
		// Other instances' changes wake the watcher; it still polls.
		l, err := store.NewListener(cfg.Database, log.With("component", "listener"))
		if err != nil {
			return err
		}
		opts.Notifier = l
	}
	met.ObserveStore(func() (bool, uint64) {
		h := st.WriteHealth()
		return h.Writable, h.Failures
	})
	srv = server.New(st, opts, log.With("component", "server"))

	in := newIngester(st, cfg, cleaner, instance, log)
	in.OnResult(func(r ingest.Result) {
		met.ObserveFetch(r.Source, r.NotModified, r.Err, r.New, r.Updated, r.Duration)
	})
	// New articles from upstream reach this instance's feeds at once; other
	// instances notice through the store's versions.
	in.OnChange(func() { srv.Invalidate(context.WithoutCancel(ctx)) })
	jobs := newSourceJobs(st, in, sched, log.With("component", "schedule"))
	if err := jobs.sync(ctx); err != nil {
		return err
	}
	srv.OnSourcesChanged(func() {
		if err := jobs.sync(context.WithoutCancel(ctx)); err != nil {
			log.Warn("sync sources", "error", err)
		}
	})
	// The config's sources, applied once writes work again, are polled at
	// once, not at the next watch tick.
	st.OnWriteHealth(func(h newsroom.WriteHealth) {
		if !h.Writable {
			return
		}
		if err := jobs.sync(context.WithoutCancel(ctx)); err != nil {
			log.Warn("sync sources", "error", err)
		}
	})

	if err := srv.Open(ctx); err != nil {
		return err
	}
	if hub != nil {
		hub.Start(ctx)
	}
	sched.Start()
	jobsCtx, stopJobs := context.WithCancel(ctx)
	go jobs.watch(jobsCtx, 30*time.Second)
	go st.WatchWrites(jobsCtx, writeProbeEvery)
	// Sources whose instance died mid-pass are polled here once their
	// leases lapse.
	takeoverDone := make(chan struct{})
	go func() { in.TakeOver(jobsCtx); close(takeoverDone) }()
	if m.Ready != nil {
		m.Ready(srv.Addr())
	}

	<-ctx.Done()
	log.Info("shutting down")
	stopJobs()
	// HTTP first (finish in-flight requests), then deliveries and jobs,
	// then the store.
	stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = srv.Close(stopCtx)
	if hub != nil {
		err = errors.Join(err, hub.Close(stopCtx))
	}
	err = errors.Join(err, sched.Stop(stopCtx))
	select {
	case <-takeoverDone:
	case <-stopCtx.Done():
		err = errors.Join(err, fmt.Errorf("stop takeovers: %w", stopCtx.Err()))
	}
	err = errors.Join(err, st.Close())
	st = nil
	return err
}

// checkDemoDir refuses a --demo-dir with no articles to show (a folder of
// them is what it is for), before a
// database is created for them: one sentence, not migrations and a stat
// error first.
func checkDemoDir(demo bool, dir string) error {
	if dir == "" {
		return nil
	}
	if !demo {
		return fmt.Errorf("%w: --demo-dir is for --demo: add --demo, or import the folder with `newswire import`", errUsage)
	}
	// A file of articles will do too. A path that cannot be read, or that
	// holds no article, is said here in one sentence.
	files, err := importer.Files([]string{dir})
	switch {
	case len(files) > 0:
		return nil
	case err != nil:
		return fmt.Errorf("%w: --demo-dir %v", errUsage, err)
	}
	return fmt.Errorf("%w: --demo-dir %s: no article files in it (.txt, .md, .json)", errUsage, dir)
}

// loadDemo imports the built-in sample articles, or those in dir when it
// is set. A demo without articles is an error, not an empty site.
func (m *Main) loadDemo(ctx context.Context, st *store.Store, cfg *config.Config, cleaner *content.Cleaner, dir string, log *slog.Logger) error {
	from := "--demo-dir " + dir
	if dir == "" {
		from = "built-in samples"
		tmp, err := os.MkdirTemp("", "newswire-samples-")
		if err != nil {
			return fmt.Errorf("demo articles: %w", err)
		}
		defer os.RemoveAll(tmp)
		if err := demo.WriteArticles(tmp); err != nil {
			return fmt.Errorf("demo articles: %w", err)
		}
		dir = tmp
	}
	// Plain-text samples name no category; they are world news.
	sum, err := importPaths(ctx, st, []string{dir}, importOptions(cleaner, []string{"world"}), &importReport{w: m.Stderr})
	if err == nil && sum.created+sum.updated+sum.unchanged == 0 {
		err = errors.New("no article could be imported")
	}
	if err != nil {
		return fmt.Errorf("demo articles (%s): %w", from, err)
	}
	log.Info("demo articles loaded", "from", from, "new", sum.created, "failed_files", sum.filesFailed, "database", store.RedactDSN(cfg.Database))
	return nil
}
