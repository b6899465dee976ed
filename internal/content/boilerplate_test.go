package content

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

const seedPath = "../demo/articles/000_bcfca962802f740c.txt"

// seedParagraphs returns the seed's lines after its title.
func seedParagraphs(tb testing.TB) []string {
	tb.Helper()
	b, err := os.ReadFile(filepath.FromSlash(seedPath))
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	return lines[1:]
}

func TestCutTrailingBoilerplateSeed(t *testing.T) {
	body, related, cut := cutTrailingBoilerplate(seedParagraphs(t), DefaultMarkers())

	if len(body) != 9 {
		t.Fatalf("got %d body paragraphs, want 9:\n%s", len(body), strings.Join(body, "\n"))
	}
	if want := "رفضت موسكو تقديم الدعم لأرمينيا ضد أذربيجان في المعارك الدائرة بإقليم قره باغ، ما دامت الاشتباكات لا تقع في نطاق الأراضي الأرمينية."; body[0] != want {
		t.Errorf("first paragraph\n got %q\nwant %q", body[0], want)
	}
	if want := "وفشلت ثلاث اتفاقيات للهدنة في وقف الحرب كان آخرها في واشنطن الأسبوع الماضي بوساطة وزير الخارجية الأمريكي مايك بومبيو."; body[8] != want {
		t.Errorf("last paragraph\n got %q\nwant %q", body[8], want)
	}
	wantRelated := []string{
		"وفاة طفلة نهشتها كلاب ضالة في الجزائر",
		"هيئة الإغاثة الإنسانية التركية توصل مساعدات لأكثر من 4.5 مليون سوداني",
		"مجلس السيادة السوداني: لا مفاوضات مع الدعم السريع",
		"طرقات غامضة على باب قمرة القيادة تضطر طائرة أميركية للهبوط",
		"زيارة يونانية إلى قاعدة تركية.. هل تمهد لتخفيف التوتر العسكري بينهم؟",
	}
	if !reflect.DeepEqual(related, wantRelated) {
		t.Errorf("related\n got %q\nwant %q", related, wantRelated)
	}

	var kinds []CutKind
	for _, c := range cut {
		kinds = append(kinds, c.Kind)
	}
	wantKinds := []CutKind{CutHeading, CutFiller, CutHeading, CutRelated, CutRelated, CutRelated, CutRelated, CutRelated, CutHeading, CutQA, CutQA, CutQA, CutQA}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("cut kinds\n got %v\nwant %v", kinds, wantKinds)
	}
	// Index points into the paragraphs given: the seed's line 12 is index 10
	// of the lines after the title.
	if cut[0].Index != 10 || cut[0].Text != "معلومات إضافية ومفصلة" {
		t.Errorf("first cut = %+v, want index 10, the additional-information heading", cut[0])
	}
	if cut[1].Heading != "معلومات إضافية ومفصلة" || cut[len(cut)-1].Heading != "أسئلة شائعة" {
		t.Errorf("cut headings: %q ... %q", cut[1].Heading, cut[len(cut)-1].Heading)
	}
	joined := strings.Join(body, "\n")
	for _, junk := range []string{"معلومات إضافية", "مواضيع ذات صلة", "أسئلة شائعة", "س:", "ج:", "محركات البحث"} {
		if strings.Contains(joined, junk) {
			t.Errorf("body still contains %q", junk)
		}
	}
}

func TestCutTrailingBoilerplate(t *testing.T) {
	long1 := "The finance ministry said on Tuesday that the new budget would raise spending on schools and hospitals by a fifth, paid for by higher taxes on tobacco and a review of fuel subsidies that have cost the treasury billions every year."
	long2 := "Opposition lawmakers said the plan was unrealistic and promised to block it in committee, where the governing coalition holds only a narrow majority and two of its members have already said they will abstain."
	long3 := "A vote is expected before the end of the month, after hearings at which the central bank governor and the head of the audit office are due to give evidence on the assumptions behind the revenue forecasts."
	tests := []struct {
		name        string
		in          []string
		wantBody    []string
		wantRelated []string
		wantCut     int
	}{
		{
			name:     "mid-story related heading followed by real paragraphs is kept",
			in:       []string{long1, "Related articles", long2, long3},
			wantBody: []string{long1, "Related articles", long2, long3},
		},
		{
			name:     "Arabic read-also heading mid-story is kept",
			in:       []string{"قالت الحكومة إن الموازنة الجديدة سترفع الإنفاق على المدارس والمستشفيات بنسبة الخمس، على أن تمول الزيادة من ضرائب أعلى على التبغ ومراجعة دعم الوقود الذي كلف الخزينة مليارات كل عام.", "اقرأ أيضا", "وقال نواب المعارضة إن الخطة غير واقعية وتعهدوا بعرقلتها في اللجنة المالية، حيث لا يملك الائتلاف الحاكم سوى أغلبية ضئيلة وقد أعلن اثنان من أعضائه أنهما سيمتنعان عن التصويت."},
			wantBody: []string{"قالت الحكومة إن الموازنة الجديدة سترفع الإنفاق على المدارس والمستشفيات بنسبة الخمس، على أن تمول الزيادة من ضرائب أعلى على التبغ ومراجعة دعم الوقود الذي كلف الخزينة مليارات كل عام.", "اقرأ أيضا", "وقال نواب المعارضة إن الخطة غير واقعية وتعهدوا بعرقلتها في اللجنة المالية، حيث لا يملك الائتلاف الحاكم سوى أغلبية ضئيلة وقد أعلن اثنان من أعضائه أنهما سيمتنعان عن التصويت."},
		},
		{
			name: "interview Q and A is kept, the related list after it is cut",
			in: []string{
				long1,
				"Q: What changes for families first?",
				"A: School meals. From September every primary school will serve a free lunch, and the ministry has already signed contracts with regional suppliers for the first year.",
				"Q: And the fuel subsidy review?",
				"A: It starts with diesel for fishing boats, where the leakage is largest. Nothing changes at the pump this year.",
				"Related articles",
				"- Budget 2026: what we know so far",
				"- Tobacco tax rise to fund hospitals",
			},
			wantBody: []string{
				long1,
				"Q: What changes for families first?",
				"A: School meals. From September every primary school will serve a free lunch, and the ministry has already signed contracts with regional suppliers for the first year.",
				"Q: And the fuel subsidy review?",
				"A: It starts with diesel for fishing boats, where the leakage is largest. Nothing changes at the pump this year.",
			},
			wantRelated: []string{"Budget 2026: what we know so far", "Tobacco tax rise to fund hospitals"},
			wantCut:     3,
		},
		{
			name: "Q/A ending the story without a heading is story",
			in: []string{
				long1,
				"Q: Does it affect everyone?",
				"A: Only households on variable tariffs.",
			},
			wantBody: []string{long1, "Q: Does it affect everyone?", "A: Only households on variable tariffs."},
		},
		{
			name:        "a read-more line mid-story cuts only itself",
			in:          []string{long1, "اقرأ أيضاً: الحكومة تدرس زيادة حصة القمح", "ولم تعلق وزارة التموين حتى الآن.", "The vote is on Friday."},
			wantBody:    []string{long1, "ولم تعلق وزارة التموين حتى الآن.", "The vote is on Friday."},
			wantRelated: []string{"الحكومة تدرس زيادة حصة القمح"},
			wantCut:     1,
		},
		{
			name:        "English SEO block",
			in:          []string{long1, long2, "Additional information", "This page provides comprehensive content to help search engines index it better.", "Related topics:", "1. Budget 2026", "2. Fuel subsidies", "FAQ", "Q: Why is this important?", "A: It offers valuable information on the topic."},
			wantBody:    []string{long1, long2},
			wantRelated: []string{"Budget 2026", "Fuel subsidies"},
			wantCut:     8,
		},
		{
			name:        "folded markers: no hamza, tanween, tatweel, colon, markdown hashes",
			in:          []string{long1, "## اقرأ ايضا:", "- عنوان أول", "اقـرأ أيضـاً", "عنوان ثان بلا شرطة", "تابعونا"},
			wantBody:    []string{long1},
			wantRelated: []string{"عنوان أول", "عنوان ثان بلا شرطة"},
			wantCut:     5,
		},
		{
			name:     "share heading at the very end is cut",
			in:       []string{long1, "", "  Share this  "},
			wantBody: []string{long1},
			wantCut:  1,
		},
		{
			name:     "a long line starting with a marker is not a heading",
			in:       []string{long1, "Read more about the budget in our explainer, which sets out every line of spending and what it means for households in each region of the country"},
			wantBody: []string{long1, "Read more about the budget in our explainer, which sets out every line of spending and what it means for households in each region of the country"},
		},
		{
			name:     "a heading followed by a long paragraph stays",
			in:       []string{long1, "FAQ", long2},
			wantBody: []string{long1, "FAQ", long2},
		},
		{
			name:     "short closing lines before the block stay",
			in:       []string{long1, "The vote is on Friday.", "- Reporting by Lina Haddad", "Follow us", "Facebook", "X"},
			wantBody: []string{long1, "The vote is on Friday.", "- Reporting by Lina Haddad"},
			wantCut:  3,
		},
		{
			name:     "only boilerplate leaves an empty body",
			in:       []string{"أسئلة شائعة", "س: ما أهمية هذا المحتوى؟", "ج: معلومات قيمة."},
			wantBody: []string{},
			wantCut:  3,
		},
		{
			name:     "empty input",
			in:       nil,
			wantBody: []string{},
		},
		{
			name:     "blank paragraphs are dropped and the rest trimmed",
			in:       []string{"  first  ", "", "\t", "second"},
			wantBody: []string{"first", "second"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, related, cut := cutTrailingBoilerplate(tt.in, DefaultMarkers())
			if !reflect.DeepEqual(body, tt.wantBody) {
				t.Errorf("body\n got %q\nwant %q", body, tt.wantBody)
			}
			if !reflect.DeepEqual(related, tt.wantRelated) {
				t.Errorf("related\n got %q\nwant %q", related, tt.wantRelated)
			}
			if len(cut) != tt.wantCut {
				t.Errorf("cut %d paragraphs, want %d: %+v", len(cut), tt.wantCut, cut)
			}
		})
	}
}

func TestCutTrailingBoilerplateCustomMarkers(t *testing.T) {
	in := []string{"Story paragraph one is here and it is long enough to be a real paragraph of news copy for this test.", "Sponsored", "- Buy now"}
	if body, _, cut := cutTrailingBoilerplate(in, Markers{}); len(body) != 3 || cut != nil {
		t.Errorf("no markers: body %q cut %v, want everything kept", body, cut)
	}
	body, related, cut := cutTrailingBoilerplate(in, Markers{Headings: []string{"sponsored"}})
	if len(body) != 1 || related != nil || len(cut) != 2 || cut[1].Kind != CutList {
		t.Errorf("custom heading: body %q related %q cut %+v", body, related, cut)
	}
}

func TestDefaultMarkersFold(t *testing.T) {
	m := newMatcher(DefaultMarkers())
	for _, h := range []string{"اقرأ أيضا", "اقرأ أيضاً", "اقرا ايضا", "إقرأ أيضًا", "الأسئلة الشائعة", "الاسئلة الشائعة", "RELATED ARTICLES", "Read more:", "— FAQ —", "\u200fمواضيع ذات صلة\u200f"} {
		if _, ok := m.heading(h, headingKey(h)); !ok {
			t.Errorf("%q is not recognised as a heading", h)
		}
	}
	for _, h := range []string{"اقرأ", "Related articles about the budget", "Sharecropping", "سياسة"} {
		if _, ok := m.heading(h, headingKey(h)); ok {
			t.Errorf("%q is wrongly recognised as a heading", h)
		}
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"One sentence.", 1},
		{"One. Two.", 2},
		{"Growth was 4.5 percent.", 1},
		{"زيارة يونانية إلى قاعدة تركية.. هل تمهد لتخفيف التوتر؟", 1},
		{"قال: “نعم”. ثم غادر.", 2},
		{"Why? Because.", 2},
		{"", 1},
	}
	for _, tt := range tests {
		if got := sentences(tt.in); got != tt.want {
			t.Errorf("sentences(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func FuzzCutTrailingBoilerplate(f *testing.F) {
	f.Add(strings.Join(seedParagraphs(f), "\n"))
	f.Add("Story.\nRelated articles\n- a\n1. b\nQ: x\nA: y")
	f.Add("اقرأ أيضاً\n١) عنوان\n\u200f")
	f.Fuzz(func(t *testing.T, s string) {
		in := strings.Split(s, "\n")
		body, related, cut := cutTrailingBoilerplate(in, DefaultMarkers())
		nonEmpty := 0
		for _, p := range in {
			if strings.TrimSpace(p) != "" {
				nonEmpty++
			}
		}
		if len(body)+len(cut) != nonEmpty {
			t.Fatalf("body %d + cut %d != %d non-empty paragraphs", len(body), len(cut), nonEmpty)
		}
		if len(related) > len(cut) {
			t.Fatalf("%d related from %d cut", len(related), len(cut))
		}
		// Cleaning what is left cuts nothing more.
		if body2, _, cut2 := cutTrailingBoilerplate(body, DefaultMarkers()); len(cut2) > 0 || len(body2) != len(body) {
			t.Fatalf("second pass over %q cut %+v", body, cut2)
		}
	})
}

func BenchmarkCutTrailingBoilerplate(b *testing.B) {
	ps := seedParagraphs(b)
	m := DefaultMarkers()
	b.ReportAllocs()
	for b.Loop() {
		cutTrailingBoilerplate(ps, m)
	}
}

// cutTrailingBoilerplate runs the cleaner's decisions (Cleaner.decide, as
// Article makes them on HTML) over plain-text paragraphs with markers m
// (taken as given: the zero Markers has no heading to open a trailing
// block, and cuts only empty paragraphs), one paragraph being one block.
// It returns the remaining paragraphs (trimmed, empty ones dropped), the
// related-article titles found, and a record of every paragraph it cut.
// The rules are tested on plain text here because a case reads better so.
func cutTrailingBoilerplate(paragraphs []string, m Markers) (body []string, related []string, cut []Cut) {
	c := &Cleaner{mk: newMatcher(m)}
	body, rel, r := c.paragraphs("", paragraphs)
	for _, e := range rel {
		related = append(related, e.Title)
	}
	return body, related, r.Cuts
}

// paragraphs is cutTrailingBoilerplate for an article titled title, with
// the related entries found (titles only: plain text has no links) and the
// report. Cut.Index is the position in paragraphs.
func (c *Cleaner) paragraphs(title string, paragraphs []string) (body []string, related []feeds.Related, r Report) {
	bs := make([]block, 0, len(paragraphs))
	idx := make([]int, 0, len(paragraphs))
	for i, p := range paragraphs {
		if p = strings.TrimSpace(p); p != "" {
			bs = append(bs, block{text: p, words: -1})
			idx = append(idx, i)
		}
	}
	for i := range bs {
		c.mk.classify(&bs[i])
	}
	ds := c.mk.decide(title, bs, nil, nil)
	body = make([]string, 0, len(bs))
	for i, d := range ds {
		if !d.cut {
			body = append(body, bs[i].text)
			continue
		}
		r.Cuts = append(r.Cuts, newCut(idx[i], &bs[i], d))
		if d.related != nil {
			related = appendRelated(related, *d.related)
		}
	}
	r.Empty = !hasWordRune(strings.Join(body, " "))
	return body, related, r
}
