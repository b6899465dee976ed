package store

import (
	"context"
)

// sourceStmts are the prepared statements of sources and ingest passes:
// reads on the reader pool, writes on the writer connection (bound to a
// transaction with tx.StmtContext where one is open).
type sourceStmts struct {
	// readers
	sources, sourceByName, knownItems *stmt
	// writer
	selSourceDef, selSourceByID, selSourceName, insSource, updSourceDef, resetSourceURL *stmt
	delSource, resetSource, updState, moveSource                                        *stmt
	selArticleByID, selGUID                                                             *stmt
	// the lease statements every pass runs (leaseSQL's)
	claimLease, claimDueLease, checkLease, releaseLease *stmt
}

func (ss *sourceStmts) prepare(ctx context.Context, w, r *dbPool, d *dialect) error {
	if err := prepareAll(ctx, r, []stmtDef{
		{&ss.sources, `SELECT ` + sourceCols + ` FROM sources ORDER BY name`},
		{&ss.sourceByName, `SELECT ` + sourceCols + ` FROM sources WHERE name = ?`},
		{&ss.knownItems, `SELECT item_key, raw_hash, published FROM source_items WHERE source_id = ?`},
	}); err != nil {
		return err
	}
	lq := newLeaseSQL(d)
	return prepareAll(ctx, w, []stmtDef{
		{&ss.claimLease, lq.claim},
		{&ss.claimDueLease, lq.claimDue},
		{&ss.checkLease, lq.check},
		{&ss.releaseLease, lq.release},
		{&ss.selSourceDef, `SELECT id, url, url_changed_from FROM sources WHERE name = ?` + d.forUpdate},
		{&ss.selSourceByID, `SELECT ` + sourceCols + ` FROM sources WHERE id = ?`},
		{&ss.selSourceName, `SELECT name FROM sources WHERE id = ?`},
		// No row comes back when the name exists (another instance may have
		// just created it): the definition is updated instead.
		{&ss.insSource, `INSERT INTO sources (name, url, schedule, categories, rules, enabled, allow_private, origin, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`},
		{&ss.updSourceDef, `UPDATE sources SET schedule = ?, categories = ?, rules = ?, enabled = ?,
			allow_private = ?, origin = ? WHERE id = ?`},
		{&ss.resetSourceURL, `UPDATE sources SET url = ?, url_changed_from = '', etag = '', last_modified = '',
			disabled_reason = '', failures = 0, last_error = '', next_run = 0, note = '', id_mode = '', feed_ttl = 0,
			body_hash = ?
			WHERE id = ?`},
		{&ss.delSource, `DELETE FROM sources WHERE name = ?`},
		{&ss.resetSource, `UPDATE sources SET disabled_reason = '', failures = 0, last_error = '', next_run = 0
			WHERE name = ?`},
		{&ss.updState, `UPDATE sources SET last_attempt = ?, last_success = ?, next_run = ?, last_error = ?,
			failures = ?, etag = ?, last_modified = ?, last_new = ?, last_updated = ?, disabled_reason = ?,
			note = ?, id_mode = ?, feed_ttl = ?, body_hash = ?
			WHERE id = ? RETURNING name`},
		// The first move keeps the configured URL in url_changed_from.
		{&ss.moveSource, `UPDATE sources SET
			url_changed_from = CASE url_changed_from WHEN '' THEN url ELSE url_changed_from END, url = ?
			WHERE id = ? AND url <> ?`},
		{&ss.selArticleByID, `SELECT ` + articleCols + `
			FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id WHERE a.id = ?`},
		{&ss.selGUID, `SELECT guid FROM articles WHERE id = ?`},
	})
}

func (ss *sourceStmts) close() error {
	return closeAll(ss.sources, ss.sourceByName, ss.knownItems,
		ss.selSourceDef, ss.selSourceByID, ss.selSourceName, ss.insSource, ss.updSourceDef, ss.resetSourceURL,
		ss.delSource, ss.resetSource, ss.updState, ss.moveSource,
		ss.selArticleByID, ss.selGUID, ss.claimLease, ss.claimDueLease, ss.checkLease, ss.releaseLease)
}

// in returns the writer statements bound to tx (which closes them when it
// ends); the reader statements are left nil.
func (ss *sourceStmts) in(ctx context.Context, tx *dbTx) sourceStmts {
	b := func(st *stmt) *stmt { return tx.StmtContext(ctx, st) }
	return sourceStmts{
		selSourceDef: b(ss.selSourceDef), selSourceByID: b(ss.selSourceByID), selSourceName: b(ss.selSourceName), insSource: b(ss.insSource),
		updSourceDef: b(ss.updSourceDef), resetSourceURL: b(ss.resetSourceURL),
		delSource: b(ss.delSource), resetSource: b(ss.resetSource), updState: b(ss.updState),
		moveSource: b(ss.moveSource), selArticleByID: b(ss.selArticleByID),
		selGUID: b(ss.selGUID),
	}
}
