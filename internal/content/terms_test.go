package content

import (
	"testing"

	"github.com/newswire/newswire/internal/arabic"
)

// TestFormsMatchArabicPluralsAndSingulars: the words a Q/A shares with
// the story are found across plural and singular, feminine and definite
// forms, without a stemmer.
func TestFormsMatchArabicPluralsAndSingulars(t *testing.T) {
	mk := newMatcher(DefaultMarkers())
	for _, tt := range []struct {
		story, qa string
		want      bool
	}{
		{"الضرائب", "الضريبة", true},
		{"ضرائب", "وللضريبة", true},
		{"المدارس", "مدرسة", true},
		{"الأسعار", "السعر", true},
		{"القوانين", "قانون", true},
		{"الشركات", "الشركة", true},
		{"الجديد", "الجديدة", true},
		{"الوزراء", "الوزير", true},
		{"المهندسين", "مهندس", true},
		{"الأسر", "الأسرة", true},
		{"taxes", "tax", true},
		{"countries", "country", true},
		{"الضريبة", "الشركة", false},
		{"مكتب", "كتاب", false},
		{"المدرسة", "المدير", false},
	} {
		story := termSet{}
		mk.addTerms(story, arabic.Fold(tt.story))
		if got := mk.shared(story, arabic.Fold(tt.qa)) > 0; got != tt.want {
			t.Errorf("%q shares a term with %q: %v, want %v", tt.qa, tt.story, got, tt.want)
		}
	}
}
