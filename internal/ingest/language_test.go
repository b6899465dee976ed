package ingest_test

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// publishedItem is what a rendered feed says of one item's language.
type publishedItem struct {
	lang, content string
}

// publishedLanguages reads each format's per-item language and body back
// from the rendered documents (gofeed does not read xml:lang on entries or
// a JSON item's language): format -> title -> item.
func publishedLanguages(t *testing.T, docs map[feeds.Format][]byte) map[feeds.Format]map[string]publishedItem {
	t.Helper()
	out := make(map[feeds.Format]map[string]publishedItem)
	for fm, doc := range docs {
		items := make(map[string]publishedItem)
		switch fm {
		case feeds.FormatRSS:
			var d struct {
				Items []struct {
					Title   string `xml:"title"`
					Lang    string `xml:"http://purl.org/dc/elements/1.1/ language"`
					Content string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				} `xml:"channel>item"`
			}
			if err := xml.Unmarshal(doc, &d); err != nil {
				t.Fatal(err)
			}
			for _, it := range d.Items {
				items[it.Title] = publishedItem{it.Lang, it.Content}
			}
		case feeds.FormatAtom:
			var d struct {
				Entries []struct {
					Title   string `xml:"title"`
					Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
					Content string `xml:"content"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(doc, &d); err != nil {
				t.Fatal(err)
			}
			for _, it := range d.Entries {
				items[it.Title] = publishedItem{it.Lang, it.Content}
			}
		case feeds.FormatJSON:
			var d struct {
				Items []struct {
					Title    string `json:"title"`
					Language string `json:"language"`
					Content  string `json:"content_html"`
				} `json:"items"`
			}
			if err := json.Unmarshal(doc, &d); err != nil {
				t.Fatal(err)
			}
			for _, it := range d.Items {
				items[it.Title] = publishedItem{it.Language, it.Content}
			}
		}
		out[fm] = items
	}
	return out
}

// A channel's language is a default for its items: an item whose text is
// clearly in another script is published in the language of its text, in
// every format, with a body marked right to left only when it is. An
// item's own dc:language that its text contradicts gives way the same way;
// an Arabic story quoting English names, or an English one quoting Arabic,
// keeps its language.
func TestItemLanguageFollowsItsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCleaner)
	e.up.file(t, "/ar", "mixed-ar.rss")
	e.up.file(t, "/en", "mixed-en.rss")
	e.addSource("ar", "/ar")
	e.addSource("en", "/en")
	e.mustRun("ar")
	e.mustRun("en")

	want := map[string]string{
		"Oil prices rise after OPEC meeting":        "en",
		"Central bank governor speaks to reporters": "en",
		"Tesla تفتتح مصنعا جديدا في المنطقة":        "ar",
		"افتتاح معرض الكتاب الدولي":                 "ar",
		"وزير الخارجية يزور عمان":                   "ar",
		"Festival opens with a greeting in Arabic":  "en-GB",
		"Library extends its opening hours":         "en-GB",
	}
	for title, lang := range want {
		if a := e.byTitle(title); a.Language != lang {
			t.Errorf("%q stored as %q, want %q", title, a.Language, lang)
		}
	}
	for fm, items := range publishedLanguages(t, e.render("world")) {
		for title, lang := range want {
			it, ok := items[title]
			switch {
			case !ok:
				t.Errorf("%v: no item %q", fm, title)
			case it.lang != lang:
				t.Errorf("%v: %q published as %q, want %q", fm, title, it.lang, lang)
			case strings.Contains(it.content, `dir="rtl"`) != (lang == "ar"):
				t.Errorf("%v: %q (%s) body direction wrong: %s", fm, title, lang, it.content)
			}
		}
	}
}

// An upstream language spelled as a locale ("ar_SA") or with a withdrawn
// code ("IW") is published as BCP 47 writes it ("ar-SA", "he"): the tag
// goes into lang attributes, and the direction of the body, the summary
// and the pages is read from its primary subtag.
func TestDeclaredLanguageIsPublishedAsABCP47Tag(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withCleaner)
	feed := func(lang, title, text string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>L</title>` +
			`<link>https://lang.example/</link><description>x</description><language>` + lang + `</language>` +
			`<item><title>` + title + `</title><link>https://lang.example/` + lang + `</link><guid>` + lang + `</guid>` +
			`<description>` + text + `</description></item></channel></rss>`)
	}
	for _, tc := range []struct{ declared, title, text, want string }{
		{"ar_SA", "افتتاح جسر جديد", "افتتح رئيس الوزراء جسرا جديدا فوق النهر صباح اليوم.", "ar-SA"},
		{"AR", "هطول أمطار", "هطلت أمطار غزيرة على المدن الساحلية.", "ar"},
		{"IW", "חדשות מירושלים", "זהו דיווח קצר מירושלים.", "he"},
		{"en_GB", "Harbour reopens", "The harbour reopened on Sunday.", "en-GB"},
	} {
		e.up.set("/"+tc.declared, route{body: feed(tc.declared, tc.title, tc.text)})
		e.addSource(strings.ToLower(tc.declared), "/"+tc.declared)
		e.mustRun(strings.ToLower(tc.declared))
		a := e.byTitle(tc.title)
		if a == nil {
			t.Fatalf("%s: no article %q", tc.declared, tc.title)
		}
		if a.Language != tc.want {
			t.Errorf("<language>%s</language>: published as %q, want %q", tc.declared, a.Language, tc.want)
		}
		if strings.Contains(a.ContentHTML, `lang="`+tc.declared+`"`) {
			t.Errorf("<language>%s</language>: body keeps lang=%q: %s", tc.declared, tc.declared, a.ContentHTML)
		}
	}
}
