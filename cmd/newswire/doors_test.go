package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// The config's clean markers apply at every door of `serve`: a marker that
// is not built in cuts the block it opens in an article posted to the
// admin API, as it does in an imported one.
func TestConfiguredMarkersCleanTheAdminAPI(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	conf := "database: " + filepath.Join(dir, "n.db") + "\n" +
		"admin: {token: test-token-0123456789abcdef}\n" +
		"categories: [{slug: world, title: World}]\n" +
		"clean:\n  headings: [\"Partner offers\"]\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"NEWSWIRE_CONFIG": cfg}
	story := "Dock workers returned to work on Monday after a week-long strike over pay and hours."
	content := "<p>" + story + "</p><h2>Partner offers</h2><ul><li><a href=\"https://shop.example/a\">Cheap flights to the coast</a></li></ul>"

	base := serve(t, env)
	body, _ := json.Marshal(map[string]any{"guid": "cms-7", "title": "Port strike ends", "categories": []string{"world"}, "content_html": content})
	req, err := http.NewRequest(http.MethodPost, base+"/api/articles", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer test-token-0123456789abcdef")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d %s", resp.StatusCode, out)
	}
	_, feed := get(t, base+"/feeds/world.json")
	f, err := feeds.Parse(feed)
	if err != nil || len(f.Items) != 1 {
		t.Fatalf("feed: %v %s", err, feed)
	}
	if c := f.Items[0].ContentHTML; strings.Contains(c, "Partner offers") || strings.Contains(c, "Cheap flights") || !strings.Contains(c, story) {
		t.Errorf("the config's marker did not cut its block in the API's article:\n%s", c)
	}
}

// `newswire import` refuses a date no feed can carry, naming the file,
// the line and the field, and imports the other files.
func TestImportRefusesDatesFeedsCannotCarry(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "year-zero.md")
	js := filepath.Join(dir, "year-zero.json")
	files := map[string]string{
		md: "---\ntitle: Budget vote\ndate: 0000-06-01T00:00:00Z\ncategories: [world]\n---\n\nThe vote on the budget was delayed by a week.\n",
		js: "{\n  \"guid\": \"cms-1\",\n  \"title\": \"Budget vote\",\n  \"categories\": [\"world\"],\n  \"updated\": \"0000-06-01T00:00:00Z\",\n" +
			"  \"content_html\": \"<p>The vote on the budget was delayed by a week.</p>\"\n}\n",
	}
	for p, src := range files {
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, err := run(t, nil, "import", "--db", filepath.Join(dir, "n.db"), "--category", "world", md, js, seedPath)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d: %v", exitCode(err), err)
	}
	for _, want := range []string{md + ":3: date: year 0 ", js + ":5: updated: year 0 "} {
		if !strings.Contains(errOut, want) {
			t.Errorf("errors lack %q:\n%s", want, errOut)
		}
	}
	if want := "3 files read, 2 failed; 1 article: 1 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
}

// Past importer.MaxCategories a file naming new categories fails with an
// error naming the file and the field; files using existing ones import.
func TestImportCategoryBound(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 51 { // 50 files of 20 new categories reach the bound of 1,000
		cats := make([]string, 20)
		for j := range cats {
			cats[j] = fmt.Sprintf("%q", fmt.Sprintf("c-%d-%d", i, j))
		}
		p := filepath.Join(dir, fmt.Sprintf("a%02d.json", i))
		src := fmt.Sprintf(`{"title": "Story %d", "categories": [%s], "content_html": "<p>Text of story number %d, long enough to be a story.</p>"}`,
			i, strings.Join(cats, ","), i)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	reuse := filepath.Join(dir, "b.json")
	os.WriteFile(reuse, []byte(`{"title": "Reuse", "categories": ["c-0-0", "c-49-19"], "content_html": "<p>A story in categories that exist already.</p>"}`), 0o644)
	out, errOut, err := run(t, nil, append([]string{"import", "--db", filepath.Join(dir, "n.db")}, append(paths, reuse)...)...)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d: %v\n%s", exitCode(err), err, errOut)
	}
	if want := paths[50] + ": categories: too many categories"; !strings.Contains(errOut, want) || strings.Count(errOut, "import:") != 1 {
		t.Errorf("errors %q, want one with %q", errOut, want)
	}
	if want := "52 files read, 1 failed; 51 articles: 51 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
}
