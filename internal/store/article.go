package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// catSep joins category slugs in the articles.categories column; validSlug
// keeps it out of slugs.
const catSep = "\x1f"

// SaveArticle stores a, keyed by its GUID; see SaveArticles.
func (s *Store) SaveArticle(ctx context.Context, a *feeds.Article) (newsroom.SaveResult, error) {
	res, err := s.SaveArticles(ctx, []*feeds.Article{a})
	if err != nil {
		return 0, err
	}
	return res[0], nil
}

// SaveArticles stores the articles in one transaction: all of them or, on any
// error, none. Each is keyed by GUID and needs a GUID, a title, a published
// time and at least one category; a missing one is a *ValidationError and
// nothing is written.
//
// An article whose content hash (every published field except Updated) is
// unchanged is not written. A changed one is updated in place: created is
// kept, and updated moves forward to the incoming Updated when that is later
// than the stored one, else to now. Categories not yet known are created
// with their slug as title. Every category that gains or loses an article,
// and the global version, get a new version in the same transaction.
func (s *Store) SaveArticles(ctx context.Context, as []*feeds.Article) ([]newsroom.SaveResult, error) {
	items := make([]newsroom.Cleaned, len(as))
	for i, a := range as {
		items[i].Article = a
	}
	return s.SaveCleaned(ctx, items)
}

// SaveCleaned is SaveArticles for articles whose body text the caller has
// from cleaning them (Cleaned.Text): the search index takes it as it is.
func (s *Store) SaveCleaned(ctx context.Context, items []newsroom.Cleaned) (_ []newsroom.SaveResult, err error) {
	defer s.noteWrite(&err)
	if len(items) == 0 {
		return nil, nil
	}
	rows := make([]articleRow, len(items))
	var buf []byte
	for i, it := range items {
		if err := rows[i].prepare(it.Article, &buf); err != nil {
			if len(items) == 1 {
				return nil, fmt.Errorf("save article: %w", err)
			}
			return nil, fmt.Errorf("save articles: item %d: %w", i, err)
		}
		rows[i].text = it.Text
	}

	tx, err := s.beginVersioned(ctx)
	if err != nil {
		return nil, fmt.Errorf("save articles: begin: %w", err)
	}
	defer tx.Rollback() // no-op after Commit

	sv := s.newSaver(ctx, tx, s.now().Unix())
	sv.batchNew = true // nothing in this save reads an article back
	if err := sv.lookUp(tx, rows); err != nil {
		return nil, fmt.Errorf("save articles: %w", err)
	}
	var written []*articleRow // new or changed: their search rows are written
	for i := range rows {
		st, ok := sv.known[storableText(rows[i].a.GUID)]
		if !ok || !bytes.Equal(st.hash, rows[i].hash[:]) {
			written = append(written, &rows[i])
		}
	}
	if sv.folding = foldAll(written); sv.folding != nil {
		defer func() { // on an error, before returning
			if sv.folding != nil {
				sv.folding()
			}
		}()
	}
	res := make([]newsroom.SaveResult, len(rows))
	// Oldest first: the articles of one save share a change sequence number,
	// and ?since= pulls order them by id, so a backlog arrives in date order.
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Compare(max(rows[i].updated, rows[i].published), max(rows[j].updated, rows[j].published))
	})
	for _, i := range order {
		if res[i], err = sv.save(&rows[i]); err != nil {
			return nil, fmt.Errorf("save article %q: %w", rows[i].a.GUID, err)
		}
	}
	if err := sv.finish(); err != nil {
		return nil, fmt.Errorf("save articles: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("save articles: commit: %w", err)
	}
	return res, nil
}

// articleRow is a validated article with the values the store derives.
type articleRow struct {
	a         *feeds.Article
	published int64
	updated   int64 // a.Updated, else published
	// hasUpdated is whether the article gives its updated time: no zero
	// value can say it does not (0 is 1970; archive articles are older).
	hasUpdated bool
	cats       []string
	image      feeds.Image // zero when the article has none
	publishAt  int64       // embargo: 0, or when the article may appear
	hash       [sha256.Size]byte
	// text is the body's text when the caller gave it (newsroom.Cleaned),
	// else "": searchText reads the body then.
	text string
	// title and body are the search text, once folded is set.
	title, body string
	folded      bool
}

func (r *articleRow) prepare(a *feeds.Article, buf *[]byte) error {
	if a == nil {
		return &newsroom.ValidationError{Field: "article", Reason: "nil"}
	}
	bad := func(field, reason string) error {
		return &newsroom.ValidationError{GUID: a.GUID, Field: field, Reason: reason}
	}
	switch {
	case strings.TrimSpace(a.GUID) == "":
		return bad("guid", "required")
	case strings.TrimSpace(a.Title) == "":
		return bad("title", "required")
	case a.Published.IsZero():
		return bad("published", "required")
	case len(a.Categories) == 0:
		return bad("categories", "at least one required")
	}
	r.a = a
	r.cats = a.Categories
	for i, c := range a.Categories {
		if err := validSlug(c); err != nil {
			return bad(fmt.Sprintf("categories[%d]", i), err.Error())
		}
		for _, d := range a.Categories[:i] {
			if c == d { // the first occurrence keeps its place
				r.cats = dedupe(a.Categories)
				break
			}
		}
	}
	r.published = a.Published.Unix()
	if !a.PublishAt.IsZero() {
		r.publishAt = a.PublishAt.Unix()
		// An embargoed article is published when the embargo lifts.
		r.published = max(r.published, r.publishAt)
	}
	r.updated = r.published
	if !a.Updated.IsZero() {
		r.updated, r.hasUpdated = a.Updated.Unix(), true
	}
	if a.Image != nil && a.Image.URL != "" { // an image without a URL is no image
		r.image = *a.Image
	}
	*buf = r.appendCanonical((*buf)[:0])
	r.hash = sha256.Sum256(*buf)
	return nil
}

// appendCanonical appends an unambiguous encoding of every published field
// except Updated, which the store itself moves; change the version prefix
// whenever the encoding changes.
func (r *articleRow) appendCanonical(b []byte) []byte {
	a := r.a
	b = append(b, "newswire/article/v1"...)
	b = appendStr(b, a.GUID)
	b = appendStr(b, a.Title)
	b = appendStr(b, a.Summary)
	b = appendStr(b, a.ContentHTML)
	b = appendStr(b, a.URL)
	b = appendStr(b, a.Language)
	b = binary.AppendVarint(b, r.published)
	b = binary.AppendUvarint(b, uint64(len(a.Authors)))
	for _, p := range a.Authors {
		b = appendStr(appendStr(appendStr(b, p.Name), p.Email), p.URL)
	}
	b = binary.AppendUvarint(b, uint64(len(r.cats)))
	for _, c := range r.cats {
		b = appendStr(b, c)
	}
	b = appendStr(appendStr(b, r.image.URL), r.image.Type)
	b = binary.AppendVarint(b, r.image.Length)
	b = binary.AppendUvarint(b, uint64(len(a.Related)))
	for _, x := range a.Related {
		b = appendStr(appendStr(b, x.Title), x.URL)
	}
	b = binary.AppendUvarint(b, uint64(len(a.Sources)))
	for _, x := range a.Sources {
		b = appendStr(appendStr(appendStr(b, x.Name), x.FeedURL), x.Link)
	}
	if r.publishAt != 0 { // absent when unset, so older hashes still match
		b = binary.AppendVarint(append(b, "publish_at"...), r.publishAt)
	}
	return b
}

// embargo is the embargo_until value for r: its PublishAt while that is
// still in the future, else 0.
func (sv *saver) embargo(r *articleRow) int64 {
	if r.publishAt > sv.now {
		return r.publishAt
	}
	return 0
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// validSlug rejects slugs that cannot name a category: empty (the global
// version's key), or with spaces or control characters (catSep is one).
func validSlug(slug string) error {
	if slug == "" {
		return errors.New("empty slug")
	}
	for _, c := range slug {
		if unicode.IsSpace(c) || unicode.IsControl(c) || c == unicode.ReplacementChar {
			return fmt.Errorf("slug %q: spaces and control characters are not allowed", slug)
		}
	}
	return nil
}

func dedupe(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

// saver writes one transaction's articles and collects the categories whose
// feeds they change.
type saver struct {
	ctx      context.Context
	now      int64
	st       writeStmts // bound to the transaction
	catIDs   map[string]int64
	affected map[int64]struct{}
	listed   map[int64]bool // categories this save has listed already
	// known, when set (lookUp), is what is stored under the save's GUIDs;
	// a GUID missing from it is not stored.
	known  map[string]storedRow
	search searchWriter // the search rows not written yet
	// batchNew, when set, holds new articles back in news, to be written
	// together (flushNew) before anything reads them.
	batchNew bool
	news     newRows
	tx       *dbTx
	// folding, when set, waits for foldAll: index calls it first.
	folding func()
}

// newSaver returns a saver writing in tx; now is the save's time.
func (s *Store) newSaver(ctx context.Context, tx *dbTx, now int64) saver {
	st := s.ws.in(ctx, tx)
	return saver{ctx: ctx, now: now, st: st, tx: tx,
		catIDs: make(map[string]int64), affected: make(map[int64]struct{}),
		search: searchWriter{tx: tx, d: s.d, one: st.insSearch, full: st.insSearchBatch}}
}

// finish writes what the saver held back, the last search rows, and bumps
// the affected versions. The index is written in the save's transaction:
// a search right after the save finds what it saved.
func (sv *saver) finish() error {
	if err := sv.flushNew(); err != nil {
		return err
	}
	if err := sv.search.flush(sv.ctx); err != nil {
		return err
	}
	return sv.bumpVersions()
}

// storedRow is what a save needs to know of a stored article.
type storedRow struct {
	id, updated int64
	hash        []byte
}

// lookUp reads, in a few queries, which of rows' articles are stored, for
// save to find instead of asking once per article. Keys are the GUIDs as
// stored (storableText).
func (sv *saver) lookUp(tx *dbTx, rows []articleRow) error {
	sv.known = make(map[string]storedRow, len(rows))
	guids := make([]any, len(rows))
	for i := range rows {
		guids[i] = rows[i].a.GUID
	}
	err := inChunks(sv.ctx, tx, `SELECT guid, id, content_hash, updated FROM articles WHERE guid IN `, nil, guids,
		func(res *sql.Rows) error {
			var guid string
			var st storedRow
			if err := res.Scan(&guid, &st.id, &st.hash, &st.updated); err != nil {
				return err
			}
			sv.known[guid] = st
			return nil
		})
	if err != nil {
		return fmt.Errorf("look up: %w", err)
	}
	return nil
}

// stored returns what is stored under r's GUID: from lookUp's answers when
// the save made them (kept up to date by its own writes), else asked.
func (sv *saver) stored(r *articleRow) (storedRow, bool, error) {
	if sv.news.queued[storableText(r.a.GUID)] { // saved before in this save: write it to know its id
		if err := sv.flushNew(); err != nil {
			return storedRow{}, false, err
		}
	}
	if sv.known != nil {
		st, ok := sv.known[storableText(r.a.GUID)]
		return st, ok, nil
	}
	var st storedRow
	err := sv.st.selArticle.QueryRowContext(sv.ctx, r.a.GUID).Scan(&st.id, &st.hash, &st.updated)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("look up: %w", err)
	}
	return st, true, nil
}

// wrote records in known what the save just stored under r's GUID.
func (sv *saver) wrote(r *articleRow, id, updated int64) {
	if sv.known != nil {
		sv.known[storableText(r.a.GUID)] = storedRow{id: id, updated: updated, hash: r.hash[:]}
	}
}

func (sv *saver) save(r *articleRow) (newsroom.SaveResult, error) {
	st, found, err := sv.stored(r)
	switch {
	case err != nil:
		return 0, err
	case !found:
		return newsroom.Created, sv.insert(r)
	case bytes.Equal(st.hash, r.hash[:]):
		return newsroom.Unchanged, nil
	}
	return newsroom.Updated, sv.update(r, st.id, st.updated)
}

func (sv *saver) insert(r *articleRow) error {
	updated := max(r.updated, r.published) // never before publication
	j, err := encodeJSON(r.a)
	if err != nil {
		return err
	}
	if sv.batchNew {
		sv.queueNew(r, updated, j)
		return nil
	}
	var id int64
	if err := sv.st.insArticle.QueryRowContext(sv.ctx, sv.insertArgs(nil, r, updated, j)...).Scan(&id); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	sv.wrote(r, id, updated)
	return sv.writeBodyAndMemberships(r, id, false)
}

// insertArgs appends a new article row's articleParams parameters, in
// the order of the articles INSERT (one row or many), to args.
func (sv *saver) insertArgs(args []any, r *articleRow, updated int64, j jsonCols) []any {
	a := r.a
	return append(args, a.GUID, a.Title, a.Summary, a.URL, a.Language,
		r.published, updated, sv.now, r.hash[:], r.image.URL, r.image.Type, r.image.Length,
		j.authors, j.related, j.sources, strings.Join(r.cats, catSep), sv.embargo(r), sv.now)
}

func (sv *saver) update(r *articleRow, id, storedUpdated int64) error {
	// updated only moves forward, so Last-Modified and "since" pulls see the change.
	updated := r.updated
	if !r.hasUpdated || updated <= storedUpdated {
		updated = sv.now
	}
	updated = max(updated, r.published)
	if updated <= storedUpdated { // clock behind the stored stamp
		updated = storedUpdated + 1
	}
	j, err := encodeJSON(r.a)
	if err != nil {
		return err
	}
	a := r.a
	if _, err := sv.st.updArticle.ExecContext(sv.ctx, a.Title, a.Summary, a.URL, a.Language,
		r.published, updated, r.hash[:], r.image.URL, r.image.Type, r.image.Length,
		j.authors, j.related, j.sources, strings.Join(r.cats, catSep), sv.embargo(r), sv.now, id); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	sv.wrote(r, id, updated)
	return sv.writeBodyAndMemberships(r, id, true)
}

func (sv *saver) writeBodyAndMemberships(r *articleRow, id int64, replace bool) error {
	if _, err := sv.st.upsBody.ExecContext(sv.ctx, id, r.a.ContentHTML); err != nil {
		return fmt.Errorf("write body: %w", err)
	}
	if err := sv.index(id, r, replace); err != nil {
		return err
	}
	if replace { // the old categories lose the article (or see it change)
		rows, err := sv.st.delMemberships.QueryContext(sv.ctx, id)
		if err != nil {
			return fmt.Errorf("replace categories: %w", err)
		}
		for rows.Next() {
			var cid int64
			if err := rows.Scan(&cid); err != nil {
				rows.Close()
				return fmt.Errorf("replace categories: %w", err)
			}
			sv.affected[cid] = struct{}{}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return fmt.Errorf("replace categories: %w", err)
		}
	}
	for _, slug := range r.cats {
		cid, err := sv.categoryID(slug)
		if err != nil {
			return err
		}
		if _, err := sv.st.insMembership.ExecContext(sv.ctx, id, cid, r.published); err != nil {
			return fmt.Errorf("add to category %s: %w", slug, err)
		}
		if err := sv.listFor(r, cid, slug); err != nil {
			return err
		}
	}
	return nil
}

// listFor notes that r is in category cid (slug), which its save changes,
// and lists the category when r is public.
func (sv *saver) listFor(r *articleRow, cid int64, slug string) error {
	if sv.embargo(r) == 0 && !sv.listed[cid] { // a public article lists its category
		if _, err := sv.st.listCategory.ExecContext(sv.ctx, cid); err != nil {
			return fmt.Errorf("list category %s: %w", slug, err)
		}
		if sv.listed == nil {
			sv.listed = make(map[int64]bool)
		}
		sv.listed[cid] = true // once per save, however many articles
	}
	sv.affected[cid] = struct{}{}
	return nil
}

// categoryID returns the id of slug, creating the category with the slug as
// its title when it does not exist yet.
func (sv *saver) categoryID(slug string) (int64, error) {
	if id, ok := sv.catIDs[slug]; ok {
		return id, nil
	}
	var id int64
	err := sv.st.selCategoryID.QueryRowContext(sv.ctx, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = sv.st.insCategory.QueryRowContext(sv.ctx, slug, slug, "", sv.now, 0).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) { // created meanwhile by another instance
			err = sv.st.selCategoryID.QueryRowContext(sv.ctx, slug).Scan(&id)
		}
	}
	if err != nil {
		return 0, fmt.Errorf("category %s: %w", slug, err)
	}
	sv.catIDs[slug] = id
	return id, nil
}

// bumpVersions gives every affected category the new global version.
func (sv *saver) bumpVersions() error {
	if len(sv.affected) == 0 {
		return nil
	}
	v, err := bumpGlobal(sv.ctx, sv.st.bumpGlobal)
	if err != nil {
		return err
	}
	for cid := range sv.affected {
		if _, err := sv.st.bumpCategory.ExecContext(sv.ctx, v, sv.now, cid); err != nil {
			return fmt.Errorf("bump category version: %w", err)
		}
	}
	return nil
}

func bumpGlobal(ctx context.Context, st *stmt) (int64, error) {
	var v int64
	if err := st.QueryRowContext(ctx).Scan(&v); err != nil {
		return 0, fmt.Errorf("bump version: %w", err)
	}
	return v, nil
}

type jsonCols struct{ authors, related, sources string }

// encodeJSON encodes the list fields; an empty list is stored as "".
func encodeJSON(a *feeds.Article) (jsonCols, error) {
	var j jsonCols
	var err error
	if j.authors, err = jsonText(a.Authors); err == nil {
		if j.related, err = jsonText(a.Related); err == nil {
			j.sources, err = jsonText(a.Sources)
		}
	}
	if err != nil {
		return j, fmt.Errorf("encode: %w", err)
	}
	return j, nil
}

func jsonText[T any](v []T) (string, error) {
	if len(v) == 0 {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// Article returns the published article with this GUID, body and
// categories included. A withdrawn article is ErrWithdrawn, an embargoed
// one ErrNotFound, as for the public; StoredArticle returns either.
func (s *Store) Article(ctx context.Context, guid string) (_ *feeds.Article, err error) {
	defer s.noteRead(&err)
	a, st, err := s.StoredArticle(ctx, guid)
	switch {
	case err != nil:
		return nil, err
	case !st.EmbargoUntil.IsZero():
		// Before the embargo, not even its withdrawal may show.
		return nil, fmt.Errorf("article %q: %w", guid, newsroom.ErrNotFound)
	case !st.Withdrawn.IsZero():
		return nil, fmt.Errorf("article %q: %w", guid, newsroom.ErrWithdrawn)
	}
	return a, nil
}

// StoredArticle returns the article with this GUID whatever its state.
func (s *Store) StoredArticle(ctx context.Context, guid string) (_ *feeds.Article, _ newsroom.ArticleState, err error) {
	defer s.noteRead(&err)
	var st newsroom.ArticleState
	rows, err := s.rs.byGUID.QueryContext(ctx, guid)
	if err != nil {
		return nil, st, fmt.Errorf("article %q: %w", guid, err)
	}
	var withdrawn, embargo int64
	as, err := scanArticles(rows, 1, &withdrawn, &embargo)
	if err != nil {
		return nil, st, fmt.Errorf("article %q: %w", guid, err)
	}
	if len(as) == 0 {
		return nil, st, fmt.Errorf("article %q: %w", guid, newsroom.ErrNotFound)
	}
	if withdrawn != 0 {
		st.Withdrawn = unix(withdrawn)
	}
	if embargo != 0 {
		st.EmbargoUntil = unix(embargo)
		as[0].PublishAt = st.EmbargoUntil
	}
	return as[0], st, nil
}

// LatestArticles returns up to limit articles of a category ("" for all),
// newest published first, ties broken by newest stored first, each complete
// with body and categories. An unknown category is ErrNotFound.
func (s *Store) LatestArticles(ctx context.Context, category string, limit int) (_ []*feeds.Article, err error) {
	defer s.noteRead(&err)
	if limit < 1 {
		return nil, fmt.Errorf("latest articles of %q: limit %d is not positive", category, limit)
	}
	var rows *sql.Rows
	if category == "" {
		rows, err = s.rs.latestAll.QueryContext(ctx, limit)
	} else {
		rows, err = s.rs.latestCat.QueryContext(ctx, category, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("latest articles of %q: %w", category, err)
	}
	as, err := scanArticles(rows, min(limit, 64))
	if err != nil {
		return nil, fmt.Errorf("latest articles of %q: %w", category, err)
	}
	if len(as) == 0 && category != "" {
		// Only an empty answer pays for telling "empty" from "unknown".
		if _, err := s.Category(ctx, category); err != nil {
			return nil, err
		}
	}
	return as, nil
}

// CountArticles returns how many articles are stored.
func (s *Store) CountArticles(ctx context.Context) (_ int, err error) {
	defer s.noteRead(&err)
	var n int
	if err := s.rs.count.QueryRowContext(ctx).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// scanArticles reads articleCols rows and closes rows. The articles share one
// backing array; the JSON columns are scanned into reused buffers and each
// distinct value is decoded once per call (a feed's articles repeat a few
// authors), every article getting its own copy of the slice.
// Columns after articleCols are scanned into extra.
func scanArticles(rows *sql.Rows, sizeHint int, extra ...any) ([]*feeds.Article, error) {
	return scanArticlesEach(rows, sizeHint, nil, extra...)
}

// scanArticlesEach is scanArticles calling each after every row, while
// extra holds that row's extra columns.
func scanArticlesEach(rows *sql.Rows, sizeHint int, each func(), extra ...any) ([]*feeds.Article, error) {
	defer rows.Close()
	vals := make([]feeds.Article, 0, sizeHint)
	var (
		published, updated, imgLen int64
		imgURL, imgType, cats      string
		authors, related, sources  sql.RawBytes
		authorsMemo                jsonMemo[feeds.Person]
		relatedMemo                jsonMemo[feeds.Related]
		sourcesMemo                jsonMemo[feeds.Source]
	)
	dest := make([]any, 15)
	for rows.Next() {
		vals = append(vals, feeds.Article{})
		a := &vals[len(vals)-1]
		dest = append(dest[:0], &a.GUID, &a.Title, &a.Summary, &a.URL, &a.Language, &published, &updated,
			&imgURL, &imgType, &imgLen, &authors, &related, &sources, &cats, &a.ContentHTML)
		dest = append(dest, extra...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		a.Published, a.Updated = unix(published), unix(updated)
		if imgURL != "" {
			a.Image = &feeds.Image{URL: imgURL, Type: imgType, Length: imgLen}
		}
		if cats != "" {
			a.Categories = strings.Split(cats, catSep)
		}
		var err error
		if a.Authors, err = authorsMemo.decode(authors); err != nil {
			return nil, fmt.Errorf("article %q: authors: %w", a.GUID, err)
		}
		if a.Related, err = relatedMemo.decode(related); err != nil {
			return nil, fmt.Errorf("article %q: related: %w", a.GUID, err)
		}
		if a.Sources, err = sourcesMemo.decode(sources); err != nil {
			return nil, fmt.Errorf("article %q: sources: %w", a.GUID, err)
		}
		if each != nil {
			each()
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := make([]*feeds.Article, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out, nil
}

// jsonMemo decodes JSON list columns, reusing earlier decodings of the same
// bytes. Returned slices are fresh copies; the strings in them are shared,
// which is safe because strings are immutable.
type jsonMemo[T any] struct {
	seen map[string][]T
}

func (m *jsonMemo[T]) decode(b []byte) ([]T, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if v, ok := m.seen[string(b)]; ok { // no allocation for the lookup
		return slices.Clone(v), nil
	}
	var v []T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if m.seen == nil {
		m.seen = make(map[string][]T)
	}
	m.seen[string(b)] = v
	return slices.Clone(v), nil
}
