package server

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/newswire/newswire/feeds"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates are parsed once per server, not in init: no package state.
func parseTemplates() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"dir":    dirOf,
		"date":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"html":   func(s string) template.HTML { return template.HTML(s) }, // bodies are sanitised at import/ingest
		"chart":  activityChart,
		"anchor": anchorID,
		"when":   when,
		// html/template writes "+" in attributes as &#43;; autodiscovery
		// parsers cope, but some string-match the type, so write it plainly.
		"alternate": func(l feedLink) template.HTML {
			return template.HTML(`<link rel="alternate" type="` + html.EscapeString(l.Type) +
				`" title="` + html.EscapeString(l.Title) + `" href="` + html.EscapeString(l.Href) + `">`)
		},
	}).ParseFS(templateFS, "templates/*.html"))
}

// rtlLanguages are primary subtags written right to left.
var rtlLanguages = map[string]bool{"ar": true, "fa": true, "he": true, "ur": true, "yi": true,
	"ps": true, "ckb": true, "dv": true, "sd": true, "ug": true}

func dirOf(lang string) string {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if rtlLanguages[primary] {
		return "rtl"
	}
	return "ltr"
}

type feedLink struct {
	Title, Type, Href string
}

type indexCategory struct {
	feeds.Category
	Links []feedLink
}

// page is what every page template gets: the head and nav need these.
type page struct {
	Site, Title, Lang, Dir string
	Alternates             []feedLink
}

type indexPage struct {
	page
	Description string
	Categories  []indexCategory
}

type categoryPage struct {
	page
	Category feeds.Category
	Articles []*feeds.Article
}

func (s *Server) feedLinks(slug, title string) []feedLink {
	var out []feedLink
	for _, fm := range []feeds.Format{feeds.FormatRSS, feeds.FormatAtom, feeds.FormatJSON} {
		ct, _, _ := strings.Cut(fm.ContentType(), ";")
		out = append(out, feedLink{
			Title: fmt.Sprintf("%s (%s)", title, strings.ToUpper(fm.Extension())),
			Type:  ct,
			Href:  s.opts.BaseURL + "/feeds/" + slug + "." + fm.Extension(),
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
	p := indexPage{page: s.page(s.opts.SiteTitle, s.opts.Language), Description: s.opts.SiteDescription}
	p.Alternates = s.feedLinks(allFeed, s.opts.SiteTitle)
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

func (s *Server) page(title, lang string) page {
	if lang == "" {
		lang = s.opts.Language
	}
	return page{Site: s.opts.SiteTitle, Title: title, Lang: lang, Dir: dirOf(lang)}
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
			s.writeError(w, r, err)
			return
		}
	}
	s.serveRendered(w, r, f)
}

// anchorID turns a name (a source's, which may hold spaces or slashes
// from before names were restricted) into an HTML id: letters, digits,
// marks, "-" and "." stay; every other character becomes "_hex_", so
// distinct names keep distinct ids.
func anchorID(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || r == '-' || r == '.' {
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "_%x_", r)
	}
	return b.String()
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
	p := categoryPage{page: s.page(s.opts.SiteTitle+": "+c.Title, s.opts.Language), Category: c, Articles: items}
	p.Alternates = s.feedLinks(c.Slug, p.Title)
	var buf bytes.Buffer
	if err := s.templates().ExecuteTemplate(&buf, "category.html", p); err != nil {
		return nil, fmt.Errorf("render category page: %w", err)
	}
	return newRendered(buf.Bytes(), "text/html; charset=utf-8", modified), nil
}

type articlePage struct {
	page
	Article *feeds.Article
}

func (s *Server) handleArticle(w http.ResponseWriter, r *http.Request) {
	a, err := s.st.Article(r.Context(), r.PathValue("guid"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.linkRelated(r.Context(), []*feeds.Article{a})
	var buf bytes.Buffer
	p := articlePage{page: s.page(a.Title+" — "+s.opts.SiteTitle, a.Language), Article: a}
	if err := s.templates().ExecuteTemplate(&buf, "article.html", p); err != nil {
		s.writeError(w, r, fmt.Errorf("render article: %w", err))
		return
	}
	f := newRendered(buf.Bytes(), "text/html; charset=utf-8", latest(a))
	s.serveRendered(w, r, f)
}

func (s *Server) templates() *template.Template { return s.tmpl }
