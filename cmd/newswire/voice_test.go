package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func dbEnv(t *testing.T) map[string]string {
	t.Helper()
	return map[string]string{"NEWSWIRE_DB": filepath.Join(t.TempDir(), "n.db")}
}

// A loopback or private literal address (or localhost) is refused when the
// source is added, naming the flag that allows it; with the flag it is
// taken. opml import takes the flag too.
func TestAddRefusesPrivateHostsNamingTheFlag(t *testing.T) {
	env := dbEnv(t)
	for _, u := range []string{"http://127.0.0.1:8000/rss", "http://localhost/feed", "http://10.1.2.3/rss", "http://[::1]/rss", "http://192.168.0.10/rss"} {
		_, _, err := run(t, env, "sources", "add", "--name", "local", "--url", u)
		if err == nil || !strings.Contains(err.Error(), "--allow-private") || !strings.Contains(err.Error(), "--url") {
			t.Errorf("sources add --url %s: %v, want an error naming --url and --allow-private", u, err)
		}
	}
	if _, _, err := run(t, env, "sources", "add", "--name", "local", "--url", "http://127.0.0.1:8000/rss", "--allow-private"); err != nil {
		t.Errorf("with --allow-private: %v", err)
	}
	if _, _, err := run(t, env, "sources", "add", "--name", "public", "--url", "https://news.example/rss"); err != nil {
		t.Errorf("a public host: %v", err)
	}

	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Lab feed" type="rss" xmlUrl="http://127.0.0.1:9000/lab.xml"/>
</body></opml>`), 0o644)
	env = dbEnv(t)
	_, stderr, err := run(t, env, "opml", "import", opml)
	if err == nil || !strings.Contains(stderr, "--allow-private") || !strings.Contains(stderr, "xmlUrl") {
		t.Errorf("opml import of a loopback feed: %v\n%s", err, stderr)
	}
	if out, stderr, err := run(t, env, "opml", "import", "--allow-private", opml); err != nil || !strings.Contains(out, "1 source added") {
		t.Errorf("opml import --allow-private: %v\n%s%s", err, out, stderr)
	}
}

// Errors name what the user gave (a flag, an OPML outline), never the
// config file's keys when no config file is involved.
func TestSourceErrorsNameWhatTheUserGave(t *testing.T) {
	env := dbEnv(t)
	_, _, err := run(t, env, "sources", "add", "--name", "w", "--url", "ftp://x", "--schedule", "@every 0s", "--category", "Not A Slug")
	for _, want := range []string{`--url "ftp://x"`, `--schedule "@every 0s"`, `--category "Not A Slug"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "config") {
		t.Errorf("error speaks of a config file: %v", err)
	}
	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Broken" type="rss" xmlUrl="gopher://old.example/feed"/>
</body></opml>`), 0o644)
	_, stderr, _ := run(t, env, "opml", "import", opml)
	if !strings.Contains(stderr, `outline 1 ("Broken")`) || !strings.Contains(stderr, `xmlUrl "gopher://old.example/feed"`) || strings.Contains(stderr, "config") {
		t.Errorf("opml import error: %s", stderr)
	}
	if _, _, err := run(t, env, "opml", "import", "--schedule", "every hour", opml); err == nil || !strings.Contains(err.Error(), `--schedule "every hour"`) {
		t.Errorf("bad --schedule: %v", err)
	}
}

// New source names are letters (any script), digits, -, _ and .; names
// stored before keep working, and OPML titles become such names.
func TestNewSourceNames(t *testing.T) {
	env := dbEnv(t)
	for _, bad := range []string{"has space", "a/b", "-lead", "tab\tname"} {
		if _, _, err := run(t, env, "sources", "add", "--name", bad, "--url", "https://news.example/rss"); err == nil || !strings.Contains(err.Error(), "--name") {
			t.Errorf("name %q: %v, want an error naming --name", bad, err)
		}
	}
	for _, good := range []string{"wire", "bbc_arabic", "reuters.world", "وكالة-الأنباء", "feed2"} {
		if _, _, err := run(t, env, "sources", "add", "--name", good, "--url", "https://news.example/"+good); err != nil {
			t.Errorf("name %q: %v", good, err)
		}
	}
	opml := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opml, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="BBC News / World" type="rss" xmlUrl="https://bbc.example/world.xml"/>
<outline text="  الجزيرة  نت  " type="rss" xmlUrl="https://aljazeera.example/rss"/>
</body></opml>`), 0o644)
	if _, stderr, err := run(t, env, "opml", "import", opml); err != nil {
		t.Fatalf("opml import: %v\n%s", err, stderr)
	}
	out, _, err := run(t, env, "sources", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name": "BBC-News-World"`, `"name": "الجزيرة-نت"`} {
		if !strings.Contains(out, want) {
			t.Errorf("sources list lacks %s:\n%s", want, out)
		}
	}
}

// sources list --json prints the admin API's shape: snake_case keys, no
// nulls, no Go field names.
func TestSourcesListJSONIsTheAPIShape(t *testing.T) {
	env := dbEnv(t)
	if _, _, err := run(t, env, "sources", "add", "--name", "wire", "--url", "https://news.example/rss", "--category", "world"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, env, "sources", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
		t.Fatalf("%v\n%s", err, out)
	}
	snake := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	for k, v := range list[0] {
		if !snake.MatchString(k) || v == nil {
			t.Errorf("key %q = %v: want snake_case keys without nulls", k, v)
		}
	}
	for _, k := range []string{"name", "url", "schedule", "categories", "enabled"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
}

// An article file with no category, imported without --category, goes to
// uncategorized, like an upstream item no rule places.
func TestImportWithoutCategoryIsUncategorized(t *testing.T) {
	env := dbEnv(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "brief.txt"), []byte("Port strike ends\n\nDock workers returned to work on Monday after a week-long strike over pay.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "note.md"), []byte("---\ntitle: Bridge reopens\n---\n\nThe old bridge reopened to traffic after two years of repairs.\n"), 0o644)
	out, stderr, err := run(t, env, "import", dir)
	if err != nil || !strings.Contains(out, "2 new") {
		t.Fatalf("import: %v\n%s%s", err, out, stderr)
	}
	base := serve(t, env)
	resp, body := get(t, base+"/feeds/uncategorized.rss")
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Port strike ends") || !strings.Contains(string(body), "Bridge reopens") {
		t.Errorf("uncategorized feed: %d\n%s", resp.StatusCode, body)
	}
}

// A database the user names wrongly is one clear sentence.
func TestDatabaseErrorsAreOneSentence(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"fetch", "--db", "/nonexistent/dir/x.db"}, "the folder /nonexistent/dir does not exist"},
		{nil, []string{"sources", "list", "--db", ":memory:"}, "give a file path"},
		{map[string]string{"NEWSWIRE_DB": ":memory:"}, []string{"import", "x.txt"}, "give a file path"},
	} {
		_, stderr, err := run(t, tt.env, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "SELECT") || stderr != "" {
			t.Errorf("%v: %q (stderr %q), want one line saying %q", tt.args, err, stderr, tt.want)
		}
	}
}
