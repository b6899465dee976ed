package main

import (
	"os"
	"strings"
	"testing"
)

// usageLines renders every command's usage line from its FlagSet, the way
// `newswire <command> -h` prints it; a group's verbs each get theirs.
func usageLines(t *testing.T) []string {
	t.Helper()
	var lines []string
	first := func(args ...string) string {
		_, stderr, _ := run(t, nil, append(args, "-h")...)
		line, _, _ := strings.Cut(stderr, "\n")
		u, ok := strings.CutPrefix(line, "Usage: ")
		if !ok {
			t.Fatalf("%v -h: no usage line:\n%s", args, stderr)
		}
		return u
	}
	for _, c := range commands() {
		u := first(c.name)
		if verbs, ok := strings.CutSuffix(u, " [flags]"); ok {
			for _, v := range strings.Split(strings.TrimPrefix(verbs, "newswire "+c.name+" "), "|") {
				lines = append(lines, first(c.name, v))
			}
			continue
		}
		lines = append(lines, u)
	}
	return lines
}

// README's Commands block is what -h prints, generated from the same
// FlagSets: a flag added to a command shows in both or the test fails.
func TestREADMECommandsMatchHelp(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Commands\n\n```\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README has no Commands block")
	}
	want := strings.Join(usageLines(t), "\n") + "\n"
	if block != want {
		t.Errorf("README's Commands block differs from -h; it should read:\n%s", want)
	}
}

// -h shows a command's flags, and no empty Flags heading when it has none;
// a group's -h shows its verbs' flags.
func TestHelpShowsEveryFlag(t *testing.T) {
	for _, c := range []string{"validate", "version"} {
		_, stderr, _ := run(t, nil, c, "-h")
		if strings.Contains(stderr, "Flags:") {
			t.Errorf("%s -h prints a Flags heading without flags:\n%s", c, stderr)
		}
	}
	for group, flags := range map[string][]string{
		"sources": {"--name NAME", "--url URL", "--allow-private", "--disabled", "--rule MATCH=SLUG", "--json"},
		"opml":    {"--schedule SPEC", "--allow-private", "--category SLUG"},
	} {
		_, stderr, _ := run(t, nil, group, "-h")
		for _, f := range flags {
			if !strings.Contains(stderr, "\n  "+f+"\n") {
				t.Errorf("%s -h does not show %s:\n%s", group, f, stderr)
			}
		}
		if n := strings.Count(stderr, "Environment:"); n != 1 {
			t.Errorf("%s -h lists the environment %d times", group, n)
		}
	}
	for cmd, flags := range map[string][]string{
		"serve":  {"--demo-dir FOLDER", "--log-format FORMAT", "--log-level LEVEL"},
		"import": {"--explain"},
	} {
		_, stderr, _ := run(t, nil, cmd, "-h")
		usage, _, _ := strings.Cut(stderr, "\n")
		for _, f := range flags {
			if !strings.Contains(usage, f) {
				t.Errorf("%s usage line lacks %s: %s", cmd, f, usage)
			}
		}
	}
}

// A mistyped flag is said once, after the usage, with the flag spelled
// as help spells it (two dashes); -h shows no Go value as a default.
func TestFlagErrorsAreSaidOnceLikeHelp(t *testing.T) {
	env := dbEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sources", "add", "--bogus"}, "unknown flag --bogus"},
		{[]string{"sources", "add", "--name", "x", "--url", "https://e.example/", "--rule", "foo"}, `--rule "foo": want MATCH=SLUG`},
		{[]string{"import", "--db"}, "--db needs a value"},
		{[]string{"serve", "--demo=maybe"}, `--demo "maybe": want true or false`},
		{[]string{"fetch", "--source", "nosuch"}, `--source "nosuch": no such source`},
	} {
		_, stderr, err := run(t, env, tt.args...)
		if exitCode(err) != 2 || err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: exit %d %v, want 2 saying %q", tt.args, exitCode(err), err, tt.want)
			continue
		}
		cause := strings.TrimPrefix(err.Error(), "usage: ")
		if strings.Contains(stderr, cause) || strings.Contains(err.Error(), " -") && !strings.Contains(err.Error(), " --") {
			t.Errorf("%v: the error is printed twice or with one dash: %q\n%s", tt.args, err, stderr)
		}
		if strings.Count(err.Error(), `"nosuch"`) > 1 {
			t.Errorf("%v: %q names the source twice", tt.args, err)
		}
	}
	_, stderr, _ := run(t, nil, "sources", "add", "-h")
	if strings.Contains(stderr, `(default "[]")`) {
		t.Errorf("sources add -h shows a Go value as --rule's default:\n%s", stderr)
	}
}

// envOf is the variables a -h output lists under Environment.
func envOf(help string) []string {
	_, env, ok := strings.Cut(help, "\nEnvironment:\n")
	if !ok {
		return nil
	}
	var names []string
	for _, line := range strings.Split(env, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(line, "  NEWSWIRE_") {
			names = append(names, f[0])
		}
	}
	return names
}

// Each command's -h lists the variables it reads and no other, and a
// variable another command reads (NEWSWIRE_LISTEN, for serve) cannot
// break it.
func TestHelpListsOnlyTheVariablesACommandReads(t *testing.T) {
	cfgDB := "NEWSWIRE_CONFIG NEWSWIRE_DB"
	for cmd, want := range map[string]string{
		"serve":          cfgDB + " NEWSWIRE_LISTEN NEWSWIRE_ADMIN_TOKEN NEWSWIRE_INSTANCE",
		"fetch":          cfgDB + " NEWSWIRE_INSTANCE",
		"import":         cfgDB,
		"sources add":    cfgDB,
		"sources list":   cfgDB,
		"sources remove": cfgDB,
		"sources":        cfgDB,
		"opml import":    cfgDB,
		"opml export":    cfgDB,
		"opml":           cfgDB,
		"migrate-db":     "",
		"validate":       "",
		"version":        "",
	} {
		_, stderr, _ := run(t, nil, append(strings.Fields(cmd), "-h")...)
		if got := strings.Join(envOf(stderr), " "); got != want {
			t.Errorf("%s -h lists %q, want %q", cmd, got, want)
		}
	}
	env := dbEnv(t)
	env["NEWSWIRE_LISTEN"] = "not-an-address"
	env["NEWSWIRE_ADMIN_TOKEN"] = "short"
	for _, args := range [][]string{{"sources", "list"}, {"opml", "export"}, {"import", "../../internal/demo/articles"}} {
		if _, _, err := run(t, env, args...); err != nil {
			t.Errorf("%v with serve's variables set: %v", args, err)
		}
	}
}
