package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Statements are prepared once at Open. On the writer they are bound to its
// one connection and reused by every transaction through tx.StmtContext; on
// the reader pool database/sql prepares each lazily per connection.

// articleCols is the column list scanArticles expects, from articles a LEFT
// JOIN article_bodies b.
const articleCols = `a.guid, a.title, a.summary, a.url, a.language, a.published, a.updated,
	a.image_url, a.image_type, a.image_length, a.authors, a.related, a.sources, a.categories,
	coalesce(b.content_html, '')`

const (
	sqlLatestAll = `SELECT ` + articleCols + `
	FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id
	WHERE a.withdrawn = 0 AND a.embargo_until = 0
	ORDER BY a.published DESC, a.id DESC
	LIMIT ?`

	// CROSS JOIN pins the join order: walk the category's index entries,
	// already in feed order, and look each article up by primary key.
	sqlLatestCategory = `SELECT ` + articleCols + `
	FROM article_categories ac
	CROSS JOIN articles a ON a.id = ac.article_id
	LEFT JOIN article_bodies b ON b.article_id = a.id
	WHERE ac.category_id = (SELECT id FROM categories WHERE slug = ?)
	AND a.withdrawn = 0 AND a.embargo_until = 0
	ORDER BY ac.published DESC, ac.article_id DESC
	LIMIT ?`

	// Withdrawn and embargoed articles are found here: Article tells them apart.
	sqlArticleByGUID = `SELECT ` + articleCols + `, a.withdrawn, a.embargo_until
	FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id
	WHERE a.guid = ?`
)

type readStmts struct {
	latestAll, latestCat, byGUID *stmt
	category, categories         *stmt
	versions, version, count     *stmt
	changed, changedAll          *stmt
}

func (r *readStmts) prepare(ctx context.Context, db *dbPool) error {
	return prepareAll(ctx, db, []stmtDef{
		{&r.latestAll, sqlLatestAll},
		{&r.latestCat, sqlLatestCategory},
		{&r.byGUID, sqlArticleByGUID},
		{&r.category, `SELECT slug, title, description, created_at FROM categories WHERE slug = ? AND listed = 1`},
		{&r.categories, `SELECT slug, title, description, created_at FROM categories WHERE listed = 1 ORDER BY slug`},
		// Unlisted categories are left out: their slugs must not reach
		// WebSub hubs (topics) before an article of theirs is public.
		{&r.versions, `SELECT slug, version FROM categories WHERE listed = 1
			UNION ALL SELECT '', value FROM meta WHERE key = 'version'`},
		{&r.version, `SELECT value FROM meta WHERE key = 'version'`},
		{&r.count, `SELECT count(*) FROM articles`},
		{&r.changed, `SELECT changed_at FROM categories WHERE slug = ? AND listed = 1`},
		{&r.changedAll, `SELECT coalesce(max(changed_at), 0) FROM categories WHERE listed = 1`},
	})
}

func (r *readStmts) close() error {
	return closeAll(r.latestAll, r.latestCat, r.byGUID, r.category, r.categories, r.versions, r.version, r.count,
		r.changed, r.changedAll)
}

type writeStmts struct {
	selArticle, insArticle, updArticle, upsBody *stmt
	delMemberships, insMembership               *stmt
	selCategoryID, insCategory                  *stmt
	selCategory, updCategory, listCategory      *stmt
	bumpGlobal, bumpCategory                    *stmt
	insSearch, insSearchBatch, delSearch        *stmt
	// The multi-row INSERTs of newRowsBatch new articles, bodies and
	// category memberships (see newRows).
	insArticles, insBodies, insMemberships *stmt
}

// sqlInsArticles, sqlInsBodies and sqlInsMemberships are the INSERTs of n
// new articles (articleParams parameters a row), bodies (2) and category
// memberships (3).
func sqlInsArticles(n int) string {
	return `INSERT INTO articles (guid, title, summary, url, language, published, updated, created,
			content_hash, image_url, image_type, image_length, authors, related, sources, categories, embargo_until,
			change_seq, changed_at) VALUES ` +
		valueRows(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+nextChangeSeq+`, ?)`, n)
}

const articleParams = 18

func sqlInsBodies(n int) string {
	return `INSERT INTO article_bodies (article_id, content_html) VALUES ` + valueRows(`(?, ?)`, n) + `
			ON CONFLICT (article_id) DO UPDATE SET content_html = excluded.content_html`
}

func sqlInsMemberships(n int) string {
	return `INSERT INTO article_categories (article_id, category_id, published) VALUES ` + valueRows(`(?, ?, ?)`, n)
}

// valueRows is n copies of row, comma-separated.
func valueRows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// laterChangedAt sets a category's change time to ?2 unless it holds a
// later one: it only moves forward, whichever instance's clock wrote it
// (Last-Modified).
const laterChangedAt = `CASE WHEN changed_at > ?2 THEN changed_at ELSE ?2 END`

// nextChangeSeq is the version the writing transaction will bump the
// global version to (every transaction that writes articles bumps it once,
// at its end): the articles' change_seq for ?since= pulls.
const nextChangeSeq = `(SELECT value + 1 FROM meta WHERE key = 'version')`

func (w *writeStmts) prepare(ctx context.Context, db *dbPool, d *dialect) error {
	return prepareAll(ctx, db, []stmtDef{
		{&w.selArticle, `SELECT id, content_hash, updated FROM articles WHERE guid = ?`},
		{&w.insArticle, sqlInsArticles(1) + ` RETURNING id`},
		{&w.insArticles, sqlInsArticles(newRowsBatch) + ` RETURNING guid, id`},
		{&w.insBodies, sqlInsBodies(newRowsBatch)},
		{&w.insMemberships, sqlInsMemberships(newRowsBatch)},
		{&w.updArticle, `UPDATE articles SET title = ?, summary = ?, url = ?, language = ?, published = ?,
			updated = ?, content_hash = ?, image_url = ?, image_type = ?, image_length = ?,
			authors = ?, related = ?, sources = ?, categories = ?, embargo_until = ?,
			change_seq = ` + nextChangeSeq + `, changed_at = ?
			WHERE id = ?`},
		{&w.upsBody, `INSERT INTO article_bodies (article_id, content_html) VALUES (?, ?)
			ON CONFLICT (article_id) DO UPDATE SET content_html = excluded.content_html`},
		{&w.delMemberships, `DELETE FROM article_categories WHERE article_id = ? RETURNING category_id`},
		{&w.insMembership, `INSERT INTO article_categories (article_id, category_id, published) VALUES (?, ?, ?)`},
		{&w.selCategoryID, `SELECT id FROM categories WHERE slug = ?`},
		// Created now: changed_at (?4) is the creation time too. No row
		// comes back when another instance created it first.
		{&w.insCategory, `INSERT INTO categories (slug, title, description, changed_at, listed, created_at)
			VALUES (?1, ?2, ?3, ?4, ?5, ?4) ON CONFLICT (slug) DO NOTHING RETURNING id`},
		{&w.selCategory, `SELECT id, title, description, listed FROM categories WHERE slug = ?`},
		{&w.updCategory, `UPDATE categories SET title = ?, description = ?, listed = 1 WHERE id = ?`},
		{&w.listCategory, `UPDATE categories SET listed = 1 WHERE id = ? AND listed = 0`},
		{&w.bumpGlobal, d.bumpVersion},
		{&w.bumpCategory, `UPDATE categories SET version = ?1, changed_at = ` + laterChangedAt + ` WHERE id = ?3`},
		{&w.insSearch, d.insSearch},
		{&w.insSearchBatch, d.insSearchRows(searchBatch)},
		{&w.delSearch, d.delSearch},
	})
}

func (w *writeStmts) close() error {
	return closeAll(w.selArticle, w.insArticle, w.updArticle, w.upsBody, w.delMemberships, w.insMembership,
		w.selCategoryID, w.insCategory, w.selCategory, w.updCategory, w.listCategory, w.bumpGlobal, w.bumpCategory,
		w.insSearch, w.insSearchBatch, w.delSearch, w.insArticles, w.insBodies, w.insMemberships)
}

// in returns the statements bound to tx (which closes them when it ends).
func (w *writeStmts) in(ctx context.Context, tx *dbTx) writeStmts {
	b := func(st *stmt) *stmt { return tx.StmtContext(ctx, st) }
	return writeStmts{
		selArticle: b(w.selArticle), insArticle: b(w.insArticle), updArticle: b(w.updArticle),
		upsBody: b(w.upsBody), delMemberships: b(w.delMemberships), insMembership: b(w.insMembership),
		selCategoryID: b(w.selCategoryID), insCategory: b(w.insCategory),
		selCategory: b(w.selCategory), updCategory: b(w.updCategory), listCategory: b(w.listCategory),
		bumpGlobal: b(w.bumpGlobal), bumpCategory: b(w.bumpCategory),
		insSearch: b(w.insSearch), insSearchBatch: b(w.insSearchBatch), delSearch: b(w.delSearch),
		insArticles: b(w.insArticles), insBodies: b(w.insBodies), insMemberships: b(w.insMemberships),
	}
}

type stmtDef struct {
	dst   **stmt
	query string
}

func prepareAll(ctx context.Context, db *dbPool, defs []stmtDef) error {
	for _, d := range defs {
		st, err := db.PrepareContext(ctx, d.query)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", d.query, err)
		}
		*d.dst = st
	}
	return nil
}

func closeAll(stmts ...*stmt) error {
	var errs []error
	for _, st := range stmts {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}
