// Package newsroom holds what newswire's parts say to each other about
// stored news, whatever database keeps it: upstream sources and the passes
// ingest makes over them (with the dedupe key of a link, which both ingest
// and the store compute), ?since= cursors and changes, WebSub subscriptions
// and their queue, save outcomes, and the errors callers branch on
// (ErrNotFound, ErrWithdrawn, ErrInvalid, ErrStorage…), and FaultLog, which
// logs a storage fault that repeats at error only once. It imports nothing
// of the project but feeds; the store (SQLite or PostgreSQL) implements the
// storage, and ingest, the server, the hub and the commands use these types
// without depending on it.
package newsroom

import (
	"errors"
)

// ErrNotFound is wrapped by every lookup that finds nothing.
var ErrNotFound = errors.New("not found")

// ErrWithdrawn is returned for an article an editor withdrew.
var ErrWithdrawn = errors.New("withdrawn")

// MaxQueryLen is the longest search query accepted, in characters.
const MaxQueryLen = 200

// ErrBadQuery is a search query that cannot be run (empty, too long, or
// with nothing to search for); the message says why.
var ErrBadQuery = errors.New("bad search query")
