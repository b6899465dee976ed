package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fieldErrors flattens err (joined, wrapped) into its FieldErrors.
func fieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse(strings.NewReader(src), "test.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return cfg
}

func TestDefault(t *testing.T) {
	c := Default()
	if c.Database != "./newswire.db" || c.Listen != "127.0.0.1:8080" || c.CacheMaxAge != 300*time.Second {
		t.Errorf("Default() = %+v", c)
	}
	if c.Site.Title != "newswire" || c.Site.Language != "en" || c.Site.BaseURL != "" {
		t.Errorf("Default().Site = %+v", c.Site)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default() does not validate: %v", err)
	}
}

func TestParseExample(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "..", "testdata", "config", "newswire.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("example config does not validate: %v", err)
	}
	if cfg.Site.Title != "نيوزواير" || cfg.Site.BaseURL != "https://news.example" || cfg.Site.Language != "ar" {
		t.Errorf("site = %+v", cfg.Site)
	}
	if cfg.CacheMaxAge != 5*time.Minute || cfg.Database != "newswire.db" || cfg.DatabaseMaxConns != 10 {
		t.Errorf("cache_max_age %v, database %q, database_max_conns %d", cfg.CacheMaxAge, cfg.Database, cfg.DatabaseMaxConns)
	}
	var slugs []string
	for _, c := range cfg.Categories {
		slugs = append(slugs, c.Slug)
	}
	if !reflect.DeepEqual(slugs, []string{"politics", "world", "economy", "tech"}) || cfg.Categories[0].Title != "سياسة" {
		t.Errorf("categories = %+v", cfg.Categories)
	}
	if len(cfg.Sources) != 1 {
		t.Fatalf("sources = %+v", cfg.Sources)
	}
	s := cfg.Sources[0]
	want := Source{
		Name: "wire", URL: "https://wire.example/ar/rss.xml", Schedule: "@every 10m",
		Categories: []string{"world"},
		Rules:      []Rule{{"سياسة", "politics"}, {"Politics", "politics"}, {"اقتصاد", "economy"}},
		Enabled:    s.Enabled,
	}
	if !reflect.DeepEqual(s, want) || !s.IsEnabled() || s.Enabled == nil {
		t.Errorf("source\n got %+v\nwant %+v", s, want)
	}
	if got := cfg.Clean.Related; len(got) != 4 || got[0] != "مواضيع ذات صلة" || cfg.Clean.Headings != nil {
		t.Errorf("clean = %+v", cfg.Clean)
	}
}

func TestParseFillsDefaults(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "~\n"} {
		cfg := mustParse(t, src)
		if !reflect.DeepEqual(cfg, Default()) {
			t.Errorf("Parse(%q) = %+v, want Default()", src, cfg)
		}
	}
	cfg := mustParse(t, "site: {title: T}\nsources:\n  - {name: a, url: 'https://a.example/rss'}\n  - {name: b, url: 'https://b.example/rss', enabled: false, schedule: '@hourly'}\ncache_max_age: 60\n")
	if cfg.Site.Language != "en" || cfg.Listen != DefaultListen || cfg.CacheMaxAge != time.Minute {
		t.Errorf("defaults lost: %+v", cfg)
	}
	if cfg.Sources[0].Schedule != DefaultSchedule || !cfg.Sources[0].IsEnabled() || cfg.Sources[0].Enabled == nil || !*cfg.Sources[0].Enabled {
		t.Errorf("source a = %+v", cfg.Sources[0])
	}
	if cfg.Sources[1].Schedule != "@hourly" || cfg.Sources[1].IsEnabled() || !(Source{}).IsEnabled() {
		t.Errorf("source b = %+v", cfg.Sources[1])
	}
	if err := cfg.Validate(); err != nil {
		t.Error(err)
	}
}

func TestCacheMaxAgeForms(t *testing.T) {
	for src, want := range map[string]time.Duration{
		"cache_max_age: 300":   300 * time.Second,
		"cache_max_age: '120'": 2 * time.Minute,
		"cache_max_age: 1h":    time.Hour,
		"cache_max_age: 0":     0,
	} {
		if got := mustParse(t, src).CacheMaxAge; got != want {
			t.Errorf("%s: got %v, want %v", src, got, want)
		}
	}
}

func TestParseRefusesASecondDocument(t *testing.T) {
	_, err := Parse(strings.NewReader("site: {title: A}\n---\nlisten: nowhere\n"), "test.yaml")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 2 || !strings.Contains(err.Error(), "second YAML document") {
		t.Errorf("err = %v, want a syntax error at line 2", err)
	}
	if _, err := Parse(strings.NewReader("---\nsite: {title: A}\n"), "test.yaml"); err != nil {
		t.Errorf("a leading --- is one document: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantKey  string
		wantLine int
		wantMsg  string
	}{
		{"unknown top-level key", "site:\n  title: x\nlisten_addr: 1.2.3.4:80\n", "listen_addr", 3, "unknown key"},
		{"typo gets a suggestion", "databse: x.db\n", "databse", 1, `did you mean "database"`},
		{"unknown key in a source", "sources:\n  - name: a\n    url: https://a.example/\n    shedule: '@hourly'\n", "sources[0].shedule", 4, `did you mean "schedule"`},
		{"unknown key in a rule", "sources:\n  - name: a\n    rules:\n      - {match: x, slug: y}\n", "sources[0].rules[0].slug", 4, "unknown key"},
		{"unknown key in site", "site:\n  title: x\n  lang: ar\n", "site.lang", 3, "unknown key"},
		{"list where text belongs", "listen: [a, b]\n", "listen", 1, "must be text"},
		{"mapping where a list belongs", "categories:\n  slug: x\n", "categories", 2, "must be a list"},
		{"bad boolean", "sources:\n  - name: a\n    enabled: maybe\n", "sources[0].enabled", 3, "true or false"},
		{"bad cache_max_age", "cache_max_age: soon\n", "cache_max_age", 1, "number of seconds"},
		{"duplicate key", "listen: a:1\nlisten: b:2\n", "listen", 2, "duplicate key"},
		{"top level not a mapping", "- a\n- b\n", "(top level)", 1, "must be a mapping"},
		{"category item not a mapping", "categories:\n  - politics\n", "categories[0]", 2, "must be a mapping"},
		{"fraction for a whole number", "ingest:\n  concurrency: 1.5\n", "ingest.concurrency", 2, "whole number"},
		{"exponent for a whole number", "ingest:\n  max_bytes: 1e3\n", "ingest.max_bytes", 2, "whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.src), "test.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "test.yaml: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			fes := fieldErrors(err)
			if len(fes) != 1 {
				t.Fatalf("want one FieldError, got %v", err)
			}
			fe := fes[0]
			if fe.Key != tt.wantKey || fe.Line != tt.wantLine || !strings.Contains(fe.Error(), tt.wantMsg) {
				t.Errorf("got %q (key %q line %d), want key %q line %d containing %q", fe, fe.Key, fe.Line, tt.wantKey, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

func TestParseUnknownKeyIsSentinel(t *testing.T) {
	_, err := Parse(strings.NewReader("title: x\n"), "c.yaml")
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("errors.Is(%v, ErrUnknownKey) = false", err)
	}
	if got, want := err.Error(), `c.yaml: config title="x" (line 1): unknown key`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseSyntaxErrorNamesLine(t *testing.T) {
	tests := []struct {
		src  string
		line int
	}{
		{"site:\n  title: x\n  description: [unclosed\nlisten: a\n", 3}, // parser error: library says 2
		{"listen: a\nsite: b: c\n", 2},                                  // scanner error
		{"[unclosed", 1},                                                // the library gives no line
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.src), "c.yaml")
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != tt.line || !strings.HasPrefix(err.Error(), "c.yaml: line ") {
			t.Errorf("Parse(%q) = %v, want a SyntaxError at line %d", tt.src, err, tt.line)
		}
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse(strings.NewReader("a: 1\nsite: {x: 1}\nlisten: [1]\n"), "c.yaml")
	if got := len(fieldErrors(err)); got != 3 {
		t.Errorf("got %d errors, want 3: %v", got, err)
	}
}

func TestParseMergeKeysStillChecked(t *testing.T) {
	// The walk skips merge keys; the strict decoder must still catch what
	// they bring in, and the error must still name the line.
	src := "categories:\n  - slug: x\n    <<: {title: X, colour: red}\n"
	_, err := Parse(strings.NewReader(src), "c.yaml")
	fes := fieldErrors(err)
	if len(fes) != 1 || fes[0].Line != 3 || !strings.Contains(fes[0].Error(), "colour") {
		t.Fatalf("got %v", err)
	}
	if fes[0].Key != "categories[0].colour" || !errors.Is(err, ErrUnknownKey) {
		t.Errorf("key %q", fes[0].Key)
	}
	cfg := mustParse(t, "categories:\n  - &c {slug: x, title: X}\n  - <<: *c\n    slug: y\n")
	if len(cfg.Categories) != 2 || cfg.Categories[1].Title != "X" || cfg.Categories[1].Slug != "y" {
		t.Errorf("merge: %+v", cfg.Categories)
	}
}

func TestParseTooLarge(t *testing.T) {
	src := "# " + strings.Repeat("x", maxFileBytes) + "\n"
	if _, err := Parse(strings.NewReader(src), "big.yaml"); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("got %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "config", "*.yaml"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("sources:\n  - {name: a, url: 'http://x', schedule: 'CRON_TZ=Asia/Riyadh'}\n")
	f.Add("a: &a [*a, *a]\n")
	f.Add("<<: {listen: x}\n")
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := Parse(strings.NewReader(src), "fuzz.yaml")
		if err != nil {
			return
		}
		cfg.ApplyEnv(func(string) string { return "" })
		cfg.Validate()
	})
}

func TestOperationalSections(t *testing.T) {
	cfg := mustParse(t, `
ingest: {concurrency: 8, max_new_per_pass: 20, timeout: 45s, max_bytes: 1048576}
websub: {hub_url: "https://hub.example/", allow_private_callbacks: true}
limits: {unconditional_interval: 120, include_loopback: true}
admin: {token: "0123456789abcdef0123"}
feeds: {max_items: 100, max_bytes: 1000000, max_renders: 16}
`)
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.Ingest.Concurrency != 8 || time.Duration(cfg.Ingest.Timeout) != 45*time.Second || !cfg.WebSub.AllowPrivateCallbacks ||
		time.Duration(cfg.Limits.Interval) != 2*time.Minute || cfg.Feeds.MaxItems != 100 || cfg.Feeds.MaxRenders != 16 || cfg.Admin.Token == "" {
		t.Errorf("sections not read: %+v %+v %+v %+v", cfg.Ingest, cfg.WebSub, cfg.Limits, cfg.Feeds)
	}
	if time.Duration(Default().Limits.Interval) != time.Minute {
		t.Error("default unconditional interval is not 60s")
	}

	bad := mustParse(t, "admin: {token: short}\nfeeds: {max_bytes: 100, max_renders: -2}\ningest: {concurrency: -1}\n")
	err := bad.Validate()
	for _, want := range []string{"admin.token", "feeds.max_bytes", "feeds.max_renders", "ingest.concurrency"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("validation error does not name %s: %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "short") {
		t.Error("the admin token leaked into an error message")
	}

	env := Default()
	env.ApplyEnv(func(k string) string {
		if k == EnvAdminToken {
			return "from-the-environment-123"
		}
		return ""
	})
	if env.Admin.Token != "from-the-environment-123" {
		t.Errorf("NEWSWIRE_ADMIN_TOKEN not applied: %q", env.Admin.Token)
	}
}

// The CDN directives read like cache_max_age, default to a minute and a
// day, and 0 turns one off.
func TestCacheStaleKeys(t *testing.T) {
	cfg := mustParse(t, "cache_stale_while_revalidate: 30\ncache_stale_if_error: 0\n")
	if cfg.CacheStaleWhileRevalidate != 30*time.Second || cfg.CacheStaleIfError != 0 {
		t.Errorf("got %v, %v", cfg.CacheStaleWhileRevalidate, cfg.CacheStaleIfError)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if d := Default(); d.CacheStaleWhileRevalidate != time.Minute || d.CacheStaleIfError != 24*time.Hour {
		t.Errorf("defaults %v, %v", d.CacheStaleWhileRevalidate, d.CacheStaleIfError)
	}
	cfg = mustParse(t, "cache_stale_if_error: 1500ms\n")
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "cache_stale_if_error") {
		t.Errorf("fractional seconds: %v", err)
	}
}
