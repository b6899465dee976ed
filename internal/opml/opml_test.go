package opml

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

const sample = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Wires</title><dateCreated>Mon, 02 Nov 2026 10:00:00 +0000</dateCreated></head>
  <body>
    <outline text="وكالة" title="وكالة الأنباء" type="rss" xmlUrl="https://wire.example/ar/rss.xml" category="/news/world,politics"/>
    <outline text="Partners">
      <outline text="Partner A" type="rss" xmlUrl="https://a.example/feed.atom" htmlUrl="https://a.example/"/>
      <outline text="Nested">
        <outline text="Deep" xmlUrl="https://deep.example/feed.json"/>
      </outline>
    </outline>
  </body>
</opml>`

func TestParseFeeds(t *testing.T) {
	d, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Wires" || !d.DateCreated.Equal(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("head: %q %v", d.Title, d.DateCreated)
	}
	fs := d.Feeds()
	if len(fs) != 3 {
		t.Fatalf("%d feeds, want 3", len(fs))
	}
	if fs[0].Name() != "وكالة الأنباء" || strings.Join(fs[0].Categories(), "|") != "world|politics" {
		t.Errorf("first feed: %q %v", fs[0].Name(), fs[0].Categories())
	}
	if got := strings.Join(fs[2].Folders, "/"); got != "Partners/Nested" || fs[2].XMLURL != "https://deep.example/feed.json" {
		t.Errorf("nested feed: folders %q url %q", got, fs[2].XMLURL)
	}
	if strings.Join(fs[1].Folders, "/") != "Partners" {
		t.Errorf("folders leaked between siblings: %v", fs[1].Folders)
	}
}

// Exports from older readers declare Latin-1.
func TestParseLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.0\"><head><title>Caf\xe9</title></head><body>" +
		"<outline text=\"Le Caf\xe9\" type=\"rss\" xmlUrl=\"https://cafe.example/rss\"/></body></opml>"
	d, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if fs := d.Feeds(); d.Title != "Café" || len(fs) != 1 || fs[0].Name() != "Le Café" {
		t.Errorf("title %q, feeds %+v", d.Title, fs)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"broken xml", "<opml version=\"2.0\">\n<body>\n<outline text=\"x\">\n</body></opml>", "line 4"},
		{"not opml", `<rss version="2.0"><channel/></rss>`, "not an OPML"},
		{"entity bomb", `<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><opml version="2.0"><body><outline text="&b;"/></body></opml>`, "entity"},
		{"empty", ``, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestWriteRoundTrip(t *testing.T) {
	in := &Document{Title: "newswire sources", DateCreated: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC),
		Outlines: []Outline{
			{Text: "wire", Title: "wire", Type: "rss", XMLURL: "https://wire.example/rss?a=1&b=2", Category: "world,politics"},
			{Text: "سياسة", Type: "rss", XMLURL: "https://news.example/feeds/politics.rss", Language: "ar"},
		}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<opml version="2.0">`) || !strings.Contains(buf.String(), `xmlUrl="https://wire.example/rss?a=1&amp;b=2"`) {
		t.Errorf("unexpected document:\n%s", buf.String())
	}
	out, err := Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Feeds()) != 2 || out.Feeds()[0].XMLURL != in.Outlines[0].XMLURL || out.Feeds()[1].Text != "سياسة" || !out.DateCreated.Equal(in.DateCreated) {
		t.Errorf("round trip lost data: %+v", out)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add(`<opml><body><outline/></body></opml>`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(strings.NewReader(doc))
		if err == nil {
			_ = d.Feeds()
		}
	})
}
