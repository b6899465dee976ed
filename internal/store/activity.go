package store

import (
	"context"
	"fmt"
	"time"
)

// SourceActivity counts, per source, the items first seen on each of the
// last days days (UTC), oldest first: counts[name][days-1] is today. Sources
// with no items in the window are present with zeros.
func (s *Store) SourceActivity(ctx context.Context, days int) (_ map[string][]int, err error) {
	defer s.noteRead(&err)
	if days < 1 {
		return nil, fmt.Errorf("source activity: days %d < 1", days)
	}
	today := s.now().UTC().Truncate(24 * time.Hour)
	start := today.AddDate(0, 0, -(days - 1))
	rows, err := s.r.QueryContext(ctx, `
		SELECT s.name, (i.first_seen - ?1) / 86400, count(*)
		FROM source_items i JOIN sources s ON s.id = i.source_id
		WHERE i.first_seen >= ?1
		GROUP BY 1, 2`,
		start.Unix())
	if err != nil {
		return nil, fmt.Errorf("source activity: %w", err)
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var name string
		var day, n int
		if err := rows.Scan(&name, &day, &n); err != nil {
			return nil, fmt.Errorf("source activity: %w", err)
		}
		if day < 0 || day >= days {
			continue // first seen "in the future" by a skewed clock
		}
		if out[name] == nil {
			out[name] = make([]int, days)
		}
		out[name][day] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("source activity: %w", err)
	}
	srcs, err := s.Sources(ctx)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		if out[src.Name] == nil {
			out[src.Name] = make([]int, days)
		}
	}
	return out, nil
}
