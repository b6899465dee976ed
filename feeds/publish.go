package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// ItemError says why Publish left one item, or one tombstone, out of a document.
type ItemError struct {
	Index     int    // 0-based position in Feed.Items, or in Feed.Deleted for a tombstone
	GUID      string // as rendered (cleaned); may be empty
	Tombstone bool
	Kind      Kind // what is wrong, in Validate's words: bad-date, missing-id, empty-content...
	Err       error
}

// Error names the item and the reason, e.g. `item 3 ("x-1") left out: date out of range: ...`.
func (e ItemError) Error() string {
	what := "item"
	if e.Tombstone {
		what = "tombstone"
	}
	return fmt.Sprintf("%s %d (%q) left out: %v", what, e.Index+1, e.GUID, e.Err)
}

// Unwrap returns the reason: ErrBadDate, ErrNoGUID, ErrNoContent,
// ErrDeletedAndPresent, or the Problem Validate reported.
func (e ItemError) Unwrap() error { return e.Err }

// kindUnrenderable is the Kind of an item the encoder itself failed on.
const kindUnrenderable Kind = "unrenderable"

// kindOf names the reason an item cannot be rendered as Validate would.
func kindOf(err error) Kind {
	var p Problem
	switch {
	case errors.Is(err, ErrNoGUID):
		return KindMissingID
	case errors.Is(err, ErrBadDate):
		return KindBadDate
	case errors.Is(err, ErrNoContent):
		return KindEmptyContent
	case errors.Is(err, ErrDeletedAndPresent):
		return KindDeletedPresent
	case errors.As(err, &p):
		return p.Kind
	}
	return kindUnrenderable
}

// publishAttempts bounds the renders of one Publish: each one after the
// first has left out every item the previous check found fault with.
const publishAttempts = 3

// Publish renders f in format fm within b, as WriteBudget does, and is the
// publish gate: the document is checked with Validate before anything
// reaches w. Unlike Write and WriteBudget, one bad item never fails the
// document. An item or tombstone that cannot be rendered (no GUID, no usable
// date, no content), or whose rendering Validate finds fault with, is left
// out and the rest is rendered; BudgetResult.Skipped says which and why.
//
// An error means the document is wrong as a whole: its metadata, or a fault
// that no single item explains (a *ValidationError, ErrOverBudget...).
//
// A clean feed costs one render and one Validate, as WriteBudget followed by
// ValidateErr would. Only a failed check renders again, and only a problem
// Validate cannot pin on an item (say, the document is not well-formed)
// renders each item on its own to find the ones at fault.
func Publish(w io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, error) {
	if fm.Extension() == "" {
		return BudgetResult{}, fmt.Errorf("publish feed: %w %d", ErrUnknownFormat, int(fm))
	}
	d, err := prepareDoc(f, true)
	if err != nil {
		return BudgetResult{}, fmt.Errorf("publish %s: %w", fm, err)
	}
	out := newRenderBuffer(w)
	b = b.withDefaults()
	for attempt := 1; ; attempt++ {
		res, modes, err := d.renderBudget(out, fm, b)
		var problems []Problem
		if err == nil {
			v := &validator{}
			v.run(out.bytes())
			if len(v.problems) == 0 {
				res.Skipped = d.skipped
				return out.keep(res)
			}
			problems = v.problems
			err = &ValidationError{Problems: problems}
			out.reset()
		}
		var bad map[int]Problem
		if attempt < publishAttempts && !errors.Is(err, ErrOverBudget) {
			bad = d.faulty(problems, d.rendered(modes), fm)
		}
		if len(bad) == 0 {
			return out.fail(fmt.Errorf("publish %s: %w", fm, err))
		}
		d.drop(func(i int) error {
			if p, ok := bad[i]; ok {
				return p
			}
			return nil
		})
		if f.Updated.IsZero() {
			d.derive(f.Created) // an item left out does not date the feed
		}
	}
}

// rendered lists the items a render with these modes wrote, by their
// index in d.items, in document order.
func (d *doc) rendered(modes []itemMode) []int {
	idx := make([]int, 0, len(d.items))
	for i := range d.items {
		if modes == nil || modes[i] != modeDrop {
			idx = append(idx, i)
		}
	}
	return idx
}

// faulty returns the items (by index in d.items) that problems, found in a
// document that rendered the items idx in that order, are about. A problem
// Validate pins on an item is that item's. Any other (or a failed render,
// problems nil) is looked for in each item on its own, once the document
// without items is known to be clean; if it is not, the document is wrong
// as a whole and faulty returns nil.
func (d *doc) faulty(problems []Problem, idx []int, fm Format) map[int]Problem {
	bad := make(map[int]Problem)
	whole := len(problems) == 0
	for _, p := range problems {
		if p.Item > 0 && p.Item <= len(idx) && p.ID != "" && p.ID == d.items[idx[p.Item-1]].GUID {
			if _, seen := bad[idx[p.Item-1]]; !seen {
				bad[idx[p.Item-1]] = p
			}
			continue
		}
		whole = true
	}
	if !whole {
		return bad
	}
	if d.only().check(fm) != nil {
		return nil // wrong without any item
	}
	for _, i := range idx {
		if _, seen := bad[i]; seen {
			continue
		}
		if p := d.only(i).check(fm); p != nil {
			bad[i] = *p
		}
	}
	return bad
}

// only returns d with just the items idx (indexes in d.items).
func (d *doc) only(idx ...int) *doc {
	out := *d
	out.items = make([]Article, len(idx))
	out.excerpts = make([]string, len(idx))
	out.index = make([]int, len(idx))
	for j, i := range idx {
		out.items[j], out.excerpts[j], out.index[j] = d.items[i], d.excerpts[i], d.index[i]
	}
	return &out
}

// check renders d in full and returns the first problem Validate finds in
// it, or one that says why it could not be rendered; nil when it is clean.
func (d *doc) check(fm Format) *Problem {
	var buf bytes.Buffer
	if err := d.write(&buf, fm); err != nil {
		return &Problem{Kind: kindUnrenderable, Msg: err.Error()}
	}
	if ps := Validate(buf.Bytes()); len(ps) > 0 {
		return &ps[0]
	}
	return nil
}

// drop removes the items reason returns an error for, recording each in
// d.skipped. It reuses d's slices: call it on a doc of one's own.
func (d *doc) drop(reason func(i int) error) {
	n := 0
	for i := range d.items {
		if err := reason(i); err != nil {
			d.skip(d.index[i], d.items[i].GUID, err)
			continue
		}
		d.items[n], d.excerpts[n], d.index[n] = d.items[i], d.excerpts[i], d.index[i]
		n++
	}
	d.items, d.excerpts, d.index = d.items[:n], d.excerpts[:n], d.index[:n]
}
