package newsroom

import (
	"errors"
	"log/slog"
	"sync"
	"time"
)

// FaultLog logs failed writes that repeat (a pass per source and poll, a
// queue run every few seconds) without repeating the same storage fault at
// error on every attempt: the first failure of each key while writes fail
// is logged at error, its repeats at debug with a count, and a key logs at
// error again once writes have worked and failed anew. The store logs the
// fault's start and the recovery once. An error that is not a storage
// fault is logged at error every time: it is not the known fault.
type FaultLog struct {
	log    *slog.Logger
	health func() WriteHealth

	mu   sync.Mutex
	seen map[string]faultSeen
}

type faultSeen struct {
	since   time.Time // the degraded state the key failed in
	repeats int
}

// NewFaultLog returns a FaultLog writing to log; health (the store's
// WriteHealth) tells one degraded spell from the next. Without it every
// failure is logged at error.
func NewFaultLog(log *slog.Logger, health func() WriteHealth) *FaultLog {
	return &FaultLog{log: log, health: health, seen: map[string]faultSeen{}}
}

// Error logs msg with err and args, keyed by msg and key (a source's name,
// or "" for a single worker).
func (f *FaultLog) Error(key, msg string, err error, args ...any) {
	args = append(args, "error", err)
	if !errors.Is(err, ErrStorage) || f.health == nil {
		f.log.Error(msg, args...)
		return
	}
	h := f.health()
	if h.Writable {
		// Writes work again already: this failure is news.
		f.log.Error(msg, args...)
		return
	}
	k := msg + "\x00" + key
	f.mu.Lock()
	s, ok := f.seen[k]
	if ok && s.since.Equal(h.Since) {
		s.repeats++
	} else {
		s = faultSeen{since: h.Since}
	}
	f.seen[k] = s
	f.mu.Unlock()
	if s.repeats == 0 {
		f.log.Error(msg, args...)
		return
	}
	f.log.Debug(msg, append(args, "repeats", s.repeats)...)
}
