package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Riyadh on hosts without a zoneinfo database
)

// wait is the generous bound for anything that should happen "soon" (a
// loaded machine included); tests wait on events, never on elapsed time.
const wait = time.Minute

// logRecorder is a slog.Handler that keeps messages so tests can wait for
// one (e.g. "run skipped") instead of sleeping.
type logRecorder struct {
	mu      sync.Mutex
	msgs    []string
	changed chan struct{}
}

func newLogRecorder() *logRecorder { return &logRecorder{changed: make(chan struct{})} }

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	close(h.changed)
	h.changed = make(chan struct{})
	return nil
}

func (h *logRecorder) count(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

func (h *logRecorder) waitFor(t *testing.T, msg string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		h.mu.Lock()
		ch := h.changed
		h.mu.Unlock()
		if h.count(msg) > 0 {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %q log within %v", msg, wait)
		}
	}
}

func newScheduler(t *testing.T, opts Options) (*Scheduler, *logRecorder) {
	t.Helper()
	rec := newLogRecorder()
	opts.Logger = slog.New(rec)
	s := New(opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		s.Stop(ctx)
	})
	return s, rec
}

func waitChan(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(wait):
		t.Fatalf("%s did not happen within %v", what, wait)
	}
}

func stop(t *testing.T, s *Scheduler) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

func TestEverySecondRuns(t *testing.T) {
	t.Parallel()
	s, _ := newScheduler(t, Options{})
	ran := make(chan struct{}, 1)
	var gotCtx atomic.Bool
	if err := s.Add("tick", "@every 1s", func(ctx context.Context) {
		gotCtx.Store(ctx != nil && ctx.Err() == nil)
		select {
		case ran <- struct{}{}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	if s.Running() {
		t.Error("Running before Start")
	}
	s.Start()
	if !s.Running() {
		t.Error("not Running after Start")
	}
	waitChan(t, ran, "a run of @every 1s")
	if !gotCtx.Load() {
		t.Error("job got no live context")
	}
	stop(t, s)
	if s.Running() {
		t.Error("Running after Stop")
	}
}

func TestPanickingJobDoesNotStopScheduler(t *testing.T) {
	t.Parallel()
	s, rec := newScheduler(t, Options{})
	var calls atomic.Int32
	second := make(chan struct{})
	if err := s.Add("boom", "@every 1s", func(context.Context) {
		switch calls.Add(1) {
		case 1:
			panic("upstream exploded")
		case 2:
			close(second)
		}
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitChan(t, second, "the run after the panic")
	if rec.count("job panicked") != 1 {
		t.Errorf("panic logged %d times, want 1", rec.count("job panicked"))
	}
	if !s.Running() {
		t.Error("scheduler not running after a panic")
	}
}

func TestSkipIfStillRunning(t *testing.T) {
	t.Parallel()
	s, rec := newScheduler(t, Options{})
	var starts, cur, most atomic.Int32
	if err := s.Add("slow", "@every 1s", func(ctx context.Context) {
		starts.Add(1)
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-ctx.Done()
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	rec.waitFor(t, "job still running, run skipped")
	stop(t, s)
	if got := starts.Load(); got != 1 {
		t.Errorf("job started %d times, want 1", got)
	}
	if got := most.Load(); got != 1 {
		t.Errorf("%d instances ran at once, want 1", got)
	}
}

func TestStopCancelsRunningJob(t *testing.T) {
	t.Parallel()
	s, _ := newScheduler(t, Options{})
	started, exited := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var cause atomic.Value
	if err := s.Add("blocked", "@every 1s", func(ctx context.Context) {
		first := false
		once.Do(func() { first = true; close(started) })
		if !first {
			return
		}
		<-ctx.Done()
		cause.Store(ctx.Err())
		close(exited)
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitChan(t, started, "the job start")
	stop(t, s)
	select {
	case <-exited:
	default:
		t.Fatal("Stop returned before the job exited")
	}
	if err, _ := cause.Load().(error); !errors.Is(err, context.Canceled) {
		t.Errorf("job context ended with %v, want context.Canceled", err)
	}
}

func TestStopGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	s, _ := newScheduler(t, Options{})
	started, release := make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) }) // let the stubborn job go (runs before the Stop cleanup)
	var once sync.Once
	if err := s.Add("stubborn", "@every 1s", func(context.Context) {
		once.Do(func() { close(started) })
		<-release // ignores its context
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	waitChan(t, started, "the job start")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := s.Stop(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want context.DeadlineExceeded", err)
	}
}

func TestMaxConcurrent(t *testing.T) {
	t.Parallel()
	s, rec := newScheduler(t, Options{MaxConcurrent: 1})
	var starts, cur, most atomic.Int32
	job := func(ctx context.Context) {
		starts.Add(1)
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-ctx.Done()
	}
	for _, name := range []string{"a", "b"} {
		if err := s.Add(name, "@every 1s", job); err != nil {
			t.Fatal(err)
		}
	}
	s.Start()
	rec.waitFor(t, "job waiting for a free slot")
	stop(t, s) // the waiting job must not block Stop
	if got := most.Load(); got != 1 {
		t.Errorf("%d jobs ran at once, want at most 1", got)
	}
	if got := starts.Load(); got != 1 {
		t.Errorf("%d jobs started, want 1 (the other waited, then was cancelled)", got)
	}
}

func TestJitterWaitEndsAtStop(t *testing.T) {
	t.Parallel()
	s, rec := newScheduler(t, Options{Jitter: time.Hour})
	var ran atomic.Bool
	const name = "jittery"
	jitter := JitterFor(name, time.Hour, 24*time.Hour)
	if jitter < 10*time.Second {
		t.Fatal("this name hashes to a short jitter: pick another name for the test")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.run(name, jitter, func(context.Context) { ran.Store(true) })
	}()
	rec.waitFor(t, "job waiting out its jitter")
	stop(t, s)
	waitChan(t, done, "the run's return after Stop")
	if ran.Load() {
		t.Error("job ran before its jitter elapsed")
	}
}

func TestJitterIsStablePerName(t *testing.T) {
	t.Parallel()
	const j = 30 * time.Second
	seen := map[time.Duration]bool{}
	for _, name := range []string{"wire", "aljazeera", "bbc-arabic", "reuters", "local"} {
		d := JitterFor(name, j, time.Hour)
		if d != JitterFor(name, j, time.Hour) {
			t.Errorf("jitter for %q not stable", name)
		}
		if d < 0 || d >= j {
			t.Errorf("jitter for %q = %v, want in [0, %v)", name, d, j)
		}
		seen[d] = true
	}
	if len(seen) < 4 {
		t.Errorf("five names got only %d distinct jitters", len(seen))
	}
	if d := JitterFor("wire", 0, time.Hour); d != 0 {
		t.Errorf("no Jitter option: got %v", d)
	}
}

// A schedule means what it says: the jitter that spreads jobs stays under
// a tenth of the job's interval and under the Jitter option, computed, not
// timed.
func TestJitterBoundedByInterval(t *testing.T) {
	t.Parallel()
	const limit = 5 * time.Second
	names := []string{"wire", "aljazeera", "bbc-arabic", "reuters", "local", "جزيرة", "x", "feed-42"}
	for _, tt := range []struct {
		spec     string
		interval time.Duration
	}{
		{"@every 1s", time.Second},
		{"@every 7s", 7 * time.Second},
		{"@every 20s", 20 * time.Second},
		{"* * * * *", time.Minute},
		{"@every 1h", time.Hour},
		{"0 9 * * 1-5", 24 * time.Hour}, // weekdays: the shortest gap is a day
	} {
		bound := min(limit, tt.interval/10)
		s := New(Options{Jitter: limit})
		for _, name := range names {
			if err := s.Add(name, tt.spec, func(context.Context) {}); err != nil {
				t.Fatal(err)
			}
			sched, _ := ParseSpec(tt.spec)
			if got := Interval(sched, time.Now()); got != tt.interval {
				t.Errorf("%s: interval %v, want %v", tt.spec, got, tt.interval)
			}
			if d := s.jobs[name].jitter; d < 0 || d >= bound {
				t.Errorf("%s, job %q: jitter %v, want in [0, %v)", tt.spec, name, d, bound)
			}
		}
	}
	// Seen from outside: the next run of "@every 1s" is at most a second
	// (plus under 100 ms) away. Next is computed before the clock is read
	// again, so a slow machine only makes the gap smaller.
	s := New(Options{Jitter: limit})
	for _, name := range names {
		if err := s.Add(name, "@every 1s", func(context.Context) {}); err != nil {
			t.Fatal(err)
		}
		if gap := time.Until(s.Next(name)); gap >= time.Second+100*time.Millisecond {
			t.Errorf("job %q \"@every 1s\" next runs in %v", name, gap)
		}
	}
}

func TestNext(t *testing.T) {
	t.Parallel()
	riyadh, err := time.LoadLocation("Asia/Riyadh")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		loc      *time.Location
		spec     string
		wantHour int // UTC
	}{
		{"UTC by default", nil, "0 6 * * *", 6},
		{"CRON_TZ prefix", nil, "CRON_TZ=Asia/Riyadh 0 6 * * *", 3},
		{"Location option", riyadh, "0 6 * * *", 3},
		{"CRON_TZ beats Location", riyadh, "CRON_TZ=UTC 0 6 * * *", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{Location: tt.loc})
			if err := s.Add("j", tt.spec, func(context.Context) {}); err != nil {
				t.Fatal(err)
			}
			next := s.Next("j").UTC()
			if next.Hour() != tt.wantHour || next.Minute() != 0 || !next.After(time.Now()) {
				t.Errorf("Next = %v, want a future %02d:00 UTC", next, tt.wantHour)
			}
		})
	}

	s := New(Options{Jitter: time.Minute})
	if !s.Next("missing").IsZero() {
		t.Error("Next of an unknown job is not zero")
	}
	if err := s.Add("hourly", "@every 1h", func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	want := time.Now().Add(time.Hour + JitterFor("hourly", time.Minute, time.Hour))
	if got := s.Next("hourly"); got.Sub(want).Abs() > time.Minute {
		t.Errorf("Next = %v, want about %v (schedule plus jitter)", got, want)
	}
}

func TestAddReplaceRemove(t *testing.T) {
	t.Parallel()
	s, _ := newScheduler(t, Options{})
	noop := func(context.Context) {}
	if err := s.Add("a", "0 0 1 1 *", noop); err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{}, 1)
	if err := s.Add("a", "@every 1s", func(context.Context) {
		select {
		case ran <- struct{}{}:
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.cron.Entries()); n != 1 {
		t.Fatalf("%d cron entries after replacing, want 1", n)
	}
	if d := time.Until(s.Next("a")); d > 2*time.Second {
		t.Errorf("Next after replacing is %v away, want the @every 1s schedule", d)
	}
	s.Start()
	waitChan(t, ran, "a run of the replacement")

	s.Remove("a")
	s.Remove("a") // twice is fine
	if n := len(s.cron.Entries()); n != 0 {
		t.Errorf("%d cron entries after Remove, want 0", n)
	}
	if !s.Next("a").IsZero() {
		t.Error("Next of a removed job is not zero")
	}

	for _, tt := range []struct {
		name, spec string
		job        func(context.Context)
	}{
		{"", "@every 1s", noop},
		{"nil", "@every 1s", nil},
		{"bad", "CRON_TZ=Asia/Riyadh", noop},
	} {
		if err := s.Add(tt.name, tt.spec, tt.job); err == nil {
			t.Errorf("Add(%q, %q) succeeded", tt.name, tt.spec)
		}
	}
	if err := s.Add("bad", "61 * * * *", noop); !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), `"bad"`) {
		t.Errorf("Add with a bad spec: %v, want ErrInvalidSpec naming the job", err)
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	s, _ := newScheduler(t, Options{})
	ran := make(chan error, 10)
	if err := s.Add("tick", "@every 1s", func(ctx context.Context) {
		select {
		case ran <- ctx.Err():
		default:
		}
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	s.Start() // no-op
	stop(t, s)
	for len(ran) > 0 {
		<-ran
	}
	s.Start()
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("run after restart got a done context: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("no run after restart")
	}
}

func TestStopBeforeStart(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	stop(t, s)
	if s.Running() {
		t.Error("Running after Stop")
	}
}

func TestParseSpec(t *testing.T) {
	t.Parallel()
	good := []string{
		"*/5 * * * *",
		"0 6 * * *",
		"0 6 * * MON-FRI",
		"@every 10m",
		"@every 1s",
		"@every 1h30m",
		"@hourly",
		"@daily",
		"CRON_TZ=Asia/Riyadh 0 6 * * *",
		"CRON_TZ=Asia/Riyadh\t0 6 * * *",
		"CRON_TZ=Asia/Riyadh @daily",
		"CRON_TZ=Asia/Riyadh @every 10m",
		"TZ=UTC 0 6 * * *",
		"  @every 10m  ",
		"0 0 29 2 *",
	}
	for _, spec := range good {
		sched, err := ParseSpec(spec)
		if err != nil || sched == nil {
			t.Errorf("ParseSpec(%q) = %v, %v; want a schedule", spec, sched, err)
		}
	}
	bad := []string{
		"",
		"   ",
		"CRON_TZ=",
		"CRON_TZ= 0 6 * * *",
		"TZ=",
		"CRON_TZ=Asia/Riyadh",
		"CRON_TZ=Asia/Riyadh   ",
		"CRON_TZ=Nowhere/X * * * * *",
		"CRON_TZ=Nowhere/X 0 6 * * *",
		"61 * * * *",
		"* 24 * * *",
		"* * * *",
		"* * * * * *",
		"@every 0s",
		"@every -1s",
		"@every 500ms",
		"@every 1.5s",
		"@every",
		"@every banana",
		"@fortnightly",
		"0 0 30 2 *",
		"L * * * *",
		"H * * * *",
		"every 10 minutes",
	}
	for _, spec := range bad {
		sched, err := ParseSpec(spec)
		if err == nil {
			t.Errorf("ParseSpec(%q) = %v, want an error", spec, sched)
			continue
		}
		if !errors.Is(err, ErrInvalidSpec) || !strings.Contains(err.Error(), strings.TrimSpace(spec)) {
			t.Errorf("ParseSpec(%q) error %q: want ErrInvalidSpec naming the spec", spec, err)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"*/5 * * * *", "@every 10m", "CRON_TZ=Asia/Riyadh 0 6 * * *", "CRON_TZ=", "CRON_TZ=Asia/Riyadh", "TZ=UTC", "@every 1s", "0 0 30 2 *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		sched, err := ParseSpec(spec) // must not panic
		if (err == nil) == (sched == nil) {
			t.Fatalf("ParseSpec(%q) = %v, %v", spec, sched, err)
		}
	})
}

// Instances with their own seeds start each job at their own offset, so
// which of them runs a job first varies by job; one seed keeps its offsets.
func TestSeedSpreadsJobsAcrossInstances(t *testing.T) {
	noop := func(context.Context) {}
	a := New(Options{Jitter: time.Minute, Seed: "a"})
	again := New(Options{Jitter: time.Minute, Seed: "a"})
	b := New(Options{Jitter: time.Minute, Seed: "b"})
	aFirst, bFirst := 0, 0
	for i := range 20 {
		name := fmt.Sprintf("source-%d", i)
		for _, s := range []*Scheduler{a, again, b} {
			if err := s.Add(name, "@every 1h", noop); err != nil {
				t.Fatal(err)
			}
		}
		ja, jb := a.jobs[name].jitter, b.jobs[name].jitter
		if ja != again.jobs[name].jitter {
			t.Errorf("%s: seed a gives %s, then %s", name, ja, again.jobs[name].jitter)
		}
		switch {
		case ja < jb:
			aFirst++
		case jb < ja:
			bFirst++
		}
	}
	if aFirst == 0 || bFirst == 0 {
		t.Errorf("instance a starts %d jobs first, b %d: want both some", aFirst, bFirst)
	}
}
