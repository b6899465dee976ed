package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// GuardOptions configures NewGuardedClient and NewGuardedTransport: an HTTP client for
// requests to addresses given by outsiders (WebSub callbacks), with the same SSRF guard on
// every dialled address as Client. Zero fields take the package defaults.
type GuardOptions struct {
	// AllowPrivate lifts the guard (a newsroom's internal network, tests on loopback).
	AllowPrivate bool
	// Timeout bounds a whole request, reading the response body included.
	Timeout             time.Duration
	DialTimeout         time.Duration
	TLSHandshakeTimeout time.Duration
	// MaxRedirects is how many redirects are followed; 0 follows none and returns the 3xx
	// response itself. Every hop is dialled through the guard.
	MaxRedirects int
	// Resolver, if set, resolves host names.
	Resolver *net.Resolver
}

func (o *GuardOptions) setDefaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = DefaultTLSTimeout
	}
	if o.MaxRedirects < 0 {
		o.MaxRedirects = 0
	}
}

// NewGuardedTransport returns a transport that refuses to connect to loopback, private,
// link-local and other non-public addresses unless opts.AllowPrivate is set. The check runs
// on the address actually dialled, after DNS resolution, so DNS rebinding cannot get past it.
// It uses no proxy, since the guard would then only see the proxy's address.
func NewGuardedTransport(opts GuardOptions) *http.Transport {
	opts.setDefaults()
	var blocked func(netip.Addr) bool
	if !opts.AllowPrivate {
		blocked = isBlocked
	}
	return newTransport(opts.DialTimeout, opts.TLSHandshakeTimeout, opts.Timeout, opts.Resolver, blocked)
}

// NewGuardedClient returns an http.Client over NewGuardedTransport(opts), with opts.Timeout
// as its overall timeout and opts.MaxRedirects as its redirect policy. A refused address
// surfaces as an error wrapping ErrBlockedAddress.
func NewGuardedClient(opts GuardOptions) *http.Client {
	opts.setDefaults()
	maxRedirects := opts.MaxRedirects
	return &http.Client{
		Transport: NewGuardedTransport(opts),
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if maxRedirects == 0 {
				return http.ErrUseLastResponse
			}
			if len(via) > maxRedirects {
				return fmt.Errorf("%w: stopped after %d redirects, at %s", ErrTooManyRedirects, maxRedirects, req.URL.Redacted())
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w %q", ErrUnsupportedScheme, req.URL.Scheme)
			}
			return nil
		},
	}
}

// CheckHost resolves host (a name or an IP literal, without port or brackets) and returns an
// error wrapping ErrBlockedAddress when any of its addresses is one the guard refuses. It
// lets a service reject a URL when it is submitted; the dial guard still checks every
// connection, since DNS answers can change. A nil resolver means net.DefaultResolver.
func CheckHost(ctx context.Context, resolver *net.Resolver, host string) error {
	if host == "" {
		return errors.New("check host: empty host")
	}
	// Numeric forms a resolver or dialer reads as an address ("2130706433",
	// "0x7f.1") are addresses here too, as the dial guard reads them.
	if a, ok := HostAddr(host); ok {
		if isBlocked(a) {
			return fmt.Errorf("%w: %s", ErrBlockedAddress, a)
		}
		return nil
	}
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	addrs, err := resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("resolve %s: no addresses", host)
	}
	for _, a := range addrs {
		if isBlocked(a) {
			return fmt.Errorf("%w: %s resolves to %s", ErrBlockedAddress, host, a)
		}
	}
	return nil
}
