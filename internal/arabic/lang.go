package arabic

import (
	"unicode"
	"unicode/utf8"
)

// DetectLanguage guesses the language of s from its script, for items that
// declare none. It returns:
//   - "ar" when Arabic-script letters dominate, refined to "fa" (Persian) or
//     "ur" (Urdu) when the letters only those languages use outweigh the
//     marks of Arabic (ة, ي, ك, ى and words starting with ال); other
//     Arabic-script languages (Pashto, Sorani, Uyghur…) come out as one of
//     these three;
//   - "he" when Hebrew-script letters dominate (Yiddish included);
//   - "en" when Latin letters dominate: script alone cannot tell English from
//     French or Turkish, so callers should prefer a declared language;
//   - "" when there are no letters or no script dominates.
//
// A script dominates when it has more than half of the letters, Arabic and
// Hebrew letters counting one and a half: these scripts do not write short
// vowels, so the same words take about a third fewer letters, and a headline
// such as "Apple تطلق iPhone 16 الجديد" is Arabic.
func DetectLanguage(s string) string {
	var c letterCounts
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

type letterCounts struct {
	latin, arabic, hebrew, other int
	// Within the Arabic script:
	persian     int // پ چ ژ گ ی ک
	urdu        int // ٹ ڈ ڑ ں ے ۓ ھ ہ
	arabicMarks int // ة ي ك ى, plus 2 per word starting with ال
}

func (c *letterCounts) count(s string) {
	wordStart := true // the previous rune was not a letter or mark
	alef := false     // the word so far is an alef at its start
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf { // ASCII: only A–Z and a–z are letters
			i++
			if l := b | 0x20; 'a' <= l && l <= 'z' {
				c.latin++
				wordStart, alef = false, false
			} else {
				wordStart, alef = true, false
			}
			continue
		}
		var r rune
		cls := classUnknown
		if b >= 0xD8 && b <= 0xDD && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // U+0600–U+077F
			r = rune(b&0x1F)<<6 | rune(s[i+1]&0x3F)
			cls = arabicClass(r)
			i += 2
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
		}
		if cls == classUnknown {
			switch {
			case unicode.IsLetter(r):
				cls = classLetter
			case unicode.IsMark(r):
				cls = classMark
			default:
				cls = classOther
			}
		}
		switch cls {
		case classOther:
			wordStart, alef = true, false
			continue
		case classMark: // harakat do not end a word
			continue
		}
		c.letter(r, alef)
		alef = wordStart && (r == 'ا' || r == 'أ')
		wordStart = false
	}
}

// letter counts letter r; alef reports that the word so far is an alef at
// its start.
func (c *letterCounts) letter(r rune, alef bool) {
	switch {
	case r < 0x80:
		c.latin++
	case isArabicScript(r):
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
}

// Rune classes for DetectLanguage.
const (
	classUnknown = iota // look it up in the unicode tables
	classLetter
	classMark
	classOther
)

// arabicClass classifies the runes of the Arabic (U+0600–U+06FF) and Arabic
// Supplement (U+0750–U+077F) blocks without the unicode tables, as
// unicode.IsLetter and unicode.IsMark would (TestArabicClass checks every
// rune); other runes are classUnknown.
func arabicClass(r rune) int {
	switch {
	case r >= 0x0750 && r <= 0x077F:
		return classLetter
	case r < 0x0600 || r > 0x06FF:
		return classUnknown
	case r >= 0x0620 && r <= 0x064A, r == 0x066E, r == 0x066F, r >= 0x0671 && r <= 0x06D3,
		r == 0x06D5, r == 0x06E5, r == 0x06E6, r == 0x06EE, r == 0x06EF, r >= 0x06FA && r <= 0x06FC, r == 0x06FF:
		return classLetter
	case r >= 0x0610 && r <= 0x061A, r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06DC,
		r >= 0x06DF && r <= 0x06E4, r == 0x06E7, r == 0x06E8, r >= 0x06EA && r <= 0x06ED:
		return classMark
	}
	return classOther
}

func isArabicScript(r rune) bool {
	return (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) ||
		(r >= 0x08A0 && r <= 0x08FF) || (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFC)
}

func (c *letterCounts) arabicLanguage() string {
	switch {
	case c.urdu >= 2 && c.urdu+c.persian > c.arabicMarks:
		return "ur"
	case c.persian >= 2 && c.persian > c.arabicMarks:
		return "fa"
	}
	return "ar"
}
