package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/newswire/newswire/internal/newsroom"
)

// statusDays is how far back the per-source activity chart reaches.
const statusDays = 14

type statusSource struct {
	newsroom.Source
	Anchor   string // the row's id
	State    string // ok, failing, disabled or new: a class and a message key
	Activity []int
	Total    int
}

// sourceState sums a source up in one word, shown in words and colour.
// A source is disabled by its operator or by its upstream (410 Gone).
func sourceState(src newsroom.Source) string {
	switch {
	case !src.Polled():
		return "disabled"
	case src.LastError != "":
		return "failing"
	case src.LastAttempt.IsZero():
		return "new"
	}
	return "ok"
}

// sourceAnchor is the id of a source's row: "source-" and its name, with
// "%" and white space percent-encoded, since an id holds no space and two
// names must not share one.
func sourceAnchor(name string) string {
	var b strings.Builder
	b.WriteString("source-")
	for _, r := range name {
		if r == '%' || unicode.IsSpace(r) {
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type statusTopic struct {
	Topic       string
	Subscribers int
}

type stateCount struct {
	State string
	N     int
}

type statusPage struct {
	page
	Now     time.Time
	Sources []statusSource
	Summary []stateCount // sources per state, for a glance
	Topics  []statusTopic
	Err     string
	Writes  string // what fails, while database writes fail
}

// Ago says how long before the page's time t was, in the site's language.
func (p *statusPage) Ago(t time.Time) template.HTML { return timeTag(t, ago(p.Lang, t, p.Now)) }

// NextRun says when src is fetched next, in the site's language. While
// database writes fail, a due source's pass cannot be recorded, so its
// stored next run stays in the past: it waits for writes.
func (p *statusPage) NextRun(src statusSource) template.HTML {
	if !src.Polled() {
		return template.HTML(html.EscapeString(p.T("time.not_scheduled")))
	}
	if p.Writes != "" && !src.NextRun.After(p.Now) {
		return template.HTML(html.EscapeString(p.T("time.waits_for_writes")))
	}
	return timeTag(src.NextRun, until(p.Lang, src.NextRun, p.Now))
}

// Holder says which instance is fetching src (holds its lease) and when
// the lease ends; nothing when no instance is.
func (p *statusPage) Holder(src statusSource) template.HTML {
	if src.ClaimedBy == "" {
		return ""
	}
	lease := html.EscapeString(p.T("status.lease_lapsed"))
	if src.ClaimedUntil.After(p.Now) {
		lease = html.EscapeString(p.T("status.lease_ends")) + " " +
			string(timeTag(src.ClaimedUntil, until(p.Lang, src.ClaimedUntil, p.Now)))
	}
	return template.HTML(html.EscapeString(p.T("status.held_by")) + ` <bdi dir="ltr" class="instance">` +
		html.EscapeString(src.ClaimedBy) + `</bdi>` + lease)
}

// ActivityLabel names the activity chart: items per day over the window.
func (p *statusPage) ActivityLabel() string {
	return p.Tf("status.activity", count(p.Lang, statusDays, day))
}

// timeTag is text about t, with t itself in machine form and, on hover,
// in full.
func timeTag(t time.Time, text string) template.HTML {
	if t.IsZero() {
		return template.HTML(html.EscapeString(text))
	}
	return template.HTML(`<time datetime="` + t.UTC().Format(time.RFC3339) + `" title="` +
		t.UTC().Format("2006-01-02 15:04:05 UTC") + `">` + html.EscapeString(text) + `</time>`)
}

// Chart is a source's activity chart, with each bar's day and count in
// its tooltip.
func (p *statusPage) Chart(src statusSource) template.HTML {
	today := p.Now.UTC().Truncate(24 * time.Hour)
	label := func(i int) string {
		d := today.AddDate(0, 0, i-(len(src.Activity)-1))
		return p.Tf("status.chart_day", d.Format("2006-01-02"), src.Activity[i])
	}
	return activityChart(src.Activity, p.ActivityLabel(), label)
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
	p := &statusPage{page: s.page(""), Now: time.Now().UTC()}
	p.Title = s.opts.SiteTitle + ": " + p.T("status.title")
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
		ss := statusSource{Source: src, Anchor: sourceAnchor(src.Name), State: sourceState(src), Activity: activity[src.Name]}
		if len(ss.Activity) == 0 {
			ss.Activity = make([]int, statusDays)
		}
		for _, n := range ss.Activity {
			ss.Total += n
		}
		p.Sources = append(p.Sources, ss)
	}
	for _, state := range []string{"ok", "failing", "new", "disabled"} {
		n := 0
		for _, ss := range p.Sources {
			if ss.State == state {
				n++
			}
		}
		if n > 0 {
			p.Summary = append(p.Summary, stateCount{State: state, N: n})
		}
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
// the left (mirrored by the style sheet on right-to-left pages), with
// each bar's tooltip from label.
func activityChart(counts []int, title string, label func(i int) string) template.HTML {
	const barW, gap, height = 8, 2, 28
	peak := 1
	for _, n := range counts {
		peak = max(peak, n)
	}
	var b strings.Builder
	width := len(counts) * (barW + gap)
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		width, height, width, height, html.EscapeString(title))
	for i, n := range counts {
		h := n * (height - 2) / peak
		if n > 0 {
			h = max(h, 2)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#3b6ea5"><title>%s</title></rect>`,
			i*(barW+gap), height-h, barW, h, html.EscapeString(label(i)))
	}
	fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#999"/></svg>`, height-0, width, height)
	return template.HTML(b.String()) // numbers and escaped text only
}
