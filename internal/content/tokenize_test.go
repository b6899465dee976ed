package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// tok is one token as a test compares it.
type tok struct {
	tt    xhtml.TokenType
	raw   string
	name  string
	attrs []string // key=value
	text  string
}

func (t tok) String() string {
	return fmt.Sprintf("%v %q name=%q attrs=%q text=%q", t.tt, t.raw, t.name, t.attrs, t.text)
}

// xnetTokens is what x/net/html's Tokenizer finds in s.
func xnetTokens(s string) []tok {
	var ts []tok
	z := xhtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		t := tok{tt: tt, raw: string(z.Raw())}
		switch tt {
		case xhtml.ErrorToken:
			return append(ts, t)
		case xhtml.TextToken:
			t.text = string(z.Text())
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			name, more := z.TagName()
			t.name = string(name)
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				t.attrs = append(t.attrs, string(k)+"="+string(v))
			}
		}
		ts = append(ts, t)
	}
}

// ourTokens is what tokenizer finds in s.
func ourTokens(s string) []tok {
	var ts []tok
	var z tokenizer
	z.reset(s)
	for {
		tt := z.next()
		t := tok{tt: tt, raw: z.raw()}
		switch tt {
		case xhtml.ErrorToken:
			return append(ts, t)
		case xhtml.TextToken:
			t.text = z.text()
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			t.name = xnetLower(s[z.name.start:z.name.end])
			for i, a := range z.attrs {
				t.attrs = append(t.attrs, xnetLower(s[a.key.start:a.key.end])+"="+z.attrValue(i))
			}
		}
		ts = append(ts, t)
	}
}

// xnetLower is a name as x/net/html gives it: NUL replaced, ASCII
// lower-cased.
func xnetLower(s string) string {
	b := bytes.ReplaceAll([]byte(s), []byte{0}, []byte("\ufffd"))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func checkTokens(t *testing.T, s string) {
	t.Helper()
	want, got := xnetTokens(s), ourTokens(s)
	for i := range max(len(want), len(got)) {
		var w, g tok
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w.tt != g.tt || w.raw != g.raw || w.name != g.name || w.text != g.text || !slices.Equal(w.attrs, g.attrs) {
			t.Fatalf("%q: token %d:\n x/net/html: %v\n tokenizer:  %v", s, i, w, g)
		}
	}
}

// tokenCases are the corners of HTML tokenizing: each is checked against
// x/net/html and seeds FuzzTokenizer.
var tokenCases = []string{
	"", "plain", "<", "<<", "a<", "a<b", "a < b", "<p>", "<p", "<p ", "<p a", "<p a=", "<p a=b", "<p a='b", "<p a=\"b\">",
	"</", "</>", "</p", "</p>", "</p >", "</ p>", "</1>", "</p a=b>", "<!", "<!-", "<!--", "<!---", "<!-->", "<!--->", "<!---->",
	"<!-- a -- b -->", "<!--a--!>b", "<!--a--!-->", "<!--a--!x>-->", "<!--a--!", "<!--a--", "<!--a-", "<!x>", "<!x", "<?xml ?>", "<?x",
	"<!DOCTYPE html>", "<!doctype html>", "<!DocType>", "<!DOCTYPE", "<!DOCTYP", "<!DOCTYPEhtml>", "<!DOCTYPE  x", "<![CDATA[x]]>",
	"<br/>", "<br />", "<img src=x/>", "<img src=x />", "<img src='x'/>", "<a href=/>x", "<p a=/ b>", "<p a b/>", "<p a=1 a=/>", "<p A=1 a=2>",
	"<p =a>", "<p ==a>", "<p a==b>", "<p a = b >", "<p a=>", "<p a= >", "<p a=b=c>", "<p a=\"b\"c>", "<p/a>", "<p //>", "<P CLASS=X ID=Y>",
	"<p a='&amp;&lt;'>", "<a href=\"?a=1&amp=2&ampx=3&lt\">", "<p a=\"x\r\ny\">", "<p a=\"\x00\">", "<p\x00 a\x00=1>", "<p \x00>",
	"a&amp;b&lt;c&#1575;&#x627;&nbsp;&notit;&amp", "a\r\nb\rc", "a\x00b", "<p>a\r\n</p>",
	"<script>a</script>", "<script>a</SCRIPT >b", "<script>a</scriptx></script>", "<script>a</scr", "<script>a</script", "<script></script>", "<script>",
	"<script><!--<script>x</script>y</script>-->z</script>w", "<script><!-- a --> b</script>", "<script><!--<scriptx>a</script>",
	"<script><!--</script>", "<script><!--<b>--></script>", "<script><!--<script>a--></script>b</script>", "<script><!--<script>a<!--</script>",
	"<script><!-<!--x</script>", "<script><!--<!x</script>", "<script><!--<1</script>", "<script><!--a<-</script>", "<script><!--</x>--></script>",
	"<script><!--<SCRIPT/>a</script>b</script>", "<script><!--a--><script>b</script>c</script>", "<script><!--<1<script>b</script>c</script>",
	"<script><!--<script>a--><script>b</script>c</script>", "<script><!--<script>a-<script>b</script>c</script>d</script>", "<script><!--<script>a-->b</script>", "<script>\x00</script>", "<script/>x</script>",
	"<style>p{}</style>", "<style>a</style", "<title>a&amp;b</title>", "<textarea>a<b>&lt;</textarea>", "<TITLE>x</title >",
	"<xmp><p></xmp>", "<iframe>a</iframe>", "<noscript><p>a</noscript>", "<noembed>a</noembed>", "<noframes>a</noframes>",
	"<plaintext>a</plaintext><p>", "<p>a<plaintext>", "<svg><style>a</style></svg>", "<math><title>x</title></math>",
	"<div class=\"share\"><a href=\"https://x/?a=1&b=2\">x</a></div>", "<p dir=rtl lang=ar>مرحبا\u202eب</p>",
	"<iframe><p>a</iframe>", "<NoEmbed><p>a</noembed>", "<noframes><p>a</noframes>", "<noscript><p>a</noscript>", "<plaintext><p>a",
	"<script><p>a</script>", "<style><p>a</style>", "<textarea><p>a</textarea>", "<title><p>a</title>", "<xmp><p>a</xmp>", "<scrip><p>a",
	"<p/", "<p a='b' ", "<p a/", "<p a=1 A=2 b=&lt;>", "<p x=1 a='&amp;'>", "<br a= />", "<br//>", "<p a=x\x00/>",
	"<script><!--<", "<script><!--<script><", "<script><!--<script></script", "<script><!--<script>a</script -->b</script>",
	"<script><!--->a</script>", "<!>x", "<!-x>", "<!---!>x-->", "<!DOCTYPE \n", "<textarea>\r\n&amp;\x00</textarea>", "<plaintext>\x00&amp;\r\n",
	"<p>a</p\n>", "<p\n\tclass=x\n>", "<p class=x\f>", "<a\thref=\"x\">", "<p>a<!-- c --></p>", "<p>x</p><", "<p>x</p><1", "<p>x</p></",
}

func TestTokenizerMatchesXNetHTML(t *testing.T) {
	for _, s := range tokenCases {
		checkTokens(t, s)
	}
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkTokens(t, string(b))
		// A body can end anywhere: end it in every state, just before and
		// after each byte that moves the tokenizer between states.
		for i, c := range b {
			if strings.IndexByte("<>/!?-='\" \n&;", c) >= 0 {
				checkTokens(t, string(b[:i]))
				checkTokens(t, string(b[:i+1]))
			}
		}
	}
	checkTokens(t, benchArticle(t).ContentHTML)

	// Tags with more attributes than are compared one by one: duplicate
	// names in any case, the last one's value ending in "/".
	var b strings.Builder
	b.WriteString("<p")
	for i := range 40 {
		fmt.Fprintf(&b, " a%d=%d A%d=x b=%d", i, i, i%20, i)
	}
	for _, end := range []string{">", "/>", " a3=/>", " z=&amp;/>", " z=/>"} {
		checkTokens(t, b.String()+end+"text")
	}
}

func FuzzTokenizer(f *testing.F) {
	for _, s := range tokenCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkTokens(t, s)
	})
}

func BenchmarkTokenizer(b *testing.B) {
	s := benchArticle(b).ContentHTML
	b.SetBytes(int64(len(s)))
	b.Run("newswire", func(b *testing.B) {
		var z tokenizer
		for b.Loop() {
			z.reset(s)
			for z.next() != xhtml.ErrorToken {
			}
		}
	})
	b.Run("x-net-html", func(b *testing.B) {
		for b.Loop() {
			z := xhtml.NewTokenizer(strings.NewReader(s))
			for z.Next() != xhtml.ErrorToken {
			}
		}
	})
}
