package server

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates are parsed once per server, not in init: no package state.
func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"dir":  feeds.Direction,
		"lang": pageLanguage,
		"date": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"html": func(s string) template.HTML { return template.HTML(s) }, // bodies are sanitised at import/ingest
		// html/template writes "+" in attributes as &#43;; autodiscovery
		// parsers cope, but some string-match the type, so write it plainly.
		"alternate": func(l feedLink) template.HTML {
			return template.HTML(`<link rel="alternate" type="` + html.EscapeString(l.Type) +
				`" title="` + html.EscapeString(l.Title) + `" href="` + html.EscapeString(l.Href) + `">`)
		},
	}).ParseFS(templateFS, "templates/*.html"))
}

type feedLink struct {
	Title, Type, Href string
	Name              string // the format's name, e.g. "Atom": the link's text
}

type indexCategory struct {
	feeds.Category
	Links []feedLink
}

// page is what every page template gets: the head and nav need these.
// Lang and Dir are the site's: the chrome's words follow them, while an
// article keeps its own language on its own element.
type page struct {
	Site, Title, Lang, Dir string
	Alternates             []feedLink
}

// T is the page word for key in the site's language.
func (p page) T(key string) string { return message(p.Lang, key) }

// Tf is T formatted with args.
func (p page) Tf(key string, args ...any) string { return fmt.Sprintf(message(p.Lang, key), args...) }

type indexPage struct {
	page
	Description string
	All         []feedLink
	Categories  []indexCategory
}

type categoryPage struct {
	page
	Category feeds.Category
	Links    []feedLink
	Articles []*feeds.Article
}

// formatName is what readers call a feed format.
func formatName(fm feeds.Format) string {
	switch fm {
	case feeds.FormatRSS:
		return "RSS"
	case feeds.FormatAtom:
		return "Atom"
	case feeds.FormatJSON:
		return "JSON Feed"
	}
	return strings.ToUpper(fm.Extension())
}

func (s *Server) feedLinks(slug, title string) []feedLink {
	var out []feedLink
	for _, fm := range []feeds.Format{feeds.FormatRSS, feeds.FormatAtom, feeds.FormatJSON} {
		out = append(out, feedLink{
			Title: fmt.Sprintf("%s (%s)", title, formatName(fm)),
			Type:  fm.MediaType(),
			Href:  s.opts.BaseURL + "/feeds/" + slug + "." + fm.Extension(),
			Name:  formatName(fm),
		})
	}
	return out
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	k := cacheKey{dep: "", name: "index"}
	f, ok := s.cache.get(k)
	if !ok {
		var err error
		f, err = s.cache.do(r.Context(), k, func(ctx context.Context, _ int64) (*rendered, error) { return s.renderIndex(ctx) })
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.serveRendered(w, r, f)
}

func (s *Server) renderIndex(ctx context.Context) (*rendered, error) {
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	p := indexPage{page: s.page(s.opts.SiteTitle), Description: s.opts.SiteDescription}
	p.All = s.feedLinks(allFeed, s.opts.SiteTitle)
	p.Alternates = p.All
	for _, c := range cats {
		links := s.feedLinks(c.Slug, s.opts.SiteTitle+": "+c.Title)
		p.Categories = append(p.Categories, indexCategory{Category: c, Links: links})
		p.Alternates = append(p.Alternates, links...)
	}
	var buf bytes.Buffer
	if err := s.templates().ExecuteTemplate(&buf, "index.html", p); err != nil {
		return nil, fmt.Errorf("render index: %w", err)
	}
	// The page has no date of its own: the ETag alone validates it.
	return newRendered(buf.Bytes(), "text/html; charset=utf-8", time.Time{}), nil
}

func (s *Server) page(title string) page {
	lang := pageLanguage(s.opts.Language)
	if lang == "" {
		lang = "en"
	}
	return page{Site: s.opts.SiteTitle, Title: title, Lang: lang, Dir: feeds.Direction(lang)}
}

// pageLanguage is a tag as a lang attribute carries it: in the canonical
// form feeds publish (an article stored before the doors normalised tags
// may say "ar_SA"), or as given when it cannot be read.
func pageLanguage(tag string) string {
	if t, err := feeds.NormalizeLanguage(tag); err == nil {
		return t
	}
	return tag
}

// categoryPageSize is how many articles a category page lists.
const categoryPageSize = 30

func (s *Server) handleCategory(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	k := cacheKey{dep: slug, name: "page:" + slug}
	f, ok := s.cache.get(k)
	if !ok {
		var err error
		f, err = s.cache.do(r.Context(), k, func(ctx context.Context, _ int64) (*rendered, error) { return s.renderCategory(ctx, slug) })
		if err != nil {
			s.writePageError(w, r, err, "error.no_category", slug)
			return
		}
	}
	s.serveRendered(w, r, f)
}

func (s *Server) renderCategory(ctx context.Context, slug string) (*rendered, error) {
	c, err := s.st.Category(ctx, slug)
	if err != nil {
		return nil, err // names the category already
	}
	items, err := s.st.LatestArticles(ctx, slug, categoryPageSize)
	if err != nil {
		return nil, fmt.Errorf("latest articles of %q: %w", slug, err)
	}
	var modified time.Time
	for _, a := range items {
		if a.URL == "" {
			a.URL = s.articleURL(a.GUID)
		}
		if a.Language == "" {
			a.Language = s.opts.Language
		}
		if u := latest(a); u.After(modified) {
			modified = u
		}
	}
	// Never later than now, as for feeds: an article dated in the future
	// must not date the page.
	modified = minTime(modified, time.Now())
	p := categoryPage{page: s.page(s.opts.SiteTitle + ": " + c.Title), Category: c, Articles: items}
	p.Links = s.feedLinks(c.Slug, p.Title)
	p.Alternates = p.Links
	var buf bytes.Buffer
	if err := s.templates().ExecuteTemplate(&buf, "category.html", p); err != nil {
		return nil, fmt.Errorf("render category page: %w", err)
	}
	return newRendered(buf.Bytes(), "text/html; charset=utf-8", modified), nil
}

type articlePage struct {
	page
	Article    *feeds.Article
	Categories []feeds.Category // the article's, by title
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	guid := r.PathValue("guid")
	if guid == "" { // "/articles/": no article is named
		s.writeMissingPage(w, r, http.StatusNotFound, "error.no_page", "")
		return
	}
	a, err := s.st.Article(r.Context(), guid)
	if err != nil {
		s.writePageError(w, r, err, "error.no_article", "")
		return
	}
	if a.Language == "" {
		a.Language = s.opts.Language
	}
	s.linkRelated(r.Context(), []*feeds.Article{a})
	cats, err := s.articleCategories(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	p := articlePage{page: s.page(a.Title + " — " + s.opts.SiteTitle), Article: a, Categories: cats}
	if err := s.templates().ExecuteTemplate(&buf, "article.html", p); err != nil {
		s.writeError(w, r, fmt.Errorf("render article: %w", err))
		return
	}
	f := newRendered(buf.Bytes(), "text/html; charset=utf-8", latest(a))
	s.serveRendered(w, r, f)
}

// articleCategories are a's categories as readers know them: with their
// titles. A slug the store has no category for keeps the slug as title.
func (s *Server) articleCategories(ctx context.Context, a *feeds.Article) ([]feeds.Category, error) {
	all, err := s.st.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	bySlug := make(map[string]feeds.Category, len(all))
	for _, c := range all {
		bySlug[c.Slug] = c
	}
	out := make([]feeds.Category, 0, len(a.Categories))
	for _, slug := range a.Categories {
		c, ok := bySlug[slug]
		if !ok || c.Title == "" {
			c = feeds.Category{Slug: slug, Title: slug}
		}
		out = append(out, c)
	}
	return out, nil
}

func (s *Server) templates() *template.Template { return s.tmpl }

// errorPage is the page of a 404 or 410 answer: the site's chrome and
// language, and one sentence.
type errorPage struct {
	page
	Heading, Text string
	Name          string // what was asked for, isolated from the sentence's direction
}

// writePageError answers a page's error: a page of the site's for a
// missing (missingKey, naming name when set) or withdrawn article, the
// plain answers of writeError for the rest (a storage fault, a bad
// request).
func (s *Server) writePageError(w http.ResponseWriter, r *http.Request, err error, missingKey, name string) {
	switch {
	case errors.Is(err, newsroom.ErrWithdrawn):
		s.writeMissingPage(w, r, http.StatusGone, "error.withdrawn", "")
	case errors.Is(err, newsroom.ErrNotFound):
		s.writeMissingPage(w, r, http.StatusNotFound, missingKey, name)
	default:
		s.writeError(w, r, err)
	}
}

// writeMissingPage writes a 404 or 410 page saying textKey (and name).
func (s *Server) writeMissingPage(w http.ResponseWriter, r *http.Request, status int, textKey, name string) {
	headKey := "error.not_found"
	if status == http.StatusGone {
		headKey = "error.gone"
	}
	p := errorPage{page: s.page(message(s.opts.Language, headKey) + " — " + s.opts.SiteTitle), Name: name}
	p.Heading, p.Text = p.T(headKey), p.T(textKey)
	var buf bytes.Buffer
	if err := s.templates().ExecuteTemplate(&buf, "error.html", p); err != nil {
		s.writeError(w, r, fmt.Errorf("render error page: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// sitePage says whether path is one of the site's pages, whose unknown
// addresses get the site's 404 page: not feeds (plain text suits feed
// readers), the API (JSON), WebSub, metrics or health checks.
func sitePage(path string) bool {
	for _, p := range []string{"/feeds/", "/api/", "/websub", "/metrics", "/healthz"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}
