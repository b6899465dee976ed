package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
)

// jsonBody is one article object of the JSON door with the given fields
// set on top of a valid article, one key per line.
func jsonBody(t *testing.T, fields map[string]any) string {
	t.Helper()
	a := map[string]any{
		"guid": "cms-1", "title": "Port strike ends", "categories": []string{"world"},
		"content_html": "<p>Dock workers returned to work on Monday after a week-long strike over pay.</p>",
	}
	for k, v := range fields {
		a[k] = v
	}
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fileErrors flattens err into its *FileErrors.
func fileErrors(err error) []*FileError {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*FileError
		for _, e := range j.Unwrap() {
			out = append(out, fileErrors(e)...)
		}
		return out
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return []*FileError{fe}
	}
	return nil
}

// keyLineIn is the 1-based line of key in src: `"key":` in JSON or
// `key:` at the start of a front matter line.
func keyLineIn(src, key string) int {
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, `"`+key+`":`) || strings.HasPrefix(l, key+":") {
			return i + 1
		}
	}
	return 0
}

// refusedAt checks that err holds a *FileError naming field at the line
// of key in src.
func refusedAt(t *testing.T, err error, src, field, key string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error on %s", field)
	}
	for _, fe := range fileErrors(err) {
		if fe.Field == field {
			if want := keyLineIn(src, key); fe.Line != want || want == 0 {
				t.Errorf("line %d, want %d (the %q key): %v", fe.Line, want, key, err)
			}
			return
		}
	}
	t.Errorf("no error names the field %q: %v", field, err)
}

// The renderer (feeds) publishes years 0001 to 9999 in UTC only; a date
// outside them is refused at the door, naming the field and its line.
func TestDatesAFormatCannotCarry(t *testing.T) {
	bad := []struct{ field, value string }{
		{"published", "0000-06-01T00:00:00Z"},
		{"published", "0001-01-01T00:30:00+01:00"}, // year 0 in UTC
		{"updated", "0000-12-31T23:59:59Z"},
		{"publish_at", "9999-12-31T23:30:00-01:00"}, // year 10000 in UTC, no other rule stops it
	}
	for _, tt := range bad {
		t.Run("json "+tt.field+" "+tt.value, func(t *testing.T) {
			fields := map[string]any{tt.field: tt.value}
			if tt.field == "updated" {
				fields["published"] = "0000-06-01T00:00:00Z" // updated may not precede it
			}
			src := jsonBody(t, fields)
			_, err := DecodeJSON(strings.NewReader(src), "request body")
			refusedAt(t, err, src, tt.field, tt.field)
			if err != nil && !strings.Contains(err.Error(), tt.field+": year ") {
				t.Errorf("error does not name the field and year: %v", err)
			}
		})
	}
	for _, tt := range []struct{ key, value string }{
		{"date", "0000-06-01T00:00:00Z"},
		{"date", "0000-06-01"},
		{"updated", "0000-06-01 10:00:00Z"},
	} {
		t.Run("markdown "+tt.key+" "+tt.value, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.md")
			src := "---\ntitle: T\n" + tt.key + ": " + tt.value + "\n---\n\nBody text of the article.\n"
			writeFile(t, path, src)
			_, err := ReadFile(path, Options{})
			if err == nil || !strings.Contains(err.Error(), path+":3: "+tt.key+": year 0 ") {
				t.Errorf("got %v, want %s:3 naming %s and the year", err, path, tt.key)
			}
		})
	}
	// Archive dates, before 1970 too, and the extremes the formats carry.
	for _, ok := range []string{"1969-07-20T20:17:00Z", "1900-01-01T00:00:00+03:00", "0001-01-01T00:00:01Z"} {
		src := jsonBody(t, map[string]any{"published": ok, "updated": ok})
		if arts, err := DecodeJSON(strings.NewReader(src), "request body"); err != nil || arts[0].Published.Format(time.RFC3339) != mustTime(t, ok).UTC().Format(time.RFC3339) {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkTime accepts exactly the dates that feeds renders and that read back
// unchanged in every format, so the door and the renderer cannot drift.
func TestDateRuleMatchesTheRenderer(t *testing.T) {
	times := []time.Time{
		time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(1, 1, 1, 0, 30, 0, 0, time.FixedZone("+01", 3600)), // year 0 in UTC
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2026, 3, 9, 10, 0, 0, 0, time.FixedZone("+03", 3*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 30, 0, 0, time.FixedZone("-01", -3600)), // year 10000 in UTC
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(292277026596, 12, 4, 15, 30, 7, 0, time.UTC),
	}
	for _, when := range times {
		accepted := checkTime(when) == nil
		rendered := rendersIntact(t, when)
		if accepted != rendered {
			t.Errorf("%v: the door accepts it %v, the renderer publishes it intact %v", when, accepted, rendered)
		}
	}
}

// rendersIntact reports whether an article dated when renders in every
// format, validates, and reads back with that date.
func rendersIntact(t *testing.T, when time.Time) bool {
	t.Helper()
	a := &feeds.Article{GUID: "tag:news.example,2026:a", Title: "T", ContentHTML: "<p>Body.</p>",
		URL: "https://news.example/a", Published: when, Updated: when,
		Authors: []feeds.Person{{Name: "Desk"}}}
	f := &feeds.Feed{Title: "F", Link: "https://news.example/", SelfURL: "https://news.example/feed",
		Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Items: []*feeds.Article{a}}
	for _, fm := range feeds.AllFormats() {
		var buf bytes.Buffer
		if err := feeds.Write(&buf, f, fm); err != nil {
			return false
		}
		if err := feeds.ValidateErr(buf.Bytes()); err != nil {
			return false
		}
		back, err := feeds.Parse(buf.Bytes())
		if err != nil || len(back.Items) != 1 || !back.Items[0].Published.Equal(when) {
			return false
		}
	}
	return true
}

// A GUID is published as the Atom id, RSS guid and JSON Feed id: one with
// a scheme that runs code when a reader links it is refused, however it
// is disguised.
func TestDangerousGUIDs(t *testing.T) {
	bad := []string{
		"javascript:alert(1)", "JavaScript:alert(1)", "  javascript:alert(1)", "\x01javascript:alert(1)",
		"\x00 \x1fjavascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "jav\x7fascript:x",
		"vbscript:msgbox(1)", "VBScript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
		"DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "\ufffejavascript:alert(1)",
		// Character references a reader decodes when it pastes the id into an href.
		"javascript&#58;alert(1)", "javascript&colon;alert(1)", "&#106;avascript&#x3A;alert(1)",
		"java&Tab;script:alert(1)", "javascript&amp;#58;alert(1)", "&#x64;ata:text/html,x",
	}
	for _, guid := range bad {
		t.Run(fmt.Sprintf("%q", guid), func(t *testing.T) {
			if strings.Contains(guid, "\x7f") {
				// DEL is not dropped by feeds nor ignored by browsers:
				// "jav\x7fascript:" is no scheme of theirs, so it is allowed.
				if err := checkGUID(guid); err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			src := jsonBody(t, map[string]any{"guid": guid})
			_, err := DecodeJSON(strings.NewReader(src), "request body")
			refusedAt(t, err, src, "guid", "guid")
			if err != nil && !strings.Contains(err.Error(), "scheme is not allowed") {
				t.Errorf("error does not say why: %v", err)
			}
		})
	}
	for _, guid := range []string{"cms-42", "https://news.example/a", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
		"tag:news.example,2026:javascript:alert", "javascript-guide", "database:12", "data-42", "metadata:x",
		"AT&amp;T-2026-1", "javascript&#45;guide"} {
		src := jsonBody(t, map[string]any{"guid": guid})
		if _, err := DecodeJSON(strings.NewReader(src), "request body"); err != nil {
			t.Errorf("%q refused: %v", guid, err)
		}
	}
	// Markdown front matter names the line; a JSON file read from disk,
	// where the GUID is mapped to a URI first, is refused as well.
	dir := t.TempDir()
	md := filepath.Join(dir, "a.md")
	writeFile(t, md, "---\ntitle: T\nguid: ' JavaScript:alert(1)'\n---\n\nBody text of the article.\n")
	if _, err := ReadFile(md, Options{}); err == nil || !strings.Contains(err.Error(), md+":3: guid") {
		t.Errorf("markdown: %v", err)
	}
	js := filepath.Join(dir, "a.json")
	src := jsonBody(t, map[string]any{"guid": "data:,x"})
	writeFile(t, js, src)
	if _, err := ReadFile(js, Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%s:%d: guid", js, keyLineIn(src, "guid"))) {
		t.Errorf("json file: %v", err)
	}
}

// Every URL field ends up in an attribute (link href, enclosure url,
// author uri): only absolute http(s) URLs pass, so no script scheme does.
func TestURLFieldsRefuseScriptSchemes(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)", " JAVASCRIPT:alert(1)", "\u0001javascript:alert(1)",
		"java\tscript:alert(1)", "data:text/html,x", "vbscript:x", "//evil.example/x"} {
		for _, tt := range []struct {
			field string
			value any
		}{
			{"url", u},
			{"image", map[string]any{"url": u, "type": "image/jpeg"}},
			{"authors", []any{map[string]any{"name": "A", "url": u}}},
			{"related", []any{map[string]any{"title": "Earlier", "url": u}}},
		} {
			src := jsonBody(t, map[string]any{tt.field: tt.value})
			_, err := DecodeJSON(strings.NewReader(src), "request body")
			if err == nil {
				t.Errorf("%s %q accepted", tt.field, u)
				continue
			}
			refusedAt(t, err, src, tt.field, tt.field)
		}
	}
}

// The image type is published as the enclosure's type attribute: only an
// RFC 6838 image/* type passes, in canonical form.
func TestImageType(t *testing.T) {
	for _, typ := range []string{`image/jpeg"><script>alert(1)</script>`, "text/html", "image/*", "jpeg",
		"image/jpeg; q=\"x", "image / jpeg", "application/octet-stream"} {
		src := jsonBody(t, map[string]any{"image": map[string]any{"url": "https://news.example/i.jpg", "type": typ}})
		_, err := DecodeJSON(strings.NewReader(src), "request body")
		refusedAt(t, err, src, "image", "image")
	}
	src := jsonBody(t, map[string]any{"image": map[string]any{"url": "https://news.example/i.jpg", "type": " Image/JPEG; charset=binary"}})
	arts, err := DecodeJSON(strings.NewReader(src), "request body")
	if err != nil || arts[0].Image.Type != "image/jpeg" {
		t.Errorf("valid type: %v %+v", err, arts)
	}
	dir := t.TempDir()
	md := filepath.Join(dir, "a.md")
	writeFile(t, md, "---\ntitle: T\nimage:\n  url: https://news.example/i.jpg\n  type: 'image/png\"><svg onload=alert(1)>'\n---\n\nBody text of the article.\n")
	if _, err := ReadFile(md, Options{}); err == nil || !strings.Contains(err.Error(), md+":3: image type") {
		t.Errorf("markdown: %v", err)
	}
}

func TestCategoriesPerArticle(t *testing.T) {
	slugs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("c%d", i)
		}
		return out
	}
	for _, n := range []int{MaxArticleCategories + 1, 10000} {
		src := jsonBody(t, map[string]any{"categories": slugs(n)})
		_, err := DecodeJSON(strings.NewReader(src), "request body")
		refusedAt(t, err, src, "categories", "categories")
		if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%d categories, at most %d", n, MaxArticleCategories)) {
			t.Errorf("%d: %v", n, err)
		}
	}
	// Repeats are one category.
	cats := append(slugs(MaxArticleCategories), slugs(5)...)
	if _, err := DecodeJSON(strings.NewReader(jsonBody(t, map[string]any{"categories": cats})), "request body"); err != nil {
		t.Errorf("%d distinct categories: %v", MaxArticleCategories, err)
	}
}

func TestCheckNewCategories(t *testing.T) {
	have := map[string]bool{}
	for i := range MaxCategories - 2 {
		have[fmt.Sprintf("c%d", i)] = true
	}
	art := func(cats ...string) *feeds.Article { return &feeds.Article{Categories: cats} }
	if err := CheckNewCategories("x.json", []*feeds.Article{art("c1", "new-1"), art("new-2", "new-1")}, have, MaxCategories); err != nil {
		t.Errorf("up to the limit: %v", err)
	}
	err := CheckNewCategories("x.json", []*feeds.Article{art("new-1", "new-2"), art("new-3")}, have, MaxCategories)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Field != "categories" || fe.Path != "x.json" || !errors.Is(err, ErrTooManyCategories) ||
		!strings.Contains(err.Error(), `["new-1" "new-2" "new-3"]`) {
		t.Errorf("past the limit: %v", err)
	}
	// Existing categories may always be used, even past the limit.
	for i := range 10 {
		have[fmt.Sprintf("declared-%d", i)] = true
	}
	if err := CheckNewCategories("x.json", []*feeds.Article{art("declared-3", "c7")}, have, MaxCategories); err != nil {
		t.Errorf("existing categories: %v", err)
	}
}

// In a JSON array every problem names its article by its place, whether
// the decoder or ReadFile's checks (dates filled in, duplicates) find it:
// an array written on one line has no line to tell its articles apart.
func TestArrayErrorsNameTheArticle(t *testing.T) {
	obj := func(guid, extra string) string {
		return `{"guid":"` + guid + `","title":"T","content_html":"<p>Body text</p>","categories":["world"]` + extra + `}`
	}
	tests := []struct {
		name, src, field string
		item             int
	}{
		{"bad date", "[" + obj("a", "") + "," + obj("b", `,"published":"0000-01-01T00:00:00Z"`) + "]", "published", 2},
		{"bad guid", "[" + obj("a", "") + "," + obj("b", "") + "," + obj("javascript:x", "") + "]", "guid", 3},
		{"only updated, far ahead", "[" + obj("a", `,"updated":"2999-01-01T00:00:00Z"`) + "," + obj("b", "") + "]", "published", 1},
		{"duplicate guid", "[" + obj("a", "") + "," + obj("a", "") + "]", "guid", 2},
		{"duplicate guid apart", "[" + obj("a", "") + "," + obj("b", "") + "," + obj("a", "") + "]", "guid", 3},
		{"a cms id and its tag uri", "[" + obj("cms-1", "") + "," + obj(feeds.StableID("cms-1"), "") + "]", "guid", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "batch.json")
			writeFile(t, path, tt.src)
			_, err := ReadFile(path, Options{})
			fes := fileErrors(err)
			if len(fes) == 0 {
				t.Fatalf("accepted; want an error on article %d", tt.item)
			}
			fe := fes[0]
			if fe.Field != tt.field || fe.Item != tt.item || !strings.Contains(err.Error(), fmt.Sprintf("article %d: ", tt.item)) {
				t.Errorf("field %q item %d: %v; want field %q, article %d", fe.Field, fe.Item, err, tt.field, tt.item)
			}
		})
	}
	// A lone object is no article of an array.
	path := filepath.Join(t.TempDir(), "one.json")
	writeFile(t, path, obj("javascript:x", ""))
	_, err := ReadFile(path, Options{})
	if fes := fileErrors(err); len(fes) != 1 || fes[0].Item != 0 || strings.Contains(err.Error(), "article 1") {
		t.Errorf("lone object: %v; want one error without an article number", err)
	}
}

// A title is a line of a feed reader's list: past 400 characters it is a
// paragraph pasted into the wrong field, refused at every door with the
// field and its line, as ingest cuts upstream titles to the same length.
func TestOverlongTitlesAreRefusedAtEveryDoor(t *testing.T) {
	long := strings.Repeat("عنوان طويل ", 40) + "x" // 441 characters
	src := jsonBody(t, map[string]any{"title": long})
	_, err := DecodeJSON(strings.NewReader(src), "request body")
	refusedAt(t, err, src, "title", "title")
	if err != nil && !strings.Contains(err.Error(), "441 characters long, at most 400") {
		t.Errorf("error does not say how long: %v", err)
	}

	dir := t.TempDir()
	md := filepath.Join(dir, "a.md")
	writeFile(t, md, "---\ntitle: "+long+"\n---\n\nBody text of the article.\n")
	if _, err := ReadFile(md, Options{}); err == nil || !strings.Contains(err.Error(), md+":2: ") {
		t.Errorf("markdown front matter: got %v, want an error at %s:2", err, md)
	}
	heading := filepath.Join(dir, "b.md")
	writeFile(t, heading, "# "+long+"\n\nBody text of the article.\n")
	if _, err := ReadFile(heading, Options{}); err == nil || !strings.Contains(err.Error(), "at most 400") {
		t.Errorf("markdown heading: got %v, want the title refused", err)
	}

	// Exactly 400 characters, spaces around them not counted, is a title.
	ok := " " + strings.Repeat("ب", 400) + " "
	if _, err := DecodeJSON(strings.NewReader(jsonBody(t, map[string]any{"title": ok})), "request body"); err != nil {
		t.Errorf("400 characters refused: %v", err)
	}
}
