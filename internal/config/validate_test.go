package config

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// goodSource is a valid source entry, indented as a list item of sources.
const goodSource = "sources:\n  - name: wire\n    url: https://wire.example/rss\n"

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		wantKey  string
		wantLine int
		wantMsg  string
	}{
		{"slug with a space", "categories:\n  - {slug: politics, title: سياسة}\n  - slug: Bad Slug\n", "categories[1].slug", 3, "must match [a-z0-9][a-z0-9-]*"},
		{"slug starting with a dash", "categories:\n  - slug: -x\n", "categories[0].slug", 2, "must match"},
		{"empty slug", "categories:\n  - title: No slug\n", "categories[0].slug", 2, "must not be empty"},
		{"duplicate slug", "categories:\n  - slug: world\n  - slug: world\n", "categories[1].slug", 3, "duplicate slug (also categories[0])"},
		{"reserved slug all", "categories:\n  - slug: all\n", "categories[0].slug", 2, "reserved"},
		{"reserved slug search", "categories:\n  - slug: search\n", "categories[0].slug", 2, "reserved"},
		{"long slug", "categories:\n  - slug: " + strings.Repeat("a", 65) + "\n", "categories[0].slug", 2, "longer than 64"},
		{"relative base_url", "site:\n  base_url: news.example\n", "site.base_url", 2, "absolute http"},
		{"ftp base_url", "site:\n  base_url: ftp://news.example\n", "site.base_url", 2, "absolute http"},
		{"base_url with a query", "site:\n  base_url: https://news.example/?a=1\n", "site.base_url", 2, "query"},
		{"bad language", "site:\n  language: arabic!\n", "site.language", 2, "BCP 47"},
		{"empty title", "site:\n  title: ''\n", "site.title", 2, "must not be empty"},
		{"listen without port", "listen: localhost\n", "listen", 1, "host:port"},
		{"listen port out of range", "listen: 127.0.0.1:99999\n", "listen", 1, "0 to 65535"},
		{"empty database", "database: ''\n", "database", 1, "must not be empty"},
		{"negative database_max_conns", "database_max_conns: -1\n", "database_max_conns", 1, "must not be negative"},
		{"negative cache_max_age", "cache_max_age: -5\n", "cache_max_age", 1, "negative"},
		{"fractional cache_max_age", "cache_max_age: 1500ms\n", "cache_max_age", 1, "whole seconds"},
		{"source without name", "sources:\n  - url: https://wire.example/rss\n", "sources[0].name", 2, "must not be empty"},
		{"duplicate source name", goodSource + "  - name: wire\n    url: https://b.example/rss\n", "sources[1].name", 4, "duplicate source name"},
		{"source without url", "sources:\n  - name: wire\n", "sources[0].url", 2, "must not be empty"},
		{"source url not http", "sources:\n  - name: wire\n    url: htp:/x\n", "sources[0].url", 3, "absolute http"},
		{"source url without host", "sources:\n  - name: wire\n    url: 'https:///rss'\n", "sources[0].url", 3, "host"},
		{"bare CRON_TZ panics the parser", goodSource + "    schedule: CRON_TZ=Asia/Riyadh\n", "sources[0].schedule", 4, "nothing scheduled"},
		{"empty CRON_TZ", goodSource + "    schedule: 'CRON_TZ= 0 * * * *'\n", "sources[0].schedule", 4, "empty time zone"},
		{"bad cron field", goodSource + "    schedule: '61 * * * *'\n", "sources[0].schedule", 4, "61"},
		{"every zero", goodSource + "    schedule: '@every 0s'\n", "sources[0].schedule", 4, "at least 1s"},
		{"source category not a slug", goodSource + "    categories: [world, Not OK]\n", "sources[0].categories[1]", 4, "must match"},
		{"rule without match", goodSource + "    rules:\n      - {category: politics}\n", "sources[0].rules[0].match", 5, "must not be empty"},
		{"rule category bad", goodSource + "    rules:\n      - match: سياسة\n        category: سياسة\n", "sources[0].rules[0].category", 6, "must match"},
		{"empty clean marker", "clean:\n  headings: [FAQ, '']\n", "clean.headings[1]", 2, "must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustParse(t, tt.src)
			err := cfg.Validate()
			fes := fieldErrors(err)
			if len(fes) != 1 {
				t.Fatalf("want one FieldError, got %d: %v", len(fes), err)
			}
			fe := fes[0]
			if fe.Key != tt.wantKey || fe.Line != tt.wantLine || !strings.Contains(fe.Err.Error(), tt.wantMsg) {
				t.Errorf("got %q (key %q line %d), want key %q line %d, containing %q", fe, fe.Key, fe.Line, tt.wantKey, tt.wantLine, tt.wantMsg)
			}
		})
	}
}

func TestFieldErrorFormat(t *testing.T) {
	cfg := mustParse(t, "site:\n  title: T\n\ncategories:\n  - slug: politics\n    title: سياسة\n  - slug: Bad Slug\n")
	err := cfg.Validate()
	want := `config categories[1].slug="Bad Slug" (line 7): must match [a-z0-9][a-z0-9-]*`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Value != "Bad Slug" {
		t.Errorf("errors.As: %+v", fe)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := mustParse(t, "listen: nope\ncategories:\n  - slug: all\nsources:\n  - {name: '', url: x, schedule: 'CRON_TZ=UTC'}\n")
	keys := map[string]bool{}
	for _, fe := range fieldErrors(cfg.Validate()) {
		keys[fe.Key] = true
	}
	for _, k := range []string{"listen", "categories[0].slug", "sources[0].name", "sources[0].url", "sources[0].schedule"} {
		if !keys[k] {
			t.Errorf("no error for %s (got %v)", k, keys)
		}
	}
}

func TestValidateProgrammaticConfig(t *testing.T) {
	// A config built in code has no file lines; errors still name the key.
	cfg := Default()
	cfg.Sources = []Source{{Name: "x", URL: "https://x.example/", Schedule: "@every 5m"}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	cfg.Sources[0].Schedule = ""
	err := cfg.Validate()
	if got := err.Error(); got != `config sources[0].schedule="": empty schedule` {
		t.Errorf("got %q", got)
	}
}

func TestCheckSchedule(t *testing.T) {
	good := []string{"@every 10m", "@every 1s", "@hourly", "@daily", "*/5 * * * *", "0 6 * * 1-5", "CRON_TZ=UTC 0 6 * * *", "TZ=UTC @every 1h", "  @every 15m  "}
	for _, s := range good {
		if err := CheckSchedule(s); err != nil {
			t.Errorf("CheckSchedule(%q) = %v", s, err)
		}
	}
	bad := []string{"", "CRON_TZ=Asia/Riyadh", "CRON_TZ=", "TZ=", "CRON_TZ= @hourly", "CRON_TZ=No/Such_Zone 0 * * * *", "@every", "@every 500ms", "@every 1.5s", "@every -1m", "@sometimes", "* * * *", "0 0 30 2 * *", "0 0 30 2 *", ",,, * * * *", "L * * * *", "every 5 minutes"}
	for _, s := range bad {
		if err := CheckSchedule(s); err == nil {
			t.Errorf("CheckSchedule(%q) accepted", s)
		}
	}
}

// A bad schedule is named once, by the caller, and its reason is a plain
// sentence: none of the Go values robfig/cron or time echo back.
func TestScheduleErrorsAreOneSentence(t *testing.T) {
	noise := regexp.MustCompile(`invalid schedule|\[|strconv|time: |unknown unit`)
	for _, spec := range []string{"every day", "* * * * * *", "x * * * *", "@every 10 minutes", "CRON_TZ=Mars/Base 0 * * * *", "0 0 30 2 *", "@sometimes"} {
		cfg := Default()
		cfg.Sources = []Source{{Name: "wire", URL: "https://wire.example/rss", Schedule: spec}}
		err := cfg.Validate()
		if err == nil {
			t.Errorf("%q accepted", spec)
			continue
		}
		msg := err.Error()
		_, reason, _ := strings.Cut(msg, spec+`": `)
		if reason == "" || noise.MatchString(reason) || strings.Contains(reason, spec) || strings.Contains(msg, "\n") {
			t.Errorf("schedule %q: %q, want the spec named once and a plain reason", spec, msg)
		}
	}
}

func TestCheckSlug(t *testing.T) {
	for _, s := range []string{"politics", "a", "0", "world-news", "covid-19"} {
		if !ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = false", s)
		}
	}
	for _, s := range []string{"", "all", "search", "Politics", "-x", "a b", "سياسة", "a_b", "a.b"} {
		if ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = true", s)
		}
	}
}
