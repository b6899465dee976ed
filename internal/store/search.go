package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/arabic"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
)

// searchText is the matching form of an article's title and body: each
// text folded once (arabic.FoldWords), the title on its own because
// RelatedByTitle matches it whole. text is the body's text when the caller
// has it from cleaning the body (content.Report.Text), else "" and the body
// is read here: with content.Text, which is what Report.Text is, so an
// article is indexed under the same words whichever way it was saved.
func searchText(a *feeds.Article, text string) (title, body string) {
	if text == "" {
		text = content.Text(a.ContentHTML)
	}
	return searchFold(a.Title), searchFold(a.Summary + " " + text)
}

// searchText is searchText of r, made once (see foldAll).
func (r *articleRow) searchText() (title, body string) {
	if !r.folded {
		r.title, r.body = searchText(r.a, r.text)
		r.folded = true
	}
	return r.title, r.body
}

// foldPerWorker is the fewest articles worth another goroutine to foldAll.
const foldPerWorker = 16

// foldAll starts making the search text of rows on every core the process
// has, and returns a function that waits for it to be made: folding is
// most of the CPU a new article's save spends outside the database, and
// needs none, so it runs while the save writes the articles' other rows.
// For a few rows it returns nil: index folds each as it comes.
func foldAll(rows []*articleRow) (wait func()) {
	workers := min(runtime.GOMAXPROCS(0), len(rows)/foldPerWorker)
	if workers <= 1 {
		return nil
	}
	var next atomic.Int64
	fold := func() {
		for i := int(next.Add(1)) - 1; i < len(rows); i = int(next.Add(1)) - 1 {
			rows[i].searchText()
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(fold)
	}
	return func() {
		fold() // the waiting goroutine folds what is left too
		wg.Wait()
	}
}

// searchFold is the form text is indexed and searched in.
func searchFold(s string) string { return arabic.FoldWords(s) }

// searchBatch is how many search rows one INSERT writes: 3 parameters a
// row stays far below both backends' limits (SQLite 32,766, PostgreSQL
// 65,535).
const searchBatch = 128

// searchRow is one article's search index row, folded.
type searchRow struct {
	id          int64
	title, body string
}

// searchWriter collects a transaction's search rows and writes them in
// multi-row INSERTs. On SQLite this is most of the saving: FTS5 flushes its
// pending terms to a new segment whenever a later statement of the
// transaction opens a savepoint, so one INSERT per article wrote (and
// later merged) one segment per article; one per batch writes one.
type searchWriter struct {
	tx *dbTx
	d  *dialect
	// one and full are the INSERTs of one row and of searchBatch rows,
	// prepared; nil runs the statement's text (while opening, before the
	// store's statements are prepared).
	one, full *stmt
	rows      []searchRow
	pending   map[int64]int // id -> index in rows
}

// index queues a's search row under id. replace says the article may
// already have a row from an earlier transaction, which goes first.
func (sv *saver) index(id int64, r *articleRow, replace bool) error {
	if sv.folding != nil { // r may be one foldAll is making
		sv.folding()
		sv.folding = nil
	}
	title, body := r.searchText()
	w := &sv.search
	if i, ok := w.pending[id]; ok { // saved twice in this transaction: not written yet
		w.rows[i] = searchRow{id, title, body}
		return nil
	}
	if replace {
		if _, err := sv.st.delSearch.ExecContext(sv.ctx, id); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
	}
	return w.add(sv.ctx, searchRow{id, title, body})
}

// add queues r, writing the queue once it holds a batch.
func (w *searchWriter) add(ctx context.Context, r searchRow) error {
	if w.pending == nil {
		w.pending = make(map[int64]int)
	}
	w.pending[r.id] = len(w.rows)
	w.rows = append(w.rows, r)
	if len(w.rows) >= searchBatch {
		return w.flush(ctx)
	}
	return nil
}

// flush writes the queued rows.
func (w *searchWriter) flush(ctx context.Context) error {
	for len(w.rows) > 0 {
		n := min(len(w.rows), searchBatch)
		if err := w.insert(ctx, w.rows[:n]); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		w.rows = w.rows[n:]
	}
	w.rows = w.rows[:0]
	clear(w.pending)
	return nil
}

// insert writes rows with one statement: a prepared one for one row or a
// full batch, else one made for this count.
func (w *searchWriter) insert(ctx context.Context, rows []searchRow) error {
	args := make([]any, 0, 3*len(rows))
	for _, r := range rows {
		args = append(args, r.id, r.title, r.body)
	}
	var err error
	switch {
	case len(rows) == 1 && w.one != nil:
		_, err = w.one.ExecContext(ctx, args...)
	case len(rows) == searchBatch && w.full != nil:
		_, err = w.full.ExecContext(ctx, args...)
	default:
		_, err = w.tx.ExecContext(ctx, w.d.insSearchRows(len(rows)), args...)
	}
	return err
}

// searchTerm is one word of a query, folded like the index: a phrase of
// one or more tokens ("e-mail" folds to "e mail"), matched as a prefix when
// the reader ended it with *.
type searchTerm struct {
	phrase string
	prefix bool
}

// searchTerms turns what a reader typed into terms that must all appear.
// Each backend quotes every term when it writes its query (ftsMatch,
// tsQuery), so query syntax in the input ("OR", "NEAR(", "&", unbalanced
// quotes) is searched as text, never run as syntax.
func searchTerms(q string) ([]searchTerm, error) {
	if strings.TrimSpace(q) == "" {
		return nil, fmt.Errorf("%w: empty", newsroom.ErrBadQuery)
	}
	if n := utf8.RuneCountInString(q); n > newsroom.MaxQueryLen {
		return nil, fmt.Errorf("%w: %d characters, at most %d", newsroom.ErrBadQuery, n, newsroom.MaxQueryLen)
	}
	if !utf8.ValidString(q) {
		return nil, fmt.Errorf("%w: not valid UTF-8", newsroom.ErrBadQuery)
	}
	var terms []searchTerm
	for _, w := range strings.Fields(q) {
		prefix := strings.HasSuffix(w, "*")
		if w = searchFold(w); w != "" {
			terms = append(terms, searchTerm{w, prefix})
		}
	}
	if len(terms) == 0 {
		return nil, fmt.Errorf("%w: no words to search for", newsroom.ErrBadQuery)
	}
	return terms, nil
}

// ftsMatch is the terms as an FTS5 query: quoted phrases, all required.
func ftsMatch(terms []searchTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + strings.ReplaceAll(t.phrase, `"`, `""`) + `"`)
		if t.prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// tsQuote escapes a token inside a quoted tsquery lexeme.
var tsQuote = strings.NewReplacer(`\`, `\\`, "'", "''")

// tsQuery is the terms as a PostgreSQL tsquery: each token quoted, a
// phrase's tokens adjacent (<->), the last one a prefix (:*) when asked,
// all terms required (&).
func tsQuery(terms []searchTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" & ")
		}
		toks := strings.Fields(t.phrase)
		for j, tok := range toks {
			if j > 0 {
				b.WriteString(" <-> ")
			}
			b.WriteString("'" + tsQuote.Replace(tok) + "'")
		}
		if t.prefix {
			b.WriteString(":*")
		}
	}
	return b.String()
}

// Search returns up to limit published articles matching q, newest first.
// Matching ignores diacritics, alef forms, ى/ي, ة/ه, a leading ال, case
// and Arabic-Indic digits. A query that cannot be run is ErrBadQuery.
func (s *Store) Search(ctx context.Context, q string, limit int) (_ []*feeds.Article, err error) {
	defer s.noteRead(&err)
	terms, err := searchTerms(q)
	if err != nil {
		return nil, err
	}
	in, arg := `SELECT rowid FROM article_fts WHERE article_fts MATCH ?`, ftsMatch(terms)
	if s.d.pg() {
		in, arg = `SELECT article_id FROM article_search WHERE doc @@ to_tsquery('simple', ?)`, tsQuery(terms)
	}
	as, err := s.matching(ctx, in, arg, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	return as, nil
}

// matching returns up to limit published articles whose id the subquery in
// (with one argument, arg) returns, newest first. The match is run once into
// a set; the walk by date then stops after limit hits, which is what makes
// common words cheap.
func (s *Store) matching(ctx context.Context, in, arg string, limit int) ([]*feeds.Article, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("search: limit %d", limit)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+articleCols+`
	FROM articles a INDEXED BY articles_latest
	LEFT JOIN article_bodies b ON b.article_id = a.id
	WHERE a.id IN (`+in+`)
	AND a.withdrawn = 0 AND a.embargo_until = 0
	ORDER BY a.published DESC, a.id DESC
	LIMIT ?`, arg, limit)
	if err != nil {
		return nil, err
	}
	return scanArticles(rows, min(limit, 64))
}

// indexAll builds search rows for every article, once: for databases that
// had articles before the search index existed.
func (s *Store) indexAll(ctx context.Context) (err error) {
	defer s.noteWrite(&err)
	var done int64
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'search_indexed'`).Scan(&done); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if done == 1 {
		return nil
	}
	tx, err := s.beginVersioned(ctx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer tx.Rollback()
	if err := s.rebuildSearch(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// rebuildSearch replaces the search index with rows built from the
// articles tx sees, and records that the index is complete.
func (s *Store) rebuildSearch(ctx context.Context, tx *dbTx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM `+s.searchTable()); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.title, a.summary, coalesce(b.content_html, '')
		FROM articles a LEFT JOIN article_bodies b ON b.article_id = a.id`)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	w := searchWriter{tx: tx, d: s.d}
	var docs []searchRow
	for rows.Next() {
		var id int64
		var a feeds.Article
		if err := rows.Scan(&id, &a.Title, &a.Summary, &a.ContentHTML); err != nil {
			rows.Close()
			return fmt.Errorf("search index: %w", err)
		}
		t, b := searchText(&a, "")
		docs = append(docs, searchRow{id, t, b})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	w.rows = docs
	if err := w.flush(ctx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = 1 WHERE key = 'search_indexed'`); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

// searchTable is the backend's search index table.
func (s *Store) searchTable() string {
	if s.d.pg() {
		return "article_search"
	}
	return "article_fts"
}

// relatedCandidates bounds the titles RelatedByTitle compares per title.
const relatedCandidates = 50

// RelatedByTitle finds the published articles whose titles match these
// titles in their folded form (diacritics, alef forms and the like aside),
// for linking an article's "related topics" to stored stories. It returns
// title -> article, for the titles it found.
func (s *Store) RelatedByTitle(ctx context.Context, titles []string) (_ map[string]*feeds.Article, err error) {
	defer s.noteRead(&err)
	out := map[string]*feeds.Article{}
	for _, t := range titles {
		want := searchFold(t)
		if want == "" || utf8.RuneCountInString(t) > newsroom.MaxQueryLen {
			continue // a title of punctuation only links nowhere
		}
		// Titles that start with the phrase, newest first; the first equal
		// to it wins. (A bare word would also match every longer title
		// that has it, and the exact one could fall beyond the candidates.)
		in, arg := `SELECT rowid FROM article_fts WHERE article_fts MATCH ?`, `title : ^"`+want+`"`
		if s.d.pg() { // the folded title is stored: look it up as it is
			in, arg = `SELECT article_id FROM article_search WHERE title = ?`, want
		}
		as, err := s.matching(ctx, in, arg, relatedCandidates)
		if err != nil {
			return nil, fmt.Errorf("related %q: %w", t, err)
		}
		for _, a := range as {
			if searchFold(a.Title) == want {
				out[t] = a
				break
			}
		}
	}
	return out, nil
}
