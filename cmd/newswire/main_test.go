package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
)

// run executes newswire in-process with the given environment.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }, IsTerminal: func(io.Writer) bool { return false }}
	err = m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

// lockedBuffer collects a running server's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// serve starts `newswire serve` in-process and returns its base URL.
func serve(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	logs := &lockedBuffer{}
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs,
		Getenv: func(k string) string { return env[k] }, IsTerminal: func(io.Writer) bool { return false },
		Ready: func(addr string) { ready <- addr }}
	go func() {
		done <- m.Run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0", "--log-level", "debug"}, args...))
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve exited: %v\n%s", err, logs.b.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			logs.mu.Lock()
			t.Logf("serve log:\n%s", logs.b.String())
			logs.mu.Unlock()
		}
	})
	return "http://" + addr
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

const seedPath = "../../internal/demo/articles/000_bcfca962802f740c.txt"

// The seed article as the newsroom has it: title, nine story paragraphs,
// then a trailing block for search engines that must not be published.
const (
	seedTitle     = "روسيا ترفض مساعدة أرمينيا ضد أذربيجان"
	seedFirst     = "رفضت موسكو تقديم الدعم لأرمينيا ضد أذربيجان في المعارك الدائرة بإقليم قره باغ، ما دامت الاشتباكات لا تقع في نطاق الأراضي الأرمينية."
	seedLast      = "وفشلت ثلاث اتفاقيات للهدنة في وقف الحرب كان آخرها في واشنطن الأسبوع الماضي بوساطة وزير الخارجية الأمريكي مايك بومبيو."
	seedStoryPars = 9
)

var seedFiller = []string{"معلومات إضافية ومفصلة", "محركات البحث", "مواضيع ذات صلة", "أسئلة شائعة", "س:", "ج:", "هذا المحتوى يوفر"}

func TestEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	out, errOut, err := run(t, nil, "import", "--db", db, "--category", "politics", seedPath)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	if strings.TrimSpace(out) != "1 file read, 0 failed; 1 article: 1 new, 0 updated, 0 unchanged" {
		t.Errorf("import summary: %q", out)
	}
	// Importing again changes nothing.
	if out, _, err := run(t, nil, "import", "--db", db, "--category", "politics", seedPath); err != nil || !strings.Contains(out, "1 article: 0 new, 0 updated, 1 unchanged") {
		t.Errorf("second import: %q %v", out, err)
	}

	base := serve(t, map[string]string{"NEWSWIRE_DB": db})
	for _, ext := range []string{"rss", "atom", "json"} {
		t.Run(ext, func(t *testing.T) {
			url := base + "/feeds/politics." + ext
			resp, body := get(t, url)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
			}
			if err := feeds.ValidateErr(body); err != nil {
				t.Fatalf("feed does not validate: %v", err)
			}
			f, err := feeds.Parse(body)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 {
				t.Fatalf("%d items", len(f.Items))
			}
			a := f.Items[0]
			if a.Title != seedTitle {
				t.Errorf("title %q, want %q", a.Title, seedTitle)
			}
			if n := strings.Count(a.ContentHTML, "<p>"); n != seedStoryPars {
				t.Errorf("%d paragraphs, want %d:\n%s", n, seedStoryPars, a.ContentHTML)
			}
			if !strings.Contains(a.ContentHTML, "<p>"+seedFirst+"</p>") || !strings.Contains(a.ContentHTML, "<p>"+seedLast+"</p>") {
				t.Errorf("first or last story paragraph missing:\n%s", a.ContentHTML)
			}
			for _, junk := range seedFiller {
				if strings.Contains(string(body), junk) {
					t.Errorf("published feed contains filler %q", junk)
				}
			}

			// Cheap polling: 304 with the ETag, gzip when asked.
			etag := resp.Header.Get("ETag")
			if r, b := get(t, url, "If-None-Match", etag); r.StatusCode != 304 || len(b) != 0 {
				t.Errorf("repeat with ETag: %d, %d bytes", r.StatusCode, len(b))
			}
			r, zipped := get(t, url, "Accept-Encoding", "gzip")
			if r.Header.Get("Content-Encoding") != "gzip" {
				t.Fatal("no gzip")
			}
			zr, err := gzip.NewReader(bytes.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, body) {
				t.Error("gzip body differs")
			}

			// Our own validator agrees, on the file and on the URL.
			file := filepath.Join(t.TempDir(), "feed."+ext)
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, target := range []string{file, url} {
				if out, _, err := run(t, nil, "validate", target); err != nil {
					t.Errorf("validate %s: %v\n%s", target, err, out)
				}
			}
		})
	}

	if r, b := get(t, base+"/feeds/sports.rss"); r.StatusCode != 404 || !strings.Contains(string(b), "sports") {
		t.Errorf("unknown category: %d %s", r.StatusCode, b)
	}
	_, index := get(t, base+"/")
	for _, want := range []string{`rel="alternate" type="application/rss+xml"`, `href="` + base + `/feeds/politics.atom"`, `type="application/feed+json"`} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index lacks %s", want)
		}
	}
	if r, _ := get(t, base+"/healthz"); r.StatusCode != 200 {
		t.Errorf("healthz %d", r.StatusCode)
	}
}

func TestValidateBrokenFixtures(t *testing.T) {
	files, err := filepath.Glob("../../testdata/feeds/broken/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken fixtures: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue // the folder's README
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, _, err := run(t, nil, "validate", f)
			if exitCode(err) != 1 {
				t.Errorf("validate %s: exit %d, want 1\n%s", f, exitCode(err), out)
			}
		})
	}
}

func TestImportReportsBadFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	missing := filepath.Join(dir, "missing.txt")
	// A missing path fails on its own too; flags may follow the paths.
	out, errOut, err := run(t, nil, "import", "--db", db, "../../testdata/import-bad", seedPath, missing, "--category", "world")
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v", exitCode(err), err)
	}
	// Files and articles are counted apart: 11 bad files, the missing
	// path and the seed were read; the seed's one article is new.
	if want := "13 files read, 12 failed; 1 article: 1 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
	if !strings.Contains(errOut, "testdata/import-bad/") || !strings.Contains(errOut, missing) {
		t.Errorf("errors do not name the files: %q", errOut)
	}
}

// A JSON file holds many articles: the summary says how many files and
// how many articles, never one count mixing the two.
func TestImportSummaryCountsFilesAndArticles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	roundup := "../../internal/demo/articles/006_wire-roundup.json"
	args := []string{"import", "--db", db, "--category", "world", roundup, seedPath, "../../testdata/import-bad/bad_url.json"}
	out, _, err := run(t, nil, args...)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v", exitCode(err), err)
	}
	if want := "3 files read, 1 failed; 3 articles: 3 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
	out, _, _ = run(t, nil, args...)
	if want := "3 files read, 1 failed; 3 articles: 0 new, 0 updated, 3 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("second summary %q, want %q", out, want)
	}
}

func TestDemo(t *testing.T) {
	base := serve(t, nil, "--demo")
	for _, p := range []string{"/feeds/all.rss", "/feeds/politics.atom", "/feeds/all.json"} {
		resp, body := get(t, base+p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if err := feeds.ValidateErr(body); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	_, body := get(t, base+"/feeds/all.json")
	f, err := feeds.Parse(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) < 5 {
		t.Errorf("demo has %d articles", len(f.Items))
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"serve", "-h"}, 0},
		{[]string{"import", "-h"}, 0},
		{[]string{"validate", "-h"}, 0},
		{[]string{"version", "-h"}, 0},
		{[]string{"serve", "--no-such-flag"}, 2},
		{[]string{"import"}, 2},
		{[]string{"import", "--category", "Bad Slug", "x.txt"}, 2},
		{[]string{"validate"}, 2},
		{[]string{"version"}, 0},
		{[]string{"fetch", "-h"}, 0},
		{[]string{"sources", "-h"}, 0},
		{[]string{"opml", "-h"}, 0},
		{[]string{"sources"}, 2},
		{[]string{"opml", "bogus"}, 2},
		{[]string{"sources", "add", "-h"}, 0},
		{[]string{"sources", "add"}, 2},
		{[]string{"sources", "list", "extra"}, 2},
		{[]string{"opml", "export", "extra"}, 2},
		{[]string{"version", "extra"}, 2},
		{[]string{"fetch", "extra"}, 2},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, err := run(t, nil, tt.args...)
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit %d, want %d (%v)", got, tt.code, err)
			}
			// validate and version read no database (each command's list:
			// TestHelpListsOnlyTheVariablesACommandReads).
			if len(tt.args) == 2 && tt.args[1] == "-h" && tt.args[0] != "validate" && tt.args[0] != "version" &&
				!strings.Contains(stderr, "NEWSWIRE_DB") {
				t.Errorf("-h does not list the environment variables:\n%s", stderr)
			}
		})
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfgFile, []byte("database: "+filepath.Join(dir, "from-config.db")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NEWSWIRE_CONFIG": cfgFile}
	imp := func(extra ...string) {
		t.Helper()
		args := append([]string{"import", "--category", "world"}, extra...)
		if _, errOut, err := run(t, env, append(args, seedPath)...); err != nil {
			t.Fatalf("import: %v %s", err, errOut)
		}
	}
	imp()
	if _, err := os.Stat(filepath.Join(dir, "from-config.db")); err != nil {
		t.Errorf("config file's database not used: %v", err)
	}
	env["NEWSWIRE_DB"] = filepath.Join(dir, "from-env.db")
	imp()
	if _, err := os.Stat(env["NEWSWIRE_DB"]); err != nil {
		t.Errorf("NEWSWIRE_DB not used over the config: %v", err)
	}
	imp("--db", filepath.Join(dir, "from-flag.db"))
	if _, err := os.Stat(filepath.Join(dir, "from-flag.db")); err != nil {
		t.Errorf("--db not used over NEWSWIRE_DB: %v", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("site:\n  title: x\n  colour: red\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, nil, "import", "--config", bad, seedPath)
	if err == nil || !strings.Contains(err.Error(), "colour") || !strings.Contains(err.Error(), "3") {
		t.Errorf("unknown key error does not name the key and line: %v", err)
	}
	if errors.Is(err, errUsage) {
		t.Error("a config error is not a usage error")
	}
}

func TestFeedBudgetFromConfig(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("[")
	for i := range 60 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"guid": "a-%d", "title": "خبر %d", "categories": ["world"], "published": "2026-11-01T%02d:00:00Z",
			"content_html": "<p>%s</p>"}`, i, i, i%24, strings.Repeat("نص طويل من الخبر ", 200))
	}
	b.WriteString("]")
	if err := os.WriteFile(filepath.Join(dir, "batch.json"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "c.yaml")
	os.WriteFile(cfg, []byte("database: "+filepath.Join(dir, "n.db")+"\nfeeds: {max_bytes: 65536}\n"), 0o644)
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}
	if _, errOut, err := run(t, env, "import", filepath.Join(dir, "batch.json")); err != nil {
		t.Fatalf("import: %v %s", err, errOut)
	}
	base := serve(t, env)
	for _, ext := range []string{"rss", "atom", "json"} {
		_, body := get(t, base+"/feeds/world."+ext)
		if len(body) > 65536 {
			t.Errorf("%s: %d bytes, over the configured 65536", ext, len(body))
		}
		if err := feeds.ValidateErr(body); err != nil {
			t.Errorf("%s: %v", ext, err)
		}
	}
}

func TestFlagsMayFollowArguments(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	x := fs.String("x", "", "")
	v := fs.Bool("v", false, "")
	if err := parseFlags(fs, []string{"a", "--x", "1", "b", "-v", "-", "--", "--c", "d"}); err != nil {
		t.Fatal(err)
	}
	if *x != "1" || !*v || !slices.Equal(fs.Args(), []string{"a", "b", "-", "--c", "d"}) {
		t.Errorf("x=%q v=%v args=%q", *x, *v, fs.Args())
	}
}

// Two files of one import that name one article (the same file name in
// two folders, or one explicit guid) do not overwrite each other: the
// later file is refused, naming the earlier, and the first story stays.
func TestImportRefusesTwoFilesOfOneArticle(t *testing.T) {
	env := dbEnv(t)
	dir := t.TempDir()
	for _, f := range []struct{ path, body string }{
		{"2025/brief.txt", "Harbour reopens\n\nThe harbour reopened on Monday after storm repairs.\n"},
		{"2026/brief.md", "---\ntitle: Ferry fares rise\n---\n\nFerry fares rise by a tenth from next month.\n"},
		{"a.json", `{"guid":"cms-7","title":"Mill closes","content_html":"<p>The old mill closed after a century.</p>"}`},
		{"b.json", `{"guid":"cms-7","title":"Bakery opens","content_html":"<p>A bakery opened in the square.</p>"}`},
	} {
		p := filepath.Join(dir, f.path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(f.body), 0o644)
	}
	out, stderr, err := run(t, env, "import", dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v\n%s%s", exitCode(err), err, out, stderr)
	}
	if want := "4 files read, 2 failed; 2 articles: 2 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
	for _, pair := range [][2]string{{"2026/brief.md", "2025/brief.txt"}, {"b.json", "a.json"}} {
		if !regexp.MustCompile(regexp.QuoteMeta(pair[0]) + `: .*` + regexp.QuoteMeta(pair[1])).MatchString(stderr) {
			t.Errorf("no error naming %s and %s:\n%s", pair[0], pair[1], stderr)
		}
	}
	base := serve(t, env)
	_, body := get(t, base+"/feeds/uncategorized.rss")
	for _, kept := range []string{"Harbour reopens", "Mill closes"} {
		if !strings.Contains(string(body), kept) {
			t.Errorf("feed lost %q:\n%s", kept, body)
		}
	}
}
