package store

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"
)

// The system's errors map to faults as SQLite's do (SQLite's own codes are
// met for real in fault_test.go and cmd/newswire's fault tests).
func TestClassifySystemErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Fault
	}{
		{&fs.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}, FaultFull},
		{fmt.Errorf("chmod: %w", &fs.PathError{Op: "chmod", Path: "/x", Err: syscall.EROFS}), FaultReadOnly},
		{syscall.EDQUOT, FaultFull},
		{syscall.EIO, FaultIO},
	} {
		err := classify(c.err)
		var se *StorageError
		if !errors.Is(err, ErrStorage) || !errors.As(err, &se) || se.Fault != c.want || !errors.Is(err, c.err) {
			t.Errorf("classify(%v) = %v, want fault %v wrapping it", c.err, err, c.want)
		}
		if again := classify(err); again != err {
			t.Errorf("classify twice wraps twice: %v", again)
		}
	}
	for _, err := range []error{nil, ErrNotFound, syscall.EACCES, fmt.Errorf("x: %w", errors.New("constraint failed"))} {
		if got := classify(err); got != err {
			t.Errorf("classify(%v) = %v, want it unchanged", err, got)
		}
	}
}
