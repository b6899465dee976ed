package arabic

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"tashkeel on muhammad", "مُحَمَّد", "محمد"},
		{"plain muhammad unchanged", "محمد", "محمد"},
		{"hamza above alef", "أحمد", "احمد"},
		{"hamza below alef", "إسلام", "اسلام"},
		{"madda alef", "آمال", "امال"},
		{"wasla alef", "ٱلرَّحْمَٰن", "الرحمن"},
		{"alef maqsura", "مستشفى", "مستشفي"},
		{"teh marbuta", "مدرسة", "مدرسه"},
		{"teh marbuta with tashkeel", "مَدْرَسَةٌ", "مدرسه"},
		{"tatweel", "كـــتاب", "كتاب"},
		{"superscript alef", "هٰذا", "هذا"},
		{"arabic-indic digits", "١٢٣", "123"},
		{"persian digits", "۱۲۳", "123"},
		{"digits inside words", "عام ٢٠٢٠م", "عام 2020م"},
		{"farsi yeh and keheh", "کتاب علی", "كتاب علي"},
		{"hamza carriers are letters, kept", "مسؤول رئيس", "مسؤول رئيس"},
		{"latin lowercased", "Reuters AFP", "reuters afp"},
		{"mixed title", "Apple تُطلق iPhone ١٦", "apple تطلق iphone 16"},
		{"bidi controls dropped", "\u202bالقدس\u202c \u200fGaza\u200e", "القدس gaza"},
		{"isolates dropped", "\u2067عنوان\u2069", "عنوان"},
		{"zwnj and zwj dropped", "می\u200cخواهم", "ميخواهم"},
		{"bom and soft hyphen dropped", "\ufeffnews\u00adwire", "newswire"},
		{"whitespace collapsed and trimmed", "  القاهرة \t\n  مصر\u00a0 ", "القاهره مصر"},
		{"space left by dropped mark collapses", "الأمم \u200f المتحدة", "الامم المتحده"},
		{"lam-alef ligature", "ﻻ", "لا"},
		{"allah ligature", "ﷲ", "الله"},
		{"decomposed hamza above", "ا\u0654حمد", "احمد"},
		{"quranic annotation mark", "الرَّحِيمِ ۝١", "الرحيم ۝1"},
		{"empty", "", ""},
		{"only space", " \t ", ""},
		{"invalid utf-8 becomes replacement", "a\xffb", "a\ufffdb"},
		{"greek lowercased", "ΑΘΗΝΑ", "αθηνα"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := Fold(Fold(tt.in)); got != Fold(tt.in) {
				t.Errorf("Fold not idempotent on %q: %q", tt.in, got)
			}
		})
	}
}

// TestFoldMatchesVariants checks the purpose of Fold: spellings a reader
// considers the same word compare equal after folding.
func TestFoldMatchesVariants(t *testing.T) {
	groups := [][]string{
		{"محمد", "مُحَمَّد", "مـحـمـد", "محمّد"},
		{"أحمد", "احمد", "أَحْمَد", "إحمد"},
		{"إسلام", "اسلام", "إِسْلَام"},
		{"آمال", "امال", "أمال"},
		{"مستشفى", "مستشفي", "مستشفیٰ"},
		{"مدرسة", "مدرسه", "مَدرسةٌ"},
		{"١٢٣", "۱۲۳", "123"},
		{"القرآن", "القران", "القُرْآن", "ٱلْقُرْآن"},
		{"كتاب", "كـــتاب", "کتاب", "كِتَابٌ"},
		{"غزة", "غزه", "\u200fغزة\u200f", "غَزَّة"},
	}
	for _, g := range groups {
		want := Fold(g[0])
		for _, v := range g[1:] {
			if got := Fold(v); got != want {
				t.Errorf("Fold(%q) = %q, want %q (as for %q)", v, got, want, g[0])
			}
		}
	}
}

func TestFoldWords(t *testing.T) {
	for in, want := range map[string]string{
		"«القاهرة» تستضيف":   "قاهره تستضيف",
		"موسم الحج.":         "موسم الحج", // two letters left: ال stays, as in الحج
		"(الحكومة) تعلن":     "حكومه تعلن",
		"بسم الله، الرحمن":   "بسم الله رحمن",
		"e-mail, 2026-11-25": "e mail 2026 11 25",
		"  ...  ":            "",
		"مُحَمَّد":           "محمد",
	} {
		if got := FoldWords(in); got != want {
			t.Errorf("FoldWords(%q) = %q, want %q", in, got, want)
		}
		if again := FoldWords(FoldWords(in)); again != FoldWords(in) {
			t.Errorf("FoldWords not idempotent on %q", in)
		}
	}
}

func TestFoldToken(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"article stripped", "القاهرة", "قاهره"},
		{"no article", "قاهرة", "قاهره"},
		{"article with hamza word", "الأمم المتحدة", "امم متحده"},
		{"short remainder keeps article: allah", "الله", "الله"},
		{"two-letter remainder keeps article", "الم", "الم"},
		{"three-letter remainder stripped", "البيت", "بيت"},
		{"repeated article stripped", "الالتزام", "تزام"},
		{"word starting with al stripped alike", "التزام", "تزام"},
		{"prefixed article left", "والقاهرة", "والقاهره"},
		{"latin untouched", "Al Jazeera", "al jazeera"},
		{"mixed sentence", "وصل الرئيس إلى القاهرة", "وصل رئيس الي قاهره"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FoldToken(tt.in)
			if got != tt.want {
				t.Errorf("FoldToken(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := FoldToken(got); again != got {
				t.Errorf("FoldToken not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"arabic-indic", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"persian", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"date in text", "٢٧ أيلول ٢٠٢٠", "27 أيلول 2020"},
		{"only digits change", "مُحَمَّد ١", "مُحَمَّد 1"},
		{"ascii unchanged", "abc 123", "abc 123"},
		{"invalid utf-8 kept byte for byte", "\xff١\xfe", "\xff1\xfe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Digits(tt.in); got != tt.want {
				t.Errorf("Digits(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func readArticle(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/article_ar.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestFoldArticle(t *testing.T) {
	art := readArticle(t)
	got := Fold(art)
	if !utf8.ValidString(got) {
		t.Fatal("invalid UTF-8")
	}
	for _, bad := range []string{"أ", "إ", "آ", "ة", "ى", "\n", "  "} {
		if strings.Contains(got, bad) {
			t.Errorf("folded article still contains %q", bad)
		}
	}
	if !strings.Contains(got, "روسيا ترفض مساعده ارمينيا ضد اذربيجان") {
		t.Errorf("folded title not found in %.200q", got)
	}
	if Fold(got) != got {
		t.Error("Fold not idempotent on the article")
	}
}

func FuzzFold(f *testing.F) {
	f.Add(readArticle(f))
	for _, s := range []string{"مُحَمَّد", "كـــتاب", "١٢٣ ۱۲۳", "\u202bx\u202c", "ﻻ ﷲ ﷺ ﹰ", "a\xffb", " ا\u0654 ", "İSTANBUL", "الالتزام"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q -> %q -> %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Fold(%q) = %q: space not collapsed", s, got)
		}
		tok := FoldToken(s)
		if again := FoldToken(tok); again != tok {
			t.Fatalf("FoldToken not idempotent: %q -> %q -> %q", s, tok, again)
		}
		if d := Digits(s); len(d) > len(s) {
			t.Fatalf("Digits grew %q to %q", s, d)
		}
		if n := NormalizeBidi(s); strings.ContainsAny(n, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Fatalf("NormalizeBidi(%q) = %q kept a control", s, n)
		}
		_ = DetectLanguage(s)
	})
}

func BenchmarkFold(b *testing.B) {
	art := readArticle(b)
	b.SetBytes(int64(len(art)))
	b.ReportAllocs()
	for b.Loop() {
		Fold(art)
	}
}

func BenchmarkFoldWords(b *testing.B) {
	art := readArticle(b)
	b.SetBytes(int64(len(art)))
	b.ReportAllocs()
	for b.Loop() {
		FoldWords(art)
	}
}

func BenchmarkFoldToken(b *testing.B) {
	art := readArticle(b)
	b.SetBytes(int64(len(art)))
	b.ReportAllocs()
	for b.Loop() {
		FoldToken(art)
	}
}
