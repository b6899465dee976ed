package newsroom

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
)

// Cursor is a position in a walk over articles: a time (unix seconds) and
// an article id that breaks ties, so a walk has no gaps and no repeats.
type Cursor struct {
	Time int64
	ID   int64
}

// String encodes the cursor for URLs: "<unix>-<id>".
func (c Cursor) String() string { return fmt.Sprintf("%d-%d", c.Time, c.ID) }

// ParseCursor decodes Cursor.String (the time may be negative: before 1970).
func ParseCursor(s string) (Cursor, bool) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return Cursor{}, false
	}
	t, id := s[:i], s[i+1:]
	tv, err1 := strconv.ParseInt(t, 10, 64)
	iv, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || iv < 0 {
		return Cursor{}, false
	}
	return Cursor{Time: tv, ID: iv}, true
}

// Since is where an incremental pull starts: after a change (the cursor a
// next link carries, "c<seq>-<id>"), or, with Seq 0, at a time.
type Since struct {
	Seq, ID int64     // the change's sequence number and article
	Time    time.Time // with Seq 0: changes stored at or after Time
}

// String encodes s for URLs: a cursor, or an RFC 3339 time.
func (s Since) String() string {
	if s.Seq == 0 {
		return s.Time.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("c%d-%d", s.Seq, s.ID)
}

// ParseSince decodes a cursor of Since.String. The "<unix>-<id>" cursors
// newswire gave before pulls walked change order still work: they are read
// as the time they hold, so a partner may get a few changes twice but
// misses none.
func ParseSince(v string) (Since, bool) {
	rest, seq := strings.CutPrefix(v, "c")
	c, ok := ParseCursor(rest)
	switch {
	case !ok:
		return Since{}, false
	case seq:
		if c.Time < 0 {
			return Since{}, false
		}
		return Since{Seq: c.Time, ID: c.ID}, true
	}
	return Since{Time: time.Unix(c.Time, 0).UTC()}, true
}

// Change is one entry of an incremental pull: an article created or updated
// after the cursor, or a tombstone if it was withdrawn.
type Change struct {
	Article   *feeds.Article // nil for a withdrawn article
	Tombstone *feeds.Tombstone
	Cursor    Since // position after this change
}
