package content

import (
	"testing"
	"unicode"
)

func TestFastPathsMatchUnicode(t *testing.T) {
	for r := rune(0); r < 0x3100; r++ {
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r); got != want {
			t.Errorf("isWordRune(%U) = %v", r, got)
		}
		if got, want := isWordSeparator(r), unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r); got != want {
			t.Errorf("isWordSeparator(%U) = %v", r, got)
		}
		if got, want := isSpace(r), unicode.IsSpace(r); got != want {
			t.Errorf("isSpace(%U) = %v", r, got)
		}
	}
}

func TestPhraseIndex(t *testing.T) {
	ix := phraseIndex{}
	for _, p := range []string{"محركات البحث في فهرسه", "index this page", "seo"} {
		ix.add(p, true)
	}
	for f, want := range map[string]bool{
		"لمساعده محركات البحث في فهرسه هذه الصفحه": true,
		"(محركات البحث في فهرسه)":                  true,
		"helps search engines index this page.":    true,
		"helps search engines index this pages":    false,
		"seoul is a city":                          false,
		"for seo":                                  true,
		"x/seo/y":                                  true,
		"":                                         false,
		"محركات البحث":                             false,
	} {
		if n := ix.find(f).filler; (n > 0) != want {
			t.Errorf("find(%q) = %v, want %v", f, n > 0, want)
		}
	}
}

// TestPhraseIndexCountsWithoutOverlap: phrases that overlap in the text
// ("helps search engines" and "search engines index") count once, so
// that a sentence using the words once is one phrase, not two.
func TestPhraseIndexCountsWithoutOverlap(t *testing.T) {
	ix := phraseIndex{}
	for _, p := range []string{"helps search engines", "search engines index", "index this page", "in your inbox"} {
		ix.add(p, true)
	}
	ix.add("your email address", false)
	for f, want := range map[string][2]int{
		"the update helps search engines index pages faster":     {0, 1},
		"helps search engines index this page":                   {0, 2},
		"never give your email address to callers":               {1, 0},
		"enter your email address to get the news in your inbox": {1, 1},
		"helps search engines. helps search engines":             {0, 2},
		"nothing here": {0, 0},
	} {
		if got := ix.find(f); got.newsletter != want[0] || got.filler != want[1] {
			t.Errorf("find(%q) = %+v, want %d newsletter, %d filler", f, got, want[0], want[1])
		}
	}
}

func TestScanText(t *testing.T) {
	tests := []struct {
		in   string
		want textInfo
	}{
		{"نص عادي هنا", textInfo{plain: true, collapsed: true, words: 3}},
		{" a", textInfo{plain: true, words: 2}},
		{"a  b", textInfo{plain: true, words: 3}},
		{"a\nb", textInfo{plain: true, words: 1}},
		{"a &amp; b", textInfo{collapsed: true, words: 3}},
		{"a\r\nb", textInfo{words: 1}},
		{"a\u00a0b", textInfo{plain: true, words: 1}},
		{"a\u202bb", textInfo{collapsed: true, bidi: true, words: 1}},
		{"“quoted”", textInfo{plain: true, collapsed: true, words: 1}},
		{" \n\t", textInfo{plain: true, blank: true, words: 2}},
		{"\u00a0", textInfo{plain: true, words: 1}},
		{"\xe2", textInfo{plain: true, collapsed: true, words: 1}},
	}
	for _, tt := range tests {
		if got := scanText(tt.in); got != tt.want {
			t.Errorf("scanText(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
