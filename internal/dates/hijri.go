package dates

import (
	"fmt"
	"time"
)

// Tabular Islamic calendar: 30-year cycles of 10,631 days, 11 leap years
// per cycle (2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29), odd months of 30 days,
// even months of 29, Dhu al-Hijjah of 30 in leap years; day 1 of year 1 is
// Julian day 1948440 (16 July 622 Julian, the "civil" epoch).
const (
	hijriEpochJDN = 1948440
	unixEpochJDN  = 2440588 // 1970-01-01
	minHijriYear  = 1317    // 1899 CE
	maxHijriYear  = 1650    // 2222 CE
)

func hijriLeap(y int) bool { return (14+11*y)%30 < 11 }

func hijriMonthDays(y, m int) int {
	if m%2 == 1 || (m == 12 && hijriLeap(y)) {
		return 30
	}
	return 29
}

// hijriToGregorian converts a tabular Hijri date to a Gregorian one.
func hijriToGregorian(y, m, d int) (int, int, int, error) {
	if y < minHijriYear || y > maxHijriYear || m < 1 || m > 12 || d < 1 || d > hijriMonthDays(y, m) {
		return 0, 0, 0, fmt.Errorf("%w: Hijri %d-%02d-%02d", ErrRange, y, m, d)
	}
	jdn := d + (59*(m-1)+1)/2 + (y-1)*354 + (3+11*y)/30 + hijriEpochJDN - 1
	t := time.Unix(int64(jdn-unixEpochJDN)*86400, 0).UTC()
	return t.Year(), int(t.Month()), t.Day(), nil
}
