package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

// Several instances on one database poll each source once: a pass runs
// under the source's lease (store/lease.go), claimed once the pass has a
// concurrency slot, so an instance whose slots are full leaves the source to
// one that has a free one. A keeper renews the lease every Lease/3 while
// the pass runs; the pass's save checks it and releases it. The lease
// lapses Lease after an instance dies, and TakeOver on another instance
// then polls the source.

// DefaultLease is how long a claim on a source lasts unless renewed: an
// instance that dies mid-pass holds its sources this long at most.
const DefaultLease = 30 * time.Second

// DefaultInstance is the default instance name: host name and process id,
// unique among running processes.
func DefaultInstance() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// claim is how a run gets its source's lease.
type claim struct {
	// due, when set, is the NextRun a scheduled run found due: the claim is
	// for that run only (store.ClaimDueRun). Otherwise the source is claimed
	// whatever its next run (RunAll, RunOne).
	due *time.Time
	// lease is a lease already claimed (TakeOver).
	lease *newsroom.Lease
}

// release gives l up (when no pass will run under it).
func (in *Ingester) release(ctx context.Context, l newsroom.Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := in.st.ReleaseLease(ctx, l); err != nil {
		in.log.Warn("cannot release lease: it lapses by itself", "source", l.Source, "error", err)
	}
}

// claimLease claims the source called name for this instance.
func (in *Ingester) claimLease(ctx context.Context, name string, c claim) (newsroom.Lease, error) {
	switch {
	case c.lease != nil:
		return *c.lease, nil
	case c.due != nil:
		return in.st.ClaimDueRun(ctx, name, in.opts.Instance, in.opts.Lease, *c.due)
	}
	return in.st.ClaimSource(ctx, name, in.opts.Instance, in.opts.Lease)
}

// keeper holds a pass's lease: it renews it while the pass runs, cancels
// the pass's context when it is lost, and releases it at the end unless the
// pass's save did.
type keeper struct {
	in       *Ingester
	lease    newsroom.Lease
	parent   context.Context
	ctx      context.Context // the pass's: cancelled with ErrLeaseLost
	cancel   context.CancelCauseFunc
	done     chan struct{}
	stopped  chan struct{}
	released bool // by a pass's save; written only by the pass's goroutine
}

func (in *Ingester) keep(ctx context.Context, l newsroom.Lease) *keeper {
	kctx, cancel := context.WithCancelCause(ctx)
	k := &keeper{in: in, lease: l, parent: ctx, ctx: kctx, cancel: cancel,
		done: make(chan struct{}), stopped: make(chan struct{})}
	go k.renew()
	return k
}

// renew extends the lease every Lease/3. It gives the pass up when the
// lease was taken, or when it could not be renewed for a whole Lease (the
// database unreachable): another instance may have it by then.
func (k *keeper) renew() {
	defer close(k.stopped)
	ttl := k.in.opts.Lease
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	renewed := time.Now()
	for {
		select {
		case <-k.done:
			return
		case <-k.ctx.Done():
			return
		case <-t.C:
		}
		_, err := k.in.st.RenewLease(k.ctx, k.lease, ttl)
		switch {
		case err == nil:
			renewed = time.Now()
		case k.ctx.Err() != nil:
			return
		case errors.Is(err, newsroom.ErrLeaseLost):
			k.cancel(err)
			return
		case time.Since(renewed) >= ttl:
			k.cancel(fmt.Errorf("%w: not renewed for %s: %w", newsroom.ErrLeaseLost, ttl, err))
			return
		default:
			k.in.log.Warn("cannot renew lease", "source", k.lease.Source, "error", err)
		}
	}
}

// lost is the error that cancelled the pass's context when its lease was
// lost, else nil.
func (k *keeper) lost() error {
	if err := context.Cause(k.ctx); errors.Is(err, newsroom.ErrLeaseLost) {
		return err
	}
	return nil
}

// stop ends the renewals and releases the lease unless a save did: a pass
// that ends without writing (cancelled, failed to save) lets another
// instance poll the source at once instead of after the lease lapses.
func (k *keeper) stop() {
	close(k.done)
	<-k.stopped
	k.cancel(nil)
	if !k.released {
		k.in.release(k.parent, k.lease)
	}
}

// TakeOver polls, until ctx ends, the sources whose lease lapsed without
// being released (the instance polling them died mid-pass): every Lease/3
// it claims as many as this instance has free concurrency slots, the
// longest due first. A dead instance's sources are polled again within
// about Lease and a third. It returns once ctx has ended and the passes it
// started have returned.
func (in *Ingester) TakeOver(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(in.opts.Lease / 3)
	defer t.Stop()
	for {
		in.takeOver(ctx, &wg)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (in *Ingester) takeOver(ctx context.Context, wg *sync.WaitGroup) {
	free := cap(in.sem) - len(in.sem)
	if free <= 0 {
		return
	}
	leases, err := in.st.ClaimLapsedLeases(ctx, in.opts.Instance, in.opts.Lease, free)
	if err != nil {
		if ctx.Err() == nil {
			in.log.Warn("cannot claim lapsed leases", "error", err)
		}
		return
	}
	for _, l := range leases {
		in.log.Warn("taking over a source whose lease lapsed", "source", l.Source, "instance", in.opts.Instance)
		wg.Go(func() { in.run(ctx, l.Source, false, claim{lease: &l}, in.scheduled) })
	}
}
