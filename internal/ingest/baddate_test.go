package ingest_test

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// badDatesRSS and badDatesAtom carry items whose dates no feed can carry
// (year 0000, year 10000, in UTC too) or that are no dates at all.
const badDatesRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link><description>d</description>
<item><title>Year zero</title><link>https://wire.example/1</link><guid>w-1</guid><pubDate>Sat, 01 Jun 0000 00:00:00 +0000</pubDate><description>Story one.</description></item>
<item><title>Year ten thousand</title><link>https://wire.example/2</link><guid>w-2</guid><pubDate>Mon, 01 Jan 10000 00:00:00 +0000</pubDate><description>Story two.</description></item>
<item><title>Garbage date</title><link>https://wire.example/3</link><guid>w-3</guid><pubDate>the day before yesterday-ish</pubDate><description>Story three.</description></item>
<item><title>Year zero in UTC</title><link>https://wire.example/4</link><guid>w-4</guid><pubDate>Mon, 01 Jan 0001 00:30:00 +0100</pubDate><description>Story four.</description></item>
</channel></rss>`

const badDatesAtom = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>tag:wire.example,2025:feed</id><updated>2025-03-01T00:00:00Z</updated>
<link href="https://wire.example/"/><author><name>Desk</name></author>
<entry><title>Atom year zero</title><id>tag:wire.example,2025:a1</id><link href="https://wire.example/a1"/><published>0000-06-01T00:00:00Z</published><updated>0000-06-01T00:00:00Z</updated><summary>Story five.</summary></entry>
<entry><title>Atom year ten thousand</title><id>tag:wire.example,2025:a2</id><link href="https://wire.example/a2"/><published>10000-01-01T00:00:00Z</published><updated>10000-01-01T00:00:00Z</updated><summary>Story six.</summary></entry>
<entry><title>Atom year ten thousand in UTC</title><id>tag:wire.example,2025:a3</id><link href="https://wire.example/a3"/><updated>9999-12-31T23:30:00-01:00</updated><summary>Story seven.</summary></entry>
<entry><title>Atom garbage</title><id>tag:wire.example,2025:a4</id><link href="https://wire.example/a4"/><updated>yesterday</updated><summary>Story eight.</summary></entry>
</feed>`

// An upstream date that no feed can carry never drops its item: the item
// is stored with a fallback date (clamped to now, or placed where it was
// first seen) that every format renders.
func TestUnusableUpstreamDatesFallBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.up.set("/rss", route{body: []byte(badDatesRSS)})
	e.up.set("/atom", route{body: []byte(badDatesAtom), contentType: "application/atom+xml"})
	e.addSource("rss", "/rss")
	e.addSource("atom", "/atom")
	if res := e.mustRun("rss"); res.New != 4 {
		t.Errorf("rss pass: %+v", res)
	}
	if res := e.mustRun("atom"); res.New != 4 {
		t.Errorf("atom pass: %+v", res)
	}
	stored := e.latest("world")
	if len(stored) != 8 {
		t.Fatalf("%d articles stored, want 8: %q", len(stored), titles(stored))
	}
	now := e.clock.Now()
	for _, a := range stored {
		if a.Published.IsZero() || a.Published.Year() < 1 || a.Published.After(now) || a.Updated.After(now) {
			t.Errorf("%q: published %v updated %v, want a fallback no later than %v", a.Title, a.Published, a.Updated, now)
		}
	}
	for fm, doc := range e.render("world") { // validates each format
		back, err := feeds.Parse(doc)
		if err != nil {
			t.Fatalf("%v: %v", fm, err)
		}
		if len(back.Items) != 8 {
			t.Errorf("%v: %d items, want 8", fm, len(back.Items))
		}
		if s := string(doc); strings.Contains(s, "0000-") || strings.Contains(s, " 0000 ") || strings.Contains(s, "10000") {
			t.Errorf("%v carries an unusable date:\n%s", fm, s)
		}
	}
}
