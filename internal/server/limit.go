package server

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// RateLimit configures the per-client limit on unconditional polling.
//
// A client that sends If-None-Match or If-Modified-Since is never limited:
// its polls cost us a header comparison. A client that fetches the same
// unchanged feed unconditionally again within MinInterval gets 429 with
// Retry-After, which is how feed readers learn to send validators.
type RateLimit struct {
	Enabled     bool
	MinInterval time.Duration // default 60s
	// Loopback clients are exempt unless this is set: local tools, load
	// tests and a CDN on the same host would otherwise trip it.
	IncludeLoopback bool
	// TrustForwardedFor takes the client address from the last hop of
	// X-Forwarded-For: set it only behind a proxy that writes that header.
	TrustForwardedFor bool
	MaxClients        int // tracked (client, feed) pairs; default 100,000
}

type limitKey struct {
	client netip.Addr
	feed   cacheKey
}

type limitEntry struct {
	etag string
	at   time.Time
}

// limiter remembers, per client and feed, the last unconditional fetch.
// It is memory only by design: losing it on restart only forgives clients.
type limiter struct {
	opts RateLimit
	now  func() time.Time
	mu   sync.Mutex
	seen map[limitKey]limitEntry
}

func newLimiter(opts RateLimit) *limiter {
	if opts.MinInterval <= 0 {
		opts.MinInterval = time.Minute
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = 100_000
	}
	return &limiter{opts: opts, now: time.Now, seen: make(map[limitKey]limitEntry)}
}

// allow reports whether an unconditional request for k, whose current
// version is etag, may be served, and if not, how long the client should wait.
func (l *limiter) allow(r *http.Request, k cacheKey, etag string) (bool, time.Duration) {
	if l == nil || r.Method == http.MethodHead || r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		// A HEAD gets no body: it neither counts as a fetch nor is refused.
		return true, 0
	}
	addr, ok := l.clientAddr(r)
	if !ok || (addr.IsLoopback() && !l.opts.IncludeLoopback) {
		return true, 0
	}
	now := l.now()
	key := limitKey{client: addr, feed: k}
	l.mu.Lock()
	defer l.mu.Unlock()
	prev, seen := l.seen[key]
	if seen && prev.etag == etag {
		if wait := prev.at.Add(l.opts.MinInterval).Sub(now); wait > 0 {
			return false, wait
		}
	}
	if !seen && len(l.seen) >= l.opts.MaxClients {
		l.evict(now)
	}
	l.seen[key] = limitEntry{etag: etag, at: now}
	return true, 0
}

// evict drops entries older than the interval; if none are, it drops an
// arbitrary half, so memory stays bounded under a flood of addresses.
func (l *limiter) evict(now time.Time) {
	for k, e := range l.seen {
		if now.Sub(e.at) > l.opts.MinInterval {
			delete(l.seen, k)
		}
	}
	if len(l.seen) < l.opts.MaxClients {
		return
	}
	n := len(l.seen) / 2
	for k := range l.seen {
		if n == 0 {
			break
		}
		delete(l.seen, k)
		n--
	}
}

func (l *limiter) clientAddr(r *http.Request) (netip.Addr, bool) {
	if l.opts.TrustForwardedFor {
		if v := r.Header.Values("X-Forwarded-For"); len(v) > 0 {
			last := v[len(v)-1]
			for i := len(last) - 1; i >= 0; i-- {
				if last[i] == ',' {
					last = last[i+1:]
					break
				}
			}
			if a, err := netip.ParseAddr(trimSpace(last)); err == nil {
				return a.Unmap(), true
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	return a.Unmap(), err == nil
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
