// Package schedule runs named jobs on cron schedules with robfig/cron/v3,
// adding what the library leaves out: every run gets a context that Stop
// cancels, a panicking job is logged and the scheduler carries on, a job
// never overlaps itself, runs can be spread with a per-job jitter and bounded
// by a global limit, and a bad spec is an error rather than a panic.
//
// Jobs are plain func(context.Context) values: the package knows nothing of
// what they do.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/robfig/cron/v3"
)

// ErrInvalidSpec is wrapped by every error about a schedule spec.
var ErrInvalidSpec = errors.New("invalid schedule")

// Options configure a Scheduler. The zero value is usable.
type Options struct {
	// Location is the zone schedules are evaluated in, unless a spec names
	// its own with a CRON_TZ= prefix. Nil means UTC, which avoids the
	// skipped and doubled runs of local daylight-saving changes.
	Location *time.Location
	// Jitter is the longest delay added before each run. Each job gets its
	// own delay, derived from a hash of its name, so sources polled on the
	// same schedule do not all start at once, and a job's delay stays the
	// same from run to run. The delay is also under a tenth of the job's
	// interval, so "@every 1s" still runs about every second: see
	// JitterFor. Zero means no delay.
	Jitter time.Duration
	// Seed, when set, is mixed into each job's jitter: instances running
	// the same jobs with their own seeds start each job in a different
	// order, so whichever starts first (and claims the work) varies by job.
	Seed string
	// MaxConcurrent bounds how many jobs run at once across the scheduler;
	// a due job waits for a slot (or for Stop). Zero means no bound.
	MaxConcurrent int
	// Logger receives the scheduler's logs. Nil discards them.
	Logger *slog.Logger
}

// Scheduler runs named jobs on cron schedules. Its methods are safe for
// concurrent use.
type Scheduler struct {
	cron   *cron.Cron
	loc    *time.Location
	jitter time.Duration
	seed   string
	sem    chan struct{} // nil: no bound
	log    *slog.Logger

	mu      sync.Mutex
	jobs    map[string]entry
	active  map[string]bool // jobs with a run in progress
	runCtx  context.Context // cancelled by Stop
	cancel  context.CancelFunc
	started bool
}

type entry struct {
	id     cron.EntryID
	sched  cron.Schedule
	jitter time.Duration // see JitterFor
}

// New returns a Scheduler; call Start to begin running jobs.
func New(opts Options) *Scheduler {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{
		loc:    loc,
		jitter: max(opts.Jitter, 0),
		seed:   opts.Seed,
		log:    log,
		jobs:   make(map[string]entry),
		active: make(map[string]bool),
	}
	if opts.MaxConcurrent > 0 {
		s.sem = make(chan struct{}, opts.MaxConcurrent)
	}
	// Recover and skip-if-still-running are done per job in run, where the
	// job's name is known; cron's own chain stays empty.
	s.cron = cron.New(cron.WithLocation(loc), cron.WithLogger(cronLog{log}))
	s.runCtx, s.cancel = context.WithCancel(context.Background())
	return s
}

// cronLog adapts slog to cron.Logger; cron's chatty Info goes to Debug.
type cronLog struct{ l *slog.Logger }

func (c cronLog) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }
func (c cronLog) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "error", err)...)
}

// ParseSpec parses a schedule: five cron fields, a descriptor such as @daily
// or "@every 10m", optionally preceded by CRON_TZ=Zone (or TZ=Zone). Every
// problem is an error wrapping ErrInvalidSpec, never a panic: robfig/cron
// panics on "CRON_TZ=Asia/Riyadh" with nothing after it, and silently takes
// an empty "CRON_TZ=" as UTC. Also rejected: @every intervals under one
// second or with a fraction of a second (cron would round them), and specs
// that never fire (30 February).
func ParseSpec(spec string) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, &SpecError{Spec: spec, Err: fmt.Errorf("%v", r)}
		}
	}()
	bad := func(format string, args ...any) (cron.Schedule, error) {
		return nil, &SpecError{Spec: spec, Err: fmt.Errorf(format, args...)}
	}
	body := strings.TrimSpace(spec)
	if body == "" {
		return bad("empty")
	}
	full := body
	if rest, ok := cutZonePrefix(body); ok {
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			i = len(rest)
		}
		var tz string
		tz, body = rest[:i], strings.TrimSpace(rest[i:])
		if tz == "" {
			return bad("empty time zone")
		}
		if _, err := time.LoadLocation(tz); err != nil {
			return bad("unknown time zone %q", tz)
		}
		if body == "" {
			return bad("time zone %s with no schedule", tz)
		}
		full = "CRON_TZ=" + tz + " " + body // one plain space: cron splits on it
	}
	if every, ok := strings.CutPrefix(body, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil {
			return bad("@every: %v", err)
		}
		if d < time.Second || d%time.Second != 0 {
			return bad("@every %s: need whole seconds, at least 1s", d)
		}
	}
	sched, err = cron.ParseStandard(full)
	if err != nil {
		return nil, &SpecError{Spec: spec, Err: cronReason(err)}
	}
	if sched.Next(time.Now()).IsZero() {
		return bad("never fires")
	}
	return sched, nil
}

// SpecError is a schedule spec ParseSpec refuses and why. It is
// ErrInvalidSpec for errors.Is; Err alone reads as a sentence about the
// spec, for callers that name the spec themselves.
type SpecError struct {
	Spec string
	Err  error
}

// Error names the spec and the reason.
func (e *SpecError) Error() string { return fmt.Sprintf("%v %q: %v", ErrInvalidSpec, e.Spec, e.Err) }

// Is makes a SpecError match ErrInvalidSpec.
func (e *SpecError) Is(target error) bool { return target == ErrInvalidSpec }

// Unwrap returns the reason.
func (e *SpecError) Unwrap() error { return e.Err }

var (
	cronFieldCount = regexp.MustCompile(`^expected exactly 5 fields, found (\d+)`)
	cronNotNumber  = regexp.MustCompile(`^failed to parse int from (.*?): strconv`)
)

// cronReason says in plain words what robfig/cron found wrong, whose own
// messages echo Go values ("found 2: [every day]", "strconv.Atoi: ...").
func cronReason(err error) error {
	msg := err.Error()
	if m := cronFieldCount.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), @every DURATION or @hourly/@daily/@weekly/@monthly, found %s fields", m[1])
	}
	if strings.HasPrefix(msg, "unrecognized descriptor") {
		return errors.New("want @every DURATION, @hourly, @daily, @weekly, @monthly or @yearly")
	}
	if m := cronNotNumber.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%q is not a number", m[1])
	}
	return err
}

func cutZonePrefix(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "CRON_TZ="); ok {
		return rest, true
	}
	return strings.CutPrefix(s, "TZ=")
}

// Add schedules job under name, replacing any job of that name (a run of the
// old one in progress finishes; the new one will not start while it does).
// The job gets a context cancelled by Stop and should return soon after.
func (s *Scheduler) Add(name, spec string, job func(ctx context.Context)) error {
	if name == "" {
		return errors.New("add job: empty name")
	}
	if job == nil {
		return fmt.Errorf("add job %q: nil func", name)
	}
	sched, err := ParseSpec(spec)
	if err != nil {
		return fmt.Errorf("add job %q: %w", name, err)
	}
	key := name
	if s.seed != "" {
		key = s.seed + "\x00" + name
	}
	jitter := JitterFor(key, s.jitter, Interval(sched, time.Now().In(s.loc)))
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.cron.Schedule(sched, cron.FuncJob(func() { s.run(name, jitter, job) }))
	if old, ok := s.jobs[name]; ok {
		s.cron.Remove(old.id)
	}
	s.jobs[name] = entry{id: id, sched: sched, jitter: jitter}
	return nil
}

// Remove unschedules the job called name, if any. A run in progress is not
// interrupted; Stop cancels it.
func (s *Scheduler) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.jobs[name]; ok {
		s.cron.Remove(e.id)
		delete(s.jobs, name)
	}
}

// Start begins running jobs in the background. Starting a running scheduler
// does nothing; a stopped one may be started again.
func (s *Scheduler) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	if s.runCtx.Err() != nil {
		s.runCtx, s.cancel = context.WithCancel(context.Background())
	}
	s.started = true
	s.cron.Start()
	s.log.Info("scheduler started", "jobs", len(s.jobs))
}

// Stop stops scheduling, cancels the context of every run in progress and
// waits for them to return. If ctx ends first, Stop returns its error
// (wrapped) and leaves the stragglers running.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	s.started = false
	cancel := s.cancel
	s.mu.Unlock()

	cancel()
	done := s.cron.Stop() // no new runs; done when the running ones return
	select {
	case <-done.Done():
		return nil
	default:
	}
	select {
	case <-done.Done():
		return nil
	case <-ctx.Done():
		s.log.Warn("scheduler stopped with jobs still running", "error", ctx.Err())
		return fmt.Errorf("stop scheduler: %w", ctx.Err())
	}
}

// Next returns when the job called name will next start: its next scheduled
// time plus its jitter. It returns the zero time for an unknown job or a
// schedule that never fires. Before Start it is computed from now.
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	e, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	next := s.cron.Entry(e.id).Next
	if next.IsZero() {
		next = e.sched.Next(time.Now().In(s.loc))
	}
	if next.IsZero() {
		return next
	}
	return next.Add(e.jitter)
}

// Running reports whether the scheduler has been started and not stopped
// (for /healthz).
func (s *Scheduler) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// JitterFor is the fixed delay of the job called name: in [0, limit), and
// under a tenth of interval (none when that is zero), so the jitter that
// spreads jobs never changes what their schedule means: a job "@every 1s"
// is delayed less than 100 ms, one "@every 15m" up to the whole limit.
func JitterFor(name string, limit, interval time.Duration) time.Duration {
	limit = min(limit, interval/10)
	if limit <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	return time.Duration(h.Sum64() % uint64(limit))
}

// Interval is the shortest gap between sched's next few runs after now:
// the interval of an @every schedule, the period of a regular cron spec,
// and for an irregular one ("9:00 on weekdays") its shortest gap, so the
// jitter stays small beside every gap.
func Interval(sched cron.Schedule, now time.Time) time.Duration {
	if c, ok := sched.(cron.ConstantDelaySchedule); ok {
		return c.Delay
	}
	var shortest time.Duration
	t := sched.Next(now)
	for range 5 {
		next := sched.Next(t)
		if next.IsZero() {
			break
		}
		if gap := next.Sub(t); shortest == 0 || gap < shortest {
			shortest = gap
		}
		t = next
	}
	return shortest
}

// run is one due run of a job: skip if the previous run is still going, wait
// out the jitter and a concurrency slot, run with the scheduler's context,
// and turn a panic into a log line.
func (s *Scheduler) run(name string, jitter time.Duration, job func(context.Context)) {
	s.mu.Lock()
	if s.active[name] {
		s.mu.Unlock()
		s.log.Info("job still running, run skipped", "job", name)
		return
	}
	s.active[name] = true
	ctx := s.runCtx
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.active, name)
		s.mu.Unlock()
	}()
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("job panicked", "job", name, "panic", r, "stack", string(debug.Stack()))
		}
	}()

	if jitter > 0 {
		s.log.Debug("job waiting out its jitter", "job", name, "jitter", jitter)
		t := time.NewTimer(jitter)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if s.sem != nil {
		select {
		case s.sem <- struct{}{}:
		default:
			s.log.Debug("job waiting for a free slot", "job", name)
			select {
			case s.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
		defer func() { <-s.sem }()
	}
	if ctx.Err() != nil {
		return
	}
	start := time.Now()
	s.log.Debug("job started", "job", name)
	job(ctx)
	s.log.Debug("job finished", "job", name, "duration", time.Since(start))
}
