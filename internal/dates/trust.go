package dates

import "strings"

// TrustGofeed reports whether gofeed's own parse of raw (Item.PublishedParsed,
// UpdatedParsed) can be trusted, so that ingest needs Parse only otherwise.
//
// It is true only when raw is ASCII, has a four-digit year that is either
// first (ISO 8601) or next to an English month name, and names its zone as a
// numeric offset right after the time ("+0300", "-05:00") or as an
// abbreviation that gofeed v1.4.2 maps to the right offset on every host
// (GMT, UTC, UT, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT, WET/WEST, CET/CEST,
// EET/EEST). Everything else is false: no zone (gofeed assumes UTC, we use
// the source's zone), AST/GST/MSK and other unknown abbreviations (gofeed
// reads them as UTC), "GMT+3" (gofeed drops the +3), Arabic text, and numeric
// day/month dates (gofeed tries month-first layouts before some day-first
// ones). Re-check this list when
// gofeed is upgraded; the tests compare the two parsers on real strings.
func TrustGofeed(raw string) bool {
	s := strings.TrimSpace(raw)
	if s == "" || len(s) > maxInput {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	var buf [maxTokens + 1]token
	toks, ok := lex(strings.ToLower(s), buf[:])
	if !ok {
		return false
	}
	zone, year := false, false
	timeEnd := -1 // index of the last token of the time of day
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.kind == tNum && i+2 < len(toks) && toks[i+1].is(":") && toks[i+2].kind == tNum:
			i += 2
			for i+2 < len(toks) && (toks[i+1].is(":") || toks[i+1].is(".")) && toks[i+2].kind == tNum {
				i += 2
			}
			timeEnd = i
		case t.kind == tNum && i+2 < len(toks) && toks[i+2].kind == tNum &&
			(toks[i+1].is("/") || toks[i+1].is("-") || toks[i+1].is(".")):
			if len(t.text) != 4 {
				return false // D/M/Y or M/D/Y
			}
			year = true
			i += 2
		case t.kind == tNum && len(t.text) == 4:
			year = true
		case (t.is("+") || t.is("-")) && i == timeEnd+1 && timeEnd >= 0 &&
			i+1 < len(toks) && toks[i+1].kind == tNum:
			zone = true
		case t.kind == tWord && trustedZones[t.text]:
			if i+1 < len(toks) && (toks[i+1].is("+") || toks[i+1].is("-")) {
				return false // "GMT+3": gofeed drops the offset
			}
			zone = true
		case t.kind == tWord && !weekdays[t.text] && t.text != "t":
			if _, ok := months[t.text]; !ok {
				return false // a word gofeed might skip over or misread
			}
		}
	}
	return zone && year
}
