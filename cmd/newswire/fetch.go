package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/clean"
	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// newIngester builds the upstream fetcher and ingester from the config;
// cleaner is the one newCleaner built.
func newIngester(st *store.Store, cfg *config.Config, cleaner *clean.Cleaner, instance string, log *slog.Logger) *ingest.Ingester {
	client := fetch.New(fetch.Options{
		UserAgent: userAgent(),
		Timeout:   time.Duration(cfg.Ingest.Timeout),
		MaxBytes:  cfg.Ingest.MaxBytes,
	})
	ilog := log.With("component", "ingest")
	return ingest.New(st, ingest.Options{
		Client:        client,
		Concurrency:   cfg.Ingest.Concurrency,
		MaxNewPerPass: cfg.Ingest.MaxNewPerPass,
		Instance:      instance,
		Lease:         time.Duration(cfg.Ingest.Lease),
		Logger:        ilog,
		WriteHealth:   st.WriteHealth,
		Clean: func(a *feeds.Article) error {
			rep, err := cleaner.Article(a)
			if len(rep.Cuts) > 0 || err != nil {
				// What was cut and why, for an editor who wonders.
				ilog.Debug("cleaned", "guid", a.GUID, "report", rep.String(), "error", err)
			}
			return err
		},
	})
}

// userAgent names newswire and its version to upstreams and subscribers.
func userAgent() string {
	return "newswire/" + Version() + " (+https://github.com/newswire/newswire)"
}

func (m *Main) runFetch(ctx context.Context, args []string) error {
	fs := m.newFlagSet("fetch", "")
	var cf configFlags
	cf.register(fs, false)
	instance := instanceFlag(fs)
	var names stringList
	fs.Var(&names, "source", "fetch only the source called `name` (repeatable); default every enabled source")
	logFormat := fs.String("log-format", "text", "log `format`: text or json")
	logLevel := fs.String("log-level", "warn", "log `level`: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
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
	st, err := openConfigured(ctx, cfg, store.WithLogger(log.With("component", "store")))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := syncConfigSources(ctx, st, cfg, false); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := st.SourceByName(ctx, n); errors.Is(err, newsroom.ErrNotFound) {
			return fmt.Errorf("%w: --source %q: no such source (newswire sources list shows them)", errUsage, n)
		} else if err != nil {
			return err
		}
	}
	in := newIngester(st, cfg, newCleaner(cfg), m.instanceName(*instance), log)

	var mu sync.Mutex
	done, total := 0, 0
	if len(names) > 0 {
		total = len(names)
	} else if srcs, err := st.Sources(ctx); err == nil {
		for _, s := range srcs {
			if s.Polled() {
				total++
			}
		}
	}
	showProgress := m.IsTerminal(m.Stderr) && total > 5
	in.OnResult(func(r ingest.Result) {
		mu.Lock()
		defer mu.Unlock()
		done++
		if showProgress {
			fmt.Fprintf(m.Stderr, "\r\033[K%d/%d sources", done, total)
		}
	})
	results, err := in.RunAll(ctx, names...)
	if showProgress {
		fmt.Fprint(m.Stderr, "\r\033[K")
	}
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		var held *newsroom.HeldError
		switch {
		case errors.As(r.Err, &held):
			// A running serve is polling it: not fetched twice, not a failure.
			fmt.Fprintf(m.Stdout, "%s: held by %s until %s, skipped\n", r.Source, held.By, held.Until.Format(time.RFC3339))
		case r.Err != nil:
			failed++
			fmt.Fprintf(m.Stdout, "%s: error: %v\n", r.Source, r.Err)
		case r.NotModified:
			fmt.Fprintf(m.Stdout, "%s: not modified\n", r.Source)
		case r.Deferred > 0:
			fmt.Fprintf(m.Stdout, "%s: %d new, %d updated, %d unchanged, %d held back for the next pass\n",
				r.Source, r.New, r.Updated, r.Unchanged, r.Deferred)
		default:
			fmt.Fprintf(m.Stdout, "%s: %d new, %d updated, %d unchanged\n", r.Source, r.New, r.Updated, r.Unchanged)
		}
	}
	if len(results) == 0 {
		fmt.Fprintln(m.Stdout, "no enabled sources")
		return nil
	}
	if failed == len(results) {
		return errors.New("every source failed")
	}
	return st.Close()
}
