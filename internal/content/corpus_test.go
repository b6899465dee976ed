package content

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/arabic"
)

// corpusDir holds articles written the way newsrooms and upstream sites
// write them, each with the story a reader must get (see its README.md).
const corpusDir = "testdata/corpus"

// expectation is an article's .want file: its story lines, the lines of
// a trailing block opened by a marker heading (cut), other boilerplate
// (counted), and the related titles it must yield.
type expectation struct {
	story, cut, boilerplate, related []string
}

// readExpectation reads a .want file: "[story]", "[cut]", "[boilerplate]"
// and "[related]" open sections, every other non-empty line that does not
// start with "#" is one line of the current section.
func readExpectation(t *testing.T, path string) expectation {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var e expectation
	var cur *[]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := normSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "[story]":
			cur = &e.story
		case line == "[cut]":
			cur = &e.cut
		case line == "[boilerplate]":
			cur = &e.boilerplate
		case line == "[related]":
			cur = &e.related
		case cur == nil:
			t.Fatalf("%s:%d: a line before any [section]", path, n)
		default:
			*cur = append(*cur, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(e.story) == 0 {
		t.Fatalf("%s: no [story] lines", path)
	}
	return e
}

// normSpace collapses white space, so that lines compare as a reader
// sees them.
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestCorpus cleans every article of the corpus and checks that all of
// its story is kept (every [story] line is a line of the cleaned text),
// that every trailing block a marker heading opens is cut (every [cut]
// line is gone) with its related titles found, and reports how much of
// the boilerplate was cut.
//
// The floor on boilerplate is the [cut] lines: a marked trailing block is
// the one place where the rules say what to cut, and the SEO blocks they
// describe are what cleaning is for. Other boilerplate ([boilerplate]:
// share bars, "read more" lines, newsletter boxes) is reported, not
// required: when in doubt the cleaner keeps, and a kept line of filler
// is a smaller fault than a lost line of story.
func TestCorpus(t *testing.T) {
	wants, err := filepath.Glob(filepath.Join(corpusDir, "*.want"))
	if err != nil {
		t.Fatal(err)
	}
	if len(wants) < 30 {
		t.Fatalf("%d corpus articles, want at least 30", len(wants))
	}
	c := New(Options{})
	var story, storyKept, boiler, boilerCut int
	langs := map[string]int{}
	for _, wp := range wants {
		base := strings.TrimSuffix(wp, ".want")
		t.Run(filepath.Base(base), func(t *testing.T) {
			in := ""
			for _, ext := range []string{".html", ".txt"} {
				if _, err := os.Stat(base + ext); err == nil {
					in = base + ext
				}
			}
			if in == "" {
				t.Fatalf("no %s.html or %s.txt for %s", base, base, wp)
			}
			want := readExpectation(t, wp)
			a := loadFixture(t, in)
			r, err := c.Article(a)
			if err != nil {
				t.Fatalf("clean: %v\n%s", err, r)
			}
			langs[a.Language]++
			if text := Text(a.ContentHTML); r.Text != text {
				t.Errorf("Report.Text is not the text of the cleaned body\n got %q\nwant %q", r.Text, text)
			}
			// Lines as Text reads them and as the x/net/html tree does: a
			// story line must be a line in both.
			var lines, tree []string
			for _, l := range strings.Split(Text(a.ContentHTML), "\n") {
				lines = append(lines, normSpace(l))
			}
			for _, l := range strings.Split(arabic.NormalizeBidi(refText(a.ContentHTML)), "\n") {
				tree = append(tree, normSpace(l))
			}
			kept := 0
			for _, s := range want.story {
				if slices.Contains(lines, s) && slices.Contains(tree, s) {
					kept++
				} else {
					t.Errorf("story line lost: %q", s)
				}
			}
			cut := 0
			for _, s := range want.cut {
				if slices.Contains(lines, s) {
					t.Errorf("trailing-block line kept: %q", s)
				} else {
					cut++
				}
			}
			for _, s := range want.boilerplate {
				if !slices.Contains(lines, s) {
					cut++
				}
			}
			var titles []string
			for _, e := range a.Related {
				titles = append(titles, normSpace(e.Title))
			}
			for _, s := range want.related {
				if !slices.Contains(titles, s) {
					t.Errorf("related title %q not found in %q", s, titles)
				}
			}
			if t.Failed() {
				t.Logf("what cleaning did:\n%s", r)
			}
			n := len(want.cut) + len(want.boilerplate)
			t.Logf("story kept %d/%d, boilerplate cut %d/%d", kept, len(want.story), cut, n)
			story += len(want.story)
			storyKept += kept
			boiler += n
			boilerCut += cut
			checkClean(t, c, a)
		})
	}
	t.Logf("corpus of %d articles (languages %v): story kept %d/%d (%.1f%%), boilerplate cut %d/%d (%.1f%%)",
		len(wants), langs, storyKept, story, percent(storyKept, story), boilerCut, boiler, percent(boilerCut, boiler))
	if langs["ar"] == 0 || langs["en"] == 0 {
		t.Errorf("the corpus needs Arabic and English articles: %v", langs)
	}
}

func percent(n, of int) float64 {
	if of == 0 {
		return 100
	}
	return 100 * float64(n) / float64(of)
}
