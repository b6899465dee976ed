package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxSlugLen keeps category slugs usable in URLs and file names.
const maxSlugLen = 64

var (
	slugPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

// CheckSlug reports whether s can name a category: lowercase ASCII letters,
// digits and dashes, starting with a letter or digit, at most 64 bytes,
// and not one of the reserved feed names "all" and "search".
func CheckSlug(s string) error {
	switch {
	case s == "":
		return errors.New("must not be empty")
	case len(s) > maxSlugLen:
		return fmt.Errorf("longer than %d characters", maxSlugLen)
	case !slugPattern.MatchString(s):
		return errors.New("must match [a-z0-9][a-z0-9-]*")
	case s == "all" || s == "search": // feed names the server gives another meaning
		return fmt.Errorf("%q is reserved (all, search)", s)
	}
	return nil
}

// ValidSlug reports whether CheckSlug accepts s.
func ValidSlug(s string) bool { return CheckSlug(s) == nil }

// Validate checks every value and returns all problems joined with
// errors.Join, each a *FieldError; nil when the config is usable.
func (c *Config) Validate() error {
	var errs []error
	add := func(key, value string, err error) {
		if err != nil {
			errs = append(errs, c.fieldErr(key, value, err))
		}
	}

	if strings.TrimSpace(c.Site.Title) == "" {
		add("site.title", c.Site.Title, errors.New("must not be empty"))
	}
	if c.Site.BaseURL != "" {
		add("site.base_url", c.Site.BaseURL, checkBaseURL(c.Site.BaseURL))
	}
	if c.Site.Language != "" && !languagePattern.MatchString(c.Site.Language) {
		add("site.language", c.Site.Language, errors.New("must be a BCP 47 language tag such as ar or en-GB"))
	}
	switch {
	case strings.TrimSpace(c.Database) == "":
		add("database", c.Database, errors.New("must not be empty"))
	case c.Database == ":memory:":
		// Each SQLite connection would get its own empty database.
		add("database", c.Database, errors.New("newswire keeps its articles in a file that several connections and processes share: give a file path such as newswire.db"))
	}
	if c.DatabaseMaxConns < 0 {
		add("database_max_conns", fmt.Sprint(c.DatabaseMaxConns), errors.New("must not be negative (0: the default)"))
	}
	add("listen", c.Listen, checkListen(c.Listen))
	for _, k := range []struct {
		key string
		d   time.Duration
	}{
		{"cache_max_age", c.CacheMaxAge},
		{"cache_stale_while_revalidate", c.CacheStaleWhileRevalidate},
		{"cache_stale_if_error", c.CacheStaleIfError},
	} {
		switch {
		case k.d < 0:
			add(k.key, k.d.String(), errors.New("must not be negative"))
		case k.d%time.Second != 0:
			add(k.key, k.d.String(), errors.New("must be whole seconds"))
		}
	}

	nonNegative := func(key string, n int64) {
		if n < 0 {
			add(key, fmt.Sprint(n), errors.New("must not be negative"))
		}
	}
	nonNegative("ingest.concurrency", int64(c.Ingest.Concurrency))
	nonNegative("ingest.max_new_per_pass", int64(c.Ingest.MaxNewPerPass))
	nonNegative("ingest.timeout", int64(c.Ingest.Timeout))
	nonNegative("ingest.max_bytes", c.Ingest.MaxBytes)
	if l := time.Duration(c.Ingest.Lease); l != 0 && (l < 3*time.Second || l%time.Second != 0) {
		add("ingest.lease", l.String(), errors.New("must be whole seconds, at least 3s (it is renewed every third)"))
	}
	nonNegative("limits.unconditional_interval", int64(c.Limits.Interval))
	nonNegative("feeds.max_items", int64(c.Feeds.MaxItems))
	nonNegative("feeds.max_bytes", c.Feeds.MaxBytes)
	nonNegative("feeds.max_renders", int64(c.Feeds.MaxRenders))
	if c.Feeds.MaxBytes > 0 && c.Feeds.MaxBytes < 64<<10 {
		add("feeds.max_bytes", fmt.Sprint(c.Feeds.MaxBytes), errors.New("must be at least 65536 (64 KiB)"))
	}
	if c.WebSub.HubURL != "" {
		add("websub.hub_url", c.WebSub.HubURL, checkBaseURL(c.WebSub.HubURL))
	}
	if t := c.Admin.Token; t != "" && len(t) < 16 {
		add("admin.token", "(hidden)", errors.New("must be at least 16 characters"))
	}

	slugs := map[string]int{}
	for i, cat := range c.Categories {
		key := fmt.Sprintf("categories[%d].slug", i)
		if err := CheckSlug(cat.Slug); err != nil {
			add(key, cat.Slug, err)
		} else if j, dup := slugs[cat.Slug]; dup {
			add(key, cat.Slug, fmt.Errorf("duplicate slug (also categories[%d])", j))
		} else {
			slugs[cat.Slug] = i
		}
	}

	names := map[string]int{}
	for i, s := range c.Sources {
		p := fmt.Sprintf("sources[%d]", i)
		if j, dup := names[s.Name]; dup && strings.TrimSpace(s.Name) != "" {
			add(p+".name", s.Name, fmt.Errorf("duplicate source name (also sources[%d])", j))
		} else {
			names[s.Name] = i
		}
		for _, pr := range CheckSource(s) {
			add(p+"."+pr.Field, pr.Value, pr.Err)
		}
	}

	for _, l := range []struct {
		key   string
		items []string
	}{{"clean.headings", c.Clean.Headings}, {"clean.related", c.Clean.Related}, {"clean.filler", c.Clean.Filler}} {
		for j, s := range l.items {
			if strings.TrimSpace(s) == "" {
				add(fmt.Sprintf("%s[%d]", l.key, j), s, errors.New("must not be empty"))
			}
		}
	}
	return errors.Join(errs...)
}

// SourceProblem is one invalid value of a source, its field named as the
// source's own key ("url", "categories[1]", "rules[0].category"), so that
// each door can name what its user gave: the config key, a flag, a JSON
// field or an OPML outline.
type SourceProblem struct {
	Field string
	Value string
	Err   error
}

// Error formats p as `url "ftp://x": must be …`.
func (p SourceProblem) Error() string { return fmt.Sprintf("%s %q: %v", p.Field, p.Value, p.Err) }

// Unwrap returns the cause.
func (p SourceProblem) Unwrap() error { return p.Err }

// CheckSource lists what is wrong with s by itself, whichever door it came
// through; that its name is unique is the caller's business.
func CheckSource(s Source) []SourceProblem {
	var ps []SourceProblem
	add := func(field, value string, err error) {
		if err != nil {
			ps = append(ps, SourceProblem{field, value, err})
		}
	}
	if strings.TrimSpace(s.Name) == "" {
		add("name", s.Name, errors.New("must not be empty"))
	}
	add("url", s.URL, checkHTTPURL(s.URL))
	add("schedule", s.Schedule, CheckSchedule(s.Schedule))
	for j, cat := range s.Categories {
		add(fmt.Sprintf("categories[%d]", j), cat, CheckSlug(cat))
	}
	for j, r := range s.Rules {
		rp := fmt.Sprintf("rules[%d]", j)
		if strings.TrimSpace(r.Match) == "" {
			add(rp+".match", r.Match, errors.New("must not be empty"))
		}
		add(rp+".category", r.Category, CheckSlug(r.Category))
	}
	return ps
}

// maxSourceName bounds a new source name: it is a label in tables, logs,
// metrics and URLs.
const maxSourceName = 64

// CheckNewSourceName reports whether name may name a new source: letters of
// any script (Arabic included) and their marks, digits, "-", "_" and ".",
// starting with a letter or digit, at most 64 characters. Such a name needs
// no quoting in a shell, a URL path or an HTML id. Names stored before this
// rule, and names in the config file, keep working whatever they are.
func CheckNewSourceName(name string) error {
	switch {
	case name == "":
		return errors.New("must not be empty")
	case utf8.RuneCountInString(name) > maxSourceName:
		return fmt.Errorf("longer than %d characters", maxSourceName)
	}
	for i, r := range name {
		letterOrDigit := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case i == 0 && !letterOrDigit:
			return errors.New("must start with a letter or a digit")
		case letterOrDigit || unicode.Is(unicode.M, r) || r == '-' || r == '_' || r == '.':
		default:
			return fmt.Errorf("%q is not allowed: use letters, digits, -, _ and .", r)
		}
	}
	return nil
}

// checkHTTPURL accepts absolute http and https URLs with a host.
func checkHTTPURL(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return errors.New("must be an absolute http:// or https:// URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return errors.New("must name a host")
	}
	return nil
}

// checkBaseURL also rejects a query or fragment, which feed URLs could not
// be appended to.
func checkBaseURL(s string) error {
	if err := checkHTTPURL(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return errors.New("must not have a query or fragment")
	}
	return nil
}

// checkListen accepts host:port with a numeric port; an empty host means
// every interface.
func checkListen(s string) error {
	if s == "" {
		return errors.New("must not be empty")
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("must be host:port, e.g. 127.0.0.1:8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return errors.New("port must be a number from 0 to 65535")
	}
	return nil
}
