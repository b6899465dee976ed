package feeds

import (
	"errors"
	"testing"
)

func TestDirection(t *testing.T) {
	rtl := []string{"ar", "AR", "ar-EG", "ar_SA", " ar ", "fa", "fa-IR", "ur", "he", "iw", "IW_il", "yi", "ji", "ps",
		"ckb", "dv", "sd", "ug", "ku-Arab", "pa-Arab-PK", "az-Arab", "uz-AF", "ks", "prs", "azb", "syr", "nqo", "ara"}
	ltr := []string{"", "en", "en-US", "fr", "tr", "ku", "ku-Latn", "az", "az-Latn", "ug-Latn", "ar-Latn", "sd-Deva",
		"pa", "arn", "hey", "und", "zh-Hant", "x-private", "not a tag"}
	for _, l := range rtl {
		if got := Direction(l); got != "rtl" {
			t.Errorf("Direction(%q) = %q, want rtl", l, got)
		}
	}
	for _, l := range ltr {
		if got := Direction(l); got != "ltr" {
			t.Errorf("Direction(%q) = %q, want ltr", l, got)
		}
	}
}

func TestNormalizeLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"": "", " ar ": "ar", "AR": "ar", "ar_SA": "ar-SA", "ar-sa": "ar-SA", "iw": "he", "ji": "yi", "in": "id",
		"ku-arab": "ku-Arab", "EN_gb": "en-GB", "ara": "ar", "zh-hant-tw": "zh-Hant-TW",
	} {
		if got, err := NormalizeLanguage(in); got != want || err != nil {
			t.Errorf("NormalizeLanguage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, partial := range map[string]string{"ar-XX-foo": "ar-XX", "zz": "", "arabic": "", "ar_SA!": "ar"} {
		got, err := NormalizeLanguage(in)
		if !errors.Is(err, ErrBadLanguage) || got != partial {
			t.Errorf("NormalizeLanguage(%q) = %q, %v; want %q and ErrBadLanguage", in, got, err, partial)
		}
	}
}
