package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/store"
)

// upstream serves testdata/upstream files with validators, like a wire.
func upstream(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.FileServer(http.Dir("../../testdata/upstream")))
	t.Cleanup(ts.Close)
	return ts
}

func writeConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "newswire.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFetchSourcesAndOPML(t *testing.T) {
	up := upstream(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
categories:
  - {slug: politics, title: سياسة}
  - {slug: world, title: العالم}
sources:
  - name: wire
    url: %s/arabic.rss
    categories: [world]
    rules: [{match: "سياسة", category: politics}]
    allow_private: true
  - name: broken
    url: %s/malformed.rss
    categories: [world]
    allow_private: true
`, filepath.Join(dir, "n.db"), up.URL, up.URL))
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}

	out, errOut, err := run(t, env, "fetch")
	if err != nil {
		t.Fatalf("fetch: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "wire: ") || !strings.Contains(out, " new, 0 updated") || !strings.Contains(out, "broken: error:") {
		t.Errorf("fetch output:\n%s", out)
	}
	// The second pass sends validators; nothing new.
	out, _, _ = run(t, env, "fetch", "--source", "wire")
	if !strings.Contains(out, "wire: not modified") && !strings.Contains(out, "wire: 0 new, 0 updated") {
		t.Errorf("second fetch:\n%s", out)
	}
	if _, _, err := run(t, env, "fetch", "--source", "broken"); exitCode(err) != 1 {
		t.Errorf("fetch of only a failing source: exit %d, want 1", exitCode(err))
	}
	if _, _, err := run(t, env, "fetch", "--source", "nope"); exitCode(err) != 2 {
		t.Errorf("fetch of an unknown source: exit %d, want 2", exitCode(err))
	}

	out, _, err = run(t, env, "sources", "list")
	if err != nil || !strings.Contains(out, "NAME") || !strings.Contains(out, "wire") || !strings.Contains(out, "error:") {
		t.Errorf("sources list: %v\n%s", err, out)
	}
	out, _, err = run(t, env, "sources", "add", "--name", "partner", "--url", up.URL+"/feed.json",
		"--category", "world", "--rule", "Politics=politics", "--allow-private")
	if err != nil || !strings.Contains(out, "added source partner: ") {
		t.Errorf("sources add: %v %s", err, out)
	}
	if _, _, err := run(t, env, "sources", "add", "--name", "bad", "--url", "ftp://x/feed"); exitCode(err) != 2 {
		t.Errorf("sources add with a bad URL: exit %d", exitCode(err))
	}
	out, _, err = run(t, env, "opml", "export")
	if err != nil || !strings.Contains(out, `xmlUrl="`+up.URL+`/feed.json"`) || !strings.Contains(out, `<opml version="2.0">`) {
		t.Errorf("opml export: %v\n%s", err, out)
	}
	if _, _, err := run(t, env, "sources", "remove", "partner"); err != nil {
		t.Errorf("sources remove: %v", err)
	}
	if out, _, err := run(t, env, "sources", "remove", "wire"); err == nil || strings.Contains(out, "removed") {
		t.Errorf("removing a config-declared source succeeded: %v %q", err, out)
	}
	opmlFile := filepath.Join(dir, "subs.opml")
	os.WriteFile(opmlFile, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="World"><outline text="Agency" type="rss" xmlUrl="https://agency.example/rss"/></outline>
</body></opml>`), 0o644)
	if out, _, err := run(t, env, "opml", "import", opmlFile); err != nil || !strings.Contains(out, "1 source added") {
		t.Errorf("opml import: %v %s", err, out)
	}
	if out, _, _ := run(t, env, "sources", "list", "--json"); !strings.Contains(out, `"name": "Agency"`) || !strings.Contains(out, `"world"`) {
		t.Errorf("imported source: %s", out)
	}
	// Importing again changes nothing; a name already taken by another feed
	// is refused, not overwritten.
	if out, _, err := run(t, env, "opml", "import", opmlFile); err != nil || !strings.Contains(out, "0 sources added, 1 already there") {
		t.Errorf("opml import again: %v %s", err, out)
	}
	clash := filepath.Join(dir, "clash.opml")
	os.WriteFile(clash, []byte(`<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Agency" type="rss" xmlUrl="https://other.example/rss"/></body></opml>`), 0o644)
	if _, errOut, err := run(t, env, "opml", "import", clash); exitCode(err) != 1 || !strings.Contains(errOut, "exists already") {
		t.Errorf("opml import of a taken name: exit %d, %s", exitCode(err), errOut)
	}
	if out, _, _ := run(t, env, "sources", "list", "--json"); !strings.Contains(out, "https://agency.example/rss") || strings.Contains(out, "other.example") {
		t.Errorf("the taken name was overwritten: %s", out)
	}

	// What was fetched is published, attributed and filed by the rules.
	base := serve(t, env)
	_, body := get(t, base+"/feeds/politics.rss")
	if err := feeds.ValidateErr(body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `<source url="`+up.URL+`/arabic.rss">`) {
		t.Errorf("politics feed lacks upstream attribution:\n%s", body)
	}
	if _, status := get(t, base+"/status"); !strings.Contains(string(status), `id="source-wire"`) {
		t.Error("status page lacks the source")
	}
}

// subscriber is a WebSub subscriber: it confirms intent and records what it
// is sent.
type subscriber struct {
	mu        sync.Mutex
	verified  chan string
	delivered chan []byte
	sigOK     bool
}

func TestServeWebSubAndAdminAPI(t *testing.T) {
	const secret = "subscriber-secret"
	const token = "admin-token-0123456789abcdef"
	sub := &subscriber{verified: make(chan string, 4), delivered: make(chan []byte, 16)}
	subSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			sub.verified <- q.Get("hub.mode")
			io.WriteString(w, q.Get("hub.challenge"))
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(body)
			sub.mu.Lock()
			sub.sigOK = r.Header.Get("X-Hub-Signature") == "sha256="+hex.EncodeToString(mac.Sum(nil))
			sub.mu.Unlock()
			sub.delivered <- body
		}
	}))
	defer subSrv.Close()

	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
site: {title: Wire, language: ar}
categories: [{slug: politics, title: سياسة}]
websub: {allow_private_callbacks: true}
`, filepath.Join(dir, "n.db")))
	base := serve(t, map[string]string{"NEWSWIRE_CONFIG": cfg, "NEWSWIRE_ADMIN_TOKEN": token})

	// The feed advertises the hub in the document and the Link header.
	resp, body := get(t, base+"/feeds/politics.atom")
	if !strings.Contains(resp.Header.Get("Link"), `<`+base+`/websub>; rel="hub"`) || !strings.Contains(string(body), `rel="hub"`) {
		t.Fatalf("no hub advertised: %q", resp.Header.Get("Link"))
	}
	topic := base + "/feeds/politics.atom"
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {subSrv.URL + "/cb"}, "hub.secret": {secret}}
	r, err := http.PostForm(base+"/websub", form)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d", r.StatusCode)
	}
	select {
	case mode := <-sub.verified:
		if mode != "subscribe" {
			t.Fatalf("verification mode %q", mode)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("hub never verified the subscription")
	}
	// The hub records the subscription once the subscriber's answer is in:
	// wait until /status counts it.
	activeBy := time.Now().Add(60 * time.Second) // only a bound on a hang
	for {
		_, status := get(t, base+"/status")
		if strings.Contains(string(status), topic+`</bdi></td><td class="num">1</td>`) {
			break
		}
		if time.Now().After(activeBy) {
			t.Fatal("subscription never became active")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Publish through the admin API; the subscriber is pushed the new feed.
	req, _ := http.NewRequest(http.MethodPost, base+"/api/articles", strings.NewReader(
		`{"guid": "cms-1", "title": "عاجل: اتفاق جديد", "content_html": "<p>نص الاتفاق.</p>", "categories": ["politics"]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	r, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("admin POST: %d", r.StatusCode)
	}
	deadline := time.After(60 * time.Second)
	for {
		select {
		case got := <-sub.delivered:
			if !strings.Contains(string(got), "cms-1") {
				continue // an earlier state of the feed
			}
			sub.mu.Lock()
			ok := sub.sigOK
			sub.mu.Unlock()
			if !ok {
				t.Error("notification signature does not verify")
			}
			if err := feeds.ValidateErr(got); err != nil {
				t.Errorf("pushed feed invalid: %v", err)
			}
			return
		case <-deadline:
			t.Fatal("no notification after publishing")
		}
	}
}

// A source with more new items than ingest.max_new_per_pass, served as a
// static file (Last-Modified, 304 on If-Modified-Since, like any web
// server): one `newswire fetch` takes every item, in batches, and the next
// is answered 304. Before, the first fetch stored the validators with only
// the first batch taken, and every later one was "not modified".
func TestFetchTakesAWholeBacklogFromAConditionalUpstream(t *testing.T) {
	files := t.TempDir()
	var rss strings.Builder
	rss.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Big wire</title><link>https://big.example/</link><description>300 items</description>
`)
	newest := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 300 {
		fmt.Fprintf(&rss, "<item><title>Story number %d</title><link>https://big.example/story/%d</link>"+
			"<pubDate>%s</pubDate><description>The body of story number %d, told in full.</description></item>\n",
			i, i, newest.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z), i)
	}
	rss.WriteString("</channel></rss>\n")
	if err := os.WriteFile(filepath.Join(files, "big.rss"), []byte(rss.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(http.FileServer(http.Dir(files)))
	defer up.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "n.db")
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
categories: [{slug: world, title: World}]
sources:
  - {name: big, url: %s/big.rss, categories: [world], allow_private: true}
`, db, up.URL))
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}

	out, errOut, err := run(t, env, "fetch")
	if err != nil || !strings.Contains(out, "big: 300 new") {
		t.Fatalf("first fetch: %v\n%s%s", err, out, errOut)
	}
	if out, _, err := run(t, env, "fetch"); err != nil || !strings.Contains(out, "big: not modified") {
		t.Errorf("second fetch: %v\n%s", err, out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountArticles(context.Background()); err != nil || n != 300 {
		t.Errorf("%d articles stored (%v), want 300", n, err)
	}
}

// Items in another language than their channel's keep their own on every
// door: the feeds (all three formats) and the article and category pages
// mark an English item of an Arabic channel lang="en" dir="ltr", and an
// Arabic item of an English channel lang="ar" dir="rtl".
func TestMixedLanguageUpstreamsOnEveryDoor(t *testing.T) {
	up := upstream(t)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, fmt.Sprintf(`
database: %s
site: {title: Wire, language: ar}
categories: [{slug: world, title: العالم}]
sources:
  - {name: mixar, url: %s/mixed-ar.rss, categories: [world], allow_private: true}
  - {name: mixen, url: %s/mixed-en.rss, categories: [world], allow_private: true}
`, filepath.Join(dir, "n.db"), up.URL, up.URL))
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}
	if out, errOut, err := run(t, env, "fetch"); err != nil {
		t.Fatalf("fetch: %v\n%s%s", err, out, errOut)
	}
	base := serve(t, env)

	for _, tc := range []struct {
		source, guid, title, lang, dir string
	}{
		{"mixar", "mix-ar-1", "Oil prices rise after OPEC meeting", "en", "ltr"},
		{"mixar", "mix-ar-3", "Tesla تفتتح مصنعا جديدا في المنطقة", "ar", "rtl"},
		{"mixen", "mix-en-1", "وزير الخارجية يزور عمان", "ar", "rtl"},
		{"mixen", "mix-en-3", "Library extends its opening hours", "en-GB", "ltr"},
	} {
		guid := ingest.GUIDFor(tc.source, "guid:"+tc.guid)
		resp, page := get(t, base+"/articles/"+url.PathEscape(guid))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("article page of %q: %d", tc.title, resp.StatusCode)
		}
		// The page's chrome is the site's (Arabic); the article is its own.
		if !strings.Contains(string(page), `<html lang="ar" dir="rtl">`) {
			t.Errorf("article page of %q is not in the site's language", tc.title)
		}
		_, article, _ := strings.Cut(string(page), "<article ")
		article, _, _ = strings.Cut(article, "</article>")
		if want := fmt.Sprintf(`lang="%s" dir="%s">`, tc.lang, tc.dir); !strings.HasPrefix(article, want) {
			t.Errorf("article page of %q: <article %.40s…>, want %s", tc.title, article, want)
		}
		if tc.dir == "ltr" && strings.Contains(article, `dir="rtl"`) {
			t.Errorf("article page of %q marks text right to left", tc.title)
		}
		_, cat := get(t, base+"/categories/world")
		if want := fmt.Sprintf(`lang="%s" dir="%s"`, tc.lang, tc.dir); !itemHas(string(cat), `<article class="item"`, tc.title, want) {
			t.Errorf("category page item %q lacks %s", tc.title, want)
		}
		_, rss := get(t, base+"/feeds/world.rss")
		if !itemHas(string(rss), "<item>", tc.title, "<dc:language>"+tc.lang+"</dc:language>") {
			t.Errorf("RSS item %q is not dc:language %s", tc.title, tc.lang)
		}
		_, atom := get(t, base+"/feeds/world.atom")
		if !itemHas(string(atom), "<entry", tc.title, `xml:lang="`+tc.lang+`"`) {
			t.Errorf("Atom entry %q is not xml:lang %s", tc.title, tc.lang)
		}
		_, js := get(t, base+"/feeds/world.json")
		if !itemHas(string(js), `{"id"`, tc.title, `"language":"`+tc.lang+`"`) {
			t.Errorf("JSON item %q is not language %s", tc.title, tc.lang)
		}
	}
}

// itemHas reports whether the piece of doc that starts at an occurrence of
// open and holds title (up to the next occurrence of open) also holds want.
func itemHas(doc, open, title, want string) bool {
	for _, part := range strings.Split(doc, open)[1:] {
		if strings.Contains(part, title) {
			return strings.Contains(part, want)
		}
	}
	return false
}
