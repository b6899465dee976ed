package newsroom

import (
	"errors"
	"fmt"
	"time"
)

// Source leases: of several instances on one database, one polls a source
// at a time. A pass claims the source's lease, renews it while it fetches,
// and its save checks the lease's token and releases it with the source's
// next run. Times are the database's clock, not an instance's.

// ErrLeaseHeld is matched (errors.Is) by a *HeldError: another instance's
// pass holds the source.
var ErrLeaseHeld = errors.New("source held by another instance")

// ErrLeaseLost is returned when a pass's lease was taken over by another
// instance (after it lapsed) or released: the pass must not write.
var ErrLeaseLost = errors.New("source lease lost")

// ErrRunTaken is returned when a scheduled run claims a source whose next
// run is no longer the one it found due: another instance polled it.
var ErrRunTaken = errors.New("source's due run already taken")

// HeldError says which instance holds a source, and until when.
type HeldError struct {
	Source string
	By     string
	Until  time.Time // by the database's clock
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("source %s held by %s until %s", e.Source, e.By, e.Until.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrLeaseHeld) true.
func (e *HeldError) Is(target error) bool { return target == ErrLeaseHeld }

// Lease is one claim on a source.
type Lease struct {
	SourceID int64
	Source   string // its name
	Holder   string // the instance
	Token    int64  // random per claim; what every write of the pass checks
	Until    time.Time
}
