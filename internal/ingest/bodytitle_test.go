package ingest_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/newsroom"
)

// untitledRSS is an RSS 2.0 document of items without a <title> (valid
// RSS; microblog and Telegram bridges send them), one per body, linked
// under base.
func untitledRSS(base string, bodies ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><link>https://x.example/</link><description>d</description>`)
	for i, body := range bodies {
		fmt.Fprintf(&b, `<item><link>%s/%d</link><guid>%s/%d</guid><pubDate>Mon, 03 Mar 2025 %02d:00:00 GMT</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>`,
			base, i, base, i, 10-i, body)
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// A title made from the body of an item that has none is made from the
// cleaned body: boilerplate cut from the body is not published in the title.
func TestTitleMadeFromTheBodyIsMadeFromTheCleanedBody(t *testing.T) {
	t.Parallel()
	cases := []struct{ body, boilerplate, start string }{
		{`<p>Share on Facebook | Twitter | WhatsApp</p><p>The city council approved the new budget on Monday after a long debate over school funding.</p>`,
			"Facebook", "The city council approved"},
		{`<p>Share this: Facebook, Twitter, LinkedIn</p><p>Floods closed the coastal road for a second day as rain kept falling on the region.</p>`,
			"LinkedIn", "Floods closed the coastal road"},
		{`<p>شارك: فيسبوك | تويتر | واتساب</p><p>افتتح الوزير اليوم الميناء الجديد في المدينة بعد سنوات من العمل والانتظار.</p>`,
			"فيسبوك", "افتتح الوزير اليوم"},
		{`<p>Read more: <a href="https://x.example/other">Budget talks stall</a></p><p>Teachers in the capital walked out on Tuesday over unpaid wages and crowded classrooms.</p>`,
			"Budget talks", "Teachers in the capital"},
	}
	var bodies []string
	for _, c := range cases {
		bodies = append(bodies, c.body)
	}
	e := newEnv(t, withCleaner)
	e.up.set("/f", route{body: untitledRSS("https://x.example/s", bodies...)})
	e.addSource("src", "/f")
	e.mustRun("src")
	as := e.latest("")
	if len(as) != len(cases) {
		t.Fatalf("%d articles %q, want %d", len(as), titles(as), len(cases))
	}
	for _, c := range cases {
		var found bool
		for _, a := range as {
			if !strings.Contains(a.ContentHTML, c.start) {
				continue
			}
			found = true
			if strings.Contains(a.ContentHTML, c.boilerplate) {
				t.Errorf("the cleaner kept %q in the body, so this case tests nothing: %q", c.boilerplate, a.ContentHTML)
			}
			if strings.Contains(a.Title, c.boilerplate) || !strings.HasPrefix(a.Title, c.start) {
				t.Errorf("title %q, want it to start with %q (body %q)", a.Title, c.start, a.ContentHTML)
			}
		}
		if !found {
			t.Errorf("no article holds %q: %q", c.start, titles(as))
		}
	}
}

// What rests on a title made from the body rests on the cleaned one: the
// rules' title keywords (a share bar's "WhatsApp" files nothing under
// tech, the story's "council" still files it under local) and the key
// that finds the same story from another source.
func TestWhatRestsOnATitleMadeFromTheBodyUsesTheCleanedBody(t *testing.T) {
	t.Parallel()
	const (
		share = `<p>Share on Facebook | Twitter | WhatsApp</p>`
		story = `<p>The city council approved the new budget on Monday after a long debate over school funding.</p>`
	)
	e := newEnv(t, withCleaner)
	e.up.set("/a", route{body: untitledRSS("https://a.example/s", share+story)})
	e.up.set("/b", route{body: untitledRSS("https://b.example/s", story)})
	e.addSource("wire-a", "/a", func(s *newsroom.Source) {
		s.Rules = []newsroom.Rule{{Match: "WhatsApp", Category: "tech"}, {Match: "council", Category: "local"}}
	})
	e.addSource("wire-b", "/b")
	e.mustRun("wire-a")
	if as := e.latest(""); len(as) != 1 {
		t.Fatalf("wire-a's articles %q, want 1", titles(as))
	} else if !slices.Equal(as[0].Categories, []string{"local"}) {
		t.Errorf("%q under %q, want [local] (the story's keyword)", as[0].Title, as[0].Categories)
	}
	if res := e.mustRun("wire-b"); res.New != 0 || res.Updated != 1 {
		t.Errorf("wire-b pass %+v: want its copy of the story merged into wire-a's", res)
	}
	if as := e.latest(""); len(as) != 1 {
		t.Errorf("%d articles %q, want the story once", len(as), titles(as))
	}
}
