package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	testHub  = "https://news.example/websub"
	archBase = "https://news.example/feeds/politics"
)

// archiveFeed is an RFC 5005 archive page of the politics feed: two items,
// WebSub links, current / prev-archive / next-archive, and two RFC 6721
// tombstones (one with comment and author, one bare).
func archiveFeed(fm Format) *Feed {
	f := smallFeed(fm)
	self := archBase + "/archive/2025-03-08." + fm.Extension()
	f.SelfURL = ""
	f.Items = f.Items[1:]
	f.Archive = true
	f.Links = append(HubLinks(testHub, self),
		Link{Rel: RelCurrent, Href: archBase + "." + fm.Extension()},
		Link{Rel: RelPrevArchive, Href: archBase + "/archive/2025-03-01." + fm.Extension()},
		Link{Rel: RelNextArchive, Href: archBase + "/archive/2025-03-15." + fm.Extension()},
	)
	f.Deleted = []Tombstone{
		{
			GUID: "tag:news.example,2025:politics/0", When: time.Date(2025, 3, 9, 14, 0, 0, 500, riyadh),
			Comment: "سُحب المقال بطلب من المحرر & <مراجعة>", By: "مكتب التحرير",
		},
		{GUID: "tag:news.example,2025:politics/00", When: time.Date(2025, 3, 8, 8, 0, 0, 0, time.UTC)},
	}
	return f
}

// TestWebSubDiscovery: rel="hub" and rel="self" in every format, where
// WebSub subscribers look for them (JSON Feed: hubs and feed_url).
func TestWebSubDiscovery(t *testing.T) {
	want := map[Format][]string{
		FormatRSS: {
			`<atom:link href="https://news.example/feeds/politics.rss" rel="self" type="application/rss+xml"></atom:link>`,
			`<atom:link href="https://news.example/websub" rel="hub"></atom:link>`,
		},
		FormatAtom: {
			`<link href="https://news.example/feeds/politics.atom" rel="self" type="application/atom+xml"></link>`,
			`<link href="https://news.example/websub" rel="hub"></link>`,
		},
		FormatJSON: {
			`"feed_url":"https://news.example/feeds/politics.json"`,
			`"hubs":[{"type":"WebSub","url":"https://news.example/websub"}]`,
		},
	}
	for _, fm := range AllFormats() {
		self := "https://news.example/feeds/politics." + fm.Extension()
		for name, f := range map[string]*Feed{
			"SelfURL and a hub link": smallFeed(fm),
			"HubLinks alone":         func() *Feed { f := smallFeed(fm); f.SelfURL = ""; f.Links = HubLinks(testHub, self); return f }(),
			"HubLinks and SelfURL":   func() *Feed { f := smallFeed(fm); f.Links = HubLinks(testHub, self); return f }(),
		} {
			t.Run(fm.String()+"/"+name, func(t *testing.T) {
				data := render(t, f, fm)
				mustValidate(t, name, data)
				for _, w := range want[fm] {
					if n := strings.Count(string(data), w); n != 1 {
						t.Errorf("%d× %s", n, w)
					}
				}
				p, err := Parse(data)
				if err != nil {
					t.Fatal(err)
				}
				if p.SelfURL != self || fmt.Sprint(p.Links) != fmt.Sprint([]Link{{Rel: RelHub, Href: testHub}}) {
					t.Errorf("parsed self %q, links %v", p.SelfURL, p.Links)
				}
			})
		}
	}
}

func TestSelfLinkMustMatchSelfURL(t *testing.T) {
	f := smallFeed(FormatRSS)
	f.Links = HubLinks(testHub, "https://news.example/elsewhere.rss")
	if err := Write(&bytes.Buffer{}, f, FormatRSS); err == nil || !strings.Contains(err.Error(), "differs from SelfURL") {
		t.Errorf("two self links: %v", err)
	}
}

func TestHubLinksAndLinkHeader(t *testing.T) {
	if got := HubLinks("", ""); got != nil {
		t.Errorf("HubLinks of nothing = %v", got)
	}
	tests := []struct {
		name  string
		links []Link
		want  string
	}{
		{"websub", HubLinks(testHub, "https://news.example/feeds/politics.rss"),
			`<https://news.example/websub>; rel="hub", <https://news.example/feeds/politics.rss>; rel="self"`},
		{"type and IRI", []Link{{Rel: RelPrevArchive, Href: "https://news.example/أرشيف", Type: "application/atom+xml"}},
			`<https://news.example/%D8%A3%D8%B1%D8%B4%D9%8A%D9%81>; rel="prev-archive"; type="application/atom+xml"`},
		{"no header splitting", []Link{
			{Rel: "hub", Href: "https://a.example/\r\nSet-Cookie: x=1"},
			{Rel: "hub\r\nX-Evil: 1", Href: "https://b.example/"},
			{Rel: `q"uo\te`, Href: "https://c.example/"},
			{Rel: "hub", Href: ""},
		}, `<https://b.example/>; rel="hubX-Evil: 1", <https://c.example/>; rel="q\"uo\\te"`},
		{"nothing", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LinkHeader(tt.links)
			if got != tt.want {
				t.Errorf("LinkHeader = %s\nwant          %s", got, tt.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("control characters in %q", got)
			}
		})
	}
}

// TestArchiveGolden renders the archive page in each format, validates it and
// compares it with feeds/testdata/archive.<ext>.golden; the same bytes are
// kept in testdata/feeds/good for tools.
func TestArchiveGolden(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			got := render(t, archiveFeed(fm), fm)
			mustValidate(t, "archive."+fm.Extension(), got)
			checkGolden(t, filepath.Join("testdata", "archive."+fm.Extension()+".golden"), got)
			checkGolden(t, filepath.Join(goodDir, "archive."+fm.Extension()), got)
		})
	}
}

// TestArchiveAndTombstoneMarkup checks the RFC 5005 and RFC 6721 elements
// format by format, and that plain feeds declare neither namespace.
func TestArchiveAndTombstoneMarkup(t *testing.T) {
	tests := []struct {
		fm   Format
		want []string
	}{
		{FormatRSS, []string{
			`xmlns:fh="http://purl.org/syndication/history/1.0"`, `xmlns:at="http://purl.org/atompub/tombstones/1.0"`,
			"<fh:archive></fh:archive>",
			`<atom:link href="https://news.example/feeds/politics/archive/2025-03-08.rss" rel="self" type="application/rss+xml"></atom:link>`,
			`<atom:link href="https://news.example/feeds/politics.rss" rel="current"></atom:link>`,
			`<atom:link href="https://news.example/feeds/politics/archive/2025-03-01.rss" rel="prev-archive"></atom:link>`,
			`<atom:link href="https://news.example/feeds/politics/archive/2025-03-15.rss" rel="next-archive"></atom:link>`,
			`<at:deleted-entry ref="tag:news.example,2025:politics/0" when="2025-03-09T11:00:00Z">`,
			"<at:by>\n        <atom:name>مكتب التحرير</atom:name>\n      </at:by>",
			`<at:comment>سُحب المقال بطلب من المحرر &amp; &lt;مراجعة&gt;</at:comment>`,
			`<at:deleted-entry ref="tag:news.example,2025:politics/00" when="2025-03-08T08:00:00Z"></at:deleted-entry>`,
			`<lastBuildDate>Sun, 09 Mar 2025 11:00:00 +0000</lastBuildDate>`, // the withdrawal is the newest change
		}},
		{FormatAtom, []string{
			`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar" xmlns:fh="http://purl.org/syndication/history/1.0" xmlns:at="http://purl.org/atompub/tombstones/1.0">`,
			"<fh:archive></fh:archive>",
			`<id>https://news.example/feeds/politics.atom</id>`, // one logical feed: the current document's id
			`<link href="https://news.example/feeds/politics.atom" rel="current"></link>`,
			`<link href="https://news.example/feeds/politics/archive/2025-03-01.atom" rel="prev-archive"></link>`,
			`<link href="https://news.example/feeds/politics/archive/2025-03-15.atom" rel="next-archive"></link>`,
			`<at:deleted-entry ref="tag:news.example,2025:politics/0" when="2025-03-09T11:00:00Z">`,
			"<at:by>\n      <name>مكتب التحرير</name>\n    </at:by>",
			`<updated>2025-03-09T11:00:00Z</updated>`,
		}},
		{FormatJSON, []string{
			`"next_url":"https://news.example/feeds/politics/archive/2025-03-01.json"`,
			`"_newswire":{"archive":true,"current":"https://news.example/feeds/politics.json",` +
				`"prev_archive":"https://news.example/feeds/politics/archive/2025-03-01.json",` +
				`"next_archive":"https://news.example/feeds/politics/archive/2025-03-15.json",` +
				`"deleted":[{"id":"tag:news.example,2025:politics/0","when":"2025-03-09T11:00:00Z","comment":"سُحب المقال بطلب من المحرر & <مراجعة>","by":"مكتب التحرير"},` +
				`{"id":"tag:news.example,2025:politics/00","when":"2025-03-08T08:00:00Z"}]},"items":[`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fm.String(), func(t *testing.T) {
			got := string(render(t, archiveFeed(tt.fm), tt.fm))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %s", w)
				}
			}
			plain := string(render(t, smallFeed(tt.fm), tt.fm))
			for _, w := range []string{"xmlns:fh=", "xmlns:at=", "archive", "deleted", "next_url"} {
				if strings.Contains(plain, w) {
					t.Errorf("plain feed has %s", w)
				}
			}
		})
	}
}

// TestArchiveRoundTrip: Parse gives back the archive flag, the links and the
// tombstones in every format.
func TestArchiveRoundTrip(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			in := archiveFeed(fm)
			p, err := Parse(render(t, in, fm))
			if err != nil {
				t.Fatal(err)
			}
			if !p.Archive {
				t.Error("archive flag lost")
			}
			if want := in.Links[0].Href; p.Links[0].Href != want {
				t.Errorf("first link %v, want the hub", p.Links[0])
			}
			wantLinks := append([]Link{in.Links[0]}, in.Links[2:]...) // self is SelfURL
			if fmt.Sprint(p.Links) != fmt.Sprint(wantLinks) {
				t.Errorf("links\n got %v\nwant %v", p.Links, wantLinks)
			}
			if p.SelfURL != in.Links[1].Href {
				t.Errorf("self %q", p.SelfURL)
			}
			if len(p.Deleted) != len(in.Deleted) {
				t.Fatalf("tombstones %+v", p.Deleted)
			}
			for i, want := range in.Deleted {
				got := p.Deleted[i]
				if got.GUID != want.GUID || !got.When.Equal(want.When.Truncate(time.Second)) || got.Comment != want.Comment || got.By != want.By {
					t.Errorf("tombstone %d: %+v, want %+v", i, got, want)
				}
			}
			if len(p.Items) != 2 || p.Items[0].GUID != in.Items[0].GUID {
				t.Errorf("items %d", len(p.Items))
			}
		})
	}
}

// TestJSONNextURL: next_url is the link to older items, prev-archive first,
// and Parse tells a plain rel="next" apart.
func TestJSONNextURL(t *testing.T) {
	f := smallFeed(FormatJSON)
	f.Links = append(f.Links, Link{Rel: "next", Href: "https://news.example/feeds/politics.json?page=2"})
	data := render(t, f, FormatJSON)
	mustValidate(t, "next", data)
	if !bytes.Contains(data, []byte(`"next_url":"https://news.example/feeds/politics.json?page=2"`)) {
		t.Errorf("no next_url")
	}
	if bytes.Contains(data, []byte(`"_newswire":{"archive`)) {
		t.Errorf("feed extension without anything to say")
	}
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(f.Links); fmt.Sprint(p.Links) != want {
		t.Errorf("links %v, want %s", p.Links, want)
	}
}

func TestWriteRejectsBadTombstones(t *testing.T) {
	tests := []struct {
		name string
		t    Tombstone
		want error
	}{
		{"no guid", Tombstone{GUID: " \x01", When: time.Now()}, ErrNoGUID},
		{"no when", Tombstone{GUID: "tag:news.example,2025:x"}, ErrBadDate},
		{"year 10000", Tombstone{GUID: "tag:news.example,2025:x", When: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, ErrBadDate},
		{"still an item", Tombstone{GUID: "tag:news.example,2025:politics/2", When: time.Now()}, ErrDeletedAndPresent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, fm := range AllFormats() {
				f := smallFeed(fm)
				f.Deleted = []Tombstone{{GUID: "tag:news.example,2025:ok", When: time.Now()}, tt.t}
				err := Write(&bytes.Buffer{}, f, fm)
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "tombstone 2") {
					t.Errorf("%s: %v, want %v naming tombstone 2", fm, err, tt.want)
				}
			}
		})
	}
}

// TestCorrectionKeepsIDAndMovesUpdated: a corrected article is the same
// entry (same id, same published) with a later updated, in every format.
func TestCorrectionKeepsIDAndMovesUpdated(t *testing.T) {
	corrected := time.Date(2025, 3, 10, 9, 15, 0, 0, time.UTC)
	for _, fm := range AllFormats() {
		before := smallFeed(fm)
		after := smallFeed(fm)
		after.Items[0].Title += " (تصحيح)"
		after.Items[0].ContentHTML = "<p>نص مصحح.</p>"
		after.Items[0].Updated = corrected
		pb, err := Parse(render(t, before, fm))
		if err != nil {
			t.Fatal(err)
		}
		data := render(t, after, fm)
		mustValidate(t, fm.String(), data)
		pa, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		b, a := pb.Items[0], pa.Items[0]
		if a.GUID != b.GUID || !a.Published.Equal(b.Published) {
			t.Errorf("%s: correction changed identity: %q %v, was %q %v", fm, a.GUID, a.Published, b.GUID, b.Published)
		}
		if !a.Updated.Equal(corrected) || !a.Updated.After(b.Updated) || a.ContentHTML != "<p>نص مصحح.</p>" {
			t.Errorf("%s: updated %v (was %v), content %q", fm, a.Updated, b.Updated, a.ContentHTML)
		}
		if !pa.Updated.Equal(corrected) {
			t.Errorf("%s: feed updated %v, want the correction's time", fm, pa.Updated)
		}
	}
}
