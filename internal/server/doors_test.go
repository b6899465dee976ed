package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/clean"
	"github.com/newswire/newswire/internal/importer"
)

// postArticle posts one article object built from a valid one with fields
// set on top, and returns the status and the decoded JSON body.
func postArticle(t *testing.T, f *fixture, fields map[string]any) (int, map[string]any, []byte) {
	t.Helper()
	a := map[string]any{"guid": "cms-7", "title": "Port strike ends", "categories": []string{"world"},
		"content_html": "<p>Dock workers returned to work on Monday after a week-long strike over pay.</p>"}
	for k, v := range fields {
		a[k] = v
	}
	body, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	resp, out := f.api(t, http.MethodPost, "/api/articles", string(body), auth...)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m, out
}

// What a feed cannot carry, or must not publish as an attribute or id, is
// refused with a 400 naming the field; nothing is saved and every feed
// still renders.
func TestAdminRefusesWhatFeedsMustNotCarry(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	cats := make([]string, 10000)
	for i := range cats {
		cats[i] = fmt.Sprintf("c%d", i)
	}
	tests := []struct {
		name, field string
		fields      map[string]any
	}{
		{"published in year 0", "published", map[string]any{"published": "0000-06-01T00:00:00Z"}},
		{"updated in year 0 in UTC", "updated", map[string]any{"published": "0001-01-01T00:00:01Z", "updated": "0001-01-01T00:30:00+01:00"}},
		{"publish_at in year 10000 in UTC", "publish_at", map[string]any{"publish_at": "9999-12-31T23:30:00-01:00"}},
		{"javascript guid", "guid", map[string]any{"guid": "javascript:alert(1)"}},
		{"disguised data guid", "guid", map[string]any{"guid": "\u0001 DATA:text/html,<script>alert(1)</script>"}},
		{"image type breaking out of its attribute", "image", map[string]any{"image": map[string]any{"url": "https://news.example/i.jpg", "type": `image/jpeg"><script>alert(1)</script>`}}},
		{"image type not an image", "image", map[string]any{"image": map[string]any{"url": "https://news.example/i.jpg", "type": "text/html"}}},
		{"author url with a script scheme", "authors", map[string]any{"authors": []any{map[string]any{"name": "A", "url": "javascript:alert(1)"}}}},
		{"10,000 categories", "categories", map[string]any{"categories": cats}},
		{"no guid", "guid", map[string]any{"guid": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, raw := postArticle(t, f, tt.fields)
			if status != http.StatusBadRequest || body["field"] != tt.field || body["error"] == "" {
				t.Errorf("%d %s, want 400 naming the field %q", status, raw, tt.field)
			}
		})
	}
	catsAfter, err := f.st.Categories(context.Background())
	if err != nil || len(catsAfter) != 2 {
		t.Errorf("categories after the refusals: %d %v", len(catsAfter), err)
	}
	for _, ext := range []string{"rss", "atom", "json"} {
		if resp, body := f.get(t, "/feeds/all."+ext); resp.StatusCode != 200 || strings.Contains(string(body), "Port strike") {
			t.Errorf("all.%s: %d, has the refused article %v", ext, resp.StatusCode, strings.Contains(string(body), "Port strike"))
		}
	}
	// An archive date before 1970 is fine.
	if status, _, raw := postArticle(t, f, map[string]any{"published": "1969-07-20T20:17:00Z"}); status != http.StatusCreated {
		t.Errorf("1969: %d %s", status, raw)
	}
	if resp, body := f.get(t, "/feeds/world.atom"); resp.StatusCode != 200 || !strings.Contains(string(body), "1969-07-20T20:17:00Z") {
		t.Errorf("world.atom after a 1969 article: %d", resp.StatusCode)
	}
}

// The admin API creates categories up to importer.MaxCategories; past it a
// POST naming new ones is a 400 on "categories", while existing ones are
// still used.
func TestAdminCategoryBound(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	ctx := context.Background()
	// A category only an embargoed article names is not listed yet, but
	// it exists and counts.
	if status, _, raw := postArticle(t, f, map[string]any{"guid": "cms-embargoed", "categories": []string{"embargoed-x"},
		"publish_at": "2099-01-01T00:00:00Z"}); status != http.StatusCreated {
		t.Fatalf("embargoed: %d %s", status, raw)
	}
	have, err := f.st.CategorySlugs(ctx)
	if err != nil || !have["embargoed-x"] || len(have) != 3 {
		t.Fatalf("category slugs %v %v, want politics, world and embargoed-x", have, err)
	}
	// Fill the store to one short of the bound, 20 categories an article.
	var fill []*feeds.Article
	for n, i := len(have), 0; n < importer.MaxCategories-1; i++ {
		a := article(100+i, "world")
		a.GUID = fmt.Sprintf("tag:test,2026:fill-%d", i)
		for j := 0; j < importer.MaxArticleCategories-1 && n < importer.MaxCategories-1; j++ {
			a.Categories = append(a.Categories, fmt.Sprintf("fill-%d-%d", i, j))
			n++
		}
		fill = append(fill, a)
	}
	if _, err := f.st.SaveArticles(ctx, fill); err != nil {
		t.Fatal(err)
	}
	status, body, raw := postArticle(t, f, map[string]any{"categories": []string{"world", "new-a", "new-b"}})
	if status != http.StatusBadRequest || body["field"] != "categories" || !strings.Contains(string(raw), "limit of 1000") {
		t.Errorf("two new categories at %d of %d: %d %s", importer.MaxCategories-1, importer.MaxCategories, status, raw)
	}
	if status, _, raw := postArticle(t, f, map[string]any{"categories": []string{"world", "new-a"}}); status != http.StatusCreated {
		t.Errorf("the last category the bound allows: %d %s", status, raw)
	}
	if status, _, raw := postArticle(t, f, map[string]any{"guid": "cms-8", "categories": []string{"politics", "fill-0-3"}}); status != http.StatusCreated {
		t.Errorf("existing categories at the bound: %d %s", status, raw)
	}
	if status, body, raw := postArticle(t, f, map[string]any{"guid": "cms-9", "categories": []string{"new-c"}}); status != http.StatusBadRequest || body["field"] != "categories" {
		t.Errorf("a new category at the bound: %d %s", status, raw)
	}
}

// Options.Cleaner is the cleaner the API uses: a marker that is not
// built in cuts the block it opens.
func TestAdminUsesTheGivenCleaner(t *testing.T) {
	f := newFixture(t)
	cl := clean.New(clean.Options{Markers: clean.Markers{Headings: []string{"Partner offers"}}})
	srv := New(f.st, Options{BaseURL: "https://news.example", AdminToken: testToken, Admin: f.st.Store, Cleaner: cl},
		slog.New(slog.NewTextHandler(f.log, nil)))
	f.srv = srv
	f.ts.Config.Handler = srv.Handler()
	content := "<p>Dock workers returned to work on Monday after a week-long strike over pay and hours.</p>" +
		"<h2>Partner offers</h2><ul><li><a href=\"https://shop.example/a\">Cheap flights to the coast</a></li></ul>"
	if status, _, raw := postArticle(t, f, map[string]any{"content_html": content}); status != http.StatusCreated {
		t.Fatalf("%d %s", status, raw)
	}
	a, err := f.st.Article(context.Background(), "tag:newswire,2026:cms-7")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.ContentHTML, "Partner offers") || strings.Contains(a.ContentHTML, "Cheap flights") || !strings.Contains(a.ContentHTML, "Dock workers") {
		t.Errorf("the configured marker did not cut its block:\n%s", a.ContentHTML)
	}
}

// A refusal of one article of an array says which article, by its place in
// the array: a CMS sends its batches as one compact line, where "line 1"
// names none of them.
func TestAdminRefusalNamesTheArticleOfAnArray(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	good := func(guid string) map[string]any {
		return map[string]any{"guid": guid, "title": "Port strike ends", "categories": []string{"world"},
			"content_html": "<p>Dock workers returned to work on Monday after a week-long strike over pay.</p>"}
	}
	tests := []struct {
		name, field string
		bad         map[string]any // set on the second article
	}{
		{"date", "published", map[string]any{"published": "0000-01-01T00:00:00Z"}},
		{"date not RFC 3339", "updated", map[string]any{"updated": "yesterday"}},
		{"guid", "guid", map[string]any{"guid": "javascript:alert(1)"}},
		{"missing guid", "guid", map[string]any{"guid": ""}},
		{"image", "image", map[string]any{"image": map[string]any{"url": "https://news.example/i.jpg", "type": "text/html"}}},
		{"unknown field", "colour", map[string]any{"colour": "red"}},
		{"wrong type", "title", map[string]any{"title": 5}},
		{"url", "url", map[string]any{"url": "javascript:alert(1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			second := good("cms-2")
			for k, v := range tt.bad {
				second[k] = v
			}
			body, err := json.Marshal([]any{good("cms-1"), second, good("cms-3")}) // one line
			if err != nil {
				t.Fatal(err)
			}
			resp, raw := f.api(t, http.MethodPost, "/api/articles", string(body), auth...)
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			if resp.StatusCode != http.StatusBadRequest || m["field"] != tt.field {
				t.Fatalf("%d %s, want 400 naming the field %q", resp.StatusCode, raw, tt.field)
			}
			if m["index"] != float64(1) || !strings.Contains(fmt.Sprint(m["error"]), "item 2") {
				t.Errorf("%s: want index 1 and \"item 2\" in the error", raw)
			}
		})
	}

	// Problems in several articles: each is named, and item is the first.
	third := good("cms-3")
	third["published"] = "10000-01-01T00:00:00Z"
	second := good("cms-2")
	second["image"] = map[string]any{"url": "ftp://news.example/i.jpg"}
	body, _ := json.Marshal([]any{good("cms-1"), second, third})
	resp, raw := f.api(t, http.MethodPost, "/api/articles", string(body), auth...)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	msg := fmt.Sprint(m["error"])
	if resp.StatusCode != http.StatusBadRequest || m["index"] != float64(1) || m["field"] != "image" ||
		!strings.Contains(msg, "item 2") || !strings.Contains(msg, "item 3") {
		t.Errorf("two bad articles: %d %s, want 400 naming items 2 and 3, index 1, field image", resp.StatusCode, raw)
	}

	// A single object is no array: no item.
	one, _ := json.Marshal(map[string]any{"guid": "javascript:x", "title": "T", "content_html": "<p>x</p>", "categories": []string{"world"}})
	resp, raw = f.api(t, http.MethodPost, "/api/articles", string(one), auth...)
	m = nil
	_ = json.Unmarshal(raw, &m)
	if _, ok := m["index"]; resp.StatusCode != http.StatusBadRequest || ok || strings.Contains(fmt.Sprint(m["error"]), "item 1") {
		t.Errorf("one object: %d %s, want 400 without an index", resp.StatusCode, raw)
	}
}

// A batch that names one guid twice is refused as `newswire import`
// refuses the same file: 400, field guid, the index of the repeat, and
// nothing saved. Accepted, the later copy silently replaced the earlier.
func TestAdminRefusesDuplicateGUIDInBatch(t *testing.T) {
	obj := func(guid, title string) string {
		return `{"guid":"` + guid + `","title":"` + title + `","categories":["world"],` +
			`"content_html":"<p>Dock workers returned to work on Monday after a week-long strike over pay.</p>"}`
	}
	tests := []struct {
		name, body string
		index      int
	}{
		{"twice in a row", "[" + obj("a1", "Dup first") + "," + obj("a1", "Dup second") + "]", 1},
		{"apart", "[" + obj("a1", "Dup first") + "," + obj("b2", "Dup other") + "," + obj("a1", "Dup third") + "]", 2},
		// "cms-9" is published as the tag: URI below: the same article.
		{"as a cms id and its tag uri", "[" + obj("cms-9", "Dup first") + "," + obj(feeds.StableID("cms-9"), "Dup second") + "]", 1},
		{"a url twice", "[" + obj("https://news.example/a", "Dup first") + "," + obj(" https://news.example/a", "Dup second") + "]", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := apiFixture(t, testToken)
			resp, raw := f.api(t, http.MethodPost, "/api/articles", tt.body, auth...)
			var p Problem
			_ = json.Unmarshal(raw, &p)
			if resp.StatusCode != http.StatusBadRequest || p.Field != "guid" || p.Index == nil || *p.Index != tt.index ||
				!strings.Contains(p.Error, "duplicate guid") {
				t.Errorf("%d %s; want 400 naming guid at index %d", resp.StatusCode, raw, tt.index)
			}
			if _, body := f.get(t, "/feeds/all.json"); strings.Contains(string(body), "Dup ") {
				t.Errorf("a refused batch was saved in part:\n%s", body)
			}
		})
	}
	// Distinct guids in one batch are fine.
	f, _ := apiFixture(t, testToken)
	if resp, raw := f.api(t, http.MethodPost, "/api/articles", "["+obj("a1", "One")+","+obj("a2", "Two")+"]", auth...); resp.StatusCode != http.StatusCreated {
		t.Errorf("distinct guids: %d %s", resp.StatusCode, raw)
	}
}

// A language tag is stored as every door stores it (feeds.NormalizeLanguage),
// so the direction decided from it, the body wrapper's lang and the tag
// feeds publish agree; a tag that is no language is refused.
func TestAdminNormalisesLanguage(t *testing.T) {
	f, _ := apiFixture(t, testToken)
	for i, tt := range []struct{ in, want, dir string }{
		{"AR", "ar", "rtl"}, {"ar_SA", "ar-SA", "rtl"}, {"iw", "he", "rtl"}, {"ji", "yi", "rtl"},
		{"ku-arab", "ku-Arab", "rtl"}, {"EN_gb", "en-GB", "ltr"}, {"ara", "ar", "rtl"},
	} {
		guid := fmt.Sprintf("lang-%d", i)
		status, _, raw := postArticle(t, f, map[string]any{"guid": guid, "language": tt.in})
		if status != http.StatusCreated {
			t.Fatalf("%q: %d %s", tt.in, status, raw)
		}
		a, err := f.st.Article(context.Background(), feeds.StableID(guid))
		if err != nil {
			t.Fatal(err)
		}
		if a.Language != tt.want {
			t.Errorf("%q stored as %q, want %q", tt.in, a.Language, tt.want)
		}
		if wrapped := strings.HasPrefix(a.ContentHTML, `<div dir="rtl" lang="`+tt.want+`">`); wrapped != (tt.dir == "rtl") {
			t.Errorf("%q: body %q, want direction %s with lang %q", tt.in, a.ContentHTML, tt.dir, tt.want)
		}
	}
	for _, bad := range []string{"ar-XX-foo", "zz", "ar_SA!", "arabic"} {
		if status, body, raw := postArticle(t, f, map[string]any{"guid": "bad-lang", "language": bad}); status != http.StatusBadRequest || body["field"] != "language" {
			t.Errorf("%q: %d %s, want 400 naming language", bad, status, raw)
		}
	}
}
