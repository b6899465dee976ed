package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// composer builds sentences from independent parts (who, what, a tail) and
// per-sentence fillers, so that, as in real copy, long runs of text rarely
// repeat within a feed: gzip then compresses a feed about as much as real
// news, not ten times more as with whole repeated sentences.
type composer struct {
	openers, subjects, claims, tails []string
	fill                             map[string][]string // {key} -> choices
}

// sentence returns one composed sentence.
func (c *composer) sentence(rng *rand.Rand, digits func(string) string) string {
	s := pick(rng, c.openers) + pick(rng, c.subjects) + " " + pick(rng, c.claims) + pick(rng, c.tails)
	if s[0] >= 'a' && s[0] <= 'z' { // English subjects start lower-case after an opener
		s = string(s[0]-'a'+'A') + s[1:]
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(c.value(rng, s[i+1:i+j], digits))
		s = s[i+j+1:]
	}
}

// value fills one placeholder: a number range "n:lo:hi" or a word list.
func (c *composer) value(rng *rand.Rand, key string, digits func(string) string) string {
	if rest, ok := strings.CutPrefix(key, "n:"); ok {
		lo, hi, _ := strings.Cut(rest, ":")
		l, _ := strconv.Atoi(lo)
		h, _ := strconv.Atoi(hi)
		if h < l {
			h = l
		}
		return digits(strconv.Itoa(l + rng.IntN(h-l+1)))
	}
	switch key {
	case "name": // first and last names combine, as the people in real copy vary
		return pick(rng, c.fill["first"]) + " " + pick(rng, c.fill["last"])
	case "date":
		return digits(strconv.Itoa(1+rng.IntN(28))) + " " + pick(rng, c.fill["month"])
	}
	if choices := c.fill[key]; len(choices) > 0 {
		return pick(rng, choices)
	}
	return key
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

var composers = map[string]*composer{
	"ar": {
		openers: []string{
			"", "", "", "وفي تطور لافت، ", "ومن جهة أخرى، ", "وفي هذا الإطار، ", "وعلى صعيد متصل، ",
			"وبحسب مصادر مطلعة، ", "ووفقاً لبيان رسمي، ", "وفي وقت سابق من اليوم، ", "وخلال الأسبوع الماضي، ",
			"وفي تصريحات صحفية، ", "وفي خطوة لم تكن متوقعة، ", "وعلى الرغم من التحفظات، ", "ومساء أمس، ",
		},
		subjects: []string{
			"أعلنت وزارة {ministry} أن", "قال رئيس {body} إن", "أكدت مصادر في {body} أن", "أوضح مسؤول في وزارة {ministry} أن",
			"كشف تقرير صادر عن {body} أن", "ذكر ممثلو {group} أن", "أفاد بيان مشترك صادر عن {group} بأن", "رأى خبراء في {field} أن",
			"نقلت وكالة الأنباء الرسمية عن مسؤول قوله إن", "أشارت أرقام صادرة عن {body} إلى أن", "صرّح المتحدث باسم {body} بأن",
			"أكد وزير {ministry} خلال زيارته إلى {place} أن",
			"قال {role} {name} إن", "أوضح {role} {name} في حديث لإذاعة محلية أن", "أكد {role} {name} في {date} أن",
			"كتب {role} {name} في مقال نشرته صحيفة محلية أن", "قال {name}، وهو {role} من {place}، إن",
		},
		claims: []string{
			"الحكومة ستخصص {n:20:900} مليون دولار من أجل {purpose}",
			"المفاوضات ستُستأنف {when} في {place}",
			"نسبة {metric} ارتفعت إلى {n:3:40} في المئة منذ {period}",
			"نسبة {metric} تراجعت بنحو {n:3:9} نقاط مئوية منذ {period}",
			"اللجنة المختصة ستقدّم توصياتها النهائية {when}",
			"أكثر من {n:11:95} ألف شخص استفادوا من {program} منذ إطلاقه",
			"العمل جارٍ على {purpose} بالتعاون مع {group}",
			"الاجتماع المقبل سيُعقد في {place} بمشاركة {n:12:60} وفداً",
			"{program} سيشمل {n:11:27} محافظة بحلول نهاية العام",
			"الخطة الجديدة تتضمن {n:11:40} مشروعاً في مجالات {field} و{field}",
			"الأولوية في المرحلة المقبلة ستكون من نصيب {purpose}",
			"التقديرات الأولية تشير إلى خسائر تتجاوز {n:5:400} مليون دولار في قطاع {field}",
			"الاتفاق يمنح {group} دوراً أكبر في {purpose}",
			"نتائج المسح الميداني ستُنشر {when} بعد مراجعتها من {body}",
			"{name} سيتولى رئاسة {body} اعتباراً من {date}",
			"عدد المستفيدين في {place} وحدها بلغ {n:1200:98000} شخص حتى {date}",
			"كلفة المشروع قُدّرت بنحو {n:12:950} مليون دولار، يموّل {group} جزءاً منها",
			"الجولة الأولى من المحادثات انتهت في {date} دون اتفاق على {purpose}",
			"{n:11:90} في المئة من المشاركين في استطلاع أجراه {body} يؤيدون {purpose}",
		},
		tails: []string{
			".", ".", "، وذلك في إطار خطة تمتد حتى عام {n:2026:2035}.", "، على أن تُعلن التفاصيل الكاملة في وقت لاحق.",
			"، في ظل ظروف اقتصادية صعبة تمر بها المنطقة.", "، بحسب ما نقلته وسائل إعلام محلية.", "، دون أن يحدد جدولاً زمنياً لذلك.",
			"، وهو ما لقي ترحيباً واسعاً لدى {group}.", "، في حين أبدى {group} تحفظات على بعض البنود.",
			"، مضيفاً أن الباب لا يزال مفتوحاً أمام مقترحات {group}.", "، وفق ما جاء في البيان الختامي.",
		},
		fill: map[string][]string{
			"ministry": {"المالية", "الخارجية", "الداخلية", "الاقتصاد", "الصحة", "التربية والتعليم", "الطاقة", "الزراعة", "النقل", "الشؤون الاجتماعية", "العمل", "البيئة"},
			"body":     {"البرلمان", "البنك المركزي", "هيئة الإحصاء", "مجلس الوزراء", "الغرفة التجارية", "اللجنة الأولمبية", "هيئة الاستثمار", "ديوان المحاسبة", "المجلس الاقتصادي والاجتماعي", "اتحاد المصارف"},
			"group":    {"النقابات المهنية", "منظمات المجتمع المدني", "رجال الأعمال", "أحزاب المعارضة", "اتحاد المزارعين", "الجمعيات الأهلية", "القطاع الخاص", "المجالس البلدية", "الأندية الرياضية", "الجامعات الحكومية", "نقابة الأطباء", "اتحاد الصناعات", "جمعيات حماية المستهلك", "الغرف التجارية"},
			"field":    {"الطاقة المتجددة", "البنية التحتية", "التعليم", "الصحة", "النقل العام", "الأمن الغذائي", "السياحة", "التحول الرقمي", "المياه", "الإسكان", "الصناعة", "الرياضة"},
			"purpose":  {"تحديث شبكات المياه", "دعم المشروعات الصغيرة", "إعادة تأهيل المدارس", "توسيع شبكة الطرق", "تطوير المستشفيات الحكومية", "تحسين خدمات النقل", "دعم صغار المزارعين", "توفير فرص عمل للشباب", "تطوير الملاعب والمنشآت الرياضية", "رقمنة الخدمات الحكومية"},
			"when":     {"الأسبوع المقبل", "مطلع الشهر المقبل", "قبل نهاية العام", "خلال الأيام القليلة المقبلة", "في الربع الأول من العام المقبل", "بعد عطلة العيد"},
			"metric":   {"البطالة", "التضخم", "النمو", "الإشغال الفندقي", "المشاركة في الانتخابات", "الادخار", "الفقر", "الالتحاق بالتعليم"},
			"period":   {"الربع الأخير", "منتصف العام الماضي", "العام الماضي", "آخر تعداد سكاني", "بداية الأزمة", "مطلع العام"},
			"program":  {"برنامج الدعم النقدي", "مشروع الإسكان الميسّر", "برنامج التدريب المهني", "مبادرة التمويل الأصغر", "برنامج التأمين الصحي", "مشروع الطاقة الشمسية"},
			"role":     {"الخبير الاقتصادي", "المحلل السياسي", "النائب", "الوزير السابق", "الأستاذ الجامعي", "رئيس البلدية", "المستشار القانوني", "الباحث", "المدرب", "السفير"},
			"first":    {"أحمد", "محمد", "خالد", "يوسف", "عمر", "طارق", "سامر", "فراس", "عادل", "ماجد", "حسن", "وليد", "إبراهيم", "كريم", "رامي", "زياد", "جمال", "نبيل", "هشام", "مروان", "باسل", "منير", "عصام", "فادي"},
			"last":     {"المصري", "حداد", "العلي", "الخطيب", "منصور", "القاسم", "الشامي", "الحسن", "النجار", "العمري", "الزعبي", "البستاني", "التميمي", "السعدي", "الكبيسي", "الفاسي", "بن سالم", "الدوري", "الحلبي", "العطار", "الجبوري", "المهيري", "الراشد", "عيسى"},
			"month":    {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر", "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول"},
			"place":    {"القاهرة", "بيروت", "عمّان", "الرياض", "الدوحة", "تونس", "الرباط", "بغداد", "الخرطوم", "الجزائر", "أبوظبي", "الكويت", "مسقط", "دمشق", "جنيف", "نيويورك", "بروكسل", "إسطنبول"},
		},
	},
	"en": {
		openers: []string{
			"", "", "", "In a notable development, ", "Separately, ", "Against this background, ", "Earlier on Thursday, ",
			"According to people familiar with the matter, ", "In a statement, ", "Last week, ", "Speaking to reporters, ",
			"In a surprise move, ", "Despite the reservations, ", "On Sunday evening, ",
		},
		subjects: []string{
			"the {ministry} ministry announced that", "the head of the {body} said", "sources at the {body} said",
			"an official at the {ministry} ministry explained that", "a report by the {body} found that",
			"representatives of {group} said", "a joint statement by {group} said", "experts in {field} argued that",
			"the state news agency quoted an official as saying", "figures published by the {body} showed that",
			"a spokesperson for the {body} said", "the {ministry} minister said during a visit to {place} that",
			"{role} {name} said", "{role} {name} told a local radio station that", "{role} {name} said on {date} that",
			"writing in a local newspaper, {role} {name} argued that", "{name}, a {role} from {place}, said",
		},
		claims: []string{
			"the government would allocate ${n:20:900} million to {purpose}",
			"negotiations would resume {when} in {place}",
			"the {metric} rate had risen to {n:3:40} percent since {period}",
			"the {metric} rate had fallen by about {n:3:9} percentage points since {period}",
			"the committee would present its final recommendations {when}",
			"more than {n:11:95},000 people had benefited from the {program} since its launch",
			"work was under way on {purpose} together with {group}",
			"the next meeting would be held in {place} with {n:12:60} delegations taking part",
			"the {program} would cover {n:11:27} provinces by the end of the year",
			"the new plan includes {n:11:40} projects in {field} and {field}",
			"the priority in the coming phase would be {purpose}",
			"early estimates put losses in {field} at more than ${n:5:400} million",
			"the agreement gives {group} a bigger role in {purpose}",
			"the results of the field survey would be published {when} after review by the {body}",
			"{name} would take over as head of the {body} from {date}",
			"the number of beneficiaries in {place} alone had reached {n:1200:98000} by {date}",
			"the project's cost was estimated at about ${n:12:950} million, part of it funded by {group}",
			"the first round of talks ended on {date} without agreement on {purpose}",
			"{n:11:90} percent of respondents in a survey by the {body} supported {purpose}",
		},
		tails: []string{
			".", ".", ", as part of a plan that runs until {n:2026:2035}.", ", with full details to be announced later.",
			", at a time of economic hardship across the region.", ", local media reported.", ", without giving a timetable.",
			", a step widely welcomed by {group}.", ", while {group} expressed reservations about some provisions.",
			", adding that the door remained open to proposals from {group}.", ", according to the final communique.",
		},
		fill: map[string][]string{
			"ministry": {"finance", "foreign", "interior", "economy", "health", "education", "energy", "agriculture", "transport", "social affairs", "labour", "environment"},
			"body":     {"parliament", "central bank", "statistics office", "cabinet", "chamber of commerce", "Olympic committee", "investment authority", "audit bureau", "economic and social council", "banking association"},
			"group":    {"professional unions", "civil society groups", "business leaders", "opposition parties", "the farmers' union", "charities", "private-sector representatives", "municipal councils", "sports associations", "public universities"},
			"field":    {"renewable energy", "infrastructure", "education", "health care", "public transport", "food security", "tourism", "digital services", "water", "housing", "manufacturing", "sport"},
			"purpose":  {"upgrading water networks", "supporting small businesses", "rehabilitating schools", "extending the road network", "modernising public hospitals", "improving public transport", "helping smallholder farmers", "creating jobs for young people", "renovating stadiums and sports facilities", "digitising government services"},
			"when":     {"next week", "early next month", "before the end of the year", "in the coming days", "in the first quarter of next year", "after the holiday"},
			"metric":   {"unemployment", "inflation", "growth", "hotel occupancy", "voter turnout", "savings", "poverty", "school enrolment"},
			"period":   {"the last quarter", "the middle of last year", "last year", "the last census", "the start of the crisis", "the beginning of the year"},
			"program":  {"cash support programme", "affordable housing scheme", "vocational training programme", "microfinance initiative", "health insurance programme", "solar energy project"},
			"role":     {"economist", "political analyst", "MP", "former minister", "professor", "mayor", "legal adviser", "researcher", "coach", "ambassador"},
			"first":    {"Ahmed", "Mohammed", "Khaled", "Youssef", "Omar", "Tarek", "Samer", "Firas", "Adel", "Maged", "Hassan", "Walid", "Ibrahim", "Karim", "Rami", "Ziad", "Leila", "Nadia", "Hind", "Rania", "Salma", "Dina", "Mona", "Yasmin"},
			"last":     {"al-Masri", "Haddad", "al-Ali", "Khatib", "Mansour", "Qasem", "al-Shami", "al-Hassan", "Najjar", "al-Omari", "Zoubi", "Bustani", "Tamimi", "Saadi", "Kubaisi", "Fassi", "Ben Salem", "Douri", "Halabi", "Attar", "Jubouri", "Muhairi", "Rashed", "Issa"},
			"month":    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
			"place":    {"Cairo", "Beirut", "Amman", "Riyadh", "Doha", "Tunis", "Rabat", "Baghdad", "Khartoum", "Algiers", "Abu Dhabi", "Kuwait City", "Muscat", "Damascus", "Geneva", "New York", "Brussels", "Istanbul"},
		},
	},
}
