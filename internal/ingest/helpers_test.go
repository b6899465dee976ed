package ingest_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// t0 is the tests' "now": after every dated fixture item (March 2025).
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// clock is the settable clock of an ingester and its store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// env is one test's store, ingester and upstream server.
type env struct {
	t     testing.TB
	st    *store.Store
	path  string
	clock *clock
	in    *ingest.Ingester
	up    *upstream
}

func newEnv(t testing.TB, opts ...func(*ingest.Options)) *env {
	t.Helper()
	e := &env{t: t, clock: newClock(), path: filepath.Join(t.TempDir(), "n.db")}
	st, err := store.Open(context.Background(), e.path, store.WithClock(e.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	e.st = st
	e.up = newUpstream(t)
	// A generous fetch timeout: a test's upstream that must time out never answers.
	o := ingest.Options{Client: fetch.New(fetch.Options{Timeout: time.Minute}), Now: e.clock.Now}
	for _, f := range opts {
		f(&o)
	}
	e.in = ingest.New(st, o)
	return e
}

// addSource stores a polled source reading path on the upstream server.
func (e *env) addSource(name, path string, edit ...func(*newsroom.Source)) newsroom.Source {
	e.t.Helper()
	src := newsroom.Source{Name: name, URL: e.up.URL(path), Schedule: "@every 10m",
		Categories: []string{"world"}, Enabled: true, AllowPrivate: true}
	for _, f := range edit {
		f(&src)
	}
	out, err := e.st.UpsertSource(context.Background(), src)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) run(name string) ingest.Result {
	e.t.Helper()
	return e.in.RunOne(context.Background(), name)
}

// mustRun runs a pass that must succeed.
func (e *env) mustRun(name string) ingest.Result {
	e.t.Helper()
	res := e.run(name)
	if res.Err != nil {
		e.t.Fatalf("pass over %s: %v", name, res.Err)
	}
	return res
}

func (e *env) source(name string) newsroom.Source {
	e.t.Helper()
	src, err := e.st.SourceByName(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return src
}

func (e *env) latest(cat string) []*feeds.Article {
	e.t.Helper()
	as, err := e.st.LatestArticles(context.Background(), cat, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

func (e *env) count() int {
	e.t.Helper()
	n, err := e.st.CountArticles(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) versions() map[string]int64 {
	e.t.Helper()
	vs, err := e.st.Versions(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return vs
}

// byTitle finds the stored article with this title.
func (e *env) byTitle(title string) *feeds.Article {
	e.t.Helper()
	for _, a := range e.latest("") {
		if a.Title == title {
			return a
		}
	}
	var titles []string
	for _, a := range e.latest("") {
		titles = append(titles, a.Title)
	}
	e.t.Fatalf("no article titled %q; have %q", title, titles)
	return nil
}

// raw opens the database file directly, for what the API does not expose.
func (e *env) raw() *sql.DB {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.path+"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { db.Close() })
	return db
}

// fixture reads testdata/upstream/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "upstream", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// route is how the upstream server answers one path.
type route struct {
	body         []byte
	contentType  string // default application/rss+xml, no charset
	etag         string // answered with 304 when If-None-Match matches
	lastModified string // answered with 304 when If-Modified-Since matches (and no etag)
	status       int    // other than 200: sent with header and no body
	header       http.Header
	handler      http.HandlerFunc // overrides everything
}

// seen is one request the upstream received.
type seen struct {
	path, ifNoneMatch, ifModifiedSince, userAgent string
}

// upstream is an httptest server answering per path.
type upstream struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]route
	reqs   []seen
}

func newUpstream(t testing.TB) *upstream {
	u := &upstream{routes: make(map[string]route)}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) URL(path string) string { return u.Server.URL + path }

func (u *upstream) set(path string, r route) {
	u.mu.Lock()
	u.routes[path] = r
	u.mu.Unlock()
}

// file serves a fixture at path.
func (u *upstream) file(t testing.TB, path, name string, edit ...func(*route)) {
	r := route{body: fixture(t, name)}
	for _, f := range edit {
		f(&r)
	}
	u.set(path, r)
}

// requests returns the requests received for path.
func (u *upstream) requests(path string) []seen {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []seen
	for _, r := range u.reqs {
		if r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	rt, ok := u.routes[r.URL.Path]
	u.reqs = append(u.reqs, seen{r.URL.Path, r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since"), r.UserAgent()})
	u.mu.Unlock()
	switch {
	case !ok:
		http.NotFound(w, r)
		return
	case rt.handler != nil:
		rt.handler(w, r)
		return
	}
	for k, vs := range rt.header {
		w.Header()[k] = vs
	}
	if rt.status != 0 && rt.status != http.StatusOK {
		w.WriteHeader(rt.status)
		return
	}
	if rt.etag != "" {
		w.Header().Set("ETag", rt.etag)
	}
	if rt.lastModified != "" {
		w.Header().Set("Last-Modified", rt.lastModified)
	}
	if (rt.etag != "" && r.Header.Get("If-None-Match") == rt.etag) ||
		(rt.etag == "" && rt.lastModified != "" && r.Header.Get("If-Modified-Since") == rt.lastModified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ct := rt.contentType
	if ct == "" {
		ct = "application/rss+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Write(rt.body)
}

// render renders a category's stored articles in every format, checks each
// document with feeds.ValidateErr, and returns them.
func (e *env) render(cat string) map[feeds.Format][]byte {
	e.t.Helper()
	items := e.latest(cat)
	out := make(map[feeds.Format][]byte)
	for _, fm := range feeds.AllFormats() {
		f := &feeds.Feed{
			Title: "newswire " + cat, Description: "test feed", Link: "https://news.example/",
			SelfURL: fmt.Sprintf("https://news.example/feeds/%s.%s", cat, fm.Extension()), Language: "ar", Items: items,
		}
		var buf bytes.Buffer
		if err := feeds.Write(&buf, f, fm); err != nil {
			e.t.Fatalf("render %s as %v: %v", cat, fm, err)
		}
		if err := feeds.ValidateErr(buf.Bytes()); err != nil {
			e.t.Errorf("rendered %s feed (%v) does not validate: %v", cat, fm, err)
		}
		out[fm] = buf.Bytes()
	}
	return out
}

func titles(as []*feeds.Article) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Title
	}
	return out
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func readIfExists(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// genFeed returns an RSS 2.0 document of n Arabic items whose links and
// GUIDs start with id (distinct feeds do not dedupe into each other). Items
// are newest first, one minute apart before t0, or undated when undated is
// set; each body is about bodyBytes of HTML.
func genFeed(id string, n int, undated bool, bodyBytes int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>مولد ` + id + `</title><link>https://gen.example/` + id + `/</link><description>generated</description><language>ar</language>
`)
	para := `<p dir="rtl">أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام في العاصمة، وقال الوزير إن المشروع سيبدأ خلال الأشهر المقبلة <a href="/ar/topics/transport">النقل</a>.</p>`
	for i := range n {
		fmt.Fprintf(&b, "<item><title>خبر رقم %d من %s</title><link>https://gen.example/%s/news/%d</link><guid isPermaLink=\"false\">%s-%d</guid>",
			i, id, id, i, id, i)
		if !undated {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", t0.Add(-time.Duration(i+1)*time.Minute).Format(time.RFC1123Z))
		}
		b.WriteString("<category>سياسة</category><description>ملخص الخبر رقم ")
		fmt.Fprint(&b, i)
		b.WriteString("</description><content:encoded><![CDATA[")
		for w := 0; w < bodyBytes; w += len(para) {
			b.WriteString(para)
		}
		fmt.Fprintf(&b, "<p>%s %d</p>]]></content:encoded></item>\n", id, i)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// touch serves path's body again with a different trailing comment: the same
// items in other bytes, as a dynamic upstream regenerates its feed.
func (u *upstream) touch(path string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	r := u.routes[path]
	r.body = append(bytes.Clone(r.body), fmt.Sprintf("<!-- regenerated %d -->\n", len(u.reqs))...)
	u.routes[path] = r
}
