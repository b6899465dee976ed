package ingest_test

import (
	"bytes"
	"html"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/clean"
	"github.com/newswire/newswire/internal/ingest"
)

// withCleaner plugs internal/clean's cleaning step in, as newswire does.
func withCleaner(o *ingest.Options) {
	cleaner := clean.New(clean.Options{})
	o.Clean = func(a *feeds.Article) error { _, err := cleaner.Article(a); return err }
}

// renderedItems renders the category in every format and reads each back
// with gofeed: format -> item title -> item.
func (e *env) renderedItems(cat string) map[feeds.Format]map[string]*gofeed.Item {
	e.t.Helper()
	out := make(map[feeds.Format]map[string]*gofeed.Item)
	for fm, doc := range e.render(cat) {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
		if err != nil {
			e.t.Fatalf("%v feed does not parse: %v", fm, err)
		}
		out[fm] = make(map[string]*gofeed.Item)
		for _, it := range f.Items {
			if fm == feeds.FormatRSS {
				// RSS <description> is HTML to readers: compare what they show.
				it.Description = html.UnescapeString(it.Description)
			}
			out[fm][it.Title] = it
		}
	}
	return out
}

// An upstream summary is published cleaned by the rules of the body: one
// that is only the start of the body (the body again, a flattened copy, an
// excerpt) gives way to a summary made from the cleaned body; one of its
// own loses the boilerplate after it; an item with only a description has
// it cleaned as its body and its summary made from that. The story text
// stays, in RSS <description>, Atom <summary> and JSON summary alike.
func TestUpstreamSummariesArePublishedCleaned(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCleaner)
	e.up.file(t, "/ar", "summaries-ar.rss")
	e.up.file(t, "/en", "summaries-en.rss")
	e.addSource("ar", "/ar")
	e.addSource("en", "/en")
	e.mustRun("ar")
	e.mustRun("en")

	arGone := []string{"اقرأ أيضا", "ارتفاع أسعار الوقود", "أسئلة شائعة", "س:", "ج:", "يوفر معلومات", "مواضيع ذات صلة", "تراجع التضخم"}
	enGone := []string{"Related", "Storm closes", "Mayor faces", "Share", "Facebook", "Twitter", "Frequently", "Q:", "valuable", "[…]"}
	for _, tc := range []struct {
		title string
		keep  []string // story text the summary must keep
		gone  []string
	}{
		{"افتتاح جسر جديد فوق النيل", []string{"افتتح رئيس الوزراء صباح اليوم جسرا جديدا فوق نهر النيل", "وقال الوزير إن الجسر سيخفف الزحام."}, arGone},
		{"هطول أمطار غزيرة على الساحل", []string{"هطلت أمطار غزيرة على المدن الساحلية", "ودعت هيئة الأرصاد السكان إلى الحذر."}, arGone},
		{"البنك المركزي يثبت سعر الفائدة", []string{"قرر البنك المركزي الإبقاء على سعر الفائدة دون تغيير للمرة الثالثة."}, arGone},
		{"Harbour reopens after the storm", []string{"The city harbour reopened on Sunday after three days of closure.", "Ferries resumed their usual timetable."}, enGone},
		{"Council approves the new budget", []string{"The council approved next year's budget by a narrow majority on Thursday evening after a long debate."}, enGone},
		{"Museum returns stolen paintings", []string{"Two paintings stolen in 1990 were handed back to the museum on Monday.", "Police found them in a private collection."}, enGone},
		{"Rail strike called off", []string{"Unions and the rail operator reached a last-minute pay deal."}, enGone},
	} {
		for fm, items := range e.renderedItems("world") {
			it := items[tc.title]
			if it == nil {
				t.Errorf("%v: no item %q", fm, tc.title)
				continue
			}
			for _, s := range tc.keep {
				if !strings.Contains(it.Description, s) {
					t.Errorf("%v %q: summary lost story text %q: %q", fm, tc.title, s, it.Description)
				}
			}
			for _, s := range tc.gone {
				if strings.Contains(it.Description, s) {
					t.Errorf("%v %q: summary publishes boilerplate %q: %q", fm, tc.title, s, it.Description)
				}
				if strings.Contains(clean.HTMLToText(it.Content), s) {
					t.Errorf("%v %q: body publishes boilerplate %q", fm, tc.title, s)
				}
			}
		}
	}
}

// Boilerplate that shares a paragraph of the upstream summary with its
// story is cut as it is in a body: share text after the last full stop,
// "Read more:" links after <br>, an "اقرأ أيضا:" line of a plain-text
// description. Every word of the story stays, entities read as text, and
// excerpts of the body give way to the cleaned body's summary.
func TestSummaryBoilerplateInsideAParagraphIsCut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCleaner)
	e.up.file(t, "/f", "summaries-inline.rss")
	e.addSource("inline", "/f")
	e.mustRun("inline")

	gone := []string{"Share", "Facebook", "Twitter", "Read more", "Rail strike called off", "See also", "Bus fares",
		"اقرأ أيضا", "إلغاء إضراب السكك الحديدية", "Related", "...", "[…]", "&amp;", "&lt;"}
	for _, tc := range []struct{ title, summary string }{
		{"Port strike ends with a pay deal", "Dock workers ended their nine-day strike after a 7 per cent pay deal."},
		{"Halden dock workers go back", "Dock workers ended their nine-day strike."},
		{"انتهاء إضراب عمال الميناء", "أنهى عمال الميناء إضرابهم بعد اتفاق على زيادة الأجور."},
		{"Phone firms and a quiz", "AT&T & O'Brien say 5 < 6 and <script> is text"},
		{"Port of Halden reopens", "The port of Halden reopened on Monday morning after dock workers accepted a pay rise."},
		{"Halden reopens after the strike", "The port of Halden reopened on Monday morning after dock workers accepted a pay rise."},
		{"Ships wait off Halden", "The port of Halden reopened on Monday morning. Sixty ships wait offshore."},
		{"Who pays for the port deal", "Q: Who pays for the pay rise? A: The port authority, from its reserves."},
	} {
		for fm, items := range e.renderedItems("world") {
			it := items[tc.title]
			if it == nil {
				t.Errorf("%v: no item %q", fm, tc.title)
				continue
			}
			if it.Description != tc.summary {
				t.Errorf("%v %q: summary %q, want %q", fm, tc.title, it.Description, tc.summary)
			}
			for _, s := range gone {
				if strings.Contains(tc.summary, s) {
					continue
				}
				if strings.Contains(it.Description, s) {
					t.Errorf("%v %q: summary publishes %q: %q", fm, tc.title, s, it.Description)
				}
			}
		}
	}
}

// The footer WordPress (Yoast SEO) appends to every item, "The post <a>X</a>
// appeared first on <a>Site</a>." (in Arabic "ظهرت المقالة … أولاً على …"),
// is cut from the body and from the summary, where it is a paragraph of
// its own; a story sentence that says "appeared first on" stays.
func TestWordPressFooterIsNotPublished(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCleaner)
	e.up.file(t, "/wp", "wordpress-footer.rss")
	e.addSource("wp", "/wp")
	e.mustRun("wp")

	for _, tc := range []struct {
		title      string
		keep, gone []string
	}{
		{"Council approves bike lanes on Main Street", []string{"The city council voted 7-2 on Tuesday night"}, []string{"appeared first on", "City News Daily", "[…]"}},
		{"Library extends weekend hours", []string{"The central library will open on Sundays from April"}, []string{"appeared first on", "City News Daily"}},
		{"افتتاح سوق شعبي جديد وسط المدينة", []string{"افتتحت البلدية صباح اليوم سوقا شعبيا جديدا"}, []string{"ظهرت المقالة", "أولاً على", "أخبار المدينة"}},
		{"Fake flood warning traced to one account", []string{"The post warning that the river dam had failed appeared first on Chirp at 6 a.m. and was shared 40,000 times."}, nil},
	} {
		for fm, items := range e.renderedItems("world") {
			it := items[tc.title]
			if it == nil {
				t.Errorf("%v: no item %q", fm, tc.title)
				continue
			}
			body := clean.HTMLToText(it.Content)
			for _, s := range tc.keep {
				if !strings.Contains(it.Description, s) {
					t.Errorf("%v %q: summary lost story text %q: %q", fm, tc.title, s, it.Description)
				}
				if !strings.Contains(body, s) {
					t.Errorf("%v %q: body lost story text %q: %q", fm, tc.title, s, body)
				}
			}
			for _, s := range tc.gone {
				if strings.Contains(it.Description, s) {
					t.Errorf("%v %q: summary publishes the footer %q: %q", fm, tc.title, s, it.Description)
				}
				if strings.Contains(body, s) {
					t.Errorf("%v %q: body publishes the footer %q: %q", fm, tc.title, s, body)
				}
			}
		}
	}
	// The story's own sentence, in the body.
	for fm, items := range e.renderedItems("world") {
		if it := items["Fake flood warning traced to one account"]; it != nil &&
			!strings.Contains(clean.HTMLToText(it.Content), "Police said the same message appeared first on a messaging channel abroad a week earlier.") {
			t.Errorf("%v: story sentence lost: %q", fm, it.Content)
		}
	}
}
