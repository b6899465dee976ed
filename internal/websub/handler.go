package websub

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
)

// Request limits. A callback is stored and dialled, so it is bounded like
// any outside input.
const (
	maxRequestBytes = 16 << 10
	maxCallbackLen  = 2048
	// checkTimeout bounds the DNS lookup that vets a callback's host.
	checkTimeout = 5 * time.Second
)

// badRequest is a client mistake, answered with 400 and its text.
type badRequest struct{ reason string }

func (e *badRequest) Error() string { return e.reason }

// storageRetryAfter is the Retry-After, in seconds, of a request refused
// because the database cannot be written: the server's admin API gives the
// same, a few of the store's write probes.
const storageRetryAfter = "30"

func bad(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// ServeHTTP takes a subscription request: a form-encoded POST with hub.mode
// (subscribe or unsubscribe), hub.topic, hub.callback and, to subscribe,
// optional hub.lease_seconds and hub.secret. A well-formed request is answered
// 202 Accepted and verified with the subscriber afterwards; it takes effect
// only once verified. Anything else gets 400 with the reason; a request
// the database cannot store now (full disk, read-only) gets 503 with
// Retry-After.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed: use POST", http.StatusMethodNotAllowed)
		return
	}
	in, err := h.parseRequest(w, r)
	var br *badRequest
	if errors.As(err, &br) {
		http.Error(w, br.reason, http.StatusBadRequest)
		return
	}
	if err == nil {
		_, err = h.st.RequestWebSub(r.Context(), in)
	}
	var se *newsroom.StorageError
	switch {
	case errors.As(err, &se):
		// Nothing was stored and the same request may work once the
		// fault clears: the subscriber is told to come back.
		h.faults.Error(in.Topic, "websub request not stored: storage", err, "mode", in.Mode, "topic", in.Topic)
		w.Header().Set("Retry-After", storageRetryAfter)
		http.Error(w, "the hub cannot store requests now ("+se.Fault.String()+"): retry later", http.StatusServiceUnavailable)
		return
	case err != nil:
		h.log.Error("websub request", "topic", in.Topic, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.log.Info("websub request accepted", "mode", in.Mode, "topic", in.Topic, "callback", redact(in.Callback))
	h.wake()
	w.WriteHeader(http.StatusAccepted)
}

// parseRequest validates a subscription request; its errors are *badRequest
// unless reading the request failed on our side.
func (h *Hub) parseRequest(w http.ResponseWriter, r *http.Request) (newsroom.WebSubIntent, error) {
	var in newsroom.WebSubIntent
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return in, bad("body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
	if err := r.ParseForm(); err != nil {
		return in, bad("bad form: %v", err)
	}
	f := r.PostForm // parameters of the body only, as the Recommendation has them

	switch in.Mode = f.Get("hub.mode"); in.Mode {
	case newsroom.WebSubSubscribe, newsroom.WebSubUnsubscribe:
	case "":
		return in, bad("missing hub.mode")
	default:
		return in, bad("hub.mode must be subscribe or unsubscribe, not %q", in.Mode)
	}

	in.Topic = f.Get("hub.topic")
	switch {
	case in.Topic == "":
		return in, bad("missing hub.topic")
	case !h.opts.ValidTopic(in.Topic):
		return in, bad("unknown hub.topic %q: not a feed of this hub", in.Topic)
	}

	cb, err := h.checkCallback(r.Context(), f.Get("hub.callback"))
	if err != nil {
		return in, err
	}
	in.Callback = cb
	in.Requested = h.opts.Now()
	if in.Mode == newsroom.WebSubUnsubscribe {
		return in, nil // lease and secret concern subscriptions only
	}

	in.Lease = h.opts.DefaultLease
	if v := f.Get("hub.lease_seconds"); v != "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs <= 0 {
			return in, bad("hub.lease_seconds must be a positive whole number of seconds, not %q", v)
		}
		// The hub may grant another lease than asked; the subscriber learns it
		// from hub.lease_seconds in the verification request.
		in.Lease = h.opts.MaxLease
		if secs < int64(h.opts.MaxLease/time.Second) {
			in.Lease = max(time.Duration(secs)*time.Second, h.opts.MinLease)
		}
	}
	in.Secret = f.Get("hub.secret")
	if len(in.Secret) > MaxSecretLen {
		return in, bad("hub.secret must be shorter than 200 bytes, it has %d", len(in.Secret))
	}
	return in, nil
}

// checkCallback returns the callback to store, or why it is refused.
func (h *Hub) checkCallback(ctx context.Context, raw string) (string, error) {
	if raw == "" {
		return "", bad("missing hub.callback")
	}
	if len(raw) > maxCallbackLen {
		return "", bad("hub.callback is longer than %d bytes", maxCallbackLen)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", bad("hub.callback must be an absolute http or https URL")
	}
	u.Fragment, u.RawFragment = "", "" // never sent
	if !h.opts.AllowPrivateCallbacks {
		ctx, cancel := context.WithTimeout(ctx, checkTimeout)
		defer cancel()
		// A quick refusal for the obvious cases; the dial guard still checks
		// every connection, since DNS answers change.
		if err := fetch.CheckHost(ctx, h.opts.Resolver, u.Hostname()); err != nil {
			if errors.Is(err, fetch.ErrBlockedAddress) {
				return "", bad("hub.callback host %s is a private or reserved address", u.Hostname())
			}
			return "", bad("hub.callback host %s does not resolve", u.Hostname())
		}
	}
	return u.String(), nil
}

// redact hides a password in a callback URL for logs.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return ""
}
