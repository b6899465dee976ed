package server

import (
	"context"
	"fmt"
	"slices"

	"github.com/newswire/newswire/feeds"
)

// feedPage is a feed document in the making: its entries, in document order,
// and how its paging link (a pull's next, a current feed's or an archive
// page's prev-archive) continues after any of them. A document the byte
// budget cuts (feeds.BudgetResult.Overflow) is made again with only the
// entries before the first item it left out, so that its link continues
// right after the last item it carries and the next page begins with the
// ones it did not: a link fixed before the render would skip them.
type feedPage struct {
	f       *feeds.Feed
	links   []feeds.Link      // f's links but the paging one
	deleted []feeds.Tombstone // f's tombstones that are not entries: a current feed's recent withdrawals
	entries []pageEntry
	// more says that entries follow the last one read (the page was read
	// full): the link continues after it too.
	more bool
	// rel is the paging link's relation; "" for a feed without paging
	// (search), which the budget only shortens.
	rel string
	// after returns the URL that continues after entries[i]; "" for none.
	after func(ctx context.Context, i int) (string, error)

	end   int          // the document carries entries[:end]
	left  map[int]bool // entries left out: too large for any page on its own
	items []int        // each item of f.Items: its entry
}

// pageEntry is an article, or (in a pull) a withdrawal.
type pageEntry struct {
	article *feeds.Article
	tomb    *feeds.Tombstone
}

// maxPageRenders bounds the renders of one document while it is cut to
// its budget. Past it, an entry too large for any page ends the page
// instead of the page going on with the entries after it: each further
// render still makes progress, so the cutting ends.
const maxPageRenders = 16

// cut makes p.f carry entries[:p.end] but those left out, and the paging
// link that continues after them.
func (p *feedPage) cut(ctx context.Context) error {
	f := p.f
	f.Items, f.Deleted, p.items = nil, slices.Clip(p.deleted), p.items[:0]
	for i, e := range p.entries[:p.end] {
		switch {
		case p.left[i]:
		case e.article != nil:
			f.Items = append(f.Items, e.article)
			p.items = append(p.items, i)
		default:
			f.Deleted = append(f.Deleted, *e.tomb)
		}
	}
	f.Links = slices.Clip(p.links)
	if p.after == nil || p.end == 0 || p.end == len(p.entries) && !p.more {
		return nil
	}
	href, err := p.after(ctx, p.end-1)
	if err != nil {
		return err
	}
	if href != "" {
		f.Links = append(f.Links, feeds.Link{Rel: p.rel, Href: href})
	}
	return nil
}

// publish renders p's document with publish, as many times as it takes
// for everything the document leaves out to the budget to be left to its
// next page. It returns the last render's result, and the entries left
// out of the walk altogether (too large for any page), for the caller to
// report. publish must start its output afresh on each call.
func (p *feedPage) publish(ctx context.Context, publish func(*feeds.Feed) (feeds.BudgetResult, error)) (feeds.BudgetResult, []feeds.ItemError, error) {
	var left []feeds.ItemError
	probed := 0 // the end before a first item was tried alone; 0 when none is
	for renders := 1; ; renders++ {
		res, err := publish(p.f)
		if err != nil || res.Overflow == 0 || p.rel == "" {
			return res, left, err
		}
		first := p.items[len(p.items)-res.Overflow] // the first entry the budget left to the next page
		switch {
		case p.anyBefore(first):
			// The page has entries before it: the next page begins with it.
			p.end, probed = first, 0
		case p.end > first+1:
			// It did not fit first on the page: try it alone, without the
			// withdrawals after it, before giving up on it.
			p.end, probed = first+1, p.end
		default:
			// Alone it does not fit either: no page can carry it. Left out
			// of the walk; the page goes on after it.
			if p.left == nil {
				p.left = map[int]bool{}
			}
			p.left[first] = true
			a := p.entries[first].article
			left = append(left, feeds.ItemError{Index: len(p.items) - res.Overflow, GUID: a.GUID, Kind: kindTooLarge,
				Err: fmt.Errorf("larger than a page of the feed on its own: %w", feeds.ErrOverBudget)})
			if probed > 0 && renders < maxPageRenders {
				p.end = probed
			}
			probed = 0
		}
		if err := p.cut(ctx); err != nil {
			return feeds.BudgetResult{}, nil, err
		}
	}
}

// anyBefore reports whether the document has entries before entries[i]:
// then a page that ends before it still moves the walk on.
func (p *feedPage) anyBefore(i int) bool {
	for j := range i {
		if !p.left[j] {
			return true
		}
	}
	return false
}

// kindTooLarge is the reason given for an item no page can carry.
const kindTooLarge feeds.Kind = "too-large"
