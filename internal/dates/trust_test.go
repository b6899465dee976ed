package dates

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

func TestTrustGofeed(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"Sun, 09 Mar 2025 17:05:00 +0300", true},
		{"Sun, 09 Mar 2025 14:05:00 GMT", true},
		{"Sun, 9 Mar 2025 09:05:00 EST", true},
		{"Sun, 09 Mar 2025 07:05:00 PDT", true},
		{"Sun, 09 Mar 2025 16:05:00 EET", true},
		{"2025-03-09T14:05:00Z", true},
		{"2025-03-09T17:05:00+03:00", true},
		{"2025-03-09 17:05:00 +0300", true},
		{"Sun, 09 Mar 2025 17:05:00 GMT+3", false}, // gofeed: UTC, 3 h off
		{"Sun, 09 Mar 2025 17:05:00 UTC+03:00", false},
		{"Sun, 09 Mar 2025 17:05:00 AST", false}, // gofeed: UTC, 3 h off
		{"Sun, 09 Mar 2025 18:05:00 GST", false}, // gofeed: UTC
		{"Sun, 09 Mar 2025 17:05:00 MSK", false}, // gofeed: UTC
		{"Sun, 09 Mar 2025 14:05:00", false},     // no zone: the source's zone applies
		{"2025-03-09T14:05:00", false},           // same
		{"2025-03-09", false},                    // same
		{"09/03/2025 14:05:00 GMT", false},       // gofeed may read 3 September
		{"03/09/2025 14:05 +0300", false},        // same ambiguity
		{"Sun, 09 Mar 25 14:05:00 GMT", false},   // two-digit year: let Parse decide
		{"Sun, 2 Mar 14:05:00 GMT", false},       // no year: gofeed yields year 0
		{"27 أيلول 2020 14:30 GMT", false},       // Arabic
		{"١٤:٠٥ 2025-03-09 +0300", false},        // Arabic digits
		{"2025-03-09 -0500", false},              // offset not after a time
		{"Sun, 09 Mar 2025 17:05:00 XYZ", false}, // unknown zone
		{"Sun, 09 Mar 2025 17:05:00 (AST)", false},
		{"1741528800", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := TrustGofeed(tt.in); got != tt.want {
			t.Errorf("TrustGofeed(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// gofeedDates parses one RSS document whose items carry the given pubDates
// and returns what gofeed made of each (nil when it could not parse it).
func gofeedDates(t *testing.T, raws []string) []*time.Time {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://news.example/</link><description>d</description>`)
	for i, raw := range raws {
		fmt.Fprintf(&b, "<item><guid>%d</guid><title>x</title><pubDate>%s</pubDate></item>", i, html.EscapeString(raw))
	}
	b.WriteString(`</channel></rss>`)
	feed, err := gofeed.NewParser().ParseString(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Items) != len(raws) {
		t.Fatalf("gofeed returned %d items, want %d", len(feed.Items), len(raws))
	}
	out := make([]*time.Time, len(raws))
	for i, it := range feed.Items {
		out[i] = it.PublishedParsed
	}
	return out
}

// TestTrustGofeedAgreesWithGofeed runs gofeed itself over every string of the
// parse table: wherever TrustGofeed says yes, gofeed's result must be ours.
// It also shows that the gaps TrustGofeed guards against are real; if one of
// those checks fails after a gofeed upgrade, the gap may be closed: revisit
// TrustGofeed and LIBRARIES.md.
func TestTrustGofeedAgreesWithGofeed(t *testing.T) {
	var raws []string
	var wants []time.Time
	for _, c := range parseCases {
		raws = append(raws, c.in)
		wants = append(wants, c.want)
	}
	got := gofeedDates(t, raws)
	trusted := 0
	for i, raw := range raws {
		if !TrustGofeed(raw) {
			continue
		}
		trusted++
		if got[i] == nil {
			t.Logf("gofeed could not parse trusted %q (harmless: ingest falls back to Parse)", raw)
			continue
		}
		if !got[i].Equal(wants[i]) {
			t.Errorf("TrustGofeed(%q) = true, but gofeed reads %v, want %v", raw, got[i].UTC(), wants[i])
		}
	}
	if trusted < 20 {
		t.Errorf("only %d table strings trusted; the comparison proves little", trusted)
	}

	gaps := []struct{ raw, why string }{
		{"Sun, 09 Mar 2025 17:05:00 AST", "AST read as UTC"},
		{"Sun, 09 Mar 2025 18:05:00 GST", "GST read as UTC"},
		{"09/03/2025 14:05:00 GMT", "month-first numeric date"},
		{"Sun, 09 Mar 2025 17:05:00 GMT+3", "GMT+3 read as GMT"},
		{"Sun, 09 Mar 2025 09:05:00 GMT-5", "GMT-5 read as GMT"},
	}
	raws = raws[:0]
	for _, g := range gaps {
		raws = append(raws, g.raw)
	}
	got = gofeedDates(t, raws)
	for i, g := range gaps {
		want, err := Parse(g.raw, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if TrustGofeed(g.raw) {
			t.Errorf("TrustGofeed(%q) = true, want false (%s)", g.raw, g.why)
		}
		if got[i] != nil && got[i].Equal(want) {
			t.Errorf("gofeed now reads %q right (%s was its gap): revisit TrustGofeed", g.raw, g.why)
		}
	}
}

func BenchmarkTrustGofeed(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		TrustGofeed("Sun, 09 Mar 2025 17:05:00 +0300")
	}
}
