package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/newswire/newswire/internal/opml"
)

// handleOPML serves every category feed as an OPML 2.0 subscription list,
// so an aggregator subscribes to all of them in one step.
func (s *Server) handleOPML(w http.ResponseWriter, r *http.Request) {
	allowCORS(w.Header())
	k := cacheKey{dep: "", name: "opml"}
	f, ok := s.cache.get(k)
	if !ok {
		var err error
		f, err = s.cache.do(r.Context(), k, func(ctx context.Context, _ int64) (*rendered, error) { return s.renderOPML(ctx) })
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.serveRendered(w, r, f)
}

func (s *Server) renderOPML(ctx context.Context) (*rendered, error) {
	cats, err := s.st.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("categories: %w", err)
	}
	doc := &opml.Document{Title: s.opts.SiteTitle}
	feed := func(slug, title string) opml.Outline {
		return opml.Outline{Text: title, Title: title, Type: "rss", Language: s.opts.Language,
			XMLURL: s.opts.BaseURL + "/feeds/" + slug + ".rss", HTMLURL: s.opts.BaseURL + "/categories/" + slug}
	}
	all := feed(allFeed, s.opts.SiteTitle)
	all.HTMLURL = s.opts.BaseURL + "/"
	doc.Outlines = append(doc.Outlines, all)
	for _, c := range cats {
		doc.Outlines = append(doc.Outlines, feed(c.Slug, s.opts.SiteTitle+": "+c.Title))
	}
	var buf bytes.Buffer
	if err := opml.Write(&buf, doc); err != nil {
		return nil, err
	}
	return newRendered(buf.Bytes(), "text/x-opml; charset=utf-8", time.Time{}), nil
}
