package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

// health is the state behind WriteHealth and the probe's bookkeeping.
type health struct {
	mu        sync.Mutex
	state     newsroom.WriteHealth
	failSeq   uint64 // grows with each storage fault
	probedSeq uint64 // failSeq as the previous probe left it
	pending   []func(context.Context) error
	onChange  []func(newsroom.WriteHealth)
}

// WriteHealth reports whether writes work.
func (s *Store) WriteHealth() newsroom.WriteHealth {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	return s.h.state
}

// OnWriteHealth adds fn to be called after each change of WriteHealth (writes
// start failing, or work again), on the goroutine that found it.
func (s *Store) OnWriteHealth(fn func(newsroom.WriteHealth)) {
	s.h.mu.Lock()
	s.h.onChange = append(s.h.onChange, fn)
	s.h.mu.Unlock()
}

// noteWrite classifies *errp and records a storage fault: deferred by every
// method that writes, so each failed write counts and degrades at once.
func (s *Store) noteWrite(errp *error) {
	if *errp == nil {
		// A write went through while reads were immutable (its connection
		// made the -shm file): the file changes now, so reads must see it
		// at once, not at the next probe. A method that returned without
		// writing leaves no -shm behind.
		if s.mode.isImmutable() && fileExists(s.path+"-shm") {
			if err := s.readNormally(context.Background()); err != nil {
				s.log.Debug("reads stay immutable", "error", err)
			}
		}
		return
	}
	*errp = classify(*errp)
	var se *newsroom.StorageError
	if errors.As(*errp, &se) {
		s.writeFailed(se)
	}
}

// noteRead classifies *errp: deferred by every exported method that only
// reads, so callers can tell a storage fault (answer 503, retry later) from
// a bug. Not found and a caller that gave up stay as they are.
func (s *Store) noteRead(errp *error) {
	if *errp == nil {
		return
	}
	*errp = classify(*errp)
	s.unreachable(*errp)
}

// unreachable marks writes failing when err says the database cannot be
// reached: what cannot be read cannot be written either, so say so now,
// not at the next write, and let the probe find its return. Other faults
// of a read (an I/O error in one page) say nothing about writes.
func (s *Store) unreachable(err error) {
	var se *newsroom.StorageError
	if errors.As(err, &se) && se.Fault == newsroom.FaultUnavailable {
		s.writeFailed(se)
	}
}

func (s *Store) writeFailed(se *newsroom.StorageError) {
	s.h.mu.Lock()
	s.h.failSeq++
	s.h.state.Failures++
	changed := s.h.state.Writable
	if changed {
		s.h.state.Writable, s.h.state.Since = false, time.Now()
	}
	s.h.state.Fault = se
	st, fns := s.h.state, s.h.onChange
	s.h.mu.Unlock()
	if changed {
		s.log.Error("database writes fail: serving what is stored", "fault", se.Fault.String(), "error", se.Err)
		for _, fn := range fns {
			fn(st)
		}
	}
}

// ProbeWrites checks whether writes work with a real committed write (a
// tiny upsert of a row in meta): neither BEGIN IMMEDIATE nor a rolled-back
// write finds a full disk or a read-only file, a commit does. While writes
// fail it first reopens the writer connection, which SQLite may have opened
// read-only, and mends side files a read-only run left unwritable.
//
// Writes count as working again when the probe succeeds and no write
// failed since the previous probe, so a small probe that still fits on a
// nearly full disk does not hide larger writes that keep failing. The
// start-up work skipped while writes failed (the search index, what
// AfterWritable queued) runs before the state turns writable.
func (s *Store) ProbeWrites(ctx context.Context) (err error) {
	s.h.mu.Lock()
	degraded, quiet := !s.h.state.Writable, s.h.failSeq == s.h.probedSeq
	s.h.mu.Unlock()
	defer func() {
		s.h.mu.Lock()
		s.h.probedSeq = s.h.failSeq
		s.h.mu.Unlock()
	}()
	defer s.noteWrite(&err)
	if degraded {
		if err := repairSideFiles(s.path); err != nil {
			return err
		}
		// A connection SQLite opened read-only stays so, and one to a
		// PostgreSQL that went away is dead: start new ones.
		s.w.SetMaxIdleConns(0)
		s.w.SetMaxIdleConns(s.idleConns())
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('write_probe', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, time.Now().UnixNano())
	// Reads stay immutable only while nobody can write: not once this
	// write went through, nor once another process made the WAL's files.
	rerr := s.readNormally(ctx)
	if err != nil {
		return fmt.Errorf("write probe: %w", err)
	}
	if rerr != nil {
		return fmt.Errorf("write probe: %w", rerr)
	}
	if !degraded || !quiet {
		return nil
	}
	s.h.mu.Lock()
	for len(s.h.pending) > 0 { // AfterWritable may queue more meanwhile
		s.h.mu.Unlock()
		if err := s.runPending(ctx); err != nil {
			return err
		}
		s.h.mu.Lock()
	}
	s.h.state.Writable, s.h.state.Fault, s.h.state.Since = true, nil, time.Now()
	st, fns := s.h.state, s.h.onChange
	s.h.mu.Unlock()
	s.log.Info("database writes work again")
	for _, fn := range fns {
		fn(st)
	}
	return nil
}

// idleConns is how many idle connections the writer pool keeps.
func (s *Store) idleConns() int {
	if s.d.pg() {
		return s.maxConns
	}
	return 1
}

// WatchWrites probes every interval while writes fail, until ctx is done.
func (s *Store) WatchWrites(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.WriteHealth().Writable {
			continue
		}
		if err := s.ProbeWrites(ctx); err != nil && ctx.Err() == nil {
			s.log.Debug("write probe failed", "error", err)
		}
	}
}

// AfterWritable runs fn now if writes work, else queues it to run when they
// work again (before WriteHealth says so). fn returning a storage fault
// stays queued; any other error is returned, or logged when fn was queued.
func (s *Store) AfterWritable(ctx context.Context, fn func(context.Context) error) error {
	s.h.mu.Lock()
	if !s.h.state.Writable {
		s.h.pending = append(s.h.pending, fn)
		s.h.mu.Unlock()
		return nil
	}
	s.h.mu.Unlock()
	err := fn(ctx)
	if !errors.Is(err, newsroom.ErrStorage) {
		return err
	}
	s.h.mu.Lock()
	s.h.pending = append(s.h.pending, fn)
	s.h.mu.Unlock()
	return nil
}

// runPending runs the queued start-up work in order; the first storage
// fault stops it, leaving that and the rest queued.
func (s *Store) runPending(ctx context.Context) error {
	for {
		s.h.mu.Lock()
		if len(s.h.pending) == 0 {
			s.h.mu.Unlock()
			return nil
		}
		fn := s.h.pending[0]
		s.h.mu.Unlock()
		err := fn(ctx)
		if errors.Is(err, newsroom.ErrStorage) {
			return err
		}
		if err != nil {
			s.log.Error("start-up write after recovery failed", "error", err)
		}
		s.h.mu.Lock()
		s.h.pending = s.h.pending[1:]
		s.h.mu.Unlock()
	}
}

// repairSideFiles mends the WAL and shared-memory files of the database at
// path when a run on a read-only database file left them unwritable: SQLite
// creates them with the database file's mode, so a run on a 0444 file
// leaves a 0444 -shm, and the next writer fails with "attempt to write a
// readonly database" although the database file is writable again. Ours get
// owner write; one owned by another user is an error that says so.
func repairSideFiles(path string) error {
	if path == "" {
		return nil
	}
	db, err := os.Stat(path)
	if err != nil {
		return nil // a new database, or one SQLite will report on
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		side := path + suffix
		fi, err := os.Stat(side)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return classify(fmt.Errorf("database side file: %w", err))
		}
		if fi.Mode().Perm()&0o200 != 0 || syscall.Access(side, 2 /* W_OK */) == nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
			if syscall.Access(path, 2) != nil {
				continue // the database is not writable either: a read-only start
			}
			return fmt.Errorf("%s is not writable by this user (owner uid %d, mode %v) although the database is: "+
				"another user ran newswire on it; change its owner while no newswire runs: %w",
				side, st.Uid, fi.Mode().Perm(), &newsroom.StorageError{Fault: newsroom.FaultReadOnly, Err: fs.ErrPermission})
		}
		if err := os.Chmod(side, db.Mode().Perm()|0o200); err != nil {
			return classify(fmt.Errorf("database side file: %w", err))
		}
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
