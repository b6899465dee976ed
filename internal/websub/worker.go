package websub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
)

// maxAnswerBytes bounds what is read of a callback's answer: a challenge
// echo, or a body nobody needs.
const maxAnswerBytes = 4 << 10

// hold is how long claimed work stays ours: a request's timeout plus room
// for recording its outcome.
func (h *Hub) hold() time.Duration { return h.opts.Timeout + time.Minute }

// backoff is the delay after the failed attempt number failed+1.
func (h *Hub) backoff(failed int) time.Duration {
	d := h.opts.RetryBase
	for range failed {
		if d >= h.opts.RetryMax/2 {
			return h.opts.RetryMax
		}
		d *= 2
	}
	return min(d, h.opts.RetryMax)
}

// runDue purges lapsed subscriptions, then verifies and delivers whatever is
// due, until nothing due is left or Close is called. Verifications and
// deliveries run side by side, Workers requests at a time each: anyone may
// ask to subscribe a callback that never answers, and those must not hold
// up deliveries to subscribers who do. It returns when every request it
// started has finished.
func (h *Hub) runDue(ctx context.Context) error {
	if err := h.purge(ctx); err != nil {
		return err
	}
	var errVerify, errDeliver error
	var wg sync.WaitGroup
	wg.Go(func() {
		errVerify = drain(h, func() ([]newsroom.WebSubIntent, error) {
			return h.st.ClaimWebSubIntents(ctx, h.opts.Now(), h.hold(), h.opts.Workers)
		}, func(in newsroom.WebSubIntent) { h.verify(ctx, in) })
	})
	wg.Go(func() {
		errDeliver = drain(h, func() ([]newsroom.WebSubDelivery, error) {
			return h.st.ClaimWebSubDeliveries(ctx, h.opts.Now(), h.hold(), h.opts.Workers)
		}, func(d newsroom.WebSubDelivery) { h.deliver(ctx, d) })
	})
	wg.Wait()
	return errors.Join(errVerify, errDeliver)
}

// drain claims batches and handles each batch's items at once, until a
// claim comes back empty or the hub stops.
func drain[T any](h *Hub, claim func() ([]T, error), handle func(T)) error {
	for !h.stopping() {
		items, err := claim()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		parallel(len(items), func(i int) { handle(items[i]) })
	}
	return nil
}

// purgeInterval spaces purges: lapsed subscriptions get nothing anyway (the
// claim skips them), so removing them is only housekeeping, and a purge takes
// the database's write lock.
const purgeInterval = time.Minute

// purge deletes lapsed subscriptions and unneeded content, at most once per
// purgeInterval.
func (h *Hub) purge(ctx context.Context) error {
	now := h.opts.Now()
	if last := h.lastPurge.Load(); last != 0 && now.Unix()-last < int64(purgeInterval/time.Second) {
		return nil
	}
	n, err := h.st.PurgeWebSub(ctx, now)
	if err != nil {
		return err
	}
	h.lastPurge.Store(now.Unix())
	if n > 0 {
		h.log.Info("websub subscriptions expired", "count", n)
	}
	return nil
}

// parallel runs f(0) … f(n-1) at once and waits for them.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// verdict is what a callback's answer means for the request.
type verdict int

const (
	success   verdict = iota
	transient         // try again later
	refused           // the subscriber said no, or cannot be reached at all
)

// verify asks the callback to confirm a subscribe or unsubscribe request by
// echoing a random challenge, and applies the request if it does.
func (h *Hub) verify(ctx context.Context, in newsroom.WebSubIntent) {
	log := h.log.With("mode", in.Mode, "topic", in.Topic, "callback", redact(in.Callback))
	v, err := h.challenge(ctx, in)
	if v != success && ctx.Err() != nil {
		return // shutting down: the claim lapses and the request is verified later
	}
	dbCtx := context.WithoutCancel(ctx)
	switch {
	case v == success:
		if _, err := h.st.ConfirmWebSubIntent(dbCtx, in.ID, h.opts.Now()); errors.Is(err, newsroom.ErrNotFound) {
			log.Info("websub request superseded before it was verified")
		} else if err != nil {
			log.Error("websub confirm", "error", err)
		} else {
			log.Info("websub request verified", "lease_seconds", int64(in.Lease/time.Second))
		}
	case v == transient && in.Attempts+1 < h.opts.VerifyAttempts:
		log.Warn("websub verification failed, will retry", "attempt", in.Attempts+1, "error", err)
		if err := h.st.RetryWebSubIntent(dbCtx, in.ID, in.Claim, h.opts.Now().Add(h.backoff(in.Attempts)), err.Error()); err != nil {
			logRecord(log, "websub verification retry", err)
		}
	default:
		log.Warn("websub verification failed", "attempt", in.Attempts+1, "error", err)
		if err := h.st.DropWebSubIntent(dbCtx, in.ID, in.Claim); err != nil {
			logRecord(log, "websub verification drop", err)
		}
	}
}

// challenge sends the verification of intent: a GET of the callback with
// hub.mode, hub.topic, hub.challenge and (to subscribe) hub.lease_seconds
// added to its query. Only a 2xx answer whose body is the challenge confirms.
func (h *Hub) challenge(ctx context.Context, in newsroom.WebSubIntent) (verdict, error) {
	u, err := url.Parse(in.Callback)
	if err != nil {
		return refused, fmt.Errorf("callback: %w", err)
	}
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	challenge := hex.EncodeToString(b[:])
	q := u.Query()
	q.Set("hub.mode", in.Mode)
	q.Set("hub.topic", in.Topic)
	q.Set("hub.challenge", challenge)
	if in.Mode == newsroom.WebSubSubscribe {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(in.Lease/time.Second), 10))
	}
	u.RawQuery = q.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return refused, err
	}
	req.Header.Set("User-Agent", h.opts.UserAgent)
	resp, err := h.client.Do(req)
	if err != nil {
		if errors.Is(err, fetch.ErrBlockedAddress) {
			return refused, err
		}
		return transient, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return transient, fmt.Errorf("http status %s", resp.Status)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return refused, fmt.Errorf("http status %s", resp.Status)
	case err != nil:
		return transient, fmt.Errorf("read answer: %w", err)
	case string(bytes.TrimSpace(body)) != challenge: // a trailing newline is a common slip
		return refused, errors.New("the answer does not echo hub.challenge")
	}
	return success, nil
}

// deliver POSTs d's content to its callback and records the outcome: done on
// a 2xx, the subscription ended on a 410, otherwise retried with backoff
// until MaxAttempts or the end of the lease.
func (h *Hub) deliver(ctx context.Context, d newsroom.WebSubDelivery) {
	log := h.log.With("topic", d.Topic, "callback", redact(d.Callback), "attempt", d.Attempts+1)
	status, err := h.post(ctx, d)
	if err != nil && ctx.Err() != nil {
		return // shutting down: the claim lapses and the delivery is retried later
	}
	ok := err == nil && status >= 200 && status <= 299
	h.opts.OnDelivery(ok)
	dbCtx := context.WithoutCancel(ctx) // a delivered notification must be recorded
	now := h.opts.Now()
	if ok {
		log.Debug("websub delivered", "status", status)
		if err := h.st.FinishWebSubDelivery(dbCtx, d.SubscriptionID, d.Version, d.Claim, true, now); err != nil {
			logRecord(log, "websub record delivery", err)
		}
		return
	}
	if err == nil {
		if status == http.StatusGone {
			log.Info("websub subscription ended by the subscriber (410 Gone)")
			if err := h.st.DeleteWebSubSubscription(dbCtx, d.SubscriptionID, d.Claim); err != nil {
				logRecord(log, "websub delete subscription", err)
			}
			return
		}
		err = fmt.Errorf("http status %d %s", status, http.StatusText(status))
	}
	next := now.Add(h.backoff(d.Attempts))
	if d.Attempts+1 >= h.opts.MaxAttempts || !next.Before(d.Expires) {
		log.Warn("websub delivery dropped", "error", err)
		if err := h.st.FinishWebSubDelivery(dbCtx, d.SubscriptionID, d.Version, d.Claim, false, now); err != nil {
			logRecord(log, "websub drop delivery", err)
		}
		return
	}
	log.Warn("websub delivery failed, will retry", "error", err, "next_attempt", next)
	if err := h.st.RetryWebSubDelivery(dbCtx, d.SubscriptionID, d.Claim, next, err.Error()); err != nil {
		logRecord(log, "websub retry delivery", err)
	}
}

// logRecord logs a failure to record an outcome. A lost claim is no
// fault: the claim lapsed (a slow callback) and another instance, or a later
// pass, took the work over and records it.
func logRecord(log *slog.Logger, msg string, err error) {
	if errors.Is(err, newsroom.ErrClaimLost) {
		log.Info(msg+": claim lapsed, the work was taken over", "error", err)
		return
	}
	log.Error(msg, "error", err)
}

// post sends one content distribution request and returns the status.
func (h *Hub) post(ctx context.Context, d newsroom.WebSubDelivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Callback, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	hd := req.Header
	hd.Set("Content-Type", d.ContentType)
	hd.Set("User-Agent", h.opts.UserAgent)
	hd.Set("Link", feeds.LinkHeader(feeds.HubLinks(h.opts.HubURL, d.Topic)))
	if d.Secret != "" {
		hd.Set("X-Hub-Signature", Signature(d.Secret, d.Body))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, err
	}
	// Only the status matters; reading a little of the body lets the
	// connection be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswerBytes))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Signature is the X-Hub-Signature value for body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Signature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
