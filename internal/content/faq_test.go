package content

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
)

// TestFAQStoryIsNotCut: a Q/A under a FAQ heading is story when it is on
// the article's topic (in any form of its words), when its answers state
// facts, and whenever cutting it would leave nothing; the generic FAQs
// written for search engines are still cut. The corpus has whole
// articles of each kind (en_faq_explainer_*, ar_faq_*); these are the
// edges.
func TestFAQStoryIsNotCut(t *testing.T) {
	const (
		enLead = "<p>Parliament passed the new tax law on Monday by a narrow margin after a night of debate.</p>"
		arLead = "<p>أقر البرلمان أمس قانون الضرائب الجديد بعد نقاش طويل بين الكتل النيابية.</p>"
	)
	tests := []struct {
		name, title, body string
		keep              []string // lines of the cleaned text
		cut               []string
		empty             bool
	}{
		{
			name:  "the whole article is a FAQ that states no fact: kept",
			title: "Energy bills: what changes for you",
			body:  "<h2>FAQ</h2><p>Q: Who is affected?</p><p>A: Only households on variable tariffs.</p><p>Q: Can I switch supplier?</p><p>A: Yes, but compare deals first.</p>",
			keep:  []string{"FAQ", "Q: Who is affected?", "A: Only households on variable tariffs.", "Q: Can I switch supplier?", "A: Yes, but compare deals first."},
		},
		{
			name:  "the whole Arabic article is a FAQ that states no fact: kept",
			title: "ما الذي يتغير على فواتير الكهرباء",
			body:  "<h2>أسئلة شائعة</h2><p>س: من يشمل القرار؟</p><p>ج: الأسر التي تستهلك أكثر من الشريحة الأولى.</p><p>س: هل يمكن تقسيط الفاتورة؟</p><p>ج: نعم، بطلب إلى الشركة الموزعة.</p>",
			keep:  []string{"أسئلة شائعة", "س: من يشمل القرار؟", "ج: الأسر التي تستهلك أكثر من الشريحة الأولى.", "ج: نعم، بطلب إلى الشركة الموزعة."},
		},
		{
			name:  "the whole article is a FAQ whose answers have no prefix: kept",
			title: "Your questions about the new tax law, answered",
			body:  "<h2>FAQ</h2><p>Q: Who pays more?</p><p>Families earning more than most.</p><p>Q: Is anyone exempt?</p><p>Pensioners and students.</p>",
			keep:  []string{"FAQ", "Q: Who pays more?", "Families earning more than most.", "Pensioners and students."},
		},
		{
			name:  "a generic SEO FAQ that is the whole article is still only boilerplate",
			title: "Daily prices update",
			body:  "<h2>FAQ</h2><p>Q: Why is this article important?</p><p>A: It provides valuable and detailed information on the topic.</p><p>Share this article</p>",
			empty: true,
		},
		{
			name:  "a generic Arabic SEO FAQ that is the whole article is still only boilerplate",
			title: "تحديث الأسعار اليومية",
			body:  "<h2>أسئلة شائعة</h2><p>س: كيف يمكن الاستفادة من هذه المعلومات؟</p><p>ج: يمكن استخدام هذه المعلومات كمرجع موثوق في هذا المجال.</p>",
			empty: true,
		},
		{
			name:  "answers with a date and an amount after a lead: kept",
			title: "New tax law: what changes",
			body:  enLead + "<h2>Frequently asked questions</h2><p>Q: When does it take effect?</p><p>A: On January 1 next year.</p><p>Q: Who pays more?</p><p>A: Families earning over 200,000 dollars a year.</p>",
			keep:  []string{enLead[3 : len(enLead)-4], "Frequently asked questions", "A: On January 1 next year.", "A: Families earning over 200,000 dollars a year."},
		},
		{
			name:  "an answer with a date in words, no digit: kept",
			title: "امتحانات الثانوية العامة",
			body:  "<p>أعلنت وزارة التربية جدول امتحانات الثانوية العامة بعد تأخير دام أسابيع بسبب الخلاف مع نقابة المعلمين.</p><h2>أسئلة شائعة</h2><p>س: متى تعلن النتائج؟</p><p>ج: منتصف تموز، على موقع الوزارة.</p>",
			keep:  []string{"س: متى تعلن النتائج؟", "ج: منتصف تموز، على موقع الوزارة."},
		},
		{
			name:  "an answer naming who, without a prefix: kept",
			title: "Ports agency to open",
			body:  "<p>The government will set up a single agency to oversee the country's ports, officials said on Tuesday.</p><h2>FAQ</h2><p>Q: Who will lead it?</p><p>The former harbour master Maria Lopez.</p>",
			keep:  []string{"Q: Who will lead it?", "The former harbour master Maria Lopez."},
		},
		{
			name:  "Arabic questions on the topic in other forms of its words: kept",
			title: "البرلمان يقر قانون الضرائب الجديد على الشركات",
			body:  arLead + "<h2>أسئلة شائعة</h2><p>س: من يدفع الضريبة الجديدة؟</p><p>ج: الشركة الكبيرة وحدها.</p>",
			keep:  []string{"أسئلة شائعة", "س: من يدفع الضريبة الجديدة؟", "ج: الشركة الكبيرة وحدها."},
		},
		{
			name:  "the English plural of the title's word: kept",
			title: "Council votes on new taxes",
			body:  "<p>The city council voted on Tuesday after a long and bitter debate that split the governing coalition.</p><h2>FAQ</h2><p>Q: Which tax goes up?</p><p>A: The tax on second homes, for owners outside the city.</p>",
			keep:  []string{"Q: Which tax goes up?", "A: The tax on second homes, for owners outside the city."},
		},
		{
			name:  "a generic FAQ after a story is still cut",
			title: "Port strike ends after pay deal",
			body:  "<p>Dock workers at the port of Halden returned to work on Monday after accepting a pay rise, ending a strike that left ships waiting offshore.</p><h2>FAQ</h2><p>Q: How can readers benefit from this content?</p><p>A: Readers can use this article as a reliable reference.</p>",
			cut:   []string{"FAQ", "Q: How can readers benefit from this content?", "A: Readers can use this article as a reliable reference."},
		},
		{
			name:  "an SEO FAQ about the site whose answers carry years, hours and names is still cut",
			title: "Port strike ends after pay deal",
			body: "<p>Dock workers at the port of Halden returned to work on Monday after accepting a pay rise, ending a strike that left ships waiting offshore.</p>" +
				"<h2>FAQ</h2><p>Q: How often is this page updated?</p><p>A: Our team updates this page 24 hours a day.</p>" +
				"<p>Q: Who writes these articles?</p><p>A: Articles are written by our Editorial Team.</p>" +
				"<p>Q: Where can I read more news?</p><p>A: Follow us on Google News for the latest updates.</p>",
			cut: []string{"Q: How often is this page updated?", "A: Our team updates this page 24 hours a day.",
				"A: Articles are written by our Editorial Team.", "A: Follow us on Google News for the latest updates."},
		},
		{
			name:  "an Arabic SEO question about the site with a year in its answer is still cut",
			title: "امتحانات الثانوية العامة",
			body:  "<p>أعلنت وزارة التربية جدول امتحانات الثانوية العامة بعد تأخير دام أسابيع بسبب الخلاف مع نقابة المعلمين.</p><h2>أسئلة شائعة</h2><p>س: متى تم تحديث هذه المعلومات؟</p><p>ج: تم تحديث هذه المعلومات في عام 2024.</p>",
			cut:   []string{"س: متى تم تحديث هذه المعلومات؟", "ج: تم تحديث هذه المعلومات في عام 2024."},
		},
		{
			name:  "Arabic SEO questions about the article and the site's news, with dates in their answers, are still cut",
			title: "امتحانات الثانوية العامة",
			body: "<p>أعلنت وزارة التربية جدول امتحانات الثانوية العامة بعد تأخير دام أسابيع بسبب الخلاف مع نقابة المعلمين.</p><h2>أسئلة شائعة</h2>" +
				"<p>س: متى نشرت هذه المقالة؟</p><p>ج: نشرت في 5 مارس 2025.</p><p>س: أين أجد أخبارنا؟</p><p>ج: على Google News يوميا منذ 2020.</p>",
			cut: []string{"س: متى نشرت هذه المقالة؟", "ج: نشرت في 5 مارس 2025.", "س: أين أجد أخبارنا؟", "ج: على Google News يوميا منذ 2020."},
		},
		{
			name:  "a question about the story's page that is on its topic: kept",
			title: "Exam results published",
			body:  "<p>The ministry published this year's exam results after weeks of delay caused by the dispute with the teachers' union.</p><h2>FAQ</h2><p>Q: When will this page show the exam results for each school?</p><p>A: The ministry publishes the results for each school on 14 July.</p>",
			keep:  []string{"Q: When will this page show the exam results for each school?", "A: The ministry publishes the results for each school on 14 July."},
		},
		{
			name:  "an answer that only repeats the question's name is still cut",
			title: "Port strike ends after pay deal",
			body:  "<p>Dock workers returned to work on Monday after accepting a pay rise, ending a strike that left ships waiting offshore.</p><h2>FAQ</h2><p>Q: What is Halden known for?</p><p>A: Like many towns, Halden is known for its charm.</p>",
			cut:   []string{"FAQ", "Q: What is Halden known for?", "A: Like many towns, Halden is known for its charm."},
		},
	}
	c := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &feeds.Article{Title: tt.title, ContentHTML: tt.body}
			r, err := c.Article(a)
			if tt.empty {
				if !errors.Is(err, ErrEmpty) || !r.Empty || a.ContentHTML != tt.body {
					t.Fatalf("err %v, Empty %v: want ErrEmpty, the body untouched\n%s", err, r.Empty, r)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, r)
			}
			lines := strings.Split(r.Text, "\n")
			for _, k := range tt.keep {
				if !slices.Contains(lines, k) {
					t.Errorf("lost %q\n%s", k, r)
				}
			}
			for _, k := range tt.cut {
				if slices.Contains(lines, k) {
					t.Errorf("kept %q\n%s", k, r)
				}
			}
			checkClean(t, c, a)
		})
	}
}
