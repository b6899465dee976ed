package ingest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/newsroom"
)

// GoneReason is Source.DisabledReason after the upstream answered 410.
const GoneReason = "410 Gone"

// document is an upstream answer a pass works from. A pass that holds items
// back hands it on, so a catch-up pass takes the next batch without asking
// the upstream again.
type document struct {
	url      string // the source URL it answers, after any permanent redirect
	fr       *fetch.Result
	base     *url.URL
	bodyHash []byte
	feed     *gofeed.Feed
}

// pass runs one pass over src: fetch, parse, recognise, normalise, save.
// Every outcome but a cancelled ctx is recorded on the source. With held
// (the document the previous pass held items back from, for this URL) it
// neither fetches nor parses. It returns the document when it held items
// back and stored the batch it took, for a catch-up pass.
func (in *Ingester) pass(ctx context.Context, lk *keeper, src newsroom.Source, held *document) (Result, *document) {
	wall := time.Now()
	start := in.opts.Now().UTC().Truncate(time.Second)
	res := Result{Source: src.Name}
	state := src.State()
	state.LastAttempt = start
	every := scheduleInterval(src.Schedule, start)

	// The item history is read on the other core while the body is parsed.
	type knownItems struct {
		m   map[string]newsroom.KnownItem
		err error
	}
	knownc := make(chan knownItems, 1)
	readKnown := func() {
		m, err := in.st.KnownItems(ctx, src.ID)
		knownc <- knownItems{m, err}
	}

	doc := held
	if doc == nil || doc.url != src.URL {
		fr, err := in.client.Fetch(ctx, fetch.Request{URL: src.URL, ETag: src.ETag,
			LastModified: src.LastModified, AllowPrivate: src.AllowPrivate})
		if err != nil {
			if errors.Is(err, fetch.ErrBlockedAddress) {
				// A host name that resolves to a private address is only
				// known now: say how to allow it.
				err = fmt.Errorf("%w (a source reaches loopback and private addresses only with sources add --allow-private, or allow_private: true in the config)", err)
			}
			return in.fail(ctx, lk, src, state, every, err, res, wall), nil
		}
		if fr.PermanentRedirect != "" && fr.PermanentRedirect != src.URL {
			state.MovedTo = fr.PermanentRedirect
			in.log.Info("source moved permanently", "source", src.Name, "from", src.URL, "to", fr.PermanentRedirect)
		}
		if fr.NotModified {
			res.NotModified = true
			state.ETag, state.LastModified = fr.ETag, fr.LastModified
			in.succeed(&state, every, fr.MaxAge, false)
			return in.record(ctx, lk, src, newsroom.Pass{SourceID: src.ID, State: state}, res, wall), nil
		}

		base, err := url.Parse(fr.FinalURL)
		if err != nil {
			return in.fail(ctx, lk, src, state, every, fmt.Errorf("final URL %q: %w", fr.FinalURL, err), res, wall), nil
		}
		// A body byte for byte the last fully stored one (many upstreams answer
		// every poll with a full 200) is as good as a 304: nothing to parse.
		bodyHash := hashBody(&src, base, fr.Body)
		if bytes.Equal(bodyHash, src.BodyHash) {
			res.NotModified = true
			state.ETag, state.LastModified = fr.ETag, fr.LastModified
			in.succeed(&state, every, fr.MaxAge, false)
			return in.record(ctx, lk, src, newsroom.Pass{SourceID: src.ID, State: state}, res, wall), nil
		}

		go readKnown()
		feed, err := in.parse(fr.Body)
		if err != nil {
			// Validators are not stored: the next poll fetches the body again.
			return in.fail(ctx, lk, src, state, every, fmt.Errorf("parse %s: %w", fr.FinalURL, err), res, wall), nil
		}
		doc = &document{url: cmp.Or(state.MovedTo, src.URL), fr: fr, base: base, bodyHash: bodyHash, feed: feed}
	} else {
		readKnown()
	}
	known := <-knownc
	if known.err != nil {
		return in.fail(ctx, lk, src, state, every, known.err, res, wall), nil
	}
	b := batch{
		src: &src, feed: doc.feed, raw: doc.fr.Body, base: doc.base, known: known.m, now: start,
		maxNew: in.opts.MaxNewPerPass, normalized: &in.normalized.n, clean: in.opts.Clean,
	}
	items := b.build()
	if b.dupGUIDs && state.IDMode == "" {
		state.IDMode, state.Note = newsroom.IDModeLink, DuplicateGUIDNote
		in.log.Warn("duplicate GUIDs in feed: identifying its items by link", "source", src.Name)
	}
	res.Unchanged, res.Deferred, res.Dropped = b.unchanged, b.deferred, len(b.dropped)
	if held != nil {
		// What this pass skipped as stored, the pass that fetched the
		// document counted (or stored itself).
		res.Unchanged = 0
	}
	for _, err := range b.dropped {
		in.log.Info("item not published", "source", src.Name, "error", err)
	}
	state.FeedTTL = b.ttl
	// Validators and the body hash let the next poll skip the document:
	// they are stored only once all of it is. While items are held back
	// the next poll must fetch and take the next batch.
	state.ETag, state.LastModified, state.BodyHash = "", "", nil
	if b.deferred == 0 {
		state.ETag, state.LastModified, state.BodyHash = doc.fr.ETag, doc.fr.LastModified, doc.bodyHash
	}
	in.succeed(&state, every, doc.fr.MaxAge, b.deferred > 0)
	// A catch-up pass follows this one under the same lease.
	catchUp := b.deferred > 0 && len(items) > 0
	res = in.record(ctx, lk, src, newsroom.Pass{SourceID: src.ID, State: state, Items: items, KeepLease: catchUp}, res, wall)
	if b.deferred == 0 || res.Err != nil || !res.recorded || len(items) == 0 {
		return res, nil
	}
	return res, doc
}

// DuplicateGUIDNote is Source.Note once a feed has repeated GUIDs.
const DuplicateGUIDNote = "duplicate GUIDs in feed: identifying items by link"

// succeed sets the state of a successful pass; the next run is one
// interval away, stretched by the feed's <ttl> and the response's max-age
// unless the pass held items back: those say how long the upstream's
// document stays fresh, and this one is not all taken yet.
func (in *Ingester) succeed(st *newsroom.SourceState, every, maxAge time.Duration, backlog bool) {
	st.Failures, st.LastError, st.LastSuccess = 0, "", st.LastAttempt
	if backlog {
		st.NextRun = st.LastAttempt.Add(every)
		return
	}
	st.NextRun = st.LastAttempt.Add(nextInterval(every, st.FeedTTL, maxAge, in.opts.MaxInterval))
}

// fail records a failed pass: the error, one more consecutive failure and a
// backoff (or Retry-After, or 410's disabling). A pass cut short by ctx
// (shutdown) is not the source's fault and records nothing.
func (in *Ingester) fail(ctx context.Context, lk *keeper, src newsroom.Source, st newsroom.SourceState, every time.Duration,
	err error, res Result, wall time.Time) Result {
	res.Err = err
	if ctx.Err() != nil {
		res.Duration = time.Since(wall)
		return res
	}
	st.Failures++
	st.LastError = err.Error()
	delay := backoff(every, st.Failures, in.opts.MaxBackoff)
	var se *fetch.StatusError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		delay = max(delay, min(se.RetryAfter, in.opts.MaxBackoff))
	}
	st.NextRun = st.LastAttempt.Add(delay)
	if errors.Is(err, fetch.ErrGone) {
		st.DisabledReason, st.NextRun = GoneReason, time.Time{}
	}
	in.log.Warn("source failed", "source", src.Name, "url", src.URL, "failures", st.Failures,
		"next_run", st.NextRun, "error", err)
	return in.record(ctx, lk, src, newsroom.Pass{SourceID: src.ID, State: st}, res, wall)
}

// record saves the pass under its lease, which the save releases unless
// p.KeepLease. When the items cannot be saved, the failure is recorded on
// the source instead; a pass whose lease was lost records nothing.
func (in *Ingester) record(ctx context.Context, lk *keeper, src newsroom.Source, p newsroom.Pass, res Result, wall time.Time) Result {
	p.Lease = &lk.lease
	pr, err := in.st.SavePass(ctx, p)
	if err != nil && len(p.Items) > 0 && ctx.Err() == nil && !errors.Is(err, newsroom.ErrLeaseLost) {
		err = fmt.Errorf("save %s: %w", src.Name, err)
		// Logged here: recording the failure on the source may still work.
		in.faults.Error(src.Name, "cannot save items", err, "source", src.Name, "items", len(p.Items))
		res.Err, res.Unchanged, res.Deferred = err, 0, 0
		st := p.State
		st.LastSuccess, st.ETag, st.LastModified, st.BodyHash = src.LastSuccess, src.ETag, src.LastModified, src.BodyHash
		st.Failures, st.LastError = src.Failures+1, err.Error()
		st.NextRun = st.LastAttempt.Add(backoff(scheduleInterval(src.Schedule, st.LastAttempt), st.Failures, in.opts.MaxBackoff))
		p.KeepLease = false
		_, err = in.st.SavePass(ctx, newsroom.Pass{SourceID: src.ID, State: st, Lease: p.Lease})
	}
	res.Duration = time.Since(wall)
	if errors.Is(err, newsroom.ErrLeaseLost) {
		in.log.Warn("lease lost: pass abandoned, another instance polls the source", "source", src.Name, "error", err)
		res.Err = errors.Join(res.Err, err)
		return res
	}
	if err != nil {
		in.faults.Error(src.Name, "cannot record pass", err, "source", src.Name)
		res.Err = errors.Join(res.Err, err)
		return res
	}
	res.recorded = true
	in.noteAttempt(src.Name, p.State.LastAttempt)
	lk.released = lk.released || !p.KeepLease
	res.New, res.Updated, res.Unchanged = pr.New, pr.Updated, res.Unchanged+pr.Unchanged
	if res.Err == nil {
		lvl := in.log.Debug
		if pr.Changed() {
			lvl = in.log.Info
		}
		lvl("source polled", "source", src.Name, "new", res.New, "updated", res.Updated,
			"unchanged", res.Unchanged, "deferred", res.Deferred, "not_modified", res.NotModified)
	}
	return res
}

// countingHook counts items that went through normalisation, so tests can
// prove that unchanged items skip it.
type countingHook struct{ n atomic.Int64 }
