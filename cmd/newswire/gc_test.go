package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGCKeepsWhatTheEnvironmentSays: serve's collector settings apply
// only where GOGC and GOMEMLIMIT say nothing, and the soft limit grows with
// the newsroom: a limit below the live heap of its current feeds would have
// the collector run without pause.
func TestTuneGCKeepsWhatTheEnvironmentSays(t *testing.T) {
	pct, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(limit) })

	for _, tc := range []struct {
		categories int
		want       int64
	}{{0, 48 << 20}, {12, 48 << 20}, {16, 48 << 20}, {17, 49 << 20}, {216, 248 << 20}} {
		tuneGC(func(string) string { return "" }, tc.categories)
		if got := debug.SetGCPercent(-1); got != 400 {
			t.Errorf("GOGC %d, want 400", got)
		}
		debug.SetGCPercent(400)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("%d categories: soft limit %d MiB, want %d MiB", tc.categories, got>>20, tc.want>>20)
		}
	}

	debug.SetGCPercent(100)
	debug.SetMemoryLimit(1 << 40)
	tuneGC(func(k string) string { return map[string]string{"GOGC": "100", "GOMEMLIMIT": "1TiB"}[k] }, 500)
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Errorf("GOGC %d after GOGC=100, want 100", got)
	}
	debug.SetGCPercent(100)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("soft limit %d after GOMEMLIMIT=1TiB, want 1 TiB", got)
	}
}
