package feeds

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/language"
)

// ErrBadLanguage is wrapped by NormalizeLanguage's error.
var ErrBadLanguage = errors.New("not a BCP 47 language tag")

// NormalizeLanguage returns a language tag in canonical BCP 47 form, as
// every door (import, the admin API, ingest) stores it and feeds publish
// it: "_" read as "-" ("ar_SA" is "ar-SA"), case canonical ("AR" is "ar",
// "ku-arab" is "ku-Arab"), and deprecated and three-letter codes replaced
// ("iw" is "he", "ji" is "yi", "in" is "id", "ara" is "ar"). "" is "".
//
// A tag that is not well-formed, or whose language is unknown, is an error
// wrapping ErrBadLanguage; the string returned with it is what could be
// read of it (unknown subtags dropped), "" when not even the language
// could.
func NormalizeLanguage(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return "", nil
	}
	t, err := language.Parse(tag)
	if err == nil {
		return t.String(), nil
	}
	partial := ""
	if b, conf := t.Base(); conf == language.Exact && b.String() != "und" {
		partial = t.String()
	}
	return partial, fmt.Errorf("language %q: %w (%v)", tag, ErrBadLanguage, err)
}

// Direction is the direction text in lang is written in: "rtl" or "ltr".
// It is the one rule for every place that marks text with dir: the body
// wrapper the cleaner writes, a summarised feed item, the pages. The
// script decides: the tag's own script subtag ("ku-Arab" and "pa-Arab" are
// right to left, "ar-Latn" left to right), else the script the language
// is most likely written in ("ar", "fa", "ur", "ckb", "sd", "ug": Arabic;
// "he", "yi": Hebrew; "dv": Thaana; "ku", "az": Latin). The tag is read as
// NormalizeLanguage reads it ("AR", "ar_SA", "iw" and "ji" too). An empty
// or unreadable tag is "ltr".
func Direction(lang string) string {
	if rtlScripts[scriptOf(lang)] {
		return "rtl"
	}
	return "ltr"
}

// scriptOf is the ISO 15924 code of the script lang is written in, "" when
// it cannot tell.
func scriptOf(lang string) string {
	lang = strings.TrimSpace(lang)
	if lang == "" {
		return ""
	}
	t, err := language.Parse(lang)
	if err != nil {
		// What could be read of it: "ar-XX-foo" is still Arabic.
		if b, conf := t.Base(); conf != language.Exact || b.String() == "und" {
			return ""
		}
	}
	if s, conf := t.Script(); conf != language.No {
		return s.String()
	}
	b, _ := t.Base()
	return unlistedScripts[b.String()]
}

// unlistedScripts are the scripts of right-to-left languages for which
// the CLDR likely-subtags data has none.
var unlistedScripts = map[string]string{
	"prs": "Arab", // Dari
	"azb": "Arab", // South Azerbaijani
	"sam": "Samr", // Samaritan Aramaic
	"syc": "Syrc", // Classical Syriac
}

// rtlScripts are the scripts written right to left (ISO 15924 codes of
// the scripts whose letters Unicode gives a right-to-left bidi class).
var rtlScripts = map[string]bool{
	"Adlm": true, "Arab": true, "Armi": true, "Avst": true, "Chrs": true, "Cprt": true,
	"Elym": true, "Hatr": true, "Hebr": true, "Hung": true, "Khar": true, "Lydi": true,
	"Mand": true, "Mani": true, "Mend": true, "Narb": true, "Nbat": true, "Nkoo": true,
	"Orkh": true, "Ougr": true, "Palm": true, "Phli": true, "Phlp": true, "Phnx": true,
	"Prti": true, "Rohg": true, "Samr": true, "Sarb": true, "Sogd": true, "Sogo": true,
	"Syrc": true, "Thaa": true, "Yezi": true,
}
