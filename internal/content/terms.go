package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/arabic"
)

// A question/answer pair is kept when it talks about the story: when its
// words share at least minSharedTerms significant terms (three letters or
// more, not stopwords, light prefix and plural stripping, Arabic word
// forms matched by their skeletons: الضرائب and الضريبة) with the title
// and the story's own paragraphs. Generic SEO FAQs ("ما أهمية هذا
// المحتوى؟") share none. Pairs judged relevant join the story for the
// next round, so an interview whose questions pick up each other's topics
// is kept as a whole while generic pairs never get in.
const (
	minSharedTerms = 2
	minTermRunes   = 3
	maxQARounds    = 3
)

// termSet is a set of term candidates.
type termSet map[string]struct{}

// arabicPrefixes are the attached particles stripped to find a word's
// stem candidates, longest first: و ف (and), ب ل ك (prepositions), ال (the).
var arabicPrefixes = [...]string{"وبال", "ولل", "وال", "فال", "بال", "كال", "لل", "ال", "وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك"}

// candidates calls fn with w and the stems it may share with another form
// of the same word: without attached Arabic particles (لأرمينيا, أرمينيا),
// without an English plural (sides, side). Every candidate keeps at least
// minTermRunes runes.
func candidates(w string, fn func(string)) {
	fn(w)
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case r >= 0x0600 && r <= 0x06FF:
		n := utf8.RuneCountInString(w)
		for _, p := range arabicPrefixes {
			if strings.HasPrefix(w, p) && n-utf8.RuneCountInString(p) >= minTermRunes {
				fn(w[len(p):])
			}
		}
	case r < utf8.RuneSelf && 'a' <= r && r <= 'z':
		switch {
		case len(w) > 4 && strings.HasSuffix(w, "ies"):
			fn(w[:len(w)-3] + "y")
		case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
			fn(w[:len(w)-1])
			// taxes, tax; churches, church
			if s := w[:len(w)-2]; len(w) > 4 && w[len(w)-2] == 'e' && len(s) >= minTermRunes &&
				(strings.HasSuffix(s, "x") || strings.HasSuffix(s, "ss") || strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "sh")) {
				fn(s)
			}
		}
	}
}

// forms calls fn with every candidate of w and, for an Arabic word, the
// skeletons of each: what matching a story term by topic needs beyond the
// candidates (which stopwords use, and keep strict). Arabic plurals and
// feminine forms are not only prefixes and suffixes (الضرائب, الضريبة;
// المدارس, المدرسة; الأسعار, سعر): with the suffix and the long vowels
// taken out, both come to one key. Keys may collide between unrelated
// words; a collision only keeps a pair, which is the side cleaning errs
// on.
func forms(w string, fn func(string)) {
	candidates(w, func(c string) {
		fn(c)
		if len(c) > 1 && c[0] >= 0xD8 && c[0] <= 0xDB && !strings.HasPrefix(c, "ال") {
			// A candidate with the article has one without it.
			arabicSkeletons(c, fn)
		}
	})
}

// arabicSkeletons calls fn with the skeletons of the folded Arabic word w
// that differ from w: w without its long vowels and hamza seats (ا و ي ء
// ئ ؤ) after its first letter; that without the last letter of a plural,
// dual, feminine or relative ending w has (ات ون ين ان, ة folded to ه,
// ية); and each of these without a first alef (the أ of أفعال plurals:
// أسعار, سعر). Skeletons shorter than minTermRunes are left out: too many
// words share them.
func arabicSkeletons(w string, fn func(string)) {
	var buf [64]byte
	k := buf[:0]
	for i, r := range w {
		if i > 0 && (r == 'ا' || r == 'و' || r == 'ي' || r == 'ء' || r == 'ئ' || r == 'ؤ') {
			continue
		}
		k = utf8.AppendRune(k, r)
	}
	ks := w
	if len(k) != len(w) {
		ks = string(k)
	}
	var stem string // ks without the ending's last letter
	for _, end := range [...]string{"ات", "ون", "ين", "ان", "ه"} {
		if strings.HasSuffix(w, end) {
			_, n := utf8.DecodeLastRuneInString(ks)
			stem = ks[:len(ks)-n]
			break
		}
	}
	for _, s := range [...]string{ks, stem} {
		if s == "" {
			continue
		}
		if s != w && utf8.RuneCountInString(s) >= minTermRunes {
			fn(s)
		}
		if rest, ok := strings.CutPrefix(s, "ا"); ok && utf8.RuneCountInString(rest) >= minTermRunes {
			fn(rest)
		}
	}
}

// words calls fn with each word of folded text f: runs of letters and
// digits of at least minTermRunes runes.
func words(f string, fn func(string)) {
	start, n := -1, 0
	for i, r := range f {
		if isWordRune(r) {
			if start < 0 {
				start, n = i, 0
			}
			n++
			continue
		}
		if start >= 0 && n >= minTermRunes {
			fn(f[start:i])
		}
		start = -1
	}
	if start >= 0 && n >= minTermRunes {
		fn(f[start:])
	}
}

// significant reports whether no candidate of w is a stopword.
func (mk *matcher) significant(w string) bool {
	ok := true
	candidates(w, func(c string) {
		if mk.stop[c] {
			ok = false
		}
	})
	return ok
}

// addTerms adds every form of every significant word of folded text f.
func (mk *matcher) addTerms(set termSet, f string) {
	words(f, func(w string) {
		if mk.significant(w) {
			forms(w, func(c string) { set[c] = struct{}{} })
		}
	})
}

// terms counts the significant words of folded text f: none in a line
// made only of function words and the generic vocabulary of SEO FAQs
// ("ما أهمية هذا المحتوى؟", "It offers valuable information").
func (mk *matcher) terms(f string) int {
	n := 0
	words(f, func(w string) {
		if mk.significant(w) {
			n++
		}
	})
	return n
}

// shared counts the distinct significant words of folded text f that
// have a form in story.
func (mk *matcher) shared(story termSet, f string) int {
	seen := map[string]struct{}{}
	words(f, func(w string) {
		if !mk.significant(w) {
			return
		}
		hit := false
		forms(w, func(c string) {
			if _, ok := story[c]; ok {
				hit = true
			}
		})
		if !hit {
			return
		}
		// Count each stem once: لأرمينيا and أرمينيا are one term.
		key := w
		candidates(w, func(c string) {
			if len(c) < len(key) {
				key = c
			}
		})
		seen[key] = struct{}{}
	})
	return len(seen)
}

// stopwords returns the folded stopwords: function words, and the generic
// vocabulary of SEO FAQs ("content", "information", "معلومات", "المحتوى"),
// which says nothing about any story.
func stopwords() map[string]bool {
	lists := []string{
		// Arabic function words.
		`في من على إلى الى عن مع هذا هذه ذلك تلك هؤلاء التي التى الذي الذين اللذين اللتين ان أن إن إنه أنه
		كان كانت يكون تكون قد لقد لا لم لن ما ماذا كيف متى أين هل أو ثم حتى عند عندما بين بعد قبل كل بعض
		غير هو هي هم هما نحن أنت أنا يمكن يجب أيضا حول خلال منذ عبر لدى لكن بل إذا إذ كما مثل حيث فقط جدا
		ليس ليست وقد وكان أي أية دون ضمن نحو عليه عليها فيه فيها منه منها به بها له لها لهم ذات ذو هنا هناك
		الآن اليوم أكثر أقل كثير قليل تم يتم وفق وفقا بشكل بسبب لأن فإن قال قالت يقول تقول أضاف أكد كذلك
		سوف هذان هاتان أولئك إلا الا أما إما لماذا وما كيفية`,
		// Generic FAQ and SEO vocabulary.
		`محتوى معلومات معلومة موضوع مقال مقالة خبر أخبار مجال أهمية استفادة مفيد مفيدة قيمة قيم شامل شاملة
		مفصل مفصلة تفاصيل مرجع موثوق موثوقة سؤال أسئلة جواب إجابة شائعة صفحة قارئ القراء قراء فهم يوفر توفر
		تقدم يقدم استخدام مصدر مهم مهمة هام هامة طرح مطروح مطروحة عام بحث محركات فهرسة نقاط أساسية رئيسية`,
		// English function words.
		`about above after again against all also and any are because been before being below between both
		but can could did does doing down during each few for from further had has have having her here hers
		him his how into its itself just more most nor not now off once only other our out over own same she
		should some such than that the their them then there these they this those through too under until
		very was were what when where which while who whom why will with would you your yours yes said says
		say one two three new like get got make made use used using many much may might must shall its`,
		// Generic FAQ and SEO vocabulary.
		`content information info article page topic subject important importance useful valuable value
		reliable reference detailed comprehensive help helps field question answer news story read reader
		understand provide offer well better best way thing matter issue know learn main key point`,
	}
	stop := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(arabic.Fold(l)) {
			stop[w] = true
			candidates(w, func(c string) { stop[c] = true })
		}
	}
	return stop
}

// factWords are the folded words that state a date or an amount: month
// and weekday names, large numbers, units of money. A Q/A answer with one
// of them (or a digit, or a name) tells the reader something specific,
// which the generic FAQs written for search engines ("It offers valuable
// information on the topic", "X is a …") never do. Names that are also
// common words are left out: may, march (and "mar"), آب (أب, father),
// الأحد (أحد, one), صفر (zero), محرم (forbidden).
func factWords() map[string]bool {
	lists := []string{
		`january february april june july august september october november december
		monday tuesday wednesday thursday friday saturday sunday
		thousand million billion trillion percent dollar euro pound dinar dirham riyal lira yen`,
		`يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
		كانون شباط آذار نيسان أيار حزيران تموز أيلول تشرين جانفي فيفري أفريل جوان جويلية أوت
		رمضان شعبان شوال رجب
		الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت
		ألف آلاف ألفا مليون ملايين مليار مليارات بالمئة بالمائة دولار دينار ريال جنيه درهم يورو ليرة`,
	}
	facts := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(arabic.Fold(l)) {
			candidates(w, func(c string) { facts[c] = true })
		}
	}
	return facts
}

// aboutThePage finds the phrases (folded) of a question that asks about
// the publication rather than the story: "When was this information
// updated?", "Who writes these articles?", "Where can I read more news?".
// The answers of such SEO FAQs carry years, hours and the site's names
// ("in 2024", "Google News", "our Editorial Team"): facts about the site,
// which do not make the pair the story's.
var aboutThePage = func() phraseIndex {
	ix := phraseIndex{}
	for _, p := range []string{
		"this information", "this page", "this article", "these articles", "this site", "this website",
		"our site", "our website", "our articles", "our news", "more news", "latest news", "the latest updates",
		"هذه المعلومات", "هذه الصفحة", "هذا المقال", "هذه المقالة", "هذه المقالات", "هذا الخبر", "هذا الموقع",
		"موقعنا", "مقالاتنا", "أخبارنا", "المزيد من الأخبار", "آخر الأخبار", "آخر التحديثات",
	} {
		ix.add(arabic.Fold(p), true)
	}
	return ix
}()

// asksAboutThePage reports whether a folded question is about the
// publication (aboutThePage), at word boundaries.
func asksAboutThePage(ask string) bool { return aboutThePage.find(ask).filler > 0 }

// statesFact reports whether the Q/A line b says something specific: a
// digit, a date or an amount (factWords), or, when b answers (ask is the
// folded text of the question it answers, "" if none), a name: a
// capitalised word inside a sentence that is no stopword and that the
// question did not already say: "What is Halden known for?" "Like many
// towns, Halden is known for its charm." names nothing new. Arabic has no
// capitals: its names count only through the rest of the Q/A rules.
func (mk *matcher) statesFact(b *block, ask string) bool {
	// What follows the "Q:" or "س:" prefix: "Q1:" numbering is no fact.
	text := b.text
	if i := strings.IndexAny(text, ":："); i >= 0 && b.qa != qaNone {
		text = text[i+1:]
	}
	f := arabic.Fold(text)
	if strings.ContainsFunc(f, func(r rune) bool { return '0' <= r && r <= '9' }) {
		return true
	}
	found := false
	words(f, func(w string) {
		candidates(w, func(c string) { found = found || mk.facts[c] })
	})
	if found || b.qa == qaQuestion {
		return found
	}
	asked := termSet{}
	words(ask, func(w string) { asked[w] = struct{}{} })
	start := true // at the start of a sentence
	for i := 0; i < len(text) && !found; {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if isSentenceEnd(r) || r == ':' || r == '"' || r == '“' {
				start = true
			}
			i += n
			continue
		}
		j := i + n
		for j < len(text) {
			r2, n2 := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r2) {
				break
			}
			j += n2
		}
		w := text[i:j]
		if !start && r < utf8.RuneSelf && unicode.IsUpper(r) && j-i >= 2 {
			fw := arabic.Fold(w)
			if _, ok := asked[fw]; !ok && mk.significant(fw) {
				found = true
			}
		}
		start = false
		i = j
	}
	return found
}
