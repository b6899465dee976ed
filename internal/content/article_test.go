package content

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/feeds"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/clean")

const fixtureDir = "../../testdata/clean"

// loadFixture reads a fixture of testdata/clean into an article. An .html
// fixture may open with a comment of "key: value" lines (title, url,
// language, summary); the rest is the body. A .txt fixture is a plain-text
// article: the first line is the title, every other non-empty line a
// paragraph, rendered as the importer does.
func loadFixture(tb testing.TB, path string) *feeds.Article {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s := string(raw)
	a := &feeds.Article{}
	if strings.HasSuffix(path, ".txt") {
		lines := strings.Split(s, "\n")
		a.Title = strings.TrimSpace(lines[0])
		a.ContentHTML = TextToHTML(lines[1:])
		return a
	}
	if rest, ok := strings.CutPrefix(s, "<!--\n"); ok {
		head, body, ok := strings.Cut(rest, "-->\n")
		if !ok {
			tb.Fatalf("%s: header comment not closed", path)
		}
		for _, l := range strings.Split(strings.TrimSpace(head), "\n") {
			k, v, _ := strings.Cut(l, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "title":
				a.Title = v
			case "url":
				a.URL = v
			case "language":
				a.Language = v
			case "summary":
				a.Summary = v
			default:
				tb.Fatalf("%s: unknown header key %q", path, k)
			}
		}
		s = body
	}
	a.ContentHTML = s
	return a
}

// golden renders what cleaning did for a reviewer: the cleaned body, then
// in a comment the fields it set and the report.
func golden(a *feeds.Article, r Report, err error) string {
	var b strings.Builder
	if err == nil {
		b.WriteString(a.ContentHTML)
		b.WriteString("\n")
	}
	b.WriteString("<!--\n")
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	fmt.Fprintf(&b, "title: %s\nlanguage: %s\nsummary: %s\n", a.Title, a.Language, a.Summary)
	for _, rel := range a.Related {
		fmt.Fprintf(&b, "related: %s", rel.Title)
		if rel.URL != "" {
			fmt.Fprintf(&b, " <%s>", rel.URL)
		}
		b.WriteString("\n")
	}
	b.WriteString(r.String())
	b.WriteString("-->\n")
	return b.String()
}

// fixtureCase says what must hold for one fixture, beyond its golden.
type fixtureCase struct {
	file    string
	empty   bool
	lang    string
	related []feeds.Related
	keep    []string // in the cleaned body
	drop    []string // in neither the cleaned body nor the summary
	kinds   map[CutKind]int
}

var fixtureCases = []fixtureCase{
	{
		file: "ar_interview.txt", lang: "ar",
		keep:  []string{"س: متى يلمس المواطنون", "ج: الجفاف. إذا تأخرت الأمطار", "ج: لا زيادة على الأسر هذا العام."},
		drop:  []string{"الأسئلة الشائعة", "ما أهمية هذا المقال", "متابعة موقعنا"},
		kinds: map[CutKind]int{CutHeading: 1, CutQA: 4},
	},
	{
		file: "en_interview.html", lang: "en",
		keep:  []string{"<strong>Q:</strong> How many of the eleven bridges", "Trains should run again next spring"},
		drop:  []string{"Share this", "Facebook", "Follow us"},
		kinds: map[CutKind]int{CutShare: 3},
	},
	{
		file: "ar_only_boilerplate.html", empty: true,
		kinds: map[CutKind]int{CutHeading: 2, CutFiller: 1, CutEmpty: 1, CutQA: 2, CutShare: 1},
	},
	{
		file: "ar_mid_related.html", lang: "ar",
		related: []feeds.Related{
			{Title: "النواب يختلفون حول سقف زيادة الإيجارات", URL: "https://news.example/politics/rent-law-debate"},
			{Title: "البنوك تخفض فوائد القروض السكنية", URL: "https://news.example/economy/mortgage-rates"},
			{Title: "سكن الطلاب أزمة تتجدد كل عام", URL: "https://news.example/society/students-housing"},
		},
		keep:  []string{"<h3>اقرأ أيضا</h3>", `<a href="/economy/housing-prices">`, "وقال رئيس لجنة الإسكان", "في الجريدة الرسمية.</p>"},
		drop:  []string{"&nbsp;", "<br/>", "<p></p>", "مواضيع ذات صلة", "سكن الطلاب"},
		kinds: map[CutKind]int{CutEmpty: 3, CutHeading: 1, CutRelated: 3},
	},
	{
		file: "ar_upstream.html", lang: "ar",
		related: []feeds.Related{
			{Title: "الحكومة تطرح مناقصة لتوسعة ميناء التعدين", URL: "https://wire.example/a/977"},
			{Title: "أسعار الأسمدة العالمية عند أعلى مستوى منذ عامين", URL: "https://wire.example/a/950"},
			{Title: "الهند توقع عقدا طويل الأجل لاستيراد الفوسفات", URL: "https://wire.example/a/940"},
		},
		keep: []string{`<div class="article-body">`, "ارتفعت صادرات الفوسفات", "داعيا إلى تسريع أعمال توسعة الميناء.</p>"},
		drop: []string{"فيسبوك", "واتساب", "اقرأ أيضا", "النشرة البريدية", "اشترك", "<form", "related-links", "\u202b", "\u202c"},
	},
	{
		file: "en_upstream.html", lang: "en",
		related: []feeds.Related{
			{Title: "Bus fares frozen for a third year", URL: "https://wire.example/en/city/bus-fares-frozen"},
			{Title: "Tram extension delayed to 2028", URL: "https://wire.example/en/city/tram-extension"},
			{Title: "Ten new cycle lanes for the city centre", URL: "https://wire.example/en/city/cycle-lanes"},
		},
		keep:  []string{"The city council voted on Monday", "Councillors from the opposition", "together with a safety review of the busiest stops.</p>"},
		drop:  []string{"Share on", "Read more", "search engines", "newsletter", "Related articles", "FAQ", "Q:", "A:"},
		kinds: map[CutKind]int{CutShare: 1, CutRelated: 3, CutFiller: 1, CutEmpty: 1, CutNewsletter: 1, CutHeading: 2, CutQA: 2},
	},
	{
		file: "ar_faq_story.html", lang: "ar",
		keep: []string{"<h2>الأسئلة الشائعة</h2>", "س: متى تبدأ امتحانات الدورة الصيفية؟", "ولا تدخلان في امتحانات الثانوية العامة.</p>"},
	},
	{
		file: "ar_bidi.html", lang: "ar",
		keep:  []string{`<p dir="rtl">أعلنت شركة Apple الأميركية`, "iPhone 17 سيطرح", "تيم كوك في مؤتمر"},
		drop:  []string{"\u202a", "\u202b", "\u202c", "\u202e", "\u2067", "\u2069", "\u200b", `<div dir="rtl"`},
		kinds: map[CutKind]int{CutEmpty: 1},
	},
	{
		file: "en_mid_heading.html", lang: "en",
		keep:  []string{"<h3>Related</h3>", "The closures come a month after", "bring wind but little rain from the north.</p>"},
		drop:  []string{"<p></p>", "Frequently asked questions", "Q:", "Follow our website"},
		kinds: map[CutKind]int{CutEmpty: 2, CutHeading: 1, CutQA: 4},
	},
}

func TestFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, f := range files {
		if !strings.Contains(f, ".golden.") {
			inputs = append(inputs, filepath.Base(f))
		}
	}
	var cased []string
	for _, fc := range fixtureCases {
		cased = append(cased, fc.file)
	}
	slices.Sort(cased)
	if !reflect.DeepEqual(inputs, cased) {
		t.Errorf("fixtures %q, cases %q: every fixture needs a case", inputs, cased)
	}

	c := New(Options{})
	for _, fc := range fixtureCases {
		t.Run(fc.file, func(t *testing.T) {
			path := filepath.Join(fixtureDir, fc.file)
			a := loadFixture(t, path)
			before := *a
			r, err := c.Article(a)
			checkGolden(t, path, golden(a, r, err))

			if fc.empty {
				if !errors.Is(err, ErrEmpty) || !r.Empty {
					t.Fatalf("err %v, Empty %v: want ErrEmpty", err, r.Empty)
				}
				if !reflect.DeepEqual(*a, before) {
					t.Errorf("an empty article was changed")
				}
			} else if err != nil || r.Empty {
				t.Fatalf("err %v, Empty %v", err, r.Empty)
			}
			if !fc.empty && a.Language != fc.lang {
				t.Errorf("language %q, want %q", a.Language, fc.lang)
			}
			if fc.related != nil && !reflect.DeepEqual(a.Related, fc.related) {
				t.Errorf("related\n got %q\nwant %q", a.Related, fc.related)
			}
			for _, k := range fc.keep {
				if !strings.Contains(a.ContentHTML, k) {
					t.Errorf("lost %q", k)
				}
			}
			for _, d := range fc.drop {
				if strings.Contains(a.ContentHTML, d) || strings.Contains(a.Summary, d) {
					t.Errorf("kept %q", d)
				}
			}
			if fc.kinds != nil {
				got := map[CutKind]int{}
				for _, c := range r.Cuts {
					got[c.Kind]++
				}
				if !reflect.DeepEqual(got, fc.kinds) {
					t.Errorf("cuts by kind %v, want %v\n%s", got, fc.kinds, r)
				}
			}
			if err == nil {
				checkClean(t, c, a)
			}
		})
	}
}

// checkClean checks a cleaned article: valid UTF-8, no explicit bidi
// controls in its text, a body that parses, and nothing more to cut when
// cleaned again.
func checkClean(t *testing.T, c *Cleaner, a *feeds.Article) {
	t.Helper()
	for _, s := range []string{a.Title, a.Summary, a.ContentHTML} {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8: %q", s)
		}
		if strings.ContainsAny(s, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Errorf("explicit bidi control left in %q", s)
		}
	}
	if _, err := xhtml.ParseFragment(strings.NewReader(a.ContentHTML), &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}); err != nil {
		t.Errorf("cleaned body does not parse: %v", err)
	}
	again := *a
	again.Related = slices.Clone(a.Related)
	r, err := c.Article(&again)
	if err != nil || len(r.Cuts) > 0 || r.SummaryGenerated || r.LanguageDetected {
		t.Errorf("cleaning twice did more: %v\n%s", err, r)
	}
	if !reflect.DeepEqual(again, *a) {
		t.Errorf("cleaning twice changed the article\n got %+v\nwant %+v", again, *a)
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	ext := filepath.Ext(path)
	gp := strings.TrimSuffix(path, ext) + ".golden.html"
	if *update {
		if err := os.WriteFile(gp, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(gp)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n got:\n%s\nwant:\n%s", gp, got, want)
	}
}

// seedArticle is the seed as the importer builds it before cleaning.
func seedArticle(tb testing.TB) *feeds.Article {
	ps := seedParagraphs(tb)
	b, err := os.ReadFile(filepath.FromSlash(seedPath))
	if err != nil {
		tb.Fatal(err)
	}
	title, _, _ := strings.Cut(string(b), "\n")
	return &feeds.Article{Title: title, ContentHTML: TextToHTML(ps)}
}

func TestSeedArticle(t *testing.T) {
	a := seedArticle(t)
	r, err := New(Options{}).Article(a)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join(fixtureDir, "seed.txt"), golden(a, r, err))

	if want := "روسيا ترفض مساعدة أرمينيا ضد أذربيجان"; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	ps := strings.Split(Text(a.ContentHTML), "\n")
	if len(ps) != 9 {
		t.Fatalf("%d paragraphs, want 9:\n%s", len(ps), a.ContentHTML)
	}
	if want := "رفضت موسكو تقديم الدعم لأرمينيا ضد أذربيجان في المعارك الدائرة بإقليم قره باغ، ما دامت الاشتباكات لا تقع في نطاق الأراضي الأرمينية."; ps[0] != want {
		t.Errorf("first paragraph\n got %q\nwant %q", ps[0], want)
	}
	if want := "وفشلت ثلاث اتفاقيات للهدنة في وقف الحرب كان آخرها في واشنطن الأسبوع الماضي بوساطة وزير الخارجية الأمريكي مايك بومبيو."; ps[8] != want {
		t.Errorf("last paragraph\n got %q\nwant %q", ps[8], want)
	}
	// The body is exactly the nine story lines, each a <p>, inside the
	// right-to-left wrapper.
	want := `<div dir="rtl" lang="ar">` + TextToHTML(seedParagraphs(t)[1:10]) + `</div>`
	if a.ContentHTML != want {
		t.Errorf("body\n got %q\nwant %q", a.ContentHTML, want)
	}
	wantRelated := []feeds.Related{
		{Title: "وفاة طفلة نهشتها كلاب ضالة في الجزائر"},
		{Title: "هيئة الإغاثة الإنسانية التركية توصل مساعدات لأكثر من 4.5 مليون سوداني"},
		{Title: "مجلس السيادة السوداني: لا مفاوضات مع الدعم السريع"},
		{Title: "طرقات غامضة على باب قمرة القيادة تضطر طائرة أميركية للهبوط"},
		{Title: "زيارة يونانية إلى قاعدة تركية.. هل تمهد لتخفيف التوتر العسكري بينهم؟"},
	}
	if !reflect.DeepEqual(a.Related, wantRelated) {
		t.Errorf("related\n got %q\nwant %q", a.Related, wantRelated)
	}
	for _, junk := range []string{"معلومات إضافية", "مواضيع ذات صلة", "أسئلة شائعة", "س:", "ج:", "محركات البحث", "وفاة طفلة"} {
		if strings.Contains(a.ContentHTML, junk) || strings.Contains(a.Summary, junk) {
			t.Errorf("%q left in body or summary", junk)
		}
	}
	if a.Language != "ar" || !r.LanguageDetected || !r.SummaryGenerated || len(r.Cuts) != 13 {
		t.Errorf("language %q detected %v, summary generated %v, %d cuts", a.Language, r.LanguageDetected, r.SummaryGenerated, len(r.Cuts))
	}
	checkClean(t, New(Options{}), a)
}

func TestArticleLanguageAndDirection(t *testing.T) {
	const arBody = "<p>قالت الحكومة إن الموازنة الجديدة سترفع الإنفاق على المدارس.</p>"
	tests := []struct {
		name               string
		a                  feeds.Article
		opts               Options
		wantLang, wantBody string
		detected           bool
	}{
		{"Arabic detected and wrapped", feeds.Article{Title: "الموازنة", ContentHTML: arBody},
			Options{}, "ar", `<div dir="rtl" lang="ar">` + arBody + `</div>`, true},
		{"declared Persian is right to left too", feeds.Article{Title: "بودجه", Language: "fa", ContentHTML: "<p>x y z</p>"},
			Options{}, "fa", `<div dir="rtl" lang="fa"><p>x y z</p></div>`, false},
		{"declared English is not wrapped", feeds.Article{Title: "الموازنة", Language: "en", ContentHTML: arBody},
			Options{}, "en", arBody, false},
		{"English detected", feeds.Article{Title: "Budget", ContentHTML: "<p>The budget passed.</p>"},
			Options{}, "en", "<p>The budget passed.</p>", true},
		{"outermost elements with dir are not wrapped", feeds.Article{Title: "الموازنة", ContentHTML: `<p dir="rtl">أ ب</p>` + "\n" + `<p dir="ltr">Quote in English.</p>`},
			Options{}, "ar", `<p dir="rtl">أ ب</p>` + "\n" + `<p dir="ltr">Quote in English.</p>`, true},
		{"one outermost element without dir: wrapped", feeds.Article{Title: "الموازنة", ContentHTML: `<p dir="rtl">أ ب</p><p>ت ث</p>`},
			Options{}, "ar", `<div dir="rtl" lang="ar"><p dir="rtl">أ ب</p><p>ت ث</p></div>`, true},
		{"no letters: the default language", feeds.Article{Title: "2026", ContentHTML: "<p>1 2 3</p>"},
			Options{DefaultLanguage: "ar"}, "ar", `<div dir="rtl" lang="ar"><p>1 2 3</p></div>`, true},
		{"no letters and no default", feeds.Article{Title: "2026", ContentHTML: "<p>1 2 3</p>"},
			Options{}, "", "<p>1 2 3</p>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			r, err := New(tt.opts).Article(&a)
			if err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.wantLang || r.LanguageDetected != tt.detected || a.ContentHTML != tt.wantBody {
				t.Errorf("language %q (detected %v), body %q; want %q (%v), %q", a.Language, r.LanguageDetected, a.ContentHTML, tt.wantLang, tt.detected, tt.wantBody)
			}
		})
	}
}

func TestArticleBidi(t *testing.T) {
	// Latin runs and numbers inside an Arabic title keep their order: only
	// the explicit controls go; implicit marks (RLM) stay.
	a := &feeds.Article{
		Title:       "\u202bشركة Apple تطلق iPhone 17 في 9 أيلول\u202c \u200fالجديد",
		Summary:     "\u2067ملخص\u2069",
		ContentHTML: "<p>\u202eنص\u202c <b>\u2066Apple 17\u2069</b></p>",
		Related:     []feeds.Related{{Title: "\u202aعنوان\u202c"}},
	}
	if _, err := New(Options{}).Article(a); err != nil {
		t.Fatal(err)
	}
	want := feeds.Article{
		Title:       "شركة Apple تطلق iPhone 17 في 9 أيلول \u200fالجديد",
		Summary:     "ملخص",
		ContentHTML: `<div dir="rtl" lang="ar"><p>نص <b>Apple 17</b></p></div>`,
		Language:    "ar",
		Related:     []feeds.Related{{Title: "عنوان"}},
	}
	if !reflect.DeepEqual(*a, want) {
		t.Errorf("got  %#v\nwant %#v", *a, want)
	}
}

// A bidi control in text with an entity makes the text token rewritten;
// the empty paragraph after it is still cut, with the white space before
// it that the rewrite also covers (found by FuzzArticle).
func TestArticleBidiRewriteThenCut(t *testing.T) {
	a := &feeds.Article{Title: "t", Language: "en", ContentHTML: "Tom\u2069 &amp; Jerry went home early. <p>"}
	r, err := New(Options{}).Article(a)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Tom &amp; Jerry went home early."; a.ContentHTML != want {
		t.Errorf("body %q, want %q\n%s", a.ContentHTML, want, r)
	}
}

func TestArticleSummary(t *testing.T) {
	long := strings.Repeat("كلمة ", 100)
	tests := []struct {
		name, body, summary string
		max                 int
		want                string
		generated           bool
	}{
		{"kept when given", "<p>Body text here.</p>", "Given.", 0, "Given.", false},
		{"first sentences of the cleaned body", "<p>First sentence. Second one.</p><p>FAQ</p><p>Q: Why?</p><p>A: Because.</p>", "", 0, "First sentence. Second one.", true},
		{"entities and tags are text", "<p>Fish &amp; chips &lt;b&gt; <b>bold</b> — cost £5.</p>", "", 0, "Fish & chips <b> bold — cost £5.", true},
		{"cut at a word with an ellipsis", "<p>" + long + "</p>", "", 20, strings.Repeat("كلمة ", 3) + "كلمة" + Ellipsis, true},
		{"Arabic full stop ends a sentence", "<p>جملة أولى طويلة نوعا ما۔ ثم جملة ثانية أطول بكثير من أن تتسع في الملخص المطلوب هنا.</p>", "", 30, "جملة أولى طويلة نوعا ما۔", true},
		{"negative max: no summary", "<p>Body text.</p>", "", -1, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &feeds.Article{Title: "T", Language: "en", ContentHTML: tt.body, Summary: tt.summary}
			r, err := New(Options{SummaryMax: tt.max}).Article(a)
			if err != nil {
				t.Fatal(err)
			}
			if a.Summary != tt.want || r.SummaryGenerated != tt.generated {
				t.Errorf("summary %q (generated %v), want %q (%v)", a.Summary, r.SummaryGenerated, tt.want, tt.generated)
			}
		})
	}
}

func TestArticleEdgeCases(t *testing.T) {
	c := New(Options{})
	if _, err := c.Article(nil); err == nil {
		t.Error("nil article: no error")
	}
	for _, body := range []string{"", "   ", "<p></p><p>&nbsp;</p><p><br></p>", "<div><p>\u200b</p></div>"} {
		a := &feeds.Article{Title: "T", ContentHTML: body}
		r, err := c.Article(a)
		if !errors.Is(err, ErrEmpty) || !r.Empty || a.ContentHTML != body {
			t.Errorf("%q: err %v, Empty %v, body %q", body, err, r.Empty, a.ContentHTML)
		}
	}
	// An image alone is substance.
	a := &feeds.Article{Title: "T", Language: "en", ContentHTML: `<figure><img src="https://x.example/i.jpg" alt=""></figure>`}
	if r, err := c.Article(a); err != nil || len(r.Cuts) != 0 {
		t.Errorf("image-only body: %v %v", err, r)
	}
	// Unchanged bodies are returned byte for byte, markup quirks and all.
	body := "<P CLASS=x>Some text that stays as it was written, odd markup included.<br/>"
	a = &feeds.Article{Title: "T", Language: "en", ContentHTML: body}
	if _, err := c.Article(a); err != nil || a.ContentHTML != body {
		t.Errorf("unchanged body rewritten: %q", a.ContentHTML)
	}
	// Related entries already there come first and are not repeated.
	a = &feeds.Article{Title: "T", Language: "en", URL: "https://news.example/a/1",
		ContentHTML: `<p>A story paragraph that is long enough to be a real paragraph of the article text here.</p><h2>Read more</h2><ul><li><a href="/a/2">Two</a></li><li><a href="javascript:x()">Three</a></li></ul>`,
		Related:     []feeds.Related{{Title: "Two", URL: "https://news.example/a/2"}}}
	if _, err := c.Article(a); err != nil {
		t.Fatal(err)
	}
	if want := []feeds.Related{{Title: "Two", URL: "https://news.example/a/2"}, {Title: "Three"}}; !reflect.DeepEqual(a.Related, want) {
		t.Errorf("related %q, want %q", a.Related, want)
	}
}

func TestArticleBoundaries(t *testing.T) {
	story := "<p>The finance ministry said on Tuesday that the new budget would raise spending on schools and hospitals by a fifth, paid for by higher taxes on tobacco.</p>"
	tests := []struct {
		name, body string
		kept       []string
		cut        []string
	}{
		{"a real list at the end stays", story + "<ul><li>Schools: 1.2 billion more</li><li>Hospitals: 900 million more</li></ul>",
			[]string{"Schools: 1.2 billion"}, nil},
		{"one trailing link stays", story + `<ul><li><a href="https://x.example/full.pdf">Full text of the budget</a></li></ul>`,
			[]string{"Full text of the budget"}, nil},
		{"a long paragraph after a marker heading keeps both", story + "<h2>FAQ</h2>" + story,
			[]string{"<h2>FAQ</h2>"}, nil},
		{"a story about search engines stays", "<p>Google said its search engine would show fewer results from sites that copy news, a change publishers have asked for since 2019.</p>",
			[]string{"search engine would show"}, nil},
		{"a short line starting with Share is news", story + "<p>Shares in the company rose 5 percent.</p>",
			[]string{"Shares in the company"}, nil},
		{"Arabic share verb in a sentence stays", "<p>شارك آلاف المواطنين في الانتخابات البلدية التي جرت أمس في أجواء هادئة.</p>",
			[]string{"شارك آلاف المواطنين"}, nil},
		{"follow-us list of links is cut, not related", story + `<p>Follow us</p><ul><li><a href="https://facebook.com/news">Our page</a></li><li><a href="https://x.com/news">Our account</a></li></ul>`,
			nil, []string{"Follow us", "Our page"}},
		{"share bar at the top", `<p><a href="https://facebook.com/sharer">Facebook</a> | <a href="https://x.com/intent">X</a> | <a href="https://wa.me/">WhatsApp</a></p>` + story,
			[]string{"finance ministry"}, []string{"Facebook", "WhatsApp"}},
		{"read more line in the middle", story + `<p>اقرأ أيضاً: <a href="https://x.example/b">عنوان آخر</a></p>` + story,
			[]string{"finance ministry"}, []string{"عنوان آخر"}},
		{"a long read-more sentence stays", story + "<p>Read more about the budget in our explainer, which sets out every line of spending and what it means for households in each region of the country and why.</p>",
			[]string{"Read more about"}, nil},
		// Only a marker heading opens a trailing block; nothing else cuts
		// more than the one block it recognised.
		{"an interview's Q/A without a heading is story, even at the end", story + "<p>Q: Why now?</p><p>A: Because it was time.</p>",
			[]string{"Q: Why now?", "A: Because it was time."}, nil},
		{"Arabic interview lines without a heading are story", story + "<p>س: متى؟</p><p>ج: في أيلول.</p>",
			[]string{"س: متى؟", "ج: في أيلول."}, nil},
		{"generic Q/A under a FAQ heading is still cut", story + "<h2>FAQ</h2><p>Q: Why is this important?</p><p>A: It offers valuable information.</p>",
			nil, []string{"FAQ", "Why is this important", "valuable information"}},
		{"a read-more line cuts only itself", story + `<p>Read more: <a href="/b">Other story</a></p><p>Tobacco prices rise on Monday.</p><p>The vote is on Friday.</p>`,
			[]string{"Tobacco prices rise on Monday.", "The vote is on Friday."}, []string{"Other story"}},
		{"a share bar cuts only itself", story + `<p><a href="https://facebook.com/s">Facebook</a> | <a href="https://x.com/s">X</a></p><p>The vote is on Friday.</p>`,
			[]string{"The vote is on Friday."}, []string{"Facebook"}},
		{"a newsletter line cuts only itself", story + "<p>Subscribe to our newsletter</p><p>The vote is on Friday.</p>",
			[]string{"The vote is on Friday."}, []string{"Subscribe"}},
		{"a list of links at the end without a heading stays", story + `<ul><li><a href="https://x.example/a.pdf">Budget in full</a></li><li><a href="https://x.example/b.pdf">Forecast</a></li></ul>`,
			[]string{"Budget in full", "Forecast"}, nil},
		{"a box cuts only its read-more line", `<div><p>Read more: <a href="/b">Other story</a></p><p>Opening hours: 9am to 8pm</p></div>` + story,
			[]string{"Opening hours: 9am to 8pm"}, []string{"Other story"}},
		{"a share line that does not open a box cuts only itself", `<div><p>Opening hours: 9am to 8pm</p><p>Share</p></div>` + story,
			[]string{"Opening hours: 9am to 8pm"}, []string{"<p>Share</p>"}},
		{"a marker heading over story lines and nothing it announces stays", story + "<p>FAQ</p><p>The vote is on Friday.</p><p>Ministers meet on Monday.</p>",
			[]string{"<p>FAQ</p>", "The vote is on Friday.", "Ministers meet on Monday."}, nil},
		{"a sentence under a related heading is not a title", story + `<h3>Related</h3><ul><li><a href="/x">Budget 2026</a></li></ul><p>The vote is on Friday.</p>`,
			[]string{"The vote is on Friday."}, []string{"Budget 2026", "Related"}},
	}
	c := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &feeds.Article{Title: "Budget", Language: "en", ContentHTML: tt.body}
			r, err := c.Article(a)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.kept {
				if !strings.Contains(a.ContentHTML, k) {
					t.Errorf("lost %q\n%s", k, r)
				}
			}
			for _, k := range tt.cut {
				if strings.Contains(a.ContentHTML, k) {
					t.Errorf("kept %q:\n%s", k, a.ContentHTML)
				}
			}
			if tt.cut == nil && len(r.Cuts) > 0 {
				t.Errorf("cut something:\n%s", r)
			}
		})
	}
}

func TestArticleNeverMakesMarkup(t *testing.T) {
	// Cutting takes whole tokens out of the source, and bidi controls only
	// out of text: nothing left can join into a new tag or a new URL
	// scheme.
	tests := []struct {
		name, body string
		want       string // in the cleaned body
		not        string // not in it
	}{
		{"a control inside an attribute stays", `<p><a href="java` + "\u202e" + `script:alert(1)">link</a> text of a story</p>`,
			"java\u202escript:", "javascript:"},
		{"a text < before a control is escaped", "<p>a <\u202eb of the story</p>", "a &lt;b of the story", "<b"},
		{"a block between text runs stays, so they cannot join", "x <<p>Share</p>script>alert(1) and then the rest of the story goes on for long enough to be a paragraph of its own here.",
			"x <<p>Share</p>script>", "<script"},
		{"a text < before a cut block is escaped", "<p>A story paragraph.</p>x <<p>Share</p>", "</p>x &lt;", "Share"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &feeds.Article{Title: "T", Language: "en", ContentHTML: tt.body}
			if _, err := New(Options{}).Article(a); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(a.ContentHTML, tt.want) || strings.Contains(a.ContentHTML, tt.not) {
				t.Errorf("got %q, want %q and no %q", a.ContentHTML, tt.want, tt.not)
			}
		})
	}
}

func TestReportString(t *testing.T) {
	r, err := New(Options{}).Article(loadFixture(t, filepath.Join(fixtureDir, "ar_only_boilerplate.html")))
	if !errors.Is(err, ErrEmpty) {
		t.Fatal(err)
	}
	s := r.String()
	for _, want := range []string{
		"7 blocks cut:\n",
		`  #0   heading    "معلومات إضافية ومفصلة": heading that opens the trailing block` + "\n",
		`filler     "محتوى شامل ومفصل لمساعدة محركات البحث في فهرسة هذه الصفحة بشكل أفضل.": sentence written for search engines (under "معلومات إضافية ومفصلة")`,
		"empty: nothing of substance left, only boilerplate\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	if got := (Report{}).String(); got != "nothing cut\n" {
		t.Errorf("empty report %q", got)
	}
	long := Report{Cuts: []Cut{{Index: 3, Kind: CutFiller, Reason: "r", Text: strings.Repeat("ب", 100)}}}
	if s := long.String(); !strings.Contains(s, strings.Repeat("ب", 71)+Ellipsis+`"`) || strings.Contains(s, strings.Repeat("ب", 72)) {
		t.Errorf("text not shortened: %s", s)
	}
}

func TestCleanerConcurrent(t *testing.T) {
	c := New(Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				a := seedArticle(t)
				if _, err := c.Article(a); err != nil || len(a.Related) != 5 {
					t.Errorf("concurrent clean: %v, %d related", err, len(a.Related))
				}
			}
		})
	}
	wg.Wait()
}

func TestArticleCustomMarkers(t *testing.T) {
	a := seedArticle(t)
	r, err := New(Options{Markers: Markers{Headings: []string{"أسئلة شائعة"}, Related: []string{"مواضيع ذات صلة"}}}).Article(a)
	if err != nil {
		t.Fatal(err)
	}
	// Without the default heading and filler markers, the "additional
	// information" heading and its sentence are story-shaped lines before
	// the first marker, and stay.
	if len(a.Related) != 5 || !strings.Contains(a.ContentHTML, "<p>معلومات إضافية ومفصلة</p>") || strings.Contains(a.ContentHTML, "أسئلة شائعة") || len(r.Cuts) != 11 {
		t.Errorf("custom markers: related %d\n%s\n%s", len(a.Related), a.ContentHTML, r)
	}
}

func FuzzArticle(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*"))
	for _, p := range files {
		if !strings.Contains(p, ".golden.") {
			f.Add(loadFixture(f, p).ContentHTML)
		}
	}
	corpus, _ := filepath.Glob(filepath.Join(corpusDir, "*.*"))
	for _, p := range corpus {
		if !strings.HasSuffix(p, ".want") && !strings.HasSuffix(p, ".md") {
			f.Add(loadFixture(f, p).ContentHTML)
		}
	}
	f.Add(seedArticle(f).ContentHTML)
	f.Add("<ul><li><a href=x>a</a><li><a href=y>b</a></ul><p>س: ؟<p>ج: .")
	f.Add("<div class=share><p>Share</p><div><p>x")
	f.Add("\xff<p>\u202e<table><td>FAQ<p>Q: a</table>")
	c := New(Options{})
	f.Fuzz(func(t *testing.T, body string) {
		a := &feeds.Article{Title: "عنوان Title", ContentHTML: body}
		r, err := c.Article(a)
		if err != nil {
			if !errors.Is(err, ErrEmpty) || !r.Empty || a.ContentHTML != body {
				t.Fatalf("err %v, Empty %v", err, r.Empty)
			}
			return
		}
		if utf8.ValidString(body) && !utf8.ValidString(a.ContentHTML) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", a.ContentHTML)
		}
		if text := Text(a.ContentHTML); r.Text != text {
			t.Fatalf("Report.Text %q, the cleaned body's text %q", r.Text, text)
		}
		if utf8.ValidString(body) && !utf8.ValidString(a.Summary) {
			t.Fatalf("invalid UTF-8 summary: %q", a.Summary)
		}
		again := *a
		again.Related = slices.Clone(a.Related)
		r2, err := c.Article(&again)
		if err != nil || len(r2.Cuts) > 0 {
			t.Fatalf("second clean of %q cut more (%v):\n%s\nfirst:\n%s\nbody now %q", body, err, r2, r, a.ContentHTML)
		}
		if again.ContentHTML != a.ContentHTML {
			t.Fatalf("second clean changed the body:\n%q\n%q", a.ContentHTML, again.ContentHTML)
		}
	})
}

// benchArticle is an Arabic upstream article of about 3 KB of HTML: the
// upstream fixture (share bar, "read more" line, newsletter box, related
// links) with two more story paragraphs of the seed.
func benchArticle(tb testing.TB) *feeds.Article {
	a := loadFixture(tb, filepath.Join(fixtureDir, "ar_upstream.html"))
	more := TextToHTML(seedParagraphs(tb)[2:4])
	a.ContentHTML = strings.Replace(a.ContentHTML, "<div class=\"newsletter-box\">", more+"\n<div class=\"newsletter-box\">", 1)
	if n := len(a.ContentHTML); n < 2800 || n > 3400 {
		tb.Fatalf("bench article is %d bytes, want about 3 KB", n)
	}
	return a
}

func BenchmarkArticle(b *testing.B) {
	src := benchArticle(b)
	c := New(Options{})
	b.SetBytes(int64(len(src.ContentHTML)))
	b.ReportAllocs()
	for b.Loop() {
		a := *src
		if _, err := c.Article(&a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNew is the one-off cost of folding and indexing the markers.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New(Options{})
	}
}

func BenchmarkSanitizeArticle(b *testing.B) {
	src := benchArticle(b)
	b.SetBytes(int64(len(src.ContentHTML)))
	b.ReportAllocs()
	for b.Loop() {
		SanitizeHTML(src.ContentHTML)
	}
}

// TestCleaningKeepsWordsApart: what cleaning takes out or wraps around
// never joins the text on either side into other words. Two ways it did:
// an empty block cut after a run of text whose token ends in white space
// glued the runs around it, and a body ending in "<" or "</" (text) met the
// rtl wrapper's </div> and became markup.
func TestCleaningKeepsWordsApart(t *testing.T) {
	c := New(Options{})
	for _, body := range []string{
		"a <h1></h1>b",
		"كلمة <h2> </h2>\nأخرى",
		"first line <p></p> second line",
		"سطر\t<h3></h3>  سطر آخر",
		"نص عربي في الخبر <",
		"نص عربي في الخبر </",
		"English text and a < b <",
	} {
		a := &feeds.Article{Title: "عنوان الخبر", ContentHTML: body}
		if _, err := c.Article(a); err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if got, want := strings.Fields(Text(a.ContentHTML)), strings.Fields(Text(body)); !slices.Equal(got, want) {
			t.Errorf("%q cleaned to %q: words %q, want %q", body, a.ContentHTML, got, want)
		}
	}
}
