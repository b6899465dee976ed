package content

import (
	"io"
	"net/url"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/newswire/newswire/internal/arabic"
)

func TestReadResolvesURLs(t *testing.T) {
	base, _ := url.Parse("https://x.example/news/story.html")
	for _, tc := range []struct{ name, in, want string }{
		{"relative href", `<a href="other.html">o</a>`, `<a href="https://x.example/news/other.html">o</a>`},
		{"root-relative src", `<p><img src="/i.jpg" alt="a &amp; b"/></p>`, `<p><img src="https://x.example/i.jpg" alt="a &amp; b"/></p>`},
		{"absolute untouched", `<a href="https://y.example/">y</a>`, `<a href="https://y.example/">y</a>`},
		{"fragment untouched", `<a href="#n1">1</a>`, `<a href="#n1">1</a>`},
		{"text copied byte for byte", `<p>5 &lt; 6 &amp;amp; نص</p>`, `<p>5 &lt; 6 &amp;amp; نص</p>`},
		{"protocol-relative", `<img src="//cdn.example/i.png">`, `<img src="https://cdn.example/i.png">`},
		{"upper-case names, other attributes kept", `<A TITLE='x"y' HREF=a.html>o</A>`, `<a title="x&#34;y" href="https://x.example/news/a.html">o</A>`},
		{"cite and poster", `<blockquote cite="q.html">q</blockquote><video poster="p.jpg"></video>`,
			`<blockquote cite="https://x.example/news/q.html">q</blockquote><video poster="https://x.example/news/p.jpg"></video>`},
		{"not http stays", `<a href="mailto:a@x.example">m</a>`, `<a href="mailto:a@x.example">m</a>`},
		{"entity in the URL", `<a href="a.html?x=1&amp;y=2">o</a>`, `<a href="https://x.example/news/a.html?x=1&amp;y=2">o</a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := Read(tc.in, base)
			defer b.Release()
			if got := b.HTML(); got != tc.want {
				t.Errorf("Read(%q).HTML()\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if got, want := b.Text(), Text(tc.in); got != want {
				t.Errorf("text %q, want %q", got, want)
			}
		})
	}
	if got := Read(`<a href="a.html">o</a>`, nil).HTML(); got != `<a href="a.html">o</a>` {
		t.Errorf("without a base: %q", got)
	}
}

// TestReadResolvesAsXNetHTML holds URL resolution in the tokenizer pass to
// the x/net/html version it replaced (refResolve) over every sanitised
// fixture, as ingest feeds it (explicit bidi controls already dropped):
// the same bytes, except that HTML also drops what every cleaned body
// loses, stray container end tags ("0</div>0"), which leaves the text as
// it was.
func TestReadResolvesAsXNetHTML(t *testing.T) {
	base, _ := url.Parse("https://x.example/news/story.html")
	n, junk := 0, 0
	for name, h := range textSamples(t) {
		h = arabic.NormalizeBidi(SanitizeHTML(h))
		b := Read(h, base)
		got := b.HTML()
		b.Release()
		if want := refResolve(h, base); got != want {
			if len(got) >= len(want) || Text(got) != Text(want) || refText(got) != refText(want) {
				t.Errorf("%s:\n got %q\nwant %q", name, got, want)
			}
			junk++
		}
		if got != h {
			n++
		}
	}
	if n < 5 {
		t.Errorf("only %d samples had a URL to resolve", n)
	}
	t.Logf("%d samples with URLs resolved, %d with stray end tags dropped", n, junk)
}

// refResolve is ingest's resolveHTML before the pipeline: x/net/html's
// tokenizer, changed tags written by Token.String.
func refResolve(s string, base *url.URL) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			if z.Err() != io.EOF {
				return s
			}
			return b.String()
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			raw := string(z.Raw())
			tok := z.Token()
			changed := false
			for i, a := range tok.Attr {
				if a.Namespace != "" || !isURLAttr(a.Key) {
					continue
				}
				if abs, ok := resolveRef(a.Val, base); ok {
					tok.Attr[i].Val, changed = abs, true
				}
			}
			if changed {
				b.WriteString(tok.String())
			} else {
				b.WriteString(raw)
			}
		default:
			b.Write(z.Raw())
		}
	}
}
