package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

// newClaim returns a claim token: random, never 0 (no claim).
func newClaim() int64 { return rand.Int64N(math.MaxInt64-1) + 1 }

// The WebSub methods take the time they act at from the caller, not from the
// store's clock: the hub schedules verifications, retries and lease ends, and
// its one clock must decide what is due.

// RequestWebSub records a subscribe or unsubscribe request awaiting
// verification, due at in.Requested, and returns its id. It replaces any
// pending request for the same topic and callback (with a new id).
func (s *Store) RequestWebSub(ctx context.Context, in newsroom.WebSubIntent) (_ int64, err error) {
	defer s.noteWrite(&err)
	if in.Mode != newsroom.WebSubSubscribe && in.Mode != newsroom.WebSubUnsubscribe {
		return 0, fmt.Errorf("websub request: unknown mode %q", in.Mode)
	}
	if in.Topic == "" || in.Callback == "" {
		return 0, errors.New("websub request: empty topic or callback")
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("websub request: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	id, err := replaceIntent(ctx, tx, in)
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return 0, fmt.Errorf("websub request %s %s: %w", in.Mode, in.Topic, err)
	}
	return id, nil
}

// replaceIntent deletes the pending request for in's topic and callback and
// inserts in. Two instances taking requests for one callback at once (a
// subscriber retrying through a load balancer) both find nothing to delete on
// PostgreSQL; the one whose insert then meets the other's committed row
// deletes it and inserts again, so the later request wins, as on SQLite,
// instead of failing on the unique key.
func replaceIntent(ctx context.Context, tx *dbTx, in newsroom.WebSubIntent) (int64, error) {
	at := in.Requested.Unix()
	for range 8 {
		if _, err := tx.ExecContext(ctx, `DELETE FROM websub_intents WHERE topic = ? AND callback = ?`, in.Topic, in.Callback); err != nil {
			return 0, err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO websub_intents
			(mode, topic, callback, secret, lease_seconds, requested, next_attempt)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (topic, callback) DO NOTHING RETURNING id`,
			in.Mode, in.Topic, in.Callback, in.Secret, seconds(in.Lease), at, at).Scan(&id)
		if !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
	}
	return 0, errors.New("other requests for this callback keep arriving")
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

const intentCols = `id, mode, topic, callback, secret, lease_seconds, requested, attempts, next_attempt, last_error,
	claim_token`

func scanIntent(r scanner) (newsroom.WebSubIntent, error) {
	var (
		in                      newsroom.WebSubIntent
		lease, req, next, tries int64
	)
	err := r.Scan(&in.ID, &in.Mode, &in.Topic, &in.Callback, &in.Secret, &lease, &req, &tries, &next, &in.LastError,
		&in.Claim)
	in.Lease = time.Duration(lease) * time.Second
	in.Requested, in.NextAttempt, in.Attempts = unix(req), unix(next), int(tries)
	return in, err
}

// ClaimWebSubIntents returns up to limit requests due at now and not claimed
// by anyone else, oldest first, and claims them until now+hold: another
// instance will not verify them meanwhile, and they are free again after
// (should this process die).
func (s *Store) ClaimWebSubIntents(ctx context.Context, now time.Time, hold time.Duration, limit int) (_ []newsroom.WebSubIntent, err error) {
	defer s.noteWrite(&err)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim websub intents: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	rows, err := tx.QueryContext(ctx, `UPDATE websub_intents SET claimed_until = ?1, claim_token = ?2
		WHERE id IN (SELECT id FROM websub_intents WHERE next_attempt <= ?3 AND claimed_until <= ?3
			ORDER BY next_attempt, id LIMIT ?4`+s.d.claimRows("websub_intents")+`)
		RETURNING `+intentCols, now.Add(hold).Unix(), newClaim(), now.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("claim websub intents: %w", err)
	}
	var ins []newsroom.WebSubIntent
	for rows.Next() {
		in, err := scanIntent(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim websub intents: %w", err)
		}
		ins = append(ins, in)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("claim websub intents: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim websub intents: %w", err)
	}
	// RETURNING gives no order.
	slices.SortFunc(ins, func(a, b newsroom.WebSubIntent) int {
		return cmpTimeID(a.NextAttempt, b.NextAttempt, a.ID, b.ID)
	})
	return ins, nil
}

// ConfirmWebSubIntent applies the request with this id, whose intent the
// subscriber has just confirmed, and returns it: a subscription starts (or is
// renewed, with the request's secret and a lease from now), or ends. A request
// replaced meanwhile by a newer one is not applied: the error wraps
// ErrNotFound.
//
// It takes no claim token, on purpose. The id names exactly the request whose
// challenge the subscriber echoed (a new request gets a new id, and retries
// change only attempts and times), so the confirmation is genuine even when
// the verifier's claim lapsed. If another instance verified the same request
// meanwhile, the request is applied once: whichever confirmation comes first
// deletes it, and the other gets ErrNotFound. Refusing a confirmation on a
// lapsed claim would only throw away the subscriber's answer and make it
// answer again.
func (s *Store) ConfirmWebSubIntent(ctx context.Context, id int64, now time.Time) (_ newsroom.WebSubIntent, err error) {
	defer s.noteWrite(&err)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return newsroom.WebSubIntent{}, fmt.Errorf("confirm websub intent %d: %w", id, err)
	}
	defer tx.Rollback() // no-op after Commit

	in, err := scanIntent(tx.QueryRowContext(ctx, `DELETE FROM websub_intents WHERE id = ? RETURNING `+intentCols, id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("websub intent %d: %w", id, newsroom.ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("confirm websub intent %d: %w", id, err)
	}
	t := now.Unix()
	if in.Mode == newsroom.WebSubUnsubscribe {
		_, err = tx.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?`, in.Topic, in.Callback)
	} else {
		// A lapsed subscription not purged yet starts afresh: its stale queued
		// delivery and content hash go with it.
		_, err = tx.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ? AND expires <= ?`,
			in.Topic, in.Callback, t)
	}
	if err == nil && in.Mode == newsroom.WebSubSubscribe {
		_, err = tx.ExecContext(ctx, `INSERT INTO websub_subscriptions
			(topic, callback, secret, lease_seconds, created, verified, expires) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret,
				lease_seconds = excluded.lease_seconds, verified = excluded.verified, expires = excluded.expires`,
			in.Topic, in.Callback, in.Secret, seconds(in.Lease), t, t, now.Add(in.Lease).Unix())
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return in, fmt.Errorf("confirm websub %s %s: %w", in.Mode, in.Topic, err)
	}
	return in, nil
}

// RetryWebSubIntent records a failed verification attempt of request id,
// claimed with claim, and makes it due again at next. ErrClaimLost when the
// claim no longer holds (or the request was replaced).
func (s *Store) RetryWebSubIntent(ctx context.Context, id, claim int64, next time.Time, lastErr string) (err error) {
	defer s.noteWrite(&err)
	res, err := s.w.ExecContext(ctx, `UPDATE websub_intents SET attempts = attempts + 1, next_attempt = ?,
		claimed_until = 0, claim_token = 0, last_error = ? WHERE id = ? AND claim_token = ?`, next.Unix(), lastErr, id, claim)
	if err = claimHeld(res, err); err != nil {
		return fmt.Errorf("retry websub intent %d: %w", id, err)
	}
	return nil
}

// DropWebSubIntent forgets request id, claimed with claim, whose
// verification failed for good. ErrClaimLost when the claim no longer holds.
func (s *Store) DropWebSubIntent(ctx context.Context, id, claim int64) (err error) {
	defer s.noteWrite(&err)
	res, err := s.w.ExecContext(ctx, `DELETE FROM websub_intents WHERE id = ? AND claim_token = ?`, id, claim)
	if err = claimHeld(res, err); err != nil {
		return fmt.Errorf("drop websub intent %d: %w", id, err)
	}
	return nil
}

// claimHeld turns a statement that acted on a claimed row into
// ErrClaimLost when it found none.
func claimHeld(res sql.Result, err error) error {
	var n int64
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err == nil && n == 0 {
		err = newsroom.ErrClaimLost
	}
	return err
}

// WebSubIntents returns the requests awaiting verification, oldest first.
func (s *Store) WebSubIntents(ctx context.Context) (_ []newsroom.WebSubIntent, err error) {
	defer s.noteRead(&err)
	rows, err := s.r.QueryContext(ctx, `SELECT `+intentCols+` FROM websub_intents ORDER BY requested, id`)
	if err != nil {
		return nil, fmt.Errorf("websub intents: %w", err)
	}
	defer rows.Close()
	var ins []newsroom.WebSubIntent
	for rows.Next() {
		in, err := scanIntent(rows)
		if err != nil {
			return nil, fmt.Errorf("websub intents: %w", err)
		}
		ins = append(ins, in)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("websub intents: %w", err)
	}
	return ins, nil
}

// EnqueueWebSubContent queues body, topic's feed as rendered from version
// (the change number the render was built from), for every subscription
// active at now that has not had this content, or a newer version, queued
// already; it returns how many it queued. Instances render and publish on
// their own, so renders arrive out of order: one built from a version no
// newer than what a subscription has queued or been delivered is refused,
// and calling it again with unchanged content, from this process or another
// on the same database, queues nothing. A subscription's undelivered older
// content is replaced (a delivery carries the whole feed), keeping its
// attempts and next attempt so a failing subscriber keeps its backoff.
func (s *Store) EnqueueWebSubContent(ctx context.Context, topic, contentType string, body []byte, version int64, now time.Time) (_ int, err error) {
	defer s.noteWrite(&err)
	hash := newsroom.WebSubContentHash(contentType, body)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue websub content %s: %w", topic, err)
	}
	defer tx.Rollback() // no-op after Commit

	n, err := enqueueContent(ctx, tx, topic, contentType, body, hash, version, now.Unix())
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue websub content %s: %w", topic, err)
	}
	return n, nil
}

func enqueueContent(ctx context.Context, tx *dbTx, topic, contentType string, body, hash []byte, version, now int64) (int, error) {
	// The topic's subscriptions are locked first, in id order: two instances
	// enqueueing for one topic wait for each other rather than deadlock, and
	// the second compares its version with what the first queued.
	if tx.d.pg() {
		if _, err := tx.ExecContext(ctx, `SELECT id FROM websub_subscriptions WHERE topic = ? ORDER BY id FOR UPDATE`, topic); err != nil {
			return 0, err
		}
	}
	subs, err := queryIDs(ctx, tx, `UPDATE websub_subscriptions SET last_hash = ?1, queued_version = ?2
		WHERE topic = ?3 AND expires > ?4 AND queued_version < ?2 AND delivered_version < ?2 AND last_hash <> ?1
		RETURNING id`, hash, version, topic, now)
	if err != nil {
		return 0, err
	}
	// The same bytes from a newer version: nothing to send, but an older
	// render arriving later must still be refused.
	if _, err := tx.ExecContext(ctx, `UPDATE websub_subscriptions SET queued_version = ?2
		WHERE topic = ?3 AND expires > ?4 AND queued_version < ?2 AND last_hash = ?1`, hash, version, topic, now); err != nil {
		return 0, err
	}
	if len(subs) == 0 {
		return 0, nil
	}
	// The no-op update locks a stored row until commit, so PurgeWebSub on
	// another instance cannot delete it before the deliveries refer to it.
	var contentID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO websub_contents (topic, hash, content_type, body, created)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (topic, hash) DO UPDATE SET topic = excluded.topic RETURNING id`,
		topic, hash, contentType, body, now).Scan(&contentID); err != nil {
		return 0, err
	}
	for _, sub := range subs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO websub_deliveries (subscription_id, content_id, version, enqueued, next_attempt)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (subscription_id) DO UPDATE SET content_id = excluded.content_id, version = excluded.version,
				enqueued = excluded.enqueued`,
			sub, contentID, version, now, now); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}

// queryIDs runs a statement returning one id per row.
func queryIDs(ctx context.Context, tx *dbTx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, errors.Join(rows.Err(), rows.Close())
}

// ClaimWebSubDeliveries returns up to limit deliveries due at now, not
// claimed by anyone else, to subscriptions whose lease has not ended, with
// their content; and claims them until now+hold. A delivery whose version
// is not newer than the one its subscriber was last delivered is never
// claimed. While a claim holds, nobody else sends to that subscriber, so
// versions reach it in the order they were delivered in; hold must outlast
// the request, so that a claim taken over is one whose POST has ended.
func (s *Store) ClaimWebSubDeliveries(ctx context.Context, now time.Time, hold time.Duration, limit int) (_ []newsroom.WebSubDelivery, err error) {
	defer s.noteWrite(&err)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim websub deliveries: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	ds, err := claimDeliveries(ctx, tx, now.Unix(), now.Add(hold).Unix(), limit)
	// One token for the batch: each delivery is claimed by this call.
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return nil, fmt.Errorf("claim websub deliveries: %w", err)
	}
	return ds, nil
}

const deliveryCols = `d.subscription_id, s.topic, s.callback, s.secret, s.expires, d.content_id, d.version,
	c.content_type, d.enqueued, d.attempts, d.next_attempt, d.last_error, d.claim_token`

func scanDelivery(r scanner, extra ...any) (newsroom.WebSubDelivery, error) {
	var (
		d                             newsroom.WebSubDelivery
		expires, enq, tries, nextTime int64
	)
	dest := append([]any{&d.SubscriptionID, &d.Topic, &d.Callback, &d.Secret, &expires, &d.ContentID, &d.Version,
		&d.ContentType, &enq, &tries, &nextTime, &d.LastError, &d.Claim}, extra...)
	err := r.Scan(dest...)
	d.Expires, d.Enqueued, d.NextAttempt, d.Attempts = unix(expires), unix(enq), unix(nextTime), int(tries)
	return d, err
}

func claimDeliveries(ctx context.Context, tx *dbTx, now, until int64, limit int) ([]newsroom.WebSubDelivery, error) {
	ids, err := queryIDs(ctx, tx, `UPDATE websub_deliveries SET claimed_until = ?1, claim_token = ?2
		WHERE subscription_id IN (
			SELECT d.subscription_id FROM websub_deliveries d
			JOIN websub_subscriptions s ON s.id = d.subscription_id
			WHERE d.next_attempt <= ?3 AND d.claimed_until <= ?3 AND s.expires > ?3 AND d.version > s.delivered_version
			ORDER BY d.next_attempt, d.subscription_id LIMIT ?4`+tx.d.claimRows("d")+`)
		RETURNING subscription_id`, until, newClaim(), now, limit)
	if err != nil {
		return nil, err
	}
	ds := make([]newsroom.WebSubDelivery, 0, len(ids))
	for _, id := range ids {
		var body []byte
		d, err := scanDelivery(tx.QueryRowContext(ctx, `SELECT `+deliveryCols+`, c.body
			FROM websub_deliveries d
			JOIN websub_subscriptions s ON s.id = d.subscription_id
			JOIN websub_contents c ON c.id = d.content_id
			WHERE d.subscription_id = ?`, id), &body)
		if err != nil {
			return nil, fmt.Errorf("subscription %d: %w", id, err)
		}
		d.Body = body
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b newsroom.WebSubDelivery) int {
		return cmpTimeID(a.NextAttempt, b.NextAttempt, a.SubscriptionID, b.SubscriptionID)
	})
	return ds, nil
}

// RetryWebSubDelivery records a failed attempt of subscription subID's
// delivery, claimed with claim, and makes it due again at next.
// ErrClaimLost when the claim no longer holds.
func (s *Store) RetryWebSubDelivery(ctx context.Context, subID, claim int64, next time.Time, lastErr string) (err error) {
	defer s.noteWrite(&err)
	res, err := s.w.ExecContext(ctx, `UPDATE websub_deliveries SET attempts = attempts + 1, next_attempt = ?,
		claimed_until = 0, claim_token = 0, last_error = ? WHERE subscription_id = ? AND claim_token = ?`,
		next.Unix(), lastErr, subID, claim)
	if err = claimHeld(res, err); err != nil {
		return fmt.Errorf("retry websub delivery to subscription %d: %w", subID, err)
	}
	return nil
}

// FinishWebSubDelivery ends subscription subID's delivery of the content
// rendered from version, claimed with claim: delivered (the subscription then
// records version as the newest it has, so nothing as old is sent to it
// again), or given up (then the subscription's content hash and queued
// version are forgotten, so publishing the same content again queues it
// again). When newer content replaced it while it was in flight, that newer
// content stays queued, due at now with a fresh count of attempts.
// ErrClaimLost when the claim no longer holds: nothing is written.
func (s *Store) FinishWebSubDelivery(ctx context.Context, subID, version, claim int64, delivered bool, now time.Time) (err error) {
	defer s.noteWrite(&err)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish websub delivery to subscription %d: %w", subID, err)
	}
	defer tx.Rollback() // no-op after Commit

	// The subscription first, then its delivery: the order EnqueueWebSubContent
	// locks them in, so two instances doing both cannot deadlock.
	var have, queued int64
	err = tx.QueryRowContext(ctx, `SELECT delivered_version FROM websub_subscriptions WHERE id = ?`+s.d.forUpdate,
		subID).Scan(&have)
	if err == nil {
		err = tx.QueryRowContext(ctx, `SELECT version FROM websub_deliveries
			WHERE subscription_id = ? AND claim_token = ?`+s.d.forUpdate, subID, claim).Scan(&queued)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = newsroom.ErrClaimLost
	}
	if err == nil && delivered && version > have {
		have = version
		_, err = tx.ExecContext(ctx, `UPDATE websub_subscriptions SET delivered_version = ? WHERE id = ?`, version, subID)
	}
	switch {
	case err != nil:
	case queued != version && queued > have:
		_, err = tx.ExecContext(ctx, `UPDATE websub_deliveries SET attempts = 0, next_attempt = ?, claimed_until = 0,
			claim_token = 0, last_error = '' WHERE subscription_id = ?`, now.Unix(), subID)
	default:
		_, err = tx.ExecContext(ctx, `DELETE FROM websub_deliveries WHERE subscription_id = ?`, subID)
		if err == nil && !delivered {
			_, err = tx.ExecContext(ctx, `UPDATE websub_subscriptions SET last_hash = ?, queued_version = delivered_version
				WHERE id = ?`, []byte{}, subID)
		}
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return fmt.Errorf("finish websub delivery to subscription %d: %w", subID, err)
	}
	return nil
}

// WebSubQueue returns the queued deliveries (without their bodies), next due
// first.
func (s *Store) WebSubQueue(ctx context.Context) (_ []newsroom.WebSubDelivery, err error) {
	defer s.noteRead(&err)
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+`
		FROM websub_deliveries d
		JOIN websub_subscriptions s ON s.id = d.subscription_id
		JOIN websub_contents c ON c.id = d.content_id
		ORDER BY d.next_attempt, d.subscription_id`)
	if err != nil {
		return nil, fmt.Errorf("websub queue: %w", err)
	}
	defer rows.Close()
	var ds []newsroom.WebSubDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("websub queue: %w", err)
		}
		ds = append(ds, d)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("websub queue: %w", err)
	}
	return ds, nil
}

// DeleteWebSubSubscription ends subscription id at once, with its queued
// delivery (the callback answered 410 Gone to the delivery claimed with
// claim). ErrClaimLost when the claim no longer holds.
func (s *Store) DeleteWebSubSubscription(ctx context.Context, id, claim int64) (err error) {
	defer s.noteWrite(&err)
	res, err := s.w.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE id = ?1
		AND EXISTS (SELECT 1 FROM websub_deliveries WHERE subscription_id = ?1 AND claim_token = ?2)`, id, claim)
	if err = claimHeld(res, err); err != nil {
		return fmt.Errorf("delete websub subscription %d: %w", id, err)
	}
	return nil
}

// PurgeWebSub deletes the subscriptions whose lease ended by now, with their
// queued deliveries, the deliveries of versions their subscriber already has
// (never claimed), and the content no delivery needs any more. It returns
// how many subscriptions it deleted.
func (s *Store) PurgeWebSub(ctx context.Context, now time.Time) (_ int, err error) {
	defer s.noteWrite(&err)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("purge websub: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	var n int64
	res, err := tx.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE expires <= ?`, now.Unix())
	if err == nil {
		n, err = res.RowsAffected()
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM websub_deliveries WHERE version <= (SELECT s.delivered_version
			FROM websub_subscriptions s WHERE s.id = websub_deliveries.subscription_id)`)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM websub_contents
			WHERE NOT EXISTS (SELECT 1 FROM websub_deliveries d WHERE d.content_id = websub_contents.id)`)
	}
	if err == nil {
		err = tx.Commit()
	}
	if err != nil {
		return 0, fmt.Errorf("purge websub: %w", err)
	}
	return int(n), nil
}

// WebSubSubscribers returns the number of subscriptions active at now per
// topic; topics without any are absent.
func (s *Store) WebSubSubscribers(ctx context.Context, now time.Time) (_ map[string]int, err error) {
	defer s.noteRead(&err)
	rows, err := s.r.QueryContext(ctx, `SELECT topic, count(*) FROM websub_subscriptions
		WHERE expires > ? GROUP BY topic`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("websub subscribers: %w", err)
	}
	defer rows.Close()
	m := make(map[string]int)
	for rows.Next() {
		var (
			topic string
			n     int
		)
		if err := rows.Scan(&topic, &n); err != nil {
			return nil, fmt.Errorf("websub subscribers: %w", err)
		}
		m[topic] = n
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("websub subscribers: %w", err)
	}
	return m, nil
}

// WebSubSubscriptions returns every stored subscription, lapsed ones not yet
// purged included, by topic and callback.
func (s *Store) WebSubSubscriptions(ctx context.Context) (_ []newsroom.WebSubSubscription, err error) {
	defer s.noteRead(&err)
	rows, err := s.r.QueryContext(ctx, `SELECT id, topic, callback, secret, lease_seconds, verified, expires
		FROM websub_subscriptions ORDER BY topic, callback`)
	if err != nil {
		return nil, fmt.Errorf("websub subscriptions: %w", err)
	}
	defer rows.Close()
	var subs []newsroom.WebSubSubscription
	for rows.Next() {
		var (
			sub                     newsroom.WebSubSubscription
			lease, verified, expiry int64
		)
		if err := rows.Scan(&sub.ID, &sub.Topic, &sub.Callback, &sub.Secret, &lease, &verified, &expiry); err != nil {
			return nil, fmt.Errorf("websub subscriptions: %w", err)
		}
		sub.Lease = time.Duration(lease) * time.Second
		sub.Verified, sub.Expires = unix(verified), unix(expiry)
		subs = append(subs, sub)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("websub subscriptions: %w", err)
	}
	return subs, nil
}

// seconds is d in whole seconds, rounded down.
func seconds(d time.Duration) int64 { return int64(d / time.Second) }

func cmpTimeID(ta, tb time.Time, a, b int64) int {
	if c := ta.Compare(tb); c != 0 {
		return c
	}
	return int(min(max(a-b, -1), 1))
}
