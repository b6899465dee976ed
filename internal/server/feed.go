package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// allFeed is the pseudo-category of the feed that carries every category.
const allFeed = "all"

// errInvalidRender marks a render that failed the publish gate.
var errInvalidRender = errors.New("rendered feed failed validation")

// feedRequest is what a feed URL asks for.
type feedRequest struct {
	name   string // as in the path: "politics.rss"
	slug   string // category, or allFeed
	fm     feeds.Format
	limit  int
	dflt   int              // the server's default limit
	before *newsroom.Cursor // RFC 5005 archive page: items older than this
	since  *newsroom.Since  // incremental pull: changes after this, oldest first
	query  string           // search feed: the reader's query
}

// searchFeed is the pseudo-category of search feeds.
const searchFeed = "search"

// cat is the store's name for the request's category ("" for all).
func (q *feedRequest) cat() string {
	if q.slug == allFeed || q.slug == searchFeed {
		return ""
	}
	return q.slug
}

// current reports whether q asks for a feed's current document at its
// default size: the documents cached without bound and that WebSub serves.
func (q *feedRequest) current() bool {
	return q.before == nil && q.since == nil && q.slug != searchFeed && q.limit == q.dflt
}

func (q *feedRequest) key() cacheKey {
	k := cacheKey{dep: q.cat(), name: q.name, limit: q.limit}
	switch {
	case q.current():
	case q.before != nil:
		k.variant = "before=" + q.before.String()
	case q.since != nil:
		k.variant = "since=" + q.since.String()
	case q.slug == searchFeed:
		k.variant = "q=" + q.query
	default:
		// ?limit= has hundreds of values: bounded like the other variants.
		k.variant = "limit"
	}
	return k
}

// assembled reports whether k's document is a pull, a search feed or an
// archive page: made for a request or a few, assembled from compressed
// fragments and kept gzipped only. Current feeds, at any ?limit=, are
// served many times per render and keep both encodings.
func (k cacheKey) assembled() bool {
	return k.variant != "" && k.variant != "limit"
}

func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	s.serveFeed(w, r, r.PathValue("name"))
}

// serveFeed answers a request for the feed name ("politics.rss"): the
// mux's route and feedsFirst's both come here.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, name string) {
	allowCORS(w.Header()) // first: errors are read cross-origin too
	var q feedRequest     // on the stack: a cache hit allocates nothing here
	if err := s.parseFeed(r, name, &q); err != nil {
		s.writeError(w, r, err)
		return
	}
	k := q.key()
	f, ok := s.cache.get(k)
	if s.metrics != nil {
		if ok {
			s.cacheHits[q.fm].Inc()
		} else {
			s.cacheMisses[q.fm].Inc()
		}
	}
	if !ok {
		var err error
		f, err = s.cache.do(r.Context(), k, func(ctx context.Context, ver int64) (*rendered, error) {
			return s.renderFeed(ctx, k, &q)
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	h := w.Header()
	if ok, wait := s.limiter.allow(r, k, f.etag); !ok {
		if s.metrics != nil {
			s.metrics.RateLimited.Inc()
		}
		h.Set("Retry-After", retryAfter(wait))
		http.Error(w, "unchanged since your last fetch: send If-None-Match or If-Modified-Since, or wait", http.StatusTooManyRequests)
		return
	}
	s.serveRendered(w, r, f)
}

// notFoundFormat is the reason a feed name without a known extension gets.
var notFoundFormat = fmt.Errorf("unknown feed format: use .rss, .atom or .json: %w", newsroom.ErrNotFound)

// newFeedRequest is the request for a feed's current document; name is
// slug + "." + fm.Extension(), which the caller often has already.
func (s *Server) newFeedRequest(name, slug string, fm feeds.Format) feedRequest {
	return feedRequest{name: name, slug: slug, fm: fm, limit: s.opts.DefaultLimit, dflt: s.opts.DefaultLimit}
}

func (s *Server) parseFeedRequest(r *http.Request, q *feedRequest) error {
	return s.parseFeed(r, r.PathValue("name"), q)
}

func (s *Server) parseFeed(r *http.Request, name string, q *feedRequest) error {
	slug, ext, ok := strings.Cut(name, ".")
	fm, err := feeds.ParseFormat(ext)
	if !ok || err != nil || slug == "" || ext != fm.Extension() {
		// One spelling per feed ("all.RSS" is not "all.rss"): every other
		// would be a document of its own to cache and a topic nobody pings.
		return notFoundFormat
	}
	*q = s.newFeedRequest(name, slug, fm)
	if r.URL.RawQuery == "" {
		if slug == searchFeed {
			return &badRequest{"search feeds need a query: /feeds/search." + ext + "?q=words"}
		}
		return nil // the common case: no parsing, no allocation
	}
	v := r.URL.Query()
	if q.limit, err = s.parseLimit(v); err != nil {
		return err
	}
	if b := v.Get("before"); b != "" {
		c, ok := newsroom.ParseCursor(b)
		if !ok {
			return &badRequest{fmt.Sprintf("before=%q: want an archive cursor as given in a prev-archive link", b)}
		}
		q.before = &c
	}
	if slug == searchFeed {
		q.query = strings.TrimSpace(v.Get("q"))
		if q.query == "" {
			return &badRequest{"q: a search query is required"}
		}
		if n := utf8.RuneCountInString(q.query); n > newsroom.MaxQueryLen {
			return &badRequest{fmt.Sprintf("q: %d characters, at most %d", n, newsroom.MaxQueryLen)}
		}
		if q.before != nil || v.Get("since") != "" {
			return &badRequest{"search feeds take no before or since"}
		}
		return nil
	}
	if since := v.Get("since"); since != "" {
		if q.before != nil {
			return &badRequest{"since and before cannot be combined"}
		}
		c, err := parseSince(since)
		if err != nil {
			return err
		}
		q.since = &c
	}
	return nil
}

// parseSince reads ?since=: an RFC 3339 time, or a cursor from a previous
// pull's next link.
func parseSince(v string) (newsroom.Since, error) {
	if c, ok := newsroom.ParseSince(v); ok {
		return c, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return newsroom.Since{}, &badRequest{fmt.Sprintf("since=%q: want an RFC 3339 time (2026-11-25T10:00:00Z) or a cursor from a next link", v)}
	}
	// Everything newswire stored, changed or withdrew at t or later.
	return newsroom.Since{Time: t.UTC()}, nil
}

func (s *Server) parseLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return s.opts.DefaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if errors.Is(err, strconv.ErrRange) && v[0] != '-' {
		return s.opts.MaxLimit, nil // a huge number is capped like any large one
	}
	if err != nil || n < 1 {
		return 0, &badRequest{fmt.Sprintf("limit=%q: want a whole number from 1 to %d", v, s.opts.MaxLimit)}
	}
	return min(n, s.opts.MaxLimit), nil
}

// renderFeed builds, renders and validates one feed document. An article
// that cannot be rendered, or whose rendering fails validation, is left out
// of it (logged and counted); a document wrong as a whole is logged and the
// last good version of it is returned in its place.
func (s *Server) renderFeed(ctx context.Context, k cacheKey, q *feedRequest) (*rendered, error) {
	// Last-Modified is when the store last changed the feed, read before
	// the feed: a change stored in between then dates the next render,
	// never this one (which would have If-Modified-Since miss it).
	changed, err := s.st.FeedChanged(ctx, k.dep)
	if err != nil {
		return nil, err // names the category, as buildFeed's would
	}
	p, err := s.buildFeed(ctx, q)
	if err != nil {
		return nil, err
	}
	// Documents rendered for one request or a few (pulls, searches,
	// archive pages: k.assembled) take their gzip assembled from the
	// fragments' and keep only that; the current feeds, served thousands
	// of times per render, compress whole at the default level for the
	// smallest body and keep their plain bytes too.
	var buf, gz bytes.Buffer
	var gateErr error
	res, left, err := p.publish(ctx, func(f *feeds.Feed) (res feeds.BudgetResult, err error) {
		buf.Reset() // a render the budget cut is made again, shorter
		gz.Reset()
		if k.assembled() {
			res, gateErr = s.frags.PublishGzip(nil, &gz, f, q.fm, s.opts.Budget)
		} else {
			res, gateErr = s.frags.Publish(&buf, f, q.fm, s.opts.Budget)
		}
		return res, gateErr
	})
	if err != nil && gateErr == nil {
		return nil, err // the store failed to give a paging cursor
	}
	if err != nil {
		s.countRender(q.fm, "invalid")
		s.log.Error("publish gate: feed not served", "feed", k.name, "error", err)
		if good := s.cache.good(k); good != nil {
			return good, nil
		}
		if errors.Is(err, feeds.ErrInvalidFeed) {
			return nil, fmt.Errorf("%s: %w: %v", k.name, errInvalidRender, err)
		}
		return nil, fmt.Errorf("render %s: %w", k.name, err)
	}
	s.reportSkipped(ctx, k.name, q.fm, left)
	s.reportSkipped(ctx, k.name, q.fm, res.Skipped)
	if res.Summarized > 0 || res.Dropped > 0 {
		lv := slog.LevelInfo
		if res.Dropped > 0 {
			lv = slog.LevelWarn // articles missing from a feed: an editor should know
		}
		s.log.Log(ctx, lv, "feed over budget: degraded", "feed", k.name, "items", res.Items,
			"summarized", res.Summarized, "dropped", res.Dropped, "bytes", res.Bytes)
	}
	s.countRender(q.fm, "ok")
	// Never later than now. The newest item's date, used before, misses
	// an article stored with an older date (a late wire story, a
	// backdated import) and one that left the feed: If-Modified-Since then
	// got 304 for a changed document. The document's date stands in when
	// no change is recorded.
	if changed.IsZero() {
		changed = res.Updated
	}
	modified := minTime(changed, time.Now())
	var r *rendered
	if k.assembled() {
		r = newRenderedGzip(gz.Bytes(), res.Bytes, q.fm.ContentType(), modified)
	} else {
		r = newRendered(buf.Bytes(), q.fm.ContentType(), modified)
	}
	if links := headerLinks(p.f.Links, p.f.SelfURL); links != "" {
		r.hdrLink = []string{links}
	}
	keys := purgeKeys(q.slug)
	r.hdrSurrogate = []string{strings.Join(keys, " ")}
	r.hdrCacheTag = []string{strings.Join(keys, ",")}
	return r, nil
}

// purgeKeys names a feed for a CDN's purge by key (Fastly's Surrogate-Key,
// Cloudflare's and others' Cache-Tag): "feeds" for every feed, then
// "feeds/<slug>" for its category ("feeds/all", "feeds/search"). A change
// to a category changes its feeds and feeds/all. Slugs are path-escaped so
// a key never holds a space, a comma or a byte outside ASCII.
func purgeKeys(slug string) []string {
	return []string{"feeds", "feeds/" + url.PathEscape(slug)}
}

// cacheControl is the Cache-Control of feeds: public for max-age, plus the
// RFC 5861 directives that let a CDN in front of several instances keep
// serving through a refetch or a restart.
func cacheControl(maxAge, swr, sie time.Duration) string {
	v := "public, max-age=" + strconv.Itoa(int(maxAge/time.Second))
	if swr > 0 {
		v += ", stale-while-revalidate=" + strconv.Itoa(int(swr/time.Second))
	}
	if sie > 0 {
		v += ", stale-if-error=" + strconv.Itoa(int(sie/time.Second))
	}
	return v
}

// reportSkipped logs and counts the items a render left out: an editor
// should know an article is missing from a feed, and why.
func (s *Server) reportSkipped(ctx context.Context, feed string, fm feeds.Format, skipped []feeds.ItemError) {
	for _, e := range skipped {
		what := "article"
		if e.Tombstone {
			what = "withdrawal"
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, "feed item left out", slog.String("feed", feed),
			slog.String("kind", what), slog.String("guid", e.GUID), slog.String("reason", string(e.Kind)),
			slog.Any("error", e.Err))
		if s.metrics != nil {
			s.metrics.ItemsSkipped.WithLabelValues(fm.Extension(), string(e.Kind)).Inc()
		}
	}
}

// headerLinks is the HTTP Link header for a feed: hub, self and paging.
func headerLinks(links []feeds.Link, self string) string {
	hl := []feeds.Link{{Rel: feeds.RelSelf, Href: self}}
	for _, l := range links {
		switch l.Rel {
		case feeds.RelHub, feeds.RelCurrent, feeds.RelPrevArchive, "next":
			hl = append(hl, l)
		}
	}
	if len(hl) == 1 {
		return ""
	}
	return feeds.LinkHeader(hl)
}

func (s *Server) countRender(fm feeds.Format, result string) {
	if s.metrics != nil {
		s.metrics.Renders.WithLabelValues(fm.Extension(), result).Inc()
	}
}

// tombstonesPerFeed is how many recent withdrawals a current feed carries.
const tombstonesPerFeed = 20

// buildFeed loads what a feed request asks for into a feed document, with
// its paging: a pull links next after its last change, a current feed or
// an archive page its prev-archive page after its last article (see feedPage).
func (s *Server) buildFeed(ctx context.Context, q *feedRequest) (*feedPage, error) {
	f := &feeds.Feed{
		Title:       s.opts.SiteTitle,
		Description: s.opts.SiteDescription,
		Link:        s.opts.BaseURL + "/",
		Language:    s.opts.Language,
	}
	cat := q.cat()
	if q.slug == searchFeed {
		f.Title = s.opts.SiteTitle + ": " + q.query
		f.Description = fmt.Sprintf("%s: articles matching \"%s\"", s.opts.SiteTitle, q.query) // as typed: %q would show Go escapes
	} else if cat != "" {
		c, err := s.st.Category(ctx, cat)
		if err != nil {
			return nil, err // names the category
		}
		f.Created = c.Created
		f.Title = s.opts.SiteTitle + ": " + c.Title
		if c.Description != "" {
			f.Description = c.Description
		}
		f.Link = s.opts.BaseURL + "/categories/" + c.Slug
	}
	if f.Description == "" {
		f.Description = f.Title
	}
	base := s.opts.BaseURL + "/feeds/" + q.slug + "." + q.fm.Extension()
	f.ID = s.opts.BaseURL + "/feeds/" + q.slug
	f.SelfURL = base
	if s.opts.HubURL != "" && q.current() {
		// Only the feeds the hub takes subscriptions for name it: not
		// search, pulls, archive pages or other limits.
		f.Links = append(f.Links, feeds.Link{Rel: feeds.RelHub, Href: s.opts.HubURL})
	}
	limitQ := ""
	if q.limit != s.opts.DefaultLimit {
		limitQ = "&limit=" + strconv.Itoa(q.limit)
	}

	var items []*feeds.Article
	var err error
	// The paging link, made once the document's entries are known: each
	// is an article, or a pull's withdrawal.
	var entries []pageEntry
	var rel string
	var more bool
	var after func(ctx context.Context, i int) (string, error)
	switch {
	case q.slug == searchFeed:
		f.SelfURL = base + "?q=" + url.QueryEscape(q.query) + limitQ
		f.ID = f.SelfURL
		if items, err = s.st.Search(ctx, q.query, q.limit); err != nil {
			if errors.Is(err, newsroom.ErrBadQuery) {
				return nil, &badRequest{"q: " + strings.TrimPrefix(err.Error(), newsroom.ErrBadQuery.Error()+": ")}
			}
			return nil, err
		}
		entries = articleEntries(items) // no paging: the budget only shortens it
	case q.since != nil:
		f.SelfURL = base + "?since=" + q.since.String() + limitQ
		changes, err := s.st.Changes(ctx, cat, *q.since, q.limit)
		if err != nil {
			return nil, err
		}
		entries = make([]pageEntry, len(changes))
		for i, c := range changes {
			entries[i] = pageEntry{article: c.Article, tomb: c.Tombstone}
			if c.Article != nil {
				items = append(items, c.Article)
			}
		}
		// Where to continue: a partner stores this and polls it next time.
		// Caught up, there is none: the next poll is this same URL (JSON
		// Feed forbids a next_url equal to feed_url, a loop for readers).
		rel, more = "next", true
		after = func(_ context.Context, i int) (string, error) {
			return base + "?since=" + changes[i].Cursor.String() + limitQ, nil
		}
	case q.before != nil:
		f.SelfURL = base + "?before=" + q.before.String() + limitQ
		f.Archive = true
		f.Links = append(f.Links, feeds.Link{Rel: feeds.RelCurrent, Href: base})
		var cursors []newsroom.Cursor
		if items, cursors, err = s.st.ArchivePage(ctx, cat, *q.before, q.limit); err != nil {
			return nil, err
		}
		entries = articleEntries(items)
		rel, more = feeds.RelPrevArchive, len(items) == q.limit
		after = func(_ context.Context, i int) (string, error) {
			return base + "?before=" + cursors[i].String() + limitQ, nil
		}
	default:
		if limitQ != "" {
			f.SelfURL = base + "?" + limitQ[1:]
		}
		if items, err = s.st.LatestArticles(ctx, cat, q.limit); err != nil {
			return nil, fmt.Errorf("latest articles of %q: %w", q.slug, err)
		}
		more = len(items) == q.limit
		if f.Deleted, err = s.st.Tombstones(ctx, cat, tombstonesPerFeed); err != nil {
			return nil, err
		}
		// An article withdrawn between the two reads is in both: the
		// withdrawal is the newer fact.
		var pos []int // each item's position in the feed's order, 1-based
		items, pos = withoutWithdrawn(items, f.Deleted)
		entries = articleEntries(items)
		rel = feeds.RelPrevArchive
		after = func(ctx context.Context, i int) (string, error) {
			// The archive continues after the item as the store ranks it
			// now (the same order; the cursor needs the article's id).
			c, ok, err := s.st.NthCursor(ctx, cat, pos[i])
			if err != nil || !ok {
				return "", err
			}
			return base + "?before=" + c.String() + limitQ, nil
		}
	}
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	f.Categories = cats
	if cat == "" {
		// The feeds of every category began with the first of them; before
		// there is one, with the database (stored too: the same ETag in
		// every instance and restart, not 1970).
		for _, c := range cats {
			if !c.Created.IsZero() && (f.Created.IsZero() || c.Created.Before(f.Created)) {
				f.Created = c.Created
			}
		}
		if f.Created.IsZero() {
			if f.Created, err = s.st.Created(ctx); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range items {
		if a.URL == "" {
			a.URL = s.articleURL(a.GUID)
		}
		if a.Language == "" {
			a.Language = s.opts.Language
		}
	}
	s.linkRelated(ctx, items)
	// f.Updated stays zero: Publish derives it from the items it renders
	// (one it leaves out must not date the feed), else it is f.Created,
	// stored and stable, so an empty feed keeps its ETag.
	p := &feedPage{f: f, links: f.Links, deleted: f.Deleted, entries: entries, end: len(entries),
		rel: rel, more: more, after: after}
	if err := p.cut(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// articleEntries are a page's entries for articles.
func articleEntries(as []*feeds.Article) []pageEntry {
	out := make([]pageEntry, len(as))
	for i, a := range as {
		out[i].article = a
	}
	return out
}

var (
	hdrStar   = []string{"*"}
	hdrExpose = []string{"ETag, Last-Modified, Link, Retry-After"}
)

// allowCORS lets pages of any origin read a feed or OPML response, its
// errors included (a browser hides a response without it, reason and
// Retry-After too), and the validators and links it carries.
func allowCORS(h http.Header) {
	h["Access-Control-Allow-Origin"] = hdrStar
	h["Access-Control-Expose-Headers"] = hdrExpose
}

// handlePreflight answers CORS preflights: conditional requests from a
// browser carry If-None-Match, which is not a simple header.
func (s *Server) handlePreflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// linkRelated gives related entries that have only a title the link of
// the stored article with that title, when there is one. A failed look-up
// only leaves them unlinked.
func (s *Server) linkRelated(ctx context.Context, items []*feeds.Article) {
	var titles []string
	for _, a := range items {
		for _, r := range a.Related {
			if r.URL == "" && r.Title != "" {
				titles = append(titles, r.Title)
			}
		}
	}
	if len(titles) == 0 {
		return
	}
	found, err := s.st.RelatedByTitle(ctx, titles)
	if err != nil {
		s.log.Warn("link related articles", "error", err)
		return
	}
	for _, a := range items {
		for i, r := range a.Related {
			if t, ok := found[r.Title]; ok && r.URL == "" && t.GUID != a.GUID {
				a.Related[i].URL = t.URL
				if t.URL == "" {
					a.Related[i].URL = s.articleURL(t.GUID)
				}
			}
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}

// withoutWithdrawn returns items without those a tombstone withdraws, and
// the position (1-based) in items of each one kept.
func withoutWithdrawn(items []*feeds.Article, ts []feeds.Tombstone) ([]*feeds.Article, []int) {
	pos := make([]int, 0, len(items))
	gone := make(map[string]bool, len(ts))
	for _, t := range ts {
		gone[t.GUID] = true
	}
	kept := items[:0]
	for i, a := range items {
		if !gone[a.GUID] {
			kept = append(kept, a)
			pos = append(pos, i+1)
		}
	}
	return kept, pos
}

func latest(a *feeds.Article) time.Time {
	if a.Updated.After(a.Published) {
		return a.Updated
	}
	return a.Published
}

func (s *Server) articleURL(guid string) string {
	return s.opts.BaseURL + "/articles/" + url.PathEscape(guid)
}

// serveRendered writes a cached document, answering conditional requests
// with 304. It allocates nothing that grows with the document.
func (s *Server) serveRendered(w http.ResponseWriter, r *http.Request, f *rendered) {
	h := w.Header()
	h["Vary"] = hdrVary
	h["Cache-Control"] = s.cacheControl()
	if f.hdrModified != nil {
		h["Last-Modified"] = f.hdrModified
	}
	if f.hdrSurrogate != nil {
		h["Surrogate-Key"] = f.hdrSurrogate
		h["Cache-Tag"] = f.hdrCacheTag
	}
	gz := acceptsGzip(r)
	etag, hdrETag := f.etag, f.hdrETag
	if gz {
		etag, hdrETag = f.gzipETag, f.hdrGzETag
	}
	h["Etag"] = hdrETag
	if notModified(r, etag, f.modified) {
		// The headers that let a cache update what it stored (RFC 9110,
		// 15.4.5), and no more: the same ETag is the same document, so
		// its Link is the one stored. Eight at most: net/http's header
		// map grows (and is copied) at a cost beyond that.
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = f.hdrType
	if f.hdrLink != nil {
		h["Link"] = f.hdrLink
	}
	body, hdrLen := f.body, f.hdrLength
	if gz {
		body, hdrLen = f.gzipped, f.hdrGzLen
		h["Content-Encoding"] = hdrGzip
	}
	h["Content-Length"] = hdrLen
	w.WriteHeader(http.StatusOK)
	switch {
	case r.Method == http.MethodHead:
	case body != nil:
		_, _ = w.Write(body)
	default: // kept gzipped only; this client takes no gzip
		if err := f.writePlain(w); err != nil {
			// Past the header: the connection is cut short, which
			// Content-Length makes the client see.
			s.log.Error("serve feed", "path", r.URL.Path, "error", err)
		}
	}
}

var (
	hdrVary = []string{"Accept-Encoding"}
	hdrGzip = []string{"gzip"}
)

func (s *Server) cacheControl() []string {
	return s.cacheControlHdr
}

// notModified reports whether a conditional request can be answered with
// 304. When a client sends both validators, both must match: a CDN or reader
// that sends a stale date with a current ETag still gets the new document.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	inms := r.Header["If-None-Match"] // possibly over several header lines
	ims := r.Header.Get("If-Modified-Since")
	// An If-Modified-Since that is no HTTP date, or for a document without
	// a date, is ignored (RFC 9110, 13.1.3).
	var since time.Time
	if ims != "" && !modified.IsZero() {
		if t, err := http.ParseTime(ims); err == nil {
			since = t
		}
	}
	if len(inms) == 0 && since.IsZero() {
		return false
	}
	for i, inm := range inms {
		if etagMatches(inm, etag) {
			break
		}
		if i == len(inms)-1 {
			return false
		}
	}
	// When a client sends both, both must match.
	return since.IsZero() || !modified.After(since)
}

// etagMatches implements the weak comparison If-None-Match uses.
func etagMatches(header, etag string) bool {
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the client takes gzip (and did not refuse it
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			return !zeroWeight(params)
		}
	}
	return false
}

// zeroWeight reports whether the parameters of an Accept-Encoding member
// give it weight 0, "not acceptable" (RFC 9110, 12.4.2: qvalue = "0" [ "."
// 0*3DIGIT ] / ...; "0", "0.", "0.000" alike). A malformed weight is not 0:
// the client named the coding, so it is sent.
func zeroWeight(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		digits, ok := strings.CutPrefix(strings.TrimSpace(value), "0")
		if !ok {
			return false
		}
		if digits, ok = strings.CutPrefix(digits, "."); !ok {
			return digits == ""
		}
		return len(digits) <= 3 && strings.Trim(digits, "0") == ""
	}
	return false
}
