package main

import (
	"bytes"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/importer"
)

func testOptions(n int) Options {
	return Options{
		N: n, PerFile: 7, Seed: 1, Categories: DefaultCategories,
		Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Step: 3 * time.Minute,
	}
}

// readAll reads every file back with encoding/json, refusing unknown
// fields, so the files hold exactly the import fields.
func readAll(t *testing.T, paths []string) ([]Article, [][]byte) {
	t.Helper()
	var arts []Article
	var raws [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, data)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		var got []Article
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		arts = append(arts, got...)
	}
	return arts, raws
}

func TestWriteFiles(t *testing.T) {
	o := testOptions(30)
	paths, err := WriteFiles(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 5 { // 30 articles, 7 per file
		t.Fatalf("%d files, want 5", len(paths))
	}
	arts, _ := readAll(t, paths)
	if len(arts) != o.N {
		t.Fatalf("%d articles, want %d", len(arts), o.N)
	}
	langs := map[string]int{}
	guids := map[string]bool{}
	for i, a := range arts {
		if guids[a.GUID] {
			t.Errorf("article %d: duplicate GUID %s", i, a.GUID)
		}
		guids[a.GUID] = true
		langs[a.Language]++
		pub, err := time.Parse(time.RFC3339, a.Published)
		if err != nil {
			t.Errorf("article %d: published: %v", i, err)
		}
		if want := o.Start.Add(time.Duration(i) * o.Step); !pub.Equal(want) {
			t.Errorf("article %d: published %v, want %v", i, pub, want)
		}
		upd, err := time.Parse(time.RFC3339, a.Updated)
		if err != nil || upd.Before(pub) {
			t.Errorf("article %d: updated %q before published or invalid (%v)", i, a.Updated, err)
		}
		if len(a.Categories) == 0 || !slices.Contains(DefaultCategories, a.Categories[0]) {
			t.Errorf("article %d: categories %q", i, a.Categories)
		}
		if a.Title == "" || a.Summary == "" || len(a.Authors) == 0 || !strings.HasPrefix(a.URL, "https://") {
			t.Errorf("article %d: missing fields: %+v", i, a)
		}
		if !strings.HasPrefix(a.ContentHTML, "<p>"+a.Summary) {
			t.Errorf("article %d: summary %q is not the lead sentence", i, a.Summary)
		}
		if strings.Contains(a.ContentHTML, "{") {
			t.Errorf("article %d: unfilled placeholder in %q", i, a.ContentHTML)
		}
		var one bytes.Buffer
		if err := encode(&one, a); err != nil {
			t.Fatal(err)
		}
		if n := one.Len(); n < 2000 || n > 4500 {
			t.Errorf("article %d: %d bytes of JSON, want about 3 KB", i, n)
		}
	}
	if langs["ar"] == 0 || langs["en"] == 0 {
		t.Errorf("languages %v: want both Arabic and English", langs)
	}
}

func TestDeterministic(t *testing.T) {
	small, err := WriteFiles(t.TempDir(), testOptions(14))
	if err != nil {
		t.Fatal(err)
	}
	again, err := WriteFiles(t.TempDir(), testOptions(14))
	if err != nil {
		t.Fatal(err)
	}
	large, err := WriteFiles(t.TempDir(), testOptions(30))
	if err != nil {
		t.Fatal(err)
	}
	_, a := readAll(t, small)
	_, b := readAll(t, again)
	_, c := readAll(t, large)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("file %d differs between two runs with the same options", i)
		}
		if !bytes.Equal(a[i], c[i]) { // 14 = two full files of 7
			t.Errorf("file %d of a 14-article seed differs from the same file of a 30-article seed", i)
		}
	}
	o := testOptions(1)
	o.Seed = 2
	if Generate(0, o).ContentHTML == Generate(0, testOptions(1)).ContentHTML {
		t.Error("another seed gave the same article")
	}
}

// TestImports reads the files with newswire's own importer: the fields
// arrive where they should and cleaning cuts nothing from the bodies.
func TestImports(t *testing.T) {
	o := testOptions(21)
	paths, err := WriteFiles(t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readAll(t, paths)
	var got []Article
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		arts, err := importer.DecodeJSON(f, filepath.Base(p))
		f.Close()
		if err != nil {
			t.Fatalf("import %s: %v", p, err)
		}
		for _, a := range arts {
			var authors []Author
			for _, p := range a.Authors {
				authors = append(authors, Author{Name: p.Name})
			}
			got = append(got, Article{
				GUID: a.GUID, Title: a.Title, Summary: a.Summary, ContentHTML: a.ContentHTML, URL: a.URL,
				Language: a.Language, Published: a.Published.UTC().Format(time.RFC3339),
				Updated: a.Updated.UTC().Format(time.RFC3339), Categories: a.Categories, Authors: authors,
			})
		}
	}
	if len(got) != len(want) {
		t.Fatalf("imported %d articles, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.GUID != w.GUID || g.Title != w.Title || g.Summary != w.Summary || g.URL != w.URL ||
			g.Language != w.Language || g.Published != w.Published || g.Updated != w.Updated ||
			!slices.Equal(g.Categories, w.Categories) || !slices.Equal(g.Authors, w.Authors) {
			t.Errorf("article %d imported as\n%+v\nwant\n%+v", i, g, w)
			continue
		}
		// Sanitising may reshape markup and escape characters; every
		// paragraph's last words must survive.
		content := html.UnescapeString(g.ContentHTML)
		for _, para := range strings.Split(w.ContentHTML, "</p>") {
			text := para[strings.LastIndex(para, ">")+1:]
			if len(text) > 40 {
				text = text[len(text)-40:]
			}
			if !strings.Contains(content, strings.TrimSpace(text)) {
				t.Errorf("article %d: %q lost on import", i, text)
			}
		}
	}
}
