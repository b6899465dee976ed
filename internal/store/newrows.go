package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// newRowsBatch is how many rows one prepared multi-row INSERT of new
// articles, bodies or memberships writes: 18 parameters an article row
// stays far below both backends' limits. Fewer rows are written with a
// statement made for their count.
const newRowsBatch = 50

// newArticle is a new article queued for newRows.
type newArticle struct {
	r       *articleRow
	updated int64
	j       jsonCols
}

// newRows holds a save's new articles back and writes them, their bodies
// and their category memberships with multi-row INSERTs: one statement
// per batch instead of three or more per article, which on SQLite was
// most of what saving a new article cost besides its search row.
type newRows struct {
	queue  []newArticle
	queued map[string]bool // storable GUIDs in queue
}

// queueNew queues r, a new article: it is written by flushNew.
func (sv *saver) queueNew(r *articleRow, updated int64, j jsonCols) {
	n := &sv.news
	if n.queued == nil {
		n.queued = make(map[string]bool)
	}
	n.queue = append(n.queue, newArticle{r, updated, j})
	n.queued[storableText(r.a.GUID)] = true
}

// flushNew writes the queued articles in the order they were queued (ids,
// and with them ?since= order, follow it), then their bodies, memberships
// and search rows.
func (sv *saver) flushNew() error {
	q := sv.news.queue
	if len(q) == 0 {
		return nil
	}
	sv.news.queue = q[:0]
	clear(sv.news.queued)

	ids := make(map[string]int64, len(q))
	args := make([]any, 0, articleParams*min(len(q), newRowsBatch))
	for start := 0; start < len(q); start += newRowsBatch {
		chunk := q[start:min(start+newRowsBatch, len(q))]
		args = args[:0]
		for _, n := range chunk {
			args = sv.insertArgs(args, n.r, n.updated, n.j)
		}
		if err := sv.insertArticles(len(chunk), args, ids); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}

	var bodies, members []any
	for _, n := range q {
		id, ok := ids[storableText(n.r.a.GUID)]
		if !ok {
			return fmt.Errorf("insert: no id returned for %q", n.r.a.GUID)
		}
		sv.wrote(n.r, id, n.updated)
		bodies = append(bodies, id, n.r.a.ContentHTML)
		for _, slug := range n.r.cats {
			cid, err := sv.categoryID(slug)
			if err != nil {
				return err
			}
			members = append(members, id, cid, n.r.published)
			if err := sv.listFor(n.r, cid, slug); err != nil {
				return err
			}
		}
	}
	if err := sv.execRows(sv.st.insBodies, 2, sqlInsBodies, bodies); err != nil {
		return fmt.Errorf("write body: %w", err)
	}
	if err := sv.execRows(sv.st.insMemberships, 3, sqlInsMemberships, members); err != nil {
		return fmt.Errorf("add to categories: %w", err)
	}
	// Last: the search text may still be being folded (foldAll).
	for _, n := range q {
		if err := sv.index(ids[storableText(n.r.a.GUID)], n.r, false); err != nil {
			return err
		}
	}
	return nil
}

// insertArticles inserts n article rows with args and records the id each
// GUID (as stored) got in ids.
func (sv *saver) insertArticles(n int, args []any, ids map[string]int64) error {
	var err error
	var res *sql.Rows
	if n == newRowsBatch {
		res, err = sv.st.insArticles.QueryContext(sv.ctx, args...)
	} else {
		res, err = sv.tx.QueryContext(sv.ctx, sqlInsArticles(n)+` RETURNING guid, id`, args...)
	}
	if err != nil {
		return err
	}
	for res.Next() {
		var guid string
		var id int64
		if err := res.Scan(&guid, &id); err != nil {
			res.Close()
			return err
		}
		ids[guid] = id
	}
	return errors.Join(res.Err(), res.Close())
}

// execRows writes rows of width parameters each: full batches with full,
// the rest with the statement sqlFor makes for their count.
func (sv *saver) execRows(full *stmt, width int, sqlFor func(n int) string, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/width, newRowsBatch)
		var err error
		if n == newRowsBatch {
			_, err = full.ExecContext(sv.ctx, args[:n*width]...)
		} else {
			_, err = sv.tx.ExecContext(sv.ctx, sqlFor(n), args[:n*width]...)
		}
		if err != nil {
			return err
		}
		args = args[n*width:]
	}
	return nil
}
