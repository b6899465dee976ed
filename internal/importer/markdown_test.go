package importer

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/newswire/newswire/internal/content"
)

func TestRenderInline(t *testing.T) {
	tests := []struct {
		name, in, html, text string
	}{
		{"plain text is escaped", `a < b & "c" 'd'`, "a &lt; b &amp; &#34;c&#34; &#39;d&#39;", `a < b & "c" 'd'`},
		{"raw HTML is text", `<script>alert(1)</script><img src=x onerror=alert(1)>`, "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;", "<script>alert(1)</script><img src=x onerror=alert(1)>"},
		{"strong and em", "**قوي** و *مائل*", "<strong>قوي</strong> و <em>مائل</em>", "قوي و مائل"},
		{"nested emphasis", "**bold *and em***", "<strong>bold <em>and em</em></strong>", "bold and em"},
		{"code", "use `<b>` here", "use <code>&lt;b&gt;</code> here", "use <b> here"},
		{"link", "[the budget](https://news.example/b?a=1&c=2)", `<a href="https://news.example/b?a=1&amp;c=2">the budget</a>`, "the budget"},
		{"link text with markup", "[**big** news](https://x.example/)", `<a href="https://x.example/"><strong>big</strong> news</a>`, "big news"},
		{"javascript link keeps only its text", "[click](javascript:alert(1))", "click", "click"},
		{"data link keeps only its text", "[x](data:text/html;base64,PHNjcmlwdD4=)", "x", "x"},
		{"relative link keeps only its text", "[x](/politics)", "x", "x"},
		{"quote in a URL cannot break out", `[x](https://a.example/"onmouseover="alert(1))`, `<a href="https://a.example/&#34;onmouseover=&#34;alert(1)">x</a>`, "x"},
		{"balanced parentheses in a URL", "[war](https://en.example/wiki/War_(1812)).", `<a href="https://en.example/wiki/War_(1812)">war</a>.`, "war."},
		{"mailto", "[mail](mailto:desk@news.example)", `<a href="mailto:desk@news.example">mail</a>`, "mail"},
		{"image", "![صورة <b>](https://news.example/i.jpg)", `<img src="https://news.example/i.jpg" alt="صورة &lt;b&gt;">`, "صورة <b>"},
		{"unsafe image keeps its alt", "![alt](javascript:x)", "alt", "alt"},
		{"backslash escapes", `\*not em\* \[not link\](x)`, "*not em* [not link](x)", "*not em* [not link](x)"},
		{"unclosed markers stay literal", "2 * 3 ** 4 [a `b", "2 * 3 ** 4 [a `b", "2 * 3 ** 4 [a `b"},
		{"spaced stars are arithmetic", "2 * 3 * 4", "2 * 3 * 4", "2 * 3 * 4"},
		{"entities are text", "&amp; &#60;", "&amp;amp; &amp;#60;", "&amp; &#60;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, text := renderInline(tt.in)
			if h != tt.html {
				t.Errorf("html\n got %s\nwant %s", h, tt.html)
			}
			if text != tt.text {
				t.Errorf("text\n got %q\nwant %q", text, tt.text)
			}
		})
	}
}

func TestMarkdownEscapesInjection(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.md")
	writeFile(t, path, "---\ntitle: \"<script>alert('t')</script>\"\n---\n"+
		"<script>alert(1)</script>\n\n"+
		"<iframe src=\"https://evil.example\"></iframe> text\n\n"+
		"## <img src=x onerror=alert(2)>\n\n"+
		"- [x](javascript:alert(3))\n"+
		"> <b onclick=\"x()\">q</b>\n\n"+
		"```\n<script>alert(4)</script>\n```\n")
	a := readOne(t, path, Options{})
	// Whatever the text says, the only elements are the converter's own,
	// and the only attribute is a safe href (here: none).
	allowed := map[string]bool{"p": true, "h2": true, "ul": true, "li": true, "blockquote": true, "pre": true, "code": true}
	doc, err := xhtml.Parse(strings.NewReader(a.ContentHTML))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != xhtml.ElementNode || n.Data == "html" || n.Data == "head" || n.Data == "body" {
			continue
		}
		if !allowed[n.Data] || len(n.Attr) > 0 {
			t.Errorf("element <%s %v> in\n%s", n.Data, n.Attr, a.ContentHTML)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<h2>&lt;img src=x onerror=alert(2)&gt;</h2>", "<pre><code>&lt;script&gt;alert(4)&lt;/script&gt;</code></pre>"} {
		if !strings.Contains(a.ContentHTML, good) {
			t.Errorf("content lacks %q:\n%s", good, a.ContentHTML)
		}
	}
	if a.Title != "<script>alert('t')</script>" {
		t.Errorf("title %q: titles are plain text, escaped by whoever renders them", a.Title)
	}
}

func TestMarkdownBlocks(t *testing.T) {
	src := "# Heading one is the title\n\n" +
		"First paragraph\nwraps here.\n\n" +
		"## Sub ##\n" +
		"- one\n- two\n  continued\n" +
		"1. first\n2) second\n\n" +
		"> quoted\n> more\n\n" +
		"***\n\n" +
		"~~~\ncode *raw*\n~~~\n" +
		"#hashtag is text\n"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.md"), src)
	a := readOne(t, filepath.Join(dir, "b.md"), Options{})
	if a.Title != "Heading one is the title" {
		t.Errorf("title %q", a.Title)
	}
	want := "<p>First paragraph\nwraps here.</p>\n" +
		"<h2>Sub</h2>\n" +
		"<ul><li>one</li><li>two\ncontinued</li></ul>\n" +
		"<ol><li>first</li><li>second</li></ol>\n" +
		"<blockquote><p>quoted\nmore</p></blockquote>\n" +
		"<hr>\n" +
		"<pre><code>code *raw*</code></pre>\n" +
		"<p>#hashtag is text</p>"
	if a.ContentHTML != content.SanitizeHTML(want) {
		t.Errorf("content\n got %q\nwant %q", a.ContentHTML, content.SanitizeHTML(want))
	}
	if a.Summary != "First paragraph wraps here. Sub one two continued first second quoted more code *raw* #hashtag is text" {
		t.Errorf("summary %q", a.Summary)
	}
}

func TestFrontMatterErrors(t *testing.T) {
	tests := []struct {
		name, fm string
		line     int
		want     string
	}{
		{"not a mapping", "- a\n- b\n", 2, "must be a mapping"},
		{"title is a list", "title: [a, b]\n", 2, "title: want text"},
		{"date without zone", "title: T\ndate: 2026-03-09T10:00:00\n", 3, "no time zone"},
		{"updated before date", "title: T\ndate: 2026-03-09\nupdated: 2026-03-01\n", 4, "before published"},
		{"bad author key", "title: T\nauthors:\n  - {name: A, mail: a@b.c}\n", 4, `authors: unknown key "mail"`},
		{"author without name", "title: T\nauthors:\n  - {url: 'https://a.example'}\n", 3, "without name or email"},
		{"bad image length", "title: T\nimage: {url: 'https://a.example/i.jpg', length: big}\n", 3, "not a size"},
		{"relative image", "title: T\nimage: /i.jpg\n", 3, "absolute http"},
		{"bad language", "title: T\nlanguage: arabic!\n", 3, "BCP 47"},
		{"duplicate key", "title: T\ntitle: U\n", 3, "duplicate key"},
		{"tab indentation", "title: T\nauthors:\n\t- a\n", 4, "tab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a.md")
			writeFile(t, path, "---\n"+tt.fm+"---\n\nBody text of the article.\n")
			_, err := ReadFile(path, Options{})
			var fe *FileError
			if !errors.As(err, &fe) || fe.Line != tt.line || !strings.Contains(fe.Error(), tt.want) {
				t.Errorf("got %v, want line %d containing %q", err, tt.line, tt.want)
			}
		})
	}
}

func TestMarkdownWithoutFrontMatterOrTitle(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.md"), "\ufeff# عنوان الخبر\r\n\r\nنص الخبر الأول.\r\n")
	a := readOne(t, filepath.Join(dir, "a.md"), Options{})
	if a.Title != "عنوان الخبر" || a.ContentHTML != `<div dir="rtl" lang="ar"><p>نص الخبر الأول.</p></div>` || a.Language != "ar" {
		t.Errorf("%+v", a)
	}
	writeFile(t, filepath.Join(dir, "b.md"), "---\ntitle: Only a title\n---\n\n## FAQ\n\nQ: Why?\nA: Because.\n")
	if _, err := ReadFile(filepath.Join(dir, "b.md"), Options{}); !errors.Is(err, ErrNoContent) || !strings.Contains(err.Error(), "b.md:5:") {
		t.Errorf("boilerplate-only markdown: %v", err)
	}
}

func FuzzParseMarkdown(f *testing.F) {
	for _, dir := range []string{articlesDir, badDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, p := range files {
			f.Add(readFixture(f, p))
		}
	}
	f.Add("---\ntitle: &a x\nrelated: [*a, *a]\n---\n**a *b [c](https://x.example/) `d`**\n")
	f.Add(strings.Repeat("[", 100) + strings.Repeat("*", 100) + "](" + strings.Repeat("`", 50))
	f.Fuzz(func(t *testing.T, src string) {
		a, err := markdownArticle("f.md", []byte(src), content.DefaultMarkers())
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("not a FileError: %v", err)
			}
			return
		}
		if a.Title == "" || strings.Contains(a.ContentHTML, "<script") {
			t.Fatalf("bad article from %q: %+v", src, a)
		}
	})
}
