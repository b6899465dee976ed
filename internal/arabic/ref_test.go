package arabic

// The implementation of Fold, FoldToken, FoldWords and DetectLanguage before the
// ASCII and Arabic-block fast paths, kept verbatim (renamed) as the
// reference the fast paths must match byte for byte.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func refFold(s string) string {
	var f refFolder
	f.b.Grow(len(s))
	for _, r := range s {
		if refPlainArabicLetter(r) && !f.space { // most of an Arabic text
			f.b.WriteRune(r)
			f.started = true
			continue
		}
		f.rune(r)
	}
	return f.b.String()
}

// refFolder writes folded runes to b, holding back one space so that runs of
// white space (and spaces next to dropped characters) collapse, and leading
// and trailing space disappear.
type refFolder struct {
	b       strings.Builder
	space   bool // a space is pending
	started bool // something has been written
}

func (f *refFolder) rune(r rune) {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		} else if refAsciiSpace(r) {
			f.space = true
			return
		}
	case r >= 0x0600 && r <= 0x06FF:
		r = refFoldArabic(r)
		if r < 0 {
			return
		}
	case refIsPresentationForm(r):
		// Rare: decompose (e.g. ﻻ → لا, ﷲ → الله with marks) and fold the parts.
		for _, p := range norm.NFKC.String(string(r)) {
			if refIsPresentationForm(p) {
				f.emit(p) // no decomposition (e.g. ornate parentheses)
			} else {
				f.rune(p)
			}
		}
		return
	case refIsInvisible(r):
		return
	case unicode.IsSpace(r):
		f.space = true
		return
	case r >= 0x08D3 && r <= 0x08FF && unicode.Is(unicode.Mn, r):
		return // Arabic Extended-A marks
	default:
		r = unicode.ToLower(r)
	}
	f.emit(r)
}

func (f *refFolder) emit(r rune) {
	if f.space && f.started {
		f.b.WriteByte(' ')
	}
	f.space = false
	f.started = true
	f.b.WriteRune(r)
}

func refAsciiSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

// refPlainArabicLetter reports an Arabic letter that refFold keeps as it is.
func refPlainArabicLetter(r rune) bool {
	if r < 0x0621 || r > 0x064A || (r > 0x063A && r < 0x0641) {
		return false
	}
	switch r {
	case 'أ', 'إ', 'آ', 'ى', 'ة':
		return false
	}
	return true
}

// refFoldArabic folds one rune of the Arabic block; -1 means drop it.
func refFoldArabic(r rune) rune {
	if r >= 0x0621 && r <= 0x063A || r >= 0x0641 && r <= 0x064A { // letters: the common case
		switch r {
		case 'أ', 'إ', 'آ':
			return 'ا'
		case 'ى':
			return 'ي'
		case 'ة':
			return 'ه'
		}
		return r
	}
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r == 0x0640,
		r >= 0x0610 && r <= 0x061A:
		return -1 // tashkeel, superscript alef, tatweel, honorific marks
	case r == 0x061C:
		return -1 // ALM
	case r >= 0x06D6 && r <= 0x06ED && unicode.Is(unicode.Mn, r):
		return -1 // Quranic annotation marks
	case r == 'ٱ':
		return 'ا'
	case r == 'ی': // Farsi yeh
		return 'ي'
	case r == 'ک': // keheh
		return 'ك'
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	}
	return r
}

func refIsPresentationForm(r rune) bool {
	return (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFE)
}

// refIsInvisible reports format characters that only steer rendering or
// joining; they break matching and carry no text.
func refIsInvisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200F: // ZWSP, ZWNJ, ZWJ, LRM, RLM
		return true
	case r >= 0x202A && r <= 0x202E: // embeddings, overrides, PDF
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner, invisible operators
		return true
	case r >= 0x2066 && r <= 0x2069: // isolates
		return true
	case r == 0xFEFF, r == 0x00AD, r == 0x061C:
		return true
	}
	return false
}

// refFoldToken returns refFold(s) with the Arabic definite article "ال" stripped
// from the start of each word, for search indexing: القاهرة and قاهرة both
// become قاهره. The article is stripped only while at least three letters
// remain, so short words such as الله or الم keep it, and it is stripped
// repeatedly so that الالتزام and التزام fold alike (which also makes
// refFoldToken idempotent). Use the same function for the index and the query;
// attached prefixes such as و، ب، ل، ك، ف + ال are left alone.
func refFoldToken(s string) string {
	f := refFold(s)
	if !strings.Contains(f, "ال") {
		return f
	}
	var b strings.Builder
	b.Grow(len(f))
	for rest := f; ; {
		w, after, more := strings.Cut(rest, " ")
		b.WriteString(refStripArticle(w))
		if !more {
			return b.String()
		}
		b.WriteByte(' ')
		rest = after
	}
}

// refFoldWords is FoldWords before it split and stripped in one pass.
func refFoldWords(s string) string {
	f := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return r
		}
		return ' '
	}, refFold(s))
	return refFoldToken(strings.Join(strings.Fields(f), " "))
}

func refStripArticle(w string) string {
	const al = "ال"
	for strings.HasPrefix(w, al) && utf8.RuneCountInString(w[len(al):]) >= 3 {
		w = w[len(al):]
	}
	return w
}

func refDetectLanguage(s string) string {
	var c refLetterCounts
	c.count(s)
	total := c.latin*2 + c.arabic*3 + c.hebrew*3 + c.other*2 // in half-letters
	switch {
	case total == 0:
		return ""
	case c.arabic*3*2 > total:
		return c.arabicLanguage()
	case c.hebrew*3*2 > total:
		return "he"
	case c.latin*2*2 > total:
		return "en"
	}
	return ""
}

type refLetterCounts struct {
	latin, arabic, hebrew, other int
	// Within the Arabic script:
	persian     int // پ چ ژ گ ی ک
	urdu        int // ٹ ڈ ڑ ں ے ۓ ھ ہ
	arabicMarks int // ة ي ك ى, plus 2 per word starting with ال
}

func (c *refLetterCounts) count(s string) {
	wordStart := true // the previous rune was not a letter or mark
	alef := false     // the word so far is an alef at its start
	for _, r := range s {
		if !unicode.IsLetter(r) {
			if !unicode.IsMark(r) { // harakat do not end a word
				wordStart, alef = true, false
			}
			continue
		}
		switch {
		case r < 0x80:
			c.latin++
		case refIsArabicScript(r):
			c.arabic++
			switch r {
			case 'پ', 'چ', 'ژ', 'گ', 'ی', 'ک':
				c.persian++
			case 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ۓ', 'ھ', 'ہ':
				c.urdu++
			case 'ة', 'ي', 'ك', 'ى':
				c.arabicMarks++
			case 'ل':
				if alef {
					c.arabicMarks += 2 // a word starting with the article ال
				}
			}
		case (r >= 0x0590 && r <= 0x05FF) || (r >= 0xFB1D && r <= 0xFB4F):
			c.hebrew++
		case (r >= 0x00C0 && r <= 0x024F) || unicode.Is(unicode.Latin, r):
			c.latin++
		default:
			c.other++
		}
		alef = wordStart && (r == 'ا' || r == 'أ')
		wordStart = false
	}
}

func refIsArabicScript(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) ||
		(r >= 0x08A0 && r <= 0x08FF) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFC)
}

func (c *refLetterCounts) arabicLanguage() string {
	switch {
	case c.urdu >= 2 && c.urdu+c.persian > c.arabicMarks:
		return "ur"
	case c.persian >= 2 && c.persian > c.arabicMarks:
		return "fa"
	}
	return "ar"
}
