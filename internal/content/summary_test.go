package content

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want string
	}{
		{"short text is kept whole", "  One  short\n sentence. ", 100, "One short sentence."},
		{"whole sentences that fit", "First sentence here. Second sentence is here. Third one is far too long to fit in.", 50, "First sentence here. Second sentence is here."},
		{"cut at a word boundary with an ellipsis", "A very long first sentence that never ends before the limit is reached", 30, "A very long first sentence…"},
		{"short first sentence does not make a stub", "Hi. Then a long second sentence that goes on and on past the limit.", 40, "Hi. Then a long second sentence that…"},
		{"Arabic question mark ends a sentence", "هل تنجح الهدنة؟ يقول المراقبون إن الفرص ضئيلة جدا في الوقت الحالي بسبب الخلافات.", 20, "هل تنجح الهدنة؟"},
		{"decimal point is not a sentence end", "Growth was 4.5 percent this year and more next.", 20, "Growth was 4.5…"},
		{"trailing comma dropped before the ellipsis", "قال الوزير، في بيان، إن المحادثات ستستأنف قريبا", 12, "قال الوزير…"},
		{"one huge word is cut", strings.Repeat("x", 50), 10, strings.Repeat("x", 9) + "…"},
		{"exactly max", "abcde", 5, "abcde"},
		{"zero max", "abc", 0, ""},
		{"empty", "", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summary(tt.text, tt.max)
			if got != tt.want {
				t.Errorf("Summary(%q, %d)\n got %q\nwant %q", tt.text, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max && tt.max > 0 {
				t.Errorf("%d runes, over %d", n, tt.max)
			}
		})
	}
}

func TestSummarySeed(t *testing.T) {
	body, _, _ := cutTrailingBoilerplate(seedParagraphs(t), DefaultMarkers())
	got := Summary(strings.Join(body, "\n"), 300)
	if !strings.HasPrefix(got, "رفضت موسكو تقديم الدعم لأرمينيا") || utf8.RuneCountInString(got) > 300 {
		t.Errorf("seed summary %q", got)
	}
	if strings.Contains(got, "محركات البحث") {
		t.Errorf("summary has filler: %q", got)
	}
}

func FuzzSummary(f *testing.F) {
	f.Add("First. Second sentence here.", 10)
	f.Add(strings.Join(seedParagraphs(f), "\n"), 300)
	f.Add("… . ؟ ..", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max > 1<<16 {
			max = 1 << 16
		}
		got := Summary(s, max)
		if max <= 0 {
			if got != "" {
				t.Fatalf("max %d gave %q", max, got)
			}
			return
		}
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("Summary(%q, %d) = %q: %d runes", s, max, got, n)
		}
	})
}

// TestSentencesSplit: Sentences cuts where sentences() counts a new sentence, and loses no word.
func TestSentencesSplit(t *testing.T) {
	for in, want := range map[string][]string{
		"One. Two? Three!":                      {"One.", "Two?", "Three!"},
		"Deal signed. Share this: Facebook | X": {"Deal signed.", "Share this: Facebook | X"},
		`He said "no." Then left.`:              {`He said "no."`, "Then left."},
		"Rates rose 4.5 per cent.":              {"Rates rose 4.5 per cent."},
		"زيارة يونانية.. هل تمهد للتهدئة؟ نعم.": {"زيارة يونانية.. هل تمهد للتهدئة؟", "نعم."},
		"Wait...  what?\u00a0Yes": {"Wait...", "what?", "Yes"},
		"  ":                      nil,
	} {
		got := Sentences(in)
		if !slices.Equal(got, want) {
			t.Errorf("Sentences(%q) = %q, want %q", in, got, want)
		}
		if len(got) > 0 && len(got) != sentences(in) {
			t.Errorf("Sentences(%q) gives %d, sentences() counts %d", in, len(got), sentences(in))
		}
		if strings.Join(got, " ") != strings.Join(strings.Fields(in), " ") {
			t.Errorf("Sentences(%q) lost text: %q", in, got)
		}
	}
}
