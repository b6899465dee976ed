package server

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/store"
)

// statusDays is how far back the per-source activity chart reaches.
const statusDays = 14

type statusSource struct {
	store.Source
	Activity []int
	Total    int
}

type statusTopic struct {
	Topic       string
	Subscribers int
}

type statusPage struct {
	page
	Now     time.Time
	Sources []statusSource
	Topics  []statusTopic
	Err     string
	Writes  string // what fails, while database writes fail
}

// handleStatus shows operators the state of every source and the WebSub
// subscribers per topic. It is rendered per request: it is about "now".
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	p, err := s.statusData(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := s.templates().ExecuteTemplate(&buf, "status.html", p); err != nil {
		s.writeError(w, r, fmt.Errorf("render status: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) statusData(ctx context.Context) (*statusPage, error) {
	p := &statusPage{page: s.page(s.opts.SiteTitle+": status", "en"), Now: time.Now().UTC()}
	if wh := s.writeHealth(); !wh.Writable {
		p.Writes = writesFailing(wh)
	}
	srcs, err := s.st.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	activity, err := s.st.SourceActivity(ctx, statusDays)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		ss := statusSource{Source: src, Activity: activity[src.Name]}
		for _, n := range ss.Activity {
			ss.Total += n
		}
		p.Sources = append(p.Sources, ss)
	}
	if s.opts.Subscribers != nil {
		subs, err := s.opts.Subscribers(ctx)
		if err != nil {
			p.Err = "subscribers: " + err.Error()
		}
		for t, n := range subs {
			p.Topics = append(p.Topics, statusTopic{Topic: t, Subscribers: n})
		}
		sort.Slice(p.Topics, func(i, j int) bool { return p.Topics[i].Topic < p.Topics[j].Topic })
	}
	return p, nil
}

// activityChart draws items per day as an inline SVG bar chart, oldest on
// the left, with each day's count in a tooltip.
func activityChart(counts []int) template.HTML {
	const barW, gap, height = 8, 2, 28
	peak := 1
	for _, n := range counts {
		peak = max(peak, n)
	}
	var b strings.Builder
	width := len(counts) * (barW + gap)
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="items per day, last %d days">`,
		width, height, width, height, len(counts))
	for i, n := range counts {
		h := n * (height - 2) / peak
		if n > 0 {
			h = max(h, 2)
		}
		day := len(counts) - 1 - i
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#3b6ea5"><title>%d items, %d days ago</title></rect>`,
			i*(barW+gap), height-h, barW, h, n, day)
	}
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#999"/></svg>`, height-0, width, height)
	return template.HTML(b.String()) // built from integers only
}

func when(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + (-d).Round(time.Second).String()
	}
	return d.Round(time.Second).String() + " ago"
}
