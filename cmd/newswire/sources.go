package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/server"
	"github.com/newswire/newswire/internal/store"
)

func (m *Main) runSources(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "rm" {
		args[0] = "remove"
	}
	return m.runGroup(ctx, "sources", args, []subcommand{
		{"add", "add or change an upstream source", (*Main).runSourcesAdd},
		{"list", "show sources and their fetch state", (*Main).runSourcesList},
		{"remove", "remove a source (its articles stay)", (*Main).runSourcesRemove},
	})
}

// ruleList is a repeatable --rule MATCH=SLUG flag.
type ruleList []config.Rule

func (l *ruleList) String() string {
	parts := make([]string, len(*l))
	for i, r := range *l {
		parts[i] = r.Match + "=" + r.Category
	}
	return strings.Join(parts, ",")
}

func (l *ruleList) Set(v string) error {
	match, cat, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(match) == "" || !config.ValidSlug(cat) {
		return errors.New("want MATCH=SLUG, SLUG lowercase letters, digits and dashes")
	}
	*l = append(*l, config.Rule{Match: strings.TrimSpace(match), Category: cat})
	return nil
}

func (m *Main) runSourcesAdd(ctx context.Context, args []string) error {
	fs := m.newFlagSet("sources add", "", "name", "url")
	var cf configFlags
	cf.register(fs, false)
	var src config.Source
	var cats stringList
	var rules ruleList
	fs.StringVar(&src.Name, "name", "", "unique source `name`")
	fs.StringVar(&src.URL, "url", "", "feed `URL` (RSS, Atom or JSON Feed)")
	fs.StringVar(&src.Schedule, "schedule", config.DefaultSchedule, "cron `spec` or @every interval (UTC unless CRON_TZ=)")
	fs.Var(&cats, "category", "category `slug` for items no rule matches (repeatable)")
	fs.Var(&rules, "rule", "`MATCH=SLUG`: items whose upstream category or title has MATCH go to SLUG (repeatable)")
	fs.BoolVar(&src.AllowPrivate, "allow-private", false, "let this source reach loopback and private addresses")
	disabled := fs.Bool("disabled", false, "add the source without polling it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if src.Name == "" || src.URL == "" {
		fs.Usage()
		return fmt.Errorf("%w: sources add needs --name and --url", errUsage)
	}
	enabled := !*disabled
	src.Enabled = &enabled
	src.Categories, src.Rules = cats, rules
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	// What can be checked without the database, before opening it.
	if err := sourceProblems(checkSource(src, false), cliDoor); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	before, err := st.SourceByName(ctx, src.Name)
	had := err == nil
	if err != nil && !errors.Is(err, newsroom.ErrNotFound) {
		return err
	}
	if err := sourceProblems(checkSource(src, !had), cliDoor); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	// Origin says which door created a source, and a change through
	// another keeps it: a config source changed here is still the config's,
	// removed by serve when the config no longer declares it.
	origin := newsroom.OriginCLI
	if had && before.Origin != "" {
		origin = before.Origin
	}
	saved, err := st.UpsertSource(ctx, storeSource(src, origin))
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, sourceLine(server.SourceOutcome(before, had, saved), saved))
	return st.Close()
}

// sourceLine confirms what became of a source, for people: "added source
// wire: https://wire.example/rss every 15m, items to uncategorized".
// outcome is a newsroom.SaveResult's word (created, updated, unchanged).
func sourceLine(outcome string, s newsroom.Source) string {
	verb := map[string]string{"created": "added source", "updated": "updated source"}[outcome]
	if verb == "" {
		verb = "no change to source"
	}
	line := fmt.Sprintf("%s %s: %s %s, %s", verb, s.Name, s.URL, scheduleWords(s.Schedule), placement(s))
	if !s.Enabled {
		line += "; disabled, not polled"
	}
	return line
}

// scheduleWords says a schedule as a sentence does: "every 15m", "hourly",
// `on cron "0 6 * * *"`.
func scheduleWords(spec string) string {
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		return "every " + strings.TrimSpace(every)
	}
	switch spec {
	case "@hourly":
		return "hourly"
	case "@daily", "@midnight":
		return "daily"
	case "@weekly":
		return "weekly"
	case "@monthly":
		return "monthly"
	case "@yearly", "@annually":
		return "yearly"
	}
	return fmt.Sprintf("on cron %q", spec)
}

// placement says where the source's items go: its rules' categories when
// one matches, else its categories, else uncategorized (as ingest does).
func placement(s newsroom.Source) string {
	to := feeds.Uncategorized
	if len(s.Categories) > 0 {
		to = strings.Join(s.Categories, " and ")
	}
	if len(s.Rules) == 0 {
		return "items to " + to
	}
	return fmt.Sprintf("items by %s, else to %s", plural(len(s.Rules), "rule"), to)
}

// sourceDoor names a source's fields as the user of one door gave them.
type sourceDoor struct {
	// field names a field ("url", "categories[1]") as the user wrote it.
	field func(key string) string
	// allowPrivate is how this door lets a source reach private addresses.
	allowPrivate string
}

// cliDoor is `newswire sources add`: fields are flags.
var cliDoor = sourceDoor{
	field: func(key string) string {
		switch name := strings.FieldsFunc(key, func(r rune) bool { return r == '[' || r == '.' })[0]; name {
		case "categories":
			return "--category"
		case "rules":
			return "--rule"
		default:
			return "--" + name
		}
	},
	allowPrivate: "--allow-private",
}

// apiDoor is POST /api/sources: fields are JSON keys.
var apiDoor = sourceDoor{
	field:        func(key string) string { return key },
	allowPrivate: `"allow_private": true`,
}

// checkSource checks src as a source added at run time (sources add, the
// admin API, opml import): the config file's rules, a new name's rule
// when isNew, and no loopback or private host unless the source allows
// it. A host name that resolves to a private address is only known when
// fetching; that error names the setting too.
func checkSource(src config.Source, isNew bool) []config.SourceProblem {
	ps := config.CheckSource(src)
	if isNew && strings.TrimSpace(src.Name) != "" {
		if err := config.CheckNewSourceName(src.Name); err != nil {
			ps = append(ps, config.SourceProblem{Field: "name", Value: src.Name, Err: err})
		}
	}
	if !src.AllowPrivate {
		if kind, addr := privateHost(src.URL); kind != "" {
			ps = append(ps, config.SourceProblem{Field: "url", Value: src.URL, Err: &privateURLError{kind: kind, addr: addr}})
		}
	}
	return ps
}

// privateURLError is a source URL whose host fetching would refuse.
type privateURLError struct {
	kind  string
	addr  string // the address a numeric host stands for, when it is written otherwise
	allow string
}

func (e *privateURLError) Error() string {
	allow := e.allow
	if allow == "" {
		allow = "allow_private"
	}
	kind := e.kind
	if e.addr != "" {
		kind += " address (" + e.addr + ")"
	} else {
		kind += " address"
	}
	return fmt.Sprintf("the host is a %s, which a source may reach only with %s", kind, allow)
}

// privateHost says what kind of address the URL's host is when the fetch
// guard would refuse it ("loopback", "private"), or "" when it is a public
// address or a name to resolve later; addr is the address a numeric host
// written in another form ("2130706433") stands for. "localhost" and its
// subdomains are loopback (RFC 6761).
func privateHost(raw string) (kind, addr string) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", ""
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "loopback", ""
	}
	// Numeric forms browsers read as an address ("2130706433",
	// "0x7f.1") are that address.
	a, ok := fetch.HostAddr(host)
	if !ok || !fetch.Blocked(a) {
		return "", ""
	}
	if a.String() != host {
		addr = a.String()
	}
	if a.Unmap().IsLoopback() {
		return "loopback", addr
	}
	return "private or reserved", addr
}

// sourceProblems is one sentence per problem, each naming the field as
// door's user gave it; nil without problems.
func sourceProblems(ps []config.SourceProblem, door sourceDoor) error {
	if len(ps) == 0 {
		return nil
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = describeProblem(p, door)
	}
	return errors.New(strings.Join(msgs, "; "))
}

// describeProblem is p with the field named as door's user gave it.
func describeProblem(p config.SourceProblem, door sourceDoor) string {
	var pe *privateURLError
	if errors.As(p.Err, &pe) {
		pe.allow = door.allowPrivate
	}
	return fmt.Sprintf("%s %q: %v", door.field(p.Field), p.Value, p.Err)
}

// apiSourceCheck is the admin API's check of a posted source: the same
// rules as `sources add`, its problems named by JSON field.
func apiSourceCheck(src newsroom.Source, isNew bool) error {
	var errs []error
	for _, p := range checkSource(configSource(src), isNew) {
		errs = append(errs, &server.FieldError{Field: p.Field, Err: errors.New(describeProblem(p, apiDoor))})
	}
	return errors.Join(errs...)
}

func (m *Main) runSourcesList(ctx context.Context, args []string) error {
	fs := m.newFlagSet("sources list", "")
	var cf configFlags
	cf.register(fs, false)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	_, st, srcs, err := m.openSources(ctx, fs, &cf)
	if err != nil {
		return err
	}
	defer st.Close()
	if *asJSON {
		out := make([]server.SourceJSON, len(srcs))
		for i, s := range srcs {
			out[i] = server.NewSourceJSON(s)
		}
		enc := json.NewEncoder(m.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(out)
	}
	writeSourceTable(m.Stdout, srcs, time.Now())
	return nil
}

// writeSourceTable prints sources and their fetch state for people.
func writeSourceTable(w io.Writer, srcs []newsroom.Source, now time.Time) {
	if len(srcs) == 0 {
		fmt.Fprintln(w, "no sources: add one with `newswire sources add` or in the config file")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATUS\tLAST SUCCESS\tNEXT RUN\tFAILS\tLAST RUN\tURL")
	for _, s := range srcs {
		status := "ok"
		switch {
		case !s.Enabled && s.DisabledReason != "":
			status = "disabled: " + s.DisabledReason
		case !s.Enabled:
			status = "disabled"
		case s.LastError != "":
			status = "error: " + truncate(s.LastError, 60)
		case s.LastAttempt.IsZero():
			status = "new"
		}
		last := "-"
		if !s.LastAttempt.IsZero() {
			last = fmt.Sprintf("%d new, %d upd", s.LastNew, s.LastUpdated)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", s.Name, status, ago(s.LastSuccess, now),
			until(s.NextRun, now), s.Failures, last, s.URL)
		if s.Note != "" {
			fmt.Fprintf(tw, "\t  note: %s\t\t\t\t\t\n", s.Note)
		}
		if s.URLChangedFrom != "" {
			fmt.Fprintf(tw, "\t  moved from %s\t\t\t\t\t\n", s.URLChangedFrom)
		}
		if s.ClaimedBy != "" {
			fmt.Fprintf(tw, "\t  held by %s until %s (%s)\t\t\t\t\t\n", s.ClaimedBy,
				s.ClaimedUntil.Format(time.RFC3339), leaseLeft(s.ClaimedUntil, now))
		}
	}
	tw.Flush()
}

// leaseLeft says how long a lease has to run, or that it lapsed.
func leaseLeft(t, now time.Time) string {
	if !t.After(now) {
		return "lapsed: another instance takes it over"
	}
	return "ends in " + roundDur(t.Sub(now))
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return roundDur(now.Sub(t)) + " ago"
}

func until(t, now time.Time) string {
	if t.IsZero() || !t.After(now) {
		return "due"
	}
	return "in " + roundDur(t.Sub(now))
}

func roundDur(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	default:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
}

func (m *Main) runSourcesRemove(ctx context.Context, args []string) error {
	fs := m.newFlagSet("sources remove", "NAME...")
	var cf configFlags
	cf.register(fs, false)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: sources remove needs a source name", errUsage)
	}
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var errs []error
	for _, name := range fs.Args() {
		if slices.ContainsFunc(cfg.Sources, func(c config.Source) bool { return c.Name == name }) {
			// Deleting the row would only lose its state (a 410's
			// disabling, backoff): the next start adds it back.
			errs = append(errs, fmt.Errorf("source %q is declared in the config file: remove it there", name))
			continue
		}
		if err := st.DeleteSource(ctx, name); err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(m.Stdout, "removed source %q (its articles stay)\n", name)
	}
	return errors.Join(errs...)
}

// storeSource converts a configured source into the store's form.
func storeSource(c config.Source, origin string) newsroom.Source {
	s := newsroom.Source{
		Name: c.Name, URL: c.URL, Schedule: c.Schedule, Categories: c.Categories,
		Enabled: c.Enabled == nil || *c.Enabled, AllowPrivate: c.AllowPrivate, Origin: origin,
	}
	if s.Schedule == "" {
		s.Schedule = config.DefaultSchedule
	}
	for _, r := range c.Rules {
		s.Rules = append(s.Rules, newsroom.Rule{Match: r.Match, Category: r.Category})
	}
	return s
}

// configSource is the inverse of storeSource, to validate a source that
// came from elsewhere (the admin API) by the config file's rules.
func configSource(s newsroom.Source) config.Source {
	enabled := s.Enabled
	c := config.Source{Name: s.Name, URL: s.URL, Schedule: s.Schedule, Categories: s.Categories,
		Enabled: &enabled, AllowPrivate: s.AllowPrivate}
	if c.Schedule == "" {
		c.Schedule = config.DefaultSchedule
	}
	for _, r := range s.Rules {
		c.Rules = append(c.Rules, config.Rule{Match: r.Match, Category: r.Category})
	}
	return c
}

// openSources loads the config, opens the store, applies the config's
// sources and lists them all: what the commands that show sources share.
func (m *Main) openSources(ctx context.Context, fs *flag.FlagSet, cf *configFlags) (*config.Config, *store.Store, []newsroom.Source, error) {
	cfg, err := m.loadConfig(fs, cf)
	if err != nil {
		return nil, nil, nil, err
	}
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	srcs, err := func() ([]newsroom.Source, error) {
		if err := syncConfigSources(ctx, st, cfg, false); err != nil {
			return nil, err
		}
		return st.Sources(ctx)
	}()
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	return cfg, st, srcs, nil
}

// syncConfigSources applies the config file's sources to the store: each is
// added or updated (its fetch state kept). With prune (serve only, which
// owns the config), sources an earlier config declared but this one does not
// are removed; the other commands run from anywhere against a shared
// database, often without that config or with an older copy, and must not
// remove sources (with their fetch state and items) under the running
// instances. Sources added with `newswire sources add` are left alone.
func syncConfigSources(ctx context.Context, st *store.Store, cfg *config.Config, prune bool) error {
	declared := map[string]bool{}
	for _, c := range cfg.Sources {
		declared[c.Name] = true
		if _, err := st.UpsertSource(ctx, storeSource(c, "config")); err != nil {
			return fmt.Errorf("apply config source %q: %w", c.Name, err)
		}
	}
	if !prune {
		return nil
	}
	have, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	for _, s := range have {
		if s.Origin == "config" && !declared[s.Name] {
			if err := st.DeleteSource(ctx, s.Name); err != nil {
				return fmt.Errorf("remove source %q no longer in the config: %w", s.Name, err)
			}
		}
	}
	return nil
}
