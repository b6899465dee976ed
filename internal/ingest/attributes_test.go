package ingest_test

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/ingest"
)

// hostileAttrsRSS puts script schemes and a broken-out type into every
// upstream field that could end up in an attribute or id of our feeds.
const hostileAttrsRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>
<item><title>Script guid</title><guid isPermaLink="true">javascript:alert(1)</guid><link>javascript:alert(2)</link>
  <description>Story one.</description>
  <enclosure url="https://wire.example/a.jpg" length="10" type="image/jpeg&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"/>
  <enclosure url="https://wire.example/b.jpg" length="20" type=" Image/PNG; charset=binary"/></item>
<item><title>Data guid</title><guid>data:text/html,&lt;script&gt;alert(4)&lt;/script&gt;</guid>
  <description>Story two.</description>
  <enclosure url="javascript:alert(5)" length="10" type="image/jpeg"/>
  <media:thumbnail url="vbscript:msgbox(6)"/></item>
</channel></rss>`

// Ingest publishes no upstream id as its own (every GUID is a tag: URI of
// ours), no link or image URL that is not http(s), and no image type that
// is not a well-formed image/* type.
func TestUpstreamAttributesArePublishedSafe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/rss", route{body: []byte(hostileAttrsRSS)})
	e.addSource("wire", "/rss")
	if res := e.mustRun("wire"); res.New != 2 {
		t.Fatalf("pass: %+v", res)
	}
	for _, a := range e.latest("world") {
		if !strings.HasPrefix(a.GUID, ingest.GUIDPrefix) {
			t.Errorf("%q: GUID %q is not ours", a.Title, a.GUID)
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "https://wire.example/") {
			t.Errorf("%q: url %q", a.Title, a.URL)
		}
	}
	if im := e.byTitle("Script guid").Image; im == nil || im.URL != "https://wire.example/b.jpg" || im.Type != "image/png" || im.Length != 20 {
		t.Errorf("image: %+v, want the second enclosure, its type canonical", im)
	}
	if im := e.byTitle("Data guid").Image; im != nil {
		t.Errorf("image from script URLs: %+v", im)
	}
	for fm, doc := range e.render("world") {
		back, err := feeds.Parse(doc)
		if err != nil {
			t.Fatalf("%v: %v", fm, err)
		}
		for _, it := range back.Items {
			for _, v := range []string{it.GUID, it.URL} {
				if containsFold(v, "script:") || containsFold(v, "data:") {
					t.Errorf("%v: %q published as %q", fm, it.Title, v)
				}
			}
			if it.Image != nil && (it.Image.Type != "" && it.Image.Type != "image/png" || !strings.HasPrefix(it.Image.URL, "https://")) {
				t.Errorf("%v: %q image %+v", fm, it.Title, it.Image)
			}
		}
	}
}

// An author "email" without an @ is no address: import and the admin API
// refuse one, and ingest, which cannot ask the upstream, keeps it as the
// author's name when there is no other, and never publishes it as an
// address (RSS author, Atom email, JSON Feed url-less author).
func TestUpstreamAuthorEmailsAreAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/atom", route{contentType: "application/atom+xml", body: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x:wire</id><updated>2025-03-01T10:00:00Z</updated><link href="https://wire.example/"/>
<entry><title>Named desk</title><id>urn:x:1</id><updated>2025-03-01T10:00:00Z</updated><link href="https://wire.example/1"/>
  <author><name>Newsdesk</name><email>newsdesk</email></author><content type="html">&lt;p&gt;Story one.&lt;/p&gt;</content></entry>
<entry><title>Nameless desk</title><id>urn:x:2</id><updated>2025-03-01T10:00:00Z</updated><link href="https://wire.example/2"/>
  <author><email>Foreign Desk</email></author><content type="html">&lt;p&gt;Story two.&lt;/p&gt;</content></entry>
<entry><title>Real address</title><id>urn:x:3</id><updated>2025-03-01T10:00:00Z</updated><link href="https://wire.example/3"/>
  <author><name>Sara</name><email>sara@wire.example</email></author><content type="html">&lt;p&gt;Story three.&lt;/p&gt;</content></entry>
</feed>`)})
	e.addSource("wire", "/atom")
	if res := e.mustRun("wire"); res.New != 3 {
		t.Fatalf("pass: %+v", res)
	}
	for title, want := range map[string]feeds.Person{
		"Named desk":    {Name: "Newsdesk"},
		"Nameless desk": {Name: "Foreign Desk"},
		"Real address":  {Name: "Sara", Email: "sara@wire.example"},
	} {
		if got := e.byTitle(title).Authors; len(got) != 1 || got[0] != want {
			t.Errorf("%s: authors %+v, want %+v", title, got, want)
		}
	}
}
