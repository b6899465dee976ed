package fetch

import (
	"io"
	"net/http"
	"net/netip"
	"time"
)

// Hooks for the external tests in package fetch_test.

// WithBlocked replaces the SSRF classifier, so a test can call one loopback address
// "public" and another blocked.
func WithBlocked(o Options, blocked func(netip.Addr) bool) Options {
	o.blocked = blocked
	return o
}

// WithNow fixes the clock used for Expires and Retry-After dates.
func WithNow(o Options, now func() time.Time) Options {
	o.now = now
	return o
}

// IsBlocked is the real SSRF address classifier.
func IsBlocked(a netip.Addr) bool { return isBlocked(a) }

// ToUTF8 is the charset decoder Fetch applies to every body.
func ToUTF8(body []byte, contentType string) ([]byte, error) { return toUTF8(body, contentType) }

// MaxAge is the cache-lifetime rule behind Result.MaxAge.
func MaxAge(h http.Header, now time.Time) time.Duration { return maxAge(h, now) }

// ReadBody reads r through the capped reader.
func ReadBody(r io.Reader, max, sizeHint int64) ([]byte, error) { return readBody(r, max, sizeHint) }
