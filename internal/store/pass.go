package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// KnownItems returns the items a source has delivered, by item key. Ingest
// compares raw-item hashes with it to skip unchanged items before any
// cleaning.
func (s *Store) KnownItems(ctx context.Context, sourceID int64) (_ map[string]newsroom.KnownItem, err error) {
	defer s.noteRead(&err)
	rows, err := s.ss.knownItems.QueryContext(ctx, sourceID)
	if err != nil {
		return nil, fmt.Errorf("known items of source %d: %w", sourceID, err)
	}
	defer rows.Close()
	known := make(map[string]newsroom.KnownItem)
	for rows.Next() {
		var (
			key  string
			hash []byte
			pub  int64
		)
		if err := rows.Scan(&key, &hash, &pub); err != nil {
			return nil, fmt.Errorf("known items of source %d: %w", sourceID, err)
		}
		known[key] = newsroom.KnownItem{Hash: hash, Published: unix(pub)}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("known items of source %d: %w", sourceID, err)
	}
	return known, nil
}

// SavePass writes one pass of a source in one transaction: its items and its
// state, or on any error nothing. A pass without items (a 304, an error)
// writes the state only.
//
// For each item:
//   - known with the same raw hash: nothing is written (Unchanged);
//   - known with another hash: the article is updated in place, keeping its
//     GUID and the other sources recorded on it, if this source is its first
//     source; an item of a story first stored from another source, or whose
//     article was deleted, only has its hash updated (Unchanged);
//   - new to the source: if its LinkKey names a stored article, or its
//     TextKey one that another source brought, this source is added to that
//     article's Sources (and its categories to the article's), Merged
//     (Unchanged when the source was already there); otherwise the article
//     is saved (Created, or updated in place if its GUID exists). Two items
//     of one source that read the same but have their own links stay two
//     articles: a daily "prayer times" item is not the same story twice.
//     Nor do two items of one source with their own GUIDs at one link
//     become one (a live blog's posts, items that all link to the
//     homepage), unless they read the same too (see sameStory).
//
// Articles and categories get new versions as in SaveArticles, only when an
// article changed. The source's LastNew and LastUpdated are this pass's
// counts. An unknown SourceID is a wrapped ErrNotFound.
func (s *Store) SavePass(ctx context.Context, p newsroom.Pass) (_ newsroom.PassResult, err error) {
	defer s.noteWrite(&err)
	// Validate everything before opening the transaction, as SaveArticles does.
	rows := make([]articleRow, len(p.Items))
	var buf []byte
	for i, it := range p.Items {
		if it.Key == "" || len(it.RawHash) == 0 {
			return newsroom.PassResult{}, fmt.Errorf("save pass: item %d: key and raw hash required", i)
		}
		if err := rows[i].prepare(it.Article, &buf); err != nil {
			return newsroom.PassResult{}, fmt.Errorf("save pass: item %d: %w", i, err)
		}
		rows[i].text = it.Text
		if len(it.Article.Sources) == 0 {
			return newsroom.PassResult{}, fmt.Errorf("save pass: item %d: %w", i,
				&newsroom.ValidationError{GUID: it.Article.GUID, Field: "sources", Reason: "the source is required"})
		}
	}

	// The items' search text, folded on every core before the transaction
	// takes the write lock (on PostgreSQL every instance's): a pass holds
	// only items new or changed upstream, and nearly all are new. (An item
	// merged into a stored story folds its own, in the transaction.)
	all := make([]*articleRow, len(rows))
	for i := range rows {
		all[i] = &rows[i]
	}
	if wait := foldAll(all); wait != nil {
		wait()
	}

	begin := s.beginVersioned
	if len(p.Items) == 0 { // state only (a 304, an error): no version moves
		begin = func(ctx context.Context) (*dbTx, error) { return s.w.BeginTx(ctx, nil) }
	}
	tx, err := begin(ctx)
	if err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	if p.Lease != nil {
		if p.Lease.SourceID != p.SourceID {
			return newsroom.PassResult{}, fmt.Errorf("save pass: lease on source %d for source %d", p.Lease.SourceID, p.SourceID)
		}
		if err := s.checkLease(ctx, tx, p.Lease); err != nil {
			return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
		}
	}
	now := s.now().Unix()
	ps := passSaver{
		saver: s.newSaver(ctx, tx, now),
		ss:    s.ss.in(ctx, tx),
		src:   p.SourceID,
		buf:   buf,
	}
	var name string
	err = ps.ss.selSourceName.QueryRowContext(ctx, p.SourceID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return newsroom.PassResult{}, fmt.Errorf("save pass: source %d: %w", p.SourceID, newsroom.ErrNotFound)
	}
	if err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: source %d: %w", p.SourceID, err)
	}
	if err := ps.prefetch(tx, p.Items, rows); err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
	}
	res := newsroom.PassResult{Items: make([]newsroom.ItemOutcome, len(p.Items))}
	for i := range p.Items {
		if got := p.Items[i].Article.Sources[0].Name; got != name {
			return newsroom.PassResult{}, fmt.Errorf("save pass: item %q: %w", p.Items[i].Key,
				&newsroom.ValidationError{GUID: p.Items[i].Article.GUID, Field: "sources[0].name",
					Reason: fmt.Sprintf("%q is not the pass's source %q", got, name)})
		}
		out, err := ps.saveItem(&p.Items[i], &rows[i])
		if err != nil {
			return newsroom.PassResult{}, fmt.Errorf("save pass: item %q: %w", p.Items[i].Key, err)
		}
		res.Items[i] = out
		switch out.Result {
		case newsroom.Created:
			res.New++
		case newsroom.Updated:
			res.Updated++
		default:
			res.Unchanged++
		}
	}
	if err := ps.writeHistory(tx); err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
	}
	if err := ps.finish(); err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
	}
	if err := ps.writeState(p.State, res); err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
	}
	if p.Lease != nil && !p.KeepLease {
		if err := s.endLease(ctx, tx, p.Lease); err != nil {
			return newsroom.PassResult{}, fmt.Errorf("save pass: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return newsroom.PassResult{}, fmt.Errorf("save pass: commit: %w", err)
	}
	return res, nil
}

// passSaver is a saver that also keeps the source's item history and the
// dedupe keys.
//
// What the pass's items need to know of the store (their history, their
// dedupe keys, their articles by GUID) is read up front in a few queries
// (prefetch) rather than a few per item, and kept up to date by the pass's
// own writes, articles as saver.lookUp keeps them. Nothing in the pass reads
// the item history or the dedupe keys but through these, so their rows are
// written at the end of the pass in a few statements (writeHistory): items
// and keys hold what the rows are to be.
type passSaver struct {
	saver
	ss    sourceStmts // bound to the transaction
	src   int64
	buf   []byte
	items map[string]storedItem // by item key as stored (storableText)
	keys  map[string]int64      // article id by dedupe key

	dirtyItems []string // keys of items to write, in their first write's order
	newKeys    [][]byte // dedupe keys to write, in order
}

// storedItem is a source_items row as the pass knows it; the rest of the
// row is set when the pass records the item.
type storedItem struct {
	hash      []byte
	articleID sql.NullInt64
	published int64
	rawDate   string
	dirty     bool // recorded by the pass, not written yet
}

// inBatch is how many values inChunks puts in one IN (…) list: far below
// both backends' parameter limits.
const inBatch = 500

// prefetch reads what the store holds for the pass's items: their rows in
// the source's history, the articles their dedupe keys name, and the
// articles stored under their GUIDs.
func (ps *passSaver) prefetch(tx *dbTx, items []newsroom.PassItem, rows []articleRow) error {
	ps.items = make(map[string]storedItem, len(items))
	ps.keys = make(map[string]int64, 2*len(items))
	if len(items) == 0 {
		return nil
	}
	itemKeys := make([]any, 0, len(items))
	dedupe := make([]any, 0, 2*len(items))
	for i := range items {
		itemKeys = append(itemKeys, items[i].Key)
		for _, k := range [][]byte{items[i].LinkKey, items[i].TextKey} {
			if len(k) > 0 {
				dedupe = append(dedupe, k)
			}
		}
	}
	err := inChunks(ps.ctx, tx, `SELECT item_key, raw_hash, article_id FROM source_items WHERE source_id = ? AND item_key IN `,
		[]any{ps.src}, itemKeys, func(r *sql.Rows) error {
			var (
				key string
				it  storedItem
			)
			if err := r.Scan(&key, &it.hash, &it.articleID); err != nil {
				return err
			}
			ps.items[key] = it
			return nil
		})
	if err != nil {
		return fmt.Errorf("look up items: %w", err)
	}
	err = inChunks(ps.ctx, tx, `SELECT key, article_id FROM article_keys WHERE key IN `, nil, dedupe,
		func(r *sql.Rows) error {
			var (
				key []byte
				id  int64
			)
			if err := r.Scan(&key, &id); err != nil {
				return err
			}
			ps.keys[string(key)] = id
			return nil
		})
	if err != nil {
		return fmt.Errorf("look up dedupe keys: %w", err)
	}
	return ps.lookUp(tx, rows)
}

// inChunks runs q + "(?, ?, …)" with args followed by a chunk of in, for
// every chunk of in, and calls scan on every row.
func inChunks(ctx context.Context, tx *dbTx, q string, args, in []any, scan func(*sql.Rows) error) error {
	for start := 0; start < len(in); start += inBatch {
		chunk := in[start:min(start+inBatch, len(in))]
		rows, err := tx.QueryContext(ctx, q+`(?`+strings.Repeat(", ?", len(chunk)-1)+`)`,
			append(append([]any(nil), args...), chunk...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
	}
	return nil
}

func (ps *passSaver) saveItem(it *newsroom.PassItem, row *articleRow) (newsroom.ItemOutcome, error) {
	out := newsroom.ItemOutcome{Key: it.Key, Result: newsroom.Unchanged}
	stored, found := ps.items[storableText(it.Key)]
	articleID := stored.articleID
	switch {
	case !found:
		return ps.saveNew(it, row)
	case bytes.Equal(stored.hash, it.RawHash):
		var err error
		if articleID.Valid {
			out.GUID, err = ps.guidOf(articleID.Int64)
		}
		return out, err
	}

	// Changed upstream.
	id := articleID.Int64
	if articleID.Valid {
		stored, err := ps.articleByID(id)
		if err != nil {
			return out, err
		}
		out.GUID = stored.GUID
		own := it.Article.Sources[0]
		if len(stored.Sources) == 0 || stored.Sources[0].Name == own.Name {
			a := *it.Article
			a.GUID = stored.GUID
			a.Sources = append([]feeds.Source{own}, others(stored.Sources, own.Name)...)
			if len(stored.Sources) > 1 { // keep what merged sources contributed
				a.Categories = union(a.Categories, stored.Categories)
			}
			if out.Result, err = ps.saveArticle(&a, it.Text); err != nil { // the item's body: its text
				return out, err
			}
		}
		if err := ps.addKeys(it, id); err != nil {
			return out, err
		}
	}
	return out, ps.recordItem(it, row, articleID)
}

// saveNew stores an item the source has not delivered before.
func (ps *passSaver) saveNew(it *newsroom.PassItem, row *articleRow) (newsroom.ItemOutcome, error) {
	out := newsroom.ItemOutcome{Key: it.Key}
	own := it.Article.Sources[0]
	stored, err := ps.sameStory(it, own.Name)
	if err != nil {
		return out, err
	}
	var id int64
	if stored != nil {
		out.Merged, id = true, stored.id
		out.GUID, out.Result = stored.GUID, newsroom.Unchanged
		if !hasSource(stored.Sources, own.Name) {
			a := *stored.Article
			a.Sources = append(append([]feeds.Source(nil), stored.Sources...), own)
			a.Categories = union(stored.Categories, it.Article.Categories)
			if out.Result, err = ps.saveArticle(&a, ""); err != nil { // the stored body: not the item's text
				return out, err
			}
		}
	} else {
		if out.Result, err = ps.save(row); err != nil {
			return out, err
		}
		out.GUID = it.Article.GUID
		// save stored it, or found it stored (lookUp): known has its id.
		st, ok := ps.known[storableText(out.GUID)]
		if !ok {
			return out, fmt.Errorf("article id of %s: %w", out.GUID, newsroom.ErrNotFound)
		}
		id = st.id
	}
	if err := ps.addKeys(it, id); err != nil {
		return out, err
	}
	return out, ps.recordItem(it, row, sql.NullInt64{Int64: id, Valid: true})
}

// saveArticle saves a, a stored article (merged or changed upstream),
// through the article saver (content hash, versions); text is the text of
// its body, or "" (see newsroom.Cleaned).
func (ps *passSaver) saveArticle(a *feeds.Article, text string) (newsroom.SaveResult, error) {
	var r articleRow
	if err := r.prepare(a, &ps.buf); err != nil {
		return 0, err
	}
	r.text = text
	// prefetch looked up the pass's own GUIDs only: save finds a GUID
	// missing from known not stored.
	if guid := storableText(a.GUID); ps.known != nil {
		if _, ok := ps.known[guid]; !ok {
			var st storedRow
			err := ps.st.selArticle.QueryRowContext(ps.ctx, a.GUID).Scan(&st.id, &st.hash, &st.updated)
			switch {
			case err == nil:
				ps.known[guid] = st
			case !errors.Is(err, sql.ErrNoRows):
				return 0, fmt.Errorf("look up: %w", err)
			}
		}
	}
	return ps.save(&r)
}

// recordItem notes the item's row in the source's history, for
// writeHistory; an item without an article keeps the one it had.
func (ps *passSaver) recordItem(it *newsroom.PassItem, row *articleRow, articleID sql.NullInt64) error {
	key := storableText(it.Key)
	old := ps.items[key]
	if !articleID.Valid {
		articleID = old.articleID
	}
	if !old.dirty {
		ps.dirtyItems = append(ps.dirtyItems, key)
	}
	ps.items[key] = storedItem{hash: it.RawHash, articleID: articleID, published: row.published,
		rawDate: it.RawDate, dirty: true}
	return nil
}

// Rows a statement of writeHistory writes at most.
const (
	itemRowsPerStmt = 200 // 7 arguments each
	keyRowsPerStmt  = 500 // 2 arguments each
)

// writeHistory writes the item rows and dedupe keys the pass recorded. An
// item row another pass wrote since prefetch is overwritten, as the
// per-item upsert did; a key another article claimed meanwhile stays with
// it.
func (ps *passSaver) writeHistory(tx *dbTx) error {
	for start := 0; start < len(ps.dirtyItems); start += itemRowsPerStmt {
		chunk := ps.dirtyItems[start:min(start+itemRowsPerStmt, len(ps.dirtyItems))]
		args := make([]any, 0, 7*len(chunk))
		for _, key := range chunk {
			it := ps.items[key]
			args = append(args, ps.src, key, it.hash, it.articleID, it.published, it.rawDate, ps.now)
		}
		q := `INSERT INTO source_items (source_id, item_key, raw_hash, article_id, published, raw_date, first_seen)
			VALUES (?, ?, ?, ?, ?, ?, ?)` + strings.Repeat(`, (?, ?, ?, ?, ?, ?, ?)`, len(chunk)-1) + `
			ON CONFLICT (source_id, item_key) DO UPDATE SET raw_hash = excluded.raw_hash,
				article_id = coalesce(excluded.article_id, source_items.article_id), published = excluded.published,
				raw_date = excluded.raw_date`
		if _, err := tx.ExecContext(ps.ctx, q, args...); err != nil {
			return fmt.Errorf("record items: %w", err)
		}
	}
	for start := 0; start < len(ps.newKeys); start += keyRowsPerStmt {
		chunk := ps.newKeys[start:min(start+keyRowsPerStmt, len(ps.newKeys))]
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k, ps.keys[string(k)])
		}
		q := `INSERT INTO article_keys (key, article_id) VALUES (?, ?)` + strings.Repeat(`, (?, ?)`, len(chunk)-1) + `
			ON CONFLICT (key) DO NOTHING`
		if _, err := tx.ExecContext(ps.ctx, q, args...); err != nil {
			return fmt.Errorf("record dedupe keys: %w", err)
		}
	}
	return nil
}

// storedArticle is an article read in the pass's transaction.
type storedArticle struct {
	*feeds.Article
	id int64
}

// sameStory returns the stored article it is the same story as, or nil.
//
// Its link names the story whichever source brought it: another source's
// item at the same page, or this source's own item under another key (an
// item without a GUID is keyed by its link or content, which change with
// it). But within one source the GUID identifies an item: an item with a
// GUID that shares its link with other items of its document (a live
// blog's page, a homepage or a podcast's show page that every item links
// to), at the link this source's item on the article has, is that item
// only if its text names the article too; otherwise it is an item of its
// own. Alone at its link in the document, it is that item under a GUID
// the source changed (edited or not). A link another source recorded
// still finds the story.
// Its text names the story only if another source brought it: two items
// of one source that read the same but have their own links stay two.
func (ps *passSaver) sameStory(it *newsroom.PassItem, source string) (*storedArticle, error) {
	if len(it.LinkKey) > 0 {
		if id, ok := ps.keys[string(it.LinkKey)]; ok {
			a, err := ps.articleByID(id)
			if err != nil {
				return nil, err
			}
			if !it.ByGUID() || !it.SharesLink || !ownLink(a.Sources, it) || ps.names(it.TextKey, id) {
				return &storedArticle{a, id}, nil
			}
		}
	}
	if len(it.TextKey) > 0 {
		if id, ok := ps.keys[string(it.TextKey)]; ok {
			a, err := ps.articleByID(id)
			if err != nil {
				return nil, err
			}
			if !hasSource(a.Sources, source) {
				return &storedArticle{a, id}, nil
			}
		}
	}
	return nil, nil
}

// names reports whether dedupe key k names article id.
func (ps *passSaver) names(k []byte, id int64) bool {
	got, ok := ps.keys[string(k)]
	return len(k) > 0 && ok && got == id
}

// ownLink reports whether srcs records the item's source at a link whose
// dedupe key is the item's: the article holds an item of that source at
// that page.
func ownLink(srcs []feeds.Source, it *newsroom.PassItem) bool {
	own := it.Article.Sources[0].Name
	for _, s := range srcs {
		if s.Name == own && s.Link != "" && bytes.Equal(newsroom.LinkKey(s.Link), it.LinkKey) {
			return true
		}
	}
	return false
}

// addKeys records the item's dedupe keys for article id, for
// writeHistory; a key another article claimed first stays with it.
func (ps *passSaver) addKeys(it *newsroom.PassItem, id int64) error {
	for _, k := range [][]byte{it.LinkKey, it.TextKey} {
		if len(k) == 0 {
			continue
		}
		if _, ok := ps.keys[string(k)]; !ok {
			ps.keys[string(k)] = id
			ps.newKeys = append(ps.newKeys, k)
		}
	}
	return nil
}

func (ps *passSaver) articleByID(id int64) (*feeds.Article, error) {
	rows, err := ps.ss.selArticleByID.QueryContext(ps.ctx, id)
	if err != nil {
		return nil, fmt.Errorf("article %d: %w", id, err)
	}
	as, err := scanArticles(rows, 1)
	if err != nil {
		return nil, fmt.Errorf("article %d: %w", id, err)
	}
	if len(as) == 0 {
		return nil, fmt.Errorf("article %d: %w", id, newsroom.ErrNotFound)
	}
	return as[0], nil
}

func (ps *passSaver) guidOf(id int64) (string, error) {
	var guid string
	if err := ps.ss.selGUID.QueryRowContext(ps.ctx, id).Scan(&guid); err != nil {
		return "", fmt.Errorf("article %d: %w", id, err)
	}
	return guid, nil
}

// writeState stores the pass's state on the source, and its move if any.
func (ps *passSaver) writeState(st newsroom.SourceState, res newsroom.PassResult) error {
	var name string
	err := ps.ss.updState.QueryRowContext(ps.ctx, unixOf(st.LastAttempt), unixOf(st.LastSuccess),
		unixOf(st.NextRun), st.LastError, st.Failures, st.ETag, st.LastModified, res.New, res.Updated,
		st.DisabledReason, st.Note, st.IDMode, int64(st.FeedTTL/time.Second), nonNil(st.BodyHash), ps.src).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("source %d: %w", ps.src, newsroom.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("source %d: state: %w", ps.src, err)
	}
	if st.MovedTo != "" {
		if _, err := ps.ss.moveSource.ExecContext(ps.ctx, st.MovedTo, ps.src, st.MovedTo); err != nil {
			return fmt.Errorf("source %s: move: %w", name, err)
		}
	}
	return nil
}

// nonNil binds nil as an empty blob (the column is NOT NULL).
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func hasSource(srcs []feeds.Source, name string) bool {
	for _, s := range srcs {
		if s.Name == name {
			return true
		}
	}
	return false
}

// others returns srcs without the ones called name.
func others(srcs []feeds.Source, name string) []feeds.Source {
	var out []feeds.Source
	for _, s := range srcs {
		if s.Name != name {
			out = append(out, s)
		}
	}
	return out
}

// union returns a followed by the elements of b it lacks.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		dup := false
		for _, y := range out {
			dup = dup || x == y
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}
