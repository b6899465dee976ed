package importer

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/dates"
)

// problem is one invalid field of an article; field is the name the file
// format uses, so the parser can find its line.
type problem struct {
	field string
	err   error
}

var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// checkArticle lists what is wrong with a, field by field, and puts a
// valid image type and language tag in their canonical forms. Missing dates are not its
// business: ReadFile fills them in. It is the one rule both doors apply:
// `newswire import` (ReadFile) and the admin API (DecodeJSON).
func checkArticle(a *feeds.Article, text string) []problem { // text: the text of a.ContentHTML
	var ps []problem
	add := func(field string, err error) { ps = append(ps, problem{field, err}) }
	if err := checkGUID(a.GUID); err != nil {
		add("guid", err)
	}
	if strings.TrimSpace(a.Title) == "" {
		add("title", ErrNoTitle)
	} else if n := utf8.RuneCountInString(strings.TrimSpace(a.Title)); n > maxTitleRunes {
		// Ingest cuts upstream titles to the same length; at a door the
		// author can fix it, so it is refused rather than cut.
		add("title", fmt.Errorf("title is %d characters long, at most %d", n, maxTitleRunes))
	}
	if strings.TrimSpace(text) == "" {
		add("content_html", ErrNoContent)
	}
	if a.URL != "" {
		if err := checkURL(a.URL); err != nil {
			add("url", fmt.Errorf("url %q: %w", a.URL, err))
		}
	}
	// Stored as feeds.NormalizeLanguage writes it: the tag decides the
	// text's direction on its page and in every format.
	if tag, err := feeds.NormalizeLanguage(a.Language); err != nil {
		add("language", fmt.Errorf("language %q: want a BCP 47 tag such as ar or en-GB", a.Language))
	} else {
		a.Language = tag
	}
	for _, c := range a.Categories {
		if err := checkSlug(c); err != nil {
			add("categories", fmt.Errorf("category %q: %w", c, err))
		}
	}
	if n := len(distinct(a.Categories)); n > MaxArticleCategories {
		add("categories", fmt.Errorf("%d categories, at most %d an article", n, MaxArticleCategories))
	}
	if im := a.Image; im != nil {
		if err := checkURL(im.URL); err != nil {
			add("image", fmt.Errorf("image url %q: %w", im.URL, err))
		}
		if err := checkImageType(im); err != nil {
			add("image", err)
		}
		if im.Length < 0 {
			add("image", fmt.Errorf("image length %d is negative", im.Length))
		}
	}
	for _, p := range a.Authors {
		switch {
		case strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Email) == "":
			add("authors", errors.New("author without name or email"))
		case p.Email != "" && !strings.Contains(p.Email, "@"):
			add("authors", fmt.Errorf("author email %q has no @", p.Email))
		}
		if p.URL != "" {
			if err := checkURL(p.URL); err != nil {
				add("authors", fmt.Errorf("author url %q: %w", p.URL, err))
			}
		}
	}
	for _, r := range a.Related {
		if r.Title == "" && r.URL == "" {
			add("related", errors.New("related entry without title or url"))
		}
		if r.URL != "" {
			if err := checkURL(r.URL); err != nil {
				add("related", fmt.Errorf("related url %q: %w", r.URL, err))
			}
		}
	}
	for _, d := range []struct {
		field string
		t     time.Time
	}{{"published", a.Published}, {"updated", a.Updated}, {"publish_at", a.PublishAt}} {
		if err := checkTime(d.t); err != nil {
			add(d.field, fmt.Errorf("%s: %w", d.field, err))
		}
	}
	// A published date far ahead is a typo (2062) or a misplaced embargo:
	// the article would sit at the top of its feeds until then.
	if soon := time.Now().Add(maxPublishedAhead); a.Published.After(soon) || a.Updated.After(soon) {
		add("published", fmt.Errorf("published/updated more than %s in the future: to hold an article back, set publish_at", maxPublishedAhead))
	}
	if !a.Published.IsZero() && !a.Updated.IsZero() && a.Updated.Before(a.Published) {
		add("updated", fmt.Errorf("updated %s is before published %s", a.Updated.Format(time.RFC3339), a.Published.Format(time.RFC3339)))
	}
	return ps
}

// maxPublishedAhead is how far ahead of the clock published and updated may
// be: clocks and time zones of newsroom systems disagree a little.
const maxPublishedAhead = 24 * time.Hour

// MaxArticleCategories bounds the categories one article names: a story
// belongs in a few sections, and each category is a feed to render.
const MaxArticleCategories = 20

// checkTime refuses a date that some format cannot carry. RFC 3339 (Atom,
// JSON Feed) and Go's time marshalling have four-digit years, and the
// renderer (feeds) takes years 0001 to 9999 in UTC only; an article it
// cannot render would be left out of its feeds for good. Archive dates
// before 1970 are fine. The zero time means "not given".
func checkTime(t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return fmt.Errorf("year %d in UTC: feeds carry years 0001 to 9999", y)
	}
	return nil
}

// dangerousSchemes are the URI schemes a browser runs or renders as a
// document when a reader turns an id into a link.
var dangerousSchemes = []string{"javascript:", "vbscript:", "data:"}

// checkGUID refuses an id with a dangerous scheme: the GUID is published
// as the Atom id, RSS guid and JSON Feed id, which readers may link. It is
// read as feeds publishes it (control characters dropped) and as a browser
// reads a URL (tabs and line breaks anywhere and leading spaces ignored,
// the scheme in any case), so "\x01 JavaScript:" and "java\tscript:" are
// refused too.
//
// It is also read as a reader that decodes once too often reads it, with
// HTML character references decoded (a link built from the id by pasting
// it into an href decodes them), so "javascript&#58;" and
// "&#106;avascript&colon;" are refused too.
func checkGUID(id string) error {
	s := feeds.XMLSafe(id)
	for range 3 {
		if scheme := dangerousScheme(s); scheme != "" {
			return fmt.Errorf("guid %q: the %s scheme is not allowed in an id (feeds publish the guid as the Atom id)", id, scheme)
		}
		d := html.UnescapeString(s)
		if d == s {
			break
		}
		s = d
	}
	return nil
}

// dangerousScheme is the dangerous scheme s starts with as a browser reads
// a URL (tabs and line breaks anywhere and leading spaces and controls
// ignored, the scheme in any case), or "".
func dangerousScheme(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	s = strings.ToLower(strings.TrimLeftFunc(s, func(r rune) bool { return r <= ' ' }))
	for _, scheme := range dangerousSchemes {
		if strings.HasPrefix(s, scheme) {
			return strings.TrimSuffix(scheme, ":")
		}
	}
	return ""
}

// checkImageType accepts an empty type or an image/* media type, which it
// puts in canonical form (lower case, no parameters): the type is
// published as the enclosure's type attribute.
func checkImageType(im *feeds.Image) error {
	if strings.TrimSpace(im.Type) == "" {
		im.Type = ""
		return nil
	}
	mt, err := feeds.MediaType(im.Type)
	if err != nil {
		return fmt.Errorf("image type: %w", err)
	}
	if !strings.HasPrefix(mt, "image/") {
		return fmt.Errorf("image type %q: want an image/* type such as image/jpeg", im.Type)
	}
	im.Type = mt
	return nil
}

// distinct returns the set of ss.
func distinct(ss []string) map[string]bool {
	set := make(map[string]bool, len(ss))
	for _, s := range ss {
		set[s] = true
	}
	return set
}

// checkSlug mirrors the config's category slug rule; the importer does not
// see the config.
func checkSlug(s string) error {
	switch {
	case !slugPattern.MatchString(s) || len(s) > 64:
		return errors.New("want lowercase letters, digits and dashes")
	case s == "all" || s == "search":
		return errors.New("reserved feed name")
	}
	return nil
}

// checkURL accepts absolute http and https URLs with a host.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return errors.New("want an absolute http or https URL")
	}
	return nil
}

// isAbsURL reports whether s is an absolute http(s) URL.
func isAbsURL(s string) bool { return checkURL(s) == nil }

// parseDate reads a date from a file: RFC 3339, the same with a space
// for the T, or a bare date (midnight UTC). strict allows RFC 3339 only.
// Times come back in UTC, truncated to whole seconds.
func parseDate(s string, strict bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	layouts := []string{time.RFC3339Nano}
	if !strict {
		layouts = append(layouts, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 Z07:00", "2006-01-02")
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC().Truncate(time.Second), nil
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return time.Time{}, fmt.Errorf("date %q has no time zone: add Z or an offset such as +03:00", s)
	}
	if strict {
		return time.Time{}, fmt.Errorf("date %q: want RFC 3339, e.g. 2026-03-09T10:00:00+03:00", s)
	}
	// Front matter written by people: Arabic month names ("27 أيلول/سبتمبر
	// 2020"), Hijri dates marked هـ, RFC 822 and its broken variants.
	if t, err := dates.Parse(s, dates.Options{}); err == nil {
		return t.Truncate(time.Second), nil
	}
	return time.Time{}, fmt.Errorf("date %q: want RFC 3339 (2026-03-09T10:00:00+03:00), a date (2026-03-09) or a written date (27 أيلول 2020)", s)
}

// collapse trims s and collapses whitespace runs to single spaces, as
// titles and summaries need.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// byLine orders a file's errors by line, so they read top to bottom.
func byLine(errs []error) error {
	slices.SortStableFunc(errs, func(a, b error) int {
		var fa, fb *FileError
		errors.As(a, &fa)
		errors.As(b, &fb)
		if fa == nil || fb == nil {
			return 0
		}
		return fa.Line - fb.Line
	})
	return errors.Join(errs...)
}

// MaxCategories bounds the categories the doors (import, admin API) let
// articles create: each is a page, three feeds and a line of the index
// page, and a request naming thousands of new slugs must not make them.
// Categories declared in the config are created at start whatever their
// number, and existing ones may always be used; beyond the bound a new
// category has to be declared in the config.
const MaxCategories = 1000

// ErrTooManyCategories is wrapped by CheckNewCategories' error.
var ErrTooManyCategories = errors.New("too many categories")

// CheckNewCategories returns a *FileError naming the field "categories"
// when saving arts would take the number of categories past limit. have
// holds the slugs that exist now, listed or not; name labels the error (a
// path, or "request body").
func CheckNewCategories(name string, arts []*feeds.Article, have map[string]bool, limit int) error {
	var added []string
	seen := map[string]bool{}
	for _, a := range arts {
		for _, c := range a.Categories {
			if !have[c] && !seen[c] {
				seen[c] = true
				added = append(added, c)
			}
		}
	}
	if len(added) == 0 || len(have)+len(added) <= limit {
		return nil
	}
	shown := added[:min(len(added), 3)]
	more := ""
	if len(added) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(added)-len(shown))
	}
	return &FileError{Path: name, Field: "categories", Err: fmt.Errorf(
		"categories: %w: %d exist and the new %q%s would pass the limit of %d; use existing categories, or declare new ones in the config",
		ErrTooManyCategories, len(have), shown, more, limit)}
}
