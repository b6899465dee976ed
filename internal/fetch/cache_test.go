package fetch_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
)

func TestMaxAge(t *testing.T) {
	now := time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	in := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		name   string
		header map[string][]string
		want   time.Duration
	}{
		{"nothing", nil, 0},
		{"max-age", map[string][]string{"Cache-Control": {"max-age=600"}}, 10 * time.Minute},
		{"max-age among others", map[string][]string{"Cache-Control": {"public, max-age=300, must-revalidate"}}, 5 * time.Minute},
		{"quoted max-age", map[string][]string{"Cache-Control": {`max-age="60"`}}, time.Minute},
		{"upper case", map[string][]string{"Cache-Control": {"MAX-AGE=60"}}, time.Minute},
		{"first max-age counts", map[string][]string{"Cache-Control": {"max-age=60", "max-age=120"}}, time.Minute},
		{"max-age capped at 24h", map[string][]string{"Cache-Control": {"max-age=604800"}}, 24 * time.Hour},
		{"huge max-age does not overflow", map[string][]string{"Cache-Control": {"max-age=99999999999999999999"}}, 24 * time.Hour},
		{"no-cache wins", map[string][]string{"Cache-Control": {"max-age=600, no-cache"}}, 0},
		{"no-store on another line wins", map[string][]string{"Cache-Control": {"max-age=600", "no-store"}}, 0},
		{"negative max-age", map[string][]string{"Cache-Control": {"max-age=-5"}}, 0},
		{"invalid max-age ignores expires", map[string][]string{"Cache-Control": {"max-age=soon"}, "Expires": {in(time.Hour)}, "Date": {date}}, 0},
		{"s-maxage is for shared caches", map[string][]string{"Cache-Control": {"s-maxage=600"}}, 0},
		{"max-age wins over expires", map[string][]string{"Cache-Control": {"max-age=60"}, "Expires": {in(time.Hour)}, "Date": {date}}, time.Minute},
		{"expires minus date", map[string][]string{"Expires": {in(30 * time.Minute)}, "Date": {date}}, 30 * time.Minute},
		{"expires without date uses now", map[string][]string{"Expires": {in(45 * time.Minute)}}, 45 * time.Minute},
		{"expires relative to the server's date, not ours", map[string][]string{"Expires": {in(2 * time.Hour)}, "Date": {in(time.Hour)}}, time.Hour},
		{"expires in the past", map[string][]string{"Expires": {in(-time.Hour)}, "Date": {date}}, 0},
		{"expires 0", map[string][]string{"Expires": {"0"}}, 0},
		{"expires capped at 24h", map[string][]string{"Expires": {in(72 * time.Hour)}, "Date": {date}}, 24 * time.Hour},
		{"expires with no-cache", map[string][]string{"Cache-Control": {"no-cache"}, "Expires": {in(time.Hour)}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, vs := range tt.header {
				for _, v := range vs {
					h.Add(k, v)
				}
			}
			if got := fetch.MaxAge(h, now); got != tt.want {
				t.Errorf("MaxAge(%v) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"120", 120 * time.Second, true},
		{" 120 ", 120 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"Sunday, 09-Mar-25 12:05:00 GMT", 5 * time.Minute, true}, // RFC 850
		{"Sun Mar  9 13:00:00 2025", time.Hour, true},             // ANSI C asctime
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},    // past: retry now
		{"99999999999999999999", time.Duration(1<<63 - 1), true},  // saturates, no overflow
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Sun, 09 Mar 2025", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := fetch.ParseRetryAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
