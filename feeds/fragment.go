package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"io"
	"sync"
	"time"
)

// A Fragments cache keeps each item as rendered and validated on its own,
// one fragment per format and budget variant, so that documents that share
// items (a category feed, search feeds, every partner's ?since= pull) render
// and validate each item once and are assembled from the fragments:
//
//	document = frame before the items + fragment + fragment + ... + frame after
//
// A fragment is exactly the bytes the item has inside a full render (the
// encoders are stateless between items: gorilla's mapping is per item, and
// encoding/xml and encoding/json write an item the same alone or in the
// document), so an assembled document is byte for byte what Publish renders.
//
// The gate stays: a fragment is cached only after Validate found nothing
// wrong with it inside a known-good envelope (one item, exactly, whose id is
// kept); the frame (metadata, links, tombstones: everything but the items)
// is validated in full for each document; and the assembly is checked: the
// items' ids, as gofeed read them, unique and withdrawn by no tombstone, and
// the frame split where the items go. Well-formedness of the whole follows:
// a well-formed frame with one well-formed element spliced between sibling
// elements is well-formed.
//
// Keys are a 128-bit digest of everything that changes a fragment's bytes:
// the item as prepared (every field, so its version, base URL, language),
// its excerpt, the labels of its categories, the format and the variant
// (full or summary). An edited article gets a new key; no invalidation is
// needed, and the cache's byte bound evicts what is no longer asked for.
// One cache per process: it only ever holds what this process validated.
type Fragments struct {
	mu       sync.Mutex
	entries  map[fragKey]*fragment
	size     int64
	maxBytes int64
	seeds    [2]maphash.Seed
}

// NewFragments returns a fragment cache holding at most maxBytes of
// fragments; 0 or less means DefaultFragmentBytes.
func NewFragments(maxBytes int64) *Fragments {
	if maxBytes <= 0 {
		maxBytes = DefaultFragmentBytes
	}
	return &Fragments{
		entries:  make(map[fragKey]*fragment),
		maxBytes: maxBytes,
		seeds:    [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
}

// DefaultFragmentBytes bounds a Fragments cache by default: about 10,000
// items of 3 KB (1 KB compressed) in one format.
const DefaultFragmentBytes = 12 << 20

type fragKey struct {
	fm     Format
	mode   itemMode
	digest [2]uint64
}

// fragment is one validated item. problem is set instead of gz for an item
// that failed validation, so that it is not validated again each time.
//
// Only the compressed bytes are kept: about a third of the plain ones, so
// an item takes about a quarter of what plain and compressed together took.
// A gzipped document needs nothing else (its CRC-32 is combined from the
// fragments'); a plain one inflates them (inflateTo), about three times
// the cost of copying them (BENCHMARKS.md), paid only by documents rendered
// plain: the current feeds, once per change.
type fragment struct {
	gz      []byte // raw DEFLATE of the item's bytes, flushed to a byte boundary, not final
	n       int    // the item's bytes as in the document (with its leading newline, XML)
	crc     uint32 // their CRC-32 (IEEE)
	id      string // the item's id as gofeed reads it back
	problem *Problem
}

func (fr *fragment) size() int64 { return int64(len(fr.gz)+len(fr.id)) + 80 }

// Len returns how many fragments the cache holds.
func (c *Fragments) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Bytes returns the size of the fragments the cache holds.
func (c *Fragments) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

func (c *Fragments) get(k fragKey) *fragment {
	c.mu.Lock()
	fr := c.entries[k]
	c.mu.Unlock()
	return fr
}

// drop forgets fr wherever the cache holds it.
func (c *Fragments) drop(fr *fragment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if e == fr {
			delete(c.entries, k)
			c.size -= e.size()
		}
	}
}

func (c *Fragments) put(k fragKey, fr *fragment) {
	n := fr.size()
	if n > c.maxBytes/4 {
		return // one huge item must not empty the cache
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[k]; ok {
		c.size -= old.size()
	}
	// Forget arbitrary fragments until this one fits: map order is random
	// enough, and an item evicted by mistake is only rendered again.
	for old, e := range c.entries {
		if c.size+n <= c.maxBytes {
			break
		}
		delete(c.entries, old)
		c.size -= e.size()
	}
	c.entries[k] = fr
	c.size += n
}

// key digests everything that makes item i's bytes in format fm and mode m.
func (c *Fragments) key(d *doc, i int, fm Format, m itemMode) fragKey {
	k := fragKey{fm: fm, mode: m}
	for j, seed := range c.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		a := &d.items[i]
		var n [8]byte
		num := func(x int64) {
			putUint64(n[:], uint64(x))
			_, _ = h.Write(n[:])
		}
		str := func(s string) { // length-prefixed: no two field lists run together alike
			num(int64(len(s)))
			_, _ = h.WriteString(s)
		}
		str(a.GUID)
		str(a.Title)
		str(a.Summary)
		str(a.ContentHTML)
		str(a.URL)
		str(a.Language)
		str(d.excerpts[i])
		num(a.Published.Unix())
		num(a.Updated.Unix())
		num(int64(len(a.Authors)))
		for _, p := range a.Authors {
			str(p.Name)
			str(p.Email)
			str(p.URL)
		}
		num(int64(len(a.Categories)))
		for _, cat := range a.Categories {
			str(cat)
			str(d.labels[cat])
		}
		if a.Image != nil {
			str(a.Image.URL)
			str(a.Image.Type)
			num(a.Image.Length)
		} else {
			str("\x00no image")
		}
		num(int64(len(a.Related)))
		for _, r := range a.Related {
			str(r.Title)
			str(r.URL)
		}
		num(int64(len(a.Sources)))
		for _, s := range a.Sources {
			str(s.Name)
			str(s.FeedURL)
			str(s.Link)
		}
		k.digest[j] = h.Sum64()
	}
	return k
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// Publish is the package-level Publish, assembled from validated fragments:
// the same bytes, the same BudgetResult, the same items left out for the
// same kinds of fault. Only what is not cached yet is rendered and validated.
func (c *Fragments) Publish(w io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, error) {
	res, _, err := c.publish(w, nil, f, fm, b)
	return res, err
}

// PublishGzip is Publish that also writes the document gzipped to gz, its
// compression shared as well: each fragment is compressed once, when it is
// cached, and the frame goes in stored (uncompressed) blocks, so a document
// costs only a CRC-32 over its frame to compress. The stream is one gzip
// member that any gzip reader takes. w may be nil: then only the gzipped
// document is made, and the plain one costs nothing (BudgetResult.Bytes
// still gives its size).
func (c *Fragments) PublishGzip(w, gz io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, error) {
	res, _, err := c.publish(w, gz, f, fm, b)
	return res, err
}

// asm is an assembled document: the frame around the items' fragments.
type asm struct {
	c      *Fragments // where frags are cached: one that fails to inflate is dropped
	fm     Format
	prefix []byte
	suffix []byte
	frags  []*fragment
}

func (c *Fragments) publish(w, gz io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, *asm, error) {
	if fm.Extension() == "" {
		return BudgetResult{}, nil, fmt.Errorf("publish feed: %w %d", ErrUnknownFormat, int(fm))
	}
	d, err := prepareDoc(f, true)
	if err != nil {
		return BudgetResult{}, nil, fmt.Errorf("publish %s: %w", fm, err)
	}
	b = b.withDefaults()

	full, err := c.fragments(d, fm, modeFull, nil)
	if err != nil {
		return BudgetResult{}, nil, fmt.Errorf("publish %s: %w", fm, err)
	}
	full = d.dropFaulty(full, nil)
	if f.Updated.IsZero() {
		d.derive(f.Created) // an item left out does not date the feed
	}

	// The frame: checked in full, once per document.
	prefix, suffix, tombRefs, err := d.checkedFrame(fm, d.needsFeedAuthor(nil))
	if err != nil {
		return BudgetResult{}, nil, err
	}
	// Assembly: ids as gofeed reads them unique and not withdrawn; the
	// first item with an id keeps it.
	seen := make(map[string]bool, len(full))
	dup := func(i int) *Problem {
		id := full[i].id
		switch {
		case tombRefs[id]:
			return &Problem{Kind: KindDeletedPresent, Item: i + 1, ID: id, Msg: "withdrawn by a tombstone but still an item"}
		case seen[id]:
			return &Problem{Kind: KindDuplicateID, Item: i + 1, ID: id, Msg: "id also used by an earlier item"}
		}
		seen[id] = true
		return nil
	}
	var bad map[int]Problem
	for i := range full {
		if p := dup(i); p != nil {
			if bad == nil {
				bad = map[int]Problem{}
			}
			bad[i] = *p
		}
	}
	if bad != nil {
		full = d.dropFaulty(full, bad)
		if f.Updated.IsZero() {
			d.derive(f.Created)
		}
		if prefix, suffix, _, err = d.checkedFrame(fm, d.needsFeedAuthor(nil)); err != nil {
			return BudgetResult{}, nil, err
		}
	}

	modes, full, res, err := c.plan(d, fm, b, full, len(prefix)+len(suffix))
	if err != nil {
		return BudgetResult{}, nil, err
	}
	if modes != nil {
		if prefix, suffix, _, err = d.checkedFrame(fm, d.needsFeedAuthor(modes)); err != nil {
			return BudgetResult{}, nil, err
		}
	}
	a := &asm{c: c, fm: fm, prefix: prefix, suffix: suffix, frags: full}
	if modes != nil {
		a.frags = make([]*fragment, 0, res.Items)
		short, err := c.fragments(d, fm, modeSummary, modes)
		if err != nil {
			return BudgetResult{}, nil, fmt.Errorf("publish %s: %w", fm, err)
		}
		for i, m := range modes {
			switch m {
			case modeFull:
				a.frags = append(a.frags, full[i])
			case modeSummary:
				a.frags = append(a.frags, short[i])
			}
		}
	}
	res.Skipped = d.skipped
	res.Updated = d.updated
	res.Bytes = a.size()
	if w != nil {
		if err := a.writeTo(w); err != nil {
			return BudgetResult{}, nil, fmt.Errorf("write feed: %w", err)
		}
	}
	if gz != nil {
		if err := a.writeGzip(gz); err != nil {
			return BudgetResult{}, nil, fmt.Errorf("write feed gzip: %w", err)
		}
	}
	return res, a, nil
}

// plan decides each item's mode within b, as WriteBudget does, from the
// fragments' exact sizes; modes nil means every item in full. Summary
// fragments are rendered only when the full ones do not fit; an item whose
// summary fails validation is left out (recorded in d.skipped) and the plan
// made again without it. It returns the fragments of the items kept.
func (c *Fragments) plan(d *doc, fm Format, b Budget, full []*fragment, frame int) ([]itemMode, []*fragment, BudgetResult, error) {
	sep := 0
	if fm == FormatJSON {
		sep = 1
	}
	n := len(full)
	total, fits := frame, b.MaxItems == 0 || n <= b.MaxItems
	for i, fr := range full {
		if i > 0 {
			total += sep
		}
		total += fr.n
		fits = fits && fr.n <= b.MaxItemBytes
	}
	if fits && total <= b.MaxBytes {
		return nil, full, BudgetResult{Items: n}, nil
	}
	for {
		sz := &itemSizes{frame: frame, sep: sep, full: make([]int, len(full)), short: make([]int, len(full))}
		for i, fr := range full {
			sz.full[i] = fr.n
		}
		short, err := c.fragments(d, fm, modeSummary, nil)
		if err != nil {
			return nil, nil, BudgetResult{}, fmt.Errorf("publish %s: %w", fm, err)
		}
		for i, fr := range short {
			if fr != nil && fr.problem == nil {
				sz.short[i] = fr.n
			}
		}
		p, err := sz.plan(b.MaxBytes, b.MaxItems, b.MaxItemBytes)
		if err != nil {
			return nil, nil, BudgetResult{}, fmt.Errorf("write %s: %d bytes without items, budget %d: %w", fm, frame, b.MaxBytes, err)
		}
		bad := map[int]Problem{}
		for i, m := range p.modes {
			if m == modeSummary && short[i].problem != nil {
				bad[i] = *short[i].problem
			}
		}
		if len(bad) == 0 {
			return p.modes, full, BudgetResult{Items: p.items, Summarized: p.summarized, Dropped: len(full) - p.items,
				Overflow: d.overflow(p.cut)}, nil
		}
		full = d.dropFaulty(full, bad)
	}
}

// dropFaulty leaves out of d the items whose fragment failed validation,
// and those in bad, recording each in d.skipped, and returns the
// fragments of the items kept.
func (d *doc) dropFaulty(frags []*fragment, bad map[int]Problem) []*fragment {
	kept := frags[:0:0]
	d.drop(func(i int) error {
		if p, ok := bad[i]; ok {
			return p
		}
		if frags[i].problem != nil {
			return *frags[i].problem
		}
		kept = append(kept, frags[i])
		return nil
	})
	return kept
}

// needsFeedAuthor reports whether an Atom feed of these items needs an
// author of its own (an entry without one); modes nil means all items.
func (d *doc) needsFeedAuthor(modes []itemMode) bool {
	for i := range d.items {
		if (modes == nil || modes[i] != modeDrop) && len(d.items[i].Authors) == 0 {
			return true
		}
	}
	return false
}

// fragments returns the validated fragment of each of d's items in mode m
// (nil for items modes drops, or that have no summary in modeSummary),
// rendering and validating those not cached.
func (c *Fragments) fragments(d *doc, fm Format, m itemMode, modes []itemMode) ([]*fragment, error) {
	out := make([]*fragment, len(d.items))
	keys := make([]fragKey, len(d.items))
	var missing []int
	for i := range d.items {
		if modes != nil && modes[i] != m {
			continue
		}
		if m == modeSummary && (d.items[i].ContentHTML == "" || d.excerpts[i] == "") {
			continue // nothing to summarise, or no text to do it with
		}
		keys[i] = c.key(d, i, fm, m)
		if out[i] = c.get(keys[i]); out[i] == nil {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	r := d.only(missing...)
	if m == modeSummary {
		for j := range r.items {
			r.items[j].ContentHTML = ""
			if fm != FormatJSON {
				r.items[j].ContentHTML = summaryHTML(&r.items[j], r.excerpts[j])
			}
		}
	}
	data, err := r.itemBytes(fm)
	if err != nil {
		return nil, err
	}
	for j, i := range missing {
		fr := checkFragment(fm, data[j], len(r.items[j].Authors) == 0)
		c.put(keys[i], fr)
		out[i] = fr
	}
	return out, nil
}

// itemBytes renders each of d's items as it appears in d's document, by
// the same mapping and encoder settings (see measure).
func (d *doc) itemBytes(fm Format) ([][]byte, error) {
	var buf bytes.Buffer
	ends := make([]int, len(d.items))
	var err error
	switch fm {
	case FormatRSS:
		items := d.rssDoc().Channel.Items
		enc := xml.NewEncoder(&buf)
		enc.Indent("    ", "  ") // <rss><channel><item>: depth 2
		for i, it := range items {
			buf.WriteByte('\n') // a fresh encoder writes none before its first element
			if err = enc.Encode(it); err != nil {
				break
			}
			ends[i] = buf.Len()
			enc = xml.NewEncoder(&buf)
			enc.Indent("    ", "  ")
		}
	case FormatAtom:
		entries := d.atomFeed().Entries
		enc := xml.NewEncoder(&buf)
		enc.Indent("  ", "  ") // <feed><entry>: depth 1
		for i, e := range entries {
			buf.WriteByte('\n')
			if err = enc.Encode(e); err != nil {
				break
			}
			ends[i] = buf.Len()
			enc = xml.NewEncoder(&buf)
			enc.Indent("  ", "  ")
		}
	case FormatJSON:
		items := d.jsonFeed().Items
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for i, it := range items {
			if err = enc.Encode(it); err != nil {
				break
			}
			buf.Truncate(buf.Len() - 1) // Encode's newline
			ends[i] = buf.Len()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("render %s items: %w", fm, err)
	}
	all := buf.Bytes()
	out := make([][]byte, len(ends))
	start := 0
	for i, end := range ends {
		out[i] = bytes.Clone(all[start:end]) // exact size: cached for long
		start = end
	}
	return out, nil
}

// Where the items go in a frame rendered without any: before these closing tags.
var frameTails = map[Format]string{
	FormatRSS:  "\n  </channel>\n</rss>",
	FormatAtom: "\n</feed>",
	FormatJSON: "]}\n",
}

// frame renders d without its items, with a feed-level author for Atom
// when author is set, split where the items go.
func (d *doc) frame(fm Format, author bool) (prefix, suffix []byte, err error) {
	e := *d
	e.items, e.excerpts, e.index = nil, nil, nil
	e.feedAuthor = author
	var buf bytes.Buffer
	if err := e.write(&buf, fm); err != nil {
		return nil, nil, err
	}
	tail := frameTails[fm]
	data := buf.Bytes()
	if !bytes.HasSuffix(data, []byte(tail)) {
		return nil, nil, fmt.Errorf("render %s: frame does not end in %q", fm, tail)
	}
	cut := len(data) - len(tail)
	return data[:cut], data[cut:], nil
}

// checkedFrame is frame, validated in full: a problem here is the
// document's as a whole. It returns the tombstone refs as gofeed reads them.
func (d *doc) checkedFrame(fm Format, author bool) (prefix, suffix []byte, tombRefs map[string]bool, err error) {
	prefix, suffix, err = d.frame(fm, author)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("publish %s: %w", fm, err)
	}
	v := &validator{}
	v.run(joinBytes(prefix, nil, suffix))
	if len(v.problems) > 0 {
		return nil, nil, nil, fmt.Errorf("publish %s: %w", fm, &ValidationError{Problems: v.problems})
	}
	tombRefs = make(map[string]bool, len(v.tombRefs))
	for _, r := range v.tombRefs {
		tombRefs[r] = true
	}
	return prefix, suffix, tombRefs, nil
}

func joinBytes(a, b, c []byte) []byte {
	out := make([]byte, 0, len(a)+len(b)+len(c))
	return append(append(append(out, a...), b...), c...)
}

// envelope is a known-good frame a fragment is validated in: a feed of no
// items with valid metadata, with a feed author or without.
type envelope struct{ prefix, suffix []byte }

var (
	envelopesOnce sync.Once
	envelopes     map[envelopeKey]envelope
)

type envelopeKey struct {
	fm     Format
	author bool
}

func envelopeFor(fm Format, author bool) envelope {
	envelopesOnce.Do(func() {
		envelopes = make(map[envelopeKey]envelope)
		f := &Feed{
			ID: "tag:fragment.invalid,2000:feed", Title: "fragment", Description: "fragment",
			Link: "https://fragment.invalid/", SelfURL: "https://fragment.invalid/feed",
			Updated: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		}
		d, err := prepare(f)
		if err != nil {
			panic(fmt.Sprintf("fragment envelope: %v", err))
		}
		for _, fm := range AllFormats() {
			for _, author := range []bool{false, true} {
				p, s, err := d.frame(fm, author)
				if err != nil {
					panic(fmt.Sprintf("fragment envelope: %v", err))
				}
				envelopes[envelopeKey{fm, author}] = envelope{p, s}
			}
		}
	})
	return envelopes[envelopeKey{fm, author}]
}

// checkFragment validates one item's bytes inside the envelope: the full
// Validate, which must find exactly one item and nothing wrong.
func checkFragment(fm Format, data []byte, anonymous bool) *fragment {
	env := envelopeFor(fm, anonymous)
	v := &validator{}
	v.run(joinBytes(env.prefix, data, env.suffix))
	fr := &fragment{}
	switch {
	case len(v.problems) > 0:
		p := v.problems[0]
		p.Line = 0 // a line of the envelope means nothing in the document
		fr.problem = &p
	case v.nItems != 1 || len(v.ids) != 1:
		fr.problem = &Problem{Kind: KindNotWellFormed, Msg: fmt.Sprintf("an item renders as %d items", v.nItems)}
	default:
		fr.id, fr.n, fr.crc = v.ids[0], len(data), crc32.ChecksumIEEE(data)
		fr.gz = deflateFragment(data)
	}
	return fr
}

// size is the assembled document's size in bytes.
func (a *asm) size() int {
	n := len(a.prefix) + len(a.suffix)
	if a.fm == FormatJSON {
		n += max(len(a.frags)-1, 0) // the commas
	}
	for _, fr := range a.frags {
		n += fr.n
	}
	return n
}

// writeTo writes the assembled document to w, inflating each fragment.
func (a *asm) writeTo(w io.Writer) error {
	n := a.size()
	buf, direct := w.(*bytes.Buffer)
	if !direct {
		buf = &bytes.Buffer{}
	}
	buf.Grow(n)
	out := buf.AvailableBuffer()
	out = append(out, a.prefix...)
	for i, fr := range a.frags {
		if i > 0 && a.fm == FormatJSON {
			out = append(out, ',')
		}
		var err error
		if out, err = fr.inflateTo(out); err != nil {
			a.c.drop(fr) // rendered afresh next time, not failed again
			return err
		}
	}
	out = append(out, a.suffix...)
	buf.Write(out) // onto itself: out is buf's spare capacity
	if !direct {
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}
