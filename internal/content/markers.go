package content

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/arabic"
)

// Markers are the words that identify boilerplate. Each list is matched in
// folded form (arabic.Fold: case, Arabic diacritics, tatweel, alef variants
// and bidi controls ignored) with surrounding punctuation trimmed, so
// "اقرا ايضا:" matches "اقرأ أيضاً". Matching never changes the text kept.
type Markers struct {
	// Headings open a trailing block that is not article text
	// ("معلومات إضافية ومفصلة", "FAQ", "Share this"). A heading matches
	// only a whole block, never part of a sentence.
	Headings []string
	// Related are headings whose items are the titles of related
	// articles ("مواضيع ذات صلة", "Related articles"). They open a trailing
	// block just as Headings do; their items become the article's related
	// entries. "Related: <title>" on one line is a related entry anywhere.
	Related []string
	// Filler are phrases that mark a sentence written for search engines
	// rather than readers ("فهرسة هذه الصفحة", "help search engines"). A
	// short paragraph containing one is cut wherever it stands, so keep
	// them specific: "search engine" alone would cut news about Google.
	Filler []string
	// Share are share-button and follow-us texts and network names
	// ("شارك هذا المقال", "Share on", "Facebook"). A block made only of them,
	// with separators and small connecting words between ("Share on
	// Facebook | X"), is cut wherever it stands.
	Share []string
	// Newsletter are newsletter and subscription texts ("النشرة البريدية",
	// "Subscribe to our newsletter"). A block made only of them is cut
	// anywhere, and so is a short one containing a phrase of three or more
	// words (shorter ones, such as "sign up", occur in news).
	Newsletter []string
	// Footer are the lines a CMS appends to every item of its feed, each
	// with "…" where the text of a link stands: WordPress (Yoast SEO)
	// writes "The post <a>Title</a> appeared first on <a>Site</a>." A
	// block is cut wherever it stands when it is one of them and nothing
	// else, each "…" the text of one of its links, in order, and it has
	// no other link: a sentence of a story that says "appeared first on"
	// is not the footer.
	Footer []string
}

// DefaultMarkers returns the built-in Arabic and English markers.
func DefaultMarkers() Markers {
	return Markers{
		Headings: []string{
			"معلومات إضافية ومفصلة", "معلومات إضافية", "معلومات مفصلة",
			"أسئلة شائعة", "الأسئلة الشائعة", "أسئلة متكررة", "الأسئلة المتكررة",
			"شارك", "شارك المقال", "شارك الخبر", "شارك هذا المقال", "تابعونا", "تابعنا",
			"تابعونا على", "تابعونا على مواقع التواصل الاجتماعي",
			"Additional information", "More information",
			"FAQ", "FAQs", "Frequently asked questions",
			"Share", "Share this", "Share this article", "Share this story", "Follow us", "Follow us on",
		},
		Related: []string{
			"مواضيع ذات صلة", "مقالات ذات صلة", "أخبار ذات صلة", "موضوعات ذات صلة",
			"اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "اقرأ المزيد", "طالع أيضا", "شاهد أيضا",
			"Related articles", "Related topics", "Related stories", "Related news", "Related",
			"Read more", "Read also", "Also read", "See also", "More on this story",
		},
		Filler: []string{
			"لمساعدة محركات البحث", "مساعدة محركات البحث", "محركات البحث في فهرسة",
			"فهرسة هذه الصفحة", "أرشفة هذه الصفحة", "محتوى شامل ومفصل",
			"help search engines", "helps search engines", "search engines index",
			"search engines understand", "index this page", "for seo purposes",
		},
		Share: []string{
			"شارك", "شارك هذا المقال", "شارك المقال", "شارك الخبر", "شارك هذا الخبر",
			"شارك على", "شارك عبر", "انشر على", "مشاركة على", "مشاركة عبر", "مشاركة",
			"تابعونا", "تابعونا على", "تابعنا على",
			"فيسبوك", "فيس بوك", "تويتر", "إكس", "واتساب", "واتس اب", "تلغرام", "تيليغرام",
			"لينكد إن", "انستغرام", "إنستغرام", "يوتيوب", "البريد الإلكتروني", "طباعة", "نسخ الرابط",
			"Share", "Share this", "Share this article", "Share this story", "Share on", "Share via",
			"Tweet", "Tweet this", "Follow us", "Follow us on", "Copy link", "Print", "Email",
			"Facebook", "Twitter", "X", "WhatsApp", "Telegram", "LinkedIn", "Instagram", "YouTube", "Reddit",
		},
		Newsletter: []string{
			"اشترك في النشرة البريدية", "اشترك في النشرة الإخبارية", "اشترك في نشرتنا",
			"اشترك في نشرتنا البريدية", "اشتركوا في النشرة البريدية", "النشرة البريدية",
			"اشترك الآن", "اشترك", "سجل الآن", "ليصلك كل جديد", "في بريدك الإلكتروني", "بريدك الإلكتروني",
			"Subscribe to our newsletter", "Sign up for our newsletter", "Sign up to our newsletter",
			"Get our newsletter", "Newsletter", "Subscribe", "Subscribe now", "Sign up", "in your inbox",
			"your email address",
		},
		Footer: []string{
			"The post … appeared first on …",
			"ظهرت المقالة … أولاً على …",
		},
	}
}

// IsZero reports whether m has no markers at all, in which case callers
// usually want DefaultMarkers.
func (m Markers) IsZero() bool {
	return len(m.Headings) == 0 && len(m.Related) == 0 && len(m.Filler) == 0 &&
		len(m.Share) == 0 && len(m.Newsletter) == 0 && len(m.Footer) == 0
}

// phraseIndex finds any of a list of folded phrases inside folded text on
// word boundaries, looking phrases up by the word they start with: one map
// lookup per word of the text instead of one search per phrase.
type phraseIndex map[string][]tagged

// tagged is a phrase and the list it came from.
type tagged struct {
	phrase string
	filler bool // a filler phrase, else a newsletter one
}

func (ix phraseIndex) add(phrase string, filler bool) {
	w, _, _ := strings.Cut(phrase, " ")
	ix[w] = append(ix[w], tagged{phrase, filler})
}

// phrases is what phraseIndex.find found in a text.
type phrases struct {
	newsletter, filler int     // phrases of each list
	opens              CutKind // CutNewsletter or CutFiller: a phrase of that list starts the text
}

// find counts the newsletter and filler phrases in folded text f, on
// word boundaries and without overlap: after a phrase is found the search
// goes on past its end, so "helps search engines index" is one phrase, not
// two. Folded text separates words with single spaces, so it is cut at
// spaces (fast), and the words of each piece are looked up.
func (ix phraseIndex) find(f string) (found phrases) {
	if len(ix) == 0 {
		return found
	}
	first := true
	for off := 0; off < len(f); {
		end := strings.IndexByte(f[off:], ' ')
		if end < 0 {
			end = len(f)
		} else {
			end += off
		}
		// Each word of the piece f[off:end]: "(محركات" or "x/y" hold
		// punctuation or more than one.
		next := end + 1
		for i := off; i < end; {
			j := strings.IndexFunc(f[i:end], isWordRune)
			if j < 0 {
				break
			}
			i += j
			k := strings.IndexFunc(f[i:end], notWordRune)
			if k < 0 {
				k = end - i
			}
			// The longest phrase starting at this word.
			word, hit := f[i:i+k], -1
			for n, p := range ix[word] {
				if rest := f[i:]; strings.HasPrefix(rest, p.phrase) && (hit < 0 || len(p.phrase) > len(ix[word][hit].phrase)) {
					after, _ := utf8.DecodeRuneInString(rest[len(p.phrase):])
					if len(rest) == len(p.phrase) || !isWordRune(after) {
						hit = n
					}
				}
			}
			opening := first
			first = false
			if hit < 0 {
				i += k
				continue
			}
			p := ix[word][hit]
			kind := CutNewsletter
			if p.filler {
				kind = CutFiller
				found.filler++
			} else {
				found.newsletter++
			}
			if opening {
				found.opens = kind
			}
			if i+len(p.phrase) >= end {
				// The phrase ran to the end of this piece or past it: go
				// on after it.
				next = i + len(p.phrase)
				break
			}
			i += len(p.phrase)
		}
		off = next
	}
	return found
}

func notWordRune(r rune) bool { return !isWordRune(r) }

// matcher is the folded, indexed form of one Markers value, built once by
// New so that each article only folds its own blocks.
type matcher struct {
	headings   map[string]bool // folded heading -> introduces related articles
	related    []string        // folded related markers, longest first, for "Read more: x"
	inline     phraseIndex     // filler phrases and long newsletter phrases
	share      phraseSet
	newsletter phraseSet
	stop       map[string]bool // stemmed stopwords for Q/A relevance
	facts      map[string]bool // stemmed date and amount words (factWords)
	footers    []footer
}

// footer is one Markers.Footer line: the words around its link slots,
// folded (words[i] before slot i, the last after the last slot).
type footer struct{ words [][]string }

// footerSlot stands for a link's text in a Markers.Footer line.
const footerSlot = "…"

func newFooter(line string) (footer, bool) {
	parts := strings.Split(line, footerSlot)
	if len(parts) < 2 {
		return footer{}, false // no link: not a footer line
	}
	var f footer
	for _, p := range parts {
		f.words = append(f.words, foldedWords(p))
	}
	return f, true
}

// slots is the number of links a block matching f has.
func (f footer) slots() int { return len(f.words) - 1 }

// matches reports whether the words of a block, folded, are f's words
// with the texts of the links in their slots, and nothing else.
func (f footer) matches(words []string, links []link) bool {
	if len(links) != f.slots() {
		return false
	}
	at := 0
	take := func(ws []string) bool {
		if at+len(ws) > len(words) {
			return false
		}
		for i, w := range ws {
			if words[at+i] != w {
				return false
			}
		}
		at += len(ws)
		return true
	}
	for i, ws := range f.words {
		if !take(ws) {
			return false
		}
		if i < len(links) {
			lw := foldedWords(links[i].text)
			if len(lw) == 0 || !take(lw) {
				return false
			}
		}
	}
	return at == len(words)
}

// foldedWords are the words of s, folded, punctuation dropped: "The
// post" and "the post," are the same words.
func foldedWords(s string) []string {
	return strings.FieldsFunc(arabic.Fold(s), notWordRune)
}

// footer reports whether block b is one of the footer lines and nothing
// else. Only a block with links is read.
func (mk *matcher) footer(b *block) bool {
	if len(b.links) == 0 || len(mk.footers) == 0 {
		return false
	}
	var words []string
	for _, f := range mk.footers {
		if len(b.links) != f.slots() {
			continue
		}
		if words == nil {
			words = foldedWords(b.text)
		}
		if f.matches(words, b.links) {
			return true
		}
	}
	return false
}

// phraseSet matches share or newsletter texts.
type phraseSet struct {
	whole    map[string]bool // every folded phrase, for blocks made only of phrases
	first    map[string]bool // the first word of every phrase
	long     []string        // phrases of three or more words, matched inside a block
	maxWords int             // words in the longest phrase
}

func newPhraseSet(list []string) phraseSet {
	ps := phraseSet{whole: make(map[string]bool, len(list)), first: make(map[string]bool, len(list))}
	for _, p := range list {
		f := headingKey(p)
		if f == "" {
			continue
		}
		ps.whole[f] = true
		w, _, _ := strings.Cut(f, " ")
		ps.first[w] = true
		n := strings.Count(f, " ") + 1
		ps.maxWords = max(ps.maxWords, n)
		if n >= 3 {
			ps.long = append(ps.long, f)
		}
	}
	return ps
}

// connectors may stand between phrases in a block made of phrases:
// "شارك هذا المقال على فيسبوك", "Share on Facebook and X".
var connectors = map[string]bool{
	"على": true, "عبر": true, "في": true, "و": true, "او": true, "من": true,
	"on": true, "via": true, "to": true, "in": true, "and": true, "or": true, "with": true, "us": true,
}

// made reports whether the words of key (a headingKey) are all phrases of
// the set, with separators ("|", "·") and connectors ("on", "على") between
// them: "facebook | x | whatsapp", "share on facebook". lone reports a key
// that is a single one-word phrase ("facebook", "print"): a word that
// share bars use, and stories too.
func (ps *phraseSet) made(key string) (made, lone bool) {
	if key == "" || len(ps.whole) == 0 {
		return false, false
	}
	// Most blocks fail on their first word: no need to split them.
	end := strings.IndexFunc(key, isWordSeparator)
	if end < 0 {
		end = len(key)
	}
	if end > 0 && !ps.first[key[:end]] && !connectors[key[:end]] {
		return false, false
	}
	// The words, joined by single spaces as the phrases are, so that a
	// run of words is a substring.
	var at [maxShareWords + 1]int // where each word starts in norm
	var norm strings.Builder
	n := 0
	for rest := key; rest != ""; {
		i := strings.IndexFunc(rest, notSeparator)
		if i < 0 {
			break
		}
		rest = rest[i:]
		j := strings.IndexFunc(rest, isWordSeparator)
		if j < 0 {
			j = len(rest)
		}
		if n == len(at)-1 {
			return false, false // longer than any share bar
		}
		if n > 0 {
			norm.WriteByte(' ')
		}
		at[n] = norm.Len()
		norm.WriteString(rest[:j])
		n++
		rest = rest[j:]
	}
	s := norm.String()
	at[n] = len(s) + 1 // as if a space followed the last word
	word := func(i int) string { return s[at[i] : at[i+1]-1] }
	found, runes := 0, 0
	for i := 0; i < n; {
		k := min(ps.maxWords, n-i)
		for ; k > 0; k-- {
			if ps.whole[s[at[i]:at[i+k]-1]] {
				break
			}
		}
		switch {
		case k > 0:
			found++
			runes += utf8.RuneCountInString(s[at[i] : at[i+k]-1])
			i += k
		case connectors[word(i)]:
			i++
		default:
			return false, false
		}
	}
	// One short phrase alone ("X") is too little to go on.
	return found > 1 || (found == 1 && runes >= 3), found == 1 && n == 1
}

func notSeparator(r rune) bool { return !isWordSeparator(r) }

func newMatcher(m Markers) *matcher {
	mk := &matcher{
		headings:   make(map[string]bool, len(m.Headings)+len(m.Related)),
		share:      newPhraseSet(m.Share),
		newsletter: newPhraseSet(m.Newsletter),
		stop:       stopwords(),
		facts:      factWords(),
		inline:     phraseIndex{},
	}
	for _, line := range m.Footer {
		if f, ok := newFooter(line); ok {
			mk.footers = append(mk.footers, f)
		}
	}
	for _, p := range mk.newsletter.long {
		// Only long phrases inside a block: shorter ones ("sign up")
		// occur in news.
		mk.inline.add(p, false)
	}
	for _, h := range m.Headings {
		if k := headingKey(h); k != "" && !mk.headings[k] {
			mk.headings[k] = false
		}
	}
	for _, h := range m.Related {
		if k := headingKey(h); k != "" {
			mk.headings[k] = true
			mk.related = append(mk.related, k)
		}
	}
	// Longest first, so "read more" wins over "read" style prefixes.
	sort.SliceStable(mk.related, func(i, j int) bool { return len(mk.related[i]) > len(mk.related[j]) })
	for _, f := range m.Filler {
		// Phrases are looked up by their first word: "seo" and "—seo—"
		// are the same marker.
		if f = trimDecoration(arabic.Fold(f)); f != "" {
			mk.inline.add(f, true)
		}
	}
	return mk
}

// heading reports whether a block of text p (headingKey: key) is a marker
// heading on its own, and whether it introduces related articles.
func (mk *matcher) heading(p, key string) (related, ok bool) {
	if len(p) > utf8.UTFMax*maxHeadingRune {
		return false, false
	}
	related, ok = mk.headings[key]
	if ok && utf8.RuneCountInString(p) > maxHeadingRune {
		return false, false
	}
	return related, ok
}

// readMore reports whether key is a related marker followed by a
// separator and more text, as in "اقرأ أيضا: عنوان" or "Read more - x".
func (mk *matcher) readMore(key string) bool {
	for _, r := range mk.related {
		rest, ok := strings.CutPrefix(key, r)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		sep, n := utf8.DecodeRuneInString(rest)
		if !isSeparator(sep) {
			continue
		}
		return strings.TrimSpace(rest[n:]) != ""
	}
	return false
}

// isSeparator reports punctuation that ends a "Read more:" label.
func isSeparator(r rune) bool {
	switch r {
	case ':', '：', '-', '–', '—', '|', '»', '>', '←', '→', '،', ',':
		return true
	}
	return false
}

// isWordRune reports letters, digits and marks. ASCII and the Arabic
// letters, marks and digits, most of every article, are answered without
// the Unicode tables.
func isWordRune(r rune) bool {
	switch {
	case r < 0x80:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case 0x0621 <= r && r <= 0x0669: // letters, tatweel, harakat, digits
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isWordSeparator reports the runes that separate phrases in a block of
// share buttons: spaces, punctuation and symbols ("|", "·").
func isWordSeparator(r rune) bool {
	switch {
	case r < 0x80:
		return '\t' <= r && r <= '\r' || ' ' <= r && r <= '~' && !isWordRune(r)
	case 0x0621 <= r && r <= 0x0669:
		return false
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}
