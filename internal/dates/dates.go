// Package dates parses the dates that upstream feeds and newsroom copy really
// contain, leniently but never silently wrong.
//
// Parse reads RFC 3339 / ISO 8601, RFC 1123/822/850 and their broken variants
// (no or wrong weekday, two-digit years, single-digit days, named zones,
// "GMT+3", "(AST)"), numeric dates, unix seconds, and dates written in
// Arabic: Levantine/Iraqi, Egyptian/Gulf and Maghrebi month names, the
// combined "27 أيلول/سبتمبر 2020" form, weekdays, Arabic-Indic digits, ص/م,
// and Hijri dates marked هـ.
//
// Judgment calls, all deliberate:
//   - AST is Arabia Standard Time (+03:00), not Atlantic: in Arabic news feeds
//     it means Riyadh, Baghdad, Kuwait or Doha. GST is Gulf Standard Time
//     (+04:00). IST, BST and ADT are ambiguous and rejected, as is any zone
//     abbreviation we do not know: a date is never quietly read as UTC.
//   - Numeric dates are day first (09/03/2025 is 9 March), the convention of
//     the Arab world and of Europe, unless only the month-first reading is
//     possible (03/25/2025). Year-first dates (2025/03/09) are year, month,
//     day.
//   - Two-digit years: 00–69 are 20xx, 70–99 are 19xx (RFC 822 usage).
//   - Hijri dates use the tabular (arithmetical) Islamic calendar, civil
//     epoch, leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 of each
//     30-year cycle. It can differ by a day (rarely two) from the Umm al-Qura
//     calendar or a sighting-based date. When a string gives both a Hijri and
//     a Gregorian date ("… هـ الموافق 24 مارس 2024 م"), the Gregorian one wins.
//   - Results are in UTC, between the years 1900 and 2200; anything else is an
//     error.
package dates

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/arabic"
)

// Errors that Parse wraps, for callers that branch on the kind of failure.
var (
	// ErrSyntax: the string is not a date we can read.
	ErrSyntax = errors.New("unrecognized date")
	// ErrUnknownZone: the string names a time zone we do not know or that is
	// ambiguous; reading it as UTC would be silently wrong.
	ErrUnknownZone = errors.New("unknown time zone")
	// ErrRange: a field or the result is out of range (31 June, hour 25,
	// year 1850).
	ErrRange = errors.New("date out of range")
)

// Options adjust Parse.
type Options struct {
	// DefaultZone is used when the string names no zone (a source's local
	// time). Nil means UTC.
	DefaultZone *time.Location
}

const (
	minYear  = 1900
	maxYear  = 2200
	maxInput = 200 // bytes; no real date string is longer
)

// Parse reads s as a date and time and returns it in UTC. A string without a
// time of day is midnight in its zone; a string without a zone is read in
// opts.DefaultZone. Errors name the input and wrap ErrSyntax, ErrUnknownZone
// or ErrRange.
func Parse(s string, opts Options) (time.Time, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return time.Time{}, fmt.Errorf("parse date %q: %w: empty", s, ErrSyntax)
	}
	if len(in) > maxInput {
		return time.Time{}, fmt.Errorf("parse date %q: %w: longer than %d bytes", clip(s), ErrSyntax, maxInput)
	}
	if t, ok := parseFast(in); ok {
		return t, nil
	}
	if t, ok := parseUnix(in); ok {
		return t, nil
	}
	loc := opts.DefaultZone
	if loc == nil {
		loc = time.UTC
	}
	folded := arabic.Fold(in)
	// "15 رمضان 1445 هـ الموافق 24 مارس 2024 م": two dates; keep the Gregorian.
	if before, after, ok := strings.Cut(folded, "الموافق"); ok {
		t1, hijri1, err1 := parseFolded(before, loc)
		t2, hijri2, err2 := parseFolded(after, loc)
		switch {
		case err2 == nil && (!hijri2 || err1 != nil || hijri1):
			return t2, nil
		case err1 == nil:
			return t1, nil
		}
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err1)
	}
	t, _, err := parseFolded(folded, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t, nil
}

// clip shortens a string for an error message.
func clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	return strings.ToValidUTF8(s[:64], "") + "…"
}

// parseFast handles the forms most feeds send without allocating. The shape
// checks keep failed attempts cheap: time.Parse allocates its error.
func parseFast(s string) (time.Time, bool) {
	var (
		t   time.Time
		err error
	)
	switch n := len(s); {
	case n >= 20 && s[4] == '-' && s[10] == 'T' && (s[n-1] == 'Z' || s[n-3] == ':'):
		t, err = time.Parse(time.RFC3339, s)
	case n == 29 && s[3] == ',' && strings.HasSuffix(s, " GMT"):
		t, err = time.Parse("Mon, 02 Jan 2006 15:04:05 GMT", s)
	case n == 31 && s[3] == ',' && (s[n-5] == '+' || s[n-5] == '-'):
		t, err = time.Parse(time.RFC1123Z, s)
	default:
		return t, false
	}
	if err != nil {
		return t, false
	}
	t = t.UTC()
	return t, inRange(t)
}

// parseUnix reads unix seconds (9–10 digits) or milliseconds (13 digits).
func parseUnix(s string) (time.Time, bool) {
	if len(s) != 9 && len(s) != 10 && len(s) != 13 {
		return time.Time{}, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
		n = n*10 + int64(s[i]-'0')
	}
	var t time.Time
	if len(s) == 13 {
		t = time.UnixMilli(n).UTC()
	} else {
		t = time.Unix(n, 0).UTC()
	}
	return t, inRange(t)
}

func inRange(t time.Time) bool {
	return t.Year() >= minYear && t.Year() <= maxYear
}

// dateParts collects what the tokens say.
type dateParts struct {
	year, month, day int
	yearDigits       int
	monthWord        bool // the month was a name
	hijriMonth       bool // … the name of a Hijri month
	numericDate      bool // Y-M-D or D/M/Y seen
	hijri            bool // Hijri month name or هـ marker

	hasTime              bool
	hour, min, sec, nsec int
	meridiem             meridiem
	hasZone              bool
	numericZone          bool     // the zone was a numeric offset
	offset               int      // seconds east of UTC
	zoneTakesOffset      bool     // the previous token was GMT/UTC/UT: "GMT+3"
	afterTime            bool     // the previous token ended a time or zone
	loose                [4]token // numbers not yet placed: day and year
	nLoose               int
}

// parseFolded parses a string already folded by arabic.Fold. It reports
// whether the date was Hijri.
func parseFolded(s string, loc *time.Location) (time.Time, bool, error) {
	var buf [maxTokens + 1]token
	toks, ok := lex(s, buf[:])
	if !ok {
		return time.Time{}, false, fmt.Errorf("%w: too many parts", ErrSyntax)
	}
	var p dateParts
	for i := 0; i < len(toks); {
		n, err := p.step(toks, i)
		if err != nil {
			return time.Time{}, false, err
		}
		i += n
	}
	t, err := p.result(loc)
	return t, p.hijri, err
}

// step consumes the tokens at toks[i:] that form one part of a date and
// returns how many it used.
func (p *dateParts) step(toks []token, i int) (int, error) {
	t := toks[i]
	wasAfterTime, takesOffset := p.afterTime, p.zoneTakesOffset
	p.afterTime, p.zoneTakesOffset = false, false
	switch t.kind {
	case tNum:
		if n, ok, err := p.timeOfDay(toks, i); ok || err != nil {
			p.afterTime = err == nil
			return n, err
		}
		if n, ok, err := p.numericDateAt(toks, i); ok || err != nil {
			return n, err
		}
		if p.nLoose == len(p.loose) {
			return 0, fmt.Errorf("%w: too many numbers", ErrSyntax)
		}
		p.loose[p.nLoose] = t
		p.nLoose++
		return 1, nil

	case tPunct:
		switch t.text {
		case "+", "-":
			if (wasAfterTime || takesOffset) && i+1 < len(toks) && toks[i+1].kind == tNum && !toks[i+1].space {
				n, err := p.numericOffset(toks, i, takesOffset)
				p.afterTime = err == nil
				return n, err
			}
			if t.text == "+" {
				return 0, fmt.Errorf("%w: unexpected %q", ErrSyntax, t.text)
			}
			return 1, nil // a separator: 09-Mar-2025
		case "(":
			if p.hasZone { // a comment after the zone: "+0300 (Arabian Standard Time)"
				for j := i + 1; j < len(toks); j++ {
					if toks[j].is(")") {
						return j - i + 1, nil
					}
				}
				return len(toks) - i, nil
			}
			p.afterTime = wasAfterTime // "14:05 (AST)"
			return 1, nil
		case ")", ",", "،", ".", "/", ":", ";", "|", "[", "]", "–", "—", "\"", "'", "«", "»", "؛":
			p.afterTime = wasAfterTime && t.text == ")"
			return 1, nil
		}
		return 0, fmt.Errorf("%w: unexpected %q", ErrSyntax, t.text)
	}
	return p.word(toks, i, wasAfterTime)
}

// word consumes a word: month, weekday, zone, meridiem, marker or filler.
func (p *dateParts) word(toks []token, i int, wasAfterTime bool) (int, error) {
	w := toks[i].text
	if m, n, ok := monthAt(toks, i); ok {
		if p.month != 0 && (p.month != m.n || p.hijri != m.hijri) {
			return 0, fmt.Errorf("%w: two different months", ErrSyntax)
		}
		if m.hijri {
			p.hijri = true
		}
		p.month, p.monthWord, p.hijriMonth = m.n, true, m.hijri
		return n, nil
	}
	if off, ok := zones[w]; ok {
		if p.numericZone && isUTCName(w) {
			// "-0700 GMT": the offset is relative to GMT.
			p.afterTime = wasAfterTime
			return 1, nil
		}
		if err := p.setZone(off); err != nil {
			return 0, err
		}
		p.zoneTakesOffset = isUTCName(w)
		p.afterTime = wasAfterTime
		return 1, nil
	}
	if m, ok := meridiems[w]; ok || (w == "م" && wasAfterTime) {
		if !ok {
			m = pm
		}
		return 1, p.setMeridiem(m)
	}
	if (w == "a" || w == "p") && i+2 < len(toks) && toks[i+1].is(".") && toks[i+2].kind == tWord && toks[i+2].text == "m" {
		n := 3
		if i+3 < len(toks) && toks[i+3].is(".") {
			n = 4
		}
		m := am
		if w == "p" {
			m = pm
		}
		return n, p.setMeridiem(m)
	}
	if w == "ت" && i+2 < len(toks) && toks[i+1].is(".") && toks[i+2].text == "غ" { // ت.غ: توقيت غرينتش
		return 3, p.setZone(0)
	}
	if timeWords[w] {
		if i+1 < len(toks) && toks[i+1].kind == tWord {
			next := toks[i+1].text
			if next == "المحلي" { // local time: the default zone
				return 2, nil
			}
			if off, ok := placeZones[next]; ok {
				n := 2
				if i+2 < len(toks) && toks[i+2].text == "المكرمه" {
					n = 3
				}
				return n, p.setZone(off)
			}
			return 0, fmt.Errorf("%w: %q", ErrUnknownZone, next)
		}
		return 0, fmt.Errorf("%w: %q with no place", ErrUnknownZone, w)
	}
	if hijriMarkers[w] {
		p.hijri = true
		return 1, nil
	}
	if w == "t" || w == "م" || weekdays[w] || fillers[w] {
		p.afterTime = w == "t" && wasAfterTime
		return 1, nil
	}
	if why, ok := ambiguousZones[w]; ok {
		return 0, fmt.Errorf("%w: %q is ambiguous (%s)", ErrUnknownZone, strings.ToUpper(w), why)
	}
	if (wasAfterTime || p.hasTime) && isZoneLike(w) {
		return 0, fmt.Errorf("%w: %q", ErrUnknownZone, strings.ToUpper(w))
	}
	return 0, fmt.Errorf("%w: unknown word %q", ErrSyntax, w)
}

// isUTCName reports the zone names that take an offset after them: GMT+3.
func isUTCName(w string) bool { return w == "gmt" || w == "utc" || w == "ut" }

// isZoneLike reports a word shaped like a zone abbreviation: 1–5 ASCII letters.
func isZoneLike(w string) bool {
	if len(w) < 1 || len(w) > 5 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// monthAt reads a month name, one or two words, at toks[i].
func monthAt(toks []token, i int) (month, int, bool) {
	w := toks[i].text
	if monthFirstWords[w] && i+1 < len(toks) && toks[i+1].kind == tWord {
		if m, ok := months[w+" "+toks[i+1].text]; ok {
			return m, 2, true
		}
	}
	m, ok := months[w]
	return m, 1, ok
}

func (p *dateParts) setZone(off int) error {
	if p.hasZone && p.offset != off {
		return fmt.Errorf("%w: two different zones", ErrSyntax)
	}
	p.hasZone, p.offset = true, off
	return nil
}

func (p *dateParts) setMeridiem(m meridiem) error {
	if !p.hasTime {
		// "2 PM", "الساعة 2 ظهرا": the last bare number is the hour.
		if p.nLoose == 0 || len(p.loose[p.nLoose-1].text) > 2 || p.loose[p.nLoose-1].num > 12 {
			return fmt.Errorf("%w: AM/PM without a time", ErrSyntax)
		}
		p.nLoose--
		p.hasTime, p.hour = true, p.loose[p.nLoose].num
	}
	if p.meridiem != noMeridiem && p.meridiem != m {
		return fmt.Errorf("%w: two different AM/PM markers", ErrSyntax)
	}
	p.meridiem = m
	p.afterTime = true
	return nil
}

// timeOfDay reads hh:mm[:ss[.frac]] or hh"h"mm at toks[i].
func (p *dateParts) timeOfDay(toks []token, i int) (int, bool, error) {
	h := toks[i]
	if i+2 >= len(toks) || toks[i+2].kind != tNum || toks[i+2].space || toks[i+1].space {
		return 0, false, nil
	}
	sep := toks[i+1]
	if !sep.is(":") && !(sep.kind == tWord && sep.text == "h") {
		return 0, false, nil
	}
	if p.hasTime {
		return 0, true, fmt.Errorf("%w: two times of day", ErrSyntax)
	}
	m := toks[i+2]
	if len(h.text) > 2 || len(m.text) != 2 {
		return 0, true, fmt.Errorf("%w: time %s:%s", ErrSyntax, h.text, m.text)
	}
	p.hasTime, p.hour, p.min = true, h.num, m.num
	n := 3
	if sep.is(":") && i+4 < len(toks) && toks[i+3].is(":") && toks[i+4].kind == tNum && !toks[i+3].space && !toks[i+4].space {
		if len(toks[i+4].text) != 2 {
			return 0, true, fmt.Errorf("%w: seconds %s", ErrSyntax, toks[i+4].text)
		}
		p.sec = toks[i+4].num
		n = 5
		if i+6 < len(toks) && (toks[i+5].is(".") || toks[i+5].is(",")) && toks[i+6].kind == tNum && !toks[i+5].space && !toks[i+6].space {
			frac := toks[i+6].text // at most maxDigits (9) digits: nanoseconds
			ns := toks[i+6].num
			for k := len(frac); k < 9; k++ {
				ns *= 10
			}
			p.nsec = ns
			n = 7
		}
	}
	if p.hour > 24 || p.min > 59 || p.sec > 60 || (p.hour == 24 && (p.min != 0 || p.sec != 0)) {
		return 0, true, fmt.Errorf("%w: time %02d:%02d:%02d", ErrRange, p.hour, p.min, p.sec)
	}
	return n, true, nil
}

// numericDateAt reads Y-M-D, Y/M/D, D/M/Y, D.M.Y (and M/D/Y when only that
// reading is possible) at toks[i].
func (p *dateParts) numericDateAt(toks []token, i int) (int, bool, error) {
	if i+4 >= len(toks) {
		return 0, false, nil
	}
	sep := toks[i+1]
	if !(sep.is("-") || sep.is("/") || sep.is(".")) || toks[i+2].kind != tNum ||
		toks[i+3].kind != tPunct || toks[i+3].text != sep.text || toks[i+4].kind != tNum {
		return 0, false, nil
	}
	for k := i + 1; k <= i+4; k++ {
		if toks[k].space {
			return 0, false, nil
		}
	}
	if p.numericDate || p.monthWord {
		return 0, true, fmt.Errorf("%w: two dates", ErrSyntax)
	}
	a, b, c := toks[i], toks[i+2], toks[i+4]
	switch {
	case len(a.text) == 4 && len(b.text) <= 2 && len(c.text) <= 2:
		p.year, p.month, p.day, p.yearDigits = a.num, b.num, c.num, 4
	case (len(c.text) == 4 || len(c.text) == 2) && len(a.text) <= 2 && len(b.text) <= 2:
		p.year, p.yearDigits = c.num, len(c.text)
		p.day, p.month = a.num, b.num
		if a.num <= 12 && b.num > 12 { // only month-first makes sense: 03/25/2025
			p.day, p.month = b.num, a.num
		}
	default:
		return 0, true, fmt.Errorf("%w: numeric date %s%s%s%s%s", ErrSyntax, a.text, sep.text, b.text, sep.text, c.text)
	}
	p.numericDate = true
	return 5, true, nil
}

// numericOffset reads +hh, +hhmm, +hmm or +hh:mm at toks[i]; replace says
// that it follows GMT, UTC or UT and replaces their zero offset.
func (p *dateParts) numericOffset(toks []token, i int, replace bool) (int, error) {
	sign := 1
	if toks[i].text == "-" {
		sign = -1
	}
	d := toks[i+1]
	var h, m, n int
	switch len(d.text) {
	case 1, 2:
		h, n = d.num, 2
		if i+3 < len(toks) && toks[i+2].is(":") && toks[i+3].kind == tNum && len(toks[i+3].text) == 2 && !toks[i+2].space {
			m, n = toks[i+3].num, 4
		}
	case 3, 4:
		h, m, n = d.num/100, d.num%100, 2
	default:
		return 0, fmt.Errorf("%w: offset %s%s", ErrSyntax, toks[i].text, d.text)
	}
	if h > 14 || m > 59 {
		return 0, fmt.Errorf("%w: offset %s%s", ErrRange, toks[i].text, d.text)
	}
	off := sign * (h*3600 + m*60)
	if replace {
		p.hasZone = false
	}
	p.numericZone = true
	return n, p.setZone(off)
}

// result assembles the parts into a UTC time.
func (p *dateParts) result(loc *time.Location) (time.Time, error) {
	if p.monthWord {
		if p.numericDate {
			return time.Time{}, fmt.Errorf("%w: two dates", ErrSyntax)
		}
		if p.nLoose != 2 {
			return time.Time{}, fmt.Errorf("%w: a month name needs a day and a year", ErrSyntax)
		}
		a, b := p.loose[0], p.loose[1]
		if len(a.text) >= 3 || a.num > 31 {
			a, b = b, a // "2025 March 9", "March 2025 9"
		}
		if len(a.text) > 2 || (len(b.text) != 4 && len(b.text) != 2) {
			return time.Time{}, fmt.Errorf("%w: day %s, year %s", ErrSyntax, a.text, b.text)
		}
		p.day, p.year, p.yearDigits = a.num, b.num, len(b.text)
	} else if !p.numericDate {
		return time.Time{}, fmt.Errorf("%w: no date", ErrSyntax)
	} else if p.nLoose != 0 {
		return time.Time{}, fmt.Errorf("%w: stray number %s", ErrSyntax, p.loose[0].text)
	}

	if p.hijri && p.monthWord && !p.hijriMonth {
		return time.Time{}, fmt.Errorf("%w: Gregorian month in a Hijri date", ErrSyntax)
	}
	if p.yearDigits == 2 {
		if p.hijri {
			return time.Time{}, fmt.Errorf("%w: two-digit Hijri year", ErrSyntax)
		}
		p.year += 2000
		if p.year >= 2070 {
			p.year -= 100
		}
	}
	year, mon, day := p.year, p.month, p.day
	if p.hijri {
		var err error
		if year, mon, day, err = hijriToGregorian(p.year, p.month, p.day); err != nil {
			return time.Time{}, err
		}
	} else if mon < 1 || mon > 12 || day < 1 || day > daysIn(year, mon) {
		return time.Time{}, fmt.Errorf("%w: %04d-%02d-%02d", ErrRange, year, mon, day)
	}

	hour, err := p.hour24()
	if err != nil {
		return time.Time{}, err
	}
	if p.hasZone {
		loc = time.FixedZone("", p.offset)
	}
	t := time.Date(year, time.Month(mon), day, hour, p.min, p.sec, p.nsec, loc).UTC()
	if !inRange(t) {
		return time.Time{}, fmt.Errorf("%w: year %d", ErrRange, t.Year())
	}
	return t, nil
}

// hour24 applies the AM/PM marker.
func (p *dateParts) hour24() (int, error) {
	h := p.hour
	switch p.meridiem {
	case am:
		if h > 12 {
			return 0, fmt.Errorf("%w: %d AM", ErrRange, h)
		}
		if h == 12 {
			h = 0
		}
	case pm:
		if h >= 1 && h < 12 {
			h += 12
		}
	case noon:
		if h >= 1 && h <= 5 {
			h += 12
		}
	case night:
		if h >= 6 && h < 12 {
			h += 12
		} else if h == 12 {
			h = 0
		}
	}
	return h, nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
