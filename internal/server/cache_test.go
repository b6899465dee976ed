package server

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestVariantCacheIsBounded(t *testing.T) {
	c := newCache()
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
