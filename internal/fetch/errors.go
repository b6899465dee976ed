package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinel errors that callers branch on. Fetch wraps them with the URL, so test with errors.Is.
var (
	// ErrTooLarge means the body (after decompression) exceeded Options.MaxBytes. It is distinct
	// from a truncated transfer, which surfaces as an I/O error.
	ErrTooLarge = errors.New("body too large")
	// ErrBlockedAddress means the SSRF guard refused to connect to a loopback, private,
	// link-local, multicast or otherwise non-public address.
	ErrBlockedAddress = errors.New("blocked address")
	// ErrTooManyRedirects means the redirect chain was longer than Options.MaxRedirects or
	// looped back to a URL already visited.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrUnsupportedScheme means the URL, or a redirect target, is not http or https.
	ErrUnsupportedScheme = errors.New("unsupported URL scheme")
	// ErrCharset means the body is not valid in the charset chosen for it, or the charset label
	// is unknown. The body is refused rather than passed on as mojibake.
	ErrCharset = errors.New("invalid text encoding")
	// ErrGone matches a *StatusError with Code 410: the upstream says the feed is gone for good.
	ErrGone = errors.New("gone")
)

// StatusError is an HTTP response that is neither success (2xx), 304 nor a followed redirect.
type StatusError struct {
	Code   int    // HTTP status code
	Status string // status line text as received, e.g. "429 Too Many Requests"
	// RetryAfter is the parsed Retry-After header (seconds or HTTP-date), 0 when absent or
	// unparseable. Servers send it mostly with 429 and 503.
	RetryAfter time.Duration
}

// Error describes the status, and the Retry-After delay when there was one.
func (e *StatusError) Error() string {
	s := e.Status
	if s == "" {
		s = fmt.Sprintf("%d %s", e.Code, http.StatusText(e.Code))
	}
	if e.RetryAfter > 0 {
		return fmt.Sprintf("http status %s (retry after %s)", s, e.RetryAfter)
	}
	return "http status " + s
}

// Is lets errors.Is(err, ErrGone) match a 410 response.
func (e *StatusError) Is(target error) bool {
	return target == ErrGone && e.Code == http.StatusGone
}
