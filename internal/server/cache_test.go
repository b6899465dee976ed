package server

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// heldBytes counts, field by field through reflection, the memory the
// cache's variant entries reach: keys, documents, header values, slice
// capacity. It is independent of the cache's own accounting, so a field
// that accounting forgets still shows here.
func heldBytes(c *cache) int64 {
	var n int64
	for k, e := range c.entries {
		if k.variant != "" {
			n += reachable(reflect.ValueOf(k)) + reachable(reflect.ValueOf(e))
		}
	}
	return n
}

// reachable is v's own size plus what its pointers, slices and strings
// reach.
func reachable(v reflect.Value) int64 {
	n := int64(v.Type().Size())
	return n + beyond(v)
}

func beyond(v reflect.Value) int64 {
	switch v.Kind() {
	case reflect.String:
		return int64(v.Len())
	case reflect.Slice:
		n := int64(v.Cap()) * int64(v.Type().Elem().Size())
		for i := range v.Len() {
			n += beyond(v.Index(i))
		}
		return n
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return reachable(v.Elem())
	case reflect.Struct:
		var n int64
		for i := range v.NumField() {
			n += beyond(v.Field(i))
		}
		return n
	}
	return 0
}

// The variant budget counts what its entries hold, not only their bodies:
// long cursors in the keys, header values, the documents' structs. Many
// small pulls with long cursors (the partner controls the cursor) once
// held several times the budget.
func TestVariantCacheBudgetCountsWhatItHolds(t *testing.T) {
	for _, tc := range []struct {
		name        string
		cursor, doc int
	}{
		{"long cursors, small pages", 4000, 200},
		{"short cursors, small pages", 20, 300},
		{"pages", 20, 30_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache()
			c.admitAll = true // every put is kept: the budget is what is tested
			c.maxVariants, c.maxVariantBytes = 10_000, 200_000
			c.setVersions(map[string]int64{"": 1})
			for i := range 600 {
				r := newRendered([]byte(fmt.Sprintf("%d %s", i, strings.Repeat("y", tc.doc))), "application/feed+json", time.Unix(1e9, 0))
				r.hdrLink = []string{`<https://hub.example/>; rel="hub", <https://news.example/feeds/all.json>; rel="self"`}
				r.hdrSurrogate, r.hdrCacheTag = []string{"all politics world"}, []string{"all,politics,world"}
				k := cacheKey{name: "all.json", limit: 50, variant: fmt.Sprintf("since=c%d-%s", i, strings.Repeat("9", tc.cursor))}
				c.put(k, 1, r)
				if i%10 != 9 {
					continue // walking every entry after every put is slow
				}
				if held := heldBytes(c); held > c.maxVariantBytes {
					t.Fatalf("after %d pulls: %d entries hold %d bytes, budget %d (counted %d)",
						i+1, c.variants, held, c.maxVariantBytes, c.variantBytes)
				}
			}
			if c.variants < 2 {
				t.Errorf("only %d variants kept", c.variants)
			}
		})
	}
}

func TestVariantCacheIsBounded(t *testing.T) {
	c := newCache()
	c.admitAll = true
	c.maxVariants, c.maxVariantBytes = 5, 40_000
	c.setVersions(map[string]int64{"": 1})
	doc := func(i int) *rendered {
		return newRendered([]byte(fmt.Sprintf("%d %s", i, strings.Repeat("x", 10_000))), "text/plain", time.Time{})
	}
	for i := range 50 {
		c.put(cacheKey{name: "all.rss", variant: fmt.Sprint("since=", i)}, 1, doc(i))
		if c.variants > c.maxVariants || c.variantBytes > c.maxVariantBytes {
			t.Fatalf("after %d puts: %d variants, %d bytes", i+1, c.variants, c.variantBytes)
		}
	}
	if c.variants == 0 {
		t.Fatal("nothing cached")
	}
	if len(c.lastGood) != 0 {
		t.Errorf("variants left %d last-good versions behind", len(c.lastGood))
	}
	// A change drops them all and the accounting returns to zero.
	c.put(cacheKey{name: "all.rss"}, 1, doc(0))
	c.setVersions(map[string]int64{"": 2})
	if c.variants != 0 || c.variantBytes != 0 || len(c.entries) != 0 {
		t.Errorf("after invalidation: %d variants, %d bytes, %d entries", c.variants, c.variantBytes, len(c.entries))
	}
	// Allocation size classes round up a little; a buffer's growth doubles.
	if r := doc(1); cap(r.body) > len(r.body)*9/8+64 || cap(r.gzipped) > len(r.gzipped)*9/8+64 {
		t.Error("rendered documents keep spare capacity")
	}
}

// A render that started before a change is not joined after it: a WebSub
// publish right after a save would otherwise get (and send) the old feed.
func TestNoJoiningARenderOfOldData(t *testing.T) {
	c := newCache()
	c.setVersions(map[string]int64{"politics": 1})
	k := cacheKey{dep: "politics", name: "politics.rss"}
	started, release := make(chan struct{}), make(chan struct{})
	oldDone := make(chan *rendered)
	go func() {
		r, _ := c.do(context.Background(), k, func(context.Context, int64) (*rendered, error) {
			close(started)
			<-release
			return newRendered([]byte("old"), "text/plain", time.Time{}), nil
		})
		oldDone <- r
	}()
	<-started
	c.setVersions(map[string]int64{"politics": 2})
	newDone := make(chan *rendered, 1)
	go func() {
		r, _ := c.do(context.Background(), k, func(_ context.Context, ver int64) (*rendered, error) {
			if ver != 2 {
				t.Errorf("rendering from version %d", ver)
			}
			return newRendered([]byte("new"), "text/plain", time.Time{}), nil
		})
		newDone <- r
	}()
	select {
	case r := <-newDone:
		if string(r.body) != "new" {
			t.Errorf("after the change: %q", r.body)
		}
	case <-time.After(time.Minute): // a bound on a hang, not a timing assertion
		close(release)
		t.Fatal("the request after the change joined the render of the old data")
	}
	close(release)
	if old := <-oldDone; string(old.body) != "old" {
		t.Errorf("the first render's own request got %q", old.body)
	}
	if got, ok := c.get(k); !ok || string(got.body) != "new" {
		t.Errorf("cached %q", got.body)
	}
}

// Of two overlapping renders, the older finishing last does not become the
// fallback kept for a failed validation.
func TestLastGoodKeepsTheNewestRender(t *testing.T) {
	c := newCache()
	c.setVersions(map[string]int64{"politics": 2})
	k := cacheKey{dep: "politics", name: "politics.rss"}
	c.put(k, 2, newRendered([]byte("new"), "text/plain", time.Time{}))
	c.put(k, 1, newRendered([]byte("old"), "text/plain", time.Time{}))
	if g := c.good(k); g == nil || string(g.body) != "new" {
		t.Errorf("last good = %q, want the newer render", g.body)
	}
}

// A render that panics leaves no pending entry behind: the next request
// renders afresh instead of waiting for ever.
func TestPanickingRenderIsNotWaitedFor(t *testing.T) {
	c := newCache()
	c.setVersions(map[string]int64{"politics": 1})
	k := cacheKey{dep: "politics", name: "politics.rss"}
	func() {
		defer func() { _ = recover() }()
		c.do(context.Background(), k, func(context.Context, int64) (*rendered, error) { panic("bad article") })
	}()
	done := make(chan *rendered, 1)
	go func() {
		r, _ := c.do(context.Background(), k, func(context.Context, int64) (*rendered, error) {
			return newRendered([]byte("ok"), "text/plain", time.Time{}), nil
		})
		done <- r
	}()
	select {
	case r := <-done:
		if string(r.body) != "ok" {
			t.Errorf("got %q", r.body)
		}
	case <-time.After(time.Minute): // a bound on a hang, not a timing assertion
		t.Fatal("the request after a panicked render waits for it")
	}
}

// A variant is kept from its second request: partners polling each from
// its own cursor fill nothing, and a pull, search or page asked for again
// is kept. What remembers the first requests stays bounded.
func TestVariantsAreKeptFromTheirSecondRequest(t *testing.T) {
	c := newCache()
	c.setVersions(map[string]int64{"": 1})
	doc := newRendered([]byte("<rss/>"), "application/rss+xml", time.Time{})
	for i := range 3 * maxAskedOnce {
		c.put(cacheKey{name: "all.rss", limit: 50, variant: fmt.Sprint("since=c1-", i)}, 1, doc)
	}
	if c.variants != 0 || len(c.askedOnce) > maxAskedOnce {
		t.Errorf("distinct cursors: %d kept, %d remembered (at most %d)", c.variants, len(c.askedOnce), maxAskedOnce)
	}
	newest := cacheKey{name: "all.rss", limit: 50, variant: "since=c9-9"}
	c.put(newest, 1, doc)
	if _, ok := c.get(newest); ok {
		t.Error("kept on its first request")
	}
	other := newest
	other.limit = 20 // another document
	c.put(other, 1, doc)
	c.put(newest, 1, doc)
	if _, ok := c.get(newest); !ok || c.variants != 1 {
		t.Errorf("asked for twice: kept %v, %d variants", ok, c.variants)
	}
}
