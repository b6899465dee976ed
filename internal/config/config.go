// Package config reads newswire's YAML configuration.
//
// Settings come in layers: Default, then a file read by Parse or Load
// (unknown keys and ill-typed values are errors naming the key and line),
// then NEWSWIRE_* variables (ApplyEnv), then the command's flags (set by
// cmd/newswire on the fields directly), and finally Validate, which reports
// every problem at once, each as a *FieldError naming the key, the value and,
// where the value came from the file, its line.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"go.yaml.in/yaml/v3"
)

// Defaults used when neither the file, the environment nor a flag says
// otherwise.
const (
	DefaultDatabase    = "./newswire.db"
	DefaultListen      = "127.0.0.1:8080"
	DefaultCacheMaxAge = 300 * time.Second
	// A minute of revalidation hides a refetch from readers; a day of
	// stale-if-error keeps feeds up through restarts and outages.
	DefaultCacheStaleWhileRevalidate = 60 * time.Second
	DefaultCacheStaleIfError         = 24 * time.Hour
	DefaultSchedule                  = "@every 15m"
	DefaultSiteTitle                 = "newswire"
	DefaultLanguage                  = "en"
)

// Config is newswire's whole configuration. Only cmd/newswire reads it; it
// copies what each component needs into that component's own options.
type Config struct {
	Site     Site   `yaml:"site"`
	Database string `yaml:"database"` // SQLite file, or a postgres:// URL
	// DatabaseMaxConns bounds each process's PostgreSQL connection pool
	// (0: the store's default, 10); the change listener of serve takes one
	// more. SQLite ignores it: one writer and a few readers.
	DatabaseMaxConns int    `yaml:"database_max_conns"`
	Listen           string `yaml:"listen"` // host:port for the HTTP server
	// CacheMaxAge is the Cache-Control max-age of feeds. In the file, key
	// cache_max_age, a number of seconds (300) or a duration ("5m").
	CacheMaxAge time.Duration `yaml:"-"`
	// CacheStaleWhileRevalidate and CacheStaleIfError are the RFC 5861
	// extensions of that Cache-Control: how long a CDN may serve a feed past
	// max-age while it refetches, and while every instance fails (say during
	// a restart). Keys cache_stale_while_revalidate and cache_stale_if_error;
	// 0 leaves the directive out.
	CacheStaleWhileRevalidate time.Duration `yaml:"-"`
	CacheStaleIfError         time.Duration `yaml:"-"`
	Categories                []Category    `yaml:"categories"`
	Sources                   []Source      `yaml:"sources"`
	Clean                     CleanConfig   `yaml:"clean"`
	Ingest                    Ingest        `yaml:"ingest"`
	WebSub                    WebSub        `yaml:"websub"`
	Limits                    Limits        `yaml:"limits"`
	Admin                     Admin         `yaml:"admin"`
	Feeds                     FeedLimits    `yaml:"feeds"`

	// Where values came from, for FieldError lines: key path -> line and
	// scalar text in the file, and key path -> variable that set it.
	lines  map[string]int
	values map[string]string
	env    map[string]envValue
}

// Site describes the site the feeds belong to.
type Site struct {
	Title       string `yaml:"title"`
	Description string `yaml:"description"`
	// BaseURL is the public absolute URL feeds link to, without a trailing
	// slash. Empty means "derive it from each request's Host header", which
	// suits a local run but not a site behind a proxy.
	BaseURL  string `yaml:"base_url"`
	Language string `yaml:"language"` // BCP 47; "ar" makes the pages right-to-left
}

// Category is a category feed declared in the config. Categories that
// articles use but the config does not declare are created with their slug
// as title.
type Category struct {
	Slug        string `yaml:"slug"`
	Title       string `yaml:"title"` // empty: the slug
	Description string `yaml:"description"`
}

// Source is an upstream feed to ingest.
type Source struct {
	Name string `yaml:"name"` // unique
	URL  string `yaml:"url"`
	// Schedule is a cron expression or "@every 10m", evaluated in UTC
	// unless prefixed by "CRON_TZ=Zone "; Parse fills in DefaultSchedule
	// when the file gives none.
	Schedule   string   `yaml:"schedule"`
	Categories []string `yaml:"categories"` // for items no rule matches
	Rules      []Rule   `yaml:"rules"`
	// Enabled is whether to poll the source; Parse sets it to true when
	// the file does not say. IsEnabled also reads nil as true.
	Enabled *bool `yaml:"enabled"`
	// AllowPrivate lets this source reach loopback and private addresses,
	// which the fetcher otherwise refuses.
	AllowPrivate bool `yaml:"allow_private"`
}

// IsEnabled reports whether s is to be polled: true unless the config says
// enabled: false.
func (s Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Rule maps an upstream category term or title keyword to a local category.
type Rule struct {
	Match    string `yaml:"match"`
	Category string `yaml:"category"`
}

// CleanConfig overrides the boilerplate markers of the cleaning step. A
// list left out keeps the built-in Arabic and English list; a list given
// replaces it.
type CleanConfig struct {
	Headings   []string `yaml:"headings"`   // headings that open a trailing block
	Related    []string `yaml:"related"`    // headings whose items are related titles
	Filler     []string `yaml:"filler"`     // phrases of sentences written for search engines
	Share      []string `yaml:"share"`      // share-button text ("شارك هذا المقال", "Share on Facebook")
	Newsletter []string `yaml:"newsletter"` // newsletter sign-up text
	Footer     []string `yaml:"footer"`     // feed footer lines, "…" for each link ("The post … appeared first on …")
}

// Duration is a length of time in the file: whole seconds (60) or a Go
// duration ("1m").
type Duration time.Duration

// UnmarshalYAML accepts 60, "60" or "1m".
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var m maxAge
	if err := m.UnmarshalYAML(n); err != nil {
		return err
	}
	*d = Duration(m)
	return nil
}

// Ingest tunes upstream polling.
type Ingest struct {
	Concurrency   int      `yaml:"concurrency"`      // sources fetched at once; default 4
	MaxNewPerPass int      `yaml:"max_new_per_pass"` // new items published per source per pass; default 60
	Timeout       Duration `yaml:"timeout"`          // whole fetch; default 30s
	MaxBytes      int64    `yaml:"max_bytes"`        // body cap; default 10 MiB
	// Lease is how long an instance's claim on a source lasts unless
	// renewed (every third of it): a dead instance's sources are polled by
	// another within about this much and a third. Default 30s.
	Lease Duration `yaml:"lease"`
}

// WebSub configures push to subscribers.
type WebSub struct {
	// HubURL names an external hub to ping instead of the built-in one
	// at /websub.
	HubURL string `yaml:"hub_url"`
	// AllowPrivateCallbacks lets subscribers' callbacks be on loopback or
	// private addresses: a newsroom's internal network, or tests.
	AllowPrivateCallbacks bool `yaml:"allow_private_callbacks"`
	Disabled              bool `yaml:"disabled"` // no hub at all
}

// Limits is the per-client limit on unconditional polling of unchanged
// feeds (conditional requests are never limited).
type Limits struct {
	Disabled          bool     `yaml:"disabled"`
	Interval          Duration `yaml:"unconditional_interval"` // default 60s
	IncludeLoopback   bool     `yaml:"include_loopback"`
	TrustForwardedFor bool     `yaml:"trust_forwarded_for"` // behind a proxy that sets X-Forwarded-For
}

// Admin configures the admin API; without a token the API is off.
type Admin struct {
	Token string `yaml:"token"` // or NEWSWIRE_ADMIN_TOKEN
}

// FeedLimits bounds what one feed document carries.
type FeedLimits struct {
	MaxItems int   `yaml:"max_items"` // most items a feed may carry (?limit is capped to it); default 500
	MaxBytes int64 `yaml:"max_bytes"` // default 2 MB; bodies degrade to summaries beyond
	// MaxRenders bounds the documents rendered at once for requests (pulls,
	// searches, feeds and pages not cached); more wait their turn in arrival order.
	// Default twice the cores; more helps when the database is far (PostgreSQL).
	MaxRenders int `yaml:"max_renders"`
}

// Default returns the configuration used when there is no file: the
// database ./newswire.db, listening on 127.0.0.1:8080, feeds cacheable for
// 300 s, a site titled "newswire" in English with its base URL taken from
// each request, and no categories or sources.
func Default() *Config {
	return &Config{
		Site:                      Site{Title: DefaultSiteTitle, Language: DefaultLanguage},
		Database:                  DefaultDatabase,
		Listen:                    DefaultListen,
		CacheMaxAge:               DefaultCacheMaxAge,
		CacheStaleWhileRevalidate: DefaultCacheStaleWhileRevalidate,
		CacheStaleIfError:         DefaultCacheStaleIfError,
		Limits:                    Limits{Interval: Duration(time.Minute)},
	}
}

// Load reads the config file at path on top of Default; see Parse.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		// The file's name once, without Go's "open": "config file
		// /etc/nw.yaml: no such file or directory".
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	defer f.Close()
	return Parse(f, path)
}
