package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/server"
	"github.com/newswire/newswire/internal/store"
)

// demoCategories are declared when --demo runs without a config naming any.
var demoCategories = []config.Category{
	{Slug: "politics", Title: "سياسة", Description: "أخبار سياسية"},
	{Slug: "world", Title: "World", Description: "World news"},
	{Slug: "economy", Title: "اقتصاد", Description: "أخبار الاقتصاد والأعمال"},
}

func (m *Main) runServe(ctx context.Context, args []string) error {
	fs := m.newFlagSet("serve", "[--config FILE] [--db PATH] [--listen ADDR] [--demo]")
	var cf configFlags
	cf.register(fs, true)
	demo := fs.Bool("demo", false, "start on a fresh database filled with the sample articles")
	demoDir := fs.String("demo-dir", filepath.Join("testdata", "articles"), "sample articles for --demo")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	logLevel := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no arguments, got %q", errUsage, fs.Args())
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

	st, err := store.Open(ctx, cfg.Database, store.WithLogger(log.With("component", "store")))
	if err != nil {
		return err
	}
	defer func() {
		if st != nil {
			st.Close() // early return: the error that got us here matters more
		}
	}()
	for _, c := range cfg.Categories {
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: c.Slug, Title: c.Title, Description: c.Description}); err != nil {
			return err
		}
	}
	if *demo {
		// Plain-text samples name no category; the seed is political news.
		sum, err := importPaths(ctx, st, []string{*demoDir}, importOptions(cfg, []string{"politics"}), &importReport{w: m.Stderr})
		if err != nil {
			return fmt.Errorf("demo articles (run from the repository root, or set --demo-dir): %w", err)
		}
		log.Info("demo articles loaded", "dir", *demoDir, "new", sum.created, "failed", sum.failed, "database", cfg.Database)
	}

	srv := server.New(st, server.Options{
		Addr:            cfg.Listen,
		BaseURL:         cfg.Site.BaseURL,
		SiteTitle:       cfg.Site.Title,
		SiteDescription: cfg.Site.Description,
		Language:        cfg.Site.Language,
		CacheMaxAge:     cfg.CacheMaxAge,
	}, log.With("component", "server"))
	if err := srv.Open(ctx); err != nil {
		return err
	}
	if m.Ready != nil {
		m.Ready(srv.Addr())
	}

	<-ctx.Done()
	log.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = errors.Join(srv.Close(stopCtx), st.Close())
	st = nil
	return err
}
