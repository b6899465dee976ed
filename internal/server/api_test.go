package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/newsroom"
)

const testToken = "s3cret-token-for-tests-0123456789"

func apiFixture(t *testing.T, token string) (*fixture, *[]string) {
	t.Helper()
	f := newFixture(t, article(1, "politics"))
	var changed []string
	srv := New(f.st, Options{BaseURL: "https://news.example", AdminToken: token, Admin: f.st.Store,
		CheckSource: func(s newsroom.Source, isNew bool) error {
			if !strings.HasPrefix(s.URL, "https://") {
				return &FieldError{"url", errors.New("url: must be an absolute https URL")}
			}
			return nil
		},
		OnChange: func(_ context.Context, topics []string) error { changed = append(changed, topics...); return nil },
	}, slog.New(slog.NewTextHandler(f.log, nil)))
	srv.refreshVersions(context.Background())
	changed = nil // the start's announcement of every feed
	f.srv = srv
	f.ts.Config.Handler = srv.Handler()
	return f, &changed
}

func (f *fixture) api(t *testing.T, method, path, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var auth = []string{"Authorization", "Bearer " + testToken}

func TestAdminAuth(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	for _, hdr := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", testToken}, {"Authorization", "Basic " + testToken}} {
		resp, body := f.api(t, http.MethodGet, "/api/sources", "", hdr...)
		if resp.StatusCode != 401 || strings.TrimSpace(string(body)) != `{"error":"unauthorized"}` {
			t.Errorf("%v: %d %q", hdr, resp.StatusCode, body)
		}
	}
	if resp, _ := f.api(t, http.MethodGet, "/api/sources", "", auth...); resp.StatusCode != 200 {
		t.Errorf("right token: %d", resp.StatusCode)
	}
	if strings.Contains(f.log.String(), testToken) || strings.Contains(f.log.String(), "wrong") {
		t.Error("a token reached the log")
	}

	off, _ := apiFixture(t, "")
	if resp, _ := off.api(t, http.MethodPost, "/api/articles", "{}", auth...); resp.StatusCode == 200 || resp.StatusCode == 201 || resp.StatusCode == 401 {
		t.Errorf("API without a configured token answered %d", resp.StatusCode)
	}
}

func TestAdminArticles(t *testing.T) {
	f, changed := apiFixture(t, testToken)
	body := `{"guid": "cms-42", "title": "خبر عاجل", "content_html": "<p>نص الخبر الكامل.</p><script>alert(1)</script>",
		"categories": ["politics"], "published": "2026-11-01T10:00:00Z"}`
	resp, out := f.api(t, http.MethodPost, "/api/articles", body, auth...)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, out)
	}
	var saved []savedArticle
	if err := json.Unmarshal(out, &saved); err != nil || len(saved) != 1 || saved[0].Result != "created" {
		t.Fatalf("response %s: %v", out, err)
	}
	_, feed := f.get(t, "/feeds/politics.rss")
	if !strings.Contains(string(feed), "cms-42") || strings.Contains(string(feed), "<script") || strings.Contains(string(feed), "alert(1)") {
		t.Errorf("feed after POST: has article %v, has script %v", strings.Contains(string(feed), "cms-42"), strings.Contains(string(feed), "alert"))
	}
	if len(*changed) == 0 {
		t.Error("a change did not reach OnChange (WebSub)")
	}
	if resp, out := f.api(t, http.MethodPost, "/api/articles", body, auth...); resp.StatusCode != 200 || !strings.Contains(string(out), `"unchanged"`) {
		t.Errorf("repeat: %d %s", resp.StatusCode, out)
	}

	bad := []struct {
		name, body, want string
		status           int
	}{
		{"syntax", "{\n\"guid\": \"x\",\n\"title\": }", "line 3", 400},
		{"unknown field", `{"guid": "x", "title": "t", "categories": ["a"], "colour": "red"}`, "colour", 400},
		{"no guid", `{"title": "t", "content_html": "<p>x</p>", "categories": ["politics"]}`, "guid", 400},
		{"bad category", `{"guid": "x", "title": "t", "content_html": "<p>x</p>", "categories": ["Not A Slug"]}`, "Not A Slug", 400},
		{"empty array", `[]`, "no articles", 400},
		{"too large", `{"guid": "x", "title": "` + strings.Repeat("a", maxAPIBody) + `"}`, "larger", 413},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			resp, out := f.api(t, http.MethodPost, "/api/articles", tt.body, auth...)
			if resp.StatusCode != tt.status || !strings.Contains(string(out), tt.want) {
				t.Errorf("%d %s, want %d mentioning %q", resp.StatusCode, out, tt.status, tt.want)
			}
		})
	}

	if resp, _ := f.api(t, http.MethodDelete, "/api/articles/cms-42?reason=legal", "", auth...); resp.StatusCode != 204 {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	_, feed = f.get(t, "/feeds/politics.atom")
	if !strings.Contains(string(feed), `ref="tag:newswire,2026:cms-42"`) || strings.Contains(string(feed), "<id>tag:newswire,2026:cms-42</id>") {
		t.Errorf("after withdrawal the feed lacks the tombstone or still has the entry")
	}
	if resp, _ := f.api(t, http.MethodDelete, "/api/articles/nope", "", auth...); resp.StatusCode != 404 {
		t.Errorf("withdraw unknown: %d", resp.StatusCode)
	}
}

func TestAdminSources(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	resp, out := f.api(t, http.MethodPost, "/api/sources", `{"name": "wire", "url": "https://wire.example/rss", "categories": ["world"]}`, auth...)
	if resp.StatusCode != 201 || !strings.Contains(string(out), `"name":"wire"`) {
		t.Fatalf("add: %d %s", resp.StatusCode, out)
	}
	if resp, out := f.api(t, http.MethodPost, "/api/sources", `{"name": "x", "url": "ftp://x"}`, auth...); resp.StatusCode != 400 || !strings.Contains(string(out), "url") {
		t.Errorf("bad source: %d %s", resp.StatusCode, out)
	}
	if resp, out := f.api(t, http.MethodPost, "/api/sources", `{"name": "x", "link": "https://x"}`, auth...); resp.StatusCode != 400 || !strings.Contains(string(out), "link") {
		t.Errorf("unknown field: %d %s", resp.StatusCode, out)
	}
	_, out = f.api(t, http.MethodGet, "/api/sources", "", auth...)
	var list []SourceJSON
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 || list[0].Name != "wire" {
		t.Fatalf("list: %s %v", out, err)
	}
	if resp, _ := f.api(t, http.MethodDelete, "/api/sources/wire", "", auth...); resp.StatusCode != 204 {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if resp, _ := f.api(t, http.MethodDelete, "/api/sources/wire", "", auth...); resp.StatusCode != 404 {
		t.Errorf("delete again: %d", resp.StatusCode)
	}
}

// Every 4xx under /api/ is JSON with an error, the wrong method and the
// unknown path too (the mux's own answers are plain text); without the
// token they are 401 and say nothing of which paths exist.
func TestAdminUnknownRoutesAnswerJSON(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	for _, tt := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodGet, "/api/articles", 405, "POST"},
		{http.MethodPut, "/api/sources", 405, "GET, HEAD, POST"},
		{http.MethodPost, "/api/sources/wire", 405, "DELETE"},
		{http.MethodGet, "/api/articles/some-guid", 405, "DELETE"},
		{http.MethodGet, "/api/nosuch", 404, ""},
		{http.MethodPost, "/api/", 404, ""},
	} {
		resp, body := f.api(t, tt.method, tt.path, "", auth...)
		var p Problem
		if resp.StatusCode != tt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal(body, &p) != nil || p.Error == "" || resp.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d %q Allow %q %s, want %d JSON with an error, Allow %q",
				tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Allow"), body, tt.status, tt.allow)
		}
		if resp, body := f.api(t, tt.method, tt.path, ""); resp.StatusCode != 401 || strings.TrimSpace(string(body)) != `{"error":"unauthorized"}` {
			t.Errorf("%s %s without the token: %d %s", tt.method, tt.path, resp.StatusCode, body)
		}
	}
	// The routes themselves still answer.
	if resp, _ := f.api(t, http.MethodGet, "/api/sources", "", auth...); resp.StatusCode != 200 {
		t.Errorf("GET /api/sources: %d", resp.StatusCode)
	}
	if resp, _ := f.api(t, http.MethodHead, "/api/sources", "", auth...); resp.StatusCode != 200 {
		t.Errorf("HEAD /api/sources: %d", resp.StatusCode)
	}
}

// Articles POSTed to the admin API are found by the search feed as soon as
// the POST returns, one alone or a batch larger than the store writes to
// the search index in one statement.
func TestAdminArticlesSearchableAtOnce(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	var batch []string
	for i := range 300 {
		batch = append(batch, fmt.Sprintf(`{"guid": "cms-b%d", "title": "دفعة رقم%d", "content_html": "<p>نص الخبر%d</p>",
			"categories": ["politics"], "published": "2026-11-01T10:00:00Z"}`, i, i, i))
	}
	for _, body := range []string{
		`{"guid": "cms-one", "title": "زلزال في المدينة", "content_html": "<p>خبر وحيد</p>", "categories": ["politics"], "published": "2026-11-01T10:00:00Z"}`,
		"[" + strings.Join(batch, ",") + "]",
	} {
		if resp, out := f.api(t, http.MethodPost, "/api/articles", body, auth...); resp.StatusCode != http.StatusCreated {
			t.Fatalf("POST: %d %s", resp.StatusCode, out)
		}
	}
	for q, guid := range map[string]string{"زلزال": "cms-one", "رقم0": "cms-b0", "رقم299": "cms-b299", "الخبر150": "cms-b150"} {
		resp, feed := f.get(t, "/feeds/search.rss?q="+url.QueryEscape(q))
		if resp.StatusCode != 200 || !strings.Contains(string(feed), guid) {
			t.Errorf("search %q right after the POST: %d, has %s: %v", q, resp.StatusCode, guid, strings.Contains(string(feed), guid))
		}
	}
}
