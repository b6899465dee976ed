package ingest_test

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/ingest"
)

// With the cleaning step of internal/content plugged in, upstream
// boilerplate never reaches a feed and a boilerplate-only item is dropped.
func TestUpstreamBoilerplateIsCleaned(t *testing.T) {
	t.Parallel()
	cleaner := content.New(content.Options{})
	e := newEnv(t, func(o *ingest.Options) {
		o.Clean = cleaner.Clean
	})
	e.up.file(t, "/seo", "boilerplate.rss")
	e.addSource("seo", "/seo")
	res := e.mustRun("seo")
	if res.New != 1 || res.Dropped != 1 {
		t.Errorf("pass = %+v, want 1 new, 1 dropped", res)
	}
	a := e.byTitle("روسيا ترفض مساعدة أرمينيا ضد أذربيجان")
	for _, gone := range []string{"محركات البحث", "أسئلة شائعة", "مواضيع ذات صلة", "س: ما أهمية"} {
		if strings.Contains(a.ContentHTML, gone) || strings.Contains(a.Summary, gone) {
			t.Errorf("boilerplate %q published:\n%s", gone, a.ContentHTML)
		}
	}
	if !strings.Contains(a.ContentHTML, "وجدد البيان الدعوة") {
		t.Errorf("story text lost:\n%s", a.ContentHTML)
	}
	if len(a.Related) != 2 || a.Related[0].Title != "وفاة طفلة نهشتها كلاب ضالة في الجزائر" {
		t.Errorf("related = %+v", a.Related)
	}
	e.render("world")
}

// An explainer written as a FAQ is story, not a generic SEO FAQ: stored
// whole, whether the FAQ is all of the item or follows its lead, in
// English and Arabic (where the title says الضرائب and the questions
// الضريبة). The generic FAQ of boilerplate.rss still goes (above).
func TestUpstreamFAQExplainerIsStored(t *testing.T) {
	t.Parallel()
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><link>https://x.example/</link><description>d</description><language>en</language>
<item><title>Your questions about the new tax law, answered</title><link>https://x.example/a</link><guid>a</guid><pubDate>Mon, 03 Mar 2025 10:00:00 GMT</pubDate><content:encoded><![CDATA[<h2>FAQ</h2><p>Q: When does it take effect?</p><p>A: On January 1 next year, for every household.</p><p>Q: Who pays more?</p><p>A: Families earning over 200,000 dollars a year.</p>]]></content:encoded></item>
<item><title>New tax law: what changes</title><link>https://x.example/b</link><guid>b</guid><pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate><content:encoded><![CDATA[<p>Parliament passed the new tax law on Monday by a narrow margin.</p><h2>Frequently asked questions</h2><p>Q: When does it take effect?</p><p>A: On January 1 next year, for every household.</p><p>Q: Who pays more?</p><p>A: Families earning over 200,000 dollars a year.</p>]]></content:encoded></item>
<item><title>أسئلتكم عن قانون الضرائب الجديد</title><link>https://x.example/c</link><guid>c</guid><language>ar</language><pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate><content:encoded><![CDATA[<h2>أسئلة شائعة</h2><p>س: من يدفع الضريبة الجديدة؟</p><p>ج: الأسر ذات الدخل المرتفع وحدها.</p><p>س: هل تشمل الضريبة المتقاعدين؟</p><p>ج: لا، يعفى المتقاعدون منها.</p>]]></content:encoded></item>
</channel></rss>`
	e := newEnv(t, withCleaner)
	e.up.set("/f", route{body: []byte(doc)})
	e.addSource("src", "/f")
	if res := e.mustRun("src"); res.New != 3 || res.Dropped != 0 {
		t.Fatalf("pass = %+v: an item was dropped as boilerplate", res)
	}
	for title, keep := range map[string][]string{
		"Your questions about the new tax law, answered": {"FAQ", "January 1", "200,000 dollars"},
		"New tax law: what changes":                      {"Parliament passed", "Frequently asked questions", "January 1", "200,000 dollars"},
		"أسئلتكم عن قانون الضرائب الجديد":                {"أسئلة شائعة", "الأسر ذات الدخل المرتفع", "يعفى المتقاعدون"},
	} {
		a := e.byTitle(title)
		for _, k := range keep {
			if !strings.Contains(a.ContentHTML, k) {
				t.Errorf("%q lost %q:\n%s", title, k, a.ContentHTML)
			}
		}
	}
}
