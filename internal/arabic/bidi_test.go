package arabic

import "testing"

func TestNormalizeBidi(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no controls", "القدس Jerusalem 2025", "القدس Jerusalem 2025"},
		{"unbalanced embedding", "\u202bعاجل: انفجار", "عاجل: انفجار"},
		{"balanced override pair", "\u202eabc\u202c", "abc"},
		{"isolates", "قال \u2068Reuters\u2069 إن", "قال Reuters إن"},
		{"all explicit kinds", "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", ""},
		{"implicit marks kept", "\u200fسعر\u200e 5$ \u061c", "\u200fسعر\u200e 5$ \u061c"},
		{"other U+2000 block characters kept", "a\u2014b\u2026\u2019", "a\u2014b\u2026\u2019"},
		{"invalid utf-8 kept", "\xe2\x80\xab\xe2\xff", "\xe2\xff"},
		{"truncated sequence at end", "x\xe2\x80", "x\xe2\x80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeBidi(tt.in); got != tt.want {
				t.Errorf("NormalizeBidi(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeBidiNoAllocWithoutControls(t *testing.T) {
	s := "روسيا ترفض مساعدة أرمينيا — Reuters"
	if n := testing.AllocsPerRun(100, func() { NormalizeBidi(s) }); n != 0 {
		t.Errorf("NormalizeBidi allocated %v times on clean text", n)
	}
}
