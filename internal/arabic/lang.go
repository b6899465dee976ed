package arabic

import (
	"strings"
	"unicode"
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
		alef = wordStart && (r == 'ا' || r == 'أ')
		wordStart = false
	}
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

// IsRTL reports whether a BCP 47 language tag names a language written right
// to left: ar, fa, ur, he, yi, ps, ckb, dv, sd, ug, their deprecated codes
// iw and ji, and a few others (arc, syr, nqo, ku-Arab…). The primary subtag
// decides, case-insensitively and with "-" or "_" separators, unless a script
// subtag overrides it: "ku-Arab" and "pa-Arab" are right to left, "az-Latn"
// and "ug-Latn" left to right.
func IsRTL(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	primary, rest, _ := strings.Cut(strings.ReplaceAll(lang, "_", "-"), "-")
	if script, _, _ := strings.Cut(rest, "-"); len(script) == 4 {
		switch script {
		case "arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg", "mand", "samr":
			return true
		case "latn", "cyrl", "grek", "deva", "hans", "hant":
			return false
		}
	}
	switch primary {
	case "ar", "fa", "ur", "he", "iw", "yi", "ji", "ps", "ckb", "dv", "sd", "ug",
		"arc", "syr", "nqo", "prs", "pnb", "azb", "lrc", "mzn", "glk", "bal", "ks":
		return true
	}
	return false
}
