package newsroom_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/newsroom"
)

// Repeats of the same storage fault go to debug; any other failure is
// logged at error each time, even while the store is degraded; a new
// degraded spell logs at error again.
func TestFaultLogHidesOnlyRepeatsOfTheStorageFault(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newsroom.WriteHealth{Writable: false, Since: time.Unix(100, 0)}
	fl := newsroom.NewFaultLog(log, func() newsroom.WriteHealth { return h })
	full := fmt.Errorf("save: %w", &newsroom.StorageError{Fault: newsroom.FaultFull, Err: syscall.ENOSPC})
	other := errors.New("constraint failed")
	for range 3 {
		fl.Error("wire-a", "cannot record pass", full)
		fl.Error("wire-b", "cannot record pass", full)
		fl.Error("wire-a", "cannot record pass", other)
	}
	h.Since = time.Unix(200, 0) // writes worked, and failed again
	fl.Error("wire-a", "cannot record pass", full)
	out := b.String()
	if n := strings.Count(out, "level=ERROR"); n != 1+1+3+1 {
		t.Errorf("%d lines at error, want 6 (each source's first fault, every other error, the new spell's):\n%s", n, out)
	}
	if n := strings.Count(out, "level=DEBUG"); n != 4 {
		t.Errorf("%d repeats at debug, want 4:\n%s", n, out)
	}
}
