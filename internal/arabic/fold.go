// Package arabic holds pure text functions for Arabic and other
// right-to-left text: the folded form used for matching (dedupe, search,
// category rules), digit mapping, script-based language detection and the
// clean-up of bidi control characters.
//
// Fold, FoldToken and Digits produce matching keys only: stored and published
// text is never replaced by their output.
package arabic

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns the normalized matching form of s. It must never be shown to
// readers or stored in place of s.
//
// In one pass it:
//   - removes Arabic diacritics: the tashkeel U+064B–U+065F, the superscript
//     alef U+0670 and the other Arabic non-spacing marks (Quranic annotation
//     signs U+0610–U+061A, U+06D6–U+06ED, U+08D3–U+08FF), and the tatweel U+0640;
//   - folds the alef forms أ إ آ ٱ to ا, alef maqsura ى to ي and teh marbuta
//     ة to ه; the Persian-keyboard letters ی and ک (often typed in Arabic
//     text) to ي and ك;
//   - reads Arabic-Indic (U+0660–U+0669) and Persian (U+06F0–U+06F9) digits as
//     ASCII digits;
//   - lowercases (unicode.ToLower, every script);
//   - decomposes Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFE,
//     e.g. the ligature ﻻ) with NFKC before folding them;
//   - drops bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates),
//     ZWJ/ZWNJ, zero-width space, word joiner, BOM and soft hyphen;
//   - collapses every run of white space to one ASCII space and trims both
//     ends.
//
// Invalid UTF-8 becomes U+FFFD. Fold is idempotent: Fold(Fold(s)) == Fold(s).
func Fold(s string) string {
	var f folder
	f.b.Grow(len(s))
	// Most bytes of real text fold to themselves: they are copied in runs,
	// s[run:i], and only the others go through folder.rune. A run never
	// starts with a space and holds no two spaces in a row; while it is not
	// empty, no space is pending and something has been written.
	run := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' && i > run && s[i-1] != ' ':
				i++ // one space between kept runes stays as it is
				continue
			case c == ' ' || '\t' <= c && c <= '\r':
				f.flush(s, run, i)
				f.space = true
			case 'A' <= c && c <= 'Z':
				f.flush(s, run, i)
				f.emit(rune(c + 'a' - 'A'))
			default:
				if i == run {
					f.startRun()
				}
				i++
				continue
			}
			i++
			run = i
			continue
		}
		if c >= 0xD8 && c <= 0xDB && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // U+0600–U+06FF
			r := rune(c&0x1F)<<6 | rune(s[i+1]&0x3F)
			out := foldArabic(r)
			if out == r {
				if i == run {
					f.startRun()
				}
				i += 2
				continue
			}
			f.flush(s, run, i)
			if out >= 0 {
				f.emit(out)
			}
			i += 2
			run = i
			continue
		}
		f.flush(s, run, i)
		r, n := utf8.DecodeRuneInString(s[i:]) // invalid UTF-8: U+FFFD, 1 byte, as for range
		f.rune(r)
		i += n
		run = i
	}
	f.flush(s, run, len(s))
	return f.b.String()
}

// folder writes folded runes to b, holding back one space so that runs of
// white space (and spaces next to dropped characters) collapse, and leading
// and trailing space disappear.
type folder struct {
	b       strings.Builder
	space   bool // a space is pending
	started bool // something has been written
}

func (f *folder) rune(r rune) {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		} else if asciiSpace(r) {
			f.space = true
			return
		}
	case r >= 0x0600 && r <= 0x06FF:
		r = foldArabic(r)
		if r < 0 {
			return
		}
	case isPresentationForm(r):
		// Rare: decompose (e.g. ﻻ → لا, ﷲ → الله with marks) and fold the parts.
		for _, p := range norm.NFKC.String(string(r)) {
			if isPresentationForm(p) {
				f.emit(p) // no decomposition (e.g. ornate parentheses)
			} else {
				f.rune(p)
			}
		}
		return
	case isInvisible(r):
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

// startRun prepares a run of runes copied as they are: it writes the
// pending space, if any.
func (f *folder) startRun() {
	if f.space && f.started {
		f.b.WriteByte(' ')
	}
	f.space = false
	f.started = true
}

// flush writes the run s[run:i], holding back a space that ends it.
func (f *folder) flush(s string, run, i int) {
	if i <= run {
		return
	}
	if s[i-1] == ' ' {
		f.b.WriteString(s[run : i-1])
		f.space = true
		return
	}
	f.b.WriteString(s[run:i])
}

func (f *folder) emit(r rune) {
	if f.space && f.started {
		f.b.WriteByte(' ')
	}
	f.space = false
	f.started = true
	f.b.WriteRune(r)
}

func asciiSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

// foldArabic folds one rune of the Arabic block; -1 means drop it.
func foldArabic(r rune) rune {
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
	case r >= 0x06D6 && r <= 0x06ED && isQuranicMark(r):
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

// isQuranicMark reports the non-spacing marks (Mn) of U+06D6–U+06ED,
// spelled out rather than looked up in unicode.Mn; TestFoldArabicBlock
// checks them against the table. The others are ۝ (end of ayah), ۞, ۥ ۦ
// (small waw and yeh, letters) and ۩.
func isQuranicMark(r rune) bool {
	switch r {
	case 0x06DD, 0x06DE, 0x06E5, 0x06E6, 0x06E9:
		return false
	}
	return true
}

func isPresentationForm(r rune) bool {
	return (r >= 0xFB50 && r <= 0xFDFF) || (r >= 0xFE70 && r <= 0xFEFE)
}

// isInvisible reports format characters that only steer rendering or
// joining; they break matching and carry no text.
func isInvisible(r rune) bool {
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

// FoldToken returns Fold(s) with the Arabic definite article "ال" stripped
// from the start of each word, for search indexing: القاهرة and قاهرة both
// become قاهره. The article is stripped only while at least three letters
// remain, so short words such as الله or الم keep it, and it is stripped
// repeatedly so that الالتزام and التزام fold alike (which also makes
// FoldToken idempotent). Use the same function for the index and the query;
// attached prefixes such as و، ب، ل، ك، ف + ال are left alone.
func FoldToken(s string) string {
	f := Fold(s)
	if !strings.Contains(f, "ال") {
		return f
	}
	var b strings.Builder
	b.Grow(len(f))
	for rest := f; ; {
		w, after, more := strings.Cut(rest, " ")
		b.WriteString(stripArticle(w))
		if !more {
			return b.String()
		}
		b.WriteByte(' ')
		rest = after
	}
}

// FoldWords is FoldToken over the words of s, a word being a run of
// letters and digits (as SQLite FTS5's unicode61 tokenizer reads them),
// joined by single spaces. Splitting at punctuation first matters:
// «القاهرة» and "الحج." lose their ال as القاهرة and الحج do. Use it
// wherever folded text is matched word by word (search, category rules).
//
// It folds s once and then splits, strips and joins in one pass over the
// folded text: search indexing runs it over every saved article's text.
func FoldWords(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	for i := 0; i < len(f); {
		n := wordRuneLen(f, i)
		if n < 0 { // not part of a word: a separator
			i += -n
			continue
		}
		start := i
		for i += n; i < len(f); i += n {
			if n = wordRuneLen(f, i); n < 0 {
				break
			}
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(stripArticle(f[start:i]))
	}
	return b.String()
}

// wordRuneLen is the byte length of the rune at s[i] if it is part of a
// word (a letter, digit or non-spacing mark), else minus its length.
func wordRuneLen(s string, i int) int {
	c := s[i]
	if c < utf8.RuneSelf {
		if asciiWord[c] {
			return 1
		}
		return -1
	}
	if c >= 0xD8 && c <= 0xDB && i+1 < len(s) && s[i+1]&0xC0 == 0x80 { // U+0600–U+06FF
		if arabicWord[rune(c&0x1F)<<6|rune(s[i+1]&0x3F)-0x0600] {
			return 2
		}
		return -2
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if isWordRune(r) {
		return n
	}
	return -n
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// asciiWord and arabicWord are isWordRune for ASCII and the Arabic block,
// the runes nearly all text is made of.
var asciiWord, arabicWord = func() (a [utf8.RuneSelf]bool, ar [0x100]bool) {
	for r := range rune(len(a)) {
		a[r] = isWordRune(r)
	}
	for r := range rune(len(ar)) {
		ar[r] = isWordRune(0x0600 + r)
	}
	return a, ar
}()

func stripArticle(w string) string {
	const al = "ال"
	for strings.HasPrefix(w, al) && utf8.RuneCountInString(w[len(al):]) >= 3 {
		w = w[len(al):]
	}
	return w
}

// Digits returns s with Arabic-Indic (U+0660–U+0669) and Extended
// Arabic-Indic/Persian (U+06F0–U+06F9) digits replaced by ASCII digits and
// nothing else changed. s is returned as is when it has none.
func Digits(s string) string {
	i := strings.IndexFunc(s, isArabicDigit)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for rest := s[i:]; rest != ""; {
		r, n := utf8.DecodeRuneInString(rest)
		switch {
		case r >= '٠' && r <= '٩':
			b.WriteByte(byte('0' + r - '٠'))
		case r >= '۰' && r <= '۹':
			b.WriteByte(byte('0' + r - '۰'))
		default:
			b.WriteString(rest[:n]) // raw bytes: invalid UTF-8 passes untouched
		}
		rest = rest[n:]
	}
	return b.String()
}

func isArabicDigit(r rune) bool {
	return (r >= '٠' && r <= '٩') || (r >= '۰' && r <= '۹')
}
