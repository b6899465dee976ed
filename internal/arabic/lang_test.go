package arabic

import "testing"

func TestDetectLanguage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"arabic headline", "روسيا ترفض مساعدة أرمينيا ضد أذربيجان", "ar"},
		{"arabic with latin brand", "Apple تطلق iPhone 16 الجديد", "ar"},
		{"arabic with tashkeel", "بِسْمِ اللَّهِ الرَّحْمَنِ الرَّحِيمِ", "ar"},
		{"arabic typed on a persian keyboard", "رئیس الوزراء یزور القاهرة الیوم", "ar"},
		{"arabic quoting a persian name", "التقى الوزير نظيره الإيراني عباس عراقجي في طهران وبحثا العلاقات الثنائية والتطورات في المنطقة", "ar"},
		{"persian", "رئیس جمهور ایران امروز با خبرنگاران گفتگو کرد", "fa"},
		{"persian short", "گزارش ویژه", "fa"},
		{"urdu", "پاکستان کے وزیر اعظم نے آج ایک اہم اجلاس کی صدارت کی", "ur"},
		{"hebrew", "ראש הממשלה נפגש היום עם שר החוץ", "he"},
		{"english", "Russia refuses to help Armenia against Azerbaijan", "en"},
		{"english with arabic name", "Interview with the editor of الجزيرة about the war in Gaza", "en"},
		{"digits and punctuation only", "2025-03-09 12:00 !!", ""},
		{"empty", "", ""},
		{"cyrillic is unknown", "Россия отказала Армении", ""},
		{"half cyrillic half latin", "Москва Moscow", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectLanguage(tt.in); got != tt.want {
				t.Errorf("DetectLanguage(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDetectLanguageArticle(t *testing.T) {
	if got := DetectLanguage(readArticle(t)); got != "ar" {
		t.Errorf("seed article detected as %q, want ar", got)
	}
}

func BenchmarkDetectLanguage(b *testing.B) {
	art := readArticle(b)
	b.SetBytes(int64(len(art)))
	b.ReportAllocs()
	for b.Loop() {
		DetectLanguage(art)
	}
}
