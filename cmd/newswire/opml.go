package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/opml"
)

func (m *Main) runOPML(ctx context.Context, args []string) error {
	return m.runGroup(ctx, "opml", args, []subcommand{
		{"import", "add the feeds of an OPML file as sources", (*Main).runOPMLImport},
		{"export", "print the sources as OPML 2.0", (*Main).runOPMLExport},
	})
}

func (m *Main) runOPMLImport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("opml import", "FILE")
	var cf configFlags
	cf.register(fs, false)
	var cats stringList
	fs.Var(&cats, "category", "category `slug` for feeds whose outline names none (repeatable)")
	schedule := fs.String("schedule", config.DefaultSchedule, "cron `spec` or @every interval for the imported sources")
	allowPrivate := fs.Bool("allow-private", false, "let the imported sources reach loopback and private addresses")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("%w: opml import takes one file", errUsage)
	}
	if err := config.CheckSchedule(*schedule); err != nil {
		return fmt.Errorf("%w: --schedule %q: %v", errUsage, *schedule, err)
	}
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fileError(fs.Arg(0), err)
	}
	defer f.Close()
	doc, err := opml.Parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	st, err := openConfigured(ctx, cfg)
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
	known := make(map[string]bool, len(existing)) // URLs of every source
	for _, s := range existing {
		urls[s.Name] = s.URL
		known[s.URL] = true
	}
	var errs []error
	added, present := 0, 0
	for i, feed := range doc.Feeds() {
		enabled := true
		src := config.Source{Name: sourceName(feed.Name()), URL: feed.XMLURL, Schedule: *schedule,
			Enabled: &enabled, AllowPrivate: *allowPrivate}
		where := fmt.Sprintf("%s: outline %d (%q)", fs.Arg(0), i+1, feed.Name())
		if known[src.URL] {
			present++ // under this name, or another one (an earlier import's)
			continue
		}
		if u, ok := urls[src.Name]; ok {
			errs = append(errs, fmt.Errorf("%s: a source named %q exists already, for %s: rename the outline or remove the source", where, src.Name, u))
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
		if err := sourceProblems(checkSource(src, true), opmlDoor); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", where, err))
			continue
		}
		saved, err := st.UpsertSource(ctx, storeSource(src, newsroom.OriginCLI))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintln(m.Stdout, sourceLine(newsroom.Created.String(), saved))
		urls[src.Name] = src.URL
		known[src.URL] = true
		added++
	}
	fmt.Fprintf(m.Stdout, "%s added, %d already there, %d skipped\n", plural(added, "source"), present, len(errs))
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

// opmlDoor names a source's fields as an OPML outline gives them.
var opmlDoor = sourceDoor{
	field: func(key string) string {
		switch name := strings.FieldsFunc(key, func(r rune) bool { return r == '[' || r == '.' })[0]; name {
		case "url":
			return "xmlUrl"
		case "name":
			return "title"
		case "categories":
			return "category"
		default:
			return "--" + name
		}
	},
	allowPrivate: "--allow-private",
}

// sourceName turns an outline's title into a source name that
// config.CheckNewSourceName accepts: each run of other characters (spaces,
// slashes, punctuation) becomes one "-", and the name is cut to 64
// characters. "BBC News / World" becomes "BBC-News-World".
func sourceName(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || (b.Len() > 0 && (unicode.Is(unicode.M, r) || r == '_' || r == '.')):
			if dash {
				b.WriteByte('-')
				dash = false
			}
			b.WriteRune(r)
		case b.Len() > 0:
			dash = true
		}
	}
	name := []rune(b.String())
	return strings.TrimRight(string(name[:min(len(name), 64)]), "-")
}

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
