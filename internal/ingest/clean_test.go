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
