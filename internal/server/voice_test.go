package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// problemOf decodes a 4xx body: every one is JSON with an error.
func problemOf(t *testing.T, status int, body []byte) Problem {
	t.Helper()
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Error == "" {
		t.Fatalf("%d body %s is not JSON with an error: %v", status, body, err)
	}
	return p
}

// POST /api/sources and /api/articles answer alike: 201 when anything was
// created, 200 when everything was updated or unchanged, and each item
// says which.
func TestAdminPostStatusAndOutcomes(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	post := func(path, body string) (int, []byte) {
		resp, out := f.api(t, http.MethodPost, path, body, auth...)
		return resp.StatusCode, out
	}
	results := func(out []byte) []string {
		var items []struct {
			Result string `json:"result"`
		}
		if strings.HasPrefix(strings.TrimSpace(string(out)), "{") {
			out = []byte("[" + string(out) + "]")
		}
		if err := json.Unmarshal(out, &items); err != nil {
			t.Fatalf("answer %s: %v", out, err)
		}
		var rs []string
		for _, it := range items {
			rs = append(rs, it.Result)
		}
		return rs
	}
	wire := `{"name": "wire", "url": "https://wire.example/rss", "categories": ["world"]}`
	steps := []struct {
		path, body string
		status     int
		want       string
	}{
		{"/api/sources", wire, 201, "created"},
		{"/api/sources", wire, 200, "unchanged"},
		{"/api/sources", `{"name": "wire", "url": "https://wire.example/rss", "categories": ["politics"]}`, 200, "updated"},
		{"/api/sources", `[{"name": "wire", "url": "https://wire.example/rss", "categories": ["politics"]}, {"name": "agency", "url": "https://agency.example/rss"}]`, 201, "unchanged,created"},
		{"/api/sources", `[{"name": "wire", "url": "https://wire.example/rss", "categories": ["politics"]}, {"name": "agency", "url": "https://agency.example/rss"}]`, 200, "unchanged,unchanged"},
		{"/api/articles", `[{"guid": "a-1", "title": "One", "content_html": "<p>The first story of the day.</p>", "categories": ["politics"]}]`, 201, "created"},
		{"/api/articles", `[{"guid": "a-1", "title": "One", "content_html": "<p>The first story of the day.</p>", "categories": ["politics"]}, {"guid": "a-2", "title": "Two", "content_html": "<p>The second story of the day.</p>", "categories": ["politics"]}]`, 201, "unchanged,created"},
		{"/api/articles", `{"guid": "a-2", "title": "Two, corrected", "content_html": "<p>The second story of the day.</p>", "categories": ["politics"]}`, 200, "updated"},
	}
	for i, st := range steps {
		status, out := post(st.path, st.body)
		if status != st.status || strings.Join(results(out), ",") != st.want {
			t.Errorf("step %d, POST %s: %d %v, want %d %s\n%s", i, st.path, status, results(out), st.status, st.want, out)
		}
	}
}

// Every 4xx of the admin API is JSON with an error; a problem with one
// field names it, and a problem with an item of an array names its index.
func TestAdminErrorsNameFieldAndIndex(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	good := `{"guid": "g-%d", "title": "Story", "content_html": "<p>A story with a body.</p>", "categories": ["politics"]}`
	art := func(i int) string { return strings.Replace(good, "%d", string(rune('0'+i)), 1) }
	tests := []struct {
		name, path, body string
		field            string
		index            int // -1: none
	}{
		{"source unknown field", "/api/sources", `{"name": "x", "link": "https://x.example/"}`, "link", -1},
		{"source wrong type", "/api/sources", `{"name": "x", "url": "https://x.example/", "categories": "world"}`, "categories", -1},
		{"source bad url", "/api/sources", `{"name": "x", "url": "ftp://x"}`, "url", -1},
		{"source bad url in array", "/api/sources", `[{"name": "x", "url": "https://x.example/"}, {"name": "y", "url": "ftp://y"}]`, "url", 1},
		{"article without guid in array", "/api/articles", "[" + art(0) + `, {"title": "t", "content_html": "<p>x</p>", "categories": ["politics"]}]`, "guid", 1},
		{"article bad date in array", "/api/articles", "[" + art(0) + "," + art(1) + `, {"guid": "g-9", "title": "t", "content_html": "<p>x</p>", "published": "yesterday"}]`, "published", 2},
		{"empty body", "/api/articles", `[]`, "", -1},
		{"no sources", "/api/sources", `[]`, "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := f.api(t, http.MethodPost, tt.path, tt.body, auth...)
			if resp.StatusCode != 400 {
				t.Fatalf("%d %s, want 400", resp.StatusCode, out)
			}
			p := problemOf(t, resp.StatusCode, out)
			if tt.field != "" && p.Field != tt.field {
				t.Errorf("field %q, want %q: %s", p.Field, tt.field, out)
			}
			switch {
			case tt.index < 0 && p.Index != nil:
				t.Errorf("index %d for a body that is no array item: %s", *p.Index, out)
			case tt.index >= 0 && (p.Index == nil || *p.Index != tt.index):
				t.Errorf("index %v, want %d: %s", p.Index, tt.index, out)
			}
		})
	}
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}} {
		resp, out := f.api(t, http.MethodGet, "/api/sources", "", hdr...)
		if resp.StatusCode != 401 {
			t.Fatalf("no token: %d", resp.StatusCode)
		}
		problemOf(t, resp.StatusCode, out)
	}
	resp, out := f.api(t, http.MethodDelete, "/api/sources/nosuch", "", auth...)
	if resp.StatusCode != 404 {
		t.Fatalf("delete unknown: %d", resp.StatusCode)
	}
	problemOf(t, resp.StatusCode, out)
}

// Names stored before names were restricted keep working: the API finds
// them by their escaped path segment.
func TestAdminOldSourceNamesKeepWorking(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	for _, name := range []string{"has space", "a/b", "وكالة الأنباء", "100%"} {
		if _, err := f.st.UpsertSource(context.Background(), newsroom.Source{Name: name, URL: "https://x.example/rss", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		resp, out := f.api(t, http.MethodPost, "/api/sources", `{"name": `+jsonString(name)+`, "url": "https://x.example/rss", "enabled": false}`, auth...)
		if resp.StatusCode != 200 || !strings.Contains(string(out), `"updated"`) {
			t.Errorf("update %q: %d %s", name, resp.StatusCode, out)
		}
		if resp, out := f.api(t, http.MethodDelete, "/api/sources/"+url.PathEscape(name), "", auth...); resp.StatusCode != 204 {
			t.Errorf("delete %q: %d %s", name, resp.StatusCode, out)
		}
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// A 404 names what is missing once, in one sentence: the feed's in one
// line of text, the pages' in the lead of the site's 404 page (an
// article's address is no name to repeat).
func TestNotFoundSaysItOnce(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	for path, names := range map[string]int{"/categories/nosuch": 1, "/feeds/nosuch.rss": 1, "/articles/nosuch": 0} {
		resp, body := f.get(t, path)
		text := strings.TrimSpace(string(body))
		if _, main, ok := strings.Cut(text, "<main>"); ok {
			_, text, _ = strings.Cut(main, `<p class="lead">`)
			text, _, _ = strings.Cut(text, "</p>")
		}
		if resp.StatusCode != 404 || strings.Count(text, "nosuch") != names || strings.Count(text, "\n") != 0 {
			t.Errorf("%s: %d %q, want a 404 sentence naming nosuch %d times", path, resp.StatusCode, text, names)
		}
	}
}

// Source names with spaces or slashes (stored before names were
// restricted) still make valid, distinct HTML ids on the status page.
func TestStatusIDsEscapeSourceNames(t *testing.T) {
	f := newFixture(t, article(1, "politics"))
	names := []string{"has space", "has_space", "a/b", "وكالة", "ok-name.1"}
	for _, name := range names {
		if _, err := f.st.UpsertSource(context.Background(), newsroom.Source{Name: name, URL: "https://x.example/rss", Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := f.get(t, "/status")
	ids := regexp.MustCompile(`id="source-([^"]*)"`).FindAllStringSubmatch(string(body), -1)
	seen := map[string]bool{}
	for _, m := range ids {
		if strings.ContainsAny(m[1], " \t\n") {
			t.Errorf("id %q is not a valid HTML id", m[0])
		}
		seen[m[1]] = true
	}
	if len(seen) != len(names) {
		t.Errorf("%d distinct source ids for %d sources: %q", len(seen), len(names), ids)
	}
	if !seen["وكالة"] || !seen["ok-name.1"] {
		t.Errorf("names that need no escaping were changed: %q", ids)
	}
}

// A CMS that sends an article again without a date, unchanged, changes
// nothing: the door fills a missing date with the one the article was first
// published with, not with the second of this request (before, the answer
// depended on whether the clock had ticked between two posts).
func TestRepostWithoutADateIsUnchanged(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	ctx := context.Background()
	first := time.Date(2020, 5, 1, 8, 0, 0, 0, time.UTC)
	dated := `{"guid": "cms-7", "title": "Seven", "content_html": "<p>The seventh story of the day.</p>", "categories": ["politics"], "published": "2020-05-01T08:00:00Z"}`
	if resp, out := f.api(t, http.MethodPost, "/api/articles", dated, auth...); resp.StatusCode != http.StatusCreated {
		t.Fatalf("first post: %d %s", resp.StatusCode, out)
	}
	body := `{"guid": "cms-7", "title": "Seven", "content_html": "<p>The seventh story of the day.</p>", "categories": ["politics"]}`
	resp, out := f.api(t, http.MethodPost, "/api/articles", body, auth...)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), `"result":"unchanged"`) {
		t.Errorf("re-post without a date: %d %s, want 200 unchanged", resp.StatusCode, out)
	}
	a, err := f.st.Article(ctx, feeds.StableID("cms-7"))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Published.Equal(first) {
		t.Errorf("published %v after a re-post without a date, want %v", a.Published, first)
	}
}
