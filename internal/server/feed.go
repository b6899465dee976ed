package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
)

// allFeed is the pseudo-category of the feed that carries every category.
const allFeed = "all"

// errInvalidRender marks a render that failed the publish gate.
var errInvalidRender = errors.New("rendered feed failed validation")

func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	slug, ext, ok := strings.Cut(name, ".")
	fm, err := feeds.ParseFormat(ext)
	if !ok || err != nil {
		http.Error(w, "unknown feed format: use .rss, .atom or .json", http.StatusNotFound)
		return
	}
	limit := s.opts.DefaultLimit
	if q := r.URL.RawQuery; q != "" {
		if limit, err = s.parseLimit(r.URL.Query()); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	dep := slug
	if slug == allFeed {
		dep = ""
	}
	k := cacheKey{dep: dep, name: name, limit: limit}
	f, ok := s.cache.get(k)
	if s.metrics != nil {
		if ok {
			s.metrics.CacheHits.WithLabelValues(fm.Extension()).Inc()
		} else {
			s.metrics.CacheMisses.WithLabelValues(fm.Extension()).Inc()
		}
	}
	if !ok {
		f, err = s.cache.do(k, func(ver int64) (*rendered, error) {
			return s.renderFeed(r.Context(), k, slug, fm, limit)
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	h := w.Header()
	h["Access-Control-Allow-Origin"] = hdrStar
	h["Access-Control-Expose-Headers"] = hdrExpose
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

var (
	hdrStar   = []string{"*"}
	hdrExpose = []string{"ETag, Last-Modified, Link, Retry-After"}
)

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

func (s *Server) parseLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return s.opts.DefaultLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &badRequest{fmt.Sprintf("limit=%q: want a whole number from 1 to %d", v, s.opts.MaxLimit)}
	}
	return min(n, s.opts.MaxLimit), nil
}

// renderFeed builds, renders and validates one feed document. An invalid
// render is logged and the last good version of the same document is
// returned in its place, so a bad article never takes a feed down.
func (s *Server) renderFeed(ctx context.Context, k cacheKey, slug string, fm feeds.Format, limit int) (*rendered, error) {
	f, err := s.buildFeed(ctx, slug, fm, limit)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := feeds.Write(&buf, f, fm); err != nil {
		return nil, fmt.Errorf("render %s: %w", k.name, err)
	}
	if err := feeds.ValidateErr(buf.Bytes()); err != nil {
		s.countRender(fm, "invalid")
		s.log.Error("publish gate: feed not served", "feed", k.name, "error", err)
		if good := s.cache.good(k); good != nil {
			return good, nil
		}
		return nil, fmt.Errorf("%s: %w: %v", k.name, errInvalidRender, err)
	}
	s.countRender(fm, "ok")
	r := newRendered(buf.Bytes(), fm.ContentType(), f.Updated)
	if s.opts.HubURL != "" {
		r.hdrLink = []string{"<" + s.opts.HubURL + `>; rel="hub", <` + f.SelfURL + `>; rel="self"`}
	}
	return r, nil
}

func (s *Server) countRender(fm feeds.Format, result string) {
	if s.metrics != nil {
		s.metrics.Renders.WithLabelValues(fm.Extension(), result).Inc()
	}
}

// buildFeed loads a category's latest articles into a feed document.
func (s *Server) buildFeed(ctx context.Context, slug string, fm feeds.Format, limit int) (*feeds.Feed, error) {
	f := &feeds.Feed{
		Title:       s.opts.SiteTitle,
		Description: s.opts.SiteDescription,
		Link:        s.opts.BaseURL + "/",
		Language:    s.opts.Language,
	}
	cat := ""
	if slug != allFeed {
		c, err := s.st.Category(ctx, slug)
		if err != nil {
			return nil, fmt.Errorf("category %q: %w", slug, err)
		}
		cat = c.Slug
		f.Title = s.opts.SiteTitle + ": " + c.Title
		if c.Description != "" {
			f.Description = c.Description
		}
		f.Link = s.opts.BaseURL + "/categories/" + c.Slug
	}
	if f.Description == "" {
		f.Description = f.Title
	}
	f.SelfURL = s.opts.BaseURL + "/feeds/" + slug + "." + fm.Extension()
	f.ID = s.opts.BaseURL + "/feeds/" + slug
	if s.opts.HubURL != "" {
		f.Links = append(f.Links, feeds.Link{Rel: "hub", Href: s.opts.HubURL})
	}
	items, err := s.st.LatestArticles(ctx, cat, limit)
	if err != nil {
		return nil, fmt.Errorf("latest articles of %q: %w", slug, err)
	}
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	f.Categories = cats
	for _, a := range items {
		if a.URL == "" {
			a.URL = s.articleURL(a.GUID)
		}
		if a.Language == "" {
			a.Language = s.opts.Language
		}
		if u := latest(a); u.After(f.Updated) {
			f.Updated = u
		}
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC() // stable: an empty feed must not get a new ETag per render
	}
	f.Items = items
	return f, nil
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
	h["Content-Type"] = f.hdrType
	h["Vary"] = hdrVary
	h["Cache-Control"] = s.cacheControl()
	if f.hdrModified != nil {
		h["Last-Modified"] = f.hdrModified
	}
	if f.hdrLink != nil {
		h["Link"] = f.hdrLink
	}
	body, etag, hdrETag, hdrLen := f.body, f.etag, f.hdrETag, f.hdrLength
	if acceptsGzip(r) {
		body, etag, hdrETag, hdrLen = f.gzipped, f.gzipETag, f.hdrGzETag, f.hdrGzLen
		h["Content-Encoding"] = hdrGzip
	}
	h["Etag"] = hdrETag
	if notModified(r, etag, f.modified) {
		delete(h, "Content-Type")
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = hdrLen
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
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
	inm := r.Header.Get("If-None-Match")
	ims := r.Header.Get("If-Modified-Since")
	if inm == "" && ims == "" {
		return false
	}
	if inm != "" && !etagMatches(inm, etag) {
		return false
	}
	if ims != "" {
		if modified.IsZero() {
			return false // no date of ours to compare with
		}
		t, err := http.ParseTime(ims)
		if err != nil || modified.After(t) {
			return false
		}
	}
	return true
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
			params = strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
		}
	}
	return false
}
