package newsroom

import (
	"errors"
	"fmt"
	"time"
)

// ErrStorage is matched (errors.Is) by every error the store returns because
// the storage under the database failed: a full disk, a read-only file or
// mount, an I/O error, a file that cannot be opened. Such a write may work
// later, unchanged; callers answer 503, not 500. *StorageError says which.
var ErrStorage = errors.New("storage fault")

// Fault is the kind of a storage fault.
type Fault int

// The storage faults, from SQLite's primary result codes, PostgreSQL's
// SQLSTATEs, connection errors and the system's errno (the store also
// touches files itself).
const (
	FaultFull        Fault = iota + 1 // SQLITE_FULL, ENOSPC, EDQUOT; PostgreSQL 53100 disk_full
	FaultReadOnly                     // SQLITE_READONLY, EROFS; PostgreSQL 25006 (a standby, default_transaction_read_only)
	FaultIO                           // SQLITE_IOERR, EIO; PostgreSQL 58030 io_error
	FaultCantOpen                     // SQLITE_CANTOPEN
	FaultUnavailable                  // PostgreSQL cannot be reached, is shutting down or refuses connections
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
	case FaultUnavailable:
		return "database unreachable"
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
	case FaultUnavailable:
		return "unavailable"
	}
	return "unknown"
}

// StorageError is an error the storage caused. It matches ErrStorage and
// unwraps to the driver's or the system's error.
type StorageError struct {
	Fault Fault
	Err   error
}

// Error names the fault, then the error beneath it.
func (e *StorageError) Error() string { return e.Fault.String() + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *StorageError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrStorage) true.
func (e *StorageError) Is(target error) bool { return target == ErrStorage }

// WriteHealth is whether this process can write the database, as its own
// writes and probes found. Each process (each instance sharing a database)
// learns it for itself: a fault may be its mount's or its user's alone.
type WriteHealth struct {
	Writable bool
	Fault    *StorageError // what writes fail with; nil while writable
	Since    time.Time     // when the current state began
	Failures uint64        // writes failed with a storage fault since Open
}
