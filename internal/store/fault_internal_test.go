package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/newswire/newswire/internal/newsroom"
)

// The system's errors map to faults as SQLite's do (SQLite's own codes are
// met for real in fault_test.go and cmd/newswire's fault tests).
func TestClassifySystemErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want newsroom.Fault
	}{
		{&fs.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}, newsroom.FaultFull},
		{fmt.Errorf("chmod: %w", &fs.PathError{Op: "chmod", Path: "/x", Err: syscall.EROFS}), newsroom.FaultReadOnly},
		{syscall.EDQUOT, newsroom.FaultFull},
		{syscall.EIO, newsroom.FaultIO},
	} {
		err := classify(c.err)
		var se *newsroom.StorageError
		if !errors.Is(err, newsroom.ErrStorage) || !errors.As(err, &se) || se.Fault != c.want || !errors.Is(err, c.err) {
			t.Errorf("classify(%v) = %v, want fault %v wrapping it", c.err, err, c.want)
		}
		if again := classify(err); again != err {
			t.Errorf("classify twice wraps twice: %v", again)
		}
	}
	for _, err := range []error{nil, newsroom.ErrNotFound, syscall.EACCES, fmt.Errorf("x: %w", errors.New("constraint failed"))} {
		if got := classify(err); got != err {
			t.Errorf("classify(%v) = %v, want it unchanged", err, got)
		}
	}
}

// PostgreSQL's SQLSTATEs and connection failures map to faults; its other
// errors (a constraint, a serialization failure) are no storage fault.
func TestClassifyPostgresErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want newsroom.Fault
	}{
		{&pgconn.PgError{Code: "53100", Message: "could not extend file: No space left on device"}, newsroom.FaultFull},
		{&pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}, newsroom.FaultReadOnly},
		{&pgconn.PgError{Code: "58030", Message: "could not read block"}, newsroom.FaultIO},
		{&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, newsroom.FaultUnavailable},
		{&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, newsroom.FaultUnavailable},
		{&pgconn.PgError{Code: "08006", Message: "connection failure"}, newsroom.FaultUnavailable},
		{&pgconn.PgError{Code: "53300", Message: "too many connections"}, newsroom.FaultUnavailable},
		{fmt.Errorf("begin: %w", pgconn.ErrConnClosed), newsroom.FaultUnavailable},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, newsroom.FaultUnavailable},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), newsroom.FaultUnavailable},
	} {
		err := classify(c.err)
		var se *newsroom.StorageError
		if !errors.As(err, &se) || se.Fault != c.want || !errors.Is(err, c.err) {
			t.Errorf("classify(%v) = %v, want fault %v wrapping it", c.err, err, c.want)
		}
	}
	for _, err := range []error{
		&pgconn.PgError{Code: "23505", Message: "duplicate key"},
		&pgconn.PgError{Code: "40001", Message: "could not serialize access"},
		context.DeadlineExceeded, fmt.Errorf("query: %w", context.Canceled),
	} {
		if got := classify(err); got != err {
			t.Errorf("classify(%v) = %v, want it unchanged", err, got)
		}
	}
}
