package importer

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
)

func readFixture(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestTextLayouts(t *testing.T) {
	want := []string{
		"The finance ministry said on Tuesday that the new budget would raise spending on schools and hospitals by a fifth.",
		"Opposition lawmakers said the plan was unrealistic and promised to block it in committee: “we will not vote for this”",
		"A vote is expected before the end of the month.",
	}
	tests := []struct{ name, body string }{
		{"one paragraph per line", strings.Join(want, "\n")},
		{"blank lines between paragraphs", strings.Join(want, "\n\n")},
		{"hard-wrapped paragraphs", "The finance ministry said on Tuesday that the new budget would\nraise spending on schools and hospitals by a fifth.\n\n" +
			"Opposition lawmakers said the plan was unrealistic and promised to\nblock it in committee: “we will not vote for this”\n\n" +
			"A vote is expected before the end of the month.\n"},
		{"CRLF line ends and padding", "  " + strings.Join(want, "  \r\n\r\n") + "\r\n\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := textArticle("x.txt", []byte("\n\nBudget plan\n"+tt.body), content.DefaultMarkers())
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Split(content.Text(a.ContentHTML), "\n"); !reflect.DeepEqual(got, want) {
				t.Errorf("paragraphs\n got %q\nwant %q", got, want)
			}
			if a.Title != "Budget plan" || a.Language != "en" {
				t.Errorf("title %q language %q", a.Title, a.Language)
			}
		})
	}
}

func TestTextHeadingsAndItemsAreNotJoined(t *testing.T) {
	body := "This is a long first paragraph without a final full stop which goes on\n" +
		"- but a list item starts a new paragraph even after a long line\n" +
		"Q: and so does a question line after a long line without a stop\n" +
		"A: answer"
	a, err := textArticle("x.txt", []byte("Title\n\n"+body), content.DefaultMarkers())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(a.ContentHTML, "<p>"); n != 4 {
		t.Errorf("%d paragraphs, want 4:\n%s", n, a.ContentHTML)
	}
}

func TestTextErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		is        error
		want      string
	}{
		{"whitespace only", " \n\t\n", 0, ErrNoTitle, "empty"},
		{"title only", "\nJust a title\n\n", 2, ErrNoContent, "no article text"},
		{"invalid UTF-8", "Title\n\nGood line.\nBad \xff line.\n", 4, nil, "not valid UTF-8"},
		{"first line too long", strings.Repeat("word ", 100) + "\nbody\n", 1, nil, "too long for a title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := textArticle("x.txt", []byte(tt.src), content.DefaultMarkers())
			var fe *FileError
			if !errors.As(err, &fe) || fe.Line != tt.line || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("got %v (line %d), want line %d, %q", err, lineOf(fe), tt.line, tt.want)
			}
		})
	}
}

func lineOf(fe *FileError) int {
	if fe == nil {
		return -1
	}
	return fe.Line
}

func TestCustomMarkers(t *testing.T) {
	src := "Title\n\nA long enough story paragraph that is clearly article text and not boilerplate at all.\nSponsored\n- Buy a car\n"
	a, err := textArticle("x.txt", []byte(src), content.Markers{Headings: []string{"Sponsored"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(a.ContentHTML, "Sponsored") || strings.Contains(a.ContentHTML, "Buy a car") {
		t.Errorf("custom marker ignored:\n%s", a.ContentHTML)
	}
	// The zero Markers in Options means the defaults.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x.txt"), "Title\n\nStory text that is long enough to be the real thing for this test case here.\nRead more\n- Other story\n")
	if a := readOne(t, filepath.Join(dir, "x.txt"), Options{}); strings.Contains(a.ContentHTML, "Other story") || len(a.Related) != 1 {
		t.Errorf("default markers not applied:\n%s %+v", a.ContentHTML, a.Related)
	}
}

func FuzzParseText(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(articlesDir, "*.txt"))
	bad, _ := filepath.Glob(filepath.Join(badDir, "*.txt"))
	for _, p := range append(files, bad...) {
		f.Add(readFixture(f, p))
	}
	f.Add("T\n\nA: x\nاقرأ أيضاً\n\r\n- ")
	f.Fuzz(func(t *testing.T, src string) {
		a, err := textArticle("f.txt", []byte(src), content.DefaultMarkers())
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		if a.Title == "" || content.Text(a.ContentHTML) == "" {
			t.Fatalf("empty article from %q", src)
		}
	})
}

// textArticle parses a plain-text file with a Cleaner for markers m.
func textArticle(path string, data []byte, m content.Markers) (*feeds.Article, error) {
	x, err := parseText(path, data, content.New(content.Options{Markers: m}))
	if err != nil || x == nil {
		return nil, err
	}
	return x.a, nil
}

// markdownArticle parses a Markdown file with a Cleaner for markers m.
func markdownArticle(path string, data []byte, m content.Markers) (*feeds.Article, error) {
	x, err := parseMarkdown(path, data, content.New(content.Options{Markers: m}))
	if err != nil || x == nil {
		return nil, err
	}
	return x.a, nil
}
