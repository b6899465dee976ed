package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

// Source leases: of several instances on one database, one polls a source
// at a time. A pass claims the source's lease (claimed_by, claimed_until,
// claim_token), renews it while it fetches, and releases it in the
// transaction that writes the source's next run (SavePass). A lease lapses
// at claimed_until by the database's clock, so instances whose clocks
// disagree still agree on it; an instance that died mid-pass leaves a lease
// that lapses and another instance takes over (ClaimLapsedLeases). A pass
// whose lease was taken writes nothing: every write checks the token.

// leaseSQL is the lease statements in one dialect: portable SQL but for the
// database's clock (d.now) and the row locks PostgreSQL needs (SQLite's
// single writer connection, whose transactions begin IMMEDIATE, makes every
// claim and check exclusive already).
type leaseSQL struct {
	claim, claimDue, why, renew, release, claimLapsed, check string
}

func newLeaseSQL(d *dialect) leaseSQL {
	// A lease is free when none was claimed (token 0) or it has lapsed.
	free := `(claim_token = 0 OR claimed_until <= ` + d.now + `)`
	set := `SET claimed_by = ?, claim_token = ?, claimed_until = ` + d.now + ` + ?`
	return leaseSQL{
		claim: `UPDATE sources ` + set + ` WHERE name = ? AND ` + free +
			` RETURNING id, claimed_until`,
		// The due run is the one whose next_run the caller found due: if
		// another instance polled it since, next_run moved on.
		claimDue: `UPDATE sources ` + set + ` WHERE name = ? AND ` + free + ` AND next_run = ?
			RETURNING id, claimed_until`,
		why: `SELECT claimed_by, claimed_until, claim_token, next_run, ` + d.now + ` FROM sources WHERE name = ?`,
		renew: `UPDATE sources SET claimed_until = ` + d.now + ` + ? WHERE id = ? AND claim_token = ?
			RETURNING claimed_until`,
		release: `UPDATE sources SET claimed_by = '', claim_token = 0, claimed_until = 0
			WHERE id = ? AND claim_token = ?`,
		// Lapsed leases of polled sources, the longest due first.
		claimLapsed: `UPDATE sources ` + set + ` WHERE id IN (
			SELECT id FROM sources WHERE claim_token <> 0 AND claimed_until <= ` + d.now + `
			AND enabled = 1 AND disabled_reason = ''
			ORDER BY next_run, id LIMIT ?` + d.claimRows("sources") + `)
			RETURNING id, name, claimed_until`,
		check: `SELECT claim_token, claimed_by, claimed_until FROM sources WHERE id = ?` + d.forUpdate,
	}
}

// leaseSQL returns the lease statements in the store's dialect; d.sql
// caches their PostgreSQL spelling.
func (s *Store) leaseSQL() leaseSQL { return newLeaseSQL(s.d) }

// leaseSeconds is ttl in whole seconds, at least one: times are stored in
// seconds.
func leaseSeconds(ttl time.Duration) int64 {
	return max(1, int64((ttl+time.Second-1)/time.Second))
}

// ClaimSource claims the source called name for holder for ttl, whatever
// its next run, unless another claim on it is live: then the error is a
// *HeldError. `newswire fetch` claims this way.
func (s *Store) ClaimSource(ctx context.Context, name, holder string, ttl time.Duration) (newsroom.Lease, error) {
	return s.claim(ctx, name, holder, ttl, nil)
}

// ClaimDueRun claims the source called name for holder for ttl, for the run
// due at nextRun (the NextRun the caller read and found due): it fails with
// ErrRunTaken when the source's next run has moved on since (another
// instance polled it), and with a *HeldError while another claim is live.
// Of several instances whose schedules fire for the same run, one gets it.
func (s *Store) ClaimDueRun(ctx context.Context, name, holder string, ttl time.Duration, nextRun time.Time) (newsroom.Lease, error) {
	next := unixOf(nextRun)
	return s.claim(ctx, name, holder, ttl, &next)
}

func (s *Store) claim(ctx context.Context, name, holder string, ttl time.Duration, nextRun *int64) (_ newsroom.Lease, err error) {
	defer s.noteWrite(&err)
	if holder == "" {
		return newsroom.Lease{}, fmt.Errorf("claim source %s: empty instance name", name)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return newsroom.Lease{}, fmt.Errorf("claim source %s: %w", name, err)
	}
	defer tx.Rollback() // no-op after Commit

	l := newsroom.Lease{Source: name, Holder: holder, Token: newClaim()}
	args := []any{holder, l.Token, leaseSeconds(ttl), name}
	stmt := s.ss.claimLease // every pass claims: prepared
	if nextRun != nil {
		stmt, args = s.ss.claimDueLease, append(args, *nextRun)
	}
	var until int64
	err = tx.StmtContext(ctx, stmt).QueryRowContext(ctx, args...).Scan(&l.SourceID, &until)
	if errors.Is(err, sql.ErrNoRows) {
		err = whyNotClaimed(ctx, tx, s.leaseSQL(), name)
	}
	if err != nil {
		return newsroom.Lease{}, fmt.Errorf("claim source %s: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return newsroom.Lease{}, fmt.Errorf("claim source %s: commit: %w", name, err)
	}
	l.Until = unix(until)
	return l, nil
}

// whyNotClaimed says why a claim on the source called name matched no row.
func whyNotClaimed(ctx context.Context, tx *dbTx, q leaseSQL, name string) error {
	var (
		by                      string
		until, token, next, now int64
	)
	err := tx.QueryRowContext(ctx, q.why, name).Scan(&by, &until, &token, &next, &now)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return newsroom.ErrNotFound
	case err != nil:
		return err
	case token != 0 && until > now:
		return &newsroom.HeldError{Source: name, By: by, Until: unix(until)}
	}
	return newsroom.ErrRunTaken
}

// RenewLease extends l to ttl from now by the database's clock. It fails
// with newsroom.ErrLeaseLost when l is no longer the source's claim.
func (s *Store) RenewLease(ctx context.Context, l newsroom.Lease, ttl time.Duration) (_ newsroom.Lease, err error) {
	defer s.noteWrite(&err)
	var until int64
	err = s.w.QueryRowContext(ctx, s.leaseSQL().renew, leaseSeconds(ttl), l.SourceID, l.Token).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		err = newsroom.ErrLeaseLost
	}
	if err != nil {
		return l, fmt.Errorf("renew lease on %s: %w", l.Source, err)
	}
	l.Until = unix(until)
	return l, nil
}

// ReleaseLease gives l up, if it is still the source's claim: a pass that
// ends without writing the source (cancelled, or its write failed) lets
// another instance poll it at once rather than when the lease lapses.
func (s *Store) ReleaseLease(ctx context.Context, l newsroom.Lease) (err error) {
	defer s.noteWrite(&err)
	if _, err := s.w.ExecContext(ctx, s.leaseSQL().release, l.SourceID, l.Token); err != nil {
		return fmt.Errorf("release lease on %s: %w", l.Source, err)
	}
	return nil
}

// ClaimLapsedLeases claims for holder, for ttl, up to limit polled sources
// whose lease lapsed without being released (the instance polling them
// died or lost the database), the longest due first: their pass never
// finished, so they are due now.
func (s *Store) ClaimLapsedLeases(ctx context.Context, holder string, ttl time.Duration, limit int) (_ []newsroom.Lease, err error) {
	defer s.noteWrite(&err)
	if holder == "" {
		return nil, errors.New("claim lapsed leases: empty instance name")
	}
	if limit <= 0 {
		return nil, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim lapsed leases: %w", err)
	}
	defer tx.Rollback() // no-op after Commit
	token := newClaim()
	rows, err := tx.QueryContext(ctx, s.leaseSQL().claimLapsed, holder, token, leaseSeconds(ttl), limit)
	if err != nil {
		return nil, fmt.Errorf("claim lapsed leases: %w", err)
	}
	defer rows.Close()
	var out []newsroom.Lease
	for rows.Next() {
		l := newsroom.Lease{Holder: holder, Token: token}
		var until int64
		if err := rows.Scan(&l.SourceID, &l.Source, &until); err != nil {
			return nil, fmt.Errorf("claim lapsed leases: %w", err)
		}
		l.Until = unix(until)
		out = append(out, l)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("claim lapsed leases: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim lapsed leases: commit: %w", err)
	}
	return out, nil
}

// checkLease fails with newsroom.ErrLeaseLost unless l is still its source's claim.
// It runs first in a pass's write transaction (on PostgreSQL locking the
// row), so no claim can come between the check and the commit.
func (s *Store) checkLease(ctx context.Context, tx *dbTx, l *newsroom.Lease) error {
	var (
		token, until int64
		by           string
	)
	err := tx.StmtContext(ctx, s.ss.checkLease).QueryRowContext(ctx, l.SourceID).Scan(&token, &by, &until)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("source %d: %w", l.SourceID, newsroom.ErrNotFound)
	case err != nil:
		return fmt.Errorf("check lease on %s: %w", l.Source, err)
	case token != l.Token && token != 0:
		return fmt.Errorf("source %s: %w: now held by %s until %s", l.Source, newsroom.ErrLeaseLost, by,
			unix(until).Format(time.RFC3339))
	case token != l.Token:
		return fmt.Errorf("source %s: %w: released", l.Source, newsroom.ErrLeaseLost)
	}
	return nil
}

// endLease releases l in the pass's transaction.
func (s *Store) endLease(ctx context.Context, tx *dbTx, l *newsroom.Lease) error {
	if _, err := tx.StmtContext(ctx, s.ss.releaseLease).ExecContext(ctx, l.SourceID, l.Token); err != nil {
		return fmt.Errorf("release lease on %s: %w", l.Source, err)
	}
	return nil
}
