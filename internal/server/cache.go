package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"maps"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sync/semaphore"
)

// rendered is one feed document ready to serve: its bytes gzipped, and plain
// unless it is kept gzipped only, with validators computed once. Header values are pre-built slices so a
// cache hit assigns them without allocating.
type rendered struct {
	// body is nil for a document assembled gzipped (a pull, a search
	// feed, an archive page: cacheKey.assembled): made for a request or a few, mostly from
	// clients that take gzip, it keeps only its compressed bytes, and a
	// client that does not take gzip gets them inflated (writePlain).
	body, gzipped       []byte
	etag, gzipETag      string
	modified            time.Time // newest item's update; Last-Modified (zero: none)
	hdrType             []string
	hdrETag, hdrGzETag  []string
	hdrModified         []string
	hdrLength, hdrGzLen []string
	hdrLink             []string // WebSub discovery: rel="hub" and rel="self"
	hdrSurrogate        []string // Surrogate-Key: CDN purge keys, space-separated
	hdrCacheTag         []string // Cache-Tag: the same keys, comma-separated
}

// newRendered compresses body whole at the default level: for documents
// rendered once per change and served many times. The ETag is a digest of
// body.
func newRendered(body []byte, contentType string, modified time.Time) *rendered {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(body)
	_ = zw.Close()
	sum := sha256.Sum256(body)
	// Exact-size copies: a cached document must not pin a buffer's spare
	// capacity (up to twice its size) for as long as it lives.
	return newRenderedSum(bytes.Clone(body), len(body), bytes.Clone(buf.Bytes()), sum, contentType, modified)
}

// newRenderedGzip is a document of size bytes kept gzipped only (assembled
// from compressed fragments, see feeds.Fragments.PublishGzip). Its ETag is
// a digest of the gzipped bytes: the plain ones are a function of them, so
// it changes whenever either does, and it costs a third of the plain
// bytes' digest.
func newRenderedGzip(gzipped []byte, size int, contentType string, modified time.Time) *rendered {
	return newRenderedSum(nil, size, bytes.Clone(gzipped), sha256.Sum256(gzipped), contentType, modified)
}

func newRenderedSum(body []byte, size int, gzipped []byte, sum [32]byte, contentType string, modified time.Time) *rendered {
	tag := hex.EncodeToString(sum[:16])
	if !modified.IsZero() {
		modified = modified.UTC().Truncate(time.Second)
		if y := modified.Year(); y < 1 || y > 9999 {
			modified = time.Time{} // an HTTP date has a four-digit year: no Last-Modified
		}
	}
	r := &rendered{
		body:     body,
		gzipped:  gzipped,
		etag:     `"` + tag + `"`,
		gzipETag: `"` + tag + `-gz"`, // strong ETags differ per encoding
		modified: modified,
		hdrType:  []string{contentType},
	}
	r.hdrETag = []string{r.etag}
	r.hdrGzETag = []string{r.gzipETag}
	if !modified.IsZero() {
		r.hdrModified = []string{modified.Format(timeFormatHTTP)}
	}
	r.hdrLength = []string{itoa(size)}
	r.hdrGzLen = []string{itoa(len(r.gzipped))}
	return r
}

var gunzippers sync.Pool // of *gzip.Reader

// gzipHeaderOnly is an empty gzip member's header: what a pooled reader is
// left reading.
var gzipHeaderOnly = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// plain returns the document's plain bytes, inflating them when only the
// gzipped ones are kept.
func (r *rendered) plain() ([]byte, error) {
	if r.body != nil {
		return r.body, nil
	}
	var buf bytes.Buffer
	if err := r.writePlain(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writePlain writes the document's plain bytes to w: body, or the gzipped
// bytes inflated on the way (a pooled reader; no copy of the document).
func (r *rendered) writePlain(w io.Writer) error {
	if r.body != nil {
		_, err := w.Write(r.body)
		return err
	}
	src := bytes.NewReader(r.gzipped)
	zr, _ := gunzippers.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(src)
	} else {
		err = zr.Reset(src)
	}
	if err != nil {
		return fmt.Errorf("inflate document: %w", err)
	}
	_, err = io.Copy(w, zr)
	_ = zr.Reset(bytes.NewReader(gzipHeaderOnly)) // the pool must not keep the document alive
	gunzippers.Put(zr)
	if err != nil {
		return fmt.Errorf("inflate document: %w", err)
	}
	return nil
}

const timeFormatHTTP = "Mon, 02 Jan 2006 15:04:05 GMT"

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// maxVariants and maxVariantBytes bound the cached archive pages, ?since=
// pulls and search feeds, whose keys are unbounded: partners that have
// caught up share the newest cursor, so a small cache serves most pulls.
// The bytes are what the entries hold in memory (variantCost), not only
// their bodies.
const (
	maxVariants     = 1024
	maxVariantBytes = 16 << 20
)

// cacheKey names one rendered document. dep is the version key it depends
// on: a category slug, or "" for documents that change with anything.
type cacheKey struct {
	dep     string
	name    string // "politics.rss", "index"
	limit   int
	variant string // "before=…" or "since=…": archive pages and pulls
}

type cacheEntry struct {
	r   *rendered
	ver int64 // version of dep when rendering started
}

// cache holds rendered documents and the category versions they were built
// from. It can always be rebuilt from the store: it is the only state the
// server keeps in memory.
type cache struct {
	mu              sync.RWMutex
	entries         map[cacheKey]cacheEntry
	lastGood        map[cacheKey]goodEntry // survives invalidation: served when a render fails validation
	versions        map[string]int64
	known           bool  // versions has been read at least once
	variants        int   // entries with a variant
	variantBytes    int64 // the memory they hold: variantCost of each
	maxVariants     int
	maxVariantBytes int64
	// askedOnce holds the hashes of variants asked for once and not kept:
	// a variant is kept when it is asked for again (admitOnce). Hashes,
	// as a cursor or query may be long; cleared when it reaches
	// maxAskedOnce.
	askedOnce map[uint64]struct{}
	seed      maphash.Seed
	admitAll  bool // tests: keep variants from their first request
	pending   map[cacheKey]*call
	// joined, when set (by tests), is called as a request starts waiting
	// for a render in progress.
	joined func(cacheKey)

	// turns, when set, admits renders in the order their requests came
	// (semaphore.Weighted is FIFO). Without it every render of a busy
	// instance competes for the database pool's connections, which
	// database/sql hands to a waiter at random, several times per render:
	// the unlucky wait many turns, and that was the p99 of pulls.
	turns   *semaphore.Weighted
	waiting atomic.Int64  // renders waiting for a turn
	asked   atomic.Int64  // turns asked for since start (tests tell waits apart by it)
	onWait  func(float64) // when set: told of each change to waiting (a gauge)
}

// goodEntry is the newest valid render of a document and the version of
// its dependency it was rendered from.
type goodEntry struct {
	r   *rendered
	ver int64
}

type call struct {
	done chan struct{}
	ver  int64 // the version of the dependency the render started from
	r    *rendered
	err  error
	// wanted counts the requests waiting for this render (its starter and
	// those that joined it), under cache.mu. The wait for a turn ends
	// (abandon) only when none is left: one that leaves does not take
	// the place in the queue from the others.
	wanted  int
	abandon context.CancelFunc
}

// leave is a request no longer waiting for p: the last one abandons the
// wait for a turn.
func (c *cache) leave(p *call) {
	c.mu.Lock()
	p.wanted--
	last := p.wanted == 0
	c.mu.Unlock()
	if last {
		p.abandon()
	}
}

func newCache() *cache {
	return &cache{
		entries:  make(map[cacheKey]cacheEntry),
		lastGood: make(map[cacheKey]goodEntry),
		versions: make(map[string]int64),
		pending:  make(map[cacheKey]*call),

		maxVariants:     maxVariants,
		maxVariantBytes: maxVariantBytes,
		askedOnce:       make(map[uint64]struct{}),
		seed:            maphash.MakeSeed(),
	}
}

// maxAskedOnce bounds askedOnce (8 bytes a variant, and the map's slots),
// cleared all at once when full.
const maxAskedOnce = 4 * maxVariants

// admitOnce reports whether variant k, just rendered, is to be kept: only
// from its second request. Partners that have caught up ask for the same
// newest cursor again and again, and a search or archive page that is read
// is read again; a partner's own position is asked for once. Kept on its
// first request, every distinct cursor would push out what is asked for
// again, and keep the cache's whole budget alive for the collector to
// scan. c.mu is held.
func (c *cache) admitOnce(k cacheKey) bool {
	if c.admitAll {
		return true
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	for _, s := range [...]string{k.dep, k.name, k.variant} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	sum := h.Sum64() ^ uint64(k.limit)
	if _, ok := c.askedOnce[sum]; ok {
		delete(c.askedOnce, sum)
		return true
	}
	if len(c.askedOnce) >= maxAskedOnce {
		clear(c.askedOnce)
	}
	c.askedOnce[sum] = struct{}{}
	return false
}

// size is the memory r holds: the allocations of both bodies, its header
// values and validators, and the struct itself. Values shared with other
// documents (the content type) are counted too: the bound errs high.
func (r *rendered) size() int64 {
	n := int64(unsafe.Sizeof(*r)) + allocSize(cap(r.body)) + allocSize(cap(r.gzipped)) +
		int64(len(r.etag)+len(r.gzipETag))
	for _, h := range [...][]string{r.hdrType, r.hdrETag, r.hdrGzETag, r.hdrModified, r.hdrLength,
		r.hdrGzLen, r.hdrLink, r.hdrSurrogate, r.hdrCacheTag} {
		n += int64(cap(h)) * int64(unsafe.Sizeof(""))
		for _, v := range h {
			n += int64(len(v))
		}
	}
	return n
}

// allocSize bounds the heap an allocation of n bytes takes: small ones are
// rounded up to a size class (at most an eighth more), large ones to whole
// 8 KB pages.
func allocSize(n int) int64 {
	if n <= 32<<10 {
		return int64(n + n/8)
	}
	return int64((n + 8<<10 - 1) &^ (8<<10 - 1))
}

// mapSlot is what one entry of c.entries takes in the map: key and value,
// twice over, as a map grown for more entries keeps that many slots.
const mapSlot = 2 * int64(unsafe.Sizeof(cacheKey{})+unsafe.Sizeof(cacheEntry{}))

// variantCost is the memory a variant entry holds: its document, its key's
// strings (a ?since= cursor or search query is the caller's) and its slot
// in the map.
func variantCost(k cacheKey, r *rendered) int64 {
	return r.size() + int64(len(k.dep)+len(k.name)+len(k.variant)) + mapSlot
}

// dropLocked removes k's entry, keeping the variant accounting; c.mu is held.
func (c *cache) dropLocked(k cacheKey) {
	e, ok := c.entries[k]
	if !ok {
		return
	}
	delete(c.entries, k)
	if k.variant != "" {
		c.variants--
		c.variantBytes -= variantCost(k, e.r)
	}
}

func (c *cache) get(k cacheKey) (*rendered, bool) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	return e.r, ok
}

// getAt returns k's entry if it was rendered from version ver.
func (c *cache) getAt(k cacheKey, ver int64) (*rendered, bool) {
	c.mu.RLock()
	e, ok := c.entries[k]
	c.mu.RUnlock()
	return e.r, ok && e.ver == ver
}

// versionsCopy returns the versions the watcher last saw.
func (c *cache) versionsCopy() map[string]int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return maps.Clone(c.versions)
}

// version returns the current version of dep as the watcher last saw it.
func (c *cache) version(dep string) int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.versions[dep]
}

// put stores r unless dep's version moved on while it was rendered: then it
// may hold stale items and is served once but not kept.
func (c *cache) put(k cacheKey, ver int64, r *rendered) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Unbounded keys keep no fallback: memory stays bounded. Renders of
	// the same document may overlap; an older one must not replace a newer.
	if g, ok := c.lastGood[k]; k.variant == "" && (!ok || ver >= g.ver) {
		c.lastGood[k] = goodEntry{r, ver}
	}
	if c.known && c.versions[k.dep] == ver {
		if k.variant != "" {
			if _, had := c.entries[k]; had {
				c.dropLocked(k)
			}
			cost := variantCost(k, r)
			if cost > c.maxVariantBytes {
				return // larger than the whole budget: served once, not kept
			}
			if !c.admitOnce(k) {
				return
			}
			// Forget arbitrary variants (and their last good versions)
			// until the new one fits.
			for old := range c.entries {
				if c.variants < c.maxVariants && c.variantBytes+cost <= c.maxVariantBytes {
					break
				}
				if old.variant != "" {
					c.dropLocked(old)
					delete(c.lastGood, old)
				}
			}
			c.variants++
			c.variantBytes += cost
		}
		c.entries[k] = cacheEntry{r: r, ver: ver}
	}
}

// documents counts the documents the cache can serve without the store.
func (c *cache) documents() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := len(c.lastGood)
	for k := range c.entries {
		if _, ok := c.lastGood[k]; !ok {
			n++
		}
	}
	return n
}

func (c *cache) good(k cacheKey) *rendered {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.lastGood[k].r
}

// setVersions records the store's versions and drops every entry built from
// an older one. It reports how many entries it dropped and which version
// keys changed since the previous call (none on the first).
func (c *cache) setVersions(v map[string]int64) (dropped int, changed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.entries {
		if v[k.dep] != e.ver {
			c.dropLocked(k)
			if k.variant != "" {
				delete(c.lastGood, k) // unbounded keys: keep none once stale
			}
			dropped++
		}
	}
	if c.known {
		for dep, ver := range v {
			if c.versions[dep] != ver {
				changed = append(changed, dep)
			}
		}
	}
	c.versions = v
	c.known = true
	return dropped, changed
}

// errRenderPanicked is what waiters of a render that panicked get.
var errRenderPanicked = errors.New("render failed")

// turn waits for a turn to render, counting the wait, and returns what
// gives it back. Every render made while serving takes one: a request's
// (do) and a WebSub publish's (TopicContent).
func (c *cache) turn(ctx context.Context) (release func(), err error) {
	if c.turns == nil { // not limited
		return func() {}, nil
	}
	c.asked.Add(1)
	c.waitCount(1)
	err = c.turns.Acquire(ctx, 1)
	c.waitCount(-1)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRenderAbandoned, err)
	}
	return func() { c.turns.Release(1) }, nil
}

func (c *cache) waitCount(d int64) {
	c.waiting.Add(d)
	if c.onWait != nil {
		c.onWait(float64(d))
	}
}

// errRenderAbandoned is a render that never started: every request that
// wanted it went away while it waited for its turn. A request that joined
// it just then starts its own.
var errRenderAbandoned = errors.New("render abandoned before it started")

// renderTimeout bounds one render. A render serves every request that
// missed the same document meanwhile, so it does not end when the request
// that started it does.
const renderTimeout = 30 * time.Second

// do renders k once however many requests miss it at the same time. The
// render runs under ctx's values but not its cancellation: one client
// hanging up must not fail the others waiting for the same document.
func (c *cache) do(ctx context.Context, k cacheKey, render func(ctx context.Context, ver int64) (*rendered, error)) (*rendered, error) {
	for {
		r, err := c.do1(ctx, k, render)
		if errors.Is(err, errRenderAbandoned) && ctx.Err() == nil {
			continue // a render abandoned as we joined it: run our own
		}
		return r, err
	}
}

func (c *cache) do1(ctx context.Context, k cacheKey, render func(ctx context.Context, ver int64) (*rendered, error)) (*rendered, error) {
	c.mu.Lock()
	if e, ok := c.entries[k]; ok {
		c.mu.Unlock()
		return e.r, nil
	}
	ver := c.versions[k.dep]
	// Join a render in progress only if it started from the current data:
	// one started before a change would hand a WebSub publish (and its
	// waiters) the old document.
	if p, ok := c.pending[k]; ok && p.ver == ver {
		p.wanted++
		c.mu.Unlock()
		if c.joined != nil {
			c.joined(k)
		}
		select {
		case <-p.done:
			return p.r, p.err
		case <-ctx.Done():
			c.leave(p)
			return nil, ctx.Err()
		}
	}
	// The turn is waited for under a context of its own, ended only when
	// every request that wants this render has left.
	waitCtx, abandon := context.WithCancel(context.WithoutCancel(ctx))
	defer abandon()
	p := &call{done: make(chan struct{}), ver: ver, wanted: 1, abandon: abandon}
	c.pending[k] = p
	c.mu.Unlock()

	defer func() {
		// Even if render panics, waiters are released and the next
		// request renders afresh.
		c.mu.Lock()
		if c.pending[k] == p {
			delete(c.pending, k)
		}
		c.mu.Unlock()
		close(p.done)
	}()
	// The wait for a turn ends when every request that wants the render
	// has gone: it then costs nothing. Until then the render keeps its
	// place in the queue, whoever of them is left.
	stop := context.AfterFunc(ctx, func() { c.leave(p) })
	release, err := c.turn(waitCtx)
	stop()
	if err != nil {
		p.err = err
		return nil, err
	}
	defer release()
	// renderTimeout bounds the render, not the wait for its turn.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renderTimeout)
	defer cancel()
	p.err = errRenderPanicked // replaced unless render panics
	p.r, p.err = render(rctx, ver)
	if p.err == nil {
		c.put(k, ver, p.r)
	}
	return p.r, p.err
}
