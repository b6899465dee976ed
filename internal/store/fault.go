package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newswire/newswire/internal/newsroom"
)

// classify returns err as a *StorageError when storage caused it, and err
// unchanged otherwise. It is the one place that decides what a storage
// fault is.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *newsroom.StorageError
	if errors.As(err, &se) {
		return err
	}
	if f, ok := faultOf(err); ok {
		return &newsroom.StorageError{Fault: f, Err: err}
	}
	return err
}

func faultOf(err error) (newsroom.Fault, bool) {
	if f, ok := postgresFault(err); ok {
		return f, true
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		// Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_CANTINIT…)
		// carry the primary code in the low byte.
		switch le.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return newsroom.FaultFull, true
		case sqlite3.SQLITE_READONLY:
			return newsroom.FaultReadOnly, true
		case sqlite3.SQLITE_IOERR:
			return newsroom.FaultIO, true
		case sqlite3.SQLITE_CANTOPEN:
			return newsroom.FaultCantOpen, true
		}
		return 0, false
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return newsroom.FaultFull, true
	case errors.Is(err, syscall.EROFS):
		return newsroom.FaultReadOnly, true
	case errors.Is(err, syscall.EIO):
		return newsroom.FaultIO, true
	}
	return 0, false
}

// postgresFault classifies what PostgreSQL and the way to it can fail with.
// A server that is down, restarting, failing over or out of connections is
// FaultUnavailable: database/sql drops the broken connections and dials
// anew, so writes work again once the server answers, and the probe finds
// out.
func postgresFault(err error) (newsroom.Fault, bool) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return 0, false // the caller gave up
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return newsroom.FaultFull, true
		case pe.Code == "25006": // read_only_sql_transaction: a standby, or a read-only default
			return newsroom.FaultReadOnly, true
		case pe.Code == "58030": // io_error
			return newsroom.FaultIO, true
		case strings.HasPrefix(pe.Code, "08"), // connection_exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // admin/crash shutdown, cannot connect now
			pe.Code == "53300": // too_many_connections
			return newsroom.FaultUnavailable, true
		}
		return 0, false
	}
	var ce *pgconn.ConnectError
	var ne *net.OpError // not net.Error: a syscall.Errno is one too
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, pgconn.ErrConnClosed), pgconn.SafeToRetry(err):
		return newsroom.FaultUnavailable, true
	}
	return 0, false
}
