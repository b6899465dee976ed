package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Listener wakes a PostgreSQL store's readers when any instance moves the
// global version: every version bump notifies the schema's channel in its
// own transaction (dialect.bumpVersion), and the Listener LISTENs on a
// connection of its own, outside the store's pool (a pooled connection
// would be handed to queries and lose its LISTEN). A wake-up carries no
// data: the version rows stay the truth, so a lost notification only
// delays a reader until its next poll.
type Listener struct {
	cfg *pgx.ConnConfig
	log *slog.Logger
	// retryMin and retryMax bound the wait between connection attempts,
	// doubled after each failure.
	retryMin, retryMax time.Duration
	// checkEvery is how long the connection may be silent before a ping
	// checks it: a peer that vanished without closing the socket would
	// otherwise leave the Listener waiting on it for good.
	checkEvery time.Duration
}

// NewListener returns a Listener for the PostgreSQL database at location
// (a postgres:// URL, the one the store was opened with: its search_path
// picks the schema, and so the channel). log may be nil.
func NewListener(location string, log *slog.Logger) (*Listener, error) {
	if !IsPostgresURL(location) {
		return nil, fmt.Errorf("listen %s: not a PostgreSQL URL", RedactDSN(location))
	}
	cfg, err := pgx.ParseConfig(location)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", RedactDSN(location), redactErr(err, location))
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "newswire-listener"
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Listener{cfg: cfg, log: log, retryMin: 100 * time.Millisecond, retryMax: 30 * time.Second,
		checkEvery: time.Minute}, nil
}

// Wakeups listens until ctx is done and returns a channel that receives
// after each notification. Bursts coalesce: the channel holds one wake-up
// and drops those that arrive while it is full. It also receives each
// time the connection is (re)established, since what changed while it was
// down was announced to nobody. A dropped connection is re-opened with
// backoff. The channel is closed once ctx is done.
func (l *Listener) Wakeups(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		l.run(ctx, ch)
	}()
	return ch
}

func (l *Listener) run(ctx context.Context, ch chan<- struct{}) {
	wait := l.retryMin
	failing := false
	for ctx.Err() == nil {
		conn, err := l.connect(ctx)
		if err == nil {
			if failing {
				l.log.Info("listening for changes again")
			}
			failing = false
			wait = l.retryMin
			wake(ch)
			err = l.receive(ctx, conn, ch)
			closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = conn.Close(closeCtx) // the connection failed already
			cancel()
		}
		if ctx.Err() != nil {
			return
		}
		// The first failure is worth a warning; while the database stays
		// away each retry would repeat it (the store reports the outage).
		err = l.redact(err)
		if !failing {
			l.log.Warn("change notifications lost; falling back to polling until reconnected", "error", err)
		} else {
			l.log.Debug("listen for changes", "error", err, "retry_in", wait)
		}
		failing = true
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, l.retryMax)
	}
}

// connect opens the listening connection and subscribes to the channel of
// its schema.
func (l *Listener) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, l.cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	var schema *string
	if err = conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err == nil && schema == nil {
		err = errors.New("search_path names no schema that exists")
	}
	if err == nil {
		_, err = conn.Exec(ctx, `LISTEN `+pgx.Identifier{notifyChannel(*schema)}.Sanitize())
	}
	if err != nil {
		_ = conn.Close(ctx) // it failed already
		return nil, fmt.Errorf("listen: %w", err)
	}
	return conn, nil
}

// receive passes the connection's notifications on until it fails or ctx
// is done.
func (l *Listener) receive(ctx context.Context, conn *pgx.Conn, ch chan<- struct{}) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, l.checkEvery)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			wake(ch)
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err):
			// Silence is normal; a silent peer that is gone is not.
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		default:
			return fmt.Errorf("wait for notification: %w", err)
		}
	}
}

// redact keeps the password out of err's text, should the driver ever
// repeat it.
func (l *Listener) redact(err error) error {
	if l.cfg.Password == "" || !strings.Contains(err.Error(), l.cfg.Password) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), l.cfg.Password, "xxxxx"), err: err}
}

// wake sends a wake-up unless one is already waiting.
func wake(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
