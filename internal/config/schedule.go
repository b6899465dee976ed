package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/schedule"
)

// CheckSchedule reports whether spec is a schedule newswire can run: a
// standard 5-field cron expression or a descriptor (@hourly, @every 10m),
// optionally prefixed by "CRON_TZ=Zone ". Specs that make the cron parser
// panic (a bare "CRON_TZ=Zone") are errors like any other, and so are an
// empty zone and an @every shorter than a second or not in whole seconds,
// which cron would silently round.
func CheckSchedule(spec string) (err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return errors.New("empty schedule")
	}
	rest := spec
	if name, ok := tzPrefix(spec); ok {
		zone, after, found := strings.Cut(name, " ")
		if zone == "" {
			return errors.New("empty time zone after CRON_TZ=")
		}
		if !found || strings.TrimSpace(after) == "" {
			return fmt.Errorf("nothing scheduled after CRON_TZ=%s", zone)
		}
		rest = strings.TrimSpace(after)
	}
	if d, ok := strings.CutPrefix(rest, "@every "); ok {
		every, err := time.ParseDuration(strings.TrimSpace(d))
		if err != nil {
			return fmt.Errorf("@every %q: want a duration such as 90s, 10m or 1h", strings.TrimSpace(d))
		}
		if every < time.Second || every%time.Second != 0 {
			return fmt.Errorf("@every %s: want whole seconds, at least 1s", every)
		}
	}
	// The scheduler has the last word: it parses with cron (recovering its
	// panics) and refuses specs that never fire ("30 February").
	// The caller names the spec; the reason alone follows it.
	if _, err := schedule.ParseSpec(spec); err != nil {
		if se, ok := errors.AsType[*schedule.SpecError](err); ok {
			return se.Err
		}
		return err
	}
	return nil
}

// tzPrefix returns what follows a TZ= or CRON_TZ= prefix.
func tzPrefix(spec string) (string, bool) {
	if rest, ok := strings.CutPrefix(spec, "CRON_TZ="); ok {
		return rest, true
	}
	return strings.CutPrefix(spec, "TZ=")
}
