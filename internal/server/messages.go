package server

import (
	"fmt"
	"strings"
	"time"
)

// messages are the pages' own words (navigation, headings, labels, the
// status page) by primary language subtag. The site's language picks the
// table; a language without one, or a key missing from it, gets English.
// Articles keep their own words and language.
var messages = map[string]map[string]string{
	"en": {
		"nav":                     "Site",
		"nav.status":              "Status",
		"nav.opml":                "OPML",
		"feeds":                   "Feeds",
		"feeds.all":               "All articles",
		"index.categories":        "Categories",
		"index.empty":             "No categories yet: import articles with",
		"category.empty":          "No articles yet.",
		"article.related":         "Related",
		"article.source":          "Source",
		"status.title":            "Status",
		"status.as_of":            "As of",
		"status.sources":          "Sources",
		"status.no_sources":       "No upstream sources.",
		"status.source":           "Source",
		"status.state":            "State",
		"status.schedule":         "Schedule",
		"status.default":          "default",
		"status.last_fetch":       "Last fetch",
		"status.last_run":         "%d new, %d updated",
		"status.last_success":     "Last success",
		"status.next_run":         "Next run",
		"status.failures":         "Failures in a row",
		"status.activity":         "Items per day, last %s",
		"status.chart_day":        "%s: %d",
		"status.last_error":       "Last error",
		"status.note":             "Note",
		"status.moved":            "Moved from",
		"status.held_by":          "Being fetched by",
		"status.lease_ends":       ", lease ends",
		"status.lease_lapsed":     ", its lease lapsed: another instance takes it over",
		"status.writes_failing":   "Degraded: the database cannot be written.",
		"status.writes_meanwhile": "Stored feeds are served; ingest, imports and the admin API wait.",
		"status.subscribers":      "WebSub subscribers",
		"status.topic":            "Feed",
		"status.active":           "Active subscribers",
		"status.no_subs":          "No subscribers.",
		"state.ok":                "OK",
		"state.failing":           "Failing",
		"state.disabled":          "Disabled",
		"state.new":               "Not fetched yet",
		"time.never":              "never",
		"time.just_now":           "just now",
		"time.due_now":            "due now",
		"time.not_scheduled":      "not scheduled",
		"time.waits_for_writes":   "waits for database writes",
		"time.ago":                "%s ago",
		"time.in":                 "in %s",
		"error.not_found":         "Not found",
		"error.gone":              "Withdrawn",
		"error.no_page":           "There is no page at this address.",
		"error.no_article":        "There is no article at this address.",
		"error.no_category":       "There is no category named",
		"error.withdrawn":         "This article was withdrawn and is no longer published.",
		"error.home":              "Go to the front page",
	},
	"ar": {
		"nav":                     "الموقع",
		"nav.status":              "الحالة",
		"nav.opml":                "OPML",
		"feeds":                   "الخلاصات",
		"feeds.all":               "كل الأخبار",
		"index.categories":        "الأقسام",
		"index.empty":             "لا توجد أقسام بعد: استورد مقالات بالأمر",
		"category.empty":          "لا توجد مقالات بعد.",
		"article.related":         "مواضيع ذات صلة",
		"article.source":          "المصدر",
		"status.title":            "الحالة",
		"status.as_of":            "حتى",
		"status.sources":          "المصادر",
		"status.no_sources":       "لا توجد مصادر خارجية.",
		"status.source":           "المصدر",
		"status.state":            "الوضع",
		"status.schedule":         "الجدول",
		"status.default":          "الافتراضي",
		"status.last_fetch":       "آخر جلب",
		"status.last_run":         "%d جديدة، %d محدَّثة",
		"status.last_success":     "آخر نجاح",
		"status.next_run":         "الجلب التالي",
		"status.failures":         "إخفاقات متتالية",
		"status.activity":         "المواد يوميًا، آخر %s",
		"status.chart_day":        "%s: %d",
		"status.last_error":       "آخر خطأ",
		"status.note":             "ملاحظة",
		"status.held_by":          "يجلبه الآن",
		"status.lease_ends":       "، تنتهي مهلته",
		"status.lease_lapsed":     "، انقضت مهلته: تتولاه نسخة أخرى",
		"status.moved":            "نُقل من",
		"status.writes_failing":   "الخدمة منقوصة: تتعذّر الكتابة في قاعدة البيانات.",
		"status.writes_meanwhile": "تُقدَّم الخلاصات المخزّنة، وينتظر الجلب والاستيراد وواجهة الإدارة.",
		"status.subscribers":      "مشتركو WebSub",
		"status.topic":            "الخلاصة",
		"status.active":           "المشتركون النشطون",
		"status.no_subs":          "لا يوجد مشتركون.",
		"state.ok":                "يعمل",
		"state.failing":           "متعثّر",
		"state.disabled":          "معطَّل",
		"state.new":               "لم يُجلب بعد",
		"time.never":              "لم يحدث بعد",
		"time.just_now":           "الآن",
		"time.due_now":            "الآن",
		"time.not_scheduled":      "غير مجدول",
		"time.waits_for_writes":   "ينتظر إتاحة الكتابة في قاعدة البيانات",
		"time.ago":                "منذ %s",
		"time.in":                 "بعد %s",
		"error.not_found":         "غير موجود",
		"error.gone":              "خبر مسحوب",
		"error.no_page":           "لا توجد صفحة بهذا العنوان.",
		"error.no_article":        "لا يوجد خبر بهذا العنوان.",
		"error.no_category":       "لا يوجد قسم باسم",
		"error.withdrawn":         "سُحب هذا الخبر ولم يعد منشورًا.",
		"error.home":              "إلى الصفحة الرئيسية",
	},
}

// chromeLanguage is the key of the message table for a BCP 47 tag.
func chromeLanguage(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
	if _, ok := messages[primary]; ok {
		return primary
	}
	return "en"
}

// message is the page word for key in the language of tag.
func message(tag, key string) string {
	if m, ok := messages[chromeLanguage(tag)][key]; ok {
		return m
	}
	if m, ok := messages["en"][key]; ok {
		return m
	}
	return key // a missing word shows, rather than an empty label
}

// unit is a span of time counted in words.
type unit int

const (
	second unit = iota
	minute
	hour
	day
)

// unitWords spells a count of each unit. English has one and other;
// Arabic (CLDR) has one, two, few (3-10), many (11-99) and other, says
// one and two without the number, and puts the dual in the case that
// follows منذ and بعد ("منذ دقيقتين").
var unitWords = map[string][4][]string{
	"en": {
		second: {"1 second", "%d seconds"},
		minute: {"1 minute", "%d minutes"},
		hour:   {"1 hour", "%d hours"},
		day:    {"1 day", "%d days"},
	},
	"ar": {
		second: {"ثانية", "ثانيتين", "%d ثوانٍ", "%d ثانية", "%d ثانية"},
		minute: {"دقيقة", "دقيقتين", "%d دقائق", "%d دقيقة", "%d دقيقة"},
		hour:   {"ساعة", "ساعتين", "%d ساعات", "%d ساعة", "%d ساعة"},
		day:    {"يوم", "يومين", "%d أيام", "%d يومًا", "%d يوم"},
	},
}

// count says n of u, e.g. "3 minutes" or "3 دقائق".
func count(tag string, n int, u unit) string {
	lang := chromeLanguage(tag)
	forms, ok := unitWords[lang]
	if !ok {
		forms = unitWords["en"]
	}
	w := forms[u]
	var form string
	switch {
	case len(w) == 2 && n == 1:
		form = w[0]
	case len(w) == 2:
		form = w[1]
	case n == 1:
		form = w[0]
	case n == 2:
		form = w[1]
	case n%100 >= 3 && n%100 <= 10:
		form = w[2]
	case n%100 >= 11:
		form = w[3]
	default:
		form = w[4]
	}
	if strings.Contains(form, "%d") {
		return fmt.Sprintf(form, n)
	}
	return form
}

// span rounds d to the largest unit that keeps it readable: seconds
// under a minute, then minutes, hours and days. Rounding comes first, so
// 59.6 s is "1 minute", never "60 seconds".
func span(d time.Duration) (int, unit) {
	s := int((d + time.Second/2) / time.Second)
	switch {
	case s < 60:
		return s, second
	case s < 60*60-30:
		return (s + 30) / 60, minute
	case s < 24*60*60-30*60:
		return (s + 30*60) / (60 * 60), hour
	default:
		return (s + 12*60*60) / (24 * 60 * 60), day
	}
}

// ago says how long before now a past event happened; a clock that puts
// it in the future gets "in …" rather than a negative age.
func ago(tag string, t, now time.Time) string {
	if t.IsZero() {
		return message(tag, "time.never")
	}
	if t.After(now) {
		return until(tag, t, now)
	}
	n, u := span(now.Sub(t))
	if n == 0 {
		return message(tag, "time.just_now")
	}
	return fmt.Sprintf(message(tag, "time.ago"), count(tag, n, u))
}

// until says how long after now a scheduled event comes. One whose time
// has come waits only for the scheduler's next tick: it is due now.
func until(tag string, t, now time.Time) string {
	if !t.After(now) {
		return message(tag, "time.due_now")
	}
	n, u := span(t.Sub(now))
	if n == 0 {
		return message(tag, "time.due_now")
	}
	return fmt.Sprintf(message(tag, "time.in"), count(tag, n, u))
}
