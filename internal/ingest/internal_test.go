package ingest

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/internal/newsroom"
)

func TestRulesMatchWholeFoldedWords(t *testing.T) {
	m := newMatcher([]newsroom.Rule{
		{Match: "سياسة", Category: "politics"},
		{Match: "Politics", Category: "politics"},
		{Match: "الشرق الأوسط", Category: "mideast"},
		{Match: "oil", Category: "energy"},
	})
	for _, tc := range []struct {
		name  string
		terms []string
		title string
		want  []string
	}{
		{"term with diacritics", []string{"سِيَاسَة"}, "", []string{"politics"}},
		{"term with the article", []string{"السياسة"}, "", []string{"politics"}},
		{"title word", nil, "آخر أخبار السياسة اليوم", []string{"politics"}},
		{"English case", []string{"WORLD / POLITICS"}, "", []string{"politics"}},
		{"not inside a word", []string{"Geopolitics"}, "Toil and boil", nil},
		{"phrase with hamza variants", nil, "قمة في الشرق الاوسط", []string{"mideast"}},
		{"several rules, no repeats", []string{"Politics", "سياسة"}, "Oil prices", []string{"politics", "energy"}},
		{"tatweel", []string{"سيـــاسة"}, "", []string{"politics"}},
		{"word in quotes", nil, "«السياسة» في أسبوع", []string{"politics"}},
		{"word before a full stop", nil, "أسبوع في السياسة.", []string{"politics"}},
		{"nothing", []string{"رياضة"}, "مباراة", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := m.match(tc.terms, tc.title); !slices.Equal(got, tc.want) {
				t.Errorf("match(%q, %q) = %q, want %q", tc.terms, tc.title, got, tc.want)
			}
		})
	}
}

func TestPlainTitleDecodesEntitiesOnce(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"escaped ampersand", "Ports &amp; harbours", "Ports & harbours"},
		{"double escaped stays escaped once", "Use &amp;lt;b&amp;gt;", "Use &lt;b&gt;"},
		{"numeric entities", "&#1587;&#1604;&#1575;&#1605;", "سلام"},
		{"bare ampersand", "AT&T", "AT&T"},
		{"unknown entity kept", "Laughs &lol9;", "Laughs &lol9;"},
		{"markup and scripts dropped", `<script>alert(1)</script>Breaking <b>news</b>`, "Breaking news"},
		{"whitespace collapsed", "  الرئيس \n\t يلتقي  ", "الرئيس يلتقي"},
		{"control characters dropped", "a\x00b\x1bc", "abc"},
		{"bidi embedding dropped, marks kept", "\u202bعنوان\u202c \u200fx", "عنوان \u200fx"},
		{"less-than in text", "x < y", "x < y"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := plainTitle(tc.in); got != tc.want {
				t.Errorf("plainTitle(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// A title of megabytes (a body in the wrong field) is cut to a title's
// length at a word, so the item still fits a feed.
func TestPlainTitleBoundsLength(t *testing.T) {
	for _, in := range []string{strings.Repeat("كلمة ", 400_000), strings.Repeat("<b>word</b> ", 200_000)} {
		got := plainTitle(in)
		if n := utf8.RuneCountInString(got); n > maxTitleRunes || n < maxTitleRunes/2 || !strings.HasSuffix(got, "…") || strings.Contains(got, "<") {
			t.Errorf("%d-byte title: %d runes, %q…", len(in), n, prefix(got, 40))
		}
	}
}

func TestIntervalsAndBackoff(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		spec string
		want time.Duration
	}{
		{"@every 10m", 10 * time.Minute}, {"*/5 * * * *", 5 * time.Minute}, {"@hourly", time.Hour},
		{"CRON_TZ=Asia/Riyadh 0 9 * * *", 24 * time.Hour}, {"", DefaultInterval}, {"not a spec", DefaultInterval},
	} {
		if got := scheduleInterval(tc.spec, now); got != tc.want {
			t.Errorf("scheduleInterval(%q) = %v, want %v", tc.spec, got, tc.want)
		}
	}
	for _, tc := range []struct {
		every    time.Duration
		failures int
		want     time.Duration
	}{
		{10 * time.Minute, 1, 10 * time.Minute}, {10 * time.Minute, 2, 20 * time.Minute},
		{10 * time.Minute, 4, 80 * time.Minute}, {10 * time.Minute, 7, 6 * time.Hour},
		{10 * time.Minute, 1000, 6 * time.Hour}, {24 * time.Hour, 3, 24 * time.Hour},
	} {
		if got := backoff(tc.every, tc.failures, 6*time.Hour); got != tc.want {
			t.Errorf("backoff(%v, %d) = %v, want %v", tc.every, tc.failures, got, tc.want)
		}
	}
	if got := nextInterval(10*time.Minute, 30*time.Minute, 48*time.Hour, 24*time.Hour); got != 24*time.Hour {
		t.Errorf("nextInterval capped = %v", got)
	}
	if got := nextInterval(48*time.Hour, time.Hour, 0, 24*time.Hour); got != 48*time.Hour {
		t.Errorf("a long schedule is not shortened: %v", got)
	}

	last := now
	plain := newsroom.Source{Schedule: "@every 10m", LastAttempt: last, NextRun: last.Add(10 * time.Minute)}
	stretched := newsroom.Source{Schedule: "@every 10m", LastAttempt: last, NextRun: last.Add(30 * time.Minute)}
	short := newsroom.Source{Schedule: "@every 2s", LastAttempt: last, NextRun: last.Add(2 * time.Second)}
	for _, tc := range []struct {
		name   string
		src    newsroom.Source
		at     time.Duration
		others bool // the last attempt was another instance's
		want   bool
	}{
		{"never polled", newsroom.Source{}, 0, false, true},
		{"own schedule, tick a little early", plain, 10*time.Minute - 20*time.Second, false, true},
		{"own schedule, half an interval early", plain, 4 * time.Minute, false, false},
		{"another instance's tick, a little early", plain, 10*time.Minute - 20*time.Second, true, false},
		// A restarted instance's first tick: at the old offset, while the
		// last attempt started a moment after the tick that ran it.
		{"another instance's tick, a pass's start-up early", plain, 10*time.Minute - 2*time.Second, true, true},
		// With a short schedule the slack is a quarter of it: three
		// instances ticking every 2 s must not each find the source due.
		{"short schedule, another instance's tick half a period early", short, time.Second, true, false},
		{"short schedule, another instance's tick a moment early", short, 2*time.Second - 100*time.Millisecond, true, true},
		{"another instance's tick, at the next run", plain, 10 * time.Minute, true, true},
		{"stretched, previous tick", stretched, 20 * time.Minute, false, false},
		{"stretched, tick a little early", stretched, 30*time.Minute - 2*time.Second, false, true},
		{"stretched, another instance's tick a little early", stretched, 30*time.Minute - 2*time.Second, true, true},
		{"stretched, too early by a minute", stretched, 29 * time.Minute, false, false},
	} {
		if got := due(tc.src, last.Add(tc.at), !tc.others); got != tc.want {
			t.Errorf("%s: due = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestGUIDFor(t *testing.T) {
	g := GUIDFor("وكالة", "guid:x")
	if !strings.HasPrefix(g, "tag:newswire,2026:src/%D9%88%D9%83%D8%A7%D9%84%D8%A9/") || len(g) != len(GUIDPrefix)+len("%D9%88%D9%83%D8%A7%D9%84%D8%A9/")+40 {
		t.Errorf("GUIDFor = %q", g)
	}
	if GUIDFor("a", "guid:x") == GUIDFor("b", "guid:x") || GUIDFor("a", "guid:x") != GUIDFor("a", "guid:x") {
		t.Error("GUIDs are not namespaced by source or not stable")
	}
}

// FuzzBuild runs documents through gofeed and normalisation: no panics,
// and every item that comes out is publishable.
func FuzzBuild(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "upstream", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && !strings.HasSuffix(name, ".md") {
			f.Add(b)
		}
	}
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	p.KeepOriginalFeed = true
	base, _ := url.Parse("https://up.example/feed.xml")
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := p.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		src := &newsroom.Source{Name: "fuzz", URL: base.String(), Categories: []string{"world"},
			Rules: []newsroom.Rule{{Match: "سياسة", Category: "politics"}}}
		b := batch{src: src, feed: feed, raw: data, base: base, known: map[string]newsroom.KnownItem{}, now: now, maxNew: 60}
		for _, it := range b.build() {
			a := it.Article
			switch {
			case a.Title == "" || a.ContentHTML == "" || len(a.Categories) == 0 || a.URL == "":
				t.Errorf("unpublishable article %+v", a)
			case a.Published.IsZero() || a.Published.After(now) || a.Updated.After(now):
				t.Errorf("bad dates %v %v", a.Published, a.Updated)
			case strings.Contains(strings.ToLower(a.ContentHTML), "<script"):
				t.Errorf("script in %q", a.ContentHTML)
			}
		}
	})
}

// The declared language stands unless the text is clearly in another
// script; within a script, the declaration decides.
func TestItemLanguage(t *testing.T) {
	const (
		english = "The minister said the talks would resume next week in Geneva."
		arabic  = "قال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف."
		quoting = "قال Elon Musk إن شركة Tesla ستفتتح مصنعا جديدا في المنطقة."
	)
	for _, tc := range []struct{ declared, text, want string }{
		{"ar", english, "en"},
		{"AR-eg", english, "en"},
		{"en", arabic, "ar"},
		{"fr", english, "fr"}, // script cannot tell English from French
		{"fa", arabic, "fa"},  // nor Arabic from Persian
		{"ru", english, "en"}, // Latin text is not Russian
		{"sr-Latn", english, "sr-Latn"},
		{"ar", quoting, "ar"},
		{"ar", "", "ar"},
		{"ar", "2025 — 10:30", "ar"}, // no letters: nothing to go by
		{"", english, "en"},
		{"", arabic, "ar"},
	} {
		if got := itemLanguage(tc.declared, tc.text); got != tc.want {
			t.Errorf("itemLanguage(%q, %q) = %q, want %q", tc.declared, tc.text, got, tc.want)
		}
	}
}

// collapsedHasPrefix is strings.HasPrefix(collapse(s), p) for a collapsed
// p, whatever white space s has (Unicode spaces included) and wherever p
// ends: inside a word, on one, or past the end of s.
func TestCollapsedHasPrefixIsHasPrefixOfCollapse(t *testing.T) {
	bodies := []string{
		"", "  ", "word", " \t word  ", "a b", "a  b\n\nc",
		"\u00a0أعلنت\u2003الحكومة اليوم\u0085عن\r\nخطة  جديدة…",
		"The post <b>x</b> appeared first\ton Site.", "ab abc abcd", "a\u3000b",
	}
	for _, body := range bodies {
		c := collapse(body)
		var ps []string
		for i := range len(c) + 1 {
			if i == len(c) || utf8.RuneStart(c[i]) {
				ps = append(ps, strings.TrimSpace(c[:i]))
			}
		}
		ps = append(ps, c+" x", c+"x", "x", "a", "ab abd", "a c", "word s", "الحكومة")
		for _, p := range ps {
			p = collapse(p)
			if got, want := collapsedHasPrefix(body, p), strings.HasPrefix(c, p); got != want {
				t.Errorf("collapsedHasPrefix(%q, %q) = %v, want %v", body, p, got, want)
			}
		}
	}
}

// atomTextTypes lines up with gofeed's entries, or gives up: a title
// outside an entry, or an entry in another namespace, belongs to none.
func TestAtomTextTypes(t *testing.T) {
	const head = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><title type="html">Feed</title>`
	for _, tc := range []struct {
		name, doc string
		n         int
		want      []atomText // nil: cannot be lined up
	}{
		{"defaults are text", head + `<entry><title>a</title></entry><entry/></feed>`, 2,
			[]atomText{{title: true, summary: true}, {title: true, summary: true}}},
		{"types", head + `<entry><title type="html">a</title><summary type="xhtml"><div/></summary></entry>` +
			`<entry><title type="TEXT">b</title><summary type="text/plain">s</summary></entry>` +
			`<entry><title type="text/html">c</title><summary type="text/html" mode="escaped">s</summary></entry></feed>`, 3,
			[]atomText{{}, {title: true, summary: true}, {}}},
		{"atom 0.3 mode without type is not text", `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title mode="escaped">a</title><summary>s</summary></entry></feed>`, 1,
			[]atomText{{summary: true}}},
		{"titles outside entries and inside extensions are no entry's", head +
			`<x:meta><title type="html">m</title></x:meta><entry><author><name>n</name></author><x:title type="html">x</x:title><title>a</title></entry>` +
			`<x:entry><title type="html">e</title></x:entry></feed>`, 1,
			[]atomText{{title: true, summary: true}}},
		{"control characters are read past, as gofeed does", head + "<entry><title type=\"html\">a\x01</title></entry></feed>", 1,
			[]atomText{{summary: true}}},
		{"element children are markup, escaped entities text", head +
			`<entry><title>a <em>b</em></title><summary type="text">s <a href="u">l</a></summary></entry>` +
			`<entry><title>a &lt;b&gt;</title><summary><![CDATA[<p>s</p>]]></summary></entry>` +
			`<entry><title>a</title><x:extra>see <b>it</b></x:extra><summary>s</summary></entry></feed>`, 3,
			[]atomText{{}, {title: true, summary: true}, {title: true, summary: true}}},
		{"names in any case, as gofeed reads them", `<Feed xmlns=" http://www.w3.org/2005/Atom "><ENTRY><Title type="html">a</Title><SUMMARY>s <b>t</b></SUMMARY></ENTRY></Feed>`, 1,
			[]atomText{{}}},
		{"another count than gofeed's", head + `<entry/><entry/></feed>`, 3, nil},
		{"not atom", `<rss><channel><item><title>a</title></item></channel></rss>`, 1, nil},
		{"broken", head + `<entry><title>a</entry>`, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := atomTextTypes([]byte(tc.doc), tc.n); !slices.Equal(got, tc.want) {
				t.Errorf("atomTextTypes = %+v, want %+v", got, tc.want)
			}
		})
	}
}
