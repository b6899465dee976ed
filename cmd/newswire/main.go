// Command newswire is a feed syndication service for newsrooms: it stores
// articles, publishes them as RSS, Atom and JSON feeds, and ingests upstream
// feeds. Run "newswire -h" for the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"
	_ "time/tzdata" // CRON_TZ= schedules work on hosts without zone files
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := NewMain(os.Stdin, os.Stdout, os.Stderr).Run(ctx, os.Args[1:])
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) && !errors.Is(err, errSilent) {
		fmt.Fprintln(os.Stderr, "newswire:", err)
	}
	os.Exit(exitCode(err))
}

// errUsage marks a command line that could not be understood (exit 2).
var errUsage = errors.New("usage")

// errSilent is a failure already reported to the user (exit 1, no message).
var errSilent = errors.New("failed")

func exitCode(err error) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}

// Main holds the program's standard streams and environment, so tests can
// run it in-process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// IsTerminal reports whether w is an interactive terminal (progress lines).
	IsTerminal func(w io.Writer) bool
	// Ready, if set, is called by serve with the listening address.
	Ready func(addr string)

	noEnvHelp bool            // -h prints no environment lines (group help prints them once)
	envRead   map[string]bool // if set, -h adds the variables the command reads (for group help)
}

// NewMain returns a Main for the process's real streams.
func NewMain(stdin io.Reader, stdout, stderr io.Writer) *Main {
	return &Main{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv, IsTerminal: isTerminal}
}

type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve feeds over HTTP (and run the ingestion schedule)", (*Main).runServe},
		{"import", "import the newsroom's article files (text, Markdown, JSON)", (*Main).runImport},
		{"fetch", "fetch upstream sources once now and exit", (*Main).runFetch},
		{"sources", "add, list or remove upstream sources", (*Main).runSources},
		{"opml", "import or export sources as OPML", (*Main).runOPML},
		{"migrate-db", "copy a SQLite database into an empty PostgreSQL one", (*Main).runMigrateDB},
		{"validate", "check a feed file or URL against the feed specs", (*Main).runValidate},
		{"version", "print the version", (*Main).runVersion},
	}
}

// Run executes the subcommand named by args[0].
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage()
		if len(args) == 0 {
			return fmt.Errorf("%w: no command given", errUsage)
		}
		return flag.ErrHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	m.usage()
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func (m *Main) usage() {
	var b strings.Builder
	b.WriteString("newswire: feed syndication for newsrooms\n\nUsage: newswire <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("\nRun \"newswire <command> -h\" for a command's flags and the variables it reads.\n")
	b.WriteString(envHelp(allEnv()))
	fmt.Fprint(m.Stderr, b.String())
}

// subcommand is one verb of a command group such as "sources add".
type subcommand struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

// runGroup dispatches a command group ("sources", "opml") to its verbs.
func (m *Main) runGroup(ctx context.Context, group string, args []string, subs []subcommand) error {
	names := make([]string, len(subs))
	for i, c := range subs {
		names[i] = c.name
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		var b strings.Builder
		fmt.Fprintf(&b, "Usage: newswire %s %s [flags]\n\n", group, strings.Join(names, "|"))
		for _, c := range subs {
			fmt.Fprintf(&b, "  %-7s %s\n", c.name, c.summary)
		}
		reads := map[string]bool{}
		for _, c := range subs {
			help, env := m.helpOf(ctx, c.run)
			b.WriteString("\n" + help)
			maps.Copy(reads, env)
		}
		fmt.Fprint(m.Stderr, b.String()+envHelp(reads))
		if len(args) == 0 {
			return fmt.Errorf("%w: %s needs one of %s", errUsage, group, strings.Join(names, ", "))
		}
		return flag.ErrHelp
	}
	for _, c := range subs {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	return fmt.Errorf("%w: unknown %s command %q (want %s)", errUsage, group, args[0], strings.Join(names, ", "))
}

// helpOf is what run prints for -h, without the environment lines, and
// the variables the command reads. Every command parses its flags before
// doing anything, so -h does nothing else.
func (m *Main) helpOf(ctx context.Context, run func(m *Main, ctx context.Context, args []string) error) (string, map[string]bool) {
	var b strings.Builder
	h := *m
	h.Stdout, h.Stderr, h.noEnvHelp = io.Discard, &b, true
	h.envRead = map[string]bool{}
	_ = run(&h, ctx, []string{"-h"})
	return b.String(), h.envRead
}

// newFlagSet returns a FlagSet that reports errors as usage errors and
// prints its help to stderr. The FlagSet is the one description of a
// command: its usage line, -h and README's Commands block are generated
// from it. args is what follows the flags ("FILE|URL"); required names
// the flags the command cannot do without.
func (m *Main) newFlagSet(name, args string, required ...string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints its own error before the usage; Run prints
	// the error once, worded like the rest, after it.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, usageText(fs, args, required))
		reads := commandEnv(fs)
		if m.envRead != nil {
			maps.Copy(m.envRead, reads)
		}
		if !m.noEnvHelp {
			fmt.Fprint(m.Stderr, envHelp(reads))
		}
	}
	return fs
}

// repeatable marks flag values that may be given more than once.
type repeatable interface{ repeatable() }

func (*stringList) repeatable() {}
func (*ruleList) repeatable()   {}

// synopsis is a command's usage line: required flags, then the others in
// brackets, then the arguments.
func synopsis(fs *flag.FlagSet, args string, required []string) string {
	parts := []string{"newswire " + fs.Name()}
	for _, r := range required {
		parts = append(parts, flagWord(fs.Lookup(r)))
	}
	fs.VisitAll(func(f *flag.Flag) {
		if slices.Contains(required, f.Name) {
			return
		}
		w := "[" + flagWord(f) + "]"
		if _, ok := f.Value.(repeatable); ok {
			w += "..."
		}
		parts = append(parts, w)
	})
	if args != "" {
		parts = append(parts, args)
	}
	return strings.Join(parts, " ")
}

// usageText is a command's -h: its usage line and, when it has any, its
// flags.
func usageText(fs *flag.FlagSet, args string, required []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n", synopsis(fs, args, required))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			_, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "  %s\n    \t%s", flagWord(f), usage)
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(&b, " (default %q)", f.DefValue)
			}
			b.WriteString("\n")
		})
	}
	return b.String()
}

// flagWord is a flag as usage lines spell it: "--db PATH", "--demo".
func flagWord(f *flag.Flag) string {
	w := "--" + f.Name
	if name, _ := flag.UnquoteUsage(f); name != "" {
		if !strings.Contains(name, "|") {
			name = strings.ToUpper(name)
		}
		w += " " + name
	}
	return w
}

// parseFlags parses args, turning flag errors into usage errors. Flags may
// come after arguments too ("import a.md --category world"), as users of
// most command-line tools expect; the flag package alone would take
// "--category" for a file name. After "--" everything is an argument.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fmt.Errorf("%w: %s", errUsage, flagProblem(err))
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		i := 0
		for i < len(rest) && (len(rest[i]) < 2 || rest[i][0] != '-') {
			i++
		}
		pos = append(pos, rest[:i]...)
		if i == len(rest) {
			break
		}
		args = rest[i:]
	}
	// Leave the arguments where fs.Args finds them.
	return fs.Parse(append([]string{"--"}, pos...))
}

var (
	flagUnknown = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	flagBool    = regexp.MustCompile(`^invalid boolean value ("(?:[^"\\]|\\.)*") for -+(.*?): `)
	flagBad     = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for flag -+([^:]*): (.*)$`)
)

// flagProblem words the flag package's errors as the rest of newswire and
// its help do, naming flags with two dashes: "unknown flag --bogus",
// "--rule \"foo\": want MATCH=SLUG".
func flagProblem(err error) string {
	msg := err.Error()
	if m := flagUnknown.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := flagBool.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": want true or false"
	}
	if m := flagBad.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + " " + m[1] + ": " + m[3]
	}
	return msg
}

// noArgs is the usage error of a command that takes no arguments.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: %s takes no arguments, got %q", errUsage, fs.Name(), fs.Args())
	}
	return nil
}

// newLogger builds the process logger: text or JSON on stderr.
func (m *Main) newLogger(format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(m.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(m.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, format)
}
