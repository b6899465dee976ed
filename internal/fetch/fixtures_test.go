package fetch_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite the charset fixtures in testdata/")

// The Arabic text every charset fixture carries; tests compare the decoded titles with these.
const (
	arChannel = "أخبار العالم، اليوم"
	arItem    = "وزير الخارجية يلتقي نظيره في عمّان"
)

// rssDoc is a small Arabic RSS 2.0 document after the given XML declaration.
func rssDoc(decl string) string {
	return decl + "\n" + `<rss version="2.0"><channel>` +
		`<title>` + arChannel + `</title><link>https://news.example/</link>` +
		`<description>نشرة الأخبار</description>` +
		`<item><title>` + arItem + `</title><link>https://news.example/1</link>` +
		`<guid>https://news.example/1</guid><description>قال الوزير إن المحادثات كانت مثمرة.</description></item>` +
		"</channel></rss>\n"
}

const jsonDoc = `{"version":"https://jsonfeed.org/version/1.1","title":"` + arChannel +
	`","items":[{"id":"1","title":"` + arItem + `","content_text":"نص"}]}` + "\n"

func mustEncode(t testing.TB, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %s: %v", cm, err)
	}
	return b
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// fixtures builds every charset fixture; each says in its name what it tests.
func fixtures(t testing.TB) map[string][]byte {
	w1256 := mustEncode(t, charmap.Windows1256, rssDoc(`<?xml version="1.0" encoding="windows-1256"?>`))
	iso := mustEncode(t, charmap.ISO8859_6, rssDoc(`<?xml version="1.0" encoding="ISO-8859-6"?>`))
	// 0xA1 is undefined in ISO-8859-6: put it inside the channel title.
	isoBad := bytes.Replace(iso, []byte("<title>"), []byte("<title>\xa1"), 1)
	invalid := []byte(strings.Replace(rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`),
		"<title>", "<title>\xc3\x28", 1)) // 0xC3 starts a 2-byte sequence; '(' cannot continue it
	return map[string][]byte{
		// windows-1256 named only by the XML declaration.
		"rss-windows-1256-xmldecl.xml": w1256,
		// The same bytes with no encoding in the declaration: the HTTP header must name it.
		"rss-windows-1256-header.xml":  mustEncode(t, charmap.Windows1256, rssDoc(`<?xml version="1.0"?>`)),
		"rss-utf-16le-bom.xml":         utf16Bytes(rssDoc(`<?xml version="1.0" encoding="UTF-16"?>`), false, true),
		"rss-iso-8859-6.xml":           iso,
		"rss-iso-8859-6-undefined.xml": isoBad,
		"rss-invalid-utf-8.xml":        invalid,
		// UTF-8 that says so in its declaration, for servers whose header says otherwise.
		"rss-utf-8.xml":          []byte(rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`)),
		"feed-utf-16be-bom.json": utf16Bytes(jsonDoc, true, true),
	}
}

// TestFixtures keeps the committed binary fixtures equal to what fixtures() generates;
// go test ./internal/fetch -run TestFixtures -update rewrites them.
func TestFixtures(t *testing.T) {
	for name, want := range fixtures(t) {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its generator; run go test ./internal/fetch -run TestFixtures -update", path)
		}
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
