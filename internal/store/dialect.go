package store

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
)

// Backend names the database engine under a Store.
type Backend string

// The backends: SQLite for one machine, PostgreSQL for several instances.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// IsPostgresURL reports whether a --db value names a PostgreSQL database
// (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(dsn string) bool {
	l := strings.ToLower(dsn)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// dialect is what the SQL of the two backends differs in. The store writes
// its SQL once, in SQLite's spelling with ? placeholders; sql() turns it into
// PostgreSQL's. Everything else (the merge and versioning logic) is shared.
type dialect struct {
	backend Backend
	// forUpdate ends a SELECT whose rows the transaction goes on to update.
	forUpdate string
	// now is the database's clock in unix seconds, for times every
	// instance must agree on (source leases). PostgreSQL's is
	// clock_timestamp(), not now(), which is the transaction's start.
	now string
	// insSearch and delSearch write an article's search row: ?1 its id,
	// ?2 its folded title, ?3 its folded text. searchInto and searchRow
	// make the multi-row form (insSearchRows): searchRow is a format of the
	// three parameter numbers of one row.
	insSearch, delSearch, searchInto, searchRow string
	// versionLock is the advisory lock key writers that bump the global
	// version take first (PostgreSQL only; see beginVersioned).
	versionLock int64
	// migrationLock is the advisory lock key migrations run under, so
	// instances starting together apply each step once.
	migrationLock int64
	// bumpVersion moves the global version and returns it. On PostgreSQL
	// the same statement notifies the schema's channel (NotifyChannel): the
	// notification is queued in the transaction and delivered only when it
	// commits, so a listener never wakes for a change it cannot read yet.
	bumpVersion string

	cache sync.Map // SQLite spelling -> this dialect's
}

func sqliteDialect() *dialect {
	return &dialect{
		backend:     SQLite,
		now:         `unixepoch()`,
		insSearch:   `INSERT INTO article_fts (rowid, title, body) VALUES (?1, ?2, ?3)`,
		delSearch:   `DELETE FROM article_fts WHERE rowid = ?`,
		searchInto:  `INSERT INTO article_fts (rowid, title, body) VALUES `,
		searchRow:   `(?%d, ?%d, ?%d)`,
		bumpVersion: bumpVersionSQL,
	}
}

// postgresDialect is PostgreSQL's, for a database whose tables are in schema.
func postgresDialect(schema string) *dialect {
	return &dialect{
		backend:   Postgres,
		forUpdate: " FOR UPDATE",
		now:       `floor(extract(epoch FROM clock_timestamp()))::bigint`,
		// The text is folded in Go (arabic.FoldWords) for both backends;
		// 'simple' only splits and lowercases it, as FTS5's unicode61 does.
		insSearch: `INSERT INTO article_search (article_id, title, doc)
			VALUES (?1, ?2, to_tsvector('simple', ?2::text || ' ' || ?3::text))`,
		delSearch:     `DELETE FROM article_search WHERE article_id = ?`,
		searchInto:    `INSERT INTO article_search (article_id, title, doc) VALUES `,
		searchRow:     `(?%d, ?%d, to_tsvector('simple', ?%[2]d::text || ' ' || ?%[3]d::text))`,
		versionLock:   lockKey("version", schema),
		migrationLock: lockKey("migrate", schema),
		// The payload is empty: the version rows stay the truth, and
		// PostgreSQL folds identical notifications of one transaction.
		bumpVersion: `WITH v AS (` + bumpVersionSQL + `)
			SELECT v.value FROM v, pg_notify('` + notifyChannel(schema) + `', '') AS n`,
	}
}

// insSearchRows is insSearch for n rows, their parameters 3 a row in order.
func (d *dialect) insSearchRows(n int) string {
	var b strings.Builder
	b.WriteString(d.searchInto)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, d.searchRow, 3*i+1, 3*i+2, 3*i+3)
	}
	return b.String()
}

const bumpVersionSQL = `UPDATE meta SET value = value + 1 WHERE key = 'version' RETURNING value`

// notifyChannel is the PostgreSQL channel on which version bumps in schema
// are announced. Channels are per database, not per schema, so the name
// carries the schema (hashed: channel names end at 63 bytes).
func notifyChannel(schema string) string {
	return fmt.Sprintf("newswire_%016x", uint64(lockKey("notify", schema)))
}

// claimRows ends a SELECT that picks queue rows (from table alias) to
// claim: on PostgreSQL a row another transaction is claiming is passed over
// and the rows picked are locked until commit, so two instances never claim
// one row; SQLite's single writer makes every claim exclusive already.
func (d *dialect) claimRows(alias string) string {
	if !d.pg() {
		return ""
	}
	return " FOR UPDATE OF " + alias + " SKIP LOCKED"
}

// lockKey is an advisory lock key for one purpose in one schema, so two
// newswire databases in the schemas of one PostgreSQL database never wait
// on each other.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("newswire/" + purpose + "/" + schema))
	return int64(h.Sum64())
}

func (d *dialect) pg() bool { return d.backend == Postgres }

// sqliteHints are SQLite planner hints with no PostgreSQL equivalent (its
// planner picks those plans by itself); they are dropped there.
var sqliteHints = strings.NewReplacer(
	"CROSS JOIN", "JOIN",
	" INDEXED BY articles_latest", "",
)

// sql returns q in this dialect: on PostgreSQL, ? and ?N placeholders become
// $N and SQLite's planner hints go. Quoted text is left alone.
func (d *dialect) sql(q string) string {
	if !d.pg() {
		return q
	}
	if v, ok := d.cache.Load(q); ok {
		return v.(string)
	}
	out := rebind(sqliteHints.Replace(q))
	d.cache.Store(q, out)
	return out
}

// rebind numbers ? placeholders $1, $2… and turns ?N into $N, outside
// quoted strings and identifiers.
func rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				b.WriteByte('$')
				b.WriteString(q[i+1 : j])
				i = j - 1
				continue
			}
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
