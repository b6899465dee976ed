package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/opml"
	"github.com/newswire/newswire/internal/store"
)

func (m *Main) runOPML(ctx context.Context, args []string) error {
	return m.runGroup(ctx, "opml", args, []subcommand{
		{"import", "add the feeds of an OPML file as sources", m.runOPMLImport},
		{"export", "print the sources as OPML 2.0", m.runOPMLExport},
	})
}

func (m *Main) runOPMLImport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("opml import", "[--category SLUG]... FILE")
	var cf configFlags
	cf.register(fs, false)
	var cats stringList
	fs.Var(&cats, "category", "category `slug` for feeds whose outline names none (repeatable)")
	schedule := fs.String("schedule", config.DefaultSchedule, "schedule for the imported sources")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: opml import takes one file", errUsage)
	}
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := opml.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	st, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer st.Close()

	// A name already taken is never overwritten: OPML carries no schedule,
	// rules or state, and an outline that shares a name with a source is
	// another feed or the same one again.
	existing, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	urls := make(map[string]string, len(existing))
	for _, s := range existing {
		urls[s.Name] = s.URL
	}
	var errs []error
	added, present := 0, 0
	for i, feed := range doc.Feeds() {
		enabled := true
		src := config.Source{Name: sourceName(feed.Name()), URL: feed.XMLURL, Schedule: *schedule, Enabled: &enabled}
		if u, ok := urls[src.Name]; ok {
			if u == src.URL {
				present++
				continue
			}
			errs = append(errs, fmt.Errorf("%s: outline %d: a source named %q exists already, for %s: rename the outline or remove the source", fs.Arg(0), i+1, src.Name, u))
			continue
		}
		for _, c := range append(feed.Categories(), feed.Folders...) {
			if slug := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(c), " ", "-")); config.ValidSlug(slug) {
				src.Categories = append(src.Categories, slug)
			}
		}
		if len(src.Categories) == 0 {
			src.Categories = cats
		}
		check := *cfg
		check.Sources = []config.Source{src}
		if err := check.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: outline %d (%s): %w", fs.Arg(0), i+1, feed.Name(), err))
			continue
		}
		if _, err := st.UpsertSource(ctx, storeSource(src, "cli")); err != nil {
			errs = append(errs, err)
			continue
		}
		urls[src.Name] = src.URL
		added++
	}
	fmt.Fprintf(m.Stdout, "%d sources added, %d already there, %d skipped\n", added, present, len(errs))
	for _, err := range errs {
		fmt.Fprintln(m.Stderr, "opml import:", err)
	}
	if err := st.Close(); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errSilent
	}
	return nil
}

// sourceName turns an outline's title into a source name: trimmed, inner
// whitespace collapsed.
func sourceName(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Main) runOPMLExport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("opml export", "")
	var cf configFlags
	cf.register(fs, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	cfg, st, srcs, err := m.openSources(ctx, fs, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	doc := &opml.Document{Title: cfg.Site.Title + " sources", DateCreated: time.Now()}
	for _, s := range srcs {
		doc.Outlines = append(doc.Outlines, opml.Outline{
			Text: s.Name, Title: s.Name, Type: "rss", XMLURL: s.URL, Category: strings.Join(s.Categories, ","),
		})
	}
	return errors.Join(opml.Write(m.Stdout, doc), st.Close())
}
