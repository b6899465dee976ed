package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/schedule"
)

// sourceLister lists the sources to schedule.
type sourceLister interface {
	Sources(ctx context.Context) ([]newsroom.Source, error)
}

// sourceJobs keeps the scheduler's jobs in step with the sources table, so
// `newswire sources add|remove` (another process) or another instance's
// changes take effect without a restart: the database is the only truth.
type sourceJobs struct {
	st    sourceLister
	in    *ingest.Ingester
	sched *schedule.Scheduler
	log   *slog.Logger
	mu    sync.Mutex        // sync runs from the watch loop and the admin API
	specs map[string]string // job name -> schedule it was added with
}

func newSourceJobs(st sourceLister, in *ingest.Ingester, sched *schedule.Scheduler, log *slog.Logger) *sourceJobs {
	return &sourceJobs{st: st, in: in, sched: sched, log: log, specs: map[string]string{}}
}

// sync adds, changes and removes jobs to match the enabled sources.
func (j *sourceJobs) sync(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	srcs, err := j.st.Sources(ctx)
	if err != nil {
		return err
	}
	want := map[string]string{}
	for _, s := range srcs {
		if s.Enabled {
			want[s.Name] = s.Schedule
		}
	}
	for name, spec := range want {
		if j.specs[name] == spec {
			continue
		}
		if err := j.sched.Add(name, spec, j.in.Job(name)); err != nil {
			// A bad spec in the table (config specs are checked at load)
			// marks only that source.
			j.log.Error("schedule source", "source", name, "schedule", spec, "error", err)
			continue
		}
		j.specs[name] = spec
		j.log.Info("source scheduled", "source", name, "schedule", spec)
	}
	for name := range j.specs {
		if _, ok := want[name]; !ok {
			j.sched.Remove(name)
			delete(j.specs, name)
			j.log.Info("source unscheduled", "source", name)
		}
	}
	return nil
}

// watch re-syncs every interval until ctx is done.
func (j *sourceJobs) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := j.sync(ctx); err != nil && ctx.Err() == nil {
				j.log.Warn("sync sources", "error", err)
			}
		}
	}
}
