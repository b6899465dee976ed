// Package disktest gives tests a real disk that fills up: a small tmpfs
// mounted over a temporary folder. Storage faults are tested against the
// kernel's own ENOSPC, not a simulated error. Mounting needs root (CI runs
// as root); elsewhere the tests that need it skip.
package disktest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// Small mounts a tmpfs of size (e.g. "1m") over a new temporary folder and
// returns the folder. It is unmounted when the test ends; the cleanup is
// registered before anything the test opens there, so it runs after they
// close (cleanups run last-registered first).
func Small(tb testing.TB, size string) string {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("a real full disk needs a tmpfs mount, which needs root")
	}
	dir := tb.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		tb.Skipf("mount tmpfs: %v: %s", err, out)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			// Something the test left open holds the mount: detach it
			// anyway, so a failing test leaves no mount behind it.
			tb.Errorf("umount: %v: %s", err, out)
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})
	return dir
}

// Fill writes a file in dir until the disk is full and returns its path;
// removing it frees the space again.
func Fill(tb testing.TB, dir string) string {
	tb.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				tb.Fatal(err)
			}
			return path
		}
	}
}
