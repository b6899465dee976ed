package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --demo-dir with nothing to show is one sentence, said before any
// database is created (no migration lines, no Go "stat:" first).
func TestDemoDirCheckedBeforeTheDatabase(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "photo.jpg")
	os.WriteFile(file, []byte("not an article"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	missing := filepath.Join(dir, "nonexistent")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--demo", "--demo-dir", missing}, missing + ": no such file or directory"},
		{[]string{"--demo", "--demo-dir", file}, file + ": unsupported"},
		{[]string{"--demo", "--demo-dir", empty}, empty + ": no article files"},
		{[]string{"--demo-dir", dir}, "--demo-dir is for --demo"},
	} {
		db := filepath.Join(t.TempDir(), "demo.db")
		env := map[string]string{"NEWSWIRE_DB": db, "NEWSWIRE_LISTEN": "127.0.0.1:0"}
		// A serve that starts anyway is stopped once it listens.
		ctx, cancel := context.WithCancel(context.Background())
		var stderrBuf lockedBuffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderrBuf,
			Getenv: func(k string) string { return env[k] }, IsTerminal: func(io.Writer) bool { return false },
			Ready: func(string) { cancel() }}
		err := m.Run(ctx, append([]string{"serve"}, tt.args...))
		cancel()
		stderrBuf.mu.Lock()
		stderr := stderrBuf.b.String()
		stderrBuf.mu.Unlock()
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("serve %v: %v, want one sentence saying %q", tt.args, err, tt.want)
		}
		if stderr != "" {
			t.Errorf("serve %v logged before the error:\n%s", tt.args, stderr)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("serve %v created the database first", tt.args)
		}
	}
}

// A path the user names that cannot be read is one sentence naming it,
// without Go's operation ("stat", "open") or a second copy of the path;
// import still imports the other paths and counts it as a failed file.
func TestMissingPathsAreOneSentence(t *testing.T) {
	env := dbEnv(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	os.WriteFile(good, []byte("Port strike ends\n\nDock workers returned to work on Monday.\n"), 0o644)
	missing := filepath.Join(dir, "missing.md")
	out, stderr, err := run(t, env, "import", missing, good)
	if exitCode(err) != 1 || !strings.Contains(out, "2 files read, 1 failed") || !strings.Contains(out, "1 new") {
		t.Errorf("import: exit %d, %q", exitCode(err), out)
	}
	oneSentence := func(what, msg string) {
		t.Helper()
		if !strings.Contains(msg, missing+": no such file or directory") || strings.Count(msg, missing) != 1 ||
			strings.Contains(msg, "stat") || strings.Contains(msg, "open ") {
			t.Errorf("%s says %q, want one sentence naming %s", what, msg, missing)
		}
	}
	oneSentence("import", stderr)
	for _, args := range [][]string{
		{"validate", missing},
		{"opml", "import", missing},
		{"import", "--config", missing, good},
	} {
		_, _, err := run(t, env, args...)
		if err == nil {
			t.Errorf("%v: no error", args)
			continue
		}
		oneSentence(strings.Join(args[:len(args)-1], " "), err.Error())
	}
}

// sources add and opml import confirm a source in one sentence of the
// same form: where it is read from, how often, and where its items go
// (uncategorized when it names no category).
func TestSourceConfirmationReadsNaturally(t *testing.T) {
	env := dbEnv(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--name", "wire", "--url", "https://wire.example/rss", "--schedule", "@every 15m"},
			"added source wire: https://wire.example/rss every 15m, items to uncategorized"},
		{[]string{"--name", "wire", "--url", "https://wire.example/rss", "--schedule", "@every 15m"},
			"no change to source wire: https://wire.example/rss every 15m, items to uncategorized"},
		{[]string{"--name", "wire", "--url", "https://wire.example/rss", "--schedule", "@hourly", "--category", "world", "--rule", "sport=sports", "--disabled"},
			"updated source wire: https://wire.example/rss hourly, items by 1 rule, else to world; disabled, not polled"},
		{[]string{"--name", "agency", "--url", "https://agency.example/feed", "--schedule", "0 6 * * *", "--category", "world", "--category", "economy"},
			`added source agency: https://agency.example/feed on cron "0 6 * * *", items to world and economy`},
	} {
		out, _, err := run(t, env, append([]string{"sources", "add"}, tt.args...)...)
		if err != nil || strings.TrimSpace(out) != tt.want {
			t.Errorf("sources add %v:\n got %q (%v)\nwant %q", tt.args, strings.TrimSpace(out), err, tt.want)
		}
	}
	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Lab" type="rss" xmlUrl="https://lab.example/rss"/>
</body></opml>`), 0o644)
	out, _, err := run(t, env, "opml", "import", "--schedule", "@every 1h", opml)
	want := "added source Lab: https://lab.example/rss every 1h, items to uncategorized\n1 source added, 0 already there, 0 skipped\n"
	if err != nil || out != want {
		t.Errorf("opml import:\n got %q (%v)\nwant %q", out, err, want)
	}
}

// A host written as a number browsers read as a loopback or private
// address is refused at add time like the dotted form, naming the flag
// and the address it stands for.
func TestAddRefusesNumericPrivateHosts(t *testing.T) {
	env := dbEnv(t)
	for u, addr := range map[string]string{
		"http://2130706433/x":      "127.0.0.1",
		"http://0x7f.1/":           "127.0.0.1",
		"http://017700000001/":     "127.0.0.1",
		"http://127.1:8080/feed":   "127.0.0.1",
		"http://0xa9fea9fe/latest": "169.254.169.254",
		"http://10.258/rss":        "10.0.1.2",
	} {
		_, _, err := run(t, env, "sources", "add", "--name", "n", "--url", u)
		if err == nil || !strings.Contains(err.Error(), "--allow-private") || !strings.Contains(err.Error(), "("+addr+")") {
			t.Errorf("sources add --url %s: %v, want an error naming --allow-private and %s", u, err, addr)
		}
	}
	if _, _, err := run(t, env, "sources", "add", "--name", "n", "--url", "http://2130706433/x", "--allow-private"); err != nil {
		t.Errorf("with --allow-private: %v", err)
	}
}
