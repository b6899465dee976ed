package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextToHTML(t *testing.T) {
	got := TextToHTML([]string{"  أ <b>&</b> \"x\" 'y'  ", "", "second"})
	want := "<p>أ &lt;b&gt;&amp;&lt;/b&gt; &#34;x&#34; &#39;y&#39;</p>\n<p>second</p>"
	if got != want {
		t.Errorf("TextToHTML\n got %q\nwant %q", got, want)
	}
	if got := TextToHTML(nil); got != "" {
		t.Errorf("TextToHTML(nil) = %q", got)
	}
}

func TestSanitizeHTML(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       []string // substrings that must survive
		mustNotHas []string
	}{
		{
			name:       "script, iframe, style and handlers go",
			in:         `<p onclick="x()" style="color:red">نص</p><script>alert(1)</script><iframe src="https://evil.example"></iframe>`,
			want:       []string{"<p>نص</p>"},
			mustNotHas: []string{"script", "alert", "iframe", "onclick", "style"},
		},
		{
			name:       "javascript and data links lose their href",
			in:         `<a href="javascript:alert(1)">a</a><a href="data:text/html,x">b</a><img src="data:image/png;base64,AAAA">`,
			mustNotHas: []string{"javascript:", "data:"},
		},
		{
			name:       "dir, lang, links without nofollow, images, lists, tables, figures stay",
			in:         `<div dir="rtl" lang="ar"><p>مرحبا <bdi>BBC</bdi></p><a href="https://news.example/a">link</a><img src="https://news.example/i.jpg" alt="صورة"><ul><li>x</li></ul><table><tr><td>1</td></tr></table><figure><figcaption>c</figcaption></figure></div>`,
			want:       []string{`dir="rtl"`, `lang="ar"`, `<bdi>BBC</bdi>`, `<a href="https://news.example/a">link</a>`, `<img src="https://news.example/i.jpg" alt="صورة">`, "<li>x</li>", "<td>1</td>", "<figcaption>c</figcaption>"},
			mustNotHas: []string{"nofollow"},
		},
		{
			name:       "bad dir value dropped",
			in:         `<p dir="javascript:x">x</p>`,
			want:       []string{"<p>x</p>"},
			mustNotHas: []string{"dir="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SanitizeHTML(tt.in)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lost %q", got, w)
				}
			}
			for _, bad := range tt.mustNotHas {
				if strings.Contains(got, bad) {
					t.Errorf("%q still has %q", got, bad)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"blocks are separated", "<p>جيد</p><p>abc</p>", "جيد\nabc"},
		{"inline stays glued", "<p>new<b>s</b>wire <i>is</i> here</p>", "newswire is here"},
		{"whitespace collapses", "<p>  a \n\t b  </p>\n\n<div> c </div>", "a b\nc"},
		{"br and li", "one<br>two<ul><li>x</li><li>y</li></ul>", "one\ntwo\nx\ny"},
		{"cells get spaces", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"script and style are not text", "<p>a<script>var x=1</script><style>p{}</style>b</p>", "ab"},
		{"entities decoded once", "<p>&amp;lt; &lt;b&gt; &#1575;</p>", "&lt; <b> ا"},
		{"headings", "<h2>عنوان</h2>نص", "عنوان\nنص"},
		{"empty", "", ""},
		{"broken markup", "<p>a<div>b</p>c", "a\nb\nc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzText(f *testing.F) {
	f.Add("<p>جيد</p><p>abc</p>")
	f.Add(TextToHTML(seedParagraphs(f)))
	f.Add("<table><td>a<td>b</table><script>x</script>")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from valid input: %q", out)
		}
		if strings.Contains(out, "\n\n") || strings.HasPrefix(out, "\n") || strings.HasSuffix(out, "\n") {
			t.Fatalf("empty line in %q", out)
		}
		SanitizeHTML(s)
	})
}

func BenchmarkSanitizeHTML(b *testing.B) {
	h := TextToHTML(seedParagraphs(b))
	b.SetBytes(int64(len(h)))
	b.ReportAllocs()
	for b.Loop() {
		SanitizeHTML(h)
	}
}

// SanitizeHTML is bluemonday's Sanitize with the policy, trimmed, whatever
// the input (hostile fixtures, the corpus, broken markup, sizes past the
// pooled buffer's) and in whatever order inputs come: its reused buffer
// carries nothing from one call to the next.
func TestSanitizeHTMLIsPolicySanitize(t *testing.T) {
	var inputs []string
	for _, glob := range []string{"../../testdata/upstream/*", "testdata/corpus/*.html"} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v", glob, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, string(b))
		}
	}
	big := strings.Repeat(`<p dir="rtl" onclick="x()">نص <a href="/a?b=1&c=<2>">l</a></p>`, 1<<15)
	inputs = append(inputs, "", " \n\t ", "x", "  <p>a</p>  ", "<p>a<div>b</p>c", "<script>alert(1)</script>",
		"<a href='java\nscript:x'>a</a>", big, "<b>short</b>", "\u00a0<p>x</p>\u2003", "<!-- c --><p>&amp;&lt;</p>")
	for round := range 2 {
		for i, in := range inputs {
			if got, want := SanitizeHTML(in), strings.TrimSpace(sanitizer().Sanitize(in)); got != want {
				t.Errorf("round %d, input %d (%d bytes): SanitizeHTML differs from the policy's Sanitize\n got %.200q\nwant %.200q",
					round, i, len(in), got, want)
			}
		}
	}
}
