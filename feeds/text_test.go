package feeds

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestXMLSafe(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"clean text is kept", "نص عربي 📰", "نص عربي 📰"},
		{"C0 controls dropped", "a\x00b\x01c\x08d\x0be\x0cf\x1fg", "abcdefg"},
		{"tab and LF kept", "a\tb\nc", "a\tb\nc"},
		{"CRLF and CR become LF", "a\r\nb\rc", "a\nb\nc"},
		{"DEL and C1 are legal XML", "a\x7fb\u0085c", "a\x7fb\u0085c"},
		{"U+FFFE and U+FFFF dropped", "a\ufffeb\uffffc", "abc"},
		{"invalid UTF-8 dropped", "a\xffb\xc0\xafc", "abc"},
		{"encoded surrogate dropped", "a\xed\xa0\x80b", "ab"},
		{"bidi marks kept", "\u200fa\u202bb\u202c\u2066c\u2069\u061c", "\u200fa\u202bb\u202c\u2066c\u2069\u061c"},
		{"markup and ]]> kept", "<p>&amp; ]]> <![CDATA[</p>", "<p>&amp; ]]> <![CDATA[</p>"},
		{"surrounding space trimmed", " \t\n a b \u00a0\r\n", "a b"},
		{"space left after dropping trimmed", "\x01 a \x02", "a"},
		{"only controls", "\x01\x02\x03", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := XMLSafe(tt.in)
			if got != tt.want {
				t.Errorf("XMLSafe(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := XMLSafe(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8 out: %q", got)
			}
		})
	}
}

func TestXMLSafeAllocatesNothingForSafeText(t *testing.T) {
	s := strings.Repeat("القمة العربية تختتم أعمالها <p>&amp;</p>\n", 100)
	if n := testing.AllocsPerRun(100, func() { _ = XMLSafe(s) }); n != 0 {
		t.Errorf("%v allocations for clean text", n)
	}
}

func TestXMLSafeURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ASCII URL untouched", "https://news.example/a?x=1&y=2#top", "https://news.example/a?x=1&y=2#top"},
		{"percent-encoding kept as written", "https://news.example/%d8%b9", "https://news.example/%d8%b9"},
		{"IRI path encoded", "https://news.example/مقال", "https://news.example/%D9%85%D9%82%D8%A7%D9%84"},
		{"space encoded", "https://news.example/a b", "https://news.example/a%20b"},
		{"IRI query and fragment encoded", "https://news.example/مقالة?q=بحث&x=1#قسم", "https://news.example/%D9%85%D9%82%D8%A7%D9%84%D8%A9?q=%D8%A8%D8%AD%D8%AB&x=1#%D9%82%D8%B3%D9%85"},
		{"query escapes kept", "https://news.example/a?q=%D8%A8 b", "https://news.example/a?q=%D8%A8%20b"},
		{"scheme lower-cased", "HTTPS://News.Example/a", "https://News.Example/a"},
		{"controls and padding dropped", " https://news.example/a\x01 ", "https://news.example/a"},
		{"tag URI untouched", "tag:news.example,2025:1", "tag:news.example,2025:1"},
		{"unparseable kept", "https://news.example/%zz é", "https://news.example/%zz é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := xmlSafeURL(tt.in)
			if got != tt.want {
				t.Fatalf("xmlSafeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// gofeed re-encodes Atom hrefs through net/url: that must change nothing.
			if u, err := url.Parse(got); err == nil && u.String() != got {
				t.Errorf("net/url turns %q into %q", got, u.String())
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("كلمة ", 100)
	tests := []struct {
		name, html string
		max        int
		want       string
	}{
		{"tags removed, blocks separate words", "<p>first</p><p>second <b>bo</b>ld</p>", 100, "first second bold"},
		{"entities decoded once", "<p>a &amp;amp; b &lt;c&gt; &#1575;</p>", 100, "a &amp; b <c> ا"},
		{"script, style and comments dropped", "<p>a</p><script>x<y</script><style>p{}</style><!-- no -->b", 100, "a b"},
		{"white space collapsed", "<p>a\n\n\t b</p>\r\n", 100, "a b"},
		{"controls from entities dropped", "a&#1;b", 100, "ab"},
		{"short text not cut", "<p>نص قصير</p>", 100, "نص قصير"},
		{"cut at a word with an ellipsis", long, 20, strings.Repeat("كلمة ", 3) + "كلمة…"},
		{"unterminated tag ends the text", "a <p class=", 100, "a"},
		// A tag ends at the first ">" outside quotes, and "<" starts one only
		// before a letter, "/" or "!": read as an HTML tokenizer reads it.
		{"> inside a quoted attribute", `<p title="a>b">text</p>`, 100, "text"},
		{"> inside a single-quoted attribute", `<img alt='x > y' src=i.png><p>نص</p>`, 100, "نص"},
		{"< that opens no tag", "<p>5 < 6 and 7 > 2</p>", 100, "5 < 6 and 7 > 2"},
		{"< before a space and a tag later", "if a < b then <b>c</b>", 100, "if a < b then c"},
		{"comment holding a tag", "<p>a<!-- <p title='>'> -->b</p>", 100, "ab"},
		{"script end tag inside a string", "<script>var s = \"</scr\" + \"ipt>\";</script><p>x</p>", 100, "x"},
		{"upper-case script", "<SCRIPT>alert(1)</SCRIPT>text", 100, "text"},
		{"processing instruction", "<?xml version=\"1.0\"?><p>x</p>", 100, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := excerpt(tt.html, tt.max)
			if got != tt.want {
				t.Errorf("excerpt = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("%d runes, max %d", n, tt.max)
			}
		})
	}
}

// xmlSafeReference is the obvious, slow XMLSafe: the fast one must agree.
func xmlSafeReference(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i, r := range s {
		_, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == 0xFFFE, r == 0xFFFF:
		case r == '\r':
			b.WriteByte('\n')
		case r < 0x20 && r != '\t' && r != '\n':
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

func FuzzXMLSafe(f *testing.F) {
	for _, s := range []string{"", "نص\x01\r\n\ufffe\xff", " \u200f a\r", "\xef\xbf", "\xef\xbf\xbe", "\xed\xa0\x80", "a\r\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := XMLSafe(s), xmlSafeReference(s)
		if got != want {
			t.Fatalf("XMLSafe(%q) = %q, reference %q", s, got, want)
		}
		if r, bad := forbiddenIn(got); bad || strings.ContainsRune(got, '\r') {
			t.Fatalf("XMLSafe(%q) = %q still holds %U", s, got, r)
		}
	})
}
