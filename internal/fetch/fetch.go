// Package fetch is newswire's upstream HTTP client: conditional GET, timeouts, redirect
// policy, a body cap that also bounds decompressed bytes, an SSRF guard on every dialled
// address, and charset handling that hands callers UTF-8. It does not parse feeds.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultUserAgent    = "newswire (+https://github.com/newswire/newswire)"
	DefaultTimeout      = 30 * time.Second
	DefaultDialTimeout  = 10 * time.Second
	DefaultTLSTimeout   = 10 * time.Second
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRedirects = 5
)

// accept prefers feed types but takes anything: many upstreams mislabel feeds as text/html.
const accept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8"

// Options configures a Client. Zero fields take the defaults above.
type Options struct {
	UserAgent string // e.g. "newswire/1.2.3 (+https://github.com/newswire/newswire)"
	// Timeout bounds a whole fetch: every redirect hop and reading the body.
	Timeout             time.Duration
	DialTimeout         time.Duration
	TLSHandshakeTimeout time.Duration
	MaxBytes            int64 // body cap, counted after decompression
	// MaxRedirects is how many redirects are followed; 0 means the default, negative none.
	MaxRedirects int
	// Resolver, if set, resolves host names (tests point it at a local DNS server).
	Resolver *net.Resolver

	blocked func(netip.Addr) bool // replaces isBlocked in tests
	now     func() time.Time      // clock for cache ages and Retry-After dates
}

// Client fetches upstream feeds. It is safe for concurrent use and keeps connections alive
// between fetches; create one per process and share it.
type Client struct {
	opts Options
	// Two pools, so that a connection dialled for an AllowPrivate request is never reused
	// by a guarded one to the same host.
	guarded, open *http.Transport
	bufs          bufPool
}

// New returns a Client with its own transports (nothing global is shared or changed).
func New(opts Options) *Client {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.TLSHandshakeTimeout <= 0 {
		opts.TLSHandshakeTimeout = DefaultTLSTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	switch {
	case opts.MaxRedirects == 0:
		opts.MaxRedirects = DefaultMaxRedirects
	case opts.MaxRedirects < 0:
		opts.MaxRedirects = 0
	}
	if opts.blocked == nil {
		opts.blocked = isBlocked
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	c := &Client{opts: opts}
	c.guarded = c.newTransport(opts.blocked)
	c.open = c.newTransport(nil)
	return c
}

func (c *Client) newTransport(blocked func(netip.Addr) bool) *http.Transport {
	// No response-header timeout: the deadline of the whole fetch covers
	// every hop, and a second timer of the same length would race it and
	// sometimes fail the fetch with an error that is not DeadlineExceeded.
	return newTransport(c.opts.DialTimeout, c.opts.TLSHandshakeTimeout, 0, c.opts.Resolver, blocked)
}

// newTransport is the one transport setup fetches and WebSub callbacks
// share; blocked, when set, refuses addresses at dial time (the SSRF guard).
// A zero header timeout leaves waiting for response headers to the
// request's own deadline.
func newTransport(dial, tls, header time.Duration, resolver *net.Resolver, blocked func(netip.Addr) bool) *http.Transport {
	d := &net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second, Resolver: resolver}
	dialContext := d.DialContext
	if blocked != nil {
		d.ControlContext = dialControl(blocked)
		dialContext = guardNumericHosts(d.DialContext, blocked)
	}
	return &http.Transport{
		// No proxy: the guard checks the address dialled, which would be the proxy's.
		Proxy:                  nil,
		DialContext:            dialContext,
		TLSHandshakeTimeout:    tls,
		ResponseHeaderTimeout:  header,
		MaxResponseHeaderBytes: 1 << 20,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		ForceAttemptHTTP2:      true, // a custom DialContext turns HTTP/2 off otherwise
		// DisableCompression stays false: the transport asks for gzip and decompresses,
		// and readBody caps the decompressed stream.
	}
}

// CloseIdleConnections closes kept-alive connections, e.g. at shutdown.
func (c *Client) CloseIdleConnections() {
	c.guarded.CloseIdleConnections()
	c.open.CloseIdleConnections()
}

// Request is one conditional GET.
type Request struct {
	URL string
	// ETag and LastModified are the validators stored from the previous fetch; sent as
	// If-None-Match and If-Modified-Since when set.
	ETag, LastModified string
	// AllowPrivate lifts the SSRF guard (the source's allow_private setting).
	AllowPrivate bool
}

// Result is a successful fetch: a 2xx body or a 304.
type Result struct {
	NotModified bool // 304: Body is nil, nothing changed upstream
	StatusCode  int
	FinalURL    string // after redirects
	// PermanentRedirect is the final URL when at least one redirect was followed and every
	// hop was 301 or 308: the caller should store it in place of Request.URL.
	PermanentRedirect string
	// Body is UTF-8 without a byte order mark; an XML declaration naming another encoding
	// has been rewritten to say UTF-8.
	Body []byte
	// ETag and LastModified are the validators to store. On a 304 without them they repeat
	// the request's, so the caller can store them unconditionally.
	ETag, LastModified string
	// MaxAge is how long the response says it stays fresh (Cache-Control max-age, else
	// Expires minus Date), capped at 24h; 0 when absent, no-cache or no-store.
	MaxAge time.Duration
	Header http.Header // of the final response
}

// Fetch GETs req.URL, following redirects, within Options.Timeout. Errors name the URL and
// wrap ErrTooLarge, ErrBlockedAddress, ErrTooManyRedirects, ErrUnsupportedScheme, ErrCharset,
// a *StatusError (errors.Is(err, ErrGone) for 410), or the context's error:
// context.DeadlineExceeded also when Options.Timeout runs out.
func (c *Client) Fetch(ctx context.Context, req Request) (*Result, error) {
	res, err := c.fetch(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact(req.URL), err)
	}
	return res, nil
}

func (c *Client) fetch(ctx context.Context, req Request) (*Result, error) {
	u, err := checkURL(req.URL)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout,
		fmt.Errorf("%w: no complete response within %s", context.DeadlineExceeded, c.opts.Timeout))
	defer cancel()

	rt := c.guarded
	if req.AllowPrivate {
		rt = c.open
	}
	permanent := true
	var visited map[string]bool // allocated only when there is a redirect
	for hops := 0; ; hops++ {
		resp, err := c.roundTrip(ctx, rt, u, req)
		if err != nil {
			err = withCause(ctx, err)
			if hops > 0 {
				err = fmt.Errorf("after redirect to %s: %w", u.Redacted(), err)
			}
			return nil, err
		}
		loc := resp.Header.Get("Location")
		if !isRedirect(resp.StatusCode) || loc == "" {
			defer resp.Body.Close()
			res, err := c.result(ctx, resp, u, req)
			if err != nil {
				if hops > 0 {
					err = fmt.Errorf("after redirect to %s: %w", u.Redacted(), err)
				}
				return nil, err
			}
			if hops > 0 && permanent {
				res.PermanentRedirect = res.FinalURL
			}
			return res, nil
		}
		discard(resp.Body)

		next, err := u.Parse(loc)
		if err != nil {
			return nil, fmt.Errorf("bad redirect location %q from %s: %w", loc, u.Redacted(), err)
		}
		if next, err = checkURL(next.String()); err != nil {
			return nil, fmt.Errorf("redirect from %s: %w", u.Redacted(), err)
		}
		if visited == nil {
			visited = map[string]bool{u.String(): true}
		}
		switch {
		case visited[next.String()]:
			return nil, fmt.Errorf("%w: redirect loop back to %s", ErrTooManyRedirects, next.Redacted())
		case hops >= c.opts.MaxRedirects:
			return nil, fmt.Errorf("%w: stopped after %d redirects, at %s", ErrTooManyRedirects, hops, next.Redacted())
		}
		visited[next.String()] = true
		permanent = permanent && (resp.StatusCode == http.StatusMovedPermanently ||
			resp.StatusCode == http.StatusPermanentRedirect)
		u = next
	}
}

// roundTrip sends one GET without following redirects.
func (c *Client) roundTrip(ctx context.Context, rt http.RoundTripper, u *url.URL, req Request) (*http.Response, error) {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	h := hreq.Header
	h.Set("User-Agent", c.opts.UserAgent)
	h.Set("Accept", accept)
	if req.ETag != "" {
		h.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		h.Set("If-Modified-Since", req.LastModified)
	}
	if u.User != nil { // what http.Client would do; a redirect to another host drops it
		pw, _ := u.User.Password()
		hreq.SetBasicAuth(u.User.Username(), pw)
	}
	return rt.RoundTrip(hreq)
}

// result turns the final response into a Result or an error; it reads and closes nothing
// but the body.
func (c *Client) result(ctx context.Context, resp *http.Response, u *url.URL, req Request) (*Result, error) {
	res := &Result{
		StatusCode:   resp.StatusCode,
		FinalURL:     u.String(),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		MaxAge:       maxAge(resp.Header, c.opts.now()),
		Header:       resp.Header,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		discard(resp.Body)
		res.NotModified = true
		if res.ETag == "" {
			res.ETag = req.ETag
		}
		if res.LastModified == "" {
			res.LastModified = req.LastModified
		}
		return res, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		discard(resp.Body)
		e := &StatusError{Code: resp.StatusCode, Status: resp.Status}
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), c.opts.now()); ok {
			e.RetryAfter = d
		}
		return nil, e
	}
	if resp.ContentLength > c.opts.MaxBytes {
		return nil, fmt.Errorf("%w: content-length %d, limit %d", ErrTooLarge, resp.ContentLength, c.opts.MaxBytes)
	}
	var (
		raw []byte
		err error
	)
	if resp.ContentLength >= 0 {
		// A body of known length is read once into a buffer of its size,
		// which becomes the Result's: no copy out of a pooled buffer.
		raw, err = readBody(resp.Body, c.opts.MaxBytes, resp.ContentLength)
	} else {
		buf := c.bufs.get()
		defer c.bufs.put(buf)
		err = readInto(buf, resp.Body, c.opts.MaxBytes, resp.ContentLength)
		raw = buf.Bytes()
	}
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("read body: %w", withCause(ctx, err))
	}
	body, fresh, err := decode(raw, resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	if !fresh && resp.ContentLength < 0 {
		body = bytes.Clone(body) // buf goes back to the pool
	}
	res.Body = body
	return res, nil
}

// checkURL parses a source or redirect URL and accepts only absolute http(s) URLs.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w %q", ErrUnsupportedScheme, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("url %q has no host", raw)
	}
	u.Fragment, u.RawFragment = "", "" // never sent; keeps loop detection exact
	return u, nil
}

// redact hides a password in a URL for error messages, which end up in logs.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return raw
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// discard reads a little of an unwanted body so the connection can be reused, then closes it.
func discard(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}

// withCause makes an error that happened because ctx ended say so (and match
// context.DeadlineExceeded or context.Canceled) even when the transport's error does not.
func withCause(ctx context.Context, err error) error {
	if ctx.Err() == nil {
		return err
	}
	cause := context.Cause(ctx)
	if errors.Is(err, cause) {
		return err
	}
	return fmt.Errorf("%w: %w", cause, err)
}
