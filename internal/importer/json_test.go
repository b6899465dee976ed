package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
)

func TestDecodeJSON(t *testing.T) {
	src := `{
  "title": "  Port   strike ends ",
  "content_html": "<p onclick=\"x()\">Deal reached.</p><script>alert(1)</script>",
  "published": "2026-03-11T21:30:00+03:00",
  "related": ["A title", "https://news.example/a", {"title": "B", "url": "https://news.example/b"}],
  "authors": [{"name": "Priya Nair", "email": "p@news.example"}],
  "image": {"url": " https://news.example/i.png ", "type": "image/png", "length": 1024}
}`
	arts, err := DecodeJSON(strings.NewReader(src), "request body")
	if err != nil {
		t.Fatal(err)
	}
	a := arts[0]
	if a.GUID != "" || a.Title != "Port strike ends" || a.ContentHTML != "<p>Deal reached.</p>" || a.Summary != "Deal reached." || a.Language != "en" {
		t.Errorf("%+v", a)
	}
	if !a.Published.Equal(time.Date(2026, 3, 11, 18, 30, 0, 0, time.UTC)) || a.Published.Location() != time.UTC || !a.Updated.IsZero() {
		t.Errorf("published %v updated %v", a.Published, a.Updated)
	}
	if want := []feeds.Related{{Title: "A title"}, {URL: "https://news.example/a"}, {Title: "B", URL: "https://news.example/b"}}; !reflect.DeepEqual(a.Related, want) {
		t.Errorf("related %+v", a.Related)
	}
	if a.Image == nil || a.Image.URL != "https://news.example/i.png" || a.Image.Length != 1024 {
		t.Errorf("image %+v", a.Image)
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"syntax error", "[\n  {\"title\": \"x\",\n   \"content_html\": \"<p>x</p>\"\n   \"url\": \"https://x.example\"}\n]", 4, "invalid JSON"},
		{"truncated", "{\"title\": \"x\",\n", 2, "invalid JSON"},
		{"unknown field", "{\n\"title\": \"x\",\n\"content_html\": \"<p>x</p>\",\n\"tags\": [\"a\"]\n}", 4, `unknown field "tags"`},
		{"unknown author field", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"authors\": [{\"name\": \"A\", \"twitter\": \"@a\"}]}", 2, `authors: unknown field "twitter" (known: name, email, url)`},
		{"unknown related field", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"related\": [{\"headline\": \"A\"}]}", 2, `related: unknown field "headline" (known: title, url)`},
		{"wrong type", "{\"title\": \"x\",\n \"content_html\": \"<p>x</p>\",\n \"categories\": \"politics\"}", 3, "field categories: want an array, not string"},
		{"wrong nested type", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n \"image\": {\"url\": \"https://x.example/i\", \"length\": \"big\"}}", 2, "field image.length: want a number, not string"},
		{"not RFC 3339", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"published\": \"Mon, 02 Mar 2026 10:00:00 +0300\"}", 2, "want RFC 3339"},
		{"published far ahead", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"published\": \"2062-03-02T10:00:00Z\"}", 2, "set publish_at"},
		{"no zone", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"published\": \"2026-03-02T10:00:00\"}", 2, "no time zone"},
		{"script only content", "{\"title\": \"x\",\n\"content_html\": \"<script>alert(1)</script>\"}", 2, "no article text"},
		{"bad category", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\",\n\"categories\": [\"World News\"]}", 2, `category "World News"`},
		{"second element bad", "[\n{\"title\": \"a\", \"content_html\": \"<p>a</p>\"},\n\n  {\"content_html\": \"<p>b</p>\"}\n]", 4, "no title"},
		{"empty array", " [ ] ", 1, "no articles"},
		{"a string", "\n\"hello\"", 2, "want an article object"},
		{"array of numbers", "[1]", 1, "want an article object"},
		{"trailing garbage", "{\"title\": \"x\", \"content_html\": \"<p>x</p>\"} {}", 1, "invalid JSON"},
		{"invalid UTF-8", "{\"title\": \"x\",\n\"summary\": \"\xff\", \"content_html\": \"<p>x</p>\"}", 2, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, err := DecodeJSON(strings.NewReader(tt.src), "in.json")
			var fe *FileError
			if !errors.As(err, &fe) || arts != nil {
				t.Fatalf("got %d articles, %v; want a FileError", len(arts), err)
			}
			if fe.Path != "in.json" || fe.Line != tt.line || !strings.Contains(fe.Error(), tt.want) {
				t.Errorf("got %q (line %d), want line %d containing %q", fe, fe.Line, tt.line, tt.want)
			}
		})
	}
}

func TestDecodeJSONMatchesFixture(t *testing.T) {
	// The admin API and the importer read the same JSON the same way.
	path := filepath.Join(articlesDir, "002_central-bank-rates.json")
	viaFile := readOne(t, path, Options{})
	arts, err := DecodeJSON(strings.NewReader(readFixture(t, path)), path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(arts[0], viaFile) {
		t.Errorf("DecodeJSON\n%+v\nReadFile\n%+v", arts[0], viaFile)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, dir := range []string{articlesDir, badDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, p := range files {
			f.Add(readFixture(f, p))
		}
	}
	f.Add(`[{"title":"a","content_html":"<p>b</p>","related":[{"title":"c"},"https://d.example"]}]`)
	f.Fuzz(func(t *testing.T, src string) {
		arts, err := DecodeJSON(strings.NewReader(src), "f.json")
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		for _, a := range arts {
			if a.Title == "" || strings.Contains(a.ContentHTML, "<script") {
				t.Fatalf("bad article from %q: %+v", src, a)
			}
		}
	})
}

// An array of valid articles is decoded in one pass (decodeArray) into
// exactly what decoding it element by element gives, and anything amiss
// in one element leaves the whole file to the element path, which names
// the element and its line.
func TestDecodeArrayOnePassIsElementByElement(t *testing.T) {
	c := content.New(content.Options{})
	arrays := []string{`[
  {"guid": "a-1", "title": " One  ", "content_html": "<p>نص <b>أول</b></p><script>x()</script>",
   "published": "2026-03-11T21:30:00+03:00", "categories": [" world "], "authors": [{"name": "N"}],
   "related": ["A title", "https://news.example/a", {"title": "B", "url": "https://news.example/b"}],
   "image": {"url": " https://news.example/i.jpg ", "type": "image/jpeg", "length": 12}},
  {"title": "Two", "content_html": "<p>Second.</p><p>Read more: <a href=\"https://news.example/x\">x</a></p>",
   "url": "https://news.example/two", "updated": "2026-03-12T08:00:00Z", "publish_at": "2027-01-01T00:00:00Z"}
]`}
	for _, f := range []string{"../demo/articles/002_central-bank-rates.json", "../demo/articles/006_wire-roundup.json"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		arrays = append(arrays, string(b))
	}
	for i, src := range arrays {
		data := []byte(src)
		slowA, slowX, _, slowErr := decodeEach(data, "x.json", c)
		fastA, fastX, ok := decodeArray(data, c)
		if !strings.HasPrefix(strings.TrimSpace(src), "[") {
			if ok {
				t.Errorf("input %d: not an array, decoded in one pass", i)
			}
			continue
		}
		if slowErr != nil || !ok {
			t.Fatalf("input %d: one pass %v, element by element %v", i, ok, slowErr)
		}
		if !reflect.DeepEqual(fastA, slowA) || !reflect.DeepEqual(fastX, slowX) {
			t.Errorf("input %d: one pass gives\n%+v\nelement by element\n%+v", i, fastA, slowA)
		}
	}
	for _, bad := range []string{
		`[{"title": "T", "content_html": "<p>x</p>"}, null]`,
		`[{"title": "T", "content_html": "<p>x</p>", "colour": "red"}]`,
		`[{"title": "T", "content_html": "<p>x</p>", "published": "yesterday"}]`,
		`[{"title": 5, "content_html": "<p>x</p>"}]`,
		`[{"title": "T", "content_html": "<p>x</p>"}] []`,
		`[]`,
	} {
		if _, _, ok := decodeArray([]byte(bad), c); ok {
			t.Errorf("%s decoded in one pass", bad)
		}
		if _, _, _, err := decodeJSON([]byte(bad), "x.json", c); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// The admin API saves what DecodeCleaned gives: each article with the
// text of its cleaned body, the words the search index takes, in the
// order of the body (content.Text), one object or an array alike.
func TestDecodeCleanedHandsEachBodysText(t *testing.T) {
	bodies := []string{
		`<p>H<sub>2</sub>O and co<b>oper</b>ation, a&amp;b &lt;tag&gt;</p><p>الفقرة الثانية من الخبر.</p>`,
		`<p>سطر<br>آخر</p><ul><li>بند <a href="https://x.example/">رابط</a></li></ul><h2>معلومات إضافية</h2><p>اقرأ أيضا: خبر آخر</p>`,
	}
	var arr []map[string]any
	for i, b := range bodies {
		arr = append(arr, map[string]any{"guid": fmt.Sprint("cms-", i), "title": "خبر", "content_html": b})
	}
	one, err := json.Marshal(arr[0])
	if err != nil {
		t.Fatal(err)
	}
	all, err := json.Marshal(arr)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range [][]byte{one, all} {
		items, err := DecodeCleaned(bytes.NewReader(src), "request body", Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range items {
			if want := content.Text(it.Article.ContentHTML); it.Text != want || strings.TrimSpace(it.Text) == "" {
				t.Errorf("article %d: text %q, its body reads %q", i, it.Text, want)
			}
		}
	}
}
