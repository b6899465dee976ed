package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGCKeepsWhatTheEnvironmentSays: serve's collector settings apply
// only where GOGC and GOMEMLIMIT say nothing.
func TestTuneGCKeepsWhatTheEnvironmentSays(t *testing.T) {
	pct, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(limit) })

	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(-1); got != 400 {
		t.Errorf("GOGC %d, want 400", got)
	}
	debug.SetGCPercent(400)
	if got := debug.SetMemoryLimit(-1); got != 48<<20 {
		t.Errorf("soft limit %d, want 48 MiB", got)
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 40)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "100", "GOMEMLIMIT": "1TiB"}[k] })
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GOGC %d after GOGC=100, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("soft limit %d after GOMEMLIMIT=1TiB, want 1 TiB", got)
	}
}
