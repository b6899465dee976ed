package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in          string
		want        Format
		ext, ctype  string
		wantUnknown bool
	}{
		{in: "rss", want: FormatRSS, ext: "rss", ctype: "application/rss+xml; charset=utf-8"},
		{in: ".atom", want: FormatAtom, ext: "atom", ctype: "application/atom+xml; charset=utf-8"},
		{in: "JSON", want: FormatJSON, ext: "json", ctype: "application/feed+json; charset=utf-8"},
		{in: "xml", wantUnknown: true},
		{in: "", wantUnknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantUnknown {
				if !errors.Is(err, ErrUnknownFormat) {
					t.Fatalf("ParseFormat(%q) = %v, %v; want ErrUnknownFormat", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.Extension() != tt.ext || got.String() != tt.ext || got.ContentType() != tt.ctype {
				t.Errorf("%v: extension %q, string %q, content type %q", got, got.Extension(), got.String(), got.ContentType())
			}
		})
	}
	if err := Write(&bytes.Buffer{}, smallFeed(FormatRSS), Format(9)); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Write with Format(9) = %v, want ErrUnknownFormat", err)
	}
	if got := len(AllFormats()); got != 3 {
		t.Errorf("AllFormats has %d formats", got)
	}
}

// TestGolden renders the small fixed feed in each format, validates it and
// compares it with feeds/testdata/small.<ext>.golden. It also keeps the good
// fixtures in testdata/feeds/good (a bigger sample) up to date.
func TestGolden(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			got := render(t, smallFeed(fm), fm)
			mustValidate(t, "small."+fm.Extension(), got)
			checkGolden(t, filepath.Join("testdata", "small."+fm.Extension()+".golden"), got)

			sample := render(t, arabicFeed(5, fm), fm)
			mustValidate(t, "sample."+fm.Extension(), sample)
			checkGolden(t, filepath.Join(goodDir, "sample."+fm.Extension()), sample)
		})
	}
}

// TestRenderIsStable: the same data gives the same bytes (servers derive
// ETags from them), with no render-time ids or clocks.
func TestRenderIsStable(t *testing.T) {
	for _, fm := range AllFormats() {
		a, b := render(t, smallFeed(fm), fm), render(t, smallFeed(fm), fm)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renders differ", fm)
		}
		if bytes.Contains(a, []byte("urn:uuid:")) && !bytes.Contains(a, []byte("urn:uuid:0f8fad5b")) {
			t.Errorf("%s: a generated urn:uuid id", fm)
		}
	}
}

// TestRenderedMarkup checks what gorilla alone leaves out, format by format.
func TestRenderedMarkup(t *testing.T) {
	tests := []struct {
		fm      Format
		want    []string
		notWant []string
	}{
		{FormatRSS, []string{
			`xmlns:atom="http://www.w3.org/2005/Atom"`, `xmlns:dc="http://purl.org/dc/elements/1.1/"`,
			`xmlns:media="http://search.yahoo.com/mrss/"`, `xmlns:content="http://purl.org/rss/1.0/modules/content/"`,
			`<atom:link href="https://news.example/feeds/politics.rss" rel="self" type="application/rss+xml">`,
			`<atom:link href="https://news.example/websub" rel="hub">`,
			`<language>ar</language>`,
			`<description>اختتمت القمة أعمالها بإعلان مشترك.</description>`,
			`<description>The parliament passed the 2025 budget on Sunday, after a long debate. Second paragraph.</description>`,
			`]]]]><![CDATA[>`,
			`<category>politics</category>`, `<category>world</category>`,
			`<dc:creator>سارة أحمد</dc:creator>`, `<dc:creator>Omar (Reuters)</dc:creator>`,
			`<atom:updated>2025-03-09T09:30:15Z</atom:updated>`,
			`<pubDate>Sun, 09 Mar 2025 07:00:00 +0000</pubDate>`,
			`<pubDate>Fri, 07 Mar 2025 09:00:00 +0000</pubDate>`,
			`<lastBuildDate>Sun, 09 Mar 2025 09:30:15 +0000</lastBuildDate>`,
			`<enclosure url="https://news.example/img/summit.jpg" length="48213" type="image/jpeg">`,
			`<media:content url="https://news.example/img/summit.jpg" type="image/jpeg" fileSize="48213" medium="image">`,
			`<media:content url="https://news.example/img/budget.png" medium="image">`,
			`<guid isPermaLink="false">tag:news.example,2025:politics/1</guid>`,
			`<source url="https://wire.example/ar/rss.xml">وكالة الأنباء</source>`,
			`<atom:link href="https://wire.example/ar/1234" rel="via">`,
			`<link>https://news.example/politics/%D8%A7%D9%84%D9%82%D9%85%D8%A9-%D8%A7%D9%84%D8%B9%D8%B1%D8%A8%D9%8A%D8%A9</link>`,
		}, []string{`<author>`, `budget.png" length`, `<enclosure url="https://news.example/img/budget.png"`}},
		{FormatAtom, []string{
			`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">`,
			`<id>https://news.example/feeds/politics.atom</id>`,
			`<link href="https://news.example/politics" rel="alternate" type="text/html">`,
			`<link href="https://news.example/feeds/politics.atom" rel="self" type="application/atom+xml">`,
			`<link href="https://news.example/websub" rel="hub">`,
			`<entry xml:lang="ar">`, `<entry xml:lang="en">`,
			`<published>2025-03-09T07:00:00Z</published>`, `<updated>2025-03-09T09:30:15Z</updated>`,
			`<published>2025-03-07T09:00:00Z</published>`, `<updated>2025-03-07T09:00:00Z</updated>`,
			`<category term="politics" label="سياسة">`, `<category term="world">`,
			`<content type="html"><![CDATA[<div dir="rtl">`,
			`<summary type="text">`,
			`<name>سارة أحمد</name>`, `<email>sara@news.example</email>`, `<uri>https://news.example/staff/sara</uri>`, `<name>Omar (Reuters)</name>`,
			`<source>`, `<title>وكالة الأنباء</title>`, `<link href="https://wire.example/ar/1234" rel="via">`,
			`<link href="https://news.example/img/summit.jpg" rel="enclosure" type="image/jpeg" length="48213">`,
			`<author>` + "\n    <name>سياسة</name>", // entries without authors: the feed has one
		}, []string{`label="world"`}},
		{FormatJSON, []string{
			`"version":"https://jsonfeed.org/version/1.1"`, `"feed_url":"https://news.example/feeds/politics.json"`,
			`"home_page_url":"https://news.example/politics"`, `"language":"ar"`, `"language":"en"`,
			`"hubs":[{"type":"WebSub","url":"https://news.example/websub"}]`,
			`"authors":[{"name":"سارة أحمد","url":"https://news.example/staff/sara"},{"name":"Omar (Reuters)"}]`,
			`"tags":["politics","world"]`, `"image":"https://news.example/img/summit.jpg"`,
			`"date_published":"2025-03-09T07:00:00Z"`, `"date_modified":"2025-03-09T09:30:15Z"`,
			`"content_html":"<div dir=\"rtl\"><p>اختتمت القمة العربية أعمالها ]]> اليوم&amp;أمس.</p>`,
			`"summary":"اختتمت القمة أعمالها بإعلان مشترك."`,
			`"_newswire":{"related":[{"title":"القمة السابقة","url":"https://news.example/politics/2024"},{"title":"بيان ختامي"}]}`,
			`"_newswire":{"sources":[{"name":"وكالة الأنباء","feed_url":"https://wire.example/ar/rss.xml","link":"https://wire.example/ar/1234"}]}`,
			`"external_url":"https://wire.example/ar/1234"`,
		}, []string{`"author":`, `\u003c`, `banner_`, `"id":""`}},
	}
	for _, tt := range tests {
		t.Run(tt.fm.String(), func(t *testing.T) {
			got := string(render(t, smallFeed(tt.fm), tt.fm))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %s", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("unexpected %s", w)
				}
			}
		})
	}
}

func TestItemOrderIsKept(t *testing.T) {
	f := smallFeed(FormatRSS)
	f.Items[0], f.Items[2] = f.Items[2], f.Items[0] // oldest first now
	for _, fm := range AllFormats() {
		p, err := Parse(render(t, f, fm))
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range p.Items {
			if a.GUID != f.Items[i].GUID {
				t.Errorf("%s: item %d is %q, want %q", fm, i, a.GUID, f.Items[i].GUID)
			}
		}
	}
}

func TestFeedUpdated(t *testing.T) {
	given := time.Date(2025, 3, 10, 8, 0, 0, 500, riyadh)
	tests := []struct {
		name string
		feed func() *Feed
		want time.Time
	}{
		{"caller's time wins", func() *Feed { f := smallFeed(FormatAtom); f.Updated = given; return f }, given.UTC().Truncate(time.Second)},
		{"newest item otherwise", func() *Feed { return smallFeed(FormatAtom) }, time.Date(2025, 3, 9, 9, 30, 15, 0, time.UTC)},
		{"empty feed takes caller's time", func() *Feed { f := smallFeed(FormatAtom); f.Items = nil; f.Updated = given; return f }, given.UTC().Truncate(time.Second)},
		{"empty feed without time is the epoch, never now", func() *Feed { f := smallFeed(FormatAtom); f.Items = nil; return f }, time.Unix(0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fm := range []Format{FormatRSS, FormatAtom} {
				data := render(t, tt.feed(), fm)
				mustValidate(t, fm.String(), data)
				p, err := Parse(data)
				if err != nil {
					t.Fatal(err)
				}
				if !p.Updated.Equal(tt.want) {
					t.Errorf("%s: updated %v, want %v", fm, p.Updated, tt.want)
				}
			}
		})
	}
}

func TestEmptyJSONFeedHasItemsArray(t *testing.T) {
	f := smallFeed(FormatJSON)
	f.Items = nil
	var doc map[string]any
	if err := json.Unmarshal(render(t, f, FormatJSON), &doc); err != nil {
		t.Fatal(err)
	}
	if items, ok := doc["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("items = %#v, want []", doc["items"])
	}
}

func TestWriteRejectsUnrenderableItems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(a *Article)
		want   error
	}{
		{"no guid", func(a *Article) { a.GUID = "" }, ErrNoGUID},
		{"guid of control characters only", func(a *Article) { a.GUID = "\x01\x02 " }, ErrNoGUID},
		{"no dates", func(a *Article) { a.Published, a.Updated = time.Time{}, time.Time{} }, ErrBadDate},
		{"year 10000", func(a *Article) { a.Updated = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, ErrBadDate},
		{"no content, no summary", func(a *Article) { a.ContentHTML, a.Summary = " ", "" }, ErrNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fm := range AllFormats() {
				f := smallFeed(fm)
				tt.mutate(f.Items[1])
				err := Write(&bytes.Buffer{}, f, fm)
				if !errors.Is(err, tt.want) {
					t.Errorf("%s: %v, want %v", fm, err, tt.want)
				}
				if err != nil && !strings.Contains(err.Error(), "item 2") {
					t.Errorf("%s: error %q does not name the item", fm, err)
				}
			}
		})
	}
}

// TestAllFormatsCarryTheSameText: one sanitiser for all three.
func TestAllFormatsCarryTheSameText(t *testing.T) {
	f := smallFeed(FormatRSS)
	f.Items[0].Title = " \x01عنوان\x7f\ufffe\u202bمضمن\u202c \xff"
	f.Items[0].ContentHTML = "<p>\x00a\r\nb\rc ]]> \u2066d\u2069</p>\x1f"
	var titles, contents []string
	for _, fm := range AllFormats() {
		p, err := Parse(render(t, f, fm))
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, p.Items[0].Title)
		contents = append(contents, p.Items[0].ContentHTML)
	}
	wantTitle, wantContent := "عنوان\x7f\u202bمضمن\u202c", "<p>a\nb\nc ]]> \u2066d\u2069</p>"
	for i, fm := range AllFormats() {
		if titles[i] != wantTitle {
			t.Errorf("%s title %q, want %q", fm, titles[i], wantTitle)
		}
		if contents[i] != wantContent {
			t.Errorf("%s content %q, want %q", fm, contents[i], wantContent)
		}
	}
}

func TestStableID(t *testing.T) {
	tests := map[string]string{
		"cms-42":                      "tag:newswire,2026:cms-42",
		"https://news.example/a/1":    "https://news.example/a/1",
		"urn:uuid:0f8fad5b-d9cb-469f": "urn:uuid:0f8fad5b-d9cb-469f",
		"tag:news.example,2025:x":     "tag:news.example,2025:x",
		"خبر 1":                       "tag:newswire,2026:%D8%AE%D8%A8%D8%B1%201",
		"  spaced  ":                  "tag:newswire,2026:spaced",
		"":                            "",
		"https://news.example/a b":    "tag:newswire,2026:https:%2F%2Fnews.example%2Fa%20b",
	}
	for in, want := range tests {
		got := StableID(in)
		if got != want {
			t.Errorf("StableID(%q) = %q, want %q", in, got, want)
		}
		if StableID(got) != got {
			t.Errorf("StableID is not idempotent on %q", got)
		}
	}
}
