package fetch

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxCacheAge caps what an upstream can ask for: a feed is polled at least daily.
const maxCacheAge = 24 * time.Hour

// maxAge returns how long the response says it stays fresh: Cache-Control max-age, else
// Expires minus Date (now when Date is missing or bad), capped at 24h. no-cache and no-store
// give 0; so does an invalid max-age, which RFC 9111 says to treat as already stale.
func maxAge(h http.Header, now time.Time) time.Duration {
	var (
		age    time.Duration
		hasAge bool
	)
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "no-cache", "no-store":
				return 0
			case "max-age":
				if hasAge {
					continue // the first one counts
				}
				hasAge = true
				age = parseSeconds(strings.Trim(strings.TrimSpace(v), `"`))
			}
		}
	}
	if !hasAge {
		exp, err := http.ParseTime(h.Get("Expires"))
		if err != nil {
			return 0 // absent, or "0"/"-1" which mean already expired
		}
		date, err := http.ParseTime(h.Get("Date"))
		if err != nil {
			date = now
		}
		age = exp.Sub(date)
	}
	return min(max(age, 0), maxCacheAge)
}

// parseSeconds reads a non-negative delta-seconds value; anything else gives 0. Values too
// large for a Duration saturate instead of overflowing.
func parseSeconds(v string) time.Duration {
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > math.MaxInt64/int64(time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(n) * time.Second
}

// ParseRetryAfter parses a Retry-After header value: delay-seconds or an HTTP-date, the latter
// relative to now. A date in the past gives 0. ok is false for an empty or unparseable value.
// The delay is not capped here; the scheduler applies its own ceiling.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if strings.TrimLeft(v, "0123456789") == "" {
		return parseSeconds(v), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}
