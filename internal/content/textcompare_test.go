package content

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/internal/arabic"
)

// textSamples is every piece of HTML the repository holds as a fixture:
// the cleaning corpus, testdata/clean, the content of every item of the
// upstream feeds (raw and sanitised, as ingest sees it) and the fuzz
// corpora.
func textSamples(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	globs := []string{filepath.Join(corpusDir, "*.html"), filepath.Join(corpusDir, "*.txt"), filepath.Join(fixtureDir, "*")}
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, p := range files {
			if strings.Contains(p, ".golden.") {
				continue
			}
			out[p] = loadFixture(t, p).ContentHTML
		}
	}
	feedsDir := filepath.Join("..", "..", "testdata", "upstream")
	files, _ := filepath.Glob(filepath.Join(feedsDir, "*"))
	p := gofeed.NewParser()
	for _, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := p.Parse(f)
		f.Close()
		if err != nil {
			continue // the broken fixtures
		}
		for i, it := range feed.Items {
			for j, h := range []string{it.Content, it.Description, it.Title} {
				key := path + "#" + strconv.Itoa(i) + "." + strconv.Itoa(j)
				out[key] = h
				out[key+".sanitised"] = SanitizeHTML(h)
			}
		}
	}
	fuzz, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	for _, path := range fuzz {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(raw), "\n") {
			if q, ok := strings.CutPrefix(l, "string("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					out[path] = s
				}
			}
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d samples", len(out))
	}
	return out
}

// TestTextMatchesTreeText compares Text, read in the tokenizer's one pass,
// with refText, the x/net/html tree walk it replaced, over every fixture.
// Explicit bidi controls aside (Text drops them, as every caller did next),
// they must give the same lines; the exceptions are the differences
// TestTextDifferences lists, which only markup no sanitised article holds
// can show.
func TestTextMatchesTreeText(t *testing.T) {
	same, differ := 0, 0
	for name, h := range textSamples(t) {
		got, want := Text(h), arabic.NormalizeBidi(refText(h))
		if got == want {
			same++
			continue
		}
		differ++
		if hiddenByText(h) && !strings.HasPrefix(name, corpusDir) && !strings.HasPrefix(name, fixtureDir) {
			t.Logf("%s: differs (an element whose content is not text)\n got %q\nwant %q", name, got, want)
			continue
		}
		t.Errorf("%s: text differs\n got %q\nwant %q\nhtml %q", name, got, want, h)
	}
	t.Logf("%d samples the same, %d differ", same, differ)
}

// hiddenByText reports markup holding an element whose content Text skips
// and the tree walk read as text.
func hiddenByText(h string) bool {
	l := strings.ToLower(h)
	for _, tag := range []string{"<noembed", "<noframes", "<xmp", "<textarea", "<svg", "<math", "<plaintext"} {
		if strings.Contains(l, tag) {
			return true
		}
	}
	return false
}

// TestTextDifferences pins down, and says why, where Text and the HTML5
// tree walk it replaced (refText) part: the token stream keeps the order
// of the source where the tree builder moves or re-nests content.
func TestTextDifferences(t *testing.T) {
	for _, tc := range []struct {
		name, in, text, tree, why string
	}{
		{"bidi controls", "<p>\u202bتيم كوك\u202c قال</p>", "تيم كوك قال", "\u202bتيم كوك\u202c قال",
			"explicit bidi controls are dropped (arabic.NormalizeBidi), as every caller of the old routine did next"},
		{"text in a table outside cells", "<table>caption?<tr><td>a</td></tr></table>", "caption?\na", "caption?\na",
			"the tree moves the stray text before the table (foster parenting); the token stream has it there already"},
		{"stray text after a cell", "<table><tr><td>a</td>b</tr></table>", "a b", "b\na",
			"the tree moves b before the table; the token stream keeps the source order, as a reader of the source does"},
		{"content a browser does not show", "<p>a<noembed>b</noembed><textarea>c</textarea>d</p>", "ad", "abcd",
			"noembed, noframes, xmp, textarea, svg, math and plaintext hold no article text; bluemonday drops them all"},
		{"centre and menu are blocks", "<li>a<center>b</center>c</li>", "a\nb\nc", "abc",
			"the cleaner reads centre, hgroup, menu, dialog, legend and listing as blocks, so Text breaks lines there too (the tree walk glued abc)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.text {
				t.Errorf("Text(%q) = %q, want %q (%s)", tc.in, got, tc.text, tc.why)
			}
			if got := refText(tc.in); got != tc.tree {
				t.Errorf("refText(%q) = %q, want %q", tc.in, got, tc.tree)
			}
		})
	}
}

// BenchmarkRead compares the one pass ingest now makes over a sanitised
// body (Read: URLs resolved, text) with the two it replaced: x/net/html's
// tokenizer for the URLs and its HTML5 tree for the text.
//
// go test -run '^$' -bench BenchmarkRead -benchmem ./internal/content/
func BenchmarkRead(b *testing.B) {
	h := SanitizeHTML(benchArticle(b).ContentHTML)
	base, _ := url.Parse("https://x.example/news/story.html")
	b.Run("one-pass", func(b *testing.B) {
		b.SetBytes(int64(len(h)))
		b.ReportAllocs()
		for b.Loop() {
			body := Read(h, base)
			_, _ = body.HTML(), body.Text()
			body.Release()
		}
	})
	b.Run("x-net-html", func(b *testing.B) {
		b.SetBytes(int64(len(h)))
		b.ReportAllocs()
		for b.Loop() {
			refText(refResolve(h, base))
		}
	})
}
