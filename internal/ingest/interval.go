package ingest

import (
	"time"

	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/schedule"
)

// scheduleInterval is the time between two runs of a schedule, as of now:
// the @every duration, or the gap between a cron spec's next two firings.
// An empty or unreadable spec (config validation reports those) gets
// DefaultInterval.
func scheduleInterval(spec string, now time.Time) time.Duration {
	if spec == "" {
		return DefaultInterval
	}
	s, err := schedule.ParseSpec(spec)
	if err != nil {
		return DefaultInterval
	}
	n1 := s.Next(now)
	n2 := s.Next(n1)
	if n1.IsZero() || n2.IsZero() || !n2.After(n1) {
		return DefaultInterval
	}
	return n2.Sub(n1)
}

// nextInterval is how long after a successful pass the next is due: the
// longest of the schedule's interval and what the upstream asks (<ttl>,
// max-age), the latter capped at maxInterval.
func nextInterval(every, ttl, maxAge, maxInterval time.Duration) time.Duration {
	return max(every, min(max(ttl, maxAge), maxInterval))
}

// backoff is the delay after the failures-th consecutive failure: the
// schedule's interval doubled per failure after the first, capped at
// maxBackoff, and never shorter than the interval itself (a daily source
// is not polled more often for failing).
func backoff(every time.Duration, failures int, maxBackoff time.Duration) time.Duration {
	d := every
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return max(every, min(d, maxBackoff))
}

// dueSlack is how early a scheduled run may find the source and still poll
// it when an upstream (ttl, max-age, Retry-After) or a backoff set NextRun,
// or when another instance (or this one before a restart) made the last
// attempt.
const dueSlack = 5 * time.Second

// due reports whether a scheduled run at now should poll src; mine is
// whether this instance made src's last attempt.
//
// When NextRun is exactly the schedule's interval after the last attempt
// (nothing stretched it) and this instance made that attempt, a run up to
// half an interval early is on time: this instance's cron tick comes at the
// same offset as the previous one, which may have started a little late
// (jitter, a full worker pool), and skipping it would poll the source at
// twice its interval. Another instance's tick comes at an offset of its own
// (its start time, its jitter): early by up to half an interval, it would
// poll the source again long before its next run, and with several
// instances every tick would; it waits for NextRun, to within dueSlack (a
// quarter of the interval when that is shorter). A
// restarted instance is another instance too (what it attempted is not
// kept), and its first tick, at the offset of the one before the restart,
// finds NextRun a pass's start-up delay away: without the slack the source
// would wait a whole interval more. When an upstream or a backoff stretched
// the interval, NextRun is honoured to within dueSlack as well, at worst one
// tick late.
func due(src newsroom.Source, now time.Time, mine bool) bool {
	if src.NextRun.IsZero() {
		return true
	}
	slack := dueSlack
	every := scheduleInterval(src.Schedule, now)
	if !src.LastAttempt.IsZero() && src.NextRun.Sub(src.LastAttempt) <= every {
		if mine {
			slack = max(dueSlack, every/2)
		} else {
			// A quarter of the interval at most: with a short schedule,
			// the others' ticks would otherwise all find the source due.
			slack = min(dueSlack, every/4)
		}
	}
	return !now.Before(src.NextRun.Add(-slack))
}
