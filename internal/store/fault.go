package store

import (
	"errors"
	"fmt"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrStorage is matched (errors.Is) by every error the store returns because
// the storage under the database failed: a full disk, a read-only file or
// mount, an I/O error, a file that cannot be opened. Such a write may work
// later, unchanged; callers answer 503, not 500. *StorageError says which.
var ErrStorage = errors.New("storage fault")

// Fault is the kind of a storage fault.
type Fault int

// The storage faults, from SQLite's primary result codes and the system's
// errno (the store also touches files itself).
const (
	FaultFull     Fault = iota + 1 // SQLITE_FULL, ENOSPC, EDQUOT
	FaultReadOnly                  // SQLITE_READONLY, EROFS
	FaultIO                        // SQLITE_IOERR, EIO
	FaultCantOpen                  // SQLITE_CANTOPEN
)

// String is the fault in a few words, for logs, /healthz and API errors.
func (f Fault) String() string {
	switch f {
	case FaultFull:
		return "disk full"
	case FaultReadOnly:
		return "database read-only"
	case FaultIO:
		return "disk I/O error"
	case FaultCantOpen:
		return "database file cannot be opened"
	}
	return fmt.Sprintf("fault %d", int(f))
}

// Reason is the fault as a token for JSON and metrics: full, read_only,
// io_error, cant_open.
func (f Fault) Reason() string {
	switch f {
	case FaultFull:
		return "full"
	case FaultReadOnly:
		return "read_only"
	case FaultIO:
		return "io_error"
	case FaultCantOpen:
		return "cant_open"
	}
	return "unknown"
}

// StorageError is an error the storage caused. It matches ErrStorage and
// unwraps to the driver's or the system's error.
type StorageError struct {
	Fault Fault
	Err   error
}

func (e *StorageError) Error() string { return e.Fault.String() + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *StorageError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrStorage) true.
func (e *StorageError) Is(target error) bool { return target == ErrStorage }

// classify returns err as a *StorageError when storage caused it, and err
// unchanged otherwise. It is the one place that decides what a storage
// fault is.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *StorageError
	if errors.As(err, &se) {
		return err
	}
	if f, ok := faultOf(err); ok {
		return &StorageError{Fault: f, Err: err}
	}
	return err
}

func faultOf(err error) (Fault, bool) {
	var le *sqlite.Error
	if errors.As(err, &le) {
		// Extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_CANTINIT…)
		// carry the primary code in the low byte.
		switch le.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return FaultFull, true
		case sqlite3.SQLITE_READONLY:
			return FaultReadOnly, true
		case sqlite3.SQLITE_IOERR:
			return FaultIO, true
		case sqlite3.SQLITE_CANTOPEN:
			return FaultCantOpen, true
		}
		return 0, false
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return FaultFull, true
	case errors.Is(err, syscall.EROFS):
		return FaultReadOnly, true
	case errors.Is(err, syscall.EIO):
		return FaultIO, true
	}
	return 0, false
}
