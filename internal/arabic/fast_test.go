package arabic

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// fixtureTexts returns the repository's text fixtures: Arabic and English
// articles, HTML pages and the shared seeds.
func fixtureTexts(tb testing.TB) map[string]string {
	tb.Helper()
	texts := map[string]string{"article_ar": readArticle(tb)}
	for _, pattern := range []string{
		"../demo/articles/*",
		"../../testdata/clean/*",
		"/work/shared/seeds/*",
	} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			texts[p] = string(b)
		}
	}
	if len(texts) < 10 {
		tb.Fatalf("only %d fixtures found", len(texts))
	}
	return texts
}

// edgeTexts exercise the boundaries of the fast paths: runs broken by
// spaces, marks and invalid bytes, Arabic bytes cut short, every rune of
// the Arabic blocks.
func edgeTexts() []string {
	var block strings.Builder
	for r := rune(0x0600); r <= 0x077F; r++ {
		block.WriteRune(r)
		block.WriteRune(r)
		if r%7 == 0 {
			block.WriteByte(' ')
		}
	}
	return []string{
		"", " ", "  ", "a", " a ", "a  b", "a \tb", "a \u200f b", "ا \u064e ب", "ا  \u064eب",
		"\xd8", "a\xd8", "\xd8a", "\xd8\xd8\xa7", "\xd9\x8b", "x\xd8\xa7\xd9", "\xdd\x90\xdc\x80",
		"ABC def GHI", "İSTANBUL Ǆ ȺȾ", "ﻻ ﷲ ﷺ ﹰ ﴾", "\u00a0\u3000a\u2028b\u0085",
		"ا\u0654 \u08d3\u08e2x", "Apple تُطلق iPhone ١٦ ۱۲ ـــ", "\x00\x7f\x1f", block.String(),
	}
}

func checkSame(t *testing.T, name, s string) {
	t.Helper()
	if got, want := Fold(s), refFold(s); got != want {
		t.Errorf("%s: Fold = %q, reference %q", name, got, want)
	}
	if got, want := FoldToken(s), refFoldToken(s); got != want {
		t.Errorf("%s: FoldToken = %q, reference %q", name, got, want)
	}
	if got, want := FoldWords(s), refFoldWords(s); got != want {
		t.Errorf("%s: FoldWords = %q, reference %q", name, got, want)
	}
	if got, want := DetectLanguage(s), refDetectLanguage(s); got != want {
		t.Errorf("%s: DetectLanguage = %q, reference %q", name, got, want)
	}
	var c, rc = letterCounts{}, refLetterCounts{}
	c.count(s)
	rc.count(s)
	if c.latin != rc.latin || c.arabic != rc.arabic || c.hebrew != rc.hebrew || c.other != rc.other ||
		c.persian != rc.persian || c.urdu != rc.urdu || c.arabicMarks != rc.arabicMarks {
		t.Errorf("%s: counts %+v, reference %+v", name, c, rc)
	}
}

// TestFastPathsMatchReference compares Fold, FoldToken, FoldWords and DetectLanguage
// with the former rune-by-rune implementation over every fixture, whole and
// line by line.
func TestFastPathsMatchReference(t *testing.T) {
	for name, s := range fixtureTexts(t) {
		checkSame(t, name, s)
		for i, line := range strings.Split(s, "\n") {
			checkSame(t, name+":"+string(rune('0'+i%10)), line)
		}
	}
	for i, s := range edgeTexts() {
		checkSame(t, "edge "+string(rune('a'+i)), s)
	}
}

// TestFoldArabicBlock checks the spelled-out classification of the Arabic
// block against the unicode tables the reference uses, rune by rune.
func TestFoldArabicBlock(t *testing.T) {
	for r := rune(0x0600); r <= 0x06FF; r++ {
		if got, want := foldArabic(r), refFoldArabic(r); got != want {
			t.Errorf("foldArabic(%U) = %U, reference %U", r, got, want)
		}
	}
}

func TestArabicClass(t *testing.T) {
	for r := rune(0x0500); r <= 0x0800; r++ {
		cls := arabicClass(r)
		want := classOther
		switch {
		case !(r >= 0x0600 && r <= 0x06FF || r >= 0x0750 && r <= 0x077F):
			want = classUnknown
		case unicode.IsLetter(r):
			want = classLetter
		case unicode.IsMark(r):
			want = classMark
		}
		if cls != want {
			t.Errorf("arabicClass(%U) = %d, want %d", r, cls, want)
		}
	}
}

func FuzzFoldMatchesReference(f *testing.F) {
	for _, s := range fixtureTexts(f) {
		f.Add(s)
	}
	for _, s := range edgeTexts() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSame(t, "fuzz", s)
	})
}
