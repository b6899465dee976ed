// Package metrics defines newswire's Prometheus metrics on a registry of its
// own (never the global default), so tests and several servers in one
// process do not collide.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every collector newswire exports.
type Metrics struct {
	reg *prometheus.Registry

	Requests     *prometheus.CounterVec // route, format, code
	CacheHits    *prometheus.CounterVec // format
	CacheMisses  *prometheus.CounterVec // format
	Renders      *prometheus.CounterVec // format, result (ok, invalid)
	RenderQueue  prometheus.Gauge       // requests waiting for a turn to render
	ItemsSkipped *prometheus.CounterVec // format, reason
	RateLimited  prometheus.Counter
	Fetches      *prometheus.CounterVec   // source, result (ok, not_modified, error)
	FetchSeconds *prometheus.HistogramVec // source
	Items        *prometheus.CounterVec   // source, kind (new, updated)
	Deliveries   *prometheus.CounterVec   // result (ok, failed)
}

// New returns metrics registered on a fresh registry, with the Go runtime
// and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_http_requests_total", Help: "HTTP requests by route, feed format and status code.",
		}, []string{"route", "format", "code"}),
		CacheHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_cache_hits_total", Help: "Feed requests served from rendered bytes.",
		}, []string{"format"}),
		CacheMisses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_cache_misses_total", Help: "Feed requests that had to render.",
		}, []string{"format"}),
		Renders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_renders_total", Help: "Feed renders by result (ok, invalid: refused by the publish gate).",
		}, []string{"format", "result"}),
		RenderQueue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newswire_renders_waiting", Help: "Requests waiting for a turn to render a feed, page or OPML (at most feeds.max_renders render at once).",
		}),
		ItemsSkipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_feed_items_skipped_total",
			Help: "Items and tombstones left out of a feed render because they cannot be rendered or failed validation, or (too-large) fit no page of the feed's byte budget, by format and reason (bad-date, missing-id, empty-content, relative-url, too-large...).",
		}, []string{"format", "reason"}),
		RateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newswire_http_rate_limited_total", Help: "Unconditional feed requests answered 429.",
		}),
		Fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_source_fetches_total", Help: "Upstream fetches by source and result (ok, not_modified, error).",
		}, []string{"source", "result"}),
		FetchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "newswire_source_fetch_duration_seconds", Help: "Time to fetch, parse and store one upstream feed.",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"source"}),
		Items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_items_ingested_total", Help: "Upstream items stored, by source and kind (new, updated).",
		}, []string{"source", "kind"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newswire_websub_deliveries_total", Help: "WebSub content distributions by result (ok, failed).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.Requests, m.CacheHits, m.CacheMisses, m.Renders, m.RenderQueue, m.ItemsSkipped, m.RateLimited,
		m.Fetches, m.FetchSeconds, m.Items, m.Deliveries,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the metrics live on.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveFetch records one upstream fetch.
func (m *Metrics) ObserveFetch(source string, notModified bool, err error, newItems, updated int, d time.Duration) {
	result := "ok"
	switch {
	case err != nil:
		result = "error"
	case notModified:
		result = "not_modified"
	}
	m.Fetches.WithLabelValues(source, result).Inc()
	m.FetchSeconds.WithLabelValues(source).Observe(d.Seconds())
	if newItems > 0 {
		m.Items.WithLabelValues(source, "new").Add(float64(newItems))
	}
	if updated > 0 {
		m.Items.WithLabelValues(source, "updated").Add(float64(updated))
	}
}

// ObserveStore exports whether the database can be written, as this
// process found it: newswire_store_writable (1 or 0) and
// newswire_store_write_failures_total (writes failed for a storage fault:
// full disk, read-only, I/O). Both are read from health at each scrape.
func (m *Metrics) ObserveStore(health func() (writable bool, failures uint64)) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newswire_store_writable", Help: "1 while database writes work, 0 while they fail (full disk, read-only, I/O error).",
		}, func() float64 {
			if ok, _ := health(); ok {
				return 1
			}
			return 0
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "newswire_store_write_failures_total", Help: "Database writes that failed for a storage fault (full disk, read-only, I/O error).",
		}, func() float64 {
			_, n := health()
			return float64(n)
		}),
	)
}

// Code is the label value for an HTTP status code, without allocating for
// the common ones.
func Code(code int) string {
	switch code {
	case 200:
		return "200"
	case 304:
		return "304"
	case 404:
		return "404"
	case 429:
		return "429"
	}
	return strconv.Itoa(code)
}
