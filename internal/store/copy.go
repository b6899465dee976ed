package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Copying a SQLite database into PostgreSQL (newswire migrate-db) keeps
// every row id and change number: partners hold ?since= cursors and archive
// cursors made of them. The copy is driven by the schemas of both
// databases, read from the databases themselves: a table or column that one
// of them has and the other lacks, or that this file has no rule for, stops
// the copy before anything is written, so nothing can be left behind
// silently.

// CopyCount is how many rows of one table a copy wrote.
type CopyCount struct {
	Table string
	Rows  int64
}

// ErrTargetNotEmpty is returned when the database to copy into already
// holds newswire data: a copy never merges into or replaces it.
var ErrTargetNotEmpty = errors.New("target database is not empty")

// copyTable is a table the copy knows how to move.
type copyTable struct {
	name string
	// key orders the rows read (the primary key), so batches are stable.
	key []string
	// merge: the target's fresh schema already has rows (meta's counters);
	// the source's values replace them by key.
	merge bool
	// reset gives columns the value they take in the copy instead of the
	// source's: claims on queued work and sources' polling leases were
	// made by instances of the old database, which are stopped, so the
	// work and the sources are free to claim at once.
	reset map[string]any
}

var (
	claimFree = map[string]any{"claimed_until": 0, "claim_token": 0}
	leaseFree = map[string]any{"claimed_by": "", "claimed_until": 0, "claim_token": 0}
)

// copyTables lists every table a copy moves, parents before the tables
// whose foreign keys name them. A table added to the schema must be added
// here, with thought about what its rows mean in the new database.
var copyTables = []copyTable{
	{name: "meta", key: []string{"key"}, merge: true},
	{name: "categories", key: []string{"id"}},
	{name: "articles", key: []string{"id"}},
	{name: "article_bodies", key: []string{"article_id"}},
	{name: "article_categories", key: []string{"article_id", "category_id"}},
	{name: "article_keys", key: []string{"key"}},
	{name: "sources", key: []string{"id"}, reset: leaseFree},
	{name: "source_items", key: []string{"source_id", "item_key"}},
	{name: "websub_subscriptions", key: []string{"id"}},
	{name: "websub_intents", key: []string{"id"}, reset: claimFree},
	{name: "websub_contents", key: []string{"id"}},
	{name: "websub_deliveries", key: []string{"subscription_id"}, reset: claimFree},
}

// Tables each backend keeps for itself: the search index (rebuilt on the
// target from the copied articles, not copied), SQLite's own bookkeeping
// (sqlite_sequence is read for the sequences) and PostgreSQL's migrations.
const (
	sqliteOwnTables = `m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'article_fts%'`
	pgOwnTables     = `('article_search', 'schema_migrations')`
)

// column is one column of a table as a database declares it.
type column struct {
	name     string
	kind     string // int, text or blob
	notNull  bool
	identity bool // PostgreSQL: ids handed out by a sequence
}

// CopyInto copies the SQLite database src into the PostgreSQL database
// dst, which must be empty, in one transaction of dst: all of it or none.
// src is read in one read transaction, a consistent snapshot even if an
// instance still writes to it. Ids, change numbers and tombstones are kept,
// dst's sequences are moved past the copied ids, and dst's search index is
// built from the copied articles. It returns the rows written per table.
func CopyInto(ctx context.Context, dst, src *Store) ([]CopyCount, error) {
	if src.d.pg() || !dst.d.pg() {
		return nil, errors.New("copy: copies a SQLite database into a PostgreSQL one only")
	}
	rtx, err := src.r.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("copy: read %s: %w", src.name, err)
	}
	defer rtx.Rollback() // read-only: nothing to keep
	from, err := sqliteColumns(ctx, rtx)
	if err != nil {
		return nil, fmt.Errorf("copy: read the schema of %s: %w", src.name, err)
	}
	wtx, err := dst.beginVersioned(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer wtx.Rollback() // no-op after Commit
	to, err := pgColumns(ctx, wtx)
	if err != nil {
		return nil, fmt.Errorf("copy: read the schema of %s: %w", dst.name, err)
	}
	plan, err := planCopy(from, to)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if err := checkEmpty(ctx, wtx); err != nil {
		return nil, err
	}
	var counts []CopyCount
	for _, p := range plan {
		n, err := copyRows(ctx, rtx, wtx, p)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", p.t.name, err)
		}
		counts = append(counts, CopyCount{p.t.name, n})
	}
	if err := moveSequences(ctx, rtx, wtx, plan); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if err := dst.rebuildSearch(ctx, wtx); err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	if err := wtx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	return counts, nil
}

// sqliteColumns reads the source's tables and columns.
func sqliteColumns(ctx context.Context, tx *sql.Tx) (map[string][]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.name, p.name, upper(p.type), p."notnull"
		FROM sqlite_schema m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND `+sqliteOwnTables+` ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, err
	}
	return scanColumns(rows, func(typ string) string {
		return map[string]string{"INTEGER": "int", "TEXT": "text", "BLOB": "blob"}[typ]
	})
}

// pgColumns reads the target's tables and columns.
func pgColumns(ctx context.Context, tx *dbTx) (map[string][]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name, data_type, is_nullable = 'NO', is_identity = 'YES'
		FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name NOT IN `+pgOwnTables+`
		ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, err
	}
	return scanColumns(rows, func(typ string) string {
		return map[string]string{"bigint": "int", "text": "text", "bytea": "blob"}[typ]
	})
}

// scanColumns reads (table, column, type, not null[, identity]) rows; kind
// maps a declared type to int, text or blob ("" for one the copy cannot
// move, kept as the declared type to be named in the error).
func scanColumns(rows *sql.Rows, kind func(string) string) (map[string][]column, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string][]column{}
	for rows.Next() {
		var table, typ string
		var c column
		dest := []any{&table, &c.name, &typ, &c.notNull}
		if len(cols) > 4 {
			dest = append(dest, &c.identity)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if c.kind = kind(typ); c.kind == "" {
			c.kind = "type " + typ
		}
		out[table] = append(out[table], c)
	}
	return out, rows.Err()
}

// tablePlan is how one table is copied: its rule and its columns, in the
// source's order, as both databases declare them.
type tablePlan struct {
	t    copyTable
	cols []column // the source's
	pg   map[string]column
}

// planCopy matches both schemas against each other and against
// copyTables. Every difference is an error, all of them named at once.
func planCopy(from, to map[string][]column) ([]tablePlan, error) {
	var errs []error
	known := map[string]bool{}
	for _, t := range copyTables {
		known[t.name] = true
	}
	for _, db := range []struct {
		name   string
		tables map[string][]column
	}{{"the SQLite database", from}, {"the PostgreSQL database", to}} {
		for _, name := range sortedKeys(db.tables) {
			if !known[name] {
				errs = append(errs, fmt.Errorf("table %s in %s: migrate-db does not know how to copy it (a newer schema? use the newswire that wrote it)", name, db.name))
			}
		}
	}
	var plan []tablePlan
	for _, t := range copyTables {
		p, err := planTable(t, from[t.name], to[t.name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		plan = append(plan, p)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return plan, nil
}

func planTable(t copyTable, from, to []column) (tablePlan, error) {
	switch {
	case from == nil && to == nil:
		return tablePlan{}, fmt.Errorf("table %s: in neither database", t.name)
	case from == nil:
		return tablePlan{}, fmt.Errorf("table %s: not in the SQLite database", t.name)
	case to == nil:
		return tablePlan{}, fmt.Errorf("table %s: not in the PostgreSQL database", t.name)
	}
	p := tablePlan{t: t, cols: from, pg: map[string]column{}}
	for _, c := range to {
		p.pg[c.name] = c
	}
	var errs []error
	seen := map[string]bool{}
	for _, c := range from {
		seen[c.name] = true
		pc, ok := p.pg[c.name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("column %s.%s: not in the PostgreSQL database", t.name, c.name))
		case c.kind != pc.kind || !slices.Contains([]string{"int", "text", "blob"}, c.kind):
			errs = append(errs, fmt.Errorf("column %s.%s: SQLite %s, PostgreSQL %s: migrate-db does not know how to copy it", t.name, c.name, c.kind, pc.kind))
		}
	}
	for _, c := range to {
		if !seen[c.name] {
			errs = append(errs, fmt.Errorf("column %s.%s: not in the SQLite database", t.name, c.name))
		}
	}
	for _, k := range append(slices.Clone(t.key), sortedKeys(t.reset)...) {
		if !seen[k] {
			errs = append(errs, fmt.Errorf("column %s.%s: migrate-db's rule names it, the schema has no such column", t.name, k))
		}
	}
	return p, errors.Join(errs...)
}

// checkEmpty refuses a target that holds any newswire data: rows in a
// table other than meta, or a global version moved past 0.
func checkEmpty(ctx context.Context, tx *dbTx) error {
	var full []string
	for _, t := range append(slices.Clone(copyTables), copyTable{name: "article_search"}) {
		if t.merge {
			continue
		}
		var has bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quoteIdent(t.name)+`)`).Scan(&has); err != nil {
			return fmt.Errorf("copy: check the target is empty: %w", err)
		}
		if has {
			full = append(full, t.name)
		}
	}
	var version int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&version); err != nil {
		return fmt.Errorf("copy: check the target is empty: %w", err)
	}
	if version != 0 {
		full = append(full, "meta (version "+strconv.FormatInt(version, 10)+")")
	}
	if len(full) > 0 {
		return fmt.Errorf("%w: it has rows in %s; migrate-db copies only into an empty database: give a new database or schema",
			ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// copyBatchParams bounds the parameters of one INSERT (PostgreSQL allows
// 65535); copyBatchRows the rows.
const (
	copyBatchParams = 60000
	copyBatchRows   = 500
)

// copyRows copies one table in batches and checks that every row read was
// written.
func copyRows(ctx context.Context, rtx *sql.Tx, wtx *dbTx, p tablePlan) (int64, error) {
	names := make([]string, len(p.cols))
	for i, c := range p.cols {
		names[i] = quoteIdent(c.name)
	}
	keys := make([]string, len(p.t.key))
	for i, k := range p.t.key {
		keys[i] = quoteIdent(k)
	}
	rows, err := rtx.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+quoteIdent(p.t.name)+
		` ORDER BY `+strings.Join(keys, ", "))
	if err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	per := min(copyBatchRows, copyBatchParams/len(p.cols))
	var read, written int64
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		res, err := wtx.Tx.ExecContext(ctx, insertSQL(p, names, keys, len(args)/len(p.cols)), storableArgs(args)...)
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("write: %w", err)
		}
		written += n
		args = args[:0]
		return nil
	}
	dest := make([]any, len(p.cols))
	for i, c := range p.cols {
		switch c.kind {
		case "int":
			dest[i] = new(sql.NullInt64)
		case "text":
			dest[i] = new(sql.NullString)
		default:
			dest[i] = new([]byte)
		}
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return 0, fmt.Errorf("read: %w", err)
		}
		read++
		for i, c := range p.cols {
			args = append(args, copyValue(p, c, dest[i]))
		}
		if len(args) >= per*len(p.cols) {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("read: %w", err)
	}
	if err := flush(); err != nil {
		return 0, err
	}
	if written != read {
		return 0, fmt.Errorf("read %d rows, wrote %d", read, written)
	}
	return written, nil
}

// copyValue is the value a scanned column is written as.
func copyValue(p tablePlan, c column, v any) any {
	if r, ok := p.t.reset[c.name]; ok {
		return r
	}
	switch v := v.(type) {
	case *sql.NullInt64:
		if v.Valid {
			return v.Int64
		}
	case *sql.NullString:
		if v.Valid {
			return v.String
		}
	case *[]byte:
		b := *v // database/sql scanned a copy
		if b == nil && c.notNull {
			b = []byte{} // SQLite's x'' scans as nil; it is not NULL
		}
		if b != nil {
			return b
		}
	}
	return nil
}

// insertSQL is the INSERT of n rows of p; a merged table's rows replace
// the target's by key.
func insertSQL(p tablePlan, names, keys []string, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + quoteIdent(p.t.name) + " (" + strings.Join(names, ", ") + ") VALUES ")
	arg := 0
	for r := range n {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range names {
			if c > 0 {
				b.WriteString(", ")
			}
			arg++
			b.WriteString("$" + strconv.Itoa(arg))
		}
		b.WriteByte(')')
	}
	if p.t.merge {
		var set []string
		for _, nm := range names {
			if !slices.Contains(keys, nm) {
				set = append(set, nm+" = excluded."+nm)
			}
		}
		b.WriteString(" ON CONFLICT (" + strings.Join(keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", "))
	}
	return b.String()
}

// moveSequences sets each identity column's sequence past the largest id
// copied, or past the largest SQLite ever handed out (sqlite_sequence, for
// AUTOINCREMENT tables whose ids must never be reused), whichever is
// larger; a new row then gets an id no copied or deleted row had.
func moveSequences(ctx context.Context, rtx *sql.Tx, wtx *dbTx, plan []tablePlan) error {
	used, err := sqliteSequences(ctx, rtx)
	if err != nil {
		return fmt.Errorf("read sqlite_sequence: %w", err)
	}
	for _, p := range plan {
		for _, c := range sortedKeys(p.pg) {
			if !p.pg[c].identity {
				continue
			}
			var top int64
			if err := wtx.QueryRowContext(ctx, `SELECT coalesce(max(`+quoteIdent(c)+`), 0) FROM `+quoteIdent(p.t.name)).Scan(&top); err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", p.t.name, c, err)
			}
			top = max(top, used[p.t.name])
			if top == 0 {
				continue // nothing copied: the sequence starts at 1 as it is
			}
			if _, err := wtx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), ?)`,
				quoteIdent(p.t.name), c, top); err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", p.t.name, c, err)
			}
		}
	}
	return nil
}

// sqliteSequences reads sqlite_sequence (absent in a database that never
// had an AUTOINCREMENT table).
func sqliteSequences(ctx context.Context, tx *sql.Tx) (map[string]int64, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'`).Scan(&n); err != nil || n == 0 {
		return map[string]int64{}, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			return nil, err
		}
		out[name] = seq
	}
	return out, rows.Err()
}

// quoteIdent quotes a table or column name read from a schema.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
